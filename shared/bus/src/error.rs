//! Errors of the bus.

/// What can go wrong talking to NATS or moving events.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A setting is unusable.
    #[error("{0}")]
    InvalidSetting(String),
    /// A NATS step failed; the message says which.
    #[error("{context}: {message}")]
    Nats { context: String, message: String },
    /// The service's own log failed.
    #[error(transparent)]
    Log(#[from] eventlog::Error),
}

impl Error {
    /// Wraps any NATS error with the step that failed.
    pub(crate) fn nats(context: impl Into<String>, error: impl std::fmt::Display) -> Self {
        Self::Nats {
            context: context.into(),
            message: error.to_string(),
        }
    }
}
