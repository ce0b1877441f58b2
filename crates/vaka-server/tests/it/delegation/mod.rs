//! Delegated health-care tasks through the service (`vaka_service::delegation`), on both
//! databases, and the demo's share of them. By concern: [`delegations`] (deciding, signing
//! with a fresh second factor, the bad input refused, licences and task types), [`signing`]
//! (prescriptions, the client's day, signing an occasion, deviations, revocation at once, the
//! unit's lists and reports), [`licences_leave`] (the licence and task-type pages, a party's
//! leave), [`report`] (missed and late signings per unit and week) and [`demo`] (what
//! `vaka demo` seeds). The shared set-up is here.

mod delegations;
mod demo;
mod licences_leave;
mod report;
mod signing;

use jiff::civil::{Date, Time, date, time};
use vaka_domain::access::{Credential, Principal, Role};
use vaka_domain::clock::Clock;
use vaka_domain::delegation::{DelegationStatus, OccasionKey, SigningOutcome};
use vaka_domain::ids::{ClientId, DelegationId, PrescriptionId, SigningId};
use vaka_service::admin::CliAccount;
use vaka_service::delegation::delegations::DelegationInput;
use vaka_service::delegation::licences::LicenceInput;
use vaka_service::delegation::prescriptions::PrescriptionInput;
use vaka_service::delegation::signing::{SigningInput, SigningResult};
use vaka_service::directory::RoleInput;
use vaka_service::{Ctx, RequestMeta, ServiceError, ServiceResult};

use crate::support::TestApp;
use crate::world::{PASSWORD, Person, World};

/// The first day of every test's clock (`support::t0`, a Sunday, 10:00 in Stockholm).
const SUNDAY: Date = date(2026, 11, 22);
const MONDAY: Date = date(2026, 11, 23);

/// The message id of a refusal, with its kind.
#[track_caller]
fn refusal<T: std::fmt::Debug>(r: ServiceResult<T>) -> (&'static str, &'static str) {
    match r {
        Err(ServiceError::Invalid { reason, .. }) => ("invalid", reason.id()),
        Err(ServiceError::Forbidden(reason)) => ("forbidden", reason.id()),
        Err(ServiceError::Conflict(reason)) => ("conflict", reason.id()),
        other => panic!("expected a refusal: {other:?}"),
    }
}

/// A caller on the command line (no step-up asked).
async fn cli(app: &TestApp, who: &Person) -> Principal {
    app.services
        .principal_for(who.id, Credential::Cli)
        .await
        .unwrap()
}

/// A caller in a browser session whose second factor was proven now.
async fn session(app: &TestApp, who: &Person) -> Principal {
    let account = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.get_user(who.id).await.unwrap().unwrap()
    };
    let new = app
        .services
        .start_session(&account, true, false, true, &RequestMeta::default())
        .await
        .unwrap();
    app.services
        .principal_for(who.id, Credential::Session(new.session.id))
        .await
        .unwrap()
}

/// Another person of provider A with `role` in `unit`.
async fn add_person(app: &TestApp, w: &World, name: &str, role: Role) -> Person {
    let secret = totp_rs::Secret::generate().to_base32();
    let (acc, _) = app
        .services
        .cli_create_user(CliAccount {
            username: name.into(),
            display_name: format!("Test {name}"),
            email: format!("{name}@test.se"),
            hsa_id: None,
            organisation_id: w.a,
            roles: vec![RoleInput {
                role,
                organisation_id: w.a,
                unit_id: Some(w.a1),
            }],
            password: Some(PASSWORD.into()),
            totp_secret: Some(secret.clone()),
        })
        .await
        .unwrap();
    Person {
        id: acc.id,
        username: name.into(),
        role,
        org: w.a,
        unit: Some(w.a1),
        totp_secret: Some(secret),
        token: String::new(),
    }
}

