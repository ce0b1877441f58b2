//! Reading an import file: its encoding, its delimiter, the header and the rows.

use std::collections::HashMap;

use strum::{EnumString, IntoStaticStr, VariantArray};
use vaka_domain::reason::{ImportColumn, ImportReason};

use super::Column;
use super::report::{ImportProblem, ImportReport, problem};

/// The encodings Swedish exports come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
pub(super) enum TextEncoding {
    #[strum(serialize = "utf-8")]
    Utf8,
    #[strum(serialize = "windows-1252")]
    Windows1252,
}

impl TextEncoding {
    fn code(self) -> &'static str {
        self.into()
    }
}

/// The line (1-based) that the byte at `at` is on.
#[allow(
    clippy::naive_bytecount,
    reason = "one count per import error; no bytecount dependency"
)]
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

/// Text from the file's bytes: valid UTF-8 as it is, otherwise Windows-1252; or why neither.
pub(super) fn decode(
    bytes: &[u8],
    declared: Option<&str>,
) -> Result<(String, TextEncoding), ImportProblem> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(problem(None, None, ImportReason::Utf16));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let declared = match declared.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(label) => match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(e) if e == encoding_rs::UTF_8 => Some(TextEncoding::Utf8),
            Some(e) if e == encoding_rs::WINDOWS_1252 => Some(TextEncoding::Windows1252),
            _ => {
                return Err(problem(None, None, ImportReason::CharsetNotSupported));
            }
        },
    };
    let utf8 = std::str::from_utf8(bytes);
    let (text, encoding) = match (declared, utf8) {
        (Some(TextEncoding::Utf8) | None, Ok(s)) => (s.to_owned(), TextEncoding::Utf8),
        (Some(TextEncoding::Utf8), Err(e)) => {
            let line = line_at(bytes, e.valid_up_to());
            return Err(problem(
                None,
                None,
                ImportReason::NotUtf8AsDeclared { line },
            ));
        }
        (None, Err(e)) if has_utf8_character(bytes) => {
            let line = line_at(bytes, e.valid_up_to());
            return Err(problem(None, None, ImportReason::MixedEncodings { line }));
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
            ImportReason::ControlCharacter {
                line: line_at(text.as_bytes(), at),
                code: format!("{:04X}", u32::from(c)),
            },
        ));
    }
    Ok((text, encoding))
}

/// The delimiter the header uses: the most frequent of `;`, `,` and tab outside quotes (`;`
/// wins a tie, then `,`).
pub(super) fn detect_delimiter(text: &str) -> u8 {
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
pub(super) struct Row {
    /// As a spreadsheet numbers it.
    pub(super) line: u64,
    record: csv::StringRecord,
    /// False when the row's shape is wrong (already reported).
    pub(super) readable: bool,
}

/// The file as columns and rows.
pub(super) struct Table {
    /// Column name → position in the row.
    index: HashMap<&'static str, usize>,
    pub(super) rows: Vec<Row>,
}

impl Table {
    pub(super) fn get<'r>(&self, row: &'r Row, column: &str) -> &'r str {
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
            report
                .problems
                .push(problem(None, None, ImportReason::Empty));
            return None;
        }
        Some(Err(e)) => {
            report.problems.push(problem(
                None,
                None,
                ImportReason::HeaderNotCsv {
                    error: e.to_string(),
                },
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
                        ImportReason::ColumnTwice {
                            first: first + 1,
                            second: i + 1,
                        },
                    ));
                }
            }
            None => unknown.push(cell.trim().to_owned()),
        }
    }
    if !unknown.is_empty() {
        bad = true;
        let known: Vec<&str> = spec.iter().map(|c| c.name).collect();
        let columns = known.join(", ");
        for name in &unknown {
            report.problems.push(problem(
                Some(header_line),
                Some(name),
                ImportReason::UnknownColumn {
                    columns: columns.clone(),
                },
            ));
        }
    }
    for c in spec.iter().filter(|c| c.required) {
        if !index.contains_key(c.name) {
            bad = true;
            report.problems.push(problem(
                Some(header_line),
                Some(c.name),
                ImportReason::MissingColumn {
                    help: ImportColumn(c.name),
                },
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
                    ImportReason::RowNotCsv {
                        error: e.to_string(),
                    },
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
                ImportReason::RowShape {
                    values: record.len(),
                    columns: header.len(),
                },
            ));
        } else if let Some(i) = unnamed
            .iter()
            .find(|i| record.get(**i).is_some_and(|v| !v.trim().is_empty()))
        {
            readable = false;
            report.problems.push(problem(
                Some(line),
                None,
                ImportReason::UnnamedColumn { column: i + 1 },
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
        report
            .problems
            .push(problem(None, None, ImportReason::NoRows));
        return None;
    }
    Some(Table { index, rows })
}

/// Decodes and reads the file, recording how in the report.
pub(super) fn read_file(
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
pub(super) fn code_of<T: Copy>(
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
                ImportReason::NotOneOf {
                    choices: codes.join(", "),
                },
            )
        })
}

