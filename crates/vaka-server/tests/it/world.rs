//! A small municipality for tests: the municipality M, an in-house provider A with units A1,
//! A2 and a night patrol AN covering A1, a private provider B with unit B1, an alarm centre C
//! whose operators (C1) cover A1 and B1; one user per role, and clients in A1, A2 and B1.

use std::collections::HashMap;

use totp_rs::Secret;
use vaka_domain::access::{Credential, Role};
use vaka_domain::client::{Address, AreaType, Client, KeyAccess, Protection};
use vaka_domain::directory::{Organisation, OrganisationKind, ProviderKind, UnitKind};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_domain::personnummer::ClientIdentity;
use vaka_service::admin::CliAccount;
use vaka_service::directory::{NewUnitInput, RoleInput};
use vaka_service::{Ctx, RequestMeta};

use crate::support::{Auth, TestApp};

pub const PASSWORD: &str = "correct horse battery staple";

#[derive(Clone, Debug)]
pub struct Person {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub org: OrganisationId,
    pub unit: Option<UnitId>,
    pub totp_secret: Option<String>,
    /// A bearer token for the API.
    pub token: String,
}

impl Person {
    pub fn bearer(&self) -> Auth {
        Auth::Bearer(self.token.clone())
    }
}

#[allow(dead_code, reason = "fields for the tests of later features")]
pub struct World {
    pub m: OrganisationId,
    pub a: OrganisationId,
    pub b: OrganisationId,
    pub c: OrganisationId,
    pub a1: UnitId,
    pub a2: UnitId,
    pub an: UnitId,
    pub b1: UnitId,
    pub c1: UnitId,
    pub people: HashMap<&'static str, Person>,
    pub client_a1: ClientId,
    pub client_a2: ClientId,
    pub client_b1: ClientId,
}

impl World {
    /// Audit entries of an action about a client, newest first, as the system manager finds
    /// them through the API.
    pub async fn audit_about(
        &self,
        app: &TestApp,
        action: &str,
        client: ClientId,
    ) -> Vec<serde_json::Value> {
        let res = app
            .get(
                &format!("/api/v1/audit?action={action}&client_id={client}&limit=500"),
                &self.p("m_manager").bearer(),
            )
            .await;
        assert_eq!(res.status, axum::http::StatusCode::OK, "{}", res.body);
        res.json().as_array().cloned().unwrap_or_default()
    }

    pub fn p(&self, name: &str) -> &Person {
        self.people
            .get(name)
            .unwrap_or_else(|| panic!("no person {name}"))
    }

    pub async fn build(app: &TestApp) -> World {
        build(app, true).await
    }

    /// Like `build`, without second factors (for tests of enrolment).
    pub async fn build_without_totp(app: &TestApp) -> World {
        build(app, false).await
    }
}

