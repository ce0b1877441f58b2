//! Home care for those who lead it: a unit's visits of a day or a week with their flags, one
//! visit with its history and the correction form, the week's approval, the municipality's
//! lock dates, and the provider's payment basis. Visit plans and the tasks of home-care
//! decisions are on the client's page (`ui::registry::clients`).

pub mod locks;
pub mod payment;
pub mod visits;

use vaka_domain::access::Permission;

use crate::identity::Access;
use crate::routes::Routes;

/// Who reaches the home-care hub: unit managers, and the municipality for lock dates.
pub(crate) const HOMECARE_PAGES: Access = Access::AnyOf(&[
    Permission::VisitManage,
    Permission::VisitPeriodLock,
    Permission::PaymentBasisRead,
]);

/// Registers the home-care pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    r.get("/homecare", HOMECARE_PAGES, visits::hub)
        .get(
            "/homecare/units/{id}",
            Access::Permission(Permission::VisitManage),
            visits::unit,
        )
        .post(
            "/homecare/units/{id}/approve",
            Access::Permission(Permission::VisitManage),
            visits::approve,
        )
        .get(
            "/homecare/visits/{id}",
            Access::Permission(Permission::VisitManage),
            visits::visit,
        )
        .post(
            "/homecare/visits/{id}/corrections",
            Access::Permission(Permission::VisitManage),
            visits::correct,
        )
        .post(
            "/clients/{id}/visit-plans",
            Access::Permission(Permission::VisitManage),
            crate::ui::registry::clients::add_visit_plan,
        )
        .post(
            "/clients/{id}/visit-plans/{plan}/end",
            Access::Permission(Permission::VisitManage),
            crate::ui::registry::clients::end_visit_plan,
        )
        .get(
            "/homecare/payment",
            Access::Permission(Permission::PaymentBasisRead),
            payment::page,
        )
        .get(
            "/homecare/payment/export",
            Access::Permission(Permission::PaymentBasisRead),
            payment::export,
        )
        .get(
            "/homecare/lock-dates",
            Access::Permission(Permission::VisitPeriodLock),
            locks::page,
        )
        .post(
            "/homecare/lock-dates",
            Access::Permission(Permission::VisitPeriodLock),
            locks::set,
        )
}
