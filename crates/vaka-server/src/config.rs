//! Configuration, layered: built-in defaults → `vaka.toml` (or `--config FILE`) → `VAKA_*`
//! environment variables → command-line flags.
//!
//! Every value is parsed when the configuration is loaded, so a bad one stops the server at
//! start with an error that names the setting (`sqlite_durability: expected "normal" or "full",
//! found "fast"`), not later or never.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use jiff::civil::Time;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address of the HTTP listener.
    #[serde(deserialize_with = "address")]
    pub listen: SocketAddr,
    /// `sqlite://…` or `postgres://…`; empty means `<data_dir>/vaka.db`.
    pub database_url: Option<String>,
    /// Where the embedded database and other local files live.
    pub data_dir: PathBuf,
    /// The key file that seals TOTP secrets and DC-09 keys in the database; empty means
    /// `<data_dir>/keys/secrets.key`, created (mode 0600) at first start. The environment
    /// variable `VAKA_SECRETS_KEY` (base64), when set, is used instead of any file.
    pub secrets_key_file: Option<PathBuf>,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// A tracing filter such as `info` or `vaka=debug,info` (RUST_LOG wins when set).
    pub log_level: LogFilter,
    /// Serve over HTTPS (directly or behind a TLS proxy): secure cookies and HSTS.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_forwarded_for: bool,
    /// The listener of `/metrics` (Prometheus), never the main one: the figures tell an
    /// outsider how busy the alarm centre is. Loopback by default; `off` for none.
    #[serde(
        deserialize_with = "metrics_address",
        serialize_with = "write_metrics_address"
    )]
    pub metrics_listen: Option<SocketAddr>,
    /// SQLite commit durability: `full` (the default: an ACKed alarm survives a power cut) or
    /// `normal` (survives a crash of the process only; for installs without safety alarms).
    pub sqlite_durability: SqliteDurability,
    /// MiB of SQLite write-ahead log past which the checkpointer restarts it (16 by default;
    /// 1 to 1,024). A restart holds the writer for an fsync of the database file: larger
    /// values restart less often under sustained writes (see docs/PERFORMANCE.md).
    #[serde(deserialize_with = "read_wal_restart_mib")]
    pub sqlite_wal_restart_mib: u32,
    pub pg_max_connections: u32,
    pub session_idle_minutes: i64,
    pub session_absolute_hours: i64,
    pub login_attempts_per_minute: u32,
    /// How long a live view (the supervision queue, the dispatches) streams before the browser
    /// reconnects through the access check.
    pub live_view_seconds: u64,
    /// Days of supervision logs kept before the daily purge removes them.
    pub supervision_retention_days: u32,
    /// Address of the SIA DC-09 alarm receiver (TCP and UDP), e.g. `0.0.0.0:7100`; none
    /// means no receiver.
    #[serde(deserialize_with = "optional_address")]
    pub sia_listen: Option<SocketAddr>,
    /// Address of the SCAIP receiver (SIP over UDP and TCP, SS 91100), e.g. `0.0.0.0:5060`;
    /// none means no SCAIP receiver.
    #[serde(deserialize_with = "optional_address")]
    pub scaip_listen: Option<SocketAddr>,
    /// The SIP digest realm SCAIP units authenticate in (and the host of Vaka's own SIP URI
    /// in its `<mrs>` messages when the device gave none); `vaka` by default.
    #[serde(deserialize_with = "read_scaip_realm")]
    pub scaip_realm: String,
    /// Overrides of the SCAIP event table (docs/SCAIP.md), comma-separated `KEY=kind`: `KEY`
    /// is a `dty/stc` pair (`0005/0009`), `stc:NNNN`, `dty:NNNN` (the kind of an alarm code
    /// from that device type) or `fallback`; `kind` one of `personal`, `fall`, `sensor`,
    /// `technical`, `test`, `heartbeat`, `restore`, `cancel`, `information`. Empty: the
    /// built-in table.
    #[serde(deserialize_with = "read_scaip_events")]
    pub scaip_events: String,
    /// Address of the SCAIP receiver over TLS (SIP over TLS, "sips"), e.g. `0.0.0.0:5061`; none
    /// means no TLS listener. Needs `scaip_tls_cert` and `scaip_tls_key`.
    #[serde(deserialize_with = "optional_address")]
    pub scaip_tls_listen: Option<SocketAddr>,
    /// The PEM certificate chain the SCAIP TLS listener presents.
    pub scaip_tls_cert: Option<PathBuf>,
    /// The PEM private key of `scaip_tls_cert` (keep it mode 0600).
    pub scaip_tls_key: Option<PathBuf>,
    /// A safety alarm device's supervision interval (heartbeat) unless it has its own.
    pub alarm_heartbeat_seconds: i64,
    /// Local times of the technical checks on weekends and public holidays, comma-separated
    /// (`HH:MM`); twice a day by default. Sorted, without repeats.
    #[serde(
        serialize_with = "write_check_times",
        deserialize_with = "read_check_times"
    )]
    pub alarm_check_times: Vec<Time>,
    /// The look-in window around a planned supervision time per business area, minutes
    /// before/after: `home_care=15/30, special_housing=15/30, lss=15/30` (an area not named
    /// keeps 15/30).
    #[serde(
        serialize_with = "write_look_in_windows",
        deserialize_with = "read_look_in_windows"
    )]
    pub look_in_windows: vaka_domain::rounds::WindowRules,
    /// The Ed25519 key that signs the audit log's checkpoints, outside the database; created
    /// (mode 0600) on first start. Empty means `<data_dir>/keys/audit-signing.key`.
    pub audit_signing_key: Option<PathBuf>,
    /// The Ed25519 key that signs lock capabilities (offline unlocking), outside the database;
    /// created (mode 0600) on first start. Its public key is served at
    /// `/api/v1/locks/public-key` for the locks. Empty means `<data_dir>/keys/lock-signing.key`.
    pub lock_signing_key: Option<PathBuf>,
    /// Where the signed audit checkpoints and the public key are written, one file a day.
    /// Ship it off the host. Empty means `<data_dir>/audit-checkpoints`.
    pub audit_checkpoint_dir: Option<PathBuf>,
    /// Also send each audit checkpoint to this syslog socket (e.g. `/dev/log`, which journald
    /// reads too); none by default.
    pub audit_checkpoint_syslog: Option<PathBuf>,
    /// The SMTP server that e-mails notices of missed signings, as lettre reads it:
    /// `smtp://127.0.0.1:25`, `smtp://relay.example.se?tls=required`,
    /// `smtps://user:password@relay.example.se`. None by default: no e-mail.
    #[serde(deserialize_with = "read_smtp_url")]
    pub smtp_url: Option<String>,
    /// The sender of those e-mails (`Vaka <vaka@kommun.se>`); required with `smtp_url`.
    #[serde(deserialize_with = "read_mail_from")]
    pub mail_from: Option<String>,
    /// The address people open Vaka at (`https://vaka.kommun.se`), for the link in e-mails;
    /// none by default (the e-mail then only says to log in).
    pub public_url: Option<String>,
    /// NATS between the nodes of a cluster (`nats://10.0.0.5:4222`, several comma-separated
    /// for a NATS cluster): live views on every node, cameras on any node. Needs PostgreSQL.
    /// None by default: one node.
    pub nats_url: Option<String>,
    /// The subjects' prefix on NATS, so that several installations can share one NATS
    /// (`vaka` by default).
    pub nats_prefix: String,
    /// This node's name in the readiness probe, metrics and logs; the host name by default.
    pub node_name: Option<String>,
    /// Not a setting: whether the daily purge runs at start too, as it does. `vaka demo`
    /// clears it, so that the year it seeds is there for the system manager to preview and
    /// purge (the first daily purge then comes a day after the start).
    #[serde(skip)]
    pub purge_at_start: bool,
    /// Login through identity providers (SITHS eID over OpenID Connect): `[[oidc.providers]]`
    /// in `vaka.toml` (see docs/OPERATIONS.md). None by default.
    pub oidc: OidcConfig,
}

