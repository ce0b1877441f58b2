//! The alarm centre's console and the responders' steps.
//!
//! Operators (permission `alarm_handle`) see the open alarms of the clients they serve, by
//! priority and age; one takes an alarm (the others see who), calls, notes the call, dispatches
//! along the client's alarm chain and closes with a cause. Responders (`dispatch_respond`) see
//! the alarms dispatched to their link of the chain and acknowledge → on the way → arrived →
//! close. Every step is checked by the domain's state machine, logged on the alarm and audited;
//! every read of the queue or of an alarm with its client's card is audited.

use std::collections::HashMap;

use jiff::Timestamp;
use serde::Serialize;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::alarm::{
    AlarmEvent, AlarmLogEntry, AlarmRecord, AlarmState, ChainLink, CloseCause, alarm_chain,
};
use vaka_domain::alarm_coverage::{AlarmCoverage, AlarmRoute, route};
use vaka_domain::audit::{AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::{
    Client, ClientSummary, Disclosure, KeyAccess, ResponderOnDispatch, responder_sees_address,
};
use vaka_domain::directory::UnitKind;
use vaka_domain::ids::{AlarmId, AlarmLogId, ClientId, UserId};
use vaka_domain::reason::AlarmReason;
use vaka_store::ReadTx;
use vaka_store::values::to_db_precision;

use super::ALARMS;
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::registry::stockholm;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The longest note on an alarm.
pub(crate) const NOTE_MAX: usize = 1000;

/// One alarm as the console and the responder's view list it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmItem {
    pub id: AlarmId,
    pub kind: vaka_domain::alarm::AlarmKind,
    pub category: String,
    pub code: String,
    pub zone: Option<String>,
    /// The channel to call the client back on, as a SCAIP unit named it (`crd`:
    /// `gsm:+46…`, `no-voice:`); none for DC-09.
    pub caller: Option<String>,
    /// 0 = a person may be in danger, 1 = technical, 2 = tests and unknown devices.
    pub priority: u8,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub received_at: Timestamp,
    pub state: vaka_domain::alarm::AlarmStatus,
    pub operator_id: Option<UserId>,
    pub operator_name: Option<String>,
    pub responder_id: Option<UserId>,
    pub responder_name: Option<String>,
    pub client_id: Option<ClientId>,
    pub client_name: Option<String>,
    pub account: Option<String>,
    pub area: vaka_domain::client::AreaType,
    pub chain_link: Option<ChainLink>,
    pub escalated_not_taken: bool,
    pub escalated_not_acknowledged: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub restored_at: Option<Timestamp>,
    pub occurrences: i64,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub taken_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub contacted_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dispatched_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub acknowledged_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub on_way_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub arrived_at: Option<Timestamp>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub closed_at: Option<Timestamp>,
    pub cause: Option<CloseCause>,
    pub contact_target_seconds: i64,
    pub arrival_target_seconds: i64,
    /// Received to contact, once contacted.
    pub to_contact_seconds: Option<i64>,
    /// Received to arrival, once arrived.
    pub to_arrival_seconds: Option<i64>,
    pub contact_met: Option<bool>,
    pub arrival_met: Option<bool>,
    /// No alarm centre covers the client: the alarm is in the municipality's fallback queue,
    /// shown to every alarm operator (docs/RULES.md, "No alarm unseen").
    pub fallback: bool,
}

/// One line of an alarm's log, with who did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmLogLine {
    pub at: Timestamp,
    pub by: Option<String>,
    pub step: String,
    pub note: Option<String>,
}

/// An alarm opened in the console: the client's card and the alarm's log.
#[derive(Debug, Clone)]
pub struct AlarmView {
    pub item: AlarmItem,
    /// The client, as the protected-identity rule allows.
    pub client: Option<Client>,
    pub disclosure: Disclosure,
    pub log: Vec<AlarmLogLine>,
    /// The client's alarm chain now.
    pub chain: Vec<ChainLink>,
}

