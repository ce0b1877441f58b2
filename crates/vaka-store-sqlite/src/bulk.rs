//! Bulk writes: multi-row inserts of as many rows as one statement may bind. (One JSON text per
//! chunk expanded by `json_each` was measured too, and was slower: extracting each field parses
//! the row again.)

use sqlx::SqliteConnection;
use vaka_domain::supervision::SupervisionTask;
use vaka_store::{DbDate, DbInstant, StoreResult, map_sqlx_error};

/// Rows per statement: 13 values a row stays under SQLite's 32,766 bound values.
const CHUNK: usize = 2_500;

/// Stores tasks; one already planned (same client, night, kind and instant) is left as it is.
pub(crate) async fn insert_tasks(
    conn: &mut SqliteConnection,
    tasks: &[SupervisionTask],
) -> StoreResult<u64> {
    let mut added = 0;
    for chunk in tasks.chunks(CHUNK) {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "INSERT INTO supervision_tasks (id, client_id, night, kind, planned_time, due, opens, \
             closes, dst, state, state_at, state_reason, updated_at) ",
        );
        q.push_values(chunk, |mut b, t| {
            let (state, at, reason) = t.state.parts();
            b.push_bind(t.id.0)
                .push_bind(t.client_id.0)
                .push_bind(DbDate(t.night))
                .push_bind(t.kind.code())
                // `%H:%M`, without a format string parsed per row.
                .push_bind(format!(
                    "{:02}:{:02}",
                    t.planned_time.hour(),
                    t.planned_time.minute()
                ))
                .push_bind(DbInstant::new(t.due))
                .push_bind(DbInstant::new(t.opens))
                .push_bind(DbInstant::new(t.closes))
                .push_bind(t.dst.map(vaka_domain::rounds::DstAdjustment::code))
                .push_bind(state)
                .push_bind(at.map(DbInstant::new))
                .push_bind(reason)
                .push_bind(DbInstant::new(t.updated_at));
        });
        q.push(" ON CONFLICT (client_id, night, kind, due) DO NOTHING");
        added += q
            .build()
            .execute(&mut *conn)
            .await
            .map_err(map_sqlx_error)?
            .rows_affected();
    }
    Ok(added)
}
