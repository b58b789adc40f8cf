//! What the complaints service keeps of one complaint, for destruction
//! (R-CONF-2): the complaint's stream (its id is the reference) and its
//! rows in the work-queue read model. Nothing of it is shared with
//! another complaint here, but a submission id given with it must be the
//! one it was opened from. The complaints service owns a complaint's
//! lifecycle, so it is the one that finds a closed complaint due under the
//! closed-complaints policy.

use chrono::NaiveDate;
use platform::retention::{
    DueRecord, Parts, Policies, PolicyKind, RecordRef, RecordScope, ScopeError, Sharing,
    live_streams,
};
use sqlx::PgConnection;
use uuid::Uuid;

/// The complaint's stream and read-model rows.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintRecords;

#[tonic::async_trait]
impl RecordScope for ComplaintRecords {
    /// R-CONF-2: the submission id given, if any, is the one the complaint
    /// was opened from (a complaint already destroyed passes).
    async fn sharing(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Sharing, ScopeError> {
        let Some(given) = record.submission_id else {
            return Ok(Sharing::default());
        };
        let opened_from: Option<Uuid> =
            sqlx::query_scalar("SELECT submission_id FROM complaints WHERE reference = $1")
                .bind(&record.complaint_reference)
                .fetch_optional(&mut *tx)
                .await?;
        match opened_from {
            Some(id) if id != given => Err(ScopeError::Mismatch {
                field: "submission_id",
                why: format!(
                    "{} was not opened from submission {given}",
                    record.complaint_reference
                ),
            }),
            _ => Ok(Sharing::default()),
        }
    }

    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        _parts: Parts,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        live_streams(tx, std::slice::from_ref(&record.complaint_reference)).await
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        _parts: Parts,
    ) -> Result<u64, ScopeError> {
        let deadlines = sqlx::query("DELETE FROM live_deadlines WHERE reference = $1")
            .bind(&record.complaint_reference)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let complaints = sqlx::query("DELETE FROM complaints WHERE reference = $1")
            .bind(&record.complaint_reference)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        Ok(deadlines + complaints)
    }

    /// Closed complaints whose closed-complaints period has ended by
    /// `today` (R-CONF-2). A complaint raised from a closed one (R-UPC-2)
    /// shares its submission, and with it intake's and notifications'
    /// records: complaints sharing a submission fall due together, once
    /// every one of them is closed, counted from the last to close, so
    /// destroying one never takes records another still needs.
    async fn due(
        &self,
        conn: &mut PgConnection,
        today: NaiveDate,
        policies: &Policies,
    ) -> Result<Vec<DueRecord>, ScopeError> {
        let period = policies.period(PolicyKind::ClosedComplaints);
        let label = policies.label(PolicyKind::ClosedComplaints);
        let closed: Vec<(String, Uuid, NaiveDate)> = sqlx::query_as(
            "SELECT c.reference, c.submission_id, together.last_closed \
             FROM complaints c \
             JOIN (SELECT submission_id, max(closed_on) AS last_closed FROM complaints \
                   GROUP BY submission_id \
                   HAVING bool_and(closed AND closed_on IS NOT NULL)) together \
             USING (submission_id) \
             ORDER BY together.last_closed, c.reference",
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(closed
            .into_iter()
            .map(|(reference, submission_id, last_closed)| DueRecord {
                record: RecordRef {
                    complaint_reference: reference,
                    submission_id: Some(submission_id),
                    compliment_id: None,
                },
                policy: label.clone(),
                due_on: period.due_on(last_closed),
            })
            .filter(|due| due.due_on <= today)
            .collect())
    }
}
