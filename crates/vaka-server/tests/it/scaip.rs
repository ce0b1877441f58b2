//! SCAIP safety alarms end to end, driven by Debian's `sipsak` (a third-party SIP client: it
//! sends our SIP MESSAGE files with an `application/scaip+xml` body, handles the digest
//! challenge, and retransmits over UDP): a fall alarm is answered `200 OK` once stored, stored
//! once however often it is sent, and shows in the alarm console with its status code in words
//! and the channel to call back on; the call-back is logged. Our own device socket checks the
//! `<mrs>` MESSAGE that comes back and a retransmission of the same transaction. Unknown units,
//! digest failures and bad bodies are refused with nothing stored; a unit whose heartbeats stop
//! raises the shared technical alarm.

use std::net::SocketAddr;

use axum::http::Method;
use jiff::SignedDuration;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vaka_domain::ids::{ClientId, DeviceId};
use vaka_server::serve::{AlarmJobs, AlarmListen, AlarmReceiver, ScaipListen, ScaipTls};

use crate::db_tests;
use crate::support::{TestApp, commission, logged_in, ok, read};
use crate::world::World;

/// Registers an alarm unit with a SCAIP controller id (and digest password) and takes it to
/// active at `client`.
async fn scaip_unit(
    app: &TestApp,
    w: &World,
    client: ClientId,
    cid: &str,
    password: Option<&str>,
) -> DeviceId {
    let admin = w.p("m_admin").bearer();
    let mut body = json!({"kind": "alarm_unit", "serial": format!("SC-{cid}"),
                          "model": "Careium 4G", "scaip_cid": cid});
    if let Some(p) = password {
        body["scaip_password"] = json!(p);
    }
    let v = ok(app, &admin, Method::POST, "/api/v1/devices".into(), body).await;
    assert_eq!(v["device"]["scaip_cid"], cid);
    assert_eq!(v["device"]["scaip_digest"], password.is_some());
    let device: DeviceId = v["device"]["id"].as_str().unwrap().parse().unwrap();
    commission(app, &admin, device, client).await;
    device
}

/// The SCAIP receiver alone on a free port, with no jobs (the tests drive the clock).
async fn receiver(app: &TestApp) -> AlarmReceiver {
    vaka_server::serve::start_alarm_receivers(
        AlarmListen {
            sia: None,
            scaip: Some(ScaipListen::on("127.0.0.1:0")),
        },
        app.services.clone(),
        AlarmJobs::None,
    )
    .await
    .unwrap()
}

/// A SIP MESSAGE from the unit `cid` as sipsak sends it from a file (it adds its own `Via`),
/// with `body` as `content_type`. `call` makes the Call-ID.
fn message_file(cid: &str, call: &str, content_type: &str, body: &str) -> String {
    format!(
        "MESSAGE sip:vaka@127.0.0.1 SIP/2.0\nFrom: <sip:{cid}@127.0.0.1>;tag={call}\n\
         To: <sip:vaka@127.0.0.1>\nCall-ID: {call}@127.0.0.1\nCSeq: 1 MESSAGE\n\
         Content-Type: {content_type}\nContent-Length: {}\n\n{body}",
        body.len()
    )
}

fn mrq(reference: &str, cid: &str, dty: &str, mty: &str, stc: &str, crd: &str) -> String {
    format!(
        "<mrq><ref>{reference}</ref><cid>{cid}</cid><dty>{dty}</dty><mty>{mty}</mty>\
         <stc>{stc}</stc><crd>{crd}</crd><cha>0</cha></mrq>"
    )
}

/// Runs `sipsak -f FILE` against the receiver over `transport` (`udp`, `tcp`), with digest
/// credentials when given (without, sipsak answers a challenge with the user name as the
/// password); returns what it printed (`-vvv`: every request and reply).
async fn sipsak(
    addr: SocketAddr,
    transport: &str,
    file_text: &str,
    auth: Option<(&str, &str)>,
) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("message.sip");
    std::fs::write(&file, file_text).unwrap();
    let mut cmd = tokio::process::Command::new("sipsak");
    cmd.arg("-vvv")
        .arg("-f")
        .arg(&file)
        .arg("-s")
        .arg(format!("sip:vaka@127.0.0.1:{}", addr.port()))
        .arg("--transport")
        .arg(transport);
    if let Some((user, password)) = auth {
        cmd.args(["-u", user, "-a", password]);
    }
    let out = tokio::time::timeout(std::time::Duration::from_secs(30), cmd.output())
        .await
        .expect("sipsak ends in time")
        .expect("sipsak runs (apt-get install sipsak; scripts/test installs it)");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The final status sipsak received (the last `SIP/2.0 NNN` it printed).
