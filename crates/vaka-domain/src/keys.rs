//! Digital keys: who may open a client's door, when, and for how long a capability lives.
//!
//! One rule decides both paths — an unlock sent to an online lock and a capability a lock checks
//! offline. A user may open a client's lock only when their reach covers the client (need-to-
//! know), their account is active, and one of three grounds holds at that moment:
//!
//! - **a visit of theirs to the client**: from its start until its end; a planned visit not yet
//!   started from [`VISIT_LEAD`] before its planned start to its planned end plus
//!   [`VISIT_MARGIN`];
//! - **a safety alarm of the client's dispatched to them** (sent to their link of the chain and
//!   not yet taken by another responder, or acknowledged by them) until it is closed;
//! - **a night-patrol shift covering the client's area**. There is no shift table: a patrol
//!   shift is the user holding the NightPatrol role for a unit that is the client's unit or
//!   covers it, during the night window (the alarm chain's night hours, 21:00–07:00
//!   Europe/Stockholm by default, DST-correct: the shift is 9 hours on the night clocks go
//!   forward and 11 on the night they go back).
//!
//! Everything else is refused with a typed [`KeyReason`]. The rule is pure: the service gathers
//! the grounds (visits, alarms, patrol coverage) for the user and client and asks
//! [`may_open`] at the instant of the request.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::alarm::NightHours;
use crate::client::KeyAccess;
use crate::ids::{AlarmId, ClientId, DeviceId, UserId};
use crate::reason::KeyReason;

/// How long before a planned visit's start its worker may open.
pub const VISIT_LEAD: SignedDuration = SignedDuration::from_mins(15);
/// How long after a planned visit's planned end (while it is not ended) its worker may open.
pub const VISIT_MARGIN: SignedDuration = SignedDuration::from_mins(30);
/// The longest an alarm's or an ad-hoc capability (and an online unlock's grant) lives.
pub const SHORT_CAPABILITY: SignedDuration = SignedDuration::from_mins(5);
/// How long a visit started without a plan (an extra visit) gives access while not ended.
pub const UNPLANNED_VISIT_LIMIT: SignedDuration = SignedDuration::from_hours(3);

/// One of the user's visits to the client, planned or registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitWindow {
    /// The registered visit, once started.
    pub visit_id: Option<Uuid>,
    /// The plan it comes from, if planned.
    pub plan_id: Option<Uuid>,
    /// The planned window (for an unplanned visit: its start, and the start plus
    /// [`UNPLANNED_VISIT_LIMIT`]).
    pub from: Timestamp,
    pub to: Timestamp,
    pub started_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
}

impl VisitWindow {
    /// The span in which the visit gives access (start inclusive, end exclusive), or `None`.
    pub fn access(&self) -> Option<(Timestamp, Timestamp)> {
        let planned_from = self.from.checked_sub(VISIT_LEAD).ok()?;
        let planned_to = self.to.checked_add(VISIT_MARGIN).ok()?;
        let from = match self.started_at {
            Some(s) => s.min(planned_from),
            None => planned_from,
        };
        let to = match (self.started_at, self.ended_at) {
            (_, Some(end)) => end,
            (Some(s), None) if self.plan_id.is_none() => {
                s.checked_add(UNPLANNED_VISIT_LIMIT).ok()?
            }
            _ => planned_to,
        };
        (from < to).then_some((from, to))
    }
}

/// A safety alarm of the client's while it is dispatched to the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlarmDispatchWindow {
    pub alarm_id: AlarmId,
    /// Dispatched at (the latest dispatch).
    pub from: Timestamp,
    /// Closed at, or no longer the user's (another responder acknowledged); `None` while open.
    pub until: Option<Timestamp>,
}

/// The user holds the NightPatrol role for a unit covering the client's unit; the shift is the
/// night window of the night the request falls in (see [`patrol_shift`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatrolShift {
    pub from: Timestamp,
    pub to: Timestamp,
}

/// What a user has to stand on at a client's door.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyGrounds {
    pub visits: Vec<VisitWindow>,
    pub alarms: Vec<AlarmDispatchWindow>,
    pub patrol: Option<PatrolShift>,
}

