//! What every page shares: language, navigation, the form token, notices, and error pages.

// A page error carries the page frame to render it in; it is large but only on the error path.
#![allow(clippy::result_large_err)]

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use vaka_domain::access::Permission;

use crate::error::ApiError;
use crate::i18n::{Lang, Tr, is_key};
use crate::identity::Caller;
use crate::state::AppState;

pub const LANG_COOKIE: &str = "vaka_lang";

/// Navigation for a logged-in user.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub display_name: String,
    pub can_clients: bool,
    pub can_orders: bool,
    pub can_devices: bool,
    pub can_reports: bool,
    pub can_directory: bool,
    pub can_audit: bool,
    pub can_console: bool,
    pub can_patrol: bool,
    pub can_alarms: bool,
    pub can_technical: bool,
    pub can_health: bool,
    pub can_supervision_log: bool,
    pub can_statistics: bool,
    pub can_protection: bool,
    pub can_homecare: bool,
    pub can_delegation: bool,
    pub can_retention: bool,
}

/// The frame of every page.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub t: Tr,
    pub user: Option<NavUser>,
    pub csrf: String,
    pub flash: Option<String>,
    pub error: Option<String>,
    /// The status of the error shown, when there is one.
    pub error_status: Option<StatusCode>,
    pub section: &'static str,
    pub other_lang: &'static str,
    /// What the form that failed sent, and which of its fields the error is about.
    pub kept: Kept,
    /// The planned downtime and outages shown at the top of the page.
    pub banners: Vec<BannerLine>,
}

/// One banner at the top of a page, worded.
#[derive(Debug, Clone)]
pub struct BannerLine {
    /// `downtime`, `downtime-ongoing` or `outage` (the style and a hook for tests).
    pub kind: &'static str,
    pub text: String,
}

impl Default for PageCtx {
    fn default() -> Self {
        Self::anonymous(Tr::default())
    }
}

impl PageCtx {
    pub fn anonymous(t: Tr) -> Self {
        Self {
            t,
            user: None,
            csrf: String::new(),
            flash: None,
            error: None,
            error_status: None,
            section: "",
            other_lang: match t.lang {
                Lang::Sv => "en",
                Lang::En => "sv",
            },
            kept: Kept::default(),
            banners: Vec::new(),
        }
    }

    pub fn for_caller(caller: &Caller, t: Tr, section: &'static str) -> Self {
        let p = &caller.principal;
        Self {
            user: Some(NavUser {
                display_name: p.display_name.clone(),
                can_clients: p.has_permission(Permission::ClientRead),
                can_orders: p.has_permission(Permission::OrderAccept),
                can_devices: p.has_permission(Permission::DeviceManage),
                can_reports: p.has_permission(Permission::ReportRead),
                can_directory: p.has_permission(Permission::DirectoryRead),
                can_audit: p.has_permission(Permission::AuditRead),
                can_console: p.has_permission(Permission::Supervise),
                can_patrol: p.has_permission(Permission::DispatchRespond),
                can_alarms: p.has_permission(Permission::AlarmHandle),
                can_technical: p.has_permission(Permission::TechnicalCheck),
                can_health: p.has_permission(Permission::AlarmOversight),
                can_supervision_log: p.has_permission(Permission::SupervisionLogExport),
                can_statistics: p.has_permission(Permission::StatisticsRead),
                can_protection: p.has_permission(Permission::ProtectionChange),
                can_homecare: p.has_permission(Permission::VisitManage)
                    || p.has_permission(Permission::VisitPeriodLock)
                    || p.has_permission(Permission::PaymentBasisRead),
                can_delegation: p.has_permission(Permission::DelegationManage)
                    || p.has_permission(Permission::DelegationOversee)
                    || p.has_permission(Permission::TaskSign)
                    || p.has_permission(Permission::TaskTypeManage),
                can_retention: p.has_permission(Permission::RetentionManage),
            }),
            csrf: caller.csrf().to_owned(),
            section,
            banners: caller.banners.iter().map(|b| banner_line(t, b)).collect(),
            ..Self::anonymous(t)
        }
    }

