use super::support::*;
use crate::domain::command::*;
use crate::domain::event::{Event, RestrictionReviewDue};
use crate::domain::types::*;
use crate::domain::{ClosedHow, RefusalKind, Status};

/// One plausible command of every kind.
fn every_command(case: &Case) -> Vec<Command> {
    let d = case.today();
    let later = d + chrono::Duration::days(30);
    vec![
        open(case.now, true),
        assign("a.handler", Role::Handler),
        Command::RecordContact(RecordContact {
            at: case.now,
            method: ContactMethod::Telephone,
            summary: text("call"),
        }),
        Command::AgreeTimescale(AgreeTimescale { due_on: later }),
        Command::RecordUpdate(RecordUpdate {
            reason: text("update"),
            revised_due_on: None,
        }),
        Command::ReferToLineManager(ReferToLineManager {
            manager: staff("m"),
            team: team("t"),
        }),
        not_upheld(Stage::One),
        escalate(Stage::Two, &[Grounds::NotUnderstood], d),
        decide_investigation(),
        Command::AcknowledgeStage3,
        Command::ExtendDeadline(ExtendDeadline {
            kind: DeadlineKind::Stage3Response,
            due_on: later,
            reason: text("r"),
        }),
        Command::AddAction(AddAction {
            kind: ActionKind::FollowUp,
            description: text("d"),
            owner: staff("o"),
            due_on: later,
        }),
        Command::ReassignAction(ReassignAction {
            action: ActionId::FIRST,
            owner: staff("new-owner"),
            reason: text("r"),
        }),
        Command::CompleteAction(CompleteAction {
            action: ActionId::FIRST,
            note: None,
        }),
        Command::RecordRegulatorReferral(RecordRegulatorReferral {
            regulator: name("Ofqual"),
            referred_on: d,
        }),
        Command::RestrictContact(RestrictContact {
            reason: text("daily calls to every member of staff"),
            review_on: later,
        }),
        Command::LiftRestriction(LiftRestriction {
            reason: text("reviewed: contact is reasonable again"),
        }),
        Command::RecordDisclosure(RecordDisclosure {
            recipient: name("Ofqual"),
            legal_basis: Some(LegalBasis::Regulator),
            what: text("the complaint file"),
            disclosed_on: d,
        }),
        Command::RecordInformationPermission(RecordInformationPermission {
            third_party: name("Employer Ltd"),
            scope: text("training records"),
            given_on: d,
            in_writing: true,
        }),
        Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
            how: text("refunded"),
        }),
        Command::RaiseNewIssues(RaiseNewIssues {
            new_reference: reference(99),
            description: text("a new matter"),
            became_aware_on: None,
        }),
        Command::DecideNewIssues(DecideNewIssues {
            new_reference: reference(98),
            compelling_reason: true,
            reason: text("a compelling reason"),
        }),
        Command::CloseUnescalated,
        Command::MarkDeadlineApproaching(DeadlineKind::Stage3Response),
        Command::MarkDeadlineMissed(DeadlineKind::Stage3Response),
        Command::MarkRestrictionReviewDue,
    ]
}

#[test]
fn r_s3_6_r_upc_2_a_closed_complaint_refuses_every_command_but_the_follow_ups() {
    let mut closed = Case::closed_after_stage3(date(2026, 3, 2));
    for command in every_command(&closed) {
        let allowed = command.allowed_after_closure();
        let name = command.name();
        match closed.run(command.clone()) {
            Ok(_) => assert!(allowed, "{name} was accepted on a closed complaint"),
            Err(refusal) if matches!(command, Command::Open(_)) => {
                assert_eq!(refusal.rule, "R-REC-1")
            }
            Err(refusal) if !allowed => {
                assert_eq!(
                    (refusal.rule, refusal.kind),
                    ("R-S3-6", RefusalKind::Precondition)
                );
                assert!(
                    refusal.reason.contains("was closed on 2026-03-02"),
                    "{refusal}"
                );
            }
            Err(refusal) => {
                // Allowed in principle, refused for its own reason here.
                assert_ne!(refusal.rule, "R-S3-6", "{name}: {refusal}");
            }
        }
    }
}