fn final_status(output: &str) -> u16 {
    output
        .lines()
        .filter_map(|l| l.trim().strip_prefix("SIP/2.0 "))
        .filter_map(|l| l.get(..3)?.parse().ok())
        .next_back()
        .unwrap_or_else(|| panic!("no SIP answer in sipsak's output:\n{output}"))
}

/// Sends a fall alarm from unit `cid` (with its digest password) with sipsak over UDP;
/// returns the final status.
pub(crate) async fn sipsak_fall(addr: SocketAddr, cid: &str, password: Option<&str>) -> u16 {
    let file = message_file(
        cid,
        "demofall",
        "application/scaip+xml",
        &mrq("demofall1", cid, "0005", "ME", "0009", "gsm:+46701234567"),
    );
    let out = sipsak(addr, "udp", &file, password.map(|p| (cid, p))).await;
    final_status(&out)
}

async fn messages(app: &TestApp, cid: &str) -> i64 {
    let mut tx = app.store.begin_read().await.unwrap();
    tx.count_messages(
        &vaka_domain::device::scaip_account(cid),
        0,
        app.services.now() - SignedDuration::from_hours(1),
    )
    .await
    .unwrap()
}

async fn a_sipsak_fall_alarm_is_stored_once_and_shown_with_its_status_in_words(app: TestApp) {
    let w = World::build(&app).await;
    scaip_unit(&app, &w, w.client_a1, "26317", None).await;
    let rx = receiver(&app).await;
    let addr = rx.scaip.unwrap();
    let fall = message_file(
        "26317",
        "fall1",
        "application/scaip+xml",
        &mrq(
            "lmepivnF1",
            "26317",
            "0005",
            "ME",
            "0009",
            "gsm:+46701234567",
        ),
    );
    let out = sipsak(addr, "udp", &fall, None).await;
    assert_eq!(final_status(&out), 200, "{out}");
    assert_eq!(messages(&app, "26317").await, 1);
    // The device did not hear us and sends it again (a new transaction, the same ref): 200
    // again, stored once.
    let out = sipsak(addr, "udp", &fall, None).await;
    assert_eq!(final_status(&out), 200, "{out}");
    // Over TCP too, and with the same ref again: still once.
    let out = sipsak(addr, "tcp", &fall, None).await;
    assert_eq!(final_status(&out), 200, "{out}");
    assert_eq!(messages(&app, "26317").await, 1);
    // Another alarm over TCP (a pendant's button: a personal alarm).
    let button = message_file(
        "26317",
        "button1",
        "application/scaip+xml",
        &mrq("btn0002", " 26317", "0004", "ME", "10", "gsm:+46701234567"),
    );
    let out = sipsak(addr, "tcp", &button, None).await;
    assert_eq!(final_status(&out), 200, "{out}");
    assert_eq!(messages(&app, "26317").await, 2);

    let op = w.p("c_operator");
    let queue = read(&app, &op.bearer(), "/api/v1/alarms".into()).await;
    let alarms: Vec<&Value> = queue
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["account"] == "scaip:26317")
        .collect();
    assert_eq!(alarms.len(), 2, "{queue}");
    let fall = alarms.iter().find(|a| a["kind"] == "fall").unwrap();
    assert_eq!(fall["code"], "0009");
    assert_eq!(fall["category"], "fall");
    assert_eq!(fall["caller"], "gsm:+46701234567");
    assert_eq!(fall["client_id"], json!(w.client_a1));
    assert!(
        alarms
            .iter()
            .any(|a| a["kind"] == "personal" && a["code"] == "0010")
    );

    // The console's alarm page words the status code and shows where to call back.
    let id = fall["id"].as_str().unwrap().to_owned();
    let session = logged_in(&app, op.id).await;
    ok(
        &app,
        &op.bearer(),
        Method::POST,
        format!("/api/v1/alarms/{id}/steps"),
        json!({"step": "take"}),
    )
    .await;
    let page = app.get(&format!("/alarms/{id}"), &session).await;
    page.assert_has("automatiskt larm (0009)");
    page.assert_has("gsm:+46701234567");
    page.assert_has("value=\"called_back\"");
    // The call-back decision is logged on the alarm: not reached, then reached (contact).
    for (step, note) in [
        ("call_back_failed", "no answer"),
        ("called_back", "fallen, ok"),
    ] {
        ok(
            &app,
            &op.bearer(),
            Method::POST,
            format!("/api/v1/alarms/{id}/steps"),
            json!({"step": step, "note": note}),
        )
        .await;
    }
    let view = read(&app, &op.bearer(), format!("/api/v1/alarms/{id}")).await;
    let steps: Vec<&str> = view["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["step"].as_str().unwrap())
        .collect();
    assert!(
        steps.ends_with(&["call_back_failed", "called_back"]),
        "{steps:?}"
    );
    assert!(view["alarm"]["contacted_at"].is_string(), "{view}");
    let page = app.get(&format!("/alarms/{id}"), &session).await;
    page.assert_has("Återuppringning: fick inte svar");
    rx.stop(&app.services).await;
}

