//! The load loop against an in-process toy receiver: a tokio TCP listener that deframes, parses
//! and answers with `vaka_sia_dc09::response` (ACK, or NAK/DUH/silence where a test asks).
//! Each test runs the loop for about a second and checks its own counts; nothing sleeps.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use vaka_alarm_bench::{LoadConfig, Report, run, run_until};
use vaka_domain::clock::{Clock, SystemClock};
use vaka_sia_dc09::content::{self, AlarmCategory};
use vaka_sia_dc09::frame::{Header, PartialHeader};
use vaka_sia_dc09::{DeframeEvent, Deframer, Key, KeyStyle, parse_frame, response};

/// How the toy receiver answers a well-formed frame.
#[derive(Clone, Copy)]
enum Policy {
    AckAll,
    /// NAK every sequence divisible by 5, DUH those divisible by 7 (else ACK).
    Mixed,
    /// No answer to every 50th sequence (else ACK).
    SilentEvery50,
    /// ACK the first N frames, then die: the frame after them gets no answer, every
    /// connection is closed and the port refuses new ones (a node killed).
    DieAfter(u64),
}

#[derive(Default)]
struct Seen {
    acked: AtomicU64,
    bad: AtomicU64,
    /// What was ACKed: (account, sequence number, data).
    frames: Mutex<Vec<(String, u16, Vec<u8>)>>,
    /// Frames let through before death (`DieAfter`).
    admitted: AtomicU64,
    dead: AtomicBool,
    died: Notify,
}

async fn toy_receiver(key: Option<Key>, policy: Policy) -> (SocketAddr, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let counts = seen.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                r = listener.accept() => {
                    let Ok((stream, _)) = r else { return };
                    tokio::spawn(serve(stream, key.clone(), policy, counts.clone()));
                }
                // Dropping the listener: the port refuses connections from now on.
                () = counts.died.notified() => return,
            }
        }
    });
    (addr, seen)
}

fn answer_to(
    header: &Header,
    key: Option<&Key>,
    policy: Policy,
    fill: &mut dyn FnMut(&mut [u8]),
) -> Option<Vec<u8>> {
    let now = SystemClock.now();
    match policy {
        Policy::Mixed if header.seq.is_multiple_of(5) => {
            Some(response::nak(&PartialHeader::from(header), now))
        }
        Policy::Mixed if header.seq.is_multiple_of(7) => Some(response::duh(header)),
        Policy::SilentEvery50 if header.seq.is_multiple_of(50) => None,
        _ => Some(response::ack_for(header, key, now, fill)),
    }
}

