//! Clients: registering, changing, viewing (with the protected-identity rule), searching, and
//! the named group of a protected client.

use serde::{Deserialize, Serialize};
use vaka_domain::access::Permission;
use vaka_domain::audit::{AuditAction, AuditFlags, Outcome};
use vaka_domain::client::{
    Address, AreaType, Client, ClientSummary, Contact, Disclosure, KeyAccess, Protection,
    check_contacts, parse_phone,
};
use vaka_domain::consent::Consent;
use vaka_domain::decision::{Decision, Order};
use vaka_domain::device::Device;
use vaka_domain::directory::{Organisation, OrganisationKind, Unit};
use vaka_domain::ids::{ClientId, OrganisationId, UnitId, UserId};
use vaka_domain::personnummer::{ClientIdentity, IdentityKind, ReserveId};
use vaka_domain::plan::{Pause, SupervisionPlan};
use vaka_domain::reason::{DirectoryReason, RegistryReason};
use vaka_domain::validate::parse_name;
use vaka_store::values::to_db_precision;
use vaka_store::{ClientQuery, DbInstant, DeviceFilter, OrderFilter, ReadTx};

use super::{REGISTRY, any_grant, client_in_scope, day_of, refused_by_roles, succeeded_on};
use crate::alarms::coverage::{CoverageFacts, refuse_new_gaps};
use crate::door::Work;
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceError, ServiceResult, Services};

/// A contact as typed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: String,
    pub relation: String,
    pub phone: String,
    pub priority: u8,
    pub note: Option<String>,
}

/// A client's record as typed (registration and changes).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClientInput {
    /// `personnummer` (default; a samordningsnummer is recognised by its day) or `reserve`.
    #[serde(default)]
    pub identity_kind: Option<IdentityKind>,
    /// 10 or 12 digits, with or without `-`/`+`; or a reserve id.
    pub identity: String,
    pub name: String,
    pub address_street: Option<String>,
    pub address_postcode: Option<String>,
    pub address_city: Option<String>,
    pub phone: Option<String>,
    pub provider_id: Option<OrganisationId>,
    pub unit_id: Option<UnitId>,
    #[serde(default)]
    pub protection: Option<Protection>,
    #[serde(default)]
    pub area_type: Option<AreaType>,
    #[serde(default)]
    pub key_access: Option<KeyAccess>,
    pub key_note: Option<String>,
    #[serde(default)]
    pub contacts: Vec<ContactInput>,
}

