//! Volumes and circumstances (R-MON-3): complaints received over the
//! period and over the last four quarters (the trend), what circumstances
//! they came in, and their categories, channels and customer types, each
//! with counts and percentages.

use super::html::{Table, chart_with_table, part, share, table_or};
use super::svg::{BarChart, Category, Direction, Scale, Series};
use crate::core::{Channel, Figures, GroupFigures, Grouping, NOT_RECORDED, Period};
use crate::labels;
use chrono::{Datelike, Months, NaiveDate};
use std::collections::BTreeMap;

pub const TITLE: &str = "Complaints received over time";
pub const QUARTERS_TITLE: &str = "Trend over the last four quarters";
pub const CATEGORY_TITLE: &str = "Complaints by category";
pub const CHANNEL_TITLE: &str = "Complaints by channel";

const RECEIVED: Series = Series {
    name: "Received",
    colour: "#1d5f8a",
};
const ENTERED: Series = Series {
    name: "Entered the procedure",
    colour: "#7fb3d5",
};

/// The four calendar quarters ending with the one `to` falls in, cut at
/// `to`: the window of the trend, whatever the report's own period.
pub fn last_four_quarters(to: NaiveDate) -> Period {
    let quarter_start = to
        .with_day(1)
        .and_then(|d| d.with_month(to.month0() / 3 * 3 + 1))
        .unwrap_or(to);
    let from = quarter_start
        .checked_sub_months(Months::new(9))
        .unwrap_or(NaiveDate::MIN);
    Period::clamped(from, to)
}

/// The last four quarters' figures, for the trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarters {
    /// From the first day of the first quarter to the report's last day.
    pub period: Period,
    /// One per quarter, oldest first.
    pub groups: Vec<GroupFigures>,
}

/// The last four quarters to `to`, computed from `records` received up to
/// then, asking `go_on` as [`crate::core::groups_checked`] does.
pub fn quarters_checked<E>(
    records: &[crate::core::AnonymisedRecord],
    to: NaiveDate,
    calendar: &calendar::Calendar,
    go_on: crate::core::GoOn<'_, E>,
) -> Result<Quarters, E> {
    let period = last_four_quarters(to);
    let groups = crate::core::groups_checked(records, period, Grouping::Quarter, calendar, go_on)?;
    Ok(Quarters { period, groups })
}