/// `[oidc]`: the identity providers offered on the login page.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcConfig {
    pub providers: Vec<OidcProviderConfig>,
}

/// `[[oidc.providers]]`: one identity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProviderConfig {
    /// Short id in addresses and the audit log: lower-case letters, digits, `-`, `_`
    /// (`siths`). The provider sends the browser back to `<public_url>/login/oidc/<id>/callback`.
    #[serde(deserialize_with = "read_provider_id")]
    pub id: String,
    /// The button's words after "Logga in med" (`SITHS eID`).
    #[serde(default = "default_label")]
    pub label: String,
    /// The issuer, exactly as the provider's discovery document has it (Inera's test IdP:
    /// `https://idp.ineratest.org:443/oidc`). HTTPS, except on loopback.
    pub issuer: String,
    pub client_id: String,
    /// A file holding the client secret (mode 0600). The environment variable
    /// `VAKA_OIDC_<ID>_CLIENT_SECRET` (the id upper-cased, `-` as `_`), when set, wins. The
    /// secret is never written in `vaka.toml`.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Not a setting: the secret itself, as `vaka demo` gives it to its own test provider.
    #[serde(skip)]
    pub client_secret: Option<String>,
    /// How the client authenticates at the token endpoint: `post` (`client_secret_post`,
    /// Inera's) or `basic`.
    #[serde(default)]
    pub client_auth: ClientAuthSetting,
    /// The id token claim that names the account by its HSA-id; never `sub`.
    #[serde(default = "default_account_claim")]
    pub account_claim: String,
    /// The `acr` values that count as two factors, compared exactly (Inera:
    /// `http://id.sambi.se/loa/loa3`). Any other value (or none) leaves the user at their own
    /// second factor.
    #[serde(default = "default_two_factor_acr")]
    pub two_factor_acr: Vec<String>,
    /// Scopes to ask for besides `openid`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

