//! The banners every page shows: a planned downtime from its notice until it is over, to the
//! users of the organisations it concerns (the municipality's users see every one), and each
//! open outage report, to everyone. Pages are rendered often, so the current notices and
//! reports are kept in memory and read again at most once a minute, or at once after a change
//! made in this process; choosing a user's banners is then a filter over a few rows.

use std::sync::{Arc, Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};
use vaka_domain::access::Principal;
use vaka_domain::audit::AuditAction;
use vaka_domain::ids::{DowntimeNoticeId, OutageReportId};
use vaka_domain::operations::downtime::{NoticePhase, phase};
use vaka_domain::operations::outage::{OutageRoute, OutageStatus};
use vaka_store::DbInstant;
use vaka_store::operations::{DowntimeNoticeRecord, OutageReportRecord};

use super::OPERATIONS;
use super::notices::{concerns, is_municipal};
use crate::door::Op;
use crate::{ServiceResult, Services};

/// How long the kept notices and reports are trusted (a change in another process shows
/// within this).
const FRESH_FOR: SignedDuration = SignedDuration::from_secs(60);

/// What a banner says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    /// A planned downtime ahead or on now.
    Downtime {
        id: DowntimeNoticeId,
        title: String,
        starts_at: Timestamp,
        ends_at: Timestamp,
        ongoing: bool,
    },
    /// An unplanned outage reported and not yet resolved.
    Outage {
        id: OutageReportId,
        what: String,
        reported_at: Timestamp,
        route: OutageRoute,
    },
}

/// What is kept: the notices not over (cancelled ones left out) and the open reports.
#[derive(Debug, Default)]
struct Current {
    notices: Vec<DowntimeNoticeRecord>,
    outages: Vec<OutageReportRecord>,
}

/// The kept banners' sources, with when they were read. Each change bumps a generation, so a
/// read that began before a change never keeps what it read once the change has cleared it.
#[derive(Debug, Default)]
pub(crate) struct BannerCache {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    generation: u64,
    current: Option<(Timestamp, Arc<Current>)>,
}

impl BannerCache {
    /// What is kept when it is fresh at `now`; else the generation a read must keep its result
    /// under.
    fn get(&self, now: Timestamp) -> Result<Arc<Current>, u64> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.current
            .as_ref()
            .filter(|(at, _)| now >= *at && now.duration_since(*at) < FRESH_FOR)
            .map(|(_, c)| c.clone())
            .ok_or(kept.generation)
    }

    fn put(&self, generation: u64, at: Timestamp, c: Arc<Current>) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.generation == generation {
            kept.current = Some((at, c));
        }
    }

    pub(crate) fn clear(&self) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.generation = kept.generation.wrapping_add(1);
        kept.current = None;
    }
}

impl Services {
    /// Forgets the kept banners (after a notice or a report changed).
    pub(crate) fn banners_changed(&self) {
        self.changed_here(crate::cluster::Change::Banners);
    }

    /// The banners for `p` now: planned downtime that concerns their organisation (every one
    /// for the municipality's users) from publication until it is over, and open outages.
    /// Reads the database at most once a minute.
    pub async fn banners(&self, p: &Principal) -> ServiceResult<Vec<Banner>> {
        let now = self.now();
        let current = match self.banners.get(now) {
            Ok(c) => c,
            Err(generation) => {
                let op = Op::system(AuditAction::DowntimeNoticePublished, OPERATIONS);
                let c = self
                    .door
                    .read(op, async |r| {
                        let notices = r
                            .list_downtime_notices(DbInstant::new(now))
                            .await?
                            .into_iter()
                            .filter(|n| n.cancelled_at.is_none())
                            .collect();
                        let outages = r
                            .list_outage_reports(DbInstant::new(now))
                            .await?
                            .into_iter()
                            .filter(|o| o.status == OutageStatus::Open)
                            .collect();
                        Ok(Current { notices, outages })
                    })
                    .await?;
                let c = Arc::new(c);
                self.banners.put(generation, now, c.clone());
                c
            }
        };
        let everything = is_municipal(p);
        let mut out: Vec<Banner> = current
            .outages
            .iter()
            .map(|o| Banner::Outage {
                id: o.id,
                what: o.what.clone(),
                reported_at: o.reported_at,
                route: o.route,
            })
            .collect();
        out.extend(
            current
                .notices
                .iter()
                .filter(|n| everything || concerns(n, p.organisation_id))
                .filter_map(|n| match phase(n.starts_at, n.ends_at, now) {
                    NoticePhase::Past => None,
                    ph => Some(Banner::Downtime {
                        id: n.id,
                        title: n.title.clone(),
                        starts_at: n.starts_at,
                        ends_at: n.ends_at,
                        ongoing: ph == NoticePhase::Ongoing,
                    }),
                }),
        );
        Ok(out)
    }
}
