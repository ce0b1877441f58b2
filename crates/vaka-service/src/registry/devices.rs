//! Devices: registration with a credential shown once, the lifecycle from the store room to
//! the client's wall and back, and DC-09 settings of alarm units.

use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::decision::{OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::device::{
    Dc09Key, Dc09KeyStyle, Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep,
    parse_dc09_account, parse_label,
};
use vaka_domain::ids::{ClientId, DeviceEventId, DeviceId};
use vaka_domain::validate::parse_name;
use vaka_store::{DbInstant, DeviceFilter, OrderFilter, WriteTx};

use crate::secrets::{random_token, sha256};
use crate::{Ctx, ServiceError, ServiceResult, Services};

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
    pub dc09_key_style: Option<Dc09KeyStyle>,
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

/// A registered device and its credential (shown only here).
#[derive(Debug, Clone)]
pub struct RegisteredDevice {
    pub device: Device,
    pub credential: String,
}

pub(crate) fn dc09_settings(
    input: &DeviceInput,
) -> ServiceResult<(Option<String>, Option<Dc09Key>)> {
    let account = input
        .dc09_account
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(parse_dc09_account)
        .transpose()?;
    let key = match input
        .dc09_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        None => None,
        Some(k) => {
            let style = input.dc09_key_style.ok_or_else(|| {
                ServiceError::invalid(
                    "dc09_key_style",
                    "say whether the key is written as ascii or hex",
                )
            })?;
            Some(Dc09Key::parse(k, style)?)
        }
    };
    if input.kind != DeviceKind::AlarmUnit && (account.is_some() || key.is_some()) {
        return Err(ServiceError::invalid(
            "dc09_account",
            "only alarm units have DC-09 settings",
        ));
    }
    if key.is_some() && account.is_none() {
        return Err(ServiceError::invalid(
            "dc09_account",
            "a DC-09 key belongs to an account",
        ));
    }
    Ok((account, key))
}

/// Checks typed input into a new device in stock, without a credential (the one validation
/// of a new device: registration and the CSV import).
pub(crate) fn new_device(input: &DeviceInput, now: jiff::Timestamp) -> ServiceResult<Device> {
    let (dc09_account, dc09_key) = dc09_settings(input)?;
    Ok(Device {
        id: DeviceId::new(),
        kind: input.kind,
        serial: parse_label("serial", &input.serial)?,
        model: parse_label("model", &input.model)?,
        firmware: input
            .firmware
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(|f| parse_label("firmware", f))
            .transpose()?,
        status: DeviceStatus::InStock,
        client_id: None,
        credential_issued_at: None,
        credential_revoked_at: None,
        dc09_account,
        dc09_key,
        last_seen_at: None,
        state: None,
        created_at: now,
    })
}

/// The service a device kind carries.
fn service_of(kind: DeviceKind) -> Option<ServiceKind> {
    match kind {
        DeviceKind::Camera => Some(ServiceKind::NightSupervision),
        DeviceKind::AlarmUnit => Some(ServiceKind::SafetyAlarm),
        DeviceKind::Lock | DeviceKind::NfcTag => None,
    }
}

impl Services {
    pub(crate) fn device_grant(&self, ctx: &Ctx<'_>) -> Option<vaka_domain::access::Assignment> {
        ctx.principal
            .any_grant(Permission::DeviceManage)
            .filter(|g| g.scope() == vaka_domain::access::Scope::Everything)
            .cloned()
    }

