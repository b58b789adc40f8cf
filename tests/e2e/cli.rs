//! `complaintsctl` as staff and operators run it: the real binary against
//! the four services as processes.

use crate::support::{count, database, eventually};
use chrono::NaiveDate;
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

    /// Submits a web-form complaint by Ada Lovelace about a matter of
    /// `matter_date` with the tool, `extra` flags added; answers its receipt.
    async fn submit(&self, matter_date: NaiveDate, extra: &[&str]) -> Value {
        let matter_date = matter_date.to_string();
        let mut args = vec![
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
            &matter_date,
        ];
        args.extend_from_slice(extra);
        let receipt = self.complaintsctl(&args).await.json();
        assert!(
            receipt["reference"].as_str().unwrap().starts_with("SUB-"),
            "{receipt}"
        );
        receipt
    }

    /// Waits until the complaints service opened the complaint of
    /// `submission_id`; returns its reference.
    async fn opened(&self, submission_id: &str) -> String {
        let mut others = BTreeSet::new();
        for _ in 0..200 {
            let queue = self.complaintsctl(&["--json", "queue"]).await.json();
            for item in queue.as_array().unwrap() {
                let reference = item["reference"].as_str().unwrap().to_owned();
                if others.contains(&reference) {
                    continue;
                }
                let shown = self
                    .complaintsctl(&["--json", "show", &reference])
                    .await
                    .json();
                if shown["submission_id"] == submission_id {
                    return reference;
                }
                others.insert(reference);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the complaint of submission {submission_id} was never opened");
    }

    /// Submits a complaint with the tool that is accepted at once, and
    /// waits until the complaints service opened it; returns its reference.
    async fn submit_and_open(&self) -> String {
        let receipt = self.submit(today(), &[]).await;
        assert_eq!(receipt["status"], "TRIAGE_STATUS_ACCEPTED", "{receipt}");
        self.opened(receipt["submission_id"].as_str().unwrap())
            .await
    }

    async fn stop(self) {
        for process in self.running {
            process.terminate().await;
        }
        self.isolation.cleanup().await;
    }
}

/// Today (UTC), as the tool takes it for dates left out.
fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// The value of the "label: value" line for `label` in a command's text.
fn field<'a>(text: &'a str, label: &str) -> Option<&'a str> {
    text.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key == label).then(|| value.trim())
    })
}

/// A table's header and its rows.
fn table(text: &str) -> (&str, Vec<&str>) {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_else(|| panic!("a table: {text:?}"));
    (header, lines.collect())
}

/// The table's row starting with `first` (its first cell).
fn row<'a>(text: &'a str, first: &str) -> &'a str {
    table(text)
        .1
        .into_iter()
        .find(|row| row.split("  ").next() == Some(first))
        .unwrap_or_else(|| panic!("no row for {first}: {text}"))
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

