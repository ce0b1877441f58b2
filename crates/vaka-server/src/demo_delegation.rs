//! The demo's delegated health-care tasks: two licensed nurses (Hemtjänst Centrum's and
//! Hemtjänst Söder's) who delegate insulin, medication and compression stockings to the units'
//! care workers (one delegation ending within 30 days, one revoked), prescriptions on a dozen
//! home-care clients (08:00, 12:00, 20:00; one as needed), and the signings from the start of
//! yesterday up to now — one occasion left unsigned (missed), one medication not given (a
//! deviation for the nurse), one signed late.
//!
//! The past is replayed through the real use cases at their own times ([`Services::at_clock`]):
//! the delegations are decided and signed the day before yesterday, the prescriptions made
//! then, and each occasion signed a few minutes after it was due, so every rule (and every
//! audit entry) is the one a real day gives. Occasions come from the domain's
//! [`occasions_on`], so a day with a daylight-saving change gets its times right.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use jiff::civil::{Date, Time, time};
use jiff::{SignedDuration, Timestamp, ToSpan};
use vaka_domain::access::{Credential, Principal};
use vaka_domain::clock::ManualClock;
use vaka_domain::delegation::{
    NotGivenReason, Prescription, SigningOutcome, TaskTypeCode, occasions_on,
};
use vaka_domain::ids::{ClientId, SigningId, UnitId, UserId};
use vaka_service::delegation::delegations::{DelegationInput, RevocationInput};
use vaka_service::delegation::licences::LicenceInput;
use vaka_service::delegation::prescriptions::PrescriptionInput;
use vaka_service::delegation::signing::SigningInput;
use vaka_service::{Ctx, RequestMeta, Services};

/// How many of each unit's home-care clients get prescribed tasks.
pub const CLIENTS_PER_UNIT: usize = 6;

/// A licensed nurse, her unit and the care workers she delegates to (at least two).
pub struct Nurse {
    pub user: UserId,
    pub licence_number: &'static str,
    pub unit: UnitId,
    pub workers: Vec<UserId>,
}

/// What was seeded, for the start-up summary and the tests.
#[derive(Debug, Default, Clone)]
pub struct Seeded {
    pub delegations: usize,
    pub prescribed_clients: Vec<ClientId>,
    pub signings: usize,
    /// The occasion left unsigned, `{prescription}/{date}/{HH:MM}`.
    pub missed: Option<String>,
}

/// A local time on `day` in Stockholm, as an instant.
fn local(day: Date, t: Time) -> anyhow::Result<Timestamp> {
    Ok(day
        .to_datetime(t)
        .to_zoned(vaka_service::registry::stockholm())?
        .timestamp())
}

fn at(h: i8, m: i8) -> Time {
    time(h, m, 0, 0)
}

/// The task of the `j`th prescribed client of a unit: its type, instruction and times.
fn task_of(j: usize) -> (&'static str, &'static str, Vec<Time>) {
    match j % 3 {
        0 => (
            "insulin",
            "Novorapid Flexpen 4 E s.c. i buken, före måltid",
            vec![at(8, 0), at(20, 0)],
        ),
        1 => (
            "medication",
            "Dosett enligt läkemedelslista: morgon, lunch och kväll",
            vec![at(8, 0), at(12, 0), at(20, 0)],
        ),
        _ => (
            "compression_stockings",
            "Kompressionsstrumpor klass 2 på efter morgontoaletten, av till kvällen",
            vec![at(8, 0), at(20, 0)],
        ),
    }
}

