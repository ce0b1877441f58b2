//! Typed reasons (`vaka_domain::reason::Reason`) in words: the reason's id is its message id
//! in `locales/*/reasons/*.ftl`, its arguments the message's variables.

use vaka_domain::reason::{Arg as ReasonArg, Reason};

use super::{Arg, Lang, Tr};

impl Tr {
    /// A refusal's reason in the page's language.
    pub fn reason_of(&self, reason: &Reason) -> String {
        match reason.legacy_text() {
            Some(text) => self.reason(text),
            None => {
                let args: Vec<(&str, Arg<'_>)> = reason
                    .args()
                    .into_iter()
                    .map(|(name, value)| {
                        let value = match value {
                            ReasonArg::Text(s) => Arg::from(s),
                            ReasonArg::Number(n) => Arg::from(n),
                            // A code (a role, an organisation kind) in this language's words.
                            ReasonArg::Code { kind, code } => Arg::from(self.code(kind, code)),
                        };
                        (name, value)
                    })
                    .collect();
                self.message(reason.id(), &args).into_owned()
            }
        }
    }
}

/// A reason in a language (the API speaks English).
pub fn reason_words(lang: Lang, reason: &Reason) -> String {
    Tr::new(lang).reason_of(reason)
}
