//! Who may do what, for whom: roles, permissions, scopes and the need-to-know rule.
//!
//! This module is the one place where access is decided. Routes declare a [`Permission`];
//! services ask the [`Principal`] for the assignment that grants it *for a given target*; an
//! answer of `None` is a denial. Nothing is allowed unless a rule here allows it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::directory::OrganisationKind;
use crate::ids::{ApiTokenId, OrganisationId, RoleAssignmentId, SessionId, UnitId, UserId};
use crate::reason::DirectoryReason;
use crate::{DomainError, DomainResult};

/// The roles of municipal home care and its alarm centre, by code name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    SystemAdmin,
    SystemManager,
    NeedsAssessor,
    UnitManager,
    Operator,
    NightPatrol,
    CareStaff,
    Nurse,
    ProviderAdmin,
}

/// Whether a role is held for a whole organisation or for one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitRule {
    /// Held for the whole organisation; a unit may not be given.
    OrganisationWide,
    /// Held for one unit; the unit is required.
    UnitRequired,
    /// Either.
    Either,
}

crate::impl_codes!(Role);

impl Role {
    /// The permissions this role carries (within the scope of the assignment).
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::{
            AccessGroupManage, AccountApprove, AccountDeactivate, AccountManage, AccountRequest,
            AlarmHandle, AlarmOversight, AuditExport, AuditRead, ClientRead, ClientWrite,
            ConsentManage, DecisionManage, DelegationManage, DelegationOversee, DeviceManage,
            DirectoryRead, DispatchRespond, ImportData, OrderAccept, OrganisationManage,
            PauseRecord, PaymentBasisRead, PlanManage, ProtectionChange, ReportRead,
            RetentionManage, StatisticsRead, Supervise, SupervisionLogExport, TaskSign,
            TaskTypeManage, TechnicalCheck, TokenManage, UnitManage, VisitManage, VisitPeriodLock,
            VisitRegister,
        };
        use Permission::{
            ContactsKeep, NoticeAcknowledge, NoticePublish, OutageManage, ReserveListPrint,
        };
        use Permission::{GovernanceManage, SupplierFaultReport};
        match self {
            Role::SystemAdmin => &[
                DirectoryRead,
                OrganisationManage,
                UnitManage,
                AccountManage,
                AccountApprove,
                AccountDeactivate,
                TokenManage,
                ClientRead,
                ClientWrite,
                DeviceManage,
                ImportData,
                SupervisionLogExport,
                NoticePublish,
                OutageManage,
                ContactsKeep,
                SupplierFaultReport,
            ],
            Role::SystemManager => &[
                DirectoryRead,
                AuditRead,
                AuditExport,
                ReportRead,
                StatisticsRead,
                AlarmOversight,
                ProtectionChange,
                VisitPeriodLock,
                PaymentBasisRead,
                TaskTypeManage,
                RetentionManage,
                NoticePublish,
                OutageManage,
                GovernanceManage,
                SupplierFaultReport,
            ],
            Role::NeedsAssessor => &[
                ClientRead,
                ClientWrite,
                DecisionManage,
                ConsentManage,
                ReportRead,
            ],
            Role::UnitManager => &[
                DirectoryRead,
                AccountRequest,
                AccountDeactivate,
                AuditRead,
                ClientRead,
                OrderAccept,
                PlanManage,
                PauseRecord,
                AccessGroupManage,
                StatisticsRead,
                TechnicalCheck,
                VisitManage,
                PaymentBasisRead,
                DelegationOversee,
                ReserveListPrint,
            ],
            Role::Operator => &[ClientRead, PauseRecord, Supervise, AlarmHandle],
            Role::NightPatrol => &[
                ClientRead,
                PauseRecord,
                DispatchRespond,
                VisitRegister,
                TaskSign,
                ReserveListPrint,
            ],
            Role::CareStaff => &[
                ClientRead,
                PauseRecord,
                DispatchRespond,
                VisitRegister,
                TaskSign,
            ],
            Role::Nurse => &[ClientRead, DelegationManage, DelegationOversee],
            Role::ProviderAdmin => &[
                DirectoryRead,
                AccountRequest,
                AccountDeactivate,
                TechnicalCheck,
                NoticeAcknowledge,
                ContactsKeep,
            ],
        }
    }

    pub fn has(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    /// Which kinds of organisation may hold this role. Governance and decisions stay with the
    /// municipality; an alarm centre only answers alarms and looks in.
    pub fn allowed_in(self, kind: OrganisationKind) -> bool {
        use OrganisationKind::{AlarmCentre, Municipality, Provider};
        match self {
            Role::SystemAdmin | Role::SystemManager | Role::NeedsAssessor => kind == Municipality,
            Role::UnitManager | Role::NightPatrol | Role::CareStaff | Role::Nurse => {
                matches!(kind, Municipality | Provider)
            }
            Role::Operator => true,
            Role::ProviderAdmin => matches!(kind, Provider | AlarmCentre),
        }
    }

    pub fn unit_rule(self) -> UnitRule {
        match self {
            Role::SystemAdmin | Role::SystemManager | Role::NeedsAssessor | Role::ProviderAdmin => {
                UnitRule::OrganisationWide
            }
            Role::UnitManager | Role::Operator | Role::NightPatrol | Role::CareStaff => {
                UnitRule::UnitRequired
            }
            Role::Nurse => UnitRule::Either,
        }
    }

    /// A second factor is mandatory for every role that can see client data (HSLF-FS 2016:40
    /// 3 kap 15 §). The audit log names clients, so reading it counts.
    pub fn requires_second_factor(self) -> bool {
        self.permissions()
            .iter()
            .any(|p| matches!(p, Permission::ClientRead | Permission::AuditRead))
    }
}

