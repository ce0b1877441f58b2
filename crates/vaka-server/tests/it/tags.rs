//! NFC tags at clients' doors: ordering, provisioning and replacing a tag, what a tap proves
//! (a SUN tap accepted once, a replayed or forged one refused, a plain tag accepted as weaker,
//! unknown tags and other clients' tags refused, each refusal audited), and the tag's URL
//! (`/t/{tag_id}`) leading into the staff app without consuming the one-time code.

use axum::http::{Method, StatusCode};
use serde_json::json;
use vaka_domain::access::Credential;
use vaka_domain::ids::{ClientId, UserId};
use vaka_domain::nfc::sun::{SdmKey, simulated_tap_url};
use vaka_domain::nfc::{TagEvidence, TagId, TagStrength, TagTap, tag_url};
use vaka_domain::reason::{Reason, TagReason};
use vaka_service::registry::tags::{ProvisionedTag, TagInput};
use vaka_service::{Ctx, RequestMeta, ServiceError, ServiceResult};

use crate::db_tests;
use crate::support::{TestApp, logged_in, night_supervision, ok, read};
use crate::world::World;

db_tests!(
    sun_tap_accepted_once,
    forged_and_altered_sun_taps_refused,
    plain_tag_accepted_as_weaker,
    unknown_unbound_and_other_clients_tags_refused,
    replacing_a_tag_retires_the_old_one,
    the_tag_url_leads_into_the_app,
    tag_pages_order_provision_and_replace,
    demo_tags_can_be_tapped_by_simulation,
    the_simulated_read_is_the_demos_only,
    a_tags_key_is_sealed_and_rotated,
    tags_are_imported_with_their_settings,
    visits_start_and_end_with_tags_through_the_sync,
);

const UID: [u8; 7] = [0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6];
const UID_TEXT: &str = "04:A1:B2:C3:D4:E5:F6";
const BASE: &str = "https://vaka.example.se";

