//! The complainant's side in Chromium at 320 CSS pixels wide (WCAG 1.4.10
//! reflow): the page a follow link opens, asking for Stage 2 (with its
//! error), a link that no longer works, asking for a fresh link (with its
//! error) and its answer, and the consent page (with its error) and its
//! answer; each breaks no WCAG 2.2 A or AA rule axe-core checks and needs
//! no sideways scrolling, without JavaScript being needed to use it.

use crate::public_follow::{command, link_path, mail, reply_to, stack, staff, submit};
use crate::public_pages::start_console;
use crate::stack::Person;
use complaints_proto::v1 as pb;
use end_to_end::browser::{Browser, assert_accessible};
use platform::auth::Role;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(15);

async fn check(browser: &Browser, page: &str) {
    assert_accessible(browser, page).await;
    let fits = browser
        .script("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    assert_eq!(
        fits.as_bool(),
        Some(true),
        "{page} scrolls sideways at 320 px"
    );
}

/// Waits up to [`WAIT`] for the page to show `text`.
async fn shows(browser: &Browser, text: &str) {
    let mut seen = String::new();
    for _ in 0..150 {
        seen = browser.text().await;
        if seen.contains(text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{text:?} is not on the page:\n{seen}");
}

#[tokio::test]
async fn r_s1_4_r_int_4_the_follow_next_stage_fresh_link_and_consent_pages_pass_axe_at_320_px() {
    let stack = stack("browser_follow").await;
    let console = start_console(&stack, &[]).await;
    let base = format!("http://{}", console.public);
    let person = Person {
        first_name: "Bartholomew",
        last_name: "Browser-Follow",
        email: "bartholomew.browser@example.org",
        detail: "My certificate shows the wrong name.",
        attachment: "",
    };
    submit(&stack, person.submission()).await;
    let (reference, reply) = reply_to(&stack, person.email).await;
    let follow = link_path(&reply, "follow");

    let browser = Browser::start().await;
    browser.set_viewport_width(320).await;
    browser.goto(&format!("{base}{follow}")).await;
    browser.wait_for_path("/your-complaint", WAIT).await;
    check(&browser, "the complaint's page").await;
    assert!(browser.text().await.contains(&reference));

    let mut manager = staff(&stack, "manager-1", &[Role::Manager]).await;
    manager
        .assign_handler(pb::AssignHandlerRequest {
            command: command(&reference, "manager-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    staff(&stack, "handler-1", &[Role::Handler])
        .await
        .record_outcome(pb::RecordOutcomeRequest {
            command: command(&reference, "handler-1"),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::PartlyUpheld as i32,
            findings: "The name was misspelt; a new certificate is on its way.".into(),
            remedies: vec![pb::RemedyInput {
                kind: pb::RemedyKind::Apology as i32,
                description: "We apologise for the error.".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    browser.goto(&format!("{base}/your-complaint")).await;
    check(&browser, "the complaint's page after the Stage 1 outcome").await;
    browser.click("a.button").await;
    browser
        .wait_for_path("/your-complaint/next-stage", WAIT)
        .await;
    check(&browser, "asking for Stage 2").await;
    browser.click("form button[type=submit]").await;
    browser.find(".error-summary").await;
    check(&browser, "asking for Stage 2, with errors").await;
    browser.click("label[for=grounds]").await;
    browser
        .type_into("#reasons", "The new certificate still has the old date.")
        .await;
    browser.click("form button[type=submit]").await;
    browser.find("h1").await;
    assert!(
        browser.text().await.contains("You have asked for Stage 2"),
        "{}",
        browser.text().await
    );
    check(&browser, "Stage 2 asked for").await;

    // A link that no longer works.
    let tampered = follow.replacen(&reference, "CMP-2026-999998", 1);
    browser.goto(&format!("{base}{tampered}")).await;
    browser.find("h1").await;
    assert!(browser.text().await.contains("This link no longer works"));
    check(&browser, "a link that no longer works").await;

    // A fresh link.
    browser.goto(&format!("{base}/new-link")).await;
    check(&browser, "asking for a new link").await;
    browser.click("form button[type=submit]").await;
    browser.find(".error-summary").await;
    check(&browser, "asking for a new link, with errors").await;
    browser.type_into("#reference", &reference).await;
    browser.type_into("#email_or_postcode", person.email).await;
    browser.click("form button[type=submit]").await;
    browser.wait_for_path("/new-link/sent", WAIT).await;
    check(&browser, "a new link asked for").await;
    mail(&stack, person.email, "A new link to follow your complaint").await;

    // Consent from the consent link (R-INT-4).
    let individual = Person {
        first_name: "Cordelia",
        last_name: "Consent-Browser",
        email: "cordelia.consent@example.org",
        detail: "My training provider complains for me.",
        attachment: "",
    };
    let mut request = individual.submission();
    request.third_party = Some(pb::ThirdParty {
        name: "Tobias Trainer".into(),
        relationship: "training provider".into(),
        email: "tobias.trainer@example.org".into(),
        ..Default::default()
    });
    submit(&stack, request).await;
    let asked = mail(&stack, individual.email, "We need your consent").await;
    let consent = link_path(&asked, "consent");
    browser.goto(&format!("{base}{consent}")).await;
    browser.wait_for_path("/consent", WAIT).await;
    check(&browser, "the consent page").await;
    browser.click("form button[type=submit]").await;
    browser.find(".error-summary").await;
    check(&browser, "the consent page, with an error").await;
    browser.click("label[for=answer]").await;
    browser.click("form button[type=submit]").await;
    // The form's own h1 is there until the answer's page replaces it.
    shows(&browser, "your consent is recorded").await;
    check(&browser, "consent given").await;

    // A matter over 6 months old waiting for a staff decision (R-INT-2):
    // the automatic reply's link opens the submission's own page.
    let waiting = Person {
        first_name: "Winifred",
        last_name: "Waiting-Browser",
        email: "winifred.waiting@example.org",
        detail: "My membership was cancelled two years ago.",
        attachment: "",
    };
    let mut request = waiting.submission();
    let long_ago = chrono::Utc::now().date_naive() - chrono::Duration::days(400);
    request.matter_date = Some(pb::Date {
        year: chrono::Datelike::year(&long_ago),
        month: chrono::Datelike::month(&long_ago),
        day: chrono::Datelike::day(&long_ago),
    });
    submit(&stack, request).await;
    let (_, reply) = reply_to(&stack, waiting.email).await;
    browser
        .goto(&format!("{base}{}", link_path(&reply, "follow")))
        .await;
    browser.wait_for_path("/your-complaint", WAIT).await;
    shows(&browser, "A member of staff is deciding").await;
    check(&browser, "a submission's page").await;
}
