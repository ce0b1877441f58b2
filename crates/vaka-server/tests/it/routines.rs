//! The municipality's operating routines (issue 17, part 6) through the pages: planned
//! downtime announced at least 7 days ahead inside the agreed window (refused otherwise, the
//! rule named in Swedish), shown as a banner to those it concerns and acknowledged by each
//! provider's contact person; outages reported, routed by the hour and shown until resolved.
//! The test clock starts on Sunday 22 November 2026, 10:00 in Stockholm.

use axum::http::StatusCode;
use jiff::Timestamp;

use crate::db_tests;
use axum::http::Method;
use serde_json::json;

use crate::support::{TestApp, logged_in, night_supervision, ok};
use crate::world::World;

db_tests!(
    a_notice_four_days_ahead_is_refused_and_a_valid_one_becomes_a_banner,
    a_notice_for_one_provider_shows_to_it_and_its_contact_acknowledges,
    outages_are_routed_by_the_hour_and_shown_until_resolved,
    the_reserve_list_prints_tonights_supervisions_and_keys_and_audits_each_client,
    each_provider_names_its_contacts_and_confirms_them_yearly,
);

fn notice<'a>(title: &'a str, day: &'a str, from: &'a str, to: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_form", "notice"),
        ("title", title),
        ("details", "Använd reservrutinen på papper."),
        ("day", day),
        ("from", from),
        ("to", to),
    ]
}

