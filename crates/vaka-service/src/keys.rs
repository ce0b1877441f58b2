//! Digital keys: unlocking a client's door through an online lock, capabilities for offline
//! locks, the locks' events on the client's trail, and the client's key access set.
//!
//! Every decision goes through one rule, [`vaka_domain::keys::may_open`], over the grounds this
//! module gathers for the caller and the client (visits, alarms dispatched to them, a
//! night-patrol shift), and is audited whether granted or refused. Sending the command is the
//! gateway's: a use case here answers what to send once the decision and its entry are
//! committed.

use std::sync::{Arc, OnceLock};

use ed25519_dalek::SigningKey;
use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;
use vaka_domain::access::{Assignment, Permission, Role, Scope};
use vaka_domain::alarm::AlarmState;
use vaka_domain::audit::{AuditAction, NewAuditEntry, Outcome};
use vaka_domain::client::{Client, KeyAccess};
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::directory::{OrganisationKind, ProviderKind};
use vaka_domain::ids::{AlarmId, ClientId, DeviceId, UserId};
use vaka_domain::keys::{
    AlarmDispatchWindow, GrantKind, KeyGround, KeyGrounds, KeyRequest, LockEvent, LockEventKind,
    LockGrant, VisitWindow, key_access_set, lacks_reserve_key, may_open, patrol_shift,
    visit_capability,
};
use vaka_domain::reason::KeyReason;
use vaka_lock_protocol::{Capability, CapabilityReason, Nonce};
use vaka_store::homecare::VisitWindowRow;
use vaka_store::{DispatchedAlarm, ReadTx, UnlockGrounds};

use crate::alarms::console::responder_links;
use crate::door::{Appended, Change, Decision, Op, Work};
use crate::error::{Fault, ServiceError, WorkResult};
use crate::registry::stockholm;
use crate::{Ctx, ServiceResult, Services};

/// The care context of key actions in the audit log.
pub(crate) const KEYS: &str = "digital_keys";

/// How long a lock may take to act on an unlock command.
pub const UNLOCK_VALID_SECONDS: u32 = 30;

/// The lock signing key, set once at start (`vaka serve` loads it from its file).
#[derive(Clone, Default)]
pub(crate) struct LockKey(Arc<OnceLock<SigningKey>>);

/// What the caller asks to open with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnlockInput {
    pub visit_id: Option<Uuid>,
    pub alarm_id: Option<AlarmId>,
}

/// A granted unlock: what the gateway sends to the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnlockGranted {
    pub request: Uuid,
    pub lock_id: DeviceId,
    pub user: UserId,
    pub reason: CapabilityReason,
    pub expires: Timestamp,
}

/// A capability issued to the caller's phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssuedCapability {
    pub lock_id: DeviceId,
    pub client_id: ClientId,
    /// base64url, for the lock.
    pub token: String,
    pub reason: &'static str,
    pub visit_id: Option<Uuid>,
    pub alarm_id: Option<AlarmId>,
    pub not_before: Timestamp,
    pub expires: Timestamp,
}

/// An event a lock reported, as the gateway hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedLockEvent {
    pub kind: LockEventKind,
    /// By the lock's clock.
    pub at: Timestamp,
    /// The unlock command it answers.
    pub request: Option<Uuid>,
    /// The capability it used or refused (32 hex digits).
    pub nonce: Option<String>,
    /// Why the lock refused (`capability:expired`, `not_possible`…).
    pub detail: Option<String>,
}

/// A lock event for a page: who, when, what (the user's display name, when known and visible).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockEventView {
    pub event: LockEventViewData,
    pub user_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LockEventViewData {
    pub lock_id: DeviceId,
    pub kind: &'static str,
    pub at: Timestamp,
    pub alarm_id: Option<AlarmId>,
    pub visit_id: Option<Uuid>,
    pub detail: Option<String>,
}

