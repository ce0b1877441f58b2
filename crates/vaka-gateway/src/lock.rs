//! The lock gateway: the hub of connected door locks, and the loop that serves one lock's
//! WebSocket (`docs/LOCK-PROTOCOL.md`).
//!
//! The hub sends unlock commands (decided and audited by the service before they get here) and
//! revocations to online locks, and hands what the locks report to whoever consumes
//! [`LockHub::reports`] (the server records them through the service, on the client's trail).
//! A lock that names another lock id than its own, or breaks the protocol, is disconnected and
//! reported.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures::{SinkExt, StreamExt};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Duration, Instant};
use uuid::Uuid;
use vaka_domain::clock::Clock;
use vaka_domain::ids::DeviceId;
use vaka_lock_protocol::{
    Action, CapabilityReason, Connection, LockEvent, LockEventKind, MAX_REVOKED_PER_MESSAGE,
    ProtocolError, Revoked, ServerMessage, encode,
};

/// The gateway's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockSettings {
    pub heartbeat_seconds: u32,
    /// How long a lock may take to act on an unlock command.
    pub unlock_valid_seconds: u32,
    /// Heartbeats a lock may miss before it is disconnected (and shown offline).
    pub missed_heartbeats: u32,
}

impl Default for LockSettings {
    fn default() -> Self {
        Self {
            heartbeat_seconds: 30,
            unlock_valid_seconds: 30,
            missed_heartbeats: 3,
        }
    }
}

/// What the hub knows of a connected lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockStatus {
    pub model: Option<String>,
    pub firmware: Option<String>,
    pub battery_percent: Option<u8>,
}

/// What the locks said, for the service to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockReport {
    /// An event of the lock (its own id: checked by the protocol).
    Event(DeviceId, LockEvent),
    /// The lock was disconnected for breaking the protocol: `why` names the rule, never the
    /// content. `WrongLock` is a lock reporting for another lock id.
    Refused(DeviceId, ProtocolError),
}

/// Why an unlock could not be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockOffline;

impl std::fmt::Display for LockOffline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the lock is not connected")
    }
}

enum Command {
    Send(ServerMessage),
}

struct Live {
    conn: u64,
    commands: mpsc::UnboundedSender<Command>,
    status: LockStatus,
}

#[derive(Default)]
struct Inner {
    next_conn: u64,
    locks: HashMap<DeviceId, Live>,
    /// Unlock requests whose sender waits for the lock's answer (its event naming the request).
    answers: HashMap<(DeviceId, Uuid), oneshot::Sender<LockEventKind>>,
}

/// Locks connected to other nodes of a cluster, as this node reaches them (the server
/// implements it over NATS, `cluster::locks`). An unlock through a lock of another node is sent,
/// and its answer awaited, by that node's hub.
#[async_trait::async_trait]
pub trait RemoteLocks: Send + Sync + 'static {
    /// Whether another node has the lock connected and online.
    fn is_online(&self, device: DeviceId) -> bool;
    /// Sends the unlock through the lock's node, which waits up to `wait` for the lock's answer
    /// (`None`: none came in time).
    async fn unlock(
        &self,
        device: DeviceId,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
        wait: Duration,
    ) -> Result<Option<LockEventKind>, LockOffline>;
    /// Tells the other nodes to pass these revocations to the lock if it is connected there.
    fn revoke(&self, device: DeviceId, revoked: &[Revoked]);
}

/// The connected locks.
#[derive(Clone)]
pub struct LockHub {
    inner: Arc<Mutex<Inner>>,
    reports: mpsc::UnboundedSender<LockReport>,
    clock: Arc<dyn Clock>,
    /// The other nodes' locks, in a cluster.
    remote: Arc<std::sync::OnceLock<Arc<dyn RemoteLocks>>>,
    /// Bumped when a lock connects, says hello or goes.
    changes: Arc<tokio::sync::watch::Sender<u64>>,
    pub settings: LockSettings,
}

impl LockHub {
    /// A hub and the receiver of what its locks report.
    pub fn new(
        settings: LockSettings,
        clock: Arc<dyn Clock>,
    ) -> (Self, mpsc::UnboundedReceiver<LockReport>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            Self {
                inner: Arc::new(Mutex::new(Inner::default())),
                reports: tx,
                clock,
                remote: Arc::default(),
                changes: Arc::new(tokio::sync::watch::Sender::new(0)),
                settings,
            },
            rx,
        )
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn attach(&self, device: DeviceId) -> (u64, mpsc::UnboundedReceiver<Command>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut inner = self.lock();
        inner.next_conn += 1;
        let conn = inner.next_conn;
        inner.locks.insert(
            device,
            Live {
                conn,
                commands: tx,
                status: LockStatus {
                    model: None,
                    firmware: None,
                    battery_percent: None,
                },
            },
        );
        (conn, rx)
    }

