//! Delegations: a licensed person delegates a task type to a named care worker of a unit,
//! both sign with a fresh second factor, anyone responsible may revoke it at once, and each
//! unit keeps a register of who may do what until when.

use std::collections::HashMap;

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::DomainError;
use vaka_domain::access::{Assignment, Permission, Scope as RoleScope, Target};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::delegation::{
    CompetenceCheck, CompetenceMethod, Delegation, DelegationStatus, DelegationTerms, Party,
    RegisterEntry, RevocationReason, Scope, TaskType, TaskTypeCode, Validity, unit_register,
};
use vaka_domain::directory::Unit;
use vaka_domain::ids::{ClientId, DelegationId, UnitId, UserId};
use vaka_domain::reason::DelegationReason;
use vaka_store::DbInstant;
use vaka_store::values::to_db_precision;

use super::licences::{task_of, task_types, task_types_to_refer_to};
use super::{DELEGATION, tz};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::registry::day_of;
use crate::{Ctx, ServiceResult, Services};

/// A delegation as the licensed person writes it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DelegationInput {
    /// The task type's code in the municipality's list.
    pub task_type: String,
    /// The care worker.
    pub recipient: UserId,
    /// The unit whose register holds it (and whose clients `whole_unit` covers).
    pub unit_id: UnitId,
    /// The whole unit's clients, or only those named in `clients`.
    #[serde(default)]
    pub whole_unit: bool,
    #[serde(default)]
    pub clients: Vec<ClientId>,
    /// For one occasion on `from` only.
    #[serde(default)]
    pub one_occasion: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    /// The last day; at most a year after `from` (that year when not given).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub to: Option<Date>,
    /// How competence was checked: `teaching`, `practical_demonstration`, `knowledge_test`,
    /// `other` (described in the note).
    #[serde(default)]
    pub competence_methods: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub competence_checked_on: Option<Date>,
    pub competence_note: Option<String>,
}

/// A delegation with the names it is read by.
#[derive(Debug, Clone)]
pub struct DelegationView {
    pub delegation: Delegation,
    pub status: DelegationStatus,
    pub task_name: String,
    pub delegator_name: String,
    pub recipient_name: String,
    pub unit_name: String,
    /// The named clients with their names (empty for the whole unit).
    pub clients: Vec<(ClientId, String)>,
    /// The caller's side of it, if they are a party.
    pub my_party: Option<Party>,
    /// Whether the caller has signed / must still sign.
    pub i_must_sign: bool,
    pub may_revoke: bool,
}

/// One line of a unit's register, with names.
#[derive(Debug, Clone)]
pub struct RegisterLine {
    pub entry: RegisterEntry,
    pub task_name: String,
    pub recipient_name: String,
    pub delegator_name: String,
    /// Named clients' names (empty for the whole unit).
    pub clients: Vec<String>,
}

/// A unit's register at the time of reading.
#[derive(Debug, Clone)]
pub struct UnitRegister {
    pub unit: Unit,
    pub lines: Vec<RegisterLine>,
}

/// A revocation as it is asked for.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RevocationInput {
    /// `competence_doubt`, `not_done_properly`, `need_gone`, `staff_left`, `replaced`,
    /// `other` (with a note).
    pub reason: String,
    pub note: Option<String>,
}

/// A domain refusal by right becomes an audited denial; other errors pass as they are.
pub(crate) fn judged<'a, T>(
    w: &impl Work<'a>,
    r: Result<T, DomainError>,
    subject: Option<(&str, String)>,
) -> WorkResult<T> {
    match r {
        Ok(v) => Ok(v),
        Err(DomainError::Forbidden { reason }) => Err(w.denied(reason, subject)),
        Err(e) => Err(e.into()),
    }
}

/// The caller's grant of `p` over `unit`.
fn unit_grant(ctx: Option<&Ctx<'_>>, p: Permission, unit: &Unit) -> Option<Assignment> {
    ctx.and_then(|c| {
        c.principal
            .grant_for(
                p,
                Target {
                    organisation: unit.organisation_id,
                    units: &[unit.id],
                },
            )
            .cloned()
    })
}

/// The caller's grant to follow up `unit`'s delegated tasks: as its licensed staff or as its
/// manager.
pub(crate) fn oversight_grant(ctx: Option<&Ctx<'_>>, unit: &Unit) -> Option<Assignment> {
    unit_grant(ctx, Permission::DelegationOversee, unit)
        .or_else(|| unit_grant(ctx, Permission::DelegationManage, unit))
}

