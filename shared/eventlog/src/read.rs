//! Reading one stream, and reading everything in commit order.

use crate::event::{Actor, Metadata, Position, RecordedEvent, StreamId};
use crate::{Error, EventLog, ResultExt};
use chrono::{DateTime, Utc};
use uuid::Uuid;

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

    /// Up to `limit` events after `after`, in commit order.
    ///
    /// Identity values are handed out before commit, so a transaction can
    /// commit after a later-numbered one. Only events written by
    /// transactions older than every transaction still running are
    /// returned: once visible, nothing can appear before them any more, so
    /// a reader that resumes from the last position it saw skips nothing.
    pub async fn read_all_after(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<Vec<RecordedEvent>, Error> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events
             WHERE (transaction_id, global_position) > ($1, $2)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
             ORDER BY transaction_id, global_position
             LIMIT $3"
        );
        let rows: Vec<Row> = sqlx::query_as(&sql)
            .bind(after.transaction_id)
            .bind(after.global_position)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .context("reading events in commit order")?;
        Ok(rows.into_iter().map(recorded).collect())
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
