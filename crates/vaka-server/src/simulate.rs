//! Simulated cameras and locks for the demo and for load tests: `vaka simulate cameras`,
//! `vaka simulate locks` and the devices `vaka demo` connects by itself. They speak the real
//! protocols over a real socket.

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use serde::Deserialize;
use tokio::task::JoinHandle;
use vaka_camera_sim::camera::{Behaviour, SimCamera};
use vaka_camera_sim::scene::Scene;

/// A camera's entry in `demo-credentials.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct CameraCredential {
    pub kind: String,
    pub serial: String,
    pub credential: String,
}

/// A lock's entry in `demo-credentials.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct LockCredential {
    pub id: uuid::Uuid,
    pub kind: String,
    pub serial: String,
    pub credential: String,
    #[serde(default)]
    pub status: String,
}

/// The active locks listed in a credentials file (as `vaka demo` writes it).
pub fn locks_in(path: &Path) -> anyhow::Result<Vec<LockCredential>> {
    #[derive(Deserialize)]
    struct File {
        #[serde(default)]
        devices: Vec<serde_json::Value>,
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: File = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a credentials file", path.display()))?;
    Ok(file
        .devices
        .into_iter()
        .filter_map(|d| serde_json::from_value::<LockCredential>(d).ok())
        .filter(|d| d.kind == "lock" && d.status == "active")
        .collect())
}

/// Starts one simulated online lock per credential (every `offline_every`-th stays offline, 0
/// for none); they open on Vaka's unlock commands and report their events until the tasks are
/// aborted. The locks' clock is `clock` (Unix seconds).
pub fn spawn_locks(
    server: &str,
    locks: &[LockCredential],
    offline_every: usize,
    clock: &std::sync::Arc<dyn Fn() -> i64 + Send + Sync>,
) -> Vec<JoinHandle<()>> {
    locks
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let behaviour = if offline_every > 0 && i % offline_every == offline_every - 1 {
                vaka_lock_sim::Behaviour::Offline
            } else {
                vaka_lock_sim::Behaviour::Normal
            };
            let sim =
                vaka_lock_sim::SimLock::new(server, &l.credential, l.id, behaviour, clock.clone());
            tokio::spawn(sim.run())
        })
        .collect()
}

#[derive(Deserialize)]
struct CredentialsFile {
    #[serde(default)]
    devices: Vec<CameraCredential>,
}

/// The cameras listed in a credentials file (as `vaka demo` writes it).
pub fn cameras_in(path: &Path) -> anyhow::Result<Vec<CameraCredential>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let file: CredentialsFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a credentials file", path.display()))?;
    Ok(file
        .devices
        .into_iter()
        .filter(|d| d.kind == "camera")
        .collect())
}

/// What the i-th simulated camera sees and how it behaves: most clients sleep in their beds;
/// one bed in seven is empty, one client in eleven lies on the floor; every tenth camera is
/// offline (`offline_every`, 0 for none), one in thirteen flaps and one in seventeen is slow.
pub fn character(i: usize, offline_every: usize) -> (Scene, Behaviour) {
    let scene = if i % 11 == 5 {
        Scene::OnFloor
    } else if i % 7 == 3 {
        Scene::EmptyBed
    } else {
        Scene::InBed
    };
    let behaviour = if offline_every > 0 && i % offline_every == offline_every - 1 {
        Behaviour::Offline
    } else if i % 13 == 6 {
        Behaviour::Flapping {
            up: Duration::from_mins(2),
            down: Duration::from_secs(30),
        }
    } else if i % 17 == 8 {
        Behaviour::Slow {
            delay: Duration::from_millis(400),
        }
    } else {
        Behaviour::Normal
    };
    (scene, behaviour)
}

/// Starts one simulated camera per credential; they run until the tasks are aborted.
pub fn spawn(
    server: &str,
    cameras: &[CameraCredential],
    offline_every: usize,
) -> Vec<JoinHandle<()>> {
    spawn_as(server, cameras, offline_every, false)
}

