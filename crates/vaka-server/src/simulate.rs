//! Simulated cameras for the demo and for load tests: `vaka simulate cameras` and the cameras
//! `vaka demo` connects by itself. They speak the real protocol over a real socket.

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
            up: Duration::from_secs(120),
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
