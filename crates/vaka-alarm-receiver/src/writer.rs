//! The group commit: messages from every connection are stored together in one transaction,
//! and each connection sends its ACKs only when the transaction that holds its messages has
//! committed. A message already stored (same account, sequence and data within the dedupe
//! window) is not stored again; it is acknowledged once the original is on disk.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{mpsc, oneshot};
use vaka_domain::clock::Clock;

use crate::directory::AccountEntry;
use crate::mapping::ReceivedEvent;

/// One event message, checked and decoded, waiting to be stored.
#[derive(Debug, Clone)]
pub struct Received {
    /// Uppercase hex.
    pub account: String,
    pub seq: u16,
    pub fingerprint: i64,
    pub token: &'static str,
    pub entry: Arc<AccountEntry>,
    pub data: String,
    pub events: Vec<ReceivedEvent>,
    pub message_at: Option<Timestamp>,
    pub received_at: Timestamp,
    pub transport: &'static str,
}

impl Received {
    fn key(&self) -> Key {
        (self.account.clone(), self.seq, self.fingerprint)
    }
}

type Key = (String, u16, i64);

/// Storage failed: nothing was acknowledged, the senders will retry.
#[derive(Debug, Clone, thiserror::Error)]
#[error("alarm storage failed: {0}")]
pub struct SinkError(pub String);

/// Where received messages go.
#[async_trait::async_trait]
pub trait Sink: Send + Sync + 'static {
    /// Stores the messages (and the alarms they raise) in one transaction. `Ok` means
    /// committed durably.
    async fn store(&self, batch: &[Received]) -> Result<(), SinkError>;
    /// The keys of the messages stored since `since` (the dedupe memory after a restart).
    async fn recent(&self, since: Timestamp) -> Result<Vec<(String, u16, i64)>, SinkError>;
    /// An account nobody provisioned sent something (called at most once a minute an account).
    async fn unknown_account(&self, account: &str, at: Timestamp, transport: &'static str);
}

struct Job {
    messages: Vec<Received>,
    done: oneshot::Sender<Result<(), SinkError>>,
}

/// A handle to the group-commit task.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

/// What the writer remembers of stored messages, oldest first.
struct Memory {
    window: SignedDuration,
    keys: HashMap<Key, Timestamp>,
    order: VecDeque<(Timestamp, Key)>,
}

impl Memory {
    fn forget_before(&mut self, now: Timestamp) {
        let limit = now - self.window;
        while let Some((at, _)) = self.order.front() {
            if *at >= limit {
                break;
            }
            if let Some((at, key)) = self.order.pop_front()
                && self.keys.get(&key) == Some(&at)
            {
                self.keys.remove(&key);
            }
        }
    }

    fn remember(&mut self, key: Key, at: Timestamp) {
        self.keys.insert(key.clone(), at);
        self.order.push_back((at, key));
    }
}

impl Writer {
    /// Loads what was stored within `window` and starts the task. At most `max_batch`
    /// messages go into one transaction.
    pub async fn start(
        sink: Arc<dyn Sink>,
        clock: Arc<dyn Clock>,
        window: SignedDuration,
        max_batch: usize,
    ) -> Result<Self, SinkError> {
        let now = clock.now();
        let mut memory = Memory {
            window,
            keys: HashMap::new(),
            order: VecDeque::new(),
        };
        for key in sink.recent(now - window).await? {
            memory.remember(key, now);
        }
        let (tx, rx) = mpsc::channel::<Job>(4096);
        tokio::spawn(run(sink, clock, memory, rx, max_batch.max(1)));
        Ok(Self { jobs: tx })
    }

    /// Stores the messages (with everyone else's waiting); returns once they are committed.
    pub async fn submit(&self, messages: Vec<Received>) -> Result<(), SinkError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send(Job { messages, done })
            .await
            .map_err(|_| SinkError("the writer has stopped".into()))?;
        wait.await
            .map_err(|_| SinkError("the writer has stopped".into()))?
    }
}

