//! The facts of a complaint's stream. Events carry facts, not commands:
//! each says what happened and when, with the values already checked by
//! [`decide`](super::decide). [`evolve`](super::evolve) trusts them.

use super::state::ClosedHow;
use super::types::{
    ActionId, ActionKind, Adjustments, Channel, ComplaintRef, ContactMethod, DeadlineKind,
    Decision, Grounds, LegalBasis, Name, NonEmptyText, Qualification, Remedy, Role, StaffId, Stage,
    SubmissionId, Team,
};
use chrono::{DateTime, NaiveDate, Utc};

/// One fact of a complaint's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    ComplaintOpened(ComplaintOpened),
    HandlerAssigned(HandlerAssigned),
    ContactRecorded(ContactRecorded),
    TimescaleAgreed(TimescaleAgreed),
    UpdateRecorded(UpdateRecorded),
    ReferredToLineManager(ReferredToLineManager),
    OutcomeRecorded(OutcomeRecorded),
    OutcomeReceived(OutcomeReceived),
    OutcomeReceiptRecorded(OutcomeReceiptRecorded),
    StageEscalated(StageEscalated),
    InvestigationDecided(InvestigationDecided),
    Stage3Acknowledged(Stage3Acknowledged),
    DeadlineSet(DeadlineSet),
    DeadlineExtended(DeadlineExtended),
    DeadlineMet(DeadlineMet),
    DeadlineWithdrawn(DeadlineWithdrawn),
    DeadlineApproaching(DeadlineApproaching),
    DeadlineMissed(DeadlineMissed),
    ActionAdded(ActionAdded),
    ActionReassigned(ActionReassigned),
    ActionCompleted(ActionCompleted),
    RegulatorReferralRecorded(RegulatorReferralRecorded),
    ReferralRightRecorded(ReferralRightRecorded),
    ContactRestricted(ContactRestricted),
    ContactRestrictionLifted(ContactRestrictionLifted),
    RestrictionReviewDue(RestrictionReviewDue),
    DisclosureRecorded(DisclosureRecorded),
    InformationPermissionRecorded(InformationPermissionRecorded),
    ResolvedOutsideProcedure(ResolvedOutsideProcedure),
    NewIssuesRaised(NewIssuesRaised),
    NewIssuesAwaitingDecision(NewIssuesAwaitingDecision),
    NewIssuesDecided(NewIssuesDecided),
    ComplaintClosed(ComplaintClosed),
}

/// A complaint entered the procedure at Stage 1 (R-INT-1, R-REG-3; a
/// follow-on of a closed complaint names it in `raised_from`, R-UPC-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintOpened {
    pub reference: ComplaintRef,
    pub submission_id: SubmissionId,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    /// The UK date of `received_at`.
    pub received_on: NaiveDate,
    /// A written submission starts the first-contact deadline (R-S1-1).
    pub written: bool,
    pub query_category: Name,
    pub qualification: Option<Qualification>,
    /// R-CORR-1: the complainant asked for post instead of email.
    pub correspondence_by_post: bool,
    pub raised_from: Option<ComplaintRef>,
    /// The portal account that submitted it through intake, which may
    /// then reach it (R-CONF-1); `None` for submissions taken by staff.
    pub submitted_by: Option<Name>,
    /// R-ADJ-1: the reasonable adjustments the complainant asked for
    /// (boxed: most complaints ask for none).
    pub adjustments: Option<Box<Adjustments>>,
}

/// A member of staff now deals with a stage (R-S2-3, R-S3-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerAssigned {
    pub stage: Stage,
    pub staff: StaffId,
    pub team: Team,
    pub role: Role,
    pub assigned_on: NaiveDate,
}

/// Staff were in contact with the complainant (R-S1-1, R-INT-9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRecorded {
    pub at: DateTime<Utc>,
    pub method: ContactMethod,
    pub summary: NonEmptyText,
}

/// The Stage 1 response timescale was agreed with the complainant (R-S1-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimescaleAgreed {
    pub due_on: NaiveDate,
    pub agreed_on: NaiveDate,
}

