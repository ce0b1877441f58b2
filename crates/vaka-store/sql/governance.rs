// The management plan: governance roles, supplier contracts, the classification, the activity
// plan's duties and sign-offs, incident and fault reports. Runtime-checked statements (small
// tables, no engine-specific SQL). Included by the backend crates; see README.md.

use jiff::civil::Date;
use vaka_domain::governance::{
    Classification, FaultStatus, GovernanceRole, IncidentKind, IncidentStatus, InformationType,
    KlassaLevel, Recurrence, Schedule,
};
use vaka_domain::ids::{ContractId, DutyId, FaultReportId, GovernanceAssignmentId, IncidentId};
use vaka_store::governance::{
    ClassificationRecord, ContractRecord, DutyRecord, FaultRecord, GovernanceAssignmentRecord,
    IncidentRecord, IncidentStepRecord, SignOffRecord,
};
use vaka_store::{DbDate, GovernanceRead, GovernanceWrite};

fn code<T>(
    table: &str,
    id: impl std::fmt::Display,
    parse: fn(&str) -> Option<T>,
    raw: &str,
) -> StoreResult<T> {
    parse(raw).ok_or_else(|| StoreError::corrupt(format!("{table} of {id}: {raw}")))
}

type AssignmentRow = (
    Uuid,
    String,
    Uuid,
    String,
    DbDate,
    Option<DbDate>,
    Option<Uuid>,
    DbInstant,
);

const ASSIGNMENT_SELECT: &str = "SELECT a.id, a.role, a.user_id, u.display_name, a.from_date, a.until_date, \
     a.assigned_by, a.assigned_at FROM governance_assignments a JOIN users u ON u.id = a.user_id";

fn assignment(r: AssignmentRow) -> StoreResult<GovernanceAssignmentRecord> {
    let (id, role, user_id, user_name, from, until, by, at) = r;
    Ok(GovernanceAssignmentRecord {
        id: GovernanceAssignmentId(id),
        role: code(
            "governance_assignments.role",
            id,
            GovernanceRole::from_code,
            &role,
        )?,
        user_id: UserId(user_id),
        user_name,
        from: from.0,
        until: until.map(|d| d.0),
        assigned_by: by.map(UserId),
        assigned_at: at.0,
    })
}

type ContractRow = (
    Uuid,
    String,
    String,
    String,
    DbDate,
    Option<DbDate>,
    i32,
    Option<i32>,
    String,
    DbDate,
    Option<DbInstant>,
    Option<String>,
    Option<Uuid>,
    DbInstant,
);

const CONTRACT_SELECT: &str = "SELECT id, supplier, subject, reference, starts_on, ends_on, notice_months, \
     availability, response_terms, next_follow_up, followed_up_at, follow_up_note, saved_by, saved_at \
     FROM supplier_contracts";

fn contract(r: ContractRow) -> StoreResult<ContractRecord> {
    let (
        id,
        supplier,
        subject,
        reference,
        starts_on,
        ends_on,
        notice,
        availability,
        response_terms,
        next,
        fu_at,
        fu_note,
        by,
        at,
    ) = r;
    Ok(ContractRecord {
        id: ContractId(id),
        supplier,
        subject,
        reference,
        starts_on: starts_on.0,
        ends_on: ends_on.map(|d| d.0),
        notice_months: u8::try_from(notice).map_err(|_| {
            StoreError::corrupt(format!("supplier_contracts.notice_months of {id}"))
        })?,
        availability: availability
            .map(u16::try_from)
            .transpose()
            .map_err(|_| StoreError::corrupt(format!("supplier_contracts.availability of {id}")))?,
        response_terms,
        next_follow_up: next.0,
        followed_up_at: fu_at.map(|t| t.0),
        follow_up_note: fu_note,
        saved_by: by.map(UserId),
        saved_at: at.0,
    })
}

