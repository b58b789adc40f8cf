//! R-CONF-2: the retention jobs alone, with no `Destroy` call, destroy a
//! complaint closed more than six years ago in all four services, a
//! compliment past two years and a submission declined as out of time
//! past one year: none of their personal data is left in any schema or on
//! the bus, while an open complaint's stays and the committee's figures
//! do not change. The four run in-process on one clock the test moves.

use super::stack::{Person, Stack, bytes_hold, holds};
use crate::support::eventually;
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::FixedClock;
use platform::testing::channel;
use std::time::Duration;

/// Whose complaint closes and is destroyed six years on.
const A: Person = Person {
    first_name: "Perpetua",
    last_name: "Gallowglass",
    email: "perpetua.gallowglass@example.org",
    detail: "Walrus-umbrella: my certificate named the wrong qualification.",
    attachment: "Attachment-of-Perpetua-6120",
};

/// Whose complaint stays open, and stays.
const B: Person = Person {
    first_name: "Thaddeus",
    last_name: "Wintersloe",
    email: "thaddeus.wintersloe@example.net",
    detail: "Otter-chandelier: my membership card never arrived.",
    attachment: "Attachment-of-Thaddeus-3391",
};

/// Whoever sends the compliment.
const C: Person = Person {
    first_name: "Octavian",
    last_name: "Brindlecombe",
    email: "octavian.brindlecombe@example.org",
    detail: "Marmalade-compass: the exams officer was wonderfully patient.",
    attachment: "Compliment-has-no-attachment-5150",
};

/// Whose old matter is declined as out of time.
const D: Person = Person {
    first_name: "Wilhelmina",
    last_name: "Tallowmere",
    email: "wilhelmina.tallowmere@example.net",
    detail: "Quince-barometer: my membership fee was taken twice in 2019.",
    attachment: "Attachment-of-Wilhelmina-4404",
};

fn compliment() -> pb::SubmitComplimentRequest {
    pb::SubmitComplimentRequest {
        idempotency_key: "retention-compliment".into(),
        channel: pb::Channel::Email as i32,
        team: "Customer Services".into(),
        about_person: "the exams officer".into(),
        message: C.detail.into(),
        from: Some(pb::Person {
            first_name: C.first_name.into(),
            last_name: C.last_name.into(),
            email: C.email.into(),
            ..Default::default()
        }),
    }
}

/// Every row of the retention queues of the four schemas.
async fn queued(stack: &Stack, pool: &sqlx::PgPool) -> i64 {
    let mut total = 0;
    for s in &stack.settings {
        let sql = format!(
            "SELECT count(*) FROM \"{}\".retention_due",
            s.database.schema.as_str()
        );
        total += crate::support::count(pool, &sql).await;
    }
    total
}