    /// Shows the message of a known key (from `?ok=` after a redirect).
    pub fn with_flash_key(mut self, key: Option<&str>) -> Self {
        if let Some(k) = key
            && is_key(k)
        {
            self.flash = Some(self.t.t(k).into_owned());
        }
        self
    }

    pub fn with_error(mut self, e: &ApiError) -> Self {
        self.error = Some(describe(self.t, e));
        self.error_status = Some(e.status);
        if e.kind == "invalid" {
            self.kept.field = e.field.as_deref().map(str::to_owned);
            self.kept.beside = e.reason.as_deref().map(|r| self.t.reason_of(r));
        }
        self
    }

    /// Shows what a form sent again (its fields keep what was typed and chosen).
    pub fn keeping(mut self, sent: Sent) -> Self {
        self.kept.sent = sent;
        self
    }

    /// The status of a form page that says every error it shows the same way: 422 with an
    /// error, else 200 (the directory's pages, whose errors are all about what was typed).
    pub fn form_status(&self) -> StatusCode {
        if self.error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        }
    }

    /// The status of a page shown again after a change: the error's (a conflict stays 409),
    /// else 200.
    pub fn status(&self) -> StatusCode {
        match (&self.error, self.error_status) {
            (_, Some(s)) => s,
            (Some(_), None) => StatusCode::UNPROCESSABLE_ENTITY,
            (None, None) => StatusCode::OK,
        }
    }
}

/// What a form sent, as name–value pairs in order. A form names itself in a hidden `_form`
/// field, so that a page with several forms shows the values again in the one that was sent.
#[derive(Debug, Clone, Default)]
pub struct Sent(pub Vec<(String, String)>);

impl Sent {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(n, v)| n == name && v == value)
    }

    /// Every value of a field that repeats (a group of checkboxes), in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// A form shown again after an error: what it sent, the field the error is about and the
/// error's words for beside that field. A page's templates ask it per form (the `_form` the
/// form sent) and field; the field's element id is `{form}-{field}`, its error's
/// `{form}-{field}-error`, and the page's error summary links to the field.
#[derive(Debug, Clone, Default)]
pub struct Kept {
    sent: Sent,
    field: Option<String>,
    beside: Option<String>,
}

impl Kept {
    /// Whether nothing was sent (the page is not shown again after a form's error).
    pub fn is_empty(&self) -> bool {
        self.sent.0.is_empty() && self.beside.is_none()
    }

    /// Whether `form` is the form that was sent.
    pub fn is(&self, form: &str) -> bool {
        !form.is_empty() && self.sent.get("_form") == Some(form)
    }

    /// What was typed in `field` of `form`, or `default` when another form was sent.
    pub fn value<'a>(&'a self, form: &str, field: &str, default: &'a str) -> &'a str {
        if self.is(form) {
            self.sent.get(field).unwrap_or_default()
        } else {
            default
        }
    }

    /// Whether `option` of the select (or radio) `field` is chosen: what was sent, else
    /// `default`.
    pub fn chosen(
        &self,
        form: &str,
        field: &str,
        option: &str,
        default: impl std::borrow::Borrow<bool>,
    ) -> bool {
        if self.is(form) {
            self.sent.has(field, option)
        } else {
            *default.borrow()
        }
    }

    /// Whether the checkbox `field` is ticked: as sent, else `default`.
    pub fn checked(
        &self,
        form: &str,
        field: &str,
        default: impl std::borrow::Borrow<bool>,
    ) -> bool {
        if self.is(form) {
            self.sent.get(field).is_some()
        } else {
            *default.borrow()
        }
    }

