//! The load loop: one task per connection, each a simulated device with its own account.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, sleep_until, timeout_at};
use vaka_domain::clock::{Clock, SystemClock};
use vaka_sia_dc09::{DeframeEvent, Deframer, Key};

use crate::answer::{Kind, classify};
use crate::frames::{DEFAULT_EVENT, FrameBuilder, next_seq};
use crate::report::{Report, Tally};

/// Pause before reconnecting after a refused connect or a connection the peer closed (not
/// after our own drop at an answer timeout: that reconnects at once).
pub(crate) const RECONNECT_PAUSE: Duration = Duration::from_millis(100);

/// Largest pipeline: sequence numbers of waiting frames must stay distinct (1..=9999).
pub const MAX_PIPELINE: usize = 1000;

/// What to run.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// The receiver.
    pub target: SocketAddr,
    /// Kept-open connections, one account each.
    pub connections: usize,
    /// Account of the first connection; connection `i` uses `{:04X}` of `accounts_from + i`.
    pub accounts_from: u64,
    /// AES key: every frame is encrypted when set.
    pub key: Option<Key>,
    /// Events per second over all connections; `None` sends as fast as answers allow.
    pub rate: Option<f64>,
    /// Frames a connection keeps waiting for an answer (1: send, wait, send).
    pub pipeline: usize,
    /// Time before the measured window (connects, caches, JIT of the receiver…).
    pub warmup: Duration,
    /// The measured window.
    pub duration: Duration,
    /// An answer later than this is a timeout, and the connection reconnects.
    pub answer_timeout: Duration,
    /// `R` digits (`None`: no `R`).
    pub receiver: Option<String>,
    /// `L` digits (`None`: `L0`, which siadc09 and pysiaalarm require anyway).
    pub line: Option<String>,
    /// DC-03 event text after the `N`, such as `ri1/MA001`.
    pub event: String,
    /// What the connections speak.
    pub protocol: Protocol,
}

/// The protocol of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// SIA DC-09 over TCP: `key`, `receiver`, `line` and `event` apply.
    #[default]
    Dc09,
    /// SCAIP `<mrq>` in SIP `MESSAGE`s over TCP, the account as the controller id (see
    /// [`crate::scaip`]); the DC-09 fields are not used.
    ScaipTcp,
}

impl LoadConfig {
    /// Defaults of the command line: 64 connections from account 2000, clear, unlimited,
    /// pipeline 1, 3 s warmup, 20 s measured, 5 s answer timeout, `R0L0`, `Nri1/MA001`.
    #[must_use]
    pub fn new(target: SocketAddr) -> Self {
        Self {
            target,
            connections: 64,
            accounts_from: 0x2000,
            key: None,
            rate: None,
            pipeline: 1,
            warmup: Duration::from_secs(3),
            duration: Duration::from_secs(20),
            answer_timeout: Duration::from_secs(5),
            receiver: Some("0".into()),
            line: Some("0".into()),
            event: DEFAULT_EVENT.into(),
            protocol: Protocol::Dc09,
        }
    }
}

/// The run's timeline, shared by the connections.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) target: SocketAddr,
    pub(crate) warm_end: Instant,
    pub(crate) end: Instant,
    /// Time between two frames of one connection (paced runs).
    pub(crate) period: Option<Duration>,
    pub(crate) pipeline: usize,
    pub(crate) answer_timeout: Duration,
}

