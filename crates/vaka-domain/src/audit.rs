//! The audit log: what is recorded about every access to personal data and every security
//! event, and the hash chain that makes the log tamper-evident.
//!
//! Each entry commits to the one before it: `hash = SHA-256(domain-tag ‖ fields ‖ prev_hash)`,
//! with every field length-prefixed so that no two different entries encode alike. Changing,
//! removing or reordering any entry breaks the chain at that entry; [`verify_chain`] finds the
//! first break.

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::access::{Assignment, Credential, Principal, Role};
use crate::ids::{ClientId, OrganisationId, UnitId, UserId};

/// The hash before the first entry.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

const DOMAIN_TAG: &[u8] = b"vaka-audit-v1\0";

/// Every kind of event the log records. The code is stable: it is stored and hashed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
pub enum AuditAction {
    #[strum(serialize = "auth.login")]
    LoginSucceeded,
    #[strum(serialize = "auth.login_failed")]
    LoginFailed,
    #[strum(serialize = "auth.locked")]
    LoginLocked,
    #[strum(serialize = "auth.totp_failed")]
    SecondFactorFailed,
    #[strum(serialize = "auth.totp_enrolled")]
    SecondFactorEnrolled,
    #[strum(serialize = "auth.recovery_code_used")]
    RecoveryCodeUsed,
    #[strum(serialize = "auth.recovery_codes_renewed")]
    RecoveryCodesRenewed,
    /// A session proved its second factor again for a sensitive action (step-up).
    #[strum(serialize = "auth.step_up")]
    SecondFactorConfirmed,
    #[strum(serialize = "auth.logout")]
    Logout,
    #[strum(serialize = "auth.logout_everywhere")]
    LogoutEverywhere,
    #[strum(serialize = "auth.password_changed")]
    PasswordChanged,
    /// The staff app keeps a device key on a phone, unlocked by the user's PIN.
    #[strum(serialize = "auth.app_device_enrol")]
    AppDeviceEnrolled,
    /// A PIN and its phone's key opened a session (failed tries are this action, failed).
    #[strum(serialize = "auth.app_device_unlock")]
    AppDeviceUnlocked,
    /// A phone's device key revoked: by the user, or after too many wrong PINs.
    #[strum(serialize = "auth.app_device_revoke")]
    AppDeviceRevoked,
    /// A passkey added to one's account (a second factor beside TOTP).
    #[strum(serialize = "auth.passkey_added")]
    PasskeyAdded,
    /// A passkey renamed.
    #[strum(serialize = "auth.passkey_renamed")]
    PasskeyRenamed,
    /// A passkey removed from one's account.
    #[strum(serialize = "auth.passkey_removed")]
    PasskeyRemoved,
    /// An identity provider (SITHS eID through OpenID Connect) vouched for someone: the account
    /// it named, the provider and the assurance level; or why it led to no login (an unknown
    /// HSA-id, a refused token, a used or expired state).
    #[strum(serialize = "auth.oidc")]
    OidcLogin,
    #[strum(serialize = "token.create")]
    TokenCreated,
    #[strum(serialize = "token.revoke")]
    TokenRevoked,
    #[strum(serialize = "token.use")]
    TokenUsed,
    #[strum(serialize = "organisation.create")]
    OrganisationCreated,
    #[strum(serialize = "organisation.update")]
    OrganisationUpdated,
    #[strum(serialize = "unit.create")]
    UnitCreated,
    #[strum(serialize = "unit.update")]
    UnitUpdated,
    #[strum(serialize = "unit.coverage")]
    UnitCoverageChanged,
    #[strum(serialize = "user.create")]
    UserCreated,
    #[strum(serialize = "user.request")]
    UserRequested,
    #[strum(serialize = "user.approve")]
    UserApproved,
    #[strum(serialize = "user.reject")]
    UserRejected,
    #[strum(serialize = "user.deactivate")]
    UserDeactivated,
    #[strum(serialize = "user.reactivate")]
    UserReactivated,
    #[strum(serialize = "user.update")]
    UserUpdated,
    #[strum(serialize = "user.read")]
    UserRead,
    #[strum(serialize = "user.list")]
    UsersListed,
    #[strum(serialize = "role.grant")]
    RoleGranted,
    #[strum(serialize = "role.revoke")]
    RoleRevoked,
    #[strum(serialize = "audit.search")]
    AuditSearched,
    #[strum(serialize = "audit.export")]
    AuditExported,
    #[strum(serialize = "client.list")]
    ClientsListed,
    #[strum(serialize = "client.read")]
    ClientRead,
    #[strum(serialize = "client.create")]
    ClientCreated,
    #[strum(serialize = "client.update")]
    ClientUpdated,
    #[strum(serialize = "client.protection")]
    ProtectionChanged,
    #[strum(serialize = "client.access_group")]
    AccessGroupChanged,
    #[strum(serialize = "decision.record")]
    DecisionRecorded,
    #[strum(serialize = "decision.end")]
    DecisionEnded,
    #[strum(serialize = "order.accept")]
    OrderAccepted,
    #[strum(serialize = "order.activate")]
    OrderActivated,
    #[strum(serialize = "consent.record")]
    ConsentRecorded,
    #[strum(serialize = "consent.withdraw")]
    ConsentWithdrawn,
    /// Consents due for re-confirmation, listed (the needs assessor's work list).
    #[strum(serialize = "consent.list")]
    ConsentsListed,
    #[strum(serialize = "plan.change")]
    PlanChanged,
    #[strum(serialize = "pause.record")]
    PauseRecorded,
    #[strum(serialize = "pause.cancel")]
    PauseCancelled,
    #[strum(serialize = "device.register")]
    DeviceRegistered,
    #[strum(serialize = "device.step")]
    DeviceStepTaken,
    #[strum(serialize = "device.update")]
    DeviceChanged,
    #[strum(serialize = "device.credential_issue")]
    DeviceCredentialIssued,
    #[strum(serialize = "device.credential_revoke")]
    DeviceCredentialRevoked,
    #[strum(serialize = "import")]
    DataImported,
    #[strum(serialize = "report.read")]
    ReportRead,
    #[strum(serialize = "order.list")]
    OrdersListed,
    #[strum(serialize = "device.list")]
    DevicesListed,
    #[strum(serialize = "supervision.plan_night")]
    NightPlanned,
    #[strum(serialize = "supervision.dispatch")]
    Dispatched,
    #[strum(serialize = "supervision.queue")]
    SupervisionQueueRead,
    #[strum(serialize = "supervision.look_in")]
    LookInStarted,
    #[strum(serialize = "supervision.look_in_end")]
    LookInEnded,
    #[strum(serialize = "supervision.outcome")]
    OutcomeRecorded,
    #[strum(serialize = "dispatch.list")]
    DispatchesListed,
    #[strum(serialize = "dispatch.step")]
    DispatchStepTaken,
    #[strum(serialize = "supervision.log_export")]
    SupervisionLogExported,
    #[strum(serialize = "supervision.statistics")]
    StatisticsRead,
    #[strum(serialize = "supervision.purge")]
    SupervisionPurged,
    #[strum(serialize = "alarm.queue")]
    AlarmQueueRead,
    #[strum(serialize = "alarm.read")]
    AlarmRead,
    #[strum(serialize = "alarm.step")]
    AlarmStepTaken,
    #[strum(serialize = "alarm.list")]
    AlarmsListed,
    #[strum(serialize = "alarm.check_sign")]
    TechnicalCheckSigned,
    #[strum(serialize = "alarm.oversight")]
    AlarmOversightRead,
    /// The alarm receiver refused a message of a provisioned DC-09 account (no key and not
    /// marked clear, clear where a key is required, no timestamp, outside the time window, a
    /// wrong key); the details say why.
    #[strum(serialize = "alarm.message_refused")]
    AlarmMessageRefused,
    #[strum(serialize = "access.denied")]
    AccessDenied,
    /// The key that seals secrets in the database was replaced (`vaka secrets rotate`); the
    /// details name the old and new key ids and how many values were sealed again.
    #[strum(serialize = "secrets.rotate")]
    SecretsRotated,
    /// A home-care visit plan made or ended.
    #[strum(serialize = "homecare.plan")]
    VisitPlanChanged,
    /// The visit plans of a client read.
    #[strum(serialize = "homecare.plan_list")]
    VisitPlansListed,
    /// The day's visits of the caller's units read (one entry per client shown).
    #[strum(serialize = "homecare.today")]
    VisitsTodayRead,
    /// One record of the staff app's outbox stored (or refused; the details say which record).
    #[strum(serialize = "homecare.visit_record")]
    VisitRecorded,
    /// A staff app's outbox synced (the batch as a whole: how many stored, duplicate, refused).
    #[strum(serialize = "homecare.sync")]
    VisitsSynced,
    /// Visits read by a unit manager (a unit's day or week, one visit with its history).
    #[strum(serialize = "homecare.visit_read")]
    VisitsRead,
    /// A registered visit corrected (with its reason).
    #[strum(serialize = "homecare.correct")]
    VisitCorrected,
    /// A worker confirmed their week.
    #[strum(serialize = "homecare.week_confirm")]
    WeekConfirmed,
    /// A unit manager approved a unit's week.
    #[strum(serialize = "homecare.week_approve")]
    WeekApproved,
    /// A provider's lock date set (moved back: reopened).
    #[strum(serialize = "homecare.lock_date")]
    LockDateSet,
    /// A provider's payment basis read or extracted.
    #[strum(serialize = "homecare.payment_basis")]
    PaymentBasisRead,
    /// An NFC tag's settings (UID, strength, key) set: the tag is provisioned.
    #[strum(serialize = "tag.provision")]
    TagProvisioned,
    /// A new NFC tag ordered for a client (registered with its URL and key, assigned).
    #[strum(serialize = "tag.order")]
    TagOrdered,
    /// A client's NFC tag replaced: the old one retired, a new one assigned, in one step.
    #[strum(serialize = "tag.replace")]
    TagReplaced,
    /// A tap of an NFC tag at a client's door, accepted or refused (the details say which
    /// tag, its strength and counter, or why).
    #[strum(serialize = "tag.tap")]
    TagTapped,
    /// An unlock asked of a client's lock: granted (and sent) or refused, with the ground.
    #[strum(serialize = "lock.unlock")]
    LockUnlock,
    /// Capabilities issued to a user's phone for their visits (offline locks).
    #[strum(serialize = "lock.capabilities")]
    LockCapabilitiesIssued,
    /// A lock reported an event (unlocked, locked, refused, battery low, jammed, tamper).
    #[strum(serialize = "lock.event")]
    LockEventRecorded,
    /// A lock's connection was refused: it reported for a lock id that is not its own, or
    /// broke the protocol.
    #[strum(serialize = "lock.connection_refused")]
    LockConnectionRefused,
    /// A client's key access (ways in, locks, lock events) read.
    #[strum(serialize = "keys.read")]
    KeyAccessRead,
    /// A client's key access set changed.
    #[strum(serialize = "keys.change")]
    KeyAccessChanged,
    /// A user's licence (profession and licence number) set or removed.
    #[strum(serialize = "delegation.licence")]
    LicenceSet,
    /// A task type of the municipality's coded list added or changed.
    #[strum(serialize = "delegation.task_type")]
    TaskTypeChanged,
    /// A delegation decided (unsigned until both parties sign).
    #[strum(serialize = "delegation.create")]
    DelegationCreated,
    /// A party's signature of a delegation, with a fresh second factor.
    #[strum(serialize = "delegation.sign")]
    DelegationSigned,
    /// A delegation revoked, with a reason.
    #[strum(serialize = "delegation.revoke")]
    DelegationRevoked,
    /// Delegations read: one, a person's, a unit's register, those expiring.
    #[strum(serialize = "delegation.read")]
    DelegationsRead,
    /// The renewal reminder of a delegation sent (the server's job).
    #[strum(serialize = "delegation.remind")]
    DelegationReminded,
    /// A person's leave recorded or ended on their delegations (a leave of more than three
    /// months ends them).
    #[strum(serialize = "delegation.leave")]
    LeaveRecorded,
    /// A health-care task prescribed for a client.
    #[strum(serialize = "prescription.create")]
    PrescriptionCreated,
    /// A prescription ended early.
    #[strum(serialize = "prescription.end")]
    PrescriptionEnded,
    /// A client's prescriptions read.
    #[strum(serialize = "prescription.read")]
    PrescriptionsRead,
    /// A signing list read (a unit's day, a client's due signings in the staff app).
    #[strum(serialize = "signing.list")]
    SigningListRead,
    /// An occasion signed (online or at a sync), accepted or refused.
    #[strum(serialize = "signing.sign")]
    TaskSigned,
    /// The effect of an as-needed signing noted.
    #[strum(serialize = "signing.effect")]
    SigningEffectNoted,
    /// A client's signing history read or extracted (page, CSV, PDF).
    #[strum(serialize = "signing.history")]
    SigningHistoryRead,
    /// Reports of signings read: missed and late per unit and week.
    #[strum(serialize = "signing.report")]
    SigningReportRead,
    /// A person called for a missed signing (the server's scan).
    #[strum(serialize = "signing.missed_call")]
    MissedSigningCalled,
    /// The missed signings and open deviations read (the live overview).
    #[strum(serialize = "signing.missed_read")]
    MissedSigningsRead,
    /// A deviation closed with a note.
    #[strum(serialize = "deviation.close")]
    DeviationClosed,
    /// A unit's escalation ladder for missed signings set.
    #[strum(serialize = "signing.ladder")]
    EscalationLadderSet,
    /// A kind of record's retention set (the retention table).
    #[strum(serialize = "retention.set")]
    RetentionSet,
    /// A legal hold placed on a client: purging leaves their records.
    #[strum(serialize = "retention.hold")]
    LegalHoldPlaced,
    /// A legal hold lifted.
    #[strum(serialize = "retention.hold_lift")]
    LegalHoldLifted,
    /// What the next purge removes, counted (the preview page).
    #[strum(serialize = "retention.preview")]
    PurgePreviewed,
    /// A purge run: what it removed, per kind of record.
    #[strum(serialize = "retention.purge")]
    PurgeRun,
    /// A client's own log extracted on request (the client, a representative, or a manager
    /// after an incident): the details record who asked, the period, the reason and what the
    /// extract held.
    #[strum(serialize = "client.log_extract")]
    ClientLogExtracted,
    /// A planned-downtime notice published.
    #[strum(serialize = "operations.notice_publish")]
    DowntimeNoticePublished,
    /// A planned-downtime notice cancelled.
    #[strum(serialize = "operations.notice_cancel")]
    DowntimeNoticeCancelled,
    /// A provider's contact person acknowledged a notice.
    #[strum(serialize = "operations.notice_ack")]
    DowntimeNoticeAcknowledged,
    /// An unplanned outage reported (routed by the hour).
    #[strum(serialize = "operations.outage_report")]
    OutageReported,
    /// An outage report marked resolved.
    #[strum(serialize = "operations.outage_resolve")]
    OutageResolved,
    /// A unit's reserve list printed: each client on it is read.
    #[strum(serialize = "operations.reserve_list")]
    ReserveListPrinted,
    /// A provider's contact person named or changed.
    #[strum(serialize = "operations.contact_set")]
    ContactSet,
    /// A provider's contact person confirmed as current (yearly).
    #[strum(serialize = "operations.contact_confirm")]
    ContactConfirmed,
    /// Emergency access opened to a client outside the caller's need-to-know (nödåtkomst):
    /// flagged, as is every entry it produces; the reason is kept with the access.
    #[strum(serialize = "client.emergency_access")]
    EmergencyAccessOpened,
    /// An emergency access ended by its user before its hour was up.
    #[strum(serialize = "client.emergency_access_end")]
    EmergencyAccessEnded,
    /// The management plan read (roles, contracts, classification, activity plan, reports).
    #[strum(serialize = "governance.read")]
    GovernanceRead,
    /// A user assigned a role of the management organisation.
    #[strum(serialize = "governance.role_assign")]
    GovernanceRoleAssigned,
    /// A governance role assignment ended.
    #[strum(serialize = "governance.role_end")]
    GovernanceRoleEnded,
    /// A supplier contract added or changed.
    #[strum(serialize = "governance.contract_save")]
    ContractSaved,
    /// A contract's yearly follow-up signed off.
    #[strum(serialize = "governance.contract_follow_up")]
    ContractFollowedUp,
    /// An information type's classification set.
    #[strum(serialize = "governance.classification_set")]
    ClassificationSet,
    /// A duty of the activity plan changed (schedule, role, start).
    #[strum(serialize = "governance.duty_change")]
    DutyChanged,
    /// A duty of the activity plan signed off for a due date.
    #[strum(serialize = "governance.duty_sign_off")]
    DutySignedOff,
    /// An incident reported.
    #[strum(serialize = "governance.incident_report")]
    IncidentReported,
    /// An incident report's status moved.
    #[strum(serialize = "governance.incident_status")]
    IncidentStatusChanged,
    /// A fault reported to a supplier.
    #[strum(serialize = "governance.fault_report")]
    FaultReported,
    /// A fault report's status moved (acknowledged, resolved).
    #[strum(serialize = "governance.fault_update")]
    FaultUpdated,
    /// A log review made: the month's of a unit (the server's job) or one on request (the
    /// details name the reason and the user or client named).
    #[strum(serialize = "log_review.create")]
    LogReviewCreated,
    /// A log review read: one entry per client it shows (reviewing the log is an access).
    #[strum(serialize = "log_review.read")]
    LogReviewRead,
    /// An entry of a log review marked OK or for follow-up.
    #[strum(serialize = "log_review.mark")]
    LogReviewMarked,
    /// A log review signed off.
    #[strum(serialize = "log_review.sign")]
    LogReviewSigned,
    /// An overdue log review escalated (the details name to whom).
    #[strum(serialize = "log_review.escalate")]
    LogReviewEscalated,
}

