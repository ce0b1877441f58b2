//! A client's signing history as a file for the health record: CSV (one row per occasion or
//! as-needed signing) and PDF (the same, readable, with the period's counts).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use vaka_service::delegation::signing::{HistoryLine, SigningHistory};

use crate::i18n::Tr;
use crate::page::local_time;
use crate::reports::csv::CsvFile;
use crate::reports::pdf::{self, Line};

/// The outcome of a line in words: the signed outcome (with its reason), or where an unsigned
/// occasion stands.
pub fn outcome_text(t: Tr, l: &HistoryLine) -> String {
    match &l.signing {
        Some(s) => {
            let mut out = t.code("signing_outcome", s.outcome.code());
            if let Some(r) = s.draft.not_given_reason {
                out = format!("{out} ({})", t.code("not_given_reason", r.code()));
            }
            out
        }
        None => t.code("occasion_state", l.state),
    }
}

/// What a signed line is marked with: late, flagged to the nurse.
pub fn marks(t: Tr, l: &HistoryLine) -> String {
    let mut m = Vec::new();
    if let Some(s) = &l.signing {
        if s.late {
            m.push(t.t("sign-mark-late").into_owned());
        }
        if s.flagged {
            m.push(t.t("sign-mark-flagged").into_owned());
        }
    }
    m.join(", ")
}

/// The time column: the prescribed time, or "as needed".
pub fn time_text(t: Tr, l: &HistoryLine) -> String {
    l.time.map_or_else(
        || t.t("sign-as-needed").into_owned(),
        vaka_domain::delegation::prescription::hhmm,
    )
}

/// The CSV: one row per occasion or as-needed signing, codes and instants in UTC.
pub fn history_csv(h: &SigningHistory) -> String {
    let mut w = CsvFile::new(&[
        "client_id",
        "identity",
        "client",
        "date",
        "time",
        "task",
        "state",
        "outcome",
        "not_given_reason",
        "late",
        "flagged",
        "signer",
        "signed_at",
        "received_at",
        "note",
        "effect_note",
    ]);
    for l in &h.lines {
        let s = l.signing.as_ref();
        w.row([
            h.client_id.to_string(),
            h.identity.clone(),
            h.client_name.clone(),
            l.day.to_string(),
            l.time
                .map(vaka_domain::delegation::prescription::hhmm)
                .unwrap_or_default(),
            l.task_name.clone(),
            l.state.to_owned(),
            s.map(|s| s.outcome.code().to_owned()).unwrap_or_default(),
            s.and_then(|s| s.draft.not_given_reason)
                .map(|r| r.code().to_owned())
                .unwrap_or_default(),
            s.map(|s| s.late.to_string()).unwrap_or_default(),
            s.map(|s| s.flagged.to_string()).unwrap_or_default(),
            l.signer_name.clone().unwrap_or_default(),
            s.map(|s| s.signed_at.to_string()).unwrap_or_default(),
            s.map(|s| s.received_at.to_string()).unwrap_or_default(),
            s.and_then(|s| s.draft.note.clone()).unwrap_or_default(),
            s.and_then(|s| s.effect_note.clone()).unwrap_or_default(),
        ]);
    }
    w.finish()
}

/// The history as readable lines (the PDF).
pub fn history_lines(t: Tr, h: &SigningHistory) -> Vec<Line> {
    let mut lines = vec![
        Line::Title(format!("{} – {}", t.t("sign-history-title"), h.client_name)),
        Line::Text(format!(
            "{}: {} · {}: {} – {}",
            t.t("clients-identity"),
            h.identity,
            t.t("sign-period"),
            h.from,
            h.to
        )),
        Line::Text(
            t.message(
                "sign-history-counts",
                &[
                    ("occasions", h.tally.occasions.into()),
                    ("in_time", h.tally.in_time.into()),
                    ("late", h.tally.late.into()),
                    ("missed", h.tally.missed.into()),
                    ("deviations", h.tally.deviations.into()),
                ],
            )
            .into_owned(),
        ),
        Line::Blank,
    ];
    let mut day = None;
    for l in &h.lines {
        if day != Some(l.day) {
            day = Some(l.day);
            lines.push(Line::Heading(l.day.to_string()));
        }
        let mut text = format!(
            "{} {} – {}",
            time_text(t, l),
            l.task_name,
            outcome_text(t, l)
        );
        if let (Some(s), Some(by)) = (&l.signing, &l.signer_name) {
            text.push_str(&format!(" · {by} {}", local_time(s.signed_at)));
        }
        let m = marks(t, l);
        if !m.is_empty() {
            text.push_str(&format!(" [{m}]"));
        }
        if let Some(note) = l.signing.as_ref().and_then(|s| s.draft.note.as_deref()) {
            text.push_str(&format!(" · {note}"));
        }
        if let Some(effect) = l.signing.as_ref().and_then(|s| s.effect_note.as_deref()) {
            text.push_str(&format!(" · {}: {effect}", t.t("sign-effect")));
        }
        lines.push(Line::Text(text));
    }
    if h.lines.is_empty() {
        lines.push(Line::Text(t.t("sign-history-empty").into_owned()));
    }
    lines
}

/// The history as a file download (`csv`, or PDF).
pub fn download(h: &SigningHistory, t: Tr, format: &str) -> Response {
    let base = format!("signeringar-{}-{}", h.from, h.to);
    match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{base}.csv\""),
                ),
            ],
            history_csv(h),
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
            pdf::render(&t.t("sign-history-title"), &history_lines(t, h)),
        )
            .into_response(),
    }
}