    fn detach(&self, device: DeviceId, conn: u64) {
        let mut inner = self.lock();
        if inner.locks.get(&device).is_some_and(|l| l.conn == conn) {
            inner.locks.remove(&device);
            drop(inner);
            self.changes.send_modify(|v| *v = v.wrapping_add(1));
        }
    }

    /// Reaches the other nodes' locks through `remote` (set once, when the node joins its
    /// cluster).
    pub fn set_remote(&self, remote: Arc<dyn RemoteLocks>) {
        let _ = self.remote.set(remote);
    }

    /// A receiver that wakes when a lock connects here, says hello or goes.
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// The locks connected here that said hello.
    pub fn online(&self) -> Vec<DeviceId> {
        self.lock()
            .locks
            .iter()
            .filter(|(_, l)| l.status.model.is_some())
            .map(|(d, _)| *d)
            .collect()
    }

    fn update(&self, device: DeviceId, conn: u64, f: impl FnOnce(&mut Live)) {
        if let Some(l) = self.lock().locks.get_mut(&device)
            && l.conn == conn
        {
            f(l);
        }
    }

    /// [`Self::update`] for the lock's hello: it is online from now on, here and for the others.
    fn hello(&self, device: DeviceId, conn: u64, f: impl FnOnce(&mut Live)) {
        self.update(device, conn, f);
        self.changes.send_modify(|v| *v = v.wrapping_add(1));
    }

    /// Whether the lock is connected and has said hello, here or (in a cluster) to another node.
    pub fn is_online(&self, device: DeviceId) -> bool {
        self.is_online_here(device) || self.remote.get().is_some_and(|r| r.is_online(device))
    }

    /// Whether the lock is connected to this node and has said hello.
    pub fn is_online_here(&self, device: DeviceId) -> bool {
        self.status(device).is_some_and(|s| s.model.is_some())
    }

    pub fn status(&self, device: DeviceId) -> Option<LockStatus> {
        self.lock().locks.get(&device).map(|l| l.status.clone())
    }

    /// How many locks are connected.
    pub fn connected(&self) -> usize {
        self.lock().locks.len()
    }

    fn send(&self, device: DeviceId, m: ServerMessage) -> Result<(), LockOffline> {
        let inner = self.lock();
        let live = inner
            .locks
            .get(&device)
            .filter(|l| l.status.model.is_some())
            .ok_or(LockOffline)?;
        live.commands
            .send(Command::Send(m))
            .map_err(|_| LockOffline)
    }

    /// Sends an unlock (decided and audited by the service) to an online lock.
    pub fn unlock(
        &self,
        device: DeviceId,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
    ) -> Result<(), LockOffline> {
        self.send(
            device,
            ServerMessage::Unlock {
                request,
                user,
                reason,
                valid_seconds: self.settings.unlock_valid_seconds,
            },
        )
    }

    /// Sends an unlock like [`Self::unlock`] and returns what the lock answers to it: the kind of
    /// its first event naming the request (`unlocked`, or `refused`, `jammed`). The caller
    /// waits as long as it likes and then calls [`Self::forget`].
    pub fn unlock_answered(
        &self,
        device: DeviceId,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
    ) -> Result<oneshot::Receiver<LockEventKind>, LockOffline> {
        let (tx, rx) = oneshot::channel();
        self.lock().answers.insert((device, request), tx);
        if let Err(e) = self.unlock(device, request, user, reason) {
            self.forget(device, request);
            return Err(e);
        }
        Ok(rx)
    }

    /// Sends an unlock to the lock wherever it is connected (here, or through its node in a
    /// cluster) and waits up to `wait` for its answer: `None` when none came in time (the
    /// command was sent; the lock's event still comes to its trail when it acts).
    pub async fn unlock_waiting(
        &self,
        device: DeviceId,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
        wait: Duration,
    ) -> Result<Option<LockEventKind>, LockOffline> {
        if self.is_online_here(device) {
            return self
                .unlock_waiting_here(device, request, user, reason, wait)
                .await;
        }
        match self.remote.get().filter(|r| r.is_online(device)) {
            Some(r) => r.unlock(device, request, user, reason, wait).await,
            None => Err(LockOffline),
        }
    }

