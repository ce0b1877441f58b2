//! Secrets sealed at rest: the TOTP secrets of accounts, the DC-09 AES keys of alarm units and
//! the AES keys of SUN NFC tags.
//!
//! Login and the alarm receiver need these values back in clear, so they cannot be hashed like
//! passwords and tokens; the store seals them with XChaCha20-Poly1305 (an AEAD: a changed byte
//! makes opening fail) under a key that lives outside the database (`<data_dir>/keys/secrets.key`
//! or `VAKA_SECRETS_KEY`, loaded by the server). A copy of the database alone — a backup, a
//! stolen disk, a dump — gives no second factor and no alarm key.
//!
//! A sealed value is text: `v1:<key id>:<base64 of nonce ‖ ciphertext ‖ tag>`. The key id (the
//! first 8 hex digits of the key's SHA-256) says which key sealed it, so that after a rotation
//! values under the old key are still read until they are sealed again under the new one. The
//! associated data binds a value to its column and row (`users.totp_secret:<user id>`), so a
//! sealed value copied to another row or column does not open.
//!
//! The key never leaves this crate's callers in the server binary: services and pages see only
//! the opened values they already saw before, never the key.

use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{StoreError, StoreResult};

/// The format tag of sealed values.
const VERSION: &str = "v1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Bytes of a key.
pub const KEY_LEN: usize = 32;

/// A column that holds sealed values; its name is part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretColumn {
    /// `users.totp_secret`: the base32 TOTP secret, pending or enabled.
    TotpSecret,
    /// `devices.dc09_key`: the AES key of a SIA DC-09 alarm unit.
    Dc09Key,
    /// `nfc_tags.sdm_key`: the AES key of an NTAG 424 DNA (SUN) tag.
    SdmKey,
    /// `devices.scaip_password`: the SIP digest password of a SCAIP alarm unit.
    ScaipPassword,
}

impl SecretColumn {
    pub fn name(self) -> &'static str {
        match self {
            SecretColumn::TotpSecret => "users.totp_secret",
            SecretColumn::Dc09Key => "devices.dc09_key",
            SecretColumn::SdmKey => "nfc_tags.sdm_key",
            SecretColumn::ScaipPassword => "devices.scaip_password",
        }
    }

    fn associated_data(self, row: Uuid) -> String {
        format!("{}:{row}", self.name())
    }
}

/// A key that seals secrets: 256 random bits. Its bytes are wiped when it is dropped and never
/// shown by `Debug`.
#[derive(Clone)]
pub struct SecretKey {
    id: String,
    bytes: Zeroizing<[u8; KEY_LEN]>,
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretKey({}, ****)", self.id)
    }
}

/// Why text is not a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a secrets key is base64 text of 32 bytes; this is not base64")]
    NotBase64,
    #[error("a secrets key is base64 text of 32 bytes; this holds {0} bytes")]
    WrongLength(usize),
}

impl SecretKey {
    /// A new random key.
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        rand::rng().fill_bytes(bytes.as_mut());
        Self::from_bytes(bytes)
    }

    fn from_bytes(bytes: Zeroizing<[u8; KEY_LEN]>) -> Self {
        let digest = Sha256::digest(bytes.as_ref());
        let id = hex::encode(&digest[..4]);
        Self { id, bytes }
    }

    /// A key from its base64 text (as in the key file or `VAKA_SECRETS_KEY`); surrounding
    /// white space is ignored.
    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let raw = Zeroizing::new(
            STANDARD
                .decode(text.trim())
                .map_err(|_| KeyError::NotBase64)?,
        );
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        if raw.len() != KEY_LEN {
            return Err(KeyError::WrongLength(raw.len()));
        }
        bytes.copy_from_slice(&raw);
        Ok(Self::from_bytes(bytes))
    }

    /// The key as base64 text, for the key file.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes.as_ref()))
    }

    /// The key's id: the first 8 hex digits of its SHA-256 (names the key in sealed values and
    /// messages without revealing it).
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(*self.bytes))
    }
}

/// The keys a store seals and opens secrets with: the current key, which seals, and older keys
/// that only open (after a rotation, until every value is sealed again).
///
/// The default keyring is empty: it refuses to seal or open anything, so a store opened without
/// a key fails on the first secret instead of writing it in clear.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    current: Option<Arc<SecretKey>>,
    older: Vec<Arc<SecretKey>>,
}

impl Keyring {
    /// A keyring that seals with `current`.
    pub fn new(current: SecretKey) -> Self {
        Self {
            current: Some(Arc::new(current)),
            older: Vec::new(),
        }
    }

    /// Also opens values sealed with `key` (a key before a rotation).
    #[must_use]
    pub fn with_older(mut self, key: SecretKey) -> Self {
        let known = self
            .current
            .iter()
            .chain(&self.older)
            .any(|k| k.id == key.id);
        if !known {
            self.older.push(Arc::new(key));
        }
        self
    }

