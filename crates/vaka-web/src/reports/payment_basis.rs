//! A provider's payment basis as a file: CSV for the economy system (one row per client and
//! task, minutes) and PDF (the lines, the totals and the deviations).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use vaka_service::homecare::payment::PaymentBasis;

use crate::error::ApiError;
use crate::i18n::Tr;
use crate::reports::csv::CsvFile;
use crate::reports::pdf::{self, Line};

/// `YYYY-MM` as the month's first day; this month when empty.
pub fn parse_month(
    raw: Option<&str>,
    today: jiff::civil::Date,
) -> Result<jiff::civil::Date, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today.first_of_month()),
        Some(s) => format!("{s}-01")
            .parse::<jiff::civil::Date>()
            .map_err(|_| ApiError::invalid("month", vaka_domain::reason::InputReason::NotValid)),
    }
}

/// The month as `YYYY-MM`.
pub fn month_text(b: &PaymentBasis) -> String {
    b.month.strftime("%Y-%m").to_string()
}

/// The CSV: one row per client and task (codes, minutes), the rule applied in each row.
pub fn basis_csv(b: &PaymentBasis) -> String {
    let mut w = CsvFile::new(&[
        "month",
        "provider_id",
        "provider",
        "client_id",
        "identity",
        "client",
        "task",
        "granted_minutes",
        "performed_minutes",
        "paid_minutes",
        "rule",
    ]);
    let month = month_text(b);
    for l in &b.lines {
        w.row([
            month.clone(),
            b.provider_id.to_string(),
            b.provider_name.clone(),
            l.line.client_id.to_string(),
            l.identity.clone(),
            l.client_name.clone(),
            l.line
                .task
                .map_or("unspecified", vaka_domain::homecare::CareTask::code)
                .to_owned(),
            l.line.granted_minutes.to_string(),
            l.line.performed_minutes.to_string(),
            l.line.paid_minutes.to_string(),
            b.rule.code().to_owned(),
        ]);
    }
    w.finish()
}

/// Minutes as hours and minutes: `12 h 05 min`.
pub fn hours(minutes: i64) -> String {
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

/// The basis as readable lines (the PDF).
pub fn basis_lines(t: Tr, b: &PaymentBasis) -> Vec<Line> {
    let mut lines = vec![
        Line::Title(format!("{} – {}", t.t("hc-pay-title"), b.provider_name)),
        Line::Text(format!(
            "{}: {} · {}: {}",
            t.t("hc-pay-month"),
            month_text(b),
            t.t("hc-pay-rule"),
            t.code("payment_rule", b.rule.code())
        )),
        Line::Text(format!(
            "{}: {} · {}: {} · {}: {} · {}: {}",
            t.t("hc-pay-visits"),
            b.visits,
            t.t("hc-pay-granted"),
            hours(b.total_granted()),
            t.t("hc-pay-performed"),
            hours(b.total_performed()),
            t.t("hc-pay-paid"),
            hours(b.total_paid())
        )),
        Line::Blank,
    ];
    let mut client = None;
    for l in &b.lines {
        if client != Some(l.line.client_id) {
            client = Some(l.line.client_id);
            lines.push(Line::Heading(format!("{} ({})", l.client_name, l.identity)));
        }
        lines.push(Line::Text(format!(
            "{}: {} {} · {} {} · {} {}",
            l.line.task.map_or_else(
                || t.t("hc-pay-unspecified").into_owned(),
                |k| t.code("care-task", k.code())
            ),
            t.t("hc-pay-granted"),
            l.line.granted_minutes,
            t.t("hc-pay-performed"),
            l.line.performed_minutes,
            t.t("hc-pay-paid"),
            l.line.paid_minutes
        )));
    }
    if b.lines.is_empty() {
        lines.push(Line::Text(t.t("hc-pay-none").into_owned()));
    }
    lines.push(Line::Blank);
    lines.push(Line::Heading(t.t("hc-pay-deviations").into_owned()));
    for d in &b.deviations {
        let mut flags = Vec::new();
        if d.manual {
            flags.push(t.t("hc-flag-manual").into_owned());
        }
        if d.late_sync {
            flags.push(t.t("hc-flag-late").into_owned());
        }
        if d.clock_skew {
            flags.push(t.t("hc-flag-skew").into_owned());
        }
        if d.corrected {
            flags.push(t.t("hc-flag-corrected").into_owned());
        }
        lines.push(Line::Text(format!(
            "{} {} ({}, {} min): {}",
            d.date,
            d.client_name,
            d.worker_name,
            d.minutes,
            flags.join(", ")
        )));
    }
    if b.deviations.is_empty() {
        lines.push(Line::Text(t.t("hc-pay-no_deviations").into_owned()));
    }
    lines
}

/// The basis as a file download (`csv`, or PDF).
pub fn download(b: &PaymentBasis, t: Tr, format: &str) -> Response {
    let base = format!("ersattningsunderlag-{}", month_text(b));
    match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{base}.csv\""),
                ),
            ],
            basis_csv(b),
        )
            .into_response(),
        _ => (
            [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{base}.pdf\""),
                ),
            ],
            pdf::render(&t.t("hc-pay-title"), &basis_lines(t, b)),
        )
            .into_response(),
    }
}
