//! The demo's year of history: thirteen months of what the municipality's alarm and
//! supervision work left behind, so that the retention table, the purge preview and a purge run
//! have real records to count and remove (issue 17), and the logs and statistics have a past.
//!
//! - Night supervision: every night since their supervision began (the camera clients came
//!   one after another over the year), each camera-supervised client's look-ins at the night
//!   times of their plan (placed by the same rule as the nightly planning, daylight saving time
//!   included), almost all seen and fine; now and then the client is not in view and the
//!   re-check finds them, and a few times a month an operator sees something and the night
//!   patrol is sent, arrives and closes the dispatch.
//! - Safety alarms: a few a week, closed — personal alarms handled by phone or by staff sent
//!   along the chain (the night patrol at night, home care by day), falls, low batteries, test
//!   alarms — each with its received message and its handling log.
//! - Technical checks: every weekend and holiday check of the providers with alarm units,
//!   signed by their technical contact.
//! - Device events: the spare units in the store room each served a client before — assigned,
//!   installed, tested and activated about a year ago, taken back months later.
//!
//! The clients' current decisions are the latest renewals: their supervision ran before them.
//! Everything is placed by arithmetic on a fixed seed (no randomness, no clock but
//! `services.now()`), ends with last night, and is written in one transaction without audit
//! entries ([`Services::append_demo_history`]): records of the past, not accesses now.

use std::collections::BTreeMap;

use anyhow::Context;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};
use vaka_domain::alarm::{
    AlarmKind, AlarmLogEntry, AlarmMessage, AlarmRecord, AlarmState, ChainLink, CloseCause,
};
use vaka_domain::device::{DeviceEvent, DeviceKind, DeviceStatus, DeviceStep};
use vaka_domain::ids::{
    AlarmId, AlarmLogId, AlarmMessageId, DeviceEventId, DeviceId, DispatchId, LookInId,
    OrganisationId, TaskId, TechnicalCheckId, UserId,
};
use vaka_domain::rounds::{BusinessArea, TaskKind, place_times};
use vaka_domain::supervision::{
    Dispatch, DispatchCause, LookInRecord, Outcome, SupervisionTask, TaskState,
};
use vaka_domain::technical::TechnicalCheck;
use vaka_service::Services;
use vaka_service::history::History;

use crate::demo_registry::{DemoDevice, Fitted};

/// How far back the history goes.
const MONTHS: i64 = 13;

/// How long a look-in's picture may last (the camera gateway's default).
const LOOK_IN_SECONDS: u16 = 30;

/// Who worked then.
pub struct People {
    /// The operators who look in and take alarms (the duty team's and the alarm centre's).
    pub operators: [UserId; 2],
    /// The night patrol, sent at night.
    pub night_patrol: UserId,
    /// The home-care staff sent by day, per provider.
    pub home_care: Vec<(OrganisationId, UserId)>,
    /// Each provider's technical contact, who signs its checks.
    pub technical_contacts: Vec<(OrganisationId, UserId)>,
    /// Who took the devices through their lifecycle.
    pub device_admin: UserId,
}

/// What the history holds, for the log line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Seeded {
    pub tasks: usize,
    pub look_ins: usize,
    pub dispatches: usize,
    pub alarms: usize,
    pub technical_checks: usize,
    pub device_events: usize,
}

/// Deterministic dice: splitmix64 over a running state.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: i64) -> i64 {
        let n = u64::try_from(n.max(1)).unwrap_or(1);
        i64::try_from(self.next() % n).unwrap_or(0)
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: i64) -> bool {
        self.below(1000) < per_mille
    }
}

fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

/// The instant of a local time on a day (a time in the spring gap moves past it).
fn at(day: Date, t: Time, tz: &TimeZone) -> anyhow::Result<Timestamp> {
    Ok(day.to_datetime(t).to_zoned(tz.clone())?.timestamp())
}

