//! Clients (brukare): the people the services are for, and who may see what about them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::ids::{ClientId, OrganisationId, UnitId, UserId};
use crate::personnummer::ClientIdentity;
use crate::reason::RegistryReason;
use crate::validate::parse_name;
use crate::{DomainError, DomainResult};

/// Protected identity levels (REG-30). Anything but `None` hides the address and contacts from
/// everyone outside the client's named access group, and flags every access in the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Protection {
    #[default]
    None,
    /// Sekretessmarkering: secrecy must be assessed before release.
    ConfidentialityMarking,
    /// Skyddad folkbokföring: the real address is not registered.
    ProtectedRegistration,
    /// Fingerade personuppgifter: a made-up identity.
    FictitiousIdentity,
}

crate::impl_codes!(Protection);

impl Protection {
    pub fn is_protected(self) -> bool {
        self != Self::None
    }

    /// How strongly the identity is protected: none, then a marking (an assessment before
    /// release), then a protected registration (no real address), then a made-up identity.
    fn strength(self) -> u8 {
        match self {
            Self::None => 0,
            Self::ConfidentialityMarking => 1,
            Self::ProtectedRegistration => 2,
            Self::FictitiousIdentity => 3,
        }
    }

    /// Whether going from `self` to `to` lifts or lowers the protection. That widens who sees
    /// the client's address and contacts, so it is a municipal decision of its own
    /// ([`Permission::ProtectionChange`](crate::access::Permission::ProtectionChange)); adding
    /// or raising a protection only narrows it and is part of editing the record.
    pub fn is_lowered_by(self, to: Protection) -> bool {
        to.strength() < self.strength()
    }
}

/// Where the client lives; it sets the response target of alarms (20 / 45 / 60 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum AreaType {
    #[default]
    Town,
    Countryside,
    SpecialHousing,
}

crate::impl_codes!(AreaType);

/// How staff get into the home: a precondition of every alarm response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum KeyAccess {
    /// Not yet arranged.
    #[default]
    None,
    DigitalLock,
    KeyBox,
    /// A physical reserve key held by the provider.
    ReserveKey,
}

crate::impl_codes!(KeyAccess);

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub city: String,
}

impl Address {
    /// `Storgatan 1, 123 45 Staden`.
    pub fn one_line(&self) -> String {
        let pc = if self.postcode.len() == 5 {
            format!("{} {}", &self.postcode[..3], &self.postcode[3..])
        } else {
            self.postcode.clone()
        };
        format!("{}, {pc} {}", self.street, self.city)
    }

    /// A Swedish address: street and city required, postcode of five digits (a space after
    /// the third is accepted and normalised away).
    pub fn parse(street: &str, postcode: &str, city: &str) -> DomainResult<Self> {
        let digits: String = postcode.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() != 5 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(DomainError::invalid(
                "postcode",
                RegistryReason::PostcodeFiveDigits,
            ));
        }
        Ok(Self {
            street: parse_name("street", street, 120)?,
            postcode: format!("{} {}", &digits[..3], &digits[3..]),
            city: parse_name("city", city, 80)?,
        })
    }
}

/// A telephone number: digits with an optional leading `+`, spaces and dashes allowed.
pub fn parse_phone(field: &'static str, raw: &str) -> DomainResult<String> {
    let s = raw.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let ok_chars = s
        .char_indices()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0));
    if !ok_chars || !(5..=15).contains(&digits) {
        return Err(DomainError::invalid(field, RegistryReason::NotAPhoneNumber));
    }
    Ok(s.to_owned())
}

/// Someone to call: a relative or other contact, in the order they are to be called.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub name: String,
    pub relation: String,
    pub phone: String,
    /// 1 is called first.
    pub priority: u8,
    pub note: Option<String>,
}

impl Contact {
    pub fn parse(
        name: &str,
        relation: &str,
        phone: &str,
        priority: u8,
        note: Option<&str>,
    ) -> DomainResult<Self> {
        if !(1..=20).contains(&priority) {
            return Err(DomainError::invalid(
                "priority",
                RegistryReason::ContactPriorityRange,
            ));
        }
        Ok(Self {
            name: parse_name("contact name", name, 100)?,
            relation: parse_name("relation", relation, 60)?,
            phone: parse_phone("contact phone", phone)?,
            priority,
            note: note
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| parse_name("note", n, 500))
                .transpose()?,
        })
    }
}

/// Checks a list of contacts: priorities unique.
pub fn check_contacts(contacts: &[Contact]) -> DomainResult<()> {
    let mut seen = std::collections::BTreeSet::new();
    for c in contacts {
        if !seen.insert(c.priority) {
            return Err(DomainError::invalid(
                "contacts",
                RegistryReason::ContactsSameOrder,
            ));
        }
    }
    Ok(())
}

/// What a client list shows: identity and where the client is served, never the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSummary {
    pub id: ClientId,
    /// The personnummer, samordningsnummer or reserve id, as stored.
    pub identity: String,
    pub name: String,
    pub provider_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub protection: Protection,
}

/// A client's record as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub id: ClientId,
    pub identity: ClientIdentity,
    pub name: String,
    pub address: Option<Address>,
    pub phone: Option<String>,
    pub provider_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    pub protection: Protection,
    pub area_type: AreaType,
    pub key_access: KeyAccess,
    pub key_note: Option<String>,
    pub contacts: Vec<Contact>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Whether a viewer sees a client's address and contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// Everything the viewer's role allows.
    Full,
    /// Name and identity number only: a protected identity outside its named group.
    NameOnly,
}

