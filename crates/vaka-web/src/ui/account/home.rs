//! The overview, one's own profile, and the client list.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::directory::UserAccount;

use crate::extract::{Form, Query};
use crate::i18n::Tr;
use crate::identity::{Caller, clear_session_cookie};
use crate::page::{OrPage, PageCtx, PageResult, Req, render};
use crate::state::AppState;
use crate::ui::account::login::CodesPage;

#[derive(Debug, Deserialize, Default)]
pub struct Flash {
    pub ok: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub page: PageCtx,
    pub name: String,
    pub roles: Vec<String>,
    pub show_tasks: bool,
    pub pending: usize,
    pub unused: usize,
    /// Missed supervisions at one's units in the last day: (client id, name, time, status).
    pub alerts: Vec<(vaka_domain::ids::ClientId, String, String, String)>,
}

fn role_labels(
    t: Tr,
    caller: &Caller,
    unit_names: &[(vaka_domain::ids::UnitId, String)],
) -> Vec<String> {
    caller
        .principal
        .assignments
        .iter()
        .map(|a| {
            let role = t.code("role", a.role.code());
            match a
                .unit_id
                .and_then(|u| unit_names.iter().find(|(id, _)| *id == u))
            {
                Some((_, name)) => format!("{role} — {name}"),
                None => role,
            }
        })
        .collect()
}

async fn unit_names(state: &AppState, caller: &Caller) -> Vec<(vaka_domain::ids::UnitId, String)> {
    // Unit names of one's own roles are not personal data; read them without the directory
    // permission so that every user sees their own roles named.
    let Ok(names) = state.services.directory_names(&caller.ctx(), &[]).await else {
        return Vec::new();
    };
    caller
        .principal
        .assignments
        .iter()
        .filter_map(|a| a.unit_id)
        .filter_map(|u| {
            let unit = names.units.iter().find(|x| x.id == u)?;
            Some((u, unit.name.clone()))
        })
        .collect()
}

pub async fn home(Req { state, t, caller }: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "home").with_flash_key(f.ok.as_deref());
    let summary = state
        .services
        .directory_summary(&caller.ctx())
        .await
        .or_page(&page)?;
    let names = unit_names(&state, &caller).await;
    let alerts = state
        .services
        .supervisor_alerts(&caller.ctx())
        .await
        .or_page(&page)?
        .into_iter()
        .map(|a| {
            (
                a.client_id,
                a.client_name,
                crate::page::local_time(a.created_at),
                t.code("dispatch_status", a.status.code()),
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &HomePage {
            name: caller.principal.display_name.clone(),
            roles: role_labels(t, &caller, &names),
            show_tasks: caller.principal.has_permission(Permission::DirectoryRead),
            pending: summary.pending_requests,
            unused: summary.unused_accounts,
            alerts,
            page,
        },
    ))
}

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub page: PageCtx,
    pub user: UserAccount,
    pub org_name: String,
    pub roles: Vec<String>,
    /// The sensitive forms (password, recovery codes) ask for a current code: the session's
    /// second factor is not fresh.
    pub needs_code: bool,
}

async fn profile_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let t = page.t;
    let (user, org) = state
        .services
        .own_account(&caller.ctx())
        .await
        .or_page(&page)?;
    let org_name = org.map(|o| o.name).unwrap_or_default();
    let names = unit_names(state, caller).await;
    let status = if page.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let needs_code = user.totp_enabled
        && state
            .services
            .needs_fresh_second_factor(caller.session.as_ref());
    Ok(render(
        status,
        &ProfilePage {
            needs_code,
            roles: role_labels(t, caller, &names),
            user,
            org_name,
            page,
        },
    ))
}

pub async fn profile(Req { state, t, caller }: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "profile").with_flash_key(f.ok.as_deref());
    profile_page(&state, &caller, page).await
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    pub current: String,
    pub new_password: String,
    pub repeat: String,
    /// A current one-time code (or a recovery code), when the session's is not fresh.
    #[serde(default)]
    pub code: Option<String>,
}

/// A sensitive action's confirmation: a current one-time code (or a recovery code).
#[derive(Debug, Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    pub code: Option<String>,
}

pub async fn change_password(
    Req { state, t, caller }: Req,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let mut page = PageCtx::for_caller(&caller, t, "profile");
    if form.new_password != form.repeat {
        page.error = Some(t.t("password-mismatch").into_owned());
        return profile_page(&state, &caller, page).await;
    }
    match state
        .services
        .change_password(
            &caller.ctx(),
            &form.current,
            &form.new_password,
            form.code.as_deref(),
        )
        .await
    {
        Ok(()) => Ok(Redirect::to("/profile?ok=password-changed").into_response()),
        Err(e) => profile_page(&state, &caller, page.with_error(&e.into())).await,
    }
}

pub async fn renew_codes(Req { state, t, caller }: Req, Form(form): Form<CodeForm>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "profile");
    let codes = match state
        .services
        .renew_recovery_codes(&caller.ctx(), form.code.as_deref())
        .await
    {
        Ok(codes) => codes,
        // The profile again, saying why (a code is needed, or the one given was wrong).
        Err(e) => return profile_page(&state, &caller, page.with_error(&e.into())).await,
    };
    Ok(render(
        StatusCode::OK,
        &CodesPage {
            heading: t.t("profile-renew_codes").into_owned(),
            codes,
            page,
        },
    ))
}

pub async fn logout_everywhere(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    caller: Caller,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "profile");
    state
        .services
        .logout_everywhere(&caller.ctx())
        .await
        .or_page(&page)?;
    Ok((
        jar.add(clear_session_cookie(&state)),
        Redirect::to("/login?ok=login-logged_out"),
    )
        .into_response())
}
