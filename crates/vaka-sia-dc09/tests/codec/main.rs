//! Integration tests of vaka-sia-dc09 (one test binary, as every crate of the workspace): third-party vectors,
//! our answers as checked by siadc09, round trips and property tests.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod peers;
mod props;
mod roundtrip;

use vaka_sia_dc09::content::{AlarmCategory, Condition};

/// A category as the vector files spell it: `PersonalAlarm`, `Restore:Fire`, `Other:NP`.
pub fn category_name(c: &AlarmCategory) -> String {
    let cond = |c: &Condition| format!("{c:?}");
    match c {
        AlarmCategory::Restore(c) => format!("Restore:{}", cond(c)),
        AlarmCategory::Other { raw } => format!("Other:{raw}"),
        other => format!("{other:?}"),
    }
}

/// A deterministic "random" byte source for pads (a small LCG; tests only).
pub fn lcg(seed: u32) -> impl FnMut(&mut [u8]) {
    let mut state = seed;
    move |buf: &mut [u8]| {
        for b in buf {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *b = (state >> 16).to_le_bytes()[0];
        }
    }
}
