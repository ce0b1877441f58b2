//! Records that cross the storage boundary, and the row types the backends read into.
//!
//! Row types hold only primitive database values; `TryFrom<Row>` turns them into domain types
//! and reports anything the domain does not accept as [`StoreError::Corrupt`].

use jiff::Timestamp;
use uuid::Uuid;
use vaka_domain::access::{Assignment, Role};
use vaka_domain::audit::{Actor, AuditAction, AuditEntry, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::auth::SessionStage;
use vaka_domain::client::{ClientSummary, Protection};
use vaka_domain::directory::{
    AccountStatus, Organisation, OrganisationKind, ProviderKind, Unit, UnitKind, UserAccount,
    username_of_stored,
};
use vaka_domain::ids::{ApiTokenId, ClientId, OrganisationId, SessionId, UnitId, UserId};
use vaka_domain::validate::{Email, HsaId, OrgNumber, Username};

use crate::{DbInstant, StoreError, StoreResult};

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(what.to_string())
}

fn code<T>(parsed: Option<T>, what: &str, raw: &str) -> StoreResult<T> {
    parsed.ok_or_else(|| corrupt(format!("unknown {what} {raw:?}")))
}

/// A new account with its first password, if one is set at creation.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub account: UserAccount,
    pub password_hash: Option<String>,
    pub must_change_password: bool,
}

/// A lifecycle step of an account.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub user: UserId,
    pub status: AccountStatus,
    pub at: DbInstant,
    /// Who approved or rejected (kept for approvals and rejections).
    pub decided_by: Option<UserId>,
}

/// Which accounts to list.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    pub organisation: Option<OrganisationId>,
    /// Only users holding a role in this unit.
    pub unit: Option<UnitId>,
    pub status: Option<AccountStatus>,
    /// A prefix of the username or of the display name (case-insensitive).
    pub search: Option<String>,
    pub limit: i64,
}

/// What login needs to know about an account's secrets.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
}

pub use vaka_domain::credentials::{ApiTokenRecord, SessionRecord};

/// A search of the audit log. Every filter is optional; results are newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub actor: Option<UserId>,
    pub client: Option<ClientId>,
    pub action: Option<AuditAction>,
    pub from: Option<Timestamp>,
    /// Exclusive.
    pub to: Option<Timestamp>,
    /// Only entries by actors acting through this unit (log review of one's own unit).
    pub actor_unit: Option<UnitId>,
    /// Only entries with a sequence number below this (for paging backwards).
    pub before_seq: Option<u64>,
    /// Only entries with a sequence number above this (for paging forwards): the `limit`
    /// entries right after it, still returned newest first.
    pub after_seq: Option<u64>,
    pub limit: i64,
}

/// A search of clients.
#[derive(Debug, Clone, Default)]
pub struct ClientQuery {
    /// A prefix of the name or of the identity number.
    pub search: Option<String>,
    /// Whether the caller searched (for the audit entry, which never holds the search text).
    pub searched: bool,
    pub limit: i64,
    /// How many to skip (paging).
    pub offset: i64,
}

// ---------------------------------------------------------------------------------------------
// Rows

#[derive(Debug)]
pub struct OrganisationRow {
    pub id: Uuid,
    pub kind: String,
    pub provider_kind: Option<String>,
    pub name: String,
    pub org_number: Option<String>,
    pub active: bool,
    pub created_at: DbInstant,
}

impl TryFrom<OrganisationRow> for Organisation {
    type Error = StoreError;
    fn try_from(r: OrganisationRow) -> StoreResult<Self> {
        Ok(Organisation {
            id: OrganisationId(r.id),
            kind: code(
                OrganisationKind::from_code(&r.kind),
                "organisation kind",
                &r.kind,
            )?,
            provider_kind: r
                .provider_kind
                .map(|k| code(ProviderKind::from_code(&k), "provider kind", &k))
                .transpose()?,
            name: r.name,
            org_number: r
                .org_number
                .map(|n| OrgNumber::parse(&n).map_err(corrupt))
                .transpose()?,
            active: r.active,
            created_at: r.created_at.0,
        })
    }
}

#[derive(Debug)]
pub struct UnitRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub name: String,
    pub kind: String,
    pub active: bool,
    pub created_at: DbInstant,
}

impl TryFrom<UnitRow> for Unit {
    type Error = StoreError;
    fn try_from(r: UnitRow) -> StoreResult<Self> {
        Ok(Unit {
            id: UnitId(r.id),
            organisation_id: OrganisationId(r.organisation_id),
            name: r.name,
            kind: code(UnitKind::from_code(&r.kind), "unit kind", &r.kind)?,
            active: r.active,
            created_at: r.created_at.0,
        })
    }
}

#[derive(Debug)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub hsa_id: Option<String>,
    pub organisation_id: Uuid,
    pub status: String,
    pub totp_enabled: bool,
    pub created_at: DbInstant,
    pub last_login_at: Option<DbInstant>,
    pub requested_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DbInstant>,
    pub deactivated_at: Option<DbInstant>,
}

impl TryFrom<UserRow> for UserAccount {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<Self> {
        Ok(UserAccount {
            id: UserId(r.id),
            username: Username::parse(username_of_stored(&r.username)).map_err(corrupt)?,
            display_name: r.display_name,
            email: Email::parse(&r.email).map_err(corrupt)?,
            hsa_id: r
                .hsa_id
                .map(|h| HsaId::parse(&h).map_err(corrupt))
                .transpose()?,
            organisation_id: OrganisationId(r.organisation_id),
            status: code(
                AccountStatus::from_code(&r.status),
                "account status",
                &r.status,
            )?,
            totp_enabled: r.totp_enabled,
            created_at: r.created_at.0,
            last_login_at: r.last_login_at.map(|t| t.0),
            requested_by: r.requested_by.map(UserId),
            decided_by: r.decided_by.map(UserId),
            decided_at: r.decided_at.map(|t| t.0),
            deactivated_at: r.deactivated_at.map(|t| t.0),
        })
    }
}

