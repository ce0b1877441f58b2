//! What a tag tap proves: the seam between the visit's sync and the NFC tags.
//!
//! [`tag_tap`] is the one function the sync calls for a record with a tag. The rule itself is
//! the tags capability's ([`crate::registry::tags::tap`]): the tag found by the tag id in its
//! URL (else its UID), refused when unknown, not in service at a client's door, of a client
//! with no decision in force, or read with another UID; a SUN tag's message verified (AES-CMAC
//! under its key) and its counter greater than the last accepted, the new counter stored in
//! the sync's transaction; a plain tag accepted as weaker evidence. Every outcome is audited.

use jiff::Timestamp;
use vaka_domain::nfc::{TagEvidence, TagTap};

use crate::door::Change;
use crate::error::Fault;

/// The tag a tap came from, the client it is bound to and how strongly it proves the tap, or
/// a typed refusal (`vaka_domain::reason::TagReason`) with its audit entry.
pub(crate) async fn tag_tap(
    w: &mut Change<'_>,
    tap: &TagTap,
    at: Timestamp,
) -> Result<TagEvidence, Fault> {
    crate::registry::tags::tap(w, tap, at).await
}