/// A device of our own over UDP: reads what the receiver sends it.
async fn recv_text(sock: &tokio::net::UdpSocket) -> String {
    let mut buf = vec![0u8; 65_536];
    let (n, _) = tokio::time::timeout(std::time::Duration::from_secs(5), sock.recv_from(&mut buf))
        .await
        .expect("an answer in time")
        .unwrap();
    String::from_utf8(buf[..n].to_vec()).unwrap()
}

fn device_message(cid: &str, via: &str, branch: &str, body: &str) -> String {
    format!(
        "MESSAGE sip:vaka@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/{via};branch={branch}\r\n\
         From: <sip:{cid}@127.0.0.1>;tag=dev\r\nTo: <sip:vaka@127.0.0.1>\r\n\
         Call-ID: {branch}@dev\r\nCSeq: 7 MESSAGE\r\nContent-Type: application/scaip+xml\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The answer to our MESSAGE, as a device sends it.
fn ok_to(message: &str) -> String {
    let mut out = String::from("SIP/2.0 200 OK\r\n");
    for line in message.split("\r\n").skip(1) {
        if line.is_empty() {
            break;
        }
        let name = line.split(':').next().unwrap().to_ascii_lowercase();
        if ["via", "from", "to", "call-id", "cseq"].contains(&name.as_str()) {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Content-Length: 0\r\n\r\n");
    out
}

async fn the_mrs_comes_back_in_a_message_of_our_own_and_retransmissions_are_answered_alike(
    app: TestApp,
) {
    let w = World::build(&app).await;
    scaip_unit(&app, &w, w.client_a1, "8031372", None).await;
    let rx = receiver(&app).await;
    let addr = rx.scaip.unwrap();
    let dev = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let via = format!("UDP {}", dev.local_addr().unwrap());
    let body = mrq("803137200003", "8031372", "0004", "ME", "0010", "gsm:+");
    let request = device_message("8031372", &via, "z9hG4bKdev1", &body);
    dev.send_to(request.as_bytes(), addr).await.unwrap();
    let answer = recv_text(&dev).await;
    assert!(answer.starts_with("SIP/2.0 200 OK\r\n"), "{answer}");
    assert!(answer.contains("CSeq: 7 MESSAGE"), "{answer}");
    let ours = recv_text(&dev).await;
    assert!(
        ours.starts_with("MESSAGE sip:8031372@127.0.0.1 SIP/2.0\r\n"),
        "{ours}"
    );
    assert!(
        ours.contains("Content-Type: application/scaip+xml"),
        "{ours}"
    );
    assert!(
        ours.ends_with("<mrs><ref>803137200003</ref><snu>0</snu></mrs>"),
        "{ours}"
    );
    dev.send_to(ok_to(&ours).as_bytes(), addr).await.unwrap();
    // The same datagram again (the device missed our 200): the same answer, byte for byte,
    // and nothing stored twice.
    dev.send_to(request.as_bytes(), addr).await.unwrap();
    assert_eq!(recv_text(&dev).await, answer);
    assert_eq!(messages(&app, "8031372").await, 1);

    // Over TCP the MESSAGE comes back on the device's connection.
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let via = format!("TCP {}", conn.local_addr().unwrap());
    let body = mrq("803137200004", "8031372", "0004", "ME", "0010", "gsm:+");
    conn.write_all(device_message("8031372", &via, "z9hG4bKdev2", &body).as_bytes())
        .await
        .unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    while !String::from_utf8_lossy(&got).contains("</mrs>") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), conn.read(&mut chunk))
            .await
            .expect("the answers in time")
            .unwrap();
        assert!(n > 0, "the receiver closed the connection");
        got.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8(got).unwrap();
    let ok_at = text.find("SIP/2.0 200 OK").expect("200 first");
    let message_at = text.find("MESSAGE sip:8031372@").expect("then our MESSAGE");
    assert!(ok_at < message_at, "{text}");
    assert!(text.contains("Via: SIP/2.0/TCP"), "{text}");
    assert!(
        text.ends_with("<mrs><ref>803137200004</ref><snu>0</snu></mrs>"),
        "{text}"
    );
    assert_eq!(messages(&app, "8031372").await, 2);
    rx.stop(&app.services).await;
}

async fn unknown_units_digest_failures_and_bad_bodies_are_refused_with_nothing_stored(
    app: TestApp,
) {
    let w = World::build(&app).await;
    let guarded = scaip_unit(&app, &w, w.client_a1, "26318", Some("Correct-Horse-1")).await;
    scaip_unit(&app, &w, w.client_a1, "26319", None).await;
    let rx = receiver(&app).await;
    let addr = rx.scaip.unwrap();
    let fall = |cid: &str, reference: &str| {
        message_file(
            cid,
            reference,
            "application/scaip+xml",
            &mrq(reference, cid, "0005", "ME", "0009", "no-voice:"),
        )
    };
    // An unknown controller id: 404, and the same *unknown device* alarm DC-09 raises.
    let out = sipsak(addr, "udp", &fall("99999", "u1"), None).await;
    assert_eq!(final_status(&out), 404, "{out}");
    assert_eq!(messages(&app, "99999").await, 0);
    let op = w.p("c_operator").bearer();
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    assert!(
        queue
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "unknown_device"
                && a["account"] == "scaip:99999"
                && a["category"] == "unknown_device"),
        "{queue}"
    );

    // Digest: sipsak is challenged (401); without a password it answers with its user name
    // and is refused (403, with a fresh nonce), as with a wrong one; with the right one it
    // passes. The refusal is audited (once a minute a unit and reason).
    let out = sipsak(addr, "udp", &fall("26318", "d1"), None).await;
    assert!(out.contains("SIP/2.0 401 Unauthorized"), "{out}");
    assert!(
        out.contains("WWW-Authenticate: Digest realm=\"vaka\""),
        "{out}"
    );
    assert_eq!(final_status(&out), 403, "{out}");
    assert_eq!(messages(&app, "26318").await, 0);
    let out = sipsak(
        addr,
        "udp",
        &fall("26318", "d2"),
        Some(("26318", "Wrong-Horse-22")),
    )
    .await;
    assert_eq!(final_status(&out), 403, "{out}");
    assert_eq!(messages(&app, "26318").await, 0);
    let out = sipsak(
        addr,
        "udp",
        &fall("26318", "d3"),
        Some(("26318", "Correct-Horse-1")),
    )
    .await;
    assert!(
        out.contains("SIP/2.0 401 Unauthorized"),
        "challenged first: {out}"
    );
    assert_eq!(final_status(&out), 200, "{out}");
    assert_eq!(messages(&app, "26318").await, 1);
    let out = sipsak(
        addr,
        "tcp",
        &fall("26318", "d4"),
        Some(("26318", "Correct-Horse-1")),
    )
    .await;
    assert_eq!(final_status(&out), 200, "{out}");
    assert_eq!(messages(&app, "26318").await, 2);
    {
        let mut tx = app.store.begin_read().await.unwrap();
        let refused = tx
            .search_audit(&vaka_store::AuditQuery {
                action: Some(vaka_domain::audit::AuditAction::AlarmMessageRefused),
                limit: 10,
                ..vaka_store::AuditQuery::default()
            })
            .await
            .unwrap();
        assert_eq!(refused.len(), 1);
        let e = &refused[0].new;
        assert_eq!(e.subject_id.as_deref(), Some(guarded.to_string().as_str()));
        let d: Value = serde_json::from_str(e.details.as_deref().unwrap()).unwrap();
        assert_eq!(d["reason"], "authentication");
        assert_eq!(d["account"], "scaip:26318");
        assert_eq!(d["transport"], "scaip-udp");
    }

    // Bad bodies: refused before anything is stored.
    let bodies = [
        // External entity (XXE) and entity expansion: no DTD is ever read.
        (
            "application/scaip+xml",
            "<?xml version=\"1.0\"?><!DOCTYPE mrq [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><mrq><ref>x1</ref><cid>26319</cid><dty>5</dty><stc>&x;</stc></mrq>".to_owned(),
            400,
        ),
        (
            "application/scaip+xml",
            "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><mrq><ref>x2</ref><cid>26319</cid><dty>5</dty><dte>&lol2;</dte></mrq>".to_owned(),
            400,
        ),
        ("application/scaip+xml", "this is not XML".to_owned(), 400),
        (
            "application/scaip+xml",
            "<mrq><cid>26319</cid><dty>5</dty></mrq>".to_owned(),
            400,
        ),
        ("text/plain", mrq("x3", "26319", "0005", "ME", "0009", "gsm:"), 415),
    ];
    for (i, (content_type, body, status)) in bodies.iter().enumerate() {
        let file = message_file("26319", &format!("bad{i}"), content_type, body);
        let out = sipsak(addr, "udp", &file, None).await;
        assert_eq!(final_status(&out), *status, "body {i}: {out}");
    }
    // Oversized: sipsak sends at most 4 KiB, so a device socket of our own. A body over the
    // XML limit (8 KiB) and one over the SIP limit (16 KiB, the head then read alone): 413.
    let dev = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let via = format!("UDP {}", dev.local_addr().unwrap());
    for (i, fill) in [9_000, 20_000].into_iter().enumerate() {
        let body = format!(
            "<mrq><ref>x{i}</ref><cid>26319</cid><dty>5</dty><dte>{}</dte></mrq>",
            "z".repeat(fill)
        );
        let request = device_message("26319", &via, &format!("z9hG4bKbig{i}"), &body);
        dev.send_to(request.as_bytes(), addr).await.unwrap();
        let answer = recv_text(&dev).await;
        assert!(
            answer.starts_with("SIP/2.0 413 Request Entity Too Large\r\n"),
            "{answer}"
        );
    }
    assert_eq!(messages(&app, "26319").await, 0);
    rx.stop(&app.services).await;
}

async fn a_scaip_heartbeat_that_stops_raises_a_technical_alarm(app: TestApp) {
    let w = World::build(&app).await;
    let device = scaip_unit(&app, &w, w.client_a1, "10149471", None).await;
    let rx = receiver(&app).await;
    let addr = rx.scaip.unwrap();
    let started = app.services.now();
    let ping = message_file(
        "10149471",
        "ping1",
        "application/scaip+xml",
        "<mrq><mty>PI</mty><ref>1998218577</ref><cid>10149471</cid><dty>2</dty></mrq>",
    );
    let out = sipsak(addr, "udp", &ping, None).await;
    assert_eq!(final_status(&out), 200, "{out}");
    assert_eq!(
        messages(&app, "10149471").await,
        0,
        "a heartbeat is no alarm"
    );
    assert_eq!(rx.seen.last(device), Some(app.services.now()));
    // Silent past its interval and the grace: one technical alarm, through the shared monitor.
    app.clock
        .advance(app.services.config.alarms.default_heartbeat + SignedDuration::from_secs(31));
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.heartbeat_alarms, 1);
    let op = w.p("c_operator").bearer();
    let queue = read(&app, &op, "/api/v1/alarms".into()).await;
    let alarm = queue
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["category"] == "heartbeat_missed")
        .expect("a missed heartbeat");
    assert_eq!(alarm["kind"], "technical");
    assert_eq!(alarm["account"], "scaip:10149471");
    // Heard again: restored.
    app.clock.advance(SignedDuration::from_secs(5));
    let ping = ping
        .replace("1998218577", "1998218578")
        .replace("ping1", "ping2");
    let out = sipsak(addr, "tcp", &ping, None).await;
    assert_eq!(final_status(&out), 200, "{out}");
    let r = app
        .services
        .check_heartbeats(&rx.seen, started)
        .await
        .unwrap();
    assert_eq!(r.restored, 1);
    rx.stop(&app.services).await;
}

