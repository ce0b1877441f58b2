//! Unplanned outage reports (driftstörningar). Anyone signed in reports what does not work;
//! the report is routed by the hour it is made — weekdays 08–17 to the municipality's IT,
//! otherwise to the nurse on duty (`vaka_domain::operations::outage`) — and shows as a banner
//! on every page until the municipality (system manager or administrator) marks it resolved.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use vaka_domain::access::{Permission, Principal};
use vaka_domain::audit::AuditAction;
use vaka_domain::ids::OutageReportId;
use vaka_domain::operations::outage::{OutageRoute, OutageStatus};
use vaka_domain::reason::OperationsReason;
use vaka_store::DbInstant;
use vaka_store::operations::OutageReportRecord;

use super::{OPERATIONS, line, text};
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

/// An outage report as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutageInput {
    /// What does not work (no client data).
    pub what: String,
}

/// An outage report as its readers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutageView {
    pub id: OutageReportId,
    pub what: String,
    pub reporter: String,
    pub reported_at: Timestamp,
    pub route: OutageRoute,
    pub status: OutageStatus,
    pub resolved_at: Option<Timestamp>,
    pub resolution: Option<String>,
}

impl From<OutageReportRecord> for OutageView {
    fn from(r: OutageReportRecord) -> Self {
        Self {
            id: r.id,
            what: r.what,
            reporter: r.reporter_name,
            reported_at: r.reported_at,
            route: r.route,
            status: r.status,
            resolved_at: r.resolved_at,
            resolution: r.resolution,
        }
    }
}

/// Resolved reports stay in the list this long.
const LIST_RESOLVED_FOR: SignedDuration = SignedDuration::from_hours(24 * 30);

fn sees(p: &Principal, r: &OutageReportRecord) -> bool {
    r.status == OutageStatus::Open
        || p.has_permission(Permission::OutageManage)
        || r.organisation_id == p.organisation_id
}

impl Services {
    /// Whom a report made now goes to.
    pub fn outage_route_now(&self) -> OutageRoute {
        self.config
            .operations
            .office_hours
            .route(self.now(), &crate::registry::stockholm())
    }

    /// Open reports, and those resolved in the last 30 days that the caller may follow (its
    /// organisation's; all of them for the municipality's managers), newest first.
    pub async fn outage_reports(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<OutageView>> {
        let op = ctx.op(AuditAction::OutageReported, OPERATIONS);
        self.door
            .read(op, async |r| {
                let since = DbInstant::new(r.now() - LIST_RESOLVED_FOR);
                Ok(r.list_outage_reports(since)
                    .await?
                    .into_iter()
                    .filter(|o| sees(ctx.principal, o))
                    .map(OutageView::from)
                    .collect())
            })
            .await
    }

    /// Reports an outage; it is routed by the hour (IT in office hours, else the nurse on
    /// duty). Returns the report.
    pub async fn report_outage(
        &self,
        ctx: &Ctx<'_>,
        input: OutageInput,
    ) -> ServiceResult<OutageView> {
        let op = ctx.op(AuditAction::OutageReported, OPERATIONS);
        let hours = self.config.operations.office_hours.clone();
        let view = self
            .door
            .change(op, async |w| {
                let what = line("what", &input.what, 300)?;
                let now = w.now();
                let route = hours.route(now, &crate::registry::stockholm());
                let r = OutageReportRecord {
                    id: OutageReportId::new(),
                    what,
                    reported_by: ctx.principal.user_id,
                    reporter_name: ctx.principal.display_name.clone(),
                    organisation_id: ctx.principal.organisation_id,
                    reported_at: now,
                    route,
                    status: OutageStatus::Open,
                    resolved_by: None,
                    resolved_at: None,
                    resolution: None,
                };
                w.insert_outage_report(&r).await?;
                w.succeeded(None, |e| {
                    e.subject("outage_report", r.id)
                        .details(serde_json::json!({ "route": route.code() }).to_string())
                });
                Ok(OutageView::from(r))
            })
            .await?;
        self.banners_changed();
        Ok(view)
    }

    /// Marks an open report resolved, with what was done (the municipality).
    pub async fn resolve_outage(
        &self,
        ctx: &Ctx<'_>,
        id: OutageReportId,
        resolution: &str,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::OutageResolved, OPERATIONS);
        self.door
            .change(op, async |w| {
                let grant = w.any_grant(
                    Permission::OutageManage,
                    OperationsReason::MayNotManageOutages,
                )?;
                let resolution = text("resolution", resolution, 1000)?;
                let r = w
                    .get_outage_report(id)
                    .await?
                    .ok_or(Fault::not_found("outage report"))?;
                if r.status != OutageStatus::Open {
                    return Err(Fault::conflict(OperationsReason::OutageResolved));
                }
                let now = DbInstant::new(w.now());
                if !w
                    .resolve_outage_report(id, ctx.principal.user_id, now, &resolution)
                    .await?
                {
                    return Err(Fault::conflict(OperationsReason::OutageResolved));
                }
                w.succeeded(Some(&grant), |e| e.subject("outage_report", id));
                Ok(())
            })
            .await?;
        self.banners_changed();
        Ok(())
    }
}
