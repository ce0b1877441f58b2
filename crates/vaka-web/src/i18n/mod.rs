//! The pages' language: Swedish by default, English available.
//!
//! The messages are Fluent files, `locales/{sv,en}/*.ftl`, embedded in the binary and parsed
//! once into one bundle per language. A message id is a key such as `nav-home`,
//! `role-operator` or `field-valid_from`; every id has both languages (unit tests check it,
//! and that every id used in a template or in the page code exists). Errors from the rules
//! are typed reasons worded by `locales/*/reasons/*.ftl` (see [`reason`]).

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use strum::{EnumString, IntoStaticStr, VariantArray};

pub mod reason;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

vaka_domain::impl_codes!(Lang);

impl Lang {
    /// The language's Fluent files: (file name, text).
    fn files(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::Sv => &SV_FILES,
            Lang::En => &EN_FILES,
        }
    }

    /// The language's messages, parsed on first use.
    fn bundle(self) -> &'static Bundle {
        match self {
            Lang::Sv => &SV,
            Lang::En => &EN,
        }
    }
}

/// The Fluent files of a language, embedded: the shared messages and one file per feature.
macro_rules! locale_files {
    ($lang:literal) => {
        [
            (
                "core.ftl",
                include_str!(concat!("../../locales/", $lang, "/core.ftl")),
            ),
            (
                "registry.ftl",
                include_str!(concat!("../../locales/", $lang, "/registry.ftl")),
            ),
            (
                "supervision.ftl",
                include_str!(concat!("../../locales/", $lang, "/supervision.ftl")),
            ),
            (
                "alarms.ftl",
                include_str!(concat!("../../locales/", $lang, "/alarms.ftl")),
            ),
            (
                "scaip.ftl",
                include_str!(concat!("../../locales/", $lang, "/scaip.ftl")),
            ),
            (
                "homecare.ftl",
                include_str!(concat!("../../locales/", $lang, "/homecare.ftl")),
            ),
            (
                "keys.ftl",
                include_str!(concat!("../../locales/", $lang, "/keys.ftl")),
            ),
            (
                "app.ftl",
                include_str!(concat!("../../locales/", $lang, "/app.ftl")),
            ),
            (
                "delegation.ftl",
                include_str!(concat!("../../locales/", $lang, "/delegation.ftl")),
            ),
            (
                "retention.ftl",
                include_str!(concat!("../../locales/", $lang, "/retention.ftl")),
            ),
            (
                "client_log.ftl",
                include_str!(concat!("../../locales/", $lang, "/client_log.ftl")),
            ),
            (
                "operations.ftl",
                include_str!(concat!("../../locales/", $lang, "/operations.ftl")),
            ),
            (
                "governance.ftl",
                include_str!(concat!("../../locales/", $lang, "/governance.ftl")),
            ),
            (
                "log_review.ftl",
                include_str!(concat!("../../locales/", $lang, "/log_review.ftl")),
            ),
            (
                "passkeys.ftl",
                include_str!(concat!("../../locales/", $lang, "/passkeys.ftl")),
            ),
            (
                "oidc.ftl",
                include_str!(concat!("../../locales/", $lang, "/oidc.ftl")),
            ),
            reasons!($lang, "input"),
            reasons!($lang, "access"),
            reasons!($lang, "auth"),
            reasons!($lang, "directory"),
            reasons!($lang, "registry"),
            reasons!($lang, "supervision"),
            reasons!($lang, "alarm"),
            reasons!($lang, "device"),
            reasons!($lang, "import"),
            reasons!($lang, "homecare"),
            reasons!($lang, "tag"),
            reasons!($lang, "key"),
            reasons!($lang, "delegation"),
            reasons!($lang, "retention"),
            reasons!($lang, "client_log"),
            reasons!($lang, "operations"),
            reasons!($lang, "governance"),
            reasons!($lang, "log_review"),
        ]
    };
}

/// The words of one area's typed reasons (`vaka_domain::reason`).
macro_rules! reasons {
    ($lang:literal, $area:literal) => {
        (
            concat!("reasons/", $area, ".ftl"),
            include_str!(concat!("../../locales/", $lang, "/reasons/", $area, ".ftl")),
        )
    };
}

const SV_FILES: [(&str, &str); 34] = locale_files!("sv");
const EN_FILES: [(&str, &str); 34] = locale_files!("en");

