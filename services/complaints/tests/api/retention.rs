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
            ..Default::default()
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

/// Waits until intake knows which submission each of `references` was
/// opened from (it learns it from `ComplaintOpened`).
async fn linked_in_intake(stack: &Stack, references: &[&str]) {
    let references: Vec<String> = references.iter().map(|r| (*r).to_owned()).collect();
    for _ in 0..400 {
        let linked: i64 =
            sqlx::query_scalar("SELECT count(*) FROM complaint_links WHERE reference = ANY($1)")
                .bind(&references)
                .fetch_one(stack.intake_log.pool())
                .await
                .unwrap();
        if linked == references.len() as i64 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("intake never learnt the submissions of {references:?}");
}

async fn intake_events(stack: &Stack, submission_id: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE stream_id = $1")
        .bind(format!("submission-{submission_id}"))
        .fetch_one(stack.intake_log.pool())
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

fn assert_refused(status: &tonic::Status, code: tonic::Code, named: &[&str]) {
    assert_eq!(status.code(), code, "{status:?}");
    for name in named {
        assert!(
            status.message().contains(name),
            "{name} expected in {:?}",
            status.message()
        );
    }
}

/// R-CONF-2: a submission is destroyed only under the record it belongs
/// to (its own reference or a complaint opened from it), so naming another
/// record with its id cannot get past a hold on its complaint or on the
/// submission itself; the complaints service refuses a submission id the
/// complaint was not opened from.
#[tokio::test]
async fn r_conf_2_a_submission_is_destroyed_only_under_its_own_record_so_a_hold_on_it_cannot_be_bypassed()
 {
    let mut stack = Stack::spawn().await;
    let mut intake = RetentionClient::new(platform::testing::channel(stack.intake_addr).await);
    let mut complaints =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    let held_receipt = stack
        .intake
        .submit_complaint(web_form("held"))
        .await
        .unwrap()
        .into_inner();
    let held = stack.reference_for(&held_receipt.submission_id).await;
    let other_receipt = stack
        .intake
        .submit_complaint(web_form("other"))
        .await
        .unwrap()
        .into_inner();
    let other = stack.reference_for(&other_receipt.submission_id).await;
    linked_in_intake(&stack, &[&held, &other]).await;
    intake.place_hold(hold(&held)).await.unwrap();
    let held_events = intake_events(&stack, &held_receipt.submission_id).await;
    assert!(held_events > 0);

    // Another complaint's reference, an unknown one or the other
    // submission's own reference, with the held submission's id.
    for named in [other.as_str(), "CMP-2026-999999", &other_receipt.reference] {
        let status = intake
            .destroy(destroy(named, &held_receipt.submission_id))
            .await
            .unwrap_err();
        assert_refused(
            &status,
            tonic::Code::InvalidArgument,
            &["submission_id", "R-CONF-2"],
        );
    }
    let status = intake
        .destroy(destroy(&held, &held_receipt.submission_id))
        .await
        .unwrap_err();
    assert_refused(
        &status,
        tonic::Code::FailedPrecondition,
        &["R-CONF-2", &held],
    );
    assert_eq!(
        intake_events(&stack, &held_receipt.submission_id).await,
        held_events,
        "nothing of the held submission was destroyed"
    );

    // A hold on the submission's own reference stops its complaint's
    // destruction in intake too.
    intake
        .place_hold(hold(&other_receipt.reference))
        .await
        .unwrap();
    let status = intake
        .destroy(destroy(&other, &other_receipt.submission_id))
        .await
        .unwrap_err();
    assert_refused(
        &status,
        tonic::Code::FailedPrecondition,
        &["R-CONF-2", &other_receipt.reference],
    );

    // The complaints service checks the id against the complaint.
    let status = complaints
        .destroy(destroy(&held, &other_receipt.submission_id))
        .await
        .unwrap_err();
    assert_refused(
        &status,
        tonic::Code::InvalidArgument,
        &["submission_id", "R-CONF-2"],
    );
    assert!(!stack.event_types(&held).await.is_empty());

    intake
        .lift_hold(hold(&other_receipt.reference))
        .await
        .unwrap();
    let destroyed = intake
        .destroy(destroy(&other, &other_receipt.submission_id))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        destroyed
            .tombstones
            .iter()
            .map(|t| t.stream_id.clone())
            .collect::<Vec<_>>(),
        [format!("submission-{}", other_receipt.submission_id)]
    );
    assert_eq!(intake_events(&stack, &other_receipt.submission_id).await, 0);
    assert_eq!(
        intake_events(&stack, &held_receipt.submission_id).await,
        held_events
    );
    stack.cleanup().await;
}

/// R-CONF-2 with R-UPC-2: destroying one of two complaints sharing a
/// submission keeps the submission in intake for the other (the answer
/// says for whom), the last one takes it, and a hold on either, even on
/// the one already destroyed, stops that.
#[tokio::test]
async fn r_conf_2_destroying_one_of_two_complaints_sharing_a_submission_keeps_it_for_the_other_until_the_last()
 {
    let mut stack = Stack::spawn().await;
    let mut intake = RetentionClient::new(platform::testing::channel(stack.intake_addr).await);
    let first = stack.open_complaint("shared").await;
    let submission = stack.view(&first).await.submission_id;
    close(&mut stack, &first).await;
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
    assert_eq!(stack.view(&raised).await.submission_id, submission);
    linked_in_intake(&stack, &[&first, &raised]).await;
    let events = intake_events(&stack, &submission).await;
    assert!(events > 0);
    intake.place_hold(hold(&raised)).await.unwrap();

    // The first goes; the submission stays for the held second.
    let kept = intake
        .destroy(destroy(&first, &submission))
        .await
        .unwrap()
        .into_inner();
    assert!(kept.tombstones.is_empty(), "{:?}", kept.tombstones);
    assert_eq!(kept.kept_shared_for, std::slice::from_ref(&raised));
    assert_eq!(intake_events(&stack, &submission).await, events);
    let status = intake
        .destroy(destroy(&raised, &submission))
        .await
        .unwrap_err();
    assert_refused(
        &status,
        tonic::Code::FailedPrecondition,
        &["R-CONF-2", &raised],
    );

    // A hold on the first, though destroyed, keeps what it shares.
    intake.place_hold(hold(&first)).await.unwrap();
    intake.lift_hold(hold(&raised)).await.unwrap();
    let status = intake
        .destroy(destroy(&raised, &submission))
        .await
        .unwrap_err();
    assert_refused(
        &status,
        tonic::Code::FailedPrecondition,
        &["R-CONF-2", &raised, &first],
    );
    assert_eq!(intake_events(&stack, &submission).await, events);

    intake.lift_hold(hold(&first)).await.unwrap();
    let last = intake
        .destroy(destroy(&raised, &submission))
        .await
        .unwrap()
        .into_inner();
    assert!(last.kept_shared_for.is_empty());
    assert_eq!(
        last.tombstones
            .iter()
            .map(|t| t.stream_id.clone())
            .collect::<Vec<_>>(),
        [format!("submission-{submission}")]
    );
    assert_eq!(intake_events(&stack, &submission).await, 0);
    // Destroying the first again changes nothing and is not refused.
    let again = intake
        .destroy(destroy(&first, &submission))
        .await
        .unwrap()
        .into_inner();
    assert!(again.tombstones.is_empty());
    stack.cleanup().await;
}
