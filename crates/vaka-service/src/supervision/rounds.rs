//! Planning a night: every client's plan, decision, consent and pauses become that night's
//! supervision tasks, stored once (planning again adds only what is new).

use jiff::civil::Date;
use serde::Serialize;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::consent::Refusal;
use vaka_domain::rounds::{NoRound, WindowRule, gate, place_times};
use vaka_domain::supervision::SupervisionTask;
use vaka_store::values::to_db_precision;

use super::SUPERVISION;
use crate::door::{Op, Work};
use crate::registry::stockholm;
use crate::{ServiceResult, Services};

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
                let rounds = w.list_night_rounds(night).await?;
                let read = started.elapsed();
                for r in rounds {
                    report.clients += 1;
                    let planned = gate(r.has_decision, r.has_consent, r.paused).and_then(|()| {
                        place_times(r.plan.client_id, night, &r.plan, WindowRule::default(), &tz)
                    });
                    match planned {
                        Ok(planned) => {
                            tasks.extend(planned.iter().map(|p| SupervisionTask::planned(p, now)));
                        }
                        Err(NoRound::Refused(Refusal::NoValidDecision)) => report.no_decision += 1,
                        Err(NoRound::Refused(Refusal::NoValidConsent)) => report.no_consent += 1,
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

    /// The tasks of a night (for the scheduler and the tests; the operator's view comes with
    /// the console).
    pub async fn night_tasks(&self, night: Date) -> ServiceResult<Vec<SupervisionTask>> {
        let op = Op::system(AuditAction::NightPlanned, SUPERVISION);
        self.door
            .read(op, async |r| Ok(r.list_night_tasks(night).await?))
            .await
    }
}
