//! The procedure's rules through the gRPC API, one test per rule id.

use crate::helpers::{Stack, acting, assign, date, outcome, refused, web_form};
use chrono::Duration;
use complaints_proto::v1 as pb;
use tonic::Code;

fn deadline(view: &pb::ComplaintView, kind: pb::DeadlineKind) -> Option<&pb::DeadlineView> {
    view.deadlines
        .iter()
        .find(|d| d.kind == kind as i32 && d.met_on.is_none())
}

async fn to_stage_2(stack: &mut Stack, reference: &str) {
    outcome(
        stack,
        reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack
        .complaints
        .request_escalation(pb::RequestEscalationRequest {
            command: acting(reference, "handler-1"),
            to_stage: pb::Stage::Stage2 as i32,
            grounds: vec![pb::Grounds::NotUnderstood as i32],
            reasons: "My complaint was misunderstood.".into(),
            received_on: Some(date(2026, 3, 2)),
            ..Default::default()
        })
        .await
        .unwrap();
    assign(
        stack,
        reference,
        "manager-1",
        "Customer Services",
        pb::HandlerRole::Manager,
    )
    .await;
}

async fn to_stage_3(stack: &mut Stack, reference: &str) -> pb::ComplaintView {
    to_stage_2(stack, reference).await;
    outcome(
        stack,
        reference,
        "manager-1",
        pb::Stage::Stage2,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack
        .complaints
        .request_escalation(pb::RequestEscalationRequest {
            command: acting(reference, "handler-1"),
            to_stage: pb::Stage::Stage3 as i32,
            grounds: vec![pb::Grounds::DissatisfiedWithOutcome as i32],
            reasons: "The Stage 2 response ignored the evidence I sent.".into(),
            outcome_sought: "A review of my mark.".into(),
            received_on: Some(date(2026, 3, 2)),
            link_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner()
}

/// R-S1-2: the agreed timescale is recorded, and updates revise it.
#[tokio::test]
async fn r_s1_2_an_agreed_timescale_is_recorded_and_an_update_revises_it() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("timescale").await;
    refused(
        stack
            .complaints
            .agree_timescale(pb::AgreeTimescaleRequest {
                command: acting(&reference, "handler-1"),
                due_on: Some(date(2026, 3, 1)),
            })
            .await,
        Code::InvalidArgument,
        "R-S1-2",
    );
    let view = stack
        .complaints
        .agree_timescale(pb::AgreeTimescaleRequest {
            command: acting(&reference, "handler-1"),
            due_on: Some(date(2026, 3, 20)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        deadline(&view, pb::DeadlineKind::AgreedTimescale)
            .unwrap()
            .due_on,
        Some(date(2026, 3, 20))
    );
    let view = stack
        .complaints
        .record_update(pb::RecordUpdateRequest {
            command: acting(&reference, "handler-1"),
            reason: "The exam board has not yet replied.".into(),
            revised_due_on: Some(date(2026, 3, 27)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        deadline(&view, pb::DeadlineKind::AgreedTimescale)
            .unwrap()
            .due_on,
        Some(date(2026, 3, 27))
    );
    stack.cleanup().await;
}

/// R-S1-3, R-S2-4: referral to the line manager is Stage 2, with the
/// manager's 20-working-day response deadline (2 Mar 2026 + 20 = 30 Mar).
#[tokio::test]
async fn r_s1_3_referral_to_the_line_manager_counts_as_stage_2() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("refer").await;
    let view = stack
        .complaints
        .refer_to_line_manager(pb::ReferToLineManagerRequest {
            command: acting(&reference, "handler-1"),
            manager: "manager-1".into(),
            team: "Customer Services".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    assert_eq!(
        view.handler, "manager-1",
        "the complainant is told who now deals with it"
    );
    assert_eq!(
        deadline(&view, pb::DeadlineKind::Stage2Response)
            .unwrap()
            .due_on,
        Some(date(2026, 3, 30))
    );
    stack.cleanup().await;
}

/// R-S2-4: the Stage 2 response is due 20 working days after escalation.
#[tokio::test]
async fn r_s2_4_the_stage_2_response_is_due_20_working_days_after_escalation() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("s2-deadline").await;
    to_stage_2(&mut stack, &reference).await;
    let view = stack.view(&reference).await;
    assert_eq!(
        deadline(&view, pb::DeadlineKind::Stage2Response)
            .unwrap()
            .due_on,
        Some(date(2026, 3, 30))
    );
    stack.cleanup().await;
}

/// R-S1-4: ground (c) is available once the agreed timescale has passed
/// without an outcome.
#[tokio::test]
async fn r_s1_4_ground_c_opens_stage_2_once_the_agreed_timescale_has_passed() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("ground-c").await;
    stack
        .complaints
        .agree_timescale(pb::AgreeTimescaleRequest {
            command: acting(&reference, "handler-1"),
            due_on: Some(date(2026, 3, 6)),
        })
        .await
        .unwrap();
    let request = |received| pb::RequestEscalationRequest {
        command: acting(&reference, "handler-1"),
        to_stage: pb::Stage::Stage2 as i32,
        grounds: vec![pb::Grounds::NoResponseInTimescale as i32],
        reasons: "No response and no word of when one would come.".into(),
        received_on: Some(received),
        ..Default::default()
    };
    stack.clock.set(crate::helpers::start() + Duration::days(4));
    refused(
        stack
            .complaints
            .request_escalation(request(date(2026, 3, 6)))
            .await,
        Code::FailedPrecondition,
        "R-S1-4",
    );
    stack.clock.set(crate::helpers::start() + Duration::days(7));
    let view = stack
        .complaints
        .request_escalation(request(date(2026, 3, 9)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    stack.cleanup().await;
}

/// R-S2-3: a Stage 2 outcome needs the relevant manager.
#[tokio::test]
async fn r_s2_3_stage_2_is_decided_by_the_relevant_manager() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("manager").await;
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack
        .complaints
        .request_escalation(pb::RequestEscalationRequest {
            command: acting(&reference, "handler-1"),
            to_stage: pb::Stage::Stage2 as i32,
            grounds: vec![pb::Grounds::NotUnderstood as i32],
            reasons: "Misunderstood.".into(),
            received_on: Some(date(2026, 3, 2)),
            ..Default::default()
        })
        .await
        .unwrap();
    refused(
        outcome(
            &mut stack,
            &reference,
            "handler-1",
            pb::Stage::Stage2,
            pb::Decision::NotUpheld,
            vec![],
        )
        .await,
        Code::FailedPrecondition,
        "R-S2-3",
    );
    assign(
        &mut stack,
        &reference,
        "manager-1",
        "Customer Services",
        pb::HandlerRole::Manager,
    )
    .await;
    outcome(
        &mut stack,
        &reference,
        "manager-1",
        pb::Stage::Stage2,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack.cleanup().await;
}

/// R-S2-3 independence: a team-mate or manager who records the Stage 1
/// outcome for its handler decided Stage 1 too, so neither they nor the
/// handler is assigned Stage 2 of the same complaint; the stored outcome
/// names who recorded it.
#[tokio::test]
async fn r_s2_3_whoever_recorded_the_stage_1_outcome_is_not_assigned_stage_2() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("recorder").await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        "Customer Services",
        pb::HandlerRole::Handler,
    )
    .await;
    outcome(
        &mut stack,
        &reference,
        "manager-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    let recorded: Vec<u8> =
        sqlx::query_scalar("SELECT payload FROM events WHERE stream_id = $1 AND event_type = $2")
            .bind(&reference)
            .bind(<pb::OutcomeRecorded as prost::Name>::full_name())
            .fetch_one(stack.log.pool())
            .await
            .unwrap();
    let recorded = <pb::OutcomeRecorded as prost::Message>::decode(recorded.as_slice()).unwrap();
    assert_eq!(recorded.recorded_by, "manager-1");
    stack
        .complaints
        .request_escalation(pb::RequestEscalationRequest {
            command: acting(&reference, "handler-1"),
            to_stage: pb::Stage::Stage2 as i32,
            grounds: vec![pb::Grounds::NotUnderstood as i32],
            reasons: "Misunderstood.".into(),
            received_on: Some(date(2026, 3, 2)),
            ..Default::default()
        })
        .await
        .unwrap();
    for decider in ["manager-1", "handler-1"] {
        let status = stack
            .complaints
            .assign_handler(pb::AssignHandlerRequest {
                command: acting(&reference, "supervisor-1"),
                handler: decider.into(),
                team: "Customer Services".into(),
                role: pb::HandlerRole::Manager as i32,
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        for named in ["R-S2-3", "staff", decider, "decided Stage 1"] {
            assert!(
                status.message().contains(named),
                "{named} expected in {:?}",
                status.message()
            );
        }
    }
    let view = assign(
        &mut stack,
        &reference,
        "manager-2",
        "Customer Services",
        pb::HandlerRole::Manager,
    )
    .await;
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    stack.cleanup().await;
}

/// R-S3-2, R-S3-3, R-S3-4, R-S3-5: Stage 3 goes to the Corporate Compliance
/// Manager with a 5-working-day acknowledgement (9 Mar 2026) and a
/// 20-working-day response (30 Mar 2026); the outcome waits for the
/// investigation decision and the acknowledgement.
#[tokio::test]
async fn r_s3_3_stage_3_goes_to_the_compliance_manager_who_decides_on_investigation() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("stage-3").await;
    let view = to_stage_3(&mut stack, &reference).await;
    assert_eq!(view.handler, "ccm-1");
    assert_eq!(view.role, pb::HandlerRole::ComplianceManager as i32);
    assert_eq!(
        deadline(&view, pb::DeadlineKind::Stage3Acknowledgement)
            .unwrap()
            .due_on,
        Some(date(2026, 3, 9)),
        "R-S3-4"
    );
    assert_eq!(
        deadline(&view, pb::DeadlineKind::Stage3Response)
            .unwrap()
            .due_on,
        Some(date(2026, 3, 30)),
        "R-S3-5"
    );
    refused(
        outcome(
            &mut stack,
            &reference,
            "ccm-1",
            pb::Stage::Stage3,
            pb::Decision::NotUpheld,
            vec![],
        )
        .await,
        Code::FailedPrecondition,
        "R-S3",
    );
    let view = stack
        .complaints
        .acknowledge_stage3(acting(&reference, "ccm-1").unwrap())
        .await
        .unwrap()
        .into_inner();
    assert!(
        deadline(&view, pb::DeadlineKind::Stage3Acknowledgement).is_none(),
        "R-S3-4: acknowledged"
    );
    stack
        .complaints
        .decide_investigation(pb::DecideInvestigationRequest {
            command: acting(&reference, "ccm-1"),
            warranted: false,
            reason: "The Stage 2 investigation was thorough.".into(),
        })
        .await
        .unwrap();
    refused(
        stack
            .complaints
            .decide_investigation(pb::DecideInvestigationRequest {
                command: acting(&reference, "ccm-1"),
                warranted: true,
                reason: "Twice.".into(),
            })
            .await,
        Code::FailedPrecondition,
        "R-S3-3",
    );
    let view = outcome(
        &mut stack,
        &reference,
        "ccm-1",
        pb::Stage::Stage3,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    assert!(view.closed);
    stack.cleanup().await;
}

/// R-S3-5: a longer Stage 3 investigation extends its deadline with a reason.
#[tokio::test]
async fn r_s3_5_the_stage_3_response_deadline_is_extended_with_a_reason() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("extend").await;
    to_stage_3(&mut stack, &reference).await;
    let extend = |reason: &str| pb::ExtendDeadlineRequest {
        command: acting(&reference, "ccm-1"),
        kind: pb::DeadlineKind::Stage3Response as i32,
        due_on: Some(date(2026, 4, 17)),
        reason: reason.into(),
        ..Default::default()
    };
    let status = stack
        .complaints
        .extend_deadline(extend(" "))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let view = stack
        .complaints
        .extend_deadline(extend("Awaiting the external examiner's report."))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        deadline(&view, pb::DeadlineKind::Stage3Response)
            .unwrap()
            .due_on,
        Some(date(2026, 4, 17))
    );
    stack.cleanup().await;
}

/// R-OUT-1, R-OUT-2: an outcome records findings and decision; an upheld one
/// needs its remedies, and compensation needs amount and payment date.
#[tokio::test]
async fn r_out_2_an_upheld_outcome_records_its_remedies() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("remedies").await;
    refused(
        outcome(
            &mut stack,
            &reference,
            "handler-1",
            pb::Stage::Stage1,
            pb::Decision::Upheld,
            vec![],
        )
        .await,
        Code::InvalidArgument,
        "R-OUT-2",
    );
    let no_amount = pb::RemedyInput {
        kind: pb::RemedyKind::FinancialCompensation as i32,
        description: "Refund.".into(),
        ..Default::default()
    };
    let status = outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::Upheld,
        vec![no_amount],
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("R-OUT-2"), "{}", status.message());
    let remedies = vec![
        pb::RemedyInput {
            kind: pb::RemedyKind::Apology as i32,
            description: "We apologise for the delay.".into(),
            ..Default::default()
        },
        pb::RemedyInput {
            kind: pb::RemedyKind::FinancialCompensation as i32,
            description: "Refund of the fee.".into(),
            compensation: Some(pb::Money { pence: 4_500 }),
            expected_payment_on: Some(date(2026, 3, 31)),
            ..Default::default()
        },
    ];
    let view = outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::Upheld,
        remedies,
    )
    .await
    .unwrap();
    assert_eq!(
        view.outcomes[0].decision,
        pb::Decision::Upheld as i32,
        "R-OUT-1"
    );
    assert_eq!(
        view.outcomes[0].escalation_window_ends_on,
        Some(date(2026, 3, 16))
    );
    stack.cleanup().await;
}

/// R-OUT-3, R-MON-2: actions have one owner and a due date, can be
/// reassigned and are tracked to completion, even after closure.
#[tokio::test]
async fn r_out_3_follow_up_actions_have_one_owner_and_are_tracked_to_completion() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("actions").await;
    let view = stack
        .complaints
        .add_action(pb::AddActionRequest {
            command: acting(&reference, "handler-1"),
            kind: pb::ActionKind::Improvement as i32,
            description: "Publish results on the stated day (R-MON-2 action plan).".into(),
            owner: "owner-1".into(),
            due_on: Some(date(2026, 4, 30)),
        })
        .await
        .unwrap()
        .into_inner();
    let id = view.actions[0].action_id;
    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&reference, "handler-1"),
            how: "Explained by phone.".into(),
        })
        .await
        .unwrap();
    stack
        .complaints
        .reassign_action(pb::ReassignActionRequest {
            command: acting(&reference, "handler-1"),
            action_id: id,
            owner: "owner-2".into(),
            reason: "Owner moved team.".into(),
        })
        .await
        .unwrap();
    let view = stack
        .complaints
        .complete_action(pb::CompleteActionRequest {
            command: acting(&reference, "owner-2"),
            action_id: id,
            note: "Done.".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.actions[0].owner, "owner-2");
    assert!(view.actions[0].completed_on.is_some());
    stack.cleanup().await;
}

/// R-OUT-4: a failure in the assessment process opens the three actions.
#[tokio::test]
async fn r_out_4_an_assessment_failure_opens_the_three_actions() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("failure").await;
    let planned = |what: &str| {
        Some(pb::PlannedActionInput {
            description: what.into(),
            owner: "assessment-lead".into(),
            due_on: Some(date(2026, 4, 30)),
        })
    };
    let view = stack
        .complaints
        .record_outcome(pb::RecordOutcomeRequest {
            command: acting(&reference, "handler-1"),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::Upheld as i32,
            findings: "The mark scheme was applied wrongly.".into(),
            remedies: vec![pb::RemedyInput {
                kind: pb::RemedyKind::ChangeDecision as i32,
                description: "The script is re-marked.".into(),
                ..Default::default()
            }],
            assessment_failure_found: true,
            identify_affected_learners: planned("Find other learners marked with the same scheme."),
            correct_or_mitigate: planned("Re-mark their scripts."),
            prevent_recurrence: planned("Add a second check of mark schemes."),
        })
        .await
        .unwrap()
        .into_inner();
    let kinds: Vec<i32> = view.actions.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        vec![
            pb::ActionKind::IdentifyAffectedLearners as i32,
            pb::ActionKind::CorrectOrMitigate as i32,
            pb::ActionKind::PreventRecurrence as i32
        ]
    );
    stack.cleanup().await;
}

