//! One plain line per event for the audit trail. A line says what changed
//! with the procedure's own words, dates, counts and references only: free
//! text (findings, reasons, contact summaries), the names of third parties
//! and staff ids never appear, since any of them may hold personal data
//! (the history's `actor` already says who acted).

use crate::domain::ClosedHow;
use crate::domain::event::*;
use crate::domain::types::{
    ActionKind, Channel, ContactMethod, Decision, Grounds, LegalBasis, Role,
};

/// One audit-trail line: what changed, in plain words (e.g. "Stage 1
/// outcome recorded: upheld, 2 remedies"); never personal data.
pub fn summary(event: &Event) -> String {
    match event {
        Event::ComplaintOpened(e) => opened(e),
        Event::HandlerAssigned(e) => {
            format!("{} allocated to {} ({})", e.stage, role(e.role), e.team)
        }
        Event::ContactRecorded(e) => format!(
            "Contact with the complainant recorded ({})",
            contact_method(e.method)
        ),
        Event::TimescaleAgreed(e) => {
            format!("Stage 1 response timescale agreed: due {}", e.due_on)
        }
        Event::UpdateRecorded(e) => match e.revised_due_on {
            Some(on) => format!(
                "{} update sent to the complainant, revised date {on}",
                e.stage
            ),
            None => format!("{} update sent to the complainant", e.stage),
        },
        Event::ReferredToLineManager(e) => {
            format!("Referred to the line manager ({}): now at Stage 2", e.team)
        }
        Event::OutcomeRecorded(e) => outcome(e),
        Event::OutcomeReceived(e) => format!(
            "{} outcome received by the complainant on {} ({} on {}): the window to ask for \
             the next stage ends {}",
            e.stage,
            e.received_on,
            if e.by_post { "posted" } else { "emailed" },
            e.sent_on,
            e.window_ends_on
        ),
        Event::OutcomeReceiptRecorded(e) => format!(
            "{} outcome {}received by the complainant on {}, as recorded by staff: the window \
             to ask for the next stage ends {}",
            e.stage,
            if e.resent { "sent again and " } else { "" },
            e.received_on,
            e.window_ends_on
        ),
        Event::StageEscalated(e) => format!(
            "Escalated to {} at the complainant's request received {} ({})",
            e.to,
            e.received_on,
            grounds(&e.grounds)
        ),
        Event::InvestigationDecided(e) => if e.warranted {
            "Stage 3: further investigation warranted"
        } else {
            "Stage 3: further investigation not warranted"
        }
        .to_owned(),
        Event::Stage3Acknowledged(e) => {
            format!("Stage 3 request acknowledged on {}", e.acknowledged_on)
        }
        Event::DeadlineSet(e) => format!("Deadline set: {} due {}", e.kind, e.due_on),
        Event::DeadlineExtended(e) => format!(
            "Deadline extended: {} now due {} (was {})",
            e.kind, e.due_on, e.previous_due_on
        ),
        Event::DeadlineMet(e) => format!("Deadline met: {} on {}", e.kind, e.met_on),
        Event::DeadlineWithdrawn(e) => format!("Deadline withdrawn: {} no longer applies", e.kind),
        Event::DeadlineApproaching(e) => {
            format!("Deadline approaching: {} due {}", e.kind, e.due_on)
        }
        Event::DeadlineMissed(e) => format!("Deadline missed: {} was due {}", e.kind, e.due_on),
        Event::ActionAdded(e) => format!(
            "Action {} added ({}), due {}",
            e.action,
            action_kind(e.kind),
            e.due_on
        ),
        Event::ActionReassigned(e) => format!("Action {} passed to a new owner", e.action),
        Event::ActionCompleted(e) => format!("Action {} completed", e.action),
        Event::RegulatorReferralRecorded(e) => format!(
            "Referral to {} recorded, made on {}",
            e.regulator, e.referred_on
        ),
        Event::ReferralRightRecorded(e) => {
            let names: Vec<&str> = e.regulators.iter().map(|r| r.as_str()).collect();
            format!(
                "Right to refer to the regulator stated ({})",
                names.join(", ")
            )
        }
        Event::ContactRestricted(e) => format!(
            "Contact restricted under the Unreasonably Persistent Contact policy, review on {}",
            e.review_on
        ),
        Event::ContactRestrictionLifted(e) => format!(
            "Contact restriction reviewed and lifted (its review was due on {})",
            e.review_on
        ),
        Event::RestrictionReviewDue(e) => format!(
            "Contact restriction due for review (review date {}): the handler reviews it",
            e.review_on
        ),
        Event::DisclosureRecorded(e) => format!(
            "Disclosure to a third party recorded (legal basis: {}), made on {}",
            legal_basis(e.legal_basis),
            e.disclosed_on
        ),
        Event::InformationPermissionRecorded(e) => format!(
            "Written permission to obtain information from a third party recorded, given on {}",
            e.given_on
        ),
        Event::ResolvedOutsideProcedure(_) => "Resolved outside the procedure".to_owned(),
        Event::NewIssuesAwaitingDecision(e) => format!(
            "New issues raised, which the complainant became aware of on {}: outside the \
             timescale, waiting for a staff decision",
            e.became_aware_on
        ),
        Event::NewIssuesDecided(e) if e.compelling_reason => {
            "New issues to be considered: a compelling reason was recorded".to_owned()
        }
        Event::NewIssuesDecided(_) => "New issues declined by staff".to_owned(),
        Event::NewIssuesRaised(e) => {
            format!("New issues raised: dealt with as {}", e.new_reference)
        }
        Event::ComplaintClosed(e) => format!("Complaint closed: {}", closed(e.how)),
    }
}

