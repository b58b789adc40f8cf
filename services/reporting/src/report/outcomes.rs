//! Outcomes (R-MON-3): decisions at each stage, and the final decision by
//! category, so a pattern in what is upheld shows.

use super::html::{Table, chart_with_table, part, share};
use super::svg::{BarChart, Category, Direction, Scale, Series};
use super::volumes::category_label;
use crate::core::{AnonymisedRecord, Decision, Stage};
use crate::labels;
use std::collections::BTreeMap;

pub const TITLE: &str = "Outcomes by stage";
pub const CATEGORY_TITLE: &str = "Outcomes by category";

const SERIES: [Series; 3] = [
    Series {
        name: "Upheld",
        colour: "#2e7d32",
    },
    Series {
        name: "Partly upheld",
        colour: "#b07a00",
    },
    Series {
        name: "Not upheld",
        colour: "#8a1d3c",
    },
];

/// `[upheld, partly, not upheld]` for one decision.
fn tally(c: &mut [u64; 3], d: Option<Decision>) {
    match d {
        Some(Decision::Upheld) => c[0] += 1,
        Some(Decision::PartlyUpheld) => c[1] += 1,
        Some(Decision::NotUpheld) => c[2] += 1,
        _ => {}
    }
}

/// Decisions recorded at each stage: `[upheld, partly, not upheld]`.
pub fn counts(records: &[AnonymisedRecord]) -> Vec<(Stage, [u64; 3])> {
    Stage::ALL
        .iter()
        .map(|stage| {
            let mut c = [0u64; 3];
            for r in records {
                tally(&mut c, r.stage(*stage).decision);
            }
            (*stage, c)
        })
        .collect()
}

/// Final decisions by category: `[upheld, partly, not upheld]`.
pub fn by_category_counts(records: &[AnonymisedRecord]) -> BTreeMap<String, [u64; 3]> {
    let mut out: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for r in records {
        if let Some(d) = r.final_decision() {
            tally(
                out.entry(category_label(&r.query_category)).or_default(),
                Some(d),
            );
        }
    }
    out
}

fn row(c: [u64; 3]) -> Vec<String> {
    let decided: u64 = c.iter().sum();
    let upheld = c[0] + c[1];
    vec![
        decided.to_string(),
        c[0].to_string(),
        c[1].to_string(),
        c[2].to_string(),
        share(upheld, decided),
    ]
}

/// The outcomes of each stage: a chart of the decisions and a table with
/// how many complaints reached the stage.
pub fn by_stage(records: &[AnonymisedRecord]) -> String {
    let counts = counts(records);
    let chart = BarChart {
        id: "cr-chart-outcomes",
        title: TITLE,
        category_axis: "Stage",
        value_axis: "Decisions",
        series: &SERIES,
        categories: counts
            .iter()
            .map(|(stage, c)| Category {
                label: labels::stage(*stage),
                values: c.iter().map(|v| *v as f64).collect(),
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Vertical,
    };
    let mut table = Table::new(
        "Decisions at each stage",
        &[
            "Stage",
            "Reached",
            "Decided",
            "Upheld",
            "Partly upheld",
            "Not upheld",
            "Upheld or partly upheld",
        ],
    );
    for (stage, c) in &counts {
        let reached = records.iter().filter(|r| r.reached(*stage)).count();
        let mut cells = vec![reached.to_string()];
        cells.extend(row(*c));
        table.row(labels::stage(*stage), cells);
    }
    part(
        "cr-outcomes-stage",
        TITLE,
        &chart_with_table(
            &chart,
            &table,
            "No outcome has been recorded yet for the complaints received in the period.",
        ),
    )
}

/// The final decision of each decided complaint, by category.
pub fn by_category(records: &[AnonymisedRecord]) -> String {
    let counts = by_category_counts(records);
    let chart = BarChart {
        id: "cr-chart-outcomes-category",
        title: CATEGORY_TITLE,
        category_axis: "Category",
        value_axis: "Complaints decided",
        series: &SERIES,
        categories: counts
            .iter()
            .map(|(label, c)| Category {
                label: label.clone(),
                values: c.iter().map(|v| *v as f64).collect(),
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Horizontal,
    };
    let mut table = Table::new(
        "Final decision (the last stage decided) by category",
        &[
            "Category",
            "Decided",
            "Upheld",
            "Partly upheld",
            "Not upheld",
            "Upheld or partly upheld",
        ],
    );
    for (label, c) in &counts {
        table.row(label.clone(), row(*c));
    }
    part(
        "cr-outcomes-category",
        CATEGORY_TITLE,
        &chart_with_table(
            &chart,
            &table,
            "No outcome has been recorded yet for the complaints received in the period.",
        ),
    )
}
