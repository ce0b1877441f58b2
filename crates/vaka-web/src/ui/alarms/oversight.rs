//! Watching the alarm chain: the technical alarms of each provider with the weekend and holiday
//! checks its technical contact signs, the chain's health (last message per device, receive →
//! take → arrive per alarm, missed checks, a warning when alarm traffic stops) and the alarm
//! statistics per unit and month.

use askama::Template;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use vaka_domain::ids::OrganisationId;
use vaka_service::alarms::oversight::{AlarmTimes, ChainHealth, ProviderTechnical};

use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{OrPage, PageCtx, PageForm, PageResult, Req, list_step, local_time, render};
use crate::reports::periods;
use crate::state::AppState;
use crate::ui::registry::clients::Names;
use crate::ui::supervision::console::Flash;
use crate::ui::supervision::statistics::StatsQuery;
use crate::ui::widgets::alarm_row::mmss;
use crate::ui::widgets::charts::{Series, bars, monthly};

fn when(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "—".into(), local_time)
}

fn dur(s: Option<i64>) -> String {
    s.map_or_else(|| "—".into(), mmss)
}

pub struct TechnicalLine {
    pub category: String,
    pub code: String,
    pub account: String,
    pub serial: String,
    pub unit: String,
    pub since: String,
    pub restored: bool,
}

pub struct CheckRow {
    pub due: String,
    pub signed: Option<String>,
    pub by: String,
    pub open_alarms: String,
    pub note: String,
    pub missed: bool,
}

pub struct ProviderBlock {
    pub id: OrganisationId,
    pub name: String,
    pub open: Vec<TechnicalLine>,
    pub slot: Option<String>,
    pub slot_signed: bool,
    pub next_due: Option<String>,
    pub checks: Vec<CheckRow>,
    pub can_sign: bool,
}

#[derive(Template)]
#[template(path = "alarm_technical.html")]
pub struct TechnicalPage {
    pub page: PageCtx,
    pub providers: Vec<ProviderBlock>,
}

fn block(t: Tr, names: &Names, p: ProviderTechnical) -> ProviderBlock {
    ProviderBlock {
        id: p.organisation_id,
        name: p.name,
        open: p
            .open
            .into_iter()
            .map(|o| TechnicalLine {
                category: t.code("alarm_category", &o.category),
                code: o.code,
                account: o.account.unwrap_or_default(),
                serial: o.serial.unwrap_or_default(),
                unit: names.unit(o.unit_id),
                since: local_time(o.since),
                restored: o.restored,
            })
            .collect(),
        slot: p.slot_now.map(local_time),
        slot_signed: p.slot_signed,
        next_due: p.next_due.map(local_time),
        checks: p
            .recent
            .into_iter()
            .map(|c| CheckRow {
                due: local_time(c.due_at),
                signed: c.signed_at.map(local_time),
                by: c.signed_by.unwrap_or_default(),
                open_alarms: c.open_alarms.map(|n| n.to_string()).unwrap_or_default(),
                note: c.note.unwrap_or_default(),
                missed: c.missed_at.is_some(),
            })
            .collect(),
        can_sign: p.can_sign,
    }
}

pub async fn technical(Req { state, t, caller }: Req, Query(q): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "technical").with_flash_key(q.ok.as_deref());
    technical_page(&state, &caller, page).await
}

async fn technical_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let t = page.t;
    let providers = state
        .services
        .technical_overview(&caller.ctx())
        .await
        .or_page(&page)?;
    let names = Names::load(state, caller, &[]).await.or_page(&page)?;
    let providers = providers.into_iter().map(|p| block(t, &names, p)).collect();
    Ok(render(page.status(), &TechnicalPage { page, providers }))
}

#[derive(Debug, Deserialize)]
pub struct SignForm {
    pub note: Option<String>,
}

pub async fn sign(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<SignForm>,
) -> PageResult {
    list_step(
        r,
        "technical",
        &id,
        async |state, caller, org: OrganisationId| {
            state
                .services
                .sign_technical_check(&caller.ctx(), org, form.note.as_deref())
                .await
        },
        |_| "/alarms/technical?ok=technical-signed_ok".to_owned(),
        technical_page,
    )
    .await
}

pub struct DeviceLine {
    pub account: String,
    pub status: String,
    pub serial: String,
    pub unit: String,
    pub last_seen: String,
    pub interval: String,
    pub overdue: bool,
    pub clear: bool,
}

pub struct RefusedRow {
    pub at: String,
    pub account: String,
    pub reason: String,
    pub source: String,
}

pub struct TimesLine {
    pub received: String,
    pub kind: String,
    pub category: String,
    pub state: String,
    pub take: String,
    pub contact: String,
    pub arrival: String,
    pub close: String,
    pub contact_met: Option<bool>,
    pub arrival_met: Option<bool>,
}

pub struct MissedLine {
    pub organisation: String,
    pub due: String,
    pub missed: String,
}

#[derive(Template)]
#[template(path = "alarm_health.html")]
pub struct HealthPage {
    pub page: PageCtx,
    pub last_message: String,
    pub traffic_stopped: bool,
    pub silence_limit: String,
    pub devices: Vec<DeviceLine>,
    pub overdue: usize,
    pub recent: Vec<TimesLine>,
    pub missed: Vec<MissedLine>,
    pub refused: Vec<RefusedRow>,
    /// Units with alarm clients that no alarm centre covers.
    pub uncovered_units: Vec<String>,
    pub uncovered_without_unit: bool,
    pub fallback_open: usize,
    /// The nodes receiving alarms (one without a cluster).
    pub nodes: Vec<NodeLine>,
    /// This node's link to the others: `none`, `connected` or `disconnected`.
    pub bus: &'static str,
}

