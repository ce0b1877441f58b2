//! A client's supervision log for a period, as a page, a CSV file and a PDF document (the
//! system administrator's extract on the client's request). Every view and download is audited.

use askama::Template;
use axum::http::StatusCode;
use serde::Deserialize;
use vaka_domain::ids::ClientId;
use vaka_domain::reason::SupervisionReason;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::page::{OrPage, PageCtx, PageError, PageResult, Req, parse_id, render};
use crate::reports::pdf::Line;
use crate::reports::periods;
use crate::reports::supervision_log::{download, log_lines};

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

pub async fn page(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    Query(q): Query<LogQuery>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let id: ClientId = parse_id(&id, &page)?;
    let format = match q.format.as_deref().map(str::trim) {
        None | Some("" | "html") => "html",
        Some("csv") => "csv",
        Some("pdf") => "pdf",
        Some(_) => {
            return Err(PageError {
                error: ApiError::invalid("format", SupervisionReason::PageLogFormat),
                page,
            });
        }
    };
    let (from, to) = periods::nights(state.services.today(), q.from.as_deref(), q.to.as_deref())
        .or_page(&page)?;
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
