//! NFC tags at the client's door: the tag's serial number (UID) as a phone reads it, the URL a
//! tag carries (`https://<host>/t/<tag id>`, an opaque id — never a personnummer), how strong
//! a tag's proof of a tap is, and what a tap is (what the staff app sends, what it proves).
//!
//! Two kinds of tag are supported:
//! - **SUN** (NTAG 424 DNA with Secure Unique NFC messages): on every tap the tag writes its
//!   UID and read counter (plain or encrypted) and an AES-CMAC over them into its URL. The
//!   server verifies the MAC with the tag's key and refuses a counter it has seen (see
//!   [`sun`]). A copied URL or a cloned UID proves nothing.
//! - **Plain** (NTAG21x): the server-written URL record and the UID only. Both can be copied
//!   onto another tag, so a plain tag's tap is weaker evidence, and is marked so.

pub mod sun;

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

use crate::ids::{ClientId, DeviceId};
use crate::reason::TagReason;
use crate::{DomainError, DomainResult};

pub use sun::{PiccData, SdmKey, SunMessage, SunRead, SunRefusal};

/// How much a tap of a tag proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum TagStrength {
    /// NTAG 424 DNA: each tap carries a fresh counter and a MAC under the tag's key.
    Sun,
    /// NTAG21x: a URL record and a UID, both copyable. Weaker evidence.
    Plain,
}

crate::impl_codes!(TagStrength);

/// A tag's serial number (ISO 14443 UID: 4, 7 or 10 bytes) as lowercase hex without
/// separators. Web NFC's `serialNumber` comes as `04:4a:2a:…` in practice and `04-4A-…` in
/// its documentation; both, and bare hex, read the same.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagUid(String);

impl TagUid {
    /// Reads a UID: hex digits in pairs, optionally separated by `:`, `-` or spaces (one
    /// separator style, between every pair or none). Anything else is refused.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let bad = || DomainError::invalid("uid", TagReason::BadUid);
        let s = raw.trim();
        if s.len() > 64 {
            return Err(bad());
        }
        let separator = s.chars().find(|c| matches!(c, ':' | '-' | ' '));
        let digits: String = match separator {
            None => s.to_owned(),
            Some(sep) => {
                let mut out = String::with_capacity(s.len());
                for pair in s.split(sep) {
                    if pair.len() != 2 {
                        return Err(bad());
                    }
                    out.push_str(pair);
                }
                out
            }
        };
        if !digits.chars().all(|c| c.is_ascii_hexdigit()) || !matches!(digits.len(), 8 | 14 | 20) {
            return Err(bad());
        }
        Ok(Self(digits.to_ascii_lowercase()))
    }

    /// The UID of these bytes (a SUN message's UID).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(hex::encode(bytes))
    }

    /// As stored: lowercase hex, no separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The UID's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        // The text is hex of even length by construction.
        hex::decode(&self.0).unwrap_or_default()
    }
}

impl std::fmt::Display for TagUid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A tag's UID normalised (lowercase hex, no separators), or `None` when it is not one (see
/// [`TagUid::parse`]).
pub fn normalise_uid(serial: &str) -> Option<String> {
    TagUid::parse(serial).ok().map(|u| u.0)
}

/// The opaque id in a tag's URL: lowercase letters and digits, 10–40 characters, with no run
/// of six digits or more — so a personnummer, a date or a phone number can never be a tag id
/// and never ends up on a door. New ids are 22 letters (about 103 random bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TagId(String);

impl TagId {
    /// Letters of a new id.
    pub const NEW_LEN: usize = 22;

    /// Reads a tag id (as in a URL or a CSV file); upper case is read as lower case.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let s = raw.trim().to_ascii_lowercase();
        let mut digit_run = 0;
        let mut ok = (10..=40).contains(&s.len());
        for c in s.chars() {
            ok &= c.is_ascii_lowercase() || c.is_ascii_digit();
            digit_run = if c.is_ascii_digit() { digit_run + 1 } else { 0 };
            ok &= digit_run < 6;
        }
        if !ok {
            return Err(DomainError::invalid("tag_id", TagReason::BadTagId));
        }
        Ok(Self(s))
    }

    /// A new id from 16 random bytes (the caller draws them: this crate has no randomness).
    pub fn from_random(bytes: [u8; 16]) -> Self {
        let mut n = u128::from_be_bytes(bytes);
        let mut s = String::with_capacity(Self::NEW_LEN);
        for _ in 0..Self::NEW_LEN {
            // 26^22 < 2^128: every letter is (almost exactly) uniform.
            let letter = u8::try_from(n % 26).unwrap_or(0);
            s.push(char::from(b'a' + letter));
            n /= 26;
        }
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TagId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The path of tag URLs, before the tag id.
pub const TAG_PATH: &str = "/t/";

/// The URL written on a tag: `<base>/t/<tag id>` (`base` is the server's public address, such
/// as `https://vaka.example.se`).
pub fn tag_url(base: &str, id: &TagId) -> String {
    format!("{}{TAG_PATH}{id}", base.trim_end_matches('/'))
}

/// The URL template to write on a SUN tag: the tag's URL with placeholders the tag fills in
/// on every tap (encrypted PICC data and the MAC; configure SDM so that the MAC input offset
/// equals the MAC offset, i.e. the MAC is over an empty input).
pub fn sun_url_template(base: &str, id: &TagId) -> String {
    format!(
        "{}?{}={}&{}={}",
        tag_url(base, id),
        sun::PICC_DATA,
        "0".repeat(32),
        sun::CMAC,
        "0".repeat(16)
    )
}

/// A URL read off a tag, taken apart: the tag id from its `/t/<id>` path and its query (the
/// SUN parameters, if any). `None` when the URL is not a tag URL. Never panics.
pub fn parse_tag_url(url: &str) -> Option<(TagId, &str)> {
    let url = url.trim();
    // The fragment is never part of a tag's URL.
    let url = url.split('#').next().unwrap_or("");
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let after_scheme = path.split_once("://").map_or(path, |(_, rest)| rest);
    // Only the path counts: the host may be any name of this server.
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let id = path.strip_prefix(TAG_PATH)?.trim_end_matches('/');
    if id.contains('/') {
        return None;
    }
    Some((TagId::parse(id).ok()?, query))
}

/// A registered tag's settings (the device row holds its lifecycle and client): its URL's id,
/// its UID (unknown until the tag is encoded, or learned from its first proven tap), its
/// strength, a SUN tag's key, and the last read counter accepted from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NfcTag {
    pub device_id: DeviceId,
    pub tag_id: TagId,
    pub uid: Option<TagUid>,
    pub strength: TagStrength,
    /// SUN tags only: the AES key (meta read and file read). Sealed at rest.
    pub sdm_key: Option<SdmKey>,
    /// SUN tags only: the greatest read counter accepted; a tap must bring a greater one.
    pub last_counter: Option<u32>,
    pub last_tap_at: Option<jiff::Timestamp>,
}

