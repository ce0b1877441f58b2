//! The operations page: planned-downtime notices (the list, the publishing form for the
//! municipality, cancelling, a provider's acknowledgement) and outage reports (the form every
//! user has, whom it goes to now, resolving for the municipality).

use askama::Template;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use vaka_domain::access::Permission;
use vaka_domain::ids::{DowntimeNoticeId, OrganisationId, OutageReportId};
use vaka_domain::operations::contacts::ContactKind;
use vaka_domain::operations::downtime::{NoticePhase, day_code};
use vaka_domain::operations::outage::OutageStatus;
use vaka_domain::reason::InputReason;
use vaka_service::operations::contacts::ContactInput;
use vaka_service::operations::notices::{NoticeInput, NoticeView};
use vaka_service::operations::outages::{OutageInput, OutageView};

use super::period;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::identity::Caller;
use crate::page::{
    ErrorPage, KeptForm, OrPage, PageCtx, PageResult, Req, Sent, after_change, local_time,
};
use crate::state::AppState;
use crate::ui::account::home::Flash;

/// One organisation's acknowledgement, as words.
pub struct PartyRow {
    pub organisation: String,
    /// "Kvitterad av … 2026-12-02 09:14", or empty while pending.
    pub acknowledged: String,
}

/// One notice of the list.
pub struct NoticeRow {
    pub id: String,
    pub title: String,
    pub details: String,
    pub period: String,
    /// `upcoming`, `ongoing`, `past` or `cancelled`.
    pub state: &'static str,
    pub published: String,
    /// Whom it concerns: the organisations named, or "every provider".
    pub concerns: String,
    pub parties: Vec<PartyRow>,
    pub may_cancel: bool,
    pub may_acknowledge: bool,
}

/// One contact of the list.
pub struct ContactRow {
    /// The forms' name (`contact-{organisation}-{kind}`).
    pub form: String,
    pub organisation_id: String,
    pub organisation: String,
    pub kind: &'static str,
    pub named: bool,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub confirmed: String,
    pub due: String,
    pub overdue: bool,
    pub may_keep: bool,
}

/// One outage report of the list.
pub struct OutageRow {
    pub id: String,
    pub what: String,
    pub reporter: String,
    pub reported: String,
    pub route: String,
    pub open: bool,
    pub resolved: String,
    pub resolution: String,
}

#[derive(Template)]
#[template(path = "operations.html")]
pub struct OperationsPage {
    pub page: PageCtx,
    pub notices: Vec<NoticeRow>,
    pub outages: Vec<OutageRow>,
    pub may_publish: bool,
    pub may_resolve: bool,
    pub may_print: bool,
    /// The organisations a notice may name (for those who publish).
    pub recipients: Vec<(String, String)>,
    /// The agreed window, worded ("tisdag–torsdag 10:00–13:00, minst 7 dagar i förväg").
    pub window: String,
    /// Whom a report made now goes to.
    pub route_now: String,
    pub contacts: Vec<ContactRow>,
}

