//! One complaint in the anonymised complaints log (R-MON-3).
//!
//! A record keeps only what the committee's figures need: dates, categories,
//! flags, decisions, remedy kinds, amounts and counts. It has no names,
//! contact details, free text, attachments, staff ids, and not even the
//! complaint reference: it is keyed by a pseudonym the shell derives with a
//! keyed hash, so destroying a case under the retention policy leaves the
//! log intact and unlinkable (R-CONF-2).

use calendar::Calendar;
use chrono::NaiveDate;
use complaints_proto::v1::{Channel, ClosureKind, DeadlineKind, Decision, RemedyKind};
use std::collections::BTreeMap;

/// A stage of the procedure. Stages run in numerical order (R-S2-2), so
/// "reached Stage 3" implies Stages 1 and 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    One,
    Two,
    Three,
}

impl Stage {
    /// The three stages in order.
    pub const ALL: [Stage; 3] = [Stage::One, Stage::Two, Stage::Three];

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Stage::One => 1,
            Stage::Two => 2,
            Stage::Three => 3,
        }
    }

    /// The stage numbered `n`, if there is one.
    pub fn from_number(n: u8) -> Option<Stage> {
        match n {
            1 => Some(Stage::One),
            2 => Some(Stage::Two),
            3 => Some(Stage::Three),
            _ => None,
        }
    }

    /// The stage after this one, if any.
    pub fn next(self) -> Option<Stage> {
        Stage::from_number(self.number() + 1)
    }

    pub(super) fn index(self) -> usize {
        usize::from(self.number() - 1)
    }
}

/// What happened at one stage.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageRecord {
    /// When the stage's clock started: receipt for Stage 1, the date the
    /// escalation request (or the referral to a line manager) was received
    /// for Stages 2 and 3.
    pub started_on: Option<NaiveDate>,
    /// `None` until an outcome is recorded (or if it carried no decision).
    pub decision: Option<Decision>,
    /// Kinds of remedy of the outcome, sorted, without repeats (R-OUT-2).
    pub remedies: Vec<RemedyKind>,
    /// Financial compensation awarded at this stage, in pence.
    pub compensation_pence: i64,
    /// When the outcome was issued.
    pub outcome_on: Option<NaiveDate>,
}

impl StageRecord {
    /// Working days from the stage's start to its outcome, counted with
    /// today's calendar rather than stored, so that a bank holiday added
    /// later (they change by proclamation) is reflected in every report.
    pub fn working_days_to_outcome(&self, calendar: &Calendar) -> Option<u32> {
        let (start, end) = (self.started_on?, self.outcome_on?);
        Some(calendar.working_days_between(start, end))
    }

    /// Upheld or partly upheld.
    pub fn upheld(&self) -> bool {
        matches!(
            self.decision,
            Some(Decision::Upheld | Decision::PartlyUpheld)
        )
    }
}

/// How a service deadline ended. A deadline marked missed and then met
/// stays a miss (`MetLate`): meeting it late does not make it compliant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineResult {
    Met,
    MetLate,
    Missed,
}

impl DeadlineResult {
    /// Whether the deadline counts as met for compliance figures.
    pub fn compliant(self) -> bool {
        self == DeadlineResult::Met
    }
}

/// One complaint in the anonymised log. Built only by [`super::apply`];
/// fields are public so the shell can store and reload it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AnonymisedRecord {
    /// A keyed hash of the submission id, given by the shell.
    pub pseudonym: String,
    /// The UK date the submission arrived; `None` until a fact says.
    pub received_on: Option<NaiveDate>,
    pub channel: Channel,
    pub query_category: String,
    pub customer_type: String,
    /// Raised by a third party on someone's behalf (R-INT-4).
    pub third_party: bool,
    /// About a regulated qualification (section 5).
    pub regulated_qualification: bool,
    /// Sent to the service's own procedure (R-INT-6).
    pub redirected: bool,
    /// Resolved quickly outside the procedure, at intake or later (R-INT-7).
    pub resolved_outside_procedure: bool,
    /// Over 6 months old and declined (R-INT-2).
    pub declined_out_of_time: bool,
    /// Accepted into the procedure.
    pub accepted: bool,
    /// The highest stage the complaint reached; `None` if it never entered
    /// the procedure.
    pub stage_reached: Option<Stage>,
    /// Stages 1, 2 and 3, in that order.
    pub stages: [StageRecord; 3],
    /// How each service deadline ended. Escalation windows are the
    /// complainant's, not a service standard, and are not kept.
    pub deadlines: BTreeMap<DeadlineKind, DeadlineResult>,
    pub closed_on: Option<NaiveDate>,
    pub closure: Option<ClosureKind>,
    /// Due dates of the actions still open, by action id (R-MON-2,
    /// R-OUT-3). Only the date: what the action says stays in the case.
    pub open_actions: BTreeMap<u32, NaiveDate>,
    /// The actions completed, by action id, each with whether it was done
    /// after its due date (R-MON-2: plans say "by when, and are tracked",
    /// so the committee sees done on time apart from done late).
    pub completed_actions: BTreeMap<u32, bool>,
}

impl AnonymisedRecord {
    /// An empty record for `pseudonym`, ready for facts.
    pub fn new(pseudonym: impl Into<String>) -> Self {
        Self {
            pseudonym: pseudonym.into(),
            ..Self::default()
        }
    }

    pub fn stage(&self, stage: Stage) -> &StageRecord {
        &self.stages[stage.index()]
    }

    pub(super) fn stage_mut(&mut self, stage: Stage) -> &mut StageRecord {
        &mut self.stages[stage.index()]
    }

    /// Whether the complaint reached `stage`.
    pub fn reached(&self, stage: Stage) -> bool {
        self.stage_reached.is_some_and(|s| s >= stage)
    }

    /// Whether `stage` is over: its outcome is recorded or the complaint
    /// moved past it (a referral to a line manager skips the Stage 1
    /// outcome, R-S1-3). This is the base an escalation rate divides by.
    pub fn concluded(&self, stage: Stage) -> bool {
        self.stage(stage).outcome_on.is_some() || stage.next().is_some_and(|n| self.reached(n))
    }

    /// Compensation awarded over all stages, in pence.
    pub fn compensation_pence(&self) -> i64 {
        self.stages
            .iter()
            .fold(0i64, |sum, s| sum.saturating_add(s.compensation_pence))
    }

    /// The decision of the last stage that recorded one: the complaint's
    /// outcome as the complainant was left with it.
    pub fn final_decision(&self) -> Option<Decision> {
        self.stages.iter().rev().find_map(|s| s.decision)
    }

    /// In the procedure and not closed on `date`.
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.stage_reached.is_some() && self.closed_on.is_none_or(|closed| closed > date)
    }
}
