//! Reading every regulator notice's stream (R-REG-4): SQL only; what the
//! events mean is [`super`]'s, which to show [`super::listing`]'s.

use super::{Notice, STREAM_TYPE, decode, evolve};
use crate::error::{ComplaintsError, Context as _};
use eventlog::EventLog;

/// Every notice as its stream tells it, in stream order. Notices are few
/// (a handful a year), so they are folded from the log rather than kept in
/// a read model of their own.
pub async fn load_all(log: &EventLog) -> Result<Vec<Notice>, ComplaintsError> {
    let rows: Vec<(String, uuid::Uuid, String, Vec<u8>)> = sqlx::query_as(
        "SELECT stream_id, event_id, event_type, payload FROM events
         WHERE stream_type = $1 ORDER BY stream_id, stream_version",
    )
    .bind(STREAM_TYPE)
    .fetch_all(log.pool())
    .await
    .context("reading the regulator notices")?;
    let mut notices = Vec::new();
    let mut current: Option<(String, Notice)> = None;
    for (stream_id, event_id, event_type, payload) in rows {
        let event = decode(&event_type, &payload).map_err(|reason| ComplaintsError::Corrupt {
            stream_id: stream_id.clone(),
            event_id,
            reason,
        })?;
        let state = match current.take() {
            Some((id, state)) if id == stream_id => state,
            Some((_, done)) => {
                notices.push(done);
                Notice::default()
            }
            None => Notice::default(),
        };
        current = Some((stream_id, evolve(state, &event)));
    }
    notices.extend(current.map(|(_, state)| state));
    Ok(notices)
}
