//! The client's own log: the extract across every module on request, as a page and a PDF that
//! prints a Sámi name; the request recorded, bad requests refused with nothing recorded.

use axum::http::{StatusCode, header};
use serde_json::json;
use vaka_domain::client::Protection;
use vaka_domain::ids::ClientId;

use crate::console::session;
use crate::db_tests;
use crate::support::{TestApp, ok};
use crate::world::{World, test_client};

const SAMI: &str = "Áŋŋá Čuđđá";

/// The ToUnicode pairs of a PDF hold `c` (its UTF-16 code unit, as `<glyph> <unit>`).
fn maps(pdf: &str, c: char) -> bool {
    use std::fmt::Write;
    let mut units = [0u16; 2];
    let mut hex = String::new();
    for u in c.encode_utf16(&mut units).iter() {
        let _ = write!(hex, "{u:04X}");
    }
    pdf.lines().any(|l| {
        l.starts_with('<') && l.ends_with(&format!("> <{hex}>")) && !l.starts_with("<0000>")
    })
}

async fn a_clients_log_is_extracted_on_request_and_the_request_is_recorded(app: TestApp) {
    let w = World::build(&app).await;
    let client = ClientId::new();
    app.services
        .cli_insert_client(test_client(
            client,
            SAMI,
            "194503121230",
            w.a,
            w.a1,
            Protection::None,
        ))
        .await
        .unwrap();
    // What the extract will find: the unit manager reads the record; an alarm comes in and the
    // operator takes it and calls.
    let read = app
        .get(
            &format!("/api/v1/clients/{client}"),
            &w.p("a_unitmgr").bearer(),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let mut alarm = vaka_domain::alarm::AlarmRecord::new(
        vaka_domain::alarm::AlarmKind::Personal,
        vaka_domain::client::AreaType::Town,
        "personal_alarm",
        "MA",
        vaka_store::values::to_db_precision(app.services.now()),
    );
    alarm.client_id = Some(client);
    {
        let mut tx = app.store.begin().await.unwrap();
        tx.insert_alarm(&alarm).await.unwrap();
        tx.commit(&[]).await.unwrap();
    }
    let op = w.p("c_operator").bearer();
    for step in [
        json!({"step": "take"}),
        json!({"step": "contact", "note": "Ramlat i hallen, Ánde på väg"}),
    ] {
        ok(
            &app,
            &op,
            axum::http::Method::POST,
            format!("/api/v1/alarms/{}/steps", alarm.id),
            step,
        )
        .await;
    }

    let (admin, _) = session(&app, &w, "m_admin").await;
    let path = format!("/clients/{client}/log");
    let form = app.get(&path, &admin).await;
    form.assert_says(StatusCode::OK, "Loggutdrag");
    form.assert_has("Chef efter en händelse");

    // Bad requests: a clear refusal on the form, and nothing recorded.
    for (fields, says) in [
        (
            vec![
                ("from", "2026-11-22"),
                ("to", "2026-11-01"),
                ("requested_by", "client"),
            ],
            "perioden slutar innan den börjar",
        ),
        (
            vec![
                ("from", "2020-11-22"),
                ("to", "2026-11-22"),
                ("requested_by", "representative"),
            ],
            "ett utdrag omfattar högst 5 år",
        ),
        (
            vec![
                ("from", "2026-11-01"),
                ("to", "2026-11-22"),
                ("requested_by", "incident"),
                ("reason", "  "),
            ],
            "ange orsaken när utdraget begärs efter en händelse",
        ),
        (
            vec![
                ("from", "2026-11-01"),
                ("to", "2026-11-22"),
                ("requested_by", "neighbour"),
            ],
            "välj vem som begärt utdraget",
        ),
        (
            vec![
                ("from", "1 nov"),
                ("to", "2026-11-22"),
                ("requested_by", "client"),
            ],
            "skriv datumet som ÅÅÅÅ-MM-DD",
        ),
    ] {
        let mut fields = fields;
        fields.push(("_form", "extract"));
        let res = app.form(&path, &admin, &fields).await;
        res.assert_says(StatusCode::UNPROCESSABLE_ENTITY, says);
        // The form shows what was sent again.
        res.assert_has(&format!("value=\"{}\"", fields[1].1));
    }
    assert!(
        w.audit_about(&app, "client.log_extract", client)
            .await
            .is_empty(),
        "a refused request records nothing"
    );

    // On the page: the accesses with who and in what role, the alarm with its handling.
    let shown = app
        .form(
            &path,
            &admin,
            &[
                ("from", "2026-11-01"),
                ("to", "2026-11-22"),
                ("requested_by", "client"),
                ("format", "html"),
            ],
        )
        .await;
    shown.assert_says(StatusCode::OK, "Åtkomst till uppgifterna");
    shown.assert_has("Test a_unitmgr (Enhetschef)");
    shown.assert_has("Test c_operator");
    shown.assert_has("Personlarm");
    shown.assert_has("Ramlat i hallen, Ánde på väg");
    shown.assert_has("Begärt av: Brukaren");

    // The PDF, asked for by a manager after an incident: every name prints.
    let pdf = app
        .form(
            &path,
            &admin,
            &[
                ("from", "2026-11-22"),
                ("to", "2026-11-22"),
                ("requested_by", "incident"),
                ("reason", "Fall i hallen 22/11"),
                ("format", "pdf"),
            ],
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-"));
    assert!(pdf.body.contains("/Identity-H"));
    // Å, å, ä, ö: in "Åtkomst", "på", "Begärt", "dörrhändelser".
    for c in SAMI.chars().filter(|c| *c != ' ').chain("Ååäö".chars()) {
        assert!(maps(&pdf.body, c), "{c:?} has a glyph and its Unicode");
    }

    // Both requests are recorded: who asked, the period, the reason, what the extract held.
    let audit = w.audit_about(&app, "client.log_extract", client).await;
    assert_eq!(audit.len(), 2, "{audit:?}");
    let details: serde_json::Value =
        serde_json::from_str(audit[0]["details"].as_str().unwrap()).unwrap();
    assert_eq!(details["requested_by"], "incident");
    assert_eq!(details["reason"], "Fall i hallen 22/11");
    assert_eq!(details["from"], "2026-11-22");
    assert_eq!(details["alarms"], 1);
    assert!(details["access"].as_u64().unwrap() >= 3, "{details}");
    assert_eq!(audit[0]["actor_username"], "m_admin");
    let first: serde_json::Value =
        serde_json::from_str(audit[1]["details"].as_str().unwrap()).unwrap();
    assert_eq!(first["requested_by"], "client");
    assert!(first["reason"].is_null());
}

/// Others than the system administrator may not take the extract out, even of a client they
/// read; a refused extract is audited as a refusal, not as an extract.
async fn only_the_system_administrator_takes_the_log_out(app: TestApp) {
    let w = World::build(&app).await;
    let path = format!("/clients/{}/log", w.client_a1);
    for who in ["a_unitmgr", "m_manager", "a_staff"] {
        let (s, _) = session(&app, &w, who).await;
        let res = app
            .form(
                &path,
                &s,
                &[
                    ("from", "2026-11-01"),
                    ("to", "2026-11-22"),
                    ("requested_by", "client"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{who}: {}", res.body);
    }
    assert!(
        w.audit_about(&app, "client.log_extract", w.client_a1)
            .await
            .is_empty()
    );
}

db_tests!(
    a_clients_log_is_extracted_on_request_and_the_request_is_recorded,
    only_the_system_administrator_takes_the_log_out,
);
