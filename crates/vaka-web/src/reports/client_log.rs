//! The client's own log as readable lines (the page) and as a PDF (what the client, a
//! representative or a manager after an incident is handed).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use vaka_service::client_log::ClientLog;

use crate::i18n::Tr;
use crate::page::local_time;
use crate::reports::pdf::{self, Line};
use crate::reports::supervision_log::log_lines;
use vaka_service::supervision::log::SupervisionLog;

/// Stockholm wall-clock time with seconds.
fn local_seconds(ts: jiff::Timestamp) -> String {
    ts.to_zoned(vaka_service::registry::stockholm())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A section's heading, and a line saying it is empty when it is.
fn section(lines: &mut Vec<Line>, t: Tr, heading: &str, empty: bool) {
    lines.push(Line::Blank);
    lines.push(Line::Heading(t.t(heading).into_owned()));
    if empty {
        lines.push(Line::Text(t.t("clog-none").into_owned()));
    }
}

/// The extract as readable lines.
pub fn lines(t: Tr, log: &ClientLog) -> Vec<Line> {
    let r = &log.request;
    let mut out = vec![
        Line::Title(format!("{} – {}", t.t("clog-title"), log.client_name)),
        Line::Text(format!(
            "{}: {} · {}: {} – {}",
            t.t("clients-identity"),
            log.identity,
            t.t("clog-period"),
            r.from,
            r.to
        )),
        Line::Text(format!(
            "{}: {}{} · {}: {}, {}",
            t.t("clog-requested_by"),
            t.code("clog-requester", r.requested_by.code()),
            r.reason
                .as_ref()
                .map(|x| format!(" ({}: {x})", t.t("clog-reason")))
                .unwrap_or_default(),
            t.t("clog-extracted"),
            log.extracted_by,
            local_time(log.generated_at)
        )),
        Line::Text(t.t("clog-about").into_owned()),
    ];

    section(&mut out, t, "clog-access", log.access.is_empty());
    if log.access_truncated {
        out.push(Line::Text(t.t("clog-access-truncated").into_owned()));
    }
    for a in &log.access {
        let who = match (&a.who, &a.credential) {
            (Some(w), _) => w.clone(),
            (None, Some(c)) => t.code("audit_credential", c),
            (None, None) => "–".to_owned(),
        };
        let mut text = format!(
            "{} {}",
            local_seconds(a.at),
            t.code("audit_action", &a.action.code().replace('.', "-"))
        );
        text.push_str(&format!(": {who}"));
        if let Some(role) = a.role {
            text.push_str(&format!(" ({})", t.code("role", role.code())));
        }
        if a.outcome != vaka_domain::audit::Outcome::Success {
            text.push_str(&format!(", {}", t.code("audit-outcome", a.outcome.code())));
        }
        if a.emergency {
            text.push_str(&format!(", {}", t.t("clog-emergency")));
        }
        text.push('.');
        out.push(Line::Text(text));
    }

    section(&mut out, t, "clog-alarms", log.alarms.is_empty());
    for a in &log.alarms {
        let mut text = format!(
            "{} {} ({})",
            local_seconds(a.received_at),
            t.code("alarm_kind", a.kind.code()),
            t.code("alarm_category", &a.category)
        );
        if let Some(c) = a.closed_at {
            text.push_str(&format!(
                ", {} {}",
                t.t("clog-alarm-closed"),
                local_seconds(c)
            ));
        }
        if let Some(c) = a.cause {
            text.push_str(&format!(": {}", t.code("close_cause", c.code())));
        }
        if let Some(n) = &a.note {
            text.push_str(&format!(" ({n})"));
        }
        text.push('.');
        for s in &a.steps {
            text.push_str(&format!(
                " {} {}",
                local_seconds(s.at).get(11..).unwrap_or_default(),
                t.code("alarm_log", &s.step)
            ));
            if let Some(by) = &s.by {
                text.push_str(&format!(", {by}"));
            }
            if let Some(n) = &s.note {
                text.push_str(&format!(": {n}"));
            }
            text.push('.');
        }
        out.push(Line::Text(text));
    }

    // Look-ins, visits and door events: the supervision log's own lines, without its title.
    let trail = SupervisionLog {
        client_id: log.client_id,
        client_name: log.client_name.clone(),
        identity: log.identity.clone(),
        from: r.from,
        to: r.to,
        generated_at: log.generated_at,
        rows: log.supervision.clone(),
        visits: log.visits.clone(),
        doors: log.doors.clone(),
    };
    section(&mut out, t, "clog-supervision", false);
    out.extend(log_lines(t, &trail).into_iter().skip(2));
    if log.visits.is_empty() {
        section(&mut out, t, "hc-trail-visits", true);
    }
    if log.doors.is_empty() {
        section(&mut out, t, "hc-trail-doors", true);
    }

    section(&mut out, t, "clog-signings", log.signings.is_empty());
    for s in &log.signings {
        let when = match s.occasion {
            Some((d, time)) => format!("{d} {}", time.strftime("%H:%M")),
            None => t.t("sign-as-needed").into_owned(),
        };
        let mut text = format!(
            "{when} {}: {}",
            s.task_name,
            t.code("signing_outcome", s.outcome.code())
        );
        if let Some(r) = s.not_given_reason {
            text.push_str(&format!(" ({})", t.code("not_given_reason", r.code())));
        }
        text.push_str(&format!(", {} {}", s.signer, local_seconds(s.signed_at)));
        if s.late {
            text.push_str(&format!(", {}", t.t("sign-mark-late")));
        }
        if let Some(n) = &s.note {
            text.push_str(&format!(": {n}"));
        }
        text.push('.');
        out.push(Line::Text(text));
    }
    out
}

/// The extract as a PDF download.
pub fn download(log: &ClientLog, t: Tr) -> Response {
    let name = format!("logg-{}-{}.pdf", log.request.from, log.request.to);
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        pdf::render(&t.t("clog-title"), &lines(t, log)),
    )
        .into_response()
}
