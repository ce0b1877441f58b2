//! The user's own pages: logging in (password, one-time code, enrolment, language), the
//! overview after login, and the profile (password, recovery codes, passkeys, sessions).

pub mod home;
pub mod login;
pub mod oidc;
pub mod passkeys;

use crate::identity::Access;
use crate::routes::Routes;

/// Registers the login and profile pages with the access each needs.
pub fn register(r: Routes) -> Routes {
    r.get("/login", Access::Public, login::login_form)
        .post("/login", Access::Public, login::login_submit)
        .post("/lang", Access::Public, login::set_lang)
        .get("/login/code", Access::LoginFlow, login::code_form)
        .post("/login/code", Access::LoginFlow, login::code_submit)
        .post(
            "/login/passkey",
            Access::LoginFlow,
            login::passkey_challenge,
        )
        .get("/login/password", Access::LoginFlow, login::password_form)
        .post("/login/password", Access::LoginFlow, login::password_submit)
        .get("/login/enrol", Access::LoginFlow, login::enrol_form)
        .post("/login/enrol", Access::LoginFlow, login::enrol_submit)
        .post("/logout", Access::LoginFlow, login::logout)
        .get("/login/oidc/{provider}", Access::Public, oidc::start)
        .get(
            "/login/oidc/{provider}/callback",
            Access::Public,
            oidc::callback,
        )
        .post(
            "/login/oidc/{provider}/step-up",
            Access::Authenticated,
            oidc::step_up,
        )
        .get("/", Access::Authenticated, home::home)
        .get("/profile", Access::Authenticated, home::profile)
        .post(
            "/profile/password",
            Access::Authenticated,
            home::change_password,
        )
        .post(
            "/profile/recovery-codes",
            Access::Authenticated,
            home::renew_codes,
        )
        .post("/profile/passkeys", Access::Authenticated, passkeys::add)
        .post(
            "/profile/passkeys/challenge",
            Access::Authenticated,
            passkeys::registration_challenge,
        )
        .post(
            "/profile/passkeys/step-up",
            Access::Authenticated,
            passkeys::step_up_challenge,
        )
        .post(
            "/profile/passkeys/{id}/name",
            Access::Authenticated,
            passkeys::rename,
        )
        .post(
            "/profile/passkeys/{id}/remove",
            Access::Authenticated,
            passkeys::remove,
        )
        .post(
            "/profile/logout-everywhere",
            Access::Authenticated,
            home::logout_everywhere,
        )
}
