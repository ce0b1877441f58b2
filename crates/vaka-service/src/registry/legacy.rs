//! Transitional: what the code not yet on the door (the CSV import, the supervision console,
//! log and patrol, the alarm console) still calls of the registry, in its old shape. Each
//! piece goes when its last caller has moved to `crate::door`.

use vaka_domain::access::{Assignment, Permission};
use vaka_domain::audit::{AuditAction, AuditFlags, NewAuditEntry, Outcome};
use vaka_domain::client::Client;
use vaka_domain::directory::{Organisation, Unit};
use vaka_domain::ids::ClientId;
use vaka_domain::reason::{Reason, RegistryReason};
use vaka_store::ReadTx;

use super::REGISTRY;
use super::clients::{ClientInput, client_from_input};
use crate::error::Denial;
use crate::{Ctx, ServiceError, ServiceResult, Services};

impl Services {
    /// Transitional: `Work::client_entry` for use cases not yet on the door.
    pub(crate) fn client_entry(
        &self,
        ctx: &Ctx<'_>,
        action: AuditAction,
        outcome: Outcome,
        grant: Option<&Assignment>,
        client: &Client,
    ) -> NewAuditEntry {
        let mut e = ctx
            .entry(self.now(), action, outcome, grant, REGISTRY)
            .client(client.id);
        e.flags = AuditFlags {
            protected_identity: client.protection.is_protected(),
            ..AuditFlags::default()
        };
        e
    }

    /// Transitional: [`super::client_in_scope`] for use cases not yet on the door.
    pub(crate) async fn client_in_scope(
        &self,
        ctx: &Ctx<'_>,
        tx: &mut dyn ReadTx,
        id: ClientId,
        p: Permission,
        action: AuditAction,
    ) -> ServiceResult<(Client, Assignment)> {
        let client = tx
            .get_client(id)
            .await?
            .ok_or(ServiceError::NotFound("client"))?;
        match ctx
            .principal
            .client_grant_for(p, client.provider_id, client.unit_id)
        {
            Some(g) => Ok((client, g.clone())),
            None => Err(ServiceError::Denied(Box::new(Denial {
                entry: self.client_entry(ctx, action, Outcome::Denied, None, &client),
                reason: RegistryReason::OutsideNeedToKnow.into(),
            }))),
        }
    }
}

/// Transitional, for the CSV import: [`client_from_input`] with a refused field's reason in
/// its English words, since the import's problems are still plain text (`reason.to_string()`
/// would show a reason's id). The words are read from the web's English files, so they stay
/// the ones the API shows. Goes when the import carries typed reasons: it then calls
/// `client_from_input` itself.
pub(crate) fn build_client(
    input: &ClientInput,
    id: ClientId,
    created_at: jiff::Timestamp,
    today: jiff::civil::Date,
    provider: Option<&Organisation>,
    unit: Option<&Unit>,
) -> ServiceResult<Client> {
    client_from_input(input, id, created_at, today, provider, unit).map_err(|e| match e {
        ServiceError::Invalid { field, reason } => match english(&reason) {
            Some(words) => ServiceError::invalid(field, words),
            None => ServiceError::Invalid { field, reason },
        },
        other => other,
    })
}

/// The web's English words of the reasons a client's record can be refused for.
const ENGLISH: [&str; 3] = [
    include_str!("../../../vaka-web/locales/en/reasons/registry.ftl"),
    include_str!("../../../vaka-web/locales/en/reasons/directory.ftl"),
    include_str!("../../../vaka-web/locales/en/reasons/input.ftl"),
];

/// A reason in English: its one-line message with each `{ $name }` replaced by the argument.
fn english(reason: &Reason) -> Option<String> {
    let id = reason.id();
    let pattern = ENGLISH.iter().flat_map(|f| f.lines()).find_map(|line| {
        let (key, value) = line.split_once('=')?;
        (key.trim() == id).then(|| value.trim())
    })?;
    let mut words = pattern.to_owned();
    for (name, value) in reason.args() {
        words = words.replace(&format!("{{ ${name} }}"), &value.to_string());
    }
    Some(words)
}

#[cfg(test)]
mod tests {
    use vaka_domain::personnummer::ClientIdentity;
    use vaka_domain::reason::InputReason;

    use super::*;

    #[test]
    fn english_words_are_those_of_the_old_messages() {
        let e = ClientIdentity::parse_official("19400404-9808", jiff::civil::date(2026, 1, 1))
            .unwrap_err();
        assert_eq!(english(&e.clone().into()).unwrap(), e.to_string());
        let e = ClientIdentity::parse_official("19450230-1234", jiff::civil::date(2026, 1, 1))
            .unwrap_err();
        assert_eq!(english(&e.clone().into()).unwrap(), e.to_string());
        assert_eq!(
            english(&RegistryReason::PostcodeFiveDigits.into()).unwrap(),
            "must be five digits, e.g. 123 45"
        );
        assert_eq!(
            english(&InputReason::TooLong { max: 100 }.into()).unwrap(),
            "must be at most 100 characters"
        );
    }
}