impl Client {
    /// The protected-identity rule (REG-32): only the client's named access group sees the
    /// address and contacts of a protected client.
    pub fn disclosure(&self, viewer: UserId, named_group: &[UserId]) -> Disclosure {
        if self.protection.is_protected() && !named_group.contains(&viewer) {
            Disclosure::NameOnly
        } else {
            Disclosure::Full
        }
    }

    /// The record with what `disclosure` withholds removed.
    pub fn disclosed(mut self, d: Disclosure) -> Self {
        if d == Disclosure::NameOnly {
            self.address = None;
            self.phone = None;
            self.contacts = Vec::new();
            self.key_note = None;
        }
        self
    }

    pub fn summary(&self) -> ClientSummary {
        ClientSummary {
            id: self.id,
            identity: self.identity.as_str().to_owned(),
            name: self.name.clone(),
            provider_id: self.provider_id,
            unit_id: self.unit_id,
            protection: self.protection,
        }
    }
}

/// Where a responder stands with one dispatch (a supervision dispatch, or a safety alarm sent
/// along the chain).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponderOnDispatch {
    /// Sent to the responder's link and nobody has acknowledged it yet.
    Waiting,
    /// Acknowledged by this responder, not closed.
    Mine,
    /// Acknowledged by someone else, closed, or never dispatched.
    NotMine,
}

/// Protected identity and the responder (REG-32b): a responder sent to a protected
/// client must find the door, so they see the address on that dispatch while it is open —
/// waiting for a responder, or theirs once they acknowledged it — and at no other time. Every
/// such read is audited, flagged. Outside the named group nothing else is shown (no phone, no
/// contacts, no key note), and the client's own page stays as it was.
pub fn responder_sees_address(protection: Protection, on_dispatch: ResponderOnDispatch) -> bool {
    !protection.is_protected()
        || matches!(
            on_dispatch,
            ResponderOnDispatch::Waiting | ResponderOnDispatch::Mine
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dispatched_responder_sees_a_protected_address_only_while_the_dispatch_is_theirs() {
        let p = Protection::ConfidentialityMarking;
        assert!(p.is_protected());
        assert!(responder_sees_address(p, ResponderOnDispatch::Waiting));
        assert!(responder_sees_address(p, ResponderOnDispatch::Mine));
        assert!(!responder_sees_address(p, ResponderOnDispatch::NotMine));
        assert!(responder_sees_address(
            Protection::None,
            ResponderOnDispatch::NotMine
        ));
    }

    #[test]
    fn lifting_or_lowering_is_told_apart_from_raising() {
        use Protection::*;
        let order = [
            None,
            ConfidentialityMarking,
            ProtectedRegistration,
            FictitiousIdentity,
        ];
        for (i, &from) in order.iter().enumerate() {
            for (j, &to) in order.iter().enumerate() {
                assert_eq!(from.is_lowered_by(to), j < i, "{from:?} -> {to:?}");
            }
        }
    }

    fn client(protection: Protection) -> Client {
        let id = ClientIdentity::parse_official("194512241235", jiff::civil::date(2026, 11, 22))
            .unwrap();
        Client {
            id: ClientId::new(),
            identity: id,
            name: "Astrid Andersson".into(),
            address: Some(Address::parse("Storgatan 1", "123 45", "Demoby").unwrap()),
            phone: Some("070-123 45 67".into()),
            provider_id: None,
            unit_id: None,
            protection,
            area_type: AreaType::Town,
            key_access: KeyAccess::KeyBox,
            key_note: Some("box by the door".into()),
            contacts: vec![Contact::parse("Bo", "son", "070-111 22 33", 1, None).unwrap()],
            created_at: Timestamp::UNIX_EPOCH,
            updated_at: Timestamp::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_protected_address_is_for_the_named_group_only() {
        let member = UserId::new();
        let other = UserId::new();
        let c = client(Protection::ProtectedRegistration);
        assert_eq!(c.disclosure(member, &[member]), Disclosure::Full);
        assert_eq!(c.disclosure(other, &[member]), Disclosure::NameOnly);
        let shown = c.clone().disclosed(c.disclosure(other, &[member]));
        assert!(shown.address.is_none() && shown.contacts.is_empty() && shown.phone.is_none());
        assert_eq!(
            shown.name, "Astrid Andersson",
            "name and number are still shown"
        );
        assert_eq!(
            client(Protection::None).disclosure(other, &[]),
            Disclosure::Full
        );
    }

    #[test]
    fn addresses_phones_and_contacts() {
        assert_eq!(
            Address::parse("Storgatan 1", "12345", "Demoby")
                .unwrap()
                .postcode,
            "123 45"
        );
        assert!(Address::parse("Storgatan 1", "1234", "Demoby").is_err());
        assert!(Address::parse("", "12345", "Demoby").is_err());
        assert!(parse_phone("phone", "+46 70-123 45 67").is_ok());
        assert!(parse_phone("phone", "070 123+45").is_err());
        assert!(parse_phone("phone", "12").is_err());
        let a = Contact::parse("Bo", "son", "070-111 22 33", 1, None).unwrap();
        let b = Contact::parse("Eva", "daughter", "070-111 22 34", 1, None).unwrap();
        assert!(check_contacts(&[a.clone(), b]).is_err());
        assert!(check_contacts(&[a]).is_ok());
        assert!(Contact::parse("Bo", "son", "070-111 22 33", 0, None).is_err());
    }
}
