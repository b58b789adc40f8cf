//! Browser tests: Chromium driven through chromedriver, signed in through a real OpenID provider.
//!
//! Staff sign in at the provider (`tests/web-tools/oidc-provider.mjs`, the
//! `oidc-provider` library) by typing into its login form in headless
//! Chromium; the services, started in-process with `AUTH_JWKS_URL`,
//! `AUTH_ISSUER` and `AUTH_AUDIENCE` pointing at the provider and no
//! development secret, verify the access token it issues against its JWKS
//! (R-CONF-1). Each test starts one browser and keeps it for every page
//! it visits: a browser costs seconds.

use super::stack::{Person, Stack};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use end_to_end::browser::{
    AUDIENCE, Browser, OidcProvider, Pkce, RedirectTarget, STAFF_PASSWORD, assert_accessible,
};
use fantoccini::key::Key;
use platform::testing::channel_as;
use serde_json::json;
use std::time::Duration;

const COMPLAINANT: Person = Person {
    first_name: "Philippa",
    last_name: "Quarrendon",
    email: "philippa.quarrendon@example.org",
    detail: "Heron-lantern: my certificate shows the wrong award title.",
    attachment: "",
};

/// R-CONF-1: a person signed in at the identity provider through its
/// login form in a real browser gets an access token that the services
/// verify against the provider's published keys and accept, with the
/// roles and team of the staff directory; a manager assigns a complaint to
/// the north team with theirs, the north team's handler reads it with
/// theirs, and a handler of the south team is refused it. The provider's
/// login form is usable with the keyboard alone and breaks no WCAG 2.2 A
/// or AA rule axe-core checks.
#[tokio::test]
async fn r_conf_1_a_browser_sign_in_at_the_provider_gives_a_token_the_services_accept_for_the_own_team_only()
 {
    let redirect = RedirectTarget::start().await;
    let provider = OidcProvider::start(AUDIENCE, &redirect.uri).await;
    let settings = provider.service_settings();
    let stack = Stack::spawn_with("browser_token", None, &settings).await;

    // A complaint arrives from the website's form through the portal,
    // itself a client of the provider.
    let portal = provider.portal_token().await;
    let mut intake = IntakeClient::new(channel_as(stack.addrs[0], Some(&portal)).await);
    let receipt = intake
        .submit_complaint(COMPLAINANT.submission())
        .await
        .expect("intake accepts the portal's token from the provider")
        .into_inner();
    let reference = stack.reference_of(&receipt.submission_id).await;

    let browser = Browser::start().await;

    // The manager signs in with the keyboard alone: Tab reaches the user
    // name, the password and the submit button, in that order.
    let pkce = Pkce::new();
    let state = uuid::Uuid::new_v4().simple().to_string();
    browser
        .goto(&provider.authorization_url(&redirect.uri, &state, &pkce))
        .await;
    browser.find("#username").await;
    assert_accessible(&browser, "the provider's login form").await;
    browser.tab_to("#username", 3).await;
    browser.type_keys("manager-north").await;
    let stops = browser.tab_to("#password", 1).await;
    assert_eq!(stops.len(), 1, "the password follows the user name");
    browser.type_keys(STAFF_PASSWORD).await;
    let stops = browser.tab_to("form button[type=submit]", 1).await;
    assert_eq!(stops.len(), 1, "the submit button follows the password");
    browser.press(Key::Enter).await;
    let url = browser
        .wait_for_url_starting(&redirect.uri, Duration::from_secs(15))
        .await;
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .map(|(_, v)| v.into_owned())
        .expect("the provider redirects back with a code");
    let manager = provider.exchange_code(&code, &redirect.uri, &pkce).await;
    let claims = manager.access_claims();
    assert_eq!(claims["sub"], json!("manager-north"));
    assert_eq!(claims["roles"], json!(["manager"]));
    assert_eq!(claims["team"], json!("north"));
    assert_eq!(claims["aud"], json!(AUDIENCE));
    assert_eq!(claims["iss"], json!(provider.issuer));
    assert_eq!(manager.id_claims()["name"], json!("Morag Reid"));

    let mut complaints =
        ComplaintsClient::new(channel_as(stack.addrs[1], Some(&manager.access_token)).await);
    let assigned = complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: Some(pb::ComplaintCommand {
                reference: reference.clone(),
                acting_user: "manager-north".into(),
                expected_version: None,
            }),
            handler: "handler-north".into(),
            team: "north".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .expect("the complaints service accepts the manager's token from the provider")
        .into_inner();
    assert_eq!(assigned.team, "north");

    // A wrong password keeps the person on the login form, told so.
    let pkce = Pkce::new();
    browser
        .goto(&provider.authorization_url(&redirect.uri, "wrong-password", &pkce))
        .await;
    browser.type_into("#username", "handler-north").await;
    browser.type_into("#password", "not the password").await;
    browser.click("form button[type=submit]").await;
    let error = browser.find("[role=alert]").await;
    assert!(
        error.text().await.unwrap_or_default().contains("not right"),
        "the login form says the password is not right"
    );
    assert_accessible(&browser, "the provider's login form with an error").await;
    // WCAG 1.4.10: at 320 CSS pixels wide, and at 400 % zoom, the form
    // reflows without scrolling sideways.
    browser.set_viewport_width(320).await;
    assert!(
        !browser.scrolls_sideways().await,
        "the login form scrolls sideways at 320 px"
    );
    browser.zoom(400).await;
    assert!(
        !browser.scrolls_sideways().await,
        "the login form scrolls sideways at 400 % zoom"
    );
    assert_eq!(
        browser.script("return window.innerWidth;").await,
        json!(320),
        "400 % of a 1280 px window leaves 320 CSS pixels"
    );
    browser.reset_viewport().await;

    // The north team's handler reads the complaint with their token.
    let north = provider
        .sign_in(&browser, "handler-north", &redirect.uri)
        .await;
    assert_eq!(north.access_claims()["roles"], json!(["handler"]));
    let mut as_north =
        ComplaintsClient::new(channel_as(stack.addrs[1], Some(&north.access_token)).await);
    let view = as_north
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .expect("the north team's handler reads the north team's complaint")
        .into_inner();
    assert_eq!(view.handler, "handler-north");

    // The south team's handler, signed in the same way, is refused it.
    let south = provider
        .sign_in(&browser, "handler-south", &redirect.uri)
        .await;
    assert_eq!(south.access_claims()["team"], json!("south"));
    let mut as_south =
        ComplaintsClient::new(channel_as(stack.addrs[1], Some(&south.access_token)).await);
    let refused = as_south
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .expect_err("a handler of another team is refused");
    assert_eq!(
        refused.code(),
        tonic::Code::PermissionDenied,
        "{}",
        refused.message()
    );

    // A token the provider did not sign is refused outright.
    let forged = platform::testing::token(
        "handler-north",
        &[platform::auth::Role::Handler],
        Some("north"),
    );
    let mut as_forger = ComplaintsClient::new(channel_as(stack.addrs[1], Some(&forged)).await);
    let refused = as_forger
        .get_complaint(pb::GetComplaintRequest { reference })
        .await
        .expect_err("a token signed with the development secret is refused");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);

    browser.close().await;
}

