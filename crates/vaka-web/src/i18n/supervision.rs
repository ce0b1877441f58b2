//! Messages of the night-supervision pages: the operator's console, the look-in and the night
//! patrol's dispatches.

/// (key, Swedish, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("nav.console", "Tillsyn", "Supervision"),
    ("nav.patrol", "Utryckningar", "Dispatches"),
    ("console.title", "Tillsyn i natt", "Tonight's supervision"),
    (
        "console.intro",
        "Tillsyner som är aktuella nu och de närmaste tre timmarna. Listan uppdateras av sig själv. Varje titt loggas med vem, när och hur länge; ingen bild sparas.",
        "Look-ins due now and in the next three hours. The list updates by itself. Every look-in is logged with who, when and for how long; no image is stored.",
    ),
    ("console.live", "Direktuppdaterad", "Live"),
    (
        "console.offline",
        "Ingen kontakt med servern – försöker igen",
        "No contact with the server – retrying",
    ),
    (
        "console.none",
        "Inga tillsyner just nu.",
        "No look-ins right now.",
    ),
    ("console.due", "Planerad", "Due"),
    ("console.window", "Fönster", "Window"),
    ("console.client", "Brukare", "Client"),
    ("console.unit", "Enhet", "Unit"),
    ("console.camera", "Kamera", "Camera"),
    ("console.state", "Läge", "State"),
    ("console.look_in", "Titta in", "Look in"),
    ("console.camera_online", "Ansluten", "Connected"),
    ("console.camera_offline", "Ej ansluten", "Not connected"),
    ("console.camera_none", "Ingen kamera", "No camera"),
    ("console.recheck", "Omtitt", "Re-check"),
    (
        "lookin.title",
        "Tillsyn via kamera",
        "Look-in through the camera",
    ),
    (
        "lookin.privacy",
        "Bilden visas bara nu och sparas inte. Titten avslutas av sig själv.",
        "The picture is shown only now and is not stored. The look-in ends by itself.",
    ),
    ("lookin.remaining", "Tid kvar", "Time left"),
    ("lookin.seconds", "sekunder", "seconds"),
    (
        "lookin.ended",
        "Titten är avslutad och kameran har återgått till integritetsläge.",
        "The look-in has ended and the camera is back in its privacy position.",
    ),
    (
        "lookin.picture",
        "Bild från kameran",
        "Picture from the camera",
    ),
    ("lookin.outcome", "Vad såg du?", "What did you see?"),
    (
        "lookin.note",
        "Anteckning (krävs vid avvikelse)",
        "Note (required for a deviation)",
    ),
    ("lookin.seen_ok", "Sett, OK", "Seen, OK"),
    ("lookin.not_visible", "Syns inte", "Not visible"),
    ("lookin.deviation", "Avvikelse", "Deviation"),
    ("lookin.started", "Startad", "Started"),
    ("lookin.back", "Tillbaka till listan", "Back to the list"),
    (
        "supervision.outcome_saved",
        "Utfallet är sparat.",
        "The outcome is saved.",
    ),
    ("task_state.planned", "Planerad", "Planned"),
    ("task_state.open", "Fönstret är öppet", "Window open"),
    (
        "task_state.recheck_open",
        "Omtitt – fönstret är öppet",
        "Re-check – window open",
    ),
    (
        "task_state.looked_in",
        "Tittat, utfall saknas",
        "Looked in, no outcome yet",
    ),
    (
        "task_state.recheck_due",
        "Omtitt väntar",
        "Re-check waiting",
    ),
    ("task_state.done", "Klar", "Done"),
    (
        "task_state.escalated",
        "Eskalerad – personal skickad",
        "Escalated – staff sent",
    ),
    (
        "task_state.missed",
        "Missad – personal skickad",
        "Missed – staff sent",
    ),
    (
        "task_state.camera_unreachable",
        "Kameran nås inte – besök",
        "Camera unreachable – visit",
    ),
    ("task_state.closed", "Avslutad", "Closed"),
    ("task_state.paused", "Pausad", "Paused"),
    ("task_state.cancelled", "Inställd", "Cancelled"),
    ("patrol.title", "Utryckningar", "Dispatches"),
    (
        "patrol.intro",
        "Brukare som ska besökas nu. Klockan visar tiden sedan larmet mot insatsmålet. Listan uppdateras av sig själv.",
        "Clients to visit now. The clock shows the time since the dispatch against the response target. The list updates by itself.",
    ),
    (
        "patrol.none",
        "Inga öppna utryckningar.",
        "No open dispatches.",
    ),
    ("patrol.cause", "Orsak", "Cause"),
    ("patrol.since", "Sedan larmet", "Since dispatch"),
    ("patrol.target", "Insatsmål", "Response target"),
    ("patrol.address", "Adress", "Address"),
    (
        "patrol.protected",
        "Skyddad adress – se brukarens sida",
        "Protected address – see the client's page",
    ),
    (
        "patrol.phone_first",
        "Ring brukaren först",
        "Phone the client first",
    ),
    (
        "patrol.note",
        "Vad gjordes? (krävs för att avsluta)",
        "What was done? (required to close)",
    ),
    (
        "patrol.overdue",
        "Över insatsmålet",
        "Past the response target",
    ),
    (
        "patrol.step_saved",
        "Steget är sparat.",
        "The step is saved.",
    ),
    ("dispatch_step.acknowledge", "Kvittera", "Acknowledge"),
    ("dispatch_step.on_the_way", "På väg", "On the way"),
    ("dispatch_step.arrived", "Framme", "Arrived"),
    ("dispatch_step.close", "Avsluta", "Close"),
    ("dispatch_status.new", "Ny", "New"),
    ("dispatch_status.acknowledged", "Kvitterad", "Acknowledged"),
    ("dispatch_status.on_the_way", "På väg", "On the way"),
    ("dispatch_status.arrived", "Framme", "Arrived"),
    ("dispatch_status.closed", "Avslutad", "Closed"),
    (
        "dispatch_cause.not_visible_twice",
        "Syntes inte vid två tittar",
        "Not visible twice",
    ),
    (
        "dispatch_cause.deviation",
        "Avvikelse sedd",
        "Deviation seen",
    ),
    (
        "dispatch_cause.missed",
        "Tillsynen missades",
        "Supervision missed",
    ),
    (
        "dispatch_cause.camera_unreachable",
        "Kameran nås inte",
        "Camera unreachable",
    ),
];

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
