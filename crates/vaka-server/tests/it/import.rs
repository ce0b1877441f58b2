//! CSV import of clients and devices: a report that names every bad row and why; all or
//! nothing unless only the good rows are asked for; UTF-8 and Windows-1252; every stored client
//! audited; the right to import and the need-to-know of each row.

use axum::http::{Method, StatusCode};
use serde_json::Value;
use vaka_domain::access::{Assignment, Credential, Principal, Role};
use vaka_domain::audit::{AuditAction, AuditEntry, Outcome};
use vaka_domain::device::DeviceStatus;
use vaka_domain::directory::OrganisationKind;
use vaka_domain::ids::RoleAssignmentId;
use vaka_domain::reason::ImportReason;
use vaka_service::registry::import::{ImportMode, ImportOutcome};
use vaka_service::{Ctx, RequestMeta, ServiceError};
use vaka_store::{AuditQuery, ClientQuery, DeviceFilter};

use crate::db_tests;
use crate::support::{Auth, Res, TestApp};
use crate::world::World;

/// A valid personnummer `YYYYMMDD-NNNC` (the check digit computed).
fn pnr(year: u32, month: u32, day: u32, birth: u32) -> String {
    let nine = format!("{:02}{month:02}{day:02}{birth:03}", year % 100);
    let digits: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
    let check = vaka_domain::validate::luhn_check_digit(&digits);
    format!("{year}{month:02}{day:02}-{birth:03}{check}")
}

async fn post(app: &TestApp, what: &str, mode: &str, auth: &Auth, ct: &str, body: &[u8]) -> Res {
    app.raw(
        Method::POST,
        &format!("/api/v1/import/{what}?mode={mode}"),
        auth,
        ct,
        body.to_vec(),
    )
    .await
}

/// Posts a CSV file as the municipal administrator, the one who imports in most cases here.
async fn as_m_admin(app: &TestApp, w: &World, what: &str, mode: &str, body: &[u8]) -> Res {
    post(app, what, mode, &w.p("m_admin").bearer(), "text/csv", body).await
}

/// Every client there is (as the municipal administrator sees them).
async fn clients(app: &TestApp, w: &World) -> Vec<vaka_domain::client::ClientSummary> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.list_clients_in_reach(
        w.p("m_admin").id,
        &ClientQuery {
            limit: 100_000,
            ..Default::default()
        },
    )
    .await
    .unwrap()
}

async fn log(app: &TestApp) -> Vec<AuditEntry> {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.search_audit(&AuditQuery {
        limit: 100_000,
        ..Default::default()
    })
    .await
    .unwrap()
}

fn imports(log: &[AuditEntry]) -> Vec<&AuditEntry> {
    log.iter()
        .filter(|e| e.new.action == AuditAction::DataImported)
        .collect()
}

/// Clients registered by an import (the world's own are registered from the command line).
fn imported_clients(log: &[AuditEntry]) -> Vec<&AuditEntry> {
    log.iter()
        .filter(|e| {
            e.new.action == AuditAction::ClientCreated
                && e.new
                    .details
                    .as_deref()
                    .unwrap_or("")
                    .contains("\"import\"")
        })
        .collect()
}

/// (row, field) of each problem of a report.
fn problems(report: &Value) -> Vec<(Option<u64>, Option<String>)> {
    report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["row"].as_u64(), p["field"].as_str().map(str::to_owned)))
        .collect()
}

const HEADER: &str = "identity;name;address_street;address_postcode;address_city;phone;provider;unit;\
protection;area_type;key_access;contact1_name;contact1_relation;contact1_phone";

/// A good file of three clients of provider A.
fn good_file(w: &World) -> String {
    format!(
        "{HEADER}\n\
         {};Dagny Dahl;Storgatan 1;123 45;Köping;070-123 45 67;Kommunens hemtjänst;A1;;town;key_box;Eva Dahl;child;070-765 43 21\n\
         {};Erik Ek;;;;;Kommunens hemtjänst;A2;;;;;;\n\
         {};Frida Fors;Ågatan 3;12346;Arboga;;{};{};confidentiality_marking;countryside;;;;\n",
        pnr(1931, 4, 5, 123),
        pnr(1929, 12, 24, 456),
        pnr(1940, 2, 29, 789),
        w.a,
        w.a1,
    )
}

