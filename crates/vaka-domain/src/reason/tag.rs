//! Reasons about NFC tags: their settings, and taps refused.

use super::reasons;

reasons! {
    Tag =>
    /// Reasons about NFC tags: their settings, and taps refused.
    pub enum TagReason {
        /// A tag UID that is not 4, 7 or 10 bytes of hex (with one kind of separator or none).
        BadUid => "tag-bad-uid",
        /// A tag id that is not 10–40 letters and digits without six digits in a row.
        BadTagId => "tag-bad-tag-id",
        /// A SUN key that is not 32 hex digits.
        BadKey => "tag-bad-key",
        /// Tag settings on a device that is not an NFC tag.
        OnlyNfcTags => "tag-only-nfc-tags",
        /// An NFC tag registered without its settings (UID and strength).
        SettingsRequired => "tag-settings-required",
        /// A SUN tag without its key.
        SunNeedsKey => "tag-sun-needs-key",
        /// A key given for a plain tag.
        PlainTakesNoKey => "tag-plain-takes-no-key",
        /// Another tag has this UID or tag id.
        Taken => "tag-taken",
        /// A tap of no registered tag (neither its URL's tag id nor its UID is known).
        Unknown => "tag-unknown",
        /// A tap of a tag that is not in service at a client's door.
        NotBound => "tag-not-bound",
        /// A tap of a tag whose client has no decision in force.
        ClientEnded => "tag-client-ended",
        /// A tap whose UID is not the tag's.
        UidMismatch => "tag-uid-mismatch",
        /// A SUN tag read without its SUN message.
        SunMissing => "tag-sun-missing",
        /// SUN parameters that are not as a tag writes them.
        SunMalformed => "tag-sun-malformed",
        /// A SUN message whose MAC does not verify.
        SunBadMac => "tag-sun-bad-mac",
        /// A SUN message seen before (its counter is not greater than the last accepted).
        SunReplayed => "tag-sun-replayed",
        /// A tag of another client than the visit's.
        OtherClient => "tag-other-client",
        /// Replacing with a tag that is not in stock.
        ReplacementNotInStock => "tag-replacement-not-in-stock",
        /// Replacing a tag that is not with a client.
        ReplacedNotWithClient => "tag-replaced-not-with-client",
        /// Only municipal administrators register, order and replace tags.
        OnlyAdmins => "tag-only-admins",
    }
}
