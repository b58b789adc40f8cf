//! Recording the outcome of a stage (section 4).

use super::{current_stage, meet};
use crate::domain::command::{AssessmentFailureActions, PlannedAction, RecordOutcome};
use crate::domain::context::Context;
use crate::domain::event::{
    ActionAdded, ComplaintClosed, DeadlineSet, Event, OutcomeRecorded, ReferralRightRecorded,
};
use crate::domain::refusal::Refusal;
use crate::domain::state::{ClosedHow, Complaint};
use crate::domain::types::{ActionKind, DeadlineKind, Decision, Remedy, Role, Stage};
use chrono::NaiveDate;

/// Records the written findings of the current stage (R-OUT-1; findings
/// that are only punctuation or a placeholder such as "n/a" or "tbc" are
/// refused) with its
/// remedies (R-OUT-2) and, when an assessment failure was found, the three
/// actions it opens (R-OUT-4). After Stage 1 or 2 the escalation window
/// starts (R-S2-1, R-S3-1), counted from the complainant's receipt of the
/// outcome once it is known ([`LetterWindow`]); the Stage 3 outcome is
/// final and closes the complaint (R-S3-6), stating the right to refer a
/// regulated qualification to its regulators (R-REG-2).
pub(super) fn record_outcome(
    state: &Complaint,
    c: RecordOutcome,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    check_stage(state, stage, c.stage)?;
    if c.findings.is_placeholder() {
        return Err(Refusal::invalid(
            "R-OUT-1",
            "findings",
            format!(
                "{:?} is not written findings: say what happened, any mistakes acknowledged, \
                 how they are put right and by when",
                c.findings.as_str()
            ),
        ));
    }
    check_remedies(c.decision, &c.remedies, ctx)?;
    let remedies = remedy_timescales(state, c.remedies, ctx)?;
    let planned = check_assessment_failure(
        c.assessment_failure_found,
        c.assessment_failure_actions,
        ctx,
    )?;

    let window = LetterWindow::of(stage, ctx);
    let mut events = vec![Event::OutcomeRecorded(OutcomeRecorded {
        stage,
        decision: c.decision,
        findings: c.findings,
        remedies,
        assessment_failure_found: c.assessment_failure_found,
        issued_on: ctx.today,
        escalation_window_ends_on: window.map(|w| w.by_email),
        escalation_window_ends_on_by_post: window.map(|w| w.by_post),
        recorded_by: Some(c.recorded_by),
    })];
    let response = match stage {
        Stage::One => DeadlineKind::AgreedTimescale,
        Stage::Two => DeadlineKind::Stage2Response,
        Stage::Three => DeadlineKind::Stage3Response,
    };
    events.extend(meet(state, response, ctx.today));
    if let Some(w) = window {
        let by_post = state
            .opened
            .as_ref()
            .is_some_and(|o| o.correspondence_by_post);
        events.push(Event::DeadlineSet(DeadlineSet {
            kind: DeadlineKind::EscalationWindow(stage),
            due_on: if by_post { w.by_post } else { w.by_email },
            set_on: ctx.today,
        }));
    }
    let mut id = state.next_action_id();
    for (kind, action) in planned {
        events.push(Event::ActionAdded(ActionAdded {
            action: id,
            kind,
            description: action.description,
            owner: action.owner,
            due_on: action.due_on,
            added_on: ctx.today,
        }));
        id = id.next();
    }
    if stage == Stage::Three {
        if let Some(q) = state.qualification().filter(|q| q.is_regulated()) {
            events.push(Event::ReferralRightRecorded(ReferralRightRecorded {
                regulators: q.regulators().to_vec(),
                recorded_on: ctx.today,
            }));
        }
        events.push(Event::ComplaintClosed(ComplaintClosed {
            how: ClosedHow::ClosedAfterStage3,
            closed_on: ctx.today,
        }));
    }
    Ok(events)
}

/// R-S2-1, R-S3-1: the last day to ask for the next stage as the outcome
/// letter states it, counted from the letter's expected receipt: an email
/// sent today is received today; a letter posted today is received after
/// the policy's delivery working days. The window enforced runs from the
/// receipt notifications reports ([`super::receipt`]), which is never
/// earlier, so the date a letter states never promises more time than the
/// complainant has. Until the receipt is known the escalation window's
/// deadline is set to the date for the complainant's preferred channel.
#[derive(Debug, Clone, Copy)]
struct LetterWindow {
    by_email: NaiveDate,
    by_post: NaiveDate,
}

impl LetterWindow {
    /// `None` at Stage 3, whose outcome is final (R-S3-6).
    fn of(stage: Stage, ctx: &Context) -> Option<Self> {
        stage.next()?;
        let days = ctx.policy.escalation_window;
        let posted_received = ctx
            .calendar
            .add_working_days(ctx.today, ctx.policy.postal_delivery);
        Some(Self {
            by_email: calendar::add_calendar_days(ctx.today, days),
            by_post: calendar::add_calendar_days(posted_received, days),
        })
    }
}

