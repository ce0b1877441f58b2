//! What the `/governance` page and the home page show a caller: the whole plan for the system
//! manager and the holders of governance roles; to everyone else only the incidents they
//! reported themselves (and the form to report one).

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::governance::{
    ContractReminder, GovernanceRole, InformationType, contract_reminders, holds_on, notice_by,
};
use vaka_domain::ids::{DutyId, GovernanceAssignmentId, UserId};
use vaka_store::governance::{
    ClassificationRecord, ContractRecord, FaultRecord, IncidentRecord, IncidentStepRecord,
};
use vaka_store::{DbDate, ReadTx};

use super::reports::{INCIDENT_RECEIVERS, handles_incidents, reports_faults};
use super::{GOVERNANCE, LOOK_BACK_DAYS, REMINDER_DAYS, roles_of};
use crate::door::Work;
use crate::error::WorkResult;
use crate::{Ctx, ServiceResult, Services};

/// One assignment of the roles list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolderView {
    pub id: GovernanceAssignmentId,
    pub role: GovernanceRole,
    pub user_id: UserId,
    pub name: String,
    pub from: Date,
    pub until: Option<Date>,
    /// Holds today.
    pub current: bool,
}

/// A contract with what is computed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractView {
    pub record: ContractRecord,
    /// The last day notice can be given (None: until further notice).
    pub notice_by: Option<Date>,
    pub reminders: Vec<ContractReminder>,
}

/// One occurrence of a duty of the activity plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccurrenceView {
    pub duty_id: DutyId,
    pub code: String,
    pub responsible: GovernanceRole,
    pub due: Date,
    /// Who signed it off, when, with what note.
    pub signed: Option<(String, Timestamp, String)>,
    pub overdue: bool,
    /// The caller may sign it off (a holder of its role or the system manager, and due).
    pub may_sign: bool,
}

/// An incident with its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentView {
    pub record: IncidentRecord,
    pub steps: Vec<IncidentStepRecord>,
}

/// Everything the page shows the caller.
#[derive(Debug, Clone, Default)]
pub struct GovernanceOverview {
    pub today: Option<Date>,
    pub may_manage: bool,
    /// Sees the plan (system manager or a holder of a governance role).
    pub member: bool,
    pub handles_incidents: bool,
    pub reports_faults: bool,
    pub my_roles: Vec<GovernanceRole>,
    pub holders: Vec<HolderView>,
    pub contracts: Vec<ContractView>,
    pub classification: Vec<ClassificationRecord>,
    pub occurrences: Vec<OccurrenceView>,
    /// The duties themselves (their schedules), for the system manager to change.
    pub duties: Vec<vaka_store::governance::DutyRecord>,
    pub incidents: Vec<IncidentView>,
    pub faults: Vec<FaultRecord>,
    /// The current receivers of incident reports, by name (for the form's hint).
    pub receivers: Vec<String>,
}

/// What waits on the caller's home page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GovernanceAttention {
    pub overdue: Vec<OccurrenceView>,
    pub reminders: Vec<(String, ContractReminder)>,
    pub open_incidents: Vec<IncidentRecord>,
    /// Overdue log reviews escalated to the caller as the system owner (who may hold no right
    /// to read the log, but answers for its follow-up): the unit and the month of each.
    pub escalated_reviews: Vec<EscalatedReview>,
}

/// An overdue, unsigned log review escalated to the system owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalatedReview {
    /// The unit's name (empty for a review on request).
    pub unit: String,
    pub period_from: Date,
    pub due_on: Date,
}

