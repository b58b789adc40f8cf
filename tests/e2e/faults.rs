//! Faults under load: the four services against a PostgreSQL and a NATS of
//! the test's own, while complaints keep arriving through intake, each
//! service is killed with SIGKILL and started again, then NATS is
//! restarted, then PostgreSQL (fast, then immediate, as after a crash).
//!
//! A portal retries a submission whose call failed with the same
//! idempotency key, so the generator does too: every submission ends with a
//! receipt. Once everything is quiet, every count is checked: each accepted
//! submission opened exactly one complaint, reached reporting's log once,
//! and its complainant got exactly one automatic reply, or (if a kill cut
//! that SMTP exchange short) none, with the email recorded as given up
//! and raised to staff: never two, never silently none.

use crate::support::{converges, count, eventually};
use complaints_proto::v1 as pb;
use end_to_end::clients::{self, CallMetadata};
use end_to_end::private::{PrivateNats, PrivatePostgres};
use end_to_end::smtp::SmtpSink;
use end_to_end::{Isolation, SERVICES, ServiceProcess};
use pb::intake_client::IntakeClient;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Pause between two submissions (about seven a second).
const LOAD_INTERVAL: Duration = Duration::from_millis(150);
/// Load between two faults, so each fault lands on work in flight.
const BETWEEN_FAULTS: Duration = Duration::from_secs(3);
/// How long one submission is retried before the test gives up on it.
const SUBMISSION_DEADLINE: Duration = Duration::from_secs(45);
/// After the faults, consumers catch up: a consumer that stops moving for
/// this long is stuck, however busy the machine.
const CATCH_UP_STALLED: Duration = Duration::from_secs(30);
/// The most the catch-up may take in all.
const CATCH_UP_CAP: Duration = Duration::from_secs(120);
const REPLY_SUBJECT: &str = "We have received your complaint";

fn submission(run: &str, i: usize, today: chrono::NaiveDate) -> pb::SubmitComplaintRequest {
    use chrono::Datelike;
    pb::SubmitComplaintRequest {
        idempotency_key: format!("faults-{run}-{i}"),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: format!("Complaint number {i}: my certificate never arrived."),
        complainant: Some(pb::Person {
            first_name: "Fault".into(),
            last_name: format!("Tester{i}"),
            email: email(i),
            ..Default::default()
        }),
        matter_date: Some(pb::Date {
            year: today.year(),
            month: today.month(),
            day: today.day(),
        }),
        ..Default::default()
    }
}

fn email(i: usize) -> String {
    format!("fault-{i}@example.org")
}

/// The four services' settings against the private servers.
fn environments(
    isolation: &Isolation,
    pg: &PrivatePostgres,
    nats: &PrivateNats,
    smtp: &SmtpSink,
) -> HashMap<&'static str, HashMap<String, String>> {
    SERVICES
        .into_iter()
        .map(|service| {
            let mut env = isolation.env(service);
            env.insert("DATABASE_URL".into(), pg.url());
            env.insert("NATS_URL".into(), nats.url());
            env.insert("RELAY_POLL_INTERVAL_MS".into(), "10".into());
            env.insert("NOTIFY_POLL_INTERVAL_MS".into(), "50".into());
            // A claim left by a killed sender is given up after two
            // timeouts: keep that short so the test sees it happen.
            env.insert("SMTP_TIMEOUT_SECONDS".into(), "2".into());
            env.insert("NOTIFY_RETRY_BASE_MS".into(), "200".into());
            env.insert("NOTIFY_RETRY_MAX_MS".into(), "1000".into());
            env.insert("NOTIFY_MONITORS".into(), "monitor-1".into());
            env.insert(
                "STAFF_DIRECTORY".into(),
                "monitor-1|Monitor One|monitor@example.org".into(),
            );
            env.extend(smtp.env());
            (service, env)
        })
        .collect()
}

/// Submissions in flight and their receipts, by submission number.
#[derive(Default)]
struct Ledger {
    receipts: Mutex<HashMap<usize, pb::SubmissionReceipt>>,
    failed_calls: Mutex<usize>,
}

