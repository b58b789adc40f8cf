//! The complaints service's streams and read model. One stream per
//! complaint, its id the complaint's reference; the read model row is
//! written in the same transaction as the events, and can be rebuilt from
//! the log at any time.

use crate::domain::types::ComplaintRef;
use crate::domain::{Complaint, Event, codec, evolve};
use crate::error::{ComplaintsError, Context};
use crate::view;
use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;
use eventlog::{EventLog, ExpectedVersion, Metadata, NewEvent, RecordedEvent, StreamId};
use sqlx::PgConnection;

/// The stream type of complaint streams, for retention per stream.
pub const STREAM_TYPE: &str = "complaint";

pub fn stream(reference: &ComplaintRef) -> StreamId {
    StreamId::new(reference.to_string()).expect("references are valid stream ids")
}

/// Decodes a stored event of a complaint stream.
pub fn decode(recorded: &RecordedEvent) -> Result<Event, ComplaintsError> {
    codec::decode(&recorded.event_type, &recorded.payload).map_err(|e| ComplaintsError::Corrupt {
        stream_id: recorded.stream_id.clone(),
        event_id: recorded.event_id,
        reason: e.to_string(),
    })
}

#[derive(Debug, Clone)]
pub struct Store {
    log: EventLog,
}

impl Store {
    pub fn new(log: EventLog) -> Self {
        Self { log }
    }

    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The complaint's history, each stored event with its decoded form.
    pub async fn history(
        &self,
        reference: &ComplaintRef,
    ) -> Result<Vec<(RecordedEvent, Event)>, ComplaintsError> {
        let stored = self.log.read_stream(&stream(reference)).await?;
        stored
            .into_iter()
            .map(|recorded| decode(&recorded).map(|event| (recorded, event)))
            .collect()
    }

    /// The complaint as its stream tells it (the unopened default if none).
    pub async fn load(&self, reference: &ComplaintRef) -> Result<Complaint, ComplaintsError> {
        Ok(self
            .history(reference)
            .await?
            .iter()
            .fold(Complaint::default(), |state, (_, event)| {
                evolve(state, event)
            }))
    }

    /// Draws the next reference for a complaint received in `year`; a
    /// number is never reused.
    pub async fn next_reference(
        conn: &mut PgConnection,
        year: i32,
    ) -> Result<ComplaintRef, ComplaintsError> {
        let number: i64 = sqlx::query_scalar("SELECT nextval('complaint_numbers')")
            .fetch_one(&mut *conn)
            .await
            .context("drawing a complaint number")?;
        let (year, number) = (
            u16::try_from(year).unwrap_or(0),
            u32::try_from(number).unwrap_or(u32::MAX),
        );
        ComplaintRef::new(year, number).map_err(|e| ComplaintsError::Corrupt {
            stream_id: "complaint_numbers".into(),
            event_id: uuid::Uuid::nil(),
            reason: e.to_string(),
        })
    }

    /// Appends `events` to the complaint's stream inside `conn`'s
    /// transaction, expecting it where `before` left it, and updates the
    /// read model. Returns the state after the events.
    pub async fn append(
        conn: &mut PgConnection,
        before: &Complaint,
        events: &[Event],
        metadata: &Metadata,
        today: NaiveDate,
    ) -> Result<Complaint, ComplaintsError> {
        let after = events.iter().fold(before.clone(), evolve);
        let Some(reference) = after.reference() else {
            return Ok(after);
        };
        let new_events: Vec<NewEvent> = events
            .iter()
            .map(|event| {
                let (event_type, payload) = codec::encode(event);
                NewEvent::new(event_type, payload, metadata.clone())
            })
            .collect();
        let expected = match before.version {
            0 => ExpectedVersion::NoStream,
            v => ExpectedVersion::Exact(v),
        };
        eventlog::append_in(
            conn,
            &stream(&reference),
            STREAM_TYPE,
            expected,
            &new_events,
        )
        .await?;
        project(conn, &after, today).await?;
        Ok(after)
    }

    /// Rebuilds the read model from the log: every complaint stream is
    /// replayed and its row written again. Returns the number of complaints.
    pub async fn rebuild_read_model(&self, today: NaiveDate) -> Result<u64, ComplaintsError> {
        let references: Vec<String> = sqlx::query_scalar(
            "SELECT stream_id FROM streams WHERE stream_type = $1 AND destroyed_at IS NULL",
        )
        .bind(STREAM_TYPE)
        .fetch_all(self.log.pool())
        .await
        .context("listing complaint streams")?;
        let mut tx = self
            .log
            .pool()
            .begin()
            .await
            .context("beginning a rebuild")?;
        sqlx::query("TRUNCATE live_deadlines, complaints")
            .execute(&mut *tx)
            .await
            .context("clearing the read model")?;
        for reference in &references {
            let Ok(reference) = reference.parse::<ComplaintRef>() else {
                continue;
            };
            let state = self.load(&reference).await?;
            project(&mut tx, &state, today).await?;
        }
        tx.commit().await.context("committing a rebuild")?;
        Ok(references.len() as u64)
    }

    /// Complaints with a live deadline due by `by` that is not yet marked
    /// approaching, or past before `today` and not yet marked missed.
    pub async fn deadline_candidates(
        &self,
        today: NaiveDate,
        warn_by: NaiveDate,
    ) -> Result<Vec<String>, ComplaintsError> {
        sqlx::query_scalar(
            "SELECT DISTINCT reference FROM live_deadlines
             WHERE (NOT approaching AND kind <> $3 AND due_on <= $2) OR (NOT missed AND due_on < $1)
             ORDER BY reference",
        )
        .bind(today)
        .bind(warn_by)
        // Escalation windows are never "approaching": they close the complaint once past.
        .bind(pb::DeadlineKind::EscalationWindow as i32)
        .fetch_all(self.log.pool())
        .await
        .context("finding deadlines to watch")
    }

