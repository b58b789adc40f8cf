//! Consumers that apply each event once, in the order it was published.
//!
//! A consumer's position in the JetStream stream is kept in the service's
//! own schema (`consumer_positions`) and written in the same transaction as
//! what it applied, beside the inbox row of each event. JetStream only
//! delivers: each replica reads the stream in order with an ordered
//! (ephemeral) consumer starting after the saved position, and applies what
//! arrives in batches, one transaction a batch.
//!
//! Why not a durable consumer with acknowledgements: to keep events in order
//! it had to hold one message in flight across all replicas, so every event
//! cost a commit and a round trip to the server before the next could come.
//! Here a batch of events costs one commit, and order holds by construction:
//!
//! - Replicas take turns under an advisory lock on the consumer's name
//!   ([`eventlog::lock_position`]); inside it a replica skips what is at or
//!   before the saved position and applies the rest. Every replica sees the
//!   whole stream in order, so whichever holds the turn applies the next
//!   events, and a replica that dies mid-batch loses nothing (its
//!   transaction rolls back and another replica's turn comes).
//! - An event of a record this service destroyed (its source stream is in
//!   `forgotten_sources`) is passed over, so one still on its way cannot
//!   bring back what was destroyed (R-CONF-2).
//! - An event whose handler fails is retried before anything behind it (the
//!   batch up to it commits; the rest waits in memory), and after
//!   `max_deliver` attempts goes to the dead-letter subject with the
//!   position moved past it, so the events behind it go on flowing. An
//!   undecodable message goes there at once.

use crate::{Bus, Error, headers};
use async_nats::HeaderMap;
use async_nats::jetstream::Message;
use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use complaints_proto::v1::EventEnvelope;
use eventlog::EventLog;
use futures::StreamExt;
use prost::Message as _;
use sqlx::PgConnection;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use uuid::Uuid;

/// Why a handler could not apply an event; the event is retried, and after
/// the last attempt goes to the dead-letter subject.
pub type HandlerError = Box<dyn std::error::Error + Send + Sync>;

/// What a service does with an event from the bus.
pub trait Handler: Send + Sync + 'static {
    /// Applies `event` inside `tx`, the consumer's own transaction, which
    /// also records the event as processed and the consumer's position.
    /// Several events may share one transaction; an error undoes the whole
    /// transaction and the events before this one are applied again without
    /// it. Events the handler has no use for are simply ignored (return `Ok`).
    fn handle<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a EventEnvelope,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'a;
}

/// One consumer's set-up.
#[derive(Debug, Clone)]
pub struct ConsumerSettings {
    /// Name, unique per purpose, e.g. `complaints-open-from-intake`: the key
    /// of its position and inbox rows, shared by the service's replicas.
    pub name: String,
    /// Subject filter, e.g. [`Bus::all_from`]`("intake")`.
    pub filter_subject: String,
    /// Attempts before an event goes to the dead-letter subject.
    pub max_deliver: i64,
    /// Base pause before a failed event is retried (times the attempt).
    pub retry_delay: Duration,
    /// Most events applied in one transaction.
    pub batch_size: usize,
}

impl ConsumerSettings {
    pub fn new(name: impl Into<String>, filter_subject: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            filter_subject: filter_subject.into(),
            max_deliver: 5,
            retry_delay: Duration::from_millis(500),
            batch_size: 500,
        }
    }
}

/// A consumer bound to a handler.
#[derive(Debug)]
pub struct Consumer<H> {
    bus: Bus,
    log: EventLog,
    settings: ConsumerSettings,
    stream: async_nats::jetstream::stream::Stream,
    handler: H,
    stats: Arc<ConsumerStats>,
}

/// What a consumer has done and how far behind it is, for metrics: counts
/// and positions only, never anything of an event's content.
#[derive(Debug, Default)]
pub struct ConsumerStats {
    applied: AtomicU64,
    dead_letters: AtomicU64,
    behind: AtomicU64,
    /// When the server received the oldest event not yet applied, in
    /// milliseconds since the Unix epoch; 0 when none is waiting.
    oldest_unapplied_ms: AtomicI64,
}

impl ConsumerStats {
    /// Events this process applied (a copy already applied is not counted).
    pub fn applied(&self) -> u64 {
        self.applied.load(Ordering::Relaxed)
    }

    /// Events this process sent to the dead-letter subject.
    pub fn dead_letters(&self) -> u64 {
        self.dead_letters.load(Ordering::Relaxed)
    }

    /// Events delivered to this consumer and not applied yet: those in
    /// hand plus those the server said were still pending behind the
    /// last one delivered.
    pub fn behind(&self) -> u64 {
        self.behind.load(Ordering::Relaxed)
    }

