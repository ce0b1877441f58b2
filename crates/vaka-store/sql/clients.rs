// Clients. Included by the backend crates; see README.md.

use vaka_domain::client::ClientSummary;
use vaka_domain::ids::ClientId;
use vaka_store::{ClientQuery, ClientRead, ClientRow, prefix_bounds};

#[async_trait::async_trait]
impl ClientRead for SqlTx {
    async fn list_clients_in_reach(
        &mut self,
        user: UserId,
        q: &ClientQuery,
    ) -> StoreResult<Vec<ClientSummary>> {
        // One statement per kind of search rather than `$n IS NULL OR ...` or a name-or-identity
        // `OR`: each gets a plan of its own. The name search reads the (name_key, id) index in the
        // order shown and stops at the limit; an `OR` with the identity would sort every match.
        // Identity numbers are stored as digits (reserve ids upper case), so a search of digits
        // is a search of identities and anything else one of names.
        let search = q.search.as_deref().map(|s| (s, prefix_bounds(s)));
        let rows = match search {
            None => sqlx::query_as!(
                ClientRow,
                r#"SELECT c.id as "id!: Uuid", c.identity as "identity!", c.name as "name!",
                          c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid",
                          c.protection as "protection!"
                   FROM clients c
                   WHERE EXISTS (SELECT 1 FROM client_reach r
                                 WHERE r.user_id = $1
                                   AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))
                   ORDER BY c.name_key, c.id
                   LIMIT $2 OFFSET $3"#,
                user.0,
                q.limit,
                q.offset,
            )
            .fetch_all(&mut *self.tx)
            .await,
            Some((s, (lower, upper))) if s.trim().bytes().all(|b| b.is_ascii_digit()) => {
                sqlx::query_as!(
                    ClientRow,
                    r#"SELECT c.id as "id!: Uuid", c.identity as "identity!", c.name as "name!",
                              c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid",
                              c.protection as "protection!"
                       FROM clients c
                       WHERE EXISTS (SELECT 1 FROM client_reach r
                                     WHERE r.user_id = $1
                                       AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))
                         AND c.identity >= $2 AND c.identity < $3
                       ORDER BY c.name_key, c.id
                       LIMIT $4 OFFSET $5"#,
                    user.0,
                    lower,
                    upper,
                    q.limit,
                    q.offset,
                )
                .fetch_all(&mut *self.tx)
                .await
            }
            Some((_, (lower, upper))) => sqlx::query_as!(
                ClientRow,
                r#"SELECT c.id as "id!: Uuid", c.identity as "identity!", c.name as "name!",
                          c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid",
                          c.protection as "protection!"
                   FROM clients c
                   WHERE EXISTS (SELECT 1 FROM client_reach r
                                 WHERE r.user_id = $1
                                   AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))
                     AND c.name_key >= $2 AND c.name_key < $3
                   ORDER BY c.name_key, c.id
                   LIMIT $4 OFFSET $5"#,
                user.0,
                lower,
                upper,
                q.limit,
                q.offset,
            )
            .fetch_all(&mut *self.tx)
            .await,
        };
        rows.records()
    }

    async fn find_clients_by_name(
        &mut self,
        prefix: &str,
        limit: i64,
    ) -> StoreResult<Vec<ClientSummary>> {
        let (lower, upper) = prefix_bounds(prefix);
        sqlx::query_as!(
            ClientRow,
            r#"SELECT c.id as "id!: Uuid", c.identity as "identity!", c.name as "name!",
                      c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid",
                      c.protection as "protection!"
               FROM clients c
               WHERE c.name_key >= $1 AND c.name_key < $2
               ORDER BY c.name_key, c.id
               LIMIT $3"#,
            lower,
            upper,
            limit,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn count_clients_in_reach(&mut self, user: UserId, q: &ClientQuery) -> StoreResult<i64> {
        // The same three searches as the list, counted.
        let search = q.search.as_deref().map(|s| (s, prefix_bounds(s)));
        let n = match search {
            None => {
                sqlx::query_scalar!(
                    r#"SELECT COUNT(*) as "n!: i64"
                   FROM clients c
                   WHERE EXISTS (SELECT 1 FROM client_reach r
                                 WHERE r.user_id = $1
                                   AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))"#,
                    user.0,
                )
                .fetch_one(&mut *self.tx)
                .await
            }
            Some((s, (lower, upper))) if s.trim().bytes().all(|b| b.is_ascii_digit()) => {
                sqlx::query_scalar!(
                    r#"SELECT COUNT(*) as "n!: i64"
                       FROM clients c
                       WHERE EXISTS (SELECT 1 FROM client_reach r
                                     WHERE r.user_id = $1
                                       AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))
                         AND c.identity >= $2 AND c.identity < $3"#,
                    user.0,
                    lower,
                    upper,
                )
                .fetch_one(&mut *self.tx)
                .await
            }
            Some((_, (lower, upper))) => {
                sqlx::query_scalar!(
                    r#"SELECT COUNT(*) as "n!: i64"
                   FROM clients c
                   WHERE EXISTS (SELECT 1 FROM client_reach r
                                 WHERE r.user_id = $1
                                   AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))
                     AND c.name_key >= $2 AND c.name_key < $3"#,
                    user.0,
                    lower,
                    upper,
                )
                .fetch_one(&mut *self.tx)
                .await
            }
        };
        n.map_err(map_sqlx_error)
    }

    async fn get_client_summaries(&mut self, ids: &[ClientId]) -> StoreResult<Vec<ClientSummary>> {
        type Row = (Uuid, String, String, Option<Uuid>, Option<Uuid>, String);
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = sqlx::QueryBuilder::<Db>::new(
                "SELECT id, identity, name, provider_id, unit_id, protection FROM clients WHERE id IN (",
            );
            let mut list = q.separated(", ");
            for id in chunk {
                list.push_bind(id.0);
            }
            q.push(")");
            let rows: Vec<Row> = q
                .build_query_as()
                .fetch_all(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
            for (id, identity, name, provider_id, unit_id, protection) in rows {
                out.push(ClientSummary::try_from(ClientRow {
                    id,
                    identity,
                    name,
                    provider_id,
                    unit_id,
                    protection,
                })?);
            }
        }
        Ok(out)
    }

    async fn get_client_summary(&mut self, id: ClientId) -> StoreResult<Option<ClientSummary>> {
        sqlx::query_as!(
            ClientRow,
            r#"SELECT id as "id!: Uuid", identity as "identity!", name as "name!",
                      provider_id as "provider_id?: Uuid", unit_id as "unit_id?: Uuid",
                      protection as "protection!"
               FROM clients WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }
}
