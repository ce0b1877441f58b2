//! The DC-09 message timestamp `HH:MM:SS,MM-DD-YYYY`, always UTC (DC-09 §5.5.1.9).

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

/// Length of `HH:MM:SS,MM-DD-YYYY` (without the leading `_`).
pub(crate) const TIMESTAMP_LEN: usize = 19;

/// Parses `HH:MM:SS,MM-DD-YYYY` (UTC). Strict: exactly 19 bytes, ASCII digits, real date.
#[must_use]
pub fn parse_timestamp(text: &[u8]) -> Option<Timestamp> {
    if text.len() != TIMESTAMP_LEN {
        return None;
    }
    for (i, &b) in text.iter().enumerate() {
        let ok = match i {
            2 | 5 => b == b':',
            8 => b == b',',
            11 | 14 => b == b'-',
            _ => b.is_ascii_digit(),
        };
        if !ok {
            return None;
        }
    }
    let num = |range: std::ops::Range<usize>| -> i16 {
        text[range]
            .iter()
            .fold(0i16, |acc, &d| acc * 10 + i16::from(d - b'0'))
    };
    let (hour, minute, second) = (num(0..2), num(3..5), num(6..8));
    let (month, day, year) = (num(9..11), num(12..14), num(15..19));
    let dt = DateTime::new(
        year,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
        i8::try_from(hour).ok()?,
        i8::try_from(minute).ok()?,
        i8::try_from(second).ok()?,
        0,
    )
    .ok()?;
    TimeZone::UTC.to_timestamp(dt).ok()
}

/// Formats an instant as `HH:MM:SS,MM-DD-YYYY` in UTC (sub-seconds are truncated).
#[must_use]
pub fn format_timestamp(at: Timestamp) -> String {
    at.to_zoned(TimeZone::UTC)
        .strftime("%H:%M:%S,%m-%d-%Y")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let ts = parse_timestamp(b"13:36:04,12-22-2021").expect("valid");
        assert_eq!(ts.to_string(), "2021-12-22T13:36:04Z");
        assert_eq!(format_timestamp(ts), "13:36:04,12-22-2021");
    }

    #[test]
    fn rejects_malformed_and_impossible_dates() {
        for bad in [
            &b"13:36:04,12-22-21"[..],
            b"13:36:04 12-22-2021",
            b"24:00:00,12-22-2021",
            b"13:60:04,12-22-2021",
            b"13:36:04,02-30-2021",
            b"13:36:04,13-01-2021",
            b"1a:36:04,12-22-2021",
            b"13:36:04,12-22-2021x",
        ] {
            assert!(
                parse_timestamp(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
