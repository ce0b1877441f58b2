//! The demo municipality's clients: about fifty, with decisions, consent, orders, plans,
//! pauses and devices in every state a newcomer should meet — including a few with protected
//! identity, a few aged 100 or more, and decisions waiting for more than three months.

use anyhow::Context;
use jiff::civil::Date;
use jiff::{Span, ToSpan};
use rand::Rng;
use serde::Serialize;
use vaka_domain::access::Principal;
use vaka_domain::client::{AreaType, KeyAccess, Protection};
use vaka_domain::consent::{GivenBy, InformedHow};
use vaka_domain::decision::{Law, OrderStatus, ServiceKind, SupervisionMode};
use vaka_domain::device::{Dc09KeyStyle, DeviceKind, DeviceStep};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_domain::personnummer::IdentityKind;
use vaka_domain::plan::{PauseReason, PauseRequest};
use vaka_domain::validate::luhn_check_digit;
use vaka_service::registry::care::{ConsentInput, PauseInput, PlanInput};
use vaka_service::registry::clients::{ClientInput, ContactInput};
use vaka_service::registry::decisions::DecisionInput;
use vaka_service::registry::devices::{DeviceInput, DeviceStepInput};
use vaka_service::{Ctx, RequestMeta, Services};

/// Who does the work, as in real life.
pub struct Seeders<'a> {
    pub admin: &'a Principal,
    pub assessor: &'a Principal,
    pub in_house_manager: &'a Principal,
    pub private_manager: &'a Principal,
    pub meta: &'a RequestMeta,
}

#[derive(Clone, Copy)]
pub struct Places {
    pub in_house: OrganisationId,
    pub private: OrganisationId,
    pub centrum: UnitId,
    pub norr: UnitId,
    pub soder: UnitId,
    pub solgarden: UnitId,
}

/// A device fitted and active in a client's home, with what the demo's year of history
/// (`demo_history`) needs of it.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub device: vaka_domain::ids::DeviceId,
    pub kind: DeviceKind,
    pub client: ClientId,
    pub provider: OrganisationId,
    pub area: AreaType,
    /// The client's decisions are under LSS.
    pub lss: bool,
    /// The client's supervision plan with its regular night times, for a camera.
    pub plan: Option<vaka_domain::plan::SupervisionPlan>,
    /// The DC-09 account, for an alarm unit.
    pub account: Option<String>,
}

/// What the registry's seed made: the devices for the credentials file, and those fitted in
/// homes for the history.
pub struct Registered {
    pub devices: Vec<DemoDevice>,
    pub fitted: Vec<Fitted>,
}

/// A demo device as written to `demo-credentials.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DemoDevice {
    /// The device id (a lock says it in its `hello`).
    pub id: vaka_domain::ids::DeviceId,
    pub kind: String,
    pub serial: String,
    pub status: String,
    pub client_id: Option<ClientId>,
    pub credential: String,
    pub dc09_account: Option<String>,
    /// Hex of the AES key; `null` for an account marked clear (unencrypted DC-09).
    pub dc09_key_hex: Option<String>,
    /// A SCAIP unit's controller id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaip_cid: Option<String>,
    /// A SCAIP unit's SIP digest password, when it must authenticate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scaip_password: Option<String>,
}

pub(crate) const FIRST: &[&str] = &[
    "Astrid",
    "Birgitta",
    "Karl",
    "Gunnar",
    "Elsa",
    "Ingrid",
    "Sven",
    "Margareta",
    "Nils",
    "Ulla",
    "Gösta",
    "Britt",
    "Lennart",
    "Anna-Lisa",
    "Åke",
    "Maj",
    "Bertil",
    "Sonja",
    "Ove",
    "Gun",
];
pub(crate) const LAST: &[&str] = &[
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
    "Lindberg",
    "Öberg",
    "Åström",
    "Ekström",
];
pub(crate) const STREETS: &[&str] = &[
    "Storgatan",
    "Kyrkogatan",
    "Björkvägen",
    "Skolgatan",
    "Ängsvägen",
    "Hamngatan",
];
/// The demo client with a Sámi name: night supervision and a safety alarm, in Söder.
const SAMI_CLIENT: usize = 10;
const SAMI_NAME: &str = "Áŋŋá Čuđđá";
const RELATIONS: &[&str] = &["dotter", "son", "make", "maka", "syster", "granne"];

