//! Night-supervision statistics per unit and month, with charts.

use askama::Template;
use axum::http::StatusCode;
use serde::Deserialize;
use vaka_domain::statistics::ResponseTimes;

use crate::extract::Query;
use crate::page::{OrPage, PageCtx, PageResult, Req, render};
use crate::reports::periods;
use crate::ui::registry::clients::Names;
use crate::ui::widgets::charts::{Series, bars, monthly};

#[derive(Debug, Deserialize)]
pub struct StatsQuery {
    /// YYYY-MM
    pub from: Option<String>,
    /// YYYY-MM
    pub to: Option<String>,
}

pub struct StatsLine {
    pub unit: String,
    pub month: String,
    pub planned: u32,
    pub performed: u32,
    pub on_time: u32,
    pub not_visible: u32,
    pub deviations: u32,
    pub missed: u32,
    pub camera_unreachable: u32,
    pub escalations: u32,
    pub paused: u32,
    pub within_target: String,
}

#[derive(Template)]
#[template(path = "statistics.html")]
pub struct StatsPage {
    pub page: PageCtx,
    pub from: String,
    pub to: String,
    pub lines: Vec<StatsLine>,
    pub chart_months: String,
    pub chart_response: String,
}

pub async fn page(Req { state, t, caller }: Req, Query(q): Query<StatsQuery>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "statistics");
    let (from, to) = periods::months(state.services.today(), q.from.as_deref(), q.to.as_deref())
        .or_page(&page)?;
    let stats = state
        .services
        .supervision_statistics(&caller.ctx(), from, to)
        .await
        .or_page(&page)?;
    let names = Names::load(&state, &caller, &[]).await.or_page(&page)?;
    // The whole scope per month, for the charts.
    let (labels, [planned, performed, on_time]) = monthly(
        stats.from,
        stats.to,
        stats
            .rows
            .iter()
            .map(|r| (r.year, r.month, [r.planned, r.performed, r.on_time])),
    );
    let mut response = ResponseTimes::default();
    for r in &stats.rows {
        let c = r.response.counts();
        response.within_15 += c[0];
        response.within_30 += c[1];
        response.within_45 += c[2];
        response.within_60 += c[3];
        response.over_60 += c[4];
        response.no_arrival += c[5];
    }
    let chart_months = bars(
        &t.t("stats-chart_months"),
        &labels,
        &[
            Series {
                name: &t.t("stats-planned"),
                fill: "#1f5fa8",
                values: planned,
            },
            Series {
                name: &t.t("stats-performed"),
                fill: "#2e7d32",
                values: performed,
            },
            Series {
                name: &t.t("stats-on_time"),
                fill: "#8d6e00",
                values: on_time,
            },
        ],
    );
    let chart_response = bars(
        &t.t("stats-chart_response"),
        &ResponseTimes::LABELS
            .iter()
            .map(|l| (*l).to_owned())
            .collect::<Vec<_>>(),
        &[Series {
            name: &t.t("stats-dispatches"),
            fill: "#b3261e",
            values: response.counts().to_vec(),
        }],
    );
    let lines = stats
        .rows
        .iter()
        .map(|r| {
            let c = r.response.counts();
            let arrived: u32 = c[..5].iter().sum();
            StatsLine {
                unit: names.unit(r.unit),
                month: format!("{:04}-{:02}", r.year, r.month),
                planned: r.planned,
                performed: r.performed,
                on_time: r.on_time,
                not_visible: r.not_visible,
                deviations: r.deviations,
                missed: r.missed,
                camera_unreachable: r.camera_unreachable,
                escalations: r.escalations,
                paused: r.paused,
                within_target: ((c[0] + c[1] + c[2]) * 100)
                    .checked_div(arrived)
                    .map_or_else(|| "—".to_owned(), |p| format!("{p} %")),
            }
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &StatsPage {
            from: stats.from.strftime("%Y-%m").to_string(),
            to: stats.to.strftime("%Y-%m").to_string(),
            lines,
            chart_months,
            chart_response,
            page,
        },
    ))
}