/// A language's messages; the concurrent kind, so that one bundle serves every thread.
type Bundle = FluentBundle<FluentResource>;

static SV: LazyLock<Bundle> = LazyLock::new(|| load(Lang::Sv, Lang::Sv.files()));
static EN: LazyLock<Bundle> = LazyLock::new(|| load(Lang::En, Lang::En.files()));

/// Parses Fluent files into one bundle. A broken file is a bug the unit tests catch; at run
/// time it is logged and what did parse is kept, so that the pages still render.
fn load(lang: Lang, files: &[(&str, &str)]) -> Bundle {
    let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // The text goes into HTML: no Unicode isolation marks around arguments.
    bundle.set_use_isolating(false);
    for (file, text) in files {
        let resource = match FluentResource::try_new((*text).to_owned()) {
            Ok(resource) => resource,
            Err((resource, errors)) => {
                tracing::error!(
                    lang = lang.code(),
                    file = *file,
                    ?errors,
                    "a Fluent file has errors"
                );
                resource
            }
        };
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::error!(
                lang = lang.code(),
                file = *file,
                ?errors,
                "a Fluent file repeats a message id"
            );
        }
    }
    bundle
}

/// The message `id` of `bundle` with `args`, or `None` when the bundle has no such message.
/// A message without placeables is borrowed from the bundle, not copied.
fn format_message<'b>(
    bundle: &'b Bundle,
    id: &str,
    args: Option<&FluentArgs>,
) -> Option<Cow<'b, str>> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "a message did not format cleanly");
    }
    Some(text)
}

/// A named argument of a message: a text, or a whole number (which also chooses between
/// plural forms, e.g. `{ $count -> [one] ett larm *[other] { $count } larm }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Int(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Int(n)
    }
}

impl From<i32> for Arg<'_> {
    fn from(n: i32) -> Self {
        Arg::Int(n.into())
    }
}

impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Int(n.into())
    }
}

impl From<u64> for Arg<'_> {
    /// Saturates above `i64::MAX`.
    fn from(n: u64) -> Self {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl From<usize> for Arg<'_> {
    /// Saturates above `i64::MAX`.
    fn from(n: usize) -> Self {
        Arg::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl Arg<'_> {
    fn to_fluent(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(s) => FluentValue::from(s.as_ref()),
            Arg::Int(n) => FluentValue::from(*n),
        }
    }
}

/// Fluent's arguments for `args`, borrowing their texts.
fn fluent_args<'a>(args: &'a [(&'a str, Arg<'a>)]) -> FluentArgs<'a> {
    let mut fluent = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        fluent.set(*name, value.to_fluent());
    }
    fluent
}

/// Whether `key` names a message (a `?ok=` flash must).
pub fn is_key(key: &str) -> bool {
    Lang::Sv.bundle().has_message(key)
}

