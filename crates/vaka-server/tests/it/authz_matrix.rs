//! The authorisation matrix: every route × every role × organisation, against an expectation
//! written here by hand (not derived from the code under test). A route missing from the table
//! fails the test, so new routes must state who may use them.
//!
//! Targets of routes that act on something live in provider B (unit B1, user `b_victim`).
//! "Allowed" means the answer is neither 401 nor 403; "denied" means 403.

use std::collections::{BTreeSet, HashMap};

use axum::http::{Method, StatusCode};
use serde_json::json;
use vaka_domain::access::Role;

use crate::db_tests;
use crate::support::{Auth, Res, TestApp};
use crate::world::{Person, World};

/// What a route acts on.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Target {
    /// Nothing in particular (lists are filtered by scope, not refused).
    None,
    /// Something of the whole installation: only municipality-wide roles.
    Everything,
    /// Organisation B, or a unit or user in it.
    B,
    /// Client A1 (served by unit A1 of provider A) or something of theirs. `covered`: units
    /// covering A1 (the night patrol AN, the alarm centre C1) reach it too.
    ClientA1 { covered: bool },
}

use Role::*;
const DIRECTORY_READ: &[Role] = &[SystemAdmin, SystemManager, UnitManager, ProviderAdmin];
const ADMIN: &[Role] = &[SystemAdmin];
const REQUEST: &[Role] = &[UnitManager, ProviderAdmin];
const DEACTIVATE: &[Role] = &[SystemAdmin, UnitManager, ProviderAdmin];
const AUDIT_READ: &[Role] = &[SystemManager, UnitManager];
const AUDIT_EXPORT: &[Role] = &[SystemManager];
/// Lifting or lowering a protected identity: a municipal decision, not an edit.
const PROTECTION: &[Role] = &[SystemManager];
const CLIENT_READ: &[Role] = &[
    SystemAdmin,
    NeedsAssessor,
    UnitManager,
    Operator,
    NightPatrol,
    CareStaff,
    Nurse,
];
const CLIENT_WRITE: &[Role] = &[SystemAdmin, NeedsAssessor];
const ASSESSOR: &[Role] = &[NeedsAssessor];
const MANAGER: &[Role] = &[UnitManager];
const PAUSE: &[Role] = &[UnitManager, Operator, NightPatrol, CareStaff];
const REPORT: &[Role] = &[SystemManager, NeedsAssessor];
const SUPERVISE: &[Role] = &[Operator];
const PATROL: &[Role] = &[NightPatrol, CareStaff];
const ALARMS: &[Role] = &[Operator];
/// Opening an alarm: its operators and its responders.
const ALARM_READERS: &[Role] = &[Operator, NightPatrol, CareStaff];
const TECHNICAL_WATCHERS: &[Role] = &[UnitManager, ProviderAdmin, Operator, SystemManager];
const STATISTICS: &[Role] = &[SystemManager, UnitManager];
/// The staff app: who registers visits.
const VISIT_REGISTER: &[Role] = &[NightPatrol, CareStaff];
/// A visit: its unit's manager, or its own worker (the use case decides which).
const VISIT_READERS: &[Role] = &[UnitManager, NightPatrol, CareStaff];
/// Lock dates: the municipality.
const VISIT_LOCK: &[Role] = &[SystemManager];
/// The payment basis: the municipality and unit managers.
const PAYMENT: &[Role] = &[SystemManager, UnitManager];
/// The home-care hub: unit managers and the municipality.
const HOMECARE_PAGES: &[Role] = &[UnitManager, SystemManager];
const READ_A1: Target = Target::ClientA1 { covered: true };
const WRITE_A1: Target = Target::ClientA1 { covered: false };
/// The delegation pages: licensed staff, unit managers and those who sign tasks.
const DELEGATION_PAGES: &[Role] = &[Nurse, UnitManager, CareStaff, NightPatrol];
/// The delegation hub and the list of task types: those of the delegation pages and the
/// keeper of the task types.
const DELEGATION_HUB: &[Role] = &[Nurse, UnitManager, CareStaff, NightPatrol, SystemManager];
/// Keeping the task types: the municipality's system manager.
const TASK_TYPE_KEEPER: &[Role] = &[SystemManager];
/// Retention, legal holds and the purge: the municipality's system manager.
const RETENTION: &[Role] = &[SystemManager];
/// Setting a licence: account managers and the keeper of the task types.
const LICENCE_SETTERS: &[Role] = &[SystemAdmin, SystemManager];
/// Following a unit's delegated tasks up: its licensed staff and its manager.
const FOLLOW_UP: &[Role] = &[Nurse, UnitManager];
/// Delegating and prescribing: licensed staff.
const LICENSED: &[Role] = &[Nurse];
/// Signing tasks: those who register visits.
const SIGNERS: &[Role] = &[NightPatrol, CareStaff];
/// Publishing planned downtime and resolving outages: the municipality's system manager and
/// administrator.
const NOTICE_PUBLISH: &[Role] = &[SystemAdmin, SystemManager];
/// Acknowledging a notice: a provider's (or alarm centre's) contact person.
const NOTICE_ACK: &[Role] = &[ProviderAdmin];
/// Naming and confirming an organisation's contact persons: its own administrator, or the
/// municipality's system administrator.
const CONTACTS_KEEP: &[Role] = &[SystemAdmin, ProviderAdmin];
/// Printing a unit's reserve list (the clients on it are those in reach, not refused).
const RESERVE_LIST: &[Role] = &[UnitManager, NightPatrol];
/// Keeping the management plan: the municipality's system manager.
const GOVERNANCE: &[Role] = &[SystemManager];
/// Fault reports to suppliers: the municipality's system manager and administrator.
const FAULT_REPORT: &[Role] = &[SystemAdmin, SystemManager];
const EVERYONE: &[Role] = &[
    SystemAdmin,
    SystemManager,
    NeedsAssessor,
    UnitManager,
    Operator,
    NightPatrol,
    CareStaff,
    Nurse,
    ProviderAdmin,
];