crate::impl_codes!(AuditAction);

impl AuditAction {
    /// Security events are about authentication and rights rather than about a person's data.
    pub fn is_security_event(self) -> bool {
        self.code().starts_with("auth.")
            || self.code().starts_with("token.")
            || self.code().starts_with("role.")
            || self.code().starts_with("access.")
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How the attempt ended.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Outcome {
    Success,
    /// Refused by an access rule.
    Denied,
    /// Refused for another reason (wrong password, invalid input, conflict).
    Failure,
}

crate::impl_codes!(Outcome);

/// Who acted, as recorded: user, the role and organisation/unit the access came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: Option<UserId>,
    pub username: Option<String>,
    pub role: Option<Role>,
    pub organisation_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub credential: Option<String>,
}

impl Actor {
    /// The principal acting through one of its assignments (the one that granted the access).
    pub fn acting(principal: &Principal, through: Option<&Assignment>) -> Self {
        Self {
            user_id: Some(principal.user_id),
            username: Some(principal.username.clone()),
            role: through.map(|a| a.role),
            organisation_id: Some(through.map_or(principal.organisation_id, |a| a.organisation_id)),
            unit_id: through.and_then(|a| a.unit_id),
            credential: Some(principal.credential.audit_ref()),
        }
    }

    /// Someone not (yet) authenticated, such as a failed login for a username.
    pub fn anonymous(claimed_username: Option<&str>) -> Self {
        Self {
            username: claimed_username.map(str::to_owned),
            ..Self::default()
        }
    }

