//! Applying one event to a complaint. It never fails: the log is the truth,
//! and an event that finds nothing to change (which `decide` never emits)
//! still counts towards the version.

use super::event::*;
use super::state::{Action, Complaint, Deadline, StageRecord, StageStart, Status};
use super::types::{Role, Stage};

/// The complaint after `event`.
pub fn evolve(mut state: Complaint, event: &Event) -> Complaint {
    state.version += 1;
    match event {
        Event::ComplaintOpened(e) => {
            state.status = Status::Open;
            state.stage = Some(Stage::One);
            state.stages.insert(
                Stage::One,
                StageRecord::new(Stage::One, e.received_on, StageStart::Opened),
            );
            state.opened = Some(e.clone());
        }
        Event::HandlerAssigned(e) => assign(&mut state, e.clone()),
        Event::ContactRecorded(e) => state.contacts.push(e.clone()),
        Event::TimescaleAgreed(e) => state.agreed_timescale = Some(e.clone()),
        Event::UpdateRecorded(e) => state.updates.push(e.clone()),
        Event::ReferredToLineManager(e) => {
            enter(
                &mut state,
                Stage::Two,
                e.referred_on,
                StageStart::ReferredToLineManager,
            );
            assign(
                &mut state,
                HandlerAssigned {
                    stage: Stage::Two,
                    staff: e.manager.clone(),
                    team: e.team.clone(),
                    role: Role::Manager,
                    assigned_on: e.referred_on,
                },
            );
        }
        Event::OutcomeRecorded(e) => {
            if let Some(record) = state.stages.get_mut(&e.stage) {
                record.outcome = Some(e.clone());
            }
        }
        Event::OutcomeReceived(e) => {
            if let Some(record) = state.stages.get_mut(&e.stage) {
                record.outcome_received = Some(e.clone());
            }
        }
        Event::OutcomeReceiptRecorded(e) => {
            if let Some(record) = state.stages.get_mut(&e.stage) {
                record.receipt_by_hand = Some(e.clone());
            }
        }
        Event::StageEscalated(e) => {
            enter(
                &mut state,
                e.to,
                e.escalated_on,
                StageStart::Escalated(e.clone()),
            );
        }
        Event::InvestigationDecided(e) => {
            if let Some(record) = state.stages.get_mut(&Stage::Three) {
                record.investigation = Some(e.clone());
            }
        }
        Event::Stage3Acknowledged(e) => {
            if let Some(record) = state.stages.get_mut(&Stage::Three) {
                record.acknowledged_on = Some(e.acknowledged_on);
            }
        }
        Event::DeadlineSet(e) => {
            let deadline = Deadline {
                kind: e.kind,
                due_on: e.due_on,
                set_on: e.set_on,
                extensions: Vec::new(),
                approaching_marked_on: None,
                missed_marked_on: None,
                met_on: None,
                withdrawn_on: None,
            };
            state.deadlines.insert(e.kind, deadline);
        }
        Event::DeadlineExtended(e) => {
            if let Some(d) = state.deadlines.get_mut(&e.kind) {
                d.due_on = e.due_on;
                d.extensions.push(e.clone());
                // The marks belong to the old due date; the new one is
                // watched afresh.
                d.approaching_marked_on = None;
                d.missed_marked_on = None;
            }
        }
        Event::DeadlineMet(e) => {
            if let Some(d) = state.deadlines.get_mut(&e.kind) {
                d.met_on = Some(e.met_on);
            }
        }
        Event::DeadlineWithdrawn(e) => {
            if let Some(d) = state.deadlines.get_mut(&e.kind) {
                d.withdrawn_on = Some(e.withdrawn_on);
            }
        }
        Event::DeadlineApproaching(e) => {
            if let Some(d) = state.deadlines.get_mut(&e.kind) {
                d.approaching_marked_on = Some(e.marked_on);
            }
        }
        Event::DeadlineMissed(e) => {
            if let Some(d) = state.deadlines.get_mut(&e.kind) {
                d.missed_marked_on = Some(e.marked_on);
            }
        }
        Event::ActionAdded(e) => {
            let action = Action {
                id: e.action,
                kind: e.kind,
                description: e.description.clone(),
                owner: e.owner.clone(),
                due_on: e.due_on,
                added_on: e.added_on,
                reassignments: Vec::new(),
                completed: None,
            };
            state.actions.insert(e.action, action);
        }
        Event::ActionReassigned(e) => {
            if let Some(a) = state.actions.get_mut(&e.action) {
                a.owner = e.owner.clone();
                a.reassignments.push(e.clone());
            }
        }
        Event::ActionCompleted(e) => {
            if let Some(a) = state.actions.get_mut(&e.action) {
                a.completed = Some(e.clone());
            }
        }
        Event::RegulatorReferralRecorded(e) => state.regulator_referrals.push(e.clone()),
        Event::ReferralRightRecorded(e) => state.referral_right = Some(e.clone()),
        Event::ContactRestricted(e) => {
            state.contact_restrictions.push(e.clone());
            state.restriction_in_force = Some(e.clone());
            state.restriction_review_marked_on = None;
        }
        Event::ContactRestrictionLifted(e) => {
            state.restriction_lifts.push(e.clone());
            state.restriction_in_force = None;
            state.restriction_review_marked_on = None;
        }
        Event::RestrictionReviewDue(e) => state.restriction_review_marked_on = Some(e.marked_on),
        Event::DisclosureRecorded(e) => state.disclosures.push(e.clone()),
        Event::InformationPermissionRecorded(e) => state.information_permissions.push(e.clone()),
        Event::ResolvedOutsideProcedure(e) => state.resolution_outside_procedure = Some(e.clone()),
        Event::NewIssuesRaised(e) => state.new_issues.push(e.clone()),
        Event::NewIssuesAwaitingDecision(e) => state.new_issues_awaiting = Some(e.clone()),
        Event::NewIssuesDecided(e) => {
            state.new_issues_awaiting = None;
            state.new_issues_decisions.push(e.clone());
        }
        Event::ComplaintClosed(e) => {
            state.status = Status::Closed {
                how: e.how,
                on: e.closed_on,
            };
        }
    }
    state
}

/// Folds a stream from the complaint not yet opened.
pub fn replay<'e>(events: impl IntoIterator<Item = &'e Event>) -> Complaint {
    events.into_iter().fold(Complaint::default(), evolve)
}

fn enter(state: &mut Complaint, stage: Stage, on: chrono::NaiveDate, start: StageStart) {
    state.stage = Some(stage);
    state
        .stages
        .insert(stage, StageRecord::new(stage, on, start));
}

fn assign(state: &mut Complaint, assignment: HandlerAssigned) {
    if let Some(record) = state.stages.get_mut(&assignment.stage)
        && let Some(previous) = record.handler.replace(assignment)
    {
        record.previous_handlers.push(previous);
    }
}
