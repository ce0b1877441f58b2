//! NFC tags at clients' doors: devices of kind `nfc_tag` with their settings (the opaque id in
//! the tag's URL, the UID, the strength, a SUN tag's key and last counter), provisioned,
//! ordered for a client and replaced; and the tap — the one function that decides what a read
//! tag proves ([`tap`]), used by visit registration.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, NewAuditEntry, Outcome};
use vaka_domain::device::{Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep};
use vaka_domain::homecare::plan::plan_day;
use vaka_domain::ids::VisitPlanId;
use vaka_domain::ids::{ClientId, DeviceEventId, DeviceId};
use vaka_domain::nfc::sun::{self, SdmKey, SunRefusal};
use vaka_domain::nfc::{NfcTag, TagEvidence, TagId, TagStrength, TagTap, TagUid, parse_tag_url};
use vaka_domain::reason::{DeviceReason, HomecareReason, Reason, TagReason};
use vaka_store::DbInstant;
use vaka_store::values::to_db_precision;

use super::day_of;
use super::devices::{DEVICES, DeviceInput, manage_devices, new_device};
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::secrets::random_bytes;
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// The care context of taps (visit registration at the door).
pub(crate) const TAGS: &str = "home_care";

/// A tag's settings as an administrator gives them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TagInput {
    /// The tag's serial number as read (`04:4a:2a:…`, `04-4A-…` or bare hex); empty when not
    /// yet known (a SUN tag's is then learned from its first proven tap).
    pub uid: Option<String>,
    pub strength: TagStrength,
    /// SUN tags: the AES key written on the tag (32 hex digits). Left out, a SUN tag keeps its
    /// key, or gets a new one that is shown once.
    pub sdm_key: Option<String>,
}

/// A tag's settings as pages and the API show them: never its key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagSummary {
    pub device_id: DeviceId,
    /// The id in the tag's URL (`/t/<tag_id>`).
    pub tag_id: String,
    pub uid: Option<String>,
    pub strength: TagStrength,
    /// SUN tags: the last read counter accepted.
    pub last_counter: Option<u32>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub last_tap_at: Option<Timestamp>,
}

impl From<&NfcTag> for TagSummary {
    fn from(t: &NfcTag) -> Self {
        Self {
            device_id: t.device_id,
            tag_id: t.tag_id.to_string(),
            uid: t.uid.as_ref().map(ToString::to_string),
            strength: t.strength,
            last_counter: t.last_counter,
            last_tap_at: t.last_tap_at,
        }
    }
}

/// A tag after provisioning, ordering or replacing: its settings and, when the server made
/// the key, the key to write on the tag — shown only here.
#[derive(Debug, Clone)]
pub struct ProvisionedTag {
    pub device: Device,
    pub tag: TagSummary,
    /// 32 hex digits, when a new key was made.
    pub new_key: Option<String>,
}

/// Where a tapped tag leads (`GET /t/{tag_id}`): its client's planned visit today, for the
/// caller's visit page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagLanding {
    pub device_id: DeviceId,
    pub client_id: ClientId,
    pub strength: TagStrength,
    /// The planned visit: the first of the day not yet ended, else the last.
    pub plan_id: VisitPlanId,
    pub date: jiff::civil::Date,
}

/// A new tag id.
fn new_tag_id() -> TagId {
    TagId::from_random(random_bytes::<16>())
}

/// A new SUN key.
fn new_key() -> SdmKey {
    SdmKey::from_bytes(random_bytes::<16>())
}

/// The model of a new tag of this strength.
fn model_of(strength: TagStrength) -> &'static str {
    match strength {
        TagStrength::Sun => "NTAG 424 DNA",
        TagStrength::Plain => "NTAG213",
    }
}

