//! Dealing with a stage: who handles it, contacts, timescales, updates,
//! referral to the line manager.

use super::{current_stage, deadline_after, meet, withdraw};
use crate::domain::command::{
    AgreeTimescale, AssignHandler, RecordContact, RecordUpdate, ReferToLineManager,
};
use crate::domain::context::Context;
use crate::domain::event::{
    ContactRecorded, DeadlineExtended, DeadlineSet, Event, HandlerAssigned, ReferredToLineManager,
    TimescaleAgreed, UpdateRecorded,
};
use crate::domain::refusal::Refusal;
use crate::domain::state::Complaint;
use crate::domain::types::{DeadlineKind, Role, StaffId, Stage};

/// Allocates the current stage. Stage 2 goes to a manager (R-S2-3); Stage 3
/// to the Corporate Compliance Manager named by the policy (R-S3-3), a role
/// that belongs to Stage 3 only.
pub(super) fn assign_handler(
    state: &Complaint,
    c: AssignHandler,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    match (stage, c.role) {
        (Stage::One, Role::Handler | Role::Manager) => {}
        (Stage::Two, Role::Manager) => {}
        (Stage::Three, Role::ComplianceManager) => {
            let taker = stage3_taker(state, ctx)?;
            if c.staff != taker {
                return Err(Refusal::invalid(
                    "R-S3-3",
                    "staff",
                    format!(
                        "Stage 3 is allocated to {}{}, as compliance manager",
                        taker,
                        if taker == ctx.policy.compliance_manager {
                            " (the Corporate Compliance Manager)"
                        } else {
                            " (the nominated Stage 3 deputy: the Corporate Compliance Manager decided an earlier stage)"
                        }
                    ),
                ));
            }
        }
        (Stage::Three, _) => {
            return Err(Refusal::invalid(
                "R-S3-3",
                "staff",
                format!(
                    "Stage 3 is allocated to the Corporate Compliance Manager ({}) as compliance manager",
                    ctx.policy.compliance_manager
                ),
            ));
        }
        (Stage::Two, _) => {
            return Err(Refusal::invalid(
                "R-S2-3",
                "role",
                "Stage 2 is allocated to the relevant manager",
            ));
        }
        (Stage::One, Role::ComplianceManager) => {
            return Err(Refusal::invalid(
                "R-S3-3",
                "role",
                "the Corporate Compliance Manager's role belongs to Stage 3",
            ));
        }
    }
    if let Some(decided) = decided_by(state, &c.staff) {
        let deputy = match (stage, &ctx.policy.stage3_deputy) {
            (Stage::Three, Some(deputy)) => format!(" (the nominated Stage 3 deputy is {deputy})"),
            (Stage::Three, None) => " (no Stage 3 deputy is configured: STAGE3_DEPUTY)".to_owned(),
            _ => String::new(),
        };
        return Err(Refusal::invalid(
            allocation_rule(stage),
            "staff",
            format!(
                "{} decided {decided} of this complaint (held it or recorded its outcome); {stage} goes to someone independent of that decision{deputy}",
                c.staff
            ),
        ));
    }
    let current = state.current_record().and_then(|r| r.handler.as_ref());
    if current.is_some_and(|h| h.staff == c.staff && h.team == c.team && h.role == c.role) {
        return Err(Refusal::precondition(
            allocation_rule(stage),
            format!("{stage} is already allocated to {} ({})", c.staff, c.team),
        ));
    }
    Ok(vec![Event::HandlerAssigned(HandlerAssigned {
        stage,
        staff: c.staff,
        team: c.team,
        role: c.role,
        assigned_on: ctx.today,
    })])
}

