// The audit log and its hash chain. Included by the backend crates; see README.md.

use vaka_domain::audit::{AuditEntry, NewAuditEntry};
use vaka_store::{AuditQuery, AuditRead, AuditRow, hash32, values::to_db_precision};

#[async_trait::async_trait]
impl AuditRead for SqlTx {
    async fn search_audit(&mut self, q: &AuditQuery) -> StoreResult<Vec<AuditEntry>> {
        let before = q.before_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
        if let Some(after) = q.after_seq {
            // Paging forwards: the oldest entries above the cursor (the index on seq serves
            // either direction), turned newest first like every other page.
            let after = i64::try_from(after).unwrap_or(i64::MAX);
            return sqlx::query_as!(
                AuditRow,
                r#"SELECT seq as "seq!: i64", at as "at!: DbInstant", actor_user_id as "actor_user_id?: Uuid",
                          actor_username as "actor_username?", actor_role as "actor_role?",
                          actor_org_id as "actor_org_id?: Uuid", actor_unit_id as "actor_unit_id?: Uuid",
                          credential as "credential?", action as "action!", outcome as "outcome!",
                          client_id as "client_id?: Uuid", subject_kind as "subject_kind?",
                          subject_id as "subject_id?", care_context as "care_context?",
                          request_id as "request_id?", source_ip as "source_ip?", flags as "flags!: i64",
                          details as "details?", prev_hash as "prev_hash!: Vec<u8>", hash as "hash!: Vec<u8>"
                   FROM audit_log
                   WHERE (actor_user_id = $1 OR $1 IS NULL)
                     AND (client_id = $2 OR $2 IS NULL)
                     AND (action = $3 OR $3 IS NULL)
                     AND (at >= $4 OR $4 IS NULL)
                     AND (at < $5 OR $5 IS NULL)
                     AND (actor_unit_id = $6 OR $6 IS NULL)
                     AND (seq < $7 OR $7 IS NULL)
                     AND seq > $8
                   ORDER BY seq ASC
                   LIMIT $9"#,
                q.actor.map(|u| u.0),
                q.client.map(|c| c.0),
                q.action.map(vaka_domain::audit::AuditAction::code),
                q.from.map(DbInstant::new),
                q.to.map(DbInstant::new),
                q.actor_unit.map(|u| u.0),
                before,
                after,
                q.limit,
            )
            .fetch_all(&mut *self.tx)
            .await
            .map(|mut rows| {
                rows.reverse();
                rows
            })
            .records();
        }
        sqlx::query_as!(
            AuditRow,
            r#"SELECT seq as "seq!: i64", at as "at!: DbInstant", actor_user_id as "actor_user_id?: Uuid",
                      actor_username as "actor_username?", actor_role as "actor_role?",
                      actor_org_id as "actor_org_id?: Uuid", actor_unit_id as "actor_unit_id?: Uuid",
                      credential as "credential?", action as "action!", outcome as "outcome!",
                      client_id as "client_id?: Uuid", subject_kind as "subject_kind?",
                      subject_id as "subject_id?", care_context as "care_context?",
                      request_id as "request_id?", source_ip as "source_ip?", flags as "flags!: i64",
                      details as "details?", prev_hash as "prev_hash!: Vec<u8>", hash as "hash!: Vec<u8>"
               FROM audit_log
               WHERE (actor_user_id = $1 OR $1 IS NULL)
                 AND (client_id = $2 OR $2 IS NULL)
                 AND (action = $3 OR $3 IS NULL)
                 AND (at >= $4 OR $4 IS NULL)
                 AND (at < $5 OR $5 IS NULL)
                 AND (actor_unit_id = $6 OR $6 IS NULL)
                 AND (seq < $7 OR $7 IS NULL)
               ORDER BY seq DESC
               LIMIT $8"#,
            q.actor.map(|u| u.0),
            q.client.map(|c| c.0),
            q.action.map(vaka_domain::audit::AuditAction::code),
            q.from.map(DbInstant::new),
            q.to.map(DbInstant::new),
            q.actor_unit.map(|u| u.0),
            before,
            q.limit,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn count_audit(&mut self, q: &AuditQuery) -> StoreResult<(i64, i64)> {
        let before = q.before_seq.map(|s| i64::try_from(s).unwrap_or(i64::MAX));
        let row = sqlx::query!(
            r#"SELECT COUNT(*) as "total!: i64",
                      COALESCE(SUM(CASE WHEN seq >= $7 THEN 1 ELSE 0 END), 0) as "newer!: i64"
               FROM audit_log
               WHERE (actor_user_id = $1 OR $1 IS NULL)
                 AND (client_id = $2 OR $2 IS NULL)
                 AND (action = $3 OR $3 IS NULL)
                 AND (at >= $4 OR $4 IS NULL)
                 AND (at < $5 OR $5 IS NULL)
                 AND (actor_unit_id = $6 OR $6 IS NULL)"#,
            q.actor.map(|u| u.0),
            q.client.map(|c| c.0),
            q.action.map(vaka_domain::audit::AuditAction::code),
            q.from.map(DbInstant::new),
            q.to.map(DbInstant::new),
            q.actor_unit.map(|u| u.0),
            before,
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok((row.total, row.newer))
    }

    async fn audit_head(&mut self) -> StoreResult<(u64, [u8; 32])> {
        let head = sqlx::query!(
            r#"SELECT seq as "seq!: i64", hash as "hash!: Vec<u8>" FROM audit_head WHERE id = 1"#
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let seq = u64::try_from(head.seq).map_err(|_| StoreError::corrupt("negative audit seq"))?;
        Ok((seq, hash32(&head.hash, "audit head")?))
    }
}

impl SqlTx {
    /// Places the entries at the head of the chain, in order, with one read of the head and
    /// one insert per 500. Only [`Transaction::commit`] calls it: an entry is appended as its
    /// change commits.
    pub(crate) async fn append_audit_batch(
        &mut self,
        entries: &[NewAuditEntry],
    ) -> StoreResult<Vec<AuditEntry>> {
        if entries.is_empty() {
            return Ok(Vec::new());
        }
        let n =
            i64::try_from(entries.len()).map_err(|_| StoreError::other("audit batch too large"))?;
        // Reserving the sequence numbers takes the head row's lock, which serialises appends on
        // PostgreSQL; SQLite's write transaction already holds the database lock. The hash read
        // back is the one before this batch (this statement does not change it).
        let head = sqlx::query!(
            r#"UPDATE audit_head SET seq = seq + $1 WHERE id = 1
               RETURNING seq as "seq!: i64", hash as "hash!: Vec<u8>""#,
            n,
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let first = u64::try_from(head.seq - n + 1)
            .map_err(|_| StoreError::corrupt("negative audit seq"))?;
        let mut prev = hash32(&head.hash, "audit head")?;
        let mut sealed = Vec::with_capacity(entries.len());
        for (i, entry) in (first..).zip(entries) {
            let mut new = entry.clone().normalised();
            new.at = to_db_precision(new.at);
            let e = new.seal(i, prev);
            prev = e.hash;
            sealed.push(e);
        }
        // One multi-row insert per chunk (the column list matches migrations/*/0001; both
        // backends run it in every test).
        for chunk in sealed.chunks(500) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO audit_log (seq, at, actor_user_id, actor_username, actor_role, actor_org_id, \
                 actor_unit_id, credential, action, outcome, client_id, subject_kind, subject_id, \
                 care_context, request_id, source_ip, flags, details, prev_hash, hash) ",
            );
            q.push_values(chunk, |mut b, s| {
                let e = &s.new;
                b.push_bind(i64::try_from(s.seq).unwrap_or(i64::MAX))
                    .push_bind(DbInstant(e.at))
                    .push_bind(e.actor.user_id.map(|u| u.0))
                    .push_bind(e.actor.username.clone())
                    .push_bind(e.actor.role.map(vaka_domain::access::Role::code))
                    .push_bind(e.actor.organisation_id.map(|o| o.0))
                    .push_bind(e.actor.unit_id.map(|u| u.0))
                    .push_bind(e.actor.credential.clone())
                    .push_bind(e.action.code())
                    .push_bind(e.outcome.code())
                    .push_bind(e.client_id.map(|c| c.0))
                    .push_bind(e.subject_kind.clone())
                    .push_bind(e.subject_id.clone())
                    .push_bind(e.care_context.clone())
                    .push_bind(e.request_id.clone())
                    .push_bind(e.source_ip.clone())
                    .push_bind(i64::from(e.flags.bits()))
                    .push_bind(e.details.clone())
                    .push_bind(s.prev_hash.to_vec())
                    .push_bind(s.hash.to_vec());
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        sqlx::query!("UPDATE audit_head SET hash = $1 WHERE id = 1", &prev[..])
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        Ok(sealed)
    }
}
