use super::support::*;
use crate::domain::RefusalKind;
use crate::domain::command::{
    AgreeTimescale, Command, RecordContact, RecordUpdate, ReferToLineManager,
};
use crate::domain::event::Event;
use crate::domain::types::{ContactMethod, DeadlineKind, Grounds, Role, Stage};
use chrono::Duration;

fn contact(case: &Case) -> Command {
    Command::RecordContact(RecordContact {
        at: case.now,
        method: ContactMethod::Telephone,
        summary: text("clarified the exam dates"),
    })
}

#[test]
fn r_s1_1_r_int_9_the_first_recorded_contact_meets_the_first_contact_deadline() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 3, 5));
    let events = case.ok(contact(&case));
    assert!(
        matches!(events[1], Event::DeadlineMet(ref m) if m.kind == DeadlineKind::FirstContact && m.met_on == date(2026, 3, 5))
    );
    case.on(date(2026, 3, 6));
    let events = case.ok(contact(&case));
    assert_eq!(
        events.len(),
        1,
        "later contacts are recorded, the deadline met once"
    );
    assert_eq!(case.state.contacts.len(), 2);
}

#[test]
fn r_int_9_a_contact_in_the_future_or_before_receipt_is_refused() {
    let mut case = Case::opened(date(2026, 3, 2));
    let future = Command::RecordContact(RecordContact {
        at: case.now + Duration::hours(1),
        method: ContactMethod::Email,
        summary: text("x"),
    });
    case.refused_by(future, "R-INT-9", RefusalKind::InvalidArgument);
    let before = Command::RecordContact(RecordContact {
        at: case.now - Duration::days(1),
        method: ContactMethod::Email,
        summary: text("x"),
    });
    case.refused_by(before, "R-INT-9", RefusalKind::InvalidArgument);
}

#[test]
fn r_s1_2_the_agreed_timescale_is_recorded_and_tracked() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    assert_eq!(
        case.state.agreed_timescale.as_ref().unwrap().due_on,
        date(2026, 3, 20)
    );
    assert_eq!(
        case.deadline(DeadlineKind::AgreedTimescale).due_on,
        date(2026, 3, 20)
    );
}

#[test]
fn r_s1_2_an_agreed_timescale_must_end_after_today() {
    let mut case = Case::opened(date(2026, 3, 2));
    let today = case.today();
    let refusal = case.refused_by(
        Command::AgreeTimescale(AgreeTimescale { due_on: today }),
        "R-S1-2",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("due_on"));
}

#[test]
fn r_s1_2_a_second_agreement_is_refused_in_favour_of_an_update_with_a_revised_timescale() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    case.refused_by(
        Command::AgreeTimescale(AgreeTimescale {
            due_on: date(2026, 3, 27),
        }),
        "R-S1-2",
        RefusalKind::Precondition,
    );
    let events = case.ok(Command::RecordUpdate(RecordUpdate {
        reason: text("complex: waiting for the exam board"),
        revised_due_on: Some(date(2026, 3, 27)),
    }));
    assert_eq!(events.len(), 2);
    let deadline = case.deadline(DeadlineKind::AgreedTimescale);
    assert_eq!(deadline.due_on, date(2026, 3, 27));
    assert_eq!(deadline.extensions[0].previous_due_on, date(2026, 3, 20));
    assert_eq!(case.state.updates.len(), 1);
}

#[test]
fn r_s1_2_an_update_cannot_revise_a_timescale_that_was_never_agreed_or_bring_it_forward() {
    let mut case = Case::opened(date(2026, 3, 2));
    let revise = |d| {
        Command::RecordUpdate(RecordUpdate {
            reason: text("update"),
            revised_due_on: Some(d),
        })
    };
    case.refused_by(
        revise(date(2026, 3, 27)),
        "R-S1-2",
        RefusalKind::Precondition,
    );
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    case.refused_by(
        revise(date(2026, 3, 19)),
        "R-S1-2",
        RefusalKind::InvalidArgument,
    );
    // A plain update needs no date.
    case.ok(Command::RecordUpdate(RecordUpdate {
        reason: text("still investigating"),
        revised_due_on: None,
    }));
}

#[test]
fn r_s1_3_referral_to_the_line_manager_counts_as_stage_2_with_the_manager_dealing_with_it() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    case.on(date(2026, 3, 11));
    case.ok(Command::ReferToLineManager(ReferToLineManager {
        manager: staff("line-manager"),
        team: team("Exams"),
    }));
    assert_eq!(case.state.stage, Some(Stage::Two));
    let handler = case
        .state
        .current_record()
        .unwrap()
        .handler
        .clone()
        .unwrap();
    assert_eq!(
        (handler.staff, handler.role),
        (staff("line-manager"), Role::Manager)
    );
    // R-S2-4: 20 working days from 11 March 2026, over Good Friday and Easter Monday.
    assert_eq!(
        case.deadline(DeadlineKind::Stage2Response).due_on,
        date(2026, 4, 10)
    );
    assert!(
        case.state
            .live_deadline(DeadlineKind::AgreedTimescale)
            .is_none()
    );
}

