use thiserror::Error;

/// A value from outside that is not a valid domain value. The shell answers
/// it with gRPC `INVALID_ARGUMENT`, naming the field it came from.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{what}: {reason}")]
pub struct InvalidValue {
    /// What kind of value was expected, e.g. "complaint reference".
    pub what: &'static str,
    /// Why the value was not accepted, in plain English.
    pub reason: String,
}

impl InvalidValue {
    pub(crate) fn new(what: &'static str, reason: impl Into<String>) -> Self {
        Self {
            what,
            reason: reason.into(),
        }
    }
}
