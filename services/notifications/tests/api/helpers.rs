use crate::smtp::SmtpSink;
use chrono::{DateTime, TimeZone, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::{FixedClock, Service, Settings, SystemClock};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

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
    pub intake: IntakeClient<platform::testing::Authed>,
    pub complaints: ComplaintsClient<platform::testing::Authed>,
    pub clock: FixedClock,
    pub notifications: NotificationsClient<platform::testing::Authed>,
    /// Where the notifications service listens, for clients with other tokens.
    pub notifications_addr: std::net::SocketAddr,
    /// Where the complaints service listens, for its retention API.
    pub complaints_addr: std::net::SocketAddr,
    pub smtp: SmtpSink,
    pub intake_log: eventlog::EventLog,
    pub notifications_log: eventlog::EventLog,
    pub complaints_log: eventlog::EventLog,
    settings: Vec<Settings>,
    bus: bus::Bus,
    shutdown: CancellationToken,
}

impl Stack {
    pub async fn spawn(smtp: SmtpSink) -> Self {
        Self::spawn_with(smtp, &[]).await
    }

    /// As [`Stack::spawn`], with the staff directory set (so staff and
    /// managers have names and emails) and `extra` notifications settings
    /// overriding the defaults.
    pub async fn spawn_with_staff(smtp: SmtpSink, extra: &[(&str, String)]) -> Self {
        let mut all = vec![("STAFF_DIRECTORY", STAFF_DIRECTORY.to_owned())];
        all.extend(extra.iter().cloned());
        Self::spawn_with(smtp, &all).await
    }

    pub async fn spawn_with(smtp: SmtpSink, extra: &[(&str, String)]) -> Self {
        Self::spawn_clocked(smtp, extra, false).await
    }

    /// As [`Stack::spawn_with_staff`], with notifications on the shared
    /// clock too, so the day an email is sent or a letter posted is the
    /// day the test set (an email that failed is retried only once the
    /// clock is moved on).
    pub async fn spawn_on_one_clock(smtp: SmtpSink) -> Self {
        let staff = [("STAFF_DIRECTORY", STAFF_DIRECTORY.to_owned())];
        Self::spawn_clocked(smtp, &staff, true).await
    }