/// Complaints received and entering the procedure, per month or quarter
/// of the period, with the escalations.
pub fn over_time(f: &Figures) -> String {
    let unit = match f.grouping {
        Grouping::Month => "Month",
        Grouping::Quarter => "Quarter",
    };
    let chart = BarChart {
        id: "cr-chart-volumes",
        title: TITLE,
        category_axis: unit,
        value_axis: "Complaints",
        series: &[RECEIVED, ENTERED],
        categories: f
            .groups
            .iter()
            .map(|g| Category {
                label: g.label.clone(),
                values: vec![
                    g.volumes.total as f64,
                    g.circumstances.entered_procedure as f64,
                ],
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Vertical,
    };
    let mut table = Table::new(
        "Complaints received, entering the procedure and escalated",
        &[
            unit,
            "Received",
            "Entered the procedure",
            "Escalated to Stage 2",
            "Escalated to Stage 3",
        ],
    );
    for g in &f.groups {
        table.row(
            g.label.clone(),
            vec![
                g.volumes.total.to_string(),
                g.circumstances.entered_procedure.to_string(),
                format!(
                    "{} of {}",
                    g.escalation_1_to_2.numerator, g.escalation_1_to_2.denominator
                ),
                format!(
                    "{} of {}",
                    g.escalation_2_to_3.numerator, g.escalation_2_to_3.denominator
                ),
            ],
        );
    }
    part(
        "cr-volumes",
        TITLE,
        &chart_with_table(&chart, &table, "No complaints were received in the period."),
    )
}

/// The last four quarters side by side, each against the one before it,
/// so a trend or a seasonal pattern shows whatever the report's period.
pub fn four_quarters(q: &Quarters) -> String {
    let chart = BarChart {
        id: "cr-chart-quarters",
        title: QUARTERS_TITLE,
        category_axis: "Quarter",
        value_axis: "Complaints",
        series: &[RECEIVED, ENTERED],
        categories: q
            .groups
            .iter()
            .map(|g| Category {
                label: g.label.clone(),
                values: vec![
                    g.volumes.total as f64,
                    g.circumstances.entered_procedure as f64,
                ],
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Vertical,
    };
    let mut table = Table::new(
        format!(
            "Quarters from {} to {} (the last one may be part of a quarter)",
            q.period.from(),
            q.period.to()
        ),
        &[
            "Quarter",
            "Received",
            "Change on the quarter before",
            "Entered the procedure",
            "Upheld or partly upheld at Stage 1",
            "Deadlines met on time",
        ],
    );
    let mut previous: Option<u64> = None;
    for g in &q.groups {
        let change = match previous {
            None => "–".to_owned(),
            Some(p) => {
                let delta = g.volumes.total as i64 - p as i64;
                match p {
                    0 => format!("{delta:+}"),
                    _ => format!("{delta:+} ({:+.0}%)", delta as f64 * 100.0 / p as f64),
                }
            }
        };
        previous = Some(g.volumes.total);
        let upheld = g.stages.first().map(|s| s.upheld).unwrap_or_default();
        let (met, all) = g
            .deadlines
            .values()
            .fold((0, 0), |(m, a), c| (m + c.met, a + c.met + c.missed));
        table.row(
            g.label.clone(),
            vec![
                g.volumes.total.to_string(),
                change,
                g.circumstances.entered_procedure.to_string(),
                format!(
                    "{} of {} ({})",
                    upheld.numerator,
                    upheld.denominator,
                    share(upheld.numerator, upheld.denominator)
                ),
                format!("{met} of {all} ({})", share(met, all)),
            ],
        );
    }
    let mut body = chart_with_table(
        &chart,
        &table,
        "No complaints were received in the last four quarters.",
    );
    if chart.has_data() {
        body.push_str(&categories_by_quarter(q).render());
    }
    part("cr-quarters", QUARTERS_TITLE, &body)
}

/// Each category's complaints quarter by quarter, so a category that grows
/// or recurs stands out (R-MON-3: "patterns").
fn categories_by_quarter(q: &Quarters) -> Table {
    let mut names: BTreeMap<String, u64> = BTreeMap::new();
    for g in &q.groups {
        for (k, n) in &g.volumes.by_category {
            *names.entry(category_label(k)).or_default() += n;
        }
    }
    let mut head: Vec<&str> = vec!["Category"];
    head.extend(q.groups.iter().map(|g| g.label.as_str()));
    head.push("All four");
    let mut table = Table::new("Complaints by category, quarter by quarter", &head);
    for (name, all) in ranked(&names) {
        let mut cells: Vec<String> = q
            .groups
            .iter()
            .map(|g| {
                g.volumes
                    .by_category
                    .iter()
                    .filter(|(k, _)| category_label(k) == name)
                    .map(|(_, n)| *n)
                    .sum::<u64>()
                    .to_string()
            })
            .collect();
        cells.push(all.to_string());
        table.row(name, cells);
    }
    table
}

/// How the period's complaints came and where intake sent them.
pub fn circumstances(f: &Figures) -> String {
    let total: u64 = f.groups.iter().map(|g| g.volumes.total).sum();
    let sum = |pick: fn(&crate::core::Circumstances) -> u64| -> u64 {
        f.groups.iter().map(|g| pick(&g.circumstances)).sum()
    };
    let mut table = Table::new(
        format!("Circumstances of the {total} complaints received"),
        &["Circumstance", "Complaints", "Share of received"],
    );
    let rows: [(&str, u64); 6] = [
        ("Entered the procedure", sum(|c| c.entered_procedure)),
        ("Raised by a third party", sum(|c| c.third_party)),
        (
            "About a regulated qualification",
            sum(|c| c.regulated_qualification),
        ),
        (
            "Resolved quickly outside the procedure",
            sum(|c| c.resolved_outside_procedure),
        ),
        ("Sent to another procedure", sum(|c| c.redirected)),
        (
            "Declined as more than 6 months old",
            sum(|c| c.declined_out_of_time),
        ),
    ];
    if total > 0 {
        for (name, n) in rows {
            table.row(name, vec![n.to_string(), share(n, total)]);
        }
    }
    part(
        "cr-circumstances",
        "Circumstances",
        &table_or(&table, "No complaints were received in the period."),
    )
}

/// The people's name of a category key.
pub fn category_label(key: &str) -> String {
    if key == NOT_RECORDED || key.is_empty() {
        "Not recorded".to_owned()
    } else {
        key.to_owned()
    }
}

/// Counts largest first, ties by name.
fn ranked<K: Clone>(counts: &BTreeMap<K, u64>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.iter().map(|(k, n)| (k.clone(), *n)).collect();
    v.sort_by_key(|r| std::cmp::Reverse(r.1));
    v
}

/// A breakdown as a bar chart and a table of counts and percentages.
fn breakdown(
    id: &str,
    title: &'static str,
    axis: &'static str,
    rows: &[(String, u64)],
    total: u64,
) -> String {
    let chart = BarChart {
        id,
        title,
        category_axis: axis,
        value_axis: "Complaints",
        series: &[RECEIVED],
        categories: rows
            .iter()
            .map(|(label, n)| Category {
                label: label.clone(),
                values: vec![*n as f64],
            })
            .collect(),
        scale: Scale::Count,
        direction: Direction::Horizontal,
    };
    let mut table = Table::new(
        format!("{title}, of {total} received"),
        &[axis, "Complaints", "Share"],
    );
    for (label, n) in rows {
        table.row(label.clone(), vec![n.to_string(), share(*n, total)]);
    }
    chart_with_table(&chart, &table, "No complaints were received in the period.")
}

/// By query category, largest first.
pub fn by_category(f: &Figures) -> String {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for g in &f.groups {
        for (k, n) in &g.volumes.by_category {
            *counts.entry(category_label(k)).or_default() += n;
        }
    }
    let total = counts.values().sum();
    part(
        "cr-categories",
        CATEGORY_TITLE,
        &breakdown(
            "cr-chart-categories",
            CATEGORY_TITLE,
            "Category",
            &ranked(&counts),
            total,
        ),
    )
}

/// By channel of arrival, and by customer type, largest first.
pub fn by_channel(f: &Figures) -> String {
    let mut channels: BTreeMap<Channel, u64> = BTreeMap::new();
    let mut types: BTreeMap<String, u64> = BTreeMap::new();
    for g in &f.groups {
        for (k, n) in &g.volumes.by_channel {
            *channels.entry(*k).or_default() += n;
        }
        for (k, n) in &g.volumes.by_customer_type {
            *types.entry(category_label(k)).or_default() += n;
        }
    }
    let total: u64 = channels.values().sum();
    let rows: Vec<(String, u64)> = ranked(&channels)
        .into_iter()
        .map(|(c, n)| (labels::channel(c).to_owned(), n))
        .collect();
    let mut out = breakdown("cr-chart-channels", CHANNEL_TITLE, "Channel", &rows, total);
    let mut table = Table::new(
        format!("Complaints by customer type, of {total} received"),
        &["Customer type", "Complaints", "Share"],
    );
    for (label, n) in ranked(&types) {
        table.row(label, vec![n.to_string(), share(n, total)]);
    }
    if total > 0 {
        out.push_str(&table.render());
    }
    part("cr-channels", CHANNEL_TITLE, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// R-MON-3 "trends": the trend window is the four quarters ending with
    /// the report's last day.
    #[test]
    fn r_mon_3_the_trend_covers_the_four_quarters_to_the_end_of_the_period() {
        let p = last_four_quarters(d(2026, 3, 31));
        assert_eq!((p.from(), p.to()), (d(2025, 4, 1), d(2026, 3, 31)));
        let p = last_four_quarters(d(2026, 5, 15));
        assert_eq!((p.from(), p.to()), (d(2025, 7, 1), d(2026, 5, 15)));
    }
}
