//! R-ADJ-1 from the complainant's side: the public complaint form asks,
//! optionally, what changes they need; the answers reach the complaint as
//! staff see it and the letters that follow.

use crate::public_pages::{Browser, start_console};
use crate::stack::Stack;
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::auth::Role;
use platform::testing::{channel_as, token};
use std::time::Duration;

/// A complainant by post asks for large print and for their daughter to
/// speak for them; a choice left without its answer is refused naming the
/// input first. The complaint shows both to staff, and its first letter
/// waits in the print queue in large print.
#[tokio::test]
async fn r_adj_1_the_public_forms_adjustments_reach_the_complaint_and_its_letters() {
    let stack = Stack::spawn("public_adjustments").await;
    let console = start_console(&stack, &[]).await;
    let mut b = Browser::new(console.public);
    b.get("/complaint").await;
    b.post("/complaint/start", &[]).await;
    b.get("/complaint/who-for").await;
    b.post("/complaint/who-for", &[("who_for", "Myself")]).await;
    b.get("/complaint/contact").await;
    let page = b
        .post(
            "/complaint/contact",
            &[
                ("first_name", "Wilhelmina"),
                ("last_name", "Quarrington"),
                ("email", "wilhelmina.quarrington@example.org"),
                ("address_line_1", "12 St James's Square"),
                ("town", "London"),
                ("postcode", "SW1Y 4JH"),
            ],
        )
        .await;
    assert_eq!(
        page.location(),
        "/complaint/correspondence",
        "{}",
        page.body
    );
    let page = b
        .post("/complaint/correspondence", &[("correspondence", "Post")])
        .await;
    assert_eq!(page.location(), "/complaint/adjustments", "{}", page.body);

    let page = b.get("/complaint/adjustments").await;
    assert_eq!(page.status, 200);
    for shown in [
        "type=\"checkbox\"",
        "Letters in large print",
        "Someone to speak to us for you",
        "Which format do you need?",
    ] {
        assert!(page.body.contains(shown), "{shown} on the page");
    }
    // A choice without its answer is refused naming the input.
    let refused = b
        .post(
            "/complaint/adjustments",
            &[
                ("adjustments", "large_print"),
                ("adjustments", "representative"),
                ("adj_representative_name", "Grace Quarrington"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("href=\"#adj_representative_relationship\""),
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("R-ADJ-1: Enter their relationship to you")
    );
    assert!(
        refused.body.contains("value=\"Grace Quarrington\""),
        "kept as typed"
    );
    let page = b
        .post(
            "/complaint/adjustments",
            &[
                ("adjustments", "large_print"),
                ("adjustments", "representative"),
                ("adj_representative_name", "Grace Quarrington"),
                ("adj_representative_relationship", "daughter"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/complaint/customer", "{}", page.body);
    b.post(
        "/complaint/customer",
        &[
            ("customer_status", "Not a member"),
            ("customer_type", "Member of the public"),
        ],
    )
    .await;
    b.post(
        "/complaint/category",
        &[("query_category", "Customer service")],
    )
    .await;
    let today = chrono::Utc::now().date_naive();
    let (d, m, y) = (
        chrono::Datelike::day(&today).to_string(),
        chrono::Datelike::month(&today).to_string(),
        chrono::Datelike::year(&today).to_string(),
    );
    let page = b
        .post(
            "/complaint/detail",
            &[
                ("matter_date_day", &d),
                ("matter_date_month", &m),
                ("matter_date_year", &y),
                (
                    "query_detail",
                    "The letters you send me are too small to read.",
                ),
            ],
        )
        .await;
    assert_eq!(page.location(), "/complaint/files", "{}", page.body);
    b.get("/complaint/equality").await;
    let page = b.post("/complaint/equality", &[("skip", "yes")]).await;
    assert_eq!(page.location(), "/complaint/check-answers");

    let check = b.get("/complaint/check-answers").await;
    assert_eq!(check.status, 200, "{}", check.body);
    for shown in [
        "Changes to how we contact you",
        "Letters in large print",
        "Grace Quarrington (daughter)",
    ] {
        assert!(check.body.contains(shown), "{shown} on check your answers");
    }
    let done = b.post("/complaint/check-answers", &[]).await;
    assert_eq!(done.location(), "/complaint/confirmation", "{}", done.body);

    // The complaint, as staff see it.
    let csm = token(
        "csm-1",
        &[Role::CustomerServiceManager, Role::Manager],
        Some("Customer Services"),
    );
    let mut complaints = ComplaintsClient::new(channel_as(stack.addrs[1], Some(&csm)).await);
    let mut items = Vec::new();
    for _ in 0..600 {
        items = complaints
            .list_work_queue(pb::ListWorkQueueRequest::default())
            .await
            .unwrap()
            .into_inner()
            .items;
        if !items.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reference = items
        .first()
        .expect("the complaint was opened")
        .reference
        .clone();
    let view = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        view.adjustments,
        Some(pb::ReasonableAdjustments {
            large_print: true,
            representative_name: "Grace Quarrington".into(),
            representative_relationship: "daughter".into(),
            ..Default::default()
        })
    );

    // Its first letter waits to be printed, in large print.
    let mut notifications = NotificationsClient::new(channel_as(stack.addrs[2], Some(&csm)).await);
    let mut printed = None;
    for _ in 0..600 {
        let queue = notifications
            .list_print_queue(pb::ListPrintQueueRequest::default())
            .await
            .unwrap()
            .into_inner()
            .items;
        printed = queue.into_iter().find(|i| i.reference == reference);
        if printed.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let listed = printed.expect("the letter waits in the print queue within 30 s");
    assert!(listed.large_print, "the list says large print");
    let printed = notifications
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: listed.notification_id,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(printed.large_print);
    assert!(printed.pdf.starts_with(b"%PDF-"));
    assert!(
        printed
            .body
            .contains("we will also speak with Grace Quarrington, your daughter,"),
        "{}",
        printed.body
    );
}
