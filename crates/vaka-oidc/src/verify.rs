//! The id token's verification, pure: the token, the provider's keys and what is expected in,
//! the account key and the assurance level out. No network, no clock of its own.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::Duration;

use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, ClaimsVerificationError, ClientId, IdToken, IdTokenVerifier, IssuerUrl, Nonce,
};
use serde::{Deserialize, Serialize};

/// How far the provider's clock may be from ours: a token expired up to this long ago, or
/// issued up to this far in the future, still passes. One minute: enough for two servers kept
/// by NTP, short against a replayed token.
pub const CLOCK_SKEW: Duration = Duration::from_mins(1);

const ISSUED_IN_FUTURE: &str = "issued in the future";

/// Every claim the token carries besides the standard ones (`employeeHsaId` among them).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OtherClaims {
    #[serde(flatten)]
    pub claims: BTreeMap<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

/// An id token whose extra claims are kept.
pub type VakaIdToken = IdToken<
    OtherClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// What a token must show.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    /// The provider's issuer, exactly as discovery gave it (Inera's test issuer has `:443`).
    pub issuer: &'a str,
    /// Our client id: the only audience accepted.
    pub client_id: &'a str,
    /// The nonce this login sent.
    pub nonce: &'a str,
    /// Now, by the server's clock.
    pub now: jiff::Timestamp,
    /// The claim that names the account (`employeeHsaId`).
    pub account_claim: &'a str,
    /// The `acr` values that count as two factors, matched exactly.
    pub two_factor_acr: &'a [String],
    /// A step-up: the person must have authenticated at the provider at or after this instant
    /// (`auth_time`, within [`CLOCK_SKEW`]); a token without `auth_time` is refused then.
    pub authenticated_after: Option<jiff::Timestamp>,
}

/// A verified login: who, and whether the provider vouched for two factors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedLogin {
    /// The account claim's value, as the provider sent it (the caller parses it).
    pub account_key: String,
    /// The token's `acr`, if any.
    pub acr: Option<String>,
    /// Whether `acr` is one of the configured two-factor values.
    pub two_factors: bool,
}

/// Why a token was refused. The code goes to the audit log; no token content does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    #[error("the id token is not a signed JWT")]
    Malformed,
    #[error("the id token's signature does not verify with the provider's keys")]
    Signature,
    #[error("the id token is from another issuer")]
    Issuer,
    #[error("the id token is for another client")]
    Audience,
    #[error("the id token has expired")]
    Expired,
    #[error("the id token was issued in the future")]
    IssuedInFuture,
    #[error("the id token's nonce is not this login's")]
    Nonce,
    #[error("the id token lacks the account claim")]
    NoAccountClaim,
    #[error("the provider did not authenticate the person again (auth_time missing or too early)")]
    NotFresh,
    #[error("the id token fails a check ({0})")]
    Other(String),
}

impl TokenRefusal {
    /// A short code for the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::Signature => "signature",
            Self::Issuer => "issuer",
            Self::Audience => "audience",
            Self::Expired => "expired",
            Self::IssuedInFuture => "issued_in_future",
            Self::Nonce => "nonce",
            Self::NoAccountClaim => "no_account_claim",
            Self::NotFresh => "not_fresh",
            Self::Other(_) => "invalid",
        }
    }
}

fn chrono_of(t: jiff::Timestamp) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(t.as_second(), t.subsec_nanosecond().unsigned_abs())
        .unwrap_or_default()
}

fn refusal(e: &ClaimsVerificationError) -> TokenRefusal {
    match e {
        ClaimsVerificationError::Expired(_) => TokenRefusal::Expired,
        ClaimsVerificationError::InvalidAudience(_) => TokenRefusal::Audience,
        ClaimsVerificationError::InvalidIssuer(_) => TokenRefusal::Issuer,
        ClaimsVerificationError::InvalidNonce(_) => TokenRefusal::Nonce,
        ClaimsVerificationError::SignatureVerification(_) => TokenRefusal::Signature,
        other => TokenRefusal::Other(other.to_string()),
    }
}

