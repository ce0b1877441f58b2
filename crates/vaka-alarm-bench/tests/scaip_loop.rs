//! The SCAIP load loop against an in-process toy receiver: a tokio TCP listener that frames SIP
//! with `vaka_scaip`, answers each MESSAGE (`200 OK`, or `404` where a test asks), then sends its
//! own MESSAGE with the `<mrs>` (echoing the `ref`, or a wrong one where a test asks) and reads
//! the unit's answer to it. Each test runs the loop for about a second and checks its counts.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vaka_alarm_bench::{LoadConfig, Protocol, Report, run};
use vaka_scaip::sip::{self, Framed, Limits, Message, OutgoingMessage, Status};
use vaka_scaip::{Request, Response};

#[derive(Clone, Copy)]
enum Policy {
    AllOk,
    /// `404 Not Found` to every 4th message of a connection (no `<mrs>` then).
    NotFoundEvery4,
    /// The `<mrs>` of every 3rd message echoes another `ref`.
    WrongRefEvery3,
    /// `200 OK` but never an `<mrs>`.
    NoMrs,
}

#[derive(Default)]
struct Seen {
    /// MESSAGEs answered 200 whose body parsed, with the cid the test expects.
    ok: AtomicU64,
    /// The unit's `200 OK` answers to our own MESSAGEs.
    answered: AtomicU64,
    /// Bodies that were not a well-formed `<mrq>` from a 2xxx cid.
    bad: AtomicU64,
}

async fn toy_receiver(policy: Policy) -> (SocketAddr, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Seen::default());
    let counts = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, policy, counts.clone()));
        }
    });
    (addr, seen)
}

async fn serve(mut stream: TcpStream, policy: Policy, seen: Arc<Seen>) {
    let limits = Limits::default();
    let mut inbox = Vec::new();
    let mut buf = vec![0u8; 8192];
    let mut n: u64 = 0;
    loop {
        let Ok(read) = stream.read(&mut buf).await else {
            return;
        };
        if read == 0 {
            return;
        }
        inbox.extend_from_slice(&buf[..read]);
        let mut out = Vec::new();
        loop {
            match sip::frame_stream(&inbox, &limits) {
                Ok(Framed::NeedMore) => break,
                Ok(Framed::KeepAlive { used, .. }) => {
                    inbox.drain(..used);
                }
                Ok(Framed::Message { message, used }) => {
                    inbox.drain(..used);
                    let req = match message {
                        Message::Response(r) => {
                            if r.code == 200 {
                                seen.answered.fetch_add(1, Ordering::Relaxed);
                            }
                            continue;
                        }
                        Message::Request(req) => req,
                    };
                    n += 1;
                    let Ok(mrq) = Request::parse(&req.body) else {
                        seen.bad.fetch_add(1, Ordering::Relaxed);
                        continue;
                    };
                    if !mrq.controller_id.starts_with("20") || req.check().is_err() {
                        seen.bad.fetch_add(1, Ordering::Relaxed);
                    }
                    if matches!(policy, Policy::NotFoundEvery4) && n.is_multiple_of(4) {
                        out.extend(sip::response_to(&req, Status::NOT_FOUND, "t").to_bytes());
                        continue;
                    }
                    seen.ok.fetch_add(1, Ordering::Relaxed);
                    out.extend(sip::response_to(&req, Status::OK, "t").to_bytes());
                    if matches!(policy, Policy::NoMrs) {
                        continue;
                    }
                    let reference =
                        if matches!(policy, Policy::WrongRefEvery3) && n.is_multiple_of(3) {
                            format!("{}-not", mrq.reference)
                        } else {
                            mrq.reference.clone()
                        };
                    let body = Response::ok(&reference).to_xml();
                    let call_id = format!("mrs{n}");
                    let mut m = OutgoingMessage::scaip(
                        "sip:unit@127.0.0.1",
                        "sip:vaka@127.0.0.1",
                        "ours",
                        "sip:unit@127.0.0.1",
                        &call_id,
                        1,
                        "127.0.0.1:1",
                        "b1",
                        body.as_bytes(),
                    );
                    m.transport = "TCP";
                    out.extend(m.build().to_bytes());
                }
                Err(_) => return,
            }
        }
        if !out.is_empty() && stream.write_all(&out).await.is_err() {
            return;
        }
    }
}

