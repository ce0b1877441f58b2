//! Importing clients and devices from CSV files: how a municipality moves off its old systems.
//!
//! One import is one transaction. Every row is checked first (with the same validation as a
//! client or device registered by hand); then either every row is stored, each with its audit
//! entry, or nothing is — unless the caller chooses to import only the good rows. Every attempt
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

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, NewAuditEntry, Outcome};
use vaka_domain::client::{AreaType, Client, Contact, KeyAccess, Protection};
use vaka_domain::device::{
    Dc09KeyStyle, Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep,
};
use vaka_domain::directory::{Organisation, Unit};
use vaka_domain::ids::{ClientId, DeviceEventId, OrganisationId, UnitId};
use vaka_domain::personnummer::{ClientIdentity, IdentityKind, ReserveId};
use vaka_store::{ReadTx, search_key};

use super::REGISTRY;
use super::clients::{ClientInput, ContactInput, build_client};
use super::devices::{DeviceInput, new_device};
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// A column of an import file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// What goes in it (for the documentation and the unknown-column message).
    pub help: &'static str,
}

const fn col(name: &'static str, required: bool, help: &'static str) -> Column {
    Column {
        name,
        required,
        help,
    }
}

/// The columns of a client import.
pub const CLIENT_COLUMNS: &[Column] = &[
    col(
        "identity",
        true,
        "personnummer or samordningsnummer (10 or 12 digits, with or without - or +), or a reserve id",
    ),
    col(
        "identity_kind",
        false,
        "personnummer (default), samordningsnummer or reserve",
    ),
    col("name", true, "the client's name"),
    col("address_street", false, "street address"),
    col("address_postcode", false, "postcode, five digits"),
    col(
        "address_city",
        false,
        "city (give street, postcode and city, or none of them)",
    ),
    col("phone", false, "telephone number"),
    col("provider", false, "the care provider: its name or id"),
    col(
        "unit",
        false,
        "the provider's unit: its name (with the provider) or id",
    ),
    col(
        "protection",
        false,
        "none (default), confidentiality_marking, protected_registration or fictitious_identity",
    ),
    col(
        "area_type",
        false,
        "town (default), countryside or special_housing",
    ),
    col(
        "key_access",
        false,
        "none (default), digital_lock, key_box or reserve_key",
    ),
    col("key_note", false, "where the key is"),
    col("contact1_name", false, "first contact to call: name"),
    col("contact1_relation", false, "first contact: relation"),
    col("contact1_phone", false, "first contact: telephone"),
    col("contact1_note", false, "first contact: note"),
    col("contact2_name", false, "second contact: name"),
    col("contact2_relation", false, "second contact: relation"),
    col("contact2_phone", false, "second contact: telephone"),
    col("contact2_note", false, "second contact: note"),
    col("contact3_name", false, "third contact: name"),
    col("contact3_relation", false, "third contact: relation"),
    col("contact3_phone", false, "third contact: telephone"),
    col("contact3_note", false, "third contact: note"),
];

/// The columns of a device import. Devices come in stock, or assigned to the client named in
/// `client_identity`; installing, testing and activating them are steps of their own, and
/// their credentials are issued one by one.
pub const DEVICE_COLUMNS: &[Column] = &[
    col("kind", true, "camera, alarm_unit, lock or nfc_tag"),
    col("serial", true, "serial number"),
    col("model", true, "model"),
    col("firmware", false, "firmware version"),
    col(
        "dc09_account",
        false,
        "alarm units: the SIA DC-09 account, 3-16 hex digits",
    ),
    col("dc09_key", false, "alarm units: the AES key"),
    col(
        "dc09_key_style",
        false,
        "how the key is written: ascii or hex",
    ),
    col(
        "client_identity",
        false,
        "the client the device is assigned to: personnummer, samordningsnummer or reserve id",
    ),
];

/// How many contacts a client row can carry.
const CONTACTS: u8 = 3;

/// What to do with the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Check every row and store nothing.
    #[default]
    Validate,
    /// Store every row, or nothing when any row is bad.
    All,
    /// Store the good rows and report the bad ones.
    OnlyValid,
}

impl ImportMode {
    pub fn code(self) -> &'static str {
        match self {
            ImportMode::Validate => "validate",
            ImportMode::All => "all",
            ImportMode::OnlyValid => "only_valid",
        }
    }
}

/// What is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Clients,
    Devices,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Clients => "clients",
            ImportKind::Devices => "devices",
        }
    }
}

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    /// Every row was stored.
    Imported,
    /// The good rows were stored, the bad ones reported (`only_valid`).
    PartlyImported,
    /// `validate`: every row is good; nothing was stored.
    Valid,
    /// Nothing was stored: the file or some rows are bad (or, with `only_valid`, every row).
    Rejected,
}

/// One thing wrong with the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportProblem {
    /// The row as a spreadsheet numbers it (the header is row 1); absent when the problem is
    /// the file's as a whole.
    pub row: Option<u64>,
    /// The column; absent when the problem is the whole row's or the file's.
    pub field: Option<String>,
    /// What is wrong, in words a person can act on. Never repeats the value.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Names this import in the audit log (subject `import`).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Uuid))]
    pub import_id: Uuid,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub outcome: ImportOutcome,
    /// How the file was read: `utf-8` or `windows-1252` (absent when it could not be).
    pub encoding: Option<String>,
    /// The delimiter found in the header.
    pub delimiter: Option<String>,
    /// Data rows in the file (wholly empty rows are not counted).
    pub rows_total: u64,
    /// Rows without a problem.
    pub rows_valid: u64,
    /// Rows stored by this request.
    pub rows_imported: u64,
    /// Every problem found, in the order of the file.
    pub problems: Vec<ImportProblem>,
}

