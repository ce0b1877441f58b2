//! Devices: registration with a credential shown once, the lifecycle from the store room to
//! the client's wall and back, and DC-09 settings of alarm units.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use vaka_domain::access::{Assignment, Permission, Principal, Scope};
use vaka_domain::alarm::AlarmKind;
use vaka_domain::audit::{AuditAction, NewAuditEntry, Outcome};
use vaka_domain::decision::{OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::device::{
    Dc09Key, Dc09KeyStyle, Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep,
    ScaipPassword, check_dc09, parse_dc09_account, parse_label, parse_scaip_cid, scaip_account,
};
use vaka_domain::ids::{ClientId, DeviceEventId, DeviceId};
use vaka_domain::reason::{DeviceReason, Reason};
use vaka_domain::validate::parse_name;
use vaka_store::values::to_db_precision;
use vaka_store::{DbInstant, DeviceFilter, OrderFilter, WriteTx};

use super::stockholm;
use crate::alarms::coverage::{CoverageFacts, refuse_new_gaps};
use crate::directory::ADMIN;
use crate::door::{Op, Work};
use crate::error::{Fault, WorkResult};
use crate::secrets::{random_token, sha256};
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The care context of device work.
pub(crate) const DEVICES: &str = "devices";

/// Prefix of device credentials, so that leaked ones are recognisable.
pub const DEVICE_CREDENTIAL_PREFIX: &str = "vakadev_";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    pub kind: DeviceKind,
    pub serial: String,
    pub model: String,
    pub firmware: Option<String>,
    /// Alarm units: the SIA DC-09 account (3–16 hex digits).
    pub dc09_account: Option<String>,
    /// Alarm units: the AES key, written as `dc09_key_style` says.
    pub dc09_key: Option<String>,
    /// How the key is written (`ascii`, `hex`), or `clear`: the account has no key and sends
    /// clear (unencrypted) messages. An account needs a key or `clear`, chosen explicitly.
    pub dc09_key_style: Option<Dc09KeyStyle>,
    /// Alarm units: the SCAIP controller id (`cid`, 1–32 letters or digits), unique.
    #[serde(default)]
    pub scaip_cid: Option<String>,
    /// Alarm units with a SCAIP controller id: the SIP digest password the unit must answer a
    /// challenge with (8–64 characters); none: no digest. Never shown again; a change that
    /// leaves it out keeps it for the same controller id.
    #[serde(default)]
    pub scaip_password: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceStepInput {
    pub step: DeviceStep,
    /// For `assign`: the client.
    pub client_id: Option<ClientId>,
    pub note: Option<String>,
}

/// How long before a pass an alarm unit's test alarm may have arrived.
pub const TEST_ALARM_WINDOW_MINUTES: i64 = 30;

/// What the system saw of a device's test when its pass is asked for. A pass is recorded only
/// after a real test: a camera that is connected and delivered a test frame, an alarm unit whose
/// test alarm arrived (the service looks for it itself, see [`Services::device_step`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestSeen {
    /// What the camera gateway saw when the pass was asked for: whether the camera was
    /// connected, and when it delivered a test frame (the frame itself is dropped unseen).
    Gateway {
        camera_connected: bool,
        camera_frame_at: Option<Timestamp>,
    },
    /// Devices set up by `vaka demo` and the benchmark, which have no device on site: the pass
    /// is taken as given and the audit entry says so. Never for a front end.
    Fixture,
}

impl TestSeen {
    /// Nothing seen: no camera connected, no frame.
    pub const NOTHING: TestSeen = TestSeen::Gateway {
        camera_connected: false,
        camera_frame_at: None,
    };
}

/// A registered device and its credential (shown only here).
#[derive(Debug, Clone)]
pub struct RegisteredDevice {
    pub device: Device,
    pub credential: String,
}

/// The assignment through which `principal` manages devices: municipality-wide only.
pub(crate) fn device_grant(principal: &Principal) -> Option<Assignment> {
    principal
        .any_grant(Permission::DeviceManage)
        .filter(|g| g.scope() == Scope::Everything)
        .cloned()
}

