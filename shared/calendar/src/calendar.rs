//! [`Calendar`]: which days are working days, and deadline arithmetic.

use std::collections::BTreeMap;
use std::ops::Bound::{Excluded, Included};
use std::path::Path;

use chrono::{Datelike, NaiveDate};

use crate::days::{add_weekdays, is_weekday, weekdays_between};
use crate::parse::parse_days;
use crate::{CalendarError, WorkingDays};

/// The bank holidays built into the crate; see the file's header.
/// The embedded England and Wales bank-holiday data, in the line format
/// [`Calendar::parse`] reads; for combining with an office-closures file.
pub const ENGLAND_AND_WALES_BANK_HOLIDAYS: &str =
    include_str!("../data/england-and-wales-bank-holidays.txt");

/// The name given to closure days added without one.
const OFFICE_CLOSURE: &str = "Office closure";

/// Which days are working days: Monday to Friday, except bank holidays and
/// office closure days.
///
/// Outside [`Calendar::covered_years`] there is no holiday data, so only
/// weekends are non-working days there. Deadlines that far out are rare;
/// callers that must not guess can check the covered years first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// Bank holidays and closures by date, with their names. Where a closure
    /// falls on a bank holiday the bank holiday's name is kept.
    days_off: BTreeMap<NaiveDate, String>,
    /// First and last year of the bank-holiday data (closures do not widen it:
    /// a closure day says nothing about the holidays of its year).
    covered_years: (i32, i32),
}

impl Calendar {
    /// The England and Wales bank holidays 2020 to 2030 inclusive, from the
    /// data file embedded in the crate, with no office closures.
    pub fn england_and_wales() -> Calendar {
        // The embedded file is fixed at build time and checked by the tests
        // in `tests/embedded_data.rs`, so failing here is a build defect.
        Self::parse(ENGLAND_AND_WALES_BANK_HOLIDAYS, "")
            .expect("the embedded England and Wales bank-holiday file is valid")
    }

    /// Parses bank-holiday text and office-closure text, both in the
    /// `YYYY-MM-DD Name of the day` line format. Errors name "bank holidays"
    /// or "office closures" and the line.
    pub fn parse(bank_holidays: &str, closures: &str) -> Result<Calendar, CalendarError> {
        Self::from_texts(bank_holidays, "bank holidays", closures, "office closures")
    }

    /// Reads bank holidays and, optionally, office closures from files.
    /// Errors name the file and, for bad content, the line.
    pub fn from_files(
        bank_holidays: &Path,
        closures: Option<&Path>,
    ) -> Result<Calendar, CalendarError> {
        let read = |path: &Path| {
            std::fs::read_to_string(path).map_err(|source| CalendarError::Read {
                path: path.to_owned(),
                source,
            })
        };
        let holidays_text = read(bank_holidays)?;
        let (closures_text, closures_origin) = match closures {
            Some(path) => (read(path)?, path.display().to_string()),
            None => (String::new(), String::new()),
        };
        Self::from_texts(
            &holidays_text,
            &bank_holidays.display().to_string(),
            &closures_text,
            &closures_origin,
        )
    }

    fn from_texts(
        holidays: &str,
        holidays_origin: &str,
        closures: &str,
        closures_origin: &str,
    ) -> Result<Calendar, CalendarError> {
        let mut days_off = parse_days(holidays, holidays_origin)?;
        let (Some(first), Some(last)) = (days_off.first_key_value(), days_off.last_key_value())
        else {
            return Err(CalendarError::NoBankHolidays {
                origin: holidays_origin.to_owned(),
            });
        };
        let covered_years = (first.0.year(), last.0.year());
        for (date, name) in parse_days(closures, closures_origin)? {
            days_off.entry(date).or_insert(name);
        }
        Ok(Calendar {
            days_off,
            covered_years,
        })
    }

    /// Adds office closure days (for example between Christmas and New
    /// Year), named "Office closure". Dates that are already bank holidays
    /// keep their bank-holiday name.
    pub fn with_closures(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        for date in days {
            self.days_off
                .entry(date)
                .or_insert_with(|| OFFICE_CLOSURE.to_owned());
        }
        self
    }

    /// Monday to Friday and neither a bank holiday nor a closure day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        is_weekday(date) && !self.days_off.contains_key(&date)
    }

    /// The date `days` working days after `start`. `start` itself never
    /// counts, whatever day it is: a Saturday submission plus 1 working day is
    /// the Monday (unless that is a bank holiday). `WorkingDays(0)` returns
    /// `start` unchanged.
    ///
    /// Saturates at [`NaiveDate::MAX`] rather than panicking.
    pub fn add_working_days(&self, start: NaiveDate, days: WorkingDays) -> NaiveDate {
        // Jump `remaining` weekdays at once, then count the days off jumped
        // over and jump that many again. Each pass with days left over has
        // consumed at least one day off, so there are at most as many passes
        // as days off plus one.
        let mut current = start;
        let mut remaining = days.get();
        while remaining > 0 {
            let Some(next) = add_weekdays(current, remaining) else {
                return NaiveDate::MAX;
            };
            remaining = self.weekdays_off(current, next);
            current = next;
        }
        current
    }

    /// Working days in the half-open range `(start, end]`, so that
    /// `working_days_between(start, add_working_days(start, n)) == n`;
    /// 0 when `end <= start`.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        let working = weekdays_between(start, end) - i64::from(self.weekdays_off(start, end));
        u32::try_from(working.max(0)).unwrap_or(u32::MAX)
    }

    /// First and last year the bank-holiday data covers, e.g. `(2020, 2030)`.
    pub fn covered_years(&self) -> (i32, i32) {
        self.covered_years
    }

    /// The name of the bank holiday or closure on `date`, if any.
    pub fn holiday_name(&self, date: NaiveDate) -> Option<&str> {
        self.days_off.get(&date).map(String::as_str)
    }

    /// Bank holidays and closures on weekdays in `(start, end]`. Weekend
    /// entries are skipped: they are not working days anyway.
    fn weekdays_off(&self, start: NaiveDate, end: NaiveDate) -> u32 {
        if end <= start {
            return 0;
        }
        let count = self
            .days_off
            .range((Excluded(start), Included(end)))
            .filter(|(date, _)| is_weekday(**date))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }
}
