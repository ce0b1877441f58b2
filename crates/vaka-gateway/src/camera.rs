//! The camera gateway: the hub of connected cameras, and the loop that serves one camera's
//! WebSocket.
//!
//! Frames pass through here as reference-counted byte buffers handed from the camera's socket
//! to the viewer's channel; they are never copied to disk, database or logs, and a viewer that
//! falls behind loses frames rather than making the gateway buffer them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use bytes::Bytes;
use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{Duration, Instant};
use uuid::Uuid;
use vaka_camera_protocol::{
    Action, CameraState, Connection, DEFAULT_MAX_FRAME_BYTES, FRAME_HEADER_BYTES, encode,
};
use vaka_domain::ids::DeviceId;
use vaka_domain::reason::{Reason, SupervisionReason};

/// The gateway's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CameraSettings {
    pub heartbeat_seconds: u32,
    pub max_frame_bytes: usize,
    /// How long a look-in lasts at most (10–60 s, default 30).
    pub look_in_seconds: u32,
    pub frames_per_second: u32,
    /// Frames waiting for a slow viewer before newer ones are dropped.
    pub viewer_buffer: usize,
}

impl Default for CameraSettings {
    fn default() -> Self {
        Self {
            heartbeat_seconds: 30,
            max_frame_bytes: DEFAULT_MAX_FRAME_BYTES,
            look_in_seconds: 30,
            frames_per_second: 5,
            viewer_buffer: 8,
        }
    }
}

/// What the hub knows of a connected camera.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraStatus {
    pub model: Option<String>,
    pub firmware: Option<String>,
    pub state: Option<CameraState>,
    pub viewing: bool,
}

/// A camera online somewhere in the cluster, as the device pages show it: how it points,
/// whether someone is looking through it, and whether it is connected to this node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Online {
    /// How it points (`None` until it has said).
    pub state: Option<CameraState>,
    /// A look-in is under way.
    pub viewing: bool,
    /// Connected to this node (else to another node of the cluster).
    pub here: bool,
}

impl Online {
    /// The byte the other nodes are told: bits 0–1 the state (0 not said, 1 privacy,
    /// 2 active), bit 2 a look-in under way.
    #[must_use]
    pub fn to_byte(self) -> u8 {
        let state = match self.state {
            None => 0,
            Some(CameraState::Privacy) => 1,
            Some(CameraState::Active) => 2,
        };
        state | (u8::from(self.viewing) << 2)
    }

    /// What another node said of one of its cameras ([`Self::to_byte`]); bits it does not
    /// know are ignored.
    #[must_use]
    pub fn from_byte(b: u8) -> Self {
        Self {
            state: match b & 0b11 {
                1 => Some(CameraState::Privacy),
                2 => Some(CameraState::Active),
                _ => None,
            },
            viewing: b & 0b100 != 0,
            here: false,
        }
    }
}

/// Why a look-in cannot start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookInRefused {
    /// The camera is not connected (or has not said hello).
    Offline,
    /// Someone is already looking: one viewer at a time.
    Busy,
}

impl LookInRefused {
    /// Why, as a typed reason the pages word in their language.
    pub fn reason(self) -> SupervisionReason {
        match self {
            LookInRefused::Offline => SupervisionReason::CameraOffline,
            LookInRefused::Busy => SupervisionReason::CameraBusy,
        }
    }
}

impl From<LookInRefused> for Reason {
    fn from(r: LookInRefused) -> Self {
        r.reason().into()
    }
}

/// In English, for logs and the gateway's own answers to tools.
impl std::fmt::Display for LookInRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LookInRefused::Offline => "the camera is not connected",
            LookInRefused::Busy => "someone is already looking in through this camera",
        })
    }
}

enum Command {
    Start { look_in: Uuid },
    Stop { look_in: Uuid },
}

struct Live {
    conn: u64,
    commands: mpsc::UnboundedSender<Command>,
    status: CameraStatus,
    viewer: Option<(Uuid, mpsc::Sender<Bytes>)>,
}

#[derive(Default)]
struct Inner {
    next_conn: u64,
    cameras: HashMap<DeviceId, Live>,
}