#[test]
fn r_upc_2_r_out_3_follow_ups_are_still_recorded_after_closure() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AddAction(AddAction {
        kind: ActionKind::FollowUp,
        description: text("pay the refund"),
        owner: staff("finance"),
        due_on: date(2026, 4, 30),
    }));
    case.ok(Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
        how: text("refund agreed"),
    }));
    let refusal = case.refused_by(
        Command::AgreeTimescale(AgreeTimescale {
            due_on: date(2026, 4, 1),
        }),
        "R-UPC-2",
        RefusalKind::Precondition,
    );
    assert!(
        refusal.reason.contains("resolved outside the procedure"),
        "{refusal}"
    );
    case.ok(Command::ReassignAction(ReassignAction {
        action: ActionId::FIRST,
        owner: staff("finance-2"),
        reason: text("moved team"),
    }));
    case.ok(Command::CompleteAction(CompleteAction {
        action: ActionId::FIRST,
        note: None,
    }));
    case.ok(Command::RestrictContact(RestrictContact {
        reason: text("abusive emails"),
        review_on: date(2026, 9, 1),
    }));
    case.ok(Command::RecordDisclosure(RecordDisclosure {
        recipient: name("Thames Valley Police"),
        legal_basis: Some(LegalBasis::Police),
        what: text("threatening emails"),
        disclosed_on: date(2026, 3, 2),
    }));
}

#[test]
fn r_int_7_a_quick_issue_is_resolved_outside_the_procedure_and_recorded_as_such() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
        how: text("reset the portal password"),
    }));
    assert!(matches!(
        case.state.status,
        Status::Closed {
            how: ClosedHow::ResolvedOutsideProcedure,
            ..
        }
    ));
    let how = &case
        .state
        .resolution_outside_procedure
        .as_ref()
        .unwrap()
        .how;
    assert_eq!(how, &text("reset the portal password"));
}

#[test]
fn r_int_7_only_a_stage_1_complaint_without_an_outcome_is_resolved_outside_the_procedure() {
    let resolve = || Command::ResolveOutsideProcedure(ResolveOutsideProcedure { how: text("x") });
    let mut after_outcome = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 3));
    after_outcome.refused_by(resolve(), "R-INT-7", RefusalKind::Precondition);
    let mut at_stage3 = Case::at_stage3(date(2026, 3, 2));
    at_stage3.refused_by(resolve(), "R-INT-7", RefusalKind::Precondition);
}

#[test]
fn r_upc_2_new_issues_are_raised_only_on_a_closed_complaint_and_linked_once() {
    let raise = |n| {
        Command::RaiseNewIssues(RaiseNewIssues {
            new_reference: reference(n),
            description: text("the certificate was then issued with the wrong name"),
            became_aware_on: None,
        })
    };
    let mut open_case = Case::opened(date(2026, 3, 2));
    open_case.refused_by(raise(2), "R-UPC-2", RefusalKind::Precondition);

    let mut case = Case::closed_after_stage3(date(2026, 3, 2));
    case.refused_by(raise(1), "R-UPC-2", RefusalKind::InvalidArgument);
    case.ok(raise(2));
    case.refused_by(raise(2), "R-UPC-2", RefusalKind::Precondition);
    assert_eq!(case.state.new_issues[0].new_reference, reference(2));
}

#[test]
fn r_upc_1_a_contact_restriction_records_its_reason_and_a_review_date_after_today() {
    let mut case = Case::opened(date(2026, 3, 2));
    let restrict = |review_on| {
        Command::RestrictContact(RestrictContact {
            reason: text("twenty calls a day to several teams"),
            review_on,
        })
    };
    case.refused_by(
        restrict(date(2026, 3, 2)),
        "R-UPC-1",
        RefusalKind::InvalidArgument,
    );
    case.ok(restrict(date(2026, 6, 1)));
    let restriction = case.state.contact_restriction().unwrap();
    assert_eq!(
        (restriction.review_on, restriction.restricted_on),
        (date(2026, 6, 1), date(2026, 3, 2))
    );
}

