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
use vaka_domain::validate::parse_name;
use vaka_store::{ClientQuery, DbInstant, DeviceFilter, OrderFilter, ReadTx};

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

fn text(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
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
}

/// Checks typed input into a client record (its id and times set by the caller), given the
/// provider and unit it names as found in the directory (`None` when not found). The one
/// validation of a client: registration and changes look the two up first, the CSV import
/// passes them from the directory it loaded once.
pub(crate) fn build_client(
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
                .map_err(|e| ServiceError::invalid("identity", e.to_string()))?,
        ),
        kind => {
            let parsed = ClientIdentity::parse_official(&input.identity, today)
                .map_err(|e| ServiceError::invalid("identity", e.to_string()))?;
            if kind == IdentityKind::Samordningsnummer && parsed.kind() != kind {
                return Err(ServiceError::invalid(
                    "identity",
                    "is a personnummer, not a samordningsnummer",
                ));
            }
            parsed
        }
    };
    let address = match (
        text(&input.address_street),
        text(&input.address_postcode),
        text(&input.address_city),
    ) {
        (None, None, None) => None,
        (Some(s), Some(p), Some(c)) => Some(Address::parse(s, p, c)?),
        _ => {
            return Err(ServiceError::invalid(
                "address_street",
                "give the whole address (street, postcode and city) or none of it",
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
        let org =
            provider.ok_or_else(|| ServiceError::invalid("provider_id", "no such organisation"))?;
        if org.kind != OrganisationKind::Provider {
            return Err(ServiceError::invalid(
                "provider_id",
                "is not a care provider",
            ));
        }
    }
    if input.unit_id.is_some() {
        let unit = unit.ok_or_else(|| ServiceError::invalid("unit_id", "no such unit"))?;
        if Some(unit.organisation_id) != input.provider_id {
            return Err(ServiceError::invalid(
                "unit_id",
                "the unit belongs to another provider",
            ));
        }
    }
    Ok(Client {
        id,
        identity,
        name: parse_name("name", &input.name, 100)?,
        address,
        phone: text(&input.phone)
            .map(|p| parse_phone("phone", p))
            .transpose()?,
        provider_id: input.provider_id,
        unit_id: input.unit_id,
        protection: input.protection.unwrap_or_default(),
        area_type: input.area_type.unwrap_or_default(),
        key_access: input.key_access.unwrap_or_default(),
        key_note: text(&input.key_note)
            .map(|n| parse_name("key_note", n, 500))
            .transpose()?,
        contacts,
        created_at,
        updated_at: created_at,
    })
}

impl Services {
    /// Checks typed input into a client record (its id and times set by the caller), looking
    /// up the provider and unit it names.
    pub(crate) async fn parse_client(
        &self,
        tx: &mut dyn ReadTx,
        input: &ClientInput,
        id: ClientId,
        created_at: jiff::Timestamp,
    ) -> ServiceResult<Client> {
        let provider = match input.provider_id {
            Some(p) => tx.get_organisation(p).await?,
            None => None,
        };
        let unit = match input.unit_id {
            Some(u) => tx.get_unit(u).await?,
            None => None,
        };
        build_client(
            input,
            id,
            created_at,
            self.today(),
            provider.as_ref(),
            unit.as_ref(),
        )
    }

    /// Registers a client (needs assessors and system administrators).
    pub async fn create_client(&self, ctx: &Ctx<'_>, input: ClientInput) -> ServiceResult<Client> {
        self.audited(async {
            let now = vaka_store::values::to_db_precision(self.now());
            let Some(grant) = ctx
                .principal
                .client_grant_for(Permission::ClientWrite, input.provider_id, input.unit_id)
                .cloned()
            else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::ClientCreated,
                        None,
                        "your roles do not allow registering clients here",
                    )
                    .await);
            };
            let mut tx = self.write().await?;
            let client = self
                .parse_client(&mut *tx, &input, ClientId::new(), now)
                .await?;
            if tx
                .find_client_by_identity(client.identity.as_str())
                .await?
                .is_some()
            {
                return Err(ServiceError::Conflict(
                    "a client with that identity number already exists".into(),
                ));
            }
            tx.insert_client(&client).await?;
            tx.append_audit(&self.client_entry(
                ctx,
                AuditAction::ClientCreated,
                Outcome::Success,
                Some(&grant),
                &client,
            ))
            .await?;
            tx.commit().await?;
            Ok(client)
        })
        .await
    }

    /// Changes a client's record. Outside the named group of a protected client, the address
    /// and contacts are not shown, so they cannot be changed either: they are kept as they were.
    pub async fn update_client(
        &self,
        ctx: &Ctx<'_>,
        id: ClientId,
        input: ClientInput,
    ) -> ServiceResult<Client> {
        self.audited(async {
            let mut tx = self.write().await?;
            let (old, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::ClientWrite,
                    AuditAction::ClientUpdated,
                )
                .await?;
            let group = tx.list_access_group(id).await?;
            let mut client = self
                .parse_client(&mut *tx, &input, id, old.created_at)
                .await?;
            if old.disclosure(ctx.principal.user_id, &group) == Disclosure::NameOnly {
                client.address = old.address.clone();
                client.phone = old.phone.clone();
                client.contacts = old.contacts.clone();
                client.key_note = old.key_note.clone();
            }
            if client.identity != old.identity
                && tx
                    .find_client_by_identity(client.identity.as_str())
                    .await?
                    .is_some()
            {
                return Err(ServiceError::Conflict(
                    "a client with that identity number already exists".into(),
                ));
            }
            client.updated_at = vaka_store::values::to_db_precision(self.now());
            tx.update_client(&client).await?;
            tx.append_audit(&self.client_entry(
                ctx,
                AuditAction::ClientUpdated,
                Outcome::Success,
                Some(&grant),
                &client,
            ))
            .await?;
            tx.commit().await?;
            Ok(client)
        })
        .await
    }

    /// A client's page: the record (as the protected-identity rule allows), decisions, orders,
    /// consent, plan, pauses and devices. Every view is audited, and flagged for a protected
    /// identity.
    pub async fn view_client(&self, ctx: &Ctx<'_>, id: ClientId) -> ServiceResult<ClientView> {
        self.audited(async {
            let mut tx = self.read().await?;
            let (client, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    id,
                    Permission::ClientRead,
                    AuditAction::ClientRead,
                )
                .await?;
            let group = tx.list_access_group(id).await?;
            let disclosure = client.disclosure(ctx.principal.user_id, &group);
            let decisions = tx.list_decisions(id).await?;
            let orders = tx
                .list_orders(&OrderFilter {
                    client: Some(id),
                    ..OrderFilter::default()
                })
                .await?;
            let consents = tx.list_consents(id).await?;
            let plan = tx.get_plan(id).await?;
            let pauses = tx.list_pauses(id).await?;
            let devices = tx
                .list_devices(&DeviceFilter {
                    client: Some(id),
                    limit: 100,
                    ..DeviceFilter::default()
                })
                .await?;
            let manages_group = ctx
                .principal
                .client_grant_for(
                    Permission::AccessGroupManage,
                    client.provider_id,
                    client.unit_id,
                )
                .is_some();
            drop(tx);
            let mut entry = self.client_entry(
                ctx,
                AuditAction::ClientRead,
                Outcome::Success,
                Some(&grant),
                &client,
            );
            if disclosure == Disclosure::NameOnly {
                entry = entry.details(serde_json::json!({ "disclosure": "name_only" }).to_string());
            }
            self.append_committed(entry).await?;
            Ok(ClientView {
                client: client.disclosed(disclosure),
                disclosure,
                decisions,
                orders,
                consents,
                plan,
                pauses,
                devices,
                access_group: manages_group.then_some(group),
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
        self.audited(async {
            let now = self.now();
            let Some(grant) = ctx.principal.any_grant(Permission::ClientRead).cloned() else {
                return Err(self
                    .deny(
                        ctx,
                        AuditAction::ClientsListed,
                        None,
                        "your roles give no access to clients",
                    )
                    .await);
            };
            let search = search
                .map(|s| {
                    s.chars()
                        .filter(|c| !c.is_control() && *c != '-' && *c != '+')
                        .collect::<String>()
                })
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty());
            let entry = ctx.entry(
                now,
                AuditAction::ClientsListed,
                Outcome::Success,
                Some(&grant),
                "client_list",
            );
            let user = ctx.principal.user_id;
            let query = ClientQuery {
                searched: search.is_some(),
                search,
                limit: limit.clamp(1, 500),
            };
            self.audited_read(move |tx| {
                Box::pin(async move {
                    let clients = tx.list_clients_in_reach(user, &query).await?;
                    let details =
                        serde_json::json!({ "results": clients.len(), "searched": query.searched });
                    let mut entry = entry.details(details.to_string());
                    entry.flags = AuditFlags {
                        protected_identity: clients.iter().any(|c| c.protection.is_protected()),
                        ..AuditFlags::default()
                    };
                    Ok((clients, entry))
                })
            })
            .await
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
        self.audited(async {
            let now = self.now();
            let mut tx = self.write().await?;
            let (c, grant) = self
                .client_in_scope(
                    ctx,
                    &mut *tx,
                    client,
                    Permission::AccessGroupManage,
                    AuditAction::AccessGroupChanged,
                )
                .await?;
            if !c.protection.is_protected() {
                return Err(ServiceError::Conflict(
                    "the client has no protected identity".into(),
                ));
            }
            let account = tx
                .get_user(user)
                .await?
                .ok_or_else(|| ServiceError::invalid("user_id", "no such user"))?;
            let group = tx.list_access_group(client).await?;
            if member {
                if group.contains(&user) {
                    return Err(ServiceError::Conflict(
                        "the user is already in the group".into(),
                    ));
                }
                if !account.status.can_log_in() {
                    return Err(ServiceError::invalid(
                        "user_id",
                        "the account is not active",
                    ));
                }
                tx.add_to_access_group(client, user, ctx.principal.user_id, DbInstant::new(now))
                    .await?;
            } else {
                tx.remove_from_access_group(client, user).await?;
            }
            let entry = self
                .client_entry(
                    ctx,
                    AuditAction::AccessGroupChanged,
                    Outcome::Success,
                    Some(&grant),
                    &c,
                )
                .subject("user", user)
                .details(serde_json::json!({ "member": member }).to_string());
            tx.append_audit(&entry).await?;
            let group = tx.list_access_group(client).await?;
            tx.commit().await?;
            Ok(group)
        })
        .await
    }
}
