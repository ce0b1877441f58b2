//! The frames one simulated device sends: SIA-DCS with its account, a sequence number and a
//! timestamp, clear or encrypted, built with `vaka-sia-dc09`'s encoder (CRC and length
//! included).

use jiff::Timestamp;
use vaka_sia_dc09::Key;
use vaka_sia_dc09::encode::{EncodeError, encode_clear, encode_encrypted, sia_dcs_data};
use vaka_sia_dc09::frame::{Body, Header, IdToken};

/// The default event: personal alarm (`MA`, medical alarm) on zone 1, area 1.
pub const DEFAULT_EVENT: &str = "ri1/MA001";

/// The sequence number after `seq`: 1..=9999, then 1 again (0 is not used, so the first frame
/// of a connection is 0001).
#[must_use]
pub fn next_seq(seq: u16) -> u16 {
    if (1..9999).contains(&seq) { seq + 1 } else { 1 }
}

/// The event text of round `round`: the trailing zone digits of `event` advanced by `round`
/// (modulo their width), so that the frames of one sequence-number round differ from those of
/// the next (a receiver recognises a message sent again by its account, sequence and data).
/// An event without trailing digits is the same in every round.
#[must_use]
pub fn event_of_round(event: &str, round: u32) -> String {
    let digits = event.bytes().rev().take_while(u8::is_ascii_digit).count();
    let (head, zone) = event.split_at(event.len() - digits);
    let Ok(zone) = zone.parse::<u64>() else {
        return event.to_owned();
    };
    let modulus = 10u64.saturating_pow(u32::try_from(digits).unwrap_or(u32::MAX));
    let zone = (zone + u64::from(round)) % modulus;
    format!("{head}{zone:0digits$}")
}

/// Builds the frames of one account.
#[derive(Debug, Clone)]
pub struct FrameBuilder {
    header: Header,
    event: String,
    round: u32,
    data: Vec<u8>,
    key: Option<Key>,
}

impl FrameBuilder {
    /// A device with `account`, optional `R` receiver and `L` line digits, DC-03 `event` text
    /// (such as `ri1/MA001`; the `N` and the `#acct|` prefix are added) and an optional AES
    /// key (then every frame is encrypted).
    #[must_use]
    pub fn new(
        account: &str,
        receiver: Option<&str>,
        line: Option<&str>,
        event: &str,
        key: Option<Key>,
    ) -> Self {
        Self {
            header: Header {
                id: IdToken::SiaDcs,
                encrypted: key.is_some(),
                seq: 1,
                receiver: receiver.map(str::to_owned),
                line: line.map(str::to_owned),
                account: account.to_owned(),
            },
            event: event.to_owned(),
            round: 0,
            data: sia_dcs_data(Some(account), event),
            key,
        }
    }

    /// Moves to the next round of sequence numbers: the event's zone changes (see
    /// [`event_of_round`]).
    pub fn next_round(&mut self) {
        self.round = self.round.wrapping_add(1);
        self.data = sia_dcs_data(
            Some(&self.header.account),
            &event_of_round(&self.event, self.round),
        );
    }

    /// The current round (0 until the first [`Self::next_round`]).
    #[must_use]
    pub fn round(&self) -> u32 {
        self.round
    }

