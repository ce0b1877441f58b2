//! The demo's SITHS eID: a local OpenID provider (`tools/idp`, `oidc-provider` under Node)
//! standing in for Inera's IdP, configured as the provider `siths`. Its page lets you pick a
//! demo user's HSA-id (as if read from a SITHS card) and the assurance level. Node's packages
//! are installed with `npm ci` on first use. Without Node (or when the provider will not
//! start) the button still shows, and the page it leads to says the provider cannot be
//! reached — which is what a real outage looks like.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::config::{ClientAuthSetting, OidcProviderConfig};
use crate::demo::DemoUser;

/// The id of the demo's provider.
pub const PROVIDER: &str = "siths";
/// The demo's client id at its provider.
pub const CLIENT_ID: &str = "vaka-demo";
/// Where the configured provider points when the test provider is not running: a loopback
/// port nothing listens on (discard), so that the button leads to the "cannot be reached" page.
const NOWHERE: &str = "http://127.0.0.1:9/oidc";
const LOA3: &str = "http://id.sambi.se/loa/loa3";

/// The demo users who have an HSA-id, and theirs (Demo kommun's organisation number is
/// 212000-0142). The others log in with their password only.
pub fn hsa_id_of(username: &str) -> Option<String> {
    let n = match username {
        "carestaff" => 1001,
        "carestaff2" => 1002,
        "nurse" => 1003,
        "unitmanager" => 1004,
        "nightpatrol" => 1005,
        "operator" => 1006,
        "lovstaff" => 2001,
        "lovnurse" => 2002,
        _ => return None,
    };
    Some(format!("SE2120000142-{n}"))
}

/// `oidc` in `demo-credentials.json`.
#[derive(Debug, Clone, Serialize)]
pub struct OidcSection {
    pub provider: String,
    pub issuer: String,
    /// Whether the test provider runs (else: why not).
    pub running: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_running_because: Option<String>,
    /// The provider's process (tests stop it to see the "cannot be reached" page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid: Option<u32>,
    /// An HSA-id no account has (the "no account" page).
    pub unknown_hsa_id: String,
    /// Who can log in with SITHS eID: username and HSA-id.
    pub users: Vec<OidcUser>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OidcUser {
    pub username: String,
    pub hsa_id: String,
}

/// The running provider: dropping it stops the process (so does the demo's exit: the
/// provider stops when its standard input closes).
pub struct DemoIdp {
    _child: Option<Child>,
    pub section: OidcSection,
    pub provider: OidcProviderConfig,
}

/// `tools/idp`: `$VAKA_DEMO_IDP_DIR`, else under the working directory, else in the source
/// tree the binary was built from.
fn idp_dir() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("VAKA_DEMO_IDP_DIR").map(PathBuf::from),
        Some(PathBuf::from("tools/idp")),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/idp")),
    ];
    candidates
        .into_iter()
        .flatten()
        .find(|d| d.join("idp.mjs").is_file())
}

async fn run_quietly(cmd: &mut Command, wait: Duration) -> Result<(), String> {
    let status = tokio::time::timeout(
        wait,
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status(),
    )
    .await
    .map_err(|_| "timed out".to_owned())?
    .map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("exited with {status}"))
    }
}

/// Why a start gave up: it did not say where it listens in time (tried again).
const NOT_STARTED: &str = "the provider did not start";

