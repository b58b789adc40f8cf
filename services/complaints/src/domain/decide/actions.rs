//! Tracked actions: one owner, a due date, to completion (R-OUT-3, R-MON-2).

use crate::domain::command::{AddAction, CompleteAction, ReassignAction};
use crate::domain::context::Context;
use crate::domain::event::{ActionAdded, ActionCompleted, ActionReassigned, Event};
use crate::domain::refusal::Refusal;
use crate::domain::state::{Action, Complaint};
use crate::domain::types::{ActionId, ActionKind};

/// R-OUT-3, R-MON-2: an action says what will be done, by whom and by when;
/// the date is not in the past.
pub(super) fn add(state: &Complaint, c: AddAction, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    let rule = if c.kind == ActionKind::Improvement {
        "R-MON-2"
    } else {
        "R-OUT-3"
    };
    if c.due_on < ctx.today {
        return Err(Refusal::invalid(
            rule,
            "due_on",
            format!("{} is in the past (today is {})", c.due_on, ctx.today),
        ));
    }
    Ok(vec![Event::ActionAdded(ActionAdded {
        action: state.next_action_id(),
        kind: c.kind,
        description: c.description,
        owner: c.owner,
        due_on: c.due_on,
        added_on: ctx.today,
    })])
}

/// An open action, or why not.
fn open_action(state: &Complaint, id: ActionId) -> Result<&Action, Refusal> {
    let Some(action) = state.actions.get(&id) else {
        return Err(Refusal::invalid(
            "R-OUT-3",
            "action",
            format!("there is no action {id}"),
        ));
    };
    if let Some(done) = &action.completed {
        return Err(Refusal::precondition(
            "R-OUT-3",
            format!("action {id} was completed on {}", done.completed_on),
        ));
    }
    Ok(action)
}

/// R-OUT-3: an open action passes to one new owner.
pub(super) fn reassign(
    state: &Complaint,
    c: ReassignAction,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let action = open_action(state, c.action)?;
    if action.owner == c.owner {
        return Err(Refusal::precondition(
            "R-OUT-3",
            format!("action {} is already owned by {}", c.action, c.owner),
        ));
    }
    Ok(vec![Event::ActionReassigned(ActionReassigned {
        action: c.action,
        previous_owner: action.owner.clone(),
        owner: c.owner,
        reason: c.reason,
        reassigned_on: ctx.today,
    })])
}

/// R-OUT-3: an open action is completed, once.
pub(super) fn complete(
    state: &Complaint,
    c: CompleteAction,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    open_action(state, c.action)?;
    Ok(vec![Event::ActionCompleted(ActionCompleted {
        action: c.action,
        note: c.note,
        completed_on: ctx.today,
    })])
}
