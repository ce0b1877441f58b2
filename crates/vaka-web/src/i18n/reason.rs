//! Typed reasons (`vaka_domain::reason::Reason`) in words.

use vaka_domain::reason::Reason;

use super::{Lang, Tr};

impl Tr {
    /// A refusal's reason in the page's language.
    pub fn reason_of(&self, reason: &Reason) -> String {
        match reason.legacy_text() {
            Some(text) => self.reason(text),
            None => reason_words(self.lang, reason),
        }
    }
}

/// A reason in a language (the API speaks English).
pub fn reason_words(lang: Lang, reason: &Reason) -> String {
    match (lang, reason.legacy_text()) {
        (_, Some(text)) => Tr::new(lang).reason(text),
        // Until the words live in the Fluent files, a typed reason shows its id.
        (_, None) => reason.to_string(),
    }
}
