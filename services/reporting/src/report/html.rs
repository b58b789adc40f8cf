//! The pieces every section of the report is built from: a section, a
//! table, and a chart with its table or, when it has nothing to show, a
//! plain sentence (R-MON-3: a reader never meets an empty chart).

use super::svg::{BarChart, escape};
use std::fmt::Write;

/// A table: a caption, column headings, and rows led by a row heading.
/// Every text is escaped here.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
    /// A note under the table (e.g. how small groups are hidden).
    pub note: Option<String>,
}

impl Table {
    pub fn new(caption: impl Into<String>, head: &[&str]) -> Self {
        Self {
            caption: caption.into(),
            head: head.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
            note: None,
        }
    }

    pub fn row(&mut self, heading: impl Into<String>, cells: Vec<String>) {
        self.rows.push((heading.into(), cells));
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = write!(
            out,
            "<table><caption>{}</caption><thead><tr>",
            escape(&self.caption)
        );
        for h in &self.head {
            let _ = write!(out, "<th scope=\"col\">{}</th>", escape(h));
        }
        out.push_str("</tr></thead><tbody>");
        for (heading, cells) in &self.rows {
            let _ = write!(out, "<tr><th scope=\"row\">{}</th>", escape(heading));
            for c in cells {
                let _ = write!(out, "<td>{}</td>", escape(c));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>");
        if let Some(note) = &self.note {
            let _ = write!(out, "<p class=\"note\">{}</p>", escape(note));
        }
        out
    }
}

/// A plain sentence standing in for a chart or table with nothing to show.
pub fn empty(sentence: &str) -> String {
    format!("<p class=\"empty\">{}</p>", escape(sentence))
}

/// The chart in a `<figure>` with its caption, followed by its table (the
/// chart's text alternative as much as its `<desc>`); or `sentence` alone
/// when the chart has nothing to show.
pub fn chart_with_table(chart: &BarChart<'_>, table: &Table, sentence: &str) -> String {
    match chart.render() {
        Some(svg) => format!("<figure>{svg}</figure>{}", table.render()),
        None => empty(sentence),
    }
}

/// A table, or `sentence` when it has no rows.
pub fn table_or(table: &Table, sentence: &str) -> String {
    if table.is_empty() {
        empty(sentence)
    } else {
        table.render()
    }
}

/// One part of the report, under an `<h2>`: a chart and its table, or a
/// table, or a sentence.
pub fn part(id: &str, title: &str, body: &str) -> String {
    format!(
        "<section class=\"part\" id=\"{}\"><h2>{}</h2>{body}</section>",
        escape(id),
        escape(title)
    )
}

/// A part within a part, under an `<h3>` (one characteristic of the
/// equality analysis).
pub fn subpart(id: &str, title: &str, body: &str) -> String {
    format!(
        "<section class=\"part\" id=\"{}\"><h3>{}</h3>{body}</section>",
        escape(id),
        escape(title)
    )
}

/// The parts that answer one of the committee's questions, together: each
/// such group starts a new page when printed.
pub fn sheet(id: &str, body: &str) -> String {
    format!("<div class=\"sheet\" id=\"{}\">{body}</div>", escape(id))
}

/// `part` of `whole` as a whole percentage, "–" when there is no whole.
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        "–".to_owned()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// `part` of `whole` as a percentage value for a chart (0 when no whole).
pub fn share_value(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Pence as pounds: "£1,234.50".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let abs = pence.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{:02}", abs % 100)
}

/// An optional number of working days.
pub fn days(d: Option<u32>) -> String {
    d.map_or_else(|| "–".to_owned(), |d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_and_shares_read_as_people_write_them() {
        assert_eq!(pounds(123_456), "£1,234.56");
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(100_000_000), "£1,000,000.00");
        assert_eq!(share(1, 3), "33%");
        assert_eq!(share(1, 0), "–");
    }
}
