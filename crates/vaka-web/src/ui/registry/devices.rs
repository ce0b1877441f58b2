//! Device pages: the inventory, registering a device (its credential shown once), and one
//! device's lifecycle: assign, install, test, activate, deactivate, return.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};
use vaka_domain::device::{Dc09KeyStyle, Device, DeviceKind, DeviceStatus, DeviceStep};
use vaka_domain::filters::DeviceFilter;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_domain::personnummer::ClientIdentity;
use vaka_domain::reason::DeviceReason;
use vaka_service::registry::devices::{DeviceInput, DeviceStepInput};

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{
    ErrorPage, OrPage, PageCtx, PageForm, PageResult, Req, after_change, change_record, local_time,
    parse_id, record_page, render,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;
use crate::ui::registry::clients::{Choice, Names, choices, form_code};
use crate::ui::widgets::paging::{Pager, page_number};

pub struct DeviceLine {
    pub id: DeviceId,
    pub kind: String,
    pub serial: String,
    pub model: String,
    pub status: String,
    pub client: Option<ClientId>,
    pub last_seen: String,
    /// For cameras: whether connected now, and how it points.
    pub connection: String,
    pub connected: bool,
}

fn line(t: Tr, d: &Device, hub: &vaka_gateway::camera::CameraHub) -> DeviceLine {
    // Connected to this node or, in a cluster, to another one.
    let status = (d.kind == DeviceKind::Camera)
        .then(|| hub.online(d.id))
        .flatten();
    DeviceLine {
        connected: status.is_some(),
        connection: match (&status, d.kind) {
            (Some(s), _) => {
                let pos = match s.state {
                    Some(vaka_camera_protocol::CameraState::Active) => {
                        t.t("device-position-active")
                    }
                    _ => t.t("device-position-privacy"),
                };
                format!("{} · {pos}", t.t("device-connected"))
            }
            (None, DeviceKind::Camera) => t.t("device-not_connected").into_owned(),
            (None, _) => String::new(),
        },
        id: d.id,
        kind: t.code("device_kind", d.kind.code()),
        serial: d.serial.clone(),
        model: d.model.clone(),
        status: t.code("device_status", d.status.code()),
        client: d.client_id,
        last_seen: d.last_seen_at.map(local_time).unwrap_or_default(),
    }
}

/// The registration and change form's fields.
#[derive(Debug, Deserialize, Default, Clone)]
pub struct DeviceForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub serial: String,
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub firmware: String,
    #[serde(default)]
    pub dc09_account: String,
    #[serde(default)]
    pub dc09_key: String,
    #[serde(default)]
    pub dc09_key_style: String,
    #[serde(default)]
    pub scaip_cid: String,
    #[serde(default)]
    pub scaip_password: String,
}

impl DeviceForm {
    fn to_input(&self) -> Result<DeviceInput, ApiError> {
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(DeviceInput {
            kind: form_code("kind", &self.kind, DeviceKind::from_code)?,
            serial: self.serial.clone(),
            model: self.model.clone(),
            firmware: opt(&self.firmware),
            dc09_account: opt(&self.dc09_account),
            dc09_key: opt(&self.dc09_key),
            dc09_key_style: match self.dc09_key_style.trim() {
                "" => None,
                s => Some(form_code("dc09_key_style", s, Dc09KeyStyle::from_code)?),
            },
            scaip_cid: opt(&self.scaip_cid),
            // A password is taken as typed (spaces are refused by its rule, not trimmed).
            scaip_password: Some(self.scaip_password.clone()).filter(|p| !p.is_empty()),
        })
    }
}

#[derive(Template)]
#[template(path = "devices.html")]
pub struct DevicesPage {
    pub page: PageCtx,
    pub devices: Vec<DeviceLine>,
    pub pager: Pager,
    pub kinds: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub key_styles: Vec<Choice>,
    pub filter: DeviceSearch,
    pub form: DeviceForm,
    /// The strengths a tag can be ordered in.
    pub tag_strengths: Vec<Choice>,
}

#[derive(Debug, Deserialize, Serialize, Default, Clone)]
pub struct DeviceSearch {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub serial: String,
    #[serde(skip_serializing)]
    pub ok: Option<String>,
    /// The page of the list (1-based).
    #[serde(skip_serializing)]
    pub page: Option<String>,
}

/// Devices a page of the inventory shows.
const DEVICES_PAGE: i64 = 200;

