//! Promises of the procedure kept through the gRPC API: the order of steps
//! within Stage 3, when ground (c) is available, who takes Stage 3 when the
//! Corporate Compliance Manager decided Stage 2, contact restrictions and
//! their review, new issues after closure, regulator notices, remedy dates
//! and the words of findings.

use crate::helpers::{Stack, acting, assign, date, outcome};
use chrono::Duration;
use complaints_proto::v1 as pb;
use tonic::Code;

/// Stage 1 outcome by handler-1, Stage 2 with manager-1 and its outcome,
/// then Stage 3 asked for: the complaint waits for its acknowledgement.
async fn to_stage_3(stack: &mut Stack, reference: &str) -> pb::ComplaintView {
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
        })
        .await
        .unwrap()
        .into_inner()
}

/// R-S3-3, R-S3-4: the decision on further investigation waits for the
/// acknowledgement; the refusal names the rule and the missing field.
#[tokio::test]
async fn r_s3_4_the_investigation_decision_is_refused_before_the_acknowledgement() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("s3-order").await;
    to_stage_3(&mut stack, &reference).await;
    let decide = || pb::DecideInvestigationRequest {
        command: acting(&reference, "ccm-1"),
        warranted: true,
        reason: "The Stage 2 file has gaps.".into(),
    };
    let status = stack
        .complaints
        .decide_investigation(decide())
        .await
        .expect_err("refused before the acknowledgement");
    assert_eq!(status.code(), Code::FailedPrecondition, "{status:?}");
    assert!(status.message().starts_with("R-S3-4"), "{status:?}");
    assert!(status.message().contains("acknowledged_on"), "{status:?}");
    stack
        .complaints
        .acknowledge_stage3(acting(&reference, "ccm-1").unwrap())
        .await
        .unwrap();
    stack
        .complaints
        .decide_investigation(decide())
        .await
        .unwrap();
    stack.cleanup().await;
}

/// R-S1-4: ground (c) alone is refused, naming `grounds`, when the Stage 1
/// outcome came within the agreed timescale.
#[tokio::test]
async fn r_s1_4_ground_c_alone_is_refused_when_the_outcome_came_in_time() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("ground-c-in-time").await;
    stack
        .complaints
        .agree_timescale(pb::AgreeTimescaleRequest {
            command: acting(&reference, "handler-1"),
            due_on: Some(date(2026, 3, 6)),
        })
        .await
        .unwrap();
    stack.clock.set(crate::helpers::start() + Duration::days(3));
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
    stack.clock.set(crate::helpers::start() + Duration::days(7));
    let request = |grounds: pb::Grounds| pb::RequestEscalationRequest {
        command: acting(&reference, "handler-1"),
        to_stage: pb::Stage::Stage2 as i32,
        grounds: vec![grounds as i32],
        reasons: "No response within the timescale.".into(),
        received_on: Some(date(2026, 3, 9)),
        ..Default::default()
    };
    let status = stack
        .complaints
        .request_escalation(request(pb::Grounds::NoResponseInTimescale))
        .await
        .expect_err("ground (c) is not available");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(status.message().contains("grounds"), "{status:?}");
    assert!(status.message().contains("R-S1-4"), "{status:?}");
    let view = stack
        .complaints
        .request_escalation(request(pb::Grounds::PointsNotAnswered))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    stack.cleanup().await;
}

/// R-S3-3: when the Corporate Compliance Manager recorded the Stage 2
/// outcome, independence bars them from Stage 3 and the nominated deputy
/// (`STAGE3_DEPUTY`) takes it; allocating the compliance manager is refused
/// naming the deputy.
#[tokio::test]
async fn r_s3_3_the_nominated_deputy_takes_stage_3_when_the_compliance_manager_decided_stage_2() {
    let mut stack = Stack::spawn_with(&[("STAGE3_DEPUTY", "ccm-deputy".into())]).await;
    let reference = stack.open_complaint("s3-deputy").await;
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
            reasons: "My complaint was misunderstood.".into(),
            received_on: Some(date(2026, 3, 2)),
            ..Default::default()
        })
        .await
        .unwrap();
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
        "ccm-1",
        pb::Stage::Stage2,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    let view = stack
        .complaints
        .request_escalation(pb::RequestEscalationRequest {
            command: acting(&reference, "handler-1"),
            to_stage: pb::Stage::Stage3 as i32,
            grounds: vec![pb::Grounds::DissatisfiedWithOutcome as i32],
            reasons: "The Stage 2 response ignored the evidence I sent.".into(),
            outcome_sought: "A review of my mark.".into(),
            received_on: Some(date(2026, 3, 2)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.handler, "ccm-deputy");
    assert_eq!(view.role, pb::HandlerRole::ComplianceManager as i32);
    let status = stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&reference, "supervisor-1"),
            handler: "ccm-1".into(),
            team: "Compliance".into(),
            role: pb::HandlerRole::ComplianceManager as i32,
        })
        .await
        .expect_err("independence bars the compliance manager");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    assert!(status.message().contains("R-S3-3"), "{status:?}");
    assert!(status.message().contains("ccm-deputy"), "{status:?}");
    stack.cleanup().await;
}
