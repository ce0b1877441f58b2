//! The lock protocol (version 1): what a digital door lock and Vaka say to each other over the
//! lock's outbound WebSocket, and the signed **capabilities** that let a lock without network
//! open for a care worker whose phone carries one. `docs/LOCK-PROTOCOL.md` describes both for
//! lock vendors.
//!
//! Everything here is pure: the gateway feeds received messages to a [`Connection`] and carries
//! out the [`Action`]s it returns; a lock (or the simulator) checks a capability with
//! [`verify`] and remembers used nonces in a [`UsedNonces`]. Nothing here panics on any input.

mod capability;

pub use capability::{
    CAPABILITY_BYTES, Capability, CapabilityReason, CapabilityRefusal, MAX_CAPABILITY_SECONDS,
    MAX_TOKEN_CHARS, Nonce, UsedNonces, decode_capability, verify,
};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The protocol version this crate speaks.
pub const VERSION: u32 = 1;
/// The largest text message accepted.
pub const MAX_TEXT_BYTES: usize = 4 * 1024;
/// The earliest and latest event times accepted (Unix seconds: 2000-01-01 .. 2100-01-01).
pub const MIN_TIME: i64 = 946_684_800;
pub const MAX_TIME: i64 = 4_102_444_800;
/// The most nonces one `revoke` message carries.
pub const MAX_REVOKED_PER_MESSAGE: usize = 32;

/// What happened at the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockEventKind {
    /// The bolt was withdrawn: the door can be opened.
    Unlocked,
    /// The bolt was thrown again.
    Locked,
    /// The lock refused to open (a command it could not carry out, or a capability that did
    /// not pass; `reason` says which).
    Refused,
    /// The battery needs changing soon.
    BatteryLow,
    /// The bolt could not move.
    Jammed,
    /// Someone tampered with the lock (housing opened, forced).
    Tamper,
}

impl LockEventKind {
    pub const ALL: [LockEventKind; 6] = [
        LockEventKind::Unlocked,
        LockEventKind::Locked,
        LockEventKind::Refused,
        LockEventKind::BatteryLow,
        LockEventKind::Jammed,
        LockEventKind::Tamper,
    ];

    /// The stable code (as on the wire and in the database).
    pub fn code(self) -> &'static str {
        match self {
            LockEventKind::Unlocked => "unlocked",
            LockEventKind::Locked => "locked",
            LockEventKind::Refused => "refused",
            LockEventKind::BatteryLow => "battery_low",
            LockEventKind::Jammed => "jammed",
            LockEventKind::Tamper => "tamper",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// Why a lock refused (in a `refused` event).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusedBecause {
    /// A capability did not pass (`capability` says why).
    Capability,
    /// The bolt was already open, or the lock is in a mode that does not open (e.g. service).
    NotPossible,
    /// The unlock command came after the time the lock allows for acting on it.
    TooLate,
}

/// What a lock sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LockMessage {
    /// The first message: which lock this is (its credential went in the upgrade request).
    Hello {
        protocol: u32,
        lock_id: Uuid,
        model: String,
        firmware: String,
    },
    /// Every `heartbeat_seconds`, with the battery's charge when the lock knows it.
    Heartbeat {
        lock_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        battery_percent: Option<u8>,
    },
    /// Something happened at the lock.
    Event {
        lock_id: Uuid,
        kind: LockEventKind,
        /// When, in Unix seconds by the lock's clock.
        at: i64,
        /// The unlock command this answers, if it answers one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request: Option<Uuid>,
        /// The capability used or refused, for an offline unlock (its nonce, 32 hex digits).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<Nonce>,
        /// The user the capability names, for an offline unlock.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<Uuid>,
        /// Why, for a `refused` event.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<RefusedBecause>,
        /// Why a capability did not pass, for a `refused` event with reason `capability`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capability: Option<CapabilityRefusal>,
    },
}

/// A revoked capability the lock must refuse until it expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revoked {
    pub nonce: Nonce,
    /// Unix seconds; the lock may forget the nonce after this.
    pub expires: i64,
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMessage {
    /// The answer to `hello`, with the server's time (Unix seconds) for the lock's clock.
    Welcome {
        protocol: u32,
        heartbeat_seconds: u32,
        time: i64,
    },
    /// Open now for `user`. The lock answers with an `unlocked`, `refused` or `jammed` event
    /// naming `request`; it does not act on a command older than `valid_seconds`.
    Unlock {
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
        valid_seconds: u32,
    },
    /// Capabilities that were revoked (a user deactivated or removed from the unit): refuse
    /// them even with a good signature.
    Revoke { revoked: Vec<Revoked> },
}

