//! What intake keeps of one complaint, for destruction (R-CONF-2): the
//! submission's stream (with the complainant's details and the attached
//! files, which travel in its events) and its row in the triage read
//! model. Intake never learns complaint references, so the caller names
//! the submission (complaints' `GetComplaint` gives it). Equality
//! monitoring answers stay: their stream is linked to nothing but a keyed
//! pseudonym (R-MON-4).

use crate::store::submission_stream;
use platform::retention::{RecordRef, RecordScope, ScopeError, live_streams};
use sqlx::PgConnection;

/// The submission's stream and read-model row.
#[derive(Debug, Clone, Copy)]
pub struct SubmissionRecords;

#[tonic::async_trait]
impl RecordScope for SubmissionRecords {
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
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
}
