//! R-S2-1, R-S3-1: the 14 days to ask for the next stage run from the
//! complainant's receipt of the outcome, as the notifications service
//! reports it: the day an email is sent, or the day a letter is posted plus
//! the delivery working days (2 by default).

use super::support::*;
use crate::domain::command::{Command, Open};
use crate::domain::event::Event;
use crate::domain::types::{DeadlineKind, Grounds, Stage};
use crate::domain::{ClosedHow, RefusalKind, Status};

const A: &[Grounds] = &[Grounds::NotUnderstood];
const WINDOW1: DeadlineKind = DeadlineKind::EscalationWindow(Stage::One);

/// Recorded Monday 2 March 2026; not yet reported delivered.
fn recorded() -> Case {
    Case::stage1_outcome_unreceived(date(2026, 3, 2), date(2026, 3, 2))
}

#[test]
fn r_s2_1_the_outcome_states_the_last_date_for_an_email_and_for_a_letter() {
    let case = recorded();
    let Some(Event::OutcomeRecorded(outcome)) = case
        .log
        .iter()
        .find(|e| matches!(e, Event::OutcomeRecorded(_)))
    else {
        panic!("no outcome")
    };
    // Emailed Monday 2 March: received that day, 14 days to Monday 16 March.
    assert_eq!(outcome.escalation_window_ends_on, Some(date(2026, 3, 16)));
    // Posted Monday 2 March: received Wednesday 4 March, to Wednesday 18 March.
    assert_eq!(
        outcome.escalation_window_ends_on_by_post,
        Some(date(2026, 3, 18))
    );
    // Until the receipt is known the window's deadline is the date for the
    // complainant's channel (email here).
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 16));
}

#[test]
fn r_s2_1_a_complainant_who_asked_for_post_waits_on_the_posted_date() {
    let Command::Open(o) = open(noon(date(2026, 3, 2)), true) else {
        unreachable!()
    };
    let mut case = Case::opened_with(Command::Open(Open {
        correspondence_by_post: true,
        ..o
    }));
    case.ok(not_upheld(Stage::One));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 18));
}

#[test]
fn r_s2_1_until_the_outcome_is_delivered_the_window_stays_open() {
    let mut case = recorded();
    case.on(date(2026, 4, 30));
    case.refused_by(
        Command::CloseUnescalated,
        "R-S2-1",
        RefusalKind::Precondition,
    );
    case.ok(escalate(Stage::Two, A, date(2026, 4, 30)));
    assert_eq!(case.state.stage, Some(Stage::Two));
}

#[test]
fn r_s2_1_a_letter_posted_3_days_after_the_outcome_counts_from_its_receipt() {
    let mut case = recorded();
    // Posted Thursday 5 March: received Monday 9 March (2 working days),
    // so the window ends Monday 23 March, 21 days after the outcome.
    case.on(date(2026, 3, 5));
    let events = case.ok(posted(Stage::One, date(2026, 3, 5)));
    let Event::OutcomeReceived(received) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (received.received_on, received.window_ends_on),
        (date(2026, 3, 9), date(2026, 3, 23))
    );
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 23));

    let mut late = Case {
        state: case.state.clone(),
        log: case.log.clone(),
        now: case.now,
        policy: case.policy,
    };
    late.on(date(2026, 3, 24));
    let refusal = late.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 24)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    assert_eq!(
        refusal.to_string(),
        "R-S2-1: a Stage 2 request must come within 14 days of receipt of the Stage 1 outcome \
         (outcome received 2026-03-09, request received 2026-03-24, window ended 2026-03-23)"
    );
    // Day 16 after the outcome was recorded, and the last day, are in time.
    case.on(date(2026, 3, 18));
    case.refused_by(
        Command::CloseUnescalated,
        "R-S2-1",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 3, 23));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 23)));
    assert_eq!(case.deadline(WINDOW1).met_on, Some(date(2026, 3, 23)));
}

#[test]
fn r_s2_1_the_delivery_days_are_working_days_and_can_be_configured() {
    let mut case = recorded();
    let mut policy = policy().clone();
    policy.postal_delivery = calendar::WorkingDays::new(3);
    case.with_policy(policy);
    // Posted Thursday 2 April 2026: Good Friday (3 April) and Easter Monday
    // (6 April) are bank holidays, so 3 working days later is Thursday 9 April.
    case.on(date(2026, 4, 2));
    case.ok(posted(Stage::One, date(2026, 4, 2)));
    let received = case.state.stages[&Stage::One]
        .outcome_received
        .clone()
        .expect("received");
    assert_eq!(received.received_on, date(2026, 4, 9));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 4, 23));
}

