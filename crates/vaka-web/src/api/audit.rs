//! The audit log: search and CSV export for log review.

use axum::http::header;
use axum::response::IntoResponse;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::ToSchema;
use vaka_domain::access::Role;
use vaka_domain::audit::{AuditAction, AuditEntry, Outcome};
use vaka_domain::ids::{ClientId, UserId};
use vaka_domain::ids::{OrganisationId, UnitId};
use vaka_domain::reason::InputReason;
use vaka_service::audit::AuditSearch;

use crate::api::Api;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Query};
use crate::reports::csv::CsvFile;

/// An audit entry as the API sends it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntryDto {
    pub seq: u64,
    pub at: String,
    pub actor_user_id: Option<UserId>,
    pub actor_username: Option<String>,
    pub actor_role: Option<Role>,
    pub actor_organisation_id: Option<OrganisationId>,
    pub actor_unit_id: Option<UnitId>,
    pub credential: Option<String>,
    pub action: String,
    pub outcome: Outcome,
    pub client_id: Option<ClientId>,
    pub subject_kind: Option<String>,
    pub subject_id: Option<String>,
    pub care_context: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    pub protected_identity: bool,
    pub emergency_access: bool,
    pub details: Option<String>,
    /// Hex of this entry's chain hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryDto {
    fn from(e: AuditEntry) -> Self {
        let n = e.new;
        Self {
            seq: e.seq,
            at: n.at.to_string(),
            actor_user_id: n.actor.user_id,
            actor_username: n.actor.username,
            actor_role: n.actor.role,
            actor_organisation_id: n.actor.organisation_id,
            actor_unit_id: n.actor.unit_id,
            credential: n.actor.credential,
            action: n.action.code().to_owned(),
            outcome: n.outcome,
            client_id: n.client_id,
            subject_kind: n.subject_kind,
            subject_id: n.subject_id,
            care_context: n.care_context,
            request_id: n.request_id,
            source_ip: n.source_ip,
            protected_identity: n.flags.protected_identity,
            emergency_access: n.flags.emergency_access,
            details: n.details,
            hash: hex_lower(&e.hash),
        }
    }
}

fn hex_lower(b: &[u8]) -> String {
    use std::fmt::Write as _;
    b.iter()
        .fold(String::with_capacity(2 * b.len()), |mut s, x| {
            let _ = write!(s, "{x:02x}"); // writing to a String cannot fail
            s
        })
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// Entries by this user.
    pub user_id: Option<UserId>,
    /// Entries about this client.
    pub client_id: Option<ClientId>,
    /// An action code such as `client.read` or `auth.login_failed`.
    pub action: Option<String>,
    /// From this date (Europe/Stockholm, `YYYY-MM-DD`) or instant (RFC 3339), inclusive.
    pub from: Option<String>,
    /// To this date (inclusive) or instant (exclusive).
    pub to: Option<String>,
    /// Entries older than this sequence number (paging towards the oldest).
    pub before: Option<u64>,
    /// The entries right after this sequence number (paging towards the newest); still
    /// answered newest first.
    pub after: Option<u64>,
    /// At most this many entries (default 100).
    pub limit: Option<i64>,
}

fn stockholm() -> TimeZone {
    TimeZone::get("Europe/Stockholm").unwrap_or(TimeZone::UTC)
}

/// A date means the start of that day in Stockholm (or of the next day for an end bound).
pub fn parse_bound(field: &'static str, s: &str, end: bool) -> Result<Timestamp, ApiError> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts);
    }
    let date: Date = s
        .parse()
        .map_err(|_| ApiError::invalid(field, InputReason::NotDateOrInstant))?;
    let date = if end {
        date.tomorrow()
            .map_err(|_| ApiError::invalid(field, InputReason::OutOfRange))?
    } else {
        date
    };
    date.to_zoned(stockholm())
        .map(|z| z.timestamp())
        .map_err(|_| ApiError::invalid(field, InputReason::OutOfRange))
}