impl ImportReport {
    fn new(kind: ImportKind, mode: ImportMode) -> Self {
        Self {
            import_id: Uuid::now_v7(),
            kind,
            mode,
            outcome: ImportOutcome::Rejected,
            encoding: None,
            delimiter: None,
            rows_total: 0,
            rows_valid: 0,
            rows_imported: 0,
            problems: Vec::new(),
        }
    }

    /// True when the request did what it was asked (stored the rows, or found a valid file).
    pub fn accepted(&self) -> bool {
        self.outcome != ImportOutcome::Rejected
    }
}

fn problem(row: Option<u64>, field: Option<&str>, message: impl Into<String>) -> ImportProblem {
    ImportProblem {
        row,
        field: field.map(str::to_owned),
        message: message.into(),
    }
}

// ---- reading the file -----------------------------------------------------------------------

/// The encodings Swedish exports come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TextEncoding {
    Utf8,
    Windows1252,
}

impl TextEncoding {
    fn code(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

/// The line (1-based) that the byte at `at` is on.
fn line_at(bytes: &[u8], at: usize) -> usize {
    bytes
        .get(..at)
        .unwrap_or(bytes)
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Whether the bytes hold at least one well-formed multi-byte UTF-8 character. Windows-1252
/// text almost never does (it would have to contain pairs such as `Ã¥`), so a file that does
/// but is not valid UTF-8 throughout is a file that mixes the two.
fn has_utf8_character(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().any(|(i, b)| {
        let width = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => return false,
        };
        bytes
            .get(i..i + width)
            .is_some_and(|s| std::str::from_utf8(s).is_ok())
    })
}

const RESAVE: &str = "save it again as \"CSV UTF-8\" (or as CSV in Windows-1252) and send it again";

/// Text from the file's bytes: valid UTF-8 as it is, otherwise Windows-1252; or why neither.
fn decode(bytes: &[u8], declared: Option<&str>) -> Result<(String, TextEncoding), ImportProblem> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(problem(
            None,
            None,
            format!("the file is UTF-16 text; {RESAVE}"),
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = match declared.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Some(TextEncoding::Utf8),
            Some(e) if e == encoding_rs::WINDOWS_1252 => Some(TextEncoding::Windows1252),
            _ => {
                return Err(problem(
                    None,
                    None,
                    "the declared charset is not supported: send UTF-8 or Windows-1252",
                ));
            }
        },
    };
    let utf8 = std::str::from_utf8(bytes);
    let (text, encoding) = match (declared, utf8) {
        (Some(TextEncoding::Utf8) | None, Ok(s)) => (s.to_owned(), TextEncoding::Utf8),
        (Some(TextEncoding::Utf8), Err(e)) => {
            return Err(problem(
                None,
                None,
                format!(
                    "line {} is not valid UTF-8, though the request says the file is; {RESAVE}",
                    line_at(bytes, e.valid_up_to())
                ),
            ));
        }
        (None, Err(e)) if has_utf8_character(bytes) => {
            return Err(problem(
                None,
                None,
                format!(
                    "line {} is not valid UTF-8, though other lines are: the file mixes \
                     encodings; {RESAVE}",
                    line_at(bytes, e.valid_up_to())
                ),
            ));
        }
        (Some(TextEncoding::Windows1252) | None, _) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), TextEncoding::Windows1252)
        }
    };
    // Windows-1252 gives every byte a character, so what is not text shows up as control
    // characters (NUL of UTF-16, the five bytes 1252 leaves undefined, binary files).
    if let Some((at, c)) = text
        .char_indices()
        .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(problem(
            None,
            None,
            format!(
                "line {} contains a control character (U+{:04X}): the file is not UTF-8 or \
                 Windows-1252 text; {RESAVE}",
                line_at(text.as_bytes(), at),
                u32::from(c)
            ),
        ));
    }
    Ok((text, encoding))
}

/// The delimiter the header uses: the most frequent of `;`, `,` and tab outside quotes (`;`
/// wins a tie, then `,`).
fn detect_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b';', 0usize), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if b == *d {
                    *n += 1;
                }
            }
        }
    }
    counts
        .iter()
        .fold(
            (b',', 0),
            |best, &(d, n)| if n > best.1 { (d, n) } else { best },
        )
        .0
}

/// A data row of the file.
struct Row {
    /// As a spreadsheet numbers it.
    line: u64,
    record: csv::StringRecord,
    /// False when the row's shape is wrong (already reported).
    readable: bool,
}

/// The file as columns and rows.
struct Table {
    /// Column name → position in the row.
    index: HashMap<&'static str, usize>,
    rows: Vec<Row>,
}

impl Table {
    fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
        self.index
            .get(column)
            .and_then(|i| row.record.get(*i))
            .map_or("", str::trim)
    }
}

