use chrono::{DateTime, TimeZone, Utc};
use complaints::watcher::Watcher;
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::{FixedClock, Service, Settings};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Monday 2 March 2026, 10:00 UTC.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap()
}

pub fn date(year: i32, month: u32, day: u32) -> pb::Date {
    pb::Date { year, month, day }
}

/// Intake and complaints on one bus namespace, each in its own schema,
/// sharing one clock.
pub struct Stack {
    pub intake: IntakeClient<platform::testing::Authed>,
    pub complaints: ComplaintsClient<platform::testing::Authed>,
    /// Where the complaints service listens, for clients with other tokens.
    pub complaints_addr: std::net::SocketAddr,
    /// Where intake listens, for its other services (retention).
    pub intake_addr: std::net::SocketAddr,
    /// Intake's log, in its own schema.
    pub intake_log: eventlog::EventLog,
    pub clock: FixedClock,
    pub watcher: Watcher,
    pub log: eventlog::EventLog,
    settings: Vec<Settings>,
    bus: bus::Bus,
    shutdown: CancellationToken,
}

fn settings(service: &str, namespace: &str, extra: &[(&str, String)]) -> Settings {
    let mut pairs = vec![("COMPLIANCE_MANAGER_ID", "ccm-1".to_owned())];
    pairs.extend(extra.iter().cloned());
    platform::testing::settings(service, namespace, &pairs)
}

impl Stack {
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// A stack whose services also read the `extra` settings.
    pub async fn spawn_with(extra: &[(&str, String)]) -> Self {
        let namespace = bus::testing::fresh_settings("complaints")
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
        let intake_addr = intake.local_addr();
        let intake_channel = platform::testing::channel(intake_addr).await;
        let stop = shutdown.clone();
        tokio::spawn(intake.run_until_stopped(async move { stop.cancelled().await }));

        let complaints_settings = settings("complaints", &namespace, extra);
        let app = complaints::Application::build_with_clock(
            complaints_settings.clone(),
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        let watcher = app.watcher().clone();
        let complaints_addr = app.local_addr();
        let complaints_channel = platform::testing::channel(app.local_addr()).await;
        let stop = shutdown.clone();
        tokio::spawn(app.run_until_stopped(async move { stop.cancelled().await }));

        let log = eventlog::EventLog::open(&complaints_settings.database)
            .await
            .unwrap();
        let bus = bus::Bus::connect(&complaints_settings.bus).await.unwrap();
        let intake_log = eventlog::EventLog::open(&intake_settings.database)
            .await
            .unwrap();
        Self {
            intake: IntakeClient::new(intake_channel),
            complaints: ComplaintsClient::new(complaints_channel),
            complaints_addr,
            intake_addr,
            intake_log,
            clock,
            watcher,
            log,
            settings: vec![intake_settings, complaints_settings],
            bus,
            shutdown,
        }
    }

    /// Submits a web-form complaint and waits until it is opened; returns its reference.
    pub async fn open_complaint(&mut self, key: &str) -> String {
        let receipt = self
            .intake
            .submit_complaint(web_form(key))
            .await
            .unwrap()
            .into_inner();
        self.reference_for(&receipt.submission_id).await
    }

    /// Waits for the complaint opened from `submission_id`.
    pub async fn reference_for(&self, submission_id: &str) -> String {
        for _ in 0..400 {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT reference FROM complaints WHERE submission_id = $1::uuid",
            )
            .bind(submission_id)
            .fetch_optional(self.log.pool())
            .await
            .unwrap();
            if let Some(reference) = found {
                return reference;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no complaint was opened for submission {submission_id}");
    }

    pub async fn view(&mut self, reference: &str) -> pb::ComplaintView {
        self.complaints
            .get_complaint(pb::GetComplaintRequest {
                reference: reference.into(),
            })
            .await
            .unwrap()
            .into_inner()
    }

    pub async fn event_types(&self, reference: &str) -> Vec<String> {
        sqlx::query_scalar(
            "SELECT event_type FROM events WHERE stream_id = $1 ORDER BY stream_version",
        )
        .bind(reference)
        .fetch_all(self.log.pool())
        .await
        .unwrap()
    }

    pub fn bus(&self) -> &bus::Bus {
        &self.bus
    }

    pub async fn cleanup(self) {
        self.shutdown.cancel();
        bus::testing::delete_namespace(&self.bus).await;
        for settings in &self.settings {
            eventlog::testing::drop_schema(self.log.pool(), &settings.database.schema).await;
        }
    }
}

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

pub fn acting(reference: &str, user: &str) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference: reference.into(),
        acting_user: user.into(),
        expected_version: None,
    })
}

/// Asserts a refusal with `code` whose message starts with `rule`.
pub fn refused<T: std::fmt::Debug>(
    result: Result<T, tonic::Status>,
    code: tonic::Code,
    rule: &str,
) {
    let status = result.expect_err("the command must be refused");
    assert_eq!(status.code(), code, "{status:?}");
    assert!(
        status.message().contains(rule),
        "{rule} expected in {:?}",
        status.message()
    );
}

/// Steps of the procedure shared by the tests.
pub async fn assign(
    stack: &mut Stack,
    reference: &str,
    who: &str,
    team: &str,
    role: pb::HandlerRole,
) -> pb::ComplaintView {
    stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(reference, "supervisor-1"),
            handler: who.into(),
            team: team.into(),
            role: role as i32,
        })
        .await
        .unwrap()
        .into_inner()
}

pub async fn outcome(
    stack: &mut Stack,
    reference: &str,
    by: &str,
    stage: pb::Stage,
    decision: pb::Decision,
    remedies: Vec<pb::RemedyInput>,
) -> Result<pb::ComplaintView, tonic::Status> {
    stack
        .complaints
        .record_outcome(pb::RecordOutcomeRequest {
            command: acting(reference, by),
            stage: stage as i32,
            decision: decision as i32,
            findings: "We found the results were released late because of a system fault.".into(),
            remedies,
            ..Default::default()
        })
        .await
        .map(|r| r.into_inner())
}

pub async fn escalate(
    stack: &mut Stack,
    reference: &str,
    to: pb::Stage,
    grounds: pb::Grounds,
    received_on: pb::Date,
) -> Result<pb::ComplaintView, tonic::Status> {
    stack
        .complaints
        .request_escalation(pb::RequestEscalationRequest {
            command: acting(reference, "handler-1"),
            to_stage: to as i32,
            grounds: vec![grounds as i32],
            reasons: "The response did not answer my second point.".into(),
            outcome_sought: "A refund of the resit fee.".into(),
            received_on: Some(received_on),
            link_token: String::new(),
        })
        .await
        .map(|r| r.into_inner())
}

pub fn apology() -> pb::RemedyInput {
    pb::RemedyInput {
        kind: pb::RemedyKind::Apology as i32,
        description: "A written apology.".into(),
        ..Default::default()
    }
}
