// Safety alarms: the receiver's receipt log, alarms and their log, heartbeats.
// Included by the backend crates; see README.md.

use vaka_domain::alarm::{AlarmLogEntry, AlarmMessage, AlarmRecord};
use vaka_domain::ids::{AlarmId, DeviceId};
use vaka_domain::technical::TechnicalCheck;
use vaka_store::{
    AlarmAccount, AlarmAccountRow, AlarmLogRow, AlarmRead, AlarmRow, AlarmWrite, TechnicalCheckRow,
};

/// Rows per statement: 32 values an alarm row stays under SQLite's 32,766 bound values.
const ALARM_CHUNK: usize = 500;
const MESSAGE_CHUNK: usize = 1_000;

fn push_alarm(mut b: sqlx::query_builder::Separated<'_, Db, &'static str>, a: &AlarmRecord) {
    let al = &a.alarm;
    b.push_bind(a.id.0)
        .push_bind(a.message_id.map(|m| m.0))
        .push_bind(a.device_id.map(|d| d.0))
        .push_bind(a.client_id.map(|c| c.0))
        .push_bind(a.account.clone())
        .push_bind(al.kind.code())
        .push_bind(a.category.clone())
        .push_bind(a.code.clone())
        .push_bind(a.zone.clone())
        .push_bind(a.caller.clone())
        .push_bind(al.area.code())
        .push_bind(DbInstant::new(al.received_at))
        .push_bind(al.state.code())
        .push_bind(al.operator.map(|u| u.0))
        .push_bind(al.taken_at.map(DbInstant::new))
        .push_bind(al.contacted_at.map(DbInstant::new))
        .push_bind(al.dispatched_at.map(DbInstant::new))
        .push_bind(a.chain_link.map(vaka_domain::alarm::ChainLink::code))
        .push_bind(al.state.responder().map(|u| u.0))
        .push_bind(al.acknowledged_at.map(DbInstant::new))
        .push_bind(al.on_way_at.map(DbInstant::new))
        .push_bind(al.arrived_at.map(DbInstant::new))
        .push_bind(al.closed_at.map(DbInstant::new))
        .push_bind(a.closed_by.map(|u| u.0))
        .push_bind(a.cause.map(vaka_domain::alarm::CloseCause::code))
        .push_bind(a.note.clone())
        .push_bind(al.escalated_not_taken)
        .push_bind(al.escalated_not_acknowledged)
        .push_bind(a.restored_at.map(DbInstant::new))
        .push_bind(a.occurrences)
        .push_bind(DbInstant::new(a.last_at))
        .push_bind(DbInstant::new(a.updated_at));
}

const ALARM_COLUMNS: &str = "INSERT INTO alarms (id, message_id, device_id, client_id, account, \
     kind, category, code, zone, caller, area_type, received_at, state, operator_id, taken_at, \
     contacted_at, dispatched_at, chain_link, responder_id, acknowledged_at, on_way_at, \
     arrived_at, closed_at, closed_by, cause, note, escalated_not_taken, \
     escalated_not_acknowledged, restored_at, occurrences, last_at, updated_at) ";

/// One multi-row insert per chunk of full alarm rows.
fn alarm_inserts(alarms: &[&AlarmRecord]) -> Vec<sqlx::QueryBuilder<Db>> {
    alarms
        .chunks(ALARM_CHUNK)
        .map(|chunk| {
            let mut q = sqlx::QueryBuilder::<Db>::new(ALARM_COLUMNS);
            q.push_values(chunk, |b, a| push_alarm(b, a));
            q
        })
        .collect()
}

async fn run_inserts(
    conn: &mut <Db as sqlx::Database>::Connection,
    inserts: &mut [sqlx::QueryBuilder<Db>],
) -> StoreResult<()> {
    for q in inserts {
        q.build()
            .execute(&mut *conn)
            .await
            .map_err(map_sqlx_error)?;
    }
    Ok(())
}

/// An alarm as the receiver raises it: received, untouched, nothing but its origin set.
fn is_fresh(a: &AlarmRecord) -> bool {
    let al = &a.alarm;
    *al == vaka_domain::alarm::Alarm::new(al.kind, al.area, al.received_at)
        && a.chain_link.is_none()
        && a.closed_by.is_none()
        && a.cause.is_none()
        && a.note.is_none()
        && a.restored_at.is_none()
        && a.occurrences == 1
}

