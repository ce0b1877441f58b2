//! The sockets: a TCP listener (a task per connection, kept open or one message per
//! connection) and a UDP socket. Limits keep any sender from taking the receiver down: a cap
//! on connections, on a frame's size (so on the bytes held per connection), and an idle
//! timeout.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::Semaphore;
use vaka_sia_dc09::framing::{DEFAULT_MAX_FRAME_LEN, deframe_datagram};
use vaka_sia_dc09::{DeframeEvent, Deframer};

use vaka_domain::ids::DeviceId;

use crate::handler::{Decision, FrameHandler, Refusal, reason};
use crate::writer::{Refused, Sink, Writer};

/// Limits and windows of the receiver.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Connections served at once; more are closed at once (and logged).
    pub max_connections: usize,
    /// A connection silent this long is closed (a kept-open dialler sends heartbeats).
    pub idle_timeout: Duration,
    /// A message sent again within this is recognised and not stored twice.
    pub dedupe_window: SignedDuration,
    /// At most this many messages in one transaction.
    pub max_batch: usize,
    /// How long a group commit waits, at most, for the devices the last one answered.
    pub commit_linger: Duration,
    /// UDP datagrams handled at once.
    pub max_udp_in_flight: usize,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        Self {
            max_connections: 4096,
            idle_timeout: Duration::from_mins(5),
            dedupe_window: SignedDuration::from_mins(10),
            max_batch: 2000,
            commit_linger: crate::writer::LINGER,
            max_udp_in_flight: 256,
        }
    }
}

/// A running receiver: the handler, the writer and what the sockets share.
#[derive(Clone)]
pub struct Receiver {
    pub handler: FrameHandler,
    pub writer: Writer,
    sink: Arc<dyn Sink>,
    config: ReceiverConfig,
    /// When an unknown account was last reported, so a device that keeps trying raises its
    /// alarm once a minute at most.
    unknown: Arc<Mutex<HashMap<String, Timestamp>>>,
    /// When an account's refusal for a reason was last reported (once a minute at most: a
    /// sender that keeps trying cannot flood the audit log).
    refused: Arc<Mutex<HashMap<(String, Refusal), Timestamp>>>,
}

/// Whether `key` is due to be reported again (not reported in the last minute), noting it.
pub(crate) fn due<K: std::hash::Hash + Eq>(
    map: &Mutex<HashMap<K, Timestamp>>,
    key: K,
    now: Timestamp,
) -> bool {
    let mut seen = map.lock().unwrap_or_else(PoisonError::into_inner);
    if seen.len() > 10_000 {
        seen.clear();
    }
    match seen.get(&key) {
        Some(last) if now.duration_since(*last) < SignedDuration::from_mins(1) => false,
        _ => {
            seen.insert(key, now);
            true
        }
    }
}

impl Receiver {
    /// Starts the writer (loading the dedupe memory).
    pub async fn start(
        handler: FrameHandler,
        sink: Arc<dyn Sink>,
        config: ReceiverConfig,
    ) -> Result<Self, crate::writer::SinkError> {
        let writer = Writer::start(
            sink.clone(),
            handler.clock.clone(),
            config.dedupe_window,
            config.max_batch,
            config.commit_linger,
        )
        .await?;
        Ok(Self {
            handler,
            writer,
            sink,
            config,
            unknown: Arc::default(),
            refused: Arc::default(),
        })
    }

