//! The four services in-process on one fresh bus namespace, each in a
//! fresh schema, with what the retention and subject access tests look
//! at: every schema as `pg_dump` writes it, every message left on the bus,
//! the committee's figures, and people seeded with unique strings.

use complaints_proto::v1 as pb;
use complaints_proto::v1::reporting_client::ReportingClient;
use complaints_proto::v1::retention_client::RetentionClient;
use end_to_end::smtp::SmtpSink;
use platform::auth::Role;
use platform::testing::{Authed, channel, channel_as, token};
use platform::{Service, Settings};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// One complainant's personal data, each piece unique to this test.
pub struct Person {
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: &'static str,
    pub detail: &'static str,
    /// Text inside the attached file (none when empty).
    pub attachment: &'static str,
}

impl Person {
    /// Every seeded piece of personal data.
    pub fn pieces(&self) -> Vec<&'static str> {
        [
            self.first_name,
            self.last_name,
            self.email,
            self.detail,
            self.attachment,
        ]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect()
    }

    /// The attached file's bytes.
    pub fn attachment_bytes(&self) -> Vec<u8> {
        format!("{}\n", self.attachment).into_bytes()
    }

    pub fn submission(&self) -> pb::SubmitComplaintRequest {
        let today = chrono::Utc::now().date_naive();
        pb::SubmitComplaintRequest {
            idempotency_key: format!("{}-{}", self.email, self.detail),
            channel: pb::Channel::WebForm as i32,
            customer_status: "Member".into(),
            customer_type: "Student".into(),
            query_category: "Certificates".into(),
            query_detail: self.detail.into(),
            complainant: Some(pb::Person {
                first_name: self.first_name.into(),
                last_name: self.last_name.into(),
                email: self.email.into(),
                ..Default::default()
            }),
            matter_date: Some(pb::Date {
                year: chrono::Datelike::year(&today),
                month: chrono::Datelike::month(&today),
                day: chrono::Datelike::day(&today),
            }),
            attachments: (!self.attachment.is_empty())
                .then(|| pb::Attachment {
                    file_name: "evidence.txt".into(),
                    content_type: "text/plain".into(),
                    content: self.attachment_bytes(),
                })
                .into_iter()
                .collect(),
            ..Default::default()
        }
    }
}

/// The four services, in-process.
pub struct Stack {
    pub addrs: Vec<SocketAddr>,
    /// Each service's metrics address (`/metrics`), in [`SERVICES`] order.
    pub metrics: Vec<SocketAddr>,
    pub settings: Vec<Settings>,
    pub smtp: SmtpSink,
    /// Each service's fault switches, in [`SERVICES`] order (nothing armed
    /// unless a test arms it).
    pub faults: Vec<platform::Faults>,
    shutdown: CancellationToken,
}

pub const SERVICES: [&str; 4] = ["intake", "complaints", "notifications", "reporting"];

impl Stack {
    pub async fn spawn(prefix: &str) -> Self {
        Self::spawn_with(prefix, None, &[]).await
    }

