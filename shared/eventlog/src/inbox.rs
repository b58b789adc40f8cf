//! The consumer inbox: which events from elsewhere a consumer has applied,
//! and where in the bus stream it has got to.

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

/// The advisory-lock class under which a consumer's replicas take turns;
/// the other key is the hash of the consumer's name.
const CONSUMER_LOCK_CLASS: i32 = 0x4255_5343;

/// Inside the consumer's transaction: waits until no other replica of
/// `consumer` is applying a batch, then answers the last stream sequence
/// applied (0 if none). Held until the transaction ends, so of two replicas
/// one applies at a time and each sees what the other committed.
pub async fn lock_position(conn: &mut PgConnection, consumer: &str) -> Result<u64, Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || ':' || $2))")
        .bind(CONSUMER_LOCK_CLASS)
        .bind(consumer)
        .execute(&mut *conn)
        .await
        .context(format!("taking the turn of consumer {consumer}"))?;
    position(conn, consumer).await
}

/// The last stream sequence `consumer` applied (0 if none).
pub async fn position(conn: &mut PgConnection, consumer: &str) -> Result<u64, Error> {
    let sequence: Option<i64> =
        sqlx::query_scalar("SELECT stream_sequence FROM consumer_positions WHERE consumer = $1")
            .bind(consumer)
            .fetch_optional(&mut *conn)
            .await
            .context(format!("reading the position of consumer {consumer}"))?;
    Ok(sequence.map_or(0, |s| s as u64))
}

/// Records, inside the consumer's transaction, that `consumer` has applied
/// the stream up to `sequence`.
pub async fn save_position(
    conn: &mut PgConnection,
    consumer: &str,
    sequence: u64,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO consumer_positions (consumer, stream_sequence) VALUES ($1, $2)
         ON CONFLICT (consumer) DO UPDATE
         SET stream_sequence = EXCLUDED.stream_sequence, updated_at = now()",
    )
    .bind(consumer)
    .bind(sequence as i64)
    .execute(conn)
    .await
    .context(format!("saving the position of consumer {consumer}"))?;
    Ok(())
}
