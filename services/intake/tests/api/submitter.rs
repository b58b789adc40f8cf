//! Who submitted stays who submitted (R-INT-4, R-CONF-1): staff recording
//! or withdrawing a third party's consent, or a compelling reason, are
//! recorded as theirs, while the acceptance that follows is still the
//! submitter's, so the portal that submitted keeps its reach.

use crate::helpers::{TestIntake, date, web_form};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::auth::Role;
use platform::testing::{channel_as, token};

fn by_employer(key: &str) -> pb::SubmitComplaintRequest {
    let mut request = web_form(key);
    request.third_party = Some(pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: "hr@example.com".into(),
        organisation: "Hopper & Co".into(),
        ..Default::default()
    });
    request
}

fn user(envelope: &pb::EventEnvelope) -> Option<pb::actor::Kind> {
    envelope.actor.as_ref().and_then(|a| a.kind.clone())
}

fn portal_user() -> Option<pb::actor::Kind> {
    Some(pb::actor::Kind::UserId("portal-a".into()))
}

/// R-INT-4: consent recorded by staff is the staff member's act, but the
/// complaint it lets into the procedure is still the portal's submission:
/// `ComplaintAccepted` goes out with the portal as its actor (the
/// complaints service reads the submitter from it), and recording then
/// withdrawing consent leaves the portal reaching its submission.
#[tokio::test]
async fn r_int_4_recording_or_withdrawing_consent_never_changes_who_submitted() {
    let mut intake = TestIntake::spawn().await;
    let portal = token("portal-a", &[Role::Portal], None);
    let mut portal = IntakeClient::new(channel_as(intake.addr, Some(&portal)).await);
    let receipt = portal
        .submit_complaint(by_employer("employer-via-portal"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::AwaitingConsent as i32);

    intake
        .client
        .record_consent(pb::RecordConsentRequest {
            submission_id: receipt.submission_id.clone(),
            evidence: "Signed consent form received by email".into(),
            given_on: Some(date(2026, 12, 23)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap();
    let recorded = intake.published("complaints.v1.ConsentRecorded", 1).await;
    assert_eq!(
        user(&recorded[0]),
        Some(pb::actor::Kind::UserId("staff-2".into())),
        "recording consent is the staff member's act"
    );
    let accepted = intake.published("complaints.v1.ComplaintAccepted", 1).await;
    assert_eq!(accepted.len(), 1);
    assert_eq!(
        user(&accepted[0]),
        portal_user(),
        "the accepted complaint is still the portal's submission"
    );

    intake
        .client
        .withdraw_consent(pb::WithdrawConsentRequest {
            submission_id: receipt.submission_id.clone(),
            withdrawn_on: Some(date(2026, 12, 24)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap();
    let summary = portal
        .get_submission(pb::GetSubmissionRequest {
            submission_id: receipt.submission_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(summary.consent_withdrawn);

    let history = intake
        .client
        .get_submission_history(pb::GetSubmissionRequest {
            submission_id: receipt.submission_id,
        })
        .await
        .unwrap()
        .into_inner();
    let actors: Vec<(&str, &str)> = history
        .entries
        .iter()
        .map(|e| {
            (
                e.event_type.trim_start_matches("complaints.v1."),
                e.actor.as_str(),
            )
        })
        .collect();
    assert_eq!(
        actors,
        [
            ("SubmissionReceived", "user:portal-a"),
            ("ConsentRequested", "user:portal-a"),
            ("ConsentRecorded", "user:staff-2"),
            ("ComplaintAccepted", "user:portal-a"),
            ("ConsentWithdrawn", "user:staff-2"),
        ]
    );
    intake.cleanup().await;
}

/// R-INT-2 with R-CONF-1: a compelling reason staff record for an old
/// matter is theirs; the acceptance it leads to stays the portal's.
#[tokio::test]
async fn r_int_2_a_compelling_reason_recorded_by_staff_leaves_the_portal_as_submitter() {
    let mut intake = TestIntake::spawn().await;
    let portal = token("portal-a", &[Role::Portal], None);
    let mut portal = IntakeClient::new(channel_as(intake.addr, Some(&portal)).await);
    let mut old = web_form("old-via-portal");
    old.matter_date = Some(date(2026, 1, 5));
    let receipt = portal.submit_complaint(old).await.unwrap().into_inner();
    assert_eq!(
        receipt.status,
        pb::TriageStatus::AwaitingTimeDecision as i32
    );
    intake
        .client
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id,
            reason: "The complainant was in hospital for seven months.".into(),
            decided_by: "staff-7".into(),
        })
        .await
        .unwrap();
    let decided = intake
        .published("complaints.v1.CompellingReasonRecorded", 1)
        .await;
    assert_eq!(
        user(&decided[0]),
        Some(pb::actor::Kind::UserId("staff-7".into()))
    );
    let accepted = intake.published("complaints.v1.ComplaintAccepted", 1).await;
    assert_eq!(user(&accepted[0]), portal_user());
    intake.cleanup().await;
}
