//! Safety alarms: the alarm centre's queue, one alarm with its client's card and log, the
//! operator's and the responder's steps, and the responder's list. The same checks as the
//! pages.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vaka_domain::alarm::{ChainLink, CloseCause};
use vaka_domain::ids::AlarmId;
use vaka_domain::reason::AlarmReason;
use vaka_service::alarms::console::{AlarmItem, AlarmStep, AlarmView};

use crate::api::Api;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Path};
use crate::identity::Caller;
use crate::state::AppState;

/// The open alarms the caller may handle, by priority and age. Audited.
#[utoipa::path(get, path = "/api/v1/alarms", tag = "alarms",
    responses((status = 200, body = Vec<AlarmItem>), (status = 403, body = Problem)))]
pub async fn queue(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<AlarmItem>>> {
    Ok(Json(s.services.alarm_queue(&caller.ctx()).await?))
}

/// The alarms dispatched to the caller's link of the chain, and the ones the caller has
/// acknowledged. Audited.
#[utoipa::path(get, path = "/api/v1/responder/alarms", tag = "alarms",
    responses((status = 200, body = Vec<AlarmItem>), (status = 403, body = Problem)))]
pub async fn responder(Api { state: s, caller }: Api) -> ApiResult<Json<Vec<AlarmItem>>> {
    Ok(Json(s.services.responder_alarms(&caller.ctx()).await?))
}

/// A contact on the client's card.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactDto {
    pub name: String,
    pub relation: String,
    pub phone: String,
}

/// One line of the alarm's log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogLineDto {
    pub at: String,
    pub by: Option<String>,
    pub step: String,
    pub note: Option<String>,
}

/// An alarm with the client's card and its log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlarmViewDto {
    pub alarm: AlarmItem,
    pub client_name: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// `key_box`, `digital_lock`, `staff_key`, `none`.
    pub key_access: Option<String>,
    pub key_note: Option<String>,
    pub contacts: Vec<ContactDto>,
    /// `full` or `name_only` (a protected identity outside its named group).
    pub disclosure: String,
    /// The client's alarm chain now, in order.
    pub chain: Vec<String>,
    pub log: Vec<LogLineDto>,
}

