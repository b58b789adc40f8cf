//! Why a command was refused, citing the rule.

use thiserror::Error;

/// What kind of refusal, for the gRPC status the shell answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// The command is well formed but the complaint is not in a state that
    /// allows it (gRPC `FAILED_PRECONDITION`).
    Precondition,
    /// A value in the command is not acceptable (gRPC `INVALID_ARGUMENT`).
    InvalidArgument,
}

/// A refused command. A refused command yields no events.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{rule}: {reason}")]
pub struct Refusal {
    /// The rule of `PROCEDURE-RULES.md` that refuses it, e.g. "R-S2-1".
    pub rule: &'static str,
    /// Precondition or invalid argument.
    pub kind: RefusalKind,
    /// The field at fault: the command's, for an invalid argument; for a
    /// precondition, the recorded fact that is missing (when one is named).
    pub field: Option<&'static str>,
    /// Why, in plain English.
    pub reason: String,
}

impl Refusal {
    /// The complaint's state does not allow the command.
    pub fn precondition(rule: &'static str, reason: impl Into<String>) -> Self {
        Self {
            rule,
            kind: RefusalKind::Precondition,
            field: None,
            reason: reason.into(),
        }
    }

    /// The complaint's state does not allow the command because the fact
    /// recorded as `field` is missing (e.g. `acknowledged_on` before the
    /// Stage 3 investigation decision, R-S3-4), so clients can point at it.
    pub fn precondition_on(
        rule: &'static str,
        field: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            kind: RefusalKind::Precondition,
            field: Some(field),
            reason: reason.into(),
        }
    }

    /// A value of the command is not acceptable.
    pub fn invalid(rule: &'static str, field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            rule,
            kind: RefusalKind::InvalidArgument,
            field: Some(field),
            reason: reason.into(),
        }
    }
}
