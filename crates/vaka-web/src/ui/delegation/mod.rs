//! Delegated health-care tasks in the pages: the hub (one's own delegations to sign, the units
//! one follows up, what expires, open deviations), a unit's page (its register, the day's
//! signing list, the form that delegates), one delegation (both parties sign with their second
//! factor; revocation), a unit's week of missed and late signings (page, CSV), and on the
//! client's pages the prescribed tasks and the signing history (page, CSV, PDF).

pub mod client;
pub mod pages;
pub mod report;

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
    r.get("/delegation", DELEGATION_PAGES, pages::hub)
        .get("/delegation/units/{id}", FOLLOW_UP, pages::unit)
        .get("/delegation/units/{id}/report", FOLLOW_UP, report::week)
        .post(
            "/delegation/units/{id}/delegations",
            Access::Permission(Permission::DelegationManage),
            pages::create,
        )
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
