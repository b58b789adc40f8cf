use crate::helpers::{Stack, acting, apology, assign, date, escalate, outcome, refused};
use chrono::Duration;
use complaints_proto::v1 as pb;
use tonic::Code;

/// A complaint walked through all three stages over gRPC: Stage 1 outcome,
/// escalation within 14 days to the manager (R-S2-1, R-S2-3), Stage 2
/// outcome, escalation to the Corporate Compliance Manager (R-S3-1, R-S3-3),
/// acknowledgement (R-S3-4), investigation decision, final outcome with
/// compensation (R-OUT-2), closed for good (R-S3-6).
#[tokio::test]
async fn r_s3_6_a_complaint_walked_through_all_three_stages_ends_closed_and_final() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("three-stages").await;
    assert!(reference.starts_with("CMP-2026-"), "{reference}");

    let view = assign(
        &mut stack,
        &reference,
        "handler-1",
        "Customer Services",
        pb::HandlerRole::Handler,
    )
    .await;
    assert_eq!(view.stage, pb::Stage::Stage1 as i32);
    let view = outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(view.outcomes.len(), 1);

    // Day 3 of the 14-day window (R-S2-1).
    stack.clock.set(crate::helpers::start() + Duration::days(3));
    let view = escalate(
        &mut stack,
        &reference,
        pb::Stage::Stage2,
        pb::Grounds::PointsNotAnswered,
        date(2026, 3, 5),
    )
    .await
    .unwrap();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    assert!(
        view.deadlines
            .iter()
            .any(|d| d.kind == pb::DeadlineKind::Stage2Response as i32 && d.met_on.is_none()),
        "R-S2-4: the Stage 2 response deadline is live"
    );
    assign(
        &mut stack,
        &reference,
        "manager-1",
        "Customer Services",
        pb::HandlerRole::Manager,
    )
    .await;
    stack.clock.advance(Duration::days(14));
    outcome(
        &mut stack,
        &reference,
        "manager-1",
        pb::Stage::Stage2,
        pb::Decision::PartlyUpheld,
        vec![apology()],
    )
    .await
    .unwrap();
    stack.clock.advance(Duration::days(1));

    let view = escalate(
        &mut stack,
        &reference,
        pb::Stage::Stage3,
        pb::Grounds::DissatisfiedWithOutcome,
        date(2026, 3, 20),
    )
    .await
    .unwrap();
    assert_eq!(view.stage, pb::Stage::Stage3 as i32);
    assert_eq!(
        view.handler, "ccm-1",
        "R-S3-3: Stage 3 goes to the Corporate Compliance Manager"
    );
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
            reason: "The Stage 2 response left the refund question open.".into(),
        })
        .await
        .unwrap();
    let compensation = pb::RemedyInput {
        kind: pb::RemedyKind::FinancialCompensation as i32,
        description: "Refund of the resit fee.".into(),
        compensation: Some(pb::Money { pence: 9_500 }),
        expected_payment_on: Some(date(2026, 4, 30)),
        ..Default::default()
    };
    let view = outcome(
        &mut stack,
        &reference,
        "ccm-1",
        pb::Stage::Stage3,
        pb::Decision::Upheld,
        vec![compensation],
    )
    .await
    .unwrap();
    assert!(view.closed);
    assert_eq!(view.closure, pb::ClosureKind::AfterStage3 as i32);

    refused(
        escalate(
            &mut stack,
            &reference,
            pb::Stage::Stage3,
            pb::Grounds::DissatisfiedWithOutcome,
            date(2026, 3, 21),
        )
        .await,
        Code::FailedPrecondition,
        "R-S3-6",
    );

    let history = stack
        .complaints
        .get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let versions: Vec<u64> = history.entries.iter().map(|e| e.version).collect();
    assert_eq!(
        versions,
        (1..=versions.len() as u64).collect::<Vec<_>>(),
        "every event, no gap"
    );
    assert_eq!(history.entries[0].actor, "system:complaints");
    assert!(history.entries.iter().any(|e| e.actor == "user:ccm-1"));
    assert!(history.entries.iter().all(|e| !e.summary.is_empty()));
    stack.cleanup().await;
}