/// Rows per statement of fresh alarms (14 values each).
const FRESH_ALARM_CHUNK: usize = 1_000;

/// The statements of one intake, bound ahead of its transaction (see
/// [`vaka_store::PreparedIntake`]).
struct IntakeStatements {
    /// The claims of the messages' keys, each with the rows it must insert or take over.
    claims: Vec<(sqlx::QueryBuilder<Db>, u64)>,
    inserts: Vec<sqlx::QueryBuilder<Db>>,
    restores: Vec<(DeviceId, String, jiff::Timestamp)>,
}

/// Rows per statement of message keys (5 values each).
const KEY_CHUNK: usize = 1_000;

/// The claims of the messages' keys (see migration 0030, `alarm_message_keys`): each key is
/// inserted fresh until `window` after its message's receipt, or takes over a stale one; a key
/// still fresh is left alone, so the statement touches fewer rows than it names, and the intake
/// is refused. Every node on the database claims in the same order (by key), so two commits
/// that claim the same keys wait for each other instead of deadlocking.
fn key_claims(
    messages: &[AlarmMessage],
    window: jiff::SignedDuration,
) -> Vec<(sqlx::QueryBuilder<Db>, u64)> {
    let mut keys: Vec<(&str, u16, i64, jiff::Timestamp)> = messages
        .iter()
        .map(|m| (m.account.as_str(), m.seq, m.fingerprint, m.received_at))
        .collect();
    keys.sort_unstable();
    // The receiver sends a key once a batch; a copy would be its own duplicate here.
    keys.dedup_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2));
    keys.chunks(KEY_CHUNK)
        .map(|chunk| {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO alarm_message_keys (account, seq, fingerprint, received_at, \
                 fresh_until) ",
            );
            q.push_values(chunk, |mut b, &(account, seq, fingerprint, at)| {
                let fresh_until = at.checked_add(window).unwrap_or(at);
                b.push_bind(account.to_owned())
                    .push_bind(i64::from(seq))
                    .push_bind(fingerprint)
                    .push_bind(DbInstant::new(at))
                    .push_bind(DbInstant::new(fresh_until));
            });
            q.push(
                " ON CONFLICT (account, seq, fingerprint) DO UPDATE \
                 SET received_at = excluded.received_at, fresh_until = excluded.fresh_until \
                 WHERE alarm_message_keys.fresh_until <= excluded.received_at",
            );
            (q, chunk.len() as u64)
        })
        .collect()
}

/// `rows` in owned chunks of at most `size`.
fn owned_chunks<T>(mut rows: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut chunks = Vec::with_capacity(rows.len().div_ceil(size));
    while rows.len() > size {
        let rest = rows.split_off(size);
        chunks.push(std::mem::replace(&mut rows, rest));
    }
    if !rows.is_empty() {
        chunks.push(rows);
    }
    chunks
}