/// Runs the load and returns what it measured. Returns once every connection has stopped:
/// `warmup + duration`, plus at most the answer timeout for the last answers.
///
/// # Errors
/// A configuration that cannot run (no connections, pipeline out of range, bad rate, account
/// or frame fields), or a connection task that panicked.
pub async fn run(cfg: &LoadConfig) -> anyhow::Result<Report> {
    ensure!(cfg.connections > 0, "at least one connection");
    ensure!(
        (1..=MAX_PIPELINE).contains(&cfg.pipeline),
        "pipeline must be 1..={MAX_PIPELINE}"
    );
    ensure!(
        !cfg.duration.is_zero(),
        "the measured duration must not be zero"
    );
    ensure!(
        !cfg.answer_timeout.is_zero(),
        "the answer timeout must not be zero"
    );
    let period = match cfg.rate {
        None => None,
        Some(r) if r.is_finite() && r > 0.0 => {
            let p = Duration::try_from_secs_f64(cfg.connections as f64 / r)
                .context("rate out of range")?;
            if p.is_zero() {
                bail!("rate {r} is too high to pace; leave --rate out for unlimited");
            }
            Some(p)
        }
        Some(r) => bail!("rate must be a positive number of events per second, got {r}"),
    };

    let accounts = crate::accounts(cfg.accounts_from, cfg.connections)?;
    let mut builders = Vec::with_capacity(accounts.len());
    let mut rng = StdRng::from_os_rng();
    for a in &accounts {
        let mut b = FrameBuilder::new(
            a,
            cfg.receiver.as_deref(),
            cfg.line.as_deref(),
            &cfg.event,
            cfg.key.clone(),
        );
        // Every field but the sequence and the timestamp is fixed: one frame checks them all.
        b.build(9999, SystemClock.now(), &mut |buf| rng.fill_bytes(buf))
            .with_context(|| format!("cannot build frames for account {a}"))?;
        builders.push(b);
    }

    let start = Instant::now();
    let warm_end = start + cfg.warmup;
    let plan = Arc::new(Plan {
        target: cfg.target,
        warm_end,
        end: warm_end + cfg.duration,
        period,
        pipeline: cfg.pipeline,
        answer_timeout: cfg.answer_timeout,
    });
    let n = builders.len();
    // Paced connections start spread over one period, so that they do not send in step.
    let first_due =
        |i: usize| start + period.map_or(Duration::ZERO, |p| p.mul_f64(i as f64 / n as f64));
    let tasks: Vec<_> = match cfg.protocol {
        Protocol::Dc09 => builders
            .into_iter()
            .enumerate()
            .map(|(i, builder)| tokio::spawn(device(plan.clone(), builder, first_due(i))))
            .collect(),
        Protocol::ScaipTcp => accounts
            .iter()
            .enumerate()
            .map(|(i, cid)| {
                let unit = crate::scaip::Unit::new(cid, &mut rng, first_due(i));
                let rng = StdRng::from_rng(&mut rng);
                tokio::spawn(crate::scaip::unit(plan.clone(), unit, rng))
            })
            .collect(),
    };
    let mut total = Tally::default();
    for t in tasks {
        total.merge(&t.await.context("a connection task failed")?);
    }
    let first = accounts.first().map_or("", String::as_str);
    let last = accounts.last().map_or("", String::as_str);
    Ok(Report::new(cfg, (first, last), &total))
}

/// One simulated device's state that outlives its connections.
struct Device {
    builder: FrameBuilder,
    rng: StdRng,
    /// The last sequence number sent (0 before the first frame).
    seq: u16,
    /// The next scheduled send (paced runs).
    next_due: Instant,
}

/// A frame waiting for its answer.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    seq: u16,
    /// When it was due: latency is measured from here.
    scheduled: Instant,
    /// When it was written: the answer timeout runs from here.
    sent: Instant,
    /// Scheduled in the measured window.
    measured: bool,
}

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The run is over.
    Done,
    /// The peer closed or the connection failed: reconnect after a pause.
    Failed,
    /// We dropped it after an answer timeout: reconnect at once.
    TimedOut,
}

async fn device(plan: Arc<Plan>, builder: FrameBuilder, first_due: Instant) -> Tally {
    let mut st = Tally::default();
    let mut dev = Device {
        builder,
        rng: StdRng::from_os_rng(),
        seq: 0,
        next_due: first_due,
    };
    loop {
        let now = Instant::now();
        if now >= plan.end {
            break;
        }
        let deadline = (now + plan.answer_timeout).min(plan.end);
        let pause = match timeout_at(deadline, TcpStream::connect(plan.target)).await {
            Ok(Ok(stream)) => {
                st.connects += 1;
                match session(stream, &plan, &mut dev, &mut st).await {
                    Ended::Done => break,
                    Ended::TimedOut => false,
                    Ended::Failed => true,
                }
            }
            Ok(Err(_)) => {
                st.connect_errors += 1;
                true
            }
            Err(_) => {
                if Instant::now() < plan.end {
                    st.connect_errors += 1;
                }
                false
            }
        };
        if pause {
            sleep_until((Instant::now() + RECONNECT_PAUSE).min(plan.end)).await;
        }
    }
    // Measured frames the schedule called for but the connection never got to send.
    if let Some(p) = plan.period {
        while dev.next_due < plan.end {
            if dev.next_due >= plan.warm_end {
                st.unsent += 1;
            }
            dev.next_due += p;
        }
    }
    st
}

