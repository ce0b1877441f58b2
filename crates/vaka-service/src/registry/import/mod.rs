//! Importing clients and devices from CSV files: how a municipality moves off its old systems.
//!
//! Every row is checked first, on a read (with the same validation as a client or device
//! registered by hand); then one change checks the rows against what is registered and either
//! stores every row, each with its audit entry, or nothing — unless the caller chooses to
//! import only the good rows. Checking a file (`validate`) only reads. Every attempt
//! leaves one `import` entry in the audit log with the counts. The report names each bad row (as
//! a spreadsheet numbers it: the header is row 1), the column and what is wrong, without
//! repeating the values; nothing about the rows goes to the tracing log.
//!
//! # The file
//!
//! - **Encoding**: UTF-8 (a byte-order mark is dropped) or Windows-1252, the two that Swedish
//!   exports come in; a `charset` the sender declares is honoured. Anything else (UTF-16, a file
//!   that mixes the two, control characters) is refused with the line of the first bad byte.
//! - **Delimiter**: `;` (what Excel writes in a Swedish locale), `,` or a tab, detected from the
//!   header.
//! - **Header**: the first row names the columns, in any order; case and surrounding spaces do
//!   not matter. Optional columns may be left out. An unknown or repeated column refuses the file
//!   (a misspelt column would otherwise drop its data silently), and so does a missing required
//!   one. Rows that are wholly empty are skipped.
//!
//! Client columns are [`CLIENT_COLUMNS`], device columns [`DEVICE_COLUMNS`].
//!
//! By concern: [`file`] reads the file, [`clients`] and [`devices`] check and store their rows,
//! [`report`] is what the caller gets back and the audit log keeps.

mod clients;
mod devices;
mod file;
mod report;

pub use clients::CLIENT_COLUMNS;
pub use devices::DEVICE_COLUMNS;
pub use report::{ImportOutcome, ImportProblem, ImportReport};

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use vaka_domain::access::Assignment;

/// A column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// What goes in it, in English (for the documentation; the pages and the reasons word it
    /// by the message `import-col-{name}`).
    pub help: &'static str,
}

const fn col(name: &'static str, required: bool, help: &'static str) -> Column {
    Column {
        name,
        required,
        help,
    }
}

/// What to do with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ImportMode {
    /// Check every row and store nothing.
    #[default]
    Validate,
    /// Store every row, or nothing when any row is bad.
    All,
    /// Store the good rows and report the bad ones.
    OnlyValid,
}

vaka_domain::impl_codes!(ImportMode);

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ImportKind {
    Clients,
    Devices,
}

vaka_domain::impl_codes!(ImportKind);

/// What the checks on a read found: a finished report, or rows that a change is to check
/// against what is registered and store.
enum Checked<'p, R> {
    Done(ImportReport),
    Store {
        report: ImportReport,
        rows: R,
        /// The caller's right to import.
        gate: &'p Assignment,
    },
}
