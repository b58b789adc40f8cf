//! `complaintsctl` as staff and operators run it: the real binary against
//! the four services as processes.

use end_to_end::{Isolation, SERVICES, ServiceProcess, binaries_dir};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

/// The four services on one isolation, and the tool pointed at them.
struct Stack {
    isolation: Isolation,
    running: Vec<ServiceProcess>,
}

/// What one run of the tool printed, and how it exited.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(self) -> String {
        assert_eq!(self.code, Some(0), "complaintsctl failed: {}", self.stderr);
        self.stdout
    }

    fn json(self) -> Value {
        let stdout = self.ok();
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
    }
}

impl Stack {
    async fn start(prefix: &str) -> Self {
        let isolation = Isolation::fresh(prefix);
        let mut running = Vec::new();
        for service in SERVICES {
            running.push(ServiceProcess::spawn(service, &isolation.env(service)).await);
        }
        Self { isolation, running }
    }

    async fn complaintsctl(&self, args: &[&str]) -> Run {
        let token = platform::testing::token("test-harness", &platform::auth::Role::ALL, None);
        self.complaintsctl_as(Some(&token), args).await
    }

    /// Runs the tool with `token` (or none) as its bearer token.
    async fn complaintsctl_as(&self, token: Option<&str>, args: &[&str]) -> Run {
        let path = binaries_dir().join("complaintsctl");
        assert!(
            path.exists(),
            "{} is missing: build the binaries first (`cargo build --workspace --bins`, which `make test` does)",
            path.display()
        );
        let mut command = tokio::process::Command::new(&path);
        command.env_clear().args(args);
        for (service, process) in SERVICES.iter().zip(&self.running) {
            let variable = format!("COMPLAINTS_{}_URL", service.to_uppercase());
            command.env(variable, process.endpoint());
        }
        if let Some(token) = token {
            command.env("COMPLAINTS_TOKEN", token);
        }
        let output = command.output().await.expect("complaintsctl runs");
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Submits a web-form complaint with the tool and waits until the
    /// complaints service opened it; returns its reference.
    async fn submit_and_open(&self) -> String {
        let today = chrono::Utc::now().date_naive().to_string();
        let receipt = self
            .complaintsctl(&[
                "--json",
                "submit",
                "--channel",
                "web-form",
                "--customer-status",
                "Member",
                "--customer-type",
                "Student",
                "--category",
                "Exams and assessments",
                "--detail",
                "My results were published late.",
                "--first-name",
                "Ada",
                "--last-name",
                "Lovelace",
                "--email",
                "ada@example.org",
                "--matter-date",
                &today,
            ])
            .await
            .json();
        assert_eq!(receipt["status"], "TRIAGE_STATUS_ACCEPTED", "{receipt}");
        assert!(receipt["reference"].as_str().unwrap().starts_with("SUB-"));
        for _ in 0..200 {
            let queue = self.complaintsctl(&["--json", "queue"]).await.json();
            if let Some(item) = queue.as_array().unwrap().first() {
                return item["reference"].as_str().unwrap().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the complaint submitted with complaintsctl was never opened");
    }

    async fn stop(self) {
        for process in self.running {
            process.terminate().await;
        }
        self.isolation.cleanup().await;
    }
}

fn is_trace_id(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn a_complaint_submitted_with_complaintsctl_is_shown_assigned_and_given_an_outcome_in_tables_and_json()
 {
    let stack = Stack::start("cli").await;
    let reference = stack.submit_and_open().await;
    assert!(reference.starts_with("CMP-"), "{reference}");

    let table = stack.complaintsctl(&["show", &reference]).await.ok();
    assert!(
        table.contains(&format!("reference:          {reference}")),
        "{table}"
    );
    assert!(table.contains("stage:              stage 1"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("DEADLINE")), "{table}");
    assert!(table.contains("first contact"), "{table}");
    let shown = stack
        .complaintsctl(&["--json", "show", &reference])
        .await
        .json();
    assert_eq!(shown["reference"], reference.as_str());
    assert_eq!(shown["stage"], "STAGE_1");
    assert_eq!(shown["closed"], false);
    assert_eq!(shown["deadlines"][0]["kind"], "DEADLINE_KIND_FIRST_CONTACT");

    let assigned = stack
        .complaintsctl(&[
            "--json",
            "assign",
            &reference,
            "--handler",
            "handler-1",
            "--team",
            "Customer Services",
            "--as",
            "supervisor-1",
        ])
        .await
        .json();
    assert_eq!(assigned["handler"], "handler-1");
    assert_eq!(assigned["team"], "Customer Services");
    assert_eq!(assigned["role"], "HANDLER_ROLE_HANDLER");

    let decided = stack
        .complaintsctl(&[
            "outcome",
            &reference,
            "--stage",
            "1",
            "--decision",
            "upheld",
            "--findings",
            "The results were released late.",
            "--remedy",
            "apology=A written apology",
            "--as",
            "handler-1",
        ])
        .await
        .ok();
    assert!(
        decided.lines().any(|l| l.starts_with("OUTCOME")),
        "{decided}"
    );
    assert!(decided.contains("upheld"), "{decided}");
    let shown = stack
        .complaintsctl(&["--json", "show", &reference])
        .await
        .json();
    assert_eq!(shown["outcomes"][0]["stage"], "STAGE_1");
    assert_eq!(shown["outcomes"][0]["decision"], "DECISION_UPHELD");

    let history = stack
        .complaintsctl(&["--json", "history", &reference])
        .await
        .json();
    let actors: Vec<&str> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert!(actors.contains(&"user:supervisor-1"), "{actors:?}");
    assert!(actors.contains(&"user:handler-1"), "{actors:?}");

    // A refusal is the service's message on stderr and a non-zero exit.
    let refused = stack.complaintsctl(&["show", "CMP-2026-999999"]).await;
    assert_eq!(refused.code, Some(1));
    assert!(refused.stdout.is_empty());
    assert!(
        refused.stderr.contains("complaints answered NotFound"),
        "{}",
        refused.stderr
    );

    // R-CONF-1: without a token, or with the committee's, the complaint is
    // not shown.
    let unauthenticated = stack.complaintsctl_as(None, &["show", &reference]).await;
    assert_eq!(unauthenticated.code, Some(1));
    assert!(
        unauthenticated.stderr.contains("Unauthenticated"),
        "{}",
        unauthenticated.stderr
    );
    let committee =
        platform::testing::token("committee-1", &[platform::auth::Role::Committee], None);
    let denied = stack
        .complaintsctl_as(Some(&committee), &["show", &reference])
        .await;
    assert_eq!(denied.code, Some(1));
    assert!(
        denied.stderr.contains("PermissionDenied"),
        "{}",
        denied.stderr
    );
    stack.stop().await;
}

#[tokio::test]
async fn timeline_lists_the_steps_of_a_complaint_from_all_four_services_in_time_order_each_with_a_trace_id()
 {
    let stack = Stack::start("clitime").await;
    let reference = stack.submit_and_open().await;
    stack
        .complaintsctl(&[
            "assign",
            &reference,
            "--handler",
            "handler-1",
            "--team",
            "Customer Services",
            "--as",
            "supervisor-1",
        ])
        .await
        .ok();

    // Notifications and reporting follow the bus: wait until both show steps.
    let mut timeline = Value::Null;
    for _ in 0..200 {
        timeline = stack
            .complaintsctl(&["--json", "timeline", &reference])
            .await
            .json();
        let services: BTreeSet<&str> = timeline["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["service"].as_str().unwrap())
            .collect();
        if services.len() == 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let steps = timeline["steps"].as_array().unwrap();
    let services: BTreeSet<&str> = steps
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        BTreeSet::from(["complaints", "intake", "notifications", "reporting"]),
        "{timeline:#}"
    );
    let times: Vec<chrono::DateTime<chrono::Utc>> = steps
        .iter()
        .map(|s| s["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(times.is_sorted(), "in time order: {timeline:#}");
    for step in steps {
        assert!(
            is_trace_id(step["trace_id"].as_str().unwrap()),
            "every step has a trace id: {step}"
        );
    }
    let first = &steps[0];
    assert_eq!(first["service"], "intake");
    assert_eq!(first["step"], "SubmissionReceived");
    // The submission's trace runs through the opening of the complaint.
    let opened = steps
        .iter()
        .find(|s| s["step"] == "ComplaintOpened")
        .expect("the opening is a step");
    assert_eq!(opened["trace_id"], first["trace_id"]);

    let table = stack.complaintsctl(&["timeline", &reference]).await.ok();
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("TIME") && header.contains("SERVICE") && header.contains("TRACE ID"),
        "{table}"
    );
    // Steps may still arrive between the two calls, never leave.
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= steps.len(), "{table}");
    for step in steps {
        let trace = step["trace_id"].as_str().unwrap();
        assert!(
            rows.iter().any(|row| row.contains(trace)),
            "the table shows the step of trace {trace}: {table}"
        );
    }
    stack.stop().await;
}

#[tokio::test]
async fn report_csv_writes_the_anonymised_log_with_its_header_to_a_file_month_by_month() {
    let stack = Stack::start("clicsv").await;
    let reference = stack.submit_and_open().await;
    let today = chrono::Utc::now().date_naive();
    // Over two months at least, so the export is fetched in parts.
    let first = today - chrono::Days::new(40);
    let from = first.to_string();
    let to = (today + chrono::Days::new(1)).to_string();
    let file = std::env::temp_dir().join(format!("complaints-log-{}.csv", uuid::Uuid::new_v4()));
    let file_arg = file.display().to_string();

    // The log follows the bus: wait for the complaint's row.
    let mut csv = String::new();
    for _ in 0..200 {
        let written = stack
            .complaintsctl(&[
                "--json", "report", "csv", "--from", &from, "--to", &to, "-o", &file_arg,
            ])
            .await
            .json();
        csv = std::fs::read_to_string(&file).unwrap();
        if written["rows"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("row,received_on,channel,query_category"),
        "{csv}"
    );
    let row = lines.next().expect("one row for the complaint");
    assert!(row.contains(&today.to_string()), "{row}");
    assert!(
        !csv.contains(&reference) && !csv.contains("Lovelace"),
        "{csv}"
    );
    // Joined month by month, it is what one export of the period gives.
    let reporting = stack
        .running
        .iter()
        .find(|p| p.name == "reporting")
        .expect("reporting runs");
    let whole =
        end_to_end::clients::reporting(reporting, &end_to_end::clients::CallMetadata::untraced())
            .await
            .export_log(complaints_proto::v1::ExportLogRequest {
                from: Some(complaints_proto::v1::Date {
                    year: chrono::Datelike::year(&first),
                    month: chrono::Datelike::month(&first),
                    day: chrono::Datelike::day(&first),
                }),
                to: Some(complaints_proto::v1::Date {
                    year: chrono::Datelike::year(&(today + chrono::Days::new(1))),
                    month: chrono::Datelike::month(&(today + chrono::Days::new(1))),
                    day: chrono::Datelike::day(&(today + chrono::Days::new(1))),
                }),
            })
            .await
            .unwrap()
            .into_inner();
    assert_eq!(csv.as_bytes(), whole.csv.as_slice());
    std::fs::remove_file(&file).unwrap();
    stack.stop().await;
}