#[derive(Debug)]
pub struct AssignmentRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub organisation_id: Uuid,
    pub organisation_kind: String,
    pub unit_id: Option<Uuid>,
}

impl AssignmentRow {
    pub fn into_pair(self) -> StoreResult<(UserId, Assignment)> {
        Ok((
            UserId(self.user_id),
            Assignment {
                id: self.id.into(),
                role: code(Role::from_code(&self.role), "role", &self.role)?,
                organisation_id: OrganisationId(self.organisation_id),
                organisation_kind: code(
                    OrganisationKind::from_code(&self.organisation_kind),
                    "organisation kind",
                    &self.organisation_kind,
                )?,
                unit_id: self.unit_id.map(UnitId),
            },
        ))
    }
}

#[derive(Debug)]
pub struct CredentialsRow {
    pub password_hash: Option<String>,
    pub must_change_password: bool,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<DbInstant>,
}

impl From<CredentialsRow> for Credentials {
    fn from(r: CredentialsRow) -> Self {
        Credentials {
            password_hash: r.password_hash,
            must_change_password: r.must_change_password,
            totp_secret: r.totp_secret,
            totp_enabled: r.totp_enabled,
            totp_last_step: r.totp_last_step,
            failed_logins: u32::try_from(r.failed_logins).unwrap_or(u32::MAX),
            locked_until: r.locked_until.map(|t| t.0),
        }
    }
}

#[derive(Debug)]
pub struct SessionRow {
    pub id: Uuid,
    pub token_hash: Vec<u8>,
    pub user_id: Uuid,
    pub stage: String,
    pub csrf_token: String,
    pub created_at: DbInstant,
    pub last_seen_at: DbInstant,
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    pub second_factor_at: Option<DbInstant>,
}

impl TryFrom<SessionRow> for SessionRecord {
    type Error = StoreError;
    fn try_from(r: SessionRow) -> StoreResult<Self> {
        Ok(SessionRecord {
            id: SessionId(r.id),
            token_hash: r.token_hash,
            user_id: UserId(r.user_id),
            stage: code(SessionStage::from_code(&r.stage), "session stage", &r.stage)?,
            csrf_token: r.csrf_token,
            created_at: r.created_at.0,
            last_seen_at: r.last_seen_at.0,
            source_ip: r.source_ip,
            user_agent: r.user_agent,
            second_factor_at: r.second_factor_at.map(|t| t.0),
        })
    }
}

#[derive(Debug)]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub token_hash: Vec<u8>,
    pub created_at: DbInstant,
    pub created_by: Option<Uuid>,
    pub last_used_at: Option<DbInstant>,
    pub expires_at: Option<DbInstant>,
    pub revoked_at: Option<DbInstant>,
}

impl From<ApiTokenRow> for ApiTokenRecord {
    fn from(r: ApiTokenRow) -> Self {
        ApiTokenRecord {
            id: ApiTokenId(r.id),
            user_id: UserId(r.user_id),
            name: r.name,
            token_hash: r.token_hash,
            created_at: r.created_at.0,
            created_by: r.created_by.map(UserId),
            last_used_at: r.last_used_at.map(|t| t.0),
            expires_at: r.expires_at.map(|t| t.0),
            revoked_at: r.revoked_at.map(|t| t.0),
        }
    }
}

#[derive(Debug)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DbInstant,
    pub actor_user_id: Option<Uuid>,
    pub actor_username: Option<String>,
    pub actor_role: Option<String>,
    pub actor_org_id: Option<Uuid>,
    pub actor_unit_id: Option<Uuid>,
    pub credential: Option<String>,
    pub action: String,
    pub outcome: String,
    pub client_id: Option<Uuid>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub care_context: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub flags: i64,
    pub details: Option<String>,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

pub fn hash32(bytes: &[u8], what: &str) -> StoreResult<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| corrupt(format!("{what} is {} bytes, not 32", bytes.len())))
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> StoreResult<Self> {
        let seq = u64::try_from(r.seq).map_err(|_| corrupt(format!("negative seq {}", r.seq)))?;
        let in_entry = |e: StoreError| match e {
            StoreError::Corrupt { context, source } => StoreError::Corrupt {
                context: format!("entry {seq}: {context}").into(),
                source,
            },
            other => other,
        };
        let role = r
            .actor_role
            .map(|x| code(Role::from_code(&x), "role", &x))
            .transpose()
            .map_err(in_entry)?;
        let action =
            code(AuditAction::from_code(&r.action), "action", &r.action).map_err(in_entry)?;
        let outcome =
            code(Outcome::from_code(&r.outcome), "outcome", &r.outcome).map_err(in_entry)?;
        let flags = u32::try_from(r.flags)
            .map_err(|_| corrupt(format!("entry {seq}: flags out of range")))?;
        Ok(AuditEntry {
            seq,
            new: NewAuditEntry {
                at: r.at.0,
                actor: Actor {
                    user_id: r.actor_user_id.map(UserId),
                    username: r.actor_username,
                    role,
                    organisation_id: r.actor_org_id.map(OrganisationId),
                    unit_id: r.actor_unit_id.map(UnitId),
                    credential: r.credential,
                },
                action,
                outcome,
                client_id: r.client_id.map(ClientId),
                subject_kind: r.subject_kind,
                subject_id: r.subject_id,
                care_context: r.care_context,
                request_id: r.request_id,
                source_ip: r.source_ip,
                flags: AuditFlags::from_bits(flags),
                details: r.details,
            },
            prev_hash: hash32(&r.prev_hash, "prev_hash").map_err(in_entry)?,
            hash: hash32(&r.hash, "hash").map_err(in_entry)?,
        })
    }
}

#[derive(Debug)]
pub struct ClientRow {
    pub id: Uuid,
    pub identity: String,
    pub name: String,
    pub provider_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub protection: String,
}

