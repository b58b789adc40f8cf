//! Intake's errors and the one place they become gRPC statuses.

use crate::domain::Refusal;
use crate::validate::FieldViolation;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The request breaks one or more field rules; nothing was stored.
    #[error("the request is invalid")]
    Invalid(Vec<FieldViolation>),
    /// The command does not fit the submission's state; nothing was stored.
    #[error(transparent)]
    Refused(Refusal),
    #[error("no submission {0}")]
    NotFound(String),
    /// The idempotency key was first used with another request body.
    #[error("the idempotency key was used for a different request")]
    KeyReused,
    /// The caller may not reach this submission (R-CONF-1); the refusal is
    /// already in the access audit.
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
    /// An event in the log could not be read back.
    #[error("event {event_id} of stream {stream_id} cannot be decoded: {reason}")]
    Corrupt {
        stream_id: String,
        event_id: uuid::Uuid,
        reason: String,
    },
}

impl IntakeError {
    /// A single-field violation.
    pub fn field(field: &str, rule: &'static str, description: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldViolation {
            field: field.into(),
            rule,
            description: description.into(),
        }])
    }
}

/// Adds the step to a database error.
pub trait Context<T> {
    fn context(self, step: &'static str) -> Result<T, IntakeError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn context(self, step: &'static str) -> Result<T, IntakeError> {
        self.map_err(|source| IntakeError::Database {
            context: step,
            source,
        })
    }
}

impl From<IntakeError> for Status {
    fn from(error: IntakeError) -> Self {
        match error {
            IntakeError::Invalid(violations) => platform::grpc::invalid_argument(&violations),
            IntakeError::Refused(refusal) => Status::failed_precondition(refusal.to_string()),
            IntakeError::NotFound(id) => Status::not_found(format!("no submission {id}")),
            IntakeError::KeyReused => platform::status::already_exists(
                "idempotency_key",
                "was first used for a different request; a retry must send the same request, \
                 and a new request a new key (R-INT-1)",
            ),
            IntakeError::Forbidden(message) => Status::permission_denied(message),
            IntakeError::AuditUnavailable => {
                Status::unavailable("the access audit cannot be written; try again")
            }
            IntakeError::Log(eventlog::Error::Conflict { .. }) => {
                Status::aborted("the submission changed while this request was handled; try again")
            }
            other if platform::status::is_data_error(&other) => {
                platform::status::storage("intake could not store the request", &other)
            }
            other => {
                tracing::error!(error = %platform::report(&other), "intake request failed");
                Status::internal("intake could not complete the request; it has been logged")
            }
        }
    }
}
