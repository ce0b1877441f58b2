//! The provider's payment basis for a month: per client and task the time granted, the time
//! performed and the time paid by the municipality's rule (performed, capped at granted, by
//! default: `HomecareSettings::payment_rule`), and the deviations the follow-up looks at —
//! visits without a tag read, synced late, from a phone whose clock was off, or corrected.
//!
//! Granted time counts a home-care decision for the days of the month it is valid (a weekly
//! grant pro rata over those days, a monthly one pro rata over the month;
//! `vaka_domain::homecare::payment::days_valid`). Performed time is start to end of each
//! visit dated in the month, as corrected, shared among its tasks (the plan's when none was
//! ticked; `vaka_domain::homecare::payment`). Every client named is audited.

use std::collections::{BTreeMap, HashMap};

use jiff::ToSpan;
use jiff::civil::Date;
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, AuditFlags, Outcome};
use vaka_domain::client::Client;
use vaka_domain::decision::ServiceKind;
use vaka_domain::homecare::payment::{
    BasisLine, GrantInMonth, PaymentRule, PerformedVisit, basis, days_valid,
};
use vaka_domain::homecare::visit::Visit;
use vaka_domain::homecare::{CareTask, GrantedTask};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId, VisitId};
use vaka_domain::reason::HomecareReason;

use super::HOMECARE;
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

/// A line of the basis with its client's name and identity.
#[derive(Debug, Clone)]
pub struct PaymentLine {
    pub client_name: String,
    pub identity: String,
    pub unit_id: Option<UnitId>,
    pub line: BasisLine,
}

/// A visit the follow-up looks at.
#[derive(Debug, Clone)]
pub struct Deviation {
    pub visit_id: VisitId,
    pub date: Date,
    pub client_name: String,
    pub worker_name: String,
    pub minutes: i64,
    pub manual: bool,
    pub late_sync: bool,
    pub clock_skew: bool,
    pub corrected: bool,
}

/// The basis of one provider and month.
#[derive(Debug, Clone)]
pub struct PaymentBasis {
    pub provider_id: OrganisationId,
    pub provider_name: String,
    /// The first day of the month.
    pub month: Date,
    pub rule: PaymentRule,
    pub lines: Vec<PaymentLine>,
    pub deviations: Vec<Deviation>,
    pub visits: usize,
}

impl PaymentBasis {
    pub fn total_granted(&self) -> i64 {
        self.lines.iter().map(|l| l.line.granted_minutes).sum()
    }

    pub fn total_performed(&self) -> i64 {
        self.lines.iter().map(|l| l.line.performed_minutes).sum()
    }

    pub fn total_paid(&self) -> i64 {
        self.lines.iter().map(|l| l.line.paid_minutes).sum()
    }
}

