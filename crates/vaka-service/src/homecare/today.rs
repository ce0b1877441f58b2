//! The staff app's day: the planned visits of the caller's units, with what was registered.

use std::collections::HashMap;

use jiff::civil::Date;
use vaka_domain::access::{Permission, Scope};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client::{Client, Disclosure};
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::homecare::plan::{PlannedVisit, plan_day};
use vaka_domain::homecare::visit::Visit;
use vaka_domain::ids::{ClientId, DeviceId, UnitId};
use vaka_domain::reason::HomecareReason;
use vaka_store::DeviceFilter;

use super::{HOMECARE, has_home_care};
use crate::door::Work;
use crate::registry::{stockholm, succeeded_on};
use crate::{Ctx, ServiceResult, Services};

/// A client as the staff app shows it.
#[derive(Debug, Clone)]
pub struct VisitClient {
    pub id: ClientId,
    pub name: String,
    /// `None` for a protected identity outside its named group, or none registered.
    pub address: Option<String>,
}

/// One planned visit of the day.
#[derive(Debug, Clone)]
pub struct TodayVisit {
    pub planned: PlannedVisit,
    pub client: VisitClient,
    /// What was registered for it, if anything.
    pub visit: Option<Visit>,
    /// The client's lock, if one is installed.
    pub lock: Option<DeviceId>,
}

/// The units in which the caller registers visits.
pub(crate) fn register_units(ctx: &Ctx<'_>) -> Vec<UnitId> {
    let mut units: Vec<UnitId> = ctx
        .principal
        .assignments
        .iter()
        .filter(|a| a.role.has(Permission::VisitRegister))
        .filter_map(|a| match a.scope() {
            Scope::Unit(u) => Some(u),
            _ => None,
        })
        .collect();
    units.sort();
    units.dedup();
    units
}

impl Services {
    /// The day's planned visits of the caller's units (need-to-know applies; a protected
    /// client's address stays hidden outside its named group). Each client shown is audited.
    pub async fn visits_today(&self, ctx: &Ctx<'_>, day: Date) -> ServiceResult<Vec<TodayVisit>> {
        let op = ctx.op(AuditAction::VisitsTodayRead, HOMECARE);
        self.door
            .read(op, async |r| {
                r.any_grant(
                    Permission::VisitRegister,
                    HomecareReason::MayNotRegisterVisits,
                )?;
                let tz = stockholm();
                let mut out = Vec::new();
                let mut clients: HashMap<ClientId, Option<(Client, VisitClient)>> = HashMap::new();
                for unit in register_units(ctx) {
                    let plans = r.list_visit_plans_for_unit(unit, day).await?;
                    for planned in plan_day(&plans, day, &tz) {
                        let id = planned.client_id;
                        #[allow(
                            clippy::map_entry,
                            reason = "the value is read with awaits between"
                        )]
                        if !clients.contains_key(&id) {
                            let shown = match r.get_client(id).await? {
                                Some(c)
                                    if ctx
                                        .principal
                                        .client_grant_for(
                                            Permission::VisitRegister,
                                            c.provider_id,
                                            c.unit_id,
                                        )
                                        .is_some()
                                        && has_home_care(r.reads(), id, day).await? =>
                                {
                                    let group = if c.protection.is_protected() {
                                        r.list_access_group(id).await?
                                    } else {
                                        Vec::new()
                                    };
                                    let d = c.disclosure(ctx.principal.user_id, &group);
                                    let card = VisitClient {
                                        id,
                                        name: c.name.clone(),
                                        address: (d == Disclosure::Full)
                                            .then(|| {
                                                c.address
                                                    .as_ref()
                                                    .map(vaka_domain::client::Address::one_line)
                                            })
                                            .flatten(),
                                    };
                                    Some((c, card))
                                }
                                _ => None,
                            };
                            clients.insert(id, shown);
                        }
                        let Some(Some((_, card))) = clients.get(&id) else {
                            continue;
                        };
                        let card = card.clone();
                        let visit = r.find_planned_visit(planned.plan_id, day).await?;
                        let lock = r
                            .list_devices(&DeviceFilter {
                                kind: Some(DeviceKind::Lock),
                                client: Some(id),
                                limit: 10,
                                ..DeviceFilter::default()
                            })
                            .await?
                            .into_iter()
                            .find(|d| {
                                matches!(
                                    d.status,
                                    DeviceStatus::Installed
                                        | DeviceStatus::TestPassed
                                        | DeviceStatus::Active
                                )
                            })
                            .map(|d| d.id);
                        out.push(TodayVisit {
                            planned,
                            client: card,
                            visit,
                            lock,
                        });
                    }
                }
                out.sort_by_key(|v| (v.planned.from, v.planned.to, v.planned.plan_id));
                for (c, _) in clients.values().flatten() {
                    let Some(grant) = ctx
                        .principal
                        .client_grant_for(Permission::VisitRegister, c.provider_id, c.unit_id)
                        .cloned()
                    else {
                        continue;
                    };
                    succeeded_on(r, &grant, c, |e| {
                        e.details(serde_json::json!({ "date": day.to_string() }).to_string())
                    });
                }
                if out.is_empty() {
                    let e = r.entry(Outcome::Success, None).details(
                        serde_json::json!({ "date": day.to_string(), "visits": 0 }).to_string(),
                    );
                    r.record(e);
                }
                Ok(out)
            })
            .await
    }
}
