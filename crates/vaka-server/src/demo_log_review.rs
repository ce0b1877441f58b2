//! The demo's log review: last month's access history of Hemtjänst Centrum, appended through
//! the audit appender as the use cases would have written it (the log stays one signed hash
//! chain), and the month's review made by the server's own job — so the unit manager has a
//! real review to complete. Ordinary daytime reads by the unit's care staff and the night
//! patrol's reads at night make the bulk (a few hundred entries); a handful trip each rule:
//! emergency access, a protected identity, access outside one's unit, many clients in a day,
//! a care worker at night, and a care worker reading a client with her own surname.

use anyhow::Context;
use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use vaka_domain::access::{Role, Scope};
use vaka_domain::audit::{Actor, AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::ClientSummary;
use vaka_domain::ids::{OrganisationId, UnitId, UserId};
use vaka_service::admin::CliAccount;
use vaka_service::directory::RoleInput;
use vaka_service::{Ctx, Services};

/// Someone whose reads the history holds: their account and the grant they read through.
#[derive(Debug, Clone)]
pub struct Reader {
    pub user: UserId,
    pub username: String,
    pub role: Role,
    pub organisation: OrganisationId,
    pub unit: Option<UnitId>,
}

/// Who reads in the history.
pub struct Readers {
    /// Hemtjänst Centrum's two care workers.
    pub care: [Reader; 2],
    /// The night patrol (its unit covers Centrum).
    pub night: Reader,
    /// A care worker of another provider's unit.
    pub other_unit: Reader,
    /// A nurse reading under emergency access.
    pub emergency: Reader,
}

fn entry(at: Timestamp, r: &Reader, client: &ClientSummary, context: &str) -> NewAuditEntry {
    let mut e = NewAuditEntry::new(
        at,
        Actor {
            user_id: Some(r.user),
            username: Some(r.username.clone()),
            role: Some(r.role),
            organisation_id: Some(r.organisation),
            unit_id: r.unit,
            credential: Some("session:demo-history".into()),
        },
        AuditAction::ClientRead,
        Outcome::Success,
    )
    .client(client.id);
    e.care_context = Some(context.to_owned());
    e.request_id = Some("demo-history".into());
    e.flags = AuditFlags {
        protected_identity: client.protection.is_protected(),
        emergency_access: false,
    };
    e
}

fn at(day: Date, h: i8, m: i8) -> anyhow::Result<Timestamp> {
    Ok(day
        .to_datetime(Time::new(h, m, 0, 0)?)
        .to_zoned(vaka_service::registry::stockholm())?
        .timestamp())
}

/// Seeds last month's history of `centrum` and makes the month's reviews. `manager` is the
/// unit's manager (who lists the unit's clients to build the history).
pub async fn seed(
    services: &Services,
    manager: &Ctx<'_>,
    centrum: UnitId,
    readers: &Readers,
) -> anyhow::Result<()> {
    let clients: Vec<ClientSummary> = services
        .list_clients(manager, None, 500)
        .await?
        .into_iter()
        .filter(|c| c.unit_id == Some(centrum))
        .collect();
    anyhow::ensure!(clients.len() >= 4, "Hemtjänst Centrum has too few clients");
    let open: Vec<&ClientSummary> = clients
        .iter()
        .filter(|c| !c.protection.is_protected())
        .collect();
    let protected = clients.iter().find(|c| c.protection.is_protected());
    let (from, to) = vaka_domain::log_review::last_month(services.today());
    let mut entries = Vec::new();
    // Ordinary days: each care worker reads five clients in the day, the night patrol two at
    // night (its role works nights; its unit covers Centrum).
    let mut day = from;
    let mut k = 0usize;
    while day < to {
        for (w, worker) in readers.care.iter().enumerate() {
            for i in 0..5i8 {
                let c = open[(k + w * 3 + usize::try_from(i).unwrap_or(0)) % open.len()];
                entries.push(entry(at(day, 8 + i * 2, 10)?, worker, c, "homecare"));
            }
        }
        for i in 0..2i8 {
            let c = open[(k * 7 + usize::try_from(i).unwrap_or(0)) % open.len()];
            entries.push(entry(
                at(day, 1 + i, 30)?,
                &readers.night,
                c,
                "night_supervision",
            ));
        }
        k += 1;
        day = day.tomorrow()?;
    }
    let [ali, fatima] = &readers.care;
    // Emergency access: a nurse of another provider reads a client of Centrum.
    for (d, c) in [(6, open[0]), (18, open[1 % open.len()])] {
        let mut e = entry(
            at(from.checked_add(d.days())?, 14, 5)?,
            &readers.emergency,
            c,
            "emergency_access",
        );
        e.flags.emergency_access = true;
        entries.push(e);
    }
    // A protected identity (Centrum's care staff are in its access group).
    if let Some(p) = protected {
        for d in [3, 21] {
            entries.push(entry(
                at(from.checked_add(d.days())?, 10, 40)?,
                ali,
                p,
                "homecare",
            ));
        }
    }
    // Outside one's own unit: a care worker of Hemtjänst Söder reads a Centrum client.
    entries.push(entry(
        at(from.checked_add(9.days())?, 13, 20)?,
        &readers.other_unit,
        open[2 % open.len()],
        "client_list",
    ));
    // Many clients in one day: one more than the setting allows.
    let many = services.config.log_review.many_clients + 1;
    let busy = from.checked_add(11.days())?;
    for (i, c) in open.iter().cycle().take(many.min(open.len())).enumerate() {
        let minute = i8::try_from(i % 50).unwrap_or(0);
        entries.push(entry(at(busy, 15, minute)?, fatima, c, "client_list"));
    }
    // A care worker at an unusual hour.
    entries.push(entry(
        at(from.checked_add(19.days())?, 23, 40)?,
        ali,
        open[3 % open.len()],
        "homecare",
    ));
    // A care worker who shares a client's surname (a relative, perhaps): a temporary worker
    // of Centrum, added for the history.
    let relative = open[4 % open.len()];
    let surname = relative
        .name
        .split_whitespace()
        .last()
        .unwrap_or("Andersson")
        .to_owned();
    let (account, _) = services
        .cli_create_user(CliAccount {
            username: "vikarie".into(),
            display_name: format!("Mikaela {surname}"),
            email: "vikarie@demo.kommun.se".into(),
            hsa_id: None,
            organisation_id: ali.organisation,
            roles: vec![RoleInput {
                role: Role::CareStaff,
                organisation_id: ali.organisation,
                unit_id: Some(centrum),
            }],
            password: None,
            totp_secret: None,
        })
        .await
        .context("the demo's temporary worker")?;
    let temp = Reader {
        user: account.id,
        username: "vikarie".into(),
        ..ali.clone()
    };
    entries.push(entry(
        at(from.checked_add(14.days())?, 9, 15)?,
        &temp,
        relative,
        "homecare",
    ));
    entries.sort_by_key(|e| e.at);
    services.append_access_history(entries).await?;
    services.create_monthly_log_reviews().await?;
    Ok(())
}

/// The reader for a demo account acting through its first assignment.
pub async fn reader(services: &Services, user: UserId) -> anyhow::Result<Reader> {
    let p = services
        .principal_for(user, vaka_domain::access::Credential::Cli)
        .await?;
    let a = p.assignments.first().context("a role")?;
    Ok(Reader {
        user,
        username: p.username.clone(),
        role: a.role,
        organisation: a.organisation_id,
        unit: match a.scope() {
            Scope::Unit(u) => Some(u),
            _ => None,
        },
    })
}
