//! Property tests: no panics on arbitrary bytes, bounded memory, round trips.

use crate::lcg;
use proptest::prelude::*;
use vaka_sia_dc09::content;
use vaka_sia_dc09::encode::{encode_clear, encode_encrypted};
use vaka_sia_dc09::frame::{Body, Header, IdToken, XData};
use vaka_sia_dc09::framing::{DeframeEvent, Deframer, deframe_datagram};
use vaka_sia_dc09::{Key, crc16, parse_frame};

/// Wraps arbitrary bytes with a correct CRC and length, so the parser gets past the checksum.
fn wrap(body: &[u8]) -> Vec<u8> {
    let mut f = format!("\n{:04X}{:04X}", crc16(body), body.len()).into_bytes();
    f.extend_from_slice(body);
    f.push(b'\r');
    f
}

/// Bytes biased towards the DC-09 alphabet so generated inputs reach deep parser states.
fn dc09ish() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"\"*#[]|_/^:,-0123456789ABCDEFLRNri MAQ\n\r".to_vec();
    prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(alphabet),
            1 => any::<u8>(),
        ],
        0..200,
    )
}

fn hex_string(min: usize, max: usize) -> impl Strategy<Value = String> {
    prop::string::string_regex(&format!("[0-9A-Fa-f]{{{min},{max}}}")).unwrap()
}

prop_compose! {
    fn arb_header()(
        id in prop_oneof![Just(IdToken::SiaDcs), Just(IdToken::AdmCid), Just(IdToken::Null)],
        seq in 0u16..=9999,
        receiver in prop::option::of(hex_string(1, 6)),
        line in prop::option::of(hex_string(0, 6)),
        account in hex_string(1, 16),
    ) -> Header {
        Header { id, encrypted: false, seq, receiver, line, account }
    }
}

prop_compose! {
    fn arb_body(need_ts: bool)(
        data in prop::collection::vec(
            any::<u8>().prop_filter("no delimiters", |b| !b"[]\r\n".contains(b)), 0..60),
        xdata in prop::collection::vec(
            (b'A'..=b'Z', prop::collection::vec(
                any::<u8>().prop_filter("no delimiters", |b| !b"[]\r\n".contains(b)), 0..20)),
            0..3),
        secs in 0i64..4_000_000_000,
        has_ts in any::<bool>(),
    ) -> Body {
        let timestamp = (need_ts || has_ts)
            .then(|| jiff::Timestamp::from_second(secs).unwrap());
        Body {
            data,
            xdata: xdata.into_iter().map(|(kind, value)| XData { kind, value }).collect(),
            timestamp,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parser_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_frame(&bytes);
    }

    #[test]
    fn parser_never_panics_past_the_crc(body in dc09ish(), keylen in prop::sample::select(vec![16usize, 24, 32])) {
        let frame = wrap(&body);
        if let Ok(f) = parse_frame(&frame) {
            let key = Key::from_bytes(&vec![1; keylen]).unwrap();
            let _ = f.body(Some(&key));
            let _ = f.body(None);
            if let Ok(b) = f.body(None) {
                let _ = content::decode(&f.header.id, &b.data);
            }
        }
    }

    #[test]
    fn content_parsers_never_panic(data in dc09ish()) {
        let _ = content::parse_sia_dcs(&data);
        let _ = content::parse_adm_cid(&data);
    }

    #[test]
    fn deframer_is_bounded_and_split_invariant(
        bytes in dc09ish(),
        cuts in prop::collection::vec(0usize..200, 0..8),
        cap in 2usize..64,
    ) {
        let mut d = Deframer::with_max_frame_len(cap);
        let mut whole = Deframer::with_max_frame_len(cap);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
        cuts.sort_unstable();
        let mut frames = Vec::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            for e in d.feed(&bytes[start..cut]) {
                if let DeframeEvent::Frame(f) = e {
                    prop_assert!(f.len() <= cap);
                    prop_assert_eq!(f.first(), Some(&b'\n'));
                    prop_assert_eq!(f.last(), Some(&b'\r'));
                    frames.push(f);
                }
            }
            prop_assert!(d.buffered_len() <= cap);
            start = cut;
        }
        let expected: Vec<Vec<u8>> = whole
            .feed(&bytes)
            .into_iter()
            .filter_map(|e| match e { DeframeEvent::Frame(f) => Some(f), _ => None })
            .collect();
        prop_assert_eq!(frames, expected);
    }

    #[test]
    fn deframer_accounts_for_every_byte(bytes in dc09ish()) {
        let mut events = deframe_datagram(&bytes, 64);
        let mut total = 0;
        for e in events.drain(..) {
            total += match e {
                DeframeEvent::Frame(f) => f.len(),
                DeframeEvent::Garbage { len } | DeframeEvent::Oversized { len } => len,
            };
        }
        prop_assert_eq!(total, bytes.len());
    }

    #[test]
    fn clear_round_trip(h in arb_header(), body in arb_body(false)) {
        let frame = encode_clear(&h, &body).unwrap();
        let parsed = parse_frame(&frame).unwrap();
        let mut expected = h.clone();
        expected.line.get_or_insert_with(|| "0".into());
        prop_assert_eq!(&parsed.header, &expected);
        prop_assert_eq!(parsed.body(None).unwrap(), body);
    }

    #[test]
    fn encrypted_round_trip(
        h in arb_header(),
        body in arb_body(true),
        key in prop_oneof![
            prop::collection::vec(any::<u8>(), 16),
            prop::collection::vec(any::<u8>(), 24),
            prop::collection::vec(any::<u8>(), 32),
        ],
        seed in any::<u32>(),
    ) {
        // Any data works: the pad never contains '|' or ']', so the first of them after
        // decryption is the separator (or the data's end when the data is empty).
        let key = Key::from_bytes(&key).unwrap();
        let frame = encode_encrypted(&h, &body, &key, &mut lcg(seed)).unwrap();
        let parsed = parse_frame(&frame).unwrap();
        prop_assert!(parsed.header.encrypted);
        prop_assert_eq!(parsed.body(Some(&key)).unwrap(), body);
    }
}
