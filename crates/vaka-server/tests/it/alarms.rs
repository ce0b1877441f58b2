//! Safety alarms end to end: a device sends SIA DC-09 over a real socket to the receiver, the
//! ACK comes only once the event is stored (and a resend is stored once), the operator takes,
//! calls, dispatches along the chain, the home-care group's staff acknowledge, arrive and close,
//! and both SLA clocks are measured. Unknown accounts and stale clocks get a NAK; a silent
//! device raises a technical alarm. The third-party PyPI peers (my-dc09-spt, siadc09) are
//! driven against the same receiver.

use std::net::SocketAddr;

use axum::http::{Method, StatusCode};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vaka_domain::clock::Clock;
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_sia_dc09::encode::{encode_clear, sia_dcs_data};
use vaka_sia_dc09::frame::{Body, Header, Payload};
use vaka_sia_dc09::{IdToken, parse_frame};

use crate::db_tests;
use crate::support::{Auth, TestApp, alarm_receiver, commission, ok, read};
use crate::world::World;

const AES128: &str = "000102030405060708090A0B0C0D0E0F";

/// Registers an alarm unit with a DC-09 account (and key, else marked clear) and takes it to
/// active at `client`.
pub(crate) async fn alarm_unit(
    app: &TestApp,
    w: &World,
    client: ClientId,
    account: &str,
    key: Option<&str>,
) -> DeviceId {
    let admin = w.p("m_admin").bearer();
    let mut body = json!({"kind": "alarm_unit", "serial": format!("TA-{account}"),
                          "model": "Trygghetslarm IP", "dc09_account": account});
    if let Some(k) = key {
        body["dc09_key"] = json!(k);
        body["dc09_key_style"] = json!("hex");
    } else {
        body["dc09_key_style"] = json!("clear");
    }
    let v = ok(app, &admin, Method::POST, "/api/v1/devices".into(), body).await;
    let device: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    commission(app, &admin, device, client).await;
    device
}

fn frame(id: IdToken, account: &str, seq: u16, data: &[u8], at: Option<Timestamp>) -> Vec<u8> {
    encode_clear(
        &Header {
            id,
            encrypted: false,
            seq,
            receiver: Some("1".into()),
            line: Some("0".into()),
            account: account.into(),
        },
        &Body {
            data: data.to_vec(),
            xdata: Vec::new(),
            timestamp: at,
        },
    )
    .unwrap()
}

/// Sends one frame on a connection and reads one answer.
async fn exchange(conn: &mut tokio::net::TcpStream, bytes: &[u8]) -> vaka_sia_dc09::Frame {
    conn.write_all(bytes).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 512];
    while !buf.ends_with(b"\r") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), conn.read(&mut chunk))
            .await
            .expect("no answer in time")
            .unwrap();
        assert!(n > 0, "the receiver closed the connection");
        buf.extend_from_slice(&chunk[..n]);
    }
    parse_frame(&buf).expect("the answer parses")
}

async fn messages(app: &TestApp, account: &str, seq: u16) -> i64 {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.count_messages(
        account,
        seq,
        app.services.now() - SignedDuration::from_hours(1),
    )
    .await
    .unwrap()
}

