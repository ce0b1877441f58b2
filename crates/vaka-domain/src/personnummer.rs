//! Swedish official identity numbers: [`Personnummer`], [`Samordningsnummer`] and the regional
//! [`ReserveId`], plus [`ClientIdentity`], which holds exactly one of them (REG-40..REG-44).
//!
//! Parse, don't validate: a value of these types can only be built by a parser that has checked
//! every rule, so holding one is proof that the number is well formed.
//!
//! # Format
//!
//! A number is stored as 12 digits, `YYYYMMDDNNNC`: the century and year, month, day, a 3-digit
//! birth number `NNN` (001..=999) and a check digit `C`. A samordningsnummer (coordination
//! number) has the same format with the day plus 60 (61..=91).
//!
//! The check digit is the Luhn (mod-10) digit over the nine digits `YYMMDDNNN` (the day written
//! as it appears, so a samordningsnummer has its *own* check digit): multiply by the weights
//! 2,1,2,1,2,1,2,1,2, add the digit sums of the products, and take `(10 - sum % 10) % 10`.
//!
//! # Accepted input forms
//!
//! Surrounding whitespace is ignored. Inside, only ASCII digits and at most one separator are
//! allowed, and the separator must stand right before the last four digits:
//!
//! | Form            | Example         | Century                          |
//! |-----------------|-----------------|----------------------------------|
//! | 12 digits       | `194512241235`  | written                          |
//! | 12 digits + `-` | `19451224-1235` | written                          |
//! | 10 digits + `-` | `451224-1235`   | inferred: under 100 (see below)  |
//! | 10 digits       | `4512241235`    | inferred exactly like `-`        |
//! | 10 digits + `+` | `451224+1235`   | inferred: 100 or older           |
//!
//! `+` is only valid in the 10-digit form. Years outside 1800..=2099 (centuries 18, 19, 20) are
//! rejected.
//!
//! # Century rule for the 10-digit forms
//!
//! The century is inferred relative to a reference date `R` ("today") passed in by the caller;
//! this module never reads the clock. Let `YY` be the two year digits and `MM-DD` the month and
//! day (for a samordningsnummer, the day minus 60).
//!
//! * `-` or no separator (the person is under 100): the birth year is the latest year `Y` with
//!   `Y % 100 == YY` such that `Y-MM-DD` is not after `R`. That is, `Y` is the latest year
//!   `<= R.year` ending in `YY`, minus 100 if `Y == R.year` and `MM-DD` falls after `R`'s month
//!   and day. The comparison is on (month, day); whether the date exists is checked afterwards.
//! * `+` (the person is 100 or older): the birth year is the latest year `Y` with
//!   `Y % 100 == YY` and `R.year - Y >= 100`. Only the calendar year counts, not the birthday,
//!   because the `+` is used from the start of the year in which the person turns 100.
//!
//! Consequently [`Personnummer::display_ten_digit`] writes `+` exactly when
//! `R.year - birth_year >= 100`, and both rules read that output back to the same number.
//!
//! # Privacy (REG-43)
//!
//! The date part is not always the exact birth date (Skatteverket assigns a nearby date when a
//! date has no free numbers left) and the birth number encodes legal sex. This module therefore
//! offers no `birth_date()`, `age()` or `sex()` accessors. `Debug` output masks the last four
//! digits (`19451224-****`) so that numbers do not leak into logs in full; `Display` and the
//! `as_str`/`display_*` methods give the full number on purpose.

#![forbid(unsafe_code)]

use std::fmt;

use jiff::civil::Date;
use serde::{Deserialize, Serialize, Serializer};
use strum::{EnumString, IntoStaticStr, VariantArray};
use thiserror::Error;

use crate::reason::{Reason, RegistryReason};

/// The earliest accepted birth year: the stored century is 18, 19 or 20 (REG-41).
const MIN_YEAR: i32 = 1800;
/// The latest accepted birth year.
const MAX_YEAR: i32 = 2099;
/// A samordningsnummer writes the day of the month plus this offset (REG-42).
const COORDINATION_DAY_OFFSET: u8 = 60;
/// The longest accepted [`ReserveId`], in characters.
pub const RESERVE_ID_MAX_LEN: usize = 20;

/// Why a personnummer, samordningsnummer or reserve id was rejected. Each variant names the
/// rule that failed. The `Display` text is for logs and tests; a person is shown
/// [`PersonnummerError::reason`], worded by the web in their language.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PersonnummerError {
    #[error("no number entered: enter YYYYMMDD-NNNN or YYMMDD-NNNN")]
    Empty,
    #[error("contains {found:?}: only digits and one '-' or '+' are allowed")]
    InvalidCharacter { found: char },
    #[error("has more than one '-' or '+': use one separator, right before the last four digits")]
    TooManySeparators,
    #[error("must have 10 or 12 digits, found {digits}")]
    WrongLength { digits: usize },
    #[error("the '-' or '+' must stand right before the last four digits")]
    MisplacedSeparator,
    #[error(
        "'+' (100 years or older) is only used with 10 digits: write YYMMDD+NNNN, \
         or YYYYMMDD-NNNN with the century"
    )]
    PlusWithCentury,
    #[error("year {year} is outside 1800-2099: check the century")]
    UnsupportedYear { year: i32 },
    #[error("no such date: {year:04}-{month:02}-{day:02}")]
    NoSuchDate { year: i32, month: u8, day: u8 },
    #[error(
        "no such date: {year:04}-{month:02}-{day:02} \
         (a samordningsnummer writes the day plus 60)"
    )]
    NoSuchCoordinationDate { year: i32, month: u8, day: u8 },
    #[error("the date {year:04}-{month:02}-{day:02} is in the future: check the year")]
    DateInFuture { year: i32, month: u8, day: u8 },
    #[error("birth number 000 is never issued: check the last four digits")]
    BirthNumberZero,
    #[error("check digit does not match: check every digit for typos")]
    CheckDigit,
    #[error("this is a samordningsnummer (day 61-91), but a personnummer is required here")]
    IsSamordningsnummer,
    #[error("this is a personnummer, but a samordningsnummer (day 61-91) is required here")]
    IsPersonnummer,
    #[error("a stored number must be exactly 12 digits (YYYYMMDDNNNN) without separator")]
    NotCanonical,
    #[error("reserve id is empty: enter 1 to 20 characters")]
    ReserveEmpty,
    #[error("reserve id has {chars} characters; at most 20 are allowed")]
    ReserveTooLong { chars: usize },
    #[error("reserve id contains {found:?}: only letters A-Z, digits 0-9 and '-' are allowed")]
    ReserveInvalidCharacter { found: char },
}

type Result<T> = std::result::Result<T, PersonnummerError>;