/// The expectation for each route: who may use it, and on what.
fn table() -> HashMap<(Method, &'static str), (&'static [Role], Target)> {
    let g = Method::GET;
    let p = Method::POST;
    HashMap::from([
        // JSON API
        ((g.clone(), "/api/v1/me"), (EVERYONE, Target::None)),
        (
            (g.clone(), "/api/v1/organisations"),
            (DIRECTORY_READ, Target::None),
        ),
        (
            (p.clone(), "/api/v1/organisations"),
            (ADMIN, Target::Everything),
        ),
        (
            (g.clone(), "/api/v1/organisations/{id}"),
            (DIRECTORY_READ, Target::B),
        ),
        (
            (Method::PATCH, "/api/v1/organisations/{id}"),
            (ADMIN, Target::B),
        ),
        ((g.clone(), "/api/v1/units"), (DIRECTORY_READ, Target::None)),
        ((p.clone(), "/api/v1/units"), (ADMIN, Target::B)),
        (
            (g.clone(), "/api/v1/units/{id}"),
            (DIRECTORY_READ, Target::B),
        ),
        ((Method::PATCH, "/api/v1/units/{id}"), (ADMIN, Target::B)),
        (
            (Method::PUT, "/api/v1/units/{id}/coverage"),
            (ADMIN, Target::B),
        ),
        ((g.clone(), "/api/v1/users"), (DIRECTORY_READ, Target::None)),
        ((p.clone(), "/api/v1/users"), (ADMIN, Target::B)),
        ((p.clone(), "/api/v1/users/requests"), (REQUEST, Target::B)),
        (
            (g.clone(), "/api/v1/users/{id}"),
            (DIRECTORY_READ, Target::B),
        ),
        ((Method::PATCH, "/api/v1/users/{id}"), (ADMIN, Target::B)),
        (
            (p.clone(), "/api/v1/users/{id}/approve"),
            (ADMIN, Target::B),
        ),
        ((p.clone(), "/api/v1/users/{id}/reject"), (ADMIN, Target::B)),
        (
            (p.clone(), "/api/v1/users/{id}/deactivate"),
            (DEACTIVATE, Target::B),
        ),
        (
            (p.clone(), "/api/v1/users/{id}/reactivate"),
            (ADMIN, Target::B),
        ),
        (
            (p.clone(), "/api/v1/users/{id}/reset-password"),
            (ADMIN, Target::B),
        ),
        (
            (p.clone(), "/api/v1/users/{id}/reset-second-factor"),
            (ADMIN, Target::B),
        ),
        ((p.clone(), "/api/v1/users/{id}/roles"), (ADMIN, Target::B)),
        (
            (Method::DELETE, "/api/v1/users/{id}/roles/{assignment_id}"),
            (ADMIN, Target::B),
        ),
        ((p.clone(), "/api/v1/users/{id}/tokens"), (ADMIN, Target::B)),
        (
            (Method::DELETE, "/api/v1/users/{id}/tokens/{token_id}"),
            (ADMIN, Target::B),
        ),
        // Home care.
        (
            (g.clone(), "/api/v1/app/today"),
            (VISIT_REGISTER, Target::None),
        ),
        (
            (p.clone(), "/api/v1/app/sync"),
            (VISIT_REGISTER, Target::None),
        ),
        (
            (p.clone(), "/api/v1/app/weeks/{week}/confirm"),
            (VISIT_REGISTER, Target::None),
        ),
        (
            (g.clone(), "/api/v1/app/weeks/{week}"),
            (VISIT_REGISTER, Target::None),
        ),
        (
            (g.clone(), "/api/v1/clients/{id}/visit-plans"),
            (CLIENT_READ, READ_A1),
        ),
        (
            (p.clone(), "/api/v1/clients/{id}/visit-plans"),
            (MANAGER, WRITE_A1),
        ),
        (
            (p.clone(), "/api/v1/visit-plans/{id}/end"),
            (MANAGER, Target::None),
        ),
        (
            (g.clone(), "/api/v1/homecare/units/{id}/visits"),
            (MANAGER, Target::B),
        ),
        (
            (
                p.clone(),
                "/api/v1/homecare/units/{id}/weeks/{week}/approve",
            ),
            (MANAGER, Target::B),
        ),
        (
            (g.clone(), "/api/v1/homecare/visits/{id}"),
            (VISIT_READERS, Target::None),
        ),
        (
            (p.clone(), "/api/v1/homecare/visits/{id}/corrections"),
            (VISIT_READERS, Target::None),
        ),
        (
            (g.clone(), "/api/v1/homecare/lock-dates"),
            (VISIT_LOCK, Target::None),
        ),
        (
            (Method::PUT, "/api/v1/homecare/lock-dates/{id}"),
            (VISIT_LOCK, Target::None),
        ),
        ((g.clone(), "/homecare"), (HOMECARE_PAGES, Target::None)),
        ((g.clone(), "/homecare/units/{id}"), (MANAGER, Target::B)),
        (
            (p.clone(), "/homecare/units/{id}/approve"),
            (MANAGER, Target::B),
        ),
        (
            (g.clone(), "/homecare/visits/{id}"),
            (MANAGER, Target::None),
        ),
        (
            (p.clone(), "/homecare/visits/{id}/corrections"),
            (MANAGER, Target::None),
        ),
        (
            (p.clone(), "/clients/{id}/visit-plans"),
            (MANAGER, WRITE_A1),
        ),
        (
            (p.clone(), "/clients/{id}/visit-plans/{plan}/end"),
            (MANAGER, WRITE_A1),
        ),
        (
            (g.clone(), "/homecare/lock-dates"),
            (VISIT_LOCK, Target::None),
        ),
        (
            (p.clone(), "/homecare/lock-dates"),
            (VISIT_LOCK, Target::None),
        ),
        ((g.clone(), "/homecare/payment"), (PAYMENT, Target::None)),
        (
            (g.clone(), "/homecare/payment/export"),
            (PAYMENT, Target::None),
        ),
        (
            (g.clone(), "/api/v1/homecare/payment-basis"),
            (PAYMENT, Target::None),
        ),
        ((g.clone(), "/api/v1/audit"), (AUDIT_READ, Target::None)),
        (
            (g.clone(), "/api/v1/audit/export.csv"),
            (AUDIT_EXPORT, Target::None),
        ),
        ((g.clone(), "/api/v1/clients"), (CLIENT_READ, Target::None)),
        (
            (p.clone(), "/api/v1/clients"),
            (CLIENT_WRITE, Target::Everything),
        ),
        ((g.clone(), "/api/v1/clients/{id}"), (CLIENT_READ, READ_A1)),
        (
            (Method::PUT, "/api/v1/clients/{id}"),
            (CLIENT_WRITE, WRITE_A1),
        ),
        (
            (Method::PUT, "/api/v1/clients/{id}/protection"),
            (PROTECTION, WRITE_A1),
        ),
        (
            (Method::PUT, "/api/v1/clients/{id}/access-group/{user_id}"),
            (MANAGER, WRITE_A1),
        ),
        (
            (
                Method::DELETE,
                "/api/v1/clients/{id}/access-group/{user_id}",
            ),
            (MANAGER, WRITE_A1),
        ),
        (
            (p.clone(), "/api/v1/clients/{id}/decisions"),
            (ASSESSOR, WRITE_A1),
        ),
        (
            (p.clone(), "/api/v1/decisions/{id}/end"),
            (ASSESSOR, WRITE_A1),
        ),
        ((g.clone(), "/api/v1/orders"), (MANAGER, Target::None)),
        (
            (p.clone(), "/api/v1/orders/{id}/accept"),
            (MANAGER, WRITE_A1),
        ),
        (
            (p.clone(), "/api/v1/clients/{id}/consents"),
            (ASSESSOR, WRITE_A1),
        ),
        (
            (
                p.clone(),
                "/api/v1/clients/{id}/consents/{consent_id}/withdraw",
            ),
            (ASSESSOR, WRITE_A1),
        ),
        (
            (Method::PUT, "/api/v1/clients/{id}/plan"),
            (MANAGER, WRITE_A1),
        ),
        ((p.clone(), "/api/v1/clients/{id}/pauses"), (PAUSE, READ_A1)),
        (
            (p.clone(), "/api/v1/clients/{id}/pauses/{pause_id}/cancel"),
            (PAUSE, READ_A1),
        ),
        ((g.clone(), "/api/v1/devices"), (ADMIN, Target::Everything)),
        ((p.clone(), "/api/v1/devices"), (ADMIN, Target::Everything)),
        (
            (g.clone(), "/api/v1/devices/{id}"),
            (ADMIN, Target::Everything),
        ),
        (
            (Method::PUT, "/api/v1/devices/{id}"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/api/v1/devices/{id}/steps"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/api/v1/devices/{id}/credential"),
            (ADMIN, Target::Everything),
        ),
        (
            (Method::DELETE, "/api/v1/devices/{id}/credential"),
            (ADMIN, Target::Everything),
        ),
        (
            (g.clone(), "/api/v1/reports/not-carried-out"),
            (REPORT, Target::None),
        ),
        (
            (p.clone(), "/api/v1/import/clients"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/api/v1/import/devices"),
            (ADMIN, Target::Everything),
        ),
        // Pages
        ((g.clone(), "/"), (EVERYONE, Target::None)),
        ((g.clone(), "/profile"), (EVERYONE, Target::None)),
        ((p.clone(), "/profile/password"), (EVERYONE, Target::None)),
        (
            (p.clone(), "/profile/recovery-codes"),
            (EVERYONE, Target::None),
        ),
        // One's own passkeys (the target id is not the caller's: 404, never 403).
        ((p.clone(), "/profile/passkeys"), (EVERYONE, Target::None)),
        (
            (p.clone(), "/profile/passkeys/challenge"),
            (EVERYONE, Target::None),
        ),
        (
            (p.clone(), "/profile/passkeys/step-up"),
            (EVERYONE, Target::None),
        ),
        // A step-up at an identity provider (none configured here: 404 for everyone logged
        // in; the flow is tested in `oidc.rs`).
        (
            (p.clone(), "/login/oidc/{provider}/step-up"),
            (EVERYONE, Target::None),
        ),
        (
            (p.clone(), "/profile/passkeys/{id}/name"),
            (EVERYONE, Target::None),
        ),
        (
            (p.clone(), "/profile/passkeys/{id}/remove"),
            (EVERYONE, Target::None),
        ),
        ((g.clone(), "/clients"), (CLIENT_READ, Target::None)),
        ((g.clone(), "/clients/new"), (CLIENT_WRITE, Target::None)),
        (
            (p.clone(), "/clients/new"),
            (CLIENT_WRITE, Target::Everything),
        ),
        ((g.clone(), "/clients/{id}"), (CLIENT_READ, READ_A1)),
        ((g.clone(), "/clients/{id}/edit"), (CLIENT_WRITE, WRITE_A1)),
        ((p.clone(), "/clients/{id}/edit"), (CLIENT_WRITE, WRITE_A1)),
        ((p.clone(), "/clients/{id}/decisions"), (ASSESSOR, WRITE_A1)),
        (
            (p.clone(), "/clients/{id}/decisions/{decision}/end"),
            (ASSESSOR, WRITE_A1),
        ),
        (
            (p.clone(), "/clients/{id}/orders/{order}/accept"),
            (MANAGER, WRITE_A1),
        ),
        ((p.clone(), "/clients/{id}/consents"), (ASSESSOR, WRITE_A1)),
        (
            (p.clone(), "/clients/{id}/consents/{consent}/withdraw"),
            (ASSESSOR, WRITE_A1),
        ),
        ((p.clone(), "/clients/{id}/plan"), (MANAGER, WRITE_A1)),
        ((p.clone(), "/clients/{id}/pauses"), (PAUSE, READ_A1)),
        (
            (p.clone(), "/clients/{id}/pauses/{pause}/cancel"),
            (PAUSE, READ_A1),
        ),
        ((p.clone(), "/clients/{id}/group"), (MANAGER, WRITE_A1)),
        ((g.clone(), "/orders"), (MANAGER, Target::None)),
        ((p.clone(), "/orders/{id}/accept"), (MANAGER, WRITE_A1)),
        (
            (g.clone(), "/reports/not-carried-out"),
            (REPORT, Target::None),
        ),
        ((g.clone(), "/import"), (ADMIN, Target::None)),
        ((g.clone(), "/import/report"), (ADMIN, Target::None)),
        ((g.clone(), "/import/report.csv"), (ADMIN, Target::None)),
        ((g.clone(), "/admin/protection"), (PROTECTION, Target::None)),
        ((p.clone(), "/admin/protection"), (PROTECTION, Target::None)),
        // Night supervision: the operator's console and the night patrol's dispatches.
        (
            (g.clone(), "/api/v1/supervision/queue"),
            (SUPERVISE, Target::None),
        ),
        (
            (p.clone(), "/api/v1/supervision/tasks/{id}/look-in"),
            (SUPERVISE, READ_A1),
        ),
        (
            (p.clone(), "/api/v1/supervision/tasks/{id}/outcome"),
            (SUPERVISE, READ_A1),
        ),
        ((g.clone(), "/api/v1/dispatches"), (PATROL, Target::None)),
        (
            (p.clone(), "/api/v1/dispatches/{id}/steps"),
            (PATROL, READ_A1),
        ),
        ((g.clone(), "/supervision"), (SUPERVISE, Target::None)),
        (
            (g.clone(), "/supervision/events"),
            (SUPERVISE, Target::None),
        ),
        (
            (p.clone(), "/supervision/tasks/{id}/look-in"),
            (SUPERVISE, READ_A1),
        ),
        (
            (p.clone(), "/supervision/tasks/{id}/outcome"),
            (SUPERVISE, READ_A1),
        ),
        // Someone else's look-in is "not found" for every operator.
        (
            (g.clone(), "/supervision/look-ins/{id}"),
            (SUPERVISE, Target::None),
        ),
        (
            (g.clone(), "/supervision/look-ins/{id}/stream"),
            (SUPERVISE, Target::None),
        ),
        ((g.clone(), "/patrol"), (PATROL, Target::None)),
        // The staff app's shell: the same page for all who register visits (its data comes
        // from the API).
        (
            (g.clone(), "/app"),
            (&[NightPatrol, CareStaff], Target::None),
        ),
        (
            (g.clone(), "/app/visit"),
            (&[NightPatrol, CareStaff], Target::None),
        ),
        (
            (g.clone(), "/app/week"),
            (&[NightPatrol, CareStaff], Target::None),
        ),
        // A phone's PIN login: for those who register visits (the use case also wants a
        // session, not a token; its refusal of a token is not a 403).
        (
            (p.clone(), "/api/v1/app/device"),
            (&[NightPatrol, CareStaff], Target::None),
        ),
        (
            (p.clone(), "/api/v1/app/device/{id}/revoke"),
            (&[NightPatrol, CareStaff], Target::None),
        ),
        // Safety alarms: the alarm centre's queue and steps, the responders' list.
        ((g.clone(), "/api/v1/alarms"), (ALARMS, Target::None)),
        (
            (g.clone(), "/api/v1/responder/alarms"),
            (PATROL, Target::None),
        ),
        ((g.clone(), "/api/v1/alarms/{id}"), (ALARM_READERS, READ_A1)),
        // Those who register visits (VisitRegister); found only in the demo.
        (
            (g.clone(), "/api/v1/app/demo/tag-read"),
            (PATROL, Target::None),
        ),
        // Taking is the operator's; a responder's own steps are tested in `alarms.rs`.
        ((p.clone(), "/api/v1/alarms/{id}/steps"), (ALARMS, READ_A1)),
        ((g.clone(), "/alarms"), (ALARMS, Target::None)),
        ((g.clone(), "/alarms/events"), (ALARMS, Target::None)),
        ((g.clone(), "/alarms/{id}"), (ALARM_READERS, READ_A1)),
        (
            (g.clone(), "/alarms/technical"),
            (TECHNICAL_WATCHERS, Target::None),
        ),
        (
            (p.clone(), "/alarms/technical/{id}/sign"),
            (&[UnitManager, ProviderAdmin], Target::B),
        ),
        (
            (g.clone(), "/alarms/health"),
            (&[SystemManager, Operator], Target::None),
        ),
        (
            (g.clone(), "/alarms/statistics"),
            (STATISTICS, Target::None),
        ),
        ((g.clone(), "/alarms/{id}/events"), (ALARM_READERS, READ_A1)),
        ((p.clone(), "/alarms/{id}/steps"), (ALARMS, READ_A1)),
        ((g.clone(), "/api/v1/visits"), (PATROL, Target::None)),
        // Digital keys: responders open (the rule decides when, tested in `locks.rs`); the
        // key access is read with the client and set by those who edit client records.
        (
            (p.clone(), "/api/v1/app/locks/{lock_id}/unlock"),
            (PATROL, Target::None),
        ),
        (
            (g.clone(), "/api/v1/app/capabilities"),
            (PATROL, Target::None),
        ),
        (
            (g.clone(), "/api/v1/locks/public-key"),
            (EVERYONE, Target::None),
        ),
        (
            (g.clone(), "/api/v1/clients/{id}/key-access"),
            (CLIENT_READ, READ_A1),
        ),
        (
            (Method::PUT, "/api/v1/clients/{id}/key-access"),
            (CLIENT_WRITE, WRITE_A1),
        ),
        ((g.clone(), "/clients/{id}/keys"), (CLIENT_READ, READ_A1)),
        // Delegated tasks. A delegation or deviation of the path is unknown here (404 for
        // those the route lets in); B1 is a unit no one of these roles follows up.
        ((g.clone(), "/delegation"), (DELEGATION_HUB, Target::None)),
        // Retention (gallring).
        ((g.clone(), "/retention"), (RETENTION, Target::Everything)),
        (
            (p.clone(), "/retention/kinds/{kind}"),
            (RETENTION, Target::Everything),
        ),
        (
            (p.clone(), "/retention/purge"),
            (RETENTION, Target::Everything),
        ),
        (
            (p.clone(), "/retention/holds"),
            (RETENTION, Target::Everything),
        ),
        // Emergency access: anyone whose roles read clients may ask (the rule then refuses a
        // client within reach, a protected one, an unknown number — never by role).
        (
            (g.clone(), "/emergency-access"),
            (CLIENT_READ, Target::None),
        ),
        (
            (p.clone(), "/emergency-access"),
            (CLIENT_READ, Target::None),
        ),
        (
            (p.clone(), "/emergency-access/{id}/end"),
            (CLIENT_READ, Target::None),
        ),
        (
            (p.clone(), "/retention/holds/{client}/lift"),
            (RETENTION, Target::Everything),
        ),
        (
            (g.clone(), "/delegation/task-types"),
            (DELEGATION_HUB, Target::None),
        ),
        (
            (p.clone(), "/delegation/task-types"),
            (TASK_TYPE_KEEPER, Target::None),
        ),
        (
            (p.clone(), "/delegation/task-types/{code}"),
            (TASK_TYPE_KEEPER, Target::None),
        ),
        (
            (g.clone(), "/delegation/units/{id}"),
            (FOLLOW_UP, Target::B),
        ),
        (
            (p.clone(), "/delegation/units/{id}/delegations"),
            (LICENSED, Target::B),
        ),
        (
            (g.clone(), "/delegation/units/{id}/ladder"),
            (FOLLOW_UP, Target::B),
        ),
        (
            (g.clone(), "/delegation/units/{id}/report"),
            (FOLLOW_UP, Target::B),
        ),
        (
            (p.clone(), "/delegation/units/{id}/ladder"),
            (FOLLOW_UP, Target::B),
        ),
        (
            (g.clone(), "/delegation/missed/events"),
            (FOLLOW_UP, Target::None),
        ),
        (
            (g.clone(), "/delegation/{id}"),
            (DELEGATION_PAGES, Target::None),
        ),
        (
            (p.clone(), "/delegation/{id}/sign"),
            (DELEGATION_PAGES, Target::None),
        ),
        (
            (p.clone(), "/delegation/{id}/revoke"),
            (FOLLOW_UP, Target::None),
        ),
        (
            (p.clone(), "/delegation/deviations/{id}/close"),
            (LICENSED, Target::None),
        ),
        (
            (g.clone(), "/clients/{id}/prescriptions"),
            (CLIENT_READ, READ_A1),
        ),
        (
            (p.clone(), "/clients/{id}/prescriptions"),
            (LICENSED, WRITE_A1),
        ),
        (
            (p.clone(), "/clients/{id}/prescriptions/{p}/end"),
            (LICENSED, WRITE_A1),
        ),
        (
            (g.clone(), "/clients/{id}/signings"),
            (CLIENT_READ, READ_A1),
        ),
        (
            (g.clone(), "/api/v1/app/clients/{id}/signings"),
            (SIGNERS, READ_A1),
        ),
        ((p.clone(), "/clients/{id}/keys"), (CLIENT_WRITE, WRITE_A1)),
        (
            (p.clone(), "/api/v1/visits/{id}/outcome"),
            (PATROL, READ_A1),
        ),
        ((p.clone(), "/patrol/visits/{id}"), (PATROL, READ_A1)),
        (
            (g.clone(), "/api/v1/supervision/statistics"),
            (STATISTICS, Target::None),
        ),
        (
            (g.clone(), "/supervision/statistics"),
            (STATISTICS, Target::None),
        ),
        (
            (g.clone(), "/api/v1/clients/{id}/supervision-log"),
            (ADMIN, WRITE_A1),
        ),
        (
            (g.clone(), "/clients/{id}/supervision-log"),
            (ADMIN, WRITE_A1),
        ),
        ((g.clone(), "/clients/{id}/log"), (ADMIN, WRITE_A1)),
        ((p.clone(), "/clients/{id}/log"), (ADMIN, WRITE_A1)),
        ((g.clone(), "/patrol/events"), (PATROL, Target::None)),
        ((p.clone(), "/patrol/dispatches/{id}"), (PATROL, READ_A1)),
        ((p.clone(), "/import/clients"), (ADMIN, Target::Everything)),
        ((p.clone(), "/import/devices"), (ADMIN, Target::Everything)),
        ((g.clone(), "/devices"), (ADMIN, Target::Everything)),
        ((p.clone(), "/devices"), (ADMIN, Target::Everything)),
        ((g.clone(), "/devices/{id}"), (ADMIN, Target::Everything)),
        (
            (p.clone(), "/devices/{id}/steps"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/devices/{id}/edit"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/devices/{id}/credential"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/devices/tags/order"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/devices/{id}/tag"),
            (ADMIN, Target::Everything),
        ),
        (
            (p.clone(), "/devices/{id}/tag/replace"),
            (ADMIN, Target::Everything),
        ),
        (
            (g.clone(), "/admin/organisations"),
            (DIRECTORY_READ, Target::None),
        ),
        (
            (p.clone(), "/admin/organisations"),
            (ADMIN, Target::Everything),
        ),
        (
            (g.clone(), "/admin/organisations/{id}"),
            (DIRECTORY_READ, Target::B),
        ),
        ((p.clone(), "/admin/organisations/{id}"), (ADMIN, Target::B)),
        ((p.clone(), "/admin/units"), (ADMIN, Target::B)),
        (
            (g.clone(), "/admin/units/{id}"),
            (DIRECTORY_READ, Target::B),
        ),
        ((p.clone(), "/admin/units/{id}"), (ADMIN, Target::B)),
        (
            (p.clone(), "/admin/units/{id}/coverage"),
            (ADMIN, Target::B),
        ),
        ((g.clone(), "/admin/users"), (DIRECTORY_READ, Target::None)),
        (
            (g.clone(), "/admin/users/new"),
            (&[SystemAdmin, UnitManager, ProviderAdmin], Target::None),
        ),
        ((p.clone(), "/admin/users/new"), (ADMIN, Target::B)),
        ((p.clone(), "/admin/users/request"), (REQUEST, Target::B)),
        (
            (g.clone(), "/admin/users/{id}"),
            (DIRECTORY_READ, Target::B),
        ),
        ((p.clone(), "/admin/users/{id}/approve"), (ADMIN, Target::B)),
        ((p.clone(), "/admin/users/{id}/reject"), (ADMIN, Target::B)),
        (
            (p.clone(), "/admin/users/{id}/deactivate"),
            (DEACTIVATE, Target::B),
        ),
        (
            (p.clone(), "/admin/users/{id}/reactivate"),
            (ADMIN, Target::B),
        ),
        (
            (p.clone(), "/admin/users/{id}/reset-password"),
            (ADMIN, Target::B),
        ),
        (
            (p.clone(), "/admin/users/{id}/reset-second-factor"),
            (ADMIN, Target::B),
        ),
        ((p.clone(), "/admin/users/{id}/roles"), (ADMIN, Target::B)),
        (
            (p.clone(), "/admin/users/{id}/roles/{assignment}/remove"),
            (ADMIN, Target::B),
        ),
        (
            (p.clone(), "/admin/users/{id}/licence"),
            (LICENCE_SETTERS, Target::B),
        ),
        // A leave: account managers, and who may end the account where the person works.
        (
            (p.clone(), "/admin/users/{id}/leave"),
            (DEACTIVATE, Target::B),
        ),
        (
            (p.clone(), "/admin/users/{id}/leave/end"),
            (DEACTIVATE, Target::B),
        ),
        ((p.clone(), "/admin/users/{id}/tokens"), (ADMIN, Target::B)),
        (
            (p.clone(), "/admin/users/{id}/tokens/{token}/revoke"),
            (ADMIN, Target::B),
        ),
        ((g.clone(), "/audit"), (AUDIT_READ, Target::None)),
        // Log review: the list is filtered by scope; a review of the path is unknown here (404
        // for those the route lets in).
        ((g.clone(), "/log-review"), (AUDIT_READ, Target::None)),
        (
            (p.clone(), "/log-review/requests"),
            (AUDIT_READ, Target::None),
        ),
        ((g.clone(), "/log-review/{id}"), (AUDIT_READ, Target::None)),
        (
            (p.clone(), "/log-review/{id}/entries/{seq}"),
            (AUDIT_READ, Target::None),
        ),
        (
            (p.clone(), "/log-review/{id}/sign"),
            (AUDIT_READ, Target::None),
        ),
        // Operating routines. A notice or report of the path is unknown here (404 for those
        // the route lets in); an empty form is refused as incomplete (422).
        ((g.clone(), "/operations"), (EVERYONE, Target::None)),
        (
            (p.clone(), "/operations/notices"),
            (NOTICE_PUBLISH, Target::Everything),
        ),
        (
            (p.clone(), "/operations/notices/{id}/cancel"),
            (NOTICE_PUBLISH, Target::Everything),
        ),
        (
            (p.clone(), "/operations/notices/{id}/acknowledge"),
            (NOTICE_ACK, Target::None),
        ),
        ((p.clone(), "/operations/outages"), (EVERYONE, Target::None)),
        (
            (p.clone(), "/operations/outages/{id}/resolve"),
            (NOTICE_PUBLISH, Target::Everything),
        ),
        (
            (p.clone(), "/operations/organisations/{id}/contacts/{kind}"),
            (CONTACTS_KEEP, Target::B),
        ),
        (
            (
                p.clone(),
                "/operations/organisations/{id}/contacts/{kind}/confirm",
            ),
            (CONTACTS_KEEP, Target::B),
        ),
        (
            (g.clone(), "/operations/reserve-list"),
            (RESERVE_LIST, Target::None),
        ),
        (
            (g.clone(), "/audit/export.csv"),
            (AUDIT_EXPORT, Target::None),
        ),
        // The management plan. A record of the path is unknown here (404 for those the route
        // lets in); an empty form is refused as incomplete (422). Signing off a duty and
        // stepping an incident are decided by the use case after the record is found.
        ((g.clone(), "/governance"), (EVERYONE, Target::None)),
        (
            (p.clone(), "/governance/roles"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/roles/{id}/end"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/contracts"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/contracts/{id}"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/contracts/{id}/follow-up"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/classification/{type}"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/duties/{id}"),
            (GOVERNANCE, Target::Everything),
        ),
        (
            (p.clone(), "/governance/duties/{id}/sign-off"),
            (EVERYONE, Target::None),
        ),
        (
            (p.clone(), "/governance/incidents"),
            (EVERYONE, Target::None),
        ),
        (
            (p.clone(), "/governance/incidents/{id}/step"),
            (EVERYONE, Target::None),
        ),
        (
            (p.clone(), "/governance/faults"),
            (FAULT_REPORT, Target::Everything),
        ),
        (
            (p.clone(), "/governance/faults/{id}/step"),
            (FAULT_REPORT, Target::Everything),
        ),
    ])
}

/// Routes of the login flow (open without a full login) and logout, tested in `login.rs`.
const OPEN: &[(&str, &str)] = &[
    ("POST", "/profile/logout-everywhere"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/lang"),
    ("GET", "/login/code"),
    ("POST", "/login/code"),
    // The passkey challenge of the login's code step (tests in `passkeys.rs`).
    ("POST", "/login/passkey"),
    ("GET", "/login/password"),
    ("POST", "/login/password"),
    ("GET", "/login/enrol"),
    ("POST", "/login/enrol"),
    ("POST", "/logout"),
    // Login through an identity provider: the provider's word is the credential (tests in
    // `oidc.rs` and e2e/tests/oidc.test.mjs).
    ("GET", "/login/oidc/{provider}"),
    ("GET", "/login/oidc/{provider}/callback"),
    ("GET", "/api/v1/openapi.json"),
    // The phone's device key and PIN are its credential (tests in `app_devices.rs`).
    ("POST", "/api/v1/app/unlock"),
    // Devices authenticate with their own credential (tests in `cameras.rs`).
    ("GET", "/camera/v1/connect"),
    // The URL on an NFC tag: any logged-in user; who it leads where is the tag's client's
    // need-to-know (tests in `tags.rs`).
    ("GET", "/t/{tag_id}"),
    // Locks too (tests in `locks.rs`).
    ("GET", "/lock/v1/connect"),
];

fn covers(actor: &Person, w: &World, target: Target) -> bool {
    let everything = actor.org == w.m && actor.unit.is_none();
    match target {
        Target::None => true,
        Target::Everything => everything,
        // Organisation-wide in B, or municipality-wide. (Unit B1 holders have no directory rights.)
        Target::B => everything || (actor.org == w.b && actor.unit.is_none()),
        Target::ClientA1 { covered } => {
            everything
                || (actor.org == w.a && actor.unit.is_none())
                || actor.unit == Some(w.a1)
                || (covered && (actor.unit == Some(w.an) || actor.unit == Some(w.c1)))
        }
    }
}

struct Ids {
    victim: String,
    assignment: String,
    token: String,
    /// Registry targets, all of client A1.
    client: String,
    decision: String,
    order: String,
    consent: String,
    pause: String,
    device: String,
    member: String,
    /// A supervision task of client A1 tonight, and a dispatch to A1.
    task: String,
    dispatch: String,
    /// A personal alarm of client A1.
    alarm: String,
}

/// A decision with its order, a consent and a pause for client A1, and a device in stock,
/// made through the API by those whose work it is.
pub(crate) async fn registry_targets(
    app: &TestApp,
    w: &World,
) -> (String, String, String, String, String) {
    let a1 = w.client_a1;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{a1}/decisions"),
            &w.p("m_assessor").bearer(),
            json!({"law": "sol", "service": "night_supervision", "supervision_mode": "camera",
                   "times": "23:00, 03:00", "valid_from": "2026-11-22"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let decision = res.json()["id"].as_str().unwrap().to_owned();
    let detail = app
        .get(
            &format!("/api/v1/clients/{a1}"),
            &w.p("m_assessor").bearer(),
        )
        .await
        .json();
    let order = detail["orders"][0]["id"].as_str().unwrap().to_owned();
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{a1}/consents"),
            &w.p("m_assessor").bearer(),
            json!({"service": "night_supervision", "informed_by": "Handläggare Test",
                   "informed_on": "2026-11-20", "informed_how": "in_person",
                   "given_by": "client", "given_on": "2026-11-20"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let consent = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{a1}/pauses"),
            &w.p("a_unitmgr").bearer(),
            json!({"first_night": "2026-12-24", "last_night": "2026-12-26",
                   "reason": "guests", "requested": "client_by_phone"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let pause = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .json(
            Method::POST,
            "/api/v1/devices",
            &w.p("m_admin").bearer(),
            json!({"kind": "camera", "serial": "MATRIX-1", "model": "Doro Visit"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let device = res.json()["device"]["id"].as_str().unwrap().to_owned();
    (decision, order, consent, pause, device)
}

/// Tonight's look-in for client A1 (who has a decision and consent from `registry_targets`),
/// and a dispatch to A1.
pub(crate) async fn supervision_targets(app: &TestApp, w: &World) -> (String, String) {
    let a1 = w.client_a1;
    let res = app
        .json(
            Method::PUT,
            &format!("/api/v1/clients/{a1}/plan"),
            &w.p("a_unitmgr").bearer(),
            json!({"mode": "camera", "times": "23:00, 03:00"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let night = app.services.today();
    let planned = app.services.plan_night(night).await.unwrap();
    assert_eq!(planned.added, 2, "{planned:?}");
    let tasks = app.services.night_tasks(night).await.unwrap();
    let task = tasks.iter().find(|t| t.client_id == a1).unwrap();
    let later = tasks.iter().filter(|t| t.client_id == a1).nth(1).unwrap();
    let d = vaka_domain::supervision::Dispatch::from_effects(
        later,
        &[vaka_domain::supervision::Effect::Dispatch {
            phone_first: false,
            why: vaka_domain::supervision::DispatchCause::Deviation,
        }],
        45,
        app.services.now(),
    )
    .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_dispatch(&d).await.unwrap();
    tx.commit(&[]).await.unwrap();
    (task.id.to_string(), d.id.to_string())
}

/// A concrete request for a route, with a valid body, acting on targets in B.
fn request(
    w: &World,
    ids: &Ids,
    method: &Method,
    path: &str,
) -> (String, Option<serde_json::Value>, Vec<(String, String)>) {
    let filled = path
        .replace("{assignment_id}", &ids.assignment)
        .replace("{assignment}", &ids.assignment)
        .replace("{token_id}", &ids.token)
        .replace("{token}", &ids.token);
    let filled = filled
        .replace("{decision}", &ids.decision)
        .replace("{order}", &ids.order)
        .replace("{consent}", &ids.consent)
        .replace("{consent_id}", &ids.consent)
        .replace("{pause}", &ids.pause)
        .replace("{pause_id}", &ids.pause)
        .replace("{user_id}", &ids.member)
        .replace("{week}", "2026-11-16")
        .replace("{code}", "insulin")
        .replace(
            "{kind}",
            if path.starts_with("/retention/") {
                "supervision"
            } else {
                "it"
            },
        )
        .replace("{client}", &ids.client)
        .replace("{p}", &ids.victim);
    let filled = if path.contains("/organisations/{id}") || path.contains("/technical/{id}") {
        filled.replace("{id}", &w.b.to_string())
    } else if path.contains("/units/{id}") {
        filled.replace("{id}", &w.b1.to_string())
    } else if path.contains("clients/{id}") {
        filled.replace("{id}", &ids.client)
    } else if path.contains("decisions/{id}") {
        filled.replace("{id}", &ids.decision)
    } else if path.contains("orders/{id}") {
        filled.replace("{id}", &ids.order)
    } else if path.contains("devices/{id}") {
        filled.replace("{id}", &ids.device)
    } else if path.contains("tasks/{id}") || path.contains("visits/{id}") {
        filled.replace("{id}", &ids.task)
    } else if path.contains("dispatches/{id}") {
        filled.replace("{id}", &ids.dispatch)
    } else if path.contains("alarms/{id}") {
        filled.replace("{id}", &ids.alarm)
    } else {
        filled.replace("{id}", &ids.victim)
    };
    let b = w.b.to_string();
    let b1 = w.b1.to_string();
    let new_user = json!({"username": "matrix.user", "display_name": "Matrix", "email": "m@b.se", "organisation_id": w.b,
                          "roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": w.b1}]});
    let s = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(k, x)| ((*k).to_owned(), (*x).to_owned()))
            .collect::<Vec<_>>()
    };
    let (json_body, form) = match (method.as_str(), path) {
        ("POST", "/api/v1/organisations") => (
            Some(json!({"kind": "provider", "provider_kind": "private", "name": "Matrix AB"})),
            vec![],
        ),
        ("PATCH", "/api/v1/organisations/{id}") => {
            (Some(json!({"name": "Privat Omsorg AB"})), vec![])
        }
        ("POST", "/api/v1/units") => (
            Some(json!({"organisation_id": w.b, "name": "Matrix unit", "kind": "home_care"})),
            vec![],
        ),
        ("PATCH", "/api/v1/units/{id}") => (Some(json!({"name": "B1"})), vec![]),
        ("PUT", "/api/v1/units/{id}/coverage") => (Some(json!({"covered_unit_ids": []})), vec![]),
        ("POST", "/api/v1/users" | "/api/v1/users/requests") => (Some(new_user), vec![]),
        ("PATCH", "/api/v1/users/{id}") => (Some(json!({"display_name": "Test b_victim"})), vec![]),
        ("POST", "/api/v1/users/{id}/roles") => (
            Some(json!({"role": "nurse", "organisation_id": w.b, "unit_id": w.b1})),
            vec![],
        ),
        ("POST", "/api/v1/users/{id}/tokens") => (Some(json!({"name": "matrix"})), vec![]),
        ("POST", "/api/v1/app/device") => (Some(json!({"pin": "2580"})), vec![]),
        // Whole forms, so that a refusal comes from the right over the unit or the client.
        ("POST", "/delegation/units/{id}/delegations") => (
            None,
            s(&[
                ("task_type", "insulin"),
                ("recipient", &ids.victim),
                ("scope", "unit"),
                ("from", "2026-12-01"),
                ("competence_methods", "teaching"),
                ("competence_checked_on", "2026-11-30"),
            ]),
        ),
        ("POST", "/retention/kinds/{kind}") => (None, s(&[("days", "400")])),
        ("POST", "/emergency-access") => (
            None,
            s(&[("identity", "19121212-1212"), ("reason", "Akut")]),
        ),
        ("POST", "/log-review/requests") => (
            None,
            s(&[
                ("username", "b_victim"),
                ("reason", "Misstanke om otillåten läsning"),
                ("from", "2026-11-01"),
                ("to", "2026-11-22"),
            ]),
        ),
        ("POST", "/log-review/{id}/entries/{seq}") => (None, s(&[("mark", "ok")])),
        ("POST", "/retention/holds") => (
            None,
            s(&[
                ("identity", "194004049807"),
                ("reason", "IVO-ärende 2026/1"),
            ]),
        ),
        ("POST", "/clients/{id}/log") => (
            None,
            s(&[
                ("from", "2026-11-01"),
                ("to", "2026-11-22"),
                ("requested_by", "client"),
                ("format", "pdf"),
            ]),
        ),
        ("POST", "/delegation/units/{id}/ladder") => (
            None,
            s(&[("minutes-0", "0"), ("nurse-0", "on"), ("manager-0", "on")]),
        ),
        ("POST", "/clients/{id}/prescriptions") => (
            None,
            s(&[
                ("task_type", "insulin"),
                ("instruction", "10 E"),
                ("times", "08:00"),
                ("start", "2026-12-01"),
            ]),
        ),
        // Valid bodies for client routes, so that a refusal comes from need-to-know and not
        // from the body.
        ("POST", "/api/v1/clients") | ("PUT", "/api/v1/clients/{id}") => (
            Some(json!({"identity": "194004049807", "name": "Matrix Klient",
                        "provider_id": w.a, "unit_id": w.a1})),
            vec![],
        ),
        ("POST", "/api/v1/clients/{id}/decisions") => (
            Some(json!({"law": "sol", "service": "safety_alarm", "valid_from": "2026-11-22"})),
            vec![],
        ),
        ("POST", "/api/v1/decisions/{id}/end") => (Some(json!({"ended_on": "2026-12-31"})), vec![]),
        ("POST", "/api/v1/clients/{id}/consents") => (
            Some(json!({"service": "safety_alarm", "informed_by": "Matrix",
                        "informed_on": "2026-11-21", "informed_how": "phone",
                        "given_by": "client", "given_on": "2026-11-21"})),
            vec![],
        ),
        ("PUT", "/api/v1/clients/{id}/key-access") => {
            (Some(json!({"key_access": ["key_box"]})), vec![])
        }
        ("PUT", "/api/v1/clients/{id}/plan") => {
            (Some(json!({"mode": "camera", "times": "23:00"})), vec![])
        }
        ("POST", "/api/v1/clients/{id}/pauses") => (
            Some(
                json!({"first_night": "2027-01-10", "last_night": "2027-01-10",
                        "reason": "travel", "requested": "relative"}),
            ),
            vec![],
        ),
        ("POST", "/api/v1/supervision/tasks/{id}/outcome") => {
            (Some(json!({"outcome": "seen_ok"})), vec![])
        }
        ("POST", "/api/v1/dispatches/{id}/steps") => (Some(json!({"step": "acknowledge"})), vec![]),
        ("POST", "/api/v1/alarms/{id}/steps") => (Some(json!({"step": "take"})), vec![]),
        ("POST", "/alarms/{id}/steps") => (None, s(&[("step", "take")])),
        ("POST", "/supervision/tasks/{id}/outcome") => (None, s(&[("outcome", "seen_ok")])),
        ("POST", "/patrol/dispatches/{id}") => (None, s(&[("step", "acknowledge")])),
        ("POST", "/api/v1/visits/{id}/outcome") => (Some(json!({"outcome": "seen_ok"})), vec![]),
        ("POST", "/patrol/visits/{id}") => (None, s(&[("outcome", "seen_ok")])),
        ("POST" | "PUT", p) if p.starts_with("/api/") => (Some(json!({})), vec![]),
        ("POST", "/admin/organisations") => (
            None,
            s(&[
                ("name", "Matrix AB"),
                ("kind", "provider"),
                ("provider_kind", "private"),
            ]),
        ),
        ("POST", "/admin/organisations/{id}") => {
            (None, s(&[("name", "Privat Omsorg AB"), ("active", "true")]))
        }
        ("POST", "/admin/units") => (
            None,
            s(&[
                ("organisation_id", &b),
                ("name", "Matrix unit"),
                ("kind", "home_care"),
            ]),
        ),
        ("POST", "/admin/units/{id}") => (
            None,
            s(&[("name", "B1"), ("kind", "home_care"), ("active", "true")]),
        ),
        ("POST", "/admin/users/new" | "/admin/users/request") => (
            None,
            s(&[
                ("display_name", "Matrix"),
                ("username", "matrix.page"),
                ("email", "m@b.se"),
                ("hsa_id", ""),
                ("organisation_id", &b),
                ("role", "care_staff"),
                ("unit_id", &b1),
            ]),
        ),
        ("POST", "/admin/users/{id}/roles") => (None, s(&[("role", "nurse"), ("unit_id", &b1)])),
        ("POST", "/admin/users/{id}/tokens") => (None, s(&[("name", "matrix")])),
        // A whole leave form, so that a refusal comes from the right over the person.
        ("POST", "/admin/users/{id}/leave") => (None, s(&[("from", "2026-11-22")])),
        ("POST", "/profile/password") => (
            None,
            s(&[("current", "wrong"), ("new_password", "x"), ("repeat", "y")]),
        ),
        _ => (None, vec![]),
    };
    (filled, json_body, form)
}

async fn send(
    app: &TestApp,
    auth: &Auth,
    method: &Method,
    path: &str,
    json_body: Option<serde_json::Value>,
    form: Vec<(String, String)>,
) -> Res {
    match (method.as_str(), json_body) {
        ("GET", _) => app.get(path, auth).await,
        ("DELETE", _) => app.delete(path, auth).await,
        (_, Some(body)) => app.json(method.clone(), path, auth, body).await,
        (_, None) => {
            let fields: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            app.form(path, auth, &fields).await
        }
    }
}

async fn every_route_every_role_every_organisation(app: TestApp) {
    let w = World::build(&app).await;
    let table = table();

    // The table covers exactly the routes the application has.
    let declared: BTreeSet<(String, String)> = app
        .routes
        .iter()
        .map(|r| (r.method.to_string(), r.path.clone()))
        .collect();
    let mut expected: BTreeSet<(String, String)> = table
        .keys()
        .map(|(m, p)| (m.to_string(), (*p).to_owned()))
        .collect();
    expected.extend(OPEN.iter().map(|(m, p)| ((*m).to_owned(), (*p).to_owned())));
    assert_eq!(
        declared, expected,
        "routes and the expectation table differ"
    );

    let victim = w.p("b_victim");
    let assignment = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.list_assignments(victim.id).await.unwrap()[0]
            .id
            .to_string()
    };
    let token = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.list_api_tokens(victim.id).await.unwrap()[0]
            .id
            .to_string()
    };
    // The nurse holds a licence: a prescription is then judged by her reach alone.
    crate::delegation::license(&app, &w, w.p("a_nurse")).await;
    let (decision, order, consent, pause, device) = registry_targets(&app, &w).await;
    let (task, dispatch) = supervision_targets(&app, &w).await;
    let ids = Ids {
        victim: victim.id.to_string(),
        assignment,
        token,
        client: w.client_a1.to_string(),
        decision,
        order,
        consent,
        pause,
        device,
        member: w.p("a_staff").id.to_string(),
        task,
        dispatch,
        alarm: alarm_target(&app, &w).await,
    };

    // Deny by default: nothing but the open routes answers without a login.
    for (method, path) in table.keys() {
        let (filled, body, form) = request(&w, &ids, method, path);
        let res = send(&app, &Auth::None, method, &filled, body, form).await;
        if path.starts_with("/api/") {
            assert_eq!(
                res.status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} without login"
            );
        } else {
            assert_eq!(
                res.status,
                StatusCode::SEE_OTHER,
                "{method} {path} without login"
            );
            assert!(res.location().unwrap().starts_with("/login"));
        }
    }

    let mut checked = 0;
    let mut actors: Vec<&Person> = w
        .people
        .values()
        .filter(|p| p.username != "b_victim")
        .collect();
    actors.sort_by_key(|p| p.username.clone());
    for actor in actors {
        let session = crate::support::logged_in(&app, actor.id).await;
        let mut routes: Vec<_> = table.iter().collect();
        routes.sort_by_key(|((m, p), _)| (p.to_string(), m.to_string()));
        for ((method, path), (roles, target)) in routes {
            let allowed = roles.contains(&actor.role) && covers(actor, &w, *target);
            let (filled, body, form) = request(&w, &ids, method, path);
            let auth = if path.starts_with("/api/") {
                actor.bearer()
            } else {
                session.clone()
            };
            let res = send(&app, &auth, method, &filled, body, form).await;
            assert!(
                !res.status.is_server_error(),
                "{} {method} {path}: {} {}",
                actor.username,
                res.status,
                res.body
            );
            assert_ne!(
                res.status,
                StatusCode::UNAUTHORIZED,
                "{} {method} {path}: logged out?",
                actor.username
            );
            if allowed {
                assert_ne!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{} ({:?}) should be allowed {method} {path}: {}",
                    actor.username,
                    actor.role,
                    res.body
                );
            } else {
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{} ({:?}) should be denied {method} {path}",
                    actor.username,
                    actor.role
                );
            }
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        11 * table.len(),
        "eleven actors, one per role and organisation"
    );
}

db_tests!(every_route_every_role_every_organisation);

/// A personal alarm from client A1's alarm unit, as the receiver stores it.
pub(crate) async fn alarm_target(app: &TestApp, w: &World) -> String {
    let mut a = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Personal,
        vaka_domain::client::AreaType::Town,
        "personal_alarm",
        "MA",
        vaka_store::values::to_db_precision(app.services.now()),
    );
    a.client_id = Some(w.client_a1);
    a.account = Some("A1A1".into());
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_alarm(&a).await.unwrap();
    tx.commit(&[]).await.unwrap();
    a.id.to_string()
}

/// The OpenAPI document tells integrators (and `scripts/schemathesis`) which roles the access
/// check of each operation admits (`x-vaka-roles`). It never leaves out a role the table above
/// allows; it may name more where the use case refuses some of them (a responder may not take
/// the alarm centre's steps on an alarm it may open).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_states_the_roles_of_every_operation() {
    let app = TestApp::sqlite().await;
    let doc = app.get("/api/v1/openapi.json", &Auth::None).await.json();
    let table = table();
    let mut seen = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Ok(m) = Method::from_bytes(method.to_uppercase().as_bytes()) else {
                continue;
            };
            let Some((roles, _)) = table.get(&(m.clone(), path.as_str())) else {
                continue;
            };
            let stated: BTreeSet<&str> = op["x-vaka-roles"]
                .as_array()
                .unwrap_or_else(|| panic!("{m} {path} states no roles"))
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            let expected: BTreeSet<&str> = roles.iter().map(|r| r.code()).collect();
            assert!(
                stated.is_superset(&expected),
                "{m} {path}: the document names {stated:?}, the table allows {expected:?}"
            );
            assert!(op["x-vaka-access"].is_string(), "{m} {path}");
            seen += 1;
        }
    }
    let api = table.keys().filter(|(_, p)| p.starts_with("/api/")).count();
    assert_eq!(
        seen, api,
        "every API operation of the table is in the document"
    );
    app.finish().await;
}