/// Whether `assignments` give their holder `p` in `unit` (its own role there, or one for its
/// whole organisation or everything).
fn holds_in(assignments: &[Assignment], p: Permission, unit: &Unit) -> bool {
    assignments.iter().any(|a| {
        a.role.has(p)
            && match a.scope() {
                RoleScope::Unit(u) => u == unit.id,
                RoleScope::Organisation(o) => o == unit.organisation_id,
                RoleScope::Everything => true,
            }
    })
}

/// Whether `assignments` let their holder sign tasks in `unit`.
fn signs_in(assignments: &[Assignment], unit: &Unit) -> bool {
    holds_in(assignments, Permission::TaskSign, unit)
}

/// Looks names up once per unit of work.
#[derive(Default)]
pub(crate) struct Names {
    users: HashMap<UserId, String>,
    clients: HashMap<ClientId, Option<vaka_domain::client::Client>>,
    units: HashMap<UnitId, Option<Unit>>,
}

impl Names {
    pub(crate) async fn user<'a>(
        &mut self,
        w: &mut impl Work<'a>,
        id: UserId,
    ) -> WorkResult<String> {
        if let Some(n) = self.users.get(&id) {
            return Ok(n.clone());
        }
        let n = w
            .reads()
            .get_user(id)
            .await?
            .map_or_else(|| id.to_string(), |u| u.display_name);
        self.users.insert(id, n.clone());
        Ok(n)
    }

    pub(crate) async fn client<'a>(
        &mut self,
        w: &mut impl Work<'a>,
        id: ClientId,
    ) -> WorkResult<Option<vaka_domain::client::Client>> {
        if let Some(c) = self.clients.get(&id) {
            return Ok(c.clone());
        }
        let c = w.reads().get_client(id).await?;
        self.clients.insert(id, c.clone());
        Ok(c)
    }

    pub(crate) async fn unit<'a>(
        &mut self,
        w: &mut impl Work<'a>,
        id: UnitId,
    ) -> WorkResult<Option<Unit>> {
        if let Some(u) = self.units.get(&id) {
            return Ok(u.clone());
        }
        let u = w.reads().get_unit(id).await?;
        self.units.insert(id, u.clone());
        Ok(u)
    }
}

fn task_name(list: &[TaskType], code: &TaskTypeCode) -> String {
    super::licences::task_label(list, code).0
}

