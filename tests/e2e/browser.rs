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