/// R-S2-2: Stage 2 only after Stage 1: without a Stage 1 outcome (and no
/// ground (c)) the request is refused and nothing is appended.
#[tokio::test]
async fn r_s2_2_stage_2_without_a_stage_1_outcome_is_refused() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("too-early").await;
    let before = stack.event_types(&reference).await;
    refused(
        escalate(
            &mut stack,
            &reference,
            pb::Stage::Stage2,
            pb::Grounds::NotUnderstood,
            date(2026, 3, 2),
        )
        .await,
        Code::FailedPrecondition,
        "R-S1-4",
    );
    refused(
        escalate(
            &mut stack,
            &reference,
            pb::Stage::Stage3,
            pb::Grounds::DissatisfiedWithOutcome,
            date(2026, 3, 2),
        )
        .await,
        Code::FailedPrecondition,
        "R-S3-2",
    );
    assert_eq!(
        stack.event_types(&reference).await,
        before,
        "a refused command appends nothing"
    );
    stack.cleanup().await;
}

/// R-S3-1: a Stage 3 request on day 15 after the Stage 2 outcome, emailed
/// the day it was issued, is refused; day 14 would have been in time (R-S2-1
/// likewise for Stage 2).
#[tokio::test]
async fn r_s3_1_a_stage_3_request_on_day_15_is_refused() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("day-15").await;
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
    emailed_on(&mut stack, &reference, pb::Stage::Stage1, date(2026, 3, 2)).await;
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(15));
    refused(
        escalate(
            &mut stack,
            &reference,
            pb::Stage::Stage2,
            pb::Grounds::NotUnderstood,
            date(2026, 3, 17),
        )
        .await,
        Code::FailedPrecondition,
        "R-S2-1",
    );
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(14));
    escalate(
        &mut stack,
        &reference,
        pb::Stage::Stage2,
        pb::Grounds::NotUnderstood,
        date(2026, 3, 16),
    )
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
        "manager-1",
        pb::Stage::Stage2,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    emailed_on(&mut stack, &reference, pb::Stage::Stage2, date(2026, 3, 16)).await;
    // The Stage 2 outcome is issued on 16 March 2026: day 14 is 30 March, day 15 is 31 March.
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(29));
    refused(
        escalate(
            &mut stack,
            &reference,
            pb::Stage::Stage3,
            pb::Grounds::DissatisfiedWithOutcome,
            date(2026, 3, 31),
        )
        .await,
        Code::FailedPrecondition,
        "R-S3-1",
    );
    stack.cleanup().await;
}

/// Notifications reports the `stage` outcome emailed on `sent_on`, and the
/// complaints service has taken it in (R-S2-1, R-S3-1).
async fn emailed_on(stack: &mut Stack, reference: &str, stage: pb::Stage, sent_on: pb::Date) {
    let email = pb::DeliveryChannel::Email;
    let id = uuid::Uuid::now_v7();
    crate::receipts::delivered(stack, id, reference, stage, email, sent_on).await;
    crate::receipts::received(stack, reference, stage).await;
}

/// R-UPC-2: a closed complaint takes no more commands, but new issues open
/// a new complaint linked to it.
#[tokio::test]
async fn r_upc_2_a_closed_complaint_refuses_commands_but_new_issues_open_a_linked_complaint() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("closed").await;
    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&reference, "handler-1"),
            how: "Reissued the certificate the same day.".into(),
        })
        .await
        .unwrap();
    refused(
        stack
            .complaints
            .agree_timescale(pb::AgreeTimescaleRequest {
                command: acting(&reference, "handler-1"),
                due_on: Some(date(2026, 3, 20)),
            })
            .await,
        Code::FailedPrecondition,
        "closed",
    );
    let new = stack
        .complaints
        .raise_new_issues(pb::RaiseNewIssuesRequest {
            command: acting(&reference, "handler-1"),
            description: "The reissued certificate has the wrong name.".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_ne!(new.reference, reference);
    assert_eq!(new.raised_from, reference);
    let old = stack.view(&reference).await;
    assert_eq!(old.new_complaints, vec![new.reference.clone()]);
    assert!(old.closed);
    stack.cleanup().await;
}

/// A bad request names its fields; an unknown complaint is NOT_FOUND.
#[tokio::test]
async fn an_invalid_or_unknown_command_is_refused_with_the_field_named() {
    let mut stack = Stack::spawn().await;
    let status = stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting("CMP-2026-999999", "supervisor-1"),
            handler: " ".into(),
            team: "Customer Services".into(),
            role: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("handler"), "{}", status.message());
    assert!(status.message().contains("role"), "{}", status.message());
    let status = stack
        .complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: "CMP-2026-999999".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    stack.cleanup().await;
}
