//! The access audit (R-CONF-1): recorded, listed per record, append-only.

use crate::helpers::cleanup;
use eventlog::{Access, AccessOutcome, EventLog};

fn access(subject: &str, outcome: AccessOutcome, record: Option<&str>) -> Access {
    Access {
        subject: subject.into(),
        roles: "handler".into(),
        method: "/complaints.v1.Complaints/GetComplaint".into(),
        outcome,
        record: record.map(str::to_owned),
        trace_id: None,
    }
}

#[tokio::test]
async fn r_conf_1_each_access_is_listed_for_its_record_in_order_and_cannot_be_altered() {
    let settings = eventlog::testing::fresh_settings("access");
    let log = EventLog::connect(&settings, None).await.unwrap();
    let first = access("s.jones", AccessOutcome::Read, Some("CMP-2026-000001"));
    let other = access("a.brown", AccessOutcome::Read, Some("CMP-2026-000002"));
    let refused = access("c.green", AccessOutcome::Denied, Some("CMP-2026-000001"));
    let refused_call = access("d.white", AccessOutcome::Denied, None);
    for a in [&first, &other, &refused, &refused_call] {
        log.record_access(a).await.unwrap();
    }

    let listed: Vec<Access> = log
        .accesses_to("CMP-2026-000001", 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.access)
        .collect();
    assert_eq!(listed, [first, refused.clone()]);
    let denied: Vec<Access> = log
        .refused_accesses(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.access)
        .collect();
    assert_eq!(denied, [refused, refused_call]);

    for statement in [
        "UPDATE access_audit SET subject = 'someone else'",
        "DELETE FROM access_audit",
        "TRUNCATE access_audit",
    ] {
        let error = sqlx::query(statement)
            .execute(log.pool())
            .await
            .expect_err(statement);
        assert_eq!(
            error.as_database_error().and_then(|e| e.code()).as_deref(),
            Some("42501"),
            "{statement}"
        );
    }
    cleanup(log).await;
}

#[tokio::test]
async fn a_listing_holds_the_latest_entries_up_to_its_limit_oldest_first() {
    let settings = eventlog::testing::fresh_settings("access_limit");
    let log = EventLog::connect(&settings, None).await.unwrap();
    let entries: Vec<Access> = (0..7)
        .map(|n| {
            access(
                &format!("s{n}"),
                AccessOutcome::Denied,
                Some("CMP-2026-000009"),
            )
        })
        .collect();
    for a in &entries {
        log.record_access(a).await.unwrap();
    }
    let subjects = |listed: Vec<eventlog::AccessEntry>| -> Vec<String> {
        listed.into_iter().map(|e| e.access.subject).collect()
    };
    assert_eq!(
        subjects(log.accesses_to("CMP-2026-000009", 3).await.unwrap()),
        ["s4", "s5", "s6"]
    );
    assert_eq!(
        subjects(log.refused_accesses(2).await.unwrap()),
        ["s5", "s6"]
    );
    assert_eq!(log.refused_accesses(100).await.unwrap().len(), 7);
    cleanup(log).await;
}

/// R-CONF-1: a page of a list records one read per record it showed, in
/// one write; an empty page records nothing.
#[tokio::test]
async fn r_conf_1_a_read_of_many_records_is_recorded_once_for_each() {
    let settings = eventlog::testing::fresh_settings("access_many");
    let log = EventLog::connect(&settings, None).await.unwrap();
    let read = access("s.jones", AccessOutcome::Read, None);
    let records = ["CMP-2026-000001".to_owned(), "CMP-2026-000002".to_owned()];
    log.record_accesses(&read, &records).await.unwrap();
    log.record_accesses(&read, &[]).await.unwrap();
    for record in &records {
        let listed: Vec<Access> = log
            .accesses_to(record, 100)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.access)
            .collect();
        assert_eq!(
            listed,
            [Access {
                record: Some(record.clone()),
                ..read.clone()
            }]
        );
    }
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM access_audit")
        .fetch_one(log.pool())
        .await
        .unwrap();
    assert_eq!(all, 2);
    cleanup(log).await;
}
