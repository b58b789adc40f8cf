use chrono::{DateTime, TimeZone, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use eventlog::EventLog;
use futures::StreamExt;
use platform::{FixedClock, Service};
use prost::Message;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Wednesday 23 December 2026, 10:00 UTC: just before Christmas.
pub fn before_christmas() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 23, 10, 0, 0).unwrap()
}

pub fn date(year: i32, month: u32, day: u32) -> pb::Date {
    pb::Date { year, month, day }
}

/// A running intake service on a fresh schema and bus namespace.
pub struct TestIntake {
    pub client: IntakeClient<platform::testing::Authed>,
    /// Where intake listens, for clients with other tokens.
    pub addr: std::net::SocketAddr,
    pub clock: FixedClock,
    pub log: EventLog,
    pub bus: bus::Bus,
    shutdown: CancellationToken,
}

impl TestIntake {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    pub async fn spawn_with(extra: &[(&str, &str)]) -> Self {
        let nats = bus::testing::fresh_settings("intake");
        let mut env: Vec<(&str, String)> = vec![
            (
                "REDIRECT_CATEGORIES",
                "Exam results appeal=>Appeals Team|the Appeals Manager".into(),
            ),
            (
                "COMPLIMENT_ROUTES",
                "Customer Services=>csm-1,csm-2;*=>head-of-cx".into(),
            ),
        ];
        env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let settings = platform::testing::settings("intake", nats.namespace.as_str(), &env);
        let clock = FixedClock::at(before_christmas());
        let app = intake::Application::build_with_clock(settings.clone(), Arc::new(clock.clone()))
            .await
            .unwrap();
        let addr = app.local_addr();
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        tokio::spawn(app.run_until_stopped(async move { stop.cancelled().await }));
        let channel = platform::testing::channel(addr).await;
        let log = EventLog::open(&settings.database).await.unwrap();
        let bus = bus::Bus::connect(&settings.bus).await.unwrap();
        Self {
            addr,
            client: IntakeClient::new(channel).max_encoding_message_size(64 * 1024 * 1024),
            clock,
            log,
            bus,
            shutdown,
        }
    }

    /// Every event in intake's log as (stream id, stream type, event type,
    /// payload), read straight from the table: committed is enough here.
    pub async fn all_events(&self) -> Vec<(String, String, String, Vec<u8>)> {
        sqlx::query_as("SELECT stream_id, stream_type, event_type, payload FROM events ORDER BY global_position")
            .fetch_all(self.log.pool())
            .await
            .unwrap()
    }

    /// Events of type `M` in intake's log, decoded.
    pub async fn logged<M: Message + prost::Name + Default>(&self) -> Vec<M> {
        self.all_events()
            .await
            .into_iter()
            .filter(|(_, _, event_type, _)| *event_type == M::full_name())
            .map(|(_, _, _, payload)| M::decode(payload.as_slice()).unwrap())
            .collect()
    }

    /// How many events and read-model rows intake holds.
    pub async fn stored(&self) -> (i64, i64) {
        let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
            .fetch_one(self.log.pool())
            .await
            .unwrap();
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM submissions")
            .fetch_one(self.log.pool())
            .await
            .unwrap();
        (events, rows)
    }

    /// Waits until `n` messages of `event_type` are on the bus, and returns them.
    pub async fn published(&self, event_type: &str, n: usize) -> Vec<pb::EventEnvelope> {
        let subject = self.bus.subject("intake", event_type);
        let stream = self
            .bus
            .jetstream()
            .get_stream(self.bus.stream_name())
            .await
            .unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let consumer = stream
                .create_consumer(async_nats::jetstream::consumer::pull::OrderedConfig {
                    filter_subject: subject.clone(),
                    ..Default::default()
                })
                .await
                .unwrap();
            let mut found = Vec::new();
            let mut messages = consumer.messages().await.unwrap();
            while let Ok(Some(Ok(message))) =
                tokio::time::timeout(Duration::from_millis(300), messages.next()).await
            {
                found.push(pb::EventEnvelope::decode(message.payload.clone()).unwrap());
            }
            if found.len() >= n || tokio::time::Instant::now() > deadline {
                return found;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn cleanup(self) {
        self.shutdown.cancel();
        bus::testing::delete_namespace(&self.bus).await;
        eventlog::testing::drop_schema(self.log.pool(), self.log.schema()).await;
    }
}

/// A complete, valid web-form complaint.
pub fn web_form(key: &str) -> pb::SubmitComplaintRequest {
    pb::SubmitComplaintRequest {
        idempotency_key: key.into(),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: "My results were published late and nobody replied to my emails.".into(),
        complainant: Some(pb::Person {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.org".into(),
            ..Default::default()
        }),
        matter_date: Some(date(2026, 11, 2)),
        correspondence: pb::CorrespondencePreference::Email as i32,
        ..Default::default()
    }
}

/// The field violations of an INVALID_ARGUMENT status.
pub fn violations(status: &tonic::Status) -> Vec<(String, String)> {
    use tonic_types::StatusExt;
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    status
        .get_details_bad_request()
        .expect("INVALID_ARGUMENT carries BadRequest details")
        .field_violations
        .into_iter()
        .map(|v| (v.field, v.description))
        .collect()
}

/// Whether `violations` name `field` with `rule`.
pub fn names(violations: &[(String, String)], field: &str, rule: &str) -> bool {
    violations
        .iter()
        .any(|(f, d)| f == field && d.contains(rule))
}
