//! Retention (gallring) in the pages, for the system manager: the retention table per kind of
//! record (each changeable, never below the law's floor), a preview of what the next purge
//! removes, running it now with its report, the latest runs, and legal holds per client.

use askama::Template;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::ids::ClientId;
use vaka_service::retention::RetentionRow;
use vaka_service::retention::purge::{PurgePreview, PurgeRun};

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Arg;
use crate::identity::{Access, Caller};
use crate::page::{
    ErrorPage, KeptForm, OrPage, PageCtx, PageResult, Req, Sent, after_change, local_time,
};
use crate::routes::Routes;
use crate::state::AppState;
use crate::ui::account::home::Flash;

const MANAGE: Access = Access::Permission(Permission::RetentionManage);
const SECTION: &str = "retention";

/// Registers the retention pages.
pub fn register(r: Routes) -> Routes {
    r.get("/retention", MANAGE, show)
        .post("/retention/kinds/{kind}", MANAGE, set_days)
        .post("/retention/purge", MANAGE, run)
        .post("/retention/holds", MANAGE, place_hold)
        .post("/retention/holds/{client}/lift", MANAGE, lift_hold)
}

/// One kind of record as the table shows it.
pub struct KindRow {
    pub code: &'static str,
    pub name: String,
    pub days: u32,
    pub default_days: u32,
    pub min_days: u32,
    pub before: String,
    /// What the next purge removes of it.
    pub records: u64,
    /// The form's name (its fields' ids start with it).
    pub form: String,
}

/// A run as listed.
pub struct RunRow {
    pub started: String,
    pub finished: Option<String>,
    pub by_job: bool,
    /// `(kind's name, rows removed)` of the kinds with anything removed or left.
    pub kinds: Vec<(String, u64, Option<String>)>,
    pub total: u64,
}

/// A client under a hold.
pub struct HoldRow {
    pub client_id: ClientId,
    pub name: String,
    pub identity: String,
    pub reason: String,
    pub placed: String,
}

#[derive(Template)]
#[template(path = "retention.html")]
pub struct RetentionPage {
    pub page: PageCtx,
    pub kinds: Vec<KindRow>,
    pub held_clients: u64,
    pub audit_key: bool,
    pub total: u64,
    /// The preview in a sentence.
    pub summary: String,
    pub runs: Vec<RunRow>,
    pub holds: Vec<HoldRow>,
}

fn kind_rows(page: &PageCtx, table: &[RetentionRow], preview: &PurgePreview) -> Vec<KindRow> {
    table
        .iter()
        .map(|r| KindRow {
            code: r.kind.code(),
            name: page.t.code("retention-kind", r.kind.code()),
            days: r.days,
            default_days: r.default_days,
            min_days: r.min_days,
            before: r.purges_before.to_string(),
            records: preview
                .kinds
                .iter()
                .find(|k| k.kind == r.kind)
                .map_or(0, |k| k.records),
            form: format!("kind-{}", r.kind.code()),
        })
        .collect()
}

