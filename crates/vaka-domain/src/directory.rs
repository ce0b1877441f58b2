//! The directory: organisations, their units, and personal user accounts with their lifecycle.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::ids::{OrganisationId, UnitId, UserId};
use crate::reason::DirectoryReason;
use crate::validate::{Email, HsaId, OrgNumber, Username};
use crate::{DomainError, DomainResult};

/// What an organisation is to the municipality.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OrganisationKind {
    /// The municipality itself: purchaser (beställare), owner of decisions and of this system.
    Municipality,
    /// A care provider (utförare), in-house or private under LOV.
    Provider,
    /// An external alarm receiving centre acting for the municipality.
    AlarmCentre,
}

crate::impl_codes!(OrganisationKind);

/// Whether a provider is run by the municipality or is a private company under LOV.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ProviderKind {
    InHouse,
    Private,
}

crate::impl_codes!(ProviderKind);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub kind: OrganisationKind,
    /// Set exactly when `kind` is `Provider`.
    pub provider_kind: Option<ProviderKind>,
    pub name: String,
    pub org_number: Option<OrgNumber>,
    pub active: bool,
    pub created_at: Timestamp,
}

impl Organisation {
    /// Checks the rule that only providers carry a provider kind, and that they do.
    pub fn check_kinds(
        kind: OrganisationKind,
        provider_kind: Option<ProviderKind>,
    ) -> DomainResult<()> {
        match (kind, provider_kind) {
            (OrganisationKind::Provider, None) => Err(DomainError::invalid(
                "provider_kind",
                DirectoryReason::ProviderKindRequired,
            )),
            (OrganisationKind::Provider, Some(_)) | (_, None) => Ok(()),
            (_, Some(_)) => Err(DomainError::invalid(
                "provider_kind",
                DirectoryReason::ProviderKindOnlyForProviders,
            )),
        }
    }
}

/// What a unit does; night patrols and duty teams receive escalations and dispatches.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum UnitKind {
    HomeCare,
    NightPatrol,
    DutyTeam,
    SpecialHousing,
    AlarmOperators,
    Administration,
}

crate::impl_codes!(UnitKind);

impl UnitKind {
    /// Units of these kinds serve the clients of other units (a night patrol covers several
    /// home-care groups), so they may be given coverage of other units.
    pub fn can_cover_others(self) -> bool {
        matches!(
            self,
            Self::NightPatrol | Self::DutyTeam | Self::AlarmOperators
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    pub id: UnitId,
    pub organisation_id: OrganisationId,
    pub name: String,
    pub kind: UnitKind,
    pub active: bool,
    pub created_at: Timestamp,
}

/// Where an account is in its life: requested by a provider, approved by the municipality,
/// ended when the person leaves.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AccountStatus {
    Requested,
    Active,
    Rejected,
    Deactivated,
}

crate::impl_codes!(AccountStatus);

impl AccountStatus {
    /// A municipal admin approves a requested account.
    pub fn approve(self) -> DomainResult<Self> {
        match self {
            Self::Requested => Ok(Self::Active),
            _ => Err(DomainError::conflict(
                DirectoryReason::OnlyRequestedApproved,
            )),
        }
    }

    /// A municipal admin turns a request down.
    pub fn reject(self) -> DomainResult<Self> {
        match self {
            Self::Requested => Ok(Self::Rejected),
            _ => Err(DomainError::conflict(
                DirectoryReason::OnlyRequestedRejected,
            )),
        }
    }

    /// Ending an account takes effect at once; an already ended account stays ended.
    pub fn deactivate(self) -> DomainResult<Self> {
        match self {
            Self::Active => Ok(Self::Deactivated),
            Self::Deactivated => Err(DomainError::conflict(DirectoryReason::AlreadyDeactivated)),
            _ => Err(DomainError::conflict(
                DirectoryReason::OnlyActiveDeactivated,
            )),
        }
    }

    pub fn reactivate(self) -> DomainResult<Self> {
        match self {
            Self::Deactivated => Ok(Self::Active),
            _ => Err(DomainError::conflict(
                DirectoryReason::OnlyDeactivatedReactivated,
            )),
        }
    }

    pub fn can_log_in(self) -> bool {
        self == Self::Active
    }
}

/// A personal account. Shared accounts do not exist: one person, one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccount {
    pub id: UserId,
    pub username: Username,
    pub display_name: String,
    pub email: Email,
    pub hsa_id: Option<HsaId>,
    /// The organisation that employs the person.
    pub organisation_id: OrganisationId,
    pub status: AccountStatus,
    pub totp_enabled: bool,
    pub created_at: Timestamp,
    pub last_login_at: Option<Timestamp>,
    pub requested_by: Option<UserId>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<Timestamp>,
    pub deactivated_at: Option<Timestamp>,
}

