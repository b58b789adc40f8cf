//! No background loop dies silently: the four services in-process, each
//! loop of each killed by a panic inside it (`platform::Faults`), and each
//! seen started again and doing its work: a complaint still flows from
//! intake to the automatic reply and the committee's figures, an email
//! still goes out, a deadline is still marked, what is due is still
//! destroyed. A loop that fails at every start takes the service's health
//! down until it runs again.

use super::stack::{Person, SERVICES, Stack};
use crate::support::{count, eventually};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::FixedClock;
use platform::testing::channel;
use std::net::SocketAddr;
use std::time::Duration;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// Generous: a machine busy with other tests is slow, not wrong.
const WITHIN: Duration = Duration::from_secs(90);

/// The background loops of `service` in a stack with its default settings
/// (no JWKS URL, so no `jwks-refresh`), sorted.
fn loops_of(service: &str) -> Vec<String> {
    let loops: &[&str] = match service {
        "intake" => &[
            "consumer:intake-complaint-links",
            "consumer:intake-retention-facts",
            "health-watch",
            "metrics-server",
            "relay",
            "retention-job",
        ],
        "complaints" => &[
            "consumer:complaints-open-accepted",
            "consumer:complaints-outcome-delivered",
            "consumer:complaints-retention-facts",
            "deadline-watcher",
            "health-watch",
            "metrics-server",
            "relay",
            "retention-job",
        ],
        "notifications" => &[
            "consumer:notifications-complaints",
            "consumer:notifications-intake",
            "consumer:notifications-retention-facts",
            "email-listener",
            "health-watch",
            "metrics-server",
            "relay",
            "retention-job",
            "sender-0",
            "sender-1",
            "sender-2",
            "sender-3",
        ],
        "reporting" => &[
            "consumer:reporting-complaints",
            "consumer:reporting-intake",
            "consumer:reporting-retention-facts",
            "health-watch",
            "metrics-server",
            "relay",
            "retention-job",
        ],
        other => panic!("no service {other}"),
    };
    loops.iter().map(|l| l.to_string()).collect()
}

/// Waits until every loop of every service is under supervision (the
/// last ones start when a service begins to serve).
async fn all_supervised(stack: &Stack) {
    for service in SERVICES {
        let faults = stack.faults(service);
        eventually(
            &format!("{service}'s loops are all supervised"),
            WITHIN,
            || async { (faults.loops() == loops_of(service)).then_some(()) },
        )
        .await;
    }
}

/// Kills each of `loops` of `service` once, by a panic inside it, and
/// waits until the supervisor has started each again.
async fn kill(stack: &Stack, service: &str, loops: &[String]) {
    let faults = stack.faults(service);
    let before: Vec<u64> = loops.iter().map(|l| faults.restarts(l)).collect();
    for name in loops {
        faults.fail_once(name);
    }
    for (name, before) in loops.iter().zip(before) {
        eventually(
            &format!("{service}'s {name} is started again"),
            WITHIN,
            || async { (faults.restarts(name) > before).then_some(()) },
        )
        .await;
    }
}

/// The overall grpc.health.v1 status of the service at `addr`: readiness.
async fn health(addr: SocketAddr) -> ServingStatus {
    health_of(addr, "").await
}

/// The status of one health service name at `addr`.
async fn health_of(addr: SocketAddr, name: &str) -> ServingStatus {
    let mut client = HealthClient::new(channel(addr).await);
    match client
        .check(HealthCheckRequest {
            service: name.to_owned(),
        })
        .await
    {
        Ok(response) => response.into_inner().status(),
        Err(_) => ServingStatus::Unknown,
    }
}

async fn health_becomes(stack: &Stack, service: &str, status: ServingStatus) {
    let addr = stack.addrs[SERVICES.iter().position(|s| *s == service).unwrap()];
    eventually(
        &format!("{service} reports {status:?}"),
        WITHIN,
        || async move { (health(addr).await == status).then_some(()) },
    )
    .await;
}

/// Events of `event_type` in the complaint stream `reference`.
async fn complaint_events(
    stack: &Stack,
    pool: &sqlx::PgPool,
    reference: &str,
    event_type: &str,
) -> i64 {
    let sql = format!(
        "SELECT count(*) FROM \"{}\".events WHERE stream_id = '{reference}' AND event_type = '{event_type}'",
        stack.settings[1].database.schema.as_str()
    );
    count(pool, &sql).await
}

const RELAYED: Person = Person {
    first_name: "Ottoline",
    last_name: "Fairweather",
    email: "ottoline.fairweather@example.org",
    detail: "Lantern-harp: my exam result never arrived.",
    attachment: "",
};

