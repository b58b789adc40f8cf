//! The collector a request is parsed with. Each helper parses one field
//! with the domain type's own constructor and, when the field is wrong,
//! records a violation and yields `None`, so parsing goes on and the caller
//! hears about every wrong field at once, not one per round trip.

use super::{Acting, FieldViolation};
use crate::domain::types::{ComplaintRef, InvalidValue, Name, NonEmptyText, StaffId, Team};
use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;

/// The rule cited for the identifiers every command carries.
pub(super) const IDENTIFIERS: &str = "R-REC-1";

/// The wrong fields found so far in one request.
#[derive(Debug, Default)]
pub(super) struct Fields {
    violations: Vec<FieldViolation>,
}

impl Fields {
    /// Records a wrong field.
    pub(super) fn violation(
        &mut self,
        field: &str,
        rule: &'static str,
        description: impl Into<String>,
    ) {
        self.violations.push(FieldViolation {
            field: field.to_owned(),
            rule,
            description: description.into(),
        });
    }

    /// The value a domain constructor returned, or its reason recorded
    /// against `field`.
    pub(super) fn value<T>(
        &mut self,
        field: &str,
        rule: &'static str,
        parsed: Result<T, InvalidValue>,
    ) -> Option<T> {
        parsed
            .map_err(|e| self.violation(field, rule, e.reason))
            .ok()
    }

    pub(super) fn text(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: &str,
    ) -> Option<NonEmptyText> {
        self.value(field, rule, NonEmptyText::new(raw))
    }

    /// Optional text: blank means none (proto3 cannot tell absent from
    /// empty). `None` means the text given is wrong.
    pub(super) fn opt_text(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: &str,
    ) -> Option<Option<NonEmptyText>> {
        if raw.trim().is_empty() {
            return Some(None);
        }
        self.text(field, rule, raw).map(Some)
    }

    pub(super) fn name(&mut self, field: &str, rule: &'static str, raw: &str) -> Option<Name> {
        self.value(field, rule, Name::new(raw))
    }

    pub(super) fn staff(&mut self, field: &str, rule: &'static str, raw: &str) -> Option<StaffId> {
        self.value(field, rule, StaffId::new(raw))
    }

    pub(super) fn team(&mut self, field: &str, rule: &'static str, raw: &str) -> Option<Team> {
        self.value(field, rule, Team::new(raw))
    }

    /// A required calendar date.
    pub(super) fn date(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: Option<pb::Date>,
    ) -> Option<NaiveDate> {
        match raw {
            None => {
                self.violation(field, rule, "is missing");
                None
            }
            Some(d) => self.existing_date(field, rule, d),
        }
    }

    /// An optional calendar date: absent means none. `None` means the date
    /// given does not exist.
    pub(super) fn opt_date(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: Option<pb::Date>,
    ) -> Option<Option<NaiveDate>> {
        match raw {
            None => Some(None),
            Some(d) => self.existing_date(field, rule, d).map(Some),
        }
    }

    fn existing_date(&mut self, field: &str, rule: &'static str, d: pb::Date) -> Option<NaiveDate> {
        let date = NaiveDate::from_ymd_opt(d.year, d.month, d.day);
        if date.is_none() {
            let text = format!("{}-{:02}-{:02} is not a date", d.year, d.month, d.day);
            self.violation(field, rule, text);
        }
        date
    }

    /// A required instant.
    pub(super) fn instant(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: Option<prost_types::Timestamp>,
    ) -> Option<DateTime<Utc>> {
        let Some(t) = raw else {
            self.violation(field, rule, "is missing");
            return None;
        };
        let instant = u32::try_from(t.nanos)
            .ok()
            .and_then(|nanos| DateTime::from_timestamp(t.seconds, nanos));
        if instant.is_none() {
            self.violation(field, rule, "is not a valid instant");
        }
        instant
    }

    /// One word of a closed vocabulary; unspecified (0) and unknown numbers
    /// are wrong, never a default.
    pub(super) fn choice<T>(
        &mut self,
        field: &str,
        rule: &'static str,
        what: &str,
        raw: i32,
        parse: fn(i32) -> Option<T>,
    ) -> Option<T> {
        let value = parse(raw);
        if value.is_none() {
            let why = if raw == 0 {
                format!("is unspecified: give a {what}")
            } else {
                format!("{raw} is not a {what}")
            };
            self.violation(field, rule, why);
        }
        value
    }

    /// A complaint reference.
    pub(super) fn reference(&mut self, field: &str, raw: &str) -> Option<ComplaintRef> {
        self.value(field, IDENTIFIERS, ComplaintRef::parse(raw))
    }

    /// Who acts on which complaint, from the `command` field of a request.
    pub(super) fn acting(&mut self, command: Option<pb::ComplaintCommand>) -> Option<Acting> {
        let Some(command) = command else {
            let why = "is missing: every command names the complaint and who acts";
            self.violation("command", IDENTIFIERS, why);
            return None;
        };
        self.acting_at("command.", command)
    }

    /// Who acts, the fields' paths starting with `prefix`.
    pub(super) fn acting_at(&mut self, prefix: &str, c: pb::ComplaintCommand) -> Option<Acting> {
        let reference = self.reference(&format!("{prefix}reference"), &c.reference);
        let field = format!("{prefix}acting_user");
        let user = self.staff(&field, IDENTIFIERS, &c.acting_user);
        Some(Acting {
            reference: reference?,
            user: user?,
            expected_version: c.expected_version,
        })
    }

    /// The parsed request, or every violation found. `build` yields `None`
    /// only where a helper recorded a violation; should it ever not, the
    /// request is still refused rather than a value invented.
    pub(super) fn finish<T>(
        mut self,
        build: impl FnOnce() -> Option<T>,
    ) -> Result<T, Vec<FieldViolation>> {
        match build() {
            Some(value) if self.violations.is_empty() => Ok(value),
            Some(_) => Err(self.violations),
            None => {
                if self.violations.is_empty() {
                    self.violation("", IDENTIFIERS, "the request could not be read");
                }
                Err(self.violations)
            }
        }
    }
}
