//! The management organisation's roles (system owner, system manager, system administrator,
//! data protection officer, information security coordinator) held by user accounts from a
//! day, maybe until a day. Assigning and ending are the system manager's, audited.

use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::AccountStatus;
use vaka_domain::governance::{GovernanceRole, check_period, holds_on};
use vaka_domain::ids::{GovernanceAssignmentId, UserId};
use vaka_domain::reason::{GovernanceReason, InputReason};
use vaka_store::governance::GovernanceAssignmentRecord;
use vaka_store::{DbDate, DbInstant};

use super::GOVERNANCE;
use crate::door::{Op, Work};
use crate::error::Fault;
use crate::operations::parse_day;
use crate::{Ctx, ServiceResult, Services};

/// An assignment as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RoleInput {
    /// The role's code.
    pub role: String,
    /// The holder's username.
    pub username: String,
    /// The first day (empty: today).
    #[serde(default)]
    pub from: String,
    /// The last day (empty: until further notice).
    #[serde(default)]
    pub until: String,
}

/// An optional day: empty is none.
pub(crate) fn maybe_day(field: &'static str, raw: &str) -> Result<Option<Date>, Fault> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_day(field, raw).map(Some)
    }
}

impl Services {
    /// The users who hold `role` today (Stockholm day): "the system owner" to escalate to, the
    /// receivers of an incident. Reads no personal data of clients, so it writes no audit
    /// entry; usable from jobs.
    pub async fn governance_holders(&self, role: GovernanceRole) -> ServiceResult<Vec<UserId>> {
        let op = Op::system(AuditAction::GovernanceRead, GOVERNANCE);
        self.door
            .read(op, async |r| {
                let today = crate::registry::day_of(r.now());
                Ok(r.list_governance_assignments()
                    .await?
                    .into_iter()
                    .filter(|a| a.role == role && holds_on(a.from, a.until, today))
                    .map(|a| a.user_id)
                    .collect())
            })
            .await
    }

    /// Assigns a governance role to a user account (the system manager). A role of one holder
    /// is refused while another holds it on any day of the new period.
    pub async fn assign_governance_role(
        &self,
        ctx: &Ctx<'_>,
        input: RoleInput,
    ) -> ServiceResult<GovernanceAssignmentId> {
        let op = ctx.op(AuditAction::GovernanceRoleAssigned, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::GovernanceManage, GovernanceReason::MayNotManage)?;
                let role = GovernanceRole::from_code(input.role.trim())
                    .ok_or(Fault::invalid("role", InputReason::NotValid))?;
                let now = w.now();
                let today = crate::registry::day_of(now);
                let from = maybe_day("from", &input.from)?.unwrap_or(today);
                let until = maybe_day("until", &input.until)?;
                check_period(from, until)?;
                let username = input.username.trim();
                if username.is_empty() {
                    return Err(Fault::invalid("username", InputReason::Required));
                }
                let user = w
                    .get_user_by_username(username)
                    .await?
                    .ok_or(Fault::invalid("username", InputReason::NotValid))?;
                if user.status != AccountStatus::Active {
                    return Err(Fault::invalid(
                        "username",
                        GovernanceReason::AccountNotActive,
                    ));
                }
                if role.single_holder() {
                    let overlaps = w
                        .list_governance_assignments()
                        .await?
                        .into_iter()
                        .filter(|a| a.role == role)
                        .any(|a| {
                            a.until.is_none_or(|u| u >= from) && until.is_none_or(|u| u >= a.from)
                        });
                    if overlaps {
                        return Err(Fault::conflict(GovernanceReason::RoleHeld));
                    }
                }
                let id = GovernanceAssignmentId::new();
                w.insert_governance_assignment(&GovernanceAssignmentRecord {
                    id,
                    role,
                    user_id: user.id,
                    user_name: user.display_name.clone(),
                    from,
                    until,
                    assigned_by: Some(ctx.principal.user_id),
                    assigned_at: now,
                })
                .await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", user.id).details(
                        serde_json::json!({
                            "role": role.code(),
                            "from": from.to_string(),
                            "until": until.map(|u| u.to_string()),
                        })
                        .to_string(),
                    )
                });
                Ok(id)
            })
            .await
    }

    /// Ends an assignment on `until` (empty: today).
    pub async fn end_governance_role(
        &self,
        ctx: &Ctx<'_>,
        id: GovernanceAssignmentId,
        until: &str,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::GovernanceRoleEnded, GOVERNANCE);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::GovernanceManage, GovernanceReason::MayNotManage)?;
                let a = w
                    .get_governance_assignment(id)
                    .await?
                    .ok_or(Fault::not_found("assignment"))?;
                let now = DbInstant::new(w.now());
                let today = crate::registry::day_of(w.now());
                let until = maybe_day("until", until)?.unwrap_or(today);
                check_period(a.from, Some(until))?;
                if !w
                    .end_governance_assignment(id, DbDate(until), ctx.principal.user_id, now)
                    .await?
                {
                    return Err(Fault::conflict(GovernanceReason::AssignmentEnded));
                }
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", a.user_id).details(
                        serde_json::json!({ "role": a.role.code(), "until": until.to_string() })
                            .to_string(),
                    )
                });
                Ok(())
            })
            .await
    }
}