async fn build(app: &TestApp, totp: bool) -> World {
    let s = &app.services;
    let now = s.now();
    let org = |kind, pk, name: &str| Organisation {
        id: OrganisationId::new(),
        kind,
        provider_kind: pk,
        name: name.into(),
        org_number: None,
        active: true,
        created_at: vaka_store::values::to_db_precision(now),
    };
    let m = org(OrganisationKind::Municipality, None, "Testkommun");
    let a = org(
        OrganisationKind::Provider,
        Some(ProviderKind::InHouse),
        "Kommunens hemtjänst",
    );
    let b = org(
        OrganisationKind::Provider,
        Some(ProviderKind::Private),
        "Privat Omsorg AB",
    );
    let c = org(OrganisationKind::AlarmCentre, None, "Larmcentral AB");
    for o in [&m, &a, &b, &c] {
        s.cli_create_organisation(o.clone()).await.unwrap();
    }
    let mut people = HashMap::new();
    let add = async |name: &'static str,
                     role: Role,
                     org: OrganisationId,
                     unit: Option<UnitId>,
                     people: &mut HashMap<&'static str, Person>| {
        let secret =
            (totp && role.requires_second_factor()).then(|| Secret::generate().to_base32());
        let (acc, _) = s
            .cli_create_user(CliAccount {
                username: name.into(),
                display_name: format!("Test {name}"),
                email: format!("{name}@test.se"),
                hsa_id: None,
                organisation_id: org,
                roles: vec![RoleInput {
                    role,
                    organisation_id: org,
                    unit_id: unit,
                }],
                password: Some(PASSWORD.into()),
                totp_secret: secret.clone(),
            })
            .await
            .unwrap();
        let token = s.cli_create_token(name, "test").await.unwrap().token;
        people.insert(
            name,
            Person {
                id: acc.id,
                username: name.into(),
                role,
                org,
                unit,
                totp_secret: secret,
                token,
            },
        );
    };
    add("m_admin", Role::SystemAdmin, m.id, None, &mut people).await;
    let admin = people["m_admin"].clone();
    let principal = s.principal_for(admin.id, Credential::Cli).await.unwrap();
    let meta = RequestMeta::default();
    let ctx = Ctx::new(&principal, &meta);
    let unit = async |o: OrganisationId, name: &str, kind| {
        s.create_unit(
            &ctx,
            NewUnitInput {
                organisation_id: o,
                name: name.into(),
                kind,
            },
        )
        .await
        .unwrap()
        .id
    };
    let a1 = unit(a.id, "A1", UnitKind::HomeCare).await;
    let a2 = unit(a.id, "A2", UnitKind::HomeCare).await;
    let an = unit(a.id, "AN", UnitKind::NightPatrol).await;
    let b1 = unit(b.id, "B1", UnitKind::HomeCare).await;
    let c1 = unit(c.id, "C1", UnitKind::AlarmOperators).await;
    s.set_unit_coverage(&ctx, an, vec![a1]).await.unwrap();
    s.set_unit_coverage(&ctx, c1, vec![a1, b1]).await.unwrap();

    add("m_manager", Role::SystemManager, m.id, None, &mut people).await;
    add("m_assessor", Role::NeedsAssessor, m.id, None, &mut people).await;
    add("a_unitmgr", Role::UnitManager, a.id, Some(a1), &mut people).await;
    add("a_staff", Role::CareStaff, a.id, Some(a1), &mut people).await;
    add("a_nurse", Role::Nurse, a.id, None, &mut people).await;
    add("a_patrol", Role::NightPatrol, a.id, Some(an), &mut people).await;
    add("b_admin", Role::ProviderAdmin, b.id, None, &mut people).await;
    add("b_staff", Role::CareStaff, b.id, Some(b1), &mut people).await;
    add("c_operator", Role::Operator, c.id, Some(c1), &mut people).await;
    add("c_admin", Role::ProviderAdmin, c.id, None, &mut people).await;
    // Not an actor in tests: the target of destructive actions.
    add("b_victim", Role::CareStaff, b.id, Some(b1), &mut people).await;

    let client = async |name: &str, nr: &str, prov: OrganisationId, u: UnitId| {
        let id = ClientId::new();
        s.cli_insert_client(test_client(id, name, nr, prov, u, Protection::None))
            .await
            .unwrap();
        id
    };
    let client_a1 = client("Alma Ettan", "193001019805", a.id, a1).await;
    let client_a2 = client("Bertil Tvåan", "193102029802", a.id, a2).await;
    let client_b1 = client("Cecilia Bee", "192203039801", b.id, b1).await;

    World {
        m: m.id,
        a: a.id,
        b: b.id,
        c: c.id,
        a1,
        a2,
        an,
        b1,
        c1,
        people,
        client_a1,
        client_a2,
        client_b1,
    }
}

/// A client record for tests, with an address and a contact.
pub fn test_client(
    id: ClientId,
    name: &str,
    nr: &str,
    prov: OrganisationId,
    unit: UnitId,
    protection: Protection,
) -> Client {
    let now = vaka_store::values::to_db_precision(crate::support::t0());
    Client {
        id,
        identity: ClientIdentity::parse_official(nr, jiff::civil::date(2026, 11, 22))
            .expect("valid test personnummer"),
        name: name.into(),
        address: Some(Address::parse("Testgatan 1", "123 45", "Testby").unwrap()),
        phone: Some("070-000 00 00".into()),
        provider_id: Some(prov),
        unit_id: Some(unit),
        protection,
        area_type: AreaType::Town,
        key_access: KeyAccess::KeyBox,
        key_note: None,
        contacts: vec![
            vaka_domain::client::Contact::parse("Anhörig Test", "child", "070-111 11 11", 1, None)
                .unwrap(),
        ],
        created_at: now,
        updated_at: now,
    }
}
