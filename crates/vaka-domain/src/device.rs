//! Devices: supervision cameras, alarm units, (later) door locks and NFC tags, and the
//! lifecycle each goes through, from the store room to the client's wall and back.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::reason::DeviceReason;
use crate::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DeviceKind {
    Camera,
    AlarmUnit,
    Lock,
    NfcTag,
}

crate::impl_codes!(DeviceKind);

/// in stock → assigned to a client → installed → test passed → active → deactivated →
/// returned / decommissioned. Each step is dated and signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DeviceStatus {
    InStock,
    Assigned,
    Installed,
    TestPassed,
    Active,
    Deactivated,
    Returned,
    Decommissioned,
}

crate::impl_codes!(DeviceStatus);

/// A step of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum DeviceStep {
    Assign,
    Install,
    PassTest,
    FailTest,
    Activate,
    Deactivate,
    Return,
    Restock,
    Decommission,
}

crate::impl_codes!(DeviceStep);

impl DeviceStatus {
    /// The status after a step, or why the step is not possible now.
    pub fn after(self, step: DeviceStep) -> DomainResult<DeviceStatus> {
        use DeviceStatus::{
            Active, Assigned, Deactivated, Decommissioned, InStock, Installed, Returned, TestPassed,
        };
        use DeviceStep::{
            Activate, Assign, Deactivate, Decommission, FailTest, Install, PassTest, Restock,
            Return,
        };
        let next = match (self, step) {
            (InStock, Assign) => Assigned,
            (Assigned, Install) => Installed,
            (Installed | Deactivated, PassTest) => TestPassed,
            (Installed | Deactivated | TestPassed, FailTest) => Installed,
            (TestPassed, Activate) => Active,
            (Installed | Assigned | Deactivated, Activate) => {
                return Err(DomainError::conflict(
                    DeviceReason::ActivatedOnlyAfterPassedTest,
                ));
            }
            (Active, Deactivate) => Deactivated,
            (Assigned | Installed | TestPassed | Deactivated, Return) => Returned,
            (Returned, Restock) => InStock,
            (InStock | Returned, Decommission) => Decommissioned,
            (Active, Return | Decommission) => {
                return Err(DomainError::conflict(DeviceReason::DeactivateFirst));
            }
            (status, step) => {
                return Err(DomainError::conflict(DeviceReason::StepNotPossible {
                    status,
                    step,
                }));
            }
        };
        Ok(next)
    }

    /// Whether the device belongs to a client in this status.
    pub fn is_with_client(self) -> bool {
        matches!(
            self,
            DeviceStatus::Assigned
                | DeviceStatus::Installed
                | DeviceStatus::TestPassed
                | DeviceStatus::Active
                | DeviceStatus::Deactivated
        )
    }
}

/// A serial number, model or firmware string: printable ASCII, 1–64 characters.
pub fn parse_label(field: &'static str, raw: &str) -> DomainResult<String> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 || !s.chars().all(|c| c.is_ascii_graphic() || c == ' ') {
        return Err(DomainError::invalid(field, DeviceReason::BadLabel));
    }
    Ok(s.to_owned())
}

/// How an SIA DC-09 key was written: as 16/24/32 characters used as bytes (the style of Ajax
/// and pysiaalarm), or as 32/48/64 hex digits (most receivers) — or `clear`: the account has
/// no key, and its administrator chose that explicitly (see [`check_dc09`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Dc09KeyStyle {
    Ascii,
    Hex,
    /// No key: the account sends clear (unencrypted) messages, which anyone who reaches the
    /// receiver could forge. Never the style of a [`Dc09Key`].
    Clear,
}

crate::impl_codes!(Dc09KeyStyle);

/// An AES key for encrypted DC-09 (128, 192 or 256 bits).
#[derive(Clone, PartialEq, Eq)]
pub struct Dc09Key {
    pub bytes: Vec<u8>,
    pub style: Dc09KeyStyle,
}

impl std::fmt::Debug for Dc09Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Dc09Key({} bits, {:?}, ****)",
            self.bytes.len() * 8,
            self.style
        )
    }
}

impl Dc09Key {
    /// Reads a key in either style; the style must be stated, because a 32-character key of
    /// hex digits is valid in both and means different bytes.
    pub fn parse(raw: &str, style: Dc09KeyStyle) -> DomainResult<Self> {
        let s = raw.trim();
        let bytes = match style {
            Dc09KeyStyle::Ascii => {
                if !matches!(s.len(), 16 | 24 | 32) || !s.chars().all(|c| c.is_ascii_graphic()) {
                    return Err(DomainError::invalid(
                        "dc09_key",
                        DeviceReason::AsciiKeyLength,
                    ));
                }
                s.as_bytes().to_vec()
            }
            Dc09KeyStyle::Hex => {
                if !matches!(s.len(), 32 | 48 | 64) {
                    return Err(DomainError::invalid("dc09_key", DeviceReason::HexKeyLength));
                }
                hex::decode(s)
                    .map_err(|_| DomainError::invalid("dc09_key", DeviceReason::HexKeyDigits))?
            }
            Dc09KeyStyle::Clear => {
                return Err(DomainError::invalid(
                    "dc09_key",
                    DeviceReason::ClearTakesNoKey,
                ));
            }
        };
        Ok(Self { bytes, style })
    }

