//! encode → parse round trips for every form and key size.

use crate::{category_name, lcg};
use vaka_sia_dc09::content::{self, Qualifier};
use vaka_sia_dc09::encode::{adm_cid_data, encode_clear, encode_encrypted, sia_dcs_data, xdata};
use vaka_sia_dc09::frame::{Body, Header, IdToken, PartialHeader, Payload};
use vaka_sia_dc09::{Key, parse_frame, response, window};

fn header(id: IdToken, receiver: Option<&str>, line: Option<&str>) -> Header {
    Header {
        id,
        encrypted: false,
        seq: 9999,
        receiver: receiver.map(Into::into),
        line: line.map(Into::into),
        account: "ABCDEF0123456789".into(),
    }
}

fn bodies() -> Vec<(IdToken, Body, Vec<&'static str>)> {
    let ts = Some("2026-11-22T23:59:59Z".parse().unwrap());
    vec![
        (
            IdToken::SiaDcs,
            Body {
                data: sia_dcs_data(Some("ABCDEF0123456789"), "ri1/MA5/id2/YT0/NA3"),
                xdata: vec![xdata(b'M', b"0123456789AB"), xdata(b'V', b"http://cam/1")],
                timestamp: ts,
            },
            vec!["PersonalAlarm", "LowBattery", "Inactivity"],
        ),
        (
            IdToken::AdmCid,
            Body {
                data: adm_cid_data(Some("ABCDEF0123456789"), Qualifier::New, 103, 1, 7),
                xdata: vec![],
                timestamp: ts,
            },
            vec!["Fall"],
        ),
        (
            IdToken::AdmCid,
            Body {
                data: adm_cid_data(None, Qualifier::Restore, 350, 0, 0),
                xdata: vec![],
                timestamp: ts,
            },
            vec!["Restore:CommunicationFailure"],
        ),
        (
            IdToken::Null,
            Body {
                data: vec![],
                xdata: vec![],
                timestamp: ts,
            },
            vec![],
        ),
    ]
}

fn check_content(id: &IdToken, body: &Body, expected: &[&str]) {
    let c = content::decode(id, &body.data).expect("content");
    let got: Vec<String> = c
        .events
        .iter()
        .map(|e| category_name(&e.category))
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn clear_round_trips() {
    for (id, body, cats) in bodies() {
        for (r, l) in [
            (None, None),
            (Some("1"), Some("")),
            (Some("abcdef"), Some("123456")),
        ] {
            let h = header(id.clone(), r, l);
            let frame = encode_clear(&h, &body).unwrap();
            let parsed = parse_frame(&frame).unwrap();
            // A missing line is written as L0.
            let mut expected = h.clone();
            expected.line.get_or_insert_with(|| "0".into());
            assert_eq!(parsed.header, expected);
            assert_eq!(parsed.payload, Payload::Clear(body.clone()));
            check_content(&id, &body, &cats);
        }
    }
}

#[test]
fn encrypted_round_trips_for_all_key_sizes() {
    let mut fill = lcg(7);
    for len in [16usize, 24, 32] {
        let key = Key::from_bytes(
            &(0..len)
                .map(|i| u8::try_from(i).unwrap() * 7)
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let other = Key::from_bytes(&vec![0xEE; len]).unwrap();
        for (id, body, cats) in bodies() {
            let h = header(id.clone(), Some("12"), Some("3"));
            let frame = encode_encrypted(&h, &body, &key, &mut fill).unwrap();
            let parsed = parse_frame(&frame).unwrap();
            assert!(parsed.header.encrypted);
            assert!(matches!(parsed.payload, Payload::Encrypted(_)));
            let got = parsed.body(Some(&key)).unwrap();
            assert_eq!(got, body);
            check_content(&id, &got, &cats);
            // A wrong key must not yield a body (a NAK case).
            let err = parsed.body(Some(&other)).unwrap_err();
            assert_eq!(
                err.disposition(),
                vaka_sia_dc09::Disposition::Nak,
                "{err:?}"
            );

            // The answer: encrypted ACK with the same key, echoing the header.
            let now = body.timestamp.unwrap();
            let ack = response::ack_for(&parsed.header, Some(&key), now, &mut fill);
            let ack = parse_frame(&ack).unwrap();
            assert_eq!(ack.header.id, IdToken::Ack);
            assert_eq!(ack.header.seq, 9999);
            assert_eq!(ack.header.receiver.as_deref(), Some("12"));
            assert_eq!(ack.header.line.as_deref(), Some("3"));
            assert_eq!(ack.header.account, "ABCDEF0123456789");
            assert_eq!(ack.body(Some(&key)).unwrap().timestamp, Some(now));
        }
    }
}

#[test]
fn stale_encrypted_message_gets_a_nak_with_our_clock() {
    let key = Key::from_bytes(&[5; 16]).unwrap();
    let (id, body, _) = bodies().remove(0);
    let frame = encode_encrypted(&header(id, None, Some("0")), &body, &key, &mut lcg(1)).unwrap();
    let parsed = parse_frame(&frame).unwrap();
    let msg_time = parsed.body(Some(&key)).unwrap().timestamp.unwrap();
    let now: jiff::Timestamp = "2026-11-23T00:02:00Z".parse().unwrap();
    assert!(matches!(
        window::check(msg_time, now),
        window::WindowCheck::TooOld { .. }
    ));
    let nak = response::nak(&PartialHeader::from(&parsed.header), now);
    let nak = parse_frame(&nak).unwrap();
    assert_eq!(nak.header.id, IdToken::Nak);
    assert_eq!(nak.header.seq, 0);
    assert_eq!(nak.body(None).unwrap().timestamp, Some(now));
}