pub(crate) async fn devices_page(
    state: &AppState,
    caller: &Caller,
    page: PageCtx,
    filter: DeviceSearch,
    form: DeviceForm,
) -> PageResult {
    let t = page.t;
    let n = page_number(filter.page.as_deref());
    let found = state
        .services
        .list_devices_page(
            &caller.ctx(),
            DeviceFilter {
                kind: DeviceKind::from_code(filter.kind.trim()),
                status: DeviceStatus::from_code(filter.status.trim()),
                serial: Some(filter.serial.trim().to_owned()).filter(|s| !s.is_empty()),
                client: None,
                limit: DEVICES_PAGE,
                offset: (n - 1) * DEVICES_PAGE,
            },
        )
        .await
        .or_page(&page)?;
    let pager = Pager::new(
        t,
        "/devices",
        &filter,
        (n, DEVICES_PAGE),
        (found.offset, found.items.len(), found.total),
    );
    let devices = found.items;
    let status = page.status();
    Ok(render(
        status,
        &DevicesPage {
            devices: devices.iter().map(|d| line(t, d, &state.cameras)).collect(),
            pager,
            kinds: choices(t, "device_kind", DeviceKind::ALL, DeviceKind::code),
            statuses: choices(t, "device_status", DeviceStatus::ALL, DeviceStatus::code),
            key_styles: choices(t, "key_style", Dc09KeyStyle::ALL, Dc09KeyStyle::code),
            tag_strengths: choices(
                t,
                "tag_strength",
                vaka_domain::nfc::TagStrength::ALL,
                vaka_domain::nfc::TagStrength::code,
            ),
            filter,
            form,
            page,
        },
    ))
}

pub async fn list(Req { state, t, caller }: Req, Query(filter): Query<DeviceSearch>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "devices").with_flash_key(filter.ok.as_deref());
    devices_page(&state, &caller, page, filter, DeviceForm::default()).await
}

#[derive(Template)]
#[template(path = "device_credential.html")]
pub struct CredentialPage {
    pub page: PageCtx,
    pub id: DeviceId,
    pub serial: String,
    pub credential: String,
}

pub async fn register(
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<DeviceForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "devices");
    let result = async {
        let input = form.to_input()?;
        Ok::<_, ApiError>(state.services.register_device(&caller.ctx(), input).await?)
    }
    .await;
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |r, page| {
            render(
                StatusCode::CREATED,
                &CredentialPage {
                    id: r.device.id,
                    serial: r.device.serial,
                    credential: r.credential,
                    page: PageCtx {
                        flash: Some(t.t("device-registered").into_owned()),
                        ..page
                    },
                },
            )
        },
        async |page| devices_page(&state, &caller, page, DeviceSearch::default(), form).await,
    )
    .await
}

pub struct EventLine {
    pub at: String,
    pub step: String,
    pub from: String,
    pub to: String,
    pub client: Option<ClientId>,
    pub by: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "device.html")]
pub struct DevicePage {
    pub page: PageCtx,
    pub device: DeviceLine,
    pub firmware: String,
    pub dc09_account: String,
    pub dc09_key: String,
    pub scaip_cid: String,
    /// Whether the SCAIP unit must answer a digest challenge (the password is never shown).
    pub scaip_password: bool,
    pub credential: String,
    pub has_credential: bool,
    pub state_text: String,
    pub events: Vec<EventLine>,
    pub steps: Vec<Choice>,
    pub can_assign: bool,
    pub form: DeviceForm,
    pub kinds: Vec<Choice>,
    pub key_styles: Vec<Choice>,
    /// What the system sees of the device's test, when a pass is one of the next steps.
    pub test_seen: Option<String>,
    /// NFC tags: the tag's settings and the URL to write on it.
    pub tag: Option<super::tags::TagView>,
    pub tag_strengths: Vec<Choice>,
}

/// What the system sees of `d`'s test now, in words: whether the camera is connected, when the
/// alarm unit's test alarm arrived. Only asked when a pass is possible.
async fn test_seen_text(
    state: &AppState,
    caller: &Caller,
    t: Tr,
    d: &Device,
) -> Result<String, vaka_service::ServiceError> {
    use crate::i18n::Arg;
    Ok(match d.kind {
        DeviceKind::Camera if state.cameras.is_online(d.id) => {
            t.t("device-test_camera_connected").into_owned()
        }
        DeviceKind::Camera => t.t("device-test_camera_offline").into_owned(),
        DeviceKind::AlarmUnit => {
            match state
                .services
                .device_test_alarm(&caller.ctx(), d.id)
                .await?
            {
                Some(at) => t
                    .message(
                        "device-test_alarm_seen",
                        &[("at", Arg::from(local_time(at)))],
                    )
                    .into_owned(),
                None => t
                    .message(
                        "device-test_alarm_none",
                        &[(
                            "minutes",
                            Arg::Int(vaka_service::registry::devices::TEST_ALARM_WINDOW_MINUTES),
                        )],
                    )
                    .into_owned(),
            }
        }
        DeviceKind::Lock | DeviceKind::NfcTag => t.t("device-test_manual").into_owned(),
    })
}

