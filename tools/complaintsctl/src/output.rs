//! What a command prints: a table by default, JSON with `--json`. Both are
//! built from the same answer, so scripts and people see the same facts.

use chrono::{DateTime, SecondsFormat, Utc};
use complaints_proto::v1 as pb;
use serde_json::Value;
use std::fmt::Write as _;

/// A command's answer in both forms.
#[derive(Debug, Clone)]
pub struct Output {
    pub json: Value,
    pub text: String,
}

impl Output {
    pub fn new(json: Value, text: impl Into<String>) -> Self {
        Self {
            json,
            text: text.into(),
        }
    }

    /// Writes to `out`; text ends with exactly one newline. An answer
    /// already written to standard output (`-o -`) writes nothing.
    pub fn write_to(&self, out: &mut impl std::io::Write, json: bool) -> std::io::Result<()> {
        if json && self.json.is_null() {
            return Ok(());
        }
        if json {
            serde_json::to_writer_pretty(&mut *out, &self.json)?;
            writeln!(out)?;
        } else if !self.text.is_empty() {
            writeln!(out, "{}", self.text.trim_end_matches('\n'))?;
        }
        out.flush()
    }

    /// Prints to standard output. A reader that went away (`| head`) is
    /// an error of kind `BrokenPipe`, for the caller to take as a quiet end.
    pub fn print(&self, json: bool) -> std::io::Result<()> {
        self.write_to(&mut std::io::stdout().lock(), json)
    }
}

/// Text to add under a list when some services cut theirs at their bound
/// (1000 rows), so an operator never takes a cut list for the whole; empty
/// when none did.
pub fn cut_note(cut_by: &[&str]) -> String {
    if cut_by.is_empty() {
        String::new()
    } else {
        format!(
            "\nnote: {} answered only part of the list (at most 1000 rows each); more exist",
            cut_by.join(", ")
        )
    }
}

/// Columns aligned on the widest cell, two spaces apart; the last column
/// is not padded, so long text does not drag trailing blanks.
#[derive(Debug, Clone)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(columns) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate().take(columns) {
                if i + 1 == columns {
                    line.push_str(cell);
                } else {
                    let _ = write!(line, "{cell:<width$}  ", width = widths[i]);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// "label: value" lines with the values aligned.
pub fn fields(pairs: &[(&str, String)]) -> String {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 1;
    let mut out = String::new();
    for (key, value) in pairs {
        let _ = writeln!(out, "{:<width$} {value}", format!("{key}:"), width = width);
    }
    out
}

/// YYYY-MM-DD, empty when absent.
pub fn date(d: Option<&pb::Date>) -> String {
    d.map(|d| format!("{:04}-{:02}-{:02}", d.year, d.month, d.day))
        .unwrap_or_default()
}

/// The date as JSON: "YYYY-MM-DD" or null.
pub fn date_json(d: Option<&pb::Date>) -> Value {
    d.map_or(Value::Null, |_| Value::String(date(d)))
}

pub fn utc(t: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
}

/// RFC 3339 in UTC to the millisecond, empty when absent.
pub fn time(t: Option<&prost_types::Timestamp>) -> String {
    utc(t).map(rfc3339).unwrap_or_default()
}

pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn time_json(t: Option<&prost_types::Timestamp>) -> Value {
    utc(t).map_or(Value::Null, |t| Value::String(rfc3339(t)))
}

pub fn yes(flag: bool) -> String {
    if flag { "yes".into() } else { String::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_aligns_each_column_on_its_widest_cell() {
        let mut table = Table::new(&["REF", "STAGE", "HANDLER"]);
        table.row(vec![
            "CMP-2026-000001".into(),
            "stage 1".into(),
            "handler-1".into(),
        ]);
        table.row(vec!["CMP-2".into(), "".into(), "".into()]);
        assert_eq!(
            table.render(),
            "REF              STAGE    HANDLER\n\
             CMP-2026-000001  stage 1  handler-1\n\
             CMP-2\n"
        );
    }

    #[test]
    fn fields_align_their_values() {
        assert_eq!(
            fields(&[("reference", "CMP-1".into()), ("stage", "stage 1".into())]),
            "reference: CMP-1\nstage:     stage 1\n"
        );
    }

    #[test]
    fn times_are_rfc3339_utc_to_the_millisecond() {
        let t = prost_types::Timestamp {
            seconds: 1_772_445_600,
            nanos: 123_456_789,
        };
        assert_eq!(time(Some(&t)), "2026-03-02T10:00:00.123Z");
        assert_eq!(time(None), "");
        assert_eq!(
            date(Some(&pb::Date {
                year: 2026,
                month: 3,
                day: 2
            })),
            "2026-03-02"
        );
    }
}
