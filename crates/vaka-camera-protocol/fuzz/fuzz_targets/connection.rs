//! Feeds arbitrary messages to a camera connection in every state: nothing may panic, and every
//! refusal must close the connection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vaka_camera_protocol::{Action, Connection, DEFAULT_MAX_FRAME_BYTES};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let mut c = Connection::new(30, DEFAULT_MAX_FRAME_BYTES);
    if flags & 1 == 1 {
        c.on_text(br#"{"type":"hello","protocol":1,"model":"m","firmware":"f"}"#);
    }
    if flags & 2 == 2 {
        c.start(uuid::Uuid::nil(), 30, 5);
    }
    // Messages are separated by 0xFE; the first byte of each says text or binary.
    for msg in rest.split(|b| *b == 0xFE) {
        let Some((&kind, body)) = msg.split_first() else {
            continue;
        };
        let actions = if kind & 1 == 0 {
            c.on_text(body)
        } else {
            c.on_binary(body)
        };
        assert!(!actions.is_empty());
        if actions.iter().any(|a| matches!(a, Action::Close(_))) {
            break;
        }
    }
});
