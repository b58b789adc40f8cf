//! The bank holidays built into the crate, cross-checked against the rules
//! that generate them, so a typo in the data file fails the build's tests.

use std::collections::BTreeSet;

use calendar::Calendar;
use chrono::{Datelike, Days, NaiveDate, Weekday};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// Every listed day of `year`, from `holiday_name`.
fn listed(calendar: &Calendar, year: i32) -> BTreeSet<NaiveDate> {
    date(year, 1, 1)
        .iter_days()
        .take_while(|d| d.year() == year)
        .filter(|d| calendar.holiday_name(*d).is_some())
        .collect()
}

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    date(year, month as u32, day as u32)
}

fn monday_on_or_after(d: NaiveDate) -> NaiveDate {
    d.iter_days()
        .find(|d| d.weekday() == Weekday::Mon)
        .expect("in range")
}

fn monday_on_or_before(d: NaiveDate) -> NaiveDate {
    d - Days::new(d.weekday().num_days_from_monday().into())
}

/// The first weekday on or after `d` not already taken (substitute days).
fn substitute(d: NaiveDate, taken: &BTreeSet<NaiveDate>) -> NaiveDate {
    d.iter_days()
        .find(|d| d.weekday().num_days_from_monday() < 5 && !taken.contains(d))
        .expect("in range")
}

/// The standing rules for a year without one-off changes.
fn standard_holidays(year: i32) -> BTreeSet<NaiveDate> {
    let easter = easter_sunday(year);
    let mut days: BTreeSet<NaiveDate> = [
        easter - Days::new(2),
        easter + Days::new(1),
        monday_on_or_after(date(year, 5, 1)),
        monday_on_or_before(date(year, 5, 31)),
        monday_on_or_before(date(year, 8, 31)),
    ]
    .into();
    for fixed in [date(year, 1, 1), date(year, 12, 25), date(year, 12, 26)] {
        let day = substitute(fixed, &days);
        days.insert(day);
    }
    days
}

#[test]
fn the_built_in_data_covers_2020_to_2030() {
    assert_eq!(Calendar::england_and_wales().covered_years(), (2020, 2030));
}

#[test]
fn a_normal_year_has_eight_bank_holidays_and_2022_and_2023_have_extra_ones() {
    let calendar = Calendar::england_and_wales();
    for year in 2020..=2030 {
        let expected = match year {
            2022 => 10, // Platinum Jubilee, State Funeral
            2023 => 9,  // Coronation
            _ => 8,
        };
        assert_eq!(listed(&calendar, year).len(), expected, "{year}");
    }
}

#[test]
fn good_friday_and_easter_monday_match_the_computed_easter_every_year() {
    let calendar = Calendar::england_and_wales();
    for year in 2020..=2030 {
        let easter = easter_sunday(year);
        assert_eq!(
            calendar.holiday_name(easter - Days::new(2)),
            Some("Good Friday"),
            "{year}"
        );
        assert_eq!(
            calendar.holiday_name(easter + Days::new(1)),
            Some("Easter Monday"),
            "{year}"
        );
    }
}

#[test]
fn computed_easter_matches_known_dates() {
    assert_eq!(easter_sunday(2024), date(2024, 3, 31));
    assert_eq!(easter_sunday(2025), date(2025, 4, 20));
    assert_eq!(easter_sunday(2019), date(2019, 4, 21));
}

/// Years without one-off changes match the standing rules exactly,
/// including the weekend substitutes (2021, 2022, 2026, 2027, 2028 ...).
#[test]
fn every_year_matches_the_standing_rules_apart_from_the_announced_changes() {
    let calendar = Calendar::england_and_wales();
    for year in 2020..=2030 {
        let mut expected = standard_holidays(year);
        match year {
            2020 => {
                expected.remove(&date(2020, 5, 4));
                expected.insert(date(2020, 5, 8)); // VE Day
            }
            2022 => {
                expected.remove(&date(2022, 5, 30));
                expected.insert(date(2022, 6, 2)); // Spring bank holiday moved
                expected.insert(date(2022, 6, 3)); // Platinum Jubilee
                expected.insert(date(2022, 9, 19)); // State Funeral
            }
            2023 => {
                expected.insert(date(2023, 5, 8)); // Coronation
            }
            _ => {}
        }
        assert_eq!(listed(&calendar, year), expected, "{year}");
    }
}

#[test]
fn the_one_off_days_carry_their_names() {
    let calendar = Calendar::england_and_wales();
    let name = |d| calendar.holiday_name(d).unwrap_or_default();
    assert!(name(date(2020, 5, 8)).contains("VE day"));
    assert!(name(date(2022, 6, 3)).contains("Platinum Jubilee"));
    assert!(name(date(2022, 9, 19)).contains("State Funeral"));
    assert!(name(date(2023, 5, 8)).contains("coronation"));
    assert_eq!(name(date(2021, 12, 27)), "Christmas Day (substitute day)");
    assert_eq!(name(date(2022, 1, 3)), "New Year's Day (substitute day)");
}

#[test]
fn no_listed_bank_holiday_falls_on_a_weekend() {
    let calendar = Calendar::england_and_wales();
    for year in 2020..=2030 {
        for day in listed(&calendar, year) {
            assert!(day.weekday().num_days_from_monday() < 5, "{day}");
        }
    }
}