/// The complainant was updated, perhaps with a revised timescale (R-S1-2;
/// a likely delay at Stage 2, R-S2-4; a longer Stage 3 investigation, R-S3-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateRecorded {
    pub stage: Stage,
    pub reason: NonEmptyText,
    pub revised_due_on: Option<NaiveDate>,
    pub recorded_on: NaiveDate,
}

/// Stage 1 staff referred the matter to their line manager, which counts
/// as Stage 2; the manager now deals with it (R-S1-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferredToLineManager {
    pub manager: StaffId,
    pub team: Team,
    pub referred_on: NaiveDate,
}

/// The written findings and outcome of a stage (R-OUT-1, R-OUT-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRecorded {
    pub stage: Stage,
    pub decision: Decision,
    pub findings: NonEmptyText,
    pub remedies: Vec<Remedy>,
    /// R-OUT-4: a failure in the assessment process was found.
    pub assessment_failure_found: bool,
    pub issued_on: NaiveDate,
    /// Last day to ask for the next stage (R-S2-1, R-S3-1) if the outcome
    /// is emailed on `issued_on`, what an email states; none at Stage 3.
    /// The window enforced runs from the receipt ([`OutcomeReceived`]).
    pub escalation_window_ends_on: Option<NaiveDate>,
    /// The same if the outcome is posted on `issued_on`, what a letter
    /// states: posting day, the delivery working days, then the window.
    /// `None` at Stage 3 and on outcomes stored before it was kept.
    pub escalation_window_ends_on_by_post: Option<NaiveDate>,
    /// Who recorded the outcome (the acting user), a decider of the stage
    /// beside its handler; `None` only on outcomes stored before it was
    /// kept whose metadata named no staff member.
    pub recorded_by: Option<StaffId>,
}

/// The complainant received a stage's outcome (R-S2-1, R-S3-1): the day
/// it was emailed, or the policy's delivery working days after it was
/// posted, as the notifications service reported it. The escalation window
/// now ends `window_ends_on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeReceived {
    pub stage: Stage,
    pub by_post: bool,
    /// The day it was emailed or posted.
    pub sent_on: NaiveDate,
    pub received_on: NaiveDate,
    pub window_ends_on: NaiveDate,
}

/// Staff recorded the day the complainant received a stage's outcome, as
/// it did not reach them as reported (R-S2-1, R-S3-1). The escalation
/// window now ends `window_ends_on`; with [`OutcomeReceived`] the later
/// receipt counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeReceiptRecorded {
    pub stage: Stage,
    pub received_on: NaiveDate,
    pub window_ends_on: NaiveDate,
    pub resent: bool,
    pub reason: NonEmptyText,
    pub recorded_by: StaffId,
}

/// The complainant's request for the next stage was accepted and the
/// complaint moved to it (R-S1-4, R-S2-1, R-S2-2, R-S3-1, R-S3-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEscalated {
    pub to: Stage,
    pub grounds: Vec<Grounds>,
    pub reasons: NonEmptyText,
    pub outcome_sought: Option<NonEmptyText>,
    pub received_on: NaiveDate,
    pub escalated_on: NaiveDate,
}

/// The Corporate Compliance Manager decided whether further investigation
/// is warranted (R-S3-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestigationDecided {
    pub warranted: bool,
    pub reason: NonEmptyText,
    pub decided_on: NaiveDate,
}

/// The Stage 3 request was acknowledged with the reference (R-S3-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage3Acknowledged {
    pub acknowledged_on: NaiveDate,
}

/// A deadline now runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineSet {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub set_on: NaiveDate,
}

/// A deadline was moved later, with the reason (R-S1-2, R-S2-4, R-S3-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineExtended {
    pub kind: DeadlineKind,
    pub previous_due_on: NaiveDate,
    pub due_on: NaiveDate,
    pub reason: NonEmptyText,
    pub extended_on: NaiveDate,
}

/// What a deadline waited for happened (on time or not: compare with due_on).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineMet {
    pub kind: DeadlineKind,
    pub met_on: NaiveDate,
}

