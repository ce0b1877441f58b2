//! Safety-alarm statistics per unit and month (by the Stockholm month of receipt): alarms per
//! type, SLA attainment of the two clocks, technical alarms raised, still open and their time
//! to fix. Test alarms and unknown devices are not counted. Pure: the caller gathers the facts.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::alarm::{AlarmKind, AlarmRecord, AlarmTargets};
use crate::ids::UnitId;

/// One alarm with the unit it counts for.
#[derive(Debug, Clone)]
pub struct AlarmFacts<'a> {
    pub alarm: &'a AlarmRecord,
    pub unit: Option<UnitId>,
}

/// The figures of one unit in one month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AlarmMonth {
    pub unit: Option<UnitId>,
    pub year: i16,
    pub month: i8,
    pub personal: u32,
    pub fall: u32,
    pub sensor: u32,
    pub technical: u32,
    /// Alarms with a measured time to contact, and those within the target.
    pub contact_measured: u32,
    pub contact_met: u32,
    /// Alarms with a measured time to arrival, and those within the target.
    pub arrival_measured: u32,
    pub arrival_met: u32,
    /// Median seconds to contact and to arrival, where measured.
    pub contact_median_s: Option<i64>,
    pub arrival_median_s: Option<i64>,
    /// Technical alarms still open (not closed and not restored) at the time of the report.
    pub technical_open: u32,
    /// Technical alarms fixed (closed or restored), and the median time to fix.
    pub technical_fixed: u32,
    pub fix_median_s: Option<i64>,
}

impl AlarmMonth {
    /// Alarms where a person may be in danger (the SLA clocks apply).
    pub fn people(&self) -> u32 {
        self.personal + self.fall + self.sensor
    }

    /// Per cent of measured contacts within target.
    pub fn contact_pct(&self) -> Option<u32> {
        pct(self.contact_met, self.contact_measured)
    }

    pub fn arrival_pct(&self) -> Option<u32> {
        pct(self.arrival_met, self.arrival_measured)
    }
}

fn pct(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| {
        let pct = (u64::from(part) * 100 + u64::from(whole) / 2) / u64::from(whole);
        u32::try_from(pct).unwrap_or(u32::MAX)
    })
}

fn median(mut v: Vec<i64>) -> Option<i64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    Some(v[v.len() / 2])
}

