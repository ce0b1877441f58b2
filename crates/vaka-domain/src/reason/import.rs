//! Reasons about CSV imports of clients and devices: the file, its header, and each row.

use super::{Arg, reasons};

/// A column of an import file, named in a reason by what goes in it (the message
/// `import-col-{name}` of the page's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportColumn(pub &'static str);

impl From<ImportColumn> for Arg {
    fn from(c: ImportColumn) -> Self {
        Arg::Code {
            kind: "import-col",
            code: c.0,
        }
    }
}

reasons! {
    Import =>
    /// Reasons about CSV imports of clients and devices: the file, its header, and each row.
    ///
    /// The duplicate-row reasons list the other rows as a spreadsheet numbers them: `count`
    /// rows in all; `rows` the first ones, written out (`2, 3`), then `last`; and `more` that
    /// are not shown (`2, 3 and 4`, `1, 2, 3, 4, 5 and 2 more`).
    pub enum ImportReason {
        /// The caller may not import at all.
        MayNotImport => "import-may-not-import",
        /// Devices are imported by municipal administrators only.
        OnlyAdminsImportDevices => "import-only-admins-import-devices",
        /// The file is UTF-16.
        Utf16 => "import-utf16",
        /// The request declares a charset other than UTF-8 or Windows-1252.
        CharsetNotSupported => "import-charset-not-supported",
        /// Declared UTF-8, but a line is not.
        NotUtf8AsDeclared { line: usize } => "import-not-utf8-as-declared",
        /// Some lines are UTF-8, others not.
        MixedEncodings { line: usize } => "import-mixed-encodings",
        /// A control character: not text in either encoding (`code` is its hex code point).
        ControlCharacter { line: usize, code: String } => "import-control-character",
        /// No header.
        Empty => "import-empty",
        /// The header is not CSV (`error` is the CSV reader's).
        HeaderNotCsv { error: String } => "import-header-not-csv",
        /// A column named twice.
        ColumnTwice { first: usize, second: usize } => "import-column-twice",
        /// A column the import does not know (`columns` lists those it does).
        UnknownColumn { columns: String } => "import-unknown-column",
        /// A required column is not in the header.
        MissingColumn { help: ImportColumn } => "import-missing-column",
        /// A row is not CSV (`error` is the CSV reader's).
        RowNotCsv { error: String } => "import-row-not-csv",
        /// A row with another number of values than the header has columns.
        RowShape { values: usize, columns: usize } => "import-row-shape",
        /// A value under a column without a name.
        UnnamedColumn { column: usize } => "import-unnamed-column",
        /// A header and no rows.
        NoRows => "import-no-rows",
        /// A code column with a value that is none of its codes.
        NotOneOf { choices: String } => "import-not-one-of",
        /// Rows with the same identity number.
        DuplicateIdentity { count: usize, rows: String, last: u64, more: usize } => "import-duplicate-identity",
        /// Rows with the same kind and serial number.
        DuplicateSerial { count: usize, rows: String, last: u64, more: usize } => "import-duplicate-serial",
        /// Rows with the same DC-09 account.
        DuplicateAccount { count: usize, rows: String, last: u64, more: usize } => "import-duplicate-account",
        /// The provider named does not exist.
        NoSuchOrganisation => "import-no-such-organisation",
        /// A unit named without its provider.
        UnitNeedsProvider => "import-unit-needs-provider",
        /// The provider has no unit of the name.
        NoSuchUnit => "import-no-such-unit",
        /// A client row outside the caller's need-to-know.
        OutsideNeedToKnow => "import-outside-need-to-know",
        /// The client is registered already.
        IdentityRegistered => "import-identity-registered",
        /// A device row's client is not named by an identity number.
        NotAnIdentity => "import-not-an-identity",
        /// The device is registered already.
        SerialRegistered => "import-serial-registered",
        /// Another device has the DC-09 account.
        AccountTaken => "import-account-taken",
        /// No client has the identity number a device row names.
        NoClientWithIdentity => "import-no-client-with-identity",
        /// An alarm unit's client is of a unit no alarm centre covers.
        NoAlarmCentreCovers => "import-no-alarm-centre-covers",
        /// A row the checks could not judge (a failure that is no rule's).
        RowNotChecked => "import-row-not-checked",
        /// The form was sent without a file.
        ChooseFile => "import-choose-file",
        /// The upload is not the page's form.
        SendFromForm => "import-send-from-form",
    }
}