async fn device_page(state: &AppState, caller: &Caller, id: DeviceId, page: PageCtx) -> PageResult {
    device_page_at(state, caller, id, page, "").await
}

/// The device's page; `base` is the server's address as the reader reached it (for a tag's
/// URL; empty: the URL is shown from its path).
pub(crate) async fn device_page_at(
    state: &AppState,
    caller: &Caller,
    id: DeviceId,
    page: PageCtx,
    base: &str,
) -> PageResult {
    let t = page.t;
    let (d, events) = state
        .services
        .get_device(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    let by: Vec<_> = events.iter().filter_map(|e| e.by_user).collect();
    let names = Names::load(state, caller, &by).await.or_page(&page)?;
    let steps: Vec<Choice> = DeviceStep::ALL
        .iter()
        .filter(|s| d.status.after(**s).is_ok())
        .map(|s| (s.code().to_owned(), t.code("device_step", s.code())))
        .collect();
    let test_seen = if steps.iter().any(|s| s.0 == DeviceStep::PassTest.code()) {
        Some(test_seen_text(state, caller, t, &d).await.or_page(&page)?)
    } else {
        None
    };
    let tag = if d.kind == DeviceKind::NfcTag {
        state
            .services
            .get_tag(&caller.ctx(), id)
            .await
            .or_page(&page)?
            .map(|s| super::tags::TagView::new(t, &s, base))
    } else {
        None
    };
    let status = page.status();
    let form = DeviceForm {
        kind: d.kind.code().to_owned(),
        serial: d.serial.clone(),
        model: d.model.clone(),
        firmware: d.firmware.clone().unwrap_or_default(),
        dc09_account: d.dc09_account.clone().unwrap_or_default(),
        dc09_key: String::new(),
        dc09_key_style: d
            .dc09_key_style()
            .map(|s| s.code().to_owned())
            .unwrap_or_default(),
        scaip_cid: d.scaip_cid.clone().unwrap_or_default(),
        scaip_password: String::new(),
    };
    Ok(render(
        status,
        &DevicePage {
            device: line(t, &d, &state.cameras),
            firmware: d.firmware.clone().unwrap_or_default(),
            dc09_account: d.dc09_account.clone().unwrap_or_default(),
            scaip_cid: d.scaip_cid.clone().unwrap_or_default(),
            scaip_password: d.scaip_password.is_some(),
            // The key is a secret: its style and length only; a clear account says so.
            dc09_key: match &d.dc09_key {
                Some(k) => format!(
                    "AES-{} ({})",
                    k.bytes.len() * 8,
                    t.code("key_style", k.style.code())
                ),
                None if d.dc09_clear => t.t("device-clear").into_owned(),
                None => String::new(),
            },
            credential: match (d.credential_issued_at, d.credential_revoked_at) {
                (_, Some(r)) => format!("{} {}", t.t("device-credential_revoked"), local_time(r)),
                (Some(i), None) => format!("{} {}", t.t("device-credential_issued"), local_time(i)),
                _ => t.t("device-credential_none").into_owned(),
            },
            has_credential: d.has_live_credential(),
            state_text: d.state.clone().unwrap_or_default(),
            events: events
                .iter()
                .rev()
                .map(|e| EventLine {
                    at: local_time(e.at),
                    step: t.code("device_step", e.step.code()),
                    from: t.code("device_status", e.from.code()),
                    to: t.code("device_status", e.to.code()),
                    client: e.client_id,
                    by: e.by_user.map(|u| names.user(u)).unwrap_or_default(),
                    note: e.note.clone().unwrap_or_default(),
                })
                .collect(),
            can_assign: steps.iter().any(|s| s.0 == DeviceStep::Assign.code()),
            test_seen,
            steps,
            form,
            kinds: choices(t, "device_kind", DeviceKind::ALL, DeviceKind::code),
            key_styles: choices(t, "key_style", Dc09KeyStyle::ALL, Dc09KeyStyle::code),
            tag_strengths: choices(
                t,
                "tag_strength",
                vaka_domain::nfc::TagStrength::ALL,
                vaka_domain::nfc::TagStrength::code,
            ),
            tag,
            page,
        },
    ))
}

pub async fn show(
    r: Req,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
    headers: axum::http::HeaderMap,
) -> PageResult {
    let base = super::tags::base_url(&r.state, &headers);
    record_page(r, "devices", &id, f.ok.as_deref(), async |s, c, i, p| {
        device_page_at(s, c, i, p, &base).await
    })
    .await
}

/// A change on a device's page, back to it with the `ok` notice.
async fn device_change<T>(
    r: Req,
    raw_id: &str,
    ok: &str,
    work: impl AsyncFnOnce(&AppState, &Caller, DeviceId) -> Result<T, ApiError>,
) -> PageResult {
    change_record(
        r,
        "devices",
        raw_id,
        work,
        |id| format!("/devices/{id}?ok={ok}"),
        device_page,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct StepForm {
    #[serde(default)]
    pub step: String,
    /// For `assign`: the client's personnummer (any common form) or id.
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub note: String,
}

/// Finds the client an assign step names, by identity number or id, within the caller's reach.
pub(crate) async fn resolve_client(
    state: &AppState,
    caller: &Caller,
    raw: &str,
) -> Result<Option<ClientId>, ApiError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if let Ok(id) = raw.parse::<ClientId>() {
        return Ok(Some(id));
    }
    let identity = ClientIdentity::parse_official(raw, state.services.today())
        .map_err(|e| ApiError::invalid("client", e.reason()))?;
    let found = state
        .services
        .list_clients(&caller.ctx(), Some(identity.as_str()), 2)
        .await?;
    match found.as_slice() {
        [one] => Ok(Some(one.id)),
        _ => Err(ApiError::invalid(
            "client",
            DeviceReason::NoClientWithIdentity,
        )),
    }
}

pub async fn step(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<StepForm>,
) -> PageResult {
    device_change(r, &id, "device-step_taken", async |state, caller, id| {
        let step = form_code("step", &form.step, DeviceStep::from_code)?;
        let client_id = if step == DeviceStep::Assign {
            resolve_client(state, caller, &form.client).await?
        } else {
            None
        };
        let seen = crate::api::registry::test_seen(state, caller, id, step).await;
        Ok(state
            .services
            .device_step(
                &caller.ctx(),
                id,
                DeviceStepInput {
                    step,
                    client_id,
                    note: Some(form.note.trim().to_owned()).filter(|n| !n.is_empty()),
                },
                seen,
            )
            .await?)
    })
    .await
}

pub async fn update(
    r: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<DeviceForm>,
) -> PageResult {
    device_change(r, &id, "device-updated", async |state, caller, id| {
        let input = form.to_input()?;
        Ok(state
            .services
            .update_device(&caller.ctx(), id, input)
            .await?)
    })
    .await
}

/// Whether a credential form's action issues (`issue`) or revokes (`revoke`).
fn credential_action(action: &str) -> Option<bool> {
    match action {
        "issue" => Some(true),
        "revoke" => Some(false),
        _ => None,
    }
}

#[derive(Debug, Deserialize)]
pub struct CredentialForm {
    /// `issue` or `revoke`.
    #[serde(default)]
    pub action: String,
}

pub async fn credential(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    PageForm(form): PageForm<CredentialForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "devices");
    let id: DeviceId = parse_id(&id, &page)?;
    let issue = match form_code("action", &form.action, credential_action) {
        Ok(issue) => issue,
        Err(e) => return device_page(&state, &caller, id, page.with_error(&e)).await,
    };
    match state
        .services
        .device_credential(&caller.ctx(), id, issue)
        .await
    {
        Ok(Some(credential)) => {
            let (d, _) = state
                .services
                .get_device(&caller.ctx(), id)
                .await
                .or_page(&page)?;
            Ok(render(
                StatusCode::OK,
                &CredentialPage {
                    id,
                    serial: d.serial,
                    credential,
                    page: PageCtx {
                        flash: Some(t.t("device-credential_new").into_owned()),
                        ..page
                    },
                },
            ))
        }
        other => {
            after_change(
                ErrorPage::RefusedOrUnknown,
                other,
                page,
                |_, _| {
                    Redirect::to(&format!("/devices/{id}?ok=device-credential_revoked_ok"))
                        .into_response()
                },
                async |page| device_page(&state, &caller, id, page).await,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use vaka_domain::device::{DeviceStatus, DeviceStep};
    use vaka_domain::reason::{DeviceReason, Reason};

    use crate::i18n::{Lang, Tr};

    #[test]
    fn device_reasons_read_in_the_page_language() {
        let (en, sv) = (Tr::new(Lang::En), Tr::new(Lang::Sv));
        let early = Reason::from(DeviceReason::ActivatedOnlyAfterPassedTest);
        // The status and the step are named, not given by their codes.
        let step = Reason::from(DeviceReason::StepNotPossible {
            status: DeviceStatus::InStock,
            step: DeviceStep::Restock,
        });
        for (tr, reason, text) in [
            (
                sv,
                &early,
                "en enhet aktiveras först efter ett godkänt test",
            ),
            (en, &early, "a device is activated only after a passed test"),
            (
                en,
                &step,
                "a device that is In stock cannot be given the step Back to stock",
            ),
            (
                sv,
                &step,
                "en enhet med status I lager kan inte få steget Tillbaka i lager",
            ),
        ] {
            assert_eq!(tr.reason_of(reason), text);
        }
    }
}
