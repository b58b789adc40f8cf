//! The anonymised complaints log as CSV (R-MON-3): one row per record,
//! categories, dates, flags, decisions and counts only. Not even the
//! pseudonym is exported: rows are numbered instead, so an export cannot
//! be joined back to anything, with or without the key.

use crate::core::{AnonymisedRecord, GoOn, Stage};
use crate::labels;
use chrono::NaiveDate;

/// The columns, in order: first what a reader opens the file for, every
/// coded value written for people ("Web form", "Not upheld", "First
/// contact: met"); then, in columns of their own at the end, the codes
/// (the protobuf names) for machines and joins with other exports. The
/// first columns are as they always were, so readers of the old layout
/// keep finding `row`, `received_on`, `channel` and `query_category`.
pub const COLUMNS: [&str; 45] = [
    "row",
    "received_on",
    "channel",
    "query_category",
    "customer_type",
    "third_party",
    "regulated_qualification",
    "redirected",
    "resolved_outside_procedure",
    "declined_out_of_time",
    "accepted",
    "stage_reached",
    "stage1_started_on",
    "stage1_decision",
    "stage1_remedies",
    "stage1_compensation_pence",
    "stage1_outcome_on",
    "stage2_started_on",
    "stage2_decision",
    "stage2_remedies",
    "stage2_compensation_pence",
    "stage2_outcome_on",
    "stage3_started_on",
    "stage3_decision",
    "stage3_remedies",
    "stage3_compensation_pence",
    "stage3_outcome_on",
    "deadlines",
    "closed_on",
    "closure",
    "open_actions",
    "completed_actions",
    "completed_late_actions",
    "compensation_pence",
    "compensation",
    "final_decision",
    "channel_code",
    "stage1_decision_code",
    "stage1_remedy_codes",
    "stage2_decision_code",
    "stage2_remedy_codes",
    "stage3_decision_code",
    "stage3_remedy_codes",
    "deadline_codes",
    "closure_code",
];

/// The header line, naming every column.
pub fn header() -> String {
    COLUMNS.join(",")
}

/// The CSV of `records`, header first, lines ending in CRLF (RFC 4180).
pub fn csv(records: &[AnonymisedRecord]) -> String {
    let Ok(out) = csv_checked::<std::convert::Infallible>(records, &|| Ok(()));
    out
}

