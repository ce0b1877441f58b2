//! Cameras connecting to the server: only with a live camera credential; a look-in's frames
//! reach the viewer and nothing else — not the database, its files, or the logs.

use axum::http::{Method, StatusCode};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use vaka_camera_protocol::encode_frame;
use vaka_domain::ids::DeviceId;

use crate::db_tests;
use crate::support::{TestApp, assert_not_stored};
use crate::world::World;

pub(crate) type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

pub(crate) async fn connect(addr: std::net::SocketAddr, credential: &str) -> Result<Ws, WsError> {
    let mut req = format!("ws://{addr}/camera/v1/connect")
        .into_client_request()
        .unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {credential}").parse().unwrap(),
    );
    tokio_tungstenite::connect_async(req)
        .await
        .map(|(ws, _)| ws)
}

fn refused_with_401(r: Result<Ws, WsError>) {
    match r {
        Err(WsError::Http(res)) => assert_eq!(res.status(), StatusCode::UNAUTHORIZED),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("connected"),
    }
}

pub(crate) async fn next_text(ws: &mut Ws) -> serde_json::Value {
    loop {
        match ws.next().await.expect("open").expect("message") {
            Message::Text(t) => return serde_json::from_str(&t).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("unexpected {other:?}"),
        }
    }
}

pub(crate) async fn register(
    app: &TestApp,
    w: &World,
    kind: &str,
    serial: &str,
) -> (DeviceId, String) {
    let res = app
        .json(
            Method::POST,
            "/api/v1/devices",
            &w.p("m_admin").bearer(),
            json!({"kind": kind, "serial": serial, "model": "Doro Visit"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let v = res.json();
    (
        v["device"]["id"].as_str().unwrap().parse().unwrap(),
        v["credential"].as_str().unwrap().to_owned(),
    )
}

async fn until(app: &TestApp, f: impl Fn() -> bool) {
    let mut changes = app.cameras.subscribe();
    while !f() {
        tokio::time::timeout(std::time::Duration::from_secs(5), changes.changed())
            .await
            .expect("the hub did not change in time")
            .unwrap();
    }
}

/// A marker that would show up in any file or log that held a frame.
const MARK: &[u8] = b"FRAME-BYTES-MUST-NOT-PERSIST-7c1e";

async fn cameras_connect_with_their_credential_and_frames_are_never_stored(app: TestApp) {
    let w = World::build(&app).await;
    let addr = app.listen().await;
    let (camera, credential) = register(&app, &w, "camera", "DV-GW-1").await;
    let (_, alarm_credential) = register(&app, &w, "alarm_unit", "AL-GW-1").await;

    refused_with_401(connect(addr, "vakadev_wrong").await);
    refused_with_401(connect(addr, &alarm_credential).await);
    refused_with_401(connect(addr, "").await);

    let mut ws = connect(addr, &credential).await.unwrap();
    ws.send(Message::text(
        r#"{"type":"hello","protocol":1,"model":"Doro Visit","firmware":"2.1"}"#,
    ))
    .await
    .unwrap();
    assert_eq!(next_text(&mut ws).await["type"], "welcome");
    until(&app, || app.cameras.is_online(camera)).await;

    // A look-in: frames carrying the marker reach the viewer.
    let mut look = app.cameras.start_look_in(camera).unwrap();
    let start = next_text(&mut ws).await;
    assert_eq!(start["type"], "start_stream");
    let mut jpeg = vec![0xFF, 0xD8];
    jpeg.extend_from_slice(MARK);
    jpeg.extend_from_slice(&[0xFF, 0xD9]);
    ws.send(Message::text(format!(
        r#"{{"type":"stream_started","look_in":"{}"}}"#,
        look.id
    )))
    .await
    .unwrap();
    for _ in 0..5 {
        ws.send(Message::binary(encode_frame(look.id, &jpeg)))
            .await
            .unwrap();
        let frame = look.frames.recv().await.unwrap();
        assert_eq!(&frame[..], &jpeg[..]);
    }
    drop(look);
    assert_eq!(next_text(&mut ws).await["type"], "stop_stream");

    // A revoked credential stops working for the next connection.
    let res = app
        .delete(
            &format!("/api/v1/devices/{camera}/credential"),
            &w.p("m_admin").bearer(),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    refused_with_401(connect(addr, &credential).await);
    drop(ws);

    // No frame bytes anywhere: not in the database (through SQL), not in its files, not in the
    // logs.
    assert_not_stored(&app, MARK).await;
}

async fn a_simulated_camera_streams_a_look_in_and_returns_to_privacy(app: TestApp) {
    use vaka_camera_sim::camera::{Behaviour, SimCamera};
    use vaka_camera_sim::scene::Scene;
    let w = World::build(&app).await;
    let addr = app.listen().await;
    let (camera, credential) = register(&app, &w, "camera", "DV-SIM-1").await;
    let sim = SimCamera::new(
        &format!("ws://{addr}"),
        &credential,
        Scene::OnFloor,
        Behaviour::Normal,
    );
    let task = tokio::spawn(sim.run());
    until(&app, || app.cameras.is_online(camera)).await;
    let mut look = app.cameras.start_look_in(camera).unwrap();
    for _ in 0..3 {
        let f = look.frames.recv().await.expect("a frame");
        assert!(f.starts_with(&[0xFF, 0xD8]) && f.ends_with(&[0xFF, 0xD9]));
        assert!(f.len() > 1000);
    }
    until(&app, || {
        app.cameras.status(camera).and_then(|s| s.state)
            == Some(vaka_camera_protocol::CameraState::Active)
    })
    .await;
    drop(look);
    until(&app, || {
        app.cameras.status(camera).and_then(|s| s.state)
            == Some(vaka_camera_protocol::CameraState::Privacy)
    })
    .await;
    task.abort();
}

db_tests!(
    cameras_connect_with_their_credential_and_frames_are_never_stored,
    a_simulated_camera_streams_a_look_in_and_returns_to_privacy,
);
