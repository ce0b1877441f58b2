//! Reasons of the registry rules (clients, decisions, orders, consent, plans, pauses and
//! reports) in Swedish. The pages' messages are in `locales/*/registry.ftl`.

/// Swedish for the registry's reasons (English stays as is).
pub const REASONS_SV: &[(&str, &str)] = &[
    (
        "a client with that identity number already exists",
        "det finns redan en brukare med det personnumret",
    ),
    (
        "a pause lasts at most a year",
        "ett uppehåll varar högst ett år",
    ),
    (
        "a safety alarm has no supervision mode or times",
        "trygghetslarm har ingen tillsynsform eller tider",
    ),
    ("a time is given twice", "en tid står två gånger"),
    ("at most 12 times a night", "högst 12 tider per natt"),
    ("cannot be in the future", "kan inte ligga i framtiden"),
    (
        "consent cannot be dated in the future",
        "samtycke kan inte dateras i framtiden",
    ),
    (
        "give at least one time of the night",
        "ange minst en tid på natten",
    ),
    (
        "give the whole address (street, postcode and city) or none of it",
        "ange hela adressen (gata, postnummer och ort) eller ingen del av den",
    ),
    (
        "is a personnummer, not a samordningsnummer",
        "är ett personnummer, inte ett samordningsnummer",
    ),
    ("is before consent was given", "är före samtycket"),
    ("is before first_night", "är före första natten"),
    ("is before the decision starts", "är före beslutets början"),
    ("is before valid_from", "är före startdatum"),
    ("is in the past", "har redan passerat"),
    ("is not a care provider", "är inte en utförare"),
    ("is out of range", "är utanför tillåtet intervall"),
    (
        "is required for night supervision (camera, physical_visit or both)",
        "krävs för nattillsyn (kamera, fysiskt besök eller båda)",
    ),
    ("must be 5–180 minutes", "ska vara 5–180 minuter"),
    ("must be 5–60 minutes", "ska vara 5–60 minuter"),
    (
        "must be after the day consent was given",
        "ska vara efter dagen för samtycket",
    ),
    (
        "must be five digits, e.g. 123 45",
        "ska vara fem siffror, t.ex. 123 45",
    ),
    (
        "name the representative who consented",
        "ange företrädaren som samtyckte",
    ),
    ("no such organisation", "organisationen finns inte"),
    ("no such unit", "enheten finns inte"),
    ("no such user", "användaren finns inte"),
    (
        "only a new order can be accepted",
        "bara nya uppdrag kan tas emot",
    ),
    (
        "overlaps another decision on the same service for this client",
        "överlappar ett annat beslut om samma insats för brukaren",
    ),
    (
        "the client has no protected identity",
        "brukaren har inga skyddade personuppgifter",
    ),
    (
        "the client has no provider to carry out the decision; set one first",
        "brukaren har ingen utförare som kan verkställa beslutet; ange en först",
    ),
    (
        "the client is informed before consenting, not after",
        "brukaren informeras före samtycket, inte efter",
    ),
    (
        "the client is outside your need-to-know",
        "brukaren ligger utanför din behörighet",
    ),
    (
        "the consent is already withdrawn",
        "samtycket är redan återkallat",
    ),
    (
        "the decision has already ended",
        "beslutet har redan upphört",
    ),
    (
        "the order is not waiting to start",
        "uppdraget väntar inte på start",
    ),
    (
        "the pause is already cancelled",
        "uppehållet är redan borttaget",
    ),
    (
        "the provider has not accepted the order yet",
        "utföraren har inte tagit emot uppdraget ännu",
    ),
    (
        "the unit belongs to another provider",
        "enheten hör till en annan utförare",
    ),
    (
        "the user is already in the group",
        "användaren finns redan i gruppen",
    ),
    (
        "two contacts have the same order",
        "två kontaktpersoner har samma ordning",
    ),
    ("is not one of the choices", "är inte ett av alternativen"),
    (
        "is not a date (YYYY-MM-DD)",
        "är inte ett datum (ÅÅÅÅ-MM-DD)",
    ),
    (
        "must be a whole number of minutes",
        "ska vara ett helt antal minuter",
    ),
    ("choose a user", "välj en användare"),
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

/// Swedish for reasons that start the same and end with a detail (kept as it is).
pub const REASON_PREFIXES_SV: &[(&str, &str)] = &[
    ("no such date: ", "datumet finns inte: "),
    (
        "must have 10 or 12 digits, found ",
        "ska ha 10 eller 12 siffror, hittade ",
    ),
];