    /// The error to show beside `field` of `form`.
    pub fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.is(form) && self.field.as_deref() == Some(field))
            .then_some(self.beside.as_deref())
            .flatten()
    }

    /// Whether `form` was sent and has an error (a collapsed form opens to show it).
    pub fn failed(&self, form: &str) -> bool {
        self.is(form) && self.beside.is_some()
    }

    /// The attributes of `field`'s element: `aria-invalid` and `aria-describedby` naming its
    /// error (after `hint`, an element id that describes it anyway, or "").
    pub fn aria(&self, form: &str, field: &str, hint: &str) -> String {
        let mut ids: Vec<String> = Vec::new();
        if !hint.is_empty() {
            ids.push(hint.to_owned());
        }
        let invalid = self.error(form, field).is_some();
        if invalid {
            ids.push(format!("{form}-{field}-error"));
        }
        let mut out = String::new();
        if invalid {
            out.push_str(r#" aria-invalid="true""#);
        }
        if !ids.is_empty() {
            out.push_str(&format!(
                r#" aria-describedby="{}""#,
                html_attr(&ids.join(" "))
            ));
        }
        out
    }

    /// The element the page's error summary links to: the field with the error.
    pub fn anchor(&self) -> Option<String> {
        let form = self.sent.get("_form").filter(|f| !f.is_empty())?;
        let field = self.field.as_deref()?;
        self.beside.as_ref()?;
        Some(format!("{form}-{field}"))
    }
}

/// Text for an attribute value (ids are ours, but a sent `_form` is not).
fn html_attr(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .collect()
}

/// An error in the user's language.
pub fn describe(t: Tr, e: &ApiError) -> String {
    match e.kind {
        "invalid" => match (&e.field, &e.reason) {
            (Some(f), Some(reason)) => format!("{} — {}", t.field(f), t.reason_of(reason)),
            (None, Some(reason)) => format!("{}: {}", t.t("error-invalid"), t.reason_of(reason)),
            // A form the page could not read at all (not one a person can fill in wrongly).
            (_, None) => t.t("error-form_unreadable").into_owned(),
        },
        "conflict" => match &e.reason {
            Some(reason) => format!("{}: {}", t.t("error-conflict"), t.reason_of(reason)),
            None => t.t("error-conflict").into_owned(),
        },
        // A refusal says why when the rule has a reason (a protected identity lifted by an
        // edit, a client outside one's reach), as the API does.
        "forbidden" => match &e.reason {
            Some(reason) => format!("{}: {}", t.t("error-forbidden"), t.reason_of(reason)),
            None => t.t("error-forbidden").into_owned(),
        },
        "not-found" => t.t("error-not_found").into_owned(),
        "unavailable" => t.t("error-unavailable").into_owned(),
        "payload-too-large" => t.t("error-too_large").into_owned(),
        "rate-limited" => t.t("login-rate_limited").into_owned(),
        "unauthenticated" => t.t("login-session_gone").into_owned(),
        // The rest are requests a page does not make (a wrong media type, a broken body):
        // said plainly, never in the API's English.
        "internal" => t.t("error-internal").into_owned(),
        _ => t.t("error-bad_request").into_owned(),
    }
}

/// What a page handler starts from: the application, the reader's language, and the caller
/// the access check admitted.
pub struct Req {
    pub state: AppState,
    pub t: Tr,
    pub caller: Caller,
}

impl FromRequestParts<AppState> for Req {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(t) = Tr::from_request_parts(parts, state).await;
        Ok(Req {
            state: state.clone(),
            t,
            caller: Caller::from_request_parts(parts, state).await?,
        })
    }
}

/// What a page handler answers: the page, or an error page in the page's frame.
pub type PageResult = Result<Response, PageError>;

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_request_parts(parts, state).await?;
        let lang = jar
            .get(LANG_COOKIE)
            .and_then(|c| Lang::from_code(c.value()))
            .unwrap_or_default();
        Ok(Tr::new(lang))
    }
}