/// Seeds the delegated tasks. `manager` sets the licences (the municipality's system
/// manager); `nurses[i]` works in the unit whose clients she prescribes for.
pub async fn seed(
    services: &Services,
    manager: &Principal,
    meta: &RequestMeta,
    nurses: [Nurse; 2],
) -> anyhow::Result<Seeded> {
    let tz = vaka_service::registry::stockholm();
    let now = services.now();
    let today = now.to_zoned(tz.clone()).date();
    let yesterday = today.yesterday()?;
    let decided = today.checked_sub(2.days())?;
    let clock = ManualClock::new(local(decided, at(9, 0))?);
    let past = services.at_clock(Arc::new(clock.clone()));
    let ctx = |p| Ctx::new(p, meta);
    let mut out = Seeded::default();

    let mut acting: HashMap<UserId, Principal> = HashMap::new();
    for n in &nurses {
        for id in std::iter::once(&n.user).chain(&n.workers) {
            acting.insert(*id, past.principal_for(*id, Credential::Cli).await?);
        }
    }
    let who = |id: &UserId| acting.get(id).context("a demo principal");

    // The licences, in the morning; the delegations after the afternoon's teaching.
    for n in &nurses {
        past.set_licence(
            &ctx(manager),
            n.user,
            Some(LicenceInput {
                profession: "nurse".into(),
                number: n.licence_number.into(),
            }),
        )
        .await?;
    }
    clock.set(local(decided, at(14, 0))?);
    // Who signs what in each unit: the first worker medication and compression stockings,
    // the second medication and insulin. The first holds no insulin delegation (only one
    // revoked), so that a newcomer can try delegating insulin to `carestaff` as the issue's
    // walk-through does, and see her next signing refused once it is revoked.
    let mut signer: HashMap<(UnitId, &str), UserId> = HashMap::new();
    for (k, n) in nurses.iter().enumerate() {
        let (first, second) = match n.workers.as_slice() {
            [a, b, ..] => (*a, *b),
            _ => anyhow::bail!("a demo nurse delegates to two care workers"),
        };
        let expiring = today.checked_add(20.days())?;
        let mut plan = vec![
            ("insulin", second, None, false),
            ("medication", first, None, false),
            ("medication", second, None, false),
            // Ends within 30 days: in the list of those to renew.
            ("compression_stockings", first, Some(expiring), false),
        ];
        if k == 0 {
            // Replaced by the second worker's: revoked the same afternoon.
            plan.push(("insulin", first, None, true));
        }
        for (task, to, last, revoke) in plan {
            let d = past
                .create_delegation(
                    &ctx(who(&n.user)?),
                    DelegationInput {
                        task_type: task.into(),
                        recipient: to,
                        unit_id: n.unit,
                        whole_unit: true,
                        clients: Vec::new(),
                        one_occasion: false,
                        from: decided,
                        to: last,
                        competence_methods: vec![
                            "teaching".into(),
                            "practical_demonstration".into(),
                        ],
                        competence_checked_on: Some(decided),
                        competence_note: Some("Genomgång och praktisk visning hos brukare".into()),
                    },
                )
                .await
                .with_context(|| format!("delegation of {task}"))?;
            past.sign_delegation(&ctx(who(&n.user)?), d.id, None)
                .await?;
            past.sign_delegation(&ctx(who(&to)?), d.id, None).await?;
            out.delegations += 1;
            if revoke {
                clock.set(local(decided, at(16, 30))?);
                past.revoke_delegation(
                    &ctx(who(&n.user)?),
                    d.id,
                    RevocationInput {
                        reason: "replaced".into(),
                        note: Some("Insulinet ges av ordinarie kontaktperson".into()),
                    },
                )
                .await?;
                clock.set(local(decided, at(14, 0))?);
            } else {
                signer.entry((n.unit, task)).or_insert(to);
            }
        }
    }

    // The prescriptions, from yesterday on: a dozen clients, six per unit.
    clock.set(local(decided, at(15, 0))?);
    let mut prescriptions: Vec<(UnitId, Prescription)> = Vec::new();
    let mut as_needed: Option<(UnitId, Prescription)> = None;
    for n in &nurses {
        let clients = past.delegation_clients(&ctx(who(&n.user)?), n.unit).await?;
        anyhow::ensure!(
            clients.len() >= CLIENTS_PER_UNIT,
            "the demo unit has {} clients",
            clients.len()
        );
        for (j, (client, _)) in clients.iter().take(CLIENTS_PER_UNIT).enumerate() {
            let (task, instruction, times) = task_of(j);
            let p = past
                .prescribe(
                    &ctx(who(&n.user)?),
                    *client,
                    PrescriptionInput {
                        task_type: task.into(),
                        instruction: instruction.into(),
                        times,
                        as_needed: false,
                        start: yesterday,
                        end: None,
                        window_before_minutes: None,
                        window_after_minutes: None,
                    },
                )
                .await
                .with_context(|| format!("prescription of {task}"))?;
            out.prescribed_clients.push(*client);
            prescriptions.push((n.unit, p));
            if j == 1 && as_needed.is_none() {
                let p = past
                    .prescribe(
                        &ctx(who(&n.user)?),
                        *client,
                        PrescriptionInput {
                            task_type: "medication".into(),
                            instruction: "Alvedon 500 mg vid smärta, högst 3 gånger per dygn"
                                .into(),
                            times: Vec::new(),
                            as_needed: true,
                            start: yesterday,
                            end: None,
                            window_before_minutes: None,
                            window_after_minutes: None,
                        },
                    )
                    .await?;
                as_needed = Some((n.unit, p));
            }
        }
    }

    // Every occasion from yesterday up to now, in due order.
    let mut due = Vec::new();
    for day in [yesterday, today] {
        for (unit, p) in &prescriptions {
            for o in occasions_on(std::slice::from_ref(p), day, &tz) {
                due.push((*unit, o));
            }
        }
    }
    due.sort_by_key(|(_, o)| (o.due, o.key));
    // In the first nurse's unit (the demo's `nurse` finds them in her lists): the last
    // occasion whose window has closed is left unsigned; a medication at 12:00 yesterday is
    // not given; one insulin dose yesterday evening is signed late.
    let first_unit = nurses[0].unit;
    let missed = due
        .iter()
        .rev()
        .find(|(u, o)| *u == first_unit && o.closes < now)
        .map(|(_, o)| o.key);
    let medication = TaskTypeCode::parse("medication")?;
    let insulin = TaskTypeCode::parse("insulin")?;
    let not_given = due
        .iter()
        .find(|(u, o)| {
            *u == first_unit
                && o.task_type == medication
                && o.key.date == yesterday
                && o.key.time == at(12, 0)
        })
        .map(|(_, o)| o.key);
    let late = due
        .iter()
        .find(|(u, o)| {
            *u == first_unit
                && o.task_type == insulin
                && o.key.date == yesterday
                && o.key.time == at(20, 0)
                && Some(o.key) != missed
        })
        .map(|(_, o)| o.key);
    for (i, (unit, o)) in due.iter().enumerate() {
        if Some(o.key) == missed {
            continue;
        }
        let minutes = if Some(o.key) == late {
            75
        } else {
            i64::try_from(i % 12).unwrap_or(0)
        };
        let signed_at = o.due + SignedDuration::from_mins(minutes);
        if signed_at > now {
            continue;
        }
        let by = signer
            .get(&(*unit, o.task_type.as_str()))
            .context("a demo signer")?;
        clock.set(signed_at);
        let refused = Some(o.key) == not_given;
        past.sign_task(
            &ctx(who(by)?),
            SigningInput {
                id: SigningId::new(),
                occasion: Some(o.key.to_string()),
                prescription_id: None,
                client_id: Some(o.client_id),
                outcome: if refused {
                    SigningOutcome::NotGiven
                } else {
                    SigningOutcome::Given
                },
                not_given_reason: refused.then_some(NotGivenReason::Refused),
                note: refused.then(|| "Ville inte ta tabletterna, illamående".to_owned()),
            },
        )
        .await
        .with_context(|| format!("signing {}", o.key))?;
        out.signings += 1;
    }
    out.missed = missed.map(|k| k.to_string());

    // The as-needed dose, yesterday evening, and its effect an hour later.
    if let Some((unit, p)) = as_needed {
        let by = signer.get(&(unit, "medication")).context("a demo signer")?;
        clock.set(local(yesterday, at(21, 30))?);
        let done = past
            .sign_task(
                &ctx(who(by)?),
                SigningInput {
                    id: SigningId::new(),
                    occasion: None,
                    prescription_id: Some(p.id),
                    client_id: Some(p.client_id),
                    outcome: SigningOutcome::AsNeededGiven,
                    not_given_reason: None,
                    note: Some("Ont i höften, svårt att somna".into()),
                },
            )
            .await?;
        clock.set(local(yesterday, at(22, 30))?);
        past.note_signing_effect(&ctx(who(by)?), done.signing.id, "Sov lugnt efteråt")
            .await?;
        out.signings += 1;
    }
    Ok(out)
}