/// The console in-process, signing staff in at a real provider and
/// calling the four services (in-process too) with their access tokens.
pub(crate) struct ConsoleUnderTest {
    /// `http://127.0.0.1:<port>`, no trailing slash.
    pub(crate) url: String,
    pub(crate) provider: OidcProvider,
    pub(crate) stack: Stack,
    stop: tokio_util::sync::CancellationToken,
}

impl ConsoleUnderTest {
    pub(crate) async fn start(prefix: &str) -> Self {
        // The provider must know the console's redirect URI before the
        // console starts, and the console the provider's issuer: so the
        // console's port is chosen first.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        let url = format!("http://127.0.0.1:{port}");
        let provider = OidcProvider::start(AUDIENCE, &format!("{url}/auth/callback")).await;
        let stack = Stack::spawn_with(prefix, None, &provider.service_settings()).await;
        let endpoint = |i: usize| format!("http://{}", stack.addrs[i]);
        let env: std::collections::HashMap<String, String> = [
            ("CONSOLE_ADDR", format!("127.0.0.1:{port}")),
            ("CONSOLE_PUBLIC_URL", url.clone()),
            ("INTAKE_URL", endpoint(0)),
            ("COMPLAINTS_URL", endpoint(1)),
            ("NOTIFICATIONS_URL", endpoint(2)),
            ("REPORTING_URL", endpoint(3)),
            ("OIDC_ISSUER_URL", provider.issuer.clone()),
            ("OIDC_CLIENT_ID", provider.client_id.clone()),
            ("OIDC_CLIENT_SECRET", provider.client_secret.clone()),
            ("OIDC_RESOURCE", provider.audience.clone()),
            ("LOG_FILTER", "warn".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let source = platform::Source::from_map(env).expect("no CONFIG_FILE");
        let settings = console::Settings::from_source(&source).expect("the console's settings");
        let app = console::Application::build(settings)
            .await
            .expect("the console starts");
        let stop = tokio_util::sync::CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(app.run_until_stopped(async move { stopped.cancelled().await }));
        Self {
            url,
            provider,
            stack,
            stop,
        }
    }

    pub(crate) fn page(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// A web-form complaint from the portal (a client of the provider);
    /// answers its complaint reference once the complaints service opened it.
    async fn web_form_complaint(&self, person: &Person) -> String {
        let portal = self.provider.portal_token().await;
        let mut intake = IntakeClient::new(channel_as(self.stack.addrs[0], Some(&portal)).await);
        let receipt = intake
            .submit_complaint(person.submission())
            .await
            .expect("intake takes the portal's complaint")
            .into_inner();
        self.stack.reference_of(&receipt.submission_id).await
    }

    /// Signs `user` in to the console in `browser`: the console's sign-in
    /// page, its button to the provider, the provider's login form, and
    /// back. Cookies are cleared first, so whoever was signed in (at the
    /// console or at the provider, both on 127.0.0.1) is forgotten.
    pub(crate) async fn sign_in(&self, browser: &Browser, user: &str) {
        browser.goto(&self.page("/sign-in")).await;
        browser
            .client
            .delete_all_cookies()
            .await
            .expect("clearing cookies");
        browser.goto(&self.page("/sign-in")).await;
        browser.click("#sign-in-oidc").await;
        browser
            .wait_for_url_starting(&self.provider.issuer, Duration::from_secs(10))
            .await;
        browser.fill_login_form(user).await;
        browser
            .wait_for_path("/queue", Duration::from_secs(15))
            .await;
        let header = browser.find(".header__subject").await;
        assert_eq!(
            header.text().await.unwrap_or_default(),
            user,
            "the console names who is signed in"
        );
    }
}

impl Drop for ConsoleUnderTest {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// One field of a step's form and what to put in it.
enum Fill<'a> {
    /// Types into the text box or text area with this id.
    Text(&'a str, &'a str),
    /// Clicks the radio button or checkbox with this id.
    Check(&'a str),
    /// Chooses the option with this value in the select with this id.
    Choose(&'a str, &'a str),
    /// Types a date into the day, month and year boxes of this field.
    Date(&'a str, chrono::NaiveDate),
}

impl ConsoleUnderTest {
    /// Opens the complaint's page, checks it with axe-core, and answers
    /// the stage it shows.
    async fn open_complaint(&self, browser: &Browser, reference: &str) -> String {
        browser
            .goto(&self.page(&format!("/complaints/{reference}")))
            .await;
        let heading = browser.find("h1").await.text().await.unwrap_or_default();
        assert_eq!(
            heading,
            format!("Complaint {reference}"),
            "the complaint's page: {}",
            browser.text().await
        );
        assert_accessible(browser, &format!("the page of {reference}")).await;
        browser
            .find("#stage")
            .await
            .text()
            .await
            .unwrap_or_default()
    }

    /// From the complaint's page: follows the link to step `slug`, checks
    /// the form with axe-core, fills it, sends it, and expects to be back
    /// on the complaint's page (or the queue, once the complaint has left
    /// the person's hands) with the console's success message, which is
    /// answered. On a refusal the failure shows the form's errors.
    async fn step(
        &self,
        browser: &Browser,
        reference: &str,
        slug: &str,
        fill: &[Fill<'_>],
    ) -> String {
        let complaint = format!("/complaints/{reference}");
        if browser.current_url().await.path() != complaint {
            self.open_complaint(browser, reference).await;
        }
        browser
            .click(&format!("#steps a[href='{complaint}/steps/{slug}']"))
            .await;
        browser
            .wait_for_path(
                &format!("{complaint}/steps/{slug}"),
                Duration::from_secs(10),
            )
            .await;
        browser.find("#form").await;
        assert_accessible(browser, &format!("the form {slug} of {reference}")).await;
        for field in fill {
            match field {
                Fill::Text(id, text) => browser.type_into(&format!("#{id}"), text).await,
                Fill::Check(id) => browser.click(&format!("#{id}")).await,
                Fill::Choose(id, value) => {
                    browser
                        .click(&format!("#{id} option[value='{value}']"))
                        .await;
                }
                Fill::Date(id, date) => {
                    use chrono::Datelike;
                    browser
                        .type_into(&format!("#{id}-day"), &date.day().to_string())
                        .await;
                    browser
                        .type_into(&format!("#{id}-month"), &date.month().to_string())
                        .await;
                    browser
                        .type_into(&format!("#{id}-year"), &date.year().to_string())
                        .await;
                }
            }
        }
        browser.click("#form button[type=submit]").await;
        // Back to the complaint, or to the queue when the step took it out
        // of the person's reach (a stage passed on).
        browser
            .wait_for_any_path(&[&complaint, "/queue"], Duration::from_secs(15))
            .await;
        let flash = browser
            .find(".notification-banner--success")
            .await
            .text()
            .await
            .unwrap_or_default();
        assert_accessible(browser, &format!("the page of {reference} after {slug}")).await;
        flash
    }
}

/// A working day or so ahead, for dates the procedure wants in the future.
fn in_days(days: u64) -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Days::new(days)
}

/// R-CONF-1, R-S1-1 .. R-S3-6 through the console in a real browser:
/// staff sign in at the identity provider (the first with the keyboard
/// alone) and take a web-form complaint through the procedure with their
/// own tokens. The Customer Service Manager finds it in the work queue and
/// gives it to the north team's handler, who takes it from their queue to
/// a Stage 1 outcome (a form filled with the keyboard alone); the north
/// team's manager takes Stage 2 to its outcome; the Corporate Compliance
/// Manager acknowledges Stage 3, decides on investigation and gives the
/// final outcome, which closes it. A handler of the south team is refused
/// the complaint. Every page visited breaks no WCAG 2.2 A or AA rule
/// axe-core checks.
#[tokio::test]
async fn r_conf_1_staff_signed_in_through_the_provider_take_a_web_form_complaint_through_three_stages_in_the_console()
 {
    let console = ConsoleUnderTest::start("browser_console").await;
    let reference = console.web_form_complaint(&COMPLAINANT).await;
    let browser = Browser::start().await;

    // Signing in with the keyboard alone: the console's one button, then
    // the provider's form.
    browser.goto(&console.page("/")).await;
    browser
        .wait_for_path("/sign-in", Duration::from_secs(5))
        .await;
    assert_accessible(&browser, "the console's sign-in page").await;
    browser.tab_to("#sign-in-oidc", 4).await;
    browser.press(Key::Enter).await;
    browser
        .wait_for_url_starting(&console.provider.issuer, Duration::from_secs(10))
        .await;
    browser.find("#username").await;
    assert_accessible(&browser, "the provider's login form").await;
    browser.tab_to("#username", 3).await;
    browser.type_keys("customer-service-manager").await;
    browser.tab_to("#password", 1).await;
    browser.type_keys(STAFF_PASSWORD).await;
    browser.tab_to("form button[type=submit]", 1).await;
    browser.press(Key::Enter).await;
    browser
        .wait_for_path("/queue", Duration::from_secs(15))
        .await;
    assert_eq!(
        browser
            .find(".header__subject")
            .await
            .text()
            .await
            .unwrap_or_default(),
        "customer-service-manager"
    );
    assert_accessible(&browser, "the work queue").await;

    // R-MON-1: the Customer Service Manager sees the new complaint in the
    // queue, unassigned, and gives it to the north team's handler.
    let row = browser
        .find(&format!("tr[data-reference='{reference}']"))
        .await;
    assert!(
        row.text()
            .await
            .unwrap_or_default()
            .contains("Not assigned"),
        "the new complaint waits unassigned"
    );
    browser
        .click(&format!("tr[data-reference='{reference}'] a"))
        .await;
    browser
        .wait_for_path(&format!("/complaints/{reference}"), Duration::from_secs(10))
        .await;
    let flash = console
        .step(
            &browser,
            &reference,
            "assign",
            &[
                Fill::Text("handler", "handler-north"),
                Fill::Text("team", "north"),
                Fill::Check("role-handler"),
            ],
        )
        .await;
    assert!(flash.contains("handler-north"), "{flash}");

    // A handler of the south team is refused the north team's complaint.
    console.sign_in(&browser, "handler-south").await;
    browser
        .goto(&console.page(&format!("/complaints/{reference}")))
        .await;
    let heading = browser.find("h1").await.text().await.unwrap_or_default();
    assert_eq!(heading, "You cannot do this", "{}", browser.text().await);
    let shown = browser.text().await;
    assert!(
        !shown.contains(COMPLAINANT.detail) && !shown.contains(COMPLAINANT.last_name),
        "the refusal shows nothing of the complaint: {shown}"
    );
    assert_accessible(&browser, "the refusal").await;

    // Stage 1: the north team's handler finds it in their queue, records
    // the contact with the keyboard alone, agrees a timescale, and gives
    // the outcome.
    console.sign_in(&browser, "handler-north").await;
    browser
        .click(&format!("tr[data-reference='{reference}'] a"))
        .await;
    browser
        .wait_for_path(&format!("/complaints/{reference}"), Duration::from_secs(10))
        .await;
    assert_accessible(&browser, "the complaint's page for its handler").await;
    browser
        .click(&format!(
            "#steps a[href='/complaints/{reference}/steps/record-contact']"
        ))
        .await;
    browser.find("#form").await;
    browser.tab_to("#method-telephone", 40).await;
    browser.press(Key::Space).await;
    browser.tab_to("#summary", 10).await;
    browser
        .type_keys("Talked through the certificate and how it will be put right.")
        .await;
    browser.tab_to("#form button[type=submit]", 3).await;
    browser.press(Key::Enter).await;
    browser
        .wait_for_path(&format!("/complaints/{reference}"), Duration::from_secs(15))
        .await;
    let flash = browser
        .find(".notification-banner--success")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(flash.contains("contact is recorded"), "{flash}");
    console
        .step(
            &browser,
            &reference,
            "agree-timescale",
            &[Fill::Date("due_on", in_days(14))],
        )
        .await;
    let flash = console
        .step(
            &browser,
            &reference,
            "record-outcome",
            &[
                Fill::Choose("stage", "1"),
                Fill::Check("decision-not_upheld"),
                Fill::Text("findings", "The certificate shows the award as registered."),
            ],
        )
        .await;
    assert!(flash.contains("outcome is recorded"), "{flash}");
    let flash = console
        .step(
            &browser,
            &reference,
            "request-stage-2",
            &[
                Fill::Check("grounds-points_not_answered"),
                Fill::Text("reasons", "The registration itself was wrong."),
                Fill::Date("received_on", in_days(0)),
            ],
        )
        .await;
    assert!(flash.contains("Stage 2"), "{flash}");

    // Stage 2: the north team's manager takes it and gives the outcome.
    console.sign_in(&browser, "manager-north").await;
    assert_eq!(
        browser
            .find(".header__name")
            .await
            .text()
            .await
            .unwrap_or_default(),
        "Morag Reid",
        "the header names the person from the ID token's name"
    );
    console
        .step(
            &browser,
            &reference,
            "assign",
            &[
                Fill::Text("handler", "manager-north"),
                Fill::Text("team", "north"),
                Fill::Check("role-manager"),
            ],
        )
        .await;
    console
        .step(
            &browser,
            &reference,
            "record-outcome",
            &[
                Fill::Choose("stage", "2"),
                Fill::Check("decision-partly_upheld"),
                Fill::Text("findings", "The award was registered under the old title."),
                Fill::Choose("remedies_0_kind", "apology"),
                Fill::Text("remedies_0_description", "A written apology."),
            ],
        )
        .await;
    let flash = console
        .step(
            &browser,
            &reference,
            "request-stage-3",
            &[
                Fill::Text("reasons", "An apology does not correct the certificate."),
                Fill::Text("outcome_sought", "A corrected certificate."),
                Fill::Date("received_on", in_days(0)),
            ],
        )
        .await;
    assert!(flash.contains("Stage 3"), "{flash}");

    // Stage 3: the Corporate Compliance Manager, to whom it went.
    console
        .sign_in(&browser, "corporate-compliance-manager")
        .await;
    console.open_complaint(&browser, &reference).await;
    let holder = browser
        .find("#handler")
        .await
        .text()
        .await
        .unwrap_or_default();
    assert!(
        holder.starts_with("corporate-compliance-manager"),
        "R-S3-3: Stage 3 is with the Corporate Compliance Manager, not {holder}"
    );
    console
        .step(&browser, &reference, "acknowledge-stage-3", &[])
        .await;
    console
        .step(
            &browser,
            &reference,
            "decide-investigation",
            &[
                Fill::Check("warranted-yes"),
                Fill::Text("reason", "The certificate itself is in question."),
            ],
        )
        .await;
    let flash = console
        .step(
            &browser,
            &reference,
            "record-outcome",
            &[
                Fill::Choose("stage", "3"),
                Fill::Check("decision-upheld"),
                Fill::Text(
                    "findings",
                    "The certificate was printed with the wrong title.",
                ),
                Fill::Choose("remedies_0_kind", "change_decision"),
                Fill::Text(
                    "remedies_0_description",
                    "A corrected certificate is issued.",
                ),
            ],
        )
        .await;
    assert!(flash.contains("closed"), "R-S3-6: {flash}");
    assert_ne!(
        browser
            .find("#status")
            .await
            .text()
            .await
            .unwrap_or_default(),
        "Open",
        "R-S3-6: the complaint is closed"
    );

    browser.close().await;
}
