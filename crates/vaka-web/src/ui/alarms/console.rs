//! The alarm centre's console: the live queue of safety alarms (server-sent events), one alarm
//! with the client's card, its two SLA clocks and its log, and the steps of the operator (take,
//! call note, dispatch along the chain, close with a cause) and of the responder (acknowledge →
//! on the way → arrived → close), which the night patrol also takes from `/patrol`.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use vaka_domain::alarm::CloseCause;
use vaka_domain::ids::AlarmId;
use vaka_service::alarms::console::AlarmView;

use crate::api::alarms::{AlarmStepInput, parse_step};
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{Fragment, Kept, KeptForm, OrPage, PageCtx, PageResult, Req, parse_id, render};
use crate::state::AppState;
use crate::ui::supervision::console::{
    Drawn, Flash, drawn_mark, live_fragment, live_fragment_drawn,
};
use crate::ui::widgets::alarm_row::{AlarmRow, causes, hms, row};

/// A log note in the reader's language: a dispatch names its link, a close starts with its
/// cause's code.
fn log_note(t: Tr, step: &str, note: String) -> String {
    match step {
        "dispatch" | "escalated_not_acknowledged" => t.code("chain_link", &note),
        "close" => match note.split_once(": ") {
            Some((cause, rest)) if CloseCause::from_code(cause).is_some() => {
                format!("{}: {rest}", t.code("close_cause", cause))
            }
            _ if CloseCause::from_code(&note).is_some() => t.code("close_cause", &note),
            _ => note,
        },
        _ => note,
    }
}

#[derive(Template)]
#[template(path = "alarms_queue.html")]
pub struct QueueFragment {
    pub t: Tr,
    pub csrf: String,
    pub rows: Vec<AlarmRow>,
}

#[derive(Template)]
#[template(path = "alarms.html")]
pub struct ConsolePage {
    pub page: PageCtx,
    pub queue: String,
}

async fn queue_html(state: &AppState, caller: &Caller, t: Tr) -> Result<String, ApiError> {
    let items = state.services.alarm_queue(&caller.ctx()).await?;
    let me = caller.principal.user_id;
    let rows = items.iter().map(|i| row(state, t, me, i)).collect();
    QueueFragment {
        t,
        csrf: caller.csrf().to_owned(),
        rows,
    }
    .fragment()
}

pub async fn console(Req { state, t, caller }: Req, Query(q): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "alarms").with_flash_key(q.ok.as_deref());
    let queue = queue_html(&state, &caller, t).await.or_page(&page)?;
    Ok(render(StatusCode::OK, &ConsolePage { page, queue }))
}

pub async fn queue_events(State(state): State<AppState>, t: Tr, caller: Caller) -> Response {
    live_fragment(state, t, caller, move |state, caller| async move {
        queue_html(&state, &caller, t).await
    })
}

pub struct ContactLine {
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub note: Option<String>,
}

pub struct LogLine {
    pub at: String,
    pub by: Option<String>,
    pub step: String,
    pub note: Option<String>,
}