fn text(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Everything about one client that the caller may see.
#[derive(Debug, Clone)]
pub struct ClientView {
    /// With the address and contacts removed when `disclosure` is `NameOnly`.
    pub client: Client,
    pub disclosure: Disclosure,
    pub decisions: Vec<Decision>,
    pub orders: Vec<Order>,
    pub consents: Vec<Consent>,
    pub plan: Option<SupervisionPlan>,
    pub pauses: Vec<Pause>,
    pub devices: Vec<Device>,
    /// The protected-identity group, for those who manage it.
    pub access_group: Option<Vec<UserId>>,
    /// The tasks each home-care decision grants.
    pub granted_tasks: Vec<(
        vaka_domain::ids::DecisionId,
        Vec<vaka_domain::homecare::GrantedTask>,
    )>,
    /// The client's home-care visit plans.
    pub visit_plans: Vec<vaka_domain::homecare::plan::VisitPlan>,
    /// When the caller's emergency access to the client ends, when this view is read under
    /// one (the page says so, and every entry of the view is flagged).
    pub emergency_until: Option<jiff::Timestamp>,
}

/// Checks typed input into a client record (its id and times set by the caller), given the
/// provider and unit it names as found in the directory (`None` when not found). The one
/// validation of a client: registration and changes look the two up first
/// ([`read_client_input`]), the CSV import passes them from the directory it loaded once.
pub(crate) fn client_from_input(
    input: &ClientInput,
    id: ClientId,
    created_at: jiff::Timestamp,
    today: jiff::civil::Date,
    provider: Option<&Organisation>,
    unit: Option<&Unit>,
) -> ServiceResult<Client> {
    let identity = match input.identity_kind.unwrap_or(IdentityKind::Personnummer) {
        IdentityKind::Reserve => ClientIdentity::Reserve(
            ReserveId::parse(&input.identity)
                .map_err(|e| ServiceError::invalid("identity", e.reason()))?,
        ),
        kind => {
            let parsed = ClientIdentity::parse_official(&input.identity, today)
                .map_err(|e| ServiceError::invalid("identity", e.reason()))?;
            if kind == IdentityKind::Samordningsnummer && parsed.kind() != kind {
                return Err(ServiceError::invalid(
                    "identity",
                    RegistryReason::NotASamordningsnummer,
                ));
            }
            parsed
        }
    };
    let address = match (
        text(input.address_street.as_ref()),
        text(input.address_postcode.as_ref()),
        text(input.address_city.as_ref()),
    ) {
        (None, None, None) => None,
        (Some(s), Some(p), Some(c)) => Some(Address::parse(s, p, c)?),
        _ => {
            return Err(ServiceError::invalid(
                "address_street",
                RegistryReason::AddressIncomplete,
            ));
        }
    };
    let contacts = input
        .contacts
        .iter()
        .map(|c| {
            Contact::parse(
                &c.name,
                &c.relation,
                &c.phone,
                c.priority,
                c.note.as_deref(),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    check_contacts(&contacts)?;
    if input.provider_id.is_some() {
        let org = provider.ok_or_else(|| {
            ServiceError::invalid("provider_id", DirectoryReason::NoSuchOrganisation)
        })?;
        if org.kind != OrganisationKind::Provider {
            return Err(ServiceError::invalid(
                "provider_id",
                RegistryReason::NotAProvider,
            ));
        }
    }
    if input.unit_id.is_some() {
        let unit =
            unit.ok_or_else(|| ServiceError::invalid("unit_id", DirectoryReason::NoSuchUnit))?;
        if Some(unit.organisation_id) != input.provider_id {
            return Err(ServiceError::invalid(
                "unit_id",
                RegistryReason::UnitOfAnotherProvider,
            ));
        }
    }
    Ok(Client {
        id,
        identity,
        name: parse_name("name", &input.name, 100)?,
        address,
        phone: text(input.phone.as_ref())
            .map(|p| parse_phone("phone", p))
            .transpose()?,
        provider_id: input.provider_id,
        unit_id: input.unit_id,
        protection: input.protection.unwrap_or_default(),
        area_type: input.area_type.unwrap_or_default(),
        key_access: input.key_access.unwrap_or_default(),
        key_note: text(input.key_note.as_ref())
            .map(|n| parse_name("key_note", n, 500))
            .transpose()?,
        contacts,
        created_at,
        updated_at: created_at,
    })
}

/// Checks typed input into a client record, looking up the provider and unit it names.
async fn read_client_input(
    tx: &mut dyn ReadTx,
    input: &ClientInput,
    id: ClientId,
    created_at: jiff::Timestamp,
    today: jiff::civil::Date,
) -> WorkResult<Client> {
    let provider = match input.provider_id {
        Some(p) => tx.get_organisation(p).await?,
        None => None,
    };
    let unit = match input.unit_id {
        Some(u) => tx.get_unit(u).await?,
        None => None,
    };
    Ok(client_from_input(
        input,
        id,
        created_at,
        today,
        provider.as_ref(),
        unit.as_ref(),
    )?)
}

/// Refuses an identity number that another client has.
async fn identity_free(tx: &mut dyn ReadTx, client: &Client) -> WorkResult<()> {
    match tx.find_client_by_identity(client.identity.as_str()).await? {
        Some(_) => Err(Fault::conflict(RegistryReason::IdentityTaken)),
        None => Ok(()),
    }
}

impl Services {
    /// Registers a client (needs assessors and system administrators).
    pub async fn create_client(&self, ctx: &Ctx<'_>, input: ClientInput) -> ServiceResult<Client> {
        let op = ctx.op(AuditAction::ClientCreated, REGISTRY);
        self.door
            .change(op, async |w| {
                let Some(grant) = ctx
                    .principal
                    .client_grant_for(Permission::ClientWrite, input.provider_id, input.unit_id)
                    .cloned()
                else {
                    return Err(refused_by_roles(w, RegistryReason::MayNotRegisterHere));
                };
                let now = to_db_precision(w.now());
                let today = day_of(w.now());
                let client =
                    read_client_input(w.reads(), &input, ClientId::new(), now, today).await?;
                identity_free(w.reads(), &client).await?;
                w.insert_client(&client).await?;
                succeeded_on(w, &grant, &client, |e| e);
                Ok(client)
            })
            .await
    }

    /// Changes a client's record. Outside the named group of a protected client, the address
    /// and contacts are not shown, so they cannot be changed either: they are kept as they were.
    /// A protected identity may be added or raised here; lifting or lowering it is a decision
    /// of its own ([`Services::change_protection`]) and is refused, audited and flagged.
    pub async fn update_client(
        &self,
        ctx: &Ctx<'_>,
        id: ClientId,
        input: ClientInput,
    ) -> ServiceResult<Client> {
        let op = ctx.op(AuditAction::ClientUpdated, REGISTRY);
        self.door
            .change(op, async |w| {
                let (old, grant) = client_in_scope(w, id, Permission::ClientWrite).await?;
                let group = w.list_access_group(id).await?;
                let today = day_of(w.now());
                let mut client =
                    read_client_input(w.reads(), &input, id, old.created_at, today).await?;
                // A protection left out of a change is kept, not lifted.
                if input.protection.is_none() {
                    client.protection = old.protection;
                }
                if old.protection.is_lowered_by(client.protection) {
                    return Err(Fault::denied(
                        w.client_entry(Outcome::Denied, Some(&grant), &old),
                        RegistryReason::ProtectionLowerIsADecision,
                    ));
                }
                if old.disclosure(ctx.principal.user_id, &group) == Disclosure::NameOnly {
                    client.address = old.address.clone();
                    client.phone = old.phone.clone();
                    client.contacts = old.contacts.clone();
                    client.key_note = old.key_note.clone();
                }
                if client.identity != old.identity {
                    identity_free(w.reads(), &client).await?;
                }
                // A client with an alarm unit moves only to a unit an alarm centre covers.
                if client.unit_id != old.unit_id {
                    let before = CoverageFacts::read(w.reads()).await?;
                    if before.has_alarm(id) {
                        refuse_new_gaps(
                            &before,
                            &before.with_client_unit(id, client.unit_id),
                            w.client_entry(Outcome::Denied, Some(&grant), &old),
                        )?;
                    }
                }
                client.updated_at = to_db_precision(w.now());
                w.update_client(&client).await?;
                let raised = client.protection != old.protection;
                succeeded_on(w, &grant, &client, |mut e| {
                    if raised {
                        e = e.details(
                            serde_json::json!({
                                "protection": {
                                    "from": old.protection.code(),
                                    "to": client.protection.code(),
                                }
                            })
                            .to_string(),
                        );
                    }
                    e
                });
                Ok(client)
            })
            .await
    }

    /// A client's page: the record (as the protected-identity rule allows), decisions, orders,
    /// consent, plan, pauses and devices. Every view is audited, and flagged for a protected
    /// identity.
    pub async fn view_client(&self, ctx: &Ctx<'_>, id: ClientId) -> ServiceResult<ClientView> {
        let op = ctx.op(AuditAction::ClientRead, REGISTRY);
        self.door
            .read(op, async |r| {
                let (client, grant) = client_in_scope(r, id, Permission::ClientRead).await?;
                let group = r.list_access_group(id).await?;
                let disclosure = client.disclosure(ctx.principal.user_id, &group);
                let decisions = r.list_decisions(id).await?;
                let orders = r
                    .list_orders(&OrderFilter {
                        client: Some(id),
                        ..OrderFilter::default()
                    })
                    .await?;
                let consents = r.list_consents(id).await?;
                let plan = r.get_plan(id).await?;
                let pauses = r.list_pauses(id).await?;
                let devices = r
                    .list_devices(&DeviceFilter {
                        client: Some(id),
                        limit: 100,
                        ..DeviceFilter::default()
                    })
                    .await?;
                let mut granted_tasks = Vec::new();
                for d in &decisions {
                    if d.service == vaka_domain::decision::ServiceKind::HomeCare {
                        granted_tasks.push((d.id, r.list_decision_tasks(d.id).await?));
                    }
                }
                let visit_plans = r.list_visit_plans_for_client(id).await?;
                let manages_group = ctx
                    .principal
                    .client_grant_for(
                        Permission::AccessGroupManage,
                        client.provider_id,
                        client.unit_id,
                    )
                    .is_some();
                succeeded_on(r, &grant, &client, |e| {
                    if disclosure == Disclosure::NameOnly {
                        e.details(serde_json::json!({ "disclosure": "name_only" }).to_string())
                    } else {
                        e
                    }
                });
                let emergency_until = r.emergency_until(id);
                Ok(ClientView {
                    emergency_until,
                    client: client.disclosed(disclosure),
                    disclosure,
                    decisions,
                    orders,
                    consents,
                    plan,
                    pauses,
                    devices,
                    access_group: manages_group.then_some(group),
                    granted_tasks,
                    visit_plans,
                })
            })
            .await
    }

    /// Clients the caller may see, optionally by a prefix of name or identity number. The
    /// search text is not logged: it may be a personnummer. A list that shows a protected
    /// client is flagged.
    pub async fn list_clients(
        &self,
        ctx: &Ctx<'_>,
        search: Option<&str>,
        limit: i64,
    ) -> ServiceResult<Vec<ClientSummary>> {
        Ok(self.clients_page(ctx, search, 0, limit, false).await?.items)
    }

    /// One page of the clients the caller may see (need-to-know), filtered by a name or
    /// identity prefix, with how many there are in all. Audited like [`Services::list_clients`].
    pub async fn list_clients_page(
        &self,
        ctx: &Ctx<'_>,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> ServiceResult<crate::Paged<ClientSummary>> {
        self.clients_page(ctx, search, offset, limit, true).await
    }

    /// A page of clients, counted in all only when `count` (the API's list returns no count:
    /// a full page would cost it a second statement per request).
    async fn clients_page(
        &self,
        ctx: &Ctx<'_>,
        search: Option<&str>,
        offset: i64,
        limit: i64,
        count: bool,
    ) -> ServiceResult<crate::Paged<ClientSummary>> {
        let op = ctx.op(AuditAction::ClientsListed, "client_list");
        self.door
            .read(op, async |r| {
                let grant =
                    any_grant(r, Permission::ClientRead, RegistryReason::NoAccessToClients)?;
                let search = search
                    .map(|s| {
                        s.chars()
                            .filter(|c| !c.is_control() && *c != '-' && *c != '+')
                            .collect::<String>()
                    })
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty());
                let query = ClientQuery {
                    searched: search.is_some(),
                    search,
                    limit: limit.clamp(1, 500),
                    offset: offset.max(0),
                };
                let clients = r
                    .list_clients_in_reach(ctx.principal.user_id, &query)
                    .await?;
                let shown = i64::try_from(clients.len()).unwrap_or(i64::MAX);
                let total = if query.offset == 0 && shown < query.limit {
                    Some(shown)
                } else if count {
                    Some(
                        r.count_clients_in_reach(ctx.principal.user_id, &query)
                            .await?,
                    )
                } else {
                    None
                };
                let details = serde_json::json!({ "results": clients.len(), "total": total,
                                                  "offset": query.offset, "searched": query.searched });
                let mut e = r
                    .entry(Outcome::Success, Some(&grant))
                    .details(details.to_string());
                e.flags = AuditFlags {
                    protected_identity: clients.iter().any(|c| c.protection.is_protected()),
                    ..AuditFlags::default()
                };
                r.record(e);
                Ok(crate::Paged {
                    items: clients,
                    offset: query.offset,
                    total: total.unwrap_or(shown),
                })
            })
            .await
    }

    /// Adds a member to, or removes one from, a protected client's named group.
    pub async fn set_access_group_member(
        &self,
        ctx: &Ctx<'_>,
        client: ClientId,
        user: UserId,
        member: bool,
    ) -> ServiceResult<Vec<UserId>> {
        let op = ctx.op(AuditAction::AccessGroupChanged, REGISTRY);
        self.door
            .change(op, async |w| {
                let (c, grant) = client_in_scope(w, client, Permission::AccessGroupManage).await?;
                if !c.protection.is_protected() {
                    return Err(Fault::conflict(RegistryReason::NotProtected));
                }
                let account = w
                    .get_user(user)
                    .await?
                    .ok_or_else(|| Fault::invalid("user_id", RegistryReason::NoSuchUser))?;
                let group = w.list_access_group(client).await?;
                if member {
                    if group.contains(&user) {
                        return Err(Fault::conflict(RegistryReason::AlreadyInGroup));
                    }
                    if !account.status.can_log_in() {
                        return Err(Fault::invalid("user_id", DirectoryReason::AccountNotActive));
                    }
                    let at = DbInstant::new(w.now());
                    w.add_to_access_group(client, user, ctx.principal.user_id, at)
                        .await?;
                } else {
                    w.remove_from_access_group(client, user).await?;
                }
                succeeded_on(w, &grant, &c, |e| {
                    e.subject("user", user)
                        .details(serde_json::json!({ "member": member }).to_string())
                });
                Ok(w.list_access_group(client).await?)
            })
            .await
    }
}
