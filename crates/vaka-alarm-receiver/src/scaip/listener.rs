//! The SCAIP sockets: SIP over UDP (a datagram a request; transactions remembered for
//! retransmissions; our `<mrs>` MESSAGE retransmitted until the device answers it) and over
//! TCP or TLS (a task per connection, framed by `Content-Length`; our MESSAGE goes back on
//! the same connection). Answers go where RFC 3261 §18.2.2 says: the source address, at the port of
//! the top `Via` (or the source port with `rport`).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::Semaphore;
use vaka_domain::device::scaip_account;
use vaka_domain::ids::DeviceId;
use vaka_scaip::sip::{
    self, Framed, Limits, Message, OutgoingMessage, Request as SipRequest, SipError, Status,
};

use super::transactions::{self, Transactions};
use super::{Decision, ScaipHandler, random_token};
use crate::handler::Refusal;
use crate::listener::due;
use crate::writer::{Refused, Sink, Writer};

/// How often our MESSAGE is sent at most over UDP without an answer (RFC 3261 Timer E: 0.5,
/// 1, 2, 4, 4… s; Timer F ends it after 32 s).
const MESSAGE_SENDS: u32 = 7;

/// A running SCAIP receiver: the handler, the shared writer and sink, and what the sockets
/// share.
#[derive(Clone)]
pub struct ScaipReceiver {
    pub handler: ScaipHandler,
    writer: Writer,
    sink: Arc<dyn Sink>,
    transactions: Arc<Transactions>,
    /// Our MESSAGEs over UDP waiting for the device's answer, by Call-ID.
    awaiting: Arc<Mutex<HashMap<String, Instant>>>,
    unknown: Arc<Mutex<HashMap<String, Timestamp>>>,
    refused: Arc<Mutex<HashMap<(String, Refusal), Timestamp>>>,
}

/// What a datagram is, for the UDP loop.
enum Datagram {
    Request(SipRequest),
    /// Answer this at once (a request refused before it is a transaction).
    Answer(Vec<u8>, SocketAddr),
    Nothing,
}

/// What one request came to: the answer, then our MESSAGE's body (`<mrs>`), if any.
struct Outcome {
    answer: Option<Vec<u8>>,
    mrs: Option<String>,
}

/// Where a UDP response goes (RFC 3261 §18.2.2, RFC 3581): the source address, at the top
/// `Via`'s port unless it asks for `rport` (then the source port: behind NAT).
pub fn response_target(req: &SipRequest, peer: SocketAddr) -> SocketAddr {
    let Some(via) = req.headers.get("via") else {
        return peer;
    };
    let mut parts = via.split(';');
    let sent_by = parts
        .next()
        .and_then(|p| p.split_ascii_whitespace().nth(1))
        .unwrap_or_default();
    if parts.any(|p| {
        p.trim()
            .split('=')
            .next()
            .is_some_and(|k| k.eq_ignore_ascii_case("rport"))
    }) {
        return peer;
    }
    // `host:port`, `[v6]:port`, or a host alone (port 5060).
    let port = match sent_by.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(':') || sent_by.starts_with('[') => {
            port.parse::<u16>().ok()
        }
        _ => None,
    };
    SocketAddr::new(peer.ip(), port.unwrap_or(5060))
}

impl ScaipReceiver {
    /// A receiver storing through `writer` (the DC-09 receiver's, when both run: one group
    /// commit for both) into `sink`.
    pub fn new(handler: ScaipHandler, writer: Writer, sink: Arc<dyn Sink>) -> Self {
        let ttl = handler.config.transaction_ttl;
        Self {
            handler,
            writer,
            sink,
            transactions: Arc::new(Transactions::new(ttl)),
            awaiting: Arc::default(),
            unknown: Arc::default(),
            refused: Arc::default(),
        }
    }

    fn limits(&self) -> Limits {
        self.handler.config.limits
    }