async fn an_alarm_goes_from_the_button_to_closed_with_both_clocks(app: TestApp) {
    let w = World::build(&app).await;
    alarm_unit(&app, &w, w.client_a1, "A100", None).await;
    let rx = alarm_receiver(&app).await;
    let addr: SocketAddr = rx.addr;
    let now = app.services.now();
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let press = frame(
        IdToken::SiaDcs,
        "A100",
        17,
        &sia_dcs_data(Some("A100"), "ri1/MA001"),
        Some(now),
    );
    let ack = exchange(&mut conn, &press).await;
    assert_eq!(ack.header.id, IdToken::Ack);
    assert_eq!((ack.header.seq, ack.header.account.as_str()), (17, "A100"));
    assert_eq!(messages(&app, "A100", 17).await, 1, "stored before the ACK");
    // The device did not get the ACK and sends the same again: ACKed, stored once.
    let again = exchange(&mut conn, &press).await;
    assert_eq!(again.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "A100", 17).await, 1);
    // A heartbeat is answered and stores nothing.
    let hb = exchange(&mut conn, &frame(IdToken::Null, "A100", 18, b"", Some(now))).await;
    assert_eq!(hb.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "A100", 18).await, 0);
    // A clock 5 minutes behind: NAK with our clock, nothing stored.
    let stale = exchange(
        &mut conn,
        &frame(
            IdToken::SiaDcs,
            "A100",
            19,
            &sia_dcs_data(None, "MA001"),
            Some(now - SignedDuration::from_mins(5)),
        ),
    )
    .await;
    assert_eq!(stale.header.id, IdToken::Nak);
    let Payload::Clear(b) = stale.payload else {
        panic!("a NAK is clear")
    };
    assert_eq!(b.timestamp, Some(now));
    assert_eq!(messages(&app, "A100", 19).await, 0);
    // An account nobody provisioned: NAK and an unknown-device alarm.
    let unknown = exchange(
        &mut conn,
        &frame(
            IdToken::SiaDcs,
            "BEEF",
            1,
            &sia_dcs_data(None, "MA001"),
            Some(now),
        ),
    )
    .await;
    assert_eq!(unknown.header.id, IdToken::Nak);

    let op = w.p("c_operator").bearer();
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    let items = queue.as_array().unwrap();
    assert_eq!(items.len(), 2, "{queue}");
    // A person first, then the unknown device.
    assert_eq!(items[0]["kind"], "personal");
    assert_eq!(items[0]["client_name"], "Alma Ettan");
    assert_eq!(items[1]["kind"], "unknown_device");
    assert_eq!(items[1]["account"], "BEEF");
    assert_eq!(items[1]["occurrences"], 1);
    // The same unknown account again: counted on the open alarm, not a second one.
    app.services
        .unknown_device("BEEF", now + SignedDuration::from_mins(2), "tcp")
        .await
        .unwrap();
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    let items = queue.as_array().unwrap();
    assert_eq!(items.len(), 2, "{queue}");
    assert_eq!(items[1]["occurrences"], 2);
    let id = items[0]["id"].as_str().unwrap().to_owned();
    let step = |who: Auth, body: Value| {
        let app = &app;
        let id = id.clone();
        async move {
            app.json(
                Method::POST,
                &format!("/api/v1/alarms/{id}/steps"),
                &who,
                body,
            )
            .await
        }
    };
    // Staff cannot take an alarm; the operator can, once.
    let staff = w.p("a_staff").bearer();
    assert_eq!(
        step(staff.clone(), json!({"step": "take"})).await.status,
        403
    );
    app.clock.advance(SignedDuration::from_secs(20));
    assert!(
        step(op.clone(), json!({"step": "take"}))
            .await
            .status
            .is_success()
    );
    assert_eq!(step(op.clone(), json!({"step": "take"})).await.status, 409);
    // The card: contacts, key access, the chain (daytime: home care first).
    let view = read(&app, &op, format!("/api/v1/alarms/{id}")).await;
    assert_eq!(view["alarm"]["state"], "taken");
    assert_eq!(view["chain"][0], "home_care");
    app.clock.advance(SignedDuration::from_secs(100));
    assert!(
        step(
            op.clone(),
            json!({"step": "contact", "note": "Fallen in the hall, cannot get up"})
        )
        .await
        .status
        .is_success()
    );
    let bad = step(op.clone(), json!({"step": "dispatch", "link": "the moon"})).await;
    assert_eq!(bad.status, 422);
    assert!(
        step(op.clone(), json!({"step": "dispatch", "link": "home_care"}))
            .await
            .status
            .is_success()
    );
    // The home-care group sees it; the night patrol does not (not its link).
    let mine = read(&app, &staff, "/api/v1/responder/alarms".into()).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    let patrol = w.p("a_patrol").bearer();
    let theirs = read(&app, &patrol, "/api/v1/responder/alarms".into()).await;
    assert_eq!(theirs.as_array().unwrap().len(), 0, "{theirs}");
    // Arriving before acknowledging is refused.
    assert_eq!(
        step(staff.clone(), json!({"step": "arrive"})).await.status,
        409
    );
    for s in ["acknowledge", "on_the_way"] {
        app.clock.advance(SignedDuration::from_secs(60));
        let r = step(staff.clone(), json!({"step": s})).await;
        assert!(r.status.is_success(), "{s}: {}", r.body);
    }
    app.clock.advance(SignedDuration::from_mins(25));
    assert!(
        step(staff.clone(), json!({"step": "arrive"}))
            .await
            .status
            .is_success()
    );
    let closing = step(staff.clone(), json!({"step": "close", "cause": "other"})).await;
    assert_eq!(closing.status, 422, "other needs a note");
    let closed = step(
        staff.clone(),
        json!({"step": "close", "cause": "fall", "note": "Helped up, no injury"}),
    )
    .await;
    assert!(closed.status.is_success(), "{}", closed.body);
    let c = closed.json();
    assert_eq!(c["state"], "closed");
    assert_eq!(c["to_contact_seconds"], 120);
    assert_eq!(c["contact_met"], true);
    assert_eq!(c["to_arrival_seconds"], 120 + 120 + 25 * 60);
    assert_eq!(c["arrival_met"], true, "town: 45 minutes");
    // Closed alarms leave the queue; the log has every step.
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    assert_eq!(queue.as_array().unwrap().len(), 1);
    let view = read(&app, &op, format!("/api/v1/alarms/{id}")).await;
    let steps: Vec<&str> = view["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "take",
            "contact",
            "dispatch",
            "acknowledge",
            "on_the_way",
            "arrive",
            "close"
        ]
    );
    // Every step is in the audit log.
    let mut tx = app.store.begin_read().await.unwrap();
    let n = tx
        .search_audit(&vaka_store::AuditQuery {
            action: Some(vaka_domain::audit::AuditAction::AlarmStepTaken),
            limit: 100,
            ..vaka_store::AuditQuery::default()
        })
        .await
        .unwrap()
        .len();
    assert!(n >= 7, "{n} alarm steps audited");
    drop(tx);
    rx.stop(&app.services).await;
}