    /// Registers a device in stock and issues its credential.
    pub async fn register_device(
        &self,
        ctx: &Ctx<'_>,
        input: DeviceInput,
    ) -> ServiceResult<RegisteredDevice> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let Some(grant) = self.device_grant(ctx) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DeviceRegistered,
                        None,
                        "only municipal administrators register devices",
                    )
                    .await);
            };
            let mut device = new_device(&input, now)?;
            device.credential_issued_at = Some(now);
            let credential = format!("{DEVICE_CREDENTIAL_PREFIX}{}", random_token());
            let mut tx = self.write().await?;
            tx.insert_device(&device, Some(&sha256(credential.as_bytes())))
                .await?;
            let entry = ctx
                .entry(
                    now,
                    AuditAction::DeviceRegistered,
                    Outcome::Success,
                    Some(&grant),
                    "devices",
                )
                .subject("device", device.id);
            tx.append_audit(&entry).await?;
            tx.commit().await?;
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
        self.audited(async {
            let Some(grant) = self.device_grant(ctx) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DevicesListed,
                        None,
                        "only municipal administrators see the inventory",
                    )
                    .await);
            };
            let entry = ctx.entry(
                self.now(),
                AuditAction::DevicesListed,
                Outcome::Success,
                Some(&grant),
                "devices",
            );
            self.audited_read(move |tx| {
                Box::pin(async move {
                    let f = DeviceFilter {
                        limit: filter.limit.clamp(1, 1000),
                        ..filter
                    };
                    let devices = tx.list_devices(&f).await?;
                    let mut entry =
                        entry.details(serde_json::json!({ "results": devices.len() }).to_string());
                    entry.client_id = f.client;
                    Ok((devices, entry))
                })
            })
            .await
        })
        .await
    }

    /// One device with its history.
    pub async fn get_device(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
    ) -> ServiceResult<(Device, Vec<DeviceEvent>)> {
        self.audited(async {
            let Some(grant) = self.device_grant(ctx) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DevicesListed,
                        Some(("device", id.to_string())),
                        "only municipal administrators see devices",
                    )
                    .await);
            };
            let entry = ctx
                .entry(
                    self.now(),
                    AuditAction::DevicesListed,
                    Outcome::Success,
                    Some(&grant),
                    "devices",
                )
                .subject("device", id);
            self.audited_read(move |tx| {
                Box::pin(async move {
                    let d = tx
                        .get_device(id)
                        .await?
                        .ok_or(ServiceError::NotFound("device"))?;
                    let events = tx.list_device_events(id).await?;
                    let mut entry = entry;
                    entry.client_id = d.client_id;
                    Ok(((d, events), entry))
                })
            })
            .await
        })
        .await
    }

    /// Takes a device one step through its lifecycle. Activating a camera or alarm unit starts
    /// the client's accepted order for that service.
    pub async fn device_step(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
        input: DeviceStepInput,
    ) -> ServiceResult<Device> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let Some(grant) = self.device_grant(ctx) else {
                return Err(self.deny(ctx, AuditAction::DeviceStepTaken, Some(("device", id.to_string())), "only municipal administrators handle devices").await);
            };
            let mut tx = self.write().await?;
            let mut d = tx.get_device(id).await?.ok_or(ServiceError::NotFound("device"))?;
            let from = d.status;
            let to = from.after(input.step)?;
            match input.step {
                DeviceStep::Assign => {
                    let client = input
                        .client_id
                        .ok_or_else(|| ServiceError::invalid("client_id", "choose the client the device is for"))?;
                    tx.get_client(client).await?.ok_or_else(|| ServiceError::invalid("client_id", "no such client"))?;
                    d.client_id = Some(client);
                }
                _ if input.client_id.is_some() && input.client_id != d.client_id => {
                    return Err(ServiceError::invalid("client_id", "only the assign step chooses a client"));
                }
                _ => {}
            }
            if !to.is_with_client() {
                d.client_id = None;
            }
            d.status = to;
            tx.update_device(&d).await?;
            let client = d.client_id.or(input.client_id);
            tx.insert_device_event(&DeviceEvent {
                id: DeviceEventId::new(),
                device_id: id,
                step: input.step,
                from,
                to,
                client_id: client.or_else(|| if from.is_with_client() { None } else { d.client_id }),
                at: now,
                by_user: Some(ctx.principal.user_id),
                note: input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(|n| parse_name("note", n, 500)).transpose()?,
            })
            .await?;
            if input.step == DeviceStep::Activate
                && let (Some(c), Some(service)) = (d.client_id, service_of(d.kind))
            {
                self.activate_orders(&mut *tx, c, service, d.kind, now).await?;
            }
            let mut entry = ctx
                .entry(now, AuditAction::DeviceStepTaken, Outcome::Success, Some(&grant), "devices")
                .subject("device", id)
                .details(serde_json::json!({ "step": input.step.code(), "from": from.code(), "to": to.code() }).to_string());
            entry.client_id = client;
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            Ok(d)
        })
        .await
    }

    async fn activate_orders(
        &self,
        tx: &mut dyn WriteTx,
        client: ClientId,
        service: ServiceKind,
        kind: DeviceKind,
        now: jiff::Timestamp,
    ) -> ServiceResult<()> {
        let today = self.today();
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

    /// Changes a device's model, firmware or DC-09 settings.
    pub async fn update_device(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
        input: DeviceInput,
    ) -> ServiceResult<Device> {
        self.audited(async {
            let now = self.now();
            let Some(grant) = self.device_grant(ctx) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DeviceChanged,
                        Some(("device", id.to_string())),
                        "only municipal administrators handle devices",
                    )
                    .await);
            };
            let mut tx = self.write().await?;
            let mut d = tx
                .get_device(id)
                .await?
                .ok_or(ServiceError::NotFound("device"))?;
            if input.kind != d.kind || parse_label("serial", &input.serial)? != d.serial {
                return Err(ServiceError::invalid(
                    "serial",
                    "kind and serial number of a device cannot change",
                ));
            }
            let (account, key) = dc09_settings(&input)?;
            d.model = parse_label("model", &input.model)?;
            d.firmware = input
                .firmware
                .as_deref()
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(|f| parse_label("firmware", f))
                .transpose()?;
            // The key is never shown again, so a change that leaves it out keeps it (for the
            // same account); a new account without a key has none.
            let key = match key {
                Some(k) => Some(k),
                None if account.is_some() && account == d.dc09_account => d.dc09_key.take(),
                None => None,
            };
            d.dc09_account = account;
            d.dc09_key = key;
            tx.update_device(&d).await?;
            let mut entry = ctx
                .entry(
                    now,
                    AuditAction::DeviceChanged,
                    Outcome::Success,
                    Some(&grant),
                    "devices",
                )
                .subject("device", id);
            entry.client_id = d.client_id;
            tx.append_audit(&entry).await?;
            tx.commit().await?;
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
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let Some(grant) = self.device_grant(ctx) else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::DeviceCredentialIssued,
                        Some(("device", id.to_string())),
                        "only municipal administrators handle devices",
                    )
                    .await);
            };
            let mut tx = self.write().await?;
            let d = tx
                .get_device(id)
                .await?
                .ok_or(ServiceError::NotFound("device"))?;
            let (credential, action) = if issue {
                let c = format!("{DEVICE_CREDENTIAL_PREFIX}{}", random_token());
                tx.set_device_credential(
                    id,
                    Some(&sha256(c.as_bytes())),
                    Some(DbInstant::new(now)),
                    None,
                )
                .await?;
                (Some(c), AuditAction::DeviceCredentialIssued)
            } else {
                if !d.has_live_credential() {
                    return Err(ServiceError::Conflict(
                        "the device has no credential to revoke".into(),
                    ));
                }
                tx.set_device_credential(
                    id,
                    None,
                    d.credential_issued_at.map(DbInstant::new),
                    Some(DbInstant::new(now)),
                )
                .await?;
                (None, AuditAction::DeviceCredentialRevoked)
            };
            let mut entry = ctx
                .entry(now, action, Outcome::Success, Some(&grant), "devices")
                .subject("device", id);
            entry.client_id = d.client_id;
            tx.append_audit(&entry).await?;
            tx.commit().await?;
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
        let found = async {
            let mut tx = self.read().await.ok()?;
            tx.get_device_by_credential(&hash).await.ok().flatten()
        }
        .await;
        let device = found
            .filter(|d| d.has_live_credential())
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