/// A deadline no longer applies because the complaint moved on (the agreed
/// Stage 1 timescale once the complaint is at Stage 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineWithdrawn {
    pub kind: DeadlineKind,
    pub withdrawn_on: NaiveDate,
}

/// A deadline is near (within the policy's warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineApproaching {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub marked_on: NaiveDate,
}

/// A deadline passed without being met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineMissed {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub marked_on: NaiveDate,
}

/// An action with one owner and a due date is tracked (R-OUT-3, R-OUT-4,
/// R-MON-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionAdded {
    pub action: ActionId,
    pub kind: ActionKind,
    pub description: NonEmptyText,
    pub owner: StaffId,
    pub due_on: NaiveDate,
    pub added_on: NaiveDate,
}

/// An action has a new owner (still exactly one, R-OUT-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionReassigned {
    pub action: ActionId,
    pub previous_owner: StaffId,
    pub owner: StaffId,
    pub reason: NonEmptyText,
    pub reassigned_on: NaiveDate,
}

/// An action was completed (R-OUT-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionCompleted {
    pub action: ActionId,
    pub note: Option<NonEmptyText>,
    pub completed_on: NaiveDate,
}

/// The complainant referred the complaint to a regulator (R-REG-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegulatorReferralRecorded {
    pub regulator: Name,
    pub referred_on: NaiveDate,
}

/// The procedure is exhausted for a complaint about a regulated
/// qualification: the final letter states the right to refer it (R-REG-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralRightRecorded {
    pub regulators: Vec<Name>,
    pub recorded_on: NaiveDate,
}

/// Contact is restricted under the Unreasonably Persistent Contact policy
/// (R-UPC-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRestricted {
    pub reason: NonEmptyText,
    pub review_on: NaiveDate,
    pub restricted_on: NaiveDate,
}

/// The contact restriction in force was reviewed and lifted (R-UPC-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRestrictionLifted {
    pub reason: NonEmptyText,
    /// The review date the lifted restriction had.
    pub review_on: NaiveDate,
    pub lifted_on: NaiveDate,
}

/// The review date of the contact restriction in force has come
/// (R-UPC-1): the deadline watcher raises it once per restriction so the
/// handler reviews it (lifts it, or restricts again with a new date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictionReviewDue {
    pub review_on: NaiveDate,
    pub restricted_on: NaiveDate,
    pub marked_on: NaiveDate,
}

/// Information was disclosed to a third party under a legal requirement
/// (R-CONF-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisclosureRecorded {
    pub recipient: Name,
    pub legal_basis: LegalBasis,
    pub what: NonEmptyText,
    pub disclosed_on: NaiveDate,
}

/// The individual gave written permission to obtain information held by a
/// third party (R-INT-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InformationPermissionRecorded {
    pub third_party: Name,
    pub scope: NonEmptyText,
    pub given_on: NaiveDate,
}

/// The issue was resolved quickly outside the procedure (R-INT-7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedOutsideProcedure {
    pub how: NonEmptyText,
    pub resolved_on: NaiveDate,
}

/// New issues were raised about a closed complaint; a new complaint with
/// `new_reference` deals with them (R-UPC-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIssuesRaised {
    pub new_reference: ComplaintRef,
    pub description: NonEmptyText,
    pub raised_on: NaiveDate,
}

/// New issues were raised longer than the prescribed timescale after the
/// complainant became aware of them (R-UPC-2): recorded on the closed
/// complaint, waiting for a staff decision, not opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIssuesAwaitingDecision {
    pub description: NonEmptyText,
    pub became_aware_on: NaiveDate,
    pub raised_on: NaiveDate,
}

/// Staff decided on new issues waiting for a decision (R-UPC-2): with a
/// compelling reason a `NewIssuesRaised` follows; otherwise declined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIssuesDecided {
    pub compelling_reason: bool,
    pub reason: NonEmptyText,
    pub decided_on: NaiveDate,
}

/// The complaint is closed (R-S3-6, R-INT-7, R-S2-1, R-S3-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplaintClosed {
    pub how: ClosedHow,
    pub closed_on: NaiveDate,
}
