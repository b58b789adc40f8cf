//! The names people read for the codes the log keeps: "Web form" for
//! `CHANNEL_WEB_FORM`, "Stage 2 response" for
//! `DEADLINE_KIND_STAGE2_RESPONSE`. Written out one by one rather than
//! derived from the protobuf names, which give "Stage2 response"; the
//! committee report and the CSV export both read them from here, and the
//! export keeps the codes in columns of their own (R-MON-3).

use crate::core::{
    Channel, ClosureKind, DeadlineKind, DeadlineResult, Decision, RemedyKind, Stage,
};

/// A channel of arrival.
pub fn channel(c: Channel) -> &'static str {
    match c {
        Channel::Unspecified => "Not recorded",
        Channel::WebForm => "Web form",
        Channel::Email => "Email",
        Channel::Telephone => "Telephone",
        Channel::Regulator => "Via a regulator",
    }
}

/// A stage's decision.
pub fn decision(d: Decision) -> &'static str {
    match d {
        Decision::Unspecified => "No decision",
        Decision::Upheld => "Upheld",
        Decision::PartlyUpheld => "Partly upheld",
        Decision::NotUpheld => "Not upheld",
    }
}

/// A kind of service deadline.
pub fn deadline(k: DeadlineKind) -> &'static str {
    match k {
        DeadlineKind::Unspecified => "Other deadline",
        DeadlineKind::FirstContact => "First contact",
        DeadlineKind::AgreedTimescale => "Stage 1 agreed timescale",
        DeadlineKind::Stage2Response => "Stage 2 response",
        DeadlineKind::Stage3Acknowledgement => "Stage 3 acknowledgement",
        DeadlineKind::Stage3Response => "Stage 3 response",
        DeadlineKind::EscalationWindow => "Escalation window",
    }
}

/// How a deadline ended.
pub fn deadline_result(r: DeadlineResult) -> &'static str {
    match r {
        DeadlineResult::Met => "met",
        DeadlineResult::MetLate => "met late",
        DeadlineResult::Missed => "missed",
    }
}

/// The code of how a deadline ended, as the export has always written it.
pub fn deadline_result_code(r: DeadlineResult) -> &'static str {
    match r {
        DeadlineResult::Met => "met",
        DeadlineResult::MetLate => "met_late",
        DeadlineResult::Missed => "missed",
    }
}

/// A kind of remedy (R-OUT-2).
pub fn remedy(k: RemedyKind) -> &'static str {
    match k {
        RemedyKind::Unspecified => "Other remedy",
        RemedyKind::Apology => "Apology",
        RemedyKind::Explanation => "Explanation",
        RemedyKind::AcknowledgementOfResponsibility => "Acknowledgement of responsibility",
        RemedyKind::ChangeDecision => "Decision changed",
        RemedyKind::RevisePublishedMaterial => "Published material revised",
        RemedyKind::ReviseProcedures => "Procedures revised",
        RemedyKind::TrainOrSuperviseStaff => "Staff training or supervision",
        RemedyKind::FinancialCompensation => "Financial compensation",
    }
}

/// How a complaint was closed.
pub fn closure(k: ClosureKind) -> &'static str {
    match k {
        ClosureKind::Unspecified => "Closed",
        ClosureKind::AfterStage3 => "Closed after Stage 3",
        ClosureKind::ResolvedOutsideProcedure => "Resolved outside the procedure",
        ClosureKind::EscalationWindowLapsed => "Not escalated in time",
    }
}

/// "Stage 1", "Stage 2", "Stage 3".
pub fn stage(s: Stage) -> String {
    format!("Stage {}", s.number())
}

/// Yes or no.
pub fn yes_no(b: bool) -> &'static str {
    if b { "Yes" } else { "No" }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-MON-3: labels are for people, with the spaces the protobuf names
    /// lose ("Stage2 response" was shown before).
    #[test]
    fn r_mon_3_codes_read_as_people_write_them() {
        assert_eq!(deadline(DeadlineKind::Stage2Response), "Stage 2 response");
        assert_eq!(
            deadline(DeadlineKind::Stage3Acknowledgement),
            "Stage 3 acknowledgement"
        );
        assert_eq!(channel(Channel::WebForm), "Web form");
        assert_eq!(decision(Decision::NotUpheld), "Not upheld");
        assert_eq!(
            remedy(RemedyKind::FinancialCompensation),
            "Financial compensation"
        );
        assert_eq!(stage(Stage::Two), "Stage 2");
    }
}
