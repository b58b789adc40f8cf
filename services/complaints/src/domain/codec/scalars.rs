//! Dates, instants and parsed text on the wire.

use super::Invalid;
use crate::domain::types::{InvalidValue, NonEmptyText};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use complaints_proto::v1;

pub(super) fn date(d: NaiveDate) -> Option<v1::Date> {
    Some(v1::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    })
}

pub(super) fn opt_date(d: Option<NaiveDate>) -> Option<v1::Date> {
    d.and_then(date)
}

pub(super) fn from_opt_date(
    field: &'static str,
    d: Option<v1::Date>,
) -> Result<Option<NaiveDate>, Invalid> {
    d.map(|d| {
        NaiveDate::from_ymd_opt(d.year, d.month, d.day).ok_or_else(|| {
            Invalid::new(
                field,
                format!("{}-{}-{} is not a date", d.year, d.month, d.day),
            )
        })
    })
    .transpose()
}

pub(super) fn from_date(field: &'static str, d: Option<v1::Date>) -> Result<NaiveDate, Invalid> {
    from_opt_date(field, d)?.ok_or_else(|| Invalid::new(field, "is missing"))
}

pub(super) fn timestamp(t: DateTime<Utc>) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    })
}

pub(super) fn from_timestamp(
    field: &'static str,
    t: Option<prost_types::Timestamp>,
) -> Result<DateTime<Utc>, Invalid> {
    let t = t.ok_or_else(|| Invalid::new(field, "is missing"))?;
    u32::try_from(t.nanos)
        .ok()
        .and_then(|nanos| DateTime::from_timestamp(t.seconds, nanos))
        .ok_or_else(|| Invalid::new(field, "is not a valid instant"))
}

/// Parses a domain value from its text, naming the field on failure.
pub(super) fn parse<'a, T>(
    field: &'static str,
    text: &'a str,
    parse: impl FnOnce(&'a str) -> Result<T, InvalidValue>,
) -> Result<T, Invalid> {
    parse(text).map_err(|e| Invalid::new(field, e.to_string()))
}

/// An optional domain value: the empty string means none.
pub(super) fn parse_opt<'a, T>(
    field: &'static str,
    text: &'a str,
    parse_fn: impl FnOnce(&'a str) -> Result<T, InvalidValue>,
) -> Result<Option<T>, Invalid> {
    if text.is_empty() {
        return Ok(None);
    }
    parse(field, text, parse_fn).map(Some)
}

pub(super) fn text(field: &'static str, text: &str) -> Result<NonEmptyText, Invalid> {
    parse(field, text, NonEmptyText::new)
}

pub(super) fn opt_text(field: &'static str, t: &str) -> Result<Option<NonEmptyText>, Invalid> {
    parse_opt(field, t, NonEmptyText::new)
}

pub(super) fn string_of<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}
