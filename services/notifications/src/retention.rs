//! What notifications keeps of one complaint, for destruction (R-CONF-2):
//! the party (the complainant's contact details and consent, folded from
//! the events it applied, keyed by intake's submission stream), every
//! letter queued for it with its stream, and the reference's link.
//!
//! Complaints raised from a closed one (R-UPC-2) share the submission and
//! so the party: destroying one of them while another is not destroyed
//! here takes only its own letters and link, and the party with the rest
//! of its letters goes with the last of them. A submission id given with
//! a reference must be the one the reference's party is keyed by.

use crate::store::stream_of;
use platform::retention::{Parts, RecordRef, RecordScope, ScopeError, Sharing, live_streams};
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

/// The party keys a record given with `id` may have.
fn keys_of(id: Uuid) -> [String; 2] {
    [format!("submission-{id}"), format!("compliment-{id}")]
}

#[tonic::async_trait]
impl RecordScope for PartyRecords {
    /// R-CONF-2: the reference and the id lead to the same party, and the
    /// other complaints linked to it share it, as does the submission's own
    /// reference.
    async fn sharing(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Sharing, ScopeError> {
        let Some(party) = party_of(tx, record).await? else {
            return Ok(Sharing::default());
        };
        let named = &record.complaint_reference;
        let links: Vec<(String, bool)> = sqlx::query_as(
            "SELECT reference, complaint FROM party_references WHERE party_key = $1 \
             ORDER BY reference",
        )
        .bind(&party)
        .fetch_all(&mut *tx)
        .await?;
        if let Some(id) = record.submission_id.or(record.compliment_id) {
            let keyed_by_id = party.starts_with("submission-") || party.starts_with("compliment-");
            let linked = links.iter().any(|(r, _)| r == named);
            let mismatch = if linked {
                // Linked by its reference: the id must key the same party.
                keyed_by_id && !keys_of(id).contains(&party)
            } else {
                // Found by the id: the reference must be one naming it.
                !links.is_empty()
            };
            if mismatch {
                return Err(ScopeError::Mismatch {
                    field: "submission_id",
                    why: format!(
                        "the correspondence of {id} is not {named}'s (it is kept as {party})"
                    ),
                });
            }
        }
        let siblings: Vec<String> = links
            .iter()
            .filter(|(r, complaint)| *complaint && r != named)
            .map(|(r, _)| r.clone())
            .collect();
        if siblings.is_empty() {
            return Ok(Sharing::default());
        }
        Ok(Sharing {
            shared: Some(party),
            siblings,
            aliases: links
                .into_iter()
                .filter(|(r, complaint)| !complaint && r != named)
                .map(|(r, _)| r)
                .collect(),
        })
    }

    /// Every letter of the party, or with `Parts::Own` only the record's.
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        parts: Parts,
    ) -> Result<Vec<eventlog::StreamId>, ScopeError> {
        let Some(party) = party_of(tx, record).await? else {
            return Ok(Vec::new());
        };
        let ids: Vec<Uuid> = sqlx::query_scalar(
            "SELECT notification_id FROM notifications \
             WHERE party_key = $1 AND ($2 OR reference = $3)",
        )
        .bind(&party)
        .bind(parts == Parts::All)
        .bind(&record.complaint_reference)
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
        parts: Parts,
    ) -> Result<u64, ScopeError> {
        let Some(party) = party_of(tx, record).await? else {
            return Ok(0);
        };
        if parts == Parts::Own {
            let letters =
                sqlx::query("DELETE FROM notifications WHERE party_key = $1 AND reference = $2")
                    .bind(&party)
                    .bind(&record.complaint_reference)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            let link = sqlx::query("DELETE FROM party_references WHERE reference = $1")
                .bind(&record.complaint_reference)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            return Ok(letters + link);
        }
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
