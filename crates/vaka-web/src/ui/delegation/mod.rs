//! Delegated health-care tasks in the pages: the hub (one's own delegations to sign, the units
//! one follows up, what expires, open deviations), a unit's page (its register, the day's
//! signing list, the form that delegates), one delegation (both parties sign with their second
//! factor; revocation), a unit's week of missed and late signings (page, CSV), the
//! municipality's list of task types, and on the client's pages the prescribed tasks and the
//! signing history (page, CSV, PDF).

pub mod client;
pub mod ladder;
pub mod pages;
pub mod report;
pub mod task_types;

use vaka_domain::access::Permission;

use crate::identity::Access;
use crate::routes::Routes;

/// Who reaches the delegation pages: licensed staff, those who follow a unit up, and the care
/// workers who sign delegations and tasks.
pub(crate) const DELEGATION_PAGES: Access = Access::AnyOf(&[
    Permission::DelegationManage,
    Permission::DelegationOversee,
    Permission::TaskSign,
]);

/// Who reaches the hub and the list of task types: those of the delegation pages, and the
/// municipality's keeper of the task types (who has no delegations of their own).
pub(crate) const HUB: Access = Access::AnyOf(&[
    Permission::DelegationManage,
    Permission::DelegationOversee,
    Permission::TaskSign,
    Permission::TaskTypeManage,
]);

/// Those who follow up a unit's delegated tasks.
const FOLLOW_UP: Access =
    Access::AnyOf(&[Permission::DelegationManage, Permission::DelegationOversee]);

/// An optional form or query field: empty is none; anything else must parse as `T`.
pub(crate) fn optional<T: std::str::FromStr>(
    raw: &str,
    field: &'static str,
) -> Result<Option<T>, crate::error::ApiError> {
    match raw.trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| {
            crate::error::ApiError::invalid(field, vaka_domain::reason::InputReason::NotValid)
        }),
    }
}

/// Registers the delegation pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    r.get("/delegation", HUB, pages::hub)
        .get("/delegation/missed/events", FOLLOW_UP, pages::missed_events)
        .get("/delegation/task-types", HUB, task_types::list)
        .post(
            "/delegation/task-types",
            Access::Permission(Permission::TaskTypeManage),
            task_types::add,
        )
        .post(
            "/delegation/task-types/{code}",
            Access::Permission(Permission::TaskTypeManage),
            task_types::change,
        )
        .get("/delegation/units/{id}", FOLLOW_UP, pages::unit)
        .get("/delegation/units/{id}/report", FOLLOW_UP, report::week)
        .post(
            "/delegation/units/{id}/delegations",
            Access::Permission(Permission::DelegationManage),
            pages::create,
        )
        .get("/delegation/units/{id}/ladder", FOLLOW_UP, ladder::show)
        .post("/delegation/units/{id}/ladder", FOLLOW_UP, ladder::set)
        .get("/delegation/{id}", DELEGATION_PAGES, pages::detail)
        .post("/delegation/{id}/sign", DELEGATION_PAGES, pages::sign)
        .post("/delegation/{id}/revoke", FOLLOW_UP, pages::revoke)
        .post(
            "/delegation/deviations/{id}/close",
            Access::Permission(Permission::DelegationManage),
            pages::close_deviation,
        )
        .get(
            "/clients/{id}/prescriptions",
            Access::Permission(Permission::ClientRead),
            client::prescriptions,
        )
        .post(
            "/clients/{id}/prescriptions",
            Access::Permission(Permission::DelegationManage),
            client::prescribe,
        )
        .post(
            "/clients/{id}/prescriptions/{p}/end",
            Access::Permission(Permission::DelegationManage),
            client::end,
        )
        .get(
            "/clients/{id}/signings",
            Access::Permission(Permission::ClientRead),
            client::history,
        )
}
