//! SCAIP codec for Vaka (SS 91100:2014, CLC/TS 50134-9): the SIP MESSAGE that carries a
//! safety-alarm device's `<mrq>`, and the receiver's answers. Pure and I/O-free: bytes in,
//! typed messages out; no sockets, no clock, no randomness of its own (tags, branches,
//! Call-IDs and nonces come from the caller), and never a panic on input.
//!
//! The layers, in the order a receiver uses them:
//!
//! 1. [`sip`]: frame a message out of a TCP/TLS stream ([`sip::frame_stream`]) or parse a UDP
//!    datagram ([`sip::parse_datagram`]), with limits; check the request; build the SIP
//!    response ([`sip::response_to`]) and our own MESSAGE ([`sip::OutgoingMessage`]).
//! 2. [`digest`]: the `401` challenge and the check of a device's `Authorization`.
//! 3. [`request`]: the `application/scaip+xml` body, `<mrq>`, parsed leniently into
//!    [`Request`]; refusals carry the `ref` when it was readable.
//! 4. [`events`]: `mty` + `dty` + `stc` → [`EventKind`] (personal, fall, sensor, technical,
//!    test, heartbeat…) through a documented, overridable table.
//! 5. [`response`]: the `<mrs>` ([`Response`]) that goes back in the MESSAGE of step 1.
//!
//! [`codes`] holds the code lists (`dty`, `stc`, `lco`, `dco`) with their names.

pub mod codes;
pub mod digest;
pub mod events;
pub mod request;
pub mod response;
pub mod sip;

mod xml;

pub use codes::{DeviceComponent, DeviceType, LocationCode, StatusCode};
pub use events::{EventKind, EventMap};
pub use request::{CallerChannel, ChannelKind, MessageType, ParseError, Position, Request};
pub use response::{MediaReply, Response, ResponseCode};
pub use xml::{MAX_BODY_LEN, XmlError};
