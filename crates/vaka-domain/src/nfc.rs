//! NFC tags at the client's door, as the visit registration sees them: a tap as read by the
//! app, and what the server concluded from it.

use serde::{Deserialize, Serialize};

use crate::ids::{ClientId, DeviceId};

/// How strongly a tag proves a tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagStrength {
    /// NTAG 424 DNA: a fresh SUN message (AES-CMAC and counter) on every tap, verified.
    Sun,
    /// NTAG21x: the serial and the server-written record; a serial can be cloned.
    Plain,
}

/// A tap as the app read it: the tag's serial (UID) and, when it carries one, its URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagTap {
    pub serial: String,
    pub url: Option<String>,
}

/// The tag a tap was accepted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagEvidence {
    pub device_id: DeviceId,
    pub client_id: ClientId,
    pub strength: TagStrength,
}

/// A tag's UID normalised: lowercase hex without separators (`04:A1:…` → `04a1…`); `None`
/// when it holds anything else or is not 4–10 bytes.
pub fn normalise_uid(serial: &str) -> Option<String> {
    let hex: String = serial
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | ' '))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let ok = hex.chars().all(|c| c.is_ascii_hexdigit())
        && hex.len().is_multiple_of(2)
        && (8..=20).contains(&hex.len());
    ok.then_some(hex)
}

#[cfg(test)]
mod tests {
    #[test]
    fn uids_normalise() {
        assert_eq!(
            super::normalise_uid("04:A1:B2-c3 d4").as_deref(),
            Some("04a1b2c3d4")
        );
        assert_eq!(super::normalise_uid("04:zz:b2:c3"), None);
        assert_eq!(super::normalise_uid("04"), None);
    }
}
