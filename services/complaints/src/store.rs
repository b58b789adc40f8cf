//! The complaints service's streams and read model. One stream per
//! complaint, its id the complaint's reference; the read model row is
//! written in the same transaction as the events, and can be rebuilt from
//! the log at any time.

use crate::domain::types::{ComplaintRef, StaffId};
use crate::domain::{Complaint, Event, codec, evolve};
use crate::error::{ComplaintsError, Context};
use crate::view;
use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;
use eventlog::{Actor, EventLog, ExpectedVersion, Metadata, NewEvent, RecordedEvent, StreamId};
use sqlx::PgConnection;

/// The stream type of complaint streams, for retention per stream.
pub const STREAM_TYPE: &str = "complaint";

pub fn stream(reference: &ComplaintRef) -> StreamId {
    StreamId::new(reference.to_string()).expect("references are valid stream ids")
}

/// Decodes a stored event of a complaint stream. An outcome stored before
/// outcomes named who recorded them gets the acting user from its
/// metadata, so independence (R-S2-3, R-S3-3) bars the recorder of older
/// outcomes too.
pub fn decode(recorded: &RecordedEvent) -> Result<Event, ComplaintsError> {
    let mut event = codec::decode(&recorded.event_type, &recorded.payload).map_err(|e| {
        ComplaintsError::Corrupt {
            stream_id: recorded.stream_id.clone(),
            event_id: recorded.event_id,
            reason: e.to_string(),
        }
    })?;
    if let (Event::OutcomeRecorded(outcome), Actor::User(user)) =
        (&mut event, &recorded.metadata.actor)
        && outcome.recorded_by.is_none()
    {
        outcome.recorded_by = StaffId::new(user).ok();
    }
    Ok(event)
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
        Ok(self.load_with_origin(reference).await?.0)
    }

    /// The complaint, and the trace context (`traceparent`, `tracestate`)
    /// of the work that opened it, so a later command can link its trace
    /// to the complaint's first one.
    pub async fn load_with_origin(
        &self,
        reference: &ComplaintRef,
    ) -> Result<(Complaint, Option<(String, Option<String>)>), ComplaintsError> {
        let history = self.history(reference).await?;
        let origin = history.first().and_then(|(recorded, _)| {
            let metadata = &recorded.metadata;
            let parent = metadata.traceparent.clone()?;
            Some((parent, metadata.tracestate.clone()))
        });
        let state = history
            .iter()
            .fold(Complaint::default(), |state, (_, event)| {
                evolve(state, event)
            });
        Ok((state, origin))
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

    /// Rebuilds the read model from the log and returns the number of
    /// complaints.
    ///
    /// One transaction writes: the read model is emptied (which locks it,
    /// so a command's write of its row waits for the rebuild and then lands
    /// on top), and the rows go in [`REBUILD_BATCH`] complaints per
    /// statement. The events are read once, ordered by stream and version,
    /// through a cursor on a second connection that works in exactly the
    /// writing transaction's snapshot (exported after the lock is taken),
    /// so reading, folding and writing overlap; each complaint is folded
    /// with [`evolve`] as its events arrive. Only the complaint being
    /// folded, one chunk of fetched events and [`REBUILD_QUEUE`] batches of
    /// rows are held at a time, so memory stays flat however long the log.
    ///
    /// `progress` hears (events folded, events in the log) after each chunk.
    pub async fn rebuild_read_model(
        &self,
        today: NaiveDate,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<u64, ComplaintsError> {
        let pool = self.log.pool();
        let mut tx = pool.begin().await.context("beginning a rebuild")?;
        sqlx::query("TRUNCATE live_deadlines, open_actions, complaints")
            .execute(&mut *tx)
            .await
            .context("clearing the read model")?;
        let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await
            .context("exporting the rebuild's snapshot")?;
        let mut reader = pool.begin().await.context("beginning the rebuild's read")?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *reader)
            .await
            .context("setting up the rebuild's read")?;
        // SET takes no parameters; the id comes from the server, and only its
        // own characters (hex digits and dashes) are let through.
        let snapshot: String = snapshot
            .chars()
            .filter(|c| c.is_ascii_hexdigit() || *c == '-')
            .collect();
        sqlx::query(&format!("SET TRANSACTION SNAPSHOT '{snapshot}'"))
            .execute(&mut *reader)
            .await
            .context("reading in the rebuild's snapshot")?;
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM events WHERE stream_type = '{STREAM_TYPE}'"
        ))
        .fetch_one(&mut *reader)
        .await
        .context("counting the events to rebuild from")?;
        let total = total as u64;
        progress(0, total);
        // Destroyed streams have no events left, so they are not seen here.
        sqlx::query(&format!(
            "DECLARE rebuild_events NO SCROLL CURSOR FOR
             SELECT stream_id, event_id, event_type, payload FROM events
             WHERE stream_type = '{STREAM_TYPE}'
             ORDER BY stream_id, stream_version"
        ))
        .execute(&mut *reader)
        .await
        .context("opening the rebuild's cursor")?;

        let (batches, mut ready) = tokio::sync::mpsc::channel::<RowBatch>(REBUILD_QUEUE);
        let fold = async {
            // Owned here, so the writer sees the end when the fold is done.
            let batches = batches;
            let fetch = format!("FETCH {REBUILD_FETCH} FROM rebuild_events");
            let mut batch = RowBatch::default();
            let mut current: Option<(String, Complaint)> = None;
            let mut complaints = 0u64;
            let mut read = 0u64;
            loop {
                let chunk: Vec<(String, uuid::Uuid, String, Vec<u8>)> = sqlx::query_as(&fetch)
                    .fetch_all(&mut *reader)
                    .await
                    .context("reading the log for a rebuild")?;
                let done = chunk.len() < REBUILD_FETCH;
                read += chunk.len() as u64;
                for (stream_id, event_id, event_type, payload) in chunk {
                    let event = codec::decode(&event_type, &payload).map_err(|e| {
                        ComplaintsError::Corrupt {
                            stream_id: stream_id.clone(),
                            event_id,
                            reason: e.to_string(),
                        }
                    })?;
                    current = Some(match current.take() {
                        Some((id, state)) if id == stream_id => (id, evolve(state, &event)),
                        finished => {
                            if let Some((id, state)) = finished {
                                complaints += 1;
                                batch.add(&id, &state, today);
                            }
                            (stream_id, evolve(Complaint::default(), &event))
                        }
                    });
                }
                progress(read, total);
                if done {
                    break;
                }
                if batch.len() >= REBUILD_BATCH
                    && batches.send(std::mem::take(&mut batch)).await.is_err()
                {
                    // The writer stopped; its error is the one reported.
                    return Ok(complaints);
                }
            }
            if let Some((id, state)) = current {
                complaints += 1;
                batch.add(&id, &state, today);
            }
            // A closed channel means the writer stopped; its error is reported.
            let _ = batches.send(batch).await;
            Ok::<u64, ComplaintsError>(complaints)
        };
        let write = async {
            while let Some(mut batch) = ready.recv().await {
                batch.write(&mut tx).await?;
            }
            Ok::<(), ComplaintsError>(())
        };
        let (complaints, ()) = tokio::try_join!(fold, write)?;
        reader.commit().await.context("ending the rebuild's read")?;
        tx.commit().await.context("committing a rebuild")?;
        Ok(complaints)
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

    /// Complaints whose contact restriction in force has reached its review
    /// date without the review being marked due (R-UPC-1).
    pub async fn restriction_review_candidates(
        &self,
        today: NaiveDate,
    ) -> Result<Vec<String>, ComplaintsError> {
        sqlx::query_scalar(
            "SELECT reference FROM complaints WHERE restriction_review_on <= $1 ORDER BY reference",
        )
        .bind(today)
        .fetch_all(self.log.pool())
        .await
        .context("finding contact restrictions to review")
    }

    /// One page of the work queue.
    pub async fn queue(&self, filter: &QueueFilter) -> Result<Vec<QueueRow>, ComplaintsError> {
        sqlx::query_as(
            "SELECT reference, stage, handler, team, query_category, next_deadline, next_stage, next_due_on, overdue,
                    awaiting_receipt
             FROM complaints
             WHERE NOT closed
               AND ($1::int IS NULL OR stage = $1)
               AND ($2::text IS NULL OR handler = $2)
               AND ($3::text IS NULL OR team = $3 OR ($9 AND team IS NULL))
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
        .bind(filter.with_unallocated)
        .fetch_all(self.log.pool())
        .await
        .context("listing the work queue")
    }

    /// The counts over every complaint `filter` matches, its page aside:
    /// missed when marked so or due before `as_of`, approaching when not
    /// missed and due by `approaching_by`. One statement over the open
    /// complaints, for a page that shows the whole queue's numbers.
    pub async fn queue_counts(
        &self,
        filter: &QueueFilter,
        as_of: NaiveDate,
        approaching_by: NaiveDate,
    ) -> Result<QueueCounts, ComplaintsError> {
        sqlx::query_as(
            "SELECT count(*) AS open,
                    count(*) FILTER (WHERE overdue OR next_due_on < $7) AS missed,
                    count(*) FILTER (WHERE NOT overdue AND next_due_on >= $7 AND next_due_on <= $8)
                        AS approaching
             FROM complaints
             WHERE NOT closed
               AND ($1::int IS NULL OR stage = $1)
               AND ($2::text IS NULL OR handler = $2)
               AND ($3::text IS NULL OR team = $3 OR ($6 AND team IS NULL))
               AND (NOT $4 OR overdue)
               AND ($5::date IS NULL OR next_due_on <= $5)",
        )
        .bind(filter.stage)
        .bind(&filter.handler)
        .bind(&filter.team)
        .bind(filter.overdue)
        .bind(filter.due_by)
        .bind(filter.with_unallocated)
        .bind(as_of)
        .bind(approaching_by)
        .fetch_one(self.log.pool())
        .await
        .context("counting the work queue")
    }
}

