//! Subject access and erasure on request, end to end: one person's records
//! across the four services found by their email, exported as one bundle
//! (R-CONF-1, the right of access) and erased (R-CONF-2, the right to
//! erasure) with `complaintsctl` against the services in-process, while
//! another person's records and the committee's figures stay as they were.

use super::stack::{Person, SERVICES, Stack, bytes_hold, holds};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::subject_access_client::SubjectAccessClient;
use platform::auth::Role;
use platform::testing::{channel, channel_as, token};
use serde_json::Value;

/// Person A's first complaint, with an attached file.
const A1: Person = Person {
    first_name: "Octavianne",
    last_name: "Pemberwick",
    email: "octavianne.pemberwick@example.org",
    detail: "Walrus-candle: my membership card never arrived.",
    attachment: "Attachment-of-Octavianne-5120",
};

/// Person A's second complaint, without a file.
const A2: Person = Person {
    detail: "Pelican-anchor: I was charged twice for the same exam.",
    attachment: "",
    ..A1
};

/// Person A's compliment.
const A_COMPLIMENT: &str = "Otter-lighthouse: the exams team were wonderfully kind.";

const B: Person = Person {
    first_name: "Ignatius",
    last_name: "Thornwaite",
    email: "ignatius.thornwaite@example.net",
    detail: "Badger-kettle: my appeal letter was lost.",
    attachment: "Attachment-of-Ignatius-3381",
};

fn a_pieces() -> Vec<&'static str> {
    let mut pieces = A1.pieces();
    pieces.extend([A2.detail, A_COMPLIMENT]);
    pieces
}

/// What was seeded.
struct Seeded {
    /// A's complaints' references, and the submissions they came from.
    a_complaints: Vec<(String, String)>,
    figures: pb::Figures,
}

