//! A client's supervision log as a file: CSV (one row per look-in) and PDF (the system
//! administrator's extract on the client's request). Pages and the API serve the same files.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use vaka_service::supervision::log::SupervisionLog;

use crate::i18n::Tr;
use crate::page::local_time;
use crate::reports::csv::CsvFile;
use crate::reports::pdf::{self, Line};

/// Stockholm wall-clock time with seconds.
fn local_seconds(ts: jiff::Timestamp) -> String {
    ts.to_zoned(vaka_service::registry::stockholm())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The CSV of a log: one row per look-in (a supervision without one has a row of its own), local
/// Stockholm times.
pub fn log_csv(log: &SupervisionLog) -> String {
    let mut w = CsvFile::new(&[
        "night",
        "planned_time",
        "due_local",
        "kind",
        "state",
        "look_in_start_local",
        "look_in_seconds",
        "operator",
        "outcome",
        "recheck",
        "dispatch_cause",
        "dispatched_local",
        "acknowledged_local",
        "arrived_local",
        "closed_local",
        "response_minutes",
        "response_target_minutes",
    ]);
    let opt = |t: Option<jiff::Timestamp>| t.map(local_seconds).unwrap_or_default();
    for r in &log.rows {
        let d = r.dispatch.as_ref();
        let dispatch = [
            d.map(|d| d.cause.code().to_owned()).unwrap_or_default(),
            d.map(|d| local_seconds(d.created_at)).unwrap_or_default(),
            opt(d.and_then(|d| d.acknowledged_at)),
            opt(d.and_then(|d| d.arrived_at)),
            opt(d.and_then(|d| d.closed_at)),
            d.and_then(|d| d.response_minutes)
                .map(|m| m.to_string())
                .unwrap_or_default(),
            d.map(|d| d.response_target_minutes.to_string())
                .unwrap_or_default(),
        ];
        let task = [
            r.night.to_string(),
            r.planned_time.strftime("%H:%M").to_string(),
            local_seconds(r.due),
            r.kind.code().to_owned(),
            r.state.to_owned(),
        ];
        if r.look_ins.is_empty() {
            let mut rec: Vec<String> = task.to_vec();
            rec.extend([
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            rec.extend(dispatch.iter().cloned());
            w.row(&rec);
        }
        for l in &r.look_ins {
            let mut rec: Vec<String> = task.to_vec();
            rec.extend([
                local_seconds(l.started_at),
                l.seconds.map(|s| s.to_string()).unwrap_or_default(),
                l.operator.clone(),
                l.outcome
                    .map(vaka_domain::supervision::Outcome::code)
                    .unwrap_or_default()
                    .to_owned(),
                l.recheck.to_string(),
            ]);
            rec.extend(dispatch.iter().cloned());
            w.row(&rec);
        }
    }
    w.finish()
}

/// The log as readable lines (the page's list and the PDF).
pub fn log_lines(t: Tr, log: &SupervisionLog) -> Vec<Line> {
    let mut lines = vec![
        Line::Title(format!("{} – {}", t.t("slog-title"), log.client_name)),
        Line::Text(format!(
            "{}: {} · {}: {} – {} · {}: {}",
            t.t("clients-identity"),
            log.identity,
            t.t("slog-period"),
            log.from,
            log.to,
            t.t("slog-generated"),
            local_time(log.generated_at)
        )),
        Line::Text(t.t("slog-about").into_owned()),
        Line::Blank,
    ];
    let mut night = None;
    for r in &log.rows {
        if night != Some(r.night) {
            night = Some(r.night);
            lines.push(Line::Heading(format!("{} {}", t.t("slog-night"), r.night)));
        }
        let mut text = format!(
            "{} {}: {}.",
            r.planned_time.strftime("%H:%M"),
            t.code("task_kind", r.kind.code()),
            t.code("task_state", r.state)
        );
        for l in &r.look_ins {
            text.push_str(&format!(
                " {} {} ({} s, {}): {}.",
                if l.recheck {
                    t.t("console-recheck")
                } else {
                    t.t("slog-look_in")
                },
                local_seconds(l.started_at).get(11..).unwrap_or_default(),
                l.seconds.map_or_else(|| "?".into(), |s| s.to_string()),
                l.operator,
                l.outcome.map_or_else(
                    || t.t("slog-no_outcome").into_owned(),
                    |o| t.code("outcome", o.code())
                )
            ));
        }
        if let Some(d) = &r.dispatch {
            text.push_str(&format!(
                " {}: {} {}",
                t.t("slog-dispatch"),
                t.code("dispatch_cause", d.cause.code()),
                local_seconds(d.created_at).get(11..).unwrap_or_default()
            ));
            if let Some(a) = d.arrived_at {
                text.push_str(&format!(
                    ", {} {} ({} min / {} min)",
                    t.t("dispatch_status-arrived").to_lowercase(),
                    local_seconds(a).get(11..).unwrap_or_default(),
                    d.response_minutes.unwrap_or_default(),
                    d.response_target_minutes
                ));
            }
            if let Some(c) = d.closed_at {
                text.push_str(&format!(
                    ", {} {}",
                    t.t("dispatch_status-closed").to_lowercase(),
                    local_seconds(c).get(11..).unwrap_or_default()
                ));
            }
            if let Some(n) = &d.note {
                text.push_str(&format!(" ({n})"));
            }
            if let Some(n) = &d.close_note {
                text.push_str(&format!(": {n}"));
            }
            text.push('.');
        }
        lines.push(Line::Text(text));
    }
    if log.rows.is_empty() {
        lines.push(Line::Text(t.t("slog-none").into_owned()));
    }
    if !log.visits.is_empty() {
        lines.push(Line::Blank);
        lines.push(Line::Heading(t.t("hc-trail-visits").into_owned()));
    }
    for v in &log.visits {
        let mut text = format!(
            "{} {}–{} {} ({}): {}.",
            v.date,
            local_seconds(v.started_at).get(11..16).unwrap_or_default(),
            v.ended_at
                .map(|e| local_seconds(e).get(11..16).unwrap_or_default().to_owned())
                .unwrap_or_default(),
            t.code("visit_kind", v.kind.code()),
            v.worker,
            v.tasks
                .iter()
                .map(|k| t.code("care-task", k.code()))
                .collect::<Vec<_>>()
                .join(", ")
        );
        text.push_str(&format!(" {}", t.code("evidence", v.start_evidence.code())));
        if v.late_sync {
            text.push_str(&format!(", {}", t.t("hc-flag-late")));
        }
        if v.clock_skew {
            text.push_str(&format!(", {}", t.t("hc-flag-skew")));
        }
        text.push('.');
        for c in &v.corrections {
            text.push_str(&format!(
                " {} {} ({}): {} → {}, {}: {}.",
                t.t("hc-corrected-by"),
                c.by,
                local_seconds(c.at),
                c.old_value.as_deref().unwrap_or("–"),
                c.new_value.as_deref().unwrap_or("–"),
                t.code("correction_reason", c.reason.code()),
                c.text
            ));
        }
        lines.push(Line::Text(text));
    }
    if !log.doors.is_empty() {
        lines.push(Line::Blank);
        lines.push(Line::Heading(t.t("hc-trail-doors").into_owned()));
    }
    for d in &log.doors {
        let mut text = format!("{} {}", local_seconds(d.at), t.code("lock_event", d.kind));
        if let Some(by) = &d.by {
            text.push_str(&format!(", {by}"));
        }
        if d.visit {
            text.push_str(&format!(" ({})", t.t("hc-trail-door-visit")));
        } else if d.alarm_id.is_some() {
            text.push_str(&format!(" ({})", t.t("hc-trail-door-alarm")));
        }
        text.push('.');
        lines.push(Line::Text(text));
    }
    lines
}

/// A log as a file download.
pub fn download(log: &SupervisionLog, t: Tr, format: &str) -> Response {
    let base = format!("tillsynslogg-{}-{}", log.from, log.to);
    match format {
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{base}.csv\""),
                ),
            ],
            log_csv(log),
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
            pdf::render(&t.t("slog-title"), &log_lines(t, log)),
        )
            .into_response(),
    }
}
