//! Whole exchanges as the receiver will run them: the device's MESSAGE framed out of a TCP
//! stream, the `200 OK`, our MESSAGE with the `<mrs>`, and the digest challenge in between.

use crate::{device_message, frame_all};
use vaka_scaip::digest::{Challenge, Credentials};
use vaka_scaip::sip::{
    Limits, Message, OutgoingMessage, SCAIP_CONTENT_TYPE, Status, parse_datagram, response_to,
};
use vaka_scaip::{EventKind, EventMap, Request, Response, ResponseCode};

const DORO: &[u8] = b"<mrq><ref>803137200003</ref><mty>ME</mty><cid> 8031372</cid><dty>0004</dty><stc>0010</stc><crd>gsm:+</crd></mrq>";

#[test]
fn device_message_to_mrs() {
    // Two messages and a keep-alive in one TCP read.
    let mut stream = device_message(DORO);
    stream.extend_from_slice(b"\r\n\r\n");
    stream.extend_from_slice(&device_message(
        b"<mrq><ref>2</ref><cid>8031372</cid><dty>2</dty><mty>PI</mty></mrq>",
    ));
    let reqs = frame_all(&stream);
    assert_eq!(reqs.len(), 2);

    let req = &reqs[0];
    req.check().unwrap();
    assert_eq!(req.method, "MESSAGE");
    assert_eq!(req.content_type().as_deref(), Some(SCAIP_CONTENT_TYPE));
    assert_eq!(req.from_user(), Some("8031372"));
    let mrq = Request::parse(&req.body).unwrap();
    assert_eq!(mrq.controller_id, req.from_user().unwrap());
    assert_eq!(EventMap::default().classify(&mrq), EventKind::Personal);
    assert_eq!(
        EventMap::default().classify(&Request::parse(&reqs[1].body).unwrap()),
        EventKind::Heartbeat
    );

    // 200 OK once stored.
    let ok = response_to(req, Status::OK, "vk7");
    let ok_bytes = ok.to_bytes();
    let Message::Response(back) = parse_datagram(&ok_bytes, &Limits::default()).unwrap() else {
        panic!()
    };
    assert_eq!(back.code, 200);
    assert_eq!(back.headers.get("call-id"), req.call_id());
    assert_eq!(back.cseq(), req.cseq());
    assert_eq!(back.headers.get("via"), req.headers.get("via"));

    // Then our MESSAGE with the <mrs>.
    let mrs = Response::ok(&mrq.reference).to_xml();
    let out = OutgoingMessage::scaip(
        "sip:8031372@192.0.2.10:5060;transport=tcp",
        "sip:alarm@arc.example",
        "a1b2",
        "sip:8031372@arc.example",
        "c0ffee@arc.example",
        1,
        "arc.example:5060",
        "9f8e7d",
        mrs.as_bytes(),
    )
    .build();
    let got = frame_all(&out.to_bytes());
    assert_eq!(got, [out]);
    let mrs_back = Response::parse(&got[0].body).unwrap();
    assert_eq!(mrs_back.reference, "803137200003");
    assert_eq!(mrs_back.code, ResponseCode::OK);
}

#[test]
fn digest_challenge_then_authorised_resend() {
    let first = frame_all(&device_message(DORO)).remove(0);
    assert!(first.headers.get("authorization").is_none());
    let challenge = Challenge::md5("arc.example", "bm9uY2UtMQ");
    let r401 = response_to(&first, Status::UNAUTHORIZED, "vk8")
        .with_header("WWW-Authenticate", &challenge.to_header_value());
    let Message::Response(r401) = parse_datagram(&r401.to_bytes(), &Limits::default()).unwrap()
    else {
        panic!()
    };
    assert_eq!(r401.code, 401);

    // The device reads the challenge and resends with credentials.
    let seen = Challenge::parse(r401.headers.get("www-authenticate").unwrap()).unwrap();
    let creds = Credentials::respond(
        &seen,
        "8031372",
        "pendant-pw",
        "MESSAGE",
        &first.uri,
        "0a4f113b",
        1,
    );
    let mut second = first.clone();
    second
        .headers
        .push("Authorization", &creds.to_header_value());
    let second = frame_all(&second.to_bytes()).remove(0);

    let got = Credentials::parse(second.headers.get("authorization").unwrap()).unwrap();
    assert_eq!(got.realm, "arc.example");
    assert_eq!(got.nonce, "bm9uY2UtMQ");
    assert_eq!(got.uri, second.uri);
    assert!(got.verify(&second.method, "pendant-pw"));
    assert!(!got.verify(&second.method, "other"));
    assert!(!got.verify("INVITE", "pendant-pw"));
}

#[test]
fn refusals_at_each_layer() {
    // Wrong media type: 415 with Accept.
    let mut req = frame_all(&device_message(b"{}")).remove(0);
    req.headers.remove("content-type");
    req.headers.push("Content-Type", "application/json");
    assert_ne!(req.content_type().as_deref(), Some(SCAIP_CONTENT_TYPE));
    let r = response_to(&req, Status::UNSUPPORTED_MEDIA_TYPE, "t")
        .with_header("Accept", SCAIP_CONTENT_TYPE);
    let text = String::from_utf8(r.to_bytes()).unwrap();
    assert!(text.starts_with("SIP/2.0 415 Unsupported Media Type\r\n"));
    assert!(text.contains("Accept: application/scaip+xml\r\nContent-Length: 0\r\n\r\n"));

    // A bad <mrq> with a readable ref: 200 OK at the SIP level, then an <mrs> with the reason.
    let bad = Request::parse(b"<mrq><ref>55</ref><cid>1</cid><dty>zz</dty></mrq>").unwrap_err();
    let mrs = Response::refusal(&bad).unwrap();
    assert_eq!(mrs.code, ResponseCode::WRONG_DATA_CONTENT);
    assert_eq!(Response::parse(mrs.to_xml().as_bytes()).unwrap(), mrs);
}
