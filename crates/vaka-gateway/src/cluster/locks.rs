//! Door locks across the nodes of a cluster, over core NATS: which node has which lock
//! connected (presence, as the cameras'), unlocks sent through the lock's node, and revocations
//! told to every node.
//!
//! Subjects (`<prefix>` is the installation's):
//! - `<prefix>.presence.locks`: a node's instance, then each lock connected to it and online
//!   (17 bytes each: its 16 and a state byte, 0 for a lock), every
//!   [`PRESENCE_EVERY`](super::PRESENCE_EVERY) and soon after a change.
//! - `<prefix>.unlock.<instance>`: a request to the lock's node (JSON: lock, request, user,
//!   reason, wait in milliseconds). That node's hub sends the unlock — decided and audited by the
//!   service on the asking node before it gets here — and answers with the lock's answer
//!   (`unlocked`, `refused`, …), `none` when the lock said nothing within the wait, or `offline`.
//! - `<prefix>.locks.revoked`: capabilities revoked on one node (JSON: the sender, the lock, the
//!   revocations); the node the lock is connected to passes them on.
//!
//! Unlocks and revocations are sealed with the installation's key ([`super::seal`]): a node
//! acts on none that another node of the installation did not make.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vaka_domain::ids::DeviceId;
use vaka_lock_protocol::{CapabilityReason, LockEventKind, Revoked};

use super::seal::NodeSeal;
use super::{Presence, SubscribeError, forget_node, hear_presence, node_in, say_presence};
use crate::lock::{LockHub, LockOffline, RemoteLocks};

/// The longest wait for a lock's answer another node may ask for.
const LONGEST_WAIT: Duration = Duration::from_secs(10);
/// How much longer than its wait the asking node gives the lock's node to answer.
const ANSWER_MARGIN: Duration = Duration::from_secs(2);

