// The operating routines: planned-downtime notices, their acknowledgements, outage reports.
// Included by the backend crates; see README.md.

use std::collections::BTreeMap;

use vaka_domain::ids::{DowntimeNoticeId, OrganisationId, OutageReportId};
use vaka_domain::operations::contacts::ContactKind;
use vaka_domain::operations::outage::{OutageRoute, OutageStatus};
use vaka_store::operations::{
    ContactRecord, DowntimeAckRecord, DowntimeNoticeRecord, OutageReportRecord,
};
use vaka_store::{OperationsRead, OperationsWrite};

struct NoticeRow {
    id: Uuid,
    title: String,
    details: String,
    starts_at: DbInstant,
    ends_at: DbInstant,
    published_by: Uuid,
    published_at: DbInstant,
    cancelled_by: Option<Uuid>,
    cancelled_at: Option<DbInstant>,
}

impl NoticeRow {
    fn record(self, organisations: Vec<OrganisationId>) -> DowntimeNoticeRecord {
        DowntimeNoticeRecord {
            id: DowntimeNoticeId(self.id),
            title: self.title,
            details: self.details,
            starts_at: self.starts_at.0,
            ends_at: self.ends_at.0,
            published_by: UserId(self.published_by),
            published_at: self.published_at.0,
            cancelled_by: self.cancelled_by.map(UserId),
            cancelled_at: self.cancelled_at.map(|t| t.0),
            organisations,
        }
    }
}

struct OutageRow {
    id: Uuid,
    what: String,
    reported_by: Uuid,
    reporter_name: String,
    organisation_id: Uuid,
    reported_at: DbInstant,
    route: String,
    status: String,
    resolved_by: Option<Uuid>,
    resolved_at: Option<DbInstant>,
    resolution: Option<String>,
}

impl OutageRow {
    fn record(self) -> StoreResult<OutageReportRecord> {
        let id = self.id;
        Ok(OutageReportRecord {
            id: OutageReportId(self.id),
            what: self.what,
            reported_by: UserId(self.reported_by),
            reporter_name: self.reporter_name,
            organisation_id: OrganisationId(self.organisation_id),
            reported_at: self.reported_at.0,
            route: OutageRoute::from_code(&self.route)
                .ok_or_else(|| StoreError::corrupt(format!("outage_reports.route of {id}")))?,
            status: OutageStatus::from_code(&self.status)
                .ok_or_else(|| StoreError::corrupt(format!("outage_reports.status of {id}")))?,
            resolved_by: self.resolved_by.map(UserId),
            resolved_at: self.resolved_at.map(|t| t.0),
            resolution: self.resolution,
        })
    }
}

