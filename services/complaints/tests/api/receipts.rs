//! R-S2-1, R-S3-1: the escalation windows run from the complainant's
//! receipt of the outcome, which the notifications service reports with
//! `OutcomeDelivered`. Here that contract event is published on the bus as
//! notifications' relay publishes it, so the complaints service's consumer
//! is tested on its own; the notifications API tests (`receipt.rs`) take
//! the same path through the real notifications service.

use crate::helpers::{Stack, acting, date, escalate, outcome, refused};
use chrono::Duration;
use complaints_proto::v1 as pb;
use prost::{Message, Name};
use tonic::Code;

/// Publishes `OutcomeDelivered` with `event_id` (its message id, as the
/// relay sets it): the `stage` outcome of `reference` sent on `sent_on`.
pub async fn delivered(
    stack: &Stack,
    event_id: uuid::Uuid,
    reference: &str,
    stage: pb::Stage,
    channel: pb::DeliveryChannel,
    sent_on: pb::Date,
) {
    let fact = pb::OutcomeDelivered {
        notification_id: uuid::Uuid::now_v7().to_string(),
        reference: reference.into(),
        stage: stage as i32,
        channel: channel as i32,
        sent_on: Some(sent_on),
    };
    let event_type = pb::OutcomeDelivered::full_name();
    let envelope = pb::EventEnvelope {
        event_id: event_id.to_string(),
        stream_id: format!("notification-{}", fact.notification_id),
        stream_type: "notification".into(),
        stream_version: 3,
        event_type: event_type.clone(),
        correlation_id: event_id.to_string(),
        source: "notifications".into(),
        actor: Some(pb::Actor {
            kind: Some(pb::actor::Kind::System("notifications-sender".into())),
        }),
        payload: Some(prost_types::Any {
            type_url: format!("type.googleapis.com/{event_type}"),
            value: fact.encode_to_vec(),
        }),
        ..Default::default()
    };
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", event_id.to_string().as_str());
    headers.insert("event-type", event_type.as_str());
    stack
        .bus()
        .jetstream()
        .publish_with_headers(
            stack.bus().subject("notifications", &event_type),
            headers,
            envelope.encode_to_vec().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
}

/// Waits up to 30 s until the `stage` outcome of `reference` shows as
/// received; returns that outcome.
pub async fn received(stack: &mut Stack, reference: &str, stage: pb::Stage) -> pb::OutcomeView {
    let mut last = None;
    for _ in 0..1200 {
        last = (stack.view(reference).await.outcomes.into_iter()).find(|o| o.stage == stage as i32);
        if last.as_ref().is_some_and(|o| o.received_on.is_some()) {
            return last.unwrap_or_default();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the outcome was never recorded as received: {last:?}");
}

/// The work queue's (awaiting_receipt, overdue) for `reference`.
async fn queued(stack: &mut Stack, reference: &str) -> (bool, bool) {
    let queue = stack
        .complaints
        .list_work_queue(pb::ListWorkQueueRequest::default())
        .await
        .unwrap()
        .into_inner();
    let item = (queue.items.into_iter())
        .find(|i| i.reference == reference)
        .expect("the complaint is on the work queue");
    (item.awaiting_receipt, item.overdue)
}

fn start_plus(days: i64) -> chrono::DateTime<chrono::Utc> {
    crate::helpers::start() + Duration::days(days)
}

/// R-S2-1: an outcome recorded on Monday 2 March 2026 and not yet reported
/// delivered leaves the window open: 30 days on, the watcher closes
/// nothing. Reported posted on Thursday 5 March, it was received on Monday
/// 9 March (two working days), so the window ended on Monday 23 March and
/// the watcher now closes the complaint. The same report delivered twice
/// counts once, and a later delivery (a resend) changes nothing.
#[tokio::test]
async fn r_s2_1_the_window_waits_for_the_delivery_report_and_then_counts_from_receipt() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("waits-for-delivery").await;
    // The first contact made, so the window is the next deadline.
    stack
        .complaints
        .record_contact(pb::RecordContactRequest {
            command: acting(&reference, "handler-1"),
            at: Some(prost_types::Timestamp {
                seconds: crate::helpers::start().timestamp(),
                nanos: 0,
            }),
            method: pb::ContactMethod::Telephone as i32,
            summary: "Called to talk it through.".into(),
        })
        .await
        .unwrap();
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack.clock.set(start_plus(30));
    stack.watcher.round().await.unwrap();
    let view = stack.view(&reference).await;
    assert!(!view.closed, "no window ran out before the outcome arrived");
    assert_eq!(view.outcomes[0].received_on, None);
    assert_eq!(
        queued(&mut stack, &reference).await,
        (true, false),
        "awaiting, not overdue"
    );

    let first = uuid::Uuid::now_v7();
    for _ in 0..2 {
        delivered(
            &stack,
            first,
            &reference,
            pb::Stage::Stage1,
            pb::DeliveryChannel::Post,
            date(2026, 3, 5),
        )
        .await;
    }
    let seen = received(&mut stack, &reference, pb::Stage::Stage1).await;
    assert_eq!(seen.received_on, Some(date(2026, 3, 9)));
    assert_eq!(seen.escalation_window_ends_on, Some(date(2026, 3, 23)));
    assert_eq!(
        queued(&mut stack, &reference).await,
        (false, true),
        "received: it counts"
    );
    delivered(
        &stack,
        uuid::Uuid::now_v7(),
        &reference,
        pb::Stage::Stage1,
        pb::DeliveryChannel::Email,
        date(2026, 3, 31),
    )
    .await;
    // A marker after it on the same consumer: once it shows, the resend was
    // handled too (the consumer takes them in order).
    let other = stack.open_complaint("marker").await;
    outcome(
        &mut stack,
        &other,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    delivered(
        &stack,
        uuid::Uuid::now_v7(),
        &other,
        pb::Stage::Stage1,
        pb::DeliveryChannel::Email,
        date(2026, 4, 1),
    )
    .await;
    received(&mut stack, &other, pb::Stage::Stage1).await;
    let seen = received(&mut stack, &reference, pb::Stage::Stage1).await;
    assert_eq!(seen.received_on, Some(date(2026, 3, 9)), "the first counts");
    let receipts = stack
        .event_types(&reference)
        .await
        .into_iter()
        .filter(|t| t == "complaints.v1.OutcomeReceived")
        .count();
    assert_eq!(receipts, 1);

    stack.watcher.round().await.unwrap();
    let view = stack.view(&reference).await;
    assert!(view.closed);
    assert_eq!(view.closure, pb::ClosureKind::EscalationWindowLapsed as i32);
    stack.cleanup().await;
}

/// R-S3-1: the Stage 2 outcome issued on Monday 16 March 2026 and emailed
/// on Wednesday 18 March is received that day; a Stage 3 request on
/// 1 April, day 16 after the outcome, is in time, and one on 2 April is not.
#[tokio::test]
async fn r_s3_1_the_stage_3_window_counts_from_the_day_the_stage_2_outcome_was_emailed() {
    let mut stack = Stack::spawn().await;
    let in_time = stack.open_complaint("stage-3-in-time").await;
    let late = stack.open_complaint("stage-3-late").await;
    for reference in [&in_time, &late] {
        outcome(
            &mut stack,
            reference,
            "handler-1",
            pb::Stage::Stage1,
            pb::Decision::NotUpheld,
            vec![],
        )
        .await
        .unwrap();
        let grounds = pb::Grounds::NotUnderstood;
        escalate(
            &mut stack,
            reference,
            pb::Stage::Stage2,
            grounds,
            date(2026, 3, 2),
        )
        .await
        .unwrap();
        crate::helpers::assign(
            &mut stack,
            reference,
            "manager-1",
            "Customer Services",
            pb::HandlerRole::Manager,
        )
        .await;
    }
    stack.clock.set(start_plus(14));
    for reference in [&in_time, &late] {
        outcome(
            &mut stack,
            reference,
            "manager-1",
            pb::Stage::Stage2,
            pb::Decision::NotUpheld,
            vec![],
        )
        .await
        .unwrap();
        delivered(
            &stack,
            uuid::Uuid::now_v7(),
            reference,
            pb::Stage::Stage2,
            pb::DeliveryChannel::Email,
            date(2026, 3, 18),
        )
        .await;
        let view = received(&mut stack, reference, pb::Stage::Stage2).await;
        assert_eq!(view.escalation_window_ends_on, Some(date(2026, 4, 1)));
    }
    stack.clock.set(start_plus(31));
    let dissatisfied = pb::Grounds::DissatisfiedWithOutcome;
    escalate(
        &mut stack,
        &in_time,
        pb::Stage::Stage3,
        dissatisfied,
        date(2026, 4, 1),
    )
    .await
    .expect("14 days after the email was sent");
    refused(
        escalate(
            &mut stack,
            &late,
            pb::Stage::Stage3,
            dissatisfied,
            date(2026, 4, 2),
        )
        .await,
        Code::FailedPrecondition,
        "R-S3-1",
    );
    stack.cleanup().await;
}

fn by_hand(
    reference: &str,
    by: &str,
    stage: pb::Stage,
    received_on: pb::Date,
) -> pb::RecordReceiptByHandRequest {
    pb::RecordReceiptByHandRequest {
        command: acting(reference, by),
        stage: stage as i32,
        received_on: Some(received_on),
        resent: false,
        reason: "No delivery report came; the complainant confirmed by phone.".into(),
    }
}

/// R-S2-1: staff record by hand that the Stage 1 outcome issued Monday
/// 2 March 2026 reached the complainant on Wednesday 4 March; the window
/// then ends Wednesday 18 March. A day in the future is refused naming the
/// field and the rule, and stores nothing. A delivery reported afterwards,
/// posted Thursday 5 March and so received Monday 9 March, is later and
/// counts: the window ends Monday 23 March; the complainant never loses
/// days.
#[tokio::test]
async fn r_s2_1_a_receipt_recorded_by_hand_starts_the_window_and_a_later_delivery_extends_it() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("receipt-by-hand").await;
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack.clock.set(start_plus(3));
    let before = stack.view(&reference).await.version;
    refused(
        stack
            .complaints
            .record_receipt_by_hand(by_hand(
                &reference,
                "handler-1",
                pb::Stage::Stage1,
                date(2026, 3, 6),
            ))
            .await,
        Code::InvalidArgument,
        "R-S2-1",
    );
    assert_eq!(
        stack.view(&reference).await.version,
        before,
        "nothing stored"
    );

    let view = stack
        .complaints
        .record_receipt_by_hand(by_hand(
            &reference,
            "handler-1",
            pb::Stage::Stage1,
            date(2026, 3, 4),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.outcomes[0].received_on, Some(date(2026, 3, 4)));
    assert_eq!(
        view.outcomes[0].escalation_window_ends_on,
        Some(date(2026, 3, 18))
    );
    let history = stack
        .complaints
        .get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let entry = (history.entries.iter())
        .find(|e| e.event_type == "complaints.v1.OutcomeReceiptRecorded")
        .expect("the receipt is in the audit trail");
    assert_eq!(entry.actor, "user:handler-1");
    assert!(
        !entry.summary.contains("phone"),
        "no free text: {}",
        entry.summary
    );

    delivered(
        &stack,
        uuid::Uuid::now_v7(),
        &reference,
        pb::Stage::Stage1,
        pb::DeliveryChannel::Post,
        date(2026, 3, 5),
    )
    .await;
    for _ in 0..1200 {
        let view = stack.view(&reference).await;
        if view.outcomes[0].received_on == Some(date(2026, 3, 9)) {
            assert_eq!(
                view.outcomes[0].escalation_window_ends_on,
                Some(date(2026, 3, 23))
            );
            stack.cleanup().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the later delivery never counted");
}

/// R-S3-1 with R-S2-3: a Stage 2 outcome's receipt is recorded by hand by
/// those who may record that outcome (the relevant manager, the Corporate
/// Compliance Manager); a handler is refused and nothing is stored.
#[tokio::test]
async fn r_s3_1_only_the_stage_2_outcome_roles_record_its_receipt_by_hand() {
    use platform::auth::Role;
    use platform::testing::{channel_as, token};
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("stage-2-receipt-by-hand").await;
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    escalate(
        &mut stack,
        &reference,
        pb::Stage::Stage2,
        pb::Grounds::NotUnderstood,
        date(2026, 3, 2),
    )
    .await
    .unwrap();
    crate::helpers::assign(
        &mut stack,
        &reference,
        "manager-1",
        "Customer Services",
        pb::HandlerRole::Manager,
    )
    .await;
    outcome(
        &mut stack,
        &reference,
        "manager-1",
        pb::Stage::Stage2,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await
    .unwrap();
    stack.clock.set(start_plus(2));
    let before = stack.view(&reference).await.version;
    let handler = token("handler-9", &[Role::Handler], Some("Customer Services"));
    let mut as_handler = complaints_proto::v1::complaints_client::ComplaintsClient::new(
        channel_as(stack.complaints_addr, Some(&handler)).await,
    );
    let status = as_handler
        .record_receipt_by_hand(by_hand(
            &reference,
            "handler-9",
            pb::Stage::Stage2,
            date(2026, 3, 3),
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    assert_eq!(
        stack.view(&reference).await.version,
        before,
        "nothing stored"
    );
    let view = stack
        .complaints
        .record_receipt_by_hand(by_hand(
            &reference,
            "manager-1",
            pb::Stage::Stage2,
            date(2026, 3, 3),
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.outcomes[1].received_on, Some(date(2026, 3, 3)));
    assert_eq!(
        view.outcomes[1].escalation_window_ends_on,
        Some(date(2026, 3, 17))
    );
    stack.cleanup().await;
}