/// R-REG-2: a final outcome on a regulated qualification records the right
/// to refer to its regulators; the referral is recorded after closure and
/// the full history exports as evidence.
#[tokio::test]
async fn r_reg_2_an_exhausted_regulated_complaint_records_the_referral_right_and_exports_its_history()
 {
    let mut stack = Stack::spawn().await;
    let mut request = web_form("regulated-final");
    request.qualification_code = "L3-PARALEGAL-EPA".into();
    let receipt = stack
        .intake
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    let reference = stack.reference_for(&receipt.submission_id).await;
    to_stage_3(&mut stack, &reference).await;
    stack
        .complaints
        .acknowledge_stage3(acting(&reference, "ccm-1").unwrap())
        .await
        .unwrap();
    stack
        .complaints
        .decide_investigation(pb::DecideInvestigationRequest {
            command: acting(&reference, "ccm-1"),
            warranted: true,
            reason: "New evidence.".into(),
        })
        .await
        .unwrap();
    outcome(
        &mut stack,
        &reference,
        "ccm-1",
        pb::Stage::Stage3,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack
        .complaints
        .record_regulator_referral(pb::RecordRegulatorReferralRequest {
            command: acting(&reference, "ccm-1"),
            regulator: "Ofqual".into(),
            referred_on: Some(date(2026, 3, 2)),
        })
        .await
        .unwrap();
    let evidence = stack
        .complaints
        .export_evidence(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let types: Vec<&str> = evidence
        .entries
        .iter()
        .map(|e| e.event_type.as_str())
        .collect();
    assert!(
        types.contains(&"complaints.v1.ReferralRightRecorded"),
        "{types:?}"
    );
    assert!(types.contains(&"complaints.v1.RegulatorReferralRecorded"));
    assert!(types.contains(&"complaints.v1.ComplaintClosed"));
    stack.cleanup().await;
}

/// R-UPC-1: a contact restriction records its reason and review date.
#[tokio::test]
async fn r_upc_1_a_contact_restriction_records_its_reason_and_review_date() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("restrict").await;
    let request = |review| pb::RestrictContactRequest {
        command: acting(&reference, "manager-1"),
        reason: "Forty calls in a week about the same point.".into(),
        review_on: Some(review),
    };
    refused(
        stack
            .complaints
            .restrict_contact(request(date(2026, 3, 1)))
            .await,
        Code::InvalidArgument,
        "R-UPC-1",
    );
    let view = stack
        .complaints
        .restrict_contact(request(date(2026, 6, 1)))
        .await
        .unwrap()
        .into_inner();
    assert!(view.contact_restricted);
    stack.cleanup().await;
}

/// R-CONF-3: disclosure only on a legal requirement, each one recorded.
#[tokio::test]
async fn r_conf_3_a_disclosure_needs_a_legal_basis_and_is_recorded() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("disclose").await;
    let request = |basis: pb::LegalBasis| pb::RecordDisclosureRequest {
        command: acting(&reference, "ccm-1"),
        recipient: "Bedfordshire Police".into(),
        legal_basis: basis as i32,
        what: "The complaint file, under a production order.".into(),
        disclosed_on: Some(date(2026, 3, 2)),
    };
    let status = stack
        .complaints
        .record_disclosure(request(pb::LegalBasis::Unspecified))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(
        status.message().contains("R-CONF-3"),
        "{}",
        status.message()
    );
    stack
        .complaints
        .record_disclosure(request(pb::LegalBasis::Police))
        .await
        .unwrap();
    assert!(
        stack
            .event_types(&reference)
            .await
            .contains(&"complaints.v1.DisclosureRecorded".to_string())
    );
    stack.cleanup().await;
}

