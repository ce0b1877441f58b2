//! Importing clients and devices from a CSV file: check first, then store all rows or only the
//! good ones. The report names every bad row and column.

use askama::Template;
use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vaka_domain::reason::{ImportReason, InputReason};
use vaka_service::registry::import::{
    CLIENT_COLUMNS, Column, DEVICE_COLUMNS, ImportKind, ImportMode, ImportOutcome, ImportProblem,
    ImportReport,
};

use crate::error::ApiError;
use crate::extract::Query;
use crate::i18n::{Arg, Tr};
use crate::identity::Caller;
use crate::kept_reports::KeptReport;
use crate::page::{OrPage, PageCtx, PageResult, Req, render};
use crate::reports::csv::CsvFile;
use crate::state::AppState;
use crate::ui::registry::clients::form_code;
use crate::ui::widgets::paging::{Pager, grouped, page_number};

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
    /// One page of the problems.
    pub problems: Vec<ProblemLine>,
    /// Whether the whole report is kept for this session (its pages and its CSV file).
    pub kept: bool,
    /// Said when the import found more problems than are kept.
    pub cut: Option<String>,
}

/// Problems a page of the report lists.
const PROBLEMS_PAGE: i64 = 200;

/// A problem in words: its row ("—" for the file's), column and reason.
fn line(t: Tr, p: &ImportProblem) -> ProblemLine {
    ProblemLine {
        row: p.row.map_or_else(|| "—".into(), |n| n.to_string()),
        field: p.field.clone().unwrap_or_default(),
        message: t.reason_of(&p.reason),
    }
}

/// Page `n` of the report (the last one when `n` is past it), with its pager.
fn view(t: Tr, r: &ImportReport, n: i64, kept: Option<&KeptReport>) -> (ReportView, Pager) {
    let total = i64::try_from(r.problems.len()).unwrap_or(i64::MAX);
    let last = ((total + PROBLEMS_PAGE - 1) / PROBLEMS_PAGE).max(1);
    let n = n.clamp(1, last);
    let offset = (n - 1) * PROBLEMS_PAGE;
    let problems: Vec<ProblemLine> = r
        .problems
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(PROBLEMS_PAGE).unwrap_or(usize::MAX))
        .map(|p| line(t, p))
        .collect();
    let mut pager = Pager::new(
        t,
        "/import/report",
        &[(); 0],
        (n, PROBLEMS_PAGE),
        (offset, problems.len(), total),
    );
    if kept.is_none() {
        // Nothing to page to: the count alone.
        pager.prev = None;
        pager.next = None;
    }
    let cut = kept
        .filter(|k| k.problems_found > k.report.problems.len())
        .map(|k| {
            t.message(
                "import-problems-cut",
                &[
                    (
                        "found",
                        Arg::from(grouped(
                            t.lang,
                            i64::try_from(k.problems_found).unwrap_or(i64::MAX),
                        )),
                    ),
                    ("kept", Arg::from(grouped(t.lang, total))),
                ],
            )
            .into_owned()
        });
    let view = ReportView {
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
        problems,
        kept: kept.is_some(),
        cut,
    };
    (view, pager)
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct ImportPage {
    pub page: PageCtx,
    pub client_columns: Vec<ColumnLine>,
    pub device_columns: Vec<ColumnLine>,
    pub report: Option<ReportView>,
    /// The report's pages.
    pub pager: Pager,
    pub can_devices: bool,
}

/// The import page, with the report of an upload (`status` given) or without one.
fn import_page(
    caller: &Caller,
    page: PageCtx,
    report: Option<(ReportView, Pager)>,
    status: StatusCode,
) -> Response {
    let t = page.t;
    let (report, pager) = match report {
        Some((r, p)) => (Some(r), p),
        None => (None, Pager::default()),
    };
    render(
        status,
        &ImportPage {
            client_columns: columns(t, CLIENT_COLUMNS),
            device_columns: columns(t, DEVICE_COLUMNS),
            report,
            pager,
            can_devices: caller
                .principal
                .has_permission(vaka_domain::access::Permission::DeviceManage),
            page,
        },
    )
}

pub async fn form(t: Tr, caller: Caller) -> Response {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let status = page.status();
    import_page(&caller, page, None, status)
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
        Err(e) => {
            let page = page.with_error(&e);
            let status = page.status();
            return Ok(import_page(&caller, page, None, status));
        }
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
    let status = if report.accepted() {
        page.status()
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // The whole report stays with the session for a while: its further pages and its CSV.
    let Some(session) = caller.session.as_ref().map(|s| s.id) else {
        let shown = view(t, &report, 1, None);
        return Ok(import_page(&caller, page, Some(shown), status));
    };
    let kept = state.import_reports.keep(
        session,
        caller.principal.user_id,
        report,
        state.services.now(),
    );
    let shown = view(t, &kept.report, 1, Some(&kept));
    Ok(import_page(&caller, page, Some(shown), status))
}

/// The page of the kept report a link asks for.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    pub page: Option<String>,
}

/// The caller's kept report, if any: the same session's and user's, not yet expired.
fn kept_report(state: &AppState, caller: &Caller) -> Option<std::sync::Arc<KeptReport>> {
    let session = caller.session.as_ref()?;
    state
        .import_reports
        .get(session.id, caller.principal.user_id, state.services.now())
}

/// The import page saying the report is no longer kept (expired, or never this session's).
fn report_gone(caller: &Caller, mut page: PageCtx) -> Response {
    page.error = Some(page.t.t("import-report_gone").into_owned());
    page.error_status = Some(StatusCode::NOT_FOUND);
    import_page(caller, page, None, StatusCode::NOT_FOUND)
}

/// `GET /import/report?page=N`: a page of the session's last import report.
pub async fn report_page(
    Req { state, t, caller }: Req,
    Query(q): Query<ReportQuery>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "clients");
    let Some(kept) = kept_report(&state, &caller) else {
        return Ok(report_gone(&caller, page));
    };
    let shown = view(t, &kept.report, page_number(q.page.as_deref()), Some(&kept));
    Ok(import_page(&caller, page, Some(shown), StatusCode::OK))
}

/// `GET /import/report.csv`: every kept problem of the session's last import report.
pub async fn report_csv(Req { state, t, caller }: Req) -> PageResult {
    let Some(kept) = kept_report(&state, &caller) else {
        return Ok(report_gone(
            &caller,
            PageCtx::for_caller(&caller, t, "clients"),
        ));
    };
    let mut csv = CsvFile::new(&["row", "column", "problem"]);
    for p in &kept.report.problems {
        let l = line(t, p);
        csv.row([l.row, l.field, l.message]);
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"vaka-import-problems.csv\"",
            ),
        ],
        csv.finish(),
    )
        .into_response())
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