/// Seeds the history of the devices `fitted` in clients' homes and of the spare devices among
/// `devices`.
pub async fn seed(
    services: &Services,
    fitted: &[Fitted],
    devices: &[DemoDevice],
    people: &People,
) -> anyhow::Result<Seeded> {
    let tz = vaka_service::registry::stockholm();
    let now = services.now();
    let today = services.today();
    let first = today
        .checked_sub(MONTHS.months())
        .context("the history's first day")?;
    // The last complete night: the server plans tonight's (and may be inside it).
    let tonight = vaka_domain::rounds::night_of(now, &tz);
    let last_night = tonight.yesterday().context("last night")?;
    let mut dice = Dice(0x5EED_DE30);
    let mut h = History::default();
    supervision(
        services,
        fitted,
        people,
        (first, last_night),
        &tz,
        &mut dice,
        &mut h,
    )?;
    alarms(
        services,
        fitted,
        people,
        (first, last_night),
        &tz,
        &mut dice,
        &mut h,
    )?;
    checks(
        services,
        fitted,
        people,
        (first, today),
        &tz,
        &mut dice,
        &mut h,
    )?;
    device_events(fitted, devices, people, first, &tz, &mut dice, &mut h)?;
    let seeded = Seeded {
        tasks: h.tasks.len(),
        look_ins: h.look_ins.len(),
        dispatches: h.dispatches.len(),
        alarms: h.alarms.len(),
        technical_checks: h.technical_checks.len(),
        device_events: h.device_events.len(),
    };
    services
        .append_demo_history(h)
        .await
        .context("writing the demo's history")?;
    Ok(seeded)
}

/// What an operator may see that sends the night patrol.
const DEVIATIONS: &[&str] = &[
    "Brukaren ligger på golvet bredvid sängen.",
    "Brukaren sitter på sängkanten och verkar orolig.",
    "Ytterdörren står öppen, brukaren syns inte i sängen.",
    "Brukaren ligger snett i sängen med täcket på golvet.",
];

/// How the night patrol closes a dispatch.
const PATROL_NOTES: &[&str] = &[
    "Hjälpte brukaren upp, inga synliga skador. Sjuksköterska informerad.",
    "Brukaren lugn efter samtal, hjälpt till toaletten och tillbaka i säng.",
    "Brukaren hade varit uppe och druckit vatten, allt väl.",
    "Stängde dörren, brukaren sov i fåtöljen och hjälptes till sängen.",
];

