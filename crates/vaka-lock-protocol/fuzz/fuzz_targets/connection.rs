//! Feeds arbitrary messages to a lock connection in every state: nothing may panic, and every
//! message gets an answer (an action, at least a close).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_lock_protocol::{Action, Connection};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let lock = uuid::Uuid::from_u128(1);
    let mut c = Connection::new(lock, 30);
    if flags & 1 == 1 {
        c.on_text(
            format!(r#"{{"type":"hello","protocol":1,"lock_id":"{lock}","model":"m","firmware":"f"}}"#)
                .as_bytes(),
            1_796_000_000,
        );
    }
    // Messages are separated by 0xFE; the first byte of each says text or binary.
    for msg in rest.split(|b| *b == 0xFE) {
        let Some((&kind, body)) = msg.split_first() else {
            continue;
        };
        let actions = if kind & 1 == 0 {
            c.on_text(body, i64::from(kind) * 1_000_000_000)
        } else {
            c.on_binary(body)
        };
        assert!(!actions.is_empty());
        if actions.iter().any(|a| matches!(a, Action::Close(_))) {
            break;
        }
    }
});
