//! The web pages: server-rendered HTML in Swedish (English on request), usable on a phone and
//! with the keyboard. Every page is a thin layer over the same use cases as the API.

// A page error carries the page frame to render it in; it is large but only on the error path.
#![allow(clippy::result_large_err)]

pub mod alarm_oversight;
pub mod alarms;
pub mod audit;
pub mod charts;
pub mod clients;
pub mod devices;
pub mod directory;
pub mod home;
pub mod import;
pub mod login;
pub mod orders;
pub mod pages;
pub mod patrol;
pub mod statistics;
pub mod supervision;
pub mod supervision_log;

use vaka_domain::access::Permission;

use crate::auth::Access;
use crate::routes::Routes;

/// Registers every page with the access it needs.
pub fn register(r: Routes) -> Routes {
    use Permission::*;
    r.get("/login", Access::Public, login::login_form)
        .post("/login", Access::Public, login::login_submit)
        .post("/lang", Access::Public, login::set_lang)
        .get("/login/code", Access::LoginFlow, login::code_form)
        .post("/login/code", Access::LoginFlow, login::code_submit)
        .get("/login/password", Access::LoginFlow, login::password_form)
        .post("/login/password", Access::LoginFlow, login::password_submit)
        .get("/login/enrol", Access::LoginFlow, login::enrol_form)
        .post("/login/enrol", Access::LoginFlow, login::enrol_submit)
        .post("/logout", Access::LoginFlow, login::logout)
        .get("/", Access::Authenticated, home::home)
        .get("/profile", Access::Authenticated, home::profile)
        .post(
            "/profile/password",
            Access::Authenticated,
            home::change_password,
        )
        .post(
            "/profile/recovery-codes",
            Access::Authenticated,
            home::renew_codes,
        )
        .post(
            "/profile/logout-everywhere",
            Access::Authenticated,
            home::logout_everywhere,
        )
        .get("/clients", Access::Permission(ClientRead), clients::list)
        .get(
            "/clients/new",
            Access::Permission(ClientWrite),
            clients::new_form,
        )
        .post(
            "/clients/new",
            Access::Permission(ClientWrite),
            clients::create,
        )
        .get(
            "/clients/{id}",
            Access::Permission(ClientRead),
            clients::show,
        )
        .get(
            "/clients/{id}/edit",
            Access::Permission(ClientWrite),
            clients::edit_form,
        )
        .post(
            "/clients/{id}/edit",
            Access::Permission(ClientWrite),
            clients::update,
        )
        .post(
            "/clients/{id}/decisions",
            Access::Permission(DecisionManage),
            clients::add_decision,
        )
        .post(
            "/clients/{id}/decisions/{decision}/end",
            Access::Permission(DecisionManage),
            clients::end_decision,
        )
        .post(
            "/clients/{id}/orders/{order}/accept",
            Access::Permission(OrderAccept),
            clients::accept_order,
        )
        .post(
            "/clients/{id}/consents",
            Access::Permission(ConsentManage),
            clients::add_consent,
        )
        .post(
            "/clients/{id}/consents/{consent}/withdraw",
            Access::Permission(ConsentManage),
            clients::withdraw_consent,
        )
        .post(
            "/clients/{id}/plan",
            Access::Permission(PlanManage),
            clients::set_plan,
        )
        .post(
            "/clients/{id}/pauses",
            Access::Permission(PauseRecord),
            clients::add_pause,
        )
        .post(
            "/clients/{id}/pauses/{pause}/cancel",
            Access::Permission(PauseRecord),
            clients::cancel_pause,
        )
        .post(
            "/clients/{id}/group",
            Access::Permission(AccessGroupManage),
            clients::change_group,
        )
        .get("/orders", Access::Permission(OrderAccept), orders::list)
        .post(
            "/orders/{id}/accept",
            Access::Permission(OrderAccept),
            orders::accept,
        )
        .get(
            "/reports/not-carried-out",
            Access::Permission(ReportRead),
            orders::not_carried_out,
        )
        .get("/import", Access::Permission(ImportData), import::form)
        .post_upload(
            "/import/clients",
            Access::Permission(ImportData),
            crate::api::import::MAX_FILE_BYTES,
            import::clients,
        )
        .post_upload(
            "/import/devices",
            Access::Permission(ImportData),
            crate::api::import::MAX_FILE_BYTES,
            import::devices,
        )
        .get("/devices", Access::Permission(DeviceManage), devices::list)
        .post(
            "/devices",
            Access::Permission(DeviceManage),
            devices::register,
        )
        .get(
            "/devices/{id}",
            Access::Permission(DeviceManage),
            devices::show,
        )
        .post(
            "/devices/{id}/steps",
            Access::Permission(DeviceManage),
            devices::step,
        )
        .post(
            "/devices/{id}/edit",
            Access::Permission(DeviceManage),
            devices::update,
        )
        .post(
            "/devices/{id}/credential",
            Access::Permission(DeviceManage),
            devices::credential,
        )
        .get(
            "/admin/organisations",
            Access::Permission(DirectoryRead),
            directory::organisations,
        )
        .post(
            "/admin/organisations",
            Access::Permission(OrganisationManage),
            directory::create_organisation,
        )
        .get(
            "/admin/organisations/{id}",
            Access::Permission(DirectoryRead),
            directory::organisation,
        )
        .post(
            "/admin/organisations/{id}",
            Access::Permission(OrganisationManage),
            directory::update_organisation,
        )
        .post(
            "/admin/units",
            Access::Permission(UnitManage),
            directory::create_unit,
        )
        .get(
            "/admin/units/{id}",
            Access::Permission(DirectoryRead),
            directory::unit,
        )
        .post(
            "/admin/units/{id}",
            Access::Permission(UnitManage),
            directory::update_unit,
        )
        .post(
            "/admin/units/{id}/coverage",
            Access::Permission(UnitManage),
            directory::set_coverage,
        )
        .get(
            "/admin/users",
            Access::Permission(DirectoryRead),
            directory::users,
        )
        .get(
            "/admin/users/new",
            Access::AnyOf(&[AccountManage, AccountRequest]),
            directory::new_user_form,
        )
        .post(
            "/admin/users/new",
            Access::Permission(AccountManage),
            directory::new_user_submit,
        )
        .post(
            "/admin/users/request",
            Access::Permission(AccountRequest),
            directory::request_user_submit,
        )
        .get(
            "/admin/users/{id}",
            Access::Permission(DirectoryRead),
            directory::user,
        )
        .post(
            "/admin/users/{id}/approve",
            Access::Permission(AccountApprove),
            directory::approve,
        )
        .post(
            "/admin/users/{id}/reject",
            Access::Permission(AccountApprove),
            directory::reject,
        )
        .post(
            "/admin/users/{id}/deactivate",
            Access::Permission(AccountDeactivate),
            directory::deactivate,
        )
        .post(
            "/admin/users/{id}/reactivate",
            Access::Permission(AccountManage),
            directory::reactivate,
        )
        .post(
            "/admin/users/{id}/reset-password",
            Access::Permission(AccountManage),
            directory::reset_password,
        )
        .post(
            "/admin/users/{id}/reset-second-factor",
            Access::Permission(AccountManage),
            directory::reset_second_factor,
        )
        .post(
            "/admin/users/{id}/roles",
            Access::Permission(AccountManage),
            directory::add_role,
        )
        .post(
            "/admin/users/{id}/roles/{assignment}/remove",
            Access::Permission(AccountManage),
            directory::remove_role,
        )
        .post(
            "/admin/users/{id}/tokens",
            Access::Permission(TokenManage),
            directory::create_token,
        )
        .post(
            "/admin/users/{id}/tokens/{token}/revoke",
            Access::Permission(TokenManage),
            directory::revoke_token,
        )
        .get("/audit", Access::Permission(AuditRead), audit::audit_page)
        .get(
            "/audit/export.csv",
            Access::Permission(AuditExport),
            audit::export,
        )
        .get(
            "/supervision",
            Access::Permission(Supervise),
            supervision::console,
        )
        .get(
            "/supervision/events",
            Access::Permission(Supervise),
            supervision::queue_events,
        )
        .post(
            "/supervision/tasks/{id}/look-in",
            Access::Permission(Supervise),
            supervision::start_look_in,
        )
        .post(
            "/supervision/tasks/{id}/outcome",
            Access::Permission(Supervise),
            supervision::record_outcome,
        )
        .get(
            "/supervision/look-ins/{id}",
            Access::Permission(Supervise),
            supervision::look_in_page,
        )
        .get(
            "/supervision/look-ins/{id}/stream",
            Access::Permission(Supervise),
            supervision::look_in_stream,
        )
        .get(
            "/supervision/statistics",
            Access::Permission(StatisticsRead),
            statistics::page,
        )
        .get(
            "/clients/{id}/supervision-log",
            Access::Permission(SupervisionLogExport),
            supervision_log::page,
        )
        .get("/alarms", Access::Permission(AlarmHandle), alarms::console)
        .get(
            "/alarms/events",
            Access::Permission(AlarmHandle),
            alarms::queue_events,
        )
        .get(
            "/alarms/technical",
            Access::AnyOf(&[TechnicalCheck, AlarmHandle, AlarmOversight]),
            alarm_oversight::technical,
        )
        .post(
            "/alarms/technical/{id}/sign",
            Access::Permission(TechnicalCheck),
            alarm_oversight::sign,
        )
        .get(
            "/alarms/health",
            Access::AnyOf(&[AlarmOversight, AlarmHandle]),
            alarm_oversight::health,
        )
        .get(
            "/alarms/statistics",
            Access::Permission(StatisticsRead),
            alarm_oversight::statistics,
        )
        .get("/alarms/{id}", crate::api::ALARM_ROLES, alarms::alarm_page)
        .get(
            "/alarms/{id}/events",
            crate::api::ALARM_ROLES,
            alarms::alarm_events,
        )
        .post("/alarms/{id}/steps", crate::api::ALARM_ROLES, alarms::step)
        .get(
            "/patrol",
            Access::Permission(DispatchRespond),
            patrol::patrol,
        )
        .get(
            "/patrol/events",
            Access::Permission(DispatchRespond),
            patrol::patrol_events,
        )
        .post(
            "/patrol/visits/{id}",
            Access::Permission(DispatchRespond),
            patrol::visit,
        )
        .post(
            "/patrol/dispatches/{id}",
            Access::Permission(DispatchRespond),
            patrol::step,
        )
}
