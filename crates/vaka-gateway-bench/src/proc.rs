//! What `/proc` says of a process (Linux): CPU time and resident memory.

use std::time::Duration;

/// The gateway under measurement, named the same way on every benchmark's command line.
#[derive(clap::Args)]
pub struct GatewayArgs {
    /// The gateway's address (host:port).
    #[arg(long)]
    pub server: String,
    /// The gateway's process id, to read its CPU time and memory from `/proc`.
    #[arg(long)]
    pub gateway_pid: u32,
    /// Clock ticks per second (`getconf CLK_TCK`).
    #[arg(long, default_value_t = 100)]
    pub clk_tck: u64,
}

/// CPU time (user + system) of a process from `/proc/<pid>/stat`, in clock ticks.
pub fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3, `state`;
    // `utime` and `stime` are fields 14 and 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|s| s.parse().unwrap_or(0))
        .collect();
    f.get(11).copied().unwrap_or(0) + f.get(12).copied().unwrap_or(0)
}

/// CPU time of a process's live threads from `/proc/<pid>/task/*/schedstat`, in nanoseconds
/// (finer than clock ticks; threads that ended are not counted).
pub fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// `VmRSS` and `VmHWM` (peak RSS) of a process, in KiB.
pub fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A point in a process's life, to measure CPU over a window.
#[derive(Clone, Copy)]
pub struct CpuMark {
    ticks: u64,
    ns: u64,
    at: std::time::Instant,
}

impl CpuMark {
    pub fn now(pid: u32) -> Self {
        Self {
            ticks: cpu_ticks(pid),
            ns: cpu_ns(pid),
            at: std::time::Instant::now(),
        }
    }

    /// CPU used since `self`: (from ticks, from schedstat) and the wall time.
    pub fn since(&self, pid: u32, clk_tck: u64) -> (Duration, Duration, Duration) {
        let now = Self::now(pid);
        let ticks = now.ticks.saturating_sub(self.ticks);
        (
            Duration::from_nanos(ticks * 1_000_000_000 / clk_tck.max(1)),
            Duration::from_nanos(now.ns.saturating_sub(self.ns)),
            now.at - self.at,
        )
    }
}

/// The gateway's `/stats` line (plain HTTP/1.0 over TCP: no client library needed).
pub async fn gateway_stats(addr: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
        return "unreachable".into();
    };
    let req = format!("GET /stats HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    if s.write_all(req.as_bytes()).await.is_err() {
        return "unreachable".into();
    }
    let mut body = String::new();
    let _ = s.read_to_string(&mut body).await;
    body.split_once("\r\n\r\n")
        .map_or(body.clone(), |(_, b)| b.trim().to_owned())
}

/// Percent of one core.
pub fn percent(cpu: Duration, wall: Duration) -> f64 {
    100.0 * cpu.as_secs_f64() / wall.as_secs_f64().max(1e-9)
}
