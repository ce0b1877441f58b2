//! The page walk, in Swedish: the acceptance test of "the Swedish UI shows no English".
//!
//! Every person of the test world (one per role and organisation) logs in to the pages and
//! follows every same-site link from the home page, breadth first; then submits every form it
//! found once with bad input. A visitor without a login and one half-way through the login do
//! the same with what they can reach, and a few error pages are opened on purpose. Every page
//! must answer without a server error, and the text a user sees or hears on it — the text of
//! the page and the attributes that are shown or read out — must hold no English word.
//!
//! The language is the default: no language cookie is sent, so every page is in Swedish.

use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};
use std::fmt::Write as _;

use axum::http::{Method, StatusCode, header};
use serde_json::json;
use vaka_domain::access::Role;
use vaka_domain::ids::ClientId;

use crate::db_tests;
use crate::support::{Auth, Res, TestApp};
use crate::world::{PASSWORD, World};

// ---------------------------------------------------------------------------------------------
// The English detector
// ---------------------------------------------------------------------------------------------

/// Words that English UI text is made of and Swedish text is not: function words, the words of
/// error messages, and the words of buttons, menus and states. Matched as whole words, ignoring
/// case. Words that are also Swedish are left out on purpose: "in", "is", "it", "be", "by",
/// "men", "all", "bad", "far", "form", "kind", "mode", "show", "fri", "pm", and the shared
/// loanwords (alarm, order, plan, status, start, test, import, export, service, system,
/// organisation, data, problem, person, admin, information, november, december, april).
#[rustfmt::skip]
const ENGLISH_WORDS: &[&str] = &[
    // Function words.
    "the", "and", "with", "without", "not", "must", "cannot", "can't", "don't", "doesn't", "isn't",
    "please", "should", "which", "your", "you", "this", "that", "these", "those", "was", "were",
    "has", "have", "had", "been", "are", "of", "to", "from", "into", "there", "their", "will",
    "would", "could", "yes", "does", "here", "when", "where", "what", "why", "or", "if", "at", "on",
    "as", "than", "then", "only", "any", "some", "each", "every", "other", "such", "found",
    "allowed",
    // Error messages.
    "invalid", "required", "error", "errors", "failed", "forbidden", "unauthorized", "unknown",
    "missing", "empty", "expired", "wrong", "incorrect", "already", "exists", "denied", "access",
    "permission", "internal", "server", "request", "something", "went", "again", "later", "too",
    "large", "long", "short", "deserialize", "body", "query", "string", "payload", "resource",
    "field", "value", "page",
    // Buttons, menus, labels and states.
    "save", "cancel", "search", "settings", "submit", "delete", "remove", "add", "edit", "new",
    "create", "update", "open", "close", "closed", "hide", "select", "choose", "none", "sign",
    "login", "logout", "log", "home", "back", "next", "previous", "filter", "reset", "clear",
    "confirm", "approve", "reject", "deactivate", "reactivate", "revoke", "upload", "download",
    "accept", "withdraw", "record", "end", "take", "release", "contact", "dispatch", "acknowledge",
    "name", "date", "time", "type", "note", "key", "phone", "address", "serial", "model", "link",
    "step", "chain", "visit", "camera", "patrol", "night", "unit", "units", "role", "roles",
    "client", "clients", "device", "devices", "decision", "decisions", "consent", "supervision",
    "report", "reports", "statistics", "audit", "profile", "password", "user", "users", "username",
    "email", "token", "tokens", "alarms", "orders", "active", "inactive", "enabled", "disabled",
    "pending", "approved", "rejected", "requested", "accepted", "ordered", "activated", "cancelled",
    "withdrawn", "ended", "planned", "taken", "dispatched", "today", "yesterday", "tomorrow",
    "minutes", "hours", "seconds", "days", "weeks", "months",
    // Dates: the English names that differ from the Swedish ones.
    "january", "february", "march", "may", "june", "july", "august", "october", "oct", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu",
    "sat", "sun", "am",
];

/// Text that may stand on a Swedish page although it holds a word of `ENGLISH_WORDS`, and
/// why. Matched exactly (case and all) and taken out before the words are looked at. Every
/// entry must be needed by some page of the walk (the test checks it), so that the list does
/// not outlive its reason.
const ALLOWED: &[(&str, &str)] = &[
    // The model of the device the fixture registers (`authz_matrix::registry_targets`): a
    // product name, as the supplier writes it.
    ("Doro Visit", "a device model name from the test data"),
    // The import page lists the code values a CSV file must hold (`import-col-protection`,
    // `import-col-key_access`, `import-col-kind`, `import-col-dc09_key_style`): the file
    // format's own tokens, quoted.
    (
        "camera, alarm_unit, lock eller nfc_tag",
        "CSV code values the import file must contain",
    ),
    (
        "ascii eller hex; clear",
        "CSV code values the import file must contain (`import-col-dc09_key_style`)",
    ),
    (
        "none (standard), digital_lock, key_box eller reserve_key",
        "CSV code values the import file must contain (`import-col-key_access`)",
    ),
    (
        "none (standard), confidentiality_marking, protected_registration eller fictitious_identity",
        "CSV code values the import file must contain (`import-col-protection`)",
    ),
    (
        "town (standard), countryside eller special_housing",
        "CSV code values the import file must contain (`import-col-area_type`)",
    ),
    (
        "sun eller plain",
        "CSV code values the import file must contain (`import-col-tag_strength`)",
    ),
];

/// Text a page marks as another language (`lang="en"`): the language switch names English in
/// English, as it must (WCAG 3.1.2, language of parts). Only this text may be so marked.
const OTHER_LANGUAGE: &[&str] = &["In English"];

/// An English word found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    word: String,
    context: String,
}

