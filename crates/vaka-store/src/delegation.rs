//! The storage contract of delegated health-care tasks (`vaka_domain::delegation`): licences,
//! the municipality's task types, delegations with their named clients and events,
//! prescriptions, signings, deviations, each unit's escalation ladder and the calls made for
//! missed occasions.
//!
//! The reads a unit's signing list needs are one statement each (the prescriptions running on
//! a day for the unit's clients; the signings of the unit's clients on that day), and the
//! missed-signing scan reads every prescription running on a day and the keys of the occasions
//! signed that day, so that neither grows with the number of clients in round trips.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use uuid::Uuid;
use vaka_domain::client::Protection;
use vaka_domain::delegation::signing::SignedTarget;
use vaka_domain::delegation::{
    CompetenceCheck, CompetenceMethod, Delegation, DelegationEvent, DelegationTerms, Deviation,
    DeviationState, EscalationLadder, Licence, LicenceNumber, NotGivenReason, OccasionKey, Party,
    Prescription, PrescriptionTerms, Profession, RevocationReason, Scope, Signing, SigningDraft,
    SigningOutcome, SigningWindow, TaskType, TaskTypeCode, Validity,
};
use vaka_domain::ids::{
    ClientId, DelegationId, DeviationId, PrescriptionId, SigningId, UnitId, UserId,
};

use crate::homecare::time_to_text;
use crate::{DbDate, DbInstant, StoreError, StoreResult};

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(what.to_string())
}

fn code<T>(parsed: Option<T>, what: &str, raw: &str) -> StoreResult<T> {
    parsed.ok_or_else(|| corrupt(format!("unknown {what} {raw:?}")))
}

/// A local time as stored (`HH:MM`). The missed-signing scan reads one per signed occasion of
/// a day (100,000 and more), so the stored shape is read directly before the general parser.
fn time_from_text(s: &str) -> StoreResult<Time> {
    if let [h1, h2, b':', m1, m2] = *s.as_bytes() {
        let digit = |b: u8| {
            b.is_ascii_digit()
                .then(|| i8::try_from(b - b'0').ok())
                .flatten()
        };
        if let (Some(h1), Some(h2), Some(m1), Some(m2)) =
            (digit(h1), digit(h2), digit(m1), digit(m2))
            && let Ok(t) = Time::new(h1 * 10 + h2, m1 * 10 + m2, 0, 0)
        {
            return Ok(t);
        }
    }
    s.parse::<Time>()
        .map_err(|e| corrupt(format!("time {s:?}: {e}")))
}

fn task_code(raw: &str) -> StoreResult<TaskTypeCode> {
    TaskTypeCode::parse(raw).map_err(|_| corrupt(format!("task type code {raw:?}")))
}

/// Codes as stored in one column: comma-separated.
pub fn codes_to_text<'a>(codes: impl IntoIterator<Item = &'a str>) -> String {
    codes.into_iter().collect::<Vec<_>>().join(",")
}

fn codes_from_text<T>(
    raw: &str,
    what: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> StoreResult<Vec<T>> {
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| code(parse(s), what, s))
        .collect()
}

/// A prescription's times as stored: `08:00,20:00` (empty for as-needed).
pub fn times_to_text(times: &[Time]) -> String {
    times
        .iter()
        .map(|t| time_to_text(*t))
        .collect::<Vec<_>>()
        .join(",")
}

/// An escalation ladder as stored: its JSON.
pub fn ladder_to_json(l: &EscalationLadder) -> StoreResult<String> {
    serde_json::to_string(l).map_err(|e| StoreError::caused("escalation ladder as JSON", e))
}

fn ladder_from_json(raw: &str) -> StoreResult<EscalationLadder> {
    serde_json::from_str(raw).map_err(|e| corrupt(format!("escalation ladder: {e}")))
}

/// The local day an as-needed signing is stored under: the day it was signed (never later
/// than its receipt), in Europe/Stockholm.
pub fn as_needed_day(s: &Signing) -> Date {
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC);
    s.signed_at.min(s.received_at).to_zoned(tz).date()
}

/// A user's licence as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceRecord {
    pub user_id: UserId,
    pub licence: Licence,
    pub set_at: Timestamp,
}

