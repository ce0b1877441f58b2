//! Cameras across the nodes of a cluster, over core NATS: which node has which camera connected
//! (presence), and look-ins through a camera of another node. Core NATS only — no JetStream, no
//! store: a look-in's frames pass through NATS's memory as they pass through the hub's.
//!
//! Subjects (`<prefix>` is the installation's, `vaka` by default):
//! - `<prefix>.presence.cameras`: a node's instance (16 bytes), then 17 bytes for each camera
//!   connected to it and online (its 16, and a byte of how it is: [`Online::to_byte`]), every
//!   [`PRESENCE_EVERY`] and soon after a change, in chunks that fit NATS's payload limit. A
//!   camera is online cluster-wide while some node named it within [`PRESENCE_FOR`].
//! - `<prefix>.lookin.<instance>`: a request to the camera's node to start a look-in (the
//!   camera's 16 bytes, the look-in's 16 bytes); answered `ok`, `busy` or `offline` by that
//!   node's hub, which keeps the one-viewer rule.
//! - `<prefix>.frames.<look-in>`: the look-in's frames, from the camera's node to the viewer's;
//!   an empty message ends it.
//! - `<prefix>.lookin.end.<look-in>`: the viewer's node ends the look-in early.
//!
//! Door locks go the same way ([`locks`]). What one node asks of another (a look-in, its early
//! end, an unlock, a revocation) is sealed with the installation's key ([`seal`]).

pub mod locks;
pub mod seal;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::StreamExt;
use uuid::Uuid;
use vaka_domain::ids::DeviceId;

use crate::camera::{CameraHub, LookInRefused, Online, RemoteCameras};
use seal::NodeSeal;

/// How often a node says which cameras are connected to it.
pub const PRESENCE_EVERY: Duration = Duration::from_secs(3);
/// How long a node's word that a camera is connected to it holds: three missed reports.
pub const PRESENCE_FOR: Duration = Duration::from_secs(10);
/// Devices per presence message: 17 bytes each, well under NATS's 1 MiB default payload.
const PRESENCE_CHUNK: usize = 32_768;
/// Bytes per device in a presence message: its id and a byte of its state.
const PRESENCE_ENTRY: usize = 17;
/// How long the camera's node may take to answer a look-in's start.
const LOOK_IN_ANSWER: Duration = Duration::from_secs(2);
/// How long a look-in through another node's camera waits for a frame before it ends (a
/// camera sends five a second while looked at).
pub const FRAMES_SILENT: Duration = Duration::from_secs(5);
/// How soon after a camera connects or leaves here the others are told (changes within it are
/// told together).
const PRESENCE_SOONEST: Duration = Duration::from_millis(250);

/// A failed subscription (NATS refused or is gone).
#[derive(Debug, thiserror::Error)]
#[error("subscribing to NATS: {0}")]
pub struct SubscribeError(String);

/// This node's cameras and the other nodes', over NATS.
#[derive(Clone)]
pub struct CameraBus {
    client: async_nats::Client,
    prefix: String,
    /// This process (a restarted node is a new instance).
    instance: Uuid,
    /// Cameras connected to other nodes: which node (instance) said so, and when.
    presence: Presence,
    /// Bumped when another node's report arrived.
    presence_heard: Arc<tokio::sync::watch::Sender<u64>>,
    /// Seals this node's requests and checks the others'.
    seal: NodeSeal,
}

impl CameraBus {
    /// Over `client`, with subjects under `prefix`, the requests sealed with `seal`.
    pub fn new(client: async_nats::Client, prefix: &str, seal: NodeSeal) -> Self {
        Self {
            client,
            prefix: prefix.to_owned(),
            instance: Uuid::new_v4(),
            presence: Arc::default(),
            presence_heard: Arc::new(tokio::sync::watch::Sender::new(0)),
            seal,
        }
    }

    fn subject(&self, what: &str) -> String {
        format!("{}.{what}", self.prefix)
    }

    /// Says every [`PRESENCE_EVERY`] which cameras are online here, and keeps what the other
    /// nodes say.
    pub async fn share_presence(
        &self,
        hub: CameraHub,
    ) -> Result<tokio::task::JoinHandle<()>, SubscribeError> {
        let heard = self
            .client
            .subscribe(self.subject("presence.cameras"))
            .await
            .map_err(|e| SubscribeError(e.to_string()))?;
        let listen = hear_presence(
            heard,
            self.instance,
            self.presence.clone(),
            self.presence_heard.clone(),
        );
        let changes = hub.subscribe();
        let say = say_presence(
            self.client.clone(),
            self.subject("presence.cameras"),
            self.instance,
            changes,
            move || {
                hub.online_here()
                    .into_iter()
                    .map(|(d, o)| (d, o.to_byte()))
                    .collect()
            },
        );
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
        node_in(&self.presence, device).map(|(node, _)| node)
    }

