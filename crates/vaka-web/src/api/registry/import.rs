//! Importing clients and devices from CSV files. The body is the file itself; the answer is a
//! report that names every bad row, with `200` when the request did what it asked and `422`
//! when nothing was stored.

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::UtoipaMethodRouter;
use uuid::Uuid;
use vaka_service::registry::import::{
    ImportKind, ImportMode, ImportOutcome, ImportProblem, ImportReport,
};

use crate::api::Api;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Json, Query};
use crate::i18n::reason::api_words;
use crate::state::AppState;

/// The largest file an import takes (some 250,000 client rows).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Lets the import routes take files larger than other requests may be.
pub fn with_file_limit(r: UtoipaMethodRouter<AppState>) -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, mr) = r;
    (
        schemas,
        paths,
        mr.layer(DefaultBodyLimit::max(MAX_FILE_BYTES)),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `validate` (the default): check every row and store nothing; `all`: store every row,
    /// or nothing when any row is bad; `only_valid`: store the good rows and report the bad.
    pub mode: Option<ImportMode>,
}

/// A body that is not declared as a CSV file.
struct NotCsv;

impl From<NotCsv> for ApiError {
    fn from(_: NotCsv) -> Self {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "send the file itself as the body, with Content-Type: text/csv",
        )
    }
}

/// Checks that the body is declared as a CSV file; returns the charset it names, if any.
fn csv_charset(headers: &HeaderMap) -> Result<Option<String>, NotCsv> {
    let Some(ct) = headers.get(header::CONTENT_TYPE) else {
        return Ok(None);
    };
    let ct = ct.to_str().map_err(|_| NotCsv)?;
    let mut parts = ct.split(';');
    let essence = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    if !matches!(
        essence.as_str(),
        "text/csv"
            | "application/csv"
            | "text/plain"
            | "application/vnd.ms-excel"
            | "application/octet-stream"
    ) {
        return Err(NotCsv);
    }
    Ok(parts
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("charset"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned()))
}

/// Why the body could not be taken.
fn unread(r: &BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            format!(
                "the file is larger than {} MiB: split it into several imports",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        )
    } else {
        ApiError::bad_request(format!("the file could not be read: {}", r.body_text()))
    }
}

/// One thing wrong with the file.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ImportProblem)]
pub struct ImportProblemDto {
    /// The row as a spreadsheet numbers it (the header is row 1); absent when the problem is
    /// the file's as a whole.
    pub row: Option<u64>,
    /// The column; absent when the problem is the whole row's or the file's.
    pub field: Option<String>,
    /// What is wrong, in words a person can act on. Never repeats the value.
    pub message: String,
}

impl From<ImportProblem> for ImportProblemDto {
    fn from(p: ImportProblem) -> Self {
        Self {
            message: api_words(&p.reason),
            row: p.row,
            field: p.field,
        }
    }
}

/// What an import found and did.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ImportReport)]
pub struct ImportReportDto {
    /// Names this import in the audit log (subject `import`).
    #[schema(value_type = String, format = Uuid)]
    pub import_id: Uuid,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub outcome: ImportOutcome,
    /// How the file was read: `utf-8` or `windows-1252` (absent when it could not be).
    pub encoding: Option<String>,
    /// The delimiter found in the header.
    pub delimiter: Option<String>,
    /// Data rows in the file (wholly empty rows are not counted).
    pub rows_total: u64,
    /// Rows without a problem.
    pub rows_valid: u64,
    /// Rows stored by this request.
    pub rows_imported: u64,
    /// Every problem found, in the order of the file.
    pub problems: Vec<ImportProblemDto>,
}

impl From<ImportReport> for ImportReportDto {
    fn from(r: ImportReport) -> Self {
        Self {
            import_id: r.import_id,
            kind: r.kind,
            mode: r.mode,
            outcome: r.outcome,
            encoding: r.encoding,
            delimiter: r.delimiter,
            rows_total: r.rows_total,
            rows_valid: r.rows_valid,
            rows_imported: r.rows_imported,
            problems: r.problems.into_iter().map(ImportProblemDto::from).collect(),
        }
    }
}

/// An import of a CSV body: the charset its header names, the bytes, and `run` with both; the
/// report comes back 200 when the file was accepted, else 422.
async fn import<E: Into<ApiError>>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    run: impl AsyncFnOnce(&[u8], Option<&str>) -> Result<ImportReport, E>,
) -> ApiResult<(StatusCode, Json<ImportReportDto>)> {
    let charset = csv_charset(headers)?;
    let body = body.map_err(|r| unread(&r))?;
    let report = run(&body, charset.as_deref()).await.map_err(Into::into)?;
    let status = if report.accepted() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report.into())))
}

/// Import clients from a CSV file (UTF-8 or Windows-1252; `;` or `,` between values). Columns:
/// `identity` and `name` (required), `identity_kind`, `address_street`, `address_postcode`,
/// `address_city`, `phone`, `provider` (name or id), `unit` (name or id), `protection`,
/// `area_type`, `key_access`, `key_note`, and `contact1_name`, `contact1_relation`,
/// `contact1_phone`, `contact1_note` (likewise `contact2_…`, `contact3_…`). All rows or none
/// are stored unless `mode=only_valid`. Each client stored is audited.
#[utoipa::path(post, path = "/api/v1/import/clients", tag = "import", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "Stored (or, with `validate`, a valid file)", body = ImportReportDto),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem),
        (status = 422, description = "Nothing stored: the report names every problem", body = ImportReportDto)))]
pub async fn import_clients(
    Api { state: s, caller }: Api,
    Query(p): Query<ImportParams>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ImportReportDto>)> {
    import(&headers, body, async |csv, charset| {
        s.services
            .import_clients(&caller.ctx(), csv, charset, p.mode.unwrap_or_default())
            .await
    })
    .await
}

/// Import devices from a CSV file. Columns: `kind`, `serial`, `model` (required), `firmware`,
/// `dc09_account`, `dc09_key`, `dc09_key_style` (`ascii`, `hex`, or `clear` for an account
/// without a key, chosen explicitly), `client_identity` (the device is then assigned to that
/// client). Devices come without credentials; issue them one by one.
#[utoipa::path(post, path = "/api/v1/import/devices", tag = "import", params(ImportParams),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 200, description = "Stored (or, with `validate`, a valid file)", body = ImportReportDto),
        (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem),
        (status = 415, body = Problem),
        (status = 422, description = "Nothing stored: the report names every problem", body = ImportReportDto)))]
pub async fn import_devices(
    Api { state: s, caller }: Api,
    Query(p): Query<ImportParams>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<ImportReportDto>)> {
    import(&headers, body, async |csv, charset| {
        s.services
            .import_devices(&caller.ctx(), csv, charset, p.mode.unwrap_or_default())
            .await
    })
    .await
}
