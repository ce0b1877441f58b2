//! Roles held by an account, and its API tokens.

use vaka_domain::access::{Assignment, Permission, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::ids::{ApiTokenId, RoleAssignmentId, UnitId, UserId};
use vaka_domain::reason::DirectoryReason;
use vaka_domain::validate::parse_name;
use vaka_store::DbInstant;

use super::{ADMIN, RoleInput, recompute_reach, user_in_scope, validate_roles};
use crate::auth::IssuedToken;
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// What the audit log says about a role.
fn role_details(a: &Assignment) -> String {
    serde_json::json!({ "role": a.role.code(), "organisation": a.organisation_id, "unit": a.unit_id })
        .to_string()
}

impl Services {
    pub async fn grant_role(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        role: RoleInput,
    ) -> ServiceResult<Assignment> {
        self.door
            .change(ctx.op(AuditAction::RoleGranted, ADMIN), async |w| {
                let (account, _, _) = user_in_scope(w, user, Permission::AccountManage).await?;
                let org = w
                    .get_organisation(account.organisation_id)
                    .await?
                    .ok_or(Fault::not_found("organisation"))?;
                let units: Vec<UnitId> = role.unit_id.into_iter().collect();
                let grant = w.grant(
                    Permission::AccountManage,
                    Target {
                        organisation: role.organisation_id,
                        units: &units,
                    },
                    Some(("user", user.to_string())),
                )?;
                let mut assignments = validate_roles(&mut **w, &org, &[role]).await?;
                let a = assignments
                    .pop()
                    .ok_or(ServiceError::internal("no assignment"))?;
                let now = DbInstant::new(w.now());
                w.insert_assignment(user, &a, Some(ctx.principal.user_id), now)
                    .await?;
                recompute_reach(&mut **w, user).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", user).details(role_details(&a))
                });
                Ok(a)
            })
            .await
    }

    /// Grants a role in the account's own organisation (the account page's form).
    pub async fn grant_role_in_own_organisation(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        role: vaka_domain::access::Role,
        unit: Option<UnitId>,
    ) -> ServiceResult<Assignment> {
        let organisation_id = self
            .door
            .read(ctx.op(AuditAction::RoleGranted, ADMIN), async |r| {
                r.get_user(user)
                    .await?
                    .map(|a| a.organisation_id)
                    .ok_or(Fault::not_found("user"))
            })
            .await?;
        self.grant_role(
            ctx,
            user,
            RoleInput {
                role,
                organisation_id,
                unit_id: unit,
            },
        )
        .await
    }

    pub async fn revoke_role(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        assignment: RoleAssignmentId,
    ) -> ServiceResult<()> {
        self.door
            .change(ctx.op(AuditAction::RoleRevoked, ADMIN), async |w| {
                if user == ctx.principal.user_id {
                    return Err(Fault::conflict(DirectoryReason::CannotRemoveOwnRoles));
                }
                let (_, assignments, grant) =
                    user_in_scope(w, user, Permission::AccountManage).await?;
                let a = assignments
                    .iter()
                    .find(|a| a.id == assignment)
                    .ok_or(Fault::not_found("role assignment"))?;
                w.delete_assignment(a.id).await?;
                recompute_reach(&mut **w, user).await?;
                // Removed from a unit: the user's outstanding lock grants end with it (a new
                // unlock is decided on the roles left).
                let keys = crate::keys::revoke_user_grants(w, user).await?;
                // Moved from a unit: delegations of that unit end with it.
                let delegations =
                    crate::delegation::delegations::end_delegations_of(w, user, false).await?;
                let mut details = serde_json::json!({
                    "role": a.role.code(), "organisation": a.organisation_id, "unit": a.unit_id,
                });
                if delegations > 0 {
                    details["delegations_ended"] = delegations.into();
                }
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", user).details(details.to_string())
                });
                Ok(keys)
            })
            .await
            .map(|keys| self.locks_revoked(keys))
    }

    /// Issues a bearer token for a user in the caller's scope. Needs the caller's fresh second
    /// factor (`code` proves it again when stale), so only a logged-in person creates tokens,
    /// never a token.
    pub async fn create_api_token(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        name: &str,
        code: Option<&str>,
    ) -> ServiceResult<IssuedToken> {
        let name = parse_name("name", name, 80)?;
        let result = self
            .door
            .change(ctx.op(AuditAction::TokenCreated, ADMIN), async |w| {
                let (account, _, grant) = user_in_scope(w, user, Permission::TokenManage).await?;
                if !account.status.can_log_in() {
                    return Err(Fault::conflict(DirectoryReason::AccountNotActive));
                }
                if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                    return Ok(Err(wrong));
                }
                let issued = self
                    .issue_token(&mut **w, user, &name, Some(ctx.principal.user_id), None)
                    .await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("token", issued.id)
                        .details(serde_json::json!({ "user": user }).to_string())
                });
                Ok(Ok(issued))
            })
            .await;
        self.after_step_up(ctx, result).await
    }

    pub async fn revoke_api_token(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        token: ApiTokenId,
    ) -> ServiceResult<()> {
        self.door
            .change(ctx.op(AuditAction::TokenRevoked, ADMIN), async |w| {
                let (_, _, grant) = user_in_scope(w, user, Permission::TokenManage).await?;
                if !w.list_api_tokens(user).await?.iter().any(|t| t.id == token) {
                    return Err(Fault::not_found("token"));
                }
                let now = DbInstant::new(w.now());
                w.revoke_api_token(token, now).await?;
                w.succeeded(Some(&grant), |e| e.subject("token", token));
                Ok(())
            })
            .await
    }
}