/// `client_auth`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientAuthSetting {
    #[default]
    Post,
    Basic,
}

fn default_label() -> String {
    "SITHS eID".into()
}

fn default_account_claim() -> String {
    "employeeHsaId".into()
}

fn default_two_factor_acr() -> Vec<String> {
    vec!["http://id.sambi.se/loa/loa3".into()]
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into()]
}

fn read_provider_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = String::deserialize(d)?;
    let ok = !id.is_empty()
        && id.len() <= 32
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(id)
    } else {
        Err(serde::de::Error::custom(format!(
            "{id:?} is not a provider id: 1 to 32 lower-case letters, digits, '-' or '_'"
        )))
    }
}

impl OidcProviderConfig {
    /// The environment variable that holds this provider's client secret.
    pub fn secret_env(&self) -> String {
        format!(
            "VAKA_OIDC_{}_CLIENT_SECRET",
            self.id.to_uppercase().replace('-', "_")
        )
    }

    /// The provider, its client secret read from the environment or its file.
    pub fn provider(&self) -> anyhow::Result<vaka_oidc::Provider> {
        let secret = match (
            std::env::var(self.secret_env()).ok(),
            &self.client_secret_file,
            &self.client_secret,
        ) {
            (Some(s), _, _) => s,
            (None, Some(f), _) => std::fs::read_to_string(f).map_err(|e| {
                anyhow::anyhow!(
                    "oidc provider {}: cannot read client_secret_file {}: {e}",
                    self.id,
                    f.display()
                )
            })?,
            (None, None, Some(s)) => s.clone(),
            (None, None, None) => anyhow::bail!(
                "oidc provider {}: no client secret; set client_secret_file or {}",
                self.id,
                self.secret_env()
            ),
        };
        let settings = vaka_oidc::ProviderSettings {
            id: self.id.clone(),
            label: self.label.clone(),
            issuer: self.issuer.trim().to_owned(),
            client_id: self.client_id.trim().to_owned(),
            client_secret: secret.trim().to_owned(),
            client_auth: match self.client_auth {
                ClientAuthSetting::Post => vaka_oidc::ClientAuth::Post,
                ClientAuthSetting::Basic => vaka_oidc::ClientAuth::Basic,
            },
            account_claim: self.account_claim.trim().to_owned(),
            two_factor_acr: self.two_factor_acr.clone(),
            scopes: self.scopes.clone(),
        };
        vaka_oidc::Provider::new(settings)
            .map_err(|e| anyhow::anyhow!("oidc provider {}: {e}", self.id))
    }
}

impl OidcConfig {
    /// Every configured provider; an error names the first that cannot work (and the ids must
    /// differ).
    pub fn providers(&self) -> anyhow::Result<vaka_oidc::Providers> {
        let mut list = Vec::new();
        for (i, p) in self.providers.iter().enumerate() {
            anyhow::ensure!(
                !self.providers[..i].iter().any(|q| q.id == p.id),
                "oidc provider id {:?} is given twice",
                p.id
            );
            list.push(p.provider()?);
        }
        Ok(vaka_oidc::Providers::new(list))
    }
}

/// `log_format`: how log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object a line, for log collectors.
    Json,
}

/// `sqlite_durability`: when a commit to the embedded database is durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteDurability {
    /// It survives a crash of the process, not a power cut or a kernel crash. An opt-in for
    /// installs that receive no safety alarms.
    Normal,
    /// It also survives a power cut (an fsync per commit): what an alarm receiver needs, as
    /// an event it has ACKed must never vanish (EN 50136).
    #[default]
    Full,
}

/// `log_level`: a tracing filter (`info`, `vaka=debug,info`), checked when it is read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct LogFilter(String);

