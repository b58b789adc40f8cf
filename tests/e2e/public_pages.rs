//! The public complaint and compliment forms over HTTP, on the console's
//! own public listener, in front of the real four services in-process
//! ([`Stack`]). A small HTTP client with a cookie jar plays the browser,
//! sending back the CSRF token read from each form and files as
//! `multipart/form-data`, as a browser would.

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
use platform::testing::{AUDIENCE, DEV_SECRET, ISSUER, channel_as, token};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The largest file the public side takes in these tests (64 KiB), so an
/// over-size body is small to send.
const MAX_FILE: usize = 64 * 1024;

/// A console whose public side serves on its own listener.
pub(crate) struct Console {
    pub(crate) staff: SocketAddr,
    pub(crate) public: SocketAddr,
    stop: CancellationToken,
}

impl Drop for Console {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

pub(crate) async fn start_console(stack: &Stack, extra: &[(&str, &str)]) -> Console {
    let mut env: HashMap<String, String> = HashMap::from([
        ("CONSOLE_ADDR".into(), "127.0.0.1:0".into()),
        ("PUBLIC_ADDR".into(), "127.0.0.1:0".into()),
        ("PUBLIC_ATTACHMENT_MAX_BYTES".into(), MAX_FILE.to_string()),
        ("AUTH_DEV_SECRET".into(), DEV_SECRET.into()),
        ("AUTH_ISSUER".into(), ISSUER.into()),
        ("AUTH_AUDIENCE".into(), AUDIENCE.into()),
        ("LOG_FORMAT".into(), "pretty".into()),
    ]);
    for (name, addr) in ["INTAKE", "COMPLAINTS", "NOTIFICATIONS", "REPORTING"]
        .iter()
        .zip(&stack.addrs)
    {
        env.insert(format!("{name}_URL"), format!("http://{addr}"));
    }
    for (k, v) in extra {
        env.insert((*k).into(), (*v).into());
    }
    let source = platform::Source::from_map(env).unwrap();
    let settings = console::Settings::from_source(&source).unwrap();
    let app = console::Application::build(settings).await.unwrap();
    let staff = app.local_addr();
    let public = app.public_addr().expect("the public side is on");
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    tokio::spawn(app.run_until_stopped(async move { stopped.cancelled().await }));
    Console {
        staff,
        public,
        stop,
    }
}

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

    fn csrf(&self) -> String {
        let marker = "name=\"csrf_token\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF token in the page: {}", self.body))
            + marker.len();
        self.body[start..].split('"').next().unwrap().to_owned()
    }
}

/// One file to upload.
struct File<'a> {
    name: &'a str,
    content_type: &'a str,
    bytes: Vec<u8>,
}

/// A browser on the public side: a cookie jar, redirects not followed.
pub(crate) struct Browser {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    cookies: BTreeMap<String, String>,
    csrf: String,
}

const BOUNDARY: &str = "----public-form-test-boundary";

