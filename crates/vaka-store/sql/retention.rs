// Retention: the table, legal holds, purge runs, audit anchors and the purge in batches.
// Included by the backend crates; see README.md.
//
// A batch first reads the ids of at most `limit` main records past the cutoff (in the order of
// their day or time, along an index), then deletes the rows that belong to them and the
// records themselves by those ids — so that every statement of the batch works on the same
// records whatever order a scan returns rows in.

use jiff::Timestamp;
use vaka_domain::ids::{ClientId, UserId};
use vaka_domain::retention::RecordKind;
use vaka_store::retention::{AuditAnchorRecord, Cutoff, LegalHoldRecord, PurgeRunRecord, Removed};
use vaka_store::{DbDate, RetentionRead, RetentionWrite};

/// Leaves out the rows of a client under a legal hold (`{c}`: the row's client column).
fn not_held(client_column: &str) -> String {
    format!(
        "NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.client_id = {client_column} AND h.lifted_at IS NULL)"
    )
}

/// The cutoff a statement binds: a day, or an instant.
#[derive(Clone, Copy)]
enum Bound {
    Date(DbDate),
    Instant(DbInstant),
}

/// One kind's main records: the table, the condition that makes a row purgeable (binding the
/// cutoff as `$1`, and `second` as `$2` where the condition needs both), and the column it is
/// ordered by.
struct Main {
    table: &'static str,
    condition: String,
    order: &'static str,
    bound: Bound,
    second: Option<Bound>,
}

/// The tables of a client's other records: while any holds a row of the client, what is left
/// of the client is kept (REG-50: not while other data on the same person remains).
const CLIENT_RECORDS: &[&str] = &[
    "devices",
    "supervision_tasks",
    "supervision_lapses",
    "dispatches",
    "look_ins",
    "alarms",
    "device_events",
    "visits",
    "lock_events",
    "lock_grants",
    "signings",
    "delegation_clients",
    "emergency_access",
];

/// The condition of an ended client past the cutoff (`$1` the instant, `$2` the day): no
/// change to the register entry, no decision, prescription, visit plan or pause reaching the
/// day, no access logged since, no other record left, and no hold.
fn ended_client() -> String {
    let mut c = format!(
        "updated_at < $1 AND {} \
         AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.client_id = clients.id \
             AND (COALESCE(d.ended_on, d.valid_to) IS NULL OR COALESCE(d.ended_on, d.valid_to) >= $2)) \
         AND NOT EXISTS (SELECT 1 FROM prescriptions p WHERE p.client_id = clients.id \
             AND (COALESCE(p.ended_on, p.end_on) IS NULL OR COALESCE(p.ended_on, p.end_on) >= $2)) \
         AND NOT EXISTS (SELECT 1 FROM visit_plans vp WHERE vp.client_id = clients.id \
             AND (COALESCE(vp.ended_on, vp.valid_to) IS NULL OR COALESCE(vp.ended_on, vp.valid_to) >= $2)) \
         AND NOT EXISTS (SELECT 1 FROM pauses pa WHERE pa.client_id = clients.id AND pa.last_night >= $2) \
         AND NOT EXISTS (SELECT 1 FROM log_reviews lr WHERE lr.subject_client_id = clients.id)",
        not_held("clients.id")
    );
    for t in CLIENT_RECORDS {
        c.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM {t} x WHERE x.client_id = clients.id)"
        ));
    }
    // Last: a client in care has many entries, and is ruled out by a decision in force first.
    c.push_str(
        " AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.client_id = clients.id AND a.at >= $1)",
    );
    c
}

/// The condition of a deactivated (or rejected) account past the cutoff and not yet
/// pseudonymised, that no kept record names: no entry of the audit log by it, no signing,
/// delegation or visit of its holder.
const ENDED_ACCOUNT: &str = "pseudonymised_at IS NULL \
     AND ((status = 'deactivated' AND deactivated_at < $1) OR (status = 'rejected' AND decided_at < $1)) \
     AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_user_id = users.id) \
     AND NOT EXISTS (SELECT 1 FROM signings s WHERE s.signer = users.id) \
     AND NOT EXISTS (SELECT 1 FROM delegations d WHERE d.delegator = users.id) \
     AND NOT EXISTS (SELECT 1 FROM delegations d WHERE d.recipient = users.id) \
     AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.worker = users.id)";

