//! What staff, the complainant (through staff) and the deadline watcher ask
//! of a complaint. Each command carries already-parsed domain values.

use super::types::{
    ActionId, ActionKind, Adjustments, Channel, ComplaintRef, ContactMethod, DeadlineKind,
    Decision, Grounds, LegalBasis, Name, NonEmptyText, Qualification, Remedy, Role, StaffId, Stage,
    SubmissionId, Team,
};
use chrono::{DateTime, NaiveDate, Utc};

/// A request to change a complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Open(Open),
    AssignHandler(AssignHandler),
    RecordContact(RecordContact),
    AgreeTimescale(AgreeTimescale),
    RecordUpdate(RecordUpdate),
    ReferToLineManager(ReferToLineManager),
    RecordOutcome(RecordOutcome),
    /// R-S2-1, R-S3-1: the notifications service reports the outcome
    /// delivered to the complainant.
    RecordOutcomeReceipt(RecordOutcomeReceipt),
    RecordReceiptByHand(RecordReceiptByHand),
    RequestEscalation(RequestEscalation),
    DecideInvestigation(DecideInvestigation),
    AcknowledgeStage3,
    ExtendDeadline(ExtendDeadline),
    AddAction(AddAction),
    ReassignAction(ReassignAction),
    CompleteAction(CompleteAction),
    RecordRegulatorReferral(RecordRegulatorReferral),
    RestrictContact(RestrictContact),
    LiftRestriction(LiftRestriction),
    RecordDisclosure(RecordDisclosure),
    RecordInformationPermission(RecordInformationPermission),
    ResolveOutsideProcedure(ResolveOutsideProcedure),
    RaiseNewIssues(RaiseNewIssues),
    DecideNewIssues(DecideNewIssues),
    CloseUnescalated,
    MarkDeadlineApproaching(DeadlineKind),
    MarkDeadlineMissed(DeadlineKind),
    /// R-UPC-1: the deadline watcher tells the handler the review date of
    /// the restriction in force has come.
    MarkRestrictionReviewDue,
}

impl Command {
    /// Whether a closed complaint still accepts the command. A closed
    /// complaint is not revisited (R-UPC-2) and a Stage 3 outcome is final
    /// (R-S3-6), so it refuses every command but these, which record what
    /// still happens after closure without reopening anything:
    ///
    /// - `RaiseNewIssues`, `DecideNewIssues`: new issues are the one way
    ///   back in (R-UPC-2); they are dealt with as a new complaint linked
    ///   to this one, after a staff decision when raised late.
    /// - `RecordRegulatorReferral`: the complainant refers an exhausted
    ///   complaint to the regulator after closure (R-REG-2).
    /// - `RecordDisclosure`: a legal requirement to disclose can arise at
    ///   any time, and every disclosure must be recorded (R-CONF-3).
    /// - `RestrictContact`, `LiftRestriction`, `MarkRestrictionReviewDue`:
    ///   persistent contact often follows a final outcome, and the
    ///   restriction is reviewed and lifted after it too (R-UPC-1).
    /// - `ReassignAction`, `CompleteAction`: follow-up and improvement
    ///   actions outlive the complaint and are tracked to completion
    ///   (R-OUT-3, R-OUT-4, R-MON-2).
    pub fn allowed_after_closure(&self) -> bool {
        matches!(
            self,
            Command::RaiseNewIssues(_)
                | Command::DecideNewIssues(_)
                | Command::RecordRegulatorReferral(_)
                | Command::RecordDisclosure(_)
                | Command::RestrictContact(_)
                | Command::LiftRestriction(_)
                | Command::MarkRestrictionReviewDue
                | Command::ReassignAction(_)
                | Command::CompleteAction(_)
        )
    }