/// A client's key access: the ways in, the locks, recent events and grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAccessView {
    pub client_id: ClientId,
    pub client_name: String,
    pub key_access: Vec<KeyAccess>,
    pub locks: Vec<(DeviceId, String, DeviceStatus)>,
    pub events: Vec<LockEventView>,
    pub grants: Vec<LockGrant>,
    /// The client's provider is a private company under LOV.
    pub private_provider: bool,
    /// A private provider's client without a registered physical reserve key.
    pub lacks_reserve_key: bool,
}

impl Services {
    /// Sets the key capabilities are signed with (once; later calls are ignored).
    pub fn set_lock_signing_key(&self, key: SigningKey) {
        let _ = self.lock_key.0.set(key);
    }

    /// The public key locks check capabilities with, once set.
    pub fn lock_public_key(&self) -> Option<[u8; 32]> {
        self.lock_key.0.get().map(|k| k.verifying_key().to_bytes())
    }

    /// Decides an unlock of a lock for the caller now: the rule over the caller's grounds,
    /// audited granted or refused. `online` says whether the lock is connected. On a grant the
    /// caller (the gateway) sends [`UnlockGranted`] to the lock.
    pub async fn unlock(
        &self,
        ctx: &Ctx<'_>,
        lock_id: DeviceId,
        input: UnlockInput,
        online: &(dyn Fn(DeviceId) -> bool + Send + Sync),
    ) -> ServiceResult<UnlockGranted> {
        let op = ctx.op(AuditAction::LockUnlock, KEYS);
        // A decision: the rule runs on a read connection and the grant, an insert, commits with
        // its entry in the door's group commit (see `door`), so that many decisions share one
        // write transaction.
        self.door
            .decide(op, async |w| {
                let now = w.now();
                let grant = w.any_grant(Permission::DispatchRespond, KeyReason::MayNotOpen)?;
                let UnlockGrounds {
                    client,
                    windows,
                    dispatched,
                } = fitted_lock(w, lock_id, ctx.principal.user_id, &grant).await?;
                let reach = ctx.principal.client_grant_for(
                    Permission::DispatchRespond,
                    client.provider_id,
                    client.unit_id,
                );
                let grant = reach.cloned().unwrap_or(grant);
                let grounds = self
                    .grounds(ctx, &mut **w, &client, windows, dispatched, now)
                    .await?;
                let req = KeyRequest {
                    at: now,
                    reach_covers_client: reach.is_some(),
                    user_active: true,
                    visit_id: input.visit_id,
                    alarm_id: input.alarm_id,
                };
                let refuse = |w: &Decision<'_>, reason: KeyReason| {
                    let entry = w
                        .summary_entry(Outcome::Denied, Some(&grant), &client)
                        .subject("lock", lock_id)
                        .details(
                            serde_json::json!({
                                "refused": reason.id(),
                                "visit": input.visit_id,
                                "alarm": input.alarm_id,
                            })
                            .to_string(),
                        );
                    if reason == KeyReason::OutsideReach {
                        Fault::denied(entry, reason)
                    } else {
                        Fault::refused(entry, reason)
                    }
                };
                let decided = match may_open(&req, &grounds) {
                    Ok(d) => d,
                    Err(reason) => return Err(refuse(w, reason)),
                };
                if !online(lock_id) {
                    return Err(refuse(w, KeyReason::LockOffline));
                }
                let record = LockGrant {
                    id: Uuid::now_v7(),
                    kind: GrantKind::Unlock,
                    nonce: None,
                    lock_id,
                    client_id: client.id,
                    user_id: ctx.principal.user_id,
                    ground: decided.ground,
                    not_before: decided.not_before,
                    expires: decided.expires,
                    issued_at: now,
                    revoked_at: None,
                };
                let entry = w
                    .summary_entry(Outcome::Success, Some(&grant), &client)
                    .subject("lock", lock_id)
                    .details(
                        serde_json::json!({ "request": record.id, "ground": decided.ground })
                            .to_string(),
                    );
                let request = record.id;
                w.append(Appended::LockGrant(record));
                w.record(entry);
                Ok(UnlockGranted {
                    request,
                    lock_id,
                    user: ctx.principal.user_id,
                    reason: capability_reason(decided.ground),
                    expires: decided.expires,
                })
            })
            .await
    }

    /// The caller's capabilities for their shift: one per visit of today with a window still
    /// open (valid for the visit's window), and one per alarm dispatched to them (≤ 5 minutes),
    /// for every active lock at those clients. Each is recorded (for the trail and for
    /// revocation) and the issue is audited, one entry per client.
    pub async fn capabilities(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<IssuedCapability>> {
        let key = self
            .lock_key
            .0
            .get()
            .cloned()
            .ok_or_else(|| ServiceError::Conflict(KeyReason::NoSigningKey.into()))?;
        let op = ctx.op(AuditAction::LockCapabilitiesIssued, KEYS);
        // A decision like an unlock: the grants are inserts, committed with the entries.
        self.door
            .decide(op, async |w| {
                let now = w.now();
                let grant = w.any_grant(Permission::DispatchRespond, KeyReason::MayNotOpen)?;
                let me = ctx.principal.user_id;
                let mut wanted: Vec<(ClientId, VisitOrAlarm)> = Vec::new();
                for (client, v) in shift_visits(&mut **w, ctx, now).await? {
                    wanted.push((client, VisitOrAlarm::Visit(v)));
                }
                let alarms = dispatched_to_me(ctx, &mut **w).await?;
                for (c, a) in &alarms {
                    wanted.push((*c, VisitOrAlarm::Alarm(a.alarm_id)));
                }
                let mut out = Vec::new();
                let mut per_client: Vec<(Client, Assignment, usize)> = Vec::new();
                for (client_id, what) in wanted {
                    let Some(client) = w.get_client(client_id).await? else {
                        continue;
                    };
                    let Some(reach) = ctx
                        .principal
                        .client_grant_for(
                            Permission::DispatchRespond,
                            client.provider_id,
                            client.unit_id,
                        )
                        .cloned()
                    else {
                        continue;
                    };
                    let decided = match what {
                        VisitOrAlarm::Visit(v) => visit_capability(now, true, true, &v),
                        VisitOrAlarm::Alarm(id) => {
                            let grounds = KeyGrounds {
                                alarms: alarms
                                    .iter()
                                    .filter(|(c, _)| *c == client.id)
                                    .map(|(_, a)| *a)
                                    .collect(),
                                ..KeyGrounds::default()
                            };
                            let req = KeyRequest {
                                at: now,
                                reach_covers_client: true,
                                user_active: true,
                                visit_id: None,
                                alarm_id: Some(id),
                            };
                            may_open(&req, &grounds).ok()
                        }
                    };
                    let Some(decided) = decided else { continue };
                    let mut issued = 0;
                    for lock in w.list_client_locks(client.id).await? {
                        let Some(d) = w.get_device(lock).await? else {
                            continue;
                        };
                        if d.status != DeviceStatus::Active {
                            continue;
                        }
                        let nonce = Nonce(*Uuid::new_v4().as_bytes());
                        let cap = Capability {
                            lock_id: lock.0,
                            user_id: me.0,
                            reason: capability_reason(decided.ground),
                            not_before: decided.not_before.as_second(),
                            expires: decided.expires.as_second(),
                            nonce,
                        };
                        let record = LockGrant {
                            id: Uuid::now_v7(),
                            kind: GrantKind::Capability,
                            nonce: Some(nonce.to_hex()),
                            lock_id: lock,
                            client_id: client.id,
                            user_id: me,
                            ground: decided.ground,
                            not_before: decided.not_before,
                            expires: decided.expires,
                            issued_at: now,
                            revoked_at: None,
                        };
                        out.push(IssuedCapability {
                            lock_id: lock,
                            client_id: client.id,
                            token: cap.sign(&key),
                            reason: cap.reason.code(),
                            visit_id: record.visit_id(),
                            alarm_id: record.alarm_id(),
                            not_before: decided.not_before,
                            expires: decided.expires,
                        });
                        w.append(Appended::LockGrant(record));
                        issued += 1;
                    }
                    if issued > 0 {
                        per_client.push((client, reach, issued));
                    }
                }
                for (client, reach, n) in &per_client {
                    let e = w
                        .client_entry(Outcome::Success, Some(reach), client)
                        .details(serde_json::json!({ "capabilities": n }).to_string());
                    w.record(e);
                }
                if per_client.is_empty() {
                    let e = w.entry(Outcome::Success, Some(&grant));
                    w.record(e.details(serde_json::json!({ "capabilities": 0 }).to_string()));
                }
                Ok(out)
            })
            .await
    }

    /// Records what a lock reported, on the client's trail and the audit log. The event is
    /// attributed to the user, visit and alarm of the unlock command or capability it names.
    pub async fn record_lock_event(
        &self,
        lock_id: DeviceId,
        event: ReportedLockEvent,
    ) -> ServiceResult<()> {
        let op = Op::system(AuditAction::LockEventRecorded, KEYS);
        self.door
            .change(op, async |w| {
                let now = w.now();
                let device = w
                    .get_device(lock_id)
                    .await?
                    .filter(|d| d.kind == DeviceKind::Lock)
                    .ok_or(Fault::not_found("lock"))?;
                let by_request = match event.request {
                    Some(r) => w.get_lock_grant(r).await?,
                    None => None,
                };
                let by_nonce = match &event.nonce {
                    Some(n) if by_request.is_none() => w.find_lock_grant_by_nonce(n).await?,
                    _ => None,
                };
                // A grant of another lock is not this event's.
                let grant = by_request.or(by_nonce).filter(|g| g.lock_id == lock_id);
                let client_id = device.client_id.or(grant.as_ref().map(|g| g.client_id));
                let record = LockEvent {
                    id: Uuid::now_v7(),
                    lock_id,
                    client_id,
                    kind: event.kind,
                    user_id: grant.as_ref().map(|g| g.user_id),
                    visit_id: grant.as_ref().and_then(LockGrant::visit_id),
                    alarm_id: grant.as_ref().and_then(LockGrant::alarm_id),
                    grant_id: grant.as_ref().map(|g| g.id),
                    detail: event.detail.clone(),
                    at: event.at,
                    received_at: now,
                };
                w.insert_lock_event(&record).await?;
                let mut e = w
                    .entry(Outcome::Success, None)
                    .subject("lock", lock_id)
                    .details(
                        serde_json::json!({
                            "event": event.kind.code(),
                            "user": record.user_id,
                            "alarm": record.alarm_id,
                            "visit": record.visit_id,
                            "at": event.at,
                            "detail": event.detail,
                        })
                        .to_string(),
                    );
                e.client_id = client_id;
                w.record(e);
                Ok(())
            })
            .await
    }

    /// Records that a lock's connection was refused (it reported for another lock id, or
    /// broke the protocol); `why` names the rule, never the content.
    pub async fn lock_connection_refused(&self, lock_id: DeviceId, why: &str) -> ServiceResult<()> {
        let op = Op::system(AuditAction::LockConnectionRefused, KEYS);
        self.door
            .change(op, async |w| {
                let e = w
                    .entry(Outcome::Denied, None)
                    .subject("lock", lock_id)
                    .details(serde_json::json!({ "refused": why }).to_string());
                w.record(e);
                Ok(())
            })
            .await
    }

    /// A client's key access: the ways in, the locks, the latest lock events and grants.
    /// Audited as a read of the client.
    pub async fn key_access(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
    ) -> ServiceResult<KeyAccessView> {
        let op = ctx.op(AuditAction::KeyAccessRead, KEYS);
        self.door
            .read(op, async |r| {
                let c = r
                    .get_client(client)
                    .await?
                    .ok_or(Fault::not_found("client"))?;
                let Some(grant) = ctx
                    .principal
                    .client_grant(c.provider_id, c.unit_id)
                    .cloned()
                else {
                    let e = r.entry(Outcome::Denied, None).client(c.id);
                    return Err(Fault::denied(e, KeyReason::OutsideReach));
                };
                let key_access = r.list_key_access(c.id).await?;
                let mut locks = Vec::new();
                for id in r.list_client_locks(c.id).await? {
                    if let Some(d) = r.get_device(id).await? {
                        locks.push((d.id, d.serial, d.status));
                    }
                }
                let events = r.list_client_lock_events(c.id, 50).await?;
                let events = named(&mut **r, events).await?;
                let since = r
                    .now()
                    .checked_sub(jiff::SignedDuration::from_hours(24 * 7))
                    .unwrap_or(Timestamp::UNIX_EPOCH);
                let grants = r.list_client_lock_grants(c.id, since).await?;
                let private_provider = match c.provider_id {
                    Some(p) => r.get_organisation(p).await?.is_some_and(|o| {
                        o.kind == OrganisationKind::Provider
                            && o.provider_kind == Some(ProviderKind::Private)
                    }),
                    None => false,
                };
                let e = r.client_entry(Outcome::Success, Some(&grant), &c);
                r.record(e);
                Ok(KeyAccessView {
                    client_id: c.id,
                    client_name: c.name.clone(),
                    lacks_reserve_key: lacks_reserve_key(private_provider, &key_access),
                    key_access,
                    locks,
                    events,
                    grants,
                    private_provider,
                })
            })
            .await
    }

    /// Replaces a client's key access set (those who edit client records).
    pub async fn set_key_access(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        kinds: &[KeyAccess],
    ) -> ServiceResult<Vec<KeyAccess>> {
        let op = ctx.op(AuditAction::KeyAccessChanged, KEYS);
        self.door
            .change(op, async |w| {
                let c = w
                    .get_client(client)
                    .await?
                    .ok_or(Fault::not_found("client"))?;
                let Some(grant) = ctx
                    .principal
                    .client_grant_for(Permission::ClientWrite, c.provider_id, c.unit_id)
                    .cloned()
                else {
                    let e = w.entry(Outcome::Denied, None).client(c.id);
                    return Err(Fault::denied(e, KeyReason::OutsideReach));
                };
                let before = w.list_key_access(c.id).await?;
                let set = key_access_set(kinds);
                let now = w.now();
                w.set_key_access(c.id, &set, now, Some(ctx.principal.user_id))
                    .await?;
                let codes = |v: &[KeyAccess]| v.iter().map(|k| k.code()).collect::<Vec<_>>();
                let e = w.client_entry(Outcome::Success, Some(&grant), &c).details(
                    serde_json::json!({ "before": codes(&before), "after": codes(&set) })
                        .to_string(),
                );
                w.record(e);
                Ok(set)
            })
            .await
    }

    /// The door events of an alarm ("door opened 02:14 by Johan"), for the alarm's page. The
    /// caller has read the alarm with its client through the alarm page (audited there); this
    /// read is audited as a read of the client's key events.
    pub async fn alarm_door_events(
        &self,
        ctx: &Ctx<'_>,
        alarm: AlarmId,
    ) -> ServiceResult<Vec<LockEventView>> {
        let op = ctx.op(AuditAction::KeyAccessRead, KEYS);
        self.door
            .read(op, async |r| {
                let a = r.get_alarm(alarm).await?.ok_or(Fault::not_found("alarm"))?;
                let Some(client) = a.client_id else {
                    return Ok(Vec::new());
                };
                let summary = r.get_client_summary(client).await?;
                let grant = summary.as_ref().and_then(|c| {
                    ctx.principal
                        .client_grant_for(Permission::ClientRead, c.provider_id, c.unit_id)
                        .cloned()
                });
                let Some(grant) = grant else {
                    let e = r.entry(Outcome::Denied, None).client(client);
                    return Err(Fault::denied(e, KeyReason::OutsideReach));
                };
                let events = r.list_alarm_lock_events(alarm).await?;
                if !events.is_empty() {
                    let e = r
                        .entry(Outcome::Success, Some(&grant))
                        .client(client)
                        .subject("alarm", alarm);
                    r.record(e);
                }
                named(&mut **r, events).await
            })
            .await
    }

    /// The rule's grounds from what the decision read: the caller's visit windows, the
    /// client's alarms dispatched to the caller, a night-patrol shift covering the client.
    async fn grounds(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut dyn ReadTx,
        client: &vaka_domain::client::ClientSummary,
        windows: Vec<VisitWindowRow>,
        dispatched: Vec<DispatchedAlarm>,
        now: Timestamp,
    ) -> WorkResult<KeyGrounds> {
        let visits = windows.into_iter().map(window).collect();
        let alarms = mine_of(
            ctx,
            tx,
            dispatched.into_iter().map(|a| (client.id, a)).collect(),
        )
        .await?
        .into_iter()
        .map(|(_, w)| w)
        .collect();
        let patrol = client.unit_id.and_then(|unit| {
            let on_patrol = ctx.principal.assignments.iter().any(|a| {
                a.role == Role::NightPatrol
                    && matches!(a.scope(), Scope::Unit(u)
                        if u == unit || ctx.principal.coverage.contains(&(u, unit)))
            });
            on_patrol
                .then(|| patrol_shift(now, &self.config.alarms.night, &stockholm()))
                .flatten()
        });
        Ok(KeyGrounds {
            visits,
            alarms,
            patrol,
        })
    }
}

