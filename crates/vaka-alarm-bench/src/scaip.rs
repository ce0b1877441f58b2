//! SCAIP over SIP/TCP (SS 91100:2014): each connection plays one alarm unit with its own
//! controller id (the account of the same index, which is alphanumeric), sending a SIP
//! `MESSAGE` whose `application/scaip+xml` body is an `<mrq>` with a fresh `ref`, and keeping
//! the connection open as a unit that holds its TCP connection does.
//!
//! What is counted, per `MESSAGE`: its SIP final response (`2xx` counts as the ACK, `4xx`–`6xx`
//! as a NAK, anything else as other; latency is to this response, which a receiver must send
//! only after the alarm is stored). Then the receiver's own `MESSAGE` carrying the `<mrs>`: it
//! is answered `200 OK` as a unit does, and counted as a response when it echoes a `ref` we
//! sent with `snu` 0, else as a bad response.

use std::collections::{HashSet, VecDeque};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Duration;

use rand::RngCore;
use rand::rngs::StdRng;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{Instant, sleep_until};
use vaka_scaip::sip::{self, Framed, Limits, Message, OutgoingMessage, Status};
use vaka_scaip::{CallerChannel, DeviceType, MessageType, Request, Response, StatusCode};

use crate::answer::Kind;
use crate::load::{Connect, Ended, Plan, connect, count_unsent, micros, pause};
use crate::report::Tally;

/// One simulated SCAIP unit: what outlives its connections.
pub(crate) struct Unit {
    cid: String,
    /// The receiver it uses now (an index into the plan's receivers): its primary, then the
    /// next one on every failure.
    at: usize,
    /// Fresh per run: with the counter it makes every `ref` of the run distinct, also from
    /// an earlier run against the same database.
    run: String,
    /// Messages sent so far (the `ref` counter and the `CSeq`).
    sent: u32,
    call_id: String,
    from_tag: String,
    next_due: Instant,
    /// `ref`s answered `2xx` whose `<mrs>` has not come yet.
    open_refs: HashSet<String>,
}

impl Unit {
    pub(crate) fn new(cid: &str, index: usize, rng: &mut StdRng, first_due: Instant) -> Self {
        Self {
            cid: cid.to_owned(),
            at: index,
            run: hex(rng, 4),
            sent: 0,
            call_id: format!("{}@vaka-alarm-bench", hex(rng, 8)),
            from_tag: hex(rng, 4),
            next_due: first_due,
            open_refs: HashSet::new(),
        }
    }

    /// The `ref` of message `n`.
    fn reference(&self, n: u32) -> String {
        format!("{}{}x{n}", self.run, self.cid)
    }

    /// The SIP `MESSAGE` for message `n`: a personal trigger's manual alarm with a call-back
    /// number, as the demo's units send.
    fn message(&self, n: u32, target: SocketAddr, local: SocketAddr, rng: &mut StdRng) -> Vec<u8> {
        let mut body = Request::new(&self.reference(n), &self.cid, DeviceType::PERSONAL_TRIGGER);
        body.message_type = MessageType::Alarm;
        body.status = StatusCode::MANUAL_ALARM;
        body.caller = vec![CallerChannel::parse("gsm:+46700000000")];
        let xml = body.to_xml();
        let request_uri = format!("sip:vaka@{target}");
        let from_uri = format!("sip:{}@{}", self.cid, local.ip());
        let sent_by = local.to_string();
        let branch = hex(rng, 8);
        let mut m = OutgoingMessage::scaip(
            &request_uri,
            &from_uri,
            &self.from_tag,
            &request_uri,
            &self.call_id,
            n,
            &sent_by,
            &branch,
            xml.as_bytes(),
        );
        m.transport = "TCP";
        m.build().to_bytes()
    }
}