impl Services {
    /// The payment basis of `provider` for the month starting `month` (any day of it):
    /// everything for the municipality, one's own units' clients for a unit manager. `format`
    /// (page, csv, pdf, json) goes into the audit entry.
    pub async fn payment_basis(
        &self,
        ctx: &Ctx<'_>,
        provider: OrganisationId,
        month: Date,
        format: &str,
    ) -> ServiceResult<PaymentBasis> {
        let rule = self.config.homecare.payment_rule;
        let op = ctx.op(AuditAction::PaymentBasisRead, HOMECARE);
        self.door
            .read(op, async |r| {
                let grant = r.any_grant(
                    Permission::PaymentBasisRead,
                    HomecareReason::MayNotReadPaymentBasis,
                )?;
                let org = r
                    .get_organisation(provider)
                    .await?
                    .ok_or(Fault::not_found("organisation"))?;
                let first = month.first_of_month();
                let last = month.last_of_month();
                let units: Vec<UnitId> = r
                    .list_units()
                    .await?
                    .into_iter()
                    .filter(|u| u.organisation_id == provider)
                    .map(|u| u.id)
                    .collect();
                let mut visits: Vec<Visit> = Vec::new();
                let mut clients: Vec<ClientId> = Vec::new();
                for u in &units {
                    visits.extend(r.list_visits_for_unit(*u, first, last).await?);
                    let mut day = first;
                    // The clients planned in the month, also those with no visit made.
                    while day <= last {
                        for p in r.list_visit_plans_for_unit(*u, day).await? {
                            if !clients.contains(&p.client_id) {
                                clients.push(p.client_id);
                            }
                        }
                        let Ok(next) = day.checked_add(1.day()) else {
                            break;
                        };
                        day = next;
                    }
                }
                for v in &visits {
                    if !clients.contains(&v.client_id) {
                        clients.push(v.client_id);
                    }
                }
                // Need-to-know: the caller's reach of the payment basis.
                let mut shown: HashMap<ClientId, Client> = HashMap::new();
                for id in clients {
                    if let Some(c) = r.get_client(id).await?
                        && ctx
                            .principal
                            .client_grant_for(
                                Permission::PaymentBasisRead,
                                c.provider_id,
                                c.unit_id,
                            )
                            .is_some()
                    {
                        shown.insert(id, c);
                    }
                }
                let mut granted: BTreeMap<ClientId, Vec<GrantInMonth>> = BTreeMap::new();
                for id in shown.keys() {
                    let mut tasks = Vec::new();
                    for d in r.list_decisions(*id).await? {
                        let days = days_valid(first, last, d.valid_from, d.last_day());
                        if d.service == ServiceKind::HomeCare && days > 0 {
                            tasks.extend(
                                r.list_decision_tasks(d.id)
                                    .await?
                                    .into_iter()
                                    .map(|task: GrantedTask| GrantInMonth { task, days }),
                            );
                        }
                    }
                    granted.insert(*id, tasks);
                }
                let mut plan_tasks: HashMap<_, Vec<CareTask>> = HashMap::new();
                let mut performed = Vec::new();
                let mut deviations = Vec::new();
                let mut names: HashMap<UserId, String> = HashMap::new();
                let mut counted = 0usize;
                for v in &visits {
                    let Some(c) = shown.get(&v.client_id) else {
                        continue;
                    };
                    counted += 1;
                    let mut tasks = v.tasks_done.clone();
                    if tasks.is_empty()
                        && let Some(p) = v.plan_id
                    {
                        if let std::collections::hash_map::Entry::Vacant(e) = plan_tasks.entry(p) {
                            let t = r
                                .get_visit_plan(p)
                                .await?
                                .map(|p| p.tasks)
                                .unwrap_or_default();
                            e.insert(t);
                        }
                        tasks = plan_tasks.get(&p).cloned().unwrap_or_default();
                    }
                    performed.push(PerformedVisit {
                        client_id: v.client_id,
                        minutes: v.minutes(),
                        tasks,
                    });
                    if v.manual() || v.late_sync() || v.clock_skew() || v.corrected {
                        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(v.worker)
                        {
                            let n = r
                                .get_user(v.worker)
                                .await?
                                .map(|u| u.display_name)
                                .unwrap_or_default();
                            e.insert(n);
                        }
                        deviations.push(Deviation {
                            visit_id: v.id,
                            date: v.date,
                            client_name: c.name.clone(),
                            worker_name: names[&v.worker].clone(),
                            minutes: v.minutes(),
                            manual: v.manual(),
                            late_sync: v.late_sync(),
                            clock_skew: v.clock_skew(),
                            corrected: v.corrected,
                        });
                    }
                }
                deviations.sort_by(|a, b| (a.date, &a.client_name).cmp(&(b.date, &b.client_name)));
                let days = first.days_in_month();
                let lines: Vec<PaymentLine> = basis(&granted, &performed, days, rule)
                    .into_iter()
                    .filter_map(|line| {
                        let c = shown.get(&line.client_id)?;
                        Some(PaymentLine {
                            client_name: c.name.clone(),
                            identity: c.identity.to_string(),
                            unit_id: c.unit_id,
                            line,
                        })
                    })
                    .collect();
                let mut lines = lines;
                lines.sort_by(|a, b| {
                    (&a.client_name, a.line.client_id, a.line.task).cmp(&(
                        &b.client_name,
                        b.line.client_id,
                        b.line.task,
                    ))
                });
                for c in shown.values() {
                    let through = ctx
                        .principal
                        .client_grant_for(Permission::PaymentBasisRead, c.provider_id, c.unit_id)
                        .cloned();
                    let mut e = r
                        .entry(Outcome::Success, through.as_ref())
                        .client(c.id)
                        .details(
                            serde_json::json!({ "month": first.to_string(), "format": format })
                                .to_string(),
                        );
                    e.flags = AuditFlags {
                        protected_identity: c.protection.is_protected(),
                        ..AuditFlags::default()
                    };
                    r.record(e);
                }
                r.succeeded(Some(&grant), |e| {
                    e.subject("organisation", provider).details(
                        serde_json::json!({
                            "month": first.to_string(),
                            "format": format,
                            "clients": shown.len(),
                            "visits": counted,
                        })
                        .to_string(),
                    )
                });
                Ok(PaymentBasis {
                    provider_id: provider,
                    provider_name: org.name,
                    month: first,
                    rule,
                    lines,
                    deviations,
                    visits: counted,
                })
            })
            .await
    }
}

impl Services {
    /// The providers whose payment basis the caller may read: every provider for the
    /// municipality, one's own organisation otherwise.
    pub async fn payment_providers(
        &self,
        ctx: &Ctx<'_>,
    ) -> ServiceResult<Vec<vaka_domain::directory::Organisation>> {
        let op = ctx.op(AuditAction::PaymentBasisRead, HOMECARE);
        self.door
            .read(op, async |r| {
                r.any_grant(
                    Permission::PaymentBasisRead,
                    HomecareReason::MayNotReadPaymentBasis,
                )?;
                let reach = ctx.principal.reach(Permission::PaymentBasisRead);
                Ok(r.list_organisations()
                    .await?
                    .into_iter()
                    .filter(|o| o.kind == vaka_domain::directory::OrganisationKind::Provider)
                    .filter(|o| {
                        reach.covers(vaka_domain::access::Target {
                            organisation: o.id,
                            units: &[],
                        }) || ctx.principal.organisation_id == o.id
                    })
                    .collect())
            })
            .await
    }
}
