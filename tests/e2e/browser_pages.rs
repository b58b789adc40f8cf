//! Browser tests of the staff console's remaining pages: every page the
//! three-stage test in `browser.rs` does not visit, each opened in headless
//! Chromium by someone whose roles reach it, signed in through the real
//! OpenID provider, and checked with axe-core against WCAG 2.2 A and AA.
//!
//! One browser and one console serve the whole test: a browser costs
//! seconds. Violations are gathered page by page and reported together,
//! so one run names every page that breaks a rule.

use super::browser::ConsoleUnderTest;
use super::stack::Person;
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use end_to_end::browser::{Browser, axe};
use platform::testing::channel_as;
use std::time::Duration;

/// A complaint by post, so a letter waits in the print queue; its
/// equality answer fills the committee's equality analysis.
const POSTAL: Person = Person {
    first_name: "Araminta",
    last_name: "Quillfeather",
    email: "araminta.quillfeather@example.org",
    detail: "Heron-lantern: my certificate was sent to the wrong address.",
    attachment: "",
};

/// What axe-core found, page by page.
#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    /// Runs axe-core on the page the browser shows, which the test calls
    /// `page`, and keeps any violation with its rule id and targets.
    async fn check(&mut self, browser: &Browser, page: &str) {
        let violations = axe(&browser.client).await;
        if !violations.is_empty() {
            let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
            self.0.push(format!(
                "{page} ({}):\n    {}",
                browser.current_url().await,
                list.join("\n    ")
            ));
        }
    }
}

