//! Concurrent look-ins: cameras stream 40 KB frames at the rate the gateway asks for, each
//! frame's JPEG bytes carrying the time it was sent; viewers on the gateway's look-in WebSocket
//! read that time back on arrival. Cameras and viewers run in this process, so both ends read
//! the same (monotonic) clock.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

use crate::proc::{CpuMark, GatewayArgs, gateway_stats, percent, rss_kib};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    gateway: GatewayArgs,
    /// Look-ins at once (one camera and one viewer each).
    #[arg(long, default_value_t = 200)]
    count: usize,
    /// Bytes of each frame's JPEG.
    #[arg(long, default_value_t = 40_000)]
    frame_bytes: usize,
    /// Seconds to run look-ins (back to back: a viewer starts a new look-in when one ends).
    #[arg(long, default_value_t = 90)]
    seconds: u64,
    /// Where the viewers look in (host:port): another gateway of the cluster, which reaches the
    /// cameras on `--server` over NATS. By default `--server` itself.
    #[arg(long)]
    viewer_server: Option<String>,
}

/// What both ends count; frames are counted when sent inside the measured window
/// (`from_ns..to_ns`, by the time stamped in them).
struct Shared {
    from_ns: u64,
    to_ns: u64,
    done: AtomicBool,
    online: AtomicUsize,
    sent: AtomicU64,
    delivered: AtomicU64,
    look_ins: AtomicU64,
    refused: AtomicU64,
    reconnects: AtomicU64,
    protocol_closes: AtomicU64,
}

impl Shared {
    fn in_window(&self, ns: u64) -> bool {
        (self.from_ns..self.to_ns).contains(&ns)
    }
}

