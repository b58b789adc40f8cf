use crate::helpers::{cleanup, event, fresh_log};
use eventlog::{EventLog, ExpectedVersion, Position, RecordedEvent, StreamId, append_in};
use std::collections::HashSet;
use std::time::Duration;
use uuid::Uuid;

async fn read_everything_after(
    log: &EventLog,
    mut after: Position,
) -> (Vec<RecordedEvent>, Position) {
    let mut all = Vec::new();
    loop {
        let batch = log.read_all_after(after, 100).await.unwrap();
        let Some(last) = batch.last() else { break };
        after = last.position;
        all.extend(batch);
    }
    (all, after)
}

/// Follows the log as a projection would until `n` events arrived: other
/// tests' transactions on the same server may hold the horizon back a moment.
async fn follow_until(
    log: &EventLog,
    mut after: Position,
    n: usize,
) -> (Vec<RecordedEvent>, Position) {
    let mut all = Vec::new();
    for _ in 0..500 {
        let (batch, next) = read_everything_after(log, after).await;
        all.extend(batch);
        after = next;
        if all.len() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (all, after)
}

#[tokio::test]
async fn reading_after_a_position_returns_an_event_that_committed_late_exactly_once() {
    let log = fresh_log("latecommit").await;
    let early = StreamId::new("complaint-early").unwrap();
    log.append(
        &early,
        "complaint",
        ExpectedVersion::NoStream,
        &[event("before")],
    )
    .await
    .unwrap();
    let (seen, position) = follow_until(&log, Position::START, 1).await;
    assert_eq!(seen.len(), 1);

    // A writer takes its position first but commits last.
    let slow_stream = StreamId::new("complaint-slow").unwrap();
    let slow_event = event("slow");
    let mut slow = log.pool().begin().await.unwrap();
    append_in(
        &mut slow,
        &slow_stream,
        "complaint",
        ExpectedVersion::NoStream,
        std::slice::from_ref(&slow_event),
    )
    .await
    .unwrap();
    let fast_stream = StreamId::new("complaint-fast").unwrap();
    let fast_event = event("fast");
    log.append(
        &fast_stream,
        "complaint",
        ExpectedVersion::NoStream,
        std::slice::from_ref(&fast_event),
    )
    .await
    .unwrap();

    let (while_open, position_while_open) = read_everything_after(&log, position).await;
    assert!(
        while_open.is_empty(),
        "nothing may be read past a transaction that is still open, got {:?}",
        while_open.iter().map(|e| &e.stream_id).collect::<Vec<_>>()
    );
    assert_eq!(position_while_open, position);

    slow.commit().await.unwrap();
    let (after_commit, end) = follow_until(&log, position, 2).await;
    let ids: Vec<Uuid> = after_commit.iter().map(|e| e.event_id).collect();
    assert_eq!(
        ids.len(),
        2,
        "both events are read once the slow one commits"
    );
    assert!(
        ids.contains(&slow_event.event_id),
        "the late event is not skipped"
    );
    assert!(ids.contains(&fast_event.event_id));
    let (again, _) = read_everything_after(&log, end).await;
    assert!(again.is_empty(), "nothing is read twice");
    cleanup(log).await;
}

#[tokio::test]
async fn a_reader_following_many_concurrent_writers_sees_every_event_exactly_once_in_a_stable_order()
 {
    let log = fresh_log("follow").await;
    let writers = 8;
    let per_writer = 25;
    let mut tasks = Vec::new();
    for writer in 0..writers {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..per_writer {
                let stream = StreamId::new(format!("complaint-{writer}-{i}")).unwrap();
                let e = event("x");
                let mut tx = log.pool().begin().await.unwrap();
                append_in(
                    &mut tx,
                    &stream,
                    "complaint",
                    ExpectedVersion::NoStream,
                    std::slice::from_ref(&e),
                )
                .await
                .unwrap();
                // Hold some transactions open so commits interleave out of position order.
                if i % 3 == writer % 3 {
                    tokio::time::sleep(Duration::from_millis(7)).await;
                }
                tx.commit().await.unwrap();
                ids.push(e.event_id);
            }
            ids
        }));
    }

    let reader = {
        let log = log.clone();
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut position = Position::START;
            let total = writers * per_writer;
            while seen.len() < total {
                let batch = log.read_all_after(position, 7).await.unwrap();
                for e in &batch {
                    assert!(e.position > position, "positions only move forward");
                    position = e.position;
                    seen.push(e.event_id);
                }
                if batch.is_empty() {
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
            }
            seen
        })
    };

    let mut written = HashSet::new();
    for task in tasks {
        written.extend(task.await.unwrap());
    }
    let seen = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .expect("the reader catches up")
        .unwrap();
    let distinct: HashSet<Uuid> = seen.iter().copied().collect();
    assert_eq!(seen.len(), distinct.len(), "no event is read twice");
    assert_eq!(distinct, written, "every written event is read");

    let (replayed, _) = read_everything_after(&log, Position::START).await;
    let replayed: Vec<Uuid> = replayed.iter().map(|e| e.event_id).collect();
    assert_eq!(
        replayed, seen,
        "a replay from the start gives the same order the live reader saw"
    );
    cleanup(log).await;
}

/// A transaction left open elsewhere on the server, even in this log's own
/// schema, holds no one's events back: only this log's writers can.
#[tokio::test]
async fn a_transaction_left_open_elsewhere_on_the_server_does_not_hold_the_reader_back() {
    let log = fresh_log("openelsewhere").await;
    // A session that wrote something and then sits idle in its
    // transaction: it holds the server's oldest transaction id.
    let mut idle = log.pool().begin().await.unwrap();
    sqlx::query("CREATE TEMPORARY TABLE idle_writer (x int)")
        .execute(&mut *idle)
        .await
        .unwrap();
    sqlx::query("INSERT INTO idle_writer VALUES (1)")
        .execute(&mut *idle)
        .await
        .unwrap();

    let stream = StreamId::new("complaint-meanwhile").unwrap();
    let written = event("meanwhile");
    log.append(
        &stream,
        "complaint",
        ExpectedVersion::NoStream,
        std::slice::from_ref(&written),
    )
    .await
    .unwrap();
    let read = log.read_all_after(Position::START, 10).await.unwrap();
    assert_eq!(
        read.iter().map(|e| e.event_id).collect::<Vec<_>>(),
        vec![written.event_id],
        "the event is read while the other transaction is still open"
    );
    idle.rollback().await.unwrap();
    cleanup(log).await;
}

/// An append that rolls back leaves its position unused: the reader passes
/// the gap and reads what came after it.
#[tokio::test]
async fn a_reader_passes_the_gap_a_rolled_back_append_leaves() {
    let log = fresh_log("rolledback").await;
    let mut abandoned = log.pool().begin().await.unwrap();
    append_in(
        &mut abandoned,
        &StreamId::new("complaint-abandoned").unwrap(),
        "complaint",
        ExpectedVersion::NoStream,
        &[event("never")],
    )
    .await
    .unwrap();
    abandoned.rollback().await.unwrap();
    let kept = event("kept");
    log.append(
        &StreamId::new("complaint-kept").unwrap(),
        "complaint",
        ExpectedVersion::NoStream,
        std::slice::from_ref(&kept),
    )
    .await
    .unwrap();
    let read = log.read_all_after(Position::START, 10).await.unwrap();
    assert_eq!(
        read.iter().map(|e| e.event_id).collect::<Vec<_>>(),
        vec![kept.event_id]
    );
    assert!(read[0].position.global_position > 1, "there was a gap");
    cleanup(log).await;
}
