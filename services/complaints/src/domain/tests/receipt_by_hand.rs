//! R-S2-1, R-S3-1: when the outcome did not reach the complainant as
//! reported, staff record the day they received it, with the reason; the
//! window then counts from it, or from the reported delivery if that is
//! later, so the complainant never loses days.

use super::support::*;
use crate::domain::command::{Command, RecordReceiptByHand};
use crate::domain::event::Event;
use crate::domain::types::{DeadlineKind, Grounds, Stage};
use crate::domain::{ClosedHow, RefusalKind, Status};
use chrono::NaiveDate;

const WINDOW1: DeadlineKind = DeadlineKind::EscalationWindow(Stage::One);

fn by_hand(stage: Stage, received_on: NaiveDate, resent: bool) -> Command {
    Command::RecordReceiptByHand(RecordReceiptByHand {
        stage,
        received_on,
        resent,
        reason: text("letter returned undelivered"),
        recorded_by: staff("handler"),
    })
}

/// Outcome issued Monday 2 March 2026, emailed that day as reported.
fn emailed_on_issue() -> Case {
    Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 2))
}

#[test]
fn r_s2_1_a_receipt_recorded_by_hand_moves_the_window_to_14_days_after_it() {
    let mut case = emailed_on_issue();
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 16));
    // The email bounced; sent again by post, it arrived Tuesday 10 March.
    case.on(date(2026, 3, 12));
    let events = case.ok(by_hand(Stage::One, date(2026, 3, 10), true));
    let Event::OutcomeReceiptRecorded(recorded) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(recorded.window_ends_on, date(2026, 3, 24));
    assert!(recorded.resent);
    assert_eq!(recorded.recorded_by, staff("handler"));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 24));
    assert_eq!(
        case.state.stages[&Stage::One].outcome_received_on(),
        Some(date(2026, 3, 10))
    );
    // Day 22 after the outcome is in time; the day after the new end is not
    // closed before it, and is closed after it.
    case.on(date(2026, 3, 24));
    case.refused_by(
        Command::CloseUnescalated,
        "R-S2-1",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 3, 25));
    case.ok(Command::CloseUnescalated);
    assert!(matches!(
        case.state.status,
        Status::Closed {
            how: ClosedHow::EscalationWindowLapsed { .. },
            ..
        }
    ));
}

#[test]
fn r_s2_1_a_receipt_by_hand_is_refused_before_the_outcome_in_the_future_or_without_one() {
    let mut unrecorded = Case::opened(date(2026, 3, 2));
    unrecorded.refused_by(
        by_hand(Stage::One, date(2026, 3, 2), false),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    let mut case = Case::stage1_outcome_unreceived(date(2026, 3, 2), date(2026, 3, 4));
    case.on(date(2026, 3, 10));
    let before = case.refused_by(
        by_hand(Stage::One, date(2026, 3, 3), false),
        "R-S2-1",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(before.field, Some("received_on"));
    let future = case.refused_by(
        by_hand(Stage::One, date(2026, 3, 11), false),
        "R-S2-1",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(future.field, Some("received_on"));
    // Not the current stage's outcome.
    case.refused_by(
        by_hand(Stage::Two, date(2026, 3, 5), false),
        "R-S3-1",
        RefusalKind::Precondition,
    );
    // The issue day and today are both allowed.
    case.ok(by_hand(Stage::One, date(2026, 3, 4), false));
    case.ok(by_hand(Stage::One, date(2026, 3, 10), true));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 24));
}

#[test]
fn r_s2_1_a_receipt_by_hand_never_takes_days_from_the_complainant() {
    // Reported posted Thursday 5 March: received Monday 9 March.
    let mut case = Case::stage1_outcome_unreceived(date(2026, 3, 2), date(2026, 3, 2));
    case.on(date(2026, 3, 5))
        .ok(posted(Stage::One, date(2026, 3, 5)));
    case.on(date(2026, 3, 12));
    let refusal = case.refused_by(
        by_hand(Stage::One, date(2026, 3, 6), false),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    assert!(refusal.to_string().contains("2026-03-09"), "{refusal}");
    case.refused_by(
        by_hand(Stage::One, date(2026, 3, 9), false),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 23));
}

#[test]
fn r_s2_1_a_delivery_reported_after_a_receipt_by_hand_counts_only_if_later() {
    // No delivery report came; staff confirmed receipt on Friday 6 March.
    let mut case = Case::stage1_outcome_unreceived(date(2026, 3, 2), date(2026, 3, 2));
    case.on(date(2026, 3, 9));
    case.ok(by_hand(Stage::One, date(2026, 3, 6), false));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 20));
    // A late report of an email on Wednesday 4 March changes nothing.
    case.refused_by(
        emailed(Stage::One, date(2026, 3, 4)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    // A report of a letter posted Friday 6 March, received Tuesday 10 March,
    // is later: the window runs from it.
    case.ok(posted(Stage::One, date(2026, 3, 6)));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 24));
    assert_eq!(
        case.state.stages[&Stage::One].outcome_received_on(),
        Some(date(2026, 3, 10))
    );
}

#[test]
fn r_s3_1_a_stage_2_receipt_by_hand_moves_the_stage_3_window() {
    // Stage 2 outcome issued and emailed Monday 16 March 2026.
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 3, 16));
    let window2 = DeadlineKind::EscalationWindow(Stage::Two);
    assert_eq!(case.deadline(window2).due_on, date(2026, 3, 30));
    case.on(date(2026, 3, 20));
    case.refused_by(
        by_hand(Stage::One, date(2026, 3, 18), false),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    case.ok(by_hand(Stage::Two, date(2026, 3, 19), true));
    assert_eq!(case.deadline(window2).due_on, date(2026, 4, 2));
    case.on(date(2026, 4, 2));
    case.ok(escalate(
        Stage::Three,
        &[Grounds::DissatisfiedWithOutcome],
        date(2026, 4, 2),
    ));
}

#[test]
fn r_s3_6_no_receipt_is_recorded_for_the_final_stage_3_outcome() {
    let mut case = Case::at_stage3(date(2026, 3, 2));
    case.ok(not_upheld(Stage::Three));
    case.refused(by_hand(Stage::Three, date(2026, 3, 2), false));
}