/// What the user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRequest {
    pub at: Timestamp,
    /// The user's need-to-know reach covers the client.
    pub reach_covers_client: bool,
    /// The account is active (not deactivated or locked out of everything).
    pub user_active: bool,
    /// The visit the user names, if any (then only that visit counts).
    pub visit_id: Option<Uuid>,
    /// The alarm the user names, if any (then only that alarm counts).
    pub alarm_id: Option<AlarmId>,
}

/// Which ground allowed the unlock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ground", rename_all = "snake_case")]
pub enum KeyGround {
    Visit {
        visit_id: Option<Uuid>,
        plan_id: Option<Uuid>,
    },
    Alarm {
        alarm_id: AlarmId,
    },
    NightPatrol,
}

impl KeyGround {
    /// The capability reason of this ground (`visit`, `alarm`, `adhoc`).
    pub fn reason_code(self) -> &'static str {
        match self {
            KeyGround::Visit { .. } => "visit",
            KeyGround::Alarm { .. } => "alarm",
            KeyGround::NightPatrol => "adhoc",
        }
    }
}

/// A granted unlock: the ground, and the window a capability for it may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyGrant {
    pub ground: KeyGround,
    pub not_before: Timestamp,
    pub expires: Timestamp,
}

/// Decides whether the request may open, at `req.at`. A named visit or alarm restricts the
/// grounds to it; otherwise a visit is preferred, then an alarm, then the patrol shift. The
/// grant's window is a short one ([`SHORT_CAPABILITY`], never past the ground's end), since an
/// unlock asked for now is used now; [`visit_capability`] gives a planned visit's longer one.
pub fn may_open(req: &KeyRequest, grounds: &KeyGrounds) -> Result<KeyGrant, KeyReason> {
    if !req.user_active {
        return Err(KeyReason::UserInactive);
    }
    if !req.reach_covers_client {
        return Err(KeyReason::OutsideReach);
    }
    let at = req.at;
    let inside = |(from, to): (Timestamp, Timestamp)| from <= at && at < to;
    let short = |end: Timestamp| -> Result<KeyGrant, KeyReason> {
        let expires = at
            .checked_add(SHORT_CAPABILITY)
            .map_err(|_| KeyReason::NoGround)?
            .min(end);
        Ok(KeyGrant {
            ground: KeyGround::NightPatrol,
            not_before: at,
            expires,
        })
    };
    if let Some(id) = req.alarm_id {
        let Some(a) = grounds.alarms.iter().find(|a| a.alarm_id == id) else {
            return Err(KeyReason::AlarmNotDispatchedToYou);
        };
        let end = a.until.unwrap_or(Timestamp::MAX);
        if !inside((a.from, end)) {
            return Err(KeyReason::AlarmNotDispatchedToYou);
        }
        return short(end).map(|g| KeyGrant {
            ground: KeyGround::Alarm { alarm_id: id },
            ..g
        });
    }
    let visits = grounds
        .visits
        .iter()
        .filter(|v| req.visit_id.is_none() || v.visit_id == req.visit_id);
    let mut named_seen = false;
    for v in visits {
        named_seen = true;
        if let Some(w) = v.access()
            && inside(w)
        {
            return short(w.1).map(|g| KeyGrant {
                ground: KeyGround::Visit {
                    visit_id: v.visit_id,
                    plan_id: v.plan_id,
                },
                ..g
            });
        }
    }
    if req.visit_id.is_some() {
        return Err(if named_seen {
            KeyReason::OutsideVisitWindow
        } else {
            KeyReason::NotYourVisit
        });
    }
    for a in &grounds.alarms {
        let end = a.until.unwrap_or(Timestamp::MAX);
        if inside((a.from, end)) {
            return short(end).map(|g| KeyGrant {
                ground: KeyGround::Alarm {
                    alarm_id: a.alarm_id,
                },
                ..g
            });
        }
    }
    if let Some(p) = grounds.patrol
        && inside((p.from, p.to))
    {
        return short(p.to);
    }
    Err(if grounds.visits.is_empty() {
        KeyReason::NoGround
    } else {
        KeyReason::OutsideVisitWindow
    })
}

/// The capability of a planned (or started) visit, issued when the shift starts: valid for the
/// visit's whole access window, or `None` when that window is over at `now` (or the user may not
/// open at all).
pub fn visit_capability(
    now: Timestamp,
    reach_covers_client: bool,
    user_active: bool,
    visit: &VisitWindow,
) -> Option<KeyGrant> {
    if !(reach_covers_client && user_active) {
        return None;
    }
    let (from, to) = visit.access()?;
    (now < to).then_some(KeyGrant {
        ground: KeyGround::Visit {
            visit_id: visit.visit_id,
            plan_id: visit.plan_id,
        },
        not_before: from,
        expires: to,
    })
}

