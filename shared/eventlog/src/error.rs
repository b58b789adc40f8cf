//! Errors of the event log.

use crate::event::ExpectedVersion;

/// What can go wrong when using the event log.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Another writer appended to the stream first; nothing was written.
    #[error("stream {stream_id} is at version {actual}, not at the expected {expected}")]
    Conflict {
        stream_id: String,
        expected: ExpectedVersion,
        actual: u64,
    },
    /// The stream's events were destroyed under the retention policy.
    #[error("stream {0} was destroyed under the retention policy and takes no more events")]
    StreamDestroyed(String),
    /// An append was asked to write nothing.
    #[error("an append to stream {0} must carry at least one event")]
    NothingToAppend(String),
    /// A setting is unusable.
    #[error("{0}")]
    InvalidSetting(String),
    /// A database step failed; `context` says which.
    #[error("{context}")]
    Database {
        context: String,
        #[source]
        source: sqlx::Error,
    },
    /// Migrating the schema failed.
    #[error("migrating schema {schema}")]
    Migrate {
        schema: String,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
}

/// Adds the step that failed to a database error.
pub trait ResultExt<T> {
    /// Names the step, e.g. `.context("reading stream")`.
    fn context(self, step: impl Into<String>) -> Result<T, Error>;
}

impl<T> ResultExt<T> for Result<T, sqlx::Error> {
    fn context(self, step: impl Into<String>) -> Result<T, Error> {
        self.map_err(|source| Error::Database {
            context: step.into(),
            source,
        })
    }
}
