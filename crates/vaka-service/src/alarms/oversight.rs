//! Watching the alarm chain as a whole (ALM-14, ALM-15): the technical alarms of each provider
//! and the weekend and holiday checks its technical contact signs, the checks nobody signed in
//! time (the municipality is alerted), the chain's health (last message per device, receive →
//! take → arrive per alarm, a warning when alarm traffic stops altogether) and the statistics.
//!
//! Nothing here names a client: devices are shown by serial and account, alarms by type and
//! unit. The reads are audited all the same, as reads of the alarm service.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use vaka_domain::access::{Assignment, Permission, Scope, Target};
use vaka_domain::alarm::{AlarmKind, AlarmRecord, AlarmStatus, MessageRefusal};
use vaka_domain::alarm_statistics::{AlarmFacts, AlarmMonth, summarise_alarms};
use vaka_domain::audit::AuditAction;
use vaka_domain::device::DeviceStatus;
use vaka_domain::ids::{AlarmId, ClientId, OrganisationId, TechnicalCheckId, UnitId, UserId};
use vaka_domain::reason::AlarmReason;
use vaka_domain::technical::TechnicalCheck;
use vaka_store::values::to_db_precision;
use vaka_store::{AlarmAccount, AuditQuery};

use super::console::{NOTE_MAX, user_names};
use super::coverage::CoverageFacts;
use super::{ALARMS, active};
use crate::door::{Op, Work};
use crate::error::{Fault, WorkResult};
use crate::registry::stockholm;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// Who may look at technical alarms: the provider's technical contact, the alarm centre, the
/// municipality.
const WATCHERS: [Permission; 3] = [
    Permission::TechnicalCheck,
    Permission::AlarmHandle,
    Permission::AlarmOversight,
];

/// An open technical alarm, by device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenTechnical {
    pub alarm_id: AlarmId,
    pub category: String,
    pub code: String,
    pub account: Option<String>,
    pub serial: Option<String>,
    pub unit_id: Option<UnitId>,
    pub since: Timestamp,
    pub restored: bool,
}

/// A check as shown: with who signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    pub due_at: Timestamp,
    pub signed_at: Option<Timestamp>,
    pub signed_by: Option<String>,
    pub open_alarms: Option<i64>,
    pub note: Option<String>,
    pub missed_at: Option<Timestamp>,
}

/// One provider's technical alarms and checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProviderTechnical {
    pub organisation_id: OrganisationId,
    pub name: String,
    pub open: Vec<OpenTechnical>,
    /// The scheduled check whose window is open now, if any.
    pub slot_now: Option<Timestamp>,
    /// Whether that check is signed.
    pub slot_signed: bool,
    pub next_due: Option<Timestamp>,
    /// Checks of the last seven days, newest first.
    pub recent: Vec<CheckLine>,
    pub can_sign: bool,
}

/// One device as the chain-health view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceHealth {
    pub account: String,
    pub serial: String,
    pub status: DeviceStatus,
    pub unit_id: Option<UnitId>,
    pub last_seen: Option<Timestamp>,
    pub interval_s: i64,
    pub overdue: bool,
    /// The account is marked clear (unencrypted, ALM-20).
    pub clear: bool,
}

/// A message the receiver refused, as its audit entry recorded it (ALM-20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusedLine {
    pub at: Timestamp,
    pub account: String,
    pub reason: MessageRefusal,
    /// The sender's address.
    pub source: String,
}

/// Receive → take → contact → arrive → close of one alarm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmTimes {
    pub id: AlarmId,
    pub kind: AlarmKind,
    pub category: String,
    pub state: AlarmStatus,
    pub received_at: Timestamp,
    pub to_take_s: Option<i64>,
    pub to_contact_s: Option<i64>,
    pub to_arrival_s: Option<i64>,
    pub to_close_s: Option<i64>,
    pub contact_met: Option<bool>,
    pub arrival_met: Option<bool>,
}

/// A check nobody signed in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissedCheck {
    pub organisation: String,
    pub due_at: Timestamp,
    pub missed_at: Timestamp,
}

