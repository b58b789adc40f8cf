//! The complainant asks for the next stage (R-S1-4, R-S2-1..3, R-S3-1..5).

use super::handling::stage3_taker;
use super::{current_stage, deadline_after, meet, not_in_future, withdraw};
use crate::domain::command::RequestEscalation;
use crate::domain::context::Context;
use crate::domain::event::{Event, HandlerAssigned, StageEscalated};
use crate::domain::refusal::Refusal;
use crate::domain::state::Complaint;
use crate::domain::types::{DeadlineKind, Grounds, Role, Stage};
use chrono::NaiveDate;

/// Moves the complaint to the next stage at the complainant's request.
///
/// Stages run in numerical order (R-S2-2, R-S3-2). A request follows the
/// outcome of the current stage and comes within the escalation window
/// (R-S2-1, R-S3-1) — except ground (c), which is available at Stage 1
/// without an outcome once the agreed timescale has passed (R-S1-4). Stage 2
/// gets a response deadline and waits for its manager (R-S2-3, R-S2-4);
/// Stage 3 goes to the Corporate Compliance Manager (or, when independence
/// bars them, the nominated deputy) with acknowledgement and response
/// deadlines (R-S3-3, R-S3-4, R-S3-5).
pub(super) fn request_escalation(
    state: &Complaint,
    c: RequestEscalation,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let from = current_stage(state);
    let to = check_order(from, c.to)?;
    let rule = window_rule(from);
    let mut grounds = c.grounds;
    grounds.sort();
    grounds.dedup();
    check_grounds(to, &grounds)?;
    if to == Stage::Three && c.outcome_sought.is_none() {
        return Err(Refusal::invalid(
            "R-S3-1",
            "outcome_sought",
            "a Stage 3 request says what outcome the complainant is seeking",
        ));
    }
    not_in_future(rule, "received_on", c.received_on, ctx)?;
    check_timing(state, from, &grounds, c.received_on, ctx)?;

    let window = DeadlineKind::EscalationWindow(from);
    let mut events = vec![Event::StageEscalated(StageEscalated {
        to,
        grounds,
        reasons: c.reasons,
        outcome_sought: c.outcome_sought,
        received_on: c.received_on,
        escalated_on: ctx.today,
    })];
    events.extend(meet(state, window, c.received_on));
    events.extend(withdraw(state, DeadlineKind::AgreedTimescale, ctx));
    let policy = ctx.policy;
    if to == Stage::Two {
        let kind = DeadlineKind::Stage2Response;
        events.push(deadline_after(
            kind,
            c.received_on,
            policy.stage2_response,
            ctx,
        ));
    } else {
        // R-S3-3: the Corporate Compliance Manager, or the nominated deputy
        // when independence bars them. With neither, the request still
        // stands and its deadlines run: Stage 3 waits for a deputy to be
        // nominated and allocated, and the allocation refusal says why.
        if let Ok(taker) = stage3_taker(state, ctx) {
            events.push(Event::HandlerAssigned(HandlerAssigned {
                stage: Stage::Three,
                staff: taker,
                team: policy.compliance_team.clone(),
                role: Role::ComplianceManager,
                assigned_on: ctx.today,
            }));
        }
        let ack = DeadlineKind::Stage3Acknowledgement;
        events.push(deadline_after(
            ack,
            c.received_on,
            policy.stage3_acknowledgement,
            ctx,
        ));
        let response = DeadlineKind::Stage3Response;
        events.push(deadline_after(
            response,
            c.received_on,
            policy.stage3_response,
            ctx,
        ));
    }
    Ok(events)
}

fn window_rule(from: Stage) -> &'static str {
    match from {
        Stage::One => "R-S2-1",
        Stage::Two | Stage::Three => "R-S3-1",
    }
}

/// R-S2-2, R-S3-2: only to the stage right after the current one; R-S3-6:
/// nothing after Stage 3.
fn check_order(from: Stage, to: Stage) -> Result<Stage, Refusal> {
    let Some(next) = from.next() else {
        return Err(Refusal::precondition(
            "R-S3-6",
            "the complaint is at Stage 3, the last stage: there is no further internal appeal",
        ));
    };
    if to == next {
        return Ok(to);
    }
    let rule = if to == Stage::Three {
        "R-S3-2"
    } else {
        "R-S2-2"
    };
    let reason = if to <= from {
        format!("the complaint is already at {from}; it can only go on to {next}")
    } else {
        format!(
            "stages run in numerical order: the complaint is at {from}, so it can only go on to {next}"
        )
    };
    Err(Refusal::precondition(rule, reason))
}