impl LogFilter {
    /// A filter, if `tracing` can read it.
    pub fn new(filter: &str) -> Result<Self, String> {
        tracing_subscriber::EnvFilter::builder()
            .parse(filter)
            .map(|_| Self(filter.to_owned()))
            .map_err(|e| format!("{filter:?} is not a log filter ({e})"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for LogFilter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

fn parse_address(raw: &str) -> Result<SocketAddr, String> {
    raw.parse().map_err(|_| {
        format!("expected an IP address and port such as \"127.0.0.1:8080\", found {raw:?}")
    })
}

/// The default metrics listener: loopback, the port Prometheus exporters commonly take.
pub const DEFAULT_METRICS_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 9464);

/// An address, or `off` (or nothing) for no metrics listener.
fn metrics_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SocketAddr>, D::Error> {
    match Option::<String>::deserialize(d)?.as_deref().map(str::trim) {
        None | Some("" | "off") => Ok(None),
        Some(raw) => parse_address(raw)
            .map(Some)
            .map_err(|e| serde::de::Error::custom(format!("{e}, or \"off\""))),
    }
}

#[allow(
    clippy::ref_option,
    reason = "the signature serde's serialize_with calls"
)]
fn write_metrics_address<S: Serializer>(a: &Option<SocketAddr>, s: S) -> Result<S::Ok, S::Error> {
    match a {
        Some(a) => s.collect_str(a),
        None => s.serialize_str("off"),
    }
}

fn address<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    parse_address(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn optional_address<'de, D: Deserializer<'de>>(d: D) -> Result<Option<SocketAddr>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|s| parse_address(&s))
        .transpose()
        .map_err(serde::de::Error::custom)
}

fn read_scaip_realm<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = String::deserialize(d)?;
    let realm = raw.trim();
    if realm.is_empty()
        || realm.len() > 64
        || !realm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
    {
        return Err(serde::de::Error::custom(format!(
            "{raw:?} is not a realm of 1–64 letters, digits, '-', '.' or '_'"
        )));
    }
    Ok(realm.to_owned())
}

fn read_scaip_events<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = String::deserialize(d)?;
    vaka_alarm_receiver::scaip::parse_event_table(&raw).map_err(serde::de::Error::custom)?;
    Ok(raw.trim().to_owned())
}

fn read_check_times<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Time>, D::Error> {
    parse_check_times(&String::deserialize(d)?).map_err(serde::de::Error::custom)
}

fn write_check_times<S: Serializer>(times: &[Time], s: S) -> Result<S::Ok, S::Error> {
    let text: Vec<String> = times
        .iter()
        .map(|t| t.strftime("%H:%M").to_string())
        .collect();
    s.serialize_str(&text.join(","))
}

fn read_look_in_windows<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<vaka_domain::rounds::WindowRules, D::Error> {
    vaka_domain::rounds::WindowRules::parse(&String::deserialize(d)?)
        .map_err(serde::de::Error::custom)
}

fn read_wal_restart_mib<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    let mib = u32::deserialize(d)?;
    if (1..=1024).contains(&mib) {
        Ok(mib)
    } else {
        Err(serde::de::Error::custom(format!(
            "{mib} MiB is outside 1 to 1024"
        )))
    }
}

fn write_look_in_windows<S: Serializer>(
    rules: &vaka_domain::rounds::WindowRules,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rules.to_setting())
}

fn read_smtp_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty());
    if let Some(url) = &raw {
        // The URL may hold a password: the error never repeats it.
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url.trim()).map_err(|_| {
            serde::de::Error::custom(
                "not an SMTP URL such as \"smtp://127.0.0.1:25\" or \"smtps://relay.example.se\"",
            )
        })?;
    }
    Ok(raw.map(|u| u.trim().to_owned()))
}

fn read_mail_from<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let raw = Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty());
    if let Some(from) = &raw {
        from.trim()
            .parse::<lettre::message::Mailbox>()
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "{from:?} is not an e-mail address such as \"Vaka <vaka@kommun.se>\""
                ))
            })?;
    }
    Ok(raw.map(|f| f.trim().to_owned()))
}

