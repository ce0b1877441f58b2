//! Log review (loggranskning, HSLF-FS 2016:40 4 kap 9 §; patientdatalagen 4 kap 3 §): which
//! access entries a review holds, and when it may be signed off.
//!
//! Each month, per unit, a review is made of the unit's access entries of the month before —
//! accesses to the clients the unit serves and accesses by the unit's own staff. It holds the
//! entries picked by rules ([`ReviewRule`]: emergency access, always; protected identities;
//! access outside the unit the grant was for; one user reading many clients in a day; access
//! at unusual hours; a user and a client with the same surname) and a random sample of the
//! rest. Each picked entry keeps why it was picked. The reviewer marks every entry OK or
//! follow-up (a follow-up needs a note) and signs the review off; a review with an unmarked
//! entry cannot be signed ([`check_sign_off`]). The selection is pure: the store finds the
//! candidates along its time index, [`select`] picks among them with a seeded generator, so a
//! review can be made again from its seed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;

use crate::access::Role;
use crate::audit::AuditFlags;
use crate::error::{DomainError, DomainResult};
use crate::ids::{ClientId, UnitId, UserId};
use crate::reason::LogReviewReason;

/// Why an entry is in a review. Stored with the entry (its code).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReviewRule {
    /// Access under emergency access (nödåtkomst): always reviewed.
    EmergencyAccess,
    /// Access to a client with a protected identity.
    ProtectedIdentity,
    /// Access through a grant for a unit that neither serves the client nor covers the unit
    /// that does.
    OutsideUnit,
    /// One user read more clients in one day than the setting allows.
    ManyClients,
    /// Access at night by a role that does not work nights.
    UnusualHours,
    /// The user and the client share a surname.
    SameSurname,
    /// Picked at random from the rest.
    Sample,
    /// In a review made on request (the user or the client named).
    Requested,
}

crate::impl_codes!(ReviewRule);

/// How a reviewer marks an entry.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReviewMark {
    /// The access had a reason in the care of the client.
    Ok,
    /// The access needs following up (a talk, an investigation); a note says why.
    FollowUp,
}

crate::impl_codes!(ReviewMark);

/// Whether a review is the month's or made on request.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    /// The unit's monthly review, made by the server's job.
    Monthly,
    /// A review a manager asked for, naming a user or a client and a reason.
    OnRequest,
}

crate::impl_codes!(ReviewKind);

/// The settings of log review (the municipality's routine).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewSettings {
    /// Entries picked at random besides those the rules pick.
    pub sample_size: usize,
    /// A user who reads more distinct clients than this in one (Stockholm) day is picked.
    pub many_clients: usize,
    /// Night hours (Stockholm) when access by a role that does not work nights is picked:
    /// from this hour...
    pub night_from: i8,
    /// ...until this hour.
    pub night_to: i8,
    /// Roles that work nights (their night access is not unusual).
    pub night_roles: Vec<Role>,
    /// The day of the following month by which a monthly review is to be signed.
    pub due_day: i8,
    /// At most this many entries per rule (emergency access excepted: every one is reviewed),
    /// chosen at random when more match, so that a review stays one person's work.
    pub max_per_rule: usize,
}

impl Default for ReviewSettings {
    fn default() -> Self {
        Self {
            sample_size: 10,
            many_clients: 20,
            night_from: 22,
            night_to: 6,
            night_roles: vec![Role::NightPatrol, Role::Operator],
            due_day: 15,
            max_per_rule: 25,
        }
    }
}

/// An access entry the store found for a review: what the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: UserId,
    /// The role of the grant the access came through.
    pub actor_role: Option<Role>,
    /// The unit of that grant (none: an organisation-wide or municipal role).
    pub actor_unit: Option<UnitId>,
    pub client: ClientId,
    /// The unit serving the client.
    pub client_unit: Option<UnitId>,
    pub flags: AuditFlags,
    /// The actor's surname, folded (compared here, never stored or logged).
    pub actor_surname: String,
    /// The client's surname, folded.
    pub client_surname: String,
}

/// An entry picked for a review, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub seq: u64,
    pub rules: Vec<ReviewRule>,
    /// For [`ReviewRule::ManyClients`]: how many clients the user read that day.
    pub distinct_clients: Option<u32>,
}

/// The last word of a name, folded to lower case: the surname to compare (a "Lind-Berg"
/// stays one word). Empty for an empty name.
pub fn surname(name: &str) -> String {
    name.split_whitespace()
        .last()
        .map(str::to_lowercase)
        .unwrap_or_default()
}