/// Reads `input` into `tag` (a tag's new settings); returns the key made, if one was.
fn apply_input(tag: &mut NfcTag, input: &TagInput) -> WorkResult<Option<SdmKey>> {
    let uid = input
        .uid
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(TagUid::parse)
        .transpose()?;
    let key = input
        .sdm_key
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(SdmKey::parse)
        .transpose()?;
    let mut made = None;
    match (input.strength, key) {
        (TagStrength::Plain, Some(_)) => {
            return Err(Fault::invalid("sdm_key", TagReason::PlainTakesNoKey));
        }
        (TagStrength::Plain, None) => {
            tag.sdm_key = None;
            tag.last_counter = None;
        }
        (TagStrength::Sun, Some(k)) => {
            if tag.sdm_key.as_ref() != Some(&k) {
                // Another key is another tag's counter.
                tag.last_counter = None;
            }
            tag.sdm_key = Some(k);
        }
        (TagStrength::Sun, None) => {
            if tag.sdm_key.is_none() || tag.strength != TagStrength::Sun {
                let k = new_key();
                tag.sdm_key = Some(k.clone());
                tag.last_counter = None;
                made = Some(k);
            }
        }
    }
    if uid.is_some() && uid != tag.uid {
        tag.uid = uid;
    }
    tag.strength = input.strength;
    Ok(made)
}

/// Fails with [`TagReason::Taken`] when another tag has `tag`'s UID.
async fn uid_free(w: &mut Change<'_>, tag: &NfcTag) -> WorkResult<()> {
    if let Some(uid) = &tag.uid
        && let Some(other) = w.find_tag_by_uid(uid).await?
        && other.device_id != tag.device_id
    {
        return Err(Fault::invalid("uid", TagReason::Taken));
    }
    Ok(())
}

/// Records one lifecycle step of `d` (already moved to `to`).
async fn record_step(
    w: &mut Change<'_>,
    d: &Device,
    step: DeviceStep,
    from: DeviceStatus,
    client: Option<ClientId>,
    at: Timestamp,
    by: vaka_domain::ids::UserId,
) -> WorkResult<()> {
    w.insert_device_event(&DeviceEvent {
        id: DeviceEventId::new(),
        device_id: d.id,
        step,
        from,
        to: d.status,
        client_id: client,
        at,
        by_user: Some(by),
        note: None,
    })
    .await?;
    Ok(())
}

/// Registers a new tag of `strength` in stock (its serial the tag id, upper case) with fresh
/// settings and assigns it to `client`, recording the steps. Returns the device, its settings
/// and the key made for a SUN tag.
async fn new_tag_for(
    w: &mut Change<'_>,
    client: ClientId,
    strength: TagStrength,
    by: vaka_domain::ids::UserId,
) -> WorkResult<(Device, NfcTag, Option<SdmKey>)> {
    let now = to_db_precision(w.now());
    let tag_id = new_tag_id();
    let mut device = new_device(
        &DeviceInput {
            kind: DeviceKind::NfcTag,
            serial: tag_id.as_str().to_ascii_uppercase(),
            model: model_of(strength).to_owned(),
            firmware: None,
            dc09_account: None,
            dc09_key: None,
            dc09_key_style: None,
            scaip_cid: None,
            scaip_password: None,
        },
        now,
    )?;
    w.insert_device(&device, None).await?;
    let key = (strength == TagStrength::Sun).then(new_key);
    let tag = NfcTag {
        device_id: device.id,
        tag_id,
        uid: None,
        strength,
        sdm_key: key.clone(),
        last_counter: None,
        last_tap_at: None,
    };
    w.upsert_tag(&tag).await?;
    let from = device.status;
    device.status = from.after(DeviceStep::Assign)?;
    device.client_id = Some(client);
    w.update_device(&device).await?;
    record_step(w, &device, DeviceStep::Assign, from, Some(client), now, by).await?;
    Ok((device, tag, key))
}

