//! Each service's Prometheus endpoint, scraped while a complaint goes
//! through the four services in-process: the families the dashboard and
//! the alert rules use are there, the counters moved with the complaint,
//! and no label (no byte of the scrape) holds the complainant's personal
//! data, reference or submission id.

use crate::deploy_files::metric_names_in_deploy_files;
use crate::stack::{Person, SERVICES, Stack};
use complaints_proto::v1::intake_client::IntakeClient;
use platform::metrics::{Sample, parse};
use platform::testing::channel;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const P: Person = Person {
    first_name: "Quillonia",
    last_name: "Marrowgate",
    email: "quillonia.marrowgate@example.org",
    detail: "Heron-teapot: my exam result letter was never sent.",
    attachment: "",
};

/// `GET path` over plain HTTP/1.1: the status code, the content type and
/// the body.
async fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .unwrap_or_else(|e| panic!("connecting to {addr}: {e}"));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut raw))
        .await
        .expect("the metrics endpoint answers within 20 s")
        .unwrap();
    let raw = String::from_utf8(raw).expect("the answer is UTF-8");
    let (head, body) = raw.split_once("\r\n\r\n").expect("headers end");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let content_type = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-type:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    (status, content_type, body.to_owned())
}

async fn scrape(addr: SocketAddr) -> (String, Vec<Sample>) {
    let (status, content_type, body) = get(addr, "/metrics").await;
    assert_eq!(status, 200, "{body}");
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let samples = parse(&body).unwrap_or_else(|e| panic!("{e}\n{body}"));
    (body, samples)
}

/// The value of the one sample `name` with all of `labels`, summed over
/// the samples that match (0 when none).
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.name == name && labels.iter().all(|(k, v)| s.label(k) == Some(*v)))
        .map(|s| s.value)
        .sum()
}

fn has(samples: &[Sample], name: &str) -> bool {
    samples.iter().any(|s| s.name == name)
}

