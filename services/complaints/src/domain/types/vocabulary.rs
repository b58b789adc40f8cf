//! The closed vocabularies of the procedure.

use std::fmt;

/// The three stages of the procedure, run in numerical order (section 3,
/// footnote 1; R-S2-2, R-S3-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Stage 1, initial complaint (3.1).
    One,
    /// Stage 2, escalation (3.2).
    Two,
    /// Stage 3, formal complaint (3.3).
    Three,
}

impl Stage {
    /// The stage after this one; none after Stage 3 (R-S3-6).
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::One => Some(Stage::Two),
            Stage::Two => Some(Stage::Three),
            Stage::Three => None,
        }
    }

    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Stage::One => 1,
            Stage::Two => 2,
            Stage::Three => 3,
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stage {}", self.number())
    }
}

/// The decision recorded with a stage outcome (section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

/// Kinds of remedy (R-OUT-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RemedyKind {
    Apology,
    Explanation,
    AcknowledgementOfResponsibility,
    ChangeDecision,
    RevisePublishedMaterial,
    ReviseProcedures,
    TrainOrSuperviseStaff,
    FinancialCompensation,
}

impl RemedyKind {
    /// An apology or an explanation: the only remedies that go with a
    /// complaint that is not upheld (R-OUT-2).
    pub fn is_apology_or_explanation(self) -> bool {
        matches!(self, RemedyKind::Apology | RemedyKind::Explanation)
    }
}

/// Grounds for asking for the next stage (R-S1-4; footnote 5 for Stage 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grounds {
    /// (a) not fully understood or not investigated thoroughly.
    NotUnderstood,
    /// (b) not all points responded to.
    PointsNotAnswered,
    /// (c) no response within the agreed timescale and no indication when.
    NoResponseInTimescale,
    /// Stage 3: dissatisfied with the Stage 2 outcome, reasons given.
    DissatisfiedWithOutcome,
}

/// How a submission reached the organisation (R-INT-1, R-REG-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    WebForm,
    Email,
    Telephone,
    /// A regulator passed the complaint on; handled like any other (R-REG-3).
    Regulator,
}

/// In what capacity a member of staff deals with a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The member of staff dealing with a Stage 1 complaint.
    Handler,
    /// The relevant manager (R-S1-3, R-S2-3).
    Manager,
    /// The Corporate Compliance Manager (R-S3-3).
    ComplianceManager,
}

/// How staff were in contact with the complainant (R-INT-9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactMethod {
    Telephone,
    Email,
    Post,
    InPerson,
    VideoCall,
}

/// What a tracked action is for (R-OUT-3, R-OUT-4, R-MON-2, R-REG-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// A follow-up needed to resolve the complaint fully (R-OUT-3).
    FollowUp,
    /// An improvement in an action plan: what will be done and by when (R-MON-2).
    Improvement,
    /// R-OUT-4: identify other learners affected by an assessment failure.
    IdentifyAffectedLearners,
    /// R-OUT-4: correct or mitigate the effect of the failure.
    CorrectOrMitigate,
    /// R-OUT-4: ensure the failure does not recur.
    PreventRecurrence,
    /// R-REG-4: review assessment procedures after a regulator's notice.
    RegulatorReview,
}

/// The legal requirement under which information went to a third party
/// (R-CONF-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LegalBasis {
    Regulator,
    Police,
    StatutoryBody,
    LegalAdviser,
    Insurer,
}

/// The deadlines the procedure tracks for a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineKind {
    /// Staff make contact after a written submission (R-S1-1, R-INT-8).
    FirstContact,
    /// The Stage 1 response timescale agreed with the complainant (R-S1-2).
    AgreedTimescale,
    /// The Stage 2 manager's response (R-S2-4).
    Stage2Response,
    /// The Stage 3 acknowledgement (R-S3-4).
    Stage3Acknowledgement,
    /// The Stage 3 full response (R-S3-5).
    Stage3Response,
    /// The complainant's window to ask for the stage after this one
    /// (R-S2-1 after Stage 1, R-S3-1 after Stage 2).
    EscalationWindow(Stage),
}

impl fmt::Display for DeadlineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeadlineKind::FirstContact => f.write_str("first contact"),
            DeadlineKind::AgreedTimescale => f.write_str("agreed response timescale"),
            DeadlineKind::Stage2Response => f.write_str("Stage 2 response"),
            DeadlineKind::Stage3Acknowledgement => f.write_str("Stage 3 acknowledgement"),
            DeadlineKind::Stage3Response => f.write_str("Stage 3 response"),
            DeadlineKind::EscalationWindow(stage) => {
                write!(f, "escalation window after the {stage} outcome")
            }
        }
    }
}
