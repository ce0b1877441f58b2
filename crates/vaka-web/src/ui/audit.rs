//! The audit search page (log review) and its CSV export.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, AuditEntry, Outcome};
use vaka_domain::ids::ClientId;
use vaka_domain::reason::DirectoryReason;

use crate::api::audit::{AuditParams, audit_csv};
use crate::error::ApiError;
use crate::extract::Query;
use crate::i18n::Tr;
use crate::identity::Access;
use crate::identity::Caller;
use crate::page::{OrPage, PageCtx, PageResult, Req, local_time, render};
use crate::routes::Routes;
use crate::state::AppState;
use crate::ui::widgets::paging::counted;

/// The search form as typed: a username rather than an id.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuditForm {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
}

pub struct EntryRow {
    pub seq: u64,
    pub at: String,
    pub who: String,
    pub role: String,
    /// The event's code (as in the CSV export) and its name in the page's language.
    pub action: &'static str,
    pub action_label: String,
    pub outcome: String,
    pub outcome_class: &'static str,
    pub protected: bool,
    /// Read under emergency access (nödåtkomst).
    pub emergency: bool,
    pub subject: String,
    pub context: String,
    pub source: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage {
    pub page: PageCtx,
    pub f: AuditForm,
    /// The events to search for: code and name.
    pub actions: Vec<(&'static str, String)>,
    pub entries: Vec<EntryRow>,
    pub can_export: bool,
    pub export_query: String,
    pub older_query: Option<String>,
    /// The page of entries right after this one's, towards the newest.
    pub newer_query: Option<String>,
    /// Whether this page is a later one (a link back to the newest entries).
    pub paged: bool,
    /// Where the page stands: "100 av 2 050".
    pub count: String,
}

fn query_string<T: Serialize>(v: &T) -> String {
    serde_urlencoded::to_string(v).unwrap_or_default()
}

/// Turns the form into the API's parameters (resolving the username).
async fn to_params(
    state: &AppState,
    caller: &Caller,
    f: &AuditForm,
    limit: i64,
) -> Result<AuditParams, ApiError> {
    let user_id = match f.user.trim() {
        "" => None,
        name => Some(
            state
                .services
                .user_id_by_username(&caller.ctx(), name)
                .await?
                .ok_or_else(|| ApiError::invalid("user", DirectoryReason::NoUserWithUsername))?,
        ),
    };
    // An internal id as the export links give it, else a personnummer or the start of a name,
    // resolved by the service (an audited read, bound by need-to-know).
    let client_id = match f.client.trim() {
        "" => None,
        c => match c.parse::<ClientId>() {
            Ok(id) => Some(id),
            Err(_) => {
                state
                    .services
                    .find_client_for_review(&caller.ctx(), c)
                    .await?
            }
        },
    };
    Ok(AuditParams {
        user_id,
        client_id,
        action: Some(f.action.clone()),
        from: Some(f.from.clone()),
        to: Some(f.to.clone()),
        before: f.before,
        after: f.after,
        limit: Some(limit),
    })
}

/// The name of an event in the page's language (`audit_action-auth-login` for `auth.login`).
fn action_label(t: Tr, a: AuditAction) -> String {
    t.code("audit_action", &a.code().replace('.', "-"))
}

/// Every event, for the search form.
fn action_options(t: Tr) -> Vec<(&'static str, String)> {
    AuditAction::ALL
        .iter()
        .map(|a| (a.code(), action_label(t, *a)))
        .collect()
}

/// Who acted: the username, or — when no user did (or not yet: a login) — the kind of
/// credential in the page's language, with its id (`session:…`, `token:…`) when it has one.
fn who(t: Tr, username: Option<String>, credential: Option<String>) -> String {
    match (username, credential) {
        (Some(name), _) => name,
        (None, Some(c)) => {
            let (kind, id) = c.split_once(':').unwrap_or((c.as_str(), ""));
            let label = t.code("audit_credential", kind);
            if id.is_empty() {
                label
            } else {
                format!("{label} {id}")
            }
        }
        (None, None) => String::new(),
    }
}

fn row(t: Tr, e: AuditEntry) -> EntryRow {
    let n = e.new;
    let (outcome, outcome_class) = match n.outcome {
        Outcome::Success => (t.t("audit-outcome-success"), "ok"),
        Outcome::Denied => (t.t("audit-outcome-denied"), "bad"),
        Outcome::Failure => (t.t("audit-outcome-failure"), "warn"),
    };
    // What the entry is about, named in words; the id stays as it is (searchable).
    let subject = match (n.client_id, n.subject_kind, n.subject_id) {
        (Some(c), _, _) => format!("{} {c}", t.code("audit_subject", "client")),
        (None, Some(k), Some(id)) => format!("{} {id}", t.code("audit_subject", &k)),
        (None, Some(k), None) => t.code("audit_subject", &k),
        _ => String::new(),
    };
    EntryRow {
        seq: e.seq,
        at: local_time(n.at),
        who: who(t, n.actor.username, n.actor.credential),
        role: n
            .actor
            .role
            .map(|r| t.code("role", r.code()))
            .unwrap_or_default(),
        action: n.action.code(),
        action_label: action_label(t, n.action),
        outcome: outcome.into_owned(),
        outcome_class,
        protected: n.flags.protected_identity,
        emergency: n.flags.emergency_access,
        subject,
        context: n
            .care_context
            .map(|c| t.code("care_context", &c))
            .unwrap_or_default(),
        source: n.source_ip.unwrap_or_default(),
    }
}

pub async fn audit_page(Req { state, t, caller }: Req, Query(f): Query<AuditForm>) -> PageResult {
    const PAGE: i64 = 100;
    let page = PageCtx::for_caller(&caller, t, "audit");
    let search = match to_params(&state, &caller, &f, PAGE)
        .await
        .and_then(|p| p.to_search(PAGE))
    {
        Ok(s) => s,
        Err(e) => {
            return Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AuditPage {
                    actions: action_options(t),
                    entries: Vec::new(),
                    can_export: false,
                    export_query: String::new(),
                    older_query: None,
                    newer_query: None,
                    paged: false,
                    count: String::new(),
                    f,
                    page: page.with_error(&e),
                },
            ));
        }
    };
    let found = state
        .services
        .search_audit_page(&caller.ctx(), &search)
        .await
        .or_page(&page)?;
    let shown = i64::try_from(found.items.len()).unwrap_or(i64::MAX);
    let count = counted(t, found.offset, shown, found.total);
    let entries = found.items;
    // Keyset links either way, the filters kept: older below the page's last entry, newer
    // above its first, each only when there is something there.
    let cursor = |before: Option<u64>, after: Option<u64>| {
        query_string(&AuditForm {
            before,
            after,
            ..f.clone()
        })
    };
    let older_query = entries
        .last()
        .filter(|_| found.offset + shown < found.total)
        .map(|e| cursor(Some(e.seq), None));
    let newer_query = entries
        .first()
        .filter(|_| found.offset > 0)
        .map(|e| cursor(None, Some(e.seq)));
    Ok(render(
        StatusCode::OK,
        &AuditPage {
            actions: action_options(t),
            entries: entries.into_iter().map(|e| row(t, e)).collect(),
            can_export: caller.principal.has_permission(Permission::AuditExport),
            export_query: query_string(&AuditForm {
                before: None,
                after: None,
                ..f.clone()
            }),
            older_query,
            newer_query,
            paged: f.before.is_some() || f.after.is_some(),
            count,
            f,
            page,
        },
    ))
}

