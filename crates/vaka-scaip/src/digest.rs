//! SIP digest authentication (RFC 3261 §22.4 on RFC 2617, SHA-256 from RFC 7616): the
//! `WWW-Authenticate` challenge we send, the `Authorization` a device answers with, and its
//! check against the device's password (or a stored HA1). `qop=auth` or no qop; `auth-int`
//! and the `-sess` algorithms are refused.
//!
//! What stays with the receiver: issuing nonces (random, bound to a time so old ones are
//! answered with `stale=true`), checking that `realm` is ours, that `nonce` is one we issued
//! and still fresh, that `nc` grows per nonce (replay), and that `uri` is the Request-URI.

use std::fmt::Write as _;

use md5::{Digest as _, Md5};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The hash of a challenge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// `MD5`, the default when `algorithm` is absent (RFC 2617); what SIP devices speak.
    #[default]
    Md5,
    /// `SHA-256` (RFC 7616).
    Sha256,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    fn parse(s: &str) -> Result<Self, DigestError> {
        if s.eq_ignore_ascii_case("MD5") {
            Ok(Algorithm::Md5)
        } else if s.eq_ignore_ascii_case("SHA-256") {
            Ok(Algorithm::Sha256)
        } else {
            Err(DigestError::UnsupportedAlgorithm)
        }
    }

    /// Lower-case hex of the hash of `data`.
    fn hex(self, data: &str) -> String {
        match self {
            Algorithm::Md5 => hex::encode(Md5::digest(data.as_bytes())),
            Algorithm::Sha256 => hex::encode(Sha256::digest(data.as_bytes())),
        }
    }
}

/// Why an `Authorization` header is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("not a Digest authorization")]
    NotDigest,
    #[error("malformed Digest parameters")]
    Malformed,
    #[error("the Digest parameter {0} is missing")]
    Missing(&'static str),
    #[error("unsupported Digest algorithm")]
    UnsupportedAlgorithm,
    #[error("unsupported qop (only auth)")]
    UnsupportedQop,
}

/// A `WWW-Authenticate` (or `Proxy-Authenticate`) challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub realm: String,
    /// Fresh and unguessable, from the receiver.
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: Algorithm,
    /// Offer `qop="auth"` (cnonce and nonce count; RFC 2617). Most devices support it.
    pub qop: bool,
    /// The nonce of the request was ours but too old: the device may retry at once.
    pub stale: bool,
}

impl Challenge {
    /// A challenge with the usual choices: MD5, `qop="auth"`, no opaque.
    pub fn md5(realm: &str, nonce: &str) -> Self {
        Self {
            realm: realm.to_owned(),
            nonce: nonce.to_owned(),
            opaque: None,
            algorithm: Algorithm::Md5,
            qop: true,
            stale: false,
        }
    }

    /// The header value: `Digest realm="…", nonce="…", algorithm=MD5, qop="auth"`.
    pub fn to_header_value(&self) -> String {
        let mut s = format!(
            "Digest realm={}, nonce={}",
            quote(&self.realm),
            quote(&self.nonce)
        );
        if let Some(opaque) = &self.opaque {
            let _ = write!(s, ", opaque={}", quote(opaque));
        }
        let _ = write!(s, ", algorithm={}", self.algorithm.as_str());
        if self.qop {
            s.push_str(", qop=\"auth\"");
        }
        if self.stale {
            s.push_str(", stale=true");
        }
        s
    }

    /// Parses a challenge (what a device or a test client reads from a 401).
    pub fn parse(value: &str) -> Result<Self, DigestError> {
        let params = parse_params(value)?;
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let qop = match get("qop") {
            None => false,
            Some(q) if q.split(',').any(|t| t.trim().eq_ignore_ascii_case("auth")) => true,
            Some(_) => return Err(DigestError::UnsupportedQop),
        };
        Ok(Self {
            realm: get("realm").ok_or(DigestError::Missing("realm"))?,
            nonce: get("nonce").ok_or(DigestError::Missing("nonce"))?,
            opaque: get("opaque"),
            algorithm: get("algorithm").map_or(Ok(Algorithm::Md5), |a| Algorithm::parse(&a))?,
            qop,
            stale: get("stale").is_some_and(|s| s.eq_ignore_ascii_case("true")),
        })
    }
}

/// The credentials of an `Authorization` (or `Proxy-Authorization`) header.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub realm: String,
    pub nonce: String,
    pub uri: String,
    /// Lower-case hex, as sent.
    pub response: String,
    pub algorithm: Algorithm,
    pub opaque: Option<String>,
    /// With `qop=auth`: the client nonce and the nonce count (8 hex digits).
    pub qop_auth: Option<QopAuth>,
}

/// The `cnonce` and `nc` that come with `qop=auth`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QopAuth {
    pub cnonce: String,
    /// `nc` as a number, for the receiver's replay check.
    pub nc: u32,
}