/// A small seeded generator (SplitMix64): the same seed picks the same sample.
#[derive(Debug, Clone)]
pub struct SeededRng(u64);

impl SeededRng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        // The bias of a modulo over 2^64 is far below anything a sample could show.
        usize::try_from(self.next_u64() % (n as u64)).unwrap_or(0)
    }

    /// `k` distinct items of `items`, in their original order (a partial Fisher–Yates).
    pub fn choose<T: Copy + Ord>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool = items.to_vec();
        let k = k.min(pool.len());
        for i in 0..k {
            let j = i + self.below(pool.len() - i);
            pool.swap(i, j);
        }
        pool.truncate(k);
        pool.sort_unstable();
        pool
    }
}

/// Whether the access came through a grant for a unit that neither serves the client nor
/// covers the unit that does (`coverage`: pairs of covering unit, covered unit). An access
/// through an organisation-wide or municipal grant is within its scope; one to a client
/// served by no unit is not judged.
pub fn outside_unit(c: &Candidate, coverage: &BTreeSet<(UnitId, UnitId)>) -> bool {
    match (c.actor_unit, c.client_unit) {
        (Some(a), Some(u)) => a != u && !coverage.contains(&(a, u)),
        _ => false,
    }
}

/// Whether the access was at night (Stockholm) by a role that does not work nights.
pub fn unusual_hour(c: &Candidate, settings: &ReviewSettings, tz: &TimeZone) -> bool {
    if c.actor_role
        .is_some_and(|r| settings.night_roles.contains(&r))
    {
        return false;
    }
    let hour = c.at.to_zoned(tz.clone()).hour();
    if settings.night_from > settings.night_to {
        hour >= settings.night_from || hour < settings.night_to
    } else {
        hour >= settings.night_from && hour < settings.night_to
    }
}

/// The rules an entry trips on its own (all but [`ReviewRule::ManyClients`], which looks at a
/// user's day).
pub fn rules_of(
    c: &Candidate,
    coverage: &BTreeSet<(UnitId, UnitId)>,
    settings: &ReviewSettings,
    tz: &TimeZone,
) -> Vec<ReviewRule> {
    let mut rules = Vec::new();
    if c.flags.emergency_access {
        rules.push(ReviewRule::EmergencyAccess);
    }
    if c.flags.protected_identity {
        rules.push(ReviewRule::ProtectedIdentity);
    }
    if outside_unit(c, coverage) {
        rules.push(ReviewRule::OutsideUnit);
    }
    if unusual_hour(c, settings, tz) {
        rules.push(ReviewRule::UnusualHours);
    }
    if !c.actor_surname.is_empty() && c.actor_surname == c.client_surname {
        rules.push(ReviewRule::SameSurname);
    }
    rules
}

/// For each user and Stockholm day with more distinct clients than the setting: the entry at
/// which the user read one client too many (their first access to that client), with the
/// day's number of clients.
pub fn many_clients(
    candidates: &[Candidate],
    settings: &ReviewSettings,
    tz: &TimeZone,
) -> BTreeMap<u64, u32> {
    let mut days: HashMap<(UserId, Date), Vec<&Candidate>> = HashMap::new();
    for c in candidates {
        let day = c.at.to_zoned(tz.clone()).date();
        days.entry((c.actor, day)).or_default().push(c);
    }
    let mut out = BTreeMap::new();
    for entries in days.values_mut() {
        entries.sort_by_key(|c| (c.at, c.seq));
        let mut seen = BTreeSet::new();
        let mut crossing = None;
        for c in entries.iter() {
            if seen.insert(c.client) && seen.len() == settings.many_clients + 1 {
                crossing = Some(c.seq);
            }
        }
        if let Some(seq) = crossing {
            out.insert(seq, u32::try_from(seen.len()).unwrap_or(u32::MAX));
        }
    }
    out
}

