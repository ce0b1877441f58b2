use super::*;
use vaka_domain::clock::ManualClock;
use vaka_scaip::digest::{Challenge, Credentials};
use vaka_scaip::sip::{Limits, Message, parse_datagram};

const FALL: &str = "<mrq><ref>abc123</ref><cid>26317</cid><dty>0005</dty><mty>ME</mty><stc>0009</stc><crd>gsm:+46701234567</crd><did>02</did></mrq>";
const PING: &str = "<mrq><ref>00001A85</ref><cha>0</cha><mty>PI</mty><cid>26317</cid><dty>02</dty><did>00</did><crd>no-voice:</crd><stc>102</stc></mrq>";

fn now() -> Timestamp {
    "2026-12-01T02:00:00Z".parse().unwrap()
}

fn handler(password: Option<&str>) -> (ScaipHandler, DeviceId) {
    let device = DeviceId::new();
    let directory = Arc::new(ScaipDirectory::new());
    directory.replace([(
        "26317".to_owned(),
        ScaipUnit {
            device_id: device,
            password: password.map(str::to_owned),
            client_id: None,
            area: AreaType::Town,
        },
    )]);
    let config = ScaipConfig::default();
    (
        ScaipHandler {
            directory,
            seen: Seen::default(),
            clock: Arc::new(ManualClock::new(now())),
            nonces: Arc::new(Nonces::new(config.nonce_ttl)),
            config: Arc::new(config),
        },
        device,
    )
}

fn request(content_type: &str, body: &str, extra: &str) -> SipRequest {
    let raw = format!(
        "MESSAGE sip:vaka@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bK1\r\n\
         From: <sip:26317@10.0.0.1>;tag=a\r\nTo: <sip:vaka@127.0.0.1>\r\nCall-ID: c1\r\n\
         CSeq: 1 MESSAGE\r\n{extra}Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    match parse_datagram(raw.as_bytes(), &Limits::default()).unwrap() {
        Message::Request(r) => r,
        Message::Response(_) => unreachable!(),
    }
}

fn code(d: &Decision) -> u16 {
    match d {
        Decision::Answer(Some(r)) | Decision::Unknown { answer: r, .. } => r.code,
        Decision::Refused { answer, .. } => answer.code,
        Decision::Store { ok, .. } | Decision::Alive { ok, .. } => ok.code,
        Decision::Answer(None) => 0,
    }
}

#[test]
fn a_fall_alarm_is_stored_with_its_code_zone_and_caller_and_answered_with_mrs() {
    let (h, device) = handler(None);
    let d = h.decide(&request(SCAIP_CONTENT_TYPE, FALL, ""), "scaip-udp");
    let Decision::Store { message, ok, mrs } = d else {
        panic!("stored: {d:?}");
    };
    assert_eq!(ok.code, 200);
    assert_eq!(mrs, "<mrs><ref>abc123</ref><snu>0</snu></mrs>");
    assert_eq!(message.account, "scaip:26317");
    assert_eq!((message.seq, message.token), (0, TOKEN));
    assert_eq!(message.fingerprint, fingerprint("abc123"));
    assert_eq!(message.entry.device_id, device);
    let e = &message.events[0];
    assert_eq!(
        (e.kind, e.category, e.code.as_str()),
        (Some(AlarmKind::Fall), "fall", "0009")
    );
    assert_eq!(e.zone.as_deref(), Some("02"));
    assert_eq!(e.caller.as_deref(), Some("gsm:+46701234567"));
    assert_eq!(h.seen.last(device), Some(now()));
}

#[test]
fn a_heartbeat_marks_the_unit_alive_and_stores_nothing() {
    let (h, device) = handler(None);
    let d = h.decide(&request(SCAIP_CONTENT_TYPE, PING, ""), "scaip-tcp");
    assert!(matches!(d, Decision::Alive { .. }), "{d:?}");
    assert_eq!(h.seen.last(device), Some(now()));
}