    /// As [`Stack::spawn`], on `clock` when given (else the system clock),
    /// with `settings_for_all` added to every service's settings.
    pub async fn spawn_with(
        prefix: &str,
        clock: Option<platform::FixedClock>,
        settings_for_all: &[(&str, String)],
    ) -> Self {
        platform::testing::telemetry();
        let namespace = bus::testing::fresh_settings(prefix)
            .namespace
            .as_str()
            .to_owned();
        let smtp = SmtpSink::start();
        let shutdown = CancellationToken::new();
        let mut addrs = Vec::new();
        let mut settings = Vec::new();
        let mut faults = Vec::new();
        let mut metrics = Vec::new();
        for service in SERVICES {
            let mut extra: Vec<(&str, String)> = Vec::new();
            if service == "notifications" {
                extra = vec![
                    ("SMTP_HOST", "127.0.0.1".into()),
                    ("SMTP_PORT", smtp.addr.port().to_string()),
                    ("NOTIFY_POLL_INTERVAL_MS", "20".into()),
                ];
            }
            extra.extend(settings_for_all.iter().cloned());
            let s = platform::testing::settings(service, &namespace, &extra);
            // Each service gets a handle of its own: loop names repeat.
            faults.push(s.faults.clone());
            settings.push(s.clone());
            let stop = shutdown.clone();
            let stopped = async move { stop.cancelled().await };
            let addr = match service {
                "intake" => {
                    let app = match &clock {
                        Some(c) => {
                            intake::Application::build_with_clock(s, std::sync::Arc::new(c.clone()))
                                .await
                        }
                        None => intake::Application::build(s).await,
                    }
                    .unwrap();
                    let addr = (app.local_addr(), app.metrics_addr());
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
                "complaints" => {
                    let app = match &clock {
                        Some(c) => {
                            complaints::Application::build_with_clock(
                                s,
                                std::sync::Arc::new(c.clone()),
                            )
                            .await
                        }
                        None => complaints::Application::build(s).await,
                    }
                    .unwrap();
                    let addr = (app.local_addr(), app.metrics_addr());
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
                "notifications" => {
                    let app = match &clock {
                        Some(c) => {
                            notifications::Application::build_with_clock(
                                s,
                                std::sync::Arc::new(c.clone()),
                            )
                            .await
                        }
                        None => notifications::Application::build(s).await,
                    }
                    .unwrap();
                    let addr = (app.local_addr(), app.metrics_addr());
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
                _ => {
                    let app = match &clock {
                        Some(c) => {
                            reporting::Application::build_with_clock(
                                s,
                                std::sync::Arc::new(c.clone()),
                            )
                            .await
                        }
                        None => reporting::Application::build(s).await,
                    }
                    .unwrap();
                    let addr = (app.local_addr(), app.metrics_addr());
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
            };
            addrs.push(addr.0);
            metrics.push(addr.1);
        }
        Self {
            addrs,
            metrics,
            settings,
            smtp,
            faults,
            shutdown,
        }
    }

    /// The fault switches of `service` (one of [`SERVICES`]).
    pub fn faults(&self, service: &str) -> &platform::Faults {
        let index = SERVICES
            .iter()
            .position(|s| *s == service)
            .unwrap_or_else(|| panic!("no service {service}"));
        &self.faults[index]
    }

    pub async fn dpo(&self) -> Vec<RetentionClient<Authed>> {
        let dpo = token("dpo-1", &[Role::DataProtectionOfficer], None);
        let mut clients = Vec::new();
        for addr in &self.addrs {
            clients.push(RetentionClient::new(channel_as(*addr, Some(&dpo)).await));
        }
        clients
    }

    pub async fn reference_of(&self, submission_id: &str) -> String {
        let log = eventlog::EventLog::open(&self.settings[1].database)
            .await
            .unwrap();
        for _ in 0..400 {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT reference FROM complaints WHERE submission_id = $1::uuid",
            )
            .bind(submission_id)
            .fetch_optional(log.pool())
            .await
            .unwrap();
            if let Some(reference) = found {
                return reference;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no complaint was opened for {submission_id}");
    }

    /// Waits until an email reached `to`.
    pub async fn mail_reached(&self, to: &str) {
        for _ in 0..400 {
            if self
                .smtp
                .received()
                .iter()
                .any(|m| m.to.iter().any(|t| t.contains(to)))
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("no email reached {to}");
    }

    /// Everything the four schemas hold, as `pg_dump` writes it.
    pub fn dump(&self) -> String {
        let mut all = String::new();
        for s in &self.settings {
            let out = std::process::Command::new("pg_dump")
                .arg("--dbname")
                .arg(&s.database.url)
                .arg("--schema")
                .arg(s.database.schema.as_str())
                .output()
                .expect("pg_dump runs");
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            all.push_str(&String::from_utf8_lossy(&out.stdout));
        }
        all
    }

    /// Every message left in the events stream, headers and payload.
    pub async fn bus_contents(&self) -> Vec<u8> {
        let bus = bus::Bus::connect(&self.settings[0].bus).await.unwrap();
        let mut stream = bus.jetstream().get_stream(bus.stream_name()).await.unwrap();
        let state = stream.info().await.unwrap().state.clone();
        let mut all = Vec::new();
        for sequence in state.first_sequence..=state.last_sequence {
            if let Ok(message) = stream.get_raw_message(sequence).await {
                all.extend_from_slice(message.subject.as_bytes());
                for (name, values) in message.headers.iter() {
                    all.extend_from_slice(name.to_string().as_bytes());
                    for value in values {
                        all.extend_from_slice(value.as_str().as_bytes());
                    }
                }
                all.extend_from_slice(&message.payload);
            }
        }
        all
    }

    pub async fn figures(&self) -> pb::Figures {
        let mut reporting = ReportingClient::new(channel(self.addrs[3]).await);
        let year = chrono::Datelike::year(&chrono::Utc::now().date_naive());
        reporting
            .get_figures(pb::GetFiguresRequest {
                from: Some(pb::Date {
                    year: year - 1,
                    month: 1,
                    day: 1,
                }),
                to: Some(pb::Date {
                    year: year + 1,
                    month: 12,
                    day: 31,
                }),
                grouping: pb::Grouping::Quarter as i32,
            })
            .await
            .unwrap()
            .into_inner()
    }
}

impl Stack {
    /// The figures once reporting has applied `complaints` complaints and
    /// nothing has changed for a moment.
    pub async fn settled_figures(&self, complaints: u64) -> pb::Figures {
        let mut before = self.figures().await;
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let now = self.figures().await;
            let settled = now == before;
            before = now;
            if settled && before.complaints_received == complaints {
                return before;
            }
        }
        panic!("reporting did not settle on {complaints} complaints: {before:?}");
    }

    /// Runs the `complaintsctl` binary against these services with `token`.
    pub async fn complaintsctl(&self, token: &str, args: &[&str]) -> std::process::Output {
        let path = end_to_end::binaries_dir().join("complaintsctl");
        assert!(
            path.exists(),
            "{} is missing: build the binaries first (`cargo build --workspace --bins`)",
            path.display()
        );
        let mut command = tokio::process::Command::new(&path);
        command
            .env_clear()
            .args(args)
            .env("COMPLAINTS_TOKEN", token);
        for (service, addr) in SERVICES.iter().zip(&self.addrs) {
            let variable = format!("COMPLAINTS_{}_URL", service.to_uppercase());
            command.env(variable, format!("http://{addr}"));
        }
        command.output().await.expect("complaintsctl runs")
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Whether `text` holds `piece` as it is, or as PostgreSQL prints it
/// inside a `bytea` (hex).
pub fn holds(text: &str, piece: &str) -> bool {
    let hex: String = piece.bytes().map(|b| format!("{b:02x}")).collect();
    text.contains(piece) || text.contains(&hex)
}

pub fn bytes_hold(bytes: &[u8], piece: &str) -> bool {
    bytes.windows(piece.len()).any(|w| w == piece.as_bytes())
}
