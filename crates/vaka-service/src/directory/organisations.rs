//! Organisations: the municipality, its providers and alarm centres.

use vaka_domain::access::{Permission, Scope, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::{Organisation, OrganisationKind};
use vaka_domain::ids::{OrganisationId, UnitId};
use vaka_domain::reason::DirectoryReason;
use vaka_domain::validate::{OrgNumber, parse_name};
use vaka_store::values::to_db_precision;

use super::{ADMIN, NewOrganisationInput, OrganisationPatch, directory_reach, opt_text};
use crate::door::Work;
use crate::error::Fault;
use crate::{Ctx, ServiceResult, Services};

impl Services {
    /// The organisations in the caller's reach.
    pub async fn list_organisations(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<Organisation>> {
        let op = ctx.op(AuditAction::AccessDenied, ADMIN);
        self.door
            .read(op, async |r| {
                let reach = directory_reach(r)?;
                let orgs = r.list_organisations().await?;
                let units = r.list_units().await?;
                Ok(orgs
                    .into_iter()
                    .filter(|o| {
                        let unit_ids: Vec<UnitId> = units
                            .iter()
                            .filter(|u| u.organisation_id == o.id)
                            .map(|u| u.id)
                            .collect();
                        reach.covers(Target {
                            organisation: o.id,
                            units: &unit_ids,
                        })
                    })
                    .collect())
            })
            .await
    }

    pub async fn get_organisation(
        &self,
        ctx: &Ctx<'_>,
        id: OrganisationId,
    ) -> ServiceResult<Organisation> {
        let orgs = self.list_organisations(ctx).await?;
        if let Some(o) = orgs.into_iter().find(|o| o.id == id) {
            return Ok(o);
        }
        let op = ctx.op(AuditAction::AccessDenied, ADMIN);
        self.door
            .read(op, async |r| match r.get_organisation(id).await? {
                Some(_) => Err(r.denied(
                    DirectoryReason::OutsideYourOrganisation,
                    Some(("organisation", id.to_string())),
                )),
                None => Err(Fault::not_found("organisation")),
            })
            .await
    }

    pub async fn create_organisation(
        &self,
        ctx: &Ctx<'_>,
        input: NewOrganisationInput,
    ) -> ServiceResult<Organisation> {
        let op = ctx.op(AuditAction::OrganisationCreated, ADMIN);
        self.door
            .change(op, async |w| {
                let Some(grant) = ctx
                    .principal
                    .any_grant(Permission::OrganisationManage)
                    .filter(|g| g.scope() == Scope::Everything)
                    .cloned()
                else {
                    return Err(w.denied(
                        DirectoryReason::OnlyMunicipalAdminCreatesOrganisations,
                        None,
                    ));
                };
                Organisation::check_kinds(input.kind, input.provider_kind)?;
                let org = Organisation {
                    id: OrganisationId::new(),
                    kind: input.kind,
                    provider_kind: input.provider_kind,
                    name: parse_name("name", &input.name, 120)?,
                    org_number: opt_text(input.org_number.as_deref())
                        .map(OrgNumber::parse)
                        .transpose()?,
                    active: true,
                    created_at: to_db_precision(w.now()),
                };
                if input.kind == OrganisationKind::Municipality
                    && w.list_organisations()
                        .await?
                        .iter()
                        .any(|o| o.kind == OrganisationKind::Municipality)
                {
                    return Err(Fault::conflict(DirectoryReason::MunicipalityExists));
                }
                w.insert_organisation(&org).await?;
                w.succeeded(Some(&grant), |e| e.subject("organisation", org.id));
                Ok(org)
            })
            .await
    }

    pub async fn update_organisation(
        &self,
        ctx: &Ctx<'_>,
        id: OrganisationId,
        patch: OrganisationPatch,
    ) -> ServiceResult<Organisation> {
        let op = ctx.op(AuditAction::OrganisationUpdated, ADMIN);
        self.door
            .change(op, async |w| {
                let mut org = w
                    .get_organisation(id)
                    .await?
                    .ok_or(Fault::not_found("organisation"))?;
                let grant = w.grant(
                    Permission::OrganisationManage,
                    Target {
                        organisation: id,
                        units: &[],
                    },
                    Some(("organisation", id.to_string())),
                )?;
                if let Some(name) = &patch.name {
                    org.name = parse_name("name", name, 120)?;
                }
                if let Some(n) = &patch.org_number {
                    org.org_number = opt_text(Some(n)).map(OrgNumber::parse).transpose()?;
                }
                if let Some(active) = patch.active {
                    if !active && org.kind == OrganisationKind::Municipality {
                        return Err(Fault::conflict(
                            DirectoryReason::MunicipalityCannotBeDeactivated,
                        ));
                    }
                    org.active = active;
                }
                w.update_organisation(&org).await?;
                w.succeeded(Some(&grant), |e| e.subject("organisation", org.id));
                Ok(org)
            })
            .await
    }
}