async fn nobody_takes_it_and_it_escalates_and_a_silent_device_raises_a_technical_alarm(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let device = alarm_unit(&app, &w, w.client_a1, "A200", Some(AES128)).await;
    let rx = alarm_receiver(&app).await;
    let started = app.services.now();
    // Silent until interval + grace: nothing; past it: one technical alarm.
    let interval = app.services.config.alarms.default_heartbeat;
    app.clock.advance(interval);
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.heartbeat_alarms, 0);
    app.clock.advance(SignedDuration::from_secs(31));
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.heartbeat_alarms, 1);
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.heartbeat_alarms, 0, "one alarm, not one a pass");
    let op = w.p("c_operator").bearer();
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    assert_eq!(queue[0]["category"], "heartbeat_missed");
    assert_eq!(queue[0]["kind"], "technical");
    // Heard from again: restored.
    app.clock.advance(SignedDuration::from_secs(5));
    rx.seen.record(device, app.services.now());
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.restored, 1);
    // Not taken within 60 s: escalated once.
    app.clock.advance(SignedDuration::from_secs(61));
    assert_eq!(app.services.escalate_alarms().await.unwrap(), 1);
    assert_eq!(app.services.escalate_alarms().await.unwrap(), 0);
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    assert_eq!(queue[0]["escalated_not_taken"], true);
    assert!(queue[0]["restored_at"].is_string());
    // Taken and dispatched, but nobody acknowledges within 5 minutes: escalated once, to the
    // next link of the chain.
    let id = queue[0]["id"].as_str().unwrap().to_owned();
    for body in [
        json!({"step": "take"}),
        json!({"step": "dispatch", "link": "home_care"}),
    ] {
        ok(
            &app,
            &op,
            Method::POST,
            format!("/api/v1/alarms/{id}/steps"),
            body,
        )
        .await;
    }
    app.clock.advance(SignedDuration::from_secs(299));
    assert_eq!(app.services.escalate_alarms().await.unwrap(), 0);
    app.clock.advance(SignedDuration::from_secs(1));
    assert_eq!(app.services.escalate_alarms().await.unwrap(), 1);
    assert_eq!(app.services.escalate_alarms().await.unwrap(), 0);
    let view = read(&app, &op, format!("/api/v1/alarms/{id}")).await;
    assert_eq!(view["alarm"]["escalated_not_acknowledged"], true, "{view}");
    assert_eq!(view["alarm"]["chain_link"], "night_patrol", "{view}");
    rx.stop(&app.services).await;
}

/// Runs a PyPI peer scenario against the receiver; returns its JSON report.
fn peer(addr: SocketAddr, args: &[&str]) -> Value {
    let python = std::env::var("VAKA_PEERS_PYTHON").expect(
        "VAKA_PEERS_PYTHON must point at a Python with the DC-09 peers \
         (scripts/test makes .venv and sets it)",
    );
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../vaka-alarm-receiver/peers/dialler.py"
    );
    let out = std::process::Command::new(python)
        .arg(script)
        .args([
            "--host",
            &addr.ip().to_string(),
            "--port",
            &addr.port().to_string(),
        ])
        .args(args)
        .arg("--json")
        .output()
        .expect("the dialler runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

/// A run of a third-party dialler: account, AES key, scenario, frames, first sequence number,
/// further options.
type Dial<'a> = (
    &'a str,
    Option<&'a str>,
    &'a str,
    &'a str,
    &'a str,
    &'a [&'a str],
);