impl TryFrom<ClientRow> for ClientSummary {
    type Error = StoreError;
    fn try_from(r: ClientRow) -> StoreResult<Self> {
        Ok(ClientSummary {
            id: ClientId(r.id),
            identity: r.identity,
            name: r.name,
            provider_id: r.provider_id.map(OrganisationId),
            unit_id: r.unit_id.map(UnitId),
            protection: code(
                Protection::from_code(&r.protection),
                "protection",
                &r.protection,
            )?,
        })
    }
}

/// Everything the access rules need about a user, loaded together.
#[derive(Debug, Clone)]
pub struct PrincipalRows {
    pub user: UserAccount,
    pub assignments: Vec<Assignment>,
    pub coverage: Vec<(UnitId, UnitId)>,
}

/// One row of the principal query: the user, and one (assignment, covered unit) pair.
#[derive(Debug)]
pub struct PrincipalRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub hsa_id: Option<String>,
    pub organisation_id: Uuid,
    pub status: String,
    pub totp_enabled: bool,
    pub created_at: DbInstant,
    pub last_login_at: Option<DbInstant>,
    pub requested_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DbInstant>,
    pub deactivated_at: Option<DbInstant>,
    pub ra_id: Option<Uuid>,
    pub ra_role: Option<String>,
    pub ra_org: Option<Uuid>,
    pub ra_org_kind: Option<String>,
    pub ra_unit: Option<Uuid>,
    pub covered_unit: Option<Uuid>,
}

impl PrincipalRows {
    /// Folds the joined rows (one per assignment × covered unit) into one principal.
    pub fn from_rows(rows: Vec<PrincipalRow>) -> StoreResult<Option<Self>> {
        let mut iter = rows.into_iter().peekable();
        let Some(first) = iter.peek() else {
            return Ok(None);
        };
        let user = UserAccount::try_from(UserRow {
            id: first.id,
            username: first.username.clone(),
            display_name: first.display_name.clone(),
            email: first.email.clone(),
            hsa_id: first.hsa_id.clone(),
            organisation_id: first.organisation_id,
            status: first.status.clone(),
            totp_enabled: first.totp_enabled,
            created_at: first.created_at,
            last_login_at: first.last_login_at,
            requested_by: first.requested_by,
            decided_by: first.decided_by,
            decided_at: first.decided_at,
            deactivated_at: first.deactivated_at,
        })?;
        let mut assignments: Vec<Assignment> = Vec::new();
        let mut coverage = Vec::new();
        for r in iter {
            if let (Some(id), Some(role), Some(org), Some(kind)) =
                (r.ra_id, r.ra_role, r.ra_org, r.ra_org_kind)
                && !assignments.iter().any(|a| a.id.0 == id)
            {
                let (_, a) = AssignmentRow {
                    id,
                    user_id: r.id,
                    role,
                    organisation_id: org,
                    organisation_kind: kind,
                    unit_id: r.ra_unit,
                }
                .into_pair()?;
                assignments.push(a);
            }
            if let (Some(by), Some(covered)) = (r.ra_unit, r.covered_unit) {
                let pair = (UnitId(by), UnitId(covered));
                if !coverage.contains(&pair) {
                    coverage.push(pair);
                }
            }
        }
        Ok(Some(PrincipalRows {
            user,
            assignments,
            coverage,
        }))
    }
}

/// The principal query joined with the token that authenticates the request.
#[derive(Debug)]
pub struct TokenPrincipalRow {
    pub token_id: Uuid,
    pub token_name: String,
    pub token_hash: Vec<u8>,
    pub token_created_at: DbInstant,
    pub token_created_by: Option<Uuid>,
    pub token_last_used_at: Option<DbInstant>,
    pub token_expires_at: Option<DbInstant>,
    pub token_revoked_at: Option<DbInstant>,
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub hsa_id: Option<String>,
    pub organisation_id: Uuid,
    pub status: String,
    pub totp_enabled: bool,
    pub created_at: DbInstant,
    pub last_login_at: Option<DbInstant>,
    pub requested_by: Option<Uuid>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DbInstant>,
    pub deactivated_at: Option<DbInstant>,
    pub ra_id: Option<Uuid>,
    pub ra_role: Option<String>,
    pub ra_org: Option<Uuid>,
    pub ra_org_kind: Option<String>,
    pub ra_unit: Option<Uuid>,
    pub covered_unit: Option<Uuid>,
}

impl TokenPrincipalRow {
    /// Splits the joined rows into the token and the principal.
    pub fn fold(
        rows: Vec<TokenPrincipalRow>,
    ) -> StoreResult<Option<(ApiTokenRecord, PrincipalRows)>> {
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let token = ApiTokenRecord {
            id: ApiTokenId(first.token_id),
            user_id: UserId(first.id),
            name: first.token_name.clone(),
            token_hash: first.token_hash.clone(),
            created_at: first.token_created_at.0,
            created_by: first.token_created_by.map(UserId),
            last_used_at: first.token_last_used_at.map(|t| t.0),
            expires_at: first.token_expires_at.map(|t| t.0),
            revoked_at: first.token_revoked_at.map(|t| t.0),
        };
        let rows = rows
            .into_iter()
            .map(|r| PrincipalRow {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                email: r.email,
                hsa_id: r.hsa_id,
                organisation_id: r.organisation_id,
                status: r.status,
                totp_enabled: r.totp_enabled,
                created_at: r.created_at,
                last_login_at: r.last_login_at,
                requested_by: r.requested_by,
                decided_by: r.decided_by,
                decided_at: r.decided_at,
                deactivated_at: r.deactivated_at,
                ra_id: r.ra_id,
                ra_role: r.ra_role,
                ra_org: r.ra_org,
                ra_org_kind: r.ra_org_kind,
                ra_unit: r.ra_unit,
                covered_unit: r.covered_unit,
            })
            .collect();
        Ok(PrincipalRows::from_rows(rows)?.map(|p| (token, p)))
    }
}

// ---------------------------------------------------------------------------------------------
// The registry

