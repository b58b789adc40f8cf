//! R-INT-1: an idempotency key stands for one request. A retry with the
//! same body answers the first receipt; the same key with a different body
//! is refused as ALREADY_EXISTS naming `idempotency_key`, never answered
//! with another request's receipt as if it had been stored.

use crate::helpers::{TestIntake, web_form};
use complaints_proto::v1 as pb;
use tonic_types::StatusExt;

fn names_the_key(status: &tonic::Status) {
    assert_eq!(status.code(), tonic::Code::AlreadyExists, "{status:?}");
    assert!(
        status.message().starts_with("idempotency_key:"),
        "{}",
        status.message()
    );
    let fields: Vec<String> = status
        .get_details_bad_request()
        .expect("BadRequest details")
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, ["idempotency_key"]);
}

#[tokio::test]
async fn r_int_1_a_complaint_key_reused_with_another_body_is_refused_and_a_true_retry_answers_the_first_receipt()
 {
    let mut intake = TestIntake::spawn().await;
    let first = intake
        .client
        .submit_complaint(web_form("portal-reused"))
        .await
        .unwrap()
        .into_inner();
    let retry = intake
        .client
        .submit_complaint(web_form("portal-reused"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(retry, first, "the same body answers the first receipt");

    let stored = intake.stored().await;
    let mut other = web_form("portal-reused");
    other.query_detail = "A different complaint altogether.".into();
    let refused = intake.client.submit_complaint(other).await.unwrap_err();
    names_the_key(&refused);
    assert_eq!(intake.stored().await, stored, "nothing else was stored");
    intake.cleanup().await;
}

#[tokio::test]
async fn r_pos_1_a_compliment_key_reused_with_another_body_is_refused_and_a_true_retry_answers_the_first_receipt()
 {
    let mut intake = TestIntake::spawn().await;
    let compliment = |message: &str| pb::SubmitComplimentRequest {
        idempotency_key: "thanks-1".into(),
        channel: pb::Channel::Email as i32,
        team: "Customer Services".into(),
        about_person: "Sam".into(),
        message: message.into(),
        from: None,
    };
    let first = intake
        .client
        .submit_compliment(compliment("Sam sorted out my booking."))
        .await
        .unwrap()
        .into_inner();
    let retry = intake
        .client
        .submit_compliment(compliment("Sam sorted out my booking."))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(retry, first);
    let refused = intake
        .client
        .submit_compliment(compliment("Someone else entirely."))
        .await
        .unwrap_err();
    names_the_key(&refused);
    intake.cleanup().await;
}
