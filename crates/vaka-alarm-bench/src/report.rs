//! What a run counted, per connection and merged, and how it is printed.

use std::fmt;

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::answer::Kind;

/// Highest latency the histogram holds (one hour, in µs); longer ones are clamped to it.
const MAX_LATENCY_US: u64 = 3_600_000_000;

/// A fresh latency histogram: 1 µs to one hour, three significant digits.
#[must_use]
// The bounds are constants that satisfy hdrhistogram's rules (1 ≤ low, 2·low ≤ high, sigfig ≤ 5),
// so the constructor cannot fail; it has no infallible variant.
#[allow(clippy::expect_used)]
pub fn new_histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("constant, valid histogram bounds")
}

/// The counters of one connection (or, merged, of the run). Outcomes are counted for measured
/// frames only; connection events over the whole run.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Measured frames written to the socket.
    pub sent: u64,
    /// Measured frames that got an ACK.
    pub acks: u64,
    /// Frames that got an ACK, warm-up included (what the receiver must have stored).
    pub acks_all: u64,
    /// … a NAK.
    pub naks: u64,
    /// … a DUH.
    pub duhs: u64,
    /// … another answer (see [`Kind::Other`]).
    pub other: u64,
    /// … no answer within the answer timeout.
    pub timeouts: u64,
    /// … no answer because the connection failed or was dropped after another frame's timeout.
    pub lost: u64,
    /// Measured frames due by the schedule (paced runs) that were never sent because the
    /// connection was still waiting or reconnecting when the window ended.
    pub unsent: u64,
    /// Latency from scheduled send to ACK, in µs.
    pub latency_us: Histogram<u64>,
    /// Successful TCP connects.
    pub connects: u64,
    /// Failed TCP connects (refused, timed out).
    pub connect_errors: u64,
    /// Connections closed or failed while in use (EOF, reset, write error).
    pub disconnects: u64,
    /// Connections dropped by us after an answer timeout.
    pub timeout_reconnects: u64,
    /// Answers that arrived when no frame was waiting.
    pub unsolicited: u64,
    /// Bytes outside `LF…CR` frames in the answer stream.
    pub garbage_bytes: u64,
    /// Frames sent again after their connection broke or timed out (resending runs).
    pub resent: u64,
    /// ACKs the journal could not record.
    pub journal_errors: u64,
    /// The first answer counted as other, for diagnosis.
    pub first_other: Option<String>,
    /// SCAIP: the receiver's `<mrs>` MESSAGEs echoing a `ref` it had answered `2xx`, `snu` 0.
    pub responses: u64,
    /// SCAIP: `<mrs>` MESSAGEs that did not (another `ref`, a second one, `snu` not 0,
    /// unreadable).
    pub bad_responses: u64,
    /// SCAIP: `2xx`-answered messages whose `<mrs>` never came.
    pub responses_missing: u64,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            sent: 0,
            acks: 0,
            acks_all: 0,
            naks: 0,
            duhs: 0,
            other: 0,
            timeouts: 0,
            lost: 0,
            unsent: 0,
            latency_us: new_histogram(),
            connects: 0,
            connect_errors: 0,
            disconnects: 0,
            timeout_reconnects: 0,
            unsolicited: 0,
            garbage_bytes: 0,
            resent: 0,
            journal_errors: 0,
            first_other: None,
            responses: 0,
            bad_responses: 0,
            responses_missing: 0,
        }
    }
}

impl Tally {
    /// Counts an answer of `kind`.
    pub fn answer(&mut self, kind: Kind, latency_us: u64, raw: &[u8]) {
        match kind {
            Kind::Ack => {
                self.acks += 1;
                self.latency_us.saturating_record(latency_us.max(1));
            }
            Kind::Nak => self.naks += 1,
            Kind::Duh => self.duhs += 1,
            Kind::Other => {
                self.other += 1;
                if self.first_other.is_none() {
                    let text = String::from_utf8_lossy(raw);
                    self.first_other = Some(text.escape_debug().take(200).collect());
                }
            }
        }
    }

