//! Notifications' own schema (`migrations/1000_notifications.sql`) and its
//! event log, one stream per notification (`notification-<id>`).
//!
//! A notification's row holds what delivery needs (address, rendered text)
//! and its current status; its stream holds what happened to it, without
//! personal data. Every change goes through [`command`]: the row is locked,
//! the core's [`decide`] says what happens, the events are appended at the
//! stream's expected version and the row follows, in one transaction.

use crate::core::{
    Channel, Delivery, DeliveryCommand, DeliveryEvent, NotificationId, Party, Recipient,
    RecipientKind, Refusal, Rendered, RetryPolicy, Status, decide, evolve,
};
use chrono::{DateTime, Utc};
use complaints_proto::v1 as pb;
use eventlog::{Actor, ExpectedVersion, Metadata, NewEvent, StreamId};
use prost::{Message, Name};
use sqlx::PgConnection;
use uuid::Uuid;

pub mod print_queue;

/// The stream type of a notification's stream.
pub const STREAM_TYPE: &str = "notification";

/// Why the store could not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Log(#[from] eventlog::Error),
    #[error("notification {0} is not known")]
    NotFound(Uuid),
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("stored party event {event_type} does not decode: {detail}")]
    Party { event_type: String, detail: String },
}

/// The namespace of notification ids (UUID v5).
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x6e6f_7469_6669_6361_7469_6f6e_735f_7631);

/// R-INT-8, never twice: the id of the notification `cause` calls for, for
/// `letter` (its template) to `kind`. A redelivered event or a restart
/// derives the same id, and the stream's expected version refuses it.
pub fn notification_id(cause: Uuid, template: &str, kind: &RecipientKind) -> Uuid {
    Uuid::new_v5(
        &ID_NAMESPACE,
        format!("{cause}/{template}/{}", kind_key(kind)).as_bytes(),
    )
}

fn kind_key(kind: &RecipientKind) -> String {
    match kind {
        RecipientKind::Complainant => "complainant".into(),
        RecipientKind::ThirdParty => "third-party".into(),
        RecipientKind::Staff(id) => format!("staff:{id}"),
        RecipientKind::Manager(id) => format!("manager:{id}"),
    }
}

pub fn stream_of(id: Uuid) -> StreamId {
    StreamId::new(format!("notification-{id}")).expect("a valid stream id")
}

pub fn pb_kind(kind: &RecipientKind) -> (pb::RecipientKind, String) {
    match kind {
        RecipientKind::Complainant => (pb::RecipientKind::Complainant, String::new()),
        RecipientKind::ThirdParty => (pb::RecipientKind::ThirdParty, String::new()),
        RecipientKind::Staff(id) => (pb::RecipientKind::Staff, id.clone()),
        RecipientKind::Manager(id) => (pb::RecipientKind::Manager, id.clone()),
    }
}

// ---- parties -------------------------------------------------------------

/// Records `event` for the party `party_key` and returns the party folded
/// from all its events.
pub async fn apply_to_party(
    tx: &mut PgConnection,
    party_key: &str,
    event_id: Uuid,
    event_type: &str,
    payload: &[u8],
) -> Result<Party, StoreError> {
    // Serialise the consumers of intake and complaints on one party.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(party_key)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO party_events (party_key, event_id, event_type, payload)
         VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(party_key)
    .bind(event_id)
    .bind(event_type)
    .bind(payload)
    .execute(&mut *tx)
    .await?;
    let party = load_party(tx, party_key).await?;
    if let Some(reference) = &party.reference {
        link_reference(tx, reference, party_key).await?;
    }
    Ok(party)
}

/// The party folded from its stored events.
pub async fn load_party(conn: &mut PgConnection, party_key: &str) -> Result<Party, StoreError> {
    let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT event_type, payload FROM party_events WHERE party_key = $1 ORDER BY seq",
    )
    .bind(party_key)
    .fetch_all(&mut *conn)
    .await?;
    let mut party = Party::default();
    for (event_type, payload) in rows {
        party
            .apply(&event_type, &payload)
            .map_err(|e| StoreError::Party {
                event_type: event_type.clone(),
                detail: e.to_string(),
            })?;
    }
    Ok(party)
}

