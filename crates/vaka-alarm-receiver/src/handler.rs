//! What to do with one frame: the protocol rules of the receiver, with no I/O.

use std::sync::Arc;

use jiff::Timestamp;
use rand::RngCore;
use sha2::{Digest, Sha256};
use vaka_domain::client::AreaType;
use vaka_domain::clock::{Clock, ManualClock};
use vaka_domain::ids::DeviceId;
use vaka_sia_dc09::frame::{ErrorKind, FrameError, PartialHeader};
use vaka_sia_dc09::{Disposition, IdToken, content, parse_frame, response, window};

use crate::directory::{AccountEntry, Directory, Security, Seen};
use crate::mapping::map_event;
use crate::writer::Received;

/// The answer to one frame.
#[derive(Debug)]
pub enum Decision {
    /// Send this now (a NAK, a DUH, or the ACK of a heartbeat).
    Answer(Vec<u8>),
    /// Store the message; send `ack` once it is committed.
    Store {
        message: Box<Received>,
        ack: Vec<u8>,
    },
    /// A message from an account nobody provisioned: send the NAK and raise an *unknown
    /// device* alarm.
    Unknown { account: String, nak: Vec<u8> },
    /// A message from a provisioned account that its rules refuse (a clear message where a
    /// key is required, an account with neither key nor clear marking, no timestamp, a
    /// timestamp outside the window, a wrong key): send `answer` (a NAK with our clock) and
    /// record why, for the alarm centre.
    Refused {
        account: String,
        device: DeviceId,
        reason: Refusal,
        answer: Vec<u8>,
    },
    /// Say nothing: the frame was damaged in transit; the sender retries.
    Drop(ErrorKind),
}

/// Why a frame was refused (a domain type: the service records it, the pages name it).
pub use vaka_domain::alarm::MessageRefusal as Refusal;

/// Why a frame with this parse error was refused.
#[must_use]
pub fn refusal_of(kind: ErrorKind) -> Refusal {
    match kind {
        ErrorKind::NotFramed | ErrorKind::TooShort => Refusal::Framing,
        ErrorKind::BadCrcField | ErrorKind::Crc { .. } => Refusal::Crc,
        ErrorKind::BadLengthField | ErrorKind::Length { .. } => Refusal::Length,
        ErrorKind::BadIdToken
        | ErrorKind::BadSequence
        | ErrorKind::BadReceiver
        | ErrorKind::BadLine
        | ErrorKind::BadAccount => Refusal::Header,
        ErrorKind::BadData | ErrorKind::BadXData | ErrorKind::TrailingBytes => Refusal::Content,
        ErrorKind::BadTimestamp => Refusal::Timestamp,
        ErrorKind::MissingTimestamp => Refusal::MissingTimestamp,
        ErrorKind::BadCiphertext | ErrorKind::MissingKey | ErrorKind::Decrypt => Refusal::Key,
    }
}

/// Why a frame was refused, for logs and metrics (never the content).
pub fn reason(kind: ErrorKind) -> &'static str {
    refusal_of(kind).code()
}

/// Applies the receiver's rules to frames.
#[derive(Clone)]
pub struct FrameHandler {
    pub directory: Arc<Directory>,
    pub seen: Seen,
    pub clock: Arc<dyn Clock>,
}

impl FrameHandler {
    /// A handler over a fresh directory of these accounts (each with a new device, in town and
    /// with no client) and a manual clock standing at `now`; returns the devices' ids in the
    /// order given. The set-up of the handler's tests, property tests and fuzz target.
    #[must_use]
    pub fn with_accounts(accounts: Vec<(&str, Security)>, now: Timestamp) -> (Self, Vec<DeviceId>) {
        let devices: Vec<DeviceId> = accounts.iter().map(|_| DeviceId::new()).collect();
        let directory = Arc::new(Directory::new());
        directory.replace(accounts.into_iter().zip(&devices).map(
            |((account, security), &device_id)| {
                (
                    account.to_owned(),
                    AccountEntry {
                        device_id,
                        security,
                        client_id: None,
                        area: AreaType::Town,
                    },
                )
            },
        ));
        let handler = Self {
            directory,
            seen: Seen::default(),
            clock: Arc::new(ManualClock::new(now)),
        };
        (handler, devices)
    }
}

