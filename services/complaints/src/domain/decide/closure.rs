//! Ways a complaint ends, and what follows.

use super::{current_stage, not_in_future};
use crate::domain::command::{DecideNewIssues, RaiseNewIssues, ResolveOutsideProcedure};
use crate::domain::context::Context;
use crate::domain::event::{
    ComplaintClosed, Event, NewIssuesAwaitingDecision, NewIssuesDecided, NewIssuesRaised,
    ResolvedOutsideProcedure,
};
use crate::domain::refusal::Refusal;
use crate::domain::state::{ClosedHow, Complaint};
use crate::domain::types::{ComplaintRef, DeadlineKind, Stage};
use chrono::Months;

/// R-INT-7: a quick issue is resolved outside the procedure, at Stage 1
/// before any outcome; it is recorded as such and closed, not lost.
pub(super) fn resolve_outside_procedure(
    state: &Complaint,
    c: ResolveOutsideProcedure,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    let has_outcome = state.current_record().is_some_and(|r| r.outcome.is_some());
    if stage != Stage::One || has_outcome {
        return Err(Refusal::precondition(
            "R-INT-7",
            format!(
                "only a Stage 1 complaint without an outcome can be resolved outside the \
                 procedure; this one is at {stage}{}",
                if has_outcome {
                    " with its outcome recorded"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(vec![
        Event::ResolvedOutsideProcedure(ResolvedOutsideProcedure {
            how: c.how,
            resolved_on: ctx.today,
        }),
        Event::ComplaintClosed(ComplaintClosed {
            how: ClosedHow::ResolvedOutsideProcedure,
            closed_on: ctx.today,
        }),
    ])
}

/// R-UPC-2: a closed complaint is not revisited unless new issues are
/// raised within the prescribed timescale (`new_issues_within_months` of
/// the complainant becoming aware of them, 6 by default); they become a
/// new complaint (opened by the shell with `raised_from`), linked here.
/// Later ones are recorded as waiting for a staff decision, as a matter
/// out of time at intake waits for a compelling reason (R-INT-2), and are
/// not opened until staff decide ([`decide_new_issues`]).
pub(super) fn raise_new_issues(
    state: &Complaint,
    c: RaiseNewIssues,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    if !state.is_closed() {
        return Err(Refusal::precondition(
            "R-UPC-2",
            "the complaint is still open: new issues are dealt with within it",
        ));
    }
    if let Some(waiting) = &state.new_issues_awaiting {
        return Err(Refusal::precondition(
            "R-UPC-2",
            format!(
                "new issues raised on {} are waiting for a staff decision; decide on them first",
                waiting.raised_on
            ),
        ));
    }
    check_new_reference(state, c.new_reference)?;
    let became_aware_on = c.became_aware_on.unwrap_or(ctx.today);
    not_in_future("R-UPC-2", "became_aware_on", became_aware_on, ctx)?;
    let months = ctx.policy.new_issues_within_months;
    let earliest = ctx
        .today
        .checked_sub_months(Months::new(months))
        .unwrap_or(chrono::NaiveDate::MIN);
    if became_aware_on < earliest {
        return Ok(vec![Event::NewIssuesAwaitingDecision(
            NewIssuesAwaitingDecision {
                description: c.description,
                became_aware_on,
                raised_on: ctx.today,
            },
        )]);
    }
    Ok(vec![Event::NewIssuesRaised(NewIssuesRaised {
        new_reference: c.new_reference,
        description: c.description,
        raised_on: ctx.today,
    })])
}

/// R-UPC-2: staff decide on new issues waiting for a decision: a
/// compelling reason opens them as a new complaint (the shell opens it
/// from the `NewIssuesRaised` that follows), a decline ends the matter.
pub(super) fn decide_new_issues(
    state: &Complaint,
    c: DecideNewIssues,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let Some(waiting) = &state.new_issues_awaiting else {
        return Err(Refusal::precondition(
            "R-UPC-2",
            "no new issues are waiting for a staff decision",
        ));
    };
    check_new_reference(state, c.new_reference)?;
    let mut events = vec![Event::NewIssuesDecided(NewIssuesDecided {
        compelling_reason: c.compelling_reason,
        reason: c.reason,
        decided_on: ctx.today,
    })];
    if c.compelling_reason {
        events.push(Event::NewIssuesRaised(NewIssuesRaised {
            new_reference: c.new_reference,
            description: waiting.description.clone(),
            raised_on: ctx.today,
        }));
    }
    Ok(events)
}

/// New issues go to a new complaint, each to its own.
fn check_new_reference(state: &Complaint, new_reference: ComplaintRef) -> Result<(), Refusal> {
    if state.reference() == Some(new_reference) {
        return Err(Refusal::invalid(
            "R-UPC-2",
            "new_reference",
            "new issues go to a new complaint, not to this one",
        ));
    }
    if state
        .new_issues
        .iter()
        .any(|n| n.new_reference == new_reference)
    {
        return Err(Refusal::precondition(
            "R-UPC-2",
            format!("new issues were already raised as {new_reference}"),
        ));
    }
    Ok(())
}

/// Closes a complaint whose Stage 1 or Stage 2 outcome was not taken
/// further within the escalation window (R-S2-1, R-S3-1).
pub(super) fn close_unescalated(state: &Complaint, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    let rule = match stage {
        Stage::One => "R-S2-1",
        Stage::Two => "R-S3-1",
        Stage::Three => {
            return Err(Refusal::precondition(
                "R-S3-6",
                "a Stage 3 complaint is closed by its final outcome",
            ));
        }
    };
    let record = state.current_record();
    if record.and_then(|r| r.outcome.as_ref()).is_none() {
        return Err(Refusal::precondition(
            rule,
            format!("the {stage} outcome has not been recorded, so no escalation window runs"),
        ));
    }
    // The window runs from the complainant's receipt of the outcome; until
    // it is known the complainant cannot have been late.
    let Some(received) = record.and_then(|r| r.outcome_received_on()) else {
        return Err(Refusal::precondition(
            rule,
            format!(
                "the {stage} outcome has not been reported delivered to the complainant, so \
                 the escalation window is still open"
            ),
        ));
    };
    let window_end = state
        .deadlines
        .get(&DeadlineKind::EscalationWindow(stage))
        .map_or_else(
            || calendar::add_calendar_days(received, ctx.policy.escalation_window),
            |d| d.due_on,
        );
    if ctx.today <= window_end {
        return Err(Refusal::precondition(
            rule,
            format!("the complainant may ask for the next stage until {window_end}"),
        ));
    }
    Ok(vec![Event::ComplaintClosed(ComplaintClosed {
        how: ClosedHow::EscalationWindowLapsed { stage },
        closed_on: ctx.today,
    })])
}
