//! The example report in `docs/committee-report-example.html`, drawn from a
//! fixed, made-up set of records. The test below fails when the file is out
//! of date; `UPDATE_DOCS=1 cargo test -p reporting report::example`
//! rewrites it.

use super::{ReportInput, committee_report};
use crate::core::{
    AnonymisedRecord, Channel, Characteristic, DEFAULT_THRESHOLD, DeadlineKind, Decision, Fact,
    Grouping, MonitoringAnswers, Period, Stage, apply, equality_analysis, figures,
};
use calendar::Calendar;
use chrono::NaiveDate;

fn day(month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, d).unwrap()
}

/// Twelve complaints over the first quarter of 2026.
fn records() -> (Vec<AnonymisedRecord>, Vec<MonitoringAnswers>) {
    let mut records = Vec::new();
    let mut answers = Vec::new();
    for n in 0u32..12 {
        let month = 1 + n % 3;
        let received_on = day(month, 2 + n);
        let mut r = AnonymisedRecord::new(format!("example-{n}"));
        let decision = [
            Decision::Upheld,
            Decision::PartlyUpheld,
            Decision::NotUpheld,
        ][n as usize % 3];
        let facts = [
            Fact::Submitted {
                received_on,
                channel: if n % 2 == 0 {
                    Channel::WebForm
                } else {
                    Channel::Email
                },
                query_category: if n % 4 == 0 {
                    "Fees"
                } else {
                    "Exams & assessments"
                }
                .into(),
                customer_type: "Student".into(),
                third_party: n == 5,
            },
            Fact::Accepted,
            Fact::Opened {
                received_on,
                channel: Channel::WebForm,
                query_category: "Fees".into(),
                regulated_qualification: n % 3 == 0,
            },
            if n % 5 == 0 {
                Fact::DeadlineMissed {
                    kind: DeadlineKind::FirstContact,
                }
            } else {
                Fact::DeadlineMet {
                    kind: DeadlineKind::FirstContact,
                }
            },
            Fact::OutcomeRecorded {
                stage: Stage::One,
                decision: Some(decision),
                remedies: vec![],
                compensation_pence: if n == 3 { 5_000 } else { 0 },
                on: received_on + chrono::Days::new(10),
            },
        ];
        for fact in &facts {
            apply(&mut r, fact);
        }
        if n % 4 == 2 {
            apply(
                &mut r,
                &Fact::StageEscalated {
                    to: Stage::Two,
                    received_on: received_on + chrono::Days::new(14),
                },
            );
            apply(
                &mut r,
                &Fact::DeadlineMet {
                    kind: DeadlineKind::Stage2Response,
                },
            );
            apply(
                &mut r,
                &Fact::OutcomeRecorded {
                    stage: Stage::Two,
                    decision: Some(Decision::NotUpheld),
                    remedies: vec![],
                    compensation_pence: 0,
                    on: received_on + chrono::Days::new(30),
                },
            );
        }
        answers.push(MonitoringAnswers {
            pseudonym: r.pseudonym.clone(),
            gender: if n < 2 { "Man" } else { "Woman" }.into(),
            age_band: ["16-24", "25-34"][n as usize % 2].into(),
            ..Default::default()
        });
        records.push(r);
    }
    (records, answers)
}

/// The example document.
pub fn example() -> String {
    let (records, answers) = records();
    let calendar = Calendar::england_and_wales();
    let period = Period::new(day(1, 1), day(3, 31)).unwrap();
    let today = day(4, 1);
    let figures = figures(&records, period, Grouping::Month, today, &calendar);
    let equality: Vec<_> = Characteristic::ALL
        .iter()
        .map(|c| equality_analysis(&records, &answers, *c, DEFAULT_THRESHOLD))
        .collect();
    committee_report(&ReportInput {
        figures: &figures,
        records: &records,
        equality: &equality,
        produced_on: today,
    })
}

#[cfg(test)]
mod tests {
    use super::example;

    const PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/committee-report-example.html"
    );

    /// The outcomes chart on its own, for the README to show.
    const CHART_PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/committee-report-outcomes.svg"
    );

    /// The first chart after `title` in the page.
    fn chart_after<'a>(html: &'a str, title: &str) -> &'a str {
        let from = html.find(title).expect("the chart's title");
        let start = from + html[from..].find("<svg").expect("an <svg>");
        let end = start + html[start..].find("</svg>").expect("a closed <svg>");
        &html[start..end + "</svg>".len()]
    }

    #[test]
    fn the_example_in_the_docs_is_up_to_date() {
        let html = example();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count());
        for title in super::super::CHART_TITLES {
            assert!(html.contains(title), "{title}");
        }
        assert!(html.contains("fewer than 5, not shown"));
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs")).unwrap();
            std::fs::write(PATH, &html).unwrap();
            let chart = chart_after(&html, super::super::outcomes::TITLE);
            std::fs::write(CHART_PATH, format!("{chart}\n")).unwrap();
        }
        let stored = std::fs::read_to_string(PATH).unwrap_or_default();
        assert!(
            stored == html,
            "{PATH} is out of date: run UPDATE_DOCS=1 cargo test -p reporting report::example"
        );
        let chart = chart_after(&html, super::super::outcomes::TITLE);
        let stored = std::fs::read_to_string(CHART_PATH).unwrap_or_default();
        assert!(
            stored.trim_end() == chart,
            "{CHART_PATH} is out of date: run UPDATE_DOCS=1 cargo test -p reporting report::example"
        );
    }
}