#[test]
fn bad_input_is_refused_before_anything_is_stored() {
    let (h, device) = handler(None);
    assert_eq!(
        code(&h.decide(&request("text/plain", FALL, ""), "scaip-udp")),
        415
    );
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE mrq [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><mrq><ref>1</ref><cid>26317</cid><dty>5</dty><stc>&x;</stc></mrq>";
    assert_eq!(
        code(&h.decide(&request(SCAIP_CONTENT_TYPE, xxe, ""), "scaip-udp")),
        400
    );
    assert_eq!(
        code(&h.decide(&request(SCAIP_CONTENT_TYPE, "not xml", ""), "scaip-udp")),
        400
    );
    let big = format!(
        "<mrq><ref>1</ref><cid>26317</cid><dty>5</dty><dte>{}</dte></mrq>",
        "x".repeat(9000)
    );
    assert_eq!(
        code(&h.decide(&request(SCAIP_CONTENT_TYPE, &big, ""), "scaip-udp")),
        413
    );
    assert_eq!(h.seen.last(device), None, "nothing refused counts as alive");
    let unknown = FALL.replace("26317", "99999");
    let d = h.decide(&request(SCAIP_CONTENT_TYPE, &unknown, ""), "scaip-udp");
    assert!(
        matches!(&d, Decision::Unknown { cid, .. } if cid == "99999"),
        "{d:?}"
    );
    assert_eq!(code(&d), 404);
}

#[test]
fn a_unit_with_a_password_is_challenged_and_checked() {
    let (h, device) = handler(Some("correct-horse"));
    let first = h.decide(&request(SCAIP_CONTENT_TYPE, FALL, ""), "scaip-udp");
    let Decision::Answer(Some(r)) = &first else {
        panic!("challenged: {first:?}");
    };
    assert_eq!(r.code, 401);
    let challenge = Challenge::parse(r.headers.get("www-authenticate").unwrap()).unwrap();
    assert_eq!(challenge.realm, "vaka");
    let auth = |user: &str, password: &str, c: &Challenge| {
        let cr = Credentials::respond(c, user, password, "MESSAGE", "sip:vaka@127.0.0.1", "cn", 1);
        format!("Authorization: {}\r\n", cr.to_header_value())
    };
    let good = auth("26317", "correct-horse", &challenge);
    let d = h.decide(&request(SCAIP_CONTENT_TYPE, FALL, &good), "scaip-udp");
    assert!(matches!(d, Decision::Store { .. }), "{d:?}");
    assert_eq!(h.seen.last(device), Some(now()));

    let (h, device) = handler(Some("correct-horse"));
    let bad = auth("26317", "wrong-horse", &challenge);
    // The nonce came from another receiver: not ours, so a fresh one, stale.
    let d = h.decide(&request(SCAIP_CONTENT_TYPE, FALL, &bad), "scaip-udp");
    let Decision::Answer(Some(r)) = &d else {
        panic!("challenged again: {d:?}");
    };
    assert_eq!(r.code, 401);
    let fresh = Challenge::parse(r.headers.get("www-authenticate").unwrap()).unwrap();
    assert!(fresh.stale);
    let bad = auth("26317", "wrong-horse", &fresh);
    let d = h.decide(&request(SCAIP_CONTENT_TYPE, FALL, &bad), "scaip-udp");
    assert!(
        matches!(&d, Decision::Refused { reason: Refusal::Authentication, device: dev, .. } if *dev == device),
        "{d:?}"
    );
    assert_eq!(code(&d), 403);
    let other_user = auth("11111", "correct-horse", &fresh);
    assert_eq!(
        code(&h.decide(&request(SCAIP_CONTENT_TYPE, FALL, &other_user), "scaip-udp")),
        403
    );
    assert_eq!(h.seen.last(device), None);
}

#[test]
fn the_table_maps_status_codes_to_alarm_kinds_and_categories() {
    let map = EventMap::default();
    let mapped = |body: &str| map_request(&Request::parse(body.as_bytes()).unwrap(), &map);
    let one = |dty: &str, stc: &str| {
        let m = mapped(&format!(
            "<mrq><ref>1</ref><cid>1</cid><dty>{dty}</dty><stc>{stc}</stc></mrq>"
        ));
        let e = m.events.first().cloned();
        (
            m.kind,
            e.as_ref().and_then(|e| e.kind),
            e.map(|e| (e.category, e.restore)),
        )
    };
    assert_eq!(one("0004", "0010").1, Some(AlarmKind::Personal));
    assert_eq!(one("0023", "0009").1, Some(AlarmKind::Sensor));
    assert_eq!(one("0002", "0016").2, Some(("low_battery", false)));
    assert_eq!(one("0002", "0015").2, Some(("low_battery", true)));
    assert_eq!(one("0002", "0085").2, Some(("mains_failure", false)));
    assert_eq!(one("0002", "0067").2, Some(("device_fault", false)));
    assert_eq!(
        one("0002", "9999").1,
        Some(AlarmKind::Technical),
        "unknown codes: technical"
    );
    assert_eq!(one("0002", "9999").2, Some(("other", false)));
    assert_eq!(one("0002", "0102").1, Some(AlarmKind::Test));
    assert_eq!(one("0002", "0076").1, None, "information: stored, no alarm");
    let cancel = mapped("<mrq><ref>1</ref><cid>1</cid><dty>3</dty><mty>RE</mty></mrq>");
    assert_eq!(cancel.kind, EventKind::Cancel);
    assert!(cancel.events.iter().all(|e| e.restore && e.kind.is_none()));
    let overridden = EventMap::default().with_status(StatusCode(102), EventKind::Heartbeat);
    let m = map_request(
        &Request::parse(b"<mrq><ref>1</ref><cid>1</cid><dty>2</dty><stc>102</stc></mrq>").unwrap(),
        &overridden,
    );
    assert!(
        m.events.is_empty(),
        "configured: a test transmission is a heartbeat"
    );
}

#[test]
fn options_and_other_methods() {
    let (h, _) = handler(None);
    let raw = "OPTIONS sip:vaka@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK2\r\nFrom: <sip:1@h>;tag=a\r\nTo: <sip:vaka@h>\r\nCall-ID: c2\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let Ok(Message::Request(r)) = parse_datagram(raw.as_bytes(), &Limits::default()) else {
        panic!()
    };
    assert_eq!(code(&h.decide(&r, "scaip-udp")), 200);
    let invite = raw.replace("OPTIONS", "INVITE");
    let Ok(Message::Request(r)) = parse_datagram(invite.as_bytes(), &Limits::default()) else {
        panic!()
    };
    assert_eq!(code(&h.decide(&r, "scaip-udp")), 405);
    let bad_cseq = raw.replace("CSeq: 1 OPTIONS", "CSeq: 1 MESSAGE");
    let Ok(Message::Request(r)) = parse_datagram(bad_cseq.as_bytes(), &Limits::default()) else {
        panic!()
    };
    assert_eq!(code(&h.decide(&r, "scaip-udp")), 400);
}

