//! R-CONF-2 at notifications: once the complaints service says a closed
//! complaint's retention period has ended, notifications' retention job
//! destroys its letters and the complainant's contact details, leaves the
//! other complaints' alone, and skips one under a hold until it is lifted.

use crate::helpers::{Stack, acting, assign, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use complaints_proto::v1::retention_client::RetentionClient;
use std::time::Duration;

fn records(due: &[pb::DueRecord]) -> Vec<(String, bool)> {
    let mut listed: Vec<_> = due.iter().map(|d| (d.record.clone(), d.held)).collect();
    listed.sort();
    listed
}

#[tokio::test]
async fn r_conf_2_notifications_destroys_a_closed_complaints_letters_once_it_is_due_unless_held() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let old = stack.open(web_form("old")).await;
    let held = stack.open(web_form("held")).await;
    let open = stack.open(web_form("open")).await;
    for reference in [&old, &held, &open] {
        stack
            .correspondence_when(reference, |c| !c.is_empty())
            .await;
        if reference != &open {
            stack
                .complaints
                .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
                    command: acting(reference, "handler-1"),
                    how: "Explained by phone.".into(),
                })
                .await
                .unwrap();
        }
    }
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.notifications_addr).await);
    let mut complaints =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    retention
        .place_hold(pb::HoldRequest {
            record: held.clone(),
            reason: "Claim pending".into(),
        })
        .await
        .unwrap();

    stack.clock.advance(chrono::Duration::days(6 * 366));
    let due = retention
        .list_due(pb::ListDueRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(
        due.records.is_empty(),
        "nothing is due here until complaints says so"
    );
    complaints
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap();
    let mut expected = vec![(held.clone(), true), (old.clone(), false)];
    expected.sort();
    let mut listed = Vec::new();
    for _ in 0..1200 {
        let due = retention
            .list_due(pb::ListDueRequest {})
            .await
            .unwrap()
            .into_inner();
        listed = records(&due.records);
        if listed == expected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(listed, expected, "the two closed complaints, one held");

    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(records(&run.destroyed), [(old.clone(), false)]);
    assert_eq!(records(&run.skipped_under_hold), [(held.clone(), true)]);
    assert!(!run.tombstones.is_empty(), "the old complaint's letters");
    assert!(
        run.tombstones
            .iter()
            .all(|t| t.authorised_by == "retention-policy:closed-complaints-6y")
    );
    assert!(stack.correspondence(&old).await.is_empty());
    assert!(!stack.correspondence(&held).await.is_empty());
    assert!(!stack.correspondence(&open).await.is_empty());

    retention
        .lift_hold(pb::HoldRequest {
            record: held.clone(),
            reason: "Claim settled".into(),
        })
        .await
        .unwrap();
    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(records(&run.destroyed), [(held.clone(), false)]);
    assert!(stack.correspondence(&held).await.is_empty());
    assert!(!stack.correspondence(&open).await.is_empty());
    stack.cleanup().await;
}

/// Letters of the party keyed by `party`, per reference.
async fn letters_of(stack: &Stack, party: &str) -> Vec<(String, i64)> {
    sqlx::query_as(
        "SELECT reference, count(*) FROM notifications WHERE party_key = $1 \
         GROUP BY reference ORDER BY reference",
    )
    .bind(party)
    .fetch_all(stack.notifications_log.pool())
    .await
    .unwrap()
}

/// Waits until the party has a letter about `reference`.
async fn letters_for(stack: &Stack, party: &str, reference: &str) {
    for _ in 0..1200 {
        if letters_of(stack, party)
            .await
            .iter()
            .any(|(r, _)| r == reference)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no letter about {reference} was queued");
}

async fn party_events(stack: &Stack, party: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM party_events WHERE party_key = $1")
        .bind(party)
        .fetch_one(stack.notifications_log.pool())
        .await
        .unwrap()
}

fn destroy(reference: &str, submission_id: &str) -> pb::DestroyRequest {
    pb::DestroyRequest {
        complaint_reference: reference.into(),
        submission_id: submission_id.into(),
        reason: "Erasure request of 1 March 2026".into(),
    }
}

/// R-CONF-2 with R-UPC-2: two complaints raised from one submission share
/// its party. Destroying one takes its own letters and keeps the party and
/// the rest for the other; the last takes them, unless a hold on it stops
/// that; and a submission id that is not the reference's is refused.
#[tokio::test]
async fn r_conf_2_destroying_one_of_two_complaints_sharing_a_party_keeps_the_party_for_the_other() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let receipt = stack.submit(web_form("shared")).await;
    let first = stack.reference_for(&receipt.submission_id).await;
    let other = stack.open(web_form("other")).await;
    stack.correspondence_when(&other, |c| !c.is_empty()).await;
    assign(&mut stack, &first, "handler-1", pb::HandlerRole::Handler).await;
    let party = format!("submission-{}", receipt.submission_id);
    letters_for(&stack, &party, &first).await;
    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&first, "handler-1"),
            how: "Explained by phone.".into(),
        })
        .await
        .unwrap();
    let raised = stack
        .complaints
        .raise_new_issues(pb::RaiseNewIssuesRequest {
            command: acting(&first, "handler-1"),
            description: "The reissued certificate has the wrong name.".into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .reference;
    assign(&mut stack, &raised, "handler-1", pb::HandlerRole::Handler).await;
    letters_for(&stack, &party, &raised).await;
    for _ in 0..1200 {
        let linked: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM party_references \
             WHERE reference = $1 AND party_key = $2 AND complaint)",
        )
        .bind(&raised)
        .bind(&party)
        .fetch_one(stack.notifications_log.pool())
        .await
        .unwrap();
        if linked {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.notifications_addr).await);
    retention
        .place_hold(pb::HoldRequest {
            record: raised.clone(),
            reason: "Claim pending".into(),
        })
        .await
        .unwrap();

    let status = retention
        .destroy(destroy(&other, &receipt.submission_id))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    assert!(
        status.message().contains("submission_id") && status.message().contains("R-CONF-2"),
        "{status:?}"
    );

    let before = letters_of(&stack, &party).await;
    assert!(before.iter().any(|(r, _)| r == &first), "{before:?}");
    let events = party_events(&stack, &party).await;
    let kept = retention
        .destroy(destroy(&first, &receipt.submission_id))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(kept.kept_shared_for, std::slice::from_ref(&raised));
    assert!(!kept.tombstones.is_empty(), "the first complaint's letters");
    let after = letters_of(&stack, &party).await;
    let expected: Vec<(String, i64)> = before.into_iter().filter(|(r, _)| r != &first).collect();
    assert_eq!(after, expected, "only the first complaint's letters went");
    assert_eq!(
        party_events(&stack, &party).await,
        events,
        "the party stays"
    );

    let status = retention
        .destroy(destroy(&raised, &receipt.submission_id))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}");
    assert!(status.message().contains("R-CONF-2"), "{status:?}");
    assert_eq!(party_events(&stack, &party).await, events);

    retention
        .lift_hold(pb::HoldRequest {
            record: raised.clone(),
            reason: "Claim settled".into(),
        })
        .await
        .unwrap();
    let last = retention
        .destroy(destroy(&raised, &receipt.submission_id))
        .await
        .unwrap()
        .into_inner();
    assert!(last.kept_shared_for.is_empty());
    assert!(letters_of(&stack, &party).await.is_empty());
    assert_eq!(party_events(&stack, &party).await, 0);
    assert!(
        !stack.correspondence(&other).await.is_empty(),
        "another person's stays"
    );
    stack.cleanup().await;
}