pub async fn link_reference(
    conn: &mut PgConnection,
    reference: &str,
    party_key: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO party_references (reference, party_key) VALUES ($1, $2)
         ON CONFLICT (reference) DO NOTHING",
    )
    .bind(reference)
    .bind(party_key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Links a complaint opened from the party's submission (by its
/// `ComplaintOpened`), so destruction knows the complaints sharing the
/// party (R-CONF-2).
pub async fn link_complaint(
    conn: &mut PgConnection,
    reference: &str,
    party_key: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO party_references (reference, party_key, complaint) VALUES ($1, $2, true)
         ON CONFLICT (reference) DO UPDATE SET complaint = true",
    )
    .bind(reference)
    .bind(party_key)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn party_of(
    conn: &mut PgConnection,
    reference: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT party_key FROM party_references WHERE reference = $1")
            .bind(reference)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

// ---- notifications -------------------------------------------------------

/// A notification to queue: a rendered letter to one recipient.
#[derive(Debug)]
pub struct NewNotification<'a> {
    pub id: Uuid,
    pub party_key: &'a str,
    pub reference: &'a str,
    pub template: &'a str,
    pub to: &'a Recipient,
    pub rendered: &'a Rendered,
    pub cause_event_id: Option<Uuid>,
    pub cause_event_type: &'a str,
    pub cause_payload: &'a [u8],
    pub resend_of: Option<Uuid>,
}

/// Queues `n` unless a notification with its id exists already; `false`
/// when it did (a redelivery or a restart: nothing is queued twice).
pub async fn queue(
    tx: &mut PgConnection,
    n: &NewNotification<'_>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let (kind, staff_id) = pb_kind(&n.to.kind);
    let channel = if n.to.channel.is_post() {
        pb::DeliveryChannel::Post
    } else {
        pb::DeliveryChannel::Email
    };
    let queued = pb::NotificationQueued {
        notification_id: n.id.to_string(),
        reference: n.reference.to_owned(),
        template: n.template.to_owned(),
        recipient_kind: kind as i32,
        recipient_staff_id: staff_id.clone(),
        channel: channel as i32,
        caused_by_event_id: n.cause_event_id.map(|u| u.to_string()).unwrap_or_default(),
        resend_of: n.resend_of.map(|u| u.to_string()).unwrap_or_default(),
    };
    let mut metadata = Metadata::new(Actor::System("notifications".into()));
    metadata.causation_id = n.cause_event_id;
    let trace = (metadata.traceparent.clone(), metadata.tracestate.clone());
    let event = NewEvent::new(
        pb::NotificationQueued::full_name(),
        queued.encode_to_vec(),
        metadata,
    );
    // The guard: only the first writer creates the stream.
    sqlx::query("SAVEPOINT queue_notification")
        .execute(&mut *tx)
        .await?;
    match eventlog::append_in(
        tx,
        &stream_of(n.id),
        STREAM_TYPE,
        ExpectedVersion::NoStream,
        &[event],
    )
    .await
    {
        Ok(_) => {}
        Err(eventlog::Error::Conflict { .. }) => {
            sqlx::query("ROLLBACK TO SAVEPOINT queue_notification")
                .execute(&mut *tx)
                .await?;
            return Ok(false);
        }
        Err(other) => return Err(other.into()),
    }
    let (email, lines, postcode) = match &n.to.channel {
        Channel::Email(e) => (Some(e.clone()), Vec::new(), String::new()),
        Channel::Post { lines, postcode } => (None, lines.clone(), postcode.clone()),
    };
    sqlx::query(
        "INSERT INTO notifications (notification_id, party_key, reference, template,
            recipient_kind, recipient_staff_id, channel, recipient_name, email, postal_lines,
            postcode, subject, body, cause_event_id, cause_event_type, cause_payload, resend_of,
            status, attempts, detail, next_attempt_at, queued_at, updated_at, version,
            traceparent, tracestate)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,0,'',$19,$19,$19,1,
            $20,$21)",
    )
    .bind(n.id)
    .bind(n.party_key)
    .bind(n.reference)
    .bind(n.template)
    .bind(kind as i32)
    .bind(&staff_id)
    .bind(channel as i32)
    .bind(&n.to.name)
    .bind(email)
    .bind(lines)
    .bind(postcode)
    .bind(&n.rendered.subject)
    .bind(&n.rendered.body)
    .bind(n.cause_event_id)
    .bind(n.cause_event_type)
    .bind(n.cause_payload)
    .bind(n.resend_of)
    .bind(pb::NotificationStatus::Queued as i32)
    .bind(now)
    .bind(&trace.0)
    .bind(&trace.1)
    .execute(&mut *tx)
    .await?;
    if channel == pb::DeliveryChannel::Email {
        wake_senders(tx).await?;
    }
    Ok(true)
}