/// Gives `who` a nurse's licence (the municipality's system manager).
pub(crate) async fn license(app: &TestApp, w: &World, who: &Person) {
    let manager = cli(app, w.p("m_manager")).await;
    let meta = RequestMeta::default();
    app.services
        .set_licence(
            &Ctx::new(&manager, &meta),
            who.id,
            Some(LicenceInput {
                profession: "nurse".into(),
                number: "7654321".into(),
            }),
        )
        .await
        .unwrap();
}

/// A delegation of `task` in A1 to `recipient`, for the whole unit, from today through `to`.
fn delegation_to(w: &World, task: &str, recipient: &Person, to: Date) -> DelegationInput {
    DelegationInput {
        task_type: task.into(),
        recipient: recipient.id,
        unit_id: w.a1,
        whole_unit: true,
        clients: Vec::new(),
        one_occasion: false,
        from: SUNDAY,
        to: Some(to),
        competence_methods: vec!["teaching".into(), "practical_demonstration".into()],
        competence_checked_on: Some(date(2026, 11, 20)),
        competence_note: None,
    }
}

/// A delegation decided by `nurse` and signed by both parties (on the command line).
async fn valid_delegation(
    app: &TestApp,
    nurse: &Person,
    input: DelegationInput,
    recipient: &Person,
) -> DelegationId {
    let meta = RequestMeta::default();
    let n = cli(app, nurse).await;
    let s = &app.services;
    let d = s
        .create_delegation(&Ctx::new(&n, &meta), input)
        .await
        .unwrap();
    s.sign_delegation(&Ctx::new(&n, &meta), d.id, None)
        .await
        .unwrap();
    let r = cli(app, recipient).await;
    let signed = s
        .sign_delegation(&Ctx::new(&r, &meta), d.id, None)
        .await
        .unwrap();
    // Signed by both: valid, or waiting for its first day.
    let status = signed.status(
        app.clock.now(),
        &jiff::tz::TimeZone::get("Europe/Stockholm").unwrap(),
    );
    assert!(
        matches!(
            status,
            DelegationStatus::Valid { .. } | DelegationStatus::NotYetStarted { .. }
        ),
        "{status:?}"
    );
    d.id
}

fn at(hour: i8, minute: i8) -> Time {
    time(hour, minute, 0, 0)
}

fn scheduled(task: &str, times: &[Time]) -> PrescriptionInput {
    PrescriptionInput {
        task_type: task.into(),
        instruction: "4 E Novorapid s.c. i buken".into(),
        times: times.to_vec(),
        as_needed: false,
        start: SUNDAY,
        end: None,
        window_before_minutes: None,
        window_after_minutes: None,
    }
}

async fn prescribe(
    app: &TestApp,
    nurse: &Person,
    client: ClientId,
    input: PrescriptionInput,
) -> PrescriptionId {
    let n = cli(app, nurse).await;
    let meta = RequestMeta::default();
    app.services
        .prescribe(&Ctx::new(&n, &meta), client, input)
        .await
        .unwrap()
        .id
}

fn occasion(p: PrescriptionId, day: Date, t: Time) -> String {
    OccasionKey {
        prescription_id: p,
        date: day,
        time: t,
    }
    .to_string()
}

fn given(id: SigningId, occasion: &str) -> SigningInput {
    SigningInput {
        id,
        occasion: Some(occasion.to_owned()),
        prescription_id: None,
        client_id: None,
        outcome: SigningOutcome::Given,
        not_given_reason: None,
        note: None,
    }
}

async fn sign(app: &TestApp, who: &Person, input: SigningInput) -> ServiceResult<SigningResult> {
    let p = cli(app, who).await;
    let meta = RequestMeta::default();
    app.services.sign_task(&Ctx::new(&p, &meta), input).await
}

/// The signing audit entries about `client` with `outcome`.
async fn signings_audited(app: &TestApp, w: &World, client: ClientId, outcome: &str) -> usize {
    w.audit_about(app, "signing.sign", client)
        .await
        .iter()
        .filter(|e| e["outcome"] == outcome)
        .count()
}