/// Revokes a user's outstanding grants (their account ended, or a role removed): called in the
/// transaction of the change that ends their access, and returns what was revoked for the
/// entry's details and for the online locks.
pub(crate) async fn revoke_user_grants(
    w: &mut Change<'_>,
    user: UserId,
) -> WorkResult<Vec<LockGrant>> {
    let now = w.now();
    Ok(w.revoke_lock_grants(user, now).await?)
}

enum VisitOrAlarm {
    Visit(VisitWindow),
    Alarm(AlarmId),
}

/// What an unlock at the lock reads (see `LockRead::unlock_grounds`): the client it is fitted
/// at (what the rule needs of the client: its unit, provider and protection), the caller's
/// visit windows there and the client's dispatched alarms. A device that is not an active lock
/// at a client is not found (audited as a refusal about the lock).
async fn fitted_lock(
    w: &mut Decision<'_>,
    lock_id: DeviceId,
    user: UserId,
    grant: &Assignment,
) -> WorkResult<UnlockGrounds> {
    let now = w.now();
    if let Some(found) = w.unlock_grounds(lock_id, user, now).await? {
        return Ok(found);
    }
    let e: NewAuditEntry = w
        .entry(Outcome::Failure, Some(grant))
        .subject("lock", lock_id);
    Err(Fault::refused(e, KeyReason::NoSuchLock))
}