/// Encodes a group commit: the claims of the messages' keys when `dedupe_window` is set, the
/// messages, then the alarms (fresh ones bind only the columns they set, half the values of a
/// full row), then the restores. The rows' values move into the statements.
pub(crate) fn prepare_intake(
    messages: Vec<AlarmMessage>,
    alarms: Vec<AlarmRecord>,
    restores: Vec<(DeviceId, String, jiff::Timestamp)>,
    dedupe_window: Option<jiff::SignedDuration>,
) -> vaka_store::PreparedIntake {
    let claims = dedupe_window.map_or_else(Vec::new, |w| key_claims(&messages, w));
    let mut inserts = Vec::new();
    for chunk in owned_chunks(messages, MESSAGE_CHUNK) {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO alarm_messages (id, account, seq, fingerprint, token, device_id, \
             data, message_at, received_at, transport) ",
        );
        q.push_values(chunk, |mut b, m| {
            b.push_bind(m.id.0)
                .push_bind(m.account)
                .push_bind(i64::from(m.seq))
                .push_bind(m.fingerprint)
                .push_bind(m.token)
                .push_bind(m.device_id.map(|d| d.0))
                .push_bind(m.data)
                .push_bind(m.message_at.map(DbInstant::new))
                .push_bind(DbInstant::new(m.received_at))
                .push_bind(m.transport);
        });
        inserts.push(q);
    }
    let (fresh, other): (Vec<AlarmRecord>, Vec<AlarmRecord>) =
        alarms.into_iter().partition(is_fresh);
    for chunk in owned_chunks(fresh, FRESH_ALARM_CHUNK) {
        let mut q = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO alarms (id, message_id, device_id, client_id, account, kind, category, \
             code, zone, caller, area_type, received_at, state, last_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, a| {
            let al = &a.alarm;
            b.push_bind(a.id.0)
                .push_bind(a.message_id.map(|m| m.0))
                .push_bind(a.device_id.map(|d| d.0))
                .push_bind(a.client_id.map(|c| c.0))
                .push_bind(a.account)
                .push_bind(al.kind.code())
                .push_bind(a.category)
                .push_bind(a.code)
                .push_bind(a.zone)
                .push_bind(a.caller)
                .push_bind(al.area.code())
                .push_bind(DbInstant::new(al.received_at))
                .push_bind(al.state.code())
                .push_bind(DbInstant::new(a.last_at))
                .push_bind(DbInstant::new(a.updated_at));
        });
        inserts.push(q);
    }
    inserts.extend(alarm_inserts(&other.iter().collect::<Vec<_>>()));
    vaka_store::PreparedIntake(Box::new(IntakeStatements {
        claims,
        inserts,
        restores,
    }))
}

