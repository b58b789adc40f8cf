//! Keeping the anonymised log from intake's and the complaints service's
//! events. Each handler runs inside the consumer's transaction with its
//! inbox row, so a redelivered event applies nothing twice; it loads the
//! record (or starts one), applies the event's facts and saves it.
//!
//! Events the log has no use for are ignored. An event that does not
//! decode, or a complaint event whose complaint was never opened here, is
//! an error: the bus retries it and then dead-letters it, rather than the
//! log silently under-counting.

use crate::core::{self, Fact};
use crate::pseudonym::PseudonymKey;
use crate::store;
use bus::HandlerError;
use complaints_proto::v1::{self as pb, EventEnvelope};
use sqlx::PgConnection;
use tracing::Instrument;

/// Durable name of the consumer of intake's events.
pub const FROM_INTAKE: &str = "reporting-intake";
/// Durable name of the consumer of the complaints service's events.
pub const FROM_COMPLAINTS: &str = "reporting-complaints";

fn payload(envelope: &EventEnvelope) -> &[u8] {
    envelope
        .payload
        .as_ref()
        .map_or(&[], |p| p.value.as_slice())
}

/// The key of the link from a complaint reference to its record: a keyed
/// hash, so reporting's tables never hold a complaint reference (R-CONF-2,
/// R-MON-3).
pub fn reference_link(key: &PseudonymKey, reference: &str) -> String {
    key.pseudonym(&format!("complaint-reference:{reference}"))
}

/// Applies `facts` from `envelope` to the record of `pseudonym`, under its
/// row lock, and notes the step in the record's timeline.
async fn apply_facts(
    tx: &mut PgConnection,
    pseudonym: &str,
    facts: &[Fact],
    envelope: &EventEnvelope,
) -> Result<(), HandlerError> {
    if facts.is_empty() {
        return Ok(());
    }
    let mut record = store::lock_record(tx, pseudonym).await?;
    for fact in facts {
        core::apply(&mut record, fact);
    }
    store::save_record(tx, &record).await?;
    let entry = store::TimelineEntry {
        source: envelope.source.clone(),
        event_type: envelope.event_type.clone(),
        facts: facts.iter().map(|f| f.name().to_owned()).collect(),
        occurred_at: envelope
            .occurred_at
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32)),
        applied_at: chrono::Utc::now(),
        trace_id: envelope
            .trace_context
            .as_ref()
            .and_then(|t| telemetry::propagation::trace_id_of(&t.traceparent))
            .unwrap_or_default(),
    };
    store::record_applied(tx, pseudonym, &entry).await?;
    Ok(())
}

/// Intake's submissions (stream `submission-<id>`), compliments and
/// equality monitoring answers.
#[derive(Debug, Clone)]
pub struct FromIntake {
    pub key: PseudonymKey,
}

impl bus::Handler for FromIntake {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        // The trace names the submission (an id, not personal data); the
        // log itself keeps only the pseudonym.
        let span = tracing::info_span!(
            "reporting.record",
            event_type = %envelope.event_type,
            submission.id = tracing::field::Empty,
        );
        if let Some(id) = envelope.stream_id.strip_prefix("submission-") {
            span.record("submission.id", id);
        }
        self.record(tx, envelope).instrument(span).await
    }
}

impl FromIntake {
    async fn record(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        let (event_type, bytes) = (envelope.event_type.as_str(), payload(envelope));
        if let Some(compliment) = core::compliment_from_intake(event_type, bytes)? {
            store::save_compliment(tx, &envelope.stream_id, &compliment).await?;
            return Ok(());
        }
        if let Some(answers) = core::monitoring_from_intake(event_type, bytes)? {
            store::save_answers(tx, &answers).await?;
            return Ok(());
        }
        let facts = core::facts_from_intake(event_type, bytes)?;
        if facts.is_empty() {
            return Ok(());
        }
        let submission_id = envelope
            .stream_id
            .strip_prefix("submission-")
            .ok_or_else(|| {
                format!(
                    "{event_type} in stream {:?}, not a submission stream",
                    envelope.stream_id
                )
            })?;
        apply_facts(tx, &self.key.pseudonym(submission_id), &facts, envelope).await
    }
}

/// What a complaint's pseudonym is the keyed hash of. A complaint opened
/// from intake's acceptance shares its submission's pseudonym, so its
/// record joins the submission's facts and the monitoring answers. A new
/// complaint raised from a closed one (R-UPC-2) carries the same
/// submission id but is a complaint of its own in the log: it is keyed by
/// the submission id and its reference together, so the two records stay
/// apart (and the raised one has no monitoring answers joined to it).
pub fn complaint_subject(submission_id: &str, reference: &str, raised_from: &str) -> String {
    if raised_from.trim().is_empty() {
        submission_id.to_owned()
    } else {
        format!("{submission_id}/{reference}")
    }
}

/// The complaints service's events, one stream per complaint reference.
#[derive(Debug, Clone)]
pub struct FromComplaints {
    pub key: PseudonymKey,
}

impl bus::Handler for FromComplaints {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        // The reference is in the trace, where operators follow one
        // complaint; reporting's tables never hold it (see below).
        let span = tracing::info_span!(
            "reporting.record",
            event_type = %envelope.event_type,
            complaint.reference = tracing::field::Empty,
        );
        if envelope.stream_type == "complaint" {
            span.record("complaint.reference", envelope.stream_id.as_str());
        }
        self.record(tx, envelope).instrument(span).await
    }
}

impl FromComplaints {
    async fn record(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        let (event_type, bytes) = (envelope.event_type.as_str(), payload(envelope));
        let reference = envelope.stream_id.as_str();
        let link = reference_link(&self.key, reference);
        if let Some(submission_id) = core::submission_of_complaint(event_type, bytes)? {
            let raised_from = bus::decode_payload::<pb::ComplaintOpened>(envelope)
                .map(|opened| opened.raised_from)
                .unwrap_or_default();
            let pseudonym =
                self.key
                    .pseudonym(&complaint_subject(&submission_id, reference, &raised_from));
            store::link_reference(tx, &link, &pseudonym).await?;
        }
        let facts = core::facts_from_complaints(event_type, bytes)?;
        if facts.is_empty() {
            return Ok(());
        }
        let pseudonym = store::pseudonym_of(tx, &link)
            .await?
            .ok_or_else(|| format!("{event_type}: complaint {reference} was not opened here"))?;
        apply_facts(tx, &pseudonym, &facts, envelope).await
    }
}

#[cfg(test)]
mod tests {
    use super::complaint_subject;

    #[test]
    fn a_complaint_raised_from_a_closed_one_gets_a_record_of_its_own() {
        assert_eq!(complaint_subject("s-1", "CMP-2026-000001", ""), "s-1");
        assert_ne!(
            complaint_subject("s-1", "CMP-2026-000002", "CMP-2026-000001"),
            complaint_subject("s-1", "CMP-2026-000001", "")
        );
    }
}
