//! Facts folded into the anonymised log (R-MON-3).

use super::support::{calendar, date, opened, replay, submitted};
use crate::core::{
    AnonymisedRecord, Channel, ClosureKind, DeadlineKind, DeadlineResult, Decision, Fact,
    RemedyKind, Stage, apply,
};

/// A complaint that went through all three stages, as the services'
/// events would tell it.
fn three_stage_complaint() -> Vec<Fact> {
    vec![
        Fact::Submitted {
            received_on: date(2026, 3, 2),
            channel: Channel::WebForm,
            query_category: "Assessment".into(),
            customer_type: "Student".into(),
            third_party: true,
        },
        Fact::Accepted,
        Fact::Opened {
            received_on: date(2026, 3, 2),
            channel: Channel::WebForm,
            query_category: "Assessment".into(),
            regulated_qualification: true,
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::FirstContact,
        },
        Fact::OutcomeRecorded {
            stage: Stage::One,
            decision: Some(Decision::NotUpheld),
            remedies: vec![],
            compensation_pence: 0,
            on: date(2026, 3, 9),
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::EscalationWindow,
        },
        Fact::StageEscalated {
            to: Stage::Two,
            received_on: date(2026, 3, 12),
        },
        Fact::DeadlineMissed {
            kind: DeadlineKind::Stage2Response,
        },
        Fact::OutcomeRecorded {
            stage: Stage::Two,
            decision: Some(Decision::PartlyUpheld),
            remedies: vec![RemedyKind::FinancialCompensation, RemedyKind::Apology],
            compensation_pence: 2_500,
            on: date(2026, 4, 14),
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::Stage2Response,
        },
        Fact::ActionAdded {
            id: 1,
            due_on: date(2026, 5, 1),
        },
        Fact::ActionAdded {
            id: 2,
            due_on: date(2026, 6, 1),
        },
        Fact::StageEscalated {
            to: Stage::Three,
            received_on: date(2026, 4, 20),
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::Stage3Acknowledgement,
        },
        Fact::ActionCompleted {
            id: 1,
            on: Some(date(2026, 5, 1)),
        },
        Fact::OutcomeRecorded {
            stage: Stage::Three,
            decision: Some(Decision::Upheld),
            remedies: vec![RemedyKind::ReviseProcedures],
            compensation_pence: 10_000,
            on: date(2026, 5, 15),
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::Stage3Response,
        },
        Fact::Closed {
            on: date(2026, 5, 15),
            how: ClosureKind::AfterStage3,
        },
    ]
}

/// R-MON-3: volumes, circumstances, categories, stages, outcomes and
/// timeliness all land in the one record.
#[test]
fn r_mon_3_a_complaint_through_three_stages_becomes_one_anonymised_record() {
    let r = replay("p-1", &three_stage_complaint());

    assert_eq!(r.pseudonym, "p-1");
    assert_eq!(r.received_on, Some(date(2026, 3, 2)));
    assert_eq!(r.channel, Channel::WebForm);
    assert_eq!(r.query_category, "Assessment");
    assert_eq!(r.customer_type, "Student");
    assert!(r.third_party && r.regulated_qualification && r.accepted);
    assert!(!r.redirected && !r.declined_out_of_time && !r.resolved_outside_procedure);
    assert_eq!(r.stage_reached, Some(Stage::Three));

    let s1 = r.stage(Stage::One);
    assert_eq!(s1.started_on, Some(date(2026, 3, 2)));
    assert_eq!(s1.decision, Some(Decision::NotUpheld));
    // Tuesday 3 to Monday 9 March: 5 working days.
    assert_eq!(s1.working_days_to_outcome(calendar()), Some(5));

    let s2 = r.stage(Stage::Two);
    assert_eq!(s2.started_on, Some(date(2026, 3, 12)));
    assert_eq!(
        s2.remedies,
        vec![RemedyKind::Apology, RemedyKind::FinancialCompensation]
    );
    // 13 March to 14 April, without Good Friday and Easter Monday: 21.
    assert_eq!(s2.working_days_to_outcome(calendar()), Some(21));
    assert_eq!(r.stage(Stage::Three).decision, Some(Decision::Upheld));
    assert_eq!(r.final_decision(), Some(Decision::Upheld));
    assert_eq!(r.compensation_pence(), 12_500);

    assert_eq!(
        r.deadlines.get(&DeadlineKind::FirstContact),
        Some(&DeadlineResult::Met)
    );
    assert_eq!(
        r.deadlines.get(&DeadlineKind::Stage2Response),
        Some(&DeadlineResult::MetLate)
    );
    assert_eq!(r.deadlines.len(), 4, "{:?}", r.deadlines);

    assert_eq!(r.closed_on, Some(date(2026, 5, 15)));
    assert_eq!(r.closure, Some(ClosureKind::AfterStage3));
    assert!(!r.is_open_on(date(2026, 5, 15)));
    assert!(r.is_open_on(date(2026, 5, 14)));
    // R-MON-2: the action still open is kept by its due date only.
    assert_eq!(
        r.open_actions.into_iter().collect::<Vec<_>>(),
        vec![(2, date(2026, 6, 1))]
    );
    assert_eq!(
        r.completed_actions.into_iter().collect::<Vec<_>>(),
        vec![(1, false)],
        "done on its due date, so not late"
    );
}

