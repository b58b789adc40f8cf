//! Fuzzing the platform's request edges through a running service (here
//! the complaints service, which serves them as every service does):
//! arbitrary well-formed retention, subject access and access audit
//! requests with bad values, and the regression corpus in
//! `fuzz/corpus/platform/`, reach the handlers and the database and
//! answer only OK, INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION or
//! PERMISSION_DENIED, never a panic, UNAVAILABLE or INTERNAL.

use crate::helpers::Stack;
use complaints_proto::v1 as pb;
use complaints_proto::v1::access_audit_client::AccessAuditClient;
use complaints_proto::v1::retention_client::RetentionClient;
use complaints_proto::v1::subject_access_client::SubjectAccessClient;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use prost::Message;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "CMP-20[0-9]{2}-[0-9]{6}",
        "SUB-[0-9a-f]{8}",
        "[a-z.]{1,12}@[a-z]{1,8}\\.org",
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        Just(String::new()),
        Just("\0".into()),
        Just("CMP-2026-000001\0".into()),
        Just("y".repeat(300_000)),
    ]
}

/// `count` values of `strategy`, drawn as proptest draws them.
fn draw<S: Strategy>(strategy: S, count: usize) -> Vec<S::Value> {
    let mut runner = TestRunner::deterministic();
    (0..count)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

fn allowed<T: std::fmt::Debug>(what: &str, answer: Result<T, tonic::Status>) {
    if let Err(status) = answer {
        assert!(
            matches!(
                status.code(),
                tonic::Code::InvalidArgument
                    | tonic::Code::NotFound
                    | tonic::Code::FailedPrecondition
                    | tonic::Code::PermissionDenied
            ),
            "{what}: {status:?}"
        );
    }
}

#[tokio::test]
async fn arbitrary_retention_subject_access_and_audit_requests_answer_only_the_expected_codes() {
    let stack = Stack::spawn().await;
    let channel = platform::testing::channel(stack.complaints_addr).await;
    let mut retention = RetentionClient::new(channel.clone());
    let mut subject = SubjectAccessClient::new(channel.clone());
    let mut audit = AccessAuditClient::new(channel);

    for (record, reason, other) in draw((text(), text(), text()), 48) {
        let hold = pb::HoldRequest {
            record: record.clone(),
            reason: reason.clone(),
        };
        allowed("PlaceHold", retention.place_hold(hold.clone()).await);
        allowed("LiftHold", retention.lift_hold(hold).await);
        allowed(
            "Destroy",
            retention
                .destroy(pb::DestroyRequest {
                    complaint_reference: record.clone(),
                    submission_id: other.clone(),
                    reason,
                })
                .await,
        );
        for refused_only in [false, true] {
            allowed(
                "ListAccess",
                audit
                    .list_access(pb::ListAccessRequest {
                        record: record.clone(),
                        refused_only,
                    })
                    .await,
            );
        }
        allowed(
            "SubjectExport",
            subject
                .export(pb::SubjectExportRequest {
                    email: other,
                    links: vec![pb::SubjectLink {
                        submission_id: record.clone(),
                        complaint_reference: record,
                    }],
                })
                .await,
        );
    }

    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/platform");
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        match file.split('.').next().unwrap_or_default() {
            "ListAccessRequest" => {
                let r = pb::ListAccessRequest::decode(bytes.as_slice()).unwrap();
                allowed(&file, audit.list_access(r).await);
            }
            "HoldRequest" => {
                let r = pb::HoldRequest::decode(bytes.as_slice()).unwrap();
                allowed(&file, retention.place_hold(r).await);
            }
            "DestroyRequest" => {
                let r = pb::DestroyRequest::decode(bytes.as_slice()).unwrap();
                allowed(&file, retention.destroy(r).await);
            }
            "SubjectExportRequest" => {
                let r = pb::SubjectExportRequest::decode(bytes.as_slice()).unwrap();
                allowed(&file, subject.export(r).await);
            }
            other => panic!("{file}: no request {other}"),
        }
    }

    // The lists without a page size still answer after all that.
    allowed("ListDue", retention.list_due(pb::ListDueRequest {}).await);
    allowed(
        "ListHolds",
        retention.list_holds(pb::ListHoldsRequest {}).await,
    );
    allowed(
        "ListDestructions",
        retention
            .list_destructions(pb::ListDestructionsRequest {})
            .await,
    );
    stack.cleanup().await;
}

