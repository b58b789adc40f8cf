//! The anonymised complaints log as CSV (R-MON-3): one row per record,
//! categories, dates, flags, decisions and counts only. Not even the
//! pseudonym is exported: rows are numbered instead, so an export cannot
//! be joined back to anything, with or without the key.

use crate::core::{AnonymisedRecord, DeadlineResult, GoOn, Stage};
use chrono::NaiveDate;
use std::fmt::Write;

/// The header line, naming every column.
pub const HEADER: &str = "row,received_on,channel,query_category,customer_type,third_party,\
regulated_qualification,redirected,resolved_outside_procedure,declined_out_of_time,accepted,\
stage_reached,stage1_started_on,stage1_decision,stage1_remedies,stage1_compensation_pence,\
stage1_outcome_on,stage2_started_on,stage2_decision,stage2_remedies,stage2_compensation_pence,\
stage2_outcome_on,stage3_started_on,stage3_decision,stage3_remedies,stage3_compensation_pence,\
stage3_outcome_on,deadlines,closed_on,closure,open_actions,compensation_pence";

/// The CSV of `records`, header first, lines ending in CRLF (RFC 4180).
pub fn csv(records: &[AnonymisedRecord]) -> String {
    let Ok(out) = csv_checked::<std::convert::Infallible>(records, &|| Ok(()));
    out
}

/// [`csv`], asking `go_on` every [`crate::core::CHECK_EVERY`] rows and
/// stopping with its error.
pub fn csv_checked<E>(records: &[AnonymisedRecord], go_on: GoOn<'_, E>) -> Result<String, E> {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("\r\n");
    for (n, r) in records.iter().enumerate() {
        crate::core::every(n, go_on)?;
        let mut cells: Vec<String> = vec![
            (n + 1).to_string(),
            date(r.received_on),
            r.channel.as_str_name().to_owned(),
            text(&r.query_category),
            text(&r.customer_type),
            r.third_party.to_string(),
            r.regulated_qualification.to_string(),
            r.redirected.to_string(),
            r.resolved_outside_procedure.to_string(),
            r.declined_out_of_time.to_string(),
            r.accepted.to_string(),
            r.stage_reached
                .map(|s| s.number().to_string())
                .unwrap_or_default(),
        ];
        for stage in Stage::ALL {
            let s = r.stage(stage);
            cells.push(date(s.started_on));
            cells.push(
                s.decision
                    .map(|d| d.as_str_name().to_owned())
                    .unwrap_or_default(),
            );
            cells.push(
                s.remedies
                    .iter()
                    .map(|k| k.as_str_name())
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            cells.push(s.compensation_pence.to_string());
            cells.push(date(s.outcome_on));
        }
        cells.push(
            r.deadlines
                .iter()
                .map(|(kind, result)| {
                    let result = match result {
                        DeadlineResult::Met => "met",
                        DeadlineResult::MetLate => "met_late",
                        DeadlineResult::Missed => "missed",
                    };
                    format!("{}={result}", kind.as_str_name())
                })
                .collect::<Vec<_>>()
                .join(";"),
        );
        cells.push(date(r.closed_on));
        cells.push(
            r.closure
                .map(|c| c.as_str_name().to_owned())
                .unwrap_or_default(),
        );
        cells.push(r.open_actions.len().to_string());
        cells.push(r.compensation_pence().to_string());
        let _ = write!(out, "{}\r\n", cells.join(","));
    }
    Ok(out)
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A free-standing text cell: quoted when it holds a separator, a quote or
/// a line break, and defused when a spreadsheet would read it as a formula.
fn text(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_has_as_many_cells_as_the_header() {
        let mut r = AnonymisedRecord::new("secret-pseudonym");
        r.query_category = "Fees".into();
        let out = csv(&[r.clone(), r]);
        let lines: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 3);
        let columns = HEADER.split(',').count();
        for line in &lines {
            assert_eq!(line.split(',').count(), columns, "{line}");
        }
        assert!(
            !out.contains("secret-pseudonym"),
            "rows are numbered instead"
        );
    }

    #[test]
    fn text_cells_are_quoted_and_defused() {
        assert_eq!(text("Exams, assessments"), "\"Exams, assessments\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(text("Fees"), "Fees");
    }
}