fn run_rows(page: &PageCtx, runs: Vec<PurgeRun>) -> Vec<RunRow> {
    runs.into_iter()
        .map(|run| {
            let kinds: Vec<(String, u64, Option<String>)> = run
                .report
                .as_ref()
                .map(|r| {
                    r.kinds
                        .iter()
                        .filter(|k| k.total() > 0 || k.skipped.is_some())
                        .map(|k| {
                            (
                                page.t.code("retention-kind", &k.kind),
                                k.total(),
                                k.skipped
                                    .as_deref()
                                    .map(|s| page.t.code("retention-skipped", s)),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            RunRow {
                started: local_time(run.started_at),
                finished: run.finished_at.map(local_time),
                by_job: run.started_by.is_none(),
                total: kinds.iter().map(|k| k.1).sum(),
                kinds,
            }
        })
        .collect()
}

async fn page_of(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let ctx = caller.ctx();
    let s = &state.services;
    let table = s.retention_table(&ctx).await.or_page(&page)?;
    let preview = s.purge_preview(&ctx).await.or_page(&page)?;
    let runs = s.purge_runs(&ctx, 10).await.or_page(&page)?;
    let holds = s.legal_holds(&ctx).await.or_page(&page)?;
    let kinds = kind_rows(&page, &table, &preview);
    let runs = run_rows(&page, runs);
    let total: u64 = kinds.iter().map(|k| k.records).sum();
    let summary = page
        .t
        .message(
            "retention-preview-total",
            &[
                ("total", Arg::Int(i64::try_from(total).unwrap_or(i64::MAX))),
                (
                    "held",
                    Arg::Int(i64::try_from(preview.held_clients).unwrap_or(i64::MAX)),
                ),
            ],
        )
        .into_owned();
    Ok(crate::page::render(
        page.status(),
        &RetentionPage {
            total,
            summary,
            kinds,
            held_clients: preview.held_clients,
            audit_key: preview.audit_key,
            runs,
            holds: holds
                .into_iter()
                .map(|h| HoldRow {
                    client_id: h.client.id,
                    name: h.client.name,
                    identity: h.client.identity,
                    reason: h.reason,
                    placed: local_time(h.placed_at),
                })
                .collect(),
            page,
        },
    ))
}

pub async fn show(r: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, SECTION).with_flash_key(f.ok.as_deref());
    page_of(&r.state, &r.caller, page).await
}

/// Back to the page with a notice, or the page again with the error beside the form.
async fn done<T>(r: Req, result: Result<T, ApiError>, sent: Sent, ok: &'static str) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, SECTION);
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |_, _| {
            axum::response::IntoResponse::into_response(axum::response::Redirect::to(&format!(
                "/retention?ok={ok}"
            )))
        },
        async |page| page_of(&state, &caller, page.keeping(sent)).await,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct DaysForm {
    #[serde(default)]
    pub days: String,
}

pub async fn set_days(
    r: Req,
    Path(kind): Path<String>,
    KeptForm(form, sent): KeptForm<DaysForm>,
) -> PageResult {
    let result = match form.days.trim().parse::<u32>() {
        Ok(days) => r
            .state
            .services
            .set_retention(&r.caller.ctx(), &kind, days)
            .await
            .map_err(ApiError::from),
        Err(_) => Err(ApiError::invalid(
            "days",
            vaka_domain::reason::InputReason::NotValid,
        )),
    };
    done(r, result, sent, "retention-saved").await
}

pub async fn run(r: Req, KeptForm(_, sent): KeptForm<NoFields>) -> PageResult {
    let result = r
        .state
        .services
        .run_purge(&r.caller.ctx())
        .await
        .map_err(ApiError::from);
    done(r, result, sent, "retention-purged").await
}

/// A form with nothing but its token.
#[derive(Debug, Default, Deserialize)]
pub struct NoFields {}

#[derive(Debug, Default, Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    pub identity: String,
    #[serde(default)]
    pub reason: String,
}

pub async fn place_hold(r: Req, KeptForm(form, sent): KeptForm<HoldForm>) -> PageResult {
    let result = r
        .state
        .services
        .place_legal_hold(&r.caller.ctx(), &form.identity, &form.reason)
        .await
        .map_err(ApiError::from);
    done(r, result, sent, "retention-hold-placed").await
}

pub async fn lift_hold(
    r: Req,
    Path(client): Path<String>,
    KeptForm(_, sent): KeptForm<NoFields>,
) -> PageResult {
    let result = match client.parse::<ClientId>() {
        Ok(id) => r
            .state
            .services
            .lift_legal_hold(&r.caller.ctx(), id)
            .await
            .map_err(ApiError::from),
        Err(_) => Err(ApiError::from(vaka_service::ServiceError::NotFound(
            "client",
        ))),
    };
    done(r, result, sent, "retention-hold-lifted").await
}