    pub fn system(credential: Credential) -> Self {
        Self {
            credential: Some(credential.audit_ref()),
            ..Self::default()
        }
    }
}

/// Marks on an entry that log review must see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFlags {
    /// The client has a protected identity.
    pub protected_identity: bool,
    /// Access outside the normal scope under emergency access (nödåtkomst).
    pub emergency_access: bool,
}

impl AuditFlags {
    pub fn bits(self) -> u32 {
        u32::from(self.protected_identity) | (u32::from(self.emergency_access) << 1)
    }

    pub fn from_bits(bits: u32) -> Self {
        Self {
            protected_identity: bits & 1 != 0,
            emergency_access: bits & 2 != 0,
        }
    }
}

/// An entry as the caller describes it, before it gets its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub at: Timestamp,
    pub actor: Actor,
    pub action: AuditAction,
    pub outcome: Outcome,
    pub client_id: Option<ClientId>,
    /// The kind of object acted on (`user`, `unit`, `organisation`, `token`...).
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    /// The care context the access came from (HSLF-FS 2016:40 4 kap 9 §).
    pub care_context: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub flags: AuditFlags,
    /// A short JSON object with extra, non-sensitive facts (e.g. filter used, reason code).
    pub details: Option<String>,
}

impl NewAuditEntry {
    pub fn new(at: Timestamp, actor: Actor, action: AuditAction, outcome: Outcome) -> Self {
        Self {
            at,
            actor,
            action,
            outcome,
            client_id: None,
            subject_kind: None,
            subject_id: None,
            care_context: None,
            request_id: None,
            source_ip: None,
            flags: AuditFlags::default(),
            details: None,
        }
    }

