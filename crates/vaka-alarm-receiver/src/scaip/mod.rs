//! The SCAIP receiver (SS 91100:2014 over SIP, research §6 and §8): a device's SIP `MESSAGE`
//! carrying `<mrq>` is checked, stored through the same group commit as DC-09 ([`Writer`])
//! and answered `200 OK` only once committed; then the receiver sends its own `MESSAGE` with
//! `<mrs>` (the `ref` echoed, `snu` 0) back to the device — on the device's TCP connection
//! when it keeps one, to the datagram's source address on UDP.
//!
//! It shares with DC-09 everything past the wire: the writer (one group commit, one fsync, for
//! both protocols), the memory of recent messages (a resend with the same `ref` from the same
//! unit is acknowledged again and stored once: account `scaip:<cid>`, sequence 0, fingerprint
//! of the `ref`), [`Seen`] (the heartbeat monitor sees a SCAIP unit as it sees a DC-09 one),
//! the sink's *unknown device* alarm and its audited refusals. What is SCAIP's own: the SIP
//! transaction (a UDP retransmission is answered from [`transactions`], never decided
//! twice), digest authentication per unit with nonces that expire ([`nonces`]), and the
//! mapping of `dty` + `stc` to the alarm kinds ([`map_request`], over the codec's
//! configurable [`EventMap`]).
//!
//! The decision ([`ScaipHandler::decide`]) is I/O-free; [`listener`] owns the sockets.

pub mod listener;
pub mod nonces;
pub mod transactions;

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use jiff::Timestamp;
use vaka_domain::alarm::AlarmKind;
use vaka_domain::client::AreaType;
use vaka_domain::clock::Clock;
use vaka_domain::device::scaip_account;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_scaip::digest::{Challenge, Credentials};
use vaka_scaip::sip::{
    self, Request as SipRequest, Response as SipResponse, SCAIP_CONTENT_TYPE, Status,
};
use vaka_scaip::{EventKind, EventMap, Request, StatusCode, XmlError};

use crate::directory::{AccountEntry, Security, Seen};
use crate::handler::Refusal;
use crate::mapping::ReceivedEvent;
use crate::writer::Received;

pub use listener::ScaipReceiver;
pub use nonces::Nonces;

/// The ID token SCAIP messages are stored under (`alarm_messages.token`).
pub const TOKEN: &str = "SCAIP";

/// One provisioned SCAIP alarm unit.
#[derive(Clone)]
pub struct ScaipUnit {
    pub device_id: DeviceId,
    /// The SIP digest password; none: the unit is not challenged.
    pub password: Option<String>,
    pub client_id: Option<ClientId>,
    pub area: AreaType,
}

impl std::fmt::Debug for ScaipUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScaipUnit")
            .field("device_id", &self.device_id)
            .field("digest", &self.password.is_some())
            .finish_non_exhaustive()
    }
}

/// Units by controller id (`cid`, compared as sent after trimming), replaced by the server
/// when devices change.
#[derive(Debug, Default)]
pub struct ScaipDirectory {
    units: RwLock<HashMap<String, Arc<ScaipUnit>>>,
}

impl ScaipDirectory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces every entry.
    pub fn replace(&self, entries: impl IntoIterator<Item = (String, ScaipUnit)>) {
        let map = entries.into_iter().map(|(c, u)| (c, Arc::new(u))).collect();
        *self.units.write().unwrap_or_else(PoisonError::into_inner) = map;
    }

    pub fn lookup(&self, cid: &str) -> Option<Arc<ScaipUnit>> {
        self.units
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(cid)
            .cloned()
    }

    pub fn len(&self) -> usize {
        self.units
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The receiver's settings.
#[derive(Debug, Clone)]
pub struct ScaipConfig {
    /// The digest realm, and the host of our own SIP URI (`sip:vaka@<realm>`).
    pub realm: String,
    /// How `mty` + `dty` + `stc` become event kinds (defaults plus configured overrides).
    pub events: EventMap,
    /// SIP framing limits.
    pub limits: sip::Limits,
    /// How long a nonce we issued is accepted.
    pub nonce_ttl: std::time::Duration,
    /// How long a UDP transaction's answer is kept for retransmissions (RFC 3261 Timer J:
    /// 64 × T1 = 32 s).
    pub transaction_ttl: std::time::Duration,
    /// TCP connections served at once.
    pub max_connections: usize,
    /// A TCP connection silent this long is closed.
    pub idle_timeout: std::time::Duration,
    /// UDP datagrams handled at once.
    pub max_udp_in_flight: usize,
}

impl Default for ScaipConfig {
    fn default() -> Self {
        Self {
            realm: "vaka".into(),
            events: EventMap::default(),
            limits: sip::Limits::default(),
            nonce_ttl: std::time::Duration::from_mins(5),
            transaction_ttl: std::time::Duration::from_secs(32),
            max_connections: 4096,
            idle_timeout: std::time::Duration::from_mins(5),
            max_udp_in_flight: 256,
        }
    }
}

/// What an `<mrq>` means for the alarm centre: the event kind and what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub kind: EventKind,
    /// The events to store (none for a heartbeat).
    pub events: Vec<ReceivedEvent>,
}