/// What an operator or a responder does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlarmStep {
    Take,
    Release,
    /// The operator reached the client (or whoever answered); the note says what was said.
    Contact {
        note: Option<String>,
    },
    /// A note on the call, without contact.
    Note {
        note: String,
    },
    /// The operator called the client back on the channel the alarm unit named (a SCAIP
    /// unit's `crd`: Vaka terminates no voice call) and reached them: contact made.
    CalledBack {
        note: Option<String>,
    },
    /// The operator tried to call the client back and could not reach them (logged; the
    /// contact clock runs on).
    CallBackFailed {
        note: Option<String>,
    },
    /// Sends the alarm down the chain; a call note typed before it goes with it (logged as a
    /// note, and the alarm's note the responder reads).
    Dispatch {
        link: ChainLink,
        note: Option<String>,
    },
    Acknowledge,
    OnTheWay,
    Arrive,
    Close {
        cause: CloseCause,
        note: Option<String>,
    },
}

impl AlarmStep {
    pub fn code(&self) -> &'static str {
        match self {
            AlarmStep::Take => "take",
            AlarmStep::Release => "release",
            AlarmStep::Contact { .. } => "contact",
            AlarmStep::Note { .. } => "note",
            AlarmStep::CalledBack { .. } => "called_back",
            AlarmStep::CallBackFailed { .. } => "call_back_failed",
            AlarmStep::Dispatch { .. } => "dispatch",
            AlarmStep::Acknowledge => "acknowledge",
            AlarmStep::OnTheWay => "on_the_way",
            AlarmStep::Arrive => "arrive",
            AlarmStep::Close { .. } => "close",
        }
    }

    fn note(&self) -> Option<&str> {
        match self {
            AlarmStep::Contact { note }
            | AlarmStep::CalledBack { note }
            | AlarmStep::CallBackFailed { note }
            | AlarmStep::Close { note, .. }
            | AlarmStep::Dispatch { note, .. } => note.as_deref(),
            AlarmStep::Note { note } => Some(note),
            _ => None,
        }
    }

    /// Checks the step's words: a note says something and is not too long, and a close with
    /// the cause *other* says what happened.
    fn check(&self) -> ServiceResult<()> {
        if let Some(n) = self.note() {
            let n = n.trim();
            if n.is_empty() && matches!(self, AlarmStep::Note { .. }) {
                return Err(ServiceError::invalid("note", AlarmReason::NoteEmpty));
            }
            if n.chars().count() > NOTE_MAX {
                return Err(ServiceError::invalid(
                    "note",
                    AlarmReason::NoteTooLong { max: NOTE_MAX },
                ));
            }
        }
        if let AlarmStep::Close { cause, note } = self
            && cause.needs_note()
            && note
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .is_empty()
        {
            return Err(ServiceError::invalid("note", AlarmReason::CloseNeedsNote));
        }
        Ok(())
    }
}

fn secs(d: jiff::SignedDuration) -> i64 {
    d.as_secs()
}

/// Which units the alarm centres cover now.
pub(crate) async fn alarm_coverage(tx: &mut dyn ReadTx) -> WorkResult<AlarmCoverage> {
    let units = tx.list_units().await?;
    let pairs = tx.list_coverage().await?;
    Ok(AlarmCoverage::of(&units, &pairs))
}

/// Names of users, read once each.
pub(crate) async fn user_names(
    tx: &mut dyn ReadTx,
    ids: Vec<UserId>,
) -> WorkResult<HashMap<UserId, String>> {
    let mut names = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id)
            && let Some(u) = tx.get_user(id).await?
        {
            e.insert(u.display_name);
        }
    }
    Ok(names)
}