#[test]
fn r_reg_2_a_regulator_referral_is_recorded_only_after_closure_for_a_regulated_qualification() {
    let referral = |regulator: &str| {
        Command::RecordRegulatorReferral(RecordRegulatorReferral {
            regulator: name(regulator),
            referred_on: date(2026, 3, 2),
        })
    };
    let Command::Open(mut o) = open(noon(date(2026, 3, 2)), true) else {
        unreachable!()
    };
    o.qualification = Some(ofqual());
    let mut case = Case::opened_with(Command::Open(o));
    case.refused_by(referral("Ofqual"), "R-REG-2", RefusalKind::Precondition);
    case.ok(Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
        how: text("x"),
    }));
    case.refused_by(
        referral("Qualifications Wales"),
        "R-REG-2",
        RefusalKind::InvalidArgument,
    );
    case.ok(referral("ofqual"));
    assert_eq!(case.state.regulator_referrals[0].regulator, name("Ofqual"));

    let mut unregulated = Case::closed_after_stage3(date(2026, 3, 2));
    unregulated.refused_by(referral("Ofqual"), "R-REG-2", RefusalKind::Precondition);
}

/// A complaint that closes withdraws every deadline still live, in the same
/// decision: here the first-contact deadline was still waiting (R-INT-7),
/// and after the final outcome nothing is left either (R-S3-6).
#[test]
fn r_int_7_closing_withdraws_every_deadline_still_live() {
    let mut case = Case::opened(date(2026, 3, 2));
    assert!(case.state.live_deadlines().next().is_some());
    case.ok(Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
        how: text("reset the portal password"),
    }));
    assert_eq!(case.state.live_deadlines().count(), 0);
    let closed = Case::closed_after_stage3(date(2026, 3, 2));
    assert_eq!(
        closed.state.live_deadlines().count(),
        0,
        "r_s3_6: nothing left due"
    );
}

fn restrict(review_on: chrono::NaiveDate) -> Command {
    Command::RestrictContact(RestrictContact {
        reason: text("twenty calls a day to several teams"),
        review_on,
    })
}

fn lift() -> Command {
    Command::LiftRestriction(LiftRestriction {
        reason: text("reviewed: contact has been reasonable for a month"),
    })
}

#[test]
fn r_upc_1_a_restriction_is_reviewed_when_due_and_lifted_with_a_reason() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.refused_by(lift(), "R-UPC-1", RefusalKind::Precondition);
    case.ok(restrict(date(2026, 6, 1)));
    // Not due before its review date.
    case.on(date(2026, 5, 29));
    case.refused_by(
        Command::MarkRestrictionReviewDue,
        "R-UPC-1",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 6, 1));
    let events = case.ok(Command::MarkRestrictionReviewDue);
    assert_eq!(
        events,
        [Event::RestrictionReviewDue(RestrictionReviewDue {
            review_on: date(2026, 6, 1),
            restricted_on: date(2026, 3, 2),
            marked_on: date(2026, 6, 1),
        })]
    );
    // Once per restriction.
    case.refused_by(
        Command::MarkRestrictionReviewDue,
        "R-UPC-1",
        RefusalKind::Precondition,
    );
    assert_eq!(case.state.restriction_review_pending(), None);
    // Kept after review: restricted again with a new date, watched afresh.
    case.ok(restrict(date(2026, 9, 1)));
    assert_eq!(
        case.state.restriction_review_pending(),
        Some(date(2026, 9, 1))
    );
    case.on(date(2026, 6, 2));
    let events = case.ok(lift());
    assert!(matches!(
        &events[..],
        [Event::ContactRestrictionLifted(l)] if l.review_on == date(2026, 9, 1) && l.lifted_on == date(2026, 6, 2)
    ));
    assert!(case.state.contact_restriction().is_none());
    assert_eq!(case.state.restriction_review_pending(), None);
    assert_eq!(
        case.state.contact_restrictions.len(),
        2,
        "the history stays"
    );
    case.refused_by(lift(), "R-UPC-1", RefusalKind::Precondition);
}