/// How many complaints a work queue's filters match (R-MON-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueCounts {
    pub open: i64,
    pub missed: i64,
    pub approaching: i64,
}

/// Filters of the work queue; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub stage: Option<i32>,
    pub handler: Option<String>,
    pub team: Option<String>,
    /// With `team`, also the complaints no team holds yet: a line manager
    /// allocates those (R-S2-3, R-CONF-1).
    pub with_unallocated: bool,
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
    /// R-S2-1, R-S3-1: the next deadline is an escalation window not yet
    /// started.
    pub awaiting_receipt: bool,
}

/// Events fetched from the rebuild's cursor per round trip.
const REBUILD_FETCH: usize = 5_000;
/// Complaints whose rows a rebuild writes per statement.
pub const REBUILD_BATCH: usize = 2_000;
/// Batches folded ahead of the writer: enough to keep both busy, few
/// enough to keep memory flat.
const REBUILD_QUEUE: usize = 2;

/// A complaint's row in `complaints`, as the read model stores it.
struct ComplaintRow {
    reference: String,
    submission_id: String,
    stage: i32,
    closed: bool,
    handler: Option<String>,
    team: Option<String>,
    query_category: String,
    received_at: DateTime<Utc>,
    next_deadline: Option<i32>,
    next_stage: Option<i32>,
    next_due_on: Option<NaiveDate>,
    overdue: bool,
    /// R-S2-1, R-S3-1: the next deadline is an escalation window whose
    /// outcome's receipt is not yet known.
    awaiting_receipt: bool,
    version: i64,
    /// The day it closed, from which retention counts (R-CONF-2).
    closed_on: Option<NaiveDate>,
    /// R-UPC-1: the review date of the restriction in force, until the
    /// watcher has marked it due.
    restriction_review_on: Option<NaiveDate>,
}

