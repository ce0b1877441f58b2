//! Consent, supervision plans and pauses.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::consent::{Consent, ConsentTerms, GivenBy, InformedHow, service_allowed};
use vaka_domain::decision::{ServiceKind, SupervisionMode, parse_times};
use vaka_domain::ids::{ClientId, ConsentId, PauseId};
use vaka_domain::plan::{
    EscalationChain, Pause, PauseReason, PauseRequest, SupervisionPlan, check_pause_nights,
};
use vaka_domain::reason::RegistryReason;
use vaka_domain::supervision::Event;
use vaka_domain::validate::parse_name;
use vaka_store::values::to_db_precision;
use vaka_store::{DbInstant, StoreError};

use super::{REGISTRY, client_in_scope, day_of, succeeded_on};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

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

/// A note as typed: trimmed, none when empty.
fn note(raw: Option<&str>) -> WorkResult<Option<String>> {
    Ok(raw
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| parse_name("note", n, 500))
        .transpose()?)
}

/// How far ahead a consent's re-confirmation shows on the work list.
pub const CONSENT_DUE_DAYS: i32 = 30;

/// A consent to re-confirm soon (or overdue), with its client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentDue {
    pub consent_id: ConsentId,
    pub client_id: ClientId,
    pub client_name: String,
    pub service: ServiceKind,
    pub reconfirm_by: Date,
}

impl Services {
    /// Consents in force whose re-confirmation is due within [`CONSENT_DUE_DAYS`] (or past),
    /// of the clients the caller documents consent for, soonest first. Empty for roles that do
    /// not document consent. Audited as the follow-up report is: one entry for the list, and
    /// one about each client it names (flagged for a protected identity).
    pub async fn consents_due(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ConsentDue>> {
        let Some(grant) = ctx.principal.any_grant(Permission::ConsentManage).cloned() else {
            return Ok(Vec::new());
        };
        let until = self.today() + jiff::Span::new().days(CONSENT_DUE_DAYS);
        let op = ctx.op(AuditAction::ConsentsListed, REGISTRY);
        self.door
            .read(op, async |r| {
                let mut out = Vec::new();
                let mut protected = false;
                for c in r.list_consents_due(until).await? {
                    let Some(client) = r.get_client_summary(c.client_id).await? else {
                        continue;
                    };
                    if ctx
                        .principal
                        .client_grant_for(
                            Permission::ConsentManage,
                            client.provider_id,
                            client.unit_id,
                        )
                        .is_none()
                    {
                        continue;
                    }
                    protected |= client.protection.is_protected();
                    if !out.iter().any(|d: &ConsentDue| d.client_id == client.id) {
                        let mut e = r
                            .entry(vaka_domain::audit::Outcome::Success, Some(&grant))
                            .client(client.id)
                            .subject("consent", c.id);
                        e.flags.protected_identity = client.protection.is_protected();
                        r.record(e);
                    }
                    out.push(ConsentDue {
                        consent_id: c.id,
                        client_id: client.id,
                        client_name: client.name,
                        service: c.service,
                        reconfirm_by: c.reconfirm_by,
                    });
                }
                if !out.is_empty() {
                    let mut entry = r
                        .entry(vaka_domain::audit::Outcome::Success, Some(&grant))
                        .details(serde_json::json!({ "results": out.len() }).to_string());
                    entry.flags.protected_identity = protected;
                    r.record(entry);
                }
                Ok(out)
            })
            .await
    }
}

impl Services {
    /// Documents consent to a service.
    pub async fn record_consent(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: ConsentInput,
    ) -> ServiceResult<Consent> {
        let op = ctx.op(AuditAction::ConsentRecorded, REGISTRY);
        self.door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let (c, grant) = client_in_scope(w, client, Permission::ConsentManage).await?;
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
                .check(day_of(w.now()))?;
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
                w.insert_consent(&consent).await?;
                succeeded_on(w, &grant, &c, |e| e.subject("consent", consent.id));
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
        let op = ctx.op(AuditAction::ConsentWithdrawn, REGISTRY);
        let (consent, cancelled) = self
            .door
            .change(op, async |w| {
                let today = day_of(w.now());
                let (c, grant) = client_in_scope(w, client, Permission::ConsentManage).await?;
                let mut consent = w
                    .list_consents(client)
                    .await?
                    .into_iter()
                    .find(|k| k.id == id)
                    .ok_or(Fault::not_found("consent"))?;
                let note = note(input.note.as_deref())?;
                consent.withdraw(input.withdrawn_on.unwrap_or(today), note, today)?;
                w.update_consent(&consent).await?;
                // Planned look-ins of nights without consent now end: none may happen, none may
                // be missed.
                let decisions = w.list_decisions(client).await?;
                let consents = w.list_consents(client).await?;
                let first = consent
                    .withdrawn_on
                    .unwrap_or(today)
                    .min(today)
                    .yesterday()
                    .unwrap_or(today);
                let cancelled = self
                    .settle_client_tasks(
                        &mut **w,
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
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("consent", id)
                        .details(serde_json::json!({ "tasks_cancelled": cancelled }).to_string())
                });
                Ok((consent, cancelled))
            })
            .await?;
        if cancelled > 0 {
            self.supervision_changed();
        }
        Ok(consent)
    }