type IncidentRow = (
    Uuid,
    String,
    String,
    DbInstant,
    Uuid,
    String,
    DbInstant,
    String,
    Option<DbInstant>,
    Option<DbInstant>,
);

const INCIDENT_SELECT: &str = "SELECT i.id, i.kind, i.what, i.occurred_at, i.reported_by, u.display_name, \
     i.reported_at, i.status, i.investigating_at, i.closed_at \
     FROM incident_reports i JOIN users u ON u.id = i.reported_by";

fn incident(r: IncidentRow) -> StoreResult<IncidentRecord> {
    let (id, kind, what, occurred, by, name, at, status, inv, closed) = r;
    Ok(IncidentRecord {
        id: IncidentId(id),
        kind: code("incident_reports.kind", id, IncidentKind::from_code, &kind)?,
        what,
        occurred_at: occurred.0,
        reported_by: UserId(by),
        reporter_name: name,
        reported_at: at.0,
        status: code(
            "incident_reports.status",
            id,
            IncidentStatus::from_code,
            &status,
        )?,
        investigating_at: inv.map(|t| t.0),
        closed_at: closed.map(|t| t.0),
    })
}

type FaultRow = (
    Uuid,
    Uuid,
    String,
    String,
    Uuid,
    String,
    DbInstant,
    String,
    String,
    Option<DbInstant>,
    Option<DbInstant>,
    String,
);

const FAULT_SELECT: &str = "SELECT f.id, f.contract_id, c.supplier, f.what, f.reported_by, u.display_name, \
     f.reported_at, f.status, f.supplier_ref, f.acknowledged_at, f.resolved_at, f.resolution \
     FROM fault_reports f JOIN supplier_contracts c ON c.id = f.contract_id \
     JOIN users u ON u.id = f.reported_by";

fn fault(r: FaultRow) -> StoreResult<FaultRecord> {
    let (id, contract_id, supplier, what, by, name, at, status, sref, ack, res, resolution) = r;
    Ok(FaultRecord {
        id: FaultReportId(id),
        contract_id: ContractId(contract_id),
        supplier,
        what,
        reported_by: UserId(by),
        reporter_name: name,
        reported_at: at.0,
        status: code("fault_reports.status", id, FaultStatus::from_code, &status)?,
        supplier_ref: sref,
        acknowledged_at: ack.map(|t| t.0),
        resolved_at: res.map(|t| t.0),
        resolution,
    })
}

type DutyRow = (Uuid, String, String, i32, i32, String, DbDate);

fn duty(r: DutyRow) -> StoreResult<DutyRecord> {
    let (id, code_, recurrence, month, day, role, starts_on) = r;
    let recurrence = code(
        "governance_duties.recurrence",
        id,
        Recurrence::from_code,
        &recurrence,
    )?;
    let schedule = Schedule::new(recurrence, i64::from(month), i64::from(day))
        .map_err(|_| StoreError::corrupt(format!("governance_duties schedule of {id}")))?;
    Ok(DutyRecord {
        id: DutyId(id),
        code: code_,
        schedule,
        responsible: code(
            "governance_duties.responsible_role",
            id,
            GovernanceRole::from_code,
            &role,
        )?,
        starts_on: starts_on.0,
    })
}

fn opt_date(d: Option<Date>) -> Option<DbDate> {
    d.map(DbDate)
}

#[async_trait::async_trait]
impl GovernanceRead for SqlTx {
    async fn list_governance_assignments(
        &mut self,
    ) -> StoreResult<Vec<GovernanceAssignmentRecord>> {
        let sql = format!("{ASSIGNMENT_SELECT} ORDER BY a.role, a.from_date, u.display_name");
        sqlx::query_as::<_, AssignmentRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .into_iter()
            .map(assignment)
            .collect()
    }

