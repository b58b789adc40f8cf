//! R-INT-1: the form is one way to complain. The public home page and the
//! complaint start page say people can also complain by telephone, email
//! or post, with the organisation's details from the console's settings,
//! and that our reply will carry a link to follow the complaint.

use crate::public_pages::{Browser, start_console};
use crate::stack::Stack;

#[tokio::test]
async fn r_int_1_the_home_and_start_pages_give_the_telephone_email_and_postal_ways_to_complain() {
    let stack = Stack::spawn("public_home").await;
    let defaults = start_console(&stack, &[]).await;
    let mut b = Browser::new(defaults.public);
    for path in ["/", "/complaint"] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        for expected in [
            "You can also complain by telephone, by email or by post",
            "01632 960000",
            "href=\"tel:01632960000\"",
            "mailto:complaints@example.org",
            "CILEX Customer Service, Kempston Manor, Kempston, Bedford, MK42 7AB",
            "a link to follow your complaint online",
        ] {
            assert!(page.body.contains(expected), "{path}: no {expected:?}");
        }
    }
    drop(defaults);

    let set = start_console(
        &stack,
        &[
            ("PUBLIC_CONTACT_PHONE", "0300 123 4567"),
            ("PUBLIC_CONTACT_EMAIL", "complaints@cilex.example"),
            (
                "PUBLIC_CONTACT_ADDRESS",
                "Complaints Team| 1 Example Road |Bedford|MK40 1AA",
            ),
        ],
    )
    .await;
    let page = Browser::new(set.public).get("/complaint").await;
    for expected in [
        "0300 123 4567",
        "href=\"tel:03001234567\"",
        "mailto:complaints@cilex.example",
        "Complaints Team, 1 Example Road, Bedford, MK40 1AA",
    ] {
        assert!(
            page.body.contains(expected),
            "no {expected:?}:\n{}",
            page.body
        );
    }
    assert!(!page.body.contains("01632 960000"));
}
