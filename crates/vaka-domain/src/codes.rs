//! Enumerations stored and sent by a stable code.
//!
//! An enum with a code derives strum's `IntoStaticStr` (the code), `EnumString` (the enum from
//! its code) and `VariantArray` (every variant), with `#[strum(serialize_all = "snake_case")]`
//! or an explicit `#[strum(serialize = "…")]` on a variant; [`impl_codes!`](crate::impl_codes)
//! then gives it `ALL`, `code()` and `from_code()`. The codes are stored and hashed: the tests
//! below pin every one of them, so that renaming a variant cannot change a stored code unseen.
//!
//! The states whose variants carry data keep a hand-written `from_parts()`, as a state is
//! stored as its code beside the data and rebuilt from both:
//! [`AlarmState`](crate::alarm::AlarmState) by its [`AlarmStatus`](crate::alarm::AlarmStatus),
//! and [`TaskState`](crate::supervision::TaskState) also by a hand-written `code()`, as its code
//! is not one per variant (an open window is `open` or `recheck_open`).

/// Gives enums that derive strum's `IntoStaticStr`, `EnumString` and `VariantArray` the
/// inherent `ALL` (every variant, in declaration order), `code()` and `from_code()`.
#[macro_export]
macro_rules! impl_codes {
    ($($name:ty),+ $(,)?) => {$(
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = <Self as ::strum::VariantArray>::VARIANTS;

            /// The stable code, as stored and sent.
            pub fn code(self) -> &'static str {
                self.into()
            }

            /// The variant with this code (exactly; no other spelling is accepted).
            pub fn from_code(s: &str) -> ::core::option::Option<Self> {
                <Self as ::core::str::FromStr>::from_str(s).ok()
            }
        }
    )+};
}

/// Test support for [`impl_codes!`](crate::impl_codes): that every variant of `all` reads back
/// from its code as itself, and that no two variants share a code. The error names the enum and
/// the code.
#[doc(hidden)]
pub fn check_codes<T: Copy + PartialEq + std::fmt::Debug>(
    name: &str,
    all: &[T],
    code: impl Fn(T) -> &'static str,
    from_code: impl Fn(&str) -> Option<T>,
) -> Result<(), String> {
    if all.is_empty() {
        return Err(format!("{name}: no variants"));
    }
    let mut seen = std::collections::HashMap::new();
    for &x in all {
        let c = code(x);
        if c.is_empty() {
            return Err(format!("{name}::{x:?}: empty code"));
        }
        if let Some(other) = seen.insert(c, x) {
            return Err(format!("{name}: {other:?} and {x:?} share the code {c:?}"));
        }
        if from_code(c) != Some(x) {
            return Err(format!(
                "{name}: the code {c:?} of {x:?} reads back as {:?}",
                from_code(c)
            ));
        }
    }
    Ok(())
}

/// Asserts [`check_codes`] for each enum given, through its `ALL`, `code()` and `from_code()`.
#[doc(hidden)]
#[macro_export]
macro_rules! assert_codes {
    ($($name:ty),+ $(,)?) => {$(
        if let ::core::result::Result::Err(e) = $crate::codes::check_codes(
            ::core::stringify!($name),
            <$name>::ALL,
            <$name>::code,
            <$name>::from_code,
        ) {
            ::core::panic!("{e}");
        }
    )+};
}