fn notice_row(t: crate::i18n::Tr, n: &NoticeView, may_publish: bool) -> NoticeRow {
    let state = match (n.cancelled_at, n.phase) {
        (Some(_), _) => "cancelled",
        (None, NoticePhase::Upcoming) => "upcoming",
        (None, NoticePhase::Ongoing) => "ongoing",
        (None, NoticePhase::Past) => "past",
    };
    let parties = n
        .parties
        .iter()
        .map(|p| PartyRow {
            organisation: p.organisation.clone(),
            acknowledged: p
                .acknowledged
                .as_ref()
                .map(|(who, at)| {
                    t.message(
                        "ops-acknowledged-by",
                        &[("who", who.into()), ("at", local_time(*at).into())],
                    )
                    .into_owned()
                })
                .unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    let concerns = if n.named {
        n.parties
            .iter()
            .map(|p| p.organisation.clone())
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        t.t("ops-concerns-all").into_owned()
    };
    NoticeRow {
        id: n.id.to_string(),
        title: n.title.clone(),
        details: n.details.clone(),
        period: period(n.starts_at, n.ends_at),
        state,
        published: local_time(n.published_at),
        concerns,
        parties,
        may_cancel: may_publish && n.cancelled_at.is_none() && n.phase != NoticePhase::Past,
        may_acknowledge: n.to_acknowledge.is_some(),
    }
}

fn outage_row(t: crate::i18n::Tr, o: &OutageView) -> OutageRow {
    OutageRow {
        id: o.id.to_string(),
        what: o.what.clone(),
        reporter: o.reporter.clone(),
        reported: local_time(o.reported_at),
        route: t.code("ops-route", o.route.code()),
        open: o.status == OutageStatus::Open,
        resolved: o.resolved_at.map(local_time).unwrap_or_default(),
        resolution: o.resolution.clone().unwrap_or_default(),
    }
}

async fn show(state: &AppState, caller: &Caller, page: PageCtx) -> PageResult {
    let t = page.t;
    let ctx = caller.ctx();
    let p = &caller.principal;
    let may_publish = p.has_permission(Permission::NoticePublish);
    let notices = state.services.downtime_notices(&ctx).await.or_page(&page)?;
    let outages = state.services.outage_reports(&ctx).await.or_page(&page)?;
    let recipients = if may_publish {
        state
            .services
            .downtime_recipients(&ctx)
            .await
            .or_page(&page)?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect()
    } else {
        Vec::new()
    };
    let rules = &state.services.config.operations.downtime;
    let hm = |x: jiff::civil::Time| format!("{:02}:{:02}", x.hour(), x.minute());
    let window = t
        .message(
            "ops-window",
            &[
                ("first", t.code("weekday", day_code(rules.first_day)).into()),
                ("last", t.code("weekday", day_code(rules.last_day)).into()),
                ("from", hm(rules.from).into()),
                ("to", hm(rules.to).into()),
                ("days", rules.lead_days.into()),
            ],
        )
        .into_owned();
    let route_now = t.code("ops-route", state.services.outage_route_now().code());
    let contacts = state
        .services
        .contacts(&ctx)
        .await
        .or_page(&page)?
        .into_iter()
        .map(|c| {
            let kind = c.kind.code();
            let named = c.contact.as_ref();
            ContactRow {
                form: format!("contact-{}-{kind}", c.organisation_id),
                organisation_id: c.organisation_id.to_string(),
                organisation: c.organisation,
                kind,
                named: named.is_some(),
                name: named.map(|n| n.name.clone()).unwrap_or_default(),
                phone: named.map(|n| n.phone.clone()).unwrap_or_default(),
                email: named.map(|n| n.email.clone()).unwrap_or_default(),
                confirmed: named
                    .map(|n| local_time(n.confirmed_at))
                    .unwrap_or_default(),
                due: named.map(|n| n.due.to_string()).unwrap_or_default(),
                overdue: named.is_some_and(|n| n.overdue),
                may_keep: c.may_keep,
            }
        })
        .collect();
    Ok(crate::page::render(
        page.status(),
        &OperationsPage {
            notices: notices
                .iter()
                .map(|n| notice_row(t, n, may_publish))
                .collect(),
            outages: outages.iter().map(|o| outage_row(t, o)).collect(),
            may_publish,
            may_resolve: p.has_permission(Permission::OutageManage),
            may_print: p.has_permission(Permission::ReserveListPrint),
            recipients,
            window,
            route_now,
            contacts,
            page,
        },
    ))
}

pub async fn page(r: Req, Query(f): Query<Flash>) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "operations").with_flash_key(f.ok.as_deref());
    show(&r.state, &r.caller, page).await
}

/// Back to the page with a notice, or the page again with the error beside the form.
async fn changed<T>(
    r: Req,
    result: Result<T, ApiError>,
    sent: Sent,
    ok: &'static str,
) -> PageResult {
    let Req { state, t, caller } = r;
    let page = PageCtx::for_caller(&caller, t, "operations");
    after_change(
        ErrorPage::Refused,
        result,
        page,
        |_, _| Redirect::to(&format!("/operations?ok={ok}")).into_response(),
        async |page| show(&state, &caller, page.keeping(sent)).await,
    )
    .await
}

/// The publishing form; `organisations` repeats (checkboxes), so it is read from what was
/// sent.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub details: String,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

