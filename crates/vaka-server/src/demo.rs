//! The demo municipality: "Demo kommun" with its units, a private provider under LOV, an
//! external alarm centre, users of every role, and clients — everything a newcomer needs to try
//! Vaka. Every login, token and secret goes to `<data-dir>/demo-credentials.json`.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use totp_rs::Secret;
use vaka_domain::access::{Credential, Role};
use vaka_domain::directory::{Organisation, OrganisationKind, ProviderKind, UnitKind};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_domain::validate::OrgNumber;
use vaka_service::admin::CliAccount;
use vaka_service::directory::{NewUnitInput, RoleInput};
use vaka_service::secrets::initial_password;
use vaka_service::{Ctx, RequestMeta, Services};
use vaka_web::DemoLogin;

/// Marks a directory as made by `vaka demo`, so that a new demo may replace it.
pub const MARKER: &str = ".vaka-demo";

#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub username: String,
    pub password: String,
    /// Base32 TOTP secret; `null` for users who enrol at their first login.
    pub totp_secret: Option<String>,
    pub roles: Vec<String>,
    pub display_name: String,
    /// The HSA-id this user logs in with through the demo's SITHS eID test provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hsa_id: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoToken {
    pub username: String,
    pub token: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemoCredentials {
    pub url: String,
    pub users: Vec<DemoUser>,
    pub api_tokens: Vec<DemoToken>,
    /// Every demo device with its credential (and DC-09 account and key for alarm units).
    pub devices: Vec<crate::demo_registry::DemoDevice>,
    /// The alarm receiver and the accounts left for a dialler to drive.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sia_dc09: Option<SiaSection>,
    /// The demo's SITHS eID test provider (OpenID Connect): its issuer, whether it runs, and
    /// the users who have an HSA-id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oidc: Option<crate::demo_idp::OidcSection>,
    /// The SCAIP receiver and its units: the ones marked `simulated` send heartbeats by
    /// themselves; the others are left for `sipsak`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaip: Option<ScaipSection>,
    /// The NFC tags at the home-care clients' doors, with their demo keys (see
    /// `demo_tags::simulated_tap_url`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<crate::demo_tags::DemoTag>,
}

/// `sia_dc09` in `demo-credentials.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SiaSection {
    pub listen: String,
    pub accounts: Vec<SiaAccount>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SiaAccount {
    pub account: String,
    /// Hex of the AES key; null for clear text.
    pub key_hex: Option<String>,
    /// The key as text when it was configured that way (the demo's are hex).
    pub key_ascii: Option<String>,
    pub client_id: Option<ClientId>,
}

/// `scaip` in `demo-credentials.json`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ScaipSection {
    pub listen: String,
    /// The SIP digest realm of the units with a password.
    pub realm: String,
    pub units: Vec<ScaipUnit>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ScaipUnit {
    pub cid: String,
    /// The SIP digest password; null when the unit is not challenged.
    pub password: Option<String>,
    pub client_id: Option<ClientId>,
    /// Sends a SCAIP heartbeat (`mty` PI) every 40 s by itself.
    pub simulated: bool,
}

/// The demo's active SCAIP units: the first without a password and the first with one are left
/// for `sipsak` (no heartbeats: they raise a technical alarm 90 s after the start, as the
/// DC-09 accounts left for a dialler do); the rest are simulated.
pub fn scaip_section(creds: &DemoCredentials, listen: &str) -> ScaipSection {
    let active: Vec<_> = creds
        .devices
        .iter()
        .filter(|d| d.kind == "alarm_unit" && d.status == "active" && d.client_id.is_some())
        .filter(|d| d.scaip_cid.is_some())
        .collect();
    let open = active.iter().position(|d| d.scaip_password.is_none());
    let guarded = active.iter().position(|d| d.scaip_password.is_some());
    ScaipSection {
        listen: listen.to_owned(),
        realm: "vaka".into(),
        units: active
            .iter()
            .enumerate()
            .map(|(i, d)| ScaipUnit {
                cid: d.scaip_cid.clone().unwrap_or_default(),
                password: d.scaip_password.clone(),
                client_id: d.client_id,
                simulated: Some(i) != open && Some(i) != guarded,
            })
            .collect(),
    }
}

/// How many active alarm units of each style the credentials file reserves for a dialler.
const RESERVED_PER_STYLE: usize = 2;