/// The banners of a page, as `data-banner` kinds.
fn banners(body: &str) -> Vec<&str> {
    body.split("data-banner=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

async fn a_notice_four_days_ahead_is_refused_and_a_valid_one_becomes_a_banner(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let staff = logged_in(&app, w.p("b_staff").id).await;

    // Thursday 26 November is four days ahead: refused, naming the rule and the first day.
    let res = app
        .form(
            "/operations/notices",
            &manager,
            &notice("Uppgradering", "2026-11-26", "10:00", "12:00"),
        )
        .await;
    res.assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "planerade driftstopp meddelas minst 7 dagar i förväg: tidigast 2026-11-29",
    );
    // What was typed is kept in the form.
    res.assert_has(r#"value="2026-11-26""#);
    // A Friday, a start before ten and an end past one: refused, each naming its rule.
    app.form(
        "/operations/notices",
        &manager,
        &notice("Uppgradering", "2026-12-04", "10:00", "12:00"),
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "planerade driftstopp läggs tisdag–torsdag mellan 10:00 och 13:00",
    );
    app.form(
        "/operations/notices",
        &manager,
        &notice("Uppgradering", "2026-12-01", "09:00", "11:00"),
    )
    .await
    .assert_says(StatusCode::UNPROCESSABLE_ENTITY, "tisdag–torsdag");
    app.form(
        "/operations/notices",
        &manager,
        &notice("Uppgradering", "2026-12-01", "12:00", "13:30"),
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "driftstoppet måste vara slut senast 13:00",
    );
    // Nothing was written by the refusals.
    let page = app.get("/operations", &manager).await;
    page.assert_says(StatusCode::OK, "Inga planerade driftstopp.");
    assert!(banners(&app.get("/", &staff).await.body).is_empty());

    // Tuesday 1 December, 10–12: nine days ahead, inside the window.
    let res = app
        .form(
            "/operations/notices",
            &manager,
            &notice("Uppgradering av Vaka", "2026-12-01", "10:00", "12:00"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some("/operations?ok=ops-notice-published-ok")
    );
    // Every page of a user it concerns (here: every provider's) carries the banner.
    let home = app.get("/", &staff).await;
    assert_eq!(banners(&home.body), vec!["downtime"], "{}", home.body);
    home.assert_has("Planerat driftstopp 2026-12-01 10:00–12:00: Uppgradering av Vaka.");
    let other = app.get("/profile", &staff).await;
    other.assert_has("Uppgradering av Vaka");
    // The list shows it as upcoming, with every provider and alarm centre yet to acknowledge.
    let page = app.get("/operations", &manager).await;
    page.assert_has(r#"data-state="upcoming""#);
    page.assert_has("Privat Omsorg AB: <span class=\"badge muted\">Inte kvitterad</span>");
    page.assert_has("Larmcentral AB: <span class=\"badge muted\">Inte kvitterad</span>");

    // On the day it is on, then over (a new login each time: a session ends when idle).
    app.clock
        .set("2026-12-01T09:30:00Z".parse::<Timestamp>().unwrap());
    let staff = logged_in(&app, w.p("b_staff").id).await;
    let home = app.get("/", &staff).await;
    assert_eq!(banners(&home.body), vec!["downtime-ongoing"]);
    home.assert_has("Driftstopp pågår 2026-12-01 10:00–12:00");
    app.clock
        .set("2026-12-01T11:00:00Z".parse::<Timestamp>().unwrap());
    let staff = logged_in(&app, w.p("b_staff").id).await;
    assert!(banners(&app.get("/", &staff).await.body).is_empty());

    // The publication is audited.
    let audit = app
        .get(
            "/api/v1/audit?action=operations.notice_publish&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert!(
        entries[0]["details"]
            .as_str()
            .unwrap()
            .contains("2026-12-01T09:00:00Z"),
        "{audit}"
    );
}

async fn a_notice_for_one_provider_shows_to_it_and_its_contact_acknowledges(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let b = w.b.to_string();
    let mut fields = notice("Byte av larmserver", "2026-12-02", "10:00", "11:00");
    fields.push(("organisations", &b));
    let res = app.form("/operations/notices", &manager, &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Provider B's users and the municipality's see it; provider A's do not.
    let b_staff = logged_in(&app, w.p("b_staff").id).await;
    let a_staff = logged_in(&app, w.p("a_staff").id).await;
    let admin = logged_in(&app, w.p("m_admin").id).await;
    assert_eq!(
        banners(&app.get("/", &b_staff).await.body),
        vec!["downtime"]
    );
    assert_eq!(banners(&app.get("/", &admin).await.body), vec!["downtime"]);
    assert!(banners(&app.get("/", &a_staff).await.body).is_empty());
    let page = app.get("/operations", &a_staff).await;
    page.assert_has("Inga planerade driftstopp.");

    // The alarm centre's contact is not concerned; B's contact acknowledges it.
    let page = app.get("/operations", &manager).await;
    let id = page
        .body
        .split("data-notice=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let ack = format!("/operations/notices/{id}/acknowledge");
    let c_admin = logged_in(&app, w.p("c_admin").id).await;
    let res = app.form(&ack, &c_admin, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let b_admin = logged_in(&app, w.p("b_admin").id).await;
    let page = app.get("/operations", &b_admin).await;
    page.assert_has(&format!(r#"action="{ack}""#));
    let res = app.form(&ack, &b_admin, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Once is enough: a second acknowledgement changes nothing, and the button is gone.
    let res = app.form(&ack, &b_admin, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/operations", &b_admin).await;
    assert!(!page.body.contains(&format!(r#"action="{ack}""#)));
    let page = app.get("/operations", &manager).await;
    page.assert_has("Privat Omsorg AB: kvitterad av Test b_admin 2026-11-22 10:00");
    assert!(!page.body.contains("Larmcentral AB:"), "{}", page.body);
    let audit = app
        .get(
            "/api/v1/audit?action=operations.notice_ack&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    // The acknowledgement, and the alarm centre's refused try.
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{audit}");
    assert!(
        entries
            .iter()
            .any(|e| e["actor_username"] == "b_admin" && e["outcome"] == "success"),
        "{audit}"
    );
    assert!(
        entries
            .iter()
            .any(|e| e["actor_username"] == "c_admin" && e["outcome"] == "denied"),
        "{audit}"
    );
    // A unit manager is not the provider's contact person.
    let unitmgr = logged_in(&app, w.p("a_unitmgr").id).await;
    assert_eq!(
        app.form(&ack, &unitmgr, &[]).await.status,
        StatusCode::FORBIDDEN
    );

    // Cancelled: the banner goes at once; it can be neither acknowledged nor cancelled again.
    let cancel = format!("/operations/notices/{id}/cancel");
    assert_eq!(
        app.form(&cancel, &b_admin, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let res = app.form(&cancel, &manager, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(banners(&app.get("/", &b_staff).await.body).is_empty());
    app.form(&cancel, &manager, &[])
        .await
        .assert_says(StatusCode::CONFLICT, "driftstoppet är inställt");
    app.get("/operations", &manager)
        .await
        .assert_has(r#"data-state="cancelled""#);
}

async fn outages_are_routed_by_the_hour_and_shown_until_resolved(app: TestApp) {
    let w = World::build(&app).await;
    let b_staff = logged_in(&app, w.p("b_staff").id).await;
    let a_staff = logged_in(&app, w.p("a_staff").id).await;

    // A report without words is refused, nothing kept.
    app.form(
        "/operations/outages",
        &b_staff,
        &[("_form", "outage"), ("what", "  ")],
    )
    .await
    .assert_says(StatusCode::UNPROCESSABLE_ENTITY, "måste fyllas i");

    // Sunday 10:00: outside office hours, the nurse on duty takes it.
    let page = app.get("/operations", &b_staff).await;
    page.assert_has("En anmälan nu går till: <strong>tjänstgörande sjuksköterska</strong>");
    let res = app
        .form(
            "/operations/outages",
            &b_staff,
            &[("_form", "outage"), ("what", "Mobilnätet nere i Norr")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Everyone sees it at once, whom it went to included.
    let home = app.get("/", &a_staff).await;
    assert_eq!(banners(&home.body), vec!["outage"]);
    home.assert_has("Driftstörning anmäld 2026-11-22 10:00: Mobilnätet nere i Norr.");
    home.assert_has("tjänstgörande sjuksköterska");

    // Monday 09:30: the municipality's IT takes the next one.
    app.clock
        .set("2026-11-23T08:30:00Z".parse::<Timestamp>().unwrap());
    let b_staff = logged_in(&app, w.p("b_staff").id).await;
    let a_staff = logged_in(&app, w.p("a_staff").id).await;
    let res = app
        .form(
            "/operations/outages",
            &a_staff,
            &[("_form", "outage"), ("what", "Vaka svarar långsamt")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/operations", &a_staff).await;
    page.assert_has("kommunens IT (vardagar 08–17)");
    assert_eq!(banners(&page.body), vec!["outage", "outage"]);
    let audit = app
        .get(
            "/api/v1/audit?action=operations.outage_report&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let routes: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["details"].as_str().unwrap())
        .collect();
    assert!(
        routes.iter().any(|d| d.contains("nurse_on_duty"))
            && routes.iter().any(|d| d.contains("municipal_it")),
        "{audit}"
    );

    // The reporter cannot close it; the municipality does, and its banner goes.
    let admin = logged_in(&app, w.p("m_admin").id).await;
    let page = app.get("/operations", &admin).await;
    let ids: Vec<String> = page
        .body
        .split("data-outage=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 2);
    let resolve = format!("/operations/outages/{}/resolve", ids[0]);
    assert_eq!(
        app.form(&resolve, &b_staff, &[("resolution", "x")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let res = app
        .form(
            &resolve,
            &admin,
            &[("_form", "resolve"), ("resolution", "Servern omstartad")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(banners(&app.get("/", &a_staff).await.body), vec!["outage"]);
    app.form(&resolve, &admin, &[("resolution", "igen")])
        .await
        .assert_says(
            StatusCode::CONFLICT,
            "störningen är redan markerad som åtgärdad",
        );
}

async fn the_reserve_list_prints_tonights_supervisions_and_keys_and_audits_each_client(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let a1 = w.client_a1;
    let assessor = w.p("m_assessor").bearer();
    night_supervision(&app, &assessor, a1, "physical_visit", "23:00, 02:00", true).await;
    ok(
        &app,
        &w.p("a_unitmgr").bearer(),
        Method::PUT,
        format!("/api/v1/clients/{a1}/plan"),
        json!({"mode": "physical_visit", "times": "23:00, 02:00"}),
    )
    .await;
    ok(
        &app,
        &assessor,
        Method::PUT,
        format!("/api/v1/clients/{a1}/key-access"),
        json!({"key_access": ["key_box", "reserve_key"]}),
    )
    .await;
    app.services
        .plan_night(jiff::civil::date(2026, 11, 22))
        .await
        .unwrap();

    // Sunday 10:00: the list is for the coming night, with the times, how, and the keys.
    let manager = logged_in(&app, w.p("a_unitmgr").id).await;
    let page = app.get("/operations/reserve-list", &manager).await;
    page.assert_says(StatusCode::OK, "Natten mellan <strong>2026-11-22</strong>");
    page.assert_has("Alma Ettan");
    page.assert_has("23:00 Besök, 02:00 Besök");
    page.assert_has("Nyckelgömma, Reservnyckel");
    assert_eq!(page.body.matches("data-client-row").count(), 1);
    // The night patrol covering A1 prints it too; care staff do not print it.
    let patrol = logged_in(&app, w.p("a_patrol").id).await;
    app.get("/operations/reserve-list", &patrol)
        .await
        .assert_says(StatusCode::OK, "Alma Ettan");
    let staff = logged_in(&app, w.p("a_staff").id).await;
    assert_eq!(
        app.get("/operations/reserve-list", &staff).await.status,
        StatusCode::FORBIDDEN
    );
    // Another unit: nobody of A1 on it.
    let other = app
        .get(&format!("/operations/reserve-list?unit={}", w.a2), &manager)
        .await;
    other.assert_says(StatusCode::OK, "Inga tillsyner i natt för dina enheter.");
    assert!(!other.body.contains("Alma Ettan"));

    // Each print is a read of the client, by whoever printed it.
    let entries = w.audit_about(&app, "operations.reserve_list", a1).await;
    assert_eq!(entries.len(), 2, "{entries:?}");
    let who: Vec<&str> = entries
        .iter()
        .map(|e| e["actor_username"].as_str().unwrap())
        .collect();
    assert!(
        who.contains(&"a_unitmgr") && who.contains(&"a_patrol"),
        "{who:?}"
    );
}

async fn each_provider_names_its_contacts_and_confirms_them_yearly(app: TestApp) {
    let w = World::build(&app).await;
    let b_admin = logged_in(&app, w.p("b_admin").id).await;
    let technical = format!("/operations/organisations/{}/contacts/technical", w.b);
    let it = format!("/operations/organisations/{}/contacts/it", w.b);
    let form = format!("contact-{}-technical", w.b);

    // The provider's administrator sees its own two contacts, both missing.
    let page = app.get("/operations", &b_admin).await;
    assert_eq!(
        page.body.matches("data-contact=").count(),
        2,
        "{}",
        page.body
    );
    assert_eq!(page.body.matches(r#"data-missing="true""#).count(), 2);
    // A contact without a way to reach them is refused beside the field; nothing is kept.
    app.form(
        &technical,
        &b_admin,
        &[
            ("_form", &form),
            ("name", "Ture Teknik"),
            ("phone", ""),
            ("email", ""),
        ],
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "ange telefonnummer eller e-postadress",
    );
    // Confirming one never named is refused too.
    app.form(&format!("{it}/confirm"), &b_admin, &[])
        .await
        .assert_says(StatusCode::CONFLICT, "kontaktpersonen är inte angiven ännu");
    let res = app
        .form(
            &technical,
            &b_admin,
            &[
                ("_form", &form),
                ("name", "Ture Teknik"),
                ("phone", "070-123 45 67"),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/operations", &b_admin).await;
    page.assert_has("Ture Teknik<br>070-123 45 67");
    page.assert_has("Bekräftas senast 2027-11-22");
    // Another organisation's contact person cannot name B's.
    let c_admin = logged_in(&app, w.p("c_admin").id).await;
    assert_eq!(
        app.form(&technical, &c_admin, &[("name", "X"), ("phone", "1")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The municipality sees every provider's and alarm centre's, the missing ones flagged.
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let page = app.get("/operations", &manager).await;
    assert_eq!(page.body.matches("data-contact=").count(), 6);
    assert_eq!(page.body.matches(r#"data-missing="true""#).count(), 5);
    assert!(!page.body.contains(r#"data-overdue="true""#));
    // A year and two days later the confirmation is overdue, until the provider confirms.
    app.clock
        .set("2027-11-24T09:00:00Z".parse::<Timestamp>().unwrap());
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let page = app.get("/operations", &manager).await;
    assert_eq!(page.body.matches(r#"data-overdue="true""#).count(), 1);
    page.assert_has("Årlig bekräftelse försenad");
    let b_admin = logged_in(&app, w.p("b_admin").id).await;
    let res = app
        .form(&format!("{technical}/confirm"), &b_admin, &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/operations", &manager).await;
    assert!(!page.body.contains(r#"data-overdue="true""#));
    page.assert_has("Bekräftas senast 2028-11-24");
    let audit = app
        .get(
            "/api/v1/audit?action=operations.contact_confirm&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    // The confirmation; the refused one of a contact never named confirmed nothing.
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["actor_username"], "b_admin");
    // Naming is audited, and so is the other organisation's refused try.
    let audit = app
        .get(
            "/api/v1/audit?action=operations.contact_set&limit=10",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let outcomes: Vec<(&str, &str)> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["actor_username"].as_str().unwrap(),
                e["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(outcomes.contains(&("b_admin", "success")), "{audit}");
    assert!(outcomes.contains(&("c_admin", "denied")), "{audit}");
}