/// The outcome is for the stage the complaint is at, once; Stage 2 needs its
/// manager (R-S2-3), Stage 3 its acknowledgement (R-S3-4) and then its
/// investigation decision (R-S3-3).
fn check_stage(state: &Complaint, stage: Stage, asked: Stage) -> Result<(), Refusal> {
    if asked != stage {
        return Err(Refusal::precondition(
            "R-OUT-1",
            format!("the complaint is at {stage}, so a {asked} outcome cannot be recorded"),
        ));
    }
    let Some(record) = state.current_record() else {
        return Ok(());
    };
    if let Some(outcome) = &record.outcome {
        return Err(Refusal::precondition(
            "R-OUT-1",
            format!(
                "the {stage} outcome was already recorded on {}",
                outcome.issued_on
            ),
        ));
    }
    let has_manager = record
        .handler
        .as_ref()
        .is_some_and(|h| h.role == Role::Manager);
    if stage == Stage::Two && !has_manager {
        return Err(Refusal::precondition(
            "R-S2-3",
            "Stage 2 has not been allocated to a manager yet",
        ));
    }
    if stage == Stage::Three && record.acknowledged_on.is_none() {
        return Err(Refusal::precondition(
            "R-S3-4",
            "the Stage 3 request has not been acknowledged yet",
        ));
    }
    if stage == Stage::Three && record.investigation.is_none() {
        return Err(Refusal::precondition(
            "R-S3-3",
            "the Corporate Compliance Manager has not yet decided whether further investigation is warranted",
        ));
    }
    Ok(())
}

/// R-OUT-2: an upheld or partly upheld complaint records at least one
/// remedy; one not upheld carries at most an apology or an explanation,
/// never compensation; compensation is not expected to be paid in the past.
fn check_remedies(decision: Decision, remedies: &[Remedy], ctx: &Context) -> Result<(), Refusal> {
    if decision != Decision::NotUpheld && remedies.is_empty() {
        return Err(Refusal::invalid(
            "R-OUT-2",
            "remedies",
            "an upheld or partly upheld complaint records how it is put right: at least one remedy",
        ));
    }
    let not_allowed = |r: &&Remedy| !r.kind().is_apology_or_explanation();
    if decision == Decision::NotUpheld
        && let Some(r) = remedies.iter().find(not_allowed)
    {
        return Err(Refusal::invalid(
            "R-OUT-2",
            "remedies",
            format!(
                "a complaint that is not upheld carries only an apology or an explanation, not {:?}",
                r.kind()
            ),
        ));
    }
    for compensation in remedies.iter().filter_map(Remedy::compensation) {
        if compensation.expected_payment_on < ctx.today {
            return Err(Refusal::invalid(
                "R-OUT-2",
                "remedies",
                format!(
                    "the expected payment date {} is in the past",
                    compensation.expected_payment_on
                ),
            ));
        }
    }
    Ok(())
}

/// R-OUT-1: how each remedy will be put right and by when. A remedy that
/// names a follow-up action of the complaint (R-OUT-3) takes the action's
/// due date as the date it will be done by; one given directly is not in
/// the past. A remedy may carry neither (e.g. an apology given in the
/// letter itself).
fn remedy_timescales(
    state: &Complaint,
    remedies: Vec<Remedy>,
    ctx: &Context,
) -> Result<Vec<Remedy>, Refusal> {
    remedies
        .into_iter()
        .map(|remedy| match (remedy.done_by(), remedy.action()) {
            (given, Some(id)) => {
                let Some(action) = state.actions.get(&id) else {
                    return Err(Refusal::invalid(
                        "R-OUT-3",
                        "remedies",
                        format!("{id} is not an action of this complaint"),
                    ));
                };
                if given.is_some_and(|d| d != action.due_on) {
                    return Err(Refusal::invalid(
                        "R-OUT-1",
                        "remedies",
                        format!(
                            "the remedy is done by its action {id}, due on {}: give the action or a date, not both",
                            action.due_on
                        ),
                    ));
                }
                Ok(remedy.with_timescale(Some(action.due_on), Some(id)))
            }
            (Some(done_by), None) if done_by < ctx.today => Err(Refusal::invalid(
                "R-OUT-1",
                "remedies",
                format!("the remedy's date {done_by} is in the past (today is {})", ctx.today),
            )),
            _ => Ok(remedy),
        })
        .collect()
}

/// R-OUT-4: an assessment failure opens three actions, each with an owner
/// and a due date (R-OUT-3); actions are given exactly when a failure is found.
fn check_assessment_failure(
    found: bool,
    actions: Option<AssessmentFailureActions>,
    ctx: &Context,
) -> Result<Vec<(ActionKind, PlannedAction)>, Refusal> {
    let actions = match (found, actions) {
        (false, None) => return Ok(Vec::new()),
        (false, Some(_)) => {
            return Err(Refusal::invalid(
                "R-OUT-4",
                "assessment_failure_actions",
                "assessment failure actions are given only when a failure was found",
            ));
        }
        (true, None) => {
            return Err(Refusal::invalid(
                "R-OUT-4",
                "assessment_failure_actions",
                "a failure in the assessment process opens actions to identify other affected \
                 learners, correct or mitigate, and prevent recurrence: each needs an owner and a due date",
            ));
        }
        (true, Some(actions)) => actions,
    };
    let planned = vec![
        (
            ActionKind::IdentifyAffectedLearners,
            actions.identify_affected_learners,
        ),
        (ActionKind::CorrectOrMitigate, actions.correct_or_mitigate),
        (ActionKind::PreventRecurrence, actions.prevent_recurrence),
    ];
    if let Some((_, late)) = planned.iter().find(|(_, a)| a.due_on < ctx.today) {
        return Err(Refusal::invalid(
            "R-OUT-3",
            "assessment_failure_actions",
            format!("an action due on {} would be due in the past", late.due_on),
        ));
    }
    Ok(planned)
}
