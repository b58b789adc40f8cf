//! The staff console's pages against 10,000 complaints: the four services
//! as processes (as deployed), 10,000 complaints submitted through intake
//! (a few by post, so letters wait to be printed, and a few about matters
//! over six months old, so triage has work) as fast as the services take
//! them, the console started with the development sign-in, and each main
//! page asked for over and over by one signed-in member of staff whose
//! roles reach every page. The target: every page under 100 ms at p95.

use crate::load::Stack;
use crate::report::{Section, Table, Target, thousands};
use crate::stats::{ms, percentile};
use chrono::{Datelike, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sqlx::PgPool;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

const TARGET_P95: Duration = Duration::from_millis(100);

#[derive(Debug, Clone)]
pub struct ConsoleConfig {
    /// Complaints seeded before measuring.
    pub complaints: usize,
    /// Submissions in flight at once while seeding.
    pub concurrency: usize,
    /// Requests per page measured (after [`WARM_UP`] not measured).
    pub requests: usize,
}

/// Requests per page before measuring: connections, caches, plans.
const WARM_UP: usize = 10;
/// How long one page is measured at most, once it has [`MIN_SAMPLES`].
const PAGE_BUDGET: Duration = Duration::from_secs(120);
const MIN_SAMPLES: usize = 5;

pub async fn run(config: &ConsoleConfig, command: &str) -> Result<Section, String> {
    let pool = PgPool::connect(&eventlog::testing::database_url())
        .await
        .map_err(|e| format!("connecting to PostgreSQL: {e}"))?;
    let stack = Stack::start_with(|_| None).await;
    let result = measure(config, &stack, &pool, command).await;
    let isolation = stack.isolation.clone();
    for process in stack.processes {
        process.terminate().await;
    }
    isolation.cleanup().await;
    result
}

async fn measure(
    config: &ConsoleConfig,
    stack: &Stack,
    pool: &PgPool,
    command: &str,
) -> Result<Section, String> {
    let intake = stack.processes[0].addr;
    let seeding = Instant::now();
    let rejected = seed(intake, config.complaints, config.concurrency).await?;
    let submitted_in = seeding.elapsed();
    let complaints_schema = stack.isolation.schema("complaints");
    let opened = wait_until_opened(pool, &complaints_schema, config.complaints - rejected).await?;
    let seeded_in = seeding.elapsed();
    eprintln!(
        "console: {opened} complaints open after {:.0} s",
        seeded_in.as_secs_f64()
    );
    let reference: String = sqlx::query_scalar(&format!(
        "SELECT reference FROM {complaints_schema}.complaints ORDER BY reference DESC LIMIT 1"
    ))
    .fetch_one(pool)
    .await
    .map_err(|e| format!("a complaint's reference: {e}"))?;

    let services: Vec<SocketAddr> = stack.processes.iter().map(|p| p.addr).collect();
    let (console, process) = start_console(&services).await?;
    let mut browser = Browser::new(console);
    browser.sign_in().await?;

    let pages = [
        ("Work queue", "/queue".to_owned()),
        ("Triage queue", "/triage".to_owned()),
        ("A complaint's page", format!("/complaints/{reference}")),
        ("Letters to post", "/letters".to_owned()),
        ("Monitoring", "/monitoring".to_owned()),
        ("Committee report", "/committee".to_owned()),
    ];
    let mut table = Table::new(&[
        "Page", "Path", "Requests", "p50", "p95", "p99", "Max", "Bytes",
    ]);
    let mut targets = Vec::new();
    let mut notes = Vec::new();
    for (page, path) in &pages {
        eprintln!("console: {page}...");
        let mut samples = Vec::with_capacity(config.requests);
        let mut bytes = 0;
        let page_started = Instant::now();
        let mut warm = 0;
        while samples.len() < config.requests {
            let started = Instant::now();
            let (status, body) = browser.get(path).await?;
            let took = started.elapsed();
            if status != 200 {
                return Err(format!("{path} answered {status}"));
            }
            // A page far over its target is measured within a time budget.
            if warm < WARM_UP && page_started.elapsed() < PAGE_BUDGET / 4 {
                warm += 1;
                continue;
            }
            samples.push(took);
            bytes = body;
            if page_started.elapsed() > PAGE_BUDGET && samples.len() >= MIN_SAMPLES {
                notes.push(format!(
                    "{page}: {} requests measured, not {}: the page takes so long that the time budget of {} s per page ran out.",
                    samples.len(),
                    config.requests,
                    PAGE_BUDGET.as_secs()
                ));
                break;
            }
        }
        samples.sort_unstable();
        let at = |p: f64| percentile(&samples, p).unwrap_or_default();
        let p95 = at(95.0);
        table.row(vec![
            (*page).to_owned(),
            format!("`{}`", path.replace(&reference, "CMP-…")),
            thousands(samples.len() as u64),
            ms(at(50.0)),
            ms(p95),
            ms(at(99.0)),
            ms(samples.last().copied().unwrap_or_default()),
            thousands(bytes as u64),
        ]);
        targets.push(Target {
            what: format!("{page} p95 under 100 ms"),
            met: p95 < TARGET_P95,
            detail: format!("{} at p95", ms(p95)),
        });
    }
    drop(process);
    Ok(Section {
        title: format!(
            "Console: every page with {} complaints",
            thousands(config.complaints as u64)
        ),
        command: command.to_owned(),
        method: vec![
            format!(
                "The four services run as processes, as deployed (release builds). {} complaints are submitted through intake over gRPC, {} at a time (one in 20 by post, one in 50 about a matter over six months old, so letters wait to be printed and triage has work); {} were refused or awaited triage. Submitting took {:.0} s and the complaints service had opened them all {:.0} s after the first.",
                thousands(config.complaints as u64),
                config.concurrency,
                thousands(rejected as u64),
                submitted_in.as_secs_f64(),
                seeded_in.as_secs_f64(),
            ),
            format!(
                "The console runs as its own process (its release build, which `make bench-build` makes) with the development sign-in; one member of staff, signed in as Head of Customer Experience, Corporate Compliance Manager and committee member (so every page answers with everything), asks for each page {} times in a row after {WARM_UP} not measured, over one kept-alive HTTP/1.1 connection. The time is from sending the request to the last byte of the page; percentiles by nearest rank.",
                config.requests
            ),
        ],
        table,
        targets,
        notes,
        profiles: vec![],
    })
}

/// Submits `total` complaints, `concurrency` at a time; answers how many
/// did not open a complaint straight away (refused, or waiting in triage).
async fn seed(intake: SocketAddr, total: usize, concurrency: usize) -> Result<usize, String> {
    let channel = crate::submit::channel(intake)?;
    let token = platform::testing::token("bench-portal", &[platform::auth::Role::Portal], None);
    let authorization: Arc<str> = format!("Bearer {token}").into();
    let permits = Arc::new(Semaphore::new(concurrency));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..total {
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| e.to_string())?;
        let client = IntakeClient::new(channel.clone());
        let authorization = authorization.clone();
        tasks.spawn(async move {
            let opened = submit(client, &authorization, i).await;
            drop(permit);
            opened
        });
        if i > 0 && i % 1_000 == 0 {
            eprintln!("console: {i} complaints submitted");
        }
    }
    let mut not_opened = 0;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => not_opened += 1,
            Ok(Err(e)) => return Err(e),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(not_opened)
}