/// Submits complaint `i` until it gets a receipt, through whichever intake
/// process is current, with the same idempotency key every time.
async fn submit_until_received(
    run: Arc<str>,
    i: usize,
    mut intake: watch::Receiver<SocketAddr>,
    ledger: Arc<Ledger>,
    patience: Duration,
) {
    let today = chrono::Utc::now().date_naive();
    let deadline = tokio::time::Instant::now() + SUBMISSION_DEADLINE + patience;
    // A portal backs off while the service is away, as this does: from
    // 300 ms, doubling, to 5 s.
    let mut pause = Duration::from_millis(300);
    loop {
        let addr = *intake.borrow_and_update();
        let mut client = IntakeClient::new(clients::lazy(addr, &CallMetadata::untraced()));
        match client.submit_complaint(submission(&run, i, today)).await {
            Ok(receipt) => {
                ledger
                    .receipts
                    .lock()
                    .unwrap()
                    .insert(i, receipt.into_inner());
                return;
            }
            Err(_) => *ledger.failed_calls.lock().unwrap() += 1,
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "submission {i} got no receipt within {SUBMISSION_DEADLINE:?}"
        );
        tokio::select! {
            _ = intake.changed() => {}
            _ = tokio::time::sleep(pause) => {}
        }
        pause = (pause * 2).min(Duration::from_secs(5));
    }
}

/// The running services, restarted as a supervisor would.
struct Services {
    env: HashMap<&'static str, HashMap<String, String>>,
    running: HashMap<&'static str, ServiceProcess>,
    intake_addr: watch::Sender<SocketAddr>,
    /// Restarts of processes that exited by themselves (not killed by the test).
    exited: Vec<String>,
}

impl Services {
    async fn start(env: HashMap<&'static str, HashMap<String, String>>) -> Self {
        let mut running = HashMap::new();
        for service in SERVICES {
            running.insert(service, ServiceProcess::spawn(service, &env[service]).await);
        }
        let (intake_addr, _) = watch::channel(running["intake"].addr);
        Self {
            env,
            running,
            intake_addr,
            exited: Vec::new(),
        }
    }

