//! Property tests: no panics on arbitrary bytes, bounded buffers, stream framing independent of
//! how the bytes are cut, round trips of what we build.

use crate::device_message;
use proptest::prelude::*;
use vaka_scaip::digest::{Challenge, Credentials};
use vaka_scaip::sip::{Framed, Limits, Message, OutgoingMessage, frame_stream, parse_datagram};
use vaka_scaip::{
    CallerChannel, DeviceComponent, DeviceType, LocationCode, MessageType, Position, Request,
    Response, ResponseCode, StatusCode,
};

/// What a receiver does with a TCP connection: append each read to a buffer, take every
/// complete message off its front. Returns the messages and the bytes left over.
fn receive(chunks: &[&[u8]], limits: &Limits) -> Result<(Vec<Message>, usize), ()> {
    let mut buf: Vec<u8> = Vec::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match frame_stream(&buf, limits) {
                Ok(Framed::Message { message, used }) => {
                    out.push(message);
                    buf.drain(..used);
                }
                Ok(Framed::KeepAlive { used, .. }) => {
                    buf.drain(..used);
                }
                Ok(Framed::NeedMore) => break,
                Err(_) => return Err(()),
            }
        }
    }
    Ok((out, buf.len()))
}

/// Bytes biased towards SIP so generated inputs reach the header and body parsers.
fn sipish() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static [u8]> = vec![
        b"MESSAGE sip:a@b SIP/2.0\r\n",
        b"SIP/2.0 200 OK\r\n",
        b"Content-Length: 5\r\n",
        b"l: 0\r\n",
        b"Via: SIP/2.0/TCP h;branch=z9hG4bK1\r\n",
        b"CSeq: 1 MESSAGE\r\n",
        b"\r\n",
        b"\n",
        b" folded\r\n",
        b"<mrq/>",
        b":",
    ];
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(pieces).prop_map(<[u8]>::to_vec),
            1 => prop::collection::vec(any::<u8>(), 0..8),
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

/// Bytes biased towards SCAIP XML.
fn xmlish() -> impl Strategy<Value = Vec<u8>> {
    let pieces: Vec<&'static str> = vec![
        "<mrq>",
        "</mrq>",
        "<ref>",
        "</ref>",
        "<cid>",
        "</cid>",
        "<dty>",
        "</dty>",
        "<stc>",
        "</stc>",
        "<lge>",
        "</lge>",
        "<geo>",
        "</geo>",
        "<crd>",
        "</crd>",
        "0010",
        " 42",
        "PI",
        "&amp;",
        "&#65;",
        "&x;",
        "<!DOCTYPE a>",
        "<![CDATA[1]]>",
        "<?xml version=\"1.0\"?>",
        "/>",
        "<",
        ">",
        "mrs",
        "<snu>0</snu>",
    ];
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(pieces).prop_map(|s| s.as_bytes().to_vec()),
            1 => prop::collection::vec(any::<u8>(), 0..4),
        ],
        0..30,
    )
    .prop_map(|v| v.concat())
}

fn token() -> impl Strategy<Value = String> {
    "[0-9A-Za-z]{1,16}"
}

fn text(max: usize) -> impl Strategy<Value = Option<String>> {
    // Printable, not starting or ending with whitespace (the parser trims), no empty string
    // (an empty element counts as absent).
    prop::option::of(
        prop::string::string_regex(&format!("[!-~åäöÅÄÖ]([ -~åäö]{{0,{}}}[!-~])?", max - 2))
            .unwrap(),
    )
}

