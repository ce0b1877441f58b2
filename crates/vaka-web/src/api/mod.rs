//! The JSON API under `/api/v1`, described by OpenAPI at `/api/v1/openapi.json`.
//!
//! Authenticate with `Authorization: Bearer <token>` (from `vaka token create`), or with the
//! session cookie of a logged-in browser. Errors are `application/problem+json`.

pub mod alarms;
pub mod app_device;
pub mod audit;
pub mod delegation;
pub mod directory;
pub mod homecare;
pub mod keys;
pub mod me;
pub mod registry;
pub mod supervision;
pub mod tags;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use vaka_domain::access::Permission;

use crate::error::ApiError;
use crate::identity::{Access, Caller};
use crate::routes::Routes;
use crate::state::AppState;

/// What an API handler starts from: the application and the caller the access check admitted.
pub struct Api {
    pub state: AppState,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Api {
            state: state.clone(),
            caller: Caller::from_request_parts(parts, state).await?,
        })
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vaka API",
        description = "Welfare technology for municipal home care: directory, clients, audit log.",
        license(name = "AGPL-3.0-or-later")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(crate::error::Problem)),
    tags(
        (name = "directory", description = "Organisations, units, accounts and roles"),
        (name = "audit", description = "The audit log"),
        (name = "clients", description = "Clients, decisions, orders, consent, plans and pauses"),
        (name = "devices", description = "Cameras, alarm units and their lifecycle"),
        (name = "reports", description = "Follow-up reports"),
        (name = "import", description = "Clients and devices from CSV files"),
        (name = "supervision", description = "Night supervision: look-ins, outcomes and dispatches"),
        (name = "alarms", description = "Safety alarms: the alarm centre's queue, steps and the responders' list"),
        (name = "homecare", description = "Home care: the staff app's day and sync, visit plans, corrections, approval and lock dates"),
        (name = "delegation", description = "Delegated health-care tasks: a client's signing list in the staff app (signings travel in the app's sync)"),
        (name = "keys", description = "Digital keys: unlocking through online locks, capabilities for offline locks, key access"),
        (name = "me", description = "The caller"),
        (name = "app", description = "The staff app's login on a phone: device key and PIN")
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

/// Registers every API route with the access it needs.
pub fn register(r: Routes) -> Routes {
    use Permission::{
        AccessGroupManage, AccountApprove, AccountDeactivate, AccountManage, AccountRequest,
        AlarmHandle, AuditExport, AuditRead, ClientRead, ClientWrite, ConsentManage,
        DecisionManage, DeviceManage, DirectoryRead, DispatchRespond, ImportData, OrderAccept,
        OrganisationManage, PauseRecord, PlanManage, ProtectionChange, ReportRead, StatisticsRead,
        Supervise, SupervisionLogExport, TokenManage, UnitManage,
    };
    r.api(Access::Authenticated, routes!(me::me))
        .api(
            Access::Permission(DirectoryRead),
            routes!(directory::list_organisations),
        )
        .api(
            Access::Permission(OrganisationManage),
            routes!(directory::create_organisation),
        )
        .api(
            Access::Permission(DirectoryRead),
            routes!(directory::get_organisation),
        )
        .api(
            Access::Permission(OrganisationManage),
            routes!(directory::update_organisation),
        )
        .api(
            Access::Permission(DirectoryRead),
            routes!(directory::list_units),
        )
        .api(
            Access::Permission(UnitManage),
            routes!(directory::create_unit),
        )
        .api(
            Access::Permission(DirectoryRead),
            routes!(directory::get_unit),
        )
        .api(
            Access::Permission(UnitManage),
            routes!(directory::update_unit),
        )
        .api(
            Access::Permission(UnitManage),
            routes!(directory::set_coverage),
        )
        .api(
            Access::Permission(DirectoryRead),
            routes!(directory::list_users),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::create_user),
        )
        .api(
            Access::Permission(AccountRequest),
            routes!(directory::request_user),
        )
        .api(
            Access::Permission(DirectoryRead),
            routes!(directory::get_user),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::update_user),
        )
        .api(
            Access::Permission(AccountApprove),
            routes!(directory::approve_user),
        )
        .api(
            Access::Permission(AccountApprove),
            routes!(directory::reject_user),
        )
        .api(
            Access::Permission(AccountDeactivate),
            routes!(directory::deactivate_user),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::reactivate_user),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::reset_password),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::reset_second_factor),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::grant_role),
        )
        .api(
            Access::Permission(AccountManage),
            routes!(directory::revoke_role),
        )
        .api(
            Access::Permission(TokenManage),
            routes!(directory::create_token),
        )
        .api(
            Access::Permission(TokenManage),
            routes!(directory::revoke_token),
        )
        .api(Access::Permission(AuditRead), routes!(audit::search))
        .api(Access::Permission(AuditExport), routes!(audit::export_csv))
        .api(
            Access::Permission(ClientRead),
            routes!(registry::clients::list_clients),
        )
        .api(
            Access::Permission(ClientWrite),
            routes!(registry::create_client),
        )
        .api(
            Access::Permission(ClientRead),
            routes!(registry::get_client),
        )
        .api(
            Access::Permission(ClientWrite),
            routes!(registry::update_client),
        )
        .api(
            Access::Permission(ProtectionChange),
            routes!(registry::protection::change_protection),
        )
        .api(
            Access::Permission(AccessGroupManage),
            routes!(registry::add_group_member),
        )
        .api(
            Access::Permission(AccessGroupManage),
            routes!(registry::remove_group_member),
        )
        .api(
            Access::Permission(DecisionManage),
            routes!(registry::record_decision),
        )
        .api(
            Access::Permission(DecisionManage),
            routes!(registry::end_decision),
        )
        .api(
            Access::Permission(OrderAccept),
            routes!(registry::list_orders),
        )
        .api(
            Access::Permission(OrderAccept),
            routes!(registry::accept_order),
        )
        .api(
            Access::Permission(ConsentManage),
            routes!(registry::record_consent),
        )
        .api(
            Access::Permission(ConsentManage),
            routes!(registry::withdraw_consent),
        )
        .api(Access::Permission(PlanManage), routes!(registry::set_plan))
        .api(
            Access::Permission(PauseRecord),
            routes!(registry::record_pause),
        )
        .api(
            Access::Permission(PauseRecord),
            routes!(registry::cancel_pause),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::list_devices),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::register_device),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::get_device),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::update_device),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::device_step),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::issue_credential),
        )
        .api(
            Access::Permission(DeviceManage),
            routes!(registry::revoke_credential),
        )
        .api(
            Access::Permission(ReportRead),
            routes!(registry::not_carried_out),
        )
        .api(
            Access::Permission(ImportData),
            registry::import::with_file_limit(routes!(registry::import::import_clients)),
        )
        .api(
            Access::Permission(ImportData),
            registry::import::with_file_limit(routes!(registry::import::import_devices)),
        )
        .api(Access::Permission(Supervise), routes!(supervision::queue))
        .api(
            Access::Permission(Supervise),
            routes!(supervision::start_look_in),
        )
        .api(
            Access::Permission(Supervise),
            routes!(supervision::record_outcome),
        )
        .api(
            Access::Permission(DispatchRespond),
            routes!(supervision::dispatches),
        )
        .api(
            Access::Permission(DispatchRespond),
            routes!(supervision::visits),
        )
        .api(
            Access::Permission(DispatchRespond),
            routes!(supervision::record_visit),
        )
        .api(
            Access::Permission(SupervisionLogExport),
            routes!(supervision::supervision_log),
        )
        .api(
            Access::Permission(StatisticsRead),
            routes!(supervision::statistics),
        )
        .api(
            Access::Permission(DispatchRespond),
            routes!(supervision::dispatch_step),
        )
        .api(Access::Permission(AlarmHandle), routes!(alarms::queue))
        .api(
            Access::Permission(DispatchRespond),
            routes!(alarms::responder),
        )
        .api(ALARM_ROLES, routes!(alarms::view))
        .api(ALARM_ROLES, routes!(alarms::step))
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(homecare::today),
        )
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(homecare::sync),
        )
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(homecare::confirm_week),
        )
        .api(
            Access::Permission(Permission::TaskSign),
            routes!(delegation::client_signings),
        )
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(homecare::my_week),
        )
        .api(
            Access::Permission(ClientRead),
            routes!(homecare::list_plans),
        )
        .api(
            Access::Permission(Permission::VisitManage),
            routes!(homecare::create_plan),
        )
        .api(
            Access::Permission(Permission::VisitManage),
            routes!(homecare::end_plan),
        )
        .api(
            Access::Permission(Permission::VisitManage),
            routes!(homecare::unit_visits),
        )
        .api(VISIT_ROLES, routes!(homecare::visit))
        .api(VISIT_ROLES, routes!(homecare::correct))
        .api(
            Access::Permission(Permission::VisitManage),
            routes!(homecare::approve_week),
        )
        .api(
            Access::Permission(Permission::VisitPeriodLock),
            routes!(homecare::lock_dates),
        )
        .api(
            Access::Permission(Permission::VisitPeriodLock),
            routes!(homecare::set_lock_date),
        )
        .api(Access::Permission(DispatchRespond), routes!(keys::unlock))
        .api(
            Access::Permission(DispatchRespond),
            routes!(keys::capabilities),
        )
        .api(Access::Authenticated, routes!(keys::public_key))
        .api(Access::Permission(ClientRead), routes!(keys::key_access))
        .api(
            Access::Permission(ClientWrite),
            routes!(keys::set_key_access),
        )
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(app_device::enrol),
        )
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(app_device::revoke),
        )
        .api(Access::Public, routes!(app_device::unlock))
        .api(
            Access::Permission(Permission::VisitRegister),
            routes!(tags::demo_tag_read),
        )
        .api(
            Access::Permission(Permission::PaymentBasisRead),
            routes!(homecare::payment_basis),
        )
}

/// A visit is read and corrected by its unit's manager or by its own worker; the use case
/// decides which.
pub(crate) const VISIT_ROLES: Access = Access::AnyOf(&[
    vaka_domain::access::Permission::VisitManage,
    vaka_domain::access::Permission::VisitRegister,
]);

/// Operators and responders both open and step alarms; the use case decides which steps.
pub(crate) const ALARM_ROLES: Access = Access::AnyOf(&[
    vaka_domain::access::Permission::AlarmHandle,
    vaka_domain::access::Permission::DispatchRespond,
]);
