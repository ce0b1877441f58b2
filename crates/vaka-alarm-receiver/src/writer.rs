//! The group commit: messages from every connection are stored together in one transaction,
//! and each connection sends its ACKs only when the transaction that holds its messages has
//! committed. A message already stored (same account, sequence and data within the dedupe
//! window) is not stored again; it is acknowledged once the original is on disk.
//!
//! Duplicates are recognised twice. The writer's memory of recent keys (loaded from the store
//! at start, then kept up to date by its own commits) leaves them out of a batch without asking
//! the database. The store is the authority: each commit claims its messages' keys in the same
//! transaction ([`Sink::store`] with the window), so that a resend that reaches another node
//! sharing the database — a device falling back to its backup receiver, whose memory never
//! saw the first copy — is found there. That commit is then refused whole
//! ([`SinkError::StoredElsewhere`], nothing written), and the writer reloads its memory from the
//! store ([`Sink::recent`], which sees the other node's messages), leaves out the messages now
//! known as stored (answered as any duplicate: their originals are committed) and stores the
//! rest, once. So an ACK still always follows a commit that holds the message or its original.
//!
//! Why a claim in the commit rather than a look before it: two nodes looking at once would
//! both find nothing and both store; a claim under the key's uniqueness makes the second wait
//! for the first's commit and then see it. Why refuse the batch rather than skip the claimed
//! messages inside the transaction: the statements of a batch are encoded before its
//! transaction (the hot path), and a refusal is rare (a resend to another node), so it may cost
//! a reload and a second transaction; the common commit costs one more multi-row insert.
//!
//! A commit costs an fsync (SQLite with `synchronous = FULL`, PostgreSQL), and a device with
//! one message in flight sends its next one only after its ACK. So a batch is not sealed at
//! the first message after a commit: it waits for the devices the last commits answered, while
//! the database is still busy with the commit before, and for at most [`LINGER`] once it is
//! idle. Sealing at once split those devices over two commits or more, each with its fsync.

use std::collections::{HashMap, VecDeque};
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

/// Storage failed: nothing was written, nothing acknowledged; the senders will retry.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SinkError {
    #[error("alarm storage failed: {0}")]
    Failed(String),
    /// The store refused the batch: a message in it is already stored (its key still fresh),
    /// by another receiver on the same database. The writer reloads and stores the rest.
    #[error("a message of the batch was already stored by another receiver")]
    StoredElsewhere,
}

impl SinkError {
    /// A failure, with what failed.
    pub fn failed(what: impl Into<String>) -> Self {
        Self::Failed(what.into())
    }
}

/// Where received messages go.
#[async_trait::async_trait]
pub trait Sink: Send + Sync + 'static {
    /// Stores the messages (and the alarms they raise) in one transaction. `Ok` means
    /// committed durably. Each message's key (account, sequence, fingerprint) is claimed in the
    /// same transaction for `window` from its receipt: when one is still fresh (the message
    /// stored by another receiver sharing the store), nothing is written and the answer is
    /// [`SinkError::StoredElsewhere`].
    async fn store(&self, batch: &[Received], window: SignedDuration) -> Result<(), SinkError>;
    /// The keys of the messages stored since `since` (the dedupe memory after a restart).
    async fn recent(&self, since: Timestamp) -> Result<Vec<(String, u16, i64)>, SinkError>;
    /// An account nobody provisioned sent something (called at most once a minute an account).
    async fn unknown_account(&self, account: &str, at: Timestamp, transport: &'static str);
    /// A provisioned account's message was refused by its rules (called at most once a minute
    /// an account and reason). By default only logged, by the receiver.
    async fn refused(&self, refused: Refused) {
        let _ = refused;
    }
}

/// A message of a provisioned account that the receiver refused, and why.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The account, upper case.
    pub account: String,
    pub device: vaka_domain::ids::DeviceId,
    pub reason: crate::handler::Refusal,
    pub at: Timestamp,
    pub transport: &'static str,
    /// Who sent it.
    pub peer: std::net::SocketAddr,
}

