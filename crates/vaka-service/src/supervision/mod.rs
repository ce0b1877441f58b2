//! Digital night supervision: planning each night's rounds (more to come: look-ins, re-checks,
//! escalation).

pub mod rounds;
pub mod scheduler;