#[tokio::test]
async fn killed_relays_consumers_and_health_watchers_come_back_and_a_complaint_still_flows_through_all_four()
 {
    let stack = Stack::spawn("loopsflow").await;
    all_supervised(&stack).await;
    for service in SERVICES {
        let loops: Vec<String> = loops_of(service)
            .into_iter()
            .filter(|l| {
                l == "relay"
                    || l == "health-watch"
                    || l == "metrics-server"
                    || l.starts_with("consumer:")
            })
            .collect();
        kill(&stack, service, &loops).await;
    }

    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(RELAYED.submission())
        .await
        .unwrap()
        .into_inner();
    // Intake's relay and complaints' consumer: the complaint is opened.
    stack.reference_of(&receipt.submission_id).await;
    // Complaints' relay and notifications' consumers and senders.
    stack.mail_reached(RELAYED.email).await;
    // Reporting's consumers.
    stack.settled_figures(1).await;
    for service in SERVICES {
        health_becomes(&stack, service, ServingStatus::Serving).await;
        assert_eq!(
            stack.faults(service).loops(),
            loops_of(service),
            "no loop of {service} is gone"
        );
    }
}

const MAILED: Person = Person {
    first_name: "Barnaby",
    last_name: "Quillfeather",
    email: "barnaby.quillfeather@example.net",
    detail: "Teapot-sextant: my certificate has the wrong name on it.",
    attachment: "",
};

#[tokio::test]
async fn killed_senders_and_email_listener_come_back_and_an_email_still_goes_out_at_once() {
    // Senders that look for due emails only once a minute: an email goes
    // out at once only if the listener wakes them.
    let stack = Stack::spawn_with(
        "loopsmail",
        None,
        &[("NOTIFY_POLL_INTERVAL_MS", "60000".to_owned())],
    )
    .await;
    all_supervised(&stack).await;
    let loops: Vec<String> = loops_of("notifications")
        .into_iter()
        .filter(|l| l.starts_with("sender-") || l == "email-listener")
        .collect();
    assert_eq!(loops.len(), 5);
    kill(&stack, "notifications", &loops).await;
    // The senders started again look once at start; after that, only the
    // listener's wake-up finds the new email before the minute is out.
    tokio::time::sleep(Duration::from_secs(1)).await;

    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    intake.submit_complaint(MAILED.submission()).await.unwrap();
    stack.mail_reached(MAILED.email).await;
    health_becomes(&stack, "notifications", ServingStatus::Serving).await;
}

const LATE: Person = Person {
    first_name: "Clementine",
    last_name: "Ashgrove",
    email: "clementine.ashgrove@example.org",
    detail: "Kettle-orrery: nobody has called me back.",
    attachment: "",
};

#[tokio::test]
async fn a_killed_deadline_watcher_comes_back_and_still_marks_a_missed_deadline() {
    let clock = FixedClock::at(chrono::Utc::now());
    let stack = Stack::spawn_with(
        "loopsdeadline",
        Some(clock.clone()),
        &[("DEADLINE_WATCH_INTERVAL_SECONDS", "1".to_owned())],
    )
    .await;
    all_supervised(&stack).await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(LATE.submission())
        .await
        .unwrap()
        .into_inner();
    let reference = stack.reference_of(&receipt.submission_id).await;
    let pool = crate::support::database().await;
    let missed = "complaints.v1.DeadlineMissed";
    assert_eq!(complaint_events(&stack, &pool, &reference, missed).await, 0);

    kill(&stack, "complaints", &["deadline-watcher".to_owned()]).await;
    // First contact is due within 7 working days: three weeks on, missed.
    clock.advance(chrono::Duration::days(21));
    eventually("the first-contact deadline is marked missed", WITHIN, || {
        let (stack, pool, reference) = (&stack, &pool, &reference);
        async move { (complaint_events(stack, pool, reference, missed).await > 0).then_some(()) }
    })
    .await;
    health_becomes(&stack, "complaints", ServingStatus::Serving).await;
}

const KEPT_TOO_LONG: Person = Person {
    first_name: "Ignatius",
    last_name: "Brackenbury",
    email: "ignatius.brackenbury@example.net",
    detail: "Weathervane-lute: my membership was cancelled by mistake.",
    attachment: "",
};