async fn third_party_diallers_are_acknowledged_and_stored_exactly_once(app: TestApp) {
    let w = World::build(&app).await;
    alarm_unit(&app, &w, w.client_a1, "1234", None).await;
    alarm_unit(&app, &w, w.client_b1, "5678", Some(AES128)).await;
    let rx = alarm_receiver(&app).await;
    let real = || vaka_domain::clock::SystemClock.now();
    let cases: &[Dial] = &[
        ("1234", None, "per-connection", "6", "1", &[]),
        ("1234", None, "kept-open", "6", "100", &["--resend"]),
        ("1234", None, "pipelined", "6", "200", &[]),
        ("1234", None, "per-connection", "4", "300", &["--udp"]),
        ("5678", Some(AES128), "kept-open", "6", "400", &[]),
        ("5678", Some(AES128), "per-connection", "4", "500", &[]),
        ("5678", Some(AES128), "null", "3", "600", &[]),
        ("1234", None, "null", "3", "700", &[]),
    ];
    for &(account, key, scenario, count, seq_start, extra) in cases {
        let mut args = vec!["--account", account, "--scenario", scenario];
        args.extend(["--count", count, "--seq-start", seq_start]);
        if let Some(key) = key {
            args.extend(["--key-hex", key]);
        }
        args.extend(extra);
        // The peers stamp frames with the real clock; the receiver's clock follows it.
        app.clock.set(real());
        let report = peer_blocking(rx.addr, &args).await;
        let sent = report["sent"].as_array().unwrap();
        assert!(!sent.is_empty(), "{args:?}: {report}");
        for s in sent {
            assert_eq!(s["answer_kind"], "ACK", "{args:?}: {s}");
            assert_eq!(s["siadc09_ok"], true, "siadc09 decodes our answer: {s}");
            let seq = u16::try_from(s["seq"].as_u64().unwrap()).unwrap();
            if s["token"] == "NULL" {
                assert_eq!(messages(&app, account, seq).await, 0);
            } else {
                assert_eq!(messages(&app, account, seq).await, 1, "{args:?} seq {seq}");
            }
        }
    }
    // A dialler whose clock is off by 5 minutes gets a NAK carrying ours.
    app.clock.set(real());
    let report = peer_blocking(rx.addr, &["--account", "1234", "--scenario", "skew"]).await;
    for s in report["sent"].as_array().unwrap() {
        assert_eq!(s["answer_kind"], "NAK", "{s}");
        assert_eq!(s["siadc09_ok"], true, "{s}");
    }
    rx.stop(&app.services).await;
}

pub(crate) async fn peer_blocking(addr: SocketAddr, args: &[&str]) -> Value {
    let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        peer(addr, &refs)
    })
    .await
    .unwrap()
}

/// The bytes of a frame as the dialler's report writes them (`\\n`, `\\r`; an encrypted frame
/// has nothing else to escape).
fn unescape(text: &str) -> Vec<u8> {
    assert!(!text.contains("\\x"), "{text}");
    text.replace("\\n", "\n").replace("\\r", "\r").into_bytes()
}

/// An encrypted SIA-DCS frame for `account` whose plaintext is a pad and `rest`: a frame the
/// PyPI encoders cannot make (they always stamp encrypted frames).
fn encrypted_frame(account: &str, seq: u16, rest: &[u8]) -> Vec<u8> {
    let key = vaka_sia_dc09::Key::parse(AES128, vaka_sia_dc09::KeyStyle::Hex).unwrap();
    let cipher = vaka_sia_dc09::crypto::encrypt_with_pad(&key, rest, &mut |b| b.fill(7));
    let hex = cipher.iter().fold(String::new(), |mut s, b| {
        use std::fmt::Write as _;
        let _ = write!(s, "{b:02X}");
        s
    });
    let inner = format!("\"*SIA-DCS\"{seq:04}L0#{account}[{hex}");
    format!(
        "\n{:04X}{:04X}{inner}\r",
        vaka_sia_dc09::crc16(inner.as_bytes()),
        inner.len()
    )
    .into_bytes()
}

/// The answer's timestamp (a NAK carries the receiver's clock).
fn answer_time(answer: &vaka_sia_dc09::Frame) -> Option<Timestamp> {
    match &answer.payload {
        Payload::Clear(b) => b.timestamp,
        Payload::Encrypted(_) => None,
    }
}