#[cfg(test)]
mod tests {
    use super::check_codes;
    use crate::access::{Permission, Role};
    use crate::alarm::{AlarmKind, AlarmStatus, ChainLink, CloseCause, MessageRefusal};
    use crate::audit::{self, AuditAction};
    use crate::auth::SessionStage;
    use crate::client::{AreaType, KeyAccess, Protection};
    use crate::consent::{GivenBy, InformedHow};
    use crate::decision::{Law, OrderStatus, ServiceKind, SupervisionMode};
    use crate::delegation::{
        CompetenceMethod, EndCause, LicensedAct, NotGivenReason, Party, Profession,
        RevocationReason, SigningOutcome,
    };
    use crate::device::{Dc09KeyStyle, DeviceKind, DeviceStatus, DeviceStep};
    use crate::directory::{AccountStatus, OrganisationKind, ProviderKind, UnitKind};
    use crate::governance::{
        FaultStatus, GovernanceRole, IncidentKind, IncidentStatus, InformationType, KlassaLevel,
        Recurrence,
    };
    use crate::homecare::payment::PaymentRule;
    use crate::homecare::visit::{
        CorrectionField, CorrectionReason, EvidenceKind, ManualReason, VisitKind,
    };
    use crate::homecare::{CareTask, GrantPeriod};
    use crate::keys::{GrantKind, LockEventKind};
    use crate::log_review::{ReviewKind, ReviewMark, ReviewRule};
    use crate::nfc::TagStrength;
    use crate::operations::contacts::ContactKind;
    use crate::operations::outage::{OutageRoute, OutageStatus};
    use crate::personnummer::IdentityKind;
    use crate::plan::{EscalationChain, PauseReason, PauseRequest};
    use crate::retention::RecordKind;
    use crate::rounds::{DstAdjustment, TaskKind};
    use crate::supervision::{self, DispatchCause, DispatchStatus, DispatchStep, EscalationReason};

    /// Every enum with a code, listed once: `$then!` is given them all (the pinned codes follow
    /// this order).
    macro_rules! every_coded_enum {
        ($then:ident) => {
            $then!(
                Role,
                Permission,
                AlarmKind,
                AlarmStatus,
                ChainLink,
                CloseCause,
                MessageRefusal,
                AuditAction,
                audit::Outcome,
                SessionStage,
                Protection,
                AreaType,
                KeyAccess,
                InformedHow,
                GivenBy,
                Law,
                ServiceKind,
                SupervisionMode,
                OrderStatus,
                DeviceKind,
                DeviceStatus,
                DeviceStep,
                Dc09KeyStyle,
                OrganisationKind,
                ProviderKind,
                UnitKind,
                AccountStatus,
                IdentityKind,
                EscalationChain,
                PauseReason,
                PauseRequest,
                TaskKind,
                DstAdjustment,
                DispatchStatus,
                DispatchStep,
                supervision::Outcome,
                DispatchCause,
                EscalationReason,
                CareTask,
                GrantPeriod,
                VisitKind,
                EvidenceKind,
                ManualReason,
                CorrectionReason,
                CorrectionField,
                PaymentRule,
                TagStrength,
                LockEventKind,
                GrantKind,
                Profession,
                LicensedAct,
                CompetenceMethod,
                Party,
                RevocationReason,
                EndCause,
                SigningOutcome,
                NotGivenReason,
                RecordKind,
                OutageRoute,
                OutageStatus,
                ContactKind,
                GovernanceRole,
                KlassaLevel,
                InformationType,
                Recurrence,
                IncidentKind,
                IncidentStatus,
                FaultStatus,
                ReviewRule,
                ReviewMark,
                ReviewKind,
            )
        };
    }

    /// Every enum with a code: each code reads back as its variant, and no two share one.
    #[test]
    fn codes_read_back_and_are_unique() {
        every_coded_enum!(assert_codes);
    }

    /// The check fails on a shared code, on a code that reads back as another variant and on an
    /// enum without variants.
    #[test]
    fn the_check_can_fail() {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum E {
            A,
            B,
        }
        let code = |e: E| match e {
            E::A => "a",
            E::B => "b",
        };
        let from = |s: &str| match s {
            "a" => Some(E::A),
            "b" => Some(E::B),
            _ => None,
        };
        assert_eq!(check_codes("E", &[E::A, E::B], code, from), Ok(()));
        let shared = check_codes("E", &[E::A, E::B], |_| "a", from).unwrap_err();
        assert!(shared.contains("share the code \"a\""), "{shared}");
        let wrong = check_codes("E", &[E::A, E::B], code, |_| Some(E::A)).unwrap_err();
        assert!(wrong.contains("reads back as Some(A)"), "{wrong}");
        assert!(check_codes::<E>("E", &[], code, from).is_err());
    }

