// The registry: clients' records, decisions, orders, consent, plans, pauses, devices.
// Included by the backend crates; see README.md.

use vaka_domain::client::Client;
use vaka_domain::consent::Consent;
use vaka_domain::decision::{Decision, Order};
use vaka_domain::device::{Dc09KeyStyle, Device, DeviceEvent};
use vaka_domain::ids::{ClientId, DecisionId, DeviceId, OrderId, PauseId};
use vaka_domain::plan::{Pause, SupervisionPlan};
use vaka_store::{
    ClientFullRow, ConsentRow, ContactRow, DbDate, DecisionRow, DeviceEventRow, DeviceFilter,
    DeviceRow, OrderFilter, OrderRow, PauseRow, PlanRow, RegistryRead, RegistryWrite, search_key,
    times_to_text,
};

impl SqlTx {
    /// A device from its row, its DC-09 key opened.
    fn device(&self, mut r: DeviceRow) -> StoreResult<Device> {
        r.dc09_key =
            self.secrets
                .open_opt(vaka_store::sealed::SecretColumn::Dc09Key, r.id, r.dc09_key)?;
        r.scaip_password = self.secrets.open_opt(
            vaka_store::sealed::SecretColumn::ScaipPassword,
            r.id,
            r.scaip_password,
        )?;
        Device::try_from(r)
    }

    /// A device's DC-09 key, sealed for its row.
    fn sealed_dc09_key(&self, d: &Device) -> StoreResult<Option<String>> {
        d.dc09_key
            .as_ref()
            .map(|k| {
                self.secrets.seal(
                    vaka_store::sealed::SecretColumn::Dc09Key,
                    d.id.0,
                    &k.to_text(),
                )
            })
            .transpose()
    }

    /// A device's SCAIP digest password, sealed for its row.
    fn sealed_scaip_password(&self, d: &Device) -> StoreResult<Option<String>> {
        d.scaip_password
            .as_ref()
            .map(|p| {
                self.secrets.seal(
                    vaka_store::sealed::SecretColumn::ScaipPassword,
                    d.id.0,
                    p.expose(),
                )
            })
            .transpose()
    }

