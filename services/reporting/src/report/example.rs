//! The example report in `docs/committee-report-example.html`, drawn from a
//! fixed, made-up set of records. The test below fails when the file is out
//! of date; `UPDATE_DOCS=1 cargo test -p reporting report::example`
//! rewrites it.

use super::{ReportInput, committee_report};
use crate::core::{
    AnonymisedRecord, Channel, Characteristic, DEFAULT_THRESHOLD, DeadlineKind, Decision, Fact,
    Grouping, MonitoringAnswers, Period, RemedyKind, Stage, apply, equality_analysis, figures,
};
use calendar::Calendar;
use chrono::{Days, NaiveDate};

fn date(year: i32, month: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, d).unwrap()
}

/// The day the example report is produced.
fn today() -> NaiveDate {
    date(2026, 4, 1)
}

const CATEGORIES: [&str; 5] = [
    "Exams & assessments",
    "Fees",
    "Membership",
    "Certificates",
    "Customer service",
];

/// Complaints received in each month from April 2025 to March 2026.
const PER_MONTH: [u32; 12] = [3, 4, 4, 5, 4, 6, 5, 6, 7, 6, 7, 7];

fn later(d: NaiveDate, days: u64) -> NaiveDate {
    d + Days::new(days)
}

/// The facts of the `n`th made-up complaint, received on `received_on`.
fn facts(n: u32, received_on: NaiveDate) -> Vec<Fact> {
    let today = today();
    let channel = if n % 7 == 6 {
        Channel::Regulator
    } else if n.is_multiple_of(3) {
        Channel::Email
    } else if n % 5 == 1 {
        Channel::Telephone
    } else {
        Channel::WebForm
    };
    let category = CATEGORIES[(n as usize * 7 + n as usize / 5) % CATEGORIES.len()];
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
    let kind = DeadlineKind::FirstContact;
    out.push(if n % 6 == 5 {
        Fact::DeadlineMissed { kind }
    } else {
        Fact::DeadlineMet { kind }
    });
    let outcome_on = later(received_on, 12 + u64::from(n % 10));
    if outcome_on >= today {
        return out;
    }
    let kind = DeadlineKind::AgreedTimescale;
    out.push(if n % 8 == 7 {
        Fact::DeadlineMissed { kind }
    } else {
        Fact::DeadlineMet { kind }
    });
    let decision = [
        Decision::Upheld,
        Decision::PartlyUpheld,
        Decision::NotUpheld,
        Decision::NotUpheld,
    ][n as usize % 4];
    let mut remedies = Vec::new();
    let mut compensation_pence = 0;
    if decision != Decision::NotUpheld {
        remedies.push(RemedyKind::Apology);
        if n.is_multiple_of(2) {
            remedies.push(RemedyKind::Explanation);
        }
        if n.is_multiple_of(5) {
            remedies.push(RemedyKind::FinancialCompensation);
            compensation_pence = 2_500 + 500 * i64::from(n % 4);
        }
        if n.is_multiple_of(3) {
            remedies.push(RemedyKind::ReviseProcedures);
        }
    }
    out.push(Fact::OutcomeRecorded {
        stage: Stage::One,
        decision: Some(decision),
        remedies: remedies.clone(),
        compensation_pence,
        on: outcome_on,
    });
    if remedies.contains(&RemedyKind::ReviseProcedures) {
        let due_on = later(outcome_on, 30);
        out.push(Fact::ActionAdded { id: 1, due_on });
        let done_on = if n % 4 == 1 {
            later(due_on, 5)
        } else {
            later(outcome_on, 20)
        };
        if done_on < today {
            out.push(Fact::ActionCompleted {
                id: 1,
                on: Some(done_on),
            });
        }
    }
    if n % 13 == 1 {
        out.push(Fact::ActionAdded {
            id: 2,
            due_on: later(received_on, 40),
        });
    }
    let mut last = outcome_on;
    let mut closure = crate::core::ClosureKind::EscalationWindowLapsed;
    if (n % 5 == 2 || n % 7 == 3) && later(outcome_on, 40) < today {
        let started = later(outcome_on, 7);
        out.push(Fact::StageEscalated {
            to: Stage::Two,
            received_on: started,
        });
        let kind = DeadlineKind::Stage2Response;
        out.push(if n % 10 == 7 {
            Fact::DeadlineMissed { kind }
        } else {
            Fact::DeadlineMet { kind }
        });
        last = later(started, 25);
        out.push(Fact::OutcomeRecorded {
            stage: Stage::Two,
            decision: Some(if n.is_multiple_of(3) {
                Decision::PartlyUpheld
            } else {
                Decision::NotUpheld
            }),
            remedies: vec![RemedyKind::Explanation],
            compensation_pence: 0,
            on: last,
        });
        if n % 15 == 12 && later(last, 60) < today {
            let started = later(last, 10);
            out.push(Fact::StageEscalated {
                to: Stage::Three,
                received_on: started,
            });
            out.push(Fact::DeadlineMet {
                kind: DeadlineKind::Stage3Acknowledgement,
            });
            out.push(Fact::DeadlineMet {
                kind: DeadlineKind::Stage3Response,
            });
            last = later(started, 40);
            out.push(Fact::OutcomeRecorded {
                stage: Stage::Three,
                decision: Some(Decision::NotUpheld),
                remedies: vec![],
                compensation_pence: 0,
                on: last,
            });
            closure = crate::core::ClosureKind::AfterStage3;
        }
    }
    let closed_on = later(last, 20);
    if closed_on < today {
        out.push(Fact::Closed {
            on: closed_on,
            how: closure,
        });
    }
    out
}