impl Services {
    /// A device's tag settings (administrators), without the key.
    pub async fn get_tag(&self, ctx: &Ctx<'_>, id: DeviceId) -> ServiceResult<Option<TagSummary>> {
        let op = ctx.op(AuditAction::DevicesListed, DEVICES);
        self.door
            .read(op, async |r| {
                let grant = manage_devices(
                    r,
                    DeviceReason::OnlyAdminsSeeDevices,
                    Some(("device", id.to_string())),
                )?;
                let d = r.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                let tag = r.get_tag(id).await?;
                r.succeeded(Some(&grant), |e| {
                    let mut e = e.subject("device", id);
                    e.client_id = d.client_id;
                    e
                });
                Ok(tag.as_ref().map(TagSummary::from))
            })
            .await
    }

    /// Sets an NFC tag's settings: its UID, strength and (SUN) key. A tag provisioned for the
    /// first time gets its URL's id; a SUN tag without a key given gets a new one, returned
    /// once. Another key or a plain tag forgets the last counter.
    pub async fn provision_tag(
        &self,
        ctx: &Ctx<'_>,
        id: DeviceId,
        input: TagInput,
    ) -> ServiceResult<ProvisionedTag> {
        let op = ctx.op(AuditAction::TagProvisioned, DEVICES);
        self.door
            .change(op, async |w| {
                let grant = manage_devices(
                    w,
                    DeviceReason::OnlyAdminsHandle,
                    Some(("device", id.to_string())),
                )?;
                let d = w.get_device(id).await?.ok_or(Fault::not_found("device"))?;
                if d.kind != DeviceKind::NfcTag {
                    return Err(Fault::invalid("kind", TagReason::OnlyNfcTags));
                }
                let mut tag = w.get_tag(id).await?.unwrap_or_else(|| NfcTag {
                    device_id: id,
                    tag_id: new_tag_id(),
                    uid: None,
                    strength: input.strength,
                    sdm_key: None,
                    last_counter: None,
                    last_tap_at: None,
                });
                let made = apply_input(&mut tag, &input)?;
                uid_free(w, &tag).await?;
                w.upsert_tag(&tag).await?;
                w.succeeded(Some(&grant), |e| {
                    let mut e = e.subject("device", id).details(
                        serde_json::json!({
                            "tag_id": tag.tag_id.as_str(),
                            "strength": tag.strength.code(),
                            "uid": tag.uid.as_ref().map(TagUid::as_str),
                            "key_made": made.is_some(),
                        })
                        .to_string(),
                    );
                    e.client_id = d.client_id;
                    e
                });
                Ok(ProvisionedTag {
                    tag: TagSummary::from(&tag),
                    new_key: made.map(|k| k.to_hex()),
                    device: d,
                })
            })
            .await
    }

