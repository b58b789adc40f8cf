//! Date arithmetic that ignores holidays: calendar days and plain weekdays.
//!
//! The weekday helpers skip whole weeks (every 7 consecutive days hold exactly
//! 5 weekdays), so counting across years costs the same as across days.

use chrono::{Datelike, Days, NaiveDate};

/// The date `days` calendar days after `start`, for the windows the procedure
/// counts in plain days (R-S2-1 and R-S3-1: escalation within 14 days of
/// receiving the outcome). Weekends and holidays count like any other day.
///
/// Saturates at [`NaiveDate::MAX`] rather than panicking, since `days` may
/// come from configuration.
pub fn add_calendar_days(start: NaiveDate, days: u32) -> NaiveDate {
    start
        .checked_add_days(Days::new(days.into()))
        .unwrap_or(NaiveDate::MAX)
}

/// Monday to Friday.
pub(crate) fn is_weekday(date: NaiveDate) -> bool {
    date.weekday().num_days_from_monday() < 5
}

/// Weekdays in the half-open range `(start, end]`; 0 when `end <= start`.
pub(crate) fn weekdays_between(start: NaiveDate, end: NaiveDate) -> i64 {
    let span = (end - start).num_days();
    if span <= 0 {
        return 0;
    }
    let whole_weeks = span / 7;
    // The remaining 0..=6 days follow `start`'s weekday round the week.
    let first = i64::from(start.weekday().num_days_from_monday());
    let rest = (1..=span % 7)
        .filter(|offset| (first + offset) % 7 < 5)
        .count();
    whole_weeks * 5 + i64::try_from(rest).unwrap_or(0)
}

/// The `n`th weekday after `start` (`start` itself never counts); `start` when
/// `n` is 0. `None` past the last date chrono can represent.
pub(crate) fn add_weekdays(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    if n == 0 {
        return Some(start);
    }
    // Jump whole weeks but leave 1..=5 weekdays to step through, so that a
    // weekend `start` never lands on a weekend.
    let whole_weeks = (n - 1) / 5;
    let mut remaining = n - whole_weeks * 5;
    let mut date = start.checked_add_days(Days::new(u64::from(whole_weeks) * 7))?;
    while remaining > 0 {
        date = date.succ_opt()?;
        if is_weekday(date) {
            remaining -= 1;
        }
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Day-by-day reference for the whole-week shortcuts.
    fn naive_add(start: NaiveDate, mut n: u32) -> NaiveDate {
        let mut d = start;
        while n > 0 {
            d = d.succ_opt().unwrap();
            if is_weekday(d) {
                n -= 1;
            }
        }
        d
    }

    #[test]
    fn whole_week_shortcuts_agree_with_counting_day_by_day() {
        // Every weekday of the start, including weekends, and n across weeks.
        for offset in 0..14 {
            let start = add_calendar_days(date(2026, 1, 1), offset);
            for n in 0..40 {
                let end = add_weekdays(start, n).unwrap();
                assert_eq!(end, naive_add(start, n), "start {start}, n {n}");
                assert_eq!(weekdays_between(start, end), i64::from(n));
            }
        }
    }

    #[test]
    fn five_weekdays_from_a_saturday_is_the_friday_not_the_next_saturday() {
        assert_eq!(add_weekdays(date(2026, 1, 3), 5), Some(date(2026, 1, 9)));
    }

    #[test]
    fn weekdays_between_is_zero_when_the_end_is_not_after_the_start() {
        assert_eq!(weekdays_between(date(2026, 1, 5), date(2026, 1, 5)), 0);
        assert_eq!(weekdays_between(date(2026, 1, 9), date(2026, 1, 5)), 0);
    }

    #[test]
    fn calendar_days_saturate_instead_of_overflowing() {
        assert_eq!(add_calendar_days(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_weekdays(NaiveDate::MAX, 1), None);
    }
}
