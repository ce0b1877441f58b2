//! The receiver's rules on any byte stream: arbitrary bytes and damaged versions of valid
//! frames (clear and AES), cut into arbitrary reads, go through the bounded deframer and the
//! frame handler. Nothing panics; every answer is one LF…CR frame within the protocol's bound
//! that names the frame's own account when it answers an intact header; only provisioned
//! accounts are ever stored, an account with a key never has a clear message (or one without a
//! timestamp) stored, and an account with neither key nor clear marking never has anything
//! stored.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use jiff::Timestamp;
use proptest::prelude::*;
use vaka_alarm_receiver::{Decision, FrameHandler, Security};
use vaka_sia_dc09::content::Qualifier;
use vaka_sia_dc09::encode::{adm_cid_data, encode_clear, encode_encrypted, sia_dcs_data};
use vaka_sia_dc09::frame::{Body, Header};
use vaka_sia_dc09::framing::{DeframeEvent, Deframer};
use vaka_sia_dc09::{IdToken, Key, KeyStyle};

const KEY: &str = "000102030405060708090A0B0C0D0E0F";
const MAX_FRAME: usize = 4103;

fn now() -> Timestamp {
    "2026-12-01T02:00:00Z".parse().unwrap()
}

fn handler() -> FrameHandler {
    let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
    FrameHandler::with_accounts(
        vec![
            ("1001", Security::Clear),
            ("2002", Security::Encrypted(key)),
            ("3003", Security::Unset),
        ],
        now(),
    )
    .0
}

/// Valid frames to damage: SIA-DCS, ADM-CID and NULL, clear and encrypted, known and unknown
/// accounts.
fn valid_frames() -> Vec<Vec<u8>> {
    let key = Key::parse(KEY, KeyStyle::Hex).unwrap();
    let header = |id: IdToken, account: &str, encrypted: bool, seq: u16| Header {
        id,
        encrypted,
        seq,
        receiver: Some("1".into()),
        line: Some("0".into()),
        account: account.into(),
    };
    let body = |data: Vec<u8>| Body {
        data,
        xdata: Vec::new(),
        timestamp: Some(now()),
    };
    let mut fill = |b: &mut [u8]| b.iter_mut().for_each(|x| *x = 0x5A);
    vec![
        encode_clear(
            &header(IdToken::SiaDcs, "1001", false, 1),
            &body(sia_dcs_data(Some("1001"), "ri1/MA001")),
        )
        .unwrap(),
        encode_clear(
            &header(IdToken::AdmCid, "1001", false, 2),
            &body(adm_cid_data(Some("1001"), Qualifier::New, 100, 1, 1)),
        )
        .unwrap(),
        encode_clear(&header(IdToken::Null, "1001", false, 3), &body(Vec::new())).unwrap(),
        encode_encrypted(
            &header(IdToken::SiaDcs, "2002", true, 4),
            &body(sia_dcs_data(Some("2002"), "ri1/FA003")),
            &key,
            &mut fill,
        )
        .unwrap(),
        encode_clear(
            &header(IdToken::SiaDcs, "2002", false, 5),
            &body(sia_dcs_data(Some("2002"), "ri1/MA001")),
        )
        .unwrap(),
        encode_clear(
            &header(IdToken::SiaDcs, "ABCD", false, 6),
            &body(sia_dcs_data(Some("ABCD"), "ri1/MA001")),
        )
        .unwrap(),
        encode_clear(
            &header(IdToken::SiaDcs, "3003", false, 7),
            &body(sia_dcs_data(Some("3003"), "ri1/MA001")),
        )
        .unwrap(),
    ]
}

/// A damage to a frame: overwrite, insert or delete one byte at a position (mod length).
#[derive(Debug, Clone)]
enum Damage {
    Set(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Set(i, b)),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Damage::Insert(i, b)),
        any::<usize>().prop_map(Damage::Delete),
    ]
}

