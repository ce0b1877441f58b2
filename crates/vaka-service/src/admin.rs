//! Operations of the server's operator through the `vaka` command line: bootstrapping the
//! first accounts, issuing tokens. They are audited with the `cli` credential; whoever runs the
//! command already controls the server and its database.

use vaka_domain::access::{Assignment, check_assignment};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::{AccountStatus, Organisation, UserAccount};
use vaka_domain::ids::{OrganisationId, RoleAssignmentId, UserId};
use vaka_domain::reason::DirectoryReason;
use vaka_domain::validate::{Email, HsaId, Username, check_password_policy, parse_name};
use vaka_store::values::to_db_precision;
use vaka_store::{DbInstant, NewUser};

use crate::auth::IssuedToken;
use crate::directory::{ADMIN, RoleInput, named_organisation, recompute_reach};
use crate::door::{Op, Work};
use crate::error::Fault;
use crate::secrets::{hash_password, initial_password};
use crate::{ServiceResult, Services};

/// An account made from the command line.
#[derive(Debug, Clone)]
pub struct CliAccount {
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub hsa_id: Option<String>,
    pub organisation_id: OrganisationId,
    pub roles: Vec<RoleInput>,
    /// When `None`, a one-time password is generated and must be changed at first login.
    pub password: Option<String>,
    /// A TOTP secret to enrol right away (demo data), base32.
    pub totp_secret: Option<String>,
}

impl Services {
    /// Records that the key sealing the database's secrets was replaced (`vaka secrets
    /// rotate`): the ids of the key before and the new one (never a key), and how many values
    /// were sealed again.
    pub async fn cli_secrets_rotated(
        &self,
        old_key: &str,
        new_key: &str,
        resealed: u64,
    ) -> ServiceResult<()> {
        let op = Op::cli(AuditAction::SecretsRotated, ADMIN);
        self.door
            .change(op, async |w| {
                let mut e = w
                    .entry(vaka_domain::audit::Outcome::Success, None)
                    .subject("secrets_key", new_key);
                e.details = Some(
                    serde_json::json!({
                        "old_key": old_key,
                        "new_key": new_key,
                        "resealed": resealed,
                    })
                    .to_string(),
                );
                w.record(e);
                Ok(())
            })
            .await
    }

    /// Every organisation (the command line finds one by name; directory data, not audited).
    pub async fn cli_list_organisations(&self) -> ServiceResult<Vec<Organisation>> {
        let op = Op::cli(AuditAction::AccessDenied, ADMIN);
        self.door
            .read(op, async |r| Ok(r.list_organisations().await?))
            .await
    }

    pub async fn cli_create_organisation(&self, org: Organisation) -> ServiceResult<Organisation> {
        Organisation::check_kinds(org.kind, org.provider_kind)?;
        let op = Op::cli(AuditAction::OrganisationCreated, ADMIN);
        self.door
            .change(op, async |w| {
                w.insert_organisation(&org).await?;
                w.succeeded(None, |e| e.subject("organisation", org.id));
                Ok(())
            })
            .await?;
        Ok(org)
    }

    pub async fn cli_create_user(&self, input: CliAccount) -> ServiceResult<(UserAccount, String)> {
        let username = Username::parse(&input.username)?;
        let (password, must_change) = match input.password {
            Some(p) => {
                check_password_policy(&p, username.as_str(), &[&input.display_name, &input.email])?;
                (p, false)
            }
            None => (initial_password(), true),
        };
        let hash = hash_password(password.clone()).await?;
        let op = Op::cli(AuditAction::UserCreated, ADMIN);
        let account = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let org =
                    named_organisation(w.reads(), input.organisation_id, "organisation").await?;
                let account = UserAccount {
                    id: UserId::new(),
                    username,
                    display_name: parse_name("display_name", &input.display_name, 100)?,
                    email: Email::parse(&input.email)?,
                    hsa_id: input.hsa_id.as_deref().map(HsaId::parse).transpose()?,
                    organisation_id: org.id,
                    status: AccountStatus::Active,
                    totp_enabled: input.totp_secret.is_some(),
                    created_at: now,
                    last_login_at: None,
                    requested_by: None,
                    decided_by: None,
                    decided_at: Some(now),
                    deactivated_at: None,
                };
                w.insert_user(&NewUser {
                    account: account.clone(),
                    password_hash: Some(hash),
                    must_change_password: must_change,
                })
                .await?;
                for r in &input.roles {
                    let unit = match r.unit_id {
                        Some(u) => {
                            let unit = w.get_unit(u).await?.ok_or_else(|| {
                                Fault::invalid("unit", DirectoryReason::NoSuchUnit)
                            })?;
                            Some((unit.id, unit.organisation_id))
                        }
                        None => None,
                    };
                    check_assignment(r.role, org.kind, org.id, unit)?;
                    let a = Assignment {
                        id: RoleAssignmentId::new(),
                        role: r.role,
                        organisation_id: org.id,
                        organisation_kind: org.kind,
                        unit_id: r.unit_id,
                    };
                    w.insert_assignment(account.id, &a, None, DbInstant::new(now))
                        .await?;
                }
                recompute_reach(&mut **w, account.id).await?;
                if let Some(secret) = &input.totp_secret {
                    w.set_totp_pending(account.id, Some(secret)).await?;
                    w.enable_totp(account.id, DbInstant::new(now), 0).await?;
                }
                let roles: Vec<&str> = input.roles.iter().map(|r| r.role.code()).collect();
                w.succeeded(None, |e| {
                    e.subject("user", account.id)
                        .details(serde_json::json!({ "roles": roles }).to_string())
                });
                Ok(account)
            })
            .await?;
        Ok((account, password))
    }

    /// Registers a client from the command line or the demo (the registry's own use cases
    /// come with the client registry).
    pub async fn cli_insert_client(
        &self,
        client: vaka_domain::client::Client,
    ) -> ServiceResult<()> {
        let op = Op::cli(AuditAction::ClientCreated, ADMIN);
        self.door
            .change(op, async |w| {
                w.insert_client(&client).await?;
                w.succeeded(None, |e| e.client(client.id));
                Ok(())
            })
            .await
    }

    /// `vaka token create --username U`.
    pub async fn cli_create_token(&self, username: &str, name: &str) -> ServiceResult<IssuedToken> {
        let name = parse_name("name", name, 80)?;
        let username = username.trim().to_lowercase();
        let op = Op::cli(AuditAction::TokenCreated, ADMIN);
        self.door
            .change(op, async |w| {
                let user = w
                    .get_user_by_username(&username)
                    .await?
                    .ok_or(Fault::not_found("user"))?;
                if !user.status.can_log_in() {
                    return Err(Fault::conflict(DirectoryReason::AccountNotActive));
                }
                let issued = self
                    .issue_token(&mut **w, user.id, &name, None, None)
                    .await?;
                w.succeeded(None, |e| {
                    e.subject("token", issued.id)
                        .details(serde_json::json!({ "user": user.id }).to_string())
                });
                Ok(issued)
            })
            .await
    }
}
