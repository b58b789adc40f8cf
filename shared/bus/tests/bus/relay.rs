use crate::helpers::{World, event};
use bus::{Relay, RelaySettings};
use eventlog::{ExpectedVersion, StreamId};
use futures::StreamExt;
use std::collections::HashSet;
use std::time::Duration;

async fn stored_message_ids(world: &World) -> Vec<String> {
    let stream = world
        .bus
        .jetstream()
        .get_stream(world.bus.stream_name())
        .await
        .unwrap();
    let consumer = stream
        .create_consumer(async_nats::jetstream::consumer::pull::OrderedConfig::default())
        .await
        .unwrap();
    let count = stream.get_info().await.unwrap().state.messages as usize;
    let mut ids = Vec::new();
    let mut messages = consumer.messages().await.unwrap().take(count);
    while let Some(message) = messages.next().await {
        let message = message.unwrap();
        let id = message
            .headers
            .as_ref()
            .and_then(|h| h.get("Nats-Msg-Id"))
            .unwrap();
        ids.push(id.to_string());
    }
    ids
}

#[tokio::test]
async fn the_relay_publishes_each_committed_event_once_with_its_event_id_as_message_id() {
    let world = World::new("relayonce").await;
    let mut written = Vec::new();
    for i in 0..5 {
        let e = event("x");
        written.push(e.event_id.to_string());
        let stream = StreamId::new(format!("complaint-{i}")).unwrap();
        world
            .log
            .append(&stream, "complaint", ExpectedVersion::NoStream, &[e])
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
    for _ in 0..100 {
        published += relay.publish_pending().await.unwrap();
        if published == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(published, 5);
    assert_eq!(
        relay.publish_pending().await.unwrap(),
        0,
        "nothing is published twice"
    );

    // A relay that lost its position (died after publishing, before saving)
    // publishes again; JetStream drops the copies by message id.
    sqlx::query("DELETE FROM checkpoints")
        .execute(world.log.pool())
        .await
        .unwrap();
    assert_eq!(relay.publish_pending().await.unwrap(), 5);
    let stored = stored_message_ids(&world).await;
    assert_eq!(
        stored, written,
        "each event is stored once, in commit order, under its event id"
    );
    world.cleanup().await;
}

#[tokio::test]
async fn two_relays_of_one_service_publish_every_event_once_between_them() {
    let world = World::new("relaypair").await;
    let shutdown = tokio_util::sync::CancellationToken::new();
    for _ in 0..2 {
        let relay = Relay::new(
            world.log.clone(),
            world.bus.clone(),
            "intake",
            RelaySettings::default(),
        );
        tokio::spawn(relay.run(shutdown.clone()));
    }
    let mut written = HashSet::new();
    for i in 0..40 {
        let e = event("x");
        written.insert(e.event_id.to_string());
        let stream = StreamId::new(format!("complaint-{i}")).unwrap();
        world
            .log
            .append(&stream, "complaint", ExpectedVersion::NoStream, &[e])
            .await
            .unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let info = world
            .bus
            .jetstream()
            .get_stream(world.bus.stream_name())
            .await
            .unwrap()
            .get_info()
            .await
            .unwrap();
        if info.state.messages >= 40 || tokio::time::Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    shutdown.cancel();
    let stored = stored_message_ids(&world).await;
    assert_eq!(stored.len(), 40, "every event once");
    assert_eq!(stored.into_iter().collect::<HashSet<_>>(), written);
    world.cleanup().await;
}

#[tokio::test]
async fn a_private_event_type_is_never_published_and_does_not_hold_back_the_events_behind_it() {
    let world = World::new("relayprivate").await;
    let stream = StreamId::new("submission-1").unwrap();
    let mut attachment = event("large file");
    attachment.event_type = "complaints.v1.AttachmentReceived".into();
    let public = event("received");
    world
        .log
        .append(
            &stream,
            "submission",
            ExpectedVersion::NoStream,
            &[attachment, public.clone()],
        )
        .await
        .unwrap();
    let relay = Relay::new(
        world.log.clone(),
        world.bus.clone(),
        "intake",
        RelaySettings::default(),
    )
    .keep_private(&["complaints.v1.AttachmentReceived"]);
    let mut moved = 0;
    for _ in 0..100 {
        moved += relay.publish_pending().await.unwrap();
        if moved == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(moved, 2, "the relay moves past both events");
    assert_eq!(
        stored_message_ids(&world).await,
        vec![public.event_id.to_string()]
    );
    world.cleanup().await;
}
