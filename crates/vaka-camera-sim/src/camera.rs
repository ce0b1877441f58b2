//! A simulated camera: connects out to Vaka with its credential, says hello, heartbeats, and
//! streams frames of its scene when asked — as `docs/CAMERA-PROTOCOL.md` says a camera must.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::time::{Instant, MissedTickBehavior};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;
use vaka_camera_protocol::encode_frame;

use crate::scene::{Scene, jpeg};

/// How a simulated camera misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Connects and answers as it should.
    Normal,
    /// Never connects (a camera without power or signal).
    Offline,
    /// Connects for `up`, drops for `down`, again and again.
    Flapping { up: Duration, down: Duration },
    /// Answers, but each frame leaves `delay` late (a weak 4G link).
    Slow { delay: Duration },
}

/// One simulated camera.
#[derive(Clone)]
pub struct SimCamera {
    /// `ws://host:port` or `wss://…` of the Vaka server.
    pub server: String,
    /// Other nodes of a cluster to fall back on: after a connection ends or fails, the camera
    /// tries the next address (the server, then these, round again).
    pub backups: Vec<String>,
    pub credential: String,
    pub model: String,
    pub behaviour: Behaviour,
    /// What the camera sees; change it while running (e.g. the client falls).
    pub scene: Arc<Mutex<Scene>>,
}

impl SimCamera {
    pub fn new(server: &str, credential: &str, scene: Scene, behaviour: Behaviour) -> Self {
        Self {
            server: server.trim_end_matches('/').to_owned(),
            backups: Vec::new(),
            credential: credential.to_owned(),
            model: "Vaka simulated camera".into(),
            behaviour,
            scene: Arc::new(Mutex::new(scene)),
        }
    }

    /// The same camera, falling back on these other nodes.
    #[must_use]
    pub fn with_backups(mut self, backups: &[String]) -> Self {
        self.backups = backups
            .iter()
            .map(|b| b.trim_end_matches('/').to_owned())
            .collect();
        self
    }

    fn scene(&self) -> Scene {
        *self
            .scene
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs until the task is dropped: connects, and reconnects with backoff when the
    /// connection ends.
    pub async fn run(self) {
        if self.behaviour == Behaviour::Offline {
            return;
        }
        let mut backoff = Duration::from_secs(1);
        let servers: Vec<&str> = std::iter::once(self.server.as_str())
            .chain(self.backups.iter().map(String::as_str))
            .collect();
        let mut next = 0;
        loop {
            let up_for = match self.behaviour {
                Behaviour::Flapping { up, .. } => Some(up),
                _ => None,
            };
            let started = Instant::now();
            let server = servers[next % servers.len()];
            match self.session(server, up_for).await {
                Ok(()) => backoff = Duration::from_secs(1),
                Err(e) => {
                    tracing::debug!(error = %e, "simulated camera: connection failed");
                }
            }
            if servers.len() > 1 {
                // The next node at once, as a camera with a list of servers does; the
                // backoff grows only once every node has been tried.
                next += 1;
                if !next.is_multiple_of(servers.len()) {
                    continue;
                }
            }
            let pause = if let Behaviour::Flapping { down, .. } = self.behaviour {
                down
            } else {
                // A connection that held a while resets the backoff.
                if started.elapsed() > Duration::from_mins(1) {
                    backoff = Duration::from_secs(1);
                }
                let b = backoff;
                backoff = (backoff * 2).min(Duration::from_mins(1));
                b
            };
            tokio::time::sleep(pause).await;
        }
    }

    /// One connection, until it ends (or, for a flapping camera, until `up_for` passes).
    async fn session(&self, server: &str, up_for: Option<Duration>) -> Result<(), String> {
        let mut req = format!("{server}/camera/v1/connect")
            .into_client_request()
            .map_err(|e| e.to_string())?;
        let auth = format!("Bearer {}", self.credential)
            .parse()
            .map_err(|_| "bad credential".to_owned())?;
        req.headers_mut().insert("authorization", auth);
        let (ws, _) = tokio_tungstenite::connect_async(req)
            .await
            .map_err(|e| e.to_string())?;
        let (mut tx, mut rx) = ws.split();
        let hello = serde_json::json!({"type": "hello", "protocol": 1, "model": self.model, "firmware": "sim-1"});
        tx.send(Message::text(hello.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        let mut heartbeat = tokio::time::interval(Duration::from_secs(30));
        heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let give_up = up_for.map(|d| Instant::now() + d);
        // The look-in being streamed: id, frames per second, when it must end.
        let mut stream: Option<(Uuid, Duration, Instant)> = None;
        let mut next_frame = Instant::now();
        let mut n: u32 = 0;
        loop {
            let frame_due = async {
                match stream {
                    Some(_) => tokio::time::sleep_until(next_frame).await,
                    None => std::future::pending().await,
                }
            };
            let drop_at = async {
                match give_up {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = heartbeat.tick() => {
                    let state = if stream.is_some() { "active" } else { "privacy" };
                    let m = serde_json::json!({"type": "heartbeat", "state": state});
                    tx.send(Message::text(m.to_string())).await.map_err(|e| e.to_string())?;
                }
                msg = rx.next() => {
                    let Some(Ok(msg)) = msg else { return Ok(()) };
                    let Message::Text(text) = msg else { continue };
                    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
                    match v["type"].as_str() {
                        Some("start_stream") => {
                            let id: Uuid = v["look_in"].as_str().and_then(|s| s.parse().ok()).ok_or("bad look_in")?;
                            let fps = v["frames_per_second"].as_u64().unwrap_or(5).clamp(1, 30);
                            let secs = v["max_seconds"].as_u64().unwrap_or(30);
                            for m in [
                                serde_json::json!({"type": "state", "state": "active"}),
                                serde_json::json!({"type": "stream_started", "look_in": id}),
                            ] {
                                tx.send(Message::text(m.to_string())).await.map_err(|e| e.to_string())?;
                            }
                            let every = Duration::from_millis(1000 / fps);
                            stream = Some((id, every, Instant::now() + Duration::from_secs(secs)));
                            next_frame = Instant::now();
                        }
                        Some("stop_stream") => {
                            if let Some((id, _, _)) = stream.take() {
                                stop(&mut tx, id, "requested").await?;
                            }
                        }
                        _ => {}
                    }
                }
                () = frame_due => {
                    if let Some((id, every, ends)) = stream {
                        if Instant::now() >= ends {
                            stream = None;
                            stop(&mut tx, id, "limit").await?;
                            continue;
                        }
                        if let Behaviour::Slow { delay } = self.behaviour {
                            tokio::time::sleep(delay).await;
                        }
                        n = n.wrapping_add(1);
                        let frame = encode_frame(id, &jpeg(self.scene(), n));
                        tx.send(Message::binary(frame)).await.map_err(|e| e.to_string())?;
                        next_frame += every;
                    }
                }
                () = drop_at => {
                    // A flapping camera loses its link.
                    return Ok(());
                }
            }
        }
    }
}

async fn stop<S>(tx: &mut S, id: Uuid, reason: &str) -> Result<(), String>
where
    S: SinkExt<Message> + Unpin,
    S::Error: std::fmt::Display,
{
    for m in [
        serde_json::json!({"type": "stream_stopped", "look_in": id, "reason": reason}),
        serde_json::json!({"type": "state", "state": "privacy"}),
    ] {
        tx.send(Message::text(m.to_string()))
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
