//! Reasons of the night-supervision rules (the operator's console, the look-in and the night
//! patrol's dispatches) in Swedish. The pages' messages are in `locales/*/supervision.ftl`.

/// Reasons the supervision rules give, in Swedish.
pub const REASONS_SV: &[(&str, &str)] = &[
    ("the window has not opened", "fönstret har inte öppnat"),
    ("the window has closed", "fönstret har stängt"),
    ("the re-check is not due yet", "omtitten är inte aktuell än"),
    (
        "the supervision has moved on to staff on site",
        "tillsynen har gått vidare till personal på plats",
    ),
    (
        "the supervision is already finished",
        "tillsynen är redan avslutad",
    ),
    (
        "record an outcome after a look-in",
        "ange utfall efter en titt",
    ),
    (
        "record an outcome after your own look-in",
        "ange utfall efter din egen titt",
    ),
    (
        "there is no valid decision on night supervision",
        "det finns inget giltigt beslut om nattillsyn",
    ),
    (
        "there is no valid consent to night supervision",
        "det finns inget giltigt samtycke till nattillsyn",
    ),
    (
        "supervision is paused tonight",
        "tillsynen är pausad i natt",
    ),
    (
        "the client has no active camera",
        "brukaren har ingen aktiv kamera",
    ),
    ("the camera is not connected", "kameran är inte ansluten"),
    (
        "someone is already looking in through this camera",
        "någon tittar redan genom kameran",
    ),
    (
        "this supervision is a visit, not a look-in",
        "tillsynen är ett besök, inte en titt",
    ),
    (
        "the supervision changed meanwhile; try again",
        "tillsynen ändrades under tiden; försök igen",
    ),
    (
        "your roles do not include looking in",
        "dina roller omfattar inte tillsyn via kamera",
    ),
    (
        "your roles do not include responding to dispatches",
        "dina roller omfattar inte utryckningar",
    ),
    ("describe the deviation", "beskriv avvikelsen"),
    (
        "a visit is seen_ok or deviation",
        "ett besök är sett, OK eller avvikelse",
    ),
    (
        "this supervision is a look-in, not a visit",
        "tillsynen är en titt, inte ett besök",
    ),
    (
        "the period ends before it starts",
        "perioden slutar innan den börjar",
    ),
    (
        "one extract covers at most 366 nights",
        "ett uttag omfattar högst 366 nätter",
    ),
    ("give a date as YYYY-MM-DD", "ange datum som ÅÅÅÅ-MM-DD"),
    ("choose html, csv or pdf", "välj html, csv eller pdf"),
    ("give a month as YYYY-MM", "ange månad som ÅÅÅÅ-MM"),
    (
        "one report covers at most 24 months",
        "en rapport omfattar högst 24 månader",
    ),
    (
        "your roles do not include statistics",
        "dina roller omfattar inte statistik",
    ),
    ("choose json, csv or pdf", "välj json, csv eller pdf"),
    (
        "the dispatch is already closed",
        "utryckningen är redan avslutad",
    ),
    (
        "the dispatch is already acknowledged",
        "utryckningen är redan kvitterad",
    ),
    (
        "acknowledge the dispatch first",
        "kvittera utryckningen först",
    ),
    ("staff are already on the way", "personal är redan på väg"),
    (
        "arrival is already recorded",
        "ankomsten är redan registrerad",
    ),
    (
        "write what was done before closing",
        "skriv vad som gjordes innan du avslutar",
    ),
    (
        "the dispatch changed meanwhile; reload and try again",
        "utryckningen ändrades under tiden; ladda om och försök igen",
    ),
    ("the look-in has ended", "titten är avslutad"),
    (
        "staff are already sent; close the dispatch instead",
        "personal är redan skickad; avsluta utryckningen i stället",
    ),
];
