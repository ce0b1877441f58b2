//! The lock gateway over a real socket: a lock (tokio-tungstenite, a client we did not write)
//! connects, says hello, receives an unlock and reports its events; a lock naming another id,
//! and one sending garbage, is disconnected and reported.

// Integration tests: a failed unwrap/expect is a loudly failing test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use futures::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;
use vaka_domain::clock::ManualClock;
use vaka_domain::ids::DeviceId;
use vaka_gateway::lock::{LockHub, LockOffline, LockReport, LockSettings};
use vaka_lock_protocol::{CapabilityReason, LockEventKind, ProtocolError};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

const NOW: i64 = 1_796_000_000;

fn hub() -> (LockHub, tokio::sync::mpsc::UnboundedReceiver<LockReport>) {
    let clock = ManualClock::new(jiff::Timestamp::from_second(NOW).unwrap());
    LockHub::new(LockSettings::default(), Arc::new(clock))
}

async fn server(hub: LockHub, device: DeviceId) -> SocketAddr {
    async fn connect(
        State((hub, device)): State<(LockHub, DeviceId)>,
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

async fn lock(addr: SocketAddr) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/connect"))
        .await
        .unwrap();
    ws
}

async fn next(ws: &mut Ws) -> Option<Message> {
    tokio::time::timeout(std::time::Duration::from_secs(5), ws.next())
        .await
        .expect("no message in time")
        .and_then(Result::ok)
}

async fn next_text(ws: &mut Ws) -> serde_json::Value {
    loop {
        match next(ws).await.expect("open") {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

async fn hello(ws: &mut Ws, id: DeviceId) {
    ws.send(Message::text(format!(
        r#"{{"type":"hello","protocol":1,"lock_id":"{id}","model":"Sim","firmware":"1.0"}}"#
    )))
    .await
    .unwrap();
    let welcome = next_text(ws).await;
    assert_eq!(welcome["type"], "welcome");
    assert_eq!(
        welcome["time"], NOW,
        "the lock gets the server's (injected) clock"
    );
}

async fn closed_with_1008(ws: &mut Ws) {
    loop {
        match next(ws).await {
            Some(Message::Close(Some(f))) => {
                assert_eq!(u16::from(f.code), 1008);
                return;
            }
            None | Some(Message::Close(None)) => panic!("closed without a policy close"),
            Some(_) => {}
        }
    }
}

async fn until_online(hub: &LockHub, device: DeviceId, online: bool) {
    for _ in 0..500 {
        if hub.is_online(device) == online {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the lock did not become {online}");
}

#[tokio::test]
async fn unlock_is_sent_and_events_come_back() {
    let (hub, mut reports) = hub();
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    assert_eq!(
        hub.unlock(device, Uuid::nil(), Uuid::nil(), CapabilityReason::Visit),
        Err(LockOffline)
    );
    let mut ws = lock(addr).await;
    hello(&mut ws, device).await;
    until_online(&hub, device, true).await;
    let request = Uuid::now_v7();
    let user = Uuid::now_v7();
    hub.unlock(device, request, user, CapabilityReason::Visit)
        .unwrap();
    let m = next_text(&mut ws).await;
    assert_eq!(m["type"], "unlock");
    assert_eq!(m["request"], request.to_string());
    assert_eq!(m["user"], user.to_string());
    assert_eq!(m["valid_seconds"], 30);
    ws.send(Message::text(format!(
        r#"{{"type":"event","lock_id":"{device}","kind":"unlocked","at":{NOW},"request":"{request}"}}"#
    )))
    .await
    .unwrap();
    let LockReport::Event(d, e) = reports.recv().await.unwrap() else {
        panic!("not an event")
    };
    assert_eq!(d, device);
    assert_eq!(e.kind, LockEventKind::Unlocked);
    assert_eq!(e.request, Some(request));
    drop(ws);
    until_online(&hub, device, false).await;
}

/// The sender of an unlock gets the lock's answer: the first event naming its request (an event
/// without it, or naming another request, is not the answer); offline, nothing is sent and
/// nothing waits.
#[tokio::test]
async fn the_lock_answers_an_unlock_with_its_event() {
    let (hub, mut reports) = hub();
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    assert!(
        hub.unlock_answered(device, Uuid::nil(), Uuid::nil(), CapabilityReason::Visit)
            .is_err()
    );
    let mut ws = lock(addr).await;
    hello(&mut ws, device).await;
    until_online(&hub, device, true).await;
    let request = Uuid::now_v7();
    let mut answer = hub
        .unlock_answered(device, request, Uuid::now_v7(), CapabilityReason::Alarm)
        .unwrap();
    assert_eq!(next_text(&mut ws).await["request"], request.to_string());
    for (kind, req) in [("battery_low", None), ("unlocked", Some(Uuid::now_v7()))] {
        let req = req
            .map(|r| format!(r#","request":"{r}""#))
            .unwrap_or_default();
        ws.send(Message::text(format!(
            r#"{{"type":"event","lock_id":"{device}","kind":"{kind}","at":{NOW}{req}}}"#
        )))
        .await
        .unwrap();
        assert!(matches!(reports.recv().await, Some(LockReport::Event(..))));
        assert!(answer.try_recv().is_err(), "{kind} is not the answer");
    }
    ws.send(Message::text(format!(
        r#"{{"type":"event","lock_id":"{device}","kind":"refused","at":{NOW},"request":"{request}","reason":"too_late"}}"#
    )))
    .await
    .unwrap();
    assert!(matches!(reports.recv().await, Some(LockReport::Event(..))));
    assert_eq!(answer.await.unwrap(), LockEventKind::Refused);
}

#[tokio::test]
async fn a_lock_reporting_another_id_is_disconnected() {
    let (hub, mut reports) = hub();
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    let mut ws = lock(addr).await;
    hello(&mut ws, device).await;
    let other = DeviceId::new();
    ws.send(Message::text(format!(
        r#"{{"type":"event","lock_id":"{other}","kind":"unlocked","at":{NOW}}}"#
    )))
    .await
    .unwrap();
    closed_with_1008(&mut ws).await;
    assert_eq!(
        reports.recv().await.unwrap(),
        LockReport::Refused(device, ProtocolError::WrongLock)
    );
    until_online(&hub, device, false).await;
    // Saying hello as another lock is refused as well.
    let mut ws = lock(addr).await;
    ws.send(Message::text(format!(
        r#"{{"type":"hello","protocol":1,"lock_id":"{other}","model":"Sim","firmware":"1.0"}}"#
    )))
    .await
    .unwrap();
    closed_with_1008(&mut ws).await;
    assert_eq!(
        reports.recv().await.unwrap(),
        LockReport::Refused(device, ProtocolError::WrongLock)
    );
}

#[tokio::test]
async fn garbage_on_the_socket_closes_it() {
    let (hub, mut reports) = hub();
    let device = DeviceId::new();
    let addr = server(hub.clone(), device).await;
    for garbage in [
        Message::text("\u{0}\u{1}not json"),
        Message::binary(vec![0xFF; 64]),
        Message::text(format!(
            "{{\"type\":\"hello\",\"protocol\":1,\"lock_id\":\"{device}\""
        )),
    ] {
        let mut ws = lock(addr).await;
        ws.send(garbage).await.unwrap();
        closed_with_1008(&mut ws).await;
        assert!(matches!(
            reports.recv().await.unwrap(),
            LockReport::Refused(d, _) if d == device
        ));
    }
    assert!(!hub.is_online(device));
}
