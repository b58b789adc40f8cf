//! Durable consumers that apply each event once.

use crate::{Bus, Error, headers};
use async_nats::HeaderMap;
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer, pull};
use async_nats::jetstream::{AckKind, Message};
use complaints_proto::v1::EventEnvelope;
use eventlog::EventLog;
use futures::StreamExt;
use prost::Message as _;
use sqlx::PgConnection;
use std::future::Future;
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
    /// also records the event as processed. Events the handler has no use
    /// for are simply ignored (return `Ok`).
    fn handle<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a EventEnvelope,
    ) -> impl Future<Output = Result<(), HandlerError>> + Send + 'a;
}

/// One durable consumer's set-up.
#[derive(Debug, Clone)]
pub struct ConsumerSettings {
    /// Durable name, unique per purpose, e.g. `complaints-open-from-intake`.
    pub name: String,
    /// Subject filter, e.g. [`Bus::all_from`]`("intake")`.
    pub filter_subject: String,
    /// Deliveries before a message goes to the dead-letter subject.
    pub max_deliver: i64,
    /// How long JetStream waits for an ack before redelivering.
    pub ack_wait: Duration,
    /// Base pause before a failed event is retried (times the attempt).
    pub retry_delay: Duration,
}

impl ConsumerSettings {
    pub fn new(name: impl Into<String>, filter_subject: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            filter_subject: filter_subject.into(),
            max_deliver: 5,
            ack_wait: Duration::from_secs(30),
            retry_delay: Duration::from_millis(500),
        }
    }
}

/// A durable pull consumer bound to a handler. Replicas of a service start
/// the same durable consumer and share it: JetStream hands each message to
/// one of them, one message at a time, in order.
#[derive(Debug)]
pub struct Consumer<H> {
    bus: Bus,
    log: EventLog,
    settings: ConsumerSettings,
    consumer: PullConsumer,
    handler: H,
}

enum Outcome {
    Applied,
    AlreadyApplied,
}

impl<H: Handler> Consumer<H> {
    /// Creates the durable consumer if it is missing (idempotent).
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
        let consumer: PullConsumer = stream
            .get_or_create_consumer(
                &settings.name,
                pull::Config {
                    durable_name: Some(settings.name.clone()),
                    filter_subject: settings.filter_subject.clone(),
                    ack_policy: AckPolicy::Explicit,
                    deliver_policy: DeliverPolicy::All,
                    ack_wait: settings.ack_wait,
                    max_deliver: settings.max_deliver,
                    // One message in flight across every replica sharing
                    // this durable consumer, so events are applied in the
                    // order they were published even when one is retried
                    // or a replica dies holding it (it comes back first,
                    // after `ack_wait`). Handlers rely on it: a letter is
                    // planned from the contact details the event before
                    // recorded.
                    max_ack_pending: 1,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| Error::nats(format!("creating consumer {}", settings.name), e))?;
        Ok(Self {
            bus,
            log,
            settings,
            consumer,
            handler,
        })
    }

    /// Applies messages one at a time, in order, until `shutdown`; the
    /// message in hand is finished before returning.
    pub async fn run(self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            let mut messages = match self.consumer.messages().await {
                Ok(messages) => messages,
                Err(error) => {
                    tracing::warn!(consumer = %self.settings.name, error = %error, "cannot pull messages; retrying");
                    tokio::select! {
                        _ = shutdown.cancelled() => return,
                        _ = tokio::time::sleep(self.settings.retry_delay) => continue,
                    }
                }
            };
            loop {
                let next = tokio::select! {
                    _ = shutdown.cancelled() => return,
                    next = messages.next() => next,
                };
                match next {
                    Some(Ok(message)) => self.process(message).await,
                    Some(Err(error)) => {
                        tracing::warn!(consumer = %self.settings.name, error = %error, "pulling a message failed");
                    }
                    None => break,
                }
            }
        }
    }

    async fn process(&self, message: Message) {
        let attempt = message.info().map(|info| info.delivered).unwrap_or(1);
        let (envelope, event_id) = match decode(&message) {
            Ok(decoded) => decoded,
            Err(reason) => return self.dead_letter(&message, &reason, attempt).await,
        };
        let span = tracing::info_span!(
            "bus.consume",
            otel.kind = "consumer",
            consumer = %self.settings.name,
            event_type = %envelope.event_type,
            event_id = %event_id,
            attempt,
        );
        headers::set_parent_from(&span, message.headers.as_ref());
        let result = self
            .apply(&envelope, event_id)
            .instrument(span.clone())
            .await;
        let _entered = span.enter();
        match result {
            Ok(outcome) => {
                if let Outcome::AlreadyApplied = outcome {
                    tracing::debug!("event already applied; acknowledging the redelivery");
                }
                if let Err(error) = message.ack().await {
                    // Redelivered later and then recognised as applied.
                    tracing::warn!(error = %error, "ack failed after commit");
                }
            }
            Err(error) if attempt >= self.settings.max_deliver => {
                self.dead_letter(&message, &error.to_string(), attempt)
                    .await;
            }
            Err(error) => {
                tracing::warn!(error = %error, "handling failed; will retry");
                let delay = self.settings.retry_delay * u32::try_from(attempt).unwrap_or(1).max(1);
                let _ = message.ack_with(AckKind::Nak(Some(delay))).await;
            }
        }
    }

    async fn apply(
        &self,
        envelope: &EventEnvelope,
        event_id: Uuid,
    ) -> Result<Outcome, HandlerError> {
        let mut tx = self.log.pool().begin().await?;
        if !eventlog::mark_processed(&mut tx, &self.settings.name, event_id).await? {
            tx.rollback().await?;
            return Ok(Outcome::AlreadyApplied);
        }
        self.handler.handle(&mut tx, envelope).await?;
        tx.commit().await?;
        Ok(Outcome::Applied)
    }

    /// Moves a message that cannot be applied out of the way, where
    /// operators can see it, so the events behind it go on flowing.
    async fn dead_letter(&self, message: &Message, reason: &str, attempt: i64) {
        tracing::error!(consumer = %self.settings.name, reason, attempt, "event sent to the dead-letter subject");
        let mut headers = HeaderMap::new();
        headers.insert("original-subject", message.subject.as_str());
        headers.insert("consumer", self.settings.name.as_str());
        headers.insert("reason", reason);
        headers.insert("attempts", attempt.to_string().as_str());
        // The event's id, so destroying the event erases its dead letter
        // too (R-CONF-2).
        if let Some(id) = message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
        {
            headers.insert(crate::erase::ORIGINAL_MESSAGE_ID, id.as_str());
        }
        let subject = self.bus.dead_letter_subject(&self.settings.name);
        let published = self
            .bus
            .jetstream
            .publish_with_headers(subject, headers, message.payload.clone())
            .await;
        let stored = match published {
            Ok(ack) => ack.await.is_ok(),
            Err(_) => false,
        };
        // Until the dead letter is stored, leave the message to be redelivered.
        if stored {
            let _ = message.ack_with(AckKind::Term).await;
        }
    }
}

fn decode(message: &Message) -> Result<(EventEnvelope, Uuid), String> {
    let envelope = EventEnvelope::decode(message.payload.clone())
        .map_err(|e| format!("payload is not a complaints.v1.EventEnvelope: {e}"))?;
    let event_id = Uuid::parse_str(&envelope.event_id)
        .map_err(|e| format!("event_id {:?} is not a UUID: {e}", envelope.event_id))?;
    Ok((envelope, event_id))
}
