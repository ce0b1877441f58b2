//! Running the HTTP server: state, listeners, graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use jiff::SignedDuration;
use tokio::net::TcpListener;
use vaka_domain::clock::{Clock, SystemClock};
use vaka_service::{ServiceConfig, Services};
use vaka_store::Store;
use vaka_web::{AppState, DemoLogin, WebConfig};

use crate::alarm_intake::{
    AlarmIntake, HeardFrom, refresh_alarm_directory, refresh_scaip_directory,
};
use crate::config::Config;

pub fn service_config(cfg: &Config) -> ServiceConfig {
    let mut sc = ServiceConfig::default();
    sc.sessions.idle = SignedDuration::from_mins(cfg.session_idle_minutes.max(1));
    sc.sessions.absolute = SignedDuration::from_hours(cfg.session_absolute_hours.max(1));
    sc.supervision_retention_days = cfg.supervision_retention_days.max(1);
    sc.alarms.default_heartbeat = SignedDuration::from_secs(cfg.alarm_heartbeat_seconds.max(10));
    sc.alarms.checks.times.clone_from(&cfg.alarm_check_times);
    sc.look_in_windows = cfg.look_in_windows;
    sc.passkeys = passkey_settings(cfg);
    sc
}

/// Passkeys' relying party: the public URL's host name; with no public URL, `localhost` when
/// the server listens on loopback (the demo, a developer's machine). None otherwise, and for a
/// public URL by IP address: browsers refuse an IP address as a relying party.
pub fn passkey_settings(cfg: &Config) -> Option<vaka_service::auth::PasskeySettings> {
    use vaka_service::auth::PasskeySettings;
    match cfg.public_url.as_deref() {
        Some(url) => {
            let s = PasskeySettings::from_public_url(url);
            if s.is_none() {
                tracing::warn!("passkeys are off: public_url has no host name");
            }
            s
        }
        None if cfg.listen.ip().is_loopback() => Some(PasskeySettings::localhost()),
        None => None,
    }
}

/// The web front end's settings; fails when an identity provider's settings cannot work (a
/// missing client secret, an issuer that is not HTTPS).
pub fn web_config(cfg: &Config) -> anyhow::Result<WebConfig> {
    Ok(WebConfig {
        secure_cookies: cfg.secure_cookies,
        trust_forwarded_for: cfg.trust_forwarded_for,
        login_attempts_per_minute: cfg.login_attempts_per_minute,
        live_for: std::time::Duration::from_secs(cfg.live_view_seconds),
        oidc: cfg.oidc.providers()?,
        public_url: cfg.public_url.clone(),
        ..WebConfig::default()
    })
}

pub fn state(
    cfg: &Config,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    demo: Vec<DemoLogin>,
) -> anyhow::Result<AppState> {
    let services = Services::new(store, clock, service_config(cfg)).on_node(cfg.node());
    Ok(AppState::new(
        services,
        web_config(cfg)?,
        crate::telemetry::metrics(),
        demo,
    ))
}

pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