/// This node's locks and the other nodes', over NATS.
#[derive(Clone)]
pub struct LockBus {
    client: async_nats::Client,
    prefix: String,
    instance: Uuid,
    presence: Presence,
    presence_heard: Arc<tokio::sync::watch::Sender<u64>>,
    seal: NodeSeal,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnlockAsk {
    lock: Uuid,
    request: Uuid,
    user: Uuid,
    reason: CapabilityReason,
    wait_ms: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RevokedTold {
    from: Uuid,
    lock: Uuid,
    revoked: Vec<Revoked>,
}

impl LockBus {
    /// Over `client`, with subjects under `prefix`, unlocks and revocations sealed with `seal`.
    pub fn new(client: async_nats::Client, prefix: &str, seal: NodeSeal) -> Self {
        Self {
            client,
            prefix: prefix.to_owned(),
            instance: Uuid::new_v4(),
            presence: Presence::default(),
            presence_heard: Arc::new(tokio::sync::watch::Sender::new(0)),
            seal,
        }
    }

    fn subject(&self, what: &str) -> String {
        format!("{}.{what}", self.prefix)
    }

    /// A receiver that wakes when another node's report of its locks arrived.
    pub fn presence_heard(&self) -> tokio::sync::watch::Receiver<u64> {
        self.presence_heard.subscribe()
    }

    /// Shares `hub`'s locks with the other nodes and lets `hub` reach theirs: presence,
    /// unlocks asked by the others, and their revocations.
    pub async fn share(&self, hub: LockHub) -> Result<tokio::task::JoinHandle<()>, SubscribeError> {
        let subscribe = async |subject: String| {
            self.client
                .subscribe(subject)
                .await
                .map_err(|e| SubscribeError(e.to_string()))
        };
        let heard = subscribe(self.subject("presence.locks")).await?;
        let unlock_subject = self.subject(&format!("unlock.{}", self.instance));
        let revoked_subject = self.subject("locks.revoked");
        let mut asked = subscribe(unlock_subject.clone()).await?;
        let mut revoked = subscribe(revoked_subject.clone()).await?;
        hub.set_remote(Arc::new(self.clone()));
        let listen = hear_presence(
            heard,
            self.instance,
            self.presence.clone(),
            self.presence_heard.clone(),
        );
        let say = {
            let hub = hub.clone();
            say_presence(
                self.client.clone(),
                self.subject("presence.locks"),
                self.instance,
                hub.subscribe(),
                // A lock's presence carries no state.
                move || hub.online().into_iter().map(|d| (d, 0)).collect(),
            )
        };
        let serve = {
            let (hub, client, seal) = (hub.clone(), self.client.clone(), self.seal.clone());
            async move {
                while let Some(m) = asked.next().await {
                    let Some(reply) = m.reply.clone() else {
                        continue;
                    };
                    let (hub, client) = (hub.clone(), client.clone());
                    let opened = seal.open(&unlock_subject, &m.payload).map(<[u8]>::to_vec);
                    tokio::spawn(async move {
                        let answer = match opened {
                            Ok(payload) => answer_unlock(&hub, &payload).await,
                            Err(why) => {
                                tracing::warn!(?why, "an unlock on NATS without a valid seal");
                                b"bad".to_vec()
                            }
                        };
                        if let Err(e) = client.publish(reply, answer.into()).await {
                            tracing::debug!(error = %e, "an unlock's answer not sent");
                        }
                    });
                }
            }
        };
        let (me, seal) = (self.instance, self.seal.clone());
        let apply = async move {
            while let Some(m) = revoked.next().await {
                let Ok(payload) = seal.open(&revoked_subject, &m.payload) else {
                    tracing::warn!("a revocation on NATS without a valid seal");
                    continue;
                };
                match serde_json::from_slice::<RevokedTold>(payload) {
                    Ok(t) if t.from == me => {}
                    // Passed on if the lock is connected here; else another node has it, or
                    // it learns when it next connects.
                    Ok(t) => {
                        let _ = hub.revoke(DeviceId(t.lock), &t.revoked);
                    }
                    Err(_) => tracing::warn!("a revocation from NATS that no node sends"),
                }
            }
        };
        Ok(tokio::spawn(async move {
            tokio::join!(listen, say, serve, apply);
        }))
    }
}

/// The answer of this node's hub to another node's unlock.
async fn answer_unlock(hub: &LockHub, payload: &[u8]) -> Vec<u8> {
    let Ok(ask) = serde_json::from_slice::<UnlockAsk>(payload) else {
        return b"bad".to_vec();
    };
    let wait = Duration::from_millis(ask.wait_ms).min(LONGEST_WAIT);
    match hub
        .unlock_waiting_here(DeviceId(ask.lock), ask.request, ask.user, ask.reason, wait)
        .await
    {
        Ok(Some(kind)) => kind.code().as_bytes().to_vec(),
        Ok(None) => b"none".to_vec(),
        Err(LockOffline) => b"offline".to_vec(),
    }
}

fn parse_answer(payload: &[u8]) -> Result<Option<LockEventKind>, LockOffline> {
    if payload == b"none" {
        return Ok(None);
    }
    let code = std::str::from_utf8(payload).map_err(|_| LockOffline)?;
    serde_json::from_value(serde_json::Value::String(code.to_owned()))
        .map(Some)
        .map_err(|_| LockOffline)
}

#[async_trait::async_trait]
impl RemoteLocks for LockBus {
    fn is_online(&self, device: DeviceId) -> bool {
        node_in(&self.presence, device).is_some()
    }

    async fn unlock(
        &self,
        device: DeviceId,
        request: Uuid,
        user: Uuid,
        reason: CapabilityReason,
        wait: Duration,
    ) -> Result<Option<LockEventKind>, LockOffline> {
        let (node, _) = node_in(&self.presence, device).ok_or(LockOffline)?;
        let ask = UnlockAsk {
            lock: device.0,
            request,
            user,
            reason,
            wait_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
        };
        let payload = serde_json::to_vec(&ask).map_err(|_| LockOffline)?;
        let subject = self.subject(&format!("unlock.{node}"));
        let sealed = self.seal.seal(&subject, &payload);
        let asked = self.client.request(subject, sealed.into());
        let Ok(Ok(answer)) = tokio::time::timeout(wait + ANSWER_MARGIN, asked).await else {
            forget_node(&self.presence, node);
            return Err(LockOffline);
        };
        parse_answer(&answer.payload)
    }

    fn revoke(&self, device: DeviceId, revoked: &[Revoked]) {
        let told = RevokedTold {
            from: self.instance,
            lock: device.0,
            revoked: revoked.to_vec(),
        };
        let Ok(payload) = serde_json::to_vec(&told) else {
            return;
        };
        let subject = self.subject("locks.revoked");
        let sealed = self.seal.seal(&subject, &payload);
        let client = self.client.clone();
        tokio::spawn(async move {
            if let Err(e) = client.publish(subject, sealed.into()).await {
                tracing::warn!(error = %e, "a revocation not told to the other nodes");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_read_back_as_the_lock_said_them() {
        for kind in [
            LockEventKind::Unlocked,
            LockEventKind::Refused,
            LockEventKind::Jammed,
        ] {
            assert_eq!(parse_answer(kind.code().as_bytes()), Ok(Some(kind)));
        }
        assert_eq!(parse_answer(b"none"), Ok(None));
        assert_eq!(parse_answer(b"offline"), Err(LockOffline));
        assert_eq!(parse_answer(b"bad"), Err(LockOffline));
        assert_eq!(parse_answer(&[0xff, 0xfe]), Err(LockOffline));
    }

    #[test]
    fn an_unlock_ask_and_a_revocation_travel_as_json_and_nothing_else_passes() {
        let ask = UnlockAsk {
            lock: Uuid::new_v4(),
            request: Uuid::new_v4(),
            user: Uuid::new_v4(),
            reason: CapabilityReason::Alarm,
            wait_ms: 5000,
        };
        let back: UnlockAsk = serde_json::from_slice(&serde_json::to_vec(&ask).unwrap()).unwrap();
        assert_eq!(
            (back.lock, back.request, back.reason),
            (ask.lock, ask.request, ask.reason)
        );
        assert!(serde_json::from_slice::<UnlockAsk>(br#"{"lock":"x"}"#).is_err());
        let told = RevokedTold {
            from: Uuid::new_v4(),
            lock: Uuid::new_v4(),
            revoked: vec![Revoked {
                nonce: vaka_lock_protocol::Nonce::from_hex("00112233445566778899aabbccddeeff")
                    .unwrap(),
                expires: 1_800_000_000,
            }],
        };
        let back: RevokedTold =
            serde_json::from_slice(&serde_json::to_vec(&told).unwrap()).unwrap();
        assert_eq!(back.revoked, told.revoked);
        assert!(serde_json::from_slice::<RevokedTold>(br#"{"from":1}"#).is_err());
    }
}
