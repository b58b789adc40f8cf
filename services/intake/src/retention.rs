//! What intake keeps of one record, for destruction (R-CONF-2): the
//! submission's stream (with the complainant's details and the attached
//! files, which travel in its events) and its row in the triage read
//! model, or a compliment's stream. For a complaint the caller names the
//! submission (complaints' `GetComplaint` gives it, and the complaints
//! service's retention fact carries it), and intake checks it against the
//! complaints opened from it, which it learns from the complaints
//! service's `ComplaintOpened` ([`ComplaintLinks`]): a submission is
//! destroyed only under its own reference or one of its complaints'.
//! Complaints raised from a closed one (R-UPC-2) share the submission, so
//! it stays while any of them is not destroyed here, and a hold on any of
//! them or on the submission's reference stops its destruction. Equality
//! monitoring answers stay: their stream is linked to nothing but a keyed
//! pseudonym (R-MON-4).
//!
//! Intake owns the lifecycle of compliments and of submissions it
//! redirected or declined as out of time, so it finds those due.

use crate::store::submission_stream;
use bus::{Bus, ConsumerSettings, HandlerError};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use platform::retention::{
    DueRecord, Parts, Policies, PolicyKind, RecordRef, RecordScope, ScopeError, Sharing,
    live_streams,
};
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

/// The submission's stream and read-model row, or a compliment's stream.
#[derive(Debug, Clone, Copy)]
pub struct SubmissionRecords;

fn compliment_stream(id: Uuid) -> String {
    format!("compliment-{id}")
}

const MISSING_SUBMISSION: &str =
    "submission_id: intake needs the submission of the complaint (R-CONF-2)";

/// The durable consumer's name.
pub const COMPLAINT_LINKS: &str = "intake-complaint-links";

/// The consumer of the complaints service's `ComplaintOpened`.
pub fn complaint_links_consumer(bus: &Bus) -> ConsumerSettings {
    ConsumerSettings::new(
        COMPLAINT_LINKS,
        bus.subject(
            "complaints",
            <pb::ComplaintOpened as prost::Name>::full_name().as_str(),
        ),
    )
}

/// Notes which submission each complaint was opened from (R-CONF-2): a
/// reference and an id, no personal data.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintLinks;

impl bus::Handler for ComplaintLinks {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &pb::EventEnvelope,
    ) -> Result<(), HandlerError> {
        let Some(opened) = bus::decode_payload::<pb::ComplaintOpened>(envelope) else {
            return Ok(());
        };
        let submission = Uuid::parse_str(&opened.submission_id)
            .map_err(|e| format!("ComplaintOpened.submission_id: {e}"))?;
        if opened.reference.trim().is_empty() {
            return Err("ComplaintOpened.reference: required".into());
        }
        sqlx::query(
            "INSERT INTO complaint_links (reference, submission_id) VALUES ($1, $2) \
             ON CONFLICT (reference) DO NOTHING",
        )
        .bind(&opened.reference)
        .bind(submission)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }
}

/// A compliment's reference, from its first event, while its stream lives.
async fn compliment_reference(
    tx: &mut PgConnection,
    id: Uuid,
) -> Result<Option<String>, ScopeError> {
    let payload: Option<Vec<u8>> = sqlx::query_scalar(
        "SELECT e.payload FROM events e JOIN streams s USING (stream_id) \
         WHERE e.stream_id = $1 AND e.stream_version = 1 AND s.destroyed_at IS NULL",
    )
    .bind(compliment_stream(id))
    .fetch_optional(&mut *tx)
    .await?;
    Ok(payload
        .and_then(|p| pb::ComplimentReceived::decode(p.as_slice()).ok())
        .map(|c| c.reference))
}