/// A self-signed certificate for 127.0.0.1 made by the openssl command: (certificate, key) as
/// PEM, and the certificate's file (the CA sipsak checks the receiver against).
fn self_signed(dir: &std::path::Path) -> (Vec<u8>, Vec<u8>, std::path::PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        std::fs::read(&cert).unwrap(),
        std::fs::read(&key).unwrap(),
        cert,
    )
}

async fn a_fall_alarm_over_tls_is_answered_once_stored_and_clear_text_there_is_refused(
    app: TestApp,
) {
    let w = World::build(&app).await;
    scaip_unit(&app, &w, w.client_a1, "26330", None).await;
    let dir = tempfile::tempdir().unwrap();
    let (cert_pem, key_pem, ca) = self_signed(dir.path());
    let rx = vaka_server::serve::start_alarm_receivers(
        AlarmListen {
            sia: None,
            scaip: Some(ScaipListen {
                tls: Some(ScaipTls {
                    addr: "127.0.0.1:0".into(),
                    cert_pem,
                    key_pem,
                }),
                ..ScaipListen::on("127.0.0.1:0")
            }),
        },
        app.services.clone(),
        AlarmJobs::None,
    )
    .await
    .unwrap();
    let tls = rx.scaip_tls.expect("the TLS listener runs");

    // Clear text to the TLS port: no SIP answer, nothing stored.
    let fall = message_file(
        "26330",
        "tls1",
        "application/scaip+xml",
        &mrq(
            "tlsfall1",
            "26330",
            "0005",
            "ME",
            "0009",
            "gsm:+46701234567",
        ),
    );
    let mut plain = tokio::net::TcpStream::connect(tls).await.unwrap();
    plain
        .write_all(fall.replace('\n', "\r\n").as_bytes())
        .await
        .unwrap();
    let mut got = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        plain.read_to_end(&mut got),
    )
    .await
    .expect("the receiver closes a connection that is not TLS");
    assert!(!String::from_utf8_lossy(&got).contains("SIP/2.0"));
    assert_eq!(messages(&app, "26330").await, 0);

    // OpenSSL's client over TLS, checking our certificate for 127.0.0.1 (sipsak's own TLS
    // client cannot: it compares the certificate's name with "host:port", and reads no answer
    // over TLS): 200 OK once stored, then our <mrs> MESSAGE on the same connection.
    let mut client = tokio::process::Command::new("openssl")
        .args([
            "s_client",
            "-quiet",
            "-verify_return_error",
            "-verify_ip",
            "127.0.0.1",
        ])
        .arg("-CAfile")
        .arg(&ca)
        .arg("-connect")
        .arg(tls.to_string())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("openssl runs");
    let mut stdin = client.stdin.take().unwrap();
    // A device's request carries its own Via (sipsak adds one to its files).
    let with_via = fall.replacen(
        "SIP/2.0\n",
        "SIP/2.0\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK-tls1\n",
        1,
    );
    stdin
        .write_all(with_via.replace('\n', "\r\n").as_bytes())
        .await
        .unwrap();
    let mut stdout = client.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        while !String::from_utf8_lossy(&seen).contains("</mrs>") {
            let n = stdout.read(&mut chunk).await.unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&chunk[..n]);
        }
    })
    .await;
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(read.is_ok(), "no answer over TLS in time: {seen}");
    assert!(seen.starts_with("SIP/2.0 200 OK"), "{seen}");
    assert!(seen.contains("MESSAGE sip:26330@"), "{seen}");
    assert!(seen.contains("Via: SIP/2.0/TLS"), "{seen}");
    assert!(seen.contains("<ref>tlsfall1</ref>"), "{seen}");
    drop(stdin);
    let _ = client.kill().await;
    assert_eq!(messages(&app, "26330").await, 1);
    rx.stop(&app.services).await;
}

db_tests!(
    a_sipsak_fall_alarm_is_stored_once_and_shown_with_its_status_in_words,
    a_fall_alarm_over_tls_is_answered_once_stored_and_clear_text_there_is_refused,
    the_mrs_comes_back_in_a_message_of_our_own_and_retransmissions_are_answered_alike,
    unknown_units_digest_failures_and_bad_bodies_are_refused_with_nothing_stored,
    a_scaip_heartbeat_that_stops_raises_a_technical_alarm,
);
