//! The per-session form token: every form posted with a session cookie carries `_csrf`, equal
//! to the session's token. This backs up the `Origin`/`Sec-Fetch-Site` check of
//! `tower_http::csrf` for browsers that send neither header.

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::Request;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;

use crate::page;

const MAX_FORM: usize = 1024 * 1024;
/// Read whole to find its token: above the largest upload a page takes (the import's 32 MiB
/// file), which its route limits exactly.
const MAX_UPLOAD: usize = 33 * 1024 * 1024;

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
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let Ok(boundary) = multer::parse_boundary(&content_type) {
        // An upload carries the token as a field of its body (the first one, as the pages put
        // it), never in the address, where it would reach logs and the history.
        let (parts, body) = req.into_parts();
        let bytes = to_bytes(body, MAX_UPLOAD).await.map_err(|_| too_large())?;
        if !multipart_token_matches(bytes.clone(), boundary, expected).await {
            return Err(refuse());
        }
        return Ok(Request::from_parts(parts, Body::from(bytes)));
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Err(refuse());
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_FORM).await.map_err(|_| too_large())?;
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == "_csrf" && matches(&v, expected));
    if !ok {
        return Err(refuse());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Whether the `_csrf` field of a multipart body is the session's token. Fields before it are
/// skipped; a body that does not parse has no token.
async fn multipart_token_matches(bytes: Bytes, boundary: String, expected: &str) -> bool {
    let stream = futures::stream::once(async move { Ok::<_, std::io::Error>(bytes) });
    let mut body = multer::Multipart::new(stream, boundary);
    while let Ok(Some(field)) = body.next_field().await {
        if field.name() == Some("_csrf") {
            return field.text().await.is_ok_and(|v| matches(&v, expected));
        }
    }
    false
}

fn too_large() -> Response {
    crate::error::ApiError::new(
        axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        "the form is too large",
    )
    .into_response()
}

fn refuse() -> Response {
    page::csrf_failed_page()
}
