//! The load loop: one task per connection, each a simulated device with its own account.

use std::collections::VecDeque;
use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};
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
    /// The receivers: connection `i` starts at `targets[i % n]` and moves on to the next one
    /// when its connection breaks, cannot connect or gets no answer in time (primary and backup
    /// receivers, as DC-09 allows a device).
    pub targets: Vec<SocketAddr>,
    /// Kept-open connections, one account each.
    pub connections: usize,
    /// Account of the first connection; connection `i` uses `{:04X}` of `accounts_from + i`.
    pub accounts_from: u64,
    /// The accounts by name instead (connection `i` uses the `i`-th; at least `connections`).
    pub accounts: Option<Vec<String>>,
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
    /// Resend, on the next connection, the frames left without an answer when a connection
    /// broke or timed out (same sequence number and data, fresh timestamp), as a dialler does
    /// until its event is acknowledged (DC-09 only).
    pub resend: bool,
    /// Append one line `ACCOUNT SEQ DATA` for every ACKed frame (warm-up included) to this
    /// file, written before the next frame of that connection is sent: after the run it lists
    /// what the receivers acknowledged (DC-09 only).
    pub journal: Option<PathBuf>,
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
            targets: vec![target],
            connections: 64,
            accounts_from: 0x2000,
            accounts: None,
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
            resend: false,
            journal: None,
        }
    }
}

/// The run's timeline, shared by the connections.
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) targets: Vec<SocketAddr>,
    pub(crate) warm_end: Instant,
    /// The end of the measured window: `warm_end + duration`, or earlier when the run is
    /// stopped (see [`run_until`]).
    end: watch::Receiver<Instant>,
    /// Time between two frames of one connection (paced runs).
    pub(crate) period: Option<Duration>,
    pub(crate) pipeline: usize,
    pub(crate) answer_timeout: Duration,
    pub(crate) resend: bool,
    pub(crate) journal: Option<Journal>,
}

impl Plan {
    /// A connection's view of the end, to read with `borrow_and_update` and to wait on.
    pub(crate) fn end_watch(&self) -> watch::Receiver<Instant> {
        self.end.clone()
    }

    /// The receiver at `index` (taken modulo the number of receivers).
    pub(crate) fn target(&self, index: usize) -> SocketAddr {
        self.targets[index % self.targets.len()]
    }
}

/// The ACK journal: one line per ACKed frame, each written with one `write` to a file opened
/// for appending, so that a run killed midway leaves whole lines.
#[derive(Debug)]
pub(crate) struct Journal(Mutex<std::fs::File>);

impl Journal {
    fn open(path: &std::path::Path) -> anyhow::Result<Self> {
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening the journal {}", path.display()))?;
        Ok(Self(Mutex::new(f)))
    }

    /// Records that `account`'s frame `seq` with `data` was acknowledged.
    fn acked(&self, account: &str, seq: u16, data: &[u8]) -> std::io::Result<()> {
        let mut line = Vec::with_capacity(account.len() + data.len() + 8);
        line.extend_from_slice(account.as_bytes());
        line.extend_from_slice(format!(" {seq} ").as_bytes());
        line.extend_from_slice(data);
        line.push(b'\n');
        // A poisoned lock only means another connection's task panicked mid-write.
        let mut f = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f.write_all(&line)
    }
}

/// Runs the load and returns what it measured. Returns once every connection has stopped:
/// `warmup + duration`, plus at most the answer timeout for the last answers.
///
/// # Errors
/// A configuration that cannot run (no connections, pipeline out of range, bad rate, account
/// or frame fields), or a connection task that panicked.
pub async fn run(cfg: &LoadConfig) -> anyhow::Result<Report> {
    run_until(cfg, std::future::pending()).await
}

