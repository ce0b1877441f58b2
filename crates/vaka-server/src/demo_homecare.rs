//! The demo's home care: thirty clients with home-care decisions and visit plans, served by
//! Hemtjänst Centrum (in-house) and Hemtjänst Söder (private), each client's door tag, two more
//! care workers per unit's team, and the visits of the past week — most read at the door, some
//! registered by hand, a few synced late or from a phone whose clock was off, and a few
//! corrected by the unit manager.

use anyhow::Context;
use jiff::civil::{Date, time};
use jiff::{SignedDuration, Span, ToSpan};
use rand::Rng;
use vaka_domain::access::Principal;
use vaka_domain::client::{AreaType, KeyAccess, Protection};
use vaka_domain::decision::{Law, ServiceKind};
use vaka_domain::device::{DeviceKind, DeviceStep};
use vaka_domain::homecare::plan::plan_visit;
use vaka_domain::homecare::visit::{
    CorrectionReason, Evidence, ManualReason, Stamp, Visit, VisitKind,
};
use vaka_domain::homecare::{CareTask, GrantPeriod, GrantedTask};
use vaka_domain::ids::{DeviceId, OrganisationId, UnitId, UserId, VisitId};
use vaka_domain::nfc::TagStrength;
use vaka_domain::personnummer::IdentityKind;
use vaka_service::homecare::manage::CorrectionInput;
use vaka_service::homecare::plans::VisitPlanInput;
use vaka_service::registry::clients::ClientInput;
use vaka_service::registry::decisions::DecisionInput;
use vaka_service::registry::devices::{DeviceInput, DeviceStepInput, TestSeen};
use vaka_service::{Ctx, RequestMeta, Services};

use crate::demo_registry::{DemoDevice, FIRST, LAST, STREETS, personnummer};

/// Who does the work.
pub struct Seeders<'a> {
    pub admin: &'a Principal,
    pub assessor: &'a Principal,
    pub in_house_manager: &'a Principal,
    pub private_manager: &'a Principal,
    pub meta: &'a RequestMeta,
}

/// A unit that carries out home care, with its provider and its care workers.
pub struct Team {
    pub provider: OrganisationId,
    pub unit: UnitId,
    pub workers: Vec<UserId>,
}

/// How many home-care clients the demo has.
pub const CLIENTS: usize = 30;

/// The client with a supervision visit planned every day at the time the demo starts (an
/// in-house client, so with a digital lock): a newcomer, and the browser tests, find a visit
/// whose door opens now.
pub const DUE_NOW: usize = 0;

/// The daily window of the [`DUE_NOW`] visit: from five minutes before `now` (on a five-minute
/// mark, Stockholm time) for half an hour, kept within the day.
fn due_now(now: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> ((i8, i8), (i8, i8)) {
    let local = now.to_zoned(tz.clone());
    let minute = i32::from(local.hour()) * 60 + i32::from(local.minute());
    let from = (minute - minute % 5 - 5).max(0);
    let to = (from + 30).min(23 * 60 + 59);
    let hm = |m: i32| {
        (
            i8::try_from(m / 60).unwrap_or(23),
            i8::try_from(m % 60).unwrap_or(59),
        )
    };
    (hm(from), hm(to))
}

/// A plan the demo makes: weekdays, window, tasks.
struct PlanSpec {
    days: &'static [&'static str],
    from: (i8, i8),
    to: (i8, i8),
    tasks: Vec<CareTask>,
    minutes: u32,
}

fn grant(task: CareTask, minutes: u32, per: GrantPeriod) -> GrantedTask {
    GrantedTask { task, minutes, per }
}