/// Picks a review's entries among `candidates`: every emergency access, at most
/// `max_per_rule` entries of each other rule (chosen at random when more match), and
/// `sample_size` of the rest at random. In order of the log.
pub fn select(
    candidates: &[Candidate],
    coverage: &BTreeSet<(UnitId, UnitId)>,
    settings: &ReviewSettings,
    tz: &TimeZone,
    seed: u64,
) -> Vec<Picked> {
    let mut rng = SeededRng::new(seed);
    let crowded = many_clients(candidates, settings, tz);
    let mut by_rule: BTreeMap<ReviewRule, Vec<u64>> = BTreeMap::new();
    let mut rules: HashMap<u64, Vec<ReviewRule>> = HashMap::new();
    for c in candidates {
        let mut r = rules_of(c, coverage, settings, tz);
        if crowded.contains_key(&c.seq) {
            r.push(ReviewRule::ManyClients);
        }
        for &rule in &r {
            by_rule.entry(rule).or_default().push(c.seq);
        }
        if !r.is_empty() {
            rules.insert(c.seq, r);
        }
    }
    let mut picked: BTreeMap<u64, BTreeSet<ReviewRule>> = BTreeMap::new();
    for (rule, seqs) in &by_rule {
        let chosen = if *rule == ReviewRule::EmergencyAccess {
            seqs.clone()
        } else {
            rng.choose(seqs, settings.max_per_rule)
        };
        for seq in chosen {
            // An entry picked by one rule shows every rule it trips.
            let all = rules.get(&seq).map(Vec::as_slice).unwrap_or_default();
            picked.entry(seq).or_default().extend(all.iter().copied());
        }
    }
    let rest: Vec<u64> = candidates
        .iter()
        .map(|c| c.seq)
        .filter(|s| !picked.contains_key(s))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for seq in rng.choose(&rest, settings.sample_size) {
        picked.entry(seq).or_default().insert(ReviewRule::Sample);
    }
    picked
        .into_iter()
        .map(|(seq, rules)| Picked {
            seq,
            distinct_clients: crowded.get(&seq).copied(),
            rules: rules.into_iter().collect(),
        })
        .collect()
}

/// The entries of a review on request: every one found (the caller caps them), each with the
/// rules it trips, or [`ReviewRule::Requested`] alone.
pub fn requested(
    candidates: &[Candidate],
    coverage: &BTreeSet<(UnitId, UnitId)>,
    settings: &ReviewSettings,
    tz: &TimeZone,
) -> Vec<Picked> {
    let crowded = many_clients(candidates, settings, tz);
    let mut out: Vec<Picked> = candidates
        .iter()
        .map(|c| {
            let mut rules = rules_of(c, coverage, settings, tz);
            if crowded.contains_key(&c.seq) {
                rules.push(ReviewRule::ManyClients);
            }
            if rules.is_empty() {
                rules.push(ReviewRule::Requested);
            }
            rules.sort_unstable();
            Picked {
                seq: c.seq,
                rules,
                distinct_clients: crowded.get(&c.seq).copied(),
            }
        })
        .collect();
    out.sort_by_key(|p| p.seq);
    out.dedup_by_key(|p| p.seq);
    out
}

/// A mark as the reviewer gives it: a follow-up needs a note saying what is to be followed up.
pub fn check_mark(mark: ReviewMark, note: &str) -> DomainResult<()> {
    if mark == ReviewMark::FollowUp && note.trim().is_empty() {
        return Err(DomainError::invalid(
            "note",
            LogReviewReason::FollowUpNeedsNote,
        ));
    }
    Ok(())
}

/// A review may be signed off only when every entry is marked.
pub fn check_sign_off(marks: &[Option<ReviewMark>]) -> DomainResult<()> {
    let unmarked = marks.iter().filter(|m| m.is_none()).count();
    if unmarked > 0 {
        return Err(DomainError::invalid(
            "review",
            LogReviewReason::UnmarkedEntries { count: unmarked },
        ));
    }
    Ok(())
}

/// The month before the one `today` falls in: its first day and the first day after it.
pub fn last_month(today: Date) -> (Date, Date) {
    let this = today.first_of_month();
    let before = this.checked_sub(1.month()).unwrap_or(this);
    (before, this)
}

/// The day a monthly review of the month starting `from` is due: the setting's day of the
/// following month.
pub fn due_on(from: Date, settings: &ReviewSettings) -> Date {
    let next = from.first_of_month().checked_add(1.month()).unwrap_or(from);
    next.checked_add((i32::from(settings.due_day) - 1).days())
        .unwrap_or(next)
}

/// Whether a review due `due` and not signed is overdue on `today`.
pub fn overdue(due: Date, signed: bool, today: Date) -> bool {
    !signed && today > due
}

