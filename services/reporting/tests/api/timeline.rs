use crate::helpers::{Stack, acting, web_form};
use complaints_proto::v1 as pb;
use std::time::Duration;

fn trace_id_of<T>(response: &tonic::Response<T>) -> String {
    response
        .metadata()
        .get(platform::grpc::TRACE_ID_HEADER)
        .expect("every answer names its trace")
        .to_str()
        .unwrap()
        .to_owned()
}

async fn timeline(stack: &mut Stack, reference: &str) -> Result<pb::LogTimeline, tonic::Status> {
    stack
        .reporting
        .get_log_timeline(pb::GetLogTimelineRequest {
            reference: reference.into(),
        })
        .await
        .map(tonic::Response::into_inner)
}

async fn timeline_when(
    stack: &mut Stack,
    reference: &str,
    ready: impl Fn(&pb::LogTimeline) -> bool,
) -> pb::LogTimeline {
    let mut last = None;
    for _ in 0..400 {
        if let Ok(found) = timeline(stack, reference).await {
            if ready(&found) {
                return found;
            }
            last = Some(found);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the timeline never got there; last: {last:?}");
}

fn steps(timeline: &pb::LogTimeline) -> Vec<(String, String, Vec<String>)> {
    timeline
        .entries
        .iter()
        .map(|e| (e.source.clone(), e.event_type.clone(), e.facts.clone()))
        .collect()
}

/// Operators follow a complaint's trace into the anonymised log: each event
/// applied to its record, in order, with the trace it was recorded in, found
/// from the reference alone; a rebuild from the bus gives the same steps of
/// each service in the same order.
#[tokio::test]
async fn the_log_timeline_of_a_complaint_lists_the_events_applied_with_their_trace_ids() {
    platform::testing::telemetry();
    let mut stack = Stack::spawn().await;
    let submitted = stack
        .intake
        .submit_complaint(web_form("timeline"))
        .await
        .unwrap();
    let submission_trace = trace_id_of(&submitted);
    let reference = stack
        .reference_for(&submitted.into_inner().submission_id)
        .await;
    let decided = stack
        .complaints
        .record_outcome(pb::RecordOutcomeRequest {
            command: acting(&reference, "handler-1"),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::NotUpheld as i32,
            findings: "The results were published on time.".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let outcome_trace = trace_id_of(&decided);

    let found = timeline_when(&mut stack, &reference, |t| {
        t.entries
            .iter()
            .any(|e| e.facts.iter().any(|f| f == "outcome recorded"))
    })
    .await;
    let intake: Vec<_> = found
        .entries
        .iter()
        .filter(|e| e.source == "intake")
        .collect();
    assert!(
        intake
            .iter()
            .any(|e| e.facts.contains(&"submitted".to_owned())),
        "{found:?}"
    );
    let opened = found
        .entries
        .iter()
        .find(|e| e.event_type == "complaints.v1.ComplaintOpened")
        .expect("the opening was applied");
    assert_eq!(opened.source, "complaints");
    assert_eq!(opened.facts, vec!["opened".to_owned()]);
    for entry in intake.iter().copied().chain([opened]) {
        assert_eq!(entry.trace_id, submission_trace, "{}", entry.event_type);
    }
    let outcome = found
        .entries
        .iter()
        .find(|e| e.facts.iter().any(|f| f == "outcome recorded"))
        .unwrap();
    assert_eq!(outcome.trace_id, outcome_trace);
    let applied: Vec<_> = found
        .entries
        .iter()
        .map(|e| e.applied_at.unwrap().seconds)
        .collect();
    assert!(applied.is_sorted(), "oldest first: {applied:?}");
    assert!(found.entries.iter().all(|e| e.occurred_at.is_some()));

    stack.rebuild_log().await;
    let rebuilt = timeline(&mut stack, &reference).await.unwrap();
    // Intake's and the complaints service's events reach the log through
    // two consumers, so a rebuild may interleave them differently; each
    // service's own steps, and their traces, come back in the same order.
    let per_source = |t: &pb::LogTimeline| {
        let mut by: std::collections::BTreeMap<String, Vec<(String, Vec<String>, String)>> =
            Default::default();
        for e in &t.entries {
            by.entry(e.source.clone()).or_default().push((
                e.event_type.clone(),
                e.facts.clone(),
                e.trace_id.clone(),
            ));
        }
        by
    };
    assert_eq!(per_source(&rebuilt), per_source(&found));
    assert_eq!(steps(&rebuilt).len(), steps(&found).len());
    stack.cleanup().await;
}

#[tokio::test]
async fn the_log_timeline_of_a_reference_the_log_does_not_hold_is_not_found() {
    let mut stack = Stack::spawn().await;
    let status = timeline(&mut stack, "CMP-2026-999999").await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::NotFound);
    let status = timeline(&mut stack, " ").await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    stack.cleanup().await;
}
