use crate::smtp::SmtpSink;
use chrono::{DateTime, TimeZone, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::{FixedClock, Service, Settings, Source, SystemClock};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

/// Monday 2 March 2026, 10:00 UTC: intake's and complaints' clock.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap()
}

pub fn date(year: i32, month: u32, day: u32) -> pb::Date {
    pb::Date { year, month, day }
}

/// Intake, complaints and notifications on one fresh bus namespace, each in
/// a fresh schema; notifications sends to `smtp`. Notifications runs on the
/// system clock, so its retry back-off passes in real (short) time.
pub struct Stack {
    pub intake: IntakeClient<Channel>,
    pub notifications: NotificationsClient<Channel>,
    pub smtp: SmtpSink,
    pub intake_log: eventlog::EventLog,
    pub notifications_log: eventlog::EventLog,
    settings: Vec<Settings>,
    bus: bus::Bus,
    shutdown: CancellationToken,
}

fn settings(service: &str, namespace: &str, extra: &[(&str, String)]) -> Settings {
    let db = eventlog::testing::fresh_settings(service);
    let mut env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), db.url.clone()),
        ("DATABASE_SCHEMA".into(), db.schema.to_string()),
        ("NATS_URL".into(), bus::testing::nats_url()),
        ("BUS_NAMESPACE".into(), namespace.to_owned()),
        ("GRPC_ADDR".into(), "127.0.0.1:0".into()),
        (
            "MONITORING_PSEUDONYM_KEY".into(),
            "notifications-test-monitoring-key-32-chars".into(),
        ),
        ("RELAY_POLL_INTERVAL_MS".into(), "10".into()),
    ]);
    for (k, v) in extra {
        env.insert((*k).to_owned(), v.clone());
    }
    Settings::from_source(service, 0, Source::from_map(env).unwrap()).unwrap()
}

async fn connect(addr: std::net::SocketAddr) -> Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap()
}

impl Stack {
    pub async fn spawn(smtp: SmtpSink) -> Self {
        let namespace = bus::testing::fresh_settings("notifications")
            .namespace
            .as_str()
            .to_owned();
        let clock = FixedClock::at(start());
        let shutdown = CancellationToken::new();

        let intake_settings = settings("intake", &namespace, &[]);
        let intake =
            intake::Application::build_with_clock(intake_settings.clone(), Arc::new(clock.clone()))
                .await
                .unwrap();
        let intake_channel = connect(intake.local_addr()).await;
        let stop = shutdown.clone();
        tokio::spawn(intake.run_until_stopped(async move { stop.cancelled().await }));

        let complaints_settings = settings("complaints", &namespace, &[]);
        let complaints = complaints::Application::build_with_clock(
            complaints_settings.clone(),
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        let stop = shutdown.clone();
        tokio::spawn(complaints.run_until_stopped(async move { stop.cancelled().await }));

        let notifications_settings = settings(
            "notifications",
            &namespace,
            &[
                ("SMTP_HOST", "127.0.0.1".into()),
                ("SMTP_PORT", smtp.addr.port().to_string()),
                ("MAIL_FROM", "complaints@example.org".into()),
                ("NOTIFY_MAX_ATTEMPTS", "3".into()),
                ("NOTIFY_RETRY_BASE_MS", "50".into()),
                ("NOTIFY_RETRY_MAX_MS", "200".into()),
                ("NOTIFY_POLL_INTERVAL_MS", "20".into()),
                ("SMTP_TIMEOUT_SECONDS", "5".into()),
            ],
        );
        let notifications = notifications::Application::build_with_clock(
            notifications_settings.clone(),
            Arc::new(SystemClock),
        )
        .await
        .unwrap();
        let notifications_channel = connect(notifications.local_addr()).await;
        let stop = shutdown.clone();
        tokio::spawn(notifications.run_until_stopped(async move { stop.cancelled().await }));

        let intake_log = eventlog::EventLog::open(&intake_settings.database)
            .await
            .unwrap();
        let notifications_log = eventlog::EventLog::open(&notifications_settings.database)
            .await
            .unwrap();
        let bus = bus::Bus::connect(&notifications_settings.bus)
            .await
            .unwrap();
        Self {
            intake: IntakeClient::new(intake_channel),
            notifications: NotificationsClient::new(notifications_channel),
            smtp,
            intake_log,
            notifications_log,
            settings: vec![intake_settings, complaints_settings, notifications_settings],
            bus,
            shutdown,
        }
    }

    pub async fn submit(&mut self, request: pb::SubmitComplaintRequest) -> pb::SubmissionReceipt {
        self.intake
            .submit_complaint(request)
            .await
            .unwrap()
            .into_inner()
    }

    /// The correspondence of `reference`, empty while nothing is known.
    pub async fn correspondence(&mut self, reference: &str) -> Vec<pb::Correspondence> {
        match self
            .notifications
            .list_correspondence(pb::ListCorrespondenceRequest {
                reference: reference.into(),
            })
            .await
        {
            Ok(response) => response.into_inner().items,
            Err(status) if status.code() == tonic::Code::NotFound => Vec::new(),
            Err(status) => panic!("ListCorrespondence failed: {status}"),
        }
    }

    /// Polls the correspondence of `reference` until `ready` holds.
    pub async fn correspondence_when(
        &mut self,
        reference: &str,
        ready: impl Fn(&[pb::Correspondence]) -> bool,
    ) -> Vec<pb::Correspondence> {
        let mut last = Vec::new();
        for _ in 0..400 {
            last = self.correspondence(reference).await;
            if ready(&last) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the correspondence never got there; last: {last:?}");
    }

    pub async fn cleanup(self) {
        self.shutdown.cancel();
        tokio::time::sleep(Duration::from_millis(100)).await;
        bus::testing::delete_namespace(&self.bus).await;
        for settings in &self.settings {
            eventlog::testing::drop_schema(self.intake_log.pool(), &settings.database.schema).await;
        }
    }
}

/// A web-form complaint from Ada Lovelace (a written submission).
pub fn web_form(key: &str) -> pb::SubmitComplaintRequest {
    pb::SubmitComplaintRequest {
        idempotency_key: key.into(),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: "My results were published late.".into(),
        complainant: Some(pb::Person {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.org".into(),
            ..Default::default()
        }),
        matter_date: Some(date(2026, 2, 2)),
        ..Default::default()
    }
}

pub fn of_template<'a>(
    items: &'a [pb::Correspondence],
    template: &str,
) -> Vec<&'a pb::Correspondence> {
    items.iter().filter(|c| c.template == template).collect()
}