/// The chain at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHealth {
    pub now: Timestamp,
    /// The last message of any device.
    pub last_message: Option<Timestamp>,
    /// No message from any device for longer than the setting, while devices are supervised.
    pub traffic_stopped: bool,
    pub silence_limit_s: i64,
    pub devices: Vec<DeviceHealth>,
    pub overdue: usize,
    /// Alarms of the last 24 hours, newest first.
    pub recent: Vec<AlarmTimes>,
    /// Checks missed in the last 14 days, newest first.
    pub missed_checks: Vec<MissedCheck>,
    /// Messages of provisioned accounts the receiver refused in the last 24 hours (an account
    /// and reason at most once a minute), newest first.
    pub refused: Vec<RefusedLine>,
    /// Units whose clients have alarm units but no alarm centre covers (by name): their alarms
    /// go to the fallback queue.
    pub uncovered_units: Vec<String>,
    /// Clients with alarm units belong to no unit, so no alarm centre covers them.
    pub uncovered_without_unit: bool,
    /// Open alarms in the municipality's fallback queue (no centre covers the client).
    pub fallback_open: usize,
    /// The nodes that receive the alarms: this one, and in a cluster the others heard lately.
    pub nodes: Vec<crate::cluster::NodeSeen>,
}

/// Alarm statistics for the months `from..=to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlarmStatistics {
    pub from: Date,
    pub to: Date,
    pub rows: Vec<AlarmMonth>,
}

/// A refusal's audit entry as the chain-health view lists it.
fn refused_line(e: &vaka_domain::audit::AuditEntry) -> Option<RefusedLine> {
    let details: serde_json::Value = serde_json::from_str(e.new.details.as_deref()?).ok()?;
    Some(RefusedLine {
        at: e.new.at,
        account: details["account"].as_str()?.to_owned(),
        reason: MessageRefusal::from_code(details["reason"].as_str()?)?,
        source: e.new.source_ip.clone().unwrap_or_default(),
    })
}

/// Where a client is served: the provider and the unit.
type Placement = (Option<OrganisationId>, Option<UnitId>);

/// The providers that answer for active alarm devices.
fn providers(accounts: &[AlarmAccount]) -> Vec<OrganisationId> {
    let set: HashSet<OrganisationId> = accounts
        .iter()
        .filter(|a| active(a))
        .filter_map(|a| a.provider_id)
        .collect();
    let mut v: Vec<_> = set.into_iter().collect();
    v.sort();
    v
}

/// Whether the caller may see technical alarms of `provider`'s `unit`.
fn watches(ctx: &Ctx<'_>, provider: OrganisationId, unit: Option<UnitId>) -> bool {
    WATCHERS.iter().any(|p| {
        ctx.principal
            .client_grant_for(*p, Some(provider), unit)
            .is_some()
    })
}

/// The caller's assignment that signs `provider`'s checks: its technical contact (the
/// organisation's provider admin, or a unit manager of one of its units).
fn signer_for<'p>(ctx: &Ctx<'p>, provider: OrganisationId) -> Option<&'p Assignment> {
    ctx.principal.assignments.iter().find(|a| {
        a.role.has(Permission::TechnicalCheck)
            && (a.scope() == Scope::Everything || a.organisation_id == provider)
    })
}

/// The first of `permissions` the caller holds anywhere, or an audited refusal for `why`.
fn oversight_grant<'a>(
    w: &impl Work<'a>,
    permissions: &[Permission],
    why: AlarmReason,
) -> WorkResult<Assignment> {
    w.ctx()
        .and_then(|ctx| {
            permissions
                .iter()
                .find_map(|p| ctx.principal.any_grant(*p).cloned())
        })
        .ok_or_else(|| w.denied(why, None))
}

/// Records a read of the oversight view `what`.
fn viewed<'a>(w: &mut impl Work<'a>, grant: &Assignment, what: &str) {
    w.succeeded(Some(grant), |e| {
        e.details(serde_json::json!({ "view": what }).to_string())
    });
}

