//! R-CONF-2 at intake: its retention job finds compliments and redirected
//! or declined submissions past their periods, destroys them, publishes
//! the fact for the other services, and leaves what is not yet due, what
//! is held and accepted complaints (whose period the complaints service
//! decides).

use crate::helpers::{TestIntake, date, web_form};
use complaints_proto::v1 as pb;
use complaints_proto::v1::retention_client::RetentionClient;
use prost::Message;

fn hold(record: &str) -> pb::HoldRequest {
    pb::HoldRequest {
        record: record.into(),
        reason: "Subject to a regulator's inquiry".into(),
    }
}

fn records(due: &[pb::DueRecord]) -> Vec<(String, String, bool)> {
    let mut listed: Vec<_> = due
        .iter()
        .map(|d| (d.record.clone(), d.policy.clone(), d.held))
        .collect();
    listed.sort();
    listed
}

async fn streams_of(intake: &TestIntake, stream: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM events WHERE stream_id = $1")
        .bind(stream)
        .fetch_one(intake.log.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn r_conf_2_compliments_after_two_years_and_redirected_or_declined_submissions_after_one_are_destroyed_unless_held()
 {
    let mut intake = TestIntake::spawn().await;
    let mut retention = RetentionClient::new(platform::testing::channel(intake.addr).await);
    let mut appeal = web_form("appeal");
    appeal.query_category = "Exam results appeal".into();
    let redirected = intake
        .client
        .submit_complaint(appeal)
        .await
        .unwrap()
        .into_inner();
    let mut old = web_form("old");
    old.matter_date = Some(date(2025, 1, 10));
    let declined = intake
        .client
        .submit_complaint(old)
        .await
        .unwrap()
        .into_inner();
    intake
        .client
        .decline_out_of_time(pb::DeclineOutOfTimeRequest {
            submission_id: declined.submission_id.clone(),
            reason: "No compelling reason given for the delay.".into(),
            decided_by: "staff-3".into(),
        })
        .await
        .unwrap();
    let accepted = intake
        .client
        .submit_complaint(web_form("accepted"))
        .await
        .unwrap()
        .into_inner();
    let compliment = intake
        .client
        .submit_compliment(pb::SubmitComplimentRequest {
            idempotency_key: "thanks".into(),
            channel: pb::Channel::Email as i32,
            team: "Customer Services".into(),
            about_person: "Sam in the contact centre".into(),
            message: "Sam sorted out my exam booking in one call.".into(),
            from: None,
        })
        .await
        .unwrap()
        .into_inner();

    // A year and a day on: the redirected and declined ones are due.
    intake.clock.advance(chrono::Duration::days(366));
    retention
        .place_hold(hold(&declined.reference))
        .await
        .unwrap();
    let due = retention
        .list_due(pb::ListDueRequest {})
        .await
        .unwrap()
        .into_inner();
    let one_year = "redirected-or-declined-1y".to_owned();
    let mut expected = vec![
        (redirected.reference.clone(), one_year.clone(), false),
        (declined.reference.clone(), one_year.clone(), true),
    ];
    expected.sort();
    assert_eq!(records(&due.records), expected);
    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        records(&run.destroyed),
        [(redirected.reference.clone(), one_year.clone(), false)]
    );
    assert_eq!(
        records(&run.skipped_under_hold),
        [(declined.reference.clone(), one_year.clone(), true)]
    );
    assert_eq!(
        run.tombstones[0].authorised_by,
        "retention-policy:redirected-or-declined-1y"
    );
    let redirected_stream = format!("submission-{}", redirected.submission_id);
    let declined_stream = format!("submission-{}", declined.submission_id);
    assert_eq!(streams_of(&intake, &redirected_stream).await, 0);
    assert!(
        streams_of(&intake, &declined_stream).await > 0,
        "held, so kept"
    );

    // Two years and a day on, with the hold lifted: the compliment and the
    // declined submission go; the accepted complaint stays.
    intake.clock.advance(chrono::Duration::days(366));
    retention
        .lift_hold(hold(&declined.reference))
        .await
        .unwrap();
    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    let mut expected = vec![
        (declined.reference.clone(), one_year.clone(), false),
        (
            compliment.reference.clone(),
            "compliments-2y".to_owned(),
            false,
        ),
    ];
    expected.sort();
    assert_eq!(records(&run.destroyed), expected);
    assert_eq!(streams_of(&intake, &declined_stream).await, 0);
    assert_eq!(
        streams_of(&intake, &format!("compliment-{}", compliment.compliment_id)).await,
        0
    );
    assert!(streams_of(&intake, &format!("submission-{}", accepted.submission_id)).await > 0);
    assert!(
        retention
            .list_due(pb::ListDueRequest {})
            .await
            .unwrap()
            .into_inner()
            .records
            .is_empty()
    );

    // One fact per record, for the other services, with ids only.
    let facts = intake
        .published("complaints.v1.RetentionPeriodEnded", 3)
        .await;
    let mut named: Vec<String> = facts
        .iter()
        .map(|f| {
            pb::RetentionPeriodEnded::decode(f.payload.as_ref().unwrap().value.as_slice())
                .unwrap()
                .record
        })
        .collect();
    named.sort();
    let mut expected = vec![
        redirected.reference,
        declined.reference,
        compliment.reference,
    ];
    expected.sort();
    assert_eq!(named, expected);
    intake.cleanup().await;
}
