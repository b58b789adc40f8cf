//! R-CONF-2 at reporting: once the complaints service says a closed
//! complaint's retention period has ended, reporting's retention job drops
//! the keyed link from its reference to the anonymised record, and only
//! that: the record and the committee's figures stay. A held one waits.

use crate::helpers::{Stack, acting, date, web_form};
use complaints_proto::v1 as pb;
use complaints_proto::v1::retention_client::RetentionClient;
use std::time::Duration;

async fn links(stack: &Stack) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM complaint_pseudonyms")
        .fetch_one(&stack.reporting_pool().await)
        .await
        .unwrap()
}

fn records(due: &[pb::DueRecord]) -> Vec<(String, bool)> {
    let mut listed: Vec<_> = due.iter().map(|d| (d.record.clone(), d.held)).collect();
    listed.sort();
    listed
}

#[tokio::test]
async fn r_conf_2_reporting_drops_only_the_link_of_a_complaint_due_for_destruction_unless_held() {
    let mut stack = Stack::spawn().await;
    let mut references = Vec::new();
    for key in ["old", "held", "open"] {
        let submission = stack.submit(web_form(key)).await;
        references.push(stack.reference_for(&submission).await);
    }
    let [old, held, _open] = <[String; 3]>::try_from(references).unwrap();
    for reference in [&old, &held] {
        stack
            .complaints
            .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
                command: acting(reference, "handler-1"),
                how: "Explained by phone.".into(),
            })
            .await
            .unwrap();
    }
    stack
        .figures_when(|f| f.complaints_open == 1 && f.complaints_received == 3)
        .await;
    assert_eq!(links(&stack).await, 3);
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.reporting_addr).await);
    let mut complaints =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    retention
        .place_hold(pb::HoldRequest {
            record: held.clone(),
            reason: "Regulator's inquiry".into(),
        })
        .await
        .unwrap();

    stack.clock.advance(chrono::Duration::days(6 * 366));
    // Taken after the move: the open complaint's age counts from today.
    let figures = stack.march().await;
    let (from, to) = (date(2026, 3, 1), date(2026, 3, 31));
    let report = stack.served_report(from, to).await;
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
    assert!(
        run.tombstones.is_empty(),
        "reporting keeps no stream of a complaint"
    );
    assert_eq!(links(&stack).await, 2, "only the old complaint's link went");
    assert_eq!(stack.march().await, figures, "the committee's figures");
    // The report served after the destruction is the one computed afresh
    // from the log as the destruction left it: the anonymised record
    // stays, so it still counts the complaint, and names no reference.
    let after = stack.served_report(from, to).await;
    assert_eq!(after, stack.fresh_report(from, to).await);
    assert_eq!(after, report);
    assert!(!after.contains(old.as_str()) && !after.contains(held.as_str()));

    retention
        .lift_hold(pb::HoldRequest {
            record: held.clone(),
            reason: "Inquiry closed".into(),
        })
        .await
        .unwrap();
    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(records(&run.destroyed), [(held.clone(), false)]);
    assert_eq!(links(&stack).await, 1);
    assert_eq!(stack.march().await, figures);
    stack.cleanup().await;
}
