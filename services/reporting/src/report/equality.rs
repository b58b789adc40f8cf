//! Equality differences (R-MON-4): the upheld rate of each group of each
//! monitored characteristic; suppressed groups are named but not shown.

use super::svg::{BarChart, Category, Series, escape, percent};
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

/// One section per characteristic: a chart of the shown groups' upheld
/// rates and a table in which suppressed groups read "fewer than N, not
/// shown".
pub fn section(tables: &[EqualityTable]) -> String {
    let mut out = String::new();
    for table in tables {
        let name = label(table.characteristic);
        let _ = write!(
            out,
            "<section class=\"characteristic\"><h3>{}</h3>",
            escape(name)
        );
        if table.rows.is_empty() {
            out.push_str("<p>No answers in the period.</p></section>");
            continue;
        }
        let shown: Vec<Category> = table
            .rows
            .iter()
            .filter(|r| !r.suppressed)
            .filter_map(|r| {
                r.cells.upheld_rate().map(|rate| Category {
                    label: r.group.clone(),
                    values: vec![rate * 100.0],
                })
            })
            .collect();
        out.push_str(
            &BarChart {
                title: &format!("{TITLE}: {name}"),
                series: &[Series {
                    name: "Upheld or partly upheld",
                    colour: "#5b3e8a",
                }],
                categories: shown,
                max: Some(100.0),
                format: percent,
            }
            .render(),
        );
        out.push_str(
            "<table><thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Complaints</th>\
             <th scope=\"col\">Decided</th><th scope=\"col\">Upheld rate</th></tr></thead><tbody>",
        );
        for row in &table.rows {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(&row.group));
            if row.suppressed {
                let _ = write!(
                    out,
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
                out,
                "<td>{}</td><td>{}</td><td>{}</td></tr>",
                cell(row.cells.count),
                cell(row.cells.decided),
                escape(&rate)
            );
        }
        out.push_str("</tbody></table>");
        if table.rows.iter().any(|r| r.suppressed) {
            let _ = write!(
                out,
                "<p class=\"note\">* A group of fewer than {n} complaints is not shown; where \
                 needed another group is hidden with it, so that the smaller one cannot be \
                 worked out from the others.</p>",
                n = table.threshold
            );
        }
        out.push_str("</section>");
    }
    out
}