pub async fn publish(r: Req, KeptForm(form, sent): KeptForm<NoticeForm>) -> PageResult {
    let organisations: Result<Vec<OrganisationId>, ApiError> = sent
        .all("organisations")
        .iter()
        .map(|o| {
            o.parse::<OrganisationId>()
                .map_err(|_| ApiError::invalid("organisations", InputReason::NotValid))
        })
        .collect();
    let result = match organisations {
        Ok(organisations) => r
            .state
            .services
            .publish_downtime_notice(
                &r.caller.ctx(),
                NoticeInput {
                    title: form.title,
                    details: form.details,
                    day: form.day,
                    from: form.from,
                    to: form.to,
                    organisations,
                },
            )
            .await
            .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    changed(r, result, sent, "ops-notice-published-ok").await
}

/// A step on one record of the page: its id from the path (anything else is "not found").
async fn step<Id: std::str::FromStr + Copy>(
    r: Req,
    raw: &str,
    sent: Sent,
    ok: &'static str,
    work: impl AsyncFnOnce(&AppState, &Caller, Id) -> Result<(), vaka_service::ServiceError>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "operations");
    let id: Id = crate::page::parse_id(raw, &page)?;
    let result = work(&r.state, &r.caller, id).await.map_err(ApiError::from);
    changed(r, result, sent, ok).await
}

pub async fn cancel(
    r: Req,
    Path(id): Path<String>,
    KeptForm(_, sent): KeptForm<Empty>,
) -> PageResult {
    step(
        r,
        &id,
        sent,
        "ops-notice-cancelled",
        async |s, c, id: DowntimeNoticeId| s.services.cancel_downtime_notice(&c.ctx(), id).await,
    )
    .await
}

pub async fn acknowledge(
    r: Req,
    Path(id): Path<String>,
    KeptForm(_, sent): KeptForm<Empty>,
) -> PageResult {
    step(
        r,
        &id,
        sent,
        "ops-notice-acknowledged",
        async |s, c, id: DowntimeNoticeId| {
            s.services.acknowledge_downtime_notice(&c.ctx(), id).await
        },
    )
    .await
}

/// A form with nothing of its own to read.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

#[derive(Debug, Default, Deserialize)]
pub struct OutageForm {
    #[serde(default)]
    pub what: String,
}

pub async fn report(r: Req, KeptForm(form, sent): KeptForm<OutageForm>) -> PageResult {
    let result = r
        .state
        .services
        .report_outage(&r.caller.ctx(), OutageInput { what: form.what })
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "ops-outage-reported").await
}

#[derive(Debug, Default, Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    pub resolution: String,
}

pub async fn resolve(
    r: Req,
    Path(id): Path<String>,
    KeptForm(form, sent): KeptForm<ResolveForm>,
) -> PageResult {
    step(
        r,
        &id,
        sent,
        "ops-outage-resolved",
        async |s, c, id: OutageReportId| {
            s.services
                .resolve_outage(&c.ctx(), id, &form.resolution)
                .await
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// The organisation and the kind of contact from the path (anything else is "not found").
fn contact_of(
    page: &PageCtx,
    id: &str,
    kind: &str,
) -> Result<(OrganisationId, ContactKind), crate::page::PageError> {
    let org: OrganisationId = crate::page::parse_id(id, page)?;
    let kind = ContactKind::from_code(kind)
        .ok_or_else(|| ApiError::not_found("page"))
        .or_page(page)?;
    Ok((org, kind))
}

pub async fn set_contact(
    r: Req,
    Path((id, kind)): Path<(String, String)>,
    KeptForm(form, sent): KeptForm<ContactForm>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "operations");
    let (org, kind) = contact_of(&page, &id, &kind)?;
    let result = r
        .state
        .services
        .set_contact(
            &r.caller.ctx(),
            org,
            kind,
            ContactInput {
                name: form.name,
                phone: form.phone,
                email: form.email,
            },
        )
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "ops-contact-saved").await
}

pub async fn confirm_contact(
    r: Req,
    Path((id, kind)): Path<(String, String)>,
    KeptForm(_, sent): KeptForm<Empty>,
) -> PageResult {
    let page = PageCtx::for_caller(&r.caller, r.t, "operations");
    let (org, kind) = contact_of(&page, &id, &kind)?;
    let result = r
        .state
        .services
        .confirm_contact(&r.caller.ctx(), org, kind)
        .await
        .map_err(ApiError::from);
    changed(r, result, sent, "ops-contact-confirmed-ok").await
}
