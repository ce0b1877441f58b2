//! `vaka-alarm-bench`: a load generator for SIA DC-09 receivers over TCP. See the library's
//! docs (`src/lib.rs`) for what it measures.
//!
//! ```text
//! vaka-alarm-bench --target 127.0.0.1:7100 --connections 64 --accounts-from 0x2000 \
//!     [--key-hex HEX | --key-ascii TEXT] [--rate EVENTS_PER_SEC] [--pipeline K] \
//!     --duration 20s --warmup 3s [--json] [--accounts-file PATH]
//! vaka-alarm-bench --target node1:7100,node2:7100,node3:7100 --accounts 1001,1002 \
//!     --resend --journal acked.txt --duration 10m   # a cluster drill: stops on SIGTERM
//! vaka-alarm-bench --protocol scaip --target 127.0.0.1:5060 --connections 64 ...
//! vaka-alarm-bench --print-accounts 64 --accounts-from 0x2000
//! ```

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use vaka_alarm_bench::frames::DEFAULT_EVENT;
use vaka_alarm_bench::load::MAX_PIPELINE;
use vaka_alarm_bench::{LoadConfig, Protocol, accounts, parse_account_base, parse_duration};
use vaka_sia_dc09::{Key, KeyStyle};

#[derive(Parser)]
#[command(
    name = "vaka-alarm-bench",
    about = "Load generator for SIA DC-09 (and SCAIP over SIP/TCP) receivers: kept-open connections, one account each, ACK/NAK/DUH counts and latency percentiles"
)]
struct Cli {
    /// The receiver (host:port), or several separated by commas: connection i starts at the
    /// (i mod n)th and moves on to the next when its connection breaks, cannot connect or gets
    /// no answer in time (primary and backup receivers).
    #[arg(long, required_unless_present = "print_accounts")]
    target: Option<String>,
    /// `dc09`, or `scaip` (SCAIP `<mrq>` in SIP MESSAGEs over TCP, the account as the
    /// controller id; the key, receiver, line and event options do not apply).
    #[arg(long, default_value = "dc09", value_parser = ["dc09", "scaip"])]
    protocol: String,
    /// Kept-open connections, one DC-09 account each.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..))]
    connections: u32,
    /// First account (hex, `0x` optional); connection i uses `{:04X}` of FROM + i.
    #[arg(long, default_value = "0x2000", value_parser = parse_account_base)]
    accounts_from: u64,
    /// The accounts, separated by commas, instead of --accounts-from: connection i uses the
    /// i-th (there must be at least as many as connections).
    #[arg(long, value_delimiter = ',', conflicts_with = "accounts_from")]
    accounts: Option<Vec<String>>,
    /// Send again, on the next connection, the frames a broken connection or an answer
    /// timeout left without an answer (same sequence number and data), until the run ends
    /// (DC-09 only).
    #[arg(long)]
    resend: bool,
    /// Append `ACCOUNT SEQ DATA` for every ACKed frame to this file (DC-09 only).
    #[arg(long)]
    journal: Option<PathBuf>,
    /// AES key as 32/48/64 hex digits (AES-128/192/256): frames are encrypted.
    #[arg(
        long,
        env = "VAKA_BENCH_KEY_HEX",
        hide_env_values = true,
        conflicts_with = "key_ascii"
    )]
    key_hex: Option<String>,
    /// AES key as 16/24/32 characters used as bytes (pysiaalarm and Ajax style).
    #[arg(long, env = "VAKA_BENCH_KEY_ASCII", hide_env_values = true)]
    key_ascii: Option<String>,
    /// Events per second over all connections (open loop, each connection R/C per second);
    /// unlimited when left out (closed loop).
    #[arg(long)]
    rate: Option<f64>,
    /// Frames each connection keeps waiting for an answer (1: send, wait, send next).
    #[arg(long, default_value_t = 1)]
    pipeline: usize,
    /// Measured time (`20s`, `1m`, `500ms`, or seconds).
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    duration: Duration,
    /// Time before measuring.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    warmup: Duration,
    /// An answer later than this counts as a timeout; the connection reconnects.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    answer_timeout: Duration,
    /// Receiver number sent after `R` (hex digits; empty: no `R`). pysiaalarm needs an `R`:
    /// without one it answers `"ACK"0001NoneL0…`.
    #[arg(long, default_value = "0")]
    receiver: String,
    /// Line (account prefix) sent after `L` (hex digits).
    #[arg(long, default_value = "0")]
    line: String,
    /// SIA DC-03 event text after the `N` (`ri1/MA001`: personal alarm, zone 1).
    #[arg(long, default_value = DEFAULT_EVENT)]
    event: String,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Write the accounts used, one a line, to this file (to provision the receiver).
    #[arg(long)]
    accounts_file: Option<PathBuf>,
    /// Print N accounts from --accounts-from, one a line, and exit.
    #[arg(long, value_name = "N")]
    print_accounts: Option<usize>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(n) = cli.print_accounts {
        let mut out = std::io::stdout().lock();
        for a in accounts(cli.accounts_from, n)? {
            writeln!(out, "{a}")?;
        }
        return Ok(());
    }
    let connections = usize::try_from(cli.connections)?;
    if !(1..=MAX_PIPELINE).contains(&cli.pipeline) {
        bail!("--pipeline must be 1..={MAX_PIPELINE}");
    }
    let list = match &cli.accounts {
        Some(given) => {
            if given.len() < connections {
                bail!(
                    "--accounts names {} accounts for {connections} connections",
                    given.len()
                );
            }
            given[..connections].to_vec()
        }
        None => accounts(cli.accounts_from, connections)?,
    };
    if let Some(path) = &cli.accounts_file {
        let mut text = list.join("\n");
        text.push('\n');
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    }
    let key = match (&cli.key_hex, &cli.key_ascii) {
        (Some(k), _) => Some(Key::parse(k, KeyStyle::Hex).context("--key-hex")?),
        (None, Some(k)) => Some(Key::parse(k, KeyStyle::Ascii).context("--key-ascii")?),
        (None, None) => None,
    };
    let target = cli.target.unwrap_or_default();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("a tokio runtime")?;
    let report = rt.block_on(async {
        let mut targets = Vec::new();
        for t in target.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            targets.push(
                tokio::net::lookup_host(t)
                    .await
                    .with_context(|| format!("resolving {t}"))?
                    .next()
                    .with_context(|| format!("{t} resolves to no address"))?,
            );
        }
        let cfg = LoadConfig {
            targets,
            connections,
            accounts: cli.accounts.is_some().then_some(list),
            accounts_from: cli.accounts_from,
            key,
            rate: cli.rate,
            pipeline: cli.pipeline,
            warmup: cli.warmup,
            duration: cli.duration,
            answer_timeout: cli.answer_timeout,
            receiver: (!cli.receiver.is_empty()).then_some(cli.receiver),
            line: Some(cli.line),
            event: cli.event,
            protocol: if cli.protocol == "scaip" {
                Protocol::ScaipTcp
            } else {
                Protocol::Dc09
            },
            resend: cli.resend,
            journal: cli.journal,
        };
        // SIGTERM or Ctrl-C ends the run early, with its report.
        let stop = async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
            match term.as_mut() {
                Ok(term) => {
                    tokio::select! {
                        _ = term.recv() => {}
                        _ = tokio::signal::ctrl_c() => {}
                    }
                }
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        };
        vaka_alarm_bench::run_until(&cfg, stop).await
    })?;
    if cli.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("{report}");
    }
    Ok(())
}
