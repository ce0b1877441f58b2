//! Home care at the door: visit plans from home-care decisions, the day's visits of the
//! caller's units, the staff app's idempotent sync, corrections, the week's confirmation and
//! approval, the lock date, and the provider's payment basis.
//!
//! By concern: [`plans`] (visit plans), [`today`] (the staff app's list of the day),
//! [`sync`] (the outbox), [`evidence`] (what a tag tap proves), [`manage`] (a unit's visits,
//! corrections, confirmation, approval, lock date) and [`payment`] (the monthly basis).

pub mod evidence;
pub mod manage;
pub mod payment;
pub mod plans;
pub mod sync;
pub mod today;

use jiff::civil::Date;
use vaka_domain::decision::ServiceKind;
use vaka_domain::homecare::payment::PaymentRule;
use vaka_domain::homecare::visit::TimingRule;
use vaka_domain::ids::{ClientId, OrganisationId};
use vaka_store::ReadTx;

use crate::error::WorkResult;

/// The care context of home-care work.
pub(crate) const HOMECARE: &str = "homecare";

/// Settings of home care.
#[derive(Debug, Clone, Copy, Default)]
pub struct HomecareSettings {
    /// When a phone's clock is off, and when a sync is late.
    pub timing: TimingRule,
    /// What the payment basis pays.
    pub payment_rule: PaymentRule,
}

/// The lock date of a provider organisation, if it has one.
pub(crate) async fn locked_through(
    r: &mut dyn ReadTx,
    org: Option<OrganisationId>,
) -> WorkResult<Option<Date>> {
    let Some(org) = org else {
        return Ok(None);
    };
    Ok(r.get_lock_date(org).await?.map(|l| l.locked_through))
}

/// Whether the client holds a valid home-care decision on `day`.
pub(crate) async fn has_home_care(
    r: &mut dyn ReadTx,
    client: ClientId,
    day: Date,
) -> WorkResult<bool> {
    Ok(r.list_decisions(client)
        .await?
        .iter()
        .any(|d| d.service == ServiceKind::HomeCare && d.is_valid_on(day)))
}