    /// The id of the key that seals, if any.
    pub fn current_id(&self) -> Option<&str> {
        self.current.as_deref().map(SecretKey::id)
    }

    fn current(&self) -> StoreResult<&SecretKey> {
        self.current.as_deref().ok_or_else(|| {
            StoreError::other("no secrets key is configured: secrets cannot be sealed or opened")
        })
    }

    fn find(&self, id: &str) -> Option<&SecretKey> {
        self.current
            .iter()
            .chain(&self.older)
            .map(AsRef::as_ref)
            .find(|k| k.id == id)
    }

    /// Seals `clear` for `column` of the row `row`.
    pub fn seal(&self, column: SecretColumn, row: Uuid, clear: &str) -> StoreResult<String> {
        let key = self.current()?;
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let aad = column.associated_data(row);
        let ct = key
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: clear.as_bytes(),
                    aad: aad.as_bytes(),
                },
            )
            .map_err(|_| StoreError::other("sealing a secret failed"))?;
        let mut blob = Vec::with_capacity(NONCE_LEN + ct.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ct);
        Ok(format!("{VERSION}:{}:{}", key.id, STANDARD.encode(blob)))
    }

    /// [`Keyring::seal`] of an optional value.
    pub fn seal_opt(
        &self,
        column: SecretColumn,
        row: Uuid,
        clear: Option<&str>,
    ) -> StoreResult<Option<String>> {
        clear.map(|c| self.seal(column, row, c)).transpose()
    }

    /// Opens a value stored in `column` of the row `row`. A value in clear, under an unknown
    /// key, tampered with or moved from another row or column is refused as corrupt data.
    pub fn open(&self, column: SecretColumn, row: Uuid, stored: &str) -> StoreResult<String> {
        let Some(sealed) = Sealed::parse(stored) else {
            return Err(StoreError::corrupt(format!(
                "{} holds a value that is not sealed",
                column.name()
            )));
        };
        self.current()?;
        let key = self.find(sealed.key_id).ok_or_else(|| {
            StoreError::corrupt(format!(
                "{} is sealed with key {}, which is not configured",
                column.name(),
                sealed.key_id
            ))
        })?;
        let aad = column.associated_data(row);
        let clear = Zeroizing::new(
            key.cipher()
                .decrypt(
                    &XNonce::from(sealed.nonce),
                    Payload {
                        msg: &sealed.ciphertext,
                        aad: aad.as_bytes(),
                    },
                )
                .map_err(|_| {
                    StoreError::corrupt(format!(
                        "{} of {row} does not open: altered, moved from another row, or sealed \
                         with another key of the same id",
                        column.name()
                    ))
                })?,
        );
        String::from_utf8(clear.to_vec())
            .map_err(|_| StoreError::corrupt(format!("{} is not text", column.name())))
    }

    /// [`Keyring::open`] of an optional value.
    pub fn open_opt(
        &self,
        column: SecretColumn,
        row: Uuid,
        stored: Option<String>,
    ) -> StoreResult<Option<String>> {
        stored.map(|s| self.open(column, row, &s)).transpose()
    }

    /// What a stored value needs: nothing when it is sealed under the current key; to be sealed
    /// (again) when it is in clear (a database from before sealing) or under an older key.
    /// Returns the new stored value, or `None` when it is fine as it is.
    pub fn reseal(
        &self,
        column: SecretColumn,
        row: Uuid,
        stored: &str,
    ) -> StoreResult<Option<String>> {
        let current = self.current()?;
        let clear = match Sealed::parse(stored) {
            Some(s) if s.key_id == current.id => return Ok(None),
            Some(_) => Zeroizing::new(self.open(column, row, stored)?),
            None => Zeroizing::new(stored.to_owned()),
        };
        self.seal(column, row, &clear).map(Some)
    }
}

/// The parts of a sealed value.
struct Sealed<'a> {
    key_id: &'a str,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl<'a> Sealed<'a> {
    /// The parts, or `None` when `stored` is not a sealed value (then it is clear text: neither
    /// a base32 TOTP secret nor a DC-09 key — at most 32 characters — can be read as one,
    /// whose payload alone is at least 40 bytes).
    fn parse(stored: &'a str) -> Option<Self> {
        let mut parts = stored.splitn(3, ':');
        let (version, key_id, payload) = (parts.next()?, parts.next()?, parts.next()?);
        if version != VERSION || key_id.len() != 8 || !key_id.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        let blob = STANDARD.decode(payload).ok()?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        Some(Self {
            key_id,
            nonce: nonce.try_into().ok()?,
            ciphertext: ciphertext.to_vec(),
        })
    }
}