fn supervision(
    services: &Services,
    fitted: &[Fitted],
    people: &People,
    (first, last): (Date, Date),
    tz: &TimeZone,
    dice: &mut Dice,
    h: &mut History,
) -> anyhow::Result<()> {
    let cameras: Vec<(&Fitted, vaka_domain::plan::SupervisionPlan)> = fitted
        .iter()
        .filter(|f| f.kind == DeviceKind::Camera)
        .filter_map(|f| {
            let mut plan = f.plan.clone()?;
            // The night's times (the demo adds one soon after it starts, by day too).
            plan.times.retain(|t| t.hour() >= 20 || t.hour() < 8);
            (!plan.times.is_empty()).then_some((f, plan))
        })
        .collect();
    // The clients came to night supervision one after another over the year (their current
    // decisions are the latest renewals): the k-th of n since the k/n-th part of the history.
    let nights = i64::from(first.until(last)?.get_days());
    let n = i64::try_from(cameras.len().max(1))?;
    let mut since = Vec::with_capacity(cameras.len());
    for k in 0..cameras.len() {
        since.push(first.checked_add((nights * i64::try_from(k)? / n).days())?);
    }
    let mut night = first;
    let mut operator = 0usize;
    while night <= last {
        for ((f, plan), since) in cameras.iter().zip(&since) {
            if night < *since {
                continue;
            }
            let window = services
                .config
                .look_in_windows
                .for_area(BusinessArea::of(f.area, f.lss));
            let Ok(planned) = place_times(f.client, night, plan, window, tz) else {
                continue;
            };
            let recheck = mins(i64::from(plan.recheck_delay_minutes.unwrap_or(15)));
            let target = plan.response_target_minutes.unwrap_or(45);
            for p in planned.iter().filter(|p| p.kind == TaskKind::LookIn) {
                operator += 1;
                let op = people.operators[operator % 2];
                let start = p.due + secs(dice.below(12 * 60) - 5 * 60);
                let mut task = SupervisionTask::planned(p, p.opens);
                task.id = TaskId::new();
                let task_id = task.id;
                let look = |start: Timestamp,
                            recheck: bool,
                            outcome: Outcome,
                            note: Option<&str>,
                            d: &mut Dice| {
                    LookInRecord {
                        id: LookInId::new(),
                        task_id,
                        client_id: f.client,
                        device_id: f.device,
                        operator: op,
                        started_at: start,
                        ended_at: Some(start + secs(8 + d.below(22))),
                        limit_seconds: LOOK_IN_SECONDS,
                        recheck,
                        outcome: Some(outcome),
                        note: note.map(str::to_owned),
                    }
                };
                let roll = dice.below(1000);
                let mut looks = Vec::with_capacity(2);
                if roll < 960 {
                    looks.push(look(start, false, Outcome::SeenOk, None, dice));
                    task.state = TaskState::Done;
                } else if roll < 992 {
                    // Not in view; the re-check finds the client back in bed.
                    looks.push(look(start, false, Outcome::NotVisible, None, dice));
                    looks.push(look(start + recheck, true, Outcome::SeenOk, None, dice));
                    task.state = TaskState::Done;
                } else {
                    // Something is wrong: the night patrol is sent.
                    let note = DEVIATIONS[usize::try_from(dice.below(4)).unwrap_or(0)];
                    let seen = look(start, false, Outcome::Deviation, Some(note), dice);
                    let sent = seen.ended_at.unwrap_or(start);
                    let acknowledged = sent + secs(60 + dice.below(180));
                    let on_way = acknowledged + secs(60 + dice.below(120));
                    let arrived = on_way + mins(8 + dice.below(25));
                    let closed = arrived + mins(10 + dice.below(30));
                    h.dispatches.push(Dispatch {
                        id: DispatchId::new(),
                        task_id: task.id,
                        client_id: f.client,
                        cause: DispatchCause::Deviation,
                        phone_first: false,
                        alert_supervisor: false,
                        response_target_minutes: target,
                        created_at: sent,
                        responder: Some(people.night_patrol),
                        acknowledged_at: Some(acknowledged),
                        on_way_at: Some(on_way),
                        arrived_at: Some(arrived),
                        closed_at: Some(closed),
                        close_note: Some(
                            PATROL_NOTES[usize::try_from(dice.below(4)).unwrap_or(0)].to_owned(),
                        ),
                        note: Some(note.to_owned()),
                    });
                    looks.push(seen);
                    task.state = TaskState::Closed;
                    task.updated_at = closed;
                }
                for l in looks {
                    if task.state == TaskState::Done {
                        task.updated_at = l.ended_at.unwrap_or(l.started_at);
                    }
                    h.look_ins.push(l);
                }
                h.tasks.push(task);
            }
        }
        night = night.tomorrow()?;
    }
    Ok(())
}

/// One kind of alarm the history holds: how often (per mille), its codes and how it ends.
struct AlarmShape {
    per_mille: i64,
    kind: AlarmKind,
    category: &'static str,
    token: &'static str,
    /// The data field; `{a}` is the account.
    data: &'static str,
    code: &'static str,
    zone: Option<&'static str>,
}

const SHAPES: &[AlarmShape] = &[
    AlarmShape {
        per_mille: 700,
        kind: AlarmKind::Personal,
        category: "personal_alarm",
        token: "SIA-DCS",
        data: "#{a}|Nri1/MA001",
        code: "MA",
        zone: Some("001"),
    },
    AlarmShape {
        per_mille: 120,
        kind: AlarmKind::Fall,
        category: "fall",
        token: "ADM-CID",
        data: "#{a}|1103 01 005",
        code: "1103",
        zone: Some("005"),
    },
    AlarmShape {
        per_mille: 100,
        kind: AlarmKind::Technical,
        category: "low_battery",
        token: "SIA-DCS",
        data: "#{a}|Nri1/YT000",
        code: "YT",
        zone: Some("000"),
    },
    AlarmShape {
        per_mille: 80,
        kind: AlarmKind::Test,
        category: "test",
        token: "SIA-DCS",
        data: "#{a}|Nri1/RX000",
        code: "RX",
        zone: Some("000"),
    },
];