    /// When the server received the oldest event in hand not yet applied
    /// (milliseconds since the Unix epoch), if one is waiting.
    pub fn oldest_unapplied_ms(&self) -> Option<i64> {
        match self.oldest_unapplied_ms.load(Ordering::Relaxed) {
            0 => None,
            ms => Some(ms),
        }
    }

    fn note_waiting(&self, pending: &[Item], server_pending: u64) {
        let in_hand = u64::try_from(pending.len()).unwrap_or(u64::MAX);
        self.behind
            .store(in_hand.saturating_add(server_pending), Ordering::Relaxed);
        let oldest = pending.first().map_or(0, |item| item.published_ms.max(1));
        self.oldest_unapplied_ms.store(oldest, Ordering::Relaxed);
    }
}

/// How far one attempt at a batch got.
enum Stop {
    /// The message cannot be read as an event.
    Undecodable(String),
    /// The handler refused the event.
    Failed(HandlerError),
}

/// One message of a batch: its stream sequence and, if it could be read,
/// the event.
struct Item {
    sequence: u64,
    /// Events the server still had for this consumer behind this one.
    server_pending: u64,
    /// When the server received it, in milliseconds since the Unix epoch.
    published_ms: i64,
    message: Message,
    event: Result<(EventEnvelope, Uuid), String>,
}

impl<H: Handler> Consumer<H> {
    /// Checks the stream exists; nothing is created on the server until
    /// [`Consumer::run`].
    pub async fn start(
        bus: Bus,
        log: EventLog,
        settings: ConsumerSettings,
        handler: H,
    ) -> Result<Self, Error> {
        let stream = bus
            .jetstream
            .get_stream(bus.stream_name())
            .await
            .map_err(|e| Error::nats(format!("opening stream {}", bus.stream_name()), e))?;
        Ok(Self {
            bus,
            log,
            settings,
            stream,
            handler,
            stats: Arc::default(),
        })
    }

    /// Its counts and how far behind it is, shared with the running loop.
    pub fn stats(&self) -> Arc<ConsumerStats> {
        self.stats.clone()
    }

    /// Applies events in order until `shutdown`; the batch in hand is
    /// finished before returning.
    pub async fn run(self, shutdown: CancellationToken) {
        self.run_borrowed(shutdown).await
    }

