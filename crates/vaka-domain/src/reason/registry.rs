//! Reasons about clients, decisions, orders, consent, plans and devices.

use super::reasons;

reasons! {
    Registry =>
    /// Reasons about clients, decisions, orders, consent, plans and devices.
    pub enum RegistryReason {
        /// The organisation named as provider is not a care provider.
        NotAProvider => "registry-not-a-provider",
        /// A client with the identity number is registered already.
        IdentityTaken => "registry-identity-taken",
    }
}
