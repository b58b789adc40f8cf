//! A consumer applies events in the order they were published, whatever
//! fails: an event that is retried is applied before the events behind it,
//! and a replica that dies holding an event does not let another replica
//! following the same consumer apply the events behind it first. Handlers
//! rely on this (an automatic reply needs the contact details recorded by
//! the event before it).

use crate::helpers::{World, event};
use bus::{Consumer, ConsumerSettings, Handler, HandlerError, Relay, RelaySettings};
use complaints_proto::v1::EventEnvelope;
use eventlog::{ExpectedVersion, StreamId};
use sqlx::PgConnection;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

fn settings(world: &World) -> ConsumerSettings {
    ConsumerSettings {
        retry_delay: Duration::from_millis(50),
        ..ConsumerSettings::new("in-order", world.bus.all_from("intake"))
    }
}

async fn world(prefix: &str) -> World {
    let world = World::new(prefix).await;
    sqlx::query("CREATE TABLE sequence (seq bigserial PRIMARY KEY, event_id uuid NOT NULL)")
        .execute(world.log.pool())
        .await
        .unwrap();
    world
}

/// Appends `n` events to one stream and publishes them; returns their ids in order.
async fn publish(world: &World, n: usize) -> Vec<Uuid> {
    let stream = StreamId::new("submission-ordered").unwrap();
    let events: Vec<_> = (0..n).map(|i| event(&i.to_string())).collect();
    world
        .log
        .append(&stream, "submission", ExpectedVersion::NoStream, &events)
        .await
        .unwrap();
    let relay = Relay::new(
        world.log.clone(),
        world.bus.clone(),
        "intake",
        RelaySettings::default(),
    );
    let mut published = 0;
    for _ in 0..400 {
        published += relay.publish_pending().await.unwrap();
        if published >= n {
            return events.iter().map(|e| e.event_id).collect();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("only {published} of {n} events published in time");
}

async fn sequence(world: &World) -> Vec<Uuid> {
    sqlx::query_scalar("SELECT event_id FROM sequence ORDER BY seq")
        .fetch_all(world.log.pool())
        .await
        .unwrap()
}

async fn wait_for(world: &World, n: usize) -> Vec<Uuid> {
    for _ in 0..400 {
        let applied = sequence(world).await;
        if applied.len() >= n {
            return applied;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!(
        "only {} of {n} events applied in time",
        sequence(world).await.len()
    );
}

/// Records the order of application; fails the first `fail_first` attempts
/// (at the event `fail_at`, or at whichever comes first when `None`).
struct Sequence {
    fail_first: AtomicUsize,
    fail_at: Option<Uuid>,
}

impl Handler for Sequence {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        event: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        let id = Uuid::parse_str(&event.event_id)?;
        let failing = self.fail_at.is_none_or(|at| at == id)
            && self
                .fail_first
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
        if failing {
            return Err("the handler fails on purpose".into());
        }
        sqlx::query("INSERT INTO sequence (event_id) VALUES ($1)")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        Ok(())
    }
}

/// A replica that stops responding with an event in hand.
struct Hang(Arc<Notify>);

impl Handler for Hang {
    async fn handle(
        &self,
        _tx: &mut PgConnection,
        _event: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        self.0.notify_one();
        std::future::pending().await
    }
}

#[tokio::test]
async fn an_event_that_fails_is_retried_before_the_events_behind_it_are_applied() {
    tokio::time::timeout(Duration::from_secs(30), retried_in_order())
        .await
        .expect("within 30 s");
}

async fn retried_in_order() {
    let world = world("retryorder").await;
    let published = publish(&world, 5).await;
    let shutdown = CancellationToken::new();
    let handler = Sequence {
        fail_first: AtomicUsize::new(2),
        fail_at: None,
    };
    let consumer = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world),
        handler,
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));
    let applied = wait_for(&world, 5).await;
    shutdown.cancel();
    assert_eq!(applied, published, "applied in the published order");
    world.cleanup().await;
}

/// The events reach the consumer together and are applied as one batch:
/// a failure at the third undoes the batch, the two before it are applied
/// (once), and nothing behind it is applied before it.
#[tokio::test]
async fn an_event_failing_inside_a_batch_is_retried_before_the_events_behind_it_and_those_before_it_are_applied_once()
 {
    tokio::time::timeout(Duration::from_secs(30), async {
        let world = world("batchfail").await;
        let published = publish(&world, 6).await;
        let shutdown = CancellationToken::new();
        let handler = Sequence {
            fail_first: AtomicUsize::new(2),
            fail_at: Some(published[2]),
        };
        let consumer = Consumer::start(
            world.bus.clone(),
            world.log.clone(),
            settings(&world),
            handler,
        )
        .await
        .unwrap();
        tokio::spawn(consumer.run(shutdown.clone()));
        let applied = wait_for(&world, 6).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
        shutdown.cancel();
        assert_eq!(applied, published, "applied in the published order");
        assert_eq!(sequence(&world).await.len(), 6, "each event applied once");
        world.cleanup().await;
    })
    .await
    .expect("within 30 s");
}

/// Two replicas follow the same stream; between them every event is
/// applied exactly once and in the published order.
#[tokio::test]
async fn two_replicas_of_a_consumer_apply_every_event_once_and_in_order() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let world = world("tworeplicas").await;
        let published = publish(&world, 200).await;
        let shutdown = CancellationToken::new();
        for _ in 0..2 {
            let consumer = Consumer::start(
                world.bus.clone(),
                world.log.clone(),
                ConsumerSettings {
                    batch_size: 7,
                    ..settings(&world)
                },
                Sequence {
                    fail_first: AtomicUsize::new(0),
                    fail_at: None,
                },
            )
            .await
            .unwrap();
            tokio::spawn(consumer.run(shutdown.clone()));
        }
        let applied = wait_for(&world, 200).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        shutdown.cancel();
        assert_eq!(
            applied, published,
            "applied once each, in the published order"
        );
        assert_eq!(sequence(&world).await.len(), 200, "nothing applied twice");
        world.cleanup().await;
    })
    .await
    .expect("within 30 s");
}

#[tokio::test]
async fn a_replica_that_dies_holding_an_event_does_not_let_another_apply_the_events_behind_it_first()
 {
    tokio::time::timeout(Duration::from_secs(30), replica_dies_in_order())
        .await
        .expect("within 30 s");
}

async fn replica_dies_in_order() {
    let world = world("replicaorder").await;
    let published = publish(&world, 5).await;
    let shutdown = CancellationToken::new();
    let holding = Arc::new(Notify::new());
    let dying = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world),
        Hang(holding.clone()),
    )
    .await
    .unwrap();
    let dying = tokio::spawn(dying.run(shutdown.clone()));
    tokio::time::timeout(Duration::from_secs(10), holding.notified())
        .await
        .expect("the first replica takes the first event");

    let survivor = Consumer::start(
        world.bus.clone(),
        world.log.clone(),
        settings(&world),
        Sequence {
            fail_first: AtomicUsize::new(0),
            fail_at: None,
        },
    )
    .await
    .unwrap();
    tokio::spawn(survivor.run(shutdown.clone()));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        sequence(&world).await.is_empty(),
        "nothing behind the event in hand is applied while it is held"
    );
    // The first replica dies; its event comes back after the ack wait.
    dying.abort();
    let applied = wait_for(&world, 5).await;
    shutdown.cancel();
    assert_eq!(applied, published, "applied in the published order");
    world.cleanup().await;
}