/// A complaint's row in `live_deadlines`.
struct DeadlineRow {
    kind: i32,
    stage: i32,
    due_on: NaiveDate,
    approaching: bool,
    missed: bool,
}

/// A row of `open_actions`: an action not yet completed (R-OUT-3, R-MON-2)
/// with what the monitors' list of overdue actions shows of it.
struct OpenActionRow {
    id: i32,
    due_on: NaiveDate,
    kind: i32,
    description: String,
    owner: String,
}

/// The complaint's actions not yet completed, by action number, for
/// `open_actions`.
fn open_actions(state: &Complaint) -> Vec<OpenActionRow> {
    state
        .actions
        .values()
        .filter(|a| a.completed.is_none())
        .map(|a| OpenActionRow {
            id: i32::try_from(a.id.get()).unwrap_or(i32::MAX),
            due_on: a.due_on,
            kind: crate::edge::vocabulary::to_action_kind(a.kind) as i32,
            description: a.description.to_string(),
            owner: a.owner.to_string(),
        })
        .collect()
}

/// The read-model rows of one complaint's state, its open actions
/// included: the one mapping both a command's write and a rebuild use, so
/// the two cannot disagree.
fn rows_with_actions(
    state: &Complaint,
    today: NaiveDate,
) -> (ComplaintRow, Vec<DeadlineRow>, Vec<OpenActionRow>) {
    let (row, deadlines) = complaint_rows(state, today);
    (row, deadlines, open_actions(state))
}

