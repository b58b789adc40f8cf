//! Properties of working-day arithmetic over random dates, spans and
//! office closures, checked against a day-by-day reference.

use calendar::{Calendar, WorkingDays};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

/// Start dates from 2018 to 2033: before, across and after the data.
fn any_start() -> impl Strategy<Value = NaiveDate> {
    (0u64..16 * 366)
        .prop_map(|offset| NaiveDate::from_ymd_opt(2018, 1, 1).expect("valid") + Days::new(offset))
}

/// The built-in calendar plus up to 40 random closure days in 2024 to 2027.
fn any_calendar() -> impl Strategy<Value = Calendar> {
    proptest::collection::vec(0u64..4 * 366, 0..40).prop_map(|offsets| {
        let base = NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid");
        Calendar::england_and_wales()
            .with_closures(offsets.into_iter().map(|o| base + Days::new(o)))
    })
}

fn add(calendar: &Calendar, start: NaiveDate, n: u32) -> NaiveDate {
    calendar.add_working_days(start, WorkingDays::new(n))
}

proptest! {
    #[test]
    fn adding_one_or_more_working_days_lands_on_a_working_day(
        calendar in any_calendar(), start in any_start(), n in 1u32..800,
    ) {
        prop_assert!(calendar.is_working_day(add(&calendar, start, n)));
    }

    #[test]
    fn working_days_between_the_start_and_the_result_is_the_number_added(
        calendar in any_calendar(), start in any_start(), n in 0u32..800,
    ) {
        let end = add(&calendar, start, n);
        prop_assert_eq!(calendar.working_days_between(start, end), n);
    }

    #[test]
    fn adding_more_working_days_never_gives_an_earlier_date(
        calendar in any_calendar(), start in any_start(), n in 0u32..800, extra in 1u32..50,
    ) {
        prop_assert!(add(&calendar, start, n) < add(&calendar, start, n + extra));
    }

    #[test]
    fn adding_working_days_agrees_with_counting_day_by_day(
        calendar in any_calendar(), start in any_start(), n in 0u32..120,
    ) {
        let mut expected = start;
        for _ in 0..n {
            expected = expected.succ_opt().expect("in range");
            while !calendar.is_working_day(expected) {
                expected = expected.succ_opt().expect("in range");
            }
        }
        prop_assert_eq!(add(&calendar, start, n), expected);
    }
}