/// One complaint; answers whether intake accepted it straight away.
async fn submit(
    mut client: IntakeClient<tonic::transport::Channel>,
    authorization: &str,
    i: usize,
) -> Result<bool, String> {
    let today = Utc::now().date_naive();
    let matter = if i % 50 == 7 {
        today - chrono::Days::new(250)
    } else {
        today
    };
    let by_post = i % 20 == 3;
    let mut request = tonic::Request::new(pb::SubmitComplaintRequest {
        idempotency_key: format!("bench-console-{i}"),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: "My certificate never arrived after the summer exam series.".into(),
        complainant: Some(pb::Person {
            first_name: "Bench".into(),
            last_name: format!("Complainant{i}"),
            email: format!("bench-console-{i}@bench.example"),
            postal_address: by_post.then(|| pb::PostalAddress {
                lines: vec![format!("{} Bench Street", i + 1), "Bedford".into()],
                postcode: "MK40 1AA".into(),
            }),
            ..Default::default()
        }),
        correspondence: if by_post {
            pb::CorrespondencePreference::Post as i32
        } else {
            0
        },
        matter_date: Some(pb::Date {
            year: matter.year(),
            month: matter.month(),
            day: matter.day(),
        }),
        ..Default::default()
    });
    if let Ok(value) = authorization.parse() {
        request.metadata_mut().insert("authorization", value);
    }
    // Retried while the services are busy: every complaint gets in.
    for attempt in 0..20 {
        match client.submit_complaint(clone(&request)).await {
            Ok(receipt) => {
                return Ok(receipt.into_inner().status == pb::TriageStatus::Accepted as i32);
            }
            Err(status)
                if matches!(
                    status.code(),
                    tonic::Code::Unavailable
                        | tonic::Code::Aborted
                        | tonic::Code::ResourceExhausted
                        | tonic::Code::DeadlineExceeded
                ) && attempt < 19 =>
            {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(status) => return Err(format!("submission {i}: {status}")),
        }
    }
    Err(format!("submission {i}: the services stayed busy"))
}

fn clone(
    request: &tonic::Request<pb::SubmitComplaintRequest>,
) -> tonic::Request<pb::SubmitComplaintRequest> {
    let mut copy = tonic::Request::new(request.get_ref().clone());
    *copy.metadata_mut() = request.metadata().clone();
    copy
}

/// Waits until the complaints service's read model holds `expected`
/// complaints (they open from intake's events on the bus).
async fn wait_until_opened(pool: &PgPool, schema: &str, expected: usize) -> Result<i64, String> {
    let deadline = Instant::now() + Duration::from_secs(900);
    loop {
        let opened: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {schema}.complaints"))
            .fetch_one(pool)
            .await
            .unwrap_or(0);
        if opened >= expected as i64 {
            return Ok(opened);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "only {opened} of {expected} complaints opened within 15 minutes"
            ));
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The console as its own process (release build, as deployed), with the
/// development sign-in whose tokens the services accept; killed when
/// dropped. Answers where it serves.
async fn start_console(
    services: &[SocketAddr],
) -> Result<(SocketAddr, tokio::process::Child), String> {
    use tokio::io::AsyncBufReadExt;
    let path = end_to_end::binaries_dir().join("console");
    if !path.exists() {
        return Err(format!(
            "{} is missing: `make bench-build` builds it",
            path.display()
        ));
    }
    let mut env: HashMap<String, String> = HashMap::from([
        ("CONSOLE_ADDR".into(), "127.0.0.1:0".into()),
        ("PUBLIC_ADDR".into(), "off".into()),
        (
            "AUTH_DEV_SECRET".into(),
            platform::testing::DEV_SECRET.into(),
        ),
        ("AUTH_ISSUER".into(), platform::testing::ISSUER.into()),
        ("AUTH_AUDIENCE".into(), platform::testing::AUDIENCE.into()),
        ("LOG_FORMAT".into(), "json".into()),
        ("LOG_FILTER".into(), "warn,console=info".into()),
    ]);
    for (name, addr) in ["INTAKE", "COMPLAINTS", "NOTIFICATIONS", "REPORTING"]
        .iter()
        .zip(services)
    {
        env.insert(format!("{name}_URL"), format!("http://{addr}"));
    }
    let mut child = tokio::process::Command::new(&path)
        .env_clear()
        .envs(&env)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("starting {}: {e}", path.display()))?;
    let stdout = child.stdout.take().ok_or("the console's stdout")?;
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let addr = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("console serving") {
                return serving_addr(&line);
            }
        }
        Err("the console stopped before serving".to_owned())
    })
    .await
    .map_err(|_| "the console did not serve within 60 s".to_owned())??;
    // Keep draining its log so it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((addr, child))
}