/// The main tables of a kind (most have one; lock events have their grants beside them, and
/// alarms the received messages no alarm points at).
fn mains(kind: RecordKind, cutoff: Cutoff) -> Vec<Main> {
    let date = Bound::Date(DbDate(cutoff.date));
    let instant = Bound::Instant(DbInstant::new(cutoff.instant));
    match kind {
        RecordKind::Supervision => vec![Main {
            table: "supervision_tasks",
            condition: format!("night < $1 AND {}", not_held("supervision_tasks.client_id")),
            order: "night",
            bound: date,
            second: None,
        }],
        RecordKind::Alarms => vec![
            Main {
                table: "alarms",
                condition: format!(
                    "received_at < $1 AND closed_at IS NOT NULL AND {}",
                    not_held("alarms.client_id")
                ),
                order: "received_at",
                bound: instant,
                second: None,
            },
            Main {
                table: "alarm_messages",
                // Those no remaining alarm points at: an alarm is stamped with the time its
                // first message was received, so only alarms of the same time need a look (those
                // left because they are open or held); a day's margin for safety.
                condition: "received_at < $1 AND id NOT IN (SELECT message_id FROM alarms \
                     WHERE received_at < $2 AND message_id IS NOT NULL)"
                    .into(),
                order: "received_at",
                bound: instant,
                second: Some(Bound::Instant(margin(cutoff))),
            },
        ],
        RecordKind::DeviceEvents => vec![Main {
            table: "device_events",
            condition: format!("at < $1 AND {}", not_held("device_events.client_id")),
            order: "at",
            bound: instant,
            second: None,
        }],
        RecordKind::TechnicalChecks => vec![Main {
            table: "technical_checks",
            condition: "due_at < $1".into(),
            order: "due_at",
            bound: instant,
            second: None,
        }],
        RecordKind::Visits => vec![Main {
            table: "visits",
            condition: format!("visit_date < $1 AND {}", not_held("visits.client_id")),
            order: "visit_date",
            bound: date,
            second: None,
        }],
        RecordKind::LockEvents => vec![
            Main {
                table: "lock_events",
                condition: format!("at < $1 AND {}", not_held("lock_events.client_id")),
                order: "at",
                bound: instant,
                second: None,
            },
            Main {
                table: "lock_grants",
                condition: format!("expires < $1 AND {}", not_held("lock_grants.client_id")),
                order: "expires",
                bound: instant,
                second: None,
            },
        ],
        RecordKind::Signings => vec![Main {
            table: "signings",
            condition: format!("occasion_date < $1 AND {}", not_held("signings.client_id")),
            order: "occasion_date",
            bound: date,
            second: None,
        }],
        RecordKind::Delegations => vec![Main {
            table: "delegations",
            condition: "valid_to < $1 \
                 AND NOT EXISTS (SELECT 1 FROM signings s WHERE s.delegation_id = delegations.id) \
                 AND NOT EXISTS (SELECT 1 FROM delegation_clients dc JOIN legal_holds h \
                     ON h.client_id = dc.client_id AND h.lifted_at IS NULL \
                     WHERE dc.delegation_id = delegations.id)"
                .into(),
            order: "valid_to",
            bound: date,
            second: None,
        }],
        RecordKind::LogReviews => vec![Main {
            table: "log_reviews",
            condition: format!(
                "period_to < $1 AND {}",
                not_held("log_reviews.subject_client_id")
            ),
            order: "period_to",
            bound: date,
            second: None,
        }],
        RecordKind::EndedClients => vec![Main {
            table: "clients",
            condition: ended_client(),
            order: "updated_at",
            bound: instant,
            second: Some(date),
        }],
        // Pseudonymised, not removed (see `purge_batch`).
        RecordKind::DeactivatedAccounts => vec![Main {
            table: "users",
            condition: ENDED_ACCOUNT.into(),
            order: "id",
            bound: instant,
            second: None,
        }],
        // The audit log itself is purged by its own steps (an anchor first); these are the
        // rows kept beside it: the emergency accesses whose entries it holds.
        RecordKind::AuditLog => vec![Main {
            table: "emergency_access",
            condition: format!(
                "ends_at < $1 AND {}",
                not_held("emergency_access.client_id")
            ),
            order: "ends_at",
            bound: instant,
            second: None,
        }],
    }
}

