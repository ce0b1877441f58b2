//! Client rows: checked as a client registered by hand is, within the caller's need-to-know,
//! once each in the file and not registered already; stored with an entry each.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use uuid::Uuid;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::client::{AreaType, Client, Contact, KeyAccess, Protection};
use vaka_domain::directory::{Organisation, Unit};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId};
use vaka_domain::personnummer::{ClientIdentity, IdentityKind, ReserveId};
use vaka_domain::reason::ImportReason;
use vaka_store::values::to_db_precision;
use vaka_store::{ReadTx, search_key};

use super::file::{Row, Table, code_of, read_file, some_text};
use super::report::{
    Duplicate, ImportProblem, ImportReport, from_error, problem, report_duplicates,
};
use super::{Checked, Column, ImportKind, ImportMode, col};
use crate::door::Work;
use crate::error::WorkResult;
use crate::registry::clients::{ClientInput, ContactInput, client_from_input};
use crate::registry::devices::admin_refusal;
use crate::registry::{REGISTRY, stockholm};
use crate::{Ctx, ServiceResult, Services};

/// The columns of a client import.
pub const CLIENT_COLUMNS: &[Column] = &[
    col(
        "identity",
        true,
        "personnummer or samordningsnummer (10 or 12 digits, with or without - or +), or a reserve id",
    ),
    col(
        "identity_kind",
        false,
        "personnummer (default), samordningsnummer or reserve",
    ),
    col("name", true, "the client's name"),
    col("address_street", false, "street address"),
    col("address_postcode", false, "postcode, five digits"),
    col(
        "address_city",
        false,
        "city (give street, postcode and city, or none of them)",
    ),
    col("phone", false, "telephone number"),
    col("provider", false, "the care provider: its name or id"),
    col(
        "unit",
        false,
        "the provider's unit: its name (with the provider) or id",
    ),
    col(
        "protection",
        false,
        "none (default), confidentiality_marking, protected_registration or fictitious_identity",
    ),
    col(
        "area_type",
        false,
        "town (default), countryside or special_housing",
    ),
    col(
        "key_access",
        false,
        "none (default), digital_lock, key_box or reserve_key",
    ),
    col("key_note", false, "where the key is"),
    col("contact1_name", false, "first contact to call: name"),
    col("contact1_relation", false, "first contact: relation"),
    col("contact1_phone", false, "first contact: telephone"),
    col("contact1_note", false, "first contact: note"),
    col("contact2_name", false, "second contact: name"),
    col("contact2_relation", false, "second contact: relation"),
    col("contact2_phone", false, "second contact: telephone"),
    col("contact2_note", false, "second contact: note"),
    col("contact3_name", false, "third contact: name"),
    col("contact3_relation", false, "third contact: relation"),
    col("contact3_phone", false, "third contact: telephone"),
    col("contact3_note", false, "third contact: note"),
];

/// How many contacts a client row can carry.
const CONTACTS: u8 = 3;

/// Organisations and units by id and by name, so that rows name them without a query each.
struct Directory {
    orgs: HashMap<OrganisationId, Organisation>,
    org_names: HashMap<String, OrganisationId>,
    units: HashMap<UnitId, Unit>,
    unit_names: HashMap<(OrganisationId, String), UnitId>,
}

impl Directory {
    async fn load(tx: &mut dyn ReadTx) -> WorkResult<Self> {
        let orgs = tx.list_organisations().await?;
        let units = tx.list_units().await?;
        Ok(Self {
            org_names: orgs.iter().map(|o| (search_key(&o.name), o.id)).collect(),
            orgs: orgs.into_iter().map(|o| (o.id, o)).collect(),
            unit_names: units
                .iter()
                .map(|u| ((u.organisation_id, search_key(&u.name)), u.id))
                .collect(),
            units: units.into_iter().map(|u| (u.id, u)).collect(),
        })
    }

    /// The provider and unit a row names (by id or name), or why they cannot be found.
    fn placement(
        &self,
        table: &Table,
        row: &Row,
    ) -> Result<(Option<OrganisationId>, Option<UnitId>), ImportProblem> {
        let p = table.get(row, "provider");
        let u = table.get(row, "unit");
        let mut provider = None;
        if !p.is_empty() {
            provider = Some(match Uuid::parse_str(p) {
                Ok(id) => OrganisationId(id),
                Err(_) => *self.org_names.get(&search_key(p)).ok_or_else(|| {
                    problem(
                        Some(row.line),
                        Some("provider"),
                        ImportReason::NoSuchOrganisation,
                    )
                })?,
            });
        }
        let mut unit = None;
        if !u.is_empty() {
            unit = Some(if let Ok(id) = Uuid::parse_str(u) {
                let id = UnitId(id);
                if provider.is_none() {
                    provider = self.units.get(&id).map(|u| u.organisation_id);
                }
                id
            } else {
                let Some(p) = provider else {
                    return Err(problem(
                        Some(row.line),
                        Some("unit"),
                        ImportReason::UnitNeedsProvider,
                    ));
                };
                *self.unit_names.get(&(p, search_key(u))).ok_or_else(|| {
                    problem(Some(row.line), Some("unit"), ImportReason::NoSuchUnit)
                })?
            });
        }
        Ok((provider, unit))
    }
}

