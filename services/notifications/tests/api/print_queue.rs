//! The print queue a page at a time (R-CORR-1): keyset pages in the order
//! letters were queued, page sizes and tokens read at the edge, the cut a
//! handler's page says it made, and the correspondence list's cut.

use crate::helpers::{Stack, start};
use crate::smtp::SmtpSink;
use chrono::{DateTime, Duration, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::notifications_client::NotificationsClient;
use notifications::core::{Channel, Recipient, RecipientKind, Rendered};
use notifications::store::{self, NewNotification};
use platform::auth::Role;
use platform::testing::{channel_as, token};
use uuid::Uuid;

/// Queues one post letter per `(id, when)` for `party` through the store,
/// as the planner does, and links `reference` to the party.
async fn queue_letters(
    stack: &Stack,
    party: &str,
    reference: &str,
    letters: &[(Uuid, DateTime<Utc>)],
) {
    let mut tx = stack.notifications_log.pool().begin().await.unwrap();
    store::link_reference(&mut tx, reference, party)
        .await
        .unwrap();
    let to = Recipient {
        kind: RecipientKind::Complainant,
        name: "Ada Lovelace".into(),
        channel: Channel::Post {
            lines: vec!["12 St James's Square".into(), "London".into()],
            postcode: "SW1Y 4JH".into(),
        },
        adjustments: None,
    };
    let rendered = Rendered {
        subject: format!("Your complaint {reference}"),
        body: "Dear Ada Lovelace,\n\nThe text of the letter.".into(),
    };
    for (id, at) in letters {
        let queued = store::queue(
            &mut tx,
            &NewNotification {
                id: *id,
                party_key: party,
                reference,
                template: "automatic_reply",
                to: &to,
                rendered: &rendered,
                cause_event_id: None,
                cause_event_type: "",
                cause_payload: &[],
                resend_of: None,
            },
            *at,
        )
        .await
        .unwrap();
        assert!(queued);
    }
    tx.commit().await.unwrap();
}

async fn page(stack: &mut Stack, page_size: u32, page_token: &str) -> pb::ListPrintQueueResponse {
    stack
        .notifications
        .list_print_queue(pb::ListPrintQueueRequest {
            page_size,
            page_token: page_token.to_owned(),
        })
        .await
        .unwrap()
        .into_inner()
}

fn ids(answer: &pb::ListPrintQueueResponse) -> Vec<String> {
    answer
        .items
        .iter()
        .map(|i| i.notification_id.clone())
        .collect()
}

/// Seven letters, three of them queued in the same microsecond: pages of
/// three follow the queue's order (when queued, then id) forwards and
/// back, list what the page shows and no address, text or PDF, and say
/// how many wait.
#[tokio::test]
async fn r_corr_1_the_print_queue_pages_oldest_first_by_queued_time_then_id_both_ways() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let at = |s: i64| start() + Duration::seconds(s);
    let mut letters: Vec<(Uuid, DateTime<Utc>)> = (0..7)
        .map(|n| (Uuid::new_v4(), at(if n < 3 { 10 } else { 20 - n })))
        .collect();
    queue_letters(&stack, "party-paging", "CMP-2026-000101", &letters).await;
    letters.sort_by_key(|(id, at)| (*at, *id));
    let expected: Vec<String> = letters.iter().map(|(id, _)| id.to_string()).collect();

    let first = page(&mut stack, 3, "").await;
    assert_eq!(ids(&first), expected[..3]);
    assert_eq!(
        first.previous_page_token, "",
        "the first page has none before"
    );
    assert_eq!(first.waiting, Some(7));
    assert!(!first.truncated);
    let item = &first.items[0];
    assert_eq!(item.reference, "CMP-2026-000101");
    assert_eq!(item.recipient_name, "Ada Lovelace");
    assert!(item.pdf.is_empty() && item.body.is_empty() && item.address.is_none());
    assert_eq!(item.pdf_filename, "CMP-2026-000101-automatic_reply.pdf");

    let second = page(&mut stack, 3, &first.next_page_token).await;
    assert_eq!(ids(&second), expected[3..6]);
    let third = page(&mut stack, 3, &second.next_page_token).await;
    assert_eq!(ids(&third), expected[6..]);
    assert_eq!(third.next_page_token, "", "the last page has none after");

    let back = page(&mut stack, 3, &third.previous_page_token).await;
    assert_eq!(ids(&back), expected[3..6]);
    assert_eq!(back.next_page_token, second.next_page_token);
    let front = page(&mut stack, 3, &back.previous_page_token).await;
    assert_eq!(ids(&front), expected[..3]);
    assert_eq!(
        front.previous_page_token, "",
        "paging back ends on the first page"
    );

    // One page holding them all; the default page size holds them too.
    assert_eq!(ids(&page(&mut stack, 500, "").await), expected);
    let default = page(&mut stack, 0, "").await;
    assert_eq!(ids(&default), expected);
    assert_eq!(default.next_page_token, "");
    stack.cleanup().await;
}

