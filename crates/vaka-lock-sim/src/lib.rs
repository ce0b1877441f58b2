//! Simulated door locks, for the demo (`vaka simulate locks`) and for tests.
//!
//! - [`SimLock`]: an online lock. It connects out to Vaka with its credential, says hello,
//!   heartbeats, opens on an `unlock` command (reporting `unlocked`, and `locked` a moment
//!   later) and remembers the revocations it is sent — as `docs/LOCK-PROTOCOL.md` says a lock
//!   must. A lock set to [`Behaviour::ClaimsAnotherId`] names another lock's id, which Vaka
//!   must refuse.
//! - [`OfflineLock`]: a lock without network. It checks the capabilities presented to it with
//!   the server's public key and its own clock, remembers used nonces, and keeps the events to
//!   report when it next connects.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use ed25519_dalek::VerifyingKey;
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;
use vaka_lock_protocol::{
    Capability, CapabilityRefusal, LockEventKind, LockMessage, RefusedBecause, ServerMessage,
    UsedNonces, encode, verify,
};

/// How a simulated online lock behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Answers as it should.
    Normal,
    /// Says hello with another lock's id (a misconfigured or cloned lock).
    ClaimsAnotherId(Uuid),
    /// Never connects (no power or signal).
    Offline,
}

/// What an online lock did, for tests and the demo's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happened {
    Connected,
    /// Opened on a command (the request id).
    Opened(Uuid),
    /// The connection ended (closed by Vaka or lost).
    Disconnected {
        code: Option<u16>,
    },
    /// A revocation arrived for these nonces.
    Revoked(usize),
}

