//! Several Vaka nodes over one PostgreSQL: the messages between them over core NATS, and the
//! job lease that lets exactly one of them run the jobs that must run once.
//!
//! Core NATS only — no JetStream, no key-value store: what passes between nodes is a wake-up
//! call (which kind of thing changed) and which cameras are connected where, never a record,
//! and nothing of it is stored. The state itself is in PostgreSQL; a node that misses a
//! message (NATS restarting) only shows a change late, at its view's next reconnect.
//!
//! Subjects (`<prefix>` is the `nats_prefix` setting, `vaka` by default):
//! - `<prefix>.changes`: `<kind> <instance>` after a change committed (see
//!   [`vaka_service::cluster::Change`]); each node ignores its own.
//! - the cameras' subjects: presence and look-ins across nodes, in [`vaka_gateway::cluster`];
//!   the door locks': presence, unlocks and revocations across nodes, in
//!   [`vaka_gateway::cluster::locks`].

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use uuid::Uuid;
use vaka_service::Services;
use vaka_service::cluster::{Change, ChangeFanout};

pub use vaka_gateway::cluster::{PRESENCE_EVERY, PRESENCE_FOR};
/// How often the job lease is taken or confirmed, and how long a check may take.
pub const LEASE_EVERY: Duration = Duration::from_secs(5);

/// This node's link to the others.
#[derive(Clone)]
pub struct Bus {
    client: async_nats::Client,
    prefix: String,
    /// This process (a restarted node is a new instance).
    instance: Uuid,
    /// The cameras of this node and the others.
    cameras: vaka_gateway::cluster::CameraBus,
    /// The door locks of this node and the others.
    locks: vaka_gateway::cluster::locks::LockBus,
    /// The other nodes heard: their name, whether they hold the job lease, and when.
    nodes: Arc<std::sync::Mutex<std::collections::HashMap<Uuid, HeardNode>>>,
    /// Bumped when another node's report arrived.
    nodes_heard: Arc<tokio::sync::watch::Sender<u64>>,
}

/// Another node as last heard: its name, whether it holds the job lease, and when.
type HeardNode = (String, bool, std::time::Instant);

impl Bus {
    /// Connects to NATS at `url` (retrying in the background when it is not up yet: the node
    /// serves meanwhile) and keeps `services.node()`'s bus state current. What this node asks of
    /// the others is sealed with `seal`, and it acts only on what `seal` opens (the nodes of an
    /// installation share it: [`vaka_gateway::cluster::seal::NodeSeal::for_installation`]).
    pub async fn connect(
        url: &str,
        prefix: &str,
        services: &Services,
        seal: vaka_gateway::cluster::seal::NodeSeal,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            !prefix.is_empty()
                && prefix
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
            "nats_prefix: letters, digits, '_' and '-' only"
        );
        let node = services.node().clone();
        let client = async_nats::ConnectOptions::new()
            .name(format!("vaka {}", node.name()))
            .retry_on_initial_connect()
            .event_callback(|event| async move {
                match event {
                    async_nats::Event::Connected => tracing::info!("NATS connected"),
                    async_nats::Event::Disconnected => tracing::warn!("NATS disconnected"),
                    other => tracing::debug!(event = %other, "NATS"),
                }
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("nats_url: {e}"))?;
        let probe = client.clone();
        node.set_bus(Arc::new(move || {
            probe.connection_state() == async_nats::connection::State::Connected
        }));
        Ok(Self {
            cameras: vaka_gateway::cluster::CameraBus::new(client.clone(), prefix, seal.clone()),
            locks: vaka_gateway::cluster::locks::LockBus::new(client.clone(), prefix, seal),
            client,
            prefix: prefix.to_owned(),
            instance: Uuid::new_v4(),
            nodes: Arc::default(),
            nodes_heard: Arc::new(tokio::sync::watch::Sender::new(0)),
        })
    }

