//! What the log learns from the other services' events, stripped to what it
//! keeps. The shell builds facts from decoded events (see
//! [`super::facts_from_intake`] and [`super::facts_from_complaints`]); keeping
//! this vocabulary separate from the protobuf messages means personal data
//! has no field to travel in.

use super::record::Stage;
use chrono::NaiveDate;
use complaints_proto::v1::{Channel, ClosureKind, DeadlineKind, Decision, RemedyKind};

/// One thing that happened to a complaint, as far as the log cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// A submission arrived (intake `SubmissionReceived`, R-INT-1).
    Submitted {
        received_on: NaiveDate,
        channel: Channel,
        query_category: String,
        customer_type: String,
        third_party: bool,
    },
    /// Sent to the service's own procedure (R-INT-6).
    Redirected,
    /// Resolved outside the procedure, at intake or later (R-INT-7).
    ResolvedOutsideProcedure,
    /// Declined as more than 6 months old (R-INT-2).
    DeclinedOutOfTime,
    /// Intake accepted it for the procedure (R-INT-8).
    Accepted,
    /// The complaints service opened it at Stage 1.
    Opened {
        received_on: NaiveDate,
        channel: Channel,
        query_category: String,
        regulated_qualification: bool,
    },
    /// A stage's outcome (R-OUT-1, R-OUT-2).
    OutcomeRecorded {
        stage: Stage,
        decision: Option<Decision>,
        remedies: Vec<RemedyKind>,
        compensation_pence: i64,
        on: NaiveDate,
    },
    /// The complaint moved to `to`; its clock starts on `received_on`
    /// (R-S1-3, R-S2-1, R-S3-1).
    StageEscalated {
        to: Stage,
        received_on: NaiveDate,
    },
    DeadlineMet {
        kind: DeadlineKind,
    },
    DeadlineMissed {
        kind: DeadlineKind,
    },
    /// An action with a due date is tracked (R-OUT-3, R-MON-2).
    ActionAdded {
        id: u32,
        due_on: NaiveDate,
    },
    /// An action was completed (R-OUT-3, R-MON-2); `on` is the day it
    /// was done, absent on events written before the date was kept.
    ActionCompleted {
        id: u32,
        on: Option<NaiveDate>,
    },
    Closed {
        on: NaiveDate,
        how: ClosureKind,
    },
}

impl Fact {
    /// A short name for what the log learnt, for the operators' timeline
    /// of a complaint; it carries no value of the fact.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Submitted { .. } => "submitted",
            Self::Redirected => "redirected",
            Self::ResolvedOutsideProcedure => "resolved outside procedure",
            Self::DeclinedOutOfTime => "declined out of time",
            Self::Accepted => "accepted",
            Self::Opened { .. } => "opened",
            Self::OutcomeRecorded { .. } => "outcome recorded",
            Self::StageEscalated { .. } => "stage escalated",
            Self::DeadlineMet { .. } => "deadline met",
            Self::DeadlineMissed { .. } => "deadline missed",
            Self::ActionAdded { .. } => "action added",
            Self::ActionCompleted { .. } => "action completed",
            Self::Closed { .. } => "closed",
        }
    }
}
