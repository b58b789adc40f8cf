//! Equality differences (R-MON-4): the upheld rate of each group of each
//! monitored characteristic; suppressed groups are named but not shown, and
//! when every group is suppressed no chart is drawn, a sentence says why.

use super::html::{empty, subpart};
use super::svg::{BarChart, Category, Direction, Scale, Series, escape, percent};
use crate::core::{Characteristic, EqualityTable};
use std::fmt::Write;

pub const TITLE: &str = "Equality differences in upheld rates";

/// A characteristic's name for people.
pub fn label(c: Characteristic) -> &'static str {
    match c {
        Characteristic::Ethnicity => "Ethnicity",
        Characteristic::Disability => "Disability",
        Characteristic::Gender => "Gender",
        Characteristic::AgeBand => "Age band",
        Characteristic::ReligionOrBelief => "Religion or belief",
        Characteristic::SexualOrientation => "Sexual orientation",
    }
}

/// An id for the characteristic's chart, unique in the report.
fn id(c: Characteristic) -> &'static str {
    match c {
        Characteristic::Ethnicity => "cr-chart-equality-ethnicity",
        Characteristic::Disability => "cr-chart-equality-disability",
        Characteristic::Gender => "cr-chart-equality-gender",
        Characteristic::AgeBand => "cr-chart-equality-age-band",
        Characteristic::ReligionOrBelief => "cr-chart-equality-religion-or-belief",
        Characteristic::SexualOrientation => "cr-chart-equality-sexual-orientation",
    }
}

/// One subpart per characteristic: a chart of the shown groups' upheld rates
/// (or a sentence when there is none to draw) and a table in which
/// suppressed groups read "fewer than N, not shown".
pub fn section(tables: &[EqualityTable]) -> String {
    let mut out = String::new();
    for table in tables {
        let name = label(table.characteristic);
        let part_id = id(table.characteristic).replace("cr-chart-", "cr-");
        if table.rows.is_empty() {
            out.push_str(&subpart(
                &part_id,
                name,
                &empty("No complainant answered this question in the period."),
            ));
            continue;
        }
        let shown: Vec<_> = table.rows.iter().filter(|r| !r.suppressed).collect();
        let title = format!("{TITLE}: {name}");
        let chart = BarChart {
            id: id(table.characteristic),
            title: &title,
            category_axis: name,
            value_axis: "Per cent upheld or partly upheld",
            series: &[Series {
                name: "Upheld or partly upheld",
                colour: "#5b3e8a",
            }],
            categories: shown
                .iter()
                .filter_map(|r| {
                    r.cells.upheld_rate().map(|rate| Category {
                        label: r.group.clone(),
                        values: vec![rate * 100.0],
                    })
                })
                .collect(),
            scale: Scale::Percent,
            direction: Direction::Horizontal,
        };
        let mut body = String::new();
        match chart.render() {
            Some(svg) => {
                let _ = write!(body, "<figure>{svg}</figure>");
            }
            None if shown.is_empty() => body.push_str(&empty(&format!(
                "Every group has fewer than {} complaints, or is hidden with one that has, \
                 so no group is shown for anonymity.",
                table.threshold
            ))),
            None if chart.categories.is_empty() => body.push_str(&empty(
                "No complaint from the groups shown has been decided yet.",
            )),
            None => body.push_str(&empty(
                "None of the decided complaints from the groups shown was upheld.",
            )),
        }
        let _ = write!(
            body,
            "<table><caption>{}</caption><thead><tr><th scope=\"col\">Group</th>\
             <th scope=\"col\">Complaints</th><th scope=\"col\">Decided</th>\
             <th scope=\"col\">Upheld rate</th></tr></thead><tbody>",
            escape(&format!(
                "Complaints and upheld rates by {}",
                name.to_lowercase()
            ))
        );
        for row in &table.rows {
            let _ = write!(body, "<tr><th scope=\"row\">{}</th>", escape(&row.group));
            if row.suppressed {
                let _ = write!(
                    body,
                    "<td colspan=\"3\" class=\"suppressed\">fewer than {}, not shown*</td></tr>",
                    table.threshold
                );
                continue;
            }
            let cell = |v: Option<u64>| v.map_or_else(|| "not shown".to_owned(), |v| v.to_string());
            let rate = row
                .cells
                .upheld_rate()
                .map_or_else(|| "n/a".to_owned(), |r| percent(r * 100.0));
            let _ = write!(
                body,
                "<td>{}</td><td>{}</td><td>{}</td></tr>",
                cell(row.cells.count),
                cell(row.cells.decided),
                escape(&rate)
            );
        }
        body.push_str("</tbody></table>");
        if table.rows.iter().any(|r| r.suppressed) {
            let _ = write!(
                body,
                "<p class=\"note\">* A group of fewer than {n} complaints is not shown; where \
                 needed another group is hidden with it, so that the smaller one cannot be \
                 worked out from the others.</p>",
                n = table.threshold
            );
        }
        out.push_str(&subpart(&part_id, name, &body));
    }
    out
}