use jiff::civil::Time;
use vaka_domain::client::{Address, AreaType, Client, Contact, KeyAccess};
use vaka_domain::consent::{Consent, GivenBy, InformedHow};
use vaka_domain::decision::{Decision, Law, Order, OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::device::{
    Dc09Key, Dc09KeyStyle, Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep,
};
use vaka_domain::ids::{ConsentId, DecisionId, DeviceEventId, DeviceId, OrderId, PauseId};
use vaka_domain::personnummer::{ClientIdentity, IdentityKind};
use vaka_domain::plan::{EscalationChain, Pause, PauseReason, PauseRequest, SupervisionPlan};

use crate::DbDate;

pub use vaka_domain::filters::{DeviceFilter, OrderFilter};

/// Times of the night as stored: `23:00,02:00`.
pub fn times_to_text(times: &[Time]) -> String {
    times
        .iter()
        .map(|t| t.strftime("%H:%M").to_string())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn times_from_text(s: &str) -> StoreResult<Vec<Time>> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .map(|x| {
            x.parse::<Time>()
                .map_err(|e| corrupt(format!("time {x:?}: {e}")))
        })
        .collect()
}

fn opt_code<T>(
    v: Option<String>,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> StoreResult<Option<T>> {
    v.map(|x| code(parse(&x), what, &x)).transpose()
}

#[derive(Debug)]
pub struct ClientFullRow {
    pub id: Uuid,
    pub identity_kind: String,
    pub identity: String,
    pub name: String,
    pub address_street: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub phone: Option<String>,
    pub provider_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub protection: String,
    pub area_type: String,
    pub key_access: String,
    pub key_note: Option<String>,
    pub created_at: DbInstant,
    pub updated_at: DbInstant,
}

#[derive(Debug)]
pub struct ContactRow {
    pub priority: i64,
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub note: Option<String>,
}

impl ClientFullRow {
    pub fn into_client(self, contacts: Vec<ContactRow>) -> StoreResult<Client> {
        let kind = code(
            IdentityKind::from_code(&self.identity_kind),
            "identity kind",
            &self.identity_kind,
        )?;
        let address = match (
            self.address_street,
            self.address_postcode,
            self.address_city,
        ) {
            (Some(street), Some(postcode), Some(city)) => Some(Address {
                street,
                postcode,
                city,
            }),
            _ => None,
        };
        Ok(Client {
            id: ClientId(self.id),
            identity: ClientIdentity::from_stored(kind, &self.identity).map_err(corrupt)?,
            name: self.name,
            address,
            phone: self.phone,
            provider_id: self.provider_id.map(OrganisationId),
            unit_id: self.unit_id.map(UnitId),
            protection: code(
                Protection::from_code(&self.protection),
                "protection",
                &self.protection,
            )?,
            area_type: code(
                AreaType::from_code(&self.area_type),
                "area type",
                &self.area_type,
            )?,
            key_access: code(
                KeyAccess::from_code(&self.key_access),
                "key access",
                &self.key_access,
            )?,
            key_note: self.key_note,
            contacts: contacts
                .into_iter()
                .map(|c| Contact {
                    name: c.name,
                    relation: c.relation,
                    phone: c.phone,
                    priority: u8::try_from(c.priority).unwrap_or(u8::MAX),
                    note: c.note,
                })
                .collect(),
            created_at: self.created_at.0,
            updated_at: self.updated_at.0,
        })
    }
}

#[derive(Debug)]
pub struct DecisionRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub law: String,
    pub simplified: bool,
    pub service: String,
    pub supervision_mode: Option<String>,
    pub times: String,
    pub decided_on: DbDate,
    pub valid_from: DbDate,
    pub valid_to: Option<DbDate>,
    pub decided_by: Uuid,
    pub ended_on: Option<DbDate>,
    pub created_at: DbInstant,
}

impl TryFrom<DecisionRow> for Decision {
    type Error = StoreError;
    fn try_from(r: DecisionRow) -> StoreResult<Self> {
        Ok(Decision {
            id: DecisionId(r.id),
            client_id: ClientId(r.client_id),
            law: code(Law::from_code(&r.law), "law", &r.law)?,
            simplified: r.simplified,
            service: code(ServiceKind::from_code(&r.service), "service", &r.service)?,
            supervision_mode: opt_code(
                r.supervision_mode,
                SupervisionMode::from_code,
                "supervision mode",
            )?,
            times: times_from_text(&r.times)?,
            decided_on: r.decided_on.0,
            valid_from: r.valid_from.0,
            valid_to: r.valid_to.map(|d| d.0),
            decided_by: UserId(r.decided_by),
            ended_on: r.ended_on.map(|d| d.0),
            created_at: r.created_at.0,
        })
    }
}

#[derive(Debug)]
pub struct OrderRow {
    pub id: Uuid,
    pub decision_id: Uuid,
    pub client_id: Uuid,
    pub provider_id: Uuid,
    pub status: String,
    pub ordered_at: DbInstant,
    pub accepted_at: Option<DbInstant>,
    pub accepted_by: Option<Uuid>,
    pub activated_at: Option<DbInstant>,
}

impl TryFrom<OrderRow> for Order {
    type Error = StoreError;
    fn try_from(r: OrderRow) -> StoreResult<Self> {
        Ok(Order {
            id: OrderId(r.id),
            decision_id: DecisionId(r.decision_id),
            client_id: ClientId(r.client_id),
            provider_id: OrganisationId(r.provider_id),
            status: code(OrderStatus::from_code(&r.status), "order status", &r.status)?,
            ordered_at: r.ordered_at.0,
            accepted_at: r.accepted_at.map(|t| t.0),
            accepted_by: r.accepted_by.map(UserId),
            activated_at: r.activated_at.map(|t| t.0),
        })
    }
}

#[derive(Debug)]
pub struct ConsentRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub service: String,
    pub informed_by: String,
    pub informed_on: DbDate,
    pub informed_how: String,
    pub given_by: String,
    pub representative_name: Option<String>,
    pub given_on: DbDate,
    pub reconfirm_by: DbDate,
    pub withdrawn_on: Option<DbDate>,
    pub withdrawal_note: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DbInstant,
}