pub struct NodeLine {
    pub name: String,
    pub lease_holder: bool,
    pub this_node: bool,
    pub heard_s: u64,
}

fn times(t: Tr, a: &AlarmTimes) -> TimesLine {
    TimesLine {
        received: crate::ui::widgets::alarm_row::hms(a.received_at),
        kind: t.code("alarm_kind", a.kind.code()),
        category: t.code("alarm_category", &a.category),
        state: t.code("alarm_state", a.state.code()),
        take: dur(a.to_take_s),
        contact: dur(a.to_contact_s),
        arrival: dur(a.to_arrival_s),
        close: dur(a.to_close_s),
        contact_met: a.contact_met,
        arrival_met: a.arrival_met,
    }
}

pub async fn health(Req { state, t, caller }: Req) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "health");
    let h: ChainHealth = state
        .services
        .chain_health(&caller.ctx())
        .await
        .or_page(&page)?;
    let names = Names::load(&state, &caller, &[]).await.or_page(&page)?;
    Ok(render(
        StatusCode::OK,
        &HealthPage {
            last_message: when(h.last_message),
            traffic_stopped: h.traffic_stopped,
            silence_limit: (h.silence_limit_s / 60).to_string(),
            devices: h
                .devices
                .into_iter()
                .map(|d| DeviceLine {
                    account: d.account,
                    status: t.code("device_status", d.status.code()),
                    serial: d.serial,
                    unit: names.unit(d.unit_id),
                    last_seen: when(d.last_seen),
                    interval: mmss(d.interval_s),
                    overdue: d.overdue,
                    clear: d.clear,
                })
                .collect(),
            refused: h
                .refused
                .into_iter()
                .map(|r| RefusedRow {
                    at: local_time(r.at),
                    account: r.account,
                    reason: t.code("message_refusal", r.reason.code()),
                    source: r.source,
                })
                .collect(),
            overdue: h.overdue,
            uncovered_units: h.uncovered_units,
            uncovered_without_unit: h.uncovered_without_unit,
            fallback_open: h.fallback_open,
            nodes: h
                .nodes
                .into_iter()
                .map(|n| NodeLine {
                    name: n.name,
                    lease_holder: n.lease_holder,
                    this_node: n.this_node,
                    heard_s: n.heard_s,
                })
                .collect(),
            bus: match state.services.node().bus() {
                vaka_service::cluster::BusState::None => "none",
                vaka_service::cluster::BusState::Connected => "connected",
                vaka_service::cluster::BusState::Disconnected => "disconnected",
            },
            recent: h.recent.into_iter().map(|a| times(t, &a)).collect(),
            missed: h
                .missed_checks
                .into_iter()
                .map(|m| MissedLine {
                    organisation: m.organisation,
                    due: local_time(m.due_at),
                    missed: local_time(m.missed_at),
                })
                .collect(),
            page,
        },
    ))
}

pub struct StatLine {
    pub unit: String,
    pub month: String,
    pub personal: u32,
    pub fall: u32,
    pub sensor: u32,
    pub technical: u32,
    pub contact: String,
    pub contact_median: String,
    pub arrival: String,
    pub arrival_median: String,
    pub technical_open: u32,
    pub fix_median: String,
}

#[derive(Template)]
#[template(path = "alarm_statistics.html")]
pub struct StatsPage {
    pub page: PageCtx,
    pub from: String,
    pub to: String,
    pub lines: Vec<StatLine>,
    /// Alarms per month and kind, the whole scope.
    pub chart_months: String,
}

fn pct(p: Option<u32>, measured: u32) -> String {
    match p {
        Some(p) => format!("{p} % ({measured})"),
        None => "—".into(),
    }
}

pub async fn statistics(Req { state, t, caller }: Req, Query(q): Query<StatsQuery>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "statistics");
    let (from, to) = periods::months(state.services.today(), q.from.as_deref(), q.to.as_deref())
        .or_page(&page)?;
    let stats = state
        .services
        .alarm_statistics(&caller.ctx(), from, to)
        .await
        .or_page(&page)?;
    let names = Names::load(&state, &caller, &[]).await.or_page(&page)?;
    // Every month of the period is a bucket of the chart, with or without alarms.
    let (labels, [personal, fall, sensor, technical]) = monthly(
        stats.from,
        stats.to,
        stats
            .rows
            .iter()
            .map(|r| (r.year, r.month, [r.personal, r.fall, r.sensor, r.technical])),
    );
    let chart_months = bars(
        &t.t("astats-chart_months"),
        &labels,
        &[
            Series {
                name: &t.t("alarm_kind-personal"),
                fill: "#1f5fa8",
                values: personal,
            },
            Series {
                name: &t.t("alarm_kind-fall"),
                fill: "#b3261e",
                values: fall,
            },
            Series {
                name: &t.t("alarm_kind-sensor"),
                fill: "#8d6e00",
                values: sensor,
            },
            Series {
                name: &t.t("alarm_kind-technical"),
                fill: "#555555",
                values: technical,
            },
        ],
    );
    let lines = stats
        .rows
        .iter()
        .map(|r| StatLine {
            unit: names.unit(r.unit),
            month: format!("{:04}-{:02}", r.year, r.month),
            personal: r.personal,
            fall: r.fall,
            sensor: r.sensor,
            technical: r.technical,
            contact: pct(r.contact_pct(), r.contact_measured),
            contact_median: dur(r.contact_median_s),
            arrival: pct(r.arrival_pct(), r.arrival_measured),
            arrival_median: dur(r.arrival_median_s),
            technical_open: r.technical_open,
            fix_median: dur(r.fix_median_s),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &StatsPage {
            page,
            from: stats.from.strftime("%Y-%m").to_string(),
            to: stats.to.strftime("%Y-%m").to_string(),
            lines,
            chart_months,
        },
    ))
}