#[tokio::test]
async fn every_service_serves_metrics_that_move_with_a_complaint_and_name_no_one() {
    let stack = Stack::spawn("metrics").await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(P.submission())
        .await
        .expect("the complaint is accepted")
        .into_inner();
    let reference = stack.reference_of(&receipt.submission_id).await;
    stack.mail_reached(P.email).await;

    // The email's row turns to sent just after the server took it, and
    // reporting applies at its own pace: wait for the figures to settle.
    let mut scrapes = Vec::new();
    for attempt in 0.. {
        scrapes.clear();
        for addr in &stack.metrics {
            scrapes.push(scrape(*addr).await);
        }
        let settled = value(
            &scrapes[2].1,
            "complaints_notifications_emails",
            &[("template", "automatic_reply"), ("status", "sent")],
        ) >= 1.0
            && value(
                &scrapes[3].1,
                "complaints_consumer_events_applied_total",
                &[("consumer", reporting::consume::FROM_INTAKE)],
            ) >= 1.0
            && scrapes
                .iter()
                .all(|(_, s)| value(s, "complaints_service_ready", &[]) == 1.0);
        if settled {
            break;
        }
        assert!(attempt < 100, "the metrics did not settle:\n{:#?}", scrapes);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let every_service = [
        "complaints_grpc_requests_total",
        "complaints_grpc_request_duration_seconds_bucket",
        "complaints_grpc_request_duration_seconds_sum",
        "complaints_grpc_request_duration_seconds_count",
        "complaints_consumer_events_applied_total",
        "complaints_consumer_dead_letters_total",
        "complaints_consumer_events_behind",
        "complaints_consumer_oldest_unapplied_age_seconds",
        "complaints_relay_events_behind",
        "complaints_relay_oldest_unpublished_age_seconds",
        "complaints_loop_restarts_total",
        "complaints_loop_running",
        "complaints_db_pool_connections",
        "complaints_nats_connected",
        "complaints_service_ready",
    ];
    let mut live_names = BTreeSet::new();
    for (service, (text, samples)) in SERVICES.iter().zip(&scrapes) {
        for name in every_service {
            // Only intake is called over gRPC here; the others' RPC
            // families have no sample until someone calls them.
            if name.starts_with("complaints_grpc_") && *service != "intake" {
                continue;
            }
            assert!(has(samples, name), "{service} has no {name}:\n{text}");
        }
        assert!(
            samples.iter().all(|s| s.label("service") == Some(*service)),
            "{service}: every sample names its service"
        );
        assert_eq!(value(samples, "complaints_nats_connected", &[]), 1.0);
        assert_eq!(
            value(samples, "complaints_consumer_dead_letters_total", &[]),
            0.0,
            "{service}: no dead letter"
        );
        assert_eq!(
            value(samples, "complaints_loop_restarts_total", &[]),
            0.0,
            "{service}: no loop restarted"
        );
        for loop_name in ["relay", "health-watch", "metrics-server"] {
            assert_eq!(
                value(samples, "complaints_loop_running", &[("loop", loop_name)]),
                1.0,
                "{service}: {loop_name} runs"
            );
        }
        // Nothing personal anywhere in the scrape, labels included.
        let lower = text.to_lowercase();
        for piece in P
            .pieces()
            .into_iter()
            .chain([reference.as_str(), receipt.submission_id.as_str()])
        {
            assert!(
                !lower.contains(&piece.to_lowercase()),
                "{service}'s metrics hold {piece:?}"
            );
        }
        for sample in samples {
            for (label, value) in &sample.labels {
                assert!(
                    matches!(
                        label.as_str(),
                        "service"
                            | "method"
                            | "code"
                            | "le"
                            | "consumer"
                            | "loop"
                            | "state"
                            | "kind"
                            | "stage"
                            | "template"
                            | "status"
                            | "reason"
                    ),
                    "{service}: label {label}={value:?} is not one of the fixed labels"
                );
            }
        }
        live_names.extend(samples.iter().map(|s| s.name.clone()));
    }

    // Intake answered the submission, and timed it.
    let intake = &scrapes[0].1;
    let submit = "/complaints.v1.Intake/SubmitComplaint";
    assert_eq!(
        value(
            intake,
            "complaints_grpc_requests_total",
            &[("method", submit), ("code", "OK")]
        ),
        1.0
    );
    assert_eq!(
        value(
            intake,
            "complaints_grpc_request_duration_seconds_count",
            &[("method", submit)]
        ),
        1.0
    );
    assert_eq!(
        value(
            intake,
            "complaints_grpc_request_duration_seconds_bucket",
            &[("method", submit), ("le", "+Inf")]
        ),
        1.0
    );
    // The complaints service opened it from intake's event, at Stage 1,
    // with its first-contact deadline live (neither approaching nor missed).
    let complaints = &scrapes[1].1;
    assert!(
        value(
            complaints,
            "complaints_consumer_events_applied_total",
            &[("consumer", complaints::opening::CONSUMER)]
        ) >= 1.0
    );
    assert_eq!(
        value(
            complaints,
            "complaints_procedure_open_complaints",
            &[("stage", "1")]
        ),
        1.0
    );
    assert_eq!(
        value(
            complaints,
            "complaints_procedure_deadlines",
            &[("state", "missed")]
        ),
        0.0
    );
    assert!(has(complaints, "complaints_procedure_overdue_complaints"));
    // Notifications applied it and sent the automatic reply.
    let notifications = &scrapes[2].1;
    assert!(
        value(
            notifications,
            "complaints_consumer_events_applied_total",
            &[("consumer", notifications::consume::FROM_INTAKE)]
        ) >= 1.0
    );
    assert_eq!(
        value(
            notifications,
            "complaints_notifications_emails",
            &[("status", "given_up")]
        ),
        0.0
    );
    assert!(has(notifications, "complaints_notifications_email_retries"));
    assert!(has(
        notifications,
        "complaints_notifications_letters_waiting"
    ));
    // Staff missing from STAFF_DIRECTORY: counted, never named.
    assert!(has(
        notifications,
        "complaints_notifications_unlisted_staff_total"
    ));

    // Every name the dashboard and the alert rules use is in a live scrape.
    let used = metric_names_in_deploy_files();
    assert!(
        used.len() >= 15,
        "the deploy files use the metrics: {used:?}"
    );
    let missing: Vec<&String> = used.iter().filter(|n| !live_names.contains(*n)).collect();
    assert!(
        missing.is_empty(),
        "deploy/ uses metrics no service serves: {missing:?}"
    );

    // A loop killed and restarted shows in its restart counter.
    stack.faults("reporting").fail_once("relay");
    let mut restarted = 0.0;
    for _ in 0..100 {
        let (_, samples) = scrape(stack.metrics[3]).await;
        restarted = value(
            &samples,
            "complaints_loop_restarts_total",
            &[("loop", "relay")],
        );
        if restarted >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(restarted, 1.0, "reporting's relay restarted once");

    // Anything but GET /metrics is not found.
    let (status, _, _) = get(stack.metrics[0], "/").await;
    assert_eq!(status, 404);
}
