//! The management plan as data (issue 17, part 7) and incident and fault reports (part 6)
//! through the pages: governance roles as audited assignments with one system owner at a time;
//! supplier contracts whose notice day shows as a reminder on the system manager's home page;
//! the classification; the activity plan's overdue duties, signed off by their role's holder or
//! the system manager; incidents routed to the system owner and the information security
//! coordinator, moving forward only; fault reports stamped by the clock.
//! The test clock starts on Sunday 22 November 2026, 10:00 in Stockholm.

use axum::http::StatusCode;
use jiff::Timestamp;
use vaka_domain::governance::GovernanceRole;

use crate::db_tests;
use crate::support::{TestApp, logged_in};
use crate::world::World;

db_tests!(
    governance_roles_are_audited_assignments_with_one_system_owner,
    a_contract_reminds_before_its_notice_day_and_bad_terms_are_refused,
    overdue_duties_show_and_are_signed_off_by_their_role_or_the_system_manager,
    incidents_go_to_the_owner_and_coordinator_and_move_forward_only,
    fault_reports_go_to_a_contracts_supplier_with_the_clocks_times,
    the_classification_is_seeded_and_kept_by_the_system_manager,
    the_system_manager_changes_a_duty_and_its_occurrences_follow,
);

const LOG_REVIEW: &str = "00000000-0000-4000-8000-00000000d001";
const QUARTERLY: &str = "00000000-0000-4000-8000-00000000d002";

fn assign<'a>(role: &'a str, username: &'a str, from: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_form", "assign"),
        ("role", role),
        ("username", username),
        ("from", from),
    ]
}

