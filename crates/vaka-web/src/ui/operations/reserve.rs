//! The reserve list for an outage, made to be printed: tonight's supervisions and the ways into
//! each home, per unit (`/operations/reserve-list`, `?unit=` for one unit). Each load is a
//! print, audited by the service as a read of every client on it.

use askama::Template;
use serde::Deserialize;
use vaka_domain::ids::UnitId;

use crate::extract::Query;
use crate::page::{OrPage, PageCtx, PageResult, Req, local_time};

/// One client, as words.
pub struct Row {
    pub name: String,
    pub identity: String,
    /// The address, or "protected identity" in the reader's language, or empty.
    pub address: String,
    pub phone: String,
    pub supervisions: String,
    pub key_access: String,
}

pub struct UnitPart {
    pub name: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "reserve_list.html")]
pub struct ReservePage {
    pub page: PageCtx,
    pub night: String,
    pub printed: String,
    pub units: Vec<UnitPart>,
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitQuery {
    pub unit: Option<String>,
}

pub async fn page(r: Req, Query(q): Query<UnitQuery>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "operations");
    let t = page.t;
    let unit = crate::page::opt_id::<UnitId>(q.unit.as_deref(), "unit", &page)?;
    let list = r
        .state
        .services
        .reserve_list(&r.caller.ctx(), unit)
        .await
        .or_page(&page)?;
    let units = list
        .units
        .iter()
        .map(|u| UnitPart {
            name: u.name.clone(),
            rows: u
                .rows
                .iter()
                .map(|c| Row {
                    name: c.name.clone(),
                    identity: c.identity.clone(),
                    address: if c.protected {
                        t.t("ops-reserve-protected").into_owned()
                    } else {
                        c.address.clone().unwrap_or_default()
                    },
                    phone: c.phone.clone().unwrap_or_default(),
                    supervisions: c
                        .supervisions
                        .iter()
                        .map(|(at, kind)| {
                            format!(
                                "{:02}:{:02} {}",
                                at.hour(),
                                at.minute(),
                                t.code("task_kind", kind.code())
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    key_access: c
                        .key_access
                        .iter()
                        .map(|k| t.code("key_access", k.code()))
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect(),
        })
        .collect();
    Ok(crate::page::render(
        axum::http::StatusCode::OK,
        &ReservePage {
            night: list.night.to_string(),
            printed: local_time(list.printed_at),
            units,
            page,
        },
    ))
}