/// The names of the settings, as they appear in `vaka.toml` and (upper-cased, with `VAKA_`)
/// in the environment.
const SETTINGS: &[&str] = &[
    "listen",
    "database_url",
    "data_dir",
    "secrets_key_file",
    "log_format",
    "log_level",
    "secure_cookies",
    "trust_forwarded_for",
    "metrics_listen",
    "sqlite_durability",
    "sqlite_wal_restart_mib",
    "pg_max_connections",
    "session_idle_minutes",
    "session_absolute_hours",
    "login_attempts_per_minute",
    "live_view_seconds",
    "supervision_retention_days",
    "sia_listen",
    "scaip_listen",
    "scaip_realm",
    "scaip_events",
    "scaip_tls_listen",
    "scaip_tls_cert",
    "scaip_tls_key",
    "alarm_heartbeat_seconds",
    "alarm_check_times",
    "look_in_windows",
    "audit_signing_key",
    "lock_signing_key",
    "audit_checkpoint_dir",
    "audit_checkpoint_syslog",
    "smtp_url",
    "mail_from",
    "public_url",
    "nats_url",
    "nats_prefix",
    "node_name",
    "oidc",
];

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: None,
            data_dir: PathBuf::from("./vaka-data"),
            secrets_key_file: None,
            log_format: LogFormat::Text,
            log_level: LogFilter("info".into()),
            secure_cookies: false,
            trust_forwarded_for: false,
            metrics_listen: Some(DEFAULT_METRICS_LISTEN),
            sqlite_durability: SqliteDurability::Full,
            sqlite_wal_restart_mib: 16,
            pg_max_connections: 16,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            login_attempts_per_minute: 20,
            live_view_seconds: 300,
            supervision_retention_days: 365,
            sia_listen: None,
            scaip_listen: None,
            scaip_realm: "vaka".into(),
            scaip_events: String::new(),
            scaip_tls_listen: None,
            scaip_tls_cert: None,
            scaip_tls_key: None,
            alarm_heartbeat_seconds: 300,
            alarm_check_times: vec![Time::constant(8, 0, 0, 0), Time::constant(16, 0, 0, 0)],
            look_in_windows: vaka_domain::rounds::WindowRules::default(),
            audit_signing_key: None,
            lock_signing_key: None,
            audit_checkpoint_dir: None,
            audit_checkpoint_syslog: None,
            smtp_url: None,
            mail_from: None,
            public_url: None,
            nats_url: None,
            nats_prefix: "vaka".into(),
            node_name: None,
            purge_at_start: true,
            oidc: OidcConfig::default(),
        }
    }
}

/// `alarm_check_times`: local `HH:MM` times, comma-separated, at least one; sorted, without
/// repeats.
pub fn parse_check_times(raw: &str) -> Result<Vec<Time>, String> {
    let mut times = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let t = Time::strptime("%H:%M", part)
            .map_err(|_| format!("{part:?} is not a time of day as HH:MM"))?;
        times.push(t);
    }
    if times.is_empty() {
        return Err("give at least one time, e.g. \"08:00,16:00\"".into());
    }
    times.sort();
    times.dedup();
    Ok(times)
}

/// The errors of a configuration, one a line: the setting, what is wrong and where the value
/// came from (`sqlite_durability: expected "normal" or "full", found "fast" (in vaka.toml)`).
fn describe(error: figment::Error) -> String {
    let lines: Vec<String> = error
        .into_iter()
        .map(|e| {
            let what = match &e.kind {
                figment::error::Kind::UnknownVariant(found, expected) => {
                    format!("expected {}, found {found:?}", one_of(expected))
                }
                figment::error::Kind::UnknownField(_, settings) => {
                    format!("not a setting; the settings are {}", settings.join(", "))
                }
                kind => kind.to_string(),
            };
            let setting = e.path.join(".");
            let from = e.metadata.as_ref().map(|m| match &m.source {
                Some(source) => format!(" (in {source})"),
                None => format!(" (in {})", m.name),
            });
            match setting.as_str() {
                "" => format!("{what}{}", from.unwrap_or_default()),
                s => format!("{s}: {what}{}", from.unwrap_or_default()),
            }
        })
        .collect();
    lines.join("\n")
}

/// `"a"`, `"a" or "b"`, `one of "a", "b", "c"`.
fn one_of(choices: &[&str]) -> String {
    let quoted: Vec<String> = choices.iter().map(|c| format!("{c:?}")).collect();
    match quoted.as_slice() {
        [] => "nothing".into(),
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        all => format!("one of {}", all.join(", ")),
    }
}

