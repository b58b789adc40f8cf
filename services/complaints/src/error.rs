//! The complaints service's errors and the one place they become gRPC statuses.

use crate::domain::{Refusal, RefusalKind};
use crate::edge::FieldViolation;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum ComplaintsError {
    /// Fields of the request are wrong; nothing was stored.
    #[error("the request is invalid")]
    Invalid(Vec<FieldViolation>),
    /// The procedure does not allow the command now; nothing was stored.
    #[error(transparent)]
    Refused(Refusal),
    #[error("no complaint {0}")]
    NotFound(String),
    /// The command gave the version it was decided on and the complaint
    /// has moved on since (the same form sent twice, or someone else's
    /// step in between); nothing was stored.
    #[error("the complaint is at version {current}, not {expected}")]
    Changed { expected: u64, current: u64 },
    /// The caller's role or team does not reach this complaint (R-CONF-1);
    /// the refusal is already in the access audit.
    #[error("{0}")]
    Forbidden(String),
    /// The access audit could not be written, so nothing was served.
    #[error("the access audit cannot be written")]
    AuditUnavailable,
    #[error(transparent)]
    Log(#[from] eventlog::Error),
    #[error("{context}")]
    Database {
        context: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("event {event_id} of {stream_id} cannot be decoded: {reason}")]
    Corrupt {
        stream_id: String,
        event_id: uuid::Uuid,
        reason: String,
    },
}

/// Adds the step to a database error.
pub trait Context<T> {
    fn context(self, step: &'static str) -> Result<T, ComplaintsError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn context(self, step: &'static str) -> Result<T, ComplaintsError> {
        self.map_err(|source| ComplaintsError::Database {
            context: step,
            source,
        })
    }
}

impl From<ComplaintsError> for Status {
    fn from(error: ComplaintsError) -> Self {
        match error {
            ComplaintsError::Invalid(violations) => platform::grpc::invalid_argument(&violations),
            ComplaintsError::Refused(refusal) => match refusal.kind {
                // A precondition naming the missing fact says which, after
                // the rule and the reason.
                RefusalKind::Precondition => match refusal.field {
                    Some(field) => {
                        Status::failed_precondition(format!("{refusal} (field: {field})"))
                    }
                    None => Status::failed_precondition(refusal.to_string()),
                },
                // Names the field as well as the rule, like the edge's
                // violations (google.rpc.BadRequest).
                RefusalKind::InvalidArgument => match refusal.field {
                    Some(field) => platform::grpc::invalid_argument(&[FieldViolation {
                        field: field.to_owned(),
                        rule: refusal.rule,
                        description: refusal.reason,
                    }]),
                    None => Status::invalid_argument(refusal.to_string()),
                },
            },
            ComplaintsError::Forbidden(message) => Status::permission_denied(message),
            ComplaintsError::AuditUnavailable => {
                Status::unavailable("the access audit cannot be written; try again")
            }
            ComplaintsError::NotFound(reference) => {
                Status::not_found(format!("no complaint {reference}"))
            }
            ComplaintsError::Changed { expected, current } => platform::grpc::stale_version(
                "command.expected_version",
                &format!(
                    "the complaint changed since version {expected} (it is at version {current} now), so nothing was done: read it again before deciding whether to send this again"
                ),
            ),
            ComplaintsError::Log(eventlog::Error::Conflict { .. }) => Status::aborted(
                "the complaint changed while this command was decided; read it again and retry",
            ),
            other if platform::status::is_data_error(&other) => platform::status::storage(
                "the complaints service could not store the request",
                &other,
            ),
            other => {
                tracing::error!(error = %platform::report(&other), "complaints request failed");
                Status::internal(
                    "the complaints service could not complete the request; it has been logged",
                )
            }
        }
    }
}