fn fill(buf: &mut [u8]) {
    rand::rng().fill_bytes(buf);
}

/// Recognises the same message sent again: its type and data, not its timestamp (a sender
/// may stamp a resend anew).
pub fn fingerprint(token: &str, data: &[u8]) -> i64 {
    let mut h = Sha256::new();
    h.update(token.as_bytes());
    h.update([0]);
    h.update(data);
    let d = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    i64::from_be_bytes(first)
}

impl FrameHandler {
    fn refuse(e: &FrameError, now: Timestamp) -> Decision {
        metrics::counter!("vaka_dc09_refused_total", "reason" => reason(e.kind)).increment(1);
        match e.disposition() {
            Disposition::Drop => Decision::Drop(e.kind),
            Disposition::Nak => Decision::Answer(response::nak(&e.header, now)),
            Disposition::Duh => match e.header.complete() {
                Some(h) => Decision::Answer(response::duh(&h)),
                None => Decision::Answer(response::nak(&e.header, now)),
            },
        }
    }

    /// Decides the answer to one frame (LF and CR included), received over `transport`.
    pub fn handle(&self, frame: &[u8], transport: &'static str) -> Decision {
        let now = self.clock.now();
        let parsed = match parse_frame(frame) {
            Ok(f) => f,
            Err(e) => return Self::refuse(&e, now),
        };
        let h = &parsed.header;
        if !matches!(h.id, IdToken::SiaDcs | IdToken::AdmCid | IdToken::Null) {
            metrics::counter!("vaka_dc09_refused_total", "reason" => Refusal::Token.code())
                .increment(1);
            return Decision::Answer(response::duh(h));
        }
        let Some(entry) = self.directory.lookup(&h.account) else {
            metrics::counter!("vaka_dc09_refused_total", "reason" => Refusal::UnknownAccount.code())
                .increment(1);
            return Decision::Unknown {
                account: h.account.to_ascii_uppercase(),
                nak: response::nak(&PartialHeader::from(h), now),
            };
        };
        // The account's rules; a refusal is answered NAK with our clock and recorded.
        let refused = |reason: Refusal| {
            metrics::counter!("vaka_dc09_refused_total", "reason" => reason.code()).increment(1);
            Decision::Refused {
                account: h.account.to_ascii_uppercase(),
                device: entry.device_id,
                reason,
                answer: response::nak(&PartialHeader::from(h), now),
            }
        };
        match (&entry.security, h.encrypted) {
            // Encryption is required unless the account is marked clear (ALM-20): a clear
            // message could come from anyone who reaches the receiver.
            (Security::Unset, _) => return refused(Refusal::UnsecuredAccount),
            (Security::Encrypted(_), false) => return refused(Refusal::ClearForEncryptedAccount),
            (Security::Encrypted(_), true) | (Security::Clear, _) => {}
        }
        // An encrypted message must carry a timestamp (checked by `body`); a clear one may
        // leave it out (the standard makes it optional in clear), on a clear account only.
        let body = match parsed.body(entry.key()) {
            Ok(b) => b,
            Err(e) => {
                return match e.disposition() {
                    Disposition::Nak => refused(refusal_of(e.kind)),
                    Disposition::Drop | Disposition::Duh => Self::refuse(&e, now),
                };
            }
        };
        // A timestamp outside the window: a stale resend, a wrong clock — or a recorded
        // message replayed, which the window is what stops (a resend inside it is
        // recognised by the writer and stored once).
        if let Some(at) = body.timestamp
            && !window::check(at, now).is_ok()
        {
            return refused(Refusal::Window);
        }
        // Valid and on time: the device is alive, whatever it says.
        self.seen.record(entry.device_id, now);
        let ack = response::ack_for(h, entry.key(), now, &mut fill);
        if h.id == IdToken::Null {
            metrics::counter!("vaka_dc09_heartbeats_total").increment(1);
            return Decision::Answer(ack);
        }
        let Ok(content) = content::decode(&h.id, &body.data) else {
            metrics::counter!("vaka_dc09_refused_total", "reason" => "content").increment(1);
            return Decision::Answer(response::duh(h));
        };
        let token = h.id.as_str();
        let message = Received {
            account: h.account.to_ascii_uppercase(),
            seq: h.seq,
            fingerprint: fingerprint(token, &body.data),
            token: if h.id == IdToken::SiaDcs {
                "SIA-DCS"
            } else {
                "ADM-CID"
            },
            entry,
            data: String::from_utf8_lossy(&body.data).into_owned(),
            events: content.events.iter().map(map_event).collect(),
            message_at: body.timestamp,
            received_at: now,
            transport,
        };
        Decision::Store {
            message: Box::new(message),
            ack,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaka_domain::alarm::AlarmKind;
    use vaka_sia_dc09::encode::{encode_clear, encode_encrypted, sia_dcs_data};
    use vaka_sia_dc09::frame::{Body, Header, Payload};
    use vaka_sia_dc09::{Key, KeyStyle};

    const KEY: &str = "000102030405060708090a0b0c0d0e0f";

    fn now() -> Timestamp {
        "2026-12-01T02:00:00Z".parse().unwrap()
    }

    fn handler() -> (FrameHandler, DeviceId) {
        let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
        let (h, devices) = FrameHandler::with_accounts(
            vec![
                ("1001", Security::Clear),
                ("2002", Security::Encrypted(key)),
                ("3003", Security::Unset),
            ],
            now(),
        );
        (h, devices[0])
    }

    /// The reason of a refusal and its answer's token, or panics.
    fn refusal(d: Decision) -> (Refusal, IdToken) {
        match d {
            Decision::Refused { reason, answer, .. } => (reason, parse_answer(&answer).0),
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    fn header(id: IdToken, account: &str, encrypted: bool) -> Header {
        Header {
            id,
            encrypted,
            seq: 7,
            receiver: Some("1".into()),
            line: Some("2".into()),
            account: account.into(),
        }
    }

    fn body(data: &[u8], at: Option<Timestamp>) -> Body {
        Body {
            data: data.to_vec(),
            xdata: Vec::new(),
            timestamp: at,
        }
    }

    fn parse_answer(bytes: &[u8]) -> (IdToken, Header) {
        let f = parse_frame(bytes).unwrap();
        (f.header.id.clone(), f.header)
    }

    #[test]
    fn an_event_is_stored_before_its_ack_and_a_heartbeat_is_answered_at_once() {
        let (h, device) = handler();
        let data = sia_dcs_data(Some("1001"), "ri1/MA001");
        let frame = encode_clear(
            &header(IdToken::SiaDcs, "1001", false),
            &body(&data, Some(now())),
        )
        .unwrap();
        match h.handle(&frame, "tcp") {
            Decision::Store { message, ack } => {
                assert_eq!(message.seq, 7);
                assert_eq!(message.events[0].kind, Some(AlarmKind::Personal));
                let (id, head) = parse_answer(&ack);
                assert_eq!(
                    (id, head.seq, head.account.as_str()),
                    (IdToken::Ack, 7, "1001")
                );
            }
            other => panic!("expected store, got {other:?}"),
        }
        assert_eq!(h.seen.last(device), Some(now()));
        let null = encode_clear(&header(IdToken::Null, "1001", false), &body(b"", None)).unwrap();
        match h.handle(&null, "tcp") {
            Decision::Answer(a) => assert_eq!(parse_answer(&a).0, IdToken::Ack),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unknown_accounts_stale_clocks_and_clear_frames_for_keyed_accounts_get_a_nak() {
        let (h, _) = handler();
        let data = sia_dcs_data(None, "MA001");
        let unknown = encode_clear(
            &header(IdToken::SiaDcs, "9999", false),
            &body(&data, Some(now())),
        )
        .unwrap();
        match h.handle(&unknown, "tcp") {
            Decision::Unknown { account, nak } => {
                assert_eq!(account, "9999");
                assert_eq!(parse_answer(&nak).0, IdToken::Nak);
            }
            other => panic!("{other:?}"),
        }
        let stale = encode_clear(
            &header(IdToken::SiaDcs, "1001", false),
            &body(&data, Some(now() - jiff::SignedDuration::from_secs(41))),
        )
        .unwrap();
        match h.handle(&stale, "tcp") {
            Decision::Refused {
                answer: a, reason, ..
            } => {
                assert_eq!(reason, Refusal::Window);
                let f = parse_frame(&a).unwrap();
                assert_eq!(f.header.id, IdToken::Nak);
                let Payload::Clear(b) = f.payload else {
                    panic!()
                };
                assert_eq!(b.timestamp, Some(now()), "the NAK carries our clock");
            }
            other => panic!("{other:?}"),
        }
        let clear_for_keyed = encode_clear(
            &header(IdToken::SiaDcs, "2002", false),
            &body(&data, Some(now())),
        )
        .unwrap();
        assert_eq!(
            refusal(h.handle(&clear_for_keyed, "tcp")),
            (Refusal::ClearForEncryptedAccount, IdToken::Nak)
        );
    }

    #[test]
    fn an_account_with_neither_key_nor_clear_marking_is_refused_whatever_it_sends() {
        let (h, _) = handler();
        let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
        let data = sia_dcs_data(None, "MA001");
        let clear = encode_clear(
            &header(IdToken::SiaDcs, "3003", false),
            &body(&data, Some(now())),
        )
        .unwrap();
        let encrypted = encode_encrypted(
            &header(IdToken::SiaDcs, "3003", true),
            &body(&data, Some(now())),
            &key,
            &mut |b: &mut [u8]| b.fill(7),
        )
        .unwrap();
        let null = encode_clear(&header(IdToken::Null, "3003", false), &body(b"", None)).unwrap();
        for frame in [clear, encrypted, null] {
            match h.handle(&frame, "tcp") {
                Decision::Refused {
                    account,
                    reason,
                    answer,
                    ..
                } => {
                    assert_eq!(account, "3003");
                    assert_eq!(reason, Refusal::UnsecuredAccount);
                    assert_eq!(reason.code(), "unsecured_account");
                    assert_eq!(parse_answer(&answer).0, IdToken::Nak);
                }
                other => panic!("{other:?}"),
            }
        }
        // The clear account takes the same clear message, with or without a timestamp.
        let clear_ok =
            encode_clear(&header(IdToken::SiaDcs, "1001", false), &body(&data, None)).unwrap();
        assert!(matches!(h.handle(&clear_ok, "tcp"), Decision::Store { .. }));
    }

    /// An encrypted SIA-DCS frame for account 2002 whose plaintext is a pad and `rest` (as a
    /// peer that may leave out the timestamp would build it).
    fn encrypted_frame(rest: &[u8]) -> Vec<u8> {
        let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
        let cipher = vaka_sia_dc09::crypto::encrypt_with_pad(&key, rest, &mut |b| b.fill(7));
        let hex = cipher.iter().fold(String::new(), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02X}");
            s
        });
        let inner = format!("\"*SIA-DCS\"0007R1L2#2002[{hex}");
        format!(
            "\n{:04X}{:04X}{inner}\r",
            vaka_sia_dc09::crc16(inner.as_bytes()),
            inner.len()
        )
        .into_bytes()
    }

    #[test]
    fn an_encrypted_message_without_a_timestamp_is_refused() {
        let (h, _) = handler();
        assert_eq!(
            refusal(h.handle(&encrypted_frame(b"|#2002|NMA001]"), "tcp")),
            (Refusal::MissingTimestamp, IdToken::Nak)
        );
        // The same with a timestamp is taken.
        let stamped = format!("|#2002|NMA001]_{}", vaka_sia_dc09::format_timestamp(now()));
        assert!(matches!(
            h.handle(&encrypted_frame(stamped.as_bytes()), "tcp"),
            Decision::Store { .. }
        ));
    }

    #[test]
    fn a_replayed_encrypted_message_is_refused_once_out_of_the_window() {
        let (h, _) = handler();
        let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
        let recorded = encode_encrypted(
            &header(IdToken::SiaDcs, "2002", true),
            &body(&sia_dcs_data(None, "MA001"), Some(now())),
            &key,
            &mut |b: &mut [u8]| b.fill(7),
        )
        .unwrap();
        assert!(matches!(h.handle(&recorded, "tcp"), Decision::Store { .. }));
        // The same bytes a minute later: outside the window, refused with our clock.
        let later = FrameHandler {
            clock: Arc::new(ManualClock::new(
                now() + jiff::SignedDuration::from_secs(61),
            )),
            ..h.clone()
        };
        assert_eq!(
            refusal(later.handle(&recorded, "tcp")),
            (Refusal::Window, IdToken::Nak)
        );
        // An encrypted message for the clear account cannot be read: refused as a key error.
        let for_clear = encode_encrypted(
            &header(IdToken::SiaDcs, "1001", true),
            &body(&sia_dcs_data(None, "MA001"), Some(now())),
            &key,
            &mut |b: &mut [u8]| b.fill(7),
        )
        .unwrap();
        assert_eq!(
            refusal(h.handle(&for_clear, "tcp")),
            (Refusal::Key, IdToken::Nak)
        );
    }

    #[test]
    fn encrypted_events_get_an_encrypted_ack_and_garbage_content_a_duh() {
        let (h, _) = handler();
        let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
        let data = sia_dcs_data(None, "FA001");
        let frame = encode_encrypted(
            &header(IdToken::SiaDcs, "2002", true),
            &body(&data, Some(now())),
            &key,
            &mut |b: &mut [u8]| b.fill(7),
        )
        .unwrap();
        match h.handle(&frame, "udp") {
            Decision::Store { message, ack } => {
                assert_eq!(message.events[0].kind, Some(AlarmKind::Sensor));
                let f = parse_frame(&ack).unwrap();
                assert!(f.header.encrypted);
                assert_eq!(f.body(Some(&key)).unwrap().timestamp, Some(now()));
            }
            other => panic!("{other:?}"),
        }
        let nonsense = encode_clear(
            &header(IdToken::SiaDcs, "1001", false),
            &body(b"this is not SIA", Some(now())),
        )
        .unwrap();
        assert!(matches!(
            h.handle(&nonsense, "tcp"),
            Decision::Answer(a) if parse_answer(&a).0 == IdToken::Duh
        ));
        let mut damaged = encode_clear(
            &header(IdToken::SiaDcs, "1001", false),
            &body(&data, Some(now())),
        )
        .unwrap();
        let n = damaged.len();
        damaged[n - 5] ^= 1;
        assert!(matches!(h.handle(&damaged, "tcp"), Decision::Drop(_)));
    }

    #[test]
    fn the_fingerprint_ignores_the_timestamp_but_not_the_data() {
        assert_eq!(
            fingerprint("SIA-DCS", b"NMA1"),
            fingerprint("SIA-DCS", b"NMA1")
        );
        assert_ne!(
            fingerprint("SIA-DCS", b"NMA1"),
            fingerprint("SIA-DCS", b"NMA2")
        );
        assert_ne!(
            fingerprint("SIA-DCS", b"NMA1"),
            fingerprint("ADM-CID", b"NMA1")
        );
    }
}
