//! Administration pages of the directory: organisations, units, accounts and their roles and
//! tokens.

mod account;
mod licence;
mod organisations;
mod units;
mod users;

pub use account::*;
pub use licence::{end_leave, record_leave, set_licence};
pub use organisations::*;
pub use units::*;
pub use users::*;

use vaka_domain::directory::{Organisation, OrganisationKind, UnitKind};

use crate::i18n::Tr;
use crate::identity::Access;
use crate::routes::Routes;
use vaka_domain::access::Permission;

pub(super) fn org_kind_label(t: Tr, o: &Organisation) -> String {
    match (o.kind, o.provider_kind) {
        (OrganisationKind::Provider, Some(pk)) => format!(
            "{} ({})",
            t.t("org-kind-provider"),
            t.code("org-provider_kind", pk.code())
        ),
        (k, _) => t.code("org-kind", k.code()),
    }
}

pub(super) fn unit_kinds(t: Tr) -> Vec<(String, String)> {
    UnitKind::ALL
        .iter()
        .map(|k| (k.code().to_owned(), t.code("unit-kind", k.code())))
        .collect()
}

/// Registers the directory administration pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    use Permission::{
        AccountApprove, AccountDeactivate, AccountManage, AccountRequest, DirectoryRead,
        OrganisationManage, TaskTypeManage, TokenManage, UnitManage,
    };
    r.get(
        "/admin/organisations",
        Access::Permission(DirectoryRead),
        organisations,
    )
    .post(
        "/admin/organisations",
        Access::Permission(OrganisationManage),
        create_organisation,
    )
    .get(
        "/admin/organisations/{id}",
        Access::Permission(DirectoryRead),
        organisation,
    )
    .post(
        "/admin/organisations/{id}",
        Access::Permission(OrganisationManage),
        update_organisation,
    )
    .post("/admin/units", Access::Permission(UnitManage), create_unit)
    .get("/admin/units/{id}", Access::Permission(DirectoryRead), unit)
    .post(
        "/admin/units/{id}",
        Access::Permission(UnitManage),
        update_unit,
    )
    .post(
        "/admin/units/{id}/coverage",
        Access::Permission(UnitManage),
        set_coverage,
    )
    .get("/admin/users", Access::Permission(DirectoryRead), users)
    .get(
        "/admin/users/new",
        Access::AnyOf(&[AccountManage, AccountRequest]),
        new_user_form,
    )
    .post(
        "/admin/users/new",
        Access::Permission(AccountManage),
        new_user_submit,
    )
    .post(
        "/admin/users/request",
        Access::Permission(AccountRequest),
        request_user_submit,
    )
    .get("/admin/users/{id}", Access::Permission(DirectoryRead), user)
    .post(
        "/admin/users/{id}/approve",
        Access::Permission(AccountApprove),
        approve,
    )
    .post(
        "/admin/users/{id}/reject",
        Access::Permission(AccountApprove),
        reject,
    )
    .post(
        "/admin/users/{id}/deactivate",
        Access::Permission(AccountDeactivate),
        deactivate,
    )
    .post(
        "/admin/users/{id}/reactivate",
        Access::Permission(AccountManage),
        reactivate,
    )
    .post(
        "/admin/users/{id}/reset-password",
        Access::Permission(AccountManage),
        reset_password,
    )
    .post(
        "/admin/users/{id}/reset-second-factor",
        Access::Permission(AccountManage),
        reset_second_factor,
    )
    .post(
        "/admin/users/{id}/roles",
        Access::Permission(AccountManage),
        add_role,
    )
    .post(
        "/admin/users/{id}/roles/{assignment}/remove",
        Access::Permission(AccountManage),
        remove_role,
    )
    .post(
        "/admin/users/{id}/licence",
        Access::AnyOf(&[AccountManage, TaskTypeManage]),
        set_licence,
    )
    .post(
        "/admin/users/{id}/leave",
        Access::AnyOf(&[AccountManage, AccountDeactivate]),
        record_leave,
    )
    .post(
        "/admin/users/{id}/leave/end",
        Access::AnyOf(&[AccountManage, AccountDeactivate]),
        end_leave,
    )
    .post(
        "/admin/users/{id}/tokens",
        Access::Permission(TokenManage),
        create_token,
    )
    .post(
        "/admin/users/{id}/tokens/{token}/revoke",
        Access::Permission(TokenManage),
        revoke_token,
    )
}