/// The handling of one alarm, as the log tells it.
struct Handling<'a> {
    alarm: &'a mut AlarmRecord,
    log: Vec<AlarmLogEntry>,
}

impl Handling<'_> {
    fn step(&mut self, at: Timestamp, by: UserId, step: &str, note: Option<String>) {
        self.log.push(AlarmLogEntry {
            id: AlarmLogId::new(),
            alarm_id: self.alarm.id,
            at,
            user_id: Some(by),
            step: step.to_owned(),
            note,
        });
    }
}

fn alarms(
    services: &Services,
    fitted: &[Fitted],
    people: &People,
    (first, last): (Date, Date),
    tz: &TimeZone,
    dice: &mut Dice,
    h: &mut History,
) -> anyhow::Result<()> {
    let units: Vec<&Fitted> = fitted
        .iter()
        .filter(|f| f.kind == DeviceKind::AlarmUnit && f.account.is_some())
        .collect();
    if units.is_empty() {
        return Ok(());
    }
    let night_hours = services.config.alarms.night;
    let mut seq: BTreeMap<DeviceId, u16> = BTreeMap::new();
    let mut day = first;
    while day <= last {
        // Four alarms a week, on average.
        let count = usize::from(dice.chance(400)) + usize::from(dice.chance(170));
        for _ in 0..count {
            let unit = units[usize::try_from(dice.below(i64::try_from(units.len())?))?];
            let account = unit.account.clone().unwrap_or_default();
            let mut roll = dice.below(1000);
            let shape = SHAPES
                .iter()
                .find(|s| {
                    roll -= s.per_mille;
                    roll < 0
                })
                .unwrap_or(&SHAPES[0]);
            // Any time of the day; the night's alarms come from the evening's day.
            let minute = dice.below(24 * 60);
            let t = Time::new(
                i8::try_from(minute / 60)?,
                i8::try_from(minute % 60)?,
                i8::try_from(dice.below(60))?,
                0,
            )?;
            let received = at(day, t, tz)?;
            let n = seq.entry(unit.device).or_insert(0);
            *n = n.wrapping_add(1) % 10_000;
            let data = shape.data.replace("{a}", &account);
            let message = AlarmMessage {
                id: AlarmMessageId::new(),
                account: account.clone(),
                seq: *n,
                fingerprint: vaka_alarm_receiver::handler::fingerprint(
                    shape.token,
                    data.as_bytes(),
                ),
                token: shape.token.to_owned(),
                device_id: Some(unit.device),
                data,
                message_at: Some(received - secs(1)),
                received_at: received,
                transport: "tcp".to_owned(),
            };
            let mut alarm =
                AlarmRecord::new(shape.kind, unit.area, shape.category, shape.code, received);
            alarm.id = AlarmId::new();
            alarm.message_id = Some(message.id);
            alarm.device_id = Some(unit.device);
            alarm.client_id = Some(unit.client);
            alarm.account = Some(account);
            alarm.zone = shape.zone.map(str::to_owned);
            let operator = people.operators[usize::try_from(dice.below(2))?];
            let night = night_hours.contains(received.to_zoned(tz.clone()).time());
            let responder = if night {
                people.night_patrol
            } else {
                people
                    .home_care
                    .iter()
                    .find(|(o, _)| *o == unit.provider)
                    .map_or(people.night_patrol, |(_, u)| *u)
            };
            let mut handling = Handling {
                alarm: &mut alarm,
                log: Vec::new(),
            };
            handle(
                &mut handling,
                shape.kind,
                operator,
                responder,
                night,
                received,
                dice,
            );
            let log = handling.log;
            h.messages.push(message);
            h.alarms.push(alarm);
            h.alarm_log.extend(log);
        }
        day = day.tomorrow()?;
    }
    Ok(())
}

