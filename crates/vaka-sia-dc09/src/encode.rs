//! Building request frames (SIA-DCS, ADM-CID, NULL; clear and encrypted). Used by tests and
//! simulators; [`crate::response`] builds the answers with the same assembly.

use crate::content::Qualifier;
use crate::crc16;
use crate::crypto::{self, Key};
use crate::frame::{Body, Header, XData};
use crate::framing::{CR, LF, MAX_BODY_LEN};
use crate::timestamp::format_timestamp;

/// Why a frame could not be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// Sequence above 9999.
    #[error("sequence number above 9999")]
    Sequence,
    /// The ID token is empty, too long or has characters other than `A-Z0-9-`.
    #[error("invalid ID token")]
    IdToken,
    /// Receiver or line not 0–6 hex digits (receiver: 1–6).
    #[error("invalid receiver or line")]
    ReceiverOrLine,
    /// Account not 1–16 hex digits.
    #[error("invalid account")]
    Account,
    /// Data or extended data contains `[`, `]`, CR or LF, or an x-data type is not `A`–`Z`.
    #[error("data contains delimiters")]
    Data,
    /// An encrypted frame needs a timestamp.
    #[error("encrypted frames need a timestamp")]
    MissingTimestamp,
    /// The body would not fit the `0LLL` length field.
    #[error("frame too long")]
    TooLong,
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn validate(header: &Header, body: &Body) -> Result<(), EncodeError> {
    if header.seq > 9999 {
        return Err(EncodeError::Sequence);
    }
    let id = header.id.as_str();
    if id.is_empty() || id.len() > 16 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(EncodeError::IdToken);
    }
    if let Some(r) = &header.receiver
        && (r.is_empty() || r.len() > 6 || !is_hex(r))
    {
        return Err(EncodeError::ReceiverOrLine);
    }
    if let Some(l) = &header.line
        && (l.len() > 6 || !is_hex(l))
    {
        return Err(EncodeError::ReceiverOrLine);
    }
    if header.account.is_empty() || header.account.len() > 16 || !is_hex(&header.account) {
        return Err(EncodeError::Account);
    }
    let bad = |v: &[u8]| v.iter().any(|b| matches!(b, b'[' | b']' | b'\r' | b'\n'));
    if bad(&body.data)
        || body
            .xdata
            .iter()
            .any(|x| !x.kind.is_ascii_uppercase() || bad(&x.value))
    {
        return Err(EncodeError::Data);
    }
    Ok(())
}

/// `"ID"SSSS[Rr]L…#acct[` — a missing line is written as `L0` (siadc09 and pysiaalarm
/// require `L`).
pub(crate) fn header_bytes(
    id: &str,
    encrypted: bool,
    seq: u16,
    receiver: Option<&str>,
    line: Option<&str>,
    account: &str,
) -> Vec<u8> {
    let star = if encrypted { "*" } else { "" };
    let mut out = format!("\"{star}{id}\"{seq:04}");
    if let Some(r) = receiver {
        out.push('R');
        out.push_str(r);
    }
    out.push('L');
    out.push_str(line.unwrap_or("0"));
    out.push('#');
    out.push_str(account);
    out.push('[');
    out.into_bytes()
}

/// `data ] [x…]… [_ts]`
fn clear_rest(body: &Body) -> Vec<u8> {
    let mut out = body.data.clone();
    out.push(b']');
    for x in &body.xdata {
        out.push(b'[');
        out.push(x.kind);
        out.extend_from_slice(&x.value);
        out.push(b']');
    }
    if let Some(ts) = body.timestamp {
        out.push(b'_');
        out.extend_from_slice(format_timestamp(ts).as_bytes());
    }
    out
}

/// Adds LF, CRC, length and CR around a body.
pub(crate) fn wrap(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 10);
    out.push(LF);
    out.extend_from_slice(format!("{:04X}{:04X}", crc16(body), body.len()).as_bytes());
    out.extend_from_slice(body);
    out.push(CR);
    out
}