#[tokio::test]
async fn an_old_third_party_complaint_is_allowed_consented_to_escalated_and_followed_up_with_actions_while_another_is_declined()
 {
    let stack = Stack::start("clitriage").await;
    let today = today();
    let eight_months_ago = today - chrono::Months::new(8);
    // Raised by the complainant's parent (R-INT-4), about a matter over 6
    // months old (R-INT-2): staff decide on its age first, then consent.
    let file = std::env::temp_dir().join(format!("third-party-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(
        &file,
        r#"{"third_party": {"name": "Grace Hopper", "relationship": "parent", "email": "grace@example.org"}}"#,
    )
    .unwrap();
    let file_arg = file.display().to_string();
    let held = stack.submit(eight_months_ago, &["--file", &file_arg]).await;
    std::fs::remove_file(&file).unwrap();
    assert_eq!(
        held["status"], "TRIAGE_STATUS_AWAITING_TIME_DECISION",
        "{held}"
    );
    let held_id = held["submission_id"].as_str().unwrap();
    let late = stack.submit(eight_months_ago, &[]).await;
    assert_eq!(
        late["status"], "TRIAGE_STATUS_AWAITING_TIME_DECISION",
        "{late}"
    );
    let late_id = late["submission_id"].as_str().unwrap();

    let waiting = stack.complaintsctl(&["triage", "list"]).await.ok();
    let (header, rows) = table(&waiting);
    assert!(
        header.starts_with("SUBMISSION")
            && header.contains("STATUS")
            && header.contains("THIRD PARTY"),
        "{waiting}"
    );
    assert_eq!(rows.len(), 2, "{waiting}");
    let held_row = row(&waiting, held_id);
    assert!(
        held_row.contains(held["reference"].as_str().unwrap()),
        "{waiting}"
    );
    assert!(held_row.contains("awaiting time decision"), "{waiting}");
    assert!(
        held_row.contains("yes"),
        "raised by a third party: {waiting}"
    );
    assert!(!row(&waiting, late_id).contains("yes"), "{waiting}");
    let none = stack
        .complaintsctl(&["--json", "triage", "list", "--status", "consent"])
        .await
        .json();
    assert_eq!(none, Value::Array(vec![]), "no consent is awaited yet");

    let declined = stack
        .complaintsctl(&[
            "triage",
            "decline",
            late_id,
            "--reason",
            "No compelling reason for the delay was given.",
            "--as",
            "triage-1",
        ])
        .await
        .ok();
    assert_eq!(field(&declined, "submission"), Some(late_id), "{declined}");
    assert_eq!(
        field(&declined, "status"),
        Some("declined out of time"),
        "{declined}"
    );

    let allowed = stack
        .complaintsctl(&[
            "--json",
            "triage",
            "allow",
            held_id,
            "--reason",
            "The complainant was in hospital.",
            "--as",
            "triage-1",
        ])
        .await
        .json();
    assert_eq!(
        allowed["status"], "TRIAGE_STATUS_AWAITING_CONSENT",
        "{allowed}"
    );
    assert_eq!(allowed["third_party"], true, "{allowed}");
    let consents = stack
        .complaintsctl(&["triage", "list", "--status", "consent"])
        .await
        .ok();
    assert_eq!(table(&consents).1.len(), 1, "{consents}");
    assert!(
        row(&consents, held_id).contains("awaiting consent"),
        "{consents}"
    );

    let consented = stack
        .complaintsctl(&[
            "triage",
            "consent",
            held_id,
            "--evidence",
            "Signed consent form received by email",
            "--as",
            "triage-1",
        ])
        .await
        .ok();
    assert_eq!(field(&consented, "status"), Some("accepted"), "{consented}");
    assert_eq!(field(&consented, "third party"), Some("yes"), "{consented}");
    let shown = stack
        .complaintsctl(&["--json", "triage", "show", late_id])
        .await
        .json();
    assert_eq!(
        shown["status"], "TRIAGE_STATUS_DECLINED_OUT_OF_TIME",
        "{shown}"
    );
    let left = stack
        .complaintsctl(&["--json", "triage", "list"])
        .await
        .json();
    assert_eq!(left, Value::Array(vec![]), "nothing waits for staff");

    let reference = stack.opened(held_id).await;
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
    let queue = stack.complaintsctl(&["queue"]).await.ok();
    let (header, rows) = table(&queue);
    for column in [
        "REFERENCE",
        "STAGE",
        "HANDLER",
        "TEAM",
        "NEXT DEADLINE",
        "DUE",
        "OVERDUE",
        "CATEGORY",
    ] {
        assert!(header.contains(column), "{column}: {queue}");
    }
    assert_eq!(
        rows.len(),
        1,
        "the declined submission was never opened: {queue}"
    );
    let queued = row(&queue, &reference);
    for cell in [
        "stage 1",
        "handler-1",
        "Customer Services",
        "first contact",
        "Exams and assessments",
    ] {
        assert!(queued.contains(cell), "{cell}: {queue}");
    }

    stack
        .complaintsctl(&[
            "outcome",
            &reference,
            "--stage",
            "1",
            "--decision",
            "not-upheld",
            "--findings",
            "The results were published on the advertised date.",
            "--remedy",
            "explanation=How publication dates are set",
            "--as",
            "handler-1",
        ])
        .await
        .ok();
    let escalated = stack
        .complaintsctl(&[
            "escalate",
            &reference,
            "--to",
            "2",
            "--grounds",
            "points-not-answered",
            "--reasons",
            "The response did not say why my centre was told otherwise.",
            "--as",
            "handler-1",
        ])
        .await
        .ok();
    assert_eq!(field(&escalated, "stage"), Some("stage 2"), "{escalated}");
    assert!(
        escalated.lines().any(|l| l.starts_with("stage2 response")),
        "the Stage 2 response is due: {escalated}"
    );
    assert!(
        escalated
            .lines()
            .any(|l| l.starts_with("escalation window") && l.ends_with(&today.to_string())),
        "the request met the Stage 1 escalation window today: {escalated}"
    );
    let at_stage_2 = stack.complaintsctl(&["queue", "--stage", "2"]).await.ok();
    assert!(
        row(&at_stage_2, &reference).contains("stage 2"),
        "{at_stage_2}"
    );
    let at_stage_1 = stack.complaintsctl(&["queue", "--stage", "1"]).await.ok();
    assert!(table(&at_stage_1).1.is_empty(), "{at_stage_1}");

    let due = (today + chrono::Days::new(30)).to_string();
    let added = stack
        .complaintsctl(&[
            "--json",
            "actions",
            "add",
            &reference,
            "--description",
            "Call the complainant's centre",
            "--owner",
            "handler-1",
            "--due",
            &due,
            "--as",
            "handler-1",
        ])
        .await
        .json();
    let actions = added["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{added}");
    assert_eq!(actions[0]["action_id"], 1);
    assert_eq!(actions[0]["kind"], "ACTION_KIND_FOLLOW_UP");
    assert_eq!(actions[0]["owner"], "handler-1");
    assert_eq!(actions[0]["due_on"], due.as_str());
    assert_eq!(actions[0]["completed_on"], Value::Null);
    stack
        .complaintsctl(&[
            "actions",
            "add",
            &reference,
            "--kind",
            "improvement",
            "--description",
            "Publish results dates on the portal",
            "--owner",
            "quality-1",
            "--due",
            &due,
            "--as",
            "handler-1",
        ])
        .await
        .ok();
    let reassigned = stack
        .complaintsctl(&[
            "--json",
            "actions",
            "reassign",
            &reference,
            "1",
            "--owner",
            "handler-2",
            "--reason",
            "handler-1 is on leave",
            "--as",
            "supervisor-1",
        ])
        .await
        .json();
    assert_eq!(
        reassigned["actions"][0]["owner"], "handler-2",
        "{reassigned}"
    );
    let completed = stack
        .complaintsctl(&[
            "actions",
            "complete",
            &reference,
            "2",
            "--note",
            "Dates are on the portal",
            "--as",
            "quality-1",
        ])
        .await
        .ok();
    assert!(
        row(&completed, "2").contains(&today.to_string()),
        "completed today: {completed}"
    );
    let listed = stack
        .complaintsctl(&["actions", "list", &reference])
        .await
        .ok();
    let (header, rows) = table(&listed);
    assert!(
        header.starts_with("ACTION") && header.contains("OWNER") && header.contains("COMPLETED"),
        "{listed}"
    );
    assert_eq!(rows.len(), 2, "{listed}");
    let follow_up = row(&listed, "1");
    assert!(
        follow_up.contains("follow up")
            && follow_up.contains("handler-2")
            && follow_up.contains(&due)
            && !follow_up.contains(&today.to_string())
            && follow_up.ends_with("Call the complainant's centre"),
        "{listed}"
    );
    let improvement = row(&listed, "2");
    assert!(
        improvement.contains("improvement")
            && improvement.contains("quality-1")
            && improvement.contains(&today.to_string()),
        "{listed}"
    );

    let evidence = stack
        .complaintsctl(&["history", &reference, "--evidence"])
        .await
        .ok();
    let (header, rows) = table(&evidence);
    assert!(
        header.starts_with('#') && header.contains("EVENT") && header.contains("ACTOR"),
        "{evidence}"
    );
    for (event, actor, summary) in [
        ("ComplaintOpened", "", "Complaint opened at Stage 1"),
        (
            "HandlerAssigned",
            "user:supervisor-1",
            "Stage 1 allocated to",
        ),
        (
            "OutcomeRecorded",
            "user:handler-1",
            "Stage 1 outcome recorded: not upheld",
        ),
        ("StageEscalated", "user:handler-1", "Escalated to Stage 2"),
        (
            "ActionReassigned",
            "user:supervisor-1",
            "Action ACT-1 passed to a new owner",
        ),
        (
            "ActionCompleted",
            "user:quality-1",
            "Action ACT-2 completed",
        ),
    ] {
        assert!(
            rows.iter().any(|r| r.contains(&format!(" {event} "))
                && r.contains(actor)
                && r.contains(summary)),
            "{event} by {actor:?}: {evidence}"
        );
    }
    let exported = stack
        .complaintsctl(&["--json", "history", &reference, "--evidence"])
        .await
        .json();
    let history = stack
        .complaintsctl(&["--json", "history", &reference])
        .await
        .json();
    assert_eq!(exported, history, "the evidence is the whole history");
    assert_eq!(exported["entries"].as_array().unwrap().len(), rows.len());
    stack.stop().await;
}

#[tokio::test]
async fn the_committee_figures_and_html_report_count_what_was_submitted_and_a_rebuild_of_either_read_model_counts_what_it_replayed()
 {
    let stack = Stack::start("clireport").await;
    let references = [stack.submit_and_open().await, stack.submit_and_open().await];
    let today = today();
    let from = (today - chrono::Days::new(1)).to_string();
    let to = (today + chrono::Days::new(1)).to_string();
    let period = ["--from", from.as_str(), "--to", to.as_str()];

    // The figures follow the bus: wait until both complaints are in them.
    let figures = eventually(
        "the figures count both complaints",
        Duration::from_secs(30),
        || {
            let stack = &stack;
            async move {
                let figures = stack
                    .complaintsctl(&[&["--json", "report", "figures"][..], &period].concat())
                    .await
                    .json();
                (figures["complaints_received"] == 2).then_some(figures)
            }
        },
    )
    .await;
    assert_eq!(figures["complaints_open"], 2, "{figures}");
    let groups = figures["groups"].as_array().unwrap();
    let sum = |key: &str| groups.iter().map(|g| g[key].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("total"), 2, "{figures}");
    assert_eq!(sum("entered_procedure"), 2, "{figures}");
    let text = stack
        .complaintsctl(&[&["report", "figures"][..], &period].concat())
        .await
        .ok();
    assert_eq!(
        field(&text, "period"),
        Some(format!("{from} to {to}").as_str()),
        "{text}"
    );
    assert_eq!(field(&text, "received"), Some("2"), "{text}");
    assert_eq!(field(&text, "still open"), Some("2"), "{text}");
    let header = text
        .lines()
        .find(|l| l.starts_with("GROUP"))
        .unwrap_or_else(|| panic!("a table of groups: {text}"));
    assert!(
        header.contains("RECEIVED") && header.contains("TO STAGE 2"),
        "{text}"
    );
    for group in groups {
        let label = group["label"].as_str().unwrap();
        let cells: Vec<&str> = row(&text, label).split_whitespace().collect();
        assert_eq!(
            cells[1..3],
            [
                group["total"].to_string(),
                group["entered_procedure"].to_string()
            ],
            "received and entered in {label}: {text}"
        );
    }

    let file = std::env::temp_dir().join(format!("committee-{}.html", uuid::Uuid::new_v4()));
    let file_arg = file.display().to_string();
    let wrote = stack
        .complaintsctl(&[&["report", "html"][..], &period, &["-o", &file_arg]].concat())
        .await
        .ok();
    assert_eq!(
        wrote.trim_end(),
        format!("wrote the committee report ({from} to {to}) to {file_arg}"),
    );
    let html = std::fs::read_to_string(&file).unwrap();
    std::fs::remove_file(&file).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.trim_end().ends_with("</html>"), "{html}");
    assert!(
        html.contains("<h1>Complaints report to the Audit and Risk Committee</h1>"),
        "{html}"
    );
    for heading in [
        "Headline figures",
        "Complaints received over time",
        "Outcomes by stage",
        "Deadline compliance by kind",
        "Equality differences in upheld rates",
    ] {
        assert!(
            html.contains(&format!("<h2>{heading}</h2>")),
            "{heading}: {html}"
        );
    }
    assert!(
        html.contains(r#"<th scope="row">Complaints received</th><td>2</td>"#),
        "{html}"
    );
    assert!(!html.contains("Lovelace"), "anonymised figures only");

    let rebuilt = stack.complaintsctl(&["rebuild", "complaints"]).await.ok();
    assert_eq!(field(&rebuilt, "rebuilt"), Some("complaints"), "{rebuilt}");
    assert_eq!(field(&rebuilt, "complaints"), Some("2"), "{rebuilt}");
    let queue = stack.complaintsctl(&["--json", "queue"]).await.json();
    let queued: BTreeSet<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["reference"].as_str().unwrap())
        .collect();
    assert_eq!(
        queued,
        references
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        "{queue}"
    );

    // The log is rebuilt from every event intake and the complaints
    // service published: wait until reporting has applied them all.
    let pool = database().await;
    let schema = |service: &str| stack.isolation.schema(service);
    let published = format!(
        "SELECT (SELECT count(*) FROM \"{}\".events WHERE event_type <> 'complaints.v1.AttachmentReceived') \
              + (SELECT count(*) FROM \"{}\".events)",
        schema("intake"),
        schema("complaints")
    );
    let applied = format!(
        "SELECT count(*) FROM \"{}\".processed_events \
         WHERE consumer IN ('reporting-intake', 'reporting-complaints')",
        schema("reporting")
    );
    let events = eventually(
        "reporting applies every event",
        Duration::from_secs(30),
        || {
            let (pool, published, applied) = (&pool, &published, &applied);
            async move {
                let published = count(pool, published).await;
                (count(pool, applied).await == published).then_some(published)
            }
        },
    )
    .await;
    let rebuilt = stack
        .complaintsctl(&["--json", "rebuild", "reporting"])
        .await
        .json();
    assert_eq!(rebuilt["target"], "reporting", "{rebuilt}");
    assert_eq!(rebuilt["events"], events, "{rebuilt}");
    let after = stack
        .complaintsctl(&[&["--json", "report", "figures"][..], &period].concat())
        .await
        .json();
    assert_eq!(after["complaints_received"], 2, "the same figures: {after}");
    assert_eq!(after["groups"], figures["groups"], "the same figures");
    pool.close().await;
    stack.stop().await;
}