impl Services {
    /// Decides a delegation: the caller (licensed, with the right to delegate in the unit)
    /// delegates a task type to a care worker of the unit. It is valid only once both have
    /// signed ([`Self::sign_delegation`]).
    pub async fn create_delegation(
        &self,
        ctx: &Ctx<'_>,
        input: DelegationInput,
    ) -> ServiceResult<Delegation> {
        let op = ctx.op(AuditAction::DelegationCreated, DELEGATION);
        self.door
            .change(op, async |w| {
                w.any_grant(
                    Permission::DelegationManage,
                    DelegationReason::MayNotDelegate,
                )?;
                let unit = w
                    .get_unit(input.unit_id)
                    .await?
                    .ok_or(Fault::not_found("unit"))?;
                let grant = w.grant(
                    Permission::DelegationManage,
                    Target {
                        organisation: unit.organisation_id,
                        units: &[unit.id],
                    },
                    Some(("unit", unit.id.to_string())),
                )?;
                let me = ctx.principal.user_id;
                let licence = w.get_licence(me).await?;
                let code = TaskTypeCode::parse(&input.task_type)?;
                let list = task_types_to_refer_to(w).await?;
                let task = task_of(&list, &code, true)?.clone();
                let recipient = w
                    .get_user(input.recipient)
                    .await?
                    .filter(|u| u.status == vaka_domain::directory::AccountStatus::Active)
                    .ok_or_else(|| {
                        Fault::invalid("recipient", DelegationReason::RecipientNotInUnit)
                    })?;
                if recipient.id != me && !signs_in(&w.list_assignments(recipient.id).await?, &unit)
                {
                    return Err(Fault::invalid(
                        "recipient",
                        DelegationReason::RecipientNotInUnit,
                    ));
                }
                let mut clients = Vec::new();
                if !input.whole_unit {
                    for id in &input.clients {
                        let c = w
                            .get_client(*id)
                            .await?
                            .filter(|c| c.unit_id == Some(unit.id))
                            .ok_or_else(|| {
                                Fault::invalid("clients", DelegationReason::ClientNotInUnit)
                            })?;
                        clients.push(c);
                    }
                }
                let today = day_of(w.now());
                let validity = if input.one_occasion {
                    Validity::OneOccasion { on: input.from }
                } else {
                    Validity::Period {
                        from: input.from,
                        to: input
                            .to
                            .unwrap_or_else(|| Validity::latest_last_day(input.from)),
                    }
                };
                let competence = if input.competence_methods.is_empty()
                    && input.competence_checked_on.is_none()
                {
                    None
                } else {
                    let methods = input
                        .competence_methods
                        .iter()
                        .map(|m| {
                            CompetenceMethod::from_code(m.trim()).ok_or_else(|| {
                                Fault::invalid(
                                    "competence_methods",
                                    DelegationReason::CompetenceCheckRequired,
                                )
                            })
                        })
                        .collect::<WorkResult<Vec<_>>>()?;
                    Some(CompetenceCheck {
                        methods,
                        checked_on: input.competence_checked_on.ok_or_else(|| {
                            Fault::invalid(
                                "competence_checked_on",
                                DelegationReason::CompetenceCheckRequired,
                            )
                        })?,
                        note: input.competence_note.clone(),
                    })
                };
                let terms = DelegationTerms {
                    task_type: code,
                    delegator: me,
                    recipient: recipient.id,
                    unit_id: unit.id,
                    scope: if input.whole_unit {
                        Scope::WholeUnit
                    } else {
                        Scope::Clients(input.clients.clone())
                    },
                    validity,
                    competence,
                };
                let terms = judged(w, terms.check(licence.as_ref(), &task, today), None)?;
                let d = Delegation {
                    id: DelegationId::new(),
                    terms,
                    decided_at: to_db_precision(w.now()),
                    delegator_signed_at: None,
                    recipient_signed_at: None,
                    events: Vec::new(),
                };
                w.insert_delegation(&d).await?;
                let details = serde_json::json!({
                    "task_type": d.terms.task_type.as_str(),
                    "recipient": d.terms.recipient,
                    "unit": d.terms.unit_id,
                    "whole_unit": input.whole_unit,
                    "from": d.terms.validity.first_day().to_string(),
                    "to": d.terms.validity.last_day().to_string(),
                })
                .to_string();
                w.succeeded(Some(&grant), |e| {
                    e.subject("delegation", d.id).details(details.clone())
                });
                // The named clients' trails show the delegation that covers them.
                for c in &clients {
                    let e = w
                        .client_entry(Outcome::Success, Some(&grant), c)
                        .subject("delegation", d.id);
                    w.record(e);
                }
                Ok(d)
            })
            .await
    }

    /// Signs a delegation as one of its parties, with a fresh second factor (`code` proves it
    /// again when the session's proof is stale).
    pub async fn sign_delegation(
        &self,
        ctx: &Ctx<'_>,
        id: DelegationId,
        code: Option<&str>,
    ) -> ServiceResult<Delegation> {
        let op = ctx.op(AuditAction::DelegationSigned, DELEGATION);
        let result = self
            .door
            .change(op, async |w| {
                let d = w
                    .get_delegation(id)
                    .await?
                    .ok_or(Fault::not_found("delegation"))?;
                let me = ctx.principal.user_id;
                let now = w.now();
                let party = judged(
                    w,
                    d.check_signature(me, now, &tz()),
                    Some(("delegation", id.to_string())),
                )?;
                if let Err(wrong) = self.fresh_second_factor(w, code).await? {
                    return Ok(Err(wrong));
                }
                if !w.sign_delegation(id, party, DbInstant::new(now)).await? {
                    return Err(Fault::conflict(DelegationReason::AlreadySigned));
                }
                w.succeeded(None, |e| {
                    e.subject("delegation", id)
                        .details(serde_json::json!({ "party": party.code() }).to_string())
                });
                let signed = w
                    .get_delegation(id)
                    .await?
                    .ok_or(Fault::not_found("delegation"))?;
                Ok(Ok(signed))
            })
            .await;
        self.after_step_up(ctx, result).await
    }