/// Whether a stored value is sealed (in the format, not whether it opens).
pub fn is_sealed(stored: &str) -> bool {
    Sealed::parse(stored).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    fn ring() -> Keyring {
        Keyring::new(SecretKey::generate())
    }

    #[test]
    fn round_trip_and_no_clear_text() {
        let k = ring();
        let row = Uuid::new_v4();
        let sealed = k.seal(SecretColumn::TotpSecret, row, SECRET).unwrap();
        assert!(sealed.starts_with(&format!("v1:{}:", k.current_id().unwrap())));
        assert!(!sealed.contains(SECRET));
        assert!(is_sealed(&sealed));
        assert!(!is_sealed(SECRET));
        assert_eq!(
            k.open(SecretColumn::TotpSecret, row, &sealed).unwrap(),
            SECRET
        );
        // A fresh nonce each time: the same secret never seals to the same text.
        assert_ne!(
            sealed,
            k.seal(SecretColumn::TotpSecret, row, SECRET).unwrap()
        );
    }

    #[test]
    fn another_key_does_not_open() {
        let row = Uuid::new_v4();
        let sealed = ring().seal(SecretColumn::Dc09Key, row, "00112233").unwrap();
        let err = ring()
            .open(SecretColumn::Dc09Key, row, &sealed)
            .unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    }

    #[test]
    fn tampered_values_do_not_open() {
        let k = ring();
        let row = Uuid::new_v4();
        let sealed = k.seal(SecretColumn::TotpSecret, row, SECRET).unwrap();
        let (head, payload) = sealed.rsplit_once(':').unwrap();
        let mut blob = STANDARD.decode(payload).unwrap();
        for i in [0, NONCE_LEN, blob.len() - 1] {
            blob[i] ^= 1;
            let bad = format!("{head}:{}", STANDARD.encode(&blob));
            assert!(
                k.open(SecretColumn::TotpSecret, row, &bad).is_err(),
                "byte {i}"
            );
            blob[i] ^= 1;
        }
        assert!(k.open(SecretColumn::TotpSecret, row, "v1:zz:abc").is_err());
    }

    #[test]
    fn a_value_moved_to_another_row_or_column_does_not_open() {
        let k = ring();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let sealed = k.seal(SecretColumn::TotpSecret, a, SECRET).unwrap();
        assert!(k.open(SecretColumn::TotpSecret, b, &sealed).is_err());
        assert!(k.open(SecretColumn::Dc09Key, a, &sealed).is_err());
    }

    #[test]
    fn clear_values_are_refused_on_read_and_sealed_by_reseal() {
        let k = ring();
        let row = Uuid::new_v4();
        assert!(k.open(SecretColumn::TotpSecret, row, SECRET).is_err());
        let sealed = k
            .reseal(SecretColumn::TotpSecret, row, SECRET)
            .unwrap()
            .unwrap();
        assert_eq!(
            k.open(SecretColumn::TotpSecret, row, &sealed).unwrap(),
            SECRET
        );
        // Idempotent: a value under the current key stays as it is.
        assert_eq!(
            k.reseal(SecretColumn::TotpSecret, row, &sealed).unwrap(),
            None
        );
    }

    #[test]
    fn rotation_reseals_under_the_new_key() {
        let old = SecretKey::generate();
        let row = Uuid::new_v4();
        let sealed = Keyring::new(old.clone())
            .seal(SecretColumn::Dc09Key, row, "K")
            .unwrap();
        let new = SecretKey::generate();
        let rotated = Keyring::new(new.clone()).with_older(old);
        assert_eq!(
            rotated.open(SecretColumn::Dc09Key, row, &sealed).unwrap(),
            "K"
        );
        let resealed = rotated
            .reseal(SecretColumn::Dc09Key, row, &sealed)
            .unwrap()
            .unwrap();
        // The new key alone opens it now.
        assert_eq!(
            Keyring::new(new)
                .open(SecretColumn::Dc09Key, row, &resealed)
                .unwrap(),
            "K"
        );
    }

    #[test]
    fn an_empty_keyring_refuses_to_seal() {
        let k = Keyring::default();
        assert!(
            k.seal(SecretColumn::TotpSecret, Uuid::new_v4(), SECRET)
                .is_err()
        );
    }

    #[test]
    fn keys_read_back_from_base64_and_bad_text_is_refused() {
        let key = SecretKey::generate();
        let again = SecretKey::from_base64(&format!("{}\n", key.to_base64().as_str())).unwrap();
        assert_eq!(again.id(), key.id());
        assert_eq!(
            SecretKey::from_base64("not base64!").unwrap_err(),
            KeyError::NotBase64
        );
        assert_eq!(
            SecretKey::from_base64("AAAA").unwrap_err(),
            KeyError::WrongLength(3)
        );
        assert!(!format!("{key:?}").contains(key.to_base64().as_str()));
    }
}