/// Runs `f` as `user` (a command-line principal: the right is the role's, not the session's).
async fn as_user<T>(
    app: &TestApp,
    user: UserId,
    f: impl AsyncFnOnce(&Ctx<'_>) -> ServiceResult<T>,
) -> ServiceResult<T> {
    let principal = app
        .services
        .principal_for(user, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    f(&Ctx::new(&principal, &meta)).await
}

/// A tag ordered for `client` by the administrator, taken to active, with its UID recorded
/// (for SUN tags the key made at ordering is kept).
async fn active_tag(
    app: &TestApp,
    w: &World,
    client: ClientId,
    strength: TagStrength,
    uid: Option<&str>,
) -> ProvisionedTag {
    let admin = w.p("m_admin").id;
    let t = as_user(app, admin, async |c| {
        app.services.order_tag(c, client, strength).await
    })
    .await
    .unwrap();
    assert_eq!(t.device.client_id, Some(client));
    assert_eq!(t.new_key.is_some(), strength == TagStrength::Sun);
    for step in ["install", "pass_test", "activate"] {
        ok(
            app,
            &w.p("m_admin").bearer(),
            Method::POST,
            format!("/api/v1/devices/{}/steps", t.device.id),
            json!({ "step": step }),
        )
        .await;
    }
    if let Some(uid) = uid {
        let p = as_user(app, admin, async |c| {
            app.services
                .provision_tag(
                    c,
                    t.device.id,
                    TagInput {
                        uid: Some(uid.into()),
                        strength,
                        sdm_key: None,
                    },
                )
                .await
        })
        .await
        .unwrap();
        assert_eq!(p.new_key, None, "provisioning the UID keeps the key");
        assert_eq!(p.tag.tag_id, t.tag.tag_id);
    }
    t
}

/// A client with a decision in force (the tag's client must have one).
async fn in_force(app: &TestApp, w: &World, client: ClientId) {
    night_supervision(
        app,
        &w.p("m_assessor").bearer(),
        client,
        "camera",
        "23:00",
        false,
    )
    .await;
}

/// A home-care decision for `client` and a daily plan 08:00–08:45 by `manager`; returns the
/// plan's id.
async fn home_care_plan(app: &TestApp, w: &World, client: ClientId, manager: &str) -> String {
    let d = ok(
        app,
        &w.p("m_assessor").bearer(),
        Method::POST,
        format!("/api/v1/clients/{client}/decisions"),
        json!({"law": "sol", "service": "home_care", "valid_from": "2026-01-01",
               "tasks": [{"task": "meals", "minutes": 210, "per": "week"}]}),
    )
    .await;
    let p = ok(
        app,
        &w.p(manager).bearer(),
        Method::POST,
        format!("/api/v1/clients/{client}/visit-plans"),
        json!({"decision_id": d["id"], "weekdays": ["mon","tue","wed","thu","fri","sat","sun"],
               "from": "08:00", "to": "08:45", "tasks": ["meals"], "expected_minutes": 30,
               "valid_from": "2026-01-01"}),
    )
    .await;
    p["id"].as_str().unwrap().to_owned()
}

fn key_of(t: &ProvisionedTag) -> SdmKey {
    SdmKey::parse(t.new_key.as_deref().unwrap()).unwrap()
}

fn id_of(t: &ProvisionedTag) -> TagId {
    TagId::parse(&t.tag.tag_id).unwrap()
}

async fn tap(
    app: &TestApp,
    user: UserId,
    serial: &str,
    url: Option<String>,
) -> ServiceResult<TagEvidence> {
    as_user(app, user, async |c| {
        app.services
            .tag_tap(
                c,
                TagTap {
                    serial: serial.into(),
                    url,
                },
            )
            .await
    })
    .await
}

#[track_caller]
fn refused(r: ServiceResult<TagEvidence>, want: TagReason) {
    match r {
        Err(ServiceError::Conflict(reason)) => assert_eq!(reason, Reason::from(want)),
        other => panic!("expected a refusal {want:?}, got {other:?}"),
    }
}

/// The `tag.tap` entries about `client` with `outcome`.
async fn taps(app: &TestApp, w: &World, client: ClientId, outcome: &str) -> usize {
    w.audit_about(app, "tag.tap", client)
        .await
        .iter()
        .filter(|e| e["outcome"] == outcome)
        .count()
}

async fn sun_tap_accepted_once(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    let t = active_tag(&app, &w, w.client_a1, TagStrength::Sun, Some(UID_TEXT)).await;
    let staff = w.p("a_staff").id;
    let url = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 5);

    let e = tap(&app, staff, "04:a1:b2:c3:d4:e5:f6", Some(url.clone()))
        .await
        .unwrap();
    assert_eq!(
        e,
        TagEvidence {
            device_id: t.device.id,
            client_id: w.client_a1,
            strength: TagStrength::Sun
        }
    );
    // The same URL again, and an older one, are replays.
    refused(
        tap(&app, staff, "", Some(url.clone())).await,
        TagReason::SunReplayed,
    );
    let older = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 4);
    refused(
        tap(&app, staff, "", Some(older)).await,
        TagReason::SunReplayed,
    );
    // The next tap is accepted; the phone may give no serial number.
    let next = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 6);
    assert_eq!(
        tap(&app, staff, "", Some(next)).await.unwrap().strength,
        TagStrength::Sun
    );
    let summary = as_user(&app, w.p("m_admin").id, async |c| {
        app.services.get_tag(c, t.device.id).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(summary.last_counter, Some(6));
    assert_eq!(summary.uid.as_deref(), Some("04a1b2c3d4e5f6"));
    assert_eq!(taps(&app, &w, w.client_a1, "success").await, 2);
    assert_eq!(
        taps(&app, &w, w.client_a1, "failure").await,
        2,
        "each refusal audited"
    );
}

async fn forged_and_altered_sun_taps_refused(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    // No UID recorded: the first proven tap teaches it.
    let t = active_tag(&app, &w, w.client_a1, TagStrength::Sun, None).await;
    let staff = w.p("a_staff").id;
    let good = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 9);

    // A forged MAC (one digit changed), and a message under another key.
    let mut forged = good.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    refused(
        tap(&app, staff, "", Some(forged)).await,
        TagReason::SunBadMac,
    );
    let other_key = simulated_tap_url(BASE, &id_of(&t), &SdmKey::from_bytes([7; 16]), UID, 9);
    refused(
        tap(&app, staff, "", Some(other_key)).await,
        TagReason::SunBadMac,
    );
    // The tag's URL without its one-time code, and a broken one.
    refused(
        tap(&app, staff, "", Some(tag_url(BASE, &id_of(&t)))).await,
        TagReason::SunMissing,
    );
    refused(
        tap(
            &app,
            staff,
            "",
            Some(format!(
                "{}?picc_data=00&cmac=11",
                tag_url(BASE, &id_of(&t))
            )),
        )
        .await,
        TagReason::SunMalformed,
    );
    // The phone's serial number is another tag's than the one the message proves.
    refused(
        tap(&app, staff, "04:00:00:00:00:00:01", Some(good.clone())).await,
        TagReason::UidMismatch,
    );
    // None of these consumed the counter: the genuine URL is accepted, and the UID learned.
    tap(&app, staff, "", Some(good)).await.unwrap();
    // A genuine message of another tag (another UID under the same key) is refused now.
    let cloned = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), [4, 0, 0, 0, 0, 0, 2], 10);
    refused(
        tap(&app, staff, "", Some(cloned)).await,
        TagReason::UidMismatch,
    );
    assert_eq!(taps(&app, &w, w.client_a1, "failure").await, 6);
    assert_eq!(taps(&app, &w, w.client_a1, "success").await, 1);
}