fn arb_request() -> impl Strategy<Value = Request> {
    let required = (
        token(),
        "[0-9]{1,16}",
        0u16..=9999,
        0u16..=9999,
        prop::sample::select(vec![
            MessageType::Alarm,
            MessageType::Reset,
            MessageType::Information,
            MessageType::Heartbeat,
        ]),
        prop::collection::vec("(no-voice|gsm|tel|sip|sip-pp):[+0-9a-z@.]{0,20}", 0..3),
        0u8..=1,
        prop::option::of(token()),
    );
    let optional = (
        prop::option::of(0u16..=999),
        text(64),
        0u8..=9,
        0u16..=999,
        text(64),
        prop::option::of("[0-9]{1,3}\\.[0-9]{1,6},[0-9]{1,3}\\.[0-9]{1,6}"),
        text(64),
        prop::option::of(0u16..=999),
        prop::option::of("[0-9]{2}\\.[0-9]{2}"),
    );
    (required, optional).prop_map(
        |(
            (reference, cid, dty, stc, mty, crd, cha, did),
            (dco, dte, pri, lco, lte, geo, stt, ico, ver),
        )| {
            let mut r = Request::new(&reference, &cid, DeviceType(dty));
            r.status = StatusCode(stc);
            r.message_type = mty;
            r.caller = crd.iter().map(|c| CallerChannel::parse(c)).collect();
            r.call_handling = cha;
            r.device_id = did;
            r.component = dco.map(DeviceComponent);
            r.device_text = dte;
            r.priority = pri;
            r.location = LocationCode(lco);
            r.location_text = lte;
            r.position = geo.map(|g| Position {
                geo: Some(g),
                tim: None,
                gga: None,
            });
            r.status_text = stt;
            r.info_code = ico;
            r.version = ver;
            r
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sip_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = frame_stream(&bytes, &Limits::default());
        let _ = parse_datagram(&bytes, &Limits::default());
    }

    #[test]
    fn sip_parsers_never_panic_on_sipish_input(bytes in sipish()) {
        let small = Limits { head: 128, headers: 4, body: 16 };
        for limits in [Limits::default(), small] {
            if let Ok(Message::Request(r)) = parse_datagram(&bytes, &limits) {
                let _ = r.check();
                let _ = r.from_user();
            }
            match frame_stream(&bytes, &limits) {
                Ok(Framed::Message { used, .. } | Framed::KeepAlive { used, .. }) => {
                    prop_assert!(used > 0 && used <= bytes.len());
                }
                // Waiting never means holding more than a head and a body.
                Ok(Framed::NeedMore) => {
                    prop_assert!(bytes.len() < limits.head + 2 + limits.body);
                }
                Err(_) => {}
            }
        }
    }

    #[test]
    fn xml_parsers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = Request::parse(&bytes);
        let _ = Response::parse(&bytes);
    }

    #[test]
    fn xml_parsers_never_panic_on_xmlish_input(bytes in xmlish()) {
        if let Ok(r) = Request::parse(&bytes) {
            // Whatever parses writes back and parses to the same.
            prop_assert_eq!(Request::parse(r.to_xml().as_bytes()).unwrap(), r);
        }
        let _ = Response::parse(&bytes);
    }

    #[test]
    fn digest_parsers_never_panic(s in "(Digest )?([a-z]{1,8}=(\"[^\"]{0,10}\"?|[a-z0-9]{0,8}),? ?){0,8}") {
        let _ = Credentials::parse(&s);
        let _ = Challenge::parse(&s);
    }

    #[test]
    fn request_round_trips(r in arb_request()) {
        let xml = r.to_xml();
        prop_assert_eq!(Request::parse(xml.as_bytes()).unwrap(), r);
    }

    #[test]
    fn response_round_trips(reference in token(), snu in 0u32..=99_999, ste in text(128)) {
        let mut r = Response::with_code(&reference, ResponseCode(snu));
        r.text = ste;
        prop_assert_eq!(Response::parse(r.to_xml().as_bytes()).unwrap(), r);
    }

    /// The same messages come out however the stream is cut into reads.
    #[test]
    fn framing_is_independent_of_the_cuts(
        requests in prop::collection::vec(arb_request(), 1..4),
        pings in prop::collection::vec(any::<bool>(), 4),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut stream = Vec::new();
        for (i, r) in requests.iter().enumerate() {
            if pings[i] {
                stream.extend_from_slice(b"\r\n\r\n");
            }
            stream.extend_from_slice(&device_message(r.to_xml().as_bytes()));
        }
        let (whole, left) = receive(&[&stream[..]], &Limits::default()).unwrap();
        prop_assert_eq!(left, 0);
        prop_assert_eq!(whole.len(), requests.len());
        for (m, r) in whole.iter().zip(&requests) {
            prop_assert_eq!(&Request::parse(m.body()).unwrap(), r);
        }
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        points.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut last = 0;
        for p in points {
            chunks.push(&stream[last..p]);
            last = p;
        }
        chunks.push(&stream[last..]);
        let (cut, left) = receive(&chunks, &Limits::default()).unwrap();
        prop_assert_eq!(left, 0);
        prop_assert_eq!(cut, whole);
    }

    #[test]
    fn outgoing_messages_round_trip(
        body in prop::collection::vec(any::<u8>(), 0..300),
        tag in token(), call_id in token(), branch in token(), cseq in 1u32..(1 << 31),
    ) {
        let m = OutgoingMessage::scaip(
            "sip:1@192.0.2.1:5060", "sip:alarm@arc.example", &tag, "sip:1@arc.example",
            &call_id, cseq, "arc.example", &branch, &body,
        )
        .build();
        let bytes = m.to_bytes();
        let Ok(Framed::Message { message: Message::Request(r), used }) =
            frame_stream(&bytes, &Limits::default())
        else {
            return Err(proptest::test_runner::TestCaseError::fail("not a request"));
        };
        prop_assert_eq!(used, bytes.len());
        prop_assert!(r.check().is_ok());
        prop_assert_eq!(r, m);
    }
}

/// Every split of a sample stream into two reads, byte by byte.
#[test]
fn framing_at_every_byte_boundary() {
    let mut stream = device_message(b"<mrq><ref>1</ref><cid>2</cid><dty>3</dty></mrq>");
    stream.extend_from_slice(b"\r\n\r\n");
    stream.extend_from_slice(&device_message(b""));
    let (whole, _) = receive(&[&stream[..]], &Limits::default()).unwrap();
    assert_eq!(whole.len(), 2);
    for i in 0..=stream.len() {
        let (got, left) = receive(&[&stream[..i], &stream[i..]], &Limits::default()).unwrap();
        assert_eq!((got, left), (whole.clone(), 0), "split at {i}");
    }
}