/// Renders a template; a template error is a bug and becomes a plain 500.
pub fn render<T: Template>(status: StatusCode, tpl: &T) -> Response {
    match tpl.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// A piece of a page (a live list, a card) rendered on its own, to send by itself or set into
/// a page; a template error is a bug and becomes an internal error.
pub trait Fragment {
    fn fragment(&self) -> Result<String, ApiError>;
}

impl<T: Template> Fragment for T {
    fn fragment(&self) -> Result<String, ApiError> {
        self.render().map_err(|e| {
            ApiError::from(vaka_service::ServiceError::internal_caused(
                "rendering a template",
                e,
            ))
        })
    }
}

#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub page: PageCtx,
    pub heading: String,
    pub text: String,
    pub request_id: Option<String>,
    pub back: String,
}

pub fn message(
    status: StatusCode,
    page: PageCtx,
    heading: &str,
    text: &str,
    back: &str,
) -> Response {
    render(
        status,
        &MessagePage {
            heading: heading.to_owned(),
            text: text.to_owned(),
            request_id: None,
            back: back.to_owned(),
            page,
        },
    )
}

pub fn forbidden_page(page: PageCtx) -> Response {
    let t = page.t;
    message(
        StatusCode::FORBIDDEN,
        page,
        &t.t("error-forbidden"),
        &t.t("error-forbidden"),
        "/",
    )
}

pub fn not_found_page(page: PageCtx) -> Response {
    let t = page.t;
    message(
        StatusCode::NOT_FOUND,
        page,
        &t.t("error-not_found"),
        &t.t("error-not_found"),
        "/",
    )
}

pub fn csrf_failed_page() -> Response {
    let page = PageCtx::default();
    message(
        StatusCode::FORBIDDEN,
        page,
        "Formuläret kunde inte skickas",
        "Sidan var för gammal eller kom från en annan webbplats. Ladda om sidan och försök igen.",
        "/",
    )
}

/// An error as a page (or as a problem document under `/api/`).
pub fn error_response(path: &str, e: ApiError, page: PageCtx) -> Response {
    if crate::identity::is_api(path) {
        return e.into_response();
    }
    if let Some(internal) = &e.internal {
        tracing::error!(status = e.status.as_u16(), error = %internal, "page failed");
    }
    let t = page.t;
    let text = describe(t, &e);
    let heading = match e.status {
        StatusCode::FORBIDDEN => t.t("error-forbidden"),
        StatusCode::NOT_FOUND => t.t("error-not_found"),
        _ => t.t("common-error"),
    };
    message(e.status, page, &heading, &text, "/")
}

/// The error page for a page handler.
pub struct PageError {
    pub error: ApiError,
    pub page: PageCtx,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_response("/", self.error, self.page)
    }
}

pub trait OrPage<T> {
    fn or_page(self, page: &PageCtx) -> Result<T, PageError>;
}

impl<T, E: Into<ApiError>> OrPage<T> for Result<T, E> {
    fn or_page(self, page: &PageCtx) -> Result<T, PageError> {
        self.map_err(|e| PageError {
            error: e.into(),
            page: page.clone(),
        })
    }
}

/// A form for a page: malformed input gets a readable page, not a JSON problem.
pub struct PageForm<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let t = Tr::from_request_parts(&mut parts, state)
            .await
            .unwrap_or_default();
        let req = axum::extract::Request::from_parts(parts, body);
        match axum::Form::<T>::from_request(req, state).await {
            Ok(f) => Ok(PageForm(f.0)),
            Err(r) => Err(error_response(
                "/",
                ApiError::from(r),
                PageCtx::anonymous(t),
            )),
        }
    }
}

/// A form for a page that also keeps what it sent, to show it again beside an error
/// ([`PageCtx::keeping`]).
pub struct KeptForm<T>(pub T, pub Sent);

