//! What the complaints service keeps of one complaint, for destruction
//! (R-CONF-2): the complaint's stream (its id is the reference) and its
//! rows in the work-queue read model.

use platform::retention::{RecordRef, RecordScope, ScopeError, live_streams};
use sqlx::PgConnection;

/// The complaint's stream and read-model rows.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintRecords;

#[tonic::async_trait]
impl RecordScope for ComplaintRecords {
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        live_streams(tx, std::slice::from_ref(&record.complaint_reference)).await
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
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
}
