//! The console's letters, compliments, monitoring, committee and records
//! pages over HTTP, against the four services in-process: staff signed in
//! with the development sign-in see what the services hold for their
//! roles, are refused with the service's own reason otherwise, are not
//! offered links they cannot use, and every POST without the session's
//! CSRF token is refused with nothing done.

use super::stack::{Person, Stack};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use platform::testing::channel;
use std::time::Duration;

/// The console in-process on port 0 with the development sign-in, calling
/// the stack's four services.
struct Console {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
    stop: tokio_util::sync::CancellationToken,
}

impl Console {
    async fn start(stack: &Stack) -> Self {
        let endpoint = |i: usize| format!("http://{}", stack.addrs[i]);
        let env: std::collections::HashMap<String, String> = [
            ("CONSOLE_ADDR", "127.0.0.1:0".to_owned()),
            ("INTAKE_URL", endpoint(0)),
            ("COMPLAINTS_URL", endpoint(1)),
            ("NOTIFICATIONS_URL", endpoint(2)),
            ("REPORTING_URL", endpoint(3)),
            ("AUTH_DEV_SECRET", platform::testing::DEV_SECRET.to_owned()),
            ("LOG_FILTER", "warn".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let source = platform::Source::from_map(env).expect("no CONFIG_FILE");
        let settings = console::Settings::from_source(&source).expect("the console's settings");
        let app = console::Application::build(settings)
            .await
            .expect("the console starts");
        let base = format!("http://{}", app.local_addr());
        let stop = tokio_util::sync::CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(app.run_until_stopped(async move { stopped.cancelled().await }));
        Self {
            base,
            client: Client::builder(TokioExecutor::new()).build_http(),
            stop,
        }
    }

    /// A visitor signed in as `staff_id` with `roles` (token names).
    async fn sign_in(&self, staff_id: &str, roles: &[&str], team: &str) -> Visitor<'_> {
        let mut visitor = Visitor {
            console: self,
            cookie: None,
            csrf: String::new(),
        };
        let page = visitor.get("/sign-in").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let mut fields = vec![("staff_id", staff_id), ("team", team)];
        fields.extend(roles.iter().map(|r| ("roles", *r)));
        let signed_in = visitor.post("/auth/dev", &fields).await;
        assert_eq!(signed_in.status, 303, "{}", signed_in.body);
        // The session id changed at sign-in; read the new CSRF token.
        visitor.get("/compliments").await;
        visitor
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// An answer of the console.
struct Page {
    status: u16,
    headers: http::HeaderMap,
    body: String,
}

impl Page {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

/// One browser's cookie jar (the session cookie) and its CSRF token.
struct Visitor<'a> {
    console: &'a Console,
    cookie: Option<String>,
    csrf: String,
}

impl Visitor<'_> {
    async fn send(&mut self, request: http::request::Builder, body: String) -> Page {
        let request = match &self.cookie {
            Some(c) => request.header(http::header::COOKIE, format!("console_session={c}")),
            None => request,
        };
        let response = self
            .console
            .client
            .request(request.body(Full::new(Bytes::from(body))).unwrap())
            .await
            .expect("the console answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for value in headers.get_all(http::header::SET_COOKIE) {
            let value = value.to_str().unwrap_or("");
            if let Some(rest) = value.strip_prefix("console_session=") {
                let id = rest.split(';').next().unwrap_or("");
                self.cookie =
                    (!id.is_empty() && !value.contains("Max-Age=0")).then(|| id.to_owned());
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(token) = csrf_in(&body) {
            self.csrf = token;
        }
        Page {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = http::Request::get(format!("{}{path}", self.console.base));
        self.send(request, String::new()).await
    }

    /// Posts `fields` with the session's CSRF token.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts `fields` as they are (no CSRF token unless given).
    async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = http::Request::post(format!("{}{path}", self.console.base)).header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        );
        self.send(request, body).await
    }

    /// GETs `path` until its page contains `text`.
    async fn wait_for(&mut self, path: &str, text: &str) -> Page {
        for _ in 0..200 {
            let page = self.get(path).await;
            if page.body.contains(text) {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let page = self.get(path).await;
        panic!("{path} never showed {text:?}: {}", page.body);
    }
}

fn csrf_in(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_owned()).filter(|t| !t.is_empty())
}

/// What a page's navigation links to.
fn nav(body: &str) -> &str {
    let start = body.find("<nav class=\"header__nav\"").unwrap_or(0);
    let end = body[start..]
        .find("</nav>")
        .map_or(body.len(), |e| start + e);
    &body[start..end]
}

/// The page refuses with the service's own reason (R-CONF-1).
fn refused_by_the_service(page: &Page) {
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(
        page.body.contains("You cannot do this"),
        "the refusal page: {}",
        page.body
    );
    assert!(
        page.body.contains("R-CONF-1") && page.body.contains("may not"),
        "the service's reason is shown: {}",
        page.body
    );
}

/// The CSRF refusal page; nothing was done.
fn refused_for_csrf(page: &Page) {
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("This form has expired"), "{}", page.body);
}

/// Submits `person`'s complaint (by post when `postal`) and answers its
/// reference once the complaints service opened it.
async fn complaint(stack: &Stack, person: &Person, postal: bool) -> String {
    let mut submission = person.submission();
    if postal {
        submission.correspondence = pb::CorrespondencePreference::Post as i32;
        if let Some(c) = submission.complainant.as_mut() {
            c.postal_address = Some(pb::PostalAddress {
                lines: vec!["12 Quillfeather Row".into(), "Bedford".into()],
                postcode: "MK40 1AA".into(),
            });
        }
    }
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(submission)
        .await
        .expect("intake takes the complaint")
        .into_inner();
    stack.reference_of(&receipt.submission_id).await
}

const POSTAL: Person = Person {
    first_name: "Araminta",
    last_name: "Quillfeather",
    email: "araminta.quillfeather@example.org",
    detail: "Heron-lantern: my certificate was sent to the wrong address.",
    attachment: "",
};

#[tokio::test]
async fn r_corr_1_a_letter_for_post_is_in_the_print_queue_until_marked_posted() {
    let stack = Stack::spawn("console_letters").await;
    let console = Console::start(&stack).await;
    let reference = complaint(&stack, &POSTAL, true).await;

    // The print queue holds the letters of complaints the person reaches:
    // every complaint, for the Corporate Compliance Manager.
    let mut ccm = console
        .sign_in("ccm-1", &["compliance_manager"], "Compliance")
        .await;
    let queue = ccm.wait_for("/letters", POSTAL.last_name).await;
    assert_eq!(queue.status, 200);
    assert!(nav(&queue.body).contains("/letters"), "the link is offered");
    assert!(
        queue
            .body
            .contains("<title>Letters to post – Complaints console</title>")
    );
    assert_eq!(queue.body.matches("<h1").count(), 1);
    assert!(queue.body.contains(&reference), "{}", queue.body);
    // The date queued, in words.
    let year = chrono::Datelike::year(&chrono::Utc::now()).to_string();
    assert!(queue.body.contains(&year));
    let row = queue
        .body
        .split("data-notification=\"")
        .nth(1)
        .expect("a row in the print queue");
    let notification = row.split('"').next().unwrap().to_owned();

    // The preview shows the address and the text to print.
    let preview = ccm.get(&format!("/letters/{notification}")).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("12 Quillfeather Row"));
    assert!(preview.body.contains("MK40 1AA"));
    assert!(preview.body.contains("id=\"letter-body\""));

    // Without the CSRF token nothing is marked.
    let forged = ccm
        .post_raw("/letters/posted", &[("notification_id", &notification)])
        .await;
    refused_for_csrf(&forged);
    assert!(ccm.get("/letters").await.body.contains(&notification));

    // Marked posted: redirected with a message, and gone from the queue.
    let posted = ccm
        .post("/letters/posted", &[("notification_id", &notification)])
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert_eq!(posted.header("location"), "/letters");
    let after = ccm.get("/letters").await;
    assert!(after.body.contains("is marked as posted"), "{}", after.body);
    assert!(!after.body.contains(&notification), "{}", after.body);

    // The correspondence of the complaint shows it sent, by post.
    let letters = ccm
        .get(&format!("/letters/correspondence?reference={reference}"))
        .await;
    assert_eq!(letters.status, 200, "{}", letters.body);
    assert!(letters.body.contains("Post"), "{}", letters.body);
    assert!(letters.body.contains("Sent"), "{}", letters.body);

    // The committee is not offered the letters and the service refuses them.
    let mut committee = console.sign_in("committee-1", &["committee"], "").await;
    let page = committee.get("/committee").await;
    assert!(!nav(&page.body).contains("/letters"));
    refused_by_the_service(&committee.get("/letters").await);
}

/// The ids of the letters a page of the print queue lists.
fn listed(body: &str) -> Vec<String> {
    body.split("data-notification=\"")
        .skip(1)
        .filter_map(|row| row.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The query of a page link (`rel`: next or prev), as written in the page.
fn page_link(body: &str, rel: &str) -> Option<String> {
    let end = body.find(&format!("\" rel=\"{rel}\""))?;
    let start = body[..end].rfind("href=\"/letters?")? + "href=\"/letters?".len();
    Some(body[start..end].to_owned())
}

/// R-CORR-1: with 53 letters waiting, /letters shows the first 50 and the
/// count, and a next page with the other three and a link back; a letter
/// marked posted on the second page comes back to the second page, with
/// the message, the letter gone and the count one less.
#[tokio::test]
async fn r_corr_1_the_letters_page_pages_the_queue_and_marks_posted_back_onto_the_same_page() {
    let stack = Stack::spawn("console_letters_paged").await;
    let console = Console::start(&stack).await;
    let an_hour_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    crate::support::queue_post_letters(&stack.settings[2], "CMP-2026-000201", 53, an_hour_ago)
        .await;
    let mut ccm = console
        .sign_in("ccm-1", &["compliance_manager"], "Compliance")
        .await;

    let first = ccm.get("/letters").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert!(
        first.body.contains("53 letters wait to be posted"),
        "{}",
        first.body
    );
    assert_eq!(listed(&first.body).len(), 50);
    assert_eq!(
        page_link(&first.body, "prev"),
        None,
        "the first page has none before"
    );
    let next = page_link(&first.body, "next").expect("a link to the next page");

    let second = ccm.get(&format!("/letters?{next}")).await;
    assert_eq!(second.status, 200, "{}", second.body);
    let on_second = listed(&second.body);
    assert_eq!(on_second.len(), 3);
    assert!(on_second.iter().all(|id| !listed(&first.body).contains(id)));
    assert_eq!(
        page_link(&second.body, "next"),
        None,
        "the last page has none after"
    );
    let previous = page_link(&second.body, "prev").expect("a link back");
    assert_eq!(
        listed(&ccm.get(&format!("/letters?{previous}")).await.body),
        listed(&first.body)
    );

    // Marked posted from the second page: back to the second page.
    let token = next.strip_prefix("page=").unwrap();
    let token: String = form_urlencoded::parse(format!("t={token}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert!(
        second
            .body
            .contains(&format!("name=\"page\" value=\"{token}\"")),
        "the form carries the page it is on"
    );
    let posted = ccm
        .post(
            "/letters/posted",
            &[("notification_id", &on_second[1]), ("page", &token)],
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    assert_eq!(posted.header("location"), format!("/letters?{next}"));
    let after = ccm.get(posted.header("location")).await;
    assert!(after.body.contains("is marked as posted"), "{}", after.body);
    assert_eq!(
        listed(&after.body),
        [on_second[0].clone(), on_second[2].clone()]
    );
    assert!(
        after.body.contains("52 letters wait to be posted"),
        "{}",
        after.body
    );

    // A tampered page is refused with the service's reason, naming it.
    let tampered = ccm.get("/letters?page=b-not-a-token").await;
    assert_eq!(tampered.status, 422, "{}", tampered.body);
    assert!(tampered.body.contains("page_token"), "{}", tampered.body);
}

/// R-CORR-1: a reference with more letters than a list answers (1001):
/// the correspondence search shows the latest and says plainly that the
/// older ones were left out; one with fewer says nothing of the kind.
#[tokio::test]
async fn r_corr_1_the_correspondence_search_says_when_the_list_was_cut() {
    let stack = Stack::spawn("console_letters_cut").await;
    let console = Console::start(&stack).await;
    let long_ago = chrono::Utc::now() - chrono::Duration::days(1);
    crate::support::queue_post_letters(&stack.settings[2], "CMP-2026-000202", 1001, long_ago).await;
    crate::support::queue_post_letters(&stack.settings[2], "CMP-2026-000203", 2, long_ago).await;
    let mut ccm = console
        .sign_in("ccm-1", &["compliance_manager"], "Compliance")
        .await;
    let cut = ccm
        .get("/letters/correspondence?reference=CMP-2026-000202")
        .await;
    assert_eq!(cut.status, 200, "{}", cut.body);
    assert!(
        cut.body.contains("id=\"correspondence-cut\""),
        "{}",
        cut.body
    );
    let whole = ccm
        .get("/letters/correspondence?reference=CMP-2026-000203")
        .await;
    assert_eq!(whole.status, 200, "{}", whole.body);
    assert!(whole.body.contains("id=\"correspondence\""));
    assert!(!whole.body.contains("correspondence-cut"));
}

#[tokio::test]
async fn r_pos_1_a_compliment_recorded_in_the_console_is_passed_to_the_manager_and_reported_by_team()
 {
    let stack = Stack::spawn("console_compliments").await;
    let console = Console::start(&stack).await;
    let mut handler = console.sign_in("handler-1", &["handler"], "").await;
    let form = handler.get("/compliments").await;
    assert_eq!(form.status, 200);
    assert!(nav(&form.body).contains("/compliments"));
    assert!(
        !form.body.contains("/compliments/recognition"),
        "a handler is not offered the recognition report"
    );
    let key = form
        .body
        .split("name=\"idempotency_key\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let fields = [
        ("idempotency_key", key.as_str()),
        ("channel", "telephone"),
        ("team", "Exams"),
        ("about_person", "Ms Weatherby"),
        (
            "message",
            "Kingfisher-compass: the exams team were very kind.",
        ),
    ];
    refused_for_csrf(&handler.post_raw("/compliments", &fields).await);
    let recorded = handler.post("/compliments", &fields).await;
    assert_eq!(recorded.status, 303, "{}", recorded.body);
    let shown = handler.get("/compliments").await;
    assert!(
        shown.body.contains("passed to head-of-customer-experience"),
        "the receipt names the manager it was routed to: {}",
        shown.body
    );
    // The same form sent twice records one compliment.
    assert_eq!(handler.post("/compliments", &fields).await.status, 303);

    // A missing team is refused by intake against the field.
    let refused = handler
        .post(
            "/compliments",
            &[("channel", "email"), ("message", "Lovely.")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("There is a problem"));

    // The recognition report counts it for the team.
    let mut head = console
        .sign_in("hoce-1", &["head_of_customer_experience"], "")
        .await;
    let report = head
        .wait_for("/compliments/recognition", "Exams</td><td>1<")
        .await;
    assert!(
        report
            .body
            .contains("<title>Recognition report – Complaints console</title>")
    );

    // A customer service manager is offered neither, and reporting refuses.
    let mut csm = console
        .sign_in("csm-1", &["customer_service_manager"], "")
        .await;
    let page = csm.get("/monitoring").await;
    assert!(!nav(&page.body).contains("/compliments"));
    refused_by_the_service(&csm.get("/compliments/recognition").await);
}

const MONITORED: Person = Person {
    first_name: "Bartholomew",
    last_name: "Inchcape",
    email: "bartholomew.inchcape@example.org",
    detail: "Osprey-bell: nobody answered my emails about my exam.",
    attachment: "",
};

#[tokio::test]
async fn r_mon_1_r_mon_2_monitors_see_every_open_complaint_with_its_deadlines_missed_and_actions_overdue()
 {
    // The services' clock is three weeks back: the complaint was received
    // then, and its first-contact deadline has passed by the console's today.
    let then = chrono::Utc::now() - chrono::Duration::days(21);
    let stack = Stack::spawn_with(
        "console_monitoring",
        Some(platform::FixedClock::at(then)),
        &[],
    )
    .await;
    let console = Console::start(&stack).await;
    let mut submission = MONITORED.submission();
    let day = then.date_naive();
    submission.matter_date = Some(pb::Date {
        year: chrono::Datelike::year(&day),
        month: chrono::Datelike::month(&day),
        day: chrono::Datelike::day(&day),
    });
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(submission)
        .await
        .expect("intake takes the complaint")
        .into_inner();
    let reference = stack.reference_of(&receipt.submission_id).await;
    // A follow-up action due a week after receipt, not completed: overdue.
    let ccm_token = platform::testing::token(
        "ccm-1",
        &[platform::auth::Role::ComplianceManager],
        Some("Compliance"),
    );
    let due = day + chrono::Duration::days(7);
    let mut complaints = complaints_proto::v1::complaints_client::ComplaintsClient::new(
        platform::testing::channel_as(stack.addrs[1], Some(&ccm_token)).await,
    );
    complaints
        .add_action(pb::AddActionRequest {
            command: Some(pb::ComplaintCommand {
                reference: reference.clone(),
                acting_user: "ccm-1".into(),
                expected_version: None,
            }),
            kind: pb::ActionKind::FollowUp as i32,
            description: "Stork-almanac: call the exams office back".into(),
            owner: "handler-7".into(),
            due_on: Some(pb::Date {
                year: chrono::Datelike::year(&due),
                month: chrono::Datelike::month(&due),
                day: chrono::Datelike::day(&due),
            }),
        })
        .await
        .expect("the compliance manager adds an action");

    let mut csm = console
        .sign_in("csm-1", &["customer_service_manager"], "")
        .await;
    let page = csm.wait_for("/monitoring", &reference).await;
    // Its missed deadline is listed among the deadlines missed.
    assert!(
        page.body.contains("id=\"missed-count\">1<"),
        "{}",
        page.body
    );
    let missed = page
        .body
        .split("id=\"missed\"")
        .nth(1)
        .expect("the deadlines missed");
    assert!(
        missed
            .split("</table>")
            .next()
            .unwrap()
            .contains(&reference),
        "{}",
        page.body
    );
    assert_eq!(page.status, 200);
    assert!(nav(&page.body).contains("/monitoring"));
    assert!(page.body.contains("First contact"), "{}", page.body);
    assert!(page.body.contains("id=\"open-count\">1<"), "{}", page.body);
    // R-MON-2: the overdue action, with its owner, from the complaint.
    let overdue = page
        .body
        .split("id=\"actions-overdue\"")
        .nth(1)
        .expect("the actions overdue");
    let overdue = overdue.split("</table>").next().unwrap();
    assert!(overdue.contains(&reference), "{}", page.body);
    assert!(overdue.contains("Stork-almanac"), "{}", page.body);
    assert!(overdue.contains("handler-7"), "{}", page.body);
    assert!(
        page.body.contains("id=\"actions-overdue-count\">1<"),
        "{}",
        page.body
    );
    // Reporting's counts are not for a customer service manager: the page
    // says so with reporting's reason.
    assert!(
        page.body.contains("id=\"figures-refused\""),
        "{}",
        page.body
    );

    // The compliance manager also sees reporting's counts, and may rebuild.
    let mut ccm = console
        .sign_in("ccm-1", &["compliance_manager"], "Compliance")
        .await;
    let page = ccm.wait_for("/monitoring", &reference).await;
    assert!(
        page.body.contains("id=\"all-actions-open\""),
        "{}",
        page.body
    );
    assert!(nav(&page.body).contains("/records/rebuild"));
    refused_for_csrf(&ccm.post_raw("/records/rebuild/read-model", &[]).await);
    let rebuilt = ccm.post("/records/rebuild/read-model", &[]).await;
    assert_eq!(rebuilt.status, 200, "{}", rebuilt.body);
    assert!(
        rebuilt.body.contains("complaints replayed: 1, committed"),
        "{}",
        rebuilt.body
    );

    // The committee is not a monitor: no link, and the service refuses.
    let mut committee = console.sign_in("committee-1", &["committee"], "").await;
    let page = committee.get("/committee").await;
    assert!(!nav(&page.body).contains("/monitoring"));
    refused_by_the_service(&committee.get("/monitoring").await);
}

#[tokio::test]
async fn r_mon_3_the_committee_reads_its_report_figures_equality_and_log_in_the_console() {
    let stack = Stack::spawn("console_committee").await;
    let console = Console::start(&stack).await;
    // One complaint whose complainant answered the ethnicity question.
    let mut submission = MONITORED.submission();
    submission.equality_monitoring = Some(pb::EqualityMonitoring {
        ethnicity: "Prefer not to say".into(),
        ..Default::default()
    });
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(submission)
        .await
        .expect("intake takes the complaint")
        .into_inner();
    stack.reference_of(&receipt.submission_id).await;
    stack.settled_figures(1).await;

    let mut committee = console.sign_in("committee-1", &["committee"], "").await;
    let page = committee.get("/committee").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(nav(&page.body).contains("/committee"));
    assert!(page.body.contains("<article class=\"committee-report\""));
    assert!(page.body.contains("href=\"/reports/committee.css\""));
    assert!(!page.body.contains("<style"), "no inline style");
    assert!(!page.body.contains(" style=\""), "no inline style");
    assert!(page.body.contains("id=\"from-day\""), "a GOV.UK date input");
    // R-MON-4: the group of one is shown, its cells suppressed.
    let equality = page
        .body
        .split("id=\"equality\"")
        .nth(1)
        .expect("the equality table");
    let equality = equality.split("</table>").next().unwrap();
    assert!(equality.contains("Prefer not to say"), "{}", page.body);
    assert!(equality.contains("Suppressed"), "{}", page.body);
    assert!(
        page.body
            .contains("Complaints received</dt><dd class=\"summary-list__value\">1<"),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches("<h1").count(), 1);

    let css = committee.get("/reports/committee.css").await;
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").starts_with("text/css"));
    assert!(css.body.contains(".committee-report"));

    let year = chrono::Datelike::year(&chrono::Utc::now());
    let period = format!(
        "from-day=1&from-month=1&from-year={}&to-day=31&to-month=12&to-year={year}&grouping=quarter",
        year - 1
    );
    let csv = committee.get(&format!("/committee/log.csv?{period}")).await;
    assert_eq!(csv.status, 200, "{}", csv.body);
    assert!(csv.header("content-type").starts_with("text/csv"));
    assert!(csv.header("content-disposition").starts_with("attachment"));
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "a header row and one complaint: {}",
        csv.body
    );
    assert!(lines[0].contains(','), "{}", lines[0]);
    assert!(!csv.body.contains(MONITORED.last_name));

    let quarterly = committee.get(&format!("/committee?{period}")).await;
    assert!(
        quarterly.body.contains(&format!("{year}-Q")),
        "{}",
        quarterly.body
    );

    // An impossible date is shown again with the error summary.
    let wrong = committee
        .get("/committee?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026")
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("There is a problem"));
    assert!(wrong.body.contains("href=\"#from-day\""));
    assert!(wrong.body.contains("<title>Error: Committee report"));

    // A handler is not offered the report and reporting refuses.
    let mut handler = console.sign_in("handler-1", &["handler"], "").await;
    let page = handler.get("/letters").await;
    assert!(!nav(&page.body).contains("/committee"));
    refused_by_the_service(&handler.get("/committee").await);
    refused_by_the_service(&handler.get(&format!("/committee/log.csv?{period}")).await);
}

const SUBJECT: Person = Person {
    first_name: "Cordelia",
    last_name: "Marchbanks",
    email: "cordelia.marchbanks@example.org",
    detail: "Puffin-sextant: my appeal was never acknowledged.",
    attachment: "",
};

#[tokio::test]
async fn r_conf_2_the_data_protection_officer_holds_exports_and_destroys_a_complaint_in_every_service()
 {
    let stack = Stack::spawn("console_records").await;
    let console = Console::start(&stack).await;
    let reference = complaint(&stack, &SUBJECT, false).await;
    stack.mail_reached(SUBJECT.email).await;

    let mut dpo = console
        .sign_in("dpo-1", &["data_protection_officer"], "")
        .await;
    let holds = dpo.get("/records").await;
    assert_eq!(holds.status, 200, "{}", holds.body);
    assert!(nav(&holds.body).contains("/records"));
    assert!(holds.body.contains("No legal holds are in place"));

    // A hold: refused without CSRF, then placed in all four services.
    let hold = [
        ("record", reference.as_str()),
        ("reason", "A claim was made"),
    ];
    refused_for_csrf(&dpo.post_raw("/records/holds", &hold).await);
    let placed = dpo.post("/records/holds", &hold).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let holds = dpo.get("/records").await;
    assert!(
        holds
            .body
            .contains("intake, complaints, notifications, reporting"),
        "{}",
        holds.body
    );
    for service in ["intake", "complaints", "notifications", "reporting"] {
        assert!(
            holds.body.contains(&format!(
                "data-record=\"{reference}\" data-service=\"{service}\""
            )),
            "the hold in {service}: {}",
            holds.body
        );
    }

    // The dry run answers from every service; nothing is due yet, and the
    // run needs its confirmation.
    let due = dpo.get("/records/due").await;
    assert_eq!(due.status, 200, "{}", due.body);
    assert!(
        due.body.contains("Nothing is due for destruction"),
        "{}",
        due.body
    );
    let unconfirmed = dpo.post("/records/retention", &[]).await;
    assert_eq!(unconfirmed.status, 422, "{}", unconfirmed.body);
    refused_for_csrf(
        &dpo.post_raw("/records/retention", &[("confirm", "yes")])
            .await,
    );
    let run = dpo.post("/records/retention", &[("confirm", "yes")]).await;
    assert_eq!(run.status, 200, "{}", run.body);
    for service in ["intake", "complaints", "notifications", "reporting"] {
        assert!(
            run.body.contains(&format!("<td>{service}</td><td>0</td>")),
            "{}",
            run.body
        );
    }

    // Subject access: the email in the POST body, a JSON download.
    refused_for_csrf(
        &dpo.post_raw("/records/subject-access", &[("email", SUBJECT.email)])
            .await,
    );
    let export = dpo
        .post("/records/subject-access", &[("email", SUBJECT.email)])
        .await;
    assert_eq!(export.status, 200, "{}", export.body);
    assert!(
        export
            .header("content-type")
            .starts_with("application/json")
    );
    assert!(
        export
            .header("content-disposition")
            .starts_with("attachment")
    );
    assert!(!export.header("content-disposition").contains(SUBJECT.email));
    let bundle: serde_json::Value = serde_json::from_str(&export.body).unwrap();
    assert_eq!(bundle["requested_by"], "dpo-1");
    for service in ["intake", "complaints", "notifications", "reporting"] {
        assert!(
            bundle["services"][service]["records"].is_array(),
            "{service}"
        );
    }
    assert!(export.body.contains(SUBJECT.last_name));
    assert!(export.body.contains(SUBJECT.detail));

    // The access audit names the service of each entry: the DPO's reads.
    let audit = dpo
        .get(&format!("/records/access?record={reference}"))
        .await;
    assert_eq!(audit.status, 200, "{}", audit.body);
    assert!(audit.body.contains("<td>complaints</td>"), "{}", audit.body);
    assert!(audit.body.contains("dpo-1"));

    // Destruction: a confirmation first, and a hold stops it.
    let check = dpo
        .post(
            "/records/destroy",
            &[("reference", &reference), ("reason", "Erasure request")],
        )
        .await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(check.body.contains("Are you sure"), "{}", check.body);
    assert!(check.body.contains("id=\"held\""), "{}", check.body);
    let submission_id = check
        .body
        .split("name=\"submission_id\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let confirm = [
        ("reference", reference.as_str()),
        ("reason", "Erasure request"),
        ("submission_id", submission_id.as_str()),
        ("confirm", "yes"),
    ];
    let unconfirmed = dpo.post("/records/destroy/confirm", &confirm[..3]).await;
    assert_eq!(unconfirmed.status, 422, "{}", unconfirmed.body);
    let held = dpo.post("/records/destroy/confirm", &confirm).await;
    assert_eq!(held.status, 409, "{}", held.body);
    assert!(held.body.contains("legal hold"), "{}", held.body);

    let lifted = dpo
        .post(
            "/records/holds/lift",
            &[
                ("record", reference.as_str()),
                ("reason", "The claim settled"),
            ],
        )
        .await;
    assert_eq!(lifted.status, 303);
    assert!(
        dpo.get("/records")
            .await
            .body
            .contains("No legal holds are in place")
    );
    // A hold in one service alone (placed there over gRPC) stops the
    // destruction in every service: nothing is destroyed anywhere first.
    let dpo_token = platform::testing::token(
        "dpo-1",
        &[platform::auth::Role::DataProtectionOfficer],
        None,
    );
    let mut complaints_retention = complaints_proto::v1::retention_client::RetentionClient::new(
        platform::testing::channel_as(stack.addrs[1], Some(&dpo_token)).await,
    );
    let one_hold = pb::HoldRequest {
        record: reference.clone(),
        reason: "A claim against the complaints record alone".into(),
    };
    complaints_retention
        .place_hold(one_hold.clone())
        .await
        .unwrap();
    let held_once = dpo.post("/records/destroy/confirm", &confirm).await;
    assert_eq!(held_once.status, 409, "{}", held_once.body);
    assert!(
        held_once.body.contains("legal hold in complaints"),
        "{}",
        held_once.body
    );
    let none_yet = dpo.get("/records/destructions").await;
    for service in ["intake", "complaints", "notifications"] {
        assert!(
            !none_yet.body.contains(&format!("<td>{service}</td>")),
            "nothing destroyed in {service} while complaints holds it: {}",
            none_yet.body
        );
    }
    complaints_retention.lift_hold(one_hold).await.unwrap();

    refused_for_csrf(&dpo.post_raw("/records/destroy/confirm", &confirm).await);
    let destroyed = dpo.post("/records/destroy/confirm", &confirm).await;
    assert_eq!(destroyed.status, 200, "{}", destroyed.body);
    assert!(
        destroyed.body.contains(&format!("{reference} destroyed")),
        "{}",
        destroyed.body
    );
    let tombstones = dpo.get("/records/destructions").await;
    // Reporting keeps no stream of the complaint (its log is anonymised),
    // so its destruction leaves no tombstone.
    for service in ["intake", "complaints", "notifications"] {
        assert!(
            tombstones.body.contains(&format!("<td>{service}</td>")),
            "a tombstone from {service}: {}",
            tombstones.body
        );
    }
    assert!(tombstones.body.contains("Erasure request"));

    // A handler is not offered the records and every service refuses.
    let mut handler = console.sign_in("handler-1", &["handler"], "").await;
    let page = handler.get("/letters").await;
    assert!(!nav(&page.body).contains("/records"));
    refused_by_the_service(&handler.get("/records").await);
    refused_by_the_service(&handler.get("/records/access?refused_only=yes").await);
}
