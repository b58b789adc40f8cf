//! Deciding a command: which events it yields, or why it is refused. Pure:
//! the clock, calendar and policy come in the [`Context`].

mod actions;
mod closure;
mod deadlines;
mod escalation;
mod handling;
mod opening;
mod outcome;
mod receipt;
mod records;
mod stage3;

use super::command::Command;
use super::context::Context;
use super::event::{DeadlineMet, DeadlineSet, DeadlineWithdrawn, Event};
use super::refusal::Refusal;
use super::state::{ClosedHow, Complaint, Status};
use super::types::{DeadlineKind, Stage};
use calendar::WorkingDays;
use chrono::NaiveDate;

/// The events `command` yields on `state`, or why it is refused. A refused
/// command yields no events.
pub fn decide(state: &Complaint, command: Command, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    admit(state, &command)?;
    let events = decide_admitted(state, command, ctx)?;
    Ok(settle_deadlines_on_closure(state, events, ctx))
}

/// A closed complaint waits for nothing: whatever deadline is still live
/// when it closes is withdrawn in the same decision, so no view, queue or
/// watcher ever shows a closed complaint as due or overdue.
fn settle_deadlines_on_closure(
    state: &Complaint,
    mut events: Vec<Event>,
    ctx: &Context,
) -> Vec<Event> {
    let Some(closing) = events
        .iter()
        .position(|e| matches!(e, Event::ComplaintClosed(_)))
    else {
        return events;
    };
    let before_closing = events[..closing].iter().fold(state.clone(), super::evolve);
    let withdrawn: Vec<Event> = before_closing
        .live_deadlines()
        .map(|d| {
            Event::DeadlineWithdrawn(DeadlineWithdrawn {
                kind: d.kind,
                withdrawn_on: ctx.today,
            })
        })
        .collect();
    events.splice(closing..closing, withdrawn);
    events
}

fn decide_admitted(
    state: &Complaint,
    command: Command,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Open(c) => opening::open(c, ctx),
        Command::AssignHandler(c) => handling::assign_handler(state, c, ctx),
        Command::RecordContact(c) => handling::record_contact(state, c, ctx),
        Command::AgreeTimescale(c) => handling::agree_timescale(state, c, ctx),
        Command::RecordUpdate(c) => handling::record_update(state, c, ctx),
        Command::ReferToLineManager(c) => handling::refer_to_line_manager(state, c, ctx),
        Command::RecordOutcome(c) => outcome::record_outcome(state, c, ctx),
        Command::RecordOutcomeReceipt(c) => receipt::record_receipt(state, c, ctx),
        Command::RecordReceiptByHand(c) => receipt::record_by_hand(state, c, ctx),
        Command::RequestEscalation(c) => escalation::request_escalation(state, c, ctx),
        Command::DecideInvestigation(c) => stage3::decide_investigation(state, c, ctx),
        Command::AcknowledgeStage3 => stage3::acknowledge(state, ctx),
        Command::ExtendDeadline(c) => deadlines::extend(state, c, ctx),
        Command::MarkDeadlineApproaching(kind) => deadlines::mark_approaching(state, kind, ctx),
        Command::MarkDeadlineMissed(kind) => deadlines::mark_missed(state, kind, ctx),
        Command::AddAction(c) => actions::add(state, c, ctx),
        Command::ReassignAction(c) => actions::reassign(state, c, ctx),
        Command::CompleteAction(c) => actions::complete(state, c, ctx),
        Command::RecordRegulatorReferral(c) => records::regulator_referral(state, c, ctx),
        Command::RestrictContact(c) => records::restrict_contact(c, ctx),
        Command::LiftRestriction(c) => records::lift_restriction(state, c, ctx),
        Command::MarkRestrictionReviewDue => records::mark_restriction_review_due(state, ctx),
        Command::RecordDisclosure(c) => records::disclosure(c, ctx),
        Command::RecordInformationPermission(c) => records::information_permission(c, ctx),
        Command::ResolveOutsideProcedure(c) => closure::resolve_outside_procedure(state, c, ctx),
        Command::RaiseNewIssues(c) => closure::raise_new_issues(state, c, ctx),
        Command::DecideNewIssues(c) => closure::decide_new_issues(state, c, ctx),
        Command::CloseUnescalated => closure::close_unescalated(state, ctx),
    }
}

/// Whether the complaint's life allows the command at all: only `Open`
/// before opening and never after (R-REC-1: a complaint is recorded once,
/// and nothing is done to one never opened); on a closed complaint only the
/// follow-ups of [`Command::allowed_after_closure`] (R-UPC-2, R-S3-6).
fn admit(state: &Complaint, command: &Command) -> Result<(), Refusal> {
    let reference = state
        .reference()
        .map_or_else(|| "the complaint".to_owned(), |r| r.to_string());
    match (&state.status, command) {
        (Status::NotOpened, Command::Open(_)) => Ok(()),
        (Status::NotOpened, _) => Err(Refusal::precondition(
            "R-REC-1",
            format!(
                "{} needs an open complaint, and none has been opened",
                command.name()
            ),
        )),
        (_, Command::Open(_)) => Err(Refusal::precondition(
            "R-REC-1",
            format!("{reference} has already been opened"),
        )),
        (Status::Closed { how, on }, c) if !c.allowed_after_closure() => {
            let (rule, why) = match how {
                ClosedHow::ClosedAfterStage3 => (
                    "R-S3-6",
                    "the Stage 3 outcome is final and there is no further internal appeal"
                        .to_owned(),
                ),
                ClosedHow::ResolvedOutsideProcedure => (
                    "R-UPC-2",
                    "it was resolved outside the procedure".to_owned(),
                ),
                ClosedHow::EscalationWindowLapsed { stage } => (
                    "R-UPC-2",
                    format!("nobody asked for the stage after {stage} in time"),
                ),
            };
            Err(Refusal::precondition(
                rule,
                format!(
                    "{reference} was closed on {on} ({why}); it is not revisited unless new \
                     issues are raised, so {} is refused",
                    c.name()
                ),
            ))
        }
        _ => Ok(()),
    }
}

/// The stage an open complaint is at.
fn current_stage(state: &Complaint) -> Stage {
    state.stage.unwrap_or(Stage::One)
}

/// Refuses a date after today: it cannot have happened yet.
fn not_in_future(
    rule: &'static str,
    field: &'static str,
    date: NaiveDate,
    ctx: &Context,
) -> Result<(), Refusal> {
    if date > ctx.today {
        return Err(Refusal::invalid(
            rule,
            field,
            format!("{date} is in the future (today is {})", ctx.today),
        ));
    }
    Ok(())
}

/// A deadline `days` working days after `start` (start not counted).
fn deadline_after(kind: DeadlineKind, start: NaiveDate, days: WorkingDays, ctx: &Context) -> Event {
    Event::DeadlineSet(DeadlineSet {
        kind,
        due_on: ctx.calendar.add_working_days(start, days),
        set_on: ctx.today,
    })
}

/// `DeadlineMet` if the deadline is still waiting.
fn meet(state: &Complaint, kind: DeadlineKind, met_on: NaiveDate) -> Option<Event> {
    state
        .live_deadline(kind)
        .map(|_| Event::DeadlineMet(DeadlineMet { kind, met_on }))
}

/// `DeadlineWithdrawn` if the deadline is still waiting.
fn withdraw(state: &Complaint, kind: DeadlineKind, ctx: &Context) -> Option<Event> {
    state.live_deadline(kind).map(|_| {
        Event::DeadlineWithdrawn(DeadlineWithdrawn {
            kind,
            withdrawn_on: ctx.today,
        })
    })
}
