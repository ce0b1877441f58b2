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
    /// What waits for the viewer, each with where to do it.
    pub work: Vec<WorkItem>,
    /// Consents to re-confirm: (client id, name, "service by date").
    pub consents: Vec<(vaka_domain::ids::ClientId, String, String)>,
    /// Missed supervisions at one's units in the last day: (client id, name, time, status).
    pub alerts: Vec<(vaka_domain::ids::ClientId, String, String, String)>,
    /// Clients of one's units left without supervision tonight or tomorrow night because their
    /// decision or consent lapsed: (client id, name, "night: why").
    pub lapses: Vec<(vaka_domain::ids::ClientId, String, String)>,
    /// Log reviews waiting for the viewer (a unit manager's own; the overdue ones escalated to
    /// the system manager): (review id, unit, "period, due day", overdue).
    pub log_reviews: Vec<(vaka_domain::ids::LogReviewId, String, String, bool)>,
    /// Whether the waiting reviews are those escalated (the heading says so).
    pub log_reviews_escalated: bool,
    /// The viewer records home-care visits: a link to the staff app (`/app`).
    pub staff_app: bool,
    /// The management plan's items for the viewer: (kind `overdue`/`reminder`/`incident`,
    /// the anchor on `/governance`, the line).
    pub governance: Vec<(&'static str, &'static str, String)>,
}

/// One line of the work list: how many things of a kind wait, and the page where they are
/// done (one the viewer may open: each line is there only for the permission its page needs).
pub struct WorkItem {
    /// A stable name for the line (`orders`, `technical`…), for tests and styles.
    pub code: &'static str,
    pub label: String,
    pub count: usize,
    pub href: &'static str,
    /// More about the count ("2 waiting to be taken").
    pub detail: Option<String>,
    /// Needs attention now.
    pub urgent: bool,
}

impl WorkItem {
    fn new(t: Tr, code: &'static str, label: &str, count: usize, href: &'static str) -> Self {
        Self {
            code,
            label: t.t(label).into_owned(),
            count,
            href,
            detail: None,
            urgent: false,
        }
    }
}

/// A part of the work list that could not be read is left out (the service has audited a
/// refusal); the rest of the overview still shows.
fn part<T>(what: &str, r: Result<T, vaka_service::ServiceError>) -> Option<T> {
    r.map_err(|e| tracing::warn!(part = what, error = %e, "work list part left out"))
        .ok()
}

