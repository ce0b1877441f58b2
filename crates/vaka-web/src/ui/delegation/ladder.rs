//! A unit's escalation ladder for missed signings: its steps (minutes after the window closed,
//! and who is called: the prescribing person, the unit manager, named people who follow the
//! unit up), shown and set in one form.

use askama::Template;
use serde::Deserialize;
use vaka_domain::delegation::EscalationLadder;
use vaka_domain::delegation::missed::{EscalationStep, MAX_STEPS, Recipient};
use vaka_domain::ids::{UnitId, UserId};
use vaka_domain::reason::InputReason;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::identity::Caller;
use crate::page::{
    KeptForm, OrPage, PageCtx, PageResult, Req, Sent, change_record, parse_id, render,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;

/// Empty steps the form offers beyond those set.
const SPARE_STEPS: usize = 2;

/// A step of the form (set or spare).
pub struct StepRow {
    pub n: usize,
    pub minutes: String,
    pub nurse: bool,
    pub manager: bool,
    /// The named people it calls, by id.
    pub users: Vec<String>,
}

#[derive(Template)]
#[template(path = "delegation_ladder.html")]
pub struct LadderPage {
    pub page: PageCtx,
    pub id: String,
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<StepRow>,
    pub candidates: Vec<(String, String)>,
}

impl StepRow {
    fn named(&self, user: &str) -> bool {
        self.users.iter().any(|u| u == user)
    }
}

impl LadderPage {
    /// Whether step `n` names `user`: as sent after an error, else as set.
    pub fn names(&self, step: &StepRow, user: &str) -> bool {
        self.page.kept.chosen(
            "ladder",
            &format!("users-{}", step.n),
            user,
            step.named(user),
        )
    }
}

fn rows(ladder: &EscalationLadder) -> Vec<StepRow> {
    let mut out: Vec<StepRow> = ladder
        .steps
        .iter()
        .enumerate()
        .map(|(n, s)| StepRow {
            n,
            minutes: s.after_minutes.to_string(),
            nurse: s.recipients.contains(&Recipient::PrescribingPerson),
            manager: s.recipients.contains(&Recipient::UnitManager),
            users: s
                .recipients
                .iter()
                .filter_map(|r| match r {
                    Recipient::User(u) => Some(u.to_string()),
                    _ => None,
                })
                .collect(),
        })
        .collect();
    let spare = (out.len() + SPARE_STEPS).min(MAX_STEPS);
    for n in out.len()..spare {
        out.push(StepRow {
            n,
            minutes: String::new(),
            nurse: false,
            manager: false,
            users: Vec::new(),
        });
    }
    out
}

async fn ladder_page(state: &AppState, caller: &Caller, id: UnitId, page: PageCtx) -> PageResult {
    let view = state
        .services
        .escalation_ladder(&caller.ctx(), id)
        .await
        .or_page(&page)?;
    Ok(render(
        page.status(),
        &LadderPage {
            id: id.to_string(),
            name: view.unit.name.clone(),
            is_default: view.is_default,
            steps: rows(&view.ladder),
            candidates: view
                .candidates
                .into_iter()
                .map(|(u, n)| (u.to_string(), n))
                .collect(),
            page,
        },
    ))
}

pub async fn show(r: Req, Path(id): Path<String>, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "delegation").with_flash_key(f.ok.as_deref());
    let id: UnitId = parse_id(&id, &page)?;
    ladder_page(&r.state, &r.caller, id, page).await
}

/// The ladder form: its fields are numbered per step (`minutes-0`, `nurse-0`, `manager-0`,
/// `users-0` repeating), so they are read from what was sent.
#[derive(Debug, Default, Deserialize)]
pub struct LadderForm {}