#[tokio::test]
async fn r_conf_2_the_retention_jobs_alone_destroy_what_is_past_its_period_in_all_four_services() {
    let clock = FixedClock::at(chrono::Utc::now());
    let stack = Stack::spawn_with(
        "retjob",
        Some(clock.clone()),
        &[("RETENTION_JOB_INTERVAL", "1s".to_owned())],
    )
    .await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let mut complaints = ComplaintsClient::new(channel(stack.addrs[1]).await);
    let a = intake
        .submit_complaint(A.submission())
        .await
        .unwrap()
        .into_inner();
    let b = intake
        .submit_complaint(B.submission())
        .await
        .unwrap()
        .into_inner();
    let mut old = D.submission();
    old.attachments.clear();
    old.matter_date = Some(pb::Date {
        year: 2019,
        month: 6,
        day: 3,
    });
    let d = intake.submit_complaint(old).await.unwrap().into_inner();
    intake
        .decline_out_of_time(pb::DeclineOutOfTimeRequest {
            submission_id: d.submission_id.clone(),
            reason: "No compelling reason for the delay".into(),
            decided_by: "staff-3".into(),
        })
        .await
        .unwrap();
    intake.submit_compliment(compliment()).await.unwrap();
    let a_ref = stack.reference_of(&a.submission_id).await;
    let b_ref = stack.reference_of(&b.submission_id).await;
    stack.mail_reached(A.email).await;
    stack.mail_reached(B.email).await;
    complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: Some(pb::ComplaintCommand {
                reference: a_ref.clone(),
                acting_user: "handler-1".into(),
                expected_version: None,
            }),
            how: "Resolved by telephone the same day".into(),
        })
        .await
        .unwrap();
    let figures = stack.settled_figures(3).await;
    let dump = stack.dump();
    for piece in A.pieces().into_iter().chain(B.pieces()) {
        assert!(holds(&dump, piece), "seeded {piece:?} is in the database");
    }
    for piece in [C.email, C.detail, D.email, D.detail] {
        assert!(holds(&dump, piece), "seeded {piece:?} is in the database");
    }

    // Six years and two days later, the jobs find A, C and D due.
    clock.advance(chrono::Duration::days(6 * 366 + 2));
    let gone = [
        A.pieces(),
        vec![C.email, C.first_name, C.detail],
        vec![D.email, D.last_name, D.detail],
    ]
    .concat();
    let pool = crate::support::database().await;
    eventually(
        "the jobs destroy everything due",
        Duration::from_secs(90),
        || async {
            // Queues first: a dump is only worth taking once they are empty.
            if queued(&stack, &pool).await > 0 {
                return None;
            }
            let dump = stack.dump();
            (!gone.iter().any(|piece| holds(&dump, piece))).then_some(())
        },
    )
    .await;

    let dump = stack.dump();
    let on_bus = stack.bus_contents().await;
    for piece in &gone {
        assert!(!holds(&dump, piece), "{piece:?} is gone from the database");
        assert!(
            !bytes_hold(&on_bus, piece),
            "{piece:?} is gone from the bus"
        );
    }
    for piece in B.pieces() {
        assert!(holds(&dump, piece), "{piece:?} of the open complaint stays");
    }
    for piece in [B.email, B.detail] {
        assert!(bytes_hold(&on_bus, piece), "{piece:?} stays on the bus");
    }
    // The open complaint's age band moved with the clock; nothing else may.
    let ageless = |f: pb::Figures| pb::Figures {
        open_by_age: None,
        ..f
    };
    assert_eq!(
        ageless(stack.figures().await),
        ageless(figures),
        "the committee's figures"
    );
    let missing = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: a_ref.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), tonic::Code::NotFound, "{missing:?}");
    complaints
        .get_complaint(pb::GetComplaintRequest { reference: b_ref })
        .await
        .unwrap();

    // Each service's tombstones name the policy, not a person.
    let mut dpo = stack.dpo().await;
    let mut by_service = Vec::new();
    for client in dpo.iter_mut() {
        let tombstones = client
            .list_destructions(pb::ListDestructionsRequest {})
            .await
            .unwrap()
            .into_inner()
            .tombstones;
        for t in &tombstones {
            assert!(t.authorised_by.starts_with("retention-policy:"), "{t:?}");
            for piece in &gone {
                assert!(!format!("{t:?}").contains(piece));
            }
        }
        let mut streams: Vec<String> = tombstones.into_iter().map(|t| t.stream_id).collect();
        streams.sort();
        by_service.push(streams);
    }
    assert!(by_service[0].contains(&format!("submission-{}", a.submission_id)));
    assert!(by_service[0].contains(&format!("submission-{}", d.submission_id)));
    assert!(by_service[0].iter().any(|s| s.starts_with("compliment-")));
    assert_eq!(by_service[1], [a_ref]);
    assert!(!by_service[2].is_empty(), "A's letters");
    assert!(by_service[3].is_empty(), "reporting only drops its link");
}