/// A valid personnummer (12 digits) for a birth date, with a random birth number.
pub(crate) fn personnummer(rng: &mut impl Rng, year: i32, month: u8, day: u8) -> String {
    let serial: u16 = rng.random_range(1..=999);
    let ten = format!("{:02}{:02}{:02}{:03}", year % 100, month, day, serial);
    let digits: Vec<u8> = ten.bytes().map(|b| b - b'0').collect();
    let check = luhn_check_digit(&digits);
    format!("{year}{month:02}{day:02}{serial:03}{check}")
}

/// A Stockholm wall-clock time `minutes` from now, on a five-minute mark (`HH:MM`).
fn soon(now: jiff::Timestamp, minutes: i64) -> String {
    let t = now
        .to_zoned(vaka_service::registry::stockholm())
        .time()
        .checked_add(jiff::SignedDuration::from_mins(minutes))
        .unwrap_or_else(|_| jiff::civil::time(23, 0, 0, 0));
    let m = (i32::from(t.minute()) / 5) * 5;
    format!("{:02}:{:02}", t.hour(), m)
}

fn days_ago(today: Date, n: i64) -> Date {
    today.checked_sub(Span::new().days(n)).unwrap_or(today)
}

/// Seeds the clients; returns the devices with their credentials, and those fitted in homes.
pub async fn seed(
    services: &Services,
    who: Seeders<'_>,
    at: Places,
    protected_group: &[UserId],
) -> anyhow::Result<Registered> {
    let ctx = |p| Ctx::new(p, who.meta);
    let today = services.today();
    let mut rng = rand::rng();
    let mut devices = Vec::new();
    let mut fitted: Vec<Fitted> = Vec::new();
    let serving = [
        (at.in_house, at.centrum, who.in_house_manager),
        (at.in_house, at.norr, who.in_house_manager),
        (at.private, at.soder, who.private_manager),
        (at.in_house, at.solgarden, who.in_house_manager),
    ];
    for i in 0..50usize {
        let (provider, unit, manager) = serving[i % serving.len()];
        let centenarian = i % 12 == 5;
        let year = if centenarian {
            rng.random_range(1918..=1925)
        } else {
            rng.random_range(1928..=1950)
        };
        let protection = match i {
            7 => Protection::ProtectedRegistration,
            19 => Protection::ConfidentialityMarking,
            33 => Protection::FictitiousIdentity,
            _ => Protection::None,
        };
        let contacts = (0..=(i % 2))
            .map(|k| ContactInput {
                name: format!(
                    "{} {}",
                    FIRST[(i + 3 + k) % FIRST.len()],
                    LAST[(i * 7 + 3) % LAST.len()]
                ),
                relation: RELATIONS[(i + k) % RELATIONS.len()].into(),
                phone: format!("070-{:03} {:02} {:02}", 100 + i, 10 + k, i % 100),
                priority: u8::try_from(k + 1).unwrap_or(1),
                note: None,
            })
            .collect();
        let area = if unit == at.solgarden {
            AreaType::SpecialHousing
        } else if i % 7 == 6 {
            AreaType::Countryside
        } else {
            AreaType::Town
        };
        let lss = i % 9 == 8;
        let (month, day) = (rng.random_range(1..=12), rng.random_range(1..=28));
        let identity = personnummer(&mut rng, year, month, day);
        let client = services
            .create_client(
                &ctx(who.assessor),
                ClientInput {
                    identity_kind: Some(IdentityKind::Personnummer),
                    identity,

                    // One client with a Sámi name, whose log extract shows that every
                    // name prints (letters outside Latin-1).
                    name: if i == SAMI_CLIENT {
                        SAMI_NAME.to_owned()
                    } else {
                        format!(
                            "{} {}",
                            FIRST[i % FIRST.len()],
                            LAST[(i * 7 + 3) % LAST.len()]
                        )
                    },
                    address_street: Some(format!("{} {}", STREETS[i % STREETS.len()], 1 + i)),
                    address_postcode: Some(format!("{}", 12340 + i)),
                    address_city: Some(if i % 7 == 6 { "Byholma" } else { "Demostad" }.into()),
                    phone: Some(format!("08-{:03} {:02} {:02}", 500 + i, i % 100, 7)),
                    provider_id: Some(provider),
                    unit_id: Some(unit),
                    protection: Some(protection),
                    area_type: Some(area),
                    key_access: Some(
                        [
                            KeyAccess::DigitalLock,
                            KeyAccess::KeyBox,
                            KeyAccess::ReserveKey,
                        ][i % 3],
                    ),
                    key_note: (i % 3 == 1).then(|| "Nyckelgömma vid entrédörren".to_owned()),
                    contacts,
                },
            )
            .await
            .with_context(|| format!("client {i}"))?;
        if protection.is_protected() {
            for member in protected_group {
                services
                    .set_access_group_member(&ctx(who.in_house_manager), client.id, *member, true)
                    .await
                    .ok();
            }
        }

        // Decisions: night supervision for two in three, a safety alarm for four in five.
        // Clients 40–42 were decided four months ago and are still waiting (the IVO report).
        let waiting = (40..43).contains(&i);
        let decided_on = if waiting {
            days_ago(today, 125)
        } else {
            days_ago(today, 20 + 4 * i64::try_from(i).unwrap_or(0))
        };
        let mut services_granted = Vec::new();
        if i % 3 != 2 {
            let mode = match i % 10 {
                1 => SupervisionMode::Both,
                4 => SupervisionMode::PhysicalVisit,
                _ => SupervisionMode::Camera,
            };
            services_granted.push((ServiceKind::NightSupervision, Some(mode)));
        }
        if i % 5 != 0 {
            services_granted.push((ServiceKind::SafetyAlarm, None));
        }
        let times = ["22:30, 01:30, 04:30", "23:00, 02:00, 05:00", "23:30, 03:00"][i % 3];
        // Camera clients get a look-in due within the next half hour as well, so that a
        // newcomer to the demo has a window open whenever they try it; the decision grants it
        // (a plan holds what the decision granted).
        let night_mode = services_granted.iter().find_map(|(_, m)| *m);
        let night_times = if night_mode == Some(SupervisionMode::PhysicalVisit) {
            times.to_owned()
        } else {
            let soon = soon(services.now(), 5 + 5 * i64::try_from(i % 5).unwrap_or(0));
            if times.contains(&soon) {
                times.to_owned()
            } else {
                format!("{soon}, {times}")
            }
        };
        for (service, mode) in services_granted {
            let decided = services
                .record_decision(
                    &ctx(who.assessor),
                    client.id,
                    DecisionInput {
                        law: if lss { Law::Lss } else { Law::Sol },
                        simplified: service == ServiceKind::SafetyAlarm,
                        service,
                        supervision_mode: mode,
                        times: mode.map(|_| night_times.clone()),
                        decided_on: Some(decided_on),
                        valid_from: decided_on,
                        valid_to: Some(decided_on.checked_add(1.year()).unwrap_or(decided_on)),
                        tasks: Vec::new(),
                    },
                )
                .await
                .with_context(|| format!("decision for client {i}"))?;
            // Consent: informed the day before, given on the day; one withdrawn, one expired.
            let (given_on, reconfirm_by) = if i == 21 {
                (days_ago(today, 400), Some(days_ago(today, 35)))
            } else {
                (decided_on, None)
            };
            let consent = services
                .record_consent(
                    &ctx(who.assessor),
                    client.id,
                    ConsentInput {
                        service,
                        informed_by: "Karin Handläggare".into(),
                        informed_on: days_ago(given_on, 1),
                        informed_how: if i % 4 == 0 {
                            InformedHow::Phone
                        } else {
                            InformedHow::InPerson
                        },
                        given_by: if centenarian {
                            GivenBy::Representative
                        } else {
                            GivenBy::Client
                        },
                        representative_name: centenarian.then(|| "God man Per Persson".to_owned()),
                        given_on,
                        reconfirm_by,
                    },
                )
                .await
                .with_context(|| format!("consent for client {i}"))?;
            if i == 13 && service == ServiceKind::NightSupervision {
                services
                    .withdraw_consent(
                        &ctx(who.assessor),
                        client.id,
                        consent.id,
                        vaka_service::registry::care::WithdrawInput {
                            withdrawn_on: None,
                            note: Some("Vill inte längre ha kameratillsyn".into()),
                        },
                    )
                    .await?;
            }
            let Some(order) = decided.order else { continue };
            if waiting && service == ServiceKind::NightSupervision {
                continue;
            }
            let accepted = services.accept_order(&ctx(manager), order.id).await?;

            // The device that starts the service.
            let kind = match (service, mode) {
                (ServiceKind::NightSupervision, Some(SupervisionMode::PhysicalVisit))
                | (ServiceKind::HomeCare, _) => None,
                (ServiceKind::NightSupervision, _) => Some(DeviceKind::Camera),
                (ServiceKind::SafetyAlarm, _) => Some(DeviceKind::AlarmUnit),
            };
            if let Some(kind) = kind {
                let device = register(services, &ctx(who.admin), kind, i, &mut rng).await?;
                let steps: &[DeviceStep] = if waiting {
                    &[DeviceStep::Assign]
                } else {
                    &[
                        DeviceStep::Assign,
                        DeviceStep::Install,
                        DeviceStep::PassTest,
                        DeviceStep::Activate,
                    ]
                };
                let mut status = "in_stock";
                for step in steps {
                    let d = services
                        .device_step(
                            &ctx(who.admin),
                            device.0,
                            DeviceStepInput {
                                step: *step,
                                client_id: (*step == DeviceStep::Assign).then_some(client.id),
                                note: None,
                            },
                            vaka_service::registry::devices::TestSeen::Fixture,
                        )
                        .await?;
                    status = d.status.code();
                }
                if !waiting {
                    fitted.push(Fitted {
                        device: device.0,
                        kind,
                        client: client.id,
                        provider,
                        area,
                        lss,
                        plan: None,
                        account: device.1.dc09_account.clone(),
                    });
                }
                devices.push(DemoDevice {
                    client_id: Some(client.id),
                    status: status.into(),
                    ..device.1
                });
            } else {
                debug_assert_eq!(accepted.status, OrderStatus::Active);
            }
            if service == ServiceKind::NightSupervision
                && let Some(mode) = mode
            {
                let plan_times = night_times.clone();
                let plan = services
                    .set_plan(
                        &ctx(manager),
                        client.id,
                        PlanInput {
                            mode,
                            times: plan_times,
                            // The shortest re-check delay allowed, so that a newcomer sees the
                            // re-check come back within the demo (the default is 15 minutes).
                            recheck_delay_minutes: match mode {
                                SupervisionMode::PhysicalVisit => (i % 8 == 3).then_some(10),
                                _ => Some(5),
                            },
                            escalation: None,
                            response_target_minutes: None,
                        },
                    )
                    .await?;
                if let Some(f) = fitted
                    .iter_mut()
                    .rev()
                    .find(|f| f.client == client.id && f.kind == DeviceKind::Camera)
                {
                    // The history keeps the plan's own night times, not the one added to
                    // have a window open now.
                    let mut regular = plan;
                    regular
                        .times
                        .retain(|t| times.contains(t.strftime("%H:%M").to_string().as_str()));
                    f.plan = Some(regular);
                }
            }
        }
        // A digital lock on the door of every client whose staff get in that way (one in
        // three), fitted and active: `vaka simulate locks` connects them.
        if i % 3 == 0 {
            devices.push(fit_lock(services, &ctx(who.admin), client.id, i, &mut rng).await?);
        }
        if i == 3 || i == 8 {
            let first = today
                .checked_add(Span::new().days(if i == 3 { 1 } else { 7 }))
                .unwrap_or(today);
            services
                .record_pause(
                    &ctx(manager),
                    client.id,
                    PauseInput {
                        first_night: first,
                        last_night: first
                            .checked_add(Span::new().days(if i == 3 { 0 } else { 6 }))
                            .unwrap_or(first),
                        reason: if i == 3 {
                            PauseReason::Guests
                        } else {
                            PauseReason::Travel
                        },
                        requested: if i == 3 {
                            PauseRequest::ClientByPhone
                        } else {
                            PauseRequest::Relative
                        },
                        note: None,
                    },
                )
                .await?;
        }
    }
    // Spare devices in the store room.
    for (k, kind) in [DeviceKind::Camera, DeviceKind::AlarmUnit]
        .into_iter()
        .enumerate()
    {
        for n in 0..5 {
            let (_, d) =
                register(services, &ctx(who.admin), kind, 100 + 10 * k + n, &mut rng).await?;
            devices.push(d);
        }
    }
    // SCAIP (SS 91100) units: a second alarm unit, speaking SCAIP, at the first clients with a
    // safety alarm; the third must answer a digest challenge.
    let alarm_clients: Vec<ClientId> = fitted
        .iter()
        .filter(|f| f.kind == DeviceKind::AlarmUnit)
        .map(|f| f.client)
        .take(SCAIP_UNITS)
        .collect();
    for (k, client) in alarm_clients.into_iter().enumerate() {
        devices.push(fit_scaip_unit(services, &ctx(who.admin), client, k).await?);
    }
    Ok(Registered { devices, fitted })
}

