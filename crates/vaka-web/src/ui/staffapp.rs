//! The staff app (`/app`): the care worker's phone app for today's home-care visits, installable
//! (a web app manifest) and offline-first (a service worker keeps the shell; an outbox in
//! IndexedDB keeps every record until the server has answered for it).
//!
//! The server's part is small: the shell page (the same for every user: no personal data, so
//! the service worker may keep it), the manifest, the service worker and the app's script and
//! style. Everything the app shows comes from the JSON API (`/api/v1/app/…`, through the door
//! and audited like every other read), and every word it shows comes from the Fluent files
//! (`locales/*/app.ftl`): the shell hands them to the script in `data-words`.

use std::sync::LazyLock;

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use vaka_domain::access::Permission;
use vaka_domain::homecare::CareTask;
use vaka_domain::homecare::visit::ManualReason;

use crate::i18n::Tr;
use crate::identity::Access;
use crate::page::{PageResult, Req, render};
use crate::routes::Routes;
use crate::state::AppState;

/// The words the app's script shows, by message id; the shell hands them over in its language.
pub const WORDS: &[&str] = &[
    "staffapp-title",
    "staffapp-loading",
    "staffapp-no_visits",
    "staffapp-not_allowed",
    "staffapp-fetched_at",
    "staffapp-offline",
    "staffapp-login_needed",
    "staffapp-fetch_failed",
    "staffapp-outbox_empty",
    "staffapp-outbox_one",
    "staffapp-outbox_many",
    "staffapp-sending",
    "staffapp-sent_at",
    "staffapp-send_failed",
    "staffapp-discard",
    "staffapp-record-visit_start",
    "staffapp-record-visit_end",
    "staffapp-record-visit_tasks",
    "staffapp-record-visit_note",
    "staffapp-expected",
    "staffapp-tasks_saved",
    "staffapp-note_saved",
    "staffapp-status-planned",
    "staffapp-status-started",
    "staffapp-status-ended",
    "staffapp-started_at",
    "staffapp-ended_at",
    "staffapp-queued",
    "staffapp-synced",
    "staffapp-late",
    "staffapp-clock_skew",
    "staffapp-manual_flag",
    "staffapp-reading",
    "staffapp-read_error",
    "staffapp-nfc_denied",
    "staffapp-nfc_off",
    "staffapp-nfc_missing",
    "staffapp-tag_no_url",
    "staffapp-tag_read",
    "staffapp-from_tag",
    "staffapp-unlocking",
    "staffapp-unlocked",
    "staffapp-unlock_refused",
    "staffapp-unlock_refused_why",
    "staffapp-unlock_sent",
    "staffapp-unlock_jammed",
    "staffapp-unlock_failed",
    "staffapp-unlock_offline",
    "staffapp-no_such_visit",
    "staffapp-refusal",
    "staffapp-error",
    "staffapp-start",
    "staffapp-end",
    "staffapp-start_help",
    "staffapp-end_help",
    "staffapp-manual_start",
    "staffapp-manual_end",
    "staffapp-refused_short",
    "staffapp-pin_saved",
    "staffapp-pin_wrong_one",
    "staffapp-pin_wrong_many",
    "staffapp-pin_gone",
    "staffapp-week_none",
    "staffapp-week_count",
    "staffapp-week_minutes",
    "staffapp-week_corrected",
    "staffapp-week_open",
    "staffapp-week_confirm",
    "staffapp-week_confirming",
    "staffapp-week_confirmed",
    "staffapp-week_thanks",
    "staffapp-week_not_confirmed",
    "staffapp-week_approved",
    "staffapp-week_not_over",
    "staffapp-week_offline",
    "staffapp-week_failed",
    "staffapp-record-signing",
    "staffapp-signings_none",
    "staffapp-sign_queued",
    "staffapp-sign_saved",
    "staffapp-no_delegation",
    "staffapp-sign_state-open",
    "staffapp-sign_state-missed",
    "staffapp-sign_state-upcoming",
    "staffapp-sign_state-signed",
    "staffapp-sign_reason_needed",
    "staffapp-sign_note_needed",
    "staffapp-sign_flagged",
    "staffapp-sign_late",
    "staffapp-sign_refused",
    "staffapp-signings_offline",
    "staffapp-as_needed_count",
];

/// The reason areas whose refusals the app may meet: the visit's sync, its tag and its door.
const REASON_AREAS: &[&str] = &[
    "homecare-",
    "nfc-",
    "tag-",
    "key-",
    "lock-",
    "input-",
    "delegation-",
];

/// The refusals of the PIN login (of the login's reasons, only these reach the app).
const PIN_REASONS: &[&str] = &["auth-pin-too-weak", "auth-app-device-needs-session"];

