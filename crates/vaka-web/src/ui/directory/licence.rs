//! A person's share of delegated health-care tasks on their user page: the licence
//! (profession and number), set or removed by those who manage accounts or keep the task
//! types; and the person's leave, recorded on their running delegations by those who manage
//! accounts or a unit the person works in (a leave of more than three months ends them).

use axum::extract::Path;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::delegation::Profession;
use vaka_domain::ids::UserId;
use vaka_domain::reason::InputReason;
use vaka_service::delegation::leave::{LeaveInput, RecordedLeave};
use vaka_service::delegation::licences::LicenceInput;

use super::account::user_page;
use crate::error::ApiError;
use crate::identity::Caller;
use crate::page::{KeptForm, OrPage, PageCtx, PageError, PageResult, Req, change_record};
use crate::state::AppState;
use crate::ui::delegation::optional;
use crate::ui::registry::clients::Choice;

/// One recorded leave, as words.
pub struct LeaveRow {
    pub from: String,
    pub to: String,
    pub ends_on: String,
}

/// The licence and leave part of the user page.
pub struct StaffDelegation {
    /// The profession's name and the number, when the person holds a licence.
    pub licence: Option<(String, String)>,
    /// The profession's code of the licence held (the form's choice).
    pub profession: String,
    /// Whether the caller may set or remove the licence.
    pub can_licence: bool,
    pub professions: Vec<Choice>,
    /// The running leave in words, and the day it would end the delegations.
    pub running: Option<(String, String)>,
    pub recorded: Vec<LeaveRow>,
    /// How many delegations of the person run, in words.
    pub open_text: String,
    /// Whether the leave part is shown: the caller may record one, or the person has
    /// delegations or leave recorded (an operator of the alarm centre has neither).
    pub show_leave: bool,
    /// Whether the caller may record or end the leave.
    pub can_leave: bool,
    pub today: String,
}

fn leave_row(t: crate::i18n::Tr, l: &RecordedLeave) -> LeaveRow {
    LeaveRow {
        from: l.from.to_string(),
        to: l.to.map_or_else(
            || t.t("leave-still-running").into_owned(),
            |d| d.to_string(),
        ),
        ends_on: l
            .ends_delegations_on
            .map(|d| d.to_string())
            .unwrap_or_default(),
    }
}

/// The person's licence and leave for their page, in the caller's words.
pub(super) async fn staff_delegation(
    state: &AppState,
    caller: &Caller,
    id: UserId,
    page: &PageCtx,
) -> Result<StaffDelegation, PageError> {
    let t = page.t;
    let ctx = caller.ctx();
    let s = &state.services;
    let licence = s.licence_of(&ctx, id).await.or_page(page)?;
    let leave = s.leave_of(&ctx, id).await.or_page(page)?;
    let p = &caller.principal;
    let running = leave.running.map(|l| {
        let from = l.from.to_string();
        let words = match l.to {
            None => t.message("leave-running", &[("from", (&from).into())]),
            Some(to) => t.message(
                "leave-running-until",
                &[("from", (&from).into()), ("to", to.to_string().into())],
            ),
        };
        let ends = l.ends_delegations_on.map_or_else(String::new, |d| {
            t.message("leave-ends-delegations", &[("date", d.to_string().into())])
                .into_owned()
        });
        (words.into_owned(), ends)
    });
    Ok(StaffDelegation {
        profession: licence
            .as_ref()
            .map(|l| l.profession.code().to_owned())
            .unwrap_or_default(),
        licence: licence.map(|l| {
            (
                t.code("profession", l.profession.code()),
                l.number.as_str().to_owned(),
            )
        }),
        can_licence: p.has_permission(Permission::AccountManage)
            || p.has_permission(Permission::TaskTypeManage),
        professions: Profession::ALL
            .iter()
            .map(|k| (k.code().to_owned(), t.code("profession", k.code())))
            .collect(),
        running,
        recorded: leave.recorded.iter().map(|l| leave_row(t, l)).collect(),
        open_text: t
            .message(
                "leave-open-delegations",
                &[("count", leave.open_delegations.to_string().into())],
            )
            .into_owned(),
        show_leave: leave.may_record || leave.open_delegations > 0 || !leave.recorded.is_empty(),
        can_leave: leave.may_record,
        today: s.today().to_string(),
    })
}

/// The licence form: a profession and a number, or `remove`.
#[derive(Debug, Default, Deserialize)]
pub struct LicenceForm {
    #[serde(default)]
    pub profession: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub remove: Option<String>,
}

pub async fn set_licence(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<LicenceForm>,
) -> PageResult {
    let remove = form.remove.is_some();
    change_record(
        r,
        "users",
        &id,
        async |state: &AppState, caller: &Caller, u: UserId| {
            let input = (!remove).then(|| LicenceInput {
                profession: form.profession.clone(),
                number: form.number.clone(),
            });
            state.services.set_licence(&caller.ctx(), u, input).await
        },
        |id| {
            let ok = if remove {
                "licence-removed"
            } else {
                "licence-saved"
            };
            format!("/admin/users/{id}?ok={ok}")
        },
        async |s, caller, id, page| user_page(s, caller, id, page.keeping(sent)).await,
    )
    .await
}

/// The leave form: the first day and, when known, the last.
#[derive(Debug, Default, Deserialize)]
pub struct LeaveForm {
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

pub async fn record_leave(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<LeaveForm>,
) -> PageResult {
    change_record(
        r,
        "users",
        &id,
        async |state: &AppState, caller: &Caller, u: UserId| {
            let from = optional(&form.from, "from")?
                .ok_or_else(|| ApiError::invalid("from", InputReason::Required))?;
            let to = optional(&form.to, "to")?;
            Ok::<_, ApiError>(
                state
                    .services
                    .record_leave(&caller.ctx(), u, LeaveInput { from, to })
                    .await?,
            )
        },
        |id| format!("/admin/users/{id}?ok=leave-recorded-ok"),
        async |s, caller, id, page| user_page(s, caller, id, page.keeping(sent)).await,
    )
    .await
}

/// The form that ends a leave: its last day (today when empty).
#[derive(Debug, Default, Deserialize)]
pub struct EndLeaveForm {
    #[serde(default)]
    pub to: String,
}

pub async fn end_leave(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<EndLeaveForm>,
) -> PageResult {
    change_record(
        r,
        "users",
        &id,
        async |state: &AppState, caller: &Caller, u: UserId| {
            let to = optional(&form.to, "to")?;
            Ok::<_, ApiError>(state.services.end_leave(&caller.ctx(), u, to).await?)
        },
        |id| format!("/admin/users/{id}?ok=leave-ended-ok"),
        async |s, caller, id, page| user_page(s, caller, id, page.keeping(sent)).await,
    )
    .await
}
