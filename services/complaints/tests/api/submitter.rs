//! Who submitted stays who submitted (R-INT-4 with R-CONF-1): a third
//! party's complaint submitted through the member portal, whose consent
//! staff recorded, can still be taken to Stage 2 by that portal, before
//! and after the consent is withdrawn — with the complainant's follow link
//! for it (`shared/links`), without which a portal is refused.

use crate::helpers::{Stack, acting, assign, date, outcome, web_form};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::auth::Role;
use platform::testing::{channel_as, token};

const LINK_SECRET: &str = "a-link-secret-for-the-tests-of-32-bytes-or-more";

#[tokio::test]
async fn r_int_4_the_portal_that_submitted_a_third_party_complaint_asks_for_stage_2_after_staff_record_consent()
 {
    let mut stack = Stack::spawn_with(&[("LINK_SECRET", LINK_SECRET.into())]).await;
    let portal = token("portal-a", &[Role::Portal], None);
    let mut intake = IntakeClient::new(channel_as(stack.intake_addr, Some(&portal)).await);
    let mut request = web_form("employer-via-portal");
    request.third_party = Some(pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: "hr@example.com".into(),
        organisation: "Hopper & Co".into(),
        ..Default::default()
    });
    let receipt = intake.submit_complaint(request).await.unwrap().into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::AwaitingConsent as i32);
    stack
        .intake
        .record_consent(pb::RecordConsentRequest {
            submission_id: receipt.submission_id.clone(),
            evidence: "Signed consent form received by email".into(),
            given_on: Some(date(2026, 3, 2)),
            recorded_by: "staff-2".into(),
            ..Default::default()
        })
        .await
        .unwrap();
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
    // Withdrawing consent stops reports to the third party; it does not
    // change whose complaint it is.
    stack
        .intake
        .withdraw_consent(pb::WithdrawConsentRequest {
            submission_id: receipt.submission_id.clone(),
            withdrawn_on: Some(date(2026, 3, 3)),
            recorded_by: "staff-2".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    stack
        .clock
        .set(crate::helpers::start() + chrono::Duration::days(3));

    let mut own = ComplaintsClient::new(channel_as(stack.complaints_addr, Some(&portal)).await);
    let ask = |link_token: String| pb::RequestEscalationRequest {
        command: acting(&reference, "portal-a"),
        to_stage: pb::Stage::Stage2 as i32,
        grounds: vec![pb::Grounds::PointsNotAnswered as i32],
        reasons: "The response did not answer my second point.".into(),
        received_on: Some(date(2026, 3, 5)),
        link_token,
        ..Default::default()
    };
    let key = links::LinkKey::new(LINK_SECRET.as_bytes()).unwrap();
    let expires = (crate::helpers::start() + chrono::Duration::days(30)).timestamp();
    let expired = (crate::helpers::start() + chrono::Duration::days(1)).timestamp();
    let follow =
        |reference: &str, until: i64| key.sign(links::Purpose::Follow, reference, until).unwrap();
    let consent = key
        .sign(links::Purpose::Consent, &reference, expires)
        .unwrap();
    for (refused, why) in [
        (String::new(), "no link"),
        (follow(&reference, expired), "an expired link"),
        (
            follow("CMP-2026-999999", expires),
            "another complaint's link",
        ),
        (consent, "a consent link"),
        (
            follow(&reference, expires).replace(".f.", ".c."),
            "a tampered link",
        ),
    ] {
        let status = own.request_escalation(ask(refused)).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::PermissionDenied, "{why}");
    }
    let view = own
        .request_escalation(ask(follow(&reference, expires)))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32, "{view:?}");
    stack.cleanup().await;
}
