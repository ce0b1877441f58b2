// Nightly rounds: supervision tasks, and the bulk reads that plan a night.
// Included by the backend crates; see README.md.

use vaka_domain::supervision::{Dispatch, SupervisionTask, TaskState};
use vaka_store::{DbDate, DispatchRow, RoundInput, RoundRow, SupervisionTx, TaskRow};

#[async_trait::async_trait]
impl SupervisionTx for SqlTx {
    async fn insert_tasks(&mut self, tasks: &[SupervisionTask]) -> StoreResult<u64> {
        let mut added = 0;
        // One multi-row insert per chunk (14 values a row stays under both engines' limits).
        for chunk in tasks.chunks(1000) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO supervision_tasks (id, client_id, night, kind, planned_time, due, opens, \
                 closes, dst, state, state_at, state_reason, updated_at) ",
            );
            q.push_values(chunk, |mut b, t| {
                let (state, at, reason) = t.state.parts();
                b.push_bind(t.id.0)
                    .push_bind(t.client_id.0)
                    .push_bind(DbDate(t.night))
                    .push_bind(t.kind.code())
                    .push_bind(t.planned_time.strftime("%H:%M").to_string())
                    .push_bind(DbInstant::new(t.due))
                    .push_bind(DbInstant::new(t.opens))
                    .push_bind(DbInstant::new(t.closes))
                    .push_bind(t.dst.map(|d| d.code()))
                    .push_bind(state)
                    .push_bind(at.map(DbInstant::new))
                    .push_bind(reason)
                    .push_bind(DbInstant::new(t.updated_at));
            });
            q.push(" ON CONFLICT (client_id, night, kind, due) DO NOTHING");
            added += q
                .build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?
                .rows_affected();
        }
        Ok(added)
    }

    async fn list_moving_tasks(
        &mut self,
        until: jiff::Timestamp,
    ) -> StoreResult<Vec<SupervisionTask>> {
        sqlx::query_as!(
            TaskRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", night as "night!: DbDate",
                      kind as "kind!", planned_time as "planned_time!", due as "due!: DbInstant",
                      opens as "opens!: DbInstant", closes as "closes!: DbInstant", dst as "dst?",
                      state as "state!", state_at as "state_at?: DbInstant",
                      state_reason as "state_reason?", updated_at as "updated_at!: DbInstant"
               FROM supervision_tasks
               WHERE state IN ('planned', 'open', 'recheck_open', 'looked_in', 'recheck_due')
                 AND opens <= $1
               ORDER BY due, id"#,
            DbInstant::new(until),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(SupervisionTask::try_from)
        .collect()
    }

    async fn move_task(
        &mut self,
        task: &SupervisionTask,
        to: TaskState,
        at: jiff::Timestamp,
    ) -> StoreResult<bool> {
        let (code, state_at, reason) = to.parts();
        let (from, _, _) = task.state.parts();
        let n = sqlx::query!(
            "UPDATE supervision_tasks SET state = $1, state_at = $2, state_reason = $3, updated_at = $4
             WHERE id = $5 AND state = $6 AND updated_at = $7",
            code,
            state_at.map(DbInstant::new),
            reason,
            DbInstant::new(at),
            task.id.0,
            from,
            DbInstant::new(task.updated_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn insert_dispatch(&mut self, d: &Dispatch) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO dispatches (id, task_id, client_id, cause, phone_first, alert_supervisor, created_at, closed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            d.id.0,
            d.task_id.0,
            d.client_id.0,
            d.cause.code(),
            d.phone_first,
            d.alert_supervisor,
            DbInstant::new(d.created_at),
            d.closed_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn list_open_dispatches(&mut self) -> StoreResult<Vec<Dispatch>> {
        sqlx::query_as!(
            DispatchRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      cause as "cause!", phone_first as "phone_first!: bool",
                      alert_supervisor as "alert_supervisor!: bool", created_at as "created_at!: DbInstant",
                      closed_at as "closed_at?: DbInstant"
               FROM dispatches WHERE closed_at IS NULL ORDER BY created_at, id"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(Dispatch::try_from)
        .collect()
    }

    async fn list_night_tasks(
        &mut self,
        night: jiff::civil::Date,
    ) -> StoreResult<Vec<SupervisionTask>> {
        sqlx::query_as!(
            TaskRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", night as "night!: DbDate",
                      kind as "kind!", planned_time as "planned_time!", due as "due!: DbInstant",
                      opens as "opens!: DbInstant", closes as "closes!: DbInstant", dst as "dst?",
                      state as "state!", state_at as "state_at?: DbInstant",
                      state_reason as "state_reason?", updated_at as "updated_at!: DbInstant"
               FROM supervision_tasks WHERE night = $1 ORDER BY due, kind, id"#,
            DbDate(night),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(SupervisionTask::try_from)
        .collect()
    }

    async fn list_night_rounds(
        &mut self,
        night: jiff::civil::Date,
    ) -> StoreResult<Vec<RoundInput>> {
        // The same rules as `Decision::is_valid_on`, `Consent::is_valid_on` and `Pause::covers`
        // (the integration tests plan nights both ways and compare).
        sqlx::query_as!(
            RoundRow,
            r#"SELECT p.client_id as "client_id!: Uuid", p.mode as "mode!", p.times as "times!",
                      p.recheck_delay_minutes as "recheck_delay_minutes?: i64", p.escalation as "escalation?",
                      p.response_target_minutes as "response_target_minutes?: i64",
                      p.updated_by as "updated_by!: Uuid", p.updated_at as "updated_at!: DbInstant",
                      EXISTS (SELECT 1 FROM decisions d
                              WHERE d.client_id = p.client_id AND d.service = 'night_supervision'
                                AND d.valid_from <= $1
                                AND (d.valid_to IS NULL OR d.valid_to >= $1)
                                AND (d.ended_on IS NULL OR d.ended_on >= $1)) as "has_decision!: bool",
                      EXISTS (SELECT 1 FROM consents c
                              WHERE c.client_id = p.client_id AND c.service = 'night_supervision'
                                AND c.given_on <= $1 AND c.reconfirm_by >= $1
                                AND (c.withdrawn_on IS NULL OR c.withdrawn_on > $1)) as "has_consent!: bool",
                      EXISTS (SELECT 1 FROM pauses q
                              WHERE q.client_id = p.client_id AND q.first_night <= $1
                                AND q.last_night >= $1 AND q.cancelled_at IS NULL) as "paused!: bool"
               FROM supervision_plans p"#,
            DbDate(night),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(RoundInput::try_from)
        .collect()
    }
}
