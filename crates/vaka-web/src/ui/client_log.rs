//! The client's own log: a form on the client (period, who asked, why) that takes out the
//! extract across every module as a PDF, or shows it on the page. Asking is recorded (the
//! extract's audit entry); a request that breaks a rule is refused with nothing recorded.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::client_log::Requester;
use vaka_domain::ids::ClientId;
use vaka_domain::reason::ClientLogReason;

use crate::error::ApiError;
use crate::extract::Path;
use crate::identity::Access;
use crate::page::{KeptForm, PageCtx, PageError, PageResult, Req, parse_id, render};
use crate::reports::client_log::{download, lines};
use crate::reports::pdf::Line;
use crate::routes::Routes;

/// Registers the page: the right that takes out the supervision log takes out this one.
pub fn register(r: Routes) -> Routes {
    r.get(
        "/clients/{id}/log",
        Access::Permission(Permission::SupervisionLogExport),
        page,
    )
    .post(
        "/clients/{id}/log",
        Access::Permission(Permission::SupervisionLogExport),
        extract,
    )
}

#[derive(Template)]
#[template(path = "client_log.html")]
pub struct LogPage {
    pub page: PageCtx,
    pub id: ClientId,
    pub from: String,
    pub to: String,
    pub requesters: Vec<(&'static str, String)>,
    /// The extract shown on the page: (heading?, text).
    pub lines: Vec<(bool, String)>,
}

fn show(page: PageCtx, id: ClientId, today: jiff::civil::Date, shown: Vec<Line>) -> Response {
    let t = page.t;
    let from = today.first_of_month().to_string();
    let requesters = Requester::ALL
        .iter()
        .map(|r| (r.code(), t.code("clog-requester", r.code())))
        .collect();
    let lines = shown
        .into_iter()
        .filter_map(|l| match l {
            Line::Heading(h) => Some((true, h)),
            Line::Text(x) => Some((false, x)),
            Line::Title(_) | Line::Blank => None,
        })
        .collect();
    let status = page.form_status();
    render(
        status,
        &LogPage {
            id,
            from,
            to: today.to_string(),
            requesters,
            lines,
            page,
        },
    )
}

/// The form.
pub async fn page(r: Req, Path(id): Path<String>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    Ok(show(page, id, r.state.services.today(), Vec::new()))
}

#[derive(Debug, Deserialize)]
pub struct ExtractForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub requested_by: String,
    #[serde(default)]
    pub reason: String,
    /// `pdf` (the default) or `html` (on the page).
    #[serde(default)]
    pub format: String,
}

fn form_date(field: &'static str, raw: &str) -> Result<jiff::civil::Date, ApiError> {
    raw.trim()
        .parse()
        .map_err(|_| ApiError::invalid(field, ClientLogReason::DateFormat))
}

/// Takes the extract out: the PDF, or the page with the extract on it.
pub async fn extract(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<ExtractForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let today = r.state.services.today();
    let on_page = form.format.trim() == "html";
    let result: Result<_, ApiError> = async {
        let from = form_date("from", &form.from)?;
        let to = form_date("to", &form.to)?;
        let requested_by = Requester::from_code(form.requested_by.trim())
            .ok_or_else(|| ApiError::invalid("requested_by", ClientLogReason::ChooseRequester))?;
        Ok(r.state
            .services
            .client_log(&r.caller.ctx(), id, from, to, requested_by, &form.reason)
            .await?)
    }
    .await;
    match result {
        Ok(log) if on_page => {
            let shown = lines(r.t, &log).into_iter().skip(1).collect();
            Ok(show(page.keeping(sent), id, today, shown))
        }
        Ok(log) => Ok(download(&log, r.t)),
        Err(e) if e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND => {
            Err(PageError { error: e, page })
        }
        Err(e) => Ok(show(
            page.with_error(&e).keeping(sent),
            id,
            today,
            Vec::new(),
        )),
    }
}
