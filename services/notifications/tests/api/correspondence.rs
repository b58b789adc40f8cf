use crate::helpers::{ADA, Stack, date, of_template, outcome, web_form};
use crate::smtp::SmtpSink;
use bus::Handler as _;
use complaints_proto::v1 as pb;
use notifications::consume::{Consume, Directory, Planner, Source};
use notifications::core::{PlanSettings, RetryPolicy};
use notifications::send::Templates;
use platform::SystemClock;
use std::sync::Arc;
use std::time::Duration;

fn sent(items: &[pb::Correspondence], template: &str) -> bool {
    of_template(items, template)
        .iter()
        .any(|c| c.status_code == pb::NotificationStatus::Sent as i32)
}

/// R-INT-8: one automatic reply, accepted by the SMTP server; the accepted
/// event handled again (as after a restart that lost the inbox) and
/// redelivered over the bus queues and sends nothing more.
#[tokio::test]
async fn r_int_8_an_accepted_written_complaint_gets_exactly_one_automatic_reply_even_when_redelivered()
 {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let receipt = stack.submit(web_form("once")).await;
    let items = stack
        .correspondence_when(&receipt.reference, |items| sent(items, "automatic_reply"))
        .await;
    let reply = of_template(&items, "automatic_reply")[0].clone();
    assert_eq!(reply.recipient_kind, pb::RecipientKind::Complainant as i32);
    assert_eq!(reply.channel, pb::DeliveryChannel::Email as i32);
    assert_eq!(reply.attempts, 1);
    assert!(reply.detail.starts_with("250"), "{}", reply.detail);

    // The same ComplaintAccepted, handled once more outside the inbox.
    let stream = eventlog::StreamId::new(format!("submission-{}", receipt.submission_id)).unwrap();
    let events = stack.intake_log.read_stream(&stream).await.unwrap();
    let accepted = events
        .iter()
        .find(|e| e.event_type == "complaints.v1.ComplaintAccepted")
        .expect("intake accepted the complaint");
    let envelope = bus::envelope_of(accepted, "intake");
    let handler = Consume {
        source: Source::Intake,
        planner: Planner {
            staff: Arc::new(Directory::default()),
            settings: PlanSettings::default(),
            templates: Arc::new(Templates::default()),
            policy: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
            links: None,
        },
    };
    let mut tx = stack.notifications_log.pool().begin().await.unwrap();
    handler.handle(&mut tx, &envelope).await.unwrap();
    tx.commit().await.unwrap();

    tokio::time::sleep(Duration::from_millis(500)).await;
    let items = stack.correspondence(&receipt.reference).await;
    assert_eq!(of_template(&items, "automatic_reply").len(), 1);
    let received = stack.smtp.received();
    assert_eq!(received.len(), 1, "exactly one email reached the server");
    assert_eq!(received[0].to, vec!["ada@example.org".to_string()]);
    assert_eq!(received[0].from, "complaints@example.org");
    assert!(received[0].data.contains(&receipt.reference));
    stack.cleanup().await;
}