    /// SIGKILL, then a new process with the same settings.
    async fn kill_and_restart(&mut self, service: &'static str) {
        let mut process = self.running.remove(service).expect("the service runs");
        process.child.start_kill().expect("sending SIGKILL");
        tokio::time::timeout(Duration::from_secs(10), process.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{service} did not die of SIGKILL within 10 s"))
            .expect("waiting for the killed child");
        self.spawn(service).await;
    }

    async fn spawn(&mut self, service: &'static str) {
        let process = ServiceProcess::spawn(service, &self.env[service]).await;
        if service == "intake" {
            self.intake_addr.send_replace(process.addr);
        }
        self.running.insert(service, process);
    }

    /// Starts again any service that exited by itself (e.g. on losing its
    /// database), as the orchestrator would; remembers which.
    async fn revive(&mut self) {
        for service in SERVICES {
            let exited = self
                .running
                .get_mut(service)
                .and_then(|p| p.child.try_wait().ok().flatten());
            if let Some(status) = exited {
                self.exited.push(format!("{service}: {status}"));
                self.running.remove(service);
                self.spawn(service).await;
            }
        }
    }
}

/// What goes wrong while the load runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Faults {
    /// Each service killed and started again, NATS restarted, PostgreSQL
    /// restarted fast and then as after a crash.
    KillsAndRestarts,
    /// PostgreSQL away for this long, then NATS for as long.
    Outages(Duration),
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_steady_load_killed_services_and_restarted_nats_and_postgres_lose_no_complaint_and_send_no_reply_twice()
 {
    tokio::time::timeout(Duration::from_secs(300), faults(Faults::KillsAndRestarts))
        .await
        .expect("the run under faults finishes within 300 s");
}

/// The length of each outage: five minutes, or `FAULT_OUTAGE_SECONDS`
/// (for a shorter run while working on the test itself).
fn outage() -> Duration {
    let seconds = std::env::var("FAULT_OUTAGE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    Duration::from_secs(seconds)
}

/// PostgreSQL away for five minutes under load, then NATS for five: no
/// event is dead-lettered (an event waits for its database, it is not the
/// event's fault), nothing is lost or sent twice, no email is given up
/// for an outage that began after the mail server took it, and the
/// services resume on their own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn under_steady_load_five_minute_outages_of_postgres_and_of_nats_lose_nothing_and_dead_letter_nothing()
 {
    let outage = outage();
    tokio::time::timeout(
        outage * 2 + Duration::from_secs(420),
        faults(Faults::Outages(outage)),
    )
    .await
    .expect("the run under outages finishes");
}

async fn faults(faults: Faults) {
    let (pg, mut nats) =
        tokio::task::spawn_blocking(|| (PrivatePostgres::start(), PrivateNats::start()))
            .await
            .expect("starting the private servers");
    let pg = Arc::new(pg);
    let isolation = Isolation::fresh("faults");
    let smtp = SmtpSink::start();
    let mut services = Services::start(environments(&isolation, &pg, &nats, &smtp)).await;

    // 1. Steady load, each submission retried until it has a receipt.
    let run: Arc<str> = isolation.schema_suffix.clone().into();
    let ledger = Arc::new(Ledger::default());
    let stop_load = tokio_util::sync::CancellationToken::new();
    // A submission made as an outage begins is answered after both
    // outages at the latest: its patience covers them.
    let patience = match faults {
        Faults::KillsAndRestarts => Duration::ZERO,
        Faults::Outages(outage) => outage * 2 + Duration::from_secs(60),
    };
    let generator = {
        let (run, ledger, stop) = (run.clone(), ledger.clone(), stop_load.clone());
        let intake = services.intake_addr.subscribe();
        tokio::spawn(async move {
            let mut submissions = Vec::new();
            let mut ticks = tokio::time::interval(LOAD_INTERVAL);
            for i in 0.. {
                tokio::select! {
                    _ = stop.cancelled() => break,
                    _ = ticks.tick() => {}
                }
                submissions.push(tokio::spawn(submit_until_received(
                    run.clone(),
                    i,
                    intake.clone(),
                    ledger.clone(),
                    patience,
                )));
            }
            let submitted = submissions.len();
            for submission in submissions {
                submission.await.expect("a submission gets its receipt");
            }
            submitted
        })
    };

    // 2. The faults, one after another, each under load.
    tokio::time::sleep(BETWEEN_FAULTS).await;
    match faults {
        Faults::KillsAndRestarts => {
            for service in SERVICES {
                services.kill_and_restart(service).await;
                tokio::time::sleep(BETWEEN_FAULTS).await;
            }
            tokio::task::block_in_place(|| nats.restart());
            tokio::time::sleep(BETWEEN_FAULTS).await;
            services.revive().await;
            for mode in ["fast", "immediate"] {
                let pg = pg.clone();
                tokio::task::spawn_blocking(move || pg.restart(mode))
                    .await
                    .expect("restarting PostgreSQL");
                tokio::time::sleep(BETWEEN_FAULTS).await;
                services.revive().await;
            }
        }
        Faults::Outages(outage) => {
            let away = pg.clone();
            tokio::task::spawn_blocking(move || away.stop())
                .await
                .expect("stopping PostgreSQL");
            eprintln!("faults: PostgreSQL away for {outage:?}");
            tokio::time::sleep(outage).await;
            let back = pg.clone();
            tokio::task::spawn_blocking(move || back.start_again())
                .await
                .expect("starting PostgreSQL again");
            tokio::time::sleep(BETWEEN_FAULTS * 3).await;
            services.revive().await;
            tokio::task::block_in_place(|| nats.stop());
            eprintln!("faults: NATS away for {outage:?}");
            tokio::time::sleep(outage).await;
            tokio::task::block_in_place(|| nats.start_again());
            tokio::time::sleep(BETWEEN_FAULTS * 3).await;
            services.revive().await;
        }
    }

    // 3. Stop the load; every submission ends with a receipt.
    stop_load.cancel();
    let submitted = tokio::time::timeout(SUBMISSION_DEADLINE, generator)
        .await
        .expect("every submission is answered")
        .expect("the load generator finishes");
    let receipts = ledger.receipts.lock().unwrap().clone();
    assert_eq!(receipts.len(), submitted);
    let n = submitted as i64;
    assert!(
        receipts
            .values()
            .all(|r| r.status == pb::TriageStatus::Accepted as i32),
        "every submission is accepted"
    );
    let submission_ids: HashSet<String> =
        receipts.values().map(|r| r.submission_id.clone()).collect();
    assert_eq!(
        submission_ids.len(),
        submitted,
        "one submission per idempotency key"
    );

    // 4. Quiescence: every consumer has applied what was published, and no
    // email waits or is being sent.
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(10))
        .connect(&pg.url())
        .await
        .expect("the private database answers");
    let schema = |service: &str| isolation.schema(service);
    let intake_events = format!(
        "SELECT count(*) FROM \"{}\".events WHERE event_type <> 'complaints.v1.AttachmentReceived'",
        schema("intake")
    );
    let complaint_events = format!("SELECT count(*) FROM \"{}\".events", schema("complaints"));
    let inbox = |service: &str, consumer: &str| {
        format!(
            "SELECT count(*) FROM \"{}\".processed_events WHERE consumer = '{consumer}'",
            schema(service)
        )
    };
    let caught_up = [
        (
            inbox("complaints", "complaints-open-accepted"),
            &intake_events,
        ),
        (
            inbox("notifications", "notifications-intake"),
            &intake_events,
        ),
        (inbox("reporting", "reporting-intake"), &intake_events),
        (
            inbox("notifications", "notifications-complaints"),
            &complaint_events,
        ),
        (
            inbox("reporting", "reporting-complaints"),
            &complaint_events,
        ),
    ];
    let complaints_sql = format!(
        "SELECT count(*) FROM \"{}\".complaints",
        schema("complaints")
    );
    converges(
        &format!("{n} complaints are opened"),
        CATCH_UP_STALLED,
        CATCH_UP_CAP,
        || {
            let (pool, sql) = (pool.clone(), complaints_sql.clone());
            async move { (count(&pool, &sql).await, n) }
        },
    )
    .await;
    for (applied, published) in &caught_up {
        converges(
            &format!("{applied} reaches {published}"),
            CATCH_UP_STALLED,
            CATCH_UP_CAP,
            || {
                let pool = pool.clone();
                async move { (count(&pool, applied).await, count(&pool, published).await) }
            },
        )
        .await;
        assert_eq!(
            count(&pool, applied).await,
            count(&pool, published).await,
            "{applied}: applied no more than was published"
        );
    }
    let unfinished_email = format!(
        "SELECT count(*) FROM \"{}\".notifications WHERE channel = {} AND (status IN ({}, {}) OR sending_since IS NOT NULL)",
        schema("notifications"),
        pb::DeliveryChannel::Email as i32,
        pb::NotificationStatus::Queued as i32,
        pb::NotificationStatus::Failed as i32,
    );
    eventually(
        "no email waits or is being sent",
        Duration::from_secs(30),
        || {
            let (pool, sql) = (pool.clone(), unfinished_email.clone());
            async move { (count(&pool, &sql).await == 0).then_some(()) }
        },
    )
    .await;
    // Every relay has moved past the last event of its log, so what the
    // bus holds can be compared with the logs once the services stop.
    for service in SERVICES {
        let relayed = format!(
            "SELECT coalesce((SELECT global_position FROM \"{0}\".checkpoints WHERE name = 'bus-relay'), 0)",
            schema(service)
        );
        let last = format!(
            "SELECT coalesce(max(global_position), 0) FROM \"{0}\".events",
            schema(service)
        );
        converges(
            &format!("{service}'s relay reaches the end of its log"),
            CATCH_UP_STALLED,
            CATCH_UP_CAP,
            || {
                let (pool, relayed, last) = (pool.clone(), relayed.clone(), last.clone());
                async move { (count(&pool, &relayed).await, count(&pool, &last).await) }
            },
        )
        .await;
    }
    let exited = services.exited.clone();
    // What the sender said about the claims it held through the outages
    // (no personal data in it), shown below.
    let notifications_log = services.running["notifications"].log.clone();
    for (name, process) in services.running {
        let status = process.terminate().await;
        assert!(status.success(), "{name} stops cleanly: {status}");
    }

    let one = |sql: String| {
        let pool = pool.clone();
        async move { count(&pool, &sql).await }
    };

    // 5. Exactly one complaint per accepted submission.
    let complaints = schema("complaints");
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{}\".submissions",
            schema("intake")
        ))
        .await,
        n,
        "intake holds one submission per receipt"
    );
    assert_eq!(one(complaints_sql.clone()).await, n, "one complaint each");
    let opened_from: HashSet<String> = sqlx::query_scalar(&format!(
        "SELECT submission_id::text FROM \"{complaints}\".complaints"
    ))
    .fetch_all(&pool)
    .await
    .expect("reading the opened complaints")
    .into_iter()
    .collect();
    assert_eq!(
        opened_from, submission_ids,
        "the complaints are those submitted"
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{complaints}\".events WHERE event_type = 'complaints.v1.ComplaintOpened'"
        ))
        .await,
        n,
        "one ComplaintOpened per submission"
    );
    for service in SERVICES {
        let broken = one(format!(
            "SELECT count(*) FROM (
                 SELECT e.stream_id FROM \"{0}\".events e JOIN \"{0}\".streams s USING (stream_id)
                 GROUP BY e.stream_id, s.version
                 HAVING count(*) <> max(e.stream_version) OR min(e.stream_version) <> 1
                     OR count(DISTINCT e.stream_version) <> count(*) OR max(e.stream_version) <> s.version
             ) broken",
            schema(service)
        ))
        .await;
        assert_eq!(broken, 0, "{service}: every stream is contiguous");
    }

    // 6. One automatic reply per complainant, or none and given up.
    let notifications = schema("notifications");
    let replies: Vec<(String, i32, String)> = sqlx::query_as(&format!(
        "SELECT lower(email), status, detail FROM \"{notifications}\".notifications WHERE template = 'automatic_reply'"
    ))
    .fetch_all(&pool)
    .await
    .expect("reading the automatic replies");
    assert_eq!(replies.len(), submitted, "one automatic reply planned each");
    let mut delivered: HashMap<String, usize> = HashMap::new();
    for message in smtp.received() {
        if message.subject().contains(REPLY_SUBJECT) {
            for to in &message.to {
                *delivered.entry(to.to_lowercase()).or_default() += 1;
            }
        }
    }
    let mut given_up = 0;
    for i in 0..submitted {
        let address = email(i);
        let copies = delivered.get(&address).copied().unwrap_or(0);
        let (_, status, detail) = replies
            .iter()
            .find(|(e, _, _)| *e == address)
            .unwrap_or_else(|| panic!("{address}: no automatic reply planned"));
        assert!(copies <= 1, "{address}: {copies} automatic replies");
        if *status == pb::NotificationStatus::GivenUp as i32 {
            // Only a kill (or a lost database) during the SMTP exchange
            // may give a reply up: the sink itself never refuses.
            assert!(
                detail.contains("during the SMTP exchange"),
                "{address}: given up for another reason: {detail}"
            );
            given_up += 1;
            eprintln!(
                "faults: the automatic reply to {address} was given up ({copies} copy reached the server)"
            );
        } else {
            assert_eq!(
                (copies, *status),
                (1, pb::NotificationStatus::Sent as i32),
                "{address}: the automatic reply is sent once, or given up"
            );
        }
    }
    for line in notifications_log.lock().unwrap().iter() {
        if line.contains("claim") || line.contains("SMTP result") {
            eprintln!("faults: notifications: {line}");
        }
    }
    if let Faults::Outages(_) = faults {
        // No service was killed: an email is given up only when the mail
        // server refused it, and the sink never does.
        assert_eq!(given_up, 0, "no automatic reply given up for an outage");
    }
    if given_up > 0 {
        assert!(
            one(format!(
                "SELECT count(*) FROM \"{notifications}\".notifications
                 WHERE cause_event_type = 'complaints.v1.NotificationGivenUp'"
            ))
            .await
                >= given_up as i64,
            "every reply given up is raised to staff"
        );
    }

    // 7. Reporting's log: one record per accepted submission, opened once.
    let reporting = schema("reporting");
    for (what, sql) in [
        (
            "records",
            format!("SELECT count(*) FROM \"{reporting}\".anonymised_records"),
        ),
        (
            "accepted records",
            format!("SELECT count(*) FROM \"{reporting}\".anonymised_records WHERE accepted"),
        ),
        (
            "records at Stage 1",
            format!(
                "SELECT count(*) FROM \"{reporting}\".anonymised_records WHERE stage_reached = 1"
            ),
        ),
        (
            "openings applied",
            format!(
                "SELECT count(*) FROM \"{reporting}\".log_entries WHERE event_type = 'complaints.v1.ComplaintOpened'"
            ),
        ),
    ] {
        assert_eq!(one(sql).await, n, "reporting: {what}");
    }

    // 8. Nothing was dead-lettered on the way.
    let bus = bus::Bus::connect(&bus::BusSettings {
        url: nats.url(),
        namespace: bus::Namespace::parse(&isolation.namespace).expect("a valid namespace"),
        duplicate_window: Duration::from_secs(120),
        auth: bus::BusAuth::None,
        ca_file: None,
    })
    .await
    .expect("the private NATS answers");
    let mut dead = bus
        .jetstream()
        .get_stream(bus.dead_letter_stream_name())
        .await
        .expect("the dead-letter stream exists");
    assert_eq!(
        dead.info().await.expect("its info").state.messages,
        0,
        "nothing was dead-lettered"
    );
    let mut public = 0;
    for service in SERVICES {
        let sql = if service == "intake" {
            intake_events.clone()
        } else {
            format!("SELECT count(*) FROM \"{}\".events", schema(service))
        };
        public += one(sql).await as u64;
    }
    let mut events = bus
        .jetstream()
        .get_stream(bus.stream_name())
        .await
        .expect("the event stream exists");
    assert_eq!(
        events.info().await.expect("its info").state.messages,
        public,
        "the bus holds each public event once, however often a relay retried"
    );

    eprintln!(
        "faults: {submitted} submissions, {} failed calls retried, {given_up} automatic replies given up, \
         services that exited by themselves: {:?}",
        ledger.failed_calls.lock().unwrap(),
        exited,
    );
    pool.close().await;
    drop(bus);
    tokio::task::block_in_place(|| drop((nats, pg)));
}