/// Reads header and rows; `None` (with the problems reported) when the file as a whole is bad.
fn read_table(text: &str, spec: &[Column], report: &mut ImportReport) -> Option<Table> {
    let delimiter = detect_delimiter(text);
    report.delimiter = Some(char::from(delimiter).to_string());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            report.problems.push(problem(
                None,
                None,
                "the file is empty: its first row must name the columns",
            ));
            return None;
        }
        Some(Err(e)) => {
            report.problems.push(problem(
                None,
                None,
                format!("the header cannot be read as CSV: {e}"),
            ));
            return None;
        }
        Some(Ok(h)) => h,
    };
    // Rows are numbered by the line they start on, as an editor and a spreadsheet show them
    // (the reader's own count skips blank lines).
    let newlines: Vec<usize> = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let line_of = |p: Option<&csv::Position>| -> u64 {
        let mut at = p.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        // A position can point at blank lines the reader skipped before the record.
        while text
            .as_bytes()
            .get(at)
            .is_some_and(|b| matches!(b, b'\r' | b'\n'))
        {
            at += 1;
        }
        newlines.partition_point(|nl| *nl < at) as u64 + 1
    };
    let header_line = line_of(header.position());
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let mut unnamed = Vec::new();
    let mut unknown = Vec::new();
    let mut bad = false;
    for (i, cell) in header.iter().enumerate() {
        let name = cell.trim().to_lowercase();
        if name.is_empty() {
            unnamed.push(i);
            continue;
        }
        match spec.iter().find(|c| c.name == name) {
            Some(c) => {
                if let Some(first) = index.insert(c.name, i) {
                    bad = true;
                    report.problems.push(problem(
                        Some(header_line),
                        Some(c.name),
                        format!(
                            "the column appears twice (columns {} and {})",
                            first + 1,
                            i + 1
                        ),
                    ));
                }
            }
            None => unknown.push(cell.trim().to_owned()),
        }
    }
    if !unknown.is_empty() {
        bad = true;
        let known: Vec<&str> = spec.iter().map(|c| c.name).collect();
        for name in &unknown {
            report.problems.push(problem(
                Some(header_line),
                Some(name),
                format!("unknown column; the columns are: {}", known.join(", ")),
            ));
        }
    }
    for c in spec.iter().filter(|c| c.required) {
        if !index.contains_key(c.name) {
            bad = true;
            report.problems.push(problem(
                Some(header_line),
                Some(c.name),
                format!("the required column is missing ({})", c.help),
            ));
        }
    }
    if bad {
        return None;
    }
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                report.problems.push(problem(
                    Some(line_of(e.position())),
                    None,
                    format!("the row cannot be read as CSV: {e}"),
                ));
                report.rows_total += 1;
                continue;
            }
        };
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let line = line_of(record.position());
        let mut readable = true;
        if record.len() != header.len() {
            readable = false;
            report.problems.push(problem(
                Some(line),
                None,
                format!(
                    "the row has {} values but the header has {} columns: check the delimiters \
                     and quotes",
                    record.len(),
                    header.len()
                ),
            ));
        } else if let Some(i) = unnamed
            .iter()
            .find(|i| record.get(**i).is_some_and(|v| !v.trim().is_empty()))
        {
            readable = false;
            report.problems.push(problem(
                Some(line),
                None,
                format!("column {} has a value but no name in the header", i + 1),
            ));
        }
        rows.push(Row {
            line,
            record,
            readable,
        });
    }
    report.rows_total = report.rows_total.saturating_add(rows.len() as u64);
    if rows.is_empty() && report.problems.is_empty() {
        report.problems.push(problem(
            None,
            None,
            "the file has no rows to import below its header",
        ));
        return None;
    }
    Some(Table { index, rows })
}

/// Decodes and reads the file, recording how in the report.
fn read_file(
    file: &[u8],
    charset: Option<&str>,
    spec: &[Column],
    report: &mut ImportReport,
) -> Option<Table> {
    match decode(file, charset) {
        Ok((text, encoding)) => {
            report.encoding = Some(encoding.code().to_owned());
            read_table(&text, spec, report)
        }
        Err(p) => {
            report.problems.push(p);
            None
        }
    }
}

/// The value of an optional code column (`None` when empty).
fn code_of<T: Copy>(
    table: &Table,
    row: &Row,
    column: &'static str,
    all: &[T],
    code: fn(T) -> &'static str,
) -> Result<Option<T>, ImportProblem> {
    let v = table.get(row, column);
    if v.is_empty() {
        return Ok(None);
    }
    let v = v.to_lowercase();
    all.iter()
        .copied()
        .find(|k| code(*k) == v)
        .map(Some)
        .ok_or_else(|| {
            let codes: Vec<&str> = all.iter().map(|k| code(*k)).collect();
            problem(
                Some(row.line),
                Some(column),
                format!("must be one of: {}", codes.join(", ")),
            )
        })
}