/// R-INT-5: information from a third party only with written permission.
#[tokio::test]
async fn r_int_5_information_from_a_third_party_needs_written_permission() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("permission").await;
    let request = |in_writing| pb::RecordInformationPermissionRequest {
        command: acting(&reference, "handler-1"),
        third_party: "The learner's training provider".into(),
        scope: "Attendance records for 2025".into(),
        given_on: Some(date(2026, 3, 2)),
        in_writing,
    };
    let status = stack
        .complaints
        .record_information_permission(request(false))
        .await
        .unwrap_err();
    assert!(status.message().contains("R-INT-5"), "{}", status.message());
    stack
        .complaints
        .record_information_permission(request(true))
        .await
        .unwrap();
    assert!(
        stack
            .event_types(&reference)
            .await
            .contains(&"complaints.v1.InformationPermissionRecorded".to_string())
    );
    stack.cleanup().await;
}

/// R-INT-7: resolved outside the procedure is recorded and closes the complaint.
#[tokio::test]
async fn r_int_7_a_complaint_resolved_outside_the_procedure_is_recorded_as_such() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("quick").await;
    let view = stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&reference, "handler-1"),
            how: "Certificate reissued the same day.".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(view.closed);
    assert_eq!(
        view.closure,
        pb::ClosureKind::ResolvedOutsideProcedure as i32
    );
    stack.cleanup().await;
}

