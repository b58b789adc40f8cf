//! How intake finds a person's records for subject access (R-CONF-1).
//!
//! No read model of intake holds an email address (the triage row keeps
//! none on purpose), so intake reads, per submission and compliment
//! stream, the one event that carries the person's details
//! (`SubmissionReceived`, `ComplimentReceived`), selected by its type in
//! SQL rather than by reading every event, decodes it and compares the
//! complainant's, the third party's or the sender's address. The export
//! then holds every event of the matching streams: the details, the
//! description, the triage decisions and the attached files' bytes.

use crate::store::submission_stream;
use complaints_proto::v1 as pb;
use eventlog::StreamId;
use platform::subject::{EmailAddress, Found, Link, SubjectError, SubjectScope, json_rows};
use prost::{Message, Name};
use sqlx::PgConnection;
use uuid::Uuid;

/// Submissions and compliments, found by the email in their first event.
#[derive(Debug, Clone, Copy)]
pub struct SubmissionSubjects;

/// The complaint reference another service linked to `id`, if any.
fn linked_reference(links: &[Link], id: Uuid) -> Option<String> {
    links
        .iter()
        .find(|l| l.submission_id == Some(id))
        .and_then(|l| l.complaint_reference.clone())
}

impl SubmissionSubjects {
    async fn submission(
        conn: &mut PgConnection,
        received: pb::SubmissionReceived,
        links: &[Link],
    ) -> Result<Option<Found>, SubjectError> {
        let Ok(id) = Uuid::parse_str(&received.submission_id) else {
            return Ok(None);
        };
        let rows = json_rows(
            conn,
            "submissions",
            "SELECT to_jsonb(s)::text FROM submissions s WHERE submission_id = $1",
            id,
        )
        .await?;
        Ok(Some(Found {
            kind: "submission",
            record: linked_reference(links, id).unwrap_or(received.reference),
            submission_id: Some(id),
            streams: vec![submission_stream(id)],
            rows,
        }))
    }

    fn compliment(stream_id: &str, received: pb::ComplimentReceived) -> Option<Found> {
        Some(Found {
            kind: "compliment",
            record: received.reference,
            submission_id: Uuid::parse_str(&received.compliment_id).ok(),
            streams: vec![StreamId::new(stream_id).ok()?],
            rows: Vec::new(),
        })
    }
}

#[tonic::async_trait]
impl SubjectScope for SubmissionSubjects {
    fn found_by(&self) -> &'static str {
        "the received event of each submission and compliment stream (complainant's, \
         third party's or sender's email), selected by type; no read model of intake \
         holds an email"
    }

    fn note(&self) -> &'static str {
        "submissions (complainant's details, description, attached files, triage) and \
         compliments; equality monitoring answers are kept apart under a keyed pseudonym \
         and cannot be found from an email (R-MON-4)"
    }

    async fn find(
        &self,
        conn: &mut PgConnection,
        email: &EmailAddress,
        links: &[Link],
    ) -> Result<Vec<Found>, SubjectError> {
        let received: Vec<(String, String, Vec<u8>)> = sqlx::query_as(
            "SELECT stream_id, event_type, payload FROM events \
             WHERE event_type = ANY($1) ORDER BY global_position",
        )
        .bind([
            pb::SubmissionReceived::full_name(),
            pb::ComplimentReceived::full_name(),
        ])
        .fetch_all(&mut *conn)
        .await?;
        let mut found = Vec::new();
        for (stream_id, event_type, payload) in received {
            if event_type == pb::SubmissionReceived::full_name() {
                let Ok(event) = pb::SubmissionReceived::decode(payload.as_slice()) else {
                    continue;
                };
                let complainant = event.complainant.as_ref().map(|p| p.email.as_str());
                let third_party = event.third_party.as_ref().map(|t| t.email.as_str());
                if [complainant, third_party]
                    .into_iter()
                    .flatten()
                    .any(|e| email.is(e))
                {
                    found.extend(Self::submission(conn, event, links).await?);
                }
            } else if let Ok(event) = pb::ComplimentReceived::decode(payload.as_slice())
                && event.from.as_ref().is_some_and(|p| email.is(&p.email))
            {
                found.extend(Self::compliment(&stream_id, event));
            }
        }
        Ok(found)
    }
}