    async fn get_governance_assignment(
        &mut self,
        id: GovernanceAssignmentId,
    ) -> StoreResult<Option<GovernanceAssignmentRecord>> {
        let sql = format!("{ASSIGNMENT_SELECT} WHERE a.id = $1");
        sqlx::query_as::<_, AssignmentRow>(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .map(assignment)
            .transpose()
    }

    async fn list_contracts(&mut self) -> StoreResult<Vec<ContractRecord>> {
        let sql = format!("{CONTRACT_SELECT} ORDER BY supplier, starts_on");
        sqlx::query_as::<_, ContractRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .into_iter()
            .map(contract)
            .collect()
    }

    async fn get_contract(&mut self, id: ContractId) -> StoreResult<Option<ContractRecord>> {
        let sql = format!("{CONTRACT_SELECT} WHERE id = $1");
        sqlx::query_as::<_, ContractRow>(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .map(contract)
            .transpose()
    }

    async fn list_classifications(&mut self) -> StoreResult<Vec<ClassificationRecord>> {
        let rows =
            sqlx::query_as::<_, (String, String, String, String, String, Option<DbInstant>)>(
                "SELECT info_type, confidentiality, integrity, availability, traceability, set_at
             FROM information_classes",
            )
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        let mut out = Vec::new();
        for (t, c, i, a, tr, at) in rows {
            // A type this release does not know (a newer one's row) is not this table's.
            let Some(info_type) = InformationType::from_code(&t) else {
                continue;
            };
            let level =
                |raw: &str| code("information_classes level", &t, KlassaLevel::from_code, raw);
            out.push(ClassificationRecord {
                info_type,
                classification: Classification {
                    confidentiality: level(&c)?,
                    integrity: level(&i)?,
                    availability: level(&a)?,
                    traceability: level(&tr)?,
                },
                set_at: at.map(|x| x.0),
            });
        }
        Ok(out)
    }

    async fn list_duties(&mut self) -> StoreResult<Vec<DutyRecord>> {
        sqlx::query_as::<_, DutyRow>(
            "SELECT id, code, recurrence, due_month, due_day, responsible_role, starts_on
             FROM governance_duties ORDER BY code",
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(duty)
        .collect()
    }

    async fn get_duty(&mut self, id: DutyId) -> StoreResult<Option<DutyRecord>> {
        sqlx::query_as::<_, DutyRow>(
            "SELECT id, code, recurrence, due_month, due_day, responsible_role, starts_on
             FROM governance_duties WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(duty)
        .transpose()
    }

    async fn list_sign_offs(&mut self, since: DbDate) -> StoreResult<Vec<SignOffRecord>> {
        let rows = sqlx::query_as::<_, (Uuid, DbDate, Uuid, String, DbInstant, String)>(
            "SELECT s.duty_id, s.due_on, s.signed_by, u.display_name, s.signed_at, s.note
             FROM duty_sign_offs s JOIN users u ON u.id = s.signed_by
             WHERE s.due_on >= $1 ORDER BY s.due_on",
        )
        .bind(since)
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows
            .into_iter()
            .map(|(duty_id, due, by, name, at, note)| SignOffRecord {
                duty_id: DutyId(duty_id),
                due_on: due.0,
                signed_by: UserId(by),
                signer_name: name,
                signed_at: at.0,
                note,
            })
            .collect())
    }

    async fn list_incidents(&mut self) -> StoreResult<Vec<IncidentRecord>> {
        let sql = format!("{INCIDENT_SELECT} ORDER BY i.reported_at DESC");
        sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .into_iter()
            .map(incident)
            .collect()
    }

    async fn get_incident(&mut self, id: IncidentId) -> StoreResult<Option<IncidentRecord>> {
        let sql = format!("{INCIDENT_SELECT} WHERE i.id = $1");
        sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .map(incident)
            .transpose()
    }

    async fn list_incident_steps(&mut self) -> StoreResult<Vec<IncidentStepRecord>> {
        let rows = sqlx::query_as::<_, (Uuid, String, DbInstant, Uuid, String, String)>(
            "SELECT s.incident_id, s.status, s.at, s.by_user, u.display_name, s.note
             FROM incident_steps s JOIN users u ON u.id = s.by_user ORDER BY s.at",
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        rows.into_iter()
            .map(|(id, status, at, by, name, note)| {
                Ok(IncidentStepRecord {
                    incident_id: IncidentId(id),
                    status: code(
                        "incident_steps.status",
                        id,
                        IncidentStatus::from_code,
                        &status,
                    )?,
                    at: at.0,
                    by: UserId(by),
                    by_name: name,
                    note,
                })
            })
            .collect()
    }

    async fn list_fault_reports(&mut self) -> StoreResult<Vec<FaultRecord>> {
        let sql = format!("{FAULT_SELECT} ORDER BY f.reported_at DESC");
        sqlx::query_as::<_, FaultRow>(sqlx::AssertSqlSafe(sql))
            .fetch_all(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .into_iter()
            .map(fault)
            .collect()
    }

    async fn get_fault_report(&mut self, id: FaultReportId) -> StoreResult<Option<FaultRecord>> {
        let sql = format!("{FAULT_SELECT} WHERE f.id = $1");
        sqlx::query_as::<_, FaultRow>(sqlx::AssertSqlSafe(sql))
            .bind(id.0)
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .map(fault)
            .transpose()
    }
}

#[async_trait::async_trait]
impl GovernanceWrite for SqlTx {
    async fn insert_governance_assignment(
        &mut self,
        a: &GovernanceAssignmentRecord,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO governance_assignments (id, role, user_id, from_date, until_date,
                 assigned_by, assigned_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.id.0)
        .bind(a.role.code())
        .bind(a.user_id.0)
        .bind(DbDate(a.from))
        .bind(opt_date(a.until))
        .bind(a.assigned_by.map(|u| u.0))
        .bind(DbInstant::new(a.assigned_at))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn end_governance_assignment(
        &mut self,
        id: GovernanceAssignmentId,
        until: DbDate,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE governance_assignments SET until_date = $1, ended_by = $2, ended_at = $3
             WHERE id = $4 AND ended_at IS NULL AND (until_date IS NULL OR until_date > $1)",
        )
        .bind(until)
        .bind(by.0)
        .bind(at)
        .bind(id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn upsert_contract(&mut self, c: &ContractRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO supplier_contracts (id, supplier, subject, reference, starts_on, ends_on,
                 notice_months, availability, response_terms, next_follow_up, saved_by, saved_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO UPDATE SET supplier = $2, subject = $3, reference = $4,
                 starts_on = $5, ends_on = $6, notice_months = $7, availability = $8,
                 response_terms = $9, next_follow_up = $10, saved_by = $11, saved_at = $12",
        )
        .bind(c.id.0)
        .bind(&c.supplier)
        .bind(&c.subject)
        .bind(&c.reference)
        .bind(DbDate(c.starts_on))
        .bind(opt_date(c.ends_on))
        .bind(i32::from(c.notice_months))
        .bind(c.availability.map(i32::from))
        .bind(&c.response_terms)
        .bind(DbDate(c.next_follow_up))
        .bind(c.saved_by.map(|u| u.0))
        .bind(DbInstant::new(c.saved_at))
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn follow_up_contract(
        &mut self,
        id: ContractId,
        next: DbDate,
        by: UserId,
        at: DbInstant,
        note: &str,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE supplier_contracts SET next_follow_up = $1, followed_up_by = $2,
                 followed_up_at = $3, follow_up_note = $4 WHERE id = $5",
        )
        .bind(next)
        .bind(by.0)
        .bind(at)
        .bind(note)
        .bind(id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn set_classification(
        &mut self,
        info_type: InformationType,
        c: &Classification,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO information_classes (info_type, confidentiality, integrity, availability,
                 traceability, set_by, set_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (info_type) DO UPDATE SET confidentiality = $2, integrity = $3,
                 availability = $4, traceability = $5, set_by = $6, set_at = $7",
        )
        .bind(info_type.code())
        .bind(c.confidentiality.code())
        .bind(c.integrity.code())
        .bind(c.availability.code())
        .bind(c.traceability.code())
        .bind(by.0)
        .bind(at)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_duty(&mut self, d: &DutyRecord) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE governance_duties SET recurrence = $1, due_month = $2, due_day = $3,
                 responsible_role = $4, starts_on = $5 WHERE id = $6",
        )
        .bind(d.schedule.recurrence.code())
        .bind(i32::from(d.schedule.month))
        .bind(i32::from(d.schedule.day))
        .bind(d.responsible.code())
        .bind(DbDate(d.starts_on))
        .bind(d.id.0)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn insert_sign_off(&mut self, s: &SignOffRecord) -> StoreResult<bool> {
        let n = sqlx::query(
            "INSERT INTO duty_sign_offs (duty_id, due_on, signed_by, signed_at, note)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (duty_id, due_on) DO NOTHING",
        )
        .bind(s.duty_id.0)
        .bind(DbDate(s.due_on))
        .bind(s.signed_by.0)
        .bind(DbInstant::new(s.signed_at))
        .bind(&s.note)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }

    async fn insert_incident(&mut self, i: &IncidentRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO incident_reports (id, kind, what, occurred_at, reported_by, reported_at,
                 status)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(i.id.0)
        .bind(i.kind.code())
        .bind(&i.what)
        .bind(DbInstant::new(i.occurred_at))
        .bind(i.reported_by.0)
        .bind(DbInstant::new(i.reported_at))
        .bind(i.status.code())
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn step_incident(
        &mut self,
        from: IncidentStatus,
        step: &IncidentStepRecord,
    ) -> StoreResult<bool> {
        let column = match step.status {
            IncidentStatus::New => return Ok(false),
            IncidentStatus::Investigating => "investigating_at",
            IncidentStatus::Closed => "closed_at",
        };
        let sql = format!(
            "UPDATE incident_reports SET status = $1, {column} = $2 WHERE id = $3 AND status = $4"
        );
        let n = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(step.status.code())
            .bind(DbInstant::new(step.at))
            .bind(step.incident_id.0)
            .bind(from.code())
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?
            .rows_affected();
        if n != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO incident_steps (incident_id, status, at, by_user, note)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(step.incident_id.0)
        .bind(step.status.code())
        .bind(DbInstant::new(step.at))
        .bind(step.by.0)
        .bind(&step.note)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(true)
    }

    async fn insert_fault_report(&mut self, f: &FaultRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO fault_reports (id, contract_id, what, reported_by, reported_at, status,
                 supplier_ref, acknowledged_at, resolved_at, resolution)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(f.id.0)
        .bind(f.contract_id.0)
        .bind(&f.what)
        .bind(f.reported_by.0)
        .bind(DbInstant::new(f.reported_at))
        .bind(f.status.code())
        .bind(&f.supplier_ref)
        .bind(f.acknowledged_at.map(DbInstant::new))
        .bind(f.resolved_at.map(DbInstant::new))
        .bind(&f.resolution)
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_fault_report(
        &mut self,
        from: FaultStatus,
        f: &FaultRecord,
    ) -> StoreResult<bool> {
        let n = sqlx::query(
            "UPDATE fault_reports SET status = $1, supplier_ref = $2, acknowledged_at = $3,
                 resolved_at = $4, resolution = $5 WHERE id = $6 AND status = $7",
        )
        .bind(f.status.code())
        .bind(&f.supplier_ref)
        .bind(f.acknowledged_at.map(DbInstant::new))
        .bind(f.resolved_at.map(DbInstant::new))
        .bind(&f.resolution)
        .bind(f.id.0)
        .bind(from.code())
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .rows_affected();
        Ok(n == 1)
    }
}
