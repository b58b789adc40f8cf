//! The staff console over HTTP against the four services.
//!
//! The console is built with `console::Application::build` on port 0 with
//! the development sign-in (the test secret, issuer and audience), in
//! front of the real four services in-process ([`Stack`]); a plain HTTP
//! client with a cookie jar written here plays the browser, reading the
//! CSRF token and the complaint's version out of each form as a browser
//! would send them back.

use crate::stack::Stack;
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use platform::auth::Role;
use platform::testing::{AUDIENCE, DEV_SECRET, ISSUER, channel, channel_as, token};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub(crate) const TEAM: &str = "Customer Services";
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A console in front of `services` (the four gRPC addresses), with the
/// development sign-in; `tweak` changes its settings before it starts.
pub(crate) struct Console {
    addr: SocketAddr,
    stop: CancellationToken,
}

impl Drop for Console {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn console_env(services: &[SocketAddr]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = HashMap::from([
        ("CONSOLE_ADDR".into(), "127.0.0.1:0".into()),
        ("AUTH_DEV_SECRET".into(), DEV_SECRET.into()),
        ("AUTH_ISSUER".into(), ISSUER.into()),
        ("AUTH_AUDIENCE".into(), AUDIENCE.into()),
        ("LOG_FORMAT".into(), "pretty".into()),
    ]);
    for (name, addr) in ["INTAKE", "COMPLAINTS", "NOTIFICATIONS", "REPORTING"]
        .iter()
        .zip(services)
    {
        env.insert(format!("{name}_URL"), format!("http://{addr}"));
    }
    env
}

pub(crate) async fn start_console(
    services: &[SocketAddr],
    tweak: impl FnOnce(&mut console::Settings),
) -> Console {
    let source = platform::Source::from_map(console_env(services)).unwrap();
    let mut settings = console::Settings::from_source(&source).unwrap();
    tweak(&mut settings);
    let app = console::Application::build(settings).await.unwrap();
    let addr = app.local_addr();
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    tokio::spawn(app.run_until_stopped(async move { stopped.cancelled().await }));
    Console { addr, stop }
}

/// One answer, whole.
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The value of the hidden input `name` in the page's (first) form.
    pub(crate) fn hidden(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self
            .body
            .find(&marker)
            .unwrap_or_else(|| panic!("no {name} in the page: {}", self.body))
            + marker.len();
        self.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// A browser: an HTTP client with a cookie jar, which never follows
/// redirects by itself, so each can be checked.
pub(crate) struct Browser {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    cookies: BTreeMap<String, String>,
    /// Every `Set-Cookie` received, as sent.
    set_cookies: Vec<String>,
}

impl Browser {
    pub(crate) fn new(console: &Console) -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://{}", console.addr),
            cookies: BTreeMap::new(),
            set_cookies: Vec::new(),
        }
    }

    async fn send(&mut self, method: &str, path: &str, form: Option<&[(&str, &str)]>) -> Page {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            let jar = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request = request.header(http::header::COOKIE, jar);
        }
        let body = match form {
            Some(pairs) => {
                request = request.header(
                    http::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                );
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs.iter())
                    .finish()
            }
            None => String::new(),
        };
        let response = self
            .client
            .request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for value in headers.get_all(http::header::SET_COOKIE) {
            let text = value.to_str().unwrap().to_owned();
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
            self.set_cookies.push(text);
        }
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let page = Page {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        assert_eq!(
            page.headers
                .get(http::header::CONTENT_SECURITY_POLICY)
                .map(|v| v.to_str().unwrap()),
            Some(CSP),
            "every response carries the CSP: {method} {path}"
        );
        assert_eq!(
            page.headers
                .get(http::header::X_CONTENT_TYPE_OPTIONS)
                .map(|v| v.to_str().unwrap()),
            Some("nosniff")
        );
        assert_eq!(
            page.headers
                .get(http::header::REFERRER_POLICY)
                .map(|v| v.to_str().unwrap()),
            Some("no-referrer")
        );
        page
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send("POST", path, Some(form)).await
    }

    /// Signs in with the development form as `staff` with `roles` in `team`.
    pub(crate) async fn sign_in(&mut self, staff: &str, roles: &[&str], team: &str) {
        let page = self.get("/sign-in").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let csrf = page.hidden("csrf_token");
        let mut form = vec![
            ("csrf_token", csrf.as_str()),
            ("staff_id", staff),
            ("team", team),
        ];
        for role in roles {
            form.push(("roles", role));
        }
        let signed_in = self.post("/auth/dev", &form).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        assert_eq!(signed_in.location(), "/queue");
    }

    /// Opens the form of `step` on `reference`, fills it with `fields`
    /// (plus the CSRF token and version it carries) and sends it; answers
    /// the page after the redirect, or the refusal.
    pub(crate) async fn step(
        &mut self,
        reference: &str,
        step: &str,
        fields: &[(&str, &str)],
    ) -> Page {
        let path = format!("/complaints/{reference}/steps/{step}");
        let form = self.get(&path).await;
        assert_eq!(form.status, 200, "{step}: {}", form.body);
        let csrf = form.hidden("csrf_token");
        let version = form.hidden("expected_version");
        let mut all = vec![
            ("csrf_token", csrf.as_str()),
            ("expected_version", version.as_str()),
        ];
        all.extend_from_slice(fields);
        let sent = self.post(&path, &all).await;
        if sent.status != 303 {
            return sent;
        }
        let to = sent.location().to_owned();
        self.get(&to).await
    }
}