    pub fn subject(mut self, kind: &str, id: impl fmt::Display) -> Self {
        self.subject_kind = Some(kind.to_owned());
        self.subject_id = Some(id.to_string());
        self
    }

    pub fn client(mut self, id: ClientId) -> Self {
        self.client_id = Some(id);
        self
    }

    /// Extra facts as a JSON object (the caller serialises it; no personal data).
    pub fn details(mut self, json: String) -> Self {
        self.details = Some(json);
        self
    }

    /// Makes text fields safe to store and hash: no NUL or other control characters (an
    /// attempted username is attacker-controlled) and bounded lengths.
    pub fn normalised(mut self) -> Self {
        fn clean(s: &mut Option<String>, max: usize) {
            if let Some(v) = s.as_mut() {
                if v.chars().any(char::is_control) {
                    *v = v
                        .chars()
                        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
                        .collect();
                }
                if v.chars().count() > max {
                    *v = v.chars().take(max).collect();
                }
            }
        }
        clean(&mut self.actor.username, 128);
        clean(&mut self.actor.credential, 128);
        clean(&mut self.subject_kind, 64);
        clean(&mut self.subject_id, 256);
        clean(&mut self.care_context, 256);
        clean(&mut self.request_id, 128);
        clean(&mut self.source_ip, 64);
        clean(&mut self.details, 4096);
        self
    }

