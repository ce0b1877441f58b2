//! Retention (gallring): the municipality's table of how long each kind of record is kept,
//! legal holds per client, and the purge ([`purge`]).
//!
//! The table and the holds are the system manager's (`RetentionManage`). Setting a retention
//! below the law's floor is refused by the domain's rule (`vaka_domain::retention`). A hold
//! names a client by their personnummer and says why (an open investigation); while it is in
//! force, nothing of the client is purged. Placing, lifting and reading the holds is audited
//! per client, as the list names them.

pub mod purge;

use std::sync::{Arc, OnceLock};

use ed25519_dalek::SigningKey;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::client::ClientSummary;
use vaka_domain::ids::ClientId;
use vaka_domain::personnummer::ClientIdentity;
use vaka_domain::reason::RetentionReason;
use vaka_domain::retention::{self, RecordKind, Retention};
use vaka_store::retention::LegalHoldRecord;

use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

/// The care context of retention's audit entries.
pub(crate) const RETENTION: &str = "retention";

/// The key the anchors of a purged audit log are signed with (the server's audit key), once
/// set; without it the audit log is not purged.
#[derive(Clone, Default)]
pub(crate) struct AnchorKey(Arc<OnceLock<SigningKey>>);

/// One kind's row of the table as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionRow {
    pub kind: RecordKind,
    pub days: u32,
    pub default_days: u32,
    pub min_days: u32,
    /// A purge today removes the records of days before this one.
    pub purges_before: Date,
}

/// A client under a legal hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldClient {
    pub client: ClientSummary,
    pub reason: String,
    pub placed_at: Timestamp,
}

impl Services {
    /// Sets the key anchors of a purged audit log are signed with (the server's audit key; the
    /// first call wins).
    pub fn set_audit_anchor_key(&self, key: SigningKey) {
        let _ = self.anchor_key.0.set(key);
    }

    pub(crate) fn anchor_key(&self) -> Option<&SigningKey> {
        self.anchor_key.0.get()
    }

    /// A kind's default here: the configured supervision retention stands in for the table's
    /// default of supervision logs (an older configuration's setting is kept).
    fn default_days(&self, kind: RecordKind) -> u32 {
        match kind {
            RecordKind::Supervision => self.config.supervision_retention_days.max(kind.min_days()),
            _ => kind.default_days(),
        }
    }

    /// The table as set, with the defaults for kinds not set.
    pub(crate) fn retention_of(
        &self,
        stored: &[(RecordKind, u32)],
        today: Date,
    ) -> Vec<RetentionRow> {
        let mut with_defaults: Vec<(RecordKind, u32)> = stored.to_vec();
        for &k in RecordKind::ALL {
            if !with_defaults.iter().any(|(s, _)| *s == k) {
                with_defaults.push((k, self.default_days(k)));
            }
        }
        retention::table(&with_defaults)
            .into_iter()
            .map(|r| RetentionRow {
                kind: r.kind,
                days: r.days,
                default_days: self.default_days(r.kind),
                min_days: r.kind.min_days(),
                purges_before: retention::cutoff_date(today, r.days),
            })
            .collect()
    }

