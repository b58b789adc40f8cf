//! The complainant received a stage's outcome (R-S2-1, R-S3-1): as the
//! notifications service reports its delivery, or as staff record it by
//! hand when it did not reach them as reported. Of the two the later
//! receipt counts, so the complainant never loses days.

use super::current_stage;
use crate::domain::command::{RecordOutcomeReceipt, RecordReceiptByHand};
use crate::domain::context::Context;
use crate::domain::event::{
    DeadlineSet, Event, OutcomeReceiptRecorded, OutcomeReceived, OutcomeRecorded,
};
use crate::domain::refusal::Refusal;
use crate::domain::state::Complaint;
use crate::domain::types::{DeadlineKind, Stage};
use chrono::NaiveDate;

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
/// asked for the next stage. A delivery reported after staff recorded the
/// receipt by hand ([`record_by_hand`]) counts only if it is later, so the
/// complainant never loses days. A send day reported before the outcome
/// was issued (clocks apart) counts as the issue day. Refused, appending
/// nothing, when there is no such outcome waiting for its window.
pub(super) fn record_receipt(
    state: &Complaint,
    c: RecordOutcomeReceipt,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let (rule, outcome) = awaiting_outcome(state, c.stage)?;
    let record = state.current_record();
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
    if let Some(by_hand) = record.and_then(|r| r.receipt_by_hand.as_ref())
        && by_hand.received_on >= received_on
    {
        return Err(Refusal::precondition(
            rule,
            format!(
                "staff recorded the {} outcome received on {}, no earlier than this delivery \
                 ({received_on}); the later receipt counts",
                c.stage, by_hand.received_on
            ),
        ));
    }
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

/// The rule of the window the `stage` outcome opens (R-S2-1 after Stage 1,
/// R-S3-1 after Stage 2) and that outcome, when it is the current stage's
/// and recorded; refused otherwise (a Stage 3 outcome is final, R-S3-6).
fn awaiting_outcome(
    state: &Complaint,
    stage: Stage,
) -> Result<(&'static str, &OutcomeRecorded), Refusal> {
    let rule = match stage {
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
    if at != stage {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the complaint is at {at}, so the receipt of the {stage} outcome no longer \
                 starts a window"
            ),
        ));
    }
    match state.current_record().and_then(|r| r.outcome.as_ref()) {
        Some(outcome) => Ok((rule, outcome)),
        None => Err(Refusal::precondition(
            rule,
            format!("the {stage} outcome has not been recorded"),
        )),
    }
}

/// R-S2-1, R-S3-1: when the outcome did not reach the complainant as the
/// notifications service reported (a letter returned, the outcome sent
/// again, a delivery report that never came), staff record the day the
/// complainant received it and why; the escalation window then ends 14
/// days after that day. The day is one from the outcome's issue to today
/// (a receipt cannot precede the outcome nor be foreseen). A receipt
/// already known on that day or later stands: a receipt recorded by hand
/// only ever moves the window later, so the complainant never loses days.
/// Who may record it is the stage's outcome role (`reach.rs`).
pub(super) fn record_by_hand(
    state: &Complaint,
    c: RecordReceiptByHand,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let (rule, outcome) = awaiting_outcome(state, c.stage)?;
    check_day(rule, c.received_on, outcome.issued_on, ctx.today)?;
    let known = state.current_record().and_then(|r| r.outcome_received_on());
    if let Some(known) = known.filter(|known| *known >= c.received_on) {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the complainant is already known to have received the {} outcome on {known}; \
                 a receipt recorded by hand can only be later, so they never lose days",
                c.stage
            ),
        ));
    }
    let window_ends_on = calendar::add_calendar_days(c.received_on, ctx.policy.escalation_window);
    Ok(vec![
        Event::OutcomeReceiptRecorded(OutcomeReceiptRecorded {
            stage: c.stage,
            received_on: c.received_on,
            window_ends_on,
            resent: c.resent,
            reason: c.reason,
            recorded_by: c.recorded_by,
        }),
        Event::DeadlineSet(DeadlineSet {
            kind: DeadlineKind::EscalationWindow(c.stage),
            due_on: window_ends_on,
            set_on: ctx.today,
        }),
    ])
}

/// The day a receipt is recorded for: not before the outcome was issued,
/// not after today.
fn check_day(
    rule: &'static str,
    received_on: NaiveDate,
    issued_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), Refusal> {
    if received_on < issued_on {
        return Err(Refusal::invalid(
            rule,
            "received_on",
            format!("the outcome cannot be received before it was issued on {issued_on}"),
        ));
    }
    if received_on > today {
        return Err(Refusal::invalid(
            rule,
            "received_on",
            format!("the day it was received cannot be after today ({today})"),
        ));
    }
    Ok(())
}
