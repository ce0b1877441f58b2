// Clients. Included by the backend crates; see README.md.

use vaka_domain::client::ClientSummary;
use vaka_domain::ids::ClientId;
use vaka_store::{ClientQuery, ClientRow, ClientTx, prefix_bounds};

#[async_trait::async_trait]
impl ClientTx for SqlTx {
    async fn list_clients_in_reach(
        &mut self,
        user: UserId,
        q: &ClientQuery,
    ) -> StoreResult<Vec<ClientSummary>> {
        // Two statements rather than one with `$n IS NULL OR ...`: each gets a plan of its own.
        let rows = match q.search.as_deref().map(prefix_bounds) {
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
                   LIMIT $2"#,
                user.0,
                q.limit,
            )
            .fetch_all(&mut *self.tx)
            .await,
            Some((lower, upper)) => sqlx::query_as!(
                ClientRow,
                r#"SELECT c.id as "id!: Uuid", c.identity as "identity!", c.name as "name!",
                          c.provider_id as "provider_id?: Uuid", c.unit_id as "unit_id?: Uuid",
                          c.protection as "protection!"
                   FROM clients c
                   WHERE EXISTS (SELECT 1 FROM client_reach r
                                 WHERE r.user_id = $1
                                   AND (r.everything OR r.unit_id = c.unit_id OR r.organisation_id = c.provider_id))
                     AND ((c.name_key >= $2 AND c.name_key < $3) OR (c.identity >= $2 AND c.identity < $3))
                   ORDER BY c.name_key, c.id
                   LIMIT $4"#,
                user.0,
                lower,
                upper,
                q.limit,
            )
            .fetch_all(&mut *self.tx)
            .await,
        };
        rows.map_err(map_sqlx_error)?
            .into_iter()
            .map(ClientSummary::try_from)
            .collect()
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
        .map_err(map_sqlx_error)?
        .map(ClientSummary::try_from)
        .transpose()
    }
}
