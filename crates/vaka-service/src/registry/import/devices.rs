//! Device rows: checked as a device registered by hand is, once each in the file, not
//! registered already, and assigned to a registered client when a row names one; stored in
//! stock or assigned, with an entry each. Credentials are issued one by one afterwards.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use vaka_domain::access::{Assignment, Permission};
use vaka_domain::alarm_coverage::AlarmCoverage;
use vaka_domain::audit::{AuditAction, Outcome};
use vaka_domain::device::{
    Dc09KeyStyle, Device, DeviceEvent, DeviceKind, DeviceStatus, DeviceStep,
};
use vaka_domain::ids::{ClientId, DeviceEventId, DeviceId, UnitId};
use vaka_domain::nfc::{NfcTag, SdmKey, TagId, TagStrength, TagUid};
use vaka_domain::personnummer::{ClientIdentity, ReserveId};
use vaka_domain::reason::{ImportReason, InputReason, TagReason};
use vaka_store::ReadTx;
use vaka_store::values::to_db_precision;

use super::file::{Row, Table, code_of, read_file, some_text};
use super::report::{
    Duplicate, ImportProblem, ImportReport, from_error, problem, report_duplicates,
};
use super::{Checked, Column, ImportKind, ImportMode, col};
use crate::alarms::coverage::CoverageFacts;
use crate::door::Work;
use crate::error::WorkResult;
use crate::registry::devices::{DEVICES, DeviceInput, admin_refusal, device_grant, new_device};
use crate::registry::{REGISTRY, stockholm};
use crate::{Ctx, ServiceResult, Services};

/// The columns of a device import. Devices come in stock, or assigned to the client named in
/// `client_identity`; installing, testing and activating them are steps of their own, and
/// their credentials are issued one by one.
pub const DEVICE_COLUMNS: &[Column] = &[
    col("kind", true, "camera, alarm_unit, lock or nfc_tag"),
    col("serial", true, "serial number"),
    col("model", true, "model"),
    col("firmware", false, "firmware version"),
    col(
        "dc09_account",
        false,
        "alarm units: the SIA DC-09 account, 3-16 hex digits",
    ),
    col("dc09_key", false, "alarm units: the AES key"),
    col(
        "dc09_key_style",
        false,
        "how the key is written: ascii or hex; clear for an account without a key (unencrypted, chosen explicitly)",
    ),
    col(
        "client_identity",
        false,
        "the client the device is assigned to: personnummer, samordningsnummer or reserve id",
    ),
    col(
        "tag_strength",
        false,
        "NFC tags: sun (NTAG 424 DNA, a one-time code on every read) or plain (NTAG21x, weaker)",
    ),
    col("tag_uid", false, "NFC tags: the serial number (UID) in hex"),
    col(
        "tag_key",
        false,
        "NFC tags, sun: the AES key, 32 hex digits",
    ),
];

/// The tag settings of a device row: for an NFC tag its strength, UID and — for a SUN tag —
/// key, with a new tag id; none for a tag given without them (set up later on its page) and
/// for other kinds, which may not have them.
fn tag_of(table: &Table, row: &Row, d: &Device) -> Result<Option<NfcTag>, ImportProblem> {
    let at = |field: &str, reason: TagReason| problem(Some(row.line), Some(field), reason);
    let strength = code_of(
        table,
        row,
        "tag_strength",
        TagStrength::ALL,
        TagStrength::code,
    )?;
    let uid = table.get(row, "tag_uid");
    let key = table.get(row, "tag_key");
    if d.kind != DeviceKind::NfcTag {
        if strength.is_some() || !uid.is_empty() || !key.is_empty() {
            return Err(at("tag_strength", TagReason::OnlyNfcTags));
        }
        return Ok(None);
    }
    if strength.is_none() && uid.is_empty() && key.is_empty() {
        return Ok(None);
    }
    let strength = strength.ok_or_else(|| at("tag_strength", TagReason::SettingsRequired))?;
    let uid = (!uid.is_empty())
        .then(|| TagUid::parse(uid).map_err(|_| at("tag_uid", TagReason::BadUid)))
        .transpose()?;
    let sdm_key = match (strength, key.is_empty()) {
        (TagStrength::Sun, true) => return Err(at("tag_key", TagReason::SunNeedsKey)),
        (TagStrength::Plain, false) => return Err(at("tag_key", TagReason::PlainTakesNoKey)),
        (TagStrength::Sun, false) => {
            Some(SdmKey::parse(key).map_err(|_| at("tag_key", TagReason::BadKey))?)
        }
        (TagStrength::Plain, true) => None,
    };
    Ok(Some(NfcTag {
        device_id: d.id,
        tag_id: TagId::from_random(crate::secrets::random_bytes::<16>()),
        uid,
        strength,
        sdm_key,
        last_counter: None,
        last_tap_at: None,
    }))
}