/// Serves until SIGINT or SIGTERM, then lets requests in flight finish. `ready` is called
/// (to say "listening") once everything is in place: the signal handlers (a SIGTERM from then
/// on stops the server cleanly, with its last audit checkpoint), the checkpoint key, the jobs
/// and the alarm receiver.
pub async fn run(
    cfg: &Config,
    listener: TcpListener,
    state: AppState,
    ready: impl FnOnce(),
) -> anyhow::Result<()> {
    let shutdown = shutdown_signal()?;
    // Signed checkpoints of the audit log: at start, every minute, at shutdown.
    let checkpoints = Arc::new(crate::audit_checkpoints::AuditCheckpoints::open(cfg)?);
    // The purge anchors a purged audit log with the same key (see `vaka_service::retention`).
    state
        .services
        .set_audit_anchor_key(checkpoints.signing_key().clone());
    // The key lock capabilities are signed with, outside the database like the audit key. In a
    // cluster the requests between the nodes are sealed with a key derived from it.
    let lock_key = crate::audit_checkpoints::load_or_create_key(
        &cfg.lock_signing_key_path(),
        "lock signing key",
    )?;
    let seal = vaka_gateway::cluster::seal::NodeSeal::for_installation(&lock_key);
    state.services.set_lock_signing_key(lock_key);
    let checkpointing = checkpoints.clone().spawn(state.services.clone());
    // A cluster: changes and camera presence shared over NATS; jobs on the lease holder only.
    let bus = match &cfg.nats_url {
        Some(url) => {
            Some(crate::cluster::Bus::connect(url, &cfg.nats_prefix, &state.services, seal).await?)
        }
        None => None,
    };
    let mut bus_tasks = Vec::new();
    if let Some(b) = &bus {
        bus_tasks.push(b.share_changes(&state.services).await?);
        bus_tasks.push(b.share_presence(state.cameras.clone()).await?);
        bus_tasks.push(b.share_look_ins(state.cameras.clone()).await?);
        bus_tasks.push(b.share_locks(state.locks.clone()).await?);
        bus_tasks.push(b.share_login_attempts(&state).await?);
        bus_tasks.push(b.share_nodes(&state.services).await?);
    }
    let (stop_lease, lease_stopped) = tokio::sync::watch::channel(false);
    let lease = crate::cluster::keep_job_lease(&state.services, lease_stopped).await?;
    let app = vaka_web::build(state.clone());
    if let Some(addr) = cfg.metrics_listen {
        spawn_metrics(addr, state.clone()).await;
    }
    let jobs = spawn_supervision_jobs(state.clone(), cfg.purge_at_start);
    let mailer = crate::mailer::Mailer::from_config(cfg)?;
    if mailer.is_none() {
        tracing::info!("no smtp_url: missed signings are shown in Vaka, not e-mailed");
    }
    let missed = spawn_missed_signing_job(state.services.clone(), mailer);
    let listen = AlarmListen::from_config(cfg)?;
    let alarms = if listen.sia.is_some() || listen.scaip.is_some() {
        Some(start_alarm_receivers(listen, state.services.clone(), AlarmJobs::Run).await?)
    } else {
        None
    };
    ready();
    axum::serve(
        listener,
        app.router
            .into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("server failed")?;
    jobs.abort();
    let _ = jobs.await;
    missed.abort();
    let _ = missed.await;
    // Give the lease up at once, so that another node takes the jobs at its next check.
    let _ = stop_lease.send(true);
    let _ = lease.await;
    if let Some(a) = alarms {
        a.stop(&state.services).await;
    }
    checkpointing.abort();
    let _ = checkpointing.await;
    for t in bus_tasks {
        t.abort();
        let _ = t.await;
    }
    if let Some(b) = &bus {
        b.flush().await;
    }
    if let Err(e) = checkpoints.write_last(&state.services).await {
        tracing::error!(error = %format!("{e:#}"), "writing the last audit checkpoint failed");
    }
    state.services.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Serves `/metrics` on its own listener (never the main one). A listener that cannot bind is
/// logged, not fatal: metrics are for the dashboards, and a second instance on one machine
/// (the demo beside a test server) still serves care without them.
async fn spawn_metrics(addr: SocketAddr, state: AppState) {
    let m = match bind(addr).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "no metrics listener");
            return;
        }
    };
    let metrics = axum::Router::new()
        .route("/metrics", axum::routing::get(vaka_web::ops::metrics))
        .with_state(state);
    if let Ok(local) = m.local_addr() {
        tracing::info!(addr = %local, "metrics listener");
    }
    tokio::spawn(async move {
        if let Err(e) = axum::serve(m, metrics).await {
            tracing::error!(error = %e, "metrics listener failed");
        }
    });
}

/// SIGINT or SIGTERM, registered now (not when first polled), so that a signal that comes
/// right after the server said it listens is not the default action that kills it.
fn shutdown_signal()
-> anyhow::Result<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let mut int = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        Ok(Box::pin(async move {
            tokio::select! {
                _ = term.recv() => {},
                _ = int.recv() => {},
            }
            tracing::info!("shutting down");
        }))
    }
    #[cfg(not(unix))]
    {
        Ok(Box::pin(async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        }))
    }
}