/// Where a submission's answer goes.
type Reply = oneshot::Sender<Result<(), SinkError>>;

struct Job {
    messages: Vec<Received>,
    done: Reply,
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
    /// messages go into one transaction; a batch waits at most `linger` for the devices the
    /// last commit answered (normally [`LINGER`]).
    pub async fn start(
        sink: Arc<dyn Sink>,
        clock: Arc<dyn Clock>,
        window: SignedDuration,
        max_batch: usize,
        linger: std::time::Duration,
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
        tokio::spawn(run(sink, clock, memory, rx, max_batch.max(1), linger));
        Ok(Self { jobs: tx })
    }

    /// Stores the messages (with everyone else's waiting); returns once they are committed.
    pub async fn submit(&self, messages: Vec<Received>) -> Result<(), SinkError> {
        let (done, wait) = oneshot::channel();
        self.jobs
            .send(Job { messages, done })
            .await
            .map_err(|_| SinkError::failed("the writer has stopped"))?;
        wait.await
            .map_err(|_| SinkError::failed("the writer has stopped"))?
    }
}

/// Group commits in flight at once: while one commits, the next is encoded and waits for the
/// write lock, so the encoding does not hold up the database.
const IN_FLIGHT: usize = 2;

/// How long a batch waits, at most, for the devices the last commit answered while the
/// database has nothing to do (see `Gathered::ready`). Measured with 64 devices, one message in
/// flight each (docs/PERFORMANCE.md): 100 µs, 500 µs and 2 ms were alike within the noise. The
/// wait is a timer, whose ticks are of a millisecond: in practice it ends within one.
pub const LINGER: std::time::Duration = std::time::Duration::from_micros(500);

/// How many recent failed batches are remembered (for the jobs that waited on them).
const FAILED_MEMORY: usize = 8;

/// One group commit on its way.
struct Batch {
    number: u64,
    /// Each job's reply, with the batch in flight whose message it relied on, if any: the
    /// job had a message that batch was storing, so it was not stored again here.
    waiting: Vec<(Reply, Option<u64>)>,
    /// The keys this batch stores, with when they were received.
    keys: Vec<(Key, Timestamp)>,
    duplicates: u64,
    task: tokio::task::JoinHandle<Committed>,
}

/// How a group commit ended.
struct Committed {
    result: Result<(), SinkError>,
    /// When the store refused the batch ([`SinkError::StoredElsewhere`]): the keys it holds,
    /// as reloaded, and when.
    reloaded: Option<(Vec<Key>, Timestamp)>,
    /// The batch's messages left out of its retry: already stored, by another receiver.
    stored_elsewhere: u64,
}

/// The jobs gathered for the next group commit, and when the first of them came.
#[derive(Default)]
struct Gathered {
    jobs: Vec<Job>,
    messages: usize,
    since: Option<std::time::Instant>,
    /// Submissions expected soon: the jobs the commits since the last seal answered. A device
    /// that got its ACK sends its next message at once when it has one, so a batch sealed
    /// before they are back would split them over two commits, each with its own fsync.
    returning: usize,
}

/// Why a gathered batch is sealed now, or `None` to gather on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seal {
    /// As many messages as one transaction takes.
    Full,
    /// Every submission the last commits answered is back (or none was expected).
    AllBack,
    /// The database is idle and the batch has waited [`LINGER`]: the rest are not coming soon.
    Lingered,
    /// The receiver is shutting down.
    Closing,
}

impl Gathered {
    fn push(&mut self, job: Job) {
        self.since.get_or_insert_with(std::time::Instant::now);
        self.messages += job.messages.len();
        self.jobs.push(job);
    }

