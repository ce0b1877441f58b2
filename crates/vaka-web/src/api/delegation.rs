//! Delegated tasks in the staff app: a client's signing list of a day (the occasions due
//! first, each saying whether the caller may sign it, and the as-needed tasks). Signings
//! themselves travel in the app's outbox (`/api/v1/app/sync`, records of kind `signing`).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use vaka_domain::delegation::Signing;
use vaka_domain::delegation::prescription::hhmm;
use vaka_domain::ids::{ClientId, PrescriptionId};
use vaka_service::delegation::signing::ClientSignings;

use crate::api::Api;
use crate::error::{ApiResult, Problem};
use crate::extract::{Json, Path, Query};

#[derive(Debug, Deserialize, IntoParams)]
pub struct DayQuery {
    /// `YYYY-MM-DD`; today (Europe/Stockholm) when not given.
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<Date>,
}

/// A signing as the app shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedDto {
    #[schema(value_type = String, format = Uuid)]
    pub id: vaka_domain::ids::SigningId,
    /// The outcome's code (`given`, `given_late`, `not_given`, …).
    pub outcome: String,
    pub late: bool,
    /// Flagged to the nurse: the delegation had ended when it reached the server.
    pub flagged: bool,
    #[schema(value_type = String, format = DateTime)]
    pub signed_at: Timestamp,
}

impl From<&Signing> for SignedDto {
    fn from(s: &Signing) -> Self {
        Self {
            id: s.id,
            outcome: s.outcome.code().to_owned(),
            late: s.late,
            flagged: s.flagged,
            signed_at: s.signed_at,
        }
    }
}

/// One occasion of the day.
#[derive(Debug, Serialize, ToSchema)]
pub struct OccasionDto {
    /// The occasion's key, `{prescription}/{YYYY-MM-DD}/{HH:MM}` (what a signing names).
    pub occasion: String,
    /// The prescribed local time, `HH:MM`.
    pub time: String,
    #[schema(value_type = String, format = DateTime)]
    pub opens: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub closes: Timestamp,
    /// `open`, `missed`, `upcoming` or `signed` (the list's order is this, each by time).
    pub state: String,
    pub task_type: String,
    pub task_name: String,
    pub instruction: String,
    pub medication: bool,
    /// The caller holds a delegation, valid now, that covers it.
    pub may_sign: bool,
    pub signing: Option<SignedDto>,
}

/// An as-needed task.
#[derive(Debug, Serialize, ToSchema)]
pub struct AsNeededDto {
    #[schema(value_type = String, format = Uuid)]
    pub prescription_id: PrescriptionId,
    pub task_name: String,
    pub instruction: String,
    pub medication: bool,
    pub may_sign: bool,
    /// Signed today, oldest first.
    pub signed_today: Vec<SignedDto>,
}

/// A client's signing list of a day.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientSigningsDto {
    #[schema(value_type = String, format = Uuid)]
    pub client_id: ClientId,
    pub client_name: String,
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub occasions: Vec<OccasionDto>,
    pub as_needed: Vec<AsNeededDto>,
}

impl From<ClientSignings> for ClientSigningsDto {
    fn from(c: ClientSignings) -> Self {
        Self {
            client_id: c.client_id,
            client_name: c.client_name,
            date: c.day,
            occasions: c
                .occasions
                .into_iter()
                .map(|o| OccasionDto {
                    occasion: o.occasion.key.to_string(),
                    time: hhmm(o.occasion.key.time),
                    opens: o.occasion.opens,
                    closes: o.occasion.closes,
                    state: o.state.to_owned(),
                    task_type: o.occasion.task_type.to_string(),
                    task_name: o.task_name,
                    instruction: o.instruction,
                    medication: o.medication,
                    may_sign: o.may_sign,
                    signing: o.signing.as_ref().map(SignedDto::from),
                })
                .collect(),
            as_needed: c
                .as_needed
                .into_iter()
                .map(|a| AsNeededDto {
                    prescription_id: a.prescription.id,
                    task_name: a.task_name,
                    instruction: a.prescription.terms.instruction.clone(),
                    medication: a.medication,
                    may_sign: a.may_sign,
                    signed_today: a.signed_today.iter().map(SignedDto::from).collect(),
                })
                .collect(),
        }
    }
}

/// A client's signing list of a day for the staff app (care workers who sign tasks for the
/// client): the occasions in the order to act on them (open, missed, upcoming, signed), and the
/// as-needed tasks. Audited as a read of the client.
#[utoipa::path(get, path = "/api/v1/app/clients/{id}/signings", tag = "delegation",
    params(("id" = String, Path, description = "The client's id"), DayQuery),
    responses((status = 200, body = ClientSigningsDto), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn client_signings(
    Api { state: s, caller }: Api,
    Path(id): Path<ClientId>,
    Query(q): Query<DayQuery>,
) -> ApiResult<Json<ClientSigningsDto>> {
    let date = q.date.unwrap_or_else(|| s.services.today());
    let list = s.services.client_signings(&caller.ctx(), id, date).await?;
    Ok(Json(list.into()))
}