/// Cameras connected to other nodes of a cluster, as this node reaches them (the server
/// implements it over NATS). A look-in through a camera of another node is started, and its
/// one-viewer rule kept, by that node's hub; the frames come back to `frames` in memory only.
#[async_trait::async_trait]
pub trait RemoteCameras: Send + Sync + 'static {
    /// The camera, when another node has it connected and online.
    fn online(&self, device: DeviceId) -> Option<Online>;
    /// Starts look-in `look_in` through the camera on its node; its frames go to `frames`
    /// until the look-in ends (the limit, the camera stopping, or [`Self::end_look_in`]).
    async fn start_look_in(
        &self,
        device: DeviceId,
        look_in: Uuid,
        frames: mpsc::Sender<Bytes>,
    ) -> Result<(), LookInRefused>;
    /// Ends the look-in on the camera's node (idempotent).
    fn end_look_in(&self, device: DeviceId, look_in: Uuid);
}

/// The connected cameras.
#[derive(Clone)]
pub struct CameraHub {
    inner: Arc<Mutex<Inner>>,
    /// The other nodes' cameras, in a cluster.
    remote: Arc<std::sync::OnceLock<Arc<dyn RemoteCameras>>>,
    /// Bumped on every change, for whoever shows cameras live.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    pub settings: CameraSettings,
}

/// A running look-in: frames arrive on `frames` until the limit, the camera stopping, or the
/// look-in being dropped (which tells the camera to stop).
pub struct LookIn {
    pub id: Uuid,
    pub device: DeviceId,
    pub frames: mpsc::Receiver<Bytes>,
    pub ends_at: Instant,
    hub: CameraHub,
    /// Through a camera of another node.
    remote: bool,
}

impl Drop for LookIn {
    fn drop(&mut self) {
        if self.remote {
            if let Some(r) = self.hub.remote.get() {
                r.end_look_in(self.device, self.id);
            }
        } else {
            self.hub.end_look_in(self.device, self.id);
        }
    }
}