async fn run(
    sink: Arc<dyn Sink>,
    clock: Arc<dyn Clock>,
    mut memory: Memory,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
) {
    while let Some(first) = rx.recv().await {
        let mut count = first.messages.len();
        let mut jobs = vec![first];
        while count < max_batch {
            match rx.try_recv() {
                Ok(job) => {
                    count += job.messages.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        memory.forget_before(clock.now());
        let mut fresh = Vec::with_capacity(count);
        let mut in_batch = HashSet::new();
        let mut duplicates = 0u64;
        let mut waiting = Vec::with_capacity(jobs.len());
        for job in jobs {
            for m in job.messages {
                let key = m.key();
                if memory.keys.contains_key(&key) || !in_batch.insert(key) {
                    duplicates += 1;
                } else {
                    fresh.push(m);
                }
            }
            waiting.push(job.done);
        }
        let started = std::time::Instant::now();
        let result = if fresh.is_empty() {
            Ok(())
        } else {
            sink.store(&fresh).await
        };
        metrics::histogram!("vaka_dc09_commit_seconds").record(started.elapsed().as_secs_f64());
        metrics::histogram!("vaka_dc09_batch_messages").record(fresh.len() as f64);
        match &result {
            Ok(()) => {
                metrics::counter!("vaka_dc09_stored_total").increment(fresh.len() as u64);
                metrics::counter!("vaka_dc09_duplicates_total").increment(duplicates);
                for m in fresh {
                    let at = m.received_at;
                    memory.remember(m.key(), at);
                }
            }
            Err(e) => {
                tracing::error!(error = %e, messages = fresh.len(), "storing alarm messages failed; not acknowledged")
            }
        }
        for done in waiting {
            let _ = done.send(result.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use vaka_domain::client::AreaType;
    use vaka_domain::clock::ManualClock;
    use vaka_domain::ids::DeviceId;

    #[derive(Default)]
    struct Fake {
        stored: Mutex<Vec<(String, u16)>>,
        batches: Mutex<usize>,
        fail: Mutex<bool>,
        recent: Vec<(String, u16, i64)>,
    }

    #[async_trait::async_trait]
    impl Sink for Fake {
        async fn store(&self, batch: &[Received]) -> Result<(), SinkError> {
            if *self.fail.lock().unwrap() {
                return Err(SinkError("disk full".into()));
            }
            *self.batches.lock().unwrap() += 1;
            self.stored
                .lock()
                .unwrap()
                .extend(batch.iter().map(|m| (m.account.clone(), m.seq)));
            Ok(())
        }
        async fn recent(&self, _: Timestamp) -> Result<Vec<(String, u16, i64)>, SinkError> {
            Ok(self.recent.clone())
        }
        async fn unknown_account(&self, _: &str, _: Timestamp, _: &'static str) {}
    }

    fn msg(account: &str, seq: u16, fp: i64, at: Timestamp) -> Received {
        Received {
            account: account.into(),
            seq,
            fingerprint: fp,
            token: "SIA-DCS",
            entry: Arc::new(AccountEntry {
                device_id: DeviceId::new(),
                key: None,
                client_id: None,
                area: AreaType::Town,
            }),
            data: "NMA001".into(),
            events: Vec::new(),
            message_at: None,
            received_at: at,
            transport: "tcp",
        }
    }

    fn t0() -> Timestamp {
        "2026-12-01T02:00:00Z".parse().unwrap()
    }

    #[tokio::test]
    async fn a_message_sent_again_is_acknowledged_but_stored_once() {
        let sink = Arc::new(Fake {
            recent: vec![("00AA".into(), 1, 42)],
            ..Fake::default()
        });
        let clock = ManualClock::new(t0());
        let w = Writer::start(
            sink.clone(),
            Arc::new(clock.clone()),
            SignedDuration::from_mins(10),
            100,
        )
        .await
        .unwrap();
        // Remembered from before a restart.
        w.submit(vec![msg("00AA", 1, 42, t0())]).await.unwrap();
        // New, then the same again, twice in one submission.
        w.submit(vec![msg("00AA", 2, 42, t0()), msg("00AA", 2, 42, t0())])
            .await
            .unwrap();
        w.submit(vec![msg("00AA", 2, 42, t0())]).await.unwrap();
        // Same sequence, other data: another message.
        w.submit(vec![msg("00AA", 2, 43, t0())]).await.unwrap();
        assert_eq!(
            *sink.stored.lock().unwrap(),
            vec![("00AA".to_owned(), 2), ("00AA".to_owned(), 2)]
        );
        // After the window the key is forgotten: a sequence reused much later is new.
        clock.set(t0() + SignedDuration::from_mins(11));
        w.submit(vec![msg(
            "00AA",
            2,
            42,
            t0() + SignedDuration::from_mins(11),
        )])
        .await
        .unwrap();
        assert_eq!(sink.stored.lock().unwrap().len(), 3);
    }

    #[tokio::test]
    async fn a_failed_commit_acknowledges_nothing_and_the_retry_is_stored() {
        let sink = Arc::new(Fake::default());
        let w = Writer::start(
            sink.clone(),
            Arc::new(ManualClock::new(t0())),
            SignedDuration::from_mins(10),
            100,
        )
        .await
        .unwrap();
        *sink.fail.lock().unwrap() = true;
        assert!(w.submit(vec![msg("00BB", 5, 1, t0())]).await.is_err());
        *sink.fail.lock().unwrap() = false;
        w.submit(vec![msg("00BB", 5, 1, t0())]).await.unwrap();
        assert_eq!(*sink.stored.lock().unwrap(), vec![("00BB".to_owned(), 5)]);
    }

    #[tokio::test]
    async fn concurrent_submissions_share_transactions() {
        let sink = Arc::new(Fake::default());
        let w = Writer::start(
            sink.clone(),
            Arc::new(ManualClock::new(t0())),
            SignedDuration::from_mins(10),
            1000,
        )
        .await
        .unwrap();
        let mut tasks = Vec::new();
        for i in 0..200u16 {
            let w = w.clone();
            tasks.push(tokio::spawn(async move {
                w.submit(vec![msg("00CC", i, 0, t0())]).await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(sink.stored.lock().unwrap().len(), 200);
        assert!(
            *sink.batches.lock().unwrap() < 200,
            "some transactions held several messages"
        );
    }
}