    /// Serves TCP connections until the task is dropped.
    pub async fn serve_tcp(self, listener: TcpListener) {
        let slots = Arc::new(Semaphore::new(self.config.max_connections));
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "accepting a DC-09 connection failed");
                    continue;
                }
            };
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                metrics::counter!("vaka_dc09_connections_refused_total").increment(1);
                tracing::warn!(%peer, "DC-09 connection refused: too many connections");
                drop(stream);
                continue;
            };
            let me = self.clone();
            tokio::spawn(async move {
                metrics::gauge!("vaka_dc09_connections").increment(1.0);
                if let Err(e) = me.connection(stream, peer).await {
                    tracing::debug!(%peer, error = %e, "DC-09 connection ended");
                }
                metrics::gauge!("vaka_dc09_connections").decrement(1.0);
                drop(permit);
            });
        }
    }

    async fn connection(&self, mut stream: TcpStream, peer: SocketAddr) -> std::io::Result<()> {
        let _ = stream.set_nodelay(true);
        let mut deframer = Deframer::new();
        let mut buf = vec![0u8; 8192];
        loop {
            let n = if let Ok(r) =
                tokio::time::timeout(self.config.idle_timeout, stream.read(&mut buf)).await
            {
                r?
            } else {
                tracing::debug!(%peer, "DC-09 connection idle; closed");
                return Ok(());
            };
            if n == 0 {
                return Ok(());
            }
            let events = deframer.feed(&buf[..n]);
            let mut close = false;
            let mut frames = Vec::new();
            for ev in events {
                match ev {
                    DeframeEvent::Frame(f) => frames.push(f),
                    DeframeEvent::Garbage { len } => {
                        metrics::counter!("vaka_dc09_garbage_bytes_total").increment(len as u64);
                        tracing::debug!(%peer, len, "DC-09 bytes outside a frame discarded");
                    }
                    DeframeEvent::Oversized { len } => {
                        metrics::counter!("vaka_dc09_refused_total", "reason" => "oversized")
                            .increment(1);
                        tracing::warn!(%peer, len, "DC-09 frame over the size limit; connection closed");
                        close = true;
                    }
                }
            }
            let answers = self.answer(&frames, "tcp", peer).await;
            if !answers.is_empty() {
                stream.write_all(&answers).await?;
            }
            if close {
                return Ok(());
            }
        }
    }

    /// Handles the frames of one read in order: stores the event messages among them in one
    /// submission, and returns the answers to send — ACKs only once stored.
    async fn answer(
        &self,
        frames: &[Vec<u8>],
        transport: &'static str,
        peer: SocketAddr,
    ) -> Vec<u8> {
        let mut out: Vec<Option<Vec<u8>>> = Vec::with_capacity(frames.len());
        let mut to_store = Vec::new();
        let mut acks = Vec::new();
        for f in frames {
            match self.handler.handle(f, transport) {
                Decision::Answer(a) => out.push(Some(a)),
                Decision::Store { message, ack } => {
                    to_store.push(*message);
                    acks.push((out.len(), ack));
                    out.push(None);
                }
                Decision::Unknown { account, nak } => {
                    self.report_unknown(&account, transport, peer).await;
                    out.push(Some(nak));
                }
                Decision::Refused {
                    account,
                    device,
                    reason,
                    answer,
                } => {
                    self.report_refused(account, device, reason, transport, peer)
                        .await;
                    out.push(Some(answer));
                }
                Decision::Drop(kind) => {
                    tracing::info!(%peer, reason = reason(kind), "damaged DC-09 frame dropped");
                    out.push(None);
                }
            }
        }
        if !to_store.is_empty() {
            let n = to_store.len();
            match self.writer.submit(to_store).await {
                Ok(()) => {
                    metrics::counter!("vaka_dc09_acks_total").increment(n as u64);
                    for (i, ack) in acks {
                        out[i] = Some(ack);
                    }
                }
                Err(e) => {
                    // No ACK: the device keeps the event and retries.
                    tracing::error!(%peer, error = %e, messages = n, "alarm messages not stored; no ACK sent");
                }
            }
        }
        out.into_iter().flatten().flatten().collect()
    }

    async fn report_unknown(&self, account: &str, transport: &'static str, peer: SocketAddr) {
        let now = self.handler.clock.now();
        if due(&self.unknown, account.to_owned(), now) {
            tracing::warn!(%peer, account, "DC-09 message from an unknown account");
            self.sink.unknown_account(account, now, transport).await;
        }
    }

    async fn report_refused(
        &self,
        account: String,
        device: DeviceId,
        reason: Refusal,
        transport: &'static str,
        peer: SocketAddr,
    ) {
        let now = self.handler.clock.now();
        if due(&self.refused, (account.clone(), reason), now) {
            tracing::warn!(%peer, account, reason = reason.code(), "DC-09 message refused");
            self.sink
                .refused(Refused {
                    account,
                    device,
                    reason,
                    at: now,
                    transport,
                    peer,
                })
                .await;
        }
    }

    /// Serves UDP datagrams until the task is dropped.
    pub async fn serve_udp(self, socket: UdpSocket) {
        let socket = Arc::new(socket);
        let slots = Arc::new(Semaphore::new(self.config.max_udp_in_flight));
        let mut buf = vec![0u8; DEFAULT_MAX_FRAME_LEN + 64];
        loop {
            let (n, peer) = match socket.recv_from(&mut buf).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::debug!(error = %e, "DC-09 UDP receive failed");
                    continue;
                }
            };
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                metrics::counter!("vaka_dc09_refused_total", "reason" => "udp_busy").increment(1);
                continue;
            };
            let frames: Vec<Vec<u8>> = deframe_datagram(&buf[..n], DEFAULT_MAX_FRAME_LEN)
                .into_iter()
                .filter_map(|e| match e {
                    DeframeEvent::Frame(f) => Some(f),
                    _ => None,
                })
                .collect();
            let me = self.clone();
            let socket = socket.clone();
            tokio::spawn(async move {
                let answers = me.answer(&frames, "udp", peer).await;
                if !answers.is_empty()
                    && let Err(e) = socket.send_to(&answers, peer).await
                {
                    tracing::debug!(%peer, error = %e, "DC-09 UDP answer failed");
                }
                drop(permit);
            });
        }
    }
}

/// Binds TCP and UDP on `addr` and serves both until dropped.
pub async fn bind(addr: &str) -> std::io::Result<(TcpListener, UdpSocket)> {
    let tcp = TcpListener::bind(addr).await?;
    let udp = UdpSocket::bind(tcp.local_addr()?).await?;
    Ok((tcp, udp))
}
