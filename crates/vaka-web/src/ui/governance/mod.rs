//! The management plan's page (`/governance`, "Förvaltning"; issue 17 parts 6 and 7): the
//! management organisation's roles, supplier contracts with their reminders, the information
//! classification, the yearly activity plan with sign-off, incident reports and fault reports
//! to suppliers.

pub mod page;

use vaka_domain::access::Permission;

use crate::identity::Access;
use crate::routes::Routes;

pub fn register(r: Routes) -> Routes {
    let manage = || Access::Permission(Permission::GovernanceManage);
    let faults = || Access::Permission(Permission::SupplierFaultReport);
    r.get("/governance", Access::Authenticated, page::page)
        .post("/governance/roles", manage(), page::assign)
        .post("/governance/roles/{id}/end", manage(), page::end_role)
        .post("/governance/contracts", manage(), page::add_contract)
        .post("/governance/contracts/{id}", manage(), page::edit_contract)
        .post(
            "/governance/contracts/{id}/follow-up",
            manage(),
            page::follow_up,
        )
        .post(
            "/governance/classification/{type}",
            manage(),
            page::classify,
        )
        .post("/governance/duties/{id}", manage(), page::set_duty)
        // A holder of the duty's role or the system manager: the use case decides.
        .post(
            "/governance/duties/{id}/sign-off",
            Access::Authenticated,
            page::sign_off,
        )
        .post("/governance/incidents", Access::Authenticated, page::report)
        // Its receivers or the system manager: the use case decides.
        .post(
            "/governance/incidents/{id}/step",
            Access::Authenticated,
            page::step_incident,
        )
        .post("/governance/faults", faults(), page::report_fault)
        .post("/governance/faults/{id}/step", faults(), page::step_fault)
}