impl CameraHub {
    pub fn new(settings: CameraSettings) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Inner::default())),
            remote: Arc::default(),
            changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            settings,
        }
    }

    /// A receiver that wakes on every change of a camera's connection, state or look-in.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    fn changed(&self) {
        self.changes.send_modify(|v| *v += 1);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the map half-changed: keep going.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A camera connected; a connection it had before is replaced (its loop ends).
    fn attach(&self, device: DeviceId) -> (u64, mpsc::UnboundedReceiver<Command>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        inner.next_conn += 1;
        let conn = inner.next_conn;
        inner.cameras.insert(
            device,
            Live {
                conn,
                commands: tx,
                status: CameraStatus {
                    model: None,
                    firmware: None,
                    state: None,
                    viewing: false,
                },
                viewer: None,
            },
        );
        drop(inner);
        self.changed();
        (conn, rx)
    }

    fn detach(&self, device: DeviceId, conn: u64) {
        let mut inner = self.lock();
        if inner.cameras.get(&device).is_some_and(|l| l.conn == conn) {
            inner.cameras.remove(&device);
        }
        drop(inner);
        self.changed();
    }

    fn update(&self, device: DeviceId, conn: u64, f: impl FnOnce(&mut Live)) {
        if let Some(l) = self.lock().cameras.get_mut(&device)
            && l.conn == conn
        {
            f(l);
        }
        self.changed();
    }

    /// Reaches the cameras of the other nodes from now on (set once, at start).
    pub fn set_remote(&self, remote: Arc<dyn RemoteCameras>) {
        let _ = self.remote.set(remote);
    }

    /// Whether the camera is connected (here or, in a cluster, to another node) and has said
    /// hello.
    pub fn is_online(&self, device: DeviceId) -> bool {
        self.is_online_here(device)
            || self
                .remote
                .get()
                .is_some_and(|r| r.online(device).is_some())
    }

    /// The camera, when it is online here or, in a cluster, on another node.
    pub fn online(&self, device: DeviceId) -> Option<Online> {
        self.status(device)
            .filter(|s| s.model.is_some())
            .map(|s| Online {
                state: s.state,
                viewing: s.viewing,
                here: true,
            })
            .or_else(|| self.remote.get().and_then(|r| r.online(device)))
    }

    /// Whether the camera is connected to this node and has said hello.
    pub fn is_online_here(&self, device: DeviceId) -> bool {
        self.status(device).is_some_and(|s| s.model.is_some())
    }

    pub fn status(&self, device: DeviceId) -> Option<CameraStatus> {
        self.lock().cameras.get(&device).map(|l| CameraStatus {
            viewing: l.viewer.is_some(),
            ..l.status.clone()
        })
    }

    /// The cameras connected to this node that have said hello, and how they are (for the
    /// other nodes' knowledge of who is online).
    pub fn online_here(&self) -> Vec<(DeviceId, Online)> {
        self.lock()
            .cameras
            .iter()
            .filter(|(_, l)| l.status.model.is_some())
            .map(|(d, l)| {
                let online = Online {
                    state: l.status.state,
                    viewing: l.viewer.is_some(),
                    here: true,
                };
                (*d, online)
            })
            .collect()
    }

    /// How many cameras are connected.
    pub fn connected(&self) -> usize {
        self.lock().cameras.len()
    }

    /// Starts a look-in through a camera: one viewer at a time.
    pub fn start_look_in(&self, device: DeviceId) -> Result<LookIn, LookInRefused> {
        let mut inner = self.lock();
        let live = inner
            .cameras
            .get_mut(&device)
            .filter(|l| l.status.model.is_some())
            .ok_or(LookInRefused::Offline)?;
        if live.viewer.is_some() {
            return Err(LookInRefused::Busy);
        }
        let id = Uuid::now_v7();
        let (tx, rx) = mpsc::channel(self.settings.viewer_buffer.max(1));
        live.commands
            .send(Command::Start { look_in: id })
            .map_err(|_| LookInRefused::Offline)?;
        live.viewer = Some((id, tx));
        drop(inner);
        self.changed();
        Ok(self.look_in(id, device, rx, false))
    }

    /// A look-in that started now, its limit counted from now.
    fn look_in(
        &self,
        id: Uuid,
        device: DeviceId,
        frames: mpsc::Receiver<Bytes>,
        remote: bool,
    ) -> LookIn {
        LookIn {
            id,
            device,
            frames,
            ends_at: Instant::now() + Duration::from_secs(u64::from(self.settings.look_in_seconds)),
            hub: self.clone(),
            remote,
        }
    }

    /// Starts a look-in through a camera connected here or, in a cluster, to another node
    /// (whose hub keeps the one-viewer rule): one viewer at a time either way.
    pub async fn start_look_in_anywhere(&self, device: DeviceId) -> Result<LookIn, LookInRefused> {
        match self.start_look_in(device) {
            Err(LookInRefused::Offline) => {}
            here => return here,
        }
        let Some(remote) = self.remote.get().filter(|r| r.online(device).is_some()) else {
            return Err(LookInRefused::Offline);
        };
        let id = Uuid::now_v7();
        let (tx, rx) = mpsc::channel(self.settings.viewer_buffer.max(1));
        remote.start_look_in(device, id, tx).await?;
        Ok(self.look_in(id, device, rx, true))
    }

    /// A test of a camera: asks it for pictures as a look-in does and waits up to `wait` for the
    /// first frame, which is dropped unseen (never stored, never shown); the test ends at once.
    /// `Offline` when the camera is not connected, `Busy` when someone is looking in through
    /// it; `Ok(false)` when it is connected but sent no frame in time.
    pub async fn test_frame(
        &self,
        device: DeviceId,
        wait: Duration,
    ) -> Result<bool, LookInRefused> {
        let mut look = self.start_look_in_anywhere(device).await?;
        let got = matches!(
            tokio::time::timeout(wait, look.frames.recv()).await,
            Ok(Some(_))
        );
        drop(look);
        Ok(got)
    }

    /// Ends a look-in (idempotent): the viewer's channel closes and the camera is told to stop.
    pub fn end_look_in(&self, device: DeviceId, look_in: Uuid) {
        let mut inner = self.lock();
        if let Some(l) = inner.cameras.get_mut(&device)
            && l.viewer.as_ref().is_some_and(|(id, _)| *id == look_in)
        {
            l.viewer = None;
            let _ = l.commands.send(Command::Stop { look_in });
            drop(inner);
            self.changed();
        }
    }

    /// Hands a frame to the viewer; a full channel drops it, a gone viewer ends the look-in.
    fn deliver(&self, device: DeviceId, look_in: Uuid, frame: Bytes) {
        let gone = {
            let inner = self.lock();
            match inner.cameras.get(&device).and_then(|l| l.viewer.as_ref()) {
                Some((id, tx)) if *id == look_in => {
                    matches!(
                        tx.try_send(frame),
                        Err(mpsc::error::TrySendError::Closed(_))
                    )
                }
                _ => false,
            }
        };
        if gone {
            self.end_look_in(device, look_in);
        }
    }

    /// Serves one authenticated camera's WebSocket until it closes, misbehaves or is replaced.
    pub async fn serve(&self, device: DeviceId, socket: WebSocket) {
        let (conn, mut commands) = self.attach(device);
        let mut proto = Connection::new(
            self.settings.heartbeat_seconds,
            self.settings.max_frame_bytes,
        );
        let (mut sink, mut stream) = socket.split();
        let mut deadline: Option<(Uuid, Instant)> = None;
        tracing::info!(%device, "camera connected");
        let reason = 'conn: loop {
            let current = deadline;
            let limit = async move {
                match current {
                    Some((_, at)) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let mut actions = Vec::new();
            let mut frame: Option<Bytes> = None;
            tokio::select! {
                msg = stream.next() => match msg {
                    None | Some(Err(_) | Ok(Message::Close(_))) => break 'conn "closed by the camera",
                    Some(Ok(Message::Text(t))) => actions = proto.on_text(t.as_bytes()),
                    Some(Ok(Message::Binary(b))) => {
                        actions = proto.on_binary(&b);
                        if actions.iter().any(|a| matches!(a, Action::Frame { .. })) {
                            frame = Some(b.slice(FRAME_HEADER_BYTES..));
                        }
                    }
                    Some(Ok(_)) => {}
                },
                cmd = commands.recv() => match cmd {
                    None => break 'conn "replaced by a new connection",
                    Some(Command::Start { look_in }) => {
                        let m = proto.start(look_in, self.settings.look_in_seconds, self.settings.frames_per_second);
                        actions.push(Action::Send(m));
                        let at = Instant::now() + Duration::from_secs(u64::from(self.settings.look_in_seconds));
                        deadline = Some((look_in, at));
                    }
                    Some(Command::Stop { look_in }) => {
                        if proto.streaming() == Some(look_in)
                            && let Some(m) = proto.stop()
                        {
                            actions.push(Action::Send(m));
                        }
                        if deadline.is_some_and(|(id, _)| id == look_in) {
                            deadline = None;
                        }
                    }
                },
                () = limit => {
                    // The look-in's time is up, whether or not anyone still watches.
                    if let Some((id, _)) = deadline.take() {
                        if let Some(m) = proto.stop() {
                            actions.push(Action::Send(m));
                        }
                        self.end_look_in(device, id);
                    }
                }
            }
            for a in actions {
                match a {
                    Action::Send(m) => {
                        if sink.send(Message::Text(encode(&m).into())).await.is_err() {
                            break 'conn "the socket failed";
                        }
                    }
                    Action::Online { model, firmware } => self.update(device, conn, |l| {
                        l.status.model = Some(model);
                        l.status.firmware = Some(firmware);
                    }),
                    Action::State(s) => self.update(device, conn, |l| l.status.state = Some(s)),
                    Action::Frame { look_in, .. } => {
                        if let Some(f) = frame.take() {
                            self.deliver(device, look_in, f);
                        }
                    }
                    Action::StreamStarted(_) => {}
                    Action::StreamStopped(look_in, _) => {
                        if deadline.is_some_and(|(id, _)| id == look_in) {
                            deadline = None;
                        }
                        self.end_look_in(device, look_in);
                    }
                    Action::Close(e) => {
                        // The reason names the rule broken, never the content.
                        tracing::warn!(%device, reason = %e, "camera disconnected for a protocol error");
                        let _ = sink
                            .send(Message::Close(Some(CloseFrame {
                                code: 1008,
                                reason: "protocol error".into(),
                            })))
                            .await;
                        break 'conn "protocol error";
                    }
                }
            }
        };
        // Whatever ended the connection, a running look-in ends with it.
        if let Some((id, _)) = deadline {
            self.end_look_in(device, id);
        }
        self.detach(device, conn);
        tracing::info!(%device, reason, "camera connection ended");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cameras_state_goes_to_the_other_nodes_in_one_byte_and_back() {
        for state in [None, Some(CameraState::Privacy), Some(CameraState::Active)] {
            for viewing in [false, true] {
                let here = Online {
                    state,
                    viewing,
                    here: true,
                };
                let there = Online::from_byte(here.to_byte());
                assert_eq!(
                    there,
                    Online {
                        here: false,
                        ..here
                    }
                );
            }
        }
        // Distinct bytes for distinct states; unknown bits are ignored.
        assert_eq!(
            Online::from_byte(0b1111_1010),
            Online {
                state: Some(CameraState::Active),
                viewing: false,
                here: false
            }
        );
        assert_eq!(Online::from_byte(3).state, None);
    }
}