/// Words of the refusals the app may show, for the reasons that need no arguments (others are
/// shown as refused, without their details).
fn reason_words(t: Tr) -> String {
    let words: serde_json::Map<String, serde_json::Value> = vaka_domain::reason::Reason::all_ids()
        .filter(|id| REASON_AREAS.iter().any(|a| id.starts_with(a)) || PIN_REASONS.contains(id))
        .filter_map(|id| Some((id.to_owned(), t.plain(id)?.into())))
        .collect();
    serde_json::Value::Object(words).to_string()
}

/// The care tasks' names (`care-task-<code>`), by code.
fn task_words(t: Tr) -> String {
    let words: serde_json::Map<String, serde_json::Value> = CareTask::ALL
        .iter()
        .filter_map(|c| {
            let text = t.plain(&format!("care-task-{}", c.code()))?;
            Some((c.code().to_owned(), text.into()))
        })
        .collect();
    serde_json::Value::Object(words).to_string()
}

/// The outcomes a care worker signs in the app (code, words), in the order offered: "as-needed
/// given" is the as-needed task's own button, and "given late" is the server's to record.
fn signing_outcomes(t: Tr) -> Vec<(&'static str, String)> {
    use vaka_domain::delegation::SigningOutcome as O;
    [
        O::Given,
        O::PartlyGiven,
        O::NotGiven,
        O::CannotTake,
        O::SentWithClient,
        O::StockCountWrong,
    ]
    .iter()
    .map(|o| (o.code(), t.code("signing_outcome", o.code())))
    .collect()
}

/// Why a task was not given (code, words).
fn not_given_reasons(t: Tr) -> Vec<(&'static str, String)> {
    vaka_domain::delegation::NotGivenReason::ALL
        .iter()
        .map(|r| (r.code(), t.code("not_given_reason", r.code())))
        .collect()
}

/// Every outcome's words by code (a signing the server recorded is shown by its outcome).
fn outcome_words(t: Tr) -> String {
    let words: serde_json::Map<String, serde_json::Value> =
        vaka_domain::delegation::SigningOutcome::ALL
            .iter()
            .map(|o| {
                (
                    o.code().to_owned(),
                    t.code("signing_outcome", o.code()).into(),
                )
            })
            .collect();
    serde_json::Value::Object(words).to_string()
}

/// Why a visit may be started or ended without reading the tag (the domain's reason codes).
fn manual_reasons(t: Tr) -> Vec<(&'static str, String)> {
    ManualReason::ALL
        .iter()
        .map(|r| (r.code(), t.code("staffapp-manual", r.code())))
        .collect()
}

#[derive(Template)]
#[template(path = "staffapp.html")]
pub struct ShellPage {
    pub t: Tr,
    /// `WORDS` in the page's language, as JSON (an attribute value; askama escapes it).
    pub words: String,
    /// Why the server refused a record (the reasons of the visit's sync, the tag and the door
    /// that need no arguments), by reason id, as JSON.
    pub reasons_words: String,
    /// The care tasks' names by code, as JSON.
    pub tasks_words: String,
    /// The manual reasons: (code, words).
    pub reasons: Vec<(&'static str, String)>,
    /// The outcomes offered when signing a task: (code, words).
    pub outcomes: Vec<(&'static str, String)>,
    /// Why a task was not given: (code, words).
    pub not_given: Vec<(&'static str, String)>,
    /// Every outcome's words by code, as JSON.
    pub outcome_words: String,
    /// `vaka demo`: the app may offer a simulated tag where the phone cannot read one.
    pub demo: bool,
}

/// The app's shell: the same page for `/app` and every view under it (the script shows the
/// view the address names), so that the service worker can answer any of them offline.
async fn shell(req: Req) -> PageResult {
    let t = req.t;
    let words: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .map(|id| ((*id).to_owned(), t.t(id).into_owned().into()))
        .collect();
    let page = ShellPage {
        t,
        words: serde_json::Value::Object(words).to_string(),
        reasons_words: reason_words(t),
        tasks_words: task_words(t),
        reasons: manual_reasons(t),
        outcomes: signing_outcomes(t),
        not_given: not_given_reasons(t),
        outcome_words: outcome_words(t),
        demo: !req.state.demo_logins.is_empty(),
    };
    Ok(render(StatusCode::OK, &page))
}

/// Registers the shell's pages, for those who register visits. The shell holds nothing
/// personal; what it shows comes from the API, which holds each request to its permission and
/// need-to-know.
pub fn register(r: Routes) -> Routes {
    use Permission::VisitRegister;
    r.get("/app", Access::Permission(VisitRegister), shell)
        .get("/app/visit", Access::Permission(VisitRegister), shell)
        .get("/app/week", Access::Permission(VisitRegister), shell)
}

/// Whether the user has visits to record (the home page links to the app for them).
pub fn has_visits(p: &vaka_domain::access::Principal) -> bool {
    p.has_permission(Permission::VisitRegister)
}

const APP_JS: &str = include_str!("../../static/app/app.js");
const OUTBOX_JS: &str = include_str!("../../static/app/outbox.js");
const APP_CSS: &str = include_str!("../../static/app/app.css");
const SW_JS: &str = include_str!("../../static/app/sw.js");
const ICON_SVG: &str = include_str!("../../static/app/icon.svg");
const ICON_192: &[u8] = include_bytes!("../../static/app/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../static/app/icon-512.png");

/// The version of the app's files: a hash of them all, so that any change gives the service
/// worker a new text (the browser then installs it) and a new cache.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    // FNV-1a over every file, in order.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        APP_JS.as_bytes(),
        OUTBOX_JS.as_bytes(),
        APP_CSS.as_bytes(),
        SW_JS.as_bytes(),
        ICON_SVG.as_bytes(),
        ICON_192,
        ICON_512,
        include_bytes!("../../static/vaka.css"),
        include_bytes!("../../templates/staffapp.html"),
        include_bytes!("../../locales/sv/app.ftl"),
        include_bytes!("../../locales/en/app.ftl"),
    ] {
        for b in part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
});

/// The service worker, with the files' version written in.
static SW: LazyLock<String> = LazyLock::new(|| SW_JS.replace("__VERSION__", &VERSION));

/// The app's public files: the service worker, the manifest, the script, style and icons. They
/// hold nothing personal; the browser fetches the manifest and the service worker without a
/// session. Not in the route table: like `/static/`, they are open to all.
pub fn assets() -> Router<AppState> {
    Router::new()
        .route("/app/sw.js", get(service_worker))
        .route("/app/manifest.webmanifest", get(manifest))
        .route("/app/assets/{file}", get(asset))
}

async fn service_worker() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The browser looks for a new version on every start; the file is small.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        // The worker at /app/sw.js would reach /app/… only; `/app` itself is the start page.
        [("Service-Worker-Allowed", "/app")],
        SW.as_str(),
    )
        .into_response()
}

