//! One trace follows a complaint through all four services, as processes
//! exporting over OTLP/gRPC, and no span carries the complainant's
//! personal data.
//!
//! The client picks the trace id and sends it as `traceparent` on the
//! submission and the first staff commands. Every hop continues it as a
//! parent: gRPC metadata into intake and the complaints service, the
//! `traceparent` stored with each event into its relay's publish span,
//! NATS headers into each consumer, and the `traceparent` stored with each
//! queued notification into the sender's SMTP exchange.
//!
//! The Stage 1 outcome is then recorded without any trace context, as a
//! staff tool that starts its own trace sends it: that command's trace is
//! linked to the complaint's first trace (a span link), and the outcome
//! letter and the reporting of the outcome follow the command's trace.

use crate::support::{count, database, eventually};
use complaints_proto::v1 as pb;
use end_to_end::clients::{self, CallMetadata};
use end_to_end::collector::{CollectedSpan, TraceCollector};
use end_to_end::smtp::SmtpSink;
use end_to_end::{Isolation, SERVICES, ServiceProcess};
use std::collections::HashSet;
use std::time::Duration;

const FIRST_NAME: &str = "Perpetua";
const LAST_NAME: &str = "Quillfeather";
const EMAIL: &str = "perpetua.quillfeather@example.org";
const TELEPHONE: &str = "07700 900461";
const ADDRESS_LINE: &str = "14 Larkspur Mews";
const POSTCODE: &str = "ZZ9 4QT";
const DESCRIPTION: &str =
    "The invigilator at Rothwell Hall mislaid my coursework folder and nobody answered my emails.";

/// Everything seeded that is personal data, as it might appear in a span.
fn personal_data() -> Vec<String> {
    let mut seeded: Vec<String> = [
        FIRST_NAME,
        LAST_NAME,
        EMAIL,
        "perpetua.quillfeather",
        TELEPHONE,
        ADDRESS_LINE,
        POSTCODE,
        DESCRIPTION,
        "Rothwell Hall mislaid my coursework",
    ]
    .iter()
    .map(|s| s.to_lowercase())
    .collect();
    seeded.push(TELEPHONE.replace(' ', ""));
    seeded
}

fn submission(today: chrono::NaiveDate) -> pb::SubmitComplaintRequest {
    use chrono::Datelike;
    pb::SubmitComplaintRequest {
        idempotency_key: "one-trace".into(),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: DESCRIPTION.into(),
        complainant: Some(pb::Person {
            first_name: FIRST_NAME.into(),
            last_name: LAST_NAME.into(),
            email: EMAIL.into(),
            telephone: TELEPHONE.into(),
            postal_address: Some(pb::PostalAddress {
                lines: vec![ADDRESS_LINE.into(), "Bedford".into()],
                postcode: POSTCODE.into(),
            }),
        }),
        matter_date: Some(pb::Date {
            year: today.year(),
            month: today.month(),
            day: today.day(),
        }),
        ..Default::default()
    }
}

fn command(reference: &str) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference: reference.into(),
        acting_user: "handler-1".into(),
        expected_version: None,
    })
}

