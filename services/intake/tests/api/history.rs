use crate::helpers::{TestIntake, web_form};
use complaints_proto::v1 as pb;

/// A complaint's trail starts at intake: the submission's events with the
/// trace of the request that recorded them, and nothing of what was
/// submitted.
#[tokio::test]
async fn a_submissions_history_lists_its_events_with_the_trace_id_of_the_submitting_request() {
    platform::testing::telemetry();
    let mut intake = TestIntake::spawn().await;
    let response = intake
        .client
        .submit_complaint(web_form("history"))
        .await
        .unwrap();
    let trace = response
        .metadata()
        .get(platform::grpc::TRACE_ID_HEADER)
        .expect("the answer names its trace")
        .to_str()
        .unwrap()
        .to_owned();
    let receipt = response.into_inner();

    let history = intake
        .client
        .get_submission_history(pb::GetSubmissionRequest {
            submission_id: receipt.submission_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(history.submission_id, receipt.submission_id);
    assert_eq!(history.reference, receipt.reference);
    let types: Vec<&str> = history
        .entries
        .iter()
        .map(|e| e.event_type.as_str())
        .collect();
    assert_eq!(types[0], "complaints.v1.SubmissionReceived", "{types:?}");
    assert!(
        types.contains(&"complaints.v1.ComplaintAccepted"),
        "{types:?}"
    );
    let versions: Vec<u64> = history.entries.iter().map(|e| e.version).collect();
    assert_eq!(versions, (1..=versions.len() as u64).collect::<Vec<_>>());
    for entry in &history.entries {
        assert_eq!(entry.trace_id, trace, "{}", entry.event_type);
        assert_eq!(
            entry.actor, "user:test-harness",
            "the authenticated caller submitted it"
        );
        assert!(entry.occurred_at.is_some() && entry.recorded_at.is_some());
    }
    let printed = format!("{history:?}");
    for personal in ["Ada", "Lovelace", "ada@example.org"] {
        assert!(!printed.contains(personal), "{personal} in {printed}");
    }
    intake.cleanup().await;
}

#[tokio::test]
async fn the_history_of_an_unknown_submission_is_not_found() {
    let mut intake = TestIntake::spawn().await;
    let status = intake
        .client
        .get_submission_history(pb::GetSubmissionRequest {
            submission_id: uuid::Uuid::new_v4().to_string(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    intake.cleanup().await;
}