/// Runs the real `complaintsctl` against the services as the data
/// protection officer; returns its standard output.
async fn complaintsctl(stack: &Stack, args: &[&str]) -> String {
    let token = platform::testing::token(
        "dpo-1",
        &[platform::auth::Role::DataProtectionOfficer],
        None,
    );
    let output = stack.complaintsctl(&token, args).await;
    assert!(
        output.status.success(),
        "complaintsctl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// (service, record, held) of a `retention due` answer, sorted.
fn listed(due: &serde_json::Value) -> Vec<(String, String, bool)> {
    let mut rows: Vec<_> = due
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["service"].as_str().unwrap().to_owned(),
                d["record"].as_str().unwrap().to_owned(),
                d["held"].as_bool().unwrap(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn r_conf_2_complaintsctl_retention_lists_exactly_the_due_records_holds_everywhere_and_runs_the_jobs()
 {
    let clock = FixedClock::at(chrono::Utc::now());
    let stack = Stack::spawn_with(
        "retcli",
        Some(clock.clone()),
        &[("RETENTION_JOB_INTERVAL", "off".to_owned())],
    )
    .await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let mut redirected = Vec::new();
    for person in [A, B] {
        let mut appeal = person.submission();
        appeal.query_category = "Exam results appeal".into();
        let receipt = intake.submit_complaint(appeal).await.unwrap().into_inner();
        assert_eq!(receipt.status, pb::TriageStatus::Redirected as i32);
        redirected.push(receipt.reference);
    }
    intake.submit_compliment(compliment()).await.unwrap();
    let before = complaintsctl(&stack, &["--json", "retention", "due"]).await;
    assert_eq!(json(&before), serde_json::json!([]), "nothing is due yet");

    // A year and two days on: the two redirected submissions are due, the
    // compliment (two years) is not.
    clock.advance(chrono::Duration::days(367));
    let (kept, held) = (&redirected[0], &redirected[1]);
    let placed = complaintsctl(
        &stack,
        &[
            "--json",
            "retention",
            "hold",
            held,
            "--reason",
            "Regulator's inquiry",
        ],
    )
    .await;
    assert_eq!(
        json(&placed).as_array().unwrap().len(),
        4,
        "held in all four"
    );
    let holds = json(&complaintsctl(&stack, &["--json", "retention", "holds"]).await);
    assert_eq!(holds.as_array().unwrap().len(), 4);
    assert!(
        holds
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["record"] == held.as_str()
                && h["placed_by"] == "dpo-1"
                && h["reason"] == "Regulator's inquiry")
    );

    let due = json(&complaintsctl(&stack, &["--json", "retention", "due"]).await);
    let mut expected = vec![
        ("intake".to_owned(), kept.clone(), false),
        ("intake".to_owned(), held.clone(), true),
    ];
    expected.sort();
    assert_eq!(listed(&due), expected);
    assert!(
        due.as_array()
            .unwrap()
            .iter()
            .all(|d| d["policy"] == "redirected-or-declined-1y")
    );
    let table = complaintsctl(&stack, &["retention", "due"]).await;
    assert!(table.starts_with("SERVICE"), "{table}");
    assert!(
        table.contains(kept.as_str()) && table.contains(held.as_str()),
        "{table}"
    );

    let run = json(&complaintsctl(&stack, &["--json", "retention", "run"]).await);
    let by_intake = &run[0];
    assert_eq!(by_intake["service"], "intake");
    assert_eq!(by_intake["destroyed"][0]["record"], kept.as_str());
    assert_eq!(by_intake["skipped_under_hold"][0]["record"], held.as_str());
    let summary = complaintsctl(&stack, &["retention", "run"]).await;
    assert!(
        summary.contains("DESTROYED") && summary.contains("skipped: legal hold"),
        "{summary}"
    );

    complaintsctl(
        &stack,
        &["retention", "lift", held, "--reason", "Inquiry closed"],
    )
    .await;
    let after = json(&complaintsctl(&stack, &["--json", "retention", "run"]).await);
    assert_eq!(after[0]["destroyed"][0]["record"], held.as_str());
    let due = json(&complaintsctl(&stack, &["--json", "retention", "due"]).await);
    // Intake's part is done; the others follow the fact on their own runs.
    assert!(
        listed(&due)
            .iter()
            .all(|(service, record, _)| service != "intake" || (record != kept && record != held)),
        "{due}"
    );
}