    /// The command's name, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Open(_) => "Open",
            Command::AssignHandler(_) => "AssignHandler",
            Command::RecordContact(_) => "RecordContact",
            Command::AgreeTimescale(_) => "AgreeTimescale",
            Command::RecordUpdate(_) => "RecordUpdate",
            Command::ReferToLineManager(_) => "ReferToLineManager",
            Command::RecordOutcome(_) => "RecordOutcome",
            Command::RecordOutcomeReceipt(_) => "RecordOutcomeReceipt",
            Command::RecordReceiptByHand(_) => "RecordReceiptByHand",
            Command::RequestEscalation(_) => "RequestEscalation",
            Command::DecideInvestigation(_) => "DecideInvestigation",
            Command::AcknowledgeStage3 => "AcknowledgeStage3",
            Command::ExtendDeadline(_) => "ExtendDeadline",
            Command::AddAction(_) => "AddAction",
            Command::ReassignAction(_) => "ReassignAction",
            Command::CompleteAction(_) => "CompleteAction",
            Command::RecordRegulatorReferral(_) => "RecordRegulatorReferral",
            Command::RestrictContact(_) => "RestrictContact",
            Command::LiftRestriction(_) => "LiftRestriction",
            Command::RecordDisclosure(_) => "RecordDisclosure",
            Command::RecordInformationPermission(_) => "RecordInformationPermission",
            Command::ResolveOutsideProcedure(_) => "ResolveOutsideProcedure",
            Command::RaiseNewIssues(_) => "RaiseNewIssues",
            Command::DecideNewIssues(_) => "DecideNewIssues",
            Command::CloseUnescalated => "CloseUnescalated",
            Command::MarkDeadlineApproaching(_) => "MarkDeadlineApproaching",
            Command::MarkDeadlineMissed(_) => "MarkDeadlineMissed",
            Command::MarkRestrictionReviewDue => "MarkRestrictionReviewDue",
        }
    }
}

/// Open a complaint accepted by intake, at Stage 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open {
    pub reference: ComplaintRef,
    pub submission_id: SubmissionId,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    /// A written submission starts the first-contact deadline (R-S1-1).
    pub written: bool,
    pub query_category: Name,
    pub qualification: Option<Qualification>,
    pub correspondence_by_post: bool,
    /// R-UPC-2: the closed complaint whose new issues this one deals with.
    pub raised_from: Option<ComplaintRef>,
    /// The portal account that submitted it, if one did (R-CONF-1).
    pub submitted_by: Option<Name>,
    /// R-ADJ-1: the reasonable adjustments the complainant asked for.
    pub adjustments: Option<Box<Adjustments>>,
}

/// The `stage` outcome reached the complainant's channel on `sent_on`:
/// accepted by the mail server, or posted (R-S2-1, R-S3-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOutcomeReceipt {
    pub stage: Stage,
    pub by_post: bool,
    pub sent_on: NaiveDate,
}

/// R-S2-1, R-S3-1: staff record the day the complainant received the
/// `stage` outcome, when it did not reach them as reported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordReceiptByHand {
    pub stage: Stage,
    pub received_on: NaiveDate,
    /// The outcome was sent again, and the resend is what arrived.
    pub resent: bool,
    pub reason: NonEmptyText,
    /// Who records it (the acting user).
    pub recorded_by: StaffId,
}

/// Allocate the current stage to a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignHandler {
    pub staff: StaffId,
    pub team: Team,
    pub role: Role,
}

/// Record a contact with the complainant (R-INT-9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordContact {
    pub at: DateTime<Utc>,
    pub method: ContactMethod,
    pub summary: NonEmptyText,
}

/// Record the Stage 1 response timescale agreed with the complainant (R-S1-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreeTimescale {
    pub due_on: NaiveDate,
}

/// Record an update sent to the complainant, perhaps with a revised date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordUpdate {
    pub reason: NonEmptyText,
    pub revised_due_on: Option<NaiveDate>,
}

/// Stage 1 staff refer the matter to their line manager (R-S1-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferToLineManager {
    pub manager: StaffId,
    pub team: Team,
}