/// The rows that belong to a main record: `(table, column naming the main record)`, deleted
/// before it.
fn children(table: &str) -> &'static [(&'static str, &'static str)] {
    match table {
        "supervision_tasks" => &[("look_ins", "task_id"), ("dispatches", "task_id")],
        "alarms" => &[("alarm_log", "alarm_id")],
        "visits" => &[
            ("visit_records", "visit_id"),
            ("visit_corrections", "visit_id"),
        ],
        "signings" => &[("deviations", "signing_id")],
        "delegations" => &[
            ("delegation_clients", "delegation_id"),
            ("delegation_events", "delegation_id"),
        ],
        "log_reviews" => &[("log_review_entries", "review_id")],
        // What is left of an ended client (the rows of orders and visit plans before the
        // decisions they point at; those of prescriptions and decisions in `grandchildren`).
        "clients" => &[
            ("prescriptions", "client_id"),
            ("visit_plans", "client_id"),
            ("orders", "client_id"),
            ("decisions", "client_id"),
            ("consents", "client_id"),
            ("supervision_plans", "client_id"),
            ("pauses", "client_id"),
            ("client_contacts", "client_id"),
            ("client_access_group", "client_id"),
            ("client_key_access", "client_id"),
            ("legal_holds", "client_id"),
        ],
        // What a pseudonymised account no longer needs: its ways in and its reach.
        "users" => &[
            ("sessions", "user_id"),
            ("api_tokens", "user_id"),
            ("recovery_codes", "user_id"),
            ("app_devices", "user_id"),
            ("passkeys", "user_id"),
            ("passkey_challenges", "user_id"),
            ("client_access_group", "user_id"),
            ("client_reach", "user_id"),
            ("role_assignments", "user_id"),
        ],
        _ => &[],
    }
}

/// Rows two steps from a main record, deleted before the children they point at:
/// `(table, column, child table)` — the rows whose `column` names a row of the child table
/// that belongs to the main record.
fn grandchildren(table: &str) -> &'static [(&'static str, &'static str, &'static str)] {
    match table {
        "clients" => &[
            ("escalation_calls", "prescription_id", "prescriptions"),
            ("decision_tasks", "decision_id", "decisions"),
        ],
        _ => &[],
    }
}

/// A day past the cutoff: the margin of the alarm messages' look at the alarms.
fn margin(cutoff: Cutoff) -> DbInstant {
    DbInstant::new(
        cutoff
            .instant
            .checked_add(jiff::SignedDuration::from_hours(24))
            .unwrap_or(cutoff.instant),
    )
}

fn bind_bound(
    q: sqlx::query::QueryAs<'_, Db, (i64,), <Db as sqlx::Database>::Arguments>,
    b: Bound,
) -> sqlx::query::QueryAs<'_, Db, (i64,), <Db as sqlx::Database>::Arguments> {
    match b {
        Bound::Date(d) => q.bind(d),
        Bound::Instant(i) => q.bind(i),
    }
}

impl SqlTx {
    /// `DELETE FROM table WHERE column IN (ids)`; the number of rows removed.
    async fn delete_in(&mut self, table: &str, column: &str, ids: &[Uuid]) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut q =
            sqlx::QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE {column} IN ("));
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(")");
        Ok(q.build()
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .rows_affected())
    }