/// The technical category of a status code (the DC-09 categories where they fit, so that a
/// restore of either protocol finds the alarm it ends).
fn technical_category(stc: StatusCode) -> &'static str {
    match stc.0 {
        14 | 16 => "low_battery",
        85 => "mains_failure",
        23..=27 | 31 | 63 | 73 | 123 => "communication_failure",
        _ if stc.name().is_some() => "device_fault",
        _ => "other",
    }
}

/// The category of the condition a restore code ends.
fn restored_category(stc: StatusCode) -> &'static str {
    match stc.0 {
        15 => "low_battery",
        86 => "mains_failure",
        75 | 91 | 112..=116 | 124 => "communication_failure",
        _ => "device_fault",
    }
}

/// Maps a request through `events`. The alarm's code is the status code, zero-padded
/// (`0009`: the console words it); its zone the `did`; its caller the first `crd`.
///
/// | event kind | stored as |
/// |---|---|
/// | personal | alarm `personal`, category `personal_alarm` |
/// | fall | alarm `fall`, category `fall` |
/// | sensor | alarm `sensor`, category `sensor` |
/// | technical | alarm `technical`: `low_battery` (14, 16), `mains_failure` (85), `communication_failure` (23–27, 31, 63, 73, 123), `device_fault` (other listed codes), `other` (a code in no list) |
/// | test | alarm `test` (kept out of statistics) |
/// | heartbeat | nothing stored: the unit is alive |
/// | restore | the open alarm of the condition it ends is marked restored: `low_battery` (15), `mains_failure` (86), `communication_failure` (75, 91, 112–116, 124), `device_fault` (others) |
/// | cancel | the unit's open personal, fall and sensor alarms are marked restored (withdrawn at the unit; the operator still closes them) |
/// | information | stored, no alarm |
pub fn map_request(r: &Request, events: &EventMap) -> Mapped {
    let kind = events.classify(r);
    let code = r.status.to_string();
    let zone = r.device_id.clone();
    let caller = r.caller.first().map(ToString::to_string);
    let event = |kind: Option<AlarmKind>, category: &'static str, restore: bool| ReceivedEvent {
        kind,
        category,
        restore,
        code: code.clone(),
        zone: zone.clone(),
        caller: caller.clone(),
    };
    let stored = match kind {
        EventKind::Heartbeat => Vec::new(),
        EventKind::Personal => vec![event(Some(AlarmKind::Personal), "personal_alarm", false)],
        EventKind::Fall => vec![event(Some(AlarmKind::Fall), "fall", false)],
        EventKind::Sensor => vec![event(Some(AlarmKind::Sensor), "sensor", false)],
        EventKind::Technical => vec![event(
            Some(AlarmKind::Technical),
            technical_category(r.status),
            false,
        )],
        EventKind::Test => vec![event(Some(AlarmKind::Test), "test", false)],
        EventKind::Restore => vec![event(None, restored_category(r.status), true)],
        EventKind::Cancel => ["personal_alarm", "fall", "sensor"]
            .into_iter()
            .map(|c| event(None, c, true))
            .collect(),
        EventKind::Information => vec![event(None, "information", false)],
    };
    Mapped {
        kind,
        events: stored,
    }
}