/// R-CORR-1: a complainant who asked for post gets letters through the
/// print queue, never by email; staff mark each one posted.
#[tokio::test]
async fn r_corr_1_a_complaint_asking_for_post_goes_to_the_print_queue_and_is_marked_posted() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let mut request = web_form("by-post");
    request.correspondence = pb::CorrespondencePreference::Post as i32;
    if let Some(person) = request.complainant.as_mut() {
        person.postal_address = Some(pb::PostalAddress {
            lines: vec!["1 High Street".into(), "Bedford".into()],
            postcode: "MK42 7AB".into(),
        });
    }
    let receipt = stack.submit(request).await;
    let items = stack
        .correspondence_when(&receipt.reference, |items| {
            !of_template(items, "automatic_reply").is_empty()
        })
        .await;
    let reply = of_template(&items, "automatic_reply")[0].clone();
    assert_eq!(reply.channel, pb::DeliveryChannel::Post as i32);
    assert_eq!(reply.status_code, pb::NotificationStatus::Queued as i32);

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
            .any(|i| i.notification_id == reply.notification_id),
        "the letter waits in the print queue"
    );
    let item = stack
        .notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: reply.notification_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(item.address.as_ref().unwrap().postcode, "MK42 7AB");
    assert!(item.body.contains(&receipt.reference));
    // The correspondence without a page size is bounded: its latest
    // letters, up to the limit.
    {
        use notifications::store;
        let mut conn = stack.notifications_log.pool().acquire().await.unwrap();
        let party = store::party_of(&mut conn, &receipt.reference)
            .await
            .unwrap()
            .unwrap();
        let all = store::of_party(&mut conn, &party, 1000).await.unwrap();
        let latest = store::of_party(&mut conn, &party, 1).await.unwrap();
        assert_eq!(latest.len(), 1);
        assert_eq!(
            latest[0].notification_id,
            all[all.len() - 1].notification_id
        );
    }

    let posted = stack
        .notifications
        .mark_posted(pb::MarkPostedRequest {
            notification_id: reply.notification_id.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    assert_eq!(posted.status_code, pb::NotificationStatus::Sent as i32);
    let again = stack
        .notifications
        .mark_posted(pb::MarkPostedRequest {
            notification_id: reply.notification_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);
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
            .all(|i| i.notification_id != reply.notification_id)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        stack.smtp.received().is_empty(),
        "no email for a post letter"
    );
    stack.cleanup().await;
}

/// R-INT-4: before the individual consents, the third party gets only the
/// notice that consent is needed; after consent, they get a copy.
#[tokio::test]
async fn r_int_4_no_letter_goes_to_a_third_party_without_consent() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let mut request = web_form("employer");
    request.third_party = Some(pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: "hr@example.com".into(),
        organisation: "Hopper & Co".into(),
        ..Default::default()
    });
    let receipt = stack.submit(request).await;
    let items = stack
        .correspondence_when(&receipt.reference, |items| {
            sent(items, "consent_request") && sent(items, "third_party_notice")
        })
        .await;
    let third = pb::RecipientKind::ThirdParty as i32;
    let to_third: Vec<_> = items.iter().filter(|c| c.recipient_kind == third).collect();
    assert_eq!(to_third.len(), 1, "{items:?}");
    assert_eq!(to_third[0].template, "third_party_notice");
    assert!(of_template(&items, "automatic_reply").is_empty());

    stack
        .intake
        .record_consent(pb::RecordConsentRequest {
            submission_id: receipt.submission_id.clone(),
            evidence: "Signed consent form".into(),
            given_on: Some(date(2026, 3, 2)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap();
    let items = stack
        .correspondence_when(&receipt.reference, |items| {
            of_template(items, "automatic_reply").len() == 2
        })
        .await;
    assert!(
        of_template(&items, "automatic_reply")
            .iter()
            .any(|c| c.recipient_kind == third),
        "with consent the third party gets a copy"
    );
    stack.cleanup().await;
}

/// A mail server that keeps refusing is tried NOTIFY_MAX_ATTEMPTS times
/// with back-off, then given up; the correspondence shows it, and the
/// notification's stream records each attempt.
#[tokio::test]
async fn r_int_8_a_refusing_smtp_server_is_retried_then_given_up_and_listed() {
    let mut stack = Stack::spawn(SmtpSink::refusing().await).await;
    let receipt = stack.submit(web_form("refused")).await;
    let items = stack
        .correspondence_when(&receipt.reference, |items| {
            of_template(items, "automatic_reply")
                .iter()
                .any(|c| c.status_code == pb::NotificationStatus::GivenUp as i32)
        })
        .await;
    let reply = of_template(&items, "automatic_reply")[0].clone();
    assert_eq!(reply.attempts, 3);
    assert_eq!(reply.status, "given up");
    assert!(reply.detail.contains("451"), "{}", reply.detail);
    assert_eq!(stack.smtp.refusals(), 3);

    let stream =
        eventlog::StreamId::new(format!("notification-{}", reply.notification_id)).unwrap();
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
            "complaints.v1.NotificationAttemptFailed",
            "complaints.v1.NotificationAttemptFailed",
            "complaints.v1.NotificationGivenUp",
        ]
    );
    stack.cleanup().await;
}

