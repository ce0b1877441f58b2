//! What the locks report, recorded through the service (events on the client's trail, refused
//! connections in the audit log), and revocations sent to the online locks. A module of its own:
//! the app state starts it, and it depends on no other module of this crate.

/// Records what the locks report through the service (events on the client's trail, refused
/// connections in the audit log), and sends revocations to the online locks. Runs on the
/// current Tokio runtime; without one (a state built outside a server) nothing is spawned.
pub fn spawn_lock_reports(
    services: &vaka_service::Services,
    hub: &vaka_gateway::lock::LockHub,
    mut reports: tokio::sync::mpsc::UnboundedReceiver<vaka_gateway::lock::LockReport>,
) {
    use vaka_gateway::lock::LockReport;
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let s = services.clone();
    rt.spawn(async move {
        while let Some(r) = reports.recv().await {
            let done = match r {
                LockReport::Event(lock, e) => {
                    let at = jiff::Timestamp::from_second(e.at).unwrap_or(s.now());
                    let detail = match (e.reason, e.capability) {
                        (_, Some(c)) => Some(format!("capability:{}", c.code())),
                        (Some(r), None) => Some(
                            serde_json::to_value(r)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_owned))
                                .unwrap_or_default(),
                        ),
                        (None, None) => None,
                    };
                    s.record_lock_event(
                        lock,
                        vaka_service::keys::ReportedLockEvent {
                            kind: lock_kind(e.kind),
                            at,
                            request: e.request,
                            nonce: e.nonce.map(vaka_lock_protocol::Nonce::to_hex),
                            detail,
                        },
                    )
                    .await
                }
                LockReport::Refused(lock, why) => {
                    s.lock_connection_refused(lock, &why.to_string()).await
                }
            };
            if let Err(e) = done {
                tracing::error!(error = %e, "recording a lock's report failed");
            }
        }
    });
    let mut revoked = services.lock_revocations();
    let hub = hub.clone();
    rt.spawn(async move {
        loop {
            let grants = match revoked.recv().await {
                Ok(g) => g,
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            };
            for g in grants {
                let Some(nonce) = g
                    .nonce
                    .as_deref()
                    .and_then(vaka_lock_protocol::Nonce::from_hex)
                else {
                    continue;
                };
                let r = vaka_lock_protocol::Revoked {
                    nonce,
                    expires: g.expires.as_second(),
                };
                // To the lock wherever it is connected, this node or another; an offline lock
                // learns of it when it next connects (its window ends anyway).
                hub.revoke_everywhere(g.lock_id, &[r]);
            }
        }
    });
}

fn lock_kind(k: vaka_lock_protocol::LockEventKind) -> vaka_domain::keys::LockEventKind {
    use vaka_domain::keys::LockEventKind as D;
    use vaka_lock_protocol::LockEventKind as P;
    match k {
        P::Unlocked => D::Unlocked,
        P::Locked => D::Locked,
        P::Refused => D::Refused,
        P::BatteryLow => D::BatteryLow,
        P::Jammed => D::Jammed,
        P::Tamper => D::Tamper,
    }
}
