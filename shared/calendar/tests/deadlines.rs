//! Deadline arithmetic against the built-in England and Wales calendar.
//!
//! Each expected date is worked out by hand in the comment above it, listing
//! the working days counted (1), (2), ... and the days skipped [..].

use calendar::{Calendar, WorkingDays, add_calendar_days};
use chrono::NaiveDate;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn add(start: NaiveDate, n: u32) -> NaiveDate {
    Calendar::england_and_wales().add_working_days(start, WorkingDays::new(n))
}

/// R-S1-1: first contact within 7 working days of a written submission.
/// Wed 11 Jun 2025: Thu 12 (1), Fri 13 (2), [Sat 14, Sun 15], Mon 16 (3),
/// Tue 17 (4), Wed 18 (5), Thu 19 (6), Fri 20 (7).
#[test]
fn first_contact_seven_working_days_from_a_wednesday_skips_one_weekend() {
    assert_eq!(add(date(2025, 6, 11), 7), date(2025, 6, 20));
}

/// R-S1-1: the submission day never counts, even on a weekend.
/// Sat 14 Jun 2025: [Sun 15], Mon 16 (1) ... Fri 20 (5), [Sat 21, Sun 22],
/// Mon 23 (6), Tue 24 (7).
#[test]
fn a_saturday_submission_starts_counting_on_the_monday() {
    assert_eq!(add(date(2025, 6, 14), 1), date(2025, 6, 16));
    assert_eq!(add(date(2025, 6, 14), 7), date(2025, 6, 24));
}

#[test]
fn zero_working_days_is_the_start_date_itself_even_on_a_holiday() {
    assert_eq!(add(date(2025, 12, 25), 0), date(2025, 12, 25));
}

/// R-S1-1 across Christmas 2025 (Thu 25, Fri 26) and New Year (Thu 1 Jan).
/// Mon 22 Dec 2025: Tue 23 (1), Wed 24 (2), [Thu 25, Fri 26, Sat 27, Sun 28],
/// Mon 29 (3), Tue 30 (4), Wed 31 (5), [Thu 1 Jan], Fri 2 (6), [Sat 3, Sun 4],
/// Mon 5 Jan 2026 (7).
#[test]
fn first_contact_across_christmas_and_new_year_2025_skips_all_three_holidays() {
    assert_eq!(add(date(2025, 12, 22), 7), date(2026, 1, 5));
}

/// R-S1-1 across Christmas 2021: Christmas Day and Boxing Day fell on Sat and
/// Sun, so Mon 27 and Tue 28 were substitutes; New Year's Day 2022 fell on a
/// Saturday, so Mon 3 Jan was its substitute.
/// Thu 23 Dec 2021: Fri 24 (1), [Sat 25, Sun 26, Mon 27, Tue 28], Wed 29 (2),
/// Thu 30 (3), Fri 31 (4), [Sat 1, Sun 2, Mon 3], Tue 4 (5), Wed 5 (6),
/// Thu 6 Jan 2022 (7).
#[test]
fn christmas_2021_on_a_weekend_skips_the_substitute_days_after_it() {
    assert_eq!(add(date(2021, 12, 23), 7), date(2022, 1, 6));
}

/// R-S1-1 across Christmas 2022: Christmas Day was a Sunday, so Boxing Day is
/// Mon 26 and the Christmas substitute Tue 27; New Year's Day 2023 was a
/// Sunday, substitute Mon 2 Jan.
/// Fri 23 Dec 2022: [Sat 24, Sun 25, Mon 26, Tue 27], Wed 28 (1), Thu 29 (2),
/// Fri 30 (3), [Sat 31, Sun 1, Mon 2], Tue 3 (4), Wed 4 (5), Thu 5 (6),
/// Fri 6 Jan 2023 (7).
#[test]
fn christmas_2022_on_a_sunday_skips_boxing_day_and_the_christmas_substitute() {
    assert_eq!(add(date(2022, 12, 23), 7), date(2023, 1, 6));
}

/// R-S1-1 across Easter 2025 (Good Friday 18 Apr, Easter Monday 21 Apr).
/// Wed 16 Apr 2025: Thu 17 (1), [Fri 18, Sat 19, Sun 20, Mon 21], Tue 22 (2),
/// Wed 23 (3), Thu 24 (4), Fri 25 (5), [Sat 26, Sun 27], Mon 28 (6), Tue 29 (7).
#[test]
fn first_contact_across_easter_skips_good_friday_and_easter_monday() {
    assert_eq!(add(date(2025, 4, 16), 7), date(2025, 4, 29));
}

/// R-S3-4: Stage 3 acknowledgement within 5 working days of receipt, across
/// the Spring (late May) bank holiday, Mon 25 May 2026.
/// Thu 21 May 2026: Fri 22 (1), [Sat 23, Sun 24, Mon 25], Tue 26 (2),
/// Wed 27 (3), Thu 28 (4), Fri 29 (5).
#[test]
fn stage_three_acknowledgement_across_the_late_may_bank_holiday() {
    assert_eq!(add(date(2026, 5, 21), 5), date(2026, 5, 29));
}

/// R-S3-4 across the moved Spring bank holiday (Thu 2 Jun 2022) and the
/// Platinum Jubilee bank holiday (Fri 3 Jun 2022).
/// Tue 31 May 2022: Wed 1 (1), [Thu 2, Fri 3, Sat 4, Sun 5], Mon 6 (2),
/// Tue 7 (3), Wed 8 (4), Thu 9 (5).
#[test]
fn stage_three_acknowledgement_across_the_platinum_jubilee_weekend_2022() {
    assert_eq!(add(date(2022, 5, 31), 5), date(2022, 6, 9));
}

