//! Parsing one DC-09 frame:
//!
//! ```text
//! <LF> CCCC 0LLL "ID" SSSS [Rrrr] [Lppp] #aaaa [data] [x-data]… [_HH:MM:SS,MM-DD-YYYY] <CR>
//! ```
//!
//! Strict where safety needs it: CRC-16/ARC and the length must match, the sequence is four
//! decimal digits, the account is 1–16 hex digits, the timestamp is a real UTC instant.
//! Lenient where real devices deviate: lowercase hex in the CRC and length fields and in
//! ciphertext, a bare `L` with no digits, a missing `R`, a missing `L`.
//!
//! A failed parse returns a [`FrameError`] that keeps the header fields parsed so far (so a
//! receiver can echo seq/R/L/account in a DUH) and a [`Disposition`].

use crate::crc16;
use crate::crypto::{self, Key};
use crate::framing::{CR, LF};
use crate::timestamp::{TIMESTAMP_LEN, parse_timestamp};
use jiff::Timestamp;

/// Longest accepted ID token (the longest in DC-09-2026's list, `SIA-PUL`/`SK-FSK1`, is 7;
/// anything much longer is not a token).
const MAX_ID_LEN: usize = 16;
/// `R` and `L` carry 1–6 hex digits (DC-09 §5.5.1.6/7; siadc09 masks them to 24 bits).
const MAX_RL_DIGITS: usize = 6;
/// Accounts are 3–16 hex digits (pysiaalarm); we accept 1–16.
const MAX_ACCOUNT_DIGITS: usize = 16;

/// The quoted message type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdToken {
    /// `SIA-DCS`: DC-03 (SIA) data.
    SiaDcs,
    /// `ADM-CID`: DC-05 (Ademco Contact ID) data.
    AdmCid,
    /// `NULL`: link test / supervision heartbeat.
    Null,
    /// `ACK`: positive answer.
    Ack,
    /// `NAK`: negative answer, carries the receiver's clock.
    Nak,
    /// `DUH`: received but not understood.
    Duh,
    /// `RSP`: answer with data.
    Rsp,
    /// Any other well-formed token (`XNM`, legacy formats…), kept verbatim.
    Other(String),
}

impl IdToken {
    /// The token text without quotes or `*`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::SiaDcs => "SIA-DCS",
            Self::AdmCid => "ADM-CID",
            Self::Null => "NULL",
            Self::Ack => "ACK",
            Self::Nak => "NAK",
            Self::Duh => "DUH",
            Self::Rsp => "RSP",
            Self::Other(s) => s,
        }
    }

    fn from_text(text: &str) -> Self {
        match text {
            "SIA-DCS" => Self::SiaDcs,
            "ADM-CID" => Self::AdmCid,
            "NULL" => Self::Null,
            "ACK" => Self::Ack,
            "NAK" => Self::Nak,
            "DUH" => Self::Duh,
            "RSP" => Self::Rsp,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// The clear-text header. `receiver`, `line` and `account` are the digits exactly as received
/// (case kept), so answers can echo them verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The ID token.
    pub id: IdToken,
    /// `*` before the token: the body is AES-encrypted.
    pub encrypted: bool,
    /// Sequence number 0–9999 (always four digits on the wire).
    pub seq: u16,
    /// Digits after `R`; `None` when there was no `R`.
    pub receiver: Option<String>,
    /// Digits after `L`; `Some("")` for a bare `L`, `None` when there was no `L` at all.
    pub line: Option<String>,
    /// Digits after `#`.
    pub account: String,
}

/// The header fields parsed before an error (all `None` when the error came first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartialHeader {
    /// The ID token, if it was parsed.
    pub id: Option<IdToken>,
    /// Whether the token had `*`.
    pub encrypted: bool,
    /// Sequence number, if parsed.
    pub seq: Option<u16>,
    /// Receiver digits, if parsed and present.
    pub receiver: Option<String>,
    /// Line digits, if parsed and present.
    pub line: Option<String>,
    /// Account digits, if parsed.
    pub account: Option<String>,
}