    fn subject(&self, what: &str) -> String {
        format!("{}.{what}", self.prefix)
    }

    /// Sends this node's changes to the others and wakes this node's live views on theirs.
    pub async fn share_changes(
        &self,
        services: &Services,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let mut changes = self
            .client
            .subscribe(self.subject("changes"))
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to NATS: {e}"))?;
        services.set_change_fanout(Arc::new(NatsFanout {
            client: self.client.clone(),
            subject: self.subject("changes"),
            instance: self.instance,
        }));
        let (services, me) = (services.clone(), self.instance);
        Ok(tokio::spawn(async move {
            while let Some(m) = changes.next().await {
                match parse_change(&m.payload) {
                    Some((_, from)) if from == me => {}
                    Some((kind, _)) => services.changed_elsewhere(kind),
                    None => tracing::warn!("a change message from NATS that no node sends"),
                }
            }
        }))
    }

    /// Says every [`PRESENCE_EVERY`] that this node is here (its name, whether it holds the job
    /// lease) on `<prefix>.nodes`, and keeps what the others say, for the chain-health view.
    pub async fn share_nodes(
        &self,
        services: &Services,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let mut heard = self
            .client
            .subscribe(self.subject("nodes"))
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to NATS: {e}"))?;
        services.set_node_roster(Arc::new(self.clone()));
        let (nodes, me, heard_one) = (self.nodes.clone(), self.instance, self.nodes_heard.clone());
        let listen = async move {
            while let Some(m) = heard.next().await {
                match parse_node(&m.payload) {
                    Some((from, _, _)) if from == me => {}
                    Some((from, holder, name)) => {
                        let now = std::time::Instant::now();
                        let mut n = nodes
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner);
                        n.retain(|_, (_, _, at)| now.duration_since(*at) < PRESENCE_FOR);
                        n.insert(from, (name, holder, now));
                        drop(n);
                        heard_one.send_modify(|c| *c = c.wrapping_add(1));
                    }
                    None => tracing::warn!("a node message from NATS that no node sends"),
                }
            }
        };
        let (client, subject, node) = (
            self.client.clone(),
            self.subject("nodes"),
            services.node().clone(),
        );
        let say = async move {
            let mut tick = tokio::time::interval(PRESENCE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let m = node_message(me, node.holds_lease(), node.name());
                if let Err(e) = client.publish(subject.clone(), m.into()).await {
                    tracing::debug!(error = %e, "node report not sent");
                }
            }
        };
        Ok(tokio::spawn(async move {
            tokio::join!(listen, say);
        }))
    }

    /// Says which cameras are online here every [`PRESENCE_EVERY`], and keeps what the other
    /// nodes say (see [`vaka_gateway::cluster`]).
    pub async fn share_presence(
        &self,
        hub: vaka_gateway::camera::CameraHub,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        Ok(self.cameras.share_presence(hub).await?)
    }

    /// Serves the other nodes' look-ins through this node's cameras, and lets `hub` reach the
    /// cameras of the others.
    pub async fn share_look_ins(
        &self,
        hub: vaka_gateway::camera::CameraHub,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        Ok(self.cameras.share_look_ins(hub).await?)
    }

    /// Shares this node's door locks with the others and lets `hub` reach theirs: an unlock
    /// through any node reaches the lock where it is connected, and a revocation on any node
    /// reaches it too.
    pub async fn share_locks(
        &self,
        hub: vaka_gateway::lock::LockHub,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        Ok(self.locks.share(hub).await?)
    }

    /// Counts the login attempts made on the other nodes here, and tells them this node's:
    /// the limit per address holds for the cluster (`<prefix>.login.attempts`: the sender's
    /// instance, then the address).
    pub async fn share_login_attempts(
        &self,
        state: &vaka_web::AppState,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let mut heard = self
            .client
            .subscribe(self.subject("login.attempts"))
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to NATS: {e}"))?;
        let (client, subject, me) = (
            self.client.clone(),
            self.subject("login.attempts"),
            self.instance,
        );
        state.login_limiter.set_share(Arc::new(move |ip| {
            let payload = format!("{me} {ip}");
            let (client, subject) = (client.clone(), subject.clone());
            tokio::spawn(async move {
                if let Err(e) = client.publish(subject, payload.into()).await {
                    tracing::debug!(error = %e, "a login attempt not told to the other nodes");
                }
            });
        }));
        let state = state.clone();
        Ok(tokio::spawn(async move {
            while let Some(m) = heard.next().await {
                match parse_attempt(&m.payload) {
                    Some((from, _)) if from == me => {}
                    Some((_, ip)) => state.login_limiter.heard_elsewhere(ip),
                    None => tracing::warn!("a login attempt from NATS that no node sends"),
                }
            }
        }))
    }

    /// A receiver that wakes when another node's report of its locks arrived.
    pub fn lock_presence_heard(&self) -> tokio::sync::watch::Receiver<u64> {
        self.locks.presence_heard()
    }

    /// Whether another node said lately that `device` is online there.
    pub fn online_elsewhere(&self, device: vaka_domain::ids::DeviceId) -> bool {
        self.cameras.online_elsewhere(device)
    }

    /// A receiver that wakes when another node's report of itself arrived.
    pub fn nodes_heard(&self) -> tokio::sync::watch::Receiver<u64> {
        self.nodes_heard.subscribe()
    }

    /// A receiver that wakes when another node's camera report arrived.
    pub fn presence_heard(&self) -> tokio::sync::watch::Receiver<u64> {
        self.cameras.presence_heard()
    }

    /// Sends what is queued (at shutdown).
    pub async fn flush(&self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.client.flush()).await;
    }
}