/// The demo's alarm units that are active with a client: the first clear and the first
/// encrypted ones are left for the user's dialler; the rest are simulated.
pub fn sia_section(creds: &DemoCredentials, listen: &str) -> SiaSection {
    let active: Vec<_> = creds
        .devices
        .iter()
        .filter(|d| d.kind == "alarm_unit" && d.status == "active" && d.client_id.is_some())
        .filter(|d| d.dc09_account.is_some())
        .collect();
    let pick = |encrypted: bool| {
        active
            .iter()
            .filter(move |d| d.dc09_key_hex.is_some() == encrypted)
            .take(RESERVED_PER_STYLE)
    };
    SiaSection {
        listen: listen.to_owned(),
        accounts: pick(false)
            .chain(pick(true))
            .map(|d| SiaAccount {
                account: d.dc09_account.clone().unwrap_or_default(),
                key_hex: d.dc09_key_hex.clone(),
                key_ascii: None,
                client_id: d.client_id,
            })
            .collect(),
    }
}

/// Empties `dir` for a new demo, refusing a directory that a demo did not make.
/// For `vaka demo --test-clock`: reads lines `advance <seconds>` from standard input and moves
/// `clock` ahead by that much, answering each with `clock <instant>` on standard output (the
/// browser tests wait for the answer). Other lines are answered `clock ignored`. Runs on a
/// thread of its own until standard input closes.
pub fn drive_clock_from_stdin(clock: vaka_domain::clock::OffsetClock) {
    use std::io::BufRead;
    use vaka_domain::clock::Clock;
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let step = line
                .strip_prefix("advance ")
                .and_then(|n| n.trim().parse::<i64>().ok())
                .filter(|n| *n > 0 && *n <= 366 * 24 * 3600);
            match step {
                Some(seconds) => {
                    clock.advance(jiff::SignedDuration::from_secs(seconds));
                    println!("clock {}", clock.now());
                }
                None => println!("clock ignored"),
            }
        }
    });
}

pub fn prepare_dir(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let marker = dir.join(MARKER);
        let empty = std::fs::read_dir(dir)?.next().is_none();
        anyhow::ensure!(
            empty || marker.exists(),
            "{} exists and was not made by `vaka demo`; choose another --data-dir",
            dir.display()
        );
        std::fs::remove_dir_all(dir).with_context(|| format!("cannot clear {}", dir.display()))?;
    }
    crate::files::private_dir(dir)?;
    std::fs::write(dir.join(MARKER), "made by `vaka demo`; safe to delete\n")?;
    Ok(())
}

pub fn credentials_path(dir: &Path) -> PathBuf {
    dir.join("demo-credentials.json")
}

pub fn write_credentials(dir: &Path, creds: &DemoCredentials) -> anyhow::Result<PathBuf> {
    let path = credentials_path(dir);
    crate::files::write_private(&path, &serde_json::to_vec_pretty(creds)?)?;
    Ok(path)
}

impl DemoCredentials {
    pub fn logins(&self) -> Vec<DemoLogin> {
        self.users
            .iter()
            .map(|u| DemoLogin {
                username: u.username.clone(),
                password: u.password.clone(),
                totp_secret: u.totp_secret.clone(),
                roles: u.roles.clone(),
            })
            .collect()
    }
}

/// The demo municipality's retention as its data processing agreement sets it (REG-53): kinds
/// not named keep the defaults.
pub const DEMO_RETENTION: &[(&str, u32)] = &[
    ("supervision", 180),
    ("technical_checks", 90),
    ("alarms", 365),
    ("device_events", 365),
];

struct Spec {
    username: &'static str,
    name: &'static str,
    org: usize,
    role: Role,
    unit: Option<usize>,
    enrolled: bool,
}

/// Seeds the demo municipality through the same use cases as the rest of Vaka. `url` is where
/// the demo is served.
pub async fn seed(services: &Services, url: &str) -> anyhow::Result<DemoCredentials> {
    seed_with_drill_cameras(services, url, 0).await
}

