use crate::helpers::{cleanup, event, fresh_log};
use eventlog::{ExpectedVersion, StreamId};

fn sqlstate(error: sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => db.code().map(|c| c.into_owned()).unwrap_or_default(),
        other => panic!("expected a database error, got {other}"),
    }
}

#[tokio::test]
async fn update_delete_and_truncate_on_the_log_fail_at_the_database() {
    let log = fresh_log("appendonly").await;
    let stream = StreamId::new("complaint-1").unwrap();
    log.append(
        &stream,
        "complaint",
        ExpectedVersion::NoStream,
        &[event("original")],
    )
    .await
    .unwrap();
    let destroyed = StreamId::new("complaint-destroyed").unwrap();
    log.append(
        &destroyed,
        "complaint",
        ExpectedVersion::NoStream,
        &[event("gone")],
    )
    .await
    .unwrap();
    log.destroy_stream(&destroyed, "retention", "user:dpo")
        .await
        .unwrap();

    for statement in [
        "UPDATE events SET payload = 'forged'",
        "DELETE FROM events",
        "TRUNCATE events",
        "UPDATE destructions SET reason = 'forged'",
        "DELETE FROM destructions",
    ] {
        let error = sqlx::query(statement)
            .execute(log.pool())
            .await
            .unwrap_err();
        assert_eq!(
            sqlstate(error),
            "42501",
            "{statement} must be refused as insufficient privilege"
        );
    }

    let stored = log.read_stream(&stream).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].payload, b"original");
    cleanup(log).await;
}

#[tokio::test]
async fn a_delete_is_let_through_only_for_the_stream_recorded_as_destroyed_in_the_same_transaction()
{
    let log = fresh_log("narrowpath").await;
    let kept = StreamId::new("complaint-kept").unwrap();
    let gone = StreamId::new("complaint-gone").unwrap();
    for stream in [&kept, &gone] {
        log.append(
            stream,
            "complaint",
            ExpectedVersion::NoStream,
            &[event("x")],
        )
        .await
        .unwrap();
    }
    let mut tx = log.pool().begin().await.unwrap();
    sqlx::query(
        "INSERT INTO destructions (stream_id, events_destroyed, reason, authorised_by)
         VALUES ('complaint-gone', 1, 'retention', 'user:dpo')",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let error = sqlx::query("DELETE FROM events")
        .execute(&mut *tx)
        .await
        .unwrap_err();
    assert_eq!(
        sqlstate(error),
        "42501",
        "a recorded destruction of one stream does not free the others"
    );
    tx.rollback().await.unwrap();

    assert_eq!(log.read_stream(&kept).await.unwrap().len(), 1);
    assert_eq!(log.read_stream(&gone).await.unwrap().len(), 1);
    cleanup(log).await;
}
