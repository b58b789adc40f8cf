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
    /// the reader takes the append lock exclusively for a moment, which
    /// waits for the writers in flight to commit or roll back, and then
    /// every position it sees is final (a gap left is a rolled-back or
    /// destroyed event). Only this log's writers can hold the reader back:
    /// a long transaction elsewhere on the server, even in this schema,
    /// cannot. If the writers in flight do not finish within
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
        drop(conn);
        let mut tx = self.pool.begin().await.context("beginning a gap check")?;
        sqlx::query(&format!(
            "SET LOCAL lock_timeout = '{}ms'",
            GAP_WAIT.as_millis()
        ))
        .execute(&mut *tx)
        .await
        .context("setting the gap wait")?;
        let locked = sqlx::query(&format!(
            "SELECT pg_advisory_xact_lock({APPEND_LOCK_CLASS}, hashtext(current_schema()))"
        ))
        .execute(&mut *tx)
        .await;
        match locked {
            Ok(_) => {
                let settled = select_after(&mut tx, after, limit).await?;
                tx.commit().await.context("ending a gap check")?;
                Ok(settled)
            }
            // 55P03: a writer is still in flight; try again next time.
            Err(sqlx::Error::Database(db)) if db.code().as_deref() == Some("55P03") => {
                events.truncate(prefix);
                Ok(events)
            }
            Err(other) => Err(Error::Database {
                context: "waiting for writers in flight".into(),
                source: other,
            }),
        }
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
