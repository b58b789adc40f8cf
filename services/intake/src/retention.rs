//! What intake keeps of one record, for destruction (R-CONF-2): the
//! submission's stream (with the complainant's details and the attached
//! files, which travel in its events) and its row in the triage read
//! model, or a compliment's stream. Intake never learns complaint
//! references, so for a complaint the caller names the submission
//! (complaints' `GetComplaint` gives it, and the complaints service's
//! retention fact carries it). Equality monitoring answers stay: their
//! stream is linked to nothing but a keyed pseudonym (R-MON-4).
//!
//! Intake owns the lifecycle of compliments and of submissions it
//! redirected or declined as out of time, so it finds those due.

use crate::store::submission_stream;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use platform::retention::{
    DueRecord, Policies, PolicyKind, RecordRef, RecordScope, ScopeError, live_streams,
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

#[tonic::async_trait]
impl RecordScope for SubmissionRecords {
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        if let Some(id) = record.compliment_id {
            return live_streams(tx, &[compliment_stream(id)]).await;
        }
        let id = record.submission_id.ok_or(ScopeError::Missing(
            "submission_id: intake needs the submission of the complaint (R-CONF-2)",
        ))?;
        // A compliment is destroyed by its id the same way (an erasure).
        let compliment = format!("compliment-{id}");
        live_streams(tx, &[submission_stream(id).as_str().to_owned(), compliment]).await
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<u64, ScopeError> {
        let Some(id) = record.submission_id else {
            return Ok(0);
        };
        Ok(
            sqlx::query("DELETE FROM submissions WHERE submission_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
        )
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