#[tokio::test]
async fn killed_retention_jobs_and_fact_consumers_come_back_and_still_destroy_what_is_due() {
    let clock = FixedClock::at(chrono::Utc::now());
    let stack = Stack::spawn_with(
        "loopsretention",
        Some(clock.clone()),
        &[("RETENTION_JOB_INTERVAL", "1s".to_owned())],
    )
    .await;
    all_supervised(&stack).await;
    for service in SERVICES {
        let loops = vec![
            "retention-job".to_owned(),
            format!("consumer:{service}-retention-facts"),
        ];
        kill(&stack, service, &loops).await;
    }

    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let mut complaints = ComplaintsClient::new(channel(stack.addrs[1]).await);
    let receipt = intake
        .submit_complaint(KEPT_TOO_LONG.submission())
        .await
        .unwrap()
        .into_inner();
    let reference = stack.reference_of(&receipt.submission_id).await;
    stack.mail_reached(KEPT_TOO_LONG.email).await;
    complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: Some(pb::ComplaintCommand {
                reference: reference.clone(),
                acting_user: "handler-1".into(),
                expected_version: None,
            }),
            how: "Resolved by telephone the same day".into(),
        })
        .await
        .unwrap();
    stack.settled_figures(1).await;

    // Six years and two days on, the closed complaint is due: complaints'
    // job destroys it and tells the others, whose jobs destroy theirs.
    clock.advance(chrono::Duration::days(6 * 366 + 2));
    let pool = crate::support::database().await;
    let dpo = stack.dpo().await;
    let submission = format!("submission-{}", receipt.submission_id);
    for (index, service) in SERVICES.iter().enumerate().take(3) {
        let client = dpo[index].clone();
        eventually(
            &format!("{service}'s retention job destroys the complaint's records"),
            WITHIN,
            || {
                let mut client = client.clone();
                let (reference, submission) = (&reference, &submission);
                async move {
                    let tombstones = client
                        .list_destructions(pb::ListDestructionsRequest {})
                        .await
                        .unwrap()
                        .into_inner()
                        .tombstones;
                    let streams: Vec<String> =
                        tombstones.into_iter().map(|t| t.stream_id).collect();
                    let done = match *service {
                        "intake" => streams.contains(submission),
                        "complaints" => streams.contains(reference),
                        _ => !streams.is_empty(),
                    };
                    done.then_some(())
                }
            },
        )
        .await;
    }
    // Reporting keeps no events of its own: its job drops the link and
    // notes the record's source as destroyed.
    let reporting = stack.settings[3].database.schema.as_str().to_owned();
    eventually("reporting's retention job drops the link", WITHIN, || {
        let (pool, reporting) = (&pool, &reporting);
        async move {
            let sql = format!("SELECT count(*) FROM \"{reporting}\".destroyed_sources");
            (count(pool, &sql).await > 0).then_some(())
        }
    })
    .await;
    for service in SERVICES {
        let schema = &stack.settings[SERVICES.iter().position(|s| *s == service).unwrap()]
            .database
            .schema;
        let sql = format!("SELECT count(*) FROM \"{}\".retention_due", schema.as_str());
        eventually(
            &format!("{service}'s retention queue is empty"),
            WITHIN,
            || {
                let (pool, sql) = (&pool, &sql);
                async move { (count(pool, sql).await == 0).then_some(()) }
            },
        )
        .await;
    }
}

#[tokio::test]
async fn a_loop_failing_at_every_start_takes_its_service_down_until_it_runs_again() {
    let stack = Stack::spawn("loopshealth").await;
    all_supervised(&stack).await;
    // One loop of each service.
    let failing = [
        ("intake", "relay"),
        ("complaints", "deadline-watcher"),
        ("notifications", "sender-0"),
        ("reporting", "consumer:reporting-intake"),
    ];
    for (service, _) in failing {
        health_becomes(&stack, service, ServingStatus::Serving).await;
    }
    for (service, name) in failing {
        stack.faults(service).fail_always(name);
    }
    for (service, name) in failing {
        health_becomes(&stack, service, ServingStatus::NotServing).await;
        let faults = stack.faults(service);
        eventually(
            &format!("{service}'s {name} keeps being started again"),
            WITHIN,
            || async { (faults.restarts(name) >= 3).then_some(()) },
        )
        .await;
        // Crash-looping: down even in the moments the loop is up.
        health_becomes(&stack, service, ServingStatus::NotServing).await;
        // Not ready, yet alive: liveness never follows the loops or the
        // dependencies, so an orchestrator does not restart the process.
        let addr = stack.addrs[SERVICES.iter().position(|s| *s == service).unwrap()];
        assert_eq!(
            health_of(addr, platform::health::LIVENESS).await,
            ServingStatus::Serving,
            "{service} stays live while not ready"
        );
    }
    for (service, name) in failing {
        stack.faults(service).clear(name);
    }
    for (service, _) in failing {
        health_becomes(&stack, service, ServingStatus::Serving).await;
    }
}
