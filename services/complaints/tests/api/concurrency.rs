use crate::helpers::{Stack, acting, date};
use complaints_proto::v1 as pb;
use tonic::Code;

/// Concurrent commands on one complaint: each either succeeds or is told
/// to retry (ABORTED); nothing is lost and the stream has no gaps.
#[tokio::test]
async fn concurrent_commands_on_one_complaint_succeed_or_conflict_and_lose_nothing() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("busy").await;
    let mut calls = Vec::new();
    for n in 0..8 {
        let mut client = stack.complaints.clone();
        let reference = reference.clone();
        calls.push(tokio::spawn(async move {
            client
                .add_action(pb::AddActionRequest {
                    command: acting(&reference, "handler-1"),
                    kind: pb::ActionKind::FollowUp as i32,
                    description: format!("Follow-up {n}"),
                    owner: "owner-1".into(),
                    due_on: Some(date(2026, 4, 1)),
                })
                .await
        }));
    }
    let mut succeeded = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => succeeded += 1,
            Err(status) => assert_eq!(status.code(), Code::Aborted, "{status:?}"),
        }
    }
    assert!(succeeded >= 1);
    let view = stack.view(&reference).await;
    assert_eq!(
        view.actions.len(),
        succeeded,
        "every success is recorded, nothing else"
    );
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY 1")
            .bind(&reference)
            .fetch_all(stack.log.pool())
            .await
            .unwrap();
    assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>());
    stack.cleanup().await;
}
