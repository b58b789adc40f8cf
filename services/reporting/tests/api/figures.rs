use crate::helpers::{Stack, acting, march_group, web_form};
use complaints_proto::v1 as pb;

/// R-MON-3: complaints submitted through intake and worked by the
/// complaints service reach the committee's figures: volumes by category,
/// channel and customer type, a Stage 1 outcome, the escalation base and
/// the open backlog.
#[tokio::test]
async fn r_mon_3_complaints_submitted_through_intake_are_counted_in_the_committee_figures() {
    let mut stack = Stack::spawn().await;
    let first = stack.submit(web_form("figures-1")).await;
    let mut email = web_form("figures-2");
    email.channel = pb::Channel::Email as i32;
    email.query_category = "Fees".into();
    email.customer_type = "Employer".into();
    stack.submit(email).await;
    stack.submit(web_form("figures-3")).await;

    // Stage 1 outcome for the first complaint (R-OUT-1).
    let reference = stack.reference_for(&first).await;
    stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&reference, "supervisor-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    stack
        .complaints
        .record_outcome(pb::RecordOutcomeRequest {
            command: acting(&reference, "handler-1"),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::Upheld as i32,
            findings: "The results were released late.".into(),
            remedies: vec![pb::RemedyInput {
                kind: pb::RemedyKind::Apology as i32,
                description: "A written apology.".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();

    let figures = stack
        .figures_when(|f| {
            f.complaints_received == 3
                && f.groups.iter().any(|g| {
                    g.entered_procedure == 3
                        && g.stages
                            .first()
                            .and_then(|s| s.upheld)
                            .is_some_and(|r| r.denominator == 1)
                })
        })
        .await;
    assert_eq!(figures.groups.len(), 1, "one group per month of the period");
    let march = march_group(&figures);
    assert_eq!(march.total, 3);
    assert_eq!(march.by_category.get("Exams and assessments"), Some(&2));
    assert_eq!(march.by_category.get("Fees"), Some(&1));
    assert_eq!(march.by_customer_type.get("Employer"), Some(&1));
    let web = march
        .by_channel
        .iter()
        .find(|c| c.channel == pb::Channel::WebForm as i32)
        .unwrap();
    assert_eq!(web.count, 2);
    let stage1 = &march.stages[0];
    assert_eq!(stage1.stage, pb::Stage::Stage1 as i32);
    assert_eq!(stage1.reached, 3);
    assert_eq!(
        stage1.upheld,
        Some(pb::Rate {
            numerator: 1,
            denominator: 1
        })
    );
    assert_eq!(stage1.median_working_days, Some(0), "decided on the day");
    assert_eq!(
        march.escalation_1_to_2,
        Some(pb::Rate {
            numerator: 0,
            denominator: 1
        }),
        "only the decided complaint could have escalated"
    );
    assert_eq!(figures.complaints_open, 3);
    assert_eq!(figures.open_by_age.unwrap().up_to_7, 3);
    let trend = figures.trend.unwrap();
    assert_eq!((trend.volume, trend.previous_volume), (3, 0));
    assert_eq!(trend.percent, None, "no base in February");
    stack.cleanup().await;
}

/// R-MON-3: a period that ends before it starts is refused, naming the field.
#[tokio::test]
async fn r_mon_3_a_period_ending_before_it_starts_is_refused() {
    let mut stack = Stack::spawn().await;
    let status = stack
        .reporting
        .get_figures(pb::GetFiguresRequest {
            from: Some(crate::helpers::date(2026, 3, 31)),
            to: Some(crate::helpers::date(2026, 3, 1)),
            grouping: pb::Grouping::Quarter as i32,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(status.message().contains("to:"), "{}", status.message());
    stack.cleanup().await;
}
