//! What a refused or failed call to a service means for the person, in one
//! place: field errors shown next to the field (and in the error summary)
//! with the service's own message, which starts with the rule id; a
//! refusal page with the service's reason; "try again"; or sign in again.

use tonic::Code;
use tonic_types::StatusExt;

/// A refused field: the request's field name and the service's message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Why a call did not succeed.
#[derive(Debug, Clone)]
pub enum CallError {
    /// INVALID_ARGUMENT, FAILED_PRECONDITION or ALREADY_EXISTS: the form is
    /// shown again with what was typed, and the errors. `fields` may be
    /// empty (a refusal naming no field), `message` is the whole message.
    Refused {
        message: String,
        fields: Vec<FieldError>,
    },
    /// PERMISSION_DENIED: the service's reason.
    Denied(String),
    /// NOT_FOUND: the service's message.
    NotFound(String),
    /// ABORTED naming `expected_version`: the complaint changed since the
    /// form was shown (the form sent twice, or someone else's step in
    /// between) and nothing was done.
    Changed(String),
    /// UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED, RESOURCE_EXHAUSTED: try again.
    TryAgain(String),
    /// UNAUTHENTICATED: the token is gone or expired; sign in again.
    SignInAgain,
    /// Anything else.
    Failed(String),
}

impl From<tonic::Status> for CallError {
    fn from(status: tonic::Status) -> Self {
        let message = status.message().to_owned();
        match status.code() {
            Code::InvalidArgument | Code::FailedPrecondition | Code::AlreadyExists => {
                let mut fields: Vec<FieldError> = status
                    .get_details_bad_request()
                    .map(|bad| {
                        bad.field_violations
                            .into_iter()
                            .map(|v| FieldError {
                                field: field_name(&v.field),
                                message: with_rule_first(&v.description),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if fields.is_empty()
                    && let Some((text, field)) = precondition_field(&message)
                {
                    fields.push(FieldError {
                        field: field_name(field),
                        message: text.to_owned(),
                    });
                }
                CallError::Refused { message, fields }
            }
            Code::Aborted if names_expected_version(&status) => CallError::Changed(message),
            Code::PermissionDenied => CallError::Denied(message),
            Code::NotFound => CallError::NotFound(message),
            Code::Unavailable
            | Code::DeadlineExceeded
            | Code::Aborted
            | Code::ResourceExhausted
            | Code::Cancelled => CallError::TryAgain(message),
            Code::Unauthenticated => CallError::SignInAgain,
            _ => CallError::Failed(message),
        }
    }
}

/// Whether an ABORTED answer is the refusal of a stale
/// `command.expected_version` (not a collision to retry).
fn names_expected_version(status: &tonic::Status) -> bool {
    status.get_details_bad_request().is_some_and(|bad| {
        bad.field_violations
            .iter()
            .any(|v| field_name(&v.field) == "expected_version")
    })
}

/// A FAILED_PRECONDITION naming its field ends `(field: due_on)`.
fn precondition_field(message: &str) -> Option<(&str, &str)> {
    let (text, rest) = message.rsplit_once(" (field: ")?;
    let field = rest.strip_suffix(')')?;
    Some((text, field))
}

/// A violation's field as the form names it: the request's field path
/// without the command wrapper (`command.reference` is `reference`).
fn field_name(field: &str) -> String {
    field
        .strip_prefix("command.")
        .unwrap_or(field)
        .replace(['[', ']'], "_")
        .replace('.', "_")
        .trim_end_matches('_')
        .to_owned()
}

/// The platform writes a violation as "reason (R-S2-1)", for example; shown with the
/// rule id first, as the services' messages are.
fn with_rule_first(description: &str) -> String {
    if let Some((reason, rest)) = description.rsplit_once(" (")
        && let Some(rule) = rest.strip_suffix(')')
        && rule.starts_with("R-")
    {
        return format!("{rule}: {reason}");
    }
    description.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_violation_is_shown_rule_first_against_its_field() {
        let mut details = tonic_types::ErrorDetails::new();
        details.add_bad_request_violation(
            "command.reference",
            "must be a complaint reference (R-INT-1)",
        );
        let status = tonic::Status::with_error_details(Code::InvalidArgument, "x", details);
        match CallError::from(status) {
            CallError::Refused { fields, .. } => assert_eq!(
                fields,
                vec![FieldError {
                    field: "reference".into(),
                    message: "R-INT-1: must be a complaint reference".into()
                }]
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_precondition_naming_its_field_is_shown_against_it() {
        let status = tonic::Status::failed_precondition(
            "R-S2-1: a Stage 2 request must come within 14 days (field: received_on)",
        );
        match CallError::from(status) {
            CallError::Refused { fields, .. } => {
                assert_eq!(fields[0].field, "received_on");
                assert!(fields[0].message.starts_with("R-S2-1: "));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn each_code_means_one_thing_to_the_person() {
        assert!(matches!(
            CallError::from(tonic::Status::permission_denied("R-CONF-1: no")),
            CallError::Denied(m) if m == "R-CONF-1: no"
        ));
        assert!(matches!(
            CallError::from(tonic::Status::unavailable("down")),
            CallError::TryAgain(_)
        ));
        assert!(matches!(
            CallError::from(tonic::Status::unauthenticated("expired")),
            CallError::SignInAgain
        ));
        assert!(matches!(
            CallError::from(tonic::Status::aborted("collided")),
            CallError::TryAgain(_)
        ));
        assert!(matches!(
            CallError::from(platform::grpc::stale_version(
                "command.expected_version",
                "changed"
            )),
            CallError::Changed(_)
        ));
    }
}