    /// The data field (without brackets) of the frames of `round`, as a receiver stores it:
    /// `#ACCT|Nri1/MA001`.
    #[must_use]
    pub fn data_of_round(&self, round: u32) -> std::borrow::Cow<'_, [u8]> {
        if round == self.round {
            std::borrow::Cow::Borrowed(&self.data)
        } else {
            std::borrow::Cow::Owned(sia_dcs_data(
                Some(&self.header.account),
                &event_of_round(&self.event, round),
            ))
        }
    }

    /// The account.
    #[must_use]
    pub fn account(&self) -> &str {
        &self.header.account
    }

    /// The key, when frames are encrypted.
    #[must_use]
    pub fn key(&self) -> Option<&Key> {
        self.key.as_ref()
    }

    /// One frame, LF to CR, with sequence `seq` and timestamp `now`; `fill` supplies the random
    /// bytes of the encryption pad.
    ///
    /// # Errors
    /// [`EncodeError`] when a field cannot be represented (bad account, receiver, line or event
    /// text, sequence above 9999).
    pub fn build(
        &mut self,
        seq: u16,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut [u8]),
    ) -> Result<Vec<u8>, EncodeError> {
        self.build_round(seq, self.round, now, fill)
    }

    /// [`Self::build`] with the data of `round` (a frame sent again after the sequence numbers
    /// have moved on to the next round).
    ///
    /// # Errors
    /// As [`Self::build`].
    pub fn build_round(
        &mut self,
        seq: u16,
        round: u32,
        now: Timestamp,
        fill: &mut dyn FnMut(&mut [u8]),
    ) -> Result<Vec<u8>, EncodeError> {
        self.header.seq = seq;
        let body = Body {
            data: self.data_of_round(round).into_owned(),
            xdata: Vec::new(),
            timestamp: Some(now),
        };
        match &self.key {
            Some(key) => encode_encrypted(&self.header, &body, key, fill),
            None => encode_clear(&self.header, &body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vaka_sia_dc09::content::{self, AlarmCategory};
    use vaka_sia_dc09::frame::Payload;
    use vaka_sia_dc09::{KeyStyle, parse_frame};

    fn ts() -> Timestamp {
        "2026-11-22T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn sequence_wraps_from_9999_to_1() {
        assert_eq!(next_seq(0), 1);
        assert_eq!(next_seq(1), 2);
        assert_eq!(next_seq(9998), 9999);
        assert_eq!(next_seq(9999), 1);
        let mut s = 0;
        for _ in 0..20_000 {
            s = next_seq(s);
            assert!((1..=9999).contains(&s));
        }
    }

    #[test]
    fn each_round_has_its_own_zone() {
        assert_eq!(event_of_round("ri1/MA001", 0), "ri1/MA001");
        assert_eq!(event_of_round("ri1/MA001", 1), "ri1/MA002");
        assert_eq!(event_of_round("ri1/MA001", 998), "ri1/MA999");
        assert_eq!(event_of_round("ri1/MA001", 999), "ri1/MA000");
        assert_eq!(event_of_round("ri1/MA", 5), "ri1/MA");
        let mut b = FrameBuilder::new("2000", Some("0"), Some("0"), DEFAULT_EVENT, None);
        let first = b.build(7, ts(), &mut |_| {}).unwrap();
        b.next_round();
        let second = b.build(7, ts(), &mut |_| {}).unwrap();
        assert!(String::from_utf8_lossy(&second).contains("|Nri1/MA002]"));
        assert_ne!(first, second);
        // A frame of the first round, sent again in the second, keeps its data.
        assert_eq!(b.build_round(7, 0, ts(), &mut |_| {}).unwrap(), first);
        assert_eq!(b.round(), 1);
        assert_eq!(&*b.data_of_round(0), b"#2000|Nri1/MA001");
        assert_eq!(&*b.data_of_round(1), b"#2000|Nri1/MA002");
    }

    #[test]
    fn clear_frame_parses_back() {
        let mut b = FrameBuilder::new("2000", Some("0"), Some("0"), DEFAULT_EVENT, None);
        let frame = b.build(42, ts(), &mut |_| {}).unwrap();
        assert_eq!(
            &frame[9..frame.len() - 1],
            b"\"SIA-DCS\"0042R0L0#2000[#2000|Nri1/MA001]_10:00:00,11-22-2026"
        );
        let parsed = parse_frame(&frame).unwrap();
        assert_eq!(parsed.header.id, IdToken::SiaDcs);
        assert!(!parsed.header.encrypted);
        assert_eq!(parsed.header.seq, 42);
        assert_eq!(parsed.header.account, "2000");
        assert_eq!(parsed.header.receiver.as_deref(), Some("0"));
        assert_eq!(parsed.header.line.as_deref(), Some("0"));
        let Payload::Clear(body) = &parsed.payload else {
            panic!("clear payload expected")
        };
        assert_eq!(body.timestamp, Some(ts()));
        let decoded = content::decode(&parsed.header.id, &body.data).unwrap();
        assert_eq!(decoded.events.len(), 1);
        assert_eq!(decoded.events[0].category, AlarmCategory::PersonalAlarm);
    }

    #[test]
    fn encrypted_frame_parses_back_with_the_key_only() {
        let key = Key::parse("000102030405060708090a0b0c0d0e0f", KeyStyle::Hex).unwrap();
        let mut b = FrameBuilder::new("ABCDEF0123", None, Some("0"), DEFAULT_EVENT, Some(key));
        let mut n = 0u8;
        let mut fill = |buf: &mut [u8]| {
            for x in buf {
                n = n.wrapping_add(13);
                *x = n;
            }
        };
        let frame = b.build(9999, ts(), &mut fill).unwrap();
        let parsed = parse_frame(&frame).unwrap();
        assert!(parsed.header.encrypted);
        assert_eq!(parsed.header.seq, 9999);
        assert_eq!(parsed.header.account, "ABCDEF0123");
        assert!(matches!(parsed.payload, Payload::Encrypted(_)));
        let body = parsed.body(b.key()).unwrap();
        assert_eq!(body.data, b"#ABCDEF0123|Nri1/MA001");
        assert_eq!(body.timestamp, Some(ts()));
        // Without the key, or with another one, the body is not readable.
        assert!(parsed.body(None).is_err());
        let other = Key::from_bytes(&[9; 16]).unwrap();
        assert!(parsed.body(Some(&other)).is_err());
        // The random pad makes two frames of the same content differ.
        let again = b.build(9999, ts(), &mut fill).unwrap();
        assert_ne!(frame, again);
    }

    #[test]
    fn bad_fields_are_refused() {
        let mut b = FrameBuilder::new("2000", None, None, "ri1]MA", None);
        assert_eq!(b.build(1, ts(), &mut |_| {}), Err(EncodeError::Data));
        let mut b = FrameBuilder::new("XYZ", None, None, DEFAULT_EVENT, None);
        assert_eq!(b.build(1, ts(), &mut |_| {}), Err(EncodeError::Account));
    }
}