    /// Adds another connection's counts.
    pub fn merge(&mut self, o: &Self) {
        self.sent += o.sent;
        self.acks += o.acks;
        self.acks_all += o.acks_all;
        self.naks += o.naks;
        self.duhs += o.duhs;
        self.other += o.other;
        self.timeouts += o.timeouts;
        self.lost += o.lost;
        self.unsent += o.unsent;
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.latency_us.add(&o.latency_us);
        self.connects += o.connects;
        self.connect_errors += o.connect_errors;
        self.disconnects += o.disconnects;
        self.timeout_reconnects += o.timeout_reconnects;
        self.unsolicited += o.unsolicited;
        self.garbage_bytes += o.garbage_bytes;
        self.resent += o.resent;
        self.journal_errors += o.journal_errors;
        if self.first_other.is_none() {
            self.first_other.clone_from(&o.first_other);
        }
        self.responses += o.responses;
        self.bad_responses += o.bad_responses;
        self.responses_missing += o.responses_missing;
    }

    /// Measured frames with an outcome: equals `sent` at the end of a run.
    #[must_use]
    pub fn resolved(&self) -> u64 {
        self.acks + self.naks + self.duhs + self.other + self.timeouts + self.lost
    }
}

/// Latency percentiles of ACKed frames, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    /// ACKed frames measured.
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p99_9_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Latency {
    fn of(h: &Histogram<u64>) -> Self {
        let ms = |us: u64| us as f64 / 1000.0;
        if h.is_empty() {
            return Self {
                count: 0,
                p50_ms: 0.0,
                p90_ms: 0.0,
                p99_ms: 0.0,
                p99_9_ms: 0.0,
                max_ms: 0.0,
                mean_ms: 0.0,
            };
        }
        Self {
            count: h.len(),
            p50_ms: ms(h.value_at_quantile(0.5)),
            p90_ms: ms(h.value_at_quantile(0.9)),
            p99_ms: ms(h.value_at_quantile(0.99)),
            p99_9_ms: ms(h.value_at_quantile(0.999)),
            max_ms: ms(h.max()),
            mean_ms: h.mean() / 1000.0,
        }
    }
}

/// The result of a run (`--json` prints it as one object).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// `dc09` or `scaip-tcp`.
    pub protocol: &'static str,
    pub target: String,
    pub connections: usize,
    pub pipeline: usize,
    /// Requested events/s over all connections; `None` for unlimited (closed loop).
    pub rate: Option<f64>,
    pub encrypted: bool,
    pub first_account: String,
    pub last_account: String,
    pub warmup_s: f64,
    pub duration_s: f64,
    /// ACKed events per second of the measured window.
    pub events_per_sec: f64,
    /// Frames sent per second of the measured window.
    pub sent_per_sec: f64,
    pub sent: u64,
    pub acks: u64,
    /// ACKs over the whole run, warm-up included: what the receiver must hold afterwards.
    pub acks_all: u64,
    pub naks: u64,
    pub duhs: u64,
    pub other: u64,
    pub timeouts: u64,
    pub lost: u64,
    pub unsent: u64,
    /// From the scheduled send time to the ACK (the actual send time when unlimited).
    pub latency: Latency,
    pub connects: u64,
    pub connect_errors: u64,
    pub disconnects: u64,
    pub timeout_reconnects: u64,
    pub unsolicited: u64,
    pub garbage_bytes: u64,
    pub resent: u64,
    pub journal_errors: u64,
    pub first_other: Option<String>,
    /// SCAIP only (0 for DC-09): see [`Tally`].
    pub responses: u64,
    pub bad_responses: u64,
    pub responses_missing: u64,
}

