//! The edges of the complainant's links, over HTTP on the console's public
//! listener in front of the real services ([`Stack`]): asking for fresh
//! links too often from one address is refused with a plain page and sends
//! nothing; a fresh link asked for by postcode goes where the complainant
//! expects (their email, or the post when that is how we write to them);
//! and a follow link to a complaint destroyed at the end of its retention
//! period gets the "this link no longer works" page and is counted.

use crate::public_follow::{link_path, mail, metric, reply_to, stack, submit};
use crate::public_pages::{Browser, start_console};
use crate::stack::{Person, Stack};
use complaints_proto::v1 as pb;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::auth::Role;
use platform::testing::{Authed, channel_as, token};
use std::time::Duration;

const FRESH_SUBJECT: &str = "A new link to follow your complaint";

async fn notifications(stack: &Stack) -> NotificationsClient<Authed> {
    let t = token(
        "csm-1",
        &[Role::CustomerServiceManager, Role::Manager],
        Some("Customer Services"),
    );
    NotificationsClient::new(channel_as(stack.addrs[2], Some(&t)).await)
}

/// The fresh-link letters recorded for `reference`.
async fn fresh_links(stack: &Stack, reference: &str) -> Vec<pb::Correspondence> {
    notifications(stack)
        .await
        .list_correspondence(pb::ListCorrespondenceRequest {
            reference: reference.to_owned(),
        })
        .await
        .unwrap()
        .into_inner()
        .items
        .into_iter()
        .filter(|l| l.template == "follow_link")
        .collect()
}

/// `person`'s complaint with a postal address, by post or by email.
fn with_address(person: &Person, by_post: bool) -> pb::SubmitComplaintRequest {
    let mut request = person.submission();
    if by_post {
        request.correspondence = pb::CorrespondencePreference::Post as i32;
    }
    if let Some(p) = request.complainant.as_mut() {
        p.postal_address = Some(pb::PostalAddress {
            lines: vec!["7 Mill Lane".into(), "Bedford".into()],
            postcode: "MK40 3AA".into(),
        });
    }
    request
}

/// Asks for a fresh link for `reference` with `given` and answers the page.
async fn ask(b: &mut Browser, reference: &str, given: &str) -> crate::public_pages::Page {
    b.get("/new-link").await;
    b.post(
        "/new-link",
        &[("reference", reference), ("email_or_postcode", given)],
    )
    .await
}