/// Sums the facts per unit and month, in unit then month order.
pub fn summarise_alarms(
    facts: &[AlarmFacts<'_>],
    targets: &AlarmTargets,
    tz: &TimeZone,
) -> Vec<AlarmMonth> {
    /// A month being summed, with the durations its medians come from.
    #[derive(Default)]
    struct Acc {
        m: AlarmMonth,
        contacts: Vec<i64>,
        arrivals: Vec<i64>,
        fixes: Vec<i64>,
    }
    let mut by: BTreeMap<(Option<UnitId>, i16, i8), Acc> = BTreeMap::new();
    for f in facts {
        let a = &f.alarm.alarm;
        if !a.kind.counts_in_statistics() {
            continue;
        }
        let local = a.received_at.to_zoned(tz.clone());
        let key = (f.unit, local.year(), local.month());
        let Acc {
            m,
            contacts,
            arrivals,
            fixes,
        } = by.entry(key).or_insert_with(|| Acc {
            m: AlarmMonth {
                unit: f.unit,
                year: key.1,
                month: key.2,
                ..AlarmMonth::default()
            },
            ..Acc::default()
        });
        match a.kind {
            AlarmKind::Personal => m.personal += 1,
            AlarmKind::Fall => m.fall += 1,
            AlarmKind::Sensor => m.sensor += 1,
            AlarmKind::Technical => m.technical += 1,
            AlarmKind::Test | AlarmKind::UnknownDevice => {}
        }
        if a.kind == AlarmKind::Technical {
            match ended_at(f.alarm) {
                Some(t) => {
                    m.technical_fixed += 1;
                    fixes.push(t.duration_since(a.received_at).as_secs());
                }
                None => m.technical_open += 1,
            }
            continue;
        }
        let sla = a.sla(targets);
        if let Some(d) = sla.to_contact {
            m.contact_measured += 1;
            m.contact_met += u32::from(sla.contact_met() == Some(true));
            contacts.push(d.as_secs());
        }
        if let Some(d) = sla.to_arrival {
            m.arrival_measured += 1;
            m.arrival_met += u32::from(sla.arrival_met() == Some(true));
            arrivals.push(d.as_secs());
        }
    }
    by.into_values()
        .map(|mut acc| {
            acc.m.contact_median_s = median(acc.contacts);
            acc.m.arrival_median_s = median(acc.arrivals);
            acc.m.fix_median_s = median(acc.fixes);
            acc.m
        })
        .collect()
}

/// When an alarm was fixed or closed, whichever came first (a restore fixes a technical alarm).
pub fn ended_at(a: &AlarmRecord) -> Option<Timestamp> {
    match (a.alarm.closed_at, a.restored_at) {
        (Some(c), Some(r)) => Some(c.min(r)),
        (c, r) => c.or(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alarm::{AlarmEvent, AlarmRecord};
    use crate::client::AreaType;
    use crate::ids::UserId;
    use jiff::SignedDuration;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    /// An alarm received at `at`, contacted after `contact` s and arrived after `arrive` s.
    fn handled(
        kind: AlarmKind,
        at: &str,
        contact: Option<i64>,
        arrive: Option<i64>,
    ) -> AlarmRecord {
        let t = AlarmTargets::default();
        let at = ts(at);
        let mut r = AlarmRecord::new(kind, AreaType::Town, "x", "x", at);
        let op = UserId::new();
        let mut a = r
            .alarm
            .apply(AlarmEvent::Take { by: op, at }, &t)
            .unwrap()
            .0;
        if let Some(c) = contact {
            let when = at + SignedDuration::from_secs(c);
            a = a
                .apply(AlarmEvent::Contact { by: op, at: when }, &t)
                .unwrap()
                .0;
        }
        if let Some(s) = arrive {
            let when = at + SignedDuration::from_secs(s);
            a = a.apply(AlarmEvent::Dispatch { by: op, at }, &t).unwrap().0;
            a = a
                .apply(AlarmEvent::Acknowledge { by: op, at }, &t)
                .unwrap()
                .0;
            a = a
                .apply(AlarmEvent::Arrive { by: op, at: when }, &t)
                .unwrap()
                .0;
        }
        r.alarm = a;
        r
    }

    #[test]
    fn counts_per_type_and_measures_both_clocks_without_tests() {
        let unit = Some(UnitId::new());
        let alarms = [
            // Within both targets (3 min, 45 min in town).
            handled(
                AlarmKind::Personal,
                "2026-11-10T10:00:00Z",
                Some(60),
                Some(1200),
            ),
            // Contact late, arrival on time.
            handled(
                AlarmKind::Fall,
                "2026-11-11T10:00:00Z",
                Some(240),
                Some(2000),
            ),
            // Handled by phone: contact only.
            handled(AlarmKind::Personal, "2026-11-12T10:00:00Z", Some(100), None),
            // Tests and unknown devices are not counted.
            handled(AlarmKind::Test, "2026-11-12T11:00:00Z", Some(10), None),
            AlarmRecord::new(
                AlarmKind::UnknownDevice,
                AreaType::Town,
                "unknown_device",
                "",
                ts("2026-11-12T12:00:00Z"),
            ),
        ];
        let facts: Vec<_> = alarms
            .iter()
            .map(|a| AlarmFacts { alarm: a, unit })
            .collect();
        let rows = summarise_alarms(&facts, &AlarmTargets::default(), &tz());
        assert_eq!(rows.len(), 1);
        let m = &rows[0];
        assert_eq!((m.year, m.month), (2026, 11));
        assert_eq!((m.personal, m.fall, m.sensor, m.technical), (2, 1, 0, 0));
        assert_eq!(m.people(), 3);
        assert_eq!((m.contact_measured, m.contact_met), (3, 2));
        assert_eq!((m.arrival_measured, m.arrival_met), (2, 2));
        assert_eq!(m.contact_pct(), Some(67));
        assert_eq!(m.arrival_pct(), Some(100));
        assert_eq!(m.contact_median_s, Some(100));
        assert_eq!(m.arrival_median_s, Some(2000));
    }

    #[test]
    fn technical_alarms_open_and_fixed_by_restore_or_close() {
        let unit = None;
        let mut open = AlarmRecord::new(
            AlarmKind::Technical,
            AreaType::Town,
            "low_battery",
            "YT",
            ts("2026-11-30T22:30:00Z"),
        );
        open.restored_at = None;
        let mut restored = open.clone();
        restored.restored_at = Some(ts("2026-11-30T23:30:00Z"));
        let mut closed = open.clone();
        closed.alarm.closed_at = Some(ts("2026-11-30T22:40:00Z"));
        closed.restored_at = Some(ts("2026-11-30T23:40:00Z"));
        let facts: Vec<_> = [&open, &restored, &closed]
            .into_iter()
            .map(|a| AlarmFacts { alarm: a, unit })
            .collect();
        let rows = summarise_alarms(&facts, &AlarmTargets::default(), &tz());
        // 22:30Z on 30 November is 23:30 local: still November.
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].year, rows[0].month), (2026, 11));
        let m = &rows[0];
        assert_eq!(
            (m.technical, m.technical_open, m.technical_fixed),
            (3, 1, 2)
        );
        // Fixed after 60 min (restore) and 10 min (closed before the restore): median of two
        // is the upper one.
        assert_eq!(m.fix_median_s, Some(3600));
        assert_eq!(m.contact_measured, 0, "technical alarms have no SLA clocks");
        assert_eq!(ended_at(&closed), Some(ts("2026-11-30T22:40:00Z")));
    }

    #[test]
    fn the_local_month_decides() {
        // 23:30Z on 30 November is 00:30 on 1 December in Stockholm.
        let a = handled(AlarmKind::Personal, "2026-11-30T23:30:00Z", None, None);
        let rows = summarise_alarms(
            &[AlarmFacts {
                alarm: &a,
                unit: None,
            }],
            &AlarmTargets::default(),
            &tz(),
        );
        assert_eq!((rows[0].year, rows[0].month), (2026, 12));
        assert_eq!(rows[0].contact_pct(), None);
    }
}
