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

/// Double submission: a command naming the version it was decided on
/// (`command.expected_version`, as the staff console's forms send it) is
/// applied while the complaint is still there; the same command sent again
/// with that version is ABORTED naming `expected_version`, and appends
/// nothing. `ComplaintView.version` is the version to send.
#[tokio::test]
async fn a_command_sent_twice_with_its_expected_version_is_aborted_the_second_time_and_recorded_once()
 {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("twice").await;
    let shown = stack.view(&reference).await.version;
    assert!(shown >= 1, "an open complaint has a version");
    let request = pb::AddActionRequest {
        command: Some(pb::ComplaintCommand {
            expected_version: Some(shown),
            ..acting(&reference, "handler-1").unwrap()
        }),
        kind: pb::ActionKind::FollowUp as i32,
        description: "Call back about the certificate".into(),
        owner: "owner-1".into(),
        due_on: Some(date(2026, 4, 1)),
    };
    let first = stack
        .complaints
        .add_action(request.clone())
        .await
        .expect("the first sending is applied")
        .into_inner();
    assert_eq!(first.version, shown + 1, "one event appended");
    let second = stack
        .complaints
        .add_action(request.clone())
        .await
        .expect_err("the second sending is refused");
    assert_eq!(second.code(), Code::Aborted, "{second:?}");
    assert!(
        second.message().starts_with("command.expected_version: "),
        "names the field: {second:?}"
    );
    let view = stack.view(&reference).await;
    assert_eq!(view.actions.len(), 1, "recorded once");
    assert_eq!(view.version, shown + 1, "nothing appended");
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE stream_id = $1")
        .bind(&reference)
        .fetch_one(stack.log.pool())
        .await
        .unwrap();
    assert_eq!(
        events as u64, view.version,
        "the view's version is the stream's"
    );
    // Sent with the version it now has, the command is decided again.
    let mut again = request;
    if let Some(command) = again.command.as_mut() {
        command.expected_version = Some(view.version);
    }
    let third = stack
        .complaints
        .add_action(again)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(third.actions.len(), 2);
    stack.cleanup().await;
}