#[test]
fn r_s1_3_referral_is_refused_after_the_stage_1_outcome() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 10));
    case.refused_by(
        Command::ReferToLineManager(ReferToLineManager {
            manager: staff("m"),
            team: team("Exams"),
        }),
        "R-S1-3",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s1_4_ground_c_is_available_without_an_outcome_once_the_agreed_timescale_has_passed() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    case.on(date(2026, 3, 20));
    let c = [Grounds::NoResponseInTimescale];
    case.refused_by(
        escalate(Stage::Two, &c, date(2026, 3, 20)),
        "R-S1-4",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 3, 23));
    case.ok(escalate(Stage::Two, &c, date(2026, 3, 23)));
    assert_eq!(case.state.stage, Some(Stage::Two));
    assert!(
        case.state
            .live_deadline(DeadlineKind::AgreedTimescale)
            .is_none()
    );
}

#[test]
fn r_s1_4_ground_c_needs_an_agreed_timescale() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 5, 1));
    let refusal = case.refused_by(
        escalate(
            Stage::Two,
            &[Grounds::NoResponseInTimescale],
            date(2026, 5, 1),
        ),
        "R-S1-4",
        RefusalKind::Precondition,
    );
    assert!(refusal.reason.contains("none was agreed"), "{refusal}");
}

#[test]
fn r_s1_4_stage_2_grounds_are_a_b_or_c_and_at_least_one() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 10));
    let d = date(2026, 3, 10);
    case.refused_by(
        escalate(Stage::Two, &[], d),
        "R-S1-4",
        RefusalKind::InvalidArgument,
    );
    case.refused_by(
        escalate(Stage::Two, &[Grounds::DissatisfiedWithOutcome], d),
        "R-S1-4",
        RefusalKind::InvalidArgument,
    );
    case.ok(escalate(
        Stage::Two,
        &[Grounds::PointsNotAnswered, Grounds::NotUnderstood],
        d,
    ));
}

#[test]
fn r_s1_1_handlers_at_stage_1_are_staff_or_managers_not_the_compliance_manager() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(assign("s.jones", Role::Handler));
    case.refused_by(
        assign("s.jones", Role::Handler),
        "R-S1-1",
        RefusalKind::Precondition,
    );
    case.refused_by(
        assign("ccm", Role::ComplianceManager),
        "R-S3-3",
        RefusalKind::InvalidArgument,
    );
    case.ok(assign("a.smith", Role::Handler));
    let record = case.state.current_record().unwrap();
    assert_eq!(record.previous_handlers.len(), 1);
}

#[test]
fn r_s1_4_ground_c_alone_is_refused_when_the_outcome_came_within_the_agreed_timescale() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    case.on(date(2026, 3, 20)).ok(not_upheld(Stage::One));
    case.on(date(2026, 3, 23));
    let refusal = case.refused_by(
        escalate(
            Stage::Two,
            &[Grounds::NoResponseInTimescale],
            date(2026, 3, 23),
        ),
        "R-S1-4",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("grounds"), "{refusal}");
    assert!(
        refusal.reason.contains("within the agreed timescale"),
        "{refusal}"
    );
    case.ok(escalate(
        Stage::Two,
        &[Grounds::PointsNotAnswered],
        date(2026, 3, 23),
    ));
}

#[test]
fn r_s1_4_ground_c_stands_when_the_outcome_came_after_the_revised_timescale() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: date(2026, 3, 20),
    }));
    case.on(date(2026, 3, 19))
        .ok(Command::RecordUpdate(RecordUpdate {
            reason: text("waiting for the exam board"),
            revised_due_on: Some(date(2026, 3, 27)),
        }));
    // Within the revised date: (c) is not available.
    let mut within = Case {
        state: case.state.clone(),
        log: case.log.clone(),
        now: case.now,
        policy: case.policy,
    };
    within.on(date(2026, 3, 26)).ok(not_upheld(Stage::One));
    within.refused_by(
        escalate(
            Stage::Two,
            &[Grounds::NoResponseInTimescale],
            date(2026, 3, 26),
        ),
        "R-S1-4",
        RefusalKind::InvalidArgument,
    );
    // After the revised date: the outcome came late, (c) stands.
    case.on(date(2026, 3, 31)).ok(not_upheld(Stage::One));
    case.ok(escalate(
        Stage::Two,
        &[Grounds::NoResponseInTimescale],
        date(2026, 3, 31),
    ));
    assert_eq!(case.state.stage, Some(Stage::Two));
}

#[test]
fn r_s1_4_ground_c_is_refused_after_an_outcome_when_no_timescale_was_agreed() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 10));
    let refusal = case.refused_by(
        escalate(
            Stage::Two,
            &[Grounds::NoResponseInTimescale],
            date(2026, 3, 10),
        ),
        "R-S1-4",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("grounds"));
}