/// What a route or use case needs. Routes declare exactly one.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Permission {
    /// See organisations, units and user accounts within one's scope.
    DirectoryRead,
    /// Create and change organisations.
    OrganisationManage,
    /// Create and change units and which units a unit covers.
    UnitManage,
    /// Create accounts directly, change them, grant and revoke roles, reactivate.
    AccountManage,
    /// Ask the municipality for an account in one's own organisation.
    AccountRequest,
    /// Approve or reject requested accounts.
    AccountApprove,
    /// End an account at once.
    AccountDeactivate,
    /// Issue and revoke bearer tokens for integrations.
    TokenManage,
    /// Search the audit log (log review).
    AuditRead,
    /// Export the audit log.
    AuditExport,
    /// See clients within need-to-know.
    ClientRead,
    /// Register clients and change their records.
    ClientWrite,
    /// Record decisions (and so orders to providers).
    DecisionManage,
    /// Document consent and its withdrawal.
    ConsentManage,
    /// Accept an order on behalf of the executing provider.
    OrderAccept,
    /// Set a client's supervision plan.
    PlanManage,
    /// Record or cancel a pause of supervision.
    PauseRecord,
    /// Choose who may see a protected client's address and contacts.
    AccessGroupManage,
    /// Lift or lower a client's protected identity (adding or raising one is part of
    /// [`ClientWrite`](Self::ClientWrite)). Lifting shows the address to everyone with need to
    /// know, so it follows a municipal decision and is held by the system manager alone, not
    /// by those who edit records.
    ProtectionChange,
    /// Register devices and take them through their lifecycle.
    DeviceManage,
    /// Import clients and devices from files.
    ImportData,
    /// Read follow-up reports (decisions not carried out) and statistics.
    ReportRead,
    /// Look in through a client's camera and record what was seen (the operator's console).
    Supervise,
    /// Take the dispatches of one's units: acknowledge, on the way, arrived, close.
    DispatchRespond,
    /// Extract a client's supervision log (what the municipality promises the client).
    SupervisionLogExport,
    /// Read supervision statistics of the units in one's scope (no personal data).
    StatisticsRead,
    /// Handle safety alarms in the alarm centre's console: take, call, dispatch, close.
    AlarmHandle,
    /// See the open technical alarms of one's organisation's alarm devices and sign the
    /// weekend and holiday check (the provider's technical contact).
    TechnicalCheck,
    /// Oversee the whole alarm chain: its health, missed technical checks (the municipality).
    AlarmOversight,
    /// Register one's home-care visits (the staff app): today's visits of one's units, sync.
    VisitRegister,
    /// Manage a unit's home care: visit plans, the unit's visits, corrections, the week's
    /// approval.
    VisitManage,
    /// Set a provider's lock date, and move it back (reopen a period): the municipality.
    VisitPeriodLock,
    /// Read a provider's payment basis (performed against granted time).
    PaymentBasisRead,
    /// Prescribe health-care tasks for clients, delegate task types to care workers, revoke
    /// delegations and follow up deviations. The act also needs a licence whose profession
    /// the task type allows (`vaka_domain::delegation`).
    DelegationManage,
    /// Sign occasions of prescribed tasks (with a valid delegation and reach to the client).
    TaskSign,
    /// Follow up a unit's delegated tasks: its register of delegations, the signing lists,
    /// missed and late signings, the escalation ladder.
    DelegationOversee,
    /// Keep the municipality's coded list of task types, and users' licences.
    TaskTypeManage,
    /// Keep the retention table, place and lift legal holds, preview and run the purge.
    RetentionManage,
    /// Publish and cancel planned-downtime notices (the municipality's system manager and
    /// administrator), and read every notice's acknowledgements.
    NoticePublish,
    /// Acknowledge a planned-downtime notice for one's provider (its contact person).
    NoticeAcknowledge,
    /// Follow up unplanned outage reports and mark them resolved (the municipality).
    OutageManage,
    /// Print a unit's reserve list for an outage: tonight's supervisions and key access.
    ReserveListPrint,
    /// Name and confirm an organisation's contact persons (technical and IT contact): the
    /// provider's own administrator, or the municipality's system administrator.
    ContactsKeep,
    /// Keep the management plan: assign the management organisation's roles, keep supplier
    /// contracts and the information classification, and sign off any duty of the activity
    /// plan (the municipality's system manager).
    GovernanceManage,
    /// Report faults to suppliers and follow them up (the municipality's system manager and
    /// administrator).
    SupplierFaultReport,
}