/// The quarter a day falls in: (year, 1–4).
pub fn quarter_of(day: Date) -> (i16, i8) {
    (day.year(), (day.month() - 1) / 3 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tz() -> TimeZone {
        TimeZone::get("Europe/Stockholm").unwrap()
    }

    struct World {
        unit: UnitId,
        other: UnitId,
        covering: UnitId,
        anna: UserId,
        bo: UserId,
    }

    fn world() -> World {
        World {
            unit: UnitId::new(),
            other: UnitId::new(),
            covering: UnitId::new(),
            anna: UserId::new(),
            bo: UserId::new(),
        }
    }

    /// An ordinary daytime access by `actor` through a care-staff grant of `w.unit` to a
    /// client of `w.unit`.
    fn entry(w: &World, seq: u64, actor: UserId) -> Candidate {
        Candidate {
            seq,
            // 2026-11-10 10:00 Stockholm.
            at: "2026-11-10T09:00:00Z".parse().unwrap(),
            actor,
            actor_role: Some(Role::CareStaff),
            actor_unit: Some(w.unit),
            client: ClientId::new(),
            client_unit: Some(w.unit),
            flags: AuditFlags::default(),
            actor_surname: "andersson".into(),
            client_surname: "berg".into(),
        }
    }

    fn coverage(w: &World) -> BTreeSet<(UnitId, UnitId)> {
        [(w.covering, w.unit)].into_iter().collect()
    }

    fn rules(w: &World, c: &Candidate) -> Vec<ReviewRule> {
        rules_of(c, &coverage(w), &ReviewSettings::default(), &tz())
    }

    #[test]
    fn an_ordinary_access_trips_no_rule() {
        let w = world();
        assert!(rules(&w, &entry(&w, 1, w.anna)).is_empty());
    }

    #[test]
    fn flags_trip_their_rules() {
        let w = world();
        let mut c = entry(&w, 1, w.anna);
        c.flags.emergency_access = true;
        assert_eq!(rules(&w, &c), vec![ReviewRule::EmergencyAccess]);
        c.flags = AuditFlags {
            protected_identity: true,
            emergency_access: false,
        };
        assert_eq!(rules(&w, &c), vec![ReviewRule::ProtectedIdentity]);
    }

    #[test]
    fn outside_unit_unless_the_grant_covers_the_clients_unit() {
        let w = world();
        let mut c = entry(&w, 1, w.anna);
        c.actor_unit = Some(w.other);
        assert_eq!(rules(&w, &c), vec![ReviewRule::OutsideUnit]);
        c.actor_unit = Some(w.covering);
        assert!(rules(&w, &c).is_empty(), "a covering unit is in scope");
        c.actor_unit = None;
        assert!(rules(&w, &c).is_empty(), "an organisation-wide grant");
    }

    #[test]
    fn night_access_is_unusual_for_day_roles_only() {
        let w = world();
        let mut c = entry(&w, 1, w.anna);
        // 23:30 Stockholm (winter: UTC+1).
        c.at = "2026-11-10T22:30:00Z".parse().unwrap();
        assert_eq!(rules(&w, &c), vec![ReviewRule::UnusualHours]);
        c.actor_role = Some(Role::NightPatrol);
        assert!(rules(&w, &c).is_empty());
        c.actor_role = Some(Role::CareStaff);
        // 06:00 Stockholm: the night is over.
        c.at = "2026-11-10T05:00:00Z".parse().unwrap();
        assert!(rules(&w, &c).is_empty());
        // 05:59 Stockholm.
        c.at = "2026-11-10T04:59:00Z".parse().unwrap();
        assert_eq!(rules(&w, &c), vec![ReviewRule::UnusualHours]);
    }

    #[test]
    fn same_surname_is_compared_folded_and_never_when_empty() {
        let w = world();
        let mut c = entry(&w, 1, w.anna);
        c.actor_surname = surname("Anna Lindqvist");
        c.client_surname = surname("Gösta  LINDQVIST");
        assert_eq!(rules(&w, &c), vec![ReviewRule::SameSurname]);
        c.actor_surname = surname("");
        c.client_surname = surname("");
        assert!(rules(&w, &c).is_empty());
        assert_eq!(surname("Karin Lind-Berg"), "lind-berg");
    }

    #[test]
    fn many_clients_picks_the_entry_that_crosses_the_threshold() {
        let w = world();
        let settings = ReviewSettings {
            many_clients: 3,
            ..ReviewSettings::default()
        };
        let mut cs: Vec<Candidate> = (1..=4).map(|i| entry(&w, i, w.anna)).collect();
        // The same client twice counts once.
        let mut again = cs[0].clone();
        again.seq = 5;
        cs.insert(1, again);
        // Bo reads three: not more than the setting.
        cs.extend((6..=8).map(|i| entry(&w, i, w.bo)));
        let crowded = many_clients(&cs, &settings, &tz());
        assert_eq!(crowded.into_iter().collect::<Vec<_>>(), vec![(4, 4)]);
        // Four clients spread over two days are not many.
        let mut spread: Vec<Candidate> = (1..=4).map(|i| entry(&w, i, w.anna)).collect();
        spread[3].at = "2026-11-11T09:00:00Z".parse().unwrap();
        assert!(many_clients(&spread, &settings, &tz()).is_empty());
    }

    #[test]
    fn select_keeps_every_emergency_access_caps_the_rest_and_samples() {
        let w = world();
        // (All the entries are one user's in one day: not counted as many here.)
        let settings = ReviewSettings {
            sample_size: 5,
            max_per_rule: 3,
            many_clients: 1_000,
            ..ReviewSettings::default()
        };
        let mut cs: Vec<Candidate> = (1..=100).map(|i| entry(&w, i, w.anna)).collect();
        for c in &mut cs[..10] {
            c.flags.emergency_access = true;
        }
        for c in &mut cs[10..20] {
            c.flags.protected_identity = true;
        }
        let picked = select(&cs, &coverage(&w), &settings, &tz(), 42);
        let count = |r: ReviewRule| picked.iter().filter(|p| p.rules.contains(&r)).count();
        assert_eq!(count(ReviewRule::EmergencyAccess), 10);
        assert_eq!(count(ReviewRule::ProtectedIdentity), 3);
        assert_eq!(count(ReviewRule::Sample), 5);
        assert_eq!(picked.len(), 18);
        assert!(picked.windows(2).all(|p| p[0].seq < p[1].seq));
        // The sample never repeats a picked entry, and the seed decides it.
        assert_eq!(picked, select(&cs, &coverage(&w), &settings, &tz(), 42));
        assert_ne!(picked, select(&cs, &coverage(&w), &settings, &tz(), 43));
    }

    #[test]
    fn select_of_few_candidates_takes_them_all() {
        let w = world();
        let cs: Vec<Candidate> = (1..=3).map(|i| entry(&w, i, w.anna)).collect();
        let picked = select(&cs, &coverage(&w), &ReviewSettings::default(), &tz(), 1);
        assert_eq!(picked.iter().map(|p| p.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(select(&[], &coverage(&w), &ReviewSettings::default(), &tz(), 1).is_empty());
    }

    #[test]
    fn requested_keeps_every_entry_with_its_rules() {
        let w = world();
        let mut cs: Vec<Candidate> = (1..=3).map(|i| entry(&w, i, w.anna)).collect();
        cs[1].flags.protected_identity = true;
        let picked = requested(&cs, &coverage(&w), &ReviewSettings::default(), &tz());
        assert_eq!(picked.len(), 3);
        assert_eq!(picked[0].rules, vec![ReviewRule::Requested]);
        assert_eq!(picked[1].rules, vec![ReviewRule::ProtectedIdentity]);
    }

    #[test]
    fn sign_off_needs_every_entry_marked_and_follow_up_a_note() {
        assert!(check_sign_off(&[Some(ReviewMark::Ok), Some(ReviewMark::FollowUp)]).is_ok());
        let e = check_sign_off(&[Some(ReviewMark::Ok), None, None]).unwrap_err();
        assert!(
            matches!(e, DomainError::Invalid { ref reason, .. }
                if *reason == LogReviewReason::UnmarkedEntries { count: 2 }.into()),
            "{e:?}"
        );
        assert!(check_mark(ReviewMark::FollowUp, "  ").is_err());
        assert!(check_mark(ReviewMark::FollowUp, "Ask Anna why").is_ok());
        assert!(check_mark(ReviewMark::Ok, "").is_ok());
    }

    #[test]
    fn months_due_days_and_quarters() {
        assert_eq!(
            last_month(date(2026, 12, 4)),
            (date(2026, 11, 1), date(2026, 12, 1))
        );
        assert_eq!(
            last_month(date(2026, 1, 1)),
            (date(2025, 12, 1), date(2026, 1, 1))
        );
        let s = ReviewSettings::default();
        assert_eq!(due_on(date(2026, 11, 1), &s), date(2026, 12, 15));
        assert!(!overdue(date(2026, 12, 15), false, date(2026, 12, 15)));
        assert!(overdue(date(2026, 12, 15), false, date(2026, 12, 16)));
        assert!(!overdue(date(2026, 12, 15), true, date(2026, 12, 16)));
        assert_eq!(quarter_of(date(2026, 11, 1)), (2026, 4));
        assert_eq!(quarter_of(date(2026, 3, 31)), (2026, 1));
    }

    #[test]
    fn choose_takes_distinct_items() {
        let mut rng = SeededRng::new(7);
        let items: Vec<u64> = (0..50).collect();
        let c = rng.choose(&items, 20);
        assert_eq!(c.len(), 20);
        assert_eq!(c.iter().collect::<BTreeSet<_>>().len(), 20);
        assert_eq!(rng.choose(&items[..3], 10).len(), 3);
    }
}