impl<S, T> axum::extract::FromRequest<S> for KeptForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let t = Tr::from_request_parts(&mut parts, state)
            .await
            .unwrap_or_default();
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            let e = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "the form is too large",
            );
            return Err(error_response("/", e, PageCtx::anonymous(t)));
        };
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes.clone()));
        let form = match axum::Form::<T>::from_request(req, state).await {
            Ok(f) => f.0,
            Err(r) => {
                return Err(error_response(
                    "/",
                    ApiError::from(r),
                    PageCtx::anonymous(t),
                ));
            }
        };
        let sent: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
        Ok(KeptForm(form, Sent(sent)))
    }
}

/// A record's page from its path: the frame in `section` with the `?ok=` notice, the id parsed
/// (anything else is "not found"), and `show` draws the page.
pub async fn record_page<Id: std::str::FromStr>(
    Req { state, t, caller }: Req,
    section: &'static str,
    raw_id: &str,
    ok: Option<&str>,
    show: impl AsyncFnOnce(&AppState, &Caller, Id, PageCtx) -> PageResult,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, section).with_flash_key(ok);
    let id = parse_id(raw_id, &page)?;
    show(&state, &caller, id, page).await
}

/// Which errors of a change end on an error page instead of the form's page again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorPage {
    /// A refusal or an unknown record: the record's page may not (or cannot) be shown, so
    /// there is nothing to show again.
    RefusedOrUnknown,
    /// Only a refusal: a form that creates names other records, and one of them not being
    /// found is said beside the form.
    Refused,
    /// None: a queue or list says every error above itself, as the step was taken from it.
    Never,
}

impl ErrorPage {
    fn takes(self, e: &ApiError) -> bool {
        match self {
            ErrorPage::RefusedOrUnknown => {
                e.status == StatusCode::FORBIDDEN || e.status == StatusCode::NOT_FOUND
            }
            ErrorPage::Refused => e.status == StatusCode::FORBIDDEN,
            ErrorPage::Never => false,
        }
    }
}

/// How a change made from a page ends: `done` answers a success (mostly a redirect back with
/// a notice); an error `errors` names is an error page; any other error shows the page again
/// (`again`) with the error beside its form, what was typed kept.
pub async fn after_change<T, E: Into<ApiError>>(
    errors: ErrorPage,
    result: Result<T, E>,
    page: PageCtx,
    done: impl FnOnce(T, PageCtx) -> Response,
    again: impl AsyncFnOnce(PageCtx) -> PageResult,
) -> PageResult {
    match result.map_err(Into::into) {
        Ok(v) => Ok(done(v, page)),
        Err(e) if errors.takes(&e) => Err(PageError { error: e, page }),
        Err(e) => again(page.with_error(&e)).await,
    }
}

/// How a form that creates a record ends: success goes to the address `done` gives for what
/// was created; a refusal is an error page; any other error (one naming a record that is not
/// found too) shows the form again (`again`) with the error beside it.
pub async fn after_create<T, E: Into<ApiError>>(
    result: Result<T, E>,
    page: PageCtx,
    done: impl FnOnce(T) -> String,
    again: impl AsyncFnOnce(PageCtx) -> PageResult,
) -> PageResult {
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |v, _| Redirect::to(&done(v)).into_response(),
        again,
    )
    .await
}

/// A change made from a record's page: the frame in `section`, the record's id from the path
/// (anything else is "not found"), `work` makes the change, and success goes to the address
/// `done` gives (the record's page with a notice). A refusal or an unknown record is an error
/// page; any other error shows the record's page (`show`) again with the error beside its form.
pub async fn change_record<Id: std::str::FromStr + Copy, T, E: Into<ApiError>>(
    r: Req,
    section: &'static str,
    raw_id: &str,
    work: impl AsyncFnOnce(&AppState, &Caller, Id) -> Result<T, E>,
    done: impl FnOnce(Id) -> String,
    show: impl AsyncFnOnce(&AppState, &Caller, Id, PageCtx) -> PageResult,
) -> PageResult {
    change_record_answering(
        r,
        section,
        raw_id,
        work,
        |id, _, _| Redirect::to(&done(id)).into_response(),
        show,
    )
    .await
}