    /// Orders a new tag for a client's door: registers it (in stock, then assigned to the
    /// client) with its URL's id and, for a SUN tag, a new key shown once. The installer
    /// writes the URL (and key) on the tag and takes it through install, test and activate.
    pub async fn order_tag(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        strength: TagStrength,
    ) -> ServiceResult<ProvisionedTag> {
        let op = ctx.op(AuditAction::TagOrdered, DEVICES);
        self.door
            .change(op, async |w| {
                let grant = manage_devices(w, DeviceReason::OnlyAdminsRegister, None)?;
                if w.get_client(client).await?.is_none() {
                    return Err(Fault::invalid("client_id", DeviceReason::NoSuchClient));
                }
                let (device, tag, key) =
                    new_tag_for(w, client, strength, ctx.principal.user_id).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("device", device.id).client(client).details(
                        serde_json::json!({
                            "tag_id": tag.tag_id.as_str(),
                            "strength": strength.code(),
                        })
                        .to_string(),
                    )
                });
                Ok(ProvisionedTag {
                    tag: TagSummary::from(&tag),
                    new_key: key.map(|k| k.to_hex()),
                    device,
                })
            })
            .await
    }

    /// Replaces a client's tag in one step: the old tag is retired (deactivated if active,
    /// returned and decommissioned: its URL and key open nothing any more) and a new tag of
    /// the same strength is ordered and assigned to the same client.
    pub async fn replace_tag(&self, ctx: &Ctx<'_>, old: DeviceId) -> ServiceResult<ProvisionedTag> {
        let op = ctx.op(AuditAction::TagReplaced, DEVICES);
        self.door
            .change(op, async |w| {
                let grant = manage_devices(
                    w,
                    DeviceReason::OnlyAdminsHandle,
                    Some(("device", old.to_string())),
                )?;
                let now = to_db_precision(w.now());
                let by = ctx.principal.user_id;
                let mut d = w.get_device(old).await?.ok_or(Fault::not_found("device"))?;
                if d.kind != DeviceKind::NfcTag {
                    return Err(Fault::invalid("kind", TagReason::OnlyNfcTags));
                }
                let Some(client) = d.client_id.filter(|_| d.status.is_with_client()) else {
                    return Err(Fault::conflict(TagReason::ReplacedNotWithClient));
                };
                let strength = w
                    .get_tag(old)
                    .await?
                    .map_or(TagStrength::Sun, |t| t.strength);
                let mut steps = Vec::new();
                if d.status == DeviceStatus::Active {
                    steps.push(DeviceStep::Deactivate);
                }
                steps.extend([DeviceStep::Return, DeviceStep::Decommission]);
                for step in steps {
                    let from = d.status;
                    d.status = from.after(step)?;
                    if !d.status.is_with_client() {
                        d.client_id = None;
                    }
                    w.update_device(&d).await?;
                    record_step(w, &d, step, from, Some(client), now, by).await?;
                }
                let (device, tag, key) = new_tag_for(w, client, strength, by).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("device", device.id).client(client).details(
                        serde_json::json!({
                            "replaced": old.to_string(),
                            "tag_id": tag.tag_id.as_str(),
                            "strength": strength.code(),
                        })
                        .to_string(),
                    )
                });
                Ok(ProvisionedTag {
                    tag: TagSummary::from(&tag),
                    new_key: key.map(|k| k.to_hex()),
                    device,
                })
            })
            .await
    }

    /// A tap by the caller, on its own (visit registration calls [`tap`] inside its change):
    /// accepted only for a client within the caller's need-to-know. Audited either way.
    pub async fn tag_tap(&self, ctx: &Ctx<'_>, read: TagTap) -> ServiceResult<TagEvidence> {
        let op = ctx.op(AuditAction::TagTapped, TAGS);
        self.door
            .change(op, async |w| {
                let at = w.now();
                let evidence = tap(w, &read, at).await?;
                caller_reaches(w, evidence.client_id, evidence.device_id).await?;
                Ok(evidence)
            })
            .await
    }

    /// Where a tag's URL leads the caller (`GET /t/{tag_id}`): the tag's client, if the tag is
    /// in service, its client in force and within the caller's need-to-know, and — for a SUN
    /// tag — its message genuine and not seen before. Nothing is consumed: the counter is
    /// stored when the visit starts with this URL ([`tap`]). Audited either way.
    pub async fn tag_landing(&self, ctx: &Ctx<'_>, url: &str) -> ServiceResult<TagLanding> {
        let op = ctx.op(AuditAction::TagTapped, TAGS);
        self.door
            .change(op, async |w| {
                let found = find(
                    w,
                    &TagTap {
                        serial: String::new(),
                        url: Some(url.to_owned()),
                    },
                )
                .await?;
                let (tag, d, client) = found;
                if tag.strength == TagStrength::Sun {
                    let read = verify_sun(w, &tag, client, url_query(Some(url)))?;
                    sun::check_counter(tag.last_counter, read.counter)
                        .map_err(|r| refusal(w, r.reason(), Some(&tag), Some(client)))?;
                }
                let grant = caller_reaches(w, client, d.id).await?;
                let Some((plan_id, date)) = planned_today(w, client).await? else {
                    return Err(refusal(
                        w,
                        HomecareReason::NoPlanToday,
                        Some(&tag),
                        Some(client),
                    ));
                };
                let mut e = w
                    .entry_for(AuditAction::TagTapped, Outcome::Success, Some(&grant))
                    .subject("device", d.id)
                    .details(
                        serde_json::json!({
                            "tag_id": tag.tag_id.as_str(),
                            "strength": tag.strength.code(),
                            "landing": true,
                        })
                        .to_string(),
                    );
                e.client_id = Some(client);
                w.record(e);
                Ok(TagLanding {
                    device_id: d.id,
                    client_id: client,
                    strength: tag.strength,
                    plan_id,
                    date,
                })
            })
            .await
    }
}

