use super::support::*;
use crate::domain::RefusalKind;
use crate::domain::command::{AssessmentFailureActions, Command, RecordOutcome};
use crate::domain::event::Event;
use crate::domain::types::{
    ActionId, ActionKind, Compensation, Decision, Money, NonEmptyText, Remedy, RemedyKind, Stage,
};

fn compensation(pence: u64, paid: chrono::NaiveDate) -> Remedy {
    let compensation = Compensation {
        amount: Money::from_pence(pence).unwrap(),
        expected_payment_on: paid,
    };
    Remedy::new(
        RemedyKind::FinancialCompensation,
        text("ex gratia payment"),
        Some(compensation),
    )
    .unwrap()
}

#[test]
fn r_out_1_every_stage_records_written_findings_which_cannot_be_blank() {
    assert!(NonEmptyText::new("   ").is_err());
    let mut case = Case::opened(date(2026, 3, 2));
    case.on(date(2026, 3, 10));
    let events = case.ok(not_upheld(Stage::One));
    let Event::OutcomeRecorded(outcome) = &events[0] else {
        panic!("{events:?}")
    };
    assert_eq!(outcome.issued_on, date(2026, 3, 10));
    assert_eq!(outcome.escalation_window_ends_on, Some(date(2026, 3, 24)));
    assert!(case.state.current_record().unwrap().outcome.is_some());
}

#[test]
fn r_out_1_an_outcome_is_for_the_current_stage_and_recorded_once() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.refused_by(not_upheld(Stage::Two), "R-OUT-1", RefusalKind::Precondition);
    case.ok(not_upheld(Stage::One));
    case.refused_by(not_upheld(Stage::One), "R-OUT-1", RefusalKind::Precondition);
}

#[test]
fn r_out_2_an_upheld_complaint_records_at_least_one_remedy() {
    let mut case = Case::opened(date(2026, 3, 2));
    for decision in [Decision::Upheld, Decision::PartlyUpheld] {
        let refusal = case.refused_by(
            outcome(Stage::One, decision, vec![]),
            "R-OUT-2",
            RefusalKind::InvalidArgument,
        );
        assert_eq!(refusal.field, Some("remedies"));
    }
    case.ok(outcome(
        Stage::One,
        Decision::Upheld,
        vec![apology(), compensation(2_500, date(2026, 3, 31))],
    ));
}

#[test]
fn r_out_2_a_complaint_not_upheld_may_carry_an_apology_or_explanation_but_never_compensation() {
    let mut case = Case::opened(date(2026, 3, 2));
    let paid = date(2026, 3, 31);
    case.refused_by(
        outcome(
            Stage::One,
            Decision::NotUpheld,
            vec![compensation(100, paid)],
        ),
        "R-OUT-2",
        RefusalKind::InvalidArgument,
    );
    let training = Remedy::new(RemedyKind::TrainOrSuperviseStaff, text("training"), None).unwrap();
    case.refused_by(
        outcome(Stage::One, Decision::NotUpheld, vec![training]),
        "R-OUT-2",
        RefusalKind::InvalidArgument,
    );
    let explanation = Remedy::new(RemedyKind::Explanation, text("why"), None).unwrap();
    case.ok(outcome(
        Stage::One,
        Decision::NotUpheld,
        vec![apology(), explanation],
    ));
}

#[test]
fn r_out_2_compensation_is_not_expected_to_be_paid_in_the_past() {
    let mut case = Case::opened(date(2026, 3, 2));
    case.refused_by(
        outcome(
            Stage::One,
            Decision::Upheld,
            vec![compensation(100, date(2026, 3, 1))],
        ),
        "R-OUT-2",
        RefusalKind::InvalidArgument,
    );
}

fn failure_actions(due: chrono::NaiveDate) -> AssessmentFailureActions {
    AssessmentFailureActions {
        identify_affected_learners: planned("exams-lead", due),
        correct_or_mitigate: planned("exams-lead", due),
        prevent_recurrence: planned("quality-lead", due),
    }
}

fn with_failure(found: bool, actions: Option<AssessmentFailureActions>) -> Command {
    Command::RecordOutcome(RecordOutcome {
        stage: Stage::One,
        decision: Decision::Upheld,
        findings: text("a marking error affected the cohort"),
        remedies: vec![apology()],
        assessment_failure_found: found,
        assessment_failure_actions: actions,
        recorded_by: staff("recorder"),
    })
}

