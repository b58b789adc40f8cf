//! Reading the other services' protobuf events into this core's types.
//!
//! Every error names the event type and the field, because the shell can
//! only log it and move on: the message must say what to fix.

use super::vocabulary::{DeadlineKind, Decision, RemedyKind, Role, Stage};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use prost::{Message, Name};
use thiserror::Error;

/// Why an event's payload could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    /// The bytes are not the protobuf message the type names.
    #[error("{event_type}: not a valid protobuf message: {reason}")]
    Malformed { event_type: String, reason: String },
    /// A field the letter needs is absent or empty.
    #[error("{event_type}: field {field} is required")]
    Missing {
        event_type: String,
        field: &'static str,
    },
    /// A field holds a value that means nothing here.
    #[error("{event_type}: field {field}: {reason}")]
    Invalid {
        event_type: String,
        field: &'static str,
        reason: String,
    },
}

/// Whether `event_type` is the fully qualified name of `M`.
pub(crate) fn is<M: Name>(event_type: &str) -> bool {
    event_type == M::full_name()
}

/// One event being read: its type, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Wire<'a>(pub(crate) &'a str);

impl Wire<'_> {
    pub(crate) fn decode<M: Message + Default>(self, payload: &[u8]) -> Result<M, WireError> {
        M::decode(payload).map_err(|e| WireError::Malformed {
            event_type: self.0.to_owned(),
            reason: e.to_string(),
        })
    }

    pub(crate) fn missing(self, field: &'static str) -> WireError {
        WireError::Missing {
            event_type: self.0.to_owned(),
            field,
        }
    }

    pub(crate) fn invalid(self, field: &'static str, reason: impl Into<String>) -> WireError {
        WireError::Invalid {
            event_type: self.0.to_owned(),
            field,
            reason: reason.into(),
        }
    }

    /// A non-empty text, trimmed.
    pub(crate) fn text(self, field: &'static str, value: &str) -> Result<String, WireError> {
        let value = value.trim();
        if value.is_empty() {
            return Err(self.missing(field));
        }
        Ok(value.to_owned())
    }

    /// Text cleaned by its field's rule, the one intake's edge applied
    /// ([`fieldtext::fields`]): what intake accepted reads back unchanged,
    /// anything else is named here rather than reaching a letter or a
    /// database column. `None` when blank.
    pub(crate) fn clean(
        self,
        field: &'static str,
        rule: fieldtext::Rule,
        value: &str,
    ) -> Result<Option<String>, WireError> {
        rule.clean(value)
            .map_err(|refused| self.invalid(field, refused.to_string()))
    }

    /// An optional date: absent means none (complaint_events.proto).
    pub(crate) fn date(
        self,
        field: &'static str,
        value: Option<&pb::Date>,
    ) -> Result<Option<NaiveDate>, WireError> {
        let Some(d) = value else { return Ok(None) };
        NaiveDate::from_ymd_opt(d.year, d.month, d.day)
            .map(Some)
            .ok_or_else(|| {
                self.invalid(
                    field,
                    format!("{}-{}-{} is not a date", d.year, d.month, d.day),
                )
            })
    }

    pub(crate) fn required_date(
        self,
        field: &'static str,
        value: Option<&pb::Date>,
    ) -> Result<NaiveDate, WireError> {
        self.date(field, value)?.ok_or_else(|| self.missing(field))
    }

    pub(crate) fn stage(self, field: &'static str, raw: i32) -> Result<Stage, WireError> {
        match pb::Stage::try_from(raw) {
            Ok(pb::Stage::Stage1) => Ok(Stage::One),
            Ok(pb::Stage::Stage2) => Ok(Stage::Two),
            Ok(pb::Stage::Stage3) => Ok(Stage::Three),
            _ => Err(self.invalid(field, format!("{raw} is not a stage"))),
        }
    }

    pub(crate) fn role(self, field: &'static str, raw: i32) -> Result<Role, WireError> {
        match pb::HandlerRole::try_from(raw) {
            Ok(pb::HandlerRole::Handler) => Ok(Role::Handler),
            Ok(pb::HandlerRole::Manager) => Ok(Role::Manager),
            Ok(pb::HandlerRole::ComplianceManager) => Ok(Role::ComplianceManager),
            _ => Err(self.invalid(field, format!("{raw} is not a handler role"))),
        }
    }

    pub(crate) fn decision(self, field: &'static str, raw: i32) -> Result<Decision, WireError> {
        match pb::Decision::try_from(raw) {
            Ok(pb::Decision::Upheld) => Ok(Decision::Upheld),
            Ok(pb::Decision::PartlyUpheld) => Ok(Decision::PartlyUpheld),
            Ok(pb::Decision::NotUpheld) => Ok(Decision::NotUpheld),
            _ => Err(self.invalid(field, format!("{raw} is not a decision"))),
        }
    }

    pub(crate) fn remedy_kind(
        self,
        field: &'static str,
        raw: i32,
    ) -> Result<RemedyKind, WireError> {
        use pb::RemedyKind as K;
        Ok(match K::try_from(raw) {
            Ok(K::Apology) => RemedyKind::Apology,
            Ok(K::Explanation) => RemedyKind::Explanation,
            Ok(K::AcknowledgementOfResponsibility) => RemedyKind::AcknowledgementOfResponsibility,
            Ok(K::ChangeDecision) => RemedyKind::ChangeDecision,
            Ok(K::RevisePublishedMaterial) => RemedyKind::RevisePublishedMaterial,
            Ok(K::ReviseProcedures) => RemedyKind::ReviseProcedures,
            Ok(K::TrainOrSuperviseStaff) => RemedyKind::TrainOrSuperviseStaff,
            Ok(K::FinancialCompensation) => RemedyKind::FinancialCompensation,
            _ => return Err(self.invalid(field, format!("{raw} is not a remedy kind"))),
        })
    }

    pub(crate) fn deadline_kind(
        self,
        field: &'static str,
        raw: i32,
    ) -> Result<DeadlineKind, WireError> {
        use pb::DeadlineKind as K;
        Ok(match K::try_from(raw) {
            Ok(K::FirstContact) => DeadlineKind::FirstContact,
            Ok(K::AgreedTimescale) => DeadlineKind::AgreedTimescale,
            Ok(K::Stage2Response) => DeadlineKind::Stage2Response,
            Ok(K::Stage3Acknowledgement) => DeadlineKind::Stage3Acknowledgement,
            Ok(K::Stage3Response) => DeadlineKind::Stage3Response,
            Ok(K::EscalationWindow) => DeadlineKind::EscalationWindow,
            _ => return Err(self.invalid(field, format!("{raw} is not a deadline kind"))),
        })
    }
}