/// One simulated online lock.
#[derive(Clone)]
pub struct SimLock {
    /// `ws://host:port` or `wss://…` of the Vaka server.
    pub server: String,
    pub credential: String,
    /// The id Vaka gave the lock (the device id).
    pub lock_id: Uuid,
    pub behaviour: Behaviour,
    /// How long the bolt stays open before the lock reports `locked`.
    pub open_for: Duration,
    /// The battery's charge it reports.
    pub battery_percent: u8,
    /// What happened, in order.
    pub log: Arc<Mutex<Vec<Happened>>>,
    /// The lock's clock in Unix seconds (the simulator is told the time; nothing reads the wall
    /// clock here).
    pub clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    revoked: Arc<Mutex<UsedNonces>>,
}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SimLock {
    pub fn new(
        server: &str,
        credential: &str,
        lock_id: Uuid,
        behaviour: Behaviour,
        clock: Arc<dyn Fn() -> i64 + Send + Sync>,
    ) -> Self {
        Self {
            server: server.trim_end_matches('/').to_owned(),
            credential: credential.to_owned(),
            lock_id,
            behaviour,
            open_for: Duration::from_secs(5),
            battery_percent: 87,
            log: Arc::default(),
            clock,
            revoked: Arc::new(Mutex::new(UsedNonces::new(4096))),
        }
    }

    /// What happened so far.
    pub fn happened(&self) -> Vec<Happened> {
        locked(&self.log).clone()
    }

    fn note(&self, h: Happened) {
        locked(&self.log).push(h);
    }

    /// Runs until the task is dropped: connects, and reconnects with backoff when the
    /// connection ends (a lock Vaka refused keeps trying, as a real one would).
    pub async fn run(self) {
        if self.behaviour == Behaviour::Offline {
            return;
        }
        let mut backoff = Duration::from_secs(1);
        loop {
            match self.session().await {
                Ok(()) => backoff = Duration::from_secs(1),
                Err(e) => tracing::debug!(error = %e, "simulated lock: connection failed"),
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_mins(1));
        }
    }

    /// One connection, until it ends.
    pub async fn session(&self) -> Result<(), String> {
        let mut req = format!("{}/lock/v1/connect", self.server)
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let auth = format!("Bearer {}", self.credential)
            .parse()
            .map_err(|_| "a credential that is not a header value".to_owned())?;
        req.headers_mut().insert("authorization", auth);
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .map_err(|e| e.to_string())?;
        let (mut sink, mut stream) = ws.split();
        let claimed = match self.behaviour {
            Behaviour::ClaimsAnotherId(other) => other,
            _ => self.lock_id,
        };
        let hello = LockMessage::Hello {
            protocol: vaka_lock_protocol::VERSION,
            lock_id: claimed,
            model: "Vaka simulated lock".into(),
            firmware: "1.0".into(),
        };
        sink.send(Message::text(encode(&hello)))
            .await
            .map_err(|e| e.to_string())?;
        self.note(Happened::Connected);
        let mut heartbeat = tokio::time::interval(Duration::from_secs(30));
        heartbeat.tick().await;
        let mut relock: Option<tokio::time::Instant> = None;
        loop {
            let until_relock = async {
                match relock {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let out: Option<LockMessage> = tokio::select! {
                msg = stream.next() => match msg {
                    Some(Ok(Message::Text(t))) => self.on_server(&t, &mut relock),
                    Some(Ok(Message::Close(f))) => {
                        self.note(Happened::Disconnected { code: f.map(|f| u16::from(f.code)) });
                        return Ok(());
                    }
                    None | Some(Err(_)) => {
                        self.note(Happened::Disconnected { code: None });
                        return Ok(());
                    }
                    Some(Ok(_)) => None,
                },
                _ = heartbeat.tick() => Some(LockMessage::Heartbeat {
                    lock_id: self.lock_id,
                    battery_percent: Some(self.battery_percent),
                }),
                () = until_relock => {
                    relock = None;
                    Some(self.event(LockEventKind::Locked, None))
                }
            };
            if let Some(m) = out
                && sink.send(Message::text(encode(&m))).await.is_err()
            {
                self.note(Happened::Disconnected { code: None });
                return Ok(());
            }
        }
    }

    fn event(&self, kind: LockEventKind, request: Option<Uuid>) -> LockMessage {
        LockMessage::Event {
            lock_id: self.lock_id,
            kind,
            at: (self.clock)(),
            request,
            nonce: None,
            user: None,
            reason: None,
            capability: None,
        }
    }

    fn on_server(
        &self,
        text: &str,
        relock: &mut Option<tokio::time::Instant>,
    ) -> Option<LockMessage> {
        match serde_json::from_str::<ServerMessage>(text).ok()? {
            ServerMessage::Welcome { .. } => None,
            ServerMessage::Unlock { request, .. } => {
                self.note(Happened::Opened(request));
                *relock = Some(tokio::time::Instant::now() + self.open_for);
                Some(self.event(LockEventKind::Unlocked, Some(request)))
            }
            ServerMessage::Revoke { revoked } => {
                let now = (self.clock)();
                let mut memory = locked(&self.revoked);
                for r in &revoked {
                    let _ = memory.revoke(r.nonce, r.expires, now);
                }
                self.note(Happened::Revoked(revoked.len()));
                None
            }
        }
    }
}

/// A lock without network: checks capabilities offline.
pub struct OfflineLock {
    pub lock_id: Uuid,
    server_key: VerifyingKey,
    memory: UsedNonces,
    /// Events to report when next online.
    pub pending: Vec<LockMessage>,
}

impl OfflineLock {
    /// A lock with Vaka's lock public key installed.
    pub fn new(lock_id: Uuid, server_key: [u8; 32]) -> Result<Self, String> {
        Ok(Self {
            lock_id,
            server_key: VerifyingKey::from_bytes(&server_key)
                .map_err(|_| "not an Ed25519 public key".to_owned())?,
            memory: UsedNonces::new(1024),
            pending: Vec::new(),
        })
    }

    /// A phone presents `token` at `now` (the lock's clock, Unix seconds): opens or refuses,
    /// and keeps the event for its next connection.
    pub fn present(&mut self, token: &str, now: i64) -> Result<Capability, CapabilityRefusal> {
        let r = verify(token, &self.server_key, self.lock_id, now, &mut self.memory);
        let (nonce, user) = match vaka_lock_protocol::decode_capability(token) {
            Ok((c, _)) => (Some(c.nonce), Some(c.user_id)),
            Err(_) => (None, None),
        };
        self.pending.push(LockMessage::Event {
            lock_id: self.lock_id,
            kind: if r.is_ok() {
                LockEventKind::Unlocked
            } else {
                LockEventKind::Refused
            },
            at: now,
            request: None,
            nonce,
            user,
            reason: r.is_err().then_some(RefusedBecause::Capability),
            capability: r.err(),
        });
        r
    }
}