/// The night-patrol shift the instant `at` falls in, if it falls in the night window: from the
/// window's start on the evening it began to its end the next morning, placed in `tz` (a start or
/// end inside a skipped hour moves forward; in a repeated hour it takes the first).
pub fn patrol_shift(at: Timestamp, night: &NightHours, tz: &TimeZone) -> Option<PatrolShift> {
    let local = at.to_zoned(tz.clone());
    if !night.contains(local.time()) {
        return None;
    }
    let crosses_midnight = night.starts > night.ends;
    // The evening the shift began: today when the window has not crossed midnight yet.
    let evening = if crosses_midnight && local.time() < night.ends {
        local.date().checked_sub(1.day()).ok()?
    } else {
        local.date()
    };
    let morning = if crosses_midnight {
        evening.checked_add(1.day()).ok()?
    } else {
        evening
    };
    let place = |d: jiff::civil::Date, t: jiff::civil::Time| {
        tz.to_ambiguous_timestamp(d.to_datetime(t))
            .compatible()
            .ok()
    };
    Some(PatrolShift {
        from: place(evening, night.starts)?,
        to: place(morning, night.ends)?,
    })
}

/// Whether a private provider's client lacks the physical reserve key the municipality requires
/// of every private provider (seed 003: "Privata utförare ska alltid inneha en fysisk nyckel
/// till varje brukare").
pub fn lacks_reserve_key(private_provider: bool, key_access: &[KeyAccess]) -> bool {
    private_provider && !key_access.contains(&KeyAccess::ReserveKey)
}

/// What a lock reported (the lock protocol's event kinds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum LockEventKind {
    Unlocked,
    Locked,
    Refused,
    BatteryLow,
    Jammed,
    Tamper,
}

crate::impl_codes!(LockEventKind);

/// One event of a lock, on the client's trail (and on its alarm or visit when the unlock was
/// for one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEvent {
    pub id: Uuid,
    pub lock_id: DeviceId,
    /// The client the lock was fitted at when the event came.
    pub client_id: Option<ClientId>,
    pub kind: LockEventKind,
    /// Who opened (from the unlock command or capability the event names).
    pub user_id: Option<UserId>,
    pub visit_id: Option<Uuid>,
    pub alarm_id: Option<AlarmId>,
    /// The grant (unlock command or capability) the event answers.
    pub grant_id: Option<Uuid>,
    /// For a refusal: the lock's reason code (e.g. `capability:expired`).
    pub detail: Option<String>,
    /// When, by the lock's clock.
    pub at: Timestamp,
    /// When the server received it.
    pub received_at: Timestamp,
}

/// How a grant reaches the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum GrantKind {
    /// An unlock command sent to an online lock.
    Unlock,
    /// A signed capability handed to the user's phone.
    Capability,
}

crate::impl_codes!(GrantKind);

/// An unlock command sent or a capability issued: kept for the trail, to attribute the lock's
/// events, and to revoke outstanding capabilities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockGrant {
    pub id: Uuid,
    pub kind: GrantKind,
    /// The capability's nonce (32 hex digits).
    pub nonce: Option<String>,
    pub lock_id: DeviceId,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub ground: KeyGround,
    pub not_before: Timestamp,
    pub expires: Timestamp,
    pub issued_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl LockGrant {
    /// The visit and alarm of the ground, as stored.
    pub fn visit_id(&self) -> Option<Uuid> {
        match self.ground {
            KeyGround::Visit { visit_id, .. } => visit_id,
            _ => None,
        }
    }

    pub fn plan_id(&self) -> Option<Uuid> {
        match self.ground {
            KeyGround::Visit { plan_id, .. } => plan_id,
            _ => None,
        }
    }

    pub fn alarm_id(&self) -> Option<AlarmId> {
        match self.ground {
            KeyGround::Alarm { alarm_id } => Some(alarm_id),
            _ => None,
        }
    }

    /// Rebuilds the ground from its stored parts.
    pub fn ground_from_parts(
        code: &str,
        visit_id: Option<Uuid>,
        plan_id: Option<Uuid>,
        alarm_id: Option<AlarmId>,
    ) -> Option<KeyGround> {
        match code {
            "visit" => Some(KeyGround::Visit { visit_id, plan_id }),
            "alarm" => alarm_id.map(|alarm_id| KeyGround::Alarm { alarm_id }),
            "adhoc" => Some(KeyGround::NightPatrol),
            _ => None,
        }
    }

    /// Outstanding at `at`: not revoked and not expired.
    pub fn outstanding(&self, at: Timestamp) -> bool {
        self.revoked_at.is_none() && at < self.expires
    }
}

