//! Parse-don't-validate newtypes for account and directory input. A value of one of these types
//! has passed its rule; code that holds one never re-checks it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::reason::InputReason;
use crate::{DomainError, DomainResult};

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// A login name: 2–64 characters of `a-z 0-9 . _ -`, starting with a letter. Stored lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let s = raw.trim().to_lowercase();
        let len = s.chars().count();
        if !(2..=64).contains(&len) {
            return Err(DomainError::invalid(
                "username",
                InputReason::LengthBetween { min: 2, max: 64 },
            ));
        }
        if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(DomainError::invalid("username", InputReason::UsernameStart));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(DomainError::invalid(
                "username",
                InputReason::UsernameCharacters,
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, checked for shape only (one `@`, a dotted domain, no spaces, ≤ 254 chars).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let s = raw.trim();
        let bad = |reason: InputReason| Err(DomainError::invalid("email", reason));
        if s.is_empty() {
            return bad(InputReason::Required);
        }
        if s.len() > 254 {
            return bad(InputReason::LongerThan { max: 254 });
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad(InputReason::NoSpaces);
        }
        let Some((local, domain)) = s.split_once('@') else {
            return bad(InputReason::EmailNoAt);
        };
        if local.is_empty() || local.len() > 64 {
            return bad(InputReason::EmailLocalPart);
        }
        if domain.contains('@') {
            return bad(InputReason::EmailOneAt);
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2
            || labels.iter().any(|l| {
                l.is_empty()
                    || l.len() > 63
                    || l.starts_with('-')
                    || l.ends_with('-')
                    || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return bad(InputReason::EmailDomain);
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A human-readable name (of a person, organisation or unit): trimmed, 1–`max` characters, no
/// control characters.
pub fn parse_name(field: &'static str, raw: &str, max: usize) -> DomainResult<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(DomainError::invalid(field, InputReason::Required));
    }
    if s.chars().count() > max {
        return Err(DomainError::invalid(field, InputReason::TooLong { max }));
    }
    if has_control(s) {
        return Err(DomainError::invalid(field, InputReason::ControlCharacters));
    }
    Ok(s.to_string())
}

/// An HSA-id (the Swedish health and social care directory id): `SE`, the organisation
/// number of the issuing organisation (10 digits), `-`, then 1–31 letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HsaId(String);

impl HsaId {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let s = raw.trim().to_uppercase();
        let err = || DomainError::invalid("hsa_id", InputReason::HsaIdShape);
        let rest = s.strip_prefix("SE").ok_or_else(err)?;
        let (org, suffix) = rest.split_once('-').ok_or_else(err)?;
        if org.len() != 10 || !org.chars().all(|c| c.is_ascii_digit()) {
            return Err(err());
        }
        if suffix.is_empty()
            || suffix.len() > 31
            || !suffix.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(err());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HsaId {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}

impl From<HsaId> for String {
    fn from(h: HsaId) -> String {
        h.0
    }
}

/// The Luhn (mod-10, weights 2,1 from the left over an even-length tail) check digit used by
/// Swedish personnummer and organisationsnummer, computed over the digits given.
pub fn luhn_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let p = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            p / 10 + p % 10
        })
        .sum();
    // sum % 10 < 10, so the cast cannot truncate.
    ((10 - sum % 10) % 10) as u8
}

/// A Swedish organisationsnummer, `NNNNNN-NNNN`, with a valid check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let digits: Vec<u8> = raw
            .trim()
            .chars()
            .filter(|c| *c != '-')
            .map(|c| c.to_digit(10).and_then(|d| u8::try_from(d).ok()))
            .collect::<Option<_>>()
            .ok_or_else(|| DomainError::invalid("org_number", InputReason::DigitsAndDashOnly))?;
        let [head @ .., check] = digits.as_slice() else {
            return Err(DomainError::invalid("org_number", InputReason::Required));
        };
        if digits.len() != 10 {
            return Err(DomainError::invalid(
                "org_number",
                InputReason::OrgNumberLength,
            ));
        }
        if luhn_check_digit(head) != *check {
            return Err(DomainError::invalid("org_number", InputReason::CheckDigit));
        }
        let s: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
        Ok(Self(format!("{}-{}", &s[..6], &s[6..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OrgNumber {
    type Error = DomainError;
    fn try_from(s: String) -> DomainResult<Self> {
        Self::parse(&s)
    }
}

impl From<OrgNumber> for String {
    fn from(o: OrgNumber) -> String {
        o.0
    }
}

/// The least zxcvbn score a password needs (0–4): 3 is "safely unguessable" under an
/// online or a throttled offline attack (about 10^8 guesses or more).
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Words that make a password easy to guess here whoever sets it: the product, the trade and
/// Swedish words common in passwords. zxcvbn's own lists (common passwords, English words,
/// names) know none of them; they are weighed as the user's own words are.
const SITE_WORDS: &[&str] = &[
    "vaka",
    "vakan",
    "losenord",
    "lösenord",
    "hemtjanst",
    "hemtjänst",
    "tillsyn",
    "nattillsyn",
    "trygghetslarm",
    "omsorg",
    "kommun",
    "kommunen",
    "sverige",
    "svensson",
    "andersson",
    "johansson",
    "stockholm",
    "goteborg",
    "göteborg",
    "malmo",
    "malmö",
    "valkommen",
    "välkommen",
    "hejsan",
    "sommar",
    "vinter",
    "januari",
    "februari",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
    "mandag",
    "måndag",
    "fredag",
    "hemlig",
    "hemligt",
    "kanelbulle",
];

/// The password rule: 12–256 characters, not containing the username, and hard to guess: a
/// zxcvbn score of at least [`MIN_PASSWORD_SCORE`] (so neither a common password nor a
/// keyboard run, a sequence, a repetition or a date), weighed against the account's own words
/// (`user_inputs`: its name, e-mail address) and the words of the site. Length beats
/// composition rules (NIST SP 800-63B §5.1.1.2: no composition rules, but refuse passwords
/// from lists of common or compromised ones); a second factor is required on top for everyone
/// who sees client data.
pub fn check_password_policy(
    password: &str,
    username: &str,
    user_inputs: &[&str],
) -> DomainResult<()> {
    let len = password.chars().count();
    if len < 12 {
        return Err(DomainError::invalid(
            "password",
            InputReason::TooShort { min: 12 },
        ));
    }
    if len > 256 {
        return Err(DomainError::invalid(
            "password",
            InputReason::TooLong { max: 256 },
        ));
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return Err(DomainError::invalid(
            "password",
            InputReason::PasswordContainsUsername,
        ));
    }
    if password.chars().all(|c| password.starts_with(c)) {
        return Err(DomainError::invalid(
            "password",
            InputReason::PasswordOneCharacter,
        ));
    }
    if password_score(password, username, user_inputs) < MIN_PASSWORD_SCORE {
        return Err(DomainError::invalid(
            "password",
            InputReason::PasswordTooGuessable,
        ));
    }
    Ok(())
}

/// The zxcvbn score (0–4) of a password, the account's words and the site's weighed as a
/// dictionary of their own. A name is also given word by word ("Anna Svensson" → "anna",
/// "svensson", "annasvensson"), an e-mail address by its parts.
pub fn password_score(password: &str, username: &str, user_inputs: &[&str]) -> u8 {
    let mut words: Vec<String> = Vec::new();
    for input in std::iter::once(&username).chain(user_inputs) {
        let lower = input.trim().to_lowercase();
        if lower.is_empty() {
            continue;
        }
        words.extend(
            lower
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| w.chars().count() >= 3)
                .map(str::to_owned),
        );
        words.push(lower.chars().filter(|c| c.is_alphanumeric()).collect());
        words.push(lower);
    }
    let mut all: Vec<&str> = words.iter().map(String::as_str).collect();
    all.extend_from_slice(SITE_WORDS);
    u8::from(zxcvbn::zxcvbn(password, &all).score())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames() {
        assert_eq!(
            Username::parse(" Anna.Svensson ").unwrap().as_str(),
            "anna.svensson"
        );
        for bad in [
            "",
            "a",
            "1abc",
            "anna svensson",
            "anna@x",
            "åsa",
            &"a".repeat(65),
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn emails() {
        assert!(Email::parse("anna.svensson@demo.kommun.se").is_ok());
        for bad in [
            "",
            "anna",
            "anna@",
            "@kommun.se",
            "anna@kommun",
            "anna@@kommun.se",
            "an na@kommun.se",
            "anna@-kommun.se",
            "anna@kommun..se",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert!(matches!(err, DomainError::Invalid { ref field, .. } if field == "email"));
        }
    }

    #[test]
    fn hsa_ids() {
        assert_eq!(
            HsaId::parse("se2321000016-15g7").unwrap().as_str(),
            "SE2321000016-15G7"
        );
        for bad in [
            "",
            "SE232100001-1",
            "SE2321000016-",
            "SE2321000016",
            "XX2321000016-1",
        ] {
            assert!(HsaId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn org_numbers() {
        // Stockholms stad and a made-up number with a valid check digit.
        assert_eq!(
            OrgNumber::parse("212000-0142").unwrap().as_str(),
            "212000-0142"
        );
        assert_eq!(
            OrgNumber::parse("2120000142").unwrap().as_str(),
            "212000-0142"
        );
        assert!(OrgNumber::parse("212000-0143").is_err());
        assert!(OrgNumber::parse("212000-014").is_err());
        assert!(OrgNumber::parse("21200x-0142").is_err());
    }

    #[test]
    fn luhn_known_values() {
        // 811218-9876 is the classic example personnummer.
        assert_eq!(luhn_check_digit(&[8, 1, 1, 2, 1, 8, 9, 8, 7]), 6);
    }

    #[test]
    fn password_policy() {
        assert!(check_password_policy("correct horse battery", "anna", &[]).is_ok());
        assert!(check_password_policy("short", "anna", &[]).is_err());
        assert!(check_password_policy("anna-is-my-password", "anna", &[]).is_err());
        assert!(check_password_policy("aaaaaaaaaaaaaaaa", "x", &[]).is_err());
    }

    /// Passwords of twelve characters or more that any list of common passwords or any
    /// cracking rule tries early: all refused as too easy to guess.
    #[test]
    fn guessable_passwords_are_refused() {
        let guessable = |p: &str, username: &str, inputs: &[&str]| {
            assert_eq!(
                check_password_policy(p, username, inputs),
                Err(DomainError::invalid(
                    "password",
                    InputReason::PasswordTooGuessable
                )),
                "{p:?} is accepted"
            );
        };
        for p in [
            "123456789012",
            "passwordpassword",
            "password1234",
            "qwertyuiopasdf",
            "1q2w3e4r5t6y7u",
            "abcdefghijklmnop",
            "iloveyou1234",
            "123123123123",
            "abcabcabcabc",
            "qwerty123456",
            "Password123!",
            "letmein12345",
            "19801980198019",
            "sommarsommar",
            "Välkommen2026",
            "losenord12345",
            "Vaka12345678",
            "hemtjanst2024",
        ] {
            guessable(p, "x", &[]);
        }
        // The account's own words count as guessable too: its name, its e-mail address.
        let anna = ["Anna Svensson", "anna.svensson@kommun.se"];
        guessable("SvenssonAnna1985", "as1", &anna);
        guessable("annasvensson1985", "as1", &anna);
    }

    #[test]
    fn strong_passwords_pass() {
        for p in [
            "correct horse battery staple",
            "Blåbärssylt på fredag kväll",
            "tre gröna ekorrar dansar",
            "Kx7#pQ2m!vR9zL",
            "Hk3w-Tq9z-Mr4p-Xe7b",
        ] {
            assert_eq!(
                check_password_policy(p, "anna", &["Anna Svensson"]),
                Ok(()),
                "{p:?}"
            );
        }
        assert!(password_score("correct horse battery staple", "anna", &[]) >= MIN_PASSWORD_SCORE);
    }

    #[test]
    fn refusals_are_typed_reasons() {
        let reason = |r: DomainResult<()>| match r.unwrap_err() {
            DomainError::Invalid { reason, .. } => reason,
            e => panic!("{e}"),
        };
        assert_eq!(
            reason(Username::parse("a").map(drop)),
            InputReason::LengthBetween { min: 2, max: 64 }.into()
        );
        assert_eq!(
            reason(Email::parse("anna@kommun").map(drop)),
            InputReason::EmailDomain.into()
        );
        assert_eq!(
            reason(parse_name("name", &"x".repeat(101), 100).map(drop)),
            InputReason::TooLong { max: 100 }.into()
        );
        assert_eq!(
            reason(OrgNumber::parse("212000-0143").map(drop)),
            InputReason::CheckDigit.into()
        );
        assert_eq!(
            reason(check_password_policy("short", "anna", &[])),
            InputReason::TooShort { min: 12 }.into()
        );
        assert_eq!(
            reason(check_password_policy("123456789012", "anna", &[])),
            InputReason::PasswordTooGuessable.into()
        );
        assert_eq!(
            reason(check_password_policy("anna-is-my-password", "anna", &[])),
            InputReason::PasswordContainsUsername.into()
        );
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".*") {
            let _ = Username::parse(&s);
            let _ = Email::parse(&s);
            let _ = HsaId::parse(&s);
            let _ = OrgNumber::parse(&s);
            let _ = parse_name("name", &s, 100);
            let _ = check_password_policy(&s, "anna", &["Anna Svensson"]);
        }

        #[test]
        fn every_valid_username_roundtrips(s in "[a-z][a-z0-9._-]{1,40}") {
            let u = Username::parse(&s).unwrap();
            prop_assert_eq!(Username::parse(u.as_str()).unwrap(), u);
        }
    }
}
