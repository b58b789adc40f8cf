use crate::helpers::TestIntake;
use complaints_proto::v1 as pb;

fn compliment(key: &str, team: &str) -> pb::SubmitComplimentRequest {
    pb::SubmitComplimentRequest {
        idempotency_key: key.into(),
        channel: pb::Channel::Email as i32,
        team: team.into(),
        about_person: "Sam in the contact centre".into(),
        message: "Sam sorted out my exam booking in one call.".into(),
        from: None,
    }
}

/// R-POS-1: positive feedback comes through the same channels and goes to
/// the appropriate manager(s), and is published for reporting.
#[tokio::test]
async fn r_pos_1_a_compliment_is_passed_to_the_managers_of_its_team() {
    let mut intake = TestIntake::spawn().await;
    let receipt = intake
        .client
        .submit_compliment(compliment("thanks", "customer services"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.routed_to, vec!["csm-1", "csm-2"]);
    assert!(receipt.reference.starts_with("CMT-2026-"));
    let other = intake
        .client
        .submit_compliment(compliment("thanks-finance", "Finance"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        other.routed_to,
        vec!["head-of-cx"],
        "teams without a route go to the fallback"
    );
    let again = intake
        .client
        .submit_compliment(compliment("thanks", "customer services"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again, receipt, "a retry returns the first receipt");
    let published = intake
        .published("complaints.v1.ComplimentReceived", 2)
        .await;
    assert_eq!(published.len(), 2);
    intake.cleanup().await;
}

#[tokio::test]
async fn r_pos_1_a_compliment_needs_a_team_and_a_message() {
    let mut intake = TestIntake::spawn().await;
    let mut request = compliment("empty", " ");
    request.message.clear();
    let status = intake.client.submit_compliment(request).await.unwrap_err();
    let found = crate::helpers::violations(&status);
    assert!(crate::helpers::names(&found, "team", "R-POS-1"));
    assert!(crate::helpers::names(&found, "message", "R-POS-1"));
    intake.cleanup().await;
}