/// R-S1-4: Stage 2 grounds are (a), (b) or (c); footnote 5 and R-S3-1 allow
/// those and dissatisfaction with the outcome for Stage 3. At least one.
fn check_grounds(to: Stage, grounds: &[Grounds]) -> Result<(), Refusal> {
    let rule = if to == Stage::Two { "R-S1-4" } else { "R-S3-1" };
    if grounds.is_empty() {
        return Err(Refusal::invalid(
            rule,
            "grounds",
            format!("a request for {to} gives its grounds"),
        ));
    }
    if to == Stage::Two && grounds.contains(&Grounds::DissatisfiedWithOutcome) {
        return Err(Refusal::invalid(
            rule,
            "grounds",
            "Stage 2 grounds are (a) not understood or investigated, (b) points not answered \
             or (c) no response within the agreed timescale",
        ));
    }
    Ok(())
}

/// The request follows the current stage's outcome and comes within its
/// window (R-S2-1, R-S3-1), or relies on ground (c) at Stage 1 (R-S1-4).
/// The window is 14 days from the complainant's receipt of the outcome
/// (see [`super::receipt`]); until the notifications service reports the
/// outcome delivered the complainant cannot be late, so the window is open.
fn check_timing(
    state: &Complaint,
    from: Stage,
    grounds: &[Grounds],
    received_on: NaiveDate,
    ctx: &Context,
) -> Result<(), Refusal> {
    let rule = window_rule(from);
    let to = from.next().unwrap_or(Stage::Three);
    let outcome = state.current_record().and_then(|r| r.outcome.as_ref());
    let Some(outcome) = outcome else {
        if from == Stage::One && grounds.contains(&Grounds::NoResponseInTimescale) {
            return check_ground_c(state, received_on);
        }
        return Err(Refusal::precondition(
            if from == Stage::One {
                "R-S1-4"
            } else {
                "R-S3-1"
            },
            format!(
                "a request for {to} follows the {from} outcome, which has not been recorded yet"
            ),
        ));
    };
    if from == Stage::One && grounds.contains(&Grounds::NoResponseInTimescale) {
        check_ground_c_after_outcome(state, outcome.issued_on)?;
    }
    if received_on < outcome.issued_on {
        return Err(Refusal::invalid(
            rule,
            "received_on",
            format!(
                "{received_on} is before the {from} outcome was issued on {}",
                outcome.issued_on
            ),
        ));
    }
    let received = state.current_record().and_then(|r| r.outcome_received_on());
    let Some(received) = received else {
        return Ok(());
    };
    let days = ctx.policy.escalation_window;
    let window_end = state
        .deadlines
        .get(&DeadlineKind::EscalationWindow(from))
        .map_or_else(|| calendar::add_calendar_days(received, days), |d| d.due_on);
    if received_on > window_end {
        return Err(Refusal::precondition(
            rule,
            format!(
                "a {to} request must come within {} days of receipt of the {from} outcome \
                 (outcome received {}, request received {received_on}, window ended {window_end})",
                days, received
            ),
        ));
    }
    Ok(())
}

/// R-S1-4 ground (c): no Stage 1 response within the agreed timescale and no
/// indication when one would come — the agreed date (after any revision)
/// has passed without an outcome.
fn check_ground_c(state: &Complaint, received_on: NaiveDate) -> Result<(), Refusal> {
    match state.live_deadline(DeadlineKind::AgreedTimescale) {
        None => Err(Refusal::precondition(
            "R-S1-4",
            "ground (c) needs an agreed timescale that has passed, and none was agreed; \
             a request for Stage 2 otherwise follows the Stage 1 outcome",
        )),
        Some(d) if received_on <= d.due_on => Err(Refusal::precondition(
            "R-S1-4",
            format!(
                "ground (c) is available once the agreed timescale has passed; it runs until {} \
                 (request received {received_on})",
                d.due_on
            ),
        )),
        Some(_) => Ok(()),
    }
}

/// R-S1-4 ground (c) once the Stage 1 outcome exists: it was available only
/// if the agreed timescale (after any revision) passed before the outcome
/// came. An outcome issued on or before the agreed date was a response
/// within the timescale, so a request claiming (c) is refused naming
/// `grounds`; the complainant can still ask on (a) or (b).
fn check_ground_c_after_outcome(state: &Complaint, issued_on: NaiveDate) -> Result<(), Refusal> {
    let agreed = state.deadlines.get(&DeadlineKind::AgreedTimescale);
    match agreed {
        Some(d) if issued_on > d.due_on => Ok(()),
        Some(d) => Err(Refusal::invalid(
            "R-S1-4",
            "grounds",
            format!(
                "ground (c) is not available: the Stage 1 outcome was issued on {issued_on}, \
                 within the agreed timescale (due {}); ask on ground (a) or (b)",
                d.due_on
            ),
        )),
        None => Err(Refusal::invalid(
            "R-S1-4",
            "grounds",
            format!(
                "ground (c) is not available: no timescale was agreed and the Stage 1 outcome \
                 was issued on {issued_on}; ask on ground (a) or (b)"
            ),
        )),
    }
}