#[test]
fn r_upc_1_a_restriction_never_changes_what_the_procedure_decides() {
    let steps = |restricted: bool| {
        let mut case = Case::opened(date(2026, 3, 2));
        if restricted {
            case.ok(restrict(date(2026, 6, 1)));
        }
        let mut decided = Vec::new();
        case.on(date(2026, 3, 10));
        decided.push(case.ok(not_upheld(Stage::One)));
        decided.push(case.ok(escalate(
            Stage::Two,
            &[Grounds::PointsNotAnswered],
            date(2026, 3, 10),
        )));
        decided.push(case.ok(assign("manager", Role::Manager)));
        decided.push(case.ok(outcome(Stage::Two, Decision::PartlyUpheld, vec![apology()])));
        decided
    };
    // The same outcomes, windows and deadlines (the letters the procedure
    // owes follow from these) with or without a restriction.
    assert_eq!(steps(true), steps(false));
}

fn raise_aware(n: u32, became_aware_on: chrono::NaiveDate) -> Command {
    Command::RaiseNewIssues(RaiseNewIssues {
        new_reference: reference(n),
        description: text("the certificate is wrong again"),
        became_aware_on: Some(became_aware_on),
    })
}

fn decide_new(n: u32, compelling_reason: bool) -> Command {
    Command::DecideNewIssues(DecideNewIssues {
        new_reference: reference(n),
        compelling_reason,
        reason: text("the complainant was in hospital"),
    })
}

#[test]
fn r_upc_2_new_issues_within_6_months_of_awareness_open_a_new_complaint() {
    let mut case = Case::closed_after_stage3(date(2026, 3, 2));
    case.on(date(2026, 9, 10));
    let events = case.ok(raise_aware(2, date(2026, 3, 10)));
    assert!(
        matches!(&events[..], [Event::NewIssuesRaised(n)] if n.new_reference == reference(2)),
        "{events:?}"
    );
    case.refused_by(
        raise_aware(3, date(2026, 9, 11)),
        "R-UPC-2",
        RefusalKind::InvalidArgument,
    );
}

#[test]
fn r_upc_2_new_issues_outside_6_months_wait_for_a_staff_decision() {
    let mut case = Case::closed_after_stage3(date(2026, 3, 2));
    case.refused_by(decide_new(2, true), "R-UPC-2", RefusalKind::Precondition);
    case.on(date(2026, 9, 10));
    let events = case.ok(raise_aware(2, date(2026, 3, 9)));
    assert_eq!(
        events,
        [Event::NewIssuesAwaitingDecision(
            crate::domain::event::NewIssuesAwaitingDecision {
                description: text("the certificate is wrong again"),
                became_aware_on: date(2026, 3, 9),
                raised_on: date(2026, 9, 10),
            }
        )]
    );
    assert!(case.state.new_issues.is_empty(), "no new complaint yet");
    // One matter at a time: more new issues wait for this decision.
    case.refused_by(
        raise_aware(3, date(2026, 9, 1)),
        "R-UPC-2",
        RefusalKind::Precondition,
    );
    // A compelling reason opens them as a new complaint.
    let events = case.ok(decide_new(4, true));
    assert!(matches!(
        &events[..],
        [Event::NewIssuesDecided(d), Event::NewIssuesRaised(n)]
            if d.compelling_reason && n.new_reference == reference(4)
                && n.description == text("the certificate is wrong again")
    ));
    assert!(case.state.new_issues_awaiting.is_none());
    case.refused_by(decide_new(5, true), "R-UPC-2", RefusalKind::Precondition);
}

#[test]
fn r_upc_2_staff_may_decline_new_issues_raised_late() {
    let mut case = Case::closed_after_stage3(date(2026, 3, 2));
    case.on(date(2027, 1, 4));
    case.ok(raise_aware(2, date(2026, 3, 2)));
    let events = case.ok(decide_new(3, false));
    assert!(matches!(
        &events[..],
        [Event::NewIssuesDecided(d)] if !d.compelling_reason
    ));
    assert!(case.state.new_issues.is_empty());
    assert!(case.state.new_issues_awaiting.is_none());
    // Other new issues, raised in time, are still considered.
    case.ok(raise_aware(4, date(2026, 12, 20)));
    assert_eq!(case.state.new_issues.len(), 1);
}