impl Services {
    /// The technical alarms and checks of every provider the caller watches.
    pub async fn technical_overview(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ProviderTechnical>> {
        let op = ctx.op(AuditAction::AlarmOversightRead, ALARMS);
        self.door
            .read(op, async |r| {
                let grant = oversight_grant(r, &WATCHERS, AlarmReason::MayNotSeeTechnical)?;
                let now = r.now();
                let tz = stockholm();
                let schedule = &self.config.alarms.checks;
                let accounts = r.list_alarm_accounts().await?;
                let by_device: HashMap<_, &AlarmAccount> =
                    accounts.iter().map(|a| (a.device_id, a)).collect();
                let open: Vec<AlarmRecord> = r
                    .list_open_alarms()
                    .await?
                    .into_iter()
                    .filter(|a| a.alarm.kind == AlarmKind::Technical)
                    .collect();
                let checks = r
                    .list_technical_checks(now - SignedDuration::from_hours(24 * 7), now)
                    .await?;
                let orgs: HashMap<OrganisationId, String> = r
                    .list_organisations()
                    .await?
                    .into_iter()
                    .map(|o| (o.id, o.name))
                    .collect();
                let signers: Vec<UserId> = checks.iter().filter_map(|c| c.signed_by).collect();
                let names = user_names(&mut **r, signers).await?;
                let slot_now = schedule.slot_at(now, &tz);
                let next_due = schedule.next_after(now, &tz, 14);
                let mut out = Vec::new();
                for provider in providers(&accounts) {
                    let units: Vec<Option<UnitId>> = accounts
                        .iter()
                        .filter(|a| a.provider_id == Some(provider))
                        .map(|a| a.unit_id)
                        .collect();
                    if !units.iter().any(|u| watches(ctx, provider, *u)) {
                        continue;
                    }
                    let mut items: Vec<OpenTechnical> = open
                        .iter()
                        .filter_map(|a| {
                            let acc = a.device_id.and_then(|d| by_device.get(&d))?;
                            (acc.provider_id == Some(provider)
                                && watches(ctx, provider, acc.unit_id))
                            .then(|| OpenTechnical {
                                alarm_id: a.id,
                                category: a.category.clone(),
                                code: a.code.clone(),
                                account: a.account.clone(),
                                serial: Some(acc.serial.clone()),
                                unit_id: acc.unit_id,
                                since: a.alarm.received_at,
                                restored: a.restored_at.is_some(),
                            })
                        })
                        .collect();
                    items.sort_by_key(|i| i.since);
                    let mine: Vec<&TechnicalCheck> = checks
                        .iter()
                        .filter(|c| c.organisation_id == provider)
                        .collect();
                    let slot_signed = slot_now.is_some_and(|due| {
                        mine.iter().any(|c| {
                            c.signed_at
                                .is_some_and(|s| s >= due && s < due + schedule.sign_within)
                        })
                    });
                    let mut recent: Vec<CheckLine> = mine
                        .iter()
                        .map(|c| CheckLine {
                            due_at: c.due_at,
                            signed_at: c.signed_at,
                            signed_by: c.signed_by.and_then(|u| names.get(&u).cloned()),
                            open_alarms: c.open_alarms,
                            note: c.note.clone(),
                            missed_at: c.missed_at,
                        })
                        .collect();
                    recent.reverse();
                    out.push(ProviderTechnical {
                        organisation_id: provider,
                        name: orgs.get(&provider).cloned().unwrap_or_default(),
                        open: items,
                        slot_now,
                        slot_signed,
                        next_due,
                        recent,
                        can_sign: signer_for(ctx, provider).is_some(),
                    });
                }
                out.sort_by(|a, b| a.name.cmp(&b.name));
                viewed(r, &grant, "technical");
                Ok(out)
            })
            .await
    }

    /// Signs `provider`'s technical check now: the scheduled check whose window is open, or a
    /// check outside the schedule. Records how many technical alarms were open.
    pub async fn sign_technical_check(
        &self,
        ctx: &Ctx<'_>,
        provider: OrganisationId,
        note: Option<&str>,
    ) -> ServiceResult<TechnicalCheck> {
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > NOTE_MAX) {
            return Err(ServiceError::invalid(
                "note",
                AlarmReason::NoteTooLong { max: NOTE_MAX },
            ));
        }
        let op = ctx.op(AuditAction::TechnicalCheckSigned, ALARMS);
        let check = self
            .door
            .change(op, async |w| {
                let grant = signer_for(ctx, provider).cloned().ok_or_else(|| {
                    w.denied(
                        AlarmReason::OnlyTechnicalContactSigns,
                        Some(("organisation", provider.to_string())),
                    )
                })?;
                let now = to_db_precision(w.now());
                let schedule = &self.config.alarms.checks;
                let accounts = w.list_alarm_accounts().await?;
                if !providers(&accounts).contains(&provider) {
                    return Err(Fault::not_found("provider with alarm devices"));
                }
                let devices: HashSet<_> = accounts
                    .iter()
                    .filter(|a| a.provider_id == Some(provider))
                    .map(|a| a.device_id)
                    .collect();
                let open = w
                    .list_open_alarms()
                    .await?
                    .iter()
                    .filter(|a| {
                        a.alarm.kind == AlarmKind::Technical
                            && a.device_id.is_some_and(|d| devices.contains(&d))
                    })
                    .count();
                let check = TechnicalCheck {
                    id: TechnicalCheckId::new(),
                    organisation_id: provider,
                    due_at: schedule.slot_at(now, &stockholm()).unwrap_or(now),
                    signed_at: Some(now),
                    signed_by: Some(ctx.principal.user_id),
                    open_alarms: Some(i64::try_from(open).unwrap_or(i64::MAX)),
                    note: note.map(str::to_owned),
                    missed_at: None,
                };
                if !w.insert_technical_check(&check).await? {
                    return Err(Fault::conflict(AlarmReason::CheckAlreadySigned));
                }
                w.succeeded(Some(&grant), |e| {
                    e.subject("organisation", provider)
                        .details(serde_json::json!({ "open_alarms": open }).to_string())
                });
                Ok(check)
            })
            .await?;
        self.alarms_changed();
        Ok(check)
    }