/// The web app manifest, in the reader's language (Swedish unless they chose English).
async fn manifest(t: Tr) -> Response {
    let body = serde_json::json!({
        "name": t.t("staffapp-name"),
        "short_name": t.t("staffapp-short_name"),
        "description": t.t("staffapp-description"),
        "lang": t.lang.code(),
        "dir": "ltr",
        "id": "/app",
        "start_url": "/app",
        "scope": "/app",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f5f7fa",
        "theme_color": "#0b5394",
        "icons": [
            {"src": "/app/assets/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/app/assets/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/app/assets/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": "/app/assets/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    });
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body.to_string(),
    )
        .into_response()
}

async fn asset(Path(file): Path<String>) -> Response {
    let (body, ct): (&[u8], &str) = match file.as_str() {
        "app.js" => (APP_JS.as_bytes(), "text/javascript; charset=utf-8"),
        "outbox.js" => (OUTBOX_JS.as_bytes(), "text/javascript; charset=utf-8"),
        "app.css" => (APP_CSS.as_bytes(), "text/css; charset=utf-8"),
        "icon.svg" => (ICON_SVG.as_bytes(), "image/svg+xml"),
        "icon-192.png" => (ICON_192, "image/png"),
        "icon-512.png" => (ICON_512, "image/png"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ct),
            // The service worker keeps its own copy per version; the browser revalidates.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The version the service worker carries (for tests).
pub fn version() -> &'static str {
    &VERSION
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_carries_the_files_version() {
        assert_eq!(version().len(), 16);
        assert!(SW.contains(version()));
        assert!(!SW.contains("__VERSION__"));
    }

    #[test]
    fn every_word_and_reason_has_a_message_in_both_languages() {
        for lang in [crate::i18n::Lang::Sv, crate::i18n::Lang::En] {
            let t = Tr::new(lang);
            for id in WORDS {
                assert_ne!(t.t(id), *id, "{id} in {}", lang.code());
            }
            for r in ManualReason::ALL {
                let code = r.code();
                assert_ne!(t.code("staffapp-manual", code), code, "{code}");
            }
        }
    }

    #[test]
    fn the_script_asks_only_for_words_the_shell_hands_over() {
        // `w("staffapp-…")` in the scripts: each id must be in WORDS.
        for (name, text) in [("app.js", APP_JS), ("outbox.js", OUTBOX_JS)] {
            for part in text.split("w(\"").skip(1) {
                let id = &part[..part.find('"').unwrap_or(0)];
                // `w("staffapp-status-" + st)`: a prefix, its messages listed in WORDS.
                if id.ends_with('-') {
                    assert!(WORDS.iter().any(|w| w.starts_with(id)), "{name}: {id}");
                    continue;
                }
                assert!(WORDS.contains(&id), "{name} uses {id:?}, not in WORDS");
            }
        }
    }
}
