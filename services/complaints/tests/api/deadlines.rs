use crate::helpers::{Stack, acting};
use chrono::Duration;
use complaints_proto::v1 as pb;

async fn marks(stack: &Stack, reference: &str, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE stream_id = $1 AND event_type = $2")
        .bind(reference)
        .bind(event_type)
        .fetch_one(stack.log.pool())
        .await
        .unwrap()
}

/// R-S1-1: the watcher marks the first-contact deadline approaching and then
/// missed, each exactly once, however many rounds and watchers run.
#[tokio::test]
async fn r_s1_1_a_missed_first_contact_is_marked_once_across_rounds_and_replicas() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("missed").await;
    // Due Wed 11 Mar; Mon 9 Mar is within the 2-working-day warning.
    stack.clock.set(crate::helpers::start() + Duration::days(7));
    stack.watcher.round().await.unwrap();
    assert_eq!(
        marks(&stack, &reference, "complaints.v1.DeadlineApproaching").await,
        1
    );
    assert_eq!(
        marks(&stack, &reference, "complaints.v1.DeadlineMissed").await,
        0
    );

    stack
        .clock
        .set(crate::helpers::start() + Duration::days(10));
    // Two replicas' watchers in the same round.
    let replica = stack.watcher.clone();
    let (a, b) = tokio::join!(stack.watcher.round(), replica.round());
    a.unwrap();
    b.unwrap();
    stack.watcher.round().await.unwrap();
    assert_eq!(
        marks(&stack, &reference, "complaints.v1.DeadlineApproaching").await,
        1
    );
    assert_eq!(
        marks(&stack, &reference, "complaints.v1.DeadlineMissed").await,
        1
    );

    let queue = stack
        .complaints
        .list_work_queue(pb::ListWorkQueueRequest {
            overdue: true,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(queue.items.len(), 1);
    assert_eq!(queue.items[0].reference, reference);
    assert!(queue.items[0].overdue);
    stack.cleanup().await;
}

/// R-MON-1: the work queue shows open complaints with their next deadline,
/// filtered by stage, handler, team and deadlines due within N working days.
#[tokio::test]
async fn r_mon_1_the_work_queue_filters_by_handler_and_by_deadlines_due_soon() {
    let mut stack = Stack::spawn().await;
    let mine = stack.open_complaint("mine").await;
    let theirs = stack.open_complaint("theirs").await;
    stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&mine, "supervisor-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    let by_handler = stack
        .complaints
        .list_work_queue(pb::ListWorkQueueRequest {
            handler: "handler-1".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        by_handler
            .items
            .iter()
            .map(|i| i.reference.as_str())
            .collect::<Vec<_>>(),
        vec![mine.as_str()]
    );
    assert_eq!(
        by_handler.items[0].next_deadline,
        pb::DeadlineKind::FirstContact as i32
    );

    let soon = |days| pb::ListWorkQueueRequest {
        due_within_working_days: days,
        ..Default::default()
    };
    let within_2 = stack
        .complaints
        .list_work_queue(soon(2))
        .await
        .unwrap()
        .into_inner();
    assert!(
        within_2.items.is_empty(),
        "first contact is 7 working days away"
    );
    let within_7 = stack
        .complaints
        .list_work_queue(soon(7))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        within_7.items.len(),
        2,
        "{theirs} and {mine} are both due within 7 working days"
    );
    stack.cleanup().await;
}

/// The read model rebuilt from the log gives exactly the same rows.
#[tokio::test]
async fn rebuilding_the_read_model_from_the_log_gives_the_same_rows() {
    let mut stack = Stack::spawn().await;
    for key in ["a", "b", "c"] {
        stack.open_complaint(key).await;
    }
    stack
        .clock
        .set(crate::helpers::start() + Duration::days(10));
    stack.watcher.round().await.unwrap();
    let rows = || async {
        sqlx::query_as::<_, (String, i32, bool, Option<chrono::NaiveDate>, bool, i64)>(
            "SELECT reference, stage, closed, next_due_on, overdue, version FROM complaints ORDER BY reference",
        )
        .fetch_all(stack.log.pool())
        .await
        .unwrap()
    };
    let before = rows().await;
    let mut progress = stack
        .complaints
        .rebuild_read_model(pb::RebuildReadModelRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut updates = Vec::new();
    let rebuilt = loop {
        let message = progress.message().await.unwrap().expect("a last message");
        if message.done {
            break message;
        }
        updates.push((message.events_read, message.events_total));
    };
    assert_eq!(rebuilt.complaints, 3);
    // The progress counts the complaints' events, from none to all.
    let total: i64 =
        sqlx::query_scalar("SELECT count(*) FROM events WHERE stream_type = 'complaint'")
            .fetch_one(stack.log.pool())
            .await
            .unwrap();
    assert_eq!(updates.first(), Some(&(0, total as u64)));
    assert_eq!(updates.last(), Some(&(total as u64, total as u64)));
    assert_eq!(rows().await, before);
    stack.cleanup().await;
}

/// Request limits: a work queue page of more than 500 rows, or deadlines
/// due more than ten years ahead, is refused naming the field, never
/// clamped or computed.
#[tokio::test]
async fn the_work_queue_refuses_a_page_size_over_500_and_a_due_window_over_ten_years() {
    let mut stack = Stack::spawn().await;
    for (request, field) in [
        (
            pb::ListWorkQueueRequest {
                page_size: 501,
                ..Default::default()
            },
            "page_size",
        ),
        (
            pb::ListWorkQueueRequest {
                page_size: u32::MAX,
                ..Default::default()
            },
            "page_size",
        ),
        (
            pb::ListWorkQueueRequest {
                due_within_working_days: u32::MAX,
                ..Default::default()
            },
            "due_within_working_days",
        ),
    ] {
        let status = stack.complaints.list_work_queue(request).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
        assert!(
            status.message().starts_with(&format!("{field}:")),
            "{}",
            status.message()
        );
    }
    let page = stack
        .complaints
        .list_work_queue(pb::ListWorkQueueRequest {
            page_size: 500,
            ..Default::default()
        })
        .await;
    assert!(page.is_ok(), "{page:?}");
    stack.cleanup().await;
}
