//! Cutting a byte stream into `LF … CR` frames.
//!
//! DC-09 frames start with LF (0x0A) and end with CR (0x0D); neither may occur inside a frame.
//! TCP reads do not line up with frames (several frames per read, frames split across reads,
//! keep-alive and connection-per-message senders), so a receiver feeds every read into one
//! [`Deframer`] per connection and handles the [`DeframeEvent`]s. A UDP datagram carries one
//! frame; [`deframe_datagram`] handles that case.
//!
//! Memory is bounded: the deframer never buffers more than its cap. The default cap
//! [`DEFAULT_MAX_FRAME_LEN`] is the largest frame the length field can describe: the field is
//! `0LLL` (first character `0`, DC-09 §5.5.1.4; siadc09 emits `0%03X`), so the body is at most
//! 0xFFF = 4095 bytes, plus LF, 4 CRC characters, 4 length characters and CR = 4105 bytes.

/// Start of a frame.
pub const LF: u8 = 0x0A;
/// End of a frame.
pub const CR: u8 = 0x0D;
/// Largest body (from the ID token's opening quote to just before CR) that a `0LLL` length field
/// can describe.
pub const MAX_BODY_LEN: usize = 0x0FFF;
/// Largest complete frame, LF and CR included: LF + CRC(4) + length(4) + body + CR.
pub const DEFAULT_MAX_FRAME_LEN: usize = 1 + 4 + 4 + MAX_BODY_LEN + 1;

/// What the deframer found in the bytes fed to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeframeEvent {
    /// A complete frame, LF and CR included, ready for [`crate::frame::parse_frame`].
    Frame(Vec<u8>),
    /// Bytes outside any frame (or an unfinished frame cut off by a new LF), discarded.
    Garbage {
        /// Number of discarded bytes.
        len: usize,
    },
    /// A frame grew past the cap. Its buffered bytes were discarded; bytes up to the next CR or
    /// LF are then discarded too and reported as [`DeframeEvent::Garbage`].
    Oversized {
        /// Number of buffered bytes that were discarded (the cap).
        len: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between frames: everything but LF is garbage.
    Idle,
    /// After an LF: collecting into the buffer.
    InFrame,
    /// After an oversized frame: discarding until CR (end of that frame) or LF (a new frame).
    Discarding,
}

/// Incremental `LF … CR` deframer with a bounded buffer. See the module docs.
#[derive(Debug, Clone)]
pub struct Deframer {
    buf: Vec<u8>,
    max_frame_len: usize,
    state: State,
    garbage: usize,
}

impl Default for Deframer {
    fn default() -> Self {
        Self::new()
    }
}

impl Deframer {
    /// A deframer with the default cap [`DEFAULT_MAX_FRAME_LEN`].
    #[must_use]
    pub fn new() -> Self {
        Self::with_max_frame_len(DEFAULT_MAX_FRAME_LEN)
    }

    /// A deframer that holds at most `max_frame_len` bytes (at least 2: LF and CR).
    #[must_use]
    pub fn with_max_frame_len(max_frame_len: usize) -> Self {
        Self {
            buf: Vec::new(),
            max_frame_len: max_frame_len.max(2),
            state: State::Idle,
            garbage: 0,
        }
    }

    /// The cap on buffered bytes.
    #[must_use]
    pub fn max_frame_len(&self) -> usize {
        self.max_frame_len
    }

    /// Bytes currently buffered for an unfinished frame (never more than the cap).
    #[must_use]
    pub fn buffered_len(&self) -> usize {
        self.buf.len()
    }