/// A refusal by right of this unit's action, for `reason`. Refusals about devices and imports
/// are logged in the administration's care context.
pub(crate) fn admin_refusal<'a>(
    w: &impl Work<'a>,
    reason: impl Into<Reason>,
    subject: Option<(&str, String)>,
) -> Fault {
    let mut e = w.entry(Outcome::Denied, None);
    e.care_context = Some(ADMIN.to_owned());
    if let Some((kind, id)) = subject {
        e = e.subject(kind, id);
    }
    Fault::denied(e, reason)
}

/// The caller's right to manage devices, or an audited refusal for `reason`.
pub(crate) fn manage_devices<'a>(
    w: &impl Work<'a>,
    reason: DeviceReason,
    subject: Option<(&str, String)>,
) -> WorkResult<Assignment> {
    w.ctx()
        .and_then(|ctx| device_grant(ctx.principal))
        .ok_or_else(|| admin_refusal(w, reason, subject))
}

/// A device's subject in the audit log.
fn device_subject(id: DeviceId) -> (&'static str, String) {
    ("device", id.to_string())
}

/// An audit entry about a device: the device as its subject, with the client it is assigned to.
fn about_device(e: NewAuditEntry, d: &Device) -> NewAuditEntry {
    let mut e = e.subject("device", d.id);
    e.client_id = d.client_id;
    e
}

/// An alarm unit's DC-09 settings as given: the account, the key, and whether the account is
/// explicitly marked clear (style `clear`, no key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dc09Settings {
    pub account: Option<String>,
    pub key: Option<Dc09Key>,
    pub clear: bool,
}

/// Reads the DC-09 settings of `input`. A key needs its style; the style `clear` marks an
/// account without a key. Whether they fit together is [`check_dc09`]'s rule, checked once
/// the settings are complete (a change may keep the stored key).
pub(crate) fn dc09_settings(input: &DeviceInput) -> ServiceResult<Dc09Settings> {
    let account = input
        .dc09_account
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(parse_dc09_account)
        .transpose()?;
    let clear = input.dc09_key_style == Some(Dc09KeyStyle::Clear);
    let key = match input
        .dc09_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        None => None,
        Some(k) => {
            let style = input.dc09_key_style.ok_or_else(|| {
                ServiceError::invalid("dc09_key_style", DeviceReason::KeyStyleRequired)
            })?;
            Some(Dc09Key::parse(k, style)?)
        }
    };
    if input.kind != DeviceKind::AlarmUnit && (account.is_some() || key.is_some() || clear) {
        return Err(ServiceError::invalid(
            "dc09_account",
            DeviceReason::Dc09OnlyAlarmUnits,
        ));
    }
    Ok(Dc09Settings {
        account,
        key,
        clear,
    })
}

/// The SCAIP settings of a device.
pub(crate) struct ScaipSettings {
    pub cid: Option<String>,
    pub password: Option<ScaipPassword>,
}

/// Reads the SCAIP settings of `input`: a controller id and a digest password, only on alarm
/// units; a password only with a controller id (checked once the settings are complete: a
/// change may keep the stored password).
pub(crate) fn scaip_settings(input: &DeviceInput) -> ServiceResult<ScaipSettings> {
    let cid = input
        .scaip_cid
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(parse_scaip_cid)
        .transpose()?;
    let password = input
        .scaip_password
        .as_deref()
        .filter(|p| !p.is_empty())
        .map(ScaipPassword::parse)
        .transpose()?;
    if input.kind != DeviceKind::AlarmUnit && (cid.is_some() || password.is_some()) {
        return Err(ServiceError::invalid(
            "scaip_cid",
            DeviceReason::Dc09OnlyAlarmUnits,
        ));
    }
    if cid.is_none() && password.is_some() {
        return Err(ServiceError::invalid(
            "scaip_password",
            DeviceReason::ScaipPasswordNeedsCid,
        ));
    }
    Ok(ScaipSettings { cid, password })
}

/// The firmware a form gives (empty is none).
fn firmware(input: &DeviceInput) -> ServiceResult<Option<String>> {
    Ok(input
        .firmware
        .as_deref()
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| parse_label("firmware", f))
        .transpose()?)
}