    /// The retention table (the system manager).
    pub async fn retention_table(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<RetentionRow>> {
        let today = self.today();
        let op = ctx.op(AuditAction::RetentionSet, RETENTION);
        self.door
            .read(op, async |r| {
                r.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                let stored = r.list_retention().await?;
                Ok(self.retention_of(&stored, today))
            })
            .await
    }

    /// Sets how long a kind of record is kept (`kind` by its code). Audited with the value
    /// before and after.
    pub async fn set_retention(
        &self,
        ctx: &Ctx<'_>,
        kind: &str,
        days: u32,
    ) -> ServiceResult<RetentionRow> {
        let today = self.today();
        let op = ctx.op(AuditAction::RetentionSet, RETENTION);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                let kind = RecordKind::from_code(kind)
                    .ok_or_else(|| Fault::invalid("kind", RetentionReason::UnknownKind))?;
                let set = Retention::new(kind, days)?;
                let stored = w.list_retention().await?;
                let before = self
                    .retention_of(&stored, today)
                    .into_iter()
                    .find(|r| r.kind == kind)
                    .map(|r| r.days);
                let now = w.now();
                w.set_retention(kind, set.days, now, Some(ctx.principal.user_id))
                    .await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("retention", kind.code()).details(
                        serde_json::json!({ "days": set.days, "before": before }).to_string(),
                    )
                });
                let mut stored = stored;
                stored.retain(|(k, _)| *k != kind);
                stored.push((kind, set.days));
                self.retention_of(&stored, today)
                    .into_iter()
                    .find(|r| r.kind == kind)
                    .ok_or_else(|| {
                        Fault::Error(crate::ServiceError::internal("the table lost a kind"))
                    })
            })
            .await
    }

    /// The clients under a legal hold, with why (the system manager). Each client named is a
    /// read of their data, audited.
    pub async fn legal_holds(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<HeldClient>> {
        let op = ctx.op(AuditAction::PurgePreviewed, RETENTION);
        self.door
            .read(op, async |r| {
                let grant =
                    r.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                let holds = r.list_legal_holds(false).await?;
                let ids: Vec<ClientId> = holds.iter().map(|h| h.client_id).collect();
                let summaries = r.get_client_summaries(&ids).await?;
                let mut out = Vec::with_capacity(holds.len());
                for h in holds {
                    let Some(c) = summaries.iter().find(|c| c.id == h.client_id) else {
                        continue;
                    };
                    let e = r
                        .summary_entry(vaka_domain::audit::Outcome::Success, Some(&grant), c)
                        .details(serde_json::json!({ "read": "legal_hold" }).to_string());
                    r.record(e);
                    out.push(HeldClient {
                        client: c.clone(),
                        reason: h.reason,
                        placed_at: h.placed_at,
                    });
                }
                out.sort_by(|a, b| a.client.name.cmp(&b.client.name));
                Ok(out)
            })
            .await
    }

    /// Places a legal hold on the client with this personnummer (or samordningsnummer):
    /// nothing of theirs is purged until it is lifted. A second hold on the same client is
    /// refused (the one in force says why).
    pub async fn place_legal_hold(
        &self,
        ctx: &Ctx<'_>,
        identity: &str,
        reason: &str,
    ) -> ServiceResult<ClientId> {
        let today = self.today();
        let op = ctx.op(AuditAction::LegalHoldPlaced, RETENTION);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                let identity = ClientIdentity::parse_official(identity.trim(), today)
                    .map_err(|e| Fault::invalid("identity", e.reason()))?;
                let reason = retention::hold_reason(reason)?;
                let Some(client) = w.find_client_by_identity(identity.as_str()).await? else {
                    return Err(Fault::invalid("identity", RetentionReason::NoSuchClient));
                };
                let Some(summary) = w.get_client_summary(client).await? else {
                    return Err(Fault::invalid("identity", RetentionReason::NoSuchClient));
                };
                if w.legal_hold_in_force(client).await?.is_some() {
                    return Err(Fault::conflict(RetentionReason::HoldExists));
                }
                let hold = LegalHoldRecord {
                    id: Uuid::now_v7(),
                    client_id: client,
                    reason: reason.clone(),
                    placed_at: w.now(),
                    placed_by: ctx.principal.user_id,
                    lifted_at: None,
                    lifted_by: None,
                };
                w.insert_legal_hold(&hold).await?;
                let e = w
                    .summary_entry(vaka_domain::audit::Outcome::Success, Some(&grant), &summary)
                    .subject("legal_hold", hold.id)
                    .details(serde_json::json!({ "reason": reason }).to_string());
                w.record(e);
                Ok(client)
            })
            .await
    }

    /// Lifts the hold in force on a client: their records are purged again as the table says.
    pub async fn lift_legal_hold(&self, ctx: &Ctx<'_>, client: ClientId) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::LegalHoldLifted, RETENTION);
        self.door
            .change(op, async |w| {
                let grant =
                    w.any_grant(Permission::RetentionManage, RetentionReason::MayNotManage)?;
                let Some(summary) = w.get_client_summary(client).await? else {
                    return Err(Fault::conflict(RetentionReason::HoldNotInForce));
                };
                let now = w.now();
                if !w
                    .lift_legal_hold(client, now, ctx.principal.user_id)
                    .await?
                {
                    return Err(Fault::conflict(RetentionReason::HoldNotInForce));
                }
                let e =
                    w.summary_entry(vaka_domain::audit::Outcome::Success, Some(&grant), &summary);
                w.record(e);
                Ok(())
            })
            .await
    }
}
