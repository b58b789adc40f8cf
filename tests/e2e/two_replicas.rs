//! Two processes of each service on the same schemas and bus namespace,
//! as a deployment with replicas runs them: same consumer names (the
//! replicas take turns applying, from one saved position), one relay leader
//! per service (PostgreSQL advisory lock), inboxes against redelivery and
//! optimistic concurrency on every stream.
//!
//! Complaints are submitted through both intake replicas at once (some
//! twice, once through each), commands go through both complaints
//! replicas, several at once on the same complaint, and then every count
//! is checked: nothing lost, nothing applied or sent twice.

use crate::support::{count, database, eventually};
use complaints_proto::v1 as pb;
use end_to_end::clients::{self, CallMetadata, Traced};
use end_to_end::smtp::SmtpSink;
use end_to_end::{Isolation, SERVICES, ServiceProcess};
use futures::StreamExt;
use pb::complaints_client::ComplaintsClient;
use pb::intake_client::IntakeClient;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

/// Complaints submitted.
const N: usize = 40;
/// Of those, submitted a second time through the other intake replica.
const RESUBMITTED: usize = 6;
/// Complaints taken to a Stage 1 outcome, alternating replicas.
const DECIDED: usize = 10;
/// Complaints given several actions at once, through both replicas.
const CONTENDED: usize = 4;
const ACTIONS_AT_ONCE: usize = 8;

fn submission(i: usize, today: chrono::NaiveDate) -> pb::SubmitComplaintRequest {
    use chrono::Datelike;
    pb::SubmitComplaintRequest {
        idempotency_key: format!("replicas-{i}"),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: format!("Complaint number {i}: my results were published late."),
        complainant: Some(pb::Person {
            first_name: "Replica".into(),
            last_name: format!("Tester{i}"),
            email: format!("replica-{i}@example.org"),
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

fn acting(reference: &str, user: &str) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference: reference.into(),
        acting_user: user.into(),
        expected_version: None,
    })
}

/// Starts two processes of every service at once.
async fn start_replicas(
    isolation: &Isolation,
    smtp: &SmtpSink,
) -> HashMap<&'static str, Vec<ServiceProcess>> {
    let mut starting = Vec::new();
    for service in SERVICES {
        let mut env = isolation.env(service);
        env.insert("RELAY_POLL_INTERVAL_MS".into(), "10".into());
        env.insert("NOTIFY_POLL_INTERVAL_MS".into(), "50".into());
        env.extend(smtp.env());
        for _ in 0..2 {
            let env = env.clone();
            starting.push((
                service,
                tokio::spawn(async move { ServiceProcess::spawn(service, &env).await }),
            ));
        }
    }
    let mut running: HashMap<&'static str, Vec<ServiceProcess>> = HashMap::new();
    for (service, started) in starting {
        let process = started.await.expect("the replica starts");
        running.entry(service).or_default().push(process);
    }
    running
}

#[tokio::test]
async fn two_replicas_of_every_service_lose_nothing_and_do_nothing_twice() {
    tokio::time::timeout(Duration::from_secs(90), two_replicas())
        .await
        .expect("the replicated run finishes within 90 s");
}