/// Checks typed input into a new device in stock, without a credential (the one validation
/// of a new device: registration and the CSV import).
pub(crate) fn new_device(input: &DeviceInput, now: Timestamp) -> ServiceResult<Device> {
    let Dc09Settings {
        account: dc09_account,
        key: dc09_key,
        clear: dc09_clear,
    } = dc09_settings(input)?;
    check_dc09(dc09_account.as_deref(), dc09_key.as_ref(), dc09_clear)?;
    let scaip = scaip_settings(input)?;
    Ok(Device {
        id: DeviceId::new(),
        kind: input.kind,
        serial: parse_label("serial", &input.serial)?,
        model: parse_label("model", &input.model)?,
        firmware: firmware(input)?,
        status: DeviceStatus::InStock,
        client_id: None,
        credential_issued_at: None,
        credential_revoked_at: None,
        dc09_account,
        dc09_key,
        dc09_clear,
        scaip_cid: scaip.cid,
        scaip_password: scaip.password,
        last_seen_at: None,
        state: None,
        created_at: now,
    })
}

/// A new device credential: shown once, stored as its SHA-256.
fn new_credential() -> String {
    format!("{DEVICE_CREDENTIAL_PREFIX}{}", random_token())
}

/// The service a device kind carries.
fn service_of(kind: DeviceKind) -> Option<ServiceKind> {
    match kind {
        DeviceKind::Camera => Some(ServiceKind::NightSupervision),
        DeviceKind::AlarmUnit => Some(ServiceKind::SafetyAlarm),
        DeviceKind::Lock | DeviceKind::NfcTag => None,
    }
}

/// Starts the client's accepted orders that a device of `kind` carries out (a camera only
/// those supervised by camera), unless their decision has ended.
async fn activate_orders(
    tx: &mut dyn WriteTx,
    client: ClientId,
    service: ServiceKind,
    kind: DeviceKind,
    now: Timestamp,
) -> WorkResult<()> {
    let today = now.to_zoned(stockholm()).date();
    for mut o in tx
        .list_orders(&OrderFilter {
            client: Some(client),
            status: Some(OrderStatus::Accepted),
            ..OrderFilter::default()
        })
        .await?
    {
        let Some(d) = tx.get_decision(o.decision_id).await? else {
            continue;
        };
        let needs_this = d.service == service
            && (kind != DeviceKind::Camera
                || matches!(
                    d.supervision_mode,
                    Some(SupervisionMode::Camera | SupervisionMode::Both)
                ));
        if needs_this && d.last_day().is_none_or(|l| today <= l) {
            o.status = o.status.activate()?;
            o.activated_at = Some(now);
            tx.update_order(&o).await?;
        }
    }
    Ok(())
}

/// When `device`'s test alarm (a test alarm from the device, that is from its DC-09 account)
/// arrived in the test window before `now`: the latest one.
async fn test_alarm_at(
    tx: &mut dyn vaka_store::ReadTx,
    device: &Device,
    now: Timestamp,
) -> WorkResult<Option<Timestamp>> {
    if device.kind != DeviceKind::AlarmUnit
        || (device.dc09_account.is_none() && device.scaip_cid.is_none())
    {
        return Ok(None);
    }
    let scaip = device.scaip_cid.as_deref().map(scaip_account);
    let from = now - jiff::SignedDuration::from_mins(TEST_ALARM_WINDOW_MINUTES);
    let to = now + jiff::SignedDuration::from_secs(1);
    Ok(tx
        .list_alarms_between(from, to)
        .await?
        .into_iter()
        .filter(|a| {
            a.device_id == Some(device.id)
                && a.alarm.kind == AlarmKind::Test
                && (a.account.is_none()
                    || a.account == device.dc09_account
                    || (scaip.is_some() && a.account == scaip))
        })
        .map(|a| a.alarm.received_at)
        .max())
}