pub(super) fn some_text(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::import::{CLIENT_COLUMNS, DEVICE_COLUMNS, ImportKind, ImportMode};
    use vaka_domain::reason::Reason;

    fn table(text: &str, spec: &[Column]) -> (Option<Table>, ImportReport) {
        let mut report = ImportReport::new(ImportKind::Clients, ImportMode::Validate);
        let t = read_file(text.as_bytes(), None, spec, &mut report);
        (t, report)
    }

    fn refused(bytes: &[u8], declared: Option<&str>) -> Reason {
        decode(bytes, declared).unwrap_err().reason
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
        assert_eq!(
            refused(&mixed, None),
            ImportReason::MixedEncodings { line: 3 }.into()
        );
        assert_eq!(
            refused(b"a;b\n\x00\x01;x\n", None),
            ImportReason::ControlCharacter {
                line: 2,
                code: "0000".into()
            }
            .into()
        );
        assert_eq!(refused(b"\xFF\xFEa\x00", None), ImportReason::Utf16.into());
        // 0x81 is undefined in Windows-1252.
        assert_eq!(
            refused(b"a;b\nx\x81;y\n", None),
            ImportReason::ControlCharacter {
                line: 2,
                code: "0081".into()
            }
            .into()
        );
        assert_eq!(
            refused(b"a\n\xC5", Some("utf-8")),
            ImportReason::NotUtf8AsDeclared { line: 2 }.into()
        );
        assert_eq!(
            refused(b"a\n", Some("shift_jis")),
            ImportReason::CharsetNotSupported.into()
        );
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
        assert_eq!(
            r.problems[0].reason,
            ImportReason::MissingColumn {
                help: ImportColumn("name")
            }
            .into()
        );

        let (t, r) = table("identity;name;adress;name\n", CLIENT_COLUMNS);
        assert!(t.is_none());
        let fields: Vec<_> = r
            .problems
            .iter()
            .filter_map(|p| p.field.as_deref())
            .collect();
        assert_eq!(fields, ["name", "adress"]);
        assert_eq!(
            r.problems[0].reason,
            ImportReason::ColumnTwice {
                first: 2,
                second: 4
            }
            .into()
        );
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
        assert_eq!(
            r.problems[0].reason,
            ImportReason::RowShape {
                values: 2,
                columns: 3
            }
            .into()
        );
        assert_eq!(
            r.problems[1].reason,
            ImportReason::UnnamedColumn { column: 3 }.into()
        );
    }

    #[test]
    fn an_empty_file_or_one_without_rows_says_so() {
        let (t, r) = table("", CLIENT_COLUMNS);
        assert!(t.is_none() && r.problems[0].reason == ImportReason::Empty.into());
        let (t, r) = table("identity;name\n", CLIENT_COLUMNS);
        assert!(t.is_none() && r.problems[0].reason == ImportReason::NoRows.into());
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
