//! Digital night supervision: planning each night's rounds, moving them with the clock, the
//! operator's console (look-ins and outcomes) and the night patrol's dispatches.

pub mod console;
pub mod log;
pub mod patrol;
pub mod purge;
pub mod rounds;
pub mod scheduler;
pub mod statistics;