/// The complaint's row and its live deadlines.
fn complaint_rows(state: &Complaint, today: NaiveDate) -> (ComplaintRow, Vec<DeadlineRow>) {
    let complaint = view::complaint_view(state);
    let next = view::next_deadline(state, today).map(|(kind, due_on, overdue)| {
        let awaiting = view::awaits_receipt(state, kind);
        let (kind, stage) = view::deadline_kind(kind);
        (kind as i32, stage as i32, due_on, overdue, awaiting)
    });
    let received_at = complaint
        .received_at
        .and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .unwrap_or_default();
    let optional = |s: String| (!s.is_empty()).then_some(s);
    // Closing withdraws every live deadline, so a closed complaint has none.
    let deadlines = state
        .live_deadlines()
        .map(|deadline| {
            let (kind, stage) = view::deadline_kind(deadline.kind);
            DeadlineRow {
                kind: kind as i32,
                stage: stage as i32,
                due_on: deadline.due_on,
                approaching: deadline.approaching_marked_on.is_some(),
                missed: deadline.missed_marked_on.is_some(),
            }
        })
        .collect();
    let row = ComplaintRow {
        reference: complaint.reference,
        submission_id: complaint.submission_id,
        stage: complaint.stage,
        closed: complaint.closed,
        handler: optional(complaint.handler),
        team: optional(complaint.team),
        query_category: complaint.query_category,
        received_at,
        next_deadline: next.map(|n| n.0),
        next_stage: next.map(|n| n.1),
        next_due_on: next.map(|n| n.2),
        overdue: next.is_some_and(|n| n.3),
        awaiting_receipt: next.is_some_and(|n| n.4),
        version: complaint.version as i64,
        closed_on: match state.status {
            crate::domain::state::Status::Closed { on, .. } => Some(on),
            _ => None,
        },
        restriction_review_on: state.restriction_review_pending(),
    };
    (row, deadlines)
}