/// [`csv`], asking `go_on` every [`crate::core::CHECK_EVERY`] rows and
/// stopping with its error.
pub fn csv_checked<E>(records: &[AnonymisedRecord], go_on: GoOn<'_, E>) -> Result<String, E> {
    let mut out = String::new();
    out.push_str(&header());
    out.push_str("\r\n");
    for (n, r) in records.iter().enumerate() {
        crate::core::every(n, go_on)?;
        let line: Vec<String> = cells(n + 1, r).iter().map(|c| field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(out)
}

/// The cells of row `row`, in the order of [`COLUMNS`].
fn cells(row: usize, r: &AnonymisedRecord) -> Vec<String> {
    let mut cells: Vec<String> = vec![
        row.to_string(),
        date(r.received_on),
        labels::channel(r.channel).to_owned(),
        text(&r.query_category),
        text(&r.customer_type),
        labels::yes_no(r.third_party).to_owned(),
        labels::yes_no(r.regulated_qualification).to_owned(),
        labels::yes_no(r.redirected).to_owned(),
        labels::yes_no(r.resolved_outside_procedure).to_owned(),
        labels::yes_no(r.declined_out_of_time).to_owned(),
        labels::yes_no(r.accepted).to_owned(),
        r.stage_reached
            .map(|s| s.number().to_string())
            .unwrap_or_default(),
    ];
    let mut codes: Vec<String> = vec![r.channel.as_str_name().to_owned()];
    for stage in Stage::ALL {
        let s = r.stage(stage);
        cells.push(date(s.started_on));
        cells.push(
            s.decision
                .map(|d| labels::decision(d).to_owned())
                .unwrap_or_default(),
        );
        cells.push(
            s.remedies
                .iter()
                .map(|k| labels::remedy(*k))
                .collect::<Vec<_>>()
                .join("; "),
        );
        cells.push(s.compensation_pence.to_string());
        cells.push(date(s.outcome_on));
        codes.push(
            s.decision
                .map(|d| d.as_str_name().to_owned())
                .unwrap_or_default(),
        );
        codes.push(
            s.remedies
                .iter()
                .map(|k| k.as_str_name())
                .collect::<Vec<_>>()
                .join(";"),
        );
    }
    cells.push(
        r.deadlines
            .iter()
            .map(|(kind, result)| {
                format!(
                    "{}: {}",
                    labels::deadline(*kind),
                    labels::deadline_result(*result)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    cells.push(date(r.closed_on));
    cells.push(
        r.closure
            .map(|c| labels::closure(c).to_owned())
            .unwrap_or_default(),
    );
    cells.push(r.open_actions.len().to_string());
    cells.push(r.completed_actions.len().to_string());
    cells.push(
        r.completed_actions
            .values()
            .filter(|late| **late)
            .count()
            .to_string(),
    );
    cells.push(r.compensation_pence().to_string());
    cells.push(crate::report::html::pounds(r.compensation_pence()));
    cells.push(
        r.final_decision()
            .map(|d| labels::decision(d).to_owned())
            .unwrap_or_default(),
    );
    codes.push(
        r.deadlines
            .iter()
            .map(|(kind, result)| {
                format!(
                    "{}={}",
                    kind.as_str_name(),
                    labels::deadline_result_code(*result)
                )
            })
            .collect::<Vec<_>>()
            .join(";"),
    );
    codes.push(
        r.closure
            .map(|c| c.as_str_name().to_owned())
            .unwrap_or_default(),
    );
    cells.extend(codes);
    cells
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A free-text cell (category, customer type), defused when a spreadsheet
/// would read it as a formula.
fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// One field as RFC 4180 writes it: in double quotes, with quotes doubled,
/// when it holds a comma, a quote, a line break or leading or trailing
/// space; as it is otherwise.
fn field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) || value.trim() != value {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Channel, DeadlineKind, Decision, Fact, RemedyKind, apply};

    /// Reads RFC 4180 CSV: CRLF line ends, fields in double quotes may hold
    /// commas, doubled quotes and line breaks. Panics on anything else, so
    /// a malformed export fails the test.
    fn parse(csv: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut field = String::new();
        let mut chars = csv.chars().peekable();
        let mut at_start = true;
        while let Some(c) = chars.next() {
            match c {
                '"' if at_start => {
                    loop {
                        match chars.next() {
                            Some('"') if chars.peek() == Some(&'"') => {
                                chars.next();
                                field.push('"');
                            }
                            Some('"') => break,
                            Some(c) => field.push(c),
                            None => panic!("an unterminated quoted field"),
                        }
                    }
                    assert!(
                        matches!(chars.peek(), Some(',') | Some('\r') | None),
                        "text after a closing quote"
                    );
                    at_start = false;
                }
                '"' => panic!("a bare quote inside a field: {field}"),
                ',' => {
                    row.push(std::mem::take(&mut field));
                    at_start = true;
                }
                '\r' => {
                    assert_eq!(chars.next(), Some('\n'), "CR without LF");
                    row.push(std::mem::take(&mut field));
                    rows.push(std::mem::take(&mut row));
                    at_start = true;
                }
                '\n' => panic!("a bare LF ends a line"),
                c => {
                    field.push(c);
                    at_start = false;
                }
            }
        }
        assert!(
            row.is_empty() && field.is_empty(),
            "the last line has no CRLF"
        );
        rows
    }

    fn record() -> AnonymisedRecord {
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let mut r = AnonymisedRecord::new("secret-pseudonym");
        for fact in [
            Fact::Submitted {
                received_on: day(2),
                channel: Channel::WebForm,
                query_category: "Exams, \"assessments\"".into(),
                customer_type: "=cmd".into(),
                third_party: false,
            },
            Fact::Opened {
                received_on: day(2),
                channel: Channel::WebForm,
                query_category: String::new(),
                regulated_qualification: true,
            },
            Fact::DeadlineMet {
                kind: DeadlineKind::FirstContact,
            },
            Fact::DeadlineMissed {
                kind: DeadlineKind::Stage2Response,
            },
            Fact::OutcomeRecorded {
                stage: Stage::One,
                decision: Some(Decision::NotUpheld),
                remedies: vec![RemedyKind::Apology, RemedyKind::FinancialCompensation],
                compensation_pence: 12_345,
                on: day(20),
            },
        ] {
            apply(&mut r, &fact);
        }
        r
    }

    fn cell<'a>(header: &[String], row: &'a [String], name: &str) -> &'a str {
        let i = header.iter().position(|h| h == name).unwrap();
        &row[i]
    }

    /// R-MON-3: the export is RFC 4180 CSV with a header row, every row as
    /// wide as the header, text with commas and quotes quoted, and no
    /// pseudonym.
    #[test]
    fn r_mon_3_the_export_is_rfc_4180_csv_with_a_header_row() {
        let out = csv(&[record(), AnonymisedRecord::new("other")]);
        let rows = parse(&out);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], COLUMNS.map(str::to_owned).to_vec());
        for row in &rows {
            assert_eq!(row.len(), COLUMNS.len(), "{row:?}");
        }
        assert_eq!(
            cell(&rows[0], &rows[1], "query_category"),
            "Exams, \"assessments\""
        );
        assert!(out.contains("\"Exams, \"\"assessments\"\"\""), "{out}");
        assert_eq!(
            cell(&rows[0], &rows[1], "customer_type"),
            "'=cmd",
            "a formula is defused"
        );
        assert!(
            !out.contains("secret-pseudonym"),
            "rows are numbered instead"
        );
        assert_eq!(cell(&rows[0], &rows[2], "row"), "2");
    }

    /// R-MON-3: every coded value is written for people, with its code kept
    /// in a column of its own.
    #[test]
    fn r_mon_3_the_export_has_human_labels_beside_the_codes() {
        let rows = parse(&csv(&[record()]));
        let (h, r) = (&rows[0], &rows[1]);
        assert_eq!(cell(h, r, "channel"), "Web form");
        assert_eq!(cell(h, r, "channel_code"), "CHANNEL_WEB_FORM");
        assert_eq!(cell(h, r, "stage1_decision"), "Not upheld");
        assert_eq!(cell(h, r, "stage1_decision_code"), "DECISION_NOT_UPHELD");
        assert_eq!(
            cell(h, r, "stage1_remedies"),
            "Apology; Financial compensation"
        );
        assert_eq!(
            cell(h, r, "stage1_remedy_codes"),
            "REMEDY_KIND_APOLOGY;REMEDY_KIND_FINANCIAL_COMPENSATION"
        );
        assert_eq!(
            cell(h, r, "deadlines"),
            "First contact: met; Stage 2 response: missed"
        );
        assert_eq!(
            cell(h, r, "deadline_codes"),
            "DEADLINE_KIND_FIRST_CONTACT=met;DEADLINE_KIND_STAGE2_RESPONSE=missed"
        );
        assert_eq!(cell(h, r, "regulated_qualification"), "Yes");
        assert_eq!(cell(h, r, "third_party"), "No");
        assert_eq!(cell(h, r, "compensation"), "£123.45");
        assert_eq!(cell(h, r, "compensation_pence"), "12345");
        assert_eq!(cell(h, r, "final_decision"), "Not upheld");
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be() {
        assert_eq!(field("Fees"), "Fees");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\r\nlines"), "\"two\r\nlines\"");
        assert_eq!(field(" padded"), "\" padded\"");
    }
}
