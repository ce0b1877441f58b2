//! The client's page: the record as the protected-identity rule allows, with a section for
//! each capability (decisions and orders, consent, plan and pauses, devices, the named group).

use askama::Template;
use vaka_domain::access::Permission;
use vaka_domain::client::Disclosure;
use vaka_domain::consent::{GivenBy, InformedHow};
use vaka_domain::decision::{Law, ServiceKind, SupervisionMode};
use vaka_domain::ids::{ClientId, UserId};
use vaka_domain::plan::{EscalationChain, PauseReason, PauseRequest};
use vaka_service::registry::clients::ClientView;

use super::consent::ConsentRow;
use super::decisions::{DecisionRow, OrderRow};
use super::plan::{PauseRow, PlanFormValues, PlanView};
use super::{Choice, Names, choices, day};
use crate::extract::{Path, Query};
use crate::identity::Caller;
use crate::page::{OrPage, PageCtx, PageResult, Req, record_page, render};
use crate::state::AppState;
use crate::ui::account::home::Flash;

pub struct DeviceRow {
    pub id: String,
    pub kind: String,
    pub serial: String,
    pub model: String,
    pub status: String,
}

#[derive(Template)]
#[template(path = "client.html")]
pub struct ClientPage {
    pub page: PageCtx,
    /// Read under emergency access: the sentence saying so and until when.
    pub emergency: Option<String>,
    pub id: ClientId,
    pub name: String,
    pub identity: String,
    pub identity_kind: String,
    pub protected: bool,
    pub protection: String,
    pub withheld: bool,
    pub address: Option<String>,
    pub phone: String,
    pub contacts: Vec<(u8, String, String, String)>,
    pub provider: String,
    pub unit: String,
    pub area_type: String,
    pub key_access: String,
    pub key_note: String,
    pub decisions: Vec<DecisionRow>,
    pub orders: Vec<OrderRow>,
    pub consents: Vec<ConsentRow>,
    pub plan: Option<PlanView>,
    pub plan_form: PlanFormValues,
    pub pauses: Vec<PauseRow>,
    pub devices: Vec<DeviceRow>,
    /// The named group (for those who manage it) and who may be added.
    pub group: Option<Vec<(UserId, String)>>,
    pub group_candidates: Vec<(UserId, String)>,
    pub can_edit: bool,
    pub can_decide: bool,
    pub can_consent: bool,
    pub can_plan: bool,
    pub can_pause: bool,
    pub can_devices: bool,
    pub today: String,
    pub laws: Vec<Choice>,
    pub services: Vec<Choice>,
    pub modes: Vec<Choice>,
    pub informed_hows: Vec<Choice>,
    pub given_bys: Vec<Choice>,
    pub escalations: Vec<Choice>,
    pub pause_reasons: Vec<Choice>,
    pub pause_requests: Vec<Choice>,
    pub visit_plans: Vec<super::visit_plans::VisitPlanRow>,
    pub can_plan_visits: bool,
    pub homecare_decisions: Vec<Choice>,
    pub care_tasks: Vec<Choice>,
    pub grant_periods: Vec<Choice>,
    pub weekdays: Vec<Choice>,
}