pub(crate) fn in_days(days: u64) -> chrono::NaiveDate {
    chrono::Utc::now().date_naive() + chrono::Days::new(days)
}

pub(crate) async fn submit(stack: &Stack, key: &str) -> String {
    let portal = token("portal", &[Role::Portal], None);
    let mut intake = IntakeClient::new(channel_as(stack.addrs[0], Some(&portal)).await);
    let today = chrono::Utc::now().date_naive();
    let receipt = intake
        .submit_complaint(pb::SubmitComplaintRequest {
            idempotency_key: key.into(),
            channel: pb::Channel::WebForm as i32,
            customer_status: "Member".into(),
            customer_type: "Student".into(),
            query_category: "Certificates".into(),
            query_detail: "My certificate has not arrived.".into(),
            complainant: Some(pb::Person {
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                email: "ada@example.org".into(),
                ..Default::default()
            }),
            matter_date: Some(pb::Date {
                year: chrono::Datelike::year(&today),
                month: chrono::Datelike::month(&today),
                day: chrono::Datelike::day(&today),
            }),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);
    stack.reference_of(&receipt.submission_id).await
}

pub(crate) async fn view(stack: &Stack, reference: &str) -> pb::ComplaintView {
    ComplaintsClient::new(channel(stack.addrs[1]).await)
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.into(),
        })
        .await
        .unwrap()
        .into_inner()
}

pub(crate) fn date_fields(name: &str, date: chrono::NaiveDate, out: &mut Vec<(String, String)>) {
    use chrono::Datelike;
    out.push((format!("{name}-day"), date.day().to_string()));
    out.push((format!("{name}-month"), date.month().to_string()));
    out.push((format!("{name}-year"), date.year().to_string()));
}