const IDENTITY_KINDS: [IdentityKind; 3] = [
    IdentityKind::Personnummer,
    IdentityKind::Samordningsnummer,
    IdentityKind::Reserve,
];

/// The stored form of an identity as a row gives it, for finding duplicates (even in rows
/// that are bad for another reason).
fn identity_key(
    kind: Option<IdentityKind>,
    text: &str,
    today: jiff::civil::Date,
) -> Option<String> {
    match kind.unwrap_or(IdentityKind::Personnummer) {
        IdentityKind::Reserve => ReserveId::parse(text).ok().map(|r| r.as_str().to_owned()),
        _ => ClientIdentity::parse_official(text, today)
            .ok()
            .map(|i| i.as_str().to_owned()),
    }
}

/// The file's name for a field of the client validation.
fn client_column(field: &str) -> String {
    match field {
        "street" => "address_street",
        "postcode" => "address_postcode",
        "city" => "address_city",
        "provider_id" => "provider",
        "unit_id" => "unit",
        other => other,
    }
    .to_owned()
}

/// The file's name for a field of a contact's validation.
fn contact_column(n: u8, field: &str) -> String {
    let part = match field {
        "contact name" => "name",
        "relation" => "relation",
        "contact phone" => "phone",
        "note" => "note",
        other => other,
    };
    format!("contact{n}_{part}")
}

/// A client row as typed input, or its first problem.
fn client_input(table: &Table, row: &Row, dir: &Directory) -> Result<ClientInput, ImportProblem> {
    let identity_kind = code_of(
        table,
        row,
        "identity_kind",
        &IDENTITY_KINDS,
        IdentityKind::code,
    )?;
    let (provider_id, unit_id) = dir.placement(table, row)?;
    let mut contacts = Vec::new();
    for n in 1..=CONTACTS {
        let part = |p: &str| table.get(row, &format!("contact{n}_{p}")).to_owned();
        let c = ContactInput {
            name: part("name"),
            relation: part("relation"),
            phone: part("phone"),
            priority: n,
            note: some_text(&part("note")),
        };
        if c.name.is_empty() && c.relation.is_empty() && c.phone.is_empty() && c.note.is_none() {
            continue;
        }
        // The same rule as the client's; checked here to name the contact's columns.
        Contact::parse(&c.name, &c.relation, &c.phone, n, c.note.as_deref())
            .map_err(|e| from_error(row, e.into(), |f| contact_column(n, f)))?;
        contacts.push(c);
    }
    Ok(ClientInput {
        identity_kind,
        identity: table.get(row, "identity").to_owned(),
        name: table.get(row, "name").to_owned(),
        address_street: some_text(table.get(row, "address_street")),
        address_postcode: some_text(table.get(row, "address_postcode")),
        address_city: some_text(table.get(row, "address_city")),
        phone: some_text(table.get(row, "phone")),
        provider_id,
        unit_id,
        protection: code_of(table, row, "protection", Protection::ALL, Protection::code)?,
        area_type: code_of(table, row, "area_type", AreaType::ALL, AreaType::code)?,
        key_access: code_of(table, row, "key_access", KeyAccess::ALL, KeyAccess::code)?,
        key_note: some_text(table.get(row, "key_note")),
        contacts,
    })
}

/// The client rows that passed the checks of the file, each with the caller's right to
/// register it.
struct ClientRows<'p> {
    good: Vec<(u64, Client, &'p Assignment)>,
    /// Some row is outside the caller's need-to-know (the import's entry says `denied`).
    denied: bool,
}