    /// True when no unfinished frame is buffered (a TCP peer closing now loses nothing).
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.state == State::Idle && self.buf.is_empty()
    }

    /// Feeds the next bytes of the stream. Garbage runs still open at the end of `bytes` are
    /// reported at once (so a receiver can react to a noisy peer without waiting for more data).
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<DeframeEvent> {
        let mut events = Vec::new();
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.state {
                State::Idle => {
                    let lf = rest.iter().position(|&b| b == LF);
                    let skip = lf.unwrap_or(rest.len());
                    self.garbage += skip;
                    rest = &rest[skip..];
                    if lf.is_some() {
                        self.flush_garbage(&mut events);
                        self.start_frame();
                        rest = &rest[1..];
                    }
                }
                State::InFrame => {
                    let end = rest.iter().position(|&b| b == LF || b == CR);
                    let take = end.unwrap_or(rest.len());
                    let room = self.max_frame_len - self.buf.len();
                    // The closing CR needs one byte of room as well.
                    let needed = take + usize::from(matches!(end, Some(i) if rest[i] == CR));
                    if needed > room {
                        events.push(DeframeEvent::Oversized {
                            len: self.buf.len(),
                        });
                        self.buf.clear();
                        self.buf.shrink_to(self.max_frame_len.min(256));
                        self.state = State::Discarding;
                        continue;
                    }
                    self.buf.extend_from_slice(&rest[..take]);
                    rest = &rest[take..];
                    match end {
                        Some(_) if rest[0] == CR => {
                            self.buf.push(CR);
                            rest = &rest[1..];
                            events.push(DeframeEvent::Frame(std::mem::take(&mut self.buf)));
                            self.state = State::Idle;
                        }
                        Some(_) => {
                            // A new LF before the CR: the unfinished frame is garbage and the LF
                            // starts the next frame (resynchronisation).
                            events.push(DeframeEvent::Garbage {
                                len: self.buf.len(),
                            });
                            self.start_frame();
                            rest = &rest[1..];
                        }
                        None => {}
                    }
                }
                State::Discarding => {
                    let end = rest.iter().position(|&b| b == LF || b == CR);
                    match end {
                        Some(i) if rest[i] == CR => {
                            self.garbage += i + 1;
                            rest = &rest[i + 1..];
                            self.state = State::Idle;
                        }
                        Some(i) => {
                            self.garbage += i;
                            rest = &rest[i + 1..];
                            self.flush_garbage(&mut events);
                            self.start_frame();
                        }
                        None => {
                            self.garbage += rest.len();
                            rest = &[];
                        }
                    }
                }
            }
        }
        self.flush_garbage(&mut events);
        events
    }

    /// Ends the stream (peer closed, or the datagram is over). An unfinished frame is reported
    /// as garbage.
    pub fn finish(&mut self) -> Option<DeframeEvent> {
        let len = self.buf.len() + self.garbage;
        self.buf = Vec::new();
        self.garbage = 0;
        self.state = State::Idle;
        (len > 0).then_some(DeframeEvent::Garbage { len })
    }

    fn start_frame(&mut self) {
        self.buf.clear();
        self.buf.push(LF);
        self.state = State::InFrame;
    }

    fn flush_garbage(&mut self, events: &mut Vec<DeframeEvent>) {
        if self.garbage > 0 {
            events.push(DeframeEvent::Garbage { len: self.garbage });
            self.garbage = 0;
        }
    }
}

/// Deframes one UDP datagram: a datagram is self-contained, so an unfinished frame at its end
/// is garbage rather than something to wait for.
#[must_use]
pub fn deframe_datagram(datagram: &[u8], max_frame_len: usize) -> Vec<DeframeEvent> {
    let mut deframer = Deframer::with_max_frame_len(max_frame_len);
    let mut events = deframer.feed(datagram);
    events.extend(deframer.finish());
    events
}

#[cfg(test)]
mod tests {
    use super::*;

    const F1: &[u8] = b"\n9337003A\"SIA-DCS\"1706L0#0000[#0000|Nri1/NP501]_13:36:04,12-22-2021\r";
    const F2: &[u8] = b"\nBB86002C\"NULL\"0001L#7303658550[]_15:39:38,06-07-2019\r";

