//! What reaches the SMTP server, counted: every email once, through an
//! outage and across a whole complaint.

use crate::helpers::{ADA, Stack, acting, outcome, to_stage_3, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use std::time::Duration;

fn sorted(mut subjects: Vec<String>) -> Vec<String> {
    subjects.sort();
    subjects
}

async fn settle(stack: &Stack, to: &str, count: usize) {
    for _ in 0..1200 {
        if stack.mails_to(to).len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Long enough for any duplicate to show.
    tokio::time::sleep(Duration::from_millis(600)).await;
}

/// R-INT-8: the mail server is down for a while (it answers the first five
/// MAIL FROMs with 451), then back: every email arrives, and only once.
#[tokio::test]
async fn r_int_8_smtp_down_for_a_while_then_back_every_email_arrives_once() {
    let smtp = SmtpSink::refusing_first(5).await;
    let mut stack = Stack::spawn_with_staff(
        smtp,
        &[
            ("NOTIFY_MAX_ATTEMPTS", "10".into()),
            ("NOTIFY_RETRY_BASE_MS", "20".into()),
            ("NOTIFY_RETRY_MAX_MS", "100".into()),
        ],
    )
    .await;
    let receipt = stack.submit(web_form("outage")).await;
    let reference = stack.reference_for(&receipt.submission_id).await;
    crate::helpers::assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    stack
        .complaints
        .agree_timescale(pb::AgreeTimescaleRequest {
            command: acting(&reference, "handler-1"),
            due_on: Some(crate::helpers::date(2026, 3, 20)),
        })
        .await
        .unwrap();
    settle(&stack, ADA, 3).await;
    settle(&stack, "hannah@example.org", 1).await;
    assert_eq!(stack.smtp.refusals(), 5, "the outage was seen");
    let to_ada: Vec<String> = stack.mails_to(ADA).into_iter().map(|m| m.subject).collect();
    assert_eq!(
        sorted(to_ada),
        sorted(vec![
            // One reference: the reply quotes the complaint's.
            format!("We have received your complaint (reference {reference})"),
            format!("Who is dealing with your complaint (reference {reference})"),
            format!("When to expect our response to your complaint (reference {reference})"),
        ])
    );
    let to_handler: Vec<String> = stack
        .mails_to("hannah@example.org")
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert_eq!(
        to_handler,
        [format!("Complaint {reference} has been allocated to you")]
    );
    assert_eq!(
        stack.smtp.received().len(),
        4,
        "nothing else, nothing twice"
    );
    let listed = stack.correspondence(&reference).await;
    assert!(
        listed
            .iter()
            .all(|c| c.status_code == pb::NotificationStatus::Sent as i32),
        "{listed:?}"
    );
    stack.cleanup().await;
}

/// R-INT-8: the mail server is not listening at first (connections
/// refused), then comes up: the emails queued meanwhile arrive, once each.
#[tokio::test]
async fn r_int_8_smtp_not_listening_then_up_every_email_arrives_once() {
    let mut stack = Stack::spawn_with_staff(
        SmtpSink::not_listening(),
        &[
            ("NOTIFY_MAX_ATTEMPTS", "20".into()),
            ("NOTIFY_RETRY_BASE_MS", "20".into()),
            ("NOTIFY_RETRY_MAX_MS", "100".into()),
        ],
    )
    .await;
    let receipt = stack.submit(web_form("not-listening")).await;
    let reference = stack.reference_for(&receipt.submission_id).await;
    crate::helpers::assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    // Down long enough for the reply to have failed twice.
    stack
        .correspondence_when(&receipt.reference, |items| {
            items.iter().any(|c| c.attempts >= 2)
        })
        .await;
    assert!(stack.smtp.received().is_empty());
    stack.smtp.listen();
    settle(&stack, ADA, 2).await;
    settle(&stack, "hannah@example.org", 1).await;
    let to_ada: Vec<String> = stack.mails_to(ADA).into_iter().map(|m| m.subject).collect();
    assert_eq!(
        sorted(to_ada),
        sorted(vec![
            // One reference: the reply quotes the complaint's.
            format!("We have received your complaint (reference {reference})"),
            format!("Who is dealing with your complaint (reference {reference})"),
        ])
    );
    assert_eq!(
        stack.smtp.received().len(),
        3,
        "nothing else, nothing twice"
    );
    let listed = stack.correspondence(&receipt.reference).await;
    assert!(
        listed
            .iter()
            .all(|c| c.status_code == pb::NotificationStatus::Sent as i32),
        "{listed:?}"
    );
    let reply = crate::helpers::of_template(&listed, "automatic_reply")[0];
    assert!(
        reply.attempts >= 3,
        "failed while down, then sent: {reply:?}"
    );
    stack.cleanup().await;
}

/// A complaint walked through all three stages: the complainant receives
/// the automatic reply, three "who is dealing with it" letters (handler,
/// manager, Corporate Compliance Manager), the Stage 1 and Stage 2
/// outcomes, the Stage 2 and Stage 3 acknowledgements and the final
/// outcome, each exactly once (R-INT-8, R-S1-3, R-OUT-1, R-S2-1, R-S3-4,
/// R-S3-6).
#[tokio::test]
async fn r_s3_6_a_complaint_walked_through_all_three_stages_gets_each_letter_exactly_once() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let receipt = stack.submit(web_form("three-stages")).await;
    let reference = stack.reference_for(&receipt.submission_id).await;
    to_stage_3(&mut stack, &reference).await;
    stack
        .complaints
        .decide_investigation(pb::DecideInvestigationRequest {
            command: acting(&reference, "ccm-1"),
            warranted: true,
            reason: "The Stage 2 response left the refund question open.".into(),
        })
        .await
        .unwrap();
    outcome(
        &mut stack,
        &reference,
        "ccm-1",
        pb::Stage::Stage3,
        pb::Decision::Upheld,
        vec![pb::RemedyInput {
            kind: pb::RemedyKind::FinancialCompensation as i32,
            description: "Refund of the resit fee.".into(),
            compensation: Some(pb::Money { pence: 9_500 }),
            expected_payment_on: Some(crate::helpers::date(2026, 4, 30)),
            ..Default::default()
        }],
    )
    .await;
    let last = stack
        .mail_when(ADA, "The final outcome of your formal complaint")
        .await;
    last.says("We will pay you £95.00, which we expect to reach you by Thursday 30 April 2026.");
    settle(&stack, ADA, 9).await;
    let expected = vec![
        // One reference: the reply quotes the complaint's.
        format!("We have received your complaint (reference {reference})"),
        // R-S2-1: the Stage 2 request is acknowledged when received.
        format!("We have received your request for Stage 2 (reference {reference})"),
        format!("Who is dealing with your complaint (reference {reference})"),
        format!("Who is dealing with your complaint (reference {reference})"),
        format!("Who is dealing with your complaint (reference {reference})"),
        format!("The outcome of your complaint at Stage 1 (reference {reference})"),
        format!("The outcome of your complaint at Stage 2 (reference {reference})"),
        format!("Acknowledgement of your formal complaint (reference {reference})"),
        format!("The final outcome of your formal complaint (reference {reference})"),
    ];
    let got: Vec<String> = stack.mails_to(ADA).into_iter().map(|m| m.subject).collect();
    assert_eq!(sorted(got), sorted(expected));
    let dealt_with_by: Vec<String> = stack
        .mails_to(ADA)
        .into_iter()
        .filter(|m| m.subject.starts_with("Who is dealing"))
        .map(|m| m.text())
        .collect();
    for name in [
        "Hannah Hughes",
        "Maria Moss",
        "Colin Clarke, our Corporate Compliance Manager",
    ] {
        assert_eq!(
            dealt_with_by
                .iter()
                .filter(|t| t.contains(&format!("now being dealt with by {name}")))
                .count(),
            1,
            "{name}: {dealt_with_by:?}"
        );
    }
    stack.cleanup().await;
}

/// R-INT-8: the mail server refuses the complainant's mailbox for good
/// (`550`) but takes staff mail. The letter telling Ada who deals with her
/// complaint is given up, and the handler gets exactly one staff alert
/// naming the reference and the letter, and nothing of Ada's.
#[tokio::test]
async fn r_int_8_a_given_up_email_is_raised_to_staff_exactly_once() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::refusing_recipient(ADA).await, &[]).await;
    let receipt = stack.submit(web_form("given-up")).await;
    let reference = stack.reference_for(&receipt.submission_id).await;
    // The automatic reply to Ada is refused too; it is given up while
    // nobody is allocated, so it raises no alert (there is no one to tell).
    // Waiting for it keeps the one alert below about the letter that follows.
    stack
        .correspondence_when(&reference, |items| {
            crate::helpers::of_template(items, "automatic_reply")
                .iter()
                .any(|c| c.status_code == pb::NotificationStatus::GivenUp as i32)
        })
        .await;
    crate::helpers::assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    let items = stack
        .correspondence_when(&reference, |items| {
            crate::helpers::of_template(items, "now_dealt_with_by")
                .iter()
                .any(|c| c.status_code == pb::NotificationStatus::GivenUp as i32)
        })
        .await;
    let given_up = crate::helpers::of_template(&items, "now_dealt_with_by")[0].clone();
    assert_eq!(given_up.attempts, 1, "a permanent refusal is not retried");
    assert!(given_up.detail.contains("550"), "{}", given_up.detail);

    let alert = stack
        .mail_when("hannah@example.org", "Letter not delivered")
        .await;
    assert_eq!(
        alert.subject,
        format!("Letter not delivered: complaint {reference}")
    );
    alert.says(&format!(
        "We could not deliver the letter saying who now deals with the complaint \
         (now_dealt_with_by) on complaint {reference} to the complainant by email"
    ));
    alert.never_says(ADA);
    alert.never_says("Ada");
    alert.never_says("Lovelace");
    settle(&stack, "hannah@example.org", 2).await;
    let alerts: Vec<String> = stack
        .mails_to("hannah@example.org")
        .into_iter()
        .map(|m| m.subject)
        .filter(|s| s.starts_with("Letter not delivered"))
        .collect();
    assert_eq!(alerts.len(), 1, "exactly one alert: {alerts:?}");
    assert!(stack.mails_to(ADA).is_empty());

    // Recorded like any other notification: listed, sent, with its stream.
    let items = stack.correspondence(&reference).await;
    let staff = pb::RecipientKind::Staff as i32;
    let to_handler: Vec<_> = crate::helpers::of_template(&items, "staff_alert")
        .into_iter()
        .filter(|c| c.recipient_kind == staff && c.recipient_staff_id == "handler-1")
        .collect();
    assert_eq!(to_handler.len(), 2, "allocated, and given up: {items:?}");
    assert!(
        to_handler
            .iter()
            .all(|c| c.status_code == pb::NotificationStatus::Sent as i32),
        "{to_handler:?}"
    );
    let given_up_id: uuid::Uuid = given_up.notification_id.parse().unwrap();
    let alert_id = notifications::store::notification_id(
        given_up_id,
        "staff_alert",
        &notifications::core::RecipientKind::Staff("handler-1".into()),
    );
    assert!(
        to_handler
            .iter()
            .any(|c| c.notification_id == alert_id.to_string()),
        "the alert's id derives from the given-up notification's"
    );
    let stream = eventlog::StreamId::new(format!("notification-{alert_id}")).unwrap();
    let types: Vec<String> = stack
        .notifications_log
        .read_stream(&stream)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        types,
        [
            "complaints.v1.NotificationQueued",
            "complaints.v1.NotificationSent"
        ]
    );
    stack.cleanup().await;
}