async fn plain_tag_accepted_as_weaker(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    let t = active_tag(
        &app,
        &w,
        w.client_a1,
        TagStrength::Plain,
        Some("04-11-22-33-44-55-66"),
    )
    .await;
    let staff = w.p("a_staff").id;
    let url = tag_url(BASE, &id_of(&t));
    // By its URL record, by its serial number alone, and the same URL again: a plain tag
    // proves no freshness, and is marked so.
    for (serial, url) in [
        ("04:11:22:33:44:55:66", Some(url.clone())),
        ("04:11:22:33:44:55:66", None),
        ("", Some(url.clone())),
    ] {
        let e = tap(&app, staff, serial, url).await.unwrap();
        assert_eq!((e.strength, e.device_id), (TagStrength::Plain, t.device.id));
    }
    // Its URL copied onto another tag (another serial number) is refused.
    refused(
        tap(&app, staff, "04:99:22:33:44:55:66", Some(url)).await,
        TagReason::UidMismatch,
    );
    let entries = w.audit_about(&app, "tag.tap", w.client_a1).await;
    assert!(
        entries
            .iter()
            .filter(|e| e["outcome"] == "success")
            .all(|e| e["details"]
                .as_str()
                .unwrap()
                .contains("\"strength\":\"plain\"")),
        "{entries:?}"
    );
}

async fn unknown_unbound_and_other_clients_tags_refused(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    let t = active_tag(
        &app,
        &w,
        w.client_a1,
        TagStrength::Plain,
        Some("04:11:22:33:44:55:66"),
    )
    .await;
    let staff = w.p("a_staff").id;
    let url = tag_url(BASE, &id_of(&t));

    refused(
        tap(
            &app,
            staff,
            "",
            Some(tag_url(BASE, &TagId::parse("nosuchtagatall").unwrap())),
        )
        .await,
        TagReason::Unknown,
    );
    refused(
        tap(&app, staff, "04:de:ad:be:ef:00:01", None).await,
        TagReason::Unknown,
    );
    refused(tap(&app, staff, "", None).await, TagReason::Unknown);
    refused(tap(&app, staff, "garbage!", None).await, TagReason::BadUid);
    refused(
        tap(&app, staff, "", Some("https://example.com/x".into())).await,
        TagReason::Unknown,
    );
    // Another client's tag: B1's care worker cannot register at A1's door.
    refused(
        tap(&app, w.p("b_staff").id, "", Some(url.clone())).await,
        TagReason::OtherClient,
    );
    // A tag ordered but not yet active at the door.
    let pending = as_user(&app, w.p("m_admin").id, async |c| {
        app.services
            .order_tag(c, w.client_a1, TagStrength::Plain)
            .await
    })
    .await
    .unwrap();
    refused(
        tap(&app, staff, "", Some(tag_url(BASE, &id_of(&pending)))).await,
        TagReason::NotBound,
    );
    // A client with no decision in force.
    let t2 = active_tag(&app, &w, w.client_a2, TagStrength::Plain, None).await;
    refused(
        tap(
            &app,
            w.p("a_unitmgr").id,
            "",
            Some(tag_url(BASE, &id_of(&t2))),
        )
        .await,
        TagReason::ClientEnded,
    );
    assert_eq!(
        taps(&app, &w, w.client_a1, "failure").await,
        1,
        "the tag not yet active"
    );
    // The refusals that named no tag are audited too.
    let all = app
        .get(
            "/api/v1/audit?action=tag.tap&limit=500",
            &w.p("m_manager").bearer(),
        )
        .await
        .json();
    let failures = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["outcome"] == "failure" || e["outcome"] == "denied")
        .count();
    assert_eq!(failures, 8, "{all}");
}