/// A client identity as a device row names it: an official number, else a reserve id.
fn any_identity(text: &str, today: jiff::civil::Date) -> Option<String> {
    ClientIdentity::parse_official(text, today)
        .map(|i| i.as_str().to_owned())
        .ok()
        .or_else(|| ReserveId::parse(text).ok().map(|r| r.as_str().to_owned()))
}

/// A device row as typed input, or its first problem.
fn device_input(table: &Table, row: &Row) -> Result<DeviceInput, ImportProblem> {
    let kind = code_of(table, row, "kind", DeviceKind::ALL, DeviceKind::code)?
        .ok_or_else(|| problem(Some(row.line), Some("kind"), InputReason::Required))?;
    Ok(DeviceInput {
        kind,
        serial: table.get(row, "serial").to_owned(),
        model: table.get(row, "model").to_owned(),
        firmware: some_text(table.get(row, "firmware")),
        dc09_account: some_text(table.get(row, "dc09_account")),
        dc09_key: some_text(table.get(row, "dc09_key")),
        dc09_key_style: code_of(
            table,
            row,
            "dc09_key_style",
            Dc09KeyStyle::ALL,
            Dc09KeyStyle::code,
        )?,
        // SCAIP units are registered one by one for now (a file's controller ids would need the
        // duplicate checks the DC-09 accounts have).
        scaip_cid: None,
        scaip_password: None,
    })
}

/// The device rows that passed the checks of the file, each with the identity of the client
/// it is for.
struct DeviceRows {
    good: Vec<(u64, Device, Option<String>)>,
    /// When the rows were checked: the devices' registration, and their assignment.
    now: Timestamp,
    /// The caller's right to manage devices.
    grant: Assignment,
    /// The settings of the NFC tags among the rows, by device.
    tags: HashMap<DeviceId, NfcTag>,
}

impl DeviceRows {
    /// Checks every readable row as a device registered by hand, and finds rows that are the
    /// same device or share a DC-09 account.
    fn check(table: &Table, now: Timestamp, grant: Assignment, report: &mut ImportReport) -> Self {
        let today = now.to_zoned(stockholm()).date();
        let mut serials = Vec::new();
        let mut accounts = Vec::new();
        let mut good = Vec::new();
        let mut tags = HashMap::new();
        for row in table.rows.iter().filter(|r| r.readable) {
            let checked = device_input(table, row).and_then(|input| {
                let serial = input.serial.trim();
                serials.push((
                    row.line,
                    (!serial.is_empty()).then(|| format!("{}\u{0}{serial}", input.kind.code())),
                ));
                let device =
                    new_device(&input, now).map_err(|e| from_error(row, e, str::to_owned))?;
                accounts.push((row.line, device.dc09_account.clone()));
                if let Some(tag) = tag_of(table, row, &device)? {
                    tags.insert(device.id, tag);
                }
                let client = table.get(row, "client_identity");
                let client = if client.is_empty() {
                    None
                } else {
                    Some(any_identity(client, today).ok_or_else(|| {
                        problem(
                            Some(row.line),
                            Some("client_identity"),
                            ImportReason::NotAnIdentity,
                        )
                    })?)
                };
                Ok((device, client))
            });
            match checked {
                Ok((device, client)) => good.push((row.line, device, client)),
                Err(p) => report.problems.push(p),
            }
        }
        let mut dup =
            report_duplicates(&serials, "serial", Duplicate::Serial, &mut report.problems);
        dup.extend(report_duplicates(
            &accounts,
            "dc09_account",
            Duplicate::Account,
            &mut report.problems,
        ));
        good.retain(|(line, _, _)| !dup.contains(line));
        Self {
            good,
            now,
            grant,
            tags,
        }
    }

