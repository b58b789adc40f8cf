//! R-CONF-2 at notifications: once the complaints service says a closed
//! complaint's retention period has ended, notifications' retention job
//! destroys its letters and the complainant's contact details, leaves the
//! other complaints' alone, and skips one under a hold until it is lifted.

use crate::helpers::{Stack, acting, web_form};
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
    for _ in 0..400 {
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
