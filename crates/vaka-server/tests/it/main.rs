//! The integration suite: the whole application through its HTTP interface (`Router::oneshot`,
//! no socket), on SQLite and — when `VAKA_TEST_POSTGRES_URL` is set — on PostgreSQL, each test
//! on a database of its own.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
mod world;

mod alarms;
mod app_devices;
mod audit_checkpoints;
mod audit_log;
mod authz_matrix;
mod backup;
mod bad_input;
mod cameras;
mod client_log;
mod cluster;
mod console;
mod coverage;
mod delegation;
mod delegation_store;
mod directory;
mod emergency_access;
mod governance;
mod import;
mod lists;
mod locks;
mod log_review;
mod login;
mod missed_signings;
mod night;
mod oidc;
mod operations;
mod page_walk;
mod passkeys;
mod plans_and_lapses;
mod protection;
mod registry;
mod retention;
mod rounds;
mod routines;
mod scaip;
mod secrets;
mod step_up;
mod tags;
mod visits;
mod work_list;
