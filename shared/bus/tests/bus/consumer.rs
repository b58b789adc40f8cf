use crate::helpers::{Recorder, World, event};
use bus::{Consumer, ConsumerSettings, Relay, RelaySettings, envelope_of};
use eventlog::{ExpectedVersion, StreamId};
use futures::StreamExt;
use prost::Message as _;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn settings(world: &World, name: &str) -> ConsumerSettings {
    ConsumerSettings {
        retry_delay: Duration::from_millis(50),
        ..ConsumerSettings::new(name, world.bus.all_from("intake"))
    }
}

async fn append_and_relay(world: &World, n: usize) -> Vec<eventlog::RecordedEvent> {
    for i in 0..n {
        let stream = StreamId::new(format!("submission-{i}")).unwrap();
        world
            .log
            .append(
                &stream,
                "submission",
                ExpectedVersion::NoStream,
                &[event("x")],
            )
            .await
            .unwrap();
    }
    let relay = Relay::new(
        world.log.clone(),
        world.bus.clone(),
        "intake",
        RelaySettings::default(),
    );
    let mut published = 0;
    while published < n {
        published += relay.publish_pending().await.unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    world
        .log
        .read_all_after(eventlog::Position::START, 1000)
        .await
        .unwrap()
}

/// Waits until the consumer's saved position reaches the last message of
/// the stream (every message in these tests is one it follows).
async fn wait_until_idle(world: &World, name: &str) {
    let mut stream = world
        .bus
        .jetstream()
        .get_stream(world.bus.stream_name())
        .await
        .unwrap();
    for _ in 0..400 {
        let last = stream.info().await.unwrap().state.last_sequence;
        let mut conn = world.log.pool().acquire().await.unwrap();
        if eventlog::position(&mut conn, name).await.unwrap() >= last {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("consumer {name} did not finish its messages in time");
}

#[tokio::test]
async fn a_consumer_applies_a_redelivered_event_exactly_once() {
    let world = World::new("redeliver").await;
    let events = append_and_relay(&world, 3).await;
    let shutdown = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "recorder"),
        Recorder::new(),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));
    world.wait_for_applied(3, 20).await;

    // The same event again, as after the duplicate window or a lost ack.
    let again = envelope_of(&events[1], "intake");
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", "a-redelivery-outside-the-window");
    world
        .bus
        .jetstream()
        .publish_with_headers(
            world.bus.subject("intake", &again.event_type),
            headers,
            again.encode_to_vec().into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    wait_until_idle(&world, "recorder").await;
    shutdown.cancel();

    let applied = world.applied().await;
    assert_eq!(applied.len(), 3);
    assert!(
        applied.iter().all(|(_, times)| *times == 1),
        "each event applied once: {applied:?}"
    );
    let expected: Vec<_> = events.iter().map(|e| e.event_id).collect();
    let order: Vec<_> = applied.iter().map(|(id, _)| *id).collect();
    assert_eq!(order, expected, "applied in the log's order");
    world.cleanup().await;
}

#[tokio::test]
async fn a_consumer_restarted_with_the_same_name_resumes_from_its_position_without_reapplying() {
    let world = World::new("resume").await;
    append_and_relay(&world, 2).await;
    let first = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "durable"),
        Recorder::new(),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(first.clone()));
    world.wait_for_applied(2, 20).await;
    wait_until_idle(&world, "durable").await;
    first.cancel();

    let more = StreamId::new("submission-late").unwrap();
    world
        .log
        .append(
            &more,
            "submission",
            ExpectedVersion::NoStream,
            &[event("late")],
        )
        .await
        .unwrap();
    let relay = Relay::new(
        world.log.clone(),
        world.bus.clone(),
        "intake",
        RelaySettings::default(),
    );
    while relay.publish_pending().await.unwrap() == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "durable"),
        Recorder::new(),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(second.clone()));
    world.wait_for_applied(3, 20).await;
    wait_until_idle(&world, "durable").await;
    second.cancel();
    assert!(world.applied().await.iter().all(|(_, times)| *times == 1));
    world.cleanup().await;
}

#[tokio::test]
async fn a_failing_handler_is_retried_and_its_failed_attempts_leave_nothing_behind() {
    let world = World::new("retry").await;
    append_and_relay(&world, 1).await;
    let shutdown = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "flaky"),
        Recorder::failing(2),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));
    let applied = world.wait_for_applied(1, 20).await;
    wait_until_idle(&world, "flaky").await;
    shutdown.cancel();
    assert_eq!(applied[0].1, 1, "the two failed attempts were rolled back");
    world.cleanup().await;
}

