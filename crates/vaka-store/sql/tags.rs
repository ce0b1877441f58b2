// NFC tags: the settings of devices of kind nfc_tag. Included by the backend crates; see
// README.md.

use vaka_domain::ids::DeviceId;
use vaka_domain::nfc::{NfcTag, SdmKey, TagId, TagStrength, TagUid};
use vaka_store::sealed::SecretColumn;
use vaka_store::{DbInstant, TagRead, TagWrite};

/// A row of `nfc_tags` as read.
struct TagRow {
    device_id: Uuid,
    tag_id: String,
    uid: Option<String>,
    strength: String,
    sdm_key: Option<String>,
    last_counter: Option<i64>,
    last_tap_at: Option<DbInstant>,
}

impl SqlTx {
    /// A tag from its row, its key opened.
    fn tag(&self, r: TagRow) -> StoreResult<NfcTag> {
        let row = r.device_id;
        let bad = |what: &str| StoreError::corrupt(format!("nfc_tags.{what} of {row}"));
        let key = self
            .secrets
            .open_opt(SecretColumn::SdmKey, row, r.sdm_key)?
            .map(|k| SdmKey::parse(&k).map_err(|_| bad("sdm_key")))
            .transpose()?;
        Ok(NfcTag {
            device_id: DeviceId(r.device_id),
            tag_id: TagId::parse(&r.tag_id).map_err(|_| bad("tag_id"))?,
            uid: r
                .uid
                .map(|u| TagUid::parse(&u))
                .transpose()
                .map_err(|_| bad("uid"))?,
            strength: TagStrength::from_code(&r.strength).ok_or_else(|| bad("strength"))?,
            sdm_key: key,
            last_counter: r
                .last_counter
                .map(u32::try_from)
                .transpose()
                .map_err(|_| bad("last_counter"))?,
            last_tap_at: r.last_tap_at.map(Into::into),
        })
    }
}

#[async_trait::async_trait]
impl TagRead for SqlTx {
    async fn get_tag(&mut self, device: DeviceId) -> StoreResult<Option<NfcTag>> {
        sqlx::query_as!(
            TagRow,
            r#"SELECT device_id as "device_id!: Uuid", tag_id as "tag_id!", uid as "uid?",
                      strength as "strength!", sdm_key as "sdm_key?",
                      last_counter as "last_counter?: i64",
                      last_tap_at as "last_tap_at?: DbInstant"
               FROM nfc_tags WHERE device_id = $1"#,
            device.0,
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(|r| self.tag(r))
        .transpose()
    }

    async fn find_tag_by_tag_id(&mut self, tag_id: &TagId) -> StoreResult<Option<NfcTag>> {
        sqlx::query_as!(
            TagRow,
            r#"SELECT device_id as "device_id!: Uuid", tag_id as "tag_id!", uid as "uid?",
                      strength as "strength!", sdm_key as "sdm_key?",
                      last_counter as "last_counter?: i64",
                      last_tap_at as "last_tap_at?: DbInstant"
               FROM nfc_tags WHERE tag_id = $1"#,
            tag_id.as_str(),
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(|r| self.tag(r))
        .transpose()
    }

    async fn find_tag_by_uid(&mut self, uid: &TagUid) -> StoreResult<Option<NfcTag>> {
        sqlx::query_as!(
            TagRow,
            r#"SELECT device_id as "device_id!: Uuid", tag_id as "tag_id!", uid as "uid?",
                      strength as "strength!", sdm_key as "sdm_key?",
                      last_counter as "last_counter?: i64",
                      last_tap_at as "last_tap_at?: DbInstant"
               FROM nfc_tags WHERE uid = $1"#,
            uid.as_str(),
        )
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?
        .map(|r| self.tag(r))
        .transpose()
    }
}

#[async_trait::async_trait]
impl TagWrite for SqlTx {
    async fn upsert_tag(&mut self, t: &NfcTag) -> StoreResult<()> {
        let key = t
            .sdm_key
            .as_ref()
            .map(|k| {
                self.secrets
                    .seal(SecretColumn::SdmKey, t.device_id.0, &k.to_hex())
            })
            .transpose()?;
        sqlx::query!(
            "INSERT INTO nfc_tags (device_id, tag_id, uid, strength, sdm_key, last_counter, last_tap_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (device_id) DO UPDATE SET
                 tag_id = excluded.tag_id, uid = excluded.uid, strength = excluded.strength,
                 sdm_key = excluded.sdm_key, last_counter = excluded.last_counter,
                 last_tap_at = excluded.last_tap_at",
            t.device_id.0,
            t.tag_id.as_str(),
            t.uid.as_ref().map(TagUid::as_str),
            t.strength.code(),
            key,
            t.last_counter.map(i64::from),
            t.last_tap_at.map(DbInstant::new),
        )
        .execute(&mut *self.tx)
        .await
        .map_err(map_sqlx_error)?;
        Ok(())
    }

    async fn record_tag_tap(
        &mut self,
        device: DeviceId,
        uid: Option<&TagUid>,
        counter: Option<u32>,
        at: DbInstant,
    ) -> StoreResult<bool> {
        let uid = uid.map(TagUid::as_str);
        let done = match counter {
            // A SUN tap: only a greater counter is recorded, decided by the statement itself.
            Some(counter) => {
                sqlx::query!(
                    "UPDATE nfc_tags
                 SET last_counter = $3, last_tap_at = $4, uid = COALESCE(uid, $2)
                 WHERE device_id = $1 AND (last_counter IS NULL OR last_counter < $3)",
                    device.0,
                    uid,
                    i64::from(counter),
                    at,
                )
                .execute(&mut *self.tx)
                .await
            }
            None => {
                sqlx::query!(
                    "UPDATE nfc_tags SET last_tap_at = $3, uid = COALESCE(uid, $2)
                 WHERE device_id = $1",
                    device.0,
                    uid,
                    at,
                )
                .execute(&mut *self.tx)
                .await
            }
        }
        .map_err(map_sqlx_error)?;
        Ok(done.rows_affected() == 1)
    }
}
