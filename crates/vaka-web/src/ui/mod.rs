//! The web pages: server-rendered HTML in Swedish (English on request), usable on a phone and
//! with the keyboard. Every page is a thin layer over the same use cases as the API.

// A page error carries the page frame to render it in; it is large but only on the error path.
#![allow(clippy::result_large_err)]

pub mod account;
pub mod alarms;
pub mod audit;
pub mod client_log;
pub mod delegation;
pub mod directory;
pub mod governance;
pub mod homecare;
pub mod keys;
pub mod log_review;
pub mod operations;
pub mod patrol;
pub mod registry;
pub mod retention;
pub mod staffapp;
pub mod supervision;
pub mod tags;
pub mod widgets;

use crate::routes::Routes;

/// Registers every page, capability by capability, each with the access it needs.
pub fn register(r: Routes) -> Routes {
    let r = account::register(r);
    let r = registry::register(r);
    let r = directory::register(r);
    let r = audit::register(r);
    let r = supervision::register(r);
    let r = alarms::register(r);
    let r = tags::register(r);
    let r = homecare::register(r);
    let r = keys::register(r);
    let r = delegation::register(r);
    let r = patrol::register(r);
    let r = retention::register(r);
    let r = client_log::register(r);
    let r = operations::register(r);
    let r = governance::register(r);
    let r = log_review::register(r);
    staffapp::register(r)
}
