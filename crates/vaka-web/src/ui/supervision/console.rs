//! The operator's console: the live queue of look-ins (server-sent events), the look-in with
//! the camera's picture relayed from memory (`multipart/x-mixed-replace` JPEG), and the
//! outcome buttons.

use std::convert::Infallible;
use std::time::Duration;

use askama::Template;
use axum::body::Body;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::{BufMut, Bytes, BytesMut};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use vaka_domain::ids::{LookInId, TaskId};
use vaka_domain::reason::SupervisionReason;
use vaka_domain::supervision::{LookInRecord, Outcome};
use vaka_gateway::camera::LookIn;
use vaka_service::Services;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    ErrorPage, Fragment, KeptForm, OrPage, PageCtx, PageError, PageResult, Req, after_change,
    describe, list_step, local_time, parse_id, render,
};
use crate::state::AppState;
use crate::ui::registry::clients::Names;

/// How often a live view looks again even without a change (times move on).
pub(crate) const LIVE_TICK: Duration = Duration::from_secs(30);

/// At most one render per this interval: a burst of changes (an alarm storm, a busy receiver)
/// is shown once, not once per commit, and each render is one audited read.
pub(crate) const LIVE_MIN_INTERVAL: Duration = Duration::from_millis(500);

/// Stockholm wall-clock time, hours and minutes.
pub(crate) fn hm(ts: Timestamp) -> String {
    let l = local_time(ts);
    l.get(11..).unwrap_or(&l).to_owned()
}

pub struct QueueRow {
    pub task_id: TaskId,
    pub client_id: vaka_domain::ids::ClientId,
    pub client: String,
    pub unit: String,
    pub due: String,
    pub window: String,
    pub state: String,
    pub state_code: &'static str,
    pub camera: String,
    pub camera_ok: bool,
    pub can_look_in: bool,
    pub recheck: bool,
}

#[derive(Template)]
#[template(path = "supervision_queue.html")]
pub struct QueueFragment {
    pub t: Tr,
    pub csrf: String,
    pub rows: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "supervision.html")]
pub struct ConsolePage {
    pub page: PageCtx,
    pub queue: String,
}

/// The queue as HTML, for the page and for the live feed.
async fn queue_html(state: &AppState, caller: &Caller, t: Tr) -> Result<String, ApiError> {
    let cams = state.cameras.clone();
    let items = state
        .services
        .supervision_queue(&caller.ctx(), &move |d| cams.is_online(d))
        .await?;
    let names = Names::load(state, caller, &[]).await?;
    let rows = items
        .into_iter()
        .map(|i| QueueRow {
            task_id: i.task_id,
            client_id: i.client_id,
            client: i.client_name,
            unit: names.unit(i.unit_id),
            due: hm(i.due),
            window: format!("{}–{}", hm(i.opens), hm(i.closes)),
            state: t.code("task_state", i.state),
            state_code: i.state,
            camera: t
                .t(match (i.camera, i.camera_online) {
                    (None, _) => "console-camera_none",
                    (Some(_), true) => "console-camera_online",
                    (Some(_), false) => "console-camera_offline",
                })
                .into_owned(),
            camera_ok: i.camera_online,
            can_look_in: i.can_look_in,
            recheck: matches!(i.state, "recheck_due" | "recheck_open"),
        })
        .collect();
    QueueFragment {
        t,
        csrf: caller.csrf().to_owned(),
        rows,
    }
    .fragment()
}

#[derive(Debug, Deserialize)]
pub struct Flash {
    pub ok: Option<String>,
}

pub async fn console(Req { state, t, caller }: Req, Query(q): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "console").with_flash_key(q.ok.as_deref());
    let queue = queue_html(&state, &caller, t).await.or_page(&page)?;
    Ok(render(StatusCode::OK, &ConsolePage { page, queue }))
}

