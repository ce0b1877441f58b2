//! What an import found and did: its report, its problems, and its entry in the audit log.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;
use vaka_domain::access::Assignment;
use vaka_domain::audit::{NewAuditEntry, Outcome};
use vaka_domain::reason::{ImportReason, Reason};

use super::file::Row;
use super::{ImportKind, ImportMode};
use crate::ServiceError;
use crate::door::Work;

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportProblem {
    /// The row as a spreadsheet numbers it (the header is row 1); absent when the problem is
    /// the file's as a whole.
    pub row: Option<u64>,
    /// The column; absent when the problem is the whole row's or the file's.
    pub field: Option<String>,
    /// What is wrong, for words a person can act on (the web's, in the page's language).
    /// Never repeats the value.
    pub reason: Reason,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Names this import in the audit log (subject `import`).
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
    pub(super) fn new(kind: ImportKind, mode: ImportMode) -> Self {
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

    /// Sets the outcome for what was found; returns how many rows to store.
    pub(super) fn settle(&mut self, valid: usize) -> u64 {
        let valid = valid as u64;
        self.rows_valid = valid;
        let clean = self.problems.is_empty() && valid > 0;
        let (outcome, store) = match self.mode {
            ImportMode::Validate if clean => (ImportOutcome::Valid, 0),
            ImportMode::All if clean => (ImportOutcome::Imported, valid),
            ImportMode::OnlyValid if clean => (ImportOutcome::Imported, valid),
            ImportMode::OnlyValid if valid > 0 => (ImportOutcome::PartlyImported, valid),
            _ => (ImportOutcome::Rejected, 0),
        };
        self.outcome = outcome;
        self.rows_imported = store;
        store
    }

    /// Sorts the problems into the order of the file (whole-file problems first).
    pub(super) fn sort_problems(&mut self) {
        self.problems.sort_by_key(|p| p.row.unwrap_or(0));
    }

    /// The `import` entry of this attempt, the caller acting through `gate`.
    fn entry<'a>(&self, w: &impl Work<'a>, gate: &Assignment, denied_rows: bool) -> NewAuditEntry {
        let outcome = match (self.accepted(), denied_rows) {
            (true, _) => Outcome::Success,
            (false, true) => Outcome::Denied,
            (false, false) => Outcome::Failure,
        };
        let details = serde_json::json!({
            "kind": self.kind.code(),
            "mode": self.mode.code(),
            "encoding": self.encoding,
            "rows": self.rows_total,
            "valid": self.rows_valid,
            "imported": self.rows_imported,
            "problems": self.problems.len(),
        });
        w.entry(outcome, Some(gate))
            .subject("import", self.import_id)
            .details(details.to_string())
    }

    /// Ends an import that stores nothing: records its entry with the unit of work.
    pub(super) fn unstored<'a>(
        mut self,
        w: &mut impl Work<'a>,
        gate: &Assignment,
        denied_rows: bool,
    ) -> Self {
        self.sort_problems();
        let entry = self.entry(w, gate, denied_rows);
        w.record(entry);
        tracing::info!(
            kind = self.kind.code(),
            mode = self.mode.code(),
            rows = self.rows_total,
            problems = self.problems.len(),
            "import stored nothing"
        );
        self
    }

    /// Ends an import that stores rows: records its entry with the change that stores them.
    pub(super) fn stored<'a>(self, w: &mut impl Work<'a>, gate: &Assignment) -> Self {
        let entry = self.entry(w, gate, false);
        w.record(entry);
        tracing::info!(
            kind = self.kind.code(),
            mode = self.mode.code(),
            rows = self.rows_total,
            imported = self.rows_imported,
            "import stored"
        );
        self
    }

    /// What the entries of the stored rows say about the import.
    pub(super) fn row_details(&self) -> String {
        serde_json::json!({ "import": self.import_id }).to_string()
    }
}

pub(super) fn problem(
    row: Option<u64>,
    field: Option<&str>,
    reason: impl Into<Reason>,
) -> ImportProblem {
    ImportProblem {
        row,
        field: field.map(str::to_owned),
        reason: reason.into(),
    }
}

/// A problem from a validation error, with the column it concerns (`column` maps the field
/// names of the validation to the file's).
pub(super) fn from_error(
    row: &Row,
    e: ServiceError,
    column: impl Fn(&str) -> String,
) -> ImportProblem {
    match e {
        ServiceError::Invalid { field, reason } => {
            problem(Some(row.line), Some(&column(&field)), reason)
        }
        ServiceError::Conflict(reason) | ServiceError::Forbidden(reason) => {
            problem(Some(row.line), None, reason)
        }
        _ => problem(Some(row.line), None, ImportReason::RowNotChecked),
    }
}

/// What rows share: the key of a duplicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Duplicate {
    Identity,
    Serial,
    Account,
}

impl Duplicate {
    /// Why a row is a duplicate of the `others` (as a spreadsheet numbers them): the first few
    /// named, then how many more.
    fn reason(self, others: &[u64]) -> ImportReason {
        let shown = &others[..others.len().min(5)];
        let (last, rows) = shown.split_last().map_or((0, &[][..]), |(l, r)| (*l, r));
        let rows = rows
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let (count, more) = (others.len(), others.len() - shown.len());
        match self {
            Duplicate::Identity => ImportReason::DuplicateIdentity {
                count,
                rows,
                last,
                more,
            },
            Duplicate::Serial => ImportReason::DuplicateSerial {
                count,
                rows,
                last,
                more,
            },
            Duplicate::Account => ImportReason::DuplicateAccount {
                count,
                rows,
                last,
                more,
            },
        }
    }
}

/// Marks every row that shares a key with another row.
pub(super) fn report_duplicates(
    keys: &[(u64, Option<String>)],
    field: &'static str,
    what: Duplicate,
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
            problems.push(problem(Some(*line), Some(field), what.reason(&others)));
            dup.insert(*line);
        }
    }
    dup
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_name_each_other() {
        let mut problems = Vec::new();
        let keys = vec![
            (2, Some("a".to_owned())),
            (3, Some("b".to_owned())),
            (4, Some("a".to_owned())),
            (5, None),
        ];
        let dup = report_duplicates(&keys, "identity", Duplicate::Identity, &mut problems);
        assert_eq!(dup, HashSet::from([2, 4]));
        let of_row = |row| {
            problems
                .iter()
                .find(|p| p.row == Some(row))
                .map(|p| p.reason.clone())
        };
        assert_eq!(of_row(2), Some(Duplicate::Identity.reason(&[4]).into()));
        assert_eq!(of_row(4), Some(Duplicate::Identity.reason(&[2]).into()));
    }

    #[test]
    fn a_duplicate_names_the_first_five_rows() {
        let args = |r: ImportReason| {
            r.args()
                .into_iter()
                .map(|(_, v)| v.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(args(Duplicate::Serial.reason(&[4])), ["1", "", "4", "0"]);
        assert_eq!(
            args(Duplicate::Serial.reason(&[2, 3, 4])),
            ["3", "2, 3", "4", "0"]
        );
        assert_eq!(
            args(Duplicate::Account.reason(&[1, 2, 3, 4, 5, 6, 7])),
            ["7", "1, 2, 3, 4", "5", "2"]
        );
    }
}