/// What a pass of `device`'s test rests on (for the audit entry), or why it is refused.
/// Devices without a test the system can see (locks, tags) pass on the installer's word.
async fn test_evidence(
    tx: &mut dyn vaka_store::ReadTx,
    device: &Device,
    seen: TestSeen,
    now: Timestamp,
) -> WorkResult<Option<serde_json::Value>> {
    let TestSeen::Gateway {
        camera_connected,
        camera_frame_at,
    } = seen
    else {
        return Ok(Some(serde_json::json!({ "fixture": true })));
    };
    match device.kind {
        DeviceKind::Camera => match (camera_connected, camera_frame_at) {
            (_, Some(at)) => Ok(Some(serde_json::json!({ "test_frame_at": at.to_string() }))),
            (false, None) => Err(Fault::conflict(DeviceReason::TestCameraNotConnected)),
            (true, None) => Err(Fault::conflict(DeviceReason::TestCameraNoFrame)),
        },
        DeviceKind::AlarmUnit => {
            if device.dc09_account.is_none() && device.scaip_cid.is_none() {
                return Err(Fault::conflict(DeviceReason::TestNoAccount));
            }
            match test_alarm_at(tx, device, now).await? {
                Some(at) => Ok(Some(serde_json::json!({ "test_alarm_at": at.to_string() }))),
                None => Err(Fault::conflict(DeviceReason::TestNoTestAlarm {
                    minutes: TEST_ALARM_WINDOW_MINUTES,
                })),
            }
        }
        DeviceKind::Lock | DeviceKind::NfcTag => Ok(None),
    }
}

impl Services {
    /// Registers a device in stock and issues its credential.
    pub async fn register_device(
        &self,
        ctx: &Ctx<'_>,
        input: DeviceInput,
    ) -> ServiceResult<RegisteredDevice> {
        let op = ctx.op(AuditAction::DeviceRegistered, DEVICES);
        self.door
            .change(op, async |w| {
                let grant = manage_devices(w, DeviceReason::OnlyAdminsRegister, None)?;
                let now = to_db_precision(w.now());
                let mut device = new_device(&input, now)?;
                device.credential_issued_at = Some(now);
                let credential = new_credential();
                w.insert_device(&device, Some(&sha256(credential.as_bytes())))
                    .await?;
                w.succeeded(Some(&grant), |e| e.subject("device", device.id));
                Ok(RegisteredDevice { device, credential })
            })
            .await
    }

    /// The inventory (filtered). Audited: it tells which client has which device.
    pub async fn list_devices(
        &self,
        ctx: &Ctx<'_>,
        filter: DeviceFilter,
    ) -> ServiceResult<Vec<Device>> {
        Ok(self.list_devices_page(ctx, filter).await?.items)
    }

    /// One page of the inventory (the filter's limit and offset), with how many devices the
    /// filter finds in all. Audited like [`Services::list_devices`].
    pub async fn list_devices_page(
        &self,
        ctx: &Ctx<'_>,
        filter: DeviceFilter,
    ) -> ServiceResult<crate::Paged<Device>> {
        let op = ctx.op(AuditAction::DevicesListed, DEVICES);
        self.door
            .read(op, async |r| {
                let grant = manage_devices(r, DeviceReason::OnlyAdminsSeeInventory, None)?;
                let f = DeviceFilter {
                    limit: filter.limit.clamp(1, 1000),
                    offset: filter.offset.max(0),
                    ..filter
                };
                let devices = r.list_devices(&f).await?;
                let n = i64::try_from(devices.len()).unwrap_or(i64::MAX);
                let total = if f.offset == 0 && n < f.limit {
                    n
                } else {
                    r.count_devices(&f).await?
                };
                r.succeeded(Some(&grant), |e| {
                    let mut e = e.details(
                        serde_json::json!({ "results": devices.len(), "total": total,
                                            "offset": f.offset })
                        .to_string(),
                    );
                    e.client_id = f.client;
                    e
                });
                Ok(crate::Paged {
                    items: devices,
                    offset: f.offset,
                    total,
                })
            })
            .await
    }

    /// One device with its history.
    pub async fn get_device(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
    ) -> ServiceResult<(Device, Vec<DeviceEvent>)> {
        let op = ctx.op(AuditAction::DevicesListed, DEVICES);
        self.door
            .read(op, async |r| {
                let grant = manage_devices(
                    r,
                    DeviceReason::OnlyAdminsSeeDevices,
                    Some(device_subject(id)),
                )?;
                let d = r.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                let events = r.list_device_events(id).await?;
                r.succeeded(Some(&grant), |e| about_device(e, &d));
                Ok((d, events))
            })
            .await
    }