fn finish(mut head: Vec<u8>, rest: &[u8]) -> Result<Vec<u8>, EncodeError> {
    head.extend_from_slice(rest);
    if head.len() > MAX_BODY_LEN {
        return Err(EncodeError::TooLong);
    }
    Ok(wrap(&head))
}

/// A clear frame (`header.encrypted` is ignored).
///
/// # Errors
/// [`EncodeError`] when a field cannot be represented.
pub fn encode_clear(header: &Header, body: &Body) -> Result<Vec<u8>, EncodeError> {
    validate(header, body)?;
    let head = header_bytes(
        header.id.as_str(),
        false,
        header.seq,
        header.receiver.as_deref(),
        header.line.as_deref(),
        &header.account,
    );
    finish(head, &clear_rest(body))
}

/// The encrypted part after `[`: uppercase hex of AES(pad [| data] ] x-data _ts). The `|` is
/// only written when the data is non-empty (DC-09-2026, siadc09).
pub(crate) fn encrypted_rest(
    key: &Key,
    body: &Body,
    fill: &mut dyn FnMut(&mut [u8]),
) -> Result<Vec<u8>, EncodeError> {
    if body.timestamp.is_none() {
        return Err(EncodeError::MissingTimestamp);
    }
    let mut plain = Vec::new();
    if !body.data.is_empty() {
        plain.push(b'|');
    }
    plain.extend_from_slice(&clear_rest(body));
    let ciphertext = crypto::encrypt_with_pad(key, &plain, fill);
    Ok(hex::encode_upper(ciphertext).into_bytes())
}

/// An encrypted frame (`"*ID"`). The body must carry a timestamp. `fill` supplies random
/// bytes for the pad.
///
/// # Errors
/// [`EncodeError`] when a field cannot be represented.
pub fn encode_encrypted(
    header: &Header,
    body: &Body,
    key: &Key,
    fill: &mut dyn FnMut(&mut [u8]),
) -> Result<Vec<u8>, EncodeError> {
    validate(header, body)?;
    let head = header_bytes(
        header.id.as_str(),
        true,
        header.seq,
        header.receiver.as_deref(),
        header.line.as_deref(),
        &header.account,
    );
    finish(head, &encrypted_rest(key, body, fill)?)
}

/// SIA-DCS data `#acct|N…` from DC-03 text such as `ri1/MA5` (the `N` is added).
#[must_use]
pub fn sia_dcs_data(account: Option<&str>, events: &str) -> Vec<u8> {
    let mut out = String::new();
    if let Some(a) = account {
        out.push('#');
        out.push_str(a);
        out.push('|');
    }
    out.push('N');
    out.push_str(events);
    out.into_bytes()
}

/// ADM-CID data `#acct|QEEE GG ZZZ`. `code` is taken modulo 1000, `group` modulo 100 and
/// `zone` modulo 1000, as the fields are fixed-width decimal.
#[must_use]
pub fn adm_cid_data(
    account: Option<&str>,
    qualifier: Qualifier,
    code: u16,
    group: u8,
    zone: u16,
) -> Vec<u8> {
    let q = match qualifier {
        Qualifier::New => '1',
        Qualifier::Restore => '3',
        Qualifier::Status => '6',
    };
    let prefix = account.map(|a| format!("#{a}|")).unwrap_or_default();
    format!(
        "{prefix}{q}{:03} {:02} {:03}",
        code % 1000,
        group % 100,
        zone % 1000
    )
    .into_bytes()
}