impl PersonnummerError {
    /// The reason to show a person: the `Display` text is for logs and tests, the words of a
    /// reason are the web's (the English the same as `Display`).
    pub fn reason(&self) -> RegistryReason {
        let date = |year: i32, month: u8, day: u8| format!("{year:04}-{month:02}-{day:02}");
        match *self {
            Self::Empty => RegistryReason::IdentityEmpty,
            Self::InvalidCharacter { found } => RegistryReason::IdentityInvalidCharacter {
                found: format!("{found:?}"),
            },
            Self::TooManySeparators => RegistryReason::IdentityTooManySeparators,
            Self::WrongLength { digits } => RegistryReason::IdentityWrongLength { digits },
            Self::MisplacedSeparator => RegistryReason::IdentityMisplacedSeparator,
            Self::PlusWithCentury => RegistryReason::IdentityPlusWithCentury,
            Self::UnsupportedYear { year } => RegistryReason::IdentityUnsupportedYear { year },
            Self::NoSuchDate { year, month, day } => RegistryReason::IdentityNoSuchDate {
                date: date(year, month, day),
            },
            Self::NoSuchCoordinationDate { year, month, day } => {
                RegistryReason::IdentityNoSuchCoordinationDate {
                    date: date(year, month, day),
                }
            }
            Self::DateInFuture { year, month, day } => RegistryReason::IdentityDateInFuture {
                date: date(year, month, day),
            },
            Self::BirthNumberZero => RegistryReason::IdentityBirthNumberZero,
            Self::CheckDigit => RegistryReason::IdentityCheckDigit,
            Self::IsSamordningsnummer => RegistryReason::IdentityIsSamordningsnummer,
            Self::IsPersonnummer => RegistryReason::IdentityIsPersonnummer,
            Self::NotCanonical => RegistryReason::IdentityNotCanonical,
            Self::ReserveEmpty => RegistryReason::ReserveIdEmpty,
            Self::ReserveTooLong { chars } => RegistryReason::ReserveIdTooLong { chars },
            Self::ReserveInvalidCharacter { found } => RegistryReason::ReserveIdInvalidCharacter {
                found: format!("{found:?}"),
            },
        }
    }
}

impl From<PersonnummerError> for Reason {
    fn from(e: PersonnummerError) -> Self {
        e.reason().into()
    }
}

// ---------------------------------------------------------------------------------------------
// Shared parsing core
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    None,
    Minus,
    Plus,
}

impl Separator {
    fn as_char(self) -> Option<char> {
        match self {
            Self::None => None,
            Self::Minus => Some('-'),
            Self::Plus => Some('+'),
        }
    }
}

/// A checked number of either kind. The date is the underlying calendar date (for a
/// samordningsnummer, the day minus 60); it is private and used only for formatting.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Number {
    /// `YYYYMMDDNNNC`, ASCII digits.
    canonical: String,
    date: Date,
    coordination: bool,
}

/// The digit values of a number, as written, with the separator and where it stood.
struct Lexed {
    /// The first 12 digit values; `count` says how many were written in total.
    digits: [u8; 12],
    count: usize,
    /// The separator and the number of digits before it.
    separator: Option<(Separator, usize)>,
}

fn lex(input: &str) -> Result<Lexed> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PersonnummerError::Empty);
    }
    let mut digits = [0u8; 12];
    let mut count = 0usize;
    let mut separator = None;
    for c in trimmed.chars() {
        let found = match c {
            '-' => Separator::Minus,
            '+' => Separator::Plus,
            _ => {
                let digit = c
                    .to_digit(10)
                    .and_then(|d| u8::try_from(d).ok())
                    .ok_or(PersonnummerError::InvalidCharacter { found: c })?;
                if let Some(slot) = digits.get_mut(count) {
                    *slot = digit;
                }
                count = count.saturating_add(1);
                continue;
            }
        };
        if separator.is_some() {
            return Err(PersonnummerError::TooManySeparators);
        }
        separator = Some((found, count));
    }
    Ok(Lexed {
        digits,
        count,
        separator,
    })
}

/// Parses any of the accepted input forms (see the module documentation).
fn parse_number(input: &str, reference: Date) -> Result<Number> {
    let Lexed {
        digits,
        count,
        separator,
    } = lex(input)?;
    if count != 10 && count != 12 {
        return Err(PersonnummerError::WrongLength { digits: count });
    }
    // `count` is 10 or 12 here, so the subtraction cannot underflow.
    let tail_start = count - 4;
    let separator = match separator {
        None => Separator::None,
        Some((sep, position)) if position == tail_start => sep,
        Some(_) => return Err(PersonnummerError::MisplacedSeparator),
    };
    let [a, b, c, d, e, f, g, h, i, j, k, l] = digits;
    if count == 12 {
        if separator == Separator::Plus {
            return Err(PersonnummerError::PlusWithCentury);
        }
        let year = i32::from(two_digits(a, b)) * 100 + i32::from(two_digits(c, d));
        check_number(year, [c, d, e, f, g, h, i, j, k, l], Some(reference))
    } else {
        let tail = [a, b, c, d, e, f, g, h, i, j];
        let (day, _) = split_day(two_digits(e, f));
        let year = infer_year(
            two_digits(a, b),
            two_digits(c, d),
            day,
            separator,
            reference,
        );
        check_number(year, tail, Some(reference))
    }
}

/// Parses exactly `YYYYMMDDNNNC` (the stored form). No reference date is involved, so a date
/// after "today" is not rejected here.
fn parse_canonical(input: &str) -> Result<Number> {
    if input.len() != 12 {
        return Err(PersonnummerError::NotCanonical);
    }
    let mut digits = [0u8; 12];
    for (slot, byte) in digits.iter_mut().zip(input.bytes()) {
        match byte {
            b'0'..=b'9' => *slot = byte - b'0',
            _ => return Err(PersonnummerError::NotCanonical),
        }
    }
    let [a, b, c, d, e, f, g, h, i, j, k, l] = digits;
    let year = i32::from(two_digits(a, b)) * 100 + i32::from(two_digits(c, d));
    check_number(year, [c, d, e, f, g, h, i, j, k, l], None)
}

/// Checks the rules on a number whose year is known. `tail` holds the digit values `YYMMDDNNNC`.
fn check_number(year: i32, tail: [u8; 10], reference: Option<Date>) -> Result<Number> {
    let [y1, y2, m1, m2, d1, d2, n1, n2, n3, check] = tail;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(PersonnummerError::UnsupportedYear { year });
    }
    let month = two_digits(m1, m2);
    let (day, coordination) = split_day(two_digits(d1, d2));
    let Some(date) = civil_date(year, month, day) else {
        return Err(if coordination {
            PersonnummerError::NoSuchCoordinationDate { year, month, day }
        } else {
            PersonnummerError::NoSuchDate { year, month, day }
        });
    };
    if reference.is_some_and(|today| date > today) {
        return Err(PersonnummerError::DateInFuture { year, month, day });
    }
    if [n1, n2, n3] == [0, 0, 0] {
        return Err(PersonnummerError::BirthNumberZero);
    }
    if luhn_check_digit([y1, y2, m1, m2, d1, d2, n1, n2, n3]) != check {
        return Err(PersonnummerError::CheckDigit);
    }
    // `tail` starts with the year digits YY, so only the century is written first.
    let mut canonical = format!("{:02}", year / 100);
    canonical.extend(tail.iter().map(|&digit| char::from(b'0' + digit)));
    Ok(Number {
        canonical,
        date,
        coordination,
    })
}

/// `10 * high + low` for two digit values (0..=9 each, so at most 99).
fn two_digits(high: u8, low: u8) -> u8 {
    high * 10 + low
}

/// Splits a written day into the calendar day and whether it is a samordningsnummer day.
/// Days outside 61..=91 are returned as written (and fail the date check unless 1..=31).
fn split_day(written: u8) -> (u8, bool) {
    match written {
        61..=91 => (written - COORDINATION_DAY_OFFSET, true),
        _ => (written, false),
    }
}