async fn occurrences<R: ReadTx + ?Sized>(
    r: &mut R,
    today: Date,
    my_roles: &[GovernanceRole],
    may_manage: bool,
) -> WorkResult<Vec<OccurrenceView>> {
    let earliest = today.checked_sub(LOOK_BACK_DAYS.days()).unwrap_or(today);
    let horizon = today.checked_add(REMINDER_DAYS.days()).unwrap_or(today);
    let duties = r.list_duties().await?;
    let signed = r.list_sign_offs(DbDate(earliest)).await?;
    let mut out = Vec::new();
    for d in duties {
        let from = earliest.max(d.starts_on);
        for due in d.schedule.due_dates(from, horizon) {
            let s = signed
                .iter()
                .find(|s| s.duty_id == d.id && s.due_on == due)
                .map(|s| (s.signer_name.clone(), s.signed_at, s.note.clone()));
            out.push(OccurrenceView {
                duty_id: d.id,
                code: d.code.clone(),
                responsible: d.responsible,
                due,
                overdue: s.is_none() && due < today,
                may_sign: s.is_none()
                    && due <= today
                    && (may_manage || my_roles.contains(&d.responsible)),
                signed: s,
            });
        }
    }
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

fn contract_view(c: ContractRecord, today: Date) -> ContractView {
    let terms = vaka_domain::governance::ContractTerms {
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        notice_months: c.notice_months,
    };
    ContractView {
        notice_by: notice_by(c.ends_on, c.notice_months),
        reminders: contract_reminders(terms, c.next_follow_up, today, REMINDER_DAYS),
        record: c,
    }
}

impl Services {
    /// The page's content for the caller (an audited read).
    pub async fn governance_overview(&self, ctx: &Ctx<'_>) -> ServiceResult<GovernanceOverview> {
        let op = ctx.op(AuditAction::GovernanceRead, GOVERNANCE);
        self.door
            .read(op, async |r| {
                let today = crate::registry::day_of(r.now());
                let p = ctx.principal;
                let may_manage = p.has_permission(Permission::GovernanceManage);
                let my_roles = roles_of(&mut **r, p.user_id, today).await?;
                let member = may_manage || !my_roles.is_empty();
                let handles = handles_incidents(&mut **r, ctx, today).await?;
                let faults_ok = reports_faults(ctx);
                let assignments = r.list_governance_assignments().await?;
                let receivers = assignments
                    .iter()
                    .filter(|a| INCIDENT_RECEIVERS.contains(&a.role))
                    .filter(|a| holds_on(a.from, a.until, today))
                    .map(|a| a.user_name.clone())
                    .collect();
                let mut o = GovernanceOverview {
                    today: Some(today),
                    may_manage,
                    member,
                    handles_incidents: handles,
                    reports_faults: faults_ok,
                    receivers,
                    ..GovernanceOverview::default()
                };
                if member {
                    o.holders = assignments
                        .into_iter()
                        .map(|a| HolderView {
                            current: holds_on(a.from, a.until, today),
                            id: a.id,
                            role: a.role,
                            user_id: a.user_id,
                            name: a.user_name,
                            from: a.from,
                            until: a.until,
                        })
                        .collect();
                    o.classification = r.list_classifications().await?;
                    o.classification.sort_by_key(|c| {
                        InformationType::ALL
                            .iter()
                            .position(|t| *t == c.info_type)
                            .unwrap_or(usize::MAX)
                    });
                    o.occurrences = occurrences(&mut **r, today, &my_roles, may_manage).await?;
                    o.duties = r.list_duties().await?;
                }
                if member || faults_ok {
                    o.contracts = r
                        .list_contracts()
                        .await?
                        .into_iter()
                        .map(|c| contract_view(c, today))
                        .collect();
                    o.faults = r.list_fault_reports().await?;
                }
                let steps = r.list_incident_steps().await?;
                o.incidents = r
                    .list_incidents()
                    .await?
                    .into_iter()
                    .filter(|i| handles || i.reported_by == p.user_id)
                    .map(|i| IncidentView {
                        steps: steps
                            .iter()
                            .filter(|s| s.incident_id == i.id)
                            .cloned()
                            .collect(),
                        record: i,
                    })
                    .collect();
                o.my_roles = my_roles;
                r.succeeded(None, |e| {
                    e.details(serde_json::json!({ "incidents": o.incidents.len() }).to_string())
                });
                Ok(o)
            })
            .await
    }

    /// What waits for the caller in the management plan (the home page): overdue duties of
    /// their roles (all of them for the system manager), the contracts' reminders (the system
    /// manager), open incidents (their receivers and the system manager), the overdue log
    /// reviews escalated to the system owner. No client data, no audit entry.
    pub async fn governance_attention(&self, ctx: &Ctx<'_>) -> ServiceResult<GovernanceAttention> {
        let op = ctx.op(AuditAction::GovernanceRead, GOVERNANCE);
        self.door
            .read(op, async |r| {
                let today = crate::registry::day_of(r.now());
                let p = ctx.principal;
                let may_manage = p.has_permission(Permission::GovernanceManage);
                let my_roles = roles_of(&mut **r, p.user_id, today).await?;
                let mut a = GovernanceAttention::default();
                if !may_manage && my_roles.is_empty() {
                    return Ok(a);
                }
                a.overdue = occurrences(&mut **r, today, &my_roles, may_manage)
                    .await?
                    .into_iter()
                    .filter(|o| o.overdue && o.may_sign)
                    .collect();
                if may_manage {
                    for c in r.list_contracts().await? {
                        let v = contract_view(c, today);
                        for rem in v.reminders {
                            a.reminders.push((v.record.supplier.clone(), rem));
                        }
                    }
                }
                if my_roles.contains(&GovernanceRole::SystemOwner) {
                    let units = r.list_units().await?;
                    a.escalated_reviews = r
                        .list_log_reviews()
                        .await?
                        .into_iter()
                        .filter(|v| v.escalated_at.is_some() && v.signed_at.is_none())
                        .map(|v| EscalatedReview {
                            unit: v
                                .unit_id
                                .and_then(|u| units.iter().find(|x| x.id == u))
                                .map(|u| u.name.clone())
                                .unwrap_or_default(),
                            period_from: v.period_from,
                            due_on: v.due_on,
                        })
                        .collect();
                }
                if handles_incidents(&mut **r, ctx, today).await? {
                    a.open_incidents = r
                        .list_incidents()
                        .await?
                        .into_iter()
                        .filter(|i| i.status != vaka_domain::governance::IncidentStatus::Closed)
                        .collect();
                }
                Ok(a)
            })
            .await
    }
}