/// Convenience: one x-data block.
#[must_use]
pub fn xdata(kind: u8, value: &[u8]) -> XData {
    XData {
        kind,
        value: value.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{IdToken, Payload, parse_frame};
    use jiff::Timestamp;

    fn header(id: IdToken) -> Header {
        Header {
            id,
            encrypted: false,
            seq: 9876,
            receiver: Some("579BDF".into()),
            line: Some("789ABC".into()),
            account: "123456A".into(),
        }
    }

    #[test]
    fn reproduces_the_siadc09_doc_frame() {
        let body = Body {
            data: b"#123456A|NFA129".to_vec(),
            xdata: vec![xdata(b'M', b"1234567890AB")],
            timestamp: None,
        };
        let frame = encode_clear(&header(IdToken::SiaDcs), &body).unwrap();
        assert_eq!(
            frame,
            b"\n8C860043\"SIA-DCS\"9876R579BDFL789ABC#123456A[#123456A|NFA129][M1234567890AB]\r"
        );
    }

    #[test]
    fn reproduces_the_real_panel_frame() {
        let h = Header {
            id: IdToken::SiaDcs,
            encrypted: false,
            seq: 1706,
            receiver: None,
            line: Some("0".into()),
            account: "0000".into(),
        };
        let ts: Timestamp = "2021-12-22T13:36:04Z".parse().unwrap();
        let body = Body {
            data: sia_dcs_data(Some("0000"), "ri1/NP501"),
            xdata: vec![],
            timestamp: Some(ts),
        };
        assert_eq!(
            encode_clear(&h, &body).unwrap(),
            b"\n9337003A\"SIA-DCS\"1706L0#0000[#0000|Nri1/NP501]_13:36:04,12-22-2021\r"
        );
    }

    #[test]
    fn encrypted_round_trip_and_layout() {
        let key = crate::Key::from_bytes(&[0x42; 24]).unwrap();
        let ts: Timestamp = "2026-11-22T10:00:00Z".parse().unwrap();
        let body = Body {
            data: adm_cid_data(Some("123456A"), Qualifier::New, 101, 1, 15),
            xdata: vec![],
            timestamp: Some(ts),
        };
        let frame =
            encode_encrypted(&header(IdToken::AdmCid), &body, &key, &mut |b| b.fill(7)).unwrap();
        let parsed = parse_frame(&frame).unwrap();
        assert!(parsed.header.encrypted);
        assert!(matches!(parsed.payload, Payload::Encrypted(_)));
        assert_eq!(parsed.body(Some(&key)).unwrap(), body);
        let plain = crypto::decrypt(
            &key,
            match &parsed.payload {
                Payload::Encrypted(c) => c,
                Payload::Clear(_) => unreachable!(),
            },
        )
        .unwrap();
        let bar = plain.iter().position(|&b| b == b'|').unwrap();
        assert!((16..=31).contains(&bar), "pad length {bar}");
        assert!(plain.ends_with(b"|1101 01 015]_10:00:00,11-22-2026"));
    }

    #[test]
    fn validation() {
        let body = Body {
            data: vec![],
            xdata: vec![],
            timestamp: None,
        };
        let mut h = header(IdToken::Null);
        h.seq = 10_000;
        assert_eq!(encode_clear(&h, &body), Err(EncodeError::Sequence));
        let mut h = header(IdToken::Null);
        h.account = "12G".into();
        assert_eq!(encode_clear(&h, &body), Err(EncodeError::Account));
        let mut h = header(IdToken::Null);
        h.receiver = Some(String::new());
        assert_eq!(encode_clear(&h, &body), Err(EncodeError::ReceiverOrLine));
        let h = header(IdToken::Other("BAD TOKEN".into()));
        assert_eq!(encode_clear(&h, &body), Err(EncodeError::IdToken));
        let bad = Body {
            data: b"a]b".to_vec(),
            ..body.clone()
        };
        assert_eq!(
            encode_clear(&header(IdToken::Null), &bad),
            Err(EncodeError::Data)
        );
        let key = crate::Key::from_bytes(&[1; 16]).unwrap();
        assert_eq!(
            encode_encrypted(&header(IdToken::Null), &body, &key, &mut |b| b.fill(0)),
            Err(EncodeError::MissingTimestamp)
        );
        let long = Body {
            data: vec![b'A'; MAX_BODY_LEN],
            ..body
        };
        assert_eq!(
            encode_clear(&header(IdToken::Null), &long),
            Err(EncodeError::TooLong)
        );
    }
}