async fn spawn(
    dir: &Path,
    url: &str,
    secret: &str,
    accounts: &Path,
) -> Result<(Child, String), String> {
    run_quietly(
        Command::new("node").arg("--version"),
        Duration::from_secs(30),
    )
    .await
    .map_err(|e| format!("node is not available ({e})"))?;
    if !dir.join("node_modules/oidc-provider").is_dir() {
        println!(
            "  Installing the SITHS eID test provider's packages (npm ci in {})…",
            dir.display()
        );
        run_quietly(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(dir),
            Duration::from_mins(5),
        )
        .await
        .map_err(|e| format!("npm ci in {} failed ({e})", dir.display()))?;
    }
    let mut command = Command::new("node");
    command
        .arg(dir.join("idp.mjs"))
        .args(["--client-id", CLIENT_ID, "--client-secret", secret]);
    // The demo is opened at 127.0.0.1 or, for passkeys (which need a host name), at localhost:
    // Vaka sends the browser back to the host it came from, so both are registered.
    for base in [url.to_owned(), url.replacen("127.0.0.1", "localhost", 1)] {
        command
            .arg("--redirect-uri")
            .arg(format!("{base}/login/oidc/{PROVIDER}/callback"))
            .arg("--post-logout-redirect-uri")
            .arg(format!("{base}/login?ok=login-logged_out"));
    }
    let mut child = command
        .arg("--accounts")
        .arg(accounts)
        .arg("--exit-with-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("cannot start node ({e})"))?;
    let stdout = child.stdout.take().ok_or("no output from the provider")?;
    let mut lines = BufReader::new(stdout).lines();
    // Node loading oidc-provider and making its RSA key took over 20 s on a loaded CI machine
    // (the browser tests run demos side by side): wait generously. A Node process has also been
    // seen to hang at its start for good (no CPU used): the caller then starts it again.
    let issuer = tokio::time::timeout(Duration::from_secs(45), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some(issuer) = line.strip_prefix("idp listening on ") {
                return Some(issuer.trim().to_owned());
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
    .ok_or(NOT_STARTED)?;
    // Its further output is not needed, but it must not block on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((child, issuer))
}

/// Starts the demo's test provider for the demo at `url`, its users' HSA-ids in its pick list.
pub async fn start(url: &str, data_dir: &Path, users: &[DemoUser]) -> DemoIdp {
    let secret = vaka_service::secrets::random_token();
    let with_hsa: Vec<OidcUser> = users
        .iter()
        .filter_map(|u| {
            u.hsa_id.as_ref().map(|h| OidcUser {
                username: u.username.clone(),
                hsa_id: h.clone(),
            })
        })
        .collect();
    let accounts: Vec<serde_json::Value> = users
        .iter()
        .filter_map(|u| {
            u.hsa_id
                .as_ref()
                .map(|h| serde_json::json!({ "hsa_id": h, "name": u.display_name }))
        })
        .collect();
    let accounts_file = data_dir.join("idp-accounts.json");
    let started = match std::fs::write(
        &accounts_file,
        serde_json::to_vec_pretty(&accounts).unwrap_or_default(),
    ) {
        Err(e) => Err(format!("cannot write {} ({e})", accounts_file.display())),
        Ok(()) => match idp_dir() {
            None => Err("tools/idp is not found (set VAKA_DEMO_IDP_DIR)".to_owned()),
            Some(dir) => {
                let mut tried = spawn(&dir, url, &secret, &accounts_file).await;
                for _ in 1..3 {
                    if !matches!(&tried, Err(why) if why == NOT_STARTED) {
                        break;
                    }
                    tried = spawn(&dir, url, &secret, &accounts_file).await;
                }
                tried
            }
        },
    };
    let (child, issuer, why) = match started {
        Ok((child, issuer)) => (Some(child), issuer, None),
        Err(why) => (None, NOWHERE.to_owned(), Some(why)),
    };
    let pid = child.as_ref().and_then(Child::id);
    DemoIdp {
        section: OidcSection {
            provider: PROVIDER.into(),
            issuer: issuer.clone(),
            running: child.is_some(),
            not_running_because: why,
            pid,
            unknown_hsa_id: "SE2120000142-9999".into(),
            users: with_hsa,
        },
        provider: OidcProviderConfig {
            id: PROVIDER.into(),
            label: "SITHS eID".into(),
            issuer,
            client_id: CLIENT_ID.into(),
            client_secret_file: None,
            client_secret: Some(secret),
            client_auth: ClientAuthSetting::Post,
            account_claim: "employeeHsaId".into(),
            two_factor_acr: vec![LOA3.into()],
            scopes: vec!["openid".into()],
        },
        _child: child,
    }
}
