//! Outcomes at each stage: upheld, partly upheld and not upheld.

use super::svg::{BarChart, Category, Series, count};
use crate::core::{AnonymisedRecord, Decision, Stage};

pub const TITLE: &str = "Outcomes by stage";

const SERIES: [Series; 3] = [
    Series {
        name: "Upheld",
        colour: "#2e7d32",
    },
    Series {
        name: "Partly upheld",
        colour: "#f0a500",
    },
    Series {
        name: "Not upheld",
        colour: "#8a1d3c",
    },
];

/// Decisions recorded at each stage: `[upheld, partly, not upheld]`.
pub fn counts(records: &[AnonymisedRecord]) -> Vec<(Stage, [u64; 3])> {
    Stage::ALL
        .iter()
        .map(|stage| {
            let mut c = [0u64; 3];
            for r in records {
                match r.stage(*stage).decision {
                    Some(Decision::Upheld) => c[0] += 1,
                    Some(Decision::PartlyUpheld) => c[1] += 1,
                    Some(Decision::NotUpheld) => c[2] += 1,
                    _ => {}
                }
            }
            (*stage, c)
        })
        .collect()
}

/// The outcomes chart of the period's `records`.
pub fn chart(records: &[AnonymisedRecord]) -> String {
    BarChart {
        title: TITLE,
        series: &SERIES,
        categories: counts(records)
            .into_iter()
            .map(|(stage, c)| Category {
                label: format!("Stage {}", stage.number()),
                values: c.iter().map(|v| *v as f64).collect(),
            })
            .collect(),
        max: None,
        format: count,
    }
    .render()
}