/// Encryption is the rule: the PyPI diallers' frames for an account with neither a key nor a
/// clear marking are refused, those for an account marked clear are taken (without a
/// timestamp too); an encrypted account refuses a clear frame, an encrypted frame without a
/// timestamp, and a recorded frame replayed outside the time window — while a retransmission
/// inside it is acknowledged and stored once. Each refusal is a NAK with the receiver's clock
/// and an audit entry naming the device, the reason and the sender.
async fn encryption_is_required_unless_an_account_is_marked_clear(app: TestApp) {
    let w = World::build(&app).await;
    alarm_unit(&app, &w, w.client_a1, "C100", None).await;
    let encrypted = alarm_unit(&app, &w, w.client_b1, "E200", Some(AES128)).await;
    let unset = alarm_unit(&app, &w, w.client_b1, "D300", None).await;
    // An account with neither key nor marking (as a row from before the marking with a key
    // but no style is left): the API no longer makes one, so the store is written directly.
    {
        let mut tx = app.store.begin().await.unwrap();
        let mut d = tx.get_device(unset).await.unwrap().unwrap();
        d.dc09_clear = false;
        tx.update_device(&d).await.unwrap();
        tx.commit(&[]).await.unwrap();
    }
    let rx = alarm_receiver(&app).await;
    let real = || vaka_domain::clock::SystemClock.now();
    app.clock.set(real());
    let dial = async |args: &[&str]| {
        let report = peer_blocking(rx.addr, args).await;
        let sent = report["sent"].as_array().unwrap().clone();
        assert!(!sent.is_empty(), "{args:?}: {report}");
        sent
    };
    // The unmarked account: every frame refused, nothing stored.
    for extra in [&[][..], &["--no-timestamp"][..], &["--udp"][..]] {
        let mut args = vec!["--account", "D300", "--scenario", "per-connection"];
        args.extend(["--count", "2", "--seq-start", "1"]);
        args.extend(extra);
        for s in dial(&args).await {
            assert_eq!(s["answer_kind"], "NAK", "{args:?}: {s}");
            assert_eq!(s["siadc09_ok"], true, "{s}");
            let seq = u16::try_from(s["seq"].as_u64().unwrap()).unwrap();
            assert_eq!(messages(&app, "D300", seq).await, 0);
        }
    }
    // The account marked clear: taken, with and without timestamps.
    for (extra, first) in [(&[][..], "10"), (&["--no-timestamp"][..], "20")] {
        let mut args = vec!["--account", "C100", "--scenario", "kept-open"];
        args.extend(["--count", "3", "--seq-start", first]);
        args.extend(extra);
        for s in dial(&args).await {
            assert_eq!(s["answer_kind"], "ACK", "{args:?}: {s}");
            let seq = u16::try_from(s["seq"].as_u64().unwrap()).unwrap();
            assert_eq!(messages(&app, "C100", seq).await, 1);
        }
    }
    // The encrypted account takes the diallers' encrypted frames...
    let sent = dial(&[
        "--account",
        "E200",
        "--key-hex",
        AES128,
        "--scenario",
        "per-connection",
        "--count",
        "2",
        "--seq-start",
        "30",
    ])
    .await;
    for s in &sent {
        assert_eq!(s["answer_kind"], "ACK", "{s}");
    }
    let recorded = unescape(sent[0]["frame"].as_str().unwrap());
    let seq = u16::try_from(sent[0]["seq"].as_u64().unwrap()).unwrap();
    let mut conn = tokio::net::TcpStream::connect(rx.addr).await.unwrap();
    // ... a retransmission of the same bytes at once is acknowledged and stored once ...
    assert_eq!(exchange(&mut conn, &recorded).await.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "E200", seq).await, 1);
    // ... but replayed a minute later, outside the window, it is refused with our clock.
    app.clock.advance(SignedDuration::from_secs(61));
    let nak = exchange(&mut conn, &recorded).await;
    assert_eq!(nak.header.id, IdToken::Nak);
    let ours = answer_time(&nak).expect("the NAK carries our clock");
    assert!(ours.duration_until(app.services.now()).abs() < SignedDuration::from_secs(2));
    assert_eq!(
        messages(&app, "E200", seq).await,
        1,
        "the replay is not stored"
    );
    // An encrypted frame without a timestamp is refused; the same with one is taken.
    let bare = encrypted_frame("E200", 40, b"|#E200|NMA001]");
    assert_eq!(exchange(&mut conn, &bare).await.header.id, IdToken::Nak);
    assert_eq!(messages(&app, "E200", 40).await, 0);
    let stamped = format!(
        "|#E200|NMA001]_{}",
        vaka_sia_dc09::format_timestamp(app.services.now())
    );
    let ok = encrypted_frame("E200", 41, stamped.as_bytes());
    assert_eq!(exchange(&mut conn, &ok).await.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "E200", 41).await, 1);
    // A clear frame for the encrypted account is refused.
    let now = app.services.now();
    let clear = frame(
        IdToken::SiaDcs,
        "E200",
        42,
        &sia_dcs_data(Some("E200"), "ri1/MA001"),
        Some(now),
    );
    assert_eq!(exchange(&mut conn, &clear).await.header.id, IdToken::Nak);
    assert_eq!(messages(&app, "E200", 42).await, 0);
    drop(conn);
    rx.stop(&app.services).await;

    // Each refusal is audited once (an account and reason at most once a minute), with why.
    let mut tx = app.store.begin_read().await.unwrap();
    let entries = tx
        .search_audit(&vaka_store::AuditQuery {
            action: Some(vaka_domain::audit::AuditAction::AlarmMessageRefused),
            limit: 100,
            ..vaka_store::AuditQuery::default()
        })
        .await
        .unwrap();
    let mut got: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            assert_eq!(e.new.outcome, vaka_domain::audit::Outcome::Denied);
            assert_eq!(e.new.source_ip.as_deref(), Some("127.0.0.1"));
            assert_eq!(e.new.subject_kind.as_deref(), Some("device"));
            let d: Value = serde_json::from_str(e.new.details.as_deref().unwrap()).unwrap();
            (
                e.new.subject_id.clone().unwrap(),
                d["account"].as_str().unwrap().to_owned(),
                d["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let mut want = vec![
        (unset.to_string(), "D300".into(), "unsecured_account".into()),
        (encrypted.to_string(), "E200".into(), "window".into()),
        (
            encrypted.to_string(),
            "E200".into(),
            "missing_timestamp".into(),
        ),
        (
            encrypted.to_string(),
            "E200".into(),
            "clear_for_encrypted_account".into(),
        ),
    ];
    want.sort();
    assert_eq!(got, want);
    drop(tx);
    // The alarm centre sees them on the chain-health page, with the reason in words, and the
    // clear account marked.
    let (operator, _) = crate::console::session(&app, &w, "c_operator").await;
    let health = app.get("/alarms/health", &operator).await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    let refused = health
        .body
        .split("Avvisade larmmeddelanden")
        .nth(1)
        .expect("the refusals are listed");
    for words in [
        "kontot har ingen nyckel och är inte markerat okrypterat",
        "krypterat meddelande utan tidsstämpel",
        "okrypterat meddelande för ett konto med nyckel",
        "tidsstämpel utanför tidsfönstret",
        "127.0.0.1",
    ] {
        assert!(refused.contains(words), "{words}: {refused}");
    }
    let clear_row = health
        .body
        .split("data-account=\"C100\"")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .expect("the clear account is listed");
    assert!(clear_row.contains("okrypterat"), "{clear_row}");
}