    /// Decides one request, stores what it carries, and says what to send.
    async fn process(
        &self,
        req: &SipRequest,
        transport: &'static str,
        peer: SocketAddr,
    ) -> Outcome {
        match self.handler.decide(req, transport) {
            Decision::Answer(a) => Outcome {
                answer: a.map(|r| r.to_bytes()),
                mrs: None,
            },
            Decision::Alive { ok, mrs } => Outcome {
                answer: Some(ok.to_bytes()),
                mrs: Some(mrs),
            },
            Decision::Unknown { cid, answer } => {
                self.report_unknown(&cid, transport, peer).await;
                Outcome {
                    answer: Some(answer.to_bytes()),
                    mrs: None,
                }
            }
            Decision::Refused {
                cid,
                device,
                reason,
                answer,
            } => {
                self.report_refused(&cid, device, reason, transport, peer)
                    .await;
                Outcome {
                    answer: Some(answer.to_bytes()),
                    mrs: None,
                }
            }
            Decision::Store { message, ok, mrs } => {
                let reference_len = mrs.len();
                match self.writer.submit(vec![*message]).await {
                    Ok(()) => {
                        metrics::counter!("vaka_scaip_stored_total").increment(1);
                        Outcome {
                            answer: Some(ok.to_bytes()),
                            mrs: Some(mrs),
                        }
                    }
                    Err(e) => {
                        // No 200: the device keeps the alarm and sends it again.
                        tracing::error!(%peer, error = %e, reference_len, "SCAIP message not stored; not answered");
                        Outcome {
                            answer: None,
                            mrs: None,
                        }
                    }
                }
            }
        }
    }

    async fn report_unknown(&self, cid: &str, transport: &'static str, peer: SocketAddr) {
        let now = self.handler.clock.now();
        let account = scaip_account(cid);
        if due(&self.unknown, account.clone(), now) {
            tracing::warn!(%peer, account, "SCAIP message from an unknown controller id");
            self.sink.unknown_account(&account, now, transport).await;
        }
    }

