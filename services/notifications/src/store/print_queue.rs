//! The print queue as stored: post letters waiting to be posted, read a
//! page at a time in the order of the `notifications_print_queue` index
//! (`migrations/1004_print_queue_order.sql`), so a view costs the same
//! however long the queue is.
//!
//! The SQL writes the channel and status as the literals 2 and 1 (post,
//! queued) because the index is partial on them: a bound parameter would
//! keep a generic plan from using it. `the_print_queue_literals_are_post_and_queued`
//! holds them to the protobuf values.

use super::StoreError;
use crate::core::Party;
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// A letter waiting to be posted, as the queue lists it: what a list shows,
/// never the address, the text or what the PDF is made from.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Waiting {
    pub notification_id: Uuid,
    pub party_key: String,
    pub reference: String,
    pub template: String,
    pub recipient_kind: i32,
    pub recipient_name: String,
    pub queued_at: DateTime<Utc>,
}

impl Waiting {
    /// Its place in the queue.
    pub fn key(&self) -> Key {
        Key {
            queued_at: self.queued_at,
            id: self.notification_id,
        }
    }
}

/// A place in the queue: when a letter was queued, then its id, which
/// orders letters queued in the same microsecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub queued_at: DateTime<Utc>,
    pub id: Uuid,
}

/// Where a read of the queue starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum From {
    /// From the oldest letter, oldest first.
    Start,
    /// The letters after the key, oldest first.
    After(Key),
    /// The letters before the key, nearest (newest) first.
    Before(Key),
}

const COLUMNS: &str = "notification_id, party_key, reference, template, recipient_kind, \
                       recipient_name, queued_at";

/// Up to `limit` letters waiting to be posted, from `from`.
pub async fn read(
    conn: &mut PgConnection,
    from: From,
    limit: usize,
) -> Result<Vec<Waiting>, StoreError> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let waiting = "FROM notifications WHERE channel = 2 AND status = 1";
    let (sql, key) = match from {
        From::Start => (
            format!("SELECT {COLUMNS} {waiting} ORDER BY queued_at, notification_id LIMIT $1"),
            None,
        ),
        From::After(key) => (
            format!(
                "SELECT {COLUMNS} {waiting} AND (queued_at, notification_id) > ($2, $3) \
                 ORDER BY queued_at, notification_id LIMIT $1"
            ),
            Some(key),
        ),
        From::Before(key) => (
            format!(
                "SELECT {COLUMNS} {waiting} AND (queued_at, notification_id) < ($2, $3) \
                 ORDER BY queued_at DESC, notification_id DESC LIMIT $1"
            ),
            Some(key),
        ),
    };
    let mut query = sqlx::query_as(&sql).bind(limit);
    if let Some(key) = key {
        query = query.bind(key.queued_at).bind(key.id);
    }
    Ok(query.fetch_all(&mut *conn).await?)
}

/// How many letters wait to be posted: one count over the index.
pub async fn count(conn: &mut PgConnection) -> Result<u64, StoreError> {
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM notifications WHERE channel = 2 AND status = 1")
            .fetch_one(&mut *conn)
            .await?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// The parties `keys` name, each folded from its stored events, read in
/// one statement (a page's letters, not one query each).
pub async fn parties(
    conn: &mut PgConnection,
    keys: &[String],
) -> Result<HashMap<String, Party>, StoreError> {
    let rows: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
        "SELECT party_key, event_type, payload FROM party_events \
         WHERE party_key = ANY($1) ORDER BY party_key, seq",
    )
    .bind(keys)
    .fetch_all(&mut *conn)
    .await?;
    let mut parties: HashMap<String, Party> = HashMap::new();
    for (key, event_type, payload) in rows {
        parties
            .entry(key)
            .or_default()
            .apply(&event_type, &payload)
            .map_err(|e| StoreError::Party {
                event_type: event_type.clone(),
                detail: e.to_string(),
            })?;
    }
    Ok(parties)
}

#[cfg(test)]
mod tests {
    use complaints_proto::v1 as pb;

    #[test]
    fn the_print_queue_literals_are_post_and_queued() {
        assert_eq!(pb::DeliveryChannel::Post as i32, 2);
        assert_eq!(pb::NotificationStatus::Queued as i32, 1);
    }
}