impl Services {
    pub(crate) fn item(
        &self,
        a: &AlarmRecord,
        client: Option<&ClientSummary>,
        names: &HashMap<UserId, String>,
    ) -> AlarmItem {
        let sla = a.alarm.sla(&self.config.alarms.targets);
        let responder = a.alarm.state.responder();
        AlarmItem {
            id: a.id,
            kind: a.alarm.kind,
            category: a.category.clone(),
            code: a.code.clone(),
            zone: a.zone.clone(),
            caller: a.caller.clone(),
            priority: a.alarm.kind.priority() as u8,
            received_at: a.alarm.received_at,
            state: a.alarm.state.status(),
            operator_id: a.alarm.operator,
            operator_name: a.alarm.operator.and_then(|u| names.get(&u).cloned()),
            responder_id: responder,
            responder_name: responder.and_then(|u| names.get(&u).cloned()),
            client_id: a.client_id,
            client_name: client.map(|c| c.name.clone()),
            account: a.account.clone(),
            area: a.alarm.area,
            chain_link: a.chain_link,
            escalated_not_taken: a.alarm.escalated_not_taken,
            escalated_not_acknowledged: a.alarm.escalated_not_acknowledged,
            restored_at: a.restored_at,
            occurrences: a.occurrences,
            taken_at: a.alarm.taken_at,
            contacted_at: a.alarm.contacted_at,
            dispatched_at: a.alarm.dispatched_at,
            acknowledged_at: a.alarm.acknowledged_at,
            on_way_at: a.alarm.on_way_at,
            arrived_at: a.alarm.arrived_at,
            closed_at: a.alarm.closed_at,
            cause: a.cause,
            contact_target_seconds: secs(sla.contact_target),
            arrival_target_seconds: secs(sla.arrival_target),
            to_contact_seconds: sla.to_contact.map(secs),
            to_arrival_seconds: sla.to_arrival.map(secs),
            contact_met: sla.contact_met(),
            arrival_met: sla.arrival_met(),
            fallback: false,
        }
    }

    /// Whether no alarm centre covers an alarm, so that it goes to the fallback queue.
    pub(crate) fn falls_back(
        a: &AlarmRecord,
        client: Option<&ClientSummary>,
        coverage: &AlarmCoverage,
    ) -> bool {
        let client_unit = a.client_id.map(|_| client.and_then(|c| c.unit_id));
        route(a.alarm.kind, client_unit, coverage) == AlarmRoute::Fallback
    }

    /// Whether the caller holds `p` over an alarm: over its client, or — for an alarm with no
    /// client (an unknown device) — anywhere. An alarm no centre covers (`fallback`) is every
    /// alarm operator's to handle.
    fn alarm_grant(
        ctx: &Ctx<'_>,
        p: Permission,
        client: Option<&ClientSummary>,
        fallback: bool,
    ) -> Option<Assignment> {
        let fallback_grant = || {
            (fallback && p == Permission::AlarmHandle)
                .then(|| ctx.principal.any_grant(p).cloned())
                .flatten()
        };
        match client {
            Some(c) => ctx
                .principal
                .client_grant_for(p, c.provider_id, c.unit_id)
                .cloned()
                .or_else(fallback_grant),
            None => ctx.principal.any_grant(p).cloned(),
        }
    }

