//! Each unit's escalation ladder for missed signings: who is called how many minutes after an
//! occasion's window closed unsigned. Without one set, the domain's default holds (the
//! prescribing person and the unit manager at once).
//!
//! Those who follow the unit up (its licensed staff and its manager) read and set it. A person
//! named in a step must be an active account that follows the unit up too: a call to someone
//! who cannot open the overview would be a call to no one.

use vaka_domain::access::{Assignment, Permission, Scope as RoleScope};
use vaka_domain::audit::AuditAction;
use vaka_domain::delegation::{EscalationLadder, Recipient};
use vaka_domain::directory::{AccountStatus, Unit};
use vaka_domain::ids::{UnitId, UserId};
use vaka_domain::reason::DelegationReason;
use vaka_store::{DbInstant, ReadTx, UserFilter};

use super::DELEGATION;
use super::delegations::oversight_grant;
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// A unit's ladder as its page shows it.
#[derive(Debug, Clone)]
pub struct LadderView {
    pub unit: Unit,
    pub ladder: EscalationLadder,
    /// Whether no ladder was set (the default holds).
    pub is_default: bool,
    /// Who a step may name: the active accounts that follow the unit up, by name.
    pub candidates: Vec<(UserId, String)>,
}

/// Whether `assignments` let their holder follow `unit` up.
fn follows_up(assignments: &[Assignment], unit: &Unit) -> bool {
    assignments.iter().any(|a| {
        (a.role.has(Permission::DelegationOversee) || a.role.has(Permission::DelegationManage))
            && match a.scope() {
                RoleScope::Unit(u) => u == unit.id,
                RoleScope::Organisation(o) => o == unit.organisation_id,
                RoleScope::Everything => false,
            }
    })
}

/// The active accounts of the unit's organisation that follow the unit up, by name.
async fn candidates(r: &mut dyn ReadTx, unit: &Unit) -> WorkResult<Vec<(UserId, String)>> {
    let users = r
        .list_users(&UserFilter {
            organisation: Some(unit.organisation_id),
            status: Some(AccountStatus::Active),
            limit: 1000,
            ..UserFilter::default()
        })
        .await?;
    let mut out = Vec::new();
    for u in users {
        if follows_up(&r.list_assignments(u.id).await?, unit) {
            out.push((u.id, u.display_name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    Ok(out)
}

impl Services {
    /// A unit's escalation ladder (the default when none was set), with who a step may name.
    pub async fn escalation_ladder(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
    ) -> ServiceResult<LadderView> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let unit = r.get_unit(unit).await?.ok_or(Fault::not_found("unit"))?;
                if oversight_grant(r.ctx(), &unit).is_none() {
                    return Err(r.denied(
                        DelegationReason::MayNotOversee,
                        Some(("unit", unit.id.to_string())),
                    ));
                }
                let stored = r.get_escalation_ladder(unit.id).await?;
                let candidates = candidates(&mut **r, &unit).await?;
                Ok(LadderView {
                    is_default: stored.is_none(),
                    ladder: stored.unwrap_or_default(),
                    candidates,
                    unit,
                })
            })
            .await
    }

    /// Sets a unit's escalation ladder (those who follow the unit up): the domain's rules
    /// (1–10 steps in increasing minutes up to a day, the first calling the prescribing person
    /// and the unit manager), and every named person one who follows the unit up. Audited
    /// with its steps.
    pub async fn set_escalation_ladder(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
        ladder: EscalationLadder,
    ) -> ServiceResult<EscalationLadder> {
        let op = ctx.op(AuditAction::EscalationLadderSet, DELEGATION);
        self.door
            .change(op, async |w| {
                let unit = w.get_unit(unit).await?.ok_or(Fault::not_found("unit"))?;
                let Some(grant) = oversight_grant(w.ctx(), &unit) else {
                    return Err(w.denied(
                        DelegationReason::MayNotOversee,
                        Some(("unit", unit.id.to_string())),
                    ));
                };
                let ladder = ladder.check()?;
                let allowed = candidates(w.reads(), &unit).await?;
                let named = ladder.steps.iter().flat_map(|s| &s.recipients);
                for r in named {
                    if let Recipient::User(u) = r
                        && !allowed.iter().any(|(id, _)| id == u)
                    {
                        return Err(Fault::invalid(
                            "recipients",
                            DelegationReason::LadderRecipientNotInUnit,
                        ));
                    }
                }
                let now = DbInstant::new(w.now());
                let by = ctx.principal.user_id;
                w.set_escalation_ladder(unit.id, &ladder, by, now).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("unit", unit.id).details(
                        serde_json::json!({
                            "steps": ladder
                                .steps
                                .iter()
                                .map(|s| serde_json::json!({
                                    "after_minutes": s.after_minutes,
                                    "recipients": s.recipients,
                                }))
                                .collect::<Vec<_>>(),
                        })
                        .to_string(),
                    )
                });
                Ok(ladder)
            })
            .await
    }
}
