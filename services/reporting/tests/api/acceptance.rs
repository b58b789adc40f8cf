//! Acceptance checks over several months: figures recomputed independently
//! from what was submitted, no personal data anywhere in reporting's
//! schema, and the anonymised log outliving the source streams.

use crate::helpers::{Stack, acting, date};
use chrono::{TimeZone, Utc};
use complaints_proto::v1 as pb;
use std::collections::BTreeMap;
use std::time::Duration;

/// One complaint to seed, with the Stage 1 decision to record, if any.
struct Seed {
    month: u32,
    day: u32,
    category: &'static str,
    channel: pb::Channel,
    first_name: &'static str,
    last_name: &'static str,
    email: &'static str,
    detail: &'static str,
    decision: Option<pb::Decision>,
}

const fn seed(
    month: u32,
    day: u32,
    category: &'static str,
    channel: pb::Channel,
    names: (&'static str, &'static str, &'static str),
    detail: &'static str,
    decision: Option<pb::Decision>,
) -> Seed {
    Seed {
        month,
        day,
        category,
        channel,
        first_name: names.0,
        last_name: names.1,
        email: names.2,
        detail,
        decision,
    }
}

/// 3 in January, 2 in February and 4 in March 2026; three Stage 1 outcomes.
const SEEDS: [Seed; 9] = [
    seed(
        1,
        12,
        "Exams and assessments",
        pb::Channel::WebForm,
        ("Quillon", "Marchbanks", "quillon.marchbanks@example.org"),
        "Zyxwort invigilator mislaid my paper",
        Some(pb::Decision::Upheld),
    ),
    seed(
        1,
        14,
        "Fees",
        pb::Channel::Email,
        ("Perpetua", "Oddsocks", "perpetua.oddsocks@example.org"),
        "Glimmerfen invoice charged twice",
        None,
    ),
    seed(
        1,
        20,
        "Fees",
        pb::Channel::Telephone,
        ("Barnaby", "Quintrell", "barnaby.quintrell@example.org"),
        "Wobblestone refund never arrived",
        Some(pb::Decision::NotUpheld),
    ),
    seed(
        2,
        3,
        "Membership",
        pb::Channel::WebForm,
        ("Isolde", "Frumpington", "isolde.frumpington@example.org"),
        "Snorkelwick renewal letter was rude",
        None,
    ),
    seed(
        2,
        17,
        "Exams and assessments",
        pb::Channel::Telephone,
        ("Cornelius", "Pettigrew", "cornelius.pettigrew@example.org"),
        "Brambleduck results portal crashed",
        Some(pb::Decision::PartlyUpheld),
    ),
    seed(
        3,
        2,
        "Membership",
        pb::Channel::Email,
        ("Ottoline", "Wrexham", "ottoline.wrexham@example.org"),
        "Fizzlegrove card never posted",
        None,
    ),
    seed(
        3,
        4,
        "Exams and assessments",
        pb::Channel::WebForm,
        ("Thaddeus", "Plumtree", "thaddeus.plumtree@example.org"),
        "Quagmirelle venue was freezing",
        Some(pb::Decision::NotUpheld),
    ),
    seed(
        3,
        9,
        "Fees",
        pb::Channel::WebForm,
        ("Wilhelmina", "Crabtree", "wilhelmina.crabtree@example.org"),
        "Jibberloo late payment fee unfair",
        None,
    ),
    seed(
        3,
        11,
        "Membership",
        pb::Channel::Telephone,
        (
            "Ignatius",
            "Bellweather",
            "ignatius.bellweather@example.org",
        ),
        "Mumblethorpe adviser hung up",
        None,
    ),
];

fn request(n: usize, s: &Seed) -> pb::SubmitComplaintRequest {
    pb::SubmitComplaintRequest {
        idempotency_key: format!("acceptance-{n}"),
        channel: s.channel as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: s.category.into(),
        query_detail: s.detail.into(),
        complainant: Some(pb::Person {
            first_name: s.first_name.into(),
            last_name: s.last_name.into(),
            email: s.email.into(),
            ..Default::default()
        }),
        matter_date: Some(date(2026, s.month, 1)),
        ..Default::default()
    }
}

fn label(month: u32) -> String {
    format!("2026-{month:02}")
}

async fn quarter(stack: &mut Stack) -> pb::Figures {
    stack
        .reporting
        .get_figures(pb::GetFiguresRequest {
            from: Some(date(2026, 1, 1)),
            to: Some(date(2026, 3, 31)),
            grouping: pb::Grouping::Month as i32,
        })
        .await
        .unwrap()
        .into_inner()
}

/// Polls the quarter's figures until `ready` holds; panics after 10 seconds.
async fn quarter_when(stack: &mut Stack, ready: impl Fn(&pb::Figures) -> bool) -> pb::Figures {
    let mut last = None;
    for _ in 0..400 {
        let figures = quarter(stack).await;
        if ready(&figures) {
            return figures;
        }
        last = Some(figures);
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the quarter's figures never got there; last: {last:?}");
}

fn stage1_denominator(g: &pb::GroupFigures) -> u64 {
    g.stages
        .first()
        .and_then(|s| s.upheld)
        .map_or(0, |r| r.denominator)
}

/// What the seeds say each month should show.
#[derive(Default, Debug)]
struct Expected {
    total: u64,
    by_category: BTreeMap<String, u64>,
    by_channel: BTreeMap<i32, u64>,
    upheld: u64,
    decided: u64,
}

fn expected() -> BTreeMap<String, Expected> {
    let mut months: BTreeMap<String, Expected> = BTreeMap::new();
    for s in &SEEDS {
        let e = months.entry(label(s.month)).or_default();
        e.total += 1;
        *e.by_category.entry(s.category.to_owned()).or_default() += 1;
        *e.by_channel.entry(s.channel as i32).or_default() += 1;
        if let Some(decision) = s.decision {
            e.decided += 1;
            if matches!(decision, pb::Decision::Upheld | pb::Decision::PartlyUpheld) {
                e.upheld += 1;
            }
        }
    }
    months
}

/// Submits every seed on its own day (waiting for each month to be opened
/// and counted before moving the clock on), records the Stage 1 outcomes
/// on 20 March, and waits for reporting to show all of it. Returns each
/// seed's submission id and reference.
async fn seed_quarter(stack: &mut Stack) -> Vec<(String, String)> {
    let mut seeded = Vec::new();
    for (n, s) in SEEDS.iter().enumerate() {
        stack.clock.set(
            Utc.with_ymd_and_hms(2026, s.month, s.day, 10, 0, 0)
                .unwrap(),
        );
        let submission = stack.submit(request(n, s)).await;
        let reference = stack.reference_for(&submission).await;
        seeded.push((submission, reference));
        let count = seeded.len() as u64;
        quarter_when(stack, |f| {
            f.complaints_received == count
                && f.groups.iter().map(|g| g.entered_procedure).sum::<u64>() == count
        })
        .await;
    }

    stack
        .clock
        .set(Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap());
    for (s, (_, reference)) in SEEDS.iter().zip(&seeded) {
        let Some(decision) = s.decision else { continue };
        stack
            .complaints
            .assign_handler(pb::AssignHandlerRequest {
                command: acting(reference, "supervisor-1"),
                handler: "handler-1".into(),
                team: "Customer Services".into(),
                role: pb::HandlerRole::Handler as i32,
            })
            .await
            .unwrap();
        let remedies = if decision == pb::Decision::NotUpheld {
            vec![]
        } else {
            vec![pb::RemedyInput {
                kind: pb::RemedyKind::Apology as i32,
                description: "A written apology.".into(),
                ..Default::default()
            }]
        };
        stack
            .complaints
            .record_outcome(pb::RecordOutcomeRequest {
                command: acting(reference, "handler-1"),
                stage: pb::Stage::Stage1 as i32,
                decision: decision as i32,
                findings: "The findings of the investigation.".into(),
                remedies,
                ..Default::default()
            })
            .await
            .unwrap();
    }

    let expected = expected();
    quarter_when(stack, |f| {
        expected.iter().all(|(label, e)| {
            f.groups
                .iter()
                .find(|g| &g.label == label)
                .is_some_and(|g| stage1_denominator(g) == e.decided)
        })
    })
    .await;
    seeded
}

/// R-MON-3: over a quarter grouped by month, the volumes by month, category
/// and channel and the Stage 1 upheld rate are those the submissions imply.
#[tokio::test]
async fn r_mon_3_figures_over_several_months_equal_those_computed_independently() {
    let mut stack = Stack::spawn().await;
    seed_quarter(&mut stack).await;
    let figures = quarter(&mut stack).await;
    let expected = expected();

    assert_eq!(figures.complaints_received, SEEDS.len() as u64);
    let labels: Vec<&str> = figures.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["2026-01", "2026-02", "2026-03"]);
    for group in &figures.groups {
        let e = &expected[&group.label];
        assert_eq!(group.total, e.total, "{}: total", group.label);
        assert_eq!(group.entered_procedure, e.total, "{}", group.label);
        let by_category: BTreeMap<String, u64> = group
            .by_category
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .filter(|(_, v)| *v > 0)
            .collect();
        assert_eq!(by_category, e.by_category, "{}: by category", group.label);
        let by_channel: BTreeMap<i32, u64> = group
            .by_channel
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| (c.channel, c.count))
            .collect();
        assert_eq!(by_channel, e.by_channel, "{}: by channel", group.label);
        let stage1 = &group.stages[0];
        assert_eq!(stage1.stage, pb::Stage::Stage1 as i32);
        assert_eq!(
            stage1.upheld,
            Some(pb::Rate {
                numerator: e.upheld,
                denominator: e.decided,
            }),
            "{}: Stage 1 upheld rate",
            group.label
        );
    }
    stack.cleanup().await;
}