impl std::fmt::Debug for Credentials {
    // The response is a password-equivalent for this nonce: not in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("realm", &self.realm)
            .field("nonce", &self.nonce)
            .field("uri", &self.uri)
            .field("response", &"<redacted>")
            .field("algorithm", &self.algorithm)
            .field("qop_auth", &self.qop_auth)
            .finish_non_exhaustive()
    }
}

/// `HA1 = H(username:realm:password)`, what a receiver may store instead of the password.
pub fn ha1(algorithm: Algorithm, username: &str, realm: &str, password: &str) -> String {
    algorithm.hex(&format!("{username}:{realm}:{password}"))
}

impl Credentials {
    /// Parses the value of an `Authorization` header.
    pub fn parse(value: &str) -> Result<Self, DigestError> {
        let params = parse_params(value)?;
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let need = |k: &'static str| get(k).ok_or(DigestError::Missing(k));
        let qop_auth = match get("qop") {
            None => None,
            Some(q) if q.eq_ignore_ascii_case("auth") => {
                let nc = need("nc")?;
                if nc.len() != 8 {
                    return Err(DigestError::Malformed);
                }
                Some(QopAuth {
                    cnonce: need("cnonce")?,
                    nc: u32::from_str_radix(&nc, 16).map_err(|_| DigestError::Malformed)?,
                })
            }
            Some(_) => return Err(DigestError::UnsupportedQop),
        };
        let response = need("response")?.to_ascii_lowercase();
        if response.is_empty() || !response.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(DigestError::Malformed);
        }
        Ok(Self {
            username: need("username")?,
            realm: need("realm")?,
            nonce: need("nonce")?,
            uri: need("uri")?,
            response,
            algorithm: get("algorithm").map_or(Ok(Algorithm::Md5), |a| Algorithm::parse(&a))?,
            opaque: get("opaque"),
            qop_auth,
        })
    }

    /// Answers a challenge, as a device does (for simulators and tests).
    pub fn respond(
        challenge: &Challenge,
        username: &str,
        password: &str,
        method: &str,
        uri: &str,
        cnonce: &str,
        nc: u32,
    ) -> Self {
        let mut c = Self {
            username: username.to_owned(),
            realm: challenge.realm.clone(),
            nonce: challenge.nonce.clone(),
            uri: uri.to_owned(),
            response: String::new(),
            algorithm: challenge.algorithm,
            opaque: challenge.opaque.clone(),
            qop_auth: challenge.qop.then(|| QopAuth {
                cnonce: cnonce.to_owned(),
                nc,
            }),
        };
        c.response = c.expected(
            method,
            &ha1(challenge.algorithm, username, &challenge.realm, password),
        );
        c
    }

    /// The header value, with the parameters in the usual order.
    pub fn to_header_value(&self) -> String {
        let mut s = format!(
            "Digest username={}, realm={}, nonce={}, uri={}, response={}, algorithm={}",
            quote(&self.username),
            quote(&self.realm),
            quote(&self.nonce),
            quote(&self.uri),
            quote(&self.response),
            self.algorithm.as_str()
        );
        if let Some(q) = &self.qop_auth {
            let _ = write!(
                s,
                ", qop=auth, nc={:08x}, cnonce={}",
                q.nc,
                quote(&q.cnonce)
            );
        }
        if let Some(opaque) = &self.opaque {
            let _ = write!(s, ", opaque={}", quote(opaque));
        }
        s
    }

    /// Whether `response` is right for this request method and the device's password.
    /// Compared in constant time. Realm, nonce, nc and uri are the receiver's to check.
    pub fn verify(&self, method: &str, password: &str) -> bool {
        self.verify_ha1(
            method,
            &ha1(self.algorithm, &self.username, &self.realm, password),
        )
    }

    /// As [`Credentials::verify`], with the stored `HA1` (see [`ha1`]) instead of a password.
    pub fn verify_ha1(&self, method: &str, ha1_hex: &str) -> bool {
        let expected = self.expected(method, &ha1_hex.to_ascii_lowercase());
        expected.as_bytes().ct_eq(self.response.as_bytes()).into()
    }

    fn expected(&self, method: &str, ha1_hex: &str) -> String {
        let ha2 = self.algorithm.hex(&format!("{method}:{}", self.uri));
        let data = match &self.qop_auth {
            Some(q) => format!(
                "{ha1_hex}:{}:{:08x}:{}:auth:{ha2}",
                self.nonce, q.nc, q.cnonce
            ),
            None => format!("{ha1_hex}:{}:{ha2}", self.nonce),
        };
        self.algorithm.hex(&data)
    }
}