fn opened(e: &ComplaintOpened) -> String {
    let mut line = format!(
        "Complaint opened at Stage 1: received by {} on {}",
        channel(e.channel),
        e.received_on
    );
    if let Some(from) = e.raised_from {
        line.push_str(&format!(", new issues from {from}"));
    }
    line
}

fn outcome(e: &OutcomeRecorded) -> String {
    let remedies = match e.remedies.len() {
        0 => "no remedies".to_owned(),
        1 => "1 remedy".to_owned(),
        n => format!("{n} remedies"),
    };
    let mut line = format!(
        "{} outcome recorded: {}, {remedies}",
        e.stage,
        decision(e.decision)
    );
    if e.assessment_failure_found {
        line.push_str(", assessment failure found");
    }
    line
}

fn closed(how: ClosedHow) -> String {
    match how {
        ClosedHow::ClosedAfterStage3 => "the Stage 3 outcome is final".to_owned(),
        ClosedHow::ResolvedOutsideProcedure => "resolved outside the procedure".to_owned(),
        ClosedHow::EscalationWindowLapsed { stage } => {
            format!("no request for the next stage after the {stage} outcome")
        }
    }
}

fn grounds(grounds: &[Grounds]) -> String {
    let words: Vec<&str> = grounds
        .iter()
        .map(|g| match g {
            Grounds::NotUnderstood => "(a) not understood or not investigated thoroughly",
            Grounds::PointsNotAnswered => "(b) not all points answered",
            Grounds::NoResponseInTimescale => "(c) no response within the agreed timescale",
            Grounds::DissatisfiedWithOutcome => "dissatisfied with the outcome",
        })
        .collect();
    format!("grounds: {}", words.join("; "))
}

fn decision(d: Decision) -> &'static str {
    match d {
        Decision::Upheld => "upheld",
        Decision::PartlyUpheld => "partly upheld",
        Decision::NotUpheld => "not upheld",
    }
}

fn role(r: Role) -> &'static str {
    match r {
        Role::Handler => "a handler",
        Role::Manager => "a manager",
        Role::ComplianceManager => "the Corporate Compliance Manager",
    }
}

fn channel(c: Channel) -> &'static str {
    match c {
        Channel::WebForm => "the online form",
        Channel::Email => "email",
        Channel::Telephone => "telephone",
        Channel::Regulator => "a regulator",
    }
}

fn contact_method(m: ContactMethod) -> &'static str {
    match m {
        ContactMethod::Telephone => "telephone",
        ContactMethod::Email => "email",
        ContactMethod::Post => "post",
        ContactMethod::InPerson => "in person",
        ContactMethod::VideoCall => "video call",
    }
}

fn action_kind(k: ActionKind) -> &'static str {
    match k {
        ActionKind::FollowUp => "follow-up",
        ActionKind::Improvement => "improvement",
        ActionKind::IdentifyAffectedLearners => "identify other affected learners",
        ActionKind::CorrectOrMitigate => "correct or mitigate",
        ActionKind::PreventRecurrence => "prevent recurrence",
        ActionKind::RegulatorReview => "review after a regulator's notice",
    }
}

fn legal_basis(b: LegalBasis) -> &'static str {
    match b {
        LegalBasis::Regulator => "regulator",
        LegalBasis::Police => "police",
        LegalBasis::StatutoryBody => "statutory body",
        LegalBasis::LegalAdviser => "legal adviser",
        LegalBasis::Insurer => "insurer",
    }
}
