//! The retention job (R-CONF-2): finds the records due for destruction in
//! this service and destroys each through the same path as `Destroy`,
//! skipping (and noting) those under a legal hold, which a later run
//! retries once the hold is lifted.
//!
//! Due records come from two places: those whose lifecycle this service
//! owns ([`super::RecordScope::due`]), noted in the `retention_due` queue
//! together with a published [`super::facts`] event in one transaction,
//! and those the owner's fact put in the queue here. Destroying one
//! record touches no other: parts it shares with a sibling not yet
//! destroyed here (complaints raised from one submission) stay for that
//! sibling and go with the last of them.

use super::{Destruction, RecordRef, Retention, ScopeError, facts};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use eventlog::retention as log_retention;
use eventlog::{Actor, ExpectedVersion, Metadata, NewEvent, StreamId, Tombstone};
use prost::Message;
use sqlx::PgConnection;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Why a run of the job stopped; what it destroyed before stays destroyed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Scope(#[from] ScopeError),
    #[error("reading the retention queue: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Log(#[from] eventlog::Error),
    #[error(
        "destroyed, but the bus messages are not all erased yet (the next run finishes them): {0}"
    )]
    Bus(Box<dyn std::error::Error + Send + Sync>),
}

/// A record due for destruction: ids, the policy and the day it fell due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRecord {
    pub record: RecordRef,
    /// The policy's label, e.g. `closed-complaints-6y`.
    pub policy: String,
    pub due_on: NaiveDate,
}

/// What one run did.
#[derive(Debug, Default)]
pub struct RunReport {
    pub destroyed: Vec<DueRecord>,
    pub skipped_under_hold: Vec<DueRecord>,
    pub tombstones: Vec<Tombstone>,
    pub bus_messages_erased: u64,
}

#[derive(sqlx::FromRow)]
struct QueuedRow {
    record: String,
    submission_id: Option<Uuid>,
    compliment_id: Option<Uuid>,
    policy: String,
    due_on: NaiveDate,
}

impl From<QueuedRow> for DueRecord {
    fn from(row: QueuedRow) -> Self {
        Self {
            record: RecordRef {
                complaint_reference: row.record,
                submission_id: row.submission_id,
                compliment_id: row.compliment_id,
            },
            policy: row.policy,
            due_on: row.due_on,
        }
    }
}

/// The stream the owner's fact about `record` goes on: one per record, so
/// it is published once and outlives the record's own streams.
fn fact_stream(record: &str) -> Result<StreamId, eventlog::Error> {
    StreamId::new(format!("retention-{record}"))
}

/// Queues `due` here; returns whether it was new.
pub(super) async fn enqueue_in(
    conn: &mut PgConnection,
    due: &DueRecord,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO retention_due (record, submission_id, compliment_id, policy, due_on) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record) DO NOTHING",
    )
    .bind(&due.record.complaint_reference)
    .bind(due.record.submission_id)
    .bind(due.record.compliment_id)
    .bind(&due.policy)
    .bind(due.due_on)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

impl Retention {
    /// Today, as the job counts periods: the UK date of the service's clock.
    fn today(&self) -> NaiveDate {
        calendar::uk_date(self.clock.now())
    }

    /// The records due now in this service: its own, found afresh, and
    /// those queued (from its own earlier runs or the owner's fact).
    pub async fn due_now(&self) -> Result<Vec<DueRecord>, JobError> {
        let today = self.today();
        let mut conn = self.log.pool().acquire().await?;
        let mut due: BTreeMap<String, DueRecord> = BTreeMap::new();
        for record in self.scope.due(&mut conn, today, &self.policies).await? {
            due.insert(record.record.complaint_reference.clone(), record);
        }
        // A queued record is due: its owner decided so, on its own clock.
        let queued: Vec<QueuedRow> = sqlx::query_as(
            "SELECT record, submission_id, compliment_id, policy, due_on FROM retention_due \
             ORDER BY due_on, record",
        )
        .fetch_all(&mut *conn)
        .await?;
        for row in queued {
            due.insert(row.record.clone(), row.into());
        }
        let mut due: Vec<DueRecord> = due.into_values().collect();
        due.sort_by(|a, b| {
            (a.due_on, &a.record.complaint_reference)
                .cmp(&(b.due_on, &b.record.complaint_reference))
        });
        Ok(due)
    }

