//! How letters write dates, deadlines and money, the British way.
//!
//! Plain functions, so they are tested on their own; [`super::render`]
//! registers them as template filters.

use calendar::WorkingDays;
use chrono::NaiveDate;

/// "Wednesday 6 January 2027": the day of the week helps the reader more
/// than a bare number, and a written month cannot be misread as US order.
pub fn uk_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "within 7 working days, that is by Wednesday 6 January 2027": the
/// procedure counts in working days, the reader plans by a date.
pub fn within_working_days(days: WorkingDays, by: NaiveDate) -> String {
    format!("within {days}, that is by {}", uk_date(by))
}

/// "within 14 days, that is by Monday 20 January 2027" (calendar days, as
/// the escalation windows are counted).
pub fn within_days(days: u32, by: NaiveDate) -> String {
    let unit = if days == 1 { "day" } else { "days" };
    format!("within {days} {unit}, that is by {}", uk_date(by))
}

/// "£1,250.00" from pence: integer arithmetic, so no rounding surprises.
pub fn money(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let abs = pence.unsigned_abs();
    let pounds = (abs / 100).to_string();
    let mut grouped = String::with_capacity(pounds.len() + pounds.len() / 3);
    for (i, digit) in pounds.chars().enumerate() {
        if i > 0 && (pounds.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}£{grouped}.{:02}", abs % 100)
}