/// Verifies an id token: its signature against the provider's keys (RS256 and the other
/// asymmetric algorithms; never `none` or a MAC keyed by the client secret), the issuer
/// exactly, our client id as the audience (and no other), expiry and issue time within
/// [`CLOCK_SKEW`], and the nonce. Then takes the account claim (never `sub`) and compares `acr`
/// exactly with the two-factor values.
pub fn verify_id_token(
    raw: &str,
    keys: &CoreJsonWebKeySet,
    e: &Expected<'_>,
) -> Result<VerifiedLogin, TokenRefusal> {
    let token = VakaIdToken::from_str(raw.trim()).map_err(|_| TokenRefusal::Malformed)?;
    let issuer = IssuerUrl::new(e.issuer.to_owned()).map_err(|_| TokenRefusal::Issuer)?;
    let now = chrono_of(e.now);
    let skew = chrono::Duration::from_std(CLOCK_SKEW).unwrap_or_default();
    let verifier = IdTokenVerifier::new_confidential_client(
        ClientId::new(e.client_id.to_owned()),
        // No secret: an HMAC-signed token (keyed by the secret) is not accepted.
        openidconnect::ClientSecret::new(String::new()),
        issuer,
        keys.clone(),
    )
    .set_allowed_algs([
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha384,
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha512,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::RsaSsaPssSha384,
        CoreJwsSigningAlgorithm::RsaSsaPssSha512,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::EcdsaP384Sha384,
        CoreJwsSigningAlgorithm::EdDsa,
    ])
    // Expiry is compared with a clock set back by the allowance.
    .set_time_fn(move || now - skew)
    .set_issue_time_verifier_fn(move |iat| {
        if iat > now + skew {
            Err(ISSUED_IN_FUTURE.to_owned())
        } else {
            Ok(())
        }
    })
    .set_other_audience_verifier_fn(|_| false);
    let nonce = Nonce::new(e.nonce.to_owned());
    let claims = token.claims(&verifier, &nonce).map_err(|err| {
        // The library reports a refused issue time as `Expired`, with our words.
        if matches!(&err, ClaimsVerificationError::Expired(m) if m == ISSUED_IN_FUTURE) {
            TokenRefusal::IssuedInFuture
        } else {
            refusal(&err)
        }
    })?;
    let account_key = claims
        .additional_claims()
        .claims
        .get(e.account_claim)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(TokenRefusal::NoAccountClaim)?
        .to_owned();
    if let Some(after) = e.authenticated_after {
        let fresh = claims
            .auth_time()
            .is_some_and(|at| at + skew >= chrono_of(after) && at <= now + skew);
        if !fresh {
            return Err(TokenRefusal::NotFresh);
        }
    }
    let acr = claims.auth_context_ref().map(|a| a.as_str().to_owned());
    let two_factors = acr
        .as_deref()
        .is_some_and(|a| e.two_factor_acr.iter().any(|x| x == a));
    Ok(VerifiedLogin {
        account_key,
        acr,
        two_factors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::core::{CoreJsonWebKey, CoreRsaPrivateSigningKey};
    use openidconnect::{
        Audience, AuthenticationContextClass, IdTokenClaims, JsonWebKeyId, PrivateSigningKey,
        StandardClaims, SubjectIdentifier,
    };

    const KEY: &str = include_str!("../testdata/idp-key.pem");
    const OTHER_KEY: &str = include_str!("../testdata/other-key.pem");
    const ISSUER: &str = "https://idp.example.se:443/oidc";
    const CLIENT: &str = "vaka-test";
    const NONCE: &str = "n-0123456789";
    const LOA3: &str = "http://id.sambi.se/loa/loa3";
    const LOA2: &str = "http://id.sambi.se/loa/loa2";

    fn signer(pem: &str) -> CoreRsaPrivateSigningKey {
        CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new("k1".into()))).unwrap()
    }

    fn keys() -> CoreJsonWebKeySet {
        let k: CoreJsonWebKey = signer(KEY).as_verification_key();
        CoreJsonWebKeySet::new(vec![k])
    }

    fn now() -> jiff::Timestamp {
        "2026-12-05T08:00:00Z".parse().unwrap()
    }

    struct Claims {
        iss: &'static str,
        aud: Vec<&'static str>,
        iat_offset: i64,
        exp_offset: i64,
        nonce: Option<&'static str>,
        acr: Option<&'static str>,
        hsa: Option<&'static str>,
        /// Seconds from now, when the token has an `auth_time`.
        auth_time_offset: Option<i64>,
    }

    impl Default for Claims {
        fn default() -> Self {
            Self {
                iss: ISSUER,
                aud: vec![CLIENT],
                iat_offset: -5,
                exp_offset: 300,
                nonce: Some(NONCE),
                acr: Some(LOA3),
                hsa: Some("SE2321000016-1234"),
                auth_time_offset: None,
            }
        }
    }

    fn token_with(c: &Claims, pem: &str) -> String {
        let at = |off: i64| chrono_of(now()) + chrono::Duration::seconds(off);
        let mut other = OtherClaims::default();
        if let Some(h) = c.hsa {
            other
                .claims
                .insert("employeeHsaId".into(), serde_json::json!(h));
        }
        let claims = IdTokenClaims::new(
            IssuerUrl::new(c.iss.into()).unwrap(),
            c.aud.iter().map(|a| Audience::new((*a).into())).collect(),
            at(c.exp_offset),
            at(c.iat_offset),
            StandardClaims::new(SubjectIdentifier::new("transient-1".into())),
            other,
        )
        .set_nonce(c.nonce.map(|n| Nonce::new(n.into())))
        .set_auth_context_ref(c.acr.map(|a| AuthenticationContextClass::new(a.into())))
        .set_auth_time(c.auth_time_offset.map(at));
        VakaIdToken::new(
            claims,
            &signer(pem),
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            None,
            None,
        )
        .unwrap()
        .to_string()
    }

    fn token(c: &Claims) -> String {
        token_with(c, KEY)
    }

    fn check(raw: &str) -> Result<VerifiedLogin, TokenRefusal> {
        check_after(raw, None)
    }

    fn check_after(
        raw: &str,
        after: Option<jiff::Timestamp>,
    ) -> Result<VerifiedLogin, TokenRefusal> {
        let acr = vec![LOA3.to_owned()];
        verify_id_token(
            raw,
            &keys(),
            &Expected {
                issuer: ISSUER,
                client_id: CLIENT,
                nonce: NONCE,
                now: now(),
                account_claim: "employeeHsaId",
                two_factor_acr: &acr,
                authenticated_after: after,
            },
        )
    }

    #[test]
    fn a_step_up_needs_an_auth_time_after_it_began() {
        // The step-up began 30 s ago.
        let began = Some(now() - jiff::SignedDuration::from_secs(30));
        let at = |off: i64| {
            token(&Claims {
                auth_time_offset: Some(off),
                ..Claims::default()
            })
        };
        assert!(check_after(&at(-10), began).is_ok());
        // Within the clock allowance of the start.
        assert!(check_after(&at(-80), began).is_ok());
        // The person's earlier authentication, reused by the provider's session: refused.
        assert_eq!(check_after(&at(-600), began), Err(TokenRefusal::NotFresh));
        // No auth_time at all: refused for a step-up, fine for a login.
        let none = token(&Claims::default());
        assert_eq!(check_after(&none, began), Err(TokenRefusal::NotFresh));
        assert!(check(&none).is_ok());
        // An auth_time in the future beyond the allowance is not believed.
        assert_eq!(check_after(&at(600), began), Err(TokenRefusal::NotFresh));
    }

    #[test]
    fn a_good_token_gives_the_hsa_id_and_two_factors_at_loa3() {
        let v = check(&token(&Claims::default())).unwrap();
        assert_eq!(v.account_key, "SE2321000016-1234");
        assert_eq!(v.acr.as_deref(), Some(LOA3));
        assert!(v.two_factors);
    }

    #[test]
    fn an_acr_below_the_level_or_near_it_is_one_factor() {
        for acr in [
            Some(LOA2),
            None,
            Some("loa3"),
            Some("http://id.sambi.se/loa/loa3/"),
        ] {
            let v = check(&token(&Claims {
                acr,
                ..Claims::default()
            }))
            .unwrap();
            assert!(!v.two_factors, "{acr:?} counted as two factors");
        }
    }

    #[test]
    fn another_audience_is_refused() {
        let bad = token(&Claims {
            aud: vec!["someone-else"],
            ..Claims::default()
        });
        assert_eq!(check(&bad), Err(TokenRefusal::Audience));
        // Ours among others not trusted: refused too.
        let shared = token(&Claims {
            aud: vec![CLIENT, "someone-else"],
            ..Claims::default()
        });
        assert_eq!(check(&shared), Err(TokenRefusal::Audience));
    }

    #[test]
    fn another_issuer_is_refused_even_without_the_port() {
        let bad = token(&Claims {
            iss: "https://idp.example.se/oidc",
            ..Claims::default()
        });
        assert_eq!(check(&bad), Err(TokenRefusal::Issuer));
    }

    #[test]
    fn an_expired_token_is_refused_past_the_allowance_only() {
        let skew = i64::try_from(CLOCK_SKEW.as_secs()).unwrap();
        let just = token(&Claims {
            iat_offset: -600,
            exp_offset: -(skew - 5),
            ..Claims::default()
        });
        assert!(check(&just).is_ok(), "within the clock skew");
        let late = token(&Claims {
            iat_offset: -600,
            exp_offset: -(skew + 5),
            ..Claims::default()
        });
        assert_eq!(check(&late), Err(TokenRefusal::Expired));
    }

    #[test]
    fn a_token_from_the_future_is_refused_past_the_allowance_only() {
        let skew = i64::try_from(CLOCK_SKEW.as_secs()).unwrap();
        let near = token(&Claims {
            iat_offset: skew - 5,
            ..Claims::default()
        });
        assert!(check(&near).is_ok(), "within the clock skew");
        let far = token(&Claims {
            iat_offset: skew + 30,
            exp_offset: skew + 600,
            ..Claims::default()
        });
        assert_eq!(check(&far), Err(TokenRefusal::IssuedInFuture));
    }

    #[test]
    fn a_wrong_or_missing_nonce_is_refused() {
        for nonce in [Some("another-login"), None] {
            let bad = token(&Claims {
                nonce,
                ..Claims::default()
            });
            assert_eq!(check(&bad), Err(TokenRefusal::Nonce), "{nonce:?}");
        }
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let good = token(&Claims::default());
        let parts: Vec<&str> = good.split('.').collect();
        // The payload of another user's token under this token's signature.
        let other = token(&Claims {
            hsa: Some("SE2321000016-9999"),
            ..Claims::default()
        });
        let other_payload = other.split('.').nth(1).unwrap();
        let swapped = format!("{}.{}.{}", parts[0], other_payload, parts[2]);
        assert_eq!(check(&swapped), Err(TokenRefusal::Signature));
        // Signed by a key the provider does not publish (same key id).
        let foreign = token_with(&Claims::default(), OTHER_KEY);
        assert_eq!(check(&foreign), Err(TokenRefusal::Signature));
        // An unsigned token (`alg: none`).
        let unsigned = format!("{}.{}.", b64(r#"{"alg":"none"}"#), parts[1]);
        assert!(check(&unsigned).is_err());
        // An HMAC token keyed by an empty secret.
        let hs = format!("{}.{}.{}", b64(r#"{"alg":"HS256"}"#), parts[1], parts[2]);
        assert!(check(&hs).is_err());
        assert_eq!(check("not a token"), Err(TokenRefusal::Malformed));
    }

    #[test]
    fn a_token_without_the_account_claim_is_refused_and_sub_is_never_used() {
        let bad = token(&Claims {
            hsa: None,
            ..Claims::default()
        });
        assert_eq!(check(&bad), Err(TokenRefusal::NoAccountClaim));
    }

    fn b64(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }
}
