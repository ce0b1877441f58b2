// Digital keys: the key access set, grants (unlock commands and capabilities) and lock events.
// Included by the backend crates; see README.md.

use vaka_domain::client::KeyAccess;
use vaka_domain::ids::{AlarmId, ClientId, DeviceId, UserId, VisitId};
use vaka_domain::keys::{GrantKind, LockEvent, LockEventKind, LockGrant};
use vaka_store::homecare::{VisitBrief, VisitPlanRow, visit_windows};
use vaka_store::{DbDate, DispatchedAlarm, LockRead, LockWrite, StoreError, UnlockGrounds};

/// One row of [`LockRead::unlock_grounds`]'s statement: the lock's client, one of the client's
/// visit plans, one of the user's visits there, or one of the client's dispatched alarms, told
/// apart by `part`; each kind fills the columns its comment names.
struct UnlockGroundsRow {
    part: String,
    id: Uuid,
    /// client: identity; plan: weekdays; alarm: state.
    t1: Option<String>,
    /// client: name; plan: window_from; alarm: chain_link.
    t2: Option<String>,
    /// client: protection; plan: window_to.
    t3: Option<String>,
    /// plan: tasks.
    t4: Option<String>,
    /// client: provider_id; plan: client_id; visit: plan_id; alarm: operator_id.
    u1: Option<Uuid>,
    /// client: unit_id; plan: unit_id; alarm: responder_id.
    u2: Option<Uuid>,
    /// plan: decision_id.
    u3: Option<Uuid>,
    /// plan: created_by.
    u4: Option<Uuid>,
    /// plan: valid_from; visit: visit_date.
    d1: Option<DbDate>,
    /// plan: valid_to.
    d2: Option<DbDate>,
    /// plan: ended_on.
    d3: Option<DbDate>,
    /// plan: created_at; visit: started_at; alarm: dispatched_at.
    i1: Option<DbInstant>,
    /// visit: ended_at.
    i2: Option<DbInstant>,
    /// plan: expected_minutes.
    n1: Option<i64>,
}

fn unlock_grounds_of(
    rows: Vec<UnlockGroundsRow>,
    first: jiff::civil::Date,
    last: jiff::civil::Date,
) -> StoreResult<Option<UnlockGrounds>> {
    use vaka_domain::alarm::{AlarmState, ChainLink};
    use vaka_domain::client::{ClientSummary, Protection};
    use vaka_domain::homecare::plan::VisitPlan;
    use vaka_domain::ids::{OrganisationId, UnitId, VisitPlanId};
    let corrupt = || StoreError::corrupt("unlock grounds");
    let mut client = None;
    let mut plans: Vec<VisitPlan> = Vec::new();
    let mut visits: Vec<VisitBrief> = Vec::new();
    let mut dispatched = Vec::new();
    for r in rows {
        match r.part.as_str() {
            "client" => {
                let protection = r.t3.ok_or_else(corrupt)?;
                client = Some(ClientSummary {
                    id: ClientId(r.id),
                    identity: r.t1.ok_or_else(corrupt)?,
                    name: r.t2.ok_or_else(corrupt)?,
                    provider_id: r.u1.map(OrganisationId),
                    unit_id: r.u2.map(UnitId),
                    protection: Protection::from_code(&protection)
                        .ok_or_else(|| StoreError::corrupt("clients.protection"))?,
                });
            }
            "plan" => plans.push(VisitPlan::try_from(VisitPlanRow {
                id: r.id,
                client_id: r.u1.ok_or_else(corrupt)?,
                decision_id: r.u3.ok_or_else(corrupt)?,
                unit_id: r.u2.ok_or_else(corrupt)?,
                weekdays: r.t1.ok_or_else(corrupt)?,
                window_from: r.t2.ok_or_else(corrupt)?,
                window_to: r.t3.ok_or_else(corrupt)?,
                tasks: r.t4.ok_or_else(corrupt)?,
                expected_minutes: r.n1.ok_or_else(corrupt)?,
                valid_from: r.d1.ok_or_else(corrupt)?,
                valid_to: r.d2,
                ended_on: r.d3,
                created_by: r.u4.ok_or_else(corrupt)?,
                created_at: r.i1.ok_or_else(corrupt)?,
            })?),
            "visit" => visits.push(VisitBrief {
                id: VisitId(r.id),
                plan_id: r.u1.map(VisitPlanId),
                date: r.d1.ok_or_else(corrupt)?.0,
                started_at: r.i1.ok_or_else(corrupt)?.0,
                ended_at: r.i2.map(|t| t.0),
            }),
            "alarm" => {
                let state = r.t1.ok_or_else(corrupt)?;
                dispatched.push(DispatchedAlarm {
                    id: AlarmId(r.id),
                    state: AlarmState::from_parts(&state, r.u1.map(UserId), r.u2.map(UserId))
                        .ok_or_else(|| StoreError::corrupt("alarms.state"))?,
                    chain_link: match r.t2.as_deref() {
                        None => None,
                        Some(l) => Some(
                            ChainLink::from_code(l)
                                .ok_or_else(|| StoreError::corrupt("alarms.chain_link"))?,
                        ),
                    },
                    dispatched_at: r.i1.ok_or_else(corrupt)?.0,
                });
            }
            _ => return Err(corrupt()),
        }
    }
    let Some(client) = client else {
        return Ok(None);
    };
    dispatched.sort_by_key(|a: &DispatchedAlarm| a.dispatched_at);
    visits.sort_by_key(|v| (v.started_at, v.id.0));
    Ok(Some(UnlockGrounds {
        client,
        windows: visit_windows(&plans, &visits, first, last, &stockholm()),
        dispatched,
    }))
}

