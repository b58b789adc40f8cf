//! Promises of the procedure kept through the gRPC API: the order of steps
//! within Stage 3, when ground (c) is available, who takes Stage 3 when the
//! Corporate Compliance Manager decided Stage 2, contact restrictions and
//! their review, new issues after closure, regulator notices, remedy dates
//! and the words of findings.

use crate::helpers::{Stack, acting, assign, date, outcome, refused};
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
            link_token: String::new(),
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
            link_token: String::new(),
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

async fn count_of(stack: &Stack, reference: &str, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = $2")
        .bind(reference)
        .bind(event_type)
        .fetch_one(stack.log.pool())
        .await
        .unwrap()
}

/// R-UPC-1: when a restriction's review date comes the deadline watcher
/// raises `RestrictionReviewDue` once; the restriction is then lifted with
/// a reason through `LiftRestriction`, and a second lift is refused.
#[tokio::test]
async fn r_upc_1_a_restriction_is_due_for_review_on_its_date_and_can_be_lifted() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("lift").await;
    let view = stack
        .complaints
        .restrict_contact(pb::RestrictContactRequest {
            command: acting(&reference, "manager-1"),
            reason: "Forty calls in a week about the same point.".into(),
            review_on: Some(date(2026, 3, 16)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.restriction_review_on, Some(date(2026, 3, 16)));
    let due = "complaints.v1.RestrictionReviewDue";
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(13));
    stack.watcher.round().await.unwrap();
    assert_eq!(count_of(&stack, &reference, due).await, 0, "not yet due");
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(14));
    stack.watcher.round().await.unwrap();
    stack.watcher.round().await.unwrap();
    assert_eq!(count_of(&stack, &reference, due).await, 1, "due once");
    refused(
        stack
            .complaints
            .lift_restriction(pb::LiftRestrictionRequest {
                command: acting(&reference, "manager-1"),
                reason: "  ".into(),
            })
            .await,
        Code::InvalidArgument,
        "R-UPC-1",
    );
    let lift = || pb::LiftRestrictionRequest {
        command: acting(&reference, "manager-1"),
        reason: "Reviewed: contact has been reasonable since the outcome.".into(),
    };
    let view = stack
        .complaints
        .lift_restriction(lift())
        .await
        .unwrap()
        .into_inner();
    assert!(!view.contact_restricted);
    assert_eq!(view.restriction_review_on, None);
    assert_eq!(
        count_of(&stack, &reference, "complaints.v1.ContactRestrictionLifted").await,
        1
    );
    refused(
        stack.complaints.lift_restriction(lift()).await,
        Code::FailedPrecondition,
        "R-UPC-1",
    );
    stack.cleanup().await;
}