impl TryFrom<ConsentRow> for Consent {
    type Error = StoreError;
    fn try_from(r: ConsentRow) -> StoreResult<Self> {
        Ok(Consent {
            id: ConsentId(r.id),
            client_id: ClientId(r.client_id),
            service: code(ServiceKind::from_code(&r.service), "service", &r.service)?,
            informed_by: r.informed_by,
            informed_on: r.informed_on.0,
            informed_how: code(
                InformedHow::from_code(&r.informed_how),
                "informed how",
                &r.informed_how,
            )?,
            given_by: code(GivenBy::from_code(&r.given_by), "given by", &r.given_by)?,
            representative_name: r.representative_name,
            given_on: r.given_on.0,
            reconfirm_by: r.reconfirm_by.0,
            withdrawn_on: r.withdrawn_on.map(|d| d.0),
            withdrawal_note: r.withdrawal_note,
            recorded_by: UserId(r.recorded_by),
            recorded_at: r.recorded_at.0,
        })
    }
}

#[derive(Debug)]
pub struct PlanRow {
    pub client_id: Uuid,
    pub mode: String,
    pub times: String,
    pub recheck_delay_minutes: Option<i64>,
    pub escalation: Option<String>,
    pub response_target_minutes: Option<i64>,
    pub updated_by: Uuid,
    pub updated_at: DbInstant,
}

impl TryFrom<PlanRow> for SupervisionPlan {
    type Error = StoreError;
    fn try_from(r: PlanRow) -> StoreResult<Self> {
        Ok(SupervisionPlan {
            client_id: ClientId(r.client_id),
            mode: code(
                SupervisionMode::from_code(&r.mode),
                "supervision mode",
                &r.mode,
            )?,
            times: times_from_text(&r.times)?,
            recheck_delay_minutes: r.recheck_delay_minutes.and_then(|m| u16::try_from(m).ok()),
            escalation: opt_code(r.escalation, EscalationChain::from_code, "escalation")?,
            response_target_minutes: r
                .response_target_minutes
                .and_then(|m| u16::try_from(m).ok()),
            updated_by: UserId(r.updated_by),
            updated_at: r.updated_at.0,
        })
    }
}

#[derive(Debug)]
pub struct PauseRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub first_night: DbDate,
    pub last_night: DbDate,
    pub reason: String,
    pub requested: String,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub recorded_at: DbInstant,
    pub cancelled_at: Option<DbInstant>,
}

impl TryFrom<PauseRow> for Pause {
    type Error = StoreError;
    fn try_from(r: PauseRow) -> StoreResult<Self> {
        Ok(Pause {
            id: PauseId(r.id),
            client_id: ClientId(r.client_id),
            first_night: r.first_night.0,
            last_night: r.last_night.0,
            reason: code(PauseReason::from_code(&r.reason), "pause reason", &r.reason)?,
            requested: code(
                PauseRequest::from_code(&r.requested),
                "pause request",
                &r.requested,
            )?,
            note: r.note,
            recorded_by: UserId(r.recorded_by),
            recorded_at: r.recorded_at.0,
            cancelled_at: r.cancelled_at.map(|t| t.0),
        })
    }
}

#[derive(Debug)]
pub struct DeviceRow {
    pub id: Uuid,
    pub kind: String,
    pub serial: String,
    pub model: String,
    pub firmware: Option<String>,
    pub status: String,
    pub client_id: Option<Uuid>,
    pub credential_issued_at: Option<DbInstant>,
    pub credential_revoked_at: Option<DbInstant>,
    pub dc09_account: Option<String>,
    pub dc09_key: Option<String>,
    pub dc09_key_style: Option<String>,
    pub scaip_cid: Option<String>,
    /// Opened (no longer sealed) by the backend before the conversion.
    pub scaip_password: Option<String>,
    pub last_seen_at: Option<DbInstant>,
    pub state: Option<String>,
    pub created_at: DbInstant,
}

/// A DC-09 account's key and clear marking from the key and key-style columns: a key with its
/// style, or no key and the style `clear` (marked clear), or neither (no key, not marked: the
/// receiver refuses the account's messages).
fn dc09_protection(
    key: Option<String>,
    style: Option<String>,
) -> StoreResult<(Option<Dc09Key>, bool)> {
    let style = match style {
        Some(s) => Some(code(Dc09KeyStyle::from_code(&s), "DC-09 key style", &s)?),
        None => None,
    };
    Ok(match (key, style) {
        (Some(k), Some(style)) => (
            Some(Dc09Key::parse(&k, style).map_err(|_| corrupt("DC-09 key"))?),
            false,
        ),
        (None, Some(Dc09KeyStyle::Clear)) => (None, true),
        _ => (None, false),
    })
}

impl TryFrom<DeviceRow> for Device {
    type Error = StoreError;
    fn try_from(r: DeviceRow) -> StoreResult<Self> {
        let (dc09_key, dc09_clear) = dc09_protection(r.dc09_key, r.dc09_key_style)?;
        Ok(Device {
            id: DeviceId(r.id),
            kind: code(DeviceKind::from_code(&r.kind), "device kind", &r.kind)?,
            serial: r.serial,
            model: r.model,
            firmware: r.firmware,
            status: code(
                DeviceStatus::from_code(&r.status),
                "device status",
                &r.status,
            )?,
            client_id: r.client_id.map(ClientId),
            credential_issued_at: r.credential_issued_at.map(|t| t.0),
            credential_revoked_at: r.credential_revoked_at.map(|t| t.0),
            dc09_account: r.dc09_account,
            dc09_key,
            dc09_clear,
            scaip_cid: r.scaip_cid,
            scaip_password: r
                .scaip_password
                .map(|p| {
                    vaka_domain::device::ScaipPassword::parse(&p)
                        .map_err(|_| corrupt("SCAIP password"))
                })
                .transpose()?,
            last_seen_at: r.last_seen_at.map(|t| t.0),
            state: r.state,
            created_at: r.created_at.0,
        })
    }
}

