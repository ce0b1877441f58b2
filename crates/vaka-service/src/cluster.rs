//! Several nodes over one database: which node runs the jobs that must run once (the job
//! lease), and how a change committed on one node wakes the live views on the others.
//!
//! The service knows no message bus: the server gives it a [`ChangeFanout`] (NATS) and tells
//! it of changes made elsewhere through [`Services::changed_elsewhere`]. On one node (SQLite,
//! or PostgreSQL without a bus) nothing here changes what the service does.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::{ServiceResult, Services};

/// What changed, for the live views of other nodes. Only the kind travels: each view reads
/// the current state itself, with its own user's rights.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Change {
    /// A supervision task or dispatch.
    Supervision,
    /// An alarm.
    Alarms,
    /// Occasions signed or a missed one called.
    Delegations,
    /// Downtime notices or outage reports (the banners).
    Banners,
}

/// Where this node tells the others of its changes.
pub trait ChangeFanout: Send + Sync + 'static {
    /// Called after a change of `kind` committed on this node. Must not block.
    fn changed(&self, kind: Change);
}

/// The connection to the other nodes, as the readiness probe reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BusState {
    /// One node: no bus configured.
    None,
    Connected,
    Disconnected,
}

/// Whether the bus is connected now, as its client knows it.
pub type BusProbe = Arc<dyn Fn() -> bool + Send + Sync>;

/// This node: its name, whether it holds the job lease, and its bus.
pub struct Node {
    name: String,
    lease: AtomicBool,
    bus: OnceLock<BusProbe>,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("name", &self.name)
            .field("lease", &self.holds_lease())
            .field("bus", &self.bus())
            .finish()
    }
}

impl Node {
    /// A node called `name`, holding nothing, with no bus.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            lease: AtomicBool::new(false),
            bus: OnceLock::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this node runs the jobs that run once (it held the lease at its last check).
    pub fn holds_lease(&self) -> bool {
        self.lease.load(Ordering::Acquire)
    }

    pub fn set_lease(&self, held: bool) {
        self.lease.store(held, Ordering::Release);
    }

    /// The bus's state now (`None` on a node without one).
    pub fn bus(&self) -> BusState {
        match self.bus.get() {
            None => BusState::None,
            Some(connected) if connected() => BusState::Connected,
            Some(_) => BusState::Disconnected,
        }
    }

    /// This node has a bus from now on, whose state `probe` tells (set once).
    pub fn set_bus(&self, probe: BusProbe) {
        let _ = self.bus.set(probe);
    }
}

impl Default for Node {
    fn default() -> Self {
        Self::new("vaka")
    }
}

/// The job lease of this node (see `vaka_store::JobLease`): [`JobLease::hold`] every few
/// seconds keeps [`Node::holds_lease`] current.
pub struct JobLease {
    inner: Box<dyn vaka_store::JobLease>,
    node: Arc<Node>,
}

impl JobLease {
    /// Takes the lease if it is free, confirms it if held; a check that fails or takes longer
    /// than `timeout` loses it. Returns whether this node holds it now.
    pub async fn hold(&mut self, timeout: Duration) -> bool {
        let held = self.inner.hold(timeout).await;
        self.node.set_lease(held);
        held
    }

    /// Gives the lease up (at shutdown).
    pub async fn release(&mut self) {
        self.node.set_lease(false);
        self.inner.release().await;
    }
}

/// A node as the chain-health view shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NodeSeen {
    pub name: String,
    /// It runs the jobs that run once.
    pub lease_holder: bool,
    /// The node that answers this request.
    pub this_node: bool,
    /// Seconds since it was last heard of (0 for this node).
    pub heard_s: u64,
}

/// The other nodes of a cluster, as heard over the bus.
pub trait NodeRoster: Send + Sync + 'static {
    /// The other nodes heard lately.
    fn others(&self) -> Vec<NodeSeen>;
}

/// The hooks of [`Services`] for a cluster.
#[derive(Default)]
pub(crate) struct ClusterHooks {
    pub(crate) node: Arc<Node>,
    pub(crate) fanout: OnceLock<Arc<dyn ChangeFanout>>,
    pub(crate) roster: OnceLock<Arc<dyn NodeRoster>>,
}

impl Services {
    /// This node.
    pub fn node(&self) -> &Arc<Node> {
        &self.cluster.node
    }

    /// The lease of the jobs that run on one node at a time.
    pub async fn job_lease(&self) -> ServiceResult<JobLease> {
        Ok(JobLease {
            inner: self.door.job_lease().await?,
            node: self.cluster.node.clone(),
        })
    }

    /// Learns of the other nodes from `roster` from now on (set once, at start).
    pub fn set_node_roster(&self, roster: Arc<dyn NodeRoster>) {
        let _ = self.cluster.roster.set(roster);
    }

    /// This node and the others heard lately, by name (for the chain-health view, whose
    /// access rule covers it).
    pub(crate) fn cluster_nodes(&self) -> Vec<NodeSeen> {
        let node = &self.cluster.node;
        let mut nodes = vec![NodeSeen {
            name: node.name().to_owned(),
            lease_holder: node.holds_lease(),
            this_node: true,
            heard_s: 0,
        }];
        if let Some(r) = self.cluster.roster.get() {
            nodes.extend(r.others());
        }
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        nodes
    }

    /// Sends this node's changes to the other nodes from now on (set once, at start).
    pub fn set_change_fanout(&self, fanout: Arc<dyn ChangeFanout>) {
        let _ = self.cluster.fanout.set(fanout);
    }

    /// A change of `kind` committed on another node: wakes this node's live views (and drops
    /// what this node keeps of it), without telling the others again.
    pub fn changed_elsewhere(&self, kind: Change) {
        match kind {
            Change::Supervision => self.changes.send_modify(|n| *n = n.wrapping_add(1)),
            Change::Alarms => self.alarm_changes.send_modify(|n| *n = n.wrapping_add(1)),
            Change::Delegations => self
                .delegation_changes
                .send_modify(|n| *n = n.wrapping_add(1)),
            Change::Banners => self.banners.clear(),
        }
    }

    /// A change of `kind` committed here: wakes this node's views and tells the others.
    pub(crate) fn changed_here(&self, kind: Change) {
        self.changed_elsewhere(kind);
        if let Some(f) = self.cluster.fanout.get() {
            f.changed(kind);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_kind_travels_by_its_name_and_back() {
        use strum::IntoEnumIterator;
        for kind in Change::iter() {
            let name: &'static str = kind.into();
            assert_eq!(name.parse::<Change>().ok(), Some(kind), "{name}");
        }
        assert!("supervision".parse::<Change>().is_ok());
        assert!("nothing".parse::<Change>().is_err());
    }

    #[test]
    fn the_node_reports_its_lease_as_last_set_and_its_bus_as_probed_now() {
        let node = Node::new("n1");
        assert!(!node.holds_lease());
        assert_eq!(node.bus(), BusState::None);
        node.set_lease(true);
        assert!(node.holds_lease());
        let up = Arc::new(AtomicBool::new(false));
        let probe = up.clone();
        node.set_bus(Arc::new(move || probe.load(Ordering::Relaxed)));
        assert_eq!(node.bus(), BusState::Disconnected);
        up.store(true, Ordering::Relaxed);
        assert_eq!(node.bus(), BusState::Connected);
    }
}