fn civil_date(year: i32, month: u8, day: u8) -> Option<Date> {
    let year = i16::try_from(year).ok()?;
    let month = i8::try_from(month).ok()?;
    let day = i8::try_from(day).ok()?;
    Date::new(year, month, day).ok()
}

/// The century rule for 10-digit numbers; see the module documentation. `month` and `day` are
/// the calendar month and day (for a samordningsnummer, the day minus 60).
fn infer_year(yy: u8, month: u8, day: u8, separator: Separator, reference: Date) -> i32 {
    let yy = i32::from(yy);
    let reference_year = i32::from(reference.year());
    match separator {
        Separator::Plus => {
            let latest = reference_year - 100;
            latest - (latest - yy).rem_euclid(100)
        }
        Separator::Minus | Separator::None => {
            let candidate = reference_year - (reference_year - yy).rem_euclid(100);
            let after_reference = candidate == reference_year
                && (i16::from(month), i16::from(day))
                    > (i16::from(reference.month()), i16::from(reference.day()));
            if after_reference {
                candidate - 100
            } else {
                candidate
            }
        }
    }
}

/// The Luhn check digit over `YYMMDDNNN` (weights 2,1,2,1,…; the one rule of
/// [`crate::validate::luhn_check_digit`], which organisationsnummer use as well).
fn luhn_check_digit(nine: [u8; 9]) -> u8 {
    crate::validate::luhn_check_digit(&nine)
}

impl Number {
    fn display_with_separator(&self) -> String {
        match self.canonical.split_at_checked(8) {
            Some((head, tail)) => format!("{head}-{tail}"),
            None => self.canonical.clone(),
        }
    }

    fn display_ten_digit(&self, reference: Date) -> Option<String> {
        if self.date > reference {
            return None;
        }
        let year = i32::from(self.date.year());
        let separator = if i32::from(reference.year()) - year >= 100 {
            Separator::Plus
        } else {
            Separator::Minus
        };
        let yy = u8::try_from(year.rem_euclid(100)).ok()?;
        let month = u8::try_from(self.date.month()).ok()?;
        let day = u8::try_from(self.date.day()).ok()?;
        // Only offer a form that reads back to this very number (fails for people aged 200+).
        if infer_year(yy, month, day, separator, reference) != year {
            return None;
        }
        let (_, short) = self.canonical.split_at_checked(2)?;
        let (head, tail) = short.split_at_checked(6)?;
        let sep = separator.as_char()?;
        Some(format!("{head}{sep}{tail}"))
    }

    fn fmt_masked(&self, type_name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = self.canonical.get(..8).unwrap_or("********");
        write!(f, "{type_name}({head}-****)")
    }
}

// ---------------------------------------------------------------------------------------------
// Personnummer and Samordningsnummer
// ---------------------------------------------------------------------------------------------

/// A checked Swedish personnummer (day 01..=31), stored as `YYYYMMDDNNNC`.
///
/// Serializes as the 12-digit string and deserializes only from that canonical form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Personnummer(Number);

/// A checked Swedish samordningsnummer (coordination number, day 61..=91), stored as
/// `YYYYMMDDNNNC` with the day plus 60. Never accepted where a [`Personnummer`] is required.
///
/// Serializes as the 12-digit string and deserializes only from that canonical form.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Samordningsnummer(Number);

impl Personnummer {
    /// Parses any accepted input form; 10-digit forms get their century from `reference`
    /// ("today") as described in the module documentation. A 12-digit number dated after
    /// `reference` is rejected. A samordningsnummer is rejected with
    /// [`PersonnummerError::IsSamordningsnummer`].
    pub fn parse(input: &str, reference: Date) -> Result<Self> {
        Self::from_number(parse_number(input, reference)?)
    }

    /// Parses the stored form, exactly 12 digits `YYYYMMDDNNNC`, as written by
    /// [`Self::as_str`]. Needs no reference date, so it does not reject future dates.
    pub fn from_canonical(input: &str) -> Result<Self> {
        Self::from_number(parse_canonical(input)?)
    }

    fn from_number(number: Number) -> Result<Self> {
        if number.coordination {
            Err(PersonnummerError::IsSamordningsnummer)
        } else {
            Ok(Self(number))
        }
    }

    /// The stored form, `YYYYMMDDNNNC`.
    pub fn as_str(&self) -> &str {
        &self.0.canonical
    }

    /// The 12-digit form with separator, `YYYYMMDD-NNNC` (also what `Display` prints).
    pub fn display_with_separator(&self) -> String {
        self.0.display_with_separator()
    }

    /// The 10-digit form `YYMMDD-NNNC`, or `YYMMDD+NNNC` from the calendar year in which the
    /// person turns 100 (`reference.year - birth_year >= 100`). `None` when no 10-digit form
    /// reads back to this number with `reference`: the date is after `reference`, or the
    /// person would be 200 or older.
    pub fn display_ten_digit(&self, reference: Date) -> Option<String> {
        self.0.display_ten_digit(reference)
    }
}

impl Samordningsnummer {
    /// Parses any accepted input form; 10-digit forms get their century from `reference`
    /// ("today") as described in the module documentation, using the day minus 60. A 12-digit
    /// number dated after `reference` is rejected. A personnummer is rejected with
    /// [`PersonnummerError::IsPersonnummer`].
    pub fn parse(input: &str, reference: Date) -> Result<Self> {
        Self::from_number(parse_number(input, reference)?)
    }

    /// Parses the stored form, exactly 12 digits `YYYYMMDDNNNC`, as written by
    /// [`Self::as_str`]. Needs no reference date, so it does not reject future dates.
    pub fn from_canonical(input: &str) -> Result<Self> {
        Self::from_number(parse_canonical(input)?)
    }

    fn from_number(number: Number) -> Result<Self> {
        if number.coordination {
            Ok(Self(number))
        } else {
            Err(PersonnummerError::IsPersonnummer)
        }
    }

    /// The stored form, `YYYYMMDDNNNC` (day plus 60).
    pub fn as_str(&self) -> &str {
        &self.0.canonical
    }

    /// The 12-digit form with separator, `YYYYMMDD-NNNC` (also what `Display` prints).
    pub fn display_with_separator(&self) -> String {
        self.0.display_with_separator()
    }

    /// The 10-digit form with `-` or `+`, by the same rule as
    /// [`Personnummer::display_ten_digit`].
    pub fn display_ten_digit(&self, reference: Date) -> Option<String> {
        self.0.display_ten_digit(reference)
    }
}

macro_rules! official_number_traits {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.display_with_separator())
            }
        }

        /// Masks the birth number and check digit so that logs do not carry the full number.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt_masked(stringify!($name), f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        /// Accepts only the canonical 12-digit form.
        impl TryFrom<String> for $name {
            type Error = PersonnummerError;
            fn try_from(value: String) -> Result<Self> {
                Self::from_canonical(&value)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

official_number_traits!(Personnummer);
official_number_traits!(Samordningsnummer);

// ---------------------------------------------------------------------------------------------
// ReserveId
// ---------------------------------------------------------------------------------------------

/// A regional reserve number (reservnummer): 1..=20 characters of `A-Z`, `0-9` and `-`, after
/// trimming and uppercasing. Regions use different formats, so nothing else is checked.
///
/// It is a type of its own: it is never produced by the personnummer parsers, and nothing
/// turns a mistyped personnummer into a reserve id. Only a caller who explicitly parses a
/// `ReserveId` gets one, even if the text happens to look like a personnummer.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct ReserveId(String);

impl ReserveId {
    /// Trims, uppercases ASCII letters and checks the character set and length.
    pub fn parse(input: &str) -> Result<Self> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PersonnummerError::ReserveEmpty);
        }
        let mut normalized = String::new();
        let mut chars = 0usize;
        for c in trimmed.chars() {
            if !(c.is_ascii_alphanumeric() || c == '-') {
                return Err(PersonnummerError::ReserveInvalidCharacter { found: c });
            }
            chars = chars.saturating_add(1);
            if chars <= RESERVE_ID_MAX_LEN {
                normalized.push(c.to_ascii_uppercase());
            }
        }
        if chars > RESERVE_ID_MAX_LEN {
            return Err(PersonnummerError::ReserveTooLong { chars });
        }
        Ok(Self(normalized))
    }

    /// The normalized reserve id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReserveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Masks the value so that logs do not carry the identifier.