#[derive(Debug)]
pub struct DeviceEventRow {
    pub id: Uuid,
    pub device_id: Uuid,
    pub step: String,
    pub from_status: String,
    pub to_status: String,
    pub client_id: Option<Uuid>,
    pub at: DbInstant,
    pub by_user: Option<Uuid>,
    pub note: Option<String>,
}

impl TryFrom<DeviceEventRow> for DeviceEvent {
    type Error = StoreError;
    fn try_from(r: DeviceEventRow) -> StoreResult<Self> {
        Ok(DeviceEvent {
            id: DeviceEventId(r.id),
            device_id: DeviceId(r.device_id),
            step: code(DeviceStep::from_code(&r.step), "device step", &r.step)?,
            from: code(
                DeviceStatus::from_code(&r.from_status),
                "device status",
                &r.from_status,
            )?,
            to: code(
                DeviceStatus::from_code(&r.to_status),
                "device status",
                &r.to_status,
            )?,
            client_id: r.client_id.map(ClientId),
            at: r.at.0,
            by_user: r.by_user.map(UserId),
            note: r.note,
        })
    }
}

// ---- nightly rounds ----------------------------------------------------------------------

#[derive(Debug)]
pub struct TaskRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub night: DbDate,
    pub kind: String,
    pub planned_time: String,
    pub due: DbInstant,
    pub opens: DbInstant,
    pub closes: DbInstant,
    pub dst: Option<String>,
    pub state: String,
    pub state_at: Option<DbInstant>,
    pub state_reason: Option<String>,
    pub updated_at: DbInstant,
}

impl TryFrom<TaskRow> for vaka_domain::supervision::SupervisionTask {
    type Error = StoreError;
    fn try_from(r: TaskRow) -> StoreResult<Self> {
        use vaka_domain::rounds::{DstAdjustment, TaskKind};
        use vaka_domain::supervision::TaskState;
        Ok(Self {
            id: vaka_domain::ids::TaskId(r.id),
            client_id: ClientId(r.client_id),
            night: r.night.0,
            kind: code(TaskKind::from_code(&r.kind), "task kind", &r.kind)?,
            planned_time: r
                .planned_time
                .parse::<Time>()
                .map_err(|e| corrupt(format!("planned time {:?}: {e}", r.planned_time)))?,
            due: r.due.0,
            opens: r.opens.0,
            closes: r.closes.0,
            dst: match r.dst.as_deref() {
                None => None,
                Some(d) => Some(code(DstAdjustment::from_code(d), "dst rule", d)?),
            },
            state: code(
                TaskState::from_parts(&r.state, r.state_at.map(|t| t.0), r.state_reason.as_deref()),
                "task state",
                &r.state,
            )?,
            updated_at: r.updated_at.0,
        })
    }
}

/// A task with the provider and unit of its client (for statistics).
#[derive(Debug)]
pub struct TaskUnitRow {
    pub id: Uuid,
    pub client_id: Uuid,
    pub night: DbDate,
    pub kind: String,
    pub planned_time: String,
    pub due: DbInstant,
    pub opens: DbInstant,
    pub closes: DbInstant,
    pub dst: Option<String>,
    pub state: String,
    pub state_at: Option<DbInstant>,
    pub state_reason: Option<String>,
    pub updated_at: DbInstant,
    pub provider_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
}

/// A task with the provider and unit its client belongs to.
pub type TaskWithUnit = (
    vaka_domain::supervision::SupervisionTask,
    Option<OrganisationId>,
    Option<UnitId>,
);

impl TryFrom<TaskUnitRow> for TaskWithUnit {
    type Error = StoreError;
    fn try_from(r: TaskUnitRow) -> StoreResult<Self> {
        let (provider, unit) = (r.provider_id.map(OrganisationId), r.unit_id.map(UnitId));
        let task = TaskRow {
            id: r.id,
            client_id: r.client_id,
            night: r.night,
            kind: r.kind,
            planned_time: r.planned_time,
            due: r.due,
            opens: r.opens,
            closes: r.closes,
            dst: r.dst,
            state: r.state,
            state_at: r.state_at,
            state_reason: r.state_reason,
            updated_at: r.updated_at,
        };
        Ok((task.try_into()?, provider, unit))
    }
}

/// A client's plan with the facts of one night (see `SupervisionRead::list_night_rounds`).
#[derive(Debug, Clone)]
pub struct RoundInput {
    pub plan: vaka_domain::plan::SupervisionPlan,
    pub has_decision: bool,
    pub has_consent: bool,
    pub paused: bool,
    /// Where the client lives, and whether their night supervision is decided under LSS: the
    /// business area whose look-in window applies.
    pub area_type: vaka_domain::client::AreaType,
    pub lss: bool,
}

#[derive(Debug)]
pub struct RoundRow {
    pub client_id: Uuid,
    pub mode: String,
    pub times: String,
    pub recheck_delay_minutes: Option<i64>,
    pub escalation: Option<String>,
    pub response_target_minutes: Option<i64>,
    pub updated_by: Uuid,
    pub updated_at: DbInstant,
    pub has_decision: bool,
    pub has_consent: bool,
    pub paused: bool,
    pub area_type: String,
    pub lss: bool,
}

impl TryFrom<RoundRow> for RoundInput {
    type Error = StoreError;
    fn try_from(r: RoundRow) -> StoreResult<Self> {
        Ok(Self {
            plan: vaka_domain::plan::SupervisionPlan::try_from(PlanRow {
                client_id: r.client_id,
                mode: r.mode,
                times: r.times,
                recheck_delay_minutes: r.recheck_delay_minutes,
                escalation: r.escalation,
                response_target_minutes: r.response_target_minutes,
                updated_by: r.updated_by,
                updated_at: r.updated_at,
            })?,
            has_decision: r.has_decision,
            has_consent: r.has_consent,
            paused: r.paused,
            area_type: vaka_domain::client::AreaType::from_code(&r.area_type).ok_or_else(|| {
                StoreError::corrupt(format!("clients.area_type {:?}", r.area_type))
            })?,
            lss: r.lss,
        })
    }
}