    /// Records the scheduled checks of yesterday and today that nobody signed in time. Each
    /// miss is recorded once; it shows on the municipality's chain-health view.
    pub async fn record_missed_checks(&self) -> ServiceResult<usize> {
        let now = to_db_precision(self.now());
        let tz = stockholm();
        let schedule = &self.config.alarms.checks;
        let today = now.to_zoned(tz.clone()).date();
        let yesterday = today.yesterday().unwrap_or(today);
        let from = yesterday
            .to_zoned(tz.clone())
            .map_or(now, |z| z.timestamp());
        let op = Op::system(AuditAction::TechnicalCheckSigned, ALARMS);
        let (accounts, checks) = self
            .door
            .read(op, async |r| {
                let accounts = r.list_alarm_accounts().await?;
                let checks = r
                    .list_technical_checks(from, now + SignedDuration::from_hours(1))
                    .await?;
                Ok((accounts, checks))
            })
            .await?;
        let mut missed = Vec::new();
        for provider in providers(&accounts) {
            let mine: Vec<&TechnicalCheck> = checks
                .iter()
                .filter(|c| c.organisation_id == provider)
                .collect();
            let signed: Vec<Timestamp> = mine.iter().filter_map(|c| c.signed_at).collect();
            for due in schedule.missed(yesterday, today, &signed, now, &tz) {
                if !mine.iter().any(|c| c.due_at == due) {
                    missed.push(TechnicalCheck {
                        id: TechnicalCheckId::new(),
                        organisation_id: provider,
                        due_at: due,
                        signed_at: None,
                        signed_by: None,
                        open_alarms: None,
                        note: None,
                        missed_at: Some(now),
                    });
                }
            }
        }
        if missed.is_empty() {
            return Ok(0);
        }
        let n = self
            .door
            .change(op, async |w| {
                let mut n = 0;
                for m in &missed {
                    if w.insert_technical_check(m).await? {
                        tracing::warn!(organisation = %m.organisation_id, due = %m.due_at, "technical check not signed in time");
                        n += 1;
                    }
                }
                Ok(n)
            })
            .await?;
        if n > 0 {
            self.alarms_changed();
        }
        Ok(n)
    }

