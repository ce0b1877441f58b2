//! What `vaka demo` seeds of delegated tasks (issue 16, item 7).

use jiff::civil::date;
use vaka_domain::access::{Credential, Principal};
use vaka_domain::clock::Clock;
use vaka_service::{Ctx, RequestMeta};

use crate::db_tests;
use crate::support::TestApp;

/// `vaka demo`'s delegated tasks (issue 16, item 7): two nurses with licences, delegations to
/// several care workers (one ending within 30 days, one revoked), prescriptions on a dozen
/// home-care clients, and the signings of yesterday and today with exactly one occasion
/// missed, one medication not given (an open deviation) and one signed late.
async fn the_demo_has_delegated_tasks(app: TestApp) {
    demo_has_delegated_tasks(&app).await;
}

/// The demo started at 01:30 on the day after the spring change to summer time: yesterday
/// (23 hours long) is signed through with its occasions at their local times, and the one
/// missed occasion is yesterday's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_started_after_midnight_after_a_dst_change() {
    let app = TestApp::sqlite().await;
    app.clock.set("2027-03-28T23:30:00Z".parse().unwrap());
    demo_has_delegated_tasks(&app).await;
    let mut tx = app.store.begin_read().await.unwrap();
    let nurse = tx.get_user_by_username("nurse").await.unwrap().unwrap();
    drop(tx);
    let p = app
        .services
        .principal_for(nurse.id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    let unit = {
        let mut tx = app.store.begin_read().await.unwrap();
        tx.list_delegations_of_user(nurse.id).await.unwrap()[0]
            .terms
            .unit_id
    };
    let list = app
        .services
        .unit_signing_list(&Ctx::new(&p, &meta), unit, date(2027, 3, 28))
        .await
        .unwrap();
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    for l in &list.lines {
        let local = l.occasion.due.to_zoned(tz.clone());
        assert_eq!(local.time(), l.occasion.key.time, "due at its local time");
        assert_eq!(local.date(), date(2027, 3, 28));
        if let Some(signing) = &l.signing {
            assert!(signing.signed_at >= l.occasion.due);
        }
    }
    app.finish().await;
}

async fn demo_has_delegated_tasks(app: &TestApp) {
    let creds = vaka_server::demo::seed(&app.services, "http://demo.test")
        .await
        .unwrap();
    let s = &app.services;
    let meta = RequestMeta::default();
    let tz = jiff::tz::TimeZone::get("Europe/Stockholm").unwrap();
    let now = app.clock.now();
    let today = now.to_zoned(tz.clone()).date();
    let mut units = Vec::new();
    let mut revoked = 0;
    let mut workers = std::collections::HashSet::new();
    for name in ["nurse", "lovnurse"] {
        let listed = creds.users.iter().find(|u| u.username == name).unwrap();
        assert_eq!(listed.roles, vec!["nurse".to_owned()]);
        assert!(listed.totp_secret.is_some(), "{name} logs in with a code");
        let mut tx = app.store.begin_read().await.unwrap();
        let user = tx.get_user_by_username(name).await.unwrap().unwrap();
        let licence = tx.get_licence(user.id).await.unwrap().expect("a licence");
        assert_eq!(licence.profession.code(), "nurse");
        let delegations = tx.list_delegations_of_user(user.id).await.unwrap();
        drop(tx);
        assert!(delegations.len() >= 4, "{name}: {delegations:?}");
        for d in &delegations {
            assert_eq!(d.terms.delegator, user.id);
            assert!(d.delegator_signed_at.is_some() && d.recipient_signed_at.is_some());
            workers.insert(d.terms.recipient);
            match d.status(now, &tz).code() {
                "revoked" => revoked += 1,
                "valid" => {}
                other => panic!("{other}"),
            }
        }
        let p = s.principal_for(user.id, Credential::Cli).await.unwrap();
        units.push((p, delegations[0].terms.unit_id));
    }
    assert_eq!(revoked, 1);
    assert!(workers.len() >= 4, "several care workers: {workers:?}");
    // The walk-through delegates insulin to `carestaff` and sees her next signing refused
    // after revoking it: she holds no other insulin delegation.
    let mut tx = app.store.begin_read().await.unwrap();
    let carestaff = tx.get_user_by_username("carestaff").await.unwrap().unwrap();
    let hers = tx.list_delegations_of_user(carestaff.id).await.unwrap();
    drop(tx);
    assert!(hers.iter().any(|d| d.valid_at(now, &tz)), "{hers:?}");
    assert!(
        !hers
            .iter()
            .any(|d| d.terms.task_type.as_str() == "insulin" && d.valid_at(now, &tz)),
        "{hers:?}"
    );

    // Per unit: [missed, late] over yesterday and today.
    let (mut clients, mut signed) = (std::collections::HashSet::new(), 0);
    let mut counts = Vec::new();
    for (nurse, unit) in &units {
        let ctx = Ctx::new(nurse, &meta);
        let expiring = s.delegations_expiring(&ctx, 30).await.unwrap();
        assert!(
            expiring
                .iter()
                .all(|v| v.delegation.terms.validity.last_day() <= today + jiff::ToSpan::days(30))
        );
        assert!(!expiring.is_empty(), "one to renew in each unit");
        let mut c = [0, 0];
        for day in [today.yesterday().unwrap(), today] {
            let list = s.unit_signing_list(&ctx, *unit, day).await.unwrap();
            clients.extend(list.lines.iter().map(|l| l.client_id));
            c[0] += list.tally.missed;
            c[1] += list.tally.late;
            signed += list.tally.in_time + list.tally.late;
        }
        counts.push(c);
        assert!(!s.unit_register(&ctx, *unit).await.unwrap().lines.is_empty());
    }
    assert!(clients.len() >= 12, "{} clients", clients.len());
    // One occasion left unsigned and one signed late, both in `nurse`'s unit.
    assert_eq!(counts, vec![[1, 1], [0, 0]]);
    // Yesterday's 28 occasions at least, one of them missed.
    assert!(signed >= 27, "{signed} signed");
    let deviations = async |p: &Principal| {
        s.open_deviations(&Ctx::new(p, &meta), None)
            .await
            .unwrap()
            .len()
    };
    assert_eq!(deviations(&units[0].0).await, 1, "the medication not given");
    assert_eq!(deviations(&units[1].0).await, 0);
}

db_tests!(the_demo_has_delegated_tasks,);
