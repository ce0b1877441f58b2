//! `vaka`: the server of Vaka and its administration commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use vaka_domain::access::Role;
use vaka_domain::audit_checkpoint::CheckpointVerifier;
use vaka_domain::directory::OrganisationKind;
use vaka_server::config::{Config, LogFormat};
use vaka_server::{backup, demo, serve, store, telemetry};
use vaka_service::Services;
use vaka_service::admin::CliAccount;
use vaka_service::audit::Verification;
use vaka_service::directory::RoleInput;

/// mimalloc instead of the C library's allocator: the alarm receiver's group commits allocate
/// and free many small values per event (docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "vaka",
    version,
    about = "Vaka: welfare technology for municipal home care"
)]
struct Cli {
    /// Configuration file (default: ./vaka.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct Common {
    /// Database URL: sqlite://FILE or postgres://… [env: VAKA_DATABASE_URL]
    #[arg(long)]
    database: Option<String>,
    /// Directory for the embedded database and local files [env: VAKA_DATA_DIR]
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Listen address [env: VAKA_LISTEN] (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// SIA DC-09 alarm receiver address, TCP and UDP [env: VAKA_SIA_LISTEN] (default: none).
        #[arg(long)]
        sia_listen: Option<SocketAddr>,
        /// SCAIP alarm receiver address, SIP over UDP and TCP [env: VAKA_SCAIP_LISTEN]
        /// (default: none).
        #[arg(long)]
        scaip_listen: Option<SocketAddr>,
        /// NATS between the nodes of a cluster, e.g. nats://127.0.0.1:4222 [env: VAKA_NATS_URL]
        /// (default: none, one node). Needs a PostgreSQL database.
        #[arg(long)]
        nats: Option<String>,
        /// This node's name in the readiness probe and metrics [env: VAKA_NODE_NAME]
        /// (default: the host name).
        #[arg(long)]
        node_name: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Start a fresh demo municipality with demo data and serve it.
    Demo {
        /// Directory of the demo (replaced on every run; default ./vaka-demo).
        #[arg(long, default_value = "./vaka-demo")]
        data_dir: PathBuf,
        /// Listen address (default 127.0.0.1:8080; use 127.0.0.1:0 for any free port).
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Seed an empty PostgreSQL database instead of SQLite in the data directory.
        #[arg(long)]
        database: Option<String>,
        /// SIA DC-09 alarm receiver address, TCP and UDP (default 127.0.0.1:7100).
        #[arg(long, default_value = "127.0.0.1:7100")]
        sia_listen: SocketAddr,
        /// SCAIP alarm receiver address, SIP over UDP and TCP (default 127.0.0.1:5060).
        #[arg(long, default_value = "127.0.0.1:5060")]
        scaip_listen: SocketAddr,
        /// For the browser tests: the server's clock is the wall clock moved ahead by lines
        /// `advance <seconds>` on standard input (each answered `clock <instant>` on standard
        /// output). Never in production: `vaka serve` has no such option.
        #[arg(long, hide = true)]
        test_clock: bool,
        /// For the cluster drill: this many more clients with an active camera and a look-in
        /// due within ten minutes (`scripts/cluster-drill`).
        #[arg(long, hide = true, default_value_t = 0)]
        drill_cameras: usize,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The key that seals TOTP secrets and DC-09 keys in the database.
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Write a checked backup of the SQLite database, online (the server may keep running).
    ///
    /// The copy is a consistent snapshot, written with mode 0600 to a temporary name, checked
    /// (SQLite integrity check, audit chain) and then renamed. It does not contain the key files
    /// under the data directory: back those up separately. For PostgreSQL use pg_dump
    /// (docs/OPERATIONS.md).
    Backup {
        #[command(flatten)]
        common: Common,
        /// The backup file to write.
        #[arg(long)]
        to: PathBuf,
        /// Replace the backup file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the SQLite database by a backup, after checking it; the server must be stopped.
    ///
    /// The replaced database is kept as `<db>.before-restore-<UTC time>`. For PostgreSQL use
    /// pg_restore (docs/OPERATIONS.md).
    Restore {
        #[command(flatten)]
        common: Common,
        /// The backup file (as `vaka backup` wrote it).
        #[arg(long)]
        from: PathBuf,
    },
    /// Simulated devices, for trying Vaka out and for load tests.
    Simulate {
        #[command(subcommand)]
        command: SimulateCommand,
    },
}

#[derive(Subcommand)]
enum SimulateCommand {
    /// Connect simulated cameras (the real protocol, synthetic frames) until stopped.
    Cameras {
        /// The Vaka server, e.g. http://127.0.0.1:8080 (ws:// and wss:// work too); the nodes
        /// of a cluster comma-separated (each camera starts at one and falls back on the next).
        #[arg(long)]
        server: String,
        /// A credentials file listing the cameras (as `vaka demo` writes it).
        #[arg(long)]
        credentials: PathBuf,
        /// Connect at most this many of them.
        #[arg(long)]
        count: Option<usize>,
        /// Leave every n-th camera offline (0: none).
        #[arg(long, default_value_t = 10)]
        offline_every: usize,
        /// Every camera stays connected (none offline, flapping or slow): for drills.
        #[arg(long)]
        steady: bool,
    },
    /// Connect simulated door locks (the real lock protocol) until stopped: they open on the
    /// server's unlock commands and report their events. With `--offline-check TOKEN --lock ID
    /// --public-key HEX` it instead checks one capability as an offline lock would.
    Locks {
        /// The Vaka server, e.g. http://127.0.0.1:8080 (ws:// and wss:// work too).
        #[arg(long)]
        server: Option<String>,
        /// A credentials file listing the locks (as `vaka demo` writes it).
        #[arg(long)]
        credentials: Option<PathBuf>,
        /// Connect at most this many of them.
        #[arg(long)]
        count: Option<usize>,
        /// Leave every n-th lock offline (0: none).
        #[arg(long, default_value_t = 0)]
        offline_every: usize,
        /// Check this capability token as an offline lock and exit (0: opens, 1: refused).
        #[arg(long)]
        offline_check: Option<String>,
        /// The offline lock's id.
        #[arg(long)]
        lock: Option<uuid::Uuid>,
        /// The server's lock public key (64 hex digits, from /api/v1/locks/public-key).
        #[arg(long)]
        public_key: Option<String>,
    },
}

/// The WebSocket base of a server address.
/// (Each of the comma-separated servers of a cluster.)
fn ws_base(server: &str) -> String {
    let one = |s: &str| {
        let s = s.trim().trim_end_matches('/');
        if let Some(rest) = s.strip_prefix("http://") {
            format!("ws://{rest}")
        } else if let Some(rest) = s.strip_prefix("https://") {
            format!("wss://{rest}")
        } else {
            s.to_owned()
        }
    };
    server.split(',').map(one).collect::<Vec<_>>().join(",")
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an active account (e.g. the first administrator).
    Create {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
        /// The person's name.
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// Name or id of the organisation; created as the municipality if none exists yet.
        #[arg(long)]
        organisation: String,
        /// A role code (system_admin, operator, …), optionally `role@unit-id`. Repeatable.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        #[arg(long)]
        hsa_id: Option<String>,
        /// Set this password (at least 12 characters and hard to guess: common passwords,
        /// keyboard runs, sequences and the account's own name are refused); otherwise a
        /// one-time password is printed that must be changed.
        #[arg(long, env = "VAKA_NEW_USER_PASSWORD")]
        password: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Issue a bearer token for the JSON API and print it (only its hash is stored).
    Create {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "API token")]
        name: String,
    },
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// Make a new secrets key and seal every TOTP secret and DC-09 key again under it, in one
    /// transaction. The key before is kept as `<key file>.old` (with VAKA_SECRETS_KEY the new
    /// key is printed: set it there). Stop the server first.
    Rotate {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exit 0 when intact, 1 (naming the first broken entry) otherwise.
    Verify {
        #[command(flatten)]
        common: Common,
        /// Also check the chain against the signed checkpoints in this directory: it fails when
        /// the log is shorter than, or differs from, any checkpoint.
        #[arg(long, value_name = "DIR")]
        checkpoints: Option<PathBuf>,
        /// The public key to trust (64 hex digits, or a file holding them); repeatable. Without
        /// it, the `*.pub` files in the checkpoint directory are trusted.
        #[arg(long = "public-key", value_name = "KEY", requires = "checkpoints")]
        public_keys: Vec<String>,
    },
}

fn load(cli_config: Option<&PathBuf>, common: &Common) -> anyhow::Result<Config> {
    let mut cfg = Config::load(cli_config.map(PathBuf::as_path))?;
    if let Some(d) = &common.database {
        cfg.database_url = Some(d.clone());
    }
    if let Some(d) = &common.data_dir {
        cfg.data_dir.clone_from(d);
    }
    Ok(cfg)
}

async fn services(cfg: &Config) -> anyhow::Result<Services> {
    let store = store::open(cfg).await?;
    Ok(Services::new(
        store,
        serve::system_clock(),
        serve::service_config(cfg),
    ))
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match Box::pin(run(cli)).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let cfg_file = cli.config.as_ref();
    match cli.command {
        Command::Serve {
            common,
            listen,
            sia_listen,
            scaip_listen,
            nats,
            node_name,
        } => {
            let mut cfg = load(cfg_file, &common)?;
            if nats.is_some() {
                cfg.nats_url = nats;
            }
            if node_name.is_some() {
                cfg.node_name = node_name;
            }
            cfg.check_cluster()?;
            if let Some(l) = listen {
                cfg.listen = l;
            }
            if sia_listen.is_some() {
                cfg.sia_listen = sia_listen;
            }
            if scaip_listen.is_some() {
                cfg.scaip_listen = scaip_listen;
            }
            telemetry::init_logging(cfg.log_format, cfg.log_level.as_str());
            let started = std::time::Instant::now();
            let _lock = serve_lock(&cfg)?;
            let store = store::open(&cfg).await?;
            let state = serve::state(&cfg, store, serve::system_clock(), Vec::new())?;
            let listener = serve::bind(cfg.listen).await?;
            let addr = listener.local_addr()?;
            tracing::info!(%addr, database = %cfg.database_for_log(), ready_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX), "ready");
            serve::run(&cfg, listener, state, || {
                println!("Vaka listening on http://{addr}");
            })
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { common } => {
            let cfg = load(cfg_file, &common)?;
            store::open(&cfg).await?;
            println!("migrations applied to {}", cfg.database_for_log());
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            data_dir,
            listen,
            database,
            sia_listen,
            scaip_listen,
            test_clock,
            drill_cameras,
        } => {
            let mut cfg = load(cfg_file, &Common::default())?;
            cfg.data_dir = data_dir.clone();
            cfg.database_url = database;
            // A port of 0 (tests) becomes a free port now, so that the credentials file and the
            // simulated alarm units name the real one.
            let sia_addr = receiver_addr(sia_listen)
                .with_context(|| format!("cannot listen for SIA DC-09 on {sia_listen}"))?;
            cfg.sia_listen = Some(sia_addr);
            let sia_listen = sia_addr.to_string();
            let scaip_addr = receiver_addr(scaip_listen)
                .with_context(|| format!("cannot listen for SCAIP on {scaip_listen}"))?;
            cfg.scaip_listen = Some(scaip_addr);
            let scaip_listen = scaip_addr.to_string();
            // Demo devices report every minute, so a silent one shows within two.
            cfg.alarm_heartbeat_seconds = 60;
            // The seeded year waits for the system manager's purge (issue 17's walk-through).
            cfg.purge_at_start = false;
            if let Some(l) = listen {
                cfg.listen = l;
            }
            telemetry::init_logging(cfg.log_format, cfg.log_level.as_str());
            demo::prepare_dir(&data_dir)?;
            let _lock = serve_lock(&cfg)?;
            let store = store::open(&cfg).await?;
            {
                let mut tx = store.begin_read().await?;
                anyhow::ensure!(
                    tx.list_organisations().await?.is_empty(),
                    "the demo needs an empty database; {} already has data",
                    cfg.database_for_log()
                );
            }
            let listener = serve::bind(cfg.listen).await?;

            let url = format!("http://{}", listener.local_addr()?);
            let clock: std::sync::Arc<dyn vaka_domain::clock::Clock> = if test_clock {
                let clock = vaka_domain::clock::OffsetClock::new();
                demo::drive_clock_from_stdin(clock.clone());
                std::sync::Arc::new(clock)
            } else {
                serve::system_clock()
            };
            let svc = Services::new(store.clone(), clock.clone(), serve::service_config(&cfg));
            let mut creds = demo::seed_with_drill_cameras(&svc, &url, drill_cameras)
                .await
                .context("seeding the demo failed")?;
            creds.sia_dc09 = Some(demo::sia_section(&creds, &sia_listen));
            // SITHS eID: the demo's own test provider (kept running while the demo runs).
            let idp = vaka_server::demo_idp::start(&url, &data_dir, &creds.users).await;
            creds.oidc = Some(idp.section.clone());
            cfg.oidc.providers = vec![idp.provider.clone()];
            creds.scaip = Some(demo::scaip_section(&creds, &scaip_listen));
            let path = demo::write_credentials(&data_dir, &creds)?;
            let state = serve::state(&cfg, store, clock.clone(), creds.logins())?;
            // The demo's cameras connect as real ones would (every tenth stays offline).
            let cameras = vaka_server::simulate::cameras_in(&path)?;
            let _sims = vaka_server::simulate::spawn(&ws_base(&url), &cameras, 10);
            // The other alarm units send their heartbeats; the ones in the credentials file are
            // left for you to drive with a dialler.
            let _alarm_sims = vaka_server::simulate::spawn_alarm_units(&creds, &sia_listen);
            // The SCAIP units not left for sipsak send their SCAIP heartbeats (mty PI).
            let _scaip_sims = vaka_server::simulate::spawn_scaip_units(&creds, &scaip_listen);
            // The demo's locks connect too: they open on the staff's unlocks and report back.
            let locks = vaka_server::simulate::locks_in(&path)?;
            let lock_clock = clock.clone();
            let _lock_sims = vaka_server::simulate::spawn_locks(
                &ws_base(&url),
                &locks,
                0,
                &(std::sync::Arc::new(move || lock_clock.now().as_second())
                    as std::sync::Arc<dyn Fn() -> i64 + Send + Sync>),
            );
            println!("Vaka demo: Demo kommun is ready.");
            println!("  {} simulated cameras connect to it.", cameras.len());
            println!("  {} simulated door locks connect to it.", locks.len());
            println!("  Open {url}/login and log in as `admin` (password in the file below);");
            println!("  the login page lists every demo account with its current one-time code.");
            println!("  Logins, TOTP secrets and API tokens: {}", path.display());
            if let Some(port) = cfg
                .listen
                .ip()
                .is_loopback()
                .then(|| listener.local_addr())
                .transpose()?
                .map(|a| a.port())
            {
                // Browsers refuse an IP address as a passkey's relying party.
                println!(
                    "  Passkeys: open http://localhost:{port}/login instead (a host name, not an IP address)."
                );
            }
            println!(
                "  SIA DC-09 alarm receiver on {sia_listen} (TCP and UDP); accounts under `sia_dc09` in that file."
            );
            match &idp.section.not_running_because {
                None => println!(
                    "  \"Logga in med SITHS eID\": a local test provider at {} stands in for Inera's; users with an HSA-id under `oidc` in that file.",
                    idp.section.issuer
                ),
                Some(why) => println!(
                    "  \"Logga in med SITHS eID\" shows, but its test provider is not running: {why}."
                ),
            }
            println!(
                "  SCAIP alarm receiver on {scaip_listen} (SIP over UDP and TCP); units under `scaip` in that file."
            );
            serve::run(&cfg, listener, state, || {
                println!("Vaka listening on {url}");
            })
            .await?;
            drop(idp);
            Ok(ExitCode::SUCCESS)
        }
        Command::User {
            command:
                UserCommand::Create {
                    common,
                    username,
                    name,
                    email,
                    organisation,
                    roles,
                    hsa_id,
                    password,
                },
        } => {
            let cfg = load(cfg_file, &common)?;
            let svc = services(&cfg).await?;
            let org = find_or_create_org(&svc, &organisation).await?;
            let mut parsed = Vec::new();
            for r in roles {
                let (code, unit) = match r.split_once('@') {
                    Some((c, u)) => (
                        c.to_owned(),
                        Some(u.parse().context("the unit after @ must be a unit id")?),
                    ),
                    None => (r.clone(), None),
                };
                let role = Role::from_code(&code).with_context(|| {
                    let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
                    format!("unknown role {code:?}; roles are {}", all.join(", "))
                })?;
                parsed.push(RoleInput {
                    role,
                    organisation_id: org,
                    unit_id: unit,
                });
            }
            let given = password.is_some();
            let (account, pw) = svc
                .cli_create_user(CliAccount {
                    username,
                    display_name: name,
                    email,
                    hsa_id,
                    organisation_id: org,
                    roles: parsed,
                    password,
                    totp_secret: None,
                })
                .await?;
            println!("created user {} ({})", account.username, account.id);
            if !given {
                println!("one-time password (must be changed at first login): {pw}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    common,
                    username,
                    name,
                },
        } => {
            let cfg = load(cfg_file, &common)?;
            let svc = services(&cfg).await?;
            let t = svc.cli_create_token(&username, &name).await?;
            println!("{}", t.token);
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    common,
                    checkpoints,
                    public_keys,
                },
        } => {
            let cfg = load(cfg_file, &common)?;
            let checker = match &checkpoints {
                None => CheckpointVerifier::default(),
                Some(dir) => match checkpoint_verifier(dir, &public_keys)? {
                    Ok(v) => v,
                    Err(reason) => {
                        println!("AUDIT CHECKPOINTS REFUSED: {reason}");
                        return Ok(ExitCode::from(1));
                    }
                },
            };
            let svc = services(&cfg).await?;
            let started = std::time::Instant::now();
            match svc.verify_audit_with(&checker).await? {
                Verification::Intact { entries } => {
                    println!(
                        "audit log intact: {entries} entries verified in {:.2} s",
                        started.elapsed().as_secs_f64()
                    );
                    if checkpoints.is_some() {
                        println!(
                            "it agrees with {} signed checkpoints (the last at entry {})",
                            checker.len(),
                            checker.highest().unwrap_or(0)
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken {
                    checked,
                    reason,
                    seq,
                } => {
                    println!(
                        "AUDIT LOG BROKEN at entry {}: {reason}",
                        seq.map_or_else(|| "?".into(), |s| s.to_string())
                    );
                    println!("{checked} entries before it are intact");
                    Ok(ExitCode::from(1))
                }
            }
        }
        Command::Secrets {
            command: SecretsCommand::Rotate { common },
        } => {
            let cfg = load(cfg_file, &common)?;
            let r = vaka_server::secrets::rotate(&cfg, |key, id| {
                println!("new secrets key {id} (VAKA_SECRETS_KEY is set, so it is not written to a file):");
                println!("{key}");
                println!(
                    "set VAKA_SECRETS_KEY to it and VAKA_SECRETS_KEY_OLD to the key before, then start the server."
                );
            })
            .await?;
            println!(
                "secrets key rotated: {} -> {}; {} values sealed again under the new key",
                r.old_id, r.new_id, r.resealed
            );
            if let Some((key, old)) = &r.files {
                println!(
                    "new key in {}; the key before kept in {}",
                    key.display(),
                    old.display()
                );
                println!(
                    "back up the new key file now, apart from the database: the old one no longer opens anything."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { common, to, force } => {
            let cfg = load(cfg_file, &common)?;
            let Some(db) = store::sqlite_path(&cfg) else {
                anyhow::bail!(
                    "`vaka backup` copies the embedded SQLite database; back up PostgreSQL \
                     with `pg_dump --format=custom` (see docs/OPERATIONS.md)"
                );
            };
            let report = backup::backup_sqlite(&db, &to, force).await?;
            println!("backup written: {report}");
            println!(
                "not in it: the key files under {} (back them up separately)",
                cfg.data_dir.join("keys").display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { common, from } => {
            let cfg = load(cfg_file, &common)?;
            let Some(db) = store::sqlite_path(&cfg) else {
                anyhow::bail!(
                    "`vaka restore` restores the embedded SQLite database; restore PostgreSQL \
                     with `pg_restore` (see docs/OPERATIONS.md)"
                );
            };
            let now = vaka_domain::clock::Clock::now(&vaka_domain::clock::SystemClock);
            let report = backup::restore_sqlite(&db, &from, now).await?;
            println!("restored: {report}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            command:
                SimulateCommand::Cameras {
                    server,
                    credentials,
                    count,
                    offline_every,
                    steady,
                },
        } => {
            telemetry::init_logging(LogFormat::Text, "info");
            let mut cameras = vaka_server::simulate::cameras_in(&credentials)?;
            if let Some(n) = count {
                cameras.truncate(n);
            }
            anyhow::ensure!(
                !cameras.is_empty(),
                "{} lists no cameras",
                credentials.display()
            );
            let tasks =
                vaka_server::simulate::spawn_as(&ws_base(&server), &cameras, offline_every, steady);
            println!(
                "{} simulated cameras connect to {server}; Ctrl-C stops them.",
                tasks.len()
            );
            tokio::signal::ctrl_c().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Simulate {
            command:
                SimulateCommand::Locks {
                    server,
                    credentials,
                    count,
                    offline_every,
                    offline_check,
                    lock,
                    public_key,
                },
        } => {
            telemetry::init_logging(LogFormat::Text, "info");
            let clock = serve::system_clock();
            if let Some(token) = offline_check {
                let (Some(lock), Some(key)) = (lock, public_key) else {
                    anyhow::bail!("--offline-check needs --lock and --public-key");
                };
                let key: [u8; 32] = hex::decode(key.trim())
                    .ok()
                    .and_then(|k| k.try_into().ok())
                    .context("--public-key is not 64 hex digits")?;
                let mut door =
                    vaka_lock_sim::OfflineLock::new(lock, key).map_err(|e| anyhow::anyhow!(e))?;
                return Ok(match door.present(&token, clock.now().as_second()) {
                    Ok(c) => {
                        println!("opened for user {} ({})", c.user_id, c.reason.code());
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        println!("refused: {e} ({})", e.code());
                        ExitCode::FAILURE
                    }
                });
            }
            let (Some(server), Some(credentials)) = (server, credentials) else {
                anyhow::bail!("give --server and --credentials (or --offline-check)");
            };
            let mut locks = vaka_server::simulate::locks_in(&credentials)?;
            if let Some(n) = count {
                locks.truncate(n);
            }
            anyhow::ensure!(
                !locks.is_empty(),
                "{} lists no active locks",
                credentials.display()
            );
            let tasks = vaka_server::simulate::spawn_locks(
                &ws_base(&server),
                &locks,
                offline_every,
                &(std::sync::Arc::new(move || clock.now().as_second())
                    as std::sync::Arc<dyn Fn() -> i64 + Send + Sync>),
            );
            println!(
                "{} simulated locks connect to {server}; Ctrl-C stops them.",
                tasks.len()
            );
            tokio::signal::ctrl_c().await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The checkpoints of `dir` with the keys to trust: those given, else the `*.pub` files
/// beside the checkpoints (which someone able to rewrite the directory could replace too).
fn checkpoint_verifier(
    dir: &std::path::Path,
    given: &[String],
) -> anyhow::Result<Result<CheckpointVerifier, String>> {
    use vaka_server::audit_checkpoints as ac;
    let trusted = if given.is_empty() {
        let keys = ac::keys_in_dir(dir)?;
        eprintln!(
            "note: trusting the {} public key(s) in {}; pass --public-key from a copy kept elsewhere to rule out replaced keys",
            keys.len(),
            dir.display()
        );
        keys
    } else {
        given
            .iter()
            .map(|k| ac::parse_public_key(k))
            .collect::<anyhow::Result<Vec<_>>>()?
    };
    ac::load_verifier(dir, &trusted)
}

/// The lock a server holds on its SQLite database while it runs (none for PostgreSQL), so that
/// `vaka restore` cannot replace the file under it.
fn serve_lock(cfg: &Config) -> anyhow::Result<Option<backup::ServeLock>> {
    store::sqlite_path(cfg)
        .map(|db| backup::lock_database(&db))
        .transpose()
}

/// Finds an organisation by id or exact name; with none at all, creates the municipality.
async fn find_or_create_org(
    svc: &Services,
    name_or_id: &str,
) -> anyhow::Result<vaka_domain::ids::OrganisationId> {
    let orgs = svc.cli_list_organisations().await?;
    if let Some(o) = orgs
        .iter()
        .find(|o| o.id.to_string() == name_or_id || o.name == name_or_id)
    {
        return Ok(o.id);
    }
    anyhow::ensure!(
        orgs.is_empty(),
        "no organisation named {name_or_id:?}; existing: {}",
        orgs.iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let org = vaka_domain::directory::Organisation {
        id: vaka_domain::ids::OrganisationId::new(),
        kind: OrganisationKind::Municipality,
        provider_kind: None,
        name: vaka_domain::validate::parse_name("organisation", name_or_id, 120)?,
        org_number: None,
        active: true,
        created_at: vaka_store::values::to_db_precision(svc.now()),
    };
    svc.cli_create_organisation(org.clone()).await?;
    println!("created municipality {:?} ({})", org.name, org.id);
    Ok(org.id)
}

/// The address an alarm receiver of `vaka demo` will listen on, for TCP and UDP: `addr` itself,
/// or for port 0 a free port chosen now. The demo names it (in the credentials file, to its
/// simulated units) and binds it only after seeding, seconds later; a port from the kernel's
/// ephemeral range could be taken meanwhile by any outgoing connection (a browser test's, the
/// database's), so the port is chosen below that range, where no outgoing connection goes.
fn receiver_addr(addr: SocketAddr) -> std::io::Result<SocketAddr> {
    if addr.port() != 0 {
        return Ok(addr);
    }
    let free = |port: u16| {
        let at = SocketAddr::new(addr.ip(), port);
        let tcp = std::net::TcpListener::bind(at).ok()?;
        let at = tcp.local_addr().ok()?;
        std::net::UdpSocket::bind(at).ok().map(|_| at)
    };
    // The ephemeral range (Linux's default is 32768-60999).
    let low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    if low > 12_000 {
        for _ in 0..100 {
            if let Some(at) = free(rand::random_range(10_000..low)) {
                return Ok(at);
            }
        }
    }
    free(0).ok_or_else(|| std::io::Error::other("no free port for both TCP and UDP"))
}
