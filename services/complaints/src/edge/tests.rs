//! Each request: the happy path, and a refusal naming the field and rule.

use super::*;
use crate::domain::command::*;
use crate::domain::types::*;
use chrono::{DateTime, NaiveDate, Utc};

const REF: &str = "CMP-2026-000042";

fn command() -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference: REF.into(),
        acting_user: "s.jones".into(),
        expected_version: None,
    })
}

fn day(year: i32, month: u32, day: u32) -> Option<pb::Date> {
    Some(pb::Date { year, month, day })
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn text(s: &str) -> NonEmptyText {
    NonEmptyText::new(s).unwrap()
}

fn staff(s: &str) -> StaffId {
    StaffId::new(s).unwrap()
}

/// The command of an accepted request, checking who acts.
#[track_caller]
fn accepted(parsed: Result<(Acting, Command), Vec<FieldViolation>>) -> Command {
    let (acting, command) = parsed.unwrap_or_else(|v| panic!("refused: {v:?}"));
    assert_eq!(acting.reference, ComplaintRef::parse(REF).unwrap());
    assert_eq!(acting.user, staff("s.jones"));
    command
}

/// The (field, rule) pairs of a refused request.
#[track_caller]
fn refused(parsed: Result<(Acting, Command), Vec<FieldViolation>>) -> Vec<(String, &'static str)> {
    let violations = parsed.expect_err("accepted");
    assert!(violations.iter().all(|v| !v.description.is_empty()));
    violations.into_iter().map(|v| (v.field, v.rule)).collect()
}

fn one(field: &str, rule: &'static str) -> Vec<(String, &'static str)> {
    vec![(field.to_owned(), rule)]
}

#[test]
fn r_rec_1_a_query_reference_is_parsed_or_refused_naming_the_field() {
    assert_eq!(reference(REF, "reference").unwrap().to_string(), REF);
    let violations = reference("CMP-26-1", "reference").unwrap_err();
    assert_eq!(
        (violations[0].field.as_str(), violations[0].rule),
        ("reference", "R-REC-1")
    );
}

#[test]
fn r_s3_4_the_bare_command_acknowledges_stage_3() {
    let command = accepted(command().unwrap().into_command());
    assert_eq!(command, Command::AcknowledgeStage3);
}

#[test]
fn r_rec_1_a_bare_command_names_its_own_wrong_fields() {
    let bare = pb::ComplaintCommand {
        reference: "nope".into(),
        acting_user: "two words".into(),
        expected_version: None,
    };
    assert_eq!(
        refused(bare.into_command()),
        vec![
            ("reference".into(), "R-REC-1"),
            ("acting_user".into(), "R-REC-1")
        ]
    );
}

#[test]
fn r_rec_1_a_request_without_its_command_is_refused_naming_command() {
    let request = pb::AgreeTimescaleRequest {
        command: None,
        due_on: day(2026, 3, 20),
    };
    assert_eq!(refused(request.into_command()), one("command", "R-REC-1"));
}

#[test]
fn every_wrong_field_of_a_request_is_reported_at_once() {
    let request = pb::RecordContactRequest {
        command: Some(pb::ComplaintCommand {
            reference: String::new(),
            acting_user: String::new(),
            expected_version: None,
        }),
        at: None,
        method: 0,
        summary: "  ".into(),
    };
    let fields: Vec<String> = refused(request.into_command())
        .into_iter()
        .map(|(field, _)| field)
        .collect();
    assert_eq!(
        fields,
        [
            "command.reference",
            "command.acting_user",
            "at",
            "method",
            "summary"
        ]
    );
}

#[test]
fn assigning_a_handler_parses_staff_team_and_role() {
    let request = pb::AssignHandlerRequest {
        command: command(),
        handler: "manager-1".into(),
        team: "Customer Service".into(),
        role: pb::HandlerRole::Manager as i32,
    };
    let expected = AssignHandler {
        staff: staff("manager-1"),
        team: Team::new("Customer Service").unwrap(),
        role: Role::Manager,
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::AssignHandler(expected)
    );
}

#[test]
fn r_s2_3_an_unspecified_handler_role_is_refused() {
    let request = pb::AssignHandlerRequest {
        command: command(),
        handler: "manager-1".into(),
        team: "Customer Service".into(),
        role: 0,
    };
    assert_eq!(refused(request.into_command()), one("role", "R-S2-3"));
}

fn contact(at: Option<prost_types::Timestamp>) -> pb::RecordContactRequest {
    pb::RecordContactRequest {
        command: command(),
        at,
        method: pb::ContactMethod::Telephone as i32,
        summary: "called to clarify".into(),
    }
}

#[test]
fn r_int_9_a_contact_is_parsed_with_its_instant_and_method() {
    let at = prost_types::Timestamp {
        seconds: 1_772_000_000,
        nanos: 5,
    };
    let expected = RecordContact {
        at: DateTime::<Utc>::from_timestamp(1_772_000_000, 5).unwrap(),
        method: ContactMethod::Telephone,
        summary: text("called to clarify"),
    };
    let command = accepted(contact(Some(at)).into_command());
    assert_eq!(command, Command::RecordContact(expected));
}

#[test]
fn r_int_9_a_contact_without_an_instant_or_with_a_bad_one_is_refused() {
    assert_eq!(refused(contact(None).into_command()), one("at", "R-INT-9"));
    let bad = prost_types::Timestamp {
        seconds: 0,
        nanos: -1,
    };
    assert_eq!(
        refused(contact(Some(bad)).into_command()),
        one("at", "R-INT-9")
    );
}

#[test]
fn r_s1_2_a_timescale_is_agreed_to_a_date() {
    let request = pb::AgreeTimescaleRequest {
        command: command(),
        due_on: day(2026, 3, 20),
    };
    let expected = AgreeTimescale {
        due_on: date(2026, 3, 20),
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::AgreeTimescale(expected)
    );
}

#[test]
fn r_s1_2_a_timescale_on_a_day_that_does_not_exist_is_refused() {
    let request = pb::AgreeTimescaleRequest {
        command: command(),
        due_on: day(2026, 2, 30),
    };
    assert_eq!(refused(request.into_command()), one("due_on", "R-S1-2"));
}

#[test]
fn r_s1_2_an_update_may_revise_the_date_or_not() {
    let mut request = pb::RecordUpdateRequest {
        command: command(),
        reason: "waiting for the exam board".into(),
        revised_due_on: None,
    };
    let expected = RecordUpdate {
        reason: text("waiting for the exam board"),
        revised_due_on: None,
    };
    let parsed = accepted(request.clone().into_command());
    assert_eq!(parsed, Command::RecordUpdate(expected.clone()));
    request.revised_due_on = day(2026, 4, 1);
    let revised = RecordUpdate {
        revised_due_on: Some(date(2026, 4, 1)),
        ..expected
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::RecordUpdate(revised)
    );
}

#[test]
fn r_s1_2_an_update_without_a_reason_is_refused() {
    let request = pb::RecordUpdateRequest {
        command: command(),
        reason: String::new(),
        revised_due_on: day(2026, 13, 1),
    };
    assert_eq!(
        refused(request.into_command()),
        vec![
            ("reason".into(), "R-S1-2"),
            ("revised_due_on".into(), "R-S1-2")
        ]
    );
}

#[test]
fn r_s1_3_a_referral_names_the_line_manager_and_team() {
    let request = pb::ReferToLineManagerRequest {
        command: command(),
        manager: "line.manager".into(),
        team: "Exams".into(),
    };
    let expected = ReferToLineManager {
        manager: staff("line.manager"),
        team: Team::new("Exams").unwrap(),
    };
    let parsed = accepted(request.into_command());
    assert_eq!(parsed, Command::ReferToLineManager(expected));
}

#[test]
fn r_s1_3_a_referral_without_a_manager_is_refused() {
    let request = pb::ReferToLineManagerRequest {
        command: command(),
        manager: " ".into(),
        team: "Exams".into(),
    };
    assert_eq!(refused(request.into_command()), one("manager", "R-S1-3"));
}

fn remedy(kind: pb::RemedyKind, pence: Option<i64>, paid: Option<pb::Date>) -> pb::RemedyInput {
    pb::RemedyInput {
        kind: kind as i32,
        description: "put right".into(),
        compensation: pence.map(|pence| pb::Money { pence }),
        expected_payment_on: paid,
        ..Default::default()
    }
}

fn planned(owner: &str) -> Option<pb::PlannedActionInput> {
    Some(pb::PlannedActionInput {
        description: "do it".into(),
        owner: owner.into(),
        due_on: day(2026, 5, 1),
    })
}

fn outcome(remedies: Vec<pb::RemedyInput>) -> pb::RecordOutcomeRequest {
    pb::RecordOutcomeRequest {
        command: command(),
        stage: pb::Stage::Stage1 as i32,
        decision: pb::Decision::Upheld as i32,
        findings: "what happened and how we put it right".into(),
        remedies,
        assessment_failure_found: false,
        identify_affected_learners: None,
        correct_or_mitigate: None,
        prevent_recurrence: None,
    }
}

#[test]
fn r_out_2_r_out_4_an_outcome_carries_its_remedies_and_assessment_failure_actions() {
    let mut request = outcome(vec![
        remedy(pb::RemedyKind::Apology, None, None),
        remedy(
            pb::RemedyKind::FinancialCompensation,
            Some(5_000),
            day(2026, 5, 1),
        ),
    ]);
    request.assessment_failure_found = true;
    request.identify_affected_learners = planned("a");
    request.correct_or_mitigate = planned("b");
    request.prevent_recurrence = planned("c");
    let Command::RecordOutcome(c) = accepted(request.into_command()) else {
        panic!("not an outcome")
    };
    assert_eq!((c.stage, c.decision), (Stage::One, Decision::Upheld));
    assert_eq!(c.remedies.len(), 2);
    let compensation = c.remedies[1].compensation().unwrap();
    assert_eq!(compensation.amount.pence(), 5_000);
    assert_eq!(compensation.expected_payment_on, date(2026, 5, 1));
    assert!(c.assessment_failure_found);
    let actions = c.assessment_failure_actions.unwrap();
    assert_eq!(actions.correct_or_mitigate.owner, staff("b"));
}

#[test]
fn r_out_1_an_outcome_without_stage_decision_or_findings_is_refused() {
    let mut request = outcome(vec![]);
    request.stage = 0;
    request.decision = 7;
    request.findings.clear();
    assert_eq!(
        refused(request.into_command()),
        vec![
            ("stage".into(), "R-OUT-1"),
            ("decision".into(), "R-OUT-1"),
            ("findings".into(), "R-OUT-1")
        ]
    );
}

#[test]
fn r_out_2_financial_compensation_without_an_amount_is_refused_at_the_remedy() {
    let request = outcome(vec![remedy(
        pb::RemedyKind::FinancialCompensation,
        None,
        None,
    )]);
    assert_eq!(
        refused(request.into_command()),
        one("remedies[0].compensation", "R-OUT-2")
    );
}

#[test]
fn r_out_2_wrong_amounts_and_payment_dates_are_refused_with_their_paths() {
    let request = outcome(vec![
        remedy(pb::RemedyKind::Apology, Some(100), day(2026, 5, 1)),
        remedy(
            pb::RemedyKind::FinancialCompensation,
            Some(0),
            day(2026, 5, 1),
        ),
        remedy(pb::RemedyKind::FinancialCompensation, Some(-5), None),
        remedy(pb::RemedyKind::Explanation, None, day(2026, 5, 1)),
        remedy(pb::RemedyKind::Unspecified, None, None),
    ]);
    assert_eq!(
        refused(request.into_command()),
        vec![
            ("remedies[0].compensation".into(), "R-OUT-2"),
            ("remedies[1].compensation".into(), "R-OUT-2"),
            ("remedies[2].compensation".into(), "R-OUT-2"),
            ("remedies[2].expected_payment_on".into(), "R-OUT-2"),
            ("remedies[3].expected_payment_on".into(), "R-OUT-2"),
            ("remedies[4].kind".into(), "R-OUT-2"),
        ]
    );
}

#[test]
fn r_out_4_the_three_assessment_failure_actions_come_together() {
    let mut request = outcome(vec![remedy(pb::RemedyKind::Apology, None, None)]);
    request.assessment_failure_found = true;
    request.identify_affected_learners = planned("a");
    request.prevent_recurrence = planned("two words");
    assert_eq!(
        refused(request.into_command()),
        vec![
            ("correct_or_mitigate".into(), "R-OUT-4"),
            ("prevent_recurrence.owner".into(), "R-OUT-4"),
        ]
    );
}

#[test]
fn r_out_4_no_actions_given_leaves_the_domain_to_judge_the_failure_flag() {
    let mut request = outcome(vec![remedy(pb::RemedyKind::Apology, None, None)]);
    request.assessment_failure_found = true;
    let Command::RecordOutcome(c) = accepted(request.into_command()) else {
        panic!("not an outcome")
    };
    assert!(c.assessment_failure_found && c.assessment_failure_actions.is_none());
}

fn escalation(to: pb::Stage, grounds: &[i32], sought: &str) -> pb::RequestEscalationRequest {
    pb::RequestEscalationRequest {
        command: command(),
        to_stage: to as i32,
        grounds: grounds.to_vec(),
        reasons: "my points were not answered".into(),
        outcome_sought: sought.into(),
        received_on: day(2026, 3, 20),
        link_token: String::new(),
    }
}

#[test]
fn r_s3_1_a_stage_3_request_carries_the_outcome_sought() {
    let grounds = [pb::Grounds::DissatisfiedWithOutcome as i32];
    let request = escalation(pb::Stage::Stage3, &grounds, "a refund");
    let expected = RequestEscalation {
        to: Stage::Three,
        grounds: vec![Grounds::DissatisfiedWithOutcome],
        reasons: text("my points were not answered"),
        outcome_sought: Some(text("a refund")),
        received_on: date(2026, 3, 20),
    };
    let parsed = accepted(request.into_command());
    assert_eq!(parsed, Command::RequestEscalation(expected));
}

#[test]
fn r_s1_4_an_empty_outcome_sought_is_none_for_a_stage_2_request() {
    let grounds = [pb::Grounds::PointsNotAnswered as i32];
    let request = escalation(pb::Stage::Stage2, &grounds, "");
    let Command::RequestEscalation(c) = accepted(request.into_command()) else {
        panic!("not an escalation")
    };
    assert_eq!((c.to, c.outcome_sought), (Stage::Two, None));
}

#[test]
fn r_s1_4_an_unknown_ground_and_an_unspecified_stage_are_refused() {
    let grounds = [pb::Grounds::NotUnderstood as i32, 0, 9];
    let request = escalation(pb::Stage::Unspecified, &grounds, "");
    assert_eq!(
        refused(request.into_command()),
        vec![
            ("to_stage".into(), "R-S2-2"),
            ("grounds[1]".into(), "R-S1-4"),
            ("grounds[2]".into(), "R-S1-4"),
        ]
    );
}

#[test]
fn r_s3_3_an_investigation_decision_records_why() {
    let request = pb::DecideInvestigationRequest {
        command: command(),
        warranted: true,
        reason: "gaps in the correspondence".into(),
    };
    let expected = DecideInvestigation {
        warranted: true,
        reason: text("gaps in the correspondence"),
    };
    let parsed = accepted(request.into_command());
    assert_eq!(parsed, Command::DecideInvestigation(expected));
}

#[test]
fn r_s3_3_an_investigation_decision_without_a_reason_is_refused() {
    let request = pb::DecideInvestigationRequest {
        command: command(),
        warranted: false,
        reason: String::new(),
    };
    assert_eq!(refused(request.into_command()), one("reason", "R-S3-3"));
}

fn extension(kind: pb::DeadlineKind, stage: pb::Stage) -> pb::ExtendDeadlineRequest {
    pb::ExtendDeadlineRequest {
        command: command(),
        kind: kind as i32,
        stage: stage as i32,
        due_on: day(2026, 4, 30),
        reason: "the complainant asked for more time".into(),
    }
}

#[test]
fn r_s2_1_an_escalation_window_is_named_by_the_stage_whose_outcome_opened_it() {
    let request = extension(pb::DeadlineKind::EscalationWindow, pb::Stage::Stage1);
    let Command::ExtendDeadline(c) = accepted(request.into_command()) else {
        panic!("not an extension")
    };
    assert_eq!(c.kind, DeadlineKind::EscalationWindow(Stage::One));
    assert_eq!(c.due_on, date(2026, 4, 30));
    let other = extension(pb::DeadlineKind::Stage2Response, pb::Stage::Unspecified);
    let Command::ExtendDeadline(c) = accepted(other.into_command()) else {
        panic!("not an extension")
    };
    assert_eq!(c.kind, DeadlineKind::Stage2Response);
}

#[test]
fn r_s2_1_an_escalation_window_without_its_stage_is_refused() {
    let request = extension(pb::DeadlineKind::EscalationWindow, pb::Stage::Unspecified);
    assert_eq!(refused(request.into_command()), one("stage", "R-S2-1"));
}

#[test]
fn r_s3_5_an_extension_cites_the_rule_of_its_deadline() {
    let mut request = extension(pb::DeadlineKind::Stage3Response, pb::Stage::Unspecified);
    request.due_on = None;
    assert_eq!(refused(request.into_command()), one("due_on", "R-S3-5"));
    let unspecified = extension(pb::DeadlineKind::Unspecified, pb::Stage::Unspecified);
    assert_eq!(refused(unspecified.into_command()), one("kind", "R-REC-1"));
}

fn add_action(kind: i32, due_on: Option<pb::Date>) -> pb::AddActionRequest {
    pb::AddActionRequest {
        command: command(),
        kind,
        description: "revise the guidance".into(),
        owner: "owner-1".into(),
        due_on,
    }
}

#[test]
fn r_mon_2_an_action_has_one_owner_and_a_due_date() {
    let request = add_action(pb::ActionKind::Improvement as i32, day(2026, 6, 1));
    let expected = AddAction {
        kind: ActionKind::Improvement,
        description: text("revise the guidance"),
        owner: staff("owner-1"),
        due_on: date(2026, 6, 1),
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::AddAction(expected)
    );
}

#[test]
fn r_mon_2_an_improvement_without_a_due_date_is_refused() {
    let request = add_action(pb::ActionKind::Improvement as i32, None);
    assert_eq!(refused(request.into_command()), one("due_on", "R-MON-2"));
    let unknown = add_action(42, day(2026, 6, 1));
    assert_eq!(refused(unknown.into_command()), one("kind", "R-OUT-3"));
}

#[test]
fn r_out_3_an_action_passes_to_a_new_owner() {
    let request = pb::ReassignActionRequest {
        command: command(),
        action_id: 2,
        owner: "owner-2".into(),
        reason: "leave".into(),
    };
    let expected = ReassignAction {
        action: ActionId::new(2).unwrap(),
        owner: staff("owner-2"),
        reason: text("leave"),
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::ReassignAction(expected)
    );
}

#[test]
fn r_out_3_action_zero_does_not_exist() {
    let request = pb::ReassignActionRequest {
        command: command(),
        action_id: 0,
        owner: "owner-2".into(),
        reason: "leave".into(),
    };
    assert_eq!(refused(request.into_command()), one("action_id", "R-OUT-3"));
}

#[test]
fn r_out_3_an_action_is_completed_with_an_optional_note() {
    let mut request = pb::CompleteActionRequest {
        command: command(),
        action_id: 1,
        note: "  ".into(),
    };
    let done = CompleteAction {
        action: ActionId::FIRST,
        note: None,
    };
    let parsed = accepted(request.clone().into_command());
    assert_eq!(parsed, Command::CompleteAction(done.clone()));
    request.note = "refund paid".into();
    let noted = CompleteAction {
        note: Some(text("refund paid")),
        ..done
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::CompleteAction(noted)
    );
}

#[test]
fn r_out_3_completing_action_zero_is_refused() {
    let request = pb::CompleteActionRequest {
        command: command(),
        action_id: 0,
        note: String::new(),
    };
    assert_eq!(refused(request.into_command()), one("action_id", "R-OUT-3"));
}

#[test]
fn r_reg_2_a_referral_names_the_regulator_and_date() {
    let request = pb::RecordRegulatorReferralRequest {
        command: command(),
        regulator: "Ofqual".into(),
        referred_on: day(2026, 5, 2),
    };
    let expected = RecordRegulatorReferral {
        regulator: Name::new("Ofqual").unwrap(),
        referred_on: date(2026, 5, 2),
    };
    let parsed = accepted(request.into_command());
    assert_eq!(parsed, Command::RecordRegulatorReferral(expected));
}

#[test]
fn r_reg_2_a_referral_without_a_regulator_is_refused() {
    let request = pb::RecordRegulatorReferralRequest {
        command: command(),
        regulator: String::new(),
        referred_on: day(2026, 5, 2),
    };
    assert_eq!(refused(request.into_command()), one("regulator", "R-REG-2"));
}

#[test]
fn r_upc_1_a_restriction_records_its_reason_and_review_date() {
    let request = pb::RestrictContactRequest {
        command: command(),
        reason: "daily calls".into(),
        review_on: day(2026, 9, 1),
    };
    let expected = RestrictContact {
        reason: text("daily calls"),
        review_on: date(2026, 9, 1),
    };
    assert_eq!(
        accepted(request.into_command()),
        Command::RestrictContact(expected)
    );
}

#[test]
fn r_upc_1_a_restriction_without_a_review_date_is_refused() {
    let request = pb::RestrictContactRequest {
        command: command(),
        reason: "daily calls".into(),
        review_on: None,
    };
    assert_eq!(refused(request.into_command()), one("review_on", "R-UPC-1"));
}

fn disclosure(legal_basis: i32) -> pb::RecordDisclosureRequest {
    pb::RecordDisclosureRequest {
        command: command(),
        recipient: "Thames Valley Police".into(),
        legal_basis,
        what: "the correspondence".into(),
        disclosed_on: day(2026, 4, 2),
    }
}

#[test]
fn r_conf_3_a_disclosure_records_its_legal_basis() {
    let request = disclosure(pb::LegalBasis::Police as i32);
    let Command::RecordDisclosure(c) = accepted(request.into_command()) else {
        panic!("not a disclosure")
    };
    assert_eq!(c.legal_basis, Some(LegalBasis::Police));
    assert_eq!(c.disclosed_on, date(2026, 4, 2));
}

#[test]
fn r_conf_3_a_disclosure_without_a_legal_basis_is_refused() {
    assert_eq!(
        refused(disclosure(0).into_command()),
        one("legal_basis", "R-CONF-3")
    );
}

fn permission(third_party: &str, in_writing: bool) -> pb::RecordInformationPermissionRequest {
    pb::RecordInformationPermissionRequest {
        command: command(),
        third_party: third_party.into(),
        scope: "exam scripts".into(),
        given_on: day(2026, 3, 5),
        in_writing,
    }
}

#[test]
fn r_int_5_a_permission_is_parsed_and_its_writing_left_to_the_domain() {
    let Command::RecordInformationPermission(c) =
        accepted(permission("Exam Centre", false).into_command())
    else {
        panic!("not a permission")
    };
    assert_eq!(c.third_party, Name::new("Exam Centre").unwrap());
    assert!(!c.in_writing);
}

#[test]
fn r_int_5_a_permission_without_a_third_party_is_refused() {
    let request = permission("", true);
    assert_eq!(
        refused(request.into_command()),
        one("third_party", "R-INT-5")
    );
}

#[test]
fn r_int_7_a_quick_resolution_says_how() {
    let request = pb::ResolveOutsideProcedureRequest {
        command: command(),
        how: "resent the certificate".into(),
    };
    let expected = ResolveOutsideProcedure {
        how: text("resent the certificate"),
    };
    let parsed = accepted(request.into_command());
    assert_eq!(parsed, Command::ResolveOutsideProcedure(expected));
}

#[test]
fn r_int_7_a_quick_resolution_without_how_is_refused() {
    let request = pb::ResolveOutsideProcedureRequest {
        command: command(),
        how: String::new(),
    };
    assert_eq!(refused(request.into_command()), one("how", "R-INT-7"));
}

#[test]
fn r_upc_2_new_issues_go_to_the_reference_the_shell_allocated() {
    let new_reference = ComplaintRef::new(2026, 77).unwrap();
    let request = pb::RaiseNewIssuesRequest {
        command: command(),
        description: "a new point about the resit".into(),
        became_aware_on: None,
    };
    let expected = RaiseNewIssues {
        new_reference,
        description: text("a new point about the resit"),
        became_aware_on: None,
    };
    let parsed = accepted(raise_new_issues(request, new_reference));
    assert_eq!(parsed, Command::RaiseNewIssues(expected));
}

#[test]
fn r_upc_2_new_issues_without_a_description_are_refused() {
    let request = pb::RaiseNewIssuesRequest {
        command: command(),
        description: String::new(),
        became_aware_on: None,
    };
    let parsed = raise_new_issues(request, ComplaintRef::new(2026, 77).unwrap());
    assert_eq!(refused(parsed), one("description", "R-UPC-2"));
}

#[test]
fn r_upc_2_the_date_the_complainant_became_aware_is_read_and_a_decision_needs_a_reason() {
    let new_reference = ComplaintRef::new(2026, 77).unwrap();
    let request = pb::RaiseNewIssuesRequest {
        command: command(),
        description: "a new point about the resit".into(),
        became_aware_on: Some(pb::Date {
            year: 2025,
            month: 2,
            day: 30,
        }),
    };
    assert_eq!(
        refused(raise_new_issues(request, new_reference)),
        one("became_aware_on", "R-UPC-2")
    );
    let decision = pb::DecideNewIssuesRequest {
        command: command(),
        compelling_reason: true,
        reason: " ".into(),
    };
    assert_eq!(
        refused(decide_new_issues(decision, new_reference)),
        one("reason", "R-UPC-2")
    );
}

/// R-S2-1, R-S3-1: a receipt recorded by hand names the stage, the day and
/// the reason; the recorder is the acting user; each wrong field is named
/// with the rule of the stage named.
#[test]
fn r_s2_1_r_s3_1_a_receipt_by_hand_is_read_or_every_wrong_field_named() {
    let request = pb::RecordReceiptByHandRequest {
        command: command(),
        stage: pb::Stage::Stage1 as i32,
        received_on: day(2026, 3, 10),
        resent: true,
        reason: "Letter returned undelivered".into(),
    };
    let Command::RecordReceiptByHand(c) = accepted(request.clone().into_command()) else {
        panic!("another command")
    };
    assert_eq!(
        c,
        RecordReceiptByHand {
            stage: Stage::One,
            received_on: date(2026, 3, 10),
            resent: true,
            reason: text("Letter returned undelivered"),
            recorded_by: staff("s.jones"),
        }
    );
    let wrong = pb::RecordReceiptByHandRequest {
        received_on: day(2026, 2, 30),
        reason: "  ".into(),
        ..request.clone()
    };
    assert_eq!(
        refused(wrong.into_command()),
        vec![
            ("received_on".to_owned(), "R-S2-1"),
            ("reason".to_owned(), "R-S2-1")
        ]
    );
    let stage_2 = pb::RecordReceiptByHandRequest {
        stage: pb::Stage::Stage2 as i32,
        received_on: None,
        ..request.clone()
    };
    assert_eq!(
        refused(stage_2.into_command()),
        one("received_on", "R-S3-1")
    );
    let no_stage = pb::RecordReceiptByHandRequest {
        stage: 0,
        ..request
    };
    assert_eq!(refused(no_stage.into_command()), one("stage", "R-S2-1"));
}
