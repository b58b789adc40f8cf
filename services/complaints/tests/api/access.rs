//! R-CONF-1: who reaches which complaint, and the record of every read.

use crate::helpers::{Stack, acting, assign};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use platform::Clock;
use platform::auth::Role;
use platform::testing::{access_audit, channel_as, token};
use tonic::Code;

#[tokio::test]
async fn r_conf_1_every_complaints_rpc_refuses_a_missing_or_expired_token_and_a_wrong_role() {
    let stack = Stack::spawn().await;
    platform::testing::assert_service_is_guarded(
        stack.complaints_addr,
        "complaints.v1.Complaints",
        complaints::access::POLICY,
    )
    .await;
    stack.cleanup().await;
}

#[tokio::test]
async fn r_conf_1_a_handler_reaches_only_their_teams_complaints_and_every_read_is_audited() {
    let mut stack = Stack::spawn().await;
    let north = stack.open_complaint("north-1").await;
    let south = stack.open_complaint("south-1").await;
    assign(
        &mut stack,
        &north,
        "h.north",
        "North",
        pb::HandlerRole::Handler,
    )
    .await;
    assign(
        &mut stack,
        &south,
        "h.south",
        "South",
        pb::HandlerRole::Handler,
    )
    .await;
    let colleague = token("h.north-2", &[Role::Handler], Some("North"));
    let mut handler =
        ComplaintsClient::new(channel_as(stack.complaints_addr, Some(&colleague)).await);
    let get = |reference: &str| pb::GetComplaintRequest {
        reference: reference.into(),
    };
    let history = |reference: &str| pb::GetHistoryRequest {
        reference: reference.into(),
    };

    handler.get_complaint(get(&north)).await.unwrap();
    handler.get_history(history(&north)).await.unwrap();
    for status in [
        handler.get_complaint(get(&south)).await.unwrap_err(),
        handler.get_history(history(&south)).await.unwrap_err(),
    ] {
        assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
        assert!(
            status.message().contains("R-CONF-1"),
            "{}",
            status.message()
        );
    }

    // Another team's complaint cannot be changed either, and nothing is stored.
    let before = stack.view(&south).await.version;
    let now = stack.clock.now().timestamp();
    let contact = |reference: &str, as_user: &str| pb::RecordContactRequest {
        command: acting(reference, as_user),
        at: Some(prost_types::Timestamp {
            seconds: now,
            nanos: 0,
        }),
        method: pb::ContactMethod::Telephone as i32,
        summary: "Called to talk it through.".into(),
    };
    let status = handler
        .record_contact(contact(&south, "h.north-2"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    assert_eq!(stack.view(&south).await.version, before);
    // Staff act as themselves.
    let status = handler
        .record_contact(contact(&north, "h.north"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    handler
        .record_contact(contact(&north, "h.north-2"))
        .await
        .unwrap();

    // The work queue shows the team's complaints only.
    let queue = handler
        .list_work_queue(pb::ListWorkQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items;
    let references: Vec<&str> = queue.iter().map(|i| i.reference.as_str()).collect();
    assert_eq!(references, [north.as_str()]);
    let status = handler
        .list_work_queue(pb::ListWorkQueueRequest {
            team: "South".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    // The access audit lists each read and each refusal, per complaint.
    let reads: Vec<(String, String, String)> = access_audit(stack.complaints_addr, Some(&north))
        .await
        .into_iter()
        .map(|e| (e.subject, e.method, e.outcome))
        .collect();
    let expected = |method: &str, outcome: &str| {
        (
            "h.north-2".to_owned(),
            format!("/complaints.v1.Complaints/{method}"),
            outcome.to_owned(),
        )
    };
    assert_eq!(
        reads,
        [
            expected("GetComplaint", "read"),
            expected("GetHistory", "read"),
            // Acting as another member of staff was refused.
            expected("RecordContact", "denied"),
        ]
    );
    // On the other team's complaint: three refusals, and the reads the
    // test itself made as a compliance manager, each recorded too.
    let south_entries: Vec<(String, String)> = access_audit(stack.complaints_addr, Some(&south))
        .await
        .into_iter()
        .map(|e| (e.subject, e.outcome))
        .collect();
    let refused = south_entries
        .iter()
        .filter(|(who, outcome)| who == "h.north-2" && outcome == "denied")
        .count();
    assert_eq!(refused, 3, "{south_entries:?}");
    assert!(
        south_entries
            .iter()
            .all(|(who, _)| who == "h.north-2" || who == "test-harness")
    );
    stack.cleanup().await;
}

#[tokio::test]
async fn r_conf_1_the_committee_reads_no_complaint_only_the_anonymised_figures() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("roles-1").await;
    assign(
        &mut stack,
        &reference,
        "h.north",
        "North",
        pb::HandlerRole::Handler,
    )
    .await;
    let committee = token("committee-1", &[Role::Committee], None);
    let mut committee =
        ComplaintsClient::new(channel_as(stack.complaints_addr, Some(&committee)).await);
    let status = committee
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    stack.cleanup().await;
}

/// R-CONF-1: a portal reaches only the complaints of its own submissions.
/// The portal that submitted a complaint asks for Stage 2 after the Stage 1
/// outcome (R-S2-1) with the complainant's follow link; another portal
/// asking the same, even with that link, is refused, the refusal is in the
/// access audit, and the complaint is unchanged.
#[tokio::test]
async fn r_conf_1_a_portal_asks_for_stage_2_only_on_a_complaint_it_submitted() {
    use crate::helpers::{date, outcome, web_form};
    use complaints_proto::v1::intake_client::IntakeClient;

    const LINK_SECRET: &str = "a-link-secret-for-the-access-tests-of-32-bytes";
    let mut stack = Stack::spawn_with(&[("LINK_SECRET", LINK_SECRET.into())]).await;
    let portal = token("portal-a", &[Role::Portal], None);
    let other = token("portal-b", &[Role::Portal], None);
    let mut intake = IntakeClient::new(channel_as(stack.intake_addr, Some(&portal)).await);
    let receipt = intake
        .submit_complaint(web_form("through-portal-a"))
        .await
        .unwrap()
        .into_inner();
    let reference = stack.reference_for(&receipt.submission_id).await;
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
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack
        .clock
        .set(crate::helpers::start() + chrono::Duration::days(3));
    // The complainant's follow link (`shared/links`): a portal needs one
    // for the complaint, and even with it reaches only its own submissions.
    let link = links::LinkKey::new(LINK_SECRET.as_bytes())
        .unwrap()
        .sign(
            links::Purpose::Follow,
            &reference,
            (crate::helpers::start() + chrono::Duration::days(30)).timestamp(),
        )
        .unwrap();
    let request = |user: &str| pb::RequestEscalationRequest {
        command: acting(&reference, user),
        to_stage: pb::Stage::Stage2 as i32,
        grounds: vec![pb::Grounds::PointsNotAnswered as i32],
        reasons: "The response did not answer my second point.".into(),
        received_on: Some(date(2026, 3, 5)),
        link_token: link.clone(),
        ..Default::default()
    };

    let before = stack.view(&reference).await.version;
    let mut stranger = ComplaintsClient::new(channel_as(stack.complaints_addr, Some(&other)).await);
    let refused = stranger
        .request_escalation(request("portal-b"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert!(refused.message().contains("R-CONF-1"), "{refused:?}");
    assert_eq!(
        stack.view(&reference).await.version,
        before,
        "nothing changed"
    );
    let audit = access_audit(stack.complaints_addr, Some(&reference)).await;
    assert!(
        audit
            .iter()
            .any(|e| e.subject == "portal-b" && e.method.ends_with("/RequestEscalation")),
        "the refusal is recorded: {audit:?}"
    );

    let mut own = ComplaintsClient::new(channel_as(stack.complaints_addr, Some(&portal)).await);
    let view = own
        .request_escalation(request("portal-a"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32, "{view:?}");
    stack.cleanup().await;
}
