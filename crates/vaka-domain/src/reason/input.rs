//! Reasons a typed value is refused (shared by every form).

use super::reasons;

reasons! {
    Input =>
    /// Reasons a typed value is refused (shared by every form).
    pub enum InputReason {
        /// A required value is missing.
        Required => "input-required",
        /// Longer than allowed.
        TooLong { max: usize } => "input-too-long",
        /// Shorter than allowed.
        TooShort { min: usize } => "input-too-short",
        /// Longer than allowed, said of a value that has a length of its own (an address).
        LongerThan { max: usize } => "input-longer-than",
        /// Outside a range of lengths.
        LengthBetween { min: usize, max: usize } => "input-length-between",
        /// A control character (a line break, a NUL) in a one-line value.
        ControlCharacters => "input-control-characters",
        /// A space in a value that has none.
        NoSpaces => "input-no-spaces",
        /// A character other than digits and '-' in a number.
        DigitsAndDashOnly => "input-digits-and-dash-only",
        /// The check digit of a number does not match the rest.
        CheckDigit => "input-check-digit",
        /// A username that does not start with a letter.
        UsernameStart => "input-username-start",
        /// A username with characters outside `a-z 0-9 . _ -`.
        UsernameCharacters => "input-username-characters",
        /// An e-mail address without '@'.
        EmailNoAt => "input-email-no-at",
        /// An e-mail address with more than one '@'.
        EmailOneAt => "input-email-one-at",
        /// An e-mail address whose part before '@' is empty or too long.
        EmailLocalPart => "input-email-local-part",
        /// An e-mail address whose domain is not a domain.
        EmailDomain => "input-email-domain",
        /// An HSA-id that is not `SE`, 10 digits, '-', 1–31 letters or digits.
        HsaIdShape => "input-hsa-id-shape",
        /// An organisation number without its 10 digits.
        OrgNumberLength => "input-org-number-length",
        /// A password that contains the username.
        PasswordContainsUsername => "input-password-contains-username",
        /// A password of one character repeated.
        PasswordOneCharacter => "input-password-one-character",
        /// A password that is too easy to guess (a common one, a keyboard run, a sequence, a
        /// repetition, a date, the account's own words): a zxcvbn score below 3.
        PasswordTooGuessable => "input-password-too-guessable",
        /// The change refers to something that does not exist.
        RefersToMissing => "input-refers-to-missing",
        /// The change conflicts with existing data.
        ConflictsWithExisting => "input-conflicts-with-existing",
        /// A value that is not one the field takes.
        NotValid => "input-not-valid",
        /// A number or date outside what can be represented.
        OutOfRange => "input-out-of-range",
        /// A number below its least value.
        AtLeast { min: i64 } => "input-at-least",
        /// Neither a date nor an instant.
        NotDateOrInstant => "input-not-date-or-instant",
        /// A period whose end is not after its start.
        EndBeforeStart => "input-end-before-start",
        /// A code that names no audit action.
        UnknownAuditAction => "input-unknown-audit-action",
        /// An uploaded form that could not be read.
        UnreadableUpload => "input-unreadable-upload",
    }
}
