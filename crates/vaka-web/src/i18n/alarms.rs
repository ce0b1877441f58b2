//! Reasons of the safety-alarm rules (the alarm centre's console, one alarm, the responder's
//! alarms, technical alarms and their checks) in Swedish. The pages' messages are in
//! `locales/*/alarms.ftl`.

/// Reasons from the alarm rules, in Swedish.
pub const REASONS_SV: &[(&str, &str)] = &[
    ("the alarm is closed", "larmet är avslutat"),
    (
        "another operator has the alarm",
        "en annan operatör har larmet",
    ),
    (
        "the alarm is already being handled",
        "larmet hanteras redan",
    ),
    (
        "only the operator who has the alarm can release it (before dispatching)",
        "bara operatören som har larmet kan släppa det (före utlarmning)",
    ),
    ("take the alarm first", "ta larmet först"),
    (
        "take the alarm before dispatching",
        "ta larmet innan du larmar ut",
    ),
    ("nothing to acknowledge", "det finns inget att kvittera"),
    (
        "acknowledge the dispatch first",
        "kvittera utlarmningen först",
    ),
    (
        "the alarm cannot be closed by you now",
        "du kan inte avsluta larmet nu",
    ),
    ("write the note", "skriv anteckningen"),
    (
        "only the provider's technical contact signs its checks",
        "bara utförarens teknikansvarige signerar dess kontroller",
    ),
    (
        "this check is already signed",
        "kontrollen är redan signerad",
    ),
    (
        "your roles do not include technical alarms",
        "dina roller omfattar inte tekniska larm",
    ),
    (
        "your roles do not include the alarm chain's health",
        "dina roller omfattar inte larmkedjans hälsa",
    ),
    (
        "write what the note is about",
        "skriv vad anteckningen gäller",
    ),
    ("at most 1000 characters", "högst 1000 tecken"),
    (
        "say what happened when the cause is other",
        "beskriv vad som hände när orsaken är Annan",
    ),
    (
        "an alarm without a client cannot be dispatched",
        "ett larm utan brukare kan inte larmas ut",
    ),
    (
        "the alarm changed meanwhile; reload and try again",
        "larmet ändrades under tiden; ladda om och försök igen",
    ),
    (
        "the alarm is outside your need-to-know",
        "larmet ligger utanför ditt behov av åtkomst",
    ),
    (
        "choose night_patrol, home_care or relative",
        "välj nattpatrull, hemtjänstgrupp eller anhörig",
    ),
    (
        "choose help_given, fall, ambulance, accidental, test, technical or other",
        "välj en orsak",
    ),
];
