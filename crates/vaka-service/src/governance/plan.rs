//! The plan itself: supplier contracts with their SLA, notice day and yearly follow-up; the
//! information classification per type; the activity plan's duties signed off per due date.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::governance::{
    Classification, GovernanceRole, InformationType, KlassaLevel, Recurrence, Schedule,
    check_availability, check_contract,
};
use vaka_domain::ids::{ContractId, DutyId};
use vaka_domain::reason::{GovernanceReason, InputReason};
use vaka_store::governance::{ContractRecord, SignOffRecord};
use vaka_store::{DbDate, DbInstant};

use super::roles::maybe_day;
use super::{GOVERNANCE, LOOK_BACK_DAYS, no_identity, roles_of};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::operations::{line, parse_day, text};
use crate::{Ctx, ServiceResult, Services};

/// A contract as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContractInput {
    pub supplier: String,
    pub subject: String,
    #[serde(default)]
    pub reference: String,
    pub starts_on: String,
    /// Empty: until further notice.
    #[serde(default)]
    pub ends_on: String,
    /// Whole months.
    #[serde(default)]
    pub notice_months: String,
    /// The SLA's availability target in per cent ("99.5"); empty: none agreed.
    #[serde(default)]
    pub availability: String,
    /// Response and resolution times as agreed.
    #[serde(default)]
    pub response_terms: String,
    /// The next yearly follow-up (empty: a year after the start, or today's date next year).
    #[serde(default)]
    pub next_follow_up: String,
}

/// A percentage with at most one decimal, as per mille.
fn per_mille(raw: &str) -> WorkResult<Option<u16>> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return Ok(None);
    }
    let invalid = || Fault::invalid("availability", GovernanceReason::AvailabilityOutOfRange);
    let (whole, tenth) = match raw.split_once('.') {
        Some((w, t)) if t.len() == 1 => (w, t),
        Some(_) => return Err(invalid()),
        None => (raw.as_str(), "0"),
    };
    let w: i64 = whole.parse().map_err(|_| invalid())?;
    let t: i64 = tenth.parse().map_err(|_| invalid())?;
    if w < 0 || whole.starts_with('-') {
        return Err(invalid());
    }
    Ok(Some(check_availability(w * 10 + t)?))
}

fn integer(field: &'static str, raw: &str) -> WorkResult<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Fault::invalid(field, InputReason::Required));
    }
    raw.parse()
        .map_err(|_| Fault::invalid(field, InputReason::NotValid))
}

/// One aspect's level from its code.
fn level(field: &'static str, raw: &str) -> WorkResult<KlassaLevel> {
    KlassaLevel::from_code(raw.trim()).ok_or(Fault::invalid(field, InputReason::NotValid))
}

/// A classification as the form sends it (level codes).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClassificationInput {
    #[serde(default)]
    pub confidentiality: String,
    #[serde(default)]
    pub integrity: String,
    #[serde(default)]
    pub availability: String,
    #[serde(default)]
    pub traceability: String,
}

/// A duty's schedule as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DutyInput {
    /// `monthly`, `quarterly` or `yearly`.
    pub recurrence: String,
    /// The month of the year (yearly) or of the quarter (quarterly); ignored for monthly.
    pub month: String,
    /// The day of the month (a day the month lacks falls on its last day).
    pub day: String,
    /// The governance role that signs it off.
    pub responsible: String,
    /// The first day an occurrence can fall due.
    pub starts_on: String,
}

