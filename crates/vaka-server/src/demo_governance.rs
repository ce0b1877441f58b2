//! The demo's management plan (issue 17, part 7): the management organisation's roles held by
//! demo users, two supplier contracts (one whose notice day comes within a fortnight), the
//! activity plan with every past duty signed off but this month's log review (overdue on the
//! system manager's home page), and one open incident reported by a care worker.

use anyhow::Context;
use jiff::ToSpan;
use vaka_domain::access::Principal;
use vaka_service::governance::plan::ContractInput;
use vaka_service::governance::reports::IncidentInput;
use vaka_service::governance::roles::RoleInput;
use vaka_service::{Ctx, RequestMeta, Services};

/// Who acts in the seeding.
pub struct Seeders<'a> {
    /// The system manager (`manager`): keeps the plan.
    pub manager: &'a Principal,
    /// A care worker who reports the incident.
    pub reporter: &'a Principal,
    pub meta: &'a RequestMeta,
}

pub async fn seed(
    services: &Services,
    s: Seeders<'_>,
    holders: &[(&str, &str)],
) -> anyhow::Result<()> {
    let ctx = Ctx::new(s.manager, s.meta);
    let today = services.today();
    for (role, username) in holders {
        services
            .assign_governance_role(
                &ctx,
                RoleInput {
                    role: (*role).to_owned(),
                    username: (*username).to_owned(),
                    from: "2026-01-01".to_owned(),
                    until: String::new(),
                },
            )
            .await
            .with_context(|| format!("assigning {role}"))?;
    }
    // The alarm centre's contract ends in 75 days with two months' notice: notice is due in
    // about a fortnight, a reminder on the system manager's home page.
    let ends = today.checked_add(75.days())?;
    let contracts = [
        ContractInput {
            supplier: "Larmcentralen Nord AB".into(),
            subject: "Larmmottagning trygghetslarm och tillsyn".into(),
            reference: "SN/2023:41".into(),
            starts_on: ends.checked_sub(3.years())?.to_string(),
            ends_on: ends.to_string(),
            notice_months: "2".into(),
            availability: "99,9".into(),
            response_terms: "Larm besvaras inom 60 sekunder; prio 1-fel åtgärdas inom 4 timmar"
                .into(),
            next_follow_up: today.checked_add(40.days())?.to_string(),
        },
        ContractInput {
            supplier: "Phoniro Systems AB".into(),
            subject: "Digitala lås och nyckelhantering".into(),
            reference: "SN/2020:21".into(),
            starts_on: "2020-05-01".into(),
            ends_on: "2029-04-30".into(),
            notice_months: "6".into(),
            availability: "99,5".into(),
            response_terms: "Support vardagar 08–17, svar inom 4 timmar".into(),
            next_follow_up: today.checked_add(150.days())?.to_string(),
        },
    ];
    for c in contracts {
        services
            .save_contract(&ctx, None, c)
            .await
            .context("a demo contract")?;
    }
    // Every duty done on time but this month's log review (or the latest one that has come).
    let overview = services.governance_overview(&ctx).await?;
    let due: Vec<_> = overview
        .occurrences
        .iter()
        .filter(|o| o.overdue)
        .cloned()
        .collect();
    let left = due
        .iter()
        .filter(|o| o.code == "log_review")
        .map(|o| o.due)
        .max();
    for o in due {
        if o.code == "log_review" && Some(o.due) == left {
            continue;
        }
        services
            .sign_off_duty(
                &ctx,
                o.duty_id,
                &o.due.to_string(),
                "Genomfört enligt rutin",
            )
            .await
            .context("a demo sign-off")?;
    }
    // One open incident, reported by a care worker last night.
    let yesterday = today.yesterday()?;
    services
        .report_incident(
            &Ctx::new(s.reporter, s.meta),
            IncidentInput {
                kind: "patient_safety".into(),
                what: "Kameratillsynen kl 02 kunde inte göras: kameran var offline i 40 minuter. \
                       Nattpatrullen åkte ut, brukaren mådde bra."
                    .into(),
                day: yesterday.to_string(),
                time: "02:10".into(),
            },
        )
        .await
        .context("the demo incident")?;
    Ok(())
}
