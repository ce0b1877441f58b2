//! Log review (loggranskning) in the pages: the reviews waiting and done with the quarterly
//! summary per unit, the form for a review on request, and one review with its entries, each
//! marked OK or for follow-up, and its sign-off.

use askama::Template;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::ids::LogReviewId;
use vaka_domain::log_review::ReviewMark;
use vaka_service::log_review::{
    QuarterRow, ReviewEntryView, ReviewRequestInput, ReviewSummary, ReviewView,
};

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::identity::{Access, Caller};
use crate::page::{KeptForm, OrPage, PageCtx, PageResult, Req, after_create, local_time};
use crate::routes::Routes;
use crate::state::AppState;
use crate::ui::account::home::Flash;

const REVIEW: Access = Access::Permission(Permission::AuditRead);
const SECTION: &str = "logreview";

/// Registers the log review pages.
pub fn register(r: Routes) -> Routes {
    r.get("/log-review", REVIEW, list)
        .post("/log-review/requests", REVIEW, request)
        .get("/log-review/{id}", REVIEW, show)
        .post("/log-review/{id}/entries/{seq}", REVIEW, mark)
        .post("/log-review/{id}/sign", REVIEW, sign)
}

/// A review as the list shows it.
pub struct ReviewRow {
    pub id: String,
    pub kind: &'static str,
    pub unit: String,
    pub period: String,
    pub due: String,
    pub assignees: String,
    pub progress: String,
    pub follow_ups: u64,
    /// `signed`, `overdue` or `open`.
    pub state: &'static str,
    pub signed: String,
    pub escalated: String,
}

/// An entry of a review, as words.
pub struct EntryRow {
    pub seq: u64,
    pub form: String,
    pub at: String,
    pub actor: String,
    pub username: String,
    pub role: String,
    pub action: String,
    pub outcome: String,
    pub client: String,
    pub identity: String,
    /// Why it was picked, worded.
    pub rules: Vec<String>,
    /// The rules' codes (a hook for tests).
    pub rule_codes: String,
    /// `ok`, `follow_up` or empty.
    pub mark: &'static str,
    pub note: String,
    pub marked: String,
}

#[derive(Template)]
#[template(path = "log_review.html")]
pub struct ListPage {
    pub page: PageCtx,
    pub waiting: Vec<ReviewRow>,
    pub done: Vec<ReviewRow>,
    pub quarters: Vec<QuarterRow>,
}

#[derive(Template)]
#[template(path = "log_review_view.html")]
pub struct ViewPage {
    pub page: PageCtx,
    pub review: ReviewRow,
    pub id: String,
    pub subject: String,
    pub reason: String,
    pub entries: Vec<EntryRow>,
    pub may_review: bool,
    /// How many entries are left to mark, in words.
    pub unmarked_text: String,
}

fn row(page: &PageCtx, r: &ReviewSummary) -> ReviewRow {
    let t = page.t;
    ReviewRow {
        id: r.id.to_string(),
        kind: r.kind.code(),
        unit: if r.unit.is_empty() {
            t.t("log-review-on-request").into_owned()
        } else {
            r.unit.clone()
        },
        period: format!("{} – {}", r.period_from, r.period_last),
        due: r.due_on.to_string(),
        assignees: r.assignees.join(", "),
        progress: format!("{}/{}", r.marked, r.entries),
        follow_ups: r.follow_ups,
        state: if r.signed_at.is_some() {
            "signed"
        } else if r.overdue {
            "overdue"
        } else {
            "open"
        },
        signed: match (&r.signed_by, r.signed_at) {
            (Some(by), Some(at)) => format!("{by} {}", local_time(at)),
            (None, Some(at)) => local_time(at),
            _ => String::new(),
        },
        escalated: r.escalated_at.map(local_time).unwrap_or_default(),
    }
}

fn entry_row(page: &PageCtx, e: &ReviewEntryView) -> EntryRow {
    let t = page.t;
    let rules = e
        .rules
        .iter()
        .map(|r| match (r.code(), e.distinct_clients) {
            ("many_clients", Some(n)) => t
                .message("log-review-many-clients-count", &[("count", n.into())])
                .into_owned(),
            (code, _) => t.code("log-review-rule", code),
        })
        .collect();
    EntryRow {
        seq: e.seq,
        form: format!("entry-{}", e.seq),
        at: e.at.map(local_time).unwrap_or_default(),
        actor: e.actor.clone(),
        username: e.actor_username.clone(),
        role: e
            .actor_role
            .map(|r| t.code("role", r.code()))
            .unwrap_or_default(),
        action: if e.action.is_empty() {
            t.t("log-review-entry-purged").into_owned()
        } else {
            t.code("audit_action", &e.action.replace('.', "-"))
        },
        outcome: e
            .outcome
            .map(|o| t.code("audit-outcome", o.code()))
            .unwrap_or_default(),
        client: e.client.clone(),
        identity: e.client_identity.clone(),
        rules,
        rule_codes: e
            .rules
            .iter()
            .map(|r| r.code())
            .collect::<Vec<_>>()
            .join(" "),
        mark: e.mark.map_or("", ReviewMark::code),
        note: e.note.clone(),
        marked: e.marked_at.map(local_time).unwrap_or_default(),
    }
}

