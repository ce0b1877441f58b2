//! A person's leave (or sick leave) on their delegations: recorded by those who manage
//! accounts or by the manager of a unit the person works in, and added to each of the person's
//! delegations still running, on their side. A leave of more than three months ends a
//! delegation by itself (`vaka_domain::delegation::delegate`); ending the leave earlier keeps it.
//!
//! A leave is kept on the delegations, not on the account: a person without delegations has
//! nothing a leave changes, so recording it adds nothing.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::{Assignment, Permission, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::delegation::{
    Delegation, DelegationEvent, LeaveSpan, check_leave, check_leave_end,
};
use vaka_domain::directory::UserAccount;
use vaka_domain::ids::{UnitId, UserId};
use vaka_domain::reason::DelegationReason;
use vaka_store::DbDate;

use super::{DELEGATION, tz};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::registry::day_of;
use crate::{Ctx, ServiceResult, Services};

/// A leave as it is recorded.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LeaveInput {
    /// The first day of the leave (at most a year back).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    /// The last day, when it is known; a leave without one runs until it is ended.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub to: Option<Date>,
}

/// One leave of a person, as their delegations hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedLeave {
    pub from: Date,
    pub to: Option<Date>,
    /// The day it ends the person's delegations if it still runs then (three months on).
    pub ends_delegations_on: Option<Date>,
}

/// A person's leave as the user page shows it.
#[derive(Debug, Clone)]
pub struct UserLeave {
    /// The leave not yet over (running, or recorded ahead: no last day, or a last day not yet
    /// past), if any.
    pub running: Option<RecordedLeave>,
    /// Every leave recorded on the person's delegations, newest first.
    pub recorded: Vec<RecordedLeave>,
    /// How many of the person's delegations are still running (a leave is added to these).
    pub open_delegations: usize,
    /// Whether the caller may record or end the person's leave.
    pub may_record: bool,
}

/// The caller's grant to record `user`'s leave: account management over the person, or the
/// right to end the person's account in a unit they work in (the unit manager's). A leave is
/// a lesser step over the same person than ending the account.
fn leave_grant(ctx: &Ctx<'_>, user: &UserAccount, units: &[UnitId]) -> Option<Assignment> {
    let target = Target {
        organisation: user.organisation_id,
        units,
    };
    ctx.principal
        .grant_for(Permission::AccountManage, target)
        .or_else(|| {
            ctx.principal
                .grant_for(Permission::AccountDeactivate, target)
        })
        .cloned()
}

/// The person, the units they work in, and the caller's grant over their leave.
async fn person<'a>(
    w: &mut impl Work<'a>,
    ctx: &Ctx<'_>,
    user: UserId,
) -> WorkResult<(UserAccount, Option<Assignment>)> {
    let account = w
        .reads()
        .get_user(user)
        .await?
        .ok_or(Fault::not_found("user"))?;
    let units: Vec<UnitId> = w
        .reads()
        .list_assignments(user)
        .await?
        .iter()
        .filter_map(|a| a.unit_id)
        .collect();
    let grant = leave_grant(ctx, &account, &units);
    Ok((account, grant))
}

/// The person's leaves over their delegations, by first day: a last day recorded on any of
/// them wins over none (a delegation that ended during the leave keeps it running).
fn leaves_of(delegations: &[Delegation], user: UserId) -> BTreeMap<Date, Option<Date>> {
    let mut out: BTreeMap<Date, Option<Date>> = BTreeMap::new();
    for d in delegations {
        let Some(party) = d.party_of(user) else {
            continue;
        };
        for l in d.leaves().into_iter().filter(|l| l.party == party) {
            let e = out.entry(l.from).or_insert(l.to);
            if e.is_none() {
                *e = l.to;
            }
        }
    }
    out
}

