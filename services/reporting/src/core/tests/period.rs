//! Reporting periods and their predecessors.

use super::support::date;
use crate::core::{Grouping, InvalidPeriod, Period};

fn period(from: (i32, u32, u32), to: (i32, u32, u32)) -> Period {
    Period::new(date(from.0, from.1, from.2), date(to.0, to.1, to.2)).unwrap()
}

#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    assert_eq!(
        Period::new(date(2026, 3, 2), date(2026, 3, 1)),
        Err(InvalidPeriod {
            from: date(2026, 3, 2),
            to: date(2026, 3, 1)
        })
    );
    assert!(Period::new(date(2026, 3, 1), date(2026, 3, 1)).is_ok());
}

#[test]
fn both_ends_of_a_period_are_included() {
    let march = period((2026, 3, 1), (2026, 3, 31));
    assert!(march.contains(date(2026, 3, 1)) && march.contains(date(2026, 3, 31)));
    assert!(!march.contains(date(2026, 2, 28)) && !march.contains(date(2026, 4, 1)));
}

#[test]
fn the_quarter_before_a_quarter_is_the_previous_calendar_quarter() {
    assert_eq!(
        period((2026, 4, 1), (2026, 6, 30)).previous(),
        period((2026, 1, 1), (2026, 3, 31))
    );
    assert_eq!(
        period((2026, 1, 1), (2026, 3, 31)).previous(),
        period((2025, 10, 1), (2025, 12, 31))
    );
}

#[test]
fn the_month_before_march_is_all_of_february() {
    assert_eq!(
        period((2026, 3, 1), (2026, 3, 31)).previous(),
        period((2026, 2, 1), (2026, 2, 28))
    );
}

#[test]
fn a_period_of_days_compares_with_as_many_days_before_it() {
    assert_eq!(
        period((2026, 3, 11), (2026, 3, 20)).previous(),
        period((2026, 3, 1), (2026, 3, 10))
    );
    // Starts mid-month, so it is not whole months even though it ends on one.
    assert_eq!(
        period((2026, 3, 15), (2026, 3, 31)).previous(),
        period((2026, 2, 26), (2026, 3, 14))
    );
}

#[test]
fn group_labels_are_year_month_or_year_quarter() {
    assert_eq!(Grouping::Month.label(date(2026, 3, 31)), "2026-03");
    assert_eq!(Grouping::Quarter.label(date(2026, 3, 31)), "2026-Q1");
    assert_eq!(Grouping::Quarter.label(date(2026, 4, 1)), "2026-Q2");
    assert_eq!(Grouping::Quarter.label(date(2026, 12, 31)), "2026-Q4");
}
