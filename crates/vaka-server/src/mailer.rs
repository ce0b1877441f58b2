//! E-mail notices over SMTP (`smtp_url`, `mail_from`; none by default): missed signings, and
//! the renewal reminders of delegations that end within 30 days.
//!
//! One message per recipient and pass, listing the occasions they were called for (the unit,
//! the task type and the local time) or the delegations that end (task type, unit, the other
//! party, the last day), and where to look (`public_url`). Never the client: a message leaves
//! the system, so it only says that something is waiting in Vaka. Plain text, in Swedish,
//! worded by the Fluent messages `mail-missed-*` and `mail-remind-*`.
//!
//! A failed send is logged without addresses or the server's answer text (which may quote the
//! address): the recipient's user id and the kind of failure. It stops nothing: the call is
//! recorded and shows in the live overview whether or not the mail went out.

use std::collections::BTreeMap;

use anyhow::Context;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use vaka_domain::ids::UserId;
use vaka_service::delegation::missed::MissedCall;
use vaka_service::delegation::reminders::DelegationReminder;
use vaka_web::i18n::{Arg, Lang, Tr};

use crate::config::Config;

/// The most occasions one message lists (the rest are counted).
const MAX_LINES: usize = 50;

/// Sends the notices of missed signings.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    link: Option<String>,
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub messages: usize,
    pub failed: usize,
}

impl Mailer {
    /// The mailer of the configuration; `None` when `smtp_url` is not set. A URL lettre cannot
    /// read, or a server without `mail_from`, is an error that names the setting.
    pub fn from_config(cfg: &Config) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = cfg.smtp_url.as_deref().filter(|u| !u.trim().is_empty()) else {
            return Ok(None);
        };
        let from = cfg
            .mail_from
            .as_deref()
            .filter(|f| !f.trim().is_empty())
            .context("smtp_url is set without mail_from: give the sender's address")?;
        Mailer::new(url, from, cfg.public_url.as_deref()).map(Some)
    }

    /// A mailer sending through `smtp_url` (lettre's URL form: `smtp://host:port`,
    /// `smtp://host?tls=required`, `smtps://user:password@host`) as `from`, linking to `link`.
    pub fn new(smtp_url: &str, from: &str, link: Option<&str>) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| anyhow::anyhow!("smtp_url: not an SMTP URL lettre can use ({e})"))?
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail_from: not an e-mail address ({e})"))?;
        Ok(Mailer {
            transport,
            from,
            link: link
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        })
    }

    /// The messages for `calls`: one per recipient, in the order of their user ids. A
    /// recipient whose stored address lettre refuses gets none (logged by user id).
    pub fn messages(&self, calls: &[MissedCall]) -> Vec<(UserId, Message)> {
        let mut by: BTreeMap<UserId, Vec<&MissedCall>> = BTreeMap::new();
        for c in calls {
            by.entry(c.recipient).or_default().push(c);
        }
        let mut out = Vec::with_capacity(by.len());
        for (user, mut calls) in by {
            calls.sort_by_key(|c| (c.due, c.key));
            calls.dedup_by_key(|c| c.key);
            match self.message(&calls) {
                Ok(m) => out.push((user, m)),
                Err(e) => {
                    tracing::warn!(user = %user, error = %e, "no e-mail for a missed signing");
                }
            }
        }
        out
    }

    fn message(&self, calls: &[&MissedCall]) -> anyhow::Result<Message> {
        let first = calls.first().context("no calls")?;
        let (subject, body) = text(calls, self.link.as_deref());
        self.build(&first.email, subject, body)
    }

    /// The messages of renewal reminders: one per party with an address, listing the
    /// delegations they are a party of, by last day.
    pub fn reminder_messages(&self, reminders: &[DelegationReminder]) -> Vec<(UserId, Message)> {
        let mut by: BTreeMap<UserId, (String, Vec<ReminderLine<'_>>)> = BTreeMap::new();
        for r in reminders {
            for (me, other, delegator) in [
                (&r.delegator, &r.recipient, true),
                (&r.recipient, &r.delegator, false),
            ] {
                let Some(email) = &me.email else { continue };
                by.entry(me.user)
                    .or_insert_with(|| (email.clone(), Vec::new()))
                    .1
                    .push(ReminderLine {
                        reminder: r,
                        other: &other.name,
                        delegator,
                    });
            }
        }
        let mut out = Vec::with_capacity(by.len());
        for (user, (email, mut lines)) in by {
            lines.sort_by_key(|l| (l.reminder.last_day, l.reminder.delegation));
            let (subject, body) = reminder_text(&lines, self.link.as_deref());
            match self.build(&email, subject, body) {
                Ok(m) => out.push((user, m)),
                Err(e) => {
                    tracing::warn!(user = %user, error = %e, "no e-mail for a delegation reminder");
                }
            }
        }
        out
    }

    fn build(&self, email: &str, subject: String, body: String) -> anyhow::Result<Message> {
        let to: Mailbox = email
            .parse()
            .map_err(|_| anyhow::anyhow!("the recipient's stored address is not one"))?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .context("building the message")
    }

    /// Sends the notices of a scan's calls; a failure is logged (user id and kind only) and
    /// the others are still sent.
    pub async fn send(&self, calls: &[MissedCall]) -> Sent {
        self.send_all(self.messages(calls), "missed-signing").await
    }

    /// Sends the renewal reminders, as [`send`](Self::send).
    pub async fn send_reminders(&self, reminders: &[DelegationReminder]) -> Sent {
        self.send_all(self.reminder_messages(reminders), "delegation reminder")
            .await
    }

    async fn send_all(&self, messages: Vec<(UserId, Message)>, what: &'static str) -> Sent {
        let mut sent = Sent::default();
        for (user, message) in messages {
            match self.transport.send(message).await {
                Ok(_) => sent.messages += 1,
                Err(e) => {
                    sent.failed += 1;
                    let kind = if e.is_timeout() {
                        "timeout"
                    } else if e.is_tls() {
                        "tls"
                    } else if e.is_permanent() {
                        "refused permanently"
                    } else if e.is_transient() {
                        "refused for now"
                    } else {
                        "connection"
                    };
                    tracing::warn!(
                        user = %user,
                        kind,
                        what,
                        status = %e.status().map_or_else(|| "-".to_owned(), |c| c.to_string()),
                        "sending an e-mail failed"
                    );
                }
            }
        }
        if sent.messages > 0 {
            tracing::info!(messages = sent.messages, what, "e-mails sent");
        }
        sent
    }
}

