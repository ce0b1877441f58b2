//! Helpers for the benchmarks in `docs/PERFORMANCE.md` (not part of a deployment):
//!
//! - `vaka-bench fill-audit --database URL --count N` appends N audit entries, in large
//!   transactions, to give `vaka audit verify` a realistic log to check.
//! - `vaka-bench import-clients [--database URL] --count N` times the CSV import of N clients
//!   (one file, one transaction, one audit entry each) through the service, on a fresh database
//!   (by default a new SQLite file in a temporary directory).
//! - `vaka-bench search-clients [--database URL] --count N --searches S` fills N clients by that
//!   import, then times S client searches (name prefixes and personnummer) through the service
//!   as a municipal needs assessor, audit entries included, and prints percentiles.
//! - `vaka-bench sync-visits [--database URL] --clients N --phones P` gives N clients (six
//!   units) a home-care decision and a visit plan, then syncs P staff-app outboxes of 500 visits
//!   each (a start and an end record per visit, 1,000 records) through the service as the
//!   units' care workers, one after the other, and prints the time of each sync and the records
//!   stored per second; then syncs the first outbox again (every record a duplicate).
//! - `vaka-bench provision-alarms --database URL --count N --base 0x2000 [--key-hex HEX]`
//!   gives a fresh database N safety-alarm clients, each with an alarm unit whose DC-09 account
//!   is `{:04X}` of base + i, taken through the device lifecycle to `active`: the accounts
//!   `vaka-alarm-bench --accounts-from 0x2000 --connections N` sends from (`scripts/bench
//!   alarms`). With `--scaip` the units get the same digits as their SCAIP controller id
//!   instead (`vaka-alarm-bench --protocol scaip`).
//! - `vaka-bench unlock [--database URL] --concurrency 200 --requests 20` times unlock
//!   decisions through the service (the rule over the caller's grounds, the grant written and
//!   its audit entry committed; the lock taken as online): a night patrol on its shift opens a
//!   client's lock from `concurrency` tasks at once, `requests` times each, and prints
//!   percentiles.
//! - `vaka-bench signing-list [--database URL] --clients 200 --concurrency 8 --requests 50`
//!   prescribes each client of one unit a task at six times of the day (every other occasion
//!   of the morning signed) and times the unit's signing list through the service as its
//!   manager (every client shown audited), from `concurrency` tasks at once, with percentiles.
//! - `vaka-bench missed-signings [--database URL] --prescriptions 16667 --runs 7` gives the
//!   clients of six units `prescriptions` prescribed tasks at six times of one day (100,000
//!   occasions), signs every other occasion, and times the missed-signing scan late that
//!   evening: first the scan that calls the nurse and the unit manager for each of the 50,000
//!   missed occasions at once, then `runs` scans that find them all called (what the job does
//!   every 30 s), with min/median/max.
//! - `vaka-bench log-review [--database URL] --entries 10000000 --months 60` imports 6,000
//!   clients in six units with ten care workers each, appends `entries` access entries spread
//!   evenly over the `months` before December 2026 (each worker reading mostly their own
//!   unit's clients; a few flagged protected or emergency), then times the job that makes
//!   November's review of every unit (the candidates read along the log's time index, the
//!   rules, the sample, the review written), unit by unit.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};
use vaka_domain::access::{Credential, Principal, Role};
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::clock::{Clock, SystemClock};
use vaka_domain::directory::{Organisation, OrganisationKind, ProviderKind, UnitKind};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_server::config::Config;
use vaka_service::admin::CliAccount;
use vaka_service::directory::{NewUnitInput, RoleInput};
use vaka_service::registry::import::ImportMode;
use vaka_service::{Ctx, RequestMeta, ServiceConfig, Services};
use vaka_store::Store;

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
    /// Time the CSV import of clients (on a fresh database).
    ImportClients {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        count: u64,
    },
    /// Fill clients with decisions, consents and plans (3 times each), then time planning one
    /// night, and planning it again.
    PlanNight {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 100_000)]
        clients: u64,
    },
    /// Fill clients by import, then time client searches.
    SearchClients {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 250_000)]
        count: u64,
        #[arg(long, default_value_t = 2_000)]
        searches: u64,
    },
    /// Time unlock decisions with their audit entries, many at once.
    Unlock {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 200)]
        concurrency: usize,
        /// Unlocks each concurrent task asks for, one after the other.
        #[arg(long, default_value_t = 20)]
        requests: usize,
    },
    /// Prescribe tasks, sign half their occasions, and time the missed-signing scan.
    MissedSignings {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        /// Prescriptions of six times each (16,667: 100,002 occasions).
        #[arg(long, default_value_t = 16_667)]
        prescriptions: u64,
        /// Timed scans after the first.
        #[arg(long, default_value_t = 7)]
        runs: usize,
    },
    /// Prescribe a unit's clients six times a day and time its signing list, many at once.
    SigningList {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        /// Clients of the unit, each with one prescription of six times.
        #[arg(long, default_value_t = 200)]
        clients: u64,
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Lists each concurrent task asks for, one after the other.
        #[arg(long, default_value_t = 50)]
        requests: usize,
    },
    /// Fill the audit log with a few years of access entries and time the monthly log review.
    LogReview {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 10_000_000)]
        entries: u64,
        /// Months of history the entries spread over (the last one is November 2026).
        #[arg(long, default_value_t = 60)]
        months: u64,
    },
    /// Give clients home care and time the staff app's outbox sync.
    SyncVisits {
        /// A fresh database; by default a new SQLite file in a temporary directory.
        #[arg(long)]
        database: Option<String>,
        #[arg(long, default_value_t = 3_000)]
        clients: u64,
        /// How many outboxes of 500 visits to sync.
        #[arg(long, default_value_t = 20)]
        phones: u64,
    },
    /// Provision safety-alarm clients with active alarm units, one DC-09 account each, for
    /// `vaka-alarm-bench`.
    ProvisionAlarms {
        /// A fresh database (migrated here).
        #[arg(long)]
        database: String,
        #[arg(long, default_value_t = 64)]
        count: u64,
        /// The first account, in hex (`0x2000` or `2000`); unit i has `{:04X}` of base + i.
        #[arg(long, default_value = "0x2000", value_parser = parse_hex)]
        base: u64,
        /// The units' AES key as 32/48/64 hex digits (the same for all); when left out, the
        /// units are marked clear (unencrypted DC-09) explicitly.
        #[arg(long, conflicts_with = "scaip")]
        key_hex: Option<String>,
        /// SCAIP units instead: the same `{:04X}` as the controller id (`scaip_cid`), no
        /// DC-09 account and no digest password (`vaka-alarm-bench --protocol scaip`).
        #[arg(long)]
        scaip: bool,
    },
}

