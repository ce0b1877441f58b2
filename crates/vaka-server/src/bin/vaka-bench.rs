//! Helpers for the benchmarks in `docs/PERFORMANCE.md` (not part of a deployment):
//!
//! - `vaka-bench fill-audit --database URL --count N` appends N audit entries, in large
//!   transactions, to give `vaka audit verify` a realistic log to check.

use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use vaka_domain::access::Role;
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::clock::{Clock, SystemClock};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_server::config::Config;

#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Append synthetic audit entries.
    FillAudit {
        #[arg(long)]
        database: String,
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        #[arg(long, default_value_t = 10_000)]
        batch: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::FillAudit {
            database,
            count,
            batch,
        } => {
            let cfg = Config {
                database_url: Some(database),
                ..Config::default()
            };
            let store = vaka_server::store::open(&cfg).await?;
            let clock = SystemClock;
            let users: Vec<(UserId, String)> = (0..200)
                .map(|i| (UserId::new(), format!("user{i:03}")))
                .collect();
            let org = OrganisationId::new();
            let unit = UnitId::new();
            let clients: Vec<ClientId> = (0..5000).map(|_| ClientId::new()).collect();
            let started = Instant::now();
            let mut done = 0u64;
            while done < count {
                let mut tx = store.begin().await?;
                let n = batch.min(count - done);
                let mut entries = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
                for i in 0..n {
                    let k = usize::try_from(done + i).unwrap_or(0);
                    let (uid, name) = &users[k % users.len()];
                    let mut e = NewAuditEntry::new(
                        clock.now(),
                        Actor {
                            user_id: Some(*uid),
                            username: Some(name.clone()),
                            role: Some(Role::CareStaff),
                            organisation_id: Some(org),
                            unit_id: Some(unit),
                            credential: Some("token:bench".into()),
                        },
                        if k % 3 == 0 {
                            AuditAction::ClientsListed
                        } else {
                            AuditAction::ClientRead
                        },
                        Outcome::Success,
                    );
                    e.client_id = (k % 3 != 0).then(|| clients[k % clients.len()]);
                    e.care_context = Some("client_list".into());
                    e.request_id = Some(format!("bench-{k}"));
                    e.source_ip = Some("127.0.0.1".into());
                    e.details = Some("{\"results\":20,\"searched\":false}".into());
                    entries.push(e);
                }
                tx.append_audit_batch(&entries).await.context("append")?;
                tx.commit().await?;
                done += n;
                eprint!("\r{done}/{count} entries");
            }
            eprintln!(
                "\nappended {count} entries in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            store.close().await;
            Ok(())
        }
    }
}