    /// The open alarms the caller may handle, by priority and then age. Audited.
    pub async fn alarm_queue(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<AlarmItem>> {
        let op = ctx.op(AuditAction::AlarmQueueRead, ALARMS);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(Permission::AlarmHandle, AlarmReason::MayNotHandle)?;
                let open = r.list_open_alarms().await?;
                let (items, protected) = self
                    .visible_items(ctx, &mut **r, &open, Permission::AlarmHandle, &|_| true)
                    .await?;
                let fallback = items.iter().filter(|i| i.fallback).count();
                let mut entry = list_entry(r, &grant, items.len(), protected);
                if fallback > 0 {
                    entry = entry.details(
                        serde_json::json!({ "results": items.len(), "fallback": fallback })
                            .to_string(),
                    );
                }
                r.record(entry);
                Ok(items)
            })
            .await
    }

    async fn visible_items(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut dyn ReadTx,
        alarms: &[AlarmRecord],
        p: Permission,
        keep: &(dyn Fn(&AlarmRecord) -> bool + Send + Sync),
    ) -> WorkResult<(Vec<AlarmItem>, bool)> {
        let mut clients: HashMap<ClientId, Option<ClientSummary>> = HashMap::new();
        let coverage = alarm_coverage(tx).await?;
        let mut shown = Vec::new();
        let mut protected = false;
        for a in alarms.iter().filter(|a| keep(a)) {
            let client = match a.client_id {
                Some(id) => {
                    if let std::collections::hash_map::Entry::Vacant(e) = clients.entry(id) {
                        e.insert(tx.get_client_summary(id).await?);
                    }
                    clients.get(&id).cloned().flatten()
                }
                None => None,
            };
            let fallback = Self::falls_back(a, client.as_ref(), &coverage);
            if Self::alarm_grant(ctx, p, client.as_ref(), fallback).is_none() {
                continue;
            }
            protected |= client.as_ref().is_some_and(|c| c.protection.is_protected());
            shown.push((a, client, fallback));
        }
        let mut users = Vec::new();
        for (a, _, _) in &shown {
            users.extend(a.alarm.operator);
            users.extend(a.alarm.state.responder());
        }
        let names = user_names(tx, users).await?;
        let mut items: Vec<AlarmItem> = shown
            .iter()
            .map(|(a, c, fallback)| AlarmItem {
                fallback: *fallback,
                ..self.item(a, c.as_ref(), &names)
            })
            .collect();
        items.sort_by_key(|i| (i.priority, i.received_at, i.id));
        Ok((items, protected))
    }

    /// One alarm with the client's card (contacts, key access), the alarm's log and the chain.
    /// Audited as a read of the client.
    pub async fn alarm_view(&self, ctx: &Ctx<'_>, id: AlarmId) -> ServiceResult<AlarmView> {
        let op = ctx.op(AuditAction::AlarmRead, ALARMS);
        self.door
            .read(op, async |r| {
                let alarm = r.get_alarm(id).await?.ok_or(Fault::not_found("alarm"))?;
                let summary = match alarm.client_id {
                    Some(c) => r.get_client_summary(c).await?,
                    None => None,
                };
                let coverage = alarm_coverage(&mut **r).await?;
                let fallback = Self::falls_back(&alarm, summary.as_ref(), &coverage);
                let grant =
                    Self::alarm_grant(ctx, Permission::AlarmHandle, summary.as_ref(), fallback)
                        .or_else(|| {
                            Self::alarm_grant(
                                ctx,
                                Permission::DispatchRespond,
                                summary.as_ref(),
                                fallback,
                            )
                        })
                        .ok_or_else(|| {
                            r.denied(
                                AlarmReason::OutsideNeedToKnow,
                                Some(("alarm", id.to_string())),
                            )
                        })?;
                let mut address_on_dispatch = false;
                let (client, disclosure) = match alarm.client_id {
                    Some(c) => {
                        let client = r.get_client(c).await?.ok_or(Fault::not_found("client"))?;
                        let group = r.list_access_group(c).await?;
                        let d = client.disclosure(ctx.principal.user_id, &group);
                        let address = client.address.clone();
                        let mut shown = client.disclosed(d);
                        // The responder sent to a protected client sees where to go, while the
                        // dispatch is open and theirs.
                        if d == Disclosure::NameOnly
                            && address.is_some()
                            && responder_sees_address(
                                shown.protection,
                                on_dispatch(ctx, &mut **r, &alarm).await?,
                            )
                        {
                            shown.address = address;
                            address_on_dispatch = true;
                        }
                        (Some(shown), d)
                    }
                    None => (None, Disclosure::Full),
                };
                let log = r.list_alarm_log(id).await?;
                let mut users: Vec<UserId> = log.iter().filter_map(|l| l.user_id).collect();
                users.extend(alarm.alarm.operator);
                users.extend(alarm.alarm.state.responder());
                let names = user_names(&mut **r, users).await?;
                let local = r.now().to_zoned(stockholm()).time();
                let chain = alarm_chain(
                    local,
                    &self.config.alarms.night,
                    client.as_ref().is_some_and(|c| !c.contacts.is_empty()),
                );
                let mut entry = match &client {
                    Some(c) => r.client_entry(Outcome::Success, Some(&grant), c),
                    None => r.entry(Outcome::Success, Some(&grant)),
                }
                .subject("alarm", id);
                let mut details = serde_json::json!({});
                if address_on_dispatch {
                    details["disclosure"] = serde_json::json!("address_on_dispatch");
                } else if disclosure == Disclosure::NameOnly {
                    details["disclosure"] = serde_json::json!("name_only");
                }
                if fallback {
                    details["route"] = serde_json::json!("fallback");
                }
                if details.as_object().is_some_and(|o| !o.is_empty()) {
                    entry = entry.details(details.to_string());
                }
                r.record(entry);
                let item = AlarmItem {
                    fallback,
                    ..self.item(&alarm, summary.as_ref(), &names)
                };
                Ok(AlarmView {
                    item,
                    client,
                    disclosure,
                    log: log
                        .into_iter()
                        .map(|l| AlarmLogLine {
                            at: l.at,
                            by: l.user_id.and_then(|u| names.get(&u).cloned()),
                            step: l.step,
                            note: l.note,
                        })
                        .collect(),
                    chain,
                })
            })
            .await
    }

    /// One step on an alarm by an operator or a responder.
    pub async fn alarm_step(
        &self,
        ctx: &Ctx<'_>,
        id: AlarmId,
        step: AlarmStep,
    ) -> ServiceResult<AlarmItem> {
        step.check()?;
        let op = ctx.op(AuditAction::AlarmStepTaken, ALARMS);
        let item = self
            .door
            .change(op, async |w| self.take_step(w, ctx, id, &step).await)
            .await?;
        self.alarms_changed();
        Ok(item)
    }

    async fn take_step(
        &self,
        w: &mut Change<'_>,
        ctx: &Ctx<'_>,
        id: AlarmId,
        step: &AlarmStep,
    ) -> WorkResult<AlarmItem> {
        let now = to_db_precision(w.now());
        let me = ctx.principal.user_id;
        let before = w.get_alarm(id).await?.ok_or(Fault::not_found("alarm"))?;
        let summary = match before.client_id {
            Some(c) => w.get_client_summary(c).await?,
            None => None,
        };
        let permission = match step {
            AlarmStep::Acknowledge | AlarmStep::OnTheWay | AlarmStep::Arrive => {
                Permission::DispatchRespond
            }
            AlarmStep::Close { .. } if before.alarm.operator != Some(me) => {
                Permission::DispatchRespond
            }
            _ => Permission::AlarmHandle,
        };
        let fallback =
            Self::falls_back(&before, summary.as_ref(), &alarm_coverage(&mut **w).await?);
        let Some(grant) = Self::alarm_grant(ctx, permission, summary.as_ref(), fallback) else {
            let mut e = w.entry(Outcome::Denied, None).subject("alarm", id);
            e.client_id = before.client_id;
            return Err(Fault::denied(e, AlarmReason::OutsideNeedToKnow));
        };
        let event = match step {
            AlarmStep::Take => Some(AlarmEvent::Take { by: me, at: now }),
            AlarmStep::Release => Some(AlarmEvent::Release { by: me, at: now }),
            AlarmStep::Contact { .. } | AlarmStep::CalledBack { .. } => {
                Some(AlarmEvent::Contact { by: me, at: now })
            }
            AlarmStep::Note { .. } | AlarmStep::CallBackFailed { .. } => None,
            AlarmStep::Dispatch { .. } => Some(AlarmEvent::Dispatch { by: me, at: now }),
            AlarmStep::Acknowledge => Some(AlarmEvent::Acknowledge { by: me, at: now }),
            AlarmStep::OnTheWay => Some(AlarmEvent::OnTheWay { by: me, at: now }),
            AlarmStep::Arrive => Some(AlarmEvent::Arrive { by: me, at: now }),
            AlarmStep::Close { .. } => Some(AlarmEvent::Close { by: me, at: now }),
        };
        let mut after = before.clone();
        match event {
            Some(ev) => {
                let (a, _) = before
                    .alarm
                    .apply(ev, &self.config.alarms.targets)
                    .map_err(Fault::conflict)?;
                after.alarm = a;
            }
            None if before.alarm.operator != Some(me) => {
                return Err(Fault::conflict(AlarmReason::TakeFirst));
            }
            None => {}
        }
        match step {
            AlarmStep::Dispatch { link, note } => {
                if before.client_id.is_none() {
                    return Err(Fault::invalid("link", AlarmReason::NoClientToDispatch));
                }
                after.chain_link = Some(*link);
                if let Some(n) = note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    after.note = Some(n.to_owned());
                }
            }
            AlarmStep::Close { cause, note } => {
                after.cause = Some(*cause);
                after.closed_by = Some(me);
                if let Some(n) = note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                    after.note = Some(n.to_owned());
                }
            }
            AlarmStep::Contact { note: Some(n) }
            | AlarmStep::CalledBack { note: Some(n) }
            | AlarmStep::Note { note: n }
                if !n.trim().is_empty() =>
            {
                after.note = Some(n.trim().to_owned());
            }
            _ => {}
        }
        after.updated_at = now;
        if !w.update_alarm(&before, &after).await? {
            return Err(Fault::conflict(AlarmReason::ChangedMeanwhile));
        }
        if let AlarmStep::Dispatch { note: Some(n), .. } = step
            && !n.trim().is_empty()
        {
            // The call note, on a line of its own before the dispatch that names the link.
            w.insert_alarm_log(&AlarmLogEntry {
                id: AlarmLogId::new(),
                alarm_id: id,
                at: now,
                user_id: Some(me),
                step: "note".into(),
                note: Some(n.trim().to_owned()),
            })
            .await?;
        }
        let log_note = match step {
            AlarmStep::Dispatch { link, .. } => Some(link.code().to_owned()),
            AlarmStep::Close { cause, note } => Some(match note.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => format!("{}: {n}", cause.code()),
                _ => cause.code().to_owned(),
            }),
            other => other
                .note()
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
        };
        w.insert_alarm_log(&AlarmLogEntry {
            id: AlarmLogId::new(),
            alarm_id: id,
            at: now,
            user_id: Some(me),
            step: step.code().into(),
            note: log_note,
        })
        .await?;
        let mut details =
            serde_json::json!({ "step": step.code(), "state": after.alarm.state.code() });
        let sla = after.alarm.sla(&self.config.alarms.targets);
        if let Some(t) = sla.to_contact {
            details["to_contact_seconds"] = serde_json::json!(t.as_secs());
        }
        if let Some(t) = sla.to_arrival {
            details["to_arrival_seconds"] = serde_json::json!(t.as_secs());
        }
        let mut entry = w.entry(Outcome::Success, Some(&grant));
        if let Some(c) = before.client_id {
            entry = entry.client(c);
            entry.flags = AuditFlags {
                protected_identity: summary
                    .as_ref()
                    .is_some_and(|s| s.protection.is_protected()),
                ..AuditFlags::default()
            };
        }
        w.record(entry.subject("alarm", id).details(details.to_string()));
        let mut users = Vec::new();
        users.extend(after.alarm.operator);
        users.extend(after.alarm.state.responder());
        let names = user_names(&mut **w, users).await?;
        Ok(AlarmItem {
            fallback,
            ..self.item(&after, summary.as_ref(), &names)
        })
    }

    /// The alarms dispatched to the caller's link of the chain (the night patrol's or the
    /// home-care group's), for the responder's phone view. Audited.
    pub async fn responder_alarms(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<AlarmItem>> {
        let op = ctx.op(AuditAction::AlarmsListed, ALARMS);
        self.door
            .read(op, async |r| {
                let (grant, items, protected) = self.responder_items(ctx, r).await?;
                r.record(list_entry(r, &grant, items.len(), protected));
                Ok(items)
            })
            .await
    }

    /// The responder's alarms as cards for the phone: each with what the responder needs on
    /// the way — the address (as the protected-identity rule allows), how to get in, and the
    /// operator's note. One audit entry for the list, as for the list without the cards (the
    /// same need-to-know filter), counting the addresses it showed and flagged when one of its
    /// clients has a protected identity.
    pub async fn responder_alarm_cards(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ResponderAlarm>> {
        let op = ctx.op(AuditAction::AlarmsListed, ALARMS);
        self.door
            .read(op, async |r| {
                let (grant, items, protected) = self.responder_items(ctx, r).await?;
                let mut open = HashMap::new();
                for a in r.list_open_alarms().await? {
                    open.insert(a.id, a);
                }
                let mut cards = Vec::with_capacity(items.len());
                let mut addresses = 0usize;
                for item in items {
                    let client = match item.client_id {
                        Some(c) => r.get_client(c).await?,
                        None => None,
                    };
                    let record = open.remove(&item.id);
                    let access = match &client {
                        Some(c) => {
                            let group = r.list_access_group(c.id).await?;
                            let mut access = responder_access(ctx, c, &group);
                            // The responder sent to a protected client sees where to go while
                            // the dispatch is open and theirs (key note still withheld); each
                            // such read is its own entry about the client, flagged.
                            if access.withheld
                                && let Some(address) = &c.address
                                && let Some(a) = &record
                                && responder_sees_address(
                                    c.protection,
                                    on_dispatch(ctx, &mut **r, a).await?,
                                )
                            {
                                access.address = Some(address.one_line());
                                let entry = r
                                    .client_entry(Outcome::Success, Some(&grant), c)
                                    .subject("alarm", item.id)
                                    .details(
                                        serde_json::json!({ "disclosure": "address_on_dispatch" })
                                            .to_string(),
                                    );
                                r.record(entry);
                            }
                            Some(access)
                        }
                        None => None,
                    };
                    addresses += usize::from(access.as_ref().is_some_and(|a| a.address.is_some()));
                    cards.push(ResponderAlarm {
                        note: record.and_then(|a| a.note),
                        address: access.as_ref().and_then(|a| a.address.clone()),
                        address_withheld: access.as_ref().is_some_and(|a| a.withheld),
                        key_access: client.as_ref().map(|c| c.key_access),
                        key_note: access.and_then(|a| a.key_note),
                        item,
                    });
                }
                let mut entry = list_entry(r, &grant, cards.len(), protected);
                entry = entry.details(
                    serde_json::json!({ "results": cards.len(), "addresses": addresses })
                        .to_string(),
                );
                r.record(entry);
                Ok(cards)
            })
            .await
    }

    /// The open alarms for the caller's link of the chain, or taken on by the caller, and the
    /// grant the caller responds with.
    async fn responder_items(
        &self,
        ctx: &Ctx<'_>,
        r: &mut crate::door::Read<'_>,
    ) -> WorkResult<(Assignment, Vec<AlarmItem>, bool)> {
        let grant = r.any_grant(Permission::DispatchRespond, AlarmReason::MayNotRespond)?;
        let links = responder_links(ctx, &mut **r).await?;
        let open = r.list_open_alarms().await?;
        let me = ctx.principal.user_id;
        let (items, protected) = self
            .visible_items(ctx, &mut **r, &open, Permission::DispatchRespond, &|a| {
                let mine = a.alarm.state.responder() == Some(me);
                let waiting = matches!(a.alarm.state, AlarmState::Dispatched { .. })
                    && a.chain_link.is_some_and(|l| links.contains(&l));
                mine || waiting
            })
            .await?;
        Ok((grant, items, protected))
    }
}

/// A responder's alarm card: the alarm, and what the responder needs to get there and in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponderAlarm {
    pub item: AlarmItem,
    /// The address, unless the client's identity is protected and the responder is not in its
    /// named group.
    pub address: Option<String>,
    /// The address is withheld (a protected identity), as opposed to not registered.
    pub address_withheld: bool,
    /// How staff get in (the kind is not personal data beyond the client's name).
    pub key_access: Option<KeyAccess>,
    /// Where the key is, the door code… withheld with the address.
    pub key_note: Option<String>,
    /// The operator's call note.
    pub note: Option<String>,
}