#[tokio::test]
async fn an_undecodable_message_goes_to_the_dead_letter_subject_and_does_not_block_the_events_behind_it()
 {
    let world = World::new("deadletter").await;
    world
        .bus
        .jetstream()
        .publish(
            world.bus.subject("intake", "garbage"),
            "not a protobuf envelope".into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    append_and_relay(&world, 2).await;
    let shutdown = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "strict"),
        Recorder::new(),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));
    world.wait_for_applied(2, 20).await;
    shutdown.cancel();

    let dead = world
        .bus
        .jetstream()
        .get_stream(world.bus.dead_letter_stream_name())
        .await
        .unwrap();
    let reader = dead
        .create_consumer(async_nats::jetstream::consumer::pull::OrderedConfig::default())
        .await
        .unwrap();
    let message = reader
        .messages()
        .await
        .unwrap()
        .next()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(message.payload.as_ref(), b"not a protobuf envelope");
    let headers = message.headers.as_ref().unwrap();
    assert_eq!(headers.get("consumer").unwrap().as_str(), "strict");
    assert!(
        headers
            .get("reason")
            .unwrap()
            .as_str()
            .contains("EventEnvelope")
    );
    world.cleanup().await;
}

/// R-CONF-2: a destroyed event leaves no copy behind in the dead letters.
#[tokio::test]
async fn r_conf_2_erasing_a_destroyed_event_erases_its_dead_letter_too() {
    let world = World::new("eraseddead").await;
    let event_id = uuid::Uuid::new_v4().to_string();
    let mut headers = async_nats::HeaderMap::new();
    headers.insert(async_nats::header::NATS_MESSAGE_ID, event_id.as_str());
    world
        .bus
        .jetstream()
        .publish_with_headers(
            world.bus.subject("intake", "garbage"),
            headers,
            "personal data that cannot be decoded".into(),
        )
        .await
        .unwrap()
        .await
        .unwrap();
    append_and_relay(&world, 1).await;
    let shutdown = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "strict"),
        Recorder::new(),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));
    world.wait_for_applied(1, 20).await;
    shutdown.cancel();
    let count = |name: String| {
        let bus = world.bus.clone();
        async move {
            let mut stream = bus.jetstream().get_stream(name).await.unwrap();
            stream.info().await.unwrap().state.messages
        }
    };
    let dead = world.bus.dead_letter_stream_name();
    let mut waited = 0;
    while count(dead.clone()).await == 0 {
        assert!(waited < 200, "the message was dead-lettered");
        tokio::time::sleep(Duration::from_millis(25)).await;
        waited += 1;
    }
    let events_before = count(world.bus.stream_name()).await;

    let erased = world
        .bus
        .erase_events(&std::collections::HashSet::from([event_id]))
        .await
        .unwrap();
    assert_eq!(erased, 2, "the event and its dead letter");
    assert_eq!(count(dead).await, 0, "no dead letter remains");
    assert_eq!(
        count(world.bus.stream_name()).await,
        events_before - 1,
        "only that event left the events stream"
    );
    world.cleanup().await;
}

/// R-CONF-2: once a record is destroyed here, events of its streams still
/// on their way are passed over, so they cannot bring it back, while the
/// events behind them are applied.
#[tokio::test]
async fn r_conf_2_events_of_a_destroyed_records_streams_are_passed_over_and_those_behind_them_applied()
 {
    let world = World::new("forgotten").await;
    let events = append_and_relay(&world, 3).await;
    let mut conn = world.log.pool().acquire().await.unwrap();
    eventlog::retention::forget_sources_in(&mut conn, &[events[1].stream_id.clone()])
        .await
        .unwrap();
    drop(conn);
    let shutdown = CancellationToken::new();
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world, "forgetful"),
        Recorder::new(),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));
    world.wait_for_applied(2, 20).await;
    wait_until_idle(&world, "forgetful").await;
    shutdown.cancel();
    let applied: Vec<_> = world
        .applied()
        .await
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        applied,
        vec![events[0].event_id, events[2].event_id],
        "the destroyed record's event was passed over, the others applied in order"
    );
    world.cleanup().await;
}