    /// Sets a client's supervision plan (the unit manager).
    pub async fn set_plan(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        input: PlanInput,
    ) -> ServiceResult<SupervisionPlan> {
        let op = ctx.op(AuditAction::PlanChanged, REGISTRY);
        self.door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let (c, grant) = client_in_scope(w, client, Permission::PlanManage).await?;
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
                // Only what the decision granted (or less).
                let decisions = w.list_decisions(client).await?;
                vaka_domain::plan::check_granted(
                    plan.mode,
                    &plan.times,
                    &decisions,
                    day_of(w.now()),
                )?;
                w.upsert_plan(&plan).await?;
                succeeded_on(w, &grant, &c, |e| {
                    e.details(
                        serde_json::json!({ "mode": plan.mode.code(), "times": plan.times.len() })
                            .to_string(),
                    )
                });
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
        let op = ctx.op(AuditAction::PauseRecorded, REGISTRY);
        let (pause, paused) = self
            .door
            .change(op, async |w| {
                let now = to_db_precision(w.now());
                let (c, grant) = client_in_scope(w, client, Permission::PauseRecord).await?;
                check_pause_nights(input.first_night, input.last_night, day_of(w.now()))?;
                let pause = Pause {
                    id: PauseId::new(),
                    client_id: client,
                    first_night: input.first_night,
                    last_night: input.last_night,
                    reason: input.reason,
                    requested: input.requested,
                    note: note(input.note.as_deref())?,
                    recorded_by: ctx.principal.user_id,
                    recorded_at: now,
                    cancelled_at: None,
                };
                w.insert_pause(&pause).await?;
                let paused = self
                    .settle_client_tasks(
                        &mut **w,
                        client,
                        pause.first_night,
                        pause.last_night,
                        Event::Paused,
                        &|_| true,
                    )
                    .await?;
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("pause", pause.id).details(
                        serde_json::json!({
                            "first_night": pause.first_night.to_string(),
                            "last_night": pause.last_night.to_string(),
                            "tasks_paused": paused,
                        })
                        .to_string(),
                    )
                });
                Ok((pause, paused))
            })
            .await?;
        if paused > 0 {
            self.supervision_changed();
        }
        Ok(pause)
    }

    pub async fn cancel_pause(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        id: PauseId,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::PauseCancelled, REGISTRY);
        self.door
            .change(op, async |w| {
                let (c, grant) = client_in_scope(w, client, Permission::PauseRecord).await?;
                if !w.list_pauses(client).await?.iter().any(|p| p.id == id) {
                    return Err(Fault::not_found("pause"));
                }
                let at = DbInstant::new(w.now());
                w.cancel_pause(id, at, ctx.principal.user_id)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => {
                            Fault::conflict(RegistryReason::PauseAlreadyCancelled)
                        }
                        other => other.into(),
                    })?;
                succeeded_on(w, &grant, &c, |e| e.subject("pause", id));
                Ok(())
            })
            .await
    }
}