pub(crate) fn pairs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_conf_1_staff_take_a_complaint_through_three_stages_to_closure_in_the_console() {
    let stack = Stack::spawn("console_journey").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let reference = submit(&stack, "console-journey").await;

    // Signing in: the session cookie's flags, and a new id at sign-in.
    // The Head of Customer Experience sees every open complaint, the new
    // one not yet given to any team among them.
    let mut head = Browser::new(&console);
    head.get("/sign-in").await;
    let anonymous = head.cookies.get("console_session").cloned();
    assert!(
        anonymous.is_some(),
        "the sign-in form has a session for its CSRF token"
    );
    head.sign_in("head-1", &["head_of_customer_experience"], "")
        .await;
    let signed_in = head.cookies.get("console_session").cloned();
    assert_ne!(anonymous, signed_in, "the session id changes at sign-in");
    for cookie in &head.set_cookies {
        assert!(cookie.starts_with("console_session="), "{cookie}");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "loopback: not Secure: {cookie}");
    }

    // R-MON-1: the work queue shows the new complaint and its deadline.
    let queue = head.get("/queue").await;
    assert_eq!(queue.status, 200);
    assert_eq!(
        queue.headers.get(http::header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
    assert!(queue.body.contains(&reference), "{}", queue.body);
    assert!(queue.body.contains("First contact"), "{}", queue.body);
    assert!(
        queue.body.contains("You are signed in as"),
        "{}",
        queue.body
    );
    assert!(queue.body.contains("Development"), "the dev banner");

    // A line manager gives it to a handler of their team (R-CONF-1: a
    // manager reaches complaints not yet given to any team, to assign them).
    let mut supervisor = Browser::new(&console);
    supervisor.sign_in("supervisor-1", &["manager"], TEAM).await;
    let page = supervisor
        .step(
            &reference,
            "assign",
            &[
                ("handler", "handler-1"),
                ("team", TEAM),
                ("role", "handler"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("is assigned to handler-1"),
        "flash: {}",
        page.body
    );
    let team_queue = supervisor.get("/queue?scope=team").await;
    assert!(team_queue.body.contains(&reference), "{}", team_queue.body);

    // Stage 1, by the handler.
    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let mine = handler.get("/queue?scope=mine").await;
    assert!(mine.body.contains(&reference), "{}", mine.body);
    let page = handler
        .step(
            &reference,
            "record-contact",
            &[
                ("method", "telephone"),
                ("summary", "Clarified which certificate."),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut timescale = Vec::new();
    date_fields("due_on", in_days(15), &mut timescale);
    let page = handler
        .step(&reference, "agree-timescale", &pairs(&timescale))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Agreed timescale"), "{}", page.body);

    // R-OUT-2: an upheld outcome without a remedy is refused, the rule
    // shown next to the remedy, what was typed kept, nothing changed.
    let before = view(&stack, &reference).await.version;
    let refused = handler
        .step(
            &reference,
            "record-outcome",
            &[
                ("stage", "1"),
                ("decision", "upheld"),
                ("findings", "Findings typed before the refusal."),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("There is a problem"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("id=\"remedies_0_kind-error\"") && refused.body.contains("R-OUT-2"),
        "the rule id next to the field: {}",
        refused.body
    );
    assert!(refused.body.contains("Findings typed before the refusal."));
    assert_eq!(
        view(&stack, &reference).await.version,
        before,
        "nothing changed"
    );

    // A POST without the CSRF token is refused and changes nothing.
    let forged = handler
        .post(
            &format!("/complaints/{reference}/steps/record-contact"),
            &[
                ("method", "email"),
                ("summary", "Forged"),
                ("expected_version", &before.to_string()),
            ],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let wrong = handler
        .post(
            &format!("/complaints/{reference}/steps/record-contact"),
            &[
                ("csrf_token", "not-the-token"),
                ("method", "email"),
                ("summary", "Forged"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 403);
    assert_eq!(
        view(&stack, &reference).await.version,
        before,
        "nothing changed"
    );

    // R-CONF-1: a handler of another team is refused with the service's
    // reason, and nothing changes.
    let mut outsider = Browser::new(&console);
    outsider
        .sign_in("handler-9", &["handler"], "Other Team")
        .await;
    let refused = outsider
        .get(&format!("/complaints/{reference}/steps/record-contact"))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(
        refused.body.contains("You cannot do this"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("R-CONF-1"),
        "the service's reason: {}",
        refused.body
    );
    let csrf = outsider.get("/queue").await.hidden("csrf_token");
    let refused = outsider
        .post(
            &format!("/complaints/{reference}/steps/record-contact"),
            &[
                ("csrf_token", &csrf),
                ("expected_version", &before.to_string()),
                ("method", "email"),
                ("summary", "Not mine to record."),
            ],
        )
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("R-CONF-1"), "{}", refused.body);
    assert_eq!(
        view(&stack, &reference).await.version,
        before,
        "nothing changed"
    );

    // A form sent twice applies once.
    let path = format!("/complaints/{reference}/steps/record-outcome");
    let form = handler.get(&path).await;
    let csrf = form.hidden("csrf_token");
    let version = form.hidden("expected_version");
    let outcome = [
        ("csrf_token", csrf.as_str()),
        ("expected_version", version.as_str()),
        ("stage", "1"),
        ("decision", "not_upheld"),
        ("findings", "The certificate was sent on time."),
    ];
    let first = handler.post(&path, &outcome).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let once = view(&stack, &reference).await;
    assert!(once.version > before);
    let second = handler.post(&path, &outcome).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(second.body.contains("Nothing was done"), "{}", second.body);
    // The version may still move: the outcome's delivery report lands on
    // its own (R-S2-1). What counts is that one outcome was recorded.
    let after = view(&stack, &reference).await;
    assert_eq!(after.outcomes.len(), 1, "the outcome was recorded once");

    let page = handler
        .step(
            &reference,
            "request-stage-2",
            &[
                ("grounds", "points_not_answered"),
                ("reasons", "The lost post was not looked into."),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("The complaint is at Stage 2."),
        "back in the queue with the flash: {}",
        page.body
    );

    // Stage 2, by the line manager.
    let page = supervisor
        .step(
            &reference,
            "assign",
            &[
                ("handler", "manager-1"),
                ("team", TEAM),
                ("role", "manager"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let mut manager = Browser::new(&console);
    manager.sign_in("manager-1", &["manager"], TEAM).await;
    let page = manager
        .step(
            &reference,
            "record-outcome",
            &[
                ("stage", "2"),
                ("decision", "partly_upheld"),
                ("findings", "The post was not traced."),
                ("remedies_0_kind", "apology"),
                ("remedies_0_description", "A written apology"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Partly upheld"), "{}", page.body);
    let page = manager
        .step(
            &reference,
            "request-stage-3",
            &[
                ("reasons", "An apology does not replace the certificate."),
                ("outcome_sought", "A replacement certificate."),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);

    // Stage 3, by the Corporate Compliance Manager, to closure.
    let ccm_id = view(&stack, &reference).await.handler;
    assert!(
        !ccm_id.is_empty(),
        "R-S3-3: the compliance manager holds Stage 3"
    );
    let mut ccm = Browser::new(&console);
    ccm.sign_in(&ccm_id, &["compliance_manager"], "").await;
    let page = ccm.step(&reference, "acknowledge-stage-3", &[]).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let page = ccm
        .step(
            &reference,
            "decide-investigation",
            &[
                ("warranted", "yes"),
                ("reason", "The Stage 2 response left it open."),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let page = ccm
        .step(
            &reference,
            "record-outcome",
            &[
                ("stage", "3"),
                ("decision", "upheld"),
                ("findings", "The certificate was lost in our post room."),
                ("remedies_0_kind", "apology"),
                ("remedies_0_description", "A written apology"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Closed after the Stage 3 outcome"),
        "R-S3-6: {}",
        page.body
    );
    let closed = view(&stack, &reference).await;
    assert!(closed.closed);
    assert_eq!(closed.closure, pb::ClosureKind::AfterStage3 as i32);
    // The history reads as a timeline with who did what.
    assert!(page.body.contains("by handler-1"), "{}", page.body);
    assert!(page.body.contains(&format!("by {ccm_id}")), "{}", page.body);

    // Its letters, each with a preview of what was sent.
    let letters = ccm.get(&format!("/complaints/{reference}")).await;
    let link = letters
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&#x2f;", "/"))
        .find(|href| href.contains("/letters/") && href.ends_with("/preview"))
        .unwrap_or_else(|| panic!("no letter to preview: {}", letters.body));
    let preview = ccm.get(&link).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(
        preview.body.contains("Preview of the letter"),
        "{}",
        preview.body
    );

    // Ready: the four services answer their health checks.
    assert_eq!(ccm.get("/readyz").await.status, 200);

    // Sign-out ends the session everywhere in the console.
    let mut second_window = Browser::new(&console);
    second_window.sign_in("handler-1", &["handler"], TEAM).await;
    let csrf = handler.get("/queue").await.hidden("csrf_token");
    let out = handler.post("/sign-out", &[("csrf_token", &csrf)]).await;
    assert_eq!(out.status, 303);
    assert_eq!(handler.get("/queue").await.location(), "/sign-in");
    assert_eq!(second_window.get("/queue").await.location(), "/sign-in");
    assert_eq!(
        manager.get("/queue").await.status,
        200,
        "others stay signed in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_int_2_a_matter_over_six_months_old_is_decided_from_the_triage_queue() {
    let stack = Stack::spawn("console_triage").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let portal = token("portal", &[Role::Portal], None);
    let mut intake = IntakeClient::new(channel_as(stack.addrs[0], Some(&portal)).await);
    let old = chrono::Utc::now().date_naive() - chrono::Days::new(250);
    let mut request = pb::SubmitComplaintRequest {
        idempotency_key: "console-triage".into(),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Certificates".into(),
        query_detail: "A certificate from last year is wrong.".into(),
        complainant: Some(pb::Person {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.org".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    request.matter_date = Some(pb::Date {
        year: chrono::Datelike::year(&old),
        month: chrono::Datelike::month(&old),
        day: chrono::Datelike::day(&old),
    });
    let receipt = intake.submit_complaint(request).await.unwrap().into_inner();
    assert_eq!(
        receipt.status,
        pb::TriageStatus::AwaitingTimeDecision as i32
    );

    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let queue = handler.get("/triage").await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(queue.body.contains(&receipt.reference), "{}", queue.body);
    assert!(queue.body.contains("Over 6 months old"), "{}", queue.body);
    let path = format!(
        "/submissions/{}/steps/compelling-reason",
        receipt.submission_id
    );
    assert!(queue.body.contains(&path.replace('/', "&#x2f;")) || queue.body.contains(&path));
    let form = handler.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.hidden("csrf_token");
    let sent = handler
        .post(
            &path,
            &[
                ("csrf_token", &csrf),
                ("reason", "The error only came to light this month."),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), "/triage");
    let after = handler.get("/triage").await;
    assert!(
        after.body.contains(&receipt.reference),
        "the flash names it: {}",
        after.body
    );
    assert!(
        !after
            .body
            .contains(&format!("data-submission=\"{}\"", receipt.submission_id)),
        "{}",
        after.body
    );
    // Triage continued: the complaint is opened.
    stack.reference_of(&receipt.submission_id).await;
}

#[tokio::test]
async fn r_conf_1_an_idle_session_sends_the_person_to_sign_in_again() {
    // No call reaches a service on this path: the addresses are unused.
    let nowhere: Vec<SocketAddr> = (0..4)
        .map(|i| SocketAddr::from(([127, 0, 0, 1], 9 + i)))
        .collect();
    let console = start_console(&nowhere, |s| {
        s.session.idle = Duration::from_millis(500);
    })
    .await;
    let mut browser = Browser::new(&console);
    browser.sign_in("handler-1", &["handler"], TEAM).await;
    let csrf = browser.get("/sign-in").await;
    assert_eq!(
        csrf.status, 303,
        "signed in: the sign-in page sends on to the queue"
    );
    tokio::time::sleep(Duration::from_millis(700)).await;
    let expired = browser.get("/queue").await;
    assert_eq!(expired.status, 303);
    assert_eq!(expired.location(), "/sign-in");
    // The health endpoints answer without a session.
    assert_eq!(browser.get("/healthz").await.status, 200);
    assert_eq!(browser.get("/readyz").await.status, 503, "no service is up");
}

#[tokio::test]
async fn r_conf_1_the_console_refuses_to_start_with_the_development_sign_in_next_to_oidc() {
    let mut env = console_env(&[]);
    env.insert("OIDC_ISSUER_URL".into(), "https://id.example.org".into());
    env.insert("OIDC_CLIENT_ID".into(), "console".into());
    env.insert("OIDC_RESOURCE".into(), AUDIENCE.into());
    let source = platform::Source::from_map(env).unwrap();
    let error = console::Settings::from_source(&source).unwrap_err();
    assert_eq!(error.key, "AUTH_DEV_SECRET", "{error}");
    let mut env = console_env(&[]);
    env.remove("AUTH_DEV_SECRET");
    let source = platform::Source::from_map(env).unwrap();
    assert!(
        console::Settings::from_source(&source).is_err(),
        "no sign-in at all is refused too"
    );
}

/// Double submission: the version a step form was shown with goes to the
/// complaints service as `expected_version`; the same form sent twice is
/// applied once, and the second sending is refused with "This complaint
/// changed while you were working on it", what was typed kept, what
/// changed since listed, and the form at the complaint's current version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_step_form_sent_twice_is_applied_once_and_the_second_sending_is_refused() {
    let stack = Stack::spawn("console_twice").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let reference = submit(&stack, "console-twice").await;
    let mut supervisor = Browser::new(&console);
    supervisor.sign_in("supervisor-1", &["manager"], TEAM).await;
    let page = supervisor
        .step(
            &reference,
            "assign",
            &[
                ("handler", "handler-1"),
                ("team", TEAM),
                ("role", "handler"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);

    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let path = format!("/complaints/{reference}/steps/record-contact");
    let form = handler.get(&path).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let shown = view(&stack, &reference).await.version;
    assert_eq!(form.hidden("expected_version"), shown.to_string());
    let csrf = form.hidden("csrf_token");
    let version = shown.to_string();
    let sending = [
        ("csrf_token", csrf.as_str()),
        ("expected_version", version.as_str()),
        ("method", "telephone"),
        ("summary", "Talked through the missing certificate."),
    ];
    let first = handler.post(&path, &sending).await;
    assert_eq!(first.status, 303, "{}", first.body);
    let once = view(&stack, &reference).await;
    assert!(once.version > shown, "the contact is recorded");

    let second = handler.post(&path, &sending).await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(
        second
            .body
            .contains("This complaint changed while you were working on it"),
        "{}",
        second.body
    );
    assert!(
        second
            .body
            .contains("Talked through the missing certificate."),
        "what was typed is kept: {}",
        second.body
    );
    assert!(
        second.body.contains("id=\"changes\"") && second.body.contains("Contact recorded"),
        "what changed since the form was shown: {}",
        second.body
    );
    assert_eq!(
        second.hidden("expected_version"),
        once.version.to_string(),
        "the form is at the complaint's current version"
    );
    let after = view(&stack, &reference).await;
    assert_eq!(after.version, once.version, "the contact was recorded once");
    let history = ComplaintsClient::new(channel(stack.addrs[1]).await)
        .get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        history
            .entries
            .iter()
            .filter(|e| e.event_type.ends_with("ContactRecorded"))
            .count(),
        1,
        "one contact event"
    );
}

/// The staff directory of `deploy/local/staff-directory.json`, which
/// `make up` gives the console and notifications alike.
fn sample_staff_directory() -> std::sync::Arc<platform::staff::Directory> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/local/staff-directory.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    std::sync::Arc::new(platform::staff::Directory::parse(&text).unwrap())
}

/// Staff by name (`STAFF_DIRECTORY`): the header names who is signed in,
/// the assign form offers staff by name and job title, and the queue, the
/// complaint page, its timeline and its actions show names; an id the
/// directory lacks is shown with "(not in the staff directory)".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_are_shown_by_name_from_the_staff_directory_and_an_unlisted_id_says_so() {
    let stack = Stack::spawn("console_names").await;
    let console = start_console(&stack.addrs, |s| s.staff = sample_staff_directory()).await;
    let reference = submit(&stack, "console-names").await;

    let mut manager = Browser::new(&console);
    manager.sign_in("manager-1", &["manager"], TEAM).await;
    let form = manager
        .get(&format!("/complaints/{reference}/steps/assign"))
        .await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(
        form.body
            .contains("You are signed in as <strong class=\"header__name\">Maria Moss</strong>"),
        "the header names the person: {}",
        form.body
    );
    assert!(
        form.body
            .contains("<select class=\"select\" id=\"handler\" name=\"handler\">"),
        "who deals with it is chosen from the directory: {}",
        form.body
    );
    assert!(
        form.body.contains(
            "<option value=\"handler-1\">Hannah Hughes, Customer Services Advisor</option>"
        ),
        "{}",
        form.body
    );
    let page = manager
        .step(
            &reference,
            "assign",
            &[
                ("handler", "handler-1"),
                ("team", TEAM),
                ("role", "handler"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("is assigned to Hannah Hughes."),
        "the flash names them: {}",
        page.body
    );
    assert!(
        page.body
            .contains("id=\"handler\">Hannah Hughes, Customer Services Advisor (Handler"),
        "the complaint page names who deals with it: {}",
        page.body
    );
    assert!(
        page.body.contains(", by Maria Moss"),
        "the timeline names who acted: {}",
        page.body
    );
    let queue = manager.get("/queue?scope=team").await;
    assert!(
        queue.body.contains("<td>Hannah Hughes</td>"),
        "the queue names the handler: {}",
        queue.body
    );

    // An owner the directory lacks is shown as such, in the action list
    // and in the form that reassigns it.
    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let mut due = vec![
        ("kind".to_owned(), "follow_up".to_owned()),
        (
            "description".to_owned(),
            "Send the certificate again".to_owned(),
        ),
        ("owner".to_owned(), "print-room-7".to_owned()),
    ];
    date_fields("due_on", in_days(20), &mut due);
    let page = handler.step(&reference, "add-action", &pairs(&due)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("<td>print-room-7 (not in the staff directory)</td>"),
        "{}",
        page.body
    );
    let reassign = handler
        .get(&format!(
            "/complaints/{reference}/steps/reassign-action?action_id=1&owner=print-room-7"
        ))
        .await;
    assert!(
        reassign.body.contains(
            "<option value=\"print-room-7\" selected>print-room-7 (not in the staff directory)</option>"
        ),
        "{}",
        reassign.body
    );
}