/// One line per span, for failure messages.
fn summary(spans: &[&CollectedSpan]) -> String {
    spans
        .iter()
        .map(|s| format!("{} {} {:?}", s.service, s.name, s.attributes))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn one_trace_follows_a_complaint_through_all_four_services_without_personal_data_in_spans_or_logs()
 {
    tokio::time::timeout(Duration::from_secs(90), one_trace())
        .await
        .expect("the walk-through finishes within 90 s");
}

async fn one_trace() {
    let isolation = Isolation::fresh("onetrace");
    let collector = TraceCollector::start().await;
    let smtp = SmtpSink::start();
    let mut running = Vec::new();
    for service in SERVICES {
        let mut env = isolation.env(service);
        env.insert("OTEL_EXPORTER_OTLP_ENDPOINT".into(), collector.endpoint());
        // The SDK's batch processor reads this; shutdown flushes the rest.
        env.insert("OTEL_BSP_SCHEDULE_DELAY".into(), "200".into());
        env.insert("RELAY_POLL_INTERVAL_MS".into(), "10".into());
        env.insert("NOTIFY_POLL_INTERVAL_MS".into(), "50".into());
        env.extend(smtp.env());
        running.push(ServiceProcess::spawn(service, &env).await);
    }
    let trace_id = uuid::Uuid::new_v4().simple().to_string();
    let client_span = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    let traced = CallMetadata::in_trace(&trace_id, &client_span);

    // The complainant submits; intake answers inside the client's trace.
    let mut intake = clients::intake(&running[0], &traced).await;
    let today = chrono::Utc::now().date_naive();
    let response = intake.submit_complaint(submission(today)).await.unwrap();
    let answered_in = response
        .metadata()
        .get("x-trace-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    assert_eq!(answered_in.as_deref(), Some(trace_id.as_str()));
    let receipt = response.into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);

    // The complaints service opens it from the bus (looked for outside the trace).
    let queue = clients::complaints(&running[1], &CallMetadata::untraced()).await;
    let reference = eventually("the complaint is opened", Duration::from_secs(20), || {
        let mut queue = queue.clone();
        async move {
            let items = queue
                .list_work_queue(pb::ListWorkQueueRequest::default())
                .await
                .ok()?
                .into_inner()
                .items;
            items.first().map(|item| item.reference.clone())
        }
    })
    .await;

    // Staff take it to a Stage 1 outcome, in the same trace.
    let mut complaints = clients::complaints(&running[1], &traced).await;
    complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: command(&reference),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    complaints
        .record_contact(pb::RecordContactRequest {
            command: command(&reference),
            at: Some(prost_types_now()),
            method: pb::ContactMethod::Telephone as i32,
            summary: "Talked the complaint through.".into(),
        })
        .await
        .unwrap();
    // The outcome comes from a tool with no trace of its own to send.
    let mut untraced = clients::complaints(&running[1], &CallMetadata::untraced()).await;
    untraced
        .record_outcome(pb::RecordOutcomeRequest {
            command: command(&reference),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::NotUpheld as i32,
            findings: "The folder was returned to the centre the same week.".into(),
            ..Default::default()
        })
        .await
        .unwrap();

    // Wait until every consumer has applied every complaint event and the
    // outcome letter went out, then stop the services so they flush.
    let pool = database().await;
    let complaint_events = count(
        &pool,
        &format!(
            "SELECT count(*) FROM \"{}\".events",
            isolation.schema("complaints")
        ),
    )
    .await;
    for (service, consumer) in [
        ("notifications", "notifications-complaints"),
        ("reporting", "reporting-complaints"),
    ] {
        let sql = format!(
            "SELECT count(*) FROM \"{}\".processed_events WHERE consumer = '{consumer}'",
            isolation.schema(service)
        );
        eventually(
            &format!("{consumer} applies all {complaint_events} complaint events"),
            Duration::from_secs(20),
            || {
                let (pool, sql) = (pool.clone(), sql.clone());
                async move { (count(&pool, &sql).await == complaint_events).then_some(()) }
            },
        )
        .await;
    }
    eventually(
        "the automatic reply and the Stage 1 outcome are sent",
        Duration::from_secs(20),
        || {
            let received = smtp.received();
            let reply = received
                .iter()
                .any(|m| m.subject().contains("received your complaint"));
            let outcome = received.iter().any(|m| m.subject().contains("outcome"));
            async move { (reply && outcome).then_some(()) }
        },
    )
    .await;
    let mut logs = Vec::new();
    for process in running {
        let name = process.name.clone();
        let log = process.log.clone();
        let status = process.terminate().await;
        assert!(status.success(), "{name} stops cleanly: {status}");
        logs.push((name, log));
    }

    let spans = collector.spans();
    let in_trace: Vec<&CollectedSpan> = spans.iter().filter(|s| s.trace_id == trace_id).collect();
    let everything = summary(&in_trace);

    // Every service took part in the one trace, as children, never as links.
    for service in SERVICES {
        assert!(
            in_trace.iter().any(|s| s.service == service),
            "{service} has spans in trace {trace_id}:\n{everything}"
        );
    }
    let ids: HashSet<&str> = in_trace.iter().map(|s| s.span_id.as_str()).collect();
    for span in &in_trace {
        assert!(
            span.parent_span_id == client_span || ids.contains(span.parent_span_id.as_str()),
            "{} {} hangs under a parent missing from the trace:\n{everything}",
            span.service,
            span.name
        );
    }
    // The untraced outcome command started a trace of its own, linked to
    // the complaint's first trace; every link anywhere points there.
    assert!(
        spans
            .iter()
            .flat_map(|s| &s.links)
            .all(|(linked, _)| *linked == trace_id),
        "every link points at the complaint's first trace"
    );
    let linked: HashSet<&str> = spans
        .iter()
        .filter(|s| {
            s.service == "complaints"
                && s.trace_id != trace_id
                && s.links.iter().any(|(t, _)| *t == trace_id)
        })
        .map(|s| s.trace_id.as_str())
        .collect();
    assert_eq!(
        linked.len(),
        1,
        "the outcome command's trace links to the complaint's first trace"
    );
    let outcome_trace: Vec<&CollectedSpan> = spans
        .iter()
        .filter(|s| linked.contains(s.trace_id.as_str()))
        .collect();
    let outcome_spans = summary(&outcome_trace);
    for service in ["complaints", "notifications", "reporting"] {
        assert!(
            outcome_trace.iter().any(|s| s.service == service
                && s.attribute("complaint.reference") == Some(reference.as_str())),
            "{service} has a span naming {reference} in the outcome's linked trace:\n{outcome_spans}"
        );
    }

    // Each service names the complaint; intake, which hands over before
    // the reference exists, names the submission, and the complaints
    // service's opening names both.
    let has = |service: &str, key: &str, value: &str| {
        in_trace
            .iter()
            .any(|s| s.service == service && s.attribute(key) == Some(value))
    };
    for service in ["complaints", "notifications", "reporting"] {
        assert!(
            has(service, "complaint.reference", &reference),
            "{service} has a span with complaint.reference = {reference}:\n{everything}"
        );
    }
    assert!(
        has("intake", "submission.id", &receipt.submission_id),
        "intake names the submission:\n{everything}"
    );
    assert!(
        in_trace.iter().any(|s| s.name == "complaint.open"
            && s.attribute("submission.id") == Some(receipt.submission_id.as_str())
            && s.attribute("complaint.reference") == Some(reference.as_str())),
        "the opening joins submission and complaint:\n{everything}"
    );
    // The sender's SMTP exchanges follow the trace of the work that queued
    // each email: the automatic reply in the first trace, the outcome
    // letter in the outcome's linked trace.
    for (trace, spans, what) in [
        (&in_trace, &everything, "automatic reply"),
        (&outcome_trace, &outcome_spans, "outcome letter"),
    ] {
        assert!(
            trace.iter().any(|s| s.name == "notification.send"
                && s.attribute("letter.reference") == Some(reference.as_str())),
            "the {what} is sent inside its trace:\n{spans}"
        );
    }

    // No log line of any service, from start to stop, carries the personal
    // data seeded above (R-CONF-1: logs hold references and ids only).
    let seeded = personal_data();
    for (name, log) in &logs {
        let lines = log.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert!(!lines.is_empty(), "{name} logged nothing");
        for line in &lines {
            let lowered = line.to_lowercase();
            if let Some(found) = seeded.iter().find(|p| lowered.contains(p.as_str())) {
                panic!("{name} logged personal data {found:?}: {line}");
            }
        }
    }

    // No span anywhere (any trace) carries the personal data seeded above.
    for span in &spans {
        for text in span.texts() {
            let text = text.to_lowercase();
            if let Some(found) = seeded.iter().find(|p| text.contains(p.as_str())) {
                panic!(
                    "{} span {} carries personal data {found:?} in {text:?}",
                    span.service, span.name
                );
            }
        }
    }
    isolation.cleanup().await;
}

fn prost_types_now() -> prost_types::Timestamp {
    let now = chrono::Utc::now();
    prost_types::Timestamp {
        seconds: now.timestamp(),
        nanos: i32::try_from(now.timestamp_subsec_nanos()).unwrap_or(0),
    }
}