/// The words of `text` with their byte ranges. A word is a run of letters, digits and `_`
/// (an apostrophe between letters belongs to the word: "can't"; so does a dot, which makes a
/// code such as `auth.login` in a tooltip one token, not two words).
fn words(text: &str) -> Vec<(usize, usize)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i].1) {
            i += 1;
            continue;
        }
        let start = chars[i].0;
        while i < chars.len()
            && (is_word(chars[i].1)
                || (matches!(chars[i].1, '\'' | '’' | '.')
                    && i + 1 < chars.len()
                    && chars[i + 1].1.is_alphabetic()
                    && i > 0
                    && chars[i - 1].1.is_alphabetic()))
        {
            i += 1;
        }
        let end = chars.get(i).map_or(text.len(), |c| c.0);
        out.push((start, end));
    }
    out
}

/// About 80 characters of `text` around `start..end`.
fn context(text: &str, start: usize, end: usize) -> String {
    let mut from = start.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (end + 40).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    text[from..to]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The English words of `text`, after the allowed phrases are taken out (those used are added
/// to `used`).
fn english_in(text: &str, used: &mut BTreeSet<&'static str>) -> Vec<Hit> {
    let mut cleaned = text.to_owned();
    for (phrase, _) in ALLOWED {
        if cleaned.contains(phrase) {
            used.insert(phrase);
            cleaned = cleaned.replace(phrase, &" ".repeat(phrase.len()));
        }
    }
    english_words(&cleaned)
}

/// The English words on a Swedish page (for tests of pages the walk does not reach), each
/// with its context.
pub(crate) fn english_on_page(html: &str) -> Vec<String> {
    let mut used = BTreeSet::new();
    visible_text(html)
        .texts
        .iter()
        .flat_map(|t| english_in(t, &mut used))
        .map(|h| format!("{:?} in {:?}", h.word, h.context))
        .collect()
}

/// The words of `text` that are in `ENGLISH_WORDS`. Tokens with digits or `_` are codes and
/// ids, not words.
fn english_words(text: &str) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (start, end) in words(text) {
        let word = text[start..end].to_lowercase().replace('’', "'");
        if word.chars().any(|c| c.is_ascii_digit() || c == '_') {
            continue;
        }
        if ENGLISH_WORDS.contains(&word.as_str()) {
            hits.push(Hit {
                word: text[start..end].to_owned(),
                context: context(text, start, end),
            });
        }
    }
    hits
}

/// Codes a device or the system gives an alarm (the test world's personal alarm has `MA`; a
/// missed heartbeat the system's own `heartbeat`): shown as words, the code only in a tooltip.
const RAW_ALARM_CODES: &[&str] = &["MA", "heartbeat"];

/// The codes that have words: the part after the prefix of every message id named
/// `{prefix}-{code}` whose code is `snake_case` (`service-night_supervision`,
/// `alarm_category-heartbeat_missed`, `task_state-camera_unreachable`, `role-night_patrol`).
fn worded_codes(ids: &HashSet<String>) -> HashSet<String> {
    ids.iter()
        .filter_map(|id| id.split_once('-'))
        .map(|(_, code)| code)
        .filter(|code| code.contains('_') && !code.contains('-'))
        .map(str::to_owned)
        .collect()
}

/// The raw codes in `text` (after the allowed phrases are taken out): an audit action's code
/// (`auth.login`), an alarm's event code (`MA`, `heartbeat`), or a code that has words in the
/// Fluent files (`worded`: `night_supervision`, `heartbeat_missed`, `camera_unreachable`).
fn raw_codes(
    text: &str,
    used: &mut BTreeSet<&'static str>,
    worded: &HashSet<String>,
) -> Vec<String> {
    let mut cleaned = text.to_owned();
    for (phrase, _) in ALLOWED {
        if cleaned.contains(phrase) {
            used.insert(phrase);
            cleaned = cleaned.replace(phrase, &" ".repeat(phrase.len()));
        }
    }
    let actions: HashSet<&str> = vaka_domain::audit::AuditAction::ALL
        .iter()
        .map(|a| a.code())
        .collect();
    cleaned
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| actions.contains(t) || RAW_ALARM_CODES.contains(t) || worded.contains(*t))
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Reading HTML (the pages are our own templates: well formed, attributes quoted)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
    closing: bool,
    self_closing: bool,
}

impl Tag {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
enum Node {
    Tag(Tag),
    Text(String),
}

#[rustfmt::skip]
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
];

/// Decodes the character references askama writes (and the common named ones).
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let decoded = after.find(';').filter(|n| *n <= 10).and_then(|semi| {
            let name = &after[..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, semi))
        });
        if let Some((c, semi)) = decoded {
            out.push(c);
            rest = &after[semi + 1..];
        } else {
            out.push('&');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn read_tag(html: &str, start: usize, closing: bool) -> (Tag, usize) {
    let b = html.as_bytes();
    let mut i = start;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
        i += 1;
    }
    let name = html[start..i].to_ascii_lowercase();
    let mut attrs = Vec::new();
    let mut self_closing = false;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b[i] == b'>' {
            i += 1;
            break;
        }
        if b[i] == b'/' {
            self_closing = true;
            i += 1;
            continue;
        }
        let key_start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let key = html[key_start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && matches!(b[i], b'"' | b'\'') {
                let quote = b[i] as char;
                let value_start = i + 1;
                let value_end = html[value_start..]
                    .find(quote)
                    .map_or(b.len(), |e| value_start + e);
                value = decode(&html[value_start..value_end]);
                i = (value_end + 1).min(b.len());
            } else {
                let value_start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                value = decode(&html[value_start..i]);
            }
        }
        if key.is_empty() {
            // Not an attribute (a stray character): step over it.
            i = i.max(key_start + 1);
            continue;
        }
        attrs.push((key, value));
    }
    (
        Tag {
            name,
            attrs,
            closing,
            self_closing,
        },
        i,
    )
}