/// A short fingerprint of a live fragment as a page drew it (without what a form sent), for its
/// feed's address (`?drawn=`): while the fragment is unchanged, the feed does not send it again,
/// so that what the page showed beside its forms (an error, what was typed) stays.
pub(crate) fn drawn_mark(html: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    html.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// The fragment a live page was drawn with ([`drawn_mark`]), sent back by its feed's address.
#[derive(Debug, Default, Deserialize)]
pub struct Drawn {
    pub drawn: Option<String>,
}

/// A feed of server-sent events: `render` is called at start, on every change of tasks,
/// dispatches, cameras, alarms or signings, and every [`LIVE_TICK`]; an unchanged result is
/// not sent again.
/// For a page drawn with the fragment marked `drawn` ([`drawn_mark`]), a first render that is
/// the same is what the page shows already and is not sent either.
pub(crate) fn live_feed<F, Fut>(state: AppState, drawn: Option<String>, render: F) -> Response
where
    F: Fn(AppState) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<String, String>> + Send,
{
    struct Feed<F> {
        state: AppState,
        render: F,
        changes: tokio::sync::watch::Receiver<u64>,
        cams: tokio::sync::watch::Receiver<u64>,
        alarms: tokio::sync::watch::Receiver<u64>,
        signings: tokio::sync::watch::Receiver<u64>,
        first: bool,
        rendered: tokio::time::Instant,
        until: tokio::time::Instant,
        last: String,
        done: bool,
        drawn: Option<String>,
    }
    let live_for = state.config.live_for;
    let feed = Feed {
        changes: state.services.supervision_changes(),
        cams: state.cameras.subscribe(),
        alarms: state.services.alarm_changes(),
        signings: state.services.delegation_changes(),
        state,
        render,
        first: true,
        rendered: tokio::time::Instant::now(),
        until: tokio::time::Instant::now() + live_for,
        last: String::new(),
        done: false,
        drawn,
    };
    let stream = futures::stream::unfold(feed, |mut f| async move {
        if f.done {
            return None;
        }
        loop {
            if !f.first {
                tokio::select! {
                    _ = f.changes.changed() => {}
                    _ = f.cams.changed() => {}
                    _ = f.alarms.changed() => {}
                    _ = f.signings.changed() => {}
                    () = tokio::time::sleep(LIVE_TICK) => {}
                    () = tokio::time::sleep_until(f.until) => return None,
                }
                // Let the rest of a burst arrive, then show it once.
                tokio::time::sleep_until(f.rendered + LIVE_MIN_INTERVAL).await;
                f.changes.mark_unchanged();
                f.cams.mark_unchanged();
                f.alarms.mark_unchanged();
                f.signings.mark_unchanged();
            }
            let drawn = if f.first { f.drawn.take() } else { None };
            f.first = false;
            f.rendered = tokio::time::Instant::now();
            match (f.render)(f.state.clone()).await {
                Ok(html) if html == f.last => {}
                Ok(html) if drawn.as_deref().is_some_and(|d| d == drawn_mark(&html)) => {
                    f.last = html;
                }
                Ok(html) => {
                    f.last.clone_from(&html);
                    let e = Event::default().event("update").data(html);
                    return Some((Ok::<_, Infallible>(e), f));
                }
                Err(why) => {
                    f.done = true;
                    let e = Event::default().event("refused").data(why);
                    return Some((Ok(e), f));
                }
            }
        }
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// A live piece of a page for the caller: `draw` makes it again on each change; an error
/// ends the feed, said in the reader's language.
pub(crate) fn live_fragment<F, Fut>(state: AppState, t: Tr, caller: Caller, draw: F) -> Response
where
    F: Fn(AppState, Caller) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<String, ApiError>> + Send,
{
    live_fragment_drawn(state, t, caller, None, draw)
}

/// [`live_fragment`] for a page drawn with the fragment marked `drawn` (see [`live_feed`]).
pub(crate) fn live_fragment_drawn<F, Fut>(
    state: AppState,
    t: Tr,
    caller: Caller,
    drawn: Option<String>,
    draw: F,
) -> Response
where
    F: Fn(AppState, Caller) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<String, ApiError>> + Send,
{
    live_feed(state, drawn, move |state| {
        let html = draw(state, caller.clone());
        async move { html.await.map_err(|e| describe(t, &e)) }
    })
}

pub async fn queue_events(State(state): State<AppState>, t: Tr, caller: Caller) -> Response {
    live_fragment(state, t, caller, move |state, caller| async move {
        queue_html(&state, &caller, t).await
    })
}

/// The console in `page`'s frame, with the error of a step taken from its queue.
async fn console_again(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let queue = queue_html(state, caller, page.t).await.unwrap_or_default();
    Ok(render(page.status(), &ConsolePage { page, queue }))
}

pub async fn start_look_in(r: Req, Path(id): Path<String>) -> PageResult {
    list_step(
        r,
        "console",
        &id,
        async |state, caller, task: TaskId| {
            let cams = state.cameras.clone();
            let limit = u16::try_from(cams.settings.look_in_seconds).unwrap_or(30);
            state
                .services
                .start_look_in(&caller.ctx(), task, limit, &move |d| cams.is_online(d))
                .await
        },
        |l| format!("/supervision/look-ins/{}", l.record.id),
        console_again,
    )
    .await
}

#[derive(Template)]
#[template(path = "look_in.html")]
pub struct LookInPage {
    pub page: PageCtx,
    pub id: LookInId,
    pub task_id: TaskId,
    pub client: String,
    pub started: String,
    pub ends_at_ms: i64,
    pub live: bool,
    pub recheck: bool,
}

/// Whether the picture may still be shown, and until when.
fn picture_until(l: &LookInRecord, now: Timestamp) -> Option<Timestamp> {
    let ends = l.started_at + SignedDuration::from_secs(i64::from(l.limit_seconds));
    (l.ended_at.is_none() && l.outcome.is_none() && now < ends).then_some(ends)
}

pub async fn look_in_page(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "console");
    let id: LookInId = parse_id(&id, &page)?;
    show_look_in(&state, &caller, id, page).await
}

/// The look-in's page in `page`'s frame: the picture while its time (counted from the logged
/// start) lasts, and the outcome form (with what was sent and its error, after one). Showing
/// it starts nothing and logs nothing: the look-in was logged when it started.
async fn show_look_in(
    state: &AppState,
    caller: &Caller,
    id: LookInId,
    page: PageCtx,
) -> PageResult {
    let (l, client) = state
        .services
        .own_look_in(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let until = picture_until(&l, state.services.now());
    Ok(render(
        page.status(),
        &LookInPage {
            id,
            task_id: l.task_id,
            client,
            started: local_time(l.started_at),
            ends_at_ms: until.map_or(0, jiff::Timestamp::as_millisecond),
            live: until.is_some(),
            recheck: l.recheck,
            page,
        },
    ))
}

/// A running picture: dropping it (the limit, the operator leaving) stops the camera and
/// writes when the picture ended.
struct Viewing {
    look: LookIn,
    deadline: tokio::time::Instant,
    services: Services,
    record: LookInRecord,
}

impl Drop for Viewing {
    fn drop(&mut self) {
        let services = self.services.clone();
        let record = self.record.clone();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let now = services.now();
                if let Err(e) = services.end_look_in(&record, now).await {
                    tracing::warn!(error = %e, look_in = %record.id, "could not log the end of a look-in");
                }
            });
        }
    }
}

const BOUNDARY: &str = "vakaframe";

/// The camera's picture for the look-in's operator, from memory, until the look-in's limit
/// counted from its logged start. Opened once: a reload after the end gets 410.
pub async fn look_in_stream(Req { state, t, caller }: Req, Path(id): Path<String>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "console");
    let id: LookInId = parse_id(&id, &page)?;
    let (record, _) = state
        .services
        .own_look_in(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let now = state.services.now();
    let Some(until) = picture_until(&record, now) else {
        return Err(PageError {
            error: ApiError::refused(StatusCode::GONE, "gone", SupervisionReason::LookInEnded),
            page,
        });
    };
    let look = match state.cameras.start_look_in_anywhere(record.device_id).await {
        Ok(l) => l,
        Err(r) => {
            // No picture: the look-in's log says it ended now.
            let _ = state.services.end_look_in(&record, now).await;
            return Err(PageError {
                error: ApiError::refused(StatusCode::CONFLICT, "conflict", r),
                page,
            });
        }
    };
    let left = until.duration_since(now).unsigned_abs();
    let viewing = Viewing {
        deadline: tokio::time::Instant::now() + left,
        look,
        services: state.services.clone(),
        record,
    };
    let body = futures::stream::unfold(viewing, |mut v| async move {
        let frame: Bytes = tokio::select! {
            f = v.look.frames.recv() => f?,
            () = tokio::time::sleep_until(v.deadline) => return None,
        };
        let mut part = BytesMut::with_capacity(frame.len() + 96);
        part.put_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\n\r\n",
                frame.len()
            )
            .as_bytes(),
        );
        part.put_slice(&frame);
        part.put_slice(b"\r\n");
        Some((Ok::<_, Infallible>(part.freeze()), v))
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                format!("multipart/x-mixed-replace; boundary={BOUNDARY}"),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
pub struct OutcomeForm {
    pub outcome: String,
    pub note: Option<String>,
    /// The look-in the outcome was chosen on: an error shows it again, picture and all.
    pub look_in: Option<String>,
}

/// Records what the operator saw. Success goes back to the queue; an error (a deviation
/// without a note) shows the same look-in again with the error beside its field and what was
/// typed kept — no new look-in, the time still counted from its start — or, when the step was
/// not taken from a look-in of the caller's, the queue with the error above it.
pub async fn record_outcome(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<OutcomeForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "console");
    let task: TaskId = parse_id(&id, &page)?;
    let result = async {
        let outcome = Outcome::from_code(form.outcome.trim())
            .ok_or_else(|| ApiError::invalid("outcome", SupervisionReason::ChooseOutcome))?;
        Ok::<_, ApiError>(
            state
                .services
                .record_outcome(&caller.ctx(), task, outcome, form.note.as_deref())
                .await?,
        )
    }
    .await;
    let look_in = form
        .look_in
        .as_deref()
        .and_then(|l| l.trim().parse::<LookInId>().ok());
    after_change(
        ErrorPage::Never,
        result,
        page,
        |_, _| Redirect::to("/supervision?ok=supervision-outcome_saved").into_response(),
        async |page| match look_in {
            Some(l) => show_look_in(&state, &caller, l, page.keeping(sent)).await,
            None => console_again(&state, &caller, page).await,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use vaka_domain::reason::{Reason, SupervisionReason};
    use vaka_gateway::camera::LookInRefused;

    use crate::i18n::{Lang, Tr};

    /// A refused look-in's audit entry records the reason in the English of the pages.
    #[test]
    fn a_refused_look_in_is_logged_in_the_words_of_its_reason() {
        let en = Tr::new(Lang::En);
        for r in SupervisionReason::LOOK_IN_REFUSALS {
            assert_eq!(r.logged(), en.reason_of(&Reason::from(r.clone())), "{r:?}");
        }
        for r in [LookInRefused::Offline, LookInRefused::Busy] {
            assert_eq!(r.to_string(), en.reason_of(&Reason::from(r)), "{r:?}");
        }
        let sv = Tr::new(Lang::Sv);
        assert_eq!(
            sv.reason_of(&Reason::from(LookInRefused::Busy)),
            "någon tittar redan genom kameran"
        );
        assert_eq!(
            sv.reason_of(&SupervisionReason::ExtractTooLong { nights: 366 }.into()),
            "ett uttag omfattar högst 366 nätter"
        );
    }
}
