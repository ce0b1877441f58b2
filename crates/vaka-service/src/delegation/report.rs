//! The report of missed and late signings per unit and week (issue 16, "Reports"): for the
//! unit's manager and its licensed staff (those who see its signing list), each day's counts,
//! the week's, and the occasions missed or signed late with their client, task, signer and
//! who was called. The rules are `vaka_domain::delegation::week`'s.

use std::collections::HashMap;

use jiff::SignedDuration;
use jiff::civil::Date;
use vaka_domain::audit::AuditAction;
use vaka_domain::delegation::prescription::occasions_of;
use vaka_domain::delegation::{
    DayCounts, Exception, IsoWeek, Occasion, Prescription, Signing, week_report,
};
use vaka_domain::directory::Unit;
use vaka_domain::ids::{ClientId, PrescriptionId, UnitId};
use vaka_domain::reason::DelegationReason;

use super::delegations::{Names, oversight_grant};
use super::licences::{task_label, task_types};
use super::missed::CallMade;
use super::signing::clients_shown;
use super::{DELEGATION, tz};
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

/// An occasion of the week missed or signed late.
#[derive(Debug, Clone)]
pub struct WeekReportLine {
    pub client_id: ClientId,
    pub client_name: String,
    pub task_name: String,
    pub occasion: Occasion,
    /// `missed` or `late`.
    pub kind: &'static str,
    /// The late signing, its signer's name, and how long after the time it was due.
    pub signing: Option<Signing>,
    pub signer_name: Option<String>,
    pub after_due: Option<SignedDuration>,
    /// Who was called for a missed occasion, in step order.
    pub calls: Vec<CallMade>,
}

/// A unit's week of signings.
#[derive(Debug, Clone)]
pub struct SigningWeekReport {
    pub unit: Unit,
    pub week: IsoWeek,
    /// Monday to Sunday.
    pub days: Vec<(Date, DayCounts)>,
    pub total: DayCounts,
    /// The occasions missed or signed late, by the instant they were due.
    pub lines: Vec<WeekReportLine>,
}

impl Services {
    /// The report of `unit`'s `week` (those who see its signing list: its manager, its
    /// licensed staff): each day's occasions in time, late, missed, pending and not given,
    /// the week's, and the occasions missed or signed late. Each client named is audited
    /// (`signing.report`); a caller who may not follow the unit up is refused, audited.
    pub async fn signing_week_report(
        &self,
        ctx: &Ctx<'_>,
        unit: UnitId,
        week: IsoWeek,
    ) -> ServiceResult<SigningWeekReport> {
        let op = ctx.op(AuditAction::SigningReportRead, DELEGATION);
        self.door
            .read(op, async |r| {
                let unit = r.get_unit(unit).await?.ok_or(Fault::not_found("unit"))?;
                let Some(grant) = oversight_grant(r.ctx(), &unit) else {
                    return Err(r.denied(
                        DelegationReason::MayNotOversee,
                        Some(("unit", unit.id.to_string())),
                    ));
                };
                let details = serde_json::json!({ "week": week.to_string() }).to_string();
                let (monday, sunday) = (week.monday(), week.sunday());
                let now = r.now();
                let tz = tz();
                let prescriptions = r
                    .list_prescriptions_for_unit_between(unit.id, monday, sunday)
                    .await?;
                let occasions: Vec<Occasion> = week
                    .days()
                    .iter()
                    .flat_map(|d| prescriptions.iter().flat_map(|p| occasions_of(p, *d, &tz)))
                    .collect();
                let signings = r
                    .list_signings_for_unit_between(unit.id, monday, sunday)
                    .await?;
                let report = week_report(week, &occasions, &signings, now);
                let list = task_types(r.reads()).await?;
                let by_id: HashMap<PrescriptionId, &Prescription> =
                    prescriptions.iter().map(|p| (p.id, p)).collect();
                let mut calls: HashMap<_, Vec<_>> = HashMap::new();
                if report
                    .exceptions
                    .iter()
                    .any(|e| e.exception == Exception::Missed)
                {
                    for c in r.list_escalation_calls(monday, sunday).await? {
                        calls.entry(c.key).or_default().push(c);
                    }
                }
                let mut names = Names::default();
                let seen = clients_shown(
                    r,
                    &grant,
                    report.exceptions.iter().map(|e| e.occasion.client_id),
                    |e| e.subject("unit", unit.id).details(details.clone()),
                )
                .await?;
                let mut lines = Vec::with_capacity(report.exceptions.len());
                for row in report.exceptions {
                    let o = row.occasion;
                    let task_name = by_id.get(&o.key.prescription_id).map_or_else(
                        || o.task_type.to_string(),
                        |p| task_label(&list, &p.terms.task_type).0,
                    );
                    let (kind, signing, after_due) = match row.exception {
                        Exception::Missed => ("missed", None, None),
                        Exception::Late { signing, after_due } => {
                            ("late", Some(*signing), Some(after_due))
                        }
                    };
                    let signer_name = match &signing {
                        Some(s) => Some(names.user(r, s.signer).await?),
                        None => None,
                    };
                    let mut made = Vec::new();
                    for c in calls.get(&o.key).into_iter().flatten() {
                        made.push(CallMade {
                            user: c.user,
                            name: names.user(r, c.user).await?,
                            step: c.step,
                            called_at: c.called_at,
                        });
                    }
                    lines.push(WeekReportLine {
                        client_id: o.client_id,
                        client_name: seen.get(&o.client_id).cloned().unwrap_or_default(),
                        task_name,
                        occasion: o,
                        kind,
                        signing,
                        signer_name,
                        after_due,
                        calls: made,
                    });
                }
                if seen.is_empty() {
                    r.succeeded(Some(&grant), |e| {
                        e.subject("unit", unit.id).details(details.clone())
                    });
                }
                Ok(SigningWeekReport {
                    unit,
                    week,
                    days: report.days,
                    total: report.total,
                    lines,
                })
            })
            .await
    }
}
