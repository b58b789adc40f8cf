use super::support::*;
use crate::domain::command::{Command, ExtendDeadline, RecordContact};
use crate::domain::types::{ContactMethod, DeadlineKind, Grounds, Stage};
use crate::domain::{ClosedHow, RefusalKind, Status};

const FIRST: DeadlineKind = DeadlineKind::FirstContact;

fn extend(kind: DeadlineKind, due_on: chrono::NaiveDate) -> Command {
    Command::ExtendDeadline(ExtendDeadline {
        kind,
        due_on,
        reason: text("high volume of enquiries"),
    })
}

#[test]
fn r_s1_1_first_contact_is_approaching_two_working_days_before_it_is_due_and_marked_once() {
    let mut case = Case::opened(date(2026, 3, 2));
    assert_eq!(case.deadline(FIRST).due_on, date(2026, 3, 11));
    case.on(date(2026, 3, 6));
    let refusal = case.refused_by(
        Command::MarkDeadlineApproaching(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
    assert!(refusal.reason.contains("3 working days away"), "{refusal}");
    case.on(date(2026, 3, 9));
    case.ok(Command::MarkDeadlineApproaching(FIRST));
    assert_eq!(
        case.deadline(FIRST).approaching_marked_on,
        Some(date(2026, 3, 9))
    );
    case.refused_by(
        Command::MarkDeadlineApproaching(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s1_1_first_contact_is_missed_only_once_it_is_past_and_marked_once() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 3, 11));
    case.refused_by(
        Command::MarkDeadlineMissed(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 3, 12));
    case.refused_by(
        Command::MarkDeadlineApproaching(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
    case.ok(Command::MarkDeadlineMissed(FIRST));
    case.refused_by(
        Command::MarkDeadlineMissed(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s1_1_a_met_deadline_is_never_marked_missed_or_approaching() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::RecordContact(RecordContact {
        at: case.now,
        method: ContactMethod::Email,
        summary: text("introduced myself"),
    }));
    case.on(date(2026, 3, 20));
    let refusal = case.refused_by(
        Command::MarkDeadlineMissed(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
    assert!(
        refusal.reason.contains("was met on 2026-03-02"),
        "{refusal}"
    );
    case.refused_by(
        Command::MarkDeadlineApproaching(FIRST),
        "R-S1-1",
        RefusalKind::Precondition,
    );
}

#[test]
fn a_deadline_that_is_not_running_cannot_be_marked() {
    let mut case = Case::opened(date(2026, 3, 2));
    let kind = DeadlineKind::Stage2Response;
    case.refused_by(
        Command::MarkDeadlineMissed(kind),
        "R-S2-4",
        RefusalKind::Precondition,
    );
    case.refused_by(
        extend(kind, date(2026, 5, 1)),
        "R-S2-4",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_int_8_an_extended_deadline_is_later_has_a_reason_and_is_watched_afresh() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 3, 12));
    case.ok(Command::MarkDeadlineMissed(FIRST));
    case.refused_by(
        extend(FIRST, date(2026, 3, 11)),
        "R-S1-1",
        RefusalKind::InvalidArgument,
    );
    case.ok(extend(FIRST, date(2026, 3, 16)));
    let deadline = case.deadline(FIRST);
    assert_eq!(
        (deadline.due_on, deadline.missed_marked_on),
        (date(2026, 3, 16), None)
    );
    assert_eq!(
        deadline.extensions[0].reason,
        text("high volume of enquiries")
    );
    case.on(date(2026, 3, 17));
    case.ok(Command::MarkDeadlineMissed(FIRST));
}

#[test]
fn r_s2_1_an_unescalated_stage_1_outcome_closes_after_the_window() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.on(date(2026, 3, 19));
    case.refused_by(
        Command::CloseUnescalated,
        "R-S2-1",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 3, 20));
    case.ok(Command::CloseUnescalated);
    assert!(matches!(
        case.state.status,
        Status::Closed {
            how: ClosedHow::EscalationWindowLapsed { stage: Stage::One },
            ..
        }
    ));
}

#[test]
fn r_s2_1_no_window_runs_before_the_outcome_so_nothing_closes_unescalated() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 6, 1));
    case.refused_by(
        Command::CloseUnescalated,
        "R-S2-1",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s3_1_an_unescalated_stage_2_outcome_closes_after_the_window() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.on(date(2026, 3, 20));
    case.ok(Command::CloseUnescalated);
    assert!(matches!(
        case.state.status,
        Status::Closed {
            how: ClosedHow::EscalationWindowLapsed { stage: Stage::Two },
            ..
        }
    ));
    let mut at3 = Case::at_stage3(date(2026, 3, 2));
    at3.refused_by(
        Command::CloseUnescalated,
        "R-S3-6",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s2_1_an_extended_escalation_window_admits_a_later_request() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    let window = DeadlineKind::EscalationWindow(Stage::One);
    case.ok(extend(window, date(2026, 3, 26)));
    case.on(date(2026, 3, 25));
    case.ok(escalate(
        Stage::Two,
        &[Grounds::PointsNotAnswered],
        date(2026, 3, 25),
    ));
}