    /// The devices to store: the rows whose serial number and DC-09 account are not taken,
    /// assigned to the registered client they name.
    async fn against_registered(
        &mut self,
        tx: &mut dyn ReadTx,
        report: &mut ImportReport,
    ) -> WorkResult<Vec<Device>> {
        let good = std::mem::take(&mut self.good);
        let wanted: Vec<String> = good.iter().map(|(_, d, _)| d.serial.clone()).collect();
        let taken: HashSet<(String, String)> = tx
            .existing_device_serials(&wanted)
            .await?
            .into_iter()
            .collect();
        let wanted: Vec<String> = good
            .iter()
            .filter_map(|(_, d, _)| d.dc09_account.clone())
            .collect();
        let taken_accounts: HashSet<String> = tx
            .existing_dc09_accounts(&wanted)
            .await?
            .into_iter()
            .collect();
        let mut clients: HashMap<String, Option<(ClientId, Option<UnitId>)>> = HashMap::new();
        // Which units an alarm centre covers, read once if an alarm unit is assigned.
        let mut coverage: Option<AlarmCoverage> = None;
        let mut kept = Vec::with_capacity(good.len());
        // A tag's UID is one tag's: in the file, and against the tags registered.
        let mut uids = HashSet::new();
        for (line, mut d, client) in good {
            let mut ok = true;
            if let Some(uid) = self.tags.get(&d.id).and_then(|t| t.uid.clone())
                && (!uids.insert(uid.clone()) || tx.find_tag_by_uid(&uid).await?.is_some())
            {
                ok = false;
                report
                    .problems
                    .push(problem(Some(line), Some("tag_uid"), TagReason::Taken));
            }
            if taken.contains(&(d.kind.code().to_owned(), d.serial.clone())) {
                ok = false;
                report.problems.push(problem(
                    Some(line),
                    Some("serial"),
                    ImportReason::SerialRegistered,
                ));
            }
            if d.dc09_account
                .as_ref()
                .is_some_and(|a| taken_accounts.contains(a))
            {
                ok = false;
                report.problems.push(problem(
                    Some(line),
                    Some("dc09_account"),
                    ImportReason::AccountTaken,
                ));
            }
            if let Some(identity) = client {
                let found = if let Some(found) = clients.get(&identity) {
                    *found
                } else {
                    let found = match tx.find_client_by_identity(&identity).await? {
                        Some(id) => tx.get_client(id).await?.map(|c| (c.id, c.unit_id)),
                        None => None,
                    };
                    clients.insert(identity, found);
                    found
                };
                if let Some((id, unit)) = found {
                    d.client_id = Some(id);
                    d.status = DeviceStatus::Assigned;
                    // An alarm unit goes only to a client an alarm centre covers, as when it
                    // is assigned by hand: else the client's alarms would reach no operator.
                    if d.kind == DeviceKind::AlarmUnit {
                        if coverage.is_none() {
                            coverage = Some(CoverageFacts::read(tx).await?.coverage());
                        }
                        if !coverage.as_ref().is_some_and(|c| c.covers(unit)) {
                            ok = false;
                            report.problems.push(problem(
                                Some(line),
                                Some("client_identity"),
                                ImportReason::NoAlarmCentreCovers,
                            ));
                        }
                    }
                } else {
                    ok = false;
                    report.problems.push(problem(
                        Some(line),
                        Some("client_identity"),
                        ImportReason::NoClientWithIdentity,
                    ));
                }
            }
            if ok {
                kept.push(d);
            }
        }
        Ok(kept)
    }
}

impl Services {
    /// Imports devices from a CSV file (see the module documentation): in stock, or assigned to
    /// the client a row names. Needs `ImportData` and the municipal administrators' right to
    /// manage devices.
    pub async fn import_devices(
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
                let (Some(gate), Some(grant)) = (
                    ctx.principal.any_grant(Permission::ImportData),
                    device_grant(ctx.principal),
                ) else {
                    return Err(admin_refusal(
                        r,
                        ImportReason::OnlyAdminsImportDevices,
                        None,
                    ));
                };
                let mut report = ImportReport::new(ImportKind::Devices, mode);
                let Some(table) = read_file(file, charset, DEVICE_COLUMNS, &mut report) else {
                    return Ok(Checked::Done(report.unstored(r, gate, false)));
                };
                let now = to_db_precision(r.now());
                let mut rows = DeviceRows::check(&table, now, grant, &mut report);
                if mode == ImportMode::Validate {
                    let kept = rows.against_registered(r.reads(), &mut report).await?;
                    report.settle(kept.len());
                    return Ok(Checked::Done(report.unstored(r, gate, false)));
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
                // One transaction: the check against registered devices and clients, and the
                // writes.
                let kept = rows.against_registered(w.reads(), &mut report).await?;
                if report.settle(kept.len()) == 0 {
                    return Ok(report.unstored(w, gate, false));
                }
                report.sort_problems();
                w.insert_devices(&kept).await?;
                for d in &kept {
                    if let Some(tag) = rows.tags.get(&d.id) {
                        w.upsert_tag(tag).await?;
                    }
                }
                let details = report.row_details();
                for d in &kept {
                    if let Some(client) = d.client_id {
                        w.insert_device_event(&DeviceEvent {
                            id: DeviceEventId::new(),
                            device_id: d.id,
                            step: DeviceStep::Assign,
                            from: DeviceStatus::InStock,
                            to: DeviceStatus::Assigned,
                            client_id: Some(client),
                            at: rows.now,
                            by_user: Some(ctx.principal.user_id),
                            note: Some("imported".into()),
                        })
                        .await?;
                    }
                    let mut e = w
                        .entry_for(
                            AuditAction::DeviceRegistered,
                            Outcome::Success,
                            Some(&rows.grant),
                        )
                        .subject("device", d.id)
                        .details(details.clone());
                    e.care_context = Some(DEVICES.to_owned());
                    e.client_id = d.client_id;
                    w.record(e);
                }
                Ok(report.stored(w, gate))
            })
            .await
    }
}