    /// `DELETE FROM table WHERE column IN (SELECT id FROM child WHERE client_id IN (ids))`: the
    /// rows that point at the child rows of the clients `ids`.
    async fn delete_via(
        &mut self,
        table: &str,
        column: &str,
        child: &str,
        ids: &[Uuid],
    ) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut q = sqlx::QueryBuilder::<Db>::new(format!(
            "DELETE FROM {table} WHERE {column} IN (SELECT id FROM {child} WHERE client_id IN ("
        ));
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push("))");
        Ok(q.build()
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .rows_affected())
    }

    /// Replaces what names the holders of the accounts `ids` by a pseudonym made of the
    /// account's id: the username, the name, the e-mail (at a domain that never exists), the
    /// HSA-id and every credential. The
    /// account stays (records kept longer point at it), marked so that it is never reactivated.
    async fn pseudonymise_accounts(&mut self, ids: &[Uuid], at: Timestamp) -> StoreResult<u64> {
        let mut n = 0;
        for id in ids {
            let hex = id.simple().to_string();
            let name = format!("#{}", &hex[..8]);
            n += sqlx::query(
                "UPDATE users SET username = $1, display_name = $2, display_name_key = $2,
                     email = $5, hsa_id = NULL, password_hash = NULL, password_changed_at = NULL,
                     must_change_password = FALSE, totp_secret = NULL, totp_enabled_at = NULL,
                     totp_last_step = NULL, failed_logins = 0, locked_until = NULL,
                     last_login_at = NULL, pseudonymised_at = $3
                 WHERE id = $4 AND pseudonymised_at IS NULL",
            )
            .bind(format!("removed-{hex}"))
            .bind(name)
            .bind(DbInstant::new(at))
            .bind(*id)
            // A domain that never exists (RFC 2606): mail to it goes nowhere.
            .bind(format!("{hex}@removed.invalid"))
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .rows_affected();
        }
        Ok(n)
    }

    /// The ids of at most `limit` purgeable rows of `m`.
    async fn purgeable_ids(&mut self, m: &Main, limit: i64) -> StoreResult<Vec<Uuid>> {
        let sql = format!(
            "SELECT id FROM {} WHERE {} ORDER BY {} LIMIT {}",
            m.table,
            m.condition,
            m.order,
            limit.max(1)
        );
        let q = sqlx::query_as::<_, (Uuid,)>(sqlx::AssertSqlSafe(sql));
        let q = match m.bound {
            Bound::Date(d) => q.bind(d),
            Bound::Instant(i) => q.bind(i),
        };
        let q = match m.second {
            Some(Bound::Date(d)) => q.bind(d),
            Some(Bound::Instant(i)) => q.bind(i),
            None => q,
        };
        Ok(q.fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .into_iter()
            .map(|(id,)| id)
            .collect())
    }
}

#[async_trait::async_trait]
impl RetentionRead for SqlTx {
    async fn list_retention(&mut self) -> StoreResult<Vec<(RecordKind, u32)>> {
        let rows = sqlx::query_as::<_, (String, i64)>("SELECT kind, days FROM retention_settings")
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        rows.into_iter()
            .filter_map(|(k, d)| {
                // A kind this release does not know (a newer one's row) is not this table's.
                let kind = RecordKind::from_code(&k)?;
                Some(
                    u32::try_from(d).map(|d| (kind, d)).map_err(|_| {
                        StoreError::corrupt(format!("retention_settings.days of {k}"))
                    }),
                )
            })
            .collect()
    }

    async fn list_legal_holds(&mut self, all: bool) -> StoreResult<Vec<LegalHoldRecord>> {
        let sql = if all {
            "SELECT id, client_id, reason, placed_at, placed_by, lifted_at, lifted_by
             FROM legal_holds ORDER BY placed_at DESC"
        } else {
            "SELECT id, client_id, reason, placed_at, placed_by, lifted_at, lifted_by
             FROM legal_holds WHERE lifted_at IS NULL ORDER BY placed_at DESC"
        };
        let rows = sqlx::query_as::<_, HoldRow>(sql)
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(rows.into_iter().map(hold).collect())
    }

