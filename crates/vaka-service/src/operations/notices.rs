//! Planned-downtime notices: the municipality's system manager or administrator publishes one
//! at least 7 days ahead inside the agreed window (refused otherwise, naming the rule), or
//! cancels one before it is over; each organisation it concerns acknowledges it once, by its
//! contact person (the provider's `provider_admin`, teknikombud). Everyone signed in reads the
//! notices that concern their organisation (the municipality's users read them all); no client
//! data is involved.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;
use vaka_domain::access::{Permission, Principal, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::OrganisationKind;
use vaka_domain::ids::{DowntimeNoticeId, OrganisationId};
use vaka_domain::operations::downtime::{DowntimeRequest, NoticePhase, phase};
use vaka_domain::reason::{InputReason, OperationsReason};
use vaka_store::operations::{DowntimeAckRecord, DowntimeNoticeRecord};
use vaka_store::{DbInstant, ReadTx};

use super::{OPERATIONS, line, parse_day, parse_time, text};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// A notice as the publishing form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeInput {
    /// What will be down (one line).
    pub title: String,
    /// What users should do meanwhile (the reserve routine).
    #[serde(default)]
    pub details: String,
    /// The local day, `YYYY-MM-DD`.
    pub day: String,
    /// Local start, `HH:MM`.
    pub from: String,
    /// Local end, `HH:MM`.
    pub to: String,
    /// The organisations it concerns; none: every provider and alarm centre.
    #[serde(default)]
    pub organisations: Vec<OrganisationId>,
}

/// One organisation a notice concerns and whether it has acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeParty {
    pub organisation_id: OrganisationId,
    pub organisation: String,
    /// Who acknowledged it and when.
    pub acknowledged: Option<(String, Timestamp)>,
}

/// A notice as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeView {
    pub id: DowntimeNoticeId,
    pub title: String,
    pub details: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub published_at: Timestamp,
    pub cancelled_at: Option<Timestamp>,
    pub phase: NoticePhase,
    /// Whether it names organisations (else it concerns every provider and alarm centre).
    pub named: bool,
    /// The organisations it concerns and their acknowledgements (every one, for those who
    /// publish; the caller's own, for the others).
    pub parties: Vec<NoticeParty>,
    /// The caller's organisation, when the caller may acknowledge this notice for it and has
    /// not yet.
    pub to_acknowledge: Option<OrganisationId>,
}

/// Whether a principal belongs to the municipality (whose users see every notice).
pub(crate) fn is_municipal(p: &Principal) -> bool {
    p.assignments
        .iter()
        .any(|a| a.organisation_kind == OrganisationKind::Municipality)
}

/// Whether a notice concerns `org`.
pub(crate) fn concerns(n: &DowntimeNoticeRecord, org: OrganisationId) -> bool {
    n.organisations.is_empty() || n.organisations.contains(&org)
}

/// The organisations that acknowledge a notice: those it names, or every active provider and
/// alarm centre.
fn parties_of(
    n: &DowntimeNoticeRecord,
    orgs: &BTreeMap<OrganisationId, (String, OrganisationKind, bool)>,
) -> Vec<(OrganisationId, String)> {
    if n.organisations.is_empty() {
        orgs.iter()
            .filter(|(_, (_, kind, active))| *active && *kind != OrganisationKind::Municipality)
            .map(|(id, (name, _, _))| (*id, name.clone()))
            .collect()
    } else {
        n.organisations
            .iter()
            .map(|id| (*id, orgs.get(id).map(|o| o.0.clone()).unwrap_or_default()))
            .collect()
    }
}

/// How far back the list reaches: notices over for more than this are not shown.
const LIST_PAST_DAYS: i64 = 30;

