//! Opening complaints from intake's accepted submissions, delivered over
//! the bus. The consumer's inbox makes a redelivered acceptance open
//! nothing twice; the reference is drawn in the same transaction.

use crate::domain::codec::adjustments;
use crate::domain::command::Open;
use crate::domain::types::{Channel, Name, SubmissionId};
use crate::domain::{Command, Complaint, Context, decide};
use crate::settings::ComplaintsSettings;
use crate::store::Store;
use bus::{HandlerError, decode_payload};
use chrono::{DateTime, Datelike, Utc};
use complaints_proto::v1 as pb;
use eventlog::{Actor, Metadata};
use platform::Clock;
use sqlx::PgConnection;
use std::sync::Arc;
use tracing::Instrument;

/// The durable consumer's name.
pub const CONSUMER: &str = "complaints-open-accepted";

/// Opens a complaint at Stage 1 for each `complaints.v1.ComplaintAccepted`.
#[derive(Debug, Clone)]
pub struct OpenAccepted {
    pub settings: Arc<ComplaintsSettings>,
    pub clock: Arc<dyn Clock>,
}

impl bus::Handler for OpenAccepted {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &pb::EventEnvelope,
    ) -> Result<(), HandlerError> {
        // Intake publishes other events too; only acceptances open complaints.
        let Some(accepted) = decode_payload::<pb::ComplaintAccepted>(envelope) else {
            return Ok(());
        };
        let received_at = accepted
            .received_at
            .and_then(|t| DateTime::<Utc>::from_timestamp(t.seconds, t.nanos.max(0) as u32))
            .ok_or("the accepted complaint has no receipt time")?;
        let reference = Store::next_reference(tx, calendar::uk_date(received_at).year()).await?;
        // Both ids, so the trace joins intake's submission to the complaint.
        let span = tracing::info_span!(
            "complaint.open",
            complaint.reference = %reference,
            submission.id = %accepted.submission_id,
        );
        async {
            let open = Command::Open(Open {
                reference,
                submission_id: SubmissionId::parse(&accepted.submission_id)?,
                channel: channel(accepted.channel)?,
                received_at,
                written: accepted.written,
                query_category: Name::new(&accepted.query_category)?,
                qualification: (!accepted.qualification_code.trim().is_empty())
                    .then(|| {
                        self.settings
                            .qualifications
                            .qualification(&accepted.qualification_code)
                    })
                    .flatten(),
                correspondence_by_post: accepted.correspondence
                    == pb::CorrespondencePreference::Post as i32,
                raised_from: None,
                submitted_by: submitter(envelope),
                adjustments: adjustments::from_proto(
                    accepted.adjustments.clone(),
                    &accepted.reasonable_adjustments,
                )
                .map_err(|(field, reason)| format!("the accepted complaint's {field}: {reason}"))?
                .map(Box::new),
            });
            let now = self.clock.now();
            let ctx = Context::new(now, &self.settings.calendar, &self.settings.policy);
            let before = Complaint::default();
            let events = decide(&before, open, &ctx)?;
            let metadata = caused_by(envelope);
            Store::append(tx, &before, &events, &metadata, ctx.today).await?;
            tracing::info!("complaint opened");
            Ok(())
        }
        .instrument(span)
        .await
    }
}

fn channel(raw: i32) -> Result<Channel, HandlerError> {
    Ok(match pb::Channel::try_from(raw) {
        Ok(pb::Channel::WebForm) => Channel::WebForm,
        Ok(pb::Channel::Email) => Channel::Email,
        Ok(pb::Channel::Telephone) => Channel::Telephone,
        Ok(pb::Channel::Regulator) => Channel::Regulator,
        _ => return Err(format!("channel {raw} is not a channel").into()),
    })
}

/// The account that submitted it: intake records the authenticated caller
/// (a portal's token subject, or the member of staff who took a call) as
/// the actor of its events. Only a portal's reach depends on it (R-CONF-1).
fn submitter(envelope: &pb::EventEnvelope) -> Option<Name> {
    match envelope.actor.as_ref()?.kind.as_ref()? {
        pb::actor::Kind::UserId(user) => Name::new(user).ok(),
        pb::actor::Kind::System(_) => None,
    }
}

/// Metadata of events caused by a bus event: same correlation, caused by it.
fn caused_by(envelope: &pb::EventEnvelope) -> Metadata {
    let cause = uuid::Uuid::parse_str(&envelope.event_id).unwrap_or_default();
    let correlation = uuid::Uuid::parse_str(&envelope.correlation_id).unwrap_or(cause);
    Metadata::caused_by(cause, correlation, Actor::System("complaints".into()))
}