    async fn report_refused(
        &self,
        cid: &str,
        device: DeviceId,
        reason: Refusal,
        transport: &'static str,
        peer: SocketAddr,
    ) {
        let now = self.handler.clock.now();
        let account = scaip_account(cid);
        if due(&self.refused, (account.clone(), reason), now) {
            tracing::warn!(%peer, account, reason = reason.code(), "SCAIP message refused");
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

    /// Our MESSAGE carrying `mrs` to the device that sent `req`, over `transport` (`UDP`,
    /// `TCP`), with `local` as our address.
    fn our_message(req: &SipRequest, mrs: &str, transport: &str, local: SocketAddr) -> Vec<u8> {
        let from = req.headers.get("from").unwrap_or_default();
        let device = sip::header_uri(from);
        let target = req
            .headers
            .get("contact")
            .map(sip::header_uri)
            .filter(|c| c.starts_with("sip"))
            .unwrap_or(device);
        // Our own URI: the one the device sent to (its Request-URI), without parameters.
        let ours = req.uri.split(';').next().unwrap_or(&req.uri);
        let host = ours.rsplit('@').next().unwrap_or(ours);
        let host = host.trim_start_matches("sips:").trim_start_matches("sip:");
        let sent_by = if local.ip().is_unspecified() {
            host.to_owned()
        } else {
            local.to_string()
        };
        let call_id = format!("{}@vaka", random_token());
        let (tag, branch) = (random_token(), random_token());
        let mut m = OutgoingMessage::scaip(
            target,
            ours,
            &tag,
            device,
            &call_id,
            1,
            &sent_by,
            &branch,
            mrs.as_bytes(),
        );
        m.transport = transport;
        m.user_agent = Some("Vaka");
        m.build().to_bytes()
    }

    /// Serves UDP datagrams until the task is dropped.
    pub async fn serve_udp(self, socket: UdpSocket) {
        let socket = Arc::new(socket);
        let local = socket
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([0, 0, 0, 0], 0)));
        let slots = Arc::new(Semaphore::new(self.handler.config.max_udp_in_flight));
        // A datagram is at most 64 KiB; anything larger than the limits is refused by size.
        let mut buf = vec![0u8; 65_536];
        loop {
            let (n, peer) = match socket.recv_from(&mut buf).await {
                Ok(r) => r,
                Err(e) => {
                    tracing::debug!(error = %e, "SCAIP UDP receive failed");
                    continue;
                }
            };
            let req = match self.datagram(&buf[..n], peer) {
                Datagram::Request(r) => r,
                Datagram::Answer(bytes, to) => {
                    let _ = socket.send_to(&bytes, to).await;
                    continue;
                }
                Datagram::Nothing => continue,
            };
            let key = transactions::key(&req, peer);
            let target = response_target(&req, peer);
            match self.transactions.begin(&key, Instant::now()) {
                transactions::Seen::New => {}
                transactions::Seen::InProgress => {
                    metrics::counter!("vaka_scaip_retransmissions_total").increment(1);
                    continue;
                }
                transactions::Seen::Answered(bytes) => {
                    metrics::counter!("vaka_scaip_retransmissions_total").increment(1);
                    let _ = socket.send_to(&bytes, target).await;
                    continue;
                }
            }
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                metrics::counter!("vaka_scaip_refused_total", "reason" => "udp_busy").increment(1);
                // Not answered: the device retries, and the retry is decided afresh.
                self.transactions.finish(&key, None);
                continue;
            };
            let me = self.clone();
            let socket = socket.clone();
            tokio::spawn(async move {
                let out = me.process(&req, "scaip-udp", peer).await;
                me.transactions.finish(&key, out.answer.clone());
                if let Some(answer) = &out.answer
                    && let Err(e) = socket.send_to(answer, target).await
                {
                    tracing::debug!(%peer, error = %e, "SCAIP UDP answer failed");
                }
                drop(permit);
                if let Some(mrs) = out.mrs {
                    let message = Self::our_message(&req, &mrs, "UDP", local);
                    me.send_message_udp(&socket, message, target).await;
                }
            });
        }
    }

    /// Parses a datagram: a request to handle, or `None` (a response to our MESSAGE, a
    /// keep-alive, or what cannot be answered — answered here with 400 or 413 when it can).
    fn datagram(&self, bytes: &[u8], peer: SocketAddr) -> Datagram {
        match sip::parse_datagram(bytes, &self.limits()) {
            Ok(Message::Request(r)) => Datagram::Request(r),
            Ok(Message::Response(r)) => {
                if let Some(call_id) = r.headers.get("call-id")
                    && r.code >= 200
                {
                    self.awaiting
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .remove(call_id);
                }
                Datagram::Nothing
            }
            Err(SipError::KeepAlive) => Datagram::Nothing,
            Err(e @ SipError::BodyTooLarge { .. }) => {
                // Read the head alone (the datagram is already in memory) to answer 413.
                tracing::info!(%peer, error = %e, "SCAIP datagram over the size limit");
                metrics::counter!("vaka_scaip_refused_total", "reason" => "too_large").increment(1);
                let unbounded = Limits {
                    body: usize::MAX,
                    ..self.limits()
                };
                if let Ok(Message::Request(r)) = sip::parse_datagram(bytes, &unbounded)
                    && r.check().is_ok()
                {
                    // Answered at once, never stored: no transaction is needed.
                    let answer =
                        sip::response_to(&r, Status::REQUEST_ENTITY_TOO_LARGE, &random_token());
                    return Datagram::Answer(answer.to_bytes(), response_target(&r, peer));
                }
                Datagram::Nothing
            }
            Err(e) => {
                metrics::counter!("vaka_scaip_refused_total", "reason" => "malformed").increment(1);
                tracing::info!(%peer, error = %e, "SCAIP datagram dropped");
                Datagram::Nothing
            }
        }
    }

    /// Sends our MESSAGE and again (Timer E) until the device answers it or Timer F ends.
    async fn send_message_udp(&self, socket: &UdpSocket, message: Vec<u8>, to: SocketAddr) {
        let call_id = match sip::parse_datagram(&message, &Limits::default()) {
            Ok(Message::Request(r)) => r.call_id().unwrap_or_default().to_owned(),
            _ => String::new(),
        };
        self.awaiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(call_id.clone(), Instant::now());
        let mut wait = Duration::from_millis(500);
        for _ in 0..MESSAGE_SENDS {
            if let Err(e) = socket.send_to(&message, to).await {
                tracing::debug!(error = %e, "SCAIP MESSAGE not sent");
            }
            tokio::time::sleep(wait).await;
            let answered = !self
                .awaiting
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .contains_key(&call_id);
            if answered {
                metrics::counter!("vaka_scaip_responses_delivered_total").increment(1);
                return;
            }
            wait = (wait * 2).min(Duration::from_secs(4));
        }
        self.awaiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&call_id);
        metrics::counter!("vaka_scaip_responses_unanswered_total").increment(1);
        tracing::info!(%to, "SCAIP response MESSAGE not answered by the device");
    }

    /// Serves TCP connections until the task is dropped.
    pub async fn serve_tcp(self, listener: TcpListener) {
        self.serve_streams(listener, None).await;
    }

    /// Serves TLS connections (SIP over TLS) until the task is dropped: the handshake within
    /// the idle timeout, then as over TCP.
    pub async fn serve_tls(self, listener: TcpListener, acceptor: tokio_rustls::TlsAcceptor) {
        self.serve_streams(listener, Some(acceptor)).await;
    }

    /// The accept loop of both stream transports: at most `max_connections` at once (more are
    /// closed at once), a task per connection.
    async fn serve_streams(self, listener: TcpListener, tls: Option<tokio_rustls::TlsAcceptor>) {
        let slots = Arc::new(Semaphore::new(self.handler.config.max_connections));
        let transport = if tls.is_some() {
            Transport::Tls
        } else {
            Transport::Tcp
        };
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(transport = transport.via(), error = %e, "accepting a SCAIP connection failed");
                    continue;
                }
            };
            let Ok(permit) = slots.clone().try_acquire_owned() else {
                metrics::counter!("vaka_scaip_connections_refused_total").increment(1);
                tracing::warn!(%peer, transport = transport.via(), "SCAIP connection refused: too many connections");
                drop(stream);
                continue;
            };
            let me = self.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                let _ = stream.set_nodelay(true);
                let Ok(local) = stream.local_addr() else {
                    return;
                };
                metrics::gauge!("vaka_scaip_connections").increment(1.0);
                let ended = match tls {
                    None => me.connection(stream, peer, local, transport).await,
                    Some(acceptor) => match me.handshake(&acceptor, stream, peer).await {
                        Some(tls) => me.connection(tls, peer, local, transport).await,
                        None => Ok(()),
                    },
                };
                if let Err(e) = ended {
                    tracing::debug!(%peer, transport = transport.via(), error = %e, "SCAIP connection ended");
                }
                metrics::gauge!("vaka_scaip_connections").decrement(1.0);
                drop(permit);
            });
        }
    }

    /// The TLS handshake, within the idle timeout; `None` (logged and counted) when it fails.
    async fn handshake(
        &self,
        acceptor: &tokio_rustls::TlsAcceptor,
        stream: tokio::net::TcpStream,
        peer: SocketAddr,
    ) -> Option<tokio_rustls::server::TlsStream<tokio::net::TcpStream>> {
        match tokio::time::timeout(self.handler.config.idle_timeout, acceptor.accept(stream)).await
        {
            Ok(Ok(tls)) => Some(tls),
            Ok(Err(e)) => {
                metrics::counter!("vaka_scaip_refused_total", "reason" => "tls").increment(1);
                tracing::info!(%peer, error = %e, "SCAIP TLS handshake failed");
                None
            }
            Err(_) => {
                tracing::info!(%peer, "SCAIP TLS handshake timed out");
                None
            }
        }
    }

    async fn connection<S: AsyncRead + AsyncWrite + Unpin>(
        &self,
        mut stream: S,
        peer: SocketAddr,
        local: SocketAddr,
        transport: Transport,
    ) -> std::io::Result<()> {
        let limits = self.limits();
        let mut buf: Vec<u8> = Vec::with_capacity(4096);
        let mut chunk = vec![0u8; 8192];
        loop {
            // Everything framed so far, in order.
            loop {
                match sip::frame_stream(&buf, &limits) {
                    Ok(Framed::NeedMore) => break,
                    Ok(Framed::KeepAlive { used, ping }) => {
                        buf.drain(..used);
                        if ping {
                            stream.write_all(b"\r\n").await?;
                        }
                    }
                    Ok(Framed::Message { message, used }) => {
                        buf.drain(..used);
                        let Message::Request(req) = message else {
                            // The device's answer to our MESSAGE.
                            continue;
                        };
                        let out = self.process(&req, transport.label(), peer).await;
                        if let Some(answer) = out.answer {
                            stream.write_all(&answer).await?;
                        }
                        if let Some(mrs) = out.mrs {
                            let m = Self::our_message(&req, &mrs, transport.via(), local);
                            stream.write_all(&m).await?;
                            metrics::counter!("vaka_scaip_responses_delivered_total").increment(1);
                        }
                    }
                    Err(e) => {
                        // A stream cannot be resynchronised after a framing error.
                        let reason = if matches!(e, SipError::BodyTooLarge { .. }) {
                            "too_large"
                        } else {
                            "malformed"
                        };
                        metrics::counter!("vaka_scaip_refused_total", "reason" => reason)
                            .increment(1);
                        tracing::info!(%peer, error = %e, "SCAIP stream refused; connection closed");
                        return Ok(());
                    }
                }
            }
            let Ok(read) =
                tokio::time::timeout(self.handler.config.idle_timeout, stream.read(&mut chunk))
                    .await
            else {
                tracing::debug!(%peer, "SCAIP connection idle; closed");
                return Ok(());
            };
            let n = read?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// A stream transport: what the stored message says it came over, and our `Via`'s transport.
#[derive(Debug, Clone, Copy)]
enum Transport {
    Tcp,
    Tls,
}

impl Transport {
    fn label(self) -> &'static str {
        match self {
            Self::Tcp => "scaip-tcp",
            Self::Tls => "scaip-tls",
        }
    }

    fn via(self) -> &'static str {
        match self {
            Self::Tcp => "TCP",
            Self::Tls => "TLS",
        }
    }
}