/// A tag read by the staff app: Web NFC's `serialNumber` (may be empty: not every phone gives
/// one) and the URL record's text, if the tag holds one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagTap {
    pub serial: String,
    pub url: Option<String>,
}

/// What an accepted tap proves: that this tag, bound to this client, was read — proven by a
/// fresh SUN message, or only claimed (plain tag).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagEvidence {
    pub device_id: DeviceId,
    pub client_id: ClientId,
    pub strength: TagStrength,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_in_every_spelling_read_the_same() {
        let want = "044a2a12345678";
        for raw in [
            "04:4a:2a:12:34:56:78",
            "04-4A-2A-12-34-56-78",
            "044A2A12345678",
            " 04 4a 2a 12 34 56 78 ",
        ] {
            assert_eq!(TagUid::parse(raw).unwrap().as_str(), want, "{raw}");
        }
        assert_eq!(TagUid::parse("04:4a:2a:12").unwrap().as_str(), "044a2a12");
        assert_eq!(
            TagUid::parse("044a2a12345678").unwrap().to_bytes(),
            vec![0x04, 0x4a, 0x2a, 0x12, 0x34, 0x56, 0x78]
        );
    }

    #[test]
    fn garbage_is_not_a_uid() {
        for raw in [
            "",
            "04",
            "04:4a:2a",
            "04:4a:2a:12:34:56:7",
            "04:4a-2a:12:34:56:78",
            "04::4a:2a:12:34:56:78",
            "0g:4a:2a:12:34:56:78",
            "044a2a1234567",
            "044a2a123456789a",
            "19121212-1212",
            "<script>",
            "04:4a:2a:12:34:56:78:",
        ] {
            assert!(TagUid::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn tag_ids_are_opaque_and_never_a_personnummer() {
        let id = TagId::from_random([7; 16]);
        assert_eq!(id.as_str().len(), TagId::NEW_LEN);
        assert!(id.as_str().chars().all(|c| c.is_ascii_lowercase()));
        assert_ne!(id, TagId::from_random([8; 16]));
        assert_eq!(TagId::parse(id.as_str()).unwrap(), id);
        assert_eq!(TagId::parse("ABCDEFGHIJK").unwrap().as_str(), "abcdefghijk");
        for raw in [
            "191212121212",
            "tag19121212-1212",
            "x1912121212",
            "abc/def/ghij",
            "short",
            &"a".repeat(41),
            "abcdefghij k",
            "åäöabcdefghij",
        ] {
            assert!(TagId::parse(raw).is_err(), "{raw:?}");
        }
        assert!(
            TagId::parse("door12345ab").is_ok(),
            "five digits in a row are fine"
        );
    }

    #[test]
    fn tag_urls_round_trip() {
        let id = TagId::parse("abcdefghijklmnopqrstuv").unwrap();
        let url = tag_url("https://vaka.example.se/", &id);
        assert_eq!(url, "https://vaka.example.se/t/abcdefghijklmnopqrstuv");
        assert_eq!(parse_tag_url(&url), Some((id.clone(), "")));
        let with_query = format!("{url}?picc_data=00&cmac=11#frag");
        let (got, query) = parse_tag_url(&with_query).unwrap();
        assert_eq!((got, query), (id.clone(), "picc_data=00&cmac=11"));
        assert_eq!(
            parse_tag_url("http://10.0.0.1:8080/t/abcdefghijklmnopqrstuv/").map(|t| t.0),
            Some(id.clone())
        );
        assert!(
            sun_url_template("https://h", &id)
                .starts_with("https://h/t/abcdefghijklmnopqrstuv?picc_data=0000")
        );
        for bad in [
            "",
            "https://h/x/abcdefghijklmnopqrstuv",
            "https://h/t/",
            "https://h/t/abc/def",
            "https://h/t/191212121212",
            "https://h",
            "t/abcdefghijklmnop",
        ] {
            assert_eq!(parse_tag_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn strengths_have_codes() {
        crate::codes::check_codes(
            "TagStrength",
            TagStrength::ALL,
            TagStrength::code,
            TagStrength::from_code,
        )
        .unwrap();
        assert_eq!(TagStrength::Sun.code(), "sun");
        assert_eq!(TagStrength::from_code("plain"), Some(TagStrength::Plain));
    }
}