/// Opens `path` until its text contains `text` (the services' read models
/// catch up with the bus), within 20 s.
async fn open_when_showing(console: &ConsoleUnderTest, browser: &Browser, path: &str, text: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        browser.goto(&console.page(path)).await;
        let shown = browser.text().await;
        if shown.contains(text) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{path} never showed {text}; it shows: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The heading of the page the browser shows.
async fn heading(browser: &Browser) -> String {
    browser.find("h1").await.text().await.unwrap_or_default()
}

/// Seeds, through intake's gRPC as the portal: a complaint by post (with
/// an equality answer), a complaint about a matter over six months old
/// (so it waits in triage) and a compliment. Answers the postal
/// complaint's reference and the late submission's reference.
async fn seed(console: &ConsoleUnderTest) -> (String, String) {
    let portal = console.provider.portal_token().await;
    let mut intake = IntakeClient::new(channel_as(console.stack.addrs[0], Some(&portal)).await);

    let mut postal = POSTAL.submission();
    postal.correspondence = pb::CorrespondencePreference::Post as i32;
    if let Some(c) = postal.complainant.as_mut() {
        c.postal_address = Some(pb::PostalAddress {
            lines: vec!["12 Quillfeather Row".into(), "Bedford".into()],
            postcode: "MK40 1AA".into(),
        });
    }
    postal.equality_monitoring = Some(pb::EqualityMonitoring {
        ethnicity: "Prefer not to say".into(),
        ..Default::default()
    });
    let receipt = intake
        .submit_complaint(postal)
        .await
        .expect("intake takes the postal complaint")
        .into_inner();
    let reference = console.stack.reference_of(&receipt.submission_id).await;

    let old = chrono::Utc::now().date_naive() - chrono::Days::new(250);
    let mut late = Person {
        first_name: "Ada",
        last_name: "Lovelace",
        email: "ada.lovelace@example.org",
        detail: "A certificate from last year is wrong.",
        attachment: "",
    }
    .submission();
    late.matter_date = Some(pb::Date {
        year: chrono::Datelike::year(&old),
        month: chrono::Datelike::month(&old),
        day: chrono::Datelike::day(&old),
    });
    let late = intake
        .submit_complaint(late)
        .await
        .expect("intake takes the late complaint")
        .into_inner();
    assert_eq!(
        late.status,
        pb::TriageStatus::AwaitingTimeDecision as i32,
        "R-INT-2: a matter over six months old waits for a decision"
    );

    intake
        .submit_compliment(pb::SubmitComplimentRequest {
            idempotency_key: "browser-pages-compliment".into(),
            channel: pb::Channel::Email as i32,
            team: "Exams".into(),
            about_person: "Ms Weatherby".into(),
            message: "Kingfisher-compass: the exams team were very kind.".into(),
            from: None,
        })
        .await
        .expect("intake takes the compliment");
    (reference, late.reference)
}

/// WCAG 2.2 A and AA through the console in a real browser, beyond the
/// complaint's own pages: staff signed in at the identity provider open
/// every other page their roles reach (the triage queue and a decision
/// form; the letters to post, a letter's preview, a letter marked posted
/// and the correspondence search; compliments and the recognition report;
/// monitoring; the regulator notices and the form for a new one; the
/// rebuild page and a rebuild's result; the committee's report for a
/// period with its equality analysis; the data protection officer's
/// records pages, a legal hold placed, a destruction checked (showing the
/// hold) and refused unconfirmed, a retention run; the page not found; the
/// sign-in and signed-out pages; and refused forms with their error
/// summaries), and axe-core finds no rule broken on any of them.
#[tokio::test]
async fn r_conf_1_every_staff_page_of_the_console_breaks_no_wcag_rule_axe_checks() {
    let console = ConsoleUnderTest::start("browser_pages").await;
    let (reference, late) = seed(&console).await;
    let browser = Browser::start().await;
    let mut found = Findings::default();

    browser.goto(&console.page("/sign-in")).await;
    browser.find("#sign-in-oidc").await;
    found.check(&browser, "the sign-in page").await;

    // A handler: triage, a decision form, compliments, a refused form.
    console.sign_in(&browser, "handler-north").await;
    open_when_showing(&console, &browser, "/triage", &late).await;
    found.check(&browser, "the triage queue").await;
    browser.click("a[href^='/submissions/']").await;
    browser.find("form button[type=submit]").await;
    found
        .check(
            &browser,
            &format!("a triage decision form ({})", heading(&browser).await),
        )
        .await;
    browser.goto(&console.page("/compliments")).await;
    browser.find("form[action='/compliments']").await;
    found.check(&browser, "the compliment form").await;
    browser
        .click("form[action='/compliments'] button[type=submit]")
        .await;
    browser.find(".error-summary").await;
    found
        .check(
            &browser,
            "the compliment form refused, with its error summary",
        )
        .await;

    // The Corporate Compliance Manager: letters, monitoring, notices,
    // the access audit and rebuilds.
    console
        .sign_in(&browser, "corporate-compliance-manager")
        .await;
    open_when_showing(&console, &browser, "/letters", &reference).await;
    found.check(&browser, "the letters to post").await;
    browser
        .click("tr[data-notification] a[href^='/letters/']")
        .await;
    browser.find("#letter-body").await;
    found.check(&browser, "a letter's preview").await;
    browser.goto(&console.page("/letters")).await;
    browser
        .click("tr[data-notification] form[action='/letters/posted'] button[type=submit]")
        .await;
    browser.find(".notification-banner--success").await;
    found
        .check(&browser, "the letters to post, one marked posted")
        .await;
    // More letters than a page shows: the count, and the second page with
    // its link back.
    crate::support::queue_post_letters(
        &console.stack.settings[2],
        "CMP-2026-000301",
        51,
        chrono::Utc::now(),
    )
    .await;
    browser.goto(&console.page("/letters")).await;
    browser.find("#print-queue-count").await;
    browser.click("#print-queue-pages a[rel=next]").await;
    browser.find("#print-queue-pages a[rel=prev]").await;
    found
        .check(&browser, "the second page of the letters to post")
        .await;
    browser.goto(&console.page("/letters/correspondence")).await;
    found.check(&browser, "the correspondence search").await;
    open_when_showing(
        &console,
        &browser,
        &format!("/letters/correspondence?reference={reference}"),
        &reference,
    )
    .await;
    found.check(&browser, "a complaint's correspondence").await;
    browser.goto(&console.page("/monitoring")).await;
    found.check(&browser, "monitoring").await;
    browser.goto(&console.page("/regulator-notices")).await;
    found.check(&browser, "the regulator notices").await;
    browser.goto(&console.page("/regulator-notices/new")).await;
    browser.find("#form").await;
    found
        .check(&browser, "the form for a regulator notice")
        .await;
    browser.click("#form button[type=submit]").await;
    browser.find(".error-summary").await;
    found
        .check(&browser, "the form for a regulator notice refused")
        .await;
    browser.goto(&console.page("/records/rebuild")).await;
    found.check(&browser, "the rebuild page").await;
    browser
        .click("form[action='/records/rebuild/read-model'] button[type=submit]")
        .await;
    browser.find("#rebuilt").await;
    found.check(&browser, "a rebuild's result").await;
    // The rebuild's page was streamed: a line per progress message the
    // service sent, then the outcome.
    let lines = browser
        .script("return document.querySelectorAll('#progress li').length;")
        .await;
    assert!(
        lines.as_u64().is_some_and(|n| n >= 1),
        "at least one progress line: {lines}"
    );
    let first = browser
        .find("#progress li")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(first.starts_with("Replayed "), "a progress line: {first}");
    let outcome = browser
        .find("#rebuilt")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        outcome.contains("complaints replayed") && outcome.contains("committed"),
        "the final line: {outcome}"
    );
    browser.goto(&console.page("/no-such-page")).await;
    found.check(&browser, "the page not found").await;

    // The Head of Customer Experience: the recognition report.
    console.sign_in(&browser, "head-of-cx").await;
    open_when_showing(&console, &browser, "/compliments/recognition", "Exams").await;
    found.check(&browser, "the recognition report").await;

    // The committee: a period's report with its equality analysis.
    console.sign_in(&browser, "committee-member").await;
    browser.goto(&console.page("/committee")).await;
    found.check(&browser, "the committee's page").await;
    let year = chrono::Datelike::year(&chrono::Utc::now());
    let period = format!(
        "/committee?from-day=1&from-month=1&from-year={}&to-day=31&to-month=12&to-year={year}&grouping=quarter",
        year - 1
    );
    open_when_showing(&console, &browser, &period, "Prefer not to say").await;
    browser.find("#equality").await;
    found
        .check(
            &browser,
            "the committee's report for a period, with the equality analysis",
        )
        .await;

    // The data protection officer: the records pages.
    console.sign_in(&browser, "dpo").await;
    browser.goto(&console.page("/records")).await;
    browser.type_into("#record", &reference).await;
    browser.type_into("#reason", "A claim is expected").await;
    browser
        .click("form[action='/records/holds'] button[type=submit]")
        .await;
    browser.find("#holds").await;
    found
        .check(&browser, "the legal holds with one in place")
        .await;
    for (path, page) in [
        ("/records", "the legal holds"),
        ("/records/due", "the retention page"),
        ("/records/destructions", "the destructions"),
        ("/records/access", "the access audit"),
        ("/records/subject-access", "the subject access page"),
        ("/records/destroy", "the destruction form"),
    ] {
        browser.goto(&console.page(path)).await;
        browser.find("h1").await;
        found.check(&browser, page).await;
    }
    browser.type_into("#reference", &reference).await;
    browser.type_into("#reason", "Erasure request").await;
    browser
        .click("form[action='/records/destroy'] button[type=submit]")
        .await;
    browser
        .find("form[action='/records/destroy/confirm']")
        .await;
    found.check(&browser, "the destruction's check page").await;
    // Sent unconfirmed, the destruction is refused with the field's error
    // (and nothing is destroyed).
    browser
        .click("form[action='/records/destroy/confirm'] button[type=submit]")
        .await;
    browser.find("#confirm-error").await;
    found
        .check(&browser, "the destruction refused unconfirmed")
        .await;
    browser.goto(&console.page("/records/due")).await;
    browser
        .click("form[action='/records/retention'] button[type=submit]")
        .await;
    browser.find("#confirm-error").await;
    found
        .check(&browser, "the retention run refused unconfirmed")
        .await;
    browser.click("#confirm").await;
    browser
        .click("form[action='/records/retention'] button[type=submit]")
        .await;
    browser.find("#run-summary").await;
    found.check(&browser, "a retention run's result").await;

    // Signing out.
    browser
        .click("form[action='/sign-out'] button[type=submit]")
        .await;
    browser
        .wait_for_path("/signed-out", Duration::from_secs(10))
        .await;
    found.check(&browser, "the signed-out page").await;

    browser.close().await;
    assert!(
        found.0.is_empty(),
        "axe-core finds WCAG 2.2 A/AA violations on {} page(s):\n  {}",
        found.0.len(),
        found.0.join("\n  ")
    );
}

