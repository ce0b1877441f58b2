//! The provider's incoming orders, and the follow-up report of decisions not carried out.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::decision::OrderStatus;
use vaka_domain::ids::{ClientId, OrderId};

use crate::extract::{Path, Query};
use crate::page::{OrPage, PageCtx, PageResult, Req, local_time, parse_id, render};
use crate::ui::registry::clients::{Choice, Names, choices};

pub struct OrderLine {
    pub id: OrderId,
    pub client_id: ClientId,
    pub client: String,
    pub identity: String,
    /// The ordered service, in words.
    pub service: String,
    pub status: String,
    pub ordered: String,
    pub accepted: String,
    pub can_accept: bool,
}

#[derive(Template)]
#[template(path = "orders.html")]
pub struct OrdersPage {
    pub page: PageCtx,
    pub orders: Vec<OrderLine>,
    pub statuses: Vec<Choice>,
    pub status: String,
}

#[derive(Debug, Deserialize)]
pub struct OrderSearch {
    pub status: Option<String>,
    pub ok: Option<String>,
}

pub async fn list(Req { state, t, caller }: Req, Query(q): Query<OrderSearch>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "orders").with_flash_key(q.ok.as_deref());
    // Waiting orders first: that is the work.
    let status_code = q.status.unwrap_or_else(|| "ordered".to_owned());
    let status = OrderStatus::from_code(status_code.trim());
    let orders = state
        .services
        .list_orders(&caller.ctx(), status)
        .await
        .or_page(&page)?;
    Ok(render(
        StatusCode::OK,
        &OrdersPage {
            orders: orders
                .into_iter()
                .map(|e| (e.order, e.client, e.service))
                .map(|(o, c, service)| OrderLine {
                    id: o.id,
                    client_id: c.id,
                    client: c.name,
                    identity: c.identity,
                    service: t.code("service", service.code()),
                    status: t.code("order_status", o.status.code()),
                    ordered: local_time(o.ordered_at),
                    accepted: o.accepted_at.map(local_time).unwrap_or_default(),
                    can_accept: o.status == OrderStatus::Ordered,
                })
                .collect(),
            statuses: choices(t, "order_status", OrderStatus::ALL, OrderStatus::code),
            status: status.map(|s| s.code().to_owned()).unwrap_or_default(),
            page,
        },
    ))
}

pub async fn accept(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "orders");
    let id: OrderId = parse_id(&id, &page)?;
    state
        .services
        .accept_order(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    Ok(Redirect::to("/orders?ok=order-accepted").into_response())
}

pub struct ReportLine {
    pub client_id: ClientId,
    pub client: String,
    pub service: String,
    pub decided_on: String,
    pub provider: String,
    pub status: String,
    pub started_on: String,
    pub days_waiting: i32,
}

/// Decisions for clients outside the reader's need-to-know: a count per provider and unit.
pub struct CountLine {
    pub provider: String,
    pub unit: String,
    pub decisions: usize,
}

#[derive(Template)]
#[template(path = "report_not_carried_out.html")]
pub struct ReportPage {
    pub page: PageCtx,
    pub lines: Vec<ReportLine>,
    pub outside: Vec<CountLine>,
    pub today: String,
}

pub async fn not_carried_out(Req { state, t, caller }: Req) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "reports");
    let report = state
        .services
        .report_not_carried_out(&caller.ctx())
        .await
        .or_page(&page)?;
    let names = Names::load(&state, &caller, &[]).await.or_page(&page)?;
    Ok(render(
        StatusCode::OK,
        &ReportPage {
            outside: report
                .outside_reach
                .iter()
                .map(|o| CountLine {
                    provider: names.org(o.provider_id),
                    unit: names.unit(o.unit_id),
                    decisions: o.decisions,
                })
                .collect(),
            lines: report
                .lines
                .into_iter()
                .map(|r| ReportLine {
                    client_id: r.client_id,
                    client: r.client_name,
                    service: t.code("service", r.service.code()),
                    decided_on: r.decided_on.to_string(),
                    provider: names.org(r.provider_id),
                    status: r
                        .order_status
                        .map_or_else(|| "—".into(), |s| t.code("order_status", s.code())),
                    started_on: r.started_on.map(|d| d.to_string()).unwrap_or_default(),
                    days_waiting: r.days_waiting,
                })
                .collect(),
            today: state.services.today().to_string(),
            page,
        },
    ))
}
