// Delegated health-care tasks: licences, task types, delegations with their clients and events,
// prescriptions, signings, deviations, escalation ladders and calls. Included by the backend
// crates; see README.md.

use jiff::civil::Date;
use vaka_domain::delegation::{
    Delegation, DelegationEvent, Deviation, DeviationState, EscalationLadder, Licence,
    NotGivenReason, OccasionKey, Party, Prescription, Scope, Signing, TaskType, TaskTypeCode,
};
use vaka_domain::ids::{ClientId, DelegationId, DeviationId, PrescriptionId, SigningId, UnitId};
use vaka_store::delegation::{
    ActivePrescription, ActivePrescriptionRow, DelegationClientRow, DelegationEventRow,
    DelegationRow, DeviationRow, EscalationCall, EscalationCallRow, EventParts, LadderRow,
    LicenceRecord, LicenceRow, PrescriptionRow, SignedTimeRow, SigningRow, TaskTypeRow,
    assemble_delegations, codes_to_text, ladder_to_json, target_parts, times_to_text,
    validity_parts,
};
use vaka_store::homecare::time_to_text;
use vaka_store::{DbDate, DelegationRead, DelegationWrite};

#[async_trait::async_trait]
impl DelegationRead for SqlTx {
    async fn get_licence(&mut self, user: UserId) -> StoreResult<Option<Licence>> {
        let row: Option<LicenceRecord> = sqlx::query_as!(
            LicenceRow,
            r#"SELECT user_id as "user_id!: Uuid", profession as "profession!",
                      licence_number as "licence_number!", set_at as "set_at!: DbInstant"
               FROM licences WHERE user_id = $1"#,
            user.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()?;
        Ok(row.map(|r| r.licence))
    }

    async fn list_licences(&mut self) -> StoreResult<Vec<LicenceRecord>> {
        sqlx::query_as!(
            LicenceRow,
            r#"SELECT user_id as "user_id!: Uuid", profession as "profession!",
                      licence_number as "licence_number!", set_at as "set_at!: DbInstant"
               FROM licences ORDER BY user_id"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_task_types(&mut self) -> StoreResult<Vec<TaskType>> {
        sqlx::query_as!(
            TaskTypeRow,
            r#"SELECT code as "code!", name as "name!", prescribers as "prescribers!",
                      medication as "medication!: bool", retired as "retired!: bool"
               FROM task_types ORDER BY code"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_delegation(&mut self, id: DelegationId) -> StoreResult<Option<Delegation>> {
        Ok(self.delegations_by_id(id).await?.pop())
    }

    async fn list_delegations_of_user(&mut self, user: UserId) -> StoreResult<Vec<Delegation>> {
        let rows = sqlx::query_as!(
            DelegationRow,
            r#"SELECT d.id as "id!: Uuid", d.task_type as "task_type!", d.delegator as "delegator!: Uuid",
                      d.recipient as "recipient!: Uuid", d.unit_id as "unit_id!: Uuid",
                      d.whole_unit as "whole_unit!: bool", d.validity as "validity!",
                      d.valid_from as "valid_from!: DbDate", d.valid_to as "valid_to!: DbDate",
                      d.competence_methods as "competence_methods?",
                      d.competence_checked_on as "competence_checked_on?: DbDate",
                      d.competence_note as "competence_note?", d.decided_at as "decided_at!: DbInstant",
                      d.delegator_signed_at as "delegator_signed_at?: DbInstant",
                      d.recipient_signed_at as "recipient_signed_at?: DbInstant"
               FROM delegations d
               WHERE d.delegator = $1 OR d.recipient = $1
               ORDER BY d.decided_at DESC, d.id"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let clients = sqlx::query_as!(
            DelegationClientRow,
            r#"SELECT c.delegation_id as "delegation_id!: Uuid", c.client_id as "client_id!: Uuid"
               FROM delegation_clients c JOIN delegations d ON d.id = c.delegation_id
               WHERE d.delegator = $1 OR d.recipient = $1"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let events = sqlx::query_as!(
            DelegationEventRow,
            r#"SELECT e.delegation_id as "delegation_id!: Uuid", e.kind as "kind!", e.at as "at?: DbInstant",
                      e.party as "party?", e.by_user as "by_user?: Uuid", e.reason as "reason?",
                      e.note as "note?", e.leave_from as "leave_from?: DbDate",
                      e.leave_to as "leave_to?: DbDate"
               FROM delegation_events e JOIN delegations d ON d.id = e.delegation_id
               WHERE d.delegator = $1 OR d.recipient = $1
               ORDER BY e.seq"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        assemble_delegations(rows, clients, events)
    }

    async fn list_delegations_for_unit(
        &mut self,
        unit: UnitId,
        on: Date,
    ) -> StoreResult<Vec<Delegation>> {
        let rows = sqlx::query_as!(
            DelegationRow,
            r#"SELECT d.id as "id!: Uuid", d.task_type as "task_type!", d.delegator as "delegator!: Uuid",
                      d.recipient as "recipient!: Uuid", d.unit_id as "unit_id!: Uuid",
                      d.whole_unit as "whole_unit!: bool", d.validity as "validity!",
                      d.valid_from as "valid_from!: DbDate", d.valid_to as "valid_to!: DbDate",
                      d.competence_methods as "competence_methods?",
                      d.competence_checked_on as "competence_checked_on?: DbDate",
                      d.competence_note as "competence_note?", d.decided_at as "decided_at!: DbInstant",
                      d.delegator_signed_at as "delegator_signed_at?: DbInstant",
                      d.recipient_signed_at as "recipient_signed_at?: DbInstant"
               FROM delegations d
               WHERE d.unit_id = $1 AND d.valid_to >= $2
               ORDER BY d.valid_to, d.id"#,
            unit.0,
            DbDate(on),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let clients = sqlx::query_as!(
            DelegationClientRow,
            r#"SELECT c.delegation_id as "delegation_id!: Uuid", c.client_id as "client_id!: Uuid"
               FROM delegation_clients c JOIN delegations d ON d.id = c.delegation_id
               WHERE d.unit_id = $1 AND d.valid_to >= $2"#,
            unit.0,
            DbDate(on),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let events = sqlx::query_as!(
            DelegationEventRow,
            r#"SELECT e.delegation_id as "delegation_id!: Uuid", e.kind as "kind!", e.at as "at?: DbInstant",
                      e.party as "party?", e.by_user as "by_user?: Uuid", e.reason as "reason?",
                      e.note as "note?", e.leave_from as "leave_from?: DbDate",
                      e.leave_to as "leave_to?: DbDate"
               FROM delegation_events e JOIN delegations d ON d.id = e.delegation_id
               WHERE d.unit_id = $1 AND d.valid_to >= $2
               ORDER BY e.seq"#,
            unit.0,
            DbDate(on),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        assemble_delegations(rows, clients, events)
    }

    async fn list_delegations_for_task(
        &mut self,
        recipient: UserId,
        task: &TaskTypeCode,
        on: Date,
    ) -> StoreResult<Vec<Delegation>> {
        let rows = sqlx::query_as!(
            DelegationRow,
            r#"SELECT d.id as "id!: Uuid", d.task_type as "task_type!", d.delegator as "delegator!: Uuid",
                      d.recipient as "recipient!: Uuid", d.unit_id as "unit_id!: Uuid",
                      d.whole_unit as "whole_unit!: bool", d.validity as "validity!",
                      d.valid_from as "valid_from!: DbDate", d.valid_to as "valid_to!: DbDate",
                      d.competence_methods as "competence_methods?",
                      d.competence_checked_on as "competence_checked_on?: DbDate",
                      d.competence_note as "competence_note?", d.decided_at as "decided_at!: DbInstant",
                      d.delegator_signed_at as "delegator_signed_at?: DbInstant",
                      d.recipient_signed_at as "recipient_signed_at?: DbInstant"
               FROM delegations d
               WHERE d.recipient = $1 AND d.task_type = $2 AND d.valid_from <= $3 AND d.valid_to >= $3
               ORDER BY d.valid_to DESC, d.id"#,
            recipient.0,
            task.as_str(),
            DbDate(on),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let clients = sqlx::query_as!(
            DelegationClientRow,
            r#"SELECT c.delegation_id as "delegation_id!: Uuid", c.client_id as "client_id!: Uuid"
               FROM delegation_clients c JOIN delegations d ON d.id = c.delegation_id
               WHERE d.recipient = $1 AND d.task_type = $2 AND d.valid_from <= $3 AND d.valid_to >= $3"#,
            recipient.0,
            task.as_str(),
            DbDate(on),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let events = sqlx::query_as!(
            DelegationEventRow,
            r#"SELECT e.delegation_id as "delegation_id!: Uuid", e.kind as "kind!", e.at as "at?: DbInstant",
                      e.party as "party?", e.by_user as "by_user?: Uuid", e.reason as "reason?",
                      e.note as "note?", e.leave_from as "leave_from?: DbDate",
                      e.leave_to as "leave_to?: DbDate"
               FROM delegation_events e JOIN delegations d ON d.id = e.delegation_id
               WHERE d.recipient = $1 AND d.task_type = $2 AND d.valid_from <= $3 AND d.valid_to >= $3
               ORDER BY e.seq"#,
            recipient.0,
            task.as_str(),
            DbDate(on),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        assemble_delegations(rows, clients, events)
    }

    async fn list_delegations_expiring(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Delegation>> {
        let rows = sqlx::query_as!(
            DelegationRow,
            r#"SELECT d.id as "id!: Uuid", d.task_type as "task_type!", d.delegator as "delegator!: Uuid",
                      d.recipient as "recipient!: Uuid", d.unit_id as "unit_id!: Uuid",
                      d.whole_unit as "whole_unit!: bool", d.validity as "validity!",
                      d.valid_from as "valid_from!: DbDate", d.valid_to as "valid_to!: DbDate",
                      d.competence_methods as "competence_methods?",
                      d.competence_checked_on as "competence_checked_on?: DbDate",
                      d.competence_note as "competence_note?", d.decided_at as "decided_at!: DbInstant",
                      d.delegator_signed_at as "delegator_signed_at?: DbInstant",
                      d.recipient_signed_at as "recipient_signed_at?: DbInstant"
               FROM delegations d
               WHERE d.validity = 'period' AND d.valid_to >= $1 AND d.valid_to <= $2
               ORDER BY d.valid_to, d.id"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let clients = sqlx::query_as!(
            DelegationClientRow,
            r#"SELECT c.delegation_id as "delegation_id!: Uuid", c.client_id as "client_id!: Uuid"
               FROM delegation_clients c JOIN delegations d ON d.id = c.delegation_id
               WHERE d.validity = 'period' AND d.valid_to >= $1 AND d.valid_to <= $2"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let events = sqlx::query_as!(
            DelegationEventRow,
            r#"SELECT e.delegation_id as "delegation_id!: Uuid", e.kind as "kind!", e.at as "at?: DbInstant",
                      e.party as "party?", e.by_user as "by_user?: Uuid", e.reason as "reason?",
                      e.note as "note?", e.leave_from as "leave_from?: DbDate",
                      e.leave_to as "leave_to?: DbDate"
               FROM delegation_events e JOIN delegations d ON d.id = e.delegation_id
               WHERE d.validity = 'period' AND d.valid_to >= $1 AND d.valid_to <= $2
               ORDER BY e.seq"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        assemble_delegations(rows, clients, events)
    }

    async fn list_delegations_to_remind(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Delegation>> {
        let rows = sqlx::query_as!(
            DelegationRow,
            r#"SELECT d.id as "id!: Uuid", d.task_type as "task_type!", d.delegator as "delegator!: Uuid",
                      d.recipient as "recipient!: Uuid", d.unit_id as "unit_id!: Uuid",
                      d.whole_unit as "whole_unit!: bool", d.validity as "validity!",
                      d.valid_from as "valid_from!: DbDate", d.valid_to as "valid_to!: DbDate",
                      d.competence_methods as "competence_methods?",
                      d.competence_checked_on as "competence_checked_on?: DbDate",
                      d.competence_note as "competence_note?", d.decided_at as "decided_at!: DbInstant",
                      d.delegator_signed_at as "delegator_signed_at?: DbInstant",
                      d.recipient_signed_at as "recipient_signed_at?: DbInstant"
               FROM delegations d
               WHERE d.validity = 'period' AND d.valid_to >= $1 AND d.valid_to <= $2
                 AND d.reminder_sent_at IS NULL
               ORDER BY d.valid_to, d.id"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let clients = sqlx::query_as!(
            DelegationClientRow,
            r#"SELECT c.delegation_id as "delegation_id!: Uuid", c.client_id as "client_id!: Uuid"
               FROM delegation_clients c JOIN delegations d ON d.id = c.delegation_id
               WHERE d.validity = 'period' AND d.valid_to >= $1 AND d.valid_to <= $2
                 AND d.reminder_sent_at IS NULL"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let events = sqlx::query_as!(
            DelegationEventRow,
            r#"SELECT e.delegation_id as "delegation_id!: Uuid", e.kind as "kind!", e.at as "at?: DbInstant",
                      e.party as "party?", e.by_user as "by_user?: Uuid", e.reason as "reason?",
                      e.note as "note?", e.leave_from as "leave_from?: DbDate",
                      e.leave_to as "leave_to?: DbDate"
               FROM delegation_events e JOIN delegations d ON d.id = e.delegation_id
               WHERE d.validity = 'period' AND d.valid_to >= $1 AND d.valid_to <= $2
                 AND d.reminder_sent_at IS NULL
               ORDER BY e.seq"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        assemble_delegations(rows, clients, events)
    }

    async fn get_prescription(&mut self, id: PrescriptionId) -> StoreResult<Option<Prescription>> {
        sqlx::query_as!(
            PrescriptionRow,
            r#"SELECT p.id as "id!: Uuid", p.client_id as "client_id!: Uuid", p.prescribed_by as "prescribed_by!: Uuid",
                      p.task_type as "task_type!", p.instruction as "instruction!", p.times as "times!",
                      p.as_needed as "as_needed!: bool", p.start_on as "start_on!: DbDate",
                      p.end_on as "end_on?: DbDate", p.window_before as "window_before!: i64",
                      p.window_after as "window_after!: i64", p.created_at as "created_at!: DbInstant",
                      p.ended_on as "ended_on?: DbDate"
               FROM prescriptions p
               WHERE p.id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_prescriptions_for_client(
        &mut self,
        client: ClientId,
    ) -> StoreResult<Vec<Prescription>> {
        sqlx::query_as!(
            PrescriptionRow,
            r#"SELECT p.id as "id!: Uuid", p.client_id as "client_id!: Uuid", p.prescribed_by as "prescribed_by!: Uuid",
                      p.task_type as "task_type!", p.instruction as "instruction!", p.times as "times!",
                      p.as_needed as "as_needed!: bool", p.start_on as "start_on!: DbDate",
                      p.end_on as "end_on?: DbDate", p.window_before as "window_before!: i64",
                      p.window_after as "window_after!: i64", p.created_at as "created_at!: DbInstant",
                      p.ended_on as "ended_on?: DbDate"
               FROM prescriptions p
               WHERE p.client_id = $1
               ORDER BY p.start_on DESC, p.id"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_prescriptions_for_unit_on(
        &mut self,
        unit: UnitId,
        day: Date,
    ) -> StoreResult<Vec<Prescription>> {
        sqlx::query_as!(
            PrescriptionRow,
            r#"SELECT p.id as "id!: Uuid", p.client_id as "client_id!: Uuid", p.prescribed_by as "prescribed_by!: Uuid",
                      p.task_type as "task_type!", p.instruction as "instruction!", p.times as "times!",
                      p.as_needed as "as_needed!: bool", p.start_on as "start_on!: DbDate",
                      p.end_on as "end_on?: DbDate", p.window_before as "window_before!: i64",
                      p.window_after as "window_after!: i64", p.created_at as "created_at!: DbInstant",
                      p.ended_on as "ended_on?: DbDate"
               FROM prescriptions p JOIN clients c ON c.id = p.client_id
               WHERE c.unit_id = $1 AND p.start_on <= $2 AND (p.end_on IS NULL OR p.end_on >= $2)
                 AND (p.ended_on IS NULL OR p.ended_on >= $2)
               ORDER BY p.client_id, p.id"#,
            unit.0,
            DbDate(day),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_prescriptions_for_unit_between(
        &mut self,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Prescription>> {
        sqlx::query_as!(
            PrescriptionRow,
            r#"SELECT p.id as "id!: Uuid", p.client_id as "client_id!: Uuid", p.prescribed_by as "prescribed_by!: Uuid",
                      p.task_type as "task_type!", p.instruction as "instruction!", p.times as "times!",
                      p.as_needed as "as_needed!: bool", p.start_on as "start_on!: DbDate",
                      p.end_on as "end_on?: DbDate", p.window_before as "window_before!: i64",
                      p.window_after as "window_after!: i64", p.created_at as "created_at!: DbInstant",
                      p.ended_on as "ended_on?: DbDate"
               FROM prescriptions p JOIN clients c ON c.id = p.client_id
               WHERE c.unit_id = $1 AND p.start_on <= $3 AND (p.end_on IS NULL OR p.end_on >= $2)
                 AND (p.ended_on IS NULL OR p.ended_on >= $2)
               ORDER BY p.client_id, p.id"#,
            unit.0,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_prescriptions_active_on(
        &mut self,
        day: Date,
    ) -> StoreResult<Vec<ActivePrescription>> {
        sqlx::query_as!(
            ActivePrescriptionRow,
            r#"SELECT p.id as "id!: Uuid", p.client_id as "client_id!: Uuid", p.prescribed_by as "prescribed_by!: Uuid",
                      p.task_type as "task_type!", p.instruction as "instruction!", p.times as "times!",
                      p.as_needed as "as_needed!: bool", p.start_on as "start_on!: DbDate",
                      p.end_on as "end_on?: DbDate", p.window_before as "window_before!: i64",
                      p.window_after as "window_after!: i64", p.created_at as "created_at!: DbInstant",
                      p.ended_on as "ended_on?: DbDate", c.unit_id as "unit_id?: Uuid",
                      c.protection as "protection!"
               FROM prescriptions p JOIN clients c ON c.id = p.client_id
               WHERE p.start_on <= $1 AND (p.end_on IS NULL OR p.end_on >= $1)
                 AND (p.ended_on IS NULL OR p.ended_on >= $1)
               ORDER BY p.client_id, p.id"#,
            DbDate(day),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_signing(&mut self, id: SigningId) -> StoreResult<Option<Signing>> {
        sqlx::query_as!(
            SigningRow,
            r#"SELECT s.id as "id!: Uuid", s.prescription_id as "prescription_id!: Uuid", s.client_id as "client_id!: Uuid",
                      s.occasion_date as "occasion_date!: DbDate", s.occasion_time as "occasion_time?",
                      s.signer as "signer!: Uuid", s.delegation_id as "delegation_id!: Uuid",
                      s.draft_outcome as "draft_outcome!", s.outcome as "outcome!",
                      s.not_given_reason as "not_given_reason?", s.note as "note?", s.late as "late!: bool",
                      s.flagged as "flagged!: bool", s.signed_at as "signed_at!: DbInstant",
                      s.received_at as "received_at!: DbInstant", s.effect_note as "effect_note?",
                      s.effect_noted_at as "effect_noted_at?: DbInstant"
               FROM signings s
               WHERE s.id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn find_occasion_signing(&mut self, key: &OccasionKey) -> StoreResult<Option<Signing>> {
        sqlx::query_as!(
            SigningRow,
            r#"SELECT s.id as "id!: Uuid", s.prescription_id as "prescription_id!: Uuid", s.client_id as "client_id!: Uuid",
                      s.occasion_date as "occasion_date!: DbDate", s.occasion_time as "occasion_time?",
                      s.signer as "signer!: Uuid", s.delegation_id as "delegation_id!: Uuid",
                      s.draft_outcome as "draft_outcome!", s.outcome as "outcome!",
                      s.not_given_reason as "not_given_reason?", s.note as "note?", s.late as "late!: bool",
                      s.flagged as "flagged!: bool", s.signed_at as "signed_at!: DbInstant",
                      s.received_at as "received_at!: DbInstant", s.effect_note as "effect_note?",
                      s.effect_noted_at as "effect_noted_at?: DbInstant"
               FROM signings s
               WHERE s.prescription_id = $1 AND s.occasion_date = $2 AND s.occasion_time = $3"#,
            key.prescription_id.0,
            DbDate(key.date),
            time_to_text(key.time),
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_signings_for_client(
        &mut self,
        client: ClientId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Signing>> {
        sqlx::query_as!(
            SigningRow,
            r#"SELECT s.id as "id!: Uuid", s.prescription_id as "prescription_id!: Uuid", s.client_id as "client_id!: Uuid",
                      s.occasion_date as "occasion_date!: DbDate", s.occasion_time as "occasion_time?",
                      s.signer as "signer!: Uuid", s.delegation_id as "delegation_id!: Uuid",
                      s.draft_outcome as "draft_outcome!", s.outcome as "outcome!",
                      s.not_given_reason as "not_given_reason?", s.note as "note?", s.late as "late!: bool",
                      s.flagged as "flagged!: bool", s.signed_at as "signed_at!: DbInstant",
                      s.received_at as "received_at!: DbInstant", s.effect_note as "effect_note?",
                      s.effect_noted_at as "effect_noted_at?: DbInstant"
               FROM signings s
               WHERE s.client_id = $1 AND s.occasion_date >= $2 AND s.occasion_date <= $3
               ORDER BY s.occasion_date, s.signed_at, s.id"#,
            client.0,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_signings_for_unit_on(
        &mut self,
        unit: UnitId,
        day: Date,
    ) -> StoreResult<Vec<Signing>> {
        sqlx::query_as!(
            SigningRow,
            r#"SELECT s.id as "id!: Uuid", s.prescription_id as "prescription_id!: Uuid", s.client_id as "client_id!: Uuid",
                      s.occasion_date as "occasion_date!: DbDate", s.occasion_time as "occasion_time?",
                      s.signer as "signer!: Uuid", s.delegation_id as "delegation_id!: Uuid",
                      s.draft_outcome as "draft_outcome!", s.outcome as "outcome!",
                      s.not_given_reason as "not_given_reason?", s.note as "note?", s.late as "late!: bool",
                      s.flagged as "flagged!: bool", s.signed_at as "signed_at!: DbInstant",
                      s.received_at as "received_at!: DbInstant", s.effect_note as "effect_note?",
                      s.effect_noted_at as "effect_noted_at?: DbInstant"
               FROM signings s JOIN clients c ON c.id = s.client_id
               WHERE c.unit_id = $1 AND s.occasion_date = $2
               ORDER BY s.signed_at, s.id"#,
            unit.0,
            DbDate(day),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_signings_for_unit_between(
        &mut self,
        unit: UnitId,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<Signing>> {
        sqlx::query_as!(
            SigningRow,
            r#"SELECT s.id as "id!: Uuid", s.prescription_id as "prescription_id!: Uuid", s.client_id as "client_id!: Uuid",
                      s.occasion_date as "occasion_date!: DbDate", s.occasion_time as "occasion_time?",
                      s.signer as "signer!: Uuid", s.delegation_id as "delegation_id!: Uuid",
                      s.draft_outcome as "draft_outcome!", s.outcome as "outcome!",
                      s.not_given_reason as "not_given_reason?", s.note as "note?", s.late as "late!: bool",
                      s.flagged as "flagged!: bool", s.signed_at as "signed_at!: DbInstant",
                      s.received_at as "received_at!: DbInstant", s.effect_note as "effect_note?",
                      s.effect_noted_at as "effect_noted_at?: DbInstant"
               FROM signings s JOIN clients c ON c.id = s.client_id
               WHERE c.unit_id = $1 AND s.occasion_date >= $2 AND s.occasion_date <= $3
               ORDER BY s.occasion_date, s.signed_at, s.id"#,
            unit.0,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_signed_occasions_on(&mut self, day: Date) -> StoreResult<Vec<OccasionKey>> {
        sqlx::query_as!(
            SignedTimeRow,
            r#"SELECT prescription_id as "prescription_id!: Uuid", occasion_time as "occasion_time!"
               FROM signings
               WHERE occasion_date = $1 AND occasion_time IS NOT NULL"#,
            DbDate(day),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(|r| r.key_on(day))
        .collect()
    }

    async fn get_deviation(&mut self, id: DeviationId) -> StoreResult<Option<Deviation>> {
        sqlx::query_as!(
            DeviationRow,
            r#"SELECT v.id as "id!: Uuid", v.signing_id as "signing_id!: Uuid", v.client_id as "client_id!: Uuid",
                      v.prescription_id as "prescription_id!: Uuid", v.outcome as "outcome!",
                      v.assigned_to as "assigned_to!: Uuid", v.opened_at as "opened_at!: DbInstant",
                      v.closed_by as "closed_by?: Uuid", v.closed_at as "closed_at?: DbInstant",
                      v.close_note as "close_note?"
               FROM deviations v
               WHERE v.id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_open_deviations_for_unit(&mut self, unit: UnitId) -> StoreResult<Vec<Deviation>> {
        sqlx::query_as!(
            DeviationRow,
            r#"SELECT v.id as "id!: Uuid", v.signing_id as "signing_id!: Uuid", v.client_id as "client_id!: Uuid",
                      v.prescription_id as "prescription_id!: Uuid", v.outcome as "outcome!",
                      v.assigned_to as "assigned_to!: Uuid", v.opened_at as "opened_at!: DbInstant",
                      v.closed_by as "closed_by?: Uuid", v.closed_at as "closed_at?: DbInstant",
                      v.close_note as "close_note?"
               FROM deviations v JOIN clients c ON c.id = v.client_id
               WHERE c.unit_id = $1 AND v.closed_at IS NULL
               ORDER BY v.opened_at, v.id"#,
            unit.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_open_deviations_for_user(&mut self, user: UserId) -> StoreResult<Vec<Deviation>> {
        sqlx::query_as!(
            DeviationRow,
            r#"SELECT v.id as "id!: Uuid", v.signing_id as "signing_id!: Uuid", v.client_id as "client_id!: Uuid",
                      v.prescription_id as "prescription_id!: Uuid", v.outcome as "outcome!",
                      v.assigned_to as "assigned_to!: Uuid", v.opened_at as "opened_at!: DbInstant",
                      v.closed_by as "closed_by?: Uuid", v.closed_at as "closed_at?: DbInstant",
                      v.close_note as "close_note?"
               FROM deviations v
               WHERE v.assigned_to = $1 AND v.closed_at IS NULL
               ORDER BY v.opened_at, v.id"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_escalation_ladder(
        &mut self,
        unit: UnitId,
    ) -> StoreResult<Option<EscalationLadder>> {
        sqlx::query_as!(
            LadderRow,
            r#"SELECT ladder as "ladder!"
               FROM escalation_ladders
               WHERE unit_id = $1"#,
            unit.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_escalation_calls(
        &mut self,
        from: Date,
        to: Date,
    ) -> StoreResult<Vec<EscalationCall>> {
        sqlx::query_as!(
            EscalationCallRow,
            r#"SELECT prescription_id as "prescription_id!: Uuid", occasion_date as "occasion_date!: DbDate",
                      occasion_time as "occasion_time!", user_id as "user_id!: Uuid", step as "step!: i64",
                      called_at as "called_at!: DbInstant"
               FROM escalation_calls
               WHERE occasion_date >= $1 AND occasion_date <= $2
               ORDER BY occasion_date, prescription_id, occasion_time, step, user_id"#,
            DbDate(from),
            DbDate(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }
}

impl SqlTx {
    async fn delegations_by_id(&mut self, id: DelegationId) -> StoreResult<Vec<Delegation>> {
        let rows = sqlx::query_as!(
            DelegationRow,
            r#"SELECT d.id as "id!: Uuid", d.task_type as "task_type!", d.delegator as "delegator!: Uuid",
                      d.recipient as "recipient!: Uuid", d.unit_id as "unit_id!: Uuid",
                      d.whole_unit as "whole_unit!: bool", d.validity as "validity!",
                      d.valid_from as "valid_from!: DbDate", d.valid_to as "valid_to!: DbDate",
                      d.competence_methods as "competence_methods?",
                      d.competence_checked_on as "competence_checked_on?: DbDate",
                      d.competence_note as "competence_note?", d.decided_at as "decided_at!: DbInstant",
                      d.delegator_signed_at as "delegator_signed_at?: DbInstant",
                      d.recipient_signed_at as "recipient_signed_at?: DbInstant"
               FROM delegations d
               WHERE d.id = $1
               ORDER BY d.id"#,
            id.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let clients = sqlx::query_as!(
            DelegationClientRow,
            r#"SELECT c.delegation_id as "delegation_id!: Uuid", c.client_id as "client_id!: Uuid"
               FROM delegation_clients c JOIN delegations d ON d.id = c.delegation_id
               WHERE d.id = $1"#,
            id.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let events = sqlx::query_as!(
            DelegationEventRow,
            r#"SELECT e.delegation_id as "delegation_id!: Uuid", e.kind as "kind!", e.at as "at?: DbInstant",
                      e.party as "party?", e.by_user as "by_user?: Uuid", e.reason as "reason?",
                      e.note as "note?", e.leave_from as "leave_from?: DbDate",
                      e.leave_to as "leave_to?: DbDate"
               FROM delegation_events e JOIN delegations d ON d.id = e.delegation_id
               WHERE d.id = $1
               ORDER BY e.seq"#,
            id.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        assemble_delegations(rows, clients, events)
    }
}

#[async_trait::async_trait]
impl DelegationWrite for SqlTx {
    async fn set_licence(
        &mut self,
        user: UserId,
        licence: Option<&Licence>,
        at: DbInstant,
    ) -> StoreResult<()> {
        let Some(l) = licence else {
            sqlx::query!("DELETE FROM licences WHERE user_id = $1", user.0,)
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            return Ok(());
        };
        sqlx::query!(
            "INSERT INTO licences (user_id, profession, licence_number, set_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET profession = excluded.profession,
                 licence_number = excluded.licence_number, set_at = excluded.set_at",
            user.0,
            l.profession.code(),
            l.number.as_str(),
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn upsert_task_type(&mut self, t: &TaskType) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO task_types (code, name, prescribers, medication, retired)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name,
                 prescribers = excluded.prescribers, medication = excluded.medication,
                 retired = excluded.retired",
            t.code.as_str(),
            t.name,
            codes_to_text(t.prescribers.iter().map(|p| p.code())),
            t.medication,
            t.retired,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_delegation(&mut self, d: &Delegation) -> StoreResult<()> {
        let t = &d.terms;
        let (validity, from, to) = validity_parts(t.validity);
        let c = t.competence.as_ref();
        sqlx::query!(
            "INSERT INTO delegations (id, task_type, delegator, recipient, unit_id, whole_unit,
                 validity, valid_from, valid_to, competence_methods, competence_checked_on,
                 competence_note, decided_at, delegator_signed_at, recipient_signed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            d.id.0,
            t.task_type.as_str(),
            t.delegator.0,
            t.recipient.0,
            t.unit_id.0,
            matches!(t.scope, Scope::WholeUnit),
            validity,
            from,
            to,
            c.map(|c| codes_to_text(c.methods.iter().map(|m| m.code()))),
            c.map(|c| DbDate(c.checked_on)),
            c.and_then(|c| c.note.as_deref()),
            DbInstant::new(d.decided_at),
            d.delegator_signed_at.map(DbInstant::new),
            d.recipient_signed_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if let Scope::Clients(clients) = &t.scope {
            for client in clients {
                sqlx::query!(
                    "INSERT INTO delegation_clients (delegation_id, client_id) VALUES ($1, $2)",
                    d.id.0,
                    client.0,
                )
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            }
        }
        for e in &d.events {
            self.insert_delegation_event(d.id, e).await?;
        }
        Ok(())
    }

    async fn sign_delegation(
        &mut self,
        id: DelegationId,
        party: Party,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let done = match party {
            Party::Delegator => {
                sqlx::query!(
                    "UPDATE delegations SET delegator_signed_at = $2
                 WHERE id = $1 AND delegator_signed_at IS NULL",
                    id.0,
                    at,
                )
                .execute(&mut *self.tx)
                .await
            }
            Party::Recipient => {
                sqlx::query!(
                    "UPDATE delegations SET recipient_signed_at = $2
                 WHERE id = $1 AND recipient_signed_at IS NULL",
                    id.0,
                    at,
                )
                .execute(&mut *self.tx)
                .await
            }
        }
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_delegation_reminded(
        &mut self,
        id: DelegationId,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE delegations SET reminder_sent_at = $2 WHERE id = $1 AND reminder_sent_at IS NULL",
            id.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_delegation_event(
        &mut self,
        id: DelegationId,
        e: &DelegationEvent,
    ) -> StoreResult<()> {
        let p = EventParts::of(e);
        sqlx::query!(
            "INSERT INTO delegation_events (delegation_id, kind, at, party, by_user, reason, note,
                 leave_from, leave_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            id.0,
            p.kind,
            p.at,
            p.party,
            p.by_user,
            p.reason,
            p.note,
            p.leave_from,
            p.leave_to,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn end_delegation_leave(
        &mut self,
        id: DelegationId,
        party: Party,
        from: DbDate,
        to: DbDate,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE delegation_events SET leave_to = $4
             WHERE delegation_id = $1 AND kind = 'leave' AND party = $2 AND leave_from = $3",
            id.0,
            party.code(),
            from,
            to,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_prescription(&mut self, p: &Prescription) -> StoreResult<()> {
        let t = &p.terms;
        sqlx::query!(
            "INSERT INTO prescriptions (id, client_id, prescribed_by, task_type, instruction, times,
                 as_needed, start_on, end_on, window_before, window_after, created_at, ended_on)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            p.id.0,
            p.client_id.0,
            p.prescribed_by.0,
            t.task_type.as_str(),
            t.instruction,
            times_to_text(&t.times),
            t.as_needed,
            DbDate(t.start),
            t.end.map(DbDate),
            i64::from(t.window.before_minutes),
            i64::from(t.window.after_minutes),
            DbInstant::new(p.created_at),
            p.ended_on.map(DbDate),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn end_prescription(&mut self, id: PrescriptionId, on: DbDate) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE prescriptions SET ended_on = $2 WHERE id = $1",
            id.0,
            on,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_signing(&mut self, s: &Signing) -> StoreResult<bool> {
        let (prescription, date, time) = target_parts(s);
        let done = sqlx::query!(
            "INSERT INTO signings (id, prescription_id, client_id, occasion_date, occasion_time,
                 signer, delegation_id, draft_outcome, outcome, not_given_reason, note, late,
                 flagged, signed_at, received_at, effect_note, effect_noted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
             ON CONFLICT (id) DO NOTHING",
            s.id.0,
            prescription.0,
            s.client_id.0,
            date,
            time,
            s.signer.0,
            s.delegation_id.0,
            s.draft.outcome.code(),
            s.outcome.code(),
            s.draft.not_given_reason.map(NotGivenReason::code),
            s.draft.note,
            s.late,
            s.flagged,
            DbInstant::new(s.signed_at),
            DbInstant::new(s.received_at),
            s.effect_note,
            s.effect_noted_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn note_signing_effect(
        &mut self,
        id: SigningId,
        note: &str,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE signings SET effect_note = $2, effect_noted_at = $3
             WHERE id = $1 AND effect_note IS NULL",
            id.0,
            note,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_deviation(&mut self, d: &Deviation) -> StoreResult<()> {
        let (by, at, note) = match &d.state {
            DeviationState::Open => (None, None, None),
            DeviationState::Closed { by, at, note } => {
                (Some(by.0), Some(DbInstant::new(*at)), Some(note.as_str()))
            }
        };
        sqlx::query!(
            "INSERT INTO deviations (id, signing_id, client_id, prescription_id, outcome, assigned_to,
                 opened_at, closed_by, closed_at, close_note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            d.id.0,
            d.signing_id.0,
            d.client_id.0,
            d.prescription_id.0,
            d.outcome.code(),
            d.assigned_to.0,
            DbInstant::new(d.opened_at),
            by,
            at,
            note,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn close_deviation(
        &mut self,
        id: DeviationId,
        by: UserId,
        at: DbInstant,
        note: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE deviations SET closed_by = $2, closed_at = $3, close_note = $4
             WHERE id = $1 AND closed_at IS NULL",
            id.0,
            by.0,
            at,
            note,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn set_escalation_ladder(
        &mut self,
        unit: UnitId,
        ladder: &EscalationLadder,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()> {
        let json = ladder_to_json(ladder)?;
        sqlx::query!(
            "INSERT INTO escalation_ladders (unit_id, ladder, set_by, set_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (unit_id) DO UPDATE SET ladder = excluded.ladder, set_by = excluded.set_by,
                 set_at = excluded.set_at",
            unit.0,
            json,
            by.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_escalation_call(&mut self, c: &EscalationCall) -> StoreResult<bool> {
        let done = sqlx::query!(
            "INSERT INTO escalation_calls (prescription_id, occasion_date, occasion_time, user_id, step,
                 called_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (prescription_id, occasion_date, occasion_time, user_id) DO NOTHING",
            c.key.prescription_id.0,
            DbDate(c.key.date),
            time_to_text(c.key.time),
            c.user.0,
            i64::from(c.step),
            DbInstant::new(c.called_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }
}
