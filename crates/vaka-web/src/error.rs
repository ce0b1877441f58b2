//! Errors as the API and the pages show them.
//!
//! The API answers `application/problem+json` (RFC 9457) with a message that says what was
//! wrong; the pages answer a readable page in the user's language. A 500 shows only the request
//! id; the cause goes to the log.

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use vaka_domain::reason::Reason;
use vaka_service::ServiceError;

use crate::i18n::reason::api_words;

/// A problem report (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `urn:vaka:problem:invalid`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    pub status: u16,
    /// What was wrong with this request, in words a person can act on.
    pub detail: String,
    /// The input field that was wrong, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Why, as a stable reason id (e.g. `key-outside-visit-window`) a client can word in its
    /// user's language; `detail` is English.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Quote this when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// An error of a JSON API request.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub detail: Cow<'static, str>,
    pub field: Option<Cow<'static, str>>,
    /// Why, as the rules said it: pages word it in the user's language (`detail` is English).
    pub reason: Option<Box<Reason>>,
    /// Shown to clients that must wait (429, 423).
    pub retry_after: Option<u64>,
    /// For the log only; never sent.
    pub internal: Option<String>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            kind,
            detail: detail.into(),
            field: None,
            reason: None,
            retry_after: None,
            internal: None,
        }
    }

    pub fn bad_request(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    pub fn invalid(field: impl Into<Cow<'static, str>>, reason: impl Into<Reason>) -> Self {
        let field = field.into();
        let reason = reason.into();
        Self {
            field: Some(field.clone()),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                format!("{field}: {}", api_words(&reason)),
            )
            .with_reason(reason)
        }
    }

    /// A refusal for a reason (the detail is its English words).
    pub fn refused(status: StatusCode, kind: &'static str, reason: impl Into<Reason>) -> Self {
        let reason = reason.into();
        Self::new(status, kind, api_words(&reason)).with_reason(reason)
    }

    fn with_reason(mut self, reason: Reason) -> Self {
        self.reason = Some(Box::new(reason));
        self
    }

    pub fn unauthenticated() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "log in, or send a valid bearer token in the Authorization header",
        )
    }

    pub fn forbidden(reason: impl Into<Reason>) -> Self {
        Self::refused(StatusCode::FORBIDDEN, "forbidden", reason)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not-found",
            format!("{what} not found"),
        )
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            "invalid" => "Invalid input",
            "bad-request" => "Bad request",
            "unauthenticated" => "Not authenticated",
            "forbidden" => "Forbidden",
            "not-found" => "Not found",
            "conflict" => "Conflict",
            "locked" => "Account temporarily locked",
            "rate-limited" => "Too many requests",
            "payload-too-large" => "Payload too large",
            "unsupported-media-type" => "Unsupported media type",
            "unavailable" => "Service unavailable",
            _ => "Internal error",
        }
    }

    /// The body of this error for a given request id.
    pub fn problem(&self, request_id: Option<String>) -> Problem {
        Problem {
            kind: format!("urn:vaka:problem:{}", self.kind),
            title: self.title().to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.to_string(),
            field: self.field.as_ref().map(std::string::ToString::to_string),
            reason: self.reason.as_ref().map(|r| r.id().to_owned()),
            request_id,
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid { field, reason } => ApiError::invalid(field, reason),
            ServiceError::NotFound(what) => ApiError::not_found(what),
            ServiceError::Forbidden(reason) => ApiError::forbidden(reason),
            ServiceError::Conflict(reason) => {
                ApiError::refused(StatusCode::CONFLICT, "conflict", reason)
            }
            ServiceError::Unauthenticated => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "wrong username, password or code",
            ),
            ServiceError::Locked { until } => ApiError {
                retry_after: u64::try_from(until.as_second()).ok(),
                ..ApiError::new(
                    StatusCode::LOCKED,
                    "locked",
                    format!("too many failed attempts; the account is locked until {until}"),
                )
            },
            ServiceError::Unavailable(cause) => ApiError {
                internal: Some(vaka_domain::error::chain(&cause)),
                ..ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "the database is not available right now; try again shortly",
                )
            },
            ServiceError::Internal(cause) => ApiError {
                internal: Some(vaka_domain::error::chain(&cause)),
                ..ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side; quote the request id when you report it",
                )
            },
        }
    }
}

/// Marks a response as an API error so that the request-id middleware can fill in the id.
#[derive(Debug, Clone)]
pub struct ProblemMarker(pub ApiError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(internal) = &self.internal {
            tracing::error!(status = self.status.as_u16(), error = %internal, "request failed");
        }
        let body = serde_json::to_vec(&self.problem(None)).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res.extensions_mut().insert(ProblemMarker(self));
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