/// One of the three actions an assessment failure opens (R-OUT-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAction {
    pub description: NonEmptyText,
    pub owner: StaffId,
    pub due_on: NaiveDate,
}

/// R-OUT-4: identify other affected learners, correct or mitigate, prevent
/// recurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentFailureActions {
    pub identify_affected_learners: PlannedAction,
    pub correct_or_mitigate: PlannedAction,
    pub prevent_recurrence: PlannedAction,
}

/// Record the outcome of the current stage (R-OUT-1, R-OUT-2, R-OUT-4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordOutcome {
    pub stage: Stage,
    pub decision: Decision,
    pub findings: NonEmptyText,
    pub remedies: Vec<Remedy>,
    pub assessment_failure_found: bool,
    /// Required exactly when `assessment_failure_found`.
    pub assessment_failure_actions: Option<AssessmentFailureActions>,
    /// The acting user recording it, who decides the stage with its
    /// handler (independence, R-S2-3, R-S3-3).
    pub recorded_by: StaffId,
}

/// The complainant asks for the next stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestEscalation {
    pub to: Stage,
    pub grounds: Vec<Grounds>,
    pub reasons: NonEmptyText,
    /// Required for Stage 3 (R-S3-1).
    pub outcome_sought: Option<NonEmptyText>,
    /// When the request reached the organisation.
    pub received_on: NaiveDate,
}

/// R-S3-3: whether further investigation is warranted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideInvestigation {
    pub warranted: bool,
    pub reason: NonEmptyText,
}

/// Move a live deadline later, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendDeadline {
    pub kind: DeadlineKind,
    pub due_on: NaiveDate,
    pub reason: NonEmptyText,
}

/// Track an action with one owner and a due date (R-OUT-3, R-MON-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddAction {
    pub kind: ActionKind,
    pub description: NonEmptyText,
    pub owner: StaffId,
    pub due_on: NaiveDate,
}

/// Give an action a new owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReassignAction {
    pub action: ActionId,
    pub owner: StaffId,
    pub reason: NonEmptyText,
}

/// Mark an action done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompleteAction {
    pub action: ActionId,
    pub note: Option<NonEmptyText>,
}

/// The complainant referred the closed complaint to a regulator (R-REG-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRegulatorReferral {
    pub regulator: Name,
    pub referred_on: NaiveDate,
}

/// Restrict contact under the Unreasonably Persistent Contact policy (R-UPC-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictContact {
    pub reason: NonEmptyText,
    pub review_on: NaiveDate,
}

/// Lift the contact restriction in force after its review (R-UPC-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiftRestriction {
    pub reason: NonEmptyText,
}

/// Record a disclosure to a third party (R-CONF-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDisclosure {
    pub recipient: Name,
    /// No legal basis, no disclosure.
    pub legal_basis: Option<LegalBasis>,
    pub what: NonEmptyText,
    pub disclosed_on: NaiveDate,
}

/// Record the individual's permission to obtain information from a third
/// party (R-INT-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordInformationPermission {
    pub third_party: Name,
    pub scope: NonEmptyText,
    pub given_on: NaiveDate,
    /// Must be true: only written permission counts.
    pub in_writing: bool,
}

/// Resolve a quick issue outside the procedure (R-INT-7).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveOutsideProcedure {
    pub how: NonEmptyText,
}

/// New issues about a closed complaint, dealt with as `new_reference` (R-UPC-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaiseNewIssues {
    pub new_reference: ComplaintRef,
    pub description: NonEmptyText,
    /// When the complainant became aware of them; `None`: the day they are
    /// raised.
    pub became_aware_on: Option<NaiveDate>,
}

/// R-UPC-2: staff decide on new issues raised outside the timescale: a
/// compelling reason opens them as `new_reference`, or they are declined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideNewIssues {
    pub new_reference: ComplaintRef,
    pub compelling_reason: bool,
    pub reason: NonEmptyText,
}