#[derive(Debug)]
pub struct DispatchRow {
    pub id: Uuid,
    pub task_id: Uuid,
    pub client_id: Uuid,
    pub cause: String,
    pub phone_first: bool,
    pub alert_supervisor: bool,
    pub response_target_minutes: i64,
    pub created_at: DbInstant,
    pub responder_id: Option<Uuid>,
    pub acknowledged_at: Option<DbInstant>,
    pub on_way_at: Option<DbInstant>,
    pub arrived_at: Option<DbInstant>,
    pub closed_at: Option<DbInstant>,
    pub close_note: Option<String>,
    pub note: Option<String>,
}

impl TryFrom<DispatchRow> for vaka_domain::supervision::Dispatch {
    type Error = StoreError;
    fn try_from(r: DispatchRow) -> StoreResult<Self> {
        use vaka_domain::supervision::DispatchCause;
        Ok(Self {
            id: vaka_domain::ids::DispatchId(r.id),
            task_id: vaka_domain::ids::TaskId(r.task_id),
            client_id: ClientId(r.client_id),
            cause: code(
                DispatchCause::from_code(&r.cause),
                "dispatch cause",
                &r.cause,
            )?,
            phone_first: r.phone_first,
            alert_supervisor: r.alert_supervisor,
            response_target_minutes: u16::try_from(r.response_target_minutes)
                .map_err(|_| corrupt("response target"))?,
            created_at: r.created_at.0,
            responder: r.responder_id.map(UserId),
            acknowledged_at: r.acknowledged_at.map(|t| t.0),
            on_way_at: r.on_way_at.map(|t| t.0),
            arrived_at: r.arrived_at.map(|t| t.0),
            closed_at: r.closed_at.map(|t| t.0),
            close_note: r.close_note,
            note: r.note,
        })
    }
}

#[derive(Debug)]
pub struct LookInRow {
    pub id: Uuid,
    pub task_id: Uuid,
    pub client_id: Uuid,
    pub device_id: Uuid,
    pub operator_id: Uuid,
    pub started_at: DbInstant,
    pub ended_at: Option<DbInstant>,
    pub limit_seconds: i64,
    pub recheck: bool,
    pub outcome: Option<String>,
    pub note: Option<String>,
}

impl TryFrom<LookInRow> for vaka_domain::supervision::LookInRecord {
    type Error = StoreError;
    fn try_from(r: LookInRow) -> StoreResult<Self> {
        use vaka_domain::supervision::Outcome;
        Ok(Self {
            id: vaka_domain::ids::LookInId(r.id),
            task_id: vaka_domain::ids::TaskId(r.task_id),
            client_id: ClientId(r.client_id),
            device_id: vaka_domain::ids::DeviceId(r.device_id),
            operator: UserId(r.operator_id),
            started_at: r.started_at.0,
            ended_at: r.ended_at.map(|t| t.0),
            limit_seconds: u16::try_from(r.limit_seconds).map_err(|_| corrupt("look-in limit"))?,
            recheck: r.recheck,
            outcome: match r.outcome.as_deref() {
                None => None,
                Some(o) => Some(code(Outcome::from_code(o), "look-in outcome", o)?),
            },
            note: r.note,
        })
    }
}

/// A device with a DC-09 account, as the receiver and the heartbeat monitor see it.
#[derive(Debug, Clone)]
pub struct AlarmAccount {
    pub device_id: vaka_domain::ids::DeviceId,
    /// The DC-09 account, or for a unit with only a SCAIP controller id its SCAIP account
    /// ([`vaka_domain::device::scaip_account`]): the name its alarms and heartbeats go by.
    pub account: String,
    /// The DC-09 account as provisioned (none for a SCAIP-only unit).
    pub dc09_account: Option<String>,
    pub scaip_cid: Option<String>,
    pub scaip_password: Option<vaka_domain::device::ScaipPassword>,
    pub key: Option<vaka_domain::device::Dc09Key>,
    /// No key, and explicitly marked clear (unencrypted).
    pub clear: bool,
    pub status: vaka_domain::device::DeviceStatus,
    pub client_id: Option<ClientId>,
    pub area_type: Option<vaka_domain::client::AreaType>,
    pub heartbeat_seconds: Option<i64>,
    pub last_seen_at: Option<jiff::Timestamp>,
    pub serial: String,
    /// The client's provider and unit (who answers for the device).
    pub provider_id: Option<vaka_domain::ids::OrganisationId>,
    pub unit_id: Option<vaka_domain::ids::UnitId>,
}

#[derive(Debug)]
pub struct AlarmAccountRow {
    pub device_id: Uuid,
    pub account: String,
    pub dc09_account: Option<String>,
    pub scaip_cid: Option<String>,
    /// Opened by the backend before the conversion.
    pub scaip_password: Option<String>,
    pub dc09_key: Option<String>,
    pub dc09_key_style: Option<String>,
    pub status: String,
    pub client_id: Option<Uuid>,
    pub area_type: Option<String>,
    pub heartbeat_seconds: Option<i64>,
    pub last_seen_at: Option<DbInstant>,
    pub serial: String,
    pub provider_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
}

#[derive(Debug)]
pub struct TechnicalCheckRow {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub due_at: DbInstant,
    pub signed_at: Option<DbInstant>,
    pub signed_by: Option<Uuid>,
    pub open_alarms: Option<i64>,
    pub note: Option<String>,
    pub missed_at: Option<DbInstant>,
}

impl From<TechnicalCheckRow> for vaka_domain::technical::TechnicalCheck {
    fn from(r: TechnicalCheckRow) -> Self {
        Self {
            id: vaka_domain::ids::TechnicalCheckId(r.id),
            organisation_id: vaka_domain::ids::OrganisationId(r.organisation_id),
            due_at: r.due_at.0,
            signed_at: r.signed_at.map(|t| t.0),
            signed_by: r.signed_by.map(vaka_domain::ids::UserId),
            open_alarms: r.open_alarms,
            note: r.note,
            missed_at: r.missed_at.map(|t| t.0),
        }
    }
}