impl fmt::Debug for ReserveId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReserveId(****)")
    }
}

impl Serialize for ReserveId {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl TryFrom<String> for ReserveId {
    type Error = PersonnummerError;
    fn try_from(value: String) -> Result<Self> {
        Self::parse(&value)
    }
}

impl AsRef<str> for ReserveId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

// ---------------------------------------------------------------------------------------------
// ClientIdentity
// ---------------------------------------------------------------------------------------------

/// Which kind of identity a [`ClientIdentity`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum IdentityKind {
    Personnummer,
    Samordningsnummer,
    Reserve,
}

crate::impl_codes!(IdentityKind);

/// The identity of a care client: exactly one of a personnummer, a samordningsnummer or a
/// regional reserve id. The kind is always explicit; it is never guessed from the text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientIdentity {
    Personnummer(Personnummer),
    Samordningsnummer(Samordningsnummer),
    Reserve(ReserveId),
}

impl ClientIdentity {
    /// Parses an official number: a personnummer or a samordningsnummer, in any accepted input
    /// form, with 10-digit forms resolved against `reference` ("today"). Never yields
    /// [`ClientIdentity::Reserve`]; parse a [`ReserveId`] explicitly for that.
    pub fn parse_official(input: &str, reference: Date) -> Result<Self> {
        let number = parse_number(input, reference)?;
        Ok(if number.coordination {
            Self::Samordningsnummer(Samordningsnummer(number))
        } else {
            Self::Personnummer(Personnummer(number))
        })
    }

    /// Rebuilds a stored identity from its kind and [`Self::as_str`] value. Official numbers
    /// must be in the canonical 12-digit form and of the stated kind.
    pub fn from_stored(kind: IdentityKind, stored: &str) -> Result<Self> {
        Ok(match kind {
            IdentityKind::Personnummer => Self::Personnummer(Personnummer::from_canonical(stored)?),
            IdentityKind::Samordningsnummer => {
                Self::Samordningsnummer(Samordningsnummer::from_canonical(stored)?)
            }
            IdentityKind::Reserve => Self::Reserve(ReserveId::parse(stored)?),
        })
    }

    pub fn kind(&self) -> IdentityKind {
        match self {
            Self::Personnummer(_) => IdentityKind::Personnummer,
            Self::Samordningsnummer(_) => IdentityKind::Samordningsnummer,
            Self::Reserve(_) => IdentityKind::Reserve,
        }
    }

    /// True for a personnummer or samordningsnummer, false for a reserve id.
    pub fn is_official(&self) -> bool {
        !matches!(self, Self::Reserve(_))
    }

    /// The stored form: 12 digits for official numbers, the normalized reserve id otherwise.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Personnummer(p) => p.as_str(),
            Self::Samordningsnummer(s) => s.as_str(),
            Self::Reserve(r) => r.as_str(),
        }
    }
}

impl From<Personnummer> for ClientIdentity {
    fn from(value: Personnummer) -> Self {
        Self::Personnummer(value)
    }
}

impl From<Samordningsnummer> for ClientIdentity {
    fn from(value: Samordningsnummer) -> Self {
        Self::Samordningsnummer(value)
    }
}

impl From<ReserveId> for ClientIdentity {
    fn from(value: ReserveId) -> Self {
        Self::Reserve(value)
    }
}

