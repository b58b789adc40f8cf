//! Rebuilding the anonymised log from the events (operators, R-MON-3).
//!
//! Every message of the namespace's JetStream stream from intake and the
//! complaints service is read with an ordered (ephemeral) consumer, in
//! stream order, and applied through the same handlers as the durable
//! consumers into freshly emptied tables, all inside one transaction. The
//! anonymised records of destroyed complaints (R-CONF-2), whose events
//! are gone from the bus, are kept as they were.
//! The durable consumers' inbox rows are replaced by one per replayed
//! event, so when the live consumers resume (they wait on the tables'
//! locks meanwhile) they skip what the rebuild already applied and apply
//! only what came after it. TRUNCATE locks the tables exclusively, so the
//! figures wait for the rebuild rather than see a half-built log.

use crate::consume::{FROM_COMPLAINTS, FROM_INTAKE, FromComplaints, FromIntake};
use crate::pseudonym::PseudonymKey;
use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use bus::{Bus, Handler};
use complaints_proto::v1::EventEnvelope;
use futures::StreamExt;
use prost::Message as _;
use sqlx::PgPool;
use std::time::Duration;

/// How long one message may take to arrive before the rebuild gives up.
const WAIT: Duration = Duration::from_secs(30);

/// Why the rebuild failed; nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error("reading the event stream: {0}")]
    Stream(String),
    #[error("applying event {event_id} ({event_type}): {reason}")]
    Apply {
        event_id: String,
        event_type: String,
        reason: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rebuilt {
    /// Events read from the stream and applied (or ignored) by a handler.
    pub events: u64,
}

fn stream_error(e: impl std::fmt::Display) -> RebuildError {
    RebuildError::Stream(e.to_string())
}

/// Rebuilds the log from every event of `bus`'s stream, in one transaction.
/// `progress` hears (events applied, messages read, messages in the stream)
/// as the replay goes.
pub async fn rebuild(
    pool: &PgPool,
    bus: &Bus,
    key: &PseudonymKey,
    progress: &(dyn Fn(u64, u64, u64) + Send + Sync),
) -> Result<Rebuilt, RebuildError> {
    let intake_subjects = bus.all_from("intake");
    let intake_prefix = intake_subjects.trim_end_matches('>').to_owned();
    let complaints_subjects = bus.all_from("complaints");
    let complaints_prefix = complaints_subjects.trim_end_matches('>').to_owned();
    let from_intake = FromIntake { key: key.clone() };
    let from_complaints = FromComplaints { key: key.clone() };

    let mut tx = pool.begin().await?;
    // Records whose source events were destroyed (R-CONF-2) are no longer
    // on the bus: they are kept as they are, and everything else rebuilt.
    // The tables that move the read model's generation on are all locked
    // first, before the DELETE below takes the generation's row: a
    // consumer writing one of them takes its table lock before that row,
    // so it either finishes before the rebuild starts or waits for it
    // whole, and neither waits for the other.
    sqlx::query(
        "LOCK TABLE anonymised_records, monitoring_answers, compliments IN ACCESS EXCLUSIVE MODE",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "DELETE FROM anonymised_records \
         WHERE pseudonym NOT IN (SELECT pseudonym FROM destroyed_sources)",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("TRUNCATE complaint_pseudonyms, compliments, monitoring_answers, log_entries")
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM processed_events WHERE consumer = $1 OR consumer = $2")
        .bind(FROM_INTAKE)
        .bind(FROM_COMPLAINTS)
        .execute(&mut *tx)
        .await?;

    let stream = bus
        .jetstream()
        .get_stream(bus.stream_name())
        .await
        .map_err(stream_error)?;
    let mut consumer = stream
        .create_consumer(pull::OrderedConfig {
            filter_subjects: vec![intake_subjects.clone(), complaints_subjects.clone()],
            deliver_policy: DeliverPolicy::All,
            ..Default::default()
        })
        .await
        .map_err(stream_error)?;
    let mut pending = consumer.info().await.map_err(stream_error)?.num_pending;
    let total = pending;
    let mut rebuilt = Rebuilt::default();
    progress(0, 0, total);
    if pending > 0 {
        let mut messages = consumer.messages().await.map_err(stream_error)?;
        while pending > 0 {
            let message = tokio::time::timeout(WAIT, messages.next())
                .await
                .map_err(|_| stream_error("timed out waiting for the next event"))?
                .ok_or_else(|| stream_error("the stream ended early"))?
                .map_err(stream_error)?;
            pending = message.info().map_err(stream_error)?.pending;
            let read = total.saturating_sub(pending);
            if read % 100 == 0 || pending == 0 {
                progress(rebuilt.events, read, total);
            }
            // A NATS server older than 2.10 ignores filter_subjects and
            // delivers the whole stream, the notifications service's events
            // too: those are neither replayed nor counted.
            let subject = message.subject.as_str();
            let from_intake_stream = subject.starts_with(&intake_prefix);
            if !from_intake_stream && !subject.starts_with(&complaints_prefix) {
                continue;
            }
            let envelope = EventEnvelope::decode(message.payload.clone())
                .map_err(|e| stream_error(format!("not an EventEnvelope: {e}")))?;
            let event_id = uuid::Uuid::parse_str(&envelope.event_id)
                .map_err(|e| stream_error(format!("event id: {e}")))?;
            let (name, result) = if from_intake_stream {
                (FROM_INTAKE, from_intake.handle(&mut tx, &envelope).await)
            } else {
                (
                    FROM_COMPLAINTS,
                    from_complaints.handle(&mut tx, &envelope).await,
                )
            };
            result.map_err(|e| RebuildError::Apply {
                event_id: envelope.event_id.clone(),
                event_type: envelope.event_type.clone(),
                reason: e.to_string(),
            })?;
            eventlog::mark_processed(&mut tx, name, event_id)
                .await
                .map_err(|e| RebuildError::Apply {
                    event_id: envelope.event_id.clone(),
                    event_type: envelope.event_type.clone(),
                    reason: e.to_string(),
                })?;
            rebuilt.events += 1;
        }
    }
    tx.commit().await?;
    Ok(rebuilt)
}
