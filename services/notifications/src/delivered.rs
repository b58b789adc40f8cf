//! The fact the complaints service counts the escalation windows from
//! (R-S2-1, R-S3-1): a Stage 1 or Stage 2 outcome reached the complainant,
//! the day the mail server accepted the email or the letter was marked
//! posted. It is recorded in the notification's own stream, in the same
//! transaction as its `NotificationSent`, and the relay publishes it.

use crate::store::Row;
use chrono::{DateTime, Datelike, Utc};
use complaints_proto::v1 as pb;
use prost::{Message, Name};

/// The template of the Stage 1 and Stage 2 outcome letters (a Stage 3
/// outcome is final and opens no window).
const STAGE_OUTCOME: &str = "stage_outcome";

/// `OutcomeDelivered` for `row` sent at `now`, when it is a stage's outcome
/// to the complainant: copies to a representative, other letters and
/// letters to staff deliver no outcome. A resend carries its original's
/// cause, so it is recognised too; the complaints service keeps the first.
pub fn outcome_delivered(row: &Row, now: DateTime<Utc>) -> Option<pb::OutcomeDelivered> {
    if row.template != STAGE_OUTCOME
        || row.recipient_kind != pb::RecipientKind::Complainant as i32
        || row.cause_event_type != pb::OutcomeRecorded::full_name()
    {
        return None;
    }
    let outcome = pb::OutcomeRecorded::decode(row.cause_payload.as_slice()).ok()?;
    let sent_on = calendar::uk_date(now);
    Some(pb::OutcomeDelivered {
        notification_id: row.notification_id.to_string(),
        reference: row.reference.clone(),
        stage: outcome.stage,
        channel: row.channel,
        sent_on: Some(pb::Date {
            year: sent_on.year(),
            month: sent_on.month(),
            day: sent_on.day(),
        }),
    })
}
