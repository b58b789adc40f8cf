//! A complaint as its events left it.

mod records;

pub use records::{Action, Deadline, StageRecord, StageStart};

use super::event::{
    ComplaintOpened, ContactRecorded, ContactRestricted, ContactRestrictionLifted,
    DisclosureRecorded, InformationPermissionRecorded, NewIssuesAwaitingDecision, NewIssuesDecided,
    NewIssuesRaised, ReferralRightRecorded, RegulatorReferralRecorded, ResolvedOutsideProcedure,
    TimescaleAgreed, UpdateRecorded,
};
use super::types::{ActionId, ComplaintRef, DeadlineKind, Qualification, Stage};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Where a complaint is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// No complaint yet: the state before `ComplaintOpened`.
    #[default]
    NotOpened,
    /// In the procedure.
    Open,
    /// Over, and how.
    Closed { how: ClosedHow, on: NaiveDate },
}

/// How a complaint came to be closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedHow {
    /// R-S3-6: the Stage 3 outcome is final.
    ClosedAfterStage3,
    /// R-INT-7: resolved quickly outside the procedure.
    ResolvedOutsideProcedure,
    /// R-S2-1, R-S3-1: nobody asked for the next stage within the window
    /// after this stage's outcome.
    EscalationWindowLapsed { stage: Stage },
}

/// One complaint. `Complaint::default()` is the complaint not yet opened.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Complaint {
    /// How many events have been applied.
    pub version: u64,
    pub status: Status,
    /// The opening facts: reference, channel, receipt, qualification...
    pub opened: Option<ComplaintOpened>,
    /// The stage the complaint is at.
    pub stage: Option<Stage>,
    /// What happened at each stage reached.
    pub stages: BTreeMap<Stage, StageRecord>,
    /// R-S1-2: the Stage 1 timescale agreed with the complainant.
    pub agreed_timescale: Option<TimescaleAgreed>,
    /// R-S1-2, R-S2-4, R-S3-5: updates sent, with revised timescales.
    pub updates: Vec<UpdateRecorded>,
    /// R-INT-9: every contact with the complainant.
    pub contacts: Vec<ContactRecorded>,
    pub deadlines: BTreeMap<DeadlineKind, Deadline>,
    /// R-OUT-3, R-OUT-4, R-MON-2: tracked actions.
    pub actions: BTreeMap<ActionId, Action>,
    /// R-UPC-1: every restriction, oldest first.
    pub contact_restrictions: Vec<ContactRestricted>,
    /// R-UPC-1: the restriction in force, if any (the latest, unless lifted).
    pub restriction_in_force: Option<ContactRestricted>,
    /// R-UPC-1: when the watcher marked the review of the restriction in
    /// force as due; cleared by a new restriction.
    pub restriction_review_marked_on: Option<NaiveDate>,
    /// R-UPC-1: every lifting, oldest first.
    pub restriction_lifts: Vec<ContactRestrictionLifted>,
    /// R-CONF-3.
    pub disclosures: Vec<DisclosureRecorded>,
    /// R-INT-5.
    pub information_permissions: Vec<InformationPermissionRecorded>,
    /// R-REG-2: the right to refer, stated when the procedure was exhausted.
    pub referral_right: Option<ReferralRightRecorded>,
    /// R-REG-2: referrals the complainant made.
    pub regulator_referrals: Vec<RegulatorReferralRecorded>,
    /// R-INT-7.
    pub resolution_outside_procedure: Option<ResolvedOutsideProcedure>,
    /// R-UPC-2: complaints raised from this one.
    pub new_issues: Vec<NewIssuesRaised>,
    /// R-UPC-2: new issues raised late, waiting for a staff decision.
    pub new_issues_awaiting: Option<NewIssuesAwaitingDecision>,
    /// R-UPC-2: staff decisions on late new issues, oldest first.
    pub new_issues_decisions: Vec<NewIssuesDecided>,
}

impl Complaint {
    /// The complaint's reference, once opened.
    pub fn reference(&self) -> Option<ComplaintRef> {
        self.opened.as_ref().map(|o| o.reference)
    }

    /// Whether the complaint is closed.
    pub fn is_closed(&self) -> bool {
        matches!(self.status, Status::Closed { .. })
    }

    /// The record of a stage reached.
    pub fn stage_record(&self, stage: Stage) -> Option<&StageRecord> {
        self.stages.get(&stage)
    }

    /// The record of the current stage.
    pub fn current_record(&self) -> Option<&StageRecord> {
        self.stage.and_then(|s| self.stages.get(&s))
    }

    /// The qualification the complaint is about, if given.
    pub fn qualification(&self) -> Option<&Qualification> {
        self.opened.as_ref().and_then(|o| o.qualification.as_ref())
    }

    /// A deadline still waiting: set, not met and not withdrawn.
    pub fn live_deadline(&self, kind: DeadlineKind) -> Option<&Deadline> {
        self.deadlines.get(&kind).filter(|d| d.is_live())
    }

    /// Every deadline still waiting, earliest kind first.
    pub fn live_deadlines(&self) -> impl Iterator<Item = &Deadline> {
        self.deadlines.values().filter(|d| d.is_live())
    }

    /// The id the next action gets.
    pub fn next_action_id(&self) -> ActionId {
        self.actions
            .keys()
            .next_back()
            .map_or(ActionId::FIRST, |last| last.next())
    }

    /// The contact restriction in force, if any (R-UPC-1).
    pub fn contact_restriction(&self) -> Option<&ContactRestricted> {
        self.restriction_in_force.as_ref()
    }

    /// The review date of the restriction in force, while its review has
    /// not yet been marked due (R-UPC-1): what the deadline watcher waits for.
    pub fn restriction_review_pending(&self) -> Option<NaiveDate> {
        self.restriction_in_force
            .as_ref()
            .filter(|_| self.restriction_review_marked_on.is_none())
            .map(|r| r.review_on)
    }
}
