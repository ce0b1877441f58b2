//! Pure domain types and rules of Vaka.
//!
//! Nothing in this crate performs I/O or reads the wall clock: time comes from a [`clock::Clock`]
//! passed in by the caller, and every rule is a function over plain values, so it can be unit-
//! and property-tested in isolation. Storage, HTTP and device gateways sit in other crates and
//! depend on this one, never the other way round.

pub mod access;
pub mod alarm;
pub mod alarm_coverage;
pub mod alarm_statistics;
pub mod audit;
pub mod audit_checkpoint;
pub mod auth;
pub mod client;
pub mod client_log;
pub mod clock;
pub mod codes;
pub mod consent;
pub mod credentials;
pub mod decision;
pub mod delegation;
pub mod device;

pub mod directory;
pub mod emergency_access;
pub mod error;
pub mod filters;
pub mod governance;
pub mod holidays;
pub mod homecare;
pub mod ids;
pub mod keys;
pub mod log_review;
pub mod nfc;
pub mod operations;
pub mod personnummer;
pub mod plan;
pub mod reason;
pub mod retention;
pub mod rounds;
pub mod statistics;
pub mod supervision;
pub mod technical;

pub mod validate;

pub use error::{DomainError, DomainResult};