    /// Revokes a delegation at once, with a reason: its delegating person, licensed staff
    /// who delegate in its unit, or the unit's manager.
    pub async fn revoke_delegation(
        &self,
        ctx: &Ctx<'_>,
        id: DelegationId,
        input: RevocationInput,
    ) -> ServiceResult<Delegation> {
        let op = ctx.op(AuditAction::DelegationRevoked, DELEGATION);
        self.door
            .change(op, async |w| {
                let d = w
                    .get_delegation(id)
                    .await?
                    .ok_or(Fault::not_found("delegation"))?;
                let unit = w
                    .get_unit(d.terms.unit_id)
                    .await?
                    .ok_or(Fault::not_found("unit"))?;
                let me = ctx.principal.user_id;
                let grant = oversight_grant(w.ctx(), &unit);
                if d.terms.delegator != me && grant.is_none() {
                    return Err(w.denied(
                        DelegationReason::MayNotRevoke,
                        Some(("delegation", id.to_string())),
                    ));
                }
                let reason = RevocationReason::from_code(input.reason.trim())
                    .ok_or_else(|| Fault::invalid("reason", DelegationReason::MayNotRevoke))?;
                let event = d.revoke(
                    me,
                    to_db_precision(w.now()),
                    reason,
                    input.note.as_deref(),
                    &tz(),
                )?;
                w.insert_delegation_event(id, &event).await?;
                w.succeeded(grant.as_ref(), |e| {
                    e.subject("delegation", id)
                        .details(serde_json::json!({ "reason": reason.code() }).to_string())
                });
                let revoked = w
                    .get_delegation(id)
                    .await?
                    .ok_or(Fault::not_found("delegation"))?;
                Ok(revoked)
            })
            .await
    }

