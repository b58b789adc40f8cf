//! What one view of the committee's page costs the reporting service with a
//! few thousand complaints in the log: the phases of the committee report
//! (the SQL fetch, the figures, the equality tables, the rendering) and
//! the three calls the console's `/committee` page makes, computed after a
//! change and viewed again.
//! It prints its measurements and asserts nothing about time (speed is the
//! bench's), so it is ignored by default:
//! `COST_RECORDS=5000 cargo nextest run -p reporting --test api cost --run-ignored only --no-capture`.

use crate::helpers::{Stack, date};
use chrono::{Days, NaiveDate};
use complaints_proto::v1 as pb;
use reporting::core::{
    self, Channel, Characteristic, ClosureKind, DeadlineKind, Decision, Fact, Grouping,
    MonitoringAnswers, Period, RemedyKind, Stage,
};
use reporting::{report, store};
use std::time::{Duration, Instant};

/// The facts of the `n`th made-up complaint: received over the eighteen
/// months to the stack's day, most answered at Stage 1, some escalated,
/// some with remedies and actions.
pub fn facts(n: u32, today: NaiveDate) -> Vec<Fact> {
    let received_on = today - Days::new(u64::from(n * 7919 % 540));
    let later = |d: NaiveDate, days: u32| d + Days::new(u64::from(days));
    let channel = [Channel::WebForm, Channel::Email, Channel::Telephone][n as usize % 3];
    let category = ["Fees", "Exams", "Membership", "Certificates"][n as usize % 4];
    let mut out = vec![Fact::Submitted {
        received_on,
        channel,
        query_category: category.into(),
        customer_type: ["Student", "Member", "Centre"][n as usize % 3].into(),
        third_party: n % 9 == 4,
    }];
    if n % 11 == 3 {
        out.push(Fact::ResolvedOutsideProcedure);
        return out;
    }
    out.push(Fact::Accepted);
    out.push(Fact::Opened {
        received_on,
        channel,
        query_category: category.into(),
        regulated_qualification: n.is_multiple_of(4),
    });
    out.push(if n % 6 == 5 {
        Fact::DeadlineMissed {
            kind: DeadlineKind::FirstContact,
        }
    } else {
        Fact::DeadlineMet {
            kind: DeadlineKind::FirstContact,
        }
    });
    let outcome_on = later(received_on, 12 + n % 15);
    if outcome_on >= today {
        return out;
    }
    let decision = [
        Decision::Upheld,
        Decision::PartlyUpheld,
        Decision::NotUpheld,
    ][n as usize % 3];
    let remedies = if decision == Decision::NotUpheld {
        vec![]
    } else {
        vec![RemedyKind::Apology, RemedyKind::ReviseProcedures]
    };
    out.push(Fact::OutcomeRecorded {
        stage: Stage::One,
        decision: Some(decision),
        remedies,
        compensation_pence: if n.is_multiple_of(5) { 2_500 } else { 0 },
        on: outcome_on,
    });
    if decision != Decision::NotUpheld {
        out.push(Fact::ActionAdded {
            id: 1,
            due_on: later(outcome_on, 30),
        });
        if later(outcome_on, 20) < today {
            out.push(Fact::ActionCompleted {
                id: 1,
                on: Some(later(outcome_on, 20)),
            });
        }
    }
    let mut last = outcome_on;
    if n % 5 == 2 && later(outcome_on, 40) < today {
        out.push(Fact::StageEscalated {
            to: Stage::Two,
            received_on: later(outcome_on, 7),
        });
        last = later(outcome_on, 32);
        out.push(Fact::OutcomeRecorded {
            stage: Stage::Two,
            decision: Some(Decision::NotUpheld),
            remedies: vec![RemedyKind::Explanation],
            compensation_pence: 0,
            on: last,
        });
    }
    if later(last, 20) < today {
        out.push(Fact::Closed {
            on: later(last, 20),
            how: ClosureKind::EscalationWindowLapsed,
        });
    }
    out
}