#[tokio::test]
async fn fresh_links_past_the_limit_from_one_address_get_a_plain_429_page_and_nothing_is_sent() {
    let stack = stack("public_link_limit").await;
    let console = start_console(&stack, &[("PUBLIC_SUBMIT_BURST", "2")]).await;
    let person = Person {
        first_name: "Lorcan",
        last_name: "Limited",
        email: "lorcan.limited@example.org",
        detail: "I keep losing the link.",
        attachment: "",
    };
    submit(&stack, person.submission()).await;
    let (reference, _) = reply_to(&stack, person.email).await;

    let mut b = Browser::new(console.public);
    for _ in 0..2 {
        let page = ask(&mut b, &reference, person.email).await;
        assert_eq!(page.location(), "/new-link/sent", "{}", page.body);
    }
    assert_eq!(fresh_links(&stack, &reference).await.len(), 2);
    // The third within the window, from the same address, with the same
    // right details, is refused before anything is asked of the services.
    let refused = ask(&mut b, &reference, person.email).await;
    assert_eq!(refused.status, 429, "{}", refused.body);
    assert!(
        refused.body.contains("Too many requests"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Wait a few minutes"),
        "{}",
        refused.body
    );
    assert!(refused.headers.contains_key(http::header::RETRY_AFTER));
    assert!(!refused.body.contains("/follow/"));
    assert_eq!(
        fresh_links(&stack, &reference).await.len(),
        2,
        "nothing is sent past the limit"
    );
    // A new submission is not stopped by fresh-link requests: each has
    // its own allowance.
    let form = b.get("/new-link").await;
    assert_eq!(form.status, 200);
}

#[tokio::test]
async fn a_fresh_link_asked_for_by_postcode_is_emailed_when_we_write_by_email_and_posted_when_by_post()
 {
    let stack = stack("public_link_postcode").await;
    let console = start_console(&stack, &[]).await;
    let emailed = Person {
        first_name: "Priya",
        last_name: "Postcode",
        email: "priya.postcode@example.org",
        detail: "My certificate has the wrong date.",
        attachment: "",
    };
    let posted = Person {
        first_name: "Percy",
        last_name: "Posted",
        email: "percy.posted@example.org",
        detail: "Please write to me by post about my fees.",
        attachment: "",
    };
    submit(&stack, with_address(&emailed, false)).await;
    let (email_ref, _) = reply_to(&stack, emailed.email).await;
    let posted_receipt = submit(&stack, with_address(&posted, true)).await;
    let post_ref = stack.reference_of(&posted_receipt.submission_id).await;

    // By email: the postcode, typed loosely, matches, and the link goes to
    // the email address we write to.
    let mut b = Browser::new(console.public);
    let page = ask(&mut b, &email_ref, "mk403aa").await;
    assert_eq!(page.location(), "/new-link/sent", "{}", page.body);
    let fresh = mail(&stack, emailed.email, FRESH_SUBJECT).await;
    let path = link_path(&fresh, "follow");
    assert!(path.contains(&email_ref), "{path}");
    let sent = b.get("/new-link/sent").await;
    assert!(!sent.body.contains("/follow/"), "never shown on screen");

    // By post: the complainant asked us to write by post, so the letter
    // goes to the print queue, addressed to them, and no email is sent
    // even though we hold an address.
    // Addressed as the complaint's first letter was, so once it exists.
    let mut letters = notifications(&stack).await;
    for _ in 0..300 {
        let items = letters
            .list_correspondence(pb::ListCorrespondenceRequest {
                reference: post_ref.clone(),
            })
            .await
            .unwrap()
            .into_inner()
            .items;
        if items.iter().any(|l| l.template == "automatic_reply") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = ask(&mut b, &post_ref, "MK40 3AA").await;
    assert_eq!(page.location(), "/new-link/sent", "{}", page.body);
    let recorded = fresh_links(&stack, &post_ref).await;
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].channel, pb::DeliveryChannel::Post as i32);
    let queued = letters
        .list_print_queue(pb::ListPrintQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items;
    assert!(
        queued
            .iter()
            .any(|i| i.notification_id == recorded[0].notification_id),
        "the fresh link waits in the print queue"
    );
    let item = letters
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: recorded[0].notification_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(item.pdf.starts_with(b"%PDF"), "a printable letter");
    assert!(
        !stack
            .smtp
            .received()
            .iter()
            .any(|m| m.to.iter().any(|t| t.contains(posted.email))
                && m.subject().contains(FRESH_SUBJECT)),
        "no email for a complainant who asked for post"
    );
}

#[tokio::test]
async fn r_conf_2_a_follow_link_to_a_destroyed_complaint_no_longer_works_and_is_counted() {
    let stack = stack("public_link_gone").await;
    let console = start_console(&stack, &[]).await;
    let person = Person {
        first_name: "Desmond",
        last_name: "Destroyed",
        email: "desmond.destroyed@example.org",
        detail: "An old complaint about my membership.",
        attachment: "",
    };
    let receipt = submit(&stack, person.submission()).await;
    let (reference, reply) = reply_to(&stack, person.email).await;
    let follow = link_path(&reply, "follow");
    let mut before = Browser::new(console.public);
    assert_eq!(before.get(&follow).await.location(), "/your-complaint");
    let gone_before = metric(
        &stack,
        1,
        "complaints_follow_links_refused_total",
        "record_gone",
    )
    .await;

    for mut dpo in stack.dpo().await {
        dpo.destroy(pb::DestroyRequest {
            complaint_reference: reference.clone(),
            submission_id: receipt.submission_id.clone(),
            reason: "retention period ended".into(),
        })
        .await
        .unwrap();
    }

    // The link is genuine and unexpired, but there is nothing behind it.
    let mut b = Browser::new(console.public);
    let page = b.get(&follow).await;
    assert_eq!(page.status, 410, "{}", page.body);
    assert!(
        page.body.contains("This link no longer works"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&reference), "nothing of the complaint");
    // A visitor who opened it before the destruction gets the same page.
    let kept = before.get("/your-complaint").await;
    assert_eq!(kept.status, 410, "{}", kept.body);
    let gone_after = metric(
        &stack,
        1,
        "complaints_follow_links_refused_total",
        "record_gone",
    )
    .await;
    assert!(
        gone_after >= gone_before + 2.0,
        "{gone_before} -> {gone_after}"
    );
}

/// R-INT-2: the automatic reply to a matter over 6 months old goes out
/// under the submission's reference while staff decide, and carries a
/// link for the submission: the page says what is known (received, staff
/// deciding) and nothing else, then, once the complaint is opened, the
/// same link shows the complaint and its letters.
#[tokio::test]
async fn r_int_2_the_automatic_reply_under_a_submission_reference_links_to_where_it_stands_until_the_complaint_opens()
 {
    let stack = stack("public_link_submission").await;
    let console = start_console(&stack, &[]).await;
    let person = Person {
        first_name: "Olwen",
        last_name: "Oldmatter",
        email: "olwen.oldmatter@example.org",
        detail: "My exam entry was lost last year.",
        attachment: "",
    };
    let mut request = person.submission();
    let long_ago = chrono::Utc::now().date_naive() - chrono::Duration::days(400);
    request.matter_date = Some(pb::Date {
        year: chrono::Datelike::year(&long_ago),
        month: chrono::Datelike::month(&long_ago),
        day: chrono::Datelike::day(&long_ago),
    });
    let receipt = submit(&stack, request).await;
    assert_eq!(
        receipt.status,
        pb::TriageStatus::AwaitingTimeDecision as i32
    );
    let (reference, reply) = reply_to(&stack, person.email).await;
    assert!(reference.starts_with("SUB-"), "{reference}");
    let follow = link_path(&reply, "follow");
    assert!(follow.contains(&receipt.submission_id), "{follow}");

    let mut b = Browser::new(console.public);
    assert_eq!(b.get(&follow).await.location(), "/your-complaint");
    let page = b.get("/your-complaint").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&reference), "{}", page.body);
    assert!(
        page.body.contains("A member of staff is deciding"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(person.detail), "nothing of the matter");
    // No next stage to ask for before there is a complaint.
    assert_eq!(
        b.get("/your-complaint/next-stage").await.location(),
        "/your-complaint"
    );

    // Staff decide to consider it: the complaint opens, and the page
    // gives its reference.
    let t = token("manager-1", &[Role::Manager], Some("Customer Services"));
    let mut intake = complaints_proto::v1::intake_client::IntakeClient::new(
        channel_as(stack.addrs[0], Some(&t)).await,
    );
    intake
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id.clone(),
            reason: "The candidate was in hospital for most of the year.".into(),
            decided_by: "manager-1".into(),
        })
        .await
        .unwrap();
    let complaint = stack.reference_of(&receipt.submission_id).await;
    let mut opened = String::new();
    for _ in 0..300 {
        opened = b.get("/your-complaint").await.body;
        if opened.contains(&complaint) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(opened.contains(&complaint), "{opened}");
    assert!(
        opened.contains("Stage 1"),
        "the complaint's own page: {opened}"
    );
    // Its letters too, from notifications, which also takes the
    // submission's link for the complaint opened from it.
    for _ in 0..300 {
        opened = b.get("/your-complaint").await.body;
        if opened.contains("We can consider your complaint") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        opened.contains("We can consider your complaint"),
        "{opened}"
    );

    // A changed submission link no longer works, and is counted by intake.
    let mut tampered = follow.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let refused = Browser::new(console.public).get(&tampered).await;
    assert_eq!(refused.status, 410, "{}", refused.body);
    assert!(metric(&stack, 0, "intake_follow_links_refused_total", "tampered").await >= 1.0);
}