/// R-UPC-2: new issues raised more than 6 months after the complainant
/// became aware of them are recorded as waiting for a staff decision, not
/// opened; a compelling reason then opens the new complaint.
#[tokio::test]
async fn r_upc_2_late_new_issues_wait_for_a_staff_decision_then_open_a_complaint() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("late-issues").await;
    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&reference, "handler-1"),
            how: "Reissued the certificate the same day.".into(),
        })
        .await
        .unwrap();
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(220));
    let raise = |aware| pb::RaiseNewIssuesRequest {
        command: acting(&reference, "handler-1"),
        description: "The reissued certificate has the wrong name.".into(),
        became_aware_on: Some(aware),
    };
    let old = stack
        .complaints
        .raise_new_issues(raise(date(2026, 3, 2)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(old.reference, reference, "nothing new was opened");
    assert!(old.new_issues_awaiting_decision);
    assert!(old.new_complaints.is_empty());
    refused(
        stack
            .complaints
            .raise_new_issues(raise(date(2026, 9, 1)))
            .await,
        Code::FailedPrecondition,
        "R-UPC-2",
    );
    let new = stack
        .complaints
        .decide_new_issues(pb::DecideNewIssuesRequest {
            command: acting(&reference, "handler-1"),
            compelling_reason: true,
            reason: "The complainant was abroad and could not see the certificate.".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_ne!(new.reference, reference);
    assert_eq!(new.raised_from, reference);
    let old = stack.view(&reference).await;
    assert!(!old.new_issues_awaiting_decision);
    assert_eq!(old.new_complaints, vec![new.reference.clone()]);
    stack.cleanup().await;
}

/// R-REG-4: regulator notices and their reviews can be listed (open,
/// overdue, completed) and read, by the roles that record them.
#[tokio::test]
async fn r_reg_4_regulator_notices_are_listed_by_state_and_read_one_by_one() {
    let mut stack = Stack::spawn().await;
    let record = |due| pb::RecordRegulatorNoticeRequest {
        acting_user: "ccm-1".into(),
        regulator: "Ofqual".into(),
        awarding_organisation: "Another Awarding Body".into(),
        failure: "Marks were transposed between candidates.".into(),
        received_on: Some(date(2026, 3, 2)),
        review_owner: "assessment-lead".into(),
        review_due_on: Some(due),
    };
    let early = stack
        .complaints
        .record_regulator_notice(record(date(2026, 3, 20)))
        .await
        .unwrap()
        .into_inner();
    let late = stack
        .complaints
        .record_regulator_notice(record(date(2026, 6, 30)))
        .await
        .unwrap()
        .into_inner();
    let done = stack
        .complaints
        .record_regulator_notice(record(date(2026, 3, 10)))
        .await
        .unwrap()
        .into_inner();
    stack
        .complaints
        .complete_regulator_review(pb::CompleteRegulatorReviewRequest {
            acting_user: "assessment-lead".into(),
            notice_id: done.notice_id.clone(),
            findings: "Our double-keying check prevents this failure.".into(),
        })
        .await
        .unwrap();
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(30));
    let list = |filter: pb::RegulatorNoticeFilter| {
        let mut client = stack.complaints.clone();
        async move {
            client
                .list_regulator_notices(pb::ListRegulatorNoticesRequest {
                    filter: filter as i32,
                })
                .await
                .unwrap()
                .into_inner()
                .notices
                .into_iter()
                .map(|n| n.notice_id)
                .collect::<Vec<_>>()
        }
    };
    let ids = |views: &[&pb::RegulatorNoticeView]| {
        views
            .iter()
            .map(|v| v.notice_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        list(pb::RegulatorNoticeFilter::Unspecified).await,
        ids(&[&done, &early, &late])
    );
    assert_eq!(
        list(pb::RegulatorNoticeFilter::Open).await,
        ids(&[&early, &late])
    );
    assert_eq!(
        list(pb::RegulatorNoticeFilter::Overdue).await,
        ids(&[&early])
    );
    assert_eq!(
        list(pb::RegulatorNoticeFilter::Completed).await,
        ids(&[&done])
    );
    let read = stack
        .complaints
        .get_regulator_notice(pb::GetRegulatorNoticeRequest {
            notice_id: done.notice_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        read.findings,
        "Our double-keying check prevents this failure."
    );
    assert_eq!(read.failure, "Marks were transposed between candidates.");
    assert!(read.review_completed_on.is_some() && !read.overdue);
    let unknown = stack
        .complaints
        .get_regulator_notice(pb::GetRegulatorNoticeRequest {
            notice_id: uuid::Uuid::nil().to_string(),
        })
        .await
        .expect_err("no such notice");
    assert_eq!(unknown.code(), Code::NotFound);
    refused(
        stack
            .complaints
            .list_regulator_notices(pb::ListRegulatorNoticesRequest { filter: 42 })
            .await,
        Code::InvalidArgument,
        "filter",
    );
    stack.cleanup().await;
}

/// R-OUT-1: a remedy carries the date by which it will be done, given
/// directly or from its follow-up action's due date; the view shows it.
#[tokio::test]
async fn r_out_1_a_remedy_carries_the_date_it_will_be_done_by() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("remedy-dates").await;
    stack
        .complaints
        .add_action(pb::AddActionRequest {
            command: acting(&reference, "handler-1"),
            kind: pb::ActionKind::FollowUp as i32,
            description: "Reissue the certificate.".into(),
            owner: "certificates-1".into(),
            due_on: Some(date(2026, 4, 10)),
        })
        .await
        .unwrap();
    let remedies = vec![
        pb::RemedyInput {
            kind: pb::RemedyKind::TrainOrSuperviseStaff as i32,
            description: "Staff will be trained on resit bookings.".into(),
            done_by: Some(date(2026, 5, 29)),
            ..Default::default()
        },
        pb::RemedyInput {
            kind: pb::RemedyKind::ChangeDecision as i32,
            description: "The certificate will be reissued with the right grade.".into(),
            action_id: 1,
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
    let done_by: Vec<_> = view.outcomes[0]
        .remedies
        .iter()
        .map(|r| (r.done_by, r.action_id))
        .collect();
    assert_eq!(
        done_by,
        [(Some(date(2026, 5, 29)), 0), (Some(date(2026, 4, 10)), 1)]
    );
    stack.cleanup().await;
}

/// R-OUT-1, R-OUT-2: placeholder findings are refused naming `findings`; a
/// remedy description that only repeats its kind is refused naming it, and
/// one that opens with its kind is recorded without the repetition.
#[tokio::test]
async fn r_out_1_placeholder_findings_and_remedy_text_that_repeats_its_kind() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("findings-words").await;
    let request = |findings: &str, apology: &str| pb::RecordOutcomeRequest {
        command: acting(&reference, "handler-1"),
        stage: pb::Stage::Stage1 as i32,
        decision: pb::Decision::Upheld as i32,
        findings: findings.into(),
        remedies: vec![pb::RemedyInput {
            kind: pb::RemedyKind::Apology as i32,
            description: apology.into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let findings = "The results were released late because of a system fault.";
    let status = stack
        .complaints
        .record_outcome(request("n/a", "For the delay."))
        .await
        .expect_err("placeholder findings");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert!(status.message().contains("findings"), "{status:?}");
    let status = stack
        .complaints
        .record_outcome(request(findings, "An apology."))
        .await
        .expect_err("a remedy that only repeats its kind");
    assert!(
        status.message().contains("remedies[0].description"),
        "{status:?}"
    );
    let view = stack
        .complaints
        .record_outcome(request(
            findings,
            "An apology for the delay in sending your results.",
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        view.outcomes[0].remedies[0].description,
        "For the delay in sending your results."
    );
    stack.cleanup().await;
}

/// R-OUT-3, R-MON-2: actions not completed by their due date are counted in
/// the `complaints_procedure_overdue_actions` gauge, by the service's clock,
/// with no label naming a complaint or a person.
#[tokio::test]
async fn r_out_3_actions_overdue_are_a_gauge_without_personal_data() {
    use platform::metrics::{Collector, Exposition};
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("actions-overdue").await;
    for (description, due) in [("Refund the fee.", 10), ("Reissue the certificate.", 20)] {
        stack
            .complaints
            .add_action(pb::AddActionRequest {
                command: acting(&reference, "handler-1"),
                kind: pb::ActionKind::FollowUp as i32,
                description: description.into(),
                owner: "finance-1".into(),
                due_on: Some(date(2026, 3, due)),
            })
            .await
            .unwrap();
    }
    let metrics = complaints::metrics::ProcedureMetrics {
        pool: stack.log.pool().clone(),
        clock: std::sync::Arc::new(stack.clock.clone()),
    };
    let gauge = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("complaints_procedure_overdue_actions"))
            .map(str::to_owned)
            .collect()
    };
    let scrape = || async {
        let mut out = Exposition::new("complaints");
        metrics.collect(&mut out).await;
        out.render()
    };
    // Monday 9 March: both due later.
    stack.clock.set(crate::helpers::start() + Duration::days(7));
    let lines = gauge(&scrape().await);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].ends_with(" 0"), "{lines:?}");
    // Wednesday 11 March: the one due on the 10th is overdue.
    stack.clock.set(crate::helpers::start() + Duration::days(9));
    let lines = gauge(&scrape().await);
    assert!(lines[0].ends_with(" 1"), "{lines:?}");
    assert!(!lines[0].contains(&reference) && !lines[0].contains("finance-1"));
    stack
        .complaints
        .complete_action(pb::CompleteActionRequest {
            command: acting(&reference, "handler-1"),
            action_id: 1,
            note: String::new(),
        })
        .await
        .unwrap();
    let lines = gauge(&scrape().await);
    assert!(lines[0].ends_with(" 0"), "{lines:?}");
    stack.cleanup().await;
}
