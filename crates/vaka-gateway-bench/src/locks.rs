//! Many connected door locks that heartbeat, and what they cost the gateway process (the lock
//! hub of `vaka-gateway`, `docs/LOCK-PROTOCOL.md`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use tokio::sync::Semaphore;
use tokio::time::MissedTickBehavior;
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::proc::{CpuMark, GatewayArgs, gateway_stats, percent, rss_kib};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    gateway: GatewayArgs,
    #[arg(long, default_value_t = 10_000)]
    count: usize,
    /// Seconds to wait after all are connected before measuring.
    #[arg(long, default_value_t = 30)]
    settle: u64,
    /// Seconds to measure over.
    #[arg(long, default_value_t = 150)]
    window: u64,
    /// Handshakes under way at once.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
}

#[derive(Default)]
struct Counters {
    welcomed: AtomicUsize,
    failed: AtomicUsize,
    closed: AtomicUsize,
    heartbeats: AtomicU64,
}

pub async fn run(args: Args) {
    let pid = args.gateway.gateway_pid;
    let counters = Arc::new(Counters::default());
    let handshakes = Arc::new(Semaphore::new(args.concurrency.max(1)));
    let (rss0, _) = rss_kib(pid);
    println!(
        "gateway before: {}, RSS {:.1} MiB",
        gateway_stats(&args.gateway.server).await,
        mib(rss0)
    );
    let started = Instant::now();
    for _ in 0..args.count {
        tokio::spawn(lock(
            args.gateway.server.clone(),
            counters.clone(),
            handshakes.clone(),
        ));
    }
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let (w, f) = (
            counters.welcomed.load(Ordering::Relaxed),
            counters.failed.load(Ordering::Relaxed),
        );
        if w + f >= args.count || started.elapsed() > Duration::from_mins(10) {
            break;
        }
    }
    let (rss1, _) = rss_kib(pid);
    println!(
        "{} locks connected and welcomed in {:.1} s ({} failed); gateway: {}, RSS {:.1} MiB",
        counters.welcomed.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        counters.failed.load(Ordering::Relaxed),
        gateway_stats(&args.gateway.server).await,
        mib(rss1)
    );
    tokio::time::sleep(Duration::from_secs(args.settle)).await;

    let mark = CpuMark::now(pid);
    let beats0 = counters.heartbeats.load(Ordering::Relaxed);
    let end = Instant::now() + Duration::from_secs(args.window);
    let mut rss_max = 0;
    while Instant::now() < end {
        rss_max = rss_max.max(rss_kib(pid).0);
        tokio::time::sleep(Duration::from_secs(5).min(end - Instant::now())).await;
    }
    let (cpu_ticks, cpu_sched, wall) = mark.since(pid, args.gateway.clk_tck);
    let beats = counters.heartbeats.load(Ordering::Relaxed) - beats0;
    let (rss, hwm) = rss_kib(pid);
    let rss_max = rss_max.max(rss);
    let per_beat = |cpu: Duration| cpu.as_secs_f64() * 1e6 / beats.max(1) as f64;
    println!(
        "steady state over {:.0} s: {} heartbeats ({:.0}/s) from {} locks",
        wall.as_secs_f64(),
        beats,
        beats as f64 / wall.as_secs_f64(),
        counters.welcomed.load(Ordering::Relaxed) - counters.closed.load(Ordering::Relaxed),
    );
    println!(
        "gateway CPU: {:.2} % of one core (utime+stime {:.2} s; schedstat {:.3} s = {:.2} %)",
        percent(cpu_ticks, wall),
        cpu_ticks.as_secs_f64(),
        cpu_sched.as_secs_f64(),
        percent(cpu_sched, wall)
    );
    println!(
        "gateway CPU per heartbeat: {:.1} µs (utime+stime), {:.1} µs (schedstat)",
        per_beat(cpu_ticks),
        per_beat(cpu_sched)
    );
    let at_30s = |us: f64| us * counters.welcomed.load(Ordering::Relaxed) as f64 / 30.0 / 1e4;
    println!(
        "  extrapolated to 30 s heartbeats of these locks: {:.2} % (utime+stime), {:.2} % (schedstat) of one core",
        at_30s(per_beat(cpu_ticks)),
        at_30s(per_beat(cpu_sched))
    );
    println!(
        "gateway RSS: {:.1} MiB now, {:.1} MiB highest sampled in the window, {:.1} MiB peak (VmHWM); {:.1} KiB per lock over the idle gateway",
        mib(rss),
        mib(rss_max),
        mib(hwm),
        (rss.saturating_sub(rss0)) as f64 / counters.welcomed.load(Ordering::Relaxed).max(1) as f64
    );
    let (own, _) = rss_kib(std::process::id());
    println!(
        "load generator RSS {:.1} MiB; connections closed by the gateway: {}",
        mib(own),
        counters.closed.load(Ordering::Relaxed)
    );
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// One lock: hello, then a heartbeat every `heartbeat_seconds` of the welcome, starting at a
/// random point of the first interval.
async fn lock(server: String, counters: Arc<Counters>, handshakes: Arc<Semaphore>) {
    let permit = handshakes.acquire_owned().await;
    let id = Uuid::now_v7();
    let url = format!("ws://{server}/lock/{id}");
    let hello = format!(
        r#"{{"type":"hello","protocol":1,"lock_id":"{id}","model":"Bench","firmware":"1.0"}}"#
    );
    let heartbeat = format!(r#"{{"type":"heartbeat","lock_id":"{id}","battery_percent":80}}"#);
    let Ok((mut ws, _)) = tokio_tungstenite::connect_async(url).await else {
        counters.failed.fetch_add(1, Ordering::Relaxed);
        return;
    };
    if ws.send(Message::text(hello)).await.is_err() {
        counters.failed.fetch_add(1, Ordering::Relaxed);
        return;
    }
    let every = loop {
        match ws.next().await {
            Some(Ok(Message::Text(t))) => {
                let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
                if let Some(s) = v["heartbeat_seconds"].as_u64() {
                    break Duration::from_secs(s.max(1));
                }
                counters.failed.fetch_add(1, Ordering::Relaxed);
                return;
            }
            Some(Ok(_)) => {}
            _ => {
                counters.failed.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    };
    drop(permit);
    counters.welcomed.fetch_add(1, Ordering::Relaxed);
    let start = tokio::time::Instant::now() + crate::jitter(every);
    let (mut tx, mut rx) = ws.split();
    let mut ticks = tokio::time::interval_at(start, every);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {
                if tx.send(Message::text(heartbeat.clone())).await.is_err() {
                    break;
                }
                counters.heartbeats.fetch_add(1, Ordering::Relaxed);
            }
            msg = rx.next() => match msg {
                None | Some(Err(_) | Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    counters.closed.fetch_add(1, Ordering::Relaxed);
}