/// A stored notification.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub notification_id: Uuid,
    pub party_key: String,
    pub reference: String,
    pub template: String,
    pub recipient_kind: i32,
    pub recipient_staff_id: String,
    pub channel: i32,
    pub recipient_name: String,
    pub email: Option<String>,
    pub postal_lines: Vec<String>,
    pub postcode: String,
    pub subject: String,
    pub body: String,
    pub cause_event_id: Option<Uuid>,
    pub cause_event_type: String,
    pub cause_payload: Vec<u8>,
    pub resend_of: Option<Uuid>,
    pub resent_as: Option<Uuid>,
    pub status: i32,
    pub attempts: i32,
    pub detail: String,
    pub next_attempt_at: DateTime<Utc>,
    pub queued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// The trace context of the work that queued it, which its sending continues.
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

impl Row {
    /// The core's view of the notification.
    pub fn delivery(&self) -> Delivery {
        let attempts = self.attempts.max(0) as u32;
        let status = match pb::NotificationStatus::try_from(self.status) {
            Ok(pb::NotificationStatus::Queued) => Status::Queued,
            Ok(pb::NotificationStatus::Failed) => Status::Failed {
                attempt: attempts,
                error: self.detail.clone(),
                retry_after: std::time::Duration::ZERO,
            },
            Ok(pb::NotificationStatus::Sent) => Status::Sent {
                attempt: attempts,
                server_answer: self.detail.clone(),
            },
            Ok(pb::NotificationStatus::GivenUp) => Status::GivenUp {
                attempts,
                last_error: self.detail.clone(),
            },
            Ok(pb::NotificationStatus::Cancelled) => Status::Cancelled {
                reason: self.detail.clone(),
            },
            _ => Status::New,
        };
        Delivery {
            status,
            resend_of: self.resend_of.map(|u| NotificationId(u.to_string())),
            resent_as: self.resent_as.map(|u| NotificationId(u.to_string())),
        }
    }
}

pub async fn get(conn: &mut PgConnection, id: Uuid) -> Result<Option<Row>, StoreError> {
    Ok(
        sqlx::query_as("SELECT * FROM notifications WHERE notification_id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?,
    )
}

async fn lock(conn: &mut PgConnection, id: Uuid) -> Result<Row, StoreError> {
    sqlx::query_as("SELECT * FROM notifications WHERE notification_id = $1 FOR UPDATE")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound(id))
}