impl Services {
    /// Changes a duty of the activity plan: its schedule, the role that signs it off and the
    /// day it starts (the system manager).
    pub async fn set_duty(
        &self,
        ctx: &Ctx<'_>,
        duty: DutyId,
        input: DutyInput,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::DutyChanged, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::GovernanceManage, GovernanceReason::MayNotManage)?;
                let mut d = w.get_duty(duty).await?.ok_or(Fault::not_found("duty"))?;
                let recurrence = Recurrence::from_code(input.recurrence.trim())
                    .ok_or(Fault::invalid("recurrence", InputReason::NotValid))?;
                let month = if recurrence == Recurrence::Monthly {
                    1
                } else {
                    integer("month", &input.month)?
                };
                d.schedule = Schedule::new(recurrence, month, integer("day", &input.day)?)?;
                d.responsible = GovernanceRole::from_code(input.responsible.trim())
                    .ok_or(Fault::invalid("responsible", InputReason::NotValid))?;
                d.starts_on = parse_day("starts_on", &input.starts_on)?;
                w.update_duty(&d).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("duty", duty).details(
                        serde_json::json!({
                            "recurrence": recurrence.code(),
                            "month": d.schedule.month,
                            "day": d.schedule.day,
                            "responsible": d.responsible.code(),
                            "starts_on": d.starts_on.to_string(),
                        })
                        .to_string(),
                    )
                });
                Ok(())
            })
            .await
    }

    /// Adds a contract (`id` None) or changes one.
    pub async fn save_contract(
        &self,
        ctx: &Ctx<'_>,
        id: Option<ContractId>,
        input: ContractInput,
    ) -> ServiceResult<ContractId> {
        let op = ctx.op(AuditAction::ContractSaved, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::GovernanceManage, GovernanceReason::MayNotManage)?;
                let supplier = line("supplier", &input.supplier, 120)?;
                let subject = line("subject", &input.subject, 200)?;
                let reference = text("reference", &input.reference, 200)?;
                let starts_on = parse_day("starts_on", &input.starts_on)?;
                let ends_on = maybe_day("ends_on", &input.ends_on)?;
                let notice = if input.notice_months.trim().is_empty() {
                    0
                } else {
                    integer("notice_months", &input.notice_months)?
                };
                let terms = check_contract(starts_on, ends_on, notice)?;
                let availability = per_mille(&input.availability)?;
                let response_terms = text("response_terms", &input.response_terms, 1000)?;
                let now = w.now();
                let today = crate::registry::day_of(now);
                // By default a year after the start, or a year from today for an older one.
                let a_year_on = starts_on.checked_add(1.year()).unwrap_or(starts_on);
                let default_follow_up = if a_year_on >= today {
                    a_year_on
                } else {
                    today.checked_add(1.year()).unwrap_or(today)
                };
                let next_follow_up = maybe_day("next_follow_up", &input.next_follow_up)?
                    .unwrap_or(default_follow_up);
                let id = match id {
                    Some(id) => {
                        w.get_contract(id)
                            .await?
                            .ok_or(Fault::not_found("contract"))?;
                        id
                    }
                    None => ContractId::new(),
                };
                w.upsert_contract(&ContractRecord {
                    id,
                    supplier,
                    subject,
                    reference,
                    starts_on: terms.starts_on,
                    ends_on: terms.ends_on,
                    notice_months: terms.notice_months,
                    availability,
                    response_terms,
                    next_follow_up,
                    followed_up_at: None,
                    follow_up_note: None,
                    saved_by: Some(ctx.principal.user_id),
                    saved_at: now,
                })
                .await?;
                w.succeeded(Some(&grant), |e| e.subject("contract", id));
                Ok(id)
            })
            .await
    }

    /// Signs off a contract's yearly follow-up (SLA met? invoices checked?) with a note; the
    /// next one is a year after the one due.
    pub async fn follow_up_contract(
        &self,
        ctx: &Ctx<'_>,
        id: ContractId,
        note: &str,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::ContractFollowedUp, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::GovernanceManage, GovernanceReason::MayNotManage)?;
                let c = w
                    .get_contract(id)
                    .await?
                    .ok_or(Fault::not_found("contract"))?;
                let note = text("note", note, 1000)?;
                let now = w.now();
                let today = crate::registry::day_of(now);
                no_identity("note", &note, today)?;
                let mut next = c
                    .next_follow_up
                    .checked_add(1.year())
                    .unwrap_or(c.next_follow_up);
                // A follow-up years late is not followed by more overdue ones.
                while next <= today {
                    next = next
                        .checked_add(1.year())
                        .unwrap_or(today.tomorrow().unwrap_or(today));
                }
                w.follow_up_contract(
                    id,
                    DbDate(next),
                    ctx.principal.user_id,
                    DbInstant::new(now),
                    &note,
                )
                .await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("contract", id).details(
                        serde_json::json!({
                            "due": c.next_follow_up.to_string(),
                            "next": next.to_string()
                        })
                        .to_string(),
                    )
                });
                Ok(())
            })
            .await
    }

    /// Sets an information type's classification (its code from the path).
    pub async fn set_classification(
        &self,
        ctx: &Ctx<'_>,
        info_type: &str,
        input: ClassificationInput,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::ClassificationSet, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::GovernanceManage, GovernanceReason::MayNotManage)?;
                let t = InformationType::from_code(info_type)
                    .ok_or(Fault::not_found("information type"))?;
                let c = Classification {
                    confidentiality: level("confidentiality", &input.confidentiality)?,
                    integrity: level("integrity", &input.integrity)?,
                    availability: level("availability", &input.availability)?,
                    traceability: level("traceability", &input.traceability)?,
                };
                let now = DbInstant::new(w.now());
                w.set_classification(t, &c, ctx.principal.user_id, now)
                    .await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("information_type", t.code()).details(
                        serde_json::json!({
                            "confidentiality": c.confidentiality.code(),
                            "integrity": c.integrity.code(),
                            "availability": c.availability.code(),
                            "traceability": c.traceability.code(),
                        })
                        .to_string(),
                    )
                });
                Ok(())
            })
            .await
    }

    /// Signs a duty off for one of its due dates (today or before), with a note: a holder of
    /// the duty's role, or the system manager.
    pub async fn sign_off_duty(
        &self,
        ctx: &Ctx<'_>,
        duty: DutyId,
        due: &str,
        note: &str,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::DutySignedOff, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let d = w.get_duty(duty).await?.ok_or(Fault::not_found("duty"))?;
                let now = w.now();
                let today = crate::registry::day_of(now);
                let manager = ctx
                    .principal
                    .any_grant(Permission::GovernanceManage)
                    .cloned();
                let holder = roles_of(&mut **w, ctx.principal.user_id, today)
                    .await?
                    .contains(&d.responsible);
                if manager.is_none() && !holder {
                    return Err(w.denied(
                        GovernanceReason::MayNotSignOff,
                        Some(("duty", duty.to_string())),
                    ));
                }
                let due: Date = parse_day("due", due)?;
                let earliest = today
                    .checked_sub(LOOK_BACK_DAYS.days())
                    .unwrap_or(today)
                    .max(d.starts_on);
                if due > today || !d.schedule.due_dates(earliest, today).contains(&due) {
                    return Err(Fault::invalid("due", GovernanceReason::NotAnOccurrence));
                }
                let note = text("note", note, 1000)?;
                no_identity("note", &note, today)?;
                let inserted = w
                    .insert_sign_off(&SignOffRecord {
                        duty_id: duty,
                        due_on: due,
                        signed_by: ctx.principal.user_id,
                        signer_name: ctx.principal.display_name.clone(),
                        signed_at: now,
                        note,
                    })
                    .await?;
                if !inserted {
                    return Err(Fault::conflict(GovernanceReason::SignedOffAlready));
                }
                w.succeeded(manager.as_ref(), |e| {
                    e.subject("duty", duty).details(
                        serde_json::json!({
                            "due": due.to_string(),
                            "as": if holder { d.responsible.code() } else { "system_manager" },
                        })
                        .to_string(),
                    )
                });
                Ok(())
            })
            .await
    }
}

/// The grant check of routes that keep the plan, for a page that wants to know beforehand.
pub fn may_manage(ctx: &Ctx<'_>) -> bool {
    ctx.principal.has_permission(Permission::GovernanceManage)
}

#[cfg(test)]
mod tests {
    use super::per_mille;

    #[test]
    fn availability_is_read_as_per_mille() {
        assert_eq!(per_mille("99.5").ok().flatten(), Some(995));
        assert_eq!(per_mille("99,5").ok().flatten(), Some(995));
        assert_eq!(per_mille("100").ok().flatten(), Some(1000));
        assert_eq!(per_mille("").ok().flatten(), None);
        assert!(per_mille("100.1").is_err());
        assert!(per_mille("-1").is_err());
        assert!(per_mille("99.55").is_err());
        assert!(per_mille("abc").is_err());
    }
}
