//! Why a rule said no, as data: a stable message id with its arguments.
//!
//! Rules never return sentences. A refusal carries a [`Reason`]: a variant of one of the
//! per-area enums below, each with the stable id of its message and named arguments. The words
//! live in the web's Fluent files (`crates/vaka-web/locales/{sv,en}/*.ftl`), where the pages
//! and the API look the id up; rewording a message is an edit there, and a reason without words
//! in either language fails a test (`vaka-web`'s i18n tests walk [`Reason::all_ids`]).

mod access;
mod alarm;
mod auth;
mod client_log;
mod delegation;
mod device;
mod directory;
mod governance;
mod homecare;
mod import;
mod input;
mod key;
mod log_review;
mod operations;
mod registry;
mod retention;
mod supervision;
mod tag;

pub use access::AccessReason;
pub use alarm::AlarmReason;
pub use auth::AuthReason;
pub use client_log::ClientLogReason;
pub use delegation::DelegationReason;
pub use device::DeviceReason;
pub use directory::DirectoryReason;
pub use governance::GovernanceReason;
pub use homecare::HomecareReason;
pub use import::{ImportColumn, ImportReason};
pub use input::InputReason;
pub use key::KeyReason;
pub use log_review::LogReviewReason;
pub use operations::OperationsReason;
pub use registry::RegistryReason;
pub use retention::RetentionReason;
pub use supervision::SupervisionReason;
pub use tag::TagReason;

/// An argument of a reason's message (a Fluent variable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a date, a serial number, a value the user typed).
    Text(String),
    Number(i64),
    /// A stable code the pages translate by its message id `{kind}-{code}` (a role, an
    /// organisation kind) before it goes into the sentence.
    Code {
        kind: &'static str,
        code: &'static str,
    },
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Text(s) => f.write_str(s),
            Arg::Number(n) => write!(f, "{n}"),
            Arg::Code { code, .. } => f.write_str(code),
        }
    }
}

impl From<crate::access::Role> for Arg {
    fn from(r: crate::access::Role) -> Self {
        Arg::Code {
            kind: "role",
            code: r.code(),
        }
    }
}

impl From<crate::directory::OrganisationKind> for Arg {
    fn from(k: crate::directory::OrganisationKind) -> Self {
        Arg::Code {
            kind: "org-kind",
            code: k.code(),
        }
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl From<&'static str> for Arg {
    fn from(s: &'static str) -> Self {
        Arg::Text(s.to_owned())
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Self {
                Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i32, i64);

/// Declares the reasons of one area: an enum whose variants map to stable message ids, with
/// `id()`, `args()` (the named fields, as Fluent variables of the same name) and `IDS`.
macro_rules! reasons {
    (
        $area:ident =>
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $({ $($field:ident : $ty:ty),+ $(,)? })? => $id:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant $({ $($field: $ty),+ })? ),+
        }

        impl $name {
            /// Every message id of this area.
            pub const IDS: &'static [&'static str] = &[$($id),+];

            /// The stable message id.
            pub fn id(&self) -> &'static str {
                match self {
                    $( Self::$variant { .. } => $id ),+
                }
            }

            /// The message's arguments, by name.
            pub fn args(&self) -> Vec<(&'static str, $crate::reason::Arg)> {
                match self {
                    $( Self::$variant $({ $($field),+ })? => vec![
                        $($( (stringify!($field), $crate::reason::Arg::from($field.clone())) ),+)?
                    ], )+
                }
            }
        }

        impl From<$name> for $crate::reason::Reason {
            fn from(r: $name) -> Self {
                $crate::reason::Reason::$area(r)
            }
        }
    };
}
pub(crate) use reasons;

/// Why something was refused or is invalid: one area's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Input(InputReason),
    Access(AccessReason),
    Auth(AuthReason),
    Directory(DirectoryReason),
    Registry(RegistryReason),
    Supervision(SupervisionReason),
    Alarm(AlarmReason),
    Device(DeviceReason),
    Import(ImportReason),
    Homecare(HomecareReason),
    Tag(TagReason),
    Key(KeyReason),
    Delegation(DelegationReason),
    Retention(RetentionReason),
    ClientLog(ClientLogReason),
    Operations(OperationsReason),
    Governance(GovernanceReason),
    LogReview(LogReviewReason),
}

macro_rules! each_area {
    ($self:ident, $r:ident => $e:expr) => {
        match $self {
            Reason::Input($r) => $e,
            Reason::Access($r) => $e,
            Reason::Auth($r) => $e,
            Reason::Directory($r) => $e,
            Reason::Registry($r) => $e,
            Reason::Supervision($r) => $e,
            Reason::Alarm($r) => $e,
            Reason::Device($r) => $e,
            Reason::Import($r) => $e,
            Reason::Homecare($r) => $e,
            Reason::Tag($r) => $e,
            Reason::Key($r) => $e,
            Reason::Delegation($r) => $e,
            Reason::Retention($r) => $e,
            Reason::ClientLog($r) => $e,
            Reason::Operations($r) => $e,
            Reason::Governance($r) => $e,
            Reason::LogReview($r) => $e,
        }
    };
}

impl Reason {
    /// The stable message id (a Fluent message id).
    pub fn id(&self) -> &'static str {
        each_area!(self, r => r.id())
    }

    /// The message's arguments, by name.
    pub fn args(&self) -> Vec<(&'static str, Arg)> {
        each_area!(self, r => r.args())
    }

    /// Every message id a reason can have.
    pub fn all_ids() -> impl Iterator<Item = &'static str> {
        [
            InputReason::IDS,
            AccessReason::IDS,
            AuthReason::IDS,
            DirectoryReason::IDS,
            RegistryReason::IDS,
            SupervisionReason::IDS,
            AlarmReason::IDS,
            DeviceReason::IDS,
            ImportReason::IDS,
            HomecareReason::IDS,
            TagReason::IDS,
            KeyReason::IDS,
            DelegationReason::IDS,
            RetentionReason::IDS,
            ClientLogReason::IDS,
            OperationsReason::IDS,
            GovernanceReason::IDS,
            LogReviewReason::IDS,
        ]
        .into_iter()
        .flatten()
        .copied()
    }
}

/// The id and its arguments (`input-too-long(max=100)`): for logs and tests, never for people.
impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())?;
        let args = self.args();
        if !args.is_empty() {
            f.write_str("(")?;
            for (i, (name, value)) in args.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{name}={value}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for id in Reason::all_ids() {
            assert!(seen.insert(id), "{id} is declared twice");
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && id.starts_with(|c: char| c.is_ascii_lowercase()),
                "{id} is not a Fluent id in kebab-case"
            );
        }
        assert!(seen.len() > 10);
    }

    #[test]
    fn a_reason_names_its_arguments() {
        let r = Reason::from(InputReason::TooLong { max: 100 });
        assert_eq!(r.id(), "input-too-long");
        assert_eq!(r.args(), vec![("max", Arg::Number(100))]);
        assert_eq!(r.to_string(), "input-too-long(max=100)");
        assert_eq!(
            Reason::from(InputReason::Required).to_string(),
            "input-required"
        );
    }
}