    /// The chain at a glance, for the alarm centre and the municipality.
    pub async fn chain_health(&self, ctx: &Ctx<'_>) -> ServiceResult<ChainHealth> {
        let op = ctx.op(AuditAction::AlarmOversightRead, ALARMS);
        self.door
            .read(op, async |r| {
                let grant = oversight_grant(
                    r,
                    &[Permission::AlarmOversight, Permission::AlarmHandle],
                    AlarmReason::MayNotSeeChainHealth,
                )?;
                let now = r.now();
                let accounts = r.list_alarm_accounts().await?;
                let latest = r.latest_message_at().await?;
                let alarms = r
                    .list_alarms_between(now - SignedDuration::from_hours(24), now)
                    .await?;
                let checks = r
                    .list_technical_checks(now - SignedDuration::from_hours(24 * 14), now)
                    .await?;
                let orgs: HashMap<OrganisationId, String> = r
                    .list_organisations()
                    .await?
                    .into_iter()
                    .map(|o| (o.id, o.name))
                    .collect();
                let refused = r
                    .search_audit(&AuditQuery {
                        action: Some(AuditAction::AlarmMessageRefused),
                        from: Some(now - SignedDuration::from_hours(24)),
                        limit: 50,
                        ..AuditQuery::default()
                    })
                    .await?;
                let mut health = self.health(now, &accounts, latest, &alarms, &checks, &orgs);
                health.refused = refused.iter().filter_map(refused_line).collect();
                health.refused.sort_by_key(|l| std::cmp::Reverse(l.at));
                // No alarm unseen: the gaps in coverage, and the alarms they sent to the
                // fallback queue.
                let facts = CoverageFacts::read(&mut **r).await?;
                for gap in facts.gaps() {
                    match gap {
                        Some(u) => health.uncovered_units.push(
                            facts
                                .units
                                .iter()
                                .find(|x| x.id == u)
                                .map_or_else(|| u.to_string(), |x| x.name.clone()),
                        ),
                        None => health.uncovered_without_unit = true,
                    }
                }
                health.uncovered_units.sort();
                let coverage = facts.coverage();
                for a in r.list_open_alarms().await? {
                    let client = match a.client_id {
                        Some(c) => r.get_client_summary(c).await?,
                        None => None,
                    };
                    if Self::falls_back(&a, client.as_ref(), &coverage) {
                        health.fallback_open += 1;
                    }
                }
                health.nodes = self.cluster_nodes();
                viewed(r, &grant, "health");
                Ok(health)
            })
            .await
    }

