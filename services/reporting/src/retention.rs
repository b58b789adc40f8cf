//! What reporting keeps of one complaint, for destruction (R-CONF-2): only
//! the keyed link from the reference to the anonymised record. The record
//! itself, its log entries and the equality answers hold no personal data
//! and stay, so the committee's figures do not change.

use crate::consume::reference_link;
use crate::pseudonym::PseudonymKey;
use platform::retention::{RecordRef, RecordScope, ScopeError};
use sqlx::PgConnection;

/// The reference's link to its anonymised record.
#[derive(Debug, Clone)]
pub struct ReferenceLink {
    pub key: PseudonymKey,
}

#[tonic::async_trait]
impl RecordScope for ReferenceLink {
    async fn streams(
        &self,
        _tx: &mut PgConnection,
        _record: &RecordRef,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        // Reporting records no events of its own about a complaint.
        Ok(Vec::new())
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<u64, ScopeError> {
        let link = reference_link(&self.key, &record.complaint_reference);
        Ok(
            sqlx::query("DELETE FROM complaint_pseudonyms WHERE reference_key = $1")
                .bind(link)
                .execute(&mut *tx)
                .await?
                .rows_affected(),
        )
    }
}
