//! The Corporate Compliance Manager's steps at Stage 3.

use super::{current_stage, meet};
use crate::domain::command::DecideInvestigation;
use crate::domain::context::Context;
use crate::domain::event::{Event, InvestigationDecided, Stage3Acknowledged};
use crate::domain::refusal::Refusal;
use crate::domain::state::{Complaint, StageRecord};
use crate::domain::types::{DeadlineKind, Stage};

fn stage3<'s>(state: &'s Complaint, rule: &'static str) -> Result<&'s StageRecord, Refusal> {
    let stage = current_stage(state);
    state
        .stage_record(Stage::Three)
        .filter(|_| stage == Stage::Three)
        .ok_or_else(|| {
            Refusal::precondition(
                rule,
                format!("this happens at Stage 3; the complaint is at {stage}"),
            )
        })
}

/// R-S3-3: the Corporate Compliance Manager decides, once, whether further
/// investigation is warranted, and records why. R-S3-4: the request is
/// acknowledged first (within 5 working days of receipt), so the decision
/// is refused until the acknowledgement has been recorded.
pub(super) fn decide_investigation(
    state: &Complaint,
    c: DecideInvestigation,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let record = stage3(state, "R-S3-3")?;
    if record.acknowledged_on.is_none() {
        return Err(Refusal::precondition_on(
            "R-S3-4",
            "acknowledged_on",
            "the Stage 3 request is acknowledged with its reference before deciding whether \
             further investigation is warranted; record the acknowledgement first",
        ));
    }
    if let Some(done) = &record.investigation {
        return Err(Refusal::precondition(
            "R-S3-3",
            format!(
                "whether to investigate further was already decided on {}",
                done.decided_on
            ),
        ));
    }
    Ok(vec![Event::InvestigationDecided(InvestigationDecided {
        warranted: c.warranted,
        reason: c.reason,
        decided_on: ctx.today,
    })])
}

/// R-S3-4: the acknowledgement with the reference was sent; it meets the
/// acknowledgement deadline.
pub(super) fn acknowledge(state: &Complaint, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    let record = stage3(state, "R-S3-4")?;
    if let Some(on) = record.acknowledged_on {
        return Err(Refusal::precondition(
            "R-S3-4",
            format!("the Stage 3 request was already acknowledged on {on}"),
        ));
    }
    let ack = Event::Stage3Acknowledged(Stage3Acknowledged {
        acknowledged_on: ctx.today,
    });
    let met = meet(state, DeadlineKind::Stage3Acknowledgement, ctx.today);
    Ok(std::iter::once(ack).chain(met).collect())
}
