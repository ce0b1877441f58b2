//! Units of an organisation, and which units a night patrol, duty team or alarm centre covers.

use vaka_domain::access::{Assignment, Permission, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::Unit;
use vaka_domain::ids::{OrganisationId, UnitId};
use vaka_domain::reason::DirectoryReason;
use vaka_domain::validate::parse_name;
use vaka_store::values::to_db_precision;

use super::{ADMIN, NewUnitInput, UnitPatch, directory_reach, named_organisation, recompute_reach};
use crate::alarms::coverage::{CoverageFacts, gap_entry, refuse_new_gaps};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// Loads a unit and checks `p` over it; a refusal names the unit.
async fn unit_in_scope<'a>(
    w: &mut impl Work<'a>,
    id: UnitId,
    p: Permission,
) -> WorkResult<(Unit, Assignment)> {
    let tx = w.reads();
    let unit = tx.get_unit(id).await?.ok_or(Fault::not_found("unit"))?;
    let grant = w.grant(
        p,
        Target {
            organisation: unit.organisation_id,
            units: &[unit.id],
        },
        Some(("unit", id.to_string())),
    )?;
    Ok((unit, grant))
}

impl Services {
    pub async fn list_units(
        &self,
        ctx: &Ctx<'_>,
        organisation: Option<OrganisationId>,
    ) -> ServiceResult<Vec<Unit>> {
        let op = ctx.op(AuditAction::AccessDenied, ADMIN);
        self.door
            .read(op, async |r| {
                let reach = directory_reach(r)?;
                Ok(r.list_units()
                    .await?
                    .into_iter()
                    .filter(|u| organisation.is_none_or(|o| u.organisation_id == o))
                    .filter(|u| {
                        reach.covers(Target {
                            organisation: u.organisation_id,
                            units: &[u.id],
                        })
                    })
                    .collect())
            })
            .await
    }

    /// A unit and the units it covers.
    pub async fn get_unit(&self, ctx: &Ctx<'_>, id: UnitId) -> ServiceResult<(Unit, Vec<UnitId>)> {
        let op = ctx.op(AuditAction::AccessDenied, ADMIN);
        self.door
            .read(op, async |r| {
                let (unit, _) = unit_in_scope(r, id, Permission::DirectoryRead).await?;
                let covered = r
                    .list_coverage()
                    .await?
                    .into_iter()
                    .filter(|(by, _)| *by == id)
                    .map(|(_, c)| c)
                    .collect();
                Ok((unit, covered))
            })
            .await
    }

    pub async fn create_unit(&self, ctx: &Ctx<'_>, input: NewUnitInput) -> ServiceResult<Unit> {
        let op = ctx.op(AuditAction::UnitCreated, ADMIN);
        self.door
            .change(op, async |w| {
                let org =
                    named_organisation(w.reads(), input.organisation_id, "organisation_id").await?;
                let grant = w.grant(
                    Permission::UnitManage,
                    Target {
                        organisation: org.id,
                        units: &[],
                    },
                    Some(("organisation", org.id.to_string())),
                )?;
                let unit = Unit {
                    id: UnitId::new(),
                    organisation_id: org.id,
                    name: parse_name("name", &input.name, 120)?,
                    kind: input.kind,
                    active: true,
                    created_at: to_db_precision(w.now()),
                };
                w.insert_unit(&unit).await?;
                w.succeeded(Some(&grant), |e| e.subject("unit", unit.id));
                Ok(unit)
            })
            .await
    }

    pub async fn update_unit(
        &self,
        ctx: &Ctx<'_>,
        id: UnitId,
        patch: UnitPatch,
    ) -> ServiceResult<Unit> {
        let op = ctx.op(AuditAction::UnitUpdated, ADMIN);
        self.door
            .change(op, async |w| {
                let (mut unit, grant) = unit_in_scope(w, id, Permission::UnitManage).await?;
                if let Some(name) = &patch.name {
                    unit.name = parse_name("name", name, 120)?;
                }
                if let Some(kind) = patch.kind {
                    unit.kind = kind;
                }
                if let Some(active) = patch.active {
                    unit.active = active;
                }
                // Deactivating an alarm centre, or making it another kind of unit, must not
                // leave the clients it covers unseen.
                let before = CoverageFacts::read(w.reads()).await?;
                let mut after = before.clone();
                if let Some(u) = after.units.iter_mut().find(|u| u.id == unit.id) {
                    *u = unit.clone();
                }
                refuse_new_gaps(
                    &before,
                    &after,
                    gap_entry(w, &grant).subject("unit", unit.id),
                )?;
                w.update_unit(&unit).await?;
                w.succeeded(Some(&grant), |e| e.subject("unit", unit.id));
                Ok(unit)
            })
            .await
    }

    /// Sets which units a night patrol, duty team or alarm-centre unit covers. The members'
    /// need-to-know reach follows in the same transaction.
    pub async fn set_unit_coverage(
        &self,
        ctx: &Ctx<'_>,
        id: UnitId,
        covered: Vec<UnitId>,
    ) -> ServiceResult<Vec<UnitId>> {
        let op = ctx.op(AuditAction::UnitCoverageChanged, ADMIN);
        self.door
            .change(op, async |w| {
                let (unit, grant) = unit_in_scope(w, id, Permission::UnitManage).await?;
                let mut covered = covered;
                covered.sort();
                covered.dedup();
                if !covered.is_empty() && !unit.kind.can_cover_others() {
                    return Err(Fault::invalid(
                        "covered_unit_ids",
                        DirectoryReason::UnitCannotCover,
                    ));
                }
                for c in &covered {
                    if *c == id {
                        return Err(Fault::invalid(
                            "covered_unit_ids",
                            DirectoryReason::UnitCoversItself,
                        ));
                    }
                    if w.get_unit(*c).await?.is_none() {
                        return Err(Fault::invalid(
                            "covered_unit_ids",
                            DirectoryReason::NoSuchCoveredUnit {
                                unit: c.to_string(),
                            },
                        ));
                    }
                }
                // Coverage taken from a unit whose clients have alarm units must be given to
                // another alarm centre first.
                let before = CoverageFacts::read(w.reads()).await?;
                let mut after = before.clone();
                after.pairs.retain(|(by, _)| *by != id);
                after.pairs.extend(covered.iter().map(|c| (id, *c)));
                refuse_new_gaps(
                    &before,
                    &after,
                    gap_entry(w, &grant)
                        .subject("unit", id)
                        .details(serde_json::json!({ "covered_units": covered }).to_string()),
                )?;
                w.set_unit_coverage(id, &covered).await?;
                for member in w.list_unit_members(id).await? {
                    recompute_reach(&mut **w, member).await?;
                }
                w.succeeded(Some(&grant), |e| {
                    e.subject("unit", id)
                        .details(serde_json::json!({ "covered_units": covered }).to_string())
                });
                Ok(covered)
            })
            .await
    }
}
