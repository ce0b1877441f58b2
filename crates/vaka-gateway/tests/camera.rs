//! The camera gateway over a real socket: a camera (tokio-tungstenite, a client we did not
//! write) connects, says hello, heartbeats, streams a look-in to one viewer, and is stopped at
//! the limit, when the viewer leaves, and when it misbehaves.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;
use vaka_camera_protocol::{CameraState, encode_frame};
use vaka_domain::ids::DeviceId;
use vaka_gateway::camera::{CameraHub, CameraSettings, LookInRefused};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn server(hub: CameraHub, device: DeviceId) -> SocketAddr {
    async fn connect(
        State((hub, device)): State<(CameraHub, DeviceId)>,
        ws: WebSocketUpgrade,
    ) -> Response {
        ws.on_upgrade(move |socket| async move { hub.serve(device, socket).await })
    }
    let app = Router::new()
        .route("/connect", get(connect))
        .with_state((hub, device));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

async fn camera(addr: SocketAddr) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/connect"))
        .await
        .unwrap();
    ws
}

async fn next_text(ws: &mut Ws) -> serde_json::Value {
    loop {
        match ws.next().await.expect("open").expect("message") {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn hello(ws: &mut Ws) {
    ws.send(Message::text(
        r#"{"type":"hello","protocol":1,"model":"Sim","firmware":"1.0"}"#,
    ))
    .await
    .unwrap();
    let welcome = next_text(ws).await;
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(welcome["heartbeat_seconds"], 30);
}

/// Waits until the hub sees what is expected (the camera's messages are handled on another
/// task): woken by the hub's change notices, with a timeout as a guard.
async fn until(hub: &CameraHub, f: impl Fn(&CameraHub) -> bool) {
    let mut changes = hub.subscribe();
    while !f(hub) {
        tokio::time::timeout(std::time::Duration::from_secs(5), changes.changed())
            .await
            .expect("the hub did not change in time")
            .unwrap();
    }
}

/// Sends a heartbeat in `state` (as the camera spells it) and waits until the hub shows the
/// camera online in that state.
async fn heartbeat(ws: &mut Ws, hub: &CameraHub, device: DeviceId, code: &str, state: CameraState) {
    ws.send(Message::text(format!(
        r#"{{"type":"heartbeat","state":"{code}"}}"#
    )))
    .await
    .unwrap();
    until(hub, |hub| {
        hub.status(device).and_then(|s| s.state) == Some(state)
    })
    .await;
    assert!(hub.is_online(device));
}

fn jpeg(tag: u8) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, tag, tag, tag];
    v.extend_from_slice(&[0xFF, 0xD9]);
    v
}

#[tokio::test]
async fn a_look_in_streams_frames_to_one_viewer_and_stops_the_camera() {
    let hub = CameraHub::new(CameraSettings::default());
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    assert_eq!(
        hub.start_look_in(device).err(),
        Some(LookInRefused::Offline)
    );

    let mut ws = camera(addr).await;
    hello(&mut ws).await;
    heartbeat(&mut ws, &hub, device, "privacy", CameraState::Privacy).await;

    let mut look = hub.start_look_in(device).unwrap();
    assert_eq!(hub.start_look_in(device).err(), Some(LookInRefused::Busy));
    let start = next_text(&mut ws).await;
    assert_eq!(start["type"], "start_stream");
    assert_eq!(start["max_seconds"], 30);
    let id: Uuid = start["look_in"].as_str().unwrap().parse().unwrap();
    assert_eq!(id, look.id);
    ws.send(Message::text(format!(
        r#"{{"type":"stream_started","look_in":"{id}"}}"#
    )))
    .await
    .unwrap();
    for tag in 1..=3u8 {
        ws.send(Message::binary(encode_frame(id, &jpeg(tag))))
            .await
            .unwrap();
        let got = look.frames.recv().await.unwrap();
        assert_eq!(&got[..], &jpeg(tag)[..], "the viewer gets the JPEG itself");
    }

    // The viewer leaves: the camera is told to stop, and another may look in.
    drop(look);
    let stop = next_text(&mut ws).await;
    assert_eq!(stop["type"], "stop_stream");
    assert_eq!(stop["look_in"], id.to_string());
    until(&hub, |hub| hub.status(device).is_some_and(|s| !s.viewing)).await;
    assert!(hub.start_look_in(device).is_ok());
}

#[tokio::test]
async fn a_look_in_ends_by_itself_at_its_limit() {
    let hub = CameraHub::new(CameraSettings {
        look_in_seconds: 1,
        ..CameraSettings::default()
    });
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    let mut ws = camera(addr).await;
    hello(&mut ws).await;
    until(&hub, |hub| hub.is_online(device)).await;
    let mut look = hub.start_look_in(device).unwrap();
    let start = next_text(&mut ws).await;
    assert_eq!(start["max_seconds"], 1);
    // The viewer keeps its end open; the gateway alone ends the look-in.
    let stop = next_text(&mut ws).await;
    assert_eq!(stop["type"], "stop_stream");
    assert!(tokio::time::Instant::now() >= look.ends_at - tokio::time::Duration::from_millis(50));
    assert!(
        look.frames.recv().await.is_none(),
        "the viewer's stream ends"
    );
    // A frame already on its way when the stop was sent is dropped unseen; the camera stays.
    ws.send(Message::binary(encode_frame(look.id, &jpeg(9))))
        .await
        .unwrap();
    ws.send(Message::text(format!(
        r#"{{"type":"stream_stopped","look_in":"{}","reason":"requested"}}"#,
        look.id
    )))
    .await
    .unwrap();
    // (A state the camera has not reported before: its arrival proves the messages after the
    // late frame were read on the same connection.)
    heartbeat(&mut ws, &hub, device, "active", CameraState::Active).await;
    // After the camera confirmed the stop, a frame is unasked for: the camera is disconnected.
    ws.send(Message::binary(encode_frame(look.id, &jpeg(9))))
        .await
        .unwrap();
    loop {
        match ws.next().await {
            Some(Ok(Message::Close(Some(f)))) => {
                assert_eq!(u16::from(f.code), 1008);
                break;
            }
            None | Some(Err(_)) => break,
            Some(Ok(_)) => {}
        }
    }
    until(&hub, |hub| !hub.is_online(device)).await;
}

#[tokio::test]
async fn garbage_disconnects_the_camera_and_the_gateway_goes_on() {
    let hub = CameraHub::new(CameraSettings::default());
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    for junk in [
        Message::binary(vec![0xFF; 64]),
        Message::text("{\"type\":\"hello\""),
        Message::text("x".repeat(5000)),
    ] {
        let mut ws = camera(addr).await;
        ws.send(junk).await.unwrap();
        loop {
            match ws.next().await {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => {}
            }
        }
        until(&hub, |hub| hub.connected() == 0).await;
    }
    // A well-behaved camera still connects afterwards.
    let mut ws = camera(addr).await;
    hello(&mut ws).await;
    until(&hub, |hub| hub.is_online(device)).await;
}