    /// When the device's test alarm arrived in the test window before now, if it did (alarm
    /// units only). What the pass of an alarm unit rests on, and what its page shows.
    pub async fn device_test_alarm(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
    ) -> ServiceResult<Option<Timestamp>> {
        let op = ctx.op(AuditAction::DevicesListed, DEVICES);
        self.door
            .read(op, async |r| {
                let grant = manage_devices(
                    r,
                    DeviceReason::OnlyAdminsSeeDevices,
                    Some(device_subject(id)),
                )?;
                let d = r.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                let now = r.now();
                let at = test_alarm_at(r.reads(), &d, now).await?;
                r.succeeded(Some(&grant), |e| about_device(e, &d));
                Ok(at)
            })
            .await
    }

    /// Takes a device one step through its lifecycle. Activating a camera or alarm unit starts
    /// the client's accepted order for that service. A passed test is recorded only after a
    /// real one: a camera that was connected and delivered a test frame (`seen`, from the
    /// gateway), an alarm unit whose test alarm arrived from its DC-09 account within
    /// [`TEST_ALARM_WINDOW_MINUTES`].
    pub async fn device_step(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
        input: DeviceStepInput,
        seen: TestSeen,
    ) -> ServiceResult<Device> {
        let op = ctx.op(AuditAction::DeviceStepTaken, DEVICES);
        self.door
            .change(op, async |w| {
                let grant =
                    manage_devices(w, DeviceReason::OnlyAdminsHandle, Some(device_subject(id)))?;
                let now = to_db_precision(w.now());
                let mut d = w.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                let from = d.status;
                let to = from.after(input.step)?;
                let evidence = if input.step == DeviceStep::PassTest {
                    test_evidence(w.reads(), &d, seen, now).await?
                } else {
                    None
                };
                match input.step {
                    DeviceStep::Assign => {
                        let client = input.client_id.ok_or_else(|| {
                            Fault::invalid("client_id", DeviceReason::ChooseClient)
                        })?;
                        let c = w.get_client(client).await?.ok_or_else(|| {
                            Fault::invalid("client_id", DeviceReason::NoSuchClient)
                        })?;
                        // An alarm unit goes only to a client an alarm centre covers.
                        if d.kind == DeviceKind::AlarmUnit {
                            let before = CoverageFacts::read(w.reads()).await?;
                            let mut after = before.clone();
                            after.alarm_clients.push((c.id, c.unit_id));
                            refuse_new_gaps(
                                &before,
                                &after,
                                w.client_entry(Outcome::Denied, Some(&grant), &c)
                                    .subject("device", id),
                            )?;
                        }
                        d.client_id = Some(client);
                    }
                    _ if input.client_id.is_some() && input.client_id != d.client_id => {
                        return Err(Fault::invalid(
                            "client_id",
                            DeviceReason::OnlyAssignChoosesClient,
                        ));
                    }
                    _ => {}
                }
                if !to.is_with_client() {
                    d.client_id = None;
                }
                d.status = to;
                w.update_device(&d).await?;
                let client = d.client_id.or(input.client_id);
                let note = input
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| parse_name("note", n, 500))
                    .transpose()?;
                w.insert_device_event(&DeviceEvent {
                    id: DeviceEventId::new(),
                    device_id: id,
                    step: input.step,
                    from,
                    to,
                    client_id: client.or(if from.is_with_client() {
                        None
                    } else {
                        d.client_id
                    }),
                    at: now,
                    by_user: Some(ctx.principal.user_id),
                    note,
                })
                .await?;
                if input.step == DeviceStep::Activate
                    && let (Some(c), Some(service)) = (d.client_id, service_of(d.kind))
                {
                    activate_orders(&mut **w, c, service, d.kind, now).await?;
                }
                w.succeeded(Some(&grant), |e| {
                    let mut e = e.subject("device", id).details(
                        serde_json::json!({
                            "step": input.step.code(),
                            "from": from.code(),
                            "to": to.code(),
                            "test": evidence,
                        })
                        .to_string(),
                    );
                    e.client_id = client;
                    e
                });
                Ok(d)
            })
            .await
    }

    /// Changes a device's model, firmware or DC-09 settings.
    pub async fn update_device(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
        input: DeviceInput,
    ) -> ServiceResult<Device> {
        let op = ctx.op(AuditAction::DeviceChanged, DEVICES);
        self.door
            .change(op, async |w| {
                let grant =
                    manage_devices(w, DeviceReason::OnlyAdminsHandle, Some(device_subject(id)))?;
                let mut d = w.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                if input.kind != d.kind || parse_label("serial", &input.serial)? != d.serial {
                    return Err(Fault::invalid("serial", DeviceReason::KindAndSerialFixed));
                }
                let Dc09Settings {
                    account,
                    key,
                    clear,
                } = dc09_settings(&input)?;
                d.model = parse_label("model", &input.model)?;
                d.firmware = firmware(&input)?;
                // The key is never shown again, so a change that leaves it out keeps it (for
                // the same account, unless the account is now marked clear); a new account
                // without a key has none, and must then be marked clear.
                let key = match key {
                    Some(k) => Some(k),
                    None if !clear && account.is_some() && account == d.dc09_account => {
                        d.dc09_key.take()
                    }
                    None => None,
                };
                check_dc09(account.as_deref(), key.as_ref(), clear)?;
                let scaip = scaip_settings(&input)?;
                // As the DC-09 key: never shown again, so left out it is kept for the same
                // controller id.
                let password = match scaip.password {
                    Some(p) => Some(p),
                    None if scaip.cid.is_some() && scaip.cid == d.scaip_cid => {
                        d.scaip_password.take()
                    }
                    None => None,
                };
                d.dc09_account = account;
                d.dc09_key = key;
                d.dc09_clear = clear;
                d.scaip_cid = scaip.cid;
                d.scaip_password = password;
                w.update_device(&d).await?;
                w.succeeded(Some(&grant), |e| about_device(e, &d));
                Ok(d)
            })
            .await
    }

    /// Issues a new credential (the old one stops working) or revokes it.
    pub async fn device_credential(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
        issue: bool,
    ) -> ServiceResult<Option<String>> {
        // Audited as issuing when refused, whichever was asked.
        let op = ctx.op(AuditAction::DeviceCredentialIssued, DEVICES);
        self.door
            .change(op, async |w| {
                let grant =
                    manage_devices(w, DeviceReason::OnlyAdminsHandle, Some(device_subject(id)))?;
                let now = DbInstant::new(w.now());
                let d = w.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                let (credential, action) = if issue {
                    let c = new_credential();
                    w.set_device_credential(id, Some(&sha256(c.as_bytes())), Some(now), None)
                        .await?;
                    (Some(c), AuditAction::DeviceCredentialIssued)
                } else {
                    if !d.has_live_credential() {
                        return Err(Fault::conflict(DeviceReason::NoCredentialToRevoke));
                    }
                    w.set_device_credential(
                        id,
                        None,
                        d.credential_issued_at.map(DbInstant::new),
                        Some(now),
                    )
                    .await?;
                    (None, AuditAction::DeviceCredentialRevoked)
                };
                let e = about_device(w.entry_for(action, Outcome::Success, Some(&grant)), &d);
                w.record(e);
                Ok(credential)
            })
            .await
    }
}