    /// Whether to seal the batch now. Sealing at the first submission after a commit (as
    /// soon as the database could take one) splits the devices that commit answered over
    /// two or more commits: on SQLite with `synchronous = FULL` each commit is an fsync, and
    /// with one message in flight a device, the fsyncs, not the CPU, set the pace. So a batch
    /// waits for the submissions the last commits answered, while a commit is still running
    /// (it costs nothing: the database is busy) and for at most `linger` once the database is
    /// idle.
    fn ready(
        &self,
        in_flight: usize,
        max_batch: usize,
        open: bool,
        linger: std::time::Duration,
        now: std::time::Instant,
    ) -> Option<Seal> {
        if self.jobs.is_empty() {
            return None;
        }
        if self.messages >= max_batch {
            Some(Seal::Full)
        } else if !open {
            Some(Seal::Closing)
        } else if self.jobs.len() >= self.returning {
            Some(Seal::AllBack)
        } else if in_flight == 0 && self.since.is_some_and(|t| now - t >= linger) {
            Some(Seal::Lingered)
        } else {
            None
        }
    }

    /// Takes the jobs for a batch; what was expected and did not come is not waited for again.
    fn take(&mut self, why: Seal) -> Vec<Job> {
        self.returning = match why {
            Seal::Lingered | Seal::Closing => 0,
            Seal::Full | Seal::AllBack => self.returning.saturating_sub(self.jobs.len()),
        };
        self.messages = 0;
        self.since = None;
        std::mem::take(&mut self.jobs)
    }
}

