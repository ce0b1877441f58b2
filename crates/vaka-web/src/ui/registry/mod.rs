//! The client registry: clients with their decisions, orders, consents, plans, pauses and
//! access groups; protected identities lifted or lowered by decision; the provider's orders;
//! devices; and the import of clients and devices.

pub mod clients;
pub mod devices;
pub mod emergency;
pub mod import;
pub mod orders;
pub mod protection;
pub mod tags;

use vaka_domain::access::Permission;

use crate::identity::Access;
use crate::routes::Routes;

/// Registers the registry pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    use Permission::{
        AccessGroupManage, ClientRead, ClientWrite, ConsentManage, DecisionManage, DeviceManage,
        ImportData, OrderAccept, PauseRecord, PlanManage, ProtectionChange, ReportRead,
    };
    r.get("/clients", Access::Permission(ClientRead), clients::list)
        .get(
            "/emergency-access",
            Access::Permission(ClientRead),
            emergency::show,
        )
        .post(
            "/emergency-access",
            Access::Permission(ClientRead),
            emergency::open,
        )
        .post(
            "/emergency-access/{id}/end",
            Access::Permission(ClientRead),
            emergency::end,
        )
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
        .get(
            "/admin/protection",
            Access::Permission(ProtectionChange),
            protection::form,
        )
        .post(
            "/admin/protection",
            Access::Permission(ProtectionChange),
            protection::change,
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
        .get(
            "/import/report",
            Access::Permission(ImportData),
            import::report_page,
        )
        .get(
            "/import/report.csv",
            Access::Permission(ImportData),
            import::report_csv,
        )
        .post_upload(
            "/import/clients",
            Access::Permission(ImportData),
            crate::api::registry::import::MAX_FILE_BYTES,
            import::clients,
        )
        .post_upload(
            "/import/devices",
            Access::Permission(ImportData),
            crate::api::registry::import::MAX_FILE_BYTES,
            import::devices,
        )
        .get("/devices", Access::Permission(DeviceManage), devices::list)
        .post(
            "/devices/tags/order",
            Access::Permission(DeviceManage),
            tags::order,
        )
        .post(
            "/devices/{id}/tag",
            Access::Permission(DeviceManage),
            tags::provision,
        )
        .post(
            "/devices/{id}/tag/replace",
            Access::Permission(DeviceManage),
            tags::replace,
        )
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
}