async fn two_replicas() {
    let isolation = Isolation::fresh("replicas");
    let smtp = SmtpSink::start();
    let running = start_replicas(&isolation, &smtp).await;
    let none = CallMetadata::untraced();
    let mut intake: Vec<IntakeClient<Traced>> = Vec::new();
    for replica in &running["intake"] {
        intake.push(clients::intake(replica, &none).await);
    }
    let mut complaints: Vec<ComplaintsClient<Traced>> = Vec::new();
    for replica in &running["complaints"] {
        complaints.push(clients::complaints(replica, &none).await);
    }

    // 1. Submissions through both intake replicas at once; some twice.
    let today = chrono::Utc::now().date_naive();
    let mut calls = Vec::new();
    for i in 0..N + RESUBMITTED {
        let (complaint, replica) = if i < N {
            (i, i % 2)
        } else {
            (i - N, (i + 1) % 2)
        };
        let mut client = intake[replica].clone();
        calls.push(tokio::spawn(async move {
            let receipt = client
                .submit_complaint(submission(complaint, today))
                .await
                .unwrap_or_else(|e| panic!("submission {complaint}: {e:?}"))
                .into_inner();
            (complaint, receipt)
        }));
    }
    let mut submission_of: HashMap<usize, String> = HashMap::new();
    for call in calls {
        let (complaint, receipt) = call.await.unwrap();
        assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);
        if let Some(first) = submission_of.insert(complaint, receipt.submission_id.clone()) {
            assert_eq!(
                first, receipt.submission_id,
                "a resubmission through the other replica answers with the first receipt"
            );
        }
    }
    assert_eq!(submission_of.len(), N);

    // 2. Every accepted submission is opened once.
    let pool = database().await;
    let schema = |service: &str| isolation.schema(service);
    let opened_sql = format!(
        "SELECT count(*) FROM \"{}\".complaints",
        schema("complaints")
    );
    eventually(
        &format!("{N} complaints are opened"),
        Duration::from_secs(30),
        || {
            let (pool, sql) = (pool.clone(), opened_sql.clone());
            async move { (count(&pool, &sql).await >= N as i64).then_some(()) }
        },
    )
    .await;
    let references: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT reference FROM \"{}\".complaints ORDER BY reference",
        schema("complaints")
    ))
    .fetch_all(&pool)
    .await
    .unwrap_or_else(|e| panic!("reading the opened complaints: {e:?}"));

    // 3. Stage 1 outcomes, each complaint's commands alternating replicas.
    let mut calls = Vec::new();
    for (k, reference) in references.iter().take(DECIDED).enumerate() {
        let mut first = complaints[k % 2].clone();
        let mut second = complaints[(k + 1) % 2].clone();
        let reference = reference.clone();
        calls.push(tokio::spawn(async move {
            first
                .assign_handler(pb::AssignHandlerRequest {
                    command: acting(&reference, "supervisor-1"),
                    handler: "handler-1".into(),
                    team: "Customer Services".into(),
                    role: pb::HandlerRole::Handler as i32,
                })
                .await
                .unwrap_or_else(|e| panic!("assigning {reference}: {e:?}"));
            second
                .record_outcome(pb::RecordOutcomeRequest {
                    command: acting(&reference, "handler-1"),
                    stage: pb::Stage::Stage1 as i32,
                    decision: pb::Decision::NotUpheld as i32,
                    findings: "The results were released on time.".into(),
                    ..Default::default()
                })
                .await
                .unwrap_or_else(|e| panic!("deciding {reference}: {e:?}"));
        }));
    }
    for call in calls {
        call.await.unwrap();
    }

    // 4. Several actions at once on the same complaint, through both
    // replicas: each succeeds or is told to retry (ABORTED), never lost.
    let mut calls = Vec::new();
    for reference in references.iter().skip(DECIDED).take(CONTENDED) {
        for n in 0..ACTIONS_AT_ONCE {
            let mut client = complaints[n % 2].clone();
            let reference = reference.clone();
            calls.push(tokio::spawn(async move {
                let result = client
                    .add_action(pb::AddActionRequest {
                        command: acting(&reference, "handler-1"),
                        kind: pb::ActionKind::FollowUp as i32,
                        description: format!("Follow-up {n}"),
                        owner: "owner-1".into(),
                        due_on: Some(pb::Date {
                            year: 2030,
                            month: 1,
                            day: 31,
                        }),
                    })
                    .await;
                (reference, result)
            }));
        }
    }
    let mut succeeded: HashMap<String, usize> = HashMap::new();
    let mut aborted = 0;
    for call in calls {
        let (reference, result) = call.await.unwrap();
        match result {
            Ok(_) => *succeeded.entry(reference).or_default() += 1,
            Err(status) => {
                assert_eq!(status.code(), tonic::Code::Aborted, "{status:?}");
                assert!(status.message().contains("retry"), "{status:?}");
                aborted += 1;
            }
        }
    }
    let actions_added: usize = succeeded.values().sum();
    assert_eq!(actions_added + aborted, CONTENDED * ACTIONS_AT_ONCE);
    for reference in references.iter().skip(DECIDED).take(CONTENDED) {
        let view = complaints[0]
            .get_complaint(pb::GetComplaintRequest {
                reference: reference.clone(),
            })
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            view.actions.len(),
            succeeded.get(reference).copied().unwrap_or(0),
            "{reference}: every accepted action is recorded, nothing else"
        );
        assert!(!view.actions.is_empty(), "{reference}: one writer wins");
    }

    // 5. Wait for every consumer, on whichever replica, to apply everything.
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
    for (applied, published) in &caught_up {
        eventually(
            &format!("{applied} reaches {published}"),
            Duration::from_secs(30),
            || {
                let pool = pool.clone();
                async move {
                    (count(&pool, applied).await == count(&pool, published).await).then_some(())
                }
            },
        )
        .await;
    }
    let replies = || {
        smtp.received()
            .into_iter()
            .filter(|m| m.subject().contains("We have received your complaint"))
            .collect::<Vec<_>>()
    };
    let pending_email = format!(
        "SELECT count(*) FROM \"{}\".notifications WHERE channel = {} AND status IN ({}, {})",
        schema("notifications"),
        pb::DeliveryChannel::Email as i32,
        pb::NotificationStatus::Queued as i32,
        pb::NotificationStatus::Failed as i32,
    );
    eventually(
        &format!("{N} automatic replies are sent and no email waits"),
        Duration::from_secs(30),
        || {
            let (pool, sql, sent) = (pool.clone(), pending_email.clone(), replies().len());
            async move { (sent >= N && count(&pool, &sql).await == 0).then_some(()) }
        },
    )
    .await;

    // 6. Exactly one complaint per accepted submission.
    let complaints_schema = schema("complaints");
    let one = |sql: String| {
        let pool = pool.clone();
        async move { count(&pool, &sql).await }
    };
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{}\".submissions",
            schema("intake")
        ))
        .await,
        N as i64
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{complaints_schema}\".complaints"
        ))
        .await,
        N as i64
    );
    assert_eq!(
        one(format!(
            "SELECT count(DISTINCT submission_id) FROM \"{complaints_schema}\".complaints"
        ))
        .await,
        N as i64,
        "no submission opened two complaints"
    );
    let submitted: HashSet<&String> = submission_of.values().collect();
    let opened_from: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT submission_id::text FROM \"{complaints_schema}\".complaints"
    ))
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        opened_from.iter().collect::<HashSet<_>>(),
        submitted,
        "the complaints are those submitted"
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{complaints_schema}\".events WHERE event_type = 'complaints.v1.ComplaintOpened'"
        ))
        .await,
        N as i64,
        "one ComplaintOpened per submission"
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{complaints_schema}\".events WHERE event_type = 'complaints.v1.OutcomeRecorded'"
        ))
        .await,
        DECIDED as i64
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{complaints_schema}\".events WHERE event_type = 'complaints.v1.ActionAdded'"
        ))
        .await,
        actions_added as i64,
        "one event per accepted action"
    );

    // 7. Every stream of every service: versions 1..n, no gap, no repeat,
    // and the stream's recorded version is its last event's.
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

    // 8. One automatic reply per complaint, to its own complainant.
    let sent = replies();
    assert_eq!(sent.len(), N, "exactly one automatic reply each");
    let recipients: HashSet<String> = sent
        .iter()
        .flat_map(|m| m.to.iter().map(|to| to.to_lowercase()))
        .collect();
    let expected: HashSet<String> = (0..N).map(|i| format!("replica-{i}@example.org")).collect();
    assert_eq!(recipients, expected);
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{}\".notifications WHERE template = 'automatic_reply'",
            schema("notifications")
        ))
        .await,
        N as i64
    );

    // 9. Reporting's anonymised log: N complaints, each opened once, the
    // outcomes and actions applied once.
    let reporting = schema("reporting");
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{reporting}\".anonymised_records WHERE accepted"
        ))
        .await,
        N as i64
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{reporting}\".anonymised_records WHERE stage_reached = 1"
        ))
        .await,
        N as i64,
        "every complaint's opening reached the log"
    );
    assert_eq!(
        one(format!(
            "SELECT count(*) FROM \"{reporting}\".anonymised_records WHERE stage_decision[1] IS NOT NULL"
        ))
        .await,
        DECIDED as i64
    );
    assert_eq!(
        one(format!(
            "SELECT coalesce(sum(cardinality(action_ids)), 0) FROM \"{reporting}\".anonymised_records"
        ))
        .await,
        actions_added as i64
    );
    let mut reporting_client =
        clients::reporting(&running["reporting"][1], &CallMetadata::untraced()).await;
    let figures = reporting_client
        .get_figures(pb::GetFiguresRequest {
            from: Some(pb::Date {
                year: chrono::Datelike::year(&today),
                month: 1,
                day: 1,
            }),
            to: Some(pb::Date {
                year: chrono::Datelike::year(&today),
                month: 12,
                day: 31,
            }),
            grouping: pb::Grouping::Month as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(figures.complaints_received, N as u64);

    // 10. The relays: one leader per service, and the bus holds each
    // public event once; nothing was dead-lettered.
    for service in SERVICES {
        let leaders = one(format!(
            "SELECT count(*) FROM pg_locks l, hashtextextended('{}:bus-relay', 0) k
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
               AND l.classid::bigint = (k >> 32) & 4294967295 AND l.objid::bigint = k & 4294967295",
            schema(service)
        ))
        .await;
        assert_eq!(leaders, 1, "{service}: exactly one replica relays");
    }
    let bus = bus::Bus::connect(&bus::BusSettings {
        url: bus::testing::nats_url(),
        namespace: bus::Namespace::parse(&isolation.namespace).unwrap(),
        duplicate_window: Duration::from_secs(120),
        auth: bus::BusAuth::None,
        ca_file: None,
    })
    .await
    .unwrap();
    // Every replica follows the stream for each of its consumers: the
    // intake events are followed by complaints, notifications and
    // reporting, the complaints events by notifications and reporting,
    // once per replica.
    let stream = bus.jetstream().get_stream(bus.stream_name()).await.unwrap();
    for (source, per_replica) in [("intake", 3), ("complaints", 2)] {
        let filter = bus.all_from(source);
        let followers = || {
            let (stream, filter) = (stream.clone(), filter.clone());
            async move {
                let infos: Vec<_> = stream.consumers().collect().await;
                let n = infos
                    .into_iter()
                    .filter_map(Result::ok)
                    .filter(|info| info.config.filter_subject == filter)
                    .count();
                (n == 2 * per_replica).then_some(())
            }
        };
        eventually(
            &format!("both replicas follow {source}'s events for each consumer"),
            Duration::from_secs(10),
            followers,
        )
        .await;
    }
    let mut public = 0;
    for service in SERVICES {
        let sql = if service == "intake" {
            intake_events.clone()
        } else {
            format!("SELECT count(*) FROM \"{}\".events", schema(service))
        };
        public += one(sql).await as u64;
    }
    let stream_messages = |name: String| {
        let jetstream = bus.jetstream().clone();
        async move {
            let mut stream = jetstream.get_stream(name).await.unwrap();
            stream.info().await.unwrap().state.messages
        }
    };
    eventually(
        &format!("the bus holds the {public} public events once each"),
        Duration::from_secs(10),
        || {
            let messages = stream_messages(bus.stream_name());
            async move { (messages.await == public).then_some(()) }
        },
    )
    .await;
    assert_eq!(
        stream_messages(bus.dead_letter_stream_name()).await,
        0,
        "nothing was dead-lettered"
    );

    for (_, processes) in running {
        for process in processes {
            let name = process.name.clone();
            let status = process.terminate().await;
            assert!(status.success(), "{name} stops cleanly: {status}");
        }
    }
    isolation.cleanup().await;
}
