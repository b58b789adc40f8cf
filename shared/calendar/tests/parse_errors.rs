//! Reading operator-maintained calendar files: good files load, and bad
//! ones are refused with a message naming the file, the line and the fault.

use std::path::PathBuf;

use calendar::{Calendar, CalendarError};
use chrono::NaiveDate;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

const HOLIDAYS: &str =
    "# comment\n\n2026-12-25 Christmas Day\n2026-12-28\tBoxing Day (substitute day)\n";

fn parse_error(holidays: &str, closures: &str) -> String {
    Calendar::parse(holidays, closures)
        .expect_err("the text should be refused")
        .to_string()
}

/// A file in the test's own temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, contents: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("calendar-tests-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        let path = dir.join(name);
        std::fs::write(&path, contents).expect("write temp file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        // Succeeds only once the directory's last file is gone.
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[test]
fn comments_blank_lines_and_windows_line_endings_are_ignored() {
    let calendar = Calendar::parse(&HOLIDAYS.replace('\n', "\r\n"), "").expect("valid");
    assert_eq!(
        calendar.holiday_name(date(2026, 12, 25)),
        Some("Christmas Day")
    );
    assert_eq!(
        calendar.holiday_name(date(2026, 12, 28)),
        Some("Boxing Day (substitute day)")
    );
    assert_eq!(calendar.covered_years(), (2026, 2026));
}

#[test]
fn closures_text_names_its_own_days() {
    let calendar =
        Calendar::parse(HOLIDAYS, "2026-12-29 Office closed for the holidays\n").expect("valid");
    assert!(!calendar.is_working_day(date(2026, 12, 29)));
    assert_eq!(
        calendar.holiday_name(date(2026, 12, 29)),
        Some("Office closed for the holidays")
    );
}

#[test]
fn a_malformed_date_is_refused_naming_the_line() {
    let message = parse_error("2026-12-25 Christmas Day\n\n25/12/2026 Christmas Day\n", "");
    assert!(message.contains("bank holidays, line 3"), "{message}");
    assert!(message.contains("YYYY-MM-DD"), "{message}");
}

#[test]
fn an_impossible_date_is_refused_naming_the_line() {
    let message = parse_error("2026-02-30 Not a day\n", "");
    assert!(
        message.contains("line 1: 2026-02-30 is not a real date"),
        "{message}"
    );
}

#[test]
fn a_date_without_a_name_is_refused_naming_the_line() {
    let message = parse_error("# header\n2026-12-25\n", "");
    assert!(
        message.contains("line 2: 2026-12-25 has no name"),
        "{message}"
    );
}

#[test]
fn a_duplicate_date_is_refused_naming_both_lines() {
    let error = Calendar::parse("2026-12-25 Christmas Day\n# again\n2026-12-25 Xmas\n", "")
        .expect_err("duplicate");
    assert!(matches!(
        error,
        CalendarError::DuplicateDate {
            line: 3,
            first_line: 1,
            ..
        }
    ));
    let message = error.to_string();
    assert!(
        message.contains("line 3: 2026-12-25 is listed twice (first on line 1)"),
        "{message}"
    );
}

#[test]
fn errors_in_the_closures_text_say_it_is_the_closures() {
    let message = parse_error(HOLIDAYS, "2026-12-29 Closed\n2026-12-29 Closed\n");
    assert!(message.starts_with("office closures, line 2"), "{message}");
}

#[test]
fn bank_holiday_data_with_no_days_is_refused() {
    let message = parse_error("# nothing here\n", "");
    assert!(message.contains("no bank holidays are listed"), "{message}");
}

#[test]
fn files_are_read_and_errors_name_the_file_path() {
    let holidays = TempFile::new("holidays.txt", HOLIDAYS);
    let closures = TempFile::new("closures.txt", "2026-12-29 Closed\nnot a date\n");
    let error = Calendar::from_files(&holidays.0, Some(&closures.0)).expect_err("bad closures");
    let message = error.to_string();
    assert!(
        message.contains(&closures.0.display().to_string()),
        "{message}"
    );
    assert!(message.contains("line 2"), "{message}");

    let calendar = Calendar::from_files(&holidays.0, None).expect("valid holidays file");
    assert_eq!(
        calendar.holiday_name(date(2026, 12, 25)),
        Some("Christmas Day")
    );
}

#[test]
fn a_missing_file_is_refused_naming_the_path() {
    let path = std::env::temp_dir().join("calendar-tests-no-such-file.txt");
    let error = Calendar::from_files(&path, None).expect_err("missing");
    assert!(matches!(error, CalendarError::Read { .. }));
    assert!(
        error
            .to_string()
            .contains("calendar-tests-no-such-file.txt"),
        "{error}"
    );
}
