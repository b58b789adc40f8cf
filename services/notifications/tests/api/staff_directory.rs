//! Staff by name: a staff id missing from `STAFF_DIRECTORY` is a warning
//! and a count for the operator, never an id in a letter, a withheld
//! letter or a blocked event; and the directory `make up` ships reads.

use crate::helpers::{ADA, Stack, assign, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use notifications::consume::{Directory, unlisted_lookups};
use notifications::core::{StaffDirectory, UNLISTED};

/// A JSON directory naming one handler and the unlisted-staff mailbox.
const DIRECTORY: &str = r#"{
  "staff": {"handler-1": {"name": "Hannah Hughes", "email": "hannah@example.org"}},
  "unlisted": {"name": "Customer Services team", "email": "customer.services@example.org"}
}"#;

const MAILBOX: &str = "customer.services@example.org";

async fn stack() -> Stack {
    Stack::spawn_with(
        SmtpSink::accepting().await,
        &[("STAFF_DIRECTORY", DIRECTORY.to_owned())],
    )
    .await
}

/// A handler missing from the directory: the complainant's letter names
/// the role, their alert reaches the unlisted mailbox saying whom it was
/// for, and each lookup is counted.
#[tokio::test]
async fn staff_by_name_an_unlisted_handler_is_named_by_role_and_counted() {
    let mut stack = stack().await;
    let before = unlisted_lookups();
    let reference = stack.open(web_form("unlisted-handler")).await;
    assign(
        &mut stack,
        &reference,
        "handler-9",
        pb::HandlerRole::Handler,
    )
    .await;
    let told = stack
        .mail_when(ADA, "Who is dealing with your complaint")
        .await;
    told.says("now being dealt with by our Customer Services team.");
    told.never_says("handler-9");
    let alert = stack.mail_when(MAILBOX, "has been allocated to you").await;
    alert.says("Dear Customer Services team,");
    alert.says("the staff id handler-9, who is not in the staff directory");
    assert!(unlisted_lookups() > before, "the gap was counted");
    stack.cleanup().await;
}

/// R-POS-1: a compliment routed to a manager missing from the directory
/// (intake's default route, head-of-customer-experience) is not withheld:
/// it reaches the unlisted mailbox.
#[tokio::test]
async fn staff_by_name_a_compliment_for_an_unlisted_manager_still_goes() {
    let mut stack = stack().await;
    let receipt = stack
        .intake
        .submit_compliment(pb::SubmitComplimentRequest {
            idempotency_key: "thanks-unlisted".into(),
            channel: pb::Channel::WebForm as i32,
            team: "Customer Services".into(),
            about_person: "Sam Smith".into(),
            message: "Sam sorted out my exam entry in one call.".into(),
            from: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.routed_to, vec!["head-of-customer-experience"]);
    let mail = stack
        .mail_when(MAILBOX, "A compliment for Sam Smith (Customer Services)")
        .await;
    mail.says("Dear Customer Services team,");
    mail.says("the manager with the staff id head-of-customer-experience");
    mail.says("Sam sorted out my exam entry in one call.");
    stack.cleanup().await;
}

/// The sample directory `make up` uses reads, names the staff ids the
/// services and these tests address, and has an unlisted mailbox.
#[test]
fn the_shipped_local_staff_directory_names_the_staff_make_up_and_the_tests_use() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../deploy/local/staff-directory.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let directory = Directory::parse(&text).unwrap();
    for id in [
        "handler-1",
        "manager-1",
        "ccm-1",
        "corporate-compliance-manager",
        "head-of-customer-experience",
    ] {
        let contact = directory
            .contact(id)
            .unwrap_or_else(|| panic!("{id} is listed"));
        assert!(!contact.name.is_empty() && contact.email.contains('@'));
    }
    assert!(directory.unlisted_mailbox().is_some());
    assert!(
        directory.contact(UNLISTED).is_none(),
        "the mailbox is nobody's id"
    );
}

/// The older `id|Name|email;...` form still reads, `*` naming the mailbox;
/// a broken entry is refused with what was expected.
#[test]
fn the_staff_directory_reads_both_forms_and_refuses_a_broken_entry() {
    let old = Directory::parse(
        "handler-1|Hannah Hughes|hannah@example.org;*|Customer Services team|cs@example.org",
    )
    .unwrap();
    assert_eq!(old.contact("handler-1").unwrap().name, "Hannah Hughes");
    assert_eq!(old.unlisted_mailbox().unwrap().email, "cs@example.org");
    assert!(
        Directory::parse("handler-1|Hannah Hughes")
            .unwrap_err()
            .contains("expected id|Name|email")
    );
    assert!(
        Directory::parse(r#"{"staff": {"h": {"name": "H"}}}"#)
            .unwrap_err()
            .contains("\"email\" is required")
    );
    assert!(Directory::parse(r#"{"people": {}}"#).is_err());
}