/// [`change_record`] for a change whose success is a page of its own (`done` draws it from
/// what the change gave, in the frame), such as a secret shown once.
pub async fn change_record_answering<Id: std::str::FromStr + Copy, T, E: Into<ApiError>>(
    Req { state, t, caller }: Req,
    section: &'static str,
    raw_id: &str,
    work: impl AsyncFnOnce(&AppState, &Caller, Id) -> Result<T, E>,
    done: impl FnOnce(Id, T, PageCtx) -> Response,
    show: impl AsyncFnOnce(&AppState, &Caller, Id, PageCtx) -> PageResult,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, section);
    let id: Id = parse_id(raw_id, &page)?;
    let result = work(&state, &caller, id).await;
    after_change(
        ErrorPage::RefusedOrUnknown,
        result,
        page,
        |v, page| done(id, v, page),
        async |page| show(&state, &caller, id, page).await,
    )
    .await
}

/// A step taken from a list (the patrol's, a console's queue): the frame in `section`, the id
/// from the path (anything else is "not found"), `work` takes the step, and success goes to
/// the address `done` gives. Every error shows the list (`show`) again with the error above
/// it, as that is where the step was taken.
pub async fn list_step<Id: std::str::FromStr + Copy, T, E: Into<ApiError>>(
    Req { state, t, caller }: Req,
    section: &'static str,
    raw_id: &str,
    work: impl AsyncFnOnce(&AppState, &Caller, Id) -> Result<T, E>,
    done: impl FnOnce(T) -> String,
    show: impl AsyncFnOnce(&AppState, &Caller, PageCtx) -> PageResult,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, section);
    let id: Id = parse_id(raw_id, &page)?;
    let result = work(&state, &caller, id).await;
    after_change(
        ErrorPage::Never,
        result,
        page,
        |v, _| Redirect::to(&done(v)).into_response(),
        async |page| show(&state, &caller, page).await,
    )
    .await
}

/// Parses an id from the path; anything else is "not found".
pub fn parse_id<T: std::str::FromStr>(raw: &str, page: &PageCtx) -> Result<T, PageError> {
    found(raw).or_page(page)
}

/// An id of the path inside a change (where there is no frame yet): an unknown one is "not
/// found", as [`parse_id`] says it.
pub fn found<T: std::str::FromStr>(raw: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found("page"))
}

/// An optional id from a form or query field, where an empty string means none.
pub fn opt_id<T: std::str::FromStr>(
    raw: Option<&str>,
    field: &'static str,
    page: &PageCtx,
) -> Result<Option<T>, PageError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| PageError {
            error: ApiError::invalid(field, vaka_domain::reason::InputReason::NotValid),
            page: page.clone(),
        }),
    }
}