async fn run(
    sink: Arc<dyn Sink>,
    clock: Arc<dyn Clock>,
    mut memory: Memory,
    mut rx: mpsc::Receiver<Job>,
    max_batch: usize,
    linger: std::time::Duration,
) {
    let mut in_flight: VecDeque<Batch> = VecDeque::with_capacity(IN_FLIGHT);
    // Keys held by the batches in flight, with the batch that holds each.
    let mut pending: HashMap<Key, u64> = HashMap::new();
    let mut failed: VecDeque<u64> = VecDeque::with_capacity(FAILED_MEMORY);
    let mut gathered = Gathered::default();
    let mut next_number = 0u64;
    let mut open = true;
    while open || !in_flight.is_empty() || !gathered.jobs.is_empty() {
        if in_flight.len() < IN_FLIGHT {
            // Everything already queued joins first.
            while gathered.messages < max_batch {
                match rx.try_recv() {
                    Ok(job) => gathered.push(job),
                    Err(_) => break,
                }
            }
            let now = std::time::Instant::now();
            if let Some(why) = gathered.ready(in_flight.len(), max_batch, open, linger, now) {
                let jobs = gathered.take(why);
                let number = next_number;
                next_number += 1;
                let batch = start(jobs, number, &sink, &clock, &mut memory, &mut pending);
                in_flight.push_back(batch);
                continue;
            }
        }
        // Waiting for stragglers while the database is idle: until the linger is out (a timer,
        // not a spin: the wait must not take the CPU the connections need to send).
        let linger_until = gathered
            .since
            .filter(|_| in_flight.is_empty() && !gathered.jobs.is_empty())
            .map(|t| tokio::time::Instant::from_std(t + linger));
        tokio::select! {
            biased;
            // The oldest batch is done (batches finish in order: they queue for the one writer).
            result = async {
                match in_flight.front_mut() {
                    Some(b) => (&mut b.task).await,
                    None => std::future::pending().await,
                }
            }, if !in_flight.is_empty() => {
                let Some(batch) = in_flight.pop_front() else { continue };
                let committed = result.unwrap_or_else(|e| Committed {
                    result: Err(SinkError::failed(format!("the group commit failed: {e}"))),
                    reloaded: None,
                    stored_elsewhere: 0,
                });
                gathered.returning += batch.waiting.len();
                finish(batch, committed, &mut memory, &mut pending, &mut failed);
            }
            job = rx.recv(), if open && gathered.messages < max_batch => {
                match job {
                    Some(job) => gathered.push(job),
                    None => open = false,
                }
            }
            () = async {
                match linger_until {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            }, if linger_until.is_some() => {}
        }
    }
}

/// Leaves out of `jobs` what is stored or being stored, and starts the group commit.
fn start(
    jobs: Vec<Job>,
    number: u64,
    sink: &Arc<dyn Sink>,
    clock: &Arc<dyn Clock>,
    memory: &mut Memory,
    pending: &mut HashMap<Key, u64>,
) -> Batch {
    let count = jobs.iter().map(|j| j.messages.len()).sum();
    memory.forget_before(clock.now());
    let mut fresh = Vec::with_capacity(count);
    let mut keys = Vec::with_capacity(count);
    let mut duplicates = 0u64;
    let mut waiting = Vec::with_capacity(jobs.len());
    for job in jobs {
        let mut relies_on = None;
        for m in job.messages {
            let key = m.key();
            if memory.keys.contains_key(&key) {
                duplicates += 1;
            } else if let Some(&holder) = pending.get(&key) {
                duplicates += 1;
                // Held by this batch (sent twice in one go) or by the one before.
                if holder != number {
                    relies_on = Some(holder);
                }
            } else {
                pending.insert(key.clone(), number);
                keys.push((key, m.received_at));
                fresh.push(m);
            }
        }
        waiting.push((job.done, relies_on));
    }
    let (sink, clock, window) = (sink.clone(), clock.clone(), memory.window);
    let task = tokio::spawn(async move {
        let started = std::time::Instant::now();
        let messages = fresh.len();
        let mut committed = Committed {
            result: Ok(()),
            reloaded: None,
            stored_elsewhere: 0,
        };
        if !fresh.is_empty() {
            committed.result = match sink.store(&fresh, window).await {
                Err(SinkError::StoredElsewhere) => {
                    store_rest(&*sink, &*clock, window, fresh, &mut committed).await
                }
                r => r,
            };
        }
        metrics::histogram!("vaka_dc09_commit_seconds").record(started.elapsed().as_secs_f64());
        metrics::histogram!("vaka_dc09_batch_messages").record(messages as f64);
        committed
    });
    Batch {
        number,
        waiting,
        keys,
        duplicates,
        task,
    }
}

/// The store refused `batch` because another receiver on it stored one of its messages: reloads
/// the keys stored within the window (which the refusal found fresh), leaves out the messages
/// they name and stores the rest, once. Another refusal (a race with yet another copy) fails
/// the batch: nothing is acknowledged, the devices send again and find the keys known.
async fn store_rest(
    sink: &dyn Sink,
    clock: &dyn Clock,
    window: SignedDuration,
    batch: Vec<Received>,
    committed: &mut Committed,
) -> Result<(), SinkError> {
    metrics::counter!("vaka_dc09_stored_elsewhere_total").increment(1);
    // A key is fresh for the window from its message's receipt: a stored copy that refused
    // this batch came in less than the window before its earliest message.
    let earliest = batch.iter().map(|m| m.received_at).min();
    let since = earliest.unwrap_or_else(|| clock.now()) - window;
    let stored: std::collections::HashSet<Key> = sink.recent(since).await?.into_iter().collect();
    let (known, rest): (Vec<Received>, Vec<Received>) =
        batch.into_iter().partition(|m| stored.contains(&m.key()));
    committed.stored_elsewhere = known.len() as u64;
    committed.reloaded = Some((stored.into_iter().collect(), clock.now()));
    tracing::info!(
        stored_elsewhere = known.len(),
        rest = rest.len(),
        "alarm messages already stored by another receiver; storing the rest"
    );
    if known.is_empty() {
        // Refused for a key whose message is not to be found (purged within the window?):
        // storing the same again would be refused again.
        return Err(SinkError::StoredElsewhere);
    }
    if rest.is_empty() {
        return Ok(());
    }
    sink.store(&rest, window).await
}

/// Remembers what a batch stored (or forgets what it failed to) and answers its jobs.
fn finish(
    batch: Batch,
    committed: Committed,
    memory: &mut Memory,
    pending: &mut HashMap<Key, u64>,
    failed: &mut VecDeque<u64>,
) {
    let Committed {
        result,
        reloaded,
        stored_elsewhere,
    } = committed;
    for (key, _) in &batch.keys {
        pending.remove(key);
    }
    // What the store holds, whatever became of the batch (as at start: kept a window from now).
    if let Some((keys, at)) = reloaded {
        for key in keys {
            if !memory.keys.contains_key(&key) {
                memory.remember(key, at);
            }
        }
    }
    match &result {
        Ok(()) => {
            let stored = (batch.keys.len() as u64).saturating_sub(stored_elsewhere);
            metrics::counter!("vaka_dc09_stored_total").increment(stored);
            metrics::counter!("vaka_dc09_duplicates_total")
                .increment(batch.duplicates + stored_elsewhere);
            for (key, at) in batch.keys {
                memory.remember(key, at);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, messages = batch.keys.len(), "storing alarm messages failed; not acknowledged");
            if failed.len() == FAILED_MEMORY {
                failed.pop_front();
            }
            failed.push_back(batch.number);
        }
    }
    for (done, relies_on) in batch.waiting {
        let answer = match relies_on {
            // The message it sent again was in a batch that failed: not stored, no ACK.
            Some(n) if failed.contains(&n) => Err(SinkError::failed(
                "an earlier copy of the message was not stored",
            )),
            _ => result.clone(),
        };
        let _ = done.send(answer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;
    use vaka_domain::client::AreaType;
    use vaka_domain::clock::ManualClock;
    use vaka_domain::ids::DeviceId;

    #[derive(Default)]
    struct Fake {
        stored: Mutex<Vec<(String, u16)>>,
        batches: Mutex<usize>,
        fail: Mutex<bool>,
        recent: Vec<(String, u16, i64)>,
        /// Commits begun (stored or not).
        calls: std::sync::atomic::AtomicUsize,
        /// When set, the next commit waits for this and then fails.
        held: Mutex<Option<oneshot::Receiver<()>>>,
        /// When set, the next commit waits for this and then stores.
        gate: Mutex<Option<oneshot::Receiver<()>>>,
        /// The messages of each stored batch.
        sizes: Mutex<Vec<usize>>,
        /// Keys another receiver on the same store has stored: a batch with one is refused,
        /// and they are among the recent ones.
        elsewhere: Mutex<Vec<Key>>,
        /// The `since` of each call of `recent`.
        reloads: Mutex<Vec<Timestamp>>,
        /// The window each store was asked to claim keys for.
        windows: Mutex<Vec<SignedDuration>>,
        /// Refuse this many stores as holding a message stored elsewhere, though nothing is.
        refuse: Mutex<usize>,
    }

    #[async_trait::async_trait]
    impl Sink for Fake {
        async fn store(&self, batch: &[Received], window: SignedDuration) -> Result<(), SinkError> {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.windows.lock().unwrap().push(window);
            let held = self.held.lock().unwrap().take();
            if let Some(release) = held {
                let _ = release.await;
                return Err(SinkError::failed("disk full"));
            }
            if *self.fail.lock().unwrap() {
                return Err(SinkError::failed("disk full"));
            }
            let elsewhere = self.elsewhere.lock().unwrap().clone();
            if batch.iter().any(|m| elsewhere.contains(&m.key())) {
                return Err(SinkError::StoredElsewhere);
            }
            {
                let mut refuse = self.refuse.lock().unwrap();
                if *refuse > 0 {
                    *refuse -= 1;
                    return Err(SinkError::StoredElsewhere);
                }
            }
            let gate = self.gate.lock().unwrap().take();
            if let Some(open) = gate {
                let _ = open.await;
            }
            *self.batches.lock().unwrap() += 1;
            self.sizes.lock().unwrap().push(batch.len());
            self.stored
                .lock()
                .unwrap()
                .extend(batch.iter().map(|m| (m.account.clone(), m.seq)));
            Ok(())
        }
        async fn recent(&self, since: Timestamp) -> Result<Vec<(String, u16, i64)>, SinkError> {
            self.reloads.lock().unwrap().push(since);
            let mut keys = self.recent.clone();
            keys.extend(self.elsewhere.lock().unwrap().iter().cloned());
            Ok(keys)
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
                security: crate::directory::Security::Clear,
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

    /// A writer into `sink` with the clock at [`t0`], a ten-minute duplicate window and
    /// batches of at most `max_batch`.
    async fn writer(sink: &Arc<Fake>, max_batch: usize) -> Writer {
        lingering(sink, max_batch, LINGER).await
    }

    /// [`writer`] with a batch waiting at most `linger` for the devices a commit answered.
    async fn lingering(sink: &Arc<Fake>, max_batch: usize, linger: Duration) -> Writer {
        Writer::start(
            sink.clone(),
            Arc::new(ManualClock::new(t0())),
            SignedDuration::from_mins(10),
            max_batch,
            linger,
        )
        .await
        .unwrap()
    }

    /// Submits one message of `account` from a task of its own, as a device's connection does.
    fn send(w: &Writer, account: &str, seq: u16) -> tokio::task::JoinHandle<Result<(), SinkError>> {
        let (w, m) = (w.clone(), msg(account, seq, 0, t0()));
        tokio::spawn(async move { w.submit(vec![m]).await })
    }

    /// Three devices' messages in one commit, held until the devices are all waiting on it.
    async fn three_in_one_commit(w: &Writer, sink: &Arc<Fake>, release: oneshot::Sender<()>) {
        let first = ["00A1", "00A2", "00A3"].map(|a| send(w, a, 1));
        while sink.calls.load(std::sync::atomic::Ordering::SeqCst) < 1 {
            tokio::task::yield_now().await;
        }
        release.send(()).unwrap();
        for t in first {
            t.await.unwrap().unwrap();
        }
        assert_eq!(*sink.sizes.lock().unwrap(), vec![3]);
    }

    #[tokio::test]
    async fn the_devices_one_commit_answered_share_the_next() {
        let (release, gate) = oneshot::channel();
        let sink = Arc::new(Fake {
            gate: Mutex::new(Some(gate)),
            ..Fake::default()
        });
        // A linger no test waits out: only the devices coming back seal the batch.
        let w = lingering(&sink, 100, Duration::from_hours(1)).await;
        three_in_one_commit(&w, &sink, release).await;
        // They come back one at a time; the first is not committed on its own.
        let a = send(&w, "00A1", 2);
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            sink.calls.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "one of the three back was committed alone"
        );
        let rest = [send(&w, "00A2", 2), send(&w, "00A3", 2)];
        a.await.unwrap().unwrap();
        for t in rest {
            t.await.unwrap().unwrap();
        }
        assert_eq!(*sink.sizes.lock().unwrap(), vec![3, 3]);
    }

    #[tokio::test]
    async fn a_device_that_does_not_come_back_is_not_waited_for_past_the_linger() {
        let (release, gate) = oneshot::channel();
        let sink = Arc::new(Fake {
            gate: Mutex::new(Some(gate)),
            ..Fake::default()
        });
        let w = lingering(&sink, 100, Duration::ZERO).await;
        three_in_one_commit(&w, &sink, release).await;
        // One device of three has another message; the other two have none.
        let done = tokio::time::timeout(Duration::from_secs(30), send(&w, "00A1", 2)).await;
        done.expect("the writer waited for devices with nothing to send")
            .unwrap()
            .unwrap();
        assert_eq!(*sink.sizes.lock().unwrap(), vec![3, 1]);
    }

    fn job(messages: u16) -> Job {
        Job {
            messages: (0..messages).map(|i| msg("00EE", i, 0, t0())).collect(),
            done: oneshot::channel().0,
        }
    }

    #[test]
    fn when_a_gathered_batch_is_sealed() {
        let linger = Duration::from_micros(500);
        let start = std::time::Instant::now();
        let mut g = Gathered::default();
        assert_eq!(
            g.ready(0, 100, true, linger, start),
            None,
            "nothing to seal"
        );
        g.push(job(1));
        let t0 = g.since.unwrap();
        // Nothing expected back: at once.
        assert_eq!(g.ready(1, 100, true, linger, t0), Some(Seal::AllBack));
        g.returning = 3;
        // One of three back, a commit running: wait for it, however long.
        assert_eq!(
            g.ready(1, 100, true, linger, t0 + Duration::from_mins(1)),
            None
        );
        // The database idle: wait out the linger, no longer.
        assert_eq!(g.ready(0, 100, true, linger, t0 + linger / 2), None);
        assert_eq!(
            g.ready(0, 100, true, linger, t0 + linger),
            Some(Seal::Lingered)
        );
        // Full, or shutting down: at once.
        assert_eq!(g.ready(1, 1, true, linger, t0), Some(Seal::Full));
        assert_eq!(g.ready(1, 100, false, linger, t0), Some(Seal::Closing));
        g.push(job(1));
        g.push(job(1));
        assert_eq!(g.ready(1, 100, true, linger, t0), Some(Seal::AllBack));

        // Taking a batch forgets what came; after a linger, also what did not.
        assert_eq!(g.take(Seal::AllBack).len(), 3);
        assert_eq!((g.returning, g.messages, g.since.is_none()), (0, 0, true));
        g.returning = 5;
        g.push(job(2));
        assert_eq!(g.take(Seal::Full).len(), 1);
        assert_eq!(g.returning, 4);
        g.push(job(1));
        assert_eq!(g.take(Seal::Lingered).len(), 1);
        assert_eq!(g.returning, 0);
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
            LINGER,
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
        let w = writer(&sink, 100).await;
        *sink.fail.lock().unwrap() = true;
        assert!(w.submit(vec![msg("00BB", 5, 1, t0())]).await.is_err());
        *sink.fail.lock().unwrap() = false;
        w.submit(vec![msg("00BB", 5, 1, t0())]).await.unwrap();
        assert_eq!(*sink.stored.lock().unwrap(), vec![("00BB".to_owned(), 5)]);
    }

    #[tokio::test]
    async fn a_message_sent_again_while_its_first_commit_fails_is_not_acknowledged() {
        let (release, held) = oneshot::channel();
        let sink = Arc::new(Fake {
            held: Mutex::new(Some(held)),
            ..Fake::default()
        });
        let calls = || sink.calls.load(std::sync::atomic::Ordering::SeqCst);
        let w = writer(&sink, 100).await;
        // The first commit is under way (and will fail) when the device sends the message
        // again with a new one; the second commit starts beside it.
        let first = tokio::spawn({
            let w = w.clone();
            async move { w.submit(vec![msg("00DD", 1, 0, t0())]).await }
        });
        while calls() < 1 {
            tokio::task::yield_now().await;
        }
        let again = tokio::spawn({
            let w = w.clone();
            async move {
                w.submit(vec![msg("00DD", 1, 0, t0()), msg("00DD", 2, 0, t0())])
                    .await
            }
        });
        while calls() < 2 {
            tokio::task::yield_now().await;
        }
        release.send(()).unwrap();
        assert!(first.await.unwrap().is_err());
        // Its copy of seq 1 was left to the failed commit: no ACK for the submission.
        assert!(again.await.unwrap().is_err());
        assert_eq!(*sink.stored.lock().unwrap(), vec![("00DD".to_owned(), 2)]);
        // The device retries: now it is stored (the failed commit left no memory of it).
        w.submit(vec![msg("00DD", 1, 0, t0()), msg("00DD", 2, 0, t0())])
            .await
            .unwrap();
        assert_eq!(
            *sink.stored.lock().unwrap(),
            vec![("00DD".to_owned(), 2), ("00DD".to_owned(), 1)]
        );
    }

    #[tokio::test]
    async fn concurrent_submissions_share_transactions() {
        let sink = Arc::new(Fake::default());
        let w = writer(&sink, 1000).await;
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

    fn key(account: &str, seq: u16, fp: i64) -> Key {
        (account.to_owned(), seq, fp)
    }

    #[tokio::test]
    async fn a_resend_another_receiver_stored_is_acknowledged_and_the_rest_of_its_batch_stored() {
        let sink = Arc::new(Fake::default());
        let calls = || sink.calls.load(std::sync::atomic::Ordering::SeqCst);
        let w = writer(&sink, 100).await;
        // Another node on the same database stores 00EE/7 (and 00EF/1), after this writer
        // loaded its memory: it knows neither.
        sink.elsewhere
            .lock()
            .unwrap()
            .extend([key("00EE", 7, 1), key("00EF", 1, 1)]);
        // The device resends 00EE/7 here, with its next message, received a minute later.
        let later = t0() + SignedDuration::from_mins(1);
        w.submit(vec![msg("00EE", 7, 1, t0()), msg("00EE", 8, 1, later)])
            .await
            .expect("both acknowledged: one stored here, the other's original elsewhere");
        assert_eq!(*sink.stored.lock().unwrap(), vec![("00EE".to_owned(), 8)]);
        assert_eq!(calls(), 2, "refused once, then the rest stored");
        // The memory was reloaded from a window before the batch's earliest receipt.
        assert_eq!(
            sink.reloads.lock().unwrap().last(),
            Some(&(t0() - SignedDuration::from_mins(10)))
        );
        assert!(
            sink.windows
                .lock()
                .unwrap()
                .iter()
                .all(|w| *w == SignedDuration::from_mins(10)),
            "every store claims its keys for the dedupe window"
        );
        // What the reload found is known now: resends of either are answered from memory.
        w.submit(vec![msg("00EE", 7, 1, later)]).await.unwrap();
        w.submit(vec![msg("00EF", 1, 1, later)]).await.unwrap();
        assert_eq!(calls(), 2, "no commit for a message known to be stored");
        assert_eq!(sink.stored.lock().unwrap().len(), 1);
    }

    #[tokio::test]
    async fn a_batch_of_messages_stored_elsewhere_is_acknowledged_without_a_second_commit() {
        let sink = Arc::new(Fake::default());
        let w = writer(&sink, 100).await;
        sink.elsewhere.lock().unwrap().push(key("00EE", 7, 1));
        w.submit(vec![msg("00EE", 7, 1, t0())]).await.unwrap();
        assert_eq!(sink.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(sink.stored.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_refusal_whose_stored_copy_is_not_found_acknowledges_nothing() {
        let sink = Arc::new(Fake {
            refuse: Mutex::new(1),
            ..Fake::default()
        });
        let w = writer(&sink, 100).await;
        let refused = w.submit(vec![msg("00EE", 9, 1, t0())]).await;
        assert!(
            matches!(refused, Err(SinkError::StoredElsewhere)),
            "{refused:?}"
        );
        assert_eq!(sink.calls.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(sink.stored.lock().unwrap().is_empty());
        // The device sends it again; now it is stored.
        w.submit(vec![msg("00EE", 9, 1, t0())]).await.unwrap();
        assert_eq!(*sink.stored.lock().unwrap(), vec![("00EE".to_owned(), 9)]);
    }
}