    /// The chain-health view of what was read.
    fn health(
        &self,
        now: Timestamp,
        accounts: &[AlarmAccount],
        latest: Option<Timestamp>,
        alarms: &[AlarmRecord],
        checks: &[TechnicalCheck],
        orgs: &HashMap<OrganisationId, String>,
    ) -> ChainHealth {
        let settings = &self.config.alarms;
        let mut devices: Vec<DeviceHealth> = accounts
            .iter()
            .filter(|a| active(a))
            .map(|a| {
                let interval = a
                    .heartbeat_seconds
                    .map_or(settings.default_heartbeat, SignedDuration::from_secs);
                let rule = vaka_domain::technical::HeartbeatRule::new(interval);
                DeviceHealth {
                    account: a.account.clone(),
                    serial: a.serial.clone(),
                    status: a.status,
                    unit_id: a.unit_id,
                    last_seen: a.last_seen_at,
                    interval_s: interval.as_secs(),
                    // Supervision starts when the device is activated.
                    overdue: a.status == DeviceStatus::Active
                        && a.last_seen_at.is_none_or(|l| rule.missed(l, now)),
                    clear: a.clear && a.key.is_none(),
                }
            })
            .collect();
        // The silent ones first, then the longest silent.
        devices.sort_by_key(|d| (!d.overdue, d.last_seen, d.account.clone()));
        let last_message = devices
            .iter()
            .filter_map(|d| d.last_seen)
            .chain(latest)
            .max();
        let traffic_stopped = devices.iter().any(|d| d.status == DeviceStatus::Active)
            && last_message.is_none_or(|l| now.duration_since(l) > settings.silence_warning);
        let targets = settings.targets;
        let secs =
            |t: Option<Timestamp>, from: Timestamp| t.map(|t| t.duration_since(from).as_secs());
        let mut recent: Vec<AlarmTimes> = alarms
            .iter()
            .map(|a| {
                let al = &a.alarm;
                let sla = al.sla(&targets);
                AlarmTimes {
                    id: a.id,
                    kind: al.kind,
                    category: a.category.clone(),
                    state: al.state.status(),
                    received_at: al.received_at,
                    to_take_s: secs(al.taken_at, al.received_at),
                    to_contact_s: secs(al.contacted_at, al.received_at),
                    to_arrival_s: secs(al.arrived_at, al.received_at),
                    to_close_s: secs(al.closed_at, al.received_at),
                    contact_met: sla.contact_met(),
                    arrival_met: sla.arrival_met(),
                }
            })
            .collect();
        recent.reverse();
        let mut missed_checks: Vec<MissedCheck> = checks
            .iter()
            .filter_map(|c| {
                Some(MissedCheck {
                    organisation: orgs.get(&c.organisation_id).cloned().unwrap_or_default(),
                    due_at: c.due_at,
                    missed_at: c.missed_at?,
                })
            })
            .collect();
        missed_checks.reverse();
        ChainHealth {
            now,
            last_message,
            traffic_stopped,
            silence_limit_s: settings.silence_warning.as_secs(),
            overdue: devices.iter().filter(|d| d.overdue).count(),
            devices,
            recent,
            missed_checks,
            refused: Vec::new(),
            uncovered_units: Vec::new(),
            uncovered_without_unit: false,
            fallback_open: 0,
            nodes: Vec::new(),
        }
    }

    /// Alarm statistics per unit and month for the units in the caller's reach: alarms per
    /// type, SLA attainment, technical alarms open and their time to fix; tests excluded.
    pub async fn alarm_statistics(
        &self,
        ctx: &Ctx<'_>,
        from: Date,
        to: Date,
    ) -> ServiceResult<AlarmStatistics> {
        let (from, to) = crate::supervision::statistics::report_months(from, to)?;
        let op = ctx.op(AuditAction::StatisticsRead, ALARMS);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(Permission::StatisticsRead, AlarmReason::MayNotReadStatistics)?;
                let reach = ctx.principal.reach(Permission::StatisticsRead);
                let tz = stockholm();
                let start = |d: Date| {
                    d.to_zoned(tz.clone())
                        .map_or(Timestamp::UNIX_EPOCH, |z| z.timestamp())
                };
                let end_day = to.last_of_month().tomorrow().unwrap_or(to);
                let alarms = r.list_alarms_between(start(from), start(end_day)).await?;
                let mut clients: BTreeMap<ClientId, Option<Placement>> = BTreeMap::new();
                for c in alarms.iter().filter_map(|a| a.client_id) {
                    if let std::collections::btree_map::Entry::Vacant(e) = clients.entry(c) {
                        e.insert(
                            r.get_client_summary(c)
                                .await?
                                .map(|s| (s.provider_id, s.unit_id)),
                        );
                    }
                }
                let facts: Vec<AlarmFacts<'_>> = alarms
                    .iter()
                    .filter_map(|a| {
                        let (provider, unit) = a
                            .client_id
                            .and_then(|c| clients.get(&c).copied().flatten())
                            .unwrap_or((None, None));
                        let visible = reach.everything
                            || provider.is_some_and(|p| {
                                reach.covers(Target {
                                    organisation: p,
                                    units: unit.as_slice(),
                                })
                            });
                        visible.then_some(AlarmFacts { alarm: a, unit })
                    })
                    .collect();
                let rows = summarise_alarms(&facts, &self.config.alarms.targets, &tz);
                r.succeeded(Some(&grant), |e| {
                    e.details(
                        serde_json::json!({ "report": "alarms", "from": from.to_string(), "to": to.to_string() })
                            .to_string(),
                    )
                });
                Ok(AlarmStatistics { from, to, rows })
            })
            .await
    }
}