/// Registers a demo lock (serial `LK-{n}`) and takes it through assign to `client`, install, a
/// passed test and activation: the demo's simulated locks connect with its credential.
pub(crate) async fn fit_lock(
    services: &Services,
    admin: &Ctx<'_>,
    client: vaka_domain::ids::ClientId,
    n: usize,
    rng: &mut impl Rng,
) -> anyhow::Result<DemoDevice> {
    let (lock, d) = register(services, admin, DeviceKind::Lock, n, rng).await?;
    let mut status = "in_stock";
    for step in [
        DeviceStep::Assign,
        DeviceStep::Install,
        DeviceStep::PassTest,
        DeviceStep::Activate,
    ] {
        let d = services
            .device_step(
                admin,
                lock,
                DeviceStepInput {
                    step,
                    client_id: (step == DeviceStep::Assign).then_some(client),
                    note: None,
                },
                vaka_service::registry::devices::TestSeen::Fixture,
            )
            .await
            .with_context(|| format!("lock {n}"))?;
        status = d.status.code();
    }
    Ok(DemoDevice {
        client_id: Some(client),
        status: status.into(),
        ..d
    })
}

/// How many SCAIP units the demo fits.
const SCAIP_UNITS: usize = 4;

/// The SCAIP unit `k` of the demo: controller id `26317 + k`, active at `client`; the third has
/// the digest password `scaip-demo-3`.
async fn fit_scaip_unit(
    services: &Services,
    admin: &Ctx<'_>,
    client: ClientId,
    k: usize,
) -> anyhow::Result<DemoDevice> {
    let cid = (26_317 + k).to_string();
    let password = (k == 2).then(|| format!("scaip-demo-{}", k + 1));
    let r = services
        .register_device(
            admin,
            DeviceInput {
                kind: DeviceKind::AlarmUnit,
                serial: format!("SC-{cid}"),
                model: "Careium SCAIP 4G".into(),
                firmware: Some("1.8.0".into()),
                dc09_account: None,
                dc09_key: None,
                dc09_key_style: None,
                scaip_cid: Some(cid.clone()),
                scaip_password: password.clone(),
            },
        )
        .await
        .with_context(|| format!("SCAIP unit {cid}"))?;
    let mut status = r.device.status;
    for step in [
        DeviceStep::Assign,
        DeviceStep::Install,
        DeviceStep::PassTest,
        DeviceStep::Activate,
    ] {
        status = services
            .device_step(
                admin,
                r.device.id,
                DeviceStepInput {
                    step,
                    client_id: (step == DeviceStep::Assign).then_some(client),
                    note: None,
                },
                vaka_service::registry::devices::TestSeen::Fixture,
            )
            .await
            .with_context(|| format!("SCAIP unit {cid}"))?
            .status;
    }
    Ok(DemoDevice {
        id: r.device.id,
        kind: DeviceKind::AlarmUnit.code().into(),
        serial: r.device.serial,
        status: status.code().into(),
        client_id: Some(client),
        credential: r.credential,
        dc09_account: None,
        dc09_key_hex: None,
        scaip_cid: Some(cid),
        scaip_password: password,
    })
}