/// WCAG 1.4.10 at 400 % zoom (a 1280 px window shows 320 CSS pixels): the
/// console's main pages (the work queue, a complaint's page, a step's
/// form, the letters to post, the records) reflow with nothing to scroll
/// sideways, and axe-core finds no rule broken at that size. Every page is
/// checked before the test fails, so one run names every page that breaks.
#[tokio::test]
async fn wcag_1_4_10_the_main_pages_reflow_at_400_percent_zoom_without_scrolling_sideways() {
    let console = ConsoleUnderTest::start("browser_zoom").await;
    let (reference, _) = seed(&console).await;
    let browser = Browser::start().await;
    let mut found = Findings::default();
    let mut sideways = Vec::new();

    console
        .sign_in(&browser, "corporate-compliance-manager")
        .await;
    // The letter to post is there once notifications has planned it.
    open_when_showing(&console, &browser, "/letters", &reference).await;
    browser.zoom(400).await;
    assert_eq!(
        browser.script("return window.innerWidth;").await,
        serde_json::json!(320),
        "400 % of a 1280 px window leaves 320 CSS pixels"
    );
    let pages = [
        ("/queue".to_owned(), "the work queue"),
        (format!("/complaints/{reference}"), "a complaint's page"),
        (
            format!("/complaints/{reference}/steps/record-outcome"),
            "a step's form (the outcome)",
        ),
        ("/letters".to_owned(), "the letters to post"),
    ];
    for (path, page) in &pages {
        browser.goto(&console.page(path)).await;
        browser.find("h1").await;
        check_at_400(&browser, &mut found, &mut sideways, page).await;
    }
    // A refused form, its error summary and errors beside the fields.
    browser.goto(&console.page(&pages[2].0)).await;
    browser.click("#form button[type=submit]").await;
    browser.find(".error-summary").await;
    check_at_400(&browser, &mut found, &mut sideways, "a step's form refused").await;

    browser.reset_viewport().await;
    console.sign_in(&browser, "dpo").await;
    browser.zoom(400).await;
    for (path, page) in [
        ("/records", "the records (legal holds)"),
        ("/records/due", "the records (retention)"),
        ("/records/access", "the records (access audit)"),
    ] {
        browser.goto(&console.page(path)).await;
        browser.find("h1").await;
        check_at_400(&browser, &mut found, &mut sideways, page).await;
    }
    browser.close().await;
    assert!(
        sideways.is_empty(),
        "pages scroll sideways at 400 % zoom (320 CSS px):\n  {}",
        sideways.join("\n  ")
    );
    assert!(
        found.0.is_empty(),
        "axe-core finds WCAG 2.2 A/AA violations at 400 % zoom on {} page(s):\n  {}",
        found.0.len(),
        found.0.join("\n  ")
    );
}

/// Checks the page the browser shows at 400 % zoom: nothing to scroll
/// sideways (what is wider is named), and axe-core.
async fn check_at_400(
    browser: &Browser,
    found: &mut Findings,
    sideways: &mut Vec<String>,
    page: &str,
) {
    let fits = browser
        .script("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    if fits.as_bool() != Some(true) {
        let wide = browser
            .script(
                "return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');",
            )
            .await;
        sideways.push(format!("{page}: wider than 320 px: {wide}"));
    }
    found.check(browser, &format!("{page}, at 400 %")).await;
}
