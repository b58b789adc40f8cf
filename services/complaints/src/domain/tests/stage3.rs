use super::support::*;
use crate::domain::command::{Command, RecordUpdate, RequestEscalation};
use crate::domain::event::Event;
use crate::domain::types::{DeadlineKind, Decision, Grounds, Role, Stage};
use crate::domain::{ClosedHow, RefusalKind, Status};

const WHY: &[Grounds] = &[Grounds::DissatisfiedWithOutcome];

#[test]
fn r_s3_1_a_stage_3_request_on_day_14_is_accepted_and_on_day_15_refused() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 4, 1));
    case.on(date(2026, 4, 16));
    let refusal = case.refused_by(
        escalate(Stage::Three, WHY, date(2026, 4, 16)),
        "R-S3-1",
        RefusalKind::Precondition,
    );
    assert!(
        refusal.reason.contains("window ended 2026-04-15"),
        "{refusal}"
    );
    case.ok(escalate(Stage::Three, WHY, date(2026, 4, 15)));
    assert_eq!(case.state.stage, Some(Stage::Three));
}

#[test]
fn r_s3_1_a_stage_3_request_says_what_outcome_is_sought() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 4, 1));
    let request = RequestEscalation {
        to: Stage::Three,
        grounds: WHY.to_vec(),
        reasons: text("the manager ignored my evidence"),
        outcome_sought: None,
        received_on: date(2026, 4, 1),
    };
    let refusal = case.refused_by(
        Command::RequestEscalation(request),
        "R-S3-1",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("outcome_sought"));
}

#[test]
fn r_s3_2_stage_3_only_after_the_stage_2_outcome() {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.ok(escalate(
        Stage::Two,
        &[Grounds::NotUnderstood],
        date(2026, 3, 5),
    ));
    case.refused_by(
        escalate(Stage::Three, WHY, date(2026, 3, 5)),
        "R-S3-1",
        RefusalKind::Precondition,
    );
}

#[test]
fn r_s3_3_r_s3_4_r_s3_5_stage_3_goes_to_the_compliance_manager_with_its_deadlines() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 3, 18));
    case.on(date(2026, 3, 30));
    case.ok(escalate(Stage::Three, WHY, date(2026, 3, 27)));
    let handler = case
        .state
        .current_record()
        .unwrap()
        .handler
        .clone()
        .unwrap();
    assert_eq!(
        (handler.staff, handler.role),
        (staff("ccm"), Role::ComplianceManager)
    );
    // From Friday 27 March 2026: 5 working days, then 20 over Easter.
    assert_eq!(
        case.deadline(DeadlineKind::Stage3Acknowledgement).due_on,
        date(2026, 4, 7)
    );
    assert_eq!(
        case.deadline(DeadlineKind::Stage3Response).due_on,
        date(2026, 4, 28)
    );
}

#[test]
fn r_s3_3_only_the_compliance_manager_of_the_policy_takes_stage_3() {
    let mut case = Case::at_stage3(date(2026, 3, 2));
    case.refused_by(
        assign("manager", Role::Manager),
        "R-S3-3",
        RefusalKind::InvalidArgument,
    );
    case.refused_by(
        assign("someone", Role::ComplianceManager),
        "R-S3-3",
        RefusalKind::InvalidArgument,
    );
}

#[test]
fn r_s3_3_whether_to_investigate_is_decided_once_with_a_reason_and_only_at_stage_3() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.refused_by(decide_investigation(), "R-S3-3", RefusalKind::Precondition);
    case.ok(escalate(Stage::Three, WHY, date(2026, 3, 5)));
    case.ok(Command::AcknowledgeStage3);
    case.refused_by(
        not_upheld(Stage::Three),
        "R-S3-3",
        RefusalKind::Precondition,
    );
    case.ok(decide_investigation());
    case.refused_by(decide_investigation(), "R-S3-3", RefusalKind::Precondition);
    let record = case.state.current_record().unwrap();
    assert!(record.investigation.as_ref().unwrap().warranted);
}

#[test]
fn r_s3_4_the_acknowledgement_meets_its_deadline_and_comes_before_the_outcome() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.ok(escalate(Stage::Three, WHY, date(2026, 3, 5)));
    case.refused_by(
        not_upheld(Stage::Three),
        "R-S3-4",
        RefusalKind::Precondition,
    );
    case.on(date(2026, 3, 9));
    case.ok(Command::AcknowledgeStage3);
    let ack = case.deadline(DeadlineKind::Stage3Acknowledgement);
    assert_eq!(ack.met_on, Some(date(2026, 3, 9)));
    case.refused_by(
        Command::AcknowledgeStage3,
        "R-S3-4",
        RefusalKind::Precondition,
    );
    case.ok(decide_investigation());
    case.ok(not_upheld(Stage::Three));
}

#[test]
fn r_s3_3_r_s3_4_the_investigation_decision_waits_for_the_acknowledgement() {
    let mut case = Case::stage2_outcome(date(2026, 3, 2), date(2026, 3, 5));
    case.ok(escalate(Stage::Three, WHY, date(2026, 3, 5)));
    let refusal = case.refused_by(decide_investigation(), "R-S3-4", RefusalKind::Precondition);
    assert_eq!(refusal.field, Some("acknowledged_on"), "{refusal}");
    assert!(refusal.reason.contains("acknowledge"), "{refusal}");
    case.on(date(2026, 3, 6));
    case.ok(Command::AcknowledgeStage3);
    case.ok(decide_investigation());
    let record = case.state.current_record().unwrap();
    assert_eq!(record.acknowledged_on, Some(date(2026, 3, 6)));
    assert_eq!(
        record.investigation.as_ref().map(|i| i.decided_on),
        Some(date(2026, 3, 6))
    );
}

