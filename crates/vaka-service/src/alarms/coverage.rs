//! The coverage of the alarm chain as the store holds it: which units the alarm centres cover
//! and which units need it (their clients have alarm units), for the rule in
//! [`vaka_domain::alarm_coverage`]: a change that would leave an alarm unseen is refused,
//! audited.

use std::collections::BTreeSet;

use vaka_domain::access::Assignment;
use vaka_domain::alarm_coverage::{AlarmCoverage, new_gaps};
use vaka_domain::audit::{NewAuditEntry, Outcome};
use vaka_domain::directory::Unit;
use vaka_domain::ids::{ClientId, UnitId};
use vaka_domain::reason::DirectoryReason;
use vaka_store::ReadTx;

use super::active;
use crate::door::Work;
use crate::error::{Fault, WorkResult};

/// What the rule needs to know of the store.
#[derive(Debug, Clone)]
pub(crate) struct CoverageFacts {
    pub(crate) units: Vec<Unit>,
    pub(crate) pairs: Vec<(UnitId, UnitId)>,
    /// The clients with an alarm unit that can send alarms, and their units.
    pub(crate) alarm_clients: Vec<(ClientId, Option<UnitId>)>,
}

impl CoverageFacts {
    pub(crate) async fn read(tx: &mut dyn ReadTx) -> WorkResult<Self> {
        let units = tx.list_units().await?;
        let pairs = tx.list_coverage().await?;
        let alarm_clients = tx
            .list_alarm_accounts()
            .await?
            .into_iter()
            .filter(active)
            .filter_map(|a| a.client_id.map(|c| (c, a.unit_id)))
            .collect();
        Ok(Self {
            units,
            pairs,
            alarm_clients,
        })
    }

    pub(crate) fn coverage(&self) -> AlarmCoverage {
        AlarmCoverage::of(&self.units, &self.pairs)
    }

    pub(crate) fn needing(&self) -> Vec<Option<UnitId>> {
        self.alarm_clients.iter().map(|(_, u)| *u).collect()
    }

    /// Whether `client` has an alarm unit that can send alarms.
    pub(crate) fn has_alarm(&self, client: ClientId) -> bool {
        self.alarm_clients.iter().any(|(c, _)| *c == client)
    }

    /// The same facts with `client` served by `unit`.
    pub(crate) fn with_client_unit(&self, client: ClientId, unit: Option<UnitId>) -> Self {
        let mut after = self.clone();
        for (c, u) in &mut after.alarm_clients {
            if *c == client {
                *u = unit;
            }
        }
        after
    }

    /// The units of the clients that cannot raise an alarm no operator sees: the gaps there
    /// are now (the chain-health view warns of them).
    pub(crate) fn gaps(&self) -> BTreeSet<Option<UnitId>> {
        self.coverage().gaps(&self.needing())
    }
}

/// Refuses, audited, a change from `before` to `after` that opens a coverage gap. `entry` is
/// the refusal's audit entry (the change's subject, the caller's grant); its details name the
/// units left uncovered.
pub(crate) fn refuse_new_gaps(
    before: &CoverageFacts,
    after: &CoverageFacts,
    entry: NewAuditEntry,
) -> WorkResult<()> {
    let gaps = new_gaps(
        &before.coverage(),
        &before.needing(),
        &after.coverage(),
        &after.needing(),
    );
    if gaps.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = gaps
        .iter()
        .map(|g| g.map_or_else(|| "none".to_owned(), |u| u.to_string()))
        .collect();
    let mut details: serde_json::Value = entry
        .details
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_else(|| serde_json::json!({}));
    details["alarm_coverage_gap"] = serde_json::json!(ids);
    let entry = entry.details(details.to_string());
    let named: Vec<&str> = gaps
        .iter()
        .flatten()
        .map(|u| {
            after
                .units
                .iter()
                .find(|x| x.id == *u)
                .map_or("?", |x| x.name.as_str())
        })
        .collect();
    if named.is_empty() {
        return Err(Fault::refused(entry, DirectoryReason::AlarmClientNeedsUnit));
    }
    Err(Fault::refused(
        entry,
        DirectoryReason::AlarmCoverageGap {
            units: named.join(", "),
        },
    ))
}

/// The refusal entry of the unit of work `w`, through `grant`.
pub(crate) fn gap_entry<'a>(w: &impl Work<'a>, grant: &Assignment) -> NewAuditEntry {
    w.entry(Outcome::Denied, Some(grant))
}
