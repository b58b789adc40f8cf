//! R-S2-1, R-S3-1 across the services: the 14 days to ask for the next
//! stage run from the complainant's receipt of the outcome, which the
//! notifications service reports when the mail server accepts the email or
//! the letter is marked posted. All three services share one clock here.

use crate::helpers::{ADA, Stack, acting, assign, date, outcome, start, web_form};
use crate::smtp::SmtpSink;
use chrono::Duration as Days;
use complaints_proto::v1 as pb;
use std::time::Duration;

/// A web-form complaint whose complainant asked for letters by post.
fn by_post(key: &str) -> pb::SubmitComplaintRequest {
    let mut request = web_form(key);
    request.correspondence = pb::CorrespondencePreference::Post as i32;
    if let Some(person) = request.complainant.as_mut() {
        person.postal_address = Some(pb::PostalAddress {
            lines: vec!["1 High Street".into(), "Bedford".into()],
            postcode: "MK42 7AB".into(),
        });
    }
    request
}

/// Waits up to 30 s until the complaints service knows the complainant
/// received the outcome of `stage`; returns that outcome's view.
async fn received(stack: &mut Stack, reference: &str, stage: pb::Stage) -> pb::OutcomeView {
    let mut last = None;
    for _ in 0..1200 {
        let view = stack
            .complaints
            .get_complaint(pb::GetComplaintRequest {
                reference: reference.into(),
            })
            .await
            .unwrap()
            .into_inner();
        last = view.outcomes.into_iter().find(|o| o.stage == stage as i32);
        if last.as_ref().is_some_and(|o| o.received_on.is_some()) {
            return last.unwrap_or_default();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the outcome was never reported received: {last:?}");
}

/// The outcome letter of `reference` waiting in the print queue (up to 30 s).
async fn printed(stack: &mut Stack, reference: &str) -> pb::PrintItem {
    for _ in 0..1200 {
        let items = stack
            .notifications
            .list_print_queue(pb::ListPrintQueueRequest::default())
            .await
            .unwrap()
            .into_inner()
            .items;
        if let Some(item) = items
            .into_iter()
            .find(|i| i.reference == reference && i.template == "stage_outcome")
        {
            return stack
                .notifications
                .get_print_letter(pb::GetPrintLetterRequest {
                    notification_id: item.notification_id,
                })
                .await
                .unwrap()
                .into_inner();
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("no outcome letter for {reference} reached the print queue");
}

fn ask(reference: &str, to: pb::Stage, received_on: pb::Date) -> pb::RequestEscalationRequest {
    pb::RequestEscalationRequest {
        command: acting(reference, "handler-1"),
        to_stage: to as i32,
        grounds: vec![pb::Grounds::NotUnderstood as i32],
        reasons: "The response misunderstood my complaint.".into(),
        outcome_sought: "A re-mark.".into(),
        received_on: Some(received_on),
        ..Default::default()
    }
}

/// R-S2-1: Stage 1 outcomes recorded on Monday 2 March 2026 and posted on
/// Thursday 5 March, three days later, are received on Monday 9 March (two
/// working days for delivery), so the 14 days end on Monday 23 March: a
/// request on day 16 after the outcome was recorded is in time, one on
/// Tuesday 24 March is not. The letter asks for a reply within 14 days of
/// receiving it and gives the dates for a letter posted the day it was
/// printed.
#[tokio::test]
async fn r_s2_1_a_posted_outcome_counts_the_14_days_from_posting_plus_2_working_days() {
    let mut stack = Stack::spawn_on_one_clock(SmtpSink::accepting().await).await;
    let in_time = stack.open(by_post("posted-in-time")).await;
    let late = stack.open(by_post("posted-late")).await;
    for reference in [&in_time, &late] {
        assign(&mut stack, reference, "handler-1", pb::HandlerRole::Handler).await;
        outcome(
            &mut stack,
            reference,
            "handler-1",
            pb::Stage::Stage1,
            pb::Decision::NotUpheld,
            vec![],
        )
        .await;
    }
    let mut letters = Vec::new();
    for reference in [&in_time, &late] {
        letters.push(printed(&mut stack, reference).await);
    }
    let text = letters[0].body.split_whitespace().collect::<Vec<_>>();
    let text = text.join(" ");
    assert!(
        text.contains("please reply within 14 days of receiving this letter"),
        "{text}"
    );
    assert!(
        text.contains(
            "We expect this letter to reach you by Wednesday 4 March 2026, which makes the last \
             day Wednesday 18 March 2026."
        ),
        "{text}"
    );

    stack.clock.set(start() + Days::days(3));
    for letter in &letters {
        stack
            .notifications
            .mark_posted(pb::MarkPostedRequest {
                notification_id: letter.notification_id.clone(),
            })
            .await
            .unwrap();
    }
    for reference in [&in_time, &late] {
        let view = received(&mut stack, reference, pb::Stage::Stage1).await;
        assert_eq!(view.received_on, Some(date(2026, 3, 9)), "{reference}");
        assert_eq!(
            view.escalation_window_ends_on,
            Some(date(2026, 3, 23)),
            "{reference}"
        );
    }

    stack.clock.set(start() + Days::days(16));
    stack
        .complaints
        .request_escalation(ask(&in_time, pb::Stage::Stage2, date(2026, 3, 18)))
        .await
        .expect("day 16 after the outcome, within 14 days of its receipt");

    stack.clock.set(start() + Days::days(22));
    let status = stack
        .complaints
        .request_escalation(ask(&late, pb::Stage::Stage2, date(2026, 3, 24)))
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}");
    // The deadline watcher may have closed it first, for the same reason.
    assert!(
        status.message().starts_with("R-S2-1")
            || status
                .message()
                .contains("nobody asked for the stage after Stage 1 in time"),
        "{}",
        status.message()
    );
    stack.cleanup().await;
}

/// R-S2-1: an emailed outcome is received the day the mail server accepts
/// it. Recorded on Monday 2 March 2026, the email is refused for now and
/// goes on Tuesday 3 March, so the window ends on Tuesday 17 March and a
/// request then, day 15 after the outcome was recorded, is in time. The
/// email itself states the date counted from the outcome's day (Monday
/// 16 March): never later than the window the service enforces.
#[tokio::test]
async fn r_s2_1_an_emailed_outcome_counts_the_14_days_from_the_day_it_was_sent() {
    let mut stack = Stack::spawn_on_one_clock(SmtpSink::accepting().await).await;
    let reference = stack.open(web_form("emailed-a-day-late")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    stack.smtp.hold(ADA);
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await;
    stack
        .correspondence_when(&reference, |items| {
            items.iter().any(|c| {
                c.template == "stage_outcome"
                    && c.status_code == pb::NotificationStatus::Failed as i32
            })
        })
        .await;
    stack.smtp.release();
    stack.clock.set(start() + Days::days(1));
    let mail = stack
        .mail_when(ADA, "The outcome of your complaint at Stage 1")
        .await;
    mail.says("within 14 days, that is by Monday 16 March 2026");
    mail.never_says("receiving this letter");

    let view = received(&mut stack, &reference, pb::Stage::Stage1).await;
    assert_eq!(view.received_on, Some(date(2026, 3, 3)));
    assert_eq!(view.escalation_window_ends_on, Some(date(2026, 3, 17)));
    stack.clock.set(start() + Days::days(15));
    stack
        .complaints
        .request_escalation(ask(&reference, pb::Stage::Stage2, date(2026, 3, 17)))
        .await
        .expect("14 days after the email was sent");
    stack.cleanup().await;
}
