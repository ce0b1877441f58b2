//! The municipality's list of task types: read by everyone who reaches the delegation pages;
//! its keeper (`TaskTypeManage`) adds a type and changes or retires one. The domain checks
//! what is typed (the code's shape, never an act that stays with licensed staff, a name, at
//! least one profession).

use askama::Template;
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::delegation::{Profession, TaskType, TaskTypeCode};
use vaka_domain::reason::DelegationReason;

use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::identity::Caller;
use crate::page::{KeptForm, OrPage, PageCtx, PageResult, Req, Sent, after_change};
use crate::state::AppState;
use crate::ui::account::home::Flash;
use crate::ui::registry::clients::Choice;

/// One task type of the list, as words.
pub struct TaskTypeRow {
    pub code: String,
    pub name: String,
    /// The professions' names, joined.
    pub prescribers: String,
    /// The professions' codes (the change form's ticks).
    pub prescriber_codes: Vec<String>,
    pub medication: bool,
    pub retired: bool,
}

impl TaskTypeRow {
    /// Whether the change form ticks `profession`.
    pub fn prescribes(&self, profession: &str) -> bool {
        self.prescriber_codes.iter().any(|p| p == profession)
    }

    /// The name of this row's change form (its fields' ids start with it).
    pub fn form(&self) -> String {
        format!("tt-{}", self.code)
    }
}

#[derive(Template)]
#[template(path = "task_types.html")]
pub struct TaskTypesPage {
    pub page: PageCtx,
    pub rows: Vec<TaskTypeRow>,
    pub professions: Vec<Choice>,
    pub may_keep: bool,
}

async fn list_page(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let t = page.t;
    let list = state
        .services
        .task_types(&caller.ctx())
        .await
        .or_page(&page)?;
    let rows = list
        .iter()
        .map(|k| TaskTypeRow {
            code: k.code.to_string(),
            name: k.name.clone(),
            prescribers: k
                .prescribers
                .iter()
                .map(|p| t.code("profession", p.code()))
                .collect::<Vec<_>>()
                .join(", "),
            prescriber_codes: k.prescribers.iter().map(|p| p.code().to_owned()).collect(),
            medication: k.medication,
            retired: k.retired,
        })
        .collect();
    let professions = Profession::ALL
        .iter()
        .map(|p| (p.code().to_owned(), t.code("profession", p.code())))
        .collect();
    Ok(crate::page::render(
        page.status(),
        &TaskTypesPage {
            rows,
            professions,
            may_keep: caller.principal.has_permission(Permission::TaskTypeManage),
            page,
        },
    ))
}

pub async fn list(r: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "delegation").with_flash_key(f.ok.as_deref());
    list_page(&r.state, &r.caller, page).await
}

/// A task type as the forms send it; `prescribers` repeats (checkboxes), so it is read from
/// what was sent.
#[derive(Debug, Default, Deserialize)]
pub struct TaskTypeForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub medication: Option<String>,
    #[serde(default)]
    pub retired: Option<String>,
}

fn task_type_of(code: &str, form: &TaskTypeForm, sent: &Sent) -> Result<TaskType, ApiError> {
    let code = TaskTypeCode::parse(code).map_err(vaka_service::ServiceError::from)?;
    let prescribers = sent
        .all("prescribers")
        .iter()
        .map(|p| Profession::parse("prescribers", p))
        .collect::<Result<Vec<_>, _>>()
        .map_err(vaka_service::ServiceError::from)?;
    Ok(TaskType {
        code,
        name: form.name.trim().to_owned(),
        prescribers,
        medication: form.medication.is_some(),
        retired: form.retired.is_some(),
    })
}

/// Back to the list with a notice, or the list again with the error beside the form.
async fn saved(r: Req, result: Result<TaskType, ApiError>, sent: Sent) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "delegation");
    after_change(
        crate::page::ErrorPage::Refused,
        result,
        page,
        |_, _| {
            axum::response::IntoResponse::into_response(axum::response::Redirect::to(
                "/delegation/task-types?ok=tasktype-saved",
            ))
        },
        async |page| list_page(&state, &caller, page.keeping(sent)).await,
    )
    .await
}

pub async fn add(r: Req, KeptForm(form, sent): KeptForm<TaskTypeForm>) -> PageResult {
    let result = match task_type_of(&form.code, &form, &sent) {
        // A new type is in use: `retired` is for the change form.
        Ok(k) => r
            .state
            .services
            .add_task_type(
                &r.caller.ctx(),
                TaskType {
                    retired: false,
                    ..k
                },
            )
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    saved(r, result, sent).await
}

pub async fn change(
    r: Req,
    Path(code): Path<String>,
    KeptForm(form, sent): KeptForm<TaskTypeForm>,
) -> PageResult {
    let result = match task_type_of(&code, &form, &sent) {
        Ok(k) => r
            .state
            .services
            .change_task_type(&r.caller.ctx(), k)
            .await
            .map_err(ApiError::from),
        // A code in the path that is not one is a task type the list does not hold.
        Err(_) if TaskTypeCode::parse(&code).is_err() => {
            Err(ApiError::from(vaka_service::ServiceError::invalid(
                "task_type",
                DelegationReason::UnknownTaskType {
                    code: code.chars().take(40).collect(),
                },
            )))
        }
        Err(e) => Err(e),
    };
    saved(r, result, sent).await
}
