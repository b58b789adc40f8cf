//! Reading the other services' protobuf events (`intake_events.proto`,
//! `complaint_events.proto`). Each decoder keeps only what the log needs and
//! drops the rest, personal data included, as soon as it is read.
//!
//! An event type the log does not use gives no facts; bytes that do not
//! decode, or a value the log cannot place (a missing date, an enum value
//! added after this code was written), are an error, so the shell can stop
//! and alert rather than silently under-count.

mod complaints;
mod intake;

pub use complaints::{facts_from_complaints, submission_of_complaint};
pub use intake::{compliment_from_intake, facts_from_intake, monitoring_from_intake};

use super::record::Stage;
use chrono::{DateTime, NaiveDate};
use complaints_proto::v1;
use prost::{Message, Name};
use thiserror::Error;

/// Why an event could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DecodeError {
    /// The bytes are not the protobuf message the event type names.
    #[error("{event_type}: not a valid protobuf message: {reason}")]
    Malformed { event_type: String, reason: String },
    /// A field the log needs is missing or holds a value it cannot place.
    #[error("{event_type}: field {field}: {reason}")]
    InvalidField {
        event_type: String,
        field: &'static str,
        reason: String,
    },
}

/// One event to decode: its fully qualified type and payload.
struct Event<'a> {
    event_type: &'a str,
    payload: &'a [u8],
}

impl Event<'_> {
    /// The message, if the event is of type `M`.
    fn read<M: Message + Name + Default>(&self) -> Result<Option<M>, DecodeError> {
        if self.event_type != M::full_name() {
            return Ok(None);
        }
        M::decode(self.payload)
            .map(Some)
            .map_err(|e| DecodeError::Malformed {
                event_type: self.event_type.to_owned(),
                reason: e.to_string(),
            })
    }

    fn invalid(&self, field: &'static str, reason: impl Into<String>) -> DecodeError {
        DecodeError::InvalidField {
            event_type: self.event_type.to_owned(),
            field,
            reason: reason.into(),
        }
    }

    /// Text cleaned by its field's rule, the one the edge that accepted it
    /// applied ([`fieldtext::fields`]), so what was accepted reads back
    /// unchanged and nothing a text column cannot hold gets that far.
    /// Blank is empty.
    fn text(
        &self,
        field: &'static str,
        rule: fieldtext::Rule,
        value: &str,
    ) -> Result<String, DecodeError> {
        rule.clean(value)
            .map(Option::unwrap_or_default)
            .map_err(|refused| self.invalid(field, refused.to_string()))
    }

    fn date(&self, field: &'static str, date: Option<v1::Date>) -> Result<NaiveDate, DecodeError> {
        let d = date.ok_or_else(|| self.invalid(field, "is missing"))?;
        NaiveDate::from_ymd_opt(d.year, d.month, d.day).ok_or_else(|| {
            self.invalid(
                field,
                format!("{}-{}-{} is not a date", d.year, d.month, d.day),
            )
        })
    }

    /// The UK date of an instant: the procedure counts in UK dates.
    fn uk_date(
        &self,
        field: &'static str,
        at: Option<prost_types::Timestamp>,
    ) -> Result<NaiveDate, DecodeError> {
        let at = at.ok_or_else(|| self.invalid(field, "is missing"))?;
        u32::try_from(at.nanos)
            .ok()
            .and_then(|nanos| DateTime::from_timestamp(at.seconds, nanos))
            .map(calendar::uk_date)
            .ok_or_else(|| self.invalid(field, "is not a valid instant"))
    }

    fn stage(&self, field: &'static str, value: i32) -> Result<Stage, DecodeError> {
        u8::try_from(value)
            .ok()
            .and_then(Stage::from_number)
            .ok_or_else(|| self.invalid(field, format!("{value} is not a stage")))
    }

    /// A protobuf enum value this code knows.
    fn known<E: TryFrom<i32>>(&self, field: &'static str, value: i32) -> Result<E, DecodeError> {
        E::try_from(value).map_err(|_| self.invalid(field, format!("unknown value {value}")))
    }
}