/// The ladder the form sent: a step with neither minutes nor anyone ticked is an unused row;
/// one with people but no minutes, or minutes that are not a whole number, is refused.
pub fn ladder_of(sent: &Sent) -> Result<EscalationLadder, ApiError> {
    let mut steps = Vec::new();
    for n in 0..MAX_STEPS {
        let minutes = sent
            .get(&format!("minutes-{n}"))
            .map(str::trim)
            .unwrap_or_default();
        let mut recipients = Vec::new();
        if sent.get(&format!("nurse-{n}")).is_some() {
            recipients.push(Recipient::PrescribingPerson);
        }
        if sent.get(&format!("manager-{n}")).is_some() {
            recipients.push(Recipient::UnitManager);
        }
        for u in sent.all(&format!("users-{n}")) {
            let user: UserId = u
                .trim()
                .parse()
                .map_err(|_| ApiError::invalid("recipients", InputReason::NotValid))?;
            recipients.push(Recipient::User(user));
        }
        if minutes.is_empty() && recipients.is_empty() {
            continue;
        }
        let after_minutes: u32 = match minutes {
            "" => return Err(ApiError::invalid("after_minutes", InputReason::Required)),
            m => m
                .parse()
                .map_err(|_| ApiError::invalid("after_minutes", InputReason::NotValid))?,
        };
        steps.push(EscalationStep {
            after_minutes,
            recipients,
        });
    }
    Ok(EscalationLadder { steps })
}

pub async fn set(
    r: Req,
    Path(id): Path<String>,
    KeptForm(_, sent): KeptForm<LadderForm>,
) -> PageResult {
    change_record(
        r,
        "delegation",
        &id,
        async |s: &AppState, caller: &Caller, id: UnitId| match ladder_of(&sent) {
            Ok(ladder) => s
                .services
                .set_escalation_ladder(&caller.ctx(), id, ladder)
                .await
                .map_err(ApiError::from),
            Err(e) => Err(e),
        },
        |id| format!("/delegation/units/{id}/ladder?ok=ladder-saved"),
        async |s, caller, id, page| ladder_page(s, caller, id, page.keeping(sent.clone())).await,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(pairs: &[(&str, &str)]) -> Sent {
        Sent(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// Rows are read in order; an untouched row is skipped; people without minutes, or
    /// minutes that are no number, are refused by field.
    #[test]
    fn the_form_reads_as_a_ladder() {
        let u = UserId::new();
        let l = ladder_of(&sent(&[
            ("minutes-0", "0"),
            ("nurse-0", "on"),
            ("manager-0", "on"),
            ("minutes-1", ""),
            ("minutes-2", " 30 "),
            ("users-2", &u.to_string()),
        ]))
        .unwrap();
        assert_eq!(
            l.steps,
            vec![
                EscalationStep {
                    after_minutes: 0,
                    recipients: vec![Recipient::PrescribingPerson, Recipient::UnitManager],
                },
                EscalationStep {
                    after_minutes: 30,
                    recipients: vec![Recipient::User(u)],
                },
            ]
        );
        let e = ladder_of(&sent(&[("nurse-0", "on")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("after_minutes"));
        let e = ladder_of(&sent(&[("minutes-0", "ten"), ("nurse-0", "on")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("after_minutes"));
        let e = ladder_of(&sent(&[("minutes-0", "5"), ("users-0", "nobody")])).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("recipients"));
        assert!(ladder_of(&sent(&[])).unwrap().steps.is_empty());
    }

    /// The form shows the steps set and two spare rows, never more than the most steps.
    #[test]
    fn spare_rows_up_to_the_most_steps() {
        let one = EscalationLadder::default();
        let r = rows(&one);
        assert_eq!(r.len(), 1 + SPARE_STEPS);
        assert!(r[0].nurse && r[0].manager && r[0].minutes == "0");
        assert!(r[1].minutes.is_empty() && !r[1].nurse);
        let full = EscalationLadder {
            steps: (0..u32::try_from(MAX_STEPS).unwrap())
                .map(|m| EscalationStep {
                    after_minutes: m,
                    recipients: vec![Recipient::UnitManager],
                })
                .collect(),
        };
        assert_eq!(rows(&full).len(), MAX_STEPS);
    }
}