/// A page size over 500 and a page token the service never gave out are
/// refused as INVALID_ARGUMENT naming the field; nothing is read.
#[tokio::test]
async fn r_corr_1_a_page_size_over_500_or_a_tampered_page_token_is_refused_naming_the_field() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let letters = [(Uuid::new_v4(), start()), (Uuid::new_v4(), start())];
    queue_letters(&stack, "party-bounds", "CMP-2026-000102", &letters).await;
    let next = page(&mut stack, 1, "").await.next_page_token;
    assert!(next.starts_with('a'), "{next}");
    let asked = |page_size: u32, page_token: &str| pb::ListPrintQueueRequest {
        page_size,
        page_token: page_token.to_owned(),
    };
    let refused = stack
        .notifications
        .list_print_queue(asked(501, ""))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert!(
        refused.message().starts_with("page_size:"),
        "{}",
        refused.message()
    );
    for tampered in [
        "not a token".to_owned(),
        next.replacen('a', "z", 1),
        next[..next.len() - 4].to_owned(),
        format!("a{}", &next[2..]).replace('.', ""),
        "a99999999999999999.00000000-0000-0000-0000-000000000000".to_owned(),
    ] {
        let refused = stack
            .notifications
            .list_print_queue(asked(1, &tampered))
            .await
            .unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument, "{tampered}");
        assert!(
            refused.message().starts_with("page_token:"),
            "{tampered}: {}",
            refused.message()
        );
    }
    assert_eq!(ids(&page(&mut stack, 1, &next).await).len(), 1);
    stack.cleanup().await;
}

/// A letter marked posted leaves the queue and the count; the page after
/// it still follows on from where it was; its letter can no longer be
/// fetched to print, while one still waiting can.
#[tokio::test]
async fn r_corr_1_a_posted_letter_leaves_the_queue_and_the_next_page_still_follows() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let at = |s: i64| start() + Duration::seconds(s);
    let letters: Vec<(Uuid, DateTime<Utc>)> = (0..4).map(|n| (Uuid::new_v4(), at(n))).collect();
    queue_letters(&stack, "party-posted", "CMP-2026-000103", &letters).await;
    let first = page(&mut stack, 2, "").await;
    let posted = first.items[1].notification_id.clone();
    let letter = stack
        .notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: posted.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(letter.pdf.starts_with(b"%PDF-"));
    assert_eq!(letter.address.unwrap().postcode, "SW1Y 4JH");
    assert!(letter.body.contains("The text of the letter."));

    stack
        .notifications
        .mark_posted(pb::MarkPostedRequest {
            notification_id: posted.clone(),
        })
        .await
        .unwrap();
    let again = page(&mut stack, 2, "").await;
    assert!(!ids(&again).contains(&posted));
    assert_eq!(again.waiting, Some(3));
    let second = page(&mut stack, 2, &first.next_page_token).await;
    assert_eq!(
        ids(&second),
        [letters[2].0.to_string(), letters[3].0.to_string()]
    );
    let gone = stack
        .notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: posted,
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), tonic::Code::FailedPrecondition);
    let unknown = stack
        .notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: Uuid::new_v4().to_string(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), tonic::Code::NotFound);
    stack.cleanup().await;
}

/// 1001 letters of one complaint no team holds yet: a handler of another
/// team reaches none of them, so their page stops after 1000, says it was
/// cut, and its next page carries on to the last one; nobody's count is
/// given to them. The complaint's correspondence answers the latest 1000
/// and says the oldest were left out.
#[tokio::test]
async fn r_corr_1_a_page_and_the_correspondence_say_when_they_were_cut() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let at = |s: i64| start() + Duration::seconds(s);
    let letters: Vec<(Uuid, DateTime<Utc>)> = (0..1001).map(|n| (Uuid::new_v4(), at(n))).collect();
    queue_letters(&stack, "party-cut", "CMP-2026-000104", &letters).await;

    let token = token("handler-9", &[Role::Handler], Some("Examinations"));
    let mut handler =
        NotificationsClient::new(channel_as(stack.notifications_addr, Some(&token)).await);
    let cut = handler
        .list_print_queue(pb::ListPrintQueueRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert!(cut.items.is_empty());
    assert!(cut.truncated, "the page says it stopped looking");
    assert_eq!(cut.waiting, None, "no count of letters they cannot reach");
    assert!(!cut.next_page_token.is_empty(), "and where to carry on");
    let rest = handler
        .list_print_queue(pb::ListPrintQueueRequest {
            page_size: 0,
            page_token: cut.next_page_token,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(rest.items.is_empty());
    assert!(!rest.truncated, "one letter was left to look at");
    assert_eq!(rest.next_page_token, "");

    let listed = stack
        .notifications
        .list_correspondence(pb::ListCorrespondenceRequest {
            reference: "CMP-2026-000104".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(listed.truncated);
    assert_eq!(listed.items.len(), 1000);
    assert_eq!(
        listed.items[0].notification_id,
        letters[1].0.to_string(),
        "the oldest was left out"
    );
    stack.cleanup().await;
}