/// The tags and texts of `html`; comments, doctype, and the content of `script` and `style`
/// are dropped.
fn parse(html: &str) -> Vec<Node> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut i = 0;
    let push_text = |out: &mut Vec<Node>, s: &str| {
        if !s.is_empty() {
            out.push(Node::Text(decode(s)));
        }
    };
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &html[i..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            push_text(&mut out, &html[text_start..i]);
            i = comment.find("-->").map_or(b.len(), |e| i + 4 + e + 3);
            text_start = i;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            push_text(&mut out, &html[text_start..i]);
            i = rest.find('>').map_or(b.len(), |e| i + e + 1);
            text_start = i;
            continue;
        }
        let closing = b.get(i + 1) == Some(&b'/');
        let name_start = if closing { i + 2 } else { i + 1 };
        if !b.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        push_text(&mut out, &html[text_start..i]);
        let (tag, end) = read_tag(html, name_start, closing);
        i = end;
        if !tag.closing && matches!(tag.name.as_str(), "script" | "style") {
            let close = format!("</{}", tag.name);
            i = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| i + e);
        }
        out.push(Node::Tag(tag));
        text_start = i;
    }
    push_text(&mut out, &html[text_start..]);
    out
}

/// What a user sees or hears on a page.
#[derive(Debug, Default)]
struct Visible {
    /// Texts in the page's language (Swedish): checked.
    texts: Vec<String>,
    /// Texts marked as another language (`lang` other than Swedish).
    other_language: Vec<String>,
    /// The text nodes in the page's language, machine tokens of a `MACHINE` class included
    /// (but not `code`, `kbd` or `samp`, nor attributes such as a `title` tooltip, where a code
    /// may stand): where a raw code must not (`raw_codes`).
    shown: Vec<String>,
}

/// The classes the templates give to machine tokens: `mono` (ids, identity numbers, serials,
/// accounts, codes), `secret` (a one-time password, an API key, a TOTP secret shown to copy)
/// and `codes` (the list of recovery codes).
const MACHINE: &[&str] = &["mono", "secret", "codes"];

/// The visible text of `html`: text nodes (not scripts or styles), and the attributes that are
/// shown or read out — `title`, `placeholder`, `aria-label`, `alt`, `data-confirm` (the
/// confirmation dialog of `vaka.js`), `data-announce` and `data-notify` (what `vaka.js` announces
/// and notifies of a new alarm), and the `value` of button-like inputs. A single token in
/// `code`, `kbd`, `samp` or an element of a `MACHINE` class is a machine token (an identity
/// number, a serial, an account, a recovery code, a column name of the import format) and is
/// not checked as a word.
fn visible_text(html: &str) -> Visible {
    struct Open {
        name: String,
        other_language: bool,
        code: bool,
    }
    let mut visible = Visible::default();
    let mut stack: Vec<Open> = Vec::new();
    let add = |visible: &mut Visible, other: bool, s: &str| {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.is_empty() {
            return;
        }
        if other {
            visible.other_language.push(s);
        } else {
            visible.texts.push(s);
        }
    };
    for node in parse(html) {
        match node {
            Node::Text(t) => {
                let (other, code) = stack
                    .last()
                    .map_or((false, false), |o| (o.other_language, o.code));
                let in_code = stack
                    .iter()
                    .any(|o| matches!(o.name.as_str(), "code" | "kbd" | "samp"));
                if !other && !in_code {
                    let s = t.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !s.is_empty() {
                        visible.shown.push(s);
                    }
                }
                if code && t.split_whitespace().count() <= 1 {
                    continue;
                }
                add(&mut visible, other, &t);
            }
            Node::Tag(tag) if tag.closing => {
                if let Some(at) = stack.iter().rposition(|o| o.name == tag.name) {
                    stack.truncate(at);
                }
            }
            Node::Tag(tag) => {
                let (parent_other, parent_code) = stack
                    .last()
                    .map_or((false, false), |o| (o.other_language, o.code));
                let other = match tag.attr("lang") {
                    Some(l) => !l.to_ascii_lowercase().starts_with("sv"),
                    None => parent_other,
                };
                let code = parent_code
                    || matches!(tag.name.as_str(), "code" | "kbd" | "samp")
                    || tag
                        .attr("class")
                        .is_some_and(|c| c.split_whitespace().any(|c| MACHINE.contains(&c)));
                for (k, v) in &tag.attrs {
                    let shown = match k.as_str() {
                        "title" | "placeholder" | "aria-label" | "alt" | "data-confirm"
                        | "data-announce" | "data-notify" => true,
                        "value" => {
                            tag.name == "input"
                                && matches!(tag.attr("type"), Some("submit" | "button" | "reset"))
                        }
                        _ => false,
                    };
                    if shown {
                        add(&mut visible, other, v);
                    }
                }
                if !tag.self_closing && !VOID.contains(&tag.name.as_str()) {
                    stack.push(Open {
                        name: tag.name,
                        other_language: other,
                        code,
                    });
                }
            }
        }
    }
    visible
}

/// A field of a form, and what the walk sends in it.
#[derive(Debug, Clone)]
enum Field {
    /// Sent as it is (the form token, ids, fixed choices).
    Hidden(String),
    /// Text: sent empty.
    Text,
    /// A date, time or number: sent as "x".
    Typed,
    /// A list: sent empty (no choice).
    Select,
    /// A checkbox or radio button: sent as a browser would, if checked.
    Check { checked: bool, value: String },
    /// A file: an empty one.
    File,
}

#[derive(Debug, Clone)]
struct Form {
    /// The page the form is on.
    page: String,
    get: bool,
    action: String,
    multipart: bool,
    fields: Vec<(String, Field)>,
    /// The named submit buttons (a browser sends the one clicked).
    buttons: Vec<(String, String)>,
    /// Whether the form has a submit button at all (one without is a read-only view).
    submittable: bool,
}