async fn list_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let ctx = caller.ctx();
    let reviews = state.services.log_reviews(&ctx).await.or_page(&page)?;
    let quarters = vaka_service::log_review::quarters(&reviews);
    let (waiting, done): (Vec<_>, Vec<_>) = reviews.iter().partition(|r| r.signed_at.is_none());
    Ok(crate::page::render(
        page.status(),
        &ListPage {
            waiting: waiting.iter().map(|r| row(&page, r)).collect(),
            done: done.iter().map(|r| row(&page, r)).collect(),
            quarters,
            page,
        },
    ))
}

pub async fn list(r: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, SECTION).with_flash_key(f.ok.as_deref());
    list_page(&r.state, &r.caller, page).await
}

pub async fn request(r: Req, KeptForm(form, sent): KeptForm<ReviewRequestInput>) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, SECTION);
    let result = state
        .services
        .request_log_review(&caller.ctx(), form)
        .await
        .map_err(ApiError::from);
    after_create(
        result,
        page,
        |id| format!("/log-review/{id}?ok=log-review-requested-ok"),
        async |page| list_page(&state, &caller, page.keeping(sent)).await,
    )
    .await
}

async fn view_page(
    state: &AppState,
    caller: &Caller,
    id: LogReviewId,
    page: PageCtx,
) -> PageResult {
    let v: ReviewView = state
        .services
        .log_review(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let entries: Vec<EntryRow> = v.entries.iter().map(|e| entry_row(&page, e)).collect();
    Ok(crate::page::render(
        page.status(),
        &ViewPage {
            review: row(&page, &v.summary),
            id: id.to_string(),
            subject: v.subject.clone().unwrap_or_default(),
            reason: v.summary.reason.clone().unwrap_or_default(),
            unmarked_text: match v.entries.iter().filter(|e| e.mark.is_none()).count() {
                0 => page.t.t("log-review-all-marked").into_owned(),
                n => page
                    .t
                    .message("log-review-unmarked-left", &[("count", n.into())])
                    .into_owned(),
            },
            may_review: v.summary.may_review,
            entries,
            page,
        },
    ))
}

pub async fn show(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, SECTION).with_flash_key(f.ok.as_deref());
    let id: LogReviewId = crate::page::parse_id(&id, &page)?;
    view_page(&r.state, &r.caller, id, page).await
}

#[derive(Debug, Default, Deserialize)]
pub struct MarkForm {
    #[serde(default)]
    pub mark: String,
    #[serde(default)]
    pub note: String,
}

pub async fn mark(
    r: Req,
    Path((id, seq)): Path<(String, String)>,
    KeptForm(form, sent): KeptForm<MarkForm>,
) -> PageResult {
    let Ok(seq) = seq.parse::<u64>() else {
        let page = PageCtx::for_caller(&r.caller, r.t, SECTION);
        return Err(ApiError::not_found("page")).or_page(&page);
    };
    crate::page::change_record(
        r,
        SECTION,
        &id,
        async |s, c, id: LogReviewId| {
            s.services
                .mark_log_review_entry(&c.ctx(), id, seq, &form.mark, &form.note)
                .await
        },
        |id| format!("/log-review/{id}?ok=log-review-marked-ok#entry-{seq}"),
        async |s, c, id, page| view_page(s, c, id, page.keeping(sent)).await,
    )
    .await
}

/// A form with nothing but its token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

pub async fn sign(
    r: Req,
    Path(id): Path<String>,
    KeptForm(_, sent): KeptForm<NoFields>,
) -> PageResult {
    crate::page::change_record(
        r,
        SECTION,
        &id,
        async |s, c, id: LogReviewId| s.services.sign_log_review(&c.ctx(), id).await,
        |id| format!("/log-review/{id}?ok=log-review-signed-ok"),
        async |s, c, id, page| view_page(s, c, id, page.keeping(sent)).await,
    )
    .await
}
