//! The life of one notification (a letter to one recipient), as a pure
//! state machine: the shell records every event in its log before it acts,
//! so after a crash it knows what was sent and never sends twice.
//!
//! Queued -> (attempt) -> Sent, or Failed -> (wait) -> attempt ... until
//! the configured attempts are used, then GivenUp. A queued or failing
//! notification can be Cancelled (consent withdrawn, R-INT-4; contact
//! restricted, R-UPC-1). A sent or given-up one can be resent: it records
//! the new notification's id, and the new one is queued as a resend of it,
//! so the history links both and the first is never "sent again".

use std::time::Duration;
use thiserror::Error;

/// A notification's id, chosen by the shell (a UUID).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NotificationId(pub String);

/// How often and how patiently to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least one is made).
    pub max_attempts: u32,
    /// The wait after the first failure; it doubles after each one.
    pub base_delay: Duration,
    /// The longest wait between attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Six attempts over about half an hour: a mail server's brief outage
    /// passes, a wrong address is given up on the same day.
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(15 * 60),
        }
    }
}

/// The wait after failed attempt number `attempt` (1 for the first):
/// `base * 2^(attempt-1)`, never more than `max`.
pub fn next_attempt_at(attempt: u32, base: Duration, max: Duration) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    base.checked_mul(1u32 << doublings).unwrap_or(max).min(max)
}

/// Where a notification stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Status {
    /// Nothing recorded yet.
    #[default]
    New,
    Queued,
    /// Attempt `attempt` failed; try again after `retry_after`.
    Failed {
        attempt: u32,
        error: String,
        retry_after: Duration,
    },
    /// The mail server or print queue accepted it, with its answer.
    Sent {
        attempt: u32,
        server_answer: String,
    },
    GivenUp {
        attempts: u32,
        last_error: String,
    },
    Cancelled {
        reason: String,
    },
}

/// One notification's state, folded from its events.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Delivery {
    pub status: Status,
    pub resend_of: Option<NotificationId>,
    pub resent_as: Option<NotificationId>,
}

/// What the shell asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryCommand {
    Queue {
        resend_of: Option<NotificationId>,
    },
    /// An attempt succeeded.
    RecordSent {
        server_answer: String,
    },
    /// An attempt failed; `permanent` (e.g. a 5xx "no such mailbox") gives
    /// up at once, as retrying cannot help.
    RecordFailure {
        error: String,
        permanent: bool,
    },
    Cancel {
        reason: String,
    },
    /// Send the letter again as the new notification `new_id`.
    Resend {
        new_id: NotificationId,
    },
}

/// What happened, to be recorded in the notification's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryEvent {
    Queued {
        resend_of: Option<NotificationId>,
    },
    Sent {
        attempt: u32,
        server_answer: String,
    },
    AttemptFailed {
        attempt: u32,
        error: String,
        retry_after: Duration,
    },
    GivenUp {
        attempts: u32,
        last_error: String,
    },
    Cancelled {
        reason: String,
    },
    Resent {
        new_id: NotificationId,
    },
}

/// Why a command was refused; the shell treats most as "already done".
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Refusal {
    #[error("the notification is already queued")]
    AlreadyQueued,
    #[error("the notification was never queued")]
    NotQueued,
    #[error("the notification was already sent: it is never sent twice (resend it instead)")]
    AlreadySent,
    #[error("the notification is finished ({0}); nothing more can happen to it")]
    Finished(&'static str),
    #[error("the notification is still being delivered; it can be resent once sent or given up")]
    StillDelivering,
    #[error("the notification was already resent as {0:?}")]
    AlreadyResent(NotificationId),
}

/// Decides what a command does to a notification in `state`.
pub fn decide(
    state: &Delivery,
    command: DeliveryCommand,
    policy: &RetryPolicy,
) -> Result<Vec<DeliveryEvent>, Refusal> {
    use DeliveryCommand as C;
    use Status as S;
    match (&state.status, command) {
        (S::New, C::Queue { resend_of }) => Ok(vec![DeliveryEvent::Queued { resend_of }]),
        (S::New, _) => Err(Refusal::NotQueued),
        (_, C::Queue { .. }) => Err(Refusal::AlreadyQueued),
        (S::Sent { .. }, C::RecordSent { .. } | C::RecordFailure { .. }) => {
            Err(Refusal::AlreadySent)
        }
        (S::Queued | S::Failed { .. }, C::RecordSent { server_answer }) => {
            Ok(vec![DeliveryEvent::Sent {
                attempt: attempt_now(&state.status),
                server_answer,
            }])
        }
        (S::Queued | S::Failed { .. }, C::RecordFailure { error, permanent }) => {
            Ok(failed(attempt_now(&state.status), error, permanent, policy))
        }
        (S::Queued | S::Failed { .. }, C::Cancel { reason }) => {
            Ok(vec![DeliveryEvent::Cancelled { reason }])
        }
        (S::Queued | S::Failed { .. }, C::Resend { .. }) => Err(Refusal::StillDelivering),
        (S::Sent { .. } | S::GivenUp { .. }, C::Resend { new_id }) => match &state.resent_as {
            Some(done) => Err(Refusal::AlreadyResent(done.clone())),
            None => Ok(vec![DeliveryEvent::Resent { new_id }]),
        },
        (S::Sent { .. }, C::Cancel { .. }) => Err(Refusal::AlreadySent),
        (S::GivenUp { .. }, _) => Err(Refusal::Finished("given up")),
        (S::Cancelled { .. }, _) => Err(Refusal::Finished("cancelled")),
    }
}

/// The number of the attempt whose result is being recorded.
fn attempt_now(status: &Status) -> u32 {
    match status {
        Status::Failed { attempt, .. } => attempt + 1,
        _ => 1,
    }
}

fn failed(
    attempt: u32,
    error: String,
    permanent: bool,
    policy: &RetryPolicy,
) -> Vec<DeliveryEvent> {
    if permanent || attempt >= policy.max_attempts {
        return vec![DeliveryEvent::GivenUp {
            attempts: attempt,
            last_error: error,
        }];
    }
    vec![DeliveryEvent::AttemptFailed {
        attempt,
        error,
        retry_after: next_attempt_at(attempt, policy.base_delay, policy.max_delay),
    }]
}

/// Folds one event into the state.
pub fn evolve(mut state: Delivery, event: &DeliveryEvent) -> Delivery {
    state.status = match event {
        DeliveryEvent::Queued { resend_of } => {
            state.resend_of = resend_of.clone();
            Status::Queued
        }
        DeliveryEvent::Sent {
            attempt,
            server_answer,
        } => Status::Sent {
            attempt: *attempt,
            server_answer: server_answer.clone(),
        },
        DeliveryEvent::AttemptFailed {
            attempt,
            error,
            retry_after,
        } => Status::Failed {
            attempt: *attempt,
            error: error.clone(),
            retry_after: *retry_after,
        },
        DeliveryEvent::GivenUp {
            attempts,
            last_error,
        } => Status::GivenUp {
            attempts: *attempts,
            last_error: last_error.clone(),
        },
        DeliveryEvent::Cancelled { reason } => Status::Cancelled {
            reason: reason.clone(),
        },
        DeliveryEvent::Resent { new_id } => {
            state.resent_as = Some(new_id.clone());
            state.status
        }
    };
    state
}

/// The state after `events`, from nothing.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a DeliveryEvent>) -> Delivery {
    events.into_iter().fold(Delivery::default(), evolve)
}
