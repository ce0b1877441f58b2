//! Enumerations stored and sent by a stable snake_case code.

/// Declares an enum with `code()`, `from_code()` and `ALL`, serialised by its code.
macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $c:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$v => $c),+ }
            }

            pub fn from_code(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|k| k.code() == s)
            }
        }
    };
}