    /// The key as it was written (for the receiver's configuration and the credentials file).
    pub fn to_text(&self) -> String {
        match self.style {
            Dc09KeyStyle::Ascii => String::from_utf8_lossy(&self.bytes).into_owned(),
            Dc09KeyStyle::Hex | Dc09KeyStyle::Clear => hex::encode_upper(&self.bytes),
        }
    }
}

/// Checks an alarm unit's DC-09 settings together: an account has a key or is explicitly
/// marked clear (the receiver takes encrypted messages only, unless an account is marked);
/// a clear account has no key; a key or a clear marking belongs to an account (ALM-20).
pub fn check_dc09(account: Option<&str>, key: Option<&Dc09Key>, clear: bool) -> DomainResult<()> {
    match (account, key, clear) {
        (_, Some(_), true) => Err(DomainError::invalid(
            "dc09_key",
            DeviceReason::ClearTakesNoKey,
        )),
        (None, Some(_), false) => Err(DomainError::invalid(
            "dc09_account",
            DeviceReason::KeyNeedsAccount,
        )),
        (None, None, true) => Err(DomainError::invalid(
            "dc09_account",
            DeviceReason::ClearNeedsAccount,
        )),
        (Some(_), None, false) => Err(DomainError::invalid(
            "dc09_key",
            DeviceReason::KeyOrClearRequired,
        )),
        (Some(_), Some(_), false) | (Some(_), None, true) | (None, None, false) => Ok(()),
    }
}

/// What a SCAIP alarm unit is called where alarms name an account (`alarms.account`,
/// `alarm_messages.account`): `scaip:` and its controller id. A DC-09 account is hex digits
/// only, so the two never meet.
pub fn scaip_account(cid: &str) -> String {
    format!("{SCAIP_ACCOUNT_PREFIX}{cid}")
}

/// The prefix of [`scaip_account`].
pub const SCAIP_ACCOUNT_PREFIX: &str = "scaip:";

/// A SCAIP controller id (`cid`): 1–32 letters or digits, as the device sends it (SCAIP
/// samples are digits; research §8.3).
pub fn parse_scaip_cid(raw: &str) -> DomainResult<String> {
    let s = raw.trim();
    if !(1..=32).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(DomainError::invalid("scaip_cid", DeviceReason::BadScaipCid));
    }
    Ok(s.to_owned())
}

/// A SCAIP alarm unit's SIP digest password: 8–64 printable ASCII characters without spaces.
/// Kept in clear for the digest check, so sealed at rest like a DC-09 key; never shown by
/// `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ScaipPassword(String);

impl std::fmt::Debug for ScaipPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScaipPassword(****)")
    }
}

