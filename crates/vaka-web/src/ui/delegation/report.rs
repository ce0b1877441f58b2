//! The report of missed and late signings of a unit's week: a row of counts per day and for
//! the week, and the occasions missed or signed late; as a page or a CSV file.

use askama::Template;
use axum::response::IntoResponse;
use serde::Deserialize;
use vaka_domain::delegation::prescription::hhmm;
use vaka_domain::delegation::{DayCounts, IsoWeek};
use vaka_domain::homecare::plan::weekday_code;
use vaka_domain::ids::UnitId;
use vaka_domain::reason::DelegationReason;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::page::{OrPage, PageCtx, PageResult, Req, local_time, parse_id, render};

#[derive(Debug, Deserialize)]
pub struct WeekQuery {
    /// `2026-W49`; this week when not given.
    pub week: Option<String>,
    /// `csv` for the file.
    pub format: Option<String>,
}

/// A day's (or the week's) counts as shown.
pub struct CountsRow {
    pub label: String,
    pub date: String,
    pub occasions: usize,
    pub in_time: usize,
    pub late: usize,
    pub missed: usize,
    pub pending: usize,
    pub not_given: usize,
    pub deviations: usize,
}

fn counts_row(label: String, date: String, c: &DayCounts) -> CountsRow {
    CountsRow {
        label,
        date,
        occasions: c.tally.occasions,
        in_time: c.tally.in_time,
        late: c.tally.late,
        missed: c.tally.missed,
        pending: c.tally.pending,
        not_given: c.not_given,
        deviations: c.tally.deviations,
    }
}

/// An occasion missed or signed late.
pub struct ExceptionLine {
    pub when: String,
    pub client: String,
    pub client_id: String,
    pub date: String,
    pub task: String,
    pub kind_code: &'static str,
    pub kind: String,
    pub signer: String,
    pub how_late: String,
    pub called: String,
}

#[derive(Template)]
#[template(path = "delegation_report.html")]
pub struct ReportPage {
    pub page: PageCtx,
    pub id: String,
    pub name: String,
    pub week: String,
    pub heading: String,
    pub previous: String,
    pub next: String,
    pub days: Vec<CountsRow>,
    pub total: CountsRow,
    pub lines: Vec<ExceptionLine>,
}

/// The week asked for: `YYYY-Www`, this week when empty or not given.
fn week_of(raw: Option<&str>, today: jiff::civil::Date) -> Result<IsoWeek, ApiError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(IsoWeek::containing(today)),
        Some(s) => s
            .parse()
            .map_err(|()| ApiError::invalid("week", DelegationReason::WeekFormat)),
    }
}

/// `GET /delegation/units/{id}/report?week=2026-W49[&format=csv]`.
pub async fn week(r: Req, Path(id): Path<String>, Query(q): Query<WeekQuery>) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "delegation");
    let id: UnitId = parse_id(&id, &page)?;
    let week = week_of(q.week.as_deref(), state.services.today()).or_page(&page)?;
    let csv = match q.format.as_deref().map(str::trim) {
        None | Some("" | "html") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "format",
                vaka_domain::reason::InputReason::NotValid,
            ))
            .or_page(&page);
        }
    };
    let report = state
        .services
        .signing_week_report(&caller.ctx(), id, week)
        .await
        .or_page(&page)?;
    if csv {
        return Ok(crate::reports::signing_week::download(&report).into_response());
    }
    let days = report
        .days
        .iter()
        .map(|(d, c)| {
            counts_row(
                t.code("weekday", weekday_code(d.weekday())),
                d.to_string(),
                c,
            )
        })
        .collect();
    let lines = report
        .lines
        .iter()
        .map(|l| ExceptionLine {
            when: format!("{} {}", l.occasion.key.date, hhmm(l.occasion.key.time)),
            client: l.client_name.clone(),
            client_id: l.client_id.to_string(),
            date: l.occasion.key.date.to_string(),
            task: l.task_name.clone(),
            kind_code: l.kind,
            kind: t
                .t(if l.kind == "late" {
                    "sign-report-kind-late"
                } else {
                    "sign-report-kind-missed"
                })
                .into_owned(),
            signer: l.signer_name.clone().unwrap_or_default(),
            how_late: l.after_due.map_or_else(String::new, |d| {
                t.message("sign-report-late-by", &[("minutes", d.as_mins().into())])
                    .into_owned()
            }),
            called: l
                .calls
                .iter()
                .map(|c| format!("{} {}", c.name, local_time(c.called_at)))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    let step = |w: Option<IsoWeek>| w.map_or_else(String::new, |w| w.to_string());
    Ok(render(
        page.status(),
        &ReportPage {
            id: id.to_string(),
            name: report.unit.name.clone(),
            week: week.to_string(),
            heading: t
                .message(
                    "sign-report-week-of",
                    &[
                        ("week", week.week().to_string().into()),
                        ("from", week.monday().to_string().into()),
                        ("to", week.sunday().to_string().into()),
                    ],
                )
                .into_owned(),
            previous: step(week.previous()),
            next: step(week.next()),
            total: counts_row(
                t.t("sign-report-total").into_owned(),
                String::new(),
                &report.total,
            ),
            days,
            lines,
            page,
        },
    ))
}
