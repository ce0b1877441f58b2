//! The camera gateway protocol (version 1): what a supervision camera and Vaka say to each other
//! over the camera's outbound WebSocket, the limits on it, and the rules one connection follows.
//! `docs/CAMERA-PROTOCOL.md` describes it for camera vendors.
//!
//! Text messages are JSON objects with a `type`; binary messages carry JPEG frames of a look-in,
//! and only while the server has asked for one. Everything here is pure: the gateway feeds
//! received messages to a [`Connection`] and carries out the [`Action`]s it returns.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The protocol version this crate speaks.
pub const VERSION: u32 = 1;
/// The largest text message accepted.
pub const MAX_TEXT_BYTES: usize = 4 * 1024;
/// The largest frame accepted by default (a 640×480 JPEG is some 40 KB).
pub const DEFAULT_MAX_FRAME_BYTES: usize = 256 * 1024;
/// A frame starts with the 16 bytes of its look-in id, then the JPEG.
pub const FRAME_HEADER_BYTES: usize = 16;

/// Where the camera points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraState {
    /// Turned away (ceiling or floor), not filming: the normal state.
    Privacy,
    /// Turned to the bed and streaming for a look-in.
    Active,
}

/// Why a stream stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// The server asked.
    Requested,
    /// The camera's own limit was reached.
    Limit,
    /// The camera failed.
    Fault,
}

/// What a camera sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum CameraMessage {
    /// The first message: who the camera is (its credential went in the upgrade request).
    Hello {
        protocol: u32,
        model: String,
        firmware: String,
    },
    /// Every `heartbeat_seconds`, with the camera's state.
    Heartbeat { state: CameraState },
    /// The state changed (e.g. back in privacy position after a look-in).
    State { state: CameraState },
    /// Frames of `look_in` follow.
    StreamStarted { look_in: Uuid },
    /// No more frames of `look_in`.
    StreamStopped { look_in: Uuid, reason: StopReason },
}

/// What the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ServerMessage {
    /// The answer to `hello`.
    Welcome {
        protocol: u32,
        heartbeat_seconds: u32,
        max_frame_bytes: usize,
    },
    /// Turn to the bed and stream JPEG frames of `look_in` for at most `max_seconds`.
    StartStream {
        look_in: Uuid,
        max_seconds: u32,
        frames_per_second: u32,
    },
    /// Stop streaming and return to the privacy position.
    StopStream { look_in: Uuid },
}

/// Why a message was refused; every one ends the connection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("text message of {0} bytes is over the limit")]
    TextTooLarge(usize),
    #[error("text message is not a valid message: {0}")]
    BadText(String),
    #[error("frame of {0} bytes is over the limit")]
    FrameTooLarge(usize),
    #[error("frame is too short or not a JPEG")]
    BadFrame,
    #[error("the first message must be hello")]
    HelloExpected,
    #[error("protocol version {0} is not supported")]
    UnsupportedVersion(u32),
    #[error("hello sent twice")]
    HelloTwice,
    #[error("a frame arrived when no look-in was asked for")]
    UnaskedFrame,
    #[error("a frame or stream message names another look-in")]
    WrongLookIn,
}

/// Parses a text message.
pub fn decode_text(data: &[u8]) -> Result<CameraMessage, ProtocolError> {
    if data.len() > MAX_TEXT_BYTES {
        return Err(ProtocolError::TextTooLarge(data.len()));
    }
    serde_json::from_slice(data).map_err(|e| {
        // The error names a line and column, never the content.
        ProtocolError::BadText(format!("{} at column {}", kind(&e), e.column()))
    })
}

fn kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "unknown type or field",
        serde_json::error::Category::Eof => "cut short",
    }
}

/// Splits a binary message into its look-in and JPEG bytes.
pub fn decode_frame(data: &[u8], max_frame_bytes: usize) -> Result<(Uuid, &[u8]), ProtocolError> {
    if data.len() > max_frame_bytes + FRAME_HEADER_BYTES {
        return Err(ProtocolError::FrameTooLarge(data.len()));
    }
    let (head, jpeg) = data
        .split_at_checked(FRAME_HEADER_BYTES)
        .ok_or(ProtocolError::BadFrame)?;
    // A JPEG starts with the SOI marker FF D8 and ends with EOI FF D9.
    if !(jpeg.starts_with(&[0xFF, 0xD8]) && jpeg.ends_with(&[0xFF, 0xD9]) && jpeg.len() >= 4) {
        return Err(ProtocolError::BadFrame);
    }
    let id = Uuid::from_slice(head).map_err(|_| ProtocolError::BadFrame)?;
    Ok((id, jpeg))
}

