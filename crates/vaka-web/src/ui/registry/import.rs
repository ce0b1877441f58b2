//! Importing clients and devices from a CSV file: check first, then store all rows or only the
//! good ones. The report names every bad row and column.

use askama::Template;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::StatusCode;
use axum::response::Response;
use vaka_domain::reason::{ImportReason, InputReason};
use vaka_service::registry::import::{
    CLIENT_COLUMNS, Column, DEVICE_COLUMNS, ImportKind, ImportMode, ImportOutcome, ImportReport,
};

use crate::error::ApiError;
use crate::i18n::Tr;
use crate::identity::Caller;
use crate::page::{OrPage, PageCtx, PageResult, Req, render};
use crate::state::AppState;
use crate::ui::registry::clients::form_code;

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
    /// "200 av 2 050" when the report holds more problems than the page shows.
    pub problems_count: String,
}

/// Problems the page lists at most (the first ones, in the order of the file's rows).
const PROBLEMS_SHOWN: usize = 200;

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
        problems_count: crate::ui::widgets::paging::counted(
            t,
            0,
            i64::try_from(r.problems.len().min(PROBLEMS_SHOWN)).unwrap_or(i64::MAX),
            i64::try_from(r.problems.len()).unwrap_or(i64::MAX),
        ),
        problems: r
            .problems
            .iter()
            .take(PROBLEMS_SHOWN)
            .map(|p| ProblemLine {
                row: p.row.map_or_else(|| "—".into(), |n| n.to_string()),
                field: p
                    .field
                    .as_deref()
                    .map(std::borrow::ToOwned::to_owned)
                    .unwrap_or_default(),
                message: t.reason_of(&p.reason),
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
        .map_err(|_| ApiError::invalid("file", InputReason::UnreadableUpload))?
    {
        match field.name() {
            Some("file") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| ApiError::invalid("file", InputReason::UnreadableUpload))?;
                file = Some(bytes.to_vec());
            }
            Some("mode") => {
                let text = field
                    .text()
                    .await
                    .map_err(|_| ApiError::invalid("mode", InputReason::UnreadableUpload))?;
                mode = form_code("mode", &text, ImportMode::from_code)?;
            }
            _ => {}
        }
    }
    match file {
        Some(f) if !f.is_empty() => Ok((f, mode)),
        _ => Err(ApiError::invalid("file", ImportReason::ChooseFile)),
    }
}

async fn upload(
    state: AppState,
    t: Tr,
    caller: Caller,
    mp: Result<Multipart, MultipartRejection>,
    kind: ImportKind,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let upload = match mp {
        Ok(mp) => read_upload(mp).await,
        Err(_) => Err(ApiError::invalid("file", ImportReason::SendFromForm)),
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
    Req { state, t, caller }: Req,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    upload(state, t, caller, mp, ImportKind::Clients).await
}

pub async fn devices(
    Req { state, t, caller }: Req,
    mp: Result<Multipart, MultipartRejection>,
) -> PageResult {
    upload(state, t, caller, mp, ImportKind::Devices).await
}

#[cfg(test)]
mod tests {
    use vaka_domain::reason::{ImportColumn, ImportReason, Reason};

    use crate::i18n::{Lang, Tr};

    fn duplicate(count: usize, rows: &str, last: u64, more: usize) -> Reason {
        ImportReason::DuplicateIdentity {
            count,
            rows: rows.to_owned(),
            last,
            more,
        }
        .into()
    }

    #[test]
    fn duplicate_rows_are_listed_in_the_page_language() {
        let (en, sv) = (Tr::new(Lang::En), Tr::new(Lang::Sv));
        assert_eq!(
            en.reason_of(&duplicate(1, "", 4, 0)),
            "the same identity number is also on row 4: keep one row for each"
        );
        assert_eq!(
            en.reason_of(&duplicate(3, "2, 3", 4, 0)),
            "the same identity number is also on row 2, 3 and 4: keep one row for each"
        );
        assert_eq!(
            en.reason_of(&duplicate(7, "1, 2, 3, 4", 5, 2)),
            "the same identity number is also on row 1, 2, 3, 4, 5 and 2 more: keep one row for \
             each"
        );
        assert_eq!(
            sv.reason_of(&duplicate(3, "2, 3", 4, 0)),
            "samma personnummer står också på rad 2, 3 och 4: behåll en rad för varje"
        );
        assert_eq!(
            sv.reason_of(&duplicate(2, "1234", 12345, 0)),
            "samma personnummer står också på rad 1234 och 12345: behåll en rad för varje",
            "row numbers are written without grouping"
        );
    }

    #[test]
    fn a_missing_column_is_named_by_what_goes_in_it() {
        let missing = Reason::from(ImportReason::MissingColumn {
            help: ImportColumn("name"),
        });
        assert_eq!(
            Tr::new(Lang::En).reason_of(&missing),
            "the required column is missing (the client's name)"
        );
        assert_eq!(
            Tr::new(Lang::Sv).reason_of(&missing),
            "en obligatorisk kolumn saknas (brukarens namn)"
        );
    }
}
