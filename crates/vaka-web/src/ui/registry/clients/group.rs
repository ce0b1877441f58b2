//! The named group of a protected client: who is in it, who may join, adding and removing.

use serde::Deserialize;
use vaka_domain::ids::UserId;
use vaka_domain::reason::RegistryReason;
use vaka_service::registry::clients::ClientView;

use super::{Names, change};
use crate::error::ApiError;
use crate::extract::Path;
use crate::identity::Caller;
use crate::page::{KeptForm, PageResult, Req};
use crate::state::AppState;

/// Who may be added to the group: the members of the client's unit not in it yet. None when
/// the caller does not manage the group, or the client has no unit.
pub(super) async fn candidates(
    state: &AppState,
    caller: &Caller,
    view: &ClientView,
) -> Result<Vec<UserId>, ApiError> {
    let (Some(group), Some(unit)) = (&view.access_group, view.client.unit_id) else {
        return Ok(Vec::new());
    };
    let mut candidates = state.services.unit_members(&caller.ctx(), unit).await?;
    candidates.retain(|u| !group.contains(u));
    Ok(candidates)
}

/// Users with their names, by name.
pub(super) fn named(names: &Names, ids: &[UserId]) -> Vec<(UserId, String)> {
    let mut v: Vec<_> = ids.iter().map(|u| (*u, names.user(*u))).collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

#[derive(Debug, Deserialize)]
pub struct GroupForm {
    #[serde(default)]
    pub user_id: String,
    /// `add` or `remove`.
    #[serde(default)]
    pub action: String,
}

pub async fn change_group(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<GroupForm>,
) -> PageResult {
    change(
        r,
        &id,
        "group-changed",
        "group",
        sent,
        async |s, ctx, id| match (form.user_id.trim().parse::<UserId>(), form.action.as_str()) {
            (Ok(user), action @ ("add" | "remove")) => Ok(s
                .services
                .set_access_group_member(ctx, id, user, action == "add")
                .await?),
            (Err(_), _) => Err(ApiError::invalid("user_id", RegistryReason::ChooseUser)),
            _ => Err(ApiError::invalid("action", RegistryReason::NotAChoice)),
        },
    )
    .await
}