/// The open alarms dispatched to the caller, with their clients: sent to their link of the
/// chain and not yet acknowledged by anyone, or acknowledged (on the way, arrived) by them.
async fn dispatched_to_me(
    ctx: &Ctx<'_>,
    tx: &mut dyn ReadTx,
) -> WorkResult<Vec<(ClientId, AlarmDispatchWindow)>> {
    let open = tx
        .list_open_alarms()
        .await?
        .into_iter()
        .filter_map(|a| {
            Some((
                a.client_id?,
                DispatchedAlarm {
                    id: a.id,
                    state: a.alarm.state,
                    chain_link: a.chain_link,
                    dispatched_at: a.alarm.dispatched_at?,
                },
            ))
        })
        .collect();
    mine_of(ctx, tx, open).await
}

/// Of the dispatched alarms `open`, those dispatched to the caller (see [`dispatched_to_me`]).
async fn mine_of(
    ctx: &Ctx<'_>,
    tx: &mut dyn ReadTx,
    open: Vec<(ClientId, DispatchedAlarm)>,
) -> WorkResult<Vec<(ClientId, AlarmDispatchWindow)>> {
    let me = ctx.principal.user_id;
    let mut out = Vec::new();
    let mut links = None;
    for (client, a) in open {
        let mine = a.state.responder() == Some(me);
        let waiting = if matches!(a.state, AlarmState::Dispatched { .. }) {
            if links.is_none() {
                links = Some(responder_links(ctx, tx).await?);
            }
            a.chain_link
                .is_some_and(|l| links.as_ref().is_some_and(|ls| ls.contains(&l)))
        } else {
            false
        };
        if mine || waiting {
            out.push((
                client,
                AlarmDispatchWindow {
                    alarm_id: a.id,
                    from: a.dispatched_at,
                    until: None,
                },
            ));
        }
    }
    Ok(out)
}