    /// One page of the work queue.
    pub async fn queue(&self, filter: &QueueFilter) -> Result<Vec<QueueRow>, ComplaintsError> {
        sqlx::query_as(
            "SELECT reference, stage, handler, team, query_category, next_deadline, next_stage, next_due_on, overdue
             FROM complaints
             WHERE NOT closed
               AND ($1::int IS NULL OR stage = $1)
               AND ($2::text IS NULL OR handler = $2)
               AND ($3::text IS NULL OR team = $3)
               AND (NOT $4 OR overdue)
               AND ($5::date IS NULL OR next_due_on <= $5)
               AND ($6::text IS NULL OR (coalesce(next_due_on, 'infinity'::date), reference) > ($7, $6))
             ORDER BY coalesce(next_due_on, 'infinity'::date), reference
             LIMIT $8",
        )
        .bind(filter.stage)
        .bind(&filter.handler)
        .bind(&filter.team)
        .bind(filter.overdue)
        .bind(filter.due_by)
        .bind(filter.after.as_ref().map(|a| a.1.clone()))
        .bind(filter.after.as_ref().map(|a| a.0))
        .bind(i64::from(filter.page_size))
        .fetch_all(self.log.pool())
        .await
        .context("listing the work queue")
    }
}

/// Filters of the work queue; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub stage: Option<i32>,
    pub handler: Option<String>,
    pub team: Option<String>,
    pub overdue: bool,
    /// Only complaints with a live deadline due on or before this date.
    pub due_by: Option<NaiveDate>,
    /// Keyset paging: the last row's (due date or infinity, reference).
    pub after: Option<(NaiveDate, String)>,
    pub page_size: u32,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueRow {
    pub reference: String,
    pub stage: i32,
    pub handler: Option<String>,
    pub team: Option<String>,
    pub query_category: String,
    pub next_deadline: Option<i32>,
    pub next_stage: Option<i32>,
    pub next_due_on: Option<NaiveDate>,
    pub overdue: bool,
}

/// Writes the complaint's read-model rows from its state.
async fn project(
    conn: &mut PgConnection,
    state: &Complaint,
    today: NaiveDate,
) -> Result<(), ComplaintsError> {
    let complaint = view::complaint_view(state);
    let next = view::next_deadline(state, today).map(|(kind, due_on, overdue)| {
        let (kind, stage) = view::deadline_kind(kind);
        (kind as i32, stage as i32, due_on, overdue)
    });
    let received_at = complaint
        .received_at
        .and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .unwrap_or_default();
    let optional = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let closed_on = match state.status {
        crate::domain::state::Status::Closed { on, .. } => Some(on),
        _ => None,
    };
    sqlx::query(
        "INSERT INTO complaints (reference, submission_id, stage, closed, handler, team, query_category, received_at,
                                 next_deadline, next_stage, next_due_on, overdue, version, closed_on)
         VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (reference) DO UPDATE SET
            stage = EXCLUDED.stage, closed = EXCLUDED.closed, handler = EXCLUDED.handler, team = EXCLUDED.team,
            next_deadline = EXCLUDED.next_deadline, next_stage = EXCLUDED.next_stage,
            next_due_on = EXCLUDED.next_due_on, overdue = EXCLUDED.overdue,
            version = EXCLUDED.version, closed_on = EXCLUDED.closed_on, updated_at = now()",
    )
    .bind(&complaint.reference)
    .bind(&complaint.submission_id)
    .bind(complaint.stage)
    .bind(complaint.closed)
    .bind(optional(&complaint.handler))
    .bind(optional(&complaint.team))
    .bind(&complaint.query_category)
    .bind(received_at)
    .bind(next.map(|n| n.0))
    .bind(next.map(|n| n.1))
    .bind(next.map(|n| n.2))
    .bind(next.is_some_and(|n| n.3))
    .bind(complaint.version as i64)
    .bind(closed_on)
    .execute(&mut *conn)
    .await
    .context("writing the complaint's read model")?;
    sqlx::query("DELETE FROM live_deadlines WHERE reference = $1")
        .bind(&complaint.reference)
        .execute(&mut *conn)
        .await
        .context("clearing the complaint's live deadlines")?;
    // Closing withdraws every live deadline, so a closed complaint has none.
    for deadline in state.live_deadlines() {
        let (kind, stage) = view::deadline_kind(deadline.kind);
        sqlx::query(
            "INSERT INTO live_deadlines (reference, kind, stage, due_on, approaching, missed)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&complaint.reference)
        .bind(kind as i32)
        .bind(stage as i32)
        .bind(deadline.due_on)
        .bind(deadline.approaching_marked_on.is_some())
        .bind(deadline.missed_marked_on.is_some())
        .execute(&mut *conn)
        .await
        .context("writing the complaint's live deadlines")?;
    }
    Ok(())
}

/// The deadline kinds of `pb` as stored, for readers of the queue.
pub fn stored_kind(kind: Option<i32>) -> pb::DeadlineKind {
    kind.and_then(|k| pb::DeadlineKind::try_from(k).ok())
        .unwrap_or(pb::DeadlineKind::Unspecified)
}
