//! How the complaints service finds a person's records for subject access
//! (R-CONF-1). Its log and read model hold no email address: a complaint
//! is opened from an intake submission and keeps the submission's id. So
//! the service is given the submissions intake found for the person and
//! looks them up in the work-queue read model (indexed by submission),
//! never reading other complaints' events. The export holds every event of
//! each complaint's stream (notes of contact, findings, remedies...) and
//! its read-model and deadline rows.

use eventlog::StreamId;
use platform::subject::{EmailAddress, Found, Link, SubjectError, SubjectScope, json_rows};
use sqlx::PgConnection;
use uuid::Uuid;

/// The complaints opened from the person's submissions.
#[derive(Debug, Clone, Copy)]
pub struct ComplaintSubjects;

#[tonic::async_trait]
impl SubjectScope for ComplaintSubjects {
    fn found_by(&self) -> &'static str {
        "the complaints opened from the submissions intake found for the email (the \
         read model's submission index) and the complaint references given; the \
         complaints service holds no email"
    }

    fn note(&self) -> &'static str {
        "each complaint's stream through the three stages and its work-queue and \
         deadline rows"
    }

    async fn find(
        &self,
        conn: &mut PgConnection,
        _email: &EmailAddress,
        links: &[Link],
    ) -> Result<Vec<Found>, SubjectError> {
        let submissions: Vec<Uuid> = links.iter().filter_map(|l| l.submission_id).collect();
        let references: Vec<String> = links
            .iter()
            .filter_map(|l| l.complaint_reference.clone())
            .collect();
        let complaints: Vec<(String, Uuid)> = sqlx::query_as(
            "SELECT reference, submission_id FROM complaints \
             WHERE submission_id = ANY($1) OR reference = ANY($2) ORDER BY reference",
        )
        .bind(&submissions)
        .bind(&references)
        .fetch_all(&mut *conn)
        .await?;
        let mut found = Vec::with_capacity(complaints.len());
        for (reference, submission_id) in complaints {
            let mut rows = json_rows(
                conn,
                "complaints",
                "SELECT to_jsonb(c)::text FROM complaints c WHERE reference = $1",
                &reference,
            )
            .await?;
            rows.extend(
                json_rows(
                    conn,
                    "live_deadlines",
                    "SELECT to_jsonb(d)::text FROM live_deadlines d WHERE reference = $1 \
                     ORDER BY due_on",
                    &reference,
                )
                .await?,
            );
            // The open actions' descriptions are free text staff wrote
            // about the complaint (R-MON-2 keeps them here for the
            // monitors' list).
            rows.extend(
                json_rows(
                    conn,
                    "open_actions",
                    "SELECT to_jsonb(a)::text FROM open_actions a WHERE reference = $1 \
                     ORDER BY action_id",
                    &reference,
                )
                .await?,
            );
            found.push(Found {
                kind: "complaint",
                streams: vec![StreamId::new(reference.clone())?],
                record: reference,
                submission_id: Some(submission_id),
                rows,
            });
        }
        Ok(found)
    }
}