fn some_text(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

/// A problem from a validation error, with the column it concerns (`column` maps the field
/// names of the validation to the file's).
fn from_error(row: &Row, e: ServiceError, column: impl Fn(&str) -> String) -> ImportProblem {
    match e {
        ServiceError::Invalid { field, reason } => {
            problem(Some(row.line), Some(&column(&field)), reason.to_string())
        }
        other => problem(Some(row.line), None, other.to_string()),
    }
}

/// Lists rows for a message: `2, 7 and 9` (the first few).
fn rows_list(rows: &[u64]) -> String {
    let shown: Vec<String> = rows.iter().take(5).map(u64::to_string).collect();
    match (shown.split_last(), rows.len()) {
        (Some((last, rest)), n) if n <= 5 && !rest.is_empty() => {
            format!("{} and {last}", rest.join(", "))
        }
        (Some(_), n) if n > 5 => format!("{} and {} more", shown.join(", "), n - 5),
        _ => shown.join(", "),
    }
}

/// Marks every row that shares a key with another row.
fn report_duplicates(
    keys: &[(u64, Option<String>)],
    field: &'static str,
    what: &str,
    problems: &mut Vec<ImportProblem>,
) -> HashSet<u64> {
    let mut by_key: HashMap<&str, Vec<u64>> = HashMap::new();
    for (line, key) in keys {
        if let Some(k) = key {
            by_key.entry(k.as_str()).or_default().push(*line);
        }
    }
    let mut dup = HashSet::new();
    for lines in by_key.values().filter(|l| l.len() > 1) {
        for line in lines {
            let others: Vec<u64> = lines.iter().copied().filter(|l| l != line).collect();
            problems.push(problem(
                Some(*line),
                Some(field),
                format!(
                    "the same {what} is also on row {}: keep one row for each",
                    rows_list(&others)
                ),
            ));
            dup.insert(*line);
        }
    }
    dup
}

// ---- the directory, loaded once -----------------------------------------------------------------

/// Organisations and units by id and by name, so that rows name them without a query each.
struct Directory {
    orgs: HashMap<OrganisationId, Organisation>,
    org_names: HashMap<String, OrganisationId>,
    units: HashMap<UnitId, Unit>,
    unit_names: HashMap<(OrganisationId, String), UnitId>,
}

impl Directory {
    async fn load(tx: &mut dyn ReadTx) -> ServiceResult<Self> {
        let orgs = tx.list_organisations().await?;
        let units = tx.list_units().await?;
        Ok(Self {
            org_names: orgs.iter().map(|o| (search_key(&o.name), o.id)).collect(),
            orgs: orgs.into_iter().map(|o| (o.id, o)).collect(),
            unit_names: units
                .iter()
                .map(|u| ((u.organisation_id, search_key(&u.name)), u.id))
                .collect(),
            units: units.into_iter().map(|u| (u.id, u)).collect(),
        })
    }

    /// The provider and unit a row names (by id or name), or why they cannot be found.
    fn placement(
        &self,
        table: &Table,
        row: &Row,
    ) -> Result<(Option<OrganisationId>, Option<UnitId>), ImportProblem> {
        let p = table.get(row, "provider");
        let u = table.get(row, "unit");
        let mut provider = None;
        if !p.is_empty() {
            provider = Some(match Uuid::parse_str(p) {
                Ok(id) => OrganisationId(id),
                Err(_) => *self.org_names.get(&search_key(p)).ok_or_else(|| {
                    problem(
                        Some(row.line),
                        Some("provider"),
                        "no organisation has this name",
                    )
                })?,
            });
        }
        let mut unit = None;
        if !u.is_empty() {
            unit = Some(match Uuid::parse_str(u) {
                Ok(id) => {
                    let id = UnitId(id);
                    if provider.is_none() {
                        provider = self.units.get(&id).map(|u| u.organisation_id);
                    }
                    id
                }
                Err(_) => {
                    let Some(p) = provider else {
                        return Err(problem(
                            Some(row.line),
                            Some("unit"),
                            "a unit is named within its provider: fill in the provider column too",
                        ));
                    };
                    *self.unit_names.get(&(p, search_key(u))).ok_or_else(|| {
                        problem(
                            Some(row.line),
                            Some("unit"),
                            "the provider has no unit with this name",
                        )
                    })?
                }
            });
        }
        Ok((provider, unit))
    }
}

// ---- rows ---------------------------------------------------------------------------------

const IDENTITY_KINDS: [IdentityKind; 3] = [
    IdentityKind::Personnummer,
    IdentityKind::Samordningsnummer,
    IdentityKind::Reserve,
];

/// The stored form of an identity as a row gives it, for finding duplicates (even in rows
/// that are bad for another reason).
fn identity_key(
    kind: Option<IdentityKind>,
    text: &str,
    today: jiff::civil::Date,
) -> Option<String> {
    match kind.unwrap_or(IdentityKind::Personnummer) {
        IdentityKind::Reserve => ReserveId::parse(text).ok().map(|r| r.as_str().to_owned()),
        _ => ClientIdentity::parse_official(text, today)
            .ok()
            .map(|i| i.as_str().to_owned()),
    }
}

/// A client identity as a device row names it: an official number, else a reserve id.
fn any_identity(text: &str, today: jiff::civil::Date) -> Option<String> {
    ClientIdentity::parse_official(text, today)
        .map(|i| i.as_str().to_owned())
        .ok()
        .or_else(|| ReserveId::parse(text).ok().map(|r| r.as_str().to_owned()))
}

/// The file's name for a field of the client validation.
fn client_column(field: &str) -> String {
    match field {
        "street" => "address_street",
        "postcode" => "address_postcode",
        "city" => "address_city",
        "provider_id" => "provider",
        "unit_id" => "unit",
        other => other,
    }
    .to_owned()
}

/// The file's name for a field of a contact's validation.
fn contact_column(n: u8, field: &str) -> String {
    let part = match field {
        "contact name" => "name",
        "relation" => "relation",
        "contact phone" => "phone",
        "note" => "note",
        other => other,
    };
    format!("contact{n}_{part}")
}

/// A client row as typed input, or its first problem.
fn client_input(table: &Table, row: &Row, dir: &Directory) -> Result<ClientInput, ImportProblem> {
    let identity_kind = code_of(
        table,
        row,
        "identity_kind",
        &IDENTITY_KINDS,
        IdentityKind::code,
    )?;
    let (provider_id, unit_id) = dir.placement(table, row)?;
    let mut contacts = Vec::new();
    for n in 1..=CONTACTS {
        let part = |p: &str| table.get(row, &format!("contact{n}_{p}")).to_owned();
        let c = ContactInput {
            name: part("name"),
            relation: part("relation"),
            phone: part("phone"),
            priority: n,
            note: some_text(&part("note")),
        };
        if c.name.is_empty() && c.relation.is_empty() && c.phone.is_empty() && c.note.is_none() {
            continue;
        }
        // The same rule as the client's; checked here to name the contact's columns.
        Contact::parse(&c.name, &c.relation, &c.phone, n, c.note.as_deref())
            .map_err(|e| from_error(row, e.into(), |f| contact_column(n, f)))?;
        contacts.push(c);
    }
    Ok(ClientInput {
        identity_kind,
        identity: table.get(row, "identity").to_owned(),
        name: table.get(row, "name").to_owned(),
        address_street: some_text(table.get(row, "address_street")),
        address_postcode: some_text(table.get(row, "address_postcode")),
        address_city: some_text(table.get(row, "address_city")),
        phone: some_text(table.get(row, "phone")),
        provider_id,
        unit_id,
        protection: code_of(table, row, "protection", &Protection::ALL, Protection::code)?,
        area_type: code_of(table, row, "area_type", &AreaType::ALL, AreaType::code)?,
        key_access: code_of(table, row, "key_access", &KeyAccess::ALL, KeyAccess::code)?,
        key_note: some_text(table.get(row, "key_note")),
        contacts,
    })
}

/// A device row as typed input, or its first problem.
fn device_input(table: &Table, row: &Row) -> Result<DeviceInput, ImportProblem> {
    let kind = code_of(table, row, "kind", DeviceKind::ALL, DeviceKind::code)?
        .ok_or_else(|| problem(Some(row.line), Some("kind"), "is required"))?;
    Ok(DeviceInput {
        kind,
        serial: table.get(row, "serial").to_owned(),
        model: table.get(row, "model").to_owned(),
        firmware: some_text(table.get(row, "firmware")),
        dc09_account: some_text(table.get(row, "dc09_account")),
        dc09_key: some_text(table.get(row, "dc09_key")),
        dc09_key_style: code_of(
            table,
            row,
            "dc09_key_style",
            &[Dc09KeyStyle::Ascii, Dc09KeyStyle::Hex],
            Dc09KeyStyle::code,
        )?,
    })
}

// ---- the use cases --------------------------------------------------------------------------

/// The outcome for what was found, and how many rows to store.
fn settle(report: &mut ImportReport, valid: u64) -> u64 {
    report.rows_valid = valid;
    let clean = report.problems.is_empty() && valid > 0;
    let (outcome, store) = match report.mode {
        ImportMode::Validate if clean => (ImportOutcome::Valid, 0),
        ImportMode::All if clean => (ImportOutcome::Imported, valid),
        ImportMode::OnlyValid if clean => (ImportOutcome::Imported, valid),
        ImportMode::OnlyValid if valid > 0 => (ImportOutcome::PartlyImported, valid),
        _ => (ImportOutcome::Rejected, 0),
    };
    report.outcome = outcome;
    report.rows_imported = store;
    store
}

/// Sorts the problems into the order of the file (whole-file problems first).
fn sort_problems(report: &mut ImportReport) {
    report.problems.sort_by_key(|p| p.row.unwrap_or(0));
}

impl Services {
    /// The `import` entry of one attempt.
    fn import_entry(
        &self,
        ctx: &Ctx<'_>,
        grant: &Assignment,
        report: &ImportReport,
        denied_rows: bool,
    ) -> NewAuditEntry {
        let outcome = match (report.accepted(), denied_rows) {
            (true, _) => Outcome::Success,
            (false, true) => Outcome::Denied,
            (false, false) => Outcome::Failure,
        };
        let details = serde_json::json!({
            "kind": report.kind.code(),
            "mode": report.mode.code(),
            "encoding": report.encoding,
            "rows": report.rows_total,
            "valid": report.rows_valid,
            "imported": report.rows_imported,
            "problems": report.problems.len(),
        });
        ctx.entry(
            self.now(),
            AuditAction::DataImported,
            outcome,
            Some(grant),
            REGISTRY,
        )
        .subject("import", report.import_id)
        .details(details.to_string())
    }

    /// Ends an import that stores nothing: its entry in a transaction of its own.
    async fn import_unstored(
        &self,
        ctx: &Ctx<'_>,
        grant: &Assignment,
        mut report: ImportReport,
        denied_rows: bool,
    ) -> ServiceResult<ImportReport> {
        sort_problems(&mut report);
        self.audit_alone(self.import_entry(ctx, grant, &report, denied_rows))
            .await?;
        tracing::info!(
            kind = report.kind.code(),
            mode = report.mode.code(),
            rows = report.rows_total,
            problems = report.problems.len(),
            "import stored nothing"
        );
        Ok(report)
    }

    /// Imports clients from a CSV file (see the module documentation). Needs `ImportData`, and
    /// `ClientWrite` over each row's provider and unit: rows outside the caller's reach are bad
    /// rows. Returns the report; `Forbidden` only when the caller may not import at all.
    pub async fn import_clients(
        &self,
        ctx: &Ctx<'_>,
        file: &[u8],
        charset: Option<&str>,
        mode: ImportMode,
    ) -> ServiceResult<ImportReport> {
        self.audited(async {
            let Some(gate) = ctx.principal.any_grant(Permission::ImportData) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DataImported,
                        None,
                        "your roles do not allow importing data",
                    )
                    .await);
            };
            let now = vaka_store::values::to_db_precision(self.now());
            let today = self.today();
            let mut report = ImportReport::new(ImportKind::Clients, mode);
            let Some(table) = read_file(file, charset, CLIENT_COLUMNS, &mut report) else {
                return self.import_unstored(ctx, gate, report, false).await;
            };

            // Check every row against the directory as it is now (organisations and units are
            // never deleted, so it stays valid for the transaction below).
            let dir = {
                let mut tx = self.read().await?;
                Directory::load(&mut *tx).await?
            };
            let mut denied_rows = false;
            let mut keys = Vec::with_capacity(table.rows.len());
            let mut good: Vec<(u64, Client, &Assignment)> = Vec::with_capacity(table.rows.len());
            for row in table.rows.iter().filter(|r| r.readable) {
                let checked = client_input(&table, row, &dir).and_then(|input| {
                    keys.push((
                        row.line,
                        identity_key(input.identity_kind, &input.identity, today),
                    ));
                    let client = build_client(
                        &input,
                        ClientId::new(),
                        now,
                        today,
                        input.provider_id.and_then(|p| dir.orgs.get(&p)),
                        input.unit_id.and_then(|u| dir.units.get(&u)),
                    )
                    .map_err(|e| from_error(row, e, client_column))?;
                    let grant = ctx
                        .principal
                        .client_grant_for(
                            Permission::ClientWrite,
                            client.provider_id,
                            client.unit_id,
                        )
                        .ok_or_else(|| {
                            denied_rows = true;
                            problem(
                                Some(row.line),
                                Some(if client.unit_id.is_some() {
                                    "unit"
                                } else {
                                    "provider"
                                }),
                                "outside your need-to-know: your roles do not allow registering \
                                 clients here",
                            )
                        })?;
                    Ok((client, grant))
                });
                match checked {
                    Ok((client, grant)) => good.push((row.line, client, grant)),
                    Err(p) => report.problems.push(p),
                }
            }
            let dup = report_duplicates(&keys, "identity", "identity number", &mut report.problems);
            good.retain(|(line, _, _)| !dup.contains(line));

            // One transaction from here: the check against registered clients and the writes.
            // Transitional: validation takes the write transaction too (see crate::legacy).
            let mut tx = self.write().await?;
            let identities: Vec<String> = good
                .iter()
                .map(|(_, c, _)| c.identity.as_str().to_owned())
                .collect();
            let existing: HashSet<String> = tx
                .existing_identities(&identities)
                .await?
                .into_iter()
                .collect();
            good.retain(|(line, c, _)| {
                let known = existing.contains(c.identity.as_str());
                if known {
                    report.problems.push(problem(
                        Some(*line),
                        Some("identity"),
                        "a client with this identity number is already registered",
                    ));
                }
                !known
            });
            if settle(&mut report, good.len() as u64) == 0 {
                drop(tx);
                return self.import_unstored(ctx, gate, report, denied_rows).await;
            }
            sort_problems(&mut report);
            let details = serde_json::json!({ "import": report.import_id }).to_string();
            let (clients, grants): (Vec<Client>, Vec<&Assignment>) =
                good.into_iter().map(|(_, c, g)| (c, g)).unzip();
            tx.insert_clients(&clients).await?;
            let mut entries: Vec<NewAuditEntry> = clients
                .iter()
                .zip(grants)
                .map(|(c, grant)| {
                    self.client_entry(
                        ctx,
                        AuditAction::ClientCreated,
                        Outcome::Success,
                        Some(grant),
                        c,
                    )
                    .details(details.clone())
                })
                .collect();
            entries.push(self.import_entry(ctx, gate, &report, denied_rows));
            tx.append_audit_batch(&entries).await?;
            tx.commit().await?;
            tracing::info!(
                kind = "clients",
                mode = mode.code(),
                rows = report.rows_total,
                imported = report.rows_imported,
                "import stored"
            );
            Ok(report)
        })
        .await
    }

    /// Imports devices from a CSV file (see the module documentation): in stock, or assigned to
    /// the client a row names. Needs `ImportData` and the municipal administrators' right to
    /// manage devices.
    pub async fn import_devices(
        &self,
        ctx: &Ctx<'_>,
        file: &[u8],
        charset: Option<&str>,
        mode: ImportMode,
    ) -> ServiceResult<ImportReport> {
        self.audited(async {
            let (Some(gate), Some(grant)) = (
                ctx.principal.any_grant(Permission::ImportData),
                self.device_grant(ctx),
            ) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DataImported,
                        None,
                        "only municipal administrators import devices",
                    )
                    .await);
            };
            let now = vaka_store::values::to_db_precision(self.now());
            let today = self.today();
            let mut report = ImportReport::new(ImportKind::Devices, mode);
            let Some(table) = read_file(file, charset, DEVICE_COLUMNS, &mut report) else {
                return self.import_unstored(ctx, gate, report, false).await;
            };

            let mut serials = Vec::new();
            let mut accounts = Vec::new();
            // (row, device, the identity of its client)
            let mut good: Vec<(u64, Device, Option<String>)> = Vec::new();
            for row in table.rows.iter().filter(|r| r.readable) {
                let checked = device_input(&table, row).and_then(|input| {
                    let serial = input.serial.trim();
                    serials.push((
                        row.line,
                        (!serial.is_empty()).then(|| format!("{}\u{0}{serial}", input.kind.code())),
                    ));
                    let device =
                        new_device(&input, now).map_err(|e| from_error(row, e, str::to_owned))?;
                    accounts.push((row.line, device.dc09_account.clone()));
                    let client = table.get(row, "client_identity");
                    let client = if client.is_empty() {
                        None
                    } else {
                        Some(any_identity(client, today).ok_or_else(|| {
                            problem(
                                Some(row.line),
                                Some("client_identity"),
                                "is not a personnummer, samordningsnummer or reserve id",
                            )
                        })?)
                    };
                    Ok((device, client))
                });
                match checked {
                    Ok((device, client)) => good.push((row.line, device, client)),
                    Err(p) => report.problems.push(p),
                }
            }
            let mut dup = report_duplicates(
                &serials,
                "serial",
                "kind and serial number",
                &mut report.problems,
            );
            dup.extend(report_duplicates(
                &accounts,
                "dc09_account",
                "DC-09 account",
                &mut report.problems,
            ));
            good.retain(|(line, _, _)| !dup.contains(line));

            // Transitional: validation takes the write transaction too (see crate::legacy).
            let mut tx = self.write().await?;
            let wanted: Vec<String> = good.iter().map(|(_, d, _)| d.serial.clone()).collect();
            let taken: HashSet<(String, String)> = tx
                .existing_device_serials(&wanted)
                .await?
                .into_iter()
                .collect();
            let wanted: Vec<String> = good
                .iter()
                .filter_map(|(_, d, _)| d.dc09_account.clone())
                .collect();
            let taken_accounts: HashSet<String> = tx
                .existing_dc09_accounts(&wanted)
                .await?
                .into_iter()
                .collect();
            let mut clients: HashMap<String, Option<ClientId>> = HashMap::new();
            let mut kept = Vec::with_capacity(good.len());
            for (line, mut d, client) in good {
                let mut ok = true;
                if taken.contains(&(d.kind.code().to_owned(), d.serial.clone())) {
                    ok = false;
                    report.problems.push(problem(
                        Some(line),
                        Some("serial"),
                        "a device of this kind with this serial number is already registered",
                    ));
                }
                if d.dc09_account
                    .as_ref()
                    .is_some_and(|a| taken_accounts.contains(a))
                {
                    ok = false;
                    report.problems.push(problem(
                        Some(line),
                        Some("dc09_account"),
                        "another device already has this DC-09 account",
                    ));
                }
                if let Some(identity) = client {
                    let id = match clients.get(&identity) {
                        Some(id) => *id,
                        None => {
                            let id = tx.find_client_by_identity(&identity).await?;
                            clients.insert(identity, id);
                            id
                        }
                    };
                    match id {
                        Some(id) => {
                            d.client_id = Some(id);
                            d.status = DeviceStatus::Assigned;
                        }
                        None => {
                            ok = false;
                            report.problems.push(problem(
                                Some(line),
                                Some("client_identity"),
                                "no client has this identity number",
                            ));
                        }
                    }
                }
                if ok {
                    kept.push(d);
                }
            }
            if settle(&mut report, kept.len() as u64) == 0 {
                drop(tx);
                return self.import_unstored(ctx, gate, report, false).await;
            }
            sort_problems(&mut report);
            tx.insert_devices(&kept).await?;
            let details = serde_json::json!({ "import": report.import_id }).to_string();
            let mut entries = Vec::with_capacity(kept.len() + 1);
            for d in &kept {
                if let Some(client) = d.client_id {
                    tx.insert_device_event(&DeviceEvent {
                        id: DeviceEventId::new(),
                        device_id: d.id,
                        step: DeviceStep::Assign,
                        from: DeviceStatus::InStock,
                        to: DeviceStatus::Assigned,
                        client_id: Some(client),
                        at: now,
                        by_user: Some(ctx.principal.user_id),
                        note: Some("imported".into()),
                    })
                    .await?;
                }
                let mut e = ctx
                    .entry(
                        now,
                        AuditAction::DeviceRegistered,
                        Outcome::Success,
                        Some(&grant),
                        "devices",
                    )
                    .subject("device", d.id)
                    .details(details.clone());
                e.client_id = d.client_id;
                entries.push(e);
            }
            entries.push(self.import_entry(ctx, gate, &report, false));
            tx.append_audit_batch(&entries).await?;
            tx.commit().await?;
            tracing::info!(
                kind = "devices",
                mode = mode.code(),
                rows = report.rows_total,
                imported = report.rows_imported,
                "import stored"
            );
            Ok(report)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str, spec: &[Column]) -> (Option<Table>, ImportReport) {
        let mut report = ImportReport::new(ImportKind::Clients, ImportMode::Validate);
        let t = read_file(text.as_bytes(), None, spec, &mut report);
        (t, report)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let (t, e) = decode("namn;ort\nÅsa;Västerås\n".as_bytes(), None).unwrap();
        assert_eq!(e, TextEncoding::Utf8);
        assert!(t.contains("Västerås"));
        let (t, _) = decode(b"\xEF\xBB\xBFidentity;name\n", None).unwrap();
        assert!(t.starts_with("identity"), "the byte-order mark is dropped");
    }

    #[test]
    fn windows_1252_is_decoded() {
        // "Åsa Öberg;Mälarvägen" in Windows-1252.
        let bytes = b"\xC5sa \xD6berg;M\xE4larv\xE4gen\n";
        let (t, e) = decode(bytes, None).unwrap();
        assert_eq!(e, TextEncoding::Windows1252);
        assert_eq!(t, "Åsa Öberg;Mälarvägen\n");
        let (t, e) = decode(bytes, Some("ISO-8859-1")).unwrap();
        assert_eq!(
            (t.as_str(), e),
            ("Åsa Öberg;Mälarvägen\n", TextEncoding::Windows1252)
        );
    }

    #[test]
    fn bytes_that_are_neither_are_refused_with_their_line() {
        let mixed = "a;b\nÅsa;x\n"
            .as_bytes()
            .iter()
            .copied()
            .chain(*b"\xC5sa;y\n")
            .collect::<Vec<_>>();
        let e = decode(&mixed, None).unwrap_err();
        assert!(
            e.message.contains("line 3") && e.message.contains("mixes"),
            "{}",
            e.message
        );
        let e = decode(b"a;b\n\x00\x01;x\n", None).unwrap_err();
        assert!(
            e.message.contains("line 2") && e.message.contains("control"),
            "{}",
            e.message
        );
        let e = decode(b"\xFF\xFEa\x00", None).unwrap_err();
        assert!(e.message.contains("UTF-16"), "{}", e.message);
        // 0x81 is undefined in Windows-1252.
        assert!(decode(b"a;b\nx\x81;y\n", None).is_err());
        assert!(
            decode(b"a\n\xC5", Some("utf-8"))
                .unwrap_err()
                .message
                .contains("line 2")
        );
        assert!(decode(b"a\n", Some("shift_jis")).is_err());
    }

    #[test]
    fn delimiter_comes_from_the_header() {
        assert_eq!(detect_delimiter("a;b;c\n1,5;2;3"), b';');
        assert_eq!(detect_delimiter("a,b,c\n1;2"), b',');
        assert_eq!(detect_delimiter("a\tb\n"), b'\t');
        assert_eq!(
            detect_delimiter("\"x;y\",b,c\n"),
            b',',
            "quoted delimiters do not count"
        );
        assert_eq!(detect_delimiter("single\n"), b',');
    }

    #[test]
    fn the_header_names_known_columns_once() {
        let (t, r) = table("Identity ; NAME\n19121212-1212;Tolvan\n", CLIENT_COLUMNS);
        let t = t.unwrap();
        assert!(r.problems.is_empty());
        assert_eq!(t.get(&t.rows[0], "name"), "Tolvan");
        assert_eq!(
            t.get(&t.rows[0], "phone"),
            "",
            "an optional column may be left out"
        );

        let (t, r) = table("identity;phone\n1;2\n", CLIENT_COLUMNS);
        assert!(t.is_none());
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].field.as_deref(), Some("name"));
        assert_eq!(r.problems[0].row, Some(1));
        assert!(r.problems[0].message.contains("required column is missing"));

        let (t, r) = table("identity;name;adress;name\n", CLIENT_COLUMNS);
        assert!(t.is_none());
        let fields: Vec<_> = r
            .problems
            .iter()
            .filter_map(|p| p.field.as_deref())
            .collect();
        assert_eq!(fields, ["name", "adress"]);
    }

    #[test]
    fn rows_of_the_wrong_shape_are_named_and_empty_rows_skipped() {
        let (t, r) = table("identity;name;\n1;a;\n;;\n\n2;b\n3;c;x\n", CLIENT_COLUMNS);
        let t = t.unwrap();
        assert_eq!(r.rows_total, 3);
        let readable: Vec<u64> = t
            .rows
            .iter()
            .filter(|r| r.readable)
            .map(|r| r.line)
            .collect();
        assert_eq!(readable, [2]);
        let rows: Vec<_> = r.problems.iter().map(|p| p.row).collect();
        assert_eq!(rows, [Some(5), Some(6)]);
    }

    #[test]
    fn an_empty_file_or_one_without_rows_says_so() {
        let (t, r) = table("", CLIENT_COLUMNS);
        assert!(t.is_none() && r.problems[0].message.contains("empty"));
        let (t, r) = table("identity;name\n", CLIENT_COLUMNS);
        assert!(t.is_none() && r.problems[0].message.contains("no rows"));
    }

    #[test]
    fn duplicates_name_each_other() {
        let mut problems = Vec::new();
        let keys = vec![
            (2, Some("a".to_owned())),
            (3, Some("b".to_owned())),
            (4, Some("a".to_owned())),
            (5, None),
        ];
        let dup = report_duplicates(&keys, "identity", "identity number", &mut problems);
        assert_eq!(dup, HashSet::from([2, 4]));
        assert!(
            problems
                .iter()
                .any(|p| p.row == Some(2) && p.message.contains("row 4"))
        );
        assert!(
            problems
                .iter()
                .any(|p| p.row == Some(4) && p.message.contains("row 2"))
        );
        assert_eq!(rows_list(&[2, 3, 4]), "2, 3 and 4");
        assert_eq!(
            rows_list(&[1, 2, 3, 4, 5, 6, 7]),
            "1, 2, 3, 4, 5 and 2 more"
        );
    }

    proptest::proptest! {
        #[test]
        fn reading_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            let mut report = ImportReport::new(ImportKind::Devices, ImportMode::All);
            let _ = read_file(&bytes, None, DEVICE_COLUMNS, &mut report);
        }

        #[test]
        fn windows_1252_text_reads_back(s in "[A-Za-z0-9 åäöÅÄÖéü;,\"\n-]{0,80}") {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&s);
            proptest::prop_assert!(!unmappable);
            let (text, _) = decode(&bytes, None).unwrap();
            proptest::prop_assert_eq!(text, s);
        }
    }
}