/// A read of a client's door tag made up by the server, for `vaka demo`'s simulated tag: the
/// serial number and the path (with query) the tag would give on its next tap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimulatedRead {
    pub serial: String,
    pub path: String,
}

impl Services {
    /// The next tap of `client`'s door tag as the tag would give it — for a SUN tag a fresh
    /// message under its key with the counter after the last accepted. **The demo only**: it
    /// makes a valid proof from the stored key, so the web offers it only when serving
    /// `vaka demo` (whose tag keys are known by design). Need-to-know applies and the read is
    /// audited; nothing is consumed (the counter is taken when the visit starts with it).
    pub async fn simulated_tag_read(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
    ) -> ServiceResult<Option<SimulatedRead>> {
        let op = ctx.op(AuditAction::TagTapped, TAGS);
        self.door
            .read(op, async |r| {
                let (c, grant) = super::client_in_scope_for(
                    r,
                    client,
                    Permission::ClientRead,
                    TagReason::OtherClient,
                )
                .await?;
                let devices = r
                    .list_devices(&vaka_store::DeviceFilter {
                        kind: Some(DeviceKind::NfcTag),
                        status: None,
                        client: Some(client),
                        serial: None,
                        limit: 100,
                        offset: 0,
                    })
                    .await?;
                let mut found = None;
                for d in devices.into_iter().filter(|d| at_door(d.status)) {
                    if let Some(t) = r.get_tag(d.id).await?
                        && t.uid.is_some()
                    {
                        found = Some(t);
                        break;
                    }
                }
                let Some(tag) = found else {
                    return Ok(None);
                };
                let Some(uid) = tag.uid.clone() else {
                    return Ok(None);
                };
                let path = match (&tag.sdm_key, <[u8; 7]>::try_from(uid.to_bytes())) {
                    (Some(key), Ok(bytes)) => {
                        let next = tag.last_counter.map_or(1, |c| c.saturating_add(1));
                        sun::simulated_tap_url("", &tag.tag_id, key, bytes, next)
                    }
                    (Some(_), Err(_)) => return Ok(None),
                    (None, _) => vaka_domain::nfc::tag_url("", &tag.tag_id),
                };
                super::succeeded_on(r, &grant, &c, |e| {
                    e.subject("device", tag.device_id).details(
                        serde_json::json!({ "tag_id": tag.tag_id.as_str(), "simulated": true })
                            .to_string(),
                    )
                });
                Ok(Some(SimulatedRead {
                    serial: uid.to_string(),
                    path,
                }))
            })
            .await
    }
}

/// Checks that the caller's need-to-know covers `client` (the tag's): a refusal names the
/// tag as another client's. Records the success of the tap through that right.
async fn caller_reaches(
    w: &mut Change<'_>,
    client: ClientId,
    device: DeviceId,
) -> WorkResult<Assignment> {
    let c = w
        .get_client(client)
        .await?
        .ok_or(Fault::not_found("client"))?;
    let grant = w.ctx().and_then(|ctx| {
        ctx.principal
            .client_grant_for(Permission::ClientRead, c.provider_id, c.unit_id)
            .cloned()
    });
    grant.ok_or_else(|| {
        let e = w
            .client_entry(Outcome::Denied, None, &c)
            .subject("device", device);
        Fault::refused(e, TagReason::OtherClient)
    })
}

