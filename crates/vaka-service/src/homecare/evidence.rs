//! What a tag tap proves: the seam between the visit's sync and the NFC tags.
//!
//! [`tag_tap`] is the one function the sync calls for a record with a tag. It hands the tap to
//! the tags capability ([`crate::registry::tags`]): the tag found by the id in its URL (or by
//! its UID), a SUN tag's AES-CMAC verified and its counter refused when replayed, a plain tag
//! accepted as the weaker read; an unknown tag, or one bound to no client, refused.

use jiff::Timestamp;
use vaka_domain::nfc::{TagEvidence, TagTap};

use crate::door::Change;
use crate::error::Fault;

/// The tag a tap came from and the client it is bound to, or a refusal (audited by the
/// caller's unit of work).
pub(crate) async fn tag_tap(
    w: &mut Change<'_>,
    tap: &TagTap,
    at: Timestamp,
) -> Result<TagEvidence, Fault> {
    crate::registry::tags::tap(w, tap, at).await
}
