use crate::domain::event::{
    ActionCompleted, ActionReassigned, DeadlineExtended, HandlerAssigned, InvestigationDecided,
    OutcomeReceiptRecorded, OutcomeReceived, OutcomeRecorded, StageEscalated,
};
use crate::domain::types::{ActionId, ActionKind, DeadlineKind, NonEmptyText, StaffId, Stage};
use chrono::NaiveDate;

/// How a stage began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageStart {
    /// Stage 1: the complaint was opened.
    Opened,
    /// Stage 2 by referral to the line manager (R-S1-3).
    ReferredToLineManager,
    /// At the complainant's request (R-S1-4, R-S3-1).
    Escalated(StageEscalated),
}

/// What happened at one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRecord {
    pub stage: Stage,
    pub started_on: NaiveDate,
    pub start: StageStart,
    /// Who deals with it now (role included).
    pub handler: Option<HandlerAssigned>,
    /// Who dealt with it before, oldest first.
    pub previous_handlers: Vec<HandlerAssigned>,
    /// R-OUT-1: the stage's findings and outcome.
    pub outcome: Option<OutcomeRecorded>,
    /// R-S2-1, R-S3-1: when the complainant received the outcome; until
    /// then the escalation window is open.
    pub outcome_received: Option<OutcomeReceived>,
    /// R-S2-1, R-S3-1: the receipt staff recorded by hand, the latest one,
    /// when the outcome did not reach the complainant as reported.
    pub receipt_by_hand: Option<OutcomeReceiptRecorded>,
    /// R-S3-3: Stage 3 only.
    pub investigation: Option<InvestigationDecided>,
    /// R-S3-4: Stage 3 only.
    pub acknowledged_on: Option<NaiveDate>,
}

impl StageRecord {
    /// R-S2-1, R-S3-1: the day the complainant received the stage's
    /// outcome, once known; until then its escalation window is open. Of
    /// the reported delivery and a receipt recorded by hand the later
    /// counts, so the complainant never loses days. An outcome recorded
    /// before deliveries were reported (it carries no posted date) counts
    /// as received the day it was issued, as its window was counted then,
    /// so it still runs out.
    pub fn outcome_received_on(&self) -> Option<NaiveDate> {
        let reported = self.outcome_received.as_ref().map(|r| r.received_on);
        let by_hand = self.receipt_by_hand.as_ref().map(|r| r.received_on);
        if let Some(received) = reported.max(by_hand) {
            return Some(received);
        }
        self.outcome
            .as_ref()
            .filter(|o| {
                o.escalation_window_ends_on.is_some()
                    && o.escalation_window_ends_on_by_post.is_none()
            })
            .map(|o| o.issued_on)
    }

    pub(crate) fn new(stage: Stage, started_on: NaiveDate, start: StageStart) -> Self {
        Self {
            stage,
            started_on,
            start,
            handler: None,
            previous_handlers: Vec::new(),
            outcome: None,
            outcome_received: None,
            receipt_by_hand: None,
            investigation: None,
            acknowledged_on: None,
        }
    }
}

/// A deadline and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The date it is due now (after any extension).
    pub due_on: NaiveDate,
    pub set_on: NaiveDate,
    /// Each move to a later date, with its reason, oldest first.
    pub extensions: Vec<DeadlineExtended>,
    /// Marked approaching for the current due date.
    pub approaching_marked_on: Option<NaiveDate>,
    /// Marked missed for the current due date.
    pub missed_marked_on: Option<NaiveDate>,
    pub met_on: Option<NaiveDate>,
    pub withdrawn_on: Option<NaiveDate>,
}

impl Deadline {
    /// Still waiting: neither met nor withdrawn.
    pub fn is_live(&self) -> bool {
        self.met_on.is_none() && self.withdrawn_on.is_none()
    }
}

/// A tracked action: one owner, a due date (R-OUT-3, R-MON-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: ActionId,
    pub kind: ActionKind,
    pub description: NonEmptyText,
    pub owner: StaffId,
    pub due_on: NaiveDate,
    pub added_on: NaiveDate,
    /// Every change of owner, oldest first.
    pub reassignments: Vec<ActionReassigned>,
    pub completed: Option<ActionCompleted>,
}