/// [`spawn`], or with `steady` every camera connected all the time (no flapping, none offline:
/// for drills that count them).
pub fn spawn_as(
    server: &str,
    cameras: &[CameraCredential],
    offline_every: usize,
    steady: bool,
) -> Vec<JoinHandle<()>> {
    // Several servers (the nodes of a cluster, comma-separated): camera i starts at node
    // i mod n and falls back on the others.
    let servers: Vec<String> = server
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let servers = if servers.is_empty() {
        vec![server.to_owned()]
    } else {
        servers
    };
    cameras
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (scene, behaviour) = character(i, offline_every);
            let behaviour = if steady { Behaviour::Normal } else { behaviour };
            let mut order = servers.clone();
            order.rotate_left(i % servers.len());
            let sim = SimCamera::new(&order[0], &c.credential, scene, behaviour)
                .with_backups(&order[1..]);
            tokio::spawn(sim.run())
        })
        .collect()
}

/// The demo's alarm units that no dialler drives: each sends a DC-09 `NULL` heartbeat over UDP
/// every 40 s (encrypted for the units that have a key), as a real unit would.
pub fn spawn_alarm_units(creds: &crate::demo::DemoCredentials, receiver: &str) -> JoinHandle<()> {
    use vaka_sia_dc09::encode::{encode_clear, encode_encrypted};
    use vaka_sia_dc09::frame::{Body, Header};
    use vaka_sia_dc09::{IdToken, Key, KeyStyle};
    let reserved: Vec<String> = creds
        .sia_dc09
        .iter()
        .flat_map(|s| s.accounts.iter().map(|a| a.account.clone()))
        .collect();
    let units: Vec<(String, Option<Key>)> = creds
        .devices
        .iter()
        .filter(|d| d.kind == "alarm_unit" && d.status == "active")
        .filter_map(|d| {
            let account = d.dc09_account.clone()?;
            if reserved.contains(&account) {
                return None;
            }
            let key = match &d.dc09_key_hex {
                Some(k) => Some(Key::parse(k, KeyStyle::Hex).ok()?),
                None => None,
            };
            Some((account, key))
        })
        .collect();
    let receiver = receiver.to_owned();
    tokio::spawn(async move {
        let Ok(socket) = tokio::net::UdpSocket::bind("127.0.0.1:0").await else {
            tracing::warn!("the simulated alarm units cannot open a socket");
            return;
        };
        let clock = vaka_domain::clock::SystemClock;
        let mut seq: u16 = 0;
        let mut tick = tokio::time::interval(Duration::from_secs(40));
        loop {
            tick.tick().await;
            seq = seq % 9999 + 1;
            for (account, key) in &units {
                let header = Header {
                    id: IdToken::Null,
                    encrypted: key.is_some(),
                    seq,
                    receiver: Some("0".into()),
                    line: Some("0".into()),
                    account: account.clone(),
                };
                let body = Body {
                    data: Vec::new(),
                    xdata: Vec::new(),
                    timestamp: Some(vaka_domain::clock::Clock::now(&clock)),
                };
                let frame = match key {
                    Some(k) => encode_encrypted(&header, &body, k, &mut |b: &mut [u8]| {
                        rand::RngCore::fill_bytes(&mut rand::rng(), b);
                    }),
                    None => encode_clear(&header, &body),
                };
                if let Ok(f) = frame {
                    let _ = socket.send_to(&f, &receiver).await;
                }
            }
        }
    })
}

/// The demo's SCAIP units marked `simulated`: each sends a SCAIP heartbeat (`mty` PI, a SIP
/// MESSAGE over UDP, as Possum's units do) every 40 s, and answers the receiver's `<mrs>`
/// MESSAGE with `200 OK` as a real unit would. A unit with a password answers the digest
/// challenge.
pub fn spawn_scaip_units(creds: &crate::demo::DemoCredentials, receiver: &str) -> JoinHandle<()> {
    let units: Vec<crate::demo::ScaipUnit> = creds
        .scaip
        .iter()
        .flat_map(|s| s.units.iter().filter(|u| u.simulated).cloned())
        .collect();
    let receiver = receiver.to_owned();
    tokio::spawn(async move {
        let Ok(socket) = tokio::net::UdpSocket::bind("127.0.0.1:0").await else {
            tracing::warn!("the simulated SCAIP units cannot open a socket");
            return;
        };
        let Ok(local) = socket.local_addr() else {
            return;
        };
        let mut n: u32 = 0;
        let mut tick = tokio::time::interval(Duration::from_secs(40));
        let mut buf = vec![0u8; 65_536];
        loop {
            tick.tick().await;
            for u in &units {
                n = n.wrapping_add(1);
                let body = format!(
                    "<mrq><mty>PI</mty><ref>{n:08}</ref><cid>{}</cid><dty>2</dty></mrq>",
                    u.cid
                );
                let mut auth: Option<String> = None;
                // At most a challenge and the answer to it.
                for cseq in 1..=2u32 {
                    let request =
                        scaip_ping(&u.cid, &receiver, local, n, cseq, &body, auth.as_deref());
                    let _ = socket.send_to(request.as_bytes(), &receiver).await;
                    // Read until the answer to this request (our <mrs> MESSAGE is answered too).
                    let Some((status, challenge)) =
                        scaip_answers(&socket, &mut buf, &receiver).await
                    else {
                        break;
                    };
                    match (status, &u.password, challenge) {
                        (401, Some(p), Some(c)) if auth.is_none() => {
                            auth = scaip_digest(&c, &u.cid, p, &receiver);
                            if auth.is_none() {
                                break;
                            }
                        }
                        _ => break,
                    }
                }
            }
        }
    })
}

