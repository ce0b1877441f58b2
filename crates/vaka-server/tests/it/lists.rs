//! Lists at scale (paging with a total, the log review's client filter) and the devices' real
//! test before a pass.

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::json;
use vaka_domain::access::Credential;
use vaka_domain::audit::{Actor, AuditAction, NewAuditEntry, Outcome};
use vaka_domain::client::Protection;
use vaka_domain::device::{Device, DeviceKind, DeviceStatus};
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_store::AuditQuery;

use crate::console::{connect_sim, session};
use crate::db_tests;
use crate::support::{TestApp, ok, t0, test_alarm};
use crate::world::{World, test_client};

/// A valid personnummer born 1940-01-01, the `n`-th (0–998).
fn personnummer(n: u32) -> String {
    // Birth number 000 is never issued.
    let base = format!("400101{:03}", n + 1);
    let sum: u32 = base
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    format!("19{base}{}", (10 - sum % 10) % 10)
}

/// The count a list page shows (`data-testid="list-count"`).
fn count_of(body: &str) -> String {
    let at = body
        .find(r#"data-testid="list-count">"#)
        .unwrap_or_else(|| panic!("no count on the page: {body}"));
    let rest = &body[at + r#"data-testid="list-count">"#.len()..];
    rest[..rest.find('<').unwrap()].replace('\u{a0}', " ")
}

/// The link with `rel` on a page, if any.
fn link(body: &str, rel: &str) -> Option<String> {
    let at = body.find(&format!(r#"rel="{rel}" href=""#))?;
    let rest = &body[at + format!(r#"rel="{rel}" href=""#).len()..];
    Some(
        rest[..rest.find('"').unwrap()]
            .replace("&#38;", "&")
            .replace("&amp;", "&"),
    )
}

async fn lists_page_with_a_total_and_keep_their_filters(app: TestApp) {
    let w = World::build(&app).await;
    // 250 more clients in unit A1, 200 in B1; 230 cameras and 3 alarm units in stock.
    let mut clients = Vec::new();
    for n in 0..450 {
        let (prov, unit) = if n < 250 { (w.a, w.a1) } else { (w.b, w.b1) };
        clients.push(test_client(
            ClientId::new(),
            &format!("Lista {n:03}"),
            &personnummer(n),
            prov,
            unit,
            Protection::None,
        ));
    }
    let devices: Vec<Device> = (0..233)
        .map(|n| Device {
            id: DeviceId::new(),
            kind: if n < 230 {
                DeviceKind::Camera
            } else {
                DeviceKind::AlarmUnit
            },
            serial: format!("PG-{n:04}"),
            model: "Doro Visit".into(),
            firmware: None,
            status: DeviceStatus::InStock,
            client_id: None,
            credential_issued_at: None,
            credential_revoked_at: None,
            dc09_account: None,
            dc09_key: None,
            dc09_clear: false,
            scaip_cid: None,
            scaip_password: None,
            last_seen_at: None,
            state: None,
            created_at: vaka_store::values::to_db_precision(t0()),
        })
        .collect();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_clients(&clients).await.unwrap();
    tx.insert_devices(&devices).await.unwrap();
    tx.commit(&[]).await.unwrap();

    let (admin, _) = session(&app, &w, "m_admin").await;
    let first = app.get("/clients", &admin).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(count_of(&first.body), "200 av 453");
    assert_eq!(link(&first.body, "prev"), None);
    assert_eq!(
        link(&first.body, "next").as_deref(),
        Some("/clients?q=&page=2")
    );
    let last = app.get("/clients?page=3", &admin).await;
    assert_eq!(count_of(&last.body), "401–453 av 453");
    assert_eq!(
        link(&last.body, "prev").as_deref(),
        Some("/clients?q=&page=2")
    );
    assert_eq!(link(&last.body, "next"), None);
    // The search is kept across pages.
    let searched = app.get("/clients?q=lista&page=2", &admin).await;
    assert_eq!(count_of(&searched.body), "201–400 av 450");
    assert_eq!(
        link(&searched.body, "next").as_deref(),
        Some("/clients?q=lista&page=3")
    );
    assert!(searched.body.contains("Lista 200") && !searched.body.contains("Lista 199"));
    // Need-to-know: the unit manager of A1 counts only A1's clients.
    let (manager, _) = session(&app, &w, "a_unitmgr").await;
    let theirs = app.get("/clients", &manager).await;
    assert_eq!(count_of(&theirs.body), "200 av 251");

    // The inventory, filtered by kind across pages.
    let cams = app.get("/devices?kind=camera", &admin).await;
    assert_eq!(cams.status, StatusCode::OK);
    assert_eq!(count_of(&cams.body), "200 av 230");
    let next = link(&cams.body, "next").expect("a next page");
    assert_eq!(next, "/devices?kind=camera&status=&serial=&page=2");
    let more = app.get(&next, &admin).await;
    assert_eq!(count_of(&more.body), "201–230 av 230");
    assert!(
        !more.body.contains("PG-0230"),
        "alarm units are filtered out"
    );
    let all = app.get("/devices", &admin).await;
    assert_eq!(count_of(&all.body), "200 av 233");
    // The register form comes before the list.
    let form = all.body.find(r#"action="/devices""#).unwrap();
    let table = all.body.find("<table").unwrap();
    assert!(form < table, "the register form is above the list");

    // The log review counts what matches, and its page's place (after enough reads to page).
    let assessor = w.p("m_assessor").bearer();
    for _ in 0..120 {
        ok(
            &app,
            &assessor,
            Method::GET,
            "/api/v1/clients?q=lista".into(),
            json!(null),
        )
        .await;
    }
    let (reviewer, _) = session(&app, &w, "m_manager").await;
    let audit = app.get("/audit", &reviewer).await;
    assert_eq!(audit.status, StatusCode::OK);
    let mut tx = app.store.begin_read().await.unwrap();
    let (total, _) = tx
        .count_audit(&AuditQuery {
            limit: 1,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    drop(tx);
    // The page's own search is logged after it counted.
    let shown = count_of(&audit.body);
    let (range, of) = shown.split_once(" av ").unwrap();
    assert_eq!(range, "100");
    let of: i64 = of.replace(' ', "").parse().unwrap();
    assert!(of > 100 && of < total, "{of} of {total}");
    let older = link(&audit.body, "next").expect("older entries");
    let second = app.get(&older, &reviewer).await;
    // The second page starts after the first one's entries and what was logged since (the
    // first page's own search), and shows the rest.
    let shown = count_of(&second.body);
    let (range, now_of) = shown.split_once(" av ").unwrap();
    let (from, to) = range.split_once('–').unwrap();
    let (from, to): (i64, i64) = (from.parse().unwrap(), to.parse().unwrap());
    let now_of: i64 = now_of.replace(' ', "").parse().unwrap();
    assert!(from > 100 && now_of > of, "{shown}");
    assert_eq!(to, now_of, "{shown}: the last page");
    // One row an entry, besides the header's.
    let rows = i64::try_from(second.body.matches("<tr>").count()).unwrap() - 1;
    assert_eq!(to - from + 1, rows, "{shown}: the rows shown");
}

/// The sequence numbers of the log review's rows, top to bottom.
fn seqs_of(body: &str) -> Vec<u64> {
    body.split("<tr>\n      <td>")
        .skip(1)
        .map(|r| r[..r.find('<').unwrap()].parse().unwrap())
        .collect()
}

async fn the_log_review_pages_back_and_forward(app: TestApp) {
    let w = World::build(&app).await;
    // 230 entries of one kind (the page's own searches are of another, so they stay out).
    let entries: Vec<NewAuditEntry> = (0..230)
        .map(|n| {
            NewAuditEntry::new(
                t0(),
                Actor::system(Credential::System),
                AuditAction::ClientsListed,
                Outcome::Success,
            )
            .subject("paging", n)
        })
        .collect();
    let tx = app.store.begin().await.unwrap();
    tx.commit(&entries).await.unwrap();

    let (reviewer, _) = session(&app, &w, "m_manager").await;
    let newest = app.get("/audit?action=client.list", &reviewer).await;
    assert_eq!(newest.status, StatusCode::OK, "{}", newest.body);
    assert_eq!(count_of(&newest.body), "100 av 230");
    assert_eq!(link(&newest.body, "prev"), None, "nothing is newer");
    let first = seqs_of(&newest.body);
    assert_eq!(first.len(), 100);
    assert!(first.windows(2).all(|p| p[0] > p[1]), "newest first");

    let second_link = link(&newest.body, "next").expect("older entries");
    let second = app.get(&second_link, &reviewer).await;
    assert_eq!(count_of(&second.body), "101–200 av 230");
    let second_seqs = seqs_of(&second.body);
    let third = app
        .get(&link(&second.body, "next").expect("older still"), &reviewer)
        .await;
    assert_eq!(count_of(&third.body), "201–230 av 230");
    assert_eq!(link(&third.body, "next"), None, "nothing is older");
    assert_eq!(seqs_of(&third.body).len(), 30);

    // Forward again: the same pages, newest first, with their places.
    let back = link(&third.body, "prev").expect("newer entries");
    assert!(back.contains("after="), "{back}");
    let again = app.get(&back, &reviewer).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(seqs_of(&again.body), second_seqs);
    assert_eq!(count_of(&again.body), "101–200 av 230");
    assert!(again.body.contains("action=client.list"), "filters kept");
    let top = app
        .get(
            &link(&again.body, "prev").expect("newer entries"),
            &reviewer,
        )
        .await;
    assert_eq!(seqs_of(&top.body), first);
    assert_eq!(count_of(&top.body), "100 av 230");
    assert_eq!(link(&top.body, "prev"), None, "the newest page again");
    assert!(link(&top.body, "next").is_some());

    // The API pages forward the same way, newest first.
    let after = first[10];
    let api = crate::support::read(
        &app,
        &w.p("m_manager").bearer(),
        format!("/api/v1/audit?action=client.list&after={after}&limit=5"),
    )
    .await;
    let got: Vec<u64> = api
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(got, first[5..10].to_vec());

    // Each page read is audited, as before.
    let mut tx = app.store.begin_read().await.unwrap();
    let searches = tx
        .search_audit(&AuditQuery {
            actor: Some(w.p("m_manager").id),
            action: Some(AuditAction::AuditSearched),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    assert_eq!(searches.len(), 6, "{searches:?}");
}

/// The client lookups (`client.list`) about `client` by `who`.
async fn entries_about(
    app: &TestApp,
    w: &World,
    who: &str,
    client: ClientId,
) -> Vec<vaka_domain::audit::AuditEntry> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.search_audit(&AuditQuery {
        actor: Some(w.p(who).id),
        client: Some(client),
        action: Some(AuditAction::ClientsListed),
        limit: 100,
        ..AuditQuery::default()
    })
    .await
    .unwrap()
}

async fn the_log_review_finds_a_client_by_personnummer_or_name(app: TestApp) {
    let w = World::build(&app).await;
    // Something to find: the assessor reads A1's and B1's records.
    let assessor = w.p("m_assessor").bearer();
    for c in [w.client_a1, w.client_b1] {
        ok(
            &app,
            &assessor,
            Method::GET,
            format!("/api/v1/clients/{c}"),
            json!(null),
        )
        .await;
    }
    // A second client whose name starts as A1's.
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_clients(&[test_client(
        ClientId::new(),
        "Almqvist Tredje",
        &personnummer(7),
        w.a,
        w.a2,
        Protection::None,
    )])
    .await
    .unwrap();
    tx.commit(&[]).await.unwrap();
    // The subject column of an entry about a client: "Brukare <id>".
    let a1 = format!("Brukare {}", w.client_a1);
    let b1 = format!("Brukare {}", w.client_b1);

    // The municipality's reviewer, by personnummer in any common form and by name.
    let (reviewer, _) = session(&app, &w, "m_manager").await;
    for typed in ["19300101-9805", "300101-9805", "alma", "Alma Ett"] {
        let res = app
            .get(&format!("/audit?client={}", urlencoding(typed)), &reviewer)
            .await;
        assert_eq!(res.status, StatusCode::OK, "{typed}: {}", res.body);
        assert!(res.body.contains(&a1), "{typed}: A1's entries shown");
        assert!(!res.body.contains(&b1), "{typed}: only A1's");
        assert!(
            res.body.contains(&format!(r#"value="{typed}""#)),
            "typed text kept"
        );
    }
    // Each lookup is itself an audited read naming the client, in the review's context.
    let lookups = entries_about(&app, &w, "m_manager", w.client_a1).await;
    assert_eq!(lookups.len(), 4, "{lookups:?}");
    assert!(lookups.iter().all(|e| e.new.outcome == Outcome::Success
        && e.new.care_context.as_deref() == Some("log_review")));

    // A name that fits several clients, and one nobody has, answer beside the field.
    let several = app.get("/audit?client=Alm", &reviewer).await;
    several.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "flera brukare");
    let nobody = app.get("/audit?client=Zyx", &reviewer).await;
    nobody.assert_says(StatusCode::UNPROCESSABLE_ENTITY, "ingen brukare");

    // Need-to-know: A1's unit manager finds A1's client, not B1's — by number or name — and
    // the attempt on B1's number is audited as refused, naming the client.
    let (manager, _) = session(&app, &w, "a_unitmgr").await;
    let own = app.get("/audit?client=193001019805", &manager).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    for typed in ["192203039801", "Cecilia"] {
        let res = app.get(&format!("/audit?client={typed}"), &manager).await;
        res.assert_says(
            StatusCode::UNPROCESSABLE_ENTITY,
            "ingen brukare som du får granska",
        );
        assert!(!res.body.contains("Cecilia Bee"));
    }
    let refused = entries_about(&app, &w, "a_unitmgr", w.client_b1).await;
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert_eq!(refused[0].new.outcome, Outcome::Denied);
}

fn urlencoding(s: &str) -> String {
    serde_urlencoded::to_string([("x", s)]).unwrap()[2..].to_owned()
}

/// Registers a device and takes it to installed at `client`; returns its id and credential.
async fn installed(
    app: &TestApp,
    w: &World,
    client: ClientId,
    body: serde_json::Value,
) -> (DeviceId, String) {
    let admin = w.p("m_admin").bearer();
    let v = ok(app, &admin, Method::POST, "/api/v1/devices".into(), body).await;
    let id: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    for (step, c) in [("assign", Some(client)), ("install", None)] {
        ok(
            app,
            &admin,
            Method::POST,
            format!("/api/v1/devices/{id}/steps"),
            json!({"step": step, "client_id": c}),
        )
        .await;
    }
    (id, v["credential"].as_str().unwrap().to_owned())
}

async fn a_test_passes_only_after_a_real_test(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let pass = async |id: DeviceId| {
        app.json(
            Method::POST,
            &format!("/api/v1/devices/{id}/steps"),
            &admin,
            json!({"step": "pass_test"}),
        )
        .await
    };

    // A camera: refused while not connected, passed once it delivered a test frame.
    let (camera, credential) = installed(
        &app,
        &w,
        w.client_a1,
        json!({"kind": "camera", "serial": "DT-CAM", "model": "Doro Visit"}),
    )
    .await;
    pass(camera)
        .await
        .assert_says(StatusCode::CONFLICT, "not connected");
    let (page_admin, _) = session(&app, &w, "m_admin").await;
    let page = app.get(&format!("/devices/{camera}"), &page_admin).await;
    assert!(
        page.body.contains("Kameran är inte ansluten"),
        "{}",
        page.body
    );
    let addr = app.listen().await;
    let sim = connect_sim(&app, addr, camera, &credential).await;
    let page = app.get(&format!("/devices/{camera}"), &page_admin).await;
    assert!(page.body.contains("Kameran är ansluten"));
    let res = app
        .form(
            &format!("/devices/{camera}/steps"),
            &page_admin,
            &[("step", "pass_test"), ("client", ""), ("note", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    sim.abort();
    let d = crate::support::read(&app, &admin, format!("/api/v1/devices/{camera}")).await;
    assert_eq!(d["status"], "test_passed");
    // The pass's entry says what it rests on; the frame itself is nowhere.
    let mut tx = app.store.begin_read().await.unwrap();
    let steps = tx
        .search_audit(&AuditQuery {
            action: Some(AuditAction::DeviceStepTaken),
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .unwrap();
    drop(tx);
    assert!(steps.iter().any(|e| {
        e.new.subject_id.as_deref() == Some(&camera.to_string())
            && e.new
                .details
                .as_deref()
                .is_some_and(|d| d.contains("test_frame_at"))
    }));

    // An alarm unit: refused without a test alarm, with one from another unit, and with one
    // older than the window; passed with its own recent test alarm.
    let (unit, _) = installed(
        &app,
        &w,
        w.client_a1,
        json!({"kind": "alarm_unit", "serial": "DT-TA", "model": "Trygghetslarm IP",
               "dc09_account": "D7E5", "dc09_key_style": "clear"}),
    )
    .await;
    let (other, _) = installed(
        &app,
        &w,
        w.client_b1,
        json!({"kind": "alarm_unit", "serial": "DT-TB", "model": "Trygghetslarm IP",
               "dc09_account": "D7E6", "dc09_key_style": "clear"}),
    )
    .await;
    pass(unit)
        .await
        .assert_says(StatusCode::CONFLICT, "no test alarm");
    let now = app.services.now();
    test_alarm(&app, other, w.client_b1, Some("D7E6"), now, false).await;
    test_alarm(
        &app,
        unit,
        w.client_a1,
        Some("D7E5"),
        now - SignedDuration::from_mins(31),
        false,
    )
    .await;
    pass(unit)
        .await
        .assert_says(StatusCode::CONFLICT, "no test alarm");
    let page = app.get(&format!("/devices/{unit}"), &page_admin).await;
    assert!(page.body.contains("Inget testlarm"), "{}", page.body);
    test_alarm(
        &app,
        unit,
        w.client_a1,
        Some("D7E5"),
        now - SignedDuration::from_mins(2),
        false,
    )
    .await;
    let page = app.get(&format!("/devices/{unit}"), &page_admin).await;
    assert!(page.body.contains("Testlarm mottaget"), "{}", page.body);
    let res = pass(unit).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "test_passed");
    // The other unit's test alarm was its own: its pass is recorded too.
    assert_eq!(pass(other).await.status, StatusCode::OK);
}

/// Every client page a report links to opens for the one who reads the report.
async fn a_reports_links_lead_only_where_its_reader_may_go(app: TestApp) {
    let w = World::build(&app).await;
    let assessor = w.p("m_assessor").bearer();
    // Decisions of July, not carried out three months on.
    for c in [w.client_a1, w.client_b1] {
        ok(
            &app,
            &assessor,
            Method::POST,
            format!("/api/v1/clients/{c}/decisions"),
            json!({"law": "sol", "service": "night_supervision", "supervision_mode": "camera",
                   "times": "22:00", "decided_on": "2026-07-01", "valid_from": "2026-07-01"}),
        )
        .await;
    }
    let mut linked = 0;
    for who in ["m_assessor", "m_manager"] {
        let (auth, _) = session(&app, &w, who).await;
        let report = app.get("/reports/not-carried-out", &auth).await;
        assert_eq!(report.status, StatusCode::OK, "{who}");
        for part in report.body.split(r#"href="/clients/"#).skip(1) {
            let id = &part[..part.find('"').unwrap()];
            let res = app.get(&format!("/clients/{id}"), &auth).await;
            assert_eq!(res.status, StatusCode::OK, "{who} follows the link to {id}");
            linked += 1;
        }
    }
    assert_eq!(
        linked, 2,
        "the assessor's two clients, none for the manager"
    );
}

db_tests!(
    a_reports_links_lead_only_where_its_reader_may_go,
    lists_page_with_a_total_and_keep_their_filters,
    the_log_review_pages_back_and_forward,
    the_log_review_finds_a_client_by_personnummer_or_name,
    a_test_passes_only_after_a_real_test,
);
