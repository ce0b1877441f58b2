//! Random secrets, their hashes, and password hashing.
//!
//! Session cookies, API tokens and recovery codes carry at least 50 bits of randomness and are
//! stored as SHA-256 digests; passwords are stored as Argon2id PHC strings.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{ServiceError, ServiceResult};

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rng().fill_bytes(&mut b);
    b
}

/// A URL-safe random token of 256 bits.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// A recovery code like `k7m2-x9qp-4n` (50 bits, base32 without look-alikes).
pub fn recovery_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let raw = random_bytes::<10>();
    let chars: String = raw
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    format!("{}-{}-{}", &chars[0..4], &chars[4..8], &chars[8..10])
}

/// Normalises a typed recovery code (case, spaces, dashes) before hashing.
pub fn recovery_code_hash(code: &str) -> String {
    let norm: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hex::encode(sha256(norm.as_bytes()))
}

/// A readable one-time password for a new or reset account (about 80 bits).
pub fn initial_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789";
    random_bytes::<16>()
        .chunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Hashes a password with Argon2id off the async runtime.
pub async fn hash_password(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::internal_caused("password hashing failed", e))
    })
    .await
    .map_err(|e| ServiceError::internal_caused("hashing task failed", e))?
}

/// Verifies a password against a stored PHC string off the async runtime. A missing hash is
/// checked against a dummy so that unknown users take as long as known ones.
pub async fn verify_password(password: String, hash: Option<String>) -> ServiceResult<bool> {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match hash {
            Some(h) => (h, true),
            None => (dummy_hash().to_owned(), false),
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), hash.as_str())
            .is_ok();
        ok && real
    })
    .await
    .map_err(|e| ServiceError::internal_caused("hashing task failed", e))
}

fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default()
            .hash_password(b"vaka-dummy-password-for-timing")
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn password_roundtrip() {
        let h = hash_password("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse battery".into(), Some(h.clone()))
                .await
                .unwrap()
        );
        assert!(
            !verify_password("wrong horse battery".into(), Some(h))
                .await
                .unwrap()
        );
        assert!(!verify_password("anything".into(), None).await.unwrap());
    }

    #[test]
    fn recovery_codes_normalise() {
        let c = recovery_code();
        assert_eq!(c.len(), 12);
        assert_eq!(
            recovery_code_hash(&c),
            recovery_code_hash(&c.to_uppercase().replace('-', " "))
        );
        assert_ne!(recovery_code_hash(&c), recovery_code_hash(&recovery_code()));
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(initial_password().len(), 19);
    }

    /// A one-time password is changed under the password rule, and is set under it too: the
    /// generated ones pass it (random, so sampled).
    #[test]
    fn one_time_passwords_pass_the_password_rule() {
        for _ in 0..200 {
            let p = initial_password();
            assert_eq!(
                vaka_domain::validate::check_password_policy(&p, "anna", &["Anna Svensson"]),
                Ok(()),
                "{p}"
            );
        }
    }
}
