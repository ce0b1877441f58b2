//! Reasons about organisations, units, accounts and roles.

use super::reasons;

reasons! {
    Directory =>
    /// Reasons about organisations, units, accounts and roles.
    pub enum DirectoryReason {
        /// Deactivating an account that already is.
        AlreadyDeactivated => "directory-already-deactivated",
        /// Approving an account that is not a request.
        OnlyRequestedApproved => "directory-only-requested-approved",
        /// Rejecting an account that is not a request.
        OnlyRequestedRejected => "directory-only-requested-rejected",
        /// Deactivating an account that is not active.
        OnlyActiveDeactivated => "directory-only-active-deactivated",
        /// Reactivating an account that is not deactivated.
        OnlyDeactivatedReactivated => "directory-only-deactivated-reactivated",
        /// Reactivating an account the purge has pseudonymised (its holder is no longer known).
        AccountPseudonymised => "directory-account-pseudonymised",
        /// Another account has the username.
        UsernameTaken => "directory-username-taken",
        /// Another account has the HSA-id.
        HsaIdTaken => "directory-hsa-id-taken",
        /// Another organisation has the name.
        OrganisationNameTaken => "directory-organisation-name-taken",
        /// The organisation has a unit of that name.
        UnitNameTaken => "directory-unit-name-taken",
        /// The user already holds the role there.
        RoleAlreadyHeld => "directory-role-already-held",
        /// The caller holds no right to read the directory.
        MayNotReadDirectory => "directory-may-not-read",
        /// An organisation outside the caller's reach.
        OutsideYourOrganisation => "directory-outside-your-organisation",
        /// Only a municipality-wide administrator creates organisations.
        OnlyMunicipalAdminCreatesOrganisations => "directory-only-municipal-admin-creates-organisations",
        /// A second municipality.
        MunicipalityExists => "directory-municipality-exists",
        /// The municipality is never deactivated.
        MunicipalityCannotBeDeactivated => "directory-municipality-cannot-be-deactivated",
        /// A provider kind is missing for a provider.
        ProviderKindRequired => "directory-provider-kind-required",
        /// A provider kind given for an organisation that is not a provider.
        ProviderKindOnlyForProviders => "directory-provider-kind-only-for-providers",
        /// The organisation named does not exist.
        NoSuchOrganisation => "directory-no-such-organisation",
        /// The unit named does not exist.
        NoSuchUnit => "directory-no-such-unit",
        /// A unit of a kind that covers nobody was given units to cover.
        UnitCannotCover => "directory-unit-cannot-cover",
        /// A unit listed among those it covers.
        UnitCoversItself => "directory-unit-covers-itself",
        /// A covered unit that does not exist.
        NoSuchCoveredUnit { unit: String } => "directory-no-such-covered-unit",
        /// The change would leave units whose clients have alarm units without an alarm centre
        /// covering them (their names, comma-separated): their alarms would reach no operator.
        AlarmCoverageGap { units: String } => "directory-alarm-coverage-gap",
        /// The change would leave a client with an alarm unit without a unit, so that no alarm
        /// centre covers the client.
        AlarmClientNeedsUnit => "directory-alarm-client-needs-unit",
        /// A role in another organisation than the account's.
        RoleOutsideOwnOrganisation => "directory-role-outside-own-organisation",
        /// A role not allowed in this kind of organisation.
        RoleNotInOrganisationKind { role: crate::access::Role, kind: crate::directory::OrganisationKind } => "directory-role-not-in-organisation-kind",
        /// A role held for the whole organisation given a unit.
        RoleIsOrganisationWide { role: crate::access::Role } => "directory-role-is-organisation-wide",
        /// A role held for a unit given none.
        RoleNeedsUnit { role: crate::access::Role } => "directory-role-needs-unit",
        /// The unit belongs to another organisation.
        UnitInOtherOrganisation => "directory-unit-in-other-organisation",
        /// An account with no role.
        NoRoles => "directory-no-roles",
        /// A unit manager requesting roles outside their unit.
        RolesOnlyInOwnUnit => "directory-roles-only-in-own-unit",
        /// Ending one's own account.
        CannotEndOwnAccount => "directory-cannot-end-own-account",
        /// Removing one's own roles.
        CannotRemoveOwnRoles => "directory-cannot-remove-own-roles",
        /// A step that needs an active account.
        AccountNotActive => "directory-account-not-active",
        /// No account has the username.
        NoUserWithUsername => "directory-no-user-with-username",
        /// The caller may neither create nor request accounts.
        MayNotCreateAccounts => "directory-may-not-create-accounts",
    }
}