    /// Places the entry after `prev` in the chain.
    pub fn seal(self, seq: u64, prev_hash: [u8; 32]) -> AuditEntry {
        let mut entry = AuditEntry {
            seq,
            new: self,
            prev_hash,
            hash: [0; 32],
        };
        entry.hash = entry.compute_hash();
        entry
    }
}

/// An entry in its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// 1, 2, 3... with no gaps.
    pub seq: u64,
    pub new: NewAuditEntry,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

fn put(h: &mut Sha256, field: Option<&[u8]>) {
    match field {
        None => h.update(u32::MAX.to_be_bytes()),
        Some(bytes) => {
            // Fields are bounded far below 4 GiB by the store; saturate rather than wrap.
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX - 1);
            h.update(len.to_be_bytes());
            h.update(bytes);
        }
    }
}

fn put_str(h: &mut Sha256, s: Option<&str>) {
    put(h, s.map(str::as_bytes));
}

impl AuditEntry {
    /// The chain hash of this entry, from its fields and `prev_hash`.
    pub fn compute_hash(&self) -> [u8; 32] {
        let e = &self.new;
        let mut h = Sha256::new();
        h.update(DOMAIN_TAG);
        h.update(self.seq.to_be_bytes());
        h.update(e.at.as_microsecond().to_be_bytes());
        put(
            &mut h,
            e.actor.user_id.as_ref().map(|u| u.0.as_bytes().as_slice()),
        );
        put_str(&mut h, e.actor.username.as_deref());
        put_str(&mut h, e.actor.role.map(Role::code));
        put(
            &mut h,
            e.actor
                .organisation_id
                .as_ref()
                .map(|o| o.0.as_bytes().as_slice()),
        );
        put(
            &mut h,
            e.actor.unit_id.as_ref().map(|u| u.0.as_bytes().as_slice()),
        );
        put_str(&mut h, e.actor.credential.as_deref());
        put_str(&mut h, Some(e.action.code()));
        put_str(&mut h, Some(e.outcome.code()));
        put(
            &mut h,
            e.client_id.as_ref().map(|c| c.0.as_bytes().as_slice()),
        );
        put_str(&mut h, e.subject_kind.as_deref());
        put_str(&mut h, e.subject_id.as_deref());
        put_str(&mut h, e.care_context.as_deref());
        put_str(&mut h, e.request_id.as_deref());
        put_str(&mut h, e.source_ip.as_deref());
        h.update(e.flags.bits().to_be_bytes());
        put_str(&mut h, e.details.as_deref());
        h.update(self.prev_hash);
        h.finalize().into()
    }
}

