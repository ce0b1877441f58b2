//! Configuration, layered: built-in defaults → `vaka.toml` (or `--config FILE`) → `VAKA_*`
//! environment variables → command-line flags.

use std::path::{Path, PathBuf};

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address of the HTTP listener.
    pub listen: String,
    /// `sqlite://…` or `postgres://…`; empty means `<data_dir>/vaka.db`.
    pub database_url: Option<String>,
    /// Where the embedded database and other local files live.
    pub data_dir: PathBuf,
    /// `text` for people, `json` for log collectors.
    pub log_format: String,
    /// A tracing filter such as `info` or `vaka=debug,info` (RUST_LOG wins when set).
    pub log_level: String,
    /// Serve over HTTPS (directly or behind a TLS proxy): secure cookies and HSTS.
    pub secure_cookies: bool,
    /// Trust `X-Forwarded-For` from a reverse proxy for the client address.
    pub trust_forwarded_for: bool,
    /// A separate listener for `/metrics`; when unset, `/metrics` is on the main listener.
    pub metrics_listen: Option<String>,
    /// SQLite commit durability: `normal` (survives a process crash) or `full` (also power loss).
    pub sqlite_durability: String,
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
    pub sia_listen: Option<String>,
    /// A safety alarm device's supervision interval (heartbeat) unless it has its own.
    pub alarm_heartbeat_seconds: i64,
    /// Local times of the technical checks on weekends and public holidays, comma-separated
    /// (`HH:MM`); twice a day by default.
    pub alarm_check_times: String,
}

/// The names of the settings, as they appear in `vaka.toml` and (upper-cased, with `VAKA_`)
/// in the environment.
const SETTINGS: &[&str] = &[
    "listen",
    "database_url",
    "data_dir",
    "log_format",
    "log_level",
    "secure_cookies",
    "trust_forwarded_for",
    "metrics_listen",
    "sqlite_durability",
    "pg_max_connections",
    "session_idle_minutes",
    "session_absolute_hours",
    "login_attempts_per_minute",
    "live_view_seconds",
    "supervision_retention_days",
    "sia_listen",
    "alarm_heartbeat_seconds",
    "alarm_check_times",
];

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: None,
            data_dir: PathBuf::from("./vaka-data"),
            log_format: "text".into(),
            log_level: "info".into(),
            secure_cookies: false,
            trust_forwarded_for: false,
            metrics_listen: None,
            sqlite_durability: "normal".into(),
            pg_max_connections: 16,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            login_attempts_per_minute: 20,
            live_view_seconds: 300,
            supervision_retention_days: 365,
            sia_listen: None,
            alarm_heartbeat_seconds: 300,
            alarm_check_times: "08:00,16:00".into(),
        }
    }
}

/// `alarm_check_times`: local `HH:MM` times, comma-separated, at least one.
pub fn parse_check_times(raw: &str) -> anyhow::Result<Vec<jiff::civil::Time>> {
    let mut times = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let t = jiff::civil::Time::strptime("%H:%M", part).map_err(|_| {
            anyhow::anyhow!("alarm_check_times: {part:?} is not a time of day as HH:MM")
        })?;
        times.push(t);
    }
    if times.is_empty() {
        anyhow::bail!("alarm_check_times: give at least one time, e.g. \"08:00,16:00\"");
    }
    times.sort();
    times.dedup();
    Ok(times)
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

        let cfg: Config = fig.extract().context("invalid configuration")?;
        parse_check_times(&cfg.alarm_check_times).context("invalid configuration")?;
        Ok(cfg)
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
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert!(c.database().starts_with("sqlite://"));
        assert!(c.database().ends_with("vaka.db"));
        let pg = Config {
            database_url: Some("postgres://vaka:s3cret@db:5432/vaka".into()),
            ..c
        };
        assert_eq!(pg.database_for_log(), "postgres://vaka:***@db:5432/vaka");
    }

    #[test]
    #[allow(clippy::result_large_err, reason = "figment's test API")]
    fn layers_file_then_env() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "vaka.toml",
                "listen = \"0.0.0.0:9000\"\nlog_format = \"json\"\n",
            )?;
            jail.set_env("VAKA_LISTEN", "127.0.0.1:9100");
            jail.set_env("VAKA_BIN", "/somewhere/vaka");

            let c = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(c.listen, "127.0.0.1:9100", "env wins over file");
            assert_eq!(c.log_format, "json", "file wins over defaults");
            assert_eq!(
                serde_json::to_value(Config::default())
                    .map_err(|e| e.to_string())?
                    .as_object()
                    .map(|o| o.len()),
                Some(SETTINGS.len()),
                "SETTINGS lists every field"
            );

            jail.create_file("times.toml", "alarm_check_times = \"07:30, 19:00\"\n")?;
            let c = Config::load(Some(Path::new("times.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(
                parse_check_times(&c.alarm_check_times).map_err(|e| e.to_string())?,
                [
                    jiff::civil::Time::constant(7, 30, 0, 0),
                    jiff::civil::Time::constant(19, 0, 0, 0)
                ]
            );
            jail.create_file("badtime.toml", "alarm_check_times = \"8 o'clock\"\n")?;
            assert!(
                Config::load(Some(Path::new("badtime.toml"))).is_err(),
                "a time that is not HH:MM is refused"
            );
            jail.create_file("bad.toml", "lisen = 1\n")?;
            assert!(
                Config::load(Some(Path::new("bad.toml"))).is_err(),
                "unknown keys are refused"
            );
            Ok(())
        });
    }
}