crate::impl_codes!(Permission);

/// How far one assignment reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A municipality-wide role: the purchaser oversees every provider and unit.
    Everything,
    /// A role for one whole organisation.
    Organisation(OrganisationId),
    /// A role for one unit.
    Unit(UnitId),
}

/// One role held by a user, resolved with what it needs for decisions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub id: RoleAssignmentId,
    pub role: Role,
    pub organisation_id: OrganisationId,
    pub organisation_kind: OrganisationKind,
    pub unit_id: Option<UnitId>,
}

impl Assignment {
    pub fn scope(&self) -> Scope {
        match (self.organisation_kind, self.unit_id) {
            (_, Some(u)) => Scope::Unit(u),
            (OrganisationKind::Municipality, None) => Scope::Everything,
            (_, None) => Scope::Organisation(self.organisation_id),
        }
    }
}

/// Checks that a role may be given in this organisation with this unit. `unit_org` is the
/// organisation the unit belongs to, when a unit is given.
pub fn check_assignment(
    role: Role,
    org_kind: OrganisationKind,
    org: OrganisationId,
    unit: Option<(UnitId, OrganisationId)>,
) -> DomainResult<()> {
    if !role.allowed_in(org_kind) {
        return Err(DomainError::invalid(
            "role",
            DirectoryReason::RoleNotInOrganisationKind {
                role,
                kind: org_kind,
            },
        ));
    }
    match (role.unit_rule(), unit) {
        (UnitRule::OrganisationWide, Some(_)) => Err(DomainError::invalid(
            "unit_id",
            DirectoryReason::RoleIsOrganisationWide { role },
        )),
        (UnitRule::UnitRequired, None) => Err(DomainError::invalid(
            "unit_id",
            DirectoryReason::RoleNeedsUnit { role },
        )),
        (_, Some((_, unit_org))) if unit_org != org => Err(DomainError::invalid(
            "unit_id",
            DirectoryReason::UnitInOtherOrganisation,
        )),
        _ => Ok(()),
    }
}

/// What a directory object belongs to, for scope checks.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The organisation the object belongs to.
    pub organisation: OrganisationId,
    /// The units it belongs to (for a user: the units of their assignments).
    pub units: &'a [UnitId],
}

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Credential {
    Session(SessionId),
    Token(ApiTokenId),
    /// The `vaka` command line on the server itself.
    Cli,
    /// A job of the server itself.
    System,
}