/// The zone plans are placed in.
fn stockholm() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Stockholm").unwrap_or(jiff::tz::TimeZone::UTC)
}

struct GrantRow {
    id: Uuid,
    kind: String,
    nonce: Option<String>,
    lock_id: Uuid,
    client_id: Uuid,
    user_id: Uuid,
    ground: String,
    visit_id: Option<Uuid>,
    plan_id: Option<Uuid>,
    alarm_id: Option<Uuid>,
    not_before: DbInstant,
    expires: DbInstant,
    issued_at: DbInstant,
    revoked_at: Option<DbInstant>,
}

impl TryFrom<GrantRow> for LockGrant {
    type Error = StoreError;
    fn try_from(r: GrantRow) -> StoreResult<Self> {
        let kind =
            GrantKind::from_code(&r.kind).ok_or_else(|| StoreError::corrupt("lock_grants.kind"))?;
        let ground =
            LockGrant::ground_from_parts(&r.ground, r.visit_id, r.plan_id, r.alarm_id.map(AlarmId))
                .ok_or_else(|| StoreError::corrupt("lock_grants.ground"))?;
        Ok(LockGrant {
            id: r.id,
            kind,
            nonce: r.nonce,
            lock_id: DeviceId(r.lock_id),
            client_id: ClientId(r.client_id),
            user_id: UserId(r.user_id),
            ground,
            not_before: r.not_before.0,
            expires: r.expires.0,
            issued_at: r.issued_at.0,
            revoked_at: r.revoked_at.map(|t| t.0),
        })
    }
}

struct EventRow {
    id: Uuid,
    lock_id: Uuid,
    client_id: Option<Uuid>,
    kind: String,
    user_id: Option<Uuid>,
    visit_id: Option<Uuid>,
    alarm_id: Option<Uuid>,
    grant_id: Option<Uuid>,
    detail: Option<String>,
    at: DbInstant,
    received_at: DbInstant,
}