/// The ways staff get into a client's home, as a set (`KeyAccess::None` is the empty set).
pub fn key_access_set(kinds: &[KeyAccess]) -> Vec<KeyAccess> {
    let mut v: Vec<KeyAccess> = kinds
        .iter()
        .copied()
        .filter(|k| *k != KeyAccess::None)
        .collect();
    v.sort_by_key(|k| k.code());
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").expect("tz")
    }

    fn req(at: &str) -> KeyRequest {
        KeyRequest {
            at: ts(at),
            reach_covers_client: true,
            user_active: true,
            visit_id: None,
            alarm_id: None,
        }
    }

    fn planned(from: &str, to: &str) -> VisitWindow {
        VisitWindow {
            visit_id: None,
            plan_id: Some(Uuid::from_u128(1)),
            from: ts(from),
            to: ts(to),
            started_at: None,
            ended_at: None,
        }
    }

    fn grounds(visits: Vec<VisitWindow>) -> KeyGrounds {
        KeyGrounds {
            visits,
            ..KeyGrounds::default()
        }
    }

    #[test]
    fn a_planned_visit_opens_from_15_minutes_before_to_its_end_plus_margin() {
        let g = grounds(vec![planned(
            "2026-12-03T08:00:00Z",
            "2026-12-03T08:45:00Z",
        )]);
        assert_eq!(
            may_open(&req("2026-12-03T07:44:59Z"), &g),
            Err(KeyReason::OutsideVisitWindow)
        );
        let ok = may_open(&req("2026-12-03T07:45:00Z"), &g).expect("15 minutes before");
        assert_eq!(ok.expires, ts("2026-12-03T07:50:00Z"), "a short grant");
        assert!(may_open(&req("2026-12-03T09:14:59Z"), &g).is_ok());
        let last = may_open(&req("2026-12-03T09:13:00Z"), &g).expect("within the margin");
        assert_eq!(
            last.expires,
            ts("2026-12-03T09:15:00Z"),
            "never past the window"
        );
        assert_eq!(
            may_open(&req("2026-12-03T09:15:00Z"), &g),
            Err(KeyReason::OutsideVisitWindow)
        );
        // An hour after the visit: refused.
        assert!(may_open(&req("2026-12-03T09:45:00Z"), &g).is_err());
    }

    #[test]
    fn a_started_visit_opens_until_it_ends() {
        let mut v = planned("2026-12-03T08:00:00Z", "2026-12-03T08:45:00Z");
        v.visit_id = Some(Uuid::from_u128(9));
        v.started_at = Some(ts("2026-12-03T07:30:00Z"));
        let g = grounds(vec![v]);
        assert!(
            may_open(&req("2026-12-03T07:35:00Z"), &g).is_ok(),
            "started early"
        );
        v.ended_at = Some(ts("2026-12-03T08:20:00Z"));
        let g = grounds(vec![v]);
        assert!(may_open(&req("2026-12-03T08:19:00Z"), &g).is_ok());
        assert_eq!(
            may_open(&req("2026-12-03T08:20:00Z"), &g),
            Err(KeyReason::OutsideVisitWindow),
            "ended: no more access, though within the planned window"
        );
        // An extra visit without a plan, not ended: limited.
        let extra = VisitWindow {
            visit_id: Some(Uuid::from_u128(5)),
            plan_id: None,
            from: ts("2026-12-03T12:00:00Z"),
            to: ts("2026-12-03T15:00:00Z"),
            started_at: Some(ts("2026-12-03T12:00:00Z")),
            ended_at: None,
        };
        let g = grounds(vec![extra]);
        assert!(may_open(&req("2026-12-03T14:59:00Z"), &g).is_ok());
        assert!(may_open(&req("2026-12-03T15:00:00Z"), &g).is_err());
    }

    #[test]
    fn a_named_visit_counts_alone() {
        let mut v = planned("2026-12-03T08:00:00Z", "2026-12-03T08:45:00Z");
        v.visit_id = Some(Uuid::from_u128(9));
        let g = grounds(vec![v]);
        let mut r = req("2026-12-03T08:10:00Z");
        r.visit_id = Some(Uuid::from_u128(10));
        assert_eq!(may_open(&r, &g), Err(KeyReason::NotYourVisit));
        r.visit_id = Some(Uuid::from_u128(9));
        assert_eq!(
            may_open(&r, &g).map(|g| g.ground),
            Ok(KeyGround::Visit {
                visit_id: Some(Uuid::from_u128(9)),
                plan_id: Some(Uuid::from_u128(1))
            })
        );
    }

    #[test]
    fn reach_and_activity_come_first() {
        let g = grounds(vec![planned(
            "2026-12-03T08:00:00Z",
            "2026-12-03T08:45:00Z",
        )]);
        let mut r = req("2026-12-03T08:10:00Z");
        r.reach_covers_client = false;
        assert_eq!(may_open(&r, &g), Err(KeyReason::OutsideReach));
        r.user_active = false;
        assert_eq!(may_open(&r, &g), Err(KeyReason::UserInactive));
        assert_eq!(
            may_open(&req("2026-12-03T08:10:00Z"), &KeyGrounds::default()),
            Err(KeyReason::NoGround)
        );
        let v = planned("2026-12-03T08:00:00Z", "2026-12-03T08:45:00Z");
        assert_eq!(
            visit_capability(ts("2026-12-03T07:00:00Z"), false, true, &v),
            None
        );
        assert_eq!(
            visit_capability(ts("2026-12-03T07:00:00Z"), true, false, &v),
            None
        );
    }

    #[test]
    fn an_alarm_dispatched_to_the_user_opens_for_five_minutes_at_a_time() {
        let id = AlarmId(Uuid::from_u128(3));
        let g = KeyGrounds {
            alarms: vec![AlarmDispatchWindow {
                alarm_id: id,
                from: ts("2026-12-04T01:00:00Z"),
                until: None,
            }],
            ..KeyGrounds::default()
        };
        assert!(may_open(&req("2026-12-04T00:59:00Z"), &g).is_err());
        let mut r = req("2026-12-04T01:14:00Z");
        r.alarm_id = Some(id);
        let grant = may_open(&r, &g).expect("dispatched");
        assert_eq!(grant.ground, KeyGround::Alarm { alarm_id: id });
        assert_eq!(grant.expires, ts("2026-12-04T01:19:00Z"));
        r.alarm_id = Some(AlarmId(Uuid::from_u128(4)));
        assert_eq!(may_open(&r, &g), Err(KeyReason::AlarmNotDispatchedToYou));
        let closed = KeyGrounds {
            alarms: vec![AlarmDispatchWindow {
                alarm_id: id,
                from: ts("2026-12-04T01:00:00Z"),
                until: Some(ts("2026-12-04T01:16:00Z")),
            }],
            ..KeyGrounds::default()
        };
        r.alarm_id = Some(id);
        assert_eq!(
            may_open(&r, &closed).map(|g| g.expires),
            Ok(ts("2026-12-04T01:16:00Z")),
            "never past the close"
        );
        r.at = ts("2026-12-04T01:16:00Z");
        assert!(may_open(&r, &closed).is_err());
    }

    #[test]
    fn a_patrol_shift_opens_at_night_only() {
        let night = NightHours::default();
        // 23:00 local (22:00 UTC in winter).
        let at = ts("2026-12-03T22:00:00Z");
        let shift = patrol_shift(at, &night, &tz()).expect("night");
        assert_eq!(shift.from, ts("2026-12-03T20:00:00Z"));
        assert_eq!(shift.to, ts("2026-12-04T06:00:00Z"));
        // 03:00 local the next morning belongs to the same shift.
        assert_eq!(
            patrol_shift(ts("2026-12-04T02:00:00Z"), &night, &tz()),
            Some(shift)
        );
        assert_eq!(
            patrol_shift(ts("2026-12-04T12:00:00Z"), &night, &tz()),
            None
        );
        let g = KeyGrounds {
            patrol: Some(shift),
            ..KeyGrounds::default()
        };
        let grant = may_open(&req("2026-12-04T05:58:00Z"), &g).expect("on shift");
        assert_eq!(grant.ground, KeyGround::NightPatrol);
        assert_eq!(grant.expires, ts("2026-12-04T06:00:00Z"));
        assert_eq!(
            may_open(&req("2026-12-04T06:00:00Z"), &g),
            Err(KeyReason::NoGround)
        );
    }

    #[test]
    fn patrol_shifts_on_dst_nights() {
        let night = NightHours::default();
        // Clocks go forward on Sunday 2026-03-29 at 02:00 local: the night is 9 hours.
        let spring = patrol_shift(ts("2026-03-29T01:30:00Z"), &night, &tz()).expect("night");
        assert_eq!(spring.from, ts("2026-03-28T20:00:00Z"));
        assert_eq!(spring.to, ts("2026-03-29T05:00:00Z"));
        assert_eq!(
            spring.to.duration_since(spring.from),
            SignedDuration::from_hours(9)
        );
        // Clocks go back on Sunday 2026-10-25 at 03:00 local: the night is 11 hours, and both
        // 02:30s belong to it.
        let autumn = patrol_shift(ts("2026-10-25T00:30:00Z"), &night, &tz()).expect("night");
        assert_eq!(autumn.from, ts("2026-10-24T19:00:00Z"));
        assert_eq!(autumn.to, ts("2026-10-25T06:00:00Z"));
        assert_eq!(
            autumn.to.duration_since(autumn.from),
            SignedDuration::from_hours(11)
        );
        assert_eq!(
            patrol_shift(ts("2026-10-25T01:30:00Z"), &night, &tz()),
            Some(autumn)
        );
        // A window that starts in the skipped hour moves forward.
        let odd = NightHours {
            starts: jiff::civil::time(2, 30, 0, 0),
            ends: jiff::civil::time(5, 0, 0, 0),
        };
        let s = patrol_shift(ts("2026-03-29T02:00:00Z"), &odd, &tz()).expect("04:00 local");
        assert_eq!(
            s.from,
            ts("2026-03-29T01:30:00Z"),
            "02:30 does not exist: 03:30"
        );
    }

    #[test]
    fn a_visit_across_the_dst_change_keeps_its_real_length() {
        // A visit planned 01:30–03:30 local on the autumn night (UTC instants computed by the
        // planner: the first 01:30, i.e. 23:30 UTC, to 03:30 CET = 02:30 UTC): three real hours.
        let v = planned("2026-10-24T23:30:00Z", "2026-10-25T02:30:00Z");
        let c = visit_capability(ts("2026-10-24T20:00:00Z"), true, true, &v).expect("issued");
        assert_eq!(c.not_before, ts("2026-10-24T23:15:00Z"));
        assert_eq!(c.expires, ts("2026-10-25T03:00:00Z"));
        // Issued after the window ended: none.
        assert_eq!(
            visit_capability(ts("2026-10-25T03:00:00Z"), true, true, &v),
            None
        );
        // On the spring day a visit 08:00–09:00 local is 06:00–07:00 UTC.
        let v = planned("2026-03-29T06:00:00Z", "2026-03-29T07:00:00Z");
        assert!(may_open(&req("2026-03-29T05:45:00Z"), &grounds(vec![v])).is_ok());
        assert!(may_open(&req("2026-03-29T05:44:00Z"), &grounds(vec![v])).is_err());
    }

    #[test]
    fn codes() {
        crate::codes::check_codes(
            "LockEventKind",
            LockEventKind::ALL,
            LockEventKind::code,
            LockEventKind::from_code,
        )
        .expect("codes");
        crate::codes::check_codes(
            "GrantKind",
            GrantKind::ALL,
            GrantKind::code,
            GrantKind::from_code,
        )
        .expect("codes");
        assert_eq!(
            key_access_set(&[
                KeyAccess::ReserveKey,
                KeyAccess::None,
                KeyAccess::DigitalLock,
                KeyAccess::ReserveKey
            ]),
            [KeyAccess::DigitalLock, KeyAccess::ReserveKey]
        );
    }

    #[test]
    fn the_reserve_key_flag() {
        assert!(lacks_reserve_key(true, &[KeyAccess::DigitalLock]));
        assert!(!lacks_reserve_key(
            true,
            &[KeyAccess::DigitalLock, KeyAccess::ReserveKey]
        ));
        assert!(!lacks_reserve_key(false, &[]));
    }
}
