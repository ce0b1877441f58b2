//! What pages and the API both hand out: the periods a report is asked for, and the files
//! (CSV, PDF) a log is downloaded as, and the one CSV writer of every export. Neither `ui` nor `api` owns these; both use them.

pub mod client_log;
pub mod csv;
pub mod payment_basis;
pub mod pdf;
pub mod periods;
pub mod signing_history;
pub mod signing_week;
pub mod supervision_log;