/// The clock of the running server.
pub fn system_clock() -> Arc<dyn Clock> {
    Arc::new(SystemClock)
}

/// The night supervision jobs ([`crate::jobs::NightJobs`]): a round every few seconds, which does
/// nothing on a node that does not hold the job lease.
pub fn spawn_supervision_jobs(
    state: AppState,
    purge_at_start: bool,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        // Online here or, in a cluster, on another node (see `cluster::Bus`); a heartbeat or
        // two of grace after a start or a takeover.
        let hub = state.cameras.clone();
        let grace = std::time::Duration::from_secs(2 * u64::from(hub.settings.heartbeat_seconds));
        let mut jobs = crate::jobs::NightJobs::new(
            state.services.clone(),
            Arc::new(move |d| hub.is_online(d)),
            grace,
            purge_at_start,
        );
        let mut tick = tokio::time::interval(crate::jobs::NightJobs::EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            jobs.round().await;
        }
    })
}

/// The missed-signing job: every 30 s the scan calls whoever is due for occasions whose window
/// closed unsigned, and the delegations ending within 30 days get their renewal reminders;
/// when SMTP is configured, both are e-mailed. A failed scan or send is logged and the next
/// tick tries again (a call or reminder is recorded once, so nothing is sent twice).
pub fn spawn_missed_signing_job(
    services: Services,
    mailer: Option<crate::mailer::Mailer>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if !services.node().holds_lease() {
                continue;
            }
            match services.scan_missed_signings().await {
                Ok(report) => {
                    if let Some(m) = &mailer
                        && !report.calls.is_empty()
                    {
                        m.send(&report.calls).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the missed-signing scan failed"),
            }
            match services.remind_expiring_delegations().await {
                Ok(reminders) => {
                    if let Some(m) = &mailer
                        && !reminders.is_empty()
                    {
                        m.send_reminders(&reminders).await;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the delegation reminders failed"),
            }
        }
    })
}

/// The running alarm receivers and their jobs.
pub struct AlarmReceiver {
    /// The SIA DC-09 receiver's address (TCP and UDP); unspecified (`0.0.0.0:0`) when only
    /// SCAIP runs.
    pub addr: SocketAddr,
    /// The SCAIP receiver's address (UDP and TCP), when it runs.
    pub scaip: Option<SocketAddr>,
    /// The SCAIP receiver's TLS address, when it runs.
    pub scaip_tls: Option<SocketAddr>,
    pub seen: HeardFrom,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl AlarmReceiver {
    /// Stops listening and writes when devices were last heard from.
    pub async fn stop(self, services: &Services) {
        for t in self.tasks {
            t.abort();
            let _ = t.await;
        }
        if let Err(e) = services.flush_seen(&self.seen).await {
            tracing::warn!(error = %e, "writing devices' last-seen times failed");
        }
    }
}

/// Whether the receiver's timed jobs run (tests that drive the clock call them themselves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmJobs {
    Run,
    None,
}

/// Where the alarm receivers listen.
#[derive(Debug, Clone, Default)]
pub struct AlarmListen {
    /// SIA DC-09 (TCP and UDP).
    pub sia: Option<String>,
    /// SCAIP (SIP over UDP and TCP).
    pub scaip: Option<ScaipListen>,
}

/// The SCAIP receiver's address and settings.
#[derive(Debug, Clone)]
pub struct ScaipListen {
    pub addr: String,
    pub realm: String,
    pub events: vaka_scaip::EventMap,
    /// SIP over TLS beside UDP and TCP.
    pub tls: Option<ScaipTls>,
}

/// The SCAIP receiver's TLS listener: its address, certificate chain and key (PEM).
#[derive(Clone)]
pub struct ScaipTls {
    pub addr: String,
    pub cert_pem: Vec<u8>,
    pub key_pem: Vec<u8>,
}

impl std::fmt::Debug for ScaipTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScaipTls")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl ScaipTls {
    /// From the settings: the listener and both files, or none of them.
    pub fn from_config(cfg: &Config) -> anyhow::Result<Option<Self>> {
        let read = |what: &str, p: &std::path::Path| {
            std::fs::read(p).with_context(|| format!("{what}: cannot read {}", p.display()))
        };
        match (
            &cfg.scaip_tls_listen,
            &cfg.scaip_tls_cert,
            &cfg.scaip_tls_key,
        ) {
            (None, None, None) => Ok(None),
            (Some(addr), Some(cert), Some(key)) => {
                anyhow::ensure!(
                    cfg.scaip_listen.is_some(),
                    "scaip_tls_listen needs scaip_listen (SIP over UDP and TCP) as well"
                );
                Ok(Some(Self {
                    addr: addr.to_string(),
                    cert_pem: read("scaip_tls_cert", cert)?,
                    key_pem: read("scaip_tls_key", key)?,
                }))
            }
            _ => anyhow::bail!(
                "scaip_tls_listen, scaip_tls_cert and scaip_tls_key go together: set all three or none"
            ),
        }
    }
}

