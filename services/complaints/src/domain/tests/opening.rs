use super::support::*;
use crate::domain::command::{Command, Open};
use crate::domain::event::Event;
use crate::domain::types::{Channel, DeadlineKind, Stage};
use crate::domain::{Complaint, Context, Policy, RefusalKind, Status, decide};
use calendar::WorkingDays;
use chrono::{TimeZone, Utc};

#[test]
fn r_s1_1_a_written_submission_on_23_december_must_be_contacted_by_6_january() {
    // Christmas Day (Fri), Boxing Day substitute (Mon 28) and New Year's Day
    // (Fri 1 Jan) are not working days: 24, 29, 30, 31 Dec, 4, 5, 6 Jan.
    let case = Case::opened(date(2026, 12, 23));
    let deadline = case.deadline(DeadlineKind::FirstContact);
    assert_eq!(deadline.due_on, date(2027, 1, 6));
    assert_eq!(case.state.status, Status::Open);
    assert_eq!(case.state.stage, Some(Stage::One));
    assert_eq!(case.state.version, 2);
}

#[test]
fn r_int_8_the_first_contact_figure_comes_from_the_policy() {
    let mut busy = Policy::with_defaults(staff("ccm"), team("Compliance"));
    busy.first_contact = WorkingDays::new(10);
    let received = noon(date(2026, 3, 2));
    let ctx = Context::new(received, calendar(), &busy);
    let events = decide(&Complaint::default(), open(received, true), &ctx).unwrap();
    let Event::DeadlineSet(set) = &events[1] else {
        panic!("no deadline: {events:?}")
    };
    assert_eq!(
        (set.kind, set.due_on),
        (DeadlineKind::FirstContact, date(2026, 3, 16))
    );
}

#[test]
fn r_s1_1_the_received_date_is_the_uk_date_of_receipt() {
    // 23:30 UTC on 30 June is 00:30 on 1 July in the UK (BST).
    let received = Utc.with_ymd_and_hms(2026, 6, 30, 23, 30, 0).unwrap();
    let case = Case::opened_with(open(received, true));
    let opened = case.state.opened.as_ref().unwrap();
    assert_eq!(opened.received_on, date(2026, 7, 1));
    assert_eq!(
        case.deadline(DeadlineKind::FirstContact).due_on,
        date(2026, 7, 10)
    );
}

#[test]
fn a_telephone_complaint_starts_no_first_contact_deadline() {
    let case = Case::opened_with(open(noon(date(2026, 3, 2)), false));
    assert!(case.state.deadlines.is_empty());
}

#[test]
fn r_reg_3_a_complaint_passed_on_by_a_regulator_is_opened_like_any_other() {
    let Command::Open(mut o) = open(noon(date(2026, 3, 2)), true) else {
        unreachable!()
    };
    o.channel = Channel::Regulator;
    o.qualification = Some(ofqual());
    let case = Case::opened_with(Command::Open(o));
    assert_eq!(case.state.stage, Some(Stage::One));
    assert!(case.state.qualification().unwrap().is_regulated());
}

#[test]
fn a_submission_received_in_the_future_is_refused() {
    let mut case = Case::opened(date(2026, 3, 2));
    let mut fresh = Case {
        state: Complaint::default(),
        log: vec![],
        now: case.now,
        policy: policy(),
    };
    let refusal = fresh.refused_by(
        open(noon(date(2026, 3, 3)), true),
        "R-S1-1",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("received_at"));
    case.refused_by(open(case.now, true), "R-REC-1", RefusalKind::Precondition);
}

#[test]
fn r_rec_1_no_command_but_open_is_accepted_before_the_complaint_is_opened() {
    let mut fresh = Case {
        state: Complaint::default(),
        log: vec![],
        now: noon(date(2026, 3, 2)),
        policy: policy(),
    };
    fresh.refused_by(
        Command::CloseUnescalated,
        "R-REC-1",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_upc_2_a_follow_on_complaint_names_the_one_it_was_raised_from_but_not_itself() {
    let Command::Open(o) = open(noon(date(2026, 3, 2)), true) else {
        unreachable!()
    };
    let follow_on = Open {
        raised_from: Some(reference(7)),
        ..o.clone()
    };
    let case = Case::opened_with(Command::Open(follow_on));
    assert_eq!(
        case.state.opened.as_ref().unwrap().raised_from,
        Some(reference(7))
    );

    let mut fresh = Case {
        state: Complaint::default(),
        log: vec![],
        now: o.received_at,
        policy: policy(),
    };
    let itself = Open {
        raised_from: Some(o.reference),
        ..o
    };
    fresh.refused_by(
        Command::Open(itself),
        "R-UPC-2",
        RefusalKind::InvalidArgument,
    );
}
