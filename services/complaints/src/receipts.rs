//! The complainant's receipt of a stage's outcome, from the notifications
//! service's delivery facts over the bus (R-S2-1, R-S3-1). The consumer's
//! inbox makes a redelivered fact count once; the domain keeps the first
//! delivery of each outcome and ignores the rest, and ignores a delivery
//! no later than a receipt staff recorded by hand (`RecordReceiptByHand`):
//! the later receipt counts, so the complainant never loses days.

use crate::domain::command::RecordOutcomeReceipt;
use crate::domain::types::{ComplaintRef, Stage};
use crate::domain::{Command, Context, decide};
use crate::settings::ComplaintsSettings;
use crate::store::Store;
use bus::{HandlerError, decode_payload};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use eventlog::{Actor, Metadata};
use platform::Clock;
use sqlx::PgConnection;
use std::sync::Arc;
use tracing::Instrument;

/// The durable consumer's name.
pub const CONSUMER: &str = "complaints-outcome-delivered";

/// Records the receipt for each `complaints.v1.OutcomeDelivered`.
#[derive(Debug, Clone)]
pub struct RecordReceipts {
    pub store: Store,
    pub settings: Arc<ComplaintsSettings>,
    pub clock: Arc<dyn Clock>,
}

impl bus::Handler for RecordReceipts {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &pb::EventEnvelope,
    ) -> Result<(), HandlerError> {
        // Notifications publishes every delivery step; only the delivery of
        // an outcome to the complainant starts a window.
        let Some(delivered) = decode_payload::<pb::OutcomeDelivered>(envelope) else {
            return Ok(());
        };
        let span = tracing::info_span!(
            "complaint.outcome_received",
            complaint.reference = %delivered.reference,
            notification.id = %delivered.notification_id,
        );
        async {
            let Some((reference, command)) = parse(&delivered) else {
                tracing::warn!("an outcome delivery fact without a usable reference, stage, channel or date is ignored");
                return Ok(());
            };
            let state = self.store.load(&reference).await?;
            let ctx = Context::new(
                self.clock.now(),
                &self.settings.calendar,
                &self.settings.policy,
            );
            let events = match decide(&state, Command::RecordOutcomeReceipt(command), &ctx) {
                Ok(events) => events,
                Err(refusal) => {
                    // A later copy or resend, an outcome the complainant
                    // already acted on, or a delivery no later than the
                    // receipt recorded by hand: the receipt known stands.
                    tracing::info!(rule = refusal.rule, "the outcome's receipt changes nothing");
                    return Ok(());
                }
            };
            let cause = uuid::Uuid::parse_str(&envelope.event_id).unwrap_or_default();
            let correlation = uuid::Uuid::parse_str(&envelope.correlation_id).unwrap_or(cause);
            let metadata =
                Metadata::caused_by(cause, correlation, Actor::System("complaints".into()));
            Store::append(tx, &state, &events, &metadata, ctx.today).await?;
            tracing::info!("outcome receipt recorded");
            Ok(())
        }
        .instrument(span)
        .await
    }
}

/// The command a delivery fact calls for, if it is well formed.
fn parse(d: &pb::OutcomeDelivered) -> Option<(ComplaintRef, RecordOutcomeReceipt)> {
    let reference = d.reference.parse::<ComplaintRef>().ok()?;
    let stage = match pb::Stage::try_from(d.stage).ok()? {
        pb::Stage::Stage1 => Stage::One,
        pb::Stage::Stage2 => Stage::Two,
        pb::Stage::Stage3 => Stage::Three,
        pb::Stage::Unspecified => return None,
    };
    let by_post = match pb::DeliveryChannel::try_from(d.channel).ok()? {
        pb::DeliveryChannel::Email => false,
        pb::DeliveryChannel::Post => true,
        pb::DeliveryChannel::Unspecified => return None,
    };
    let date = d.sent_on.as_ref()?;
    let sent_on = NaiveDate::from_ymd_opt(date.year, date.month, date.day)?;
    Some((
        reference,
        RecordOutcomeReceipt {
            stage,
            by_post,
            sent_on,
        },
    ))
}
