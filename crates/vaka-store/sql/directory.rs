// Directory: organisations, units, coverage, users, role assignments, client reach.
// Included by the backend crates; see README.md in this folder.

use vaka_domain::access::{Assignment, Reach};
use vaka_domain::directory::{Organisation, Unit, UserAccount};
use vaka_domain::ids::{OrganisationId, RoleAssignmentId, UnitId, UserId};
use vaka_store::{
    AssignmentRow, DbInstant, DirectoryRead, DirectoryWrite, NewUser, OrganisationRow,
    PrincipalRow, PrincipalRows, StatusChange, StoreError, StoreResult, UnitRow, UserFilter,
    UserRow, map_sqlx_error, prefix_bounds, search_key,
};

#[async_trait::async_trait]
impl DirectoryRead for SqlTx {
    async fn get_organisation(&mut self, id: OrganisationId) -> StoreResult<Option<Organisation>> {
        sqlx::query_as!(
            OrganisationRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", provider_kind as "provider_kind?",
                      name as "name!", org_number as "org_number?", active as "active!: bool",
                      created_at as "created_at!: DbInstant"
               FROM organisations WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_organisations(&mut self) -> StoreResult<Vec<Organisation>> {
        sqlx::query_as!(
            OrganisationRow,
            r#"SELECT id as "id!: Uuid", kind as "kind!", provider_kind as "provider_kind?",
                      name as "name!", org_number as "org_number?", active as "active!: bool",
                      created_at as "created_at!: DbInstant"
               FROM organisations ORDER BY name_key"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn get_unit(&mut self, id: UnitId) -> StoreResult<Option<Unit>> {
        sqlx::query_as!(
            UnitRow,
            r#"SELECT id as "id!: Uuid", organisation_id as "organisation_id!: Uuid", name as "name!",
                      kind as "kind!", active as "active!: bool", created_at as "created_at!: DbInstant"
               FROM units WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_units(&mut self) -> StoreResult<Vec<Unit>> {
        sqlx::query_as!(
            UnitRow,
            r#"SELECT id as "id!: Uuid", organisation_id as "organisation_id!: Uuid", name as "name!",
                      kind as "kind!", active as "active!: bool", created_at as "created_at!: DbInstant"
               FROM units ORDER BY name_key"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_coverage(&mut self) -> StoreResult<Vec<(UnitId, UnitId)>> {
        let rows = sqlx::query!(
            r#"SELECT unit_id as "unit_id!: Uuid", covered_unit_id as "covered_unit_id!: Uuid"
               FROM unit_coverage"#
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows
            .into_iter()
            .map(|r| (UnitId(r.unit_id), UnitId(r.covered_unit_id)))
            .collect())
    }

    async fn list_coverage_for_user(&mut self, user: UserId) -> StoreResult<Vec<(UnitId, UnitId)>> {
        let rows = sqlx::query!(
            r#"SELECT DISTINCT c.unit_id as "unit_id!: Uuid", c.covered_unit_id as "covered_unit_id!: Uuid"
               FROM unit_coverage c JOIN role_assignments ra ON ra.unit_id = c.unit_id
               WHERE ra.user_id = $1"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows
            .into_iter()
            .map(|r| (UnitId(r.unit_id), UnitId(r.covered_unit_id)))
            .collect())
    }

    async fn get_user(&mut self, id: UserId) -> StoreResult<Option<UserAccount>> {
        sqlx::query_as!(
            UserRow,
            r#"SELECT id as "id!: Uuid", username as "username!", display_name as "display_name!",
                      email as "email!", hsa_id as "hsa_id?", organisation_id as "organisation_id!: Uuid",
                      status as "status!", (totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      created_at as "created_at!: DbInstant", last_login_at as "last_login_at?: DbInstant",
                      requested_by as "requested_by?: Uuid", decided_by as "decided_by?: Uuid",
                      decided_at as "decided_at?: DbInstant", deactivated_at as "deactivated_at?: DbInstant"
               FROM users WHERE id = $1"#,
            id.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn get_user_by_username(&mut self, username: &str) -> StoreResult<Option<UserAccount>> {
        sqlx::query_as!(
            UserRow,
            r#"SELECT id as "id!: Uuid", username as "username!", display_name as "display_name!",
                      email as "email!", hsa_id as "hsa_id?", organisation_id as "organisation_id!: Uuid",
                      status as "status!", (totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      created_at as "created_at!: DbInstant", last_login_at as "last_login_at?: DbInstant",
                      requested_by as "requested_by?: Uuid", decided_by as "decided_by?: Uuid",
                      decided_at as "decided_at?: DbInstant", deactivated_at as "deactivated_at?: DbInstant"
               FROM users WHERE username = $1"#,
            username,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .record()
    }

    async fn list_users(&mut self, f: &UserFilter) -> StoreResult<Vec<UserAccount>> {
        let (lower, upper) = f
            .search
            .as_deref()
            .map(prefix_bounds)
            .map_or((None, None), |(l, u)| (Some(l), Some(u)));
        sqlx::query_as!(
            UserRow,
            r#"SELECT id as "id!: Uuid", username as "username!", display_name as "display_name!",
                      email as "email!", hsa_id as "hsa_id?", organisation_id as "organisation_id!: Uuid",
                      status as "status!", (totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      created_at as "created_at!: DbInstant", last_login_at as "last_login_at?: DbInstant",
                      requested_by as "requested_by?: Uuid", decided_by as "decided_by?: Uuid",
                      decided_at as "decided_at?: DbInstant", deactivated_at as "deactivated_at?: DbInstant"
               FROM users u
               WHERE (u.organisation_id = $1 OR $1 IS NULL)
                 AND (EXISTS (SELECT 1 FROM role_assignments ra
                                            WHERE ra.user_id = u.id AND ra.unit_id = $2) OR $2 IS NULL)
                 AND (u.status = $3 OR $3 IS NULL)
                 AND ((u.username >= $4 AND u.username < $5)
                      OR (u.display_name_key >= $4 AND u.display_name_key < $5) OR $4 IS NULL)
               ORDER BY u.display_name_key, u.username
               LIMIT $6"#,
            f.organisation.map(|o| o.0),
            f.unit.map(|u| u.0),
            f.status.map(vaka_domain::directory::AccountStatus::code),
            lower,
            upper,
            f.limit,
        )
        .fetch_all(&mut *self.tx)
        .await
        .records()
    }

    async fn list_assignments(&mut self, user: UserId) -> StoreResult<Vec<Assignment>> {
        sqlx::query_as!(
            AssignmentRow,
            r#"SELECT ra.id as "id!: Uuid", ra.user_id as "user_id!: Uuid", ra.role as "role!",
                      ra.organisation_id as "organisation_id!: Uuid", o.kind as "organisation_kind!",
                      ra.unit_id as "unit_id?: Uuid"
               FROM role_assignments ra JOIN organisations o ON o.id = ra.organisation_id
               WHERE ra.user_id = $1
               ORDER BY ra.granted_at, ra.id"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(|r| r.into_pair().map(|(_, a)| a))
        .collect()
    }

    async fn list_all_assignments(&mut self) -> StoreResult<Vec<(UserId, Assignment)>> {
        sqlx::query_as!(
            AssignmentRow,
            r#"SELECT ra.id as "id!: Uuid", ra.user_id as "user_id!: Uuid", ra.role as "role!",
                      ra.organisation_id as "organisation_id!: Uuid", o.kind as "organisation_kind!",
                      ra.unit_id as "unit_id?: Uuid"
               FROM role_assignments ra JOIN organisations o ON o.id = ra.organisation_id
               ORDER BY ra.user_id, ra.granted_at"#,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .into_iter()
        .map(AssignmentRow::into_pair)
        .collect()
    }

    async fn list_unit_members(&mut self, unit: UnitId) -> StoreResult<Vec<UserId>> {
        let rows = sqlx::query!(
            r#"SELECT DISTINCT user_id as "user_id!: Uuid" FROM role_assignments WHERE unit_id = $1"#,
            unit.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(rows.into_iter().map(|r| UserId(r.user_id)).collect())
    }

    async fn load_principal_rows(&mut self, user: UserId) -> StoreResult<Option<PrincipalRows>> {
        let rows = sqlx::query_as!(
            PrincipalRow,
            r#"SELECT u.id as "id!: Uuid", u.username as "username!", u.display_name as "display_name!",
                      u.email as "email!", u.hsa_id as "hsa_id?", u.organisation_id as "organisation_id!: Uuid",
                      u.status as "status!", (u.totp_enabled_at IS NOT NULL) as "totp_enabled!: bool",
                      u.created_at as "created_at!: DbInstant", u.last_login_at as "last_login_at?: DbInstant",
                      u.requested_by as "requested_by?: Uuid", u.decided_by as "decided_by?: Uuid",
                      u.decided_at as "decided_at?: DbInstant", u.deactivated_at as "deactivated_at?: DbInstant",
                      ra.id as "ra_id?: Uuid", ra.role as "ra_role?", ra.organisation_id as "ra_org?: Uuid",
                      o.kind as "ra_org_kind?", ra.unit_id as "ra_unit?: Uuid",
                      c.covered_unit_id as "covered_unit?: Uuid"
               FROM users u
               LEFT JOIN role_assignments ra ON ra.user_id = u.id
               LEFT JOIN organisations o ON o.id = ra.organisation_id
               LEFT JOIN unit_coverage c ON c.unit_id = ra.unit_id
               WHERE u.id = $1
               ORDER BY ra.granted_at, ra.id"#,
            user.0,
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        PrincipalRows::from_rows(rows)
    }
}

#[async_trait::async_trait]
impl DirectoryWrite for SqlTx {
    async fn insert_organisation(&mut self, org: &Organisation) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO organisations (id, kind, provider_kind, name, name_key, org_number, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            org.id.0,
            org.kind.code(),
            org.provider_kind.map(vaka_domain::directory::ProviderKind::code),
            org.name,
            search_key(&org.name),
            org.org_number.as_ref().map(vaka_domain::validate::OrgNumber::as_str),
            org.active,
            DbInstant::new(org.created_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_organisation(&mut self, org: &Organisation) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE organisations SET name = $2, name_key = $3, org_number = $4, active = $5,
                 provider_kind = $6
             WHERE id = $1",
            org.id.0,
            org.name,
            search_key(&org.name),
            org.org_number
                .as_ref()
                .map(vaka_domain::validate::OrgNumber::as_str),
            org.active,
            org.provider_kind
                .map(vaka_domain::directory::ProviderKind::code),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_unit(&mut self, unit: &Unit) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO units (id, organisation_id, name, name_key, kind, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            unit.id.0,
            unit.organisation_id.0,
            unit.name,
            search_key(&unit.name),
            unit.kind.code(),
            unit.active,
            DbInstant::new(unit.created_at),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_unit(&mut self, unit: &Unit) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE units SET name = $2, name_key = $3, kind = $4, active = $5 WHERE id = $1",
            unit.id.0,
            unit.name,
            search_key(&unit.name),
            unit.kind.code(),
            unit.active,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_unit_coverage(&mut self, unit: UnitId, covered: &[UnitId]) -> StoreResult<()> {
        sqlx::query!("DELETE FROM unit_coverage WHERE unit_id = $1", unit.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        for c in covered {
            sqlx::query!(
                "INSERT INTO unit_coverage (unit_id, covered_unit_id) VALUES ($1, $2)",
                unit.0,
                c.0,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }

    async fn insert_user(&mut self, new: &NewUser) -> StoreResult<()> {
        let u = &new.account;
        sqlx::query!(
            "INSERT INTO users (id, username, display_name, display_name_key, email, hsa_id,
                 organisation_id, status, password_hash, password_changed_at, must_change_password,
                 created_at, requested_by, decided_by, decided_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            u.id.0,
            u.stored_username(),
            u.display_name,
            search_key(&u.display_name),
            u.email.as_str(),
            u.hsa_id.as_ref().map(vaka_domain::validate::HsaId::as_str),
            u.organisation_id.0,
            u.status.code(),
            new.password_hash,
            new.password_hash
                .as_ref()
                .map(|_| DbInstant::new(u.created_at)),
            new.must_change_password,
            DbInstant::new(u.created_at),
            u.requested_by.map(|x| x.0),
            u.decided_by.map(|x| x.0),
            u.decided_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn update_user_profile(&mut self, u: &UserAccount) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE users SET display_name = $2, display_name_key = $3, email = $4, hsa_id = $5
             WHERE id = $1",
            u.id.0,
            u.display_name,
            search_key(&u.display_name),
            u.email.as_str(),
            u.hsa_id.as_ref().map(vaka_domain::validate::HsaId::as_str),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn claim_username(
        &mut self,
        user: UserId,
        username: &vaka_domain::validate::Username,
    ) -> StoreResult<()> {
        let done = sqlx::query!(
            "UPDATE users SET username = $2 WHERE id = $1",
            user.0,
            username.as_str(),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_user_status(&mut self, c: &StatusChange) -> StoreResult<()> {
        use vaka_domain::directory::AccountStatus;
        let deactivated_at = (c.status == AccountStatus::Deactivated).then_some(c.at);
        let done = sqlx::query!(
            "UPDATE users SET status = $2,
                 decided_by = coalesce($3, decided_by),
                 decided_at = CASE WHEN $3 IS NULL THEN decided_at ELSE $4 END,
                 deactivated_at = $5,
                 last_login_at = CASE WHEN $6 THEN NULL ELSE last_login_at END
             WHERE id = $1",
            c.user.0,
            c.status.code(),
            c.decided_by.map(|x| x.0),
            c.at,
            deactivated_at,
            // A reactivated account starts a new 90-day period of use.
            c.status == AccountStatus::Active && c.decided_by.is_none(),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn insert_assignment(
        &mut self,
        user: UserId,
        a: &Assignment,
        granted_by: Option<UserId>,
        at: DbInstant,
    ) -> StoreResult<()> {
        sqlx::query!(
            "INSERT INTO role_assignments (id, user_id, role, organisation_id, unit_id, granted_by, granted_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            a.id.0,
            user.0,
            a.role.code(),
            a.organisation_id.0,
            a.unit_id.map(|u| u.0),
            granted_by.map(|g| g.0),
            at,
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn delete_assignment(&mut self, id: RoleAssignmentId) -> StoreResult<()> {
        let done = sqlx::query!("DELETE FROM role_assignments WHERE id = $1", id.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn replace_client_reach(&mut self, user: UserId, reach: &Reach) -> StoreResult<()> {
        sqlx::query!("DELETE FROM client_reach WHERE user_id = $1", user.0)
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        let none: Option<Uuid> = None;
        if reach.everything {
            sqlx::query!(
                "INSERT INTO client_reach (user_id, everything, organisation_id, unit_id)
                 VALUES ($1, TRUE, $2, $3)",
                user.0,
                none,
                none,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        for o in &reach.organisations {
            sqlx::query!(
                "INSERT INTO client_reach (user_id, everything, organisation_id, unit_id)
                 VALUES ($1, FALSE, $2, $3)",
                user.0,
                Some(o.0),
                none,
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        for u in &reach.units {
            sqlx::query!(
                "INSERT INTO client_reach (user_id, everything, organisation_id, unit_id)
                 VALUES ($1, FALSE, $2, $3)",
                user.0,
                none,
                Some(u.0),
            )
            .execute(&mut *self.tx)
            .await
            .map_err(map_sqlx_error)?;
        }
        Ok(())
    }
}
