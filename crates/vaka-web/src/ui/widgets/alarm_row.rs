//! An alarm as a row of a list (the alarm centre's queue and the night patrol's list): times in
//! seconds, the two SLA clocks, the steps the reader may take.

use jiff::Timestamp;
use vaka_domain::alarm::{AlarmStatus, CloseCause};
use vaka_domain::ids::{AlarmId, ClientId};
use vaka_service::alarms::console::AlarmItem;

use crate::i18n::Tr;
use crate::state::AppState;

/// Stockholm wall-clock time with seconds: alarms are a matter of seconds.
pub fn hms(ts: Timestamp) -> String {
    ts.to_zoned(crate::page::stockholm())
        .strftime("%H:%M:%S")
        .to_string()
}

/// `m:ss`.
pub fn mmss(seconds: i64) -> String {
    let s = seconds.max(0);
    format!("{}:{:02}", s / 60, s % 60)
}

/// One SLA clock: running (in the browser, from `since_ms`) until its measure is taken.
pub struct SlaClock {
    pub since_ms: i64,
    pub deadline_ms: i64,
    pub target: String,
    /// The measured time, once the clock has stopped.
    pub measured: Option<String>,
    pub met: bool,
    /// The alarm is closed without this measure (e.g. handled by phone): no clock runs.
    pub stopped: bool,
}

impl SlaClock {
    fn new(
        received: Timestamp,
        target_s: i64,
        measured: Option<i64>,
        met: Option<bool>,
        closed: bool,
    ) -> Self {
        let since_ms = received.as_millisecond();
        Self {
            since_ms,
            deadline_ms: since_ms + target_s * 1000,
            target: mmss(target_s),
            measured: measured.map(mmss),
            met: met.unwrap_or(false),
            stopped: closed && measured.is_none(),
        }
    }
}

/// An alarm as a row of the queue or a card of the responder's list.
pub struct AlarmRow {
    pub id: AlarmId,
    pub kind_code: &'static str,
    pub kind: String,
    pub category: String,
    pub code: String,
    /// A SCAIP alarm's status code in words (`automatic alarm`), with the code.
    pub scaip_status: Option<String>,
    /// A SCAIP alarm's caller channel, to call the client back on (`gsm:+46…`).
    pub caller: Option<String>,
    /// The caller channel says the unit takes no call (`no-voice:`).
    pub no_voice: bool,
    pub priority: u8,
    pub received: String,
    pub received_ms: i64,
    pub take_deadline_ms: i64,
    pub state_code: &'static str,
    pub state: String,
    pub operator: Option<String>,
    pub responder: Option<String>,
    pub client_id: Option<ClientId>,
    pub client: Option<String>,
    pub account: Option<String>,
    pub link: Option<String>,
    pub escalated_not_taken: bool,
    pub escalated_not_acknowledged: bool,
    /// No alarm centre covers the client: the alarm is in the fallback queue.
    pub fallback: bool,
    pub restored: bool,
    pub occurrences: i64,
    pub contact: SlaClock,
    pub arrival: SlaClock,
    /// The SLA clocks apply: a person may be in danger (not technical, tests, unknown devices).
    pub timed: bool,
    /// The caller has this alarm (operator) or is its responder.
    pub mine: bool,
    pub can_take: bool,
    /// Responder steps available now: (code, label).
    pub responder_steps: Vec<(&'static str, String)>,
    pub responder_can_close: bool,
    /// What a screen reader says (and a notification shows) when the alarm is new: its kind
    /// and whom it is about.
    pub announce: String,
}

/// A SCAIP alarm's status code in words and digits (`automatic alarm (0009)`); none for
/// DC-09.
fn scaip_status(t: Tr, i: &AlarmItem) -> Option<String> {
    let scaip = i
        .account
        .as_deref()
        .is_some_and(|a| a.starts_with(vaka_domain::device::SCAIP_ACCOUNT_PREFIX));
    if !scaip || i.code.len() != 4 || !i.code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let words = t.code("scaip_status", &i.code);
    Some(if words == i.code {
        format!("{} ({})", t.t("alarms-scaip_unknown_status"), i.code)
    } else {
        format!("{words} ({})", i.code)
    })
}

pub fn row(state: &AppState, t: Tr, me: vaka_domain::ids::UserId, i: &AlarmItem) -> AlarmRow {
    let closed = i.closed_at.is_some();
    let take_within = state.services.config.alarms.targets.take_within.as_secs();
    let responder_steps: Vec<&'static str> = match i.state {
        AlarmStatus::Dispatched => vec!["acknowledge"],
        AlarmStatus::Acknowledged if i.responder_id == Some(me) => vec!["on_the_way", "arrive"],
        AlarmStatus::OnTheWay if i.responder_id == Some(me) => vec!["arrive"],
        _ => Vec::new(),
    };
    let kind = t.code("alarm_kind", i.kind.code());
    let who = match (&i.client_name, &i.account) {
        (Some(name), _) => name.clone(),
        (None, Some(acc)) => format!("{} {acc}", t.t("alarms-account")),
        (None, None) => t.t("alarms-unknown_client").into_owned(),
    };
    let announce = t
        .message(
            "alarms-announce",
            &[("kind", kind.as_str().into()), ("who", who.into())],
        )
        .into_owned();
    AlarmRow {
        id: i.id,
        kind_code: i.kind.code(),
        kind,
        category: t.code("alarm_category", &i.category),
        code: i.code.clone(),
        scaip_status: scaip_status(t, i),
        caller: i.caller.clone(),
        no_voice: i
            .caller
            .as_deref()
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("no-voice:")),
        priority: i.priority,
        received: hms(i.received_at),
        received_ms: i.received_at.as_millisecond(),
        take_deadline_ms: i.received_at.as_millisecond() + take_within * 1000,
        state_code: i.state.code(),
        state: t.code("alarm_state", i.state.code()),
        operator: i.operator_name.clone(),
        responder: i.responder_name.clone(),
        client_id: i.client_id,
        client: i.client_name.clone(),
        account: i.account.clone(),
        link: i.chain_link.map(|l| t.code("chain_link", l.code())),
        escalated_not_taken: i.escalated_not_taken,
        escalated_not_acknowledged: i.escalated_not_acknowledged,
        fallback: i.fallback,
        restored: i.restored_at.is_some(),
        occurrences: i.occurrences,
        contact: SlaClock::new(
            i.received_at,
            i.contact_target_seconds,
            i.to_contact_seconds,
            i.contact_met,
            closed,
        ),
        arrival: SlaClock::new(
            i.received_at,
            i.arrival_target_seconds,
            i.to_arrival_seconds,
            i.arrival_met,
            closed,
        ),
        timed: i.priority == 0,
        mine: i.operator_id == Some(me) || i.responder_id == Some(me),
        can_take: i.state == AlarmStatus::Received,
        responder_steps: responder_steps
            .into_iter()
            .map(|s| (s, t.code("alarm_step", s)))
            .collect(),
        responder_can_close: i.state == AlarmStatus::Arrived && i.responder_id == Some(me),
        announce,
    }
}

/// The close causes, for a select: (code, label).
pub fn causes(t: Tr) -> Vec<(&'static str, String)> {
    CloseCause::ALL
        .iter()
        .map(|c| (c.code(), t.code("close_cause", c.code())))
        .collect()
}