fn view(
    p: &Principal,
    n: &DowntimeNoticeRecord,
    acks: &[DowntimeAckRecord],
    orgs: &BTreeMap<OrganisationId, (String, OrganisationKind, bool)>,
    now: Timestamp,
) -> NoticeView {
    let all = p.has_permission(Permission::NoticePublish);
    let parties = parties_of(n, orgs)
        .into_iter()
        .filter(|(id, _)| all || *id == p.organisation_id)
        .map(|(id, name)| NoticeParty {
            organisation_id: id,
            organisation: name,
            acknowledged: acks
                .iter()
                .find(|a| a.notice_id == n.id && a.organisation_id == id)
                .map(|a| (a.user_name.clone(), a.acknowledged_at)),
        })
        .collect::<Vec<_>>();
    let phase = phase(n.starts_at, n.ends_at, now);
    let own = p.organisation_id;
    let may_ack = p
        .grant_for(
            Permission::NoticeAcknowledge,
            Target {
                organisation: own,
                units: &[],
            },
        )
        .is_some();
    let to_acknowledge = (may_ack
        && n.cancelled_at.is_none()
        && phase != NoticePhase::Past
        && parties
            .iter()
            .any(|x| x.organisation_id == own && x.acknowledged.is_none()))
    .then_some(own);
    NoticeView {
        id: n.id,
        title: n.title.clone(),
        details: n.details.clone(),
        starts_at: n.starts_at,
        ends_at: n.ends_at,
        published_at: n.published_at,
        cancelled_at: n.cancelled_at,
        phase,
        named: !n.organisations.is_empty(),
        parties,
        to_acknowledge,
    }
}

async fn organisations(
    r: &mut dyn ReadTx,
) -> WorkResult<BTreeMap<OrganisationId, (String, OrganisationKind, bool)>> {
    Ok(r.list_organisations()
        .await?
        .into_iter()
        .map(|o| (o.id, (o.name, o.kind, o.active)))
        .collect())
}