/// A simulated unit's heartbeat MESSAGE.
fn scaip_ping(
    cid: &str,
    receiver: &str,
    local: std::net::SocketAddr,
    n: u32,
    cseq: u32,
    body: &str,
    auth: Option<&str>,
) -> String {
    let auth = auth
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    format!(
        "MESSAGE sip:vaka@{receiver} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bKsim{n}x{cseq};rport\r\n\
         Max-Forwards: 70\r\nFrom: <sip:{cid}@{local}>;tag=sim{n}\r\nTo: <sip:vaka@{receiver}>\r\n\
         Call-ID: sim{n}@{local}\r\nCSeq: {cseq} MESSAGE\r\n{auth}\
         Content-Type: application/scaip+xml\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Reads what the receiver sends for up to 2 s: answers its MESSAGEs (`<mrs>`) with 200 OK and
/// returns the status of the response to our request, with its digest challenge if any. After a
/// `200 OK` it waits for the `<mrs>` MESSAGE that follows it (at most 500 ms), so that it is
/// answered before the next unit's turn.
async fn scaip_answers(
    socket: &tokio::net::UdpSocket,
    buf: &mut [u8],
    receiver: &str,
) -> Option<(u16, Option<String>)> {
    use vaka_scaip::sip::{Limits, Message, Status, parse_datagram, response_to};
    let mut deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    let mut answer: Option<(u16, Option<String>)> = None;
    loop {
        let Ok(Ok((n, _))) = tokio::time::timeout_at(deadline, socket.recv_from(buf)).await else {
            return answer;
        };
        match parse_datagram(&buf[..n], &Limits::default()) {
            Ok(Message::Response(r)) if answer.is_none() => {
                let challenge = r.headers.get("www-authenticate").map(str::to_owned);
                if r.code != 200 {
                    return Some((r.code, challenge));
                }
                answer = Some((r.code, challenge));
                deadline = deadline.min(tokio::time::Instant::now() + Duration::from_millis(500));
            }
            Ok(Message::Request(req)) => {
                let ok = response_to(&req, Status::OK, "sim");
                let _ = socket.send_to(&ok.to_bytes(), receiver).await;
                if answer.is_some() {
                    return answer;
                }
            }
            Ok(Message::Response(_)) | Err(_) => {}
        }
    }
}

/// The `Authorization` value answering a digest `challenge`.
fn scaip_digest(challenge: &str, cid: &str, password: &str, receiver: &str) -> Option<String> {
    use vaka_scaip::digest::{Challenge, Credentials};
    let challenge = Challenge::parse(challenge).ok()?;
    let uri = format!("sip:vaka@{receiver}");
    let c = Credentials::respond(&challenge, cid, password, "MESSAGE", &uri, "simcnonce", 1);
    Some(c.to_header_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mix_of_scenes_and_behaviours() {
        let all: Vec<_> = (0..100).map(|i| character(i, 10)).collect();
        let offline = all.iter().filter(|(_, b)| *b == Behaviour::Offline).count();
        assert_eq!(offline, 10);
        assert!(all.iter().any(|(s, _)| *s == Scene::OnFloor));
        assert!(all.iter().any(|(s, _)| *s == Scene::EmptyBed));
        assert!(all.iter().filter(|(s, _)| *s == Scene::InBed).count() > 70);
        assert!(
            all.iter()
                .any(|(_, b)| matches!(b, Behaviour::Flapping { .. }))
        );
        assert!(
            (0..100)
                .map(|i| character(i, 0))
                .all(|(_, b)| b != Behaviour::Offline)
        );
    }
}
