//! Consent, supervision plans and pauses.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::consent::{Consent, ConsentTerms, GivenBy, InformedHow, service_allowed};
use vaka_domain::decision::{ServiceKind, SupervisionMode, parse_times};
use vaka_domain::ids::{ClientId, ConsentId, PauseId};
use vaka_domain::plan::{
    EscalationChain, Pause, PauseReason, PauseRequest, SupervisionPlan, check_pause_nights,
};
use vaka_domain::supervision::Event;
use vaka_domain::validate::parse_name;
use vaka_store::DbInstant;

use crate::{Ctx, ServiceError, ServiceResult, Services};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub service: ServiceKind,
    pub informed_by: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub informed_on: Date,
    pub informed_how: InformedHow,
    pub given_by: GivenBy,
    pub representative_name: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub given_on: Date,
    /// Defaults to twelve months after `given_on`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub reconfirm_by: Option<Date>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// Today when not given.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub withdrawn_on: Option<Date>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    pub mode: SupervisionMode,
    /// Times of the night, e.g. `"23:00, 02:00, 05:00"`.
    pub times: String,
    pub recheck_delay_minutes: Option<u16>,
    pub escalation: Option<EscalationChain>,
    pub response_target_minutes: Option<u16>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PauseInput {
    /// The first night paused, named by the evening it starts.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub first_night: Date,
    /// The last night paused (the same as `first_night` for one night).
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last_night: Date,
    pub reason: PauseReason,
    pub requested: PauseRequest,
    pub note: Option<String>,
}