impl Report {
    /// Builds the report of a run from its merged tally; `measured` is the measured window
    /// (shorter than the configured duration when the run was stopped).
    #[must_use]
    pub fn new(
        cfg: &crate::LoadConfig,
        accounts: (&str, &str),
        measured: std::time::Duration,
        t: &Tally,
    ) -> Self {
        let secs = measured.as_secs_f64().max(f64::MIN_POSITIVE);
        Self {
            protocol: match cfg.protocol {
                crate::Protocol::Dc09 => "dc09",
                crate::Protocol::ScaipTcp => "scaip-tcp",
            },
            target: cfg
                .targets
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(","),
            connections: cfg.connections,
            pipeline: cfg.pipeline,
            rate: cfg.rate,
            encrypted: cfg.key.is_some(),
            first_account: accounts.0.to_owned(),
            last_account: accounts.1.to_owned(),
            warmup_s: cfg.warmup.as_secs_f64(),
            duration_s: measured.as_secs_f64(),
            events_per_sec: t.acks as f64 / secs,
            sent_per_sec: t.sent as f64 / secs,
            sent: t.sent,
            acks: t.acks,
            acks_all: t.acks_all,
            naks: t.naks,
            duhs: t.duhs,
            other: t.other,
            timeouts: t.timeouts,
            lost: t.lost,
            unsent: t.unsent,
            latency: Latency::of(&t.latency_us),
            connects: t.connects,
            connect_errors: t.connect_errors,
            disconnects: t.disconnects,
            timeout_reconnects: t.timeout_reconnects,
            unsolicited: t.unsolicited,
            garbage_bytes: t.garbage_bytes,
            resent: t.resent,
            journal_errors: t.journal_errors,
            first_other: t.first_other.clone(),
            responses: t.responses,
            bad_responses: t.bad_responses,
            responses_missing: t.responses_missing,
        }
    }

    /// Every measured frame has exactly one outcome.
    #[must_use]
    pub fn counts_add_up(&self) -> bool {
        self.sent == self.acks + self.naks + self.duhs + self.other + self.timeouts + self.lost
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rate = match self.rate {
            Some(r) => format!("{r} events/s (open loop)"),
            None => "unlimited (closed loop)".to_owned(),
        };
        writeln!(
            f,
            "{} {} connections to {} (accounts {}..{}, {}), pipeline {}, rate {}; {} s warmup, {} s measured",
            self.protocol,
            self.connections,
            self.target,
            self.first_account,
            self.last_account,
            if self.encrypted { "AES" } else { "clear" },
            self.pipeline,
            rate,
            self.warmup_s,
            self.duration_s
        )?;
        writeln!(
            f,
            "achieved: {:.1} events/s ACKed ({:.1} frames/s sent)",
            self.events_per_sec, self.sent_per_sec
        )?;
        writeln!(
            f,
            "frames sent {}: ACK {}, NAK {}, DUH {}, other {}, timeouts {}, lost {}{}",
            self.sent,
            self.acks,
            self.naks,
            self.duhs,
            self.other,
            self.timeouts,
            self.lost,
            if self.rate.is_some() {
                format!("; due but not sent (behind schedule) {}", self.unsent)
            } else {
                String::new()
            }
        )?;
        let l = &self.latency;
        writeln!(
            f,
            "latency {} -> ACK: p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, p99.9 {:.3} ms, max {:.3} ms (mean {:.3} ms, {} ACKs)",
            if self.rate.is_some() {
                "scheduled send"
            } else {
                "send"
            },
            l.p50_ms,
            l.p90_ms,
            l.p99_ms,
            l.p99_9_ms,
            l.max_ms,
            l.mean_ms,
            l.count
        )?;
        write!(
            f,
            "connections: {} connects, {} connect errors, {} closed by the peer or failed, {} dropped after a timeout; {} unsolicited answers, {} garbage bytes",
            self.connects,
            self.connect_errors,
            self.disconnects,
            self.timeout_reconnects,
            self.unsolicited,
            self.garbage_bytes
        )?;
        if self.resent > 0 || self.journal_errors > 0 {
            write!(
                f,
                "\nresent after a broken connection or a timeout: {}; ACKs the journal failed to record: {}",
                self.resent, self.journal_errors
            )?;
        }
        if self.protocol != "dc09" {
            write!(
                f,
                "\n<mrs> MESSAGEs: {} echoing a 2xx-answered ref with snu 0, {} not, {} missing",
                self.responses, self.bad_responses, self.responses_missing
            )?;
        }
        if let Some(o) = &self.first_other {
            write!(f, "\nfirst answer counted as other: \"{o}\"")?;
        }
        Ok(())
    }
}