impl Services {
    /// A person's leave: the one running, those recorded, and whether the caller may record
    /// one (those who read the directory, and the person).
    pub async fn leave_of(&self, ctx: &Ctx<'_>, user: UserId) -> ServiceResult<UserLeave> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let (_, grant) = person(r, ctx, user).await?;
                if grant.is_none()
                    && ctx.principal.user_id != user
                    && !ctx.principal.has_permission(Permission::DirectoryRead)
                {
                    return Err(r.denied(
                        DelegationReason::MayNotRecordLeave,
                        Some(("user", user.to_string())),
                    ));
                }
                let now = r.now();
                let today = day_of(now);
                let tz = tz();
                let delegations = r.reads().list_delegations_of_user(user).await?;
                let open_delegations = delegations
                    .iter()
                    .filter(|d| !d.status(now, &tz).is_over())
                    .count();
                let recorded: Vec<RecordedLeave> = leaves_of(&delegations, user)
                    .into_iter()
                    .rev()
                    .map(|(from, to)| RecordedLeave {
                        from,
                        to,
                        ends_delegations_on: LeaveSpan::ending(from, to),
                    })
                    .collect();
                let running = recorded
                    .iter()
                    .find(|l| l.to.is_none_or(|to| to >= today))
                    .copied();
                r.succeeded(grant.as_ref(), |e| {
                    e.subject("user", user)
                        .details(serde_json::json!({ "leaves": recorded.len() }).to_string())
                });
                Ok(UserLeave {
                    running,
                    recorded,
                    open_delegations,
                    may_record: grant.is_some(),
                })
            })
            .await
    }

    /// Records a leave of `user` from `input.from` (through `input.to`, or until it is ended)
    /// on each of their delegations still running, on their side. Returns how many it was
    /// added to (none for a person without delegations). A leave already running is refused.
    pub async fn record_leave(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        input: LeaveInput,
    ) -> ServiceResult<usize> {
        let op = ctx.op(AuditAction::LeaveRecorded, DELEGATION);
        self.door
            .change(op, async |w| {
                let (_, grant) = person(w, ctx, user).await?;
                let Some(grant) = grant else {
                    return Err(w.denied(
                        DelegationReason::MayNotRecordLeave,
                        Some(("user", user.to_string())),
                    ));
                };
                let now = w.now();
                check_leave(input.from, input.to, day_of(now))?;
                let tz = tz();
                let mut to_add = Vec::new();
                for d in w.list_delegations_of_user(user).await? {
                    if d.status(now, &tz).is_over() {
                        continue;
                    }
                    let Some(party) = d.party_of(user) else {
                        continue;
                    };
                    if let Some(running) = d.running_leave(party) {
                        return Err(Fault::conflict(DelegationReason::LeaveAlreadyRunning {
                            from: running.from.to_string(),
                        }));
                    }
                    // The same leave recorded again adds nothing.
                    if d.leaves()
                        .iter()
                        .any(|l| l.party == party && l.from == input.from)
                    {
                        continue;
                    }
                    to_add.push((d.id, party));
                }
                for (id, party) in &to_add {
                    let event = DelegationEvent::Leave {
                        party: *party,
                        from: input.from,
                        to: input.to,
                    };
                    w.insert_delegation_event(*id, &event).await?;
                }
                let added = to_add.len();
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", user).details(
                        serde_json::json!({
                            "from": input.from.to_string(),
                            "to": input.to.map(|d| d.to_string()),
                            "delegations": added,
                        })
                        .to_string(),
                    )
                });
                Ok(added)
            })
            .await
    }

    /// Ends `user`'s running leave: its last day is `to` (today when not given) on each of
    /// their delegations that holds it. A delegation the leave has already ended stays ended
    /// (ending the leave later does not bring it back). Returns how many were changed.
    pub async fn end_leave(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        to: Option<Date>,
    ) -> ServiceResult<usize> {
        let op = ctx.op(AuditAction::LeaveRecorded, DELEGATION);
        self.door
            .change(op, async |w| {
                let (_, grant) = person(w, ctx, user).await?;
                let Some(grant) = grant else {
                    return Err(w.denied(
                        DelegationReason::MayNotRecordLeave,
                        Some(("user", user.to_string())),
                    ));
                };
                let now = w.now();
                let to = to.unwrap_or_else(|| day_of(now));
                let tz = tz();
                let mut running = 0;
                let mut to_end = Vec::new();
                for d in w.list_delegations_of_user(user).await? {
                    let Some(party) = d.party_of(user) else {
                        continue;
                    };
                    let Some(leave) = d.running_leave(party) else {
                        continue;
                    };
                    running += 1;
                    check_leave_end(leave.from, to)?;
                    let before = d.status(now, &tz);
                    let mut after = d.clone();
                    for e in &mut after.events {
                        if let DelegationEvent::Leave {
                            party: p,
                            from,
                            to: end @ None,
                        } = e
                            && *p == party
                            && *from == leave.from
                        {
                            *end = Some(to);
                        }
                    }
                    if before.is_over() && after.status(now, &tz) != before {
                        continue;
                    }
                    to_end.push((d.id, party, leave.from));
                }
                if running == 0 {
                    return Err(Fault::conflict(DelegationReason::NoRunningLeave));
                }
                for (id, party, from) in &to_end {
                    w.end_delegation_leave(*id, *party, DbDate(*from), DbDate(to))
                        .await?;
                }
                let ended = to_end.len();
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", user).details(
                        serde_json::json!({
                            "ended_on": to.to_string(),
                            "delegations": ended,
                        })
                        .to_string(),
                    )
                });
                Ok(ended)
            })
            .await
    }
}
