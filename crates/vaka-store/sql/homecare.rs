// Home care: granted tasks, visit plans, visits and their outbox records, corrections, the
// week's confirmation and approval, lock dates. Included by the backend crates; see README.md.

use jiff::Timestamp;
use jiff::civil::Date;
use vaka_domain::homecare::GrantedTask;
use vaka_domain::homecare::plan::{VisitPlan, weekdays_to_text};
use vaka_domain::homecare::tasks_to_text;
use vaka_domain::homecare::visit::{Correction, ManualReason, Visit};
use vaka_domain::ids::{
    ClientId, DecisionId, OrganisationId, UnitId, VisitId, VisitPlanId, VisitRecordId,
};
use vaka_store::homecare::{
    CorrectionRow, DecisionTaskRow, LockDate, VisitBrief, VisitPlanRow, VisitRecord,
    VisitRecordRow, VisitRow, VisitWindowRow, WeekApproval, time_to_text, visit_windows,
};
use vaka_store::{DbDate, HomecareRead, HomecareWrite};

/// The zone plans are placed in.
fn stockholm() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC)
}

#[async_trait::async_trait]
impl HomecareRead for SqlTx {
    async fn list_decision_tasks(&mut self, decision: DecisionId) -> StoreResult<Vec<GrantedTask>> {
        sqlx::query_as!(
            DecisionTaskRow,
            r#"SELECT task as "task!", minutes as "minutes!: i64", per as "per!"
               FROM decision_tasks WHERE decision_id = $1 ORDER BY task"#,
            decision.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_visit_plan(&mut self, id: VisitPlanId) -> StoreResult<Option<VisitPlan>> {
        sqlx::query_as!(
            VisitPlanRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", decision_id as "decision_id!: Uuid",
                      unit_id as "unit_id!: Uuid", weekdays as "weekdays!", window_from as "window_from!",
                      window_to as "window_to!", tasks as "tasks!", expected_minutes as "expected_minutes!: i64",
                      valid_from as "valid_from!: DbDate", valid_to as "valid_to?: DbDate",
                      ended_on as "ended_on?: DbDate", created_by as "created_by!: Uuid",
                      created_at as "created_at!: DbInstant"
               FROM visit_plans WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_visit_plans_for_client(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Vec<VisitPlan>> {
        sqlx::query_as!(
            VisitPlanRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", decision_id as "decision_id!: Uuid",
                      unit_id as "unit_id!: Uuid", weekdays as "weekdays!", window_from as "window_from!",
                      window_to as "window_to!", tasks as "tasks!", expected_minutes as "expected_minutes!: i64",
                      valid_from as "valid_from!: DbDate", valid_to as "valid_to?: DbDate",
                      ended_on as "ended_on?: DbDate", created_by as "created_by!: Uuid",
                      created_at as "created_at!: DbInstant"
               FROM visit_plans WHERE client_id = $1 ORDER BY valid_from DESC, window_from, id"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_visit_plans_for_unit(
        &mut self,
        unit: UnitId,
        day: Date,
    ) -> StoreResult<Vec<VisitPlan>> {
        let day = DbDate(day);
        sqlx::query_as!(
            VisitPlanRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", decision_id as "decision_id!: Uuid",
                      unit_id as "unit_id!: Uuid", weekdays as "weekdays!", window_from as "window_from!",
                      window_to as "window_to!", tasks as "tasks!", expected_minutes as "expected_minutes!: i64",
                      valid_from as "valid_from!: DbDate", valid_to as "valid_to?: DbDate",
                      ended_on as "ended_on?: DbDate", created_by as "created_by!: Uuid",
                      created_at as "created_at!: DbInstant"
               FROM visit_plans
               WHERE unit_id = $1 AND valid_from <= $2
                 AND (valid_to IS NULL OR valid_to >= $2)
                 AND (ended_on IS NULL OR ended_on >= $2)
               ORDER BY window_from, id"#,
            unit.0,
            day,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_visit(&mut self, id: VisitId) -> StoreResult<Option<Visit>> {
        sqlx::query_as!(
            VisitRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", unit_id as "unit_id!: Uuid",
                      worker as "worker!: Uuid", plan_id as "plan_id?: Uuid", visit_date as "visit_date!: DbDate",
                      kind as "kind!", started_at as "started_at!: DbInstant",
                      start_device_time as "start_device_time!: DbInstant",
                      start_received_at as "start_received_at!: DbInstant", start_evidence as "start_evidence!",
                      start_tag as "start_tag?: Uuid", start_manual_reason as "start_manual_reason?",
                      start_late as "start_late!: bool", start_skew as "start_skew!: bool",
                      ended_at as "ended_at?: DbInstant", end_device_time as "end_device_time?: DbInstant",
                      end_received_at as "end_received_at?: DbInstant", end_evidence as "end_evidence?",
                      end_tag as "end_tag?: Uuid", end_manual_reason as "end_manual_reason?",
                      end_late as "end_late!: bool", end_skew as "end_skew!: bool",
                      tasks_done as "tasks_done!", note as "note?", corrected as "corrected!: bool",
                      created_at as "created_at!: DbInstant"
               FROM visits WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_visits_for_unit(
        &mut self,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Visit>> {
        let (from, to) = (DbDate(from), DbDate(to));
        sqlx::query_as!(
            VisitRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", unit_id as "unit_id!: Uuid",
                      worker as "worker!: Uuid", plan_id as "plan_id?: Uuid", visit_date as "visit_date!: DbDate",
                      kind as "kind!", started_at as "started_at!: DbInstant",
                      start_device_time as "start_device_time!: DbInstant",
                      start_received_at as "start_received_at!: DbInstant", start_evidence as "start_evidence!",
                      start_tag as "start_tag?: Uuid", start_manual_reason as "start_manual_reason?",
                      start_late as "start_late!: bool", start_skew as "start_skew!: bool",
                      ended_at as "ended_at?: DbInstant", end_device_time as "end_device_time?: DbInstant",
                      end_received_at as "end_received_at?: DbInstant", end_evidence as "end_evidence?",
                      end_tag as "end_tag?: Uuid", end_manual_reason as "end_manual_reason?",
                      end_late as "end_late!: bool", end_skew as "end_skew!: bool",
                      tasks_done as "tasks_done!", note as "note?", corrected as "corrected!: bool",
                      created_at as "created_at!: DbInstant"
               FROM visits WHERE unit_id = $1 AND visit_date >= $2 AND visit_date <= $3
               ORDER BY started_at, id"#,
            unit.0,
            from,
            to,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_visits_for_client(
        &mut self,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Visit>> {
        let (from, to) = (DbDate(from), DbDate(to));
        sqlx::query_as!(
            VisitRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", unit_id as "unit_id!: Uuid",
                      worker as "worker!: Uuid", plan_id as "plan_id?: Uuid", visit_date as "visit_date!: DbDate",
                      kind as "kind!", started_at as "started_at!: DbInstant",
                      start_device_time as "start_device_time!: DbInstant",
                      start_received_at as "start_received_at!: DbInstant", start_evidence as "start_evidence!",
                      start_tag as "start_tag?: Uuid", start_manual_reason as "start_manual_reason?",
                      start_late as "start_late!: bool", start_skew as "start_skew!: bool",
                      ended_at as "ended_at?: DbInstant", end_device_time as "end_device_time?: DbInstant",
                      end_received_at as "end_received_at?: DbInstant", end_evidence as "end_evidence?",
                      end_tag as "end_tag?: Uuid", end_manual_reason as "end_manual_reason?",
                      end_late as "end_late!: bool", end_skew as "end_skew!: bool",
                      tasks_done as "tasks_done!", note as "note?", corrected as "corrected!: bool",
                      created_at as "created_at!: DbInstant"
               FROM visits WHERE client_id = $1 AND visit_date >= $2 AND visit_date <= $3
               ORDER BY started_at, id"#,
            client.0,
            from,
            to,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_visits_for_worker(
        &mut self,
        worker: UserId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Visit>> {
        let (from, to) = (DbDate(from), DbDate(to));
        sqlx::query_as!(
            VisitRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", unit_id as "unit_id!: Uuid",
                      worker as "worker!: Uuid", plan_id as "plan_id?: Uuid", visit_date as "visit_date!: DbDate",
                      kind as "kind!", started_at as "started_at!: DbInstant",
                      start_device_time as "start_device_time!: DbInstant",
                      start_received_at as "start_received_at!: DbInstant", start_evidence as "start_evidence!",
                      start_tag as "start_tag?: Uuid", start_manual_reason as "start_manual_reason?",
                      start_late as "start_late!: bool", start_skew as "start_skew!: bool",
                      ended_at as "ended_at?: DbInstant", end_device_time as "end_device_time?: DbInstant",
                      end_received_at as "end_received_at?: DbInstant", end_evidence as "end_evidence?",
                      end_tag as "end_tag?: Uuid", end_manual_reason as "end_manual_reason?",
                      end_late as "end_late!: bool", end_skew as "end_skew!: bool",
                      tasks_done as "tasks_done!", note as "note?", corrected as "corrected!: bool",
                      created_at as "created_at!: DbInstant"
               FROM visits WHERE worker = $1 AND visit_date >= $2 AND visit_date <= $3
               ORDER BY started_at, id"#,
            worker.0,
            from,
            to,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn find_planned_visit(
        &mut self,
        plan: VisitPlanId,
        day: Date,
    ) -> StoreResult<Option<Visit>> {
        let day = DbDate(day);
        sqlx::query_as!(
            VisitRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", unit_id as "unit_id!: Uuid",
                      worker as "worker!: Uuid", plan_id as "plan_id?: Uuid", visit_date as "visit_date!: DbDate",
                      kind as "kind!", started_at as "started_at!: DbInstant",
                      start_device_time as "start_device_time!: DbInstant",
                      start_received_at as "start_received_at!: DbInstant", start_evidence as "start_evidence!",
                      start_tag as "start_tag?: Uuid", start_manual_reason as "start_manual_reason?",
                      start_late as "start_late!: bool", start_skew as "start_skew!: bool",
                      ended_at as "ended_at?: DbInstant", end_device_time as "end_device_time?: DbInstant",
                      end_received_at as "end_received_at?: DbInstant", end_evidence as "end_evidence?",
                      end_tag as "end_tag?: Uuid", end_manual_reason as "end_manual_reason?",
                      end_late as "end_late!: bool", end_skew as "end_skew!: bool",
                      tasks_done as "tasks_done!", note as "note?", corrected as "corrected!: bool",
                      created_at as "created_at!: DbInstant"
               FROM visits WHERE plan_id = $1 AND visit_date = $2
               ORDER BY started_at, id LIMIT 1"#,
            plan.0,
            day,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn get_visit_record(&mut self, id: VisitRecordId) -> StoreResult<Option<VisitRecord>> {
        sqlx::query_as!(
            VisitRecordRow,
            r#"SELECT id as "id!: Uuid", visit_id as "visit_id!: Uuid", device as "device!",
                      seq as "seq!: i64", kind as "kind!", device_time as "device_time!: DbInstant",
                      received_at as "received_at!: DbInstant", worker as "worker!: Uuid"
               FROM visit_records WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_corrections(&mut self, visit: VisitId) -> StoreResult<Vec<Correction>> {
        sqlx::query_as!(
            CorrectionRow,
            r#"SELECT c.id as "id!: Uuid", c.visit_id as "visit_id!: Uuid", c.field as "field!",
                      c.old_value as "old_value?", c.new_value as "new_value?", c.reason as "reason!",
                      c.text as "text!", c.corrected_by as "corrected_by!: Uuid",
                      c.corrected_at as "corrected_at!: DbInstant"
               FROM visit_corrections c WHERE c.visit_id = $1 ORDER BY c.corrected_at, c.id"#,
            visit.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_corrections_for_client(
        &mut self,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Correction>> {
        let (from, to) = (DbDate(from), DbDate(to));
        sqlx::query_as!(
            CorrectionRow,
            r#"SELECT c.id as "id!: Uuid", c.visit_id as "visit_id!: Uuid", c.field as "field!",
                      c.old_value as "old_value?", c.new_value as "new_value?", c.reason as "reason!",
                      c.text as "text!", c.corrected_by as "corrected_by!: Uuid",
                      c.corrected_at as "corrected_at!: DbInstant"
               FROM visit_corrections c JOIN visits v ON v.id = c.visit_id
               WHERE v.client_id = $1 AND v.visit_date >= $2 AND v.visit_date <= $3
               ORDER BY c.corrected_at, c.id"#,
            client.0,
            from,
            to,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_lock_date(&mut self, org: OrganisationId) -> StoreResult<Option<LockDate>> {
        let row = sqlx::query!(
            r#"SELECT locked_through as "locked_through!: DbDate", set_by as "set_by!: Uuid",
                      set_at as "set_at!: DbInstant"
               FROM visit_locks WHERE organisation_id = $1"#,
            org.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.map(|r| LockDate {
            organisation_id: org,
            locked_through: r.locked_through.0,
            set_by: UserId(r.set_by),
            set_at: r.set_at.0,
        }))
    }

    async fn get_week_confirmation(
        &mut self,
        worker: UserId,
        week_start: Date,
    ) -> StoreResult<Option<Timestamp>> {
        let week = DbDate(week_start);
        let row = sqlx::query!(
            r#"SELECT confirmed_at as "confirmed_at!: DbInstant"
               FROM visit_week_confirmations WHERE worker = $1 AND week_start = $2"#,
            worker.0,
            week,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.map(|r| r.confirmed_at.0))
    }

    async fn get_week_approval(
        &mut self,
        unit: UnitId,
        week_start: Date,
    ) -> StoreResult<Option<WeekApproval>> {
        let week = DbDate(week_start);
        let row = sqlx::query!(
            r#"SELECT approved_by as "approved_by!: Uuid", approved_at as "approved_at!: DbInstant"
               FROM visit_week_approvals WHERE unit_id = $1 AND week_start = $2"#,
            unit.0,
            week,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.map(|r| WeekApproval {
            unit_id: unit,
            week_start,
            approved_by: UserId(r.approved_by),
            approved_at: r.approved_at.0,
        }))
    }

    async fn list_visit_windows(
        &mut self,
        user: UserId,
        client: ClientId,
        around: Timestamp,
    ) -> StoreResult<Vec<VisitWindowRow>> {
        let tz = stockholm();
        let today = around.to_zoned(tz.clone()).date();
        let first = today.yesterday().unwrap_or(today);
        let last = today.tomorrow().unwrap_or(today);
        let plans: Vec<VisitPlan> = sqlx::query_as!(
            VisitPlanRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", decision_id as "decision_id!: Uuid",
                      unit_id as "unit_id!: Uuid", weekdays as "weekdays!", window_from as "window_from!",
                      window_to as "window_to!", tasks as "tasks!", expected_minutes as "expected_minutes!: i64",
                      valid_from as "valid_from!: DbDate", valid_to as "valid_to?: DbDate",
                      ended_on as "ended_on?: DbDate", created_by as "created_by!: Uuid",
                      created_at as "created_at!: DbInstant"
               FROM visit_plans
               WHERE client_id = $1 AND unit_id IN
                     (SELECT unit_id FROM role_assignments WHERE user_id = $2 AND unit_id IS NOT NULL)"#,
            client.0,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()?;
        // Only the caller's visits count (a planned visit is theirs once they registered it).
        let visits: Vec<Visit> = sqlx::query_as!(
            VisitRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", unit_id as "unit_id!: Uuid",
                      worker as "worker!: Uuid", plan_id as "plan_id?: Uuid", visit_date as "visit_date!: DbDate",
                      kind as "kind!", started_at as "started_at!: DbInstant",
                      start_device_time as "start_device_time!: DbInstant",
                      start_received_at as "start_received_at!: DbInstant", start_evidence as "start_evidence!",
                      start_tag as "start_tag?: Uuid", start_manual_reason as "start_manual_reason?",
                      start_late as "start_late!: bool", start_skew as "start_skew!: bool",
                      ended_at as "ended_at?: DbInstant", end_device_time as "end_device_time?: DbInstant",
                      end_received_at as "end_received_at?: DbInstant", end_evidence as "end_evidence?",
                      end_tag as "end_tag?: Uuid", end_manual_reason as "end_manual_reason?",
                      end_late as "end_late!: bool", end_skew as "end_skew!: bool",
                      tasks_done as "tasks_done!", note as "note?", corrected as "corrected!: bool",
                      created_at as "created_at!: DbInstant"
               FROM visits
               WHERE client_id = $1 AND worker = $2 AND visit_date >= $3 AND visit_date <= $4
               ORDER BY started_at, id"#,
            client.0,
            user.0,
            DbDate(first),
            DbDate(last),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()?;
        let visits: Vec<VisitBrief> = visits
            .iter()
            .filter(|v| v.worker == user)
            .map(|v| VisitBrief {
                id: v.id,
                plan_id: v.plan_id,
                date: v.date,
                started_at: v.started_at(),
                ended_at: v.ended_at(),
            })
            .collect();
        Ok(visit_windows(&plans, &visits, first, last, &tz))
    }
}

#[async_trait::async_trait]
impl HomecareWrite for SqlTx {
    async fn set_decision_tasks(
        &mut self,
        decision: DecisionId,
        tasks: &[GrantedTask],
    ) -> StoreResult<()> {
        sqlx::query!(
            "DELETE FROM decision_tasks WHERE decision_id = $1",
            decision.0
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for t in tasks {
            sqlx::query!(
                "INSERT INTO decision_tasks (decision_id, task, minutes, per) VALUES ($1, $2, $3, $4)",
                decision.0,
                t.task.code(),
                i64::from(t.minutes),
                t.per.code(),
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn insert_visit_plan(&mut self, p: &VisitPlan) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO visit_plans (id, client_id, decision_id, unit_id, weekdays, window_from,
                 window_to, tasks, expected_minutes, valid_from, valid_to, ended_on, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            p.id.0,
            p.client_id.0,
            p.decision_id.0,
            p.unit_id.0,
            weekdays_to_text(&p.weekdays),
            time_to_text(p.from),
            time_to_text(p.to),
            tasks_to_text(&p.tasks),
            i64::from(p.expected_minutes),
            DbDate(p.valid_from),
            p.valid_to.map(DbDate),
            p.ended_on.map(DbDate),
            p.created_by.0,
            DbInstant::new(p.created_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn end_visit_plan(&mut self, id: VisitPlanId, on: DbDate) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE visit_plans SET ended_on = $2 WHERE id = $1",
            id.0,
            on
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_visit(&mut self, v: &Visit) -> StoreResult<()> {
        let e = v.end.as_ref();
        sqlx::query!(
            "INSERT INTO visits (id, client_id, unit_id, worker, plan_id, visit_date, kind,
                 started_at, start_device_time, start_received_at, start_evidence, start_tag,
                 start_manual_reason, start_late, start_skew, ended_at, end_device_time,
                 end_received_at, end_evidence, end_tag, end_manual_reason, end_late, end_skew,
                 tasks_done, note, corrected, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                     $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)",
            v.id.0,
            v.client_id.0,
            v.unit_id.0,
            v.worker.0,
            v.plan_id.map(|p| p.0),
            DbDate(v.date),
            v.kind.code(),
            DbInstant::new(v.start.at),
            DbInstant::new(v.start.device_time),
            DbInstant::new(v.start.received_at),
            v.start.evidence.kind().code(),
            v.start.evidence.tag().map(|t| t.0),
            v.start.evidence.manual_reason().map(ManualReason::code),
            v.start.late_sync,
            v.start.clock_skew,
            e.map(|e| DbInstant::new(e.at)),
            e.map(|e| DbInstant::new(e.device_time)),
            e.map(|e| DbInstant::new(e.received_at)),
            e.map(|e| e.evidence.kind().code()),
            e.and_then(|e| e.evidence.tag()).map(|t| t.0),
            e.and_then(|e| e.evidence.manual_reason())
                .map(ManualReason::code),
            e.is_some_and(|e| e.late_sync),
            e.is_some_and(|e| e.clock_skew),
            tasks_to_text(&v.tasks_done),
            v.note,
            v.corrected,
            DbInstant::new(v.created_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_visit(&mut self, v: &Visit) -> StoreResult<()> {
        let e = v.end.as_ref();
        sqlx::query!(
            "UPDATE visits SET started_at = $2, ended_at = $3, end_device_time = $4,
                 end_received_at = $5, end_evidence = $6, end_tag = $7, end_manual_reason = $8,
                 end_late = $9, end_skew = $10, tasks_done = $11, note = $12, corrected = $13
             WHERE id = $1",
            v.id.0,
            DbInstant::new(v.start.at),
            e.map(|e| DbInstant::new(e.at)),
            e.map(|e| DbInstant::new(e.device_time)),
            e.map(|e| DbInstant::new(e.received_at)),
            e.map(|e| e.evidence.kind().code()),
            e.and_then(|e| e.evidence.tag()).map(|t| t.0),
            e.and_then(|e| e.evidence.manual_reason())
                .map(ManualReason::code),
            e.is_some_and(|e| e.late_sync),
            e.is_some_and(|e| e.clock_skew),
            tasks_to_text(&v.tasks_done),
            v.note,
            v.corrected,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_visit_record(&mut self, r: &VisitRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO visit_records (id, visit_id, device, seq, kind, device_time, received_at, worker)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            r.id.0,
            r.visit_id.0,
            r.device,
            r.seq,
            r.kind,
            DbInstant::new(r.device_time),
            DbInstant::new(r.received_at),
            r.worker.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_correction(&mut self, c: &Correction) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO visit_corrections (id, visit_id, field, old_value, new_value, reason, text,
                 corrected_by, corrected_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            c.id.0,
            c.visit_id.0,
            c.field.code(),
            c.old_value,
            c.new_value,
            c.reason.code(),
            c.text,
            c.by.0,
            DbInstant::new(c.at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn confirm_week(
        &mut self,
        worker: UserId,
        week_start: DbDate,
        at: DbInstant,
    ) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO visit_week_confirmations (worker, week_start, confirmed_at)
             VALUES ($1, $2, $3)
             ON CONFLICT (worker, week_start) DO UPDATE SET confirmed_at = excluded.confirmed_at",
            worker.0,
            week_start,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_week_approval(&mut self, a: &WeekApproval) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO visit_week_approvals (unit_id, week_start, approved_by, approved_at)
             VALUES ($1, $2, $3, $4)",
            a.unit_id.0,
            DbDate(a.week_start),
            a.approved_by.0,
            DbInstant::new(a.approved_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn set_lock_date(&mut self, l: &LockDate) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO visit_locks (organisation_id, locked_through, set_by, set_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (organisation_id) DO UPDATE SET locked_through = excluded.locked_through,
                 set_by = excluded.set_by, set_at = excluded.set_at",
            l.organisation_id.0,
            DbDate(l.locked_through),
            l.set_by.0,
            DbInstant::new(l.set_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }
}