impl TryFrom<EventRow> for LockEvent {
    type Error = StoreError;
    fn try_from(r: EventRow) -> StoreResult<Self> {
        Ok(LockEvent {
            id: r.id,
            lock_id: DeviceId(r.lock_id),
            client_id: r.client_id.map(ClientId),
            kind: LockEventKind::from_code(&r.kind)
                .ok_or_else(|| StoreError::corrupt("lock_events.kind"))?,
            user_id: r.user_id.map(UserId),
            visit_id: r.visit_id,
            alarm_id: r.alarm_id.map(AlarmId),
            grant_id: r.grant_id,
            detail: r.detail,
            at: r.at.0,
            received_at: r.received_at.0,
        })
    }
}

impl SqlTx {
    /// Keeps the clients' single key access value (`clients.key_access`, the client's card) in
    /// their key access set: added when missing, nothing removed.
    pub(crate) async fn keep_key_access(
        &mut self,
        clients: &[vaka_domain::client::Client],
    ) -> StoreResult<()> {
        let held: Vec<&vaka_domain::client::Client> = clients
            .iter()
            .filter(|c| c.key_access != KeyAccess::None)
            .collect();
        for chunk in held.chunks(1000) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO client_key_access (client_id, kind, registered_at, registered_by) ",
            );
            q.push_values(chunk, |mut b, c| {
                b.push_bind(c.id.0)
                    .push_bind(c.key_access.code())
                    .push_bind(DbInstant::new(c.updated_at))
                    .push_bind(None::<Uuid>);
            });
            q.push(" ON CONFLICT (client_id, kind) DO NOTHING");
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        Ok(())
    }
}

fn all<R, T: TryFrom<R, Error = StoreError>>(rows: Vec<R>) -> StoreResult<Vec<T>> {
    rows.into_iter().map(T::try_from).collect()
}

#[async_trait::async_trait]
impl LockRead for SqlTx {
    async fn unlock_grounds(
        &mut self,
        lock: DeviceId,
        user: UserId,
        around: jiff::Timestamp,
    ) -> StoreResult<Option<UnlockGrounds>> {
        let today = around.to_zoned(stockholm()).date();
        let first = today.yesterday().unwrap_or(today);
        let last = today.tomorrow().unwrap_or(today);
        // One statement for the four reads: each is a round trip to PostgreSQL, and on SQLite
        // a hand-off to the connection's thread and back, which is most of what a decision
        // costs (docs/PERFORMANCE.md). The NULL columns are cast so that PostgreSQL types the
        // union's columns alike; SQLite keeps NULL as NULL.
        let rows = sqlx::query_as!(
            UnlockGroundsRow,
            r#"WITH lk AS (
                   SELECT c.id, c.identity, c.name, c.provider_id, c.unit_id, c.protection
                   FROM devices d JOIN clients c ON c.id = d.client_id
                   WHERE d.id = $1 AND d.kind = 'lock' AND d.status = 'active')
               SELECT 'client' as "part!", lk.id as "id!: Uuid",
                      lk.identity as "t1?", lk.name as "t2?", lk.protection as "t3?",
                      CAST(NULL AS TEXT) as "t4?",
                      lk.provider_id as "u1?: Uuid", lk.unit_id as "u2?: Uuid",
                      CAST(NULL AS UUID) as "u3?: Uuid", CAST(NULL AS UUID) as "u4?: Uuid",
                      CAST(NULL AS DATE) as "d1?: DbDate", CAST(NULL AS DATE) as "d2?: DbDate",
                      CAST(NULL AS DATE) as "d3?: DbDate",
                      CAST(NULL AS TIMESTAMPTZ) as "i1?: DbInstant",
                      CAST(NULL AS TIMESTAMPTZ) as "i2?: DbInstant",
                      CAST(NULL AS BIGINT) as "n1?: i64"
               FROM lk
               UNION ALL
               SELECT 'plan', p.id, p.weekdays, p.window_from, p.window_to, p.tasks,
                      p.client_id, p.unit_id, p.decision_id, p.created_by,
                      p.valid_from, p.valid_to, p.ended_on, p.created_at, NULL, p.expected_minutes
               FROM visit_plans p JOIN lk ON p.client_id = lk.id
               WHERE p.unit_id IN
                     (SELECT unit_id FROM role_assignments WHERE user_id = $2 AND unit_id IS NOT NULL)
               UNION ALL
               SELECT 'visit', v.id, NULL, NULL, NULL, NULL, v.plan_id, NULL, NULL, NULL,
                      v.visit_date, NULL, NULL, v.started_at, v.ended_at, NULL
               FROM visits v JOIN lk ON v.client_id = lk.id
               WHERE v.worker = $2 AND v.visit_date >= $3 AND v.visit_date <= $4
               UNION ALL
               SELECT 'alarm', a.id, a.state, a.chain_link, NULL, NULL, a.operator_id,
                      a.responder_id, NULL, NULL, NULL, NULL, NULL, a.dispatched_at, NULL, NULL
               FROM alarms a JOIN lk ON a.client_id = lk.id
               WHERE a.state <> 'closed' AND a.dispatched_at IS NOT NULL"#,
            lock.0,
            user.0,
            DbDate(first),
            DbDate(last),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        unlock_grounds_of(rows, first, last)
    }

