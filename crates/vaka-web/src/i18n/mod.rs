//! The pages' language: Swedish by default, English available.
//!
//! Messages are looked up by key; every key has both languages (a unit test checks it, and
//! that every key used in a template exists). Errors from the rules are in English; the most
//! common reasons are translated here, the rest are shown as they are.

use std::collections::HashMap;
use std::sync::OnceLock;

use strum::{EnumString, IntoStaticStr, VariantArray};

mod alarms;
mod registry;
mod supervision;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Lang {
    #[default]
    Sv,
    En,
}

vaka_domain::impl_codes!(Lang);

/// (key, Swedish, English)
pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "Vaka", "Vaka"),
    (
        "app.tagline",
        "Välfärdsteknik för hemtjänsten",
        "Welfare technology for home care",
    ),
    ("nav.home", "Översikt", "Overview"),
    ("nav.clients", "Brukare", "Clients"),
    ("nav.organisations", "Organisationer", "Organisations"),
    ("nav.users", "Användare", "Users"),
    ("nav.audit", "Loggar", "Audit log"),
    ("nav.profile", "Min profil", "My profile"),
    ("nav.logout", "Logga ut", "Log out"),
    ("nav.skip", "Hoppa till innehållet", "Skip to content"),
    ("nav.menu", "Huvudmeny", "Main menu"),
    ("lang.switch", "In English", "På svenska"),
    ("common.save", "Spara", "Save"),
    ("common.create", "Skapa", "Create"),
    ("common.search", "Sök", "Search"),
    ("common.cancel", "Avbryt", "Cancel"),
    ("common.back", "Tillbaka", "Back"),
    ("common.name", "Namn", "Name"),
    ("common.kind", "Typ", "Kind"),
    ("common.status", "Status", "Status"),
    ("common.active", "Aktiv", "Active"),
    ("common.inactive", "Inaktiv", "Inactive"),
    ("common.yes", "Ja", "Yes"),
    ("common.no", "Nej", "No"),
    ("common.none", "Inga", "None"),
    ("common.all", "Alla", "All"),
    ("common.actions", "Åtgärder", "Actions"),
    ("common.created", "Skapad", "Created"),
    ("common.organisation", "Organisation", "Organisation"),
    ("common.unit", "Enhet", "Unit"),
    (
        "common.whole_org",
        "Hela organisationen",
        "Whole organisation",
    ),
    ("common.error", "Något blev fel", "Something went wrong"),
    ("common.request_id", "Ärende-id", "Request id"),
    ("common.details", "Detaljer", "Details"),
    (
        "common.shown_once",
        "Visas bara en gång. Skriv ner eller lämna över på ett säkert sätt nu.",
        "Shown only once. Write it down or hand it over securely now.",
    ),
    ("login.title", "Logga in", "Log in"),
    ("login.username", "Användarnamn", "Username"),
    ("login.password", "Lösenord", "Password"),
    ("login.submit", "Logga in", "Log in"),
    (
        "login.failed",
        "Fel användarnamn eller lösenord.",
        "Wrong username or password.",
    ),
    (
        "login.locked",
        "För många misslyckade försök. Kontot är tillfälligt låst till",
        "Too many failed attempts. The account is locked until",
    ),
    (
        "login.rate_limited",
        "För många inloggningsförsök från din adress. Vänta en minut och försök igen.",
        "Too many login attempts from your address. Wait a minute and try again.",
    ),
    (
        "login.intro",
        "Logga in med ditt personliga konto. Alla som ser brukaruppgifter loggar in med två faktorer.",
        "Log in with your personal account. Everyone who sees client data logs in with two factors.",
    ),
    ("login.code_title", "Engångskod", "One-time code"),
    (
        "login.code_intro",
        "Ange den sexsiffriga koden från din autentiseringsapp, eller en av dina reservkoder.",
        "Enter the six-digit code from your authenticator app, or one of your recovery codes.",
    ),
    ("login.code", "Kod", "Code"),
    (
        "login.code_wrong",
        "Koden stämmer inte. Försök igen med en ny kod.",
        "The code does not match. Try again with a new code.",
    ),
    ("login.verify", "Verifiera", "Verify"),
    (
        "login.restart",
        "Börja om inloggningen",
        "Start the login again",
    ),
    (
        "login.session_gone",
        "Inloggningen har gått ut. Logga in igen.",
        "The login has expired. Please log in again.",
    ),
    ("login.logged_out", "Du är utloggad.", "You are logged out."),
    ("password.title", "Byt lösenord", "Change password"),
    (
        "password.forced_intro",
        "Du loggar in med ett engångslösenord. Välj ett eget lösenord på minst 12 tecken.",
        "You are logging in with a one-time password. Choose your own password of at least 12 characters.",
    ),
    ("password.current", "Nuvarande lösenord", "Current password"),
    ("password.new", "Nytt lösenord", "New password"),
    (
        "password.repeat",
        "Upprepa nytt lösenord",
        "Repeat new password",
    ),
    (
        "password.mismatch",
        "Lösenorden är inte lika.",
        "The passwords do not match.",
    ),
    (
        "password.changed",
        "Lösenordet är bytt.",
        "The password has been changed.",
    ),
    (
        "password.hint",
        "Minst 12 tecken. Använd gärna en lösenfras av flera ord.",
        "At least 12 characters. A passphrase of several words works well.",
    ),
    (
        "enrol.title",
        "Aktivera tvåfaktorsinloggning",
        "Set up two-factor login",
    ),
    (
        "enrol.intro",
        "Din roll ger tillgång till uppgifter om brukare. Skanna QR-koden med en autentiseringsapp (t.ex. Microsoft Authenticator, Google Authenticator eller FreeOTP) och ange koden som visas.",
        "Your role gives access to client data. Scan the QR code with an authenticator app (e.g. Microsoft Authenticator, Google Authenticator or FreeOTP) and enter the code it shows.",
    ),
    (
        "enrol.manual",
        "Kan du inte skanna? Ange den här nyckeln i appen:",
        "Cannot scan? Enter this key in the app:",
    ),
    (
        "enrol.qr_label",
        "QR-kod för autentiseringsappen",
        "QR code for the authenticator app",
    ),
    ("enrol.confirm", "Aktivera", "Activate"),
    (
        "enrol.done_title",
        "Tvåfaktorsinloggning är aktiverad",
        "Two-factor login is active",
    ),
    (
        "enrol.codes_intro",
        "Här är dina reservkoder. Varje kod kan användas en gång om du inte har telefonen med dig. Förvara dem säkert.",
        "These are your recovery codes. Each can be used once if you do not have your phone. Keep them safe.",
    ),
    ("enrol.continue", "Fortsätt", "Continue"),
    (
        "enrol.already",
        "Tvåfaktorsinloggning är redan aktiverad.",
        "Two-factor login is already active.",
    ),
    ("home.title", "Översikt", "Overview"),
    ("home.welcome", "Välkommen", "Welcome"),
    ("home.your_roles", "Dina roller", "Your roles"),
    (
        "home.pending_requests",
        "Kontoförfrågningar att besluta om",
        "Account requests awaiting a decision",
    ),
    (
        "home.unused_accounts",
        "Konton som inte använts på 90 dagar",
        "Accounts unused for 90 days",
    ),
    (
        "home.no_tasks",
        "Inget att åtgärda just nu.",
        "Nothing to act on right now.",
    ),
    ("home.shortcuts", "Genvägar", "Shortcuts"),
    ("org.title", "Organisationer", "Organisations"),
    ("org.new", "Ny organisation", "New organisation"),
    (
        "org.kind.municipality",
        "Kommun (beställare)",
        "Municipality (purchaser)",
    ),
    ("org.kind.provider", "Utförare", "Provider"),
    ("org.kind.alarm_centre", "Larmcentral", "Alarm centre"),
    ("org.provider_kind", "Driftform", "Provider type"),
    ("org.provider_kind.in_house", "Egen regi", "In-house"),
    (
        "org.provider_kind.private",
        "Privat utförare (LOV)",
        "Private provider (LOV)",
    ),
    ("org.number", "Organisationsnummer", "Organisation number"),
    ("org.units", "Enheter", "Units"),
    ("org.edit", "Ändra organisation", "Edit organisation"),
    (
        "org.created",
        "Organisationen är skapad.",
        "The organisation has been created.",
    ),
    (
        "org.saved",
        "Organisationen är sparad.",
        "The organisation has been saved.",
    ),
    ("unit.new", "Ny enhet", "New unit"),
    ("unit.title", "Enhet", "Unit"),
    ("unit.kind.home_care", "Hemtjänstgrupp", "Home-care group"),
    ("unit.kind.night_patrol", "Nattpatrull", "Night patrol"),
    ("unit.kind.duty_team", "Trygghetsjour", "Duty team"),
    (
        "unit.kind.special_housing",
        "Särskilt boende",
        "Special housing",
    ),
    (
        "unit.kind.alarm_operators",
        "Larmoperatörer",
        "Alarm operators",
    ),
    (
        "unit.kind.administration",
        "Administration",
        "Administration",
    ),
    ("unit.coverage", "Täcker enheter", "Covers units"),
    (
        "unit.coverage_intro",
        "Nattpatruller, trygghetsjourer och larmoperatörer ser brukarna i de enheter de täcker.",
        "Night patrols, duty teams and alarm operators see the clients of the units they cover.",
    ),
    (
        "unit.members",
        "Personal med roll i enheten",
        "Staff with a role in the unit",
    ),
    (
        "unit.created",
        "Enheten är skapad.",
        "The unit has been created.",
    ),
    (
        "unit.saved",
        "Enheten är sparad.",
        "The unit has been saved.",
    ),
    ("user.title", "Användare", "Users"),
    ("user.new", "Nytt konto", "New account"),
    ("user.request", "Begär konto", "Request an account"),
    (
        "user.request_intro",
        "Kommunens administratör godkänner förfrågan innan kontot kan användas.",
        "The municipality's administrator approves the request before the account can be used.",
    ),
    ("user.username", "Användarnamn", "Username"),
    ("user.display_name", "Namn", "Name"),
    ("user.email", "E-post", "E-mail"),
    ("user.hsa_id", "HSA-id (valfritt)", "HSA-id (optional)"),
    ("user.roles", "Roller", "Roles"),
    ("user.role", "Roll", "Role"),
    ("user.add_role", "Lägg till roll", "Add role"),
    ("user.remove_role", "Ta bort", "Remove"),
    ("user.status.requested", "Begärt", "Requested"),
    ("user.status.active", "Aktivt", "Active"),
    ("user.status.rejected", "Avslaget", "Rejected"),
    ("user.status.deactivated", "Avslutat", "Ended"),
    ("user.unused", "Oanvänt 90 dagar", "Unused 90 days"),
    (
        "user.only_unused",
        "Bara oanvända konton",
        "Only unused accounts",
    ),
    ("user.last_login", "Senaste inloggning", "Last login"),
    ("user.never", "Aldrig", "Never"),
    ("user.totp", "Tvåfaktor", "Two-factor"),
    ("user.sessions", "Aktiva inloggningar", "Active sessions"),
    ("user.approve", "Godkänn", "Approve"),
    ("user.reject", "Avslå", "Reject"),
    (
        "user.deactivate",
        "Avsluta kontot nu",
        "End the account now",
    ),
    (
        "user.deactivate_confirm",
        "Kontot avslutas direkt och alla inloggningar och nycklar upphör. Fortsätta?",
        "The account ends at once and all its sessions and tokens stop working. Continue?",
    ),
    ("user.reactivate", "Återaktivera", "Reactivate"),
    (
        "user.reset_password",
        "Nytt engångslösenord",
        "New one-time password",
    ),
    ("user.reset_totp", "Nollställ tvåfaktor", "Reset two-factor"),
    (
        "user.initial_password",
        "Engångslösenord",
        "One-time password",
    ),
    (
        "user.initial_password_intro",
        "Lämna över lösenordet till personen på ett säkert sätt. Det måste bytas vid första inloggningen.",
        "Hand the password to the person securely. It must be changed at the first login.",
    ),
    (
        "user.created",
        "Kontot är skapat.",
        "The account has been created.",
    ),
    (
        "user.requested",
        "Förfrågan är skickad till kommunen.",
        "The request has been sent to the municipality.",
    ),
    (
        "user.approved",
        "Kontot är godkänt.",
        "The account has been approved.",
    ),
    (
        "user.rejected",
        "Förfrågan är avslagen.",
        "The request has been rejected.",
    ),
    (
        "user.deactivated",
        "Kontot är avslutat. Alla inloggningar och nycklar har upphört.",
        "The account has ended. All its sessions and tokens have stopped working.",
    ),
    (
        "user.reactivated",
        "Kontot är återaktiverat.",
        "The account has been reactivated.",
    ),
    (
        "user.saved",
        "Kontot är sparat.",
        "The account has been saved.",
    ),
    (
        "user.totp_reset",
        "Tvåfaktorinloggningen är nollställd. Personen aktiverar den igen vid nästa inloggning.",
        "Two-factor login has been reset. The person sets it up again at the next login.",
    ),
    (
        "user.role_added",
        "Rollen är tillagd.",
        "The role has been added.",
    ),
    (
        "user.role_removed",
        "Rollen är borttagen.",
        "The role has been removed.",
    ),
    ("user.requests", "Förfrågningar", "Requests"),
    ("user.tokens", "API-nycklar", "API tokens"),
    ("user.token_name", "Namn på nyckeln", "Token name"),
    ("user.token_create", "Skapa API-nyckel", "Create API token"),
    ("user.token_revoke", "Återkalla", "Revoke"),
    (
        "user.token_revoked",
        "Nyckeln är återkallad.",
        "The token has been revoked.",
    ),
    ("user.token_new", "Ny API-nyckel", "New API token"),
    ("user.token_last_used", "Senast använd", "Last used"),
    ("user.token_status_revoked", "Återkallad", "Revoked"),
    (
        "audit.title",
        "Loggar och logguppföljning",
        "Audit log and log review",
    ),
    (
        "audit.intro",
        "Varje åtkomst till personuppgifter och varje säkerhetshändelse loggas. Sök för logguppföljning; exportera som CSV.",
        "Every access to personal data and every security event is logged. Search for log review; export as CSV.",
    ),
    ("audit.user", "Användare", "User"),
    ("audit.client", "Brukar-id", "Client id"),
    ("audit.action", "Händelse", "Action"),
    ("audit.from", "Från", "From"),
    ("audit.to", "Till", "To"),
    ("audit.export", "Exportera CSV", "Export CSV"),
    ("audit.when", "Tid", "Time"),
    ("audit.who", "Vem", "Who"),
    ("audit.role", "Roll", "Role"),
    ("audit.outcome", "Utfall", "Outcome"),
    ("audit.subject", "Avser", "Subject"),
    ("audit.context", "Vårdkontext", "Care context"),
    ("audit.source", "Källa", "Source"),
    (
        "audit.no_results",
        "Inga loggposter matchar.",
        "No log entries match.",
    ),
    ("audit.older", "Äldre poster", "Older entries"),
    ("audit.outcome.success", "Utförd", "Done"),
    ("audit.outcome.denied", "Nekad", "Denied"),
    ("audit.outcome.failure", "Misslyckad", "Failed"),
    (
        "audit.flag.protected",
        "Skyddad identitet",
        "Protected identity",
    ),
    ("profile.title", "Min profil", "My profile"),
    ("profile.security", "Säkerhet", "Security"),
    (
        "profile.totp_on",
        "Tvåfaktorsinloggning är aktiverad.",
        "Two-factor login is active.",
    ),
    (
        "profile.totp_off",
        "Tvåfaktorsinloggning är inte aktiverad.",
        "Two-factor login is not active.",
    ),
    ("profile.enrol", "Aktivera tvåfaktor", "Set up two-factor"),
    (
        "profile.renew_codes",
        "Nya reservkoder",
        "New recovery codes",
    ),
    (
        "profile.logout_everywhere",
        "Logga ut överallt",
        "Log out everywhere",
    ),
    (
        "profile.logout_everywhere_intro",
        "Avslutar alla dina inloggningar på alla enheter, även denna.",
        "Ends all your sessions on all devices, including this one.",
    ),
    (
        "error.forbidden",
        "Du har inte behörighet till det här.",
        "You are not allowed to do this.",
    ),
    (
        "error.not_found",
        "Sidan eller posten finns inte.",
        "The page or record does not exist.",
    ),
    (
        "error.invalid",
        "Uppgifterna behöver rättas",
        "The input needs correcting",
    ),
    (
        "error.conflict",
        "Det gick inte att genomföra",
        "This could not be done",
    ),
    (
        "error.unavailable",
        "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.",
        "The service is temporarily unavailable. Try again shortly.",
    ),
    (
        "error.internal",
        "Ett fel uppstod hos oss. Ange ärende-id om du kontaktar supporten.",
        "An error occurred on our side. Quote the request id if you contact support.",
    ),
    ("demo.title", "Demokonton", "Demo accounts"),
    (
        "demo.intro",
        "Det här är en demo med påhittade uppgifter. Koden visas här för att du ska slippa en app; i skarp drift visas den bara i användarens telefon.",
        "This is a demo with made-up data. The code is shown here so you need no app; in real use it is only shown on the user's phone.",
    ),
    ("demo.code_now", "kod nu", "code now"),
    (
        "demo.enrol_first",
        "aktiverar tvåfaktor vid första inloggningen",
        "sets up two-factor at first login",
    ),
    (
        "role.system_admin",
        "Systemadministratör",
        "System administrator",
    ),
    ("role.system_manager", "Systemförvaltare", "System manager"),
    (
        "role.needs_assessor",
        "Biståndshandläggare",
        "Needs assessor",
    ),
    ("role.unit_manager", "Enhetschef", "Unit manager"),
    ("role.operator", "Larmoperatör / trygghetsjour", "Operator"),
    ("role.night_patrol", "Nattpatrull", "Night patrol"),
    ("role.care_staff", "Hemtjänstpersonal", "Care staff"),
    ("role.nurse", "Sjuksköterska", "Nurse"),
    (
        "role.provider_admin",
        "Utförarens administratör",
        "Provider administrator",
    ),
    ("clients.title", "Brukare", "Clients"),
    ("clients.identity", "Personnummer", "Identity number"),
    (
        "clients.none",
        "Inga brukare att visa.",
        "No clients to show.",
    ),
];