/// Why the chain is broken at an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainBreak {
    /// A sequence number is missing or out of order (an entry was removed or moved).
    Sequence { expected: u64, found: u64 },
    /// The entry does not point at the hash of the entry before it.
    PrevHash { seq: u64 },
    /// The entry's content does not match its hash (it was changed).
    Hash { seq: u64 },
    /// The last entry is not the head the store recorded (entries were cut off the end).
    Head { expected_seq: u64, found_seq: u64 },
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainBreak::Sequence { expected, found } => write!(
                f,
                "entry {found}: expected sequence number {expected} (an entry was removed or reordered)"
            ),
            ChainBreak::PrevHash { seq } => write!(
                f,
                "entry {seq}: does not link to the entry before it (an entry before it was removed, changed or reordered)"
            ),
            ChainBreak::Hash { seq } => {
                write!(
                    f,
                    "entry {seq}: content does not match its hash (the entry was changed)"
                )
            }
            ChainBreak::Head {
                expected_seq,
                found_seq,
            } => write!(
                f,
                "the log ends at entry {found_seq} but the recorded head is entry {expected_seq} (entries were removed from the end)"
            ),
        }
    }
}

/// Checks entries streamed in `seq` order, one at a time, so that a million entries need no
/// more memory than one.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: u64,
    prev_hash: [u8; 32],
    /// The entry the chain starts after: 0 (the genesis), or the anchor of a purged log.
    start: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS_HASH,
            start: 0,
        }
    }
}

