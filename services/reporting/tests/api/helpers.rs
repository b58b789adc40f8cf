use chrono::{DateTime, TimeZone, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::reporting_client::ReportingClient;
use platform::{FixedClock, Service, Settings};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The key intake and reporting share in these tests.
pub const KEY: &str = "reporting-test-monitoring-key-32-chars";

/// Monday 2 March 2026, 10:00 UTC.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap()
}

pub fn date(year: i32, month: u32, day: u32) -> pb::Date {
    pb::Date { year, month, day }
}

/// Intake, complaints and reporting on one bus namespace, each in its own
/// schema, sharing one clock.
pub struct Stack {
    pub intake: IntakeClient<platform::testing::Authed>,
    pub complaints: ComplaintsClient<platform::testing::Authed>,
    pub reporting: ReportingClient<platform::testing::Authed>,
    /// Where the reporting service listens, for clients with other tokens.
    pub reporting_addr: std::net::SocketAddr,
    /// Where intake and complaints listen, for their retention APIs.
    pub intake_addr: std::net::SocketAddr,
    pub complaints_addr: std::net::SocketAddr,
    pub complaints_log: eventlog::EventLog,
    /// The clock all three services read; tests move it between submissions.
    pub clock: FixedClock,
    settings: Vec<Settings>,
    bus: bus::Bus,
    shutdown: CancellationToken,
}

fn settings(service: &str, namespace: &str) -> Settings {
    platform::testing::settings(
        service,
        namespace,
        &[
            ("MONITORING_PSEUDONYM_KEY", KEY.into()),
            ("COMPLIANCE_MANAGER_ID", "ccm-1".into()),
        ],
    )
}

impl Stack {
    /// Rebuilds the log and waits for the rebuild's last message.
    pub async fn rebuild_log(&mut self) -> pb::RebuildLogResponse {
        let mut progress = self
            .reporting
            .rebuild_log(pb::RebuildLogRequest {})
            .await
            .unwrap()
            .into_inner();
        let mut seen = 0;
        while let Some(message) = progress.message().await.unwrap() {
            if message.done {
                return message;
            }
            assert!(message.messages_read >= seen, "progress only goes forward");
            assert!(message.messages_read <= message.messages_total);
            seen = message.messages_read;
        }
        panic!("the rebuild's stream ended before it was done");
    }

