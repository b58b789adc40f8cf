//! The binary's contract with its caller, with no service running: usage
//! errors, unreachable services and a bad token each exit non-zero with a
//! message on stderr and nothing on stdout. (Against the real services it
//! is tested end to end in `tests/e2e/cli.rs`.)

use std::process::{Command, Output};

fn complaintsctl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_complaintsctl"))
        .args(args)
        .env_remove("COMPLAINTS_TOKEN")
        .env_remove("COMPLAINTS_USER")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_service_that_cannot_be_reached_is_named_on_stderr_with_a_non_zero_exit() {
    let output = complaintsctl(&[
        "--complaints",
        "http://127.0.0.1:9",
        "show",
        "CMP-2026-000001",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert!(
        stderr(&output).contains("complaints answered Unavailable"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_report_without_a_period_is_a_usage_error() {
    let output = complaintsctl(&["report", "csv", "-o", "-"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--quarter"), "{}", stderr(&output));
}

#[test]
fn a_command_that_acts_needs_the_staff_id_of_who_acts() {
    let output = complaintsctl(&[
        "assign",
        "CMP-2026-000001",
        "--handler",
        "h-1",
        "--team",
        "Customer Services",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--as"), "{}", stderr(&output));
}

#[test]
fn a_token_that_cannot_be_a_header_is_refused_before_any_call() {
    let output = complaintsctl(&["--token", "two\nlines", "queue"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("token"), "{}", stderr(&output));
}

#[test]
fn an_endpoint_that_is_not_a_url_is_named_with_its_flag() {
    let output = complaintsctl(&[
        "--reporting",
        "not a url",
        "report",
        "figures",
        "--quarter",
        "2026Q1",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--reporting"),
        "{}",
        stderr(&output)
    );
}

/// R-UPC-1, R-UPC-2, R-REG-4: every RPC of the complaints service staff
/// may call is reachable, so the help names its command.
#[test]
fn the_help_lists_lifting_a_restriction_deciding_late_new_issues_and_reading_regulator_notices() {
    let output = complaintsctl(&["--help"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["lift-restriction", "new-issues-decision"] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "no {command} in:\n{help}"
        );
    }
    let output = complaintsctl(&["regulator", "--help"]);
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["notices", "show"] {
        assert!(
            help.lines().any(|l| l.trim_start().starts_with(command)),
            "no {command} in:\n{help}"
        );
    }
    let output = complaintsctl(&["new-issues", "--help"]);
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("--became-aware-on"),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}