/// A prescription running on a day, with what the missed-signing scan needs of its client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivePrescription {
    pub prescription: Prescription,
    /// The client's unit (whose ladder and managers are called), if the client has one.
    pub unit_id: Option<UnitId>,
    /// Whether the client's identity is protected (the audit entries about it are flagged).
    pub protected: bool,
}

/// A call made for a missed occasion: `user` was called at step `step` of the unit's ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationCall {
    pub key: OccasionKey,
    pub user: UserId,
    pub step: u32,
    pub called_at: Timestamp,
}

/// Reads of delegated tasks.
#[async_trait]
pub trait DelegationRead: Send {
    async fn get_licence(&mut self, user: UserId) -> StoreResult<Option<Licence>>;

    /// Every licence, by user.
    async fn list_licences(&mut self) -> StoreResult<Vec<LicenceRecord>>;

    /// The municipality's task types (retired ones too), by code.
    async fn list_task_types(&mut self) -> StoreResult<Vec<TaskType>>;

    /// A delegation with its named clients (in id order) and its events (in the order
    /// recorded).
    async fn get_delegation(&mut self, id: DelegationId) -> StoreResult<Option<Delegation>>;

    /// Every delegation `user` is a party of (either side), newest decision first.
    async fn list_delegations_of_user(&mut self, user: UserId) -> StoreResult<Vec<Delegation>>;

    /// A unit's delegations whose last day is `on` or later (its register at `on`: what is
    /// over before is left out), by last day.
    async fn list_delegations_for_unit(
        &mut self,
        unit: UnitId,
        on: Date,
    ) -> StoreResult<Vec<Delegation>>;

    /// The delegations of `task` to `recipient` whose days include `on` (for a signing: the
    /// day it was made). Whether each is valid at the instant is the domain's
    /// (`Delegation::status`).
    async fn list_delegations_for_task(
        &mut self,
        recipient: UserId,
        task: &TaskTypeCode,
        on: Date,
    ) -> StoreResult<Vec<Delegation>>;