/// What waits for the caller, by the permissions they hold; every count comes from the
/// service function of the page it links to (the same need-to-know filter, audited as there).
async fn work_list(state: &AppState, caller: &Caller, t: Tr) -> Vec<WorkItem> {
    let p = &caller.principal;
    let ctx = caller.ctx();
    let mut work = Vec::new();
    if p.has_permission(Permission::AlarmHandle)
        && let Some(q) = part("alarms", state.services.alarm_queue(&ctx).await)
        && !q.is_empty()
    {
        let waiting = q
            .iter()
            .filter(|a| a.state == vaka_domain::alarm::AlarmStatus::Received)
            .count();
        let mut w = WorkItem::new(t, "alarms", "home-alarms_open", q.len(), "/alarms");
        if waiting > 0 {
            w.detail = Some(format!("{waiting} {}", t.t("home-alarms_waiting")));
            w.urgent = true;
        }
        work.push(w);
    }
    if p.has_permission(Permission::DispatchRespond) {
        if let Some(a) = part(
            "responder_alarms",
            state.services.responder_alarms(&ctx).await,
        ) && !a.is_empty()
        {
            let mut w = WorkItem::new(
                t,
                "responder_alarms",
                "home-responder_alarms",
                a.len(),
                "/patrol",
            );
            w.urgent = true;
            work.push(w);
        }
        if let Some(d) = part("dispatches", state.services.patrol_dispatches(&ctx).await)
            && !d.is_empty()
        {
            let mut w = WorkItem::new(t, "dispatches", "home-dispatches", d.len(), "/patrol");
            w.urgent = true;
            work.push(w);
        }
    }
    if p.has_permission(Permission::Supervise) {
        let cams = state.cameras.clone();
        if let Some(q) = part(
            "supervision",
            state
                .services
                .supervision_queue(&ctx, &move |d| cams.is_online(d))
                .await,
        ) && !q.is_empty()
        {
            let now = q.iter().filter(|i| i.can_look_in).count();
            let mut w = WorkItem::new(
                t,
                "supervision",
                "home-supervision_tonight",
                q.len(),
                "/supervision",
            );
            if now > 0 {
                w.detail = Some(format!("{now} {}", t.t("home-supervision_now")));
                w.urgent = true;
            }
            work.push(w);
        }
    }
    if p.has_permission(Permission::OrderAccept)
        && let Some(o) = part(
            "orders",
            state
                .services
                .list_orders(&ctx, Some(vaka_domain::decision::OrderStatus::Ordered))
                .await,
        )
        && !o.is_empty()
    {
        work.push(WorkItem::new(
            t,
            "orders",
            "home-orders_waiting",
            o.len(),
            "/orders",
        ));
    }
    if (p.has_permission(Permission::TechnicalCheck)
        || p.has_permission(Permission::AlarmOversight))
        && let Some(providers) = part("technical", state.services.technical_overview(&ctx).await)
    {
        let open: usize = providers.iter().map(|x| x.open.len()).sum();
        let to_sign = providers
            .iter()
            .filter(|x| x.can_sign && x.slot_now.is_some() && !x.slot_signed)
            .count();
        if to_sign > 0 {
            let mut w = WorkItem::new(
                t,
                "checks",
                "home-checks_to_sign",
                to_sign,
                "/alarms/technical",
            );
            w.urgent = true;
            work.push(w);
        }
        if open > 0 {
            work.push(WorkItem::new(
                t,
                "technical",
                "home-technical_open",
                open,
                "/alarms/technical",
            ));
        }
    }
    if p.has_permission(Permission::DirectoryRead)
        && let Some(summary) = part("directory", state.services.directory_summary(&ctx).await)
    {
        if summary.pending_requests > 0 {
            work.push(WorkItem::new(
                t,
                "requests",
                "home-pending_requests",
                summary.pending_requests,
                "/admin/users?status=requested",
            ));
        }
        if summary.unused_accounts > 0 {
            work.push(WorkItem::new(
                t,
                "unused",
                "home-unused_accounts",
                summary.unused_accounts,
                "/admin/users?unused=true",
            ));
        }
    }
    work
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
    let names = unit_names(&state, &caller).await;
    let work = work_list(&state, &caller, t).await;
    let consents = state
        .services
        .consents_due(&caller.ctx())
        .await
        .or_page(&page)?
        .into_iter()
        .map(|c| {
            let service = t.code("service", c.service.code());
            let date = c.reconfirm_by.to_string();
            (
                c.client_id,
                c.client_name,
                t.message(
                    "home-consent_line",
                    &[("service", service.into()), ("date", date.into())],
                )
                .into_owned(),
            )
        })
        .collect();
    let lapses = state
        .services
        .supervision_lapses(&caller.ctx())
        .await
        .or_page(&page)?
        .into_iter()
        .map(|l| {
            let why = match l.cause {
                vaka_domain::consent::Refusal::NoValidDecision => "home-lapse-decision",
                vaka_domain::consent::Refusal::NoValidConsent => "home-lapse-consent",
            };
            (
                l.client_id,
                l.client_name,
                t.message(why, &[("night", l.night.to_string().into())])
                    .into_owned(),
            )
        })
        .collect();
    let governance = governance_lines(&state, &caller, t).await.or_page(&page)?;
    let log_reviews = state
        .services
        .log_reviews_waiting(&caller.ctx())
        .await
        .or_page(&page)?
        .into_iter()
        .map(|r| {
            let unit = if r.unit.is_empty() {
                t.t("log-review-on-request").into_owned()
            } else {
                r.unit
            };
            (
                r.id,
                unit,
                format!(
                    "{} – {}, {} {}",
                    r.period_from,
                    r.period_last,
                    t.t("log-review-due"),
                    r.due_on
                ),
                r.overdue,
            )
        })
        .collect();
    let log_reviews_escalated = caller.principal.assignments.iter().any(|a| {
        a.role.has(vaka_domain::access::Permission::AuditRead)
            && a.scope() == vaka_domain::access::Scope::Everything
    });
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
            work,
            consents,
            alerts,
            lapses,
            governance,
            log_reviews,
            log_reviews_escalated,
            staff_app: crate::ui::staffapp::has_visits(&caller.principal),
            page,
        },
    ))
}