/// Why a message was refused; every one ends the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("text message of {0} bytes is over the limit")]
    TextTooLarge(usize),
    #[error("text message is not a valid message: {0}")]
    BadText(String),
    #[error("binary messages are not part of the lock protocol")]
    Binary,
    #[error("the first message must be hello")]
    HelloExpected,
    #[error("protocol version {0} is not supported")]
    UnsupportedVersion(u32),
    #[error("hello sent twice")]
    HelloTwice,
    #[error("the lock reports for a lock id that is not its own")]
    WrongLock,
    #[error("an event time is outside 2000..2100")]
    BadTime,
}

/// Parses a text message.
pub fn decode_text(data: &[u8]) -> Result<LockMessage, ProtocolError> {
    if data.len() > MAX_TEXT_BYTES {
        return Err(ProtocolError::TextTooLarge(data.len()));
    }
    serde_json::from_slice(data).map_err(|e| {
        // The error names a column, never the content.
        ProtocolError::BadText(format!("{} at column {}", kind(&e), e.column()))
    })
}

fn kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "unknown type or field",
        serde_json::error::Category::Eof => "cut short",
    }
}

/// Serialises a message to send.
pub fn encode<T: Serialize>(m: &T) -> String {
    // Serialising these plain enums cannot fail.
    serde_json::to_string(m).unwrap_or_default()
}

/// An event a lock reported, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEvent {
    pub kind: LockEventKind,
    /// Unix seconds by the lock's clock.
    pub at: i64,
    pub request: Option<Uuid>,
    pub nonce: Option<Nonce>,
    pub user: Option<Uuid>,
    pub reason: Option<RefusedBecause>,
    pub capability: Option<CapabilityRefusal>,
}

/// What the gateway does after a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this to the lock.
    Send(ServerMessage),
    /// The lock said hello: mark it online with this model and firmware.
    Online { model: String, firmware: String },
    /// A heartbeat.
    Heartbeat { battery_percent: Option<u8> },
    /// Log this event (device events, and the client's trail).
    Event(LockEvent),
    /// Close the connection, logging why (never the content).
    Close(ProtocolError),
}

/// One lock connection, from the gateway's side. `lock_id` is the id of the device whose
/// credential opened the connection: a lock that names another id is closed.
#[derive(Debug, Clone)]
pub struct Connection {
    lock_id: Uuid,
    greeted: bool,
    heartbeat_seconds: u32,
}

impl Connection {
    pub fn new(lock_id: Uuid, heartbeat_seconds: u32) -> Self {
        Self {
            lock_id,
            greeted: false,
            heartbeat_seconds,
        }
    }

    pub fn is_greeted(&self) -> bool {
        self.greeted
    }

    /// An unlock command, once the lock has said hello.
    pub fn unlock(
        &self,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
        valid_seconds: u32,
    ) -> Option<ServerMessage> {
        self.greeted.then_some(ServerMessage::Unlock {
            request,
            user,
            reason,
            valid_seconds,
        })
    }

    /// A text message from the lock; `now` is the server's time in Unix seconds.
    pub fn on_text(&mut self, data: &[u8], now: i64) -> Vec<Action> {
        let msg = match decode_text(data) {
            Ok(m) => m,
            Err(e) => return vec![Action::Close(e)],
        };
        match (self.greeted, msg) {
            (false, LockMessage::Hello { protocol, .. }) if protocol != VERSION => {
                vec![Action::Close(ProtocolError::UnsupportedVersion(protocol))]
            }
            (false, LockMessage::Hello { lock_id, .. }) if lock_id != self.lock_id => {
                vec![Action::Close(ProtocolError::WrongLock)]
            }
            (
                false,
                LockMessage::Hello {
                    model, firmware, ..
                },
            ) => {
                self.greeted = true;
                vec![
                    Action::Online { model, firmware },
                    Action::Send(ServerMessage::Welcome {
                        protocol: VERSION,
                        heartbeat_seconds: self.heartbeat_seconds,
                        time: now,
                    }),
                ]
            }
            (false, _) => vec![Action::Close(ProtocolError::HelloExpected)],
            (true, LockMessage::Hello { .. }) => vec![Action::Close(ProtocolError::HelloTwice)],
            (true, LockMessage::Heartbeat { lock_id, .. }) if lock_id != self.lock_id => {
                vec![Action::Close(ProtocolError::WrongLock)]
            }
            (
                true,
                LockMessage::Heartbeat {
                    battery_percent, ..
                },
            ) => vec![Action::Heartbeat {
                battery_percent: battery_percent.map(|p| p.min(100)),
            }],
            (true, LockMessage::Event { lock_id, .. }) if lock_id != self.lock_id => {
                vec![Action::Close(ProtocolError::WrongLock)]
            }
            (true, LockMessage::Event { at, .. }) if !(MIN_TIME..=MAX_TIME).contains(&at) => {
                vec![Action::Close(ProtocolError::BadTime)]
            }
            (
                true,
                LockMessage::Event {
                    kind,
                    at,
                    request,
                    nonce,
                    user,
                    reason,
                    capability,
                    ..
                },
            ) => vec![Action::Event(LockEvent {
                kind,
                at,
                request,
                nonce,
                user,
                reason,
                capability,
            })],
        }
    }

