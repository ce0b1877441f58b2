//! Device gateways: the edge where devices' own connections meet Vaka.
//!
//! - [`camera`]: supervision cameras keep an outbound WebSocket (`docs/CAMERA-PROTOCOL.md`);
//!   the hub knows which are online and relays look-in frames from a camera to one viewer, in
//!   memory only.
//! - [`lock`]: door locks keep an outbound WebSocket too (`docs/LOCK-PROTOCOL.md`); the hub
//!   sends unlock commands and revocations and passes the locks' events on.

pub mod camera;
pub mod cluster;
pub mod lock;