/// Writes `count` made-up records, and the monitoring answers of every
/// other one, straight into the read model in one transaction.
pub async fn seed(pool: &sqlx::PgPool, count: u32, today: NaiveDate) {
    let mut tx = pool.begin().await.unwrap();
    for n in 0..count {
        let pseudonym = format!("cost-{n}");
        let mut record = store::lock_record(&mut tx, &pseudonym).await.unwrap();
        for fact in facts(n, today) {
            core::apply(&mut record, &fact);
        }
        store::save_record(&mut tx, &record).await.unwrap();
        if n.is_multiple_of(2) {
            let answer = |options: &[&str]| options[n as usize % options.len()].to_owned();
            store::save_answers(
                &mut tx,
                &MonitoringAnswers {
                    pseudonym,
                    ethnicity: answer(&["White", "Asian", "Black", "Mixed"]),
                    disability: answer(&["No", "Yes", "Prefer not to say"]),
                    gender: answer(&["Woman", "Man"]),
                    age_band: answer(&["16-24", "25-34", "35-44", "45-54", "55+"]),
                    religion_or_belief: answer(&["None", "Christian", "Muslim"]),
                    sexual_orientation: answer(&["Heterosexual", "Gay", "Bisexual"]),
                },
            )
            .await
            .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    times[(times.len() * p).div_ceil(100).saturating_sub(1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Times `f` `n` times; prints p50 and p95 under `name`.
async fn time<F, Fut>(name: &str, n: usize, mut f: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f().await;
        times.push(started.elapsed());
    }
    let p50 = percentile(&mut times, 50);
    let p95 = percentile(&mut times, 95);
    println!("{name:<48} p50 {:>9}  p95 {:>9}", ms(p50), ms(p95));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: run it on its own with --run-ignored"]
async fn cost_of_a_committee_view() {
    let count: u32 = std::env::var("COST_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let stack = Stack::spawn().await;
    let pool = stack.reporting_pool().await;
    let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    seed(&pool, count, today).await;
    let from = NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
    let period = Period::new(from, today).unwrap();
    let calendar = calendar::Calendar::england_and_wales();
    let go_on = || Ok::<(), ()>(());
    println!("{count} records, the twelve months to {today}");

    let history = store::records_up_to(&pool, today).await.unwrap();
    let answers = store::answers_in(&pool, period).await.unwrap();
    time("phase: SQL records_up_to", 10, || async {
        store::records_up_to(&pool, today).await.unwrap();
    })
    .await;
    time("phase: SQL answers_in", 10, || async {
        store::answers_in(&pool, period).await.unwrap();
    })
    .await;
    time("phase: figures", 10, || async {
        core::figures_checked(&history, period, Grouping::Month, today, &calendar, &go_on).unwrap();
    })
    .await;
    time("phase: four quarters", 10, || async {
        report::volumes::quarters_checked(&history, today, &calendar, &go_on).unwrap();
    })
    .await;
    let records: Vec<core::AnonymisedRecord> = history
        .iter()
        .filter(|r| r.received_on.is_some_and(|on| period.contains(on)))
        .cloned()
        .collect();
    time("phase: six equality tables", 10, || async {
        for c in Characteristic::ALL {
            core::equality_analysis_checked(&records, &answers, c, core::DEFAULT_THRESHOLD, &go_on)
                .unwrap();
        }
    })
    .await;
    let figures =
        core::figures_checked(&history, period, Grouping::Month, today, &calendar, &go_on).unwrap();
    let quarters = report::volumes::quarters_checked(&history, today, &calendar, &go_on).unwrap();
    let equality: Vec<_> = Characteristic::ALL
        .iter()
        .map(|c| core::equality_analysis(&records, &answers, *c, core::DEFAULT_THRESHOLD))
        .collect();
    time("phase: render HTML and SVG", 10, || async {
        report::render(&report::ReportInput {
            figures: &figures,
            quarters: &quarters,
            records: &records,
            equality: &equality,
            calendar: &calendar,
            produced_on: today,
        });
    })
    .await;

    let (from, to) = (Some(date(2025, 4, 1)), Some(date(2026, 3, 2)));
    let client = stack.reporting.clone();
    // The three calls the console's `/committee` page makes.
    let page = || {
        let mut client = client.clone();
        async move {
            client
                .committee_report(pb::CommitteeReportRequest {
                    from,
                    to,
                    grouping: pb::Grouping::Month as i32,
                })
                .await
                .unwrap();
            client
                .get_figures(pb::GetFiguresRequest {
                    from,
                    to,
                    grouping: pb::Grouping::Month as i32,
                })
                .await
                .unwrap();
            client
                .get_equality_analysis(pb::GetEqualityAnalysisRequest {
                    characteristic: pb::Characteristic::Ethnicity as i32,
                    from,
                    to,
                    threshold: 0,
                })
                .await
                .unwrap();
        }
    };
    // What any call costs here (the token check, the access audit, gRPC):
    // one that reads a single row.
    time("baseline: GetLogTimeline of no record", 20, || {
        let mut client = client.clone();
        async move {
            let _ = client
                .get_log_timeline(pb::GetLogTimelineRequest {
                    reference: "CMP-2026-999999".into(),
                })
                .await;
        }
    })
    .await;
    // A statement on the records moves the generation on even when it
    // changes no row, so each view after it computes everything, as every
    // view did before answers were kept.
    time("the page's three calls, each after a change", 10, || {
        let pool = pool.clone();
        let page = page();
        async move {
            sqlx::query("UPDATE anonymised_records SET channel = channel WHERE false")
                .execute(&pool)
                .await
                .unwrap();
            page.await;
        }
    })
    .await;
    time("the page's three calls, viewed again", 30, page).await;
    stack.cleanup().await;
}