/// PreviewTemplate renders a letter the complaint called for, with the
/// templates as they are now, and sends nothing.
#[tokio::test]
async fn r_corr_1_preview_template_renders_a_letter_for_a_complaint() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let receipt = stack.submit(web_form("preview")).await;
    stack
        .correspondence_when(&receipt.reference, |items| sent(items, "automatic_reply"))
        .await;
    let preview = stack
        .notifications
        .preview_template(pb::PreviewTemplateRequest {
            reference: receipt.reference.clone(),
            letter: "automatic_reply".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(!preview.subject.is_empty());
    assert!(
        preview.body.contains(&receipt.reference),
        "{}",
        preview.body
    );
    assert!(preview.body.contains("Ada Lovelace"), "{}", preview.body);
    let missing = stack
        .notifications
        .preview_template(pb::PreviewTemplateRequest {
            reference: receipt.reference.clone(),
            letter: "final_outcome".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound);
    assert_eq!(stack.smtp.received().len(), 1, "a preview sends nothing");
    stack.cleanup().await;
}

/// A sent notification is resent as a new one linked to it; the first is
/// never sent twice, and it can be resent only once.
#[tokio::test]
async fn r_int_8_resending_a_sent_letter_queues_a_new_linked_notification() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let receipt = stack.submit(web_form("resend")).await;
    let items = stack
        .correspondence_when(&receipt.reference, |items| sent(items, "automatic_reply"))
        .await;
    let first = of_template(&items, "automatic_reply")[0]
        .notification_id
        .clone();
    let resent = stack
        .notifications
        .resend_notification(pb::ResendNotificationRequest {
            notification_id: first.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .notification
        .unwrap();
    assert_ne!(resent.notification_id, first);
    assert_eq!(resent.resend_of, first);
    let again = stack
        .notifications
        .resend_notification(pb::ResendNotificationRequest {
            notification_id: first.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);
    stack
        .correspondence_when(&receipt.reference, |items| {
            of_template(items, "automatic_reply")
                .iter()
                .filter(|c| c.status_code == pb::NotificationStatus::Sent as i32)
                .count()
                == 2
        })
        .await;
    assert_eq!(stack.smtp.received().len(), 2);
    stack.cleanup().await;
}

/// R-INT-4: a third party's copies stop when the individual withdraws
/// consent: the copy still being retried is cancelled, and a later letter
/// (the Stage 1 outcome) reaches the complainant but not the third party.
#[tokio::test]
async fn r_int_4_after_consent_is_withdrawn_nothing_more_goes_to_the_third_party() {
    const HR: &str = "hr@example.com";
    let mut stack = Stack::spawn_with_staff(
        SmtpSink::accepting().await,
        &[
            ("NOTIFY_MAX_ATTEMPTS", "1000".into()),
            ("NOTIFY_RETRY_BASE_MS", "20".into()),
            ("NOTIFY_RETRY_MAX_MS", "50".into()),
        ],
    )
    .await;
    let mut request = web_form("withdrawn");
    request.third_party = Some(pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: HR.into(),
        organisation: "Hopper & Co".into(),
        ..Default::default()
    });
    let receipt = stack.submit(request).await;
    stack
        .intake
        .record_consent(pb::RecordConsentRequest {
            submission_id: receipt.submission_id.clone(),
            evidence: "Signed consent form".into(),
            given_on: Some(date(2026, 3, 2)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap();
    stack.mail_when(HR, "We have received your complaint").await;
    let reference = stack.reference_for(&receipt.submission_id).await;

    // The third party's mailbox is unavailable for now: their copy of the
    // next letter waits, retrying.
    stack.smtp.hold(HR);
    crate::helpers::assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    let third = pb::RecipientKind::ThirdParty as i32;
    let items = stack
        .correspondence_when(&reference, |items| {
            of_template(items, "now_dealt_with_by").iter().any(|c| {
                c.recipient_kind == third && c.status_code == pb::NotificationStatus::Failed as i32
            })
        })
        .await;
    let waiting = of_template(&items, "now_dealt_with_by")
        .into_iter()
        .find(|c| c.recipient_kind == third)
        .unwrap()
        .notification_id
        .clone();
    let to_hr_before = stack.mails_to(HR).len();

    stack
        .intake
        .withdraw_consent(pb::WithdrawConsentRequest {
            submission_id: receipt.submission_id.clone(),
            withdrawn_on: Some(date(2026, 3, 3)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap();
    let items = stack
        .correspondence_when(&reference, |items| {
            items.iter().any(|c| {
                c.notification_id == waiting
                    && c.status_code == pb::NotificationStatus::Cancelled as i32
            })
        })
        .await;
    let cancelled = items.iter().find(|c| c.notification_id == waiting).unwrap();
    assert!(cancelled.detail.contains("R-INT-4"), "{}", cancelled.detail);
    stack.smtp.release();

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
        .mail_when(ADA, "The outcome of your complaint at Stage 1")
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        stack.mails_to(HR).len(),
        to_hr_before,
        "nothing reached the third party after the withdrawal"
    );
    let items = stack.correspondence(&reference).await;
    assert!(
        of_template(&items, "stage_outcome")
            .iter()
            .all(|c| c.recipient_kind != third),
        "no outcome was even queued for the third party: {items:?}"
    );
    assert!(
        items.iter().filter(|c| c.recipient_kind == third).all(|c| {
            c.status_code == pb::NotificationStatus::Sent as i32
                || c.status_code == pb::NotificationStatus::Cancelled as i32
        }),
        "{items:?}"
    );
    stack.cleanup().await;
}

/// Each letter names the trace it was planned in: the automatic reply
/// continues the trace of the submission that called for it, across the bus.
#[tokio::test]
async fn each_letter_in_the_correspondence_carries_the_trace_id_of_the_event_that_called_for_it() {
    platform::testing::telemetry();
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let response = stack
        .intake
        .submit_complaint(web_form("traced"))
        .await
        .unwrap();
    let trace = response
        .metadata()
        .get(platform::grpc::TRACE_ID_HEADER)
        .expect("the answer names its trace")
        .to_str()
        .unwrap()
        .to_owned();
    let receipt = response.into_inner();
    let items = stack
        .correspondence_when(&receipt.reference, |items| {
            !of_template(items, "automatic_reply").is_empty()
        })
        .await;
    let reply = of_template(&items, "automatic_reply")[0].clone();
    assert_eq!(reply.trace_id, trace);
    stack.cleanup().await;
}
