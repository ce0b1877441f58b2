//! No alarm may go unseen (ALM-30, ALM-31): every client who can raise a safety alarm is served
//! by a unit that an alarm centre covers, and an alarm that no centre covers all the same goes
//! to the municipality's fallback queue.
//!
//! An operator sees the alarms of the clients of their own unit and of the units it covers
//! ([`crate::access::Principal::client_grant_for`]). The units where operators answer alarms
//! are the *alarm centres*: active units of the kinds [`UnitKind::answers_alarms`] (an alarm
//! centre's operators, the municipality's duty team). A unit *needs* coverage while one of its
//! clients has an alarm unit that can send alarms (a device with the client and not
//! deactivated, the accounts the receiver listens to); a client with such a device and no unit
//! needs a unit first.
//!
//! A change of units, of coverage, of a client's unit or of a device's client that would leave
//! a needing unit uncovered is refused ([`new_gaps`]); gaps already there (data from before the
//! rule) do not block other changes, and the chain-health view warns of them. An alarm whose
//! client no centre covers is routed to the fallback ([`route`]).

use std::collections::BTreeSet;

use crate::alarm::AlarmKind;
use crate::directory::{Unit, UnitKind};
use crate::ids::UnitId;

impl UnitKind {
    /// Units of these kinds answer safety alarms: their operators' console shows the alarms of
    /// the units they cover.
    pub fn answers_alarms(self) -> bool {
        matches!(self, Self::AlarmOperators | Self::DutyTeam)
    }
}

/// Which units an active alarm centre covers (itself included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlarmCoverage {
    covered: BTreeSet<UnitId>,
}

impl AlarmCoverage {
    /// The coverage that `units` and the pairs `(covering unit, covered unit)` give.
    pub fn of(units: &[Unit], coverage: &[(UnitId, UnitId)]) -> Self {
        let centres: BTreeSet<UnitId> = units
            .iter()
            .filter(|u| u.active && u.kind.answers_alarms())
            .map(|u| u.id)
            .collect();
        let mut covered: BTreeSet<UnitId> = coverage
            .iter()
            .filter(|(by, _)| centres.contains(by))
            .map(|(_, c)| *c)
            .collect();
        covered.extend(centres);
        Self { covered }
    }

    /// Whether a client of `unit` (none: the client has no unit) is seen by some centre.
    pub fn covers(&self, unit: Option<UnitId>) -> bool {
        unit.is_some_and(|u| self.covered.contains(&u))
    }

    /// The units of `needing` (the units of clients with alarm units) no centre covers; `None`
    /// stands for clients without a unit.
    pub fn gaps(&self, needing: &[Option<UnitId>]) -> BTreeSet<Option<UnitId>> {
        needing
            .iter()
            .copied()
            .filter(|u| !self.covers(*u))
            .collect()
    }
}

/// The gaps a change would open: uncovered after it and not before. Gaps that were there
/// already are not the change's doing and do not refuse it.
pub fn new_gaps(
    before: &AlarmCoverage,
    needing_before: &[Option<UnitId>],
    after: &AlarmCoverage,
    needing_after: &[Option<UnitId>],
) -> BTreeSet<Option<UnitId>> {
    let old = before.gaps(needing_before);
    after
        .gaps(needing_after)
        .into_iter()
        .filter(|g| !old.contains(g))
        .collect()
}

/// Where an alarm goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlarmRoute {
    /// The operators of the centres that cover the client's unit.
    Centre,
    /// No centre covers it: the municipality's fallback queue, every alarm operator, flagged.
    Fallback,
}

