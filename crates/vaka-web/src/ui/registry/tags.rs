//! NFC tags on the device pages: the URL to write on a tag (an NDEF URL record) and its
//! strength (a plain tag marked as weaker), setting its UID, strength and key, ordering a tag
//! for a client and replacing one (the new key shown once).

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use vaka_domain::ids::DeviceId;
use vaka_domain::nfc::{TagId, TagStrength, sun_url_template, tag_url};
use vaka_service::registry::tags::{ProvisionedTag, TagInput, TagSummary};

use crate::error::ApiError;
use crate::extract::Path;
use crate::i18n::Tr;
use crate::page::{
    ErrorPage, PageCtx, PageForm, PageResult, Req, after_change, local_time, parse_id, render,
};
use crate::ui::registry::clients::form_code;

/// A tag's settings in words, with the URL to write on it.
pub struct TagView {
    pub tag_id: String,
    /// The URL record to write on the tag.
    pub url: String,
    /// SUN tags: the URL with the placeholders the tag fills in on every tap.
    pub template: Option<String>,
    pub strength: String,
    pub strength_code: &'static str,
    pub weaker: bool,
    pub uid: Option<String>,
    pub last_counter: Option<u32>,
    pub last_tap: String,
}

impl TagView {
    pub fn new(t: Tr, s: &TagSummary, base: &str) -> Self {
        let id = TagId::parse(&s.tag_id).ok();
        let url = id.as_ref().map_or_else(String::new, |id| tag_url(base, id));
        Self {
            template: id
                .as_ref()
                .filter(|_| s.strength == TagStrength::Sun)
                .map(|id| sun_url_template(base, id)),
            tag_id: s.tag_id.clone(),
            url,
            strength: t.code("tag_strength", s.strength.code()),
            strength_code: s.strength.code(),
            weaker: s.strength == TagStrength::Plain,
            uid: s.uid.clone(),
            last_counter: s.last_counter,
            last_tap: s.last_tap_at.map(local_time).unwrap_or_default(),
        }
    }
}

pub use crate::api::tags::base_url;

#[derive(Template)]
#[template(path = "tag_key.html")]
pub struct TagKeyPage {
    pub page: PageCtx,
    pub device: DeviceId,
    pub serial: String,
    pub tag: TagView,
    pub key: Option<String>,
}

/// The page after a tag got new settings: its URL, and its new key shown once.
fn key_page(t: Tr, page: PageCtx, p: ProvisionedTag, base: &str, notice: &str) -> Response {
    render(
        StatusCode::OK,
        &TagKeyPage {
            device: p.device.id,
            serial: p.device.serial.clone(),
            tag: TagView::new(t, &p.tag, base),
            key: p.new_key,
            page: PageCtx {
                flash: Some(t.t(notice).into_owned()),
                ..page
            },
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct TagForm {
    #[serde(default)]
    pub uid: String,
    #[serde(default)]
    pub strength: String,
    #[serde(default)]
    pub sdm_key: String,
}

/// Sets a tag's UID, strength and key.
pub async fn provision(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    headers: HeaderMap,
    PageForm(form): PageForm<TagForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "devices");
    let id: DeviceId = parse_id(&id, &page)?;
    let base = base_url(&state, &headers);
    let result: Result<ProvisionedTag, ApiError> = async {
        let strength = form_code("strength", &form.strength, TagStrength::from_code)?;
        Ok(state
            .services
            .provision_tag(
                &caller.ctx(),
                id,
                TagInput {
                    uid: Some(form.uid.clone()),
                    strength,
                    sdm_key: Some(form.sdm_key.clone()),
                },
            )
            .await?)
    }
    .await;
    after_change(
        ErrorPage::RefusedOrUnknown,
        result,
        page,
        |p, page| key_page(t, page, p, &base, "tag-provisioned"),
        async |page| super::devices::device_page_at(&state, &caller, id, page, &base).await,
    )
    .await
}

/// Replaces a tag: the old one retired, a new one for the same client.
pub async fn replace(
    Req { state, t, caller }: Req,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> PageResult {
    let page = PageCtx::for_caller(&caller, t, "devices");
    let id: DeviceId = parse_id(&id, &page)?;
    let base = base_url(&state, &headers);
    let result = state.services.replace_tag(&caller.ctx(), id).await;
    after_change(
        ErrorPage::RefusedOrUnknown,
        result,
        page,
        |p, page| key_page(t, page, p, &base, "tag-replaced"),
        async |page| super::devices::device_page_at(&state, &caller, id, page, &base).await,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct OrderForm {
    /// The client's personnummer (any common form) or id.
    #[serde(default)]
    pub client: String,
    #[serde(default)]
    pub strength: String,
}

/// Orders a tag for a client's door.
pub async fn order(r: Req, headers: HeaderMap, PageForm(form): PageForm<OrderForm>) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "devices");
    let base = base_url(&state, &headers);
    let result: Result<ProvisionedTag, ApiError> = async {
        let strength = form_code("strength", &form.strength, TagStrength::from_code)?;
        let client = super::devices::resolve_client(&state, &caller, &form.client)
            .await?
            .ok_or_else(|| {
                ApiError::invalid("client", vaka_domain::reason::DeviceReason::ChooseClient)
            })?;
        Ok(state
            .services
            .order_tag(&caller.ctx(), client, strength)
            .await?)
    }
    .await;
    let (state2, caller2) = (state.clone(), caller.clone());
    after_change(
        ErrorPage::RefusedOrUnknown,
        result,
        page,
        |p, page| key_page(t, page, p, &base, "tag-ordered"),
        async |page| {
            super::devices::devices_page(
                &state2,
                &caller2,
                page,
                super::devices::DeviceSearch::default(),
                super::devices::DeviceForm::default(),
            )
            .await
        },
    )
    .await
}