/// The translator handed to templates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The message `id`; an unknown id shows itself so that it is noticed.
    pub fn t<'a>(&self, id: &'a str) -> Cow<'a, str> {
        format_message(self.lang.bundle(), id, None).unwrap_or(Cow::Borrowed(id))
    }

    /// The message `id` with named arguments, e.g. a refusal reason: its id
    /// (`registry-not-a-provider`) and its arguments (`&[("name", name.into())]`). An unknown
    /// id shows itself.
    pub fn message<'a>(&self, id: &'a str, args: &[(&str, Arg<'_>)]) -> Cow<'a, str> {
        format_message(self.lang.bundle(), id, Some(&fluent_args(args)))
            .unwrap_or(Cow::Borrowed(id))
    }

    /// The message `id` when it needs no arguments (formats without an error); `None` for an
    /// unknown id or one that needs arguments. (The staff app hands such words to its script.)
    pub fn plain(&self, id: &str) -> Option<String> {
        let pattern = self.lang.bundle().get_message(id)?.value()?;
        let mut errors = Vec::new();
        let text = self
            .lang
            .bundle()
            .format_pattern(pattern, None, &mut errors);
        errors.is_empty().then(|| text.into_owned())
    }

    /// The name of a code: the message `{prefix}-{code}`, e.g. `role-operator`; the code
    /// itself when there is none.
    pub fn code(&self, prefix: &str, code: &str) -> String {
        match format_message(self.lang.bundle(), &format!("{prefix}-{code}"), None) {
            Some(text) => text.into_owned(),
            None => code.to_owned(),
        }
    }

    /// A field name, in the user's language where the page has a label for it.
    pub fn field(&self, field: &str) -> String {
        let id = match field {
            "username" => "user-username",
            "display_name" => "user-display_name",
            "email" => "user-email",
            "hsa_id" => "user-hsa_id",
            "password" => "login-password",
            "current_password" => "password-current",
            "name" => "common-name",
            "org_number" => "org-number",
            "code" => "login-code",
            "roles" | "role" => "user-roles",
            "unit_id" => "common-unit",
            "organisation_id" => "common-organisation",
            // Feature files name their fields `field-<name>`.
            _ => return self.code("field", field),
        };
        self.t(id).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    use fluent_syntax::ast;

    use super::*;

    const LANGS: [Lang; 2] = [Lang::Sv, Lang::En];

    /// The message ids of a language, by file; fails on any parse error.
    fn ids_by_file(lang: Lang) -> BTreeMap<&'static str, Vec<String>> {
        let mut by_file = BTreeMap::new();
        for (file, text) in lang.files() {
            let resource = match FluentResource::try_new((*text).to_owned()) {
                Ok(resource) => resource,
                Err((_, errors)) => panic!("{}/{file} does not parse: {errors:?}", lang.code()),
            };
            let mut ids = Vec::new();
            for entry in resource.entries() {
                match entry {
                    ast::Entry::Message(m) => {
                        assert!(
                            m.value.is_some(),
                            "{}/{file}: {} has no text",
                            lang.code(),
                            m.id.name
                        );
                        ids.push(m.id.name.to_owned());
                    }
                    ast::Entry::Term(t) => {
                        panic!("{}/{file}: unexpected term -{}", lang.code(), t.id.name)
                    }
                    ast::Entry::Junk { content } => {
                        panic!("{}/{file}: junk {content:?}", lang.code())
                    }
                    ast::Entry::Comment(_)
                    | ast::Entry::GroupComment(_)
                    | ast::Entry::ResourceComment(_) => {}
                }
            }
            by_file.insert(*file, ids);
        }
        by_file
    }

    #[test]
    fn language_codes_read_back_and_are_unique() {
        vaka_domain::assert_codes!(Lang);
        let codes: Vec<_> = Lang::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, ["sv", "en"]);
        assert_eq!(Lang::from_code("SV"), None);
    }

    #[test]
    fn every_file_parses_into_its_bundle() {
        for lang in LANGS {
            for (file, text) in lang.files() {
                if let Err((_, errors)) = FluentResource::try_new((*text).to_owned()) {
                    panic!("{}/{file} does not parse: {errors:?}", lang.code());
                }
            }
            // The files together: no id is defined in two of them.
            let mut bundle = FluentBundle::new_concurrent(vec![LanguageIdentifier::default()]);
            for (file, text) in lang.files() {
                let resource = FluentResource::try_new((*text).to_owned()).unwrap();
                if let Err(errors) = bundle.add_resource(resource) {
                    panic!("{}/{file} repeats ids: {errors:?}", lang.code());
                }
            }
        }
        let broken = load(Lang::Sv, &[("broken.ftl", "ok = fine\nbroken = { oops\n")]);
        assert!(broken.has_message("ok"), "what parsed is kept");
        assert!(FluentResource::try_new("broken = { oops\n".to_owned()).is_err());
    }

    #[test]
    fn both_languages_have_the_same_ids_once() {
        let sv = ids_by_file(Lang::Sv);
        let en = ids_by_file(Lang::En);
        for (lang, by_file) in [("sv", &sv), ("en", &en)] {
            let mut seen = BTreeSet::new();
            for (file, ids) in by_file {
                for id in ids {
                    assert!(
                        seen.insert(id.as_str()),
                        "{lang}/{file}: {id} is defined twice"
                    );
                }
            }
            assert!(seen.len() > 700, "{lang} has only {} messages", seen.len());
        }
        for (file, sv_ids) in &sv {
            let sv_ids: BTreeSet<_> = sv_ids.iter().collect();
            let en_ids: BTreeSet<_> = en[file].iter().collect();
            let only_sv: Vec<_> = sv_ids.difference(&en_ids).collect();
            let only_en: Vec<_> = en_ids.difference(&sv_ids).collect();
            assert!(only_sv.is_empty(), "{file}: only in Swedish: {only_sv:?}");
            assert!(only_en.is_empty(), "{file}: only in English: {only_en:?}");
        }
    }

    #[test]
    fn every_reason_has_words_in_both_languages() {
        let ids: Vec<&str> = vaka_domain::reason::Reason::all_ids().collect();
        assert!(ids.len() > 30, "only {} reasons", ids.len());
        for lang in LANGS {
            let missing: Vec<&&str> = ids
                .iter()
                .filter(|id| !lang.bundle().has_message(id))
                .collect();
            assert!(
                missing.is_empty(),
                "{}: reasons without words: {missing:?}",
                lang.code()
            );
        }
        // And every message in a reasons file is a reason (no words left behind by a rename).
        let known: BTreeSet<&str> = ids.iter().copied().collect();
        for (file, file_ids) in ids_by_file(Lang::Sv) {
            if file.starts_with("reasons/") {
                for id in file_ids {
                    assert!(known.contains(id.as_str()), "{file}: {id} is no reason");
                }
            }
        }
    }

    #[test]
    fn typed_reasons_take_their_arguments_in_the_page_language() {
        use vaka_domain::access::Role;
        use vaka_domain::directory::OrganisationKind;
        use vaka_domain::reason::{DirectoryReason, InputReason, Reason};
        let sv = Tr::new(Lang::Sv);
        let en = Tr::new(Lang::En);
        let too_long = Reason::from(InputReason::TooLong { max: 12 });
        assert_eq!(sv.reason_of(&too_long), "får vara högst 12 tecken");
        assert_eq!(en.reason_of(&too_long), "must be at most 12 characters");
        // A code argument is named in the page's language, not by its code.
        let role = Reason::from(DirectoryReason::RoleNotInOrganisationKind {
            role: Role::Operator,
            kind: OrganisationKind::Provider,
        });
        let words = sv.reason_of(&role);
        assert!(
            !words.contains("operator") && !words.contains("provider"),
            "{words}"
        );
        assert!(words.contains(&*sv.code("role", "operator")), "{words}");
        // The API names it by the code it takes and returns.
        assert_eq!(
            reason::api_words(&role),
            "operator cannot be held in an organisation of kind provider"
        );
    }

    #[test]
    fn input_and_login_reasons_keep_their_words() {
        use vaka_domain::reason::{AccessReason, AuthReason, InputReason, Reason};
        let sv = Tr::new(Lang::Sv);
        let en = Tr::new(Lang::En);
        for (reason, english, swedish) in [
            (
                Reason::from(InputReason::LengthBetween { min: 2, max: 64 }),
                "must be 2–64 characters",
                "ska vara 2–64 tecken",
            ),
            (
                InputReason::UsernameCharacters.into(),
                "may only contain a–z, 0–9, '.', '_' and '-'",
                "får bara innehålla a–z, 0–9, '.', '_' och '-'",
            ),
            (
                InputReason::TooShort { min: 12 }.into(),
                "must be at least 12 characters",
                "ska vara minst 12 tecken",
            ),
            (
                AuthReason::PasswordUnchanged.into(),
                "must differ from the current password",
                "måste skilja sig från nuvarande lösenord",
            ),
            (
                AccessReason::MayNotReadAuditLog.into(),
                "you may not read the audit log",
                "du får inte läsa loggarna",
            ),
        ] {
            assert_eq!(en.reason_of(&reason), english);
            assert_eq!(sv.reason_of(&reason), swedish);
        }
    }

    /// Every file under `dir` (recursively) whose name ends with `ext`.
    fn files_under(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files_under(&path, ext, out);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }

    /// The literal ids after each `opening` in `text`.
    fn literal_ids<'a>(text: &'a str, opening: &str) -> impl Iterator<Item = &'a str> {
        text.split(opening).skip(1).map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
    }

    #[test]
    fn every_id_used_in_templates_and_code_exists() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut check = |path: &Path, id: &str, used: &mut usize| {
            *used += 1;
            for lang in LANGS {
                if id.is_empty() || !lang.bundle().has_message(id) {
                    missing.push(format!("{}: {id:?} ({})", path.display(), lang.code()));
                }
            }
        };
        let mut templates = Vec::new();
        files_under(&root.join("templates"), "html", &mut templates);
        let mut in_templates = 0;
        for path in &templates {
            let text = std::fs::read_to_string(path).unwrap();
            for id in literal_ids(&text, "t.t(\"") {
                check(path, id, &mut in_templates);
            }
        }
        let mut sources = Vec::new();
        files_under(&root.join("src"), "rs", &mut sources);
        let mut in_code = 0;
        for path in &sources {
            let text = std::fs::read_to_string(path).unwrap();
            // Literal ids given to `t.t`, also when the call is split over lines, to
            // `t.message`, and the flash of a redirect (`?ok=` and the id).
            for opening in [".t(\"", ".message(\"", "?ok="] {
                for id in literal_ids(&text, opening) {
                    // `?ok={key}` passes on a key checked where it is written.
                    if opening == "?ok=" && id.is_empty() {
                        continue;
                    }
                    check(path, id, &mut in_code);
                }
            }
        }
        assert!(
            in_templates > 500,
            "the scan found only {in_templates} ids in templates"
        );
        assert!(
            in_code > 50,
            "the scan found only {in_code} ids in the code"
        );
        assert!(missing.is_empty(), "ids without a message: {missing:#?}");
    }

    #[test]
    fn every_key_the_pages_pass_on_exists() {
        // Keys the page code passes on before they are looked up (a flash after a redirect, a
        // state shown by the template): every string literal shaped like an id whose first
        // part is that of some message (`user-created`, not `no-store`) must be a message, or
        // a prefix given to `Tr::code` (whose codes the next test checks).
        let ids = ids_by_file(Lang::Sv);
        let groups: BTreeSet<&str> = ids
            .values()
            .flatten()
            .filter_map(|id| id.split('-').next())
            .collect();
        let mut sources = Vec::new();
        files_under(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"),
            "rs",
            &mut sources,
        );
        let texts: Vec<_> = sources
            .iter()
            .map(|path| (path, std::fs::read_to_string(path).unwrap()))
            .collect();
        let prefixes: BTreeSet<&str> = texts
            .iter()
            .flat_map(|(_, text)| literal_ids(text, ".code(\""))
            .collect();
        let id_shaped = |s: &str| {
            s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.contains('-')
                && !s.ends_with('-')
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c))
        };
        let mut checked = 0;
        let mut missing = Vec::new();
        for (path, text) in &texts {
            for literal in text.split('"').filter(|s| id_shaped(s)) {
                let group = literal.split('-').next().unwrap_or_default();
                if !groups.contains(group) || prefixes.contains(literal) {
                    continue;
                }
                checked += 1;
                for lang in LANGS {
                    if !lang.bundle().has_message(literal) {
                        missing.push(format!("{}: {literal:?} ({})", path.display(), lang.code()));
                    }
                }
            }
        }
        assert!(checked > 80, "the scan found only {checked} keys");
        assert!(missing.is_empty(), "keys without a message: {missing:#?}");
    }

    /// Asserts that `{prefix}-{code}` exists in both languages for every code.
    fn assert_codes<'c>(prefix: &str, codes: impl IntoIterator<Item = &'c str>) -> Vec<String> {
        let mut missing = Vec::new();
        let mut n = 0;
        for code in codes {
            n += 1;
            let id = format!("{prefix}-{code}");
            for lang in LANGS {
                if !lang.bundle().has_message(&id) {
                    missing.push(format!("{id} ({})", lang.code()));
                }
            }
        }
        assert!(n > 0, "no codes for {prefix}");
        missing
    }

    #[test]
    fn every_code_the_pages_name_has_a_message() {
        use vaka_domain::access::Role;
        use vaka_domain::alarm::{AlarmKind, AlarmState, ChainLink, CloseCause};
        use vaka_domain::client::{AreaType, KeyAccess, Protection};
        use vaka_domain::consent::{GivenBy, InformedHow};
        use vaka_domain::decision::{Law, OrderStatus, ServiceKind, SupervisionMode};
        use vaka_domain::device::{Dc09KeyStyle, DeviceKind, DeviceStatus, DeviceStep};
        use vaka_domain::directory::{AccountStatus, OrganisationKind, ProviderKind, UnitKind};
        use vaka_domain::ids::UserId;
        use vaka_domain::personnummer::IdentityKind;
        use vaka_domain::plan::{EscalationChain, PauseReason, PauseRequest};
        use vaka_domain::rounds::TaskKind;
        use vaka_domain::supervision::{
            DispatchCause, DispatchStatus, DispatchStep, EscalationReason, Outcome, TaskState,
        };
        use vaka_service::alarms::console::AlarmStep;

        // Enums without `ALL`: one of each variant; the match stops compiling when a variant
        // is added, as a reminder to list it here.
        let provider_kinds = [ProviderKind::InHouse, ProviderKind::Private];
        for k in provider_kinds {
            match k {
                ProviderKind::InHouse | ProviderKind::Private => {}
            }
        }
        let by = UserId::new();
        let alarm_states = [
            AlarmState::Received,
            AlarmState::Taken { by },
            AlarmState::Dispatched { by },
            AlarmState::Acknowledged { by },
            AlarmState::OnTheWay { by },
            AlarmState::Arrived { by },
            AlarmState::Closed,
        ];
        for s in alarm_states {
            match s {
                AlarmState::Received
                | AlarmState::Taken { .. }
                | AlarmState::Dispatched { .. }
                | AlarmState::Acknowledged { .. }
                | AlarmState::OnTheWay { .. }
                | AlarmState::Arrived { .. }
                | AlarmState::Closed => {}
            }
        }
        let alarm_steps = [
            AlarmStep::Take,
            AlarmStep::Release,
            AlarmStep::Contact { note: None },
            AlarmStep::Note {
                note: String::new(),
            },
            AlarmStep::CalledBack { note: None },
            AlarmStep::CallBackFailed { note: None },
            AlarmStep::Dispatch {
                link: ChainLink::ALL[0],
                note: None,
            },
            AlarmStep::Acknowledge,
            AlarmStep::OnTheWay,
            AlarmStep::Arrive,
            AlarmStep::Close {
                cause: CloseCause::ALL[0],
                note: None,
            },
        ];
        for s in &alarm_steps {
            match s {
                AlarmStep::Take
                | AlarmStep::Release
                | AlarmStep::Contact { .. }
                | AlarmStep::Note { .. }
                | AlarmStep::CalledBack { .. }
                | AlarmStep::CallBackFailed { .. }
                | AlarmStep::Dispatch { .. }
                | AlarmStep::Acknowledge
                | AlarmStep::OnTheWay
                | AlarmStep::Arrive
                | AlarmStep::Close { .. } => {}
            }
        }
        let at = jiff::Timestamp::UNIX_EPOCH;
        let task_states = [
            TaskState::Planned,
            TaskState::Open { recheck: None },
            TaskState::Open { recheck: Some(at) },
            TaskState::LookedIn { recheck: None },
            TaskState::RecheckDue { at },
            TaskState::Done,
            TaskState::Escalated {
                reason: EscalationReason::Deviation,
            },
            TaskState::Missed,
            TaskState::CameraUnreachable,
            TaskState::Closed,
            TaskState::Paused,
            TaskState::Cancelled,
        ];
        for s in task_states {
            match s {
                TaskState::Planned
                | TaskState::Open { .. }
                | TaskState::LookedIn { .. }
                | TaskState::RecheckDue { .. }
                | TaskState::Done
                | TaskState::Escalated { .. }
                | TaskState::Missed
                | TaskState::CameraUnreachable
                | TaskState::Closed
                | TaskState::Paused
                | TaskState::Cancelled => {}
            }
        }
        let dispatch_statuses = [
            DispatchStatus::New,
            DispatchStatus::Acknowledged,
            DispatchStatus::OnTheWay,
            DispatchStatus::Arrived,
            DispatchStatus::Closed,
        ];
        for s in dispatch_statuses {
            match s {
                DispatchStatus::New
                | DispatchStatus::Acknowledged
                | DispatchStatus::OnTheWay
                | DispatchStatus::Arrived
                | DispatchStatus::Closed => {}
            }
        }
        // What the alarm monitor writes to an alarm's log besides the steps.
        let system_log = [
            "raised",
            "restored",
            "escalated_not_taken",
            "escalated_not_acknowledged",
        ];

        let mut missing = Vec::new();
        missing.extend(assert_codes("role", Role::ALL.iter().map(|r| r.code())));
        missing.extend(assert_codes(
            "org-kind",
            OrganisationKind::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "org-provider_kind",
            provider_kinds.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "unit-kind",
            UnitKind::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "user-status",
            AccountStatus::ALL.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "alarm_kind",
            AlarmKind::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "alarm_state",
            alarm_states.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "chain_link",
            ChainLink::ALL.iter().map(|l| l.code()),
        ));
        missing.extend(assert_codes(
            "alarm_step",
            alarm_steps
                .iter()
                .map(vaka_service::alarms::console::AlarmStep::code),
        ));
        missing.extend(assert_codes(
            "alarm_log",
            alarm_steps
                .iter()
                .map(vaka_service::alarms::console::AlarmStep::code)
                .chain(system_log),
        ));
        missing.extend(assert_codes(
            "close_cause",
            CloseCause::ALL.iter().map(|c| c.code()),
        ));
        missing.extend(assert_codes(
            "key_access",
            KeyAccess::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "area_type",
            AreaType::ALL.iter().map(|a| a.code()),
        ));
        missing.extend(assert_codes(
            "protection",
            Protection::ALL.iter().map(|p| p.code()),
        ));
        missing.extend(assert_codes(
            "identity_kind",
            IdentityKind::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes("law", Law::ALL.iter().map(|l| l.code())));
        missing.extend(assert_codes(
            "service",
            ServiceKind::ALL.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "mode",
            SupervisionMode::ALL.iter().map(|m| m.code()),
        ));
        missing.extend(assert_codes(
            "order_status",
            OrderStatus::ALL.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "informed_how",
            InformedHow::ALL.iter().map(|i| i.code()),
        ));
        missing.extend(assert_codes(
            "given_by",
            GivenBy::ALL.iter().map(|g| g.code()),
        ));
        missing.extend(assert_codes(
            "escalation",
            EscalationChain::ALL.iter().map(|e| e.code()),
        ));
        missing.extend(assert_codes(
            "pause_reason",
            PauseReason::ALL.iter().map(|r| r.code()),
        ));
        missing.extend(assert_codes(
            "pause_request",
            PauseRequest::ALL.iter().map(|r| r.code()),
        ));
        missing.extend(assert_codes(
            "device_kind",
            DeviceKind::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "device_status",
            DeviceStatus::ALL.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "device_step",
            DeviceStep::ALL.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "key_style",
            Dc09KeyStyle::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "task_kind",
            TaskKind::ALL.iter().map(|k| k.code()),
        ));
        missing.extend(assert_codes(
            "task_state",
            task_states.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "outcome",
            Outcome::ALL.iter().map(|o| o.code()),
        ));
        missing.extend(assert_codes(
            "dispatch_cause",
            DispatchCause::ALL.iter().map(|c| c.code()),
        ));
        missing.extend(assert_codes(
            "dispatch_status",
            dispatch_statuses.iter().map(|s| s.code()),
        ));
        missing.extend(assert_codes(
            "dispatch_step",
            DispatchStep::ALL.iter().map(|s| s.code()),
        ));
        {
            use vaka_domain::delegation::{
                CompetenceMethod, EndCause, NotGivenReason, Party, Profession, RevocationReason,
                SigningOutcome,
            };
            missing.extend(assert_codes(
                "signing_outcome",
                SigningOutcome::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "not_given_reason",
                NotGivenReason::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "revocation_reason",
                RevocationReason::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "competence_method",
                CompetenceMethod::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "end_cause",
                EndCause::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes("party", Party::ALL.iter().map(|c| c.code())));
            missing.extend(assert_codes(
                "profession",
                Profession::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "occasion_state",
                ["upcoming", "open", "missed", "signed"],
            ));
            missing.extend(assert_codes(
                "delegation_status",
                [
                    "awaiting_signatures",
                    "not_yet_started",
                    "valid",
                    "expired",
                    "used",
                    "revoked",
                    "ended",
                ],
            ));
        }
        let audit_actions: Vec<String> = vaka_domain::audit::AuditAction::ALL
            .iter()
            .map(|a| a.code().replace('.', "-"))
            .collect();
        missing.extend(assert_codes(
            "audit_action",
            audit_actions.iter().map(String::as_str),
        ));
        // The credentials of audit entries without a user (`Credential::audit_ref`, and the
        // login steps before the user is known).
        missing.extend(assert_codes(
            "audit_credential",
            ["login", "cli", "system", "session", "token"],
        ));
        // The care contexts the services write to the audit log.
        missing.extend(assert_codes(
            "care_context",
            [
                "administration",
                "registry",
                "client_list",
                "orders",
                "follow_up",
                "night_supervision",
                "safety_alarm",
                "devices",
                "login",
                "profile",
                "integration",
                "log_review",
                "homecare",
                "client_log",
            ],
        ));
        {
            use vaka_domain::homecare::payment::PaymentRule;
            use vaka_domain::homecare::visit::{
                CorrectionField, CorrectionReason, EvidenceKind, ManualReason, VisitKind,
            };
            use vaka_domain::homecare::{CareTask, GrantPeriod};
            missing.extend(assert_codes(
                "care-task",
                CareTask::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "grant_period",
                GrantPeriod::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "visit_kind",
                VisitKind::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "evidence",
                EvidenceKind::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "manual_reason",
                ManualReason::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "correction_reason",
                CorrectionReason::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "correction_field",
                CorrectionField::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "payment_rule",
                PaymentRule::ALL.iter().map(|c| c.code()),
            ));
            missing.extend(assert_codes(
                "weekday",
                ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            ));
        }
        assert!(missing.is_empty(), "codes without a message: {missing:#?}");
    }

    #[test]
    fn fields_and_codes_translate() {
        let sv = Tr::new(Lang::Sv);
        assert_eq!(sv.field("email"), "E-post");
        assert_eq!(sv.field("valid_from"), "Gäller från");
        assert_eq!(Tr::new(Lang::En).field("valid_from"), "Valid from");
        assert_eq!(sv.field("no_such_field"), "no_such_field");
        assert_eq!(sv.code("role", "operator"), "Larmoperatör / trygghetsjour");
        assert_eq!(Tr::new(Lang::En).code("role", "operator"), "Operator");
        assert_eq!(sv.code("role", "no_such_role"), "no_such_role");
    }

    #[test]
    fn messages_show_in_the_page_language() {
        let (sv, en) = (Tr::new(Lang::Sv), Tr::new(Lang::En));
        assert_eq!(sv.t("nav-home"), "Översikt");
        assert_eq!(en.t("nav-home"), "Overview");
        // A plain message is borrowed from the bundle, not formatted into a new string.
        assert!(matches!(sv.t("nav-home"), Cow::Borrowed(_)));
        // An unknown id shows itself.
        let unknown = "no-such-message";
        assert_eq!(sv.t(unknown), unknown);
        assert_eq!(en.message(unknown, &[("n", 1.into())]), unknown);
        // Fluent trims a value's spaces; the one this message starts with is kept.
        assert_eq!(sv.t("plan-default_marker"), " (kommunens standard)");
        assert_eq!(en.t("plan-default_marker"), " (municipal default)");
        assert!(is_key("user-created"));
        assert!(!is_key("user.created"));
        assert_eq!(Tr::default().lang, Lang::Sv);
    }

    #[test]
    fn messages_take_named_arguments() {
        let ftl = "\
not-a-provider = { $name } är inte en utförare
alarms-open = { $count ->
    [one] ett öppet larm
   *[other] { $count } öppna larm
}
";
        let bundle = load(Lang::Sv, &[("test.ftl", ftl)]);
        let text = |id, args: &[(&str, Arg<'_>)]| {
            format_message(&bundle, id, Some(&fluent_args(args))).map(Cow::into_owned)
        };
        // No Unicode isolation marks around the argument.
        assert_eq!(
            text("not-a-provider", &[("name", "Omsorg AB".into())]).as_deref(),
            Some("Omsorg AB är inte en utförare")
        );
        assert_eq!(
            text(
                "not-a-provider",
                &[("name", String::from("Vård AB").into())]
            )
            .as_deref(),
            Some("Vård AB är inte en utförare")
        );
        assert_eq!(
            text("alarms-open", &[("count", 1.into())]).as_deref(),
            Some("ett öppet larm")
        );
        assert_eq!(
            text("alarms-open", &[("count", 3_usize.into())]).as_deref(),
            Some("3 öppna larm")
        );
        assert_eq!(text("no-such-message", &[]), None);
    }
}