    /// Serves the other nodes' look-ins through the cameras connected here, and lets `hub`
    /// start look-ins through the cameras of the other nodes.
    pub async fn share_look_ins(
        &self,
        hub: CameraHub,
    ) -> Result<tokio::task::JoinHandle<()>, SubscribeError> {
        let subject = self.subject(&format!("lookin.{}", self.instance));
        let mut requests = self
            .client
            .subscribe(subject.clone())
            .await
            .map_err(|e| SubscribeError(e.to_string()))?;
        hub.set_remote(Arc::new(self.clone()));
        let bus = self.clone();
        Ok(tokio::spawn(async move {
            while let Some(m) = requests.next().await {
                let Some(reply) = m.reply.clone() else {
                    continue;
                };
                let answer = match bus.seal.open(&subject, &m.payload).map(parse_ids) {
                    Ok(Some((device, look_in))) => bus.serve_look_in(&hub, device, look_in).await,
                    Ok(None) => "bad",
                    Err(why) => {
                        tracing::warn!(?why, "a look-in request on NATS without a valid seal");
                        "bad"
                    }
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
        hub: &CameraHub,
        device: DeviceId,
        look_in: Uuid,
    ) -> &'static str {
        let end_subject = self.subject(&format!("lookin.end.{look_in}"));
        let Ok(mut ended) = self.client.subscribe(end_subject.clone()).await else {
            return "offline";
        };
        let mut look = match hub.start_look_in(device) {
            Ok(l) => l,
            Err(LookInRefused::Busy) => return "busy",
            Err(LookInRefused::Offline) => return "offline",
        };
        let limit = look.ends_at + Duration::from_secs(2);
        let (client, subject, seal) = (
            self.client.clone(),
            self.subject(&format!("frames.{look_in}")),
            self.seal.clone(),
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
                    m = ended.next() => match m {
                        // Only the viewer's node ends it early.
                        Some(m) if seal.open(&end_subject, &m.payload).is_err() => {}
                        _ => break,
                    },
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
}

#[async_trait::async_trait]
impl RemoteCameras for CameraBus {
    fn online(&self, device: DeviceId) -> Option<Online> {
        node_in(&self.presence, device).map(|(_, state)| Online::from_byte(state))
    }

    async fn start_look_in(
        &self,
        device: DeviceId,
        look_in: Uuid,
        frames: tokio::sync::mpsc::Sender<bytes::Bytes>,
    ) -> Result<(), LookInRefused> {
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
        let subject = self.subject(&format!("lookin.{node}"));
        let sealed = self.seal.seal(&subject, &request);
        let asked = self.client.request(subject, sealed.into());
        let Ok(Ok(answer)) = tokio::time::timeout(LOOK_IN_ANSWER, asked).await else {
            forget_node(&self.presence, node);
            return Err(LookInRefused::Offline);
        };
        match &answer.payload[..] {
            b"ok" => {}
            b"busy" => return Err(LookInRefused::Busy),
            _ => return Err(LookInRefused::Offline),
        }
        tokio::spawn(async move {
            // No frame for FRAMES_SILENT: the camera's node died (it says nothing then); the
            // picture ends, as it does when a camera connected here drops.
            while let Ok(Some(m)) = tokio::time::timeout(FRAMES_SILENT, incoming.next()).await {
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
        let sealed = self.seal.seal(&subject, &[]);
        tokio::spawn(async move {
            let _ = client.publish(subject, sealed.into()).await;
        });
    }
}

/// Which node (instance) said which device is connected to it, when, and its state byte.
type Presence = Arc<Mutex<HashMap<DeviceId, (Uuid, Instant, u8)>>>;

/// Keeps what the other nodes say of their devices (cameras or locks) in `presence`, and bumps
/// `heard` at each report.
async fn hear_presence(
    mut heard: async_nats::Subscriber,
    me: Uuid,
    presence: Presence,
    heard_one: Arc<tokio::sync::watch::Sender<u64>>,
) {
    while let Some(m) = heard.next().await {
        let Some((from, devices)) = parse_presence(&m.payload) else {
            tracing::warn!("a presence message from NATS that no node sends");
            continue;
        };
        if from == me {
            continue;
        }
        let now = Instant::now();
        let mut p = presence.lock().unwrap_or_else(PoisonError::into_inner);
        p.retain(|_, (_, at, _)| now.duration_since(*at) < PRESENCE_FOR);
        for (d, state) in devices {
            p.insert(d, (from, now, state));
        }
        drop(p);
        heard_one.send_modify(|n| *n = n.wrapping_add(1));
    }
}

/// Says which devices are online here (`online`, with a byte of each one's state) every
/// [`PRESENCE_EVERY`], and at once (at most every [`PRESENCE_SOONEST`]) when they or their
/// states changed: a device whose node died and that came to this one is reachable through the
/// others as soon as it is here.
async fn say_presence(
    client: async_nats::Client,
    subject: String,
    me: Uuid,
    mut changes: tokio::sync::watch::Receiver<u64>,
    online: impl Fn() -> Vec<(DeviceId, u8)>,
) {
    let mut tick = tokio::time::interval(PRESENCE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut said: Vec<(DeviceId, u8)> = Vec::new();
    loop {
        let every = tokio::select! {
            _ = tick.tick() => true,
            r = changes.changed() => {
                if r.is_err() {
                    return;
                }
                tokio::time::sleep(PRESENCE_SOONEST).await;
                changes.mark_unchanged();
                false
            }
        };
        let mut now_online = online();
        now_online.sort_unstable();
        if !every && now_online == said {
            continue;
        }
        for payload in presence_messages(me, &now_online) {
            if let Err(e) = client.publish(subject.clone(), payload.into()).await {
                tracing::debug!(error = %e, "presence not sent");
            }
        }
        said = now_online;
    }
}

/// The node that said within [`PRESENCE_FOR`] that `device` is online there, and the state
/// byte it said.
fn node_in(presence: &Presence, device: DeviceId) -> Option<(Uuid, u8)> {
    presence
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&device)
        .filter(|(_, at, _)| at.elapsed() < PRESENCE_FOR)
        .map(|(node, _, state)| (*node, *state))
}

/// A node that answers no request (it died, or hangs): its word on its devices no longer counts;
/// they are online again when the node they reconnect to says so.
fn forget_node(presence: &Presence, node: Uuid) {
    presence
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .retain(|_, (n, _, _)| *n != node);
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

fn presence_messages(instance: Uuid, devices: &[(DeviceId, u8)]) -> Vec<Vec<u8>> {
    let message = |chunk: &[(DeviceId, u8)]| {
        let mut m = Vec::with_capacity(16 + PRESENCE_ENTRY * chunk.len());
        m.extend_from_slice(instance.as_bytes());
        for (d, state) in chunk {
            m.extend_from_slice(d.0.as_bytes());
            m.push(*state);
        }
        m
    };
    if devices.is_empty() {
        return Vec::new();
    }
    devices.chunks(PRESENCE_CHUNK).map(message).collect()
}

fn parse_presence(payload: &[u8]) -> Option<(Uuid, Vec<(DeviceId, u8)>)> {
    let (from, entries) = payload.split_at_checked(16)?;
    if !entries.len().is_multiple_of(PRESENCE_ENTRY) {
        return None;
    }
    let from = Uuid::from_slice(from).ok()?;
    let devices = entries
        .chunks_exact(PRESENCE_ENTRY)
        .map(|e| Some((DeviceId(Uuid::from_slice(&e[..16]).ok()?), e[16])))
        .collect::<Option<Vec<_>>>()?;
    Some((from, devices))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_goes_in_chunks_that_each_name_the_sender() {
        let me = Uuid::new_v4();
        assert!(presence_messages(me, &[]).is_empty());
        let cameras: Vec<(DeviceId, u8)> = (0..PRESENCE_CHUNK + 3)
            .map(|i| (DeviceId(Uuid::new_v4()), u8::try_from(i % 7).unwrap()))
            .collect();
        let messages = presence_messages(me, &cameras);
        assert_eq!(messages.len(), 2);
        assert!(
            messages
                .iter()
                .all(|m| m.len() <= 16 + PRESENCE_ENTRY * PRESENCE_CHUNK)
        );
        // Under NATS's default payload limit of 1 MiB.
        assert!(messages.iter().all(|m| m.len() < 1 << 20));
        let mut back = Vec::new();
        for m in &messages {
            let (from, c) = parse_presence(m).unwrap();
            assert_eq!(from, me);
            back.extend(c);
        }
        assert_eq!(back, cameras);
        assert_eq!(parse_presence(&messages[1][..20]), None);
        assert_eq!(parse_presence(&messages[1][..16 + 16]), None);
        assert_eq!(parse_presence(b"short"), None);
        // A node with nothing to say says only its name, which parses to no device.
        assert_eq!(parse_presence(me.as_bytes()), Some((me, Vec::new())));
    }
}