/// A delegation in one party's reminder.
struct ReminderLine<'a> {
    reminder: &'a DelegationReminder,
    /// The other party's name.
    other: &'a str,
    /// Whether the reader delegated it (else they received it).
    delegator: bool,
}

/// The subject and body of one party's reminder of `lines` (in Swedish).
fn reminder_text(lines: &[ReminderLine<'_>], link: Option<&str>) -> (String, String) {
    let tr = Tr::new(Lang::Sv);
    let subject = match lines {
        [one] => tr.message(
            "mail-remind-subject-one",
            &[
                ("task", Arg::from(one.reminder.task_name.as_str())),
                ("unit", Arg::from(one.reminder.unit_name.as_str())),
                ("last_day", Arg::from(one.reminder.last_day.to_string())),
            ],
        ),
        many => tr.message("mail-remind-subject-many", &[("count", many.len().into())]),
    };
    let mut body = String::new();
    body.push_str(&tr.message("mail-remind-intro", &[("count", lines.len().into())]));
    body.push_str("\n\n");
    for l in lines.iter().take(MAX_LINES) {
        let id = if l.delegator {
            "mail-remind-line-delegator"
        } else {
            "mail-remind-line-recipient"
        };
        body.push_str("- ");
        body.push_str(&tr.message(
            id,
            &[
                ("task", Arg::from(l.reminder.task_name.as_str())),
                ("unit", Arg::from(l.reminder.unit_name.as_str())),
                ("other", Arg::from(l.other)),
                ("last_day", Arg::from(l.reminder.last_day.to_string())),
            ],
        ));
        body.push('\n');
    }
    if lines.len() > MAX_LINES {
        body.push_str(&tr.message(
            "mail-missed-more",
            &[("count", (lines.len() - MAX_LINES).into())],
        ));
        body.push('\n');
    }
    body.push('\n');
    body.push_str(&tr.t("mail-remind-renew"));
    body.push_str("\n\n");
    match link {
        Some(link) => body.push_str(&tr.message("mail-remind-link", &[("link", Arg::from(link))])),
        None => body.push_str(&tr.t("mail-remind-login")),
    }
    body.push_str("\n\n");
    body.push_str(&tr.t("mail-missed-footer"));
    body.push('\n');
    (subject.into_owned(), body)
}

/// The subject and the plain-text body of one recipient's message about `calls` (in Swedish).
fn text(calls: &[&MissedCall], link: Option<&str>) -> (String, String) {
    let tr = Tr::new(Lang::Sv);
    let unit = |c: &MissedCall| {
        c.unit_name
            .clone()
            .unwrap_or_else(|| tr.t("mail-missed-no-unit").into_owned())
    };
    let time = |c: &MissedCall| vaka_domain::delegation::prescription::hhmm(c.time);
    let subject = match calls {
        [one] => tr.message(
            "mail-missed-subject-one",
            &[
                ("task", Arg::from(one.task_name.as_str())),
                ("time", Arg::from(time(one))),
                ("unit", Arg::from(unit(one))),
            ],
        ),
        many => tr.message("mail-missed-subject-many", &[("count", many.len().into())]),
    };
    let mut body = String::new();
    body.push_str(&tr.message("mail-missed-intro", &[("count", calls.len().into())]));
    body.push_str("\n\n");
    for c in calls.iter().take(MAX_LINES) {
        body.push_str("- ");
        body.push_str(&tr.message(
            "mail-missed-line",
            &[
                ("date", Arg::from(c.date.to_string())),
                ("time", Arg::from(time(c))),
                ("task", Arg::from(c.task_name.as_str())),
                ("unit", Arg::from(unit(c))),
            ],
        ));
        body.push('\n');
    }
    if calls.len() > MAX_LINES {
        body.push_str(&tr.message(
            "mail-missed-more",
            &[("count", (calls.len() - MAX_LINES).into())],
        ));
        body.push('\n');
    }
    body.push('\n');
    match link {
        Some(link) => body.push_str(&tr.message("mail-missed-link", &[("link", Arg::from(link))])),
        None => body.push_str(&tr.t("mail-missed-login")),
    }
    body.push_str("\n\n");
    body.push_str(&tr.t("mail-missed-footer"));
    body.push('\n');
    (subject.into_owned(), body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};
    use vaka_domain::delegation::{OccasionKey, TaskTypeCode};
    use vaka_domain::ids::PrescriptionId;

    fn call(to: UserId, t: jiff::civil::Time, unit: Option<&str>) -> MissedCall {
        let key = OccasionKey {
            prescription_id: PrescriptionId::new(),
            date: date(2026, 12, 3),
            time: t,
        };
        MissedCall {
            key,
            step: 0,
            recipient: to,
            email: "sjukskoterska@kommun.test".into(),
            unit_name: unit.map(str::to_owned),
            task_type: TaskTypeCode::parse("eye_drops").unwrap(),
            task_name: "Ögondroppar".into(),
            date: key.date,
            time: t,
            due: "2026-12-03T07:00:00Z".parse().unwrap(),
            called_at: "2026-12-03T08:30:00Z".parse().unwrap(),
        }
    }

    /// One message per recipient; several occasions are counted and listed in time order, a
    /// client without a unit says so, and without `public_url` the text says to log in.
    #[test]
    fn one_message_per_recipient_listing_its_occasions() {
        let mailer = Mailer::new("smtp://127.0.0.1:2525", "Vaka <vaka@kommun.test>", None).unwrap();
        let (a, b) = (UserId::new(), UserId::new());
        let mut late = call(a, time(20, 0, 0, 0), None);
        late.due = "2026-12-03T19:00:00Z".parse().unwrap();
        let calls = vec![
            late.clone(),
            call(a, time(8, 0, 0, 0), Some("Norr 1")),
            call(b, time(8, 0, 0, 0), Some("Norr 1")),
        ];
        assert_eq!(mailer.messages(&calls).len(), 2);

        let mut for_a: Vec<&MissedCall> = calls.iter().filter(|c| c.recipient == a).collect();
        for_a.sort_by_key(|c| (c.due, c.key));
        let (subject, body) = text(&for_a, None);
        assert_eq!(subject, "2 missade signeringar");
        assert!(
            body.starts_with(
                "2 signeringar har inte gjorts inom sina tidsfönster:\n\n\
                 - 2026-12-03 kl. 08:00: Ögondroppar, Norr 1\n\
                 - 2026-12-03 kl. 20:00: Ögondroppar, ingen enhet\n\n\
                 Logga in i Vaka för att se vem det gäller och följa upp.\n"
            ),
            "{body}"
        );
        let (subject, body) = text(&for_a[..1], Some("https://vaka.kommun.test"));
        assert_eq!(subject, "Missad signering: Ögondroppar kl. 08:00 (Norr 1)");
        assert!(
            body.contains("följa upp: https://vaka.kommun.test\n"),
            "{body}"
        );
    }

    /// Each party gets one reminder listing its side of each delegation by last day; a party
    /// without an address (an account no longer active) gets none.
    #[test]
    fn reminders_one_message_per_party() {
        use vaka_domain::ids::DelegationId;
        use vaka_service::delegation::reminders::ReminderParty;
        let mailer = Mailer::new("smtp://127.0.0.1:2525", "vaka@kommun.test", None).unwrap();
        let nurse = ReminderParty {
            user: UserId::new(),
            name: "Nina Sjuksköterska".into(),
            email: Some("nina@kommun.test".into()),
        };
        let worker = |name: &str, email: Option<&str>| ReminderParty {
            user: UserId::new(),
            name: name.into(),
            email: email.map(str::to_owned),
        };
        let reminder = |last: jiff::civil::Date, recipient: ReminderParty| DelegationReminder {
            delegation: DelegationId::new(),
            task_name: "Insulin".into(),
            unit_name: "Centrum".into(),
            last_day: last,
            delegator: nurse.clone(),
            recipient,
        };
        let reminders = vec![
            reminder(
                date(2027, 1, 20),
                worker("Karl Omsorg", Some("karl@kommun.test")),
            ),
            reminder(date(2027, 1, 2), worker("Gone Away", None)),
        ];
        let messages = mailer.reminder_messages(&reminders);
        let users: Vec<UserId> = messages.iter().map(|m| m.0).collect();
        assert_eq!(
            messages.len(),
            2,
            "the nurse and Karl; not the inactive one"
        );
        assert!(users.contains(&nurse.user));
        assert!(users.contains(&reminders[0].recipient.user));

        let lines: Vec<ReminderLine<'_>> = reminders
            .iter()
            .rev()
            .map(|r| ReminderLine {
                reminder: r,
                other: &r.recipient.name,
                delegator: true,
            })
            .collect();
        let (subject, body) = reminder_text(&lines, Some("https://vaka.kommun.test"));
        assert_eq!(subject, "2 delegeringar upphör snart");
        assert!(
            body.starts_with(
                "2 delegeringar upphör inom 30 dagar:\n\n\
                 - Insulin, Centrum: delegerad av dig till Gone Away, gäller till och med 2027-01-02\n\
                 - Insulin, Centrum: delegerad av dig till Karl Omsorg, gäller till och med 2027-01-20\n"
            ),
            "{body}"
        );
        assert!(
            body.contains("Delegeringarna finns i Vaka: https://vaka.kommun.test\n"),
            "{body}"
        );
        let one = [ReminderLine {
            reminder: &reminders[0],
            other: &nurse.name,
            delegator: false,
        }];
        let (subject, body) = reminder_text(&one, None);
        assert_eq!(subject, "Delegering upphör 2027-01-20: Insulin (Centrum)");
        assert!(
            body.contains(
                "delegerad till dig av Nina Sjuksköterska, gäller till och med 2027-01-20"
            ),
            "{body}"
        );
    }

    /// A long list is cut, and the rest counted.
    #[test]
    fn a_long_list_is_cut() {
        let a = UserId::new();
        let calls: Vec<MissedCall> = (0..60)
            .map(|_| call(a, time(8, 0, 0, 0), Some("Norr 1")))
            .collect();
        let refs: Vec<&MissedCall> = calls.iter().collect();
        let (_, body) = text(&refs, None);
        assert_eq!(body.matches("\n- ").count(), MAX_LINES);
        assert!(body.contains("… och 10 till."), "{body}");
    }
}