impl PartialHeader {
    /// The complete header, when every mandatory field was parsed.
    #[must_use]
    pub fn complete(&self) -> Option<Header> {
        Some(Header {
            id: self.id.clone()?,
            encrypted: self.encrypted,
            seq: self.seq?,
            receiver: self.receiver.clone(),
            line: self.line.clone(),
            account: self.account.clone()?,
        })
    }
}

impl From<&Header> for PartialHeader {
    fn from(h: &Header) -> Self {
        Self {
            id: Some(h.id.clone()),
            encrypted: h.encrypted,
            seq: Some(h.seq),
            receiver: h.receiver.clone(),
            line: h.line.clone(),
            account: Some(h.account.clone()),
        }
    }
}

/// One extended-data block `[X…]`: a type letter and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XData {
    /// The type character (`A`…`Z`, e.g. `M` MAC address, `H` time of occurrence, `V` URL).
    pub kind: u8,
    /// The bytes after the type character.
    pub value: Vec<u8>,
}

/// The clear (or decrypted) part of a frame after the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    /// The bytes inside the mandatory data brackets (may be empty, e.g. NULL).
    pub data: Vec<u8>,
    /// Extended-data blocks in order.
    pub xdata: Vec<XData>,
    /// The message timestamp (UTC), if present.
    pub timestamp: Option<Timestamp>,
}

/// The part after the header: clear, or still encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    /// A clear frame.
    Clear(Body),
    /// An encrypted frame: the ciphertext (hex-decoded; a multiple of 16 bytes).
    Encrypted(Vec<u8>),
}

/// A parsed frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The clear-text header.
    pub header: Header,
    /// The body.
    pub payload: Payload,
}

impl Frame {
    /// The clear body: as is for a clear frame, decrypted with `key` for an encrypted one.
    /// An encrypted frame must carry a timestamp (DC-09 §5.4.4.3); `key` is ignored for clear
    /// frames (whether a clear frame is acceptable for the account is the receiver's policy).
    ///
    /// # Errors
    /// [`ErrorKind::MissingKey`], [`ErrorKind::Decrypt`], [`ErrorKind::MissingTimestamp`] or a
    /// body format error, all with the header attached.
    pub fn body(&self, key: Option<&Key>) -> Result<Body, FrameError> {
        let fail = |kind| FrameError {
            kind,
            header: Box::new(PartialHeader::from(&self.header)),
        };
        match &self.payload {
            Payload::Clear(body) => Ok(body.clone()),
            Payload::Encrypted(ciphertext) => {
                let key = key.ok_or_else(|| fail(ErrorKind::MissingKey))?;
                let plain =
                    crypto::decrypt(key, ciphertext).map_err(|_| fail(ErrorKind::Decrypt))?;
                let start = plaintext_data_start(&plain).ok_or_else(|| fail(ErrorKind::Decrypt))?;
                // Everything from the data on must be text like a clear body; garbage here
                // means a wrong key.
                let body = parse_body(&plain[start..]).map_err(|kind| {
                    fail(match kind {
                        ErrorKind::BadData | ErrorKind::BadXData | ErrorKind::TrailingBytes => {
                            ErrorKind::Decrypt
                        }
                        other => other,
                    })
                })?;
                if body.timestamp.is_none() {
                    return Err(fail(ErrorKind::MissingTimestamp));
                }
                Ok(body)
            }
        }
    }
}