/// The address in the console's JSON "console serving" line.
fn serving_addr(line: &str) -> Result<SocketAddr, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
    let addr = value
        .get("addr")
        .or_else(|| value.get("fields").and_then(|f| f.get("addr")))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| format!("no addr in {line}"))?;
    addr.parse().map_err(|e| format!("{addr}: {e}"))
}

/// A client with the session cookie, as a browser would send it.
struct Browser {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    cookie: Option<String>,
}

impl Browser {
    fn new(addr: SocketAddr) -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://{addr}"),
            cookie: None,
        }
    }

    async fn send(
        &mut self,
        method: &str,
        path: &str,
        form: Option<String>,
    ) -> Result<(u16, String), String> {
        let mut request = http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(http::header::COOKIE, cookie);
        }
        if form.is_some() {
            request = request.header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
        }
        let request = request
            .body(Full::new(Bytes::from(form.unwrap_or_default())))
            .map_err(|e| e.to_string())?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let status = response.status().as_u16();
        if let Some(set) = response
            .headers()
            .get(http::header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            self.cookie = set.split(';').next().map(str::to_owned);
        }
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{path}: {e}"))?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }

    /// A page: its status and its length in bytes.
    async fn get(&mut self, path: &str) -> Result<(u16, usize), String> {
        let (status, body) = self.send("GET", path, None).await?;
        Ok((status, body.len()))
    }

    /// Signs in with the development form as a monitor whose roles reach
    /// every page measured.
    async fn sign_in(&mut self) -> Result<(), String> {
        let (_, page) = self.send("GET", "/sign-in", None).await?;
        let marker = "name=\"csrf_token\" value=\"";
        let csrf = page
            .split_once(marker)
            .and_then(|(_, rest)| rest.split('"').next())
            .ok_or("the sign-in page has no CSRF token")?
            .to_owned();
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("csrf_token", &csrf)
            .append_pair("staff_id", "head-of-customer-experience")
            .append_pair("team", "")
            .append_pair("roles", "head_of_customer_experience")
            .append_pair("roles", "compliance_manager")
            .append_pair("roles", "committee")
            .finish();
        let (status, _) = self.send("POST", "/auth/dev", Some(form)).await?;
        if status != 303 {
            return Err(format!("the development sign-in answered {status}"));
        }
        Ok(())
    }
}