async fn a_good_utf8_file_is_imported_and_every_client_audited(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin");
    let before = clients(&app, &w).await.len();
    let file = format!("\u{feff}{}", good_file(&w));
    let res = post(
        &app,
        "clients",
        "all",
        &admin.bearer(),
        "text/csv; charset=utf-8",
        file.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report = res.json();
    assert_eq!(report["outcome"], "imported");
    assert_eq!(report["encoding"], "utf-8");
    assert_eq!(report["delimiter"], ";");
    assert_eq!(
        (
            report["rows_total"].as_u64(),
            report["rows_imported"].as_u64()
        ),
        (Some(3), Some(3))
    );
    assert!(problems(&report).is_empty());
    assert_eq!(clients(&app, &w).await.len(), before + 3);

    // Stored as registered by hand: address normalised, contact, provider and unit by name.
    let mut tx = app.store.begin_read().await.unwrap();
    let id = tx
        .find_client_by_identity(&pnr(1931, 4, 5, 123).replace('-', ""))
        .await
        .unwrap()
        .unwrap();
    let dagny = tx.get_client(id).await.unwrap().unwrap();
    let frida_id = tx
        .find_client_by_identity(&pnr(1940, 2, 29, 789).replace('-', ""))
        .await
        .unwrap()
        .unwrap();
    let frida = tx.get_client(frida_id).await.unwrap().unwrap();
    drop(tx);
    assert_eq!(dagny.name, "Dagny Dahl");
    assert_eq!((dagny.provider_id, dagny.unit_id), (Some(w.a), Some(w.a1)));
    assert_eq!(dagny.address.as_ref().unwrap().city, "Köping");
    assert_eq!(dagny.contacts.len(), 1);
    assert_eq!(dagny.contacts[0].name, "Eva Dahl");
    assert_eq!(frida.address.as_ref().unwrap().postcode, "123 46");
    assert!(frida.protection.is_protected());

    // One entry per client, in the import's transaction, and one for the import.
    let log = log(&app).await;
    let import_id = report["import_id"].as_str().unwrap();
    let created = imported_clients(&log);
    assert_eq!(created.len(), 3);
    for e in &created {
        assert_eq!(e.new.actor.user_id, Some(admin.id));
        assert!(e.new.details.as_deref().unwrap().contains(import_id));
        assert!(e.new.client_id.is_some());
    }
    assert!(
        created
            .iter()
            .any(|e| e.new.client_id == Some(frida_id) && e.new.flags.protected_identity),
        "a protected identity is flagged for log review"
    );
    let summary = imports(&log);
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].new.outcome, Outcome::Success);
    assert_eq!(summary[0].new.subject_id.as_deref(), Some(import_id));
    let details = summary[0].new.details.as_deref().unwrap();
    assert!(details.contains("\"imported\":3"), "{details}");
    assert!(
        !details.contains("Dagny") && !details.contains("1931"),
        "no personal data in the entry"
    );
}

async fn a_windows_1252_file_is_read_with_its_swedish_letters(app: TestApp) {
    let w = World::build(&app).await;
    let text = format!(
        "identity,name,address_street,address_postcode,address_city,provider,unit\r\n\
         {},\"Åsa Öström, född Ärlig\",Östra vägen 5,723 40,Västerås,Kommunens hemtjänst,A1\r\n",
        pnr(1935, 6, 7, 246)
    );
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the test file really is Windows-1252"
    );
    let res = as_m_admin(&app, &w, "clients", "all", &bytes).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report = res.json();
    assert_eq!(report["encoding"], "windows-1252");
    assert_eq!(report["delimiter"], ",");
    let found: Vec<_> = clients(&app, &w)
        .await
        .into_iter()
        .filter(|c| c.name == "Åsa Öström, född Ärlig")
        .collect();
    assert_eq!(found.len(), 1);
    let mut tx = app.store.begin_read().await.unwrap();
    let c = tx.get_client(found[0].id).await.unwrap().unwrap();
    assert_eq!(c.address.unwrap().city, "Västerås");
}