    async fn list_key_access(&mut self, client: ClientId) -> StoreResult<Vec<KeyAccess>> {
        let rows = sqlx::query!(
            r#"SELECT kind as "kind!" FROM client_key_access WHERE client_id = $1 ORDER BY kind"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        rows.into_iter()
            .map(|r| {
                KeyAccess::from_code(&r.kind)
                    .ok_or_else(|| StoreError::corrupt("client_key_access.kind"))
            })
            .collect()
    }

    async fn list_client_locks(&mut self, client: ClientId) -> StoreResult<Vec<DeviceId>> {
        let rows = sqlx::query!(
            r#"SELECT id as "id!: Uuid" FROM devices
               WHERE client_id = $1 AND kind = 'lock' ORDER BY serial"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows.into_iter().map(|r| DeviceId(r.id)).collect())
    }

    async fn get_lock_grant(&mut self, id: Uuid) -> StoreResult<Option<LockGrant>> {
        sqlx::query_as!(
            GrantRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", nonce as "nonce?", lock_id as "lock_id!: Uuid",
                      client_id as "client_id!: Uuid", user_id as "user_id!: Uuid", ground as "ground!",
                      visit_id as "visit_id?: Uuid", plan_id as "plan_id?: Uuid", alarm_id as "alarm_id?: Uuid",
                      not_before as "not_before!: DbInstant", expires as "expires!: DbInstant",
                      issued_at as "issued_at!: DbInstant", revoked_at as "revoked_at?: DbInstant"
               FROM lock_grants WHERE id = $1"#,
            id,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(LockGrant::try_from)
        .transpose()
    }

    async fn find_lock_grant_by_nonce(&mut self, nonce: &str) -> StoreResult<Option<LockGrant>> {
        sqlx::query_as!(
            GrantRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", nonce as "nonce?", lock_id as "lock_id!: Uuid",
                      client_id as "client_id!: Uuid", user_id as "user_id!: Uuid", ground as "ground!",
                      visit_id as "visit_id?: Uuid", plan_id as "plan_id?: Uuid", alarm_id as "alarm_id?: Uuid",
                      not_before as "not_before!: DbInstant", expires as "expires!: DbInstant",
                      issued_at as "issued_at!: DbInstant", revoked_at as "revoked_at?: DbInstant"
               FROM lock_grants WHERE nonce = $1"#,
            nonce,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(LockGrant::try_from)
        .transpose()
    }

    async fn list_outstanding_lock_grants(
        &mut self,
        user: UserId,
        at: jiff::Timestamp,
    ) -> StoreResult<Vec<LockGrant>> {
        let rows = sqlx::query_as!(
            GrantRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", nonce as "nonce?", lock_id as "lock_id!: Uuid",
                      client_id as "client_id!: Uuid", user_id as "user_id!: Uuid", ground as "ground!",
                      visit_id as "visit_id?: Uuid", plan_id as "plan_id?: Uuid", alarm_id as "alarm_id?: Uuid",
                      not_before as "not_before!: DbInstant", expires as "expires!: DbInstant",
                      issued_at as "issued_at!: DbInstant", revoked_at as "revoked_at?: DbInstant"
               FROM lock_grants WHERE user_id = $1 AND expires > $2 AND revoked_at IS NULL
               ORDER BY not_before, id"#,
            user.0,
            DbInstant::new(at),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        all(rows)
    }

    async fn list_client_lock_grants(
        &mut self,
        client: ClientId,
        since: jiff::Timestamp,
    ) -> StoreResult<Vec<LockGrant>> {
        let rows = sqlx::query_as!(
            GrantRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", nonce as "nonce?", lock_id as "lock_id!: Uuid",
                      client_id as "client_id!: Uuid", user_id as "user_id!: Uuid", ground as "ground!",
                      visit_id as "visit_id?: Uuid", plan_id as "plan_id?: Uuid", alarm_id as "alarm_id?: Uuid",
                      not_before as "not_before!: DbInstant", expires as "expires!: DbInstant",
                      issued_at as "issued_at!: DbInstant", revoked_at as "revoked_at?: DbInstant"
               FROM lock_grants WHERE client_id = $1 AND issued_at >= $2
               ORDER BY issued_at DESC, id DESC"#,
            client.0,
            DbInstant::new(since),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        all(rows)
    }

    async fn list_client_lock_events(
        &mut self,
        client: ClientId,
        limit: i64,
    ) -> StoreResult<Vec<LockEvent>> {
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT id as "id!: Uuid", lock_id as "lock_id!: Uuid", client_id as "client_id?: Uuid",
                      kind as "kind!", user_id as "user_id?: Uuid", visit_id as "visit_id?: Uuid",
                      alarm_id as "alarm_id?: Uuid", grant_id as "grant_id?: Uuid", detail as "detail?",
                      at as "at!: DbInstant", received_at as "received_at!: DbInstant"
               FROM lock_events WHERE client_id = $1 ORDER BY at DESC, id DESC LIMIT $2"#,
            client.0,
            limit,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        all(rows)
    }

    async fn list_client_lock_events_between(
        &mut self,
        client: ClientId,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> StoreResult<Vec<LockEvent>> {
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT id as "id!: Uuid", lock_id as "lock_id!: Uuid", client_id as "client_id?: Uuid",
                      kind as "kind!", user_id as "user_id?: Uuid", visit_id as "visit_id?: Uuid",
                      alarm_id as "alarm_id?: Uuid", grant_id as "grant_id?: Uuid", detail as "detail?",
                      at as "at!: DbInstant", received_at as "received_at!: DbInstant"
               FROM lock_events WHERE client_id = $1 AND at >= $2 AND at < $3
               ORDER BY at, id LIMIT 10000"#,
            client.0,
            DbInstant::new(from),
            DbInstant::new(to),
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        all(rows)
    }

    async fn list_alarm_lock_events(&mut self, alarm: AlarmId) -> StoreResult<Vec<LockEvent>> {
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT id as "id!: Uuid", lock_id as "lock_id!: Uuid", client_id as "client_id?: Uuid",
                      kind as "kind!", user_id as "user_id?: Uuid", visit_id as "visit_id?: Uuid",
                      alarm_id as "alarm_id?: Uuid", grant_id as "grant_id?: Uuid", detail as "detail?",
                      at as "at!: DbInstant", received_at as "received_at!: DbInstant"
               FROM lock_events WHERE alarm_id = $1 ORDER BY at, id"#,
            alarm.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        all(rows)
    }

    async fn list_visit_lock_events(
        &mut self,
        client: ClientId,
        visit: VisitId,
    ) -> StoreResult<Vec<LockEvent>> {
        // By the client's index: a visit has a handful of events.
        let rows = sqlx::query_as!(
            EventRow,
            r#"SELECT id as "id!: Uuid", lock_id as "lock_id!: Uuid", client_id as "client_id?: Uuid",
                      kind as "kind!", user_id as "user_id?: Uuid", visit_id as "visit_id?: Uuid",
                      alarm_id as "alarm_id?: Uuid", grant_id as "grant_id?: Uuid", detail as "detail?",
                      at as "at!: DbInstant", received_at as "received_at!: DbInstant"
               FROM lock_events WHERE client_id = $1 AND visit_id = $2 ORDER BY at, id"#,
            client.0,
            visit.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        all(rows)
    }
}

#[async_trait::async_trait]
impl LockWrite for SqlTx {
    async fn set_key_access(
        &mut self,
        client: ClientId,
        kinds: &[KeyAccess],
        at: jiff::Timestamp,
        by: Option<UserId>,
    ) -> StoreResult<()> {
        sqlx::query!(
            "DELETE FROM client_key_access WHERE client_id = $1",
            client.0
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for k in vaka_domain::keys::key_access_set(kinds) {
            sqlx::query!(
                "INSERT INTO client_key_access (client_id, kind, registered_at, registered_by)
                 VALUES ($1, $2, $3, $4)",
                client.0,
                k.code(),
                DbInstant::new(at),
                by.map(|u| u.0),
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn insert_lock_grants(&mut self, gs: &[LockGrant]) -> StoreResult<()> {
        // One multi-row insert per chunk, like the audit batch (the column list matches
        // migrations/*/0015; both backends run it in every unlock test).
        for chunk in gs.chunks(500) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO lock_grants (id, kind, nonce, lock_id, client_id, user_id, ground, \
                 visit_id, plan_id, alarm_id, not_before, expires, issued_at, revoked_at) ",
            );
            q.push_values(chunk, |mut b, g| {
                b.push_bind(g.id)
                    .push_bind(g.kind.code())
                    .push_bind(g.nonce.clone())
                    .push_bind(g.lock_id.0)
                    .push_bind(g.client_id.0)
                    .push_bind(g.user_id.0)
                    .push_bind(g.ground.reason_code())
                    .push_bind(g.visit_id())
                    .push_bind(g.plan_id())
                    .push_bind(g.alarm_id().map(|a| a.0))
                    .push_bind(DbInstant::new(g.not_before))
                    .push_bind(DbInstant::new(g.expires))
                    .push_bind(DbInstant::new(g.issued_at))
                    .push_bind(g.revoked_at.map(DbInstant::new));
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn revoke_lock_grants(
        &mut self,
        user: UserId,
        at: jiff::Timestamp,
    ) -> StoreResult<Vec<LockGrant>> {
        let outstanding = self.list_outstanding_lock_grants(user, at).await?;
        sqlx::query!(
            "UPDATE lock_grants SET revoked_at = $2
             WHERE user_id = $1 AND expires > $2 AND revoked_at IS NULL",
            user.0,
            DbInstant::new(at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(outstanding
            .into_iter()
            .map(|g| LockGrant {
                revoked_at: Some(at),
                ..g
            })
            .collect())
    }

    async fn insert_lock_event(&mut self, e: &LockEvent) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO lock_events (id, lock_id, client_id, kind, user_id, visit_id, alarm_id,
                 grant_id, detail, at, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            e.id,
            e.lock_id.0,
            e.client_id.map(|c| c.0),
            e.kind.code(),
            e.user_id.map(|u| u.0),
            e.visit_id,
            e.alarm_id.map(|a| a.0),
            e.grant_id,
            e.detail,
            DbInstant::new(e.at),
            DbInstant::new(e.received_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }
}
