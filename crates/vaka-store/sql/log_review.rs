// Log reviews (loggranskning): the access entries a review is picked from, the reviews and
// their entries. Included by the backend crates; see README.md.
//
// The access entries of a month are read along the audit log's index on time (or on actor or
// client for a review on request), joined to the client and the user by primary key: never a
// scan of the whole log.

use jiff::civil::Date;
use sqlx::Row;
use vaka_domain::access::Role;
use vaka_domain::audit::{AuditFlags, Outcome};
use vaka_domain::ids::{ClientId, LogReviewId, UnitId};
use vaka_domain::log_review::{ReviewKind, ReviewMark, ReviewRule};
use vaka_store::log_review::{
    AccessFilter, AccessRow, LogReviewEntryRecord, LogReviewRecord, NewLogReviewEntry,
};
use vaka_store::{DbDate, LogReviewRead, LogReviewWrite};

type DbRow = <Db as sqlx::Database>::Row;

fn get<'r, T>(row: &'r DbRow, i: usize) -> StoreResult<T>
where
    T: sqlx::Decode<'r, Db> + sqlx::Type<Db>,
{
    row.try_get(i).map_err(map_sqlx_error)
}

fn seq_of(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::corrupt(format!("audit sequence {n}")))
}

fn flags_of(n: i64) -> AuditFlags {
    AuditFlags::from_bits(u32::try_from(n).unwrap_or(0))
}

fn rules_of(s: &str) -> Vec<ReviewRule> {
    s.split(',').filter_map(ReviewRule::from_code).collect()
}

const REVIEW_COLUMNS: &str = "r.id, r.kind, r.unit_id, r.period_from, r.period_to, \
     r.subject_user_id, r.subject_client_id, r.reason, r.seed, r.created_by, r.created_at, \
     r.due_on, r.signed_by, r.signed_at, r.escalated_at, \
     (SELECT count(*) FROM log_review_entries e WHERE e.review_id = r.id), \
     (SELECT count(*) FROM log_review_entries e WHERE e.review_id = r.id AND e.mark IS NOT NULL), \
     (SELECT count(*) FROM log_review_entries e WHERE e.review_id = r.id AND e.mark = 'follow_up')";

fn review_of(row: &DbRow) -> StoreResult<LogReviewRecord> {
    let id: Uuid = get(row, 0)?;
    let kind: String = get(row, 1)?;
    let count = |i| -> StoreResult<u64> { Ok(u64::try_from(get::<i64>(row, i)?).unwrap_or(0)) };
    Ok(LogReviewRecord {
        id: LogReviewId(id),
        kind: ReviewKind::from_code(&kind)
            .ok_or_else(|| StoreError::corrupt(format!("log_reviews.kind of {id}")))?,
        unit_id: get::<Option<Uuid>>(row, 2)?.map(UnitId),
        period_from: get::<DbDate>(row, 3)?.0,
        period_to: get::<DbDate>(row, 4)?.0,
        subject_user: get::<Option<Uuid>>(row, 5)?.map(UserId),
        subject_client: get::<Option<Uuid>>(row, 6)?.map(ClientId),
        reason: get(row, 7)?,
        seed: get(row, 8)?,
        created_by: get::<Option<Uuid>>(row, 9)?.map(UserId),
        created_at: get::<DbInstant>(row, 10)?.0,
        due_on: get::<DbDate>(row, 11)?.0,
        signed_by: get::<Option<Uuid>>(row, 12)?.map(UserId),
        signed_at: get::<Option<DbInstant>>(row, 13)?.map(|t| t.0),
        escalated_at: get::<Option<DbInstant>>(row, 14)?.map(|t| t.0),
        entries: count(15)?,
        marked: count(16)?,
        follow_ups: count(17)?,
    })
}