async fn bytes_that_are_neither_utf8_nor_windows_1252_are_refused(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let before = clients(&app, &w).await.len();
    // UTF-8 lines, then a line in Windows-1252: a file that mixes encodings.
    let mut mixed = format!("identity;name\n{};Åke Å\n", pnr(1930, 1, 1, 111)).into_bytes();
    mixed.extend_from_slice(format!("{};", pnr(1930, 1, 2, 222)).as_bytes());
    mixed.extend_from_slice(b"\xC5ke \xC5\n");
    let res = post(&app, "clients", "all", &admin, "text/csv", &mixed).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let report = res.json();
    assert_eq!(report["outcome"], "rejected");
    let message = report["problems"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("line 3") && message.contains("UTF-8"),
        "{message}"
    );

    for bad in [
        b"\xFF\xFEi\x00d\x00".to_vec(),                  // UTF-16
        b"identity;name\n\x00\x00\x00\x01;x\n".to_vec(), // binary
        b"identity;name\n1;\x81\n".to_vec(),             // a byte Windows-1252 does not define
    ] {
        let res = post(&app, "clients", "all", &admin, "text/csv", &bad).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(
            res.json()["problems"][0]["message"]
                .as_str()
                .unwrap()
                .contains("save it again")
        );
    }
    let res = post(
        &app,
        "clients",
        "all",
        &admin,
        "text/csv; charset=shift_jis",
        b"identity;name\n",
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(clients(&app, &w).await.len(), before, "no change stored");
}

async fn a_missing_or_unknown_column_is_named_and_nothing_is_stored(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let before = clients(&app, &w).await.len();
    let file = format!("identity;adress_city\n{};Köping\n", pnr(1930, 1, 1, 111));
    let res = post(&app, "clients", "all", &admin, "text/csv", file.as_bytes()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = res.json();
    assert_eq!(
        problems(&report),
        [
            (Some(1), Some("adress_city".to_owned())),
            (Some(1), Some("name".to_owned()))
        ]
    );
    let text = report.to_string();
    assert!(text.contains("the required column is missing"), "{text}");
    assert!(text.contains("unknown column"), "{text}");
    assert_eq!(clients(&app, &w).await.len(), before);

    let res = post(
        &app,
        "devices",
        "all",
        &admin,
        "text/csv",
        b"kind,model\ncamera,X\n",
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problems(&res.json()),
        [(Some(1), Some("serial".to_owned()))]
    );
}

async fn duplicate_rows_and_registered_clients_are_named(app: TestApp) {
    let w = World::build(&app).await;
    let before = clients(&app, &w).await.len();
    let twice = pnr(1931, 4, 5, 123);
    // The same number written in two forms is the same client.
    let short = format!("{}-{}", &twice[2..8], &twice[9..]);
    let file = format!(
        "identity;name\n{twice};Ett\n{};Två\n{short};Tre\n193001019805;Alma igen\n",
        pnr(1932, 1, 1, 1)
    );
    let res = as_m_admin(&app, &w, "clients", "all", file.as_bytes()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = res.json();
    assert_eq!(
        problems(&report),
        [
            (Some(2), Some("identity".to_owned())),
            (Some(4), Some("identity".to_owned())),
            (Some(5), Some("identity".to_owned())),
        ]
    );
    let messages: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0].contains("row 4") && messages[1].contains("row 2"),
        "{messages:?}"
    );
    assert!(messages[2].contains("already registered"), "{messages:?}");
    assert_eq!(report["rows_valid"], 1);
    assert_eq!(clients(&app, &w).await.len(), before);
}

/// Three clients, the third with a bad postcode.
fn one_bad_row() -> String {
    format!(
        "identity;name;address_street;address_postcode;address_city\n\
         {};Gun Gran;Gatan 1;123 45;Ort\n\
         {};Hans Hed;;;\n\
         {};Ivar Is;Gatan 3;1234;Ort\n",
        pnr(1933, 3, 3, 333),
        pnr(1934, 4, 4, 444),
        pnr(1935, 5, 5, 555)
    )
}

async fn one_bad_row_stores_nothing_and_is_named(app: TestApp) {
    let w = World::build(&app).await;
    let before = clients(&app, &w).await.len();
    let res = as_m_admin(&app, &w, "clients", "all", one_bad_row().as_bytes()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = res.json();
    assert_eq!(
        problems(&report),
        [(Some(4), Some("address_postcode".to_owned()))]
    );
    assert!(
        report["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("five digits")
    );
    assert_eq!(
        (report["rows_total"].as_u64(), report["rows_valid"].as_u64()),
        (Some(3), Some(2))
    );
    assert_eq!(report["rows_imported"], 0);
    assert_eq!(clients(&app, &w).await.len(), before, "all or nothing");
    let log = log(&app).await;
    assert!(imported_clients(&log).is_empty());
    let summary = imports(&log);
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].new.outcome, Outcome::Failure);
}

async fn only_valid_imports_the_good_rows(app: TestApp) {
    let w = World::build(&app).await;
    let before = clients(&app, &w).await.len();
    let res = as_m_admin(&app, &w, "clients", "only_valid", one_bad_row().as_bytes()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report = res.json();
    assert_eq!(report["outcome"], "partly_imported");
    assert_eq!(report["rows_imported"], 2);
    assert_eq!(
        problems(&report),
        [(Some(4), Some("address_postcode".to_owned()))]
    );
    let now = clients(&app, &w).await;
    assert_eq!(now.len(), before + 2);
    assert!(now.iter().any(|c| c.name == "Gun Gran") && !now.iter().any(|c| c.name == "Ivar Is"));
    assert_eq!(imported_clients(&log(&app).await).len(), 2);

    // A file with no good row stores nothing, in this mode too.
    let res = as_m_admin(&app, &w, "clients", "only_valid", b"identity;name\n123;X\n").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["outcome"], "rejected");
}

async fn validate_mode_stores_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let before = clients(&app, &w).await.len();
    let admin = w.p("m_admin").bearer();
    let res = post(
        &app,
        "clients",
        "validate",
        &admin,
        "text/csv",
        good_file(&w).as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let report = res.json();
    assert_eq!(report["outcome"], "valid");
    assert_eq!(
        (
            report["rows_valid"].as_u64(),
            report["rows_imported"].as_u64()
        ),
        (Some(3), Some(0))
    );
    // Without a mode, the file is only checked.
    let res = app
        .raw(
            Method::POST,
            "/api/v1/import/clients",
            &admin,
            "text/csv",
            one_bad_row().into_bytes(),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["mode"], "validate");
    assert_eq!(clients(&app, &w).await.len(), before);
    let log = log(&app).await;
    assert!(imported_clients(&log).is_empty());
    assert_eq!(imports(&log).len(), 2, "checks are audited too");

    let res = app
        .json(
            Method::POST,
            "/api/v1/import/clients",
            &admin,
            serde_json::json!({"identity": "x"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(res.json()["detail"].as_str().unwrap().contains("text/csv"));
}

async fn a_file_larger_than_other_requests_is_taken(app: TestApp) {
    let w = World::build(&app).await;
    let mut file =
        String::from("identity;name;address_street;address_postcode;address_city;provider;unit\n");
    let mut n = 0u32;
    'fill: for day in 1..=28 {
        for birth in 1..=999 {
            file.push_str(&format!(
                "{};Person Nummer {birth};Långgatan {day};123 45;Köping;Kommunens hemtjänst;A1\n",
                pnr(1931, 3, day, birth)
            ));
            n += 1;
            if file.len() > 1_500_000 {
                break 'fill;
            }
        }
    }
    let res = as_m_admin(&app, &w, "clients", "validate", file.as_bytes()).await;
    assert_eq!(
        res.status,
        StatusCode::OK,
        "{}",
        res.body.chars().take(500).collect::<String>()
    );
    assert_eq!(res.json()["rows_valid"].as_u64(), Some(u64::from(n)));
}

async fn callers_without_the_right_are_refused_and_audited(app: TestApp) {
    let w = World::build(&app).await;
    let before = clients(&app, &w).await.len();
    // The needs assessor registers clients one by one but may not import.
    for who in ["m_assessor", "a_unitmgr", "b_admin"] {
        let p = w.p(who);
        let res = post(
            &app,
            "clients",
            "all",
            &p.bearer(),
            "text/csv",
            good_file(&w).as_bytes(),
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let res = post(
            &app,
            "devices",
            "all",
            &p.bearer(),
            "text/csv",
            b"kind;serial;model\n",
        )
        .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}");
        let log = log(&app).await;
        assert!(
            log.iter().any(|e| e.new.actor.user_id == Some(p.id)
                && e.new.outcome == Outcome::Denied
                && e.new.subject_id.as_deref() == Some("/api/v1/import/devices")),
            "{who}'s attempt is in the log"
        );
    }
    assert_eq!(clients(&app, &w).await.len(), before);

    // The use case refuses too, whatever the front end does.
    let assessor = app
        .services
        .principal_for(w.p("m_assessor").id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    let err = app
        .services
        .import_clients(
            &Ctx::new(&assessor, &meta),
            good_file(&w).as_bytes(),
            None,
            ImportMode::All,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");
    let log = log(&app).await;
    assert!(log.iter().any(|e| e.new.action == AuditAction::DataImported
        && e.new.outcome == Outcome::Denied
        && e.new.actor.user_id == Some(assessor.user_id)));
}

async fn rows_outside_the_callers_reach_are_refused(app: TestApp) {
    let w = World::build(&app).await;
    // Only municipal administrators import, and they reach everything; the rule that each row
    // is checked against the caller's reach is tested with an administrator held for provider
    // A alone (no such assignment can be made today).
    let admin = app
        .services
        .principal_for(w.p("m_admin").id, Credential::Cli)
        .await
        .unwrap();
    let narrow = Principal {
        assignments: vec![Assignment {
            id: RoleAssignmentId::new(),
            role: Role::SystemAdmin,
            organisation_id: w.a,
            organisation_kind: OrganisationKind::Provider,
            unit_id: None,
        }],
        ..admin
    };
    let meta = RequestMeta::default();
    let ctx = Ctx::new(&narrow, &meta);
    let before = clients(&app, &w).await.len();
    let file = format!(
        "identity;name;provider;unit\n{};In A;Kommunens hemtjänst;A1\n{};In B;Privat Omsorg AB;B1\n{};Nowhere;;\n",
        pnr(1936, 6, 6, 661),
        pnr(1936, 6, 6, 662),
        pnr(1936, 6, 6, 663),
    );
    let report = app
        .services
        .import_clients(&ctx, file.as_bytes(), None, ImportMode::All)
        .await
        .unwrap();
    assert_eq!(report.outcome, ImportOutcome::Rejected);
    let named: Vec<_> = report
        .problems
        .iter()
        .map(|p| (p.row, p.field.as_deref()))
        .collect();
    assert_eq!(
        named,
        [(Some(3), Some("unit")), (Some(4), Some("provider"))]
    );
    assert_eq!(
        report.problems[0].reason,
        ImportReason::OutsideNeedToKnow.into()
    );
    assert_eq!(clients(&app, &w).await.len(), before);
    let log = log(&app).await;
    assert_eq!(imports(&log)[0].new.outcome, Outcome::Denied);

    let report = app
        .services
        .import_clients(&ctx, file.as_bytes(), None, ImportMode::OnlyValid)
        .await
        .unwrap();
    assert_eq!(
        (report.outcome, report.rows_imported),
        (ImportOutcome::PartlyImported, 1)
    );
    let now = clients(&app, &w).await;
    assert!(now.iter().any(|c| c.name == "In A") && !now.iter().any(|c| c.name == "In B"));
}

async fn devices_are_imported_and_assigned_to_their_clients(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let file = "kind;serial;model;firmware;dc09_account;dc09_key;dc09_key_style;client_identity\n\
                alarm_unit;AU-1;Neat NOVO;2.1;1a2b;000102030405060708090a0b0c0d0e0f;hex;\n\
                camera;CAM-1;Axis M1;;;;;300101-9805\n\
                nfc_tag;TAG-1;NTAG213;;;;;\n\
                alarm_unit;AU-5;Neat NOVO;;5e5f;;clear;\n";
    let res = post(&app, "devices", "all", &admin, "text/csv", file.as_bytes()).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["rows_imported"], 4);
    let mut tx = app.store.begin_read().await.unwrap();
    let devices = tx
        .list_devices(&DeviceFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(devices.len(), 4);
    let clear = devices.iter().find(|d| d.serial == "AU-5").unwrap();
    assert!(
        clear.dc09_clear && clear.dc09_key.is_none(),
        "marked clear explicitly"
    );
    let cam = devices.iter().find(|d| d.serial == "CAM-1").unwrap();
    assert_eq!(
        (cam.status, cam.client_id),
        (DeviceStatus::Assigned, Some(w.client_a1))
    );
    assert_eq!(
        tx.list_device_events(cam.id).await.unwrap().len(),
        1,
        "the assignment is in its history"
    );
    let au = devices.iter().find(|d| d.serial == "AU-1").unwrap();
    assert_eq!(au.dc09_account.as_deref(), Some("1A2B"));
    assert!(au.dc09_key.is_some() && !au.dc09_clear);
    assert!(
        !au.has_live_credential(),
        "credentials are issued one by one"
    );
    drop(tx);
    let log = log(&app).await;
    let registered: Vec<_> = log
        .iter()
        .filter(|e| e.new.action == AuditAction::DeviceRegistered)
        .collect();
    assert_eq!(registered.len(), 4);
    assert!(
        registered
            .iter()
            .any(|e| e.new.client_id == Some(w.client_a1))
    );

    // Taken serial, taken account, the same serial twice, an unknown client, an account with
    // neither key nor clear marking: nothing stored.
    let file = "kind,serial,model,dc09_account,dc09_key,dc09_key_style,client_identity\n\
                camera,CAM-1,Axis M1,,,,\n\
                alarm_unit,AU-2,Neat NOVO,1A2B,,clear,\n\
                camera,CAM-2,Axis M1,,,,\n\
                camera,CAM-2,Axis M1,,,,\n\
                lock,L-1,Glue,,,,191212121212\n\
                camera,CAM-3,Axis M1,FFF,,,\n\
                alarm_unit,AU-3,Neat NOVO,,key-without-account,,\n\
                alarm_unit,AU-4,Neat NOVO,4C4D,,,\n";
    let res = post(&app, "devices", "all", &admin, "text/csv", file.as_bytes()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let report = res.json();
    assert_eq!(
        problems(&report),
        [
            (Some(2), Some("serial".to_owned())),
            (Some(3), Some("dc09_account".to_owned())),
            (Some(4), Some("serial".to_owned())),
            (Some(5), Some("serial".to_owned())),
            (Some(6), Some("client_identity".to_owned())),
            (Some(7), Some("dc09_account".to_owned())),
            (Some(8), Some("dc09_key_style".to_owned())),
            (Some(9), Some("dc09_key".to_owned())),
        ],
        "{report}"
    );
    let mut tx = app.store.begin_read().await.unwrap();
    let n = tx
        .list_devices(&DeviceFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .len();
    assert_eq!(n, 4, "nothing stored");
}

/// As when an alarm unit is assigned by hand: an imported one goes only to a client whose unit
/// an alarm centre covers (A1 is covered, A2 is not), else the client's alarms would reach no
/// operator. Other devices go to any client.
async fn an_alarm_unit_is_imported_only_for_a_client_an_alarm_centre_covers(app: TestApp) {
    let w = World::build(&app).await;
    let admin = w.p("m_admin").bearer();
    let file = "kind;serial;model;dc09_account;dc09_key_style;client_identity\n\
                alarm_unit;AU-A1;Neat NOVO;0A01;clear;19300101-9805\n\
                alarm_unit;AU-A2;Neat NOVO;0A02;clear;19310202-9802\n\
                camera;CAM-A2;Axis M1;;;19310202-9802\n";
    let res = post(&app, "devices", "all", &admin, "text/csv", file.as_bytes()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let report = res.json();
    assert_eq!(
        problems(&report),
        [(Some(3), Some("client_identity".to_owned()))],
        "{report}"
    );
    assert!(
        report["problems"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no alarm centre covers"),
        "{report}"
    );
    let devices = |app: &TestApp| {
        let store = app.store.clone();
        async move {
            let mut tx = store.begin_read().await.unwrap();
            tx.list_devices(&DeviceFilter {
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
        }
    };
    assert!(devices(&app).await.is_empty(), "nothing stored");

    let res = post(
        &app,
        "devices",
        "only_valid",
        &admin,
        "text/csv",
        file.as_bytes(),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mut stored: Vec<_> = devices(&app)
        .await
        .into_iter()
        .map(|d| (d.serial, d.client_id))
        .collect();
    stored.sort();
    assert_eq!(
        stored,
        [
            ("AU-A1".to_owned(), Some(w.client_a1)),
            ("CAM-A2".to_owned(), Some(w.client_a2)),
        ]
    );
}

/// Posts a CSV file from the import page (a multipart form with the session's token).
async fn upload_page(app: &TestApp, auth: &Auth, mode: &str, file: &str) -> Res {
    let Auth::Session { csrf, .. } = auth else {
        unreachable!("the page is a session's")
    };
    let b = "vakaimportboundary";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\n{mode}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n{file}\r\n--{b}--\r\n"
    );
    app.raw(
        Method::POST,
        "/import/clients",
        auth,
        &format!("multipart/form-data; boundary={b}"),
        body.into_bytes(),
    )
    .await
}

/// The row numbers of a report page's problems, in order.
fn report_rows(body: &str) -> Vec<u64> {
    body.split("<tr><td>")
        .skip(1)
        .filter_map(|r| r[..r.find('<').unwrap()].parse().ok())
        .collect()
}

/// The count and the links of a list page (`data-testid="list-count"`, `rel=…`).
fn count_and_link(body: &str, rel: &str) -> (String, Option<String>) {
    let at = body
        .find(r#"data-testid="list-count">"#)
        .unwrap_or_else(|| panic!("no count on the page: {body}"));
    let rest = &body[at + r#"data-testid="list-count">"#.len()..];
    let count = rest[..rest.find('<').unwrap()].replace('\u{a0}', " ");
    let link = body.find(&format!(r#"rel="{rel}" href=""#)).map(|at| {
        let rest = &body[at + format!(r#"rel="{rel}" href=""#).len()..];
        rest[..rest.find('"').unwrap()].replace("&#38;", "&")
    });
    (count, link)
}

async fn every_problem_of_a_large_report_can_be_reached(app: TestApp) {
    let w = World::build(&app).await;
    // 450 rows, each with a bad postcode (one problem a row, rows 2–451).
    let mut file = format!("{HEADER}\n");
    for n in 0..450 {
        file += &format!(
            "{};Rad {n};Gata 1;1;Ort;;Kommunens hemtjänst;A1;;;;;;\n",
            pnr(1935, 3, 3, n + 1)
        );
    }
    let (admin, _) = crate::console::session(&app, &w, "m_admin").await;
    let res = upload_page(&app, &admin, "validate", &file).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let (count, next) = count_and_link(&res.body, "next");
    assert_eq!(count, "200 av 450");
    assert_eq!(next.as_deref(), Some("/import/report?page=2"));
    assert_eq!(report_rows(&res.body), (2..202).collect::<Vec<_>>());
    assert!(res.body.contains(r#"href="/import/report.csv""#));

    let third = app.get("/import/report?page=3", &admin).await;
    assert_eq!(third.status, StatusCode::OK, "{}", third.body);
    let (count, next) = count_and_link(&third.body, "next");
    assert_eq!(count, "401–450 av 450");
    assert_eq!(next, None, "the last page");
    assert_eq!(
        count_and_link(&third.body, "prev").1.as_deref(),
        Some("/import/report?page=2")
    );
    assert_eq!(report_rows(&third.body), (402..452).collect::<Vec<_>>());
    assert!(third.body.contains("fem siffror"), "the reasons in words");
    // A page past the end shows the last one.
    let past = app.get("/import/report?page=99", &admin).await;
    assert_eq!(count_and_link(&past.body, "next").0, "401–450 av 450");

    let csv = app.get("/import/report.csv", &admin).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let mut rdr = csv::Reader::from_reader(csv.body.as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["row", "column", "problem"]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 450, "every problem");
    assert_eq!(&rows[449][0], "451");
    assert_eq!(&rows[449][1], "address_postcode");
    assert!(rows[0][2].contains("fem siffror"), "{:?}", rows[0]);

    // The report is the session's: another login, even the same person's, has none; those
    // without the right to import are refused the page.
    let (again, _) = crate::console::session(&app, &w, "m_admin").await;
    let other = app.get("/import/report?page=3", &again).await;
    other.assert_says(StatusCode::NOT_FOUND, "Importrapporten finns inte längre");
    assert!(!other.body.contains("<td>402</td>"));
    assert_eq!(
        app.get("/import/report.csv", &again).await.status,
        StatusCode::NOT_FOUND
    );
    let (provider, _) = crate::console::session(&app, &w, "b_admin").await;
    assert_eq!(
        app.get("/import/report.csv", &provider).await.status,
        StatusCode::FORBIDDEN
    );
    // A new upload replaces the report; half an hour on it is gone.
    let one = upload_page(&app, &admin, "validate", &one_bad_row()).await;
    assert_eq!(
        count_and_link(&one.body, "next"),
        ("1 av 1".to_owned(), None)
    );
    app.clock.advance(jiff::SignedDuration::from_mins(20));
    let kept = app.get("/import/report", &admin).await;
    assert_eq!(report_rows(&kept.body), [4]);
    app.clock.advance(jiff::SignedDuration::from_mins(11));
    // (The session itself is alive: it was used 11 minutes ago.)
    let gone = app.get("/import/report", &admin).await;
    gone.assert_says(StatusCode::NOT_FOUND, "Importrapporten finns inte längre");
    assert!(!gone.body.contains("<td>4</td>"));
}

db_tests!(
    a_good_utf8_file_is_imported_and_every_client_audited,
    a_windows_1252_file_is_read_with_its_swedish_letters,
    bytes_that_are_neither_utf8_nor_windows_1252_are_refused,
    a_missing_or_unknown_column_is_named_and_nothing_is_stored,
    duplicate_rows_and_registered_clients_are_named,
    one_bad_row_stores_nothing_and_is_named,
    only_valid_imports_the_good_rows,
    validate_mode_stores_nothing,
    a_file_larger_than_other_requests_is_taken,
    callers_without_the_right_are_refused_and_audited,
    rows_outside_the_callers_reach_are_refused,
    devices_are_imported_and_assigned_to_their_clients,
    an_alarm_unit_is_imported_only_for_a_client_an_alarm_centre_covers,
    every_problem_of_a_large_report_can_be_reached,
);