pub async fn export(Req { state, t, caller }: Req, Query(f): Query<AuditForm>) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "audit");
    let search = to_params(&state, &caller, &f, 100_000)
        .await
        .and_then(|p| p.to_search(100_000))
        .or_page(&page)?;
    let entries = state
        .services
        .export_audit(&caller.ctx(), &search)
        .await
        .or_page(&page)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vaka-audit.csv\"",
            ),
        ],
        audit_csv(&entries),
    )
        .into_response())
}

/// Registers the log review pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    use Permission::{AuditExport, AuditRead};
    r.get("/audit", Access::Permission(AuditRead), audit_page)
        .get("/audit/export.csv", Access::Permission(AuditExport), export)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn events_and_credentials_are_named_in_the_page_language() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(action_label(sv, AuditAction::LoginSucceeded), "Inloggning");
        assert_eq!(action_label(en, AuditAction::AccessDenied), "Access denied");
        assert_eq!(action_options(sv).len(), AuditAction::ALL.len());
        assert_eq!(
            who(sv, Some("kalle".into()), Some("session:1".into())),
            "kalle"
        );
        assert_eq!(who(sv, None, Some("login".into())), "Inloggningen");
        assert_eq!(who(sv, None, Some("token:7".into())), "API-nyckel 7");
        assert_eq!(who(en, None, Some("system".into())), "The system");
        assert_eq!(who(sv, None, None), "");
        assert_eq!(sv.code("care_context", "night_supervision"), "Nattillsyn");
    }
}