/// The client's planned visit today in its unit's plans: the first not yet ended, else the
/// last; `None` when the client has no visit planned today.
async fn planned_today(
    w: &mut Change<'_>,
    client: ClientId,
) -> WorkResult<Option<(VisitPlanId, jiff::civil::Date)>> {
    let day = day_of(w.now());
    let Some(unit) = w.get_client(client).await?.and_then(|c| c.unit_id) else {
        return Ok(None);
    };
    let plans = w.list_visit_plans_for_unit(unit, day).await?;
    let planned: Vec<_> = plan_day(&plans, day, &super::stockholm())
        .into_iter()
        .filter(|p| p.client_id == client)
        .collect();
    for p in &planned {
        let ended = w
            .find_planned_visit(p.plan_id, day)
            .await?
            .is_some_and(|v| v.end.is_some());
        if !ended {
            return Ok(Some((p.plan_id, day)));
        }
    }
    Ok(planned.last().map(|p| (p.plan_id, day)))
}

/// An audited refusal of a tap for `reason`, naming the tag and its client where known.
fn refusal<'a>(
    w: &impl Work<'a>,
    reason: impl Into<Reason>,
    tag: Option<&NfcTag>,
    client: Option<ClientId>,
) -> Fault {
    let reason: Reason = reason.into();
    let mut e: NewAuditEntry = w.entry_for(AuditAction::TagTapped, Outcome::Failure, None);
    if let Some(t) = tag {
        e = e.subject("device", t.device_id).details(
            serde_json::json!({
                "tag_id": t.tag_id.as_str(),
                "strength": t.strength.code(),
                "reason": reason.id(),
            })
            .to_string(),
        );
    } else {
        e = e.details(serde_json::json!({ "reason": reason.id() }).to_string());
    }
    e.client_id = client;
    Fault::refused(e, reason)
}

/// The query of a tag URL, if the read has one.
fn url_query(url: Option<&str>) -> Option<&str> {
    url.and_then(parse_tag_url).map(|(_, q)| q)
}

/// Whether a tag in this status is in service at its client's door: once installed (a tag has
/// no test the system can see, so installing it is enough; passing the test and activating it
/// keep it there). Ordered (assigned) tags are not on the door yet; deactivated ones are off.
pub fn at_door(status: DeviceStatus) -> bool {
    matches!(
        status,
        DeviceStatus::Installed | DeviceStatus::TestPassed | DeviceStatus::Active
    )
}

/// The tag a read names — by its URL's tag id, else by its UID — in service at the door of a
/// client in force: the tag, its device and its client. Refused (audited) otherwise.
async fn find(w: &mut Change<'_>, read: &TagTap) -> WorkResult<(NfcTag, Device, ClientId)> {
    let serial = read.serial.trim();
    let uid = if serial.is_empty() {
        None
    } else {
        Some(TagUid::parse(serial).map_err(|_| refusal(w, TagReason::BadUid, None, None))?)
    };
    let by_url = read.url.as_deref().and_then(parse_tag_url);
    let tag = match (&by_url, &uid) {
        (Some((id, _)), _) => w.find_tag_by_tag_id(id).await?,
        (None, Some(uid)) => w.find_tag_by_uid(uid).await?,
        (None, None) => None,
    };
    let Some(tag) = tag else {
        return Err(refusal(w, TagReason::Unknown, None, None));
    };
    let d = w
        .get_device(tag.device_id)
        .await?
        .ok_or(Fault::not_found("device"))?;
    let client = match d.client_id {
        Some(c) if at_door(d.status) => c,
        _ => return Err(refusal(w, TagReason::NotBound, Some(&tag), d.client_id)),
    };
    let today = day_of(w.now());
    let in_force = w
        .list_decisions(client)
        .await?
        .iter()
        .any(|dec| dec.is_valid_on(today));
    if !in_force {
        return Err(refusal(w, TagReason::ClientEnded, Some(&tag), Some(client)));
    }
    // The phone's serial number, where it gives one, must be the tag's.
    if let (Some(read_uid), Some(known)) = (&uid, &tag.uid)
        && read_uid != known
    {
        return Err(refusal(w, TagReason::UidMismatch, Some(&tag), Some(client)));
    }
    Ok((tag, d, client))
}

