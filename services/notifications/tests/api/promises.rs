//! The promises a complainant can act on, through the running services:
//! every written submission answered (R-INT-8), one reference from the
//! first letter to the last, and each stage request acknowledged with its
//! date (R-S2-4, R-S3-4).

use crate::helpers::{ADA, Stack, apology, assign, date, escalate, outcome, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use std::time::Duration;

/// R-INT-8 with R-INT-2: a written complaint about a matter over six months
/// old gets the automatic reply while it waits for the staff decision,
/// with its reference and the contact date; once accepted and opened, the
/// complaint's reference is introduced once, as replacing it.
#[tokio::test]
async fn r_int_8_a_written_matter_over_six_months_old_gets_the_automatic_reply_at_once() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let mut old = web_form("old-matter");
    old.matter_date = Some(date(2025, 6, 2));
    let receipt = stack.submit(old).await;
    let reply = stack
        .mail_when(ADA, "We have received your complaint")
        .await;
    assert!(
        reply.subject.contains(&receipt.reference),
        "{}",
        reply.subject
    );
    reply.says("more than six months ago");
    reply.says("within 7 working days, that is by Wednesday 11 March 2026");
    stack
        .intake
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id.clone(),
            reason: "The complainant was in hospital.".into(),
            decided_by: "supervisor-1".into(),
        })
        .await
        .unwrap();
    let reference = stack.reference_for(&receipt.submission_id).await;
    let told = stack
        .mail_when(ADA, &format!("Your complaint reference is {reference}"))
        .await;
    told.says(&format!(
        "It replaces the reference {} that we gave you before",
        receipt.reference
    ));
    stack.cleanup().await;
}

/// One reference: a complaint from the web form gets one automatic reply,
/// quoting the complaint's reference, and no second letter about it.
#[tokio::test]
async fn one_reference_a_web_form_complaint_gets_one_reply_with_the_complaint_reference() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let receipt = stack.submit(web_form("one-reference")).await;
    let reference = stack.reference_for(&receipt.submission_id).await;
    let reply = stack
        .mail_when(
            ADA,
            &format!("We have received your complaint (reference {reference})"),
        )
        .await;
    reply.says(&format!(
        "If you were given the reference {} when you sent us your complaint, {reference} replaces it",
        receipt.reference
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stack.mails_to(ADA).len(), 1, "one letter, one reference");
    stack.cleanup().await;
}

/// One reference: a telephone complainant who asked for post gets a first
/// letter, in the print queue, introducing the reference and what next.
#[tokio::test]
async fn one_reference_a_telephone_complainant_by_post_gets_a_first_letter() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let mut call = web_form("telephone-post");
    call.channel = pb::Channel::Telephone as i32;
    call.correspondence = pb::CorrespondencePreference::Post as i32;
    if let Some(person) = call.complainant.as_mut() {
        person.postal_address = Some(pb::PostalAddress {
            lines: vec!["1 High Street".into(), "Bedford".into()],
            postcode: "MK42 7AB".into(),
        });
    }
    let receipt = stack.submit(call).await;
    let reference = stack.reference_for(&receipt.submission_id).await;
    let items = stack
        .correspondence_when(&reference, |items| {
            items.iter().any(|c| c.template == "complaint_reference")
        })
        .await;
    let first = items
        .iter()
        .find(|c| c.template == "complaint_reference")
        .expect("the first letter");
    assert_eq!(first.channel, pb::DeliveryChannel::Post as i32);
    let queue = stack
        .notifications
        .list_print_queue(pb::ListPrintQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items;
    assert!(
        queue
            .iter()
            .any(|i| i.notification_id == first.notification_id),
        "waiting to be printed"
    );
    let letter = stack
        .notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: first.notification_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        letter
            .body
            .contains("Thank you for speaking to us about your complaint")
    );
    assert!(
        letter
            .body
            .contains(&format!("given it the reference {reference}"))
    );
    assert!(letter.body.contains("What happens next"));
    stack.cleanup().await;
}

/// R-S2-1, R-S2-4: a Stage 2 request is acknowledged when received, with
/// the date by which the manager will respond (20 working days).
#[tokio::test]
async fn r_s2_4_a_stage_2_request_is_acknowledged_with_the_response_date() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let reference = stack.open(web_form("stage-2-ack")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![apology()],
    )
    .await;
    escalate(
        &mut stack,
        &reference,
        pb::Stage::Stage2,
        pb::Grounds::PointsNotAnswered,
        date(2026, 3, 2),
    )
    .await;
    let ack = stack
        .mail_when(ADA, "We have received your request for Stage 2")
        .await;
    ack.says("on Monday 2 March 2026");
    // 20 working days from Monday 2 March 2026, by the services' calendar.
    ack.says("The manager aims to send you their response by Monday 30 March 2026.");
    stack.cleanup().await;
}