    /// [`Self::unlock_waiting`] for a lock connected here.
    pub async fn unlock_waiting_here(
        &self,
        device: DeviceId,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
        wait: Duration,
    ) -> Result<Option<LockEventKind>, LockOffline> {
        let answer = self.unlock_answered(device, request, user, reason)?;
        if let Ok(Ok(kind)) = tokio::time::timeout(wait, answer).await {
            Ok(Some(kind))
        } else {
            self.forget(device, request);
            Ok(None)
        }
    }

    /// Tells the lock to refuse these capabilities wherever it is connected: here, and (in a
    /// cluster) through the other nodes. An offline lock learns of them when it next connects.
    pub fn revoke_everywhere(&self, device: DeviceId, revoked: &[Revoked]) {
        let _ = self.revoke(device, revoked);
        if let Some(r) = self.remote.get() {
            r.revoke(device, revoked);
        }
    }

    /// Stops waiting for the answer to an unlock request.
    pub fn forget(&self, device: DeviceId, request: Uuid) {
        self.lock().answers.remove(&(device, request));
    }

    /// Hands an event naming a request to whoever waits for the answer.
    fn answer(&self, device: DeviceId, e: &LockEvent) {
        let Some(request) = e.request else { return };
        if let Some(tx) = self.lock().answers.remove(&(device, request)) {
            let _ = tx.send(e.kind);
        }
    }

    /// Tells an online lock to refuse these capabilities (sent in messages of at most
    /// [`MAX_REVOKED_PER_MESSAGE`]).
    pub fn revoke(&self, device: DeviceId, revoked: &[Revoked]) -> Result<(), LockOffline> {
        for chunk in revoked.chunks(MAX_REVOKED_PER_MESSAGE) {
            self.send(
                device,
                ServerMessage::Revoke {
                    revoked: chunk.to_vec(),
                },
            )?;
        }
        Ok(())
    }

    /// Serves one authenticated lock's WebSocket until it closes, misbehaves, goes silent or is
    /// replaced.
    pub async fn serve(&self, device: DeviceId, socket: WebSocket) {
        let (conn, mut commands) = self.attach(device);
        let mut proto = Connection::new(device.0, self.settings.heartbeat_seconds);
        let (mut sink, mut stream) = socket.split();
        let silence = Duration::from_secs(u64::from(
            self.settings
                .heartbeat_seconds
                .saturating_mul(self.settings.missed_heartbeats.max(1))
                .max(1),
        ));
        let idle = tokio::time::sleep(silence);
        tokio::pin!(idle);
        tracing::debug!(%device, "lock connected");
        let reason = 'conn: loop {
            let mut actions = Vec::new();
            tokio::select! {
                msg = stream.next() => {
                    idle.as_mut().reset(Instant::now() + silence);
                    match msg {
                        None | Some(Err(_) | Ok(Message::Close(_))) => break 'conn "closed by the lock",
                        Some(Ok(Message::Text(t))) => {
                            actions = proto.on_text(t.as_bytes(), self.clock.now().as_second());
                        }
                        Some(Ok(Message::Binary(b))) => actions = proto.on_binary(&b),
                        Some(Ok(_)) => {}
                    }
                }
                cmd = commands.recv() => match cmd {
                    None => break 'conn "replaced by a new connection",
                    Some(Command::Send(m)) => actions.push(Action::Send(m)),
                },
                () = &mut idle => break 'conn "missed its heartbeats",
            }
            for a in actions {
                match a {
                    Action::Send(m) => {
                        if sink.send(Message::Text(encode(&m).into())).await.is_err() {
                            break 'conn "the socket failed";
                        }
                    }
                    Action::Online { model, firmware } => self.hello(device, conn, |l| {
                        l.status.model = Some(model);
                        l.status.firmware = Some(firmware);
                    }),
                    Action::Heartbeat { battery_percent } => self.update(device, conn, |l| {
                        if battery_percent.is_some() {
                            l.status.battery_percent = battery_percent;
                        }
                    }),
                    Action::Event(e) => {
                        self.answer(device, &e);
                        let _ = self.reports.send(LockReport::Event(device, e));
                    }
                    Action::Close(e) => {
                        tracing::warn!(%device, reason = %e, "lock disconnected for a protocol error");
                        let _ = self.reports.send(LockReport::Refused(device, e));
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
        self.detach(device, conn);
        tracing::debug!(%device, reason, "lock connection ended");
    }
}
