//! Dates, deadlines and money the British way.

use super::date;
use crate::core::format::{money, uk_date, within_days, within_working_days};
use calendar::{Calendar, WorkingDays};

#[test]
fn a_date_is_written_with_its_weekday_day_month_and_year() {
    assert_eq!(uk_date(date(2027, 1, 6)), "Wednesday 6 January 2027");
    assert_eq!(uk_date(date(2026, 12, 25)), "Friday 25 December 2026");
}

/// R-INT-8: the working-day count and the date it gives, from the calendar.
#[test]
fn r_int_8_a_working_day_deadline_is_spelt_out_with_its_date() {
    let calendar = Calendar::england_and_wales();
    // Received on Thursday 24 December 2026: 7 working days skip Christmas
    // Day, the Boxing Day substitute on Monday 28 December, New Year's Day
    // and two weekends.
    let by = calendar.add_working_days(date(2026, 12, 24), WorkingDays::new(7));
    assert_eq!(by, date(2027, 1, 7));
    assert_eq!(
        within_working_days(WorkingDays::new(7), by),
        "within 7 working days, that is by Thursday 7 January 2027"
    );
    assert_eq!(
        within_working_days(WorkingDays::new(1), date(2027, 1, 6)),
        "within 1 working day, that is by Wednesday 6 January 2027"
    );
}

#[test]
fn a_calendar_day_window_is_spelt_out_with_its_date() {
    assert_eq!(
        within_days(14, date(2027, 1, 20)),
        "within 14 days, that is by Wednesday 20 January 2027"
    );
}

#[test]
fn money_is_written_in_pounds_and_pence_with_thousands_grouped() {
    assert_eq!(money(9500), "£95.00");
    assert_eq!(money(5), "£0.05");
    assert_eq!(money(125_000), "£1,250.00");
    assert_eq!(money(123_456_789), "£1,234,567.89");
    assert_eq!(money(-250), "-£2.50");
}
