//! Vaka's SIA DC-09 alarm receiver.
//!
//! Devices connect over TCP (kept open or one connection per message) or send UDP datagrams.
//! Each read is cut into frames ([`vaka_sia_dc09::Deframer`], with a size cap), each frame is
//! checked — CRC and length, a known account, the key, the −40/+20 s window, the content — and
//! answered:
//!
//! * an event message is handed to the [`writer`], which stores a batch of messages from every
//!   connection in one transaction (group commit) and only then lets the connections send their
//!   ACKs: **an ACK means the event is on disk**. The same message sent again (account,
//!   sequence and data within [`ReceiverConfig::dedupe_window`]) is acknowledged again but
//!   stored once, also when it reaches another node on the same database (the store holds the
//!   keys; see [`writer`]);
//! * a `NULL` heartbeat is acknowledged at once; it, like every message, restarts the device's
//!   supervision interval ([`Seen`]);
//! * encryption is the rule: an account with a key takes encrypted messages only, an account
//!   explicitly marked clear takes clear ones, and an account with neither is refused
//!   ([`Security`]); an encrypted message must carry a timestamp;
//! * a message outside the time window (a late resend, a wrong clock or a replay), without a
//!   required timestamp, against its account's rule, with an unusable header or key, or from an
//!   unknown account is answered NAK with our clock. An unknown account also raises an
//!   *unknown device* alarm, through [`Sink::unknown_account`]; a provisioned account's refusal
//!   is logged with its [`Refusal`] code and reported through [`Sink::refused`] (at most once a
//!   minute an account and reason);
//! * content we cannot use is answered DUH; a damaged frame (CRC, length) gets no answer and the
//!   sender retries.
//!
//! Storage sits behind [`Sink`]; the service crate implements it over the database.
//!
//! The SCAIP receiver ([`scaip`]: SIP MESSAGEs carrying `<mrq>`, over UDP and TCP) is a
//! second front on the same machinery: it stores through the same [`Writer`] (one group
//! commit, the same duplicate memory), marks units alive in the same [`Seen`] and reports
//! unknown and refused units through the same [`Sink`].

pub mod directory;
pub mod handler;
pub mod listener;
pub mod mapping;
pub mod scaip;
pub mod writer;

pub use directory::{AccountEntry, Directory, Security, Seen};
pub use handler::{Decision, FrameHandler, Refusal};
pub use listener::{Receiver, ReceiverConfig};
pub use mapping::{ReceivedEvent, map_event};
pub use writer::{Received, Refused, Sink, SinkError, Writer};