    async fn legal_hold_in_force(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Option<LegalHoldRecord>> {
        let row = sqlx::query_as::<_, HoldRow>(
            "SELECT id, client_id, reason, placed_at, placed_by, lifted_at, lifted_by
             FROM legal_holds WHERE client_id = $1 AND lifted_at IS NULL",
        )
        .bind(client.0)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.map(hold))
    }

    async fn count_purgeable(&mut self, kind: RecordKind, cutoff: Cutoff) -> StoreResult<u64> {
        if kind == RecordKind::AuditLog {
            let Some((upto, _)) = self.audit_purge_bound(cutoff.instant).await? else {
                return Ok(0);
            };
            // Sequence numbers have no gaps: from the oldest entry left to the bound.
            let (first,) = sqlx::query_as::<_, (Option<i64>,)>("SELECT min(seq) FROM audit_log")
                .fetch_one(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            let first = first
                .and_then(|f| u64::try_from(f).ok())
                .unwrap_or(upto + 1);
            return Ok((upto + 1).saturating_sub(first));
        }
        let mut total = 0;
        for m in mains(kind, cutoff) {
            let sql = format!("SELECT count(*) FROM {} WHERE {}", m.table, m.condition);
            let q = bind_bound(
                sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql)),
                m.bound,
            );
            let q = match m.second {
                Some(b) => bind_bound(q, b),
                None => q,
            };
            let (n,) = q.fetch_one(&mut *self.tx).await.map_err(map_sqlx_error)?;
            total += u64::try_from(n).unwrap_or(0);
        }
        Ok(total)
    }

    async fn list_purge_runs(&mut self, limit: i64) -> StoreResult<Vec<PurgeRunRecord>> {
        let rows = sqlx::query_as::<
            _,
            (
                Uuid,
                DbInstant,
                Option<DbInstant>,
                Option<Uuid>,
                Option<String>,
            ),
        >(
            "SELECT id, started_at, finished_at, started_by, report FROM purge_runs
             ORDER BY started_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, started_at, finished_at, started_by, report)| PurgeRunRecord {
                    id,
                    started_at: started_at.into(),
                    finished_at: finished_at.map(Into::into),
                    started_by: started_by.map(UserId),
                    report,
                },
            )
            .collect())
    }

    async fn latest_audit_anchor(&mut self) -> StoreResult<Option<AuditAnchorRecord>> {
        let row = sqlx::query_as::<_, (i64, Vec<u8>, DbInstant, Vec<u8>, Vec<u8>)>(
            "SELECT seq, hash, at, key, signature FROM audit_anchors ORDER BY seq DESC LIMIT 1",
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        row.map(|(seq, hash, at, key, signature)| {
            let bad = || StoreError::corrupt(format!("audit_anchors row {seq}"));
            Ok(AuditAnchorRecord {
                seq: u64::try_from(seq).map_err(|_| bad())?,
                hash: hash.try_into().map_err(|_| bad())?,
                at: at.into(),
                key: key.try_into().map_err(|_| bad())?,
                signature: signature.try_into().map_err(|_| bad())?,
            })
        })
        .transpose()
    }

    async fn account_pseudonymised(&mut self, user: UserId) -> StoreResult<bool> {
        let row = sqlx::query_as::<_, (Option<DbInstant>,)>(
            "SELECT pseudonymised_at FROM users WHERE id = $1",
        )
        .bind(user.0)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(matches!(row, Some((Some(_),))))
    }

    async fn audit_purge_bound(
        &mut self,
        before: Timestamp,
    ) -> StoreResult<Option<(u64, [u8; 32])>> {
        // The newest entry before `before`, and the first entry about a held client: the purge
        // stops short of the latter.
        let (newest,) =
            sqlx::query_as::<_, (Option<i64>,)>("SELECT max(seq) FROM audit_log WHERE at < $1")
                .bind(DbInstant::new(before))
                .fetch_one(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        let Some(newest) = newest else {
            return Ok(None);
        };
        let (first_held,) = sqlx::query_as::<_, (Option<i64>,)>(
            "SELECT min(a.seq) FROM legal_holds h JOIN audit_log a ON a.client_id = h.client_id
             WHERE h.lifted_at IS NULL",
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let upto = first_held.map_or(newest, |f| newest.min(f - 1));
        if upto < 1 {
            return Ok(None);
        }
        let row =
            sqlx::query_as::<_, (i64, Vec<u8>)>("SELECT seq, hash FROM audit_log WHERE seq = $1")
                .bind(upto)
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        // Already purged up to there (the entry is gone): nothing more to purge.
        let Some((seq, hash)) = row else {
            return Ok(None);
        };
        let hash: [u8; 32] = hash
            .try_into()
            .map_err(|_| StoreError::corrupt(format!("audit_log.hash of {seq}")))?;
        Ok(Some((u64::try_from(seq).unwrap_or(0), hash)))
    }
}

type HoldRow = (
    Uuid,
    Uuid,
    String,
    DbInstant,
    Uuid,
    Option<DbInstant>,
    Option<Uuid>,
);

fn hold(r: HoldRow) -> LegalHoldRecord {
    let (id, client_id, reason, placed_at, placed_by, lifted_at, lifted_by) = r;
    LegalHoldRecord {
        id,
        client_id: ClientId(client_id),
        reason,
        placed_at: placed_at.into(),
        placed_by: UserId(placed_by),
        lifted_at: lifted_at.map(Into::into),
        lifted_by: lifted_by.map(UserId),
    }
}

#[async_trait::async_trait]
impl RetentionWrite for SqlTx {
    async fn set_retention(
        &mut self,
        kind: RecordKind,
        days: u32,
        at: Timestamp,
        by: Option<UserId>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO retention_settings (kind, days, changed_at, changed_by)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (kind) DO UPDATE SET days = excluded.days,
                 changed_at = excluded.changed_at, changed_by = excluded.changed_by",
        )
        .bind(kind.code())
        .bind(i64::from(days))
        .bind(DbInstant::new(at))
        .bind(by.map(|u| u.0))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_legal_hold(&mut self, h: &LegalHoldRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO legal_holds (id, client_id, reason, placed_at, placed_by)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(h.id)
        .bind(h.client_id.0)
        .bind(&h.reason)
        .bind(DbInstant::new(h.placed_at))
        .bind(h.placed_by.0)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn lift_legal_hold(
        &mut self,
        client: ClientId,
        at: Timestamp,
        by: UserId,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE legal_holds SET lifted_at = $1, lifted_by = $2
             WHERE client_id = $3 AND lifted_at IS NULL",
        )
        .bind(DbInstant::new(at))
        .bind(by.0)
        .bind(client.0)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n > 0)
    }

    async fn purge_batch(
        &mut self,
        kind: RecordKind,
        cutoff: Cutoff,
        limit: i64,
    ) -> StoreResult<Vec<Removed>> {
        let mut removed = Vec::new();
        // One main table a batch, in order: the next only once the one before has nothing
        // left (alarm messages no alarm points at are sought only after the alarms are gone;
        // looking for them first would walk every old message an alarm still holds, each batch).
        for m in mains(kind, cutoff) {
            let ids = self.purgeable_ids(&m, limit).await?;
            if ids.is_empty() {
                continue;
            }
            // An alarm's first message goes with it (a message belongs to one alarm at most).
            let messages: Vec<Uuid> = if m.table == "alarms" {
                let mut q = sqlx::QueryBuilder::<Db>::new(
                    "SELECT message_id FROM alarms WHERE message_id IS NOT NULL AND id IN (",
                );
                let mut list = q.separated(", ");
                for id in &ids {
                    list.push_bind(*id);
                }
                q.push(")");
                q.build_query_as::<(Uuid,)>()
                    .fetch_all(&mut *self.tx)
                    .await
                    .map_err(map_sqlx_error)?
                    .into_iter()
                    .map(|(id,)| id)
                    .collect()
            } else {
                Vec::new()
            };
            for &(table, column, child) in grandchildren(m.table) {
                let rows = self.delete_via(table, column, child, &ids).await?;
                removed.push(Removed { table, rows });
            }
            for &(table, column) in children(m.table) {
                let rows = self.delete_in(table, column, &ids).await?;
                removed.push(Removed { table, rows });
            }
            let rows = if m.table == "users" {
                self.pseudonymise_accounts(&ids, cutoff.now).await?
            } else {
                self.delete_in(m.table, "id", &ids).await?
            };
            removed.push(Removed {
                table: m.table,
                rows,
            });
            if m.table == "alarms" {
                let rows = self.delete_in("alarm_messages", "id", &messages).await?;
                removed.push(Removed {
                    table: "alarm_messages",
                    rows,
                });
            }
            break;
        }
        // Rows of few records each (a week's confirmations, a missed occasion's calls): whole,
        // with the first batch.
        let few: &[(&'static str, String, Bound)] = match kind {
            RecordKind::Supervision => &[(
                "supervision_lapses",
                format!(
                    "night < $1 AND {}",
                    not_held("supervision_lapses.client_id")
                ),
                Bound::Date(DbDate(cutoff.date)),
            )],
            RecordKind::Visits => &[
                (
                    "visit_week_confirmations",
                    "week_start < $1".to_owned(),
                    Bound::Date(DbDate(cutoff.date)),
                ),
                (
                    "visit_week_approvals",
                    "week_start < $1".to_owned(),
                    Bound::Date(DbDate(cutoff.date)),
                ),
            ],
            RecordKind::Signings => &[(
                "escalation_calls",
                format!(
                    "occasion_date < $1 AND prescription_id IN (SELECT p.id FROM prescriptions p WHERE {})",
                    not_held("p.client_id")
                ),
                Bound::Date(DbDate(cutoff.date)),
            )],
            _ => &[],
        };
        for (table, condition, bound) in few {
            let sql = format!("DELETE FROM {table} WHERE {condition}");
            let q = sqlx::query(sqlx::AssertSqlSafe(sql));
            let q = match *bound {
                Bound::Date(d) => q.bind(d),
                Bound::Instant(i) => q.bind(i),
            };
            let rows = q
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?
                .rows_affected();
            removed.push(Removed { table, rows });
        }
        Ok(removed)
    }

    async fn insert_audit_anchor(&mut self, a: &AuditAnchorRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_anchors (seq, hash, at, key, signature) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (seq) DO NOTHING",
        )
        .bind(i64::try_from(a.seq).map_err(|_| StoreError::corrupt("anchor seq"))?)
        .bind(a.hash.to_vec())
        .bind(DbInstant::new(a.at))
        .bind(a.key.to_vec())
        .bind(a.signature.to_vec())
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn purge_audit_batch(&mut self, upto: u64, limit: i64) -> StoreResult<u64> {
        let upto = i64::try_from(upto).unwrap_or(i64::MAX);
        let (first,) = sqlx::query_as::<_, (Option<i64>,)>("SELECT min(seq) FROM audit_log")
            .fetch_one(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        let Some(first) = first else {
            return Ok(0);
        };
        let last = upto.min(first.saturating_add(limit.max(1)) - 1);
        if last < first {
            return Ok(0);
        }
        Ok(
            sqlx::query("DELETE FROM audit_log WHERE seq >= $1 AND seq <= $2")
                .bind(first)
                .bind(last)
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?
                .rows_affected(),
        )
    }

    async fn insert_purge_run(&mut self, r: &PurgeRunRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO purge_runs (id, started_at, finished_at, started_by, report)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.id)
        .bind(DbInstant::new(r.started_at))
        .bind(r.finished_at.map(DbInstant::new))
        .bind(r.started_by.map(|u| u.0))
        .bind(r.report.as_deref())
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn finish_purge_run(&mut self, id: Uuid, at: Timestamp, report: &str) -> StoreResult<()> {
        sqlx::query("UPDATE purge_runs SET finished_at = $1, report = $2 WHERE id = $3")
            .bind(DbInstant::new(at))
            .bind(report)
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(())
    }
}
