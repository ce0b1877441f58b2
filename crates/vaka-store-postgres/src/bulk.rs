//! Bulk writes that would otherwise bind hundreds of thousands of values: one array per column,
//! expanded by `UNNEST` inside the engine.

use sqlx::PgConnection;
use uuid::Uuid;
use vaka_domain::supervision::SupervisionTask;
use vaka_store::{DbInstant, StoreResult, map_sqlx_error};

/// Rows per statement.
const CHUNK: usize = 10_000;

/// Stores tasks; one already planned (same client, night, kind and instant) is left as it is.
pub(crate) async fn insert_tasks(
    conn: &mut PgConnection,
    tasks: &[SupervisionTask],
) -> StoreResult<u64> {
    let mut added = 0;
    for chunk in tasks.chunks(CHUNK) {
        let n = chunk.len();
        let mut ids: Vec<Uuid> = Vec::with_capacity(n);
        let mut clients: Vec<Uuid> = Vec::with_capacity(n);
        let mut nights: Vec<String> = Vec::with_capacity(n);
        let mut kinds: Vec<&str> = Vec::with_capacity(n);
        let mut times: Vec<String> = Vec::with_capacity(n);
        let mut due: Vec<i64> = Vec::with_capacity(n);
        let mut opens: Vec<i64> = Vec::with_capacity(n);
        let mut closes: Vec<i64> = Vec::with_capacity(n);
        let mut dst: Vec<Option<&str>> = Vec::with_capacity(n);
        let mut states: Vec<&str> = Vec::with_capacity(n);
        let mut state_at: Vec<Option<i64>> = Vec::with_capacity(n);
        let mut reasons: Vec<Option<&str>> = Vec::with_capacity(n);
        let mut updated: Vec<i64> = Vec::with_capacity(n);
        for t in chunk {
            let (state, at, reason) = t.state.parts();
            ids.push(t.id.0);
            clients.push(t.client_id.0);
            nights.push(t.night.to_string());
            kinds.push(t.kind.code());
            times.push(t.planned_time.strftime("%H:%M").to_string());
            due.push(DbInstant::new(t.due).micros());
            opens.push(DbInstant::new(t.opens).micros());
            closes.push(DbInstant::new(t.closes).micros());
            dst.push(t.dst.map(vaka_domain::rounds::DstAdjustment::code));
            states.push(state);
            state_at.push(at.map(|a| DbInstant::new(a).micros()));
            reasons.push(reason);
            updated.push(DbInstant::new(t.updated_at).micros());
        }
        // Instants travel as microseconds since the epoch and become timestamptz exactly.
        added += sqlx::query(
            "INSERT INTO supervision_tasks (id, client_id, night, kind, planned_time, due, opens, \
             closes, dst, state, state_at, state_reason, updated_at) \
             SELECT id, client_id, night::date, kind, planned_time, \
                    'epoch'::timestamptz + due * interval '1 microsecond', \
                    'epoch'::timestamptz + opens * interval '1 microsecond', \
                    'epoch'::timestamptz + closes * interval '1 microsecond', \
                    dst, state, 'epoch'::timestamptz + state_at * interval '1 microsecond', \
                    state_reason, 'epoch'::timestamptz + updated_at * interval '1 microsecond' \
             FROM UNNEST($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::int8[], \
                         $7::int8[], $8::int8[], $9::text[], $10::text[], $11::int8[], $12::text[], \
                         $13::int8[]) \
                  AS r(id, client_id, night, kind, planned_time, due, opens, closes, dst, state, \
                       state_at, state_reason, updated_at) \
             ON CONFLICT (client_id, night, kind, due) DO NOTHING",
        )
        .bind(ids)
        .bind(clients)
        .bind(nights)
        .bind(kinds)
        .bind(times)
        .bind(due)
        .bind(opens)
        .bind(closes)
        .bind(dst)
        .bind(states)
        .bind(state_at)
        .bind(reasons)
        .bind(updated)
        .execute(&mut *conn)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
    }
    Ok(added)
}