/// [`run`], ended early when `stop` completes (a signal, say): no frame is sent after it, the
/// frames still waiting get their answer timeout, and the measured window ends there.
///
/// # Errors
/// As [`run`].
pub async fn run_until(cfg: &LoadConfig, stop: impl Future<Output = ()>) -> anyhow::Result<Report> {
    ensure!(cfg.connections > 0, "at least one connection");
    ensure!(!cfg.targets.is_empty(), "at least one receiver");
    ensure!(
        cfg.protocol == Protocol::Dc09 || (!cfg.resend && cfg.journal.is_none()),
        "resending and the journal are for DC-09 only"
    );
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

    let accounts = match &cfg.accounts {
        Some(given) => {
            ensure!(
                given.len() >= cfg.connections,
                "{} accounts for {} connections",
                given.len(),
                cfg.connections
            );
            given[..cfg.connections].to_vec()
        }
        None => crate::accounts(cfg.accounts_from, cfg.connections)?,
    };
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

    let journal = cfg.journal.as_deref().map(Journal::open).transpose()?;
    let start = Instant::now();
    let warm_end = start + cfg.warmup;
    let (end_tx, end) = watch::channel(warm_end + cfg.duration);
    let plan = Arc::new(Plan {
        targets: cfg.targets.clone(),
        warm_end,
        end,
        period,
        pipeline: cfg.pipeline,
        answer_timeout: cfg.answer_timeout,
        resend: cfg.resend,
        journal,
    });
    let n = builders.len();
    // Paced connections start spread over one period, so that they do not send in step.
    let first_due =
        |i: usize| start + period.map_or(Duration::ZERO, |p| p.mul_f64(i as f64 / n as f64));
    let tasks: Vec<_> = match cfg.protocol {
        Protocol::Dc09 => builders
            .into_iter()
            .enumerate()
            .map(|(i, builder)| tokio::spawn(device(plan.clone(), i, builder, first_due(i))))
            .collect(),
        Protocol::ScaipTcp => accounts
            .iter()
            .enumerate()
            .map(|(i, cid)| {
                let unit = crate::scaip::Unit::new(cid, i, &mut rng, first_due(i));
                let rng = StdRng::from_rng(&mut rng);
                tokio::spawn(crate::scaip::unit(plan.clone(), unit, rng))
            })
            .collect(),
    };
    let joined = async {
        let mut total = Tally::default();
        for t in tasks {
            total.merge(&t.await.context("a connection task failed")?);
        }
        anyhow::Ok(total)
    };
    let mut joined = std::pin::pin!(joined);
    let total = tokio::select! {
        r = &mut joined => r?,
        () = stop => {
            // Every connection sees the new end at once and stops sending.
            end_tx.send_modify(|e| *e = (*e).min(Instant::now()));
            joined.await?
        }
    };
    let measured = end_tx.borrow().saturating_duration_since(warm_end);
    let first = accounts.first().map_or("", String::as_str);
    let last = accounts.last().map_or("", String::as_str);
    Ok(Report::new(cfg, (first, last), measured, &total))
}

/// One simulated device's state that outlives its connections.
struct Device {
    builder: FrameBuilder,
    rng: StdRng,
    /// The last sequence number sent (0 before the first frame).
    seq: u16,
    /// The next scheduled send (paced runs).
    next_due: Instant,
    /// Frames left without an answer by a broken connection, to send again (resending runs).
    unanswered: VecDeque<Waiting>,
}

impl Device {
    /// The frames still waiting when a connection ends without their answers: kept to send
    /// again when the run resends, else counted as lost.
    fn orphan(&mut self, waiting: &mut VecDeque<Waiting>, resend: bool, st: &mut Tally) {
        if resend {
            self.unanswered.extend(waiting.drain(..));
        } else {
            lose(waiting, st);
        }
    }
}

/// A frame waiting for its answer.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    seq: u16,
    /// The frame builder's round when the frame was first built (its data, see
    /// [`FrameBuilder::next_round`]).
    round: u32,
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

/// How a connect attempt went.
pub(crate) enum Connect {
    Connected(TcpStream),
    /// Refused, or no answer within the answer timeout: try the next receiver.
    Failed,
    /// The run ended while connecting.
    Over,
}

/// Connects to the receiver at `index`, giving up at the answer timeout or the run's end.
pub(crate) async fn connect(
    plan: &Plan,
    index: usize,
    end: &mut watch::Receiver<Instant>,
    st: &mut Tally,
) -> Connect {
    let now = Instant::now();
    let until = *end.borrow_and_update();
    if now >= until {
        return Connect::Over;
    }
    tokio::select! {
        r = TcpStream::connect(plan.target(index)) => {
            if let Ok(stream) = r {
                st.connects += 1;
                Connect::Connected(stream)
            } else {
                st.connect_errors += 1;
                Connect::Failed
            }
        }
        () = sleep_until((now + plan.answer_timeout).min(until)) => {
            if Instant::now() < until {
                st.connect_errors += 1;
                Connect::Failed
            } else {
                Connect::Over
            }
        }
        _ = end.changed() => Connect::Over,
    }
}

/// Waits [`RECONNECT_PAUSE`], or less when the run ends first.
pub(crate) async fn pause(end: &mut watch::Receiver<Instant>) {
    let until = (Instant::now() + RECONNECT_PAUSE).min(*end.borrow_and_update());
    tokio::select! {
        () = sleep_until(until) => {}
        _ = end.changed() => {}
    }
}

/// Counts the measured frames a paced schedule called for but the connection never got to
/// send before the end.
pub(crate) fn count_unsent(plan: &Plan, end: Instant, next_due: &mut Instant, st: &mut Tally) {
    if let Some(p) = plan.period {
        while *next_due < end {
            if *next_due >= plan.warm_end {
                st.unsent += 1;
            }
            *next_due += p;
        }
    }
}

