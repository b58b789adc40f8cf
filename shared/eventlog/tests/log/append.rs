use crate::helpers::{cleanup, event, fresh_log};
use eventlog::{Error, ExpectedVersion, StreamId};
use std::collections::BTreeSet;
use std::sync::Arc;
use tokio::sync::Barrier;

#[tokio::test]
async fn sixteen_concurrent_appenders_write_each_version_once_without_gaps_and_losers_get_a_conflict()
 {
    let log = fresh_log("append16").await;
    let stream = StreamId::new("complaint-race").unwrap();
    let writers = 16;
    let barrier = Arc::new(Barrier::new(writers));

    let mut tasks = Vec::new();
    for writer in 0..writers {
        let (log, stream, barrier) = (log.clone(), stream.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            let mut expected = ExpectedVersion::NoStream;
            barrier.wait().await;
            loop {
                match log
                    .append(
                        &stream,
                        "complaint",
                        expected,
                        &[event(&format!("writer-{writer}"))],
                    )
                    .await
                {
                    Ok(version) => return (conflicts, version),
                    Err(Error::Conflict { actual, .. }) => {
                        conflicts += 1;
                        expected = ExpectedVersion::Exact(actual);
                    }
                    Err(other) => panic!("only conflicts are expected, got {other}"),
                }
            }
        }));
    }
    let mut conflicts = 0;
    let mut versions_returned = BTreeSet::new();
    for task in tasks {
        let (lost, version) = task.await.unwrap();
        conflicts += lost;
        assert!(
            versions_returned.insert(version),
            "version {version} was returned to two writers"
        );
    }

    let events = log.read_stream(&stream).await.unwrap();
    let versions: Vec<u64> = events.iter().map(|e| e.stream_version).collect();
    assert_eq!(
        versions,
        (1..=16).collect::<Vec<u64>>(),
        "versions are 1..=16 with no gap or repeat"
    );
    let writers_seen: BTreeSet<Vec<u8>> = events.iter().map(|e| e.payload.clone()).collect();
    assert_eq!(
        writers_seen.len(),
        16,
        "each writer's event is stored exactly once"
    );
    assert!(
        conflicts >= 15,
        "all but one first attempt must lose, saw {conflicts} conflicts"
    );
    assert_eq!(log.stream_version(&stream).await.unwrap(), Some(16));
    cleanup(log).await;
}

#[tokio::test]
async fn an_append_expecting_no_stream_to_an_existing_stream_is_a_conflict_and_writes_nothing() {
    let log = fresh_log("nostream").await;
    let stream = StreamId::new("complaint-1").unwrap();
    log.append(
        &stream,
        "complaint",
        ExpectedVersion::NoStream,
        &[event("first")],
    )
    .await
    .unwrap();
    let refused = log
        .append(
            &stream,
            "complaint",
            ExpectedVersion::NoStream,
            &[event("second")],
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(Error::Conflict {
                actual: 1,
                expected: ExpectedVersion::NoStream,
                ..
            })
        ),
        "got {refused:?}"
    );
    assert_eq!(log.read_stream(&stream).await.unwrap().len(), 1);
    cleanup(log).await;
}

#[tokio::test]
async fn a_batch_append_takes_consecutive_versions_and_keeps_its_metadata() {
    let log = fresh_log("batch").await;
    let stream = StreamId::new("complaint-2").unwrap();
    let batch = [event("a"), event("b"), event("c")];
    let version = log
        .append(&stream, "complaint", ExpectedVersion::NoStream, &batch)
        .await
        .unwrap();
    assert_eq!(version, 3);
    let stored = log.read_stream(&stream).await.unwrap();
    for (written, read) in batch.iter().zip(&stored) {
        assert_eq!(read.event_id, written.event_id);
        assert_eq!(read.payload, written.payload);
        assert_eq!(read.metadata, written.metadata);
        assert_eq!(read.stream_type, "complaint");
    }
    let next = log
        .append(
            &stream,
            "complaint",
            ExpectedVersion::Exact(3),
            &[event("d")],
        )
        .await
        .unwrap();
    assert_eq!(next, 4);
    cleanup(log).await;
}

#[tokio::test]
async fn a_destroyed_stream_is_recorded_and_refuses_new_events() {
    let log = fresh_log("destroy").await;
    let stream = StreamId::new("complaint-3").unwrap();
    let other = StreamId::new("complaint-4").unwrap();
    log.append(
        &stream,
        "complaint",
        ExpectedVersion::NoStream,
        &[event("a"), event("b")],
    )
    .await
    .unwrap();
    log.append(
        &other,
        "complaint",
        ExpectedVersion::NoStream,
        &[event("c")],
    )
    .await
    .unwrap();

    let destroyed = log
        .destroy_stream(&stream, "retention period ended", "user:dpo-1")
        .await
        .unwrap();
    assert_eq!(destroyed, 2);
    assert!(log.read_stream(&stream).await.unwrap().is_empty());
    assert_eq!(
        log.read_stream(&other).await.unwrap().len(),
        1,
        "other streams are untouched"
    );

    let record: (String, i64, String, String) = sqlx::query_as(
        "SELECT stream_id, events_destroyed, reason, authorised_by FROM destructions",
    )
    .fetch_one(log.pool())
    .await
    .unwrap();
    assert_eq!(
        record,
        (
            "complaint-3".into(),
            2,
            "retention period ended".into(),
            "user:dpo-1".into()
        )
    );

    let refused = log
        .append(&stream, "complaint", ExpectedVersion::Any, &[event("late")])
        .await;
    assert!(
        matches!(refused, Err(Error::StreamDestroyed(_))),
        "got {refused:?}"
    );
    cleanup(log).await;
}

#[tokio::test]
async fn connecting_twice_to_the_same_schema_migrates_once() {
    let settings = eventlog::testing::fresh_settings("remigrate");
    let first = eventlog::EventLog::connect(&settings, None).await.unwrap();
    let second = eventlog::EventLog::connect(&settings, None).await.unwrap();
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
            .fetch_all(second.pool())
            .await
            .unwrap();
    assert_eq!(
        applied,
        [1, 2, 3, 4, 5, 6, 7, 8],
        "the log's own migrations, each once"
    );
    drop(second);
    cleanup(first).await;
}
