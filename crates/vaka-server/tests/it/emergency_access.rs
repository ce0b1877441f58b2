//! Emergency access (nödåtkomst, REG-12): a user outside a client's need-to-know opens the
//! record for reading, with a reason, for an hour; every entry is flagged; it ends on time or
//! when its user ends it; never for a protected identity outside the named group; never needed
//! (nor given) within reach.

use axum::http::StatusCode;
use jiff::SignedDuration;
use vaka_domain::client::Protection;
use vaka_domain::ids::ClientId;

use crate::db_tests;
use crate::support::{Res, TestApp, logged_in};
use crate::world::{World, test_client};

async fn entries(
    app: &TestApp,
    w: &World,
    action: &str,
    client: ClientId,
) -> Vec<serde_json::Value> {
    w.audit_about(app, action, client).await
}

/// The emergency accesses the store holds of the test world's two care workers who ask.
async fn stored(app: &TestApp, w: &World) -> usize {
    let since: jiff::Timestamp = "2000-01-01T00:00:00Z".parse().unwrap();
    let mut tx = app.store.begin_read().await.unwrap();
    let mut n = 0;
    for who in ["b_staff", "a_staff", "b_admin"] {
        n += tx
            .list_emergency_accesses(w.p(who).id, since)
            .await
            .unwrap()
            .len();
    }
    n
}

fn open_form<'a>(client: &'a str, reason: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("client_id", client), ("reason", reason)]
}

fn assert_refused_page(res: &Res) {
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(res.body.contains("data-testid=\"refused\""), "{}", res.body);
    assert!(
        res.body.contains("action=\"/emergency-access\""),
        "{}",
        res.body
    );
}