/// The caller's visits to the client around `now` (`HomecareRead::list_visit_windows`: the
/// planned visits of the client's plans carried out by a unit the caller holds a role in, with
/// the caller's visit if registered, and the caller's own visits to the client).
async fn visit_windows(
    tx: &mut dyn ReadTx,
    user: UserId,
    client: ClientId,
    now: Timestamp,
) -> WorkResult<Vec<VisitWindow>> {
    Ok(tx
        .list_visit_windows(user, client, now)
        .await?
        .into_iter()
        .map(window)
        .collect())
}

#[allow(clippy::needless_pass_by_value)] // mapped over owned rows
fn window(w: VisitWindowRow) -> VisitWindow {
    VisitWindow {
        visit_id: w.visit_id.map(|v| v.0),
        plan_id: w.plan_id.map(|p| p.0),
        from: w.from,
        to: w.to,
        started_at: w.started_at,
        ended_at: w.ended_at,
    }
}

/// The caller's visits of the shift, per client: the windows (see [`visit_windows`]) at the
/// clients of today's plans of the caller's units that are still open at `now` and begin
/// within the next 24 hours.
async fn shift_visits(
    tx: &mut dyn ReadTx,
    ctx: &Ctx<'_>,
    now: Timestamp,
) -> WorkResult<Vec<(ClientId, VisitWindow)>> {
    let user = ctx.principal.user_id;
    let today = now.to_zoned(stockholm()).date();
    let mut clients: Vec<ClientId> = Vec::new();
    let units: Vec<_> = ctx
        .principal
        .assignments
        .iter()
        .filter_map(|a| a.unit_id)
        .collect();
    for unit in units {
        for p in tx.list_visit_plans_for_unit(unit, today).await? {
            if !clients.contains(&p.client_id) {
                clients.push(p.client_id);
            }
        }
    }
    let horizon = now
        .checked_add(jiff::SignedDuration::from_hours(24))
        .unwrap_or(now);
    let mut out = Vec::new();
    for client in clients {
        for w in visit_windows(tx, user, client, now).await? {
            if w.access()
                .is_some_and(|(from, to)| to > now && from < horizon)
            {
                out.push((client, w));
            }
        }
    }
    Ok(out)
}

