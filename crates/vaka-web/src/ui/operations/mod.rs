//! The operating routines' pages (issue 17, part 6): planned-downtime notices (published by the
//! municipality, acknowledged by each provider's contact person), unplanned outage reports
//! routed by the hour, and the banners every page shows while either is current.

pub mod notices;
pub mod reserve;

use vaka_domain::access::Permission;

use crate::identity::Access;
pub use crate::page::period;
use crate::routes::Routes;

pub fn register(r: Routes) -> Routes {
    r.get("/operations", Access::Authenticated, notices::page)
        .post(
            "/operations/notices",
            Access::Permission(Permission::NoticePublish),
            notices::publish,
        )
        .post(
            "/operations/notices/{id}/cancel",
            Access::Permission(Permission::NoticePublish),
            notices::cancel,
        )
        .post(
            "/operations/notices/{id}/acknowledge",
            Access::Permission(Permission::NoticeAcknowledge),
            notices::acknowledge,
        )
        .post(
            "/operations/outages",
            Access::Authenticated,
            notices::report,
        )
        .post(
            "/operations/outages/{id}/resolve",
            Access::Permission(Permission::OutageManage),
            notices::resolve,
        )
        .post(
            "/operations/organisations/{id}/contacts/{kind}",
            Access::Permission(Permission::ContactsKeep),
            notices::set_contact,
        )
        .post(
            "/operations/organisations/{id}/contacts/{kind}/confirm",
            Access::Permission(Permission::ContactsKeep),
            notices::confirm_contact,
        )
        .get(
            "/operations/reserve-list",
            Access::Permission(Permission::ReserveListPrint),
            reserve::page,
        )
}
