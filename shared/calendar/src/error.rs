//! Errors reading calendar data.

use std::path::PathBuf;

use chrono::NaiveDate;

/// Why bank-holiday or closure data could not be read.
///
/// Operators edit these files by hand, so every message names the file (or,
/// for text passed to [`crate::Calendar::parse`], which of the two texts) and
/// the line, and says what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum CalendarError {
    /// The file could not be read at all.
    #[error("cannot read calendar file {}: {source}", path.display())]
    Read {
        /// The file that was being read.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// A line is not `YYYY-MM-DD<whitespace>Name of the day`.
    #[error(
        "{origin}, line {line}: {problem} (the line reads {text:?}; \
         expected `YYYY-MM-DD Name of the day`)"
    )]
    Malformed {
        /// The file path, or "bank holidays" / "office closures".
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The offending line, trimmed.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The same date is listed twice in one file.
    #[error("{origin}, line {line}: {date} is listed twice (first on line {first_line})")]
    DuplicateDate {
        /// The file path, or "bank holidays" / "office closures".
        origin: String,
        /// 1-based line number of the second listing.
        line: usize,
        /// The repeated date.
        date: NaiveDate,
        /// 1-based line number of the first listing.
        first_line: usize,
    },
    /// The bank-holiday data lists no days, so it covers no years: almost
    /// certainly the wrong file, and every day would count as a working day.
    #[error(
        "{origin}: no bank holidays are listed; expected lines like `2026-12-25 Christmas Day`"
    )]
    NoBankHolidays {
        /// The file path, or "bank holidays".
        origin: String,
    },
}
