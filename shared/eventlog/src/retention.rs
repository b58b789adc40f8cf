//! Retention (R-CONF-2): legal holds, destroying a stream inside a caller's
//! transaction (so a service removes its read-model rows in the same one),
//! and the tombstones destruction leaves.

use crate::event::StreamId;
use crate::{Error, EventLog, ResultExt};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// What remains of a destroyed stream: which, why, who, when, how many
/// events. No personal data.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Tombstone {
    pub stream_id: String,
    pub reason: String,
    pub authorised_by: String,
    pub destroyed_at: DateTime<Utc>,
    pub events_destroyed: i64,
}

/// The current hold on a record, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    pub reason: String,
    pub by_whom: String,
    pub at: DateTime<Utc>,
}

/// Whether a hold is being placed or lifted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldAction {
    Placed,
    Lifted,
}

impl HoldAction {
    fn as_str(self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Lifted => "lifted",
        }
    }
}

/// Serialises holds and destruction of one record across replicas, for
/// the rest of the transaction: a hold placed while a destruction runs
/// waits for it, and the other way round.
pub async fn lock_record_in(conn: &mut PgConnection, record: &str) -> Result<(), Error> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('retention:' || $1))")
        .bind(record)
        .execute(&mut *conn)
        .await
        .context(format!("locking {record} for retention"))?;
    Ok(())
}

/// The hold in place on `record`: the latest entry, when it placed one.
pub async fn hold_in(conn: &mut PgConnection, record: &str) -> Result<Option<Hold>, Error> {
    let row: Option<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
        "SELECT action, reason, by_whom, at FROM legal_holds WHERE record = $1 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(record)
    .fetch_optional(&mut *conn)
    .await
    .context(format!("reading the hold on {record}"))?;
    Ok(row
        .filter(|(action, ..)| action == HoldAction::Placed.as_str())
        .map(|(_, reason, by_whom, at)| Hold {
            reason,
            by_whom,
            at,
        }))
}

/// Records that a hold on `record` was placed or lifted.
pub async fn record_hold_in(
    conn: &mut PgConnection,
    record: &str,
    action: HoldAction,
    reason: &str,
    by_whom: &str,
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO legal_holds (record, action, reason, by_whom) VALUES ($1, $2, $3, $4)",
    )
    .bind(record)
    .bind(action.as_str())
    .bind(reason)
    .bind(by_whom)
    .execute(&mut *conn)
    .await
    .context(format!("recording a hold {} on {record}", action.as_str()))?;
    Ok(())
}

/// Destroys every event of `stream_id` inside the caller's transaction
/// through `destroy_stream`, the one path the log lets events out by,
/// and notes their ids as still to be erased from the bus. Returns the
/// tombstone.
pub async fn destroy_stream_in(
    conn: &mut PgConnection,
    stream_id: &StreamId,
    reason: &str,
    authorised_by: &str,
) -> Result<Tombstone, Error> {
    let step = || format!("destroying stream {stream_id}");
    sqlx::query(
        "INSERT INTO pending_bus_erasures (event_id, global_position) \
         SELECT event_id, global_position FROM events WHERE stream_id = $1 ON CONFLICT DO NOTHING",
    )
    .bind(stream_id.as_str())
    .execute(&mut *conn)
    .await
    .context(step())?;
    sqlx::query("SELECT destroy_stream($1, $2, $3)")
        .bind(stream_id.as_str())
        .bind(reason)
        .bind(authorised_by)
        .execute(&mut *conn)
        .await
        .context(step())?;
    sqlx::query_as::<_, Tombstone>(
        "SELECT stream_id, reason, authorised_by, destroyed_at, events_destroyed \
         FROM destructions \
         WHERE stream_id = $1 AND transaction_id = pg_current_xact_id()::text::bigint \
         ORDER BY destruction_id DESC LIMIT 1",
    )
    .bind(stream_id.as_str())
    .fetch_one(&mut *conn)
    .await
    .context(step())
}

impl EventLog {
    /// The latest `limit` destructions, oldest first.
    pub async fn tombstones(&self, limit: usize) -> Result<Vec<Tombstone>, Error> {
        sqlx::query_as(
            "SELECT stream_id, reason, authorised_by, destroyed_at, events_destroyed FROM ( \
               SELECT * FROM destructions ORDER BY destruction_id DESC LIMIT $1) latest \
             ORDER BY destruction_id",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .context("reading the destructions")
    }

    /// Ids of destroyed events whose bus messages are still to be erased.
    pub async fn pending_bus_erasures(&self) -> Result<Vec<Uuid>, Error> {
        sqlx::query_scalar("SELECT event_id FROM pending_bus_erasures")
            .fetch_all(&self.pool)
            .await
            .context("reading the pending bus erasures")
    }

    /// The last position in the log of a destroyed event whose bus message
    /// is still to be erased; `None` when none waits (or only events
    /// destroyed before positions were kept).
    pub async fn pending_erasure_horizon(&self) -> Result<Option<i64>, Error> {
        sqlx::query_scalar("SELECT max(global_position) FROM pending_bus_erasures")
            .fetch_one(&self.pool)
            .await
            .context("reading the pending bus erasures")
    }

    /// Notes that the bus messages of `event_ids` are erased.
    pub async fn bus_erasures_done(&self, event_ids: &[Uuid]) -> Result<(), Error> {
        sqlx::query("DELETE FROM pending_bus_erasures WHERE event_id = ANY($1)")
            .bind(event_ids)
            .execute(&self.pool)
            .await
            .context("clearing the pending bus erasures")?;
        Ok(())
    }
}

/// A hold in place, for listing.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HoldInPlace {
    pub record: String,
    pub reason: String,
    pub by_whom: String,
    pub at: DateTime<Utc>,
}

impl EventLog {
    /// The holds in place now (the latest entry of its record placed one),
    /// by record, the first `limit` of them.
    pub async fn holds_in_place(&self, limit: usize) -> Result<Vec<HoldInPlace>, Error> {
        sqlx::query_as(
            "SELECT record, reason, by_whom, at FROM ( \
               SELECT DISTINCT ON (record) record, action, reason, by_whom, at \
               FROM legal_holds ORDER BY record, id DESC) latest \
             WHERE action = 'placed' ORDER BY record LIMIT $1",
        )
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await
        .context("reading the holds in place")
    }
}

/// Inside the destroying transaction: this service applies no more events
/// of `stream_ids` (other services' streams of the destroyed record), so
/// one still on its way cannot bring back what was destroyed (R-CONF-2).
pub async fn forget_sources_in(
    conn: &mut PgConnection,
    stream_ids: &[String],
) -> Result<(), Error> {
    sqlx::query(
        "INSERT INTO forgotten_sources (stream_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
    )
    .bind(stream_ids)
    .execute(conn)
    .await
    .context("recording the sources of a destroyed record")?;
    Ok(())
}

/// Which of `stream_ids` this service no longer applies events of.
pub async fn forgotten_among(
    conn: &mut PgConnection,
    stream_ids: &[&str],
) -> Result<std::collections::HashSet<String>, Error> {
    if stream_ids.is_empty() {
        return Ok(Default::default());
    }
    let found: Vec<String> =
        sqlx::query_scalar("SELECT stream_id FROM forgotten_sources WHERE stream_id = ANY($1)")
            .bind(stream_ids)
            .fetch_all(conn)
            .await
            .context("looking up the sources of destroyed records")?;
    Ok(found.into_iter().collect())
}