/// Reads the configured overrides of the event table (the `scaip_events` setting):
/// comma-separated `KEY=kind`, where `KEY` is a `dty/stc` pair (`0005/0009`), `stc:NNNN`,
/// `dty:NNNN` (what an alarm code from that device type means) or `fallback` (a status code
/// in no table), and `kind` an [`EventKind`] name (`personal`, `fall`, `sensor`,
/// `technical`, `test`, `heartbeat`, `restore`, `cancel`, `information`). Empty: the
/// built-in table. The error names the entry.
pub fn parse_event_table(raw: &str) -> Result<EventMap, String> {
    let number = |s: &str, what: &str| -> Result<u16, String> {
        let s = s.trim();
        s.parse::<u16>()
            .ok()
            .filter(|n| (1..=4).contains(&s.len()) && *n <= 9999)
            .ok_or_else(|| format!("{s:?} is not a {what} of 1–4 digits"))
    };
    let mut map = EventMap::default();
    for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (key, kind) = entry
            .split_once('=')
            .ok_or_else(|| format!("{entry:?}: expected KEY=kind, such as 0005/0009=fall"))?;
        let kind: EventKind = kind.trim().parse().map_err(|_| {
            format!(
                "{entry:?}: {:?} is not one of personal, fall, sensor, technical, test, \
                 heartbeat, restore, cancel, information",
                kind.trim()
            )
        })?;
        let key = key.trim();
        map = if key.eq_ignore_ascii_case("fallback") {
            map.with_fallback(kind)
        } else if let Some(stc) = key.strip_prefix("stc:") {
            map.with_status(StatusCode(number(stc, "status code")?), kind)
        } else if let Some(dty) = key.strip_prefix("dty:") {
            map.with_device(vaka_scaip::DeviceType(number(dty, "device type")?), kind)
        } else if let Some((dty, stc)) = key.split_once('/') {
            map.with_pair(
                vaka_scaip::DeviceType(number(dty, "device type")?),
                StatusCode(number(stc, "status code")?),
                kind,
            )
        } else {
            return Err(format!(
                "{entry:?}: the key is dty/stc (0005/0009), stc:NNNN, dty:NNNN or fallback"
            ));
        };
    }
    Ok(map)
}

/// Recognises a resend: the unit and its `ref` (a device repeats the `ref` when it sends the
/// same message again; research §8.3).
pub fn fingerprint(reference: &str) -> i64 {
    crate::handler::fingerprint(TOKEN, reference.as_bytes())
}

/// What to do with one SIP request.
#[derive(Debug)]
pub enum Decision {
    /// Send this answer (or nothing), store nothing.
    Answer(Option<SipResponse>),
    /// Store the message; answer `ok` once it is committed, then send `<mrs>` (`mrs`, XML).
    Store {
        message: Box<Received>,
        ok: SipResponse,
        mrs: String,
    },
    /// A heartbeat: answer `ok` and send `<mrs>` at once.
    Alive { ok: SipResponse, mrs: String },
    /// An unknown controller id: report it (an *unknown device* alarm), then answer.
    Unknown { cid: String, answer: SipResponse },
    /// A provisioned unit whose credentials were wrong: report it, then answer.
    Refused {
        cid: String,
        device: DeviceId,
        reason: Refusal,
        answer: SipResponse,
    },
}

/// Applies the receiver's rules to SIP requests, without I/O.
#[derive(Clone)]
pub struct ScaipHandler {
    pub directory: Arc<ScaipDirectory>,
    pub seen: Seen,
    pub clock: Arc<dyn Clock>,
    pub nonces: Arc<Nonces>,
    pub config: Arc<ScaipConfig>,
}

/// A fresh random token (tags, branches, Call-IDs, nonces): 16 hex digits.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rng().fill_bytes(&mut b);
    b.iter().fold(String::with_capacity(16), |mut s, x| {
        use std::fmt::Write;
        let _ = write!(s, "{x:02x}");
        s
    })
}

fn count(reason: &'static str) {
    metrics::counter!("vaka_scaip_refused_total", "reason" => reason).increment(1);
}

impl ScaipHandler {
    /// The response to `req` with a fresh To tag.
    fn respond(req: &SipRequest, status: Status) -> SipResponse {
        sip::response_to(req, status, &random_token())
    }

