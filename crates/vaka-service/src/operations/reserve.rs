//! The reserve list for an outage (reservrutin, seed 002): printed in advance by a unit manager
//! or the night patrol, so that tonight's supervisions go on when the system is down — each
//! client on tonight's rounds that the caller may see, with the planned times, how the visit
//! is made, and the ways into the home. Printing it reads every client on it, so each is
//! audited as a read of that client (once per print), and a protected identity's address is
//! never printed.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client::KeyAccess;
use vaka_domain::ids::{ClientId, UnitId};
use vaka_domain::operations::outage::reserve_night;
use vaka_domain::reason::OperationsReason;
use vaka_domain::rounds::TaskKind;

use super::OPERATIONS;
use crate::door::Work;
use crate::{Ctx, ServiceResult, Services};

/// One client of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveRow {
    pub client_id: ClientId,
    pub name: String,
    /// The personnummer (or other identity), as stored.
    pub identity: String,
    /// The address on one line; `None` for a protected identity (never printed) or none known.
    pub address: Option<String>,
    pub protected: bool,
    pub phone: Option<String>,
    /// Tonight's supervisions: the planned local time and how.
    pub supervisions: Vec<(Time, TaskKind)>,
    pub key_access: Vec<KeyAccess>,
}

/// One unit's part of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveUnit {
    pub unit_id: Option<UnitId>,
    pub name: String,
    pub rows: Vec<ReserveRow>,
}

/// The reserve list of one night.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReserveList {
    /// The evening date of the night.
    pub night: Date,
    pub printed_at: Timestamp,
    pub units: Vec<ReserveUnit>,
}

impl Services {
    /// Tonight's reserve list (the coming night from 06:00, else the one in progress) for the
    /// units the caller reaches (one unit when `unit` is
    /// given), grouped by unit. Each client on it is audited as read.
    pub async fn reserve_list(
        &self,
        ctx: &Ctx<'_>,
        unit: Option<UnitId>,
    ) -> ServiceResult<ReserveList> {
        let op = ctx.op(AuditAction::ReserveListPrinted, OPERATIONS);
        self.door
            .read(op, async |r| {
                r.any_grant(
                    Permission::ReserveListPrint,
                    OperationsReason::MayNotPrintReserveList,
                )?;
                let now = r.now();
                let tz = crate::registry::stockholm();
                let night = reserve_night(now, &tz);
                let tasks = r.list_night_tasks(night).await?;
                let mut by_client: BTreeMap<ClientId, Vec<(Time, TaskKind)>> = BTreeMap::new();
                let mut order: Vec<ClientId> = Vec::new();
                for t in &tasks {
                    let e = by_client.entry(t.client_id).or_default();
                    if e.is_empty() {
                        order.push(t.client_id);
                    }
                    e.push((t.planned_time, t.kind));
                }
                let mut units: BTreeMap<Option<UnitId>, Vec<ReserveRow>> = BTreeMap::new();
                for id in order {
                    let Some(c) = r.get_client(id).await? else {
                        continue;
                    };
                    if unit.is_some() && c.unit_id != unit {
                        continue;
                    }
                    // Need-to-know: only the clients the caller may see are on the list.
                    let Some(grant) = ctx
                        .principal
                        .client_grant(c.provider_id, c.unit_id)
                        .cloned()
                    else {
                        continue;
                    };
                    let key_access = r.list_key_access(c.id).await?;
                    let protected = c.protection.is_protected();
                    let e = r
                        .client_entry(Outcome::Success, Some(&grant), &c)
                        .details(serde_json::json!({ "night": night.to_string() }).to_string());
                    r.record(e);
                    units.entry(c.unit_id).or_default().push(ReserveRow {
                        client_id: c.id,
                        name: c.name.clone(),
                        identity: c.identity.as_str().to_owned(),
                        address: if protected {
                            None
                        } else {
                            c.address
                                .as_ref()
                                .map(vaka_domain::client::Address::one_line)
                        },
                        protected,
                        phone: if protected { None } else { c.phone.clone() },
                        supervisions: by_client.remove(&c.id).unwrap_or_default(),
                        key_access,
                    });
                }
                let mut out = Vec::new();
                for (unit_id, rows) in units {
                    let name = match unit_id {
                        Some(u) => r.get_unit(u).await?.map(|u| u.name).unwrap_or_default(),
                        None => String::new(),
                    };
                    out.push(ReserveUnit {
                        unit_id,
                        name,
                        rows,
                    });
                }
                out.sort_by(|a, b| a.name.cmp(&b.name));
                Ok(ReserveList {
                    night,
                    printed_at: now,
                    units: out,
                })
            })
            .await
    }
}
