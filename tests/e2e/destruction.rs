//! R-CONF-2: one complaint destroyed across all four services through the
//! retention API, and proved gone: a `pg_dump` of every service's schema
//! and every message left in the JetStream events stream hold none of its
//! personal data, while another complaint's is untouched, the committee's
//! figures are unchanged and each service lists its tombstones. The
//! services run in-process on one fresh bus namespace, each in a fresh
//! schema.

use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
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
struct Person {
    first_name: &'static str,
    last_name: &'static str,
    email: &'static str,
    detail: &'static str,
    /// Text inside the attached file.
    attachment: &'static str,
}

const A: Person = Person {
    first_name: "Zebulonia",
    last_name: "Quarterfield",
    email: "zebulonia.quarterfield@example.org",
    detail: "Aardvark-lantern: my certificate was sent to the wrong college.",
    attachment: "Attachment-of-Zebulonia-7731",
};

const B: Person = Person {
    first_name: "Philippa",
    last_name: "Oxenbridge",
    email: "philippa.oxenbridge@example.net",
    detail: "Heron-teapot: my exam results were published late.",
    attachment: "Attachment-of-Philippa-2209",
};

impl Person {
    fn pieces(&self) -> [&'static str; 5] {
        [
            self.first_name,
            self.last_name,
            self.email,
            self.detail,
            self.attachment,
        ]
    }

    fn submission(&self) -> pb::SubmitComplaintRequest {
        let today = chrono::Utc::now().date_naive();
        pb::SubmitComplaintRequest {
            idempotency_key: format!("destruction-{}", self.email),
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
            attachments: vec![pb::Attachment {
                file_name: "evidence.txt".into(),
                content_type: "text/plain".into(),
                content: format!("{}\n", self.attachment).into_bytes(),
            }],
            ..Default::default()
        }
    }
}

/// The four services, in-process.
struct Stack {
    addrs: Vec<SocketAddr>,
    settings: Vec<Settings>,
    smtp: SmtpSink,
    shutdown: CancellationToken,
}

const SERVICES: [&str; 4] = ["intake", "complaints", "notifications", "reporting"];

