//! Real complaint streams for the replay benchmark, decided by the
//! complaints domain once and then copied with a fresh reference and
//! submission per complaint, written straight into the service's tables in
//! large batches (generating is not what is measured).

use calendar::Calendar;
use chrono::{DateTime, Utc};
use complaints::domain::command::{AssignHandler, Open, RecordContact, RecordUpdate};
use complaints::domain::event::Event;
use complaints::domain::types::{
    Channel, ComplaintRef, ContactMethod, Name, NonEmptyText, Role, StaffId, SubmissionId, Team,
};
use complaints::domain::{Command, Complaint, Context, Policy, codec, decide, evolve};
use sqlx::PgPool;

/// Complaints written per transaction.
const BATCH: u64 = 2_000;

/// How far generation has got, so a second call adds to the first.
#[derive(Debug, Clone, Copy, Default)]
pub struct Generated {
    pub complaints: u64,
    pub events: u64,
    pub payload_bytes: u64,
}

/// Adds complaints until the log holds at least `events` events.
pub async fn complaints_until(
    pool: &PgPool,
    mut done: Generated,
    events: u64,
) -> Result<Generated, String> {
    let now = Utc::now();
    let template = template(now)?;
    while done.events < events {
        let mut rows = Rows::default();
        let first = done.complaints + 1;
        for number in first..first + BATCH {
            let stream = copy(&template, number)?;
            rows.add(&stream, now);
            done.complaints += 1;
            done.events += stream.len() as u64;
            if done.events >= events {
                break;
            }
        }
        done.payload_bytes += rows.payloads.iter().map(|p| p.len() as u64).sum::<u64>();
        rows.write(pool).await?;
    }
    Ok(done)
}

/// One complaint's life so far, as the domain decides it.
fn template(now: DateTime<Utc>) -> Result<Vec<Event>, String> {
    let invalid = |e: &dyn std::fmt::Display| e.to_string();
    let calendar = Calendar::england_and_wales();
    let staff = StaffId::new("s-jones").map_err(|e| invalid(&e))?;
    let team = Team::new("Customer Service").map_err(|e| invalid(&e))?;
    let policy = Policy::with_defaults(
        StaffId::new("ccm").map_err(|e| invalid(&e))?,
        Team::new("Corporate Compliance").map_err(|e| invalid(&e))?,
    );
    let ctx = Context::new(now, &calendar, &policy);
    let text = |s: &str| NonEmptyText::new(s).map_err(|e| invalid(&e));
    let commands = vec![
        Command::Open(Open {
            reference: ComplaintRef::new(2026, 1).map_err(|e| invalid(&e))?,
            submission_id: SubmissionId::new(uuid::Uuid::from_u128(1)),
            channel: Channel::WebForm,
            received_at: now,
            written: true,
            query_category: Name::new("Exams and assessments").map_err(|e| invalid(&e))?,
            qualification: None,
            correspondence_by_post: false,
            raised_from: None,
            submitted_by: None,
            adjustments: None,
        }),
        Command::AssignHandler(AssignHandler {
            staff,
            team,
            role: Role::Handler,
        }),
        Command::RecordContact(RecordContact {
            at: now,
            method: ContactMethod::Telephone,
            summary: text(
                &"Called the complainant about the late certificate and agreed next steps. "
                    .repeat(4),
            )?,
        }),
        Command::RecordUpdate(RecordUpdate {
            reason: text("Waiting for the awarding team to confirm the dispatch date.")?,
            revised_due_on: None,
        }),
    ];
    let mut state = Complaint::default();
    let mut stream = Vec::new();
    for command in commands {
        let events = decide(&state, command, &ctx).map_err(|r| format!("{r:?}"))?;
        for event in events {
            state = evolve(state, &event);
            stream.push(event);
        }
    }
    Ok(stream)
}

/// The template as complaint `number`: its own reference and submission.
fn copy(template: &[Event], number: u64) -> Result<Vec<Event>, String> {
    let number = u32::try_from(number).map_err(|e| e.to_string())?;
    let reference = ComplaintRef::new(2026, number).map_err(|e| e.to_string())?;
    Ok(template
        .iter()
        .map(|event| match event {
            Event::ComplaintOpened(opened) => {
                let mut opened = opened.clone();
                opened.reference = reference;
                opened.submission_id = SubmissionId::new(uuid::Uuid::now_v7());
                Event::ComplaintOpened(opened)
            }
            other => other.clone(),
        })
        .collect())
}

/// Column arrays for one batch of `INSERT ... SELECT FROM UNNEST`.
#[derive(Default)]
struct Rows {
    streams: Vec<String>,
    versions: Vec<i64>,
    event_ids: Vec<uuid::Uuid>,
    event_streams: Vec<String>,
    event_versions: Vec<i64>,
    types: Vec<String>,
    payloads: Vec<Vec<u8>>,
    occurred: Vec<DateTime<Utc>>,
    correlations: Vec<uuid::Uuid>,
}

impl Rows {
    fn add(&mut self, stream: &[Event], now: DateTime<Utc>) {
        let Some(Event::ComplaintOpened(opened)) = stream.first() else {
            return;
        };
        let stream_id = opened.reference.to_string();
        let correlation = uuid::Uuid::now_v7();
        for (version, event) in stream.iter().enumerate() {
            let (event_type, payload) = codec::encode(event);
            self.event_ids.push(uuid::Uuid::now_v7());
            self.event_streams.push(stream_id.clone());
            self.event_versions.push(version as i64 + 1);
            self.types.push(event_type);
            self.payloads.push(payload);
            self.occurred.push(now);
            self.correlations.push(correlation);
        }
        self.streams.push(stream_id);
        self.versions.push(stream.len() as i64);
    }

    async fn write(self, pool: &PgPool) -> Result<(), String> {
        let fail = |e: sqlx::Error| format!("writing generated complaints: {e}");
        let mut tx = pool.begin().await.map_err(fail)?;
        sqlx::query(
            "INSERT INTO streams (stream_id, stream_type, version)
             SELECT s, 'complaint', v FROM UNNEST($1::text[], $2::bigint[]) AS t(s, v)",
        )
        .bind(&self.streams)
        .bind(&self.versions)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        sqlx::query(
            "INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type,
                                 payload, occurred_at, correlation_id, actor)
             SELECT id, s, 'complaint', v, t, p, o, c, 'system:bench'
             FROM UNNEST($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::bytea[],
                         $6::timestamptz[], $7::uuid[]) AS e(id, s, v, t, p, o, c)",
        )
        .bind(&self.event_ids)
        .bind(&self.event_streams)
        .bind(&self.event_versions)
        .bind(&self.types)
        .bind(&self.payloads)
        .bind(&self.occurred)
        .bind(&self.correlations)
        .execute(&mut *tx)
        .await
        .map_err(fail)?;
        tx.commit().await.map_err(fail)
    }
}
