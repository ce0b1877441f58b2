//! The receiver's answers: ACK (clear, or encrypted `*ACK` with a random pad and our
//! timestamp), NAK (never encrypted, carries our clock), DUH (never encrypted).
//!
//! Echo rules (research §1.3, §7.3): sequence, `R` (only when the request had one), `L` and
//! `#account` are copied exactly as received. When the request had no `L` we answer `L0`,
//! because siadc09 refuses answers without it. A bare `L` is echoed as a bare `L`: the sender
//! that sent it is the one reading our answer.
//!
//! NAK: `"NAK"0000[R…]L…#acct[]_HH:MM:SS,MM-DD-YYYY` (DC-09-2026 form, decodable by siadc09)
//! when we know the account; the classic `"NAK"0000R0L0A0[]_…` (DC-09-2013 example, ioBroker)
//! when the header was unusable. Senders only read the timestamp of a NAK (my_dc09_spt).

use crate::crypto::Key;
use crate::encode::{header_bytes, wrap};
use crate::frame::{Body, Header, PartialHeader};
use crate::timestamp::format_timestamp;
use jiff::Timestamp;

/// Clear `"ACK"SSSS[Rr]L…#acct[]`.
#[must_use]
pub fn ack(request: &Header) -> Vec<u8> {
    let mut body = echo(request, "ACK", false);
    body.push(b']');
    wrap(&body)
}

/// Encrypted `"*ACK"SSSS[Rr]L…#acct[<hex(pad ] _timestamp)>` for an encrypted request
/// (DC-09-2013 §5.5.3.1: pad and timestamp required). `fill` supplies random pad bytes.
#[must_use]
pub fn ack_encrypted(
    request: &Header,
    key: &Key,
    now: Timestamp,
    fill: &mut dyn FnMut(&mut [u8]),
) -> Vec<u8> {
    let mut body = echo(request, "ACK", true);
    let inner = Body {
        data: Vec::new(),
        xdata: Vec::new(),
        timestamp: Some(now),
    };
    // A timestamp is set, so this cannot fail.
    body.extend(crate::encode::encrypted_rest(key, &inner, fill).unwrap_or_default());
    wrap(&body)
}

/// The ACK that matches the request: encrypted with `key` when the request was encrypted.
#[must_use]
pub fn ack_for(
    request: &Header,
    key: Option<&Key>,
    now: Timestamp,
    fill: &mut dyn FnMut(&mut [u8]),
) -> Vec<u8> {
    match (request.encrypted, key) {
        (true, Some(key)) => ack_encrypted(request, key, now, fill),
        _ => ack(request),
    }
}

/// `"DUH"SSSS[Rr]L…#acct[]`.
#[must_use]
pub fn duh(request: &Header) -> Vec<u8> {
    let mut body = echo(request, "DUH", false);
    body.push(b']');
    wrap(&body)
}

/// NAK carrying `now` (our UTC clock). Echoes R/L/account when the account is known;
/// otherwise the classic `R0L0A0` form.
#[must_use]
pub fn nak(request: &PartialHeader, now: Timestamp) -> Vec<u8> {
    let mut body = match &request.account {
        Some(account) => header_bytes(
            "NAK",
            false,
            0,
            request.receiver.as_deref(),
            request.line.as_deref(),
            account,
        ),
        None => b"\"NAK\"0000R0L0A0[".to_vec(),
    };
    body.extend_from_slice(b"]_");
    body.extend_from_slice(format_timestamp(now).as_bytes());
    wrap(&body)
}

fn echo(request: &Header, id: &str, encrypted: bool) -> Vec<u8> {
    header_bytes(
        id,
        encrypted,
        request.seq,
        request.receiver.as_deref(),
        request.line.as_deref(),
        &request.account,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{IdToken, Payload, parse_frame};

    fn request(receiver: Option<&str>, line: Option<&str>) -> Header {
        Header {
            id: IdToken::SiaDcs,
            encrypted: false,
            seq: 42,
            receiver: receiver.map(Into::into),
            line: line.map(Into::into),
            account: "00aB12".into(),
        }
    }

    fn now() -> Timestamp {
        "2026-11-22T15:39:35Z".parse().unwrap()
    }

    #[test]
    fn ack_echoes_exactly() {
        let a = ack(&request(Some("57a"), Some("0")));
        assert_eq!(&a[9..a.len() - 1], b"\"ACK\"0042R57aL0#00aB12[]");
        let parsed = parse_frame(&a).unwrap();
        assert_eq!(parsed.header.id, IdToken::Ack);
        assert_eq!(parsed.header.account, "00aB12");
    }

    #[test]
    fn missing_r_stays_missing_and_missing_l_becomes_l0() {
        let a = ack(&request(None, None));
        assert_eq!(&a[9..a.len() - 1], b"\"ACK\"0042L0#00aB12[]");
        let a = ack(&request(None, Some("")));
        assert_eq!(&a[9..a.len() - 1], b"\"ACK\"0042L#00aB12[]");
    }

    #[test]
    fn duh_echoes() {
        let d = duh(&request(Some("1"), Some("2")));
        assert_eq!(&d[9..d.len() - 1], b"\"DUH\"0042R1L2#00aB12[]");
    }

    #[test]
    fn nak_forms() {
        let mut partial = PartialHeader::from(&request(Some("1"), None));
        let n = nak(&partial, now());
        assert_eq!(
            &n[9..n.len() - 1],
            b"\"NAK\"0000R1L0#00aB12[]_15:39:35,11-22-2026"
        );
        partial.account = None;
        let n = nak(&partial, now());
        assert_eq!(
            &n[9..n.len() - 1],
            b"\"NAK\"0000R0L0A0[]_15:39:35,11-22-2026"
        );
        // The classic form is the one ioBroker.sia sends (CRC from the research notes).
        let old: Timestamp = "2019-05-07T15:39:35Z".parse().unwrap();
        assert_eq!(
            nak(&PartialHeader::default(), old),
            b"\n3C3B0025\"NAK\"0000R0L0A0[]_15:39:35,05-07-2019\r"
        );
    }

    #[test]
    fn encrypted_ack_decrypts_with_timestamp_and_random_pad() {
        let key = Key::parse("AAAAAAAAAAAAAAAA", crate::KeyStyle::Ascii).unwrap();
        let mut req = request(None, Some("0"));
        req.encrypted = true;
        let mut n = 0u8;
        let mut fill = |b: &mut [u8]| {
            for x in b {
                n = n.wrapping_mul(31).wrapping_add(17);
                *x = n;
            }
        };
        let a1 = ack_for(&req, Some(&key), now(), &mut fill);
        let a2 = ack_for(&req, Some(&key), now(), &mut fill);
        assert_ne!(a1, a2, "pad must differ between answers");
        for a in [a1, a2] {
            let parsed = parse_frame(&a).unwrap();
            assert!(parsed.header.encrypted);
            assert_eq!(parsed.header.id, IdToken::Ack);
            assert!(matches!(parsed.payload, Payload::Encrypted(_)));
            let body = parsed.body(Some(&key)).unwrap();
            assert!(body.data.is_empty());
            assert_eq!(body.timestamp, Some(now()));
            // pysiaalarm's constant first block for this key (research §2.1) must not appear.
            assert!(!String::from_utf8_lossy(&a).contains("15397234627DB7086E83AECD1CCB205E"));
        }
        // No key: a clear ACK.
        let clear = ack_for(&req, None, now(), &mut fill);
        assert!(!parse_frame(&clear).unwrap().header.encrypted);
    }
}