impl ScaipListen {
    /// On `addr`, with the built-in event table and the realm `vaka`.
    pub fn on(addr: &str) -> Self {
        Self {
            addr: addr.to_owned(),
            realm: "vaka".into(),
            events: vaka_scaip::EventMap::default(),
            tls: None,
        }
    }
}

impl AlarmListen {
    pub fn from_config(cfg: &Config) -> anyhow::Result<Self> {
        let tls = ScaipTls::from_config(cfg)?;
        Ok(Self {
            sia: cfg.sia_listen.map(|a| a.to_string()),
            scaip: match cfg.scaip_listen {
                Some(a) => Some(ScaipListen {
                    addr: a.to_string(),
                    realm: cfg.scaip_realm.clone(),
                    events: vaka_alarm_receiver::scaip::parse_event_table(&cfg.scaip_events)
                        .map_err(|e| anyhow::anyhow!("scaip_events: {e}"))?,
                    tls,
                }),
                None => None,
            },
        })
    }
}

/// Starts the SIA DC-09 receiver on `addr` (TCP and UDP) with its jobs; see
/// [`start_alarm_receivers`].
pub async fn start_alarm_receiver(
    addr: &str,
    services: Services,
    jobs: AlarmJobs,
) -> anyhow::Result<AlarmReceiver> {
    start_alarm_receivers(
        AlarmListen {
            sia: Some(addr.to_owned()),
            scaip: None,
        },
        services,
        jobs,
    )
    .await
}

