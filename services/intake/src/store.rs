//! Intake's streams and its triage read model, all in intake's schema.
//! Each submission is one stream; the read model row is written in the same
//! transaction as the events, so the queue never disagrees with the log.

use crate::domain::{Event, Submission, SubmissionRef};
use crate::error::{Context, IntakeError};
use chrono::{DateTime, Datelike, Utc};
use complaints_proto::v1 as pb;
use eventlog::{Actor, EventLog, ExpectedVersion, Metadata, NewEvent, StreamId};
use prost::Message as _;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The id a submission gets from its channel and idempotency key: a retry
/// lands on the same stream, so it can never create a second submission.
pub fn id_for(kind: &str, channel: pb::Channel, idempotency_key: &str) -> Uuid {
    let digest = Sha256::digest(format!("{kind}\n{}\n{idempotency_key}", channel as i32));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

pub fn submission_stream(id: Uuid) -> StreamId {
    StreamId::new(format!("submission-{id}")).expect("uuid stream ids are valid")
}

/// A row of the triage read model.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub submission_id: Uuid,
    pub reference: String,
    pub channel: i32,
    pub query_category: String,
    pub received_at: DateTime<Utc>,
    pub status: i32,
    pub third_party: bool,
    pub consent_withdrawn: bool,
}