/// Applies `command` to notification `id`: decides under the row lock,
/// appends the events at the stream's version and updates the row.
pub async fn command(
    tx: &mut PgConnection,
    id: Uuid,
    command: DeliveryCommand,
    policy: &RetryPolicy,
    now: DateTime<Utc>,
    actor: Actor,
) -> Result<Row, StoreError> {
    let row = lock(tx, id).await?;
    let before = row.delivery();
    let events = decide(&before, command, policy)?;
    let mut encoded: Vec<NewEvent> = events
        .iter()
        .map(|e| encode(id, e, Metadata::new(actor.clone())))
        .collect();
    // R-S2-1, R-S3-1: an outcome reaching the complainant is the fact the
    // escalation window counts from, published beside its sending.
    if events
        .iter()
        .any(|e| matches!(e, DeliveryEvent::Sent { .. }))
        && let Some(fact) = crate::delivered::outcome_delivered(&row, now)
    {
        encoded.push(NewEvent::new(
            pb::OutcomeDelivered::full_name(),
            fact.encode_to_vec(),
            Metadata::new(actor.clone()),
        ));
    }
    let version = eventlog::append_in(
        tx,
        &stream_of(id),
        STREAM_TYPE,
        ExpectedVersion::Exact(row.version as u64),
        &encoded,
    )
    .await?;
    let after = events.iter().fold(before, evolve);
    let mut next_attempt_at = now;
    let (status, attempts, detail) = match &after.status {
        Status::New | Status::Queued => (pb::NotificationStatus::Queued, row.attempts, row.detail),
        Status::Failed {
            attempt,
            error,
            retry_after,
        } => {
            next_attempt_at =
                now + chrono::Duration::from_std(*retry_after).unwrap_or(chrono::Duration::zero());
            (
                pb::NotificationStatus::Failed,
                *attempt as i32,
                error.clone(),
            )
        }
        Status::Sent {
            attempt,
            server_answer,
        } => (
            pb::NotificationStatus::Sent,
            *attempt as i32,
            server_answer.clone(),
        ),
        Status::GivenUp {
            attempts,
            last_error,
        } => (
            pb::NotificationStatus::GivenUp,
            *attempts as i32,
            last_error.clone(),
        ),
        Status::Cancelled { reason } => (
            pb::NotificationStatus::Cancelled,
            row.attempts,
            reason.clone(),
        ),
    };
    let resent_as = after
        .resent_as
        .as_ref()
        .and_then(|n| Uuid::parse_str(&n.0).ok());
    let updated: Row = sqlx::query_as(
        "UPDATE notifications SET status = $2, attempts = $3, detail = $4, next_attempt_at = $5,
            updated_at = $6, version = $7, resent_as = $8
         WHERE notification_id = $1 RETURNING *",
    )
    .bind(id)
    .bind(status as i32)
    .bind(attempts)
    .bind(detail)
    .bind(next_attempt_at)
    .bind(now)
    .bind(version as i64)
    .bind(resent_as)
    .fetch_one(&mut *tx)
    .await?;
    Ok(updated)
}

fn encode(id: Uuid, event: &DeliveryEvent, metadata: Metadata) -> NewEvent {
    let id = id.to_string();
    let (name, bytes) = match event {
        DeliveryEvent::Queued { resend_of } => (
            pb::NotificationQueued::full_name(),
            pb::NotificationQueued {
                notification_id: id,
                resend_of: resend_of.as_ref().map(|n| n.0.clone()).unwrap_or_default(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        DeliveryEvent::Sent {
            attempt,
            server_answer,
        } => (
            pb::NotificationSent::full_name(),
            pb::NotificationSent {
                notification_id: id,
                attempt: *attempt,
                server_answer: server_answer.clone(),
            }
            .encode_to_vec(),
        ),
        DeliveryEvent::AttemptFailed {
            attempt,
            error,
            retry_after,
        } => (
            pb::NotificationAttemptFailed::full_name(),
            pb::NotificationAttemptFailed {
                notification_id: id,
                attempt: *attempt,
                error: error.clone(),
                retry_after_ms: retry_after.as_millis() as u64,
            }
            .encode_to_vec(),
        ),
        DeliveryEvent::GivenUp {
            attempts,
            last_error,
        } => (
            pb::NotificationGivenUp::full_name(),
            pb::NotificationGivenUp {
                notification_id: id,
                attempts: *attempts,
                last_error: last_error.clone(),
            }
            .encode_to_vec(),
        ),
        DeliveryEvent::Cancelled { reason } => (
            pb::NotificationCancelled::full_name(),
            pb::NotificationCancelled {
                notification_id: id,
                reason: reason.clone(),
            }
            .encode_to_vec(),
        ),
        DeliveryEvent::Resent { new_id } => (
            pb::NotificationResent::full_name(),
            pb::NotificationResent {
                notification_id: id,
                new_notification_id: new_id.0.clone(),
            }
            .encode_to_vec(),
        ),
    };
    NewEvent::new(name, bytes, metadata)
}

/// Notifications of a party still waiting to go, to `kinds`.
pub async fn pending_of_party(
    conn: &mut PgConnection,
    party_key: &str,
    kinds: &[i32],
) -> Result<Vec<Row>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT * FROM notifications WHERE party_key = $1 AND status IN (1, 2)
            AND recipient_kind = ANY($2) ORDER BY queued_at",
    )
    .bind(party_key)
    .bind(kinds)
    .fetch_all(&mut *conn)
    .await?)
}

