//! A process killed between commit and publish loses nothing.

use bus::{Consumer, ConsumerSettings, Handler, HandlerError};
use complaints_proto::v1::EventEnvelope;
use end_to_end::{Isolation, ServiceProcess};
use prost::Message as _;
use sqlx::PgConnection;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio_util::sync::CancellationToken;

/// Counts applications per event in the consumer's own table.
struct Counter;

impl Handler for Counter {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        event: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        sqlx::query("INSERT INTO applied (event_id) VALUES ($1)")
            .bind(&event.event_id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}

#[tokio::test]
async fn an_event_committed_by_a_process_killed_before_publishing_is_delivered_after_restart_and_applied_exactly_once()
 {
    let isolation = Isolation::fresh("crash");
    let env = isolation.env("intake");

    // 1. A writer commits an event and is killed with SIGKILL before any publish.
    let mut writer = tokio::process::Command::new(env!("CARGO_BIN_EXE_commit-then-hang"))
        .envs(&env)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(writer.stdout.take().unwrap()).lines();
    let committed = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
        .await
        .expect("the writer commits in time")
        .unwrap()
        .expect("the writer says what it committed");
    let event_id = committed.strip_prefix("committed ").unwrap().to_owned();
    writer.start_kill().unwrap();
    assert!(
        !writer.wait().await.unwrap().success(),
        "the writer was killed"
    );

    // 2. A consumer elsewhere, with its own schema, waits for intake's events.
    let consumer_db = eventlog::testing::fresh_settings("crashconsumer");
    let consumer_log = eventlog::EventLog::connect(&consumer_db, None)
        .await
        .unwrap();
    sqlx::query("CREATE TABLE applied (event_id text NOT NULL)")
        .execute(consumer_log.pool())
        .await
        .unwrap();
    let bus_settings = bus::BusSettings {
        url: bus::testing::nats_url(),
        namespace: bus::Namespace::parse(&isolation.namespace).unwrap(),
        duplicate_window: Duration::from_secs(120),
        auth: bus::BusAuth::None,
        ca_file: None,
    };
    let bus = bus::Bus::connect(&bus_settings).await.unwrap();
    let consumer = Consumer::start(
        bus.clone(),
        consumer_log.clone(),
        ConsumerSettings::new("counter", bus.all_from("intake")),
        Counter,
    )
    .await
    .unwrap();
    let shutdown = CancellationToken::new();
    tokio::spawn(consumer.run(shutdown.clone()));

    // 3. The service restarts on the same schema: its relay publishes the event.
    let intake = ServiceProcess::spawn("intake", &env).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM applied WHERE event_id = $1")
            .bind(&event_id)
            .fetch_one(consumer_log.pool())
            .await
            .unwrap()
    };
    let mut applied = 0;
    for _ in 0..400 {
        applied = count().await;
        if applied > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(applied, 1, "the event is delivered after restart");

    // 4. The event is delivered again (a lost ack, or a copy after the
    //    duplicate window): the consumer applies nothing twice.
    let stored = consumer_log
        .read_all_after(eventlog::Position::START, 10)
        .await
        .unwrap();
    assert!(stored.is_empty(), "the consumer's log is its own");
    let envelope = EventEnvelope {
        event_id: event_id.clone(),
        event_type: "complaints.v1.SubmissionReceived".into(),
        ..Default::default()
    };
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", "redelivered-copy");
    bus.jetstream()
        .publish_with_headers(
            bus.subject("intake", "complaints.v1.SubmissionReceived"),
            headers,
            envelope.encode_to_vec().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    // The copy was applied (or skipped) once the consumer's position has
    // reached it.
    let mut stream = bus.jetstream().get_stream(bus.stream_name()).await.unwrap();
    let last = stream.info().await.unwrap().state.last_sequence;
    for _ in 0..400 {
        let mut conn = consumer_log.pool().acquire().await.unwrap();
        if eventlog::position(&mut conn, "counter").await.unwrap() >= last {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(count().await, 1, "the redelivered event changed nothing");

    shutdown.cancel();
    intake.terminate().await;
    eventlog::testing::drop_schema(consumer_log.pool(), consumer_log.schema()).await;
    isolation.cleanup().await;
}
