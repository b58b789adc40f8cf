//! What notifications keeps of one complaint, for destruction (R-CONF-2):
//! the party (the complainant's contact details and consent, folded from
//! the events it applied, keyed by intake's submission stream), every
//! letter queued for it with its stream, and the reference's link.

use crate::store::stream_of;
use platform::retention::{RecordRef, RecordScope, ScopeError, live_streams};
use sqlx::PgConnection;
use uuid::Uuid;

/// The party of a complaint, its letters and their streams.
#[derive(Debug, Clone, Copy)]
pub struct PartyRecords;

/// The party key: by the reference's link, else by the submission or, for
/// a compliment, by its stream (intake's events key their party by stream).
async fn party_of(tx: &mut PgConnection, record: &RecordRef) -> Result<Option<String>, ScopeError> {
    let linked: Option<String> =
        sqlx::query_scalar("SELECT party_key FROM party_references WHERE reference = $1")
            .bind(&record.complaint_reference)
            .fetch_optional(&mut *tx)
            .await?;
    if linked.is_some() {
        return Ok(linked);
    }
    if let Some(id) = record.compliment_id {
        return Ok(Some(format!("compliment-{id}")));
    }
    let Some(id) = record.submission_id else {
        return Ok(None);
    };
    // A compliment's party is keyed by its own stream (an erasure names it).
    let compliment = format!("compliment-{id}");
    let is_compliment: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM party_events WHERE party_key = $1) \
         OR EXISTS (SELECT 1 FROM notifications WHERE party_key = $1)",
    )
    .bind(&compliment)
    .fetch_one(&mut *tx)
    .await?;
    Ok(Some(if is_compliment {
        compliment
    } else {
        format!("submission-{id}")
    }))
}

#[tonic::async_trait]
impl RecordScope for PartyRecords {
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        let Some(party) = party_of(tx, record).await? else {
            return Ok(Vec::new());
        };
        let ids: Vec<Uuid> =
            sqlx::query_scalar("SELECT notification_id FROM notifications WHERE party_key = $1")
                .bind(&party)
                .fetch_all(&mut *tx)
                .await?;
        let streams: Vec<String> = ids
            .into_iter()
            .map(|id| stream_of(id).as_str().to_owned())
            .collect();
        live_streams(tx, &streams).await
    }

    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<u64, ScopeError> {
        let Some(party) = party_of(tx, record).await? else {
            return Ok(0);
        };
        let mut removed = 0;
        for table in ["notifications", "party_events", "party_references"] {
            removed += sqlx::query(&format!("DELETE FROM {table} WHERE party_key = $1"))
                .bind(&party)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        Ok(removed)
    }
}