#[async_trait::async_trait]
impl AlarmRead for SqlTx {
    async fn recent_message_keys(
        &mut self,
        since: jiff::Timestamp,
    ) -> StoreResult<Vec<(String, u16, i64)>> {
        let rows = sqlx::query!(
            r#"SELECT account as "account!", seq as "seq!: i64", fingerprint as "fingerprint!: i64"
               FROM alarm_messages WHERE received_at >= $1"#,
            DbInstant::new(since),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        rows.into_iter()
            .map(|r| {
                let seq =
                    u16::try_from(r.seq).map_err(|_| StoreError::corrupt("message sequence"))?;
                Ok((r.account, seq, r.fingerprint))
            })
            .collect()
    }

    async fn count_messages(
        &mut self,
        account: &str,
        seq: u16,
        since: jiff::Timestamp,
    ) -> StoreResult<i64> {
        let n = sqlx::query_scalar!(
            r#"SELECT COUNT(*) as "n!: i64" FROM alarm_messages
               WHERE account = $1 AND seq = $2 AND received_at >= $3"#,
            account,
            i64::from(seq),
            DbInstant::new(since),
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(n)
    }

    async fn get_alarm(&mut self, id: AlarmId) -> StoreResult<Option<AlarmRecord>> {
        sqlx::query_as!(
            AlarmRow,
            r#"SELECT id as "id!: Uuid", message_id as "message_id?: Uuid",
                      device_id as "device_id?: Uuid", client_id as "client_id?: Uuid",
                      account as "account?", kind as "kind!", category as "category!",
                      code as "code!", zone as "zone?", caller as "caller?", area_type as "area_type!",
                      received_at as "received_at!: DbInstant", state as "state!",
                      operator_id as "operator_id?: Uuid", taken_at as "taken_at?: DbInstant",
                      contacted_at as "contacted_at?: DbInstant",
                      dispatched_at as "dispatched_at?: DbInstant", chain_link as "chain_link?",
                      responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant",
                      on_way_at as "on_way_at?: DbInstant", arrived_at as "arrived_at?: DbInstant",
                      closed_at as "closed_at?: DbInstant", closed_by as "closed_by?: Uuid",
                      cause as "cause?", note as "note?",
                      escalated_not_taken as "escalated_not_taken!: bool",
                      escalated_not_acknowledged as "escalated_not_acknowledged!: bool",
                      restored_at as "restored_at?: DbInstant", occurrences as "occurrences!: i64",
                      last_at as "last_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM alarms WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_open_alarms(&mut self) -> StoreResult<Vec<AlarmRecord>> {
        sqlx::query_as!(
            AlarmRow,
            r#"SELECT id as "id!: Uuid", message_id as "message_id?: Uuid",
                      device_id as "device_id?: Uuid", client_id as "client_id?: Uuid",
                      account as "account?", kind as "kind!", category as "category!",
                      code as "code!", zone as "zone?", caller as "caller?", area_type as "area_type!",
                      received_at as "received_at!: DbInstant", state as "state!",
                      operator_id as "operator_id?: Uuid", taken_at as "taken_at?: DbInstant",
                      contacted_at as "contacted_at?: DbInstant",
                      dispatched_at as "dispatched_at?: DbInstant", chain_link as "chain_link?",
                      responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant",
                      on_way_at as "on_way_at?: DbInstant", arrived_at as "arrived_at?: DbInstant",
                      closed_at as "closed_at?: DbInstant", closed_by as "closed_by?: Uuid",
                      cause as "cause?", note as "note?",
                      escalated_not_taken as "escalated_not_taken!: bool",
                      escalated_not_acknowledged as "escalated_not_acknowledged!: bool",
                      restored_at as "restored_at?: DbInstant", occurrences as "occurrences!: i64",
                      last_at as "last_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM alarms WHERE state <> 'closed' ORDER BY received_at, id"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_alarms_between(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<AlarmRecord>> {
        sqlx::query_as!(
            AlarmRow,
            r#"SELECT id as "id!: Uuid", message_id as "message_id?: Uuid",
                      device_id as "device_id?: Uuid", client_id as "client_id?: Uuid",
                      account as "account?", kind as "kind!", category as "category!",
                      code as "code!", zone as "zone?", caller as "caller?", area_type as "area_type!",
                      received_at as "received_at!: DbInstant", state as "state!",
                      operator_id as "operator_id?: Uuid", taken_at as "taken_at?: DbInstant",
                      contacted_at as "contacted_at?: DbInstant",
                      dispatched_at as "dispatched_at?: DbInstant", chain_link as "chain_link?",
                      responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant",
                      on_way_at as "on_way_at?: DbInstant", arrived_at as "arrived_at?: DbInstant",
                      closed_at as "closed_at?: DbInstant", closed_by as "closed_by?: Uuid",
                      cause as "cause?", note as "note?",
                      escalated_not_taken as "escalated_not_taken!: bool",
                      escalated_not_acknowledged as "escalated_not_acknowledged!: bool",
                      restored_at as "restored_at?: DbInstant", occurrences as "occurrences!: i64",
                      last_at as "last_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM alarms WHERE received_at >= $1 AND received_at < $2
               ORDER BY received_at, id"#,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_client_alarms_between(
        &mut self,
        client: vaka_domain::ids::ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<AlarmRecord>> {
        // alarms_client (client_id, received_at) answers this.
        sqlx::query_as!(
            AlarmRow,
            r#"SELECT id as "id!: Uuid", message_id as "message_id?: Uuid",
                      device_id as "device_id?: Uuid", client_id as "client_id?: Uuid",
                      account as "account?", kind as "kind!", category as "category!",
                      code as "code!", zone as "zone?", caller as "caller?", area_type as "area_type!",
                      received_at as "received_at!: DbInstant", state as "state!",
                      operator_id as "operator_id?: Uuid", taken_at as "taken_at?: DbInstant",
                      contacted_at as "contacted_at?: DbInstant",
                      dispatched_at as "dispatched_at?: DbInstant", chain_link as "chain_link?",
                      responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant",
                      on_way_at as "on_way_at?: DbInstant", arrived_at as "arrived_at?: DbInstant",
                      closed_at as "closed_at?: DbInstant", closed_by as "closed_by?: Uuid",
                      cause as "cause?", note as "note?",
                      escalated_not_taken as "escalated_not_taken!: bool",
                      escalated_not_acknowledged as "escalated_not_acknowledged!: bool",
                      restored_at as "restored_at?: DbInstant", occurrences as "occurrences!: i64",
                      last_at as "last_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM alarms WHERE client_id = $1 AND received_at >= $2 AND received_at < $3
               ORDER BY received_at, id"#,
            client.0,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_escalation_candidates(
        &mut self,
        received_by: jiff::Timestamp,
        dispatched_by: jiff::Timestamp,
    ) -> StoreResult<Vec<AlarmId>> {
        // Each half reads its own small partial index (alarms_untaken, alarms_unacknowledged),
        // not every open alarm.
        let ids = sqlx::query_scalar!(
            r#"SELECT id as "id!: Uuid" FROM alarms
               WHERE state = 'received' AND NOT escalated_not_taken AND received_at <= $1
               UNION ALL
               SELECT id as "id!: Uuid" FROM alarms
               WHERE state = 'dispatched' AND NOT escalated_not_acknowledged
                 AND dispatched_at <= $2"#,
            DbInstant::new(received_by),
            DbInstant::new(dispatched_by),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(ids.into_iter().map(AlarmId).collect())
    }

    async fn list_open_system_alarms(&mut self, category: &str) -> StoreResult<Vec<AlarmRecord>> {
        sqlx::query_as!(
            AlarmRow,
            r#"SELECT id as "id!: Uuid", message_id as "message_id?: Uuid",
                      device_id as "device_id?: Uuid", client_id as "client_id?: Uuid",
                      account as "account?", kind as "kind!", category as "category!",
                      code as "code!", zone as "zone?", caller as "caller?", area_type as "area_type!",
                      received_at as "received_at!: DbInstant", state as "state!",
                      operator_id as "operator_id?: Uuid", taken_at as "taken_at?: DbInstant",
                      contacted_at as "contacted_at?: DbInstant",
                      dispatched_at as "dispatched_at?: DbInstant", chain_link as "chain_link?",
                      responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant",
                      on_way_at as "on_way_at?: DbInstant", arrived_at as "arrived_at?: DbInstant",
                      closed_at as "closed_at?: DbInstant", closed_by as "closed_by?: Uuid",
                      cause as "cause?", note as "note?",
                      escalated_not_taken as "escalated_not_taken!: bool",
                      escalated_not_acknowledged as "escalated_not_acknowledged!: bool",
                      restored_at as "restored_at?: DbInstant", occurrences as "occurrences!: i64",
                      last_at as "last_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM alarms WHERE state <> 'closed' AND message_id IS NULL AND category = $1
               ORDER BY received_at, id"#,
            category,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn find_open_system_alarm(
        &mut self,
        account: &str,
        category: &str,
    ) -> StoreResult<Option<AlarmRecord>> {
        sqlx::query_as!(
            AlarmRow,
            r#"SELECT id as "id!: Uuid", message_id as "message_id?: Uuid",
                      device_id as "device_id?: Uuid", client_id as "client_id?: Uuid",
                      account as "account?", kind as "kind!", category as "category!",
                      code as "code!", zone as "zone?", caller as "caller?", area_type as "area_type!",
                      received_at as "received_at!: DbInstant", state as "state!",
                      operator_id as "operator_id?: Uuid", taken_at as "taken_at?: DbInstant",
                      contacted_at as "contacted_at?: DbInstant",
                      dispatched_at as "dispatched_at?: DbInstant", chain_link as "chain_link?",
                      responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant",
                      on_way_at as "on_way_at?: DbInstant", arrived_at as "arrived_at?: DbInstant",
                      closed_at as "closed_at?: DbInstant", closed_by as "closed_by?: Uuid",
                      cause as "cause?", note as "note?",
                      escalated_not_taken as "escalated_not_taken!: bool",
                      escalated_not_acknowledged as "escalated_not_acknowledged!: bool",
                      restored_at as "restored_at?: DbInstant", occurrences as "occurrences!: i64",
                      last_at as "last_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM alarms WHERE state <> 'closed' AND message_id IS NULL AND account = $1
                 AND category = $2
               ORDER BY received_at DESC LIMIT 1"#,
            account,
            category,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_alarm_log(&mut self, alarm: AlarmId) -> StoreResult<Vec<AlarmLogEntry>> {
        Ok(sqlx::query_as!(
            AlarmLogRow,
            r#"SELECT id as "id!: Uuid", alarm_id as "alarm_id!: Uuid", at as "at!: DbInstant",
                      user_id as "user_id?: Uuid", step as "step!", note as "note?"
               FROM alarm_log WHERE alarm_id = $1 ORDER BY at, id"#,
            alarm.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(AlarmLogEntry::from)
        .collect())
    }

    async fn list_alarm_accounts(&mut self) -> StoreResult<Vec<AlarmAccount>> {
        sqlx::query_as!(
            AlarmAccountRow,
            r#"SELECT d.id as "device_id!: Uuid",
                      COALESCE(d.dc09_account, 'scaip:' || d.scaip_cid) as "account!: String",
                      d.dc09_account as "dc09_account?", d.scaip_cid as "scaip_cid?",
                      d.scaip_password as "scaip_password?",
                      d.dc09_key as "dc09_key?", d.dc09_key_style as "dc09_key_style?",
                      d.status as "status!", d.client_id as "client_id?: Uuid",
                      c.area_type as "area_type?", d.heartbeat_seconds as "heartbeat_seconds?: i64",
                      d.last_seen_at as "last_seen_at?: DbInstant", d.serial as "serial!",
                      c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid"
               FROM devices d LEFT JOIN clients c ON c.id = d.client_id
               WHERE d.dc09_account IS NOT NULL OR d.scaip_cid IS NOT NULL
               ORDER BY COALESCE(d.dc09_account, 'scaip:' || d.scaip_cid)"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(|mut r| {
            r.dc09_key = self.secrets.open_opt(
                vaka_store::sealed::SecretColumn::Dc09Key,
                r.device_id,
                r.dc09_key,
            )?;
            r.scaip_password = self.secrets.open_opt(
                vaka_store::sealed::SecretColumn::ScaipPassword,
                r.device_id,
                r.scaip_password,
            )?;
            AlarmAccount::try_from(r)
        })
        .collect()
    }

    async fn latest_message_at(&mut self) -> StoreResult<Option<jiff::Timestamp>> {
        let row =
            sqlx::query!(r#"SELECT MAX(received_at) as "at?: DbInstant" FROM alarm_messages"#)
                .fetch_one(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        Ok(row.at.map(|t| t.0))
    }

    async fn list_technical_checks(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<TechnicalCheck>> {
        Ok(sqlx::query_as!(
            TechnicalCheckRow,
            r#"SELECT id as "id!: Uuid", organisation_id as "organisation_id!: Uuid",
                      due_at as "due_at!: DbInstant", signed_at as "signed_at?: DbInstant",
                      signed_by as "signed_by?: Uuid", open_alarms as "open_alarms?: i64",
                      note as "note?", missed_at as "missed_at?: DbInstant"
               FROM technical_checks WHERE due_at >= $1 AND due_at < $2
               ORDER BY due_at, organisation_id"#,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(TechnicalCheck::from)
        .collect())
    }
}

#[async_trait::async_trait]
impl AlarmWrite for SqlTx {
    async fn insert_intake(&mut self, intake: vaka_store::PreparedIntake) -> StoreResult<()> {
        let Ok(mut intake) = intake.0.downcast::<IntakeStatements>() else {
            return Err(StoreError::other("an intake prepared for another backend"));
        };
        // The claims first: a refused intake writes nothing more before it is rolled back.
        let mut claimed = 0;
        let mut named = 0;
        for (q, rows) in &mut intake.claims {
            named += *rows;
            claimed += q
                .build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?
                .rows_affected();
        }
        if claimed < named {
            return Err(StoreError::AlreadyStored);
        }
        run_inserts(&mut self.tx, &mut intake.inserts).await?;
        for (device, category, at) in &intake.restores {
            // A technical condition: through the device index of open technical alarms.
            sqlx::query!(
                "UPDATE alarms SET restored_at = $1, updated_at = $1
                 WHERE device_id = $2 AND category = $3 AND state <> 'closed'
                   AND kind = 'technical' AND restored_at IS NULL",
                DbInstant::new(*at),
                device.0,
                category,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
            // Any other: among the newest open alarms (all of them but under a flood), so that
            // a restore never reads every open alarm inside the group commit.
            sqlx::query!(
                "UPDATE alarms SET restored_at = $1, updated_at = $1
                 WHERE id IN (SELECT id FROM alarms WHERE state <> 'closed'
                              ORDER BY received_at DESC LIMIT 1000)
                   AND device_id = $2 AND category = $3 AND state <> 'closed'
                   AND kind <> 'technical' AND restored_at IS NULL",
                DbInstant::new(*at),
                device.0,
                category,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn insert_alarm(&mut self, alarm: &AlarmRecord) -> StoreResult<()> {
        run_inserts(&mut self.tx, &mut alarm_inserts(&[alarm])).await
    }

    async fn forget_message_keys(&mut self, now: jiff::Timestamp) -> StoreResult<u64> {
        Ok(
            sqlx::query("DELETE FROM alarm_message_keys WHERE fresh_until < $1")
                .bind(DbInstant::new(now))
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?
                .rows_affected(),
        )
    }

    async fn update_alarm(
        &mut self,
        before: &AlarmRecord,
        after: &AlarmRecord,
    ) -> StoreResult<bool> {
        let al = &after.alarm;
        let n = sqlx::query!(
            "UPDATE alarms SET client_id = $1, state = $2, operator_id = $3, taken_at = $4,
                    contacted_at = $5, dispatched_at = $6, chain_link = $7, responder_id = $8,
                    acknowledged_at = $9, on_way_at = $10, arrived_at = $11, closed_at = $12,
                    closed_by = $13, cause = $14, note = $15, escalated_not_taken = $16,
                    escalated_not_acknowledged = $17, restored_at = $18, occurrences = $19,
                    last_at = $20, updated_at = $21
             WHERE id = $22 AND updated_at = $23",
            after.client_id.map(|c| c.0),
            al.state.code(),
            al.operator.map(|u| u.0),
            al.taken_at.map(DbInstant::new),
            al.contacted_at.map(DbInstant::new),
            al.dispatched_at.map(DbInstant::new),
            after.chain_link.map(vaka_domain::alarm::ChainLink::code),
            al.state.responder().map(|u| u.0),
            al.acknowledged_at.map(DbInstant::new),
            al.on_way_at.map(DbInstant::new),
            al.arrived_at.map(DbInstant::new),
            al.closed_at.map(DbInstant::new),
            after.closed_by.map(|u| u.0),
            after.cause.map(vaka_domain::alarm::CloseCause::code),
            after.note,
            al.escalated_not_taken,
            al.escalated_not_acknowledged,
            after.restored_at.map(DbInstant::new),
            after.occurrences,
            DbInstant::new(after.last_at),
            DbInstant::new(after.updated_at),
            before.id.0,
            DbInstant::new(before.updated_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn insert_alarm_log(&mut self, e: &AlarmLogEntry) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO alarm_log (id, alarm_id, at, user_id, step, note) VALUES ($1, $2, $3, $4, $5, $6)",
            e.id.0,
            e.alarm_id.0,
            DbInstant::new(e.at),
            e.user_id.map(|u| u.0),
            e.step,
            e.note,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_alarm_logs(&mut self, entries: &[AlarmLogEntry]) -> StoreResult<()> {
        // 6 values a row.
        for chunk in entries.chunks(4_000) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO alarm_log (id, alarm_id, at, user_id, step, note) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(e.id.0)
                    .push_bind(e.alarm_id.0)
                    .push_bind(DbInstant::new(e.at))
                    .push_bind(e.user_id.map(|u| u.0))
                    .push_bind(e.step.clone())
                    .push_bind(e.note.clone());
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn touch_devices(&mut self, seen: &[(DeviceId, jiff::Timestamp)]) -> StoreResult<()> {
        for (device, at) in seen {
            sqlx::query!(
                "UPDATE devices SET last_seen_at = $1 WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $1)",
                DbInstant::new(*at),
                device.0,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn insert_technical_check(&mut self, c: &TechnicalCheck) -> StoreResult<bool> {
        let r = sqlx::query!(
            "INSERT INTO technical_checks (id, organisation_id, due_at, signed_at, signed_by, open_alarms, note, missed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (organisation_id, due_at) DO NOTHING",
            c.id.0,
            c.organisation_id.0,
            DbInstant::new(c.due_at),
            c.signed_at.map(DbInstant::new),
            c.signed_by.map(|u| u.0),
            c.open_alarms,
            c.note.clone(),
            c.missed_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(r.rows_affected() == 1)
    }
}