/// A flood of refusals cannot make `ListAccess` run away: it answers the
/// latest `platform::limits::MAX_LIST_ROWS`, oldest first.
#[tokio::test]
async fn list_access_answers_at_most_the_latest_thousand_entries() {
    let stack = Stack::spawn().await;
    let limit = platform::limits::MAX_LIST_ROWS;
    sqlx::query(
        "INSERT INTO access_audit (subject, roles, method, outcome, record) \
         SELECT 'flood-' || n, 'handler', '/complaints.v1.Complaints/GetComplaint', 'denied', \
                'CMP-2026-000777' \
         FROM generate_series(1, $1) n",
    )
    .bind(i64::try_from(limit).unwrap() + 5)
    .execute(stack.log.pool())
    .await
    .unwrap();
    let mut audit = AccessAuditClient::new(platform::testing::channel(stack.complaints_addr).await);
    for refused_only in [false, true] {
        let entries = audit
            .list_access(pb::ListAccessRequest {
                record: "CMP-2026-000777".into(),
                refused_only,
            })
            .await
            .unwrap()
            .into_inner();
        assert!(entries.truncated, "the answer says the list is cut");
        let entries = entries.entries;
        assert_eq!(entries.len(), limit, "refused_only {refused_only}");
        assert_eq!(
            entries.last().map(|e| e.subject.as_str()),
            Some(format!("flood-{}", limit + 5).as_str())
        );
        if !refused_only {
            assert_eq!(entries[0].subject, "flood-6", "the oldest five are cut");
        }
    }
    stack.cleanup().await;
}

/// The legal holds and the destructions are cut at the same bound, and
/// each answer says whether it was cut: not for a short list, yes for one
/// a row longer than the bound.
#[tokio::test]
async fn list_holds_and_destructions_say_when_they_were_cut() {
    let stack = Stack::spawn().await;
    let limit = platform::limits::MAX_LIST_ROWS;
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    let holds = retention
        .list_holds(pb::ListHoldsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(!holds.truncated, "no hold, nothing cut");
    for (table, rows) in [
        (
            "legal_holds",
            "INSERT INTO legal_holds (record, action, reason, by_whom) \
             SELECT 'CMP-2000-' || lpad(n::text, 6, '0'), 'placed', 'litigation', 'dpo-1' \
             FROM generate_series(1, $1) n",
        ),
        (
            "destructions",
            "INSERT INTO destructions (stream_id, events_destroyed, reason, authorised_by) \
             SELECT 'complaint-' || n, 1, 'retention', 'dpo-1' FROM generate_series(1, $1) n",
        ),
    ] {
        sqlx::query(rows)
            .bind(i64::try_from(limit).unwrap() + 1)
            .execute(stack.log.pool())
            .await
            .unwrap_or_else(|e| panic!("filling {table}: {e}"));
    }
    let holds = retention
        .list_holds(pb::ListHoldsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(holds.truncated);
    assert_eq!(holds.holds.len(), limit);
    assert_eq!(
        holds.holds[0].record, "CMP-2000-000001",
        "the first by record"
    );
    let destructions = retention
        .list_destructions(pb::ListDestructionsRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(destructions.truncated);
    assert_eq!(destructions.tombstones.len(), limit);
    assert_eq!(
        destructions.tombstones[0].stream_id, "complaint-2",
        "the oldest destruction is the one left out"
    );
    stack.cleanup().await;
}

/// The retention dry run is bounded too: with 1005 records due it answers
/// the 1000 due soonest.
#[tokio::test]
async fn list_due_answers_at_most_the_thousand_due_soonest() {
    let stack = Stack::spawn().await;
    let limit = platform::limits::MAX_LIST_ROWS;
    sqlx::query(
        "INSERT INTO retention_due (record, policy, due_on) \
         SELECT 'CMP-2000-' || lpad(n::text, 6, '0'), 'closed-complaints-6y', \
                date '2001-01-01' + n::integer \
         FROM generate_series(1, $1) n",
    )
    .bind(i64::try_from(limit).unwrap() + 5)
    .execute(stack.log.pool())
    .await
    .unwrap();
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    let due = retention
        .list_due(pb::ListDueRequest {})
        .await
        .unwrap()
        .into_inner();
    assert!(due.truncated, "the answer says the list is cut");
    let due = due.records;
    assert_eq!(due.len(), limit);
    assert_eq!(due[0].record, "CMP-2000-000001");
    assert_eq!(due[limit - 1].record, format!("CMP-2000-{limit:06}"));
    stack.cleanup().await;
}