    /// A binary message from the lock: never part of the protocol.
    pub fn on_binary(&mut self, _data: &[u8]) -> Vec<Action> {
        vec![Action::Close(ProtocolError::Binary)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NOW: i64 = 1_796_000_000;

    fn lock() -> Uuid {
        Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001)
    }

    fn hello(id: Uuid) -> String {
        format!(
            r#"{{"type":"hello","protocol":1,"lock_id":"{id}","model":"Vaka Sim","firmware":"1.0"}}"#
        )
    }

    fn greeted() -> Connection {
        let mut c = Connection::new(lock(), 30);
        let a = c.on_text(hello(lock()).as_bytes(), NOW);
        assert!(matches!(a[0], Action::Online { .. }), "{a:?}");
        c
    }

    #[test]
    fn hello_unlock_and_events() {
        let mut c = Connection::new(lock(), 30);
        assert!(
            c.unlock(Uuid::nil(), Uuid::nil(), CapabilityReason::Visit, 30)
                .is_none()
        );
        let a = c.on_text(hello(lock()).as_bytes(), NOW);
        assert_eq!(
            a[1],
            Action::Send(ServerMessage::Welcome {
                protocol: 1,
                heartbeat_seconds: 30,
                time: NOW
            })
        );
        let request = Uuid::from_u128(7);
        let user = Uuid::from_u128(8);
        let m = c
            .unlock(request, user, CapabilityReason::Alarm, 30)
            .expect("greeted");
        assert_eq!(
            encode(&m),
            format!(
                r#"{{"type":"unlock","request":"{request}","user":"{user}","reason":"alarm","valid_seconds":30}}"#
            )
        );
        let ev = format!(
            r#"{{"type":"event","lock_id":"{}","kind":"unlocked","at":{NOW},"request":"{request}"}}"#,
            lock()
        );
        assert_eq!(
            c.on_text(ev.as_bytes(), NOW),
            [Action::Event(LockEvent {
                kind: LockEventKind::Unlocked,
                at: NOW,
                request: Some(request),
                nonce: None,
                user: None,
                reason: None,
                capability: None,
            })]
        );
        let hb = format!(
            r#"{{"type":"heartbeat","lock_id":"{}","battery_percent":180}}"#,
            lock()
        );
        assert_eq!(
            c.on_text(hb.as_bytes(), NOW),
            [Action::Heartbeat {
                battery_percent: Some(100)
            }]
        );
        let refused = format!(
            r#"{{"type":"event","lock_id":"{}","kind":"refused","at":{NOW},"nonce":"000102030405060708090a0b0c0d0e0f","user":"{user}","reason":"capability","capability":"expired"}}"#,
            lock()
        );
        let [Action::Event(e)] = &c.on_text(refused.as_bytes(), NOW)[..] else {
            panic!("not an event")
        };
        assert_eq!(e.capability, Some(CapabilityRefusal::Expired));
        assert_eq!(
            e.nonce,
            Some(Nonce(
                *b"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
            ))
        );
        for k in LockEventKind::ALL {
            assert_eq!(LockEventKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn a_lock_naming_another_id_is_closed() {
        let other = Uuid::from_u128(99);
        let mut c = Connection::new(lock(), 30);
        assert_eq!(
            c.on_text(hello(other).as_bytes(), NOW),
            [Action::Close(ProtocolError::WrongLock)]
        );
        let mut c = greeted();
        let ev = format!(r#"{{"type":"event","lock_id":"{other}","kind":"unlocked","at":{NOW}}}"#);
        assert_eq!(
            c.on_text(ev.as_bytes(), NOW),
            [Action::Close(ProtocolError::WrongLock)]
        );
        let hb = format!(r#"{{"type":"heartbeat","lock_id":"{other}"}}"#);
        assert_eq!(
            c.on_text(hb.as_bytes(), NOW),
            [Action::Close(ProtocolError::WrongLock)]
        );
    }

    #[test]
    fn misbehaviour_closes_the_connection() {
        let mut c = Connection::new(lock(), 30);
        let hb = format!(r#"{{"type":"heartbeat","lock_id":"{}"}}"#, lock());
        assert_eq!(
            c.on_text(hb.as_bytes(), NOW),
            [Action::Close(ProtocolError::HelloExpected)]
        );
        let mut c = Connection::new(lock(), 30);
        let v2 = hello(lock()).replace(r#""protocol":1"#, r#""protocol":2"#);
        assert_eq!(
            c.on_text(v2.as_bytes(), NOW),
            [Action::Close(ProtocolError::UnsupportedVersion(2))]
        );
        let mut c = greeted();
        assert_eq!(
            c.on_text(hello(lock()).as_bytes(), NOW),
            [Action::Close(ProtocolError::HelloTwice)]
        );
        assert!(matches!(
            c.on_text(b"{not json", NOW)[..],
            [Action::Close(ProtocolError::BadText(_))]
        ));
        let extra = format!(r#"{{"type":"heartbeat","lock_id":"{}","x":1}}"#, lock());
        assert!(matches!(
            c.on_text(extra.as_bytes(), NOW)[..],
            [Action::Close(ProtocolError::BadText(_))]
        ));
        let unknown_kind = format!(
            r#"{{"type":"event","lock_id":"{}","kind":"exploded","at":{NOW}}}"#,
            lock()
        );
        assert!(matches!(
            c.on_text(unknown_kind.as_bytes(), NOW)[..],
            [Action::Close(ProtocolError::BadText(_))]
        ));
        let bad_nonce = format!(
            r#"{{"type":"event","lock_id":"{}","kind":"unlocked","at":{NOW},"nonce":"zz"}}"#,
            lock()
        );
        assert!(matches!(
            c.on_text(bad_nonce.as_bytes(), NOW)[..],
            [Action::Close(ProtocolError::BadText(_))]
        ));
        let old = format!(
            r#"{{"type":"event","lock_id":"{}","kind":"unlocked","at":12}}"#,
            lock()
        );
        assert_eq!(
            c.on_text(old.as_bytes(), NOW),
            [Action::Close(ProtocolError::BadTime)]
        );
        assert!(matches!(
            c.on_text(&vec![b' '; MAX_TEXT_BYTES + 1], NOW)[..],
            [Action::Close(ProtocolError::TextTooLarge(_))]
        ));
        assert_eq!(c.on_binary(b"\x00"), [Action::Close(ProtocolError::Binary)]);
    }

    #[test]
    fn errors_never_repeat_the_content() {
        let mut c = greeted();
        let secret = format!(
            r#"{{"type":"event","lock_id":"{}","kind":"Hemligvagen 7","at":{NOW}}}"#,
            lock()
        );
        let [Action::Close(e)] = &c.on_text(secret.as_bytes(), NOW)[..] else {
            panic!("not closed")
        };
        assert!(!e.to_string().contains("Hemligvagen"), "{e}");
    }

    proptest! {
        /// No byte sequence, as text or binary, in any state, makes the connection panic; every
        /// message gets at least one action, and a close ends the messages that count.
        #[test]
        fn any_bytes_are_handled(
            msgs in proptest::collection::vec((any::<bool>(), proptest::collection::vec(any::<u8>(), 0..600)), 0..20),
            hello_first in any::<bool>(),
            now in any::<i64>(),
        ) {
            let mut c = if hello_first { greeted() } else { Connection::new(lock(), 30) };
            for (text, data) in msgs {
                let actions = if text { c.on_text(&data, now) } else { c.on_binary(&data) };
                prop_assert!(!actions.is_empty());
            }
        }

        /// Any well-formed event of the connection's own lock is passed on.
        #[test]
        fn valid_events_pass(k in 0usize..6, at in MIN_TIME..=MAX_TIME, battery in any::<u8>()) {
            let mut c = greeted();
            let kind = LockEventKind::ALL[k];
            let m = LockMessage::Event { lock_id: lock(), kind, at, request: None, nonce: None, user: None, reason: None, capability: None };
            let a = c.on_text(encode(&m).as_bytes(), NOW);
            prop_assert!(matches!(&a[..], [Action::Event(e)] if e.kind == kind && e.at == at));
            let hb = LockMessage::Heartbeat { lock_id: lock(), battery_percent: Some(battery) };
            let a = c.on_text(encode(&hb).as_bytes(), NOW);
            prop_assert!(matches!(&a[..], [Action::Heartbeat { battery_percent: Some(p) }] if *p <= 100), "{:?}", a);
        }
    }
}