    /// Decides the answer to one request received over `transport` (`scaip-udp`,
    /// `scaip-tcp`).
    pub fn decide(&self, req: &SipRequest, transport: &'static str) -> Decision {
        if req.check().is_err() {
            count("malformed");
            return Decision::Answer(Some(Self::respond(req, Status::BAD_REQUEST)));
        }
        match req.method.as_str() {
            "MESSAGE" => {}
            // Keep-alives and capability queries.
            "OPTIONS" => {
                return Decision::Answer(Some(
                    Self::respond(req, Status::OK).with_header("Allow", "MESSAGE, OPTIONS"),
                ));
            }
            // An ACK is never answered.
            "ACK" => return Decision::Answer(None),
            _ => {
                count("method");
                return Decision::Answer(Some(
                    Self::respond(req, Status::METHOD_NOT_ALLOWED)
                        .with_header("Allow", "MESSAGE, OPTIONS"),
                ));
            }
        }
        if req.content_type().as_deref() != Some(SCAIP_CONTENT_TYPE) {
            count("media_type");
            return Decision::Answer(Some(
                Self::respond(req, Status::UNSUPPORTED_MEDIA_TYPE)
                    .with_header("Accept", SCAIP_CONTENT_TYPE),
            ));
        }
        let mrq = match Request::parse(&req.body) {
            Ok(m) => m,
            Err(e) => {
                // Refused before anything is stored: a DOCTYPE (entities, XXE), non-XML, a
                // missing or malformed element. The ref is logged, never the content.
                let status = if matches!(e.error, XmlError::TooLong { .. }) {
                    count("too_large");
                    Status::REQUEST_ENTITY_TOO_LARGE
                } else {
                    count("body");
                    Status::BAD_REQUEST
                };
                tracing::info!(reference = e.reference.as_deref(), error = %e.error, "SCAIP body refused");
                return Decision::Answer(Some(Self::respond(req, status)));
            }
        };
        let now = self.clock.now();
        let Some(unit) = self.directory.lookup(&mrq.controller_id) else {
            count("unknown_account");
            return Decision::Unknown {
                cid: mrq.controller_id,
                answer: Self::respond(req, Status::NOT_FOUND),
            };
        };
        if req.from_user().is_some_and(|u| u != mrq.controller_id) {
            // Some units put another name in From (research §8.2); the cid decides.
            tracing::debug!(cid = %mrq.controller_id, "SCAIP From user differs from the cid");
        }
        if let Some(password) = &unit.password
            && let Some(answer) = self.authenticate(req, &mrq.controller_id, password, now)
        {
            return match answer {
                Auth::Challenge(r) => Decision::Answer(Some(r)),
                Auth::Refused(r) => Decision::Refused {
                    cid: mrq.controller_id,
                    device: unit.device_id,
                    reason: Refusal::Authentication,
                    answer: r,
                },
            };
        }
        // Valid (and authenticated where required): the unit is alive, whatever it says.
        self.seen.record(unit.device_id, now);
        let mapped = map_request(&mrq, &self.config.events);
        let ok = Self::respond(req, Status::OK);
        let mrs = vaka_scaip::Response::ok(&mrq.reference).to_xml();
        if mapped.kind == EventKind::Heartbeat {
            metrics::counter!("vaka_scaip_heartbeats_total").increment(1);
            return Decision::Alive { ok, mrs };
        }
        let message = Received {
            account: scaip_account(&mrq.controller_id),
            seq: 0,
            fingerprint: fingerprint(&mrq.reference),
            token: TOKEN,
            entry: Arc::new(AccountEntry {
                device_id: unit.device_id,
                security: Security::Clear,
                client_id: unit.client_id,
                area: unit.area,
            }),
            data: mrq.to_xml(),
            events: mapped.events,
            message_at: None,
            received_at: now,
            transport,
        };
        Decision::Store {
            message: Box::new(message),
            ok,
            mrs,
        }
    }

    /// Checks a unit's digest credentials: `None` when they are good; otherwise the
    /// challenge to send (none given, or a nonce not ours or expired: `stale`) or the refusal
    /// (credentials that do not match).
    fn authenticate(
        &self,
        req: &SipRequest,
        cid: &str,
        password: &str,
        now: Timestamp,
    ) -> Option<Auth> {
        let challenge = |stale: bool| {
            let mut c = Challenge::md5(&self.config.realm, &self.nonces.issue(now));
            c.stale = stale;
            Auth::Challenge(
                Self::respond(req, Status::UNAUTHORIZED)
                    .with_header("WWW-Authenticate", &c.to_header_value()),
            )
        };
        let Some(header) = req.headers.get("authorization") else {
            count("challenge");
            return Some(challenge(false));
        };
        let Ok(credentials) = Credentials::parse(header) else {
            count("authentication");
            return Some(challenge(false));
        };
        if !self.nonces.valid(&credentials.nonce, now) {
            count("stale_nonce");
            return Some(challenge(true));
        }
        let good = credentials.username == cid
            && credentials.realm == self.config.realm
            && credentials.verify(&req.method, password);
        if good {
            None
        } else {
            count("authentication");
            // A fresh nonce with the refusal, so a unit given its right password can retry.
            let c = Challenge::md5(&self.config.realm, &self.nonces.issue(now));
            Some(Auth::Refused(
                Self::respond(req, Status::FORBIDDEN)
                    .with_header("WWW-Authenticate", &c.to_header_value()),
            ))
        }
    }
}

enum Auth {
    Challenge(SipResponse),
    Refused(SipResponse),
}

#[cfg(test)]
mod tests;