/// Where the data starts in a decrypted body `pad [| data] ] x-data _timestamp`.
///
/// The pad is searched, not counted: peers pad with 16–31 bytes (DC-09-2026), fewer
/// (pysiaalarm), or put `|` before an empty data field (my_dc09_spt's NULL). The pad never
/// contains `[`, `]` or `|`. Returns the index just after `|`, or of the `]` when there is no
/// `|` before it (empty data, siadc09's NULL/ACK form).
fn plaintext_data_start(plain: &[u8]) -> Option<usize> {
    let close = plain.iter().position(|&b| b == b']')?;
    match plain[..close].iter().position(|&b| b == b'|') {
        Some(bar) => Some(bar + 1),
        None => Some(close),
    }
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// Not `LF … CR`, or LF/CR inside.
    #[error("not an LF…CR frame")]
    NotFramed,
    /// Too short to hold CRC and length.
    #[error("frame too short")]
    TooShort,
    /// CRC field is not 4 hex digits.
    #[error("malformed CRC field")]
    BadCrcField,
    /// Length field is not 4 hex digits.
    #[error("malformed length field")]
    BadLengthField,
    /// CRC mismatch.
    #[error("CRC mismatch: field {declared:04X}, computed {computed:04X}")]
    Crc {
        /// CRC in the frame.
        declared: u16,
        /// CRC of the bytes received.
        computed: u16,
    },
    /// Length mismatch.
    #[error("length mismatch: field {declared}, actual {actual}")]
    Length {
        /// Length in the frame.
        declared: usize,
        /// Length of the bytes received.
        actual: usize,
    },
    /// The ID token is not `"…"` with 1–16 token characters.
    #[error("malformed ID token")]
    BadIdToken,
    /// The sequence is not four decimal digits.
    #[error("malformed sequence number")]
    BadSequence,
    /// `R` not followed by at most six hex digits.
    #[error("malformed receiver number")]
    BadReceiver,
    /// `L` not followed by at most six hex digits.
    #[error("malformed account prefix (line)")]
    BadLine,
    /// No `#` with 1–16 hex digits before the data.
    #[error("malformed account")]
    BadAccount,
    /// The mandatory `[data]` is missing or broken.
    #[error("malformed data field")]
    BadData,
    /// An extended data block is malformed.
    #[error("malformed extended data")]
    BadXData,
    /// The timestamp is malformed or not a real date.
    #[error("malformed timestamp")]
    BadTimestamp,
    /// Bytes after the last field.
    #[error("unexpected bytes after the body")]
    TrailingBytes,
    /// The ciphertext is not hex of whole AES blocks.
    #[error("malformed ciphertext")]
    BadCiphertext,
    /// An encrypted frame but no key for the account.
    #[error("no key for an encrypted frame")]
    MissingKey,
    /// Decryption gave no well-formed body (wrong key, or garbage).
    #[error("cannot decrypt")]
    Decrypt,
    /// An encrypted frame without the mandatory timestamp.
    #[error("encrypted frame without timestamp")]
    MissingTimestamp,
}

/// What a receiver should answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disposition {
    /// Send nothing: the frame is damaged in transit (bad framing, CRC or length), so its
    /// header cannot be trusted to echo. The sender retries on its answer timeout.
    Drop,
    /// Answer NAK (with the receiver's clock): the sender should fix the message (clock, key,
    /// header) and resend.
    Nak,
    /// Answer DUH: received intact but cannot be processed.
    Duh,
}

impl ErrorKind {
    /// The answer this error calls for.
    ///
    /// The research notes (§1.3) could not confirm DC-09 §5.5.1.2's rule for CRC errors;
    /// peers differ (pysiaalarm answers a bare `\n\r`, siadc09 raises). We drop: a corrupted
    /// frame's header is not trustworthy, and the sender retries after its timeout.
    #[must_use]
    pub fn disposition(self) -> Disposition {
        match self {
            Self::NotFramed
            | Self::TooShort
            | Self::BadCrcField
            | Self::BadLengthField
            | Self::Crc { .. }
            | Self::Length { .. } => Disposition::Drop,
            // An intact frame with a header we cannot use: the NAK does not need an echo.
            Self::BadIdToken
            | Self::BadSequence
            | Self::BadReceiver
            | Self::BadLine
            | Self::BadAccount => Disposition::Nak,
            // Undecryptable / unknown key / timestamp problems: NAK (observed practice,
            // research §7.6; the NAK carries our clock so the sender can resynchronise).
            Self::BadCiphertext
            | Self::MissingKey
            | Self::Decrypt
            | Self::MissingTimestamp
            | Self::BadTimestamp => Disposition::Nak,
            Self::BadData | Self::BadXData | Self::TrailingBytes => Disposition::Duh,
        }
    }
}

