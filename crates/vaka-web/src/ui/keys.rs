//! A client's key access: how staff get in (the set: digital lock, key box, reserve key), the
//! client's locks and whether they are connected, the latest lock events ("unlocked 02:14 by
//! Johan") and the unlocks and capabilities of the last week, revoked ones marked. A private
//! provider's client without a registered physical reserve key is flagged.

use askama::Template;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::client::KeyAccess;
use vaka_domain::ids::ClientId;

use crate::extract::{Path, Query};
use crate::identity::Access;
use crate::identity::Caller;
use crate::page::{
    KeptForm, PageCtx, PageResult, Req, change_record, local_time, record_page, render,
};
use crate::routes::Routes;
use crate::state::AppState;
use crate::ui::account::home::Flash;

pub fn register(r: Routes) -> Routes {
    r.get(
        "/clients/{id}/keys",
        Access::Permission(Permission::ClientRead),
        show,
    )
    .post(
        "/clients/{id}/keys",
        Access::Permission(Permission::ClientWrite),
        change,
    )
}

/// One way in, with whether the client has it.
pub struct AccessRow {
    pub code: &'static str,
    pub label: String,
    pub held: bool,
}

pub struct LockRow {
    pub id: String,
    pub serial: String,
    pub status: String,
    pub online: bool,
}

pub struct EventRow {
    pub at: String,
    pub text: String,
}

pub struct GrantRow {
    pub kind: String,
    pub reason: String,
    pub window: String,
    pub revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "keys.html")]
pub struct KeysPage {
    pub page: PageCtx,
    pub id: ClientId,
    pub name: String,
    pub access: Vec<AccessRow>,
    pub can_change: bool,
    pub lacks_reserve_key: bool,
    pub locks: Vec<LockRow>,
    pub events: Vec<EventRow>,
    pub grants: Vec<GrantRow>,
}

const WAYS: [KeyAccess; 3] = [
    KeyAccess::DigitalLock,
    KeyAccess::KeyBox,
    KeyAccess::ReserveKey,
];

/// "Unlocked 2026-11-22 02:14 by Johan" in the page's language.
pub fn event_text(
    t: crate::i18n::Tr,
    kind: &str,
    by: Option<&str>,
    detail: Option<&str>,
) -> String {
    let what = t.t(&format!("lock_event-{kind}")).into_owned();
    let mut s = match by {
        Some(name) => t
            .message(
                "keys-event-by",
                &[("what", what.into()), ("name", name.to_owned().into())],
            )
            .into_owned(),
        None => what,
    };
    if let Some(d) = detail {
        let code = d.strip_prefix("capability:").unwrap_or(d);
        let why = t.t(&format!("lock_refusal-{code}")).into_owned();
        s = format!("{s} ({why})");
    }
    s
}

async fn keys_page(state: &AppState, caller: &Caller, id: ClientId, page: PageCtx) -> PageResult {
    let t = page.t;
    let v = state
        .services
        .key_access(&caller.ctx(), id)
        .await
        .map_err(crate::error::ApiError::from)
        .map_err(|e| crate::page::PageError {
            error: e,
            page: page.clone(),
        })?;
    let access = WAYS
        .iter()
        .map(|k| AccessRow {
            code: k.code(),
            label: t.code("key_access", k.code()),
            held: v.key_access.contains(k),
        })
        .collect();
    let locks = v
        .locks
        .iter()
        .map(|(d, serial, status)| LockRow {
            id: d.to_string(),
            serial: serial.clone(),
            status: t.code("device_status", status.code()),
            online: state.locks.is_online(*d),
        })
        .collect();
    let events = v
        .events
        .iter()
        .map(|e| EventRow {
            at: local_time(e.event.at),
            text: event_text(
                t,
                e.event.kind,
                e.user_name.as_deref(),
                e.event.detail.as_deref(),
            ),
        })
        .collect();
    let grants = v
        .grants
        .iter()
        .map(|g| GrantRow {
            kind: t.t(&format!("lock_grant-{}", g.kind.code())).into_owned(),
            reason: t
                .t(&format!("lock_reason-{}", g.ground.reason_code()))
                .into_owned(),
            window: format!("{} – {}", local_time(g.not_before), local_time(g.expires)),
            revoked: g.revoked_at.map(local_time),
        })
        .collect();
    Ok(render(
        page.status(),
        &KeysPage {
            id,
            name: v.client_name.clone(),
            access,
            can_change: caller.principal.has_permission(Permission::ClientWrite),
            lacks_reserve_key: v.lacks_reserve_key,
            locks,
            events,
            grants,
            page,
        },
    ))
}

pub async fn show(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "clients", &id, f.ok.as_deref(), keys_page).await
}

/// The set as ticked (a box per way in).
#[derive(Debug, Default, Deserialize)]
pub struct KeysForm {
    #[serde(default)]
    pub digital_lock: Option<String>,
    #[serde(default)]
    pub key_box: Option<String>,
    #[serde(default)]
    pub reserve_key: Option<String>,
}

pub async fn change(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, _): KeptForm<KeysForm>,
) -> PageResult {
    let mut kinds = Vec::new();
    for (ticked, k) in [
        (&form.digital_lock, KeyAccess::DigitalLock),
        (&form.key_box, KeyAccess::KeyBox),
        (&form.reserve_key, KeyAccess::ReserveKey),
    ] {
        if ticked.is_some() {
            kinds.push(k);
        }
    }
    change_record(
        r,
        "clients",
        &id,
        async |state: &AppState, caller: &Caller, id: ClientId| {
            state
                .services
                .set_key_access(&caller.ctx(), id, &kinds)
                .await
        },
        |id| format!("/clients/{id}/keys?ok=keys-changed"),
        keys_page,
    )
    .await
}
