//! Appending to a stream with an expected version.
//!
//! The work is one call of the schema's `append_events` function
//! (migration 0004): it takes the log's append lock, claims the stream's
//! versions and inserts the events as a single statement, so an append
//! costs one round trip and the guarantees live in one place whichever
//! transaction it runs in.

use crate::event::{ExpectedVersion, NewEvent, StreamId};
use crate::{Error, EventLog};
use sqlx::{PgConnection, PgExecutor};
use uuid::Uuid;

impl EventLog {
    /// Appends `events` to `stream_id` atomically and returns the stream's
    /// new version.
    ///
    /// The stream's row in `streams` is the guard: the version check and the
    /// bump happen in one UPDATE, so of two concurrent writers expecting the
    /// same version exactly one succeeds and the other gets
    /// [`Error::Conflict`], with nothing written. Runs as one statement in
    /// autocommit: no BEGIN or COMMIT to wait for, and the append lock is
    /// still held until the commit (see `EventLog::read_all_after`).
    pub async fn append(
        &self,
        stream_id: &StreamId,
        stream_type: &str,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<u64, Error> {
        append_with(&self.pool, stream_id, stream_type, expected, events).await
    }
}

/// Appends inside the caller's transaction, so a consumer can record the
/// event it handled and the events it caused atomically. A refused append
/// ([`Error::Conflict`], [`Error::StreamDestroyed`]) writes nothing and
/// leaves the transaction usable.
pub async fn append_in(
    conn: &mut PgConnection,
    stream_id: &StreamId,
    stream_type: &str,
    expected: ExpectedVersion,
    events: &[NewEvent],
) -> Result<u64, Error> {
    append_with(conn, stream_id, stream_type, expected, events).await
}

/// What `append_events` answers: the new version, or why nothing was written.
type Outcome = (Option<i64>, i64, bool);

async fn append_with<'c>(
    executor: impl PgExecutor<'c>,
    stream_id: &StreamId,
    stream_type: &str,
    expected: ExpectedVersion,
    events: &[NewEvent],
) -> Result<u64, Error> {
    if events.is_empty() {
        return Err(Error::NothingToAppend(stream_id.to_string()));
    }
    // A stream is created with its first event, so version 0 means "none yet".
    let expected = match expected {
        ExpectedVersion::Exact(0) => ExpectedVersion::NoStream,
        other => other,
    };
    let expected_arg: Option<i64> = match expected {
        ExpectedVersion::Any => None,
        ExpectedVersion::NoStream => Some(0),
        ExpectedVersion::Exact(v) => Some(v as i64),
    };
    let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    let payloads: Vec<&[u8]> = events.iter().map(|e| e.payload.as_slice()).collect();
    let occurred: Vec<_> = events.iter().map(|e| e.occurred_at).collect();
    let correlations: Vec<Uuid> = events.iter().map(|e| e.metadata.correlation_id).collect();
    let causations: Vec<Option<Uuid>> = events.iter().map(|e| e.metadata.causation_id).collect();
    let actors: Vec<String> = events.iter().map(|e| e.metadata.actor.encode()).collect();
    let parents: Vec<Option<&str>> = events
        .iter()
        .map(|e| e.metadata.traceparent.as_deref())
        .collect();
    let states: Vec<Option<&str>> = events
        .iter()
        .map(|e| e.metadata.tracestate.as_deref())
        .collect();
    let outcome: Outcome = sqlx::query_as(
        "SELECT new_version, found_version, found_destroyed
         FROM append_events($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(stream_id.as_str())
    .bind(stream_type)
    .bind(expected_arg)
    .bind(&ids)
    .bind(&types)
    .bind(&payloads)
    .bind(&occurred)
    .bind(&correlations)
    .bind(&causations)
    .bind(&actors)
    .bind(&parents)
    .bind(&states)
    .fetch_one(executor)
    .await
    .map_err(|e| match e {
        // The version guard makes this unreachable for well-behaved writers;
        // if it happens anyway it is still a conflict, not a gap.
        sqlx::Error::Database(ref db)
            if db.constraint() == Some("events_stream_id_stream_version_key") =>
        {
            Error::Conflict {
                stream_id: stream_id.to_string(),
                expected,
                actual: expected_arg.unwrap_or(0) as u64,
            }
        }
        other => Error::Database {
            context: format!("appending to stream {stream_id}"),
            source: other,
        },
    })?;
    match outcome {
        (Some(version), _, _) => Ok(version as u64),
        (None, _, true) => Err(Error::StreamDestroyed(stream_id.to_string())),
        (None, actual, false) => Err(Error::Conflict {
            stream_id: stream_id.to_string(),
            expected,
            actual: actual as u64,
        }),
    }
}

#[cfg(test)]
mod tests {
    /// The function hard-codes the lock class readers wait on; the two must
    /// never drift apart, or readers would stop waiting for writers.
    #[test]
    fn the_append_function_takes_the_lock_readers_wait_on() {
        let migration = include_str!("../migrations/0005_append_function.sql");
        let class = crate::read::APPEND_LOCK_CLASS;
        assert!(migration.contains(&format!(
            "pg_advisory_xact_lock_shared({class}, hashtext(current_schema()))"
        )));
    }
}