/// A contract's reminder, worded.
pub fn reminder(t: Tr, r: vaka_domain::governance::ContractReminder) -> String {
    match r {
        vaka_domain::governance::ContractReminder::Notice(d) => t
            .message("gov-reminder-notice", &[("date", d.to_string().into())])
            .into_owned(),
        vaka_domain::governance::ContractReminder::FollowUp(d) => t
            .message("gov-reminder-follow-up", &[("date", d.to_string().into())])
            .into_owned(),
    }
}

/// What waits for the viewer in the management plan: overdue duties, contract reminders and
/// open incidents (`vaka_service::governance::overview`).
async fn governance_lines(
    state: &AppState,
    caller: &Caller,
    t: Tr,
) -> Result<Vec<(&'static str, &'static str, String)>, vaka_service::ServiceError> {
    let a = state.services.governance_attention(&caller.ctx()).await?;
    let mut out = Vec::new();
    for o in a.overdue {
        out.push((
            "overdue",
            "plan",
            t.message(
                "home-governance-overdue",
                &[
                    ("duty", t.code("gov-duty", &o.code).into()),
                    ("date", o.due.to_string().into()),
                ],
            )
            .into_owned(),
        ));
    }
    for r in a.escalated_reviews {
        out.push((
            "log_review",
            "plan",
            t.message(
                "home-governance-review-escalated",
                &[
                    ("unit", r.unit.into()),
                    ("month", r.period_from.strftime("%Y-%m").to_string().into()),
                    ("date", r.due_on.to_string().into()),
                ],
            )
            .into_owned(),
        ));
    }
    for (supplier, r) in a.reminders {
        out.push((
            "reminder",
            "contracts",
            format!("{supplier}: {}", reminder(t, r)),
        ));
    }
    for i in a.open_incidents {
        out.push((
            "incident",
            "incidents",
            t.message(
                "home-governance-incident",
                &[
                    ("kind", t.code("gov-incident-kind", i.kind.code()).into()),
                    ("at", crate::page::local_time(i.reported_at).into()),
                ],
            )
            .into_owned(),
        ));
    }
    Ok(out)
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
    /// Passkeys work at this address (it is a host name).
    pub passkeys_available: bool,
    /// The user's passkeys.
    pub passkeys: Vec<PasskeyLine>,
    /// A step-up at the identity provider (SITHS eID) beside or instead of the code.
    pub oidc_step_up: crate::ui::account::oidc::StepUpOffer,
}

/// A passkey as the profile lists it.
pub struct PasskeyLine {
    pub id: vaka_domain::ids::PasskeyId,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

pub(crate) async fn profile_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
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
    let oidc_step_up = crate::ui::account::oidc::step_up_offer(state, caller, t, "/profile").await;
    let needs_code = (user.totp_enabled || !oidc_step_up.buttons.is_empty())
        && state
            .services
            .needs_fresh_second_factor(caller.session.as_ref());
    let passkeys = state
        .services
        .own_passkeys(&caller.ctx())
        .await
        .or_page(&page)?
        .into_iter()
        .map(|k| PasskeyLine {
            id: k.id,
            name: k.name,
            created: crate::page::local_time(k.created_at),
            last_used: k.last_used_at.map_or_else(
                || t.t("passkey-never_used").into_owned(),
                crate::page::local_time,
            ),
        })
        .collect();
    Ok(render(
        status,
        &ProfilePage {
            passkeys_available: state.services.passkeys_available(),
            passkeys,
            needs_code,
            oidc_step_up,
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