async fn opens_for_an_hour_flagged(app: TestApp) {
    let w = World::build(&app).await;
    let staff = logged_in(&app, w.p("b_staff").id).await;
    let client = w.client_a1.to_string();
    let page = format!("/clients/{client}");

    // Outside reach: the refusal offers the emergency form, with the client's id in it.
    let res = app.get(&page, &staff).await;
    assert_refused_page(&res);
    assert!(res.body.contains(&client));
    assert!(
        !res.body.contains("Alma Ettan"),
        "no name before the access is open"
    );

    // No reason: refused beside the form, nothing stored.
    let res = app
        .form("/emergency-access", &staff, &open_form(&client, "   "))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("ange skälet"), "{}", res.body);
    assert_eq!(stored(&app, &w).await, 0);
    assert!(
        entries(&app, &w, "client.emergency_access", w.client_a1)
            .await
            .is_empty()
    );

    // With a reason: open, and the client's page shows the record with the banner.
    let res = app
        .form(
            "/emergency-access",
            &staff,
            &open_form(&client, "Larm utan svar, ingen i hemtjänstgruppen nås"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some(format!("/clients/{client}?ok=emergency-opened-ok").as_str())
    );
    assert_eq!(stored(&app, &w).await, 1);
    let res = app.get(&page, &staff).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Alma Ettan"));
    assert!(
        res.body.contains("data-testid=\"emergency\""),
        "{}",
        res.body
    );
    // Reading only: a pause is still refused.
    let res = app
        .form(
            &format!("/clients/{client}/pauses"),
            &staff,
            &[
                ("first_night", "2027-01-10"),
                ("last_night", "2027-01-10"),
                ("reason", "travel"),
                ("requested", "relative"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

    // The opening and the read are flagged; the opening is the caller's, with the reason kept
    // beside it (not in the entry).
    let opened = entries(&app, &w, "client.emergency_access", w.client_a1).await;
    assert_eq!(opened.len(), 1, "{opened:?}");
    assert_eq!(opened[0]["outcome"], "success");
    assert_eq!(opened[0]["emergency_access"], true);
    assert_eq!(opened[0]["actor_username"], "b_staff");
    assert!(!opened[0]["details"].to_string().contains("Larm utan svar"));
    let reads = entries(&app, &w, "client.read", w.client_a1).await;
    let by_staff: Vec<_> = reads
        .iter()
        .filter(|e| e["actor_username"] == "b_staff")
        .collect();
    assert!(
        by_staff
            .iter()
            .any(|e| e["outcome"] == "success" && e["emergency_access"] == true),
        "{by_staff:?}"
    );
    assert!(
        by_staff
            .iter()
            .all(|e| e["outcome"] != "success" || e["emergency_access"] == true),
        "every read under the access is flagged: {by_staff:?}"
    );
    // Another user's read of the same client in the same hour is not flagged.
    let own = logged_in(&app, w.p("a_staff").id).await;
    assert_eq!(app.get(&page, &own).await.status, StatusCode::OK);
    let reads = entries(&app, &w, "client.read", w.client_a1).await;
    assert!(
        reads
            .iter()
            .filter(|e| e["actor_username"] == "a_staff")
            .all(|e| e["emergency_access"] == false)
    );

    // The list of open accesses shows it with its reason.
    let res = app.get("/emergency-access", &staff).await;
    assert!(res.body.contains("Larm utan svar"), "{}", res.body);

    // 59 minutes on it still opens; at 60 it has ended.
    // (A new session each time: an idle one ends sooner than the hour.)
    app.clock.advance(SignedDuration::from_mins(59));
    let staff = logged_in(&app, w.p("b_staff").id).await;
    assert_eq!(app.get(&page, &staff).await.status, StatusCode::OK);
    app.clock.advance(SignedDuration::from_mins(1));
    let staff = logged_in(&app, w.p("b_staff").id).await;
    assert_refused_page(&app.get(&page, &staff).await);
    let res = app.get("/emergency-access", &staff).await;
    assert!(!res.body.contains("Larm utan svar"), "{}", res.body);
}

async fn ended_by_its_user_and_by_identity(app: TestApp) {
    let w = World::build(&app).await;
    let staff = logged_in(&app, w.p("b_staff").id).await;
    // By identity number, the way someone without the client's id asks.
    let res = app
        .form(
            "/emergency-access",
            &staff,
            &[("identity", "19310202-9802"), ("reason", "Brand i huset")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = format!("/clients/{}", w.client_a2);
    assert_eq!(
        res.location(),
        Some(format!("{page}?ok=emergency-opened-ok").as_str())
    );
    assert_eq!(app.get(&page, &staff).await.status, StatusCode::OK);

    // An unknown number says so, and stores nothing more.
    let res = app
        .form(
            "/emergency-access",
            &staff,
            &[("identity", "19121212-1212"), ("reason", "Brand")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(stored(&app, &w).await, 1);

    // Someone else cannot end it; its user can, and then the record is closed again.
    let id: String = {
        let res = app.get("/emergency-access", &staff).await;
        let marker = "data-access=\"";
        let start = res.body.find(marker).expect("an open access is listed") + marker.len();
        res.body[start..start + 36].to_owned()
    };
    let other = logged_in(&app, w.p("b_victim").id).await;
    let res = app
        .form(&format!("/emergency-access/{id}/end"), &other, &[])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(app.get(&page, &staff).await.status, StatusCode::OK);
    let res = app
        .form(&format!("/emergency-access/{id}/end"), &staff, &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_refused_page(&app.get(&page, &staff).await);
    let ended = entries(&app, &w, "client.emergency_access_end", w.client_a2).await;
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0]["emergency_access"], true);
    // Ending it twice is refused.
    let res = app
        .form(&format!("/emergency-access/{id}/end"), &staff, &[])
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
}

async fn never_within_reach_nor_to_a_protected_identity(app: TestApp) {
    let w = World::build(&app).await;
    // Within reach: not needed, and not given (it would flag ordinary work).
    let own = logged_in(&app, w.p("a_staff").id).await;
    let res = app
        .form(
            "/emergency-access",
            &own,
            &open_form(&w.client_a1.to_string(), "Akut"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(
        res.body.contains("redan inom din behörighet"),
        "{}",
        res.body
    );

    // A protected identity outside its named group: refused, the refusal flagged twice.
    let id = ClientId::new();
    let c = test_client(
        id,
        "Sara Skyddad",
        "194606061234",
        w.a,
        w.a1,
        Protection::ProtectedRegistration,
    );
    app.services.cli_insert_client(c).await.unwrap();
    let staff = logged_in(&app, w.p("b_staff").id).await;
    let res = app
        .form(
            "/emergency-access",
            &staff,
            &open_form(&id.to_string(), "Akut"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(
        res.body.contains("skyddade personuppgifter"),
        "{}",
        res.body
    );
    assert_eq!(stored(&app, &w).await, 0);
    let refused = entries(&app, &w, "client.emergency_access", id).await;
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0]["outcome"], "denied");
    assert_eq!(refused[0]["protected_identity"], true);
    assert_eq!(refused[0]["emergency_access"], true);

    // A protection placed while an access is open closes it.
    let open = app
        .form(
            "/emergency-access",
            &staff,
            &open_form(&w.client_a1.to_string(), "Akut"),
        )
        .await;
    assert_eq!(open.status, StatusCode::SEE_OTHER, "{}", open.body);
    let page = format!("/clients/{}", w.client_a1);
    assert_eq!(app.get(&page, &staff).await.status, StatusCode::OK);
    let res = app
        .json(
            axum::http::Method::PUT,
            &format!("/api/v1/clients/{}", w.client_a1),
            &w.p("m_admin").bearer(),
            serde_json::json!({
                "identity": "193001019805", "name": "Alma Ettan",
                "provider_id": w.a, "unit_id": w.a1,
                "protection": "protected_registration",
            }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(app.get(&page, &staff).await.status, StatusCode::FORBIDDEN);

    // A role that reads no clients cannot ask at all.
    let admin = logged_in(&app, w.p("b_admin").id).await;
    let res = app
        .form(
            "/emergency-access",
            &admin,
            &open_form(&w.client_a2.to_string(), "Akut"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert_eq!(stored(&app, &w).await, 1);
}

db_tests!(
    opens_for_an_hour_flagged,
    ended_by_its_user_and_by_identity,
    never_within_reach_nor_to_a_protected_identity,
);