/// A restore marks the open alarm of its condition on that device: a technical one (through the
/// device index) and a personal one (among the newest open alarms); another device's alarm of
/// the same condition, and a condition nothing restored, stay as they were.
async fn a_restore_marks_the_open_alarm_of_its_condition(app: TestApp) {
    let w = World::build(&app).await;
    alarm_unit(&app, &w, w.client_a1, "A300", None).await;
    alarm_unit(&app, &w, w.client_a1, "A301", None).await;
    let rx = alarm_receiver(&app).await;
    let now = app.services.now();
    let mut conn = tokio::net::TcpStream::connect(rx.addr).await.unwrap();
    let mut seq = 0;
    let mut send = async |account: &str, event: &str| {
        seq += 1;
        let f = frame(
            IdToken::SiaDcs,
            account,
            seq,
            &sia_dcs_data(Some(account), event),
            Some(now),
        );
        assert_eq!(exchange(&mut conn, &f).await.header.id, IdToken::Ack);
    };
    // Mains failure and a personal alarm on both units; low battery on the first.
    for account in ["A300", "A301"] {
        send(account, "AT001").await;
        send(account, "MA001").await;
    }
    send("A300", "YT001").await;
    // The first unit reports mains back and the button reset.
    send("A300", "AR001").await;
    send("A300", "MH001").await;
    let op = w.p("c_operator").bearer();
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    let mut seen: Vec<(String, String, bool)> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["account"].as_str().unwrap().to_owned(),
                a["category"].as_str().unwrap().to_owned(),
                a["restored_at"].is_string(),
            )
        })
        .collect();
    seen.sort();
    let expect = |a: &str, c: &str, r: bool| (a.to_owned(), c.to_owned(), r);
    assert_eq!(
        seen,
        vec![
            expect("A300", "low_battery", false),
            expect("A300", "mains_failure", true),
            expect("A300", "personal_alarm", true),
            expect("A301", "mains_failure", false),
            expect("A301", "personal_alarm", false),
        ]
    );
    rx.stop(&app.services).await;
}

