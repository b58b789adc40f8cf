use crate::helpers::{TestIntake, web_form};
use complaints_proto::v1 as pb;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// R-MON-4: voluntary answers are kept apart from the case, in a stream of
/// their own, linked only by a keyed pseudonym that reporting can compute.
#[tokio::test]
async fn r_mon_4_equality_answers_are_kept_apart_under_a_keyed_pseudonym() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("monitored");
    request.equality_monitoring = Some(pb::EqualityMonitoring {
        ethnicity: "Prefer not to say".into(),
        disability: "Yes".into(),
        gender: "Woman".into(),
        age_band: "35-44".into(),
        ..Default::default()
    });
    let receipt = intake
        .client
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();

    let events = intake.all_events().await;
    let monitoring: Vec<_> = events
        .iter()
        .filter(|(_, stream_type, _, _)| stream_type == "monitoring")
        .collect();
    assert_eq!(monitoring.len(), 1);
    let (stream_id, _, _, payload) = monitoring[0];
    assert!(stream_id.starts_with("monitoring-"));
    assert!(!stream_id.contains(&receipt.submission_id));
    let recorded: pb::EqualityMonitoringRecorded =
        prost::Message::decode(payload.as_slice()).unwrap();
    let mut mac =
        Hmac::<Sha256>::new_from_slice(b"test-monitoring-key-of-at-least-32-chars").unwrap();
    mac.update(receipt.submission_id.as_bytes());
    assert_eq!(recorded.pseudonym, hex::encode(mac.finalize().into_bytes()));
    assert_eq!(recorded.answers.unwrap().gender, "Woman");

    for (_, _, event_type, payload) in events.iter().filter(|(_, t, _, _)| t == "submission") {
        let bytes = String::from_utf8_lossy(payload);
        assert!(
            !bytes.contains("35-44"),
            "{event_type} carries no monitoring answer"
        );
    }
    let summary = intake
        .client
        .get_submission(pb::GetSubmissionRequest {
            submission_id: receipt.submission_id,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.status, pb::TriageStatus::Accepted as i32);
    intake.cleanup().await;
}

/// R-MON-4: monitoring is voluntary; no answers, no monitoring stream.
#[tokio::test]
async fn r_mon_4_no_answers_means_no_monitoring_record() {
    let mut intake = TestIntake::spawn().await;
    intake
        .client
        .submit_complaint(web_form("unmonitored"))
        .await
        .unwrap();
    assert!(
        intake
            .logged::<pb::EqualityMonitoringRecorded>()
            .await
            .is_empty()
    );
    intake.cleanup().await;
}
