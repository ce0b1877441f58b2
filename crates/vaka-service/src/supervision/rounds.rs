//! Planning a night: every client's plan, decision, consent and pauses become that night's
//! supervision tasks, stored once (planning again adds only what is new).

use jiff::civil::Date;
use serde::Serialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::consent::Refusal;
use vaka_domain::rounds::{BusinessArea, NoRound, gate, place_times};
use vaka_domain::supervision::SupervisionTask;
use vaka_store::SupervisionLapse;
use vaka_store::values::to_db_precision;

use super::SUPERVISION;
use crate::door::{Op, Work};
use crate::registry::stockholm;
use crate::{Ctx, ServiceResult, Services};

/// What planning a night did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NightPlanned {
    /// Clients with a supervision plan.
    pub clients: u64,
    /// Tasks the night has (new and already planned).
    pub tasks: u64,
    /// Tasks added by this run.
    pub added: u64,
    pub no_decision: u64,
    pub no_consent: u64,
    pub paused: u64,
    pub no_times: u64,
    /// Times whose window had already closed when the night was first planned (the server was
    /// down, or the plan was just made): never planned, so they cannot count as missed.
    pub past: u64,
    /// Clients with a plan whose supervision lapsed this night (no decision or consent in
    /// force), newly found by this run: their unit managers are told
    /// ([`Services::supervision_lapses`]).
    pub lapsed: u64,
}

/// A client left without supervision on a night, as their unit manager is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LapseAlert {
    pub client_id: vaka_domain::ids::ClientId,
    pub client_name: String,
    pub night: Date,
    /// Why: the decision or the consent had lapsed.
    pub cause: Refusal,
}

impl Services {
    /// Plans the night that starts on the evening of `night`: a job of the server, audited as
    /// one entry with the counts (it reads decisions and consents of every supervised client).
    pub async fn plan_night(&self, night: Date) -> ServiceResult<NightPlanned> {
        let tz = stockholm();
        let started = std::time::Instant::now();
        let op = Op::system(AuditAction::NightPlanned, SUPERVISION);
        let (report, timings) = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let mut report = NightPlanned::default();
                let mut tasks = Vec::new();
                let mut lapses = Vec::new();
                let rounds = w.list_night_rounds(night).await?;
                let read = started.elapsed();
                for r in rounds {
                    report.clients += 1;
                    let planned = gate(r.has_decision, r.has_consent, r.paused).and_then(|()| {
                        let area = BusinessArea::of(r.area_type, r.lss);
                        let window = self.config.look_in_windows.for_area(area);
                        place_times(r.plan.client_id, night, &r.plan, window, &tz)
                    });
                    match planned {
                        Ok(planned) => {
                            tasks.extend(planned.iter().map(|p| SupervisionTask::planned(p, now)));
                        }
                        Err(NoRound::Refused(why)) => {
                            match why {
                                Refusal::NoValidDecision => report.no_decision += 1,
                                Refusal::NoValidConsent => report.no_consent += 1,
                            }
                            lapses.push(SupervisionLapse {
                                client_id: r.plan.client_id,
                                night,
                                cause: why,
                                detected_at: now,
                            });
                        }
                        Err(NoRound::Paused) => report.paused += 1,
                        Err(NoRound::NoTimes) => report.no_times += 1,
                    }
                }
                let before = tasks.len();
                tasks.retain(|t| t.closes > now);
                report.past = (before - tasks.len()) as u64;
                report.tasks = tasks.len() as u64;
                let placed = started.elapsed();
                report.added = w.insert_tasks(&tasks).await?;
                report.lapsed = w.insert_supervision_lapses(&lapses).await?;
                let inserted = started.elapsed();
                let mut entry = w.entry(Outcome::Success, None).subject("night", night);
                entry.details = serde_json::to_string(&report).ok();
                w.record(entry);
                Ok((report, (read, placed, inserted)))
            })
            .await?;
        let (read, placed, inserted) = timings;
        tracing::debug!(
            %night,
            read_ms = read.as_millis(),
            placed_ms = placed.saturating_sub(read).as_millis(),
            insert_ms = inserted.saturating_sub(placed).as_millis(),
            commit_ms = started.elapsed().saturating_sub(inserted).as_millis(),
            "night planned"
        );
        Ok(report)
    }

    /// The clients of the caller's units whose supervision lapsed tonight or tomorrow night
    /// (the first night of each lapse): the unit manager's alert that a decision or consent
    /// ran out and the camera stays dark. Empty for roles that do not manage plans; each client
    /// named is audited.
    pub async fn supervision_lapses(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<LapseAlert>> {
        if !ctx.principal.has_permission(Permission::PlanManage) {
            return Ok(Vec::new());
        }
        let today = self.today();
        let op = ctx.op(AuditAction::DispatchesListed, SUPERVISION);
        self.door
            .read(op, async |r| {
                let lapses = r
                    .list_supervision_lapses(today, today.tomorrow().unwrap_or(today))
                    .await?;
                let ids: Vec<_> = lapses.iter().map(|l| l.client_id).collect();
                let clients = r.get_client_summaries(&ids).await?;
                let mut out = Vec::new();
                for l in lapses {
                    let Some(c) = clients.iter().find(|c| c.id == l.client_id) else {
                        continue;
                    };
                    let Some(g) = ctx.principal.client_grant_for(
                        Permission::PlanManage,
                        c.provider_id,
                        c.unit_id,
                    ) else {
                        continue;
                    };
                    let e = r
                        .summary_entry(Outcome::Success, Some(g), c)
                        .details(serde_json::json!({ "lapse": l.night.to_string() }).to_string());
                    r.record(e);
                    out.push(LapseAlert {
                        client_id: c.id,
                        client_name: c.name.clone(),
                        night: l.night,
                        cause: l.cause,
                    });
                }
                Ok(out)
            })
            .await
    }

    /// The tasks of a night (for the scheduler and the tests; the operator's view comes with
    /// the console).
    pub async fn night_tasks(&self, night: Date) -> ServiceResult<Vec<SupervisionTask>> {
        let op = Op::system(AuditAction::NightPlanned, SUPERVISION);
        self.door
            .read(op, async |r| Ok(r.list_night_tasks(night).await?))
            .await
    }
}
