//! Reading one stream, and reading everything in position order without
//! ever skipping an event that commits late.

use crate::event::{Actor, Metadata, Position, RecordedEvent, StreamId};
use crate::{Error, EventLog, ResultExt};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::time::Duration;
use uuid::Uuid;

/// The advisory-lock class of a log's append lock; the other key is the
/// hash of the schema, so each service's log has its own.
pub(crate) const APPEND_LOCK_CLASS: i32 = 0x4556_4c47;

/// How long a reader past a gap waits for the writers in flight.
pub const GAP_WAIT: Duration = Duration::from_millis(250);

/// Up to `limit` visible events after `after`, in position order.
async fn select_after(
    conn: &mut PgConnection,
    after: Position,
    limit: u32,
) -> Result<Vec<RecordedEvent>, Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE global_position > $1 \
         ORDER BY global_position LIMIT $2"
    );
    let rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(after.global_position)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await
        .context("reading events in position order")?;
    Ok(rows.into_iter().map(recorded).collect())
}

/// The writers holding this log's append lock now: each backend and the
/// start of its transaction, which together name the transaction.
async fn writers_in_flight(conn: &mut PgConnection) -> Result<Vec<(i32, DateTime<Utc>)>, Error> {
    // A lock on two int4 keys shows the first as classid, the second as
    // objid (as unsigned 32-bit values) and objsubid 2.
    let writers: Vec<(i32, Option<DateTime<Utc>>)> = sqlx::query_as(
        "SELECT a.pid, a.xact_start
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
           AND l.classid::int8 = $1
           AND l.objid::int8 = (hashtext(current_schema())::int8 & 4294967295)",
    )
    .bind(i64::from(APPEND_LOCK_CLASS))
    .fetch_all(&mut *conn)
    .await
    .context("finding the writers in flight")?;
    Ok(writers
        .into_iter()
        .filter_map(|(pid, started)| Some((pid, started?)))
        .collect())
}

/// Whether any of `writers` is still in the same transaction. Runs as its
/// own statement in autocommit: the server reads backend activity afresh
/// for each transaction.
async fn still_running(
    conn: &mut PgConnection,
    writers: &[(i32, DateTime<Utc>)],
) -> Result<bool, Error> {
    if writers.is_empty() {
        return Ok(false);
    }
    let pids: Vec<i32> = writers.iter().map(|(pid, _)| *pid).collect();
    let starts: Vec<DateTime<Utc>> = writers.iter().map(|(_, at)| *at).collect();
    let running: bool = sqlx::query_scalar(
        "SELECT EXISTS (
             SELECT 1 FROM pg_stat_activity a
             JOIN unnest($1::int4[], $2::timestamptz[]) AS w(pid, started)
               ON a.pid = w.pid AND a.xact_start = w.started)",
    )
    .bind(&pids)
    .bind(&starts)
    .fetch_one(&mut *conn)
    .await
    .context("waiting for the writers in flight")?;
    Ok(running)
}

/// How many of `events` follow `after` with no position missing.
fn contiguous(after: Position, events: &[RecordedEvent]) -> usize {
    let mut expected = after.global_position + 1;
    events
        .iter()
        .take_while(|e| {
            let next = e.position.global_position == expected;
            expected += 1;
            next
        })
        .count()
}

const COLUMNS: &str =
    "transaction_id, global_position, event_id, stream_id, stream_type, stream_version,
     event_type, payload, occurred_at, recorded_at, correlation_id, causation_id, actor,
     traceparent, tracestate";

type Row = (
    i64,
    i64,
    Uuid,
    String,
    String,
    i64,
    String,
    Vec<u8>,
    DateTime<Utc>,
    DateTime<Utc>,
    Uuid,
    Option<Uuid>,
    String,
    Option<String>,
    Option<String>,
);

fn recorded(row: Row) -> RecordedEvent {
    let (
        tx,
        pos,
        event_id,
        stream_id,
        stream_type,
        version,
        event_type,
        payload,
        occurred,
        recorded,
        corr,
        cause,
        actor,
        parent,
        state,
    ) = row;
    RecordedEvent {
        position: Position {
            transaction_id: tx,
            global_position: pos,
        },
        event_id,
        stream_id,
        stream_type,
        stream_version: version as u64,
        event_type,
        payload,
        occurred_at: occurred,
        recorded_at: recorded,
        metadata: Metadata {
            correlation_id: corr,
            causation_id: cause,
            actor: Actor::decode(&actor),
            traceparent: parent,
            tracestate: state,
        },
    }
}

impl EventLog {
    /// Every event of one stream, oldest first. Empty for a stream that does
    /// not exist or was destroyed.
    pub async fn read_stream(&self, stream_id: &StreamId) -> Result<Vec<RecordedEvent>, Error> {
        let sql =
            format!("SELECT {COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version");
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(stream_id.as_str())
            .fetch_all(&self.pool)
            .await
            .context(format!("reading stream {stream_id}"))?;
        Ok(rows.into_iter().map(recorded).collect())
    }

    /// Up to `limit` events after `after`, in position order, never
    /// skipping one that commits late.
    ///
    /// Positions are handed out before commit, so a later position can
    /// become visible while an earlier one is still being written. Every
    /// writer holds this log's append lock (shared) from before it takes a
    /// position until it ends ([`crate::append_in`]). So: events up to the
    /// first missing position are final and returned at once; past a gap,
    /// the reader notes the writers holding the append lock at that moment
    /// (only they can still fill a position below the last one it saw) and
    /// waits, without taking any lock itself, until each of their
    /// transactions has ended; then every position up to the last one seen
    /// is final (a gap left is a rolled-back or destroyed event). Writers
    /// are never held up by a reader, and only this log's writers can hold
    /// the reader back: a long transaction elsewhere on the server, even in
    /// this schema, cannot. If the writers in flight do not finish within
    /// [`GAP_WAIT`], the events before the gap are returned and the gap is
    /// looked at again on the next call.
    pub async fn read_all_after(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, Error> {
        let mut conn = self
            .pool
            .acquire()
            .await
            .context("acquiring a connection")?;
        let mut events = select_after(&mut conn, after, limit).await?;
        let prefix = contiguous(after, &events);
        if prefix == events.len() {
            return Ok(events);
        }
        let last_seen = events.last().map_or(0, |e| e.position.global_position);
        let writers = writers_in_flight(&mut conn).await?;
        let deadline = tokio::time::Instant::now() + GAP_WAIT;
        let mut pause = Duration::from_micros(500);
        while still_running(&mut conn, &writers).await? {
            if tokio::time::Instant::now() >= deadline {
                events.truncate(prefix);
                return Ok(events);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(10));
        }
        let mut settled = select_after(&mut conn, after, limit).await?;
        settled.retain(|e| e.position.global_position <= last_seen);
        Ok(settled)
    }

    /// The stream's current version, or `None` if it has never existed.
    pub async fn stream_version(&self, stream_id: &StreamId) -> Result<Option<u64>, Error> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT version FROM streams WHERE stream_id = $1")
                .bind(stream_id.as_str())
                .fetch_optional(&self.pool)
                .await
                .context(format!("reading version of stream {stream_id}"))?;
        Ok(version.map(|v| v as u64))
    }
}