/// Accounts unused this long are flagged for review (REG-05: review permissions regularly).
pub const UNUSED_ACCOUNT_LIMIT: SignedDuration = SignedDuration::from_hours(90 * 24);

/// Between a requested username and the id of the account that waits for it, in the stored
/// username of a request. No username contains it (see [`Username::parse`]).
const HELD_FOR: char = '~';

impl UserAccount {
    /// The username as the store keeps it. A requested account does not claim its username
    /// until it is approved: it is held under the account's own id (`anna~<id>`, which no
    /// username can be). So a request never collides with an account of another
    /// organisation, and the requester cannot learn from the answer whether a username is
    /// taken (account enumeration); the approver sees the clash and chooses another name.
    pub fn stored_username(&self) -> String {
        if self.status == AccountStatus::Requested {
            format!("{}{HELD_FOR}{}", self.username.as_str(), self.id)
        } else {
            self.username.as_str().to_owned()
        }
    }

    /// An active account that has not been used for 90 days (counting from creation when it
    /// was never used) is flagged so that an admin can end it.
    pub fn is_unused(&self, now: Timestamp) -> bool {
        if self.status != AccountStatus::Active {
            return false;
        }
        let since = self.last_login_at.unwrap_or(self.created_at);
        now.duration_since(since) >= UNUSED_ACCOUNT_LIMIT
    }
}

/// The username in a stored username (see [`UserAccount::stored_username`]).
pub fn username_of_stored(stored: &str) -> &str {
    stored.split_once(HELD_FOR).map_or(stored, |(name, _)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(created: &str, last: Option<&str>, status: AccountStatus) -> UserAccount {
        UserAccount {
            id: UserId::new(),
            username: Username::parse("anna").unwrap(),
            display_name: "Anna".into(),
            email: Email::parse("anna@demo.se").unwrap(),
            hsa_id: None,
            organisation_id: OrganisationId::new(),
            status,
            totp_enabled: false,
            created_at: created.parse().unwrap(),
            last_login_at: last.map(|l| l.parse().unwrap()),
            requested_by: None,
            decided_by: None,
            decided_at: None,
            deactivated_at: None,
        }
    }

    #[test]
    fn lifecycle() {
        use AccountStatus::*;
        assert_eq!(Requested.approve().unwrap(), Active);
        assert_eq!(Requested.reject().unwrap(), Rejected);
        assert_eq!(Active.deactivate().unwrap(), Deactivated);
        assert_eq!(Deactivated.reactivate().unwrap(), Active);
        assert!(Active.approve().is_err());
        assert!(Rejected.approve().is_err());
        assert!(Requested.deactivate().is_err());
        assert!(Deactivated.deactivate().is_err());
        assert!(Active.reject().is_err());
        assert!(Active.can_log_in());
        for s in [Requested, Rejected, Deactivated] {
            assert!(!s.can_log_in());
        }
        for &s in AccountStatus::ALL {
            assert_eq!(AccountStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn a_request_holds_its_username_under_its_own_id_until_approved() {
        let mut a = account("2026-01-01T00:00:00Z", None, AccountStatus::Requested);
        let held = a.stored_username();
        assert_eq!(held, format!("anna~{}", a.id));
        assert!(Username::parse(&held).is_err(), "no username looks held");
        assert_eq!(username_of_stored(&held), "anna");
        a.status = AccountStatus::Active;
        assert_eq!(a.stored_username(), "anna");
        assert_eq!(username_of_stored("anna"), "anna");
    }

    #[test]
    fn unused_after_90_days() {
        let now: Timestamp = "2026-11-22T12:00:00Z".parse().unwrap();
        let a = account(
            "2026-01-01T00:00:00Z",
            Some("2026-08-24T12:00:01Z"),
            AccountStatus::Active,
        );
        assert!(!a.is_unused(now), "89 days and change is not yet unused");
        let a = account(
            "2026-01-01T00:00:00Z",
            Some("2026-08-24T12:00:00Z"),
            AccountStatus::Active,
        );
        assert!(a.is_unused(now), "exactly 90 days is unused");
        let never = account("2026-08-01T00:00:00Z", None, AccountStatus::Active);
        assert!(never.is_unused(now));
        let fresh = account("2026-11-01T00:00:00Z", None, AccountStatus::Active);
        assert!(!fresh.is_unused(now));
        let ended = account("2020-01-01T00:00:00Z", None, AccountStatus::Deactivated);
        assert!(!ended.is_unused(now), "ended accounts are not flagged");
    }

    #[test]
    fn provider_kind_rule() {
        use OrganisationKind::*;
        assert!(Organisation::check_kinds(Provider, Some(ProviderKind::Private)).is_ok());
        assert!(Organisation::check_kinds(Provider, None).is_err());
        assert!(Organisation::check_kinds(Municipality, None).is_ok());
        assert!(Organisation::check_kinds(AlarmCentre, Some(ProviderKind::InHouse)).is_err());
    }
}