/// Why a device may not connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceRefused {
    /// No credential, or one that matches no live device credential.
    UnknownCredential,
    /// The credential is a device's of another kind than the gateway serves.
    WrongKind,
    /// The device is returned or decommissioned.
    Retired,
}

impl Services {
    /// Identifies a device by the credential it connects with (stored as SHA-256). Connecting
    /// is not an access to personal data: nothing about the client is read.
    pub async fn authenticate_device(
        &self,
        credential: &str,
        kind: DeviceKind,
    ) -> Result<Device, DeviceRefused> {
        if !credential.starts_with(DEVICE_CREDENTIAL_PREFIX) {
            return Err(DeviceRefused::UnknownCredential);
        }
        let hash = sha256(credential.as_bytes());
        // Nothing is recorded: the action only names the unit of work.
        let op = Op::system(AuditAction::DevicesListed, DEVICES);
        let found = self
            .door
            .read(op, async |r| Ok(r.get_device_by_credential(&hash).await?))
            .await;
        let device = found
            .ok()
            .flatten()
            .filter(vaka_domain::device::Device::has_live_credential)
            .ok_or(DeviceRefused::UnknownCredential)?;
        if device.kind != kind {
            return Err(DeviceRefused::WrongKind);
        }
        if matches!(
            device.status,
            DeviceStatus::Returned | DeviceStatus::Decommissioned
        ) {
            return Err(DeviceRefused::Retired);
        }
        Ok(device)
    }
}