impl<'p> ClientRows<'p> {
    /// Checks every readable row as a client registered by hand, against the directory as it
    /// is now (organisations and units are never deleted, so it stays valid for the change
    /// that stores them), and finds rows that are the same client.
    fn check(
        ctx: &Ctx<'p>,
        table: &Table,
        dir: &Directory,
        now: Timestamp,
        report: &mut ImportReport,
    ) -> Self {
        let today = now.to_zoned(stockholm()).date();
        let mut denied = false;
        let mut keys = Vec::with_capacity(table.rows.len());
        let mut good = Vec::with_capacity(table.rows.len());
        for row in table.rows.iter().filter(|r| r.readable) {
            let checked = client_input(table, row, dir).and_then(|input| {
                keys.push((
                    row.line,
                    identity_key(input.identity_kind, &input.identity, today),
                ));
                let client = client_from_input(
                    &input,
                    ClientId::new(),
                    now,
                    today,
                    input.provider_id.and_then(|p| dir.orgs.get(&p)),
                    input.unit_id.and_then(|u| dir.units.get(&u)),
                )
                .map_err(|e| from_error(row, e, client_column))?;
                let grant = ctx
                    .principal
                    .client_grant_for(Permission::ClientWrite, client.provider_id, client.unit_id)
                    .ok_or_else(|| {
                        denied = true;
                        problem(
                            Some(row.line),
                            Some(if client.unit_id.is_some() {
                                "unit"
                            } else {
                                "provider"
                            }),
                            ImportReason::OutsideNeedToKnow,
                        )
                    })?;
                Ok((client, grant))
            });
            match checked {
                Ok((client, grant)) => good.push((row.line, client, grant)),
                Err(p) => report.problems.push(p),
            }
        }
        let dup = report_duplicates(&keys, "identity", Duplicate::Identity, &mut report.problems);
        good.retain(|(line, _, _)| !dup.contains(line));
        Self { good, denied }
    }

    /// Drops the rows whose client is registered already; returns how many rows are left.
    async fn drop_registered(
        &mut self,
        tx: &mut dyn ReadTx,
        report: &mut ImportReport,
    ) -> WorkResult<usize> {
        let identities: Vec<String> = self
            .good
            .iter()
            .map(|(_, c, _)| c.identity.as_str().to_owned())
            .collect();
        let existing: HashSet<String> = tx
            .existing_identities(&identities)
            .await?
            .into_iter()
            .collect();
        self.good.retain(|(line, c, _)| {
            let known = existing.contains(c.identity.as_str());
            if known {
                report.problems.push(problem(
                    Some(*line),
                    Some("identity"),
                    ImportReason::IdentityRegistered,
                ));
            }
            !known
        });
        Ok(self.good.len())
    }
}

impl Services {
    /// Imports clients from a CSV file (see the module documentation). Needs `ImportData`, and
    /// `ClientWrite` over each row's provider and unit: rows outside the caller's reach are bad
    /// rows. Returns the report; `Forbidden` only when the caller may not import at all.
    pub async fn import_clients(
        &self,
        ctx: &Ctx<'_>,
        file: &[u8],
        charset: Option<&str>,
        mode: ImportMode,
    ) -> ServiceResult<ImportReport> {
        let op = ctx.op(AuditAction::DataImported, REGISTRY);
        let checked = self
            .door
            .read(op, async |r| {
                let Some(gate) = ctx.principal.any_grant(Permission::ImportData) else {
                    return Err(admin_refusal(r, ImportReason::MayNotImport, None));
                };
                let mut report = ImportReport::new(ImportKind::Clients, mode);
                let Some(table) = read_file(file, charset, CLIENT_COLUMNS, &mut report) else {
                    return Ok(Checked::Done(report.unstored(r, gate, false)));
                };
                let dir = Directory::load(r.reads()).await?;
                let now = to_db_precision(r.now());
                let mut rows = ClientRows::check(ctx, &table, &dir, now, &mut report);
                if mode == ImportMode::Validate {
                    let valid = rows.drop_registered(r.reads(), &mut report).await?;
                    report.settle(valid);
                    return Ok(Checked::Done(report.unstored(r, gate, rows.denied)));
                }
                Ok(Checked::Store { report, rows, gate })
            })
            .await?;
        let (mut report, mut rows, gate) = match checked {
            Checked::Done(report) => return Ok(report),
            Checked::Store { report, rows, gate } => (report, rows, gate),
        };
        self.door
            .change(op, async |w| {
                // One transaction: the check against registered clients and the writes.
                let valid = rows.drop_registered(w.reads(), &mut report).await?;
                if report.settle(valid) == 0 {
                    return Ok(report.unstored(w, gate, rows.denied));
                }
                report.sort_problems();
                let details = report.row_details();
                let (clients, grants): (Vec<Client>, Vec<&Assignment>) =
                    rows.good.into_iter().map(|(_, c, g)| (c, g)).unzip();
                w.insert_clients(&clients).await?;
                for (c, grant) in clients.iter().zip(grants) {
                    let mut e = w
                        .entry_for(AuditAction::ClientCreated, Outcome::Success, Some(grant))
                        .client(c.id)
                        .details(details.clone());
                    e.flags.protected_identity = c.protection.is_protected();
                    w.record(e);
                }
                Ok(report.stored(w, gate))
            })
            .await
    }
}