    pub async fn spawn() -> Self {
        let namespace = bus::testing::fresh_settings("reporting")
            .namespace
            .as_str()
            .to_owned();
        let clock = FixedClock::at(start());
        let shutdown = CancellationToken::new();

        let intake_settings = settings("intake", &namespace);
        let intake =
            intake::Application::build_with_clock(intake_settings.clone(), Arc::new(clock.clone()))
                .await
                .unwrap();
        let intake_addr = intake.local_addr();
        let intake_channel = platform::testing::channel(intake_addr).await;
        let stop = shutdown.clone();
        tokio::spawn(intake.run_until_stopped(async move { stop.cancelled().await }));

        let complaints_settings = settings("complaints", &namespace);
        let complaints = complaints::Application::build_with_clock(
            complaints_settings.clone(),
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        let complaints_addr = complaints.local_addr();
        let complaints_channel = platform::testing::channel(complaints_addr).await;
        let stop = shutdown.clone();
        tokio::spawn(complaints.run_until_stopped(async move { stop.cancelled().await }));

        let reporting_settings = settings("reporting", &namespace);
        let reporting = reporting::Application::build_with_clock(
            reporting_settings.clone(),
            Arc::new(clock.clone()),
        )
        .await
        .unwrap();
        let reporting_addr = reporting.local_addr();
        let reporting_channel = platform::testing::channel(reporting_addr).await;
        let stop = shutdown.clone();
        tokio::spawn(reporting.run_until_stopped(async move { stop.cancelled().await }));

        let complaints_log = eventlog::EventLog::open(&complaints_settings.database)
            .await
            .unwrap();
        let bus = bus::Bus::connect(&reporting_settings.bus).await.unwrap();
        Self {
            intake: IntakeClient::new(intake_channel),
            complaints: ComplaintsClient::new(complaints_channel),
            reporting: ReportingClient::new(reporting_channel),
            reporting_addr,
            intake_addr,
            complaints_addr,
            complaints_log,
            clock,
            settings: vec![intake_settings, complaints_settings, reporting_settings],
            bus,
            shutdown,
        }
    }

    /// Submits `request` through intake; returns the submission id.
    pub async fn submit(&mut self, request: pb::SubmitComplaintRequest) -> String {
        self.intake
            .submit_complaint(request)
            .await
            .unwrap()
            .into_inner()
            .submission_id
    }

    /// Waits for the complaint opened from `submission_id`.
    pub async fn reference_for(&self, submission_id: &str) -> String {
        for _ in 0..400 {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT reference FROM complaints WHERE submission_id = $1::uuid",
            )
            .bind(submission_id)
            .fetch_optional(self.complaints_log.pool())
            .await
            .unwrap();
            if let Some(reference) = found {
                return reference;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no complaint was opened for submission {submission_id}");
    }

    /// The figures for March 2026 by month.
    pub async fn march(&mut self) -> pb::Figures {
        self.reporting
            .get_figures(pb::GetFiguresRequest {
                from: Some(date(2026, 3, 1)),
                to: Some(date(2026, 3, 31)),
                grouping: pb::Grouping::Month as i32,
            })
            .await
            .unwrap()
            .into_inner()
    }

    /// Polls March's figures until `ready` holds; panics after 10 seconds.
    pub async fn figures_when(&mut self, ready: impl Fn(&pb::Figures) -> bool) -> pb::Figures {
        let mut last = None;
        for _ in 0..400 {
            let figures = self.march().await;
            if ready(&figures) {
                return figures;
            }
            last = Some(figures);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the figures never got there; last: {last:?}");
    }

    /// A connection pool on reporting's own schema, to look at or damage
    /// the read model directly.
    pub async fn reporting_pool(&self) -> sqlx::PgPool {
        eventlog::EventLog::open(&self.settings[2].database)
            .await
            .unwrap()
            .pool()
            .clone()
    }

    /// The event log in intake's schema.
    pub async fn intake_log(&self) -> eventlog::EventLog {
        eventlog::EventLog::open(&self.settings[0].database)
            .await
            .unwrap()
    }

    pub async fn cleanup(self) {
        self.shutdown.cancel();
        bus::testing::delete_namespace(&self.bus).await;
        for settings in &self.settings {
            eventlog::testing::drop_schema(self.complaints_log.pool(), &settings.database.schema)
                .await;
        }
    }
}

/// A web-form complaint from Ada Lovelace, received on the stack's clock.
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

/// The March group of a month's figures.
pub fn march_group(figures: &pb::Figures) -> &pb::GroupFigures {
    figures
        .groups
        .iter()
        .find(|g| g.label == "2026-03")
        .expect("a March group")
}

impl Stack {
    /// The committee report of `from` to `to` by month as the service
    /// serves it.
    pub async fn served_report(&mut self, from: pb::Date, to: pb::Date) -> String {
        self.reporting
            .committee_report(pb::CommitteeReportRequest {
                from: Some(from),
                to: Some(to),
                grouping: pb::Grouping::Month as i32,
            })
            .await
            .unwrap()
            .into_inner()
            .html
    }

    /// The same report computed afresh from the read model as it is now,
    /// on the stack's day, without the service.
    pub async fn fresh_report(&self, from: pb::Date, to: pb::Date) -> String {
        use chrono::NaiveDate;
        let day = |d: pb::Date| NaiveDate::from_ymd_opt(d.year, d.month, d.day).unwrap();
        let period = reporting::core::Period::new(day(from), day(to)).unwrap();
        let pool = self.reporting_pool().await;
        let history = reporting::store::records_up_to(&pool, period.to())
            .await
            .unwrap();
        let answers = reporting::store::answers_in(&pool, period).await.unwrap();
        let today = calendar::uk_date(platform::Clock::now(&self.clock));
        reporting::report::build(
            history,
            &answers,
            period,
            reporting::core::Grouping::Month,
            today,
            &calendar::Calendar::england_and_wales(),
            &|| Ok::<(), ()>(()),
        )
        .unwrap()
        .document
    }

    /// Waits until the served report is the one computed afresh and
    /// returns it: the service may lag behind the bus, but once the read
    /// model is still it must serve what it holds, never an answer kept
    /// from before.
    pub async fn report_as_computed(&mut self, from: pb::Date, to: pb::Date) -> String {
        let (mut served, mut fresh) = (String::new(), String::new());
        for _ in 0..200 {
            served = self.served_report(from, to).await;
            fresh = self.fresh_report(from, to).await;
            if served == fresh {
                return served;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        assert_eq!(
            served, fresh,
            "the served report is not the one computed afresh"
        );
        served
    }
}