impl ScaipPassword {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        if !(8..=64).contains(&raw.len()) || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "scaip_password",
                DeviceReason::BadScaipPassword,
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for the digest check and for sealing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// A DC-09 account number: 3–16 hex digits, stored upper case.
pub fn parse_dc09_account(raw: &str) -> DomainResult<String> {
    let s = raw.trim().to_uppercase();
    if !(3..=16).contains(&s.len()) || !s.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(DomainError::invalid(
            "dc09_account",
            DeviceReason::BadAccount,
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DeviceStatus::*;
    use DeviceStep::*;

    #[test]
    fn the_happy_lifecycle() {
        let mut s = InStock;
        for (step, want) in [
            (Assign, Assigned),
            (Install, Installed),
            (PassTest, TestPassed),
            (Activate, Active),
            (Deactivate, Deactivated),
            (Return, Returned),
            (Restock, InStock),
            (Decommission, Decommissioned),
        ] {
            s = s.after(step).unwrap();
            assert_eq!(s, want);
        }
    }

    #[test]
    fn no_activation_without_a_passed_test() {
        for s in [Assigned, Installed, Deactivated, InStock] {
            assert!(s.after(Activate).is_err(), "{s:?}");
        }
        assert_eq!(Installed.after(FailTest).unwrap(), Installed);
        assert_eq!(
            TestPassed.after(FailTest).unwrap(),
            Installed,
            "a failed re-test undoes the pass"
        );
        assert!(Active.after(Return).is_err());
        assert!(Decommissioned.after(Restock).is_err());
        assert!(
            Active.after(Assign).is_err(),
            "a device is with one client at a time"
        );
        assert!(Active.is_with_client() && !Returned.is_with_client() && !InStock.is_with_client());
    }

    #[test]
    fn dc09_keys_and_accounts() {
        let a = Dc09Key::parse("AAAAAAAAAAAAAAAA", Dc09KeyStyle::Ascii).unwrap();
        assert_eq!(a.bytes, b"AAAAAAAAAAAAAAAA".to_vec());
        let h = Dc09Key::parse("000102030405060708090a0b0c0d0e0f", Dc09KeyStyle::Hex).unwrap();
        assert_eq!(h.bytes.len(), 16);
        assert_eq!(h.to_text(), "000102030405060708090A0B0C0D0E0F");
        assert_eq!(
            Dc09Key::parse("00".repeat(32).as_str(), Dc09KeyStyle::Hex)
                .unwrap()
                .bytes
                .len(),
            32
        );
        assert!(Dc09Key::parse("short", Dc09KeyStyle::Ascii).is_err());
        assert!(Dc09Key::parse(&"g".repeat(32), Dc09KeyStyle::Hex).is_err());
        assert!(Dc09Key::parse(&"a".repeat(40), Dc09KeyStyle::Hex).is_err());
        assert!(!format!("{a:?}").contains("AAAA"), "keys stay out of logs");
        assert!(Dc09Key::parse("AAAAAAAAAAAAAAAA", Dc09KeyStyle::Clear).is_err());
        assert_eq!(parse_dc09_account(" 1234ab ").unwrap(), "1234AB");
        assert!(parse_dc09_account("12").is_err() && parse_dc09_account("12345G").is_err());
        assert_eq!(parse_scaip_cid(" 8031372 ").unwrap(), "8031372");
        assert!(parse_scaip_cid("").is_err() && parse_scaip_cid("12 34").is_err());
        assert!(parse_scaip_cid(&"1".repeat(33)).is_err());
        assert_eq!(scaip_account("26317"), "scaip:26317");
        assert!(
            parse_dc09_account(&scaip_account("123")).is_err(),
            "never a DC-09 account"
        );
        assert!(ScaipPassword::parse("short").is_err());
        assert!(ScaipPassword::parse("with space in it").is_err());
        let p = ScaipPassword::parse("s3cret-pass").unwrap();
        assert_eq!(p.expose(), "s3cret-pass");
        assert!(!format!("{p:?}").contains("s3cret"));
    }

    #[test]
    fn an_account_is_encrypted_unless_explicitly_marked_clear() {
        let key = Dc09Key::parse("AAAAAAAAAAAAAAAA", Dc09KeyStyle::Ascii).unwrap();
        let reason = |r: DomainResult<()>| match r {
            Err(DomainError::Invalid { reason, .. }) => Some(reason),
            _ => None,
        };
        assert!(check_dc09(Some("1234"), Some(&key), false).is_ok());
        assert!(check_dc09(Some("1234"), None, true).is_ok());
        assert!(check_dc09(None, None, false).is_ok(), "no DC-09 at all");
        assert_eq!(
            reason(check_dc09(Some("1234"), None, false)),
            Some(DeviceReason::KeyOrClearRequired.into()),
            "no key is no longer clear by default"
        );
        assert_eq!(
            reason(check_dc09(Some("1234"), Some(&key), true)),
            Some(DeviceReason::ClearTakesNoKey.into())
        );
        assert_eq!(
            reason(check_dc09(None, None, true)),
            Some(DeviceReason::ClearNeedsAccount.into())
        );
        assert_eq!(
            reason(check_dc09(None, Some(&key), false)),
            Some(DeviceReason::KeyNeedsAccount.into())
        );
    }
}

/// A device in the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: crate::ids::DeviceId,
    pub kind: DeviceKind,
    pub serial: String,
    pub model: String,
    pub firmware: Option<String>,
    pub status: DeviceStatus,
    pub client_id: Option<crate::ids::ClientId>,
    /// When the current credential was issued (it is shown once and stored only as a hash).
    pub credential_issued_at: Option<jiff::Timestamp>,
    pub credential_revoked_at: Option<jiff::Timestamp>,
    pub dc09_account: Option<String>,
    pub dc09_key: Option<Dc09Key>,
    /// The account has no key and is explicitly marked clear (unencrypted); see [`check_dc09`].
    pub dc09_clear: bool,
    /// The SCAIP controller id (unique, like a DC-09 account).
    pub scaip_cid: Option<String>,
    /// The SIP digest password the SCAIP unit must authenticate with; none: no digest.
    pub scaip_password: Option<ScaipPassword>,
    pub last_seen_at: Option<jiff::Timestamp>,
    /// The last state the device reported (e.g. `privacy`, `active`, `low_battery`).
    pub state: Option<String>,
    pub created_at: jiff::Timestamp,
}

impl Device {
    pub fn has_live_credential(&self) -> bool {
        self.credential_issued_at.is_some() && self.credential_revoked_at.is_none()
    }

    /// How the DC-09 account is protected: its key's style, `clear` when marked so, none
    /// otherwise (as stored in the key-style column).
    pub fn dc09_key_style(&self) -> Option<Dc09KeyStyle> {
        match &self.dc09_key {
            Some(k) => Some(k.style),
            None => self.dc09_clear.then_some(Dc09KeyStyle::Clear),
        }
    }
}

/// One step of a device's life, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEvent {
    pub id: crate::ids::DeviceEventId,
    pub device_id: crate::ids::DeviceId,
    pub step: DeviceStep,
    pub from: DeviceStatus,
    pub to: DeviceStatus,
    pub client_id: Option<crate::ids::ClientId>,
    pub at: jiff::Timestamp,
    pub by_user: Option<crate::ids::UserId>,
    pub note: Option<String>,
}
