use crate::helpers::{Stack, acting, web_form};
use complaints_proto::v1 as pb;

fn trace_id_of<T>(response: &tonic::Response<T>) -> String {
    response
        .metadata()
        .get(platform::grpc::TRACE_ID_HEADER)
        .expect("every answer names its trace")
        .to_str()
        .unwrap()
        .to_owned()
}

/// Each step of the audit trail names the trace that recorded it: the
/// opening continues the trace of the submission across the bus, and a
/// staff command is recorded in the trace of its own request.
#[tokio::test]
async fn each_history_entry_carries_the_trace_id_of_the_request_that_recorded_it() {
    platform::testing::telemetry();
    let mut stack = Stack::spawn().await;
    let submitted = stack
        .intake
        .submit_complaint(web_form("traced"))
        .await
        .unwrap();
    let submission_trace = trace_id_of(&submitted);
    let reference = stack
        .reference_for(&submitted.into_inner().submission_id)
        .await;
    let assigned = stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&reference, "handler-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    let assign_trace = trace_id_of(&assigned);
    assert_ne!(submission_trace, assign_trace);

    let history = stack
        .complaints
        .get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let opened = &history.entries[0];
    assert_eq!(opened.event_type, "complaints.v1.ComplaintOpened");
    assert_eq!(opened.trace_id, submission_trace);
    let assignment = history
        .entries
        .iter()
        .find(|e| e.event_type == "complaints.v1.HandlerAssigned")
        .expect("the assignment is in the history");
    assert_eq!(assignment.trace_id, assign_trace);
    assert!(
        history
            .entries
            .iter()
            .all(|e| e.trace_id.len() == 32 && e.trace_id.bytes().all(|b| b.is_ascii_hexdigit())),
        "every entry has a 32-hex trace id: {:?}",
        history.entries
    );
    stack.cleanup().await;
}