/// Every value of every text-like column of every table in the pool's
/// current schema, cast to text.
async fn every_text_value(pool: &sqlx::PgPool) -> Vec<(String, String, String)> {
    let columns: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = current_schema() \
           AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', \
                             'uuid', 'ARRAY', 'USER-DEFINED', 'bytea')",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(!columns.is_empty(), "reporting's schema has text columns");
    let mut values = Vec::new();
    for (table, column) in columns {
        let sql = format!(
            "SELECT \"{column}\"::text FROM \"{table}\" WHERE \"{column}\" IS NOT NULL",
            column = column.replace('"', "\"\""),
            table = table.replace('"', "\"\""),
        );
        let found: Vec<String> = sqlx::query_scalar(&sql).fetch_all(pool).await.unwrap();
        values.extend(
            found
                .into_iter()
                .map(|v| (table.clone(), column.clone(), v)),
        );
    }
    values
}

/// R-MON-3: no table of reporting's schema holds any seeded name, email,
/// free text, submission id or complaint reference.
#[tokio::test]
async fn r_mon_3_the_log_holds_none_of_the_seeded_personal_data() {
    let mut stack = Stack::spawn().await;
    let seeded = seed_quarter(&mut stack).await;
    let pool = stack.reporting_pool().await;
    let values = every_text_value(&pool).await;
    assert!(
        values
            .iter()
            .any(|(t, c, v)| t == "anonymised_records" && c == "query_category" && v == "Fees"),
        "the scan reaches the anonymised records"
    );

    let mut personal: Vec<String> = Vec::new();
    let mut references: Vec<String> = Vec::new();
    for (s, (submission, reference)) in SEEDS.iter().zip(&seeded) {
        personal.extend(
            [s.first_name, s.last_name, s.email, s.detail]
                .into_iter()
                .map(str::to_owned),
        );
        personal.push(submission.clone());
        references.push(reference.clone());
    }
    personal.push("The findings of the investigation.".into());
    personal.push("A written apology.".into());

    let mut found = Vec::new();
    for (table, column, value) in &values {
        let lower = value.to_lowercase();
        let needles = personal.iter().chain(references.iter());
        for needle in needles {
            if lower.contains(&needle.to_lowercase()) {
                found.push(format!("{needle:?} in {table}.{column}: {value}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "personal data in the log:\n{}",
        found.join("\n")
    );
    stack.cleanup().await;
}

/// R-CONF-2: destroying the complaint's and the submission's streams in
/// their own services leaves reporting's anonymised figures as they were.
#[tokio::test]
async fn r_conf_2_the_anonymised_log_survives_destruction_of_the_complaints_streams() {
    let mut stack = Stack::spawn().await;
    let seeded = seed_quarter(&mut stack).await;
    let before = quarter(&mut stack).await;

    let intake_log = stack.intake_log().await;
    for (submission, reference) in &seeded {
        let complaint = eventlog::StreamId::new(reference.clone()).unwrap();
        let destroyed = stack
            .complaints_log
            .destroy_stream(&complaint, "retention period over", "ccm-1")
            .await
            .unwrap();
        assert!(destroyed > 0, "{reference} had events");
        let submission_stream =
            eventlog::StreamId::new(format!("submission-{submission}")).unwrap();
        let destroyed = intake_log
            .destroy_stream(&submission_stream, "retention period over", "ccm-1")
            .await
            .unwrap();
        assert!(destroyed > 0, "{submission} had events");
    }

    // Give anything the destruction might publish time to arrive.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(quarter(&mut stack).await, before);
    stack.cleanup().await;
}

/// R-CONF-2: a complaint destroyed through the retention API of intake,
/// complaints and reporting keeps its anonymised record, even through a
/// rebuild of the log from a bus that no longer holds its events, and
/// loses its link and its log entries (whose trace ids could lead back to
/// it).
#[tokio::test]
async fn r_conf_2_a_destroyed_complaint_stays_in_the_figures_through_a_rebuild_of_the_log() {
    use complaints_proto::v1::retention_client::RetentionClient;
    use platform::auth::Role;
    use platform::testing::{channel_as, token};

    let mut stack = Stack::spawn().await;
    let seeded = seed_quarter(&mut stack).await;
    let before = quarter(&mut stack).await;
    let (submission, reference) = seeded[0].clone();
    let timeline = |stack: &mut Stack| {
        let mut reporting = stack.reporting.clone();
        let reference = reference.clone();
        async move {
            reporting
                .get_log_timeline(pb::GetLogTimelineRequest { reference })
                .await
        }
    };
    assert!(timeline(&mut stack).await.is_ok(), "the record is linked");

    let dpo = token("dpo-1", &[Role::DataProtectionOfficer], None);
    for addr in [
        stack.intake_addr,
        stack.complaints_addr,
        stack.reporting_addr,
    ] {
        let mut retention = RetentionClient::new(channel_as(addr, Some(&dpo)).await);
        retention
            .destroy(pb::DestroyRequest {
                complaint_reference: reference.clone(),
                submission_id: submission.clone(),
                reason: "retention period over".into(),
            })
            .await
            .unwrap();
    }
    let gone = timeline(&mut stack).await.unwrap_err();
    assert_eq!(gone.code(), tonic::Code::NotFound, "the link is destroyed");
    let pool = stack.reporting_pool().await;
    let orphans: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM log_entries WHERE pseudonym NOT IN \
         (SELECT pseudonym FROM complaint_pseudonyms)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(orphans, 0, "no log entry outlives its link");
    assert_eq!(quarter(&mut stack).await, before, "the figures stay");

    stack.rebuild_log().await;
    assert_eq!(
        quarter(&mut stack).await,
        before,
        "a rebuild from the bus keeps the destroyed complaint's record"
    );
    assert_eq!(
        timeline(&mut stack).await.unwrap_err().code(),
        tonic::Code::NotFound,
        "and does not bring its link back"
    );
    stack.cleanup().await;
}
