//! The provider's payment basis of a month: the page, and its CSV and PDF.

use askama::Template;
use axum::response::IntoResponse;
use serde::Deserialize;
use vaka_domain::ids::OrganisationId;

use crate::extract::Query;
use crate::page::{OrPage, PageCtx, PageResult, Req, found, render};
use crate::reports::payment_basis::{download, hours, month_text, parse_month};
use crate::ui::registry::clients::Choice;

#[derive(Debug, Deserialize)]
pub struct PaymentQuery {
    pub provider: Option<String>,
    /// `YYYY-MM`
    pub month: Option<String>,
    /// `csv` or `pdf` (the export).
    pub format: Option<String>,
}

pub struct LineRow {
    pub client: String,
    pub identity: String,
    pub task: String,
    pub granted: i64,
    pub performed: i64,
    pub paid: i64,
}

pub struct DeviationRow {
    pub visit_id: String,
    pub date: String,
    pub client: String,
    pub worker: String,
    pub minutes: i64,
    pub flags: String,
}

#[derive(Template)]
#[template(path = "homecare_payment.html")]
pub struct PaymentPage {
    pub page: PageCtx,
    pub providers: Vec<Choice>,
    pub provider: String,
    pub month: String,
    pub shown: bool,
    pub rule: String,
    pub visits: usize,
    pub granted: String,
    pub performed: String,
    pub paid: String,
    pub lines: Vec<LineRow>,
    pub deviations: Vec<DeviationRow>,
}

pub async fn page(r: Req, Query(q): Query<PaymentQuery>) -> PageResult {
    let t = r.t;
    let page = PageCtx::for_caller(&r.caller, t, "homecare");
    let providers = r
        .state
        .services
        .payment_providers(&r.caller.ctx())
        .await
        .or_page(&page)?;
    let month = parse_month(q.month.as_deref(), r.state.services.today()).or_page(&page)?;
    let chosen: Option<OrganisationId> = match q.provider.as_deref().map(str::trim) {
        None | Some("") => providers.first().map(|p| p.id),
        Some(raw) => Some(found(raw).or_page(&page)?),
    };
    let mut out = PaymentPage {
        providers: providers
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect(),
        provider: chosen.map(|p| p.to_string()).unwrap_or_default(),
        month: month.strftime("%Y-%m").to_string(),
        shown: false,
        rule: String::new(),
        visits: 0,
        granted: String::new(),
        performed: String::new(),
        paid: String::new(),
        lines: Vec::new(),
        deviations: Vec::new(),
        page,
    };
    if let Some(provider) = chosen {
        let b = r
            .state
            .services
            .payment_basis(&r.caller.ctx(), provider, month, "page")
            .await
            .or_page(&out.page)?;
        out.shown = true;
        out.month = month_text(&b);
        out.rule = t.code("payment_rule", b.rule.code());
        out.visits = b.visits;
        out.granted = hours(b.total_granted());
        out.performed = hours(b.total_performed());
        out.paid = hours(b.total_paid());
        out.lines = b
            .lines
            .iter()
            .map(|l| LineRow {
                client: l.client_name.clone(),
                identity: l.identity.clone(),
                task: l.line.task.map_or_else(
                    || t.t("hc-pay-unspecified").into_owned(),
                    |k| t.code("care-task", k.code()),
                ),
                granted: l.line.granted_minutes,
                performed: l.line.performed_minutes,
                paid: l.line.paid_minutes,
            })
            .collect();
        out.deviations = b
            .deviations
            .iter()
            .map(|d| {
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
                DeviationRow {
                    visit_id: d.visit_id.to_string(),
                    date: d.date.to_string(),
                    client: d.client_name.clone(),
                    worker: d.worker_name.clone(),
                    minutes: d.minutes,
                    flags: flags.join(", "),
                }
            })
            .collect();
    }
    let status = out.page.status();
    Ok(render(status, &out))
}

/// The basis as CSV or PDF.
pub async fn export(r: Req, Query(q): Query<PaymentQuery>) -> PageResult {
    let t = r.t;
    let page = PageCtx::for_caller(&r.caller, t, "homecare");
    let month = parse_month(q.month.as_deref(), r.state.services.today()).or_page(&page)?;
    let provider: OrganisationId = found(q.provider.as_deref().unwrap_or("")).or_page(&page)?;
    let format = match q.format.as_deref() {
        Some("csv") => "csv",
        _ => "pdf",
    };
    let b = r
        .state
        .services
        .payment_basis(&r.caller.ctx(), provider, month, format)
        .await
        .or_page(&page)?;
    Ok(download(&b, t, format).into_response())
}
