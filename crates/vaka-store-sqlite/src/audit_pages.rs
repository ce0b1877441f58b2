//! Reading the audit log in bulk for verification.
//!
//! The SQLite driver hands rows across threads one by one and copies every value; for the
//! twenty columns of a million entries that dominates `vaka audit verify`. Here SQLite itself
//! packs a page of entries into one JSON array (its JSON functions are C-fast), so a page
//! crosses in one row and decodes with serde. The result is the same `AuditEntry` values as
//! the typed query; the verification tests run on it.

use serde::Deserialize;
use sqlx::Row;
use sqlx::sqlite::SqliteConnection;
use uuid::Uuid;
use vaka_domain::audit::AuditEntry;
use vaka_store::{AuditRow, DbInstant, StoreError, StoreResult, map_sqlx_error};

const PAGE_SQL: &str = "SELECT json_group_array(json_array(
        seq, at, hex(actor_user_id), actor_username, actor_role, hex(actor_org_id),
        hex(actor_unit_id), credential, action, outcome, hex(client_id), subject_kind,
        subject_id, care_context, request_id, source_ip, flags, details, hex(prev_hash), hex(hash)))
    FROM (SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2)";

/// One entry as SQLite's JSON has it: blobs as uppercase hex, `''` for a NULL blob. The hex
/// fields never hold escapes, so they are borrowed from the page's text.
#[derive(Deserialize)]
struct Packed<'a>(
    i64,
    i64,
    &'a str,
    Option<String>,
    Option<String>,
    &'a str,
    &'a str,
    Option<String>,
    String,
    String,
    &'a str,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    Option<String>,
    &'a str,
    &'a str,
);

fn uuid(hex: &str) -> StoreResult<Option<Uuid>> {
    if hex.is_empty() {
        return Ok(None);
    }
    Uuid::try_parse(hex)
        .map(Some)
        .map_err(|e| StoreError::Corrupt {
            context: "bad id in audit log".into(),
            source: Some(vaka_store::Cause::new(e)),
        })
}

fn bytes(h: &str) -> StoreResult<Vec<u8>> {
    hex::decode(h).map_err(|e| StoreError::Corrupt {
        context: "bad hash in audit log".into(),
        source: Some(vaka_store::Cause::new(e)),
    })
}

fn unpack(p: Packed<'_>) -> StoreResult<AuditEntry> {
    let at = jiff::Timestamp::from_microsecond(p.1).map_err(|e| StoreError::Corrupt {
        context: format!("entry {}: bad time", p.0).into(),
        source: Some(vaka_store::Cause::new(e)),
    })?;
    AuditEntry::try_from(AuditRow {
        seq: p.0,
        at: DbInstant(at),
        actor_user_id: uuid(p.2)?,
        actor_username: p.3,
        actor_role: p.4,
        actor_org_id: uuid(p.5)?,
        actor_unit_id: uuid(p.6)?,
        credential: p.7,
        action: p.8,
        outcome: p.9,
        client_id: uuid(p.10)?,
        subject_kind: p.11,
        subject_id: p.12,
        care_context: p.13,
        request_id: p.14,
        source_ip: p.15,
        flags: p.16,
        details: p.17,
        prev_hash: bytes(p.18)?,
        hash: bytes(p.19)?,
    })
}

pub(crate) async fn page(
    conn: &mut SqliteConnection,
    after: u64,
    limit: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let after = i64::try_from(after).map_err(|_| StoreError::other("seq out of range"))?;
    let row = sqlx::query(PAGE_SQL)
        .bind(after)
        .bind(limit)
        .fetch_one(conn)
        .await
        .map_err(map_sqlx_error)?;
    let json: String = row.try_get(0).map_err(map_sqlx_error)?;
    let packed: Vec<Packed> = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt {
        context: "audit page".into(),
        source: Some(vaka_store::Cause::new(e)),
    })?;
    packed.into_iter().map(unpack).collect()
}
