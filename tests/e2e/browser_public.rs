//! The public complaint form in Chromium at 320 CSS pixels wide (WCAG
//! 1.4.10 reflow), with the console signing staff in through the real
//! OpenID provider and the public forms getting their `portal` token from
//! it by the client-credentials grant (`PUBLIC_CLIENT_ID`): every page,
//! an error page included, breaks no WCAG 2.2 A or AA rule axe-core
//! checks, needs no sideways scrolling, and the complaint reaches intake.

use super::stack::Stack;
use end_to_end::browser::{AUDIENCE, Browser, OidcProvider, RedirectTarget, assert_accessible};
use std::collections::HashMap;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(15);

async fn fits_320(browser: &Browser, page: &str) {
    let fits = browser
        .script("return document.documentElement.scrollWidth <= window.innerWidth;")
        .await;
    assert_eq!(
        fits.as_bool(),
        Some(true),
        "{page} scrolls sideways at 320 px"
    );
}

async fn check(browser: &Browser, page: &str) {
    assert_accessible(browser, page).await;
    fits_320(browser, page).await;
}

#[tokio::test]
async fn r_int_1_the_complaint_form_at_320_px_passes_axe_on_every_page_and_submits_with_a_client_credentials_token()
 {
    let redirect = RedirectTarget::start().await;
    let provider = OidcProvider::start(AUDIENCE, &redirect.uri).await;
    let stack = Stack::spawn_with("browser_public", None, &provider.service_settings()).await;
    let endpoint = |i: usize| format!("http://{}", stack.addrs[i]);
    let env: HashMap<String, String> = [
        ("CONSOLE_ADDR", "127.0.0.1:0".to_owned()),
        ("CONSOLE_PUBLIC_URL", redirect.uri.replace("/callback", "")),
        ("PUBLIC_ADDR", "127.0.0.1:0".to_owned()),
        ("PUBLIC_CLIENT_ID", "portal".to_owned()),
        ("PUBLIC_CLIENT_SECRET", provider.portal_secret.clone()),
        ("OIDC_ISSUER_URL", provider.issuer.clone()),
        ("OIDC_CLIENT_ID", provider.client_id.clone()),
        ("OIDC_CLIENT_SECRET", provider.client_secret.clone()),
        ("OIDC_RESOURCE", provider.audience.clone()),
        ("INTAKE_URL", endpoint(0)),
        ("COMPLAINTS_URL", endpoint(1)),
        ("NOTIFICATIONS_URL", endpoint(2)),
        ("REPORTING_URL", endpoint(3)),
        ("LOG_FILTER", "warn".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let settings =
        console::Settings::from_source(&platform::Source::from_map(env).unwrap()).unwrap();
    let app = console::Application::build(settings).await.unwrap();
    let base = format!(
        "http://{}",
        app.public_addr().expect("the public side is on")
    );
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    tokio::spawn(app.run_until_stopped(async move { stopped.cancelled().await }));

    let browser = Browser::start().await;
    browser.set_viewport_width(320).await;

    // R-INT-1: the other ways to complain, at 320 px too.
    browser.goto(&format!("{base}/")).await;
    check(&browser, "the home page").await;
    browser.goto(&format!("{base}/complaint")).await;
    check(&browser, "the start page").await;
    browser.click("button.button--start").await;
    browser.wait_for_path("/complaint/who-for", WAIT).await;
    check(&browser, "who the complaint is for").await;
    // Continue without an answer: the error summary and the message at the field.
    browser.click("form button[type=submit]").await;
    browser.find(".error-summary").await;
    check(&browser, "who the complaint is for, with an error").await;
    browser.click("label[for=who_for]").await;
    browser.click("form button[type=submit]").await;

    browser.wait_for_path("/complaint/contact", WAIT).await;
    check(&browser, "contact details").await;
    browser.type_into("#first_name", "Evangeline").await;
    browser.type_into("#last_name", "Marchbanks").await;
    browser
        .type_into("#email", "evangeline.marchbanks@example.org")
        .await;
    browser.click("form button[type=submit]").await;

    browser
        .wait_for_path("/complaint/correspondence", WAIT)
        .await;
    check(&browser, "correspondence").await;
    browser.click("label[for=correspondence]").await;
    browser.click("form button[type=submit]").await;

    // R-ADJ-1: the optional adjustments question, checkboxes whose
    // conditional questions show without JavaScript.
    browser.wait_for_path("/complaint/adjustments", WAIT).await;
    check(&browser, "adjustments").await;
    browser.click("label[for=adjustments-large_print]").await;
    browser.click("form button[type=submit]").await;

    browser.wait_for_path("/complaint/customer", WAIT).await;
    check(&browser, "about you").await;
    browser.click("label[for=customer_status-3]").await;
    browser.click("label[for=customer_type-5]").await;
    browser.click("form button[type=submit]").await;

    browser.wait_for_path("/complaint/category", WAIT).await;
    check(&browser, "category").await;
    browser.click("label[for=query_category-8]").await;
    browser.click("form button[type=submit]").await;

    browser.wait_for_path("/complaint/detail", WAIT).await;
    check(&browser, "detail").await;
    let today = chrono::Utc::now().date_naive();
    browser
        .type_into("#matter_date", &chrono::Datelike::day(&today).to_string())
        .await;
    browser
        .type_into(
            "#matter_date-month",
            &chrono::Datelike::month(&today).to_string(),
        )
        .await;
    browser
        .type_into(
            "#matter_date-year",
            &chrono::Datelike::year(&today).to_string(),
        )
        .await;
    browser
        .type_into(
            "#query_detail",
            "The help desk closed my enquiry without answering it.",
        )
        .await;
    browser.click("form button[type=submit]").await;

    browser.wait_for_path("/complaint/files", WAIT).await;
    check(&browser, "files").await;
    let dir = std::env::temp_dir().join(format!("public-form-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("evidence.txt");
    std::fs::write(&file, "The enquiry number was 4471.\n").unwrap();
    browser
        .find("#files")
        .await
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    browser.click("form[enctype] button[type=submit]").await;

    browser.wait_for_path("/complaint/equality", WAIT).await;
    check(&browser, "equality questions").await;
    browser.click("button[name=skip]").await;

    browser
        .wait_for_path("/complaint/check-answers", WAIT)
        .await;
    check(&browser, "check your answers").await;
    assert!(browser.text().await.contains("evidence.txt"));
    browser.click("form button[type=submit]").await;

    browser.wait_for_path("/complaint/confirmation", WAIT).await;
    check(&browser, "confirmation").await;
    let text = browser.text().await;
    assert!(text.contains("Your reference number"), "{text}");
    assert!(text.contains("within seven working days"), "{text}");

    // Submitted as the portal with the provider's token: opened as a complaint.
    let log = eventlog::EventLog::open(&stack.settings[1].database)
        .await
        .unwrap();
    let mut opened = false;
    for _ in 0..200 {
        let count: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM complaints WHERE query_category = 'Something else'",
        )
        .fetch_one(log.pool())
        .await
        .unwrap();
        if count == 1 {
            opened = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(opened, "the complaint was opened");
    std::fs::remove_dir_all(&dir).ok();
    stop.cancel();
}
