//! What the directory API sends: organisations, units, accounts, roles and tokens.

use serde::Serialize;
use utoipa::ToSchema;
use vaka_domain::access::{Assignment, Role};
use vaka_domain::credentials::ApiTokenRecord;
use vaka_domain::directory::{
    AccountStatus, Organisation, OrganisationKind, ProviderKind, Unit, UnitKind, UserAccount,
};
use vaka_domain::ids::{ApiTokenId, OrganisationId, RoleAssignmentId, UnitId, UserId};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrganisationDto {
    pub id: OrganisationId,
    pub kind: OrganisationKind,
    pub provider_kind: Option<ProviderKind>,
    pub name: String,
    pub org_number: Option<String>,
    pub active: bool,
    pub created_at: String,
}

impl From<Organisation> for OrganisationDto {
    fn from(o: Organisation) -> Self {
        Self {
            id: o.id,
            kind: o.kind,
            provider_kind: o.provider_kind,
            name: o.name,
            org_number: o.org_number.map(String::from),
            active: o.active,
            created_at: o.created_at.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    pub id: UnitId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
    pub created_at: String,
    /// Units whose clients this unit also serves (night patrol, duty team, alarm operators).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covered_unit_ids: Option<Vec<UnitId>>,
}

impl From<Unit> for UnitDto {
    fn from(u: Unit) -> Self {
        Self {
            id: u.id,
            organisation_id: u.organisation_id,
            name: u.name,
            kind: u.kind,
            active: u.active,
            created_at: u.created_at.to_string(),
            covered_unit_ids: None,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentDto {
    pub id: RoleAssignmentId,
    pub role: Role,
    pub organisation_id: OrganisationId,
    pub unit_id: Option<UnitId>,
}

impl From<&Assignment> for AssignmentDto {
    fn from(a: &Assignment) -> Self {
        Self {
            id: a.id,
            role: a.role,
            organisation_id: a.organisation_id,
            unit_id: a.unit_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub hsa_id: Option<String>,
    pub organisation_id: OrganisationId,
    pub status: AccountStatus,
    pub second_factor_enrolled: bool,
    pub created_at: String,
    pub last_login_at: Option<String>,
    /// Active and not used for 90 days: review whether it is still needed.
    pub unused: bool,
}

impl UserDto {
    pub fn new(u: UserAccount, unused: bool) -> Self {
        Self {
            id: u.id,
            username: u.username.to_string(),
            display_name: u.display_name,
            email: u.email.to_string(),
            hsa_id: u.hsa_id.map(String::from),
            organisation_id: u.organisation_id,
            status: u.status,
            second_factor_enrolled: u.totp_enabled,
            created_at: u.created_at.to_string(),
            last_login_at: u.last_login_at.map(|t| t.to_string()),
            unused,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    pub id: ApiTokenId,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

impl From<&ApiTokenRecord> for TokenDto {
    fn from(t: &ApiTokenRecord) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            created_at: t.created_at.to_string(),
            last_used_at: t.last_used_at.map(|x| x.to_string()),
            revoked: t.revoked_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetailDto {
    #[serde(flatten)]
    pub user: UserDto,
    pub roles: Vec<AssignmentDto>,
    pub active_sessions: i64,
    pub tokens: Vec<TokenDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedAccountDto {
    pub user: UserDto,
    /// One-time password, shown only in this response; it must be changed at first login.
    pub initial_password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedTokenDto {
    pub id: ApiTokenId,
    /// The bearer token, shown only in this response.
    pub token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PasswordDto {
    /// One-time password, shown only in this response.
    pub initial_password: String,
}