fn config(addr: SocketAddr) -> LoadConfig {
    let mut cfg = LoadConfig::new(addr);
    cfg.protocol = Protocol::ScaipTcp;
    cfg.connections = 8;
    cfg.warmup = Duration::from_millis(200);
    cfg.duration = Duration::from_secs(1);
    cfg
}

/// Waits (up to 5 s) until the receiver has read `n` answers of the units to its `<mrs>`.
async fn answered_by_then(seen: &Seen, n: u64) {
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        let mut tick = tokio::time::interval(Duration::from_millis(5));
        while seen.answered.load(Ordering::Relaxed) < n {
            tick.tick().await;
        }
    })
    .await;
}

fn assert_consistent(r: &Report) {
    assert!(r.counts_add_up(), "{r}");
    assert_eq!(r.protocol, "scaip-tcp");
    assert_eq!(
        r.timeouts + r.lost + r.unsolicited + r.garbage_bytes,
        0,
        "{r}"
    );
    assert_eq!(r.connects, 8, "one connection per unit, kept open: {r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_gets_its_200_and_its_mrs() {
    let (addr, seen) = toy_receiver(Policy::AllOk).await;
    let r = run(&config(addr)).await.unwrap();
    assert_consistent(&r);
    assert!(r.acks > 100, "{r}");
    assert_eq!(r.acks, r.sent, "{r}");
    assert_eq!(r.naks + r.other, 0, "{r}");
    // Every 2xx of the run (warm-up included) is one the receiver counted, and each had its
    // <mrs> back, answered 200 by the unit.
    assert_eq!(r.acks_all, seen.ok.load(Ordering::Relaxed), "{r}");
    assert_eq!(seen.bad.load(Ordering::Relaxed), 0);
    assert_eq!(r.responses, r.acks_all, "{r}");
    assert_eq!(r.bad_responses + r.responses_missing, 0, "{r}");
    // The units' last 200s are written as their connections close: the receiver reads them
    // a moment after the run returns.
    answered_by_then(&seen, r.responses).await;
    assert_eq!(seen.answered.load(Ordering::Relaxed), r.responses, "{r}");
    assert!(r.latency.count == r.acks && r.latency.p99_ms > 0.0, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_count_as_naks_and_get_no_mrs() {
    let (addr, seen) = toy_receiver(Policy::NotFoundEvery4).await;
    let r = run(&config(addr)).await.unwrap();
    assert_consistent(&r);
    assert!(r.naks > 10, "{r}");
    // One in four per connection: over 8 connections within rounding of the window's edges.
    let share = r.naks as f64 / r.sent as f64;
    assert!((0.2..0.3).contains(&share), "{share}: {r}");
    assert_eq!(r.acks_all, seen.ok.load(Ordering::Relaxed), "{r}");
    assert_eq!(r.responses, r.acks_all, "{r}");
    assert_eq!(r.bad_responses + r.responses_missing, 0, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mrs_for_another_ref_is_counted_bad_and_its_own_missing() {
    let (addr, _) = toy_receiver(Policy::WrongRefEvery3).await;
    let r = run(&config(addr)).await.unwrap();
    assert_consistent(&r);
    assert!(r.bad_responses > 10, "{r}");
    assert_eq!(r.responses + r.bad_responses, r.acks_all, "{r}");
    assert_eq!(r.responses_missing, r.bad_responses, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_never_sends_mrs_shows_them_missing() {
    let (addr, _) = toy_receiver(Policy::NoMrs).await;
    let r = run(&config(addr)).await.unwrap();
    assert_consistent(&r);
    assert!(r.acks > 100, "{r}");
    assert_eq!(r.responses + r.bad_responses, 0, "{r}");
    assert_eq!(r.responses_missing, r.acks_all, "{r}");
}