/// The same-site links (`href`, and the live feeds of `data-live`) and the forms of a page.
fn links_and_forms(page: &str, html: &str) -> (Vec<String>, Vec<String>, Vec<Form>) {
    let mut links = Vec::new();
    let mut feeds = Vec::new();
    let mut forms = Vec::new();
    let mut current: Option<Form> = None;
    for node in parse(html) {
        let Node::Tag(tag) = node else { continue };
        if tag.closing {
            if tag.name == "form"
                && let Some(f) = current.take()
            {
                forms.push(f);
            }
            continue;
        }
        if let Some(href) = tag.attr("href")
            && tag.name == "a"
        {
            links.push(href.to_owned());
        }
        if let Some(feed) = tag.attr("data-live") {
            feeds.push(feed.to_owned());
        }
        match tag.name.as_str() {
            "form" => {
                let action = tag.attr("action").unwrap_or_default();
                current = Some(Form {
                    page: page.to_owned(),
                    get: !tag
                        .attr("method")
                        .is_some_and(|m| m.eq_ignore_ascii_case("post")),
                    action: if action.is_empty() {
                        page.to_owned()
                    } else {
                        action.to_owned()
                    },
                    multipart: tag
                        .attr("enctype")
                        .is_some_and(|e| e.starts_with("multipart/")),
                    fields: Vec::new(),
                    buttons: Vec::new(),
                    submittable: false,
                });
            }
            "input" | "select" | "textarea" | "button" => {
                let Some(form) = current.as_mut() else {
                    continue;
                };
                let name = tag.attr("name").unwrap_or_default().to_owned();
                let value = tag.attr("value").unwrap_or_default().to_owned();
                let ty = tag.attr("type").unwrap_or_default().to_ascii_lowercase();
                let button = tag.name == "button" && matches!(ty.as_str(), "" | "submit")
                    || tag.name == "input" && ty == "submit";
                if button {
                    form.submittable = true;
                    if !name.is_empty() {
                        form.buttons.push((name, value));
                    }
                    continue;
                }
                // A browser does not send a disabled field.
                if name.is_empty() || tag.name == "button" || tag.attr("disabled").is_some() {
                    continue;
                }
                let field = match (tag.name.as_str(), ty.as_str()) {
                    ("select", _) => Field::Select,
                    ("textarea", _) => Field::Text,
                    (_, "hidden") => Field::Hidden(value),
                    (_, "checkbox" | "radio") => Field::Check {
                        checked: tag.attr("checked").is_some(),
                        value: if value.is_empty() { "on".into() } else { value },
                    },
                    (_, "file") => Field::File,
                    (
                        _,
                        "date" | "time" | "datetime-local" | "month" | "week" | "number" | "range",
                    ) => Field::Typed,
                    _ => Field::Text,
                };
                form.fields.push((name, field));
            }
            _ => {}
        }
    }
    (links, feeds, forms)
}

// ---------------------------------------------------------------------------------------------
// The walk
// ---------------------------------------------------------------------------------------------

/// Pages per walker at most: far above what the test world has, so that reaching it means a
/// link loop the de-duplication missed.
const CAP: usize = 300;

/// The people who walk, in the order their forms are sent: those whose forms change the least
/// for others first, the administrators last. (`b_victim` is the target of destructive forms.)
const WALKERS: &[&str] = &[
    "a_staff",
    "b_staff",
    "a_nurse",
    "a_patrol",
    "c_operator",
    "m_assessor",
    "m_manager",
    "c_admin",
    "b_admin",
    "a_unitmgr",
    "m_admin",
];

/// What the walk found.
#[derive(Default)]
struct Report {
    problems: Vec<String>,
    pages_checked: usize,
    allowed_used: BTreeSet<&'static str>,
    other_language: BTreeSet<String>,
    /// The message ids of the pages (an id shown as text is a missing translation).
    message_ids: HashSet<String>,
    /// The codes that have words (`worded_codes`).
    worded_codes: HashSet<String>,
    /// Links the pages show that answer 403 or 404.
    refused_links: BTreeSet<String>,
    /// Forms not sent, with why.
    skipped: BTreeMap<String, usize>,
    summary: Vec<String>,
}

impl Report {
    /// Checks the text of an HTML page (or of an HTML fragment of a live feed).
    fn check_html(&mut self, who: &str, path: &str, html: &str) {
        let visible = visible_text(html);
        self.pages_checked += 1;
        for text in &visible.texts {
            self.check_text(who, path, text);
        }
        for text in &visible.shown {
            self.check_codes(who, path, text);
        }
        self.other_language.extend(visible.other_language);
    }

    /// Checks that a text shown on the page holds no raw code where words belong.
    fn check_codes(&mut self, who: &str, path: &str, text: &str) {
        for code in raw_codes(text, &mut self.allowed_used, &self.worded_codes) {
            self.problems.push(format!(
                "{who} {path}: the code {code:?} is shown instead of words in \"{text}\""
            ));
        }
    }

    /// Checks a text a user sees.
    fn check_text(&mut self, who: &str, path: &str, text: &str) {
        for hit in english_in(text, &mut self.allowed_used) {
            self.problems.push(format!(
                "{who} {path}: English word {:?} in \"{}\"",
                hit.word, hit.context
            ));
        }
        for token in text.split(|c: char| c.is_whitespace() || ",.:;()·—".contains(c)) {
            if token.contains('-') && self.message_ids.contains(token) {
                self.problems.push(format!(
                    "{who} {path}: the message id {token:?} is shown instead of its text"
                ));
            }
        }
    }
}

/// Every message id of the Fluent files, Swedish and English.
fn message_ids() -> HashSet<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../vaka-web/locales");
    let mut ids = HashSet::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "ftl") {
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    if let Some((id, _)) = line.split_once(" =")
                        && id.starts_with(|c: char| c.is_ascii_lowercase())
                        && id
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
                    {
                        ids.insert(id.to_owned());
                    }
                }
            }
        }
    }
    assert!(ids.len() > 100, "the Fluent files were not found");
    ids
}

