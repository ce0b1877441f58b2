//! The URL on an NFC tag at a client's door, `/t/{tag_id}`: a phone without the staff app
//! open lands here when the tag is tapped. After login it leads into the staff app's visit
//! page for the tag's client, carrying the tag's URL with its SUN parameters (the app's start
//! record hands them to the server, which verifies and consumes them); or it says plainly why
//! not (an unknown tag, another client's, no visit planned today, a forged or used one-time
//! code).

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::ApiError;
use crate::extract::Path;
use crate::identity::Access;
use crate::page::{PageCtx, Req, describe, message};
use crate::routes::Routes;

pub fn register(r: Routes) -> Routes {
    r.get("/t/{tag_id}", Access::Authenticated, landing)
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where the staff app opens a tag's client's visit: the planned visit's page with the client
/// and the tag's URL (path and query, as read), which the app sends as the visit's evidence.
pub fn visit_page(l: &vaka_service::registry::tags::TagLanding, tag_url: &str) -> String {
    format!(
        "/app/visit?plan={}&date={}&client={}&url={}",
        l.plan_id,
        l.date,
        l.client_id,
        encode(tag_url)
    )
}

async fn landing(r: Req, Path(_tag_id): Path<String>, uri: Uri) -> Response {
    let url = uri
        .path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
    match r.state.services.tag_landing(&r.caller.ctx(), &url).await {
        Ok(l) => Redirect::to(&visit_page(&l, &url)).into_response(),
        Err(e) => {
            let e = ApiError::from(e);
            let page = PageCtx::for_caller(&r.caller, r.t, "app");
            let text = describe(r.t, &e);
            let status = if e.status.is_server_error() {
                e.status
            } else {
                StatusCode::CONFLICT
            };
            message(status, page, &r.t.t("tag-landing-refused"), &text, "/")
        }
    }
}