impl Credential {
    /// Short form for the audit log: `session:<id>`, `token:<id>`, `cli`, `system`.
    pub fn audit_ref(&self) -> String {
        match self {
            Credential::Session(id) => format!("session:{id}"),
            Credential::Token(id) => format!("token:{id}"),
            Credential::Cli => "cli".into(),
            Credential::System => "system".into(),
        }
    }
}

/// An authenticated user, as seen by the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub organisation_id: OrganisationId,
    pub assignments: Vec<Assignment>,
    /// For each unit that covers other units (night patrol, duty team, alarm centre
    /// operators): the units it covers. Only client access follows coverage.
    pub coverage: Vec<(UnitId, UnitId)>,
    pub credential: Credential,
}

impl Principal {
    /// Whether any assignment carries the permission (the coarse check a route makes).
    pub fn has_permission(&self, p: Permission) -> bool {
        self.assignments.iter().any(|a| a.role.has(p))
    }

    /// The roles held, without duplicates, in a stable order.
    pub fn roles(&self) -> BTreeSet<Role> {
        self.assignments.iter().map(|a| a.role).collect()
    }

    /// The assignment that grants `p` over `target`, preferring the narrowest scope so that
    /// the audit log names the most specific role. `None` means denied.
    pub fn grant_for(&self, p: Permission, target: Target<'_>) -> Option<&Assignment> {
        self.assignments
            .iter()
            .filter(|a| a.role.has(p))
            .filter(|a| match a.scope() {
                Scope::Everything => true,
                Scope::Organisation(o) => o == target.organisation,
                Scope::Unit(u) => target.units.contains(&u),
            })
            .min_by_key(|a| match a.scope() {
                Scope::Unit(_) => 0,
                Scope::Organisation(_) => 1,
                Scope::Everything => 2,
            })
    }

    /// The first assignment that grants `p` at all (for actions without a target, such as
    /// searching within one's scope). Prefers the widest scope.
    pub fn any_grant(&self, p: Permission) -> Option<&Assignment> {
        self.assignments
            .iter()
            .filter(|a| a.role.has(p))
            .min_by_key(|a| match a.scope() {
                Scope::Everything => 0,
                Scope::Organisation(_) => 1,
                Scope::Unit(_) => 2,
            })
    }

    /// The scope of everything the principal may see with `p`.
    pub fn reach(&self, p: Permission) -> Reach {
        reach_of(&self.assignments, p)
    }

    /// The need-to-know scope for client data: whole organisations, single units, and the
    /// units those units cover.
    pub fn client_reach(&self) -> Reach {
        client_reach(&self.assignments, &self.coverage)
    }

    /// The assignment that lets the principal see a client served by `unit` of `provider`.
    pub fn client_grant(
        &self,
        provider: Option<OrganisationId>,
        unit: Option<UnitId>,
    ) -> Option<&Assignment> {
        self.client_grant_for(Permission::ClientRead, provider, unit)
    }

    /// The assignment that grants `p` over a client served by `unit` of `provider` (need-to-
    /// know: the organisation, the unit, or a unit covering it; municipal roles reach all).
    pub fn client_grant_for(
        &self,
        p: Permission,
        provider: Option<OrganisationId>,
        unit: Option<UnitId>,
    ) -> Option<&Assignment> {
        self.assignments
            .iter()
            .filter(|a| a.role.has(p))
            .find(|a| match a.scope() {
                Scope::Everything => true,
                Scope::Organisation(o) => Some(o) == provider,
                // Coverage (a night patrol serving home-care units) reaches the clients to see
                // and to pause, not the units' own administration.
                Scope::Unit(u) => unit.is_some_and(|cu| {
                    cu == u
                        || (matches!(
                            p,
                            Permission::ClientRead
                                | Permission::PauseRecord
                                | Permission::Supervise
                                | Permission::DispatchRespond
                                | Permission::AlarmHandle
                                | Permission::VisitRegister
                                | Permission::TaskSign
                        ) && self.coverage.contains(&(u, cu)))
                }),
            })
    }

    /// True when some role held needs a second factor.
    pub fn requires_second_factor(&self) -> bool {
        self.assignments
            .iter()
            .any(|a| a.role.requires_second_factor())
    }
}