async fn replacing_a_tag_retires_the_old_one(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    let old = active_tag(&app, &w, w.client_a1, TagStrength::Sun, Some(UID_TEXT)).await;
    let admin = w.p("m_admin").id;
    // Only administrators replace tags.
    let denied = as_user(&app, w.p("a_unitmgr").id, async |c| {
        app.services.replace_tag(c, old.device.id).await
    })
    .await;
    assert!(
        matches!(denied, Err(ServiceError::Forbidden(_))),
        "{denied:?}"
    );
    let new = as_user(&app, admin, async |c| {
        app.services.replace_tag(c, old.device.id).await
    })
    .await
    .unwrap();
    assert_eq!(new.device.client_id, Some(w.client_a1));
    assert_eq!(new.tag.strength, TagStrength::Sun);
    assert_ne!(new.tag.tag_id, old.tag.tag_id);
    assert!(new.new_key.is_some());
    let d = ok(
        &app,
        &w.p("m_admin").bearer(),
        Method::GET,
        format!("/api/v1/devices/{}", old.device.id),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(d["status"], "decommissioned", "{d}");
    // The old tag's URL opens nothing now.
    refused(
        tap(
            &app,
            w.p("a_staff").id,
            "",
            Some(simulated_tap_url(BASE, &id_of(&old), &key_of(&old), UID, 1)),
        )
        .await,
        TagReason::NotBound,
    );
    let entries = w.audit_about(&app, "tag.replace", w.client_a1).await;
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(
        entries[0]["details"]
            .as_str()
            .unwrap()
            .contains(&old.device.id.to_string())
    );
}

async fn the_tag_url_leads_into_the_app(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care_plan(&app, &w, w.client_a1, "a_unitmgr").await;
    let t = active_tag(&app, &w, w.client_a1, TagStrength::Sun, Some(UID_TEXT)).await;
    let full = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 3);
    let path = full.strip_prefix(BASE).unwrap().to_owned();

    // Without a login: to the login, which comes back with the one-time code.
    let res = app.get(&path, &crate::support::Auth::None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location().unwrap();
    assert!(to.starts_with("/login?next=/t/"), "{to}");
    assert!(to.contains("picc_data%3D"), "{to}");

    // Logged in as the client's care worker: into the app's visit page, the URL passed on.
    let staff = logged_in(&app, w.p("a_staff").id).await;
    let res = app.get(&path, &staff).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let to = res.location().unwrap();
    assert!(
        to.starts_with(&format!(
            "/app/visit?plan={plan}&date=2026-11-22&client={}&url=%2Ft%2F",
            w.client_a1
        )),
        "{to}"
    );
    assert!(to.contains("cmac%3D"), "{to}");
    // Landing consumed nothing: the app's start record with the URL is accepted after it.
    tap(&app, w.p("a_staff").id, "", Some(full.clone()))
        .await
        .unwrap();
    // Now the URL is used: the landing says so, in Swedish.
    let res = app.get(&path, &staff).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("Taggen godtas inte"), "{}", res.body);
    assert!(
        res.body.contains("engångskod har redan använts"),
        "{}",
        res.body
    );

    // Another client's care worker, and an unknown tag.
    let other = logged_in(&app, w.p("b_staff").id).await;
    let next = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 4);
    let res = app.get(next.strip_prefix(BASE).unwrap(), &other).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("en annan brukare"), "{}", res.body);
    let res = app.get("/t/nosuchtagatall", &staff).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("taggen är okänd"), "{}", res.body);
    // A client with a decision in force but no visit planned today.
    in_force(&app, &w, w.client_a2).await;
    let t2 = active_tag(&app, &w, w.client_a2, TagStrength::Plain, None).await;
    let nurse = logged_in(&app, w.p("a_nurse").id).await;
    let res = app.get(&format!("/t/{}", t2.tag.tag_id), &nurse).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert!(res.body.contains("Taggen godtas inte"), "{}", res.body);
    let entries = w.audit_about(&app, "tag.tap", w.client_a2).await;
    assert!(
        entries.iter().any(|e| e["details"]
            .as_str()
            .unwrap_or("")
            .contains("homecare-no-plan-today")),
        "{entries:?}"
    );
}