impl Stack {
    async fn spawn() -> Self {
        platform::testing::telemetry();
        let namespace = bus::testing::fresh_settings("destroy")
            .namespace
            .as_str()
            .to_owned();
        let smtp = SmtpSink::start();
        let shutdown = CancellationToken::new();
        let mut addrs = Vec::new();
        let mut settings = Vec::new();
        for service in SERVICES {
            let mut extra: Vec<(&str, String)> = Vec::new();
            if service == "notifications" {
                extra = vec![
                    ("SMTP_HOST", "127.0.0.1".into()),
                    ("SMTP_PORT", smtp.addr.port().to_string()),
                    ("NOTIFY_POLL_INTERVAL_MS", "20".into()),
                ];
            }
            let s = platform::testing::settings(service, &namespace, &extra);
            settings.push(s.clone());
            let stop = shutdown.clone();
            let stopped = async move { stop.cancelled().await };
            let addr = match service {
                "intake" => {
                    let app = intake::Application::build(s).await.unwrap();
                    let addr = app.local_addr();
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
                "complaints" => {
                    let app = complaints::Application::build(s).await.unwrap();
                    let addr = app.local_addr();
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
                "notifications" => {
                    let app = notifications::Application::build(s).await.unwrap();
                    let addr = app.local_addr();
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
                _ => {
                    let app = reporting::Application::build(s).await.unwrap();
                    let addr = app.local_addr();
                    tokio::spawn(app.run_until_stopped(stopped));
                    addr
                }
            };
            addrs.push(addr);
        }
        Self {
            addrs,
            settings,
            smtp,
            shutdown,
        }
    }

    async fn dpo(&self) -> Vec<RetentionClient<Authed>> {
        let dpo = token("dpo-1", &[Role::DataProtectionOfficer], None);
        let mut clients = Vec::new();
        for addr in &self.addrs {
            clients.push(RetentionClient::new(channel_as(*addr, Some(&dpo)).await));
        }
        clients
    }

    async fn reference_of(&self, submission_id: &str) -> String {
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
    async fn mail_reached(&self, to: &str) {
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
    fn dump(&self) -> String {
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
    async fn bus_contents(&self) -> Vec<u8> {
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

    async fn figures(&self) -> pb::Figures {
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

impl Drop for Stack {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// Whether `text` holds `piece` as it is, or as PostgreSQL prints it
/// inside a `bytea` (hex).
fn holds(text: &str, piece: &str) -> bool {
    let hex: String = piece.bytes().map(|b| format!("{b:02x}")).collect();
    text.contains(piece) || text.contains(&hex)
}

fn bytes_hold(bytes: &[u8], piece: &str) -> bool {
    bytes.windows(piece.len()).any(|w| w == piece.as_bytes())
}

#[tokio::test]
async fn r_conf_2_a_destroyed_complaint_leaves_no_personal_data_in_any_schema_or_on_the_bus() {
    let stack = Stack::spawn().await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let a = intake
        .submit_complaint(A.submission())
        .await
        .unwrap()
        .into_inner();
    let b = intake
        .submit_complaint(B.submission())
        .await
        .unwrap()
        .into_inner();
    let a_ref = stack.reference_of(&a.submission_id).await;
    let b_ref = stack.reference_of(&b.submission_id).await;
    stack.mail_reached(A.email).await;
    stack.mail_reached(B.email).await;

    // Reporting has applied both, and everything has settled.
    let mut before = stack.figures().await;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = stack.figures().await;
        let settled = now == before;
        before = now;
        if settled && before.complaints_received == 2 {
            break;
        }
    }
    let dump = stack.dump();
    let on_bus = stack.bus_contents().await;
    for piece in A.pieces().into_iter().chain(B.pieces()) {
        assert!(holds(&dump, piece), "seeded {piece:?} is in the database");
    }
    for piece in [A.email, B.email, A.detail, B.detail] {
        assert!(bytes_hold(&on_bus, piece), "seeded {piece:?} is on the bus");
    }

    let mut dpo = stack.dpo().await;
    let destroy = || pb::DestroyRequest {
        complaint_reference: a_ref.clone(),
        submission_id: a.submission_id.clone(),
        reason: "retention period ended".into(),
    };
    let hold = || pb::HoldRequest {
        record: a_ref.clone(),
        reason: "claim pending in the county court".into(),
    };

    // Under a hold, every service refuses and nothing changes.
    for client in dpo.iter_mut() {
        assert!(client.place_hold(hold()).await.unwrap().into_inner().held);
        let refused = client.destroy(destroy()).await.unwrap_err();
        assert_eq!(refused.code(), tonic::Code::FailedPrecondition);
        assert!(refused.message().contains("R-CONF-2"), "{refused:?}");
    }
    let mut complaints = ComplaintsClient::new(channel(stack.addrs[1]).await);
    let view = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: a_ref.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.submission_id, a.submission_id);
    let held_dump = stack.dump();
    for piece in A.pieces() {
        assert!(holds(&held_dump, piece), "held {piece:?} is still there");
    }
    for client in dpo.iter_mut() {
        assert!(
            client
                .list_destructions(pb::ListDestructionsRequest {})
                .await
                .unwrap()
                .into_inner()
                .tombstones
                .is_empty()
        );
    }

    // Lifted, every service destroys its part.
    let mut destroyed = Vec::new();
    for client in dpo.iter_mut() {
        assert!(!client.lift_hold(hold()).await.unwrap().into_inner().held);
        destroyed.push(client.destroy(destroy()).await.unwrap().into_inner());
    }
    let [
        from_intake,
        from_complaints,
        from_notifications,
        from_reporting,
    ] = <[pb::DestroyResponse; 4]>::try_from(destroyed).unwrap();
    assert_eq!(
        from_intake.tombstones[0].stream_id,
        format!("submission-{}", a.submission_id)
    );
    assert_eq!(from_complaints.tombstones[0].stream_id, a_ref);
    assert!(!from_notifications.tombstones.is_empty(), "A's letters");
    assert!(from_reporting.tombstones.is_empty());
    assert_eq!(from_reporting.rows_removed, 1, "the reference's keyed link");
    for response in [&from_intake, &from_complaints, &from_notifications] {
        assert!(response.bus_messages_erased > 0, "{response:?}");
    }

    let dump = stack.dump();
    let on_bus = stack.bus_contents().await;
    for piece in A.pieces() {
        assert!(!holds(&dump, piece), "{piece:?} is gone from the database");
        assert!(
            !bytes_hold(&on_bus, piece),
            "{piece:?} is gone from the bus"
        );
    }
    for piece in B.pieces() {
        assert!(
            holds(&dump, piece),
            "{piece:?} of the other complaint stays"
        );
    }
    for piece in [B.email, B.detail] {
        assert!(bytes_hold(&on_bus, piece), "{piece:?} stays on the bus");
    }
    assert_eq!(stack.figures().await, before, "the committee's figures");
    let gone = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: a_ref.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), tonic::Code::NotFound, "{gone:?}");
    complaints
        .get_complaint(pb::GetComplaintRequest { reference: b_ref })
        .await
        .unwrap();

    // The tombstones: which stream, why, who, how many; no personal data.
    for (i, client) in dpo.iter_mut().enumerate() {
        let listed = client
            .list_destructions(pb::ListDestructionsRequest {})
            .await
            .unwrap()
            .into_inner()
            .tombstones;
        assert_eq!(
            listed.len(),
            [1, 1, from_notifications.tombstones.len(), 0][i]
        );
        for t in &listed {
            assert_eq!(t.authorised_by, "dpo-1");
            assert_eq!(t.reason, "retention period ended");
            assert_eq!(t.service, SERVICES[i]);
            assert!(t.events_destroyed > 0);
            for piece in A.pieces() {
                assert!(!format!("{t:?}").contains(piece));
            }
        }
    }
}
