//! Operations of the server's operator through the `vaka` command line: bootstrapping the
//! first accounts, issuing tokens. They are audited with the `cli` credential; whoever runs the
//! command already controls the server and its database.

use vaka_domain::access::{Assignment, Credential, check_assignment};
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::directory::{AccountStatus, Organisation, UserAccount};
use vaka_domain::ids::{OrganisationId, RoleAssignmentId, UserId};
use vaka_domain::validate::{Email, HsaId, Username, check_password_policy, parse_name};
use vaka_store::{DbInstant, NewUser};

use crate::auth::IssuedToken;
use crate::directory::RoleInput;
use crate::secrets::{hash_password, initial_password};
use crate::{ServiceError, ServiceResult, Services};

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

fn cli_entry(services: &Services, action: AuditAction) -> NewAuditEntry {
    let mut e = NewAuditEntry::new(
        services.now(),
        Actor::system(Credential::Cli),
        action,
        Outcome::Success,
    );
    e.care_context = Some("administration".into());
    e
}

impl Services {
    /// Every organisation (the command line finds one by name; directory data, not audited).
    pub async fn cli_list_organisations(&self) -> ServiceResult<Vec<Organisation>> {
        let op = crate::door::Op::cli(AuditAction::AccessDenied, "administration");
        self.door
            .read(op, async |r| Ok(r.list_organisations().await?))
            .await
    }

    pub async fn cli_create_organisation(&self, org: Organisation) -> ServiceResult<Organisation> {
        Organisation::check_kinds(org.kind, org.provider_kind)?;
        let mut tx = self.write().await?;
        tx.insert_organisation(&org).await?;
        tx.append_audit(
            &cli_entry(self, AuditAction::OrganisationCreated).subject("organisation", org.id),
        )
        .await?;
        tx.commit().await?;
        Ok(org)
    }

    pub async fn cli_create_user(&self, input: CliAccount) -> ServiceResult<(UserAccount, String)> {
        let now = self.now();
        let username = Username::parse(&input.username)?;
        let (password, must_change) = match input.password {
            Some(p) => {
                check_password_policy(&p, username.as_str())?;
                (p, false)
            }
            None => (initial_password(), true),
        };
        let hash = hash_password(password.clone()).await?;
        let mut tx = self.write().await?;
        let org = tx
            .get_organisation(input.organisation_id)
            .await?
            .ok_or_else(|| ServiceError::invalid("organisation", "no such organisation"))?;
        let account = UserAccount {
            id: UserId::new(),
            username,
            display_name: parse_name("display_name", &input.display_name, 100)?,
            email: Email::parse(&input.email)?,
            hsa_id: input.hsa_id.as_deref().map(HsaId::parse).transpose()?,
            organisation_id: org.id,
            status: AccountStatus::Active,
            totp_enabled: input.totp_secret.is_some(),
            created_at: vaka_store::values::to_db_precision(now),
            last_login_at: None,
            requested_by: None,
            decided_by: None,
            decided_at: Some(vaka_store::values::to_db_precision(now)),
            deactivated_at: None,
        };
        tx.insert_user(&NewUser {
            account: account.clone(),
            password_hash: Some(hash),
            must_change_password: must_change,
        })
        .await?;
        for r in &input.roles {
            let unit = match r.unit_id {
                Some(u) => {
                    let unit = tx
                        .get_unit(u)
                        .await?
                        .ok_or_else(|| ServiceError::invalid("unit", "no such unit"))?;
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
            tx.insert_assignment(account.id, &a, None, DbInstant::new(now))
                .await?;
        }
        self.recompute_reach(&mut *tx, account.id).await?;
        if let Some(secret) = &input.totp_secret {
            tx.set_totp_pending(account.id, Some(secret)).await?;
            tx.enable_totp(account.id, DbInstant::new(now), 0).await?;
        }
        let roles: Vec<&str> = input.roles.iter().map(|r| r.role.code()).collect();
        tx.append_audit(
            &cli_entry(self, AuditAction::UserCreated)
                .subject("user", account.id)
                .details(serde_json::json!({ "roles": roles }).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok((account, password))
    }

    /// Registers a client from the command line or the demo (the registry's own use cases
    /// come with the client registry).
    pub async fn cli_insert_client(
        &self,
        client: vaka_domain::client::Client,
    ) -> ServiceResult<()> {
        let mut tx = self.write().await?;
        tx.insert_client(&client).await?;

        tx.append_audit(&cli_entry(self, AuditAction::ClientCreated).client(client.id))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// `vaka token create --username U`.
    pub async fn cli_create_token(&self, username: &str, name: &str) -> ServiceResult<IssuedToken> {
        let name = parse_name("name", name, 80)?;
        let mut tx = self.write().await?;
        let user = tx
            .get_user_by_username(&username.trim().to_lowercase())
            .await?
            .ok_or(ServiceError::NotFound("user"))?;
        if !user.status.can_log_in() {
            return Err(ServiceError::Conflict("the account is not active".into()));
        }
        let issued = self
            .issue_token(&mut *tx, user.id, &name, None, None)
            .await?;
        tx.append_audit(
            &cli_entry(self, AuditAction::TokenCreated)
                .subject("token", issued.id)
                .details(serde_json::json!({ "user": user.id }).to_string()),
        )
        .await?;
        tx.commit().await?;
        Ok(issued)
    }
}