/// The latest `limit` notifications of a party, oldest first.
pub async fn of_party(
    conn: &mut PgConnection,
    party_key: &str,
    limit: usize,
) -> Result<Vec<Row>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT * FROM (SELECT * FROM notifications WHERE party_key = $1 \
           ORDER BY queued_at DESC, notification_id DESC LIMIT $2) latest \
         ORDER BY queued_at, notification_id",
    )
    .bind(party_key)
    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?)
}

/// The trace id each of `ids` was queued in, read from the traceparent of
/// the first event of its stream (the queueing continues the trace of the
/// event that called for it). Notifications without one are left out.
pub async fn queued_trace_ids(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, String>, StoreError> {
    let streams: Vec<String> = ids.iter().map(|id| stream_of(*id).to_string()).collect();
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT stream_id, traceparent FROM events WHERE stream_id = ANY($1) AND stream_version = 1",
    )
    .bind(&streams)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(stream, traceparent)| {
            let id = Uuid::parse_str(stream.strip_prefix("notification-")?).ok()?;
            let trace_id = telemetry::propagation::trace_id_of(traceparent.as_deref()?)?;
            Some((id, trace_id))
        })
        .collect())
}

/// The channel on which a queued email wakes the senders at once, in
/// this schema's deployment (`LISTEN`/`NOTIFY`, delivered at commit).
pub fn email_due_channel(schema: &eventlog::SchemaName) -> String {
    format!("{}_email_due", schema.as_str())
}

/// Wakes the senders when the transaction queuing an email commits.
async fn wake_senders(tx: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_notify(current_schema() || '_email_due', '')")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Why no email was claimed.
#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    /// Nothing was claimed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The claim of `id` was written but its commit failed, so whether it
    /// stands is unknown: nothing was sent, and the sender releases it
    /// ([`release_claim`]) rather than leave it to be given up as an
    /// interrupted exchange.
    #[error("the claim of notification {id} may not have been committed: {error}")]
    Uncommitted {
        id: Uuid,
        since: DateTime<Utc>,
        #[source]
        error: StoreError,
    },
}

