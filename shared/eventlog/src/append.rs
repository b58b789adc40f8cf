//! Appending to a stream with an expected version.

use crate::event::{ExpectedVersion, NewEvent, StreamId};
use crate::{Error, EventLog, ResultExt};
use sqlx::PgConnection;
use uuid::Uuid;

impl EventLog {
    /// Appends `events` to `stream_id` in one transaction and returns the
    /// stream's new version.
    ///
    /// The stream's row in `streams` is the guard: the version check and the
    /// bump happen in one UPDATE, so of two concurrent writers expecting the
    /// same version exactly one succeeds and the other gets
    /// [`Error::Conflict`], with nothing written.
    pub async fn append(
        &self,
        stream_id: &StreamId,
        stream_type: &str,
        expected: ExpectedVersion,
        events: &[NewEvent],
    ) -> Result<u64, Error> {
        let mut tx = self.pool.begin().await.context("beginning append")?;
        let version = append_in(&mut tx, stream_id, stream_type, expected, events).await?;
        tx.commit().await.context("committing append")?;
        Ok(version)
    }
}

/// Appends inside the caller's transaction, so a consumer can record the
/// event it handled and the events it caused atomically.
pub async fn append_in(
    conn: &mut PgConnection,
    stream_id: &StreamId,
    stream_type: &str,
    expected: ExpectedVersion,
    events: &[NewEvent],
) -> Result<u64, Error> {
    if events.is_empty() {
        return Err(Error::NothingToAppend(stream_id.to_string()));
    }
    let count = events.len() as i64;
    let start = claim_versions(conn, stream_id, stream_type, expected, count).await?;
    insert_events(conn, stream_id, stream_type, start, events).await?;
    Ok((start + count) as u64)
}

/// Moves the stream's version on by `count` if `expected` holds; returns the
/// version before the move.
async fn claim_versions(
    conn: &mut PgConnection,
    stream_id: &StreamId,
    stream_type: &str,
    expected: ExpectedVersion,
    count: i64,
) -> Result<i64, Error> {
    // A stream is created with its first event, so version 0 means "none yet".
    let expected = match expected {
        ExpectedVersion::Exact(0) => ExpectedVersion::NoStream,
        other => other,
    };
    let claimed: Option<i64> = match expected {
        ExpectedVersion::NoStream => sqlx::query_scalar(
            "INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, $2, $3)
             ON CONFLICT (stream_id) DO NOTHING RETURNING 0::bigint",
        )
        .bind(stream_id.as_str())
        .bind(stream_type)
        .bind(count)
        .fetch_optional(&mut *conn)
        .await
        .context("creating stream")?,
        ExpectedVersion::Exact(v) => sqlx::query_scalar(
            "UPDATE streams SET version = version + $3, updated_at = now()
             WHERE stream_id = $1 AND version = $2 AND destroyed_at IS NULL
             RETURNING version - $3",
        )
        .bind(stream_id.as_str())
        .bind(v as i64)
        .bind(count)
        .fetch_optional(&mut *conn)
        .await
        .context("claiming stream versions")?,
        ExpectedVersion::Any => sqlx::query_scalar(
            "INSERT INTO streams (stream_id, stream_type, version) VALUES ($1, $2, $3)
             ON CONFLICT (stream_id) DO UPDATE
                SET version = streams.version + $3, updated_at = now()
                WHERE streams.destroyed_at IS NULL
             RETURNING version - $3",
        )
        .bind(stream_id.as_str())
        .bind(stream_type)
        .bind(count)
        .fetch_optional(&mut *conn)
        .await
        .context("claiming stream versions")?,
    };
    match claimed {
        Some(start) => Ok(start),
        None => Err(refusal(conn, stream_id, expected).await?),
    }
}

/// Explains why a claim matched no row: the stream moved on, or is destroyed.
async fn refusal(
    conn: &mut PgConnection,
    stream_id: &StreamId,
    expected: ExpectedVersion,
) -> Result<Error, Error> {
    let row: Option<(i64, bool)> = sqlx::query_as(
        "SELECT version, destroyed_at IS NOT NULL FROM streams WHERE stream_id = $1",
    )
    .bind(stream_id.as_str())
    .fetch_optional(&mut *conn)
    .await
    .context("reading stream version after a refused append")?;
    Ok(match row {
        Some((_, true)) => Error::StreamDestroyed(stream_id.to_string()),
        Some((actual, false)) => Error::Conflict {
            stream_id: stream_id.to_string(),
            expected,
            actual: actual as u64,
        },
        None => Error::Conflict {
            stream_id: stream_id.to_string(),
            expected,
            actual: 0,
        },
    })
}

async fn insert_events(
    conn: &mut PgConnection,
    stream_id: &StreamId,
    stream_type: &str,
    start: i64,
    events: &[NewEvent],
) -> Result<(), Error> {
    let versions: Vec<i64> = (1..=events.len() as i64).map(|i| start + i).collect();
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
    // Held until the transaction ends, from before the positions are taken:
    // readers past a gap wait on it (see `EventLog::read_all_after`).
    sqlx::query(&format!(
        "SELECT pg_advisory_xact_lock_shared({}, hashtext(current_schema()))",
        crate::read::APPEND_LOCK_CLASS
    ))
    .execute(&mut *conn)
    .await
    .map_err(|e| Error::Database {
        context: format!("taking the append lock for stream {stream_id}"),
        source: e,
    })?;
    sqlx::query(
        "INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type, payload,
                             occurred_at, correlation_id, causation_id, actor, traceparent, tracestate)
         SELECT e.id, $1, $2, e.version, e.type, e.payload, e.occurred, e.correlation, e.causation,
                e.actor, e.traceparent, e.tracestate
         FROM UNNEST($3::uuid[], $4::bigint[], $5::text[], $6::bytea[], $7::timestamptz[],
                     $8::uuid[], $9::uuid[], $10::text[], $11::text[], $12::text[])
              AS e(id, version, type, payload, occurred, correlation, causation, actor, traceparent, tracestate)",
    )
    .bind(stream_id.as_str())
    .bind(stream_type)
    .bind(&ids)
    .bind(&versions)
    .bind(&types)
    .bind(&payloads)
    .bind(&occurred)
    .bind(&correlations)
    .bind(&causations)
    .bind(&actors)
    .bind(&parents)
    .bind(&states)
    .execute(&mut *conn)
    .await
    .map_err(|e| match e {
        // The version guard makes this unreachable for well-behaved writers;
        // if it happens anyway it is still a conflict, not a gap.
        sqlx::Error::Database(ref db) if db.constraint() == Some("events_stream_id_stream_version_key") => {
            Error::Conflict {
                stream_id: stream_id.to_string(),
                expected: ExpectedVersion::Exact(start as u64),
                actual: start as u64,
            }
        }
        other => Error::Database {
            context: format!("inserting events into stream {stream_id}"),
            source: other,
        },
    })?;
    Ok(())
}
