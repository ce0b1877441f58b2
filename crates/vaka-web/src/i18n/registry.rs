//! Swedish for the registry's reasons that are still English sentences: those of devices and
//! the CSV import. The registry's typed reasons have their words in
//! `locales/*/reasons/registry.ftl`, the pages' messages in `locales/*/registry.ftl`.

/// Swedish for the registry's reasons still given as English sentences (English stays as is).
pub const REASONS_SV: &[(&str, &str)] = &[
    ("is out of range", "är utanför tillåtet intervall"),
    ("no such organisation", "organisationen finns inte"),
    ("no such unit", "enheten finns inte"),
    ("is not one of the choices", "är inte ett av alternativen"),
    (
        "give the whole address (street, postcode and city) or none of it",
        "ange hela adressen (gata, postnummer och ort) eller ingen del av den",
    ),
    (
        "is a personnummer, not a samordningsnummer",
        "är ett personnummer, inte ett samordningsnummer",
    ),
    ("is not a care provider", "är inte en utförare"),
    (
        "must be five digits, e.g. 123 45",
        "ska vara fem siffror, t.ex. 123 45",
    ),
    (
        "the unit belongs to another provider",
        "enheten hör till en annan utförare",
    ),
    (
        "two contacts have the same order",
        "två kontaktpersoner har samma ordning",
    ),
    (
        "check digit does not match: check every digit for typos",
        "kontrollsiffran stämmer inte: kontrollera varje siffra",
    ),
    (
        "no number entered: enter YYYYMMDD-NNNN or YYMMDD-NNNN",
        "inget nummer angivet: skriv ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN",
    ),
    (
        "birth number 000 is never issued: check the last four digits",
        "födelsenummer 000 delas aldrig ut: kontrollera de fyra sista siffrorna",
    ),
    (
        "the '-' or '+' must stand right before the last four digits",
        "'-' eller '+' ska stå direkt före de fyra sista siffrorna",
    ),
    (
        "has more than one '-' or '+': use one separator, right before the last four digits",
        "har mer än ett '-' eller '+': använd ett skiljetecken, direkt före de fyra sista siffrorna",
    ),
    (
        "this is a personnummer, but a samordningsnummer (day 61-91) is required here",
        "detta är ett personnummer, men här krävs ett samordningsnummer (dag 61–91)",
    ),
    (
        "this is a samordningsnummer (day 61-91), but a personnummer is required here",
        "detta är ett samordningsnummer (dag 61–91), men här krävs ett personnummer",
    ),
];

/// Swedish for reasons that start the same and end with a detail (kept as it is). Transitional,
/// like the identity-number entries above: for the CSV import's plain-text problems.
pub const REASON_PREFIXES_SV: &[(&str, &str)] = &[
    ("no such date: ", "datumet finns inte: "),
    (
        "must have 10 or 12 digits, found ",
        "ska ha 10 eller 12 siffror, hittade ",
    ),
];

#[cfg(test)]
mod tests {
    use vaka_domain::personnummer::PersonnummerError as E;

    use crate::i18n::reason::api_words;
    use crate::i18n::{Lang, Tr};

    /// An identity number's reason says in English what the error's `Display` says (the API
    /// showed that text before the reasons were typed).
    #[test]
    fn identity_reasons_say_what_the_errors_display() {
        let (year, month, day) = (1945, 2, 30);
        for e in [
            E::Empty,
            E::InvalidCharacter { found: '/' },
            E::InvalidCharacter { found: '\u{0}' },
            E::TooManySeparators,
            E::WrongLength { digits: 11 },
            E::MisplacedSeparator,
            E::PlusWithCentury,
            E::UnsupportedYear { year: 1700 },
            E::NoSuchDate { year, month, day },
            E::NoSuchCoordinationDate { year, month, day },
            E::DateInFuture { year, month, day },
            E::BirthNumberZero,
            E::CheckDigit,
            E::IsSamordningsnummer,
            E::IsPersonnummer,
            E::NotCanonical,
            E::ReserveEmpty,
            E::ReserveTooLong { chars: 2026 },
            E::ReserveInvalidCharacter { found: 'ö' },
        ] {
            assert_eq!(api_words(&e.clone().into()), e.to_string());
            assert!(!Tr::new(Lang::Sv).reason_of(&e.into()).contains('{'));
        }
    }
}
