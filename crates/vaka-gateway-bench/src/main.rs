//! Benchmarks of the camera gateway (`scripts/bench cameras`, results in
//! `docs/PERFORMANCE.md`). Three commands, meant to run as separate processes so that the
//! gateway's memory and CPU are measured apart from the load:
//!
//! - `gateway`: the camera hub mounted on an axum router, with no authentication (the device id
//!   is in the path: this measures the hub, not the registry), and a viewer's WebSocket per
//!   look-in;
//! - `cameras`: many cameras that say hello and heartbeat, while the gateway's RSS and CPU time
//!   are read from `/proc`;
//! - `look-ins`: cameras streaming frames to concurrent viewers, each frame carrying its send
//!   time, to measure the relay's latency.

// A benchmark tool: failing loudly on a setup error (bind, runtime) is what we want.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cameras;
mod gateway;
mod locks;
mod look_ins;
mod proc;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Benchmarks of the Vaka camera gateway")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs a gateway: `/camera/{device}` for cameras, `/view/{device}` for a look-in's viewer,
    /// `/stats` for the number of connected cameras.
    Gateway(gateway::Args),
    /// Connects many cameras that heartbeat, and measures the gateway process.
    Cameras(cameras::Args),
    /// Runs concurrent look-ins and measures the latency from camera to viewer.
    LookIns(look_ins::Args),
    /// Connects many door locks that heartbeat, and measures the gateway process.
    Locks(locks::Args),
}

fn main() {
    let cli = Cli::parse();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    match cli.command {
        Command::Gateway(a) => rt.block_on(gateway::run(a)),
        Command::Cameras(a) => rt.block_on(cameras::run(a)),
        Command::LookIns(a) => rt.block_on(look_ins::run(a)),
        Command::Locks(a) => rt.block_on(locks::run(a)),
    }
}

/// A random duration below `max` (jitter, so that cameras do not act in step).
fn jitter(max: std::time::Duration) -> std::time::Duration {
    let ms = u64::try_from(max.as_millis()).unwrap_or(u64::MAX).max(1);
    let r = u64::try_from(uuid::Uuid::new_v4().as_u128() % u128::from(ms)).unwrap_or(0);
    std::time::Duration::from_millis(r)
}