impl ChainVerifier {
    /// A chain whose entries up to `seq` were purged: the first entry left is `seq + 1` and
    /// links to `hash`, the purged entry's hash as the (signed) anchor records it.
    pub fn from_anchor(seq: u64, hash: [u8; 32]) -> Self {
        Self {
            next_seq: seq + 1,
            prev_hash: hash,
            start: seq,
        }
    }

    /// The sequence number of the last entry checked (the anchor's, before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn push(&mut self, e: &AuditEntry) -> Result<(), ChainBreak> {
        let hash_ok = e.compute_hash() == e.hash;
        self.push_checked(e, hash_ok)
    }

    /// Like [`push`](Self::push), with the entry's own hash already checked (elsewhere, in
    /// parallel): `hash_ok` says whether `compute_hash() == hash`.
    pub fn push_checked(&mut self, e: &AuditEntry, hash_ok: bool) -> Result<(), ChainBreak> {
        if e.seq != self.next_seq {
            return Err(ChainBreak::Sequence {
                expected: self.next_seq,
                found: e.seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::PrevHash { seq: e.seq });
        }
        if !hash_ok {
            return Err(ChainBreak::Hash { seq: e.seq });
        }
        self.next_seq += 1;
        self.prev_hash = e.hash;
        Ok(())
    }

    /// Number of entries checked so far.
    pub fn count(&self) -> u64 {
        self.next_seq - 1 - self.start
    }

    /// Compares the end of the chain with the head the store keeps; returns the number of
    /// entries checked.
    pub fn finish(&self, head_seq: u64, head_hash: [u8; 32]) -> Result<u64, ChainBreak> {
        let last = self.last_seq();
        if last != head_seq || (last > 0 && self.prev_hash != head_hash) {
            return Err(ChainBreak::Head {
                expected_seq: head_seq,
                found_seq: last,
            });
        }
        Ok(self.count())
    }
}

