//! The directory: organisations, units, user accounts and their roles.
//!
//! Account lifecycle: a provider's administrator (or a unit manager) *requests* an account, a
//! municipal administrator *approves* it (or creates one directly); ending an account takes
//! effect at once — its sessions and tokens die in the same transaction.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use vaka_domain::access::Role;
use vaka_domain::access::{Assignment, Permission, Target, check_assignment, client_reach};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::directory::{
    AccountStatus, Organisation, OrganisationKind, ProviderKind, Unit, UnitKind, UserAccount,
};
use vaka_domain::ids::{OrganisationId, RoleAssignmentId, UnitId, UserId};
use vaka_domain::validate::{Email, HsaId, OrgNumber, Username, parse_name};
use vaka_store::{ApiTokenRecord, DbInstant, NewUser, StatusChange, Tx, UserFilter};

use crate::auth::IssuedToken;
use crate::secrets::{hash_password, initial_password};
use crate::{Ctx, ServiceError, ServiceResult, Services};

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

const ADMIN: &str = "administration";

fn clean_search(s: Option<&str>) -> Option<String> {
    s.map(|s| s.chars().filter(|c| !c.is_control()).collect::<String>())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn opt_text(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
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
        self.audit_alone(e).await
    }

    /// A refusal, with the audit entry that records it (written by [`Services::audited`]).
    pub(crate) async fn deny(
        &self,
        ctx: &Ctx<'_>,
        action: AuditAction,
        subject: Option<(&str, String)>,
        reason: &'static str,
    ) -> ServiceError {
        let mut e = ctx.entry(self.now(), action, Outcome::Denied, None, ADMIN);
        if let Some((kind, id)) = subject {
            e = e.subject(kind, id);
        }
        ServiceError::Denied(Box::new(crate::error::Denial {
            entry: e,
            reason: reason.into(),
        }))
    }

    async fn grant<'p>(
        &self,
        ctx: &'p Ctx<'p>,
        p: Permission,
        target: Target<'_>,
        action: AuditAction,
        subject: Option<(&str, String)>,
    ) -> ServiceResult<&'p Assignment> {
        match ctx.principal.grant_for(p, target) {
            Some(g) => Ok(g),
            None => Err(self
                .deny(ctx, action, subject, "your roles do not allow this here")
                .await),
        }
    }

    /// Recomputes the stored need-to-know reach of one user from their roles and coverage.
    pub(crate) async fn recompute_reach(&self, tx: &mut dyn Tx, user: UserId) -> ServiceResult<()> {
        let assignments = tx.list_assignments(user).await?;
        let coverage = tx.list_coverage_for_user(user).await?;
        tx.replace_client_reach(user, &client_reach(&assignments, &coverage))
            .await?;
        Ok(())
    }

    // ---- organisations ------------------------------------------------------------------

    pub async fn list_organisations(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<Organisation>> {
        self.audited(async {
            let reach = ctx.principal.reach(Permission::DirectoryRead);
            if reach.is_empty() {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::AccessDenied,
                        None,
                        "you may not read the directory",
                    )
                    .await);
            }
            let mut tx = self.read().await?;
            let orgs = tx.list_organisations().await?;
            let units = tx.list_units().await?;
            Ok(orgs
                .into_iter()
                .filter(|o| {
                    let unit_ids: Vec<UnitId> = units
                        .iter()
                        .filter(|u| u.organisation_id == o.id)
                        .map(|u| u.id)
                        .collect();
                    reach.covers(Target {
                        organisation: o.id,
                        units: &unit_ids,
                    })
                })
                .collect())
        })
        .await
    }

    pub async fn get_organisation(
        &self,
        ctx: &Ctx<'_>,
        id: OrganisationId,
    ) -> ServiceResult<Organisation> {
        self.audited(async {
            let orgs = self.list_organisations(ctx).await?;
            if let Some(o) = orgs.into_iter().find(|o| o.id == id) {
                return Ok(o);
            }
            let mut tx = self.read().await?;
            match tx.get_organisation(id).await? {
                Some(_) => Err(self
                    .deny(
                        ctx,
                        AuditAction::AccessDenied,
                        Some(("organisation", id.to_string())),
                        "outside your organisation",
                    )
                    .await),
                None => Err(ServiceError::NotFound("organisation")),
            }
        })
        .await
    }

    pub async fn create_organisation(
        &self,
        ctx: &Ctx<'_>,
        input: NewOrganisationInput,
    ) -> ServiceResult<Organisation> {
        self.audited(async {
            let now = self.now();
            let Some(grant) = ctx
                .principal
                .any_grant(Permission::OrganisationManage)
                .filter(|g| g.scope() == vaka_domain::access::Scope::Everything)
            else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::OrganisationCreated,
                        None,
                        "only a municipal administrator creates organisations",
                    )
                    .await);
            };
            let grant = grant.clone();
            Organisation::check_kinds(input.kind, input.provider_kind)?;
            let org = Organisation {
                id: OrganisationId::new(),
                kind: input.kind,
                provider_kind: input.provider_kind,
                name: parse_name("name", &input.name, 120)?,
                org_number: opt_text(input.org_number.as_deref())
                    .map(OrgNumber::parse)
                    .transpose()?,
                active: true,
                created_at: vaka_store::values::to_db_precision(now),
            };
            let mut tx = self.write().await?;
            if input.kind == OrganisationKind::Municipality
                && tx
                    .list_organisations()
                    .await?
                    .iter()
                    .any(|o| o.kind == OrganisationKind::Municipality)
            {
                return Err(ServiceError::Conflict(
                    "this installation already has its municipality".into(),
                ));
            }
            tx.insert_organisation(&org).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::OrganisationCreated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("organisation", org.id),
            )
            .await?;
            tx.commit().await?;
            Ok(org)
        })
        .await
    }

    pub async fn update_organisation(
        &self,
        ctx: &Ctx<'_>,
        id: OrganisationId,
        patch: OrganisationPatch,
    ) -> ServiceResult<Organisation> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let mut org = tx
                .get_organisation(id)
                .await?
                .ok_or(ServiceError::NotFound("organisation"))?;
            let grant = self
                .grant(
                    ctx,
                    Permission::OrganisationManage,
                    Target {
                        organisation: id,
                        units: &[],
                    },
                    AuditAction::OrganisationUpdated,
                    Some(("organisation", id.to_string())),
                )
                .await?
                .clone();
            if let Some(name) = &patch.name {
                org.name = parse_name("name", name, 120)?;
            }
            if let Some(n) = &patch.org_number {
                org.org_number = opt_text(Some(n)).map(OrgNumber::parse).transpose()?;
            }
            if let Some(active) = patch.active {
                if !active && org.kind == OrganisationKind::Municipality {
                    return Err(ServiceError::Conflict(
                        "the municipality cannot be deactivated".into(),
                    ));
                }
                org.active = active;
            }
            tx.update_organisation(&org).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::OrganisationUpdated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("organisation", org.id),
            )
            .await?;
            tx.commit().await?;
            Ok(org)
        })
        .await
    }

    // ---- units --------------------------------------------------------------------------

    pub async fn list_units(
        &self,
        ctx: &Ctx<'_>,
        organisation: Option<OrganisationId>,
    ) -> ServiceResult<Vec<Unit>> {
        self.audited(async {
            let reach = ctx.principal.reach(Permission::DirectoryRead);
            if reach.is_empty() {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::AccessDenied,
                        None,
                        "you may not read the directory",
                    )
                    .await);
            }
            let mut tx = self.read().await?;
            Ok(tx
                .list_units()
                .await?
                .into_iter()
                .filter(|u| organisation.is_none_or(|o| u.organisation_id == o))
                .filter(|u| {
                    reach.covers(Target {
                        organisation: u.organisation_id,
                        units: &[u.id],
                    })
                })
                .collect())
        })
        .await
    }

    /// A unit and the units it covers.
    pub async fn get_unit(&self, ctx: &Ctx<'_>, id: UnitId) -> ServiceResult<(Unit, Vec<UnitId>)> {
        self.audited(async {
            let mut tx = self.read().await?;
            let unit = tx
                .get_unit(id)
                .await?
                .ok_or(ServiceError::NotFound("unit"))?;
            let covered = tx
                .list_coverage()
                .await?
                .into_iter()
                .filter(|(by, _)| *by == id)
                .map(|(_, c)| c)
                .collect();
            drop(tx);
            self.grant(
                ctx,
                Permission::DirectoryRead,
                Target {
                    organisation: unit.organisation_id,
                    units: &[unit.id],
                },
                AuditAction::AccessDenied,
                Some(("unit", id.to_string())),
            )
            .await?;
            Ok((unit, covered))
        })
        .await
    }

    pub async fn create_unit(&self, ctx: &Ctx<'_>, input: NewUnitInput) -> ServiceResult<Unit> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let org = tx
                .get_organisation(input.organisation_id)
                .await?
                .ok_or_else(|| ServiceError::invalid("organisation_id", "no such organisation"))?;
            let grant = self
                .grant(
                    ctx,
                    Permission::UnitManage,
                    Target {
                        organisation: org.id,
                        units: &[],
                    },
                    AuditAction::UnitCreated,
                    Some(("organisation", org.id.to_string())),
                )
                .await?
                .clone();
            let unit = Unit {
                id: UnitId::new(),
                organisation_id: org.id,
                name: parse_name("name", &input.name, 120)?,
                kind: input.kind,
                active: true,
                created_at: vaka_store::values::to_db_precision(now),
            };
            tx.insert_unit(&unit).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UnitCreated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("unit", unit.id),
            )
            .await?;
            tx.commit().await?;
            Ok(unit)
        })
        .await
    }

    pub async fn update_unit(
        &self,
        ctx: &Ctx<'_>,
        id: UnitId,
        patch: UnitPatch,
    ) -> ServiceResult<Unit> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let mut unit = tx
                .get_unit(id)
                .await?
                .ok_or(ServiceError::NotFound("unit"))?;
            let grant = self
                .grant(
                    ctx,
                    Permission::UnitManage,
                    Target {
                        organisation: unit.organisation_id,
                        units: &[unit.id],
                    },
                    AuditAction::UnitUpdated,
                    Some(("unit", id.to_string())),
                )
                .await?
                .clone();
            if let Some(name) = &patch.name {
                unit.name = parse_name("name", name, 120)?;
            }
            if let Some(kind) = patch.kind {
                unit.kind = kind;
            }
            if let Some(active) = patch.active {
                unit.active = active;
            }
            tx.update_unit(&unit).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UnitUpdated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("unit", unit.id),
            )
            .await?;
            tx.commit().await?;
            Ok(unit)
        })
        .await
    }

    /// Sets which units a night patrol, duty team or alarm-centre unit covers. The members'
    /// need-to-know reach follows in the same transaction.
    pub async fn set_unit_coverage(
        &self,
        ctx: &Ctx<'_>,
        id: UnitId,
        covered: Vec<UnitId>,
    ) -> ServiceResult<Vec<UnitId>> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let unit = tx
                .get_unit(id)
                .await?
                .ok_or(ServiceError::NotFound("unit"))?;
            let grant = self
                .grant(
                    ctx,
                    Permission::UnitManage,
                    Target {
                        organisation: unit.organisation_id,
                        units: &[unit.id],
                    },
                    AuditAction::UnitCoverageChanged,
                    Some(("unit", id.to_string())),
                )
                .await?
                .clone();
            let mut covered = covered;
            covered.sort();
            covered.dedup();
            if !covered.is_empty() && !unit.kind.can_cover_others() {
                return Err(ServiceError::invalid(
                    "covered_unit_ids",
                    "only night patrols, duty teams and alarm operators cover other units",
                ));
            }
            for c in &covered {
                if *c == id {
                    return Err(ServiceError::invalid(
                        "covered_unit_ids",
                        "a unit cannot cover itself",
                    ));
                }
                if tx.get_unit(*c).await?.is_none() {
                    return Err(ServiceError::invalid(
                        "covered_unit_ids",
                        format!("no such unit: {c}"),
                    ));
                }
            }
            tx.set_unit_coverage(id, &covered).await?;
            for member in tx.list_unit_members(id).await? {
                self.recompute_reach(&mut *tx, member).await?;
            }
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UnitCoverageChanged,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("unit", id)
                .details(serde_json::json!({ "covered_units": covered }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(covered)
        })
        .await
    }

    // ---- users --------------------------------------------------------------------------

    /// Accounts in the caller's scope. Staff data is personal data: the listing is audited.
    pub async fn list_users(
        &self,
        ctx: &Ctx<'_>,
        q: &UserListQuery,
    ) -> ServiceResult<Vec<UserListItem>> {
        self.audited(async {
            let now = self.now();
            let reach = ctx.principal.reach(Permission::DirectoryRead);
            if reach.is_empty() {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::AccessDenied,
                        None,
                        "you may not read the directory",
                    )
                    .await);
            }
            let base = UserFilter {
                organisation: q.organisation,
                unit: q.unit,
                status: q.status,
                search: clean_search(q.search.as_deref()),
                limit: 500,
            };
            // One query per scope the caller holds, intersected with the caller's own filter.
            let mut filters = Vec::new();
            if reach.everything {
                filters.push(base.clone());
            } else {
                for o in &reach.organisations {
                    if q.organisation.is_none_or(|x| x == *o) {
                        filters.push(UserFilter {
                            organisation: Some(*o),
                            ..base.clone()
                        });
                    }
                }
                for u in &reach.units {
                    if q.unit.is_none_or(|x| x == *u) {
                        filters.push(UserFilter {
                            unit: Some(*u),
                            ..base.clone()
                        });
                    }
                }
            }
            let grant = ctx.principal.any_grant(Permission::DirectoryRead).cloned();
            let mut tx = self.write().await?;
            let mut found: BTreeMap<(String, UserId), UserAccount> = BTreeMap::new();
            for f in &filters {
                for u in tx.list_users(f).await? {
                    found.insert((u.display_name.to_lowercase(), u.id), u);
                }
            }
            let items: Vec<UserListItem> = found
                .into_values()
                .map(|account| UserListItem {
                    unused: account.is_unused(now),
                    account,
                })
                .filter(|i| !q.only_unused || i.unused)
                .collect();
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UsersListed,
                    Outcome::Success,
                    grant.as_ref(),
                    ADMIN,
                )
                .details(serde_json::json!({ "results": items.len() }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(items)
        })
        .await
    }

    /// Loads a user and checks `p` over them.
    async fn user_in_scope<'p>(
        &self,
        ctx: &'p Ctx<'p>,
        tx: &mut dyn Tx,
        id: UserId,
        p: Permission,
        action: AuditAction,
    ) -> ServiceResult<(UserAccount, Vec<Assignment>, Assignment)> {
        let user = tx
            .get_user(id)
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        let assignments = tx.list_assignments(id).await?;
        let units: Vec<UnitId> = assignments.iter().filter_map(|a| a.unit_id).collect();
        let grant = self
            .grant(
                ctx,
                p,
                Target {
                    organisation: user.organisation_id,
                    units: &units,
                },
                action,
                Some(("user", id.to_string())),
            )
            .await?
            .clone();
        Ok((user, assignments, grant))
    }

    pub async fn get_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserDetail> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (account, assignments, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::DirectoryRead,
                    AuditAction::UserRead,
                )
                .await?;
            let active_sessions = tx.count_user_sessions(id).await?;
            let tokens = tx.list_api_tokens(id).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UserRead,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id),
            )
            .await?;
            tx.commit().await?;
            Ok(UserDetail {
                unused: account.is_unused(now),
                account,
                assignments,
                active_sessions,
                tokens,
            })
        })
        .await
    }

    async fn validate_roles(
        &self,
        tx: &mut dyn Tx,
        org: &Organisation,
        roles: &[RoleInput],
    ) -> ServiceResult<Vec<Assignment>> {
        let mut out = Vec::new();
        for r in roles {
            if r.organisation_id != org.id {
                return Err(ServiceError::invalid(
                    "roles",
                    "a role must be held in the account's own organisation",
                ));
            }
            let unit = match r.unit_id {
                Some(u) => {
                    let unit = tx
                        .get_unit(u)
                        .await?
                        .ok_or_else(|| ServiceError::invalid("unit_id", "no such unit"))?;
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

    fn parse_account(
        input: &NewAccountInput,
    ) -> ServiceResult<(Username, String, Email, Option<HsaId>)> {
        Ok((
            Username::parse(&input.username)?,
            parse_name("display_name", &input.display_name, 100)?,
            Email::parse(&input.email)?,
            opt_text(input.hsa_id.as_deref())
                .map(HsaId::parse)
                .transpose()?,
        ))
    }

    /// Creates an account directly (a municipal administrator), active with a one-time
    /// password that must be changed at first login.
    pub async fn create_user(
        &self,
        ctx: &Ctx<'_>,
        input: NewAccountInput,
    ) -> ServiceResult<CreatedAccount> {
        self.audited(async { self.add_account(ctx, input, false).await })
            .await
    }

    /// Requests an account (a provider's administrator or a unit manager); it can be used only
    /// once a municipal administrator approves it.
    pub async fn request_user(
        &self,
        ctx: &Ctx<'_>,
        input: NewAccountInput,
    ) -> ServiceResult<CreatedAccount> {
        self.audited(async { self.add_account(ctx, input, true).await })
            .await
    }

    async fn add_account(
        &self,
        ctx: &Ctx<'_>,
        input: NewAccountInput,
        request: bool,
    ) -> ServiceResult<CreatedAccount> {
        let now = self.now();
        let (perm, action) = if request {
            (Permission::AccountRequest, AuditAction::UserRequested)
        } else {
            (Permission::AccountManage, AuditAction::UserCreated)
        };
        let (username, display_name, email, hsa_id) = Self::parse_account(&input)?;
        if input.roles.is_empty() {
            return Err(ServiceError::invalid(
                "roles",
                "give the account at least one role",
            ));
        }
        let mut tx = self.write().await?;
        let org = tx
            .get_organisation(input.organisation_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("organisation_id", "no such organisation"))?;
        // The caller needs the permission over the organisation and every unit given.
        let units: Vec<UnitId> = input.roles.iter().filter_map(|r| r.unit_id).collect();
        let grant = self
            .grant(
                ctx,
                perm,
                Target {
                    organisation: org.id,
                    units: &units,
                },
                action,
                Some(("organisation", org.id.to_string())),
            )
            .await?
            .clone();
        if let vaka_domain::access::Scope::Unit(own) = grant.scope()
            && input.roles.iter().any(|r| r.unit_id != Some(own))
        {
            return Err(self
                .deny(
                    ctx,
                    action,
                    Some(("organisation", org.id.to_string())),
                    "you may only request roles in your own unit",
                )
                .await);
        }
        let assignments = self.validate_roles(&mut *tx, &org, &input.roles).await?;
        let password = (!request).then(initial_password);
        let hash = match &password {
            Some(p) => Some(hash_password(p.clone()).await?),
            None => None,
        };
        let account = UserAccount {
            id: UserId::new(),
            username,
            display_name,
            email,
            hsa_id,
            organisation_id: org.id,
            status: if request {
                AccountStatus::Requested
            } else {
                AccountStatus::Active
            },
            totp_enabled: false,
            created_at: vaka_store::values::to_db_precision(now),
            last_login_at: None,
            requested_by: request.then_some(ctx.principal.user_id),
            decided_by: (!request).then_some(ctx.principal.user_id),
            decided_at: (!request).then_some(vaka_store::values::to_db_precision(now)),
            deactivated_at: None,
        };
        tx.insert_user(&NewUser {
            account: account.clone(),
            password_hash: hash,
            must_change_password: true,
        })
        .await?;
        for a in &assignments {
            tx.insert_assignment(
                account.id,
                a,
                Some(ctx.principal.user_id),
                DbInstant::new(now),
            )
            .await?;
        }
        self.recompute_reach(&mut *tx, account.id).await?;
        let roles: Vec<&str> = assignments.iter().map(|a| a.role.code()).collect();
        tx.append_audit(
            &ctx.entry(now, action, Outcome::Success, Some(&grant), ADMIN)
                .subject("user", account.id)
                .details(serde_json::json!({ "roles": roles }).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedAccount {
            account,
            initial_password: password,
        })
    }

    /// Approves a requested account; returns its one-time password.
    pub async fn approve_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<CreatedAccount> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (mut account, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountApprove,
                    AuditAction::UserApproved,
                )
                .await?;
            account.status = account.status.approve()?;
            let password = initial_password();
            let hash = hash_password(password.clone()).await?;
            tx.set_user_status(&StatusChange {
                user: id,
                status: account.status,
                at: DbInstant::new(now),
                decided_by: Some(ctx.principal.user_id),
            })
            .await?;
            tx.set_password(id, &hash, true, DbInstant::new(now))
                .await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UserApproved,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id),
            )
            .await?;
            tx.commit().await?;
            account.decided_by = Some(ctx.principal.user_id);
            Ok(CreatedAccount {
                account,
                initial_password: Some(password),
            })
        })
        .await
    }

    pub async fn reject_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserAccount> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (mut account, assignments, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountApprove,
                    AuditAction::UserRejected,
                )
                .await?;
            account.status = account.status.reject()?;
            tx.set_user_status(&StatusChange {
                user: id,
                status: account.status,
                at: DbInstant::new(now),
                decided_by: Some(ctx.principal.user_id),
            })
            .await?;
            for a in assignments {
                tx.delete_assignment(a.id).await?;
            }
            self.recompute_reach(&mut *tx, id).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UserRejected,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id),
            )
            .await?;
            tx.commit().await?;
            Ok(account)
        })
        .await
    }

    /// Ends an account at once: its sessions end and its tokens are revoked in the same
    /// transaction.
    pub async fn deactivate_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserAccount> {
        self.audited(async {
            let now = self.now();
            if id == ctx.principal.user_id {
                return Err(ServiceError::Conflict(
                    "you cannot end your own account".into(),
                ));
            }
            let mut tx = self.write().await?;
            let (mut account, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountDeactivate,
                    AuditAction::UserDeactivated,
                )
                .await?;
            account.status = account.status.deactivate()?;
            tx.set_user_status(&StatusChange {
                user: id,
                status: account.status,
                at: DbInstant::new(now),
                decided_by: None,
            })
            .await?;
            let sessions = tx.delete_user_sessions(id).await?;
            let tokens = tx.revoke_user_tokens(id, DbInstant::new(now)).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UserDeactivated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id)
                .details(
                    serde_json::json!({ "sessions_ended": sessions, "tokens_revoked": tokens })
                        .to_string(),
                ),
            )
            .await?;
            tx.commit().await?;
            account.deactivated_at = Some(vaka_store::values::to_db_precision(now));
            Ok(account)
        })
        .await
    }

    pub async fn reactivate_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserAccount> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (mut account, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountManage,
                    AuditAction::UserReactivated,
                )
                .await?;
            account.status = account.status.reactivate()?;
            tx.set_user_status(&StatusChange {
                user: id,
                status: account.status,
                at: DbInstant::new(now),
                decided_by: None,
            })
            .await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UserReactivated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id),
            )
            .await?;
            tx.commit().await?;
            account.deactivated_at = None;
            Ok(account)
        })
        .await
    }

    pub async fn update_user(
        &self,
        ctx: &Ctx<'_>,
        id: UserId,
        patch: ProfilePatch,
    ) -> ServiceResult<UserAccount> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (mut account, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountManage,
                    AuditAction::UserUpdated,
                )
                .await?;
            if let Some(n) = &patch.display_name {
                account.display_name = parse_name("display_name", n, 100)?;
            }
            if let Some(e) = &patch.email {
                account.email = Email::parse(e)?;
            }
            if let Some(h) = &patch.hsa_id {
                account.hsa_id = opt_text(Some(h)).map(HsaId::parse).transpose()?;
            }
            tx.update_user_profile(&account).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::UserUpdated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id),
            )
            .await?;
            tx.commit().await?;
            Ok(account)
        })
        .await
    }

    /// Issues a new one-time password (the old one stops working, sessions end).
    pub async fn reset_password(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<String> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (account, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountManage,
                    AuditAction::PasswordChanged,
                )
                .await?;
            if !account.status.can_log_in() {
                return Err(ServiceError::Conflict("the account is not active".into()));
            }
            let password = initial_password();
            let hash = hash_password(password.clone()).await?;
            tx.set_password(id, &hash, true, DbInstant::new(now))
                .await?;
            tx.delete_user_sessions(id).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::PasswordChanged,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id)
                .details(serde_json::json!({ "reset_by_admin": true }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(password)
        })
        .await
    }

    /// Removes a user's second factor (a lost phone); they enrol again at next login.
    pub async fn reset_second_factor(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<()> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (_, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::AccountManage,
                    AuditAction::SecondFactorEnrolled,
                )
                .await?;
            tx.set_totp_pending(id, None).await?;
            tx.replace_recovery_codes(id, &[]).await?;
            tx.delete_user_sessions(id).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::SecondFactorEnrolled,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("user", id)
                .details(serde_json::json!({ "reset": true }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    pub async fn grant_role(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        role: RoleInput,
    ) -> ServiceResult<Assignment> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (account, _, _) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    user,
                    Permission::AccountManage,
                    AuditAction::RoleGranted,
                )
                .await?;
            let org = tx
                .get_organisation(account.organisation_id)
                .await?
                .ok_or(ServiceError::NotFound("organisation"))?;
            let units: Vec<UnitId> = role.unit_id.into_iter().collect();
            let grant = self
                .grant(
                    ctx,
                    Permission::AccountManage,
                    Target {
                        organisation: role.organisation_id,
                        units: &units,
                    },
                    AuditAction::RoleGranted,
                    Some(("user", user.to_string())),
                )
                .await?
                .clone();
            let mut assignments = self.validate_roles(&mut *tx, &org, &[role]).await?;
            let a = assignments
                .pop()
                .ok_or(ServiceError::Internal("no assignment".into()))?;
            tx.insert_assignment(user, &a, Some(ctx.principal.user_id), DbInstant::new(now))
                .await?;
            self.recompute_reach(&mut *tx, user).await?;
            tx.append_audit(
                &ctx.entry(now, AuditAction::RoleGranted, Outcome::Success, Some(&grant), ADMIN)
                    .subject("user", user)
                    .details(serde_json::json!({ "role": a.role.code(), "organisation": a.organisation_id, "unit": a.unit_id }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(a)
        })
        .await
    }

    pub async fn revoke_role(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        assignment: RoleAssignmentId,
    ) -> ServiceResult<()> {
        self.audited(async {
            let now = self.now();
            if user == ctx.principal.user_id {
                return Err(ServiceError::Conflict(
                    "you cannot remove your own roles".into(),
                ));
            }
            let mut tx = self.write().await?;
            let (_, assignments, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    user,
                    Permission::AccountManage,
                    AuditAction::RoleRevoked,
                )
                .await?;
            let a = assignments
                .iter()
                .find(|a| a.id == assignment)
                .ok_or(ServiceError::NotFound("role assignment"))?;
            tx.delete_assignment(a.id).await?;
            self.recompute_reach(&mut *tx, user).await?;
            tx.append_audit(
                &ctx.entry(now, AuditAction::RoleRevoked, Outcome::Success, Some(&grant), ADMIN)
                    .subject("user", user)
                    .details(serde_json::json!({ "role": a.role.code(), "organisation": a.organisation_id, "unit": a.unit_id }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }

    /// Issues a bearer token for a user in the caller's scope.
    pub async fn create_api_token(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        name: &str,
    ) -> ServiceResult<IssuedToken> {
        self.audited(async {
            let now = self.now();
            let name = parse_name("name", name, 80)?;
            let mut tx = self.write().await?;
            let (account, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    user,
                    Permission::TokenManage,
                    AuditAction::TokenCreated,
                )
                .await?;
            if !account.status.can_log_in() {
                return Err(ServiceError::Conflict("the account is not active".into()));
            }
            let issued = self
                .issue_token(&mut *tx, user, &name, Some(ctx.principal.user_id), None)
                .await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::TokenCreated,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("token", issued.id)
                .details(serde_json::json!({ "user": user }).to_string()),
            )
            .await?;
            tx.commit().await?;
            Ok(issued)
        })
        .await
    }

    pub async fn revoke_api_token(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        token: vaka_domain::ids::ApiTokenId,
    ) -> ServiceResult<()> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (_, _, grant) = self
                .user_in_scope(
                    ctx,
                    &mut *tx,
                    user,
                    Permission::TokenManage,
                    AuditAction::TokenRevoked,
                )
                .await?;
            if !tx
                .list_api_tokens(user)
                .await?
                .iter()
                .any(|t| t.id == token)
            {
                return Err(ServiceError::NotFound("token"));
            }
            tx.revoke_api_token(token, DbInstant::new(now)).await?;
            tx.append_audit(
                &ctx.entry(
                    now,
                    AuditAction::TokenRevoked,
                    Outcome::Success,
                    Some(&grant),
                    ADMIN,
                )
                .subject("token", token),
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}

/// Counts for the overview page (no personal data, so not audited).
#[derive(Debug, Clone, Copy, Default)]
pub struct DirectorySummary {
    pub pending_requests: usize,
    pub unused_accounts: usize,
}

impl Services {
    pub async fn directory_summary(&self, ctx: &Ctx<'_>) -> ServiceResult<DirectorySummary> {
        let now = self.now();
        let reach = ctx.principal.reach(Permission::DirectoryRead);
        if reach.is_empty() {
            return Ok(DirectorySummary::default());
        }
        let mut tx = self.read().await?;
        let mut users = Vec::new();
        let all = UserFilter {
            limit: 100_000,
            ..UserFilter::default()
        };
        if reach.everything {
            users = tx.list_users(&all).await?;
        } else {
            for o in &reach.organisations {
                users.extend(
                    tx.list_users(&UserFilter {
                        organisation: Some(*o),
                        ..all.clone()
                    })
                    .await?,
                );
            }
            for u in &reach.units {
                users.extend(
                    tx.list_users(&UserFilter {
                        unit: Some(*u),
                        ..all.clone()
                    })
                    .await?,
                );
            }
            users.sort_by_key(|u| u.id);
            users.dedup_by_key(|u| u.id);
        }
        Ok(DirectorySummary {
            pending_requests: if ctx.principal.has_permission(Permission::AccountApprove) {
                users
                    .iter()
                    .filter(|u| u.status == AccountStatus::Requested)
                    .count()
            } else {
                0
            },
            unused_accounts: users.iter().filter(|u| u.is_unused(now)).count(),
        })
    }

    /// The id behind a username (for the audit search form); reveals nothing else.
    pub async fn user_id_by_username(&self, username: &str) -> ServiceResult<Option<UserId>> {
        let mut tx = self.read().await?;
        Ok(tx
            .get_user_by_username(&username.trim().to_lowercase())
            .await?
            .map(|u| u.id))
    }
}
