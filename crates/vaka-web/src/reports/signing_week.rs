//! A unit's week of signings as a CSV file: the counts of each day and of the week, then the
//! occasions missed or signed late (codes, local dates and times, instants in UTC).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use vaka_domain::delegation::DayCounts;
use vaka_domain::delegation::prescription::hhmm;
use vaka_service::delegation::report::SigningWeekReport;

use crate::reports::csv::CsvFile;

fn counts(kind: &str, day: &str, c: &DayCounts) -> Vec<String> {
    let t = &c.tally;
    let mut row = vec![kind.to_owned(), day.to_owned()];
    row.extend(
        [
            t.occasions,
            t.in_time,
            t.late,
            t.missed,
            t.pending,
            c.not_given,
            t.deviations,
        ]
        .iter()
        .map(ToString::to_string),
    );
    row.extend(std::iter::repeat_n(String::new(), 10));
    row
}

/// The CSV: a `day` row per day and a `week` row (counts), then a `missed` or `late` row per
/// occasion on the list.
pub fn week_csv(r: &SigningWeekReport) -> String {
    let mut w = CsvFile::new(&[
        "row",
        "date",
        "occasions",
        "in_time",
        "late",
        "missed",
        "pending",
        "not_given",
        "deviations",
        "time",
        "due",
        "client_id",
        "client",
        "task",
        "signer",
        "signed_at",
        "minutes_after_due",
        "outcome",
        "called",
    ]);
    for (day, c) in &r.days {
        w.row(counts("day", &day.to_string(), c));
    }
    w.row(counts("week", &r.week.to_string(), &r.total));
    for l in &r.lines {
        let s = l.signing.as_ref();
        let mut row = vec![l.kind.to_owned(), l.occasion.key.date.to_string()];
        row.extend(std::iter::repeat_n(String::new(), 7));
        row.extend([
            hhmm(l.occasion.key.time),
            l.occasion.due.to_string(),
            l.client_id.to_string(),
            l.client_name.clone(),
            l.task_name.clone(),
            l.signer_name.clone().unwrap_or_default(),
            s.map(|s| s.signed_at.to_string()).unwrap_or_default(),
            l.after_due
                .map(|d| d.as_mins().to_string())
                .unwrap_or_default(),
            s.map(|s| s.outcome.code().to_owned()).unwrap_or_default(),
            l.calls
                .iter()
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
                .join("; "),
        ]);
        w.row(row);
    }
    w.finish()
}

/// The week as a CSV download.
pub fn download(r: &SigningWeekReport) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"signeringar-{}.csv\"", r.week),
            ),
        ],
        week_csv(r),
    )
        .into_response()
}