    /// Whether a hold stops the destruction of `record` here: one on the
    /// record, or on a record sharing the parts it would take (R-CONF-2).
    pub async fn is_held(&self, record: &RecordRef) -> Result<bool, JobError> {
        Ok(self.held_by(record).await?.is_some())
    }

    /// Notes an owned due record in the queue and, the first time, appends
    /// the fact the other services act on, in one transaction; the relay
    /// publishes it like any other event.
    async fn note_owned(&self, due: &DueRecord) -> Result<(), JobError> {
        let mut tx = self.log.pool().begin().await?;
        let record = &due.record.complaint_reference;
        log_retention::lock_record_in(&mut tx, record).await?;
        enqueue_in(&mut tx, due).await?;
        let stream = fact_stream(record)?;
        let published: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM streams WHERE stream_id = $1)")
                .bind(stream.as_str())
                .fetch_one(&mut *tx)
                .await?;
        if !published {
            let fact = facts::fact_of(due);
            let event = NewEvent::new(
                <pb::RetentionPeriodEnded as prost::Name>::full_name(),
                fact.encode_to_vec(),
                Metadata::new(Actor::System("retention-job".into())),
            );
            eventlog::append_in(
                &mut tx,
                &stream,
                facts::FACT_STREAM_TYPE,
                ExpectedVersion::NoStream,
                &[event],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Runs the job once: notes the owned records now due, then destroys
    /// every due record not under a hold, then erases the destroyed
    /// events from the bus.
    pub async fn run_once(&self) -> Result<RunReport, JobError> {
        let today = self.today();
        let owned = {
            let mut conn = self.log.pool().acquire().await?;
            self.scope.due(&mut conn, today, &self.policies).await?
        };
        for due in &owned {
            self.note_owned(due).await?;
        }
        let mut report = RunReport::default();
        for due in self.due_now().await? {
            let reason = format!(
                "the retention period ended under policy {} on {} (R-CONF-2)",
                due.policy, due.due_on
            );
            let who = format!("retention-policy:{}", due.policy);
            match self.destroy_record(&due.record, &reason, &who).await {
                Ok(Destruction::Destroyed {
                    tombstones,
                    rows,
                    kept_shared_for,
                }) => {
                    tracing::info!(
                        record = %due.record.complaint_reference,
                        policy = %due.policy,
                        streams = tombstones.len(),
                        rows,
                        kept_shared_for = ?kept_shared_for,
                        "destroyed by the retention job"
                    );
                    report.tombstones.extend(tombstones);
                    report.destroyed.push(due);
                }
                Ok(Destruction::Held { on, .. }) => {
                    tracing::info!(
                        record = %due.record.complaint_reference,
                        held = %on,
                        policy = %due.policy,
                        "due but under a legal hold; left for a later run"
                    );
                    report.skipped_under_hold.push(due);
                }
                // Left queued and named in the log, so one bad record does
                // not stop the others' destruction.
                Err(error @ ScopeError::Mismatch { .. }) => {
                    tracing::warn!(
                        record = %due.record.complaint_reference,
                        policy = %due.policy,
                        error = %error,
                        "due but its ids do not belong to it here; left queued"
                    );
                }
                Err(error) => return Err(error.into()),
            }
        }
        report.bus_messages_erased = self.erase_pending().await.map_err(JobError::Bus)?;
        Ok(report)
    }

    /// Runs the job every `interval` until `stop`, first at start.
    pub async fn run_every(self, interval: Duration, stop: CancellationToken) {
        loop {
            match self.run_once().await {
                Ok(report)
                    if !report.destroyed.is_empty() || !report.skipped_under_hold.is_empty() =>
                {
                    tracing::info!(
                        destroyed = report.destroyed.len(),
                        skipped_under_hold = report.skipped_under_hold.len(),
                        "retention job run"
                    );
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(error = %crate::report(&error), "retention job run failed; trying again next run");
                }
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(interval) => {}
            }
        }
    }
}
