//! The procedure's words that letters use: stages, roles, decisions,
//! remedies, grounds and deadlines.
//!
//! Each has a stable `key()` that templates switch on, so the wording stays
//! in the template files operators edit, not in code.

/// The three stages of the procedure (section 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    One,
    Two,
    Three,
}

impl Stage {
    /// The stage's number, as letters write it ("Stage 2").
    pub fn number(self) -> u32 {
        match self {
            Stage::One => 1,
            Stage::Two => 2,
            Stage::Three => 3,
        }
    }

    /// The stage a complainant may ask for next; none after Stage 3 (R-S3-6).
    pub fn next(self) -> Option<Stage> {
        match self {
            Stage::One => Some(Stage::Two),
            Stage::Two => Some(Stage::Three),
            Stage::Three => None,
        }
    }
}

/// In what capacity a member of staff deals with a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Handler,
    Manager,
    ComplianceManager,
}

impl Role {
    pub fn key(self) -> &'static str {
        match self {
            Role::Handler => "handler",
            Role::Manager => "manager",
            Role::ComplianceManager => "compliance_manager",
        }
    }
}

/// The decision of an outcome (section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

impl Decision {
    pub fn key(self) -> &'static str {
        match self {
            Decision::Upheld => "upheld",
            Decision::PartlyUpheld => "partly_upheld",
            Decision::NotUpheld => "not_upheld",
        }
    }
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
    pub fn key(self) -> &'static str {
        match self {
            RemedyKind::Apology => "apology",
            RemedyKind::Explanation => "explanation",
            RemedyKind::AcknowledgementOfResponsibility => "acknowledgement_of_responsibility",
            RemedyKind::ChangeDecision => "change_decision",
            RemedyKind::RevisePublishedMaterial => "revise_published_material",
            RemedyKind::ReviseProcedures => "revise_procedures",
            RemedyKind::TrainOrSuperviseStaff => "train_or_supervise_staff",
            RemedyKind::FinancialCompensation => "financial_compensation",
        }
    }
}

/// Grounds for asking for the next stage (R-S1-4 (a)-(c); footnote 5 for
/// Stage 3, which adds that the complainant says what outcome they seek).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ground {
    NotUnderstood,
    PointsNotAnswered,
    NoResponseInTimescale,
}

impl Ground {
    /// The grounds a letter offers for asking for `to`: the three
    /// circumstances of R-S1-4 for Stage 2. None for Stage 3: R-S3-1 asks
    /// instead why the complainant is still dissatisfied and what outcome
    /// they seek, and ground (c), a Stage 1 response that never came, makes
    /// no sense once the Stage 2 outcome is in their hands.
    pub fn available_for(to: Stage) -> Vec<Ground> {
        match to {
            Stage::One | Stage::Three => Vec::new(),
            Stage::Two => vec![
                Ground::NotUnderstood,
                Ground::PointsNotAnswered,
                Ground::NoResponseInTimescale,
            ],
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Ground::NotUnderstood => "not_understood",
            Ground::PointsNotAnswered => "points_not_answered",
            Ground::NoResponseInTimescale => "no_response_in_timescale",
        }
    }
}

/// The deadlines the complaints service tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DeadlineKind {
    FirstContact,
    AgreedTimescale,
    Stage2Response,
    Stage3Acknowledgement,
    Stage3Response,
    /// The complainant's window to ask for the next stage: not a staff
    /// deadline, so no staff alert is sent for it.
    EscalationWindow,
}

impl DeadlineKind {
    pub fn key(self) -> &'static str {
        match self {
            DeadlineKind::FirstContact => "first_contact",
            DeadlineKind::AgreedTimescale => "agreed_timescale",
            DeadlineKind::Stage2Response => "stage2_response",
            DeadlineKind::Stage3Acknowledgement => "stage3_acknowledgement",
            DeadlineKind::Stage3Response => "stage3_response",
            DeadlineKind::EscalationWindow => "escalation_window",
        }
    }

    /// The stage whose handler must meet it; none for the complainant's
    /// escalation window.
    pub fn stage(self) -> Option<Stage> {
        match self {
            DeadlineKind::FirstContact | DeadlineKind::AgreedTimescale => Some(Stage::One),
            DeadlineKind::Stage2Response => Some(Stage::Two),
            DeadlineKind::Stage3Acknowledgement | DeadlineKind::Stage3Response => {
                Some(Stage::Three)
            }
            DeadlineKind::EscalationWindow => None,
        }
    }

    /// Whether staff must meet it (and so are alerted about it).
    pub fn is_for_staff(self) -> bool {
        self != DeadlineKind::EscalationWindow
    }
}
