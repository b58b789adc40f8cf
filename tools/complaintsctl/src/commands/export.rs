//! `report csv` over a long period: the anonymised log is fetched one
//! calendar month at a time (ExportLog), with a progress bar over the
//! months, and joined into one CSV: one header, rows numbered on from one
//! month to the next, exactly as a single export of the period would be.

use crate::clients::Authed;
use crate::error::Error;
use crate::parse::pb_date;
use chrono::{Datelike, Days, NaiveDate};
use complaints_proto::v1 as pb;
use complaints_proto::v1::reporting_client::ReportingClient;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The calendar months covering `from..=to`, each cut to the period.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let mut chunks = Vec::new();
    let mut start = from;
    while start <= to {
        let next_month = if start.month() == 12 {
            NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
        }
        .expect("the first of a month exists");
        let end = (next_month - Days::new(1)).min(to);
        chunks.push((start, end));
        start = next_month;
    }
    chunks
}

/// Joins one month's CSV to the export so far: its header only when it
/// is the first, and each data row renumbered after the rows before it
/// (the log's first column, `row`, counts from 1 in each answer).
pub fn append_month(joined: &mut String, rows_so_far: &mut u64, month_csv: &str) {
    let mut lines = month_csv.split_inclusive('\n');
    let header = lines.next().unwrap_or_default();
    if joined.is_empty() {
        joined.push_str(header);
    }
    for line in lines {
        if line.trim().is_empty() {
            continue;
        }
        *rows_so_far += 1;
        let rest = line.split_once(',').map_or("\n", |(_, rest)| rest);
        joined.push_str(&format!("{rows_so_far},{rest}"));
    }
}

fn bar(months: u64, quiet: bool) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::with_draw_target(Some(months), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(months)
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} months {msg} ({elapsed})")
            .expect("a valid template"),
    );
    bar
}

/// The anonymised log of `from..=to` as one CSV, and its row count.
pub async fn csv(
    reporting: &mut ReportingClient<Authed>,
    from: NaiveDate,
    to: NaiveDate,
    quiet: bool,
) -> Result<(String, u64), Error> {
    let chunks = months(from, to);
    let progress = bar(chunks.len() as u64, quiet);
    let mut joined = String::new();
    let mut rows = 0;
    for (start, end) in chunks {
        progress.set_message(format!("{}", start.format("%Y-%m")));
        let month = reporting
            .export_log(pb::ExportLogRequest {
                from: Some(pb_date(start)),
                to: Some(pb_date(end)),
            })
            .await
            .map_err(Error::from("reporting"))?
            .into_inner();
        let text = String::from_utf8(month.csv).map_err(|_| {
            Error::Invalid("the reporting service sent a CSV that is not UTF-8".into())
        })?;
        append_month(&mut joined, &mut rows, &text);
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok((joined, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_period_is_cut_into_the_calendar_months_it_covers() {
        assert_eq!(
            months(day("2025-11-15"), day("2026-02-03")),
            vec![
                (day("2025-11-15"), day("2025-11-30")),
                (day("2025-12-01"), day("2025-12-31")),
                (day("2026-01-01"), day("2026-01-31")),
                (day("2026-02-01"), day("2026-02-03")),
            ]
        );
        assert_eq!(
            months(day("2026-03-02"), day("2026-03-02")),
            vec![(day("2026-03-02"), day("2026-03-02"))]
        );
        assert!(months(day("2026-03-02"), day("2026-03-01")).is_empty());
    }

    #[test]
    fn months_join_into_one_csv_with_one_header_and_rows_numbered_on() {
        let mut joined = String::new();
        let mut rows = 0;
        append_month(
            &mut joined,
            &mut rows,
            "row,received_on\n1,2026-01-05\n2,2026-01-09\n",
        );
        append_month(&mut joined, &mut rows, "row,received_on\n");
        append_month(&mut joined, &mut rows, "row,received_on\n1,2026-03-01\n");
        assert_eq!(
            joined,
            "row,received_on\n1,2026-01-05\n2,2026-01-09\n3,2026-03-01\n"
        );
        assert_eq!(rows, 3);
    }
}