/// Counts every waiting frame as lost (its connection is gone).
fn lose(waiting: &mut VecDeque<Waiting>, st: &mut Tally) {
    st.lost += waiting.drain(..).filter(|w| w.measured).count() as u64;
}

pub(crate) fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// One kept-open connection: send what is due while fewer than `pipeline` frames wait, read
/// answers, enforce the answer timeout on the oldest waiting frame.
async fn session(stream: TcpStream, plan: &Plan, dev: &mut Device, st: &mut Tally) -> Ended {
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    let mut waiting: VecDeque<Waiting> = VecDeque::with_capacity(plan.pipeline);
    let mut deframer = Deframer::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::with_capacity(128 * plan.pipeline);
    loop {
        let now = Instant::now();
        let sending = now < plan.end;
        if sending {
            out.clear();
            while waiting.len() < plan.pipeline {
                let scheduled = match plan.period {
                    None => now,
                    Some(p) => {
                        if dev.next_due > now {
                            break;
                        }
                        let due = dev.next_due;
                        dev.next_due += p;
                        due
                    }
                };
                let seq = next_seq(dev.seq);
                if seq < dev.seq {
                    dev.builder.next_round();
                }
                let rng = &mut dev.rng;
                let Ok(frame) = dev
                    .builder
                    .build(seq, SystemClock.now(), &mut |b| rng.fill_bytes(b))
                else {
                    // Checked before the run; only the sequence and timestamp change.
                    lose(&mut waiting, st);
                    return Ended::Done;
                };
                dev.seq = seq;
                let measured = scheduled >= plan.warm_end;
                if measured {
                    st.sent += 1;
                }
                out.extend_from_slice(&frame);
                waiting.push_back(Waiting {
                    seq,
                    scheduled,
                    sent: now,
                    measured,
                });
            }
            if !out.is_empty() && wr.write_all(&out).await.is_err() {
                st.disconnects += 1;
                lose(&mut waiting, st);
                return Ended::Failed;
            }
        } else if waiting.is_empty() {
            return Ended::Done;
        }

        let answer_by = waiting.front().map(|w| w.sent + plan.answer_timeout);
        let wake = sending.then(|| match plan.period {
            Some(_) if waiting.len() < plan.pipeline => dev.next_due.min(plan.end),
            _ => plan.end,
        });
        tokio::select! {
            biased;
            r = rd.read(&mut buf) => {
                let n = match r {
                    Ok(0) | Err(_) => {
                        st.disconnects += 1;
                        lose(&mut waiting, st);
                        return if Instant::now() < plan.end { Ended::Failed } else { Ended::Done };
                    }
                    Ok(n) => n,
                };
                let at = Instant::now();
                for event in deframer.feed(&buf[..n]) {
                    match event {
                        DeframeEvent::Frame(raw) => answer(&raw, at, &mut waiting, dev, st),
                        DeframeEvent::Garbage { len } | DeframeEvent::Oversized { len } => {
                            st.garbage_bytes += len as u64;
                        }
                    }
                }
            }
            () = sleep_until(answer_by.unwrap_or(now)), if answer_by.is_some() => {
                if let Some(w) = waiting.pop_front()
                    && w.measured
                {
                    st.timeouts += 1;
                }
                lose(&mut waiting, st);
                st.timeout_reconnects += 1;
                return if Instant::now() < plan.end { Ended::TimedOut } else { Ended::Done };
            }
            () = sleep_until(wake.unwrap_or(now)), if wake.is_some() => {}
        }
    }
}

/// Matches an answer to its frame (by the echoed sequence number; the oldest waiting frame
/// when the answer echoes none) and counts it.
fn answer(raw: &[u8], at: Instant, waiting: &mut VecDeque<Waiting>, dev: &Device, st: &mut Tally) {
    let a = classify(raw, dev.builder.account(), dev.builder.key());
    let (index, kind) = match a.seq.map(|s| waiting.iter().position(|w| w.seq == s)) {
        Some(Some(i)) => (i, a.kind),
        // An echo of a sequence number we are not waiting for: wrong, whatever its kind.
        Some(None) => (0, Kind::Other),
        None => (0, a.kind),
    };
    let Some(w) = waiting.remove(index) else {
        st.unsolicited += 1;
        return;
    };
    if kind == Kind::Ack {
        st.acks_all += 1;
    }
    if w.measured {
        st.answer(kind, micros(at.saturating_duration_since(w.scheduled)), raw);
    }
}