/// A parse error with the header fields parsed before it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct FrameError {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Header fields parsed before the error (boxed to keep `Result`s small).
    pub header: Box<PartialHeader>,
}

impl FrameError {
    /// The answer this error calls for.
    #[must_use]
    pub fn disposition(&self) -> Disposition {
        self.kind.disposition()
    }
}

fn hex_value(digits: &[u8]) -> Option<u16> {
    if digits.len() != 4 {
        return None;
    }
    digits.iter().try_fold(0u16, |acc, &d| {
        let v = char::from(d).to_digit(16)?;
        Some(acc * 16 + u16::try_from(v).ok()?)
    })
}

/// Parses one frame, LF and CR included (as produced by [`crate::framing::Deframer`]).
///
/// # Errors
/// A [`FrameError`]; see [`ErrorKind::disposition`].
pub fn parse_frame(frame: &[u8]) -> Result<Frame, FrameError> {
    let mut partial = PartialHeader::default();
    let fail = |kind, partial: &PartialHeader| FrameError {
        kind,
        header: Box::new(partial.clone()),
    };
    let Some((&LF, rest)) = frame.split_first() else {
        return Err(fail(ErrorKind::NotFramed, &partial));
    };
    let Some((&CR, inner)) = rest.split_last() else {
        return Err(fail(ErrorKind::NotFramed, &partial));
    };
    if inner.iter().any(|&b| b == LF || b == CR) {
        return Err(fail(ErrorKind::NotFramed, &partial));
    }
    if inner.len() < 8 {
        return Err(fail(ErrorKind::TooShort, &partial));
    }
    let declared_crc =
        hex_value(&inner[0..4]).ok_or_else(|| fail(ErrorKind::BadCrcField, &partial))?;
    let declared_len =
        hex_value(&inner[4..8]).ok_or_else(|| fail(ErrorKind::BadLengthField, &partial))?;
    let body = &inner[8..];
    let computed = crc16(body);
    if computed != declared_crc {
        return Err(fail(
            ErrorKind::Crc {
                declared: declared_crc,
                computed,
            },
            &partial,
        ));
    }
    if usize::from(declared_len) != body.len() {
        return Err(fail(
            ErrorKind::Length {
                declared: usize::from(declared_len),
                actual: body.len(),
            },
            &partial,
        ));
    }

    // "ID" or "*ID"
    let mut cur = Cursor {
        bytes: body,
        pos: 0,
    };
    if !cur.eat(b'"') {
        return Err(fail(ErrorKind::BadIdToken, &partial));
    }
    partial.encrypted = cur.eat(b'*');
    let token = cur.take_while(|b| b.is_ascii_alphanumeric() || b == b'-');
    if token.is_empty() || token.len() > MAX_ID_LEN || !cur.eat(b'"') {
        return Err(fail(ErrorKind::BadIdToken, &partial));
    }
    // Only ASCII alphanumerics and '-' were taken, so this is valid UTF-8.
    let token = String::from_utf8_lossy(token);
    partial.id = Some(IdToken::from_text(&token));

    // SSSS: four decimal digits.
    let seq = cur.take_n(4).filter(|s| s.iter().all(u8::is_ascii_digit));
    let Some(seq) = seq else {
        return Err(fail(ErrorKind::BadSequence, &partial));
    };
    partial.seq = Some(
        seq.iter()
            .fold(0u16, |acc, &d| acc * 10 + u16::from(d - b'0')),
    );

    // Optional Rrrr, optional Lppp (bare L allowed), then #acct.
    if cur.eat(b'R') {
        let digits = cur.take_while(|b| b.is_ascii_hexdigit());
        if digits.is_empty() || digits.len() > MAX_RL_DIGITS {
            return Err(fail(ErrorKind::BadReceiver, &partial));
        }
        partial.receiver = Some(String::from_utf8_lossy(digits).into_owned());
    }
    if cur.eat(b'L') {
        let digits = cur.take_while(|b| b.is_ascii_hexdigit());
        if digits.len() > MAX_RL_DIGITS {
            return Err(fail(ErrorKind::BadLine, &partial));
        }
        partial.line = Some(String::from_utf8_lossy(digits).into_owned());
    }
    if !cur.eat(b'#') {
        return Err(fail(ErrorKind::BadAccount, &partial));
    }
    let account = cur.take_while(|b| b.is_ascii_hexdigit());
    if account.is_empty() || account.len() > MAX_ACCOUNT_DIGITS || cur.peek() != Some(b'[') {
        return Err(fail(ErrorKind::BadAccount, &partial));
    }
    partial.account = Some(String::from_utf8_lossy(account).into_owned());
    let Some(header) = partial.complete() else {
        // Unreachable: every mandatory field was set above.
        return Err(fail(ErrorKind::BadAccount, &partial));
    };
    cur.pos += 1; // '['
    let after_bracket = &body[cur.pos..];

    let payload = if header.encrypted {
        if after_bracket.is_empty()
            || !after_bracket.len().is_multiple_of(32)
            || !after_bracket.iter().all(u8::is_ascii_hexdigit)
        {
            return Err(fail(ErrorKind::BadCiphertext, &partial));
        }
        let ciphertext =
            hex::decode(after_bracket).map_err(|_| fail(ErrorKind::BadCiphertext, &partial))?;
        Payload::Encrypted(ciphertext)
    } else {
        Payload::Clear(parse_body(after_bracket).map_err(|kind| fail(kind, &partial))?)
    };
    Ok(Frame { header, payload })
}

