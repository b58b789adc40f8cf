//! Extending deadlines, and the watcher's marks.

use crate::domain::command::ExtendDeadline;
use crate::domain::context::Context;
use crate::domain::event::{DeadlineApproaching, DeadlineExtended, DeadlineMissed, Event};
use crate::domain::refusal::Refusal;
use crate::domain::state::{Complaint, Deadline};
use crate::domain::types::{DeadlineKind, Stage};

/// The rule a deadline enforces.
pub(crate) fn rule_of(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::FirstContact => "R-S1-1",
        DeadlineKind::AgreedTimescale => "R-S1-2",
        DeadlineKind::Stage2Response => "R-S2-4",
        DeadlineKind::Stage3Acknowledgement => "R-S3-4",
        DeadlineKind::Stage3Response => "R-S3-5",
        DeadlineKind::EscalationWindow(Stage::One) => "R-S2-1",
        DeadlineKind::EscalationWindow(Stage::Two) => "R-S3-1",
        DeadlineKind::EscalationWindow(Stage::Three) => "R-S3-6",
    }
}

/// The deadline, if it is still waiting; otherwise why not.
fn live(state: &Complaint, kind: DeadlineKind) -> Result<&Deadline, Refusal> {
    let rule = rule_of(kind);
    let Some(deadline) = state.deadlines.get(&kind) else {
        return Err(Refusal::precondition(
            rule,
            format!("no {kind} deadline is running"),
        ));
    };
    if let Some(on) = deadline.met_on {
        return Err(Refusal::precondition(
            rule,
            format!("the {kind} deadline was met on {on}"),
        ));
    }
    if let Some(on) = deadline.withdrawn_on {
        return Err(Refusal::precondition(
            rule,
            format!("the {kind} deadline no longer applies since {on}"),
        ));
    }
    Ok(deadline)
}

/// Moves a live deadline to a later date, with the reason (R-S1-2, R-S2-4,
/// R-S3-5: the complainant is told why and when to expect a response).
pub(super) fn extend(
    state: &Complaint,
    c: ExtendDeadline,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let deadline = live(state, c.kind)?;
    if c.due_on <= deadline.due_on || c.due_on < ctx.today {
        return Err(Refusal::invalid(
            rule_of(c.kind),
            "due_on",
            format!(
                "{} must be later than the current due date {} and not before today ({})",
                c.due_on, deadline.due_on, ctx.today
            ),
        ));
    }
    Ok(vec![Event::DeadlineExtended(DeadlineExtended {
        kind: c.kind,
        previous_due_on: deadline.due_on,
        due_on: c.due_on,
        reason: c.reason,
        extended_on: ctx.today,
    })])
}

/// Marks a live deadline as approaching: at most once per due date, and
/// only within `policy.deadline_warning` working days before it is due.
pub(super) fn mark_approaching(
    state: &Complaint,
    kind: DeadlineKind,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let deadline = live(state, kind)?;
    let rule = rule_of(kind);
    if let Some(on) = deadline.approaching_marked_on {
        return Err(Refusal::precondition(
            rule,
            format!("the {kind} deadline was already marked approaching on {on}"),
        ));
    }
    if ctx.today > deadline.due_on {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the {kind} deadline is already past (due {})",
                deadline.due_on
            ),
        ));
    }
    let left = ctx
        .calendar
        .working_days_between(ctx.today, deadline.due_on);
    let warning = ctx.policy.deadline_warning.get();
    if left > warning {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the {kind} deadline (due {}) is {left} working days away, not yet within {warning}",
                deadline.due_on
            ),
        ));
    }
    Ok(vec![Event::DeadlineApproaching(DeadlineApproaching {
        kind,
        due_on: deadline.due_on,
        marked_on: ctx.today,
    })])
}

/// Marks a live deadline as missed: at most once per due date, only once it
/// is past, never when it was met.
pub(super) fn mark_missed(
    state: &Complaint,
    kind: DeadlineKind,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let deadline = live(state, kind)?;
    let rule = rule_of(kind);
    if let Some(on) = deadline.missed_marked_on {
        return Err(Refusal::precondition(
            rule,
            format!("the {kind} deadline was already marked missed on {on}"),
        ));
    }
    if ctx.today <= deadline.due_on {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the {kind} deadline is not yet past (due {})",
                deadline.due_on
            ),
        ));
    }
    Ok(vec![Event::DeadlineMissed(DeadlineMissed {
        kind,
        due_on: deadline.due_on,
        marked_on: ctx.today,
    })])
}