/// The `data-governance` kinds of the home page.
fn home_items(body: &str) -> Vec<&str> {
    body.split("data-governance=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

async fn owner_and_coordinator(app: &TestApp, w: &World) {
    let manager = logged_in(app, w.p("m_manager").id).await;
    for (role, who) in [
        ("system_owner", "m_assessor"),
        ("information_security_coordinator", "a_nurse"),
    ] {
        let res = app
            .form("/governance/roles", &manager, &assign(role, who, ""))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
}

async fn governance_roles_are_audited_assignments_with_one_system_owner(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let res = app
        .form(
            "/governance/roles",
            &manager,
            &assign("system_owner", "m_assessor", "2026-11-01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        res.location(),
        Some("/governance?ok=gov-ok-role-assigned#roles")
    );
    // A second system owner over the same days is refused, naming the rule.
    let res = app
        .form(
            "/governance/roles",
            &manager,
            &assign("system_owner", "a_unitmgr", "2026-12-01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    res.assert_has("rollen har redan en innehavare under perioden");
    // Two system managers are fine.
    for who in ["m_manager", "m_admin"] {
        let res = app
            .form(
                "/governance/roles",
                &manager,
                &assign("system_manager", who, ""),
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    }
    // An end before the start, an unknown user and an unknown role are refused.
    let mut bad = assign("data_protection_officer", "a_nurse", "2026-12-01");
    bad.push(("until", "2026-11-30"));
    app.form("/governance/roles", &manager, &bad)
        .await
        .assert_says(
            StatusCode::UNPROCESSABLE_ENTITY,
            "slutdagen får inte ligga före startdagen",
        );
    let res = app
        .form(
            "/governance/roles",
            &manager,
            &assign("system_owner", "nobody", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .form(
            "/governance/roles",
            &manager,
            &assign("king", "a_nurse", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // Only the system manager assigns.
    let unit = logged_in(&app, w.p("a_unitmgr").id).await;
    let res = app
        .form(
            "/governance/roles",
            &unit,
            &assign("data_protection_officer", "a_unitmgr", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);

    // Who holds a role, for other modules (the log review escalates to the system owner).
    let owners = app
        .services
        .governance_holders(GovernanceRole::SystemOwner)
        .await
        .unwrap();
    assert_eq!(owners, vec![w.p("m_assessor").id]);
    let mut managers = app
        .services
        .governance_holders(GovernanceRole::SystemManager)
        .await
        .unwrap();
    managers.sort();
    let mut want = vec![w.p("m_manager").id, w.p("m_admin").id];
    want.sort();
    assert_eq!(managers, want);

    // The page lists them; the holder sees the plan too.
    let page = app.get("/governance", &manager).await;
    page.assert_says(StatusCode::OK, "Systemägare");
    let owner = logged_in(&app, w.p("m_assessor").id).await;
    let page = app.get("/governance", &owner).await;
    page.assert_says(StatusCode::OK, "Dina roller i förvaltningen:");
    page.assert_has("id=\"classification\"");
    // Someone without a role sees only the incident form.
    let staff = logged_in(&app, w.p("b_staff").id).await;
    let page = app.get("/governance", &staff).await;
    page.assert_says(StatusCode::OK, "id=\"incident\"");
    assert!(!page.body.contains("id=\"roles\""), "{}", page.body);

    // Ending the owner's assignment today leaves the role free from tomorrow.
    let id = page_holder_id(&app.get("/governance", &manager).await.body, "Systemägare");
    let res = app
        .form(
            &format!("/governance/roles/{id}/end"),
            &manager,
            &[("_form", "end"), ("until", "2026-11-22")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .form(
            "/governance/roles",
            &manager,
            &assign("system_owner", "a_unitmgr", "2026-11-23"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    // Every change is audited, with the role and the period.
    let audit = app
        .get(
            "/api/v1/audit?action=governance.role_assign&limit=20",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 4, "{audit}");
    assert!(
        entries
            .iter()
            .any(|e| e["details"].as_str().unwrap().contains("\"system_owner\"")),
        "{audit}"
    );
    let ended = app
        .get(
            "/api/v1/audit?action=governance.role_end&limit=20",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(ended.as_array().unwrap().len(), 1, "{ended}");
}

/// The id of the first current holder row whose role is `role`.
fn page_holder_id(body: &str, role: &str) -> String {
    body.split("data-holder=\"")
        .skip(1)
        .find(|s| {
            s.split("</tr>")
                .next()
                .is_some_and(|row| row.contains(role) && row.contains("data-current=\"true\""))
        })
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no holder of {role}: {body}"))
        .to_owned()
}

fn contract<'a>(
    supplier: &'a str,
    starts: &'a str,
    ends: &'a str,
    notice: &'a str,
    availability: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_form", "contract"),
        ("supplier", supplier),
        ("subject", "Drift- och underhållsavtal"),
        ("reference", "SN/2019:72"),
        ("starts_on", starts),
        ("ends_on", ends),
        ("notice_months", notice),
        ("availability", availability),
        ("response_terms", "Prio 1: svar inom 1 timme"),
    ]
}

async fn a_contract_reminds_before_its_notice_day_and_bad_terms_are_refused(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    // Bad terms, each refused naming its rule; nothing is written.
    app.form(
        "/governance/contracts",
        &manager,
        &contract("Tieto", "2026-01-01", "2025-12-31", "3", ""),
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "slutdagen får inte ligga före startdagen",
    );
    app.form(
        "/governance/contracts",
        &manager,
        &contract("Tieto", "2026-01-01", "", "-1", ""),
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "uppsägningstiden kan inte vara negativ",
    );
    app.form(
        "/governance/contracts",
        &manager,
        &contract("Tieto", "2026-01-01", "", "3", "100,5"),
    )
    .await
    .assert_says(StatusCode::UNPROCESSABLE_ENTITY, "mellan 0 och 100");
    app.get("/governance", &manager)
        .await
        .assert_says(StatusCode::OK, "Inga avtal är registrerade.");

    // Ends 31 March 2027 with three months' notice: notice by 31 December 2026, within the
    // 60 days of the reminder. The other ends far off: no reminder.
    let res = app
        .form(
            "/governance/contracts",
            &manager,
            &contract("Tieto", "2024-04-01", "2027-03-31", "3", "99,5"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .form(
            "/governance/contracts",
            &manager,
            &contract("Phoniro", "2026-05-01", "2029-04-30", "6", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/governance", &manager).await;
    page.assert_has("3 mån uppsägningstid, säg upp senast 2026-12-31");
    page.assert_has("Uppsägning senast 2026-12-31");
    page.assert_has("Tillgänglighet 99,5 %");
    assert_eq!(page.body.matches("data-reminder=\"true\"").count(), 1);
    let home = app.get("/", &manager).await;
    assert!(
        home_items(&home.body).contains(&"reminder"),
        "{}",
        home.body
    );
    home.assert_has("Tieto: Uppsägning senast 2026-12-31");
    assert!(!home.body.contains("Phoniro:"), "{}", home.body);
    // Others are not reminded, nor do they see the contracts.
    let unit = logged_in(&app, w.p("a_unitmgr").id).await;
    assert!(home_items(&app.get("/", &unit).await.body).is_empty());
    let page = app.get("/governance", &unit).await;
    assert!(!page.body.contains("Tieto"), "{}", page.body);
    let res = app
        .form(
            "/governance/contracts",
            &unit,
            &contract("Tieto", "2024-04-01", "", "3", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    // The yearly follow-up, once signed, moves a year on.
    let page = app.get("/governance", &manager).await;
    let id = page
        .body
        .split("data-contract=\"")
        .nth(2)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let res = app
        .form(
            &format!("/governance/contracts/{id}/follow-up"),
            &manager,
            &[
                ("_form", "follow"),
                ("note", "SLA uppfyllt, fakturor kontrollerade"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/governance", &manager).await;
    page.assert_has("SLA uppfyllt, fakturor kontrollerade");
    // Changing Phoniro's contract to end 28 February 2027 brings its notice day (28 November)
    // within the window; a change that breaks a rule is refused and changes nothing.
    let phoniro = page
        .body
        .split("data-contract=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let mut bad = contract("Phoniro", "2026-05-01", "2026-04-30", "3", "");
    bad[0] = ("_form", "edit");
    app.form(&format!("/governance/contracts/{phoniro}"), &manager, &bad)
        .await
        .assert_says(
            StatusCode::UNPROCESSABLE_ENTITY,
            "slutdagen får inte ligga före startdagen",
        );
    let res = app
        .form(
            &format!("/governance/contracts/{phoniro}"),
            &manager,
            &contract("Phoniro", "2026-05-01", "2027-02-28", "3", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/governance", &manager).await;
    page.assert_has("3 mån uppsägningstid, säg upp senast 2026-11-28");
    assert_eq!(page.body.matches("data-reminder=\"true\"").count(), 2);
    let audit = app
        .get(
            "/api/v1/audit?action=governance.contract_save&limit=20",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 3, "{audit}");
}

fn sign<'a>(due: &'a str, note: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![("_form", "sign"), ("due", due), ("note", note)]
}

async fn overdue_duties_show_and_are_signed_off_by_their_role_or_the_system_manager(app: TestApp) {
    let w = World::build(&app).await;
    owner_and_coordinator(&app, &w).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    // On 22 November the month's log review (due the 10th) and last quarter's report (due 31
    // October) are overdue; the yearly follow-up (30 November) is not yet.
    let home = app.get("/", &manager).await;
    home.assert_has("Månatlig loggranskning genomförd förföll 2026-11-10");
    home.assert_has("Kvartalsrapport om ej verkställda beslut förföll 2026-10-31");
    assert!(!home.body.contains("förföll 2026-11-30"), "{}", home.body);
    // The system owner sees the quarterly report (theirs), not the log review.
    let owner = logged_in(&app, w.p("m_assessor").id).await;
    let home = app.get("/", &owner).await;
    home.assert_has("Kvartalsrapport om ej verkställda beslut förföll 2026-10-31");
    assert!(!home.body.contains("loggranskning"), "{}", home.body);
    // Someone without the role may not sign off; nor the owner a duty of another role.
    let unit = logged_in(&app, w.p("a_unitmgr").id).await;
    let res = app
        .form(
            &format!("/governance/duties/{QUARTERLY}/sign-off"),
            &unit,
            &sign("2026-10-31", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = app
        .form(
            &format!("/governance/duties/{LOG_REVIEW}/sign-off"),
            &owner,
            &sign("2026-11-10", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    // The owner signs off the report.
    let res = app
        .form(
            &format!("/governance/duties/{QUARTERLY}/sign-off"),
            &owner,
            &sign("2026-10-31", "Rapporterat till IVO"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // A day that is not a due date, or one still ahead, is refused; so is a second sign-off.
    for day in ["2026-11-11", "2026-12-10"] {
        app.form(
            &format!("/governance/duties/{LOG_REVIEW}/sign-off"),
            &manager,
            &sign(day, ""),
        )
        .await
        .assert_says(
            StatusCode::UNPROCESSABLE_ENTITY,
            "dagen är inte en förfallodag för uppgiften som har inträffat",
        );
    }
    let res = app
        .form(
            &format!("/governance/duties/{LOG_REVIEW}/sign-off"),
            &manager,
            &sign("2026-11-10", "Alla enheter granskade"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .form(
            &format!("/governance/duties/{LOG_REVIEW}/sign-off"),
            &manager,
            &sign("2026-11-10", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    res.assert_has("uppgiften är redan signerad för den dagen");
    // Signed off: no longer overdue on the home page; shown with the note on the page.
    let home = app.get("/", &manager).await;
    assert!(!home.body.contains("förföll 2026-11-10"), "{}", home.body);
    assert!(!home.body.contains("förföll 2026-10-31"), "{}", home.body);
    home.assert_has("förföll 2026-10-10");
    let page = app.get("/governance", &manager).await;
    page.assert_has("Alla enheter granskade");
    // After the 30th the yearly follow-up is overdue too.
    app.clock
        .set("2026-12-01T09:00:00Z".parse::<Timestamp>().unwrap());
    let manager = logged_in(&app, w.p("m_manager").id).await;
    app.get("/", &manager)
        .await
        .assert_has("Årlig uppföljning enligt checklista förföll 2026-11-30");
    let audit = app
        .get(
            "/api/v1/audit?action=governance.duty_sign_off&limit=20",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    // Two sign-offs (the owner's names the role it was signed as) and the two refusals.
    let outcomes = |o: &str| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["outcome"] == o)
            .count()
    };
    assert_eq!((outcomes("success"), outcomes("denied")), (2, 2), "{audit}");
    assert!(
        audit.to_string().contains(r#"\"as\":\"system_owner\""#),
        "{audit}"
    );
}

fn incident<'a>(
    kind: &'a str,
    what: &'a str,
    day: &'a str,
    time: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_form", "incident"),
        ("kind", kind),
        ("what", what),
        ("day", day),
        ("time", time),
    ]
}

async fn incidents_go_to_the_owner_and_coordinator_and_move_forward_only(app: TestApp) {
    let w = World::build(&app).await;
    owner_and_coordinator(&app, &w).await;
    let staff = logged_in(&app, w.p("b_staff").id).await;
    // A personnummer in the text, a day ahead: refused.
    app.form(
        "/governance/incidents",
        &staff,
        &incident(
            "patient_safety",
            "Tillsynen hos 19400404-9807 uteblev",
            "2026-11-21",
            "23:00",
        ),
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "texten innehåller ett personnummer",
    );
    app.form(
        "/governance/incidents",
        &staff,
        &incident("patient_safety", "Tillsynen uteblev", "2026-11-23", ""),
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "incidenten kan inte ha inträffat efter att den rapporteras",
    );
    let res = app
        .form(
            "/governance/incidents",
            &staff,
            &incident(
                "patient_safety",
                "Kameratillsynen kl 23 uteblev, kameran var offline",
                "2026-11-21",
                "23:00",
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // The reporter follows their own report; a colleague does not see it.
    let page = app.get("/governance", &staff).await;
    page.assert_has("Kameratillsynen kl 23 uteblev");
    page.assert_has("data-status=\"new\"");
    let other = logged_in(&app, w.p("a_staff").id).await;
    let page = app.get("/governance", &other).await;
    assert!(!page.body.contains("Kameratillsynen"), "{}", page.body);
    // The owner and the coordinator have it on their home page.
    for who in ["m_assessor", "a_nurse"] {
        let auth = logged_in(&app, w.p(who).id).await;
        let home = app.get("/", &auth).await;
        assert!(
            home_items(&home.body).contains(&"incident"),
            "{who}: {}",
            home.body
        );
        home.assert_has("Incident (Patientsäkerhet) rapporterad 2026-11-22");
    }
    let audit = app
        .get(
            "/api/v1/audit?action=governance.incident_report&limit=5",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let details = audit[0]["details"].as_str().unwrap().to_owned();
    assert!(
        details.contains(&w.p("m_assessor").id.to_string()),
        "{details}"
    );
    assert!(
        details.contains(&w.p("a_nurse").id.to_string()),
        "{details}"
    );

    let owner = logged_in(&app, w.p("m_assessor").id).await;
    let page = app.get("/governance", &owner).await;
    let id = page
        .body
        .split("data-incident=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let step = |status: &'static str, note: &'static str| {
        vec![("_form", "step"), ("status", status), ("note", note)]
    };
    // The reporter may not handle it.
    let res = app
        .form(
            &format!("/governance/incidents/{id}/step"),
            &staff,
            &step("closed", "klart"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = app
        .form(
            &format!("/governance/incidents/{id}/step"),
            &owner,
            &step("investigating", "Kontrollerar kamerans logg"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Closing needs a note; then it is closed, and cannot go back.
    let res = app
        .form(
            &format!("/governance/incidents/{id}/step"),
            &owner,
            &step("closed", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let coordinator = logged_in(&app, w.p("a_nurse").id).await;
    let res = app
        .form(
            &format!("/governance/incidents/{id}/step"),
            &coordinator,
            &step("closed", "Router bytt, rutin för offline-larm ses över"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.form(
        &format!("/governance/incidents/{id}/step"),
        &owner,
        &step("investigating", ""),
    )
    .await
    .assert_says(StatusCode::CONFLICT, "status kan bara flyttas framåt");
    let page = app.get("/governance", &staff).await;
    page.assert_has("data-status=\"closed\"");
    page.assert_has("Router bytt");
    assert!(!home_items(&app.get("/", &owner).await.body).contains(&"incident"));
}

async fn fault_reports_go_to_a_contracts_supplier_with_the_clocks_times(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let res = app
        .form(
            "/governance/contracts",
            &manager,
            &contract("Careium", "2025-01-01", "", "6", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/governance", &manager).await;
    let contract_id = page
        .body
        .split("data-contract=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let admin = logged_in(&app, w.p("m_admin").id).await;
    // An unknown supplier is refused.
    app.form(
        "/governance/faults",
        &admin,
        &[
            ("_form", "fault"),
            ("contract_id", "00000000-0000-4000-8000-000000000bad"),
            ("what", "Larm kommer inte fram"),
        ],
    )
    .await
    .assert_says(
        StatusCode::UNPROCESSABLE_ENTITY,
        "leverantören har inget registrerat avtal",
    );
    let res = app
        .form(
            "/governance/faults",
            &admin,
            &[
                ("_form", "fault"),
                ("contract_id", &contract_id),
                ("what", "Larm kommer inte fram från två larm i Sörberge"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Care staff may not report faults to suppliers.
    let staff = logged_in(&app, w.p("b_staff").id).await;
    let res = app
        .form(
            "/governance/faults",
            &staff,
            &[
                ("_form", "fault"),
                ("contract_id", &contract_id),
                ("what", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let page = app.get("/governance", &admin).await;
    page.assert_has("Anmält 2026-11-22 10:00");
    let id = page
        .body
        .split("data-fault=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let step = |status: &'static str, sref: &'static str, resolution: &'static str| {
        vec![
            ("_form", "fault-step"),
            ("status", status),
            ("supplier_ref", sref),
            ("resolution", resolution),
        ]
    };
    app.clock
        .set("2026-11-22T10:15:00Z".parse::<Timestamp>().unwrap());
    let admin = logged_in(&app, w.p("m_admin").id).await;
    let res = app
        .form(
            &format!("/governance/faults/{id}/step"),
            &admin,
            &step("acknowledged", "CAR-48213", ""),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.clock
        .set("2026-11-23T08:30:00Z".parse::<Timestamp>().unwrap());
    let admin = logged_in(&app, w.p("m_admin").id).await;
    let res = app
        .form(
            &format!("/governance/faults/{id}/step"),
            &admin,
            &step("resolved", "", "Mottagaren omstartad"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    app.form(
        &format!("/governance/faults/{id}/step"),
        &admin,
        &step("acknowledged", "", ""),
    )
    .await
    .assert_says(StatusCode::CONFLICT, "status kan bara flyttas framåt");
    let page = app.get("/governance", &admin).await;
    page.assert_has("CAR-48213");
    page.assert_has("Mottaget 2026-11-22 11:15");
    page.assert_has("Åtgärdat 2026-11-23 09:30");
    page.assert_has("data-status=\"resolved\"");
    let audit = app
        .get(
            "/api/v1/audit?action=governance.fault_update&limit=5",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 2, "{audit}");
}

async fn the_classification_is_seeded_and_kept_by_the_system_manager(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let page = app.get("/governance", &manager).await;
    // Seed 004: every type "Allvarlig" in all four aspects.
    page.assert_has("data-info=\"supervision\"");
    page.assert_has("data-info=\"audit_log\"");
    let levels = [
        ("_form", "class-alarms"),
        ("confidentiality", "significant"),
        ("integrity", "serious"),
        ("availability", "very_serious"),
        ("traceability", "serious"),
    ];
    let res = app
        .form("/governance/classification/alarms", &manager, &levels)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get("/governance", &manager).await;
    let row = page
        .body
        .split("data-info=\"alarms\"")
        .nth(1)
        .and_then(|s| s.split("</tr>").next())
        .unwrap()
        .to_owned();
    assert!(
        row.contains(r#"<option value="very_serious" selected>"#),
        "{row}"
    );
    // A level off the scale, and a type that does not exist, are refused.
    let mut bad = levels.to_vec();
    bad[1] = ("confidentiality", "5");
    let res = app
        .form("/governance/classification/alarms", &manager, &bad)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .form("/governance/classification/recipes", &manager, &levels)
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // Someone with a governance role sees it read-only; the change is audited.
    let audit = app
        .get(
            "/api/v1/audit?action=governance.classification_set&limit=5",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1, "{audit}");
    assert!(
        audit[0]["details"]
            .as_str()
            .unwrap()
            .contains("very_serious"),
        "{audit}"
    );
}

async fn the_system_manager_changes_a_duty_and_its_occurrences_follow(app: TestApp) {
    let w = World::build(&app).await;
    let manager = logged_in(&app, w.p("m_manager").id).await;
    let home = app.get("/", &manager).await;
    home.assert_has("Månatlig loggranskning genomförd förföll 2026-10-10");
    let duty =
        |recurrence: &'static str, month: &'static str, day: &'static str, starts: &'static str| {
            vec![
                ("_form", "duty"),
                ("recurrence", recurrence),
                ("month", month),
                ("day", day),
                ("responsible", "system_manager"),
                ("starts_on", starts),
            ]
        };
    // A day off the month, a quarter's fourth month: refused, nothing changed.
    let res = app
        .form(
            &format!("/governance/duties/{LOG_REVIEW}"),
            &manager,
            &duty("monthly", "1", "32", "2026-11-01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let res = app
        .form(
            &format!("/governance/duties/{QUARTERLY}"),
            &manager,
            &duty("quarterly", "4", "15", "2026-01-01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    // The log review from 1 November, on the last day of each month: nothing overdue yet.
    let res = app
        .form(
            &format!("/governance/duties/{LOG_REVIEW}"),
            &manager,
            &duty("monthly", "", "31", "2026-11-01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let home = app.get("/", &manager).await;
    assert!(!home.body.contains("loggranskning"), "{}", home.body);
    let page = app.get("/governance", &manager).await;
    page.assert_has("Varje månad, dag 31");
    page.assert_has(r#"data-duty="00000000-0000-4000-8000-00000000d001" data-due="2026-11-30""#);
    // Only the system manager changes the plan; the change is audited.
    let owner = logged_in(&app, w.p("m_assessor").id).await;
    let res = app
        .form(
            &format!("/governance/duties/{LOG_REVIEW}"),
            &owner,
            &duty("monthly", "", "10", "2026-01-01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let audit = app
        .get(
            "/api/v1/audit?action=governance.duty_change&limit=5",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    assert_eq!(audit.as_array().unwrap().len(), 1, "{audit}");
}