fn parse_attempt(payload: &[u8]) -> Option<(Uuid, std::net::IpAddr)> {
    let (from, ip) = std::str::from_utf8(payload).ok()?.split_once(' ')?;
    Some((from.parse().ok()?, ip.parse().ok()?))
}

impl vaka_service::cluster::NodeRoster for Bus {
    fn others(&self) -> Vec<vaka_service::cluster::NodeSeen> {
        let nodes = self
            .nodes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A restarted node is a new instance under the same name: the latest word counts.
        let mut latest: std::collections::HashMap<&str, (bool, std::time::Instant)> =
            std::collections::HashMap::new();
        for (name, holder, at) in nodes.values() {
            if at.elapsed() >= PRESENCE_FOR {
                continue;
            }
            let e = latest.entry(name).or_insert((*holder, *at));
            if *at > e.1 {
                *e = (*holder, *at);
            }
        }
        latest
            .into_iter()
            .map(|(name, (holder, at))| vaka_service::cluster::NodeSeen {
                name: name.to_owned(),
                lease_holder: holder,
                this_node: false,
                heard_s: at.elapsed().as_secs(),
            })
            .collect()
    }
}

fn node_message(instance: Uuid, holder: bool, name: &str) -> String {
    format!("{instance} {} {name}", u8::from(holder))
}

fn parse_node(payload: &[u8]) -> Option<(Uuid, bool, String)> {
    let text = std::str::from_utf8(payload).ok()?;
    let mut parts = text.splitn(3, ' ');
    let from = Uuid::parse_str(parts.next()?).ok()?;
    let holder = match parts.next()? {
        "1" => true,
        "0" => false,
        _ => return None,
    };
    let name = parts.next()?.trim();
    (!name.is_empty()).then(|| (from, holder, name.to_owned()))
}

struct NatsFanout {
    client: async_nats::Client,
    subject: String,
    instance: Uuid,
}

