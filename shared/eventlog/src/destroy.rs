//! The one path by which events leave the log: destroying a whole stream
//! under the retention policy, with a record of who, why and how many.

use crate::event::StreamId;
use crate::{Error, EventLog, ResultExt};

impl EventLog {
    /// Destroys every event of `stream_id` and records the destruction;
    /// returns how many events went. The stream then refuses new events.
    pub async fn destroy_stream(
        &self,
        stream_id: &StreamId,
        reason: &str,
        authorised_by: &str,
    ) -> Result<u64, Error> {
        let destroyed: i64 = sqlx::query_scalar("SELECT destroy_stream($1, $2, $3)")
            .bind(stream_id.as_str())
            .bind(reason)
            .bind(authorised_by)
            .fetch_one(&self.pool)
            .await
            .context(format!("destroying stream {stream_id}"))?;
        Ok(destroyed as u64)
    }
}