/// Builds a binary message (cameras and the simulator).
pub fn encode_frame(look_in: Uuid, jpeg: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(FRAME_HEADER_BYTES + jpeg.len());
    out.extend_from_slice(look_in.as_bytes());
    out.extend_from_slice(jpeg);
    out
}

/// Serialises a message to send.
pub fn encode<T: Serialize>(m: &T) -> String {
    // Serialising these plain enums cannot fail.
    serde_json::to_string(m).unwrap_or_default()
}

/// What the gateway does after a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send this to the camera.
    Send(ServerMessage),
    /// The camera said hello: mark it online with this model and firmware.
    Online {
        model: String,
        firmware: String,
    },
    /// Record the camera's state (heartbeat or change).
    State(CameraState),
    /// Hand this frame to the viewer of the look-in (in memory only).
    Frame {
        look_in: Uuid,
        len: usize,
    },
    /// The stream of a look-in began or ended.
    StreamStarted(Uuid),
    StreamStopped(Uuid, StopReason),
    /// Close the connection, logging why (never the content).
    Close(ProtocolError),
}

/// Frames of a stopped look-in the camera may still send (in flight before it read
/// `stop_stream`; on 4G that is a round trip, a few frames); they are dropped unseen. More than
/// this, or any after the camera said `stream_stopped`, closes the connection.
pub const LATE_FRAMES: u32 = 25;

/// One camera connection, from the gateway's side.
#[derive(Debug, Clone)]
pub struct Connection {
    greeted: bool,
    /// The look-in the server asked for, if any.
    asked: Option<Uuid>,
    /// The look-in the server stopped and the camera has not yet confirmed, with the late
    /// frames it may still send.
    stopping: Option<(Uuid, u32)>,
    heartbeat_seconds: u32,
    max_frame_bytes: usize,
}

impl Connection {
    pub fn new(heartbeat_seconds: u32, max_frame_bytes: usize) -> Self {
        Self {
            greeted: false,
            asked: None,
            stopping: None,
            heartbeat_seconds,
            max_frame_bytes,
        }
    }

    pub fn is_greeted(&self) -> bool {
        self.greeted
    }

    /// The look-in being streamed, if any.
    pub fn streaming(&self) -> Option<Uuid> {
        self.asked
    }

    /// Asks the camera for a look-in.
    pub fn start(&mut self, look_in: Uuid, max_seconds: u32, fps: u32) -> ServerMessage {
        self.asked = Some(look_in);
        self.stopping = None;
        ServerMessage::StartStream {
            look_in,
            max_seconds,
            frames_per_second: fps,
        }
    }

    /// Ends the look-in (its time is up, or the viewer left).
    pub fn stop(&mut self) -> Option<ServerMessage> {
        let look_in = self.asked.take()?;
        self.stopping = Some((look_in, LATE_FRAMES));
        Some(ServerMessage::StopStream { look_in })
    }

    /// A text message from the camera.
    pub fn on_text(&mut self, data: &[u8]) -> Vec<Action> {
        let msg = match decode_text(data) {
            Ok(m) => m,
            Err(e) => return vec![Action::Close(e)],
        };
        match (self.greeted, msg) {
            (false, CameraMessage::Hello { protocol, .. }) if protocol != VERSION => {
                vec![Action::Close(ProtocolError::UnsupportedVersion(protocol))]
            }
            (
                false,
                CameraMessage::Hello {
                    model, firmware, ..
                },
            ) => {
                self.greeted = true;
                vec![
                    Action::Online { model, firmware },
                    Action::Send(ServerMessage::Welcome {
                        protocol: VERSION,
                        heartbeat_seconds: self.heartbeat_seconds,
                        max_frame_bytes: self.max_frame_bytes,
                    }),
                ]
            }
            (false, _) => vec![Action::Close(ProtocolError::HelloExpected)],
            (true, CameraMessage::Hello { .. }) => vec![Action::Close(ProtocolError::HelloTwice)],
            (true, CameraMessage::Heartbeat { state } | CameraMessage::State { state }) => {
                vec![Action::State(state)]
            }
            (true, CameraMessage::StreamStarted { look_in }) => {
                if self.asked == Some(look_in) {
                    vec![Action::StreamStarted(look_in)]
                } else {
                    vec![Action::Close(ProtocolError::WrongLookIn)]
                }
            }
            (true, CameraMessage::StreamStopped { look_in, reason }) => {
                // A stop for the current look-in ends it; a late stop for an earlier one (after
                // the server stopped it) is harmless.
                if self.asked == Some(look_in) {
                    self.asked = None;
                }
                if self.stopping.is_some_and(|(id, _)| id == look_in) {
                    self.stopping = None;
                }
                vec![Action::StreamStopped(look_in, reason)]
            }
        }
    }