/// Writes the complaint's read-model rows from its state.
async fn project(
    conn: &mut PgConnection,
    state: &Complaint,
    today: NaiveDate,
) -> Result<(), ComplaintsError> {
    let (row, deadlines, actions) = rows_with_actions(state, today);
    sqlx::query(
        "INSERT INTO complaints (reference, submission_id, stage, closed, handler, team, query_category, received_at,
                                 next_deadline, next_stage, next_due_on, overdue, version, closed_on,
                                 restriction_review_on, awaiting_receipt)
         VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         ON CONFLICT (reference) DO UPDATE SET
            stage = EXCLUDED.stage, closed = EXCLUDED.closed, handler = EXCLUDED.handler, team = EXCLUDED.team,
            next_deadline = EXCLUDED.next_deadline, next_stage = EXCLUDED.next_stage,
            next_due_on = EXCLUDED.next_due_on, overdue = EXCLUDED.overdue,
            version = EXCLUDED.version, closed_on = EXCLUDED.closed_on,
            restriction_review_on = EXCLUDED.restriction_review_on,
            awaiting_receipt = EXCLUDED.awaiting_receipt, updated_at = now()",
    )
    .bind(&row.reference)
    .bind(&row.submission_id)
    .bind(row.stage)
    .bind(row.closed)
    .bind(&row.handler)
    .bind(&row.team)
    .bind(&row.query_category)
    .bind(row.received_at)
    .bind(row.next_deadline)
    .bind(row.next_stage)
    .bind(row.next_due_on)
    .bind(row.overdue)
    .bind(row.version)
    .bind(row.closed_on)
    .bind(row.restriction_review_on)
    .bind(row.awaiting_receipt)
    .execute(&mut *conn)
    .await
    .context("writing the complaint's read model")?;
    sqlx::query("DELETE FROM live_deadlines WHERE reference = $1")
        .bind(&row.reference)
        .execute(&mut *conn)
        .await
        .context("clearing the complaint's live deadlines")?;
    for deadline in deadlines {
        sqlx::query(
            "INSERT INTO live_deadlines (reference, kind, stage, due_on, approaching, missed)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&row.reference)
        .bind(deadline.kind)
        .bind(deadline.stage)
        .bind(deadline.due_on)
        .bind(deadline.approaching)
        .bind(deadline.missed)
        .execute(&mut *conn)
        .await
        .context("writing the complaint's live deadlines")?;
    }
    sqlx::query("DELETE FROM open_actions WHERE reference = $1")
        .bind(&row.reference)
        .execute(&mut *conn)
        .await
        .context("clearing the complaint's open actions")?;
    let mut batch = RowBatch::default();
    batch.add_actions(&row.reference, actions);
    sqlx::query(
        "INSERT INTO open_actions (reference, action_id, due_on, kind, description, owner)
         SELECT $1, * FROM UNNEST($2::int[], $3::date[], $4::int[], $5::text[], $6::text[])",
    )
    .bind(&row.reference)
    .bind(&batch.action_ids)
    .bind(&batch.action_due)
    .bind(&batch.action_kinds)
    .bind(&batch.action_descriptions)
    .bind(&batch.action_owners)
    .execute(&mut *conn)
    .await
    .context("writing the complaint's open actions")?;
    Ok(())
}

/// Read-model rows a rebuild has folded and not yet written, as the column
/// arrays of one multi-row INSERT per table.
#[derive(Default)]
struct RowBatch {
    references: Vec<String>,
    submission_ids: Vec<String>,
    stages: Vec<i32>,
    closed: Vec<bool>,
    handlers: Vec<Option<String>>,
    teams: Vec<Option<String>>,
    categories: Vec<String>,
    received: Vec<DateTime<Utc>>,
    next_deadlines: Vec<Option<i32>>,
    next_stages: Vec<Option<i32>>,
    next_due: Vec<Option<NaiveDate>>,
    overdue: Vec<bool>,
    awaiting_receipt: Vec<bool>,
    versions: Vec<i64>,
    closed_on: Vec<Option<NaiveDate>>,
    restriction_review_on: Vec<Option<NaiveDate>>,
    deadline_refs: Vec<String>,
    deadline_kinds: Vec<i32>,
    deadline_stages: Vec<i32>,
    deadline_due: Vec<NaiveDate>,
    deadline_approaching: Vec<bool>,
    deadline_missed: Vec<bool>,
    action_refs: Vec<String>,
    action_ids: Vec<i32>,
    action_due: Vec<NaiveDate>,
    action_kinds: Vec<i32>,
    action_descriptions: Vec<String>,
    action_owners: Vec<String>,
}

impl RowBatch {
    fn len(&self) -> usize {
        self.references.len()
    }

    /// Adds the rows of the complaint folded from stream `stream_id`; a
    /// stream that is not a complaint reference is left out, as it has no
    /// place in the read model.
    fn add(&mut self, stream_id: &str, state: &Complaint, today: NaiveDate) {
        if stream_id.parse::<ComplaintRef>().is_err() {
            return;
        }
        let (row, deadlines, actions) = rows_with_actions(state, today);
        self.add_actions(&row.reference, actions);
        for d in deadlines {
            self.deadline_refs.push(row.reference.clone());
            self.deadline_kinds.push(d.kind);
            self.deadline_stages.push(d.stage);
            self.deadline_due.push(d.due_on);
            self.deadline_approaching.push(d.approaching);
            self.deadline_missed.push(d.missed);
        }
        self.references.push(row.reference);
        self.submission_ids.push(row.submission_id);
        self.stages.push(row.stage);
        self.closed.push(row.closed);
        self.handlers.push(row.handler);
        self.teams.push(row.team);
        self.categories.push(row.query_category);
        self.received.push(row.received_at);
        self.next_deadlines.push(row.next_deadline);
        self.next_stages.push(row.next_stage);
        self.next_due.push(row.next_due_on);
        self.overdue.push(row.overdue);
        self.awaiting_receipt.push(row.awaiting_receipt);
        self.versions.push(row.version);
        self.closed_on.push(row.closed_on);
        self.restriction_review_on.push(row.restriction_review_on);
    }

