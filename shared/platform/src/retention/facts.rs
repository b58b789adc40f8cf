//! The fact the owner of a record's lifecycle publishes when the record's
//! retention period ends (R-CONF-2), and the consumer through which every
//! other service queues the record for its own retention job. The fact
//! carries ids, the policy and the due date, never personal data.

use super::RecordRef;
use super::job::{DueRecord, enqueue_in};
use bus::{Bus, ConsumerSettings, HandlerError};
use chrono::{Datelike, NaiveDate};
use complaints_proto::v1::{self as pb, EventEnvelope};
use sqlx::PgConnection;
use uuid::Uuid;

/// The stream type of fact streams (`retention-<record>`); consumers of a
/// service's events that fold records skip it.
pub const FACT_STREAM_TYPE: &str = "retention";

/// The fact for `due`.
pub(super) fn fact_of(due: &DueRecord) -> pb::RetentionPeriodEnded {
    let id = |id: Option<Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
    pb::RetentionPeriodEnded {
        record: due.record.complaint_reference.clone(),
        submission_id: id(due.record.submission_id),
        compliment_id: id(due.record.compliment_id),
        policy: due.policy.clone(),
        due_on: Some(pb::Date {
            year: due.due_on.year(),
            month: due.due_on.month(),
            day: due.due_on.day(),
        }),
    }
}

fn due_of(fact: pb::RetentionPeriodEnded) -> Result<DueRecord, HandlerError> {
    let id = |field: &str, raw: &str| -> Result<Option<Uuid>, HandlerError> {
        match raw {
            "" => Ok(None),
            raw => {
                Ok(Some(Uuid::parse_str(raw).map_err(|e| {
                    format!("RetentionPeriodEnded.{field}: {e}")
                })?))
            }
        }
    };
    let due_on = fact
        .due_on
        .and_then(|d| NaiveDate::from_ymd_opt(d.year, d.month, d.day))
        .ok_or("RetentionPeriodEnded.due_on: not a date")?;
    if fact.record.is_empty() || fact.policy.is_empty() {
        return Err("RetentionPeriodEnded: record and policy are required".into());
    }
    Ok(DueRecord {
        record: RecordRef {
            complaint_reference: fact.record,
            submission_id: id("submission_id", &fact.submission_id)?,
            compliment_id: id("compliment_id", &fact.compliment_id)?,
        },
        policy: fact.policy,
        due_on,
    })
}

/// Queues the records other services' facts name for this service's job.
#[derive(Debug, Clone)]
pub struct FactsHandler {
    /// This service: its own facts are already in its queue.
    pub service: String,
}

impl bus::Handler for FactsHandler {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        if envelope.source == self.service {
            return Ok(());
        }
        let Some(fact) = bus::decode_payload::<pb::RetentionPeriodEnded>(envelope) else {
            return Ok(());
        };
        let due = due_of(fact)?;
        tracing::info!(
            record = %due.record.complaint_reference,
            policy = %due.policy,
            from = %envelope.source,
            "queued for destruction by the owner's retention fact"
        );
        enqueue_in(tx, &due).await?;
        Ok(())
    }
}

/// The durable consumer of every service's retention facts, for `service`.
pub fn fact_consumer(bus: &Bus, service: &str) -> ConsumerSettings {
    ConsumerSettings::new(
        format!("{service}-retention-facts"),
        bus.subject(
            "*",
            <pb::RetentionPeriodEnded as prost::Name>::full_name().as_str(),
        ),
    )
}
