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
//! - `<prefix>.presence.cameras`: this instance's 16 bytes, then 16 bytes for each camera
//!   connected to it and online, every [`PRESENCE_EVERY`], in chunks that fit NATS's payload
//!   limit. A camera is online cluster-wide while some node named it within
//!   [`PRESENCE_FOR`].
//! - `<prefix>.lookin.<instance>`: a request to the camera's node to start a look-in (the
//!   camera's 16 bytes, the look-in's 16 bytes); answered `ok`, `busy` or `offline` by that
//!   node's hub, which keeps the one-viewer rule.
//! - `<prefix>.frames.<look-in>`: the look-in's frames, from the camera's node to the viewer's,
//!   over core NATS (in memory only: never JetStream, never a store); an empty message ends it.
//! - `<prefix>.lookin.end.<look-in>`: the viewer's node ends the look-in early.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::StreamExt;
use uuid::Uuid;
use vaka_domain::ids::DeviceId;
use vaka_service::Services;
use vaka_service::cluster::{Change, ChangeFanout};

/// How often a node says which cameras are connected to it.
pub const PRESENCE_EVERY: Duration = Duration::from_secs(3);
/// How long a node's word that a camera is connected to it holds: three missed reports.
pub const PRESENCE_FOR: Duration = Duration::from_secs(10);
/// Cameras per presence message: 16 bytes each, well under NATS's 1 MiB default payload.
const PRESENCE_CHUNK: usize = 32_768;
/// How long the camera's node may take to answer a look-in's start.
const LOOK_IN_ANSWER: Duration = Duration::from_secs(2);
/// How often the job lease is taken or confirmed, and how long a check may take.
pub const LEASE_EVERY: Duration = Duration::from_secs(5);

/// This node's link to the others.
#[derive(Clone)]
pub struct Bus {
    client: async_nats::Client,
    prefix: String,
    /// This process (a restarted node is a new instance).
    instance: Uuid,
    /// Cameras connected to other nodes: which node (instance) said so, and when.
    presence: Arc<Mutex<HashMap<DeviceId, (Uuid, Instant)>>>,
    /// Bumped when another node's report arrived.
    presence_heard: Arc<tokio::sync::watch::Sender<u64>>,
}

impl Bus {
    /// Connects to NATS at `url` (retrying in the background when it is not up yet: the node
    /// serves meanwhile) and keeps `services.node()`'s bus state current.
    pub async fn connect(url: &str, prefix: &str, services: &Services) -> anyhow::Result<Self> {
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
            client,
            prefix: prefix.to_owned(),
            instance: Uuid::new_v4(),
            presence: Arc::default(),
            presence_heard: Arc::new(tokio::sync::watch::Sender::new(0)),
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

    /// Says every [`PRESENCE_EVERY`] which cameras are online here, and keeps what the other
    /// nodes say.
    pub async fn share_presence(
        &self,
        hub: vaka_gateway::camera::CameraHub,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let mut heard = self
            .client
            .subscribe(self.subject("presence.cameras"))
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to NATS: {e}"))?;
        let listen = {
            let (presence, me) = (self.presence.clone(), self.instance);
            let heard_one = self.presence_heard.clone();
            async move {
                while let Some(m) = heard.next().await {
                    let Some((from, cameras)) = parse_presence(&m.payload) else {
                        tracing::warn!("a presence message from NATS that no node sends");
                        continue;
                    };
                    if from == me {
                        continue;
                    }
                    let now = Instant::now();
                    let mut p = presence.lock().unwrap_or_else(PoisonError::into_inner);
                    p.retain(|_, (_, at)| now.duration_since(*at) < PRESENCE_FOR);
                    for d in cameras {
                        p.insert(d, (from, now));
                    }
                    drop(p);
                    heard_one.send_modify(|n| *n = n.wrapping_add(1));
                }
            }
        };
        let (client, subject, me) = (
            self.client.clone(),
            self.subject("presence.cameras"),
            self.instance,
        );
        let say = async move {
            let mut tick = tokio::time::interval(PRESENCE_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                for payload in presence_messages(me, &hub.online()) {
                    if let Err(e) = client.publish(subject.clone(), payload.into()).await {
                        tracing::debug!(error = %e, "presence not sent");
                    }
                }
            }
        };
        Ok(tokio::spawn(async move {
            tokio::join!(listen, say);
        }))
    }

    /// Whether another node said within [`PRESENCE_FOR`] that `device` is online there.
    pub fn online_elsewhere(&self, device: DeviceId) -> bool {
        self.node_of(device).is_some()
    }

    /// The node (instance) that said within [`PRESENCE_FOR`] that `device` is online there.
    fn node_of(&self, device: DeviceId) -> Option<Uuid> {
        self.presence
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&device)
            .filter(|(_, at)| at.elapsed() < PRESENCE_FOR)
            .map(|(node, _)| *node)
    }

