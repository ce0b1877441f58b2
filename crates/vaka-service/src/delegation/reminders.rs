//! Renewal reminders: [`REMINDER_DAYS`] days before a delegation's last day, both parties are
//! told that it ends, so that the licensed person can check competence again and decide a new
//! one before the care worker stands at a door without it.
//!
//! [`Services::remind_expiring_delegations`] (a job of the server, with the missed-signing
//! scan) reads the period delegations ending within the next [`REMINDER_DAYS`] days whose
//! reminder was not sent, keeps those signed by both and not over, and records each reminder
//! once (`reminder_sent_at`; audited as `delegation.remind`). The report says what a notice
//! (e-mail) needs: the parties' addresses and names, the task type, the unit and the last day.
//! A delegation names clients at most by id in the store, and a notice never names one.

use jiff::ToSpan;
use jiff::civil::Date;
use vaka_domain::audit::AuditAction;
use vaka_domain::delegation::Delegation;
use vaka_domain::delegation::delegate::REMINDER_DAYS;
use vaka_domain::directory::{AccountStatus, UserAccount};
use vaka_domain::ids::{DelegationId, UserId};
use vaka_store::DbInstant;
use vaka_store::values::to_db_precision;

use super::licences::{task_label, task_types};
use super::{DELEGATION, tz};
use crate::door::{Op, Work};
use crate::registry::day_of;
use crate::{ServiceResult, Services};

/// A party of a reminded delegation, as its notice needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderParty {
    pub user: UserId,
    pub name: String,
    /// Their e-mail address; `None` when their account is not active (no notice is sent).
    pub email: Option<String>,
}

/// A renewal reminder recorded by this pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationReminder {
    pub delegation: DelegationId,
    /// The task type's name as staff know it ("Insulin").
    pub task_name: String,
    pub unit_name: String,
    /// Its last day (Europe/Stockholm).
    pub last_day: Date,
    pub delegator: ReminderParty,
    pub recipient: ReminderParty,
}

fn system_op() -> Op<'static> {
    Op::system(AuditAction::DelegationReminded, DELEGATION)
}

fn party(user: UserId, account: Option<&UserAccount>) -> ReminderParty {
    ReminderParty {
        user,
        name: account.map_or_else(|| user.to_string(), |a| a.display_name.clone()),
        email: account
            .filter(|a| a.status == AccountStatus::Active)
            .map(|a| a.email.as_str().to_owned()),
    }
}

impl Services {
    /// Records (once) and returns the renewal reminders due now: for each delegation of a
    /// period, signed by both and not over, whose last day is at most [`REMINDER_DAYS`] days
    /// away. Most passes find none and open no write transaction.
    pub async fn remind_expiring_delegations(&self) -> ServiceResult<Vec<DelegationReminder>> {
        let now = to_db_precision(self.now());
        let tz = tz();
        let today = day_of(now);
        let until = today.saturating_add(REMINDER_DAYS.days());
        let due: Vec<Delegation> = self
            .door
            .read(system_op(), async |r| {
                Ok(r.list_delegations_to_remind(today, until)
                    .await?
                    .into_iter()
                    .filter(|d| {
                        d.signed_by_both_at().is_some_and(|at| at <= now)
                            && d.reminder_due(now, &tz)
                    })
                    .collect())
            })
            .await?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let reminders = self
            .door
            .change(system_op(), async |w| {
                let list = task_types(w.reads()).await?;
                let mut out = Vec::with_capacity(due.len());
                for d in &due {
                    // Recorded once: another pass may have sent it since the read.
                    if !w
                        .mark_delegation_reminded(d.id, DbInstant::new(now))
                        .await?
                    {
                        continue;
                    }
                    let t = &d.terms;
                    let delegator = w.get_user(t.delegator).await?;
                    let recipient = w.get_user(t.recipient).await?;
                    let unit_name = w
                        .get_unit(t.unit_id)
                        .await?
                        .map_or_else(|| t.unit_id.to_string(), |u| u.name);
                    w.succeeded(None, |e| {
                        e.subject("delegation", d.id).details(
                            serde_json::json!({
                                "last_day": t.validity.last_day().to_string(),
                                "delegator": t.delegator,
                                "recipient": t.recipient,
                            })
                            .to_string(),
                        )
                    });
                    out.push(DelegationReminder {
                        delegation: d.id,
                        task_name: task_label(&list, &t.task_type).0,
                        unit_name,
                        last_day: t.validity.last_day(),
                        delegator: party(t.delegator, delegator.as_ref()),
                        recipient: party(t.recipient, recipient.as_ref()),
                    });
                }
                Ok(out)
            })
            .await?;
        if !reminders.is_empty() {
            tracing::info!(
                reminders = reminders.len(),
                "delegation renewal reminders recorded"
            );
        }
        Ok(reminders)
    }
}
