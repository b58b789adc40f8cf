//! UK civil dates of UTC instants around the clock changes.

use calendar::uk_date;
use chrono::{DateTime, NaiveDate, Utc};

fn instant(text: &str) -> DateTime<Utc> {
    text.parse().expect("valid RFC 3339 instant")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

/// At the switch itself the UK date is the same either side (00:59 GMT vs
/// 02:00 BST, both 29 March); the switch shows in the late evening.
#[test]
fn the_march_switch_instants_are_both_on_the_same_uk_date() {
    assert_eq!(uk_date(instant("2026-03-29T00:59:00Z")), date(2026, 3, 29));
    assert_eq!(uk_date(instant("2026-03-29T01:00:00Z")), date(2026, 3, 29));
}

/// 23:30 UTC on Saturday 28 March 2026 is 23:30 GMT (still 28 March); on
/// Sunday 29 March, after the switch, it is 00:30 BST on 30 March.
#[test]
fn late_evening_utc_moves_to_the_next_uk_date_only_after_the_march_switch() {
    assert_eq!(uk_date(instant("2026-03-28T23:30:00Z")), date(2026, 3, 28));
    assert_eq!(uk_date(instant("2026-03-29T23:30:00Z")), date(2026, 3, 30));
}

/// 23:30 UTC on a summer day is 00:30 BST the next day: a complaint sent then
/// arrived on the next UK date.
#[test]
fn half_past_eleven_utc_on_a_summer_day_is_the_next_uk_date() {
    assert_eq!(uk_date(instant("2026-07-15T23:30:00Z")), date(2026, 7, 16));
    assert_eq!(uk_date(instant("2026-07-15T22:59:59Z")), date(2026, 7, 15));
}

/// Summer time ends at 01:00 UTC on Sunday 25 October 2026: 23:30 UTC on
/// Saturday 24 is 00:30 BST on 25; 23:30 UTC on Sunday 25 is 23:30 GMT.
#[test]
fn late_evening_utc_stays_on_the_same_uk_date_after_the_october_switch() {
    assert_eq!(uk_date(instant("2026-10-24T23:30:00Z")), date(2026, 10, 25));
    assert_eq!(uk_date(instant("2026-10-25T23:30:00Z")), date(2026, 10, 25));
}

#[test]
fn winter_instants_are_on_their_utc_date_including_new_years_eve() {
    assert_eq!(uk_date(instant("2026-01-15T23:30:00Z")), date(2026, 1, 15));
    assert_eq!(uk_date(instant("2026-12-31T23:59:59Z")), date(2026, 12, 31));
}