impl TryFrom<AlarmAccountRow> for AlarmAccount {
    type Error = StoreError;
    fn try_from(r: AlarmAccountRow) -> StoreResult<Self> {
        use vaka_domain::device::DeviceStatus;
        let (key, clear) = dc09_protection(r.dc09_key, r.dc09_key_style)?;
        Ok(Self {
            device_id: vaka_domain::ids::DeviceId(r.device_id),
            account: r.account,
            dc09_account: r.dc09_account,
            scaip_cid: r.scaip_cid,
            scaip_password: r
                .scaip_password
                .map(|p| {
                    vaka_domain::device::ScaipPassword::parse(&p)
                        .map_err(|_| corrupt("SCAIP password"))
                })
                .transpose()?,
            key,
            clear,
            status: code(
                DeviceStatus::from_code(&r.status),
                "device status",
                &r.status,
            )?,
            client_id: r.client_id.map(ClientId),
            area_type: match r.area_type.as_deref() {
                None => None,
                Some(a) => Some(code(
                    vaka_domain::client::AreaType::from_code(a),
                    "area type",
                    a,
                )?),
            },
            heartbeat_seconds: r.heartbeat_seconds,
            last_seen_at: r.last_seen_at.map(|t| t.0),
            serial: r.serial,
            provider_id: r.provider_id.map(vaka_domain::ids::OrganisationId),
            unit_id: r.unit_id.map(vaka_domain::ids::UnitId),
        })
    }
}

#[derive(Debug)]
pub struct AlarmRow {
    pub id: Uuid,
    pub message_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    pub account: Option<String>,
    pub kind: String,
    pub category: String,
    pub code: String,
    pub zone: Option<String>,
    pub caller: Option<String>,
    pub area_type: String,
    pub received_at: DbInstant,
    pub state: String,
    pub operator_id: Option<Uuid>,
    pub taken_at: Option<DbInstant>,
    pub contacted_at: Option<DbInstant>,
    pub dispatched_at: Option<DbInstant>,
    pub chain_link: Option<String>,
    pub responder_id: Option<Uuid>,
    pub acknowledged_at: Option<DbInstant>,
    pub on_way_at: Option<DbInstant>,
    pub arrived_at: Option<DbInstant>,
    pub closed_at: Option<DbInstant>,
    pub closed_by: Option<Uuid>,
    pub cause: Option<String>,
    pub note: Option<String>,
    pub escalated_not_taken: bool,
    pub escalated_not_acknowledged: bool,
    pub restored_at: Option<DbInstant>,
    pub occurrences: i64,
    pub last_at: DbInstant,
    pub updated_at: DbInstant,
}

impl TryFrom<AlarmRow> for vaka_domain::alarm::AlarmRecord {
    type Error = StoreError;
    fn try_from(r: AlarmRow) -> StoreResult<Self> {
        use vaka_domain::alarm::{Alarm, AlarmKind, AlarmState, ChainLink, CloseCause};
        let operator = r.operator_id.map(UserId);
        let responder = r.responder_id.map(UserId);
        Ok(Self {
            id: vaka_domain::ids::AlarmId(r.id),
            message_id: r.message_id.map(vaka_domain::ids::AlarmMessageId),
            device_id: r.device_id.map(vaka_domain::ids::DeviceId),
            client_id: r.client_id.map(ClientId),
            account: r.account,
            category: r.category,
            code: r.code,
            zone: r.zone,
            caller: r.caller,
            alarm: Alarm {
                kind: code(AlarmKind::from_code(&r.kind), "alarm kind", &r.kind)?,
                area: code(
                    vaka_domain::client::AreaType::from_code(&r.area_type),
                    "area type",
                    &r.area_type,
                )?,
                received_at: r.received_at.0,
                state: code(
                    AlarmState::from_parts(&r.state, operator, responder),
                    "alarm state",
                    &r.state,
                )?,
                operator,
                taken_at: r.taken_at.map(|t| t.0),
                contacted_at: r.contacted_at.map(|t| t.0),
                dispatched_at: r.dispatched_at.map(|t| t.0),
                acknowledged_at: r.acknowledged_at.map(|t| t.0),
                on_way_at: r.on_way_at.map(|t| t.0),
                arrived_at: r.arrived_at.map(|t| t.0),
                closed_at: r.closed_at.map(|t| t.0),
                escalated_not_taken: r.escalated_not_taken,
                escalated_not_acknowledged: r.escalated_not_acknowledged,
            },
            chain_link: match r.chain_link.as_deref() {
                None => None,
                Some(l) => Some(code(ChainLink::from_code(l), "chain link", l)?),
            },
            closed_by: r.closed_by.map(UserId),
            cause: match r.cause.as_deref() {
                None => None,
                Some(c) => Some(code(CloseCause::from_code(c), "close cause", c)?),
            },
            note: r.note,
            restored_at: r.restored_at.map(|t| t.0),
            occurrences: r.occurrences,
            last_at: r.last_at.0,
            updated_at: r.updated_at.0,
        })
    }
}

#[derive(Debug)]
pub struct AlarmLogRow {
    pub id: Uuid,
    pub alarm_id: Uuid,
    pub at: DbInstant,
    pub user_id: Option<Uuid>,
    pub step: String,
    pub note: Option<String>,
}

impl From<AlarmLogRow> for vaka_domain::alarm::AlarmLogEntry {
    fn from(r: AlarmLogRow) -> Self {
        Self {
            id: vaka_domain::ids::AlarmLogId(r.id),
            alarm_id: vaka_domain::ids::AlarmId(r.alarm_id),
            at: r.at.0,
            user_id: r.user_id.map(UserId),
            step: r.step,
            note: r.note,
        }
    }
}
