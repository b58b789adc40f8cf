use bus::{Bus, Handler, HandlerError, testing};
use complaints_proto::v1::EventEnvelope;
use eventlog::{Actor, EventLog, Metadata, NewEvent};
use sqlx::PgConnection;
use std::time::Duration;

pub struct World {
    pub log: EventLog,
    pub bus: Bus,
}

impl World {
    pub async fn new(prefix: &str) -> Self {
        let log = EventLog::connect(&eventlog::testing::fresh_settings(prefix), None)
            .await
            .expect("fresh event log");
        sqlx::query("CREATE TABLE applied (event_id uuid NOT NULL, event_type text NOT NULL)")
            .execute(log.pool())
            .await
            .expect("creating the test read model");
        let bus = Bus::connect(&testing::fresh_settings(prefix))
            .await
            .expect("fresh bus namespace");
        Self { log, bus }
    }

    pub async fn cleanup(self) {
        testing::delete_namespace(&self.bus).await;
        eventlog::testing::drop_schema(self.log.pool(), self.log.schema()).await;
    }

    /// How many times the handler applied each event, in order of first application.
    pub async fn applied(&self) -> Vec<(uuid::Uuid, i64)> {
        sqlx::query_as(
            "SELECT event_id, count(*) FROM applied GROUP BY event_id ORDER BY min(ctid::text)",
        )
        .fetch_all(self.log.pool())
        .await
        .unwrap()
    }

    /// Waits until `n` distinct events were applied, or panics after `secs`.
    pub async fn wait_for_applied(&self, n: usize, secs: u64) -> Vec<(uuid::Uuid, i64)> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let applied = self.applied().await;
            if applied.len() >= n {
                return applied;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "only {} of {n} events applied in time",
                applied.len()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

pub fn event(label: &str) -> NewEvent {
    NewEvent::new(
        "complaints.v1.TestEvent",
        label.as_bytes().to_vec(),
        Metadata::new(Actor::System("test".into())),
    )
}

/// Records every event it is given; fails the first `fail_first` attempts.
pub struct Recorder {
    pub fail_first: std::sync::atomic::AtomicUsize,
}

impl Recorder {
    pub fn new() -> Self {
        Self::failing(0)
    }

    pub fn failing(times: usize) -> Self {
        Self {
            fail_first: std::sync::atomic::AtomicUsize::new(times),
        }
    }
}

impl Handler for Recorder {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        event: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        let id = uuid::Uuid::parse_str(&event.event_id)?;
        sqlx::query("INSERT INTO applied (event_id, event_type) VALUES ($1, $2)")
            .bind(id)
            .bind(&event.event_type)
            .execute(&mut *tx)
            .await?;
        let left = self.fail_first.load(std::sync::atomic::Ordering::SeqCst);
        if left > 0 {
            self.fail_first
                .store(left - 1, std::sync::atomic::Ordering::SeqCst);
            return Err("the handler fails on purpose".into());
        }
        Ok(())
    }
}