fn hex(rng: &mut StdRng, bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rng.fill_bytes(&mut b);
    b.iter().fold(String::with_capacity(bytes * 2), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// A `MESSAGE` waiting for its final response.
#[derive(Debug, Clone, Copy)]
struct Waiting {
    cseq: u32,
    scheduled: Instant,
    sent: Instant,
    measured: bool,
}

/// Runs one unit until the end of the plan, reconnecting as the DC-09 devices do.
pub(crate) async fn unit(plan: std::sync::Arc<Plan>, mut unit: Unit, mut rng: StdRng) -> Tally {
    let mut st = Tally::default();
    let mut end = plan.end_watch();
    loop {
        let stream = match connect(&plan, unit.at, &mut end, &mut st).await {
            Connect::Connected(stream) => stream,
            Connect::Failed => {
                unit.at += 1;
                pause(&mut end).await;
                continue;
            }
            Connect::Over => break,
        };
        match session(stream, &plan, &mut unit, &mut rng, &mut end, &mut st).await {
            Ended::Done => break,
            Ended::TimedOut => unit.at += 1,
            Ended::Failed => {
                unit.at += 1;
                pause(&mut end).await;
            }
        }
    }
    let end = *end.borrow();
    count_unsent(&plan, end, &mut unit.next_due, &mut st);
    // `<mrs>` that never came for a `2xx`-answered message.
    st.responses_missing += unit.open_refs.len() as u64;
    st
}

fn lose(waiting: &mut VecDeque<Waiting>, st: &mut Tally) {
    st.lost += waiting.drain(..).filter(|w| w.measured).count() as u64;
}

/// How long, after the last final response, a session still waits for the `<mrs>` messages
/// that follow it before it ends.
const MRS_GRACE: Duration = Duration::from_secs(2);

async fn session(
    stream: TcpStream,
    plan: &Plan,
    unit: &mut Unit,
    rng: &mut StdRng,
    end: &mut watch::Receiver<Instant>,
    st: &mut Tally,
) -> Ended {
    let _ = stream.set_nodelay(true);
    let (Ok(local), Ok(target)) = (stream.local_addr(), stream.peer_addr()) else {
        st.disconnects += 1;
        return Ended::Failed;
    };
    let (mut rd, mut wr) = stream.into_split();
    let limits = Limits::default();
    let mut waiting: VecDeque<Waiting> = VecDeque::with_capacity(plan.pipeline);
    let mut inbox: Vec<u8> = Vec::with_capacity(8192);
    let mut buf = vec![0u8; 16 * 1024];
    let mut out = Vec::with_capacity(1024 * plan.pipeline);
    let mut drain_until: Option<Instant> = None;
    loop {
        let now = Instant::now();
        let until = *end.borrow_and_update();
        let sending = now < until;
        out.clear();
        if sending {
            while waiting.len() < plan.pipeline {
                let scheduled = match plan.period {
                    None => now,
                    Some(p) => {
                        if unit.next_due > now {
                            break;
                        }
                        let due = unit.next_due;
                        unit.next_due += p;
                        due
                    }
                };
                unit.sent += 1;
                let n = unit.sent;
                let measured = scheduled >= plan.warm_end;
                if measured {
                    st.sent += 1;
                }
                out.extend_from_slice(&unit.message(n, target, local, rng));
                waiting.push_back(Waiting {
                    cseq: n,
                    scheduled,
                    sent: now,
                    measured,
                });
            }
        } else if waiting.is_empty() {
            // The run is over and every message has its final response: give the `<mrs>`
            // still under way a moment.
            if unit.open_refs.is_empty() {
                return Ended::Done;
            }
            let until = *drain_until.get_or_insert(now + MRS_GRACE);
            if now >= until {
                return Ended::Done;
            }
        }
        if !out.is_empty() && wr.write_all(&out).await.is_err() {
            st.disconnects += 1;
            lose(&mut waiting, st);
            return Ended::Failed;
        }

        let answer_by = waiting.front().map(|w| w.sent + plan.answer_timeout);
        let wake = if sending {
            Some(match plan.period {
                Some(_) if waiting.len() < plan.pipeline => unit.next_due.min(until),
                _ => until,
            })
        } else {
            drain_until
        };
        tokio::select! {
            biased;
            r = rd.read(&mut buf) => {
                let n = match r {
                    Ok(0) | Err(_) => {
                        st.disconnects += 1;
                        lose(&mut waiting, st);
                        return if Instant::now() < *end.borrow() { Ended::Failed } else { Ended::Done };
                    }
                    Ok(n) => n,
                };
                let at = Instant::now();
                inbox.extend_from_slice(&buf[..n]);
                let mut replies = Vec::new();
                loop {
                    match sip::frame_stream(&inbox, &limits) {
                        Ok(Framed::NeedMore) => break,
                        Ok(Framed::KeepAlive { used, .. }) => {
                            inbox.drain(..used);
                        }
                        Ok(Framed::Message { message, used }) => {
                            inbox.drain(..used);
                            match message {
                                Message::Response(r) => {
                                    final_response(&r, at, &mut waiting, unit, st);
                                }
                                Message::Request(req) => {
                                    our_mrs(&req, unit, st);
                                    let ok = sip::response_to(&req, Status::OK, &hex(rng, 4));
                                    replies.extend_from_slice(&ok.to_bytes());
                                }
                            }
                        }
                        Err(_) => {
                            st.garbage_bytes += inbox.len() as u64;
                            st.disconnects += 1;
                            lose(&mut waiting, st);
                            return Ended::Failed;
                        }
                    }
                }
                if !replies.is_empty() && wr.write_all(&replies).await.is_err() {
                    st.disconnects += 1;
                    lose(&mut waiting, st);
                    return Ended::Failed;
                }
            }
            () = sleep_until(answer_by.unwrap_or(now)), if answer_by.is_some() => {
                if let Some(w) = waiting.pop_front()
                    && w.measured
                {
                    st.timeouts += 1;
                }
                lose(&mut waiting, st);
                st.timeout_reconnects += 1;
                return if Instant::now() < *end.borrow() { Ended::TimedOut } else { Ended::Done };
            }
            _ = end.changed(), if sending => {}
            () = sleep_until(wake.unwrap_or(now)), if wake.is_some() => {}
        }
    }
}

/// Counts the receiver's response to one of our `MESSAGE`s (matched by `CSeq`).
fn final_response(
    r: &sip::Response,
    at: Instant,
    waiting: &mut VecDeque<Waiting>,
    unit: &mut Unit,
    st: &mut Tally,
) {
    if r.code < 200 {
        // Provisional: the final one follows.
        return;
    }
    let kind = match r.code {
        200..=299 => Kind::Ack,
        400..=699 => Kind::Nak,
        _ => Kind::Other,
    };
    let index = r
        .cseq()
        .filter(|c| c.method.eq_ignore_ascii_case("MESSAGE"))
        .and_then(|c| waiting.iter().position(|w| w.cseq == c.seq));
    let Some(w) = index.and_then(|i| waiting.remove(i)) else {
        st.unsolicited += 1;
        return;
    };
    if kind == Kind::Ack {
        st.acks_all += 1;
        unit.open_refs.insert(unit.reference(w.cseq));
    }
    if w.measured {
        let raw = format!("SIP/2.0 {} {}", r.code, r.reason);
        st.answer(
            kind,
            micros(at.saturating_duration_since(w.scheduled)),
            raw.as_bytes(),
        );
    }
}

/// Counts the receiver's own `MESSAGE` with the `<mrs>`.
fn our_mrs(req: &sip::Request, unit: &mut Unit, st: &mut Tally) {
    match Response::parse(&req.body) {
        Ok(mrs) if mrs.code.0 == 0 && unit.open_refs.remove(&mrs.reference) => {
            st.responses += 1;
        }
        _ => st.bad_responses += 1,
    }
}
