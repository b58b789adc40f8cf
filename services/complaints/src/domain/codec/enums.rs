//! The closed vocabularies on the wire. `UNSPECIFIED` and unknown numbers
//! are refused when decoding.

use super::Invalid;
use crate::domain::state::ClosedHow;
use crate::domain::types::{
    ActionKind, Channel, ContactMethod, DeadlineKind, Decision, Grounds, LegalBasis, RemedyKind,
    Role, Stage,
};
use complaints_proto::v1;

macro_rules! enum_map {
    ($to:ident, $from:ident, $domain:ident, $proto:ident, $what:literal, { $($d:ident <=> $p:ident),* $(,)? }) => {
        pub(super) fn $to(value: $domain) -> i32 {
            match value {
                $($domain::$d => v1::$proto::$p as i32,)*
            }
        }

        pub(super) fn $from(field: &'static str, value: i32) -> Result<$domain, Invalid> {
            match v1::$proto::try_from(value) {
                $(Ok(v1::$proto::$p) => Ok($domain::$d),)*
                _ => Err(Invalid::new(field, format!("{value} is not a {}", $what))),
            }
        }
    };
}

enum_map!(stage, from_stage, Stage, Stage, "stage", {
    One <=> Stage1, Two <=> Stage2, Three <=> Stage3,
});

enum_map!(decision, from_decision, Decision, Decision, "decision", {
    Upheld <=> Upheld, PartlyUpheld <=> PartlyUpheld, NotUpheld <=> NotUpheld,
});

enum_map!(remedy_kind, from_remedy_kind, RemedyKind, RemedyKind, "remedy kind", {
    Apology <=> Apology,
    Explanation <=> Explanation,
    AcknowledgementOfResponsibility <=> AcknowledgementOfResponsibility,
    ChangeDecision <=> ChangeDecision,
    RevisePublishedMaterial <=> RevisePublishedMaterial,
    ReviseProcedures <=> ReviseProcedures,
    TrainOrSuperviseStaff <=> TrainOrSuperviseStaff,
    FinancialCompensation <=> FinancialCompensation,
});

enum_map!(grounds, from_grounds, Grounds, Grounds, "ground", {
    NotUnderstood <=> NotUnderstood,
    PointsNotAnswered <=> PointsNotAnswered,
    NoResponseInTimescale <=> NoResponseInTimescale,
    DissatisfiedWithOutcome <=> DissatisfiedWithOutcome,
});

enum_map!(channel, from_channel, Channel, Channel, "channel", {
    WebForm <=> WebForm, Email <=> Email, Telephone <=> Telephone, Regulator <=> Regulator,
});

enum_map!(role, from_role, Role, HandlerRole, "handler role", {
    Handler <=> Handler, Manager <=> Manager, ComplianceManager <=> ComplianceManager,
});

enum_map!(contact_method, from_contact_method, ContactMethod, ContactMethod, "contact method", {
    Telephone <=> Telephone, Email <=> Email, Post <=> Post, InPerson <=> InPerson,
    VideoCall <=> VideoCall,
});

enum_map!(action_kind, from_action_kind, ActionKind, ActionKind, "action kind", {
    FollowUp <=> FollowUp,
    Improvement <=> Improvement,
    IdentifyAffectedLearners <=> IdentifyAffectedLearners,
    CorrectOrMitigate <=> CorrectOrMitigate,
    PreventRecurrence <=> PreventRecurrence,
    RegulatorReview <=> RegulatorReview,
});

enum_map!(legal_basis, from_legal_basis, LegalBasis, LegalBasis, "legal basis", {
    Regulator <=> Regulator, Police <=> Police, StatutoryBody <=> StatutoryBody,
    LegalAdviser <=> LegalAdviser, Insurer <=> Insurer,
});

/// A deadline kind as (kind, escalation stage); the stage is unspecified
/// except for an escalation window.
pub(super) fn deadline_kind(kind: DeadlineKind) -> (i32, i32) {
    use v1::DeadlineKind as P;
    let unspecified = v1::Stage::Unspecified as i32;
    match kind {
        DeadlineKind::FirstContact => (P::FirstContact as i32, unspecified),
        DeadlineKind::AgreedTimescale => (P::AgreedTimescale as i32, unspecified),
        DeadlineKind::Stage2Response => (P::Stage2Response as i32, unspecified),
        DeadlineKind::Stage3Acknowledgement => (P::Stage3Acknowledgement as i32, unspecified),
        DeadlineKind::Stage3Response => (P::Stage3Response as i32, unspecified),
        DeadlineKind::EscalationWindow(s) => (P::EscalationWindow as i32, stage(s)),
    }
}

pub(super) fn from_deadline_kind(
    kind: i32,
    escalation_stage: i32,
) -> Result<DeadlineKind, Invalid> {
    use v1::DeadlineKind as P;
    match P::try_from(kind) {
        Ok(P::FirstContact) => Ok(DeadlineKind::FirstContact),
        Ok(P::AgreedTimescale) => Ok(DeadlineKind::AgreedTimescale),
        Ok(P::Stage2Response) => Ok(DeadlineKind::Stage2Response),
        Ok(P::Stage3Acknowledgement) => Ok(DeadlineKind::Stage3Acknowledgement),
        Ok(P::Stage3Response) => Ok(DeadlineKind::Stage3Response),
        Ok(P::EscalationWindow) => {
            from_stage("escalation_stage", escalation_stage).map(DeadlineKind::EscalationWindow)
        }
        Ok(P::Unspecified) | Err(_) => Err(Invalid::new(
            "kind",
            format!("{kind} is not a deadline kind"),
        )),
    }
}

/// How a complaint was closed, with the stage it was at.
pub(super) fn closure(how: ClosedHow) -> (i32, i32) {
    use v1::ClosureKind as P;
    match how {
        ClosedHow::ClosedAfterStage3 => (P::AfterStage3 as i32, stage(Stage::Three)),
        ClosedHow::ResolvedOutsideProcedure => {
            (P::ResolvedOutsideProcedure as i32, stage(Stage::One))
        }
        ClosedHow::EscalationWindowLapsed { stage: s } => {
            (P::EscalationWindowLapsed as i32, stage(s))
        }
    }
}

pub(super) fn from_closure(how: i32, at_stage: i32) -> Result<ClosedHow, Invalid> {
    use v1::ClosureKind as P;
    match P::try_from(how) {
        Ok(P::AfterStage3) => Ok(ClosedHow::ClosedAfterStage3),
        Ok(P::ResolvedOutsideProcedure) => Ok(ClosedHow::ResolvedOutsideProcedure),
        Ok(P::EscalationWindowLapsed) => {
            from_stage("stage", at_stage).map(|stage| ClosedHow::EscalationWindowLapsed { stage })
        }
        Ok(P::Unspecified) | Err(_) => Err(Invalid::new(
            "how",
            format!("{how} is not a way of closing"),
        )),
    }
}
