//! Complaints received, one bar per month or quarter.

use super::svg::{BarChart, Category, Series, count};
use crate::core::Figures;

pub const TITLE: &str = "Complaints received over time";

/// The volumes chart of `figures`, one bar per group.
pub fn chart(figures: &Figures) -> String {
    BarChart {
        title: TITLE,
        series: &[Series {
            name: "Received",
            colour: "#1d5f8a",
        }],
        categories: figures
            .groups
            .iter()
            .map(|g| Category {
                label: g.label.clone(),
                values: vec![g.volumes.total as f64],
            })
            .collect(),
        max: None,
        format: count,
    }
    .render()
}