impl Browser {
    pub(crate) fn new(addr: SocketAddr) -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://{addr}"),
            cookies: BTreeMap::new(),
            csrf: String::new(),
        }
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Page {
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
        if let Some(content_type) = content_type {
            request = request.header(http::header::CONTENT_TYPE, content_type);
        }
        let response = self
            .client
            .request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for value in headers.get_all(http::header::SET_COOKIE) {
            let text = value.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.insert(k.trim().into(), v.trim().into());
            }
        }
        let body =
            String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
                .into_owned();
        let page = Page {
            status,
            headers,
            body,
        };
        if page.body.contains("name=\"csrf_token\"") {
            self.csrf = page.csrf();
        }
        page
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        self.send("GET", path, None, Vec::new()).await
    }

    /// Posts `pairs` with the form's CSRF token (and an empty honeypot).
    pub(crate) async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf_token", csrf.as_str()), ("website", "")];
        all.extend_from_slice(pairs);
        self.post_raw(path, &all).await
    }

    async fn post_raw(&mut self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter())
            .finish();
        self.send(
            "POST",
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    async fn upload(&mut self, files: &[File<'_>]) -> Page {
        let mut body = Vec::new();
        for (name, value) in [("csrf_token", self.csrf.as_str()), ("website", "")] {
            body.extend_from_slice(
                format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        for file in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    file.name, file.content_type
                )
                .as_bytes(),
            );
            body.extend_from_slice(&file.bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.send(
            "POST",
            "/complaint/files",
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            body,
        )
        .await
    }
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec()
}

fn text_file(words: &str) -> Vec<u8> {
    format!("{words}\n").into_bytes()
}

/// Answers every page up to (not including) the files page.
async fn answer_questions(b: &mut Browser, email: &str, detail: &str) {
    let start = b.get("/complaint").await;
    assert_eq!(start.status, 200, "{}", start.body);
    let page = b.post("/complaint/start", &[]).await;
    assert_eq!(page.location(), "/complaint/who-for");
    b.get("/complaint/who-for").await;
    let page = b.post("/complaint/who-for", &[("who_for", "Myself")]).await;
    assert_eq!(page.location(), "/complaint/contact", "{}", page.body);
    b.get("/complaint/contact").await;
    let page = b
        .post(
            "/complaint/contact",
            &[
                ("first_name", "Wilhelmina"),
                ("last_name", "Quarrington"),
                ("email", email),
                ("telephone", ""),
                ("address_line_1", ""),
                ("postcode", ""),
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
        .post("/complaint/correspondence", &[("correspondence", "Email")])
        .await;
    // R-ADJ-1: the optional question on adjustments, nothing asked for.
    assert_eq!(page.location(), "/complaint/adjustments");
    let page = b.post("/complaint/adjustments", &[]).await;
    assert_eq!(page.location(), "/complaint/customer");
    let page = b
        .post(
            "/complaint/customer",
            &[
                ("customer_status", "Not a member"),
                ("customer_type", "Member of the public"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/complaint/category");
    let page = b
        .post(
            "/complaint/category",
            &[("query_category", "Customer service")],
        )
        .await;
    assert_eq!(page.location(), "/complaint/detail");
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
                ("query_detail", detail),
            ],
        )
        .await;
    assert_eq!(page.location(), "/complaint/files", "{}", page.body);
    b.get("/complaint/files").await;
}

async fn work_queue(stack: &Stack) -> Vec<pb::WorkItem> {
    let csm = token(
        "csm-1",
        &[Role::CustomerServiceManager, Role::Manager],
        Some("Customer Services"),
    );
    let mut complaints = ComplaintsClient::new(channel_as(stack.addrs[1], Some(&csm)).await);
    complaints
        .list_work_queue(pb::ListWorkQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items
}

async fn triage_queue(stack: &Stack) -> Vec<pb::SubmissionSummary> {
    let manager = token("manager-1", &[Role::Manager], Some("Customer Services"));
    let mut intake = IntakeClient::new(channel_as(stack.addrs[0], Some(&manager)).await);
    intake
        .list_triage_queue(pb::ListTriageQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .submissions
}

#[tokio::test]
async fn r_int_1_a_non_member_complains_through_every_page_with_two_files_and_sees_the_reference_and_contact_date()
 {
    let stack = Stack::spawn("public_complaint").await;
    let console = start_console(&stack, &[]).await;
    let mut b = Browser::new(console.public);
    let email = "wilhelmina.quarrington@example.org";
    answer_questions(
        &mut b,
        email,
        "My certificate was sent to the wrong address twice.",
    )
    .await;

    let page = b
        .upload(&[
            File {
                name: "letter.pdf",
                content_type: "application/pdf",
                bytes: pdf(),
            },
            File {
                name: "notes.txt",
                content_type: "text/plain",
                bytes: text_file("Called on Monday, no answer."),
            },
        ])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/complaint/equality");

    // R-MON-4: the equality questions are optional; some answered.
    let page = b.get("/complaint/equality").await;
    assert!(page.body.contains("Prefer not to say"));
    assert!(page.body.contains("Skip these questions"));
    let page = b
        .post(
            "/complaint/equality",
            &[
                ("eq_disability", "Prefer not to say"),
                ("eq_age_band", "35 to 44"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/complaint/check-answers");

    let check = b.get("/complaint/check-answers").await;
    assert_eq!(check.status, 200, "{}", check.body);
    for shown in [
        "Wilhelmina",
        email,
        "letter.pdf",
        "notes.txt",
        "Customer service",
        "2 of 6 answered",
    ] {
        assert!(check.body.contains(shown), "{shown} on check your answers");
    }
    let done = b.post("/complaint/check-answers", &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), "/complaint/confirmation");
    // A repeated submit (the browser's back button, a double click) does
    // not make a second complaint.
    let again = b.post("/complaint/check-answers", &[]).await;
    assert_eq!(again.location(), "/complaint/confirmation");

    let confirmation = b.get("/complaint/confirmation").await;
    assert_eq!(confirmation.status, 200);
    assert!(confirmation.body.contains(
        "Thank you for your enquiry. It is being passed to the relevant department who will be in contact with you within seven working days."
    ));
    let marker = "<strong class=\"reference\">";
    let reference = confirmation.body
        [confirmation.body.find(marker).expect("a reference") + marker.len()..]
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(!reference.is_empty());
    // R-INT-8: the contact date in words, a working day after today.
    let marker = "will contact you by <strong>";
    let words = confirmation.body
        [confirmation.body.find(marker).expect("a contact date") + marker.len()..]
        .split('<')
        .next()
        .unwrap();
    let contact_by = chrono::NaiveDate::parse_from_str(words, "%A %-d %B %Y")
        .unwrap_or_else(|e| panic!("{words:?} is not a date in words: {e}"));
    assert!(contact_by > chrono::Utc::now().date_naive());

    // The complaint is in the services: opened from the web form.
    let mut items = Vec::new();
    for _ in 0..200 {
        items = work_queue(&stack).await;
        if !items.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        items.len(),
        1,
        "one complaint, however often it was sent: {items:?}"
    );
    let csm = token(
        "csm-1",
        &[Role::CustomerServiceManager, Role::Manager],
        Some("Customer Services"),
    );
    let mut complaints = ComplaintsClient::new(channel_as(stack.addrs[1], Some(&csm)).await);
    let view = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: items[0].reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.channel, pb::Channel::WebForm as i32);
    assert_eq!(view.query_category, "Customer service");
    // The automatic reply reached the complainant (R-INT-8).
    stack.mail_reached(email).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(work_queue(&stack).await.len(), 1);
}

#[tokio::test]
async fn r_int_1_a_third_file_a_missing_answer_an_oversize_body_no_csrf_token_and_a_bot_are_refused_and_nothing_is_stored()
 {
    let stack = Stack::spawn("public_refusals").await;
    let console = start_console(&stack, &[]).await;
    let mut b = Browser::new(console.public);
    answer_questions(&mut b, "refused@example.org", "Nothing should be stored.").await;

    // A third file: refused naming the field, nothing added.
    let three: Vec<File> = ["a.txt", "b.txt", "c.txt"]
        .iter()
        .map(|n| File {
            name: n,
            content_type: "text/plain",
            bytes: text_file("evidence"),
        })
        .collect();
    let page = b.upload(&three).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("href=\"#files\""),
        "the error summary names the field"
    );
    assert!(
        page.body
            .contains("R-INT-1: You can upload at most 2 files")
    );
    assert!(!page.body.contains("a.txt"), "nothing was added");

    // An over-size body: refused before it is read, naming the field.
    let page = b
        .upload(&[File {
            name: "huge.pdf",
            content_type: "application/pdf",
            bytes: vec![b'%'; 3 * MAX_FILE + 600 * 1024],
        }])
        .await;
    assert_eq!(page.status, 413, "{}", page.body);
    assert!(page.body.contains("href=\"#files\""));
    assert!(
        page.body
            .contains("R-INT-1: The selected files must each be smaller than")
    );
    // One file over the per-file limit, in a body within the total.
    let page = b
        .upload(&[File {
            name: "big.pdf",
            content_type: "application/pdf",
            bytes: vec![b'%'; MAX_FILE + 1],
        }])
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("big.pdf is larger than"));

    // A missing required answer: the page again, the field named.
    let page = b
        .post(
            "/complaint/detail",
            &[
                ("matter_date_day", "1"),
                ("matter_date_month", "1"),
                ("matter_date_year", "2026"),
                ("query_detail", "  "),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("href=\"#query_detail\""));
    assert!(
        page.body
            .contains("R-INT-1: Enter the details of your complaint")
    );
    assert!(
        page.body.contains("id=\"query_detail-error\""),
        "the message at the field"
    );
    // A date in the future (R-INT-2).
    let page = b
        .post(
            "/complaint/detail",
            &[
                ("matter_date_day", "1"),
                ("matter_date_month", "1"),
                ("matter_date_year", "2999"),
                ("query_detail", "x"),
            ],
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("href=\"#matter_date\""));

    // A post without the CSRF token, or with another, does nothing.
    let page = b
        .post_raw("/complaint/check-answers", &[("website", "")])
        .await;
    assert_eq!(page.status, 403, "{}", page.body);
    let page = b
        .post_raw(
            "/complaint/check-answers",
            &[("csrf_token", "forged"), ("website", "")],
        )
        .await;
    assert_eq!(page.status, 403);
    // Without the form's cookie, even with a token, nothing is done.
    let mut stranger = Browser::new(console.public);
    stranger.csrf = b.csrf.clone();
    let page = stranger.post("/complaint/check-answers", &[]).await;
    assert_eq!(page.status, 403);

    // A bot filling the honeypot is answered as if accepted and dropped.
    b.get("/complaint/files").await;
    b.upload(&[]).await;
    b.post("/complaint/equality", &[("skip", "yes")]).await;
    let check = b.get("/complaint/check-answers").await;
    assert_eq!(check.status, 200, "{}", check.body);
    let csrf = b.csrf.clone();
    let page = b
        .post_raw(
            "/complaint/check-answers",
            &[("csrf_token", &csrf), ("website", "http://spam.example")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(!page.body.contains("reference"));

    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(triage_queue(&stack).await.is_empty());
    assert!(work_queue(&stack).await.is_empty(), "nothing was stored");
    assert_eq!(stack.smtp.count(), 0);
}

#[tokio::test]
async fn the_public_listener_serves_no_staff_page_rate_limits_submissions_and_takes_a_compliment() {
    let stack = Stack::spawn("public_listener").await;
    let console = start_console(
        &stack,
        &[
            ("PUBLIC_SUBMIT_BURST", "1"),
            ("PUBLIC_SUBMIT_REFILL_SECONDS", "3600"),
        ],
    )
    .await;
    let mut b = Browser::new(console.public);

    // Nothing of the staff console is reachable from the public address.
    for path in [
        "/queue",
        "/auth/dev",
        "/sign-in",
        "/triage",
        "/records",
        "/assets/console.css",
        "/readyz",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 404, "{path} on the public listener");
    }
    let page = b
        .send(
            "POST",
            "/auth/dev",
            Some("application/x-www-form-urlencoded"),
            b"subject=x&roles=operator".to_vec(),
        )
        .await;
    assert_eq!(page.status, 404);
    // The staff console still answers on its own listener.
    let mut staff = Browser::new(console.staff);
    assert_ne!(staff.get("/sign-in").await.status, 404);

    let home = b.get("/").await;
    assert_eq!(home.status, 200);
    assert_eq!(home.headers.get("content-security-policy").unwrap(), CSP);
    assert!(!home.body.contains("<script") && !home.body.contains("style="));
    let css = b.get("/assets/public.css").await;
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@media"));

    // R-POS-1: a compliment, checked and sent.
    let form = b.get("/compliment").await;
    assert_eq!(form.status, 200);
    let page = b
        .post(
            "/compliment",
            &[
                ("team", "Customer Services"),
                (
                    "message",
                    "Thank you for sorting out my exam booking so quickly.",
                ),
                ("first_name", "Odile"),
            ],
        )
        .await;
    assert_eq!(
        page.location(),
        "/compliment/check-answers",
        "{}",
        page.body
    );
    let check = b.get("/compliment/check-answers").await;
    assert!(check.body.contains("Customer Services"));
    let sent = b.post("/compliment/check-answers", &[]).await;
    assert_eq!(sent.location(), "/compliment/confirmation", "{}", sent.body);
    let done = b.get("/compliment/confirmation").await;
    assert!(done.body.contains("Compliment sent"));
    assert!(done.body.contains("class=\"reference\">"));

    // The one submission the bucket holds is spent: the next is 429.
    b.get("/compliment").await;
    b.post(
        "/compliment",
        &[("team", "Exams"), ("message", "Very helpful.")],
    )
    .await;
    b.get("/compliment/check-answers").await;
    let limited = b.post("/compliment/check-answers", &[]).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn the_public_side_is_off_when_public_addr_is_off() {
    let mut env: HashMap<String, String> = HashMap::from([
        ("CONSOLE_ADDR".into(), "127.0.0.1:0".into()),
        ("PUBLIC_ADDR".into(), "off".into()),
        ("AUTH_DEV_SECRET".into(), DEV_SECRET.into()),
    ]);
    env.insert("LOG_FORMAT".into(), "pretty".into());
    let settings =
        console::Settings::from_source(&platform::Source::from_map(env).unwrap()).unwrap();
    let app = console::Application::build(settings).await.unwrap();
    assert!(app.public_addr().is_none());
    // With an identity provider, PUBLIC_ADDR needs the forms' own client.
    let env: HashMap<String, String> = HashMap::from([
        ("PUBLIC_ADDR".into(), "127.0.0.1:0".into()),
        ("OIDC_ISSUER_URL".into(), "https://id.example.org".into()),
        ("OIDC_CLIENT_ID".into(), "console".into()),
        ("OIDC_RESOURCE".into(), "complaints".into()),
        (
            "CONSOLE_PUBLIC_URL".into(),
            "https://console.example.org".into(),
        ),
    ]);
    let error =
        console::Settings::from_source(&platform::Source::from_map(env).unwrap()).unwrap_err();
    assert_eq!(error.key, "PUBLIC_CLIENT_ID");
}

#[tokio::test]
async fn r_int_4_a_complaint_for_someone_else_asks_for_the_representative_and_a_refusal_from_intake_is_shown_with_its_rule()
 {
    let stack = Stack::spawn("public_third_party").await;
    let console = start_console(&stack, &[]).await;
    let mut b = Browser::new(console.public);
    b.get("/complaint").await;
    b.post("/complaint/start", &[]).await;
    let page = b
        .post("/complaint/who-for", &[("who_for", "Someone else")])
        .await;
    assert_eq!(page.location(), "/complaint/your-details");
    b.get("/complaint/your-details").await;
    // R-INT-4: the representative must be reachable.
    let page = b
        .post(
            "/complaint/your-details",
            &[
                ("rep_name", "Bartholomew Fenwick-Oduya"),
                ("rep_relationship", "Employer"),
            ],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("href=\"#rep_email\""));
    assert!(page.body.contains("R-INT-4: "));
    let page = b
        .post(
            "/complaint/your-details",
            &[
                ("rep_name", "Bartholomew Fenwick-Oduya"),
                ("rep_relationship", "Employer"),
                ("rep_email", "b.fenwick-oduya@example.org"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/complaint/contact");
    let contact = b.get("/complaint/contact").await;
    assert!(contact.body.contains("the person the complaint is for"));
    let today = chrono::Utc::now().date_naive();
    let (d, m, y) = (
        chrono::Datelike::day(&today).to_string(),
        chrono::Datelike::month(&today).to_string(),
        chrono::Datelike::year(&today).to_string(),
    );
    for (path, pairs) in [
        (
            "/complaint/contact",
            vec![
                ("first_name", "Perpetua"),
                ("last_name", "Ashdown-Reyes"),
                ("email", "perpetua.ashdown-reyes@example.org"),
            ],
        ),
        (
            "/complaint/correspondence",
            vec![("correspondence", "Email")],
        ),
        (
            "/complaint/customer",
            vec![
                ("customer_status", "Student member"),
                ("customer_type", "Learner or student"),
            ],
        ),
        (
            "/complaint/category",
            vec![("query_category", "Exams and assessments")],
        ),
        (
            "/complaint/detail",
            vec![
                ("matter_date_day", d.as_str()),
                ("matter_date_month", m.as_str()),
                ("matter_date_year", y.as_str()),
                ("query_detail", "My learner's exam entry was lost."),
            ],
        ),
    ] {
        let page = b.post(path, &pairs).await;
        assert_eq!(page.status, 303, "{path}: {}", page.body);
    }
    // A file named as text whose bytes are a PDF: the form takes it, intake
    // checks the bytes and refuses it, naming the attachment (R-INT-1).
    b.get("/complaint/files").await;
    let page = b
        .upload(&[File {
            name: "notes.txt",
            content_type: "text/plain",
            bytes: pdf(),
        }])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    b.post("/complaint/equality", &[("skip", "yes")]).await;
    let check = b.get("/complaint/check-answers").await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(check.body.contains("Bartholomew Fenwick-Oduya"));
    let refused = b.post("/complaint/check-answers", &[]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("href=\"#row-files\""),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("R-INT-1: "), "the service's rule id");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(triage_queue(&stack).await.is_empty(), "nothing stored");

    // The file removed, the complaint goes, waiting for consent (R-INT-4).
    let page = b.post("/complaint/files", &[("remove", "0")]).await;
    assert_eq!(page.location(), "/complaint/files");
    b.get("/complaint/check-answers").await;
    let done = b.post("/complaint/check-answers", &[]).await;
    assert_eq!(done.location(), "/complaint/confirmation", "{}", done.body);
    let confirmation = b.get("/complaint/confirmation").await;
    assert!(
        confirmation.body.contains("consent"),
        "{}",
        confirmation.body
    );
    let queue = triage_queue(&stack).await;
    assert_eq!(queue.len(), 1);
    assert!(queue[0].third_party);
    assert_eq!(queue[0].status, pb::TriageStatus::AwaitingConsent as i32);
}