/// What a responder's card discloses of a client's home.
struct HomeAccess {
    address: Option<String>,
    withheld: bool,
    key_note: Option<String>,
}

/// The address and key note a responder sees on an alarm's card: the protected-identity rule
/// of the client's card (`Client::disclosure`: only the named group sees a protected client's
/// address).
///
/// A responder sent to a protected client sees the address while the dispatch is open and
/// theirs: `responder_alarm_cards` adds it (`responder_sees_address`), audited on its own.
fn responder_access(ctx: &Ctx<'_>, c: &Client, group: &[UserId]) -> HomeAccess {
    let disclosure = c.disclosure(ctx.principal.user_id, group);
    let shown = c.clone().disclosed(disclosure);
    HomeAccess {
        withheld: disclosure == Disclosure::NameOnly,
        address: shown
            .address
            .as_ref()
            .map(vaka_domain::client::Address::one_line),
        key_note: shown.key_note,
    }
}

/// The links of the chain the caller answers for, by the kinds of their units; a role without
/// a unit answers for every link.
pub(crate) async fn responder_links(
    ctx: &Ctx<'_>,
    tx: &mut dyn ReadTx,
) -> WorkResult<Vec<ChainLink>> {
    let mut links = Vec::new();
    for a in ctx
        .principal
        .assignments
        .iter()
        .filter(|a| a.role.has(Permission::DispatchRespond))
    {
        match a.unit_id {
            None => links.extend([ChainLink::NightPatrol, ChainLink::HomeCare]),
            Some(u) => match tx.get_unit(u).await?.map(|u| u.kind) {
                Some(UnitKind::NightPatrol | UnitKind::DutyTeam) => {
                    links.push(ChainLink::NightPatrol);
                }
                Some(UnitKind::HomeCare | UnitKind::SpecialHousing) => {
                    links.push(ChainLink::HomeCare);
                }
                _ => {}
            },
        }
    }
    Ok(links)
}

