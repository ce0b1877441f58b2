//! Consent: its rows on the client's page, documenting and withdrawing it.

use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::consent::{GivenBy, InformedHow};
use vaka_domain::decision::ServiceKind;
use vaka_domain::ids::ConsentId;
use vaka_service::registry::care::{ConsentInput, WithdrawInput};
use vaka_service::registry::clients::ClientView;

use super::{change, day, form_code, form_date, form_opt_date, form_opt_text, found};
use crate::error::ApiError;
use crate::extract::Path;
use crate::i18n::Tr;
use crate::page::{KeptForm, PageResult, Req};

pub struct ConsentRow {
    pub id: ConsentId,
    pub service: String,
    pub informed: String,
    pub given: String,
    pub reconfirm_by: String,
    pub state: &'static str,
    pub withdrawn: String,
    pub can_withdraw: bool,
}

pub(super) fn rows(t: Tr, view: &ClientView, today: Date, can_consent: bool) -> Vec<ConsentRow> {
    view.consents
        .iter()
        .map(|k| {
            let state_key = if k.withdrawn_on.is_some() {
                "consent-state-withdrawn"
            } else if k.is_valid_on(today)
                && k.reconfirm_by
                    <= today
                        .checked_add(
                            jiff::Span::new().days(vaka_service::registry::care::CONSENT_DUE_DAYS),
                        )
                        .unwrap_or(today)
            {
                // In force, but to be re-confirmed within the month: the assessor's list has it
                // too.
                "consent-state-due"
            } else if k.is_valid_on(today) {
                "consent-state-valid"
            } else if k.reconfirm_by < today {
                "consent-state-reconfirm"
            } else {
                "consent-state-coming"
            };
            ConsentRow {
                id: k.id,
                service: t.code("service", k.service.code()),
                informed: format!(
                    "{} · {} · {}",
                    k.informed_on,
                    t.code("informed_how", k.informed_how.code()),
                    k.informed_by
                ),
                given: match &k.representative_name {
                    Some(n) => format!(
                        "{} ({}) · {}",
                        t.code("given_by", k.given_by.code()),
                        n,
                        k.given_on
                    ),
                    None => format!("{} · {}", t.code("given_by", k.given_by.code()), k.given_on),
                },
                reconfirm_by: day(k.reconfirm_by),
                state: state_key,
                withdrawn: k
                    .withdrawn_on
                    .map(|w| format!("{w} {}", k.withdrawal_note.clone().unwrap_or_default()))
                    .unwrap_or_default(),
                can_withdraw: can_consent && k.withdrawn_on.is_none(),
            }
        })
        .collect()
}

#[derive(Debug, Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub informed_by: String,
    #[serde(default)]
    pub informed_on: String,
    #[serde(default)]
    pub informed_how: String,
    #[serde(default)]
    pub given_by: String,
    #[serde(default)]
    pub representative_name: String,
    #[serde(default)]
    pub given_on: String,
    #[serde(default)]
    pub reconfirm_by: String,
}

impl ConsentForm {
    fn to_input(&self) -> Result<ConsentInput, ApiError> {
        Ok(ConsentInput {
            service: form_code("service", &self.service, ServiceKind::from_code)?,
            informed_by: self.informed_by.clone(),
            informed_on: form_date("informed_on", &self.informed_on)?,
            informed_how: form_code("informed_how", &self.informed_how, InformedHow::from_code)?,
            given_by: form_code("given_by", &self.given_by, GivenBy::from_code)?,
            representative_name: form_opt_text(&self.representative_name),
            given_on: form_date("given_on", &self.given_on)?,
            reconfirm_by: form_opt_date("reconfirm_by", &self.reconfirm_by)?,
        })
    }
}

pub async fn add_consent(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<ConsentForm>,
) -> PageResult {
    change(
        r,
        &id,
        "consent-recorded",
        "consent",
        sent,
        async |s, ctx, id| Ok(s.services.record_consent(ctx, id, form.to_input()?).await?),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(default)]
    pub withdrawn_on: String,
    #[serde(default)]
    pub note: String,
}

pub async fn withdraw_consent(
    r: Req,
    Path((id, consent)): Path<(String, String)>,
    KeptForm(form, sent): KeptForm<WithdrawForm>,
) -> PageResult {
    change(
        r,
        &id,
        "consent-withdrawn",
        "consent",
        sent,
        async |s, ctx, id| {
            let consent: ConsentId = found(&consent)?;
            let input = WithdrawInput {
                withdrawn_on: form_opt_date("withdrawn_on", &form.withdrawn_on)?,
                note: form_opt_text(&form.note),
            };
            Ok(s.services.withdraw_consent(ctx, id, consent, input).await?)
        },
    )
    .await
}
