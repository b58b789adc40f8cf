use super::support::*;
use crate::domain::Event;
use crate::domain::RefusalKind;
use crate::domain::command::{Command, RecordUpdate};
use crate::domain::types::{DeadlineKind, Grounds, Role, Stage};

const A: &[Grounds] = &[Grounds::NotUnderstood];

#[test]
fn r_s2_1_a_stage_2_request_on_day_14_after_the_outcome_is_accepted() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    assert_eq!(
        case.deadline(DeadlineKind::EscalationWindow(Stage::One))
            .due_on,
        date(2026, 3, 19)
    );
    case.on(date(2026, 3, 20));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 19)));
    assert_eq!(case.state.stage, Some(Stage::Two));
    let window = case.deadline(DeadlineKind::EscalationWindow(Stage::One));
    assert_eq!(window.met_on, Some(date(2026, 3, 19)));
}

#[test]
fn r_s2_1_a_stage_2_request_on_day_15_is_refused_with_a_clear_reason() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.on(date(2026, 3, 20));
    let refusal = case.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 20)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    assert_eq!(
        refusal.to_string(),
        "R-S2-1: a Stage 2 request must come within 14 days of receipt of the Stage 1 outcome \
         (outcome received 2026-03-05, request received 2026-03-20, window ended 2026-03-19)"
    );
}

#[test]
fn r_s2_1_a_request_dated_in_the_future_or_before_the_outcome_is_refused() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 6)),
        "R-S2-1",
        RefusalKind::InvalidArgument,
    );
    case.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 4)),
        "R-S2-1",
        RefusalKind::InvalidArgument,
    );
}

#[test]
fn r_s1_4_r_s2_1_stage_2_without_a_stage_1_outcome_is_refused() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 3, 5));
    let refusal = case.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 5)),
        "R-S1-4",
        RefusalKind::Precondition,
    );
    assert!(
        refusal.reason.contains("has not been recorded"),
        "{refusal}"
    );
}

#[test]
fn r_s2_2_stage_2_comes_only_from_stage_1_and_stage_3_never_from_stage_1() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.refused_by(
        escalate(
            Stage::Three,
            &[Grounds::DissatisfiedWithOutcome],
            date(2026, 3, 5),
        ),
        "R-S3-2",
        RefusalKind::Precondition,
    );
    case.refused_by(
        escalate(Stage::One, A, date(2026, 3, 5)),
        "R-S2-2",
        RefusalKind::Precondition,
    );
    case.ok(escalate(Stage::Two, A, date(2026, 3, 5)));
    case.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 5)),
        "R-S2-2",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s2_3_stage_2_is_allocated_to_a_manager_before_its_outcome() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 5)));
    case.refused_by(not_upheld(Stage::Two), "R-S2-3", RefusalKind::Precondition);
    case.refused_by(
        assign("clerk", Role::Handler),
        "R-S2-3",
        RefusalKind::InvalidArgument,
    );
    case.ok(assign("manager", Role::Manager));
    case.ok(not_upheld(Stage::Two));
}

#[test]
fn r_s2_4_the_stage_2_response_is_due_20_working_days_after_the_request() {
    let mut case = Case::stage1_outcome(date(2026, 12, 1), date(2026, 12, 10));
    case.on(date(2026, 12, 14));
    case.ok(escalate(Stage::Two, A, date(2026, 12, 14)));
    // Over Christmas, the Boxing Day substitute and New Year's Day.
    assert_eq!(
        case.deadline(DeadlineKind::Stage2Response).due_on,
        date(2027, 1, 14)
    );
    assert_eq!(case.state.agreed_timescale, None);
}

#[test]
fn r_s2_4_the_manager_tells_the_complainant_of_a_likely_delay_with_a_revised_date() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 5)));
    let due = case.deadline(DeadlineKind::Stage2Response).due_on;
    let events = case.ok(Command::RecordUpdate(RecordUpdate {
        reason: text("waiting for the examiner's report"),
        revised_due_on: Some(date(2026, 4, 30)),
    }));
    assert_eq!(events.len(), 2);
    let deadline = case.deadline(DeadlineKind::Stage2Response);
    assert_eq!(
        (deadline.due_on, deadline.extensions[0].previous_due_on),
        (date(2026, 4, 30), due)
    );
}

/// Independence: the manager who decided Stage 1 may not be given Stage 2
/// of the same complaint; another manager may.
#[test]
fn r_s2_3_whoever_decided_stage_1_is_not_assigned_stage_2_of_the_same_complaint() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(assign("team-lead", Role::Manager));
    case.on(date(2026, 3, 5)).ok(not_upheld(Stage::One));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 5)));
    let refusal = case.refused_by(
        assign("team-lead", Role::Manager),
        "R-S2-3",
        RefusalKind::InvalidArgument,
    );
    assert!(refusal.to_string().contains("independent"), "{refusal}");
    case.ok(assign("other-manager", Role::Manager));
    case.ok(not_upheld(Stage::Two));
}

/// Independence: whoever recorded the Stage 1 outcome decided it too, so a
/// team-mate or manager who recorded it for the handler is not given
/// Stage 2 of the same complaint, and neither is the handler; the outcome
/// event names the recorder.
#[test]
fn r_s2_3_whoever_recorded_the_stage_1_outcome_is_not_assigned_stage_2_either() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(assign("handler-1", Role::Handler));
    let events = case
        .on(date(2026, 3, 5))
        .ok(recorded_by("team-lead", not_upheld(Stage::One)));
    let recorded = events.iter().find_map(|e| match e {
        Event::OutcomeRecorded(o) => o.recorded_by.clone(),
        _ => None,
    });
    assert_eq!(recorded, Some(staff("team-lead")));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 5)));
    for decider in ["team-lead", "handler-1"] {
        let refusal = case.refused_by(
            assign(decider, Role::Manager),
            "R-S2-3",
            RefusalKind::InvalidArgument,
        );
        let message = refusal.to_string();
        assert!(
            message.contains(&format!("{decider} decided Stage 1")),
            "{message}"
        );
        assert_eq!(refusal.field, Some("staff"));
    }
    case.ok(assign("other-manager", Role::Manager));
    case.ok(not_upheld(Stage::Two));
}