    /// Serves the other nodes' look-ins through the cameras connected here, and lets `hub`
    /// start look-ins through the cameras of the other nodes.
    pub async fn share_look_ins(
        &self,
        hub: vaka_gateway::camera::CameraHub,
    ) -> anyhow::Result<tokio::task::JoinHandle<()>> {
        let mut requests = self
            .client
            .subscribe(self.subject(&format!("lookin.{}", self.instance)))
            .await
            .map_err(|e| anyhow::anyhow!("subscribing to NATS: {e}"))?;
        hub.set_remote(Arc::new(self.clone()));
        let bus = self.clone();
        Ok(tokio::spawn(async move {
            while let Some(m) = requests.next().await {
                let Some(reply) = m.reply.clone() else {
                    continue;
                };
                let answer = match parse_ids(&m.payload) {
                    Some((device, look_in)) => bus.serve_look_in(&hub, device, look_in).await,
                    None => "bad",
                };
                if let Err(e) = bus.client.publish(reply, answer.into()).await {
                    tracing::debug!(error = %e, "a look-in's answer not sent");
                }
            }
        }))
    }

    /// Starts look-in `look_in` through `device` here for another node: its frames go out on
    /// NATS until the camera stops, the viewer's node ends it, or the limit (and 2 s) passed.
    async fn serve_look_in(
        &self,
        hub: &vaka_gateway::camera::CameraHub,
        device: DeviceId,
        look_in: Uuid,
    ) -> &'static str {
        use vaka_gateway::camera::LookInRefused;
        let Ok(mut ended) = self
            .client
            .subscribe(self.subject(&format!("lookin.end.{look_in}")))
            .await
        else {
            return "offline";
        };
        let mut look = match hub.start_look_in(device) {
            Ok(l) => l,
            Err(LookInRefused::Busy) => return "busy",
            Err(LookInRefused::Offline) => return "offline",
        };
        let limit = look.ends_at + Duration::from_secs(2);
        let (client, subject) = (
            self.client.clone(),
            self.subject(&format!("frames.{look_in}")),
        );
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    frame = look.frames.recv() => {
                        let Some(f) = frame else {
                            let _ = client.publish(subject.clone(), bytes::Bytes::new()).await;
                            break;
                        };
                        if client.publish(subject.clone(), f).await.is_err() {
                            break;
                        }
                    }
                    _ = ended.next() => break,
                    () = tokio::time::sleep_until(limit) => break,
                }
            }
            // Dropping the look-in ends it here and tells the camera to stop.
            drop(look);
        });
        "ok"
    }

    /// A receiver that wakes when another node's camera report arrived.
    pub fn presence_heard(&self) -> tokio::sync::watch::Receiver<u64> {
        self.presence_heard.subscribe()
    }

    /// Sends what is queued (at shutdown).
    pub async fn flush(&self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), self.client.flush()).await;
    }
}

#[async_trait::async_trait]
impl vaka_gateway::camera::RemoteCameras for Bus {
    fn is_online(&self, device: DeviceId) -> bool {
        self.online_elsewhere(device)
    }

