//! The municipality's lock dates: per provider, the last day on which no visit may be
//! registered or changed; moving it back reopens the days after it.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::ids::OrganisationId;

use crate::error::ApiError;
use crate::extract::Query;
use crate::page::{
    KeptForm, OrPage, PageCtx, PageError, PageResult, Req, found, local_time, render,
};
use crate::ui::registry::clients::form_date;

pub struct LockRow {
    pub id: String,
    pub name: String,
    pub locked_through: String,
    pub set_at: String,
}

#[derive(Template)]
#[template(path = "homecare_locks.html")]
pub struct LocksPage {
    pub page: PageCtx,
    pub rows: Vec<LockRow>,
}

#[derive(Debug, Deserialize)]
pub struct OkQuery {
    pub ok: Option<String>,
}

pub async fn page(r: Req, Query(q): Query<OkQuery>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "homecare").with_flash_key(q.ok.as_deref());
    show(&r, page).await
}

async fn show(r: &Req, page: PageCtx) -> PageResult {
    let list = r
        .state
        .services
        .lock_dates(&r.caller.ctx())
        .await
        .or_page(&page)?;
    let rows = list
        .into_iter()
        .map(|p| LockRow {
            id: p.organisation.id.to_string(),
            name: p.organisation.name,
            locked_through: p
                .lock
                .as_ref()
                .map(|l| l.locked_through.to_string())
                .unwrap_or_default(),
            set_at: p
                .lock
                .as_ref()
                .map(|l| local_time(l.set_at))
                .unwrap_or_default(),
        })
        .collect();
    let status = page.status();
    Ok(render(status, &LocksPage { page, rows }))
}

#[derive(Debug, Deserialize)]
pub struct LockForm {
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub locked_through: String,
}

pub async fn set(r: Req, KeptForm(form, sent): KeptForm<LockForm>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "homecare");
    let result: Result<_, ApiError> = async {
        let org: OrganisationId = found(&form.organisation_id)?;
        let through = form_date("locked_through", &form.locked_through)?;
        Ok(r.state
            .services
            .set_lock_date(&r.caller.ctx(), org, through)
            .await?)
    }
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/homecare/lock-dates?ok=hc-lock-saved").into_response()),
        Err(e) if e.status == StatusCode::FORBIDDEN => Err(PageError { error: e, page }),
        Err(e) => show(&r, page.with_error(&e).keeping(sent)).await,
    }
}
