//! The UK civil date of an instant.
//!
//! Events carry UTC timestamps, but the procedure's dates are UK dates: a
//! complaint submitted at 23:30 UTC on a summer evening arrived, for the
//! complainant and the deadline, on the next day. The rule is implemented
//! directly because it is one line of law and a time-zone database would be
//! a large dependency for it.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta, Utc};

/// The UK civil date of `instant`: GMT in winter, British Summer Time
/// (UTC+1) from 01:00 UTC on the last Sunday of March to 01:00 UTC on the
/// last Sunday of October.
///
/// The current rule (in force since 1996) is applied to every year; dates
/// from before then may differ from what UK clocks showed.
pub fn uk_date(instant: DateTime<Utc>) -> NaiveDate {
    let utc = instant.naive_utc();
    if is_summer_time(utc) {
        utc.checked_add_signed(TimeDelta::hours(1))
            .unwrap_or(utc)
            .date()
    } else {
        utc.date()
    }
}

/// Whether British Summer Time is in force at the UTC time `utc`.
fn is_summer_time(utc: NaiveDateTime) -> bool {
    let year = utc.year();
    let switch = |month| last_sunday(year, month).and_then(|day| day.and_hms_opt(1, 0, 0));
    match (switch(3), switch(10)) {
        (Some(starts), Some(ends)) => starts <= utc && utc < ends,
        _ => false,
    }
}

/// The last Sunday of `month` (March or October) in `year`.
fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let last_day = NaiveDate::from_ymd_opt(year, month + 1, 1)?.pred_opt()?;
    let back = last_day.weekday().num_days_from_sunday();
    last_day.checked_sub_days(Days::new(back.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn summer_time_starts_at_one_in_the_morning_utc_on_the_last_sunday_of_march() {
        assert!(!is_summer_time(at("2026-03-29 00:59:59")));
        assert!(is_summer_time(at("2026-03-29 01:00:00")));
    }

    #[test]
    fn summer_time_ends_at_one_in_the_morning_utc_on_the_last_sunday_of_october() {
        assert!(is_summer_time(at("2026-10-25 00:59:59")));
        assert!(!is_summer_time(at("2026-10-25 01:00:00")));
    }

    /// Switch days for 2020 to 2030 as listed by the Europe/London zone of
    /// the IANA time-zone database.
    #[test]
    fn last_sundays_match_the_published_clock_change_days() {
        let published = [
            (2020, 29, 25),
            (2021, 28, 31),
            (2022, 27, 30),
            (2023, 26, 29),
            (2024, 31, 27),
            (2025, 30, 26),
            (2026, 29, 25),
            (2027, 28, 31),
            (2028, 26, 29),
            (2029, 25, 28),
            (2030, 31, 27),
        ];
        for (year, march, october) in published {
            assert_eq!(
                last_sunday(year, 3),
                NaiveDate::from_ymd_opt(year, 3, march)
            );
            assert_eq!(
                last_sunday(year, 10),
                NaiveDate::from_ymd_opt(year, 10, october)
            );
        }
    }
}