/// Parses `data ] [x-data]… [_timestamp]` (the opening `[` already consumed).
fn parse_body(bytes: &[u8]) -> Result<Body, ErrorKind> {
    let close = bytes
        .iter()
        .position(|&b| b == b']')
        .ok_or(ErrorKind::BadData)?;
    let data = &bytes[..close];
    if data.contains(&b'[') {
        return Err(ErrorKind::BadData);
    }
    let mut rest = &bytes[close + 1..];
    let mut xdata = Vec::new();
    while let Some(after) = rest.strip_prefix(b"[") {
        let close = after
            .iter()
            .position(|&b| b == b']')
            .ok_or(ErrorKind::BadXData)?;
        let block = &after[..close];
        let Some((&kind, value)) = block.split_first() else {
            return Err(ErrorKind::BadXData);
        };
        if !kind.is_ascii_uppercase() || value.contains(&b'[') {
            return Err(ErrorKind::BadXData);
        }
        xdata.push(XData {
            kind,
            value: value.to_vec(),
        });
        rest = &after[close + 1..];
    }
    let timestamp = match rest.split_first() {
        None => None,
        Some((b'_', ts)) if ts.len() == TIMESTAMP_LEN => {
            Some(parse_timestamp(ts).ok_or(ErrorKind::BadTimestamp)?)
        }
        Some((b'_', _)) => return Err(ErrorKind::BadTimestamp),
        Some(_) => return Err(ErrorKind::TrailingBytes),
    };
    Ok(Body {
        data: data.to_vec(),
        xdata,
        timestamp,
    })
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        &self.bytes[start..self.pos]
    }

    fn take_n(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.pos..self.pos + n)?;
        self.pos += n;
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(body: &[u8]) -> Vec<u8> {
        let mut f = format!("\n{:04X}{:04X}", crc16(body), body.len()).into_bytes();
        f.extend_from_slice(body);
        f.push(CR);
        f
    }

    #[test]
    fn siadc09_doc_frame() {
        let f = parse_frame(
            b"\n8C860043\"SIA-DCS\"9876R579BDFL789ABC#123456A[#123456A|NFA129][M1234567890AB]\r",
        )
        .expect("valid");
        assert_eq!(f.header.id, IdToken::SiaDcs);
        assert!(!f.header.encrypted);
        assert_eq!(f.header.seq, 9876);
        assert_eq!(f.header.receiver.as_deref(), Some("579BDF"));
        assert_eq!(f.header.line.as_deref(), Some("789ABC"));
        assert_eq!(f.header.account, "123456A");
        let Payload::Clear(body) = f.payload else {
            panic!("clear frame expected")
        };
        assert_eq!(body.data, b"#123456A|NFA129");
        assert_eq!(
            body.xdata,
            vec![XData {
                kind: b'M',
                value: b"1234567890AB".to_vec()
            }]
        );
        assert_eq!(body.timestamp, None);
    }

    #[test]
    fn real_panel_frames() {
        let f = parse_frame(
            b"\n9337003A\"SIA-DCS\"1706L0#0000[#0000|Nri1/NP501]_13:36:04,12-22-2021\r",
        )
        .expect("valid");
        assert_eq!(f.header.receiver, None);
        assert_eq!(f.header.line.as_deref(), Some("0"));
        let body = f.body(None).expect("clear");
        assert_eq!(
            body.timestamp.map(|t| t.to_string()).as_deref(),
            Some("2021-12-22T13:36:04Z")
        );

        // Bare `L` (ioBroker.sia #11).
        let f = parse_frame(b"\nBB86002C\"NULL\"0001L#7303658550[]_15:39:38,06-07-2019\r")
            .expect("bare L accepted");
        assert_eq!(f.header.id, IdToken::Null);
        assert_eq!(f.header.line.as_deref(), Some(""));
        assert_eq!(f.header.account, "7303658550");
    }

    #[test]
    fn iobroker_nak_with_a0_is_not_an_account() {
        // `A0` is the classic NAK form; it has no `#account`, so as a request it is refused.
        // `A` is a hex digit, so the line reads as `0A0` before the missing `#` is noticed.
        let err = parse_frame(b"\n3C3B0025\"NAK\"0000R0L0A0[]_15:39:35,05-07-2019\r").unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadAccount);
        assert_eq!(err.disposition(), Disposition::Nak);
        assert_eq!(err.header.line.as_deref(), Some("0A0"));
        assert_eq!(err.header.receiver.as_deref(), Some("0"));
    }

    #[test]
    fn lowercase_crc_and_length_accepted() {
        let body = br#""SIA-DCS"0002L0#ABCD[#ABCD|Nri1/MA5]"#;
        let f = format!("\n{:04x}{:04x}", crc16(body), body.len());
        let mut frame = f.into_bytes();
        frame.extend_from_slice(body);
        frame.push(CR);
        assert!(
            frame[1..9].iter().any(u8::is_ascii_lowercase),
            "test needs a-f digits"
        );
        assert!(parse_frame(&frame).is_ok());
    }

    #[test]
    fn missing_l_and_missing_r_accepted() {
        let f = parse_frame(&with_header(br#""NULL"0000#123[]"#)).expect("valid");
        assert_eq!(f.header.line, None);
        assert_eq!(f.header.receiver, None);
    }

    #[test]
    fn crc_error_is_dropped() {
        let mut frame = with_header(br#""NULL"0000L0#123[]"#);
        frame[1] = if frame[1] == b'0' { b'1' } else { b'0' };
        let err = parse_frame(&frame).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Crc { .. }));
        assert_eq!(err.disposition(), Disposition::Drop);
    }

    #[test]
    fn length_error_is_dropped() {
        let body = br#""NULL"0000L0#123[]"#;
        let mut frame = format!("\n{:04X}{:04X}", crc16(body), body.len() + 1).into_bytes();
        frame.extend_from_slice(body);
        frame.push(CR);
        let err = parse_frame(&frame).unwrap_err();
        assert_eq!(
            err.kind,
            ErrorKind::Length {
                declared: body.len() + 1,
                actual: body.len()
            }
        );
        assert_eq!(err.disposition(), Disposition::Drop);
    }

    #[test]
    fn errors_keep_the_parsed_header() {
        let err = parse_frame(&with_header(br#""SIA-DCS"0042R1L2#BEEF[oops"#)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadData);
        assert_eq!(err.disposition(), Disposition::Duh);
        let h = err.header.complete().expect("full header");
        assert_eq!((h.seq, h.account.as_str()), (42, "BEEF"));
        assert_eq!(h.receiver.as_deref(), Some("1"));
        assert_eq!(h.line.as_deref(), Some("2"));
    }

    #[test]
    fn header_field_errors() {
        let cases: [(&[u8], ErrorKind); 9] = [
            (br#"SIA-DCS"0001L0#1[]"#, ErrorKind::BadIdToken),
            (br#""SIA DCS"0001L0#1[]"#, ErrorKind::BadIdToken),
            (br#"""0001L0#1[]"#, ErrorKind::BadIdToken),
            (br#""NULL"00a1L0#1[]"#, ErrorKind::BadSequence),
            (br#""NULL"001"#, ErrorKind::BadSequence),
            (br#""NULL"0001RL0#1[]"#, ErrorKind::BadReceiver),
            (br#""NULL"0001L1234567#1[]"#, ErrorKind::BadLine),
            (br#""NULL"0001L0#[]"#, ErrorKind::BadAccount),
            (br#""NULL"0001L0#12G[]"#, ErrorKind::BadAccount),
        ];
        for (body, kind) in cases {
            let err = parse_frame(&with_header(body)).unwrap_err();
            assert_eq!(err.kind, kind, "{}", String::from_utf8_lossy(body));
            assert_eq!(err.disposition(), Disposition::Nak);
        }
    }

    #[test]
    fn body_errors() {
        let cases: [(&[u8], ErrorKind); 6] = [
            (
                br#""NULL"0001L0#1[]_13:36:04,12-22-21"#,
                ErrorKind::BadTimestamp,
            ),
            (
                br#""NULL"0001L0#1[]_13:36:04,02-30-2021"#,
                ErrorKind::BadTimestamp,
            ),
            (br#""NULL"0001L0#1[]x"#, ErrorKind::TrailingBytes),
            (br#""NULL"0001L0#1[][M12"#, ErrorKind::BadXData),
            (br#""NULL"0001L0#1[][]"#, ErrorKind::BadXData),
            (br#""NULL"0001L0#1[a[b]"#, ErrorKind::BadData),
        ];
        for (body, kind) in cases {
            let err = parse_frame(&with_header(body)).unwrap_err();
            assert_eq!(err.kind, kind, "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn unknown_token_parses_and_is_kept() {
        let f = parse_frame(&with_header(br#""XNM"0001L0#1[][C1]"#)).expect("valid");
        assert_eq!(f.header.id, IdToken::Other("XNM".into()));
    }

    #[test]
    fn encrypted_frame_needs_whole_blocks() {
        let err = parse_frame(&with_header(br#""*NULL"0001L0#1[ABCD"#)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadCiphertext);
        assert_eq!(err.disposition(), Disposition::Nak);
        let f = parse_frame(&with_header(
            br#""*NULL"0001L0#1[00112233445566778899aabbccddeeff"#,
        ))
        .expect("shape ok");
        assert!(f.header.encrypted);
        assert!(matches!(f.payload, Payload::Encrypted(ref c) if c.len() == 16));
        assert_eq!(f.body(None).unwrap_err().kind, ErrorKind::MissingKey);
    }

    #[test]
    fn plaintext_data_start_variants() {
        assert_eq!(
            plaintext_data_start(b"0123456789abcdef|#1|Nri1/MA5]_x"),
            Some(17)
        );
        assert_eq!(plaintext_data_start(b"0123456789abcdef]_x"), Some(16));
        assert_eq!(plaintext_data_start(b"0123456789abcdef|]_x"), Some(17));
        assert_eq!(plaintext_data_start(b"no close"), None);
    }
}
