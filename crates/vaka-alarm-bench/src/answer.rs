//! Sorting a receiver's answer into ACK, NAK, DUH or other, and finding the frame it answers.

use vaka_sia_dc09::Key;
use vaka_sia_dc09::frame::{IdToken, parse_frame};

/// What kind of answer a frame got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `ACK` for our account, encrypted exactly when the request was (and then decryptable
    /// with our key, with its mandatory timestamp).
    Ack,
    /// `NAK` (the receiver refused the frame, typically clock or key).
    Nak,
    /// `DUH` (received but not understood).
    Duh,
    /// Anything else: unparseable, another token, an ACK for another account, a clear ACK to an
    /// encrypted frame or an encrypted ACK that does not decrypt.
    Other,
}

/// A classified answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answer {
    /// Its kind.
    pub kind: Kind,
    /// The sequence number it echoes, when it echoes one: a NAK carries `0000` (DC-09), so it
    /// has none and answers the oldest waiting frame, like an unparseable answer.
    pub seq: Option<u16>,
}

/// Classifies one deframed answer (LF…CR) to a frame of `account`, sent encrypted with `key`
/// when there is one.
#[must_use]
pub fn classify(frame: &[u8], account: &str, key: Option<&Key>) -> Answer {
    let parsed = match parse_frame(frame) {
        Ok(f) => f,
        // A NAK or DUH whose token is readable but whose header is not still says NAK or
        // DUH (pysiaalarm's own NAK is `"NAK"0000L0R0A0[]…`, `L` before `R`). A malformed ACK
        // stays other: a device relies on its echo.
        Err(e) => {
            let (kind, seq) = match e.header.id {
                Some(IdToken::Nak) => (Kind::Nak, None),
                Some(IdToken::Duh) => (Kind::Duh, e.header.seq),
                _ => (Kind::Other, e.header.seq),
            };
            return Answer { kind, seq };
        }
    };
    let h = &parsed.header;
    let seq = Some(h.seq);
    let kind = match h.id {
        IdToken::Nak => {
            return Answer {
                kind: Kind::Nak,
                seq: None,
            };
        }
        IdToken::Duh => Kind::Duh,
        IdToken::Ack => {
            let same_account = h.account.eq_ignore_ascii_case(account);
            let readable = match (h.encrypted, key) {
                (false, None) => true,
                (true, Some(key)) => parsed.body(Some(key)).is_ok(),
                _ => false,
            };
            if same_account && readable {
                Kind::Ack
            } else {
                Kind::Other
            }
        }
        _ => Kind::Other,
    };
    Answer { kind, seq }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use vaka_sia_dc09::frame::{Header, PartialHeader};
    use vaka_sia_dc09::response;

    fn request(encrypted: bool) -> Header {
        Header {
            id: IdToken::SiaDcs,
            encrypted,
            seq: 17,
            receiver: Some("0".into()),
            line: Some("0".into()),
            account: "2000".into(),
        }
    }

    fn now() -> Timestamp {
        "2026-11-22T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn clear_answers() {
        let ack = response::ack(&request(false));
        assert_eq!(
            classify(&ack, "2000", None),
            Answer {
                kind: Kind::Ack,
                seq: Some(17)
            }
        );
        // An ACK for another account is not ours.
        assert_eq!(classify(&ack, "2001", None).kind, Kind::Other);
        let duh = response::duh(&request(false));
        assert_eq!(
            classify(&duh, "2000", None),
            Answer {
                kind: Kind::Duh,
                seq: Some(17)
            }
        );
        let nak = response::nak(&PartialHeader::from(&request(false)), now());
        assert_eq!(
            classify(&nak, "2000", None),
            Answer {
                kind: Kind::Nak,
                seq: None
            }
        );
        // pysiaalarm's NAK has `L` before `R`: malformed, but a NAK.
        let body = br#""NAK"0000L0R0A0[]_06:02:20,12-01-2026"#;
        let mut pysia_nak =
            format!("\n{:04X}{:04X}", vaka_sia_dc09::crc16(body), body.len()).into_bytes();
        pysia_nak.extend_from_slice(body);
        pysia_nak.push(b'\r');
        assert!(parse_frame(&pysia_nak).is_err());
        assert_eq!(
            classify(&pysia_nak, "2000", None),
            Answer {
                kind: Kind::Nak,
                seq: None
            }
        );
        // pysiaalarm answers a CRC error with a bare LF CR.
        assert_eq!(
            classify(b"\n\r", "2000", None),
            Answer {
                kind: Kind::Other,
                seq: None
            }
        );
    }

    #[test]
    fn encrypted_answers() {
        let key = Key::from_bytes(&[5; 24]).unwrap();
        let req = request(true);
        let ack = response::ack_for(&req, Some(&key), now(), &mut |b| b.fill(3));
        assert_eq!(classify(&ack, "2000", Some(&key)).kind, Kind::Ack);
        // Another key cannot read it.
        let wrong = Key::from_bytes(&[6; 24]).unwrap();
        assert_eq!(classify(&ack, "2000", Some(&wrong)).kind, Kind::Other);
        // A clear ACK to an encrypted frame breaks DC-09.
        let clear = response::ack(&req);
        assert_eq!(classify(&clear, "2000", Some(&key)).kind, Kind::Other);
    }
}