/// Verifies a SUN tag's message from the read's URL query: genuine under the tag's key, of
/// the tag's UID. Says nothing about replay.
fn verify_sun<'a>(
    w: &impl Work<'a>,
    tag: &NfcTag,
    client: ClientId,
    query: Option<&str>,
) -> WorkResult<sun::SunRead> {
    let refuse = |r: TagReason| refusal(w, r, Some(tag), Some(client));
    let msg = match query.map(sun::parse_sun_query) {
        None | Some(Ok(None)) => return Err(refuse(TagReason::SunMissing)),
        Some(Err(r)) => return Err(refuse(r.reason())),
        Some(Ok(Some(m))) => m,
    };
    let Some(key) = &tag.sdm_key else {
        return Err(Fault::Error(ServiceError::internal(
            "a SUN tag without its key",
        )));
    };
    let read = sun::verify(&msg, key).map_err(|r: SunRefusal| refuse(r.reason()))?;
    if tag.uid.as_ref().is_some_and(|u| *u != read.uid) {
        return Err(refuse(TagReason::UidMismatch));
    }
    Ok(read)
}

/// What a read tag proves, inside the caller's change: finds the tag (its URL's tag id, else
/// its UID), refuses an unknown tag, one not in service at a client's door, one whose client
/// has no decision in force, a UID that is not the tag's; for a SUN tag, a missing, malformed
/// or forged message and a counter not greater than the last accepted — storing the new
/// counter in the same transaction, so a URL is accepted once. A plain tag is accepted as
/// weaker evidence (its UID learned from the first tap if it had none). Every outcome is
/// audited (`tag.tap`). Whether the caller may register a visit for the client is the
/// caller's rule.
pub(crate) async fn tap(
    w: &mut Change<'_>,
    read: &TagTap,
    at: Timestamp,
) -> WorkResult<TagEvidence> {
    let (tag, d, client) = find(w, read).await?;
    let at = to_db_precision(at);
    let (uid, counter) = match tag.strength {
        TagStrength::Sun => {
            let r = verify_sun(w, &tag, client, url_query(read.url.as_deref()))?;
            if let Some(phone) = Some(read.serial.trim())
                .filter(|s| !s.is_empty())
                .and_then(|s| TagUid::parse(s).ok())
                && phone != r.uid
            {
                return Err(refusal(w, TagReason::UidMismatch, Some(&tag), Some(client)));
            }
            sun::check_counter(tag.last_counter, r.counter)
                .map_err(|e| refusal(w, e.reason(), Some(&tag), Some(client)))?;
            (Some(r.uid), Some(r.counter))
        }
        TagStrength::Plain => (
            Some(read.serial.trim())
                .filter(|s| !s.is_empty())
                .and_then(|s| TagUid::parse(s).ok()),
            None,
        ),
    };
    let learned = tag.uid.is_none() && uid.is_some();
    if learned && let Some(u) = &uid {
        // A UID is one tag's: a plain tag's first tap cannot take another tag's UID.
        if w.find_tag_by_uid(u).await?.is_some() {
            return Err(refusal(w, TagReason::UidMismatch, Some(&tag), Some(client)));
        }
    }
    if !w
        .record_tag_tap(tag.device_id, uid.as_ref(), counter, DbInstant::new(at))
        .await?
    {
        let last = tag.last_counter.unwrap_or_default();
        let r = SunRefusal::Replayed {
            counter: counter.unwrap_or_default(),
            last,
        };
        return Err(refusal(w, r.reason(), Some(&tag), Some(client)));
    }
    let mut e = w
        .entry_for(AuditAction::TagTapped, Outcome::Success, None)
        .subject("device", d.id)
        .details(
            serde_json::json!({
                "tag_id": tag.tag_id.as_str(),
                "strength": tag.strength.code(),
                "counter": counter,
                "uid_learned": learned,
            })
            .to_string(),
        );
    e.client_id = Some(client);
    w.record(e);
    Ok(TagEvidence {
        device_id: d.id,
        client_id: client,
        strength: tag.strength,
    })
}