#[test]
fn r_s3_5_a_longer_investigation_tells_why_and_when() {
    let mut case = Case::at_stage3(date(2026, 3, 2));
    case.ok(Command::RecordUpdate(RecordUpdate {
        reason: text("we need the invigilator's statement"),
        revised_due_on: Some(date(2026, 5, 29)),
    }));
    assert_eq!(
        case.deadline(DeadlineKind::Stage3Response).due_on,
        date(2026, 5, 29)
    );
}

#[test]
fn r_s3_6_the_stage_3_outcome_is_final_and_closes_the_complaint() {
    let mut case = Case::at_stage3(date(2026, 3, 2));
    case.on(date(2026, 3, 20));
    let events = case.ok(outcome(
        Stage::Three,
        Decision::PartlyUpheld,
        vec![apology()],
    ));
    assert!(matches!(events.last(), Some(Event::ComplaintClosed(_))));
    assert!(matches!(
        case.state.status,
        Status::Closed { how: ClosedHow::ClosedAfterStage3, on } if on == date(2026, 3, 20)
    ));
    assert_eq!(
        case.deadline(DeadlineKind::Stage3Response).met_on,
        Some(date(2026, 3, 20))
    );
    assert!(
        !case
            .state
            .deadlines
            .contains_key(&DeadlineKind::EscalationWindow(Stage::Three))
    );
}

#[test]
fn r_s3_6_there_is_no_stage_after_stage_3() {
    let mut case = Case::at_stage3(date(2026, 3, 2));
    case.refused_by(
        escalate(Stage::Three, WHY, date(2026, 3, 2)),
        "R-S3-6",
        RefusalKind::Precondition,
    );
    case.ok(not_upheld(Stage::Three));
    let refusal = case.refused_by(
        escalate(Stage::Three, WHY, date(2026, 3, 2)),
        "R-S3-6",
        RefusalKind::Precondition,
    );
    assert!(refusal.reason.contains("final"), "{refusal}");
}

/// Stage 2 decided by the Corporate Compliance Manager ("ccm" in the test
/// policy): they recorded its outcome for the manager.
fn stage2_recorded_by_ccm(deputy: Option<&str>) -> Case {
    let mut case = Case::stage1_outcome(date(2026, 3, 2), date(2026, 3, 2));
    let mut policy = policy().clone();
    policy.stage3_deputy = deputy.map(staff);
    case.with_policy(policy);
    case.ok(escalate(
        Stage::Two,
        &[Grounds::NotUnderstood],
        date(2026, 3, 2),
    ));
    case.ok(assign("manager", Role::Manager));
    case.on(date(2026, 3, 5))
        .ok(recorded_by("ccm", not_upheld(Stage::Two)));
    case
}

#[test]
fn r_s3_3_the_nominated_deputy_takes_stage_3_when_the_compliance_manager_decided_stage_2() {
    let mut case = stage2_recorded_by_ccm(Some("deputy-ccm"));
    case.ok(escalate(Stage::Three, WHY, date(2026, 3, 5)));
    let handler = case.state.current_record().unwrap().handler.clone();
    let handler = handler.expect("Stage 3 is allocated at once");
    assert_eq!(
        (handler.staff, handler.role),
        (staff("deputy-ccm"), Role::ComplianceManager)
    );
    let refusal = case.refused_by(
        assign("ccm", Role::ComplianceManager),
        "R-S3-3",
        RefusalKind::InvalidArgument,
    );
    assert_eq!(refusal.field, Some("staff"));
    assert!(refusal.reason.contains("deputy-ccm"), "{refusal}");
    // Stage 3 runs to its end with the deputy.
    case.ok(Command::AcknowledgeStage3);
    case.ok(decide_investigation());
    case.ok(recorded_by("deputy-ccm", not_upheld(Stage::Three)));
    assert!(case.state.is_closed());
}

#[test]
fn r_s3_3_without_a_deputy_the_independence_refusal_says_none_is_configured() {
    let mut case = stage2_recorded_by_ccm(None);
    case.ok(escalate(Stage::Three, WHY, date(2026, 3, 5)));
    assert_eq!(case.state.stage, Some(Stage::Three));
    assert!(
        case.state.current_record().unwrap().handler.is_none(),
        "the barred compliance manager is not allocated"
    );
    let refusal = case.refused_by(
        assign("ccm", Role::ComplianceManager),
        "R-S3-3",
        RefusalKind::InvalidArgument,
    );
    assert!(
        refusal.reason.contains("no Stage 3 deputy is configured"),
        "{refusal}"
    );
    // Once a deputy is nominated, Stage 3 is allocated to them.
    let mut policy = case.policy.clone();
    policy.stage3_deputy = Some(staff("deputy-ccm"));
    case.with_policy(policy);
    case.ok(Command::AssignHandler(
        crate::domain::command::AssignHandler {
            staff: staff("deputy-ccm"),
            team: team("Corporate Compliance"),
            role: Role::ComplianceManager,
        },
    ));
}
