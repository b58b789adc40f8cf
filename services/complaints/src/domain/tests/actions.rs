use super::support::*;
use crate::domain::RefusalKind;
use crate::domain::command::{AddAction, Command, CompleteAction, ReassignAction};
use crate::domain::types::{ActionId, ActionKind};
use chrono::NaiveDate;

fn add(kind: ActionKind, due_on: NaiveDate) -> Command {
    Command::AddAction(AddAction {
        kind,
        description: text("revise the exam guidance"),
        owner: staff("owner-1"),
        due_on,
    })
}

fn first() -> ActionId {
    ActionId::new(1).unwrap()
}

#[test]
fn r_out_3_a_follow_up_action_has_one_owner_and_a_due_date_and_is_tracked_to_completion() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(add(ActionKind::FollowUp, date(2026, 3, 31)));
    case.ok(Command::ReassignAction(ReassignAction {
        action: first(),
        owner: staff("owner-2"),
        reason: text("owner-1 is on leave"),
    }));
    let action = &case.state.actions[&first()];
    assert_eq!(action.owner, staff("owner-2"));
    assert_eq!(action.reassignments[0].previous_owner, staff("owner-1"));
    case.on(date(2026, 3, 20));
    case.ok(Command::CompleteAction(CompleteAction {
        action: first(),
        note: None,
    }));
    assert_eq!(
        case.state.actions[&first()]
            .completed
            .as_ref()
            .unwrap()
            .completed_on,
        date(2026, 3, 20)
    );
}

#[test]
fn r_out_3_a_completed_action_is_neither_completed_again_nor_reassigned() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(add(ActionKind::FollowUp, date(2026, 3, 31)));
    case.ok(Command::CompleteAction(CompleteAction {
        action: first(),
        note: Some(text("done")),
    }));
    case.refused_by(
        Command::CompleteAction(CompleteAction {
            action: first(),
            note: None,
        }),
        "R-OUT-3",
        RefusalKind::Precondition,
    );
    case.refused_by(
        Command::ReassignAction(ReassignAction {
            action: first(),
            owner: staff("owner-2"),
            reason: text("x"),
        }),
        "R-OUT-3",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_out_3_reassigning_to_the_same_owner_or_an_unknown_action_is_refused() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(add(ActionKind::FollowUp, date(2026, 3, 31)));
    let to = |id: u32, who: &str| {
        Command::ReassignAction(ReassignAction {
            action: ActionId::new(id).unwrap(),
            owner: staff(who),
            reason: text("x"),
        })
    };
    case.refused_by(to(1, "owner-1"), "R-OUT-3", RefusalKind::Precondition);
    case.refused_by(to(9, "owner-2"), "R-OUT-3", RefusalKind::InvalidArgument);
}

#[test]
fn r_mon_2_an_improvement_says_what_and_by_when_and_when_is_not_in_the_past() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.refused_by(
        add(ActionKind::Improvement, date(2026, 3, 1)),
        "R-MON-2",
        RefusalKind::InvalidArgument,
    );
    case.ok(add(ActionKind::Improvement, date(2026, 3, 2)));
    case.ok(add(ActionKind::RegulatorReview, date(2026, 6, 30)));
    assert_eq!(case.state.actions.len(), 2);
    assert_eq!(case.state.next_action_id(), ActionId::new(3).unwrap());
}