fn is_html(res: &Res) -> bool {
    res.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

fn content_type(res: &Res) -> &str {
    res.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The key a link is visited under: its path and the names of its query parameters (so that
/// pages of a list, or the same filter with other values, are one page to the walk).
fn link_key(link: &str) -> String {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap_or_default();
    let names: BTreeSet<String> = pairs.into_iter().map(|(k, _)| k).collect();
    format!("{path}?{}", names.into_iter().collect::<Vec<_>>().join("&"))
}

/// A same-site link the walk follows, without its fragment; `None` for the rest.
fn followable(href: &str) -> Option<String> {
    let href = href.split('#').next().unwrap_or_default();
    if !href.starts_with('/') || href.starts_with("//") {
        // Off-site, `tel:`, or a fragment of the same page.
        return None;
    }
    let path = href.split('?').next().unwrap_or_default();
    // The API speaks JSON to programs; static files are not pages; logging out is a form.
    if path.starts_with("/api/") || path.starts_with("/static/") || path == "/logout" {
        return None;
    }
    Some(href.to_owned())
}

/// A GET with same-site redirects followed; the final path and answer. `logged_in`: a redirect
/// to the login page is a lost session, and fails.
async fn fetch(app: &TestApp, auth: &Auth, path: &str, logged_in: bool) -> (String, Res) {
    let mut path = path.to_owned();
    for _ in 0..5 {
        let res = app.get(&path, auth).await;
        if !res.status.is_redirection() {
            return (path, res);
        }
        let to = res
            .location()
            .unwrap_or_else(|| panic!("{path}: a redirect without a location"))
            .to_owned();
        assert!(
            to.starts_with('/') && !to.starts_with("//"),
            "{path}: redirects off the site to {to}"
        );
        assert!(
            !(logged_in && to.starts_with("/login")),
            "{path}: the walker was logged out (redirect to {to})"
        );
        path = to;
    }
    panic!("{path}: a redirect loop");
}

/// The checks of one answer: no server error; an HTML page is Swedish; an event stream's
/// fragments and refusals are Swedish.
fn check_answer(report: &mut Report, who: &str, path: &str, res: &Res) {
    if res.status.is_server_error() {
        report.problems.push(format!(
            "{who} {path}: {} (server error)\n{}",
            res.status, res.body
        ));
        return;
    }
    if is_html(res) {
        report.check_html(who, path, &res.body);
    } else if content_type(res).starts_with("text/event-stream") {
        for event in res.body.split("\n\n") {
            let mut kind = "message";
            let mut data = Vec::new();
            for line in event.lines() {
                if let Some(k) = line.strip_prefix("event:") {
                    kind = k.trim();
                } else if let Some(d) = line.strip_prefix("data:") {
                    data.push(d.strip_prefix(' ').unwrap_or(d));
                }
            }
            let data = data.join("\n");
            match kind {
                "update" => report.check_html(who, path, &data),
                _ if !data.is_empty() => report.check_text(who, path, &data),
                _ => {}
            }
        }
    } else if res.status.is_client_error() && !res.body.trim().is_empty() {
        // An error a page shows must be a page, not the API's English.
        report.problems.push(format!(
            "{who} {path}: {} answered as {:?}, not as a page: {}",
            res.status,
            content_type(res),
            res.body
        ));
    }
}

/// What one walker found.
struct Walk {
    who: String,
    auth: Auth,
    logged_in: bool,
    pages: usize,
    downloads: usize,
    forms: Vec<Form>,
}

/// Follows every link from `start`, breadth first, checking every page.
async fn crawl(
    app: &TestApp,
    report: &mut Report,
    who: &str,
    auth: Auth,
    logged_in: bool,
    start: &str,
) -> Walk {
    let mut queue = VecDeque::from([start.to_owned()]);
    let mut seen = HashSet::from([link_key(start)]);
    let mut seen_forms = HashSet::new();
    let mut walk = Walk {
        who: who.to_owned(),
        auth,
        logged_in,
        pages: 0,
        downloads: 0,
        forms: Vec::new(),
    };
    while let Some(link) = queue.pop_front() {
        assert!(
            walk.pages + walk.downloads < CAP,
            "{who}: more than {CAP} pages; a link loop?"
        );
        let (path, res) = fetch(app, &walk.auth, &link, logged_in).await;
        check_answer(report, who, &path, &res);
        if !is_html(&res) {
            walk.downloads += 1;
            continue;
        }
        walk.pages += 1;
        assert!(
            !visible_text(&res.body).texts.is_empty(),
            "{who} {path}: a page without text?\n{}",
            res.body
        );
        if matches!(res.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) {
            // A deliberate refusal (checked above as a page in Swedish), listed in the output.
            report
                .refused_links
                .insert(format!("{who} {link}: {}", res.status));
        } else if !res.status.is_success() {
            report
                .problems
                .push(format!("{who} {link}: a link answers {}", res.status));
        }
        let (links, feeds, forms) = links_and_forms(&path, &res.body);
        for link in links.iter().chain(&feeds).filter_map(|l| followable(l)) {
            if seen.insert(link_key(&link)) {
                queue.push_back(link);
            }
        }
        for form in forms {
            let mut names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
            names.sort_unstable();
            let key = format!(
                "{} {} {} {:?}",
                form.get,
                form.action,
                names.join(","),
                form.buttons
            );
            if seen_forms.insert(key) {
                walk.forms.push(form);
            }
        }
    }
    walk
}

/// Why a form is not sent, if it is not.
fn skip_reason(form: &Form, walker_ids: &[String]) -> Option<&'static str> {
    if !form.submittable {
        return Some("no submit button: the form shows settings read-only");
    }
    let action = form.action.split('?').next().unwrap_or_default();
    match action {
        "/logout" => return Some("logging out ends the walk"),
        "/profile/logout-everywhere" => {
            return Some("logging out everywhere ends the walker's session");
        }
        _ => {}
    }
    if let Some(rest) = action.strip_prefix("/admin/users/")
        && let Some((id, what)) = rest.split_once('/')
        && walker_ids.iter().any(|w| w == id)
        && (matches!(
            what,
            "deactivate" | "reset-password" | "reset-second-factor"
        ) || what.starts_with("roles/") && what.ends_with("/remove"))
    {
        return Some(
            "an account action on a walker would end their session or change their rights \
             (the same forms are sent for b_victim and the requested account)",
        );
    }
    None
}

/// Sends a form once with bad input: text empty, dates and numbers "x", lists without a
/// choice, an empty file; hidden fields (the form token among them) as they are; `button` as
/// the one clicked.
async fn submit(app: &TestApp, auth: &Auth, form: &Form, button: Option<&(String, String)>) -> Res {
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut files = Vec::new();
    for (name, field) in &form.fields {
        let value = match field {
            Field::Hidden(v) => v.clone(),
            Field::Text | Field::Select => String::new(),
            Field::Typed => "x".into(),
            Field::Check { checked, value } => {
                if !checked {
                    continue;
                }
                value.clone()
            }
            Field::File => {
                files.push(name.clone());
                continue;
            }
        };
        pairs.push((name.clone(), value));
    }
    if let Some((name, value)) = button {
        pairs.push((name.clone(), value.clone()));
    }
    if form.get {
        let query = serde_urlencoded::to_string(&pairs).unwrap();
        let sep = if form.action.contains('?') { '&' } else { '?' };
        return app.get(&format!("{}{sep}{query}", form.action), auth).await;
    }
    if form.multipart {
        let boundary = "vakapagewalkboundary";
        let mut body = String::new();
        for (name, value) in &pairs {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .unwrap();
        }
        for name in &files {
            write!(
                body,
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"tom.csv\"\r\nContent-Type: text/csv\r\n\r\n\r\n"
            )
            .unwrap();
        }
        write!(body, "--{boundary}--\r\n").unwrap();
        return app
            .raw(
                Method::POST,
                &form.action,
                auth,
                &format!("multipart/form-data; boundary={boundary}"),
                body.into_bytes(),
            )
            .await;
    }
    app.raw(
        Method::POST,
        &form.action,
        auth,
        "application/x-www-form-urlencoded",
        serde_urlencoded::to_string(&pairs).unwrap().into_bytes(),
    )
    .await
}

/// Sends every form of a walk once with bad input (once per named submit button), and checks
/// the answer and the page a redirect leads to. Returns how many answers of each status came.
async fn send_forms(
    app: &TestApp,
    report: &mut Report,
    walk: &Walk,
    walker_ids: &[String],
) -> BTreeMap<u16, usize> {
    let mut answers = BTreeMap::new();
    for form in &walk.forms {
        if let Some(why) = skip_reason(form, walker_ids) {
            *report.skipped.entry(why.to_owned()).or_default() += 1;
            continue;
        }
        let buttons: Vec<Option<&(String, String)>> = if form.buttons.is_empty() {
            vec![None]
        } else {
            form.buttons.iter().map(Some).collect()
        };
        for button in buttons {
            let what = format!(
                "{} {}{} (form on {})",
                if form.get { "GET" } else { "POST" },
                form.action.split("?_csrf=").next().unwrap_or_default(),
                button.map_or(String::new(), |(n, v)| format!(" [{n}={v}]")),
                form.page
            );
            let res = submit(app, &walk.auth, form, button).await;
            *answers.entry(res.status.as_u16()).or_default() += 1;
            if res.status.is_redirection() {
                let to = res.location().unwrap_or_default().to_owned();
                let (path, page) = fetch(app, &walk.auth, &to, walk.logged_in).await;
                check_answer(report, &walk.who, &format!("{what} → {path}"), &page);
            } else {
                check_answer(report, &walk.who, &what, &res);
            }
        }
    }
    answers
}

/// Content for the pages: client A1 with a camera supervision decision whose order is accepted
/// and whose camera is active, a second decision whose order waits, a consent, a pause and a
/// plan; tonight's supervision tasks and a dispatch; a personal alarm; and an account request
/// waiting for approval. The walk then happens at 23:01 that night, when the first look-in is
/// due: the operator's console has an open task to show (its camera, which never connects in
/// this test, shown as not connected).
async fn content(app: &TestApp, w: &World) {
    let (_, order, _, _, device) = crate::authz_matrix::registry_targets(app, w).await;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/orders/{order}/accept"),
            &w.p("a_unitmgr").bearer(),
            json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    crate::support::commission(
        app,
        &w.p("m_admin").bearer(),
        device.parse().unwrap(),
        w.client_a1,
    )
    .await;
    let res = app
        .json(
            Method::POST,
            &format!("/api/v1/clients/{}/decisions", w.client_a1),
            &w.p("m_assessor").bearer(),
            json!({"law": "sol", "service": "safety_alarm", "valid_from": "2026-11-22"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    crate::authz_matrix::supervision_targets(app, w).await;
    crate::authz_matrix::alarm_target(app, w).await;
    let res = app
        .json(
            Method::POST,
            "/api/v1/users/requests",
            &w.p("b_admin").bearer(),
            json!({"username": "gunnel.forfragan", "display_name": "Gunnel Förfrågan",
                   "email": "gunnel@b.se", "organisation_id": w.b,
                   "roles": [{"role": "care_staff", "organisation_id": w.b, "unit_id": w.b1}]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    app.clock.set("2026-11-22T22:01:00Z".parse().unwrap());
    app.services.advance_tasks(&|_| true).await.unwrap();
}

/// The pages a user reaches by mistake or by trying: an unknown path, a client that does not
/// exist, an id that is not one, a page of someone else's, a form sent with a stale token.
async fn error_pages(app: &TestApp, w: &World, report: &mut Report) {
    let (staff, _) = crate::console::session(app, w, "a_staff").await;
    let unknown = ClientId::new();
    let cases: Vec<(&str, Auth, String, StatusCode)> = vec![
        (
            "a_staff",
            staff.clone(),
            "/finns-inte".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "anonymous",
            Auth::None,
            "/finns-inte".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "a_staff",
            staff.clone(),
            format!("/clients/{unknown}"),
            StatusCode::NOT_FOUND,
        ),
        (
            "a_staff",
            staff.clone(),
            "/clients/inte-ett-id".into(),
            StatusCode::NOT_FOUND,
        ),
        (
            "a_staff",
            staff.clone(),
            "/admin/users".into(),
            StatusCode::FORBIDDEN,
        ),
        (
            "a_staff",
            staff.clone(),
            format!("/clients/{}", w.client_b1),
            StatusCode::FORBIDDEN,
        ),
        (
            "a_staff",
            staff.clone(),
            "/alarms".into(),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (who, auth, path, status) in cases {
        let res = app.get(&path, &auth).await;
        assert_eq!(res.status, status, "{who} {path}: {}", res.body);
        assert!(is_html(&res), "{who} {path}: not a page");
        check_answer(report, who, &path, &res);
    }
    // A form whose token no longer matches (a page left open over a new login).
    let stale = Auth::Session {
        token: match &staff {
            Auth::Session { token, .. } => token.clone(),
            _ => unreachable!(),
        },
        csrf: "gammal".into(),
    };
    let res = app
        .form(
            "/profile/password",
            &stale,
            &[("current", ""), ("new_password", ""), ("repeat", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(is_html(&res));
    check_answer(
        report,
        "a_staff",
        "POST /profile/password (stale token)",
        &res,
    );
}

/// The session cookie a login answer sets.
fn session_cookie(res: &Res) -> String {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("vaka_session="))
        .map(|c| c.split(';').next().unwrap_or_default().to_owned())
        .filter(|c| !c.is_empty())
        .expect("a session cookie")
}

async fn the_swedish_pages_show_no_english(app: TestApp) {
    let w = World::build(&app).await;
    content(&app, &w).await;

    // Every person of the world walks (but the target of destructive forms), and so every role.
    let everyone: BTreeSet<&str> = w
        .people
        .keys()
        .copied()
        .filter(|p| *p != "b_victim")
        .collect();
    assert_eq!(
        everyone,
        WALKERS.iter().copied().collect(),
        "a new person in the world walks too"
    );
    let roles: BTreeSet<Role> = WALKERS.iter().map(|p| w.p(p).role).collect();
    assert_eq!(roles.len(), 9, "every role walks");
    let walker_ids: Vec<String> = WALKERS.iter().map(|p| w.p(p).id.to_string()).collect();

    let mut report = Report {
        message_ids: message_ids(),
        worded_codes: worded_codes(&message_ids()),
        ..Report::default()
    };

    // First every walk reads the pages as the fixture left them; then the forms are sent.
    let mut walks = Vec::new();
    for who in WALKERS {
        let (auth, _) = crate::console::session(&app, &w, who).await;
        walks.push(crawl(&app, &mut report, who, auth, true, "/").await);
    }
    // A visitor without a login: the login page (every other page sends them there).
    walks.push(crawl(&app, &mut report, "anonymous", Auth::None, false, "/").await);
    // Half-way through a login: password given, the code still to come.
    let op = w.p("c_operator");
    let res = app
        .form(
            "/login",
            &Auth::None,
            &[("username", &op.username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let next = res.location().unwrap().to_owned();
    assert_eq!(next, "/login/code");
    let (_, half) = crate::support::login_page(&app, &next, session_cookie(&res)).await;
    walks.push(
        crawl(
            &app,
            &mut report,
            "c_operator (login code)",
            half,
            false,
            &next,
        )
        .await,
    );

    for walk in &walks {
        let answers = send_forms(&app, &mut report, walk, &walker_ids).await;
        report.summary.push(format!(
            "{}: {} pages, {} other answers, {} forms found, {} submissions answered {:?}",
            walk.who,
            walk.pages,
            walk.downloads,
            walk.forms.len(),
            answers.values().sum::<usize>(),
            answers
        ));
    }
    error_pages(&app, &w, &mut report).await;

    eprintln!(
        "page walk on {:?}: {} pages and answers checked\n  {}\n  skipped forms: {:?}\n  \
         links that answer 403/404: {:?}",
        app.backend,
        report.pages_checked,
        report.summary.join("\n  "),
        report.skipped,
        report.refused_links
    );

    // The walk went where it should.
    for walk in &walks {
        assert!(walk.pages > 0, "{}: no page", walk.who);
    }
    let admin = &walks[WALKERS.iter().position(|p| *p == "m_admin").unwrap()];
    assert!(
        admin.pages >= 20 && admin.forms.len() >= 20,
        "the administrator's walk is too short: {} pages, {} forms",
        admin.pages,
        admin.forms.len()
    );

    assert!(
        report.problems.is_empty(),
        "{} problems on the Swedish pages:\n{}",
        report.problems.len(),
        report.problems.join("\n")
    );
    let unused: Vec<&str> = ALLOWED
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !report.allowed_used.contains(p))
        .collect();
    assert!(
        unused.is_empty(),
        "allowed phrases no page needs: {unused:?}"
    );
    let marked: BTreeSet<String> = OTHER_LANGUAGE.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        report.other_language, marked,
        "text marked as another language"
    );
}

db_tests!(the_swedish_pages_show_no_english);

#[test]
fn the_code_detector_finds_raw_codes_and_not_words() {
    let mut used = BTreeSet::new();
    let worded = worded_codes(&message_ids());
    assert!(worded.contains("night_supervision") && worded.contains("heartbeat_missed"));
    assert_eq!(
        raw_codes(
            "auth.login Nattillsyn night_supervision MA heartbeat. Personlarm – heartbeat_missed",
            &mut used,
            &worded,
        ),
        [
            "auth.login",
            "night_supervision",
            "MA",
            "heartbeat",
            "heartbeat_missed"
        ]
    );
    assert!(
        raw_codes(
            "Inloggning Nattillsyn kl. 23.00 A1A1 a_staff anna.svensson@a.se 19121212-1212",
            &mut used,
            &worded,
        )
        .is_empty()
    );
}

#[test]
fn the_detector_finds_english_and_not_swedish() {
    let mut used = BTreeSet::new();
    let hits = english_in("Value must not be empty", &mut used);
    let words: Vec<&str> = hits.iter().map(|h| h.word.as_str()).collect();
    assert_eq!(words, ["Value", "must", "not", "empty"]);
    assert!(hits[0].context.contains("Value must not be empty"));
    assert!(english_in("Värdet får inte vara tomt", &mut used).is_empty());
    assert!(english_in("Sign in", &mut used).len() == 1);
    assert!(english_in("Logga in", &mut used).is_empty());
    assert!(english_in("You can't do that", &mut used).len() == 3);
    // Codes and ids are not words; allowed phrases are taken out.
    assert!(english_in("konto A1A1, kod BA, 2026-11-22, key_box", &mut used).is_empty());
    assert!(english_in("Modell: Doro Visit", &mut used).is_empty());
    assert!(used.contains("Doro Visit"));
    // Every allowed phrase would be a hit without the allowance, of English words or of raw
    // codes (else it has no place there).
    let worded = worded_codes(&message_ids());
    let is_code = |t: &str| {
        t.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|w| worded.contains(w))
    };
    for (phrase, why) in ALLOWED {
        assert!(!why.is_empty());
        assert!(
            !english_words(phrase).is_empty() || is_code(phrase),
            "{phrase:?} needs no allowance"
        );
    }
    // Whole words only: Swedish words that contain English ones are not hits.
    assert!(english_in("Anteckningen, tokenisering, andra, notera", &mut used).is_empty());
}

#[test]
fn the_visible_text_is_what_a_user_sees_or_hears() {
    let html = r#"<!doctype html><html lang="sv"><head><title>Brukare · Vaka</title>
        <style>.the { color: red }</style><script>var error = "not shown";</script></head>
        <body><!-- a comment with the English --><nav aria-label="Meny"><a href="/x" class="the">Hem</a></nav>
        <input type="text" name="q" value="user data" placeholder="Sök brukare">
        <input type="submit" value="Spara"><button value="take" title="Ta larmet">Ta</button>
        <span class="mono">identity</span> <span class="mono">not one token</span>
        <form data-confirm="Vill du verkligen?"><button lang="en">In English</button></form>
        <p>Tom &amp; Jerry&#x27;s &lt;b&gt;</p></body></html>"#;
    let v = visible_text(html);
    assert_eq!(
        v.texts,
        [
            "Brukare · Vaka",
            "Meny",
            "Hem",
            "Sök brukare",
            "Spara",
            "Ta larmet",
            "Ta",
            "not one token",
            "Vill du verkligen?",
            "Tom & Jerry's <b>"
        ]
    );
    assert_eq!(v.other_language, ["In English"]);
    let mut used = BTreeSet::new();
    let hits: Vec<String> = v
        .texts
        .iter()
        .flat_map(|t| english_in(t, &mut used))
        .map(|h| h.word)
        .collect();
    assert_eq!(
        hits,
        ["not", "token"],
        "only the mono text of more than one word is checked"
    );
}

#[test]
fn forms_and_links_are_read() {
    let html = r#"<a href="/clients/1#orders">x</a><a href="tel:070">t</a>
        <div data-live="/alarms/events"></div>
        <form method="post" action="/clients/1/plan"><input type="hidden" name="_csrf" value="abc">
        <select name="mode"><option value="camera">Kamera</option></select>
        <input name="times" type="text" value="23:00"><input name="recheck" type="number">
        <input type="checkbox" name="active" value="true" checked><textarea name="note">x</textarea>
        <button type="submit" name="step" value="take">Ta</button><button type="submit">Spara</button></form>
        <form action="/audit"><input name="from" type="date"></form>"#;
    let (links, feeds, forms) = links_and_forms("/clients/1", html);
    assert_eq!(links, ["/clients/1#orders", "tel:070"]);
    assert_eq!(feeds, ["/alarms/events"]);
    assert_eq!(
        links
            .iter()
            .filter_map(|l| followable(l))
            .collect::<Vec<_>>(),
        ["/clients/1"]
    );
    assert_eq!(forms.len(), 2);
    let plan = &forms[0];
    assert!(!plan.get && plan.action == "/clients/1/plan");
    let names: Vec<&str> = plan.fields.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["_csrf", "mode", "times", "recheck", "active", "note"]
    );
    assert!(matches!(&plan.fields[0].1, Field::Hidden(v) if v == "abc"));
    assert!(matches!(plan.fields[3].1, Field::Typed));
    assert_eq!(plan.buttons, [("step".to_owned(), "take".to_owned())]);
    assert!(forms[1].get);
    assert_eq!(link_key("/audit?before=5&action=x"), "/audit?action&before");
    assert_eq!(link_key("/audit?action=y&before=9"), "/audit?action&before");
}

#[test]
fn event_streams_are_read_as_pages() {
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, "text/event-stream".parse().unwrap());
    let stream = |body: &str| Res {
        status: StatusCode::OK,
        headers: headers.clone(),
        body: body.to_owned(),
    };
    let mut report = Report::default();
    let swedish = "event: update\ndata: <table>\ndata: <tr><td>Fönstret är öppet</td></tr>\n\
                   data: </table>\n\nevent: refused\ndata: Behörighet saknas\n\n";
    check_answer(&mut report, "test", "/feed", &stream(swedish));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(report.pages_checked, 1);
    let english = "event: update\ndata: <p>The window is open</p>\n\n\
                   event: refused\ndata: access denied\n\n";
    check_answer(&mut report, "test", "/feed", &stream(english));
    assert_eq!(report.problems.len(), 4, "{:?}", report.problems);
    // A server error fails whatever it says; an error that is not a page fails too.
    let mut report = Report::default();
    let mut json = axum::http::HeaderMap::new();
    json.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
    for status in [StatusCode::INTERNAL_SERVER_ERROR, StatusCode::FORBIDDEN] {
        let res = Res {
            status,
            headers: json.clone(),
            body: "{}".into(),
        };
        check_answer(&mut report, "test", "/x", &res);
    }
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
}