    /// A binary message from the camera.
    pub fn on_binary(&mut self, data: &[u8]) -> Vec<Action> {
        if !self.greeted {
            return vec![Action::Close(ProtocolError::HelloExpected)];
        }
        let (id, jpeg) = match decode_frame(data, self.max_frame_bytes) {
            Ok(f) => f,
            Err(e) => return vec![Action::Close(e)],
        };
        match (self.asked, &mut self.stopping) {
            (Some(asked), _) if id == asked => vec![Action::Frame {
                look_in: id,
                len: jpeg.len(),
            }],
            // In flight when the stop was sent: dropped, within a budget.
            (_, Some((stopped, left))) if id == *stopped && *left > 0 => {
                *left -= 1;
                vec![]
            }
            (Some(_), _) => vec![Action::Close(ProtocolError::WrongLookIn)],
            (None, _) => vec![Action::Close(ProtocolError::UnaskedFrame)],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn jpeg(n: usize) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        v.resize(n.max(4) - 2, 0x42);
        v.extend_from_slice(&[0xFF, 0xD9]);
        v
    }

    fn greeted() -> Connection {
        let mut c = Connection::new(30, DEFAULT_MAX_FRAME_BYTES);
        let a =
            c.on_text(br#"{"type":"hello","protocol":1,"model":"Doro Visit","firmware":"2.1"}"#);
        assert!(matches!(a[0], Action::Online { .. }), "{a:?}");
        c
    }

    #[test]
    fn hello_heartbeat_and_a_look_in() {
        let mut c = Connection::new(30, DEFAULT_MAX_FRAME_BYTES);
        let a =
            c.on_text(br#"{"type":"hello","protocol":1,"model":"Doro Visit","firmware":"2.1"}"#);
        assert_eq!(
            a[1],
            Action::Send(ServerMessage::Welcome {
                protocol: 1,
                heartbeat_seconds: 30,
                max_frame_bytes: DEFAULT_MAX_FRAME_BYTES
            })
        );
        assert_eq!(
            c.on_text(br#"{"type":"heartbeat","state":"privacy"}"#),
            [Action::State(CameraState::Privacy)]
        );
        let id = Uuid::now_v7();
        let start = c.start(id, 30, 5);
        assert_eq!(
            encode(&start),
            format!(
                r#"{{"type":"start_stream","look_in":"{id}","max_seconds":30,"frames_per_second":5}}"#
            )
        );
        let started = format!(r#"{{"type":"stream_started","look_in":"{id}"}}"#);
        assert_eq!(c.on_text(started.as_bytes()), [Action::StreamStarted(id)]);
        let frame = encode_frame(id, &jpeg(40_000));
        assert_eq!(
            c.on_binary(&frame),
            [Action::Frame {
                look_in: id,
                len: 40_000
            }]
        );
        assert_eq!(c.stop(), Some(ServerMessage::StopStream { look_in: id }));
        // Frames in flight when the stop was sent are dropped unseen, within a budget; once
        // the camera confirms the stop, a frame is one not asked for.
        for _ in 0..LATE_FRAMES {
            assert_eq!(c.on_binary(&frame), []);
        }
        let mut d = c.clone();
        assert_eq!(
            d.on_binary(&frame),
            [Action::Close(ProtocolError::UnaskedFrame)],
            "a camera that goes on streaming after the stop is closed"
        );
        let stopped =
            format!(r#"{{"type":"stream_stopped","look_in":"{id}","reason":"requested"}}"#);
        assert!(matches!(
            c.on_text(stopped.as_bytes())[..],
            [Action::StreamStopped(i, _)] if i == id
        ));
        assert_eq!(
            c.on_binary(&frame),
            [Action::Close(ProtocolError::UnaskedFrame)]
        );
    }

    #[test]
    fn misbehaviour_closes_the_connection() {
        let mut c = Connection::new(30, DEFAULT_MAX_FRAME_BYTES);
        assert_eq!(
            c.on_text(br#"{"type":"heartbeat","state":"privacy"}"#),
            [Action::Close(ProtocolError::HelloExpected)]
        );
        let mut c = Connection::new(30, DEFAULT_MAX_FRAME_BYTES);
        assert_eq!(
            c.on_text(br#"{"type":"hello","protocol":2,"model":"x","firmware":"y"}"#),
            [Action::Close(ProtocolError::UnsupportedVersion(2))]
        );
        let mut c = greeted();
        assert!(matches!(
            c.on_text(b"{not json")[..],
            [Action::Close(ProtocolError::BadText(_))]
        ));
        assert!(matches!(
            c.on_text(br#"{"type":"heartbeat","state":"privacy","extra":1}"#)[..],
            [Action::Close(ProtocolError::BadText(_))]
        ));
        assert!(matches!(
            c.on_text(&vec![b' '; MAX_TEXT_BYTES + 1])[..],
            [Action::Close(ProtocolError::TextTooLarge(_))]
        ));
        let id = Uuid::now_v7();
        c.start(id, 30, 5);
        assert_eq!(
            c.on_binary(&encode_frame(Uuid::now_v7(), &jpeg(100))),
            [Action::Close(ProtocolError::WrongLookIn)]
        );
        assert_eq!(
            c.on_binary(&encode_frame(id, &jpeg(DEFAULT_MAX_FRAME_BYTES + 1))),
            [Action::Close(ProtocolError::FrameTooLarge(
                DEFAULT_MAX_FRAME_BYTES + 1 + 16
            ))]
        );
        assert_eq!(
            c.on_binary(&encode_frame(id, b"GIF89a....")),
            [Action::Close(ProtocolError::BadFrame)]
        );
        assert_eq!(
            c.on_binary(&[1, 2, 3]),
            [Action::Close(ProtocolError::BadFrame)]
        );
        let other = format!(
            r#"{{"type":"stream_started","look_in":"{}"}}"#,
            Uuid::now_v7()
        );
        assert_eq!(
            c.on_text(other.as_bytes()),
            [Action::Close(ProtocolError::WrongLookIn)]
        );
    }

    #[test]
    fn errors_never_repeat_the_content() {
        let mut c = greeted();
        let secret = br#"{"type":"heartbeat","state":"Hemligvagen 7"}"#;
        let [Action::Close(e)] = &c.on_text(secret)[..] else {
            panic!("not closed")
        };
        assert!(!e.to_string().contains("Hemligvagen"), "{e}");
    }

    proptest! {
        /// No byte sequence, as text or as a frame, in any state, makes the connection panic;
        /// every refusal is a close.
        #[test]
        fn any_bytes_are_handled(
            msgs in proptest::collection::vec((any::<bool>(), proptest::collection::vec(any::<u8>(), 0..600)), 0..20),
            hello_first in any::<bool>(),
            ask in any::<bool>(),
        ) {
            let mut c = if hello_first { greeted() } else { Connection::new(30, 512) };
            if ask {
                c.start(Uuid::nil(), 30, 5);
            }
            for (text, data) in msgs {
                let actions = if text { c.on_text(&data) } else { c.on_binary(&data) };
                prop_assert!(!actions.is_empty());
            }
        }

        /// Any valid frame of the asked look-in is passed on whole.
        #[test]
        fn valid_frames_pass(n in 4usize..5000) {
            let mut c = greeted();
            let id = Uuid::now_v7();
            c.start(id, 30, 5);
            prop_assert_eq!(c.on_binary(&encode_frame(id, &jpeg(n))), vec![Action::Frame { look_in: id, len: n.max(4) }]);
        }
    }
}