    /// As [`Consumer::run`], keeping the consumer, so a supervisor can run
    /// it again after a run panicked: a new run resumes from the position
    /// saved in the schema, as after a restart of the process.
    pub async fn run_borrowed(&self, shutdown: CancellationToken) {
        let mut attempts = (0u64, 0i64);
        while !shutdown.is_cancelled() {
            if let Err(error) = self.follow(&shutdown, &mut attempts).await {
                tracing::warn!(consumer = %self.settings.name, error = %error, "consumer interrupted; resuming from its position");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(self.settings.retry_delay) => {}
                }
            }
        }
    }

    /// Reads the stream from the saved position and applies it, until
    /// shutdown or an error (after which [`Consumer::run`] starts again
    /// from the saved position). `attempts` counts the failures of the
    /// event at the head: (its stream sequence, failures so far).
    async fn follow(
        &self,
        shutdown: &CancellationToken,
        attempts: &mut (u64, i64),
    ) -> Result<(), Error> {
        let from = {
            let mut conn = self.log.pool().acquire().await.map_err(database)?;
            eventlog::position(&mut conn, &self.settings.name).await?
        };
        let deliver_policy = match from {
            0 => DeliverPolicy::All,
            n => DeliverPolicy::ByStartSequence {
                start_sequence: n + 1,
            },
        };
        let consumer = self
            .stream
            .create_consumer(pull::OrderedConfig {
                filter_subject: self.settings.filter_subject.clone(),
                deliver_policy,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::nats(format!("following for {}", self.settings.name), e))?;
        let messages = consumer
            .messages()
            .await
            .map_err(|e| Error::nats(format!("following for {}", self.settings.name), e))?;
        let mut chunks = messages.ready_chunks(self.settings.batch_size.max(1));
        let mut pending: Vec<Item> = Vec::new();
        // After a failure the event at the head is tried in a transaction of
        // its own until it is applied: a batch holds the locks of all its
        // events, so it can deadlock with another consumer where single
        // events never could.
        let mut alone = false;
        // What the server still had behind the last event delivered.
        let mut server_pending = 0;
        loop {
            self.stats.note_waiting(&pending, server_pending);
            if pending.is_empty() {
                let chunk = tokio::select! {
                    _ = shutdown.cancelled() => return Ok(()),
                    chunk = chunks.next() => chunk,
                };
                let Some(chunk) = chunk else {
                    return Err(Error::nats("following the stream", "the stream ended"));
                };
                for message in chunk {
                    let message = message.map_err(|e| Error::nats("following the stream", e))?;
                    let item = item(message)?;
                    server_pending = item.server_pending;
                    pending.push(item);
                }
                self.stats.note_waiting(&pending, server_pending);
            }
            let batch = if alone { &pending[..1] } else { &pending[..] };
            let (done, stop) = self.apply(batch).await?;
            pending.drain(..done);
            let Some(stop) = stop else {
                alone = false;
                continue;
            };
            let head = &pending[0];
            let reason = match stop {
                Stop::Undecodable(reason) => reason,
                // Failed behind other events of a batch: try it alone at
                // once before counting an attempt.
                Stop::Failed(_) if !alone && done > 0 => {
                    alone = true;
                    continue;
                }
                Stop::Failed(error) => {
                    alone = true;
                    if attempts.0 != head.sequence {
                        *attempts = (head.sequence, 0);
                    }
                    // Losing a deadlock or a serialization race says
                    // nothing about the event: it does not use up attempts.
                    // Nor does a database that does not answer: the event
                    // waits, however long the outage, and a dead letter is
                    // kept for an event that can never be applied.
                    if !transient(error.as_ref()) {
                        if self.database_answers().await {
                            attempts.1 += 1;
                        } else {
                            tracing::warn!(consumer = %self.settings.name, error = %error, "the database does not answer; the event waits for it, using up no attempt");
                            tokio::select! {
                                _ = shutdown.cancelled() => return Ok(()),
                                _ = tokio::time::sleep(OUTAGE_PAUSE) => {}
                            }
                            continue;
                        }
                    }
                    if attempts.1 < self.settings.max_deliver {
                        tracing::warn!(consumer = %self.settings.name, error = %error, attempt = attempts.1, "handling failed; will retry");
                        let delay = self.settings.retry_delay
                            * u32::try_from(attempts.1.max(1)).unwrap_or(u32::MAX);
                        tokio::select! {
                            _ = shutdown.cancelled() => return Ok(()),
                            _ = tokio::time::sleep(delay) => {}
                        }
                        continue;
                    }
                    error.to_string()
                }
            };
            let attempt = if attempts.0 == head.sequence {
                attempts.1
            } else {
                1
            };
            self.dead_letter(head, &reason, attempt).await?;
            pending.remove(0);
        }
    }

    /// Applies `items` in one transaction, in order, skipping what another
    /// replica (or an earlier run) already applied. Answers how many of
    /// them are done and, if it stopped short, why the next one was not
    /// applied; a handler's failure undoes the transaction, so the events
    /// before the failing one are applied again in a new one.
    async fn apply(&self, items: &[Item]) -> Result<(usize, Option<Stop>), Error> {
        let mut limit = items.len();
        let mut failure = None;
        loop {
            if limit == 0 {
                return Ok((0, failure.map(Stop::Failed)));
            }
            match self.try_apply(&items[..limit]).await? {
                Ok((done, undecodable)) => {
                    return Ok(match (undecodable, failure) {
                        (Some(reason), _) => (done, Some(Stop::Undecodable(reason))),
                        (None, Some(error)) => (done, Some(Stop::Failed(error))),
                        (None, None) => (done, None),
                    });
                }
                Err((at, error)) => {
                    limit = at;
                    failure = Some(error);
                }
            }
        }
    }

    /// One transaction over `items`: `Ok` with how many are done once it
    /// committed (and the reason, if it stopped at an undecodable one), or
    /// the index and error of the event whose handler failed, after
    /// rolling back.
    async fn try_apply(
        &self,
        items: &[Item],
    ) -> Result<Result<(usize, Option<String>), (usize, HandlerError)>, Error> {
        let name = &self.settings.name;
        let mut tx = self.log.pool().begin().await.map_err(database)?;
        let mut position = eventlog::lock_position(&mut tx, name).await?;
        let start = position;
        // Events of a record destroyed here that were still on their way
        // are passed over, so they cannot bring it back (R-CONF-2).
        let sources: Vec<&str> = items
            .iter()
            .filter(|item| item.sequence > position)
            .filter_map(|item| item.event.as_ref().ok())
            .map(|(envelope, _)| envelope.stream_id.as_str())
            .collect();
        let forgotten = eventlog::retention::forgotten_among(&mut tx, &sources).await?;
        let mut done = 0;
        let mut applied = 0;
        let mut undecodable = None;
        for (index, item) in items.iter().enumerate() {
            if item.sequence <= position {
                done = index + 1;
                continue;
            }
            let (envelope, event_id) = match &item.event {
                Ok(event) => event,
                Err(reason) => {
                    undecodable = Some(reason.clone());
                    break;
                }
            };
            if forgotten.contains(&envelope.stream_id) {
                tracing::debug!(consumer = %name, event_id = %event_id, "event of a destroyed record passed over");
                position = item.sequence;
                done = index + 1;
                continue;
            }
            let span = tracing::info_span!(
                "bus.consume",
                otel.kind = "consumer",
                consumer = %name,
                event_type = %envelope.event_type,
                event_id = %event_id,
                stream.sequence = item.sequence,
            );
            headers::set_parent_from(&span, item.message.headers.as_ref());
            let applied = async {
                if eventlog::mark_processed(&mut tx, name, *event_id).await? {
                    applied += 1;
                    self.handler.handle(&mut tx, envelope).await
                } else {
                    tracing::debug!("event already applied; skipping the copy");
                    Ok(())
                }
            }
            .instrument(span)
            .await;
            if let Err(error) = applied {
                // Nothing of this transaction stands; the caller applies
                // the events before this one again.
                let _ = tx.rollback().await;
                return Ok(Err((index, error)));
            }
            position = item.sequence;
            done = index + 1;
        }
        if position != start {
            eventlog::save_position(&mut tx, name, position).await?;
        }
        tx.commit().await.map_err(database)?;
        self.stats.applied.fetch_add(applied, Ordering::Relaxed);
        Ok(Ok((done, undecodable)))
    }

    /// Moves an event that cannot be applied out of the way, where
    /// operators can see it, and moves the position past it, so the events
    /// behind it go on flowing. Until the dead letter is stored, the event
    /// stays where it is.
    async fn dead_letter(&self, item: &Item, reason: &str, attempt: i64) -> Result<(), Error> {
        let name = &self.settings.name;
        tracing::error!(consumer = %name, reason, attempt, stream.sequence = item.sequence, "event sent to the dead-letter subject");
        let message = &item.message;
        let mut headers = HeaderMap::new();
        headers.insert("original-subject", message.subject.as_str());
        headers.insert("consumer", name.as_str());
        headers.insert("reason", reason);
        headers.insert("attempts", attempt.to_string().as_str());
        // A dead letter published again (a replica died before moving the
        // position past it) is dropped by the server as a copy.
        headers.insert(
            async_nats::header::NATS_MESSAGE_ID,
            format!("dead-letter:{name}:{}", item.sequence).as_str(),
        );
        // The event's id, so destroying the event erases its dead letter
        // too (R-CONF-2).
        if let Some(id) = message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
        {
            headers.insert(crate::erase::ORIGINAL_MESSAGE_ID, id.as_str());
        }
        let subject = self.bus.dead_letter_subject(name);
        self.bus
            .jetstream
            .publish_with_headers(subject, headers, message.payload.clone())
            .await
            .map_err(|e| Error::nats("publishing a dead letter", e))?
            .await
            .map_err(|e| Error::nats("storing a dead letter", e))?;
        self.stats.dead_letters.fetch_add(1, Ordering::Relaxed);
        let mut tx = self.log.pool().begin().await.map_err(database)?;
        if eventlog::lock_position(&mut tx, name).await? < item.sequence {
            eventlog::save_position(&mut tx, name, item.sequence).await?;
        }
        tx.commit().await.map_err(database)?;
        Ok(())
    }
}