/// Two nodes on one database (issue 19): a device whose ACK from node A was lost sends the same
/// message to its backup receiver on node B, whose memory never saw it. B finds the message's
/// key in the database, ACKs the resend as a duplicate, and the event is stored once. Both
/// receivers start before the first message, so B's memory (loaded at its start) cannot know
/// it; they share the test's services, as two nodes share the database, each with its own
/// group commit and memory.
async fn a_resend_to_another_node_is_acknowledged_and_stored_once(app: TestApp) {
    let w = World::build(&app).await;
    alarm_unit(&app, &w, w.client_a1, "A400", None).await;
    let node_a = alarm_receiver(&app).await;
    let node_b = alarm_receiver(&app).await;
    let now = app.services.now();
    let press = |seq| {
        frame(
            IdToken::SiaDcs,
            "A400",
            seq,
            &sia_dcs_data(Some("A400"), "ri1/MA001"),
            Some(now),
        )
    };
    let mut to_a = tokio::net::TcpStream::connect(node_a.addr).await.unwrap();
    let mut to_b = tokio::net::TcpStream::connect(node_b.addr).await.unwrap();
    let ack = exchange(&mut to_a, &press(21)).await;
    assert_eq!(ack.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "A400", 21).await, 1, "stored before the ACK");
    // The same message (sequence and data) to the other node: ACKed, not stored again.
    let again = exchange(&mut to_b, &press(21)).await;
    assert_eq!(again.header.id, IdToken::Ack);
    assert_eq!(
        (again.header.seq, again.header.account.as_str()),
        (21, "A400")
    );
    assert_eq!(
        messages(&app, "A400", 21).await,
        1,
        "stored once over both nodes"
    );
    // Once more to B: now from its memory.
    let third = exchange(&mut to_b, &press(21)).await;
    assert_eq!(third.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "A400", 21).await, 1);
    // The next event to both nodes at once: both ACKed, whichever commits first, stored once.
    let next = press(22);
    let (from_a, from_b) = tokio::join!(exchange(&mut to_a, &next), exchange(&mut to_b, &next));
    assert_eq!(
        (from_a.header.id, from_b.header.id),
        (IdToken::Ack, IdToken::Ack)
    );
    assert_eq!(
        messages(&app, "A400", 22).await,
        1,
        "stored once over both nodes"
    );
    // One alarm an event (besides the commissioning's test alarm, raised without a message).
    let mut tx = app.store.begin_read().await.unwrap();
    let alarms = tx
        .list_alarms_between(
            now - SignedDuration::from_hours(1),
            now + SignedDuration::from_hours(1),
        )
        .await
        .unwrap();
    drop(tx);
    let ours = alarms
        .iter()
        .filter(|a| a.account.as_deref() == Some("A400") && a.message_id.is_some())
        .count();
    assert_eq!(ours, 2, "{alarms:?}");
    assert_eq!(app.services.forget_alarm_message_keys().await.unwrap(), 0);
    // Past the window the same sequence and data is a new message (a sequence number come
    // round again): its stale key is taken over, and it is stored.
    app.clock.advance(SignedDuration::from_mins(11));
    let reused = frame(
        IdToken::SiaDcs,
        "A400",
        21,
        &sia_dcs_data(Some("A400"), "ri1/MA001"),
        Some(app.services.now()),
    );
    let ack = exchange(&mut to_b, &reused).await;
    assert_eq!(ack.header.id, IdToken::Ack);
    assert_eq!(messages(&app, "A400", 21).await, 2);
    // The alarm job deletes the keys past their window: 22's, not 21's taken over.
    assert_eq!(app.services.forget_alarm_message_keys().await.unwrap(), 1);
    node_a.stop(&app.services).await;
    node_b.stop(&app.services).await;
}

db_tests!(
    a_resend_to_another_node_is_acknowledged_and_stored_once,
    a_restore_marks_the_open_alarm_of_its_condition,
    encryption_is_required_unless_an_account_is_marked_clear,
    an_alarm_goes_from_the_button_to_closed_with_both_clocks,
    nobody_takes_it_and_it_escalates_and_a_silent_device_raises_a_technical_alarm,
    third_party_diallers_are_acknowledged_and_stored_exactly_once,
    technical_checks_are_signed_or_missed_and_the_chain_is_watched,
);