impl Services {
    /// Documents consent to a service.
    pub async fn record_consent(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: ConsentInput,
    ) -> ServiceResult<Consent> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    client,
                    Permission::ConsentManage,
                    AuditAction::ConsentRecorded,
                )
                .await?;
            let (t, reconfirm_by) = ConsentTerms {
                service: input.service,
                informed_by: input.informed_by,
                informed_on: input.informed_on,
                informed_how: input.informed_how,
                given_by: input.given_by,
                representative_name: input.representative_name,
                given_on: input.given_on,
                reconfirm_by: input.reconfirm_by,
            }
            .check(self.today())?;
            let consent = Consent {
                id: ConsentId::new(),
                client_id: client,
                service: t.service,
                informed_by: t.informed_by,
                informed_on: t.informed_on,
                informed_how: t.informed_how,
                given_by: t.given_by,
                representative_name: t.representative_name,
                given_on: t.given_on,
                reconfirm_by,
                withdrawn_on: None,
                withdrawal_note: None,
                recorded_by: ctx.principal.user_id,
                recorded_at: now,
            };
            tx.insert_consent(&consent).await?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::ConsentRecorded,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("consent", consent.id);
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            Ok(consent)
        })
        .await
    }

    /// Records that consent was withdrawn; the service stops at once.
    pub async fn withdraw_consent(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        id: ConsentId,
        input: WithdrawInput,
    ) -> ServiceResult<Consent> {
        self.audited(async {
            let today = self.today();
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    client,
                    Permission::ConsentManage,
                    AuditAction::ConsentWithdrawn,
                )
                .await?;
            let mut consent = tx
                .list_consents(client)
                .await?
                .into_iter()
                .find(|k| k.id == id)
                .ok_or(ServiceError::NotFound("consent"))?;
            let note = input
                .note
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| parse_name("note", n, 500))
                .transpose()?;
            consent.withdraw(input.withdrawn_on.unwrap_or(today), note, today)?;
            tx.update_consent(&consent).await?;
            // Planned look-ins of nights without consent now end: none may happen, none may be
            // missed.
            let decisions = tx.list_decisions(client).await?;
            let consents = tx.list_consents(client).await?;
            let first = consent
                .withdrawn_on
                .unwrap_or(today)
                .min(today)
                .yesterday()
                .unwrap_or(today);
            let cancelled = self
                .settle_client_tasks(
                    &mut *tx,
                    client,
                    first,
                    first.saturating_add(jiff::Span::new().days(400)),
                    Event::Cancelled,
                    // A night that reaches into a day without consent ends too.
                    &|night| {
                        [Some(night), night.tomorrow().ok()]
                            .into_iter()
                            .flatten()
                            .any(|d| {
                                service_allowed(
                                    ServiceKind::NightSupervision,
                                    &decisions,
                                    &consents,
                                    d,
                                )
                                .is_err()
                            })
                    },
                )
                .await?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::ConsentWithdrawn,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("consent", id)
                .details(serde_json::json!({ "tasks_cancelled": cancelled }).to_string());
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            if cancelled > 0 {
                self.supervision_changed();
            }
            Ok(consent)
        })
        .await
    }

    /// Sets a client's supervision plan (the unit manager).
    pub async fn set_plan(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: PlanInput,
    ) -> ServiceResult<SupervisionPlan> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    client,
                    Permission::PlanManage,
                    AuditAction::PlanChanged,
                )
                .await?;
            let mut times = parse_times("times", &input.times)?;
            times.sort_by_key(|t| (t.hour() < 12, *t));
            let plan = SupervisionPlan {
                client_id: client,
                mode: input.mode,
                times,
                recheck_delay_minutes: input.recheck_delay_minutes,
                escalation: input.escalation,
                response_target_minutes: input.response_target_minutes,
                updated_by: ctx.principal.user_id,
                updated_at: now,
            };
            plan.check()?;
            tx.upsert_plan(&plan).await?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::PlanChanged,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .details(
                    serde_json::json!({ "mode": plan.mode.code(), "times": plan.times.len() })
                        .to_string(),
                );
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            Ok(plan)
        })
        .await
    }

    /// Records a pause: no look-ins and no escalation on those nights.
    pub async fn record_pause(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: PauseInput,
    ) -> ServiceResult<Pause> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(ctx, &mut *tx, client, Permission::PauseRecord, AuditAction::PauseRecorded)
                .await?;
            check_pause_nights(input.first_night, input.last_night, self.today())?;
            let pause = Pause {
                id: PauseId::new(),
                client_id: client,
                first_night: input.first_night,
                last_night: input.last_night,
                reason: input.reason,
                requested: input.requested,
                note: input
                    .note
                    .as_deref()
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(|n| parse_name("note", n, 500))
                    .transpose()?,
                recorded_by: ctx.principal.user_id,
                recorded_at: now,
                cancelled_at: None,
            };
            tx.insert_pause(&pause).await?;
            let paused = self
                .settle_client_tasks(
                    &mut *tx,
                    client,
                    pause.first_night,
                    pause.last_night,
                    Event::Paused,
                    &|_| true,
                )
                .await?;
            let entry = self
                .client_entry(ctx, AuditAction::PauseRecorded, Outcome::Success, Some(&grant), &c)
                .subject("pause", pause.id)
                .details(
                    serde_json::json!({ "first_night": pause.first_night.to_string(), "last_night": pause.last_night.to_string(), "tasks_paused": paused })
                        .to_string(),
                );
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            if paused > 0 {
                self.supervision_changed();
            }
            Ok(pause)
        })
        .await
    }

    pub async fn cancel_pause(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        id: PauseId,
    ) -> ServiceResult<()> {
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    client,
                    Permission::PauseRecord,
                    AuditAction::PauseCancelled,
                )
                .await?;
            if !tx.list_pauses(client).await?.iter().any(|p| p.id == id) {
                return Err(ServiceError::NotFound("pause"));
            }
            tx.cancel_pause(id, DbInstant::new(now), ctx.principal.user_id)
                .await
                .map_err(|e| match e {
                    vaka_store::StoreError::NotFound => {
                        ServiceError::Conflict("the pause is already cancelled".into())
                    }
                    other => other.into(),
                })?;
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::PauseCancelled,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("pause", id);
            tx.append_audit(&entry).await?;
            tx.commit().await?;
            Ok(())
        })
        .await
    }
}