/// Takes an alarm from received to closed: taken within a minute, the client called, and
/// closed by phone or after staff went.
fn handle(
    h: &mut Handling<'_>,
    kind: AlarmKind,
    operator: UserId,
    responder: UserId,
    night: bool,
    received: Timestamp,
    dice: &mut Dice,
) {
    let taken = received + secs(10 + dice.below(40));
    let contacted = taken + secs(20 + dice.below(90));
    h.step(taken, operator, "take", None);
    let a = &mut h.alarm.alarm;
    a.operator = Some(operator);
    a.taken_at = Some(taken);
    let (closed, cause, note) = match kind {
        AlarmKind::Test => (
            contacted,
            CloseCause::Test,
            Some("Provlarm efter batteribyte, fungerar.".to_owned()),
        ),
        AlarmKind::Technical => {
            let restored = received + mins(60 + dice.below(600));
            h.alarm.restored_at = Some(restored);
            h.step(
                contacted,
                operator,
                "note",
                Some("Låg batterinivå, brukaren får nytt batteri.".to_owned()),
            );
            (
                restored + mins(5),
                CloseCause::Technical,
                Some("Batteriet bytt av hemtjänsten.".to_owned()),
            )
        }
        _ if kind == AlarmKind::Personal && dice.chance(450) => {
            // Handled on the phone.
            let (cause, note) = if dice.chance(500) {
                (CloseCause::Accidental, "Tryckte av misstag, allt väl.")
            } else {
                (
                    CloseCause::HelpGiven,
                    "Brukaren ville prata, lugnad i telefon.",
                )
            };
            let a = &mut h.alarm.alarm;
            a.contacted_at = Some(contacted);
            h.step(contacted, operator, "contact", Some(note.to_owned()));
            (
                contacted + secs(60 + dice.below(240)),
                cause,
                Some(note.to_owned()),
            )
        }
        _ => {
            // Staff are sent along the chain.
            let link = if night {
                ChainLink::NightPatrol
            } else {
                ChainLink::HomeCare
            };
            let dispatched = contacted + secs(30 + dice.below(90));
            let acknowledged = dispatched + secs(30 + dice.below(150));
            let on_way = acknowledged + secs(60 + dice.below(120));
            let arrived = on_way + mins(8 + dice.below(22));
            let closed = arrived + mins(10 + dice.below(35));
            h.step(
                contacted,
                operator,
                "contact",
                Some(
                    if kind == AlarmKind::Fall {
                        "Brukaren har ramlat, kan inte resa sig."
                    } else {
                        "Brukaren behöver hjälp, personal skickas."
                    }
                    .to_owned(),
                ),
            );
            h.step(
                dispatched,
                operator,
                "dispatch",
                Some(link.code().to_owned()),
            );
            h.step(acknowledged, responder, "acknowledge", None);
            h.step(on_way, responder, "on_the_way", None);
            h.step(arrived, responder, "arrive", None);
            let a = &mut h.alarm.alarm;
            a.contacted_at = Some(contacted);
            a.dispatched_at = Some(dispatched);
            a.acknowledged_at = Some(acknowledged);
            a.on_way_at = Some(on_way);
            a.arrived_at = Some(arrived);
            h.alarm.chain_link = Some(link);
            let (cause, note) = if kind == AlarmKind::Fall {
                (CloseCause::Fall, "Hjälpt upp, inga synliga skador.")
            } else {
                (CloseCause::HelpGiven, "Hjälpt till toaletten och i säng.")
            };
            h.alarm.closed_by = Some(responder);
            h.step(
                closed,
                responder,
                "close",
                Some(format!("{}: {note}", cause.code())),
            );
            let a = &mut h.alarm.alarm;
            a.state = AlarmState::Closed;
            a.closed_at = Some(closed);
            h.alarm.cause = Some(cause);
            h.alarm.note = Some(note.to_owned());
            h.alarm.updated_at = closed;
            return;
        }
    };
    if h.alarm.alarm.contacted_at.is_none() && kind != AlarmKind::Technical {
        h.alarm.alarm.contacted_at = Some(contacted);
    }
    h.alarm.closed_by = Some(operator);
    let code = cause.code();
    h.step(
        closed,
        operator,
        "close",
        Some(
            note.as_deref()
                .map_or(code.to_owned(), |n| format!("{code}: {n}")),
        ),
    );
    let a = &mut h.alarm.alarm;
    a.state = AlarmState::Closed;
    a.closed_at = Some(closed);
    h.alarm.cause = Some(cause);
    h.alarm.note = note;
    h.alarm.updated_at = closed;
}

