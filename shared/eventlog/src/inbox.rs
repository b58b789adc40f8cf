//! The consumer inbox: which events from elsewhere a consumer has applied.

use crate::{Error, ResultExt};
use sqlx::PgConnection;
use uuid::Uuid;

/// Records, inside the consumer's own transaction, that `consumer` applied
/// `event_id`. Returns `false` if it already had: the caller then applies
/// nothing, so a redelivered event changes nothing.
pub async fn mark_processed(
    conn: &mut PgConnection,
    consumer: &str,
    event_id: Uuid,
) -> Result<bool, Error> {
    let inserted = sqlx::query(
        "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(consumer)
    .bind(event_id)
    .execute(conn)
    .await
    .context(format!(
        "recording event {event_id} as processed by {consumer}"
    ))?;
    Ok(inserted.rows_affected() == 1)
}