async fn device(plan: Arc<Plan>, index: usize, builder: FrameBuilder, first_due: Instant) -> Tally {
    let mut st = Tally::default();
    let mut dev = Device {
        builder,
        rng: StdRng::from_os_rng(),
        seq: 0,
        next_due: first_due,
        unanswered: VecDeque::new(),
    };
    let mut end = plan.end_watch();
    // The receiver this device uses now: its primary, then the next on every failure.
    let mut at = index;
    loop {
        let stream = match connect(&plan, at, &mut end, &mut st).await {
            Connect::Connected(stream) => stream,
            Connect::Failed => {
                at += 1;
                pause(&mut end).await;
                continue;
            }
            Connect::Over => break,
        };
        match session(stream, &plan, &mut dev, &mut end, &mut st).await {
            Ended::Done => break,
            Ended::TimedOut => at += 1,
            Ended::Failed => {
                at += 1;
                pause(&mut end).await;
            }
        }
    }
    // Frames never answered, though resent while the run lasted.
    lose(&mut dev.unanswered, &mut st);
    let end = *end.borrow();
    count_unsent(&plan, end, &mut dev.next_due, &mut st);
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
async fn session(
    stream: TcpStream,
    plan: &Plan,
    dev: &mut Device,
    end: &mut watch::Receiver<Instant>,
    st: &mut Tally,
) -> Ended {
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    let mut waiting: VecDeque<Waiting> = VecDeque::with_capacity(plan.pipeline);
    let mut deframer = Deframer::new();
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::with_capacity(128 * plan.pipeline);
    loop {
        let now = Instant::now();
        let until = *end.borrow_and_update();
        let sending = now < until;
        if sending {
            out.clear();
            while waiting.len() < plan.pipeline {
                if let Some(mut again) = dev.unanswered.pop_front() {
                    // The same event again: same sequence number and data, a fresh timestamp.
                    let rng = &mut dev.rng;
                    let Ok(frame) = dev.builder.build_round(
                        again.seq,
                        again.round,
                        SystemClock.now(),
                        &mut |b| rng.fill_bytes(b),
                    ) else {
                        lose(&mut waiting, st);
                        return Ended::Done;
                    };
                    st.resent += 1;
                    again.sent = now;
                    out.extend_from_slice(&frame);
                    waiting.push_back(again);
                    continue;
                }
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
                    round: dev.builder.round(),
                    scheduled,
                    sent: now,
                    measured,
                });
            }
            if !out.is_empty() && wr.write_all(&out).await.is_err() {
                st.disconnects += 1;
                dev.orphan(&mut waiting, plan.resend, st);
                return Ended::Failed;
            }
        } else if waiting.is_empty() {
            return Ended::Done;
        }

        let answer_by = waiting.front().map(|w| w.sent + plan.answer_timeout);
        let wake = sending.then(|| match plan.period {
            Some(_) if waiting.len() < plan.pipeline => dev.next_due.min(until),
            _ => until,
        });
        tokio::select! {
            biased;
            r = rd.read(&mut buf) => {
                let n = match r {
                    Ok(0) | Err(_) => {
                        st.disconnects += 1;
                        dev.orphan(&mut waiting, plan.resend, st);
                        return if Instant::now() < *end.borrow() { Ended::Failed } else { Ended::Done };
                    }
                    Ok(n) => n,
                };
                let at = Instant::now();
                for event in deframer.feed(&buf[..n]) {
                    match event {
                        DeframeEvent::Frame(raw) => answer(&raw, at, &mut waiting, dev, plan, st),
                        DeframeEvent::Garbage { len } | DeframeEvent::Oversized { len } => {
                            st.garbage_bytes += len as u64;
                        }
                    }
                }
            }
            () = sleep_until(answer_by.unwrap_or(now)), if answer_by.is_some() => {
                st.timeout_reconnects += 1;
                if plan.resend {
                    // No answer in time: the device tries again, with the next receiver.
                    dev.orphan(&mut waiting, true, st);
                } else {
                    if let Some(w) = waiting.pop_front()
                        && w.measured
                    {
                        st.timeouts += 1;
                    }
                    lose(&mut waiting, st);
                }
                return if Instant::now() < *end.borrow() { Ended::TimedOut } else { Ended::Done };
            }
            _ = end.changed(), if sending => {}
            () = sleep_until(wake.unwrap_or(now)), if wake.is_some() => {}
        }
    }
}

/// Matches an answer to its frame (by the echoed sequence number; the oldest waiting frame
/// when the answer echoes none), counts it and writes an ACK to the journal.
fn answer(
    raw: &[u8],
    at: Instant,
    waiting: &mut VecDeque<Waiting>,
    dev: &Device,
    plan: &Plan,
    st: &mut Tally,
) {
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
        if let Some(j) = &plan.journal
            && j.acked(
                dev.builder.account(),
                w.seq,
                &dev.builder.data_of_round(w.round),
            )
            .is_err()
        {
            st.journal_errors += 1;
        }
    }
    if w.measured {
        st.answer(kind, micros(at.saturating_duration_since(w.scheduled)), raw);
    }
}