/// R-S2-4: Stage 2 response within 20 working days of escalation, across
/// Christmas 2026 (Fri 25; Boxing Day Sat 26, substitute Mon 28) and New
/// Year's Day 2027 (Fri 1 Jan).
/// Mon 14 Dec 2026: Tue 15 (1) ... Fri 18 (4), Mon 21 (5) ... Thu 24 (8),
/// [Fri 25, Sat 26, Sun 27, Mon 28], Tue 29 (9), Wed 30 (10), Thu 31 (11),
/// [Fri 1, Sat 2, Sun 3], Mon 4 (12) ... Fri 8 (16), Mon 11 (17) ...
/// Thu 14 Jan 2027 (20).
#[test]
fn stage_two_response_twenty_working_days_across_christmas_2026() {
    assert_eq!(add(date(2026, 12, 14), 20), date(2027, 1, 14));
}

/// R-S3-5: Stage 3 full response within 20 working days of receipt, across
/// Easter 2027 (Good Friday 26 Mar, Easter Monday 29 Mar).
/// Mon 15 Mar 2027: Tue 16 (1) ... Fri 19 (4), Mon 22 (5) ... Thu 25 (8),
/// [Fri 26, Sat 27, Sun 28, Mon 29], Tue 30 (9) ... Fri 2 Apr (12),
/// Mon 5 (13) ... Fri 9 (17), Mon 12 (18), Tue 13 (19), Wed 14 Apr 2027 (20).
#[test]
fn stage_three_response_twenty_working_days_across_easter_2027() {
    assert_eq!(add(date(2027, 3, 15), 20), date(2027, 4, 14));
}

/// Operators close the office between Christmas and New Year 2025.
/// Mon 22 Dec 2025: Tue 23 (1), Wed 24 (2), [Thu 25, Fri 26 holidays,
/// Sat 27, Sun 28, Mon 29, Tue 30, Wed 31 closed, Thu 1 Jan holiday],
/// Fri 2 (3), [Sat 3, Sun 4], Mon 5 (4), Tue 6 (5), Wed 7 (6), Thu 8 (7).
#[test]
fn office_closure_days_added_by_operators_are_skipped() {
    let closed = [date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)];
    let calendar = Calendar::england_and_wales().with_closures(closed);
    assert!(!calendar.is_working_day(date(2025, 12, 30)));
    assert_eq!(
        calendar.holiday_name(date(2025, 12, 30)),
        Some("Office closure")
    );
    let deadline = calendar.add_working_days(date(2025, 12, 22), WorkingDays::new(7));
    assert_eq!(deadline, date(2026, 1, 8));
}

#[test]
fn a_closure_on_a_bank_holiday_keeps_the_bank_holiday_name() {
    let calendar = Calendar::england_and_wales().with_closures([date(2025, 12, 25)]);
    assert_eq!(
        calendar.holiday_name(date(2025, 12, 25)),
        Some("Christmas Day")
    );
}

/// R-S2-1 and R-S3-1: escalation within 14 calendar days of receiving the
/// outcome; weekends and holidays count. Sat 20 Dec 2025 + 14 = Sat 3 Jan 2026.
#[test]
fn escalation_window_is_fourteen_calendar_days_through_holidays() {
    assert_eq!(add_calendar_days(date(2025, 12, 20), 14), date(2026, 1, 3));
}

/// Mon 22 Dec 2025 to Mon 5 Jan 2026 is 7 working days (see the Christmas
/// 2025 test); the start is excluded and the end included.
#[test]
fn working_days_between_counts_the_end_but_not_the_start() {
    let calendar = Calendar::england_and_wales();
    assert_eq!(
        calendar.working_days_between(date(2025, 12, 22), date(2026, 1, 5)),
        7
    );
    assert_eq!(
        calendar.working_days_between(date(2026, 1, 5), date(2026, 1, 5)),
        0
    );
    assert_eq!(
        calendar.working_days_between(date(2026, 1, 5), date(2025, 12, 22)),
        0
    );
}

/// 2026 has 261 weekdays and 8 bank holidays, all on weekdays.
#[test]
fn a_whole_year_of_working_days_is_counted_in_one_call() {
    let calendar = Calendar::england_and_wales();
    assert_eq!(
        calendar.working_days_between(date(2025, 12, 31), date(2026, 12, 31)),
        253
    );
}

/// Beyond the data only weekends are skipped: 2035 has no holidays listed, so
/// Christmas Day 2035 (a Tuesday) counts as a working day.
/// Mon 24 Dec 2035: Tue 25 (1), Wed 26 (2).
#[test]
fn dates_beyond_the_covered_years_skip_weekends_only() {
    let calendar = Calendar::england_and_wales();
    assert!(calendar.is_working_day(date(2035, 12, 25)));
    assert_eq!(add(date(2035, 12, 24), 2), date(2035, 12, 26));
    assert!(!calendar.is_working_day(date(2019, 12, 28)));
}

/// About ten years of working days from 2020 (reaching into 2030) are added
/// and counted back exactly; the arithmetic skips whole weeks rather than
/// stepping day by day.
#[test]
fn long_spans_of_years_round_trip() {
    let calendar = Calendar::england_and_wales();
    let start = date(2020, 1, 1);
    let end = calendar.add_working_days(start, WorkingDays::new(2_520));
    assert!(calendar.is_working_day(end));
    assert_eq!(calendar.working_days_between(start, end), 2_520);
}