/// The weekend routine: each provider's technical contact sees only their own devices' technical
/// alarms and signs the check of the open slot (once); a slot nobody signed is recorded as missed
/// once and shows on the municipality's chain-health view, which also warns while no device
/// sends anything; the statistics count the technical alarms per unit.
async fn technical_checks_are_signed_or_missed_and_the_chain_is_watched(app: TestApp) {
    let w = World::build(&app).await;
    let dev_a = alarm_unit(&app, &w, w.client_a1, "A300", None).await;
    alarm_unit(&app, &w, w.client_b1, "B300", None).await;
    // Saturday 5 December 2026, 08:30 in Stockholm: the 08:00 check is open until 10:00.
    app.clock.set("2026-12-05T07:30:00Z".parse().unwrap());
    let rx = alarm_receiver(&app).await;
    let started = app.services.now();
    app.clock
        .advance(app.services.config.alarms.default_heartbeat + SignedDuration::from_secs(31));
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.heartbeat_alarms, 2);

    let (a_mgr, _) = crate::console::session(&app, &w, "a_unitmgr").await;
    let (b_admin, _) = crate::console::session(&app, &w, "b_admin").await;
    let page = app.get("/alarms/technical", &a_mgr).await;
    page.assert_says(StatusCode::OK, "data-account=\"A300\"");
    assert!(!page.body.contains("B300"), "another provider's device");
    page.assert_has("Kontroll att signera");
    let page = app.get("/alarms/technical", &b_admin).await;
    assert!(page.body.contains("data-account=\"B300\"") && !page.body.contains("A300"));

    // A signs its check; a second signature of the same slot is refused; B cannot sign A's.
    let sign_a = format!("/alarms/technical/{}/sign", w.a);
    let res = app
        .form(&sign_a, &a_mgr, &[("note", "Batteri beställt")])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app.form(&sign_a, &a_mgr, &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    let res = app.form(&sign_a, &b_admin, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let page = app.get("/alarms/technical", &a_mgr).await;
    page.assert_has("Kontrollen är signerad");
    page.assert_has("Batteri beställt");

    // The window closes at 10:00: B's check is missed, once; A's is not.
    assert_eq!(app.services.record_missed_checks().await.unwrap(), 0);
    app.clock.set("2026-12-05T09:00:00Z".parse().unwrap());
    assert_eq!(app.services.record_missed_checks().await.unwrap(), 1);
    assert_eq!(app.services.record_missed_checks().await.unwrap(), 0);
    // (Sessions idle out; a fresh one for each reader from here.)
    let (m_manager, _) = crate::console::session(&app, &w, "m_manager").await;
    let (a_mgr, _) = crate::console::session(&app, &w, "a_unitmgr").await;
    let health = app.get("/alarms/health", &m_manager).await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    let missed = health
        .body
        .split("Missade tekniska kontroller")
        .nth(1)
        .expect("the missed checks are listed");
    assert!(missed.contains("2026-12-05 08:00"), "{missed}");
    // Nothing heard from any device: the traffic warning is up; a message takes it down.
    health.assert_has("data-traffic-stopped");
    rx.seen.record(dev_a, app.services.now());
    app.services.flush_seen(&rx.seen).await.unwrap();
    let health = app.get("/alarms/health", &m_manager).await;
    assert!(!health.body.contains("data-traffic-stopped"));
    health.assert_has("Larmtrafiken flödar");
    // Staff outside the chain's oversight do not see it.
    let (staff, _) = crate::console::session(&app, &w, "a_staff").await;
    assert_eq!(
        app.get("/alarms/health", &staff).await.status,
        StatusCode::FORBIDDEN
    );

    // Statistics: one technical alarm per unit, both open; no alarms where people are in danger.
    let stats = app
        .get("/alarms/statistics?from=2026-12&to=2026-12", &m_manager)
        .await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    let rows = stats
        .body
        .matches(
            r#"data-month="2026-12" data-people="0" data-technical="1" data-technical-open="1""#,
        )
        .count();
    assert_eq!(rows, 2, "{}", stats.body);
    // A unit manager sees only their unit.
    let stats = app
        .get("/alarms/statistics?from=2026-12&to=2026-12", &a_mgr)
        .await;
    assert_eq!(stats.body.matches("data-technical=\"1\"").count(), 1);
    rx.stop(&app.services).await;
}
