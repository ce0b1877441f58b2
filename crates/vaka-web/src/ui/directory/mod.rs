//! Administration pages of the directory: organisations, units, accounts and their roles and
//! tokens.

mod account;
mod organisations;
mod units;
mod users;

pub use account::*;
pub use organisations::*;
pub use units::*;
pub use users::*;

use vaka_domain::directory::{Organisation, OrganisationKind, UnitKind};

use crate::i18n::Tr;

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
