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
    cameras
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let (scene, behaviour) = character(i, offline_every);
            tokio::spawn(SimCamera::new(server, &c.credential, scene, behaviour).run())
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
