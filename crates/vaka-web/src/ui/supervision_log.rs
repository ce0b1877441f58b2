//! A client's supervision log for a period, as a page, a CSV file and a PDF document (the
//! system administrator's extract on the client's request). Every view and download is audited.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::ids::ClientId;
use vaka_domain::reason::SupervisionReason;
use vaka_service::supervision::log::SupervisionLog;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::pdf::{self, Line};
use crate::state::AppState;
use crate::ui::pages::{OrPage, PageCtx, PageError, local_time, parse_id, render};

/// Stockholm wall-clock time with seconds.
fn local_seconds(ts: jiff::Timestamp) -> String {
    ts.to_zoned(vaka_service::registry::stockholm())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The CSV of a log: one row per look-in (a supervision without one has a row of its own), local
/// Stockholm times.
pub fn log_csv(log: &SupervisionLog) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
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
            let _ = w.write_record(&rec);
        }
        for l in &r.look_ins {
            let mut rec: Vec<String> = task.to_vec();
            rec.extend([
                local_seconds(l.started_at),
                l.seconds.map(|s| s.to_string()).unwrap_or_default(),
                l.operator.clone(),
                l.outcome.map(|o| o.code()).unwrap_or_default().to_owned(),
                l.recheck.to_string(),
            ]);
            rec.extend(dispatch.iter().cloned());
            let _ = w.write_record(&rec);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
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
                l.seconds
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "?".into()),
                l.operator,
                l.outcome
                    .map(|o| t.code("outcome", o.code()))
                    .unwrap_or_else(|| t.t("slog-no_outcome").into_owned())
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
    lines
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub format: Option<String>,
}

#[derive(Template)]
#[template(path = "supervision_log.html")]
pub struct LogPage {
    pub page: PageCtx,
    pub id: ClientId,
    pub from: String,
    pub to: String,
    pub lines: Vec<(bool, String)>,
}

fn parse_date(field: &'static str, raw: Option<&str>, default: Date) -> Result<Date, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => s
            .parse()
            .map_err(|_| ApiError::invalid(field, SupervisionReason::DateFormat)),
    }
}

/// The period asked for: the last 30 nights unless given.
pub fn period(state: &AppState, q: &LogQuery) -> Result<(Date, Date), ApiError> {
    let today = state.services.today();
    let to = parse_date("to", q.to.as_deref(), today)?;
    let from = parse_date(
        "from",
        q.from.as_deref(),
        to.checked_sub(jiff::Span::new().days(30)).unwrap_or(to),
    )?;
    Ok((from, to))
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

pub async fn page(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let format = match q.format.as_deref().map(str::trim) {
        None | Some("") | Some("html") => "html",
        Some("csv") => "csv",
        Some("pdf") => "pdf",
        Some(_) => {
            return Err(PageError {
                error: ApiError::invalid("format", SupervisionReason::PageLogFormat),
                page,
            });
        }
    };
    let (from, to) = period(&state, &q).or_page(&page)?;
    let log = state
        .services
        .supervision_log(&caller.ctx(), id, from, to, format)
        .await
        .or_page(&page)?;
    if format != "html" {
        return Ok(download(&log, t, format));
    }
    let lines = log_lines(t, &log)
        .into_iter()
        .skip(1)
        .filter_map(|l| match l {
            Line::Heading(h) => Some((true, h)),
            Line::Text(x) => Some((false, x)),
            Line::Title(_) | Line::Blank => None,
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &LogPage {
            id,
            from: from.to_string(),
            to: to.to_string(),
            lines,
            page,
        },
    ))
}