impl From<Row> for pb::SubmissionSummary {
    fn from(row: Row) -> Self {
        Self {
            submission_id: row.submission_id.to_string(),
            reference: row.reference,
            channel: row.channel,
            query_category: row.query_category,
            received_at: Some(crate::domain::timestamp(row.received_at)),
            status: row.status,
            third_party: row.third_party,
            consent_withdrawn: row.consent_withdrawn,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    log: EventLog,
}

impl Store {
    pub fn new(log: EventLog) -> Self {
        Self { log }
    }

    /// A submission as its stream tells it (the default state if none).
    pub async fn load(&self, id: Uuid) -> Result<Submission, IntakeError> {
        let stream = submission_stream(id);
        let mut state = Submission::default();
        for recorded in self.log.read_stream(&stream).await? {
            let event = Event::decode(&recorded.event_type, &recorded.payload).map_err(|e| {
                IntakeError::Corrupt {
                    stream_id: recorded.stream_id.clone(),
                    event_id: recorded.event_id,
                    reason: e.to_string(),
                }
            })?;
            state = crate::domain::evolve(state, &event);
        }
        Ok(state)
    }

    /// Who submitted: the actor of the submission's first event (the
    /// authenticated caller: a portal's account, the email gateway's, or
    /// the member of staff who took the call).
    pub async fn submitted_by(&self, id: Uuid) -> Result<Option<Actor>, IntakeError> {
        Ok(self
            .events(id)
            .await?
            .into_iter()
            .next()
            .map(|first| first.metadata.actor))
    }

    /// Every event of a submission's stream as stored, oldest first (empty
    /// for an unknown submission); for its history, never its payloads.
    pub async fn events(&self, id: Uuid) -> Result<Vec<eventlog::RecordedEvent>, IntakeError> {
        Ok(self.log.read_stream(&submission_stream(id)).await?)
    }

    /// Draws the next reference number; never reused, even if unused.
    pub async fn next_reference(&self, now: DateTime<Utc>) -> Result<SubmissionRef, IntakeError> {
        let n: i64 = sqlx::query_scalar("SELECT nextval('submission_numbers')")
            .fetch_one(self.log.pool())
            .await
            .context("drawing a submission number")?;
        Ok(SubmissionRef::new(calendar::uk_date(now).year(), n))
    }

    /// Appends `events` to the submission's stream (expecting it at
    /// `before.version`), updates the read model and, when given, records
    /// equality monitoring answers in a stream of their own, all in one
    /// transaction. Returns the state after the events.
    ///
    /// Events are recorded under `metadata`, except triage's own
    /// ([`Event::is_triage`]), whose actor is `submitter`: who submitted
    /// stays who submitted, whoever's decision let triage go on (R-INT-4).
    pub async fn save(
        &self,
        id: Uuid,
        before: &Submission,
        events: &[Event],
        metadata: &Metadata,
        submitter: &Actor,
        monitoring: Option<pb::EqualityMonitoringRecorded>,
    ) -> Result<Submission, IntakeError> {
        let after = events.iter().fold(before.clone(), crate::domain::evolve);
        let new_events: Vec<NewEvent> = events
            .iter()
            .map(|event| {
                let (event_type, payload) = event.encode();
                let mut metadata = metadata.clone();
                if event.is_triage() {
                    metadata.actor = submitter.clone();
                }
                NewEvent::new(event_type, payload, metadata)
            })
            .collect();
        let expected = if before.exists() {
            ExpectedVersion::Exact(before.version)
        } else {
            ExpectedVersion::NoStream
        };
        let mut tx = self
            .log
            .pool()
            .begin()
            .await
            .context("beginning a submission write")?;
        eventlog::append_in(
            &mut tx,
            &submission_stream(id),
            "submission",
            expected,
            &new_events,
        )
        .await?;
        upsert_row(&mut tx, id, &after).await?;
        if let Some(answers) = monitoring {
            // A random stream id: nothing in it links to the submission
            // except the keyed pseudonym (R-MON-4).
            let stream =
                StreamId::new(format!("monitoring-{}", Uuid::new_v4())).expect("valid stream id");
            let event = NewEvent::new(
                <pb::EqualityMonitoringRecorded as prost::Name>::full_name(),
                answers.encode_to_vec(),
                metadata.clone(),
            );
            eventlog::append_in(
                &mut tx,
                &stream,
                "monitoring",
                ExpectedVersion::NoStream,
                &[event],
            )
            .await?;
        }
        tx.commit().await.context("committing a submission write")?;
        Ok(after)
    }

    /// The queue staff work: submissions waiting for a decision, oldest first.
    pub async fn queue(
        &self,
        status: Option<pb::TriageStatus>,
        page_size: u32,
        after: Option<(DateTime<Utc>, Uuid)>,
    ) -> Result<Vec<Row>, IntakeError> {
        let waiting = [
            pb::TriageStatus::AwaitingTimeDecision as i32,
            pb::TriageStatus::AwaitingConsent as i32,
        ];
        let statuses: Vec<i32> = match status {
            Some(s) => vec![s as i32],
            None => waiting.to_vec(),
        };
        let (after_time, after_id) = (after.map(|a| a.0), after.map(|a| a.1));
        sqlx::query_as(
            "SELECT submission_id, reference, channel, query_category, received_at, status, third_party, consent_withdrawn
             FROM submissions
             WHERE status = ANY($1)
               AND ($2::timestamptz IS NULL OR (received_at, submission_id) > ($2, $3))
             ORDER BY received_at, submission_id
             LIMIT $4",
        )
        .bind(&statuses)
        .bind(after_time)
        .bind(after_id)
        .bind(i64::from(page_size))
        .fetch_all(self.log.pool())
        .await
        .context("listing the triage queue")
    }

    pub async fn summary(&self, id: Uuid) -> Result<Option<Row>, IntakeError> {
        sqlx::query_as(
            "SELECT submission_id, reference, channel, query_category, received_at, status, third_party, consent_withdrawn
             FROM submissions WHERE submission_id = $1",
        )
        .bind(id)
        .fetch_optional(self.log.pool())
        .await
        .context("reading a submission summary")
    }

    /// The complaint opened from submission `id`, once complaints has
    /// opened one (noted from its `ComplaintOpened`); the first if several.
    pub async fn complaint_of(&self, id: Uuid) -> Result<Option<String>, IntakeError> {
        sqlx::query_scalar(
            "SELECT reference FROM complaint_links WHERE submission_id = $1 ORDER BY reference LIMIT 1",
        )
        .bind(id)
        .fetch_optional(self.log.pool())
        .await
        .context("reading the complaint opened from a submission")
    }

    /// Appends one compliment, once per id; `false` if it already exists.
    pub async fn save_compliment(
        &self,
        id: Uuid,
        compliment: &pb::ComplimentReceived,
        metadata: &Metadata,
    ) -> Result<bool, IntakeError> {
        let stream = StreamId::new(format!("compliment-{id}")).expect("valid stream id");
        let event = NewEvent::new(
            <pb::ComplimentReceived as prost::Name>::full_name(),
            compliment.encode_to_vec(),
            metadata.clone(),
        );
        match self
            .log
            .append(&stream, "compliment", ExpectedVersion::NoStream, &[event])
            .await
        {
            Ok(_) => Ok(true),
            Err(eventlog::Error::Conflict { .. }) => Ok(false),
            Err(other) => Err(other.into()),
        }
    }

    /// The stored compliment with `id`, if any.
    pub async fn compliment(
        &self,
        id: Uuid,
    ) -> Result<Option<pb::ComplimentReceived>, IntakeError> {
        let stream = StreamId::new(format!("compliment-{id}")).expect("valid stream id");
        let Some(first) = self.log.read_stream(&stream).await?.into_iter().next() else {
            return Ok(None);
        };
        pb::ComplimentReceived::decode(first.payload.as_slice())
            .map(Some)
            .map_err(|e| IntakeError::Corrupt {
                stream_id: first.stream_id,
                event_id: first.event_id,
                reason: e.to_string(),
            })
    }

    /// The SHA-256 of the body of `request`, as the key's first use is
    /// remembered by (the protobuf encoding: the same message always
    /// encodes the same, these requests having no maps).
    pub fn body_fingerprint(request: &impl prost::Message) -> [u8; 32] {
        Sha256::digest(request.encode_to_vec()).into()
    }

    /// The fingerprint kept for the request that made `id`, if any.
    pub async fn fingerprint(&self, id: Uuid) -> Result<Option<Vec<u8>>, IntakeError> {
        sqlx::query_scalar("SELECT sha256 FROM request_fingerprints WHERE id = $1")
            .bind(id)
            .fetch_optional(self.log.pool())
            .await
            .context("reading a request fingerprint")
    }

    /// Keeps `sha256` for `id` unless one is kept already, and answers the
    /// one kept (this one, or the first request's).
    pub async fn keep_fingerprint(
        &self,
        id: Uuid,
        sha256: &[u8; 32],
    ) -> Result<Option<Vec<u8>>, IntakeError> {
        sqlx::query(
            "INSERT INTO request_fingerprints (id, sha256) VALUES ($1, $2) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(sha256.as_slice())
        .execute(self.log.pool())
        .await
        .context("keeping a request fingerprint")?;
        self.fingerprint(id).await
    }

    pub async fn next_compliment_number(&self) -> Result<i64, IntakeError> {
        sqlx::query_scalar("SELECT nextval('compliment_numbers')")
            .fetch_one(self.log.pool())
            .await
            .context("drawing a compliment number")
    }
}

async fn upsert_row(
    tx: &mut sqlx::PgConnection,
    id: Uuid,
    state: &Submission,
) -> Result<(), IntakeError> {
    let Some(received) = &state.received else {
        return Ok(());
    };
    let received_at = received
        .received_at
        .and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .unwrap_or_default();
    sqlx::query(
        "INSERT INTO submissions (submission_id, reference, channel, query_category, received_at, status,
                                  third_party, consent_withdrawn, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (submission_id) DO UPDATE SET
            status = EXCLUDED.status, consent_withdrawn = EXCLUDED.consent_withdrawn,
            version = EXCLUDED.version, updated_at = now()",
    )
    .bind(id)
    .bind(&received.reference)
    .bind(received.channel)
    .bind(&received.query_category)
    .bind(received_at)
    .bind(state.status as i32)
    .bind(received.third_party.is_some())
    .bind(state.consent == crate::domain::Consent::Withdrawn)
    .bind(state.version as i64)
    .execute(&mut *tx)
    .await
    .context("updating the triage read model")?;
    Ok(())
}
