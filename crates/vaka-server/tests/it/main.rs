//! The integration suite: the whole application through its HTTP interface (`Router::oneshot`,
//! no socket), on SQLite and — when `VAKA_TEST_POSTGRES_URL` is set — on PostgreSQL, each test
//! on a database of its own.

mod support;
mod world;

mod alarms;
mod audit_log;
mod authz_matrix;
mod bad_input;
mod cameras;
mod console;
mod directory;
mod import;
mod login;
mod night;
mod page_walk;
mod registry;
mod rounds;