fn capability_reason(g: KeyGround) -> CapabilityReason {
    match g {
        KeyGround::Visit { .. } => CapabilityReason::Visit,
        KeyGround::Alarm { .. } => CapabilityReason::Alarm,
        KeyGround::NightPatrol => CapabilityReason::Adhoc,
    }
}

/// Events with the display names of the users who opened.
async fn named(tx: &mut dyn ReadTx, events: Vec<LockEvent>) -> WorkResult<Vec<LockEventView>> {
    let mut out = Vec::with_capacity(events.len());
    let mut names: Vec<(UserId, String)> = Vec::new();
    for e in events {
        let user_name = match e.user_id {
            Some(u) => {
                if let Some((_, n)) = names.iter().find(|(id, _)| *id == u) {
                    Some(n.clone())
                } else {
                    let n = tx.get_user(u).await?.map(|a| a.display_name);
                    if let Some(n) = &n {
                        names.push((u, n.clone()));
                    }
                    n
                }
            }
            None => None,
        };
        out.push(LockEventView {
            event: LockEventViewData {
                lock_id: e.lock_id,
                kind: e.kind.code(),
                at: e.at,
                alarm_id: e.alarm_id,
                visit_id: e.visit_id,
                detail: e.detail,
            },
            user_name,
        });
    }
    Ok(out)
}
