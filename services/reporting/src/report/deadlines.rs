//! Timeliness (R-MON-3): working days to each stage's outcome, service
//! deadlines met by kind, and both by category. A deadline met late
//! counts as missed.

use super::html::{Table, chart_with_table, days, part, share, share_value};
use super::svg::{BarChart, Category, Direction, Scale, Series};
use super::volumes::category_label;
use crate::core::{AnonymisedRecord, Compliance, DeadlineKind, Figures, Stage, nearest_rank};
use crate::labels;
use calendar::Calendar;
use std::collections::BTreeMap;

pub const TITLE: &str = "Deadline compliance by kind";
pub const STAGE_TITLE: &str = "Time to outcome by stage";
pub const CATEGORY_TITLE: &str = "Timeliness by category";

const MET: Series = Series {
    name: "Met on time",
    colour: "#1d5f8a",
};

/// The period's compliance per kind, summed over its groups.
pub fn compliance(figures: &Figures) -> BTreeMap<DeadlineKind, Compliance> {
    let mut all: BTreeMap<DeadlineKind, Compliance> = BTreeMap::new();
    for g in &figures.groups {
        for (kind, c) in &g.deadlines {
            let sum = all.entry(*kind).or_default();
            sum.met += c.met;
            sum.missed += c.missed;
        }
    }
    all
}

/// A kind's name for people: "Stage 2 response".
pub fn label(kind: DeadlineKind) -> String {
    labels::deadline(kind).to_owned()
}

/// Working days from each stage's start to its outcome: median and 90th
/// percentile (nearest rank).
pub fn by_stage(records: &[AnonymisedRecord], calendar: &Calendar) -> String {
    let mut table = Table::new(
        "Working days from the start of each stage to its outcome",
        &[
            "Stage",
            "Outcomes",
            "Median working days",
            "90% within working days",
        ],
    );
    let mut categories = Vec::new();
    for stage in Stage::ALL {
        let d: Vec<u32> = records
            .iter()
            .filter_map(|r| r.stage(stage).working_days_to_outcome(calendar))
            .collect();
        let (median, p90) = (nearest_rank(&d, 50), nearest_rank(&d, 90));
        table.row(
            labels::stage(stage),
            vec![d.len().to_string(), days(median), days(p90)],
        );
        categories.push(Category {
            label: labels::stage(stage),
            values: vec![f64::from(median.unwrap_or(0)), f64::from(p90.unwrap_or(0))],
        });
    }
    let chart = BarChart {
        id: "cr-chart-time-to-outcome",
        title: STAGE_TITLE,
        category_axis: "Stage",
        value_axis: "Working days",
        series: &[
            Series {
                name: "Median",
                colour: "#1d5f8a",
            },
            Series {
                name: "90th percentile",
                colour: "#7fb3d5",
            },
        ],
        categories,
        scale: Scale::Count,
        direction: Direction::Vertical,
    };
    part(
        "cr-time-to-outcome",
        STAGE_TITLE,
        &chart_with_table(
            &chart,
            &table,
            "No outcome has been recorded yet for the complaints received in the period.",
        ),
    )
}

/// The percentage of each kind of service deadline met on time.
pub fn by_kind(figures: &Figures) -> String {
    let all = compliance(figures);
    let chart = BarChart {
        id: "cr-chart-deadlines",
        title: TITLE,
        category_axis: "Deadline",
        value_axis: "Per cent met on time",
        series: &[MET],
        categories: all
            .iter()
            .map(|(kind, c)| Category {
                label: label(*kind),
                values: vec![c.rate().unwrap_or(0.0) * 100.0],
            })
            .collect(),
        scale: Scale::Percent,
        direction: Direction::Horizontal,
    };
    let mut table = Table::new(
        "Service deadlines met and missed (met late counts as missed)",
        &["Deadline", "Met on time", "Missed", "Per cent met"],
    );
    for (kind, c) in &all {
        table.row(
            label(*kind),
            vec![
                c.met.to_string(),
                c.missed.to_string(),
                share(c.met, c.met + c.missed),
            ],
        );
    }
    let sentence = if all.is_empty() {
        "No service deadline has ended yet for the complaints received in the period."
    } else {
        "No service deadline was met on time for the complaints received in the period."
    };
    let mut body = chart_with_table(&chart, &table, sentence);
    if !all.is_empty() && !chart.has_data() {
        // Every deadline missed: the chart would be empty, the table is not.
        body.push_str(&table.render());
    }
    part("cr-deadlines", TITLE, &body)
}

/// Per category: Stage 1 time to outcome and every service deadline.
pub fn by_category(records: &[AnonymisedRecord], calendar: &Calendar) -> String {
    #[derive(Default)]
    struct Row {
        stage1_days: Vec<u32>,
        met: u64,
        ended: u64,
    }
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for r in records {
        let row = rows.entry(category_label(&r.query_category)).or_default();
        row.stage1_days
            .extend(r.stage(Stage::One).working_days_to_outcome(calendar));
        for result in r.deadlines.values() {
            row.ended += 1;
            if result.compliant() {
                row.met += 1;
            }
        }
    }
    let mut table = Table::new(
        "Stage 1 time to outcome and service deadlines met, by category",
        &[
            "Category",
            "Stage 1 outcomes",
            "Median working days",
            "Deadlines met on time",
            "Per cent met",
        ],
    );
    let mut categories = Vec::new();
    for (label, row) in &rows {
        table.row(
            label.clone(),
            vec![
                row.stage1_days.len().to_string(),
                days(nearest_rank(&row.stage1_days, 50)),
                format!("{} of {}", row.met, row.ended),
                share(row.met, row.ended),
            ],
        );
        categories.push(Category {
            label: label.clone(),
            values: vec![share_value(row.met, row.ended)],
        });
    }
    let chart = BarChart {
        id: "cr-chart-timeliness-category",
        title: CATEGORY_TITLE,
        category_axis: "Category",
        value_axis: "Per cent of deadlines met on time",
        series: &[MET],
        categories,
        scale: Scale::Percent,
        direction: Direction::Horizontal,
    };
    let any_ended = rows.values().any(|r| r.ended > 0);
    let mut body = chart_with_table(
        &chart,
        &table,
        if any_ended {
            "No service deadline was met on time for the complaints received in the period."
        } else {
            "No service deadline has ended yet for the complaints received in the period."
        },
    );
    if !rows.is_empty() && !chart.has_data() {
        body.push_str(&table.render());
    }
    part("cr-timeliness-category", CATEGORY_TITLE, &body)
}