#[async_trait::async_trait]
impl LogReviewRead for SqlTx {
    async fn access_entries(
        &mut self,
        from: DbInstant,
        to: DbInstant,
        filter: AccessFilter,
        limit: i64,
    ) -> StoreResult<Vec<AccessRow>> {
        let (condition, id) = match filter {
            AccessFilter::Unit(u) => ("(c.unit_id = $3 OR a.actor_unit_id = $4)", u.0),
            AccessFilter::User(u) => ("a.actor_user_id = $3 AND a.actor_user_id = $4", u.0),
            AccessFilter::Client(c) => ("a.client_id = $3 AND a.client_id = $4", c.0),
        };
        let sql = format!(
            "SELECT a.seq, a.at, a.actor_user_id, a.actor_role, a.actor_unit_id, u.display_name, \
                    a.client_id, c.unit_id, c.name, a.flags \
             FROM audit_log a \
             JOIN clients c ON c.id = a.client_id \
             JOIN users u ON u.id = a.actor_user_id \
             WHERE a.at >= $1 AND a.at < $2 AND {condition} \
             ORDER BY a.at, a.seq LIMIT $5"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(to)
            .bind(id)
            .bind(id)
            .bind(limit)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        rows.iter()
            .map(|row| {
                let role: Option<String> = get(row, 3)?;
                Ok(AccessRow {
                    seq: seq_of(get(row, 0)?)?,
                    at: get::<DbInstant>(row, 1)?.0,
                    actor: UserId(get(row, 2)?),
                    actor_role: role.as_deref().and_then(Role::from_code),
                    actor_unit: get::<Option<Uuid>>(row, 4)?.map(UnitId),
                    actor_name: get(row, 5)?,
                    client: ClientId(get(row, 6)?),
                    client_unit: get::<Option<Uuid>>(row, 7)?.map(UnitId),
                    client_name: get(row, 8)?,
                    flags: flags_of(get(row, 9)?),
                })
            })
            .collect()
    }

    async fn list_log_reviews(&mut self) -> StoreResult<Vec<LogReviewRecord>> {
        let sql = format!(
            "SELECT {REVIEW_COLUMNS} FROM log_reviews r ORDER BY r.period_from DESC, r.created_at DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        rows.iter().map(review_of).collect()
    }

    async fn get_log_review(&mut self, id: LogReviewId) -> StoreResult<Option<LogReviewRecord>> {
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM log_reviews r WHERE r.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        row.as_ref().map(review_of).transpose()
    }

    async fn monthly_log_review_exists(&mut self, unit: UnitId, from: Date) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT 1 FROM log_reviews WHERE kind = 'monthly' AND unit_id = $1 AND period_from = $2",
        )
        .bind(unit.0)
        .bind(DbDate(from))
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.is_some())
    }

    async fn list_log_review_entries(
        &mut self,
        id: LogReviewId,
    ) -> StoreResult<Vec<LogReviewEntryRecord>> {
        let rows = sqlx::query(
            "SELECT e.audit_seq, e.rules, e.distinct_clients, e.mark, e.note, e.marked_at,
                    a.at, a.actor_username, u.display_name, a.actor_role, a.action, a.outcome,
                    a.care_context, a.flags, a.client_id, c.name, c.identity, c.protection
             FROM log_review_entries e
             LEFT JOIN audit_log a ON a.seq = e.audit_seq
             LEFT JOIN users u ON u.id = a.actor_user_id
             LEFT JOIN clients c ON c.id = a.client_id
             WHERE e.review_id = $1
             ORDER BY e.audit_seq",
        )
        .bind(id.0)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        rows.iter()
            .map(|row| {
                let rules: String = get(row, 1)?;
                let mark: Option<String> = get(row, 3)?;
                let role: Option<String> = get(row, 9)?;
                let outcome: Option<String> = get(row, 11)?;
                let protection: Option<String> = get(row, 17)?;
                Ok(LogReviewEntryRecord {
                    seq: seq_of(get(row, 0)?)?,
                    rules: rules_of(&rules),
                    distinct_clients: get::<Option<i64>>(row, 2)?
                        .and_then(|n| u32::try_from(n).ok()),
                    mark: mark.as_deref().and_then(ReviewMark::from_code),
                    note: get(row, 4)?,
                    marked_at: get::<Option<DbInstant>>(row, 5)?.map(|t| t.0),
                    at: get::<Option<DbInstant>>(row, 6)?.map(|t| t.0),
                    actor_username: get(row, 7)?,
                    actor_name: get(row, 8)?,
                    actor_role: role.as_deref().and_then(Role::from_code),
                    action: get(row, 10)?,
                    outcome: outcome.as_deref().and_then(Outcome::from_code),
                    care_context: get(row, 12)?,
                    flags: flags_of(get::<Option<i64>>(row, 13)?.unwrap_or(0)),
                    client_id: get::<Option<Uuid>>(row, 14)?.map(ClientId),
                    client_name: get(row, 15)?,
                    client_identity: get(row, 16)?,
                    client_protected: protection.is_some_and(|p| p != "none"),
                })
            })
            .collect()
    }

    async fn users_with_role(
        &mut self,
        role: Role,
        unit: Option<UnitId>,
    ) -> StoreResult<Vec<(UserId, String)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT u.id, u.display_name FROM role_assignments r
             JOIN users u ON u.id = r.user_id
             WHERE r.role = $1 AND u.status = 'active' AND ($2 IS NULL OR r.unit_id = $3)
             ORDER BY u.display_name",
        )
        .bind(role.code())
        .bind(unit.map(|u| u.0))
        .bind(unit.map(|u| u.0))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        rows.iter()
            .map(|row| Ok((UserId(get(row, 0)?), get(row, 1)?)))
            .collect()
    }
}

