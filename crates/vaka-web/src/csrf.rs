//! The per-session form token: every form posted with a session cookie carries `_csrf`, equal
//! to the session's token. This backs up the `Origin`/`Sec-Fetch-Site` check of
//! `tower_http::csrf` for browsers that send neither header.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::page;

const MAX_FORM: usize = 1024 * 1024;

fn matches(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// Checks the token of a posted form and hands the request on with its body intact.
pub async fn verify_form_token(req: Request, expected: &str) -> Result<Request, Response> {
    if let Some(h) = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
    {
        return if matches(h, expected) {
            Ok(req)
        } else {
            Err(refuse())
        };
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        // Multipart uploads carry the token in the query string.
        let in_query = req.uri().query().is_some_and(|q| {
            form_urlencoded::parse(q.as_bytes()).any(|(k, v)| k == "_csrf" && matches(&v, expected))
        });
        return if in_query { Ok(req) } else { Err(refuse()) };
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM).await.map_err(|_| {
        crate::error::ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            "the form is too large",
        )
        .into_response()
    })?;
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == "_csrf" && matches(&v, expected));
    if !ok {
        return Err(refuse());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn refuse() -> Response {
    page::csrf_failed_page()
}
