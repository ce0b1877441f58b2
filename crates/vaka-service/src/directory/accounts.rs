//! User accounts: listing and reading them (staff data is personal data: audited), and their
//! lifecycle — create or request, approve or reject, change, end and reactivate, reset.

use std::collections::BTreeMap;

use vaka_domain::access::{Permission, Scope, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::{AccountStatus, UserAccount};
use vaka_domain::ids::{UnitId, UserId};
use vaka_domain::reason::DirectoryReason;
use vaka_domain::validate::{Email, HsaId, Username, parse_name};
use vaka_store::values::to_db_precision;
use vaka_store::{DbInstant, NewUser, StatusChange, UserFilter};

use super::{
    ADMIN, CreatedAccount, NewAccountInput, ProfilePatch, UserDetail, UserListItem, UserListQuery,
    clean_search, directory_reach, named_organisation, opt_text, recompute_reach, user_in_scope,
    validate_roles,
};
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::secrets::{hash_password, initial_password};
use crate::{Ctx, ServiceResult, Services};

fn parse_account(input: &NewAccountInput) -> WorkResult<(Username, String, Email, Option<HsaId>)> {
    Ok((
        Username::parse(&input.username)?,
        parse_name("display_name", &input.display_name, 100)?,
        Email::parse(&input.email)?,
        opt_text(input.hsa_id.as_deref())
            .map(HsaId::parse)
            .transpose()?,
    ))
}

/// Writes a status decided by the caller (`decided_by`) or by nobody in particular.
async fn set_status(
    w: &mut Change<'_>,
    user: UserId,
    status: AccountStatus,
    decided_by: Option<UserId>,
) -> WorkResult<()> {
    let at = DbInstant::new(w.now());
    w.set_user_status(&StatusChange {
        user,
        status,
        at,
        decided_by,
    })
    .await?;
    Ok(())
}

impl Services {
    /// Accounts in the caller's scope. Staff data is personal data: the listing is audited.
    pub async fn list_users(
        &self,
        ctx: &Ctx<'_>,
        q: &UserListQuery,
    ) -> ServiceResult<Vec<UserListItem>> {
        let op = ctx.op(AuditAction::AccessDenied, ADMIN);
        self.door
            .read(op, async |r| {
                let reach = directory_reach(r)?;
                let base = UserFilter {
                    organisation: q.organisation,
                    unit: q.unit,
                    status: q.status,
                    search: clean_search(q.search.as_deref()),
                    limit: 500,
                };
                // One query per scope the caller holds, intersected with the caller's filter.
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
                let mut found: BTreeMap<(String, UserId), UserAccount> = BTreeMap::new();
                for f in &filters {
                    for u in r.list_users(f).await? {
                        found.insert((u.display_name.to_lowercase(), u.id), u);
                    }
                }
                let now = r.now();
                let items: Vec<UserListItem> = found
                    .into_values()
                    .map(|account| UserListItem {
                        unused: account.is_unused(now),
                        account,
                    })
                    .filter(|i| !q.only_unused || i.unused)
                    .collect();
                let e = r
                    .entry_for(
                        AuditAction::UsersListed,
                        vaka_domain::audit::Outcome::Success,
                        grant.as_ref(),
                    )
                    .details(serde_json::json!({ "results": items.len() }).to_string());
                r.record(e);
                Ok(items)
            })
            .await
    }

    pub async fn get_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserDetail> {
        let op = ctx.op(AuditAction::UserRead, ADMIN);
        self.door
            .read(op, async |r| {
                let (account, assignments, grant) =
                    user_in_scope(r, id, Permission::DirectoryRead).await?;
                let units: Vec<UnitId> = assignments.iter().filter_map(|a| a.unit_id).collect();
                let approver = ctx
                    .principal
                    .grant_for(
                        Permission::AccountApprove,
                        Target {
                            organisation: account.organisation_id,
                            units: &units,
                        },
                    )
                    .is_some();
                // A request holds its username under its own id, so a match is another
                // account (or, for a request stored before requests held their names, itself).
                let username_taken = approver
                    && account.status == AccountStatus::Requested
                    && r.get_user_by_username(account.username.as_str())
                        .await?
                        .is_some_and(|other| other.id != id);
                let active_sessions = r.count_user_sessions(id).await?;
                let tokens = r.list_api_tokens(id).await?;
                r.succeeded(Some(&grant), |e| e.subject("user", id));
                Ok(UserDetail {
                    unused: account.is_unused(r.now()),
                    account,
                    assignments,
                    active_sessions,
                    tokens,
                    username_taken,
                })
            })
            .await
    }

    /// Creates an account directly (a municipal administrator), active with a one-time
    /// password that must be changed at first login.
    pub async fn create_user(
        &self,
        ctx: &Ctx<'_>,
        input: NewAccountInput,
    ) -> ServiceResult<CreatedAccount> {
        self.add_account(ctx, input, false).await
    }

    /// Requests an account (a provider's administrator or a unit manager); it can be used only
    /// once a municipal administrator approves it. The request does not claim its username
    /// (see [`UserAccount::stored_username`]): it is answered alike whether or not another
    /// organisation's account has the name, so a requester cannot probe for usernames; the
    /// approver sees a clash and chooses another name.
    pub async fn request_user(
        &self,
        ctx: &Ctx<'_>,
        input: NewAccountInput,
    ) -> ServiceResult<CreatedAccount> {
        self.add_account(ctx, input, true).await
    }

    async fn add_account(
        &self,
        ctx: &Ctx<'_>,
        input: NewAccountInput,
        request: bool,
    ) -> ServiceResult<CreatedAccount> {
        let (perm, action) = if request {
            (Permission::AccountRequest, AuditAction::UserRequested)
        } else {
            (Permission::AccountManage, AuditAction::UserCreated)
        };
        self.door
            .change(ctx.op(action, ADMIN), async |w| {
                let (username, display_name, email, hsa_id) = parse_account(&input)?;
                if input.roles.is_empty() {
                    return Err(Fault::invalid("roles", DirectoryReason::NoRoles));
                }
                let org =
                    named_organisation(w.reads(), input.organisation_id, "organisation_id").await?;
                // The caller needs the permission over the organisation and every unit given.
                let units: Vec<UnitId> = input.roles.iter().filter_map(|r| r.unit_id).collect();
                let subject = || Some(("organisation", org.id.to_string()));
                let grant = w.grant(
                    perm,
                    Target {
                        organisation: org.id,
                        units: &units,
                    },
                    subject(),
                )?;
                if let Scope::Unit(own) = grant.scope()
                    && input.roles.iter().any(|r| r.unit_id != Some(own))
                {
                    return Err(w.denied(DirectoryReason::RolesOnlyInOwnUnit, subject()));
                }
                let assignments = validate_roles(&mut **w, &org, &input.roles).await?;
                let password = (!request).then(initial_password);
                let hash = match &password {
                    Some(p) => Some(hash_password(p.clone()).await?),
                    None => None,
                };
                let now = to_db_precision(w.now());
                let me = ctx.principal.user_id;
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
                    created_at: now,
                    last_login_at: None,
                    requested_by: request.then_some(me),
                    decided_by: (!request).then_some(me),
                    decided_at: (!request).then_some(now),
                    deactivated_at: None,
                };
                w.insert_user(&NewUser {
                    account: account.clone(),
                    password_hash: hash,
                    must_change_password: true,
                })
                .await?;
                for a in &assignments {
                    w.insert_assignment(account.id, a, Some(me), DbInstant::new(now))
                        .await?;
                }
                recompute_reach(&mut **w, account.id).await?;
                let roles: Vec<&str> = assignments.iter().map(|a| a.role.code()).collect();
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", account.id)
                        .details(serde_json::json!({ "roles": roles }).to_string())
                });
                Ok(CreatedAccount {
                    account,
                    initial_password: password,
                })
            })
            .await
    }

    /// Approves a requested account under the username asked for, or under `username` when
    /// the approver chooses another (the one asked for is taken); returns its one-time
    /// password. The account claims its username now: `Conflict` when another has it.
    pub async fn approve_user(
        &self,
        ctx: &Ctx<'_>,
        id: UserId,
        username: Option<&str>,
    ) -> ServiceResult<CreatedAccount> {
        self.door
            .change(ctx.op(AuditAction::UserApproved, ADMIN), async |w| {
                let (mut account, _, grant) =
                    user_in_scope(w, id, Permission::AccountApprove).await?;
                account.status = account.status.approve()?;
                let requested = account.username.clone();
                if let Some(chosen) = username.map(str::trim).filter(|u| !u.is_empty()) {
                    account.username = Username::parse(chosen)?;
                }
                w.claim_username(id, &account.username).await?;
                let password = initial_password();
                let hash = hash_password(password.clone()).await?;
                let me = ctx.principal.user_id;
                set_status(w, id, account.status, Some(me)).await?;
                let now = DbInstant::new(w.now());
                w.set_password(id, &hash, true, now).await?;
                let renamed = (account.username != requested).then(|| {
                    serde_json::json!({
                        "requested": requested.as_str(),
                        "username": account.username.as_str(),
                    })
                    .to_string()
                });
                w.succeeded(Some(&grant), |e| match renamed {
                    Some(d) => e.subject("user", id).details(d),
                    None => e.subject("user", id),
                });
                account.decided_by = Some(me);
                Ok(CreatedAccount {
                    account,
                    initial_password: Some(password),
                })
            })
            .await
    }

    pub async fn reject_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserAccount> {
        self.door
            .change(ctx.op(AuditAction::UserRejected, ADMIN), async |w| {
                let (mut account, assignments, grant) =
                    user_in_scope(w, id, Permission::AccountApprove).await?;
                account.status = account.status.reject()?;
                set_status(w, id, account.status, Some(ctx.principal.user_id)).await?;
                for a in assignments {
                    w.delete_assignment(a.id).await?;
                }
                recompute_reach(&mut **w, id).await?;
                w.succeeded(Some(&grant), |e| e.subject("user", id));
                Ok(account)
            })
            .await
    }

    /// Ends an account at once: its sessions end and its tokens are revoked in the same
    /// transaction.
    pub async fn deactivate_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserAccount> {
        self.door
            .change(ctx.op(AuditAction::UserDeactivated, ADMIN), async |w| {
                if id == ctx.principal.user_id {
                    return Err(Fault::conflict(DirectoryReason::CannotEndOwnAccount));
                }
                let (mut account, _, grant) =
                    user_in_scope(w, id, Permission::AccountDeactivate).await?;
                account.status = account.status.deactivate()?;
                set_status(w, id, account.status, None).await?;
                let now = w.now();
                let sessions = w.delete_user_sessions(id).await?;
                let tokens = w.revoke_user_tokens(id, DbInstant::new(now)).await?;
                w.revoke_user_app_devices(id, DbInstant::new(now)).await?;
                let keys = crate::keys::revoke_user_grants(w, id).await?;
                // Leaving ends one's delegations, either side, at once.
                let delegations =
                    crate::delegation::delegations::end_delegations_of(w, id, true).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", id).details(
                        serde_json::json!({
                            "sessions_ended": sessions,
                            "tokens_revoked": tokens,
                            "lock_grants_revoked": keys.len(),
                            "delegations_ended": delegations,
                        })
                        .to_string(),
                    )
                });
                account.deactivated_at = Some(to_db_precision(now));
                Ok((account, keys))
            })
            .await
            .map(|(account, keys)| {
                self.locks_revoked(keys);
                account
            })
    }

    pub async fn reactivate_user(&self, ctx: &Ctx<'_>, id: UserId) -> ServiceResult<UserAccount> {
        self.door
            .change(ctx.op(AuditAction::UserReactivated, ADMIN), async |w| {
                let (mut account, _, grant) =
                    user_in_scope(w, id, Permission::AccountManage).await?;
                if w.account_pseudonymised(id).await? {
                    return Err(Fault::conflict(DirectoryReason::AccountPseudonymised));
                }
                account.status = account.status.reactivate()?;
                set_status(w, id, account.status, None).await?;
                w.succeeded(Some(&grant), |e| e.subject("user", id));
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
        self.door
            .change(ctx.op(AuditAction::UserUpdated, ADMIN), async |w| {
                let (mut account, _, grant) =
                    user_in_scope(w, id, Permission::AccountManage).await?;
                if let Some(n) = &patch.display_name {
                    account.display_name = parse_name("display_name", n, 100)?;
                }
                if let Some(e) = &patch.email {
                    account.email = Email::parse(e)?;
                }
                let before_hsa = account.hsa_id.clone();
                if let Some(h) = &patch.hsa_id {
                    account.hsa_id = opt_text(Some(h)).map(HsaId::parse).transpose()?;
                }
                w.update_user_profile(&account).await?;
                // Linking an HSA-id lets SITHS eID log in as the account: the log names it.
                let hsa_changed = account.hsa_id != before_hsa;
                let hsa = account
                    .hsa_id
                    .as_ref()
                    .map(HsaId::as_str)
                    .map(str::to_owned);
                w.succeeded(Some(&grant), |e| {
                    let e = e.subject("user", id);
                    if hsa_changed {
                        e.details(serde_json::json!({ "hsa_id": hsa }).to_string())
                    } else {
                        e
                    }
                });
                Ok(account)
            })
            .await
    }

    /// Issues a new one-time password (the old one stops working, sessions end). Needs the
    /// caller's fresh second factor (`code` proves it again when stale): whoever holds an
    /// administrator's unattended session must not take over accounts with it.
    pub async fn reset_password(
        &self,
        ctx: &Ctx<'_>,
        id: UserId,
        code: Option<&str>,
    ) -> ServiceResult<String> {
        let result = self
            .door
            .change(ctx.op(AuditAction::PasswordChanged, ADMIN), async |w| {
                let (account, _, grant) = user_in_scope(w, id, Permission::AccountManage).await?;
                if !account.status.can_log_in() {
                    return Err(Fault::conflict(DirectoryReason::AccountNotActive));
                }
                if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                    return Ok(Err(wrong));
                }
                let password = initial_password();
                let hash = hash_password(password.clone()).await?;
                let now = DbInstant::new(w.now());
                w.set_password(id, &hash, true, now).await?;
                w.delete_user_sessions(id).await?;
                w.revoke_user_app_devices(id, now).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", id)
                        .details(serde_json::json!({ "reset_by_admin": true }).to_string())
                });
                Ok(Ok(password))
            })
            .await;
        self.after_step_up(ctx, result).await
    }

    /// Removes a user's second factor (a lost phone: TOTP, recovery codes and passkeys); they
    /// enrol again at next login. Needs
    /// the caller's fresh second factor (`code` proves it again when stale).
    pub async fn reset_second_factor(
        &self,
        ctx: &Ctx<'_>,
        id: UserId,
        code: Option<&str>,
    ) -> ServiceResult<()> {
        let result = self
            .door
            .change(
                ctx.op(AuditAction::SecondFactorEnrolled, ADMIN),
                async |w| {
                    let (_, _, grant) = user_in_scope(w, id, Permission::AccountManage).await?;
                    if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                        return Ok(Err(wrong));
                    }
                    w.set_totp_pending(id, None).await?;
                    w.replace_recovery_codes(id, &[]).await?;
                    // A lost phone may be the device that held a passkey too.
                    w.delete_user_passkeys(id).await?;
                    w.delete_user_sessions(id).await?;
                    let at = DbInstant::new(w.now());
                    w.revoke_user_app_devices(id, at).await?;
                    w.succeeded(Some(&grant), |e| {
                        e.subject("user", id)
                            .details(serde_json::json!({ "reset": true }).to_string())
                    });
                    Ok(Ok(()))
                },
            )
            .await;
        self.after_step_up(ctx, result).await
    }
}