    /// Delegations of a period whose last day is `from..=to` (renewal reminders, the report of
    /// what expires), by last day. One-occasion delegations are left out.
    async fn list_delegations_expiring(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Delegation>>;

    /// As [`list_delegations_expiring`](Self::list_delegations_expiring), those whose renewal
    /// reminder was not sent yet.
    async fn list_delegations_to_remind(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Delegation>>;

    async fn get_prescription(&mut self, id: PrescriptionId) -> StoreResult<Option<Prescription>>;

    /// A client's prescriptions, ended ones too, newest start first.
    async fn list_prescriptions_for_client(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Vec<Prescription>>;

    /// The prescriptions running on `day` for the clients of `unit` (one statement: a unit's
    /// signing list).
    async fn list_prescriptions_for_unit_on(
        &mut self,
        unit: UnitId,
        day: Date,
    ) -> StoreResult<Vec<Prescription>>;

    /// The prescriptions of `unit`'s clients running on any day of `from..=to` (a unit's week
    /// for the report of missed and late signings).
    async fn list_prescriptions_for_unit_between(
        &mut self,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Prescription>>;

    /// Every prescription running on `day`, with its client's unit and protection (the
    /// missed-signing scan: one statement for the whole municipality).
    async fn list_prescriptions_active_on(
        &mut self,
        day: Date,
    ) -> StoreResult<Vec<ActivePrescription>>;

    async fn get_signing(&mut self, id: SigningId) -> StoreResult<Option<Signing>>;

    /// The signing of a scheduled occasion, if it was signed.
    async fn find_occasion_signing(&mut self, key: &OccasionKey) -> StoreResult<Option<Signing>>;

    /// A client's signings dated `from..=to` (an as-needed signing is dated the local day it
    /// was signed), by date and the instant signed.
    async fn list_signings_for_client(
        &mut self,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Signing>>;

    /// The signings of `unit`'s clients dated `day` (one statement: a unit's signing list).
    async fn list_signings_for_unit_on(
        &mut self,
        unit: UnitId,
        day: Date,
    ) -> StoreResult<Vec<Signing>>;

    /// The signings of `unit`'s clients dated `from..=to`, by date and the instant signed.
    async fn list_signings_for_unit_between(
        &mut self,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Signing>>;

    /// The keys of the scheduled occasions of `day` that were signed (the missed-signing scan).
    async fn list_signed_occasions_on(&mut self, day: Date) -> StoreResult<Vec<OccasionKey>>;

    async fn get_deviation(&mut self, id: DeviationId) -> StoreResult<Option<Deviation>>;

    /// The open deviations of `unit`'s clients, oldest first.
    async fn list_open_deviations_for_unit(&mut self, unit: UnitId) -> StoreResult<Vec<Deviation>>;

    /// The open deviations assigned to `user`, oldest first.
    async fn list_open_deviations_for_user(&mut self, user: UserId) -> StoreResult<Vec<Deviation>>;

    /// A unit's ladder, if one was set (else the domain's default holds).
    async fn get_escalation_ladder(
        &mut self,
        unit: UnitId,
    ) -> StoreResult<Option<EscalationLadder>>;

    /// The calls made for occasions dated `from..=to`, by occasion then step.
    async fn list_escalation_calls(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<EscalationCall>>;
}

/// Changes to delegated tasks.
#[async_trait]
pub trait DelegationWrite: Send {
    /// Sets (`Some`) or removes (`None`) a user's licence.
    async fn set_licence(
        &mut self,
        user: UserId,
        licence: Option<&Licence>,
        at: DbInstant,
    ) -> StoreResult<()>;

    /// Adds a task type, or replaces the one with its code.
    async fn upsert_task_type(&mut self, t: &TaskType) -> StoreResult<()>;

    /// Stores a delegation with its named clients and any events it holds.
    async fn insert_delegation(&mut self, d: &Delegation) -> StoreResult<()>;

    /// Records a party's signature; `false` (nothing written) when that party had signed.
    async fn sign_delegation(
        &mut self,
        id: DelegationId,
        party: Party,
        at: DbInstant,
    ) -> StoreResult<bool>;

    /// Records that the renewal reminder was sent; `false` when it already was.
    async fn mark_delegation_reminded(
        &mut self,
        id: DelegationId,
        at: DbInstant,
    ) -> StoreResult<bool>;

    /// Records an event. A second revocation or use of a delegation, or a second leave of a
    /// party from the same day, is a `Conflict`.
    async fn insert_delegation_event(
        &mut self,
        id: DelegationId,
        e: &DelegationEvent,
    ) -> StoreResult<()>;

    /// Sets the last day of a party's leave that began on `from`; `false` when there is no
    /// such leave.
    async fn end_delegation_leave(
        &mut self,
        id: DelegationId,
        party: Party,
        from: DbDate,
        to: DbDate,
    ) -> StoreResult<bool>;

    async fn insert_prescription(&mut self, p: &Prescription) -> StoreResult<()>;

    /// Ends a prescription early: `on` is its last day.
    async fn end_prescription(&mut self, id: PrescriptionId, on: DbDate) -> StoreResult<()>;

    /// Stores a signing under its id. `false` when a signing with this id is already stored
    /// (nothing written: the caller reads it with [`DelegationRead::get_signing`] and answers
    /// with it). Another signing of an occasion already signed is a `Conflict`.
    async fn insert_signing(&mut self, s: &Signing) -> StoreResult<bool>;

    /// Notes the effect of an as-needed signing; `false` when it was already noted.
    async fn note_signing_effect(
        &mut self,
        id: SigningId,
        note: &str,
        at: DbInstant,
    ) -> StoreResult<bool>;

    /// Stores a deviation (one per signing: a second is a `Conflict`).
    async fn insert_deviation(&mut self, d: &Deviation) -> StoreResult<()>;

    /// Closes an open deviation; `false` when it was already closed.
    async fn close_deviation(
        &mut self,
        id: DeviationId,
        by: UserId,
        at: DbInstant,
        note: &str,
    ) -> StoreResult<bool>;

    /// Sets a unit's escalation ladder (replacing the one before).
    async fn set_escalation_ladder(
        &mut self,
        unit: UnitId,
        ladder: &EscalationLadder,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()>;

    /// Records a call for a missed occasion; `false` when that person was already called for
    /// it (nothing written), so that two scans never call twice.
    async fn insert_escalation_call(&mut self, c: &EscalationCall) -> StoreResult<bool>;
}

#[derive(Debug)]
pub struct LicenceRow {
    pub user_id: Uuid,
    pub profession: String,
    pub licence_number: String,
    pub set_at: DbInstant,
}

impl TryFrom<LicenceRow> for LicenceRecord {
    type Error = StoreError;
    fn try_from(r: LicenceRow) -> StoreResult<Self> {
        Ok(LicenceRecord {
            user_id: UserId(r.user_id),
            licence: Licence {
                profession: code(
                    Profession::from_code(&r.profession),
                    "profession",
                    &r.profession,
                )?,
                number: LicenceNumber::parse(&r.licence_number)
                    .map_err(|_| corrupt("licence number"))?,
            },
            set_at: r.set_at.0,
        })
    }
}

#[derive(Debug)]
pub struct TaskTypeRow {
    pub code: String,
    pub name: String,
    pub prescribers: String,
    pub medication: bool,
    pub retired: bool,
}

impl TryFrom<TaskTypeRow> for TaskType {
    type Error = StoreError;
    fn try_from(r: TaskTypeRow) -> StoreResult<Self> {
        Ok(TaskType {
            code: task_code(&r.code)?,
            name: r.name,
            prescribers: codes_from_text(&r.prescribers, "profession", Profession::from_code)?,
            medication: r.medication,
            retired: r.retired,
        })
    }
}

/// A delegation's own row; its clients and events are read beside it and joined by
/// [`assemble_delegations`].
#[derive(Debug)]
pub struct DelegationRow {
    pub id: Uuid,
    pub task_type: String,
    pub delegator: Uuid,
    pub recipient: Uuid,
    pub unit_id: Uuid,
    pub whole_unit: bool,
    pub validity: String,
    pub valid_from: DbDate,
    pub valid_to: DbDate,
    pub competence_methods: Option<String>,
    pub competence_checked_on: Option<DbDate>,
    pub competence_note: Option<String>,
    pub decided_at: DbInstant,
    pub delegator_signed_at: Option<DbInstant>,
    pub recipient_signed_at: Option<DbInstant>,
}

#[derive(Debug)]
pub struct DelegationClientRow {
    pub delegation_id: Uuid,
    pub client_id: Uuid,
}

#[derive(Debug)]
pub struct DelegationEventRow {
    pub delegation_id: Uuid,
    pub kind: String,
    pub at: Option<DbInstant>,
    pub party: Option<String>,
    pub by_user: Option<Uuid>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub leave_from: Option<DbDate>,
    pub leave_to: Option<DbDate>,
}

/// The validity as stored: its kind and its first and last day.
pub fn validity_parts(v: Validity) -> (&'static str, DbDate, DbDate) {
    match v {
        Validity::Period { from, to } => ("period", DbDate(from), DbDate(to)),
        Validity::OneOccasion { on } => ("one_occasion", DbDate(on), DbDate(on)),
    }
}

/// An event as its columns: kind, at, party, by, reason, note, leave from, leave to.
pub struct EventParts {
    pub kind: &'static str,
    pub at: Option<DbInstant>,
    pub party: Option<&'static str>,
    pub by_user: Option<Uuid>,
    pub reason: Option<&'static str>,
    pub note: Option<String>,
    pub leave_from: Option<DbDate>,
    pub leave_to: Option<DbDate>,
}

impl EventParts {
    pub fn of(e: &DelegationEvent) -> Self {
        let none = EventParts {
            kind: "",
            at: None,
            party: None,
            by_user: None,
            reason: None,
            note: None,
            leave_from: None,
            leave_to: None,
        };
        match e {
            DelegationEvent::Revoked {
                at,
                by,
                reason,
                note,
            } => EventParts {
                kind: "revoked",
                at: Some(DbInstant::new(*at)),
                by_user: Some(by.0),
                reason: Some(reason.code()),
                note: note.clone(),
                ..none
            },
            DelegationEvent::Left { party, at } => EventParts {
                kind: "left",
                at: Some(DbInstant::new(*at)),
                party: Some(party.code()),
                ..none
            },
            DelegationEvent::ChangedUnit { party, at } => EventParts {
                kind: "changed_unit",
                at: Some(DbInstant::new(*at)),
                party: Some(party.code()),
                ..none
            },
            DelegationEvent::Leave { party, from, to } => EventParts {
                kind: "leave",
                party: Some(party.code()),
                leave_from: Some(DbDate(*from)),
                leave_to: to.map(DbDate),
                ..none
            },
            DelegationEvent::OccasionUsed { at } => EventParts {
                kind: "occasion_used",
                at: Some(DbInstant::new(*at)),
                ..none
            },
        }
    }
}

impl TryFrom<DelegationEventRow> for DelegationEvent {
    type Error = StoreError;
    fn try_from(r: DelegationEventRow) -> StoreResult<Self> {
        let missing = |what: &str| corrupt(format!("a {} event without its {what}", r.kind));
        let at = || r.at.map(|a| a.0).ok_or_else(|| missing("instant"));
        let party = || {
            let raw = r.party.as_deref().ok_or_else(|| missing("party"))?;
            code(Party::from_code(raw), "party", raw)
        };
        Ok(match r.kind.as_str() {
            "revoked" => {
                let raw = r.reason.as_deref().ok_or_else(|| missing("reason"))?;
                DelegationEvent::Revoked {
                    at: at()?,
                    by: UserId(r.by_user.ok_or_else(|| missing("revoker"))?),
                    reason: code(RevocationReason::from_code(raw), "revocation reason", raw)?,
                    note: r.note.clone(),
                }
            }
            "left" => DelegationEvent::Left {
                party: party()?,
                at: at()?,
            },
            "changed_unit" => DelegationEvent::ChangedUnit {
                party: party()?,
                at: at()?,
            },
            "leave" => DelegationEvent::Leave {
                party: party()?,
                from: r.leave_from.ok_or_else(|| missing("first day"))?.0,
                to: r.leave_to.map(|d| d.0),
            },
            "occasion_used" => DelegationEvent::OccasionUsed { at: at()? },
            other => return Err(corrupt(format!("unknown delegation event {other:?}"))),
        })
    }
}

fn delegation_of(
    r: DelegationRow,
    clients: Vec<ClientId>,
    events: Vec<DelegationEvent>,
) -> StoreResult<Delegation> {
    let validity = match r.validity.as_str() {
        "period" => Validity::Period {
            from: r.valid_from.0,
            to: r.valid_to.0,
        },
        "one_occasion" => Validity::OneOccasion { on: r.valid_from.0 },
        other => return Err(corrupt(format!("unknown validity {other:?}"))),
    };
    let competence = match (r.competence_methods, r.competence_checked_on) {
        (Some(methods), Some(on)) => Some(CompetenceCheck {
            methods: codes_from_text(&methods, "competence method", CompetenceMethod::from_code)?,
            checked_on: on.0,
            note: r.competence_note,
        }),
        (None, None) => None,
        _ => return Err(corrupt("a competence check without its methods or day")),
    };
    Ok(Delegation {
        id: DelegationId(r.id),
        terms: DelegationTerms {
            task_type: task_code(&r.task_type)?,
            delegator: UserId(r.delegator),
            recipient: UserId(r.recipient),
            unit_id: UnitId(r.unit_id),
            scope: if r.whole_unit {
                Scope::WholeUnit
            } else {
                Scope::Clients(clients)
            },
            validity,
            competence,
        },
        decided_at: r.decided_at.0,
        delegator_signed_at: r.delegator_signed_at.map(|a| a.0),
        recipient_signed_at: r.recipient_signed_at.map(|a| a.0),
        events,
    })
}

/// Joins delegation rows with their clients and events (each list in any order of
/// delegations; events in the order recorded), keeping the order of `rows`.
pub fn assemble_delegations(
    rows: Vec<DelegationRow>,
    clients: Vec<DelegationClientRow>,
    events: Vec<DelegationEventRow>,
) -> StoreResult<Vec<Delegation>> {
    use std::collections::HashMap;
    let mut by_id: HashMap<Uuid, (Vec<ClientId>, Vec<DelegationEvent>)> = HashMap::new();
    for c in clients {
        by_id
            .entry(c.delegation_id)
            .or_default()
            .0
            .push(ClientId(c.client_id));
    }
    for e in events {
        let id = e.delegation_id;
        by_id
            .entry(id)
            .or_default()
            .1
            .push(DelegationEvent::try_from(e)?);
    }
    rows.into_iter()
        .map(|r| {
            let (mut clients, events) = by_id.remove(&r.id).unwrap_or_default();
            clients.sort();
            delegation_of(r, clients, events)
        })
        .collect()
}

#[derive(Debug)]
pub struct PrescriptionRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub prescribed_by: Uuid,
    pub task_type: String,
    pub instruction: String,
    pub times: String,
    pub as_needed: bool,
    pub start_on: DbDate,
    pub end_on: Option<DbDate>,
    pub window_before: i64,
    pub window_after: i64,
    pub created_at: DbInstant,
    pub ended_on: Option<DbDate>,
}

impl TryFrom<PrescriptionRow> for Prescription {
    type Error = StoreError;
    fn try_from(r: PrescriptionRow) -> StoreResult<Self> {
        let minutes = |m: i64| u32::try_from(m).map_err(|_| corrupt("window minutes"));
        Ok(Prescription {
            id: PrescriptionId(r.id),
            client_id: ClientId(r.client_id),
            prescribed_by: UserId(r.prescribed_by),
            terms: PrescriptionTerms {
                task_type: task_code(&r.task_type)?,
                instruction: r.instruction,
                times: r
                    .times
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(time_from_text)
                    .collect::<StoreResult<_>>()?,
                as_needed: r.as_needed,
                start: r.start_on.0,
                end: r.end_on.map(|d| d.0),
                window: SigningWindow {
                    before_minutes: minutes(r.window_before)?,
                    after_minutes: minutes(r.window_after)?,
                },
            },
            created_at: r.created_at.0,
            ended_on: r.ended_on.map(|d| d.0),
        })
    }
}

/// A prescription's row with its client's unit and protection code.
#[derive(Debug)]
pub struct ActivePrescriptionRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub prescribed_by: Uuid,
    pub task_type: String,
    pub instruction: String,
    pub times: String,
    pub as_needed: bool,
    pub start_on: DbDate,
    pub end_on: Option<DbDate>,
    pub window_before: i64,
    pub window_after: i64,
    pub created_at: DbInstant,
    pub ended_on: Option<DbDate>,
    pub unit_id: Option<Uuid>,
    pub protection: String,
}

impl TryFrom<ActivePrescriptionRow> for ActivePrescription {
    type Error = StoreError;
    fn try_from(r: ActivePrescriptionRow) -> StoreResult<Self> {
        let protection = code(
            Protection::from_code(&r.protection),
            "protection",
            &r.protection,
        )?;
        Ok(ActivePrescription {
            unit_id: r.unit_id.map(UnitId),
            protected: protection.is_protected(),
            prescription: Prescription::try_from(PrescriptionRow {
                id: r.id,
                client_id: r.client_id,
                prescribed_by: r.prescribed_by,
                task_type: r.task_type,
                instruction: r.instruction,
                times: r.times,
                as_needed: r.as_needed,
                start_on: r.start_on,
                end_on: r.end_on,
                window_before: r.window_before,
                window_after: r.window_after,
                created_at: r.created_at,
                ended_on: r.ended_on,
            })?,
        })
    }
}

#[derive(Debug)]
pub struct SigningRow {
    pub id: Uuid,
    pub prescription_id: Uuid,
    pub client_id: Uuid,
    pub occasion_date: DbDate,
    pub occasion_time: Option<String>,
    pub signer: Uuid,
    pub delegation_id: Uuid,
    pub draft_outcome: String,
    pub outcome: String,
    pub not_given_reason: Option<String>,
    pub note: Option<String>,
    pub late: bool,
    pub flagged: bool,
    pub signed_at: DbInstant,
    pub received_at: DbInstant,
    pub effect_note: Option<String>,
    pub effect_noted_at: Option<DbInstant>,
}

/// A signing's target as stored: the prescription, the date (an as-needed signing's is the
/// local day it was signed) and the time (none for as-needed).
pub fn target_parts(s: &Signing) -> (PrescriptionId, DbDate, Option<String>) {
    match s.target {
        SignedTarget::Occasion(k) => (
            k.prescription_id,
            DbDate(k.date),
            Some(time_to_text(k.time)),
        ),
        SignedTarget::AsNeeded(p) => (p, DbDate(as_needed_day(s)), None),
    }
}

fn outcome(raw: &str) -> StoreResult<SigningOutcome> {
    code(SigningOutcome::from_code(raw), "signing outcome", raw)
}

impl TryFrom<SigningRow> for Signing {
    type Error = StoreError;
    fn try_from(r: SigningRow) -> StoreResult<Self> {
        let prescription_id = PrescriptionId(r.prescription_id);
        let target = match r.occasion_time.as_deref() {
            Some(t) => SignedTarget::Occasion(OccasionKey {
                prescription_id,
                date: r.occasion_date.0,
                time: time_from_text(t)?,
            }),
            None => SignedTarget::AsNeeded(prescription_id),
        };
        Ok(Signing {
            id: SigningId(r.id),
            target,
            client_id: ClientId(r.client_id),
            signer: UserId(r.signer),
            delegation_id: DelegationId(r.delegation_id),
            draft: SigningDraft {
                outcome: outcome(&r.draft_outcome)?,
                not_given_reason: r
                    .not_given_reason
                    .as_deref()
                    .map(|raw| code(NotGivenReason::from_code(raw), "not-given reason", raw))
                    .transpose()?,
                note: r.note,
            },
            outcome: outcome(&r.outcome)?,
            late: r.late,
            flagged: r.flagged,
            signed_at: r.signed_at.0,
            received_at: r.received_at.0,
            effect_note: r.effect_note,
            effect_noted_at: r.effect_noted_at.map(|a| a.0),
        })
    }
}

/// A signed occasion of a known day: its prescription and time (the day is the query's).
#[derive(Debug)]
pub struct SignedTimeRow {
    pub prescription_id: Uuid,
    pub occasion_time: String,
}

impl SignedTimeRow {
    pub fn key_on(self, date: Date) -> StoreResult<OccasionKey> {
        Ok(OccasionKey {
            prescription_id: PrescriptionId(self.prescription_id),
            date,
            time: time_from_text(&self.occasion_time)?,
        })
    }
}

#[derive(Debug)]
pub struct DeviationRow {
    pub id: Uuid,
    pub signing_id: Uuid,
    pub client_id: Uuid,
    pub prescription_id: Uuid,
    pub outcome: String,
    pub assigned_to: Uuid,
    pub opened_at: DbInstant,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<DbInstant>,
    pub close_note: Option<String>,
}

impl TryFrom<DeviationRow> for Deviation {
    type Error = StoreError;
    fn try_from(r: DeviationRow) -> StoreResult<Self> {
        let state = match (r.closed_by, r.closed_at, r.close_note) {
            (None, None, None) => DeviationState::Open,
            (Some(by), Some(at), Some(note)) => DeviationState::Closed {
                by: UserId(by),
                at: at.0,
                note,
            },
            _ => {
                return Err(corrupt(
                    "a closed deviation without its closer, time or note",
                ));
            }
        };
        Ok(Deviation {
            id: DeviationId(r.id),
            signing_id: SigningId(r.signing_id),
            client_id: ClientId(r.client_id),
            prescription_id: PrescriptionId(r.prescription_id),
            outcome: outcome(&r.outcome)?,
            assigned_to: UserId(r.assigned_to),
            opened_at: r.opened_at.0,
            state,
        })
    }
}

#[derive(Debug)]
pub struct LadderRow {
    pub ladder: String,
}

impl TryFrom<LadderRow> for EscalationLadder {
    type Error = StoreError;
    fn try_from(r: LadderRow) -> StoreResult<Self> {
        ladder_from_json(&r.ladder)
    }
}

#[derive(Debug)]
pub struct EscalationCallRow {
    pub prescription_id: Uuid,
    pub occasion_date: DbDate,
    pub occasion_time: String,
    pub user_id: Uuid,
    pub step: i64,
    pub called_at: DbInstant,
}

impl TryFrom<EscalationCallRow> for EscalationCall {
    type Error = StoreError;
    fn try_from(r: EscalationCallRow) -> StoreResult<Self> {
        Ok(EscalationCall {
            key: OccasionKey {
                prescription_id: PrescriptionId(r.prescription_id),
                date: r.occasion_date.0,
                time: time_from_text(&r.occasion_time)?,
            },
            user: UserId(r.user_id),
            step: u32::try_from(r.step).map_err(|_| corrupt("escalation step"))?,
            called_at: r.called_at.0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_stored() {
        for t in [
            Time::midnight(),
            Time::constant(8, 5, 0, 0),
            Time::constant(23, 59, 0, 0),
        ] {
            assert_eq!(time_from_text(&time_to_text(t)).unwrap(), t);
        }
        // Other shapes fall to the general parser or are refused.
        assert_eq!(
            time_from_text("08:05:00").unwrap(),
            Time::constant(8, 5, 0, 0)
        );
        assert!(time_from_text("24:00").is_err());
        assert!(time_from_text("8:5").is_err());
        assert!(time_from_text("ab:cd").is_err());
    }
}
