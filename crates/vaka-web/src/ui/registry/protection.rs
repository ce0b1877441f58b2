//! The system manager's page for lifting, lowering or raising a client's protected identity:
//! the client named by identity number (the decision or the population register's notice
//! names them so), the new level and the reason.

use askama::Template;
use axum::response::Response;
use serde::Deserialize;
use vaka_domain::client::Protection;
use vaka_service::registry::protection::ProtectionInput;

use crate::error::ApiError;
use crate::i18n::Tr;
use crate::page::{PageCtx, PageForm, PageResult, Req, render};
use crate::ui::registry::clients::{Choice, choices};

#[derive(Template)]
#[template(path = "protection.html")]
pub struct ProtectionPage {
    pub page: PageCtx,
    pub form: ProtectionForm,
    pub protections: Vec<Choice>,
    /// What the last change did, in words.
    pub done: Option<String>,
}

/// The form as typed (kept when it is shown again with an error).
#[derive(Debug, Default, Deserialize)]
pub struct ProtectionForm {
    #[serde(default)]
    pub identity: String,
    #[serde(default)]
    pub protection: String,
    #[serde(default)]
    pub reason: String,
}

fn show(page: PageCtx, form: ProtectionForm, done: Option<String>) -> Response {
    let t = page.t;
    render(
        page.status(),
        &ProtectionPage {
            protections: choices(t, "protection", Protection::ALL, Protection::code),
            form,
            done,
            page,
        },
    )
}

pub async fn form(Req { t, caller, .. }: Req) -> PageResult {
    Ok(show(
        PageCtx::for_caller(&caller, t, "protection"),
        ProtectionForm::default(),
        None,
    ))
}

pub async fn change(
    Req { state, t, caller }: Req,
    PageForm(form): PageForm<ProtectionForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "protection");
    let result = async {
        let protection = Protection::from_code(form.protection.trim()).ok_or_else(|| {
            ApiError::invalid("protection", vaka_domain::reason::InputReason::Required)
        })?;
        let input = ProtectionInput {
            protection,
            reason: form.reason.clone(),
        };
        Ok::<_, ApiError>(
            state
                .services
                .change_protection_by_identity(&caller.ctx(), &form.identity, input)
                .await?,
        )
    }
    .await;
    Ok(match result {
        Ok(done) => show(
            page,
            ProtectionForm::default(),
            Some(changed(t, &done.name, done.from, done.to)),
        ),
        Err(e) => show(page.with_error(&e), form, None),
    })
}

/// "The protection of NN was changed from X to Y."
fn changed(t: Tr, name: &str, from: Protection, to: Protection) -> String {
    t.message(
        "protection-changed",
        &[
            ("name", name.into()),
            ("from", t.code("protection", from.code()).into()),
            ("to", t.code("protection", to.code()).into()),
        ],
    )
    .into_owned()
}