/// Verifies a whole chain held in memory; returns the number of entries.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    head: (u64, [u8; 32]),
) -> Result<u64, ChainBreak> {
    let mut v = ChainVerifier::default();
    for e in entries {
        v.push(e)?;
    }
    v.finish(head.0, head.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(i: u64) -> NewAuditEntry {
        let mut e = NewAuditEntry::new(
            Timestamp::from_second(1_700_000_000 + i64::try_from(i).unwrap()).unwrap(),
            Actor {
                user_id: Some(UserId::new()),
                username: Some(format!("user{i}")),
                role: Some(Role::Operator),
                organisation_id: Some(OrganisationId::new()),
                unit_id: None,
                credential: Some("cli".into()),
            },
            AuditAction::ClientRead,
            Outcome::Success,
        );
        e.client_id = Some(ClientId::new());
        e.request_id = Some(format!("req-{i}"));
        e
    }

    fn chain(n: u64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH;
        (1..=n)
            .map(|i| {
                let e = entry(i).seal(i, prev);
                prev = e.hash;
                e
            })
            .collect()
    }

    fn head(c: &[AuditEntry]) -> (u64, [u8; 32]) {
        c.last().map_or((0, GENESIS_HASH), |e| (e.seq, e.hash))
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(20);
        assert_eq!(verify_chain(&c, head(&c)), Ok(20));
        assert_eq!(verify_chain(&[], (0, GENESIS_HASH)), Ok(0));
    }

    #[test]
    fn a_purged_chain_verifies_from_its_anchor_and_only_from_it() {
        let c = chain(10);
        let rest = &c[4..];
        let mut v = ChainVerifier::from_anchor(4, c[3].hash);
        for e in rest {
            v.push(e).unwrap();
        }
        assert_eq!(v.finish(10, c[9].hash), Ok(6));
        assert_eq!(v.last_seq(), 10);
        // An anchor with another hash does not link to the first entry left.
        let mut v = ChainVerifier::from_anchor(4, c[2].hash);
        assert_eq!(v.push(&rest[0]), Err(ChainBreak::PrevHash { seq: 5 }));
        // Nor does an anchor at another entry.
        let mut v = ChainVerifier::from_anchor(3, c[2].hash);
        assert_eq!(
            v.push(&rest[0]),
            Err(ChainBreak::Sequence {
                expected: 4,
                found: 5
            })
        );
    }

    #[test]
    fn changed_entry_is_named() {
        let mut c = chain(10);
        let h = head(&c);
        c[4].new.outcome = Outcome::Denied;
        assert_eq!(verify_chain(&c, h), Err(ChainBreak::Hash { seq: 5 }));
    }

    #[test]
    fn rehashed_change_breaks_the_next_link() {
        let mut c = chain(10);
        let h = head(&c);
        c[4].new.actor.username = Some("mallory".into());
        c[4].hash = c[4].compute_hash();
        assert_eq!(verify_chain(&c, h), Err(ChainBreak::PrevHash { seq: 6 }));
    }

    #[test]
    fn removed_and_reordered_entries_are_found() {
        let c = chain(10);
        let h = head(&c);
        let mut removed = c.clone();
        removed.remove(3);
        assert_eq!(
            verify_chain(&removed, h),
            Err(ChainBreak::Sequence {
                expected: 4,
                found: 5
            })
        );
        let mut swapped = c.clone();
        swapped.swap(2, 3);
        assert_eq!(
            verify_chain(&swapped, h),
            Err(ChainBreak::Sequence {
                expected: 3,
                found: 4
            })
        );
        let truncated = &c[..8];
        assert_eq!(
            verify_chain(truncated, h),
            Err(ChainBreak::Head {
                expected_seq: 10,
                found_seq: 8
            })
        );
    }

    #[test]
    fn fields_are_unambiguous() {
        // Moving a character between adjacent fields must change the hash.
        let mut a = entry(1);
        a.subject_kind = Some("ab".into());
        a.subject_id = Some("c".into());
        let mut b = a.clone();
        b.subject_kind = Some("a".into());
        b.subject_id = Some("bc".into());
        assert_ne!(a.seal(1, GENESIS_HASH).hash, b.seal(1, GENESIS_HASH).hash);
        let mut c = entry(1);
        c.details = None;
        let mut d = c.clone();
        d.details = Some(String::new());
        assert_ne!(c.seal(1, GENESIS_HASH).hash, d.seal(1, GENESIS_HASH).hash);
    }

    #[test]
    fn normalising_removes_control_characters_and_bounds_length() {
        let mut e = entry(1);
        e.actor.username = Some(format!("a\0b{}", "x".repeat(500)));
        let n = e.normalised();
        let u = n.actor.username.unwrap();
        assert!(u.starts_with("a\u{fffd}b"));
        assert_eq!(u.chars().count(), 128);
    }

    #[test]
    fn codes_roundtrip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &a in AuditAction::ALL {
            assert!(seen.insert(a.code()), "duplicate code {}", a.code());
            assert_eq!(AuditAction::from_code(a.code()), Some(a));
        }
    }

    proptest! {
        #[test]
        fn any_single_field_change_is_detected(idx in 0usize..8, text in "[a-z]{1,8}") {
            let c = chain(8);
            let h = head(&c);
            let mut t = c.clone();
            let target = &mut t[idx].new;
            let changed = format!("{}{}", target.request_id.clone().unwrap_or_default(), text);
            target.request_id = Some(changed);
            prop_assert!(verify_chain(&t, h).is_err());
        }
    }
}