/// Swedish for the most common reasons the rules give (English stays as is).
const REASONS_SV: &[(&str, &str)] = &[
    ("is required", "måste fyllas i"),
    ("must be 2–64 characters", "ska vara 2–64 tecken"),
    (
        "must start with a letter a–z",
        "ska börja med en bokstav a–z",
    ),
    (
        "may only contain a–z, 0–9, '.', '_' and '-'",
        "får bara innehålla a–z, 0–9, '.', '_' och '-'",
    ),
    ("must contain '@'", "måste innehålla '@'"),
    ("must not contain spaces", "får inte innehålla mellanslag"),
    (
        "the domain after '@' is not valid (e.g. kommun.se)",
        "domänen efter '@' är inte giltig (t.ex. kommun.se)",
    ),
    ("must be at least 12 characters", "ska vara minst 12 tecken"),
    (
        "must not contain the username",
        "får inte innehålla användarnamnet",
    ),
    (
        "must differ from the current password",
        "måste skilja sig från nuvarande lösenord",
    ),
    (
        "is not your current password",
        "stämmer inte med ditt nuvarande lösenord",
    ),
    (
        "the username is already taken",
        "användarnamnet är upptaget",
    ),
    (
        "the HSA-id is already used by another account",
        "HSA-id:t används redan av ett annat konto",
    ),
    (
        "an organisation with that name already exists",
        "det finns redan en organisation med det namnet",
    ),
    (
        "the organisation already has a unit with that name",
        "organisationen har redan en enhet med det namnet",
    ),
    (
        "the user already holds that role there",
        "användaren har redan den rollen där",
    ),
    (
        "give the account at least one role",
        "ge kontot minst en roll",
    ),
    ("check digit does not match", "kontrollsiffran stämmer inte"),
    (
        "must have 10 digits (NNNNNN-NNNN)",
        "ska ha 10 siffror (NNNNNN-NNNN)",
    ),
    (
        "the code does not match; check the time on your phone and try again",
        "koden stämmer inte; kontrollera tiden i telefonen och försök igen",
    ),
    (
        "you cannot end your own account",
        "du kan inte avsluta ditt eget konto",
    ),
    (
        "you cannot remove your own roles",
        "du kan inte ta bort dina egna roller",
    ),
    (
        "only a requested account can be approved",
        "bara begärda konton kan godkännas",
    ),
    (
        "only a requested account can be rejected",
        "bara begärda konton kan avslås",
    ),
    (
        "the account is already deactivated",
        "kontot är redan avslutat",
    ),
    (
        "only an active account can be deactivated",
        "bara aktiva konton kan avslutas",
    ),
    (
        "only a deactivated account can be reactivated",
        "bara avslutade konton kan återaktiveras",
    ),
    (
        "your roles do not allow this here",
        "dina roller tillåter inte detta här",
    ),
    (
        "a role must be held in the account's own organisation",
        "en roll måste gälla kontots egen organisation",
    ),
    (
        "you may only request roles in your own unit",
        "du kan bara begära roller i din egen enhet",
    ),
];