/// R-INT-9: each contact with the complainant is recorded.
#[tokio::test]
async fn r_int_9_each_contact_with_the_complainant_is_recorded() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("contacts").await;
    stack.clock.advance(Duration::hours(3));
    for n in 0..2 {
        stack
            .complaints
            .record_contact(pb::RecordContactRequest {
                command: acting(&reference, "handler-1"),
                at: Some(prost_types::Timestamp {
                    seconds: crate::helpers::start().timestamp() + 3600 * (n + 1),
                    nanos: 0,
                }),
                method: pb::ContactMethod::Email as i32,
                summary: "Asked for the exam date.".into(),
            })
            .await
            .unwrap();
    }
    let contacts = stack
        .event_types(&reference)
        .await
        .into_iter()
        .filter(|t| t == "complaints.v1.ContactRecorded")
        .count();
    assert_eq!(contacts, 2);
    stack.cleanup().await;
}

/// R-REG-4: a regulator's notice of a failure at another awarding
/// organisation opens a review of our procedures, tracked to completion.
#[tokio::test]
async fn r_reg_4_a_regulator_notice_opens_a_review_tracked_to_completion() {
    let mut stack = Stack::spawn().await;
    let notice = stack
        .complaints
        .record_regulator_notice(pb::RecordRegulatorNoticeRequest {
            acting_user: "ccm-1".into(),
            regulator: "Ofqual".into(),
            awarding_organisation: "Another Awarding Body".into(),
            failure: "Marks were transposed between candidates.".into(),
            received_on: Some(date(2026, 3, 2)),
            review_owner: "assessment-lead".into(),
            review_due_on: Some(date(2026, 4, 2)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(notice.review_owner, "assessment-lead");
    assert!(notice.review_completed_on.is_none());
    let request = || pb::CompleteRegulatorReviewRequest {
        acting_user: "assessment-lead".into(),
        notice_id: notice.notice_id.clone(),
        findings: "Our double-keying check prevents this failure.".into(),
    };
    let done = stack
        .complaints
        .complete_regulator_review(request())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(done.review_completed_on, Some(date(2026, 3, 2)));
    refused(
        stack.complaints.complete_regulator_review(request()).await,
        Code::FailedPrecondition,
        "R-REG-4",
    );
    stack.cleanup().await;
}
