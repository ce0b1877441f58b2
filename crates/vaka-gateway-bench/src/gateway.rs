//! The gateway under test: `CameraHub` on an axum router, as `vaka-web` mounts it (same message
//! and frame size limits), but with the device id in the path instead of a credential.

use axum::Router;
use axum::extract::ws::{Message, WebSocket};
use axum::extract::{Path, State, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use futures::{SinkExt, StreamExt};
use uuid::Uuid;
use vaka_domain::ids::DeviceId;
use vaka_gateway::camera::{CameraHub, CameraSettings, LookIn};
use vaka_gateway::lock::{LockHub, LockSettings};

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: String,
    /// Told to cameras in `welcome`.
    #[arg(long, default_value_t = 30)]
    heartbeat_seconds: u32,
    /// How long a look-in lasts at most.
    #[arg(long, default_value_t = 30)]
    look_in_seconds: u32,
    /// The cameras' WebSocket read buffer: 8 KiB as `vaka-web`'s camera route sets it (give
    /// 131072, axum's default, to see what it cost before).
    #[arg(long, default_value_t = 8192)]
    read_buffer_bytes: usize,
    /// Sets TCP_NODELAY on accepted connections (`vaka serve` does not).
    #[arg(long)]
    nodelay: bool,
    /// Joins a cluster of gateways over NATS (`nats://127.0.0.1:4222`): camera presence and
    /// look-ins through a camera of another gateway, as `vaka serve --nats` does.
    #[arg(long)]
    nats: Option<String>,
    /// The cluster's subject prefix.
    #[arg(long, default_value = "vakabench")]
    nats_prefix: String,
}

#[derive(Clone)]
struct Gateway {
    hub: CameraHub,
    locks: LockHub,
    read_buffer_bytes: usize,
}

pub async fn run(args: Args) {
    let hub = CameraHub::new(CameraSettings {
        heartbeat_seconds: args.heartbeat_seconds,
        look_in_seconds: args.look_in_seconds,
        ..CameraSettings::default()
    });
    let (locks, mut reports) = LockHub::new(
        LockSettings {
            heartbeat_seconds: args.heartbeat_seconds,
            ..LockSettings::default()
        },
        std::sync::Arc::new(vaka_domain::clock::SystemClock),
    );
    if let Some(url) = &args.nats {
        let client = async_nats::connect(url.as_str())
            .await
            .expect("connect to NATS");
        // The bench's gateways share a fixed key (a real installation's comes from its lock
        // signing key).
        let seal = vaka_gateway::cluster::seal::NodeSeal::for_installation(
            &ed25519_dalek::SigningKey::from_bytes(&[0x42; 32]),
        );
        let bus = vaka_gateway::cluster::CameraBus::new(client, &args.nats_prefix, seal);
        bus.share_presence(hub.clone())
            .await
            .expect("share presence");
        bus.share_look_ins(hub.clone())
            .await
            .expect("share look-ins");
    }
    // What the locks report is dropped: the benchmark measures the hub.
    tokio::spawn(async move { while reports.recv().await.is_some() {} });
    let app = Router::new()
        .route("/camera/{device}", get(camera))
        .route("/lock/{device}", get(lock))
        .route("/view/{device}", get(view))
        .route("/stats", get(stats))
        .with_state(Gateway {
            hub,
            locks,
            read_buffer_bytes: args.read_buffer_bytes,
        });
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .expect("bind the listen address");
    let addr = listener.local_addr().expect("a local address");
    println!("gateway listening on {addr} (pid {})", std::process::id());
    let nodelay = args.nodelay;
    let listener = listener.tap_io(move |tcp| {
        if nodelay {
            let _ = tcp.set_nodelay(true);
        }
    });
    axum::serve(listener, app).await.expect("serve");
}

async fn camera(
    State(Gateway {
        hub,
        read_buffer_bytes,
        ..
    }): State<Gateway>,
    Path(device): Path<Uuid>,
    mut ws: WebSocketUpgrade,
) -> Response {
    ws = ws.read_buffer_size(read_buffer_bytes);
    let max = hub.settings.max_frame_bytes + vaka_camera_protocol::FRAME_HEADER_BYTES;
    ws.max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| async move { hub.serve(DeviceId(device), socket).await })
}

/// A viewer's look-in: the frames as binary WebSocket messages, until the look-in ends (then
/// the socket closes) or the viewer leaves (then the camera is told to stop).
async fn view(
    State(Gateway { hub, .. }): State<Gateway>,
    Path(device): Path<Uuid>,
    ws: WebSocketUpgrade,
) -> Response {
    match hub.start_look_in_anywhere(DeviceId(device)).await {
        Ok(look) => ws.on_upgrade(move |socket| relay(look, socket)),
        Err(e) => (StatusCode::CONFLICT, e.to_string()).into_response(),
    }
}

async fn relay(mut look: LookIn, socket: WebSocket) {
    let (mut tx, mut rx) = socket.split();
    loop {
        tokio::select! {
            frame = look.frames.recv() => if let Some(f) = frame {
                if tx.send(Message::Binary(f)).await.is_err() {
                    break;
                }
            } else {
                let _ = tx.send(Message::Close(None)).await;
                break;
            },
            msg = rx.next() => match msg {
                None | Some(Err(_) | Ok(Message::Close(_))) => break,
                Some(Ok(_)) => {}
            },
        }
    }
}

async fn stats(State(Gateway { hub, locks, .. }): State<Gateway>) -> String {
    format!(
        "connected {} cameras, {} locks",
        hub.connected(),
        locks.connected()
    )
}

/// A lock, as `vaka-web`'s lock route mounts it (4 KiB messages and read buffer).
async fn lock(
    State(Gateway { locks, .. }): State<Gateway>,
    Path(device): Path<Uuid>,
    ws: WebSocketUpgrade,
) -> Response {
    let max = vaka_lock_protocol::MAX_TEXT_BYTES;
    ws.max_message_size(max)
        .max_frame_size(max)
        .read_buffer_size(4 * 1024)
        .on_upgrade(move |socket| async move { locks.serve(DeviceId(device), socket).await })
}