#[test]
fn r_out_4_an_assessment_failure_opens_three_actions_with_owners_and_due_dates() {
    let mut case = Case::opened(date(2026, 3, 2));
    let refusal = case.refused_by(
        with_failure(true, None),
        "R-OUT-4",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("assessment_failure_actions"));
    case.refused_by(
        with_failure(false, Some(failure_actions(date(2026, 4, 30)))),
        "R-OUT-4",
        RefusalKind::InvalidArgument,
    );
    case.refused_by(
        with_failure(true, Some(failure_actions(date(2026, 3, 1)))),
        "R-OUT-3",
        RefusalKind::InvalidArgument,
    );
    case.ok(with_failure(true, Some(failure_actions(date(2026, 4, 30)))));
    let kinds: Vec<_> = case
        .state
        .actions
        .values()
        .map(|a| (a.id, a.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (
                ActionId::new(1).unwrap(),
                ActionKind::IdentifyAffectedLearners
            ),
            (ActionId::new(2).unwrap(), ActionKind::CorrectOrMitigate),
            (ActionId::new(3).unwrap(), ActionKind::PreventRecurrence),
        ]
    );
}

#[test]
fn r_reg_2_the_final_outcome_on_a_regulated_qualification_records_the_right_to_refer() {
    let Command::Open(mut o) = open(noon(date(2026, 3, 2)), true) else {
        unreachable!()
    };
    o.qualification = Some(ofqual());
    let mut case = Case::opened_with(Command::Open(o));
    case.ok(not_upheld(Stage::One));
    case.ok(escalate(
        Stage::Two,
        &[crate::domain::types::Grounds::NotUnderstood],
        date(2026, 3, 2),
    ));
    case.ok(assign("manager", crate::domain::types::Role::Manager));
    case.ok(not_upheld(Stage::Two));
    case.ok(escalate(
        Stage::Three,
        &[crate::domain::types::Grounds::DissatisfiedWithOutcome],
        date(2026, 3, 2),
    ));
    case.ok(Command::AcknowledgeStage3);
    case.ok(decide_investigation());
    case.ok(not_upheld(Stage::Three));
    let right = case.state.referral_right.as_ref().unwrap();
    assert_eq!(right.regulators, vec![name("Ofqual"), name("CCEA")]);
}

#[test]
fn r_reg_2_an_unregulated_complaint_records_no_referral_right() {
    let case = Case::closed_after_stage3(date(2026, 3, 2));
    assert_eq!(case.state.referral_right, None);
}

#[test]
fn r_out_1_every_remedy_can_say_by_when_it_will_be_done_or_follow_its_action() {
    use crate::domain::command::AddAction;

    let mut case = Case::opened(date(2026, 3, 2));
    case.ok(Command::AddAction(AddAction {
        kind: ActionKind::FollowUp,
        description: text("correct the certificate"),
        owner: staff("certificates"),
        due_on: date(2026, 4, 10),
    }));
    case.on(date(2026, 3, 16));
    let training = Remedy::new(
        RemedyKind::TrainOrSuperviseStaff,
        text("staff will be trained on resit bookings"),
        None,
    )
    .unwrap();
    // Not in the past.
    case.refused_by(
        outcome(
            Stage::One,
            Decision::Upheld,
            vec![
                training
                    .clone()
                    .with_timescale(Some(date(2026, 3, 13)), None),
            ],
        ),
        "R-OUT-1",
        RefusalKind::InvalidArgument,
    );
    // An action that does not exist.
    case.refused_by(
        outcome(
            Stage::One,
            Decision::Upheld,
            vec![training.clone().with_timescale(None, ActionId::new(9).ok())],
        ),
        "R-OUT-3",
        RefusalKind::InvalidArgument,
    );
    let events = case.ok(outcome(
        Stage::One,
        Decision::Upheld,
        vec![
            apology(),
            training.with_timescale(Some(date(2026, 5, 29)), None),
            Remedy::new(
                RemedyKind::ChangeDecision,
                text("the certificate will be reissued"),
                None,
            )
            .unwrap()
            .with_timescale(None, Some(ActionId::FIRST)),
        ],
    ));
    let Some(Event::OutcomeRecorded(recorded)) = events.first() else {
        panic!("{events:?}")
    };
    let dates: Vec<_> = recorded.remedies.iter().map(Remedy::done_by).collect();
    assert_eq!(
        dates,
        [None, Some(date(2026, 5, 29)), Some(date(2026, 4, 10))],
        "the action's due date feeds its remedy"
    );
}

#[test]
fn r_out_1_findings_that_are_only_punctuation_or_a_placeholder_are_refused() {
    for placeholder in ["...", "-", "n/a", "TBC", "tbd."] {
        let mut case = Case::opened(date(2026, 3, 2));
        let Command::RecordOutcome(mut c) = not_upheld(Stage::One) else {
            unreachable!()
        };
        c.findings = text(placeholder);
        let refusal = case.refused_by(
            Command::RecordOutcome(c),
            "R-OUT-1",
            RefusalKind::InvalidArgument,
        );
        assert_eq!(refusal.field, Some("findings"), "{placeholder}: {refusal}");
    }
}
