//! `complaintsctl` alone takes one complaint through all three stages to
//! closure and beyond (a regulator referral, new issues), works the print
//! queue and the correspondence, takes a compliment, lifts a contact
//! restriction, decides on new issues raised late, lists and shows
//! regulators' notices, and stops quietly when the reader of its output
//! goes away. Each step is checked in what
//! the service answers. The services run in-process; the tool is the real
//! binary, each step with a token of the role it needs.

use crate::stack::{SERVICES, Stack};
use chrono::{Days, NaiveDate};
use platform::auth::Role;
use platform::testing::token;
use serde_json::Value;
use std::process::{Output, Stdio};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const TEAM: &str = "Customer Services";

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn in_days(days: u64) -> String {
    (today() + Days::new(days)).to_string()
}

/// The tool's answer as JSON; fails the test with its stderr otherwise.
fn json(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "complaintsctl failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// Runs the tool with `--json` as `who` and answers its JSON.
async fn ctl(stack: &Stack, who: &str, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    json(&stack.complaintsctl(who, &all).await)
}

/// Polls `probe` until it answers `Some`, for what the bus carries.
async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..400 {
        if let Some(found) = probe().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} never happened");
}

fn has(list: &Value, key: &str, value: &str) -> bool {
    list.as_array()
        .is_some_and(|items| items.iter().any(|i| i[key] == value))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn complaintsctl_alone_takes_a_complaint_through_three_stages_to_closure_a_regulator_and_new_issues()
 {
    let stack = Stack::spawn("cli_stage3").await;
    let handler = token("handler-1", &[Role::Handler], Some(TEAM));
    let supervisor = token("supervisor-1", &[Role::Manager], Some(TEAM));
    let manager = token("manager-1", &[Role::Manager], Some(TEAM));
    let dpo = token("dpo-1", &[Role::DataProtectionOfficer], None);

    // Submission by telephone staff, letters by post (R-CORR-1).
    let receipt = ctl(
        &stack,
        &handler,
        &[
            "submit",
            "--channel",
            "telephone",
            "--customer-status",
            "Member",
            "--customer-type",
            "Student",
            "--category",
            "Certificates",
            "--detail",
            "My certificate has not arrived.",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--telephone",
            "020 7946 0000",
            "--address-line",
            "12 Analytical Engine Lane",
            "--address-line",
            "London",
            "--postcode",
            "N1 1AA",
            "--post",
            // Regulated by Ofqual: the referral needs it (R-REG-2).
            "--qualification",
            "L3-PARALEGAL-EPA",
            "--matter-date",
            &today().to_string(),
        ],
    )
    .await;
    assert_eq!(receipt["status"], "TRIAGE_STATUS_ACCEPTED", "{receipt}");
    let submission = receipt["reference"].as_str().unwrap_or_default().to_owned();
    let reference = stack
        .reference_of(receipt["submission_id"].as_str().unwrap_or_default())
        .await;

    // Stage 1: assign, contact, timescale, an update with a revised date,
    // the outcome.
    let view = ctl(
        &stack,
        &supervisor,
        &[
            "assign",
            &reference,
            "--handler",
            "handler-1",
            "--team",
            TEAM,
            "--as",
            "supervisor-1",
        ],
    )
    .await;
    assert_eq!(view["handler"], "handler-1");
    let before = view["version"].as_u64().unwrap_or_default();
    let view = ctl(
        &stack,
        &handler,
        &[
            "contact",
            &reference,
            "--method",
            "telephone",
            "--summary",
            "Clarified which certificate is missing.",
            "--as",
            "handler-1",
        ],
    )
    .await;
    // A telephone complaint has no first-contact deadline to meet; the
    // contact is one more event.
    assert_eq!(view["version"].as_u64(), Some(before + 1), "{view}");
    let agreed = in_days(15);
    let view = ctl(
        &stack,
        &handler,
        &[
            "timescale",
            &reference,
            "--due",
            &agreed,
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert!(
        view["deadlines"]
            .as_array()
            .is_some_and(|d| d
                .iter()
                .any(|d| d["kind"] == "DEADLINE_KIND_AGREED_TIMESCALE"
                    && d["due_on"] == agreed.as_str())),
        "R-S1-2: {view}"
    );
    let revised = in_days(25);
    let view = ctl(
        &stack,
        &handler,
        &[
            "update",
            &reference,
            "--reason",
            "Waiting for the awarding body.",
            "--revised-due",
            &revised,
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert!(
        view["deadlines"].as_array().is_some_and(|d| d
            .iter()
            .any(|d| d["kind"] == "DEADLINE_KIND_AGREED_TIMESCALE"
                && d["due_on"] == revised.as_str())),
        "the revised date: {view}"
    );
    let before = view["version"].as_u64().unwrap_or_default();
    ctl(
        &stack,
        &handler,
        &[
            "permission",
            &reference,
            "--third-party",
            "The exam centre",
            "--scope",
            "Dispatch records of the certificate",
            "--in-writing",
            "--as",
            "handler-1",
        ],
    )
    .await;
    let view = ctl(
        &stack,
        &handler,
        &[
            "disclose",
            &reference,
            "--recipient",
            "Ofqual",
            "--legal-basis",
            "regulator",
            "--what",
            "The dates the certificate was sent",
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["version"].as_u64(), Some(before + 2), "{view}");
    let view = ctl(
        &stack,
        &handler,
        &[
            "outcome",
            &reference,
            "--stage",
            "1",
            "--decision",
            "not-upheld",
            "--findings",
            "The certificate was sent on time.",
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["outcomes"][0]["decision"], "DECISION_NOT_UPHELD");

    // Stage 2: escalate, the manager takes it, the outcome.
    let view = ctl(
        &stack,
        &handler,
        &[
            "escalate",
            &reference,
            "--to",
            "2",
            "--grounds",
            "points-not-answered",
            "--reasons",
            "The lost post was not looked into.",
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["stage"], "STAGE_2");
    let view = ctl(
        &stack,
        &supervisor,
        &[
            "assign",
            &reference,
            "--handler",
            "manager-1",
            "--team",
            TEAM,
            "--role",
            "manager",
            "--as",
            "supervisor-1",
        ],
    )
    .await;
    assert_eq!(view["role"], "HANDLER_ROLE_MANAGER");
    let view = ctl(
        &stack,
        &manager,
        &[
            "outcome",
            &reference,
            "--stage",
            "2",
            "--decision",
            "partly-upheld",
            "--findings",
            "The post was not traced.",
            "--remedy",
            "apology=A written apology",
            "--as",
            "manager-1",
        ],
    )
    .await;
    assert_eq!(view["outcomes"][1]["decision"], "DECISION_PARTLY_UPHELD");

    // Stage 3: escalate; it goes to the Corporate Compliance Manager, who
    // acknowledges, decides to investigate, extends the response deadline
    // and gives the final outcome (R-S3-1 .. R-S3-6).
    let view = ctl(
        &stack,
        &manager,
        &[
            "escalate",
            &reference,
            "--to",
            "3",
            "--grounds",
            "dissatisfied-with-outcome",
            "--reasons",
            "An apology does not replace the certificate.",
            "--outcome-sought",
            "A replacement certificate.",
            "--as",
            "manager-1",
        ],
    )
    .await;
    assert_eq!(view["stage"], "STAGE_3");
    let ccm_id = view["handler"].as_str().unwrap_or_default().to_owned();
    assert!(!ccm_id.is_empty(), "R-S3-3: {view}");
    let ccm = token(&ccm_id, &[Role::ComplianceManager], None);
    let view = ctl(&stack, &ccm, &["acknowledge", &reference, "--as", &ccm_id]).await;
    assert!(
        view["deadlines"].as_array().is_some_and(|d| d
            .iter()
            .any(|d| d["kind"] == "DEADLINE_KIND_STAGE3_ACKNOWLEDGEMENT"
                && d["met_on"] == today().to_string())),
        "R-S3-4: {view}"
    );
    let before = view["version"].as_u64().unwrap_or_default();
    let view = ctl(
        &stack,
        &ccm,
        &[
            "investigate",
            &reference,
            "--decision",
            "warranted",
            "--reason",
            "The Stage 2 response left the certificate open.",
            "--as",
            &ccm_id,
        ],
    )
    .await;
    assert_eq!(view["version"].as_u64(), Some(before + 1), "{view}");
    let extended = in_days(120);
    let view = ctl(
        &stack,
        &ccm,
        &[
            "extend",
            &reference,
            "--deadline",
            "stage3-response",
            "--stage",
            "3",
            "--due",
            &extended,
            "--reason",
            "The awarding body is closed for the summer.",
            "--as",
            &ccm_id,
        ],
    )
    .await;
    assert!(
        view["deadlines"].as_array().is_some_and(|d| d
            .iter()
            .any(|d| d["kind"] == "DEADLINE_KIND_STAGE3_RESPONSE"
                && d["due_on"] == extended.as_str())),
        "the extended deadline: {view}"
    );
    let view = ctl(
        &stack,
        &ccm,
        &[
            "outcome",
            &reference,
            "--stage",
            "3",
            "--decision",
            "upheld",
            "--findings",
            "The certificate was lost in our post room.",
            "--remedy",
            "apology=A written apology",
            "--as",
            &ccm_id,
        ],
    )
    .await;
    assert_eq!(view["closed"], true, "R-S3-6: {view}");
    assert_eq!(view["closure"], "CLOSURE_KIND_AFTER_STAGE3");

    // After closure: a regulator referral (R-REG-2), then new issues open a
    // new complaint linked to this one (R-UPC-2).
    let before = view["version"].as_u64().unwrap_or_default();
    let view = ctl(
        &stack,
        &ccm,
        &[
            "regulator",
            "referral",
            &reference,
            "--regulator",
            "Ofqual",
            "--as",
            &ccm_id,
        ],
    )
    .await;
    assert_eq!(view["version"].as_u64(), Some(before + 1), "{view}");
    let view = ctl(
        &stack,
        &ccm,
        &[
            "new-issues",
            &reference,
            "--description",
            "The replacement certificate has the wrong grade.",
            "--as",
            &ccm_id,
        ],
    )
    .await;
    // The answer is the new complaint, at Stage 1, linked to this one.
    assert_eq!(view["raised_from"], reference.as_str(), "{view}");
    assert_eq!(view["stage"], "STAGE_1", "{view}");
    let linked = view["reference"].as_str().unwrap_or_default().to_owned();
    assert!(linked.starts_with("CMP-") && linked != reference, "{view}");
    let shown = ctl(&stack, &ccm, &["show", &reference]).await;
    assert_eq!(shown["new_complaints"][0], linked.as_str());
    let history = ctl(&stack, &ccm, &["history", &reference]).await;
    let events: Vec<&str> = history["entries"]
        .as_array()
        .map(|e| e.iter().filter_map(|e| e["event_type"].as_str()).collect())
        .unwrap_or_default();
    for step in [
        "ContactRecorded",
        "Timescale",
        "Update",
        "Stage3Acknowledged",
        "Investigation",
        "DeadlineExtended",
        "InformationPermissionRecorded",
        "DisclosureRecorded",
        "RegulatorReferral",
        "NewIssues",
    ] {
        assert!(
            events.iter().any(|e| e.contains(step)),
            "no {step} in {events:?}"
        );
    }

    // The post letters: the print queue holds this complainant's letters
    // with the address (for staff who reach the complaint, now the
    // Corporate Compliance Manager); one is marked posted and then shows as sent.
    let queued = eventually("a letter of the complaint in the print queue", || async {
        let queue = ctl(&stack, &ccm, &["letters", "print-queue"]).await;
        queue["letters"].as_array().and_then(|items| {
            items
                .iter()
                .find(|i| {
                    i["reference"] == reference.as_str() || i["reference"] == submission.as_str()
                })
                .cloned()
        })
    })
    .await;
    let id = queued["notification_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // One letter, with the address and the text to print.
    let letter = ctl(&stack, &ccm, &["letters", "letter", &id]).await;
    assert_eq!(letter["address"]["postcode"], "N1 1AA", "{letter}");
    assert!(
        !letter["body"].as_str().unwrap_or_default().is_empty(),
        "{letter}"
    );
    let posted = ctl(&stack, &ccm, &["letters", "posted", &id]).await;
    assert_eq!(posted["status"], "NOTIFICATION_STATUS_SENT", "{posted}");
    let queue = ctl(&stack, &ccm, &["letters", "print-queue"]).await;
    assert!(!has(&queue["letters"], "notification_id", &id), "{queue}");

    // The correspondence lists the letters of the three stages, by post.
    let letters = eventually("the final outcome letter", || async {
        let letters = ctl(&stack, &ccm, &["letters", "list", &reference]).await;
        has(&letters, "template", "final_outcome").then_some(letters)
    })
    .await;
    for letter in ["stage_outcome", "stage3_acknowledgement", "final_outcome"] {
        assert!(has(&letters, "template", letter), "no {letter}: {letters}");
    }
    assert!(
        letters
            .as_array()
            .is_some_and(|l| l.iter().any(|l| l["channel"] == "DELIVERY_CHANNEL_POST")),
        "{letters}"
    );
    let all = [
        ctl(&stack, &ccm, &["letters", "list", &reference]).await,
        ctl(&stack, &ccm, &["letters", "list", &submission]).await,
    ];
    assert!(
        all.iter().any(|l| has(l, "notification_id", &id)),
        "the posted letter is in the correspondence: {all:?}"
    );
    let preview = ctl(
        &stack,
        &ccm,
        &["letters", "preview", &reference, "final_outcome"],
    )
    .await;
    assert!(
        preview["body"]
            .as_str()
            .is_some_and(|b| b.contains("The certificate was lost in our post room.")),
        "{preview}"
    );

    // A compliment reaches the managers (R-POS-1).
    let compliment = ctl(
        &stack,
        &handler,
        &[
            "compliment",
            "--team",
            TEAM,
            "--about",
            "handler-1",
            "--message",
            "Thank you for finding my certificate.",
        ],
    )
    .await;
    assert!(
        !compliment["compliment_id"]
            .as_str()
            .unwrap_or_default()
            .is_empty(),
        "{compliment}"
    );

    // The access audit shows the reads of the complaint (R-CONF-1).
    let audit = ctl(&stack, &dpo, &["access", &reference]).await;
    assert!(has(&audit, "outcome", "read"), "{audit}");
}

/// Runs the tool with its stdout piped to a reader that takes one line
/// (none when `lines` is 0) and then closes the pipe.
async fn closed_after(stack: &Stack, who: &str, args: &[&str], lines: usize) -> Output {
    let path = end_to_end::binaries_dir().join("complaintsctl");
    let mut command = tokio::process::Command::new(&path);
    command
        .env_clear()
        .args(args)
        .env("COMPLAINTS_TOKEN", who)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (service, addr) in SERVICES.iter().zip(&stack.addrs) {
        let variable = format!("COMPLAINTS_{}_URL", service.to_uppercase());
        command.env(variable, format!("http://{addr}"));
    }
    let mut child = command.spawn().expect("complaintsctl starts");
    let stdout = child.stdout.take().expect("a piped stdout");
    if lines > 0 {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("a first line");
        assert!(!line.is_empty(), "{args:?} printed nothing");
    } else {
        drop(stdout);
    }
    child.wait_with_output().await.expect("complaintsctl ends")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_into_a_pipe_closed_by_its_reader_ends_quietly_with_success() {
    let stack = Stack::spawn("cli_pipe").await;
    let handler = token("handler-1", &[Role::Handler], Some(TEAM));
    for n in 0..3 {
        let submitted = stack
            .complaintsctl(
                &handler,
                &[
                    "submit",
                    "--channel",
                    "email",
                    "--customer-status",
                    "Member",
                    "--customer-type",
                    "Student",
                    "--category",
                    "Certificates",
                    "--detail",
                    "My certificate has not arrived.",
                    "--first-name",
                    "Ada",
                    "--last-name",
                    "Lovelace",
                    "--email",
                    &format!("ada{n}@example.org"),
                    "--matter-date",
                    &today().to_string(),
                ],
            )
            .await;
        assert!(submitted.status.success(), "{submitted:?}");
    }
    let runs: [(&[&str], usize); 5] = [
        (&["--help"], 1),
        (&["--help"], 0),
        (&["--json", "queue"], 1),
        (&["--json", "queue"], 0),
        (&["queue"], 0),
    ];
    for (args, lines) in runs {
        let run = closed_after(&stack, &handler, args, lines).await;
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(run.status.success(), "{args:?}: {:?} {stderr}", run.status);
    }
}

/// Runs the tool without `--json` as `who` and answers what it printed;
/// fails the test with its stderr otherwise.
async fn printed(stack: &Stack, who: &str, args: &[&str]) -> String {
    let output = stack.complaintsctl(who, args).await;
    assert!(
        output.status.success(),
        "complaintsctl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The line of `text` that starts with `label`, e.g. "contact restricted:".
fn line<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upc_1_r_upc_2_r_reg_4_complaintsctl_lifts_a_restriction_decides_late_new_issues_and_lists_and_shows_regulator_notices()
 {
    let stack = Stack::spawn("cli_new_rpcs").await;
    let handler = token("handler-1", &[Role::Handler], Some(TEAM));
    let supervisor = token("supervisor-1", &[Role::Manager], Some(TEAM));
    let ccm = token("ccm-1", &[Role::ComplianceManager], None);

    let receipt = ctl(
        &stack,
        &handler,
        &[
            "submit",
            "--channel",
            "email",
            "--customer-status",
            "Member",
            "--customer-type",
            "Student",
            "--category",
            "Certificates",
            "--detail",
            "My certificate has not arrived.",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--email",
            "ada@example.org",
            "--matter-date",
            &today().to_string(),
        ],
    )
    .await;
    assert_eq!(receipt["status"], "TRIAGE_STATUS_ACCEPTED", "{receipt}");
    let reference = stack
        .reference_of(receipt["submission_id"].as_str().unwrap_or_default())
        .await;
    ctl(
        &stack,
        &supervisor,
        &[
            "assign",
            &reference,
            "--handler",
            "handler-1",
            "--team",
            TEAM,
            "--as",
            "supervisor-1",
        ],
    )
    .await;

    // R-UPC-1: restricted with a review date, then lifted with the reason.
    let review_on = in_days(30);
    let view = ctl(
        &stack,
        &handler,
        &[
            "restrict",
            &reference,
            "--reason",
            "Daily calls on the same point.",
            "--review-on",
            &review_on,
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["contact_restricted"], true, "{view}");
    assert_eq!(view["restriction_review_on"], review_on.as_str(), "{view}");
    let shown = printed(&stack, &handler, &["show", &reference]).await;
    assert!(
        line(&shown, "contact restricted:").ends_with(" yes"),
        "{shown}"
    );
    assert!(
        line(&shown, "restriction review:").ends_with(&review_on),
        "{shown}"
    );
    let before = view["version"].as_u64().unwrap_or_default();
    let view = ctl(
        &stack,
        &handler,
        &[
            "lift-restriction",
            &reference,
            "--reason",
            "The review found the calls have stopped.",
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["contact_restricted"], false, "{view}");
    assert_eq!(view["restriction_review_on"], Value::Null, "{view}");
    assert_eq!(view["version"].as_u64(), Some(before + 1), "{view}");
    let shown = printed(&stack, &handler, &["show", &reference]).await;
    assert_eq!(
        line(&shown, "contact restricted:").trim_end(),
        "contact restricted:",
        "{shown}"
    );
    // Only a restriction in force can be lifted: refused, on stderr.
    let again = stack
        .complaintsctl(
            &handler,
            &[
                "lift-restriction",
                &reference,
                "--reason",
                "Again.",
                "--as",
                "handler-1",
            ],
        )
        .await;
    assert!(!again.status.success(), "{again:?}");
    assert!(again.stdout.is_empty(), "{again:?}");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("no contact restriction"),
        "{again:?}"
    );

    // R-UPC-2: new issues the complainant became aware of 8 months ago
    // wait for a decision; a compelling reason opens them.
    let view = ctl(
        &stack,
        &handler,
        &[
            "resolve",
            &reference,
            "--how",
            "The certificate was reissued on the call.",
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["closed"], true, "{view}");
    let aware = (today() - chrono::Months::new(8)).to_string();
    let view = ctl(
        &stack,
        &handler,
        &[
            "new-issues",
            &reference,
            "--description",
            "The reissued certificate has the wrong name.",
            "--became-aware-on",
            &aware,
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["reference"], reference.as_str(), "{view}");
    assert_eq!(view["new_issues_awaiting_decision"], true, "{view}");
    assert_eq!(view["new_complaints"], serde_json::json!([]), "{view}");
    let view = ctl(
        &stack,
        &handler,
        &[
            "new-issues-decision",
            &reference,
            "--decision",
            "allow",
            "--reason",
            "The complainant was abroad and could not see the certificate.",
            "--as",
            "handler-1",
        ],
    )
    .await;
    assert_eq!(view["raised_from"], reference.as_str(), "{view}");
    let linked = view["reference"].as_str().unwrap_or_default().to_owned();
    assert!(linked.starts_with("CMP-") && linked != reference, "{view}");
    let shown = ctl(&stack, &handler, &["show", &reference]).await;
    assert_eq!(shown["new_issues_awaiting_decision"], false, "{shown}");
    assert_eq!(shown["new_complaints"][0], linked.as_str(), "{shown}");

    // R-REG-4: a notice recorded, listed (open, not completed) and shown.
    let due = in_days(20);
    let notice = ctl(
        &stack,
        &ccm,
        &[
            "regulator",
            "notice",
            "--regulator",
            "Ofqual",
            "--awarding-organisation",
            "Northern Awards Ltd",
            "--failure",
            "Marks were transcribed wrongly.",
            "--review-owner",
            "ccm-1",
            "--review-due",
            &due,
            "--as",
            "ccm-1",
        ],
    )
    .await;
    let id = notice["notice_id"].as_str().unwrap_or_default().to_owned();
    assert!(!id.is_empty(), "{notice}");
    let listed = ctl(&stack, &ccm, &["regulator", "notices", "--state", "open"]).await;
    assert!(has(&listed, "notice_id", &id), "{listed}");
    assert_eq!(listed[0]["state"], "open", "{listed}");
    assert_eq!(listed[0]["review_due_on"], due.as_str(), "{listed}");
    let completed = ctl(
        &stack,
        &ccm,
        &["regulator", "notices", "--state", "completed"],
    )
    .await;
    assert_eq!(completed, serde_json::json!([]), "{completed}");
    let table = printed(&stack, &ccm, &["regulator", "notices"]).await;
    let mut rows = table.lines();
    let header: Vec<&str> = rows
        .next()
        .unwrap_or_default()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(
        header,
        [
            "NOTICE",
            "REGULATOR",
            "AWARDING ORGANISATION",
            "REVIEW OWNER",
            "REVIEW DUE",
            "STATE"
        ],
        "{table}"
    );
    let row = rows
        .find(|r| r.starts_with(&id))
        .unwrap_or_else(|| panic!("no row for {id}:\n{table}"));
    for cell in ["Ofqual", "Northern Awards Ltd", "ccm-1", due.as_str()] {
        assert!(row.contains(cell), "no {cell} in {row}");
    }
    assert!(row.trim_end().ends_with("open"), "{row}");
    let shown = ctl(&stack, &ccm, &["regulator", "show", &id]).await;
    assert_eq!(
        shown["failure"], "Marks were transcribed wrongly.",
        "{shown}"
    );
    assert_eq!(shown["awarding_organisation"], "Northern Awards Ltd");
    assert_eq!(shown["state"], "open", "{shown}");
    let shown = printed(&stack, &ccm, &["regulator", "show", &id]).await;
    assert!(
        line(&shown, "failure:").ends_with("Marks were transcribed wrongly."),
        "{shown}"
    );
    assert!(line(&shown, "state:").ends_with("open"), "{shown}");

    // Once its review is done it is listed as completed, with the findings.
    ctl(
        &stack,
        &ccm,
        &[
            "regulator",
            "review-done",
            &id,
            "--findings",
            "Our transcription is checked twice.",
            "--as",
            "ccm-1",
        ],
    )
    .await;
    let completed = ctl(
        &stack,
        &ccm,
        &["regulator", "notices", "--state", "completed"],
    )
    .await;
    assert!(has(&completed, "notice_id", &id), "{completed}");
    assert_eq!(
        completed[0]["findings"], "Our transcription is checked twice.",
        "{completed}"
    );
    let open = ctl(&stack, &ccm, &["regulator", "notices", "--state", "open"]).await;
    assert!(!has(&open, "notice_id", &id), "{open}");

    // The notices are the Corporate Compliance Manager's alone.
    let refused = stack
        .complaintsctl(&handler, &["regulator", "notices"])
        .await;
    assert!(!refused.status.success(), "{refused:?}");
    assert!(refused.stdout.is_empty(), "{refused:?}");
}