    async fn spawn_clocked(smtp: SmtpSink, extra: &[(&str, String)], one_clock: bool) -> Self {
        let namespace = bus::testing::fresh_settings("notifications")
            .namespace
            .as_str()
            .to_owned();
        let clock = FixedClock::at(start());
        let shutdown = CancellationToken::new();

        let intake_settings = platform::testing::settings("intake", &namespace, &[]);
        let intake =
            intake::Application::build_with_clock(intake_settings.clone(), Arc::new(clock.clone()))
                .await
                .unwrap();
        let intake_channel = platform::testing::channel(intake.local_addr()).await;
        let stop = shutdown.clone();
        tokio::spawn(intake.run_until_stopped(async move { stop.cancelled().await }));

        let complaints_settings = platform::testing::settings(
            "complaints",
            &namespace,
            &[("COMPLIANCE_MANAGER_ID", "ccm-1".into())],
        );
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

        let mut notify_env: Vec<(&str, String)> = vec![
            ("SMTP_HOST", "127.0.0.1".into()),
            ("SMTP_PORT", smtp.addr.port().to_string()),
            ("MAIL_FROM", "complaints@example.org".into()),
            ("NOTIFY_MAX_ATTEMPTS", "3".into()),
            ("NOTIFY_RETRY_BASE_MS", "50".into()),
            ("NOTIFY_RETRY_MAX_MS", "200".into()),
            ("NOTIFY_POLL_INTERVAL_MS", "20".into()),
            ("SMTP_TIMEOUT_SECONDS", "5".into()),
        ];
        notify_env.extend(extra.iter().cloned());
        let notifications_settings =
            platform::testing::settings("notifications", &namespace, &notify_env);
        let notifications_clock: Arc<dyn platform::Clock> = if one_clock {
            Arc::new(clock.clone())
        } else {
            Arc::new(SystemClock)
        };
        let notifications = notifications::Application::build_with_clock(
            notifications_settings.clone(),
            notifications_clock,
        )
        .await
        .unwrap();
        let notifications_addr = notifications.local_addr();
        let notifications_channel = platform::testing::channel(notifications_addr).await;
        let stop = shutdown.clone();
        tokio::spawn(notifications.run_until_stopped(async move { stop.cancelled().await }));

        let intake_log = eventlog::EventLog::open(&intake_settings.database)
            .await
            .unwrap();
        let notifications_log = eventlog::EventLog::open(&notifications_settings.database)
            .await
            .unwrap();
        let complaints_log = eventlog::EventLog::open(&complaints_settings.database)
            .await
            .unwrap();
        let bus = bus::Bus::connect(&notifications_settings.bus)
            .await
            .unwrap();
        Self {
            intake: IntakeClient::new(intake_channel),
            complaints: ComplaintsClient::new(complaints_channel),
            clock,
            notifications: NotificationsClient::new(notifications_channel),
            notifications_addr,
            complaints_addr,
            smtp,
            intake_log,
            notifications_log,
            complaints_log,
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
        // Up to 30 s: the automatic reply waits for the complaints service
        // to open the complaint, which a loaded machine can take seconds to.
        let mut last = Vec::new();
        for _ in 0..1200 {
            last = self.correspondence(reference).await;
            if ready(&last) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the correspondence never got there; last: {last:?}");
    }

    /// Submits `request` and waits until the complaint is opened; returns
    /// its reference.
    pub async fn open(&mut self, request: pb::SubmitComplaintRequest) -> String {
        let receipt = self.submit(request).await;
        self.reference_for(&receipt.submission_id).await
    }

    /// Waits for the complaint opened from `submission_id`.
    pub async fn reference_for(&self, submission_id: &str) -> String {
        for _ in 0..1200 {
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

    /// The emails the SMTP server accepted for `to`, decoded, in order.
    pub fn mails_to(&self, to: &str) -> Vec<Mail> {
        self.smtp
            .received()
            .iter()
            .filter(|r| r.to.iter().any(|t| t == to))
            .map(Mail::parse)
            .collect()
    }

    /// Waits until an email to `to` whose subject contains `subject` has
    /// arrived, and returns it.
    pub async fn mail_when(&self, to: &str, subject: &str) -> Mail {
        for _ in 0..1200 {
            if let Some(mail) = self
                .mails_to(to)
                .into_iter()
                .find(|m| m.subject.contains(subject))
            {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let subjects: Vec<String> = self.mails_to(to).into_iter().map(|m| m.subject).collect();
        panic!("no email to {to} about {subject:?} arrived; got {subjects:?}");
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

/// Staff with names and emails (`STAFF_DIRECTORY`).
pub const STAFF_DIRECTORY: &str = "handler-1|Hannah Hughes|hannah@example.org;\
manager-1|Maria Moss|maria@example.org;\
ccm-1|Colin Clarke|colin@example.org;\
head-of-customer-experience|Harriet Hale|harriet@example.org";

pub const ADA: &str = "ada@example.org";

/// An accepted email as the reader sees it: headers unfolded, the subject
/// and body decoded from their transfer encodings.
#[derive(Debug, Clone)]
pub struct Mail {
    pub subject: String,
    pub body: String,
}

impl Mail {
    pub fn parse(received: &crate::smtp::Received) -> Self {
        let data = received.data.replace("\r\n", "\n");
        let (head, body) = data.split_once("\n\n").unwrap_or((&data, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push_str(line);
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let encoding = header("content-transfer-encoding").to_ascii_lowercase();
        let body = match encoding.as_str() {
            "quoted-printable" => String::from_utf8(quoted_printable(body.as_bytes())).unwrap(),
            "base64" => String::from_utf8(base64(body)).unwrap(),
            _ => body.to_owned(),
        };
        Self {
            subject: decode_words(&header("subject")),
            body: body.replace("\r\n", "\n"),
        }
    }

    /// The body with every run of whitespace made one space, so a phrase
    /// can be found wherever the lines were wrapped.
    pub fn text(&self) -> String {
        self.body.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[track_caller]
    pub fn says(&self, phrase: &str) {
        assert!(
            self.text().contains(phrase),
            "{phrase:?} expected in the email {:?}:\n{}",
            self.subject,
            self.body
        );
    }

    #[track_caller]
    pub fn never_says(&self, phrase: &str) {
        assert!(
            !self.text().contains(phrase),
            "{phrase:?} unexpected in the email {:?}:\n{}",
            self.subject,
            self.body
        );
    }
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// RFC 2045 quoted-printable, soft line breaks included.
fn quoted_printable(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'=' if input.get(i + 1) == Some(&b'\n') => i += 2,
            b'=' => {
                match (
                    input.get(i + 1).copied().and_then(hex),
                    input.get(i + 2).copied().and_then(hex),
                ) {
                    (Some(h), Some(l)) => {
                        out.push(h * 16 + l);
                        i += 3;
                    }
                    _ => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn base64(input: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in input.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// RFC 2047 encoded words (`=?utf-8?b?...?=` and `=?utf-8?q?...?=`).
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    loop {
        let Some(start) = rest.find("=?") else {
            out.push_str(rest);
            break;
        };
        let between = &rest[..start];
        if !(last_was_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        let mut parts = rest[start + 2..].splitn(3, '?');
        let (Some(_charset), Some(enc), Some(tail)) = (parts.next(), parts.next(), parts.next())
        else {
            out.push_str(&rest[start..]);
            break;
        };
        let Some(end) = tail.find("?=") else {
            out.push_str(&rest[start..]);
            break;
        };
        let text = &tail[..end];
        let bytes = if enc.eq_ignore_ascii_case("b") {
            base64(text)
        } else {
            quoted_printable(text.replace('_', " ").as_bytes())
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        rest = &tail[end + 2..];
        last_was_word = true;
    }
    out
}

pub fn acting(reference: &str, user: &str) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference: reference.into(),
        acting_user: user.into(),
        expected_version: None,
    })
}

pub const FINDINGS: &str = "We found the results were released late because of a system fault.";

/// Steps of the procedure over the complaints gRPC, as its own tests take them.
pub async fn assign(stack: &mut Stack, reference: &str, who: &str, role: pb::HandlerRole) {
    stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(reference, "supervisor-1"),
            handler: who.into(),
            team: "Customer Services".into(),
            role: role as i32,
        })
        .await
        .unwrap();
}

pub async fn outcome(
    stack: &mut Stack,
    reference: &str,
    by: &str,
    stage: pb::Stage,
    decision: pb::Decision,
    remedies: Vec<pb::RemedyInput>,
) {
    stack
        .complaints
        .record_outcome(pb::RecordOutcomeRequest {
            command: acting(reference, by),
            stage: stage as i32,
            decision: decision as i32,
            findings: FINDINGS.into(),
            remedies,
            ..Default::default()
        })
        .await
        .unwrap();
}

pub async fn escalate(
    stack: &mut Stack,
    reference: &str,
    to: pb::Stage,
    grounds: pb::Grounds,
    received_on: pb::Date,
) {
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
        .unwrap();
}

pub fn apology() -> pb::RemedyInput {
    pb::RemedyInput {
        kind: pb::RemedyKind::Apology as i32,
        description: "A written apology.".into(),
        ..Default::default()
    }
}

/// Stage 1 outcome on 2 March, Stage 2 asked for on 5 March and given to
/// manager-1, Stage 2 outcome on 19 March, Stage 3 asked for on 20 March
/// (to ccm-1) and acknowledged.
pub async fn to_stage_3(stack: &mut Stack, reference: &str) {
    use chrono::Duration as Days;
    assign(stack, reference, "handler-1", pb::HandlerRole::Handler).await;
    outcome(
        stack,
        reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await;
    stack.clock.set(start() + Days::days(3));
    escalate(
        stack,
        reference,
        pb::Stage::Stage2,
        pb::Grounds::PointsNotAnswered,
        date(2026, 3, 5),
    )
    .await;
    assign(stack, reference, "manager-1", pb::HandlerRole::Manager).await;
    stack.clock.advance(Days::days(14));
    outcome(
        stack,
        reference,
        "manager-1",
        pb::Stage::Stage2,
        pb::Decision::PartlyUpheld,
        vec![apology()],
    )
    .await;
    stack.clock.advance(Days::days(1));
    escalate(
        stack,
        reference,
        pb::Stage::Stage3,
        pb::Grounds::DissatisfiedWithOutcome,
        date(2026, 3, 20),
    )
    .await;
    stack
        .complaints
        .acknowledge_stage3(acting(reference, "ccm-1").unwrap())
        .await
        .unwrap();
}