/// R-S3-3 with independence: who takes Stage 3 of this complaint. The
/// Corporate Compliance Manager, unless they decided an earlier stage
/// (held it or recorded its outcome, e.g. a Stage 2 outcome they recorded
/// for the manager); then the nominated deputy (`STAGE3_DEPUTY`), so
/// Stage 3 never waits for someone the procedure bars from it. The refusal
/// says who is barred, and names the deputy or says none is configured.
pub(super) fn stage3_taker(state: &Complaint, ctx: &Context) -> Result<StaffId, Refusal> {
    let ccm = &ctx.policy.compliance_manager;
    let Some(decided) = decided_by(state, ccm) else {
        return Ok(ccm.clone());
    };
    match &ctx.policy.stage3_deputy {
        Some(deputy) => match decided_by(state, deputy) {
            None => Ok(deputy.clone()),
            Some(also) => Err(Refusal::invalid(
                "R-S3-3",
                "staff",
                format!(
                    "the Corporate Compliance Manager ({ccm}) decided {decided} and the nominated \
                     Stage 3 deputy ({deputy}) decided {also} of this complaint; Stage 3 goes to \
                     someone independent of both: nominate another deputy (STAGE3_DEPUTY)"
                ),
            )),
        },
        None => Err(Refusal::invalid(
            "R-S3-3",
            "staff",
            format!(
                "the Corporate Compliance Manager ({ccm}) decided {decided} of this complaint, so \
                 independence bars them from Stage 3, and no Stage 3 deputy is configured \
                 (STAGE3_DEPUTY)"
            ),
        )),
    }
}

/// Independence (R-S2-3, R-S3-3): the stage `staff` decided, if any. A
/// stage with an outcome was decided both by whoever held it when the
/// outcome was recorded and by whoever recorded the outcome (a team-mate or
/// manager recording it for the handler); neither may take a later stage
/// of the same complaint (the ombudsman standard of a fresh pair of eyes;
/// Ofqual asks for decision-makers without a personal interest).
fn decided_by(state: &Complaint, staff: &StaffId) -> Option<Stage> {
    state
        .stages
        .values()
        .filter_map(|r| r.outcome.as_ref().map(|outcome| (r, outcome)))
        .find(|(r, outcome)| {
            let held = r.handler.as_ref().is_some_and(|h| &h.staff == staff);
            held || outcome.recorded_by.as_ref() == Some(staff)
        })
        .map(|(r, _)| r.stage)
}

fn allocation_rule(stage: Stage) -> &'static str {
    match stage {
        Stage::One => "R-S1-1",
        Stage::Two => "R-S2-3",
        Stage::Three => "R-S3-3",
    }
}

/// Records a contact (R-INT-9). The first contact after a written
/// submission meets the first-contact deadline (R-S1-1).
pub(super) fn record_contact(
    state: &Complaint,
    c: RecordContact,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    if c.at > ctx.now {
        return Err(Refusal::invalid(
            "R-INT-9",
            "at",
            format!("{} is in the future", c.at),
        ));
    }
    if let Some(opened) = state.opened.as_ref().filter(|o| c.at < o.received_at) {
        return Err(Refusal::invalid(
            "R-INT-9",
            "at",
            format!(
                "{} is before the complaint was received ({})",
                c.at, opened.received_at
            ),
        ));
    }
    let met = meet(state, DeadlineKind::FirstContact, calendar::uk_date(c.at));
    let contact = Event::ContactRecorded(ContactRecorded {
        at: c.at,
        method: c.method,
        summary: c.summary,
    });
    Ok(std::iter::once(contact).chain(met).collect())
}