/// Every message table: the shared one above and one per feature.
fn all_messages() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    MESSAGES
        .iter()
        .chain(registry::MESSAGES)
        .chain(supervision::MESSAGES)
        .chain(alarms::MESSAGES)
}

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static T: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    T.get_or_init(|| all_messages().map(|(k, sv, en)| (*k, (*sv, *en))).collect())
}

/// Whether `key` names a message (a `?ok=` flash must).
pub fn is_key(key: &str) -> bool {
    table().contains_key(key)
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

    /// The message for `key`; an unknown key shows itself so that it is noticed.
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        match table().get(key) {
            Some((sv, en)) => match self.lang {
                Lang::Sv => sv,
                Lang::En => en,
            },
            None => key,
        }
    }

    /// `prefix.code`, e.g. `role.operator`.
    pub fn code(&self, prefix: &str, code: &str) -> String {
        let key = format!("{prefix}.{code}");
        match table().get(key.as_str()) {
            Some((sv, en)) => match self.lang {
                Lang::Sv => (*sv).to_owned(),
                Lang::En => (*en).to_owned(),
            },
            None => code.to_owned(),
        }
    }

    /// A reason from the rules, in Swedish when we know it.
    pub fn reason(&self, reason: &str) -> String {
        if self.lang == Lang::Sv {
            if let Some((_, sv)) = REASONS_SV
                .iter()
                .chain(registry::REASONS_SV)
                .chain(supervision::REASONS_SV)
                .chain(alarms::REASONS_SV)
                .find(|(en, _)| *en == reason)
            {
                return (*sv).to_owned();
            }
            if let Some((en, sv)) = registry::REASON_PREFIXES_SV
                .iter()
                .find(|(en, _)| reason.starts_with(en))
            {
                return format!("{sv}{}", &reason[en.len()..]);
            }
        }
        reason.to_owned()
    }

    /// A field name, in the user's language where the page has a label for it.
    pub fn field(&self, field: &str) -> String {
        let key = match field {
            "username" => "user.username",
            "display_name" => "user.display_name",
            "email" => "user.email",
            "hsa_id" => "user.hsa_id",
            "password" => "login.password",
            "current_password" => "password.current",
            "name" => "common.name",
            "org_number" => "org.number",
            "code" => "login.code",
            "roles" | "role" => "user.roles",
            "unit_id" => "common.unit",
            "organisation_id" => "common.organisation",
            _ => {
                // Feature tables name their fields `field.<name>`.
                return match table().get(format!("field.{field}").as_str()) {
                    Some((sv, en)) => match self.lang {
                        Lang::Sv => (*sv).to_owned(),
                        Lang::En => (*en).to_owned(),
                    },
                    None => field.to_owned(),
                };
            }
        };
        self.t(key).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_read_back_and_are_unique() {
        vaka_domain::assert_codes!(Lang);
        let codes: Vec<_> = Lang::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, ["sv", "en"]);
        assert_eq!(Lang::from_code("SV"), None);
    }

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = std::collections::HashSet::new();
        for (k, sv, en) in all_messages() {
            assert!(seen.insert(k), "duplicate key {k}");
            assert!(!sv.is_empty() && !en.is_empty(), "{k} lacks a translation");
        }
    }

    #[test]
    fn every_key_used_in_templates_exists() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut used = 0;
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("t.t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                used += 1;
                if !table().contains_key(key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(used > 100, "the scan found only {used} keys");
        assert!(
            missing.is_empty(),
            "keys missing from MESSAGES: {missing:?}"
        );
    }

    #[test]
    fn reasons_and_fields_translate() {
        let sv = Tr::new(Lang::Sv);
        assert_eq!(sv.reason("is required"), "måste fyllas i");
        assert_eq!(sv.reason("something new"), "something new");
        assert_eq!(
            sv.reason("no such date: 1945-02-30"),
            "datumet finns inte: 1945-02-30"
        );
        assert_eq!(
            sv.reason("a device is activated only after a passed test"),
            "en enhet aktiveras först efter ett godkänt test"
        );
        assert_eq!(Tr::new(Lang::En).reason("is required"), "is required");
        assert_eq!(sv.field("email"), "E-post");
        assert_eq!(sv.field("valid_from"), "Gäller från");
        assert_eq!(Tr::new(Lang::En).field("valid_from"), "Valid from");
        assert_eq!(sv.field("no_such_field"), "no_such_field");
        assert_eq!(sv.code("role", "operator"), "Larmoperatör / trygghetsjour");
    }
}
