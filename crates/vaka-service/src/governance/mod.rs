//! The management plan as data (issue 17, part 7) and the incident and fault reports of the
//! operating routines (part 6). The rules are `vaka_domain::governance`'s; this module checks
//! the caller's right, reads what a rule needs and writes the outcome with its audit entries.
//!
//! - [`roles`]: the management organisation's roles as assignments of user accounts, and
//!   [`Services::governance_holders`] for other modules (who is the system owner today).
//! - [`plan`]: supplier contracts with their SLA and reminders, the information
//!   classification, the yearly activity plan's duties and their sign-off.
//! - [`reports`]: incident reports to the system owner and the information security
//!   coordinator, fault reports to suppliers.
//! - [`overview`]: what the `/governance` page and the home page show a caller.
//!
//! Who may do what: the municipality's system manager (`Permission::GovernanceManage`) keeps
//! the plan; a duty is signed off by a holder of its role or the system manager; incidents
//! are handled by the system owner, the information security coordinator and the system
//! manager; anyone signed in may report an incident.

pub mod overview;
pub mod plan;
pub mod reports;
pub mod roles;

use jiff::civil::Date;
use vaka_domain::governance::{GovernanceRole, holds_on};
use vaka_domain::ids::UserId;
use vaka_domain::reason::GovernanceReason;
use vaka_store::GovernanceRead;

use crate::error::{Fault, WorkResult};

/// The care context of the management plan.
pub(crate) const GOVERNANCE: &str = "governance";

/// How many days ahead a contract's notice day or follow-up shows as a reminder.
pub const REMINDER_DAYS: i64 = 60;

/// How far back the activity plan looks for occurrences not signed off (a year and a bit, so
/// that last year's yearly duty is still there).
pub const LOOK_BACK_DAYS: i64 = 400;

/// The governance roles `user` holds on `day`.
pub(crate) async fn roles_of<R: GovernanceRead + ?Sized>(
    r: &mut R,
    user: UserId,
    day: Date,
) -> WorkResult<Vec<GovernanceRole>> {
    Ok(r.list_governance_assignments()
        .await?
        .into_iter()
        .filter(|a| a.user_id == user && holds_on(a.from, a.until, day))
        .map(|a| a.role)
        .collect())
}

/// Refuses a free text that holds a personnummer (reports travel beyond the client's care).
pub(crate) fn no_identity(field: &'static str, text: &str, today: Date) -> WorkResult<()> {
    if vaka_domain::governance::holds_personal_identity(text, today) {
        return Err(Fault::invalid(field, GovernanceReason::HoldsPersonnummer));
    }
    Ok(())
}
