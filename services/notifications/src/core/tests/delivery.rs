//! The delivery state machine: retries with backoff, never twice.

use crate::core::delivery::{
    Delivery, DeliveryCommand as C, DeliveryEvent as E, NotificationId, Refusal, RetryPolicy,
    Status, decide, evolve, next_attempt_at, replay,
};
use std::time::Duration;

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_secs(60),
        max_delay: Duration::from_secs(300),
    }
}

/// Applies a command and returns the new state, or the refusal.
fn step(state: Delivery, command: C) -> Result<Delivery, Refusal> {
    let events = decide(&state, command, &policy())?;
    Ok(events.iter().fold(state, evolve))
}

fn queued() -> Delivery {
    step(Delivery::default(), C::Queue { resend_of: None }).expect("queued")
}

fn fail(state: Delivery) -> Delivery {
    step(
        state,
        C::RecordFailure {
            error: "421 try again later".into(),
            permanent: false,
        },
    )
    .expect("failure recorded")
}

#[test]
fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
    let (base, max) = (Duration::from_secs(60), Duration::from_secs(600));
    let waits: Vec<u64> = (1..=6)
        .map(|n| next_attempt_at(n, base, max).as_secs())
        .collect();
    assert_eq!(waits, vec![60, 120, 240, 480, 600, 600]);
    assert_eq!(next_attempt_at(u32::MAX, base, max), max);
}

#[test]
fn failed_attempts_are_retried_with_backoff_then_given_up_after_the_configured_attempts() {
    let mut state = queued();
    let mut waits = Vec::new();
    for _ in 0..3 {
        state = fail(state);
        let Status::Failed { retry_after, .. } = &state.status else {
            panic!("expected a failed attempt, got {:?}", state.status);
        };
        waits.push(retry_after.as_secs());
    }
    assert_eq!(waits, vec![60, 120, 240]);
    let state = fail(state);
    assert_eq!(
        state.status,
        Status::GivenUp {
            attempts: 4,
            last_error: "421 try again later".into()
        }
    );
    assert_eq!(
        step(
            state,
            C::RecordSent {
                server_answer: "250".into()
            }
        ),
        Err(Refusal::Finished("given up"))
    );
}

#[test]
fn a_permanent_failure_is_given_up_at_once() {
    let state = step(
        queued(),
        C::RecordFailure {
            error: "550 no such mailbox".into(),
            permanent: true,
        },
    )
    .expect("recorded");
    assert!(matches!(state.status, Status::GivenUp { attempts: 1, .. }));
}

#[test]
fn a_send_after_a_failure_counts_as_the_next_attempt_and_keeps_the_server_answer() {
    let state = step(
        fail(queued()),
        C::RecordSent {
            server_answer: "250 2.0.0 queued as 4F2A".into(),
        },
    )
    .expect("sent");
    assert_eq!(
        state.status,
        Status::Sent {
            attempt: 2,
            server_answer: "250 2.0.0 queued as 4F2A".into()
        }
    );
}

#[test]
fn a_second_send_of_the_same_notification_is_refused() {
    let sent = step(
        queued(),
        C::RecordSent {
            server_answer: "250 ok".into(),
        },
    )
    .expect("sent");
    assert_eq!(
        decide(
            &sent,
            C::RecordSent {
                server_answer: "250 ok".into()
            },
            &policy()
        ),
        Err(Refusal::AlreadySent)
    );
    assert_eq!(
        decide(
            &sent,
            C::RecordFailure {
                error: "timeout".into(),
                permanent: false
            },
            &policy()
        ),
        Err(Refusal::AlreadySent)
    );
}

#[test]
fn a_notification_is_queued_once_and_nothing_happens_before_it_is_queued() {
    assert_eq!(
        decide(&queued(), C::Queue { resend_of: None }, &policy()),
        Err(Refusal::AlreadyQueued)
    );
    assert_eq!(
        decide(
            &Delivery::default(),
            C::RecordSent {
                server_answer: "250".into()
            },
            &policy()
        ),
        Err(Refusal::NotQueued)
    );
}

#[test]
fn a_resend_creates_a_new_notification_linked_to_the_old_one_once() {
    let old_id = NotificationId("n-1".into());
    let new_id = NotificationId("n-2".into());
    let sent = step(
        queued(),
        C::RecordSent {
            server_answer: "250 ok".into(),
        },
    )
    .expect("sent");
    let events = decide(
        &sent,
        C::Resend {
            new_id: new_id.clone(),
        },
        &policy(),
    )
    .expect("resent");
    assert_eq!(
        events,
        vec![E::Resent {
            new_id: new_id.clone()
        }]
    );
    let old = events.iter().fold(sent, evolve);
    assert_eq!(old.resent_as, Some(new_id.clone()));
    assert!(
        matches!(old.status, Status::Sent { .. }),
        "the old one stays sent"
    );
    assert_eq!(
        decide(
            &old,
            C::Resend {
                new_id: NotificationId("n-3".into())
            },
            &policy()
        ),
        Err(Refusal::AlreadyResent(new_id))
    );
    let new = step(
        Delivery::default(),
        C::Queue {
            resend_of: Some(old_id.clone()),
        },
    )
    .expect("queued");
    assert_eq!(new.resend_of, Some(old_id));
    assert_eq!(new.status, Status::Queued);
}

#[test]
fn a_notification_still_being_delivered_cannot_be_resent() {
    assert_eq!(
        decide(
            &fail(queued()),
            C::Resend {
                new_id: NotificationId("n-2".into())
            },
            &policy()
        ),
        Err(Refusal::StillDelivering)
    );
}

/// R-INT-4, R-UPC-1: a letter waiting to go can be stopped, a sent one not.
#[test]
fn a_queued_notification_can_be_cancelled_and_then_nothing_more_happens() {
    let cancelled = step(
        fail(queued()),
        C::Cancel {
            reason: "consent withdrawn".into(),
        },
    )
    .expect("cancelled");
    assert_eq!(
        cancelled.status,
        Status::Cancelled {
            reason: "consent withdrawn".into()
        }
    );
    assert_eq!(
        decide(
            &cancelled,
            C::RecordSent {
                server_answer: "250".into()
            },
            &policy()
        ),
        Err(Refusal::Finished("cancelled"))
    );
    let sent = step(
        queued(),
        C::RecordSent {
            server_answer: "250".into(),
        },
    )
    .expect("sent");
    assert_eq!(
        decide(
            &sent,
            C::Cancel {
                reason: "too late".into()
            },
            &policy()
        ),
        Err(Refusal::AlreadySent)
    );
}

#[test]
fn replaying_the_recorded_events_gives_the_same_state() {
    let events = vec![
        E::Queued { resend_of: None },
        E::AttemptFailed {
            attempt: 1,
            error: "timeout".into(),
            retry_after: Duration::from_secs(60),
        },
        E::Sent {
            attempt: 2,
            server_answer: "250 ok".into(),
        },
    ];
    let state = replay(&events);
    assert_eq!(
        state.status,
        Status::Sent {
            attempt: 2,
            server_answer: "250 ok".into()
        }
    );
}
