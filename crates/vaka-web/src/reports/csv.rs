//! The one CSV writer of every export (the audit log, the supervision log): every cell goes
//! through [`cell`], so nothing a user typed (a display name, a username tried at login, a
//! note) can reach a spreadsheet as a formula (OWASP, "CSV injection").

/// A cell as written: one that a spreadsheet would run as a formula (it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, which spreadsheets show as text.
pub fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// A CSV file being written: a header row, then rows, each cell neutralised.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    /// A file with its header row.
    pub fn new(header: &[&str]) -> Self {
        let mut file = Self {
            writer: csv::Writer::from_writer(Vec::new()),
        };
        file.row(header.iter().copied());
        file
    }

    /// Appends a row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        // Writing to memory cannot fail; the fields are counted by the caller's own arrays.
        let _ = self
            .writer
            .write_record(cells.into_iter().map(|c| cell(c.as_ref())));
    }

    /// The file's text.
    pub fn finish(self) -> String {
        let bytes = self.writer.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_text_is_kept() {
        for lead in ['=', '+', '-', '@', '\t', '\r'] {
            let s = format!("{lead}HYPERLINK(\"http://evil.example/\",\"klick\")");
            assert_eq!(cell(&s), format!("'{s}"));
        }
        assert_eq!(cell("Anna Andersson"), "Anna Andersson");
        assert_eq!(cell(""), "");
        assert_eq!(
            cell("a=b"),
            "a=b",
            "only a leading character makes a formula"
        );
    }

    #[test]
    fn every_cell_of_every_row_goes_through_the_rule() {
        let mut f = CsvFile::new(&["name", "note"]);
        f.row(["=1+1", "ok, \"quoted\""]);
        f.row([String::from("@SUM(A1)"), String::from("-2")]);
        let text = f.finish();
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<Vec<String>> = rdr
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(
            rows,
            vec![
                vec!["'=1+1".to_owned(), "ok, \"quoted\"".to_owned()],
                vec!["'@SUM(A1)".to_owned(), "'-2".to_owned()],
            ]
        );
    }
}