    async fn insert_contacts(&mut self, c: &Client) -> StoreResult<()> {
        for k in &c.contacts {
            sqlx::query!(
                "INSERT INTO client_contacts (client_id, priority, name, relation, phone, note)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                c.id.0,
                i64::from(k.priority),
                k.name,
                k.relation,
                k.phone,
                k.note,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl RegistryRead for SqlTx {
    async fn get_client(&mut self, id: ClientId) -> StoreResult<Option<Client>> {
        let Some(row) = sqlx::query_as!(
            ClientFullRow,
            r#"SELECT id as "id!: Uuid", identity_kind as "identity_kind!", identity as "identity!",
                      name as "name!", address_street as "address_street?", address_postcode as "address_postcode?",
                      address_city as "address_city?", phone as "phone?", provider_id as "provider_id?: Uuid",
                      unit_id as "unit_id?: Uuid", protection as "protection!", area_type as "area_type!",
                      key_access as "key_access!", key_note as "key_note?",
                      created_at as "created_at!: DbInstant", updated_at as "updated_at!: DbInstant"
               FROM clients WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        else {
            return Ok(None);
        };
        let contacts = sqlx::query_as!(
            ContactRow,
            r#"SELECT priority as "priority!: i64", name as "name!", relation as "relation!",
                      phone as "phone!", note as "note?"
               FROM client_contacts WHERE client_id = $1 ORDER BY priority"#,
            id.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        row.into_client(contacts).map(Some)
    }

    async fn find_client_by_identity(&mut self, identity: &str) -> StoreResult<Option<ClientId>> {
        let row = sqlx::query!(
            r#"SELECT id as "id!: Uuid" FROM clients WHERE identity = $1"#,
            identity,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(row.map(|r| ClientId(r.id)))
    }

    async fn existing_identities(&mut self, identities: &[String]) -> StoreResult<Vec<String>> {
        let mut found = Vec::new();
        for chunk in identities.chunks(500) {
            let mut q =
                sqlx::QueryBuilder::<Db>::new("SELECT identity FROM clients WHERE identity IN (");
            let mut list = q.separated(", ");
            for i in chunk {
                list.push_bind(i.clone());
            }
            q.push(")");
            let rows: Vec<(String,)> = q
                .build_query_as()
                .fetch_all(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            found.extend(rows.into_iter().map(|r| r.0));
        }
        Ok(found)
    }

    async fn list_access_group(&mut self, client: ClientId) -> StoreResult<Vec<UserId>> {
        let rows = sqlx::query!(
            r#"SELECT user_id as "user_id!: Uuid" FROM client_access_group WHERE client_id = $1"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows.into_iter().map(|r| UserId(r.user_id)).collect())
    }

    async fn get_decision(&mut self, id: DecisionId) -> StoreResult<Option<Decision>> {
        sqlx::query_as!(
            DecisionRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", law as "law!",
                      simplified as "simplified!: bool", service as "service!",
                      supervision_mode as "supervision_mode?", times as "times!",
                      decided_on as "decided_on!: DbDate", valid_from as "valid_from!: DbDate",
                      valid_to as "valid_to?: DbDate", decided_by as "decided_by!: Uuid",
                      ended_on as "ended_on?: DbDate", created_at as "created_at!: DbInstant"
               FROM decisions WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_decisions(&mut self, client: ClientId) -> StoreResult<Vec<Decision>> {
        sqlx::query_as!(
            DecisionRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", law as "law!",
                      simplified as "simplified!: bool", service as "service!",
                      supervision_mode as "supervision_mode?", times as "times!",
                      decided_on as "decided_on!: DbDate", valid_from as "valid_from!: DbDate",
                      valid_to as "valid_to?: DbDate", decided_by as "decided_by!: Uuid",
                      ended_on as "ended_on?: DbDate", created_at as "created_at!: DbInstant"
               FROM decisions WHERE client_id = $1 ORDER BY valid_from DESC, created_at DESC"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_all_decisions(&mut self) -> StoreResult<Vec<Decision>> {
        sqlx::query_as!(
            DecisionRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", law as "law!",
                      simplified as "simplified!: bool", service as "service!",
                      supervision_mode as "supervision_mode?", times as "times!",
                      decided_on as "decided_on!: DbDate", valid_from as "valid_from!: DbDate",
                      valid_to as "valid_to?: DbDate", decided_by as "decided_by!: Uuid",
                      ended_on as "ended_on?: DbDate", created_at as "created_at!: DbInstant"
               FROM decisions ORDER BY decided_on, id"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_order(&mut self, id: OrderId) -> StoreResult<Option<Order>> {
        sqlx::query_as!(
            OrderRow,
            r#"SELECT id as "id!: Uuid", decision_id as "decision_id!: Uuid", client_id as "client_id!: Uuid",
                      provider_id as "provider_id!: Uuid", status as "status!",
                      ordered_at as "ordered_at!: DbInstant", accepted_at as "accepted_at?: DbInstant",
                      accepted_by as "accepted_by?: Uuid", activated_at as "activated_at?: DbInstant"
               FROM orders WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_orders(&mut self, f: &OrderFilter) -> StoreResult<Vec<Order>> {
        sqlx::query_as!(
            OrderRow,
            r#"SELECT id as "id!: Uuid", decision_id as "decision_id!: Uuid", client_id as "client_id!: Uuid",
                      provider_id as "provider_id!: Uuid", status as "status!",
                      ordered_at as "ordered_at!: DbInstant", accepted_at as "accepted_at?: DbInstant",
                      accepted_by as "accepted_by?: Uuid", activated_at as "activated_at?: DbInstant"
               FROM orders
               WHERE (provider_id = $1 OR $1 IS NULL)
                 AND (client_id = $2 OR $2 IS NULL)
                 AND (status = $3 OR $3 IS NULL)
               ORDER BY ordered_at DESC
               LIMIT 1000"#,
            f.provider.map(|p| p.0),
            f.client.map(|c| c.0),
            f.status.map(vaka_domain::decision::OrderStatus::code),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_consents(&mut self, client: ClientId) -> StoreResult<Vec<Consent>> {
        sqlx::query_as!(
            ConsentRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", service as "service!",
                      informed_by as "informed_by!", informed_on as "informed_on!: DbDate",
                      informed_how as "informed_how!", given_by as "given_by!",
                      representative_name as "representative_name?", given_on as "given_on!: DbDate",
                      reconfirm_by as "reconfirm_by!: DbDate", withdrawn_on as "withdrawn_on?: DbDate",
                      withdrawal_note as "withdrawal_note?", recorded_by as "recorded_by!: Uuid",
                      recorded_at as "recorded_at!: DbInstant"
               FROM consents WHERE client_id = $1 ORDER BY given_on DESC, recorded_at DESC"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_consents_due(&mut self, until: jiff::civil::Date) -> StoreResult<Vec<Consent>> {
        sqlx::query_as!(
            ConsentRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", service as "service!",
                      informed_by as "informed_by!", informed_on as "informed_on!: DbDate",
                      informed_how as "informed_how!", given_by as "given_by!",
                      representative_name as "representative_name?", given_on as "given_on!: DbDate",
                      reconfirm_by as "reconfirm_by!: DbDate", withdrawn_on as "withdrawn_on?: DbDate",
                      withdrawal_note as "withdrawal_note?", recorded_by as "recorded_by!: Uuid",
                      recorded_at as "recorded_at!: DbInstant"
               FROM consents WHERE withdrawn_on IS NULL AND reconfirm_by <= $1
               ORDER BY reconfirm_by, client_id"#,
            DbDate(until),
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_plan(&mut self, client: ClientId) -> StoreResult<Option<SupervisionPlan>> {
        sqlx::query_as!(
            PlanRow,
            r#"SELECT client_id as "client_id!: Uuid", mode as "mode!", times as "times!",
                      recheck_delay_minutes as "recheck_delay_minutes?: i64", escalation as "escalation?",
                      response_target_minutes as "response_target_minutes?: i64",
                      updated_by as "updated_by!: Uuid", updated_at as "updated_at!: DbInstant"
               FROM supervision_plans WHERE client_id = $1"#,
            client.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_pauses(&mut self, client: ClientId) -> StoreResult<Vec<Pause>> {
        sqlx::query_as!(
            PauseRow,
            r#"SELECT id as "id!: Uuid", client_id as "client_id!: Uuid", first_night as "first_night!: DbDate",
                      last_night as "last_night!: DbDate", reason as "reason!", requested as "requested!",
                      note as "note?", recorded_by as "recorded_by!: Uuid", recorded_at as "recorded_at!: DbInstant",
                      cancelled_at as "cancelled_at?: DbInstant"
               FROM pauses WHERE client_id = $1 ORDER BY first_night DESC"#,
            client.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn existing_device_serials(
        &mut self,
        serials: &[String],
    ) -> StoreResult<Vec<(String, String)>> {
        let mut found = Vec::new();
        for chunk in serials.chunks(500) {
            let mut q =
                sqlx::QueryBuilder::<Db>::new("SELECT kind, serial FROM devices WHERE serial IN (");
            let mut list = q.separated(", ");
            for s in chunk {
                list.push_bind(s.clone());
            }
            q.push(")");
            let rows: Vec<(String, String)> = q
                .build_query_as()
                .fetch_all(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            found.extend(rows);
        }
        Ok(found)
    }

    async fn existing_dc09_accounts(&mut self, accounts: &[String]) -> StoreResult<Vec<String>> {
        let mut found = Vec::new();
        for chunk in accounts.chunks(500) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "SELECT dc09_account FROM devices WHERE dc09_account IN (",
            );
            let mut list = q.separated(", ");
            for a in chunk {
                list.push_bind(a.clone());
            }
            q.push(")");
            let rows: Vec<(String,)> = q
                .build_query_as()
                .fetch_all(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            found.extend(rows.into_iter().map(|r| r.0));
        }
        Ok(found)
    }

    async fn get_device(&mut self, id: DeviceId) -> StoreResult<Option<Device>> {
        sqlx::query_as!(
            DeviceRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", serial as "serial!", model as "model!",
                      firmware as "firmware?", status as "status!", client_id as "client_id?: Uuid",
                      credential_issued_at as "credential_issued_at?: DbInstant",
                      credential_revoked_at as "credential_revoked_at?: DbInstant",
                      dc09_account as "dc09_account?", dc09_key as "dc09_key?", dc09_key_style as "dc09_key_style?",
                      scaip_cid as "scaip_cid?", scaip_password as "scaip_password?",
                      last_seen_at as "last_seen_at?: DbInstant", state as "state?",
                      created_at as "created_at!: DbInstant"
               FROM devices WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(|r| self.device(r))
        .transpose()
    }

    async fn get_device_by_credential(&mut self, hash: &[u8]) -> StoreResult<Option<Device>> {
        sqlx::query_as!(
            DeviceRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", serial as "serial!", model as "model!",
                      firmware as "firmware?", status as "status!", client_id as "client_id?: Uuid",
                      credential_issued_at as "credential_issued_at?: DbInstant",
                      credential_revoked_at as "credential_revoked_at?: DbInstant",
                      dc09_account as "dc09_account?", dc09_key as "dc09_key?", dc09_key_style as "dc09_key_style?",
                      scaip_cid as "scaip_cid?", scaip_password as "scaip_password?",
                      last_seen_at as "last_seen_at?: DbInstant", state as "state?",
                      created_at as "created_at!: DbInstant"
               FROM devices WHERE credential_hash = $1 AND credential_revoked_at IS NULL"#,
            hash,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(|r| self.device(r))
        .transpose()
    }

    async fn list_devices(&mut self, f: &DeviceFilter) -> StoreResult<Vec<Device>> {
        // Serials keep their case: a plain prefix range.
        let (lower, upper) = f
            .serial
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or((None, None), |s| {
                (Some(s.to_owned()), Some(format!("{s}{}", char::MAX)))
            });
        sqlx::query_as!(
            DeviceRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", serial as "serial!", model as "model!",
                      firmware as "firmware?", status as "status!", client_id as "client_id?: Uuid",
                      credential_issued_at as "credential_issued_at?: DbInstant",
                      credential_revoked_at as "credential_revoked_at?: DbInstant",
                      dc09_account as "dc09_account?", dc09_key as "dc09_key?", dc09_key_style as "dc09_key_style?",
                      scaip_cid as "scaip_cid?", scaip_password as "scaip_password?",
                      last_seen_at as "last_seen_at?: DbInstant", state as "state?",
                      created_at as "created_at!: DbInstant"
               FROM devices
               WHERE (kind = $1 OR $1 IS NULL)
                 AND (status = $2 OR $2 IS NULL)
                 AND (client_id = $3 OR $3 IS NULL)
                 AND ((serial >= $4 AND serial < $5) OR $4 IS NULL)
               ORDER BY kind, serial
               LIMIT $6 OFFSET $7"#,
            f.kind.map(vaka_domain::device::DeviceKind::code),
            f.status.map(vaka_domain::device::DeviceStatus::code),
            f.client.map(|c| c.0),
            lower,
            upper,
            f.limit,
            f.offset,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(|r| self.device(r))
        .collect()
    }

    async fn count_devices(&mut self, f: &DeviceFilter) -> StoreResult<i64> {
        let (lower, upper) = f
            .serial
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map_or((None, None), |s| {
                (Some(s.to_owned()), Some(format!("{s}{}", char::MAX)))
            });
        sqlx::query_scalar!(
            r#"SELECT COUNT(*) as "n!: i64"
               FROM devices
               WHERE (kind = $1 OR $1 IS NULL)
                 AND (status = $2 OR $2 IS NULL)
                 AND (client_id = $3 OR $3 IS NULL)
                 AND ((serial >= $4 AND serial < $5) OR $4 IS NULL)"#,
            f.kind.map(vaka_domain::device::DeviceKind::code),
            f.status.map(vaka_domain::device::DeviceStatus::code),
            f.client.map(|c| c.0),
            lower,
            upper,
        )
        .fetch_one(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)
    }

    async fn list_device_events(&mut self, device: DeviceId) -> StoreResult<Vec<DeviceEvent>> {
        sqlx::query_as!(
            DeviceEventRow,
            r#"SELECT id as "id!: Uuid", device_id as "device_id!: Uuid", step as "step!",
                      from_status as "from_status!", to_status as "to_status!", client_id as "client_id?: Uuid",
                      at as "at!: DbInstant", by_user as "by_user?: Uuid", note as "note?"
               FROM device_events WHERE device_id = $1 ORDER BY at, id"#,
            device.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }
}

#[async_trait::async_trait]
impl RegistryWrite for SqlTx {
    async fn insert_client(&mut self, c: &Client) -> StoreResult<()> {
        let a = c.address.as_ref();
        sqlx::query!(
            "INSERT INTO clients (id, identity_kind, identity, name, name_key, address_street,
                 address_postcode, address_city, phone, provider_id, unit_id, protection, area_type,
                 key_access, key_note, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            c.id.0,
            c.identity.kind().code(),
            c.identity.as_str(),
            c.name,
            search_key(&c.name),
            a.map(|a| a.street.as_str()),
            a.map(|a| a.postcode.as_str()),
            a.map(|a| a.city.as_str()),
            c.phone,
            c.provider_id.map(|p| p.0),
            c.unit_id.map(|u| u.0),
            c.protection.code(),
            c.area_type.code(),
            c.key_access.code(),
            c.key_note,
            DbInstant::new(c.created_at),
            DbInstant::new(c.updated_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        self.keep_key_access(std::slice::from_ref(c)).await?;
        self.insert_contacts(c).await
    }

    async fn insert_clients(&mut self, clients: &[Client]) -> StoreResult<()> {
        // Multi-row inserts (17 values a row, well under both engines' parameter limits).
        for chunk in clients.chunks(500) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO clients (id, identity_kind, identity, name, name_key, address_street, \
                 address_postcode, address_city, phone, provider_id, unit_id, protection, area_type, \
                 key_access, key_note, created_at, updated_at) ",
            );
            q.push_values(chunk, |mut b, c| {
                let a = c.address.as_ref();
                b.push_bind(c.id.0)
                    .push_bind(c.identity.kind().code())
                    .push_bind(c.identity.as_str().to_owned())
                    .push_bind(c.name.clone())
                    .push_bind(search_key(&c.name))
                    .push_bind(a.map(|a| a.street.clone()))
                    .push_bind(a.map(|a| a.postcode.clone()))
                    .push_bind(a.map(|a| a.city.clone()))
                    .push_bind(c.phone.clone())
                    .push_bind(c.provider_id.map(|p| p.0))
                    .push_bind(c.unit_id.map(|u| u.0))
                    .push_bind(c.protection.code())
                    .push_bind(c.area_type.code())
                    .push_bind(c.key_access.code())
                    .push_bind(c.key_note.clone())
                    .push_bind(DbInstant::new(c.created_at))
                    .push_bind(DbInstant::new(c.updated_at));
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        self.keep_key_access(clients).await?;
        // Contacts in multi-row inserts too: one statement per contact would dominate a large
        // import (a round trip each).
        let contacts: Vec<(&Client, &vaka_domain::client::Contact)> = clients
            .iter()
            .flat_map(|c| c.contacts.iter().map(move |k| (c, k)))
            .collect();
        for chunk in contacts.chunks(1000) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO client_contacts (client_id, priority, name, relation, phone, note) ",
            );
            q.push_values(chunk, |mut b, (c, k)| {
                b.push_bind(c.id.0)
                    .push_bind(i64::from(k.priority))
                    .push_bind(k.name.clone())
                    .push_bind(k.relation.clone())
                    .push_bind(k.phone.clone())
                    .push_bind(k.note.clone());
            });
            q.build()
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn update_client(&mut self, c: &Client) -> StoreResult<()> {
        let a = c.address.as_ref();
        let done = sqlx::query!(
            "UPDATE clients SET identity_kind = $2, identity = $3, name = $4, name_key = $5,
                 address_street = $6, address_postcode = $7, address_city = $8, phone = $9,
                 provider_id = $10, unit_id = $11, protection = $12, area_type = $13,
                 key_access = $14, key_note = $15, updated_at = $16
             WHERE id = $1",
            c.id.0,
            c.identity.kind().code(),
            c.identity.as_str(),
            c.name,
            search_key(&c.name),
            a.map(|a| a.street.as_str()),
            a.map(|a| a.postcode.as_str()),
            a.map(|a| a.city.as_str()),
            c.phone,
            c.provider_id.map(|p| p.0),
            c.unit_id.map(|u| u.0),
            c.protection.code(),
            c.area_type.code(),
            c.key_access.code(),
            c.key_note,
            DbInstant::new(c.updated_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query!("DELETE FROM client_contacts WHERE client_id = $1", c.id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        self.keep_key_access(std::slice::from_ref(c)).await?;
        self.insert_contacts(c).await
    }

    async fn lock_client(&mut self, id: ClientId) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE clients SET updated_at = updated_at WHERE id = $1",
            id.0
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn add_to_access_group(
        &mut self,
        client: ClientId,
        user: UserId,
        by: UserId,
        at: DbInstant,
    ) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO client_access_group (client_id, user_id, granted_by, granted_at)
             VALUES ($1, $2, $3, $4)",
            client.0,
            user.0,
            by.0,
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn remove_from_access_group(
        &mut self,
        client: ClientId,
        user: UserId,
    ) -> StoreResult<()> {
        let done = sqlx::query!(
            "DELETE FROM client_access_group WHERE client_id = $1 AND user_id = $2",
            client.0,
            user.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_decision(&mut self, d: &Decision) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO decisions (id, client_id, law, simplified, service, supervision_mode, times,
                 decided_on, valid_from, valid_to, decided_by, ended_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            d.id.0,
            d.client_id.0,
            d.law.code(),
            d.simplified,
            d.service.code(),
            d.supervision_mode.map(vaka_domain::decision::SupervisionMode::code),
            times_to_text(&d.times),
            DbDate(d.decided_on),
            DbDate(d.valid_from),
            d.valid_to.map(DbDate),
            d.decided_by.0,
            d.ended_on.map(DbDate),
            DbInstant::new(d.created_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn end_decision(&mut self, id: DecisionId, on: DbDate) -> StoreResult<()> {
        let done = sqlx::query!("UPDATE decisions SET ended_on = $2 WHERE id = $1", id.0, on)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_order(&mut self, o: &Order) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO orders (id, decision_id, client_id, provider_id, status, ordered_at,
                 accepted_at, accepted_by, activated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            o.id.0,
            o.decision_id.0,
            o.client_id.0,
            o.provider_id.0,
            o.status.code(),
            DbInstant::new(o.ordered_at),
            o.accepted_at.map(DbInstant::new),
            o.accepted_by.map(|u| u.0),
            o.activated_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_order(&mut self, o: &Order) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE orders SET status = $2, accepted_at = $3, accepted_by = $4, activated_at = $5,
                 provider_id = $6
             WHERE id = $1",
            o.id.0,
            o.status.code(),
            o.accepted_at.map(DbInstant::new),
            o.accepted_by.map(|u| u.0),
            o.activated_at.map(DbInstant::new),
            o.provider_id.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_consent(&mut self, c: &Consent) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO consents (id, client_id, service, informed_by, informed_on, informed_how,
                 given_by, representative_name, given_on, reconfirm_by, withdrawn_on, withdrawal_note,
                 recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            c.id.0,
            c.client_id.0,
            c.service.code(),
            c.informed_by,
            DbDate(c.informed_on),
            c.informed_how.code(),
            c.given_by.code(),
            c.representative_name,
            DbDate(c.given_on),
            DbDate(c.reconfirm_by),
            c.withdrawn_on.map(DbDate),
            c.withdrawal_note,
            c.recorded_by.0,
            DbInstant::new(c.recorded_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_consent(&mut self, c: &Consent) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE consents SET withdrawn_on = $2, withdrawal_note = $3, reconfirm_by = $4 WHERE id = $1",
            c.id.0,
            c.withdrawn_on.map(DbDate),
            c.withdrawal_note,
            DbDate(c.reconfirm_by),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn upsert_plan(&mut self, p: &SupervisionPlan) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO supervision_plans (client_id, mode, times, recheck_delay_minutes, escalation,
                 response_target_minutes, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (client_id) DO UPDATE SET mode = excluded.mode, times = excluded.times,
                 recheck_delay_minutes = excluded.recheck_delay_minutes, escalation = excluded.escalation,
                 response_target_minutes = excluded.response_target_minutes,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            p.client_id.0,
            p.mode.code(),
            times_to_text(&p.times),
            p.recheck_delay_minutes.map(i64::from),
            p.escalation.map(vaka_domain::plan::EscalationChain::code),
            p.response_target_minutes.map(i64::from),
            p.updated_by.0,
            DbInstant::new(p.updated_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_pause(&mut self, p: &Pause) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO pauses (id, client_id, first_night, last_night, reason, requested, note,
                 recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            p.id.0,
            p.client_id.0,
            DbDate(p.first_night),
            DbDate(p.last_night),
            p.reason.code(),
            p.requested.code(),
            p.note,
            p.recorded_by.0,
            DbInstant::new(p.recorded_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn cancel_pause(&mut self, id: PauseId, at: DbInstant, by: UserId) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE pauses SET cancelled_at = $2, cancelled_by = $3 WHERE id = $1 AND cancelled_at IS NULL",
            id.0,
            at,
            by.0,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_device(
        &mut self,
        d: &Device,
        credential_hash: Option<&[u8]>,
    ) -> StoreResult<()> {
        let dc09_key = self.sealed_dc09_key(d)?;
        let scaip_password = self.sealed_scaip_password(d)?;
        sqlx::query!(
            "INSERT INTO devices (id, kind, serial, model, firmware, status, client_id, credential_hash,
                 credential_issued_at, credential_revoked_at, dc09_account, dc09_key, dc09_key_style,
                 last_seen_at, state, created_at, scaip_cid, scaip_password)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
            d.id.0,
            d.kind.code(),
            d.serial,
            d.model,
            d.firmware,
            d.status.code(),
            d.client_id.map(|c| c.0),
            credential_hash,
            d.credential_issued_at.map(DbInstant::new),
            d.credential_revoked_at.map(DbInstant::new),
            d.dc09_account,
            dc09_key,
            d.dc09_key_style().map(Dc09KeyStyle::code),
            d.last_seen_at.map(DbInstant::new),
            d.state,
            DbInstant::new(d.created_at),
            d.scaip_cid,
            scaip_password,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn insert_devices(&mut self, devices: &[Device]) -> StoreResult<()> {
        for d in devices {
            self.insert_device(d, None).await?;
        }
        Ok(())
    }

    async fn update_device(&mut self, d: &Device) -> StoreResult<()> {
        let dc09_key = self.sealed_dc09_key(d)?;
        let scaip_password = self.sealed_scaip_password(d)?;
        let done = sqlx::query!(
            "UPDATE devices SET model = $2, firmware = $3, status = $4, client_id = $5,
                 dc09_account = $6, dc09_key = $7, dc09_key_style = $8, last_seen_at = $9, state = $10,
                 scaip_cid = $11, scaip_password = $12
             WHERE id = $1",
            d.id.0,
            d.model,
            d.firmware,
            d.status.code(),
            d.client_id.map(|c| c.0),
            d.dc09_account,
            dc09_key,
            d.dc09_key_style().map(Dc09KeyStyle::code),
            d.last_seen_at.map(DbInstant::new),
            d.state,
            d.scaip_cid,
            scaip_password,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_device_credential(
        &mut self,
        id: DeviceId,
        hash: Option<&[u8]>,
        issued_at: Option<DbInstant>,
        revoked_at: Option<DbInstant>,
    ) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE devices SET credential_hash = $2, credential_issued_at = $3, credential_revoked_at = $4
             WHERE id = $1",
            id.0,
            hash,
            issued_at,
            revoked_at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_device_event(&mut self, e: &DeviceEvent) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO device_events (id, device_id, step, from_status, to_status, client_id, at, by_user, note)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            e.id.0,
            e.device_id.0,
            e.step.code(),
            e.from.code(),
            e.to.code(),
            e.client_id.map(|c| c.0),
            DbInstant::new(e.at),
            e.by_user.map(|u| u.0),
            e.note,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }
}