/// [`seed`], with `drill_cameras` more camera clients for the cluster drill (see
/// [`crate::demo_registry::seed_drill_cameras`]).
pub async fn seed_with_drill_cameras(
    services: &Services,
    url: &str,
    drill_cameras: usize,
) -> anyhow::Result<DemoCredentials> {
    let now = services.now();
    let org = |kind, provider_kind, name: &str, nr: &str| Organisation {
        id: OrganisationId::new(),
        kind,
        provider_kind,
        name: name.to_owned(),
        org_number: OrgNumber::parse(nr).ok(),
        active: true,
        created_at: vaka_store::values::to_db_precision(now),
    };
    let orgs = [
        org(
            OrganisationKind::Municipality,
            None,
            "Demo kommun",
            "212000-0142",
        ),
        org(
            OrganisationKind::Provider,
            Some(ProviderKind::InHouse),
            "Demo kommun hemtjänst",
            "212000-0142",
        ),
        org(
            OrganisationKind::Provider,
            Some(ProviderKind::Private),
            "Omsorg Syd AB",
            "556677-8893",
        ),
        org(
            OrganisationKind::AlarmCentre,
            None,
            "Larmcentralen Nord AB",
            "556123-4567",
        ),
    ];
    for o in &orgs {
        services.cli_create_organisation(o.clone()).await?;
    }

    let mut users = Vec::new();
    // The administrator comes first: the rest of the directory is built acting as them.
    let admin_password = initial_password();
    let (admin, _) = services
        .cli_create_user(CliAccount {
            username: "admin".into(),
            display_name: "Maria Admin".into(),
            email: "admin@demo.kommun.se".into(),
            hsa_id: None,
            organisation_id: orgs[0].id,
            roles: vec![RoleInput {
                role: Role::SystemAdmin,
                organisation_id: orgs[0].id,
                unit_id: None,
            }],
            password: Some(admin_password.clone()),
            totp_secret: None,
        })
        .await?;
    users.push(DemoUser {
        username: "admin".into(),
        password: admin_password,
        totp_secret: None,
        roles: vec![Role::SystemAdmin.code().into()],
        display_name: "Maria Admin".into(),
        hsa_id: None,
    });
    let principal = services.principal_for(admin.id, Credential::Cli).await?;
    let meta = RequestMeta {
        request_id: Some("demo-seed".into()),
        ..RequestMeta::default()
    };
    let ctx = Ctx::new(&principal, &meta);

    let unit_specs: [(&str, usize, UnitKind); 8] = [
        ("Biståndsenheten", 0, UnitKind::Administration),
        ("Hemtjänst Centrum", 1, UnitKind::HomeCare),
        ("Hemtjänst Norr", 1, UnitKind::HomeCare),
        ("Nattpatrullen", 1, UnitKind::NightPatrol),
        ("Trygghetsjouren", 1, UnitKind::DutyTeam),
        ("Hemtjänst Söder", 2, UnitKind::HomeCare),
        ("Operatörer", 3, UnitKind::AlarmOperators),
        ("Solgårdens särskilda boende", 1, UnitKind::SpecialHousing),
    ];
    let mut units: Vec<UnitId> = Vec::new();
    for (name, o, kind) in unit_specs {
        let u = services
            .create_unit(
                &ctx,
                NewUnitInput {
                    organisation_id: orgs[o].id,
                    name: name.into(),
                    kind,
                },
            )
            .await?;
        units.push(u.id);
    }
    let served = vec![units[1], units[2], units[5], units[7]];
    for covering in [units[3], units[4], units[6]] {
        services
            .set_unit_coverage(&ctx, covering, served.clone())
            .await?;
    }

    let specs = [
        Spec {
            username: "manager",
            name: "Lars Förvaltare",
            org: 0,
            role: Role::SystemManager,
            unit: None,
            enrolled: true,
        },
        Spec {
            username: "assessor",
            name: "Karin Handläggare",
            org: 0,
            role: Role::NeedsAssessor,
            unit: None,
            enrolled: true,
        },
        Spec {
            username: "unitmanager",
            name: "Eva Enhetschef",
            org: 1,
            role: Role::UnitManager,
            unit: Some(1),
            enrolled: true,
        },
        Spec {
            username: "carestaff",
            name: "Ali Undersköterska",
            org: 1,
            role: Role::CareStaff,
            unit: Some(1),
            enrolled: true,
        },
        Spec {
            username: "carestaff2",
            name: "Fatima Undersköterska",
            org: 1,
            role: Role::CareStaff,
            unit: Some(1),
            enrolled: true,
        },
        Spec {
            username: "nurse",
            name: "Sara Sjuksköterska",
            org: 1,
            role: Role::Nurse,
            unit: None,
            enrolled: true,
        },
        Spec {
            username: "lovnurse",
            name: "Jonas Sjuksköterska",
            org: 2,
            role: Role::Nurse,
            unit: Some(5),
            enrolled: true,
        },
        Spec {
            username: "nightpatrol",
            name: "Johan Natt",
            org: 1,
            role: Role::NightPatrol,
            unit: Some(3),
            enrolled: true,
        },
        Spec {
            username: "operator",
            name: "Lina Jour",
            org: 1,
            role: Role::Operator,
            unit: Some(4),
            enrolled: true,
        },
        Spec {
            username: "lovadmin",
            name: "Peter Utförare",
            org: 2,
            role: Role::ProviderAdmin,
            unit: None,
            enrolled: false,
        },
        Spec {
            username: "lovstaff",
            name: "Nora Söder",
            org: 2,
            role: Role::CareStaff,
            unit: Some(5),
            enrolled: true,
        },
        Spec {
            username: "lovstaff2",
            name: "Erik Vårdbiträde",
            org: 2,
            role: Role::CareStaff,
            unit: Some(5),
            enrolled: true,
        },
        Spec {
            username: "lovmanager",
            name: "Omar Söder",
            org: 2,
            role: Role::UnitManager,
            unit: Some(5),
            enrolled: true,
        },
        Spec {
            username: "alarmoperator",
            name: "Mats Larmoperatör",
            org: 3,
            role: Role::Operator,
            unit: Some(6),
            enrolled: true,
        },
        Spec {
            username: "alarmadmin",
            name: "Helena Larmcentral",
            org: 3,
            role: Role::ProviderAdmin,
            unit: None,
            enrolled: false,
        },
    ];
    let mut integration_user: Option<UserId> = None;
    let mut ids: std::collections::HashMap<&'static str, UserId> = std::collections::HashMap::new();
    for s in specs {
        let password = initial_password();
        let secret = s.enrolled.then(|| Secret::generate().to_base32());
        let (account, _) = services
            .cli_create_user(CliAccount {
                username: s.username.into(),
                display_name: s.name.into(),
                email: format!("{}@demo.kommun.se", s.username),
                hsa_id: crate::demo_idp::hsa_id_of(s.username),
                organisation_id: orgs[s.org].id,
                roles: vec![RoleInput {
                    role: s.role,
                    organisation_id: orgs[s.org].id,
                    unit_id: s.unit.map(|u| units[u]),
                }],
                password: Some(password.clone()),
                totp_secret: secret.clone(),
            })
            .await?;
        if s.username == "assessor" {
            integration_user = Some(account.id);
        }
        ids.insert(s.username, account.id);
        users.push(DemoUser {
            username: s.username.into(),
            password,
            totp_secret: secret,
            roles: vec![s.role.code().into()],
            display_name: s.name.into(),
            hsa_id: crate::demo_idp::hsa_id_of(s.username),
        });
    }

    // API tokens: an integration on the needs assessor's account (it sees all clients), the
    // administrator's (directory) and the system manager's (audit log).
    let mut api_tokens = Vec::new();
    if integration_user.is_some() {
        for (user, name) in [
            ("assessor", "Demo integration"),
            ("admin", "Demo administration"),
            ("manager", "Demo log review"),
        ] {
            let t = services.cli_create_token(user, name).await?;
            api_tokens.push(DemoToken {
                username: user.into(),
                token: t.token,
            });
        }
    }

    // The in-house unit manager leads all three in-house care units.
    let um = ids.get("unitmanager").copied().context("unitmanager")?;
    for u in [units[2], units[7]] {
        services
            .grant_role(
                &ctx,
                um,
                RoleInput {
                    role: Role::UnitManager,
                    organisation_id: orgs[1].id,
                    unit_id: Some(u),
                },
            )
            .await?;
    }
    let carestaff = ids.get("carestaff").copied().context("carestaff")?;
    let acting = async |name: &str| -> anyhow::Result<vaka_domain::access::Principal> {
        let id = ids.get(name).copied().with_context(|| name.to_owned())?;
        Ok(services.principal_for(id, Credential::Cli).await?)
    };
    let assessor = acting("assessor").await?;
    let unit_manager = acting("unitmanager").await?;
    let lov_manager = acting("lovmanager").await?;
    let seeders = || crate::demo_registry::Seeders {
        admin: &principal,
        assessor: &assessor,
        in_house_manager: &unit_manager,
        private_manager: &lov_manager,
        meta: &meta,
    };
    let places = crate::demo_registry::Places {
        in_house: orgs[1].id,
        private: orgs[2].id,
        centrum: units[1],
        norr: units[2],
        soder: units[5],
        solgarden: units[7],
    };
    let registered =
        crate::demo_registry::seed(services, seeders(), places, &[um, carestaff]).await?;
    let fitted = registered.fitted;
    // Home care: thirty clients with decisions, plans, door tags and a past week of visits.
    let worker = |name: &str| ids.get(name).copied().with_context(|| name.to_owned());
    let mut devices = registered.devices;
    if drill_cameras > 0 {
        devices.extend(
            crate::demo_registry::seed_drill_cameras(services, seeders(), &places, drill_cameras)
                .await?,
        );
    }
    devices.extend(
        crate::demo_homecare::seed(
            services,
            crate::demo_homecare::Seeders {
                admin: &principal,
                assessor: &assessor,
                in_house_manager: &unit_manager,
                private_manager: &lov_manager,
                meta: &meta,
            },
            [
                crate::demo_homecare::Team {
                    provider: orgs[1].id,
                    unit: units[1],
                    workers: vec![worker("carestaff")?, worker("carestaff2")?],
                },
                crate::demo_homecare::Team {
                    provider: orgs[2].id,
                    unit: units[5],
                    workers: vec![worker("lovstaff")?, worker("lovstaff2")?],
                },
            ],
        )
        .await?,
    );

    // Delegated health-care tasks: the two nurses' licences, delegations, prescriptions on a
    // dozen of the home-care clients and their signings since yesterday.
    let manager = acting("manager").await?;
    crate::demo_delegation::seed(
        services,
        &manager,
        &meta,
        [
            crate::demo_delegation::Nurse {
                user: worker("nurse")?,
                licence_number: "8012345",
                unit: units[1],
                workers: vec![worker("carestaff")?, worker("carestaff2")?],
            },
            crate::demo_delegation::Nurse {
                user: worker("lovnurse")?,
                licence_number: "8023456",
                unit: units[5],
                workers: vec![worker("lovstaff")?, worker("lovstaff2")?],
            },
        ],
    )
    .await
    .context("the demo's delegated tasks")?;

    // The home-care clients' door tags (registered by the home-care demo) get their settings:
    // most of them SUN tags with known keys, so the demo can simulate taps.
    let at_doors: Vec<ClientId> = devices
        .iter()
        .filter(|d| d.kind == vaka_domain::device::DeviceKind::NfcTag.code())
        .filter_map(|d| d.client_id)
        .collect();
    let tags = crate::demo_tags::seed(services, &principal, &meta, &at_doors).await?;

    // The management plan: its roles, two contracts, the activity plan, an open incident.
    let reporter = acting("carestaff").await?;
    crate::demo_governance::seed(
        services,
        crate::demo_governance::Seeders {
            manager: &manager,
            reporter: &reporter,
            meta: &meta,
        },
        &[
            ("system_owner", "assessor"),
            ("system_manager", "manager"),
            ("system_administrator", "admin"),
            ("information_security_coordinator", "nurse"),
        ],
    )
    .await
    .context("the demo's management plan")?;
    // Log review: last month's access history of Hemtjänst Centrum, a handful of entries
    // tripping each rule, and the month's review for its manager.
    let reader = async |name: &str| crate::demo_log_review::reader(services, worker(name)?).await;
    let readers = crate::demo_log_review::Readers {
        care: [reader("carestaff").await?, reader("carestaff2").await?],
        night: reader("nightpatrol").await?,
        other_unit: reader("lovstaff").await?,
        emergency: reader("lovnurse").await?,
    };
    crate::demo_log_review::seed(
        services,
        &Ctx::new(&unit_manager, &meta),
        units[1],
        &readers,
    )
    .await
    .context("the demo's log review")?;

    // Thirteen months of history, and the retention table of the demo's data processing
    // agreement (REG-53): the purge preview has a year of records to count.
    let started = std::time::Instant::now();
    let seeded = crate::demo_history::seed(
        services,
        &fitted,
        &devices,
        &crate::demo_history::People {
            operators: [worker("operator")?, worker("alarmoperator")?],
            night_patrol: worker("nightpatrol")?,
            home_care: vec![
                (orgs[1].id, worker("carestaff")?),
                (orgs[2].id, worker("lovstaff")?),
            ],
            technical_contacts: vec![
                (orgs[1].id, worker("unitmanager")?),
                (orgs[2].id, worker("lovadmin")?),
            ],
            device_admin: admin.id,
        },
    )
    .await
    .context("the demo's history")?;
    tracing::info!(
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        tasks = seeded.tasks,
        look_ins = seeded.look_ins,
        dispatches = seeded.dispatches,
        alarms = seeded.alarms,
        technical_checks = seeded.technical_checks,
        device_events = seeded.device_events,
        "the demo's history seeded"
    );
    let as_manager = Ctx::new(&manager, &meta);
    for (kind, days) in DEMO_RETENTION {
        services
            .set_retention(&as_manager, kind, *days)
            .await
            .with_context(|| format!("the demo's retention of {kind}"))?;
    }

    Ok(DemoCredentials {
        url: url.to_owned(),
        users,
        api_tokens,
        devices,
        sia_dc09: None,
        oidc: None,
        scaip: None,
        tags,
    })
}