/// A quoted-string, with `"` and `\` escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars().filter(|c| *c != '\r' && *c != '\n') {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `Digest a=b, c="d, e"` → `[("a", "b"), ("c", "d, e")]`; names lower-cased.
fn parse_params(value: &str) -> Result<Vec<(String, String)>, DigestError> {
    const MAX_PARAMS: usize = 32;
    let value = value.trim_start();
    let scheme_end = value.find([' ', '\t']).unwrap_or(value.len());
    if !value[..scheme_end].eq_ignore_ascii_case("digest") {
        return Err(DigestError::NotDigest);
    }
    let mut chars = value[scheme_end..].chars().peekable();
    let mut params = Vec::new();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c.is_whitespace() {
                break;
            }
            name.push(c);
            chars.next();
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.next() != Some('=') || name.is_empty() {
            return Err(DigestError::Malformed);
        }
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let mut v = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err(DigestError::Malformed),
                    Some('"') => break,
                    Some('\\') => v.push(chars.next().ok_or(DigestError::Malformed)?),
                    Some(c) => v.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                v.push(c);
                chars.next();
            }
        }
        let name = name.to_ascii_lowercase();
        if params.iter().any(|(n, _)| *n == name) || params.len() >= MAX_PARAMS {
            return Err(DigestError::Malformed);
        }
        params.push((name, v));
    }
    Ok(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 2617 §3.5's example (HTTP, qop=auth, MD5).
    #[test]
    fn rfc2617_example() {
        let header = r#"Digest username="Mufasa",
                 realm="testrealm@host.com",
                 nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
                 uri="/dir/index.html",
                 qop=auth,
                 nc=00000001,
                 cnonce="0a4f113b",
                 response="6629fae49393a05397450978507c4ef1",
                 opaque="5ccc069c403ebaf9f0171e9517f40e41""#;
        let c = Credentials::parse(header).unwrap();
        assert_eq!(c.username, "Mufasa");
        assert_eq!(c.qop_auth.as_ref().unwrap().nc, 1);
        assert!(c.verify("GET", "Circle Of Life"));
        assert!(!c.verify("GET", "circle of life"));
        assert!(!c.verify("POST", "Circle Of Life"));
        let h = ha1(
            Algorithm::Md5,
            "Mufasa",
            "testrealm@host.com",
            "Circle Of Life",
        );
        assert!(c.verify_ha1("GET", &h));
        assert!(c.verify_ha1("GET", &h.to_ascii_uppercase()));
    }

    /// RFC 7616 §3.9.1's example, SHA-256.
    #[test]
    fn rfc7616_sha256_example() {
        let header = r#"Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#;
        let c = Credentials::parse(header).unwrap();
        assert_eq!(c.algorithm, Algorithm::Sha256);
        assert!(c.verify("GET", "Circle of Life"));
        assert!(!c.verify("GET", "Circle Of Life"));
    }

    #[test]
    fn challenge_and_answer_round_trip_with_and_without_qop() {
        for qop in [true, false] {
            let mut ch = Challenge::md5("vaka", "n0nce\"x");
            ch.qop = qop;
            ch.opaque = Some("op".into());
            let parsed = Challenge::parse(&ch.to_header_value()).unwrap();
            assert_eq!(parsed, ch);
            let c = Credentials::respond(
                &parsed,
                "26317",
                "s3cret",
                "MESSAGE",
                "sip:alarm@arc",
                "cn",
                3,
            );
            let back = Credentials::parse(&c.to_header_value()).unwrap();
            assert_eq!(back, c);
            assert!(back.verify("MESSAGE", "s3cret"));
            assert!(!back.verify("MESSAGE", "wrong"));
        }
    }

    #[test]
    fn bad_headers_are_refused() {
        assert_eq!(
            Credentials::parse("Basic YWxhZGRpbjpvcGVuc2VzYW1l"),
            Err(DigestError::NotDigest)
        );
        assert_eq!(Credentials::parse(""), Err(DigestError::NotDigest));
        assert_eq!(
            Credentials::parse(r#"Digest username="a", realm="r""#),
            Err(DigestError::Missing("response"))
        );
        assert_eq!(
            Credentials::parse(r#"Digest username="a, realm="r""#),
            Err(DigestError::Malformed)
        );
        let base = r#"Digest username="a", realm="r", nonce="n", uri="sip:x", response="00""#;
        assert!(Credentials::parse(base).is_ok());
        assert_eq!(
            Credentials::parse(&format!("{base}, algorithm=MD5-sess")),
            Err(DigestError::UnsupportedAlgorithm)
        );
        assert_eq!(
            Credentials::parse(&format!("{base}, qop=auth-int")),
            Err(DigestError::UnsupportedQop)
        );
        assert_eq!(
            Credentials::parse(&format!("{base}, qop=auth, nc=1, cnonce=\"c\"")),
            Err(DigestError::Malformed)
        );
        assert_eq!(
            Credentials::parse(&format!("{base}, realm=\"again\"")),
            Err(DigestError::Malformed)
        );
        assert_eq!(
            Credentials::parse(
                r#"Digest username="a", realm="r", nonce="n", uri="sip:x", response="zz""#
            ),
            Err(DigestError::Malformed)
        );
    }

    #[test]
    fn debug_hides_the_response() {
        let c = Credentials::respond(
            &Challenge::md5("r", "n"),
            "u",
            "p",
            "MESSAGE",
            "sip:x",
            "c",
            1,
        );
        assert!(!format!("{c:?}").contains(&c.response));
    }
}