/// Where the caller stands with an alarm sent along the chain.
async fn on_dispatch(
    ctx: &Ctx<'_>,
    tx: &mut dyn ReadTx,
    a: &AlarmRecord,
) -> WorkResult<ResponderOnDispatch> {
    if a.alarm.state.responder() == Some(ctx.principal.user_id) {
        return Ok(ResponderOnDispatch::Mine);
    }
    if matches!(a.alarm.state, AlarmState::Dispatched { .. })
        && ctx.principal.has_permission(Permission::DispatchRespond)
        && let Some(link) = a.chain_link
        && responder_links(ctx, tx).await?.contains(&link)
    {
        return Ok(ResponderOnDispatch::Waiting);
    }
    Ok(ResponderOnDispatch::NotMine)
}

/// The entry of a list read: how many alarms were shown, flagged when one was of a client with
/// a protected identity.
fn list_entry<'a>(
    w: &impl Work<'a>,
    grant: &Assignment,
    count: usize,
    protected: bool,
) -> NewAuditEntry {
    let mut entry = w
        .entry(Outcome::Success, Some(grant))
        .details(serde_json::json!({ "results": count }).to_string());
    entry.flags = AuditFlags {
        protected_identity: protected,
        ..AuditFlags::default()
    };
    entry
}

/// A system entry in an alarm's log (received, escalated, restored).
pub(crate) fn system_log(
    alarm: AlarmId,
    at: Timestamp,
    step: &str,
    note: Option<String>,
) -> AlarmLogEntry {
    AlarmLogEntry {
        id: AlarmLogId::new(),
        alarm_id: alarm,
        at,
        user_id: None,
        step: step.into(),
        note,
    }
}
