//! What was put right (R-OUT-2, R-MON-3): remedies by kind, financial
//! compensation (count, total, by stage), and the improvement and
//! follow-up actions open, overdue and done (R-MON-2).

use super::html::{Table, chart_with_table, empty, part, pounds, share};
use super::svg::{BarChart, Category, Direction, Scale, Series};
use crate::core::{AnonymisedRecord, Backlog, RemedyKind, Stage};
use crate::labels;
use std::collections::BTreeMap;

pub const TITLE: &str = "Remedies by kind";
pub const COMPENSATION_TITLE: &str = "Financial compensation";
pub const ACTIONS_TITLE: &str = "Improvement and follow-up actions";

/// Outcomes (at any stage) that included each kind of remedy, and how
/// many outcomes there were.
pub fn remedy_counts(records: &[AnonymisedRecord]) -> (BTreeMap<RemedyKind, u64>, u64) {
    let mut kinds: BTreeMap<RemedyKind, u64> = BTreeMap::new();
    let mut outcomes = 0u64;
    for r in records {
        for s in &r.stages {
            if s.outcome_on.is_some() {
                outcomes += 1;
            }
            for k in &s.remedies {
                *kinds.entry(*k).or_default() += 1;
            }
        }
    }
    (kinds, outcomes)
}

/// Remedies by kind, most frequent first.
pub fn by_kind(records: &[AnonymisedRecord]) -> String {
    let (kinds, outcomes) = remedy_counts(records);
    let mut ranked: Vec<(RemedyKind, u64)> = kinds.into_iter().collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.1));
    let chart = BarChart {
        id: "cr-chart-remedies",
        title: TITLE,
        category_axis: "Remedy",
        value_axis: "Outcomes including it",
        series: &[Series {
            name: "Outcomes",
            colour: "#2e7d32",
        }],
        categories: ranked
            .iter()
            .map(|(k, n)| Category {
                label: labels::remedy(*k).to_owned(),
                values: vec![*n as f64],
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Horizontal,
    };
    let mut table = Table::new(
        format!("Remedies in the {outcomes} outcomes recorded (an outcome may include several)"),
        &["Remedy", "Outcomes including it", "Share of outcomes"],
    );
    for (k, n) in &ranked {
        table.row(labels::remedy(*k), vec![n.to_string(), share(*n, outcomes)]);
    }
    part(
        "cr-remedies",
        TITLE,
        &chart_with_table(
            &chart,
            &table,
            "No outcome recorded for the complaints received in the period included a remedy.",
        ),
    )
}

/// Compensation: how many complaints were awarded it, the total and the
/// split by stage.
pub fn compensation(records: &[AnonymisedRecord]) -> String {
    let awarded = records
        .iter()
        .filter(|r| r.compensation_pence() > 0)
        .count() as u64;
    let total = records
        .iter()
        .fold(0i64, |sum, r| sum.saturating_add(r.compensation_pence()));
    let mut table = Table::new(
        format!(
            "{awarded} complaints awarded financial compensation, {} in all",
            pounds(total)
        ),
        &["Stage", "Awards", "Total", "Largest award"],
    );
    for stage in Stage::ALL {
        let amounts: Vec<i64> = records
            .iter()
            .map(|r| r.stage(stage).compensation_pence)
            .filter(|p| *p > 0)
            .collect();
        let sum = amounts.iter().fold(0i64, |s, p| s.saturating_add(*p));
        table.row(
            labels::stage(stage),
            vec![
                amounts.len().to_string(),
                pounds(sum),
                pounds(amounts.iter().copied().max().unwrap_or(0)),
            ],
        );
    }
    let body = if awarded == 0 {
        empty("No financial compensation was awarded for the complaints received in the period.")
    } else {
        table.render()
    };
    part("cr-compensation", COMPENSATION_TITLE, &body)
}

/// Actions of the complaints received by the end of the period (R-MON-2).
pub fn actions(backlog: &Backlog) -> String {
    let b = backlog;
    let on_time = b.actions_completed - b.actions_completed_late.min(b.actions_completed);
    let not_overdue = b.actions_open - b.actions_overdue.min(b.actions_open);
    let rows: [(&str, u64); 4] = [
        ("Open, not yet due", not_overdue),
        ("Open and overdue", b.actions_overdue),
        ("Done on time", on_time),
        ("Done late", b.actions_completed_late),
    ];
    let chart = BarChart {
        id: "cr-chart-actions",
        title: ACTIONS_TITLE,
        category_axis: "State",
        value_axis: "Actions",
        series: &[Series {
            name: "Actions",
            colour: "#5b3e8a",
        }],
        categories: rows
            .iter()
            .map(|(name, n)| Category {
                label: (*name).to_owned(),
                values: vec![*n as f64],
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Horizontal,
    };
    let all = b.actions_open + b.actions_completed;
    let mut table = Table::new(
        format!("{all} actions recorded with a due date, as of the report date"),
        &["State", "Actions", "Share"],
    );
    for (name, n) in rows {
        table.row(name, vec![n.to_string(), share(n, all)]);
    }
    part(
        "cr-actions",
        ACTIONS_TITLE,
        &chart_with_table(
            &chart,
            &table,
            "No improvement or follow-up action has been recorded for these complaints.",
        ),
    )
}
