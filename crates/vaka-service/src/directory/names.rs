//! What pages show beside ids (names of organisations, units and staff), the overview's
//! counts, and the account behind a username. Directory data, not clients' personal data: not
//! audited.

use std::collections::HashMap;

use vaka_domain::access::{Permission, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::{AccountStatus, Organisation, Unit, UserAccount};
use vaka_domain::ids::{UnitId, UserId};
use vaka_store::UserFilter;

use super::ADMIN;
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

/// The names a page shows beside ids: every organisation and unit, and the display names of
/// the staff asked for.
#[derive(Debug, Clone, Default)]
pub struct DirectoryNames {
    pub organisations: Vec<Organisation>,
    pub units: Vec<Unit>,
    pub users: HashMap<UserId, String>,
}

/// Counts for the overview page (no personal data, so not audited).
#[derive(Debug, Clone, Copy, Default)]
pub struct DirectorySummary {
    pub pending_requests: usize,
    pub unused_accounts: usize,
}

impl Services {
    /// Every organisation and unit, and the display names of `users`.
    pub async fn directory_names(
        &self,
        ctx: &Ctx<'_>,
        users: &[UserId],
    ) -> ServiceResult<DirectoryNames> {
        self.door
            .read(ctx.op(AuditAction::AccessDenied, ADMIN), async |r| {
                let mut names = DirectoryNames {
                    organisations: r.list_organisations().await?,
                    units: r.list_units().await?,
                    users: HashMap::new(),
                };
                for u in users {
                    if names.users.contains_key(u) {
                        continue;
                    }
                    if let Some(user) = r.get_user(*u).await? {
                        names.users.insert(*u, user.display_name);
                    }
                }
                Ok(names)
            })
            .await
    }

    /// The staff of a unit (who may join a protected client's named group).
    pub async fn unit_members(&self, ctx: &Ctx<'_>, unit: UnitId) -> ServiceResult<Vec<UserId>> {
        self.door
            .read(ctx.op(AuditAction::AccessDenied, ADMIN), async |r| {
                Ok(r.list_unit_members(unit).await?)
            })
            .await
    }

    /// The caller's own account and organisation (the profile page).
    pub async fn own_account(
        &self,
        ctx: &Ctx<'_>,
    ) -> ServiceResult<(UserAccount, Option<Organisation>)> {
        let me = ctx.principal.user_id;
        self.door
            .read(ctx.op(AuditAction::AccessDenied, ADMIN), async |r| {
                let user = r.get_user(me).await?.ok_or(Fault::not_found("user"))?;
                let org = r.get_organisation(user.organisation_id).await?;
                Ok((user, org))
            })
            .await
    }

    pub async fn directory_summary(&self, ctx: &Ctx<'_>) -> ServiceResult<DirectorySummary> {
        let reach = ctx.principal.reach(Permission::DirectoryRead);
        if reach.is_empty() {
            return Ok(DirectorySummary::default());
        }
        self.door
            .read(ctx.op(AuditAction::AccessDenied, ADMIN), async |r| {
                let all = UserFilter {
                    limit: 100_000,
                    ..UserFilter::default()
                };
                let mut users = Vec::new();
                if reach.everything {
                    users = r.list_users(&all).await?;
                } else {
                    for o in &reach.organisations {
                        let only = UserFilter {
                            organisation: Some(*o),
                            ..all.clone()
                        };
                        users.extend(r.list_users(&only).await?);
                    }
                    for u in &reach.units {
                        let only = UserFilter {
                            unit: Some(*u),
                            ..all.clone()
                        };
                        users.extend(r.list_users(&only).await?);
                    }
                    users.sort_by_key(|u| u.id);
                    users.dedup_by_key(|u| u.id);
                }
                let now = r.now();
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
            })
            .await
    }

    /// The id behind a username (for the audit search form), for an account the caller may
    /// see in the directory; `None` for any other, exactly as for a name nobody has, so the
    /// form is no way to learn which usernames exist elsewhere (account enumeration).
    pub async fn user_id_by_username(
        &self,
        ctx: &Ctx<'_>,
        username: &str,
    ) -> ServiceResult<Option<UserId>> {
        let name = username.trim().to_lowercase();
        self.door
            .read(ctx.op(AuditAction::AccessDenied, ADMIN), async |r| {
                let Some(user) = r.get_user_by_username(&name).await? else {
                    return Ok(None);
                };
                let units: Vec<UnitId> = r
                    .list_assignments(user.id)
                    .await?
                    .iter()
                    .filter_map(|a| a.unit_id)
                    .collect();
                let visible = ctx
                    .principal
                    .grant_for(
                        Permission::DirectoryRead,
                        Target {
                            organisation: user.organisation_id,
                            units: &units,
                        },
                    )
                    .is_some();
                Ok(visible.then_some(user.id))
            })
            .await
    }
}