async fn register(
    services: &Services,
    ctx: &Ctx<'_>,
    kind: DeviceKind,
    n: usize,
    rng: &mut impl Rng,
) -> anyhow::Result<(vaka_domain::ids::DeviceId, DemoDevice)> {
    let alarm = kind == DeviceKind::AlarmUnit;
    let lock = kind == DeviceKind::Lock;
    let encrypted = alarm && n.is_multiple_of(4);
    let key: Option<String> = encrypted.then(|| {
        use std::fmt::Write as _;
        (0..16).fold(String::with_capacity(32), |mut s, _| {
            let _ = write!(s, "{:02X}", rng.random::<u8>()); // writing to a String cannot fail
            s
        })
    });
    let account = alarm.then(|| format!("{:04X}", 0x1000 + n));
    let r = services
        .register_device(
            ctx,
            DeviceInput {
                kind,
                serial: format!(
                    "{}-{:04}",
                    if alarm {
                        "TA"
                    } else if lock {
                        "LK"
                    } else {
                        "DV"
                    },
                    n
                ),
                model: if alarm {
                    "Trygghetslarm IP 4G"
                } else if lock {
                    "Vaka Sim Lock"
                } else {
                    "Doro Visit"
                }
                .into(),
                firmware: Some("2.4.1".into()),
                dc09_account: account.clone(),
                dc09_key: key.clone(),
                // The units without a key (three in four: the dialler's two clear accounts, the
                // simulated heartbeats, `scripts/crash-test`'s load) are marked clear
                // explicitly; the receiver refuses an account with neither.
                dc09_key_style: alarm.then_some(if encrypted {
                    Dc09KeyStyle::Hex
                } else {
                    Dc09KeyStyle::Clear
                }),
                scaip_cid: None,
                scaip_password: None,
            },
        )
        .await?;
    Ok((
        r.device.id,
        DemoDevice {
            id: r.device.id,
            kind: kind.code().into(),
            serial: r.device.serial,
            status: r.device.status.code().into(),
            client_id: None,
            credential: r.credential,
            dc09_account: account,
            dc09_key_hex: key,
            scaip_cid: None,
            scaip_password: None,
        },
    ))
}