/// R-INT-8: a restart never sends a second copy. The service stopped in the
/// middle of an SMTP exchange (its claim on the email is left behind): the
/// server may already have the message, so the email is given up with the
/// reason, and never sent again.
#[tokio::test]
async fn r_int_8_an_email_interrupted_mid_exchange_is_never_sent_again() {
    let sink = SmtpSink::accepting().await;
    sink.hold(ADA);
    // One refused attempt, then no retry for the rest of the test: the
    // claim below is then the only thing that can end the email.
    let no_retry = [
        ("NOTIFY_RETRY_BASE_MS", "600000".to_owned()),
        ("NOTIFY_RETRY_MAX_MS", "600000".to_owned()),
    ];
    let mut stack = Stack::spawn_with(sink, &no_retry).await;
    let receipt = stack.submit(web_form("interrupted")).await;
    let failed = stack
        .correspondence_when(&receipt.reference, |items| {
            crate::helpers::of_template(items, "automatic_reply")
                .iter()
                .any(|c| c.attempts >= 1)
        })
        .await;
    let reply = crate::helpers::of_template(&failed, "automatic_reply")[0].clone();
    // As a process killed mid-exchange leaves it: claimed an hour ago, no result.
    let id = uuid::Uuid::parse_str(&reply.notification_id).unwrap();
    sqlx::query("UPDATE notifications SET sending_since = $2 WHERE notification_id = $1")
        .bind(id)
        .bind(crate::helpers::start() - chrono::Duration::hours(1))
        .execute(stack.notifications_log.pool())
        .await
        .unwrap();
    let items = stack
        .correspondence_when(&receipt.reference, |items| {
            crate::helpers::of_template(items, "automatic_reply")
                .iter()
                .any(|c| c.status_code == pb::NotificationStatus::GivenUp as i32)
        })
        .await;
    let given_up = crate::helpers::of_template(&items, "automatic_reply")[0].clone();
    assert!(
        given_up.detail.contains("stopped during the SMTP exchange"),
        "{}",
        given_up.detail
    );

    stack.smtp.release();
    stack.clock.advance(chrono::Duration::days(1));
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        stack.mails_to(ADA).is_empty(),
        "the interrupted email is not sent again"
    );
    stack.cleanup().await;
}
