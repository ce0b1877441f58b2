// Sealing the secret columns again. Included by the backend crates; see README.md.

use vaka_store::sealed::SecretColumn;

impl SqlTx {
    /// Seals with the current key every secret stored in clear (a database from before
    /// sealing) or under an older key (after a rotation); returns how many values it sealed.
    /// Values already under the current key are left as they are, so a second run changes
    /// nothing.
    pub(crate) async fn reseal_secrets(&mut self) -> StoreResult<u64> {
        let mut sealed = 0;
        let users = sqlx::query!(
            r#"SELECT id as "id!: Uuid", totp_secret as "totp_secret!"
               FROM users WHERE totp_secret IS NOT NULL"#
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for u in users {
            if let Some(value) =
                self.secrets
                    .reseal(SecretColumn::TotpSecret, u.id, &u.totp_secret)?
            {
                sqlx::query!(
                    "UPDATE users SET totp_secret = $2 WHERE id = $1",
                    u.id,
                    value
                )
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
                sealed += 1;
            }
        }
        let devices = sqlx::query!(
            r#"SELECT id as "id!: Uuid", dc09_key as "dc09_key!"
               FROM devices WHERE dc09_key IS NOT NULL"#
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for d in devices {
            if let Some(value) = self
                .secrets
                .reseal(SecretColumn::Dc09Key, d.id, &d.dc09_key)?
            {
                sqlx::query!(
                    "UPDATE devices SET dc09_key = $2 WHERE id = $1",
                    d.id,
                    value
                )
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
                sealed += 1;
            }
        }
        let scaip = sqlx::query!(
            r#"SELECT id as "id!: Uuid", scaip_password as "scaip_password!"
               FROM devices WHERE scaip_password IS NOT NULL"#
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for d in scaip {
            if let Some(value) =
                self.secrets
                    .reseal(SecretColumn::ScaipPassword, d.id, &d.scaip_password)?
            {
                sqlx::query!(
                    "UPDATE devices SET scaip_password = $2 WHERE id = $1",
                    d.id,
                    value
                )
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
                sealed += 1;
            }
        }
        let tags = sqlx::query!(
            r#"SELECT device_id as "device_id!: Uuid", sdm_key as "sdm_key!"
               FROM nfc_tags WHERE sdm_key IS NOT NULL"#
        )
        .fetch_all(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        for t in tags {
            if let Some(value) =
                self.secrets
                    .reseal(SecretColumn::SdmKey, t.device_id, &t.sdm_key)?
            {
                sqlx::query!(
                    "UPDATE nfc_tags SET sdm_key = $2 WHERE device_id = $1",
                    t.device_id,
                    value
                )
                .execute(&mut *self.tx)
                .await
                .map_err(map_sqlx_error)?;
                sealed += 1;
            }
        }
        Ok(sealed)
    }
}