#[async_trait::async_trait]
impl LogReviewWrite for SqlTx {
    async fn insert_log_review(
        &mut self,
        r: &LogReviewRecord,
        entries: &[NewLogReviewEntry],
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO log_reviews (id, kind, unit_id, period_from, period_to, subject_user_id,
                 subject_client_id, reason, seed, created_by, created_at, due_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(r.id.0)
        .bind(r.kind.code())
        .bind(r.unit_id.map(|u| u.0))
        .bind(DbDate(r.period_from))
        .bind(DbDate(r.period_to))
        .bind(r.subject_user.map(|u| u.0))
        .bind(r.subject_client.map(|c| c.0))
        .bind(r.reason.as_deref())
        .bind(r.seed)
        .bind(r.created_by.map(|u| u.0))
        .bind(DbInstant::new(r.created_at))
        .bind(DbDate(r.due_on))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for e in entries {
            let rules = e
                .rules
                .iter()
                .map(|r| r.code())
                .collect::<Vec<_>>()
                .join(",");
            sqlx::query(
                "INSERT INTO log_review_entries (review_id, audit_seq, rules, distinct_clients)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(r.id.0)
            .bind(i64::try_from(e.seq).unwrap_or(i64::MAX))
            .bind(rules)
            .bind(e.distinct_clients.map(i64::from))
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn mark_log_review_entry(
        &mut self,
        id: LogReviewId,
        seq: u64,
        mark: ReviewMark,
        note: Option<&str>,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE log_review_entries SET mark = $1, note = $2, marked_by = $3, marked_at = $4
             WHERE review_id = $5 AND audit_seq = $6",
        )
        .bind(mark.code())
        .bind(note)
        .bind(by.0)
        .bind(at)
        .bind(id.0)
        .bind(i64::try_from(seq).unwrap_or(i64::MAX))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn sign_log_review(
        &mut self,
        id: LogReviewId,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE log_reviews SET signed_by = $1, signed_at = $2
             WHERE id = $3 AND signed_at IS NULL",
        )
        .bind(by.0)
        .bind(at)
        .bind(id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn escalate_log_review(&mut self, id: LogReviewId, at: DbInstant) -> StoreResult<()> {
        sqlx::query("UPDATE log_reviews SET escalated_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(())
    }
}