/// The TLS side of a SCAIP receiver from a PEM certificate chain and its private key.
pub fn tls_acceptor(cert_pem: &[u8], key_pem: &[u8]) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs = CertificateDer::pem_slice_iter(cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the certificate is not PEM: {e}"))?;
    if certs.is_empty() {
        return Err("the certificate file holds no certificate".into());
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|e| format!("the key is not a PEM private key: {e}"))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("the certificate and key do not go together: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Binds TCP and UDP on `addr` (the UDP socket on the port TCP got).
pub async fn bind(addr: &str) -> std::io::Result<(TcpListener, UdpSocket)> {
    let tcp = TcpListener::bind(addr).await?;
    let udp = UdpSocket::bind(tcp.local_addr()?).await?;
    Ok((tcp, udp))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaka_scaip::sip::parse_datagram;

    fn req(via: &str) -> SipRequest {
        let raw = format!(
            "MESSAGE sip:vaka@127.0.0.1 SIP/2.0\r\nVia: {via}\r\nFrom: <sip:1@h>;tag=a\r\n\
             To: <sip:vaka@h>\r\nCall-ID: c1\r\nCSeq: 1 MESSAGE\r\nContent-Length: 0\r\n\r\n"
        );
        match parse_datagram(raw.as_bytes(), &Limits::default()).unwrap() {
            Message::Request(r) => r,
            Message::Response(_) => unreachable!(),
        }
    }

    #[test]
    fn responses_go_to_the_via_port_or_the_source_port_with_rport() {
        let peer: SocketAddr = "10.1.2.3:40000".parse().unwrap();
        let at = |via: &str| response_target(&req(via), peer).to_string();
        assert_eq!(
            at("SIP/2.0/UDP 10.1.2.3:5070;branch=z9hG4bKa"),
            "10.1.2.3:5070"
        );
        assert_eq!(
            at("SIP/2.0/UDP 192.168.0.9:5070;branch=z9hG4bKa"),
            "10.1.2.3:5070"
        );
        assert_eq!(
            at("SIP/2.0/UDP host.example;branch=z9hG4bKa"),
            "10.1.2.3:5060"
        );
        assert_eq!(
            at("SIP/2.0/UDP 10.1.2.3:5070;rport;branch=z9hG4bKa"),
            "10.1.2.3:40000"
        );
        assert_eq!(
            at("SIP/2.0/UDP [::1]:5071;branch=z9hG4bKa"),
            "10.1.2.3:5071"
        );
    }

    #[test]
    fn our_message_goes_to_the_device_with_its_mrs() {
        let r = req("SIP/2.0/UDP 10.1.2.3:5070;branch=z9hG4bKa");
        let local: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        let bytes =
            ScaipReceiver::our_message(&r, "<mrs><ref>1</ref><snu>0</snu></mrs>", "UDP", local);
        let Ok(Message::Request(m)) = parse_datagram(&bytes, &Limits::default()) else {
            panic!("our MESSAGE parses back");
        };
        assert_eq!(m.method, "MESSAGE");
        assert_eq!(m.uri, "sip:1@h");
        assert!(m.check().is_ok());
        assert_eq!(m.content_type().as_deref(), Some(sip::SCAIP_CONTENT_TYPE));
        assert!(
            m.headers
                .get("via")
                .unwrap()
                .starts_with("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK")
        );
        assert_eq!(m.body, b"<mrs><ref>1</ref><snu>0</snu></mrs>");
    }
}