#[async_trait::async_trait]
impl OperationsRead for SqlTx {
    async fn list_contacts(&mut self) -> StoreResult<Vec<ContactRecord>> {
        let rows = sqlx::query!(
            r#"SELECT organisation_id as "organisation_id!: Uuid", kind as "kind!",
                      name as "name!", phone as "phone!", email as "email!",
                      confirmed_by as "confirmed_by!: Uuid",
                      confirmed_at as "confirmed_at!: DbInstant"
               FROM provider_contacts ORDER BY organisation_id, kind"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        rows.into_iter()
            .map(|r| {
                Ok(ContactRecord {
                    organisation_id: OrganisationId(r.organisation_id),
                    kind: ContactKind::from_code(&r.kind).ok_or_else(|| {
                        StoreError::corrupt(format!(
                            "provider_contacts.kind of {}",
                            r.organisation_id
                        ))
                    })?,
                    name: r.name,
                    phone: r.phone,
                    email: r.email,
                    confirmed_by: UserId(r.confirmed_by),
                    confirmed_at: r.confirmed_at.0,
                })
            })
            .collect()
    }

    async fn list_downtime_notices(
        &mut self,
        since: DbInstant,
    ) -> StoreResult<Vec<DowntimeNoticeRecord>> {
        let rows = sqlx::query_as!(
            NoticeRow,
            r#"SELECT id as "id!: Uuid", title as "title!", details as "details!",
                      starts_at as "starts_at!: DbInstant", ends_at as "ends_at!: DbInstant",
                      published_by as "published_by!: Uuid",
                      published_at as "published_at!: DbInstant",
                      cancelled_by as "cancelled_by?: Uuid",
                      cancelled_at as "cancelled_at?: DbInstant"
               FROM downtime_notices WHERE ends_at >= $1
               ORDER BY starts_at, published_at"#,
            since,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let links = sqlx::query!(
            r#"SELECT o.notice_id as "notice_id!: Uuid", o.organisation_id as "organisation_id!: Uuid"
               FROM downtime_notice_organisations o
               JOIN downtime_notices n ON n.id = o.notice_id
               WHERE n.ends_at >= $1"#,
            since,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        let mut orgs: BTreeMap<Uuid, Vec<OrganisationId>> = BTreeMap::new();
        for l in links {
            orgs.entry(l.notice_id)
                .or_default()
                .push(OrganisationId(l.organisation_id));
        }
        Ok(rows
            .into_iter()
            .map(|r| {
                let o = orgs.remove(&r.id).unwrap_or_default();
                r.record(o)
            })
            .collect())
    }

    async fn get_downtime_notice(
        &mut self,
        id: DowntimeNoticeId,
    ) -> StoreResult<Option<DowntimeNoticeRecord>> {
        let Some(row) = sqlx::query_as!(
            NoticeRow,
            r#"SELECT id as "id!: Uuid", title as "title!", details as "details!",
                      starts_at as "starts_at!: DbInstant", ends_at as "ends_at!: DbInstant",
                      published_by as "published_by!: Uuid",
                      published_at as "published_at!: DbInstant",
                      cancelled_by as "cancelled_by?: Uuid",
                      cancelled_at as "cancelled_at?: DbInstant"
               FROM downtime_notices WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        else {
            return Ok(None);
        };
        let orgs = sqlx::query_scalar!(
            r#"SELECT organisation_id as "organisation_id!: Uuid"
               FROM downtime_notice_organisations WHERE notice_id = $1"#,
            id.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(Some(
            row.record(orgs.into_iter().map(OrganisationId).collect()),
        ))
    }

    async fn list_downtime_acks(
        &mut self,
        since: DbInstant,
    ) -> StoreResult<Vec<DowntimeAckRecord>> {
        let rows = sqlx::query!(
            r#"SELECT a.notice_id as "notice_id!: Uuid", a.organisation_id as "organisation_id!: Uuid",
                      a.user_id as "user_id!: Uuid", u.display_name as "user_name!",
                      a.acknowledged_at as "acknowledged_at!: DbInstant"
               FROM downtime_acknowledgements a
               JOIN downtime_notices n ON n.id = a.notice_id
               JOIN users u ON u.id = a.user_id
               WHERE n.ends_at >= $1
               ORDER BY a.acknowledged_at"#,
            since,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows
            .into_iter()
            .map(|r| DowntimeAckRecord {
                notice_id: DowntimeNoticeId(r.notice_id),
                organisation_id: OrganisationId(r.organisation_id),
                user_id: UserId(r.user_id),
                user_name: r.user_name,
                acknowledged_at: r.acknowledged_at.0,
            })
            .collect())
    }

    async fn list_outage_reports(
        &mut self,
        since: DbInstant,
    ) -> StoreResult<Vec<OutageReportRecord>> {
        sqlx::query_as!(
            OutageRow,
            r#"SELECT r.id as "id!: Uuid", r.what as "what!", r.reported_by as "reported_by!: Uuid",
                      u.display_name as "reporter_name!",
                      r.organisation_id as "organisation_id!: Uuid",
                      r.reported_at as "reported_at!: DbInstant", r.route as "route!",
                      r.status as "status!", r.resolved_by as "resolved_by?: Uuid",
                      r.resolved_at as "resolved_at?: DbInstant", r.resolution as "resolution?"
               FROM outage_reports r JOIN users u ON u.id = r.reported_by
               WHERE r.status = 'open' OR r.resolved_at >= $1
               ORDER BY r.reported_at DESC"#,
            since,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(OutageRow::record)
        .collect()
    }

    async fn get_outage_report(
        &mut self,
        id: OutageReportId,
    ) -> StoreResult<Option<OutageReportRecord>> {
        sqlx::query_as!(
            OutageRow,
            r#"SELECT r.id as "id!: Uuid", r.what as "what!", r.reported_by as "reported_by!: Uuid",
                      u.display_name as "reporter_name!",
                      r.organisation_id as "organisation_id!: Uuid",
                      r.reported_at as "reported_at!: DbInstant", r.route as "route!",
                      r.status as "status!", r.resolved_by as "resolved_by?: Uuid",
                      r.resolved_at as "resolved_at?: DbInstant", r.resolution as "resolution?"
               FROM outage_reports r JOIN users u ON u.id = r.reported_by
               WHERE r.id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(OutageRow::record)
        .transpose()
    }
}

#[async_trait::async_trait]
impl OperationsWrite for SqlTx {
    async fn insert_downtime_notice(&mut self, n: &DowntimeNoticeRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO downtime_notices (id, title, details, starts_at, ends_at, published_by,
                                           published_at, cancelled_by, cancelled_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            n.id.0,
            n.title,
            n.details,
            DbInstant::new(n.starts_at),
            DbInstant::new(n.ends_at),
            n.published_by.0,
            DbInstant::new(n.published_at),
            n.cancelled_by.map(|u| u.0),
            n.cancelled_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for o in &n.organisations {
            sqlx::query!(
                "INSERT INTO downtime_notice_organisations (notice_id, organisation_id)
                 VALUES ($1, $2) ON CONFLICT DO NOTHING",
                n.id.0,
                o.0,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn cancel_downtime_notice(
        &mut self,
        id: DowntimeNoticeId,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()> {
        sqlx::query!(
            "UPDATE downtime_notices SET cancelled_by = $2, cancelled_at = $3
             WHERE id = $1 AND cancelled_at IS NULL",
            id.0,
            by.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_downtime_ack(
        &mut self,
        notice: DowntimeNoticeId,
        organisation: OrganisationId,
        user: UserId,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "INSERT INTO downtime_acknowledgements (notice_id, organisation_id, user_id, acknowledged_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (notice_id, organisation_id) DO NOTHING",
            notice.0,
            organisation.0,
            user.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn insert_outage_report(&mut self, r: &OutageReportRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO outage_reports (id, what, reported_by, organisation_id, reported_at, route,
                                         status, resolved_by, resolved_at, resolution)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            r.id.0,
            r.what,
            r.reported_by.0,
            r.organisation_id.0,
            DbInstant::new(r.reported_at),
            r.route.code(),
            r.status.code(),
            r.resolved_by.map(|u| u.0),
            r.resolved_at.map(DbInstant::new),
            r.resolution,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn resolve_outage_report(
        &mut self,
        id: OutageReportId,
        by: UserId,
        at: DbInstant,
        resolution: &str,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE outage_reports SET status = 'resolved', resolved_by = $2, resolved_at = $3,
                                       resolution = $4
             WHERE id = $1 AND status = 'open'",
            id.0,
            by.0,
            at,
            resolution,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn upsert_contact(&mut self, c: &ContactRecord) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO provider_contacts (organisation_id, kind, name, phone, email,
                                            confirmed_by, confirmed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (organisation_id, kind) DO UPDATE SET
                 name = excluded.name, phone = excluded.phone, email = excluded.email,
                 confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at",
            c.organisation_id.0,
            c.kind.code(),
            c.name,
            c.phone,
            c.email,
            c.confirmed_by.0,
            DbInstant::new(c.confirmed_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn confirm_contact(
        &mut self,
        organisation: OrganisationId,
        kind: ContactKind,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let done = sqlx::query!(
            "UPDATE provider_contacts SET confirmed_by = $3, confirmed_at = $4
             WHERE organisation_id = $1 AND kind = $2",
            organisation.0,
            kind.code(),
            by.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }
}
