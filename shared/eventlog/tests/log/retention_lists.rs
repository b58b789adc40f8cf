//! The retention lists are bounded: the holds in place and the
//! destructions a listing answers stop at its limit.

use crate::helpers::{cleanup, event, fresh_log};
use eventlog::retention::{self, HoldAction};
use eventlog::{ExpectedVersion, StreamId};

#[tokio::test]
async fn the_holds_and_the_destructions_listed_stop_at_the_limit() {
    let log = fresh_log("retention_lists").await;
    let mut conn = log.pool().acquire().await.unwrap();
    for n in 1..=3 {
        let record = format!("CMP-2026-00000{n}");
        retention::record_hold_in(&mut conn, &record, HoldAction::Placed, "litigation", "dpo")
            .await
            .unwrap();
        let stream = StreamId::new(format!("complaint-{n}")).unwrap();
        log.append(
            &stream,
            "complaint",
            ExpectedVersion::NoStream,
            &[event("x")],
        )
        .await
        .unwrap();
        // Destroyed in a transaction of its own, as the retention job does.
        let mut tx = log.pool().begin().await.unwrap();
        retention::destroy_stream_in(&mut tx, &stream, "due", "dpo")
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    drop(conn);
    let held: Vec<String> = log
        .holds_in_place(2)
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.record)
        .collect();
    assert_eq!(held, ["CMP-2026-000001", "CMP-2026-000002"]);
    assert_eq!(log.holds_in_place(100).await.unwrap().len(), 3);
    let destroyed: Vec<String> = log
        .tombstones(2)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.stream_id)
        .collect();
    assert_eq!(destroyed, ["complaint-2", "complaint-3"]);
    assert_eq!(log.tombstones(100).await.unwrap().len(), 3);
    cleanup(log).await;
}