fn item(message: Message) -> Result<Item, Error> {
    let info = message
        .info()
        .map_err(|e| Error::nats("reading a message's stream sequence", e))?;
    let (sequence, server_pending) = (info.stream_sequence, info.pending);
    let published_ms =
        i64::try_from(info.published.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
    let event = decode(&message);
    Ok(Item {
        sequence,
        server_pending,
        published_ms,
        message,
        event,
    })
}

/// How long a consumer waits before trying again while the database does
/// not answer.
const OUTAGE_PAUSE: Duration = Duration::from_secs(2);

impl<H> Consumer<H> {
    /// Whether the database answers a trivial query within a few seconds:
    /// when it does not, a failure says nothing about the event.
    async fn database_answers(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(self.log.pool());
        matches!(
            tokio::time::timeout(Duration::from_secs(5), ping).await,
            Ok(Ok(_))
        )
    }
}

/// Whether `error` is, or was caused by, PostgreSQL choosing this
/// transaction as the loser of a deadlock (40P01) or a serialization
/// conflict (40001): worth retrying at once, never the event's fault.
fn transient(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>()
            && matches!(db.code().as_deref(), Some("40P01" | "40001"))
        {
            return true;
        }
        cause = e.source();
    }
    false
}

fn database(error: sqlx::Error) -> Error {
    Error::Log(eventlog::Error::Database {
        context: "applying events from the bus".into(),
        source: error,
    })
}

fn decode(message: &Message) -> Result<(EventEnvelope, Uuid), String> {
    let envelope = EventEnvelope::decode(message.payload.clone())
        .map_err(|e| format!("payload is not a complaints.v1.EventEnvelope: {e}"))?;
    let event_id = Uuid::parse_str(&envelope.event_id)
        .map_err(|e| format!("event_id {:?} is not a UUID: {e}", envelope.event_id))?;
    Ok((envelope, event_id))
}