/// R-S1-2: records the Stage 1 response timescale agreed with the
/// complainant, once; a later change is an update with a revised timescale.
pub(super) fn agree_timescale(
    state: &Complaint,
    c: AgreeTimescale,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    if stage != Stage::One {
        return Err(Refusal::precondition(
            "R-S1-2",
            format!("a response timescale is agreed at Stage 1; the complaint is at {stage}"),
        ));
    }
    if state.current_record().is_some_and(|r| r.outcome.is_some()) {
        return Err(Refusal::precondition(
            "R-S1-2",
            "the Stage 1 outcome has already been recorded",
        ));
    }
    if let Some(agreed) = &state.agreed_timescale {
        return Err(Refusal::precondition(
            "R-S1-2",
            format!(
                "a timescale was already agreed on {} (due {}); record an update with a revised timescale instead",
                agreed.agreed_on, agreed.due_on
            ),
        ));
    }
    if c.due_on <= ctx.today {
        return Err(Refusal::invalid(
            "R-S1-2",
            "due_on",
            format!("{} must be after today ({})", c.due_on, ctx.today),
        ));
    }
    Ok(vec![
        Event::TimescaleAgreed(TimescaleAgreed {
            due_on: c.due_on,
            agreed_on: ctx.today,
        }),
        Event::DeadlineSet(DeadlineSet {
            kind: DeadlineKind::AgreedTimescale,
            due_on: c.due_on,
            set_on: ctx.today,
        }),
    ])
}

/// Records an update to the complainant while a stage's response is
/// pending, perhaps with a revised date for it: regular updates at Stage 1
/// (R-S1-2), a likely delay at Stage 2 (R-S2-4), a longer investigation at
/// Stage 3 (R-S3-5).
pub(super) fn record_update(
    state: &Complaint,
    c: RecordUpdate,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    let (rule, kind) = match stage {
        Stage::One => ("R-S1-2", DeadlineKind::AgreedTimescale),
        Stage::Two => ("R-S2-4", DeadlineKind::Stage2Response),
        Stage::Three => ("R-S3-5", DeadlineKind::Stage3Response),
    };
    if state.current_record().is_some_and(|r| r.outcome.is_some()) {
        return Err(Refusal::precondition(
            rule,
            format!("the {stage} outcome has already been recorded; no response is pending"),
        ));
    }
    let mut extension = None;
    if let Some(revised) = c.revised_due_on {
        let Some(deadline) = state.live_deadline(kind) else {
            return Err(Refusal::precondition(
                rule,
                format!("there is no {kind} date to revise; agree a timescale first"),
            ));
        };
        if revised <= deadline.due_on || revised <= ctx.today {
            return Err(Refusal::invalid(
                rule,
                "revised_due_on",
                format!(
                    "{revised} must be later than the current date {} and than today ({})",
                    deadline.due_on, ctx.today
                ),
            ));
        }
        extension = Some(Event::DeadlineExtended(DeadlineExtended {
            kind,
            previous_due_on: deadline.due_on,
            due_on: revised,
            reason: c.reason.clone(),
            extended_on: ctx.today,
        }));
    }
    let update = Event::UpdateRecorded(UpdateRecorded {
        stage,
        reason: c.reason,
        revised_due_on: c.revised_due_on,
        recorded_on: ctx.today,
    });
    Ok(std::iter::once(update).chain(extension).collect())
}

/// R-S1-3: Stage 1 staff refer the matter to their line manager before the
/// Stage 1 outcome; this counts as Stage 2, so the manager now deals with it
/// (R-S2-3) and the Stage 2 response deadline starts (R-S2-4). The agreed
/// Stage 1 timescale no longer applies.
pub(super) fn refer_to_line_manager(
    state: &Complaint,
    c: ReferToLineManager,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let stage = current_stage(state);
    if stage != Stage::One {
        return Err(Refusal::precondition(
            "R-S1-3",
            format!("only a Stage 1 complaint is referred to the line manager; it is at {stage}"),
        ));
    }
    if state.current_record().is_some_and(|r| r.outcome.is_some()) {
        return Err(Refusal::precondition(
            "R-S1-3",
            "the Stage 1 outcome has been recorded; the complainant may now ask for Stage 2",
        ));
    }
    let referred = Event::ReferredToLineManager(ReferredToLineManager {
        manager: c.manager,
        team: c.team,
        referred_on: ctx.today,
    });
    let deadline = deadline_after(
        DeadlineKind::Stage2Response,
        ctx.today,
        ctx.policy.stage2_response,
        ctx,
    );
    let withdrawn = withdraw(state, DeadlineKind::AgreedTimescale, ctx);
    Ok([referred, deadline].into_iter().chain(withdrawn).collect())
}
