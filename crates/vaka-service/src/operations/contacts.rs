//! Each provider's contact persons (a technical contact and an IT contact), named by the
//! provider's own administrator (or the municipality's system administrator) and confirmed as
//! current once a year; naming one confirms it. The municipality sees every provider's, with a
//! missing or overdue confirmation flagged; a provider's users see their own.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;
use vaka_domain::access::{Permission, Target};
use vaka_domain::audit::AuditAction;
use vaka_domain::directory::OrganisationKind;
use vaka_domain::ids::OrganisationId;
use vaka_domain::operations::contacts::{ContactKind, confirmation_due, is_overdue};
use vaka_domain::reason::{InputReason, OperationsReason};
use vaka_store::DbInstant;
use vaka_store::operations::ContactRecord;

use super::notices::is_municipal;
use super::{OPERATIONS, line, text};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// A contact as the form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactInput {
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// A named contact with its confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedContact {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub confirmed_at: Timestamp,
    /// The last day the confirmation holds.
    pub due: Date,
    pub overdue: bool,
}

/// One organisation's contact of one kind, named or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactView {
    pub organisation_id: OrganisationId,
    pub organisation: String,
    pub kind: ContactKind,
    pub contact: Option<NamedContact>,
    /// Whether the caller may name and confirm it.
    pub may_keep: bool,
}

fn check_input(input: &ContactInput) -> WorkResult<(String, String, String)> {
    let name = line("name", &input.name, 100)?;
    let phone = text("phone", &input.phone, 40)?;
    if phone.contains('\n') {
        return Err(Fault::invalid("phone", InputReason::ControlCharacters));
    }
    let email = if input.email.trim().is_empty() {
        String::new()
    } else {
        vaka_domain::validate::Email::parse(&input.email)?.to_string()
    };
    if phone.is_empty() && email.is_empty() {
        return Err(Fault::invalid(
            "phone",
            OperationsReason::ContactNeedsPhoneOrEmail,
        ));
    }
    Ok((name, phone, email))
}

impl Services {
    /// The contacts the caller may see: every provider's and alarm centre's for the
    /// municipality's users, the caller's own organisation's for the others.
    pub async fn contacts(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<ContactView>> {
        let op = ctx.op(AuditAction::ContactSet, OPERATIONS);
        self.door
            .read(op, async |r| {
                let p = ctx.principal;
                let now = r.now();
                let tz = crate::registry::stockholm();
                let everything = is_municipal(p);
                let stored = r.list_contacts().await?;
                let mut orgs: Vec<_> = r
                    .list_organisations()
                    .await?
                    .into_iter()
                    .filter(|o| o.active && o.kind != OrganisationKind::Municipality)
                    .filter(|o| everything || o.id == p.organisation_id)
                    .collect();
                orgs.sort_by(|a, b| a.name.cmp(&b.name));
                let mut out = Vec::new();
                for o in orgs {
                    let may_keep = p
                        .grant_for(
                            Permission::ContactsKeep,
                            Target {
                                organisation: o.id,
                                units: &[],
                            },
                        )
                        .is_some();
                    for &kind in ContactKind::ALL {
                        let contact = stored
                            .iter()
                            .find(|c| c.organisation_id == o.id && c.kind == kind)
                            .map(|c| NamedContact {
                                name: c.name.clone(),
                                phone: c.phone.clone(),
                                email: c.email.clone(),
                                confirmed_at: c.confirmed_at,
                                due: confirmation_due(c.confirmed_at, &tz),
                                overdue: is_overdue(c.confirmed_at, now, &tz),
                            });
                        out.push(ContactView {
                            organisation_id: o.id,
                            organisation: o.name.clone(),
                            kind,
                            contact,
                            may_keep,
                        });
                    }
                }
                Ok(out)
            })
            .await
    }

    /// Names (or replaces) an organisation's contact of `kind`; naming confirms it.
    pub async fn set_contact(
        &self,
        ctx: &Ctx<'_>,
        organisation: OrganisationId,
        kind: ContactKind,
        input: ContactInput,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::ContactSet, OPERATIONS);
        self.door
            .change(op, async |w| {
                let grant = keeper(w, ctx, organisation)?;
                let o = w
                    .get_organisation(organisation)
                    .await?
                    .ok_or(Fault::not_found("organisation"))?;
                if o.kind == OrganisationKind::Municipality {
                    return Err(Fault::invalid(
                        "organisation_id",
                        OperationsReason::ContactsAreProviders,
                    ));
                }
                let (name, phone, email) = check_input(&input)?;
                let now = w.now();
                w.upsert_contact(&ContactRecord {
                    organisation_id: organisation,
                    kind,
                    name,
                    phone,
                    email,
                    confirmed_by: ctx.principal.user_id,
                    confirmed_at: now,
                })
                .await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("organisation", organisation)
                        .details(serde_json::json!({ "kind": kind.code() }).to_string())
                });
                Ok(())
            })
            .await
    }

    /// Confirms that an organisation's contact of `kind` is still current.
    pub async fn confirm_contact(
        &self,
        ctx: &Ctx<'_>,
        organisation: OrganisationId,
        kind: ContactKind,
    ) -> ServiceResult<()> {
        let op = ctx.op(AuditAction::ContactConfirmed, OPERATIONS);
        self.door
            .change(op, async |w| {
                let grant = keeper(w, ctx, organisation)?;
                let now = DbInstant::new(w.now());
                if !w
                    .confirm_contact(organisation, kind, ctx.principal.user_id, now)
                    .await?
                {
                    return Err(Fault::conflict(OperationsReason::ContactNotNamed));
                }
                w.succeeded(Some(&grant), |e| {
                    e.subject("organisation", organisation)
                        .details(serde_json::json!({ "kind": kind.code() }).to_string())
                });
                Ok(())
            })
            .await
    }
}

/// The caller's right to keep `organisation`'s contacts, or an audited refusal.
fn keeper<'a>(
    w: &impl Work<'a>,
    ctx: &Ctx<'_>,
    organisation: OrganisationId,
) -> WorkResult<vaka_domain::access::Assignment> {
    ctx.principal
        .grant_for(
            Permission::ContactsKeep,
            Target {
                organisation,
                units: &[],
            },
        )
        .cloned()
        .ok_or_else(|| {
            w.denied(
                OperationsReason::MayNotKeepContacts,
                Some(("organisation", organisation.to_string())),
            )
        })
}