    async fn start_look_in(
        &self,
        device: DeviceId,
        look_in: Uuid,
        frames: tokio::sync::mpsc::Sender<bytes::Bytes>,
    ) -> Result<(), vaka_gateway::camera::LookInRefused> {
        use vaka_gateway::camera::LookInRefused;
        let node = self.node_of(device).ok_or(LookInRefused::Offline)?;
        // Listen for the frames before asking for them.
        let mut incoming = self
            .client
            .subscribe(self.subject(&format!("frames.{look_in}")))
            .await
            .map_err(|_| LookInRefused::Offline)?;
        let mut request = Vec::with_capacity(32);
        request.extend_from_slice(device.0.as_bytes());
        request.extend_from_slice(look_in.as_bytes());
        let asked = self
            .client
            .request(self.subject(&format!("lookin.{node}")), request.into());
        let answer = tokio::time::timeout(LOOK_IN_ANSWER, asked)
            .await
            .map_err(|_| LookInRefused::Offline)?
            .map_err(|_| LookInRefused::Offline)?;
        match &answer.payload[..] {
            b"ok" => {}
            b"busy" => return Err(LookInRefused::Busy),
            _ => return Err(LookInRefused::Offline),
        }
        tokio::spawn(async move {
            while let Some(m) = incoming.next().await {
                // An empty message: the camera's node ended the look-in.
                if m.payload.is_empty() || frames.send(m.payload).await.is_err() {
                    break;
                }
            }
        });
        Ok(())
    }

    fn end_look_in(&self, _device: DeviceId, look_in: Uuid) {
        let (client, subject) = (
            self.client.clone(),
            self.subject(&format!("lookin.end.{look_in}")),
        );
        tokio::spawn(async move {
            let _ = client.publish(subject, bytes::Bytes::new()).await;
        });
    }
}

fn parse_ids(payload: &[u8]) -> Option<(DeviceId, Uuid)> {
    if payload.len() != 32 {
        return None;
    }
    Some((
        DeviceId(Uuid::from_slice(&payload[..16]).ok()?),
        Uuid::from_slice(&payload[16..]).ok()?,
    ))
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

fn presence_messages(instance: Uuid, cameras: &[DeviceId]) -> Vec<Vec<u8>> {
    let message = |chunk: &[DeviceId]| {
        let mut m = Vec::with_capacity(16 * (chunk.len() + 1));
        m.extend_from_slice(instance.as_bytes());
        for d in chunk {
            m.extend_from_slice(d.0.as_bytes());
        }
        m
    };
    if cameras.is_empty() {
        return Vec::new();
    }
    cameras.chunks(PRESENCE_CHUNK).map(message).collect()
}

fn parse_presence(payload: &[u8]) -> Option<(Uuid, Vec<DeviceId>)> {
    if payload.len() < 16 || !payload.len().is_multiple_of(16) {
        return None;
    }
    let mut ids = payload.chunks_exact(16).map(|c| Uuid::from_slice(c).ok());
    let from = ids.next()??;
    let cameras = ids.map(|u| u.map(DeviceId)).collect::<Option<Vec<_>>>()?;
    Some((from, cameras))
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
    let report = move |held: bool| {
        metrics::gauge!("vaka_node_lease_holder").set(if held { 1.0 } else { 0.0 });
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
    fn a_change_message_names_its_kind_and_sender_and_nothing_else_parses() {
        let me = Uuid::new_v4();
        let m = change_message(Change::Alarms, me);
        assert_eq!(parse_change(m.as_bytes()), Some((Change::Alarms, me)));
        assert_eq!(parse_change(b"alarms"), None);
        assert_eq!(parse_change(b"alarms not-a-uuid"), None);
        assert_eq!(parse_change(format!("fire {me}").as_bytes()), None);
        assert_eq!(parse_change(&[0xff, 0x20, 0x41]), None);
    }

    #[test]
    fn presence_goes_in_chunks_that_each_name_the_sender() {
        let me = Uuid::new_v4();
        assert!(presence_messages(me, &[]).is_empty());
        let cameras: Vec<DeviceId> = (0..PRESENCE_CHUNK + 3)
            .map(|_| DeviceId(Uuid::new_v4()))
            .collect();
        let messages = presence_messages(me, &cameras);
        assert_eq!(messages.len(), 2);
        assert!(
            messages
                .iter()
                .all(|m| m.len() <= 16 * (PRESENCE_CHUNK + 1))
        );
        let mut back = Vec::new();
        for m in &messages {
            let (from, c) = parse_presence(m).unwrap();
            assert_eq!(from, me);
            back.extend(c);
        }
        assert_eq!(back, cameras);
        assert_eq!(parse_presence(&messages[1][..20]), None);
        assert_eq!(parse_presence(b"short"), None);
    }
}
