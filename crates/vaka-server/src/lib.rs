//! The `vaka` server: wiring of configuration, storage, use cases and the HTTP front end, plus
//! the demo municipality. The binary in `main.rs` is a thin command line over this.

pub mod alarm_intake;
pub mod audit_checkpoints;
pub mod backup;
pub mod cluster;
pub mod config;
pub mod demo;
pub mod demo_delegation;
pub mod demo_governance;
pub mod demo_history;
pub mod demo_homecare;
pub mod demo_idp;
pub mod demo_log_review;
pub mod demo_registry;
pub mod demo_tags;
pub mod files;
pub mod jobs;
pub mod mailer;
pub mod secrets;
pub mod serve;
pub mod simulate;
pub mod store;
pub mod telemetry;
