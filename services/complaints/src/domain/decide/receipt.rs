//! The complainant received a stage's outcome (R-S2-1, R-S3-1).

use super::current_stage;
use crate::domain::command::RecordOutcomeReceipt;
use crate::domain::context::Context;
use crate::domain::event::{DeadlineSet, Event, OutcomeReceived};
use crate::domain::refusal::Refusal;
use crate::domain::state::Complaint;
use crate::domain::types::{DeadlineKind, Stage};

/// R-S2-1, R-S3-1: the 14 days to ask for the next stage run from the
/// complainant's receipt of the outcome. An emailed outcome is received the
/// day the mail server accepted it; a posted one the policy's delivery
/// working days after the day it was posted (`POSTAL_DELIVERY_WORKING_DAYS`,
/// by the calendar). The escalation window's deadline is set afresh to end
/// 14 days after that receipt (the watcher closes the complaint only after
/// it, and only once the receipt is known).
///
/// The first delivery counts: a resend or a copy reported later changes
/// nothing, and neither does a delivery reported once the complainant has
/// asked for the next stage. A send day reported before the outcome was
/// issued (clocks apart) counts as the issue day. Refused, appending
/// nothing, when there is no such outcome waiting for its window.
pub(super) fn record_receipt(
    state: &Complaint,
    c: RecordOutcomeReceipt,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let rule = match c.stage {
        Stage::One => "R-S2-1",
        Stage::Two => "R-S3-1",
        Stage::Three => {
            return Err(Refusal::precondition(
                "R-S3-6",
                "the Stage 3 outcome is final: no escalation window runs from its receipt",
            ));
        }
    };
    let at = current_stage(state);
    if at != c.stage {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the complaint is at {at}, so the receipt of the {} outcome no longer \
                 starts a window",
                c.stage
            ),
        ));
    }
    let record = state.current_record();
    let Some(outcome) = record.and_then(|r| r.outcome.as_ref()) else {
        return Err(Refusal::precondition(
            rule,
            format!("the {} outcome has not been recorded", c.stage),
        ));
    };
    if let Some(received) = record.and_then(|r| r.outcome_received.as_ref()) {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the {} outcome was already received on {}; the first delivery counts",
                c.stage, received.received_on
            ),
        ));
    }
    let sent_on = c.sent_on.max(outcome.issued_on);
    let received_on = if c.by_post {
        ctx.calendar
            .add_working_days(sent_on, ctx.policy.postal_delivery)
    } else {
        sent_on
    };
    let window_ends_on = calendar::add_calendar_days(received_on, ctx.policy.escalation_window);
    Ok(vec![
        Event::OutcomeReceived(OutcomeReceived {
            stage: c.stage,
            by_post: c.by_post,
            sent_on,
            received_on,
            window_ends_on,
        }),
        Event::DeadlineSet(DeadlineSet {
            kind: DeadlineKind::EscalationWindow(c.stage),
            due_on: window_ends_on,
            set_on: ctx.today,
        }),
    ])
}