#[derive(Template)]
#[template(path = "alarm_detail.html")]
pub struct DetailFragment {
    pub t: Tr,
    pub csrf: String,
    pub a: AlarmRow,
    pub client_name: Option<String>,
    pub protected: bool,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub key_access: Option<String>,
    pub key_note: Option<String>,
    pub contacts: Vec<ContactLine>,
    /// The chain now, in order: (code, label).
    pub chain: Vec<(&'static str, String)>,
    pub log: Vec<LogLine>,
    pub causes: Vec<(&'static str, String)>,
    /// The caller may act as operator (holds `alarm_handle` for this alarm's client).
    pub operator: bool,
    /// The caller is the operator who has the alarm.
    pub has_it: bool,
    pub open: bool,
    /// The form that failed, shown again with what it sent and its error.
    pub kept: Kept,
}

#[derive(Template)]
#[template(path = "alarm.html")]
pub struct AlarmPage {
    pub page: PageCtx,
    pub id: AlarmId,
    pub title: String,
    pub back: &'static str,
    pub detail: String,
    /// The mark of the detail as drawn without a form's error (see `drawn_mark`).
    pub drawn: String,
}

fn can_handle(caller: &Caller) -> bool {
    caller
        .principal
        .has_permission(vaka_domain::access::Permission::AlarmHandle)
}

/// The alarm's title and detail, with `kept` (a form's error and what it sent) shown in its
/// forms, and the mark of the detail as the live feed draws it (without them).
async fn detail_html(
    state: &AppState,
    caller: &Caller,
    t: Tr,
    id: AlarmId,
    kept: Kept,
) -> Result<(String, String, String), ApiError> {
    let v: AlarmView = state.services.alarm_view(&caller.ctx(), id).await?;
    let me = caller.principal.user_id;
    let a = row(state, t, me, &v.item);
    let c = v.client.as_ref();
    let title = match (&a.client, &a.account) {
        (Some(name), _) => format!("{} – {}", a.kind, name),
        (None, Some(acc)) => format!("{} – {acc}", a.kind),
        (None, None) => a.kind.clone(),
    };
    let operator = can_handle(caller);
    let mut fragment = DetailFragment {
        t,
        csrf: caller.csrf().to_owned(),
        client_name: c.map(|c| c.name.clone()),
        protected: v.disclosure == vaka_domain::client::Disclosure::NameOnly,
        address: c.and_then(|c| {
            c.address
                .as_ref()
                .map(vaka_domain::client::Address::one_line)
        }),
        phone: c.and_then(|c| c.phone.clone()),
        key_access: c.map(|c| t.code("key_access", c.key_access.code())),
        key_note: c.and_then(|c| c.key_note.clone()),
        contacts: c
            .map(|c| {
                let mut k = c.contacts.clone();
                k.sort_by_key(|k| k.priority);
                k.into_iter()
                    .map(|k| ContactLine {
                        name: k.name,
                        relation: k.relation,
                        phone: k.phone,
                        note: k.note,
                    })
                    .collect()
            })
            .unwrap_or_default(),
        chain: v
            .chain
            .iter()
            .map(|l| (l.code(), t.code("chain_link", l.code())))
            .collect(),
        log: {
            let mut lines: Vec<(jiff::Timestamp, LogLine)> = v
                .log
                .into_iter()
                .map(|l| {
                    (
                        l.at,
                        LogLine {
                            at: hms(l.at),
                            by: l.by,
                            note: l.note.map(|n| log_note(t, &l.step, n)),
                            step: t.code("alarm_log", &l.step),
                        },
                    )
                })
                .collect();
            // The door events of the alarm ("door unlocked 02:14 by Johan"), in time order
            // with its steps. The alarm page shows without them if they cannot be read.
            for e in state
                .services
                .alarm_door_events(&caller.ctx(), id)
                .await
                .unwrap_or_default()
            {
                lines.push((
                    e.event.at,
                    LogLine {
                        at: hms(e.event.at),
                        by: e.user_name,
                        note: None,
                        step: t.t(&format!("lock_event-{}", e.event.kind)).into_owned(),
                    },
                ));
            }
            lines.sort_by_key(|(at, _)| *at);
            lines.into_iter().map(|(_, l)| l).collect()
        },
        causes: causes(t),
        operator,
        has_it: v.item.operator_id == Some(me),
        open: v.item.closed_at.is_none(),
        a,
        kept: Kept::default(),
    };
    let plain = fragment.fragment()?;
    let drawn = drawn_mark(&plain);
    let html = if kept.is_empty() {
        plain
    } else {
        fragment.kept = kept;
        fragment.fragment()?
    };
    Ok((title, html, drawn))
}

pub async fn alarm_page(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    Query(q): Query<Flash>,
) -> PageResult {
    let section = if can_handle(&caller) {
        "alarms"
    } else {
        "patrol"
    };
    let page = PageCtx::for_caller(&caller, t, section).with_flash_key(q.ok.as_deref());
    let id: AlarmId = parse_id(&id, &page)?;
    let back = if section == "alarms" {
        "/alarms"
    } else {
        "/patrol"
    };
    show_alarm(&state, &caller, id, back, page).await
}

/// The alarm's page in `page`'s frame (with the error and what a form sent, after one).
async fn show_alarm(
    state: &AppState,
    caller: &Caller,
    id: AlarmId,
    back: &'static str,
    page: PageCtx,
) -> PageResult {
    let (title, detail, drawn) = detail_html(state, caller, page.t, id, page.kept.clone())
        .await
        .or_page(&page)?;
    Ok(render(
        page.status(),
        &AlarmPage {
            page,
            id,
            title,
            back,
            detail,
            drawn,
        },
    ))
}

/// The alarm's status, card and log, live. Refused up front (not inside the stream) when the
/// alarm is outside the caller's need-to-know. A page drawn with a form's error names the
/// detail it drew (`?drawn=`), which is then not sent again until it changes.
pub async fn alarm_events(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    Query(d): Query<Drawn>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "alarms");
    let id: AlarmId = parse_id(&id, &page)?;
    detail_html(&state, &caller, t, id, Kept::default())
        .await
        .or_page(&page)?;
    Ok(live_fragment_drawn(
        state,
        t,
        caller,
        d.drawn,
        move |state, caller| async move {
            detail_html(&state, &caller, t, id, Kept::default())
                .await
                .map(|(_, html, _)| html)
        },
    ))
}

#[derive(Debug, Deserialize)]
pub struct StepForm {
    pub step: String,
    pub link: Option<String>,
    pub cause: Option<String>,
    pub note: Option<String>,
    /// `patrol` when the step was taken from the responder's list.
    pub back: Option<String>,
}

pub async fn step(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<StepForm>,
) -> PageResult {
    let from_patrol = form.back.as_deref() == Some("patrol");
    let page = PageCtx::for_caller(&caller, t, if from_patrol { "patrol" } else { "alarms" });
    let id: AlarmId = parse_id(&id, &page)?;
    let input = AlarmStepInput {
        step: form.step,
        link: form.link,
        cause: form.cause,
        note: form.note,
    };
    let result = async {
        let step = parse_step(&input)?;
        Ok::<_, ApiError>(state.services.alarm_step(&caller.ctx(), id, step).await?)
    }
    .await;
    match result {
        Ok(item) => {
            let to = if from_patrol {
                "/patrol?ok=alarms-step_saved".to_owned()
            } else if item.closed_at.is_some() {
                "/alarms?ok=alarms-closed".to_owned()
            } else {
                format!("/alarms/{id}?ok=alarms-step_saved#alarm-status")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e) if from_patrol => {
            Ok(crate::ui::patrol::with_error(&state, &caller, t, &e, sent).await)
        }
        Err(e) => {
            // The alarm's page again: the form keeps what was typed and chosen, the error
            // beside its field. An alarm the caller may no longer see is an error page.
            let page = page.with_error(&e).keeping(sent);
            show_alarm(&state, &caller, id, "/alarms", page).await
        }
    }
}