/// R-MON-2: a completed action is counted as done, late when completed
/// after its due date; completing it again or re-adding it changes
/// nothing, and a completion of an action never added is not counted.
#[test]
fn r_mon_2_completed_actions_are_tracked_on_time_or_late() {
    let mut r = AnonymisedRecord::new("p");
    for fact in [
        Fact::ActionAdded {
            id: 1,
            due_on: date(2026, 5, 1),
        },
        Fact::ActionAdded {
            id: 2,
            due_on: date(2026, 5, 1),
        },
        Fact::ActionCompleted {
            id: 1,
            on: Some(date(2026, 4, 30)),
        },
        Fact::ActionCompleted {
            id: 2,
            on: Some(date(2026, 5, 4)),
        },
        Fact::ActionCompleted {
            id: 2,
            on: Some(date(2026, 5, 1)),
        },
        Fact::ActionAdded {
            id: 1,
            due_on: date(2026, 5, 1),
        },
        Fact::ActionCompleted {
            id: 9,
            on: Some(date(2026, 5, 1)),
        },
    ] {
        apply(&mut r, &fact);
    }
    assert!(r.open_actions.is_empty(), "{:?}", r.open_actions);
    assert_eq!(
        r.completed_actions.into_iter().collect::<Vec<_>>(),
        vec![(1, false), (2, true)]
    );
}

/// R-INT-7 and R-MON-3: a matter resolved at intake is in the log, but
/// never an open complaint.
#[test]
fn r_mon_3_a_matter_resolved_at_intake_is_counted_not_lost() {
    let r = replay(
        "p-2",
        &[
            submitted(date(2026, 4, 20), Channel::Email, "Fees", "Member"),
            Fact::ResolvedOutsideProcedure,
        ],
    );
    assert!(r.resolved_outside_procedure);
    assert_eq!(r.received_on, Some(date(2026, 4, 20)));
    assert_eq!(r.stage_reached, None);
    assert!(!r.is_open_on(date(2026, 4, 20)));
}

#[test]
fn a_complaint_resolved_outside_the_procedure_after_opening_is_flagged_and_closed() {
    let r = replay(
        "p",
        &[
            opened(date(2026, 4, 1), Channel::Email, "Fees"),
            Fact::ResolvedOutsideProcedure,
            Fact::Closed {
                on: date(2026, 4, 2),
                how: ClosureKind::ResolvedOutsideProcedure,
            },
        ],
    );
    assert!(r.resolved_outside_procedure);
    assert_eq!(r.stage_reached, Some(Stage::One));
    assert!(!r.is_open_on(date(2026, 4, 2)));
}

#[test]
fn a_deadline_missed_then_met_stays_a_miss() {
    let missed = Fact::DeadlineMissed {
        kind: DeadlineKind::FirstContact,
    };
    let met = Fact::DeadlineMet {
        kind: DeadlineKind::FirstContact,
    };
    let late = replay("p", &[missed.clone(), met.clone()]);
    assert_eq!(
        late.deadlines[&DeadlineKind::FirstContact],
        DeadlineResult::MetLate
    );
    assert!(!DeadlineResult::MetLate.compliant());
    let on_time = replay("p", &[met, missed]);
    assert_eq!(
        on_time.deadlines[&DeadlineKind::FirstContact],
        DeadlineResult::Met
    );
}

#[test]
fn escalation_windows_are_the_complainants_and_not_a_service_deadline() {
    let r = replay(
        "p",
        &[Fact::DeadlineMissed {
            kind: DeadlineKind::EscalationWindow,
        }],
    );
    assert!(r.deadlines.is_empty());
}

#[test]
fn the_submission_and_the_opening_give_the_same_record_in_either_order() {
    let submission = submitted(date(2026, 3, 2), Channel::Telephone, "Assessment", "Member");
    let opening = opened(date(2026, 3, 2), Channel::Telephone, "Assessment");
    assert_eq!(
        replay("p", &[submission.clone(), opening.clone()]),
        replay("p", &[opening, submission])
    );
}

#[test]
fn a_corrected_outcome_replaces_the_compensation_rather_than_adding_to_it() {
    let outcome = |pence| Fact::OutcomeRecorded {
        stage: Stage::One,
        decision: Some(Decision::Upheld),
        remedies: vec![RemedyKind::FinancialCompensation],
        compensation_pence: pence,
        on: date(2026, 3, 9),
    };
    let r = replay("p", &[outcome(1_000), outcome(1_500)]);
    assert_eq!(r.compensation_pence(), 1_500);
}

/// R-S2-2: stages only go up, whatever order the facts come in.
#[test]
fn a_late_stage_1_outcome_does_not_take_the_stage_back_down() {
    let mut r = replay(
        "p",
        &[Fact::StageEscalated {
            to: Stage::Two,
            received_on: date(2026, 3, 12),
        }],
    );
    apply(
        &mut r,
        &Fact::OutcomeRecorded {
            stage: Stage::One,
            decision: None,
            remedies: vec![],
            compensation_pence: 0,
            on: date(2026, 3, 9),
        },
    );
    assert_eq!(r.stage_reached, Some(Stage::Two));
    assert!(r.concluded(Stage::One));
}

/// R-S1-3: a referral to the line manager counts as Stage 2 and concludes
/// Stage 1, though Stage 1 recorded no outcome.
#[test]
fn a_referral_to_the_line_manager_concludes_stage_1() {
    let r = replay(
        "p",
        &[
            opened(date(2026, 3, 2), Channel::Email, "Fees"),
            Fact::StageEscalated {
                to: Stage::Two,
                received_on: date(2026, 3, 4),
            },
        ],
    );
    assert!(r.concluded(Stage::One));
    assert!(!r.concluded(Stage::Two));
    assert_eq!(
        r.stage(Stage::One).working_days_to_outcome(calendar()),
        None
    );
}

#[test]
fn an_empty_record_has_nothing_but_its_pseudonym() {
    assert_eq!(
        AnonymisedRecord::new("p"),
        AnonymisedRecord {
            pseudonym: "p".into(),
            ..AnonymisedRecord::default()
        }
    );
}
