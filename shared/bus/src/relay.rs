//! Publishing a service's committed events to the bus, at least once.

use crate::{Bus, Error, envelope_of, headers};
use async_nats::HeaderMap;
use eventlog::{EventLog, RecordedEvent};
use prost::Message as _;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// The checkpoint under which the relay keeps its position in the log
/// (erasure waits on it: see `platform::retention`).
pub const CHECKPOINT: &str = "bus-relay";

/// How the relay paces itself.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Events read and published per round.
    pub batch_size: u32,
    /// Pause when the log has nothing new.
    pub poll_interval: Duration,
    /// Pause after NATS or PostgreSQL failed, before trying again.
    pub retry_backoff: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            batch_size: 500,
            poll_interval: Duration::from_millis(20),
            retry_backoff: Duration::from_millis(500),
        }
    }
}

/// Follows one service's log in commit order and publishes each event.
///
/// The position is saved only after JetStream acknowledged the events, so a
/// crash between commit and publish, or between publish and save, publishes
/// again on restart; the event id as message id lets JetStream drop the copy.
#[derive(Debug, Clone)]
pub struct Relay {
    log: EventLog,
    bus: Bus,
    source: String,
    settings: RelaySettings,
    private_event_types: Vec<String>,
}

impl Relay {
    /// A relay publishing `log`'s events as coming from `source` (the service name).
    pub fn new(
        log: EventLog,
        bus: Bus,
        source: impl Into<String>,
        settings: RelaySettings,
    ) -> Self {
        Self {
            log,
            bus,
            source: source.into(),
            settings,
            private_event_types: Vec::new(),
        }
    }

    /// Event types that stay in the service's own log and are never
    /// published, e.g. attachments (too big for the bus and nobody else's).
    pub fn keep_private(mut self, event_types: &[&str]) -> Self {
        self.private_event_types = event_types.iter().map(|t| t.to_string()).collect();
        self
    }

    /// Publishes until `shutdown` is cancelled. Only one replica of a service
    /// relays at a time (a PostgreSQL advisory lock elects it); the others
    /// wait to take over.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            // A round ends by itself on shutdown, after the batch in hand.
            if let Err(error) = self.lead(&shutdown).await {
                tracing::warn!(error = %error, source = %self.source, "relay interrupted; retrying");
                tokio::select! {
                    _ = shutdown.cancelled() => return,
                    _ = tokio::time::sleep(self.settings.retry_backoff) => {}
                }
            }
        }
    }

    /// Takes the relay lock, then publishes until shutdown or an error.
    async fn lead(&self, shutdown: &CancellationToken) -> Result<(), Error> {
        let mut lock = self.log.pool().acquire().await.map_err(|e| {
            Error::Log(eventlog::Error::Database {
                context: "acquiring the relay lock connection".into(),
                source: e,
            })
        })?;
        // The lock belongs to this connection's session: if this round
        // ends without unlocking (an error below, or the run dropped after a
        // panic) the connection must close rather than go back to the pool
        // still holding it, or no relay could lead again.
        lock.close_on_drop();
        let key = format!("{}:{CHECKPOINT}", self.log.schema());
        loop {
            let leader: bool =
                sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
                    .bind(&key)
                    .fetch_one(&mut *lock)
                    .await
                    .map_err(|e| {
                        Error::Log(eventlog::Error::Database {
                            context: "taking the relay lock".into(),
                            source: e,
                        })
                    })?;
            if leader {
                break;
            }
            tokio::select! {
                _ = shutdown.cancelled() => return Ok(()),
                _ = tokio::time::sleep(self.settings.poll_interval * 10) => {}
            }
        }
        tracing::info!(source = %self.source, "relay started publishing");
        while !shutdown.is_cancelled() {
            if self.publish_pending().await? == 0 {
                tokio::time::sleep(self.settings.poll_interval).await;
            }
        }
        // Dropping the connection would return it to the pool still holding
        // the lock; release it so another replica can lead at once.
        let _ = sqlx::query("SELECT pg_advisory_unlock(hashtextextended($1, 0))")
            .bind(&key)
            .execute(&mut *lock)
            .await;
        Ok(())
    }

    /// One round: publishes the events committed since the saved position
    /// and saves the new position. Returns how many events the round
    /// moved past (published, or private and skipped).
    pub async fn publish_pending(&self) -> Result<usize, Error> {
        let from = self.log.checkpoint(CHECKPOINT).await?;
        let events = self
            .log
            .read_all_after(from, self.settings.batch_size)
            .await?;
        let mut acks = Vec::with_capacity(events.len());
        for (index, event) in events.iter().enumerate() {
            if !self.private_event_types.contains(&event.event_type) {
                acks.push((index, self.publish(event).await?));
            }
        }
        // Everything before the first unacknowledged event is done.
        let mut done = events.len();
        let mut outcome = Ok(());
        for (index, ack) in acks {
            if let Err(error) = ack.await {
                done = index;
                let id = events[index].event_id;
                outcome = Err(Error::nats(format!("publishing event {id}"), error));
                break;
            }
        }
        if done > 0 {
            self.log
                .save_checkpoint(CHECKPOINT, events[done - 1].position)
                .await?;
        }
        outcome.map(|()| done)
    }

    async fn publish(
        &self,
        event: &RecordedEvent,
    ) -> Result<async_nats::jetstream::context::PublishAckFuture, Error> {
        let span = tracing::info_span!(
            "bus.publish",
            otel.kind = "producer",
            event_type = %event.event_type,
            event_id = %event.event_id,
            stream_id = %event.stream_id,
        );
        telemetry::propagation::set_parent(
            &span,
            event.metadata.traceparent.as_deref(),
            event.metadata.tracestate.as_deref(),
        );
        async {
            let mut headers = HeaderMap::new();
            headers.insert(
                async_nats::header::NATS_MESSAGE_ID,
                event.event_id.to_string().as_str(),
            );
            headers.insert("event-type", event.event_type.as_str());
            headers::inject_current(&mut headers);
            let subject = self.bus.subject(&self.source, &event.event_type);
            let payload = envelope_of(event, &self.source).encode_to_vec();
            self.bus
                .jetstream
                .publish_with_headers(subject, headers, payload.into())
                .await
                .map_err(|e| Error::nats(format!("publishing event {}", event.event_id), e))
        }
        .instrument(span)
        .await
    }
}