impl From<AlarmView> for AlarmViewDto {
    fn from(v: AlarmView) -> Self {
        let c = v.client.as_ref();
        Self {
            alarm: v.item,
            client_name: c.map(|c| c.name.clone()),
            address: c.and_then(|c| {
                c.address
                    .as_ref()
                    .map(vaka_domain::client::Address::one_line)
            }),
            phone: c.and_then(|c| c.phone.clone()),
            key_access: c.map(|c| c.key_access.code().into()),
            key_note: c.and_then(|c| c.key_note.clone()),
            contacts: c
                .map(|c| {
                    c.contacts
                        .iter()
                        .map(|k| ContactDto {
                            name: k.name.clone(),
                            relation: k.relation.clone(),
                            phone: k.phone.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            disclosure: match v.disclosure {
                vaka_domain::client::Disclosure::Full => "full",
                vaka_domain::client::Disclosure::NameOnly => "name_only",
            }
            .into(),
            chain: v.chain.iter().map(|l| l.code().into()).collect(),
            log: v
                .log
                .into_iter()
                .map(|l| LogLineDto {
                    at: l.at.to_string(),
                    by: l.by,
                    step: l.step,
                    note: l.note,
                })
                .collect(),
        }
    }
}

/// One alarm with the client's card (contacts, key access) and its log. Audited as a read of
/// the client.
#[utoipa::path(get, path = "/api/v1/alarms/{id}", tag = "alarms",
    params(("id" = AlarmId, Path, description = "Alarm id")),
    responses((status = 200, body = AlarmViewDto), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn view(
    Api { state: s, caller }: Api,
    Path(id): Path<AlarmId>,
) -> ApiResult<Json<AlarmViewDto>> {
    Ok(Json(s.services.alarm_view(&caller.ctx(), id).await?.into()))
}

/// A step on an alarm.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AlarmStepInput {
    /// take, release, contact, note, called_back, call_back_failed, dispatch, acknowledge,
    /// on_the_way, arrive, close. `called_back` / `call_back_failed`: the operator called the
    /// client back on the caller channel a SCAIP unit named, and reached them (contact) or not.
    pub step: String,
    /// For dispatch: night_patrol, home_care or relative.
    pub link: Option<String>,
    /// For close: help_given, fall, ambulance, accidental, test, technical, other.
    pub cause: Option<String>,
    /// The call note (contact, note, dispatch) or what happened (close; required for `other`).
    pub note: Option<String>,
}

/// A step's field that is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidStep {
    pub field: &'static str,
    pub reason: AlarmReason,
}

impl From<InvalidStep> for ApiError {
    fn from(e: InvalidStep) -> Self {
        ApiError::invalid(e.field, e.reason)
    }
}

fn invalid(field: &'static str, reason: AlarmReason) -> InvalidStep {
    InvalidStep { field, reason }
}

/// Turns the input into a step, or says which field is wrong.
pub fn parse_step(input: &AlarmStepInput) -> Result<AlarmStep, InvalidStep> {
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    Ok(match input.step.trim() {
        "take" => AlarmStep::Take,
        "release" => AlarmStep::Release,
        "contact" => AlarmStep::Contact { note },
        "called_back" => AlarmStep::CalledBack { note },
        "call_back_failed" => AlarmStep::CallBackFailed { note },
        "note" => AlarmStep::Note {
            note: note.ok_or_else(|| invalid("note", AlarmReason::NoteMissing))?,
        },
        "dispatch" => AlarmStep::Dispatch {
            link: input
                .link
                .as_deref()
                .and_then(|l| ChainLink::from_code(l.trim()))
                .ok_or_else(|| invalid("link", AlarmReason::ChooseLink))?,
            note,
        },
        "acknowledge" => AlarmStep::Acknowledge,
        "on_the_way" => AlarmStep::OnTheWay,
        "arrive" => AlarmStep::Arrive,
        "close" => AlarmStep::Close {
            cause: input
                .cause
                .as_deref()
                .and_then(|c| CloseCause::from_code(c.trim()))
                .ok_or_else(|| invalid("cause", AlarmReason::ChooseCause))?,
            note,
        },
        _ => {
            return Err(invalid("step", AlarmReason::ChooseStep));
        }
    })
}

/// Take a step on an alarm: the operator's (take, release, contact, note, called back, could
/// not reach, dispatch, close) or the responder's (acknowledge, on the way, arrive, close). Checked by the alarm's state
/// machine; logged and audited.
#[utoipa::path(post, path = "/api/v1/alarms/{id}/steps", tag = "alarms",
    request_body = AlarmStepInput,
    params(("id" = AlarmId, Path, description = "Alarm id")),
    responses((status = 200, body = AlarmItem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn step(
    Api { state: s, caller }: Api,
    Path(id): Path<AlarmId>,
    Json(input): Json<AlarmStepInput>,
) -> ApiResult<Json<AlarmItem>> {
    let step = parse_step(&input)?;
    Ok(Json(s.services.alarm_step(&caller.ctx(), id, step).await?))
}

#[cfg(test)]
mod tests {
    use vaka_domain::reason::Reason;

    use super::*;
    use crate::i18n::reason::api_words;
    use crate::i18n::{Lang, Tr};

    fn input(step: &str, link: Option<&str>, cause: Option<&str>) -> AlarmStepInput {
        AlarmStepInput {
            step: step.into(),
            link: link.map(Into::into),
            cause: cause.map(Into::into),
            note: None,
        }
    }

    #[test]
    fn a_wrong_step_says_which_field_in_both_languages() {
        let refused = |i| ApiError::from(parse_step(&i).unwrap_err());
        let e = refused(input("dispatch", Some("ambulance"), None));
        assert_eq!(e.field.as_deref(), Some("link"));
        assert_eq!(e.detail, "link: choose night_patrol, home_care or relative");
        assert_eq!(e.reason.as_deref(), Some(&AlarmReason::ChooseLink.into()));
        let e = refused(input("note", None, None));
        assert_eq!(e.detail, "note: write the note");
        let e = refused(input("close", None, Some("bored")));
        assert_eq!(
            e.detail,
            "cause: choose help_given, fall, ambulance, accidental, test, technical or other"
        );
        let e = refused(input("jump", None, None));
        assert_eq!(
            e.detail,
            "step: choose take, release, contact, note, dispatch, acknowledge, on_the_way, arrive or close"
        );
        let sv = Tr::new(Lang::Sv).reason_of(&AlarmReason::ChooseLink.into());
        assert_eq!(sv, "välj nattpatrull, hemtjänstgrupp eller anhörig");
    }

    #[test]
    fn a_reason_with_a_number_reads_as_before() {
        let r: Reason = AlarmReason::NoteTooLong { max: 1000 }.into();
        assert_eq!(api_words(&r), "at most 1000 characters");
        assert_eq!(Tr::new(Lang::Sv).reason_of(&r), "högst 1000 tecken");
    }
}
