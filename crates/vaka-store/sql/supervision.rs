// Nightly rounds: supervision tasks, and the bulk reads that plan a night.
// Included by the backend crates; see README.md.

use vaka_domain::ids::{ClientId, DispatchId, LookInId, TaskId};
use vaka_domain::supervision::{Dispatch, LookInRecord, Outcome, SupervisionTask, TaskState};
use vaka_store::{
    DbDate, DispatchRow, LookInRow, RoundInput, RoundRow, SupervisionLapse, SupervisionRead,
    SupervisionWrite, TaskRow, TaskUnitRow, TaskWithUnit,
};

#[async_trait::async_trait]
impl SupervisionRead for SqlTx {
    async fn list_moving_tasks(
        &mut self,
        since: jiff::civil::Date,
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
               WHERE night >= $1
                 AND state IN ('planned', 'open', 'recheck_open', 'looked_in', 'recheck_due')
                 AND opens <= $2
               ORDER BY due, id"#,
            DbDate(since),
            DbInstant::new(until),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_open_dispatches(&mut self) -> StoreResult<Vec<Dispatch>> {
        sqlx::query_as!(
            DispatchRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      cause as "cause!", phone_first as "phone_first!: bool",
                      alert_supervisor as "alert_supervisor!: bool",
                      response_target_minutes as "response_target_minutes!: i64",
                      created_at as "created_at!: DbInstant", responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant", on_way_at as "on_way_at?: DbInstant",
                      arrived_at as "arrived_at?: DbInstant", closed_at as "closed_at?: DbInstant",
                      close_note as "close_note?", note as "note?"
               FROM dispatches WHERE closed_at IS NULL ORDER BY created_at, id"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_dispatch(&mut self, id: DispatchId) -> StoreResult<Option<Dispatch>> {
        sqlx::query_as!(
            DispatchRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      cause as "cause!", phone_first as "phone_first!: bool",
                      alert_supervisor as "alert_supervisor!: bool",
                      response_target_minutes as "response_target_minutes!: i64",
                      created_at as "created_at!: DbInstant", responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant", on_way_at as "on_way_at?: DbInstant",
                      arrived_at as "arrived_at?: DbInstant", closed_at as "closed_at?: DbInstant",
                      close_note as "close_note?", note as "note?"
               FROM dispatches WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_client_dispatches(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<Dispatch>> {
        sqlx::query_as!(
            DispatchRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      cause as "cause!", phone_first as "phone_first!: bool",
                      alert_supervisor as "alert_supervisor!: bool",
                      response_target_minutes as "response_target_minutes!: i64",
                      created_at as "created_at!: DbInstant", responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant", on_way_at as "on_way_at?: DbInstant",
                      arrived_at as "arrived_at?: DbInstant", closed_at as "closed_at?: DbInstant",
                      close_note as "close_note?", note as "note?"
               FROM dispatches WHERE client_id = $1 AND created_at >= $2 AND created_at < $3
               ORDER BY created_at, id"#,
            client.0,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_task(&mut self, id: TaskId) -> StoreResult<Option<SupervisionTask>> {
        sqlx::query_as!(
            TaskRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", night as "night!: DbDate",
                      kind as "kind!", planned_time as "planned_time!", due as "due!: DbInstant",
                      opens as "opens!: DbInstant", closes as "closes!: DbInstant", dst as "dst?",
                      state as "state!", state_at as "state_at?: DbInstant",
                      state_reason as "state_reason?", updated_at as "updated_at!: DbInstant"
               FROM supervision_tasks WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_console_tasks(
        &mut self,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
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
               WHERE night >= $1 AND night <= $2 AND opens <= $3
                 AND state NOT IN ('done', 'closed', 'paused', 'cancelled')
               ORDER BY due, id"#,
            DbDate(first),
            DbDate(last),
            DbInstant::new(until),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_client_tasks(
        &mut self,
        client: ClientId,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
    ) -> StoreResult<Vec<SupervisionTask>> {
        sqlx::query_as!(
            TaskRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", night as "night!: DbDate",
                      kind as "kind!", planned_time as "planned_time!", due as "due!: DbInstant",
                      opens as "opens!: DbInstant", closes as "closes!: DbInstant", dst as "dst?",
                      state as "state!", state_at as "state_at?: DbInstant",
                      state_reason as "state_reason?", updated_at as "updated_at!: DbInstant"
               FROM supervision_tasks WHERE client_id = $1 AND night >= $2 AND night <= $3
               ORDER BY due, id"#,
            client.0,
            DbDate(first),
            DbDate(last),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_tasks_with_units(
        &mut self,
        first: jiff::civil::Date,
        last: jiff::civil::Date,
    ) -> StoreResult<Vec<TaskWithUnit>> {
        sqlx::query_as!(
            TaskUnitRow,
            r#"SELECT t.id as "id!: Uuid", t.client_id as "client_id!: Uuid", t.night as "night!: DbDate",
                      t.kind as "kind!", t.planned_time as "planned_time!", t.due as "due!: DbInstant",
                      t.opens as "opens!: DbInstant", t.closes as "closes!: DbInstant", t.dst as "dst?",
                      t.state as "state!", t.state_at as "state_at?: DbInstant",
                      t.state_reason as "state_reason?", t.updated_at as "updated_at!: DbInstant",
                      c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid"
               FROM supervision_tasks t JOIN clients c ON c.id = t.client_id
               WHERE t.night >= $1 AND t.night <= $2
               ORDER BY t.night, t.due, t.id"#,
            DbDate(first),
            DbDate(last),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_look_ins_between(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<LookInRecord>> {
        sqlx::query_as!(
            LookInRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      device_id as "device_id!: Uuid", operator_id as "operator_id!: Uuid",
                      started_at as "started_at!: DbInstant", ended_at as "ended_at?: DbInstant",
                      limit_seconds as "limit_seconds!: i64", recheck as "recheck!: bool",
                      outcome as "outcome?", note as "note?"
               FROM look_ins WHERE started_at >= $1 AND started_at < $2
               ORDER BY started_at, id"#,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_dispatches_between(
        &mut self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<Dispatch>> {
        sqlx::query_as!(
            DispatchRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      cause as "cause!", phone_first as "phone_first!: bool",
                      alert_supervisor as "alert_supervisor!: bool",
                      response_target_minutes as "response_target_minutes!: i64",
                      created_at as "created_at!: DbInstant", responder_id as "responder_id?: Uuid",
                      acknowledged_at as "acknowledged_at?: DbInstant", on_way_at as "on_way_at?: DbInstant",
                      arrived_at as "arrived_at?: DbInstant", closed_at as "closed_at?: DbInstant",
                      close_note as "close_note?", note as "note?"
               FROM dispatches WHERE created_at >= $1 AND created_at < $2
               ORDER BY created_at, id"#,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_client_tasks_between(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<SupervisionTask>> {
        sqlx::query_as!(
            TaskRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", night as "night!: DbDate",
                      kind as "kind!", planned_time as "planned_time!", due as "due!: DbInstant",
                      opens as "opens!: DbInstant", closes as "closes!: DbInstant", dst as "dst?",
                      state as "state!", state_at as "state_at?: DbInstant",
                      state_reason as "state_reason?", updated_at as "updated_at!: DbInstant"
               FROM supervision_tasks WHERE client_id = $1 AND opens >= $2 AND opens < $3
               ORDER BY due, id"#,
            client.0,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_look_in(&mut self, id: LookInId) -> StoreResult<Option<LookInRecord>> {
        sqlx::query_as!(
            LookInRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      device_id as "device_id!: Uuid", operator_id as "operator_id!: Uuid",
                      started_at as "started_at!: DbInstant", ended_at as "ended_at?: DbInstant",
                      limit_seconds as "limit_seconds!: i64", recheck as "recheck!: bool",
                      outcome as "outcome?", note as "note?"
               FROM look_ins WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_task_look_ins(&mut self, task: TaskId) -> StoreResult<Vec<LookInRecord>> {
        sqlx::query_as!(
            LookInRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      device_id as "device_id!: Uuid", operator_id as "operator_id!: Uuid",
                      started_at as "started_at!: DbInstant", ended_at as "ended_at?: DbInstant",
                      limit_seconds as "limit_seconds!: i64", recheck as "recheck!: bool",
                      outcome as "outcome?", note as "note?"
               FROM look_ins WHERE task_id = $1 ORDER BY started_at, id"#,
            task.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_client_look_ins(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<LookInRecord>> {
        sqlx::query_as!(
            LookInRow,
            r#"SELECT id as "id!: Uuid", task_id as "task_id!: Uuid", client_id as "client_id!: Uuid",
                      device_id as "device_id!: Uuid", operator_id as "operator_id!: Uuid",
                      started_at as "started_at!: DbInstant", ended_at as "ended_at?: DbInstant",
                      limit_seconds as "limit_seconds!: i64", recheck as "recheck!: bool",
                      outcome as "outcome?", note as "note?"
               FROM look_ins WHERE client_id = $1 AND started_at >= $2 AND started_at < $3
               ORDER BY started_at, id"#,
            client.0,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
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
        .records()
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
                                AND q.last_night >= $1 AND q.cancelled_at IS NULL) as "paused!: bool",
                      k.area_type as "area_type!",
                      EXISTS (SELECT 1 FROM decisions d
                              WHERE d.client_id = p.client_id AND d.service = 'night_supervision'
                                AND d.law = 'lss' AND d.valid_from <= $1
                                AND (d.valid_to IS NULL OR d.valid_to >= $1)
                                AND (d.ended_on IS NULL OR d.ended_on >= $1)) as "lss!: bool"
               FROM supervision_plans p JOIN clients k ON k.id = p.client_id"#,
            DbDate(night),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_supervision_lapses(
        &mut self,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> StoreResult<Vec<SupervisionLapse>> {
        // The night before `from` too, to tell a lapse that began before it.
        let before = from.yesterday().unwrap_or(from);
        let rows = sqlx::query_as::<_, (Uuid, DbDate, String, DbInstant)>(
            "SELECT client_id, night, cause, detected_at FROM supervision_lapses
             WHERE night >= $1 AND night <= $2 ORDER BY night, client_id",
        )
        .bind(DbDate(before))
        .bind(DbDate(to))
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let seen: std::collections::HashSet<(Uuid, jiff::civil::Date)> =
            rows.iter().map(|(c, n, _, _)| (*c, n.0)).collect();
        let rows = rows.into_iter().filter(|(c, n, _, _)| {
            n.0 >= from && !n.0.yesterday().is_ok_and(|y| seen.contains(&(*c, y)))
        });
        rows.into_iter()
            .map(|(client, night, cause, at)| {
                let cause = match cause.as_str() {
                    "decision" => vaka_domain::consent::Refusal::NoValidDecision,
                    "consent" => vaka_domain::consent::Refusal::NoValidConsent,
                    other => {
                        return Err(StoreError::corrupt(format!(
                            "supervision_lapses.cause {other:?}"
                        )));
                    }
                };
                Ok(SupervisionLapse {
                    client_id: ClientId(client),
                    night: night.0,
                    cause,
                    detected_at: at.into(),
                })
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl SupervisionWrite for SqlTx {
    async fn insert_supervision_lapses(&mut self, lapses: &[SupervisionLapse]) -> StoreResult<u64> {
        // One statement per 500 (a night with many lapsed consents is planned in one go).
        let mut added = 0;
        for chunk in lapses.chunks(500) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO supervision_lapses (client_id, night, cause, detected_at) ",
            );
            q.push_values(chunk, |mut b, l| {
                let cause = match l.cause {
                    vaka_domain::consent::Refusal::NoValidDecision => "decision",
                    vaka_domain::consent::Refusal::NoValidConsent => "consent",
                };
                b.push_bind(l.client_id.0)
                    .push_bind(DbDate(l.night))
                    .push_bind(cause)
                    .push_bind(DbInstant::new(l.detected_at));
            });
            q.push(" ON CONFLICT (client_id, night) DO NOTHING");
            added += q
                .build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?
                .rows_affected();
        }
        Ok(added)
    }

    async fn insert_tasks(&mut self, tasks: &[SupervisionTask]) -> StoreResult<u64> {
        // The engines differ in how a batch travels best: see each backend's `bulk.rs`.
        crate::bulk::insert_tasks(&mut self.tx, tasks).await
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
            "INSERT INTO dispatches (id, task_id, client_id, cause, phone_first, alert_supervisor,
                                     response_target_minutes, created_at, status, closed_at, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            d.id.0,
            d.task_id.0,
            d.client_id.0,
            d.cause.code(),
            d.phone_first,
            d.alert_supervisor,
            i64::from(d.response_target_minutes),
            DbInstant::new(d.created_at),
            d.status().code(),
            d.closed_at.map(DbInstant::new),
            d.note.as_deref(),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_dispatch(&mut self, before: &Dispatch, after: &Dispatch) -> StoreResult<bool> {
        let n = sqlx::query!(
            "UPDATE dispatches SET status = $1, responder_id = $2, acknowledged_at = $3,
                    on_way_at = $4, arrived_at = $5, closed_at = $6, close_note = $7
             WHERE id = $8 AND status = $9",
            after.status().code(),
            after.responder.map(|u| u.0),
            after.acknowledged_at.map(DbInstant::new),
            after.on_way_at.map(DbInstant::new),
            after.arrived_at.map(DbInstant::new),
            after.closed_at.map(DbInstant::new),
            after.close_note.as_deref(),
            after.id.0,
            before.status().code(),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn purge_supervision_before(
        &mut self,
        night: jiff::civil::Date,
    ) -> StoreResult<(u64, u64, u64)> {
        let look_ins = sqlx::query!(
            "DELETE FROM look_ins WHERE task_id IN (SELECT id FROM supervision_tasks WHERE night < $1)",
            DbDate(night),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        let dispatches = sqlx::query!(
            "DELETE FROM dispatches WHERE task_id IN (SELECT id FROM supervision_tasks WHERE night < $1)",
            DbDate(night),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        let tasks = sqlx::query!(
            "DELETE FROM supervision_tasks WHERE night < $1",
            DbDate(night),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok((tasks, look_ins, dispatches))
    }

    async fn insert_look_in(&mut self, l: &LookInRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO look_ins (id, task_id, client_id, device_id, operator_id, started_at,
                                   ended_at, limit_seconds, recheck, outcome, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            l.id.0,
            l.task_id.0,
            l.client_id.0,
            l.device_id.0,
            l.operator.0,
            DbInstant::new(l.started_at),
            l.ended_at.map(DbInstant::new),
            i64::from(l.limit_seconds),
            l.recheck,
            l.outcome.map(vaka_domain::supervision::Outcome::code),
            l.note.as_deref(),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_look_ins(&mut self, look_ins: &[LookInRecord]) -> StoreResult<()> {
        // 11 values a row: 2,000 rows stay under SQLite's 32,766 bound values.
        for chunk in look_ins.chunks(2_000) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO look_ins (id, task_id, client_id, device_id, operator_id, started_at, \
                 ended_at, limit_seconds, recheck, outcome, note) ",
            );
            q.push_values(chunk, |mut b, l| {
                b.push_bind(l.id.0)
                    .push_bind(l.task_id.0)
                    .push_bind(l.client_id.0)
                    .push_bind(l.device_id.0)
                    .push_bind(l.operator.0)
                    .push_bind(DbInstant::new(l.started_at))
                    .push_bind(l.ended_at.map(DbInstant::new))
                    .push_bind(i64::from(l.limit_seconds))
                    .push_bind(l.recheck)
                    .push_bind(l.outcome.map(Outcome::code))
                    .push_bind(l.note.clone());
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn insert_dispatches(&mut self, dispatches: &[Dispatch]) -> StoreResult<()> {
        // 16 values a row.
        for chunk in dispatches.chunks(1_000) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO dispatches (id, task_id, client_id, cause, phone_first, \
                 alert_supervisor, response_target_minutes, created_at, status, responder_id, \
                 acknowledged_at, on_way_at, arrived_at, closed_at, close_note, note) ",
            );
            q.push_values(chunk, |mut b, d| {
                b.push_bind(d.id.0)
                    .push_bind(d.task_id.0)
                    .push_bind(d.client_id.0)
                    .push_bind(d.cause.code())
                    .push_bind(d.phone_first)
                    .push_bind(d.alert_supervisor)
                    .push_bind(i64::from(d.response_target_minutes))
                    .push_bind(DbInstant::new(d.created_at))
                    .push_bind(d.status().code())
                    .push_bind(d.responder.map(|u| u.0))
                    .push_bind(d.acknowledged_at.map(DbInstant::new))
                    .push_bind(d.on_way_at.map(DbInstant::new))
                    .push_bind(d.arrived_at.map(DbInstant::new))
                    .push_bind(d.closed_at.map(DbInstant::new))
                    .push_bind(d.close_note.clone())
                    .push_bind(d.note.clone());
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn end_look_in(&mut self, id: LookInId, at: jiff::Timestamp) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE look_ins SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL",
            DbInstant::new(at),
            id.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn set_look_in_outcome(
        &mut self,
        id: LookInId,
        outcome: Outcome,
        note: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE look_ins SET outcome = $1, note = $2 WHERE id = $3",
            outcome.code(),
            note,
            id.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }
}
