//! Typed reasons (`vaka_domain::reason::Reason`) in words: the reason's id is its message id
//! in `locales/*/reasons/*.ftl`, its arguments the message's variables.

use vaka_domain::reason::{Arg as ReasonArg, Reason};

use super::{Arg, Lang, Tr};

impl Tr {
    /// A refusal's reason in the page's language; a code argument (a role, an organisation
    /// kind) in the page's words.
    pub fn reason_of(&self, reason: &Reason) -> String {
        self.words(reason, true)
    }

    fn words(self, reason: &Reason, name_codes: bool) -> String {
        let args: Vec<(&str, Arg<'_>)> = reason
            .args()
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    ReasonArg::Text(s) => Arg::from(s),
                    ReasonArg::Number(n) => Arg::from(n),
                    ReasonArg::Code { kind, code } if name_codes => {
                        Arg::from(self.code(kind, code))
                    }
                    ReasonArg::Code { code, .. } => Arg::from(code),
                };
                (name, value)
            })
            .collect();
        self.message(reason.id(), &args).into_owned()
    }
}

/// A reason as the API says it: in English, with code arguments as the codes the API itself
/// takes and returns (`system_admin`, not "System administrator").
pub fn api_words(reason: &Reason) -> String {
    Tr::new(Lang::En).words(reason, false)
}
