//! The night patrol's phone view: open dispatches with a running clock against the response
//! target, and the steps acknowledge → on the way → arrived → closed.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vaka_domain::ids::{ClientId, DispatchId};
use vaka_domain::supervision::{DispatchStatus, DispatchStep};

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Access;
use crate::identity::Caller;
use crate::page::{
    Fragment, Kept, KeptForm, OrPage, PageCtx, PageResult, Req, Sent, list_step, render,
};
use crate::routes::Routes;
use crate::state::AppState;
use crate::ui::supervision::console::{Flash, hm, live_fragment};
use crate::ui::widgets::alarm_row::{AlarmRow, causes, row as alarm_row};
use vaka_domain::access::Permission;

pub struct PatrolCard {
    pub id: DispatchId,
    /// The card's form's name (`_form`), unique on the page.
    pub form: String,
    pub client_id: ClientId,
    pub client: String,
    pub address: Option<String>,
    pub cause: String,
    pub note: Option<String>,
    pub status: String,
    pub phone_first: bool,
    pub created: String,
    pub deadline: String,
    pub since_ms: i64,
    pub deadline_ms: i64,
    /// "9 min since the alarm", and its wording for the browser's clock.
    pub elapsed: String,
    pub elapsed_format: String,
    pub overdue: bool,
    /// The steps that can be taken now: (code, label).
    pub steps: Vec<(&'static str, String)>,
    pub can_close: bool,
    /// Waiting for the patrol to acknowledge it.
    pub waiting: bool,
    /// What a screen reader says (and a notification shows) when the dispatch is new.
    pub announce: String,
}

/// A planned visit of tonight.
pub struct VisitCard {
    pub task_id: vaka_domain::ids::TaskId,
    /// The card's form's name (`_form`), unique on the page.
    pub form: String,
    pub client_id: ClientId,
    pub client: String,
    pub address: Option<String>,
    pub due: String,
    pub window: String,
    pub state: String,
    pub open: bool,
}

/// A safety alarm as the responder's card shows it: the row, and what is needed on the way.
pub struct PatrolAlarm {
    pub a: AlarmRow,
    /// The card's form's name (`_form`), unique on the page.
    pub form: String,
    /// Why the alarm came in, in words: the kind, the finer category and the zone.
    pub reason: String,
    /// The address; `None` with `protected` for a protected identity outside the named group.
    pub address: Option<String>,
    pub protected: bool,
    /// How to get in (key kind, in words) and where the key is.
    pub key_access: Option<String>,
    pub key_note: Option<String>,
    /// The operator's call note.
    pub note: Option<String>,
    /// Minutes since the alarm, as the server saw it (the browser keeps counting).
    pub elapsed: String,
    /// The elapsed wording with `{m}` for the minutes, for the browser's clock.
    pub elapsed_format: String,
}

/// "9 min since the alarm": the wording of a running clock, with `{m}` where the browser puts
/// the minutes, and the text now.
pub fn elapsed(t: Tr, since: jiff::Timestamp, now: jiff::Timestamp) -> (String, String) {
    let minutes = now.duration_since(since).as_secs().max(0) / 60;
    let format = t.message("patrol-elapsed", &[("minutes", "{m}".into())]);
    let text = format.replace("{m}", &minutes.to_string());
    (text, format.into_owned())
}

#[derive(Template)]
#[template(path = "patrol_list.html")]
pub struct PatrolFragment {
    pub t: Tr,
    pub csrf: String,
    pub cards: Vec<PatrolCard>,
    pub visits: Vec<VisitCard>,
    /// Safety alarms dispatched to the caller's link of the chain, or acknowledged by them.
    pub alarms: Vec<PatrolAlarm>,
    pub causes: Vec<(&'static str, String)>,
    /// The card's form that failed, shown again with what it sent and its error beside the
    /// field (empty in the live feed).
    pub kept: Kept,
}

#[derive(Template)]
#[template(path = "patrol.html")]
pub struct PatrolPage {
    pub page: PageCtx,
    pub list: String,
}

async fn list_html(
    state: &AppState,
    caller: &Caller,
    t: Tr,
    kept: Kept,
) -> Result<String, ApiError> {
    let now = state.services.now();
    let items = state.services.patrol_dispatches(&caller.ctx()).await?;
    let me = caller.principal.user_id;
    let alarms = state
        .services
        .responder_alarm_cards(&caller.ctx())
        .await?
        .into_iter()
        .map(|c| {
            let a = alarm_row(state, t, me, &c.item);
            let mut reason = format!("{} – {}", a.kind, a.category);
            if let Some(z) = &c.item.zone {
                reason = format!("{reason} ({} {z})", t.t("alarms-zone"));
            }
            let (elapsed, elapsed_format) = elapsed(t, c.item.received_at, now);
            PatrolAlarm {
                form: format!("alarm-{}", a.id),
                reason,
                protected: c.address_withheld,
                address: c.address,
                key_access: c.key_access.map(|k| t.code("key_access", k.code())),
                key_note: c.key_note,
                note: c.note,
                elapsed,
                elapsed_format,
                a,
            }
        })
        .collect();
    let visits = state
        .services
        .patrol_visits(&caller.ctx())
        .await?
        .into_iter()
        .map(|v| VisitCard {
            form: format!("visit-{}", v.task_id),
            task_id: v.task_id,
            client_id: v.client_id,
            client: v.client_name,
            address: v.address,
            due: hm(v.due),
            window: format!("{}–{}", hm(v.opens), hm(v.closes)),
            state: t.code("task_state", v.state),
            open: v.state != "planned",
        })
        .collect();
    let cards = items
        .into_iter()
        .map(|d| {
            let next: &[DispatchStep] = match d.status {
                DispatchStatus::New => &[DispatchStep::Acknowledge],
                DispatchStatus::Acknowledged => &[DispatchStep::OnTheWay, DispatchStep::Arrived],
                DispatchStatus::OnTheWay => &[DispatchStep::Arrived],
                _ => &[],
            };
            let (elapsed, elapsed_format) = elapsed(t, d.created_at, now);
            PatrolCard {
                waiting: d.status == DispatchStatus::New,
                announce: t
                    .message("patrol-announce", &[("client", (&d.client_name).into())])
                    .into_owned(),
                elapsed,
                elapsed_format,
                form: format!("dispatch-{}", d.dispatch_id),
                id: d.dispatch_id,
                client_id: d.client_id,
                client: d.client_name,
                address: d.address,
                cause: t.code("dispatch_cause", d.cause.code()),
                note: d.note,
                status: t.code("dispatch_status", d.status.code()),
                phone_first: d.phone_first,
                created: hm(d.created_at),
                deadline: hm(d.deadline),
                since_ms: d.created_at.as_millisecond(),
                deadline_ms: d.deadline.as_millisecond(),
                overdue: now > d.deadline && d.arrived_at.is_none(),
                steps: next
                    .iter()
                    .map(|s| (s.code(), t.code("dispatch_step", s.code())))
                    .collect(),
                can_close: d.status != DispatchStatus::New,
            }
        })
        .collect();
    PatrolFragment {
        t,
        csrf: caller.csrf().to_owned(),
        cards,
        visits,
        alarms,
        causes: causes(t),
        kept,
    }
    .fragment()
}

pub async fn patrol(Req { state, t, caller }: Req, Query(q): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "patrol").with_flash_key(q.ok.as_deref());
    let list = list_html(&state, &caller, t, Kept::default())
        .await
        .or_page(&page)?;
    Ok(render(StatusCode::OK, &PatrolPage { page, list }))
}

pub async fn patrol_events(State(state): State<AppState>, t: Tr, caller: Caller) -> Response {
    live_fragment(state, t, caller, move |state, caller| async move {
        list_html(&state, &caller, t, Kept::default()).await
    })
}

/// The patrol page again, with an error (a step taken from it was refused) and the card's form
/// that was sent keeping what it sent.
pub(crate) async fn with_error(
    state: &AppState,
    caller: &Caller,
    t: Tr,
    e: &ApiError,
    sent: Sent,
) -> Response {
    patrol_again(
        state,
        caller,
        PageCtx::for_caller(caller, t, "patrol")
            .with_error(e)
            .keeping(sent),
    )
    .await
}

/// The patrol page in `page`'s frame, its error above the list and beside the field of the
/// card's form that failed. That form is marked `data-kept`, so that the live list does not
/// take what it shows away (see `liveMorph` in vaka.js).
async fn patrol_again(state: &AppState, caller: &Caller, page: PageCtx) -> Response {
    let list = list_html(state, caller, page.t, page.kept.clone())
        .await
        .unwrap_or_default();
    render(page.status(), &PatrolPage { page, list })
}

/// A step taken from the patrol list: back to it with a notice, or the list again with the
/// error, the card's form keeping what it sent.
async fn patrol_step<Id: std::str::FromStr + Copy, T>(
    r: Req,
    raw_id: &str,
    sent: Sent,
    work: impl AsyncFnOnce(&AppState, &Caller, Id) -> Result<T, ApiError>,
) -> PageResult {
    list_step(
        r,
        "patrol",
        raw_id,
        work,
        |_| "/patrol?ok=patrol-step_saved".to_owned(),
        async |state, caller, page| Ok(patrol_again(state, caller, page.keeping(sent)).await),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct StepForm {
    pub step: String,
    pub note: Option<String>,
}

pub async fn step(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<StepForm>,
) -> PageResult {
    patrol_step(r, &id, sent, async |state, caller, id: DispatchId| {
        let step = DispatchStep::from_code(form.step.trim()).ok_or_else(|| {
            ApiError::invalid("step", vaka_domain::reason::SupervisionReason::ChooseStep)
        })?;
        Ok(state
            .services
            .dispatch_step(&caller.ctx(), id, step, form.note.as_deref())
            .await?)
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct VisitForm {
    pub outcome: String,
    pub note: Option<String>,
}

pub async fn visit(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<VisitForm>,
) -> PageResult {
    patrol_step(
        r,
        &id,
        sent,
        async |state, caller, id: vaka_domain::ids::TaskId| {
            let outcome = vaka_domain::supervision::Outcome::from_code(form.outcome.trim())
                .ok_or_else(|| {
                    ApiError::invalid(
                        "outcome",
                        vaka_domain::reason::SupervisionReason::VisitOutcome,
                    )
                })?;
            Ok(state
                .services
                .record_visit(&caller.ctx(), id, outcome, form.note.as_deref())
                .await?)
        },
    )
    .await
}

/// Registers the night patrol pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    use Permission::DispatchRespond;
    r.get("/patrol", Access::Permission(DispatchRespond), patrol)
        .get(
            "/patrol/events",
            Access::Permission(DispatchRespond),
            patrol_events,
        )
        .post(
            "/patrol/visits/{id}",
            Access::Permission(DispatchRespond),
            visit,
        )
        .post(
            "/patrol/dispatches/{id}",
            Access::Permission(DispatchRespond),
            step,
        )
}
