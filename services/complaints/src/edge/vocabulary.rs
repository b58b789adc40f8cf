//! The closed vocabularies between the wire and the domain, both ways, in
//! one table each so that the edge and the views cannot drift apart. A wire
//! number that is `UNSPECIFIED` or unknown has no domain value: the edge
//! reports it as a wrong field rather than guessing. Public for the shell,
//! which reads the same vocabularies in query filters (a work-queue stage).

use crate::domain::ClosedHow;
use crate::domain::types::{
    ActionKind, Channel, ContactMethod, DeadlineKind, Decision, Grounds, LegalBasis, RemedyKind,
    Role, Stage,
};
use complaints_proto::v1 as pb;

macro_rules! vocabulary {
    ($to:ident, $from:ident, $domain:ident, $proto:ident, { $($d:ident <=> $p:ident),* $(,)? }) => {
        #[doc = concat!("The wire value of a domain `", stringify!($domain), "`.")]
        pub fn $to(value: $domain) -> pb::$proto {
            match value {
                $($domain::$d => pb::$proto::$p,)*
            }
        }

        #[doc = concat!("The domain `", stringify!($domain), "` of a wire number; none for unspecified or unknown.")]
        pub fn $from(value: i32) -> Option<$domain> {
            match pb::$proto::try_from(value) {
                $(Ok(pb::$proto::$p) => Some($domain::$d),)*
                _ => None,
            }
        }
    };
}

vocabulary!(to_stage, stage, Stage, Stage, {
    One <=> Stage1, Two <=> Stage2, Three <=> Stage3,
});

vocabulary!(to_decision, decision, Decision, Decision, {
    Upheld <=> Upheld, PartlyUpheld <=> PartlyUpheld, NotUpheld <=> NotUpheld,
});

vocabulary!(to_remedy_kind, remedy_kind, RemedyKind, RemedyKind, {
    Apology <=> Apology,
    Explanation <=> Explanation,
    AcknowledgementOfResponsibility <=> AcknowledgementOfResponsibility,
    ChangeDecision <=> ChangeDecision,
    RevisePublishedMaterial <=> RevisePublishedMaterial,
    ReviseProcedures <=> ReviseProcedures,
    TrainOrSuperviseStaff <=> TrainOrSuperviseStaff,
    FinancialCompensation <=> FinancialCompensation,
});

vocabulary!(to_grounds, grounds, Grounds, Grounds, {
    NotUnderstood <=> NotUnderstood,
    PointsNotAnswered <=> PointsNotAnswered,
    NoResponseInTimescale <=> NoResponseInTimescale,
    DissatisfiedWithOutcome <=> DissatisfiedWithOutcome,
});

vocabulary!(to_channel, channel, Channel, Channel, {
    WebForm <=> WebForm, Email <=> Email, Telephone <=> Telephone, Regulator <=> Regulator,
});

vocabulary!(to_role, role, Role, HandlerRole, {
    Handler <=> Handler, Manager <=> Manager, ComplianceManager <=> ComplianceManager,
});

vocabulary!(to_contact_method, contact_method, ContactMethod, ContactMethod, {
    Telephone <=> Telephone, Email <=> Email, Post <=> Post, InPerson <=> InPerson,
    VideoCall <=> VideoCall,
});

vocabulary!(to_action_kind, action_kind, ActionKind, ActionKind, {
    FollowUp <=> FollowUp,
    Improvement <=> Improvement,
    IdentifyAffectedLearners <=> IdentifyAffectedLearners,
    CorrectOrMitigate <=> CorrectOrMitigate,
    PreventRecurrence <=> PreventRecurrence,
    RegulatorReview <=> RegulatorReview,
});

vocabulary!(to_legal_basis, legal_basis, LegalBasis, LegalBasis, {
    Regulator <=> Regulator, Police <=> Police, StatutoryBody <=> StatutoryBody,
    LegalAdviser <=> LegalAdviser, Insurer <=> Insurer,
});

/// The wire kind of a deadline, and for an escalation window the stage
/// whose outcome opened it (unspecified for every other kind).
pub fn to_deadline_kind(kind: DeadlineKind) -> (pb::DeadlineKind, pb::Stage) {
    use pb::DeadlineKind as P;
    let none = pb::Stage::Unspecified;
    match kind {
        DeadlineKind::FirstContact => (P::FirstContact, none),
        DeadlineKind::AgreedTimescale => (P::AgreedTimescale, none),
        DeadlineKind::Stage2Response => (P::Stage2Response, none),
        DeadlineKind::Stage3Acknowledgement => (P::Stage3Acknowledgement, none),
        DeadlineKind::Stage3Response => (P::Stage3Response, none),
        DeadlineKind::EscalationWindow(stage) => (P::EscalationWindow, to_stage(stage)),
    }
}

/// How a complaint was closed, on the wire.
pub fn to_closure_kind(how: ClosedHow) -> pb::ClosureKind {
    match how {
        ClosedHow::ClosedAfterStage3 => pb::ClosureKind::AfterStage3,
        ClosedHow::ResolvedOutsideProcedure => pb::ClosureKind::ResolvedOutsideProcedure,
        ClosedHow::EscalationWindowLapsed { .. } => pb::ClosureKind::EscalationWindowLapsed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stage_goes_to_the_wire_and_back() {
        for s in [Stage::One, Stage::Two, Stage::Three] {
            assert_eq!(stage(to_stage(s) as i32), Some(s));
        }
    }

    #[test]
    fn unspecified_and_unknown_numbers_have_no_domain_value() {
        assert_eq!(stage(0), None);
        assert_eq!(legal_basis(0), None);
        assert_eq!(remedy_kind(99), None);
        assert_eq!(role(-1), None);
    }

    #[test]
    fn an_escalation_window_carries_the_stage_whose_outcome_opened_it() {
        assert_eq!(
            to_deadline_kind(DeadlineKind::EscalationWindow(Stage::Two)),
            (pb::DeadlineKind::EscalationWindow, pb::Stage::Stage2)
        );
        assert_eq!(
            to_deadline_kind(DeadlineKind::FirstContact),
            (pb::DeadlineKind::FirstContact, pb::Stage::Unspecified)
        );
    }
}