impl AuditParams {
    pub fn to_search(&self, default_limit: i64) -> Result<AuditSearch, ApiError> {
        let action = match self
            .action
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            Some(code) => Some(
                AuditAction::from_code(code)
                    .ok_or_else(|| ApiError::invalid("action", InputReason::UnknownAuditAction))?,
            ),
            None => None,
        };
        let from = self
            .from
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_bound("from", s, false))
            .transpose()?;
        let to = self
            .to
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| parse_bound("to", s, true))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && t <= f
        {
            return Err(ApiError::invalid("to", InputReason::EndBeforeStart));
        }
        let limit = self.limit.unwrap_or(default_limit);
        if limit < 1 {
            return Err(ApiError::invalid("limit", InputReason::AtLeast { min: 1 }));
        }
        Ok(AuditSearch {
            actor: self.user_id,
            client: self.client_id,
            action,
            from,
            to,
            before_seq: self.before,
            after_seq: self.after,
            limit,
        })
    }
}

/// Search the audit log, newest first (log review). The search itself is audited.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = Vec<AuditEntryDto>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn search(
    Api { state: s, caller }: Api,
    Query(p): Query<AuditParams>,
) -> ApiResult<Json<Vec<AuditEntryDto>>> {
    let q = p.to_search(100)?;
    let entries = s.services.search_audit(&caller.ctx(), &q).await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}

/// Export the audit log as CSV (at most 100,000 entries per export). The export is audited.
#[utoipa::path(get, path = "/api/v1/audit/export.csv", tag = "audit", params(AuditParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn export_csv(
    Api { state: s, caller }: Api,
    Query(p): Query<AuditParams>,
) -> ApiResult<impl IntoResponse> {
    let q = p.to_search(100_000)?;
    let entries = s.services.export_audit(&caller.ctx(), &q).await?;
    let body = audit_csv(&entries);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vaka-audit.csv\"",
            ),
        ],
        body,
    ))
}

/// The audit entries as CSV, one row per entry, UTC times.
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut w = CsvFile::new(&[
        "seq",
        "at_utc",
        "actor_username",
        "actor_user_id",
        "actor_role",
        "actor_organisation_id",
        "actor_unit_id",
        "credential",
        "action",
        "outcome",
        "client_id",
        "subject_kind",
        "subject_id",
        "care_context",
        "request_id",
        "source_ip",
        "protected_identity",
        "emergency_access",
        "details",
        "hash",
    ]);
    for e in entries {
        let n = &e.new;
        let opt = |o: Option<String>| o.unwrap_or_default();
        w.row([
            e.seq.to_string(),
            n.at.to_string(),
            opt(n.actor.username.clone()),
            opt(n.actor.user_id.map(|u| u.to_string())),
            opt(n.actor.role.map(|r| r.code().to_owned())),
            opt(n.actor.organisation_id.map(|o| o.to_string())),
            opt(n.actor.unit_id.map(|u| u.to_string())),
            opt(n.actor.credential.clone()),
            n.action.code().to_owned(),
            n.outcome.code().to_owned(),
            opt(n.client_id.map(|c| c.to_string())),
            opt(n.subject_kind.clone()),
            opt(n.subject_id.clone()),
            opt(n.care_context.clone()),
            opt(n.request_id.clone()),
            opt(n.source_ip.clone()),
            n.flags.protected_identity.to_string(),
            n.flags.emergency_access.to_string(),
            opt(n.details.clone()),
            hex_lower(&e.hash),
        ]);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_bounds_follow_stockholm_days() {
        // Winter: UTC+1.
        assert_eq!(
            parse_bound("from", "2026-01-15", false)
                .unwrap()
                .to_string(),
            "2026-01-14T23:00:00Z"
        );
        assert_eq!(
            parse_bound("to", "2026-01-15", true).unwrap().to_string(),
            "2026-01-15T23:00:00Z"
        );
        // Summer: UTC+2.
        assert_eq!(
            parse_bound("from", "2026-07-01", false)
                .unwrap()
                .to_string(),
            "2026-06-30T22:00:00Z"
        );
        assert!(parse_bound("from", "2026-13-01", false).is_err());
        assert!(parse_bound("from", "yesterday", false).is_err());
    }
}