fn apply(mut f: Vec<u8>, ds: &[Damage]) -> Vec<u8> {
    for d in ds {
        if f.is_empty() {
            break;
        }
        match *d {
            Damage::Set(i, b) => {
                let i = i % f.len();
                f[i] = b;
            }
            Damage::Insert(i, b) => {
                let i = i % (f.len() + 1);
                f.insert(i, b);
            }
            Damage::Delete(i) => {
                let i = i % f.len();
                f.remove(i);
            }
        }
    }
    f
}

fn check_answer(bytes: &[u8]) {
    assert!(bytes.len() <= MAX_FRAME, "answer of {} bytes", bytes.len());
    assert_eq!(bytes.first(), Some(&b'\n'));
    assert_eq!(bytes.last(), Some(&b'\r'));
    assert!(
        !bytes[1..bytes.len() - 1].contains(&b'\n'),
        "one frame per answer"
    );
}

/// Feeds the stream through a deframer in the given read sizes; checks every decision.
fn run(h: &FrameHandler, stream: &[u8], cuts: &[usize]) -> usize {
    let mut d = Deframer::default();
    let mut stored = 0;
    let mut rest = stream;
    let mut cuts = cuts.iter().cycle();
    while !rest.is_empty() {
        let n = (cuts.next().copied().unwrap_or(1) % 64 + 1).min(rest.len());
        for e in d.feed(&rest[..n]) {
            if let DeframeEvent::Frame(frame) = e {
                match h.handle(&frame, "tcp") {
                    Decision::Answer(a) => check_answer(&a),
                    Decision::Unknown { account, nak } => {
                        check_answer(&nak);
                        assert!(h.directory.lookup(&account).is_none());
                    }
                    Decision::Refused {
                        account, answer, ..
                    } => {
                        check_answer(&answer);
                        assert!(h.directory.lookup(&account).is_some());
                    }
                    Decision::Store { message, ack } => {
                        check_answer(&ack);
                        let entry = h
                            .directory
                            .lookup(&message.account)
                            .expect("only provisioned accounts are stored");
                        match entry.security {
                            Security::Encrypted(_) => {
                                // An encrypted frame starts "\n<crc4><len4>\"*".
                                assert_eq!(
                                    frame.get(10),
                                    Some(&b'*'),
                                    "a clear message for a keyed account"
                                );
                                assert!(message.message_at.is_some(), "encrypted without time");
                            }
                            Security::Clear => {}
                            Security::Unset => panic!("an account with neither key nor marking"),
                        }
                        stored += 1;
                    }
                    Decision::Drop(_) => {}
                }
            }
        }
        assert!(d.buffered_len() <= MAX_FRAME);
        rest = &rest[n..];
    }
    stored
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(stream in proptest::collection::vec(any::<u8>(), 0..3000),
                                   cuts in proptest::collection::vec(any::<usize>(), 1..8)) {
        run(&handler(), &stream, &cuts);
    }

    #[test]
    fn damaged_frames_are_answered_or_dropped(which in proptest::collection::vec(0usize..6, 1..6),
                                              damages in proptest::collection::vec(
                                                  proptest::collection::vec(damage(), 0..4), 6),
                                              cuts in proptest::collection::vec(any::<usize>(), 1..8)) {
        let frames = valid_frames();
        let mut stream = Vec::new();
        for (k, i) in which.iter().enumerate() {
            stream.extend(apply(frames[*i].clone(), &damages[k % damages.len()]));
        }
        run(&handler(), &stream, &cuts);
    }
}

#[test]
fn the_undamaged_frames_are_stored_answered_or_refused_as_they_should() {
    let h = handler();
    let frames = valid_frames();
    let stream: Vec<u8> = frames.concat();
    // Stored: the clear SIA-DCS and ADM-CID of 1001 and the encrypted event of 2002. Not: the
    // NULL (answered), the clear frame for the keyed 2002 (NAK), the unknown ABCD (NAK), the
    // frame of 3003, which has neither key nor clear marking (NAK).
    assert_eq!(run(&h, &stream, &[3, 17, 64]), 3);
}