/// Sixty-four complaints over the twelve months to March 2026, and the
/// monitoring answers of those received in its first quarter.
pub(super) fn records() -> (Vec<AnonymisedRecord>, Vec<MonitoringAnswers>) {
    let mut records = Vec::new();
    let mut answers = Vec::new();
    let mut n = 0u32;
    let mut in_quarter = 0usize;
    for (m, count) in PER_MONTH.iter().enumerate() {
        let m = u32::try_from(m).unwrap();
        let (year, month) = if m < 9 { (2025, 4 + m) } else { (2026, m - 8) };
        for i in 0..*count {
            let received_on = date(year, month, 2 + i * 3 + n % 2);
            let mut r = AnonymisedRecord::new(format!("example-{n}"));
            for fact in facts(n, received_on) {
                apply(&mut r, &fact);
            }
            if year == 2026 {
                let k = in_quarter;
                answers.push(MonitoringAnswers {
                    pseudonym: r.pseudonym.clone(),
                    gender: if k == 4 {
                        "Prefer not to say"
                    } else if k.is_multiple_of(3) {
                        "Man"
                    } else {
                        "Woman"
                    }
                    .into(),
                    age_band: ["16-24", "25-34", "35-49"][k % 3].into(),
                    disability: match k {
                        0 | 7 | 14 => "Yes",
                        3 | 10 => "No",
                        _ => "",
                    }
                    .into(),
                    ..Default::default()
                });
                in_quarter += 1;
            }
            records.push(r);
            n += 1;
        }
    }
    (records, answers)
}

/// Everything a report is drawn from, owned, so tests can render reports
/// of other records the same way.
pub(super) struct Data {
    figures: crate::core::Figures,
    quarters: super::volumes::Quarters,
    records: Vec<AnonymisedRecord>,
    equality: Vec<crate::core::EqualityTable>,
    calendar: Calendar,
    today: NaiveDate,
}

impl Data {
    /// The report of `period` (by month) over `history`, as the service
    /// draws it.
    pub(super) fn new(
        history: Vec<AnonymisedRecord>,
        answers: &[MonitoringAnswers],
        period: Period,
    ) -> Self {
        let calendar = Calendar::england_and_wales();
        let today = today();
        let Ok(quarters) = super::volumes::quarters_checked::<std::convert::Infallible>(
            &history,
            period.to(),
            &calendar,
            &|| Ok(()),
        );
        let figures = figures(&history, period, Grouping::Month, today, &calendar);
        let records: Vec<AnonymisedRecord> = history
            .into_iter()
            .filter(|r| r.received_on.is_some_and(|on| period.contains(on)))
            .collect();
        let equality = Characteristic::ALL
            .iter()
            .map(|c| equality_analysis(&records, answers, *c, DEFAULT_THRESHOLD))
            .collect();
        Self {
            figures,
            quarters,
            records,
            equality,
            calendar,
            today,
        }
    }

    pub(super) fn input(&self) -> ReportInput<'_> {
        ReportInput {
            figures: &self.figures,
            quarters: &self.quarters,
            records: &self.records,
            equality: &self.equality,
            calendar: &self.calendar,
            produced_on: self.today,
        }
    }
}

/// The example's period: the first quarter of 2026.
pub(super) fn quarter() -> Period {
    Period::new(date(2026, 1, 1), date(2026, 3, 31)).unwrap()
}

/// The example's data.
pub(super) fn data() -> Data {
    let (history, answers) = records();
    Data::new(history, &answers, quarter())
}

/// The example document: the first quarter of 2026, by month.
pub fn example() -> String {
    committee_report(&data().input())
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