/// The zone every page shows times in.
pub fn stockholm() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// A time for people to read: Stockholm local time, minutes.
pub fn local_time(ts: jiff::Timestamp) -> String {
    ts.to_zoned(stockholm())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

/// A period for people to read: `2026-12-08 10:00–12:00` (the day once when it is one day).
pub fn period(from: jiff::Timestamp, to: jiff::Timestamp) -> String {
    let (a, b) = (from.to_zoned(stockholm()), to.to_zoned(stockholm()));
    if a.date() == b.date() {
        format!("{}–{}", a.strftime("%Y-%m-%d %H:%M"), b.strftime("%H:%M"))
    } else {
        format!("{} – {}", local_time(from), local_time(to))
    }
}

/// A banner in the reader's language.
pub fn banner_line(t: Tr, b: &vaka_service::operations::banners::Banner) -> BannerLine {
    match b {
        vaka_service::operations::banners::Banner::Downtime {
            title,
            starts_at,
            ends_at,
            ongoing,
            ..
        } => BannerLine {
            kind: if *ongoing {
                "downtime-ongoing"
            } else {
                "downtime"
            },
            text: t
                .message(
                    if *ongoing {
                        "ops-banner-downtime-ongoing"
                    } else {
                        "ops-banner-downtime"
                    },
                    &[
                        ("title", title.into()),
                        ("period", period(*starts_at, *ends_at).into()),
                    ],
                )
                .into_owned(),
        },
        vaka_service::operations::banners::Banner::Outage {
            what,
            reported_at,
            route,
            ..
        } => BannerLine {
            kind: "outage",
            text: t
                .message(
                    "ops-banner-outage",
                    &[
                        ("what", what.into()),
                        ("at", local_time(*reported_at).into()),
                        ("route", t.code("ops-route", route.code()).into()),
                    ],
                )
                .into_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(pairs: &[(&str, &str)]) -> Sent {
        Sent(
            pairs
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// A form shown again keeps what it sent and puts its error beside the field; the page's
    /// other forms show their own defaults.
    #[test]
    fn a_form_shown_again_keeps_what_it_sent_and_its_error_beside_the_field() {
        let t = Tr::new(Lang::Sv);
        let e = ApiError::invalid("note", vaka_domain::reason::AlarmReason::CloseNeedsNote);
        let page = PageCtx::anonymous(t).with_error(&e).keeping(sent(&[
            ("_form", "close"),
            ("cause", "other"),
            ("note", ""),
        ]));
        let k = &page.kept;
        assert!(k.is("close") && !k.is("call") && !k.is(""));
        assert!(k.chosen("close", "cause", "other", false));
        assert!(!k.chosen("close", "cause", "help_given", true));
        // Another form on the page: its defaults.
        assert!(k.chosen("call", "link", "night_patrol", true));
        assert_eq!(k.value("call", "note", "x"), "x");
        assert_eq!(k.value("close", "note", "x"), "");
        assert_eq!(
            k.error("close", "note"),
            Some("beskriv vad som hände när orsaken är Annan")
        );
        assert_eq!(k.error("close", "cause"), None);
        assert_eq!(k.error("call", "note"), None);
        assert_eq!(
            k.aria("close", "note", "hint"),
            r#" aria-invalid="true" aria-describedby="hint close-note-error""#
        );
        assert_eq!(k.aria("close", "cause", ""), "");
        assert_eq!(k.aria("close", "cause", "h"), r#" aria-describedby="h""#);
        assert_eq!(k.anchor().as_deref(), Some("close-note"));
        assert!(k.failed("close") && !k.failed("call"));
        // A form that named itself oddly cannot break out of the attribute.
        let odd = PageCtx::anonymous(t)
            .with_error(&e)
            .keeping(sent(&[("_form", r#"x" onclick="y"#)]));
        assert!(
            !odd.kept
                .aria(r#"x" onclick="y"#, "note", "")
                .contains("onclick=\"")
        );
    }

    /// The form token travels in the body of posted forms only, never in an address: no
    /// template puts it in a link or a query, and no form sent by GET carries it.
    #[test]
    fn the_form_token_never_appears_in_an_address() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let html = std::fs::read_to_string(&path).unwrap();
            seen += 1;
            assert!(!html.contains("_csrf="), "{}", path.display());
            assert!(!html.contains("csrf }}&"), "{}", path.display());
            for form in html.split("<form").skip(1) {
                let form = form.split("</form>").next().unwrap_or_default();
                let head = form.split('>').next().unwrap_or_default().to_lowercase();
                if !head.contains(r#"method="post""#) {
                    assert!(!form.contains("_csrf"), "{}: {head}", path.display());
                }
            }
        }
        assert!(seen > 20);
    }
}