#[test]
fn the_configured_table_overrides_the_built_in_one() {
    let map = parse_event_table(
        "0012/0009=personal, stc:0102=heartbeat, dty:0014=personal, fallback=sensor",
    )
    .unwrap();
    let kind = |dty: u16, stc: u16| map.classify_pair(vaka_scaip::DeviceType(dty), StatusCode(stc));
    assert_eq!(kind(12, 9), EventKind::Personal);
    assert_eq!(kind(2, 102), EventKind::Heartbeat);
    assert_eq!(kind(14, 10), EventKind::Personal);
    assert_eq!(kind(2, 9999), EventKind::Sensor);
    assert_eq!(
        kind(5, 9),
        EventKind::Fall,
        "the rest keeps the built-in table"
    );
    assert_eq!(parse_event_table("").unwrap(), EventMap::default());
    for bad in [
        "0005/0009",
        "0005/0009=loud",
        "stc:12345=test",
        "x=fall",
        "dty:ab=fall",
    ] {
        assert!(parse_event_table(bad).is_err(), "{bad}");
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    /// A request whose body and headers are built from fuzzed parts around a valid skeleton.
    fn datagram(body: &str, content_type: &str, auth: &str, cseq: &str) -> Vec<u8> {
        format!(
            "MESSAGE sip:vaka@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5070;branch=z9hG4bKp\r\n\
             From: <sip:26317@h>;tag=a\r\nTo: <sip:vaka@h>\r\nCall-ID: p\r\nCSeq: {cseq}\r\n\
             Authorization: {auth}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever parses as SIP gets a decision, never a panic; nothing unauthenticated from a
        /// unit with a password is ever stored or marks it alive.
        #[test]
        fn any_request_is_decided_without_panic(
            body in "(<mrq>|</mrq>|<ref>[a-z0-9]{0,20}</ref>|<cid>26317</cid>|<dty>[0-9]{1,5}</dty>|<stc>[0-9]{1,5}</stc>|<mty>(ME|PI|RE|IN|XX)</mty>|<crd>[a-z:+0-9]{0,20}</crd>|<!DOCTYPE x>|&[a-z]+;|[ -~]{0,10}){0,12}",
            content_type in "(application/scaip\\+xml|text/plain|application/SCAIP\\+XML; charset=utf-8|[ -~]{0,12})",
            auth in "(Digest username=\"26317\", realm=\"vaka\", nonce=\"[a-f0-9]{0,32}\", uri=\"sip:vaka@h\", response=\"[a-f0-9]{0,32}\"|[ -~]{0,40})",
            cseq in "(1 MESSAGE|1 OPTIONS|x MESSAGE|[0-9 A-Z]{0,12})",
            raw in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let (h, device) = handler(Some("correct-horse"));
            let limits = Limits::default();
            for bytes in [datagram(&body, &content_type, &auth, &cseq), raw] {
                if let Ok(Message::Request(r)) = parse_datagram(&bytes, &limits) {
                    let d = h.decide(&r, "scaip-udp");
                    prop_assert!(!matches!(d, Decision::Store { .. } | Decision::Alive { .. }), "{d:?}");
                }
            }
            prop_assert_eq!(h.seen.last(device), None);
            let (open, _) = handler(None);
            if let Ok(Message::Request(r)) = parse_datagram(&datagram(&body, &content_type, &auth, &cseq), &limits) {
                let _ = open.decide(&r, "scaip-tcp");
            }
        }
    }
}