/// A number in hex, with or without `0x`.
fn parse_hex(text: &str) -> Result<u64, String> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    u64::from_str_radix(digits, 16).map_err(|e| format!("expected hex digits: {e}"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // RUST_LOG=vaka_service=debug shows where planning a night spends its time.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
    match Cli::parse().command {
        Command::ImportClients { database, count } => {
            let bench = Bench::open(database).await?;
            let file = client_csv(count);
            eprintln!("generated {count} rows ({:.1} MB)", mb(file.len()));
            let took = bench.import(&file).await?;
            println!(
                "imported {count} clients in {:.2} s ({:.0} rows/s) on {}",
                took.as_secs_f64(),
                count as f64 / took.as_secs_f64(),
                bench.store.backend().name()
            );
            bench.close().await;
            Ok(())
        }
        Command::Unlock {
            database,
            concurrency,
            requests,
        } => {
            // At night, so that the night patrol's shift is the ground.
            let clock = vaka_domain::clock::ManualClock::new(
                "2026-12-03T22:00:00Z".parse().context("a time")?,
            );
            let bench = Bench::open_with_clock(database, Arc::new(clock)).await?;
            bench.unlocks(concurrency, requests).await?;
            bench.close().await;
            Ok(())
        }
        Command::MissedSignings {
            database,
            prescriptions,
            runs,
        } => {
            // Late in the evening of the day: every occasion's window has closed.
            let clock = vaka_domain::clock::ManualClock::new(
                "2026-12-03T22:30:00Z".parse().context("a time")?,
            );
            let bench = Bench::open_with_clock(database, Arc::new(clock)).await?;
            bench.missed_signings(prescriptions, runs).await?;
            bench.close().await;
            Ok(())
        }
        Command::LogReview {
            database,
            entries,
            months,
        } => {
            // 2 December: November is over and its reviews are due.
            let clock = vaka_domain::clock::ManualClock::new(
                "2026-12-02T06:00:00Z".parse().context("a time")?,
            );
            let bench = Bench::open_with_clock(database, Arc::new(clock)).await?;
            bench.log_review(entries, months).await?;
            bench.close().await;
            Ok(())
        }
        Command::SigningList {
            database,
            clients,
            concurrency,
            requests,
        } => {
            // Early afternoon: the list holds signed, missed, open and upcoming occasions.
            let clock = vaka_domain::clock::ManualClock::new(
                "2026-12-03T12:30:00Z".parse().context("a time")?,
            );
            let bench = Bench::open_with_clock(database, Arc::new(clock)).await?;
            bench.signing_list(clients, concurrency, requests).await?;
            bench.close().await;
            Ok(())
        }
        Command::PlanNight { database, clients } => {
            let bench = Bench::open(database).await?;
            let took = bench.import(&client_csv(clients)).await?;
            eprintln!("imported {clients} clients in {:.1} s", took.as_secs_f64());
            let started = Instant::now();
            bench.supervise_all(clients).await?;
            eprintln!(
                "gave each a decision, consent and plan in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            let night = bench.services.today();
            for run in ["first", "again"] {
                let started = Instant::now();
                let r = bench.services.plan_night(night).await?;
                println!(
                    "planned the night ({run}): {} clients, {} tasks ({} new) in {:.2} s on {}",
                    r.clients,
                    r.tasks,
                    r.added,
                    started.elapsed().as_secs_f64(),
                    bench.store.backend().name()
                );
            }
            bench.close().await;
            Ok(())
        }
        Command::SearchClients {
            database,
            count,
            searches,
        } => {
            let bench = Bench::open(database).await?;
            let file = client_csv(count);
            let took = bench.import(&file).await?;
            println!(
                "filled {count} clients by import in {:.2} s on {}",
                took.as_secs_f64(),
                bench.store.backend().name()
            );
            bench.search(count, searches).await?;
            bench.close().await;
            Ok(())
        }
        Command::SyncVisits {
            database,
            clients,
            phones,
        } => {
            let bench = Bench::open(database).await?;
            bench.import(&client_csv(clients)).await?;
            bench.sync_visits(clients, phones).await?;
            bench.close().await;
            Ok(())
        }
        Command::ProvisionAlarms {
            database,
            count,
            base,
            key_hex,
            scaip,
        } => {
            let bench = Bench::open(Some(database)).await?;
            let started = Instant::now();
            let accounts = bench
                .provision_alarms(count, base, key_hex.as_deref(), scaip)
                .await?;
            println!(
                "provisioned {count} active alarm units (accounts {}..{}, {}) in {:.1} s on {}",
                accounts.first().map_or("-", String::as_str),
                accounts.last().map_or("-", String::as_str),
                match (scaip, key_hex.is_some()) {
                    (true, _) => "SCAIP controller ids",
                    (false, true) => "DC-09, AES",
                    (false, false) => "DC-09, clear",
                },
                started.elapsed().as_secs_f64(),
                bench.store.backend().name()
            );
            bench.close().await;
            Ok(())
        }
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
                let tx = store.begin().await?;
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
                tx.commit(&entries).await.context("append")?;
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

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// A small deterministic generator (xorshift), so that runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const FIRST: &[&str] = &[
    "Anna",
    "Astrid",
    "Birgitta",
    "Britt",
    "Elsa",
    "Eva",
    "Gun",
    "Ingrid",
    "Karin",
    "Kerstin",
    "Lena",
    "Margareta",
    "Maj",
    "Märta",
    "Siv",
    "Solveig",
    "Ulla",
    "Åsa",
    "Agnes",
    "Dagny",
    "Anders",
    "Arne",
    "Bengt",
    "Bertil",
    "Bo",
    "Erik",
    "Gunnar",
    "Göran",
    "Gösta",
    "Hans",
    "Harald",
    "Ingvar",
    "Karl",
    "Kjell",
    "Lars",
    "Lennart",
    "Nils",
    "Olof",
    "Rolf",
    "Sven",
    "Stig",
    "Tage",
    "Torsten",
    "Åke",
    "Östen",
    "Yngve",
    "Valter",
    "Folke",
    "Einar",
    "Holger",
];
const LAST: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Axelsson",
    "Berg",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Wikström",
    "Samuelsson",
    "Isaksson",
];
const PROVIDERS: [(&str, [&str; 3]); 2] = [
    ("Hemtjänst Norr", ["Norr 1", "Norr 2", "Norr natt"]),
    ("Omsorg Syd AB", ["Syd 1", "Syd 2", "Syd 3"]),
];

/// The `i`-th of a run of distinct, valid personnummer (born 1920–1949).
fn personnummer(i: u64) -> String {
    let birth = i % 999 + 1;
    let rest = i / 999;
    let day = rest % 28 + 1;
    let month = (rest / 28) % 12 + 1;
    let year = 1920 + (rest / (28 * 12)) % 30;
    let nine = format!("{:02}{month:02}{day:02}{birth:03}", year % 100);
    let digits: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
    let check = vaka_domain::validate::luhn_check_digit(&digits);
    format!("{year}{month:02}{day:02}-{birth:03}{check}")
}

fn name(i: u64) -> String {
    let mut r = Rng(i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let first = FIRST[usize::try_from(r.below(FIRST.len() as u64)).unwrap_or(0)];
    let last = LAST[usize::try_from(r.below(LAST.len() as u64)).unwrap_or(0)];
    format!("{first} {last}")
}

/// A client file as a municipality's old system might export it: `;`-separated, every client
/// with an address and a unit, every other one with a contact.
fn client_csv(count: u64) -> String {
    let mut out = String::with_capacity(usize::try_from(count).unwrap_or(0) * 170);
    out.push_str(
        "identity;name;address_street;address_postcode;address_city;phone;provider;unit;\
         area_type;key_access;contact1_name;contact1_relation;contact1_phone\n",
    );
    for i in 0..count {
        let (provider, units) = PROVIDERS[usize::try_from(i % 2).unwrap_or(0)];
        let unit = units[usize::try_from((i / 2) % 3).unwrap_or(0)];
        let _ = write!(
            out,
            "{};{};Storgatan {};{} {:02};Köping;070-{:03} {:02} {:02};{provider};{unit};town;key_box;",
            personnummer(i),
            name(i),
            i % 200 + 1,
            731 + i % 9,
            i % 100,
            i % 1000,
            (i / 7) % 100,
            (i / 3) % 100,
        );
        if i % 2 == 0 {
            let _ = writeln!(
                out,
                "Anhörig {};child;070-555 {:02} {:02}",
                name(i + 1),
                i % 100,
                (i / 100) % 100
            );
        } else {
            out.push_str(";;\n");
        }
    }
    out
}

/// A user of `organisation` with one role (in `unit`, if given), acting from the command line.
async fn bench_user(
    services: &Services,
    username: &str,
    role: Role,
    organisation: OrganisationId,
    unit: Option<UnitId>,
) -> anyhow::Result<Principal> {
    let (account, _) = services
        .cli_create_user(CliAccount {
            username: username.into(),
            display_name: format!("Bench {username}"),
            email: format!("{username}@bench.se"),
            hsa_id: None,
            organisation_id: organisation,
            roles: vec![RoleInput {
                role,
                organisation_id: organisation,
                unit_id: unit,
            }],
            password: Some("a bench password of some length".into()),
            totp_secret: None,
        })
        .await?;
    Ok(services.principal_for(account.id, Credential::Cli).await?)
}

/// A fresh database with a municipality, two providers with three units each, an
/// administrator who imports and a needs assessor who searches.
struct Bench {
    store: Arc<dyn Store>,
    services: Services,
    admin: Principal,
    assessor: Principal,
    /// The providers' units, with their provider.
    units: Vec<(OrganisationId, UnitId)>,
    /// A temporary directory to remove at the end.
    tmp: Option<std::path::PathBuf>,
}

impl Bench {
    async fn open(database: Option<String>) -> anyhow::Result<Self> {
        Self::open_with_clock(database, Arc::new(SystemClock)).await
    }

    async fn open_with_clock(
        database: Option<String>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Self> {
        let (url, tmp) = if let Some(url) = database {
            (url, None)
        } else {
            let dir = std::env::temp_dir().join(format!("vaka-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir)?;
            (
                format!("sqlite://{}", dir.join("vaka.db").display()),
                Some(dir),
            )
        };
        // The settings of the environment apply (VAKA_SQLITE_DURABILITY,
        // VAKA_SQLITE_WAL_RESTART_MIB), as they would to the server.
        let cfg = Config {
            database_url: Some(url),
            ..Config::load(None)?
        };
        let store = vaka_server::store::open(&cfg).await?;
        let services = Services::new(store.clone(), clock, ServiceConfig::default());
        let now = vaka_store::values::to_db_precision(services.now());
        let org = |kind, pk, name: &str| Organisation {
            id: OrganisationId::new(),
            kind,
            provider_kind: pk,
            name: name.into(),
            org_number: None,
            active: true,
            created_at: now,
        };
        let m = org(OrganisationKind::Municipality, None, "Benchkommun");
        services
            .cli_create_organisation(m.clone())
            .await
            .context("the database must be fresh")?;
        let admin = bench_user(&services, "bench.admin", Role::SystemAdmin, m.id, None).await?;
        let assessor =
            bench_user(&services, "bench.assessor", Role::NeedsAssessor, m.id, None).await?;
        let meta = RequestMeta::default();
        let ctx = Ctx::new(&admin, &meta);
        let mut unit_ids = Vec::new();
        for (i, (name, units)) in PROVIDERS.iter().enumerate() {
            let kind = if i == 0 {
                ProviderKind::InHouse
            } else {
                ProviderKind::Private
            };
            let p = org(OrganisationKind::Provider, Some(kind), name);
            services.cli_create_organisation(p.clone()).await?;
            for u in units {
                let unit = services
                    .create_unit(
                        &ctx,
                        NewUnitInput {
                            organisation_id: p.id,
                            name: (*u).into(),
                            kind: UnitKind::HomeCare,
                        },
                    )
                    .await?;
                unit_ids.push((p.id, unit.id));
            }
        }
        // An alarm centre covers every unit: an alarm unit goes only to a client whose unit an
        // alarm centre covers.
        let centre = org(OrganisationKind::AlarmCentre, None, "Benchlarm AB");
        services.cli_create_organisation(centre.clone()).await?;
        let operators = services
            .create_unit(
                &ctx,
                NewUnitInput {
                    organisation_id: centre.id,
                    name: "Operatörer".into(),
                    kind: UnitKind::AlarmOperators,
                },
            )
            .await?;
        services
            .set_unit_coverage(&ctx, operators.id, unit_ids.iter().map(|u| u.1).collect())
            .await?;
        Ok(Self {
            store,
            services,
            admin,
            assessor,
            units: unit_ids,
            tmp,
        })
    }

    /// Gives `count` clients of the first unit a safety alarm the way a municipality does: the
    /// needs assessor decides (simplified) and records consent, the unit manager accepts the
    /// order, the administrator registers an alarm unit with the DC-09 account `{:04X}` of
    /// `base + i` (and the key, if any) and takes it through assign, install, test and
    /// activate. Checks that the receiver's directory then lists every account; returns them.
    /// A client with an active lock in the first unit, a night patrol covering that unit and
    /// one of its staff; then `concurrency` tasks each ask `requests` unlocks one after another.
    async fn unlocks(&self, concurrency: usize, requests: usize) -> anyhow::Result<()> {
        use vaka_domain::client::{AreaType, KeyAccess};
        use vaka_domain::device::{DeviceKind, DeviceStep};
        use vaka_domain::personnummer::IdentityKind;
        use vaka_service::keys::UnlockInput;
        use vaka_service::registry::clients::ClientInput;
        use vaka_service::registry::devices::{DeviceInput, DeviceStepInput, TestSeen};

        let (provider, unit) = *self.units.first().context("no unit")?;
        let meta = RequestMeta::default();
        let admin = Ctx::new(&self.admin, &meta);
        let patrol_unit = self
            .services
            .create_unit(
                &admin,
                NewUnitInput {
                    organisation_id: provider,
                    name: "Nattpatrullen".into(),
                    kind: UnitKind::NightPatrol,
                },
            )
            .await?
            .id;
        self.services
            .set_unit_coverage(&admin, patrol_unit, vec![unit])
            .await?;
        let patrol = bench_user(
            &self.services,
            "bench.patrol",
            Role::NightPatrol,
            provider,
            Some(patrol_unit),
        )
        .await?;
        let client = self
            .services
            .create_client(
                &Ctx::new(&self.assessor, &meta),
                ClientInput {
                    identity_kind: Some(IdentityKind::Personnummer),
                    identity: personnummer(1),
                    name: name(1),
                    address_street: Some("Storgatan 1".into()),
                    address_postcode: Some("731 30".into()),
                    address_city: Some("Köping".into()),
                    phone: None,
                    provider_id: Some(provider),
                    unit_id: Some(unit),
                    protection: None,
                    area_type: Some(AreaType::Town),
                    key_access: Some(KeyAccess::DigitalLock),
                    key_note: None,
                    contacts: Vec::new(),
                },
            )
            .await?;
        let lock = self
            .services
            .register_device(
                &admin,
                DeviceInput {
                    kind: DeviceKind::Lock,
                    serial: "LK-BENCH".into(),
                    model: "Bench Lock".into(),
                    firmware: None,
                    dc09_account: None,
                    dc09_key: None,
                    dc09_key_style: None,
                    scaip_cid: None,
                    scaip_password: None,
                },
            )
            .await?
            .device
            .id;
        for step in [
            DeviceStep::Assign,
            DeviceStep::Install,
            DeviceStep::PassTest,
            DeviceStep::Activate,
        ] {
            self.services
                .device_step(
                    &admin,
                    lock,
                    DeviceStepInput {
                        step,
                        client_id: (step == DeviceStep::Assign).then_some(client.id),
                        note: None,
                    },
                    TestSeen::Fixture,
                )
                .await?;
        }
        // Warm up (connections, statement caches).
        for _ in 0..20 {
            self.services
                .unlock(
                    &Ctx::new(&patrol, &meta),
                    lock,
                    UnlockInput::default(),
                    &|_| true,
                )
                .await?;
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let services = self.services.clone();
            let patrol = patrol.clone();
            tasks.push(tokio::spawn(async move {
                let meta = RequestMeta::default();
                let ctx = Ctx::new(&patrol, &meta);
                let mut took = Vec::with_capacity(requests);
                for _ in 0..requests {
                    let t = Instant::now();
                    let r = services
                        .unlock(&ctx, lock, UnlockInput::default(), &|_| true)
                        .await;
                    took.push((t.elapsed(), r.is_ok()));
                }
                took
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await?);
        }
        let wall = started.elapsed();
        let refused = all.iter().filter(|(_, ok)| !ok).count();
        let mut ms: Vec<f64> = all.iter().map(|(d, _)| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        // The q-th quantile by rank (`q` in per mille).
        let at = |q: usize| {
            let i = (ms.len().saturating_sub(1) * q).div_ceil(1000);
            ms.get(i).copied().unwrap_or(0.0)
        };
        println!(
            "{} unlocks ({refused} refused) from {concurrency} concurrent tasks in {:.2} s ({:.0}/s) on {}: p50 {:.2} ms  p90 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            all.len(),
            wall.as_secs_f64(),
            all.len() as f64 / wall.as_secs_f64(),
            self.store.backend().name(),
            at(500),
            at(900),
            at(990),
            at(1000)
        );
        Ok(())
    }

    async fn provision_alarms(
        &self,
        count: u64,
        base: u64,
        key_hex: Option<&str>,
        scaip: bool,
    ) -> anyhow::Result<Vec<String>> {
        use vaka_domain::client::{AreaType, KeyAccess};
        use vaka_domain::consent::{GivenBy, InformedHow};
        use vaka_domain::decision::{Law, ServiceKind};
        use vaka_domain::device::{Dc09KeyStyle, DeviceKind, DeviceStatus, DeviceStep};
        use vaka_domain::personnummer::IdentityKind;
        use vaka_service::registry::care::ConsentInput;
        use vaka_service::registry::clients::ClientInput;
        use vaka_service::registry::decisions::DecisionInput;
        use vaka_service::registry::devices::{DeviceInput, DeviceStepInput};

        let (provider, unit) = *self.units.first().context("no unit")?;
        let manager = bench_user(
            &self.services,
            "bench.unitmanager",
            Role::UnitManager,
            provider,
            Some(unit),
        )
        .await?;
        let meta = RequestMeta::default();
        let (admin, assessor, manager) = (
            Ctx::new(&self.admin, &meta),
            Ctx::new(&self.assessor, &meta),
            Ctx::new(&manager, &meta),
        );
        let today = self.services.today();
        let mut accounts = Vec::new();
        for i in 0..count {
            let account = base
                .checked_add(i)
                .map(|n| format!("{n:04X}"))
                .context("account above 16 hex digits")?;
            let client = self
                .services
                .create_client(
                    &assessor,
                    ClientInput {
                        identity_kind: Some(IdentityKind::Personnummer),
                        identity: personnummer(i),
                        name: name(i),
                        address_street: Some(format!("Storgatan {}", i % 200 + 1)),
                        address_postcode: Some(format!("{} {:02}", 731 + i % 9, i % 100)),
                        address_city: Some("Köping".into()),
                        phone: Some(format!("070-{:03} {:02} {:02}", i % 1000, i % 100, 7)),
                        provider_id: Some(provider),
                        unit_id: Some(unit),
                        protection: None,
                        area_type: Some(AreaType::Town),
                        key_access: Some(KeyAccess::KeyBox),
                        key_note: None,
                        contacts: Vec::new(),
                    },
                )
                .await
                .with_context(|| format!("client {i}"))?;
            let decided = self
                .services
                .record_decision(
                    &assessor,
                    client.id,
                    DecisionInput {
                        law: Law::Sol,
                        simplified: true,
                        service: ServiceKind::SafetyAlarm,
                        supervision_mode: None,
                        times: None,
                        decided_on: Some(today),
                        valid_from: today,
                        valid_to: None,
                        tasks: Vec::new(),
                    },
                )
                .await
                .with_context(|| format!("decision for client {i}"))?;
            self.services
                .record_consent(
                    &assessor,
                    client.id,
                    ConsentInput {
                        service: ServiceKind::SafetyAlarm,
                        informed_by: "Bench Handläggare".into(),
                        informed_on: today,
                        informed_how: InformedHow::InPerson,
                        given_by: GivenBy::Client,
                        representative_name: None,
                        given_on: today,
                        reconfirm_by: None,
                    },
                )
                .await
                .with_context(|| format!("consent for client {i}"))?;
            let order = decided
                .order
                .context("a safety-alarm decision makes an order")?;
            self.services.accept_order(&manager, order.id).await?;
            let device = self
                .services
                .register_device(
                    &admin,
                    DeviceInput {
                        kind: DeviceKind::AlarmUnit,
                        serial: format!("TA-B{account}"),
                        model: "Trygghetslarm IP 4G".into(),
                        firmware: Some("2.4.1".into()),
                        dc09_account: (!scaip).then(|| account.clone()),
                        dc09_key: key_hex.map(str::to_owned),
                        // Without a key the bench's DC-09 units are marked clear explicitly.
                        dc09_key_style: match (scaip, key_hex.is_some()) {
                            (true, _) => None,
                            (false, true) => Some(Dc09KeyStyle::Hex),
                            (false, false) => Some(Dc09KeyStyle::Clear),
                        },
                        scaip_cid: scaip.then(|| account.clone()),
                        scaip_password: None,
                    },
                )
                .await
                .with_context(|| format!("alarm unit {account}"))?
                .device;
            let mut status = device.status;
            for step in [
                DeviceStep::Assign,
                DeviceStep::Install,
                DeviceStep::PassTest,
                DeviceStep::Activate,
            ] {
                status = self
                    .services
                    .device_step(
                        &admin,
                        device.id,
                        DeviceStepInput {
                            step,
                            client_id: (step == DeviceStep::Assign).then_some(client.id),
                            note: None,
                        },
                        vaka_service::registry::devices::TestSeen::Fixture,
                    )
                    .await
                    .with_context(|| format!("{} of alarm unit {account}", step.code()))?
                    .status;
            }
            anyhow::ensure!(
                status == DeviceStatus::Active,
                "alarm unit {account} ended {}",
                status.code()
            );
            accounts.push(account);
        }
        // What the receiver will load at start.
        let listed: std::collections::HashSet<String> = if scaip {
            self.services
                .scaip_directory()
                .await?
                .into_iter()
                .map(|u| u.cid)
                .collect()
        } else {
            vaka_server::alarm_intake::directory_entries(&self.services)
                .await?
                .into_iter()
                .map(|(a, _)| a)
                .collect()
        };
        let missing: Vec<&String> = accounts.iter().filter(|a| !listed.contains(*a)).collect();
        anyhow::ensure!(
            missing.is_empty(),
            "the receiver's directory lacks {} accounts, e.g. {:?}",
            missing.len(),
            missing.first()
        );
        Ok(accounts)
    }

    /// Gives every client a night-supervision decision, a consent and a plan with three times.
    async fn supervise_all(&self, count: u64) -> anyhow::Result<()> {
        use vaka_domain::consent::{Consent, GivenBy, InformedHow};
        use vaka_domain::decision::{Decision, Law, ServiceKind, SupervisionMode};
        use vaka_domain::ids::{ConsentId, DecisionId};
        use vaka_domain::plan::SupervisionPlan;
        let now = vaka_store::values::to_db_precision(self.services.now());
        let today = self.services.today();
        let times = vec![
            jiff::civil::time(22, 30, 0, 0),
            jiff::civil::time(1, 30, 0, 0),
            jiff::civil::time(4, 30, 0, 0),
        ];
        let mut tx = self.store.begin().await?;
        let clients = tx
            .list_clients_in_reach(
                self.admin.user_id,
                &vaka_store::ClientQuery {
                    search: None,
                    searched: false,
                    limit: i64::try_from(count).unwrap_or(i64::MAX),
                    offset: 0,
                },
            )
            .await?;
        for c in clients {
            tx.insert_decision(&Decision {
                id: DecisionId::new(),
                client_id: c.id,
                law: Law::Sol,
                simplified: false,
                service: ServiceKind::NightSupervision,
                supervision_mode: Some(SupervisionMode::Camera),
                times: times.clone(),
                decided_on: today,
                valid_from: today,
                valid_to: None,
                decided_by: self.assessor.user_id,
                ended_on: None,
                created_at: now,
            })
            .await?;
            tx.insert_consent(&Consent {
                id: ConsentId::new(),
                client_id: c.id,
                service: ServiceKind::NightSupervision,
                informed_by: "Bench".into(),
                informed_on: today,
                informed_how: InformedHow::InPerson,
                given_by: GivenBy::Client,
                representative_name: None,
                given_on: today,
                reconfirm_by: today.checked_add(jiff::Span::new().years(1))?,
                withdrawn_on: None,
                withdrawal_note: None,
                recorded_by: self.assessor.user_id,
                recorded_at: now,
            })
            .await?;
            tx.upsert_plan(&SupervisionPlan {
                client_id: c.id,
                mode: SupervisionMode::Camera,
                times: times.clone(),
                recheck_delay_minutes: None,
                escalation: None,
                response_target_minutes: None,
                updated_by: self.assessor.user_id,
                updated_at: now,
            })
            .await?;
        }
        tx.commit(&[]).await?;
        Ok(())
    }

    /// Gives every client a home-care decision and a daily plan (directly in the store), makes
    /// a care worker per unit, then syncs `phones` outboxes of 500 visits (start and end) each,
    /// timed, and the first once more.
    async fn sync_visits(&self, count: u64, phones: u64) -> anyhow::Result<()> {
        use std::collections::BTreeMap;
        use vaka_domain::decision::{Decision, Law, ServiceKind};
        use vaka_domain::homecare::plan::{VisitPlan, parse_weekdays};
        use vaka_domain::homecare::visit::{ManualReason, VisitKind};
        use vaka_domain::homecare::{CareTask, GrantPeriod, GrantedTask};
        use vaka_domain::ids::{DecisionId, VisitId, VisitPlanId, VisitRecordId};
        use vaka_service::homecare::sync::{RecordKind, SyncBatch, SyncItem, SyncRecord};
        let now = vaka_store::values::to_db_precision(self.services.now());
        let today = self.services.today();
        let started = Instant::now();
        let mut tx = self.store.begin().await?;
        let clients = tx
            .list_clients_in_reach(
                self.admin.user_id,
                &vaka_store::ClientQuery {
                    search: None,
                    searched: false,
                    limit: i64::try_from(count).unwrap_or(i64::MAX),
                    offset: 0,
                },
            )
            .await?;
        let mut by_unit: BTreeMap<UnitId, Vec<(ClientId, VisitPlanId)>> = BTreeMap::new();
        let every_day = parse_weekdays("weekdays", "mon tue wed thu fri sat sun")?;
        for c in clients {
            let Some(unit) = c.unit_id else { continue };
            let decision = Decision {
                id: DecisionId::new(),
                client_id: c.id,
                law: Law::Sol,
                simplified: false,
                service: ServiceKind::HomeCare,
                supervision_mode: None,
                times: vec![],
                decided_on: today,
                valid_from: today.yesterday()?,
                valid_to: None,
                decided_by: self.assessor.user_id,
                ended_on: None,
                created_at: now,
            };
            tx.insert_decision(&decision).await?;
            tx.set_decision_tasks(
                decision.id,
                &[GrantedTask {
                    task: CareTask::PersonalCare,
                    minutes: 420,
                    per: GrantPeriod::Week,
                }],
            )
            .await?;
            let plan = VisitPlan {
                id: VisitPlanId::new(),
                client_id: c.id,
                decision_id: decision.id,
                unit_id: unit,
                weekdays: every_day.clone(),
                from: jiff::civil::time(0, 0, 0, 0),
                to: jiff::civil::time(23, 59, 0, 0),
                tasks: vec![CareTask::PersonalCare],
                expected_minutes: 30,
                valid_from: decision.valid_from,
                valid_to: None,
                created_by: self.assessor.user_id,
                created_at: now,
                ended_on: None,
            };
            tx.insert_visit_plan(&plan).await?;
            by_unit.entry(unit).or_default().push((c.id, plan.id));
        }
        tx.commit(&[]).await?;
        let mut workers = Vec::new();
        for (i, (unit, clients)) in by_unit.iter().enumerate() {
            let provider = self
                .units
                .iter()
                .find(|u| u.1 == *unit)
                .map(|u| u.0)
                .context("unit")?;
            let p = bench_user(
                &self.services,
                &format!("bench.carer{i}"),
                Role::CareStaff,
                provider,
                Some(*unit),
            )
            .await?;
            workers.push((p, clients.clone()));
        }
        eprintln!(
            "gave the clients home care in {:.1} s ({} units)",
            started.elapsed().as_secs_f64(),
            workers.len()
        );
        let meta = RequestMeta::default();
        let outbox = |clients: &[(ClientId, VisitPlanId)], phone: u64| -> SyncBatch {
            let base = self.services.now() - jiff::SignedDuration::from_mins(20);
            let mut items = Vec::with_capacity(1000);
            for (k, (client, plan)) in clients.iter().cycle().take(500).enumerate() {
                let visit = VisitId::new();
                let k = i64::try_from(k).unwrap_or(0);
                let at = base + jiff::SignedDuration::from_secs(k);
                for (seq, kind, t) in [
                    (2 * k, RecordKind::VisitStart, at),
                    (
                        2 * k + 1,
                        RecordKind::VisitEnd,
                        at + jiff::SignedDuration::from_mins(10),
                    ),
                ] {
                    items.push(SyncItem::Record(SyncRecord {
                        id: VisitRecordId::new(),
                        seq,
                        kind,
                        visit_id: visit,
                        device_time: t,
                        client_id: *client,
                        plan_id: Some(*plan),
                        date: Some(today),
                        visit_kind: Some(VisitKind::Planned),
                        tag: None,
                        manual_reason: Some(ManualReason::NoNfcPhone),
                        tasks: (kind == RecordKind::VisitEnd).then(|| vec![CareTask::PersonalCare]),
                        note: None,
                        signing: None,
                    }));
                }
            }
            SyncBatch {
                device: format!("bench-phone-{phone}"),
                sent_at: None,
                items,
            }
        };
        let mut total = Duration::ZERO;
        let mut records = 0usize;
        let mut times = Vec::new();
        let mut first = None;
        for phone in 0..phones {
            let (worker, clients) = &workers[usize::try_from(phone).unwrap_or(0) % workers.len()];
            let batch = outbox(clients, phone);
            if first.is_none() {
                first = Some((
                    batch.clone(),
                    usize::try_from(phone).unwrap_or(0) % workers.len(),
                ));
            }
            let ctx = Ctx::new(worker, &meta);
            let started = Instant::now();
            let results = self.services.sync_visits(&ctx, batch).await?;
            let took = started.elapsed();
            let stored = results
                .iter()
                .filter(|r| r.status == vaka_service::homecare::sync::RecordStatus::Stored)
                .count();
            anyhow::ensure!(stored == 1000, "only {stored} of 1000 records stored");
            total += took;
            records += stored;
            times.push(took.as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        println!(
            "synced {phones} outboxes of 500 visits (1,000 records each) on {}: median {:.3} s, \
             slowest {:.3} s; {:.0} records/s stored",
            self.store.backend().name(),
            times.get(times.len() / 2).copied().unwrap_or_default(),
            times.last().copied().unwrap_or_default(),
            records as f64 / total.as_secs_f64()
        );
        if let Some((batch, w)) = first {
            let ctx = Ctx::new(&workers[w].0, &meta);
            let started = Instant::now();
            let results = self.services.sync_visits(&ctx, batch).await?;
            let dup = results
                .iter()
                .filter(|r| r.status == vaka_service::homecare::sync::RecordStatus::Duplicate)
                .count();
            println!(
                "the first outbox again: {dup} duplicates in {:.3} s",
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }

    /// Imports the file in one request and returns how long the service took.
    async fn import(&self, file: &str) -> anyhow::Result<Duration> {
        let meta = RequestMeta::default();
        let started = Instant::now();
        let report = self
            .services
            .import_clients(
                &Ctx::new(&self.admin, &meta),
                file.as_bytes(),
                None,
                ImportMode::All,
            )
            .await?;
        let took = started.elapsed();
        anyhow::ensure!(
            report.accepted(),
            "the import was rejected: {:?}",
            report.problems.iter().take(5).collect::<Vec<_>>()
        );
        Ok(took)
    }

    /// Times searches by name prefix and by personnummer, alternately.
    async fn search(&self, count: u64, searches: u64) -> anyhow::Result<()> {
        let meta = RequestMeta::default();
        let ctx = Ctx::new(&self.assessor, &meta);
        let mut rng = Rng(0x5EED_1234_ABCD_0001);
        let mut by_name = Vec::new();
        let mut by_number = Vec::new();
        let mut found = 0usize;
        for s in 0..searches {
            let i = rng.below(count);
            let q = match s % 4 {
                // A first name's beginning ("ing"): thousands of matches, 20 shown.
                0 => name(i).chars().take(3).collect::<String>(),
                // First name and the beginning of the last ("karin lind").
                1 => {
                    let n = name(i);
                    let (first, last) = n.split_once(' ').unwrap_or((&n, ""));
                    format!("{first} {}", last.chars().take(4).collect::<String>())
                }
                // A whole personnummer, as typed with a dash.
                2 => personnummer(i),
                // A date of birth ("19350105"): up to 999 matches.
                _ => personnummer(i).chars().take(8).collect(),
            };
            let started = Instant::now();
            let hits = self.services.list_clients(&ctx, Some(&q), 20).await?;
            let took = started.elapsed();
            found += hits.len();
            if s % 4 < 2 {
                by_name.push(took);
            } else {
                by_number.push(took);
            }
        }
        anyhow::ensure!(found > 0, "the searches found nothing");
        let all: Vec<Duration> = by_name.iter().chain(&by_number).copied().collect();
        for (label, mut v) in [
            ("name prefix", by_name),
            ("personnummer", by_number),
            ("all", all),
        ] {
            v.sort();
            let pct = |p: f64| {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "p in 0..=1: an index into the list"
                )]
                let k = ((v.len() as f64 - 1.0) * p).round() as usize;
                v.get(k).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
            };
            println!(
                "{label:>13}: {} searches  p50 {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
                v.len(),
                pct(0.50),
                pct(0.95),
                pct(0.99),
                pct(1.0)
            );
        }
        Ok(())
    }

    /// Clients in the six units (five prescriptions each), a nurse who prescribes, a manager
    /// per unit, a care worker who signs every other occasion; then the scans.
    /// A unit of `clients` clients, each prescribed one task at six times of the day with
    /// every other occasion signed; `concurrency` tasks of its manager each read the unit's
    /// signing list `requests` times (the audit entries of every client shown included).
    async fn signing_list(
        &self,
        clients: u64,
        concurrency: usize,
        requests: usize,
    ) -> anyhow::Result<()> {
        use jiff::civil::{date, time};
        use vaka_domain::delegation::signing::SignedTarget;
        use vaka_domain::delegation::{
            CompetenceCheck, CompetenceMethod, Delegation, DelegationTerms, OccasionKey,
            Prescription, PrescriptionTerms, Scope, Signing, SigningDraft, SigningOutcome,
            SigningWindow, TaskTypeCode, Validity, default_task_types,
        };
        use vaka_domain::ids::{DelegationId, PrescriptionId, SigningId};

        let day = date(2026, 12, 3);
        let times = [
            time(8, 0, 0, 0),
            time(10, 0, 0, 0),
            time(12, 0, 0, 0),
            time(14, 0, 0, 0),
            time(17, 0, 0, 0),
            time(20, 0, 0, 0),
        ];
        // Six units take the clients in turn: six times as many give the unit its count.
        self.import(&client_csv(clients * 6)).await?;
        let (provider, _) = *self.units.first().context("no unit")?;
        let mut tx = self.store.begin().await?;
        for t in default_task_types() {
            tx.upsert_task_type(&t).await?;
        }
        let summaries = tx
            .list_clients_in_reach(
                self.admin.user_id,
                &vaka_store::ClientQuery {
                    search: None,
                    searched: false,
                    limit: i64::try_from(clients * 6).unwrap_or(i64::MAX),
                    offset: 0,
                },
            )
            .await?;
        tx.commit(&[]).await?;
        let unit = summaries
            .iter()
            .find(|c| c.provider_id == Some(provider))
            .and_then(|c| c.unit_id)
            .context("a client of the first provider")?;
        let ids: Vec<ClientId> = summaries
            .iter()
            .filter(|c| c.unit_id == Some(unit))
            .map(|c| c.id)
            .collect();
        let nurse = bench_user(&self.services, "bench.nurse", Role::Nurse, provider, None).await?;
        let worker = bench_user(
            &self.services,
            "bench.worker",
            Role::CareStaff,
            provider,
            Some(unit),
        )
        .await?;
        let manager = bench_user(
            &self.services,
            "bench.manager",
            Role::UnitManager,
            provider,
            Some(unit),
        )
        .await?;
        let delegation = Delegation {
            id: DelegationId::new(),
            terms: DelegationTerms {
                task_type: TaskTypeCode::parse("medication").map_err(|e| anyhow::anyhow!("{e}"))?,
                delegator: nurse.user_id,
                recipient: worker.user_id,
                unit_id: unit,
                scope: Scope::WholeUnit,
                validity: Validity::Period {
                    from: date(2026, 12, 1),
                    to: date(2027, 5, 31),
                },
                competence: Some(CompetenceCheck {
                    methods: vec![CompetenceMethod::Teaching],
                    checked_on: date(2026, 12, 1),
                    note: None,
                }),
            },
            decided_at: "2026-12-01T09:00:00Z".parse()?,
            delegator_signed_at: Some("2026-12-01T09:00:00Z".parse()?),
            recipient_signed_at: Some("2026-12-01T09:00:00Z".parse()?),
            events: vec![],
        };
        let mut tx = self.store.begin().await?;
        tx.insert_delegation(&delegation).await?;
        let mut n = 0u64;
        for (i, client) in ids.iter().enumerate() {
            let p = Prescription {
                id: PrescriptionId::new(),
                client_id: *client,
                prescribed_by: nurse.user_id,
                terms: PrescriptionTerms {
                    task_type: TaskTypeCode::parse("medication")
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                    instruction: format!("Ordination {i}"),
                    times: times.to_vec(),
                    as_needed: false,
                    start: date(2026, 12, 1),
                    end: None,
                    window: SigningWindow::default(),
                },
                created_at: "2026-12-01T12:00:00Z".parse()?,
                ended_on: None,
            };
            tx.insert_prescription(&p).await?;
            for t in times {
                n += 1;
                if n.is_multiple_of(2) && t < time(13, 0, 0, 0) {
                    tx.insert_signing(&Signing {
                        id: SigningId::new(),
                        target: SignedTarget::Occasion(OccasionKey {
                            prescription_id: p.id,
                            date: day,
                            time: t,
                        }),
                        client_id: *client,
                        signer: worker.user_id,
                        delegation_id: delegation.id,
                        draft: SigningDraft {
                            outcome: SigningOutcome::Given,
                            not_given_reason: None,
                            note: None,
                        },
                        outcome: SigningOutcome::Given,
                        late: false,
                        flagged: false,
                        signed_at: "2026-12-03T11:00:00Z".parse()?,
                        received_at: "2026-12-03T11:00:00Z".parse()?,
                        effect_note: None,
                        effect_noted_at: None,
                    })
                    .await?;
                }
            }
        }
        tx.commit(&[]).await?;
        let expected = ids.len() * times.len();
        let meta = RequestMeta::default();
        // Warm up (connections, statement caches).
        for _ in 0..5 {
            let l = self
                .services
                .unit_signing_list(&Ctx::new(&manager, &meta), unit, day)
                .await?;
            anyhow::ensure!(l.lines.len() == expected, "{} lines", l.lines.len());
        }
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let services = self.services.clone();
            let manager = manager.clone();
            tasks.push(tokio::spawn(async move {
                let meta = RequestMeta::default();
                let ctx = Ctx::new(&manager, &meta);
                let mut took = Vec::with_capacity(requests);
                for _ in 0..requests {
                    let t = Instant::now();
                    let r = services.unit_signing_list(&ctx, unit, day).await;
                    took.push((t.elapsed(), r.map_or(0, |l| l.lines.len())));
                }
                took
            }));
        }
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await?);
        }
        let wall = started.elapsed();
        let short = all.iter().filter(|(_, lines)| *lines != expected).count();
        anyhow::ensure!(short == 0, "{short} lists without all {expected} occasions");
        let mut ms: Vec<f64> = all.iter().map(|(d, _)| d.as_secs_f64() * 1e3).collect();
        ms.sort_by(f64::total_cmp);
        let at = |q: usize| {
            let i = (ms.len().saturating_sub(1) * q).div_ceil(1000);
            ms.get(i).copied().unwrap_or(0.0)
        };
        println!(
            "{} signing lists of {} clients × {} occasions ({expected} lines, {} audit entries each) from {concurrency} concurrent tasks in {:.2} s on {}: p50 {:.1} ms  p90 {:.1} ms  p99 {:.1} ms  max {:.1} ms",
            all.len(),
            ids.len(),
            times.len(),
            ids.len(),
            wall.as_secs_f64(),
            self.store.backend().name(),
            at(500),
            at(900),
            at(990),
            at(1000)
        );
        Ok(())
    }

    async fn missed_signings(&self, prescriptions: u64, runs: usize) -> anyhow::Result<()> {
        use jiff::civil::{date, time};
        use vaka_domain::delegation::signing::SignedTarget;
        use vaka_domain::delegation::{
            CompetenceCheck, CompetenceMethod, Delegation, DelegationTerms, OccasionKey,
            Prescription, PrescriptionTerms, Scope, Signing, SigningDraft, SigningOutcome,
            SigningWindow, TaskTypeCode, Validity, default_task_types,
        };
        use vaka_domain::ids::{DelegationId, PrescriptionId, SigningId};

        const PER_CLIENT: u64 = 5;
        const CHUNK: usize = 2_000;
        let day = date(2026, 12, 3);
        let times = [
            time(7, 0, 0, 0),
            time(9, 0, 0, 0),
            time(12, 0, 0, 0),
            time(15, 0, 0, 0),
            time(18, 0, 0, 0),
            time(20, 0, 0, 0),
        ];
        let started = Instant::now();
        let clients = prescriptions.div_ceil(PER_CLIENT);
        self.import(&client_csv(clients)).await?;
        let (provider, first_unit) = *self.units.first().context("no unit")?;
        let nurse = bench_user(&self.services, "bench.nurse", Role::Nurse, provider, None).await?;
        let worker = bench_user(
            &self.services,
            "bench.worker",
            Role::CareStaff,
            provider,
            Some(first_unit),
        )
        .await?;
        for (i, (org, unit)) in self.units.iter().enumerate() {
            bench_user(
                &self.services,
                &format!("bench.manager{i}"),
                Role::UnitManager,
                *org,
                Some(*unit),
            )
            .await?;
        }
        let mut tx = self.store.begin().await?;
        for t in default_task_types() {
            tx.upsert_task_type(&t).await?;
        }
        let client_ids: Vec<ClientId> = tx
            .list_clients_in_reach(
                self.admin.user_id,
                &vaka_store::ClientQuery {
                    search: None,
                    searched: false,
                    limit: i64::try_from(clients).unwrap_or(i64::MAX),
                    offset: 0,
                },
            )
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        // The signings' delegation (its rules are not what is timed here).
        let delegation = Delegation {
            id: DelegationId::new(),
            terms: DelegationTerms {
                task_type: TaskTypeCode::parse("medication").map_err(|e| anyhow::anyhow!("{e}"))?,
                delegator: nurse.user_id,
                recipient: worker.user_id,
                unit_id: first_unit,
                scope: Scope::WholeUnit,
                validity: Validity::Period {
                    from: date(2026, 12, 1),
                    to: date(2027, 5, 31),
                },
                competence: Some(CompetenceCheck {
                    methods: vec![CompetenceMethod::Teaching],
                    checked_on: date(2026, 12, 1),
                    note: None,
                }),
            },
            decided_at: "2026-12-01T09:00:00Z".parse()?,
            delegator_signed_at: Some("2026-12-01T09:00:00Z".parse()?),
            recipient_signed_at: Some("2026-12-01T09:00:00Z".parse()?),
            events: vec![],
        };
        tx.insert_delegation(&delegation).await?;
        tx.commit(&[]).await?;
        let codes = [
            "medication",
            "insulin",
            "eye_drops",
            "wound_care",
            "compression_stockings",
        ];
        let mut all = Vec::new();
        for i in 0..prescriptions {
            let client = client_ids[usize::try_from(i / PER_CLIENT)?];
            let code = codes[usize::try_from(i % PER_CLIENT)?];
            all.push(Prescription {
                id: PrescriptionId::new(),
                client_id: client,
                prescribed_by: nurse.user_id,
                terms: PrescriptionTerms {
                    task_type: TaskTypeCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?,
                    instruction: format!("Ordination {i}"),
                    times: times.to_vec(),
                    as_needed: false,
                    start: day,
                    end: Some(day),
                    window: SigningWindow::default(),
                },
                created_at: "2026-12-01T12:00:00Z".parse()?,
                ended_on: None,
            });
        }
        let mut signings = Vec::new();
        let mut n = 0u64;
        for p in &all {
            for t in times {
                n += 1;
                if n.is_multiple_of(2) {
                    signings.push(Signing {
                        id: SigningId::new(),
                        target: SignedTarget::Occasion(OccasionKey {
                            prescription_id: p.id,
                            date: day,
                            time: t,
                        }),
                        client_id: p.client_id,
                        signer: worker.user_id,
                        delegation_id: delegation.id,
                        draft: SigningDraft {
                            outcome: SigningOutcome::Given,
                            not_given_reason: None,
                            note: None,
                        },
                        outcome: SigningOutcome::Given,
                        late: false,
                        flagged: false,
                        signed_at: "2026-12-03T10:00:00Z".parse()?,
                        received_at: "2026-12-03T10:00:00Z".parse()?,
                        effect_note: None,
                        effect_noted_at: None,
                    });
                }
            }
        }
        for chunk in all.chunks(CHUNK) {
            let mut tx = self.store.begin().await?;
            for p in chunk {
                tx.insert_prescription(p).await?;
            }
            tx.commit(&[]).await?;
        }
        for chunk in signings.chunks(CHUNK) {
            let mut tx = self.store.begin().await?;
            for s in chunk {
                tx.insert_signing(s).await?;
            }
            tx.commit(&[]).await?;
        }
        eprintln!(
            "{} prescriptions ({} occasions, {} signed) for {} clients in {:.1} s",
            all.len(),
            n,
            signings.len(),
            client_ids.len(),
            started.elapsed().as_secs_f64()
        );
        let backend = self.store.backend().name();
        let started = Instant::now();
        let first = self.services.scan_missed_signings().await?;
        println!(
            "first scan: {} missed, {} calls recorded and audited in {:.2} s on {backend}",
            first.missed,
            first.calls.len(),
            started.elapsed().as_secs_f64()
        );
        let mut took = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let r = self.services.scan_missed_signings().await?;
            took.push(started.elapsed());
            anyhow::ensure!(r.calls.is_empty() && r.missed == first.missed, "{r:?}");
        }
        took.sort();
        let ms = |d: Option<&Duration>| d.map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        println!(
            "scan, all called before: {} runs over {} occasions ({} missed): min {:.0} ms  median {:.0} ms  max {:.0} ms on {backend}",
            took.len(),
            n,
            first.missed,
            ms(took.first()),
            ms(took.get(took.len() / 2)),
            ms(took.last())
        );
        Ok(())
    }

    /// Fills the log with `entries` access entries over `months` months, then times the monthly
    /// log review of every unit (see the module docs).
    async fn log_review(&self, entries: u64, months: u64) -> anyhow::Result<()> {
        self.import(&client_csv(6_000)).await?;
        let meta = RequestMeta::default();
        let admin = Ctx::new(&self.admin, &meta);
        let mut clients: std::collections::HashMap<UnitId, Vec<ClientId>> =
            std::collections::HashMap::new();
        let mut offset = 0;
        loop {
            let page = self
                .services
                .list_clients_page(&admin, None, offset, 500)
                .await?;
            if page.items.is_empty() {
                break;
            }
            offset += i64::try_from(page.items.len()).unwrap_or(500);
            for c in page.items {
                if let Some(u) = c.unit_id {
                    clients.entry(u).or_default().push(c.id);
                }
            }
        }
        let mut workers = Vec::new();
        for (i, (org, unit)) in self.units.iter().enumerate() {
            for k in 0..10 {
                let p = bench_user(
                    &self.services,
                    &format!("bench.w{i}.{k}"),
                    Role::CareStaff,
                    *org,
                    Some(*unit),
                )
                .await?;
                workers.push((p.user_id, p.username.clone(), *org, *unit));
            }
        }
        let end: jiff::Timestamp = "2026-12-01T00:00:00+01:00".parse().context("a time")?;
        let span_us = i64::try_from(months).unwrap_or(60) * 30 * 24 * 3_600 * 1_000_000;
        let start = end
            .checked_sub(jiff::SignedDuration::from_micros(span_us))
            .context("a start")?;
        let step = span_us / i64::try_from(entries.max(1)).unwrap_or(1);
        let all: Vec<ClientId> = clients.values().flatten().copied().collect();
        let mut rng = Rng(0x5DEE_CE66_D1CE_4E5B);
        let started = Instant::now();
        let batch = 20_000u64;
        let mut done = 0u64;
        while done < entries {
            let n = batch.min(entries - done);
            let mut list = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
            for i in 0..n {
                let k = done + i;
                let at = start
                    .checked_add(jiff::SignedDuration::from_micros(
                        step * i64::try_from(k).unwrap_or(0),
                    ))
                    .context("a time")?;
                let w = &workers[usize::try_from(rng.below(workers.len() as u64)).unwrap_or(0)];
                let own = clients.get(&w.3).map_or(&all, |v| v);
                let client = if rng.below(100) < 98 {
                    own[usize::try_from(rng.below(own.len() as u64)).unwrap_or(0)]
                } else {
                    all[usize::try_from(rng.below(all.len() as u64)).unwrap_or(0)]
                };
                let mut e = NewAuditEntry::new(
                    at,
                    Actor {
                        user_id: Some(w.0),
                        username: Some(w.1.clone()),
                        role: Some(Role::CareStaff),
                        organisation_id: Some(w.2),
                        unit_id: Some(w.3),
                        credential: Some("session:bench".into()),
                    },
                    AuditAction::ClientRead,
                    Outcome::Success,
                )
                .client(client);
                e.care_context = Some("homecare".into());
                e.request_id = Some(format!("bench-{k}"));
                e.flags = vaka_domain::audit::AuditFlags {
                    protected_identity: rng.below(1_000) == 0,
                    emergency_access: rng.below(10_000) == 0,
                };
                list.push(e);
            }
            let tx = self.store.begin().await?;
            tx.commit(&list).await.context("append")?;
            done += n;
            eprint!("\r{done}/{entries} entries");
        }
        eprintln!(
            "\nappended {entries} entries in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let started = Instant::now();
        let made = self.services.create_monthly_log_reviews().await?;
        let total = started.elapsed();
        let m = ServiceConfig::default().log_review;
        println!(
            "log review of November over {entries} entries: {made} unit reviews in {:.3} s \
             ({:.3} s a unit); sample {} + rules (at most {} each)",
            total.as_secs_f64(),
            total.as_secs_f64() / made.max(1) as f64,
            m.sample_size,
            m.max_per_rule,
        );
        // Again: every review exists, nothing is read.
        let started = Instant::now();
        let again = self.services.create_monthly_log_reviews().await?;
        println!(
            "the job again: {again} made in {:.3} s",
            started.elapsed().as_secs_f64()
        );
        Ok(())
    }

    async fn close(self) {
        self.store.close().await;
        if let Some(dir) = self.tmp {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