impl Config {
    /// Loads the layers; `file` is `--config`, else `./vaka.toml` when it exists.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) => {
                anyhow::ensure!(f.exists(), "config file {} does not exist", f.display());
                fig = fig.merge(Toml::file(f));
            }
            None => {
                if Path::new("vaka.toml").exists() {
                    fig = fig.merge(Toml::file("vaka.toml"));
                }
            }
        }
        // Only the settings' own names: other VAKA_* variables (test and tool settings such as
        // VAKA_BIN or VAKA_TEST_POSTGRES_URL) are not configuration.
        fig = fig.merge(Env::prefixed("VAKA_").only(SETTINGS));

        fig.extract()
            .map_err(|e| anyhow::anyhow!("invalid configuration: {}", describe(e)))
    }

    /// This node's name: `node_name`, else the host name, else `vaka`.
    pub fn node(&self) -> String {
        self.node_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| {
                std::fs::read_to_string("/proc/sys/kernel/hostname")
                    .ok()
                    .map(|h| h.trim().to_owned())
                    .filter(|h| !h.is_empty())
            })
            .unwrap_or_else(|| "vaka".into())
    }

    /// A cluster (`nats_url`) needs the shared database: nodes keep every state in PostgreSQL.
    pub fn check_cluster(&self) -> anyhow::Result<()> {
        if self.nats_url.is_some() {
            anyhow::ensure!(
                self.database().starts_with("postgres"),
                "nats_url needs a PostgreSQL database_url: the nodes of a cluster share their state there, not in an embedded SQLite file"
            );
        }
        Ok(())
    }

    /// The database URL in effect.
    pub fn database(&self) -> String {
        match self
            .database_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        {
            Some(u) => u.to_owned(),
            None => format!("sqlite://{}", self.data_dir.join("vaka.db").display()),
        }
    }

    /// The secrets key file in effect (see `secrets_key_file`).
    pub fn secrets_key_path(&self) -> PathBuf {
        match &self.secrets_key_file {
            Some(p) if !p.as_os_str().is_empty() => p.clone(),
            _ => self.data_dir.join("keys").join("secrets.key"),
        }
    }

    /// The audit signing key in effect.
    pub fn audit_signing_key_path(&self) -> PathBuf {
        match &self.audit_signing_key {
            Some(p) if !p.as_os_str().is_empty() => p.clone(),
            _ => self.data_dir.join("keys").join("audit-signing.key"),
        }
    }

    /// The lock capability signing key in effect.
    pub fn lock_signing_key_path(&self) -> PathBuf {
        match &self.lock_signing_key {
            Some(p) if !p.as_os_str().is_empty() => p.clone(),
            _ => self.data_dir.join("keys").join("lock-signing.key"),
        }
    }

    /// The audit checkpoint directory in effect.
    pub fn audit_checkpoint_dir_path(&self) -> PathBuf {
        match &self.audit_checkpoint_dir {
            Some(p) if !p.as_os_str().is_empty() => p.clone(),
            _ => self.data_dir.join("audit-checkpoints"),
        }
    }

    /// The URL with any password masked, for logs.
    pub fn database_for_log(&self) -> String {
        let url = self.database();
        match (url.find("://"), url.rfind('@')) {
            (Some(s), Some(at)) if at > s => {
                let creds = &url[s + 3..at];
                match creds.split_once(':') {
                    Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                    None => url,
                }
            }
            _ => url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_masking() {
        let c = Config::default();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.database().starts_with("sqlite://"));
        assert!(c.database().ends_with("vaka.db"));
        assert_eq!(
            c.audit_signing_key_path(),
            Path::new("./vaka-data/keys/audit-signing.key")
        );
        assert_eq!(
            c.audit_checkpoint_dir_path(),
            Path::new("./vaka-data/audit-checkpoints")
        );
        let pg = Config {
            database_url: Some("postgres://vaka:s3cret@db:5432/vaka".into()),
            ..c
        };
        assert_eq!(pg.database_for_log(), "postgres://vaka:***@db:5432/vaka");
    }

    /// The defaults as written in `vaka.toml` or the environment (and as figment reads them).
    #[test]
    fn defaults_serialise_as_the_settings_are_written() {
        let v = serde_json::to_value(Config::default()).unwrap();
        assert_eq!(v["listen"], "127.0.0.1:8080");
        assert_eq!(v["log_format"], "text");
        assert_eq!(v["log_level"], "info");
        assert_eq!(v["sqlite_durability"], "full");
        assert_eq!(v["alarm_check_times"], "08:00,16:00");
        assert_eq!(v["metrics_listen"], "127.0.0.1:9464");
        assert_eq!(v["sia_listen"], serde_json::Value::Null);
        assert_eq!(v["scaip_listen"], serde_json::Value::Null);
        assert_eq!(v["scaip_realm"], "vaka");
        assert_eq!(v["scaip_events"], "");
        assert_eq!(v["smtp_url"], serde_json::Value::Null);
        assert_eq!(v["mail_from"], serde_json::Value::Null);
    }

    #[test]
    #[allow(clippy::result_large_err, reason = "figment's test API")]
    fn layers_file_then_env() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "vaka.toml",
                "listen = \"0.0.0.0:9000\"\nlog_format = \"json\"\nsqlite_durability = \"normal\"\n",
            )?;
            jail.set_env("VAKA_LISTEN", "127.0.0.1:9100");
            jail.set_env("VAKA_SIA_LISTEN", "127.0.0.1:0");
            jail.set_env("VAKA_SCAIP_LISTEN", "0.0.0.0:5060");
            jail.set_env("VAKA_SCAIP_EVENTS", "stc:0102=heartbeat, dty:0012=personal");
            jail.set_env("VAKA_LOG_LEVEL", "vaka=debug,info");
            jail.set_env("VAKA_BIN", "/somewhere/vaka");

            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.listen.to_string(), "127.0.0.1:9100", "env wins over file");
            assert_eq!(c.log_format, LogFormat::Json, "file wins over defaults");
            assert_eq!(c.sqlite_durability, SqliteDurability::Normal);
            assert_eq!(c.log_level.as_str(), "vaka=debug,info");
            assert_eq!(
                c.scaip_listen.map(|a| a.to_string()).as_deref(),
                Some("0.0.0.0:5060")
            );
            assert_eq!(c.scaip_events, "stc:0102=heartbeat, dty:0012=personal");
            assert_eq!(
                c.sia_listen.map(|a| a.to_string()).as_deref(),
                Some("127.0.0.1:0")
            );
            assert_eq!(
                c.metrics_listen,
                Some(DEFAULT_METRICS_LISTEN),
                "the default"
            );
            assert_eq!(
                c.alarm_check_times,
                [Time::constant(8, 0, 0, 0), Time::constant(16, 0, 0, 0)],
                "the default"
            );
            assert_eq!(
                serde_json::to_value(Config::default())
                    .map_err(|e| e.to_string())?
                    .as_object()
                    .map(serde_json::Map::len),
                Some(SETTINGS.len()),
                "SETTINGS lists every field"
            );

            jail.create_file(
                "windows.toml",
                "look_in_windows = \"special_housing=10/20\"\n",
            )?;
            let c = Config::load(Some(Path::new("windows.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                c.look_in_windows.to_setting(),
                "home_care=15/30, special_housing=10/20, lss=15/30"
            );
            jail.create_file("times.toml", "alarm_check_times = \"19:00, 07:30,19:00\"\n")?;
            let c = Config::load(Some(Path::new("times.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                c.alarm_check_times,
                [Time::constant(7, 30, 0, 0), Time::constant(19, 0, 0, 0)],
                "sorted, without repeats"
            );
            jail.create_file("bad.toml", "lisen = 1\n")?;
            let err = Config::load(Some(Path::new("bad.toml")))
                .err()
                .ok_or("an unknown key was accepted")?
                .to_string();
            assert!(
                err.contains("lisen: not a setting; the settings are listen, database_url,"),
                "{err}"
            );
            Ok(())
        });
    }

    /// A bad value of each typed setting stops the start, with an error that names the setting
    /// and says what was expected.
    #[test]
    #[allow(clippy::result_large_err, reason = "figment's test API")]
    fn bad_values_are_refused_naming_the_setting() {
        let cases = [
            (
                "sqlite_durability = \"fast\"",
                "sqlite_durability: expected \"normal\" or \"full\", found \"fast\" (in bad.toml)",
            ),
            (
                "log_format = \"pretty\"",
                "log_format: expected \"text\" or \"json\", found \"pretty\" (in bad.toml)",
            ),
            (
                "log_level = \"vaka=loud\"",
                "log_level: \"vaka=loud\" is not a log filter",
            ),
            (
                "alarm_check_times = \"08:00,8 o'clock\"",
                "alarm_check_times: \"8 o'clock\" is not a time of day as HH:MM (in bad.toml)",
            ),
            (
                "alarm_check_times = \" , \"",
                "alarm_check_times: give at least one time",
            ),
            (
                "look_in_windows = \"lss=90/30\"",
                "look_in_windows: 90 minutes before is more than 60 (in bad.toml)",
            ),
            (
                "sqlite_wal_restart_mib = 0",
                "sqlite_wal_restart_mib: 0 MiB is outside 1 to 1024 (in bad.toml)",
            ),
            (
                "look_in_windows = \"nursing=15/30\"",
                "look_in_windows: \"nursing\" is not a business area",
            ),
            (
                "listen = \"localhost:8080\"",
                "listen: expected an IP address and port such as \"127.0.0.1:8080\", found \"localhost:8080\"",
            ),
            ("listen = 8080", "listen: invalid type"),
            (
                "metrics_listen = \"127.0.0.1\"",
                "metrics_listen: expected an IP address and port",
            ),
            (
                "sia_listen = \":7100\"",
                "sia_listen: expected an IP address and port",
            ),
            (
                "scaip_listen = \"5060\"",
                "scaip_listen: expected an IP address and port",
            ),
            (
                "scaip_realm = \"vaka kommun\"",
                "scaip_realm: \"vaka kommun\" is not a realm",
            ),
            (
                "scaip_events = \"0005/0009=loud\"",
                "scaip_events: \"0005/0009=loud\": \"loud\" is not one of personal",
            ),
            (
                "scaip_events = \"stc:12345=test\"",
                "scaip_events: \"12345\" is not a status code of 1–4 digits",
            ),
            (
                "smtp_url = \"http://relay.example.se\"",
                "smtp_url: not an SMTP URL",
            ),
            (
                "mail_from = \"vaka at kommun\"",
                "mail_from: \"vaka at kommun\" is not an e-mail address",
            ),
        ];
        for (line, want) in cases {
            figment::Jail::expect_with(|jail| {
                jail.create_file("bad.toml", line)?;
                let err = Config::load(Some(Path::new("bad.toml")))
                    .err()
                    .ok_or_else(|| format!("{line} was accepted"))?
                    .to_string();
                assert!(err.starts_with("invalid configuration: "), "{err}");
                assert!(err.contains(want), "{line}: {err}");
                Ok(())
            });
        }
    }

    #[test]
    #[allow(clippy::result_large_err, reason = "figment's test API")]
    fn bad_values_from_the_environment_name_the_setting() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("VAKA_SQLITE_DURABILITY", "fast");
            let err = Config::load(None).err().ok_or("accepted")?.to_string();
            assert!(
                err.contains("sqlite_durability: expected \"normal\" or \"full\", found \"fast\""),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err, reason = "figment's test API")]
    fn identity_providers_are_read_and_checked() {
        figment::Jail::expect_with(|jail| {
            let toml = |issuer: &str, claim: &str| {
                format!(
                    "[[oidc.providers]]\nid = \"siths\"\nissuer = \"{issuer}\"\n\
                     client_id = \"vaka\"\naccount_claim = \"{claim}\"\n"
                )
            };
            jail.create_file(
                "vaka.toml",
                &toml("https://idp.ineratest.org:443/oidc", "employeeHsaId"),
            )?;
            let c = Config::load(None).map_err(|e| e.to_string())?;
            let p = &c.oidc.providers[0];
            assert_eq!(p.label, "SITHS eID");
            assert_eq!(p.two_factor_acr, ["http://id.sambi.se/loa/loa3"]);
            assert_eq!(p.client_auth, ClientAuthSetting::Post);
            // Without a secret: an error that says where to put it.
            let e = c.oidc.providers().err().map(|e| e.to_string());
            assert!(
                e.as_deref()
                    .is_some_and(|e| e.contains("VAKA_OIDC_SITHS_CLIENT_SECRET")),
                "{e:?}"
            );
            jail.set_env("VAKA_OIDC_SITHS_CLIENT_SECRET", "s3cret\n");
            let ps = c.oidc.providers().map_err(|e| e.to_string())?;
            let secret = ps.get("siths").map(|p| p.settings.client_secret.clone());
            assert_eq!(secret.as_deref(), Some("s3cret"));
            // The secret never shows in the settings' debug output.
            assert!(!format!("{:?}", ps.get("siths")).contains("s3cret"));

            // Refused: plain HTTP off loopback, `sub` as the account claim, a bad id.
            for (issuer, claim) in [
                ("http://idp.example.se/oidc", "employeeHsaId"),
                ("https://idp.example.se/oidc", "sub"),
            ] {
                jail.create_file("vaka.toml", &toml(issuer, claim))?;
                let c = Config::load(None).map_err(|e| e.to_string())?;
                assert!(c.oidc.providers().is_err(), "{issuer} {claim} accepted");
            }
            jail.create_file(
                "vaka.toml",
                &toml("http://127.0.0.1:9/oidc", "employeeHsaId"),
            )?;
            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert!(c.oidc.providers().is_ok(), "loopback HTTP is for tests");
            jail.create_file(
                "vaka.toml",
                "[[oidc.providers]]\nid = \"SITHS eID\"\nissuer = \"https://x\"\nclient_id = \"v\"\n",
            )?;
            let e = Config::load(None).err().map(|e| e.to_string());
            assert!(
                e.as_deref()
                    .is_some_and(|e| e.contains("not a provider id")),
                "{e:?}"
            );
            Ok(())
        });
    }
}
