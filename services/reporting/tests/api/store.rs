use chrono::NaiveDate;
use reporting::core::{
    AnonymisedRecord, Channel, ClosureKind, DeadlineKind, Decision, Fact, RemedyKind, Stage, apply,
};
use reporting::store;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
}

/// R-MON-3: a record stored in the log reads back exactly as it was, every
/// stage, deadline and open action included, and holds its pseudonym only.
#[tokio::test]
async fn r_mon_3_a_record_stored_in_the_log_reads_back_exactly() {
    let db = eventlog::testing::fresh_settings("reporting");
    let log = eventlog::EventLog::connect(&db, Some(&MIGRATIONS))
        .await
        .unwrap();
    let mut tx = log.pool().begin().await.unwrap();
    let mut record = store::lock_record(&mut tx, "pseudonym-1").await.unwrap();
    assert_eq!(
        record,
        AnonymisedRecord::new("pseudonym-1"),
        "a new record is empty"
    );
    for fact in [
        Fact::Submitted {
            received_on: day(2),
            channel: Channel::Telephone,
            query_category: "Fees".into(),
            customer_type: "Fellow".into(),
            third_party: true,
        },
        Fact::Opened {
            received_on: day(2),
            channel: Channel::Telephone,
            query_category: "Fees".into(),
            regulated_qualification: true,
        },
        Fact::StageEscalated {
            to: Stage::Two,
            received_on: day(4),
        },
        Fact::OutcomeRecorded {
            stage: Stage::Two,
            decision: Some(Decision::Upheld),
            remedies: vec![RemedyKind::FinancialCompensation, RemedyKind::Apology],
            compensation_pence: 12_345,
            on: day(20),
        },
        Fact::DeadlineMissed {
            kind: DeadlineKind::FirstContact,
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::FirstContact,
        },
        Fact::DeadlineMet {
            kind: DeadlineKind::Stage2Response,
        },
        Fact::ActionAdded {
            id: 3,
            due_on: day(25),
        },
        Fact::Closed {
            on: day(27),
            how: ClosureKind::EscalationWindowLapsed,
        },
    ] {
        apply(&mut record, &fact);
    }
    store::save_record(&mut tx, &record).await.unwrap();
    tx.commit().await.unwrap();

    let loaded = store::records_up_to(log.pool(), day(31)).await.unwrap();
    assert_eq!(loaded, vec![record]);
    assert!(
        store::records_up_to(log.pool(), day(1))
            .await
            .unwrap()
            .is_empty(),
        "received after the date"
    );
    eventlog::testing::drop_schema(log.pool(), &db.schema).await;
}
