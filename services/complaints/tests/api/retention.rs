//! R-CONF-2 at the complaints service: its retention job finds closed
//! complaints past the closed-complaints period, destroys them through
//! the destruction path and leaves those not yet due or under a hold.

use crate::helpers::{Stack, acting, web_form};
use chrono::Datelike;
use complaints_proto::v1 as pb;
use complaints_proto::v1::retention_client::RetentionClient;

/// Opens a complaint about a matter of last week, whatever the clock says.
async fn open_now(stack: &mut Stack, key: &str) -> String {
    let last_week = (platform::Clock::now(&stack.clock) - chrono::Duration::days(7)).date_naive();
    let mut request = web_form(key);
    request.matter_date = Some(pb::Date {
        year: last_week.year(),
        month: last_week.month(),
        day: last_week.day(),
    });
    let receipt = stack
        .intake
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    stack.reference_for(&receipt.submission_id).await
}

async fn close(stack: &mut Stack, reference: &str) {
    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(reference, "handler-1"),
            how: "Explained by phone.".into(),
        })
        .await
        .unwrap();
}

fn hold(record: &str) -> pb::HoldRequest {
    pb::HoldRequest {
        record: record.into(),
        reason: "Claim pending in the county court".into(),
    }
}

fn records(due: &[pb::DueRecord]) -> Vec<(String, bool)> {
    due.iter().map(|d| (d.record.clone(), d.held)).collect()
}

#[tokio::test]
async fn r_conf_2_a_complaint_closed_over_six_years_ago_is_due_and_destroyed_by_the_job_unless_held_or_not_yet_due()
 {
    let mut stack = Stack::spawn().await;
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    let old = stack.open_complaint("old").await;
    let held = stack.open_complaint("held").await;
    close(&mut stack, &old).await;
    close(&mut stack, &held).await;
    stack.clock.advance(chrono::Duration::days(3 * 365));
    let recent = open_now(&mut stack, "recent").await;
    close(&mut stack, &recent).await;
    let open = open_now(&mut stack, "open").await;
    // Six years and a day after the first two closed.
    stack.clock.advance(chrono::Duration::days(3 * 365 + 3));
    retention.place_hold(hold(&held)).await.unwrap();

    let due = retention
        .list_due(pb::ListDueRequest {})
        .await
        .unwrap()
        .into_inner()
        .records;
    let mut expected = vec![(old.clone(), false), (held.clone(), true)];
    expected.sort();
    let mut listed = records(&due);
    listed.sort();
    assert_eq!(
        listed, expected,
        "only the two closed six years ago are due"
    );
    assert!(due.iter().all(|d| d.policy == "closed-complaints-6y"));

    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(records(&run.destroyed), [(old.clone(), false)]);
    assert_eq!(records(&run.skipped_under_hold), [(held.clone(), true)]);
    assert_eq!(run.tombstones.len(), 1);
    let tombstone = &run.tombstones[0];
    assert_eq!(tombstone.stream_id, old);
    assert_eq!(
        tombstone.authorised_by,
        "retention-policy:closed-complaints-6y"
    );
    assert!(
        tombstone.reason.contains("closed-complaints-6y"),
        "{}",
        tombstone.reason
    );
    assert!(
        run.bus_messages_erased > 0,
        "the complaint's events leave the bus"
    );
    let gone = stack
        .complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: old.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), tonic::Code::NotFound, "{gone:?}");
    assert!(stack.event_types(&old).await.is_empty());
    for kept in [&held, &recent, &open] {
        assert!(!stack.event_types(kept).await.is_empty(), "{kept} is kept");
    }

    retention.lift_hold(hold(&held)).await.unwrap();
    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(records(&run.destroyed), [(held.clone(), false)]);
    assert!(run.skipped_under_hold.is_empty());
    assert!(stack.event_types(&held).await.is_empty());
    for kept in [&recent, &open] {
        assert!(!stack.event_types(kept).await.is_empty(), "{kept} is kept");
    }
    let holds = retention
        .list_holds(pb::ListHoldsRequest {})
        .await
        .unwrap()
        .into_inner()
        .holds;
    assert!(holds.is_empty(), "the lifted hold is no longer listed");
    stack.cleanup().await;
}

#[tokio::test]
async fn r_conf_2_the_holds_in_place_are_listed_with_who_why_and_when() {
    let stack = Stack::spawn().await;
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    retention.place_hold(hold("CMP-2026-000009")).await.unwrap();
    let holds = retention
        .list_holds(pb::ListHoldsRequest {})
        .await
        .unwrap()
        .into_inner()
        .holds;
    assert_eq!(holds.len(), 1);
    assert_eq!(holds[0].record, "CMP-2026-000009");
    assert_eq!(holds[0].reason, "Claim pending in the county court");
    assert_eq!(holds[0].placed_by, "test-harness");
    assert_eq!(holds[0].service, "complaints");
    assert!(holds[0].placed_at.is_some());
    stack.cleanup().await;
}

/// R-CONF-2 with R-UPC-2: a complaint raised from a closed one shares its
/// submission, so neither falls due while the other is open, and both fall
/// due together six years after the last of them closed.
#[tokio::test]
async fn r_conf_2_complaints_sharing_a_submission_fall_due_together_after_the_last_closes() {
    let mut stack = Stack::spawn().await;
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    let first = stack.open_complaint("shared").await;
    close(&mut stack, &first).await;
    let raised = stack
        .complaints
        .raise_new_issues(pb::RaiseNewIssuesRequest {
            command: acting(&first, "handler-1"),
            description: "The reissued certificate has the wrong name.".into(),
        })
        .await
        .unwrap()
        .into_inner()
        .reference;
    let due = |retention: &mut RetentionClient<platform::testing::Authed>| {
        let mut retention = retention.clone();
        async move {
            let mut listed = records(
                &retention
                    .list_due(pb::ListDueRequest {})
                    .await
                    .unwrap()
                    .into_inner()
                    .records,
            );
            listed.sort();
            listed
        }
    };

    // Six years on, the first is past its period but the second is open.
    stack.clock.advance(chrono::Duration::days(6 * 365 + 2));
    assert!(
        due(&mut retention).await.is_empty(),
        "nothing while one is open"
    );

    close(&mut stack, &raised).await;
    stack.clock.advance(chrono::Duration::days(6 * 365 - 30));
    assert!(
        due(&mut retention).await.is_empty(),
        "not before six years from the last closure"
    );
    stack.clock.advance(chrono::Duration::days(40));
    let mut both = vec![(first.clone(), false), (raised.clone(), false)];
    both.sort();
    assert_eq!(due(&mut retention).await, both, "both together");
    stack.cleanup().await;
}
