//! The directory: organisations, units, user accounts and their roles.
//!
//! Account lifecycle: a provider's administrator (or a unit manager) *requests* an account, a
//! municipal administrator *approves* it (or creates one directly); ending an account takes
//! effect at once — its sessions and tokens die in the same transaction.
//!
//! By concern: [`organisations`], [`units`], [`accounts`] (the lifecycle), [`roles`] (roles and
//! API tokens), [`names`] (what pages show beside ids, the overview's counts).

mod accounts;
mod names;
mod organisations;
mod roles;
mod units;

pub use names::{DirectoryNames, DirectorySummary};

use serde::{Deserialize, Serialize};
use vaka_domain::access::{
    Assignment, Permission, Reach, Role, Target, check_assignment, client_reach,
};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::directory::{
    AccountStatus, Organisation, OrganisationKind, ProviderKind, UnitKind, UserAccount,
};
use vaka_domain::ids::{OrganisationId, RoleAssignmentId, UnitId, UserId};
use vaka_domain::reason::DirectoryReason;
use vaka_store::{ApiTokenRecord, ReadTx, WriteTx};

use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisationInput {
    pub kind: OrganisationKind,
    pub provider_kind: Option<ProviderKind>,
    pub name: String,
    pub org_number: Option<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationPatch {
    pub name: Option<String>,
    pub org_number: Option<String>,
    pub active: Option<bool>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewUnitInput {
    pub organisation_id: OrganisationId,
    pub name: String,
    pub kind: UnitKind,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UnitPatch {
    pub name: Option<String>,
    pub kind: Option<UnitKind>,
    pub active: Option<bool>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    pub role: Role,
    pub organisation_id: OrganisationId,
    pub unit_id: Option<UnitId>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewAccountInput {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub hsa_id: Option<String>,
    pub organisation_id: OrganisationId,
    pub roles: Vec<RoleInput>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilePatch {
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub hsa_id: Option<String>,
}

/// An account created or approved; the initial password is shown once.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub account: UserAccount,
    pub initial_password: Option<String>,
}

/// One account with what an administrator needs to see about it.
#[derive(Debug, Clone)]
pub struct UserDetail {
    pub account: UserAccount,
    pub assignments: Vec<Assignment>,
    pub unused: bool,
    pub active_sessions: i64,
    pub tokens: Vec<ApiTokenRecord>,
    /// For a waiting request, and only for a caller who may approve it: whether another
    /// account already has the requested username, so that approval must choose another.
    /// Never told to the requester (account enumeration).
    pub username_taken: bool,
}

/// A listed account and whether it is flagged as unused.
#[derive(Debug, Clone)]
pub struct UserListItem {
    pub account: UserAccount,
    pub unused: bool,
}

#[derive(Debug, Clone, Default)]
pub struct UserListQuery {
    pub organisation: Option<OrganisationId>,
    pub unit: Option<UnitId>,
    pub status: Option<AccountStatus>,
    pub search: Option<String>,
    pub only_unused: bool,
}

pub(crate) const ADMIN: &str = "administration";

fn clean_search(s: Option<&str>) -> Option<String> {
    s.map(|s| s.chars().filter(|c| !c.is_control()).collect::<String>())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn opt_text(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// The caller's reach for reading the directory, or an audited refusal.
fn directory_reach<'a>(w: &impl Work<'a>) -> WorkResult<Reach> {
    let reach = w
        .ctx()
        .map(|c| c.principal.reach(Permission::DirectoryRead))
        .unwrap_or_default();
    if reach.is_empty() {
        return Err(w.denied(DirectoryReason::MayNotReadDirectory, None));
    }
    Ok(reach)
}

/// The organisation an input names, or `field` marked invalid when there is none.
pub(crate) async fn named_organisation(
    tx: &mut dyn ReadTx,
    id: OrganisationId,
    field: &'static str,
) -> WorkResult<Organisation> {
    tx.get_organisation(id)
        .await?
        .ok_or_else(|| Fault::invalid(field, DirectoryReason::NoSuchOrganisation))
}

/// Recomputes the stored need-to-know reach of one user from their roles and coverage.
pub(crate) async fn recompute_reach(tx: &mut dyn WriteTx, user: UserId) -> WorkResult<()> {
    let assignments = tx.list_assignments(user).await?;
    let coverage = tx.list_coverage_for_user(user).await?;
    tx.replace_client_reach(user, &client_reach(&assignments, &coverage))
        .await?;
    Ok(())
}

/// Loads a user and checks `p` over them (their organisation and the units of their roles).
async fn user_in_scope(
    w: &mut impl Work<'_>,
    id: UserId,
    p: Permission,
) -> WorkResult<(UserAccount, Vec<Assignment>, Assignment)> {
    let tx = w.reads();
    let user = tx.get_user(id).await?.ok_or(Fault::not_found("user"))?;
    let assignments = tx.list_assignments(id).await?;
    let units: Vec<UnitId> = assignments.iter().filter_map(|a| a.unit_id).collect();
    let grant = w.grant(
        p,
        Target {
            organisation: user.organisation_id,
            units: &units,
        },
        Some(("user", id.to_string())),
    )?;
    Ok((user, assignments, grant))
}

/// Checks roles to give an account of `org` into assignments.
async fn validate_roles(
    tx: &mut dyn ReadTx,
    org: &Organisation,
    roles: &[RoleInput],
) -> WorkResult<Vec<Assignment>> {
    let mut out = Vec::new();
    for r in roles {
        if r.organisation_id != org.id {
            return Err(Fault::invalid(
                "roles",
                DirectoryReason::RoleOutsideOwnOrganisation,
            ));
        }
        let unit = match r.unit_id {
            Some(u) => {
                let unit = tx
                    .get_unit(u)
                    .await?
                    .ok_or_else(|| Fault::invalid("unit_id", DirectoryReason::NoSuchUnit))?;
                Some((unit.id, unit.organisation_id))
            }
            None => None,
        };
        check_assignment(r.role, org.kind, org.id, unit)?;
        out.push(Assignment {
            id: RoleAssignmentId::new(),
            role: r.role,
            organisation_id: org.id,
            organisation_kind: org.kind,
            unit_id: r.unit_id,
        });
    }
    Ok(out)
}

impl Services {
    /// Audits a request refused by a route's declared permission.
    pub async fn audit_route_denied(
        &self,
        ctx: &Ctx<'_>,
        route: &str,
        needed: &str,
    ) -> ServiceResult<()> {
        let e = ctx
            .entry(
                self.now(),
                AuditAction::AccessDenied,
                Outcome::Denied,
                None,
                "route",
            )
            .subject("route", route)
            .details(serde_json::json!({ "needs": needed }).to_string());
        self.door.audit_alone(e).await
    }
}
