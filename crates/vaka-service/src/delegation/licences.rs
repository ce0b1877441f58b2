//! Licences and the municipality's coded list of task types.
//!
//! A user's licence (profession and licence number) is set by those who manage accounts; the
//! list of task types is the municipality's (the system manager keeps it). Until it is first
//! changed, the list is [`default_task_types`].

use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::audit::AuditAction;
use vaka_domain::delegation::{
    Licence, LicenceNumber, Profession, TaskType, TaskTypeCode, default_task_types,
};
use vaka_domain::ids::UserId;
use vaka_domain::reason::DelegationReason;
use vaka_store::{DbInstant, ReadTx};

use super::DELEGATION;
use crate::door::{Change, Work};
use crate::error::{Fault, WorkResult};
use crate::{Ctx, ServiceResult, Services};

/// The municipality's task types: as stored, or the default list while none is stored.
pub(crate) async fn task_types(r: &mut dyn ReadTx) -> WorkResult<Vec<TaskType>> {
    let stored = r.list_task_types().await?;
    Ok(if stored.is_empty() {
        default_task_types()
    } else {
        stored
    })
}

/// The municipality's task types for a change that will refer to one (a delegation, a
/// prescription): the default list is stored first while none is, as the stored rows are what
/// those records refer to.
pub(crate) async fn task_types_to_refer_to(w: &mut Change<'_>) -> WorkResult<Vec<TaskType>> {
    let stored = w.list_task_types().await?;
    if !stored.is_empty() {
        return Ok(stored);
    }
    let defaults = default_task_types();
    for d in &defaults {
        w.upsert_task_type(d).await?;
    }
    Ok(defaults)
}

/// A task type of the list by code, or a clear refusal (unknown, or retired when `in_use`).
pub(crate) fn task_of<'t>(
    list: &'t [TaskType],
    code: &TaskTypeCode,
    for_new: bool,
) -> WorkResult<&'t TaskType> {
    let t = vaka_domain::delegation::find_task_type(list, code)?;
    if for_new && t.retired {
        return Err(Fault::invalid(
            "task_type",
            DelegationReason::TaskTypeRetired {
                task: t.name.clone(),
            },
        ));
    }
    Ok(t)
}

/// A task type's name and whether it is a medication, by code (a code the list no longer
/// holds is shown as itself).
pub(crate) fn task_label(list: &[TaskType], code: &TaskTypeCode) -> (String, bool) {
    list.iter().find(|t| &t.code == code).map_or_else(
        || (code.to_string(), false),
        |t| (t.name.clone(), t.medication),
    )
}

/// A licence as an account manager gives it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LicenceInput {
    /// `nurse`, `occupational_therapist` or `physiotherapist`.
    pub profession: String,
    /// The licence number (legitimationsnummer).
    pub number: String,
}

impl Services {
    /// The municipality's task types (anyone signed in may read them: no personal data).
    pub async fn task_types(&self, ctx: &Ctx<'_>) -> ServiceResult<Vec<TaskType>> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| task_types(r.reads()).await)
            .await
    }

    /// Adds a task type to the list or changes one (the municipality's system manager).
    pub async fn save_task_type(&self, ctx: &Ctx<'_>, t: TaskType) -> ServiceResult<TaskType> {
        self.keep_task_type(ctx, t, None).await
    }

    /// Adds a task type whose code the list does not hold yet (a code taken is refused, not
    /// overwritten).
    pub async fn add_task_type(&self, ctx: &Ctx<'_>, t: TaskType) -> ServiceResult<TaskType> {
        self.keep_task_type(ctx, t, Some(true)).await
    }

    /// Changes (or retires) a task type the list holds (an unknown code is refused, not
    /// added).
    pub async fn change_task_type(&self, ctx: &Ctx<'_>, t: TaskType) -> ServiceResult<TaskType> {
        self.keep_task_type(ctx, t, Some(false)).await
    }

    /// Saves a task type; `new` says whether its code must be new (`Some(true)`), already in
    /// the list (`Some(false)`) or either.
    async fn keep_task_type(
        &self,
        ctx: &Ctx<'_>,
        t: TaskType,
        new: Option<bool>,
    ) -> ServiceResult<TaskType> {
        let op = ctx.op(AuditAction::TaskTypeChanged, DELEGATION);
        self.door
            .change(op, async |w| {
                let grant = w.any_grant(
                    Permission::TaskTypeManage,
                    DelegationReason::MayNotManageTaskTypes,
                )?;
                t.check()?;
                // The first change makes the default list the stored one.
                let list = task_types_to_refer_to(w).await?;
                let known = list.iter().any(|k| k.code == t.code);
                match new {
                    Some(true) if known => {
                        return Err(Fault::conflict(DelegationReason::TaskTypeCodeTaken {
                            code: t.code.to_string(),
                        }));
                    }
                    Some(false) if !known => {
                        vaka_domain::delegation::find_task_type(&list, &t.code)?;
                    }
                    _ => {}
                }
                w.upsert_task_type(&t).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("task_type", t.code.as_str()).details(
                        serde_json::json!({ "retired": t.retired, "medication": t.medication })
                            .to_string(),
                    )
                });
                Ok(t)
            })
            .await
    }

    /// A user's licence, if they hold one (those who see the directory, and the user).
    pub async fn licence_of(&self, ctx: &Ctx<'_>, user: UserId) -> ServiceResult<Option<Licence>> {
        let op = ctx.op(AuditAction::DelegationsRead, DELEGATION);
        self.door
            .read(op, async |r| {
                if ctx.principal.user_id != user {
                    r.any_grant(
                        Permission::DirectoryRead,
                        vaka_domain::reason::DirectoryReason::MayNotReadDirectory,
                    )?;
                }
                Ok(r.get_licence(user).await?)
            })
            .await
    }

    /// Sets (`Some`) or removes (`None`) a user's licence (those who manage accounts, or the
    /// municipality's keeper of the task types).
    pub async fn set_licence(
        &self,
        ctx: &Ctx<'_>,
        user: UserId,
        input: Option<LicenceInput>,
    ) -> ServiceResult<Option<Licence>> {
        let op = ctx.op(AuditAction::LicenceSet, DELEGATION);
        self.door
            .change(op, async |w| {
                let grant = match ctx.principal.any_grant(Permission::AccountManage) {
                    Some(g) => g.clone(),
                    None => w.any_grant(
                        Permission::TaskTypeManage,
                        DelegationReason::MayNotManageTaskTypes,
                    )?,
                };
                w.get_user(user).await?.ok_or(Fault::not_found("user"))?;
                let licence = match &input {
                    Some(i) => Some(Licence {
                        profession: Profession::parse("profession", i.profession.trim())?,
                        number: LicenceNumber::parse(&i.number)?,
                    }),
                    None => None,
                };
                let now = DbInstant::new(w.now());
                w.set_licence(user, licence.as_ref(), now).await?;
                w.succeeded(Some(&grant), |e| {
                    e.subject("user", user).details(
                        serde_json::json!({
                            "profession": licence.as_ref().map(|l| l.profession.code()),
                        })
                        .to_string(),
                    )
                });
                Ok(licence)
            })
            .await
    }
}