    /// Where an enum is also sent as JSON, serde's name of each variant is its code.
    #[test]
    fn serde_names_are_the_codes() {
        fn check<T: Copy + std::fmt::Debug + serde::Serialize>(
            all: &[T],
            code: fn(T) -> &'static str,
        ) {
            for &x in all {
                let json = serde_json::to_value(x).unwrap();
                assert_eq!(json, serde_json::json!(code(x)), "{x:?}");
            }
        }
        // Not every enum with a code is sent as JSON (not AuditAction, DstAdjustment,
        // DispatchStep or EscalationReason): these are the ones that are.
        macro_rules! check_all {
            ($($name:ty),+ $(,)?) => {
                $(check(<$name>::ALL, <$name>::code);)+
            };
        }
        #[rustfmt::skip]
        check_all!(
            Role, Permission, AlarmKind, AlarmStatus, ChainLink, CloseCause, MessageRefusal,
            audit::Outcome,
            SessionStage, Protection, AreaType, KeyAccess, InformedHow, GivenBy, Law,
            ServiceKind, SupervisionMode, OrderStatus, DeviceKind, DeviceStatus, DeviceStep,
            Dc09KeyStyle, OrganisationKind, ProviderKind, UnitKind, AccountStatus, IdentityKind,
            EscalationChain, PauseReason, PauseRequest, TaskKind, DispatchStatus,
            supervision::Outcome, DispatchCause, CareTask, GrantPeriod, VisitKind, EvidenceKind,
            ManualReason, CorrectionReason, CorrectionField, PaymentRule, TagStrength,
            Profession, LicensedAct, CompetenceMethod, Party, RevocationReason, EndCause,
            SigningOutcome, NotGivenReason, RecordKind,
            SigningOutcome, NotGivenReason, OutageRoute, OutageStatus, ContactKind,
            GovernanceRole, KlassaLevel, InformationType, Recurrence, IncidentKind,
            IncidentStatus, FaultStatus,
            ReviewRule, ReviewMark, ReviewKind,
        );
    }

    /// Each variant's line of [`PINNED`] for each enum given, in order (the name as written,
    /// without the spaces `stringify!` puts around `::`).
    macro_rules! pinned_codes {
        ($($name:ty),+ $(,)?) => {
            [$(pinned(&stringify!($name).replace(' ', ""), <$name>::ALL, <$name>::code)),+].concat()
        };
    }

    fn pinned<T: Copy + std::fmt::Debug>(
        name: &str,
        all: &[T],
        code: fn(T) -> &'static str,
    ) -> Vec<String> {
        all.iter()
            .map(|&x| format!("{name} {x:?} {}", code(x)))
            .collect()
    }

    /// The codes are stored (and the audit actions hashed into the chain): each is pinned here,
    /// in the order of `ALL`, so that no change of a variant's name or of an attribute changes
    /// one unseen.
    #[test]
    fn codes_are_pinned() {
        let got: Vec<String> = every_coded_enum!(pinned_codes);
        let want: Vec<&str> = PINNED
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(got, want);
    }