/// A's two complaints and compliment and B's complaint, applied by every
/// service, their acknowledgements sent.
async fn seed(stack: &Stack) -> Seeded {
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let mut a_complaints = Vec::new();
    for person in [&A1, &A2] {
        let receipt = intake
            .submit_complaint(person.submission())
            .await
            .unwrap()
            .into_inner();
        let reference = stack.reference_of(&receipt.submission_id).await;
        a_complaints.push((reference, receipt.submission_id));
    }
    intake
        .submit_compliment(pb::SubmitComplimentRequest {
            idempotency_key: "subject-access-compliment".into(),
            channel: pb::Channel::WebForm as i32,
            team: "Exams".into(),
            message: A_COMPLIMENT.into(),
            from: Some(pb::Person {
                first_name: A1.first_name.into(),
                last_name: A1.last_name.into(),
                email: A1.email.into(),
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap();
    let b = intake
        .submit_complaint(B.submission())
        .await
        .unwrap()
        .into_inner();
    stack.reference_of(&b.submission_id).await;
    stack.mail_reached(A1.email).await;
    stack.mail_reached(B.email).await;
    Seeded {
        a_complaints,
        figures: stack.settled_figures(3).await,
    }
}

/// Base64 as protobuf's JSON mapping writes bytes.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn dpo() -> String {
    token("dpo-1", &[Role::DataProtectionOfficer], None)
}

fn text_of(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn r_conf_1_the_subject_access_bundle_holds_every_piece_of_the_person_and_nothing_of_anyone_else()
 {
    let stack = Stack::spawn("subject").await;
    let seeded = seed(&stack).await;
    let file = std::env::temp_dir().join(format!("bundle-{}.json", uuid::Uuid::new_v4()));
    let file_arg = file.display().to_string();
    let ran = stack
        .complaintsctl(
            &dpo(),
            &["subject-access", "--email", A1.email, "--out", &file_arg],
        )
        .await;
    let (stdout, stderr) = text_of(&ran);
    assert!(ran.status.success(), "{stderr}");
    let text = std::fs::read_to_string(&file).unwrap();
    let _ = std::fs::remove_file(&file);
    let bundle: Value = serde_json::from_str(&text).unwrap();

    // Who, when, who asked; the summary names what each service found.
    assert_eq!(bundle["subject"]["email"], A1.email);
    assert_eq!(bundle["requested_by"], "dpo-1");
    assert!(
        bundle["exported_at"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    for service in SERVICES {
        assert!(stdout.contains(service), "{stdout}");
    }
    for (reference, _) in &seeded.a_complaints {
        assert!(stdout.contains(reference.as_str()), "{stdout}");
    }

    // Every seeded piece of A (the attached file as its bytes, in base64)
    // and nothing of B.
    for piece in a_pieces().into_iter().filter(|p| *p != A1.attachment) {
        assert!(text.contains(piece), "{piece:?} is in the bundle");
    }
    assert!(
        text.contains(&base64(&A1.attachment_bytes())),
        "A's file's bytes"
    );
    for piece in B.pieces() {
        assert!(!text.contains(piece), "{piece:?} of B is not in the bundle");
    }
    assert!(
        !text.contains(&base64(&B.attachment_bytes())),
        "B's file's bytes"
    );

    // Each service's part: every record with its events, decoded.
    let part = |service: &str| {
        bundle["services"][service]["records"]
            .as_array()
            .unwrap()
            .clone()
    };
    let intake = part("intake");
    assert_eq!(
        intake.iter().filter(|r| r["kind"] == "submission").count(),
        2
    );
    assert_eq!(
        intake.iter().filter(|r| r["kind"] == "compliment").count(),
        1
    );
    let complaints = part("complaints");
    let references: Vec<&str> = complaints
        .iter()
        .map(|r| r["record"].as_str().unwrap())
        .collect();
    for (reference, submission_id) in &seeded.a_complaints {
        assert!(references.contains(&reference.as_str()));
        let submission = intake
            .iter()
            .find(|r| r["submission_id"] == submission_id.as_str())
            .unwrap();
        assert_eq!(
            submission["record"],
            reference.as_str(),
            "named by its complaint"
        );
    }
    for record in intake.iter().chain(&complaints) {
        assert_eq!(record["legal_hold"], false);
        let events = record["events"].as_array().unwrap();
        assert!(!events.is_empty(), "{record}");
        for (i, event) in events.iter().enumerate() {
            assert!(event["stream_id"].as_str().is_some_and(|s| !s.is_empty()));
            assert!(
                event["event_type"]
                    .as_str()
                    .unwrap()
                    .starts_with("complaints.v1.")
            );
            assert!(event["recorded_at"].as_str().is_some_and(|s| !s.is_empty()));
            assert!(event["payload"].is_object(), "decoded: {event}");
            if i == 0 {
                assert_eq!(event["version"], 1);
            }
        }
    }
    for record in &complaints {
        assert!(
            record["rows"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["table"] == "complaints")
        );
    }

    // Every letter sent to A, with its body and its delivery history.
    let letters: Vec<Value> = part("notifications")
        .iter()
        .flat_map(|r| r["rows"].as_array().unwrap().clone())
        .filter(|row| row["table"] == "notifications")
        .map(|row| row["row"].clone())
        .collect();
    let sent = stack
        .smtp
        .received()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.contains(A1.email)))
        .collect::<Vec<_>>();
    assert!(!sent.is_empty());
    for mail in &sent {
        assert!(
            letters
                .iter()
                .any(|l| l["subject"] == mail.subject().as_str()
                    && l["body"]
                        .as_str()
                        .is_some_and(|b| b.contains(A1.first_name))),
            "the letter {:?} is in the bundle",
            mail.subject()
        );
    }
    let deliveries: usize = part("notifications")
        .iter()
        .map(|r| r["events"].as_array().unwrap().len())
        .sum();
    assert!(deliveries >= sent.len() * 2, "queued and sent, per letter");

    // Reporting: the anonymised records linked to A's complaints, and why
    // it holds nothing personal.
    let reporting = &bundle["services"]["reporting"];
    assert_eq!(reporting["records"].as_array().unwrap().len(), 2);
    assert!(reporting["holds"].as_str().unwrap().contains("anonymised"));
}

#[tokio::test]
async fn r_conf_1_subject_access_is_refused_to_every_role_but_the_data_protection_officer_and_each_export_is_in_the_access_audit()
 {
    let stack = Stack::spawn("subject_audit").await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let receipt = intake
        .submit_complaint(B.submission())
        .await
        .unwrap()
        .into_inner();
    let reference = stack.reference_of(&receipt.submission_id).await;
    let request = |email: &str| pb::SubjectExportRequest {
        email: email.into(),
        links: vec![pb::SubjectLink {
            submission_id: receipt.submission_id.clone(),
            complaint_reference: reference.clone(),
        }],
    };
    let others: Vec<Role> = Role::ALL
        .into_iter()
        .filter(|r| *r != Role::DataProtectionOfficer)
        .collect();
    let staff = token("s.jones", &others, Some("Customer Services"));
    for addr in &stack.addrs {
        let mut client = SubjectAccessClient::new(channel_as(*addr, Some(&staff)).await);
        let refused = client.export(request(B.email)).await.unwrap_err();
        assert_eq!(refused.code(), tonic::Code::PermissionDenied, "{refused:?}");

        let mut client = SubjectAccessClient::new(channel_as(*addr, Some(&dpo())).await);
        let bad = client.export(request("not-an-address")).await.unwrap_err();
        assert_eq!(bad.code(), tonic::Code::InvalidArgument);
        assert!(bad.message().starts_with("email:"), "{bad:?}");
        assert!(bad.message().contains("R-CONF-1"), "{bad:?}");
        assert!(!bad.message().contains("not-an-address"), "{bad:?}");

        let export = client.export(request(B.email)).await.unwrap().into_inner();
        assert_eq!(export.requested_by, "dpo-1");
    }
    for (i, addr) in stack.addrs.iter().enumerate() {
        let audit = platform::testing::access_audit(*addr, Some(&reference)).await;
        let exports: Vec<_> = audit
            .iter()
            .filter(|e| e.method == "/complaints.v1.SubjectAccess/Export")
            .collect();
        assert!(
            exports
                .iter()
                .any(|e| e.subject == "dpo-1" && e.outcome == "read"),
            "{}: {audit:?}",
            SERVICES[i]
        );
        let refused = platform::testing::access_audit(*addr, None).await;
        assert!(
            refused.iter().any(
                |e| e.method == "/complaints.v1.SubjectAccess/Export" && e.subject == "s.jones"
            ),
            "{}: {refused:?}",
            SERVICES[i]
        );
    }
}

#[tokio::test]
async fn r_conf_2_erasure_is_refused_while_any_record_is_held_then_removes_the_persons_data_everywhere_keeping_the_others_and_the_figures()
 {
    let stack = Stack::spawn("erase").await;
    let seeded = seed(&stack).await;
    let (held, _) = &seeded.a_complaints[1];
    let hold = pb::HoldRequest {
        record: held.clone(),
        reason: "claim pending in the county court".into(),
    };
    let mut retention = stack.dpo().await;
    assert!(
        retention[2]
            .place_hold(hold.clone())
            .await
            .unwrap()
            .into_inner()
            .held
    );
    let before = stack.dump();
    let bus_before = stack.bus_contents().await;
    for piece in a_pieces().into_iter().chain(B.pieces()) {
        assert!(holds(&before, piece), "seeded {piece:?} is stored");
    }

    let args = [
        "erase",
        "--email",
        A1.email,
        "--reason",
        "erasure requested on 2026-11-20",
    ];
    let refused = stack.complaintsctl(&dpo(), &args).await;
    let (_, stderr) = text_of(&refused);
    assert!(!refused.status.success());
    assert!(stderr.contains("R-CONF-2"), "{stderr}");
    assert!(
        stderr.contains(&format!("{held} in notifications")),
        "{stderr}"
    );
    for client in retention.iter_mut() {
        let listed = client
            .list_destructions(pb::ListDestructionsRequest {})
            .await
            .unwrap()
            .into_inner();
        assert!(listed.tombstones.is_empty(), "nothing destroyed");
    }
    let after_refusal = stack.dump();
    for piece in a_pieces() {
        assert!(holds(&after_refusal, piece), "{piece:?} is untouched");
    }
    assert_eq!(stack.bus_contents().await.len(), bus_before.len());

    assert!(
        !retention[2]
            .lift_hold(hold)
            .await
            .unwrap()
            .into_inner()
            .held
    );
    let erased = stack.complaintsctl(&dpo(), &args).await;
    let (stdout, stderr) = text_of(&erased);
    assert!(erased.status.success(), "{stderr}");
    for (reference, submission_id) in &seeded.a_complaints {
        assert!(stdout.contains(reference.as_str()), "{stdout}");
        assert!(
            stdout.contains(&format!("submission-{submission_id}")),
            "{stdout}"
        );
    }
    assert!(stdout.contains("compliment-"), "{stdout}");

    let dump = stack.dump();
    let on_bus = stack.bus_contents().await;
    for piece in a_pieces() {
        assert!(!holds(&dump, piece), "{piece:?} is gone from every schema");
        assert!(
            !bytes_hold(&on_bus, piece),
            "{piece:?} is gone from the bus"
        );
    }
    for piece in B.pieces() {
        assert!(holds(&dump, piece), "{piece:?} of B stays");
    }
    for piece in [B.email, B.detail] {
        assert!(
            bytes_hold(&on_bus, piece),
            "{piece:?} of B stays on the bus"
        );
    }
    assert_eq!(
        stack.figures().await,
        seeded.figures,
        "the committee's figures"
    );

    // A second subject access request finds nothing left of A.
    let again = stack
        .complaintsctl(&dpo(), &["--json", "subject-access", "--email", A1.email])
        .await;
    let (stdout, stderr) = text_of(&again);
    assert!(again.status.success(), "{stderr}");
    let bundle: Value = serde_json::from_str(&stdout).unwrap();
    for service in SERVICES {
        assert_eq!(
            bundle["services"][service]["records"]
                .as_array()
                .unwrap()
                .len(),
            0,
            "{service}: {stdout}"
        );
    }
}
