//! The stack `make up` starts handles a first complaint end to end.

use complaints_proto::v1 as pb;
use end_to_end::clients::{self, CallMetadata};
use end_to_end::{Isolation, SERVICES, ServiceProcess};
use std::time::Duration;

#[tokio::test]
async fn a_complaint_submitted_to_the_intake_process_is_opened_by_the_complaints_process() {
    let isolation = Isolation::fresh("first");
    let mut running = Vec::new();
    for service in SERVICES {
        running.push(ServiceProcess::spawn(service, &isolation.env(service)).await);
    }
    let mut intake = clients::intake(&running[0], &CallMetadata::untraced()).await;
    let mut complaints = clients::complaints(&running[1], &CallMetadata::untraced()).await;
    let today = chrono::Utc::now().date_naive();
    let receipt = intake
        .submit_complaint(pb::SubmitComplaintRequest {
            idempotency_key: "first-complaint".into(),
            channel: pb::Channel::WebForm as i32,
            customer_status: "Member".into(),
            customer_type: "Student".into(),
            query_category: "Exams and assessments".into(),
            query_detail: "My results were published late.".into(),
            complainant: Some(pb::Person {
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                email: "ada@example.org".into(),
                ..Default::default()
            }),
            matter_date: Some(pb::Date {
                year: chrono::Datelike::year(&today),
                month: chrono::Datelike::month(&today),
                day: chrono::Datelike::day(&today),
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);

    let mut queue = Vec::new();
    for _ in 0..200 {
        queue = complaints
            .list_work_queue(pb::ListWorkQueueRequest::default())
            .await
            .unwrap()
            .into_inner()
            .items;
        if !queue.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        queue.len(),
        1,
        "the complaint crossed the bus and was opened"
    );
    assert!(queue[0].reference.starts_with("CMP-"));
    assert_eq!(
        queue[0].next_deadline,
        pb::DeadlineKind::FirstContact as i32
    );
    for process in running {
        process.terminate().await;
    }
    isolation.cleanup().await;
}