fn checks(
    services: &Services,
    fitted: &[Fitted],
    people: &People,
    (first, today): (Date, Date),
    tz: &TimeZone,
    dice: &mut Dice,
    h: &mut History,
) -> anyhow::Result<()> {
    let schedule = &services.config.alarms.checks;
    let now = services.now();
    let mut providers: Vec<OrganisationId> = fitted
        .iter()
        .filter(|f| f.kind == DeviceKind::AlarmUnit)
        .map(|f| f.provider)
        .collect();
    providers.sort();
    providers.dedup();
    let mut day = first;
    while day < today {
        for due in schedule.checks_on(day, tz) {
            for provider in &providers {
                let Some((_, signer)) = people
                    .technical_contacts
                    .iter()
                    .find(|(o, _)| o == provider)
                else {
                    continue;
                };
                let signed = due + mins(3 + dice.below(50));
                if signed >= now {
                    continue;
                }
                h.technical_checks.push(TechnicalCheck {
                    id: TechnicalCheckId::new(),
                    organisation_id: *provider,
                    due_at: due,
                    signed_at: Some(signed),
                    signed_by: Some(*signer),
                    open_alarms: Some(0),
                    note: None,
                    missed_at: None,
                });
            }
        }
        day = day.tomorrow()?;
    }
    Ok(())
}

fn device_events(
    fitted: &[Fitted],
    devices: &[DemoDevice],
    people: &People,
    first: Date,
    tz: &TimeZone,
    dice: &mut Dice,
    h: &mut History,
) -> anyhow::Result<()> {
    let spares = devices
        .iter()
        .filter(|d| d.status == DeviceStatus::InStock.code() && d.client_id.is_none());
    for (n, spare) in spares.enumerate() {
        let Some(kind) = DeviceKind::from_code(&spare.kind) else {
            continue;
        };
        let homes: Vec<&Fitted> = fitted.iter().filter(|f| f.kind == kind).collect();
        if homes.is_empty() {
            continue;
        }
        let former = homes[n % homes.len()];
        // Fitted in the history's first weeks, taken back some months later.
        let fitted_on = first.checked_add((2 + 3 * i64::try_from(n)?).days())?;
        let back_on = fitted_on.checked_add((150 + dice.below(120)).days())?;
        let ten = Time::constant(10, 0, 0, 0);
        let steps: [(DeviceStep, Timestamp, Option<&str>); 7] = [
            (DeviceStep::Assign, at(fitted_on, ten, tz)?, None),
            (
                DeviceStep::Install,
                at(fitted_on.tomorrow()?, ten, tz)?,
                None,
            ),
            (
                DeviceStep::PassTest,
                at(fitted_on.tomorrow()?, ten, tz)? + mins(20),
                None,
            ),
            (
                DeviceStep::Activate,
                at(fitted_on.tomorrow()?, ten, tz)? + mins(30),
                None,
            ),
            (
                DeviceStep::Deactivate,
                at(back_on, ten, tz)?,
                Some("Ersatt av ny enhet hos brukaren."),
            ),
            (
                DeviceStep::Return,
                at(back_on.checked_add(2.days())?, ten, tz)?,
                None,
            ),
            (
                DeviceStep::Restock,
                at(back_on.checked_add(3.days())?, ten, tz)?,
                Some("Rengjord och kontrollerad."),
            ),
        ];
        let mut status = DeviceStatus::InStock;
        for (step, when, note) in steps {
            let Ok(next) = status.after(step) else {
                break;
            };
            h.device_events.push(DeviceEvent {
                id: DeviceEventId::new(),
                device_id: spare.id,
                step,
                from: status,
                to: next,
                client_id: (next != DeviceStatus::InStock).then_some(former.client),
                at: when,
                by_user: Some(people.device_admin),
                note: note.map(str::to_owned),
            });
            status = next;
        }
    }
    Ok(())
}