/// The text of the element with `data-testid="{id}"` in a page.
fn testid<'a>(body: &'a str, id: &str) -> &'a str {
    let at = body
        .find(&format!("data-testid=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id} in {body}"));
    let rest = &body[at..];
    let start = rest.find('>').unwrap() + 1;
    let end = rest[start..].find('<').unwrap();
    &rest[start..start + end]
}

async fn tag_pages_order_provision_and_replace(app: TestApp) {
    let w = World::build(&app).await;
    let admin = logged_in(&app, w.p("m_admin").id).await;
    // Order a secure tag for A1's client by personnummer: the URL and the key, shown once.
    let res = app
        .form(
            "/devices/tags/order",
            &admin,
            &[("client", "19300101-9805"), ("strength", "sun")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let url = testid(&res.body, "tag-url").to_owned();
    assert!(url.contains("/t/"), "{url}");
    let key = testid(&res.body, "tag-key").to_owned();
    assert_eq!(key.len(), 32, "{key}");
    let devices = ok(
        &app,
        &w.p("m_admin").bearer(),
        Method::GET,
        format!("/api/v1/devices?client_id={}", w.client_a1),
        serde_json::Value::Null,
    )
    .await;
    let device = devices.as_array().unwrap()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Its page: the URL, the strength, no key; a plain tag would be marked weaker.
    let page = app.get(&format!("/devices/{device}"), &admin).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(testid(&page.body, "tag-url"), url);
    assert!(testid(&page.body, "tag-strength").contains("säker tagg"));
    assert!(!page.body.contains(&key), "the key is shown only once");
    assert!(!page.body.contains("data-testid=\"tag-weaker\""));
    // Set it plain (weaker, marked so) with its UID in Web NFC's spelling; a bad UID is
    // refused beside the form.
    let res = app
        .form(
            &format!("/devices/{device}/tag"),
            &admin,
            &[
                ("uid", "04:4a:2a:12:34:56"),
                ("strength", "plain"),
                ("sdm_key", ""),
            ],
        )
        .await;
    assert!(res.body.contains("4, 7 eller 10 byte"), "{}", res.body);
    let res = app
        .form(
            &format!("/devices/{device}/tag"),
            &admin,
            &[
                ("uid", "04:4a:2a:12:34:56:78"),
                ("strength", "plain"),
                ("sdm_key", ""),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let page = app.get(&format!("/devices/{device}"), &admin).await;
    assert!(page.body.contains("044a2a12345678"), "{}", page.body);
    assert!(testid(&page.body, "tag-weaker").contains("Svagare bevis"));
    // Replace it: a new tag for the same client, the old one retired.
    let res = app
        .form(&format!("/devices/{device}/tag/replace"), &admin, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_ne!(testid(&res.body, "tag-url"), url);
    let old = ok(
        &app,
        &w.p("m_admin").bearer(),
        Method::GET,
        format!("/api/v1/devices/{device}"),
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(old["status"], "decommissioned");
    // Not for anyone else.
    let staff = logged_in(&app, w.p("a_staff").id).await;
    let res = app
        .form(
            "/devices/tags/order",
            &staff,
            &[("client", "19300101-9805"), ("strength", "sun")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

async fn demo_tags_can_be_tapped_by_simulation(app: TestApp) {
    let w = World::build(&app).await;
    for c in [w.client_a1, w.client_a2] {
        in_force(&app, &w, c).await;
    }
    let admin = app
        .services
        .principal_for(w.p("m_admin").id, Credential::Cli)
        .await
        .unwrap();
    let meta = RequestMeta::default();
    // Tags 0–4: the fifth is plain.
    let clients = [
        w.client_a1,
        w.client_a2,
        w.client_a1,
        w.client_a2,
        w.client_a1,
    ];
    let tags = vaka_server::demo_tags::seed(&app.services, &admin, &meta, &clients)
        .await
        .unwrap();
    assert_eq!(tags.len(), 5);
    assert_eq!(tags[4].strength, TagStrength::Plain);
    assert!(tags[4].key_hex.is_none() && tags[0].key_hex.is_some());
    let manager = w.p("a_unitmgr").id;
    // A1's unit manager reaches A1's client: the simulated taps of its tags are accepted once.
    for tag in [&tags[0], &tags[4]] {
        let url = vaka_server::demo_tags::simulated_tap_url(BASE, tag, 1).unwrap();
        let e = tap(&app, manager, "", Some(url.clone())).await.unwrap();
        assert_eq!((e.device_id, e.strength), (tag.device_id, tag.strength));
    }
    let again = vaka_server::demo_tags::simulated_tap_url(BASE, &tags[0], 1).unwrap();
    refused(
        tap(&app, manager, "", Some(again)).await,
        TagReason::SunReplayed,
    );
    let next = vaka_server::demo_tags::simulated_tap_url(BASE, &tags[0], 2).unwrap();
    tap(&app, manager, &tags[0].uid, Some(next)).await.unwrap();
}

async fn the_simulated_read_is_the_demos_only(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    active_tag(&app, &w, w.client_a1, TagStrength::Sun, Some(UID_TEXT)).await;
    // Not the demo: nothing to find, for anyone.
    let res = app
        .get(
            &format!("/api/v1/app/demo/tag-read?client_id={}", w.client_a1),
            &w.p("a_staff").bearer(),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    // The service's read (what the demo's endpoint hands out) is a valid next tap, consumed
    // only when used, and within need-to-know.
    let read = as_user(&app, w.p("a_staff").id, async |c| {
        app.services.simulated_tag_read(c, w.client_a1).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(read.serial, "04a1b2c3d4e5f6");
    let url = format!("{BASE}{}", read.path);
    tap(&app, w.p("a_staff").id, &read.serial, Some(url.clone()))
        .await
        .unwrap();
    refused(
        tap(&app, w.p("a_staff").id, "", Some(url)).await,
        TagReason::SunReplayed,
    );
    let next = as_user(&app, w.p("a_staff").id, async |c| {
        app.services.simulated_tag_read(c, w.client_a1).await
    })
    .await
    .unwrap()
    .unwrap();
    tap(&app, w.p("a_staff").id, "", Some(next.path))
        .await
        .unwrap();
    let other = as_user(&app, w.p("b_staff").id, async |c| {
        app.services.simulated_tag_read(c, w.client_a1).await
    })
    .await;
    assert!(
        matches!(other, Err(ServiceError::Forbidden(_))),
        "{other:?}"
    );
}

async fn a_tags_key_is_sealed_and_rotated(app: TestApp) {
    use std::sync::Arc;
    use vaka_store::sealed::{Keyring, SecretKey};

    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    let t = active_tag(&app, &w, w.client_a1, TagStrength::Sun, Some(UID_TEXT)).await;
    let key = t.new_key.clone().unwrap();
    // Neither the database's files nor the logs hold the key, in either case.
    crate::support::assert_not_stored(&app, key.as_bytes()).await;
    crate::support::assert_not_stored(&app, key.to_lowercase().as_bytes()).await;
    // A rotation seals it again with the other secrets; the new key alone then verifies taps.
    let new = SecretKey::generate();
    let both = Keyring::new(new.clone()).with_older(app.secret_key.clone());
    let app = app.restart_with_keys(Arc::new(both)).await;
    let with_totp = w
        .people
        .values()
        .filter(|p| p.totp_secret.is_some())
        .count();
    assert_eq!(
        app.store.reseal_secrets().await.unwrap(),
        u64::try_from(with_totp + 1).unwrap(),
        "the TOTP secrets and the tag's key"
    );
    let app = app.restart_with_keys(Arc::new(Keyring::new(new))).await;
    let url = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 1);
    tap(&app, w.p("a_staff").id, "", Some(url)).await.unwrap();
    app.store.close().await;
}

async fn tags_are_imported_with_their_settings(app: TestApp) {
    let w = World::build(&app).await;
    in_force(&app, &w, w.client_a1).await;
    let admin = w.p("m_admin").bearer();
    let post = async |mode: &str, file: &str| {
        app.raw(
            Method::POST,
            &format!("/api/v1/import/devices?mode={mode}"),
            &admin,
            "text/csv",
            file.as_bytes().to_vec(),
        )
        .await
    };
    let head = "kind;serial;model;client_identity;tag_strength;tag_uid;tag_key\n";
    let bad = format!(
        "{head}\
         nfc_tag;T-1;NTAG 424 DNA;300101-9805;sun;04:a1:b2:c3:d4:e5:f6;00112233445566778899aabbccddeeff\n\
         nfc_tag;T-2;NTAG213;300101-9805;plain;04-11-22-33-44-55-66;\n\
         camera;C-1;Axis;;plain;;\n\
         nfc_tag;T-3;NTAG 424 DNA;;sun;04:00:00:00:00:00:03;\n\
         nfc_tag;T-4;NTAG213;;plain;04:11:22:33:44:55:66;\n\
         nfc_tag;T-5;NTAG213;;;;\n"
    );
    let res = post("all", &bad).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let report = res.json();
    assert_eq!(report["rows_imported"], 0, "{report}");
    let fields: Vec<(u64, String)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap(),
                p["field"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![
            (4, "tag_strength".to_owned()),
            (5, "tag_key".to_owned()),
            (6, "tag_uid".to_owned())
        ],
        "{report}"
    );
    // The good rows alone: the SUN tag assigned with its key and UID, ready to be tapped once
    // it is active.
    let res = post("only_valid", &bad).await;
    assert_eq!(res.json()["rows_imported"], 3, "{}", res.body);
    let devices = ok(
        &app,
        &admin,
        Method::GET,
        "/api/v1/devices?serial=T-1".to_owned(),
        serde_json::Value::Null,
    )
    .await;
    let id = devices[0]["id"].as_str().unwrap().to_owned();
    for step in ["install", "pass_test", "activate"] {
        ok(
            &app,
            &admin,
            Method::POST,
            format!("/api/v1/devices/{id}/steps"),
            json!({ "step": step }),
        )
        .await;
    }
    let summary = as_user(&app, w.p("m_admin").id, async |c| {
        app.services.get_tag(c, id.parse().unwrap()).await
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(summary.uid.as_deref(), Some("04a1b2c3d4e5f6"));
    let key = SdmKey::parse("00112233445566778899aabbccddeeff").unwrap();
    let tag_id = TagId::parse(&summary.tag_id).unwrap();
    let url = simulated_tap_url(BASE, &tag_id, &key, UID, 1);
    let e = tap(&app, w.p("a_staff").id, "", Some(url)).await.unwrap();
    assert_eq!(e.strength, TagStrength::Sun);
}

/// A start record of `visit` with a tag read.
fn tag_start(
    client: ClientId,
    visit: &str,
    plan: &str,
    serial: &str,
    url: &str,
) -> serde_json::Value {
    json!({"id": uuid::Uuid::now_v7().to_string(), "seq": 1, "kind": "visit_start",
           "visit_id": visit, "device_time": "2026-11-22T07:30:00Z",
           "client_id": client.to_string(), "plan_id": plan, "date": "2026-11-22",
           "tag": {"serial": serial, "url": url}})
}

async fn sync(app: &TestApp, w: &World, records: Vec<serde_json::Value>) -> Vec<serde_json::Value> {
    let r = ok(
        app,
        &w.p("a_staff").bearer(),
        Method::POST,
        "/api/v1/app/sync".into(),
        json!({"device": "test-phone", "records": records}),
    )
    .await;
    r["results"].as_array().unwrap().clone()
}

async fn visits_start_and_end_with_tags_through_the_sync(app: TestApp) {
    let w = World::build(&app).await;
    let plan = home_care_plan(&app, &w, w.client_a1, "a_unitmgr").await;
    let t = active_tag(&app, &w, w.client_a1, TagStrength::Sun, Some(UID_TEXT)).await;
    let url = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 11);
    let visit = uuid::Uuid::now_v7().to_string();

    // A genuine SUN read starts the visit, proven.
    let start = tag_start(w.client_a1, &visit, &plan, "04:a1:b2:c3:d4:e5:f6", &url);
    let r = sync(&app, &w, vec![start.clone()]).await;
    assert_eq!(r[0]["status"], "stored", "{r:?}");
    // The same record again is a duplicate, not a replay.
    let r = sync(&app, &w, vec![start]).await;
    assert_eq!(r[0]["status"], "duplicate", "{r:?}");
    // The same URL in another record (another visit) is a replay; a forged one is refused.
    let other = uuid::Uuid::now_v7().to_string();
    let mut forged = simulated_tap_url(BASE, &id_of(&t), &key_of(&t), UID, 12);
    forged.replace_range(forged.len() - 4.., "0000");
    let r = sync(
        &app,
        &w,
        vec![
            tag_start(w.client_a1, &other, &plan, "", &url),
            tag_start(w.client_a1, &other, &plan, "", &forged),
        ],
    )
    .await;
    assert_eq!(r[0]["status"], "refused", "{r:?}");
    assert_eq!(r[0]["reason"]["code"], "tag-sun-replayed", "{r:?}");
    assert_eq!(r[1]["reason"]["code"], "tag-sun-bad-mac", "{r:?}");
    let today = read(&app, &w.p("a_staff").bearer(), "/api/v1/app/today".into()).await;
    let v = &today["visits"][0]["visit"];
    assert_eq!(v["id"], visit.as_str(), "{today}");
    assert_eq!(v["evidence"]["start"], "nfc_sun", "{today}");

    // Another client's tag cannot start A1's visit.
    in_force(&app, &w, w.client_a2).await;
    let t2 = active_tag(
        &app,
        &w,
        w.client_a2,
        TagStrength::Plain,
        Some("04:11:22:33:44:55:66"),
    )
    .await;
    let third = uuid::Uuid::now_v7().to_string();
    let r = sync(
        &app,
        &w,
        vec![tag_start(
            w.client_a1,
            &third,
            &plan,
            "04:11:22:33:44:55:66",
            &tag_url(BASE, &id_of(&t2)),
        )],
    )
    .await;
    assert_eq!(r[0]["status"], "refused", "{r:?}");
    assert_eq!(
        r[0]["reason"]["code"], "homecare-tag-of-another-client",
        "{r:?}"
    );

    // A plain tag ends it, weaker.
    let p = active_tag(
        &app,
        &w,
        w.client_a1,
        TagStrength::Plain,
        Some("04:99:88:77:66:55:44"),
    )
    .await;
    let end = json!({"id": uuid::Uuid::now_v7().to_string(), "seq": 2, "kind": "visit_end",
                     "visit_id": visit, "device_time": "2026-11-22T07:50:00Z",
                     "client_id": w.client_a1.to_string(), "tasks": ["meals"],
                     "tag": {"serial": "04:99:88:77:66:55:44", "url": tag_url(BASE, &id_of(&p))}});
    let r = sync(&app, &w, vec![end]).await;
    assert_eq!(r[0]["status"], "stored", "{r:?}");
    let today = read(&app, &w.p("a_staff").bearer(), "/api/v1/app/today".into()).await;
    assert_eq!(
        today["visits"][0]["visit"]["evidence"]["end"], "nfc_plain",
        "{today}"
    );
}
