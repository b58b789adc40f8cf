//! The line format shared by the bank-holiday and office-closure files.
//!
//! One day per line, `YYYY-MM-DD<whitespace>Name of the day`; blank lines and
//! lines starting with `#` are ignored. The format is deliberately plain so
//! operators can edit it in any text editor and review changes in a diff.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use chrono::NaiveDate;

use crate::CalendarError;

/// A day listed in a file: its name and the line it was on.
struct Listed {
    name: String,
    line: usize,
}

/// Parses `text` into date → name. `origin` names the file (or text) in
/// errors. A malformed line or a date listed twice is an error naming the line.
pub(crate) fn parse_days(
    text: &str,
    origin: &str,
) -> Result<BTreeMap<NaiveDate, String>, CalendarError> {
    // Files saved by some Windows editors start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut days: BTreeMap<NaiveDate, Listed> = BTreeMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let malformed = |problem: String| CalendarError::Malformed {
            origin: origin.to_owned(),
            line,
            text: trimmed.to_owned(),
            problem,
        };
        let (date_text, name) = trimmed
            .split_once(char::is_whitespace)
            .map_or((trimmed, ""), |(date, name)| (date, name.trim()));
        let date = parse_iso_date(date_text).map_err(malformed)?;
        if name.is_empty() {
            return Err(malformed(format!("{date} has no name after it")));
        }
        match days.entry(date) {
            Entry::Occupied(first) => {
                return Err(CalendarError::DuplicateDate {
                    origin: origin.to_owned(),
                    line,
                    date,
                    first_line: first.get().line,
                });
            }
            Entry::Vacant(slot) => {
                slot.insert(Listed {
                    name: name.to_owned(),
                    line,
                });
            }
        }
    }
    Ok(days
        .into_iter()
        .map(|(date, listed)| (date, listed.name))
        .collect())
}

/// Strictly `YYYY-MM-DD`: chrono's `%Y-%m-%d` would also accept `2026-5-4`,
/// and an ambiguous-looking line in a hand-edited file is better refused.
fn parse_iso_date(text: &str) -> Result<NaiveDate, String> {
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let field = |range: std::ops::Range<usize>| text.get(range).and_then(|t| t.parse::<u32>().ok());
    match (field(0..4), field(5..7), field(8..10)) {
        (Some(year), Some(month), Some(day)) if shaped => i32::try_from(year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
            .ok_or_else(|| format!("{text} is not a real date")),
        _ => Err(format!("{text:?} is not a date in the form YYYY-MM-DD")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_be_exactly_year_month_day_with_leading_zeros() {
        assert!(parse_iso_date("2026-05-04").is_ok());
        assert!(parse_iso_date("2026-5-4").is_err());
        assert!(parse_iso_date("04/05/2026").is_err());
        assert!(
            parse_iso_date("2026-02-30")
                .unwrap_err()
                .contains("not a real date")
        );
    }

    #[test]
    fn names_keep_inner_spaces_and_lose_surrounding_ones() {
        let days = parse_days("  2026-12-25 \t Christmas  Day  \r\n", "test").unwrap();
        let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert_eq!(days[&christmas], "Christmas  Day");
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_ignored() {
        let days = parse_days("\u{feff}2026-12-25 Christmas Day\n", "test").unwrap();
        assert_eq!(days.len(), 1);
    }
}