impl fmt::Display for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Personnummer(p) => p.fmt(f),
            Self::Samordningsnummer(s) => s.fmt(f),
            Self::Reserve(r) => r.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::Error as ValueError;

    type E = PersonnummerError;

    fn date(year: i16, month: i8, day: i8) -> Date {
        Date::new(year, month, day).unwrap()
    }

    /// The reference date ("today") used by most tests.
    fn today() -> Date {
        date(2025, 6, 1)
    }

    /// An implementation of the check digit independent of `luhn_check_digit`: a lookup
    /// table of the digit sums of 2*d, applied from the left.
    fn independent_check_digit(nine: &str) -> char {
        const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
        let mut sum = 0;
        for (i, c) in nine.chars().enumerate() {
            let d = c.to_digit(10).unwrap();
            sum += if i % 2 == 0 { DOUBLED[d as usize] } else { d };
        }
        char::from_digit((10 - sum % 10) % 10, 10).unwrap()
    }

    /// Appends the check digit to nine digits `YYMMDDNNN`.
    fn with_check(nine: &str) -> String {
        assert_eq!(nine.len(), 9);
        format!("{nine}{}", independent_check_digit(nine))
    }

    fn pnr(input: &str) -> Personnummer {
        Personnummer::parse(input, today()).unwrap()
    }

    fn official_err(input: &str) -> E {
        ClientIdentity::parse_official(input, today()).unwrap_err()
    }

    // ---- check digit, hand computed ----------------------------------------------------------

    #[test]
    fn classic_example_811218_9876() {
        // 8 1 1 2 1 8 9 8 7 with weights 2 1 2 1 2 1 2 1 2:
        // 16->7, 1, 2, 2, 2, 8, 18->9, 8, 14->5; sum 44; (10 - 4) % 10 = 6.
        assert_eq!(luhn_check_digit([8, 1, 1, 2, 1, 8, 9, 8, 7]), 6);
        assert_eq!(independent_check_digit("811218987"), '6');
        assert_eq!(pnr("811218-9876").as_str(), "198112189876");
        assert_eq!(
            Personnummer::parse("811218-9875", today()),
            Err(E::CheckDigit)
        );
    }

    #[test]
    fn example_19451224_1235() {
        // 4 5 1 2 2 4 1 2 3: 8, 5, 2, 2, 4, 4, 2, 2, 6; sum 35; check (10 - 5) % 10 = 5.
        assert_eq!(luhn_check_digit([4, 5, 1, 2, 2, 4, 1, 2, 3]), 5);
        assert_eq!(pnr("19451224-1235").as_str(), "194512241235");
        let err = Personnummer::parse("19451224-1234", today()).unwrap_err();
        assert_eq!(err, E::CheckDigit);
        assert_eq!(
            err.to_string(),
            "check digit does not match: check every digit for typos"
        );
    }

    #[test]
    fn check_digit_ten_maps_to_zero() {
        // 2 0 0 1 0 1 0 1 6 (200101-016): 4, 0, 0, 1, 0, 1, 0, 1, 12->3; sum 10;
        // 10 - 0 = 10, and (10 - 0) % 10 = 0.
        assert_eq!(luhn_check_digit([2, 0, 0, 1, 0, 1, 0, 1, 6]), 0);
        assert_eq!(pnr("200101-0160").as_str(), "202001010160");
    }

    // ---- input forms ------------------------------------------------------------------------

    #[test]
    fn accepts_every_input_form() {
        for input in [
            "194512241235",
            "19451224-1235",
            "451224-1235",
            "4512241235",
            "  19451224-1235\n",
        ] {
            assert_eq!(pnr(input).as_str(), "194512241235", "{input}");
        }
        // Same digits with '+': 100 or older on 2025-06-01 -> latest year ending in 45 that is
        // <= 2025 - 100 = 1925 is 1845.
        assert_eq!(pnr("451224+1235").as_str(), "184512241235");
    }

    #[test]
    fn no_separator_is_read_like_minus() {
        // 200505-123C: 4,0,0,5,0,5,2,2,6; sum 24 -> check 6.
        let reference = today();
        let plain = Personnummer::parse("2005051236", reference).unwrap();
        let minus = Personnummer::parse("200505-1236", reference).unwrap();
        assert_eq!(plain, minus);
        assert_eq!(plain.as_str(), "202005051236");
    }

    #[test]
    fn plus_separator_for_people_aged_100_and_over() {
        // 200505-1236 (check digit derived above).
        let reference = today(); // 2025-06-01
        let centenarian = Personnummer::parse("200505+1236", reference).unwrap();
        assert_eq!(centenarian.as_str(), "192005051236");
        let child = Personnummer::parse("200505-1236", reference).unwrap();
        assert_eq!(child.as_str(), "202005051236");
        assert_ne!(centenarian, child);
        assert_eq!(
            centenarian.display_ten_digit(reference).as_deref(),
            Some("200505+1236")
        );
        assert_eq!(
            child.display_ten_digit(reference).as_deref(),
            Some("200505-1236")
        );
        // The 12-digit forms carry the century, so they need no '+'.
        assert_eq!(centenarian.display_with_separator(), "19200505-1236");
        assert_eq!(centenarian.to_string(), "19200505-1236");
    }

    #[test]
    fn plus_starts_in_the_year_the_person_turns_100() {
        // 251224-123C: 4,5,2,2,4,4,2,2,6; sum 31 -> check 9.
        let born_1925 = Personnummer::parse("19251224-1239", today()).unwrap();
        let new_year_eve = date(2024, 12, 31);
        let new_year = date(2025, 1, 1);
        // 2024 - 1925 = 99: still '-'. 2025 - 1925 = 100: '+' from 1 January, before the
        // 100th birthday on 24 December.
        assert_eq!(
            born_1925.display_ten_digit(new_year_eve).as_deref(),
            Some("251224-1239")
        );
        assert_eq!(
            born_1925.display_ten_digit(new_year).as_deref(),
            Some("251224+1239")
        );
        assert_eq!(
            Personnummer::parse("251224+1239", new_year),
            Ok(born_1925.clone())
        );
        // '-' on 2025-01-01: 2025-12-24 is in the future, so the year is 1925 as well.
        assert_eq!(Personnummer::parse("251224-1239", new_year), Ok(born_1925));
        // '+' on 2024-12-31: latest year ending in 25 that is <= 2024 - 100 = 1924 is 1825.
        assert_eq!(pnr_at("251224+1239", new_year_eve).as_str(), "182512241239");
    }

    fn pnr_at(input: &str, reference: Date) -> Personnummer {
        Personnummer::parse(input, reference).unwrap()
    }

    #[test]
    fn minus_never_yields_a_future_date() {
        // 250601-123C: 4,5,0,6,0,1,2,2,6; sum 26 -> 4. 250602-123C: ...,0,2,...; sum 27 -> 3.
        assert_eq!(pnr("250601-1234").as_str(), "202506011234"); // born today
        assert_eq!(pnr("250602-1233").as_str(), "192506021233"); // tomorrow -> 1925
    }

    #[test]
    fn twelve_digit_future_date_is_rejected_against_reference_only() {
        // 20451224-1235: same nine digits 451224123 as above -> check 5.
        assert_eq!(
            Personnummer::parse("20451224-1235", today()),
            Err(E::DateInFuture {
                year: 2045,
                month: 12,
                day: 24
            })
        );
        // The stored form has no reference date; it is accepted there.
        assert!(Personnummer::from_canonical("204512241235").is_ok());
        // A future-dated stored number has no 10-digit form that reads back.
        let future = Personnummer::from_canonical("204512241235").unwrap();
        assert_eq!(future.display_ten_digit(today()), None);
    }

    #[test]
    fn ten_digit_form_is_none_for_people_aged_200_and_over() {
        // 1820-01-01 on 2025-06-01: 205 years; '+' would read back as 1920.
        // 200101-016 -> check 0 (computed above).
        let old = Personnummer::from_canonical("182001010160").unwrap();
        assert_eq!(old.display_ten_digit(today()), None);
        assert_eq!(old.display_with_separator(), "18200101-0160");
    }

    // ---- dates --------------------------------------------------------------------------------

    #[test]
    fn leap_days() {
        // 000229-123C: 0,0,0,2,4,9,2,2,6; sum 25 -> 5.
        assert_eq!(pnr("20000229-1235").as_str(), "200002291235");
        assert_eq!(pnr("000229-1235").as_str(), "200002291235");
        // 1900 is not a leap year (divisible by 100, not by 400).
        let no_1900 = E::NoSuchDate {
            year: 1900,
            month: 2,
            day: 29,
        };
        assert_eq!(
            Personnummer::parse("19000229-1235", today()),
            Err(no_1900.clone())
        );
        // '+' on 2025: latest year ending in 00 that is <= 1925 is 1900 -> no such date.
        assert_eq!(Personnummer::parse("000229+1235", today()), Err(no_1900));
        // 040229-123C: 0,4,0,2,4,9,2,2,6; sum 29 -> 1. 2004 is a leap year.
        assert_eq!(pnr("040229-1231").as_str(), "200402291231");
        // 010229-123C: 0,1,0,2,4,9,2,2,6; sum 26 -> 4. 2001 is not.
        let err = Personnummer::parse("010229-1234", today()).unwrap_err();
        assert_eq!(err.to_string(), "no such date: 2001-02-29");
    }

    #[test]
    fn impossible_dates_name_the_date() {
        let cases = [
            ("450024123", "no such date: 1945-00-24"),
            ("451324123", "no such date: 1945-13-24"),
            ("451200123", "no such date: 1945-12-00"),
            ("451232123", "no such date: 1945-12-32"),
            ("450230123", "no such date: 1945-02-30"),
            ("450431123", "no such date: 1945-04-31"),
            ("451260123", "no such date: 1945-12-60"),
            ("451292123", "no such date: 1945-12-92"),
            ("451299123", "no such date: 1945-12-99"),
        ];
        for (nine, message) in cases {
            // Valid check digits, so only the date rule can fail.
            let input = with_check(nine);
            let err = official_err(&input);
            assert!(matches!(err, E::NoSuchDate { .. }), "{input}: {err:?}");
            assert_eq!(err.to_string(), message, "{input}");
        }
    }

    #[test]
    fn samordningsnummer_date_is_day_minus_60() {
        // Day 90 in February is 30 February.
        let err = official_err(&with_check("450290123"));
        assert_eq!(
            err,
            E::NoSuchCoordinationDate {
                year: 1945,
                month: 2,
                day: 30
            }
        );
        assert_eq!(
            err.to_string(),
            "no such date: 1945-02-30 (a samordningsnummer writes the day plus 60)"
        );
        // Day 89 in February 2000 is the leap day; in 1900 it does not exist.
        assert!(
            Samordningsnummer::parse(&format!("20{}", with_check("000289123")), today()).is_ok()
        );
        assert!(matches!(
            Samordningsnummer::parse(&format!("19{}", with_check("000289123")), today()),
            Err(E::NoSuchCoordinationDate { year: 1900, .. })
        ));
        // Day 61 and 91 are the bounds.
        assert!(Samordningsnummer::parse(&with_check("450161123"), today()).is_ok());
        assert!(Samordningsnummer::parse(&with_check("450191123"), today()).is_ok());
    }

    #[test]
    fn unsupported_years() {
        let tail = with_check("451224123");
        for (century, year) in [("17", 1745), ("21", 2145), ("00", 45)] {
            let input = format!("{century}{tail}");
            assert_eq!(
                Personnummer::parse(&input, date(2200, 1, 1)),
                Err(E::UnsupportedYear { year }),
                "{input}"
            );
            assert_eq!(
                Personnummer::from_canonical(&input),
                Err(E::UnsupportedYear { year })
            );
        }
        // A 10-digit number whose inferred year falls outside 1800..=2099.
        assert_eq!(
            Personnummer::parse("451224-1235", date(2150, 1, 1)),
            Err(E::UnsupportedYear { year: 2145 })
        );
    }

    // ---- other rules ------------------------------------------------------------------------

    #[test]
    fn birth_number_000_is_rejected() {
        // 451224-000C: 8,5,2,2,4,4,0,0,0; sum 25 -> 5. The check digit is right.
        assert_eq!(
            Personnummer::parse("451224-0005", today()),
            Err(E::BirthNumberZero)
        );
        // 001 is fine: 8,5,2,2,4,4,0,0,2; sum 27 -> 3.
        assert_eq!(pnr("451224-0013").as_str(), "194512240013");
    }

    #[test]
    fn shape_errors() {
        let cases: [(&str, E); 16] = [
            ("", E::Empty),
            ("   \t", E::Empty),
            ("451224/1235", E::InvalidCharacter { found: '/' }),
            ("451224 1235", E::InvalidCharacter { found: ' ' }),
            ("451224_1235", E::InvalidCharacter { found: '_' }),
            ("abc", E::InvalidCharacter { found: 'a' }),
            ("４51224-1235", E::InvalidCharacter { found: '４' }),
            ("451224--1235", E::TooManySeparators),
            ("45-1224+1235", E::TooManySeparators),
            ("45122412355", E::WrongLength { digits: 11 }),
            ("451224-123", E::WrongLength { digits: 9 }),
            ("1945122412350", E::WrongLength { digits: 13 }),
            ("4512-241235", E::MisplacedSeparator),
            ("194512-241235", E::MisplacedSeparator),
            ("4512241235-", E::MisplacedSeparator),
            ("19451224+1235", E::PlusWithCentury),
        ];
        for (input, expected) in cases {
            assert_eq!(official_err(input), expected, "{input:?}");
        }
        assert_eq!(
            official_err("45122412355").to_string(),
            "must have 10 or 12 digits, found 11"
        );
        assert_eq!(
            official_err("451224/1235").to_string(),
            "contains '/': only digits and one '-' or '+' are allowed"
        );
    }

    #[test]
    fn samordningsnummer_has_its_own_check_digit() {
        // 701063-239C (day 63 = 3rd + 60): 7 0 1 0 6 3 2 3 9 -> 14->5, 0, 2, 0, 12->3, 3, 4, 3,
        // 18->9; sum 29 -> check 1.
        let s = Samordningsnummer::parse("701063-2391", today()).unwrap();
        assert_eq!(s.as_str(), "197010632391");
        assert_eq!(s.display_with_separator(), "19701063-2391");
        assert_eq!(s.display_ten_digit(today()).as_deref(), Some("701063-2391"));
        // The check digit of the underlying date 701003-239: 5,0,2,0,0,3,4,3,9; sum 26 -> 4.
        // Reusing it for the samordningsnummer is wrong...
        assert_eq!(
            Samordningsnummer::parse("701063-2394", today()),
            Err(E::CheckDigit)
        );
        // ...while 701003-2394 is a valid personnummer, not a samordningsnummer.
        assert_eq!(pnr("701003-2394").as_str(), "197010032394");
        assert_eq!(
            Samordningsnummer::parse("701003-2394", today()),
            Err(E::IsPersonnummer)
        );
    }

    #[test]
    fn samordningsnummer_is_rejected_where_personnummer_is_required() {
        assert_eq!(
            Personnummer::parse("701063-2391", today()),
            Err(E::IsSamordningsnummer)
        );
        assert_eq!(
            Personnummer::from_canonical("197010632391"),
            Err(E::IsSamordningsnummer)
        );
        let identity = ClientIdentity::parse_official("701063-2391", today()).unwrap();
        assert_eq!(identity.kind(), IdentityKind::Samordningsnummer);
        assert!(identity.is_official());
    }

    #[test]
    fn samordningsnummer_century_uses_the_real_day() {
        // 250662-123C (day 62 = 2 June): 4,5,0,6,12->3,2,2,2,6; sum 30 -> 0. On 2025-06-01
        // the 2nd of June 2025 is tomorrow, so '-' gives 1925, although day "62" > "01".
        let s = Samordningsnummer::parse("250662-1230", today()).unwrap();
        assert_eq!(s.as_str(), "192506621230");
        // 250661-123C: 4,5,0,6,12->3,1,2,2,6; sum 29 -> 1. 1 June 2025 is today -> 2025.
        let s = Samordningsnummer::parse("250661-1231", today()).unwrap();
        assert_eq!(s.as_str(), "202506611231");
    }

    // ---- mobile numbers (REG-44) ------------------------------------------------------------

    #[test]
    fn mobile_number_0701234567_is_rejected_by_the_check_digit() {
        // Read as a 10-digit number without separator (treated like '-'): YY=07, MM=01, DD=23,
        // NNN=456, C=7. 2007-01-23 exists and is before 2025-06-01, so the date passes and the
        // year is 2007. Day 23 is not 61..=91, so it would be a personnummer.
        // Check digit over 0 7 0 1 2 3 4 5 6: 0, 7, 0, 1, 4, 3, 8, 5, 12->3; sum 31 -> 9 != 7.
        assert_eq!(independent_check_digit("070123456"), '9');
        for input in ["0701234567", "070123-4567"] {
            assert_eq!(official_err(input), E::CheckDigit, "{input}");
            assert_eq!(
                Samordningsnummer::parse(input, today()),
                Err(E::CheckDigit),
                "{input}"
            );
        }
        // Written the way phone numbers are written, the shape already fails.
        assert_eq!(official_err("070-1234567"), E::MisplacedSeparator);
        assert_eq!(
            official_err("070-123 45 67"),
            E::InvalidCharacter { found: ' ' }
        );
        assert_eq!(official_err("+46701234567"), E::WrongLength { digits: 11 });
    }

    #[test]
    fn mobile_numbers_with_impossible_months_are_rejected() {
        // 073-...: MM = "3x" >= 30; 0700...: MM = 00. Both fail the date whatever follows.
        assert!(matches!(
            official_err(&with_check("073123456")),
            E::NoSuchDate { month: 31, .. }
        ));
        assert!(matches!(
            official_err(&with_check("070012456")),
            E::NoSuchDate { month: 0, .. }
        ));
        // 070 17 99 ...: day 99 is neither 1..=31 nor 61..=91.
        assert!(matches!(
            official_err(&with_check("070199456")),
            E::NoSuchDate { day: 99, .. }
        ));
    }

    #[test]
    fn a_mobile_number_can_be_a_valid_samordningsnummer() {
        // The structure alone cannot tell every 070 number from an identity number: 0701651234
        // reads YY=07, MM=01, DD=65 (5 January + 60), NNN=123, C=4, and the check digit over
        // 0 7 0 1 6 5 1 2 3 is 0, 7, 0, 1, 12->3, 5, 2, 2, 6; sum 26 -> 4, which matches.
        // This is why the kind is never auto-detected from free text, and why callers that
        // want only a personnummer get `IsSamordningsnummer`.
        let identity = ClientIdentity::parse_official("0701651234", today()).unwrap();
        assert_eq!(identity.kind(), IdentityKind::Samordningsnummer);
        assert_eq!(identity.as_str(), "200701651234");
        assert_eq!(
            Personnummer::parse("0701651234", today()),
            Err(E::IsSamordningsnummer)
        );
    }

    // ---- formatting ---------------------------------------------------------------------------

    #[test]
    fn formatting() {
        let p = pnr("811218-9876");
        assert_eq!(p.as_str(), "198112189876");
        assert_eq!(p.as_ref(), "198112189876");
        assert_eq!(p.display_with_separator(), "19811218-9876");
        assert_eq!(p.to_string(), "19811218-9876");
        assert_eq!(p.display_ten_digit(today()).as_deref(), Some("811218-9876"));
        let identity = ClientIdentity::from(p);
        assert_eq!(identity.to_string(), "19811218-9876");
        assert_eq!(identity.as_str(), "198112189876");
    }

    #[test]
    fn debug_masks_the_birth_number() {
        let p = pnr("811218-9876");
        assert_eq!(format!("{p:?}"), "Personnummer(19811218-****)");
        let s = Samordningsnummer::parse("701063-2391", today()).unwrap();
        assert_eq!(format!("{s:?}"), "Samordningsnummer(19701063-****)");
        let r = ReserveId::parse("abc-123").unwrap();
        assert_eq!(format!("{r:?}"), "ReserveId(****)");
        let identity = ClientIdentity::from(pnr("811218-9876"));
        assert!(!format!("{identity:?}").contains("9876"));
    }

    // ---- reserve ids and client identity --------------------------------------------------

    #[test]
    fn reserve_id_rules() {
        assert_eq!(ReserveId::parse("  ab-12z ").unwrap().as_str(), "AB-12Z");
        let twenty = "A".repeat(20);
        assert_eq!(ReserveId::parse(&twenty).unwrap().as_str(), twenty);
        assert_eq!(
            ReserveId::parse(&"a".repeat(21)),
            Err(E::ReserveTooLong { chars: 21 })
        );
        assert_eq!(ReserveId::parse(" "), Err(E::ReserveEmpty));
        assert_eq!(
            ReserveId::parse("AB 12"),
            Err(E::ReserveInvalidCharacter { found: ' ' })
        );
        assert_eq!(
            ReserveId::parse("ÅB12"),
            Err(E::ReserveInvalidCharacter { found: 'Å' })
        );
        assert_eq!(
            ReserveId::parse("AB+12").unwrap_err().to_string(),
            "reserve id contains '+': only letters A-Z, digits 0-9 and '-' are allowed"
        );
    }

    #[test]
    fn reserve_id_is_never_an_official_number() {
        // A typical reserve id is rejected by every official parser...
        let reserve = "RES-0001";
        assert_eq!(official_err(reserve), E::InvalidCharacter { found: 'R' });
        assert!(Personnummer::parse(reserve, today()).is_err());
        assert!(Samordningsnummer::parse(reserve, today()).is_err());
        // ...and a mistyped personnummer is an error, never a reserve id.
        assert_eq!(official_err("19451224-1234"), E::CheckDigit);
        // Only an explicit choice of ReserveId takes personnummer-looking text.
        let explicit = ClientIdentity::from(ReserveId::parse("19451224-1234").unwrap());
        assert_eq!(explicit.kind(), IdentityKind::Reserve);
        assert!(!explicit.is_official());
    }

    #[test]
    fn client_identity_kinds_and_storage() {
        let cases = [
            (
                ClientIdentity::parse_official("811218-9876", today()).unwrap(),
                IdentityKind::Personnummer,
                "198112189876",
            ),
            (
                ClientIdentity::parse_official("701063-2391", today()).unwrap(),
                IdentityKind::Samordningsnummer,
                "197010632391",
            ),
            (
                ClientIdentity::from(ReserveId::parse("x-1").unwrap()),
                IdentityKind::Reserve,
                "X-1",
            ),
        ];
        for (identity, kind, stored) in cases {
            assert_eq!(identity.kind(), kind);
            assert_eq!(identity.as_str(), stored);
            assert_eq!(IdentityKind::from_code(kind.code()), Some(kind));
            assert_eq!(ClientIdentity::from_stored(kind, stored), Ok(identity));
        }
        assert_eq!(IdentityKind::from_code("other"), None);
        // The stored kind is enforced.
        assert_eq!(
            ClientIdentity::from_stored(IdentityKind::Personnummer, "197010632391"),
            Err(E::IsSamordningsnummer)
        );
        assert_eq!(
            ClientIdentity::from_stored(IdentityKind::Samordningsnummer, "198112189876"),
            Err(E::IsPersonnummer)
        );
        assert_eq!(
            ClientIdentity::from_stored(IdentityKind::Personnummer, "811218-9876"),
            Err(E::NotCanonical)
        );
    }

    // ---- serde ----------------------------------------------------------------------------------

    /// What `x` serializes to, which must be a string (serde_json is only the vehicle).
    fn to_str<T: Serialize>(x: &T) -> String {
        match serde_json::to_value(x).unwrap() {
            serde_json::Value::String(s) => s,
            other => panic!("not a string: {other}"),
        }
    }

    fn from_str<'de, T: Deserialize<'de>>(s: &'de str) -> std::result::Result<T, ValueError> {
        let deserializer: serde::de::value::StrDeserializer<'de, ValueError> =
            s.into_deserializer();
        T::deserialize(deserializer)
    }

    #[test]
    fn serde_uses_the_canonical_12_digit_string() {
        let p = pnr("811218-9876");
        assert_eq!(to_str(&p), "198112189876");
        assert_eq!(from_str::<Personnummer>("198112189876").unwrap(), p);

        let s = Samordningsnummer::parse("701063-2391", today()).unwrap();
        assert_eq!(to_str(&s), "197010632391");
        assert_eq!(from_str::<Samordningsnummer>("197010632391").unwrap(), s);

        let r = ReserveId::parse("ab-1").unwrap();
        assert_eq!(to_str(&r), "AB-1");
        assert_eq!(from_str::<ReserveId>("AB-1").unwrap(), r);

        assert_eq!(
            to_str(&IdentityKind::Samordningsnummer),
            "samordningsnummer"
        );
        assert_eq!(
            from_str::<IdentityKind>("reserve").unwrap(),
            IdentityKind::Reserve
        );
    }

    #[test]
    fn deserialize_accepts_only_the_canonical_form() {
        for input in [
            "19811218-9876",
            "811218-9876",
            "8112189876",
            " 198112189876",
            "198112189876 ",
            "811218+9876",
        ] {
            let err = from_str::<Personnummer>(input).unwrap_err();
            assert_eq!(err.to_string(), E::NotCanonical.to_string(), "{input}");
        }
        let err = from_str::<Personnummer>("198112189875").unwrap_err();
        assert_eq!(err.to_string(), E::CheckDigit.to_string());
        let err = from_str::<Personnummer>("197010632391").unwrap_err();
        assert_eq!(err.to_string(), E::IsSamordningsnummer.to_string());
        let err = from_str::<Samordningsnummer>("198112189876").unwrap_err();
        assert_eq!(err.to_string(), E::IsPersonnummer.to_string());
    }

    // ---- properties -------------------------------------------------------------------------

    fn any_reference() -> impl Strategy<Value = Date> {
        (-9999i16..=9999, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| date(y, m, d))
    }

    /// Asserts the invariants of every successfully parsed identity.
    fn assert_well_formed(identity: &ClientIdentity) {
        let stored = identity.as_str();
        assert_eq!(stored.len(), 12);
        assert!(stored.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(
            ClientIdentity::from_stored(identity.kind(), stored).as_ref(),
            Ok(identity)
        );
    }

    fn exercise_all_parsers(input: &str, reference: Date) {
        if let Ok(identity) = ClientIdentity::parse_official(input, reference) {
            assert_well_formed(&identity);
        }
        let _ = Personnummer::parse(input, reference);
        let _ = Samordningsnummer::parse(input, reference);
        let _ = Personnummer::from_canonical(input);
        let _ = Samordningsnummer::from_canonical(input);
        if let Ok(reserve) = ReserveId::parse(input) {
            assert_eq!(ReserveId::parse(reserve.as_str()).as_ref(), Ok(&reserve));
        }
        let _ = PersonnummerError::Empty.to_string();
    }

    /// A valid number: (12-digit string, is samordningsnummer, underlying date).
    fn valid_number() -> impl Strategy<Value = (String, bool, Date)> {
        (
            1800i16..=2099,
            1i8..=12,
            1i8..=31,
            1u16..=999,
            any::<bool>(),
        )
            .prop_map(|(year, month, day, birth_number, coordination)| {
                let day = day.min(date(year, month, 1).days_in_month());
                let written_day = if coordination { day + 60 } else { day };
                let nine = format!(
                    "{:02}{month:02}{written_day:02}{birth_number:03}",
                    year % 100
                );
                let twelve = format!("{:02}{}", year / 100, with_check(&nine));
                (twelve, coordination, date(year, month, day))
            })
    }

    /// A valid number with a reference date on or after its date, at most 199 calendar years
    /// later, and not after 2099-12-31.
    fn valid_with_reference() -> impl Strategy<Value = (String, bool, Date)> {
        (valid_number(), 0i64..199 * 365).prop_map(|((twelve, coordination, born), offset)| {
            let reference = born
                .checked_add(jiff::Span::new().days(offset))
                .unwrap()
                .min(date(2099, 12, 31));
            (twelve, coordination, reference)
        })
    }

    proptest! {
        #[test]
        fn parsing_any_string_never_panics(input in any::<String>(), reference in any_reference()) {
            exercise_all_parsers(&input, reference);
        }

        #[test]
        fn parsing_number_like_strings_never_panics(
            input in "[ 0-9+\\-]{0,16}|[0-9]{6}[-+ ]?[0-9]{4}|[0-9]{8}[-+]?[0-9]{4}",
            reference in any_reference(),
        ) {
            exercise_all_parsers(&input, reference);
        }

        #[test]
        fn parsing_arbitrary_bytes_never_panics(
            bytes in proptest::collection::vec(any::<u8>(), 0..32),
            reference in any_reference(),
        ) {
            exercise_all_parsers(&String::from_utf8_lossy(&bytes), reference);
        }

        #[test]
        fn valid_numbers_round_trip((twelve, coordination, reference) in valid_with_reference()) {
            let identity = ClientIdentity::parse_official(&twelve, reference).unwrap();
            prop_assert_eq!(identity.as_str(), twelve.as_str());
            prop_assert_eq!(identity.kind() == IdentityKind::Samordningsnummer, coordination);
            assert_well_formed(&identity);

            let (with_separator, ten_digit) = match &identity {
                ClientIdentity::Personnummer(p) => {
                    (p.display_with_separator(), p.display_ten_digit(reference))
                }
                ClientIdentity::Samordningsnummer(s) => {
                    (s.display_with_separator(), s.display_ten_digit(reference))
                }
                ClientIdentity::Reserve(_) => unreachable!("parse_official never yields Reserve"),
            };
            let parsed = ClientIdentity::parse_official(&with_separator, reference).unwrap();
            prop_assert_eq!(&parsed, &identity);

            let ten_digit = ten_digit.unwrap();
            prop_assert_eq!(ten_digit.len(), 11);
            let parsed = ClientIdentity::parse_official(&ten_digit, reference).unwrap();
            prop_assert_eq!(&parsed, &identity);
        }

        #[test]
        fn changing_one_digit_is_detected((twelve, _, _) in valid_number()) {
            let original = ClientIdentity::parse_official(&twelve, date(2099, 12, 31)).unwrap();
            for position in 0..12 {
                for digit in b'0'..=b'9' {
                    let mut bytes = twelve.clone().into_bytes();
                    if bytes[position] == digit {
                        continue;
                    }
                    bytes[position] = digit;
                    let mutated = String::from_utf8(bytes).unwrap();
                    let as_stored = Personnummer::from_canonical(&mutated).map(ClientIdentity::from)
                        .or_else(|_| Samordningsnummer::from_canonical(&mutated).map(ClientIdentity::from));
                    if position < 2 {
                        // The century digits are outside the check digit: a change there is
                        // either invalid or another valid number (for example 1945 -> 1845).
                        if let Ok(other) = as_stored {
                            prop_assert_ne!(&other, &original);
                        }
                    } else {
                        // Luhn detects every single-digit error in YYMMDDNNNC.
                        prop_assert!(as_stored.is_err(), "{} accepted", mutated);
                        let ten = mutated.get(2..).unwrap();
                        prop_assert!(
                            ClientIdentity::parse_official(ten, date(2099, 12, 31)).is_err(),
                            "{} accepted", ten
                        );
                    }
                }
            }
        }

        #[test]
        fn mobile_numbers_with_impossible_months_never_parse(
            prefix in prop::sample::select(vec!["072", "073", "076", "079", "0700"]),
            rest in "[0-9]{7}",
            reference in any_reference(),
        ) {
            // 10 digits, no separator: YY = "07", MM = the 3rd and 4th digits, which are
            // 2x/3x/6x/9x (>= 20) or 00 for these prefixes, so no date exists.
            let input: String = format!("{prefix}{rest}").chars().take(10).collect();
            prop_assert_eq!(input.len(), 10);
            let err = ClientIdentity::parse_official(&input, reference).unwrap_err();
            prop_assert!(
                matches!(
                    err,
                    E::NoSuchDate { month, .. } | E::NoSuchCoordinationDate { month, .. }
                        if month == 0 || month >= 20
                ) || matches!(err, E::UnsupportedYear { .. }),
                "{}: {:?}", input, err
            );
        }
    }
}