/// The scope of `p` over a set of assignments.
pub fn reach_of(assignments: &[Assignment], p: Permission) -> Reach {
    let mut reach = Reach::default();
    for a in assignments.iter().filter(|a| a.role.has(p)) {
        match a.scope() {
            Scope::Everything => reach.everything = true,
            Scope::Organisation(o) => {
                reach.organisations.insert(o);
            }
            Scope::Unit(u) => {
                reach.units.insert(u);
            }
        }
    }
    reach
}

/// Need-to-know for client data (the rule the stored `client_reach` rows are computed from):
/// the reach of `ClientRead`, plus the units covered by units in it.
pub fn client_reach(assignments: &[Assignment], coverage: &[(UnitId, UnitId)]) -> Reach {
    let mut reach = reach_of(assignments, Permission::ClientRead);
    let covered: Vec<UnitId> = coverage
        .iter()
        .filter(|(by, _)| reach.units.contains(by))
        .map(|(_, covered)| *covered)
        .collect();
    reach.units.extend(covered);
    reach
}

/// A resolved scope: everything, or a set of organisations and units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reach {
    pub everything: bool,
    pub organisations: BTreeSet<OrganisationId>,
    pub units: BTreeSet<UnitId>,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        !self.everything && self.organisations.is_empty() && self.units.is_empty()
    }

    pub fn covers(&self, target: Target<'_>) -> bool {
        self.everything
            || self.organisations.contains(&target.organisation)
            || target.units.iter().any(|u| self.units.contains(u))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(
        role: Role,
        kind: OrganisationKind,
        org: OrganisationId,
        unit: Option<UnitId>,
    ) -> Assignment {
        Assignment {
            id: RoleAssignmentId::new(),
            role,
            organisation_id: org,
            organisation_kind: kind,
            unit_id: unit,
        }
    }

    fn principal(assignments: Vec<Assignment>, coverage: Vec<(UnitId, UnitId)>) -> Principal {
        Principal {
            user_id: UserId::new(),
            username: "u".into(),
            display_name: "U".into(),
            organisation_id: assignments[0].organisation_id,
            assignments,
            coverage,
            credential: Credential::Cli,
        }
    }

    #[test]
    fn codes_roundtrip() {
        for &r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("admin"), None);
    }

    #[test]
    fn scopes_of_assignments() {
        use OrganisationKind::{Municipality, Provider};
        let m = OrganisationId::new();
        let p = OrganisationId::new();
        let u = UnitId::new();
        assert_eq!(
            assignment(Role::SystemAdmin, Municipality, m, None).scope(),
            Scope::Everything
        );
        assert_eq!(
            assignment(Role::ProviderAdmin, Provider, p, None).scope(),
            Scope::Organisation(p)
        );
        assert_eq!(
            assignment(Role::CareStaff, Provider, p, Some(u)).scope(),
            Scope::Unit(u)
        );
        assert_eq!(
            assignment(Role::UnitManager, Municipality, m, Some(u)).scope(),
            Scope::Unit(u)
        );
    }

    #[test]
    fn provider_admin_is_confined_to_its_organisation() {
        let own = OrganisationId::new();
        let other = OrganisationId::new();
        let pa = principal(
            vec![assignment(
                Role::ProviderAdmin,
                OrganisationKind::Provider,
                own,
                None,
            )],
            vec![],
        );
        let t_own = Target {
            organisation: own,
            units: &[],
        };
        let t_other = Target {
            organisation: other,
            units: &[],
        };
        assert!(pa.grant_for(Permission::DirectoryRead, t_own).is_some());
        assert!(pa.grant_for(Permission::DirectoryRead, t_other).is_none());
        assert!(
            pa.grant_for(Permission::AccountApprove, t_own).is_none(),
            "only the municipality approves"
        );
        assert!(
            pa.client_grant(Some(own), None).is_none(),
            "a provider admin sees no clients"
        );
    }

    #[test]
    fn care_staff_see_clients_of_their_unit_only_and_night_patrol_follows_coverage() {
        let p = OrganisationId::new();
        let centrum = UnitId::new();
        let norr = UnitId::new();
        let natt = UnitId::new();
        let staff = principal(
            vec![assignment(
                Role::CareStaff,
                OrganisationKind::Provider,
                p,
                Some(centrum),
            )],
            vec![],
        );
        assert!(staff.client_grant(Some(p), Some(centrum)).is_some());
        assert!(staff.client_grant(Some(p), Some(norr)).is_none());
        assert!(staff.client_grant(Some(p), None).is_none());

        let patrol = principal(
            vec![assignment(
                Role::NightPatrol,
                OrganisationKind::Provider,
                p,
                Some(natt),
            )],
            vec![(natt, centrum), (natt, norr)],
        );
        assert!(patrol.client_grant(Some(p), Some(norr)).is_some());
        let reach = patrol.client_reach();
        assert!(
            reach.units.contains(&centrum)
                && reach.units.contains(&norr)
                && reach.units.contains(&natt)
        );

        // Coverage held by another unit does not extend this principal's reach.
        let other = principal(
            vec![assignment(
                Role::CareStaff,
                OrganisationKind::Provider,
                p,
                Some(centrum),
            )],
            vec![(natt, norr)],
        );
        assert!(other.client_grant(Some(p), Some(norr)).is_none());
    }

    #[test]
    fn municipal_roles_reach_everything_but_system_manager_sees_no_clients() {
        let m = OrganisationId::new();
        let admin = principal(
            vec![assignment(
                Role::SystemAdmin,
                OrganisationKind::Municipality,
                m,
                None,
            )],
            vec![],
        );
        assert!(admin.client_grant(None, None).is_some());
        assert!(admin.client_reach().everything);
        let manager = principal(
            vec![assignment(
                Role::SystemManager,
                OrganisationKind::Municipality,
                m,
                None,
            )],
            vec![],
        );
        assert!(manager.client_grant(None, None).is_none());
        assert!(manager.client_reach().is_empty());
        assert!(manager.has_permission(Permission::AuditRead));
    }

    #[test]
    fn grant_prefers_narrowest_scope_for_the_audit_trail() {
        let m = OrganisationId::new();
        let u = UnitId::new();
        let p = principal(
            vec![
                assignment(Role::SystemAdmin, OrganisationKind::Municipality, m, None),
                assignment(
                    Role::UnitManager,
                    OrganisationKind::Municipality,
                    m,
                    Some(u),
                ),
            ],
            vec![],
        );
        let g = p
            .grant_for(
                Permission::DirectoryRead,
                Target {
                    organisation: m,
                    units: &[u],
                },
            )
            .unwrap();
        assert_eq!(g.role, Role::UnitManager);
    }

    #[test]
    fn assignment_rules() {
        use OrganisationKind::*;
        let m = OrganisationId::new();
        let p = OrganisationId::new();
        let u = UnitId::new();
        assert!(check_assignment(Role::SystemAdmin, Municipality, m, None).is_ok());
        assert!(check_assignment(Role::SystemAdmin, Provider, p, None).is_err());
        assert!(check_assignment(Role::SystemAdmin, Municipality, m, Some((u, m))).is_err());
        assert!(check_assignment(Role::CareStaff, Provider, p, None).is_err());
        assert!(check_assignment(Role::CareStaff, Provider, p, Some((u, p))).is_ok());
        assert!(
            check_assignment(Role::CareStaff, Provider, p, Some((u, m))).is_err(),
            "unit of another org"
        );
        assert!(check_assignment(Role::CareStaff, AlarmCentre, p, Some((u, p))).is_err());
        assert!(check_assignment(Role::Operator, AlarmCentre, p, Some((u, p))).is_ok());
        assert!(check_assignment(Role::Nurse, Provider, p, None).is_ok());
        assert!(check_assignment(Role::ProviderAdmin, Municipality, m, None).is_err());
    }

    #[test]
    fn second_factor_is_required_for_everyone_who_sees_client_data() {
        for &r in Role::ALL {
            let sees = r.has(Permission::ClientRead) || r.has(Permission::AuditRead);
            assert_eq!(r.requires_second_factor(), sees, "{r:?}");
        }
        assert!(!Role::ProviderAdmin.requires_second_factor());
        assert!(Role::Operator.requires_second_factor());
    }
}