#[tonic::async_trait]
impl RecordScope for SubmissionRecords {
    /// R-CONF-2: the record named is the compliment's or the submission's
    /// own reference, or a complaint opened from the submission; the
    /// complaints opened from it share it, and so does its own reference.
    async fn sharing(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Sharing, ScopeError> {
        let named = &record.complaint_reference;
        // A compliment is destroyed by its id, or by it as the submission
        // (an erasure).
        let compliment = record.compliment_id.or(record.submission_id);
        if let Some(id) = compliment
            && let Some(reference) = compliment_reference(tx, id).await?
        {
            if &reference != named {
                return Err(ScopeError::Mismatch {
                    field: if record.compliment_id.is_some() {
                        "compliment_id"
                    } else {
                        "submission_id"
                    },
                    why: format!("compliment {id} is {reference}, not {named}"),
                });
            }
            return Ok(Sharing::default());
        }
        if record.compliment_id.is_some() {
            return Ok(Sharing::default());
        }
        let id = record
            .submission_id
            .ok_or(ScopeError::Missing(MISSING_SUBMISSION))?;
        let own: Option<String> =
            sqlx::query_scalar("SELECT reference FROM submissions WHERE submission_id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let complaints: Vec<String> = sqlx::query_scalar(
            "SELECT reference FROM complaint_links WHERE submission_id = $1 ORDER BY reference",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        let stream = submission_stream(id).as_str().to_owned();
        let live = !live_streams(tx, std::slice::from_ref(&stream))
            .await?
            .is_empty();
        if own.is_none() && complaints.is_empty() && !live {
            // Nothing of the submission is left here.
            return Ok(Sharing::default());
        }
        if own.as_ref() != Some(named) && !complaints.contains(named) {
            let own = own.as_deref().unwrap_or("another record");
            return Err(ScopeError::Mismatch {
                field: "submission_id",
                why: format!(
                    "submission {id} is {own}'s and no complaint opened from it is {named}"
                ),
            });
        }
        if complaints.is_empty() {
            return Ok(Sharing::default());
        }
        Ok(Sharing {
            shared: Some(stream),
            siblings: complaints.into_iter().filter(|c| c != named).collect(),
            aliases: own.into_iter().filter(|o| o != named).collect(),
        })
    }

    /// The submission's stream (or a compliment's), which is shared with
    /// every complaint opened from it: none of it is one complaint's own.
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        parts: Parts,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        if let Some(id) = record.compliment_id {
            return live_streams(tx, &[compliment_stream(id)]).await;
        }
        let id = record
            .submission_id
            .ok_or(ScopeError::Missing(MISSING_SUBMISSION))?;
        if parts == Parts::Own {
            return Ok(Vec::new());
        }
        // A compliment is destroyed by its id the same way (an erasure).
        let compliment = format!("compliment-{id}");
        live_streams(tx, &[submission_stream(id).as_str().to_owned(), compliment]).await
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        parts: Parts,
    ) -> Result<u64, ScopeError> {
        if let Some(id) = record.compliment_id {
            sqlx::query("DELETE FROM request_fingerprints WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let Some(id) = record.submission_id else {
            return Ok(0);
        };
        if parts == Parts::Own {
            return Ok(0);
        }
        sqlx::query("DELETE FROM request_fingerprints WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query("DELETE FROM submissions WHERE submission_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let links = sqlx::query("DELETE FROM complaint_links WHERE submission_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        Ok(rows + links)
    }

    /// Redirected and declined submissions past their period, counted from
    /// receipt, and compliments past theirs (R-CONF-2).
    async fn due(
        &self,
        conn: &mut PgConnection,
        today: NaiveDate,
        policies: &Policies,
    ) -> Result<Vec<DueRecord>, ScopeError> {
        let mut due = redirected_or_declined(conn, today, policies).await?;
        due.extend(compliments(conn, today, policies).await?);
        Ok(due)
    }
}

async fn redirected_or_declined(
    conn: &mut PgConnection,
    today: NaiveDate,
    policies: &Policies,
) -> Result<Vec<DueRecord>, ScopeError> {
    let period = policies.period(PolicyKind::RedirectedOrDeclined);
    let label = policies.label(PolicyKind::RedirectedOrDeclined);
    let rows: Vec<(Uuid, String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT submission_id, reference, received_at FROM submissions \
         WHERE status = ANY($1) ORDER BY received_at, submission_id",
    )
    .bind([
        pb::TriageStatus::Redirected as i32,
        pb::TriageStatus::DeclinedOutOfTime as i32,
    ])
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, reference, received_at)| DueRecord {
            record: RecordRef {
                complaint_reference: reference,
                submission_id: Some(id),
                compliment_id: None,
            },
            policy: label.clone(),
            due_on: period.due_on(calendar::uk_date(received_at)),
        })
        .filter(|due| due.due_on <= today)
        .collect())
}

async fn compliments(
    conn: &mut PgConnection,
    today: NaiveDate,
    policies: &Policies,
) -> Result<Vec<DueRecord>, ScopeError> {
    let period = policies.period(PolicyKind::Compliments);
    let label = policies.label(PolicyKind::Compliments);
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT e.stream_id, e.payload FROM events e JOIN streams s USING (stream_id) \
         WHERE s.stream_type = 'compliment' AND s.destroyed_at IS NULL AND e.stream_version = 1 \
         ORDER BY e.global_position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut due = Vec::new();
    for (stream, payload) in rows {
        let Some(id) = stream
            .strip_prefix("compliment-")
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            continue;
        };
        let Ok(compliment) = pb::ComplimentReceived::decode(payload.as_slice()) else {
            continue;
        };
        let Some(received) = compliment
            .received_at
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
        else {
            continue;
        };
        let due_on = period.due_on(calendar::uk_date(received));
        if due_on <= today {
            due.push(DueRecord {
                record: RecordRef {
                    complaint_reference: compliment.reference,
                    submission_id: None,
                    compliment_id: Some(id),
                },
                policy: label.clone(),
                due_on,
            });
        }
    }
    Ok(due)
}
