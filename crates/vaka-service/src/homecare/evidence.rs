//! What a tag tap proves: the seam between the visit's sync and the NFC tags.
//!
//! [`tag_tap`] is the one function the sync calls for a record with a tag. This first version
//! finds the tag by its UID among the registered devices of kind `nfc_tag` and accepts it as a
//! plain (weaker) read; the tags capability replaces its body with SUN verification (the tag
//! id from the URL, the AES-CMAC, the counter's replay refusal) without changing its
//! signature.

use jiff::Timestamp;
use vaka_domain::audit::Outcome;
use vaka_domain::device::{DeviceKind, DeviceStatus};
use vaka_domain::nfc::{TagEvidence, TagStrength, TagTap, normalise_uid};
use vaka_domain::reason::HomecareReason;
use vaka_store::DeviceFilter;

use crate::door::{Change, Work};
use crate::error::Fault;

/// The tag a tap came from and the client it is bound to, or a refusal (audited by the
/// caller's unit of work): an unknown tag, or one bound to no client.
pub(crate) async fn tag_tap(
    w: &mut Change<'_>,
    tap: &TagTap,
    _at: Timestamp,
) -> Result<TagEvidence, Fault> {
    let refuse = |w: &Change<'_>, reason: HomecareReason| {
        Fault::refused(w.entry(Outcome::Denied, None), reason)
    };
    let Some(uid) = normalise_uid(&tap.serial) else {
        return Err(refuse(w, HomecareReason::UnknownTag));
    };
    // Tags registered by their normalised UID are found by index; others (written with
    // separators or capitals) by a scan of the tags.
    let mut found = None;
    for serial in [Some(uid.clone()), None] {
        let candidates = w
            .list_devices(&DeviceFilter {
                kind: Some(DeviceKind::NfcTag),
                serial,
                limit: 10_000,
                ..DeviceFilter::default()
            })
            .await?;
        found = candidates
            .into_iter()
            .find(|d| normalise_uid(&d.serial).as_deref() == Some(uid.as_str()));
        if found.is_some() {
            break;
        }
    }
    let Some(tag) = found else {
        return Err(refuse(w, HomecareReason::UnknownTag));
    };
    let bound = matches!(
        tag.status,
        DeviceStatus::Assigned
            | DeviceStatus::Installed
            | DeviceStatus::TestPassed
            | DeviceStatus::Active
    );
    let Some(client_id) = tag.client_id.filter(|_| bound) else {
        let e = w.entry(Outcome::Denied, None).subject("device", tag.id);
        return Err(Fault::refused(e, HomecareReason::TagNotBound));
    };
    Ok(TagEvidence {
        device_id: tag.id,
        client_id,
        strength: TagStrength::Plain,
    })
}
