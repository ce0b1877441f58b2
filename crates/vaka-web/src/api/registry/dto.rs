//! What the registry API sends: clients with their decisions, orders, consents, plans and
//! pauses, and devices.

use serde::Serialize;
use utoipa::ToSchema;
use vaka_domain::client::{AreaType, Contact, Disclosure, KeyAccess};
use vaka_domain::client::{ClientSummary, Protection};
use vaka_domain::consent::{Consent, GivenBy, InformedHow};
use vaka_domain::decision::{Decision, Law, Order, OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::device::{
    Dc09KeyStyle, Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep,
};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_domain::ids::{ConsentId, DecisionId, DeviceId, OrderId, PauseId};
use vaka_domain::personnummer::IdentityKind;
use vaka_domain::plan::{EscalationChain, Pause, PauseReason, PauseRequest, SupervisionPlan};
use vaka_service::registry::clients::ClientView;

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDto {
    pub id: ClientId,
    pub identity: String,
    pub name: String,
    pub provider_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub protection: Protection,
}

impl From<ClientSummary> for ClientDto {
    fn from(c: ClientSummary) -> Self {
        Self {
            id: c.id,
            identity: c.identity,
            name: c.name,
            provider_id: c.provider_id,
            unit_id: c.unit_id,
            protection: c.protection,
        }
    }
}

fn times(t: &[jiff::civil::Time]) -> Vec<String> {
    t.iter().map(|t| t.strftime("%H:%M").to_string()).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AddressDto {
    pub street: String,
    pub postcode: String,
    pub city: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub priority: u8,
    pub note: Option<String>,
}

impl From<&Contact> for ContactDto {
    fn from(c: &Contact) -> Self {
        Self {
            name: c.name.clone(),
            relation: c.relation.clone(),
            phone: c.phone.clone(),
            priority: c.priority,
            note: c.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    pub id: DecisionId,
    pub law: Law,
    pub simplified: bool,
    pub service: ServiceKind,
    pub supervision_mode: Option<SupervisionMode>,
    pub times: Vec<String>,
    pub decided_on: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub ended_on: Option<String>,
    pub decided_by: UserId,
    /// For home care: the tasks granted, with minutes per week or month.
    pub tasks: Vec<vaka_domain::homecare::GrantedTask>,
}

impl DecisionDto {
    /// With the tasks a home-care decision grants.
    pub fn with_tasks(d: &Decision, tasks: &[vaka_domain::homecare::GrantedTask]) -> Self {
        Self {
            tasks: tasks.to_vec(),
            ..Self::from(d)
        }
    }
}

impl From<&Decision> for DecisionDto {
    fn from(d: &Decision) -> Self {
        Self {
            id: d.id,
            law: d.law,
            simplified: d.simplified,
            service: d.service,
            supervision_mode: d.supervision_mode,
            times: times(&d.times),
            decided_on: d.decided_on.to_string(),
            valid_from: d.valid_from.to_string(),
            valid_to: d.valid_to.map(|x| x.to_string()),
            ended_on: d.ended_on.map(|x| x.to_string()),
            decided_by: d.decided_by,
            tasks: Vec::new(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDto {
    pub id: OrderId,
    pub decision_id: DecisionId,
    pub client_id: ClientId,
    pub provider_id: OrganisationId,
    pub status: OrderStatus,
    pub ordered_at: String,
    pub accepted_at: Option<String>,
    pub activated_at: Option<String>,
}

impl From<&Order> for OrderDto {
    fn from(o: &Order) -> Self {
        Self {
            id: o.id,
            decision_id: o.decision_id,
            client_id: o.client_id,
            provider_id: o.provider_id,
            status: o.status,
            ordered_at: o.ordered_at.to_string(),
            accepted_at: o.accepted_at.map(|t| t.to_string()),
            activated_at: o.activated_at.map(|t| t.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentDto {
    pub id: ConsentId,
    pub service: ServiceKind,
    pub informed_by: String,
    pub informed_on: String,
    pub informed_how: InformedHow,
    pub given_by: GivenBy,
    pub representative_name: Option<String>,
    pub given_on: String,
    pub reconfirm_by: String,
    pub withdrawn_on: Option<String>,
    pub withdrawal_note: Option<String>,
    /// Valid today (given, not expired, not withdrawn).
    pub valid: bool,
}

impl ConsentDto {
    pub fn new(c: &Consent, today: jiff::civil::Date) -> Self {
        Self {
            id: c.id,
            service: c.service,
            informed_by: c.informed_by.clone(),
            informed_on: c.informed_on.to_string(),
            informed_how: c.informed_how,
            given_by: c.given_by,
            representative_name: c.representative_name.clone(),
            given_on: c.given_on.to_string(),
            reconfirm_by: c.reconfirm_by.to_string(),
            withdrawn_on: c.withdrawn_on.map(|d| d.to_string()),
            withdrawal_note: c.withdrawal_note.clone(),
            valid: c.is_valid_on(today),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    pub mode: SupervisionMode,
    pub times: Vec<String>,
    pub recheck_delay_minutes: Option<u16>,
    pub escalation: Option<EscalationChain>,
    pub response_target_minutes: Option<u16>,
    pub updated_at: String,
}

impl From<&SupervisionPlan> for PlanDto {
    fn from(p: &SupervisionPlan) -> Self {
        Self {
            mode: p.mode,
            times: times(&p.times),
            recheck_delay_minutes: p.recheck_delay_minutes,
            escalation: p.escalation,
            response_target_minutes: p.response_target_minutes,
            updated_at: p.updated_at.to_string(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PauseDto {
    pub id: PauseId,
    pub first_night: String,
    pub last_night: String,
    pub reason: PauseReason,
    pub requested: PauseRequest,
    pub note: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: String,
    pub cancelled: bool,
}

impl From<&Pause> for PauseDto {
    fn from(p: &Pause) -> Self {
        Self {
            id: p.id,
            first_night: p.first_night.to_string(),
            last_night: p.last_night.to_string(),
            reason: p.reason,
            requested: p.requested,
            note: p.note.clone(),
            recorded_by: p.recorded_by,
            recorded_at: p.recorded_at.to_string(),
            cancelled: p.cancelled_at.is_some(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceDto {
    pub id: DeviceId,
    pub kind: DeviceKind,
    pub serial: String,
    pub model: String,
    pub firmware: Option<String>,
    pub status: DeviceStatus,
    pub client_id: Option<ClientId>,
    pub credential_active: bool,
    pub dc09_account: Option<String>,
    /// The key itself is never sent back; `clear` for an account marked clear (no key).
    pub dc09_key_style: Option<Dc09KeyStyle>,
    /// The SCAIP controller id.
    pub scaip_cid: Option<String>,
    /// Whether the SCAIP unit must answer a SIP digest challenge (the password is never sent
    /// back).
    pub scaip_digest: bool,
    pub last_seen_at: Option<String>,
    pub state: Option<String>,
}

impl From<&Device> for DeviceDto {
    fn from(d: &Device) -> Self {
        Self {
            id: d.id,
            kind: d.kind,
            serial: d.serial.clone(),
            model: d.model.clone(),
            firmware: d.firmware.clone(),
            status: d.status,
            client_id: d.client_id,
            credential_active: d.has_live_credential(),
            dc09_account: d.dc09_account.clone(),
            dc09_key_style: d.dc09_key_style(),
            scaip_cid: d.scaip_cid.clone(),
            scaip_digest: d.scaip_password.is_some(),
            last_seen_at: d.last_seen_at.map(|t| t.to_string()),
            state: d.state.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceEventDto {
    pub step: DeviceStep,
    pub from: DeviceStatus,
    pub to: DeviceStatus,
    pub client_id: Option<ClientId>,
    pub at: String,
    pub by_user: Option<UserId>,
    pub note: Option<String>,
}

impl From<&DeviceEvent> for DeviceEventDto {
    fn from(e: &DeviceEvent) -> Self {
        Self {
            step: e.step,
            from: e.from,
            to: e.to,
            client_id: e.client_id,
            at: e.at.to_string(),
            by_user: e.by_user,
            note: e.note.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceDetailDto {
    #[serde(flatten)]
    pub device: DeviceDto,
    pub history: Vec<DeviceEventDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredDeviceDto {
    pub device: DeviceDto,
    /// The device's credential, shown only in this response (stored as a hash).
    pub credential: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialDto {
    pub credential: String,
}

/// A client's record with everything around it. `address`, `phone`, `contacts` and `key_note`
/// are left out (`disclosure: name_only`) for a protected identity outside its named group.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientDetailDto {
    pub id: ClientId,
    pub identity_kind: IdentityKind,
    pub identity: String,
    pub name: String,
    pub disclosure: String,
    pub address: Option<AddressDto>,
    pub phone: Option<String>,
    pub contacts: Vec<ContactDto>,
    pub provider_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub protection: Protection,
    pub area_type: AreaType,
    pub key_access: KeyAccess,
    pub key_note: Option<String>,
    pub decisions: Vec<DecisionDto>,
    pub orders: Vec<OrderDto>,
    pub consents: Vec<ConsentDto>,
    pub plan: Option<PlanDto>,
    pub pauses: Vec<PauseDto>,
    pub devices: Vec<DeviceDto>,
    /// The named group of a protected identity, for those who manage it.
    pub access_group: Option<Vec<UserId>>,
    /// Home-care visit plans.
    pub visit_plans: Vec<crate::api::homecare::VisitPlanDto>,
}

impl ClientDetailDto {
    pub fn new(v: ClientView, today: jiff::civil::Date) -> Self {
        let c = &v.client;
        Self {
            id: c.id,
            identity_kind: c.identity.kind(),
            identity: c.identity.as_str().to_owned(),
            name: c.name.clone(),
            disclosure: match v.disclosure {
                Disclosure::Full => "full".into(),
                Disclosure::NameOnly => "name_only".into(),
            },
            address: c.address.as_ref().map(|a| AddressDto {
                street: a.street.clone(),
                postcode: a.postcode.clone(),
                city: a.city.clone(),
            }),
            phone: c.phone.clone(),
            contacts: c.contacts.iter().map(ContactDto::from).collect(),
            provider_id: c.provider_id,
            unit_id: c.unit_id,
            protection: c.protection,
            area_type: c.area_type,
            key_access: c.key_access,
            key_note: c.key_note.clone(),
            decisions: v
                .decisions
                .iter()
                .map(|d| {
                    let tasks = v
                        .granted_tasks
                        .iter()
                        .find(|(id, _)| *id == d.id)
                        .map_or(&[][..], |(_, t)| t.as_slice());
                    DecisionDto::with_tasks(d, tasks)
                })
                .collect(),
            orders: v.orders.iter().map(OrderDto::from).collect(),
            consents: v
                .consents
                .iter()
                .map(|k| ConsentDto::new(k, today))
                .collect(),
            plan: v.plan.as_ref().map(PlanDto::from),
            pauses: v.pauses.iter().map(PauseDto::from).collect(),
            devices: v.devices.iter().map(DeviceDto::from).collect(),
            access_group: v.access_group,
            visit_plans: v
                .visit_plans
                .iter()
                .map(crate::api::homecare::VisitPlanDto::from)
                .collect(),
        }
    }
}