#[test]
fn r_s2_1_an_email_sent_a_day_late_counts_from_the_day_it_was_sent() {
    let mut case = recorded();
    case.on(date(2026, 3, 3));
    case.ok(emailed(Stage::One, date(2026, 3, 3)));
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 17));
    case.on(date(2026, 3, 18));
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
fn r_s2_1_the_first_delivery_counts_and_a_late_one_changes_nothing() {
    let mut case = recorded();
    case.ok(emailed(Stage::One, date(2026, 3, 2)));
    case.on(date(2026, 3, 6));
    // A resend or a copy delivered later.
    case.refused_by(
        posted(Stage::One, date(2026, 3, 6)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    assert_eq!(case.deadline(WINDOW1).due_on, date(2026, 3, 16));
    // Once the complainant asked for Stage 2 a Stage 1 delivery starts nothing.
    case.ok(escalate(Stage::Two, A, date(2026, 3, 6)));
    let mut fresh = recorded();
    fresh.ok(escalate(Stage::Two, A, date(2026, 3, 2)));
    fresh.refused_by(
        emailed(Stage::One, date(2026, 3, 2)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    // A send day before the outcome (clocks apart) counts as the outcome's day.
    let mut early = recorded();
    early.ok(emailed(Stage::One, date(2026, 2, 27)));
    assert_eq!(early.deadline(WINDOW1).due_on, date(2026, 3, 16));
}

#[test]
fn r_s3_1_a_posted_stage_2_outcome_counts_the_stage_3_window_from_its_receipt() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 2));
    case.ok(escalate(Stage::Two, A, date(2026, 3, 2)));
    case.ok(assign("manager", crate::domain::types::Role::Manager));
    case.on(date(2026, 3, 10));
    case.ok(not_upheld(Stage::Two));
    // Before any receipt no Stage 2 outcome has been received.
    case.refused_by(
        emailed(Stage::One, date(2026, 3, 10)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    // Posted Friday 13 March: received Tuesday 17 March, window to 31 March.
    case.on(date(2026, 3, 13));
    case.ok(posted(Stage::Two, date(2026, 3, 13)));
    let window = DeadlineKind::EscalationWindow(Stage::Two);
    assert_eq!(case.deadline(window).due_on, date(2026, 3, 31));
    case.on(date(2026, 3, 31));
    let dissatisfied = &[Grounds::DissatisfiedWithOutcome];
    case.ok(escalate(Stage::Three, dissatisfied, date(2026, 3, 31)));
    assert_eq!(case.state.stage, Some(Stage::Three));
}

#[test]
fn r_s2_1_an_outcome_recorded_before_deliveries_were_reported_still_runs_out() {
    // Recorded Thursday 5 March 2026 without the posted date, as outcomes
    // were before: counted from that day, its window ends on 19 March.
    let mut case = Case::stage1_outcome_unreceived(date(2026, 3, 2), date(2026, 3, 5));
    for event in &mut case.log {
        if let Event::OutcomeRecorded(o) = event {
            o.escalation_window_ends_on_by_post = None;
        }
    }
    case.state = crate::domain::replay(case.log.iter());
    case.on(date(2026, 3, 20));
    case.refused_by(
        escalate(Stage::Two, A, date(2026, 3, 20)),
        "R-S2-1",
        RefusalKind::Precondition,
    );
    case.ok(Command::CloseUnescalated);
}

#[test]
fn r_s3_6_a_stage_3_outcome_starts_no_window_from_its_receipt() {
    let mut case = Case::closed_after_stage3(date(2026, 3, 2));
    case.refused_by(
        posted(Stage::Three, date(2026, 3, 2)),
        "R-S3-6",
        RefusalKind::Precondition,
    );
}

/// What the complainant's own page offers (`GetComplainantView`): the next
/// stage while the outcome is not yet known received, however long ago
/// the provisional end passed, and not once the known window has ended.
#[test]
fn r_s2_1_the_complainants_page_offers_stage_2_until_receipt_is_known_and_the_window_ends() {
    use complaints_proto::v1 as pb;
    let mut case = recorded();
    // Six weeks after the outcome, with no delivery report: still offered,
    // as the service would accept the request (see above).
    case.on(date(2026, 4, 13));
    let view = crate::complainant::complainant_view(&case.state, case.today());
    assert_eq!(view.next_stage, pb::Stage::Stage2 as i32);

    // Emailed on 2 March: received that day, so the window ended 16 March.
    case.ok(emailed(Stage::One, date(2026, 3, 2)));
    let view = crate::complainant::complainant_view(&case.state, case.today());
    assert_eq!(view.next_stage, pb::Stage::Unspecified as i32);
}
