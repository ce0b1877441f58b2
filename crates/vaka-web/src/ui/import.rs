//! Importing clients and devices from a CSV file: check first, then store all rows or only the
//! good ones. The report names every bad row and column.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use vaka_service::registry::import::{
    CLIENT_COLUMNS, Column, DEVICE_COLUMNS, ImportKind, ImportMode, ImportOutcome, ImportReport,
};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::ui::pages::{OrPage, PageCtx, PageError, render};

/// A column as the page explains it.
pub struct ColumnLine {
    pub name: &'static str,
    pub required: bool,
    pub help: String,
}

fn columns(t: Tr, cols: &[Column]) -> Vec<ColumnLine> {
    cols.iter()
        .map(|c| {
            let key = format!("import-col-{}", c.name);
            let help = t.t(&key);
            ColumnLine {
                name: c.name,
                required: c.required,
                help: if help == key {
                    c.help.to_owned()
                } else {
                    help.into_owned()
                },
            }
        })
        .collect()
}

pub struct ProblemLine {
    pub row: String,
    pub field: String,
    pub message: String,
}

/// The report as the page shows it.
pub struct ReportView {
    pub kind: String,
    pub outcome_key: &'static str,
    pub ok: bool,
    pub encoding: String,
    pub rows_total: u64,
    pub rows_valid: u64,
    pub rows_imported: u64,
    pub problems: Vec<ProblemLine>,
}

fn view(t: Tr, r: &ImportReport) -> ReportView {
    ReportView {
        kind: t
            .t(match r.kind {
                ImportKind::Clients => "import-clients",
                ImportKind::Devices => "import-devices",
            })
            .into_owned(),
        outcome_key: match r.outcome {
            ImportOutcome::Imported => "import-outcome-imported",
            ImportOutcome::PartlyImported => "import-outcome-partly_imported",
            ImportOutcome::Valid => "import-outcome-valid",
            ImportOutcome::Rejected => "import-outcome-rejected",
        },
        ok: r.accepted(),
        encoding: r.encoding.clone().unwrap_or_default(),
        rows_total: r.rows_total,
        rows_valid: r.rows_valid,
        rows_imported: r.rows_imported,
        problems: r
            .problems
            .iter()
            .map(|p| ProblemLine {
                row: p.row.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
                field: p.field.as_deref().map(|f| f.to_owned()).unwrap_or_default(),
                message: t.reason(&p.message),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub page: PageCtx,
    pub client_columns: Vec<ColumnLine>,
    pub device_columns: Vec<ColumnLine>,
    pub report: Option<ReportView>,
    pub can_devices: bool,
}

fn import_page(caller: &Caller, page: PageCtx, report: Option<&ImportReport>) -> Response {
    let t = page.t;
    let status = match report {
        Some(r) if !r.accepted() => StatusCode::UNPROCESSABLE_ENTITY,
        _ => page.status(),
    };
    render(
        status,
        &ImportPage {
            client_columns: columns(t, CLIENT_COLUMNS),
            device_columns: columns(t, DEVICE_COLUMNS),
            report: report.map(|r| view(t, r)),
            can_devices: caller
                .principal
                .has_permission(vaka_domain::access::Permission::DeviceManage),
            page,
        },
    )
}

pub async fn form(t: Tr, caller: Caller) -> Response {
    let page = PageCtx::for_caller(&caller, t, "clients");
    import_page(&caller, page, None)
}

/// The uploaded file and the chosen mode.
async fn read_upload(mut mp: Multipart) -> Result<(Vec<u8>, ImportMode), ApiError> {
    let mut file = None;
    let mut mode = ImportMode::Validate;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| ApiError::invalid("file", e.body_text()))?
    {
        match field.name() {
            Some("file") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| ApiError::invalid("file", e.body_text()))?;
                file = Some(bytes.to_vec());
            }
            Some("mode") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| ApiError::invalid("mode", e.body_text()))?;
                mode = match text.as_str() {
                    "validate" => ImportMode::Validate,
                    "all" => ImportMode::All,
                    "only_valid" => ImportMode::OnlyValid,
                    _ => return Err(ApiError::invalid("mode", "is not one of the choices")),
                };
            }
            _ => {}
        }
    }
    match file {
        Some(f) if !f.is_empty() => Ok((f, mode)),
        _ => Err(ApiError::invalid("file", "choose a file")),
    }
}

async fn upload(
    state: AppState,
    t: Tr,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
    kind: ImportKind,
) -> Result<Response, PageError> {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let upload = match mp {
        Ok(mp) => read_upload(mp).await,
        Err(_) => Err(ApiError::invalid(
            "file",
            "send the file from the form on this page",
        )),
    };
    let (file, mode) = match upload {
        Ok(x) => x,
        Err(e) => return Ok(import_page(&caller, page.with_error(&e), None)),
    };
    let report = match kind {
        ImportKind::Clients => {
            state
                .services
                .import_clients(&caller.ctx(), &file, None, mode)
                .await
        }
        ImportKind::Devices => {
            state
                .services
                .import_devices(&caller.ctx(), &file, None, mode)
                .await
        }
    }
    .or_page(&page)?;
    Ok(import_page(&caller, page, Some(&report)))
}

pub async fn clients(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    upload(state, t, caller, mp, ImportKind::Clients).await
}

pub async fn devices(
    State(state): State<AppState>,
    t: Tr,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, PageError> {
    upload(state, t, caller, mp, ImportKind::Devices).await
}