    /// One delegation, for its parties and for those who follow up its unit.
    pub async fn delegation(
        &self,
        ctx: &Ctx<'_>,
        id: DelegationId,
    ) -> ServiceResult<DelegationView> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let d = r
                    .get_delegation(id)
                    .await?
                    .ok_or(Fault::not_found("delegation"))?;
                let unit = r
                    .get_unit(d.terms.unit_id)
                    .await?
                    .ok_or(Fault::not_found("unit"))?;
                let grant = oversight_grant(r.ctx(), &unit);
                if d.party_of(ctx.principal.user_id).is_none() && grant.is_none() {
                    return Err(r.denied(
                        DelegationReason::MayNotOversee,
                        Some(("delegation", id.to_string())),
                    ));
                }
                let list = task_types(r.reads()).await?;
                let mut names = Names::default();
                let view = view_of(r, &mut names, &list, d, grant.as_ref()).await?;
                Ok(view)
            })
            .await
    }

    /// The caller's delegations, either side, newest first.
    pub async fn my_delegations(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<DelegationView>> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let list = task_types(r.reads()).await?;
                let mut names = Names::default();
                let mut out = Vec::new();
                for d in r.list_delegations_of_user(ctx.principal.user_id).await? {
                    let unit = names.unit(r, d.terms.unit_id).await?;
                    let grant = unit.as_ref().and_then(|u| oversight_grant(r.ctx(), u));
                    out.push(view_of(r, &mut names, &list, d, grant.as_ref()).await?);
                }
                if out.is_empty() {
                    r.succeeded(None, |e| e.details(r#"{"delegations":0}"#.to_owned()));
                }
                Ok(out)
            })
            .await
    }

    /// A unit's register: who may do what, for whom, until when (those who follow up the
    /// unit: its manager, its licensed staff).
    pub async fn unit_register(&self, ctx: &Ctx<'_>, unit: UnitId) -> ServiceResult<UnitRegister> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let unit = r.get_unit(unit).await?.ok_or(Fault::not_found("unit"))?;
                let Some(grant) = oversight_grant(r.ctx(), &unit) else {
                    return Err(r.denied(
                        DelegationReason::MayNotOversee,
                        Some(("unit", unit.id.to_string())),
                    ));
                };
                let now = r.now();
                let tz = tz();
                let delegations = r.list_delegations_for_unit(unit.id, day_of(now)).await?;
                let list = task_types(r.reads()).await?;
                let mut names = Names::default();
                let mut lines = Vec::new();
                for entry in unit_register(&delegations, unit.id, now, &tz) {
                    let mut clients = Vec::new();
                    if let Scope::Clients(ids) = &entry.scope {
                        for id in ids {
                            if let Some(c) = names.client(r, *id).await? {
                                clients.push(c.name.clone());
                                let e = r
                                    .client_entry(Outcome::Success, Some(&grant), &c)
                                    .subject("delegation", entry.delegation_id);
                                r.record(e);
                            }
                        }
                    }
                    lines.push(RegisterLine {
                        task_name: task_name(&list, &entry.task_type),
                        recipient_name: names.user(r, entry.recipient).await?,
                        delegator_name: names.user(r, entry.delegator).await?,
                        clients,
                        entry,
                    });
                }
                r.succeeded(Some(&grant), |e| {
                    e.subject("unit", unit.id)
                        .details(serde_json::json!({ "register": lines.len() }).to_string())
                });
                Ok(UnitRegister { unit, lines })
            })
            .await
    }

    /// The delegations of the caller's units whose last day falls within `days` days (the
    /// report of what to renew), by last day.
    pub async fn delegations_expiring(
        &self,
        ctx: &Ctx<'_>,
        days: i32,
    ) -> ServiceResult<Vec<DelegationView>> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let oversee = ctx.principal.reach(Permission::DelegationOversee);
                let manage = ctx.principal.reach(Permission::DelegationManage);
                if oversee.is_empty() && manage.is_empty() {
                    return Err(r.denied(DelegationReason::MayNotOversee, None));
                }
                let today = day_of(r.now());
                let last = today
                    .checked_add(days.clamp(0, 366).days())
                    .unwrap_or(today);
                let list = task_types(r.reads()).await?;
                let mut names = Names::default();
                let mut out = Vec::new();
                for d in r.list_delegations_expiring(today, last).await? {
                    let Some(unit) = names.unit(r, d.terms.unit_id).await? else {
                        continue;
                    };
                    let Some(grant) = oversight_grant(r.ctx(), &unit) else {
                        continue;
                    };
                    let view = view_of(r, &mut names, &list, d, Some(&grant)).await?;
                    if !view.status.is_over() {
                        out.push(view);
                    }
                }
                r.succeeded(None, |e| {
                    e.details(
                        serde_json::json!({ "expiring_within_days": days, "results": out.len() })
                            .to_string(),
                    )
                });
                Ok(out)
            })
            .await
    }

    /// The units the caller follows up or delegates in, by name, each with whether the caller
    /// may delegate and prescribe there (no personal data).
    pub async fn delegation_units(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<(Unit, bool)>> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let mut out: Vec<(Unit, bool)> = r
                    .list_units()
                    .await?
                    .into_iter()
                    .filter(|u| u.active)
                    .filter_map(|u| {
                        let delegates =
                            unit_grant(Some(ctx), Permission::DelegationManage, &u).is_some();
                        let oversees =
                            unit_grant(Some(ctx), Permission::DelegationOversee, &u).is_some();
                        (delegates || oversees).then_some((u, delegates))
                    })
                    .collect();
                out.sort_by(|a, b| a.0.name.cmp(&b.0.name));
                Ok(out)
            })
            .await
    }

    /// The clients of a unit a delegation may name (licensed staff who delegate there), by
    /// name. The list is audited as one listing, as the client list is.
    pub async fn delegation_clients(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
    ) -> ServiceResult<Vec<(ClientId, String)>> {
        let op = ctx.op(AuditAction::ClientsListed, DELEGATION);
        self.door
            .read(op, async |r| {
                let unit = r.get_unit(unit).await?.ok_or(Fault::not_found("unit"))?;
                let Some(grant) = unit_grant(r.ctx(), Permission::DelegationManage, &unit) else {
                    return Err(r.denied(
                        DelegationReason::MayNotDelegate,
                        Some(("unit", unit.id.to_string())),
                    ));
                };
                let query = vaka_store::ClientQuery {
                    search: None,
                    searched: false,
                    limit: 5000,
                    offset: 0,
                };
                let out: Vec<(ClientId, String)> = r
                    .list_clients_in_reach(ctx.principal.user_id, &query)
                    .await?
                    .into_iter()
                    .filter(|c| c.unit_id == Some(unit.id))
                    .map(|c| (c.id, c.name))
                    .collect();
                r.succeeded(Some(&grant), |e| {
                    e.subject("unit", unit.id)
                        .details(serde_json::json!({ "results": out.len() }).to_string())
                });
                Ok(out)
            })
            .await
    }

    /// The care workers of a unit a delegation may name (those whose roles sign tasks there),
    /// with their names, for the delegation form.
    pub async fn delegation_recipients(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
    ) -> ServiceResult<Vec<(UserId, String)>> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let unit = r.get_unit(unit).await?.ok_or(Fault::not_found("unit"))?;
                if unit_grant(r.ctx(), Permission::DelegationManage, &unit).is_none() {
                    return Err(r.denied(
                        DelegationReason::MayNotDelegate,
                        Some(("unit", unit.id.to_string())),
                    ));
                }
                let users = r
                    .list_users(&vaka_store::UserFilter {
                        unit: Some(unit.id),
                        status: Some(vaka_domain::directory::AccountStatus::Active),
                        limit: 1000,
                        ..vaka_store::UserFilter::default()
                    })
                    .await?;
                let mut out = Vec::new();
                for u in users {
                    if u.id != ctx.principal.user_id
                        && signs_in(&r.list_assignments(u.id).await?, &unit)
                    {
                        out.push((u.id, u.display_name));
                    }
                }
                out.sort_by(|a, b| a.1.cmp(&b.1));
                Ok(out)
            })
            .await
    }
}

