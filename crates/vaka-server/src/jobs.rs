//! The night supervision jobs, run by the job lease's holder only (one node of a cluster; the
//! only node otherwise): the scheduler moves the night's tasks every few seconds (with the
//! camera gateway's knowledge of who is online, on any node); tonight and the next night are
//! planned every ten minutes (planning again only adds what is new); the log reviews are made
//! hourly and the purge runs daily.
//!
//! [`NightJobs::round`] is one pass; `serve` runs one every [`NightJobs::EVERY`], and the cluster
//! tests run them on their own clock across holders that die.

use std::sync::Arc;
use std::time::{Duration, Instant};

use vaka_domain::ids::DeviceId;
use vaka_service::Services;
use vaka_service::supervision::scheduler::Advanced;

/// Whether a camera is connected now, to this node or, in a cluster, to another (the camera
/// gateway's `is_online`).
pub type Online = Arc<dyn Fn(DeviceId) -> bool + Send + Sync>;

/// The jobs' state on one node.
pub struct NightJobs {
    services: Services,
    online: Online,
    /// After a start (or restart), and after taking the jobs over from another node, cameras
    /// need a heartbeat or two to reconnect (and be reported); for this long none is judged
    /// unreachable, or a restart would send staff to every home.
    grace: Duration,
    purge_at_start: bool,
    /// Since when this node runs the jobs, and when each periodic job last ran; `None` while
    /// another node holds the lease.
    held: Option<Held>,
}

struct Held {
    since: Instant,
    planned: Instant,
    reviewed: Instant,
    purged: Option<Instant>,
}

const PLAN_EVERY: Duration = Duration::from_mins(10);
const REVIEW_EVERY: Duration = Duration::from_hours(1);
const PURGE_EVERY: Duration = Duration::from_hours(24);

impl NightJobs {
    /// How often `serve` runs a round. Short, so that a task moves within seconds of its time
    /// and a node that takes the lease over goes on at once (the lease is tried every 5 s).
    pub const EVERY: Duration = Duration::from_secs(5);

    /// The daily purge runs at the first round too unless `purge_at_start` is false (the demo's).
    pub fn new(services: Services, online: Online, grace: Duration, purge_at_start: bool) -> Self {
        Self {
            services,
            online,
            grace,
            purge_at_start,
            held: None,
        }
    }

    /// One round: nothing unless this node holds the job lease. A node that takes the jobs over
    /// (or starts) plans the nights at once, and gives the cameras a grace period before any is
    /// judged unreachable. `None` when the tasks were not moved (not the holder, or it failed:
    /// logged, and the next round tries again).
    pub async fn round(&mut self) -> Option<Advanced> {
        if !self.services.node().holds_lease() {
            if self.held.take().is_some() {
                tracing::info!("another node runs the night's jobs now");
            }
            return None;
        }
        let now = Instant::now();
        let first = self.held.is_none();
        let held = self.held.get_or_insert_with(|| {
            tracing::info!("this node runs the night's jobs now");
            Held {
                since: now,
                planned: now,
                reviewed: now,
                purged: None,
            }
        });
        let plan = first || now.duration_since(held.planned) >= PLAN_EVERY;
        if plan {
            held.planned = now;
        }
        // Once a day (and at start): purge every kind of record past its retention, in a task
        // of its own (a large purge takes minutes; the night's rounds go on).
        let purge_due = match held.purged {
            None => first && self.purge_at_start || now.duration_since(held.since) >= PURGE_EVERY,
            Some(at) => now.duration_since(at) >= PURGE_EVERY,
        };
        if purge_due {
            held.purged = Some(now);
            let services = self.services.clone();
            tokio::spawn(async move {
                match services.purge().await {
                    Ok(p) => tracing::info!(
                        run = %p.run,
                        removed = p.kinds.iter().map(vaka_service::retention::purge::KindReport::total).sum::<u64>(),
                        "purge ran"
                    ),
                    Err(e) => tracing::warn!(error = %e, "the purge failed"),
                }
            });
        }
        // Every hour (and at start): last month's log reviews made once the month is over,
        // overdue ones escalated. Both are idempotent; a unit's month is read on a read
        // connection, so the night's rounds are not held up.
        if first || now.duration_since(held.reviewed) >= REVIEW_EVERY {
            held.reviewed = now;
            let services = self.services.clone();
            tokio::spawn(async move {
                match services.log_review_job().await {
                    Ok(r) if r.created + r.escalated > 0 => tracing::info!(
                        created = r.created,
                        escalated = r.escalated,
                        "log reviews made or escalated"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "the log review job failed"),
                }
            });
        }
        let (since, grace, online) = (held.since, self.grace, self.online.clone());
        if plan {
            self.plan_nights().await;
        }
        let online = move |d| since.elapsed() < grace || online(d);
        match self.services.advance_tasks(&online).await {
            Ok(r) => {
                if r.moved > 0 {
                    tracing::info!(moved = r.moved, dispatches = r.dispatches, "tasks moved");
                }
                Some(r)
            }
            Err(e) => {
                tracing::warn!(error = %e, "moving the night's tasks failed");
                None
            }
        }
    }

    async fn plan_nights(&self) {
        let tonight = vaka_domain::rounds::night_of(
            self.services.now(),
            &vaka_service::registry::stockholm(),
        );
        for night in [Some(tonight), tonight.tomorrow().ok()]
            .into_iter()
            .flatten()
        {
            match self.services.plan_night(night).await {
                Ok(r) => tracing::info!(%night, tasks = r.tasks, added = r.added, "night planned"),
                Err(e) => tracing::warn!(%night, error = %e, "planning the night failed"),
            }
        }
    }
}