    fn frames(events: &[DeframeEvent]) -> Vec<&[u8]> {
        events
            .iter()
            .filter_map(|e| match e {
                DeframeEvent::Frame(f) => Some(f.as_slice()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn several_frames_in_one_read() {
        let mut d = Deframer::new();
        let input = [F1, F2, F1].concat();
        let events = d.feed(&input);
        assert_eq!(events.len(), 3);
        assert_eq!(frames(&events), vec![F1, F2, F1]);
        assert!(d.is_idle());
    }

    #[test]
    fn frame_split_at_every_position() {
        let input = [F1, F2].concat();
        for cut in 0..=input.len() {
            let mut d = Deframer::new();
            let mut events = d.feed(&input[..cut]);
            events.extend(d.feed(&input[cut..]));
            assert_eq!(frames(&events), vec![F1, F2], "cut at {cut}");
            assert!(
                events.iter().all(|e| matches!(e, DeframeEvent::Frame(_))),
                "cut at {cut}: {events:?}"
            );
        }
    }

    #[test]
    fn byte_by_byte() {
        let mut d = Deframer::new();
        let mut events = Vec::new();
        for b in [F2, F1].concat() {
            events.extend(d.feed(&[b]));
        }
        assert_eq!(frames(&events), vec![F2, F1]);
    }

    #[test]
    fn garbage_between_frames_is_reported_with_length() {
        let mut d = Deframer::new();
        let input = [&b"xyz"[..], F1, b"\r\r", F2].concat();
        let events = d.feed(&input);
        assert_eq!(
            events,
            vec![
                DeframeEvent::Garbage { len: 3 },
                DeframeEvent::Frame(F1.to_vec()),
                DeframeEvent::Garbage { len: 2 },
                DeframeEvent::Frame(F2.to_vec()),
            ]
        );
    }

    #[test]
    fn new_lf_inside_a_frame_resynchronises() {
        let mut d = Deframer::new();
        let input = [&b"\n1234abc"[..], F2].concat();
        let events = d.feed(&input);
        assert_eq!(
            events,
            vec![
                DeframeEvent::Garbage { len: 8 },
                DeframeEvent::Frame(F2.to_vec())
            ]
        );
    }

    #[test]
    fn oversized_frame_is_dropped_and_stream_recovers() {
        let mut d = Deframer::with_max_frame_len(32);
        let mut input = vec![LF];
        input.extend(std::iter::repeat_n(b'A', 100));
        input.push(CR);
        input.extend_from_slice(b"\n0000\r");
        let events = d.feed(&input);
        assert_eq!(events[0], DeframeEvent::Oversized { len: 1 });
        assert_eq!(frames(&events), vec![&b"\n0000\r"[..]]);
        // The 100 A's and the CR of the oversized frame are garbage.
        assert!(events.contains(&DeframeEvent::Garbage { len: 101 }));
    }

    #[test]
    fn frame_exactly_at_the_cap_is_accepted() {
        let frame = b"\n12345678\"NULL\"\r";
        let mut d = Deframer::with_max_frame_len(frame.len());
        assert_eq!(d.feed(frame), vec![DeframeEvent::Frame(frame.to_vec())]);
        let mut d = Deframer::with_max_frame_len(frame.len() - 1);
        let events = d.feed(frame);
        assert!(
            matches!(events[0], DeframeEvent::Oversized { .. }),
            "{events:?}"
        );
        assert!(frames(&events).is_empty());
    }

    #[test]
    fn buffer_stays_under_cap_during_endless_frame() {
        let mut d = Deframer::with_max_frame_len(64);
        let mut oversized = 0;
        d.feed(b"\n");
        for _ in 0..100 {
            for e in d.feed(&[b'7'; 50]) {
                if matches!(e, DeframeEvent::Oversized { .. }) {
                    oversized += 1;
                }
            }
            assert!(d.buffered_len() <= 64);
        }
        assert_eq!(oversized, 1);
    }

    #[test]
    fn datagram_with_unfinished_frame() {
        let events = deframe_datagram(&F1[..F1.len() - 1], DEFAULT_MAX_FRAME_LEN);
        assert_eq!(events, vec![DeframeEvent::Garbage { len: F1.len() - 1 }]);
        let events = deframe_datagram(F1, DEFAULT_MAX_FRAME_LEN);
        assert_eq!(events, vec![DeframeEvent::Frame(F1.to_vec())]);
    }

    #[test]
    fn default_cap_matches_length_field() {
        assert_eq!(DEFAULT_MAX_FRAME_LEN, 4105);
    }
}