const EVERY_DAY: &[&str] = &["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Seeds the home-care clients; returns their door tags and locks.
pub async fn seed(
    services: &Services,
    who: Seeders<'_>,
    teams: [Team; 2],
) -> anyhow::Result<Vec<DemoDevice>> {
    let ctx = |p| Ctx::new(p, who.meta);
    let today = services.today();
    let tz = vaka_service::registry::stockholm();
    let mut rng = rand::rng();
    let mut tags = Vec::new();
    let mut visits: Vec<Visit> = Vec::new();
    let mut corrections: Vec<(VisitId, &Principal)> = Vec::new();
    for i in 0..CLIENTS {
        let in_house = i % 5 < 3;
        let team = &teams[usize::from(!in_house)];
        let manager = if in_house {
            who.in_house_manager
        } else {
            who.private_manager
        };
        let (month, day) = (rng.random_range(1..=12), rng.random_range(1..=28));
        let year = rng.random_range(1925..=1945);
        let client = services
            .create_client(
                &ctx(who.assessor),
                ClientInput {
                    identity_kind: Some(IdentityKind::Personnummer),
                    identity: personnummer(&mut rng, year, month, day),
                    name: format!(
                        "{} {}",
                        FIRST[(i * 3 + 1) % FIRST.len()],
                        LAST[(i * 5 + 2) % LAST.len()]
                    ),
                    address_street: Some(format!(
                        "{} {}",
                        STREETS[(i + 2) % STREETS.len()],
                        40 + i
                    )),
                    address_postcode: Some(format!("{}", 12400 + i)),
                    address_city: Some("Demostad".into()),
                    phone: Some(format!("08-{:03} {:02} 11", 600 + i, i % 100)),
                    provider_id: Some(team.provider),
                    unit_id: Some(team.unit),
                    protection: Some(if i == 17 {
                        Protection::ConfidentialityMarking
                    } else {
                        Protection::None
                    }),
                    area_type: Some(AreaType::Town),
                    key_access: Some(if in_house {
                        KeyAccess::DigitalLock
                    } else {
                        KeyAccess::ReserveKey
                    }),
                    key_note: None,
                    contacts: Vec::new(),
                },
            )
            .await
            .with_context(|| format!("home-care client {i}"))?;

        // The decision: personal care for all; meals, cleaning, a shower, medication reminders
        // and shopping for some.
        let mut granted = vec![grant(CareTask::PersonalCare, 210, GrantPeriod::Week)];
        if i % 2 == 0 {
            granted.push(grant(CareTask::Meals, 210, GrantPeriod::Week));
        }
        if i % 3 == 0 {
            granted.push(grant(CareTask::Cleaning, 240, GrantPeriod::Month));
        }
        if i % 4 == 1 {
            granted.push(grant(CareTask::Shower, 90, GrantPeriod::Week));
        }
        if i % 5 == 1 {
            granted.push(grant(CareTask::MedicationReminder, 70, GrantPeriod::Week));
        }
        if i % 6 == 2 {
            granted.push(grant(CareTask::Shopping, 60, GrantPeriod::Week));
        }
        if i == DUE_NOW {
            granted.push(grant(CareTask::Supervision, 140, GrantPeriod::Week));
        }
        let decided_on = today.checked_sub(60.days()).unwrap_or(today);
        let decided = services
            .record_decision(
                &ctx(who.assessor),
                client.id,
                DecisionInput {
                    law: Law::Sol,
                    simplified: false,
                    service: ServiceKind::HomeCare,
                    supervision_mode: None,
                    times: None,
                    decided_on: Some(decided_on),
                    valid_from: decided_on,
                    valid_to: None,
                    tasks: granted.clone(),
                },
            )
            .await
            .with_context(|| format!("home-care decision {i}"))?;
        if let Some(order) = &decided.order {
            services.accept_order(&ctx(manager), order.id).await?;
        }
        let has = |t: CareTask| granted.iter().any(|g| g.task == t);

        // The plans.
        let mut morning = vec![CareTask::PersonalCare];
        if has(CareTask::MedicationReminder) {
            morning.push(CareTask::MedicationReminder);
        }
        let offset = i8::try_from(i % 4).unwrap_or(0) * 10;
        let mut specs = vec![PlanSpec {
            days: EVERY_DAY,
            from: (7, offset),
            to: (8, offset),
            tasks: morning,
            minutes: 30,
        }];
        if has(CareTask::Meals) {
            specs.push(PlanSpec {
                days: EVERY_DAY,
                from: (11, 30),
                to: (12, 15),
                tasks: vec![CareTask::Meals],
                minutes: 20,
            });
        }
        if has(CareTask::Shower) {
            specs.push(PlanSpec {
                days: &["tue", "fri"],
                from: (9, 0),
                to: (10, 0),
                tasks: vec![CareTask::Shower],
                minutes: 40,
            });
        }
        if has(CareTask::Cleaning) {
            specs.push(PlanSpec {
                days: &["wed"],
                from: (13, 0),
                to: (15, 0),
                tasks: vec![CareTask::Cleaning],
                minutes: 60,
            });
        }
        if has(CareTask::Shopping) {
            specs.push(PlanSpec {
                days: &["thu"],
                from: (14, 0),
                to: (15, 30),
                tasks: vec![CareTask::Shopping],
                minutes: 45,
            });
        }
        if i == DUE_NOW {
            let (from, to) = due_now(services.clock.now(), &tz);
            specs.push(PlanSpec {
                days: EVERY_DAY,
                from,
                to,
                tasks: vec![CareTask::Supervision],
                minutes: 20,
            });
        }
        let mut plans = Vec::new();
        for s in specs {
            let p = services
                .create_visit_plan(
                    &ctx(manager),
                    client.id,
                    VisitPlanInput {
                        decision_id: decided.decision.id,
                        unit_id: Some(team.unit),
                        weekdays: s.days.iter().map(|d| (*d).to_owned()).collect(),
                        from: time(s.from.0, s.from.1, 0, 0),
                        to: time(s.to.0, s.to.1, 0, 0),
                        tasks: s.tasks,
                        expected_minutes: s.minutes,
                        valid_from: decided_on,
                        valid_to: None,
                    },
                )
                .await
                .with_context(|| format!("visit plan of client {i}"))?;
            plans.push(p);
        }

        // The door tag: a plain NTAG21x, registered and installed.
        let serial = format!("04{:02x}a1{:06x}", i, 0x00c0_ffee + i);
        let tag = register_tag(services, &ctx(who.admin), &serial, client.id).await?;
        tags.push(DemoDevice {
            id: tag,
            kind: DeviceKind::NfcTag.code().into(),
            serial: serial.clone(),
            status: "installed".into(),
            client_id: Some(client.id),
            credential: String::new(),
            dc09_account: None,
            dc09_key_hex: None,
            scaip_cid: None,
            scaip_password: None,
        });

        // The in-house unit's clients have a digital lock on the door (their key access says
        // so), fitted and active: the demo's simulated locks connect and open on the staff's
        // unlocks.
        if in_house {
            tags.push(
                crate::demo_registry::fit_lock(
                    services,
                    &ctx(who.admin),
                    client.id,
                    200 + i,
                    &mut rng,
                )
                .await?,
            );
        }

        // The past week: each planned visit, by one of the unit's workers.
        for back in 1..=7i64 {
            let day: Date = today.checked_sub(Span::new().days(back)).unwrap_or(today);
            for p in &plans {
                let Some(pv) = plan_visit(p, day, &tz) else {
                    continue;
                };
                let roll: u32 = rng.random_range(0..100);
                if roll < 4 {
                    continue; // not made: shows as missing on the unit's page
                }
                let worker =
                    team.workers[(i + usize::try_from(back).unwrap_or(0)) % team.workers.len()];
                let start = pv.from + SignedDuration::from_mins(rng.random_range(-5..=15));
                let minutes = i64::from(pv.expected_minutes) + rng.random_range(-8..=12);
                let end = start + SignedDuration::from_mins(minutes.max(5));
                let manual = roll >= 88;
                let evidence = if manual {
                    Evidence::Manual(if roll.is_multiple_of(2) {
                        ManualReason::NoNfcPhone
                    } else {
                        ManualReason::TagBroken
                    })
                } else {
                    Evidence::Nfc {
                        kind: TagStrength::Plain,
                        tag,
                    }
                };
                let late = (84..88).contains(&roll);
                let skew = roll == 83;
                let stamp = |at: jiff::Timestamp| Stamp {
                    at,
                    device_time: if skew {
                        at - SignedDuration::from_hours(2)
                    } else {
                        at
                    },
                    received_at: if late {
                        at + SignedDuration::from_hours(3)
                    } else {
                        at + SignedDuration::from_secs(2)
                    },
                    evidence,
                    late_sync: late,
                    clock_skew: skew,
                };
                let v = Visit {
                    id: VisitId::new(),
                    client_id: client.id,
                    unit_id: team.unit,
                    worker,
                    plan_id: Some(p.id),
                    date: day,
                    kind: VisitKind::Planned,
                    start: stamp(start),
                    end: Some(stamp(end)),
                    tasks_done: if roll.is_multiple_of(9) {
                        p.tasks[..1].to_vec()
                    } else {
                        p.tasks.clone()
                    },
                    note: roll
                        .is_multiple_of(11)
                        .then(|| "Allt lugnt, brukaren pigg.".to_owned()),
                    corrected: false,
                    created_at: start,
                };
                // About one visit in a hundred is corrected, and always one at least (the
                // first client's latest), so that every demo shows a correction.
                if roll == 82 || (i == 0 && corrections.is_empty()) {
                    corrections.push((v.id, manager));
                }
                visits.push(v);
            }
        }
    }
    services.cli_insert_visits(&visits).await?;
    for (id, manager) in corrections {
        let Some(v) = visits.iter().find(|v| v.id == id) else {
            continue;
        };
        services
            .correct_visit(
                &ctx(manager),
                id,
                CorrectionInput {
                    ended_at: v.ended_at().map(|e| e + SignedDuration::from_mins(10)),
                    reason: Some(CorrectionReason::ForgotEnd),
                    text: "Avslutet registrerades först i bilen; besöket pågick tio minuter till."
                        .into(),
                    ..CorrectionInput::default()
                },
            )
            .await?;
    }
    Ok(tags)
}

async fn register_tag(
    services: &Services,
    admin: &Ctx<'_>,
    serial: &str,
    client: vaka_domain::ids::ClientId,
) -> anyhow::Result<DeviceId> {
    let r = services
        .register_device(
            admin,
            DeviceInput {
                kind: DeviceKind::NfcTag,
                serial: serial.to_owned(),
                model: "NTAG215".into(),
                firmware: None,
                dc09_account: None,
                dc09_key: None,
                dc09_key_style: None,
                scaip_cid: None,
                scaip_password: None,
            },
        )
        .await
        .with_context(|| format!("tag {serial}"))?;
    // A tag has no test the system can see: assigned and installed at the door is in use.
    for step in [DeviceStep::Assign, DeviceStep::Install] {
        services
            .device_step(
                admin,
                r.device.id,
                DeviceStepInput {
                    step,
                    client_id: (step == DeviceStep::Assign).then_some(client),
                    note: None,
                },
                TestSeen::NOTHING,
            )
            .await
            .with_context(|| format!("tag {serial}: {}", step.code()))?;
    }
    Ok(r.device.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(local: &str) -> jiff::Timestamp {
        let tz = vaka_service::registry::stockholm();
        local
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned(tz)
            .unwrap()
            .timestamp()
    }

    #[test]
    fn the_due_now_visit_covers_the_start_and_stays_within_the_day() {
        let tz = vaka_service::registry::stockholm();
        assert_eq!(due_now(at("2026-12-03T14:07:30"), &tz), ((14, 0), (14, 30)));
        assert_eq!(due_now(at("2026-12-03T14:05:00"), &tz), ((14, 0), (14, 30)));
        assert_eq!(due_now(at("2026-12-03T00:02:00"), &tz), ((0, 0), (0, 30)));
        assert_eq!(
            due_now(at("2026-12-03T23:58:00"), &tz),
            ((23, 50), (23, 59))
        );
        // Summer time: the local hour, not UTC's.
        assert_eq!(due_now(at("2026-07-01T09:12:00"), &tz), ((9, 5), (9, 35)));
    }
}