/// Where an alarm of `kind` goes. `client_unit` is `None` for an alarm with no client, and
/// `Some(unit)` for a client's (whose unit may be missing). An unknown device has no client by
/// nature and is every operator's already, for provisioning; any other alarm without a client,
/// or whose client's unit no centre covers, falls back.
pub fn route(
    kind: AlarmKind,
    client_unit: Option<Option<UnitId>>,
    coverage: &AlarmCoverage,
) -> AlarmRoute {
    match client_unit {
        None if kind == AlarmKind::UnknownDevice => AlarmRoute::Centre,
        None => AlarmRoute::Fallback,
        Some(unit) if coverage.covers(unit) => AlarmRoute::Centre,
        Some(_) => AlarmRoute::Fallback,
    }
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;

    use super::*;
    use crate::ids::OrganisationId;

    fn unit(kind: UnitKind, active: bool) -> Unit {
        Unit {
            id: UnitId::new(),
            organisation_id: OrganisationId::new(),
            name: "u".into(),
            kind,
            active,
            created_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn only_active_alarm_centres_cover() {
        let home = unit(UnitKind::HomeCare, true);
        let other = unit(UnitKind::HomeCare, true);
        let centre = unit(UnitKind::AlarmOperators, true);
        let duty = unit(UnitKind::DutyTeam, true);
        let patrol = unit(UnitKind::NightPatrol, true);
        let closed = unit(UnitKind::AlarmOperators, false);
        let units = [
            home.clone(),
            other.clone(),
            centre.clone(),
            duty.clone(),
            patrol.clone(),
            closed.clone(),
        ];
        let by_centre = AlarmCoverage::of(&units, &[(centre.id, home.id)]);
        assert!(by_centre.covers(Some(home.id)));
        assert!(!by_centre.covers(Some(other.id)));
        assert!(
            !by_centre.covers(None),
            "a client without a unit is never covered"
        );
        assert!(
            by_centre.covers(Some(centre.id)),
            "a centre sees its own unit"
        );
        assert!(AlarmCoverage::of(&units, &[(duty.id, other.id)]).covers(Some(other.id)));
        // A night patrol responds to dispatches; it does not answer alarms.
        assert!(!AlarmCoverage::of(&units, &[(patrol.id, home.id)]).covers(Some(home.id)));
        // A deactivated centre covers nobody.
        assert!(!AlarmCoverage::of(&units, &[(closed.id, home.id)]).covers(Some(home.id)));
    }

    #[test]
    fn a_change_is_refused_only_for_the_gaps_it_opens() {
        let home = unit(UnitKind::HomeCare, true);
        let north = unit(UnitKind::HomeCare, true);
        let centre = unit(UnitKind::AlarmOperators, true);
        let units = [home.clone(), north.clone(), centre.clone()];
        let both = AlarmCoverage::of(&units, &[(centre.id, home.id), (centre.id, north.id)]);
        let home_only = AlarmCoverage::of(&units, &[(centre.id, home.id)]);
        let needing = [Some(home.id), Some(north.id)];
        // Coverage removed from a unit with alarm clients.
        assert_eq!(
            new_gaps(&both, &needing, &home_only, &needing),
            BTreeSet::from([Some(north.id)])
        );
        // The same removal is fine when north has no alarm clients.
        assert!(new_gaps(&both, &[Some(home.id)], &home_only, &[Some(home.id)]).is_empty());
        // A client moved from a covered unit into an uncovered one, or out of every unit.
        assert_eq!(
            new_gaps(&home_only, &[Some(home.id)], &home_only, &[Some(north.id)]),
            BTreeSet::from([Some(north.id)])
        );
        assert_eq!(
            new_gaps(&home_only, &[Some(home.id)], &home_only, &[None]),
            BTreeSet::from([None])
        );
        // A gap from before the rule does not block an unrelated change…
        assert!(new_gaps(&home_only, &needing, &home_only, &needing).is_empty());
        // …and closing it is welcome.
        assert!(new_gaps(&home_only, &needing, &both, &needing).is_empty());
        // The centre deactivated, or turned into another kind of unit.
        let mut units_after = units.clone();
        units_after[2].active = false;
        let closed = AlarmCoverage::of(&units_after, &[(centre.id, home.id)]);
        assert_eq!(
            new_gaps(&home_only, &[Some(home.id)], &closed, &[Some(home.id)]),
            BTreeSet::from([Some(home.id)])
        );
        units_after[2].active = true;
        units_after[2].kind = UnitKind::Administration;
        let changed = AlarmCoverage::of(&units_after, &[(centre.id, home.id)]);
        assert!(!changed.covers(Some(home.id)));
    }

    #[test]
    fn uncovered_alarms_fall_back() {
        let home = unit(UnitKind::HomeCare, true);
        let north = unit(UnitKind::HomeCare, true);
        let centre = unit(UnitKind::AlarmOperators, true);
        let cov = AlarmCoverage::of(
            &[home.clone(), north.clone(), centre.clone()],
            &[(centre.id, home.id)],
        );
        assert_eq!(
            route(AlarmKind::Personal, Some(Some(home.id)), &cov),
            AlarmRoute::Centre
        );
        assert_eq!(
            route(AlarmKind::Fall, Some(Some(north.id)), &cov),
            AlarmRoute::Fallback
        );
        assert_eq!(
            route(AlarmKind::Personal, Some(None), &cov),
            AlarmRoute::Fallback
        );
        assert_eq!(
            route(AlarmKind::Technical, None, &cov),
            AlarmRoute::Fallback
        );
        assert_eq!(
            route(AlarmKind::UnknownDevice, None, &cov),
            AlarmRoute::Centre
        );
    }
}