    const PINNED: &str = "
Role SystemAdmin system_admin
Role SystemManager system_manager
Role NeedsAssessor needs_assessor
Role UnitManager unit_manager
Role Operator operator
Role NightPatrol night_patrol
Role CareStaff care_staff
Role Nurse nurse
Role ProviderAdmin provider_admin
Permission DirectoryRead directory_read
Permission OrganisationManage organisation_manage
Permission UnitManage unit_manage
Permission AccountManage account_manage
Permission AccountRequest account_request
Permission AccountApprove account_approve
Permission AccountDeactivate account_deactivate
Permission TokenManage token_manage
Permission AuditRead audit_read
Permission AuditExport audit_export
Permission ClientRead client_read
Permission ClientWrite client_write
Permission DecisionManage decision_manage
Permission ConsentManage consent_manage
Permission OrderAccept order_accept
Permission PlanManage plan_manage
Permission PauseRecord pause_record
Permission AccessGroupManage access_group_manage
Permission ProtectionChange protection_change
Permission DeviceManage device_manage
Permission ImportData import_data
Permission ReportRead report_read
Permission Supervise supervise
Permission DispatchRespond dispatch_respond
Permission SupervisionLogExport supervision_log_export
Permission StatisticsRead statistics_read
Permission AlarmHandle alarm_handle
Permission TechnicalCheck technical_check
Permission AlarmOversight alarm_oversight
Permission VisitRegister visit_register
Permission VisitManage visit_manage
Permission VisitPeriodLock visit_period_lock
Permission PaymentBasisRead payment_basis_read
Permission DelegationManage delegation_manage
Permission TaskSign task_sign
Permission DelegationOversee delegation_oversee
Permission TaskTypeManage task_type_manage
Permission RetentionManage retention_manage
Permission NoticePublish notice_publish
Permission NoticeAcknowledge notice_acknowledge
Permission OutageManage outage_manage
Permission ReserveListPrint reserve_list_print
Permission ContactsKeep contacts_keep
Permission GovernanceManage governance_manage
Permission SupplierFaultReport supplier_fault_report
AlarmKind Personal personal
AlarmKind Fall fall
AlarmKind Sensor sensor
AlarmKind Technical technical
AlarmKind Test test
AlarmKind UnknownDevice unknown_device
AlarmStatus Received received
AlarmStatus Taken taken
AlarmStatus Dispatched dispatched
AlarmStatus Acknowledged acknowledged
AlarmStatus OnTheWay on_the_way
AlarmStatus Arrived arrived
AlarmStatus Closed closed
ChainLink NightPatrol night_patrol
ChainLink HomeCare home_care
ChainLink Relative relative
CloseCause HelpGiven help_given
CloseCause Fall fall
CloseCause Ambulance ambulance
CloseCause Accidental accidental
CloseCause Test test
CloseCause Technical technical
CloseCause Other other
MessageRefusal Framing framing
MessageRefusal Crc crc
MessageRefusal Length length
MessageRefusal Header header
MessageRefusal Content content
MessageRefusal Timestamp timestamp
MessageRefusal MissingTimestamp missing_timestamp
MessageRefusal Window window
MessageRefusal Key key
MessageRefusal Token token
MessageRefusal UnknownAccount unknown_account
MessageRefusal ClearForEncryptedAccount clear_for_encrypted_account
MessageRefusal UnsecuredAccount unsecured_account
MessageRefusal Authentication authentication
AuditAction LoginSucceeded auth.login
AuditAction LoginFailed auth.login_failed
AuditAction LoginLocked auth.locked
AuditAction SecondFactorFailed auth.totp_failed
AuditAction SecondFactorEnrolled auth.totp_enrolled
AuditAction RecoveryCodeUsed auth.recovery_code_used
AuditAction RecoveryCodesRenewed auth.recovery_codes_renewed
AuditAction SecondFactorConfirmed auth.step_up
AuditAction Logout auth.logout
AuditAction LogoutEverywhere auth.logout_everywhere
AuditAction PasswordChanged auth.password_changed
AuditAction AppDeviceEnrolled auth.app_device_enrol
AuditAction AppDeviceUnlocked auth.app_device_unlock
AuditAction AppDeviceRevoked auth.app_device_revoke
AuditAction PasskeyAdded auth.passkey_added
AuditAction PasskeyRenamed auth.passkey_renamed
AuditAction PasskeyRemoved auth.passkey_removed
AuditAction OidcLogin auth.oidc
AuditAction TokenCreated token.create
AuditAction TokenRevoked token.revoke
AuditAction TokenUsed token.use
AuditAction OrganisationCreated organisation.create
AuditAction OrganisationUpdated organisation.update
AuditAction UnitCreated unit.create
AuditAction UnitUpdated unit.update
AuditAction UnitCoverageChanged unit.coverage
AuditAction UserCreated user.create
AuditAction UserRequested user.request
AuditAction UserApproved user.approve
AuditAction UserRejected user.reject
AuditAction UserDeactivated user.deactivate
AuditAction UserReactivated user.reactivate
AuditAction UserUpdated user.update
AuditAction UserRead user.read
AuditAction UsersListed user.list
AuditAction RoleGranted role.grant
AuditAction RoleRevoked role.revoke
AuditAction AuditSearched audit.search
AuditAction AuditExported audit.export
AuditAction ClientsListed client.list
AuditAction ClientRead client.read
AuditAction ClientCreated client.create
AuditAction ClientUpdated client.update
AuditAction ProtectionChanged client.protection
AuditAction AccessGroupChanged client.access_group
AuditAction DecisionRecorded decision.record
AuditAction DecisionEnded decision.end
AuditAction OrderAccepted order.accept
AuditAction OrderActivated order.activate
AuditAction ConsentRecorded consent.record
AuditAction ConsentWithdrawn consent.withdraw
AuditAction ConsentsListed consent.list
AuditAction PlanChanged plan.change
AuditAction PauseRecorded pause.record
AuditAction PauseCancelled pause.cancel
AuditAction DeviceRegistered device.register
AuditAction DeviceStepTaken device.step
AuditAction DeviceChanged device.update
AuditAction DeviceCredentialIssued device.credential_issue
AuditAction DeviceCredentialRevoked device.credential_revoke
AuditAction DataImported import
AuditAction ReportRead report.read
AuditAction OrdersListed order.list
AuditAction DevicesListed device.list
AuditAction NightPlanned supervision.plan_night
AuditAction Dispatched supervision.dispatch
AuditAction SupervisionQueueRead supervision.queue
AuditAction LookInStarted supervision.look_in
AuditAction LookInEnded supervision.look_in_end
AuditAction OutcomeRecorded supervision.outcome
AuditAction DispatchesListed dispatch.list
AuditAction DispatchStepTaken dispatch.step
AuditAction SupervisionLogExported supervision.log_export
AuditAction StatisticsRead supervision.statistics
AuditAction SupervisionPurged supervision.purge
AuditAction AlarmQueueRead alarm.queue
AuditAction AlarmRead alarm.read
AuditAction AlarmStepTaken alarm.step
AuditAction AlarmsListed alarm.list
AuditAction TechnicalCheckSigned alarm.check_sign
AuditAction AlarmOversightRead alarm.oversight
AuditAction AlarmMessageRefused alarm.message_refused
AuditAction AccessDenied access.denied
AuditAction SecretsRotated secrets.rotate
AuditAction VisitPlanChanged homecare.plan
AuditAction VisitPlansListed homecare.plan_list
AuditAction VisitsTodayRead homecare.today
AuditAction VisitRecorded homecare.visit_record
AuditAction VisitsSynced homecare.sync
AuditAction VisitsRead homecare.visit_read
AuditAction VisitCorrected homecare.correct
AuditAction WeekConfirmed homecare.week_confirm
AuditAction WeekApproved homecare.week_approve
AuditAction LockDateSet homecare.lock_date
AuditAction PaymentBasisRead homecare.payment_basis
AuditAction TagProvisioned tag.provision
AuditAction TagOrdered tag.order
AuditAction TagReplaced tag.replace
AuditAction TagTapped tag.tap
AuditAction LockUnlock lock.unlock
AuditAction LockCapabilitiesIssued lock.capabilities
AuditAction LockEventRecorded lock.event
AuditAction LockConnectionRefused lock.connection_refused
AuditAction KeyAccessRead keys.read
AuditAction KeyAccessChanged keys.change
AuditAction LicenceSet delegation.licence
AuditAction TaskTypeChanged delegation.task_type
AuditAction DelegationCreated delegation.create
AuditAction DelegationSigned delegation.sign
AuditAction DelegationRevoked delegation.revoke
AuditAction DelegationsRead delegation.read
AuditAction DelegationReminded delegation.remind
AuditAction LeaveRecorded delegation.leave
AuditAction PrescriptionCreated prescription.create
AuditAction PrescriptionEnded prescription.end
AuditAction PrescriptionsRead prescription.read
AuditAction SigningListRead signing.list
AuditAction TaskSigned signing.sign
AuditAction SigningEffectNoted signing.effect
AuditAction SigningHistoryRead signing.history
AuditAction SigningReportRead signing.report
AuditAction MissedSigningCalled signing.missed_call
AuditAction MissedSigningsRead signing.missed_read
AuditAction DeviationClosed deviation.close
AuditAction EscalationLadderSet signing.ladder
AuditAction RetentionSet retention.set
AuditAction LegalHoldPlaced retention.hold
AuditAction LegalHoldLifted retention.hold_lift
AuditAction PurgePreviewed retention.preview
AuditAction PurgeRun retention.purge
AuditAction ClientLogExtracted client.log_extract
AuditAction DowntimeNoticePublished operations.notice_publish
AuditAction DowntimeNoticeCancelled operations.notice_cancel
AuditAction DowntimeNoticeAcknowledged operations.notice_ack
AuditAction OutageReported operations.outage_report
AuditAction OutageResolved operations.outage_resolve
AuditAction ReserveListPrinted operations.reserve_list
AuditAction ContactSet operations.contact_set
AuditAction ContactConfirmed operations.contact_confirm
AuditAction EmergencyAccessOpened client.emergency_access
AuditAction EmergencyAccessEnded client.emergency_access_end
AuditAction GovernanceRead governance.read
AuditAction GovernanceRoleAssigned governance.role_assign
AuditAction GovernanceRoleEnded governance.role_end
AuditAction ContractSaved governance.contract_save
AuditAction ContractFollowedUp governance.contract_follow_up
AuditAction ClassificationSet governance.classification_set
AuditAction DutyChanged governance.duty_change
AuditAction DutySignedOff governance.duty_sign_off
AuditAction IncidentReported governance.incident_report
AuditAction IncidentStatusChanged governance.incident_status
AuditAction FaultReported governance.fault_report
AuditAction FaultUpdated governance.fault_update
AuditAction LogReviewCreated log_review.create
AuditAction LogReviewRead log_review.read
AuditAction LogReviewMarked log_review.mark
AuditAction LogReviewSigned log_review.sign
AuditAction LogReviewEscalated log_review.escalate
audit::Outcome Success success
audit::Outcome Denied denied
audit::Outcome Failure failure
SessionStage SecondFactor second_factor
SessionStage PasswordChange password_change
SessionStage Enrol enrol
SessionStage Full full
Protection None none
Protection ConfidentialityMarking confidentiality_marking
Protection ProtectedRegistration protected_registration
Protection FictitiousIdentity fictitious_identity
AreaType Town town
AreaType Countryside countryside
AreaType SpecialHousing special_housing
KeyAccess None none
KeyAccess DigitalLock digital_lock
KeyAccess KeyBox key_box
KeyAccess ReserveKey reserve_key
InformedHow InPerson in_person
InformedHow Phone phone
InformedHow Letter letter
InformedHow Other other
GivenBy Client client
GivenBy Representative representative
Law Sol sol
Law Lss lss
ServiceKind NightSupervision night_supervision
ServiceKind SafetyAlarm safety_alarm
ServiceKind HomeCare home_care
SupervisionMode Camera camera
SupervisionMode PhysicalVisit physical_visit
SupervisionMode Both both
OrderStatus Ordered ordered
OrderStatus Accepted accepted
OrderStatus Active active
OrderStatus Ended ended
DeviceKind Camera camera
DeviceKind AlarmUnit alarm_unit
DeviceKind Lock lock
DeviceKind NfcTag nfc_tag
DeviceStatus InStock in_stock
DeviceStatus Assigned assigned
DeviceStatus Installed installed
DeviceStatus TestPassed test_passed
DeviceStatus Active active
DeviceStatus Deactivated deactivated
DeviceStatus Returned returned
DeviceStatus Decommissioned decommissioned
DeviceStep Assign assign
DeviceStep Install install
DeviceStep PassTest pass_test
DeviceStep FailTest fail_test
DeviceStep Activate activate
DeviceStep Deactivate deactivate
DeviceStep Return return
DeviceStep Restock restock
DeviceStep Decommission decommission
Dc09KeyStyle Ascii ascii
Dc09KeyStyle Hex hex
Dc09KeyStyle Clear clear
OrganisationKind Municipality municipality
OrganisationKind Provider provider
OrganisationKind AlarmCentre alarm_centre
ProviderKind InHouse in_house
ProviderKind Private private
UnitKind HomeCare home_care
UnitKind NightPatrol night_patrol
UnitKind DutyTeam duty_team
UnitKind SpecialHousing special_housing
UnitKind AlarmOperators alarm_operators
UnitKind Administration administration
AccountStatus Requested requested
AccountStatus Active active
AccountStatus Rejected rejected
AccountStatus Deactivated deactivated
IdentityKind Personnummer personnummer
IdentityKind Samordningsnummer samordningsnummer
IdentityKind Reserve reserve
EscalationChain NightPatrol night_patrol
EscalationChain PhoneFirst phone_first
PauseReason Guests guests
PauseReason Travel travel
PauseReason Hospital hospital
PauseReason Other other
PauseRequest ClientInPerson client_in_person
PauseRequest ClientByPhone client_by_phone
PauseRequest Relative relative
PauseRequest Staff staff
TaskKind LookIn look_in
TaskKind Visit visit
DstAdjustment MovedOutOfGap moved_out_of_gap
DstAdjustment FirstOfTwo first_of_two
DispatchStatus New new
DispatchStatus Acknowledged acknowledged
DispatchStatus OnTheWay on_the_way
DispatchStatus Arrived arrived
DispatchStatus Closed closed
DispatchStep Acknowledge acknowledge
DispatchStep OnTheWay on_the_way
DispatchStep Arrived arrived
DispatchStep Close close
supervision::Outcome SeenOk seen_ok
supervision::Outcome NotVisible not_visible
supervision::Outcome Deviation deviation
DispatchCause NotVisibleTwice not_visible_twice
DispatchCause Deviation deviation
DispatchCause Missed missed
DispatchCause CameraUnreachable camera_unreachable
EscalationReason NotVisibleTwice not_visible_twice
EscalationReason Deviation deviation
CareTask PersonalCare personal_care
CareTask Meals meals
CareTask MealDelivery meal_delivery
CareTask Shopping shopping
CareTask Cleaning cleaning
CareTask Laundry laundry
CareTask MedicationReminder medication_reminder
CareTask Supervision supervision
CareTask Escort escort
CareTask Shower shower
GrantPeriod Week week
GrantPeriod Month month
VisitKind Planned planned
VisitKind Extra extra
VisitKind Alarm alarm
VisitKind NightHelp night_help
VisitKind MealDelivery meal_delivery
EvidenceKind NfcSun nfc_sun
EvidenceKind NfcPlain nfc_plain
EvidenceKind Manual manual
ManualReason NoNfcPhone no_nfc_phone
ManualReason TagBroken tag_broken
ManualReason TagMissing tag_missing
ManualReason SystemDown system_down
ManualReason Forgot forgot
CorrectionReason ForgotStart forgot_start
CorrectionReason ForgotEnd forgot_end
CorrectionReason WrongTime wrong_time
CorrectionReason WrongTasks wrong_tasks
CorrectionReason TechnicalFault technical_fault
CorrectionReason Other other
CorrectionField StartedAt started_at
CorrectionField EndedAt ended_at
CorrectionField Tasks tasks
CorrectionField Note note
PaymentRule PerformedCapped performed_capped
PaymentRule Performed performed
PaymentRule Granted granted
TagStrength Sun sun
TagStrength Plain plain
LockEventKind Unlocked unlocked
LockEventKind Locked locked
LockEventKind Refused refused
LockEventKind BatteryLow battery_low
LockEventKind Jammed jammed
LockEventKind Tamper tamper
GrantKind Unlock unlock
GrantKind Capability capability
Profession Nurse nurse
Profession OccupationalTherapist occupational_therapist
Profession Physiotherapist physiotherapist
LicensedAct Assessment assessment
LicensedAct Prescription prescription
LicensedAct FollowUp follow_up
CompetenceMethod Teaching teaching
CompetenceMethod PracticalDemonstration practical_demonstration
CompetenceMethod KnowledgeTest knowledge_test
CompetenceMethod Other other
Party Delegator delegator
Party Recipient recipient
RevocationReason CompetenceDoubt competence_doubt
RevocationReason NotDoneProperly not_done_properly
RevocationReason NeedGone need_gone
RevocationReason StaffLeft staff_left
RevocationReason Replaced replaced
RevocationReason Other other
EndCause RecipientLeft recipient_left
EndCause DelegatorLeft delegator_left
EndCause RecipientChangedUnit recipient_changed_unit
EndCause DelegatorChangedUnit delegator_changed_unit
EndCause RecipientLongLeave recipient_long_leave
EndCause DelegatorLongLeave delegator_long_leave
SigningOutcome Given given
SigningOutcome GivenLate given_late
SigningOutcome PartlyGiven partly_given
SigningOutcome NotGiven not_given
SigningOutcome CannotTake cannot_take
SigningOutcome SentWithClient sent_with_client
SigningOutcome StockCountWrong stock_count_wrong
SigningOutcome AsNeededGiven as_needed_given
NotGivenReason Refused refused
NotGivenReason NotAtHome not_at_home
NotGivenReason InHospital in_hospital
NotGivenReason Other other
RecordKind Supervision supervision
RecordKind Alarms alarms
RecordKind DeviceEvents device_events
RecordKind TechnicalChecks technical_checks
RecordKind Visits visits
RecordKind LockEvents lock_events
RecordKind Signings signings
RecordKind Delegations delegations
RecordKind LogReviews log_reviews
RecordKind AuditLog audit_log
RecordKind EndedClients ended_clients
RecordKind DeactivatedAccounts deactivated_accounts
OutageRoute MunicipalIt municipal_it
OutageRoute NurseOnDuty nurse_on_duty
OutageStatus Open open
OutageStatus Resolved resolved
ContactKind Technical technical
ContactKind It it
GovernanceRole SystemOwner system_owner
GovernanceRole SystemManager system_manager
GovernanceRole SystemAdministrator system_administrator
GovernanceRole DataProtectionOfficer data_protection_officer
GovernanceRole InformationSecurityCoordinator information_security_coordinator
KlassaLevel Negligible negligible
KlassaLevel Moderate moderate
KlassaLevel Significant significant
KlassaLevel Serious serious
KlassaLevel VerySerious very_serious
InformationType ClientRegister client_register
InformationType DecisionsAndConsents decisions_and_consents
InformationType Supervision supervision
InformationType Alarms alarms
InformationType DeviceEvents device_events
InformationType TechnicalChecks technical_checks
InformationType Visits visits
InformationType LockEvents lock_events
InformationType Signings signings
InformationType Delegations delegations
InformationType AuditLog audit_log
InformationType Directory directory
Recurrence Monthly monthly
Recurrence Quarterly quarterly
Recurrence Yearly yearly
IncidentKind InformationSecurity information_security
IncidentKind PatientSafety patient_safety
IncidentStatus New new
IncidentStatus Investigating investigating
IncidentStatus Closed closed
FaultStatus Reported reported
FaultStatus Acknowledged acknowledged
FaultStatus Resolved resolved
ReviewRule EmergencyAccess emergency_access
ReviewRule ProtectedIdentity protected_identity
ReviewRule OutsideUnit outside_unit
ReviewRule ManyClients many_clients
ReviewRule UnusualHours unusual_hours
ReviewRule SameSurname same_surname
ReviewRule Sample sample
ReviewRule Requested requested
ReviewMark Ok ok
ReviewMark FollowUp follow_up
ReviewKind Monthly monthly
ReviewKind OnRequest on_request
";
}