/// Claims the next due email for one SMTP exchange: locked so no other
/// sender takes it (`FOR UPDATE SKIP LOCKED`), and marked as being sent
/// (`sending_since`) in a commit of its own, so that if the service stops
/// mid-exchange the email is never picked up and sent a second time.
///
/// `hold` runs while the row is still locked, before the commit: the
/// recovery of interrupted exchanges (which skips locked rows) can see the
/// claim only once its sender holds it, however long the commit or the
/// sender's next turn on a busy machine takes. The claim is stamped with
/// the clock read after the row is locked, not before the connection was
/// acquired: after an outage the pool can make a sender wait for seconds,
/// and a claim stamped before that wait looked interrupted the moment it
/// was committed, so it could be given up while its sender went on and
/// the server took the email: what the outage fault test once saw after
/// PostgreSQL came back (the race is narrow; it was found by reading, not
/// caught in a run).
pub async fn claim_next_due<H>(
    pool: &sqlx::PgPool,
    clock: &dyn platform::Clock,
    hold: impl FnOnce(Uuid) -> H,
) -> Result<Option<(Row, H)>, ClaimError> {
    let mut tx = pool.begin().await.map_err(StoreError::from)?;
    let row: Option<Row> = sqlx::query_as(
        "SELECT * FROM notifications WHERE status IN (1, 2) AND channel = $1
            AND next_attempt_at <= $2 AND sending_since IS NULL
         ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED",
    )
    .bind(pb::DeliveryChannel::Email as i32)
    .bind(clock.now())
    .fetch_optional(&mut *tx)
    .await
    .map_err(StoreError::from)?;
    let Some(row) = row else {
        tx.commit().await.map_err(StoreError::from)?;
        return Ok(None);
    };
    let held = hold(row.notification_id);
    let since = clock.now();
    sqlx::query("UPDATE notifications SET sending_since = $2 WHERE notification_id = $1")
        .bind(row.notification_id)
        .bind(since)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from)?;
    match tx.commit().await {
        Ok(()) => Ok(Some((row, held))),
        Err(error) => Err(ClaimError::Uncommitted {
            id: row.notification_id,
            since,
            error: error.into(),
        }),
    }
}

/// Releases the claim `claim_next_due` made on `id` at `since`, if it
/// stands: nothing was sent, so the email is due again as before. `false`
/// when there was no such claim (its commit had failed after all).
pub async fn release_claim(
    pool: &sqlx::PgPool,
    id: Uuid,
    since: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let released = sqlx::query(
        "UPDATE notifications SET sending_since = NULL
         WHERE notification_id = $1 AND sending_since = $2",
    )
    .bind(id)
    .bind(since)
    .execute(pool)
    .await?;
    Ok(released.rows_affected() > 0)
}

/// Whether `id` is still claimed at `since`, locking its row for the rest
/// of the transaction: the recovery of interrupted exchanges gives up only
/// the claim it found, not one taken or ended since.
pub async fn still_claimed(
    conn: &mut PgConnection,
    id: Uuid,
    since: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let claimed: Option<Option<DateTime<Utc>>> = sqlx::query_scalar(
        "SELECT sending_since FROM notifications WHERE notification_id = $1 FOR UPDATE",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(claimed.flatten() == Some(since))
}

/// Ends an SMTP exchange, with its result recorded in the same transaction.
pub async fn end_sending(conn: &mut PgConnection, id: Uuid) -> Result<(), StoreError> {
    sqlx::query("UPDATE notifications SET sending_since = NULL WHERE notification_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Emails whose SMTP exchange started before `before` and never recorded a
/// result (the service stopped during it), with when each was claimed.
pub async fn stalled(
    conn: &mut PgConnection,
    before: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT notification_id, sending_since FROM notifications WHERE sending_since < $1
         ORDER BY sending_since FOR UPDATE SKIP LOCKED",
    )
    .bind(before)
    .fetch_all(&mut *conn)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_int_8_a_notification_id_is_the_same_for_the_same_event_letter_and_recipient() {
        let cause = Uuid::now_v7();
        let a = notification_id(cause, "automatic_reply", &RecipientKind::Complainant);
        assert_eq!(
            a,
            notification_id(cause, "automatic_reply", &RecipientKind::Complainant)
        );
        assert_ne!(
            a,
            notification_id(cause, "automatic_reply", &RecipientKind::ThirdParty)
        );
        assert_ne!(
            a,
            notification_id(
                Uuid::now_v7(),
                "automatic_reply",
                &RecipientKind::Complainant
            )
        );
    }
}