pub(super) async fn client_page(
    state: &AppState,
    caller: &Caller,
    id: ClientId,
    page: PageCtx,
) -> PageResult {
    let t = page.t;
    let view: ClientView = match state.services.view_client(&caller.ctx(), id).await {
        Ok(view) => view,
        // Outside need-to-know: the refusal, with the way to open the record in an emergency.
        Err(vaka_service::ServiceError::Forbidden(reason))
            if reason == vaka_domain::reason::RegistryReason::OutsideNeedToKnow.into() =>
        {
            return crate::ui::registry::emergency::refused_client(state, caller, page, id).await;
        }
        Err(e) => return Err(e).or_page(&page),
    };
    let today = state.services.today();
    let c = &view.client;
    let p = &caller.principal;
    let grant = |perm: Permission| p.client_grant_for(perm, c.provider_id, c.unit_id).is_some();

    // Users to name: who recorded things, the named group and who may join it.
    let mut user_ids: Vec<UserId> = view.pauses.iter().map(|x| x.recorded_by).collect();
    if let Some(plan) = &view.plan {
        user_ids.push(plan.updated_by);
    }
    let candidates = super::group::candidates(state, caller, &view)
        .await
        .or_page(&page)?;
    if let Some(group) = &view.access_group {
        user_ids.extend(group.iter().copied());
    }
    user_ids.extend(candidates.iter().copied());
    let names = Names::load(state, caller, &user_ids).await.or_page(&page)?;
    let can_decide = grant(Permission::DecisionManage);
    let can_consent = grant(Permission::ConsentManage);

    let decisions = super::decisions::decision_rows(t, &view, today, can_decide);
    let orders = super::decisions::order_rows(t, &view, &names, grant(Permission::OrderAccept));
    let consents = super::consent::rows(t, &view, today, can_consent);
    let plan = super::plan::plan_view(t, &view, &names);
    let plan_form = super::plan::plan_form(&view, today);
    let pauses = super::plan::pause_rows(t, &view, &names, today);
    let devices = view
        .devices
        .iter()
        .map(|d| DeviceRow {
            id: d.id.to_string(),
            kind: t.code("device_kind", d.kind.code()),
            serial: d.serial.clone(),
            model: d.model.clone(),
            status: t.code("device_status", d.status.code()),
        })
        .collect();
    let named = |ids: &[UserId]| super::group::named(&names, ids);
    let withheld = view.disclosure == Disclosure::NameOnly;
    let status = page.status();
    Ok(render(
        status,
        &ClientPage {
            id,
            name: c.name.clone(),
            identity: c.identity.to_string(),
            identity_kind: t.code("identity_kind", c.identity.kind().code()),
            protected: c.protection.is_protected(),
            protection: t.code("protection", c.protection.code()),
            withheld,
            address: c
                .address
                .as_ref()
                .map(|a| format!("{}, {} {}", a.street, a.postcode, a.city)),
            phone: c.phone.clone().unwrap_or_default(),
            contacts: c
                .contacts
                .iter()
                .map(|k| {
                    (
                        k.priority,
                        k.name.clone(),
                        k.relation.clone(),
                        k.phone.clone(),
                    )
                })
                .collect(),
            provider: names.org(c.provider_id),
            unit: names.unit(c.unit_id),
            area_type: t.code("area_type", c.area_type.code()),
            key_access: t.code("key_access", c.key_access.code()),
            key_note: c.key_note.clone().unwrap_or_default(),
            decisions,
            orders,
            consents,
            plan,
            plan_form,
            pauses,
            devices,
            group: view.access_group.as_deref().map(named),
            group_candidates: named(&candidates),
            emergency: view
                .emergency_until
                .map(|until| crate::ui::registry::emergency::banner(&page, until)),
            can_edit: grant(Permission::ClientWrite),
            can_decide,
            can_consent,
            can_plan: grant(Permission::PlanManage),
            can_pause: grant(Permission::PauseRecord),
            can_devices: p.has_permission(Permission::DeviceManage),
            today: day(today),
            laws: choices(t, "law", Law::ALL, Law::code),
            services: choices(t, "service", ServiceKind::ALL, ServiceKind::code),
            modes: choices(t, "mode", SupervisionMode::ALL, SupervisionMode::code),
            informed_hows: choices(t, "informed_how", InformedHow::ALL, InformedHow::code),
            given_bys: choices(t, "given_by", GivenBy::ALL, GivenBy::code),
            escalations: choices(t, "escalation", EscalationChain::ALL, EscalationChain::code),
            pause_reasons: choices(t, "pause_reason", PauseReason::ALL, PauseReason::code),
            pause_requests: choices(t, "pause_request", PauseRequest::ALL, PauseRequest::code),
            visit_plans: super::visit_plans::rows(t, &view, &names),
            can_plan_visits: grant(Permission::VisitManage),
            homecare_decisions: super::visit_plans::decisions(&view),
            care_tasks: choices(
                t,
                "care-task",
                vaka_domain::homecare::CareTask::ALL,
                vaka_domain::homecare::CareTask::code,
            ),
            grant_periods: choices(
                t,
                "grant_period",
                vaka_domain::homecare::GrantPeriod::ALL,
                vaka_domain::homecare::GrantPeriod::code,
            ),
            weekdays: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .iter()
                .map(|d| ((*d).to_owned(), t.code("weekday", d)))
                .collect(),
            page,
        },
    ))
}

pub async fn show(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    record_page(r, "clients", &id, f.ok.as_deref(), client_page).await
}