/// Nanoseconds on the monotonic clock since this process first asked: cameras and viewers run
/// in this process, so both ends read the same clock.
fn now_ns() -> u64 {
    static EPOCH: OnceLock<std::time::Instant> = OnceLock::new();
    let d = EPOCH.get_or_init(std::time::Instant::now).elapsed();
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

pub async fn run(args: Args) {
    let pid = args.gateway.gateway_pid;
    // Cameras connect first; viewers start over the first second of the run, so that
    // cameras do not all send in step; the window begins after that and ends one second
    // before the viewers leave, so that every frame sent in it has time to arrive.
    let connect_for = Duration::from_secs(10);
    let stagger = Duration::from_secs(1);
    let start_ns = now_ns() + u64::try_from(connect_for.as_nanos()).unwrap_or(u64::MAX);
    let shared = Arc::new(Shared {
        from_ns: start_ns + u64::try_from(stagger.as_nanos()).unwrap_or(u64::MAX),
        to_ns: start_ns + args.seconds.saturating_sub(1).saturating_mul(1_000_000_000),
        done: AtomicBool::new(false),
        online: AtomicUsize::new(0),
        sent: AtomicU64::new(0),
        delivered: AtomicU64::new(0),
        look_ins: AtomicU64::new(0),
        refused: AtomicU64::new(0),
        reconnects: AtomicU64::new(0),
        protocol_closes: AtomicU64::new(0),
    });
    let devices: Vec<Uuid> = (0..args.count).map(|_| Uuid::now_v7()).collect();
    for d in &devices {
        tokio::spawn(camera(
            args.gateway.server.clone(),
            *d,
            args.frame_bytes,
            shared.clone(),
        ));
    }
    let ready = Instant::now() + connect_for;
    while shared.online.load(Ordering::Relaxed) < args.count && Instant::now() < ready {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    println!(
        "{} cameras online; gateway: {}",
        shared.online.load(Ordering::Relaxed),
        gateway_stats(&args.gateway.server).await
    );
    tokio::time::sleep_until(ready).await;

    let stop_at = ready + Duration::from_secs(args.seconds);
    let viewer_server = args
        .viewer_server
        .clone()
        .unwrap_or_else(|| args.gateway.server.clone());
    let viewers: Vec<_> = devices
        .iter()
        .map(|d| tokio::spawn(viewer(viewer_server.clone(), *d, stop_at, shared.clone())))
        .collect();
    tokio::time::sleep(stagger).await;
    let mark = CpuMark::now(pid);
    let mut rss_max = 0;
    let measure_end = stop_at - Duration::from_secs(1);
    while Instant::now() < measure_end {
        rss_max = rss_max.max(rss_kib(pid).0);
        tokio::time::sleep(Duration::from_secs(2).min(measure_end - Instant::now())).await;
    }
    let (cpu_ticks, cpu_sched, wall) = mark.since(pid, args.gateway.clk_tck);
    let (rss, hwm) = rss_kib(pid);
    let mut latencies_us: Vec<u32> = Vec::new();
    for v in viewers {
        latencies_us.extend(v.await.unwrap_or_default());
    }
    shared.done.store(true, Ordering::Relaxed);
    latencies_us.sort_unstable();
    let q = |p: f64| -> f64 {
        if latencies_us.is_empty() {
            return f64::NAN;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "p in 0..=1: an index into the list"
        )]
        let i = ((latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(latencies_us[i]) / 1000.0
    };
    let sent = shared.sent.load(Ordering::Relaxed);
    let delivered = shared.delivered.load(Ordering::Relaxed);
    let window = (shared.to_ns - shared.from_ns) as f64 / 1e9;
    println!(
        "{} look-ins at once for {} s (back to back), {} look-ins started, {} refused attempts (camera busy ending the last one, or reconnecting)",
        args.count,
        args.seconds,
        shared.look_ins.load(Ordering::Relaxed),
        shared.refused.load(Ordering::Relaxed)
    );
    println!(
        "frames sent in the {:.0} s window: {} ({:.0}/s, {:.1} MB/s); delivered {} ({:.3} %), not delivered {}",
        window,
        sent,
        sent as f64 / window,
        sent as f64 * args.frame_bytes as f64 / window / 1e6,
        delivered,
        100.0 * delivered as f64 / sent.max(1) as f64,
        sent.saturating_sub(delivered)
    );
    println!(
        "latency camera send -> viewer receive: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, max {:.2} ms ({} frames)",
        q(0.5),
        q(0.9),
        q(0.99),
        q(0.999),
        q(1.0),
        latencies_us.len()
    );
    println!(
        "cameras closed by the gateway for a protocol error: {} (a frame in flight when the gateway stopped the look-in); reconnections during the run: {}",
        shared.protocol_closes.load(Ordering::Relaxed),
        shared.reconnects.load(Ordering::Relaxed)
    );
    println!(
        "gateway CPU: {:.1} % of one core (utime+stime; schedstat {:.1} %), RSS {:.1} MiB (highest sampled {:.1} MiB, peak {:.1} MiB)",
        percent(cpu_ticks, wall),
        percent(cpu_sched, wall),
        rss as f64 / 1024.0,
        rss_max.max(rss) as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
}

/// A camera that streams when asked; it reconnects if the gateway drops it.
async fn camera(server: String, device: Uuid, frame_bytes: usize, shared: Arc<Shared>) {
    let mut first = true;
    while !shared.done.load(Ordering::Relaxed) {
        if !first {
            shared.reconnects.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = session(&server, device, frame_bytes, &shared, first).await;
        first = false;
    }
}

async fn session(
    server: &str,
    device: Uuid,
    frame_bytes: usize,
    shared: &Shared,
    first: bool,
) -> Result<(), String> {
    let e = |e: tokio_tungstenite::tungstenite::Error| e.to_string();
    // The camera sends without Nagle's delay, so that what is measured is the gateway's.
    let (ws, _) = tokio_tungstenite::connect_async_with_config(
        format!("ws://{server}/camera/{device}"),
        None,
        true,
    )
    .await
    .map_err(e)?;
    let (mut tx, mut rx) = ws.split();
    tx.send(Message::text(
        r#"{"type":"hello","protocol":1,"model":"Bench","firmware":"1.0"}"#,
    ))
    .await
    .map_err(e)?;
    let mut heartbeat: Option<tokio::time::Interval> = None;
    // The look-in being streamed: id, interval between frames, when it must end.
    let mut stream: Option<(Uuid, Duration, Instant)> = None;
    let mut next_frame = Instant::now();
    loop {
        let frame_due = async {
            match stream {
                Some(_) => tokio::time::sleep_until(next_frame).await,
                None => std::future::pending().await,
            }
        };
        let beat = async {
            match heartbeat.as_mut() {
                Some(h) => {
                    h.tick().await;
                }
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = beat => {
                let state = if stream.is_some() { "active" } else { "privacy" };
                let m = format!(r#"{{"type":"heartbeat","state":"{state}"}}"#);
                tx.send(Message::text(m)).await.map_err(e)?;
            }
            msg = rx.next() => {
                let msg = match msg {
                    Some(Ok(m)) => m,
                    Some(Err(err)) => return Err(err.to_string()),
                    None => return Err("closed".into()),
                };
                let text = match msg {
                    Message::Text(t) => t,
                    Message::Close(f) => {
                        if f.is_some_and(|f| u16::from(f.code) == 1008) {
                            shared.protocol_closes.fetch_add(1, Ordering::Relaxed);
                        }
                        return Err("closed by the gateway".into());
                    }
                    _ => continue,
                };
                let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                match v["type"].as_str() {
                    Some("welcome") => {
                        let every = Duration::from_secs(v["heartbeat_seconds"].as_u64().unwrap_or(30).max(1));
                        let mut h = tokio::time::interval_at(Instant::now() + crate::jitter(every), every);
                        h.set_missed_tick_behavior(MissedTickBehavior::Delay);
                        heartbeat = Some(h);
                        if first {
                            shared.online.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Some("start_stream") => {
                        let id: Uuid = v["look_in"].as_str().and_then(|s| s.parse().ok()).ok_or("bad look_in")?;
                        let fps = v["frames_per_second"].as_u64().unwrap_or(5).clamp(1, 30);
                        let secs = v["max_seconds"].as_u64().unwrap_or(30);
                        for m in [
                            r#"{"type":"state","state":"active"}"#.to_owned(),
                            format!(r#"{{"type":"stream_started","look_in":"{id}"}}"#),
                        ] {
                            tx.send(Message::text(m)).await.map_err(e)?;
                        }
                        stream = Some((id, Duration::from_millis(1000 / fps), Instant::now() + Duration::from_secs(secs)));
                        next_frame = Instant::now();
                    }
                    Some("stop_stream") => {
                        if let Some((id, _, _)) = stream.take() {
                            stopped(&mut tx, id, "requested").await.map_err(e)?;
                        }
                    }
                    _ => {}
                }
            }
            () = frame_due => {
                let Some((id, every, ends)) = stream else { continue };
                let now = Instant::now();
                if now >= ends {
                    stream = None;
                    stopped(&mut tx, id, "limit").await.map_err(e)?;
                    continue;
                }
                let sent_at = now_ns();
                tx.send(Message::binary(frame(id, sent_at, frame_bytes))).await.map_err(e)?;
                if shared.in_window(sent_at) {
                    shared.sent.fetch_add(1, Ordering::Relaxed);
                }
                // Keep the rate; after a stall, skip rather than burst.
                next_frame += every;
                if next_frame < now {
                    next_frame = now + every;
                }
            }
        }
    }
}

/// A frame of look-in `id`: its 16-byte id, then a JPEG-shaped payload of `jpeg_bytes`
/// (`FF D8`, the send time in nanoseconds, filler, `FF D9`).
fn frame(id: Uuid, sent_at_ns: u64, jpeg_bytes: usize) -> Vec<u8> {
    let mut f = Vec::with_capacity(16 + jpeg_bytes);
    f.extend_from_slice(id.as_bytes());
    f.extend_from_slice(&[0xFF, 0xD8]);
    f.extend_from_slice(&sent_at_ns.to_le_bytes());
    f.resize(16 + jpeg_bytes.max(12) - 2, 0x42);
    f.extend_from_slice(&[0xFF, 0xD9]);
    f
}

async fn stopped<S>(tx: &mut S, id: Uuid, reason: &str) -> Result<(), S::Error>
where
    S: SinkExt<Message> + Unpin,
{
    tx.send(Message::text(format!(
        r#"{{"type":"stream_stopped","look_in":"{id}","reason":"{reason}"}}"#
    )))
    .await?;
    tx.send(Message::text(r#"{"type":"state","state":"privacy"}"#))
        .await
}

/// A viewer that looks in through `device` again and again until `stop_at`; returns the
/// latency of each frame sent in the window, in microseconds.
async fn viewer(server: String, device: Uuid, stop_at: Instant, shared: Arc<Shared>) -> Vec<u32> {
    tokio::time::sleep(crate::jitter(Duration::from_secs(1))).await;
    let mut latencies = Vec::new();
    let url = format!("ws://{server}/view/{device}");
    while Instant::now() < stop_at {
        let Ok((mut ws, _)) = tokio_tungstenite::connect_async_with_config(&url, None, true).await
        else {
            shared.refused.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        shared.look_ins.fetch_add(1, Ordering::Relaxed);
        loop {
            tokio::select! {
                msg = ws.next() => match msg {
                    Some(Ok(Message::Binary(b))) => {
                        let now = now_ns();
                        let Some(sent) = b.get(2..10).and_then(|t| t.try_into().ok()).map(u64::from_le_bytes) else {
                            continue;
                        };
                        if shared.in_window(sent) {
                            shared.delivered.fetch_add(1, Ordering::Relaxed);
                            latencies.push(u32::try_from(now.saturating_sub(sent) / 1000).unwrap_or(u32::MAX));
                        }
                    }
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                    Some(Ok(_)) => {}
                },
                () = tokio::time::sleep_until(stop_at) => {
                    let _ = ws.close(None).await;
                    return latencies;
                }
            }
        }
    }
    latencies
}