impl Services {
    /// The notices of the last 30 days and ahead that concern the caller's organisation (all
    /// of them for the municipality's users), by start; with the acknowledgements the caller
    /// may see.
    pub async fn downtime_notices(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<NoticeView>> {
        let op = ctx.op(AuditAction::DowntimeNoticePublished, OPERATIONS);
        self.door
            .read(op, async |r| {
                let now = r.now();
                let since = now - jiff::SignedDuration::from_hours(24 * LIST_PAST_DAYS);
                let notices = r.list_downtime_notices(DbInstant::new(since)).await?;
                let acks = r.list_downtime_acks(DbInstant::new(since)).await?;
                let orgs = organisations(r.reads()).await?;
                let p = ctx.principal;
                let everything = is_municipal(p);
                Ok(notices
                    .iter()
                    .filter(|n| everything || concerns(n, p.organisation_id))
                    .map(|n| view(p, n, &acks, &orgs, now))
                    .collect())
            })
            .await
    }

    /// Publishes a notice (the municipality's system manager or administrator). Refused,
    /// naming the rule, when it is fewer than the agreed days ahead or outside the window.
    pub async fn publish_downtime_notice(
        &self,
        ctx: &Ctx<'_>,
        input: NoticeInput,
    ) -> ServiceResult<DowntimeNoticeId> {
        let op = ctx.op(AuditAction::DowntimeNoticePublished, OPERATIONS);
        let rules = self.config.operations.downtime.clone();
        let id = self
            .door
            .change(op, async |w| {
                let grant = w.any_grant(
                    Permission::NoticePublish,
                    OperationsReason::MayNotPublishNotices,
                )?;
                let title = line("title", &input.title, 120)?;
                let details = text("details", &input.details, 2000)?;
                let req = DowntimeRequest {
                    day: parse_day("day", &input.day)?,
                    from: parse_time("from", &input.from)?,
                    to: parse_time("to", &input.to)?,
                };
                let slot = rules.check(req, w.now(), &crate::registry::stockholm())?;
                let orgs = organisations(w.reads()).await?;
                let mut named: Vec<OrganisationId> = Vec::new();
                for o in &input.organisations {
                    match orgs.get(o) {
                        Some((_, kind, _)) if *kind != OrganisationKind::Municipality => {
                            if !named.contains(o) {
                                named.push(*o);
                            }
                        }
                        _ => {
                            return Err(Fault::invalid(
                                "organisations",
                                InputReason::RefersToMissing,
                            ));
                        }
                    }
                }
                let n = DowntimeNoticeRecord {
                    id: DowntimeNoticeId::new(),
                    title,
                    details,
                    starts_at: slot.starts_at,
                    ends_at: slot.ends_at,
                    published_by: ctx.principal.user_id,
                    published_at: w.now(),
                    cancelled_by: None,
                    cancelled_at: None,
                    organisations: named,
                };
                w.insert_downtime_notice(&n).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("downtime_notice", n.id).details(
                        serde_json::json!({
                            "starts_at": n.starts_at.to_string(),
                            "ends_at": n.ends_at.to_string(),
                            "organisations": n.organisations.len(),
                        })
                        .to_string(),
                    )
                });
                Ok(n.id)
            })
            .await?;
        self.banners_changed();
        Ok(id)
    }

    /// Cancels a notice that is not over (those who publish).
    pub async fn cancel_downtime_notice(
        &self,
        ctx: &Ctx<'_>,
        id: DowntimeNoticeId,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::DowntimeNoticeCancelled, OPERATIONS);
        self.door
            .change(op, async |w| {
                let grant = w.any_grant(
                    Permission::NoticePublish,
                    OperationsReason::MayNotPublishNotices,
                )?;
                let n = w
                    .get_downtime_notice(id)
                    .await?
                    .ok_or(Fault::not_found("downtime notice"))?;
                if n.cancelled_at.is_some() {
                    return Err(Fault::conflict(OperationsReason::NoticeCancelled));
                }
                if phase(n.starts_at, n.ends_at, w.now()) == NoticePhase::Past {
                    return Err(Fault::conflict(OperationsReason::NoticeOver));
                }
                let now = DbInstant::new(w.now());
                w.cancel_downtime_notice(id, ctx.principal.user_id, now)
                    .await?;
                w.succeeded(Some(&grant), |e| e.subject("downtime_notice", id));
                Ok(())
            })
            .await?;
        self.banners_changed();
        Ok(())
    }

    /// Acknowledges a notice for the caller's organisation (its contact person). A second
    /// acknowledgement changes nothing.
    pub async fn acknowledge_downtime_notice(
        &self,
        ctx: &Ctx<'_>,
        id: DowntimeNoticeId,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::DowntimeNoticeAcknowledged, OPERATIONS);
        self.door
            .change(op, async |w| {
                let own = ctx.principal.organisation_id;
                let Some(grant) = ctx
                    .principal
                    .grant_for(
                        Permission::NoticeAcknowledge,
                        Target {
                            organisation: own,
                            units: &[],
                        },
                    )
                    .cloned()
                else {
                    return Err(w.denied(
                        OperationsReason::MayNotAcknowledge,
                        Some(("downtime_notice", id.to_string())),
                    ));
                };
                let n = w
                    .get_downtime_notice(id)
                    .await?
                    .ok_or(Fault::not_found("downtime notice"))?;
                if !concerns(&n, own) {
                    return Err(w.denied(
                        OperationsReason::MayNotAcknowledge,
                        Some(("downtime_notice", id.to_string())),
                    ));
                }
                if n.cancelled_at.is_some() {
                    return Err(Fault::conflict(OperationsReason::NoticeCancelled));
                }
                let now = DbInstant::new(w.now());
                let new = w
                    .insert_downtime_ack(id, own, ctx.principal.user_id, now)
                    .await?;
                if new {
                    w.succeeded(Some(&grant), |e| {
                        e.subject("downtime_notice", id)
                            .details(serde_json::json!({ "organisation": own }).to_string())
                    });
                }
                Ok(())
            })
            .await
    }
}

impl Services {
    /// The organisations a notice may name: every active provider and alarm centre (those who
    /// publish).
    pub async fn downtime_recipients(
        &self,
        ctx: &Ctx<'_>,
    ) -> ServiceResult<Vec<(OrganisationId, String)>> {
        let op = ctx.op(AuditAction::DowntimeNoticePublished, OPERATIONS);
        self.door
            .read(op, async |r| {
                r.any_grant(
                    Permission::NoticePublish,
                    OperationsReason::MayNotPublishNotices,
                )?;
                let mut v: Vec<(OrganisationId, String)> = organisations(r.reads())
                    .await?
                    .into_iter()
                    .filter(|(_, (_, kind, active))| {
                        *active && *kind != OrganisationKind::Municipality
                    })
                    .map(|(id, (name, _, _))| (id, name))
                    .collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                Ok(v)
            })
            .await
    }
}
