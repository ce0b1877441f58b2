//! A load generator for SIA DC-09 receivers (`vaka-alarm-bench`), usable against any receiver
//! that speaks DC-09 over TCP: Vaka's own, pysiaalarm, a commercial alarm-receiving centre.
//!
//! Each of `C` kept-open connections plays one device with its own account (`{:04X}` of
//! `base + i`), sends SIA-DCS personal-alarm events (`Nri1/MA001` by default) with a fresh
//! timestamp, clear or AES-encrypted, sequence numbers 1..=9999 wrapping to 1, and keeps up to
//! `K` frames waiting for an answer. Answers are deframed and parsed with `vaka-sia-dc09` and
//! counted as ACK, NAK, DUH or other; a frame without an answer after the answer timeout
//! counts as a timeout and its connection reconnects.
//!
//! Pacing: unlimited (closed loop: send as soon as fewer than `K` frames wait) or `R` events/s
//! spread over the connections (open loop: each connection has a fixed schedule of `R/C` per
//! second; latency is measured from the *scheduled* send time, so a receiver that stalls a
//! connection is charged for the frames that queued behind the stall — no coordinated
//! omission).
//!
//! Several receivers (primary and backups, as DC-09 allows a device): connection `i` starts
//! at receiver `i mod n` and moves on to the next one when its connection breaks, cannot
//! connect or gets no answer in time. With `resend`, the frames a broken connection left
//! unanswered are sent again on the next one (same sequence number and data, fresh
//! timestamp), as a dialler does; with a journal, every ACK is written down as
//! `ACCOUNT SEQ DATA`, so that a cluster drill can check each acknowledged event was stored
//! once. A run can be stopped early ([`run_until`]; the binary stops on SIGTERM or Ctrl-C).
//!
//! Measurement: frames *scheduled* in the window `[warmup, warmup + duration)` are measured;
//! each gets exactly one outcome (ACK, NAK, DUH, other, timeout, or lost when its connection
//! failed), so `sent = ack + nak + duh + other + timeouts + lost`. After the window no new
//! frame is sent and the measured ones still waiting are given until the answer timeout.

pub mod answer;
pub mod frames;
pub mod load;
pub mod report;
pub mod scaip;

use std::time::Duration;

use anyhow::{Context, bail};

pub use load::{LoadConfig, Protocol, run, run_until};
pub use report::Report;

/// The account of connection `index` when accounts start at `base`: uppercase hex, at least
/// four digits (pysiaalarm wants 3–16 hex digits; DC-09 allows 1–16).
///
/// # Errors
/// When `base + index` does not fit in 16 hex digits.
pub fn account(base: u64, index: usize) -> anyhow::Result<String> {
    let n = u64::try_from(index)
        .ok()
        .and_then(|i| base.checked_add(i))
        .with_context(|| format!("account {base:#X} + {index} is above 16 hex digits"))?;
    Ok(format!("{n:04X}"))
}

/// The first `count` accounts from `base`.
///
/// # Errors
/// When the last one does not fit in 16 hex digits.
pub fn accounts(base: u64, count: usize) -> anyhow::Result<Vec<String>> {
    (0..count).map(|i| account(base, i)).collect()
}

/// An account base: hex, with or without `0x` (`0x2000`, `2000`, `1A2B`).
///
/// # Errors
/// When the text is not 1–16 hex digits.
pub fn parse_account_base(text: &str) -> anyhow::Result<u64> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("expected 1-16 hex digits (optionally with 0x), got {text:?}");
    }
    u64::from_str_radix(digits, 16).with_context(|| format!("bad account base {text:?}"))
}

/// A duration: `20s`, `500ms`, `1m 30s`, `PT20S` (jiff's friendly and ISO 8601 forms), or a
/// bare number of seconds (`20`, `0.5`).
///
/// # Errors
/// When the text is none of those, or negative.
pub fn parse_duration(text: &str) -> anyhow::Result<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).with_context(|| format!("bad duration {text:?}"));
    }
    let d: jiff::SignedDuration = text
        .parse()
        .with_context(|| format!("bad duration {text:?} (try 20s, 500ms, 1m)"))?;
    Duration::try_from(d).with_context(|| format!("negative duration {text:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_uppercase_hex_of_at_least_four_digits() {
        assert_eq!(accounts(0x2000, 3).unwrap(), ["2000", "2001", "2002"]);
        assert_eq!(account(0, 10).unwrap(), "000A");
        assert_eq!(account(0xABCDE, 1).unwrap(), "ABCDF");
        assert_eq!(account(u64::MAX, 0).unwrap(), "FFFFFFFFFFFFFFFF");
        assert!(account(u64::MAX, 1).is_err());
        // pysiaalarm: 3-16 hex digits.
        for a in accounts(0, 20).unwrap() {
            assert!((3..=16).contains(&a.len()));
        }
    }

    #[test]
    fn account_bases() {
        assert_eq!(parse_account_base("0x2000").unwrap(), 0x2000);
        assert_eq!(parse_account_base("2000").unwrap(), 0x2000);
        assert_eq!(parse_account_base("0Xab").unwrap(), 0xAB);
        assert!(parse_account_base("0x").is_err());
        assert!(parse_account_base("12G").is_err());
        assert!(parse_account_base("11112222333344445").is_err());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s").unwrap(), Duration::from_secs(20));
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("1m 30s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("PT3S").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert_eq!(parse_duration("0.25").unwrap(), Duration::from_millis(250));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("soon").is_err());
    }
}