impl ChangeFanout for NatsFanout {
    fn changed(&self, kind: Change) {
        let (client, subject) = (self.client.clone(), self.subject.clone());
        let payload = change_message(kind, self.instance);
        // Publishing only queues the message for the connection's writer; a change made
        // while NATS is away is not sent (the other nodes' views catch up at their reconnect).
        tokio::spawn(async move {
            if let Err(e) = client.publish(subject, payload.into()).await {
                tracing::debug!(error = %e, "change not sent to the other nodes");
            }
        });
    }
}

fn change_message(kind: Change, instance: Uuid) -> String {
    let name: &'static str = kind.into();
    format!("{name} {instance}")
}

fn parse_change(payload: &[u8]) -> Option<(Change, Uuid)> {
    let text = std::str::from_utf8(payload).ok()?;
    let (kind, from) = text.split_once(' ')?;
    Some((kind.parse().ok()?, Uuid::parse_str(from).ok()?))
}

/// Keeps this node's job lease current every [`LEASE_EVERY`] (taking it when it is free)
/// until `stop` fires, then gives it up. The first check has been made when this returns.
pub async fn keep_job_lease(
    services: &Services,
    stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let mut lease = services
        .job_lease()
        .await
        .map_err(|e| anyhow::anyhow!("the job lease: {e}"))?;
    let node = services.node().clone();
    let report = {
        let node = node.clone();
        move |held: bool| {
            metrics::gauge!("vaka_node_lease_holder").set(if held { 1.0 } else { 0.0 });
            let bus = match node.bus() {
                vaka_service::cluster::BusState::None => -1.0,
                vaka_service::cluster::BusState::Disconnected => 0.0,
                vaka_service::cluster::BusState::Connected => 1.0,
            };
            metrics::gauge!("vaka_node_bus_connected").set(bus);
        }
    };
    report(lease.hold(LEASE_EVERY).await);
    tracing::info!(
        node = node.name(),
        holder = node.holds_lease(),
        "job lease checked"
    );
    let mut stop = stop;
    Ok(tokio::spawn(async move {
        let mut tick = tokio::time::interval(LEASE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = tick.tick() => report(lease.hold(LEASE_EVERY).await),
                _ = stop.changed() => break,
            }
        }
        lease.release().await;
        report(false);
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_message_names_the_instance_the_lease_and_the_name() {
        let me = Uuid::new_v4();
        let m = node_message(me, true, "node 1");
        assert_eq!(parse_node(m.as_bytes()), Some((me, true, "node 1".into())));
        let m = node_message(me, false, "n2");
        assert_eq!(parse_node(m.as_bytes()), Some((me, false, "n2".into())));
        assert_eq!(parse_node(format!("{me} 2 n").as_bytes()), None);
        assert_eq!(parse_node(format!("{me} 1 ").as_bytes()), None);
        assert_eq!(parse_node(b"x 1 n"), None);
    }

    #[test]
    fn a_login_attempt_names_its_sender_and_address() {
        let me = Uuid::new_v4();
        let ip: std::net::IpAddr = "2001:db8::7".parse().unwrap();
        assert_eq!(
            parse_attempt(format!("{me} {ip}").as_bytes()),
            Some((me, ip))
        );
        assert_eq!(parse_attempt(format!("{me} 300.1.1.1").as_bytes()), None);
        assert_eq!(parse_attempt(format!("{me}").as_bytes()), None);
        assert_eq!(parse_attempt(b"x 192.0.2.1"), None);
    }

    #[test]
    fn a_change_message_names_its_kind_and_sender_and_nothing_else_parses() {
        let me = Uuid::new_v4();
        let m = change_message(Change::Alarms, me);
        assert_eq!(parse_change(m.as_bytes()), Some((Change::Alarms, me)));
        assert_eq!(parse_change(b"alarms"), None);
        assert_eq!(parse_change(b"alarms not-a-uuid"), None);
        assert_eq!(parse_change(format!("fire {me}").as_bytes()), None);
        assert_eq!(parse_change(&[0xff, 0x20, 0x41]), None);
    }
}