async fn serve(mut stream: TcpStream, key: Option<Key>, policy: Policy, seen: Arc<Seen>) {
    let mut deframer = Deframer::new();
    let mut buf = [0u8; 4096];
    let mut pad = 0u8;
    let mut fill = move |b: &mut [u8]| {
        for x in b {
            pad = pad.wrapping_mul(31).wrapping_add(7);
            *x = pad;
        }
    };
    loop {
        let n = match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut out = Vec::new();
        for event in deframer.feed(&buf[..n]) {
            let DeframeEvent::Frame(raw) = event else {
                seen.bad.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            // The bench's frames must be valid SIA-DCS personal alarms for their account.
            let ok = parse_frame(&raw).ok().and_then(|f| {
                let body = f.body(key.as_ref()).ok()?;
                let c = content::decode(&f.header.id, &body.data).ok()?;
                let valid = f.header.encrypted == key.is_some()
                    && (1..=9999).contains(&f.header.seq)
                    && body.timestamp.is_some()
                    && c.events
                        .iter()
                        .all(|e| e.category == AlarmCategory::PersonalAlarm);
                valid.then_some((f.header, body.data))
            });
            let Some((header, data)) = ok else {
                seen.bad.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            // One of the first N frames (counted over all connections at once), or death.
            if let Policy::DieAfter(n) = policy
                && (seen.dead.load(Ordering::Relaxed)
                    || seen
                        .admitted
                        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                            (c < n).then_some(c + 1)
                        })
                        .is_err())
            {
                seen.dead.store(true, Ordering::Relaxed);
                seen.died.notify_one();
                return;
            }
            if let Some(a) = answer_to(&header, key.as_ref(), policy, &mut fill) {
                if matches!(
                    parse_frame(&a).map(|f| f.header.id),
                    Ok(vaka_sia_dc09::IdToken::Ack)
                ) {
                    seen.acked.fetch_add(1, Ordering::Relaxed);
                    let account = header.account.clone();
                    seen.frames
                        .lock()
                        .unwrap()
                        .push((account, header.seq, data));
                }
                out.extend_from_slice(&a);
            }
        }
        if !out.is_empty() && stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn config(addr: SocketAddr) -> LoadConfig {
    let mut cfg = LoadConfig::new(addr);
    cfg.connections = 8;
    cfg.warmup = Duration::from_millis(200);
    cfg.duration = Duration::from_secs(1);
    cfg
}

fn check_common(r: &Report, seen: &Seen) {
    assert!(r.counts_add_up(), "outcomes do not add up: {r:?}");
    assert_eq!(
        seen.bad.load(Ordering::Relaxed),
        0,
        "the receiver got bad frames"
    );
    // The receiver also ACKed warmup frames, which the bench does not count.
    assert!(seen.acked.load(Ordering::Relaxed) >= r.acks);
    assert_eq!(r.latency.count, r.acks);
    assert_eq!(r.unsolicited, 0);
    assert_eq!(r.garbage_bytes, 0);
    assert!(r.first_other.is_none(), "{:?}", r.first_other);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clear_closed_loop_is_all_acked() {
    let (addr, seen) = toy_receiver(None, Policy::AckAll).await;
    let r = run(&config(addr)).await.unwrap();
    check_common(&r, &seen);
    assert!(r.acks > 100, "{r}");
    assert_eq!(r.acks, r.sent);
    assert_eq!(
        (r.naks, r.duhs, r.other, r.timeouts, r.lost),
        (0, 0, 0, 0, 0)
    );
    assert_eq!(r.connects, 8);
    assert_eq!(
        (r.first_account.as_str(), r.last_account.as_str()),
        ("2000", "2007")
    );
    assert!(r.latency.p50_ms <= r.latency.p99_ms && r.latency.p99_ms <= r.latency.max_ms);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encrypted_pipelined_is_all_acked() {
    let key = Key::parse(
        "000102030405060708090A0B0C0D0E0F1011121314151617",
        KeyStyle::Hex,
    )
    .unwrap();
    let (addr, seen) = toy_receiver(Some(key.clone()), Policy::AckAll).await;
    let mut cfg = config(addr);
    cfg.key = Some(key);
    cfg.pipeline = 4;
    let r = run(&cfg).await.unwrap();
    check_common(&r, &seen);
    assert!(r.encrypted);
    assert!(r.acks > 100, "{r}");
    assert_eq!(r.acks, r.sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paced_run_sends_about_the_rate() {
    let (addr, seen) = toy_receiver(None, Policy::AckAll).await;
    let mut cfg = config(addr);
    cfg.rate = Some(400.0);
    let r = run(&cfg).await.unwrap();
    check_common(&r, &seen);
    // 400/s over 8 connections for 1 s: 50 per connection on a fixed schedule.
    assert!((380..=420).contains(&(r.sent + r.unsent)), "{r}");
    assert_eq!(r.acks, r.sent);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn naks_and_duhs_are_counted() {
    let (addr, seen) = toy_receiver(None, Policy::Mixed).await;
    let mut cfg = config(addr);
    cfg.pipeline = 2;
    let r = run(&cfg).await.unwrap();
    check_common(&r, &seen);
    assert!(r.naks > 0 && r.duhs > 0 && r.acks > 0, "{r}");
    assert_eq!((r.other, r.timeouts, r.lost), (0, 0, 0), "{r}");
    // About 1/5 NAK and 4/35 DUH.
    assert!(r.naks > r.duhs, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_answers_time_out_and_reconnect() {
    let (addr, seen) = toy_receiver(None, Policy::SilentEvery50).await;
    let mut cfg = config(addr);
    cfg.connections = 4;
    cfg.answer_timeout = Duration::from_millis(100);
    cfg.warmup = Duration::ZERO;
    let r = run(&cfg).await.unwrap();
    check_common(&r, &seen);
    assert!(r.timeouts > 0, "{r}");
    assert!(r.timeout_reconnects >= r.timeouts);
    assert!(r.connects > 4, "{r}");
}

/// The journal's lines as (account, sequence number, data).
fn journal(path: &std::path::Path) -> Vec<(String, u16, Vec<u8>)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let mut p = l.splitn(3, ' ');
            let (a, s, d) = (p.next().unwrap(), p.next().unwrap(), p.next().unwrap());
            (a.to_owned(), s.parse().unwrap(), d.as_bytes().to_vec())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_receiver_is_left_for_the_backup_and_its_unanswered_frames_are_sent_again() {
    let (primary, first) = toy_receiver(None, Policy::DieAfter(40)).await;
    let (backup, second) = toy_receiver(None, Policy::AckAll).await;
    let dir = std::env::temp_dir().join(format!("vaka-alarm-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("journal");
    let _ = std::fs::remove_file(&path);
    let mut cfg = config(primary);
    cfg.targets = vec![primary, backup];
    cfg.connections = 4;
    cfg.accounts = Some(vec![
        "1A01".into(),
        "1A02".into(),
        "1A03".into(),
        "1A04".into(),
    ]);
    cfg.resend = true;
    cfg.journal = Some(path.clone());
    cfg.warmup = Duration::ZERO;
    cfg.duration = Duration::from_hours(1);
    // The run goes on until the backup has ACKed 200 and frames of all four accounts: the two
    // connections that began at the primary have come over (whatever the machine's speed).
    let enough = Arc::new(Notify::new());
    let watcher = {
        let (second, enough) = (second.clone(), enough.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            loop {
                let accounts: HashSet<String> = second
                    .frames
                    .lock()
                    .unwrap()
                    .iter()
                    .map(|(a, _, _)| a.clone())
                    .collect();
                if accounts.len() == 4 && second.acked.load(Ordering::Relaxed) >= 200 {
                    break;
                }
                tick.tick().await;
            }
            enough.notify_one();
        })
    };
    let r = run_until(&cfg, enough.notified()).await.unwrap();
    watcher.await.unwrap();
    assert!(r.counts_add_up(), "{r:?}");
    assert_eq!(r.target, format!("{primary},{backup}"));
    // The primary answered its 40 and then no more; the backup took the rest.
    assert_eq!(first.acked.load(Ordering::Relaxed), 40);
    assert!(second.acked.load(Ordering::Relaxed) >= 200, "{r}");
    assert!(first.dead.load(Ordering::Relaxed));
    // Connections 1 and 3 began at the backup; 0 and 2 came to it when the primary died (or,
    // started after its death, when it refused them): each connection the dying primary
    // closed had one frame in flight, and sent it again first.
    assert!(r.disconnects >= 1, "{r}");
    assert_eq!(r.resent, r.disconnects, "{r}");
    assert_eq!(
        (r.timeouts, r.naks, r.other, r.lost, r.journal_errors),
        (0, 0, 0, 0, 0),
        "{r}"
    );
    // The journal holds exactly what the two receivers ACKed, each frame once.
    let lines = journal(&path);
    let mut acked: Vec<_> = first.frames.lock().unwrap().clone();
    acked.extend(second.frames.lock().unwrap().iter().cloned());
    assert_eq!(lines.len() as u64, r.acks_all);
    let unique: HashSet<_> = lines.iter().cloned().collect();
    assert_eq!(unique.len(), lines.len(), "a frame was ACKed twice");
    assert_eq!(unique, acked.into_iter().collect::<HashSet<_>>());
    assert!(
        lines
            .iter()
            .all(|(a, _, d)| d == format!("#{a}|Nri1/MA001").as_bytes())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_run_ends_at_once_with_its_counts() {
    let (addr, seen) = toy_receiver(None, Policy::AckAll).await;
    let mut cfg = config(addr);
    cfg.warmup = Duration::ZERO;
    cfg.duration = Duration::from_hours(1);
    let enough = Arc::new(Notify::new());
    let watcher = {
        let (seen, enough) = (seen.clone(), enough.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(5));
            while seen.acked.load(Ordering::Relaxed) < 500 {
                tick.tick().await;
            }
            enough.notify_one();
        })
    };
    let r = run_until(&cfg, enough.notified()).await.unwrap();
    watcher.await.unwrap();
    check_common(&r, &seen);
    assert!(r.acks >= 500, "{r}");
    assert_eq!(r.acks, r.sent, "{r}");
    // The measured window is the time until the stop, not the hour asked for.
    assert!(r.duration_s < 60.0, "{r}");
    assert!(r.events_per_sec > r.acks as f64 / 60.0, "{r}");
}