/// Starts the alarm receivers — SIA DC-09 (TCP and UDP) and SCAIP (SIP over UDP and TCP),
/// either or both — over one group commit and one memory of when devices were last heard,
/// with their jobs: the directories reloaded every 30 s, escalation and heartbeat supervision
/// every 10 s, devices' last-seen times written and expired duplicate keys deleted every
/// minute.
pub async fn start_alarm_receivers(
    listen: AlarmListen,
    services: Services,
    jobs: AlarmJobs,
) -> anyhow::Result<AlarmReceiver> {
    use vaka_alarm_receiver::scaip::{
        Nonces, ScaipConfig, ScaipDirectory, ScaipHandler, ScaipReceiver,
    };
    use vaka_alarm_receiver::{Directory, FrameHandler, Receiver, ReceiverConfig, Writer};
    let seen = HeardFrom::default();
    let sink = Arc::new(AlarmIntake {
        services: services.clone(),
    });
    let mut tasks = Vec::new();
    let mut writer: Option<Writer> = None;
    let mut sia_addr = SocketAddr::from(([0, 0, 0, 0], 0));
    let mut sia_directory = None;
    if let Some(addr) = &listen.sia {
        let directory = Arc::new(Directory::new());
        refresh_alarm_directory(&services, &directory)
            .await
            .context("loading the DC-09 accounts failed")?;
        let handler = FrameHandler {
            directory: directory.clone(),
            seen: seen.0.clone(),
            clock: services.clock.clone(),
        };
        let receiver = Receiver::start(handler, sink.clone(), ReceiverConfig::default())
            .await
            .context("starting the alarm receiver failed")?;
        let (tcp, udp) = vaka_alarm_receiver::listener::bind(addr)
            .await
            .with_context(|| format!("cannot listen for SIA DC-09 on {addr}"))?;
        sia_addr = tcp.local_addr()?;
        tracing::info!(addr = %sia_addr, accounts = directory.len(), "SIA DC-09 receiver listening (TCP and UDP)");
        let (_, clear, unset) = directory.tally();
        if clear > 0 {
            tracing::warn!(
                accounts = clear,
                "DC-09 accounts marked clear: their unencrypted messages are taken from any sender that reaches the receiver"
            );
        }
        if unset > 0 {
            tracing::warn!(
                accounts = unset,
                "DC-09 accounts with neither a key nor a clear marking: their messages are refused"
            );
        }
        writer = Some(receiver.writer.clone());
        tasks.push(tokio::spawn(receiver.clone().serve_tcp(tcp)));
        tasks.push(tokio::spawn(receiver.serve_udp(udp)));
        sia_directory = Some(directory);
    }
    let mut scaip_addr = None;
    let mut scaip_tls_addr = None;
    let mut scaip_directory = None;
    if let Some(s) = &listen.scaip {
        let directory = Arc::new(ScaipDirectory::new());
        refresh_scaip_directory(&services, &directory)
            .await
            .context("loading the SCAIP units failed")?;
        // One group commit for both protocols: SCAIP joins DC-09's writer when it runs.
        let writer = if let Some(w) = &writer {
            w.clone()
        } else {
            let rc = ReceiverConfig::default();
            Writer::start(
                sink.clone(),
                services.clock.clone(),
                rc.dedupe_window,
                rc.max_batch,
                rc.commit_linger,
            )
            .await
            .context("starting the alarm receiver failed")?
        };
        let config = ScaipConfig {
            realm: s.realm.clone(),
            events: s.events.clone(),
            ..ScaipConfig::default()
        };
        let handler = ScaipHandler {
            directory: directory.clone(),
            seen: seen.0.clone(),
            clock: services.clock.clone(),
            nonces: Arc::new(Nonces::new(config.nonce_ttl)),
            config: Arc::new(config),
        };
        let receiver = ScaipReceiver::new(handler, writer, sink.clone());
        let (tcp, udp) = vaka_alarm_receiver::scaip::listener::bind(&s.addr)
            .await
            .with_context(|| format!("cannot listen for SCAIP on {}", s.addr))?;
        let local = tcp.local_addr()?;
        tracing::info!(addr = %local, units = directory.len(), "SCAIP receiver listening (SIP over UDP and TCP)");
        tasks.push(tokio::spawn(receiver.clone().serve_tcp(tcp)));
        if let Some(tls) = &s.tls {
            let acceptor =
                vaka_alarm_receiver::scaip::listener::tls_acceptor(&tls.cert_pem, &tls.key_pem)
                    .map_err(|e| anyhow::anyhow!("SCAIP over TLS: {e}"))?;
            let listener = TcpListener::bind(&tls.addr)
                .await
                .with_context(|| format!("cannot listen for SCAIP over TLS on {}", tls.addr))?;
            let at = listener.local_addr()?;
            tracing::info!(addr = %at, "SCAIP receiver listening (SIP over TLS)");
            tasks.push(tokio::spawn(receiver.clone().serve_tls(listener, acceptor)));
            scaip_tls_addr = Some(at);
        }
        tasks.push(tokio::spawn(receiver.serve_udp(udp)));
        scaip_addr = Some(local);
        scaip_directory = Some(directory);
    }
    let started = services.now();
    let (svc, s) = (services.clone(), seen.clone());
    if jobs == AlarmJobs::Run {
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut round: u32 = 0;
            loop {
                tick.tick().await;
                round = round.wrapping_add(1);
                if round.is_multiple_of(3) {
                    if let Some(d) = &sia_directory
                        && let Err(e) = refresh_alarm_directory(&svc, d).await
                    {
                        tracing::warn!(error = %e, "reloading the DC-09 accounts failed");
                    }
                    if let Some(d) = &scaip_directory
                        && let Err(e) = refresh_scaip_directory(&svc, d).await
                    {
                        tracing::warn!(error = %e, "reloading the SCAIP units failed");
                    }
                }
                // In a cluster every node writes when it last heard its devices every round,
                // for the lease holder's heartbeat supervision; alone, once a minute.
                let clustered = svc.node().bus() != vaka_service::cluster::BusState::None;
                if (clustered || round.is_multiple_of(6))
                    && let Err(e) = svc.flush_seen(&s).await
                {
                    tracing::warn!(error = %e, "writing devices' last-seen times failed");
                }
                // Escalation and supervision run on the lease holder only.
                if !svc.node().holds_lease() {
                    continue;
                }
                if let Err(e) = svc.escalate_alarms().await {
                    tracing::warn!(error = %e, "alarm escalation failed");
                }
                if let Err(e) = svc.check_heartbeats(&s, started).await {
                    tracing::warn!(error = %e, "heartbeat supervision failed");
                }
                if round.is_multiple_of(6)
                    && let Err(e) = svc.record_missed_checks().await
                {
                    tracing::warn!(error = %e, "recording missed technical checks failed");
                }
                if round.is_multiple_of(6)
                    && let Err(e) = svc.forget_alarm_message_keys().await
                {
                    tracing::warn!(error = %e, "deleting expired alarm message keys failed");
                }
            }
        }));
    }
    Ok(AlarmReceiver {
        addr: sia_addr,
        scaip: scaip_addr,
        scaip_tls: scaip_tls_addr,
        seen,
        tasks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_tls(listen: bool, addr: bool, cert: Option<&str>, key: Option<&str>) -> Config {
        Config {
            scaip_listen: listen.then(|| "127.0.0.1:5060".parse().unwrap()),
            scaip_tls_listen: addr.then(|| "127.0.0.1:5061".parse().unwrap()),
            scaip_tls_cert: cert.map(Into::into),
            scaip_tls_key: key.map(Into::into),
            ..Config::default()
        }
    }

    #[test]
    fn scaip_tls_takes_all_three_settings_or_none_and_names_what_is_wrong() {
        assert!(
            ScaipTls::from_config(&with_tls(true, false, None, None))
                .unwrap()
                .is_none()
        );
        let err = |c: Config| ScaipTls::from_config(&c).unwrap_err().to_string();
        assert!(err(with_tls(true, true, None, None)).contains("go together"));
        assert!(err(with_tls(true, false, Some("c.pem"), Some("k.pem"))).contains("go together"));
        assert!(
            err(with_tls(false, true, Some("c.pem"), Some("k.pem"))).contains("needs scaip_listen")
        );
        let dir = tempfile::tempdir().unwrap();
        let cert = dir.path().join("cert.pem");
        std::fs::write(&cert, "not a certificate").unwrap();
        let missing = dir.path().join("nowhere.pem");
        let e = err(with_tls(true, true, cert.to_str(), missing.to_str()));
        assert!(e.contains("scaip_tls_key: cannot read"), "{e}");
        // Both files readable but no PEM: refused when the listener is built, by name.
        let key = dir.path().join("key.pem");
        std::fs::write(&key, "not a key").unwrap();
        let tls = ScaipTls::from_config(&with_tls(true, true, cert.to_str(), key.to_str()))
            .unwrap()
            .unwrap();
        let e = vaka_alarm_receiver::scaip::listener::tls_acceptor(&tls.cert_pem, &tls.key_pem)
            .err()
            .unwrap();
        assert!(e.contains("no certificate") || e.contains("not PEM"), "{e}");
    }
}
