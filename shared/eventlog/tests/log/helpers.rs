use eventlog::{Actor, EventLog, Metadata, NewEvent, testing};

/// A log in a schema of its own; drop it with [`cleanup`].
pub async fn fresh_log(prefix: &str) -> EventLog {
    EventLog::connect(&testing::fresh_settings(prefix), None)
        .await
        .expect("connecting a fresh event log")
}

pub async fn cleanup(log: EventLog) {
    testing::drop_schema(log.pool(), log.schema()).await;
}

/// An event whose payload says who wrote it.
pub fn event(label: &str) -> NewEvent {
    NewEvent::new(
        "complaints.v1.TestEvent",
        label.as_bytes().to_vec(),
        Metadata::new(Actor::System("test".into())),
    )
}
