//! A submission's state, folded from its events.

use super::Event;
use complaints_proto::v1 as pb;

/// Whether the individual agreed to a third party acting for them (R-INT-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Consent {
    #[default]
    NotNeeded,
    Awaited,
    Given,
    Withdrawn,
}

/// One submission as its stream tells it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Submission {
    /// Events applied so far: the stream's version.
    pub version: u64,
    /// What arrived; `None` until the submission exists.
    pub received: Option<pb::SubmissionReceived>,
    pub status: pb::TriageStatus,
    pub consent: Consent,
    pub compelling_reason: bool,
    pub contact_due_on: Option<pb::Date>,
    pub redirect: Option<(String, String)>,
}

/// Applies one event. Never fails: the log is the truth.
pub fn evolve(mut state: Submission, event: &Event) -> Submission {
    state.version += 1;
    match event {
        Event::Received(received) => {
            state.consent = if received.third_party.is_some() {
                Consent::Awaited
            } else {
                Consent::NotNeeded
            };
            state.received = Some(received.clone());
        }
        Event::Attachment(_) => {}
        Event::Redirected(r) => {
            state.status = pb::TriageStatus::Redirected;
            state.redirect = Some((r.redirected_to.clone(), r.dealt_with_by.clone()));
        }
        Event::OutOfTimeReviewRequired(_) => state.status = pb::TriageStatus::AwaitingTimeDecision,
        Event::CompellingReasonRecorded(_) => state.compelling_reason = true,
        Event::OutOfTimeDeclined(_) => state.status = pb::TriageStatus::DeclinedOutOfTime,
        Event::ConsentRequested(_) => state.status = pb::TriageStatus::AwaitingConsent,
        Event::ConsentRecorded(_) => state.consent = Consent::Given,
        Event::ConsentWithdrawn(_) => state.consent = Consent::Withdrawn,
        Event::ResolvedOutsideProcedure(_) => {
            state.status = pb::TriageStatus::ResolvedOutsideProcedure;
        }
        Event::Accepted(a) => {
            state.status = pb::TriageStatus::Accepted;
            state.contact_due_on = a.contact_due_on;
        }
    }
    state
}

impl Submission {
    /// Folds a whole stream.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        events.into_iter().fold(Self::default(), evolve)
    }

    pub fn exists(&self) -> bool {
        self.received.is_some()
    }
}