/// Ends by itself every delegation of `user` still running: when the account ends (`left`),
/// or, when a role is removed, those of units where the user no longer holds the role their
/// side needs (signing as the care worker, delegating as the licensed person). Returns how many
/// ended (the caller's audit entry says so).
pub(crate) async fn end_delegations_of(
    w: &mut crate::door::Change<'_>,
    user: UserId,
    left: bool,
) -> WorkResult<usize> {
    let now = to_db_precision(w.now());
    let tz = tz();
    let assignments = if left {
        Vec::new()
    } else {
        w.list_assignments(user).await?
    };
    let mut ended = 0;
    for d in w.list_delegations_of_user(user).await? {
        if d.status(now, &tz).is_over() {
            continue;
        }
        let Some(party) = d.party_of(user) else {
            continue;
        };
        let event = if left {
            vaka_domain::delegation::DelegationEvent::Left { party, at: now }
        } else {
            let Some(unit) = w.get_unit(d.terms.unit_id).await? else {
                continue;
            };
            let needed = match party {
                Party::Recipient => Permission::TaskSign,
                Party::Delegator => Permission::DelegationManage,
            };
            if holds_in(&assignments, needed, &unit) {
                continue;
            }
            vaka_domain::delegation::DelegationEvent::ChangedUnit { party, at: now }
        };
        w.insert_delegation_event(d.id, &event).await?;
        ended += 1;
    }
    Ok(ended)
}

/// A delegation with its names; each named client read is recorded on the client's trail.
async fn view_of<'a>(
    r: &mut impl Work<'a>,
    names: &mut Names,
    list: &[TaskType],
    d: Delegation,
    grant: Option<&Assignment>,
) -> WorkResult<DelegationView> {
    let now = r.now();
    let status = d.status(now, &tz());
    let me = r.ctx().map(|c| c.principal.user_id);
    let my_party = me.and_then(|m| d.party_of(m));
    let i_must_sign = match my_party {
        Some(Party::Delegator) => d.delegator_signed_at.is_none(),
        Some(Party::Recipient) => d.recipient_signed_at.is_none(),
        None => false,
    } && !status.is_over();
    let mut clients = Vec::new();
    if let Scope::Clients(ids) = &d.terms.scope {
        for id in ids {
            if let Some(c) = names.client(r, *id).await? {
                clients.push((c.id, c.name.clone()));
                let e = r
                    .client_entry(Outcome::Success, grant, &c)
                    .subject("delegation", d.id);
                r.record(e);
            }
        }
    }
    if clients.is_empty() {
        r.succeeded(grant, |e| e.subject("delegation", d.id));
    }
    let unit_name = names
        .unit(r, d.terms.unit_id)
        .await?
        .map_or_else(|| d.terms.unit_id.to_string(), |u| u.name);
    Ok(DelegationView {
        status,
        task_name: task_name(list, &d.terms.task_type),
        delegator_name: names.user(r, d.terms.delegator).await?,
        recipient_name: names.user(r, d.terms.recipient).await?,
        unit_name,
        clients,
        my_party,
        i_must_sign,
        may_revoke: !status.is_over() && (my_party == Some(Party::Delegator) || grant.is_some()),
        delegation: d,
    })
}
