use crate::helpers::{Stack, date, web_form};
use complaints_proto::v1 as pb;
use futures::StreamExt;
use prost::Message;

/// R-REC-1: every complaint intake accepts is recorded here with a unique
/// reference and can be seen with its deadlines; a redelivered acceptance
/// opens nothing twice.
#[tokio::test]
async fn r_rec_1_an_accepted_complaint_is_opened_once_with_its_own_reference() {
    let mut stack = Stack::spawn().await;
    let first = stack.open_complaint("one").await;
    let second = stack.open_complaint("two").await;
    assert_ne!(first, second);
    let view = stack.view(&first).await;
    assert_eq!(view.stage, pb::Stage::Stage1 as i32);
    assert_eq!(view.channel, pb::Channel::WebForm as i32);

    // Deliver intake's acceptance again, as after a lost ack.
    let stream = stack
        .bus()
        .jetstream()
        .get_stream(stack.bus().stream_name())
        .await
        .unwrap();
    let reader = stream
        .create_consumer(async_nats::jetstream::consumer::pull::OrderedConfig {
            filter_subject: stack
                .bus()
                .subject("intake", "complaints.v1.ComplaintAccepted"),
            ..Default::default()
        })
        .await
        .unwrap();
    let message = reader
        .messages()
        .await
        .unwrap()
        .next()
        .await
        .unwrap()
        .unwrap();
    let envelope = pb::EventEnvelope::decode(message.payload.clone()).unwrap();
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", "redelivered-acceptance");
    stack
        .bus()
        .jetstream()
        .publish_with_headers(
            message.subject.to_string(),
            headers,
            envelope.encode_to_vec().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    let third = stack.open_complaint("three").await;
    let opened: i64 = sqlx::query_scalar("SELECT count(*) FROM complaints")
        .fetch_one(stack.log.pool())
        .await
        .unwrap();
    assert_eq!(
        opened, 3,
        "the redelivered acceptance opened nothing ({first}, {second}, {third})"
    );
    stack.cleanup().await;
}

/// R-S1-1: a written submission starts the 7-working-day first-contact
/// deadline (Mon 2 Mar 2026 + 7 working days = Wed 11 Mar); the first
/// recorded contact meets it (R-INT-9).
#[tokio::test]
async fn r_s1_1_first_contact_is_due_in_7_working_days_and_a_recorded_contact_meets_it() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("contact").await;
    let view = stack.view(&reference).await;
    let first_contact = view
        .deadlines
        .iter()
        .find(|d| d.kind == pb::DeadlineKind::FirstContact as i32)
        .expect("a first-contact deadline");
    assert_eq!(first_contact.due_on, Some(date(2026, 3, 11)));
    stack.clock.advance(chrono::Duration::hours(2));
    let view = stack
        .complaints
        .record_contact(pb::RecordContactRequest {
            command: crate::helpers::acting(&reference, "handler-1"),
            at: Some(prost_types::Timestamp {
                seconds: crate::helpers::start().timestamp() + 3600,
                nanos: 0,
            }),
            method: pb::ContactMethod::Telephone as i32,
            summary: "Called to clarify which results were late.".into(),
        })
        .await
        .unwrap()
        .into_inner();
    let first_contact = view
        .deadlines
        .iter()
        .find(|d| d.kind == pb::DeadlineKind::FirstContact as i32)
        .unwrap();
    assert_eq!(first_contact.met_on, Some(date(2026, 3, 2)));
    stack.cleanup().await;
}

/// R-REG-1, R-REG-2: a complaint about a regulated qualification knows its
/// regulators from Appendix D.
#[tokio::test]
async fn r_reg_1_a_complaint_about_a_qualification_is_linked_to_its_regulators() {
    let mut stack = Stack::spawn().await;
    let mut request = web_form("regulated");
    request.qualification_code = "L3-DIP-LP".into();
    let receipt = stack
        .intake
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    let reference = stack.reference_for(&receipt.submission_id).await;
    let view = stack.view(&reference).await;
    assert_eq!(view.qualification_code, "L3-DIP-LP");
    assert!(view.regulated);
    stack.cleanup().await;
}