/// For the cluster drill (`vaka demo --drill-cameras N`): `n` more clients in Centrum, each
/// with night supervision by camera, consent, a plan whose look-in is due within ten minutes
/// (its window open now) and an active camera, so that the drill's operators have a look-in to
/// take on hundreds of cameras. Not part of the demo a newcomer sees.
pub async fn seed_drill_cameras(
    services: &Services,
    who: Seeders<'_>,
    at: &Places,
    n: usize,
) -> anyhow::Result<Vec<DemoDevice>> {
    let ctx = |p| Ctx::new(p, who.meta);
    let today = services.today();
    let decided_on = days_ago(today, 30);
    let due = soon(services.now(), 10);
    let mut rng = rand::rng();
    let mut devices = Vec::with_capacity(n);
    for k in 0..n {
        // Born 1955–1957, a birth date of their own each: no two clients share a personnummer.
        let (year, month, day) = (1955 + (k / 336) % 3, 1 + (k / 28) % 12, 1 + k % 28);
        let ten = format!("{:02}{month:02}{day:02}471", year % 100);
        let digits: Vec<u8> = ten.bytes().map(|b| b - b'0').collect();
        let identity = format!("{year}{month:02}{day:02}471{}", luhn_check_digit(&digits));
        let client = services
            .create_client(
                &ctx(who.assessor),
                ClientInput {
                    identity_kind: Some(IdentityKind::Personnummer),
                    identity,
                    name: format!("Övning Kamera {k:03}"),
                    address_street: Some(format!("Övningsgatan {}", 1 + k)),
                    address_postcode: Some("12399".into()),
                    address_city: Some("Demostad".into()),
                    phone: None,
                    provider_id: Some(at.in_house),
                    unit_id: Some(at.centrum),
                    protection: Some(Protection::None),
                    area_type: Some(AreaType::Town),
                    key_access: Some(KeyAccess::KeyBox),
                    key_note: None,
                    contacts: Vec::new(),
                },
            )
            .await
            .with_context(|| format!("drill client {k}"))?;
        let decided = services
            .record_decision(
                &ctx(who.assessor),
                client.id,
                DecisionInput {
                    law: Law::Sol,
                    simplified: false,
                    service: ServiceKind::NightSupervision,
                    supervision_mode: Some(SupervisionMode::Camera),
                    times: Some(due.clone()),
                    decided_on: Some(decided_on),
                    valid_from: decided_on,
                    valid_to: Some(decided_on.checked_add(1.year()).unwrap_or(decided_on)),
                    tasks: Vec::new(),
                },
            )
            .await?;
        services
            .record_consent(
                &ctx(who.assessor),
                client.id,
                ConsentInput {
                    service: ServiceKind::NightSupervision,
                    informed_by: "Karin Handläggare".into(),
                    informed_on: days_ago(decided_on, 1),
                    informed_how: InformedHow::InPerson,
                    given_by: GivenBy::Client,
                    representative_name: None,
                    given_on: decided_on,
                    reconfirm_by: None,
                },
            )
            .await?;
        if let Some(order) = decided.order {
            services
                .accept_order(&ctx(who.in_house_manager), order.id)
                .await?;
        }
        let (id, device) = register(
            services,
            &ctx(who.admin),
            DeviceKind::Camera,
            1000 + k,
            &mut rng,
        )
        .await?;
        let mut status = "in_stock";
        for step in [
            DeviceStep::Assign,
            DeviceStep::Install,
            DeviceStep::PassTest,
            DeviceStep::Activate,
        ] {
            let d = services
                .device_step(
                    &ctx(who.admin),
                    id,
                    DeviceStepInput {
                        step,
                        client_id: (step == DeviceStep::Assign).then_some(client.id),
                        note: None,
                    },
                    vaka_service::registry::devices::TestSeen::Fixture,
                )
                .await?;
            status = d.status.code();
        }
        services
            .set_plan(
                &ctx(who.in_house_manager),
                client.id,
                PlanInput {
                    mode: SupervisionMode::Camera,
                    times: due.clone(),
                    recheck_delay_minutes: Some(5),
                    escalation: None,
                    response_target_minutes: None,
                },
            )
            .await?;
        devices.push(DemoDevice {
            client_id: Some(client.id),
            status: status.into(),
            ..device
        });
    }
    Ok(devices)
}
