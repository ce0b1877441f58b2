//! The receiver's whole rule set on an arbitrary byte stream: the bounded deframer cuts it into
//! reads chosen by the input's first byte, and every frame goes to the frame handler with a
//! directory of one clear, one AES-128 and one unsecured (neither) account. No panic; answers are single LF…CR frames
//! within the protocol's bound; only provisioned accounts are stored.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_alarm_receiver::{Decision, FrameHandler, Security};
use vaka_sia_dc09::framing::{DeframeEvent, Deframer};
use vaka_sia_dc09::{Key, KeyStyle};

fn handler() -> FrameHandler {
    let key = Key::parse("000102030405060708090A0B0C0D0E0F", KeyStyle::Hex).unwrap();
    let now = "2026-12-01T02:00:00Z".parse().unwrap();
    FrameHandler::with_accounts(
        vec![
            ("1234", Security::Clear),
            ("2002", Security::Encrypted(key)),
            ("3003", Security::Unset),
        ],
        now,
    )
    .0
}

fn check(a: &[u8]) {
    assert!(a.len() <= 4103);
    assert_eq!(a.first(), Some(&b'\n'));
    assert_eq!(a.last(), Some(&b'\r'));
}

fuzz_target!(|input: &[u8]| {
    let Some((&step, rest)) = input.split_first() else {
        return;
    };
    let step = usize::from(step) % 64 + 1;
    let h = handler();
    let mut d = Deframer::default();
    for chunk in rest.chunks(step) {
        for e in d.feed(chunk) {
            if let DeframeEvent::Frame(f) = e {
                match h.handle(&f, "tcp") {
                    Decision::Answer(a) => check(&a),
                    Decision::Unknown { nak, account } => {
                        check(&nak);
                        assert!(h.directory.lookup(&account).is_none());
                    }
                    Decision::Refused {
                        account, answer, ..
                    } => {
                        check(&answer);
                        assert!(h.directory.lookup(&account).is_some());
                    }
                    Decision::Store { message, ack } => {
                        check(&ack);
                        assert!(matches!(
                            h.directory.lookup(&message.account).map(|e| e.security.clone()),
                            Some(Security::Clear | Security::Encrypted(_))
                        ));
                    }
                    Decision::Drop(_) => {}
                }
            }
        }
        assert!(d.buffered_len() <= 4103);
    }
});
