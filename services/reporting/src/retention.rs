//! What reporting keeps of one complaint, for destruction (R-CONF-2): the
//! keyed link from the reference to the anonymised record, and the
//! record's log entries, whose trace ids could be joined to spans naming
//! the reference. The record itself and the equality answers hold no
//! personal data and stay, so the committee's figures do not change; the
//! record is marked as having lost its source events, so rebuilding the
//! log from the bus keeps it. Everything here is the reference's own, so
//! nothing is shared with another complaint, and the submission id is not
//! used.

use crate::consume::reference_link;
use crate::pseudonym::PseudonymKey;
use platform::retention::{Parts, RecordRef, RecordScope, ScopeError};
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
        _parts: Parts,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        // Reporting records no events of its own about a complaint.
        Ok(Vec::new())
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        _parts: Parts,
    ) -> Result<u64, ScopeError> {
        let link = reference_link(&self.key, &record.complaint_reference);
        let pseudonyms: Vec<String> = sqlx::query_scalar(
            "DELETE FROM complaint_pseudonyms WHERE reference_key = $1 RETURNING pseudonym",
        )
        .bind(link)
        .fetch_all(&mut *tx)
        .await?;
        let entries = sqlx::query("DELETE FROM log_entries WHERE pseudonym = ANY($1)")
            .bind(&pseudonyms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "INSERT INTO destroyed_sources (pseudonym) SELECT unnest($1::text[]) \
             ON CONFLICT DO NOTHING",
        )
        .bind(&pseudonyms)
        .execute(&mut *tx)
        .await?;
        Ok(pseudonyms.len() as u64 + entries)
    }
}
