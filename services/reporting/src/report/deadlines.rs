//! Service deadlines met, by kind of deadline (met late counts as missed).

use super::svg::{BarChart, Category, Series, percent};
use crate::core::{Compliance, DeadlineKind, Figures};
use std::collections::BTreeMap;

pub const TITLE: &str = "Deadline compliance by kind";

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

/// A kind's name for people: `DEADLINE_KIND_FIRST_CONTACT` → "First contact".
pub fn label(kind: DeadlineKind) -> String {
    let name = kind
        .as_str_name()
        .trim_start_matches("DEADLINE_KIND_")
        .replace('_', " ")
        .to_lowercase();
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The compliance chart: the percentage met of each kind.
pub fn chart(figures: &Figures) -> String {
    BarChart {
        title: TITLE,
        series: &[Series {
            name: "Met on time",
            colour: "#1d5f8a",
        }],
        categories: compliance(figures)
            .into_iter()
            .map(|(kind, c)| Category {
                label: label(kind),
                values: vec![c.rate().unwrap_or(0.0) * 100.0],
            })
            .collect(),
        max: Some(100.0),
        format: percent,
    }
    .render()
}
