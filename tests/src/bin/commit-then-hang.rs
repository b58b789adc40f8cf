//! A writer that commits one event to a service's log and then hangs
//! without publishing it, standing in for a service process that dies
//! between commit and publish. Prints the event id once committed.
#![forbid(unsafe_code)]

use eventlog::{
    Actor, DatabaseSettings, EventLog, ExpectedVersion, Metadata, NewEvent, SchemaName, StreamId,
};
use std::time::Duration;

#[tokio::main]
async fn main() {
    let schema =
        std::env::var("DATABASE_SCHEMA").expect("DATABASE_SCHEMA names the service's schema");
    let settings = DatabaseSettings {
        url: eventlog::testing::database_url(),
        schema: SchemaName::parse(&schema).expect("a valid schema name"),
        max_connections: 2,
        acquire_timeout: Duration::from_secs(10),
        idle_timeout: None,
    };
    let log = EventLog::connect(&settings, None)
        .await
        .expect("connecting to the log");
    let event = NewEvent::new(
        "complaints.v1.SubmissionReceived",
        Vec::new(),
        Metadata::new(Actor::System("commit-then-hang".into())),
    );
    let stream =
        StreamId::new(format!("submission-{}", event.event_id)).expect("a valid stream id");
    log.append(
        &stream,
        "submission",
        ExpectedVersion::NoStream,
        std::slice::from_ref(&event),
    )
    .await
    .expect("appending");
    println!("committed {}", event.event_id);
    std::future::pending::<()>().await;
}