    /// Adds the open actions of complaint `reference`.
    fn add_actions(&mut self, reference: &str, actions: Vec<OpenActionRow>) {
        for a in actions {
            self.action_refs.push(reference.to_owned());
            self.action_ids.push(a.id);
            self.action_due.push(a.due_on);
            self.action_kinds.push(a.kind);
            self.action_descriptions.push(a.description);
            self.action_owners.push(a.owner);
        }
    }

    /// Writes the batch's rows (complaints first: deadlines refer to them)
    /// and empties it.
    async fn write(&mut self, conn: &mut PgConnection) -> Result<(), ComplaintsError> {
        let batch = std::mem::take(self);
        if !batch.references.is_empty() {
            sqlx::query(
                "INSERT INTO complaints (reference, submission_id, stage, closed, handler, team, query_category,
                                         received_at, next_deadline, next_stage, next_due_on, overdue, version,
                                         closed_on, restriction_review_on, awaiting_receipt)
                 SELECT * FROM UNNEST($1::text[], $2::uuid[], $3::int[], $4::bool[], $5::text[], $6::text[],
                                      $7::text[], $8::timestamptz[], $9::int[], $10::int[], $11::date[],
                                      $12::bool[], $13::bigint[], $14::date[], $15::date[], $16::bool[])",
            )
            .bind(&batch.references)
            .bind(&batch.submission_ids)
            .bind(&batch.stages)
            .bind(&batch.closed)
            .bind(&batch.handlers)
            .bind(&batch.teams)
            .bind(&batch.categories)
            .bind(&batch.received)
            .bind(&batch.next_deadlines)
            .bind(&batch.next_stages)
            .bind(&batch.next_due)
            .bind(&batch.overdue)
            .bind(&batch.versions)
            .bind(&batch.closed_on)
            .bind(&batch.restriction_review_on)
            .bind(&batch.awaiting_receipt)
            .execute(&mut *conn)
            .await
            .context("writing a batch of the rebuilt read model")?;
        }
        if !batch.deadline_refs.is_empty() {
            sqlx::query(
                "INSERT INTO live_deadlines (reference, kind, stage, due_on, approaching, missed)
                 SELECT * FROM UNNEST($1::text[], $2::int[], $3::int[], $4::date[], $5::bool[], $6::bool[])",
            )
            .bind(&batch.deadline_refs)
            .bind(&batch.deadline_kinds)
            .bind(&batch.deadline_stages)
            .bind(&batch.deadline_due)
            .bind(&batch.deadline_approaching)
            .bind(&batch.deadline_missed)
            .execute(&mut *conn)
            .await
            .context("writing a batch of the rebuilt live deadlines")?;
        }
        if !batch.action_refs.is_empty() {
            sqlx::query(
                "INSERT INTO open_actions (reference, action_id, due_on, kind, description, owner)
                 SELECT * FROM UNNEST($1::text[], $2::int[], $3::date[], $4::int[], $5::text[], $6::text[])",
            )
            .bind(&batch.action_refs)
            .bind(&batch.action_ids)
            .bind(&batch.action_due)
            .bind(&batch.action_kinds)
            .bind(&batch.action_descriptions)
            .bind(&batch.action_owners)
            .execute(&mut *conn)
            .await
            .context("writing a batch of the rebuilt open actions")?;
        }
        Ok(())
    }
}

/// The deadline kinds of `pb` as stored, for readers of the queue.
pub fn stored_kind(kind: Option<i32>) -> pb::DeadlineKind {
    kind.and_then(|k| pb::DeadlineKind::try_from(k).ok())
        .unwrap_or(pb::DeadlineKind::Unspecified)
}
