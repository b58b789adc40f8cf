//! The bounds every request is held to, so no request can make a service
//! work for longer than a caller would wait: page sizes, list lengths and
//! reporting periods. A value beyond its bound is refused as
//! INVALID_ARGUMENT naming the field, never clamped silently.

use crate::grpc::FieldViolation;

/// The most rows one page of any list call returns.
pub const MAX_PAGE_SIZE: u32 = 500;
/// The most rows a list call without a page size answers (the access
/// audit, the retention lists, the print queue, a complaint's
/// correspondence), so a table of any size cannot make one call run away.
/// Each call says which rows it keeps when there are more: the newest, or
/// the first in its order.
pub const MAX_LIST_ROWS: usize = 1000;
/// A list of at most [`MAX_LIST_ROWS`] and whether rows were left out.
///
/// A list call asks its store for one row more than it answers, so it can
/// tell a caller that the list is cut without counting the whole table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut<T> {
    pub rows: Vec<T>,
    pub truncated: bool,
}

impl<T> Cut<T> {
    /// From up to `MAX_LIST_ROWS + 1` rows, oldest first, of which the
    /// latest are wanted: an extra row is the oldest one, and goes.
    pub fn keep_latest(mut rows: Vec<T>) -> Self {
        let truncated = rows.len() > MAX_LIST_ROWS;
        if truncated {
            rows.drain(..rows.len() - MAX_LIST_ROWS);
        }
        Self { rows, truncated }
    }

    /// From rows in the order they are answered, of which the first are
    /// wanted: everything past [`MAX_LIST_ROWS`] goes.
    pub fn keep_first(mut rows: Vec<T>) -> Self {
        let truncated = rows.len() > MAX_LIST_ROWS;
        rows.truncate(MAX_LIST_ROWS);
        Self { rows, truncated }
    }
}

/// How many rows to ask a store for: one beyond what is answered.
pub const LIST_ROWS_TO_FETCH: usize = MAX_LIST_ROWS + 1;

/// The rows a page holds when the request does not say.
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The most entries a repeated field of a request may carry (links of a
/// subject access request, remedies, grounds...).
pub const MAX_LIST_LENGTH: usize = 100;
/// Dates a request may name: the platform's records start this century and
/// nothing is planned beyond the next.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;
/// The longest period a report or an export may cover, in years.
pub const MAX_PERIOD_YEARS: u32 = 10;
/// The rule named in a violation of these bounds.
pub const RULE: &str = "request limits";

fn violation(field: &str, description: String) -> FieldViolation {
    FieldViolation {
        field: field.to_owned(),
        rule: RULE,
        description,
    }
}

/// The page size asked for: 0 means [`DEFAULT_PAGE_SIZE`]; above
/// [`MAX_PAGE_SIZE`] is refused naming `field`.
pub fn page_size(field: &str, requested: u32) -> Result<u32, FieldViolation> {
    match requested {
        0 => Ok(DEFAULT_PAGE_SIZE),
        n if n <= MAX_PAGE_SIZE => Ok(n),
        n => Err(violation(
            field,
            format!("is {n}; a page holds at most {MAX_PAGE_SIZE} rows"),
        )),
    }
}

/// A repeated field of at most [`MAX_LIST_LENGTH`] entries.
pub fn list_length(field: &str, length: usize) -> Result<(), FieldViolation> {
    if length > MAX_LIST_LENGTH {
        return Err(violation(
            field,
            format!("has {length} entries; at most {MAX_LIST_LENGTH} are accepted"),
        ));
    }
    Ok(())
}

/// A year between [`FIRST_YEAR`] and [`LAST_YEAR`].
pub fn year(field: &str, year: i32) -> Result<(), FieldViolation> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(violation(
            field,
            format!("is in the year {year}; dates from {FIRST_YEAR} to {LAST_YEAR} are accepted"),
        ));
    }
    Ok(())
}

/// A period from `from` to `to` of at most [`MAX_PERIOD_YEARS`]; the
/// violation names `to_field`.
pub fn period_length(
    to_field: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<(), FieldViolation> {
    let latest = from.checked_add_months(chrono::Months::new(12 * MAX_PERIOD_YEARS));
    if latest.is_none_or(|latest| to >= latest) {
        return Err(violation(
            to_field,
            format!(
                "ends {to}, more than {MAX_PERIOD_YEARS} years after the period starts ({from})"
            ),
        ));
    }
    Ok(())
}

/// A required text field cleaned by its fieldtext `rule`: blank, NUL,
/// other controls, bidi overrides and over-long values are refused naming
/// `field` and the procedure rule `procedure`.
pub fn required_text(
    field: &str,
    rule: fieldtext::Rule,
    raw: &str,
    procedure: &'static str,
) -> Result<String, tonic::Status> {
    rule.required(raw).map_err(|refused| {
        crate::grpc::invalid_argument(&[FieldViolation {
            field: field.to_owned(),
            rule: procedure,
            description: refused.to_string(),
        }])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_page_size_of_0_is_the_default_and_one_over_500_is_refused_naming_the_field() {
        assert_eq!(page_size("page_size", 0), Ok(DEFAULT_PAGE_SIZE));
        assert_eq!(page_size("page_size", 500), Ok(500));
        let refused = page_size("page_size", 501).unwrap_err();
        assert_eq!(refused.field, "page_size");
        assert!(page_size("page_size", u32::MAX).is_err());
    }

    #[test]
    fn years_outside_2000_to_2100_are_refused() {
        assert!(year("from", 2000).is_ok());
        assert!(year("to", 2100).is_ok());
        for y in [0, 1999, 2101, 9999, 99_999, -5] {
            assert_eq!(year("to", y).unwrap_err().field, "to", "{y}");
        }
    }

    #[test]
    fn a_period_of_ten_years_is_accepted_and_one_a_day_longer_refused() {
        assert!(period_length("to", day(2026, 1, 1), day(2035, 12, 31)).is_ok());
        assert_eq!(
            period_length("to", day(2026, 1, 1), day(2036, 1, 1))
                .unwrap_err()
                .field,
            "to"
        );
    }

    #[test]
    fn a_list_of_more_than_100_entries_is_refused() {
        assert!(list_length("links", 100).is_ok());
        assert_eq!(list_length("links", 101).unwrap_err().field, "links");
    }

    #[test]
    fn a_cut_list_keeps_the_latest_or_the_first_rows_and_says_it_was_cut() {
        let rows: Vec<usize> = (0..LIST_ROWS_TO_FETCH).collect();
        let latest = Cut::keep_latest(rows.clone());
        assert!(latest.truncated);
        assert_eq!(latest.rows.len(), MAX_LIST_ROWS);
        assert_eq!(latest.rows.first(), Some(&1), "the oldest row goes");
        let first = Cut::keep_first(rows);
        assert!(first.truncated);
        assert_eq!(
            first.rows.last(),
            Some(&(MAX_LIST_ROWS - 1)),
            "the last row goes"
        );
        let whole = Cut::keep_latest((0..MAX_LIST_ROWS).collect::<Vec<_>>());
        assert!(!whole.truncated, "a full list that was not cut");
        assert_eq!(whole.rows.len(), MAX_LIST_ROWS);
        assert!(!Cut::keep_first(vec![1, 2]).truncated);
    }
}
