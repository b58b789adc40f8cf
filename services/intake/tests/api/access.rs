//! R-CONF-1 at intake: every RPC guarded; the portal reads back only what
//! it submitted itself.

use crate::helpers::{TestIntake, web_form};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::auth::Role;
use platform::testing::{access_audit, channel_as, token};
use tonic::Code;

#[tokio::test]
async fn r_conf_1_every_intake_rpc_refuses_a_missing_or_expired_token_and_a_wrong_role() {
    let intake = TestIntake::spawn().await;
    platform::testing::assert_service_is_guarded(
        intake.addr,
        "complaints.v1.Intake",
        intake::access::POLICY,
    )
    .await;
    intake.cleanup().await;
}

#[tokio::test]
async fn r_conf_1_the_portal_reads_back_its_own_submissions_and_no_one_elses() {
    let intake = TestIntake::spawn().await;
    let portal = |name: &str| token(name, &[Role::Portal], None);
    let mut portal_a = IntakeClient::new(channel_as(intake.addr, Some(&portal("portal-a"))).await);
    let mut portal_b = IntakeClient::new(channel_as(intake.addr, Some(&portal("portal-b"))).await);
    let receipt = portal_a
        .submit_complaint(web_form("own-1"))
        .await
        .unwrap()
        .into_inner();
    let get = || pb::GetSubmissionRequest {
        submission_id: receipt.submission_id.clone(),
    };
    portal_a.get_submission(get()).await.unwrap();
    let status = portal_b.get_submission(get()).await.unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");

    let audit: Vec<(String, String)> = access_audit(intake.addr, Some(&receipt.submission_id))
        .await
        .into_iter()
        .map(|e| (e.subject, e.outcome))
        .collect();
    assert_eq!(
        audit,
        [
            ("portal-a".to_owned(), "read".to_owned()),
            ("portal-b".to_owned(), "denied".to_owned()),
        ]
    );
    intake.cleanup().await;
}

/// R-CONF-1: an unauthenticated call is a refusal and is in the access
/// audit like any other, under `unauthenticated <peer>`; a flood from one
/// peer records at most 10 calls a minute and then one summary, so it
/// cannot fill the table.
#[tokio::test]
async fn r_conf_1_unauthenticated_calls_are_in_the_access_audit_and_a_flood_is_rate_limited() {
    let intake = crate::helpers::TestIntake::spawn().await;
    let path = "/complaints.v1.Intake/ListTriageQueue";
    for _ in 0..40 {
        let status = platform::testing::call_empty(intake.addr, None, path).await;
        assert_eq!(status.code(), tonic::Code::Unauthenticated);
    }
    let unauthenticated: Vec<_> = platform::testing::access_audit(intake.addr, None)
        .await
        .into_iter()
        .filter(|e| e.subject.starts_with("unauthenticated"))
        .collect();
    assert_eq!(unauthenticated.len(), 11, "{unauthenticated:#?}");
    assert!(unauthenticated.iter().all(|e| e.outcome == "denied"
        && e.subject == "unauthenticated 127.0.0.1"
        && e.method.starts_with(path)));
    assert!(unauthenticated[10].method.contains("not recorded"));
    intake.cleanup().await;
}

/// Oversized metadata (300 entries) is refused by the transport before
/// any handler runs (platform::grpc::MAX_HEADER_LIST_BYTES): the client
/// sees an error, never a stored request, and the service answers the
/// next call and health as before.
#[tokio::test]
async fn three_hundred_metadata_entries_are_refused_and_the_service_stays_healthy() {
    let mut intake = crate::helpers::TestIntake::spawn().await;
    let mut request = tonic::Request::new(crate::helpers::web_form("oversized-metadata"));
    for n in 0..300 {
        let key: tonic::metadata::MetadataKey<tonic::metadata::Ascii> =
            format!("x-padding-{n}").parse().unwrap();
        request
            .metadata_mut()
            .insert(key, "x".repeat(100).parse().unwrap());
    }
    let refused = intake.client.submit_complaint(request).await.unwrap_err();
    // The transport's answer, before any handler: HTTP 431 without a
    // grpc-status, which tonic reports as UNKNOWN naming the 431.
    assert_eq!(refused.code(), tonic::Code::Unknown, "{refused:?}");
    assert!(refused.message().contains("431"), "{refused:?}");
    assert_eq!(intake.stored().await, (0, 0), "nothing was stored");
    let health =
        platform::testing::call_empty(intake.addr, None, "/grpc.health.v1.Health/Check").await;
    assert_eq!(health.code(), tonic::Code::Ok, "{health:?}");
    let accepted = intake
        .client
        .submit_complaint(crate::helpers::web_form("after-oversized"))
        .await;
    assert!(accepted.is_ok(), "{accepted:?}");
    intake.cleanup().await;
}

/// R-MON-1: a Customer Service Manager monitors what is waiting at intake
/// too: they read the triage queue and any submission (each read in the
/// access audit), and decide nothing there without a staff role.
#[tokio::test]
async fn r_mon_1_a_customer_service_manager_reads_the_triage_queue_and_decides_nothing() {
    let intake = TestIntake::spawn().await;
    let portal = token("portal-a", &[Role::Portal], None);
    let mut portal = IntakeClient::new(channel_as(intake.addr, Some(&portal)).await);
    let mut old = web_form("old-matter");
    old.matter_date = Some(crate::helpers::date(2026, 1, 5));
    let receipt = portal.submit_complaint(old).await.unwrap().into_inner();

    let csm = token("csm-1", &[Role::CustomerServiceManager], None);
    let mut csm = IntakeClient::new(channel_as(intake.addr, Some(&csm)).await);
    let queue = csm
        .list_triage_queue(pb::ListTriageQueueRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(queue.submissions.len(), 1);
    assert_eq!(queue.submissions[0].submission_id, receipt.submission_id);
    csm.get_submission(pb::GetSubmissionRequest {
        submission_id: receipt.submission_id.clone(),
    })
    .await
    .unwrap();
    let refused = csm
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id.clone(),
            reason: "Monitoring only.".into(),
            decided_by: "csm-1".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    let audit: Vec<(String, String)> = access_audit(intake.addr, Some(&receipt.submission_id))
        .await
        .into_iter()
        .map(|e| (e.subject, e.outcome))
        .collect();
    assert!(
        audit.contains(&("csm-1".to_owned(), "read".to_owned())),
        "{audit:?}"
    );
    intake.cleanup().await;
}
