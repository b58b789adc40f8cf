//! Folding facts into a record (R-MON-3).
//!
//! `apply` is deterministic: the same facts in the same order always give
//! the same record. Where intake and the complaints service both say the
//! same thing (receipt date, channel, category), intake's submission is
//! authoritative and the opening only fills what is still missing, so the
//! result does not depend on which bus delivered first.

use super::fact::Fact;
use super::record::{AnonymisedRecord, DeadlineResult, Stage};
use complaints_proto::v1::{Channel, ClosureKind, DeadlineKind};

/// Applies one fact to a record.
pub fn apply(record: &mut AnonymisedRecord, fact: &Fact) {
    match fact {
        Fact::Submitted {
            received_on,
            channel,
            query_category,
            customer_type,
            third_party,
        } => {
            // Authoritative where it says something; where intake left a
            // field unknown, what the opening said stays (whichever came
            // first).
            record.received_on = Some(*received_on);
            if *channel != Channel::Unspecified {
                record.channel = *channel;
            }
            if !query_category.is_empty() {
                record.query_category.clone_from(query_category);
            }
            record.customer_type.clone_from(customer_type);
            record.third_party = *third_party;
        }
        Fact::Redirected => record.redirected = true,
        Fact::ResolvedOutsideProcedure => record.resolved_outside_procedure = true,
        Fact::DeclinedOutOfTime => record.declined_out_of_time = true,
        Fact::Accepted => record.accepted = true,
        Fact::Opened {
            received_on,
            channel,
            query_category,
            regulated_qualification,
        } => {
            record.received_on.get_or_insert(*received_on);
            if record.channel == Channel::Unspecified {
                record.channel = *channel;
            }
            if record.query_category.is_empty() {
                record.query_category.clone_from(query_category);
            }
            record.regulated_qualification = *regulated_qualification;
            record.accepted = true;
            reach(record, Stage::One);
            record
                .stage_mut(Stage::One)
                .started_on
                .get_or_insert(*received_on);
        }
        Fact::OutcomeRecorded {
            stage,
            decision,
            remedies,
            compensation_pence,
            on,
        } => {
            reach(record, *stage);
            let s = record.stage_mut(*stage);
            s.decision = *decision;
            s.remedies.clone_from(remedies);
            s.remedies.sort();
            s.remedies.dedup();
            // Per stage, not added up: a corrected outcome replaces the
            // first rather than doubling the compensation.
            s.compensation_pence = *compensation_pence;
            s.outcome_on = Some(*on);
        }
        Fact::StageEscalated { to, received_on } => {
            reach(record, *to);
            record.stage_mut(*to).started_on = Some(*received_on);
        }
        Fact::DeadlineMet { kind } => deadline(record, *kind, true),
        Fact::DeadlineMissed { kind } => deadline(record, *kind, false),
        Fact::ActionAdded { id, due_on } => {
            // A completed action stays completed (R-MON-2).
            if !record.completed_actions.contains_key(id) {
                record.open_actions.insert(*id, *due_on);
            }
        }
        Fact::ActionCompleted { id, on } => {
            // Only an action the log saw added is counted as done: its due
            // date says whether it was done late.
            if let Some(due_on) = record.open_actions.remove(id) {
                let late = on.is_some_and(|on| on > due_on);
                record.completed_actions.insert(*id, late);
            }
        }
        Fact::Closed { on, how } => {
            record.closed_on = Some(*on);
            record.closure = Some(*how);
            if *how == ClosureKind::ResolvedOutsideProcedure {
                record.resolved_outside_procedure = true;
            }
        }
    }
}

/// Stages only go up (R-S2-2).
fn reach(record: &mut AnonymisedRecord, stage: Stage) {
    if !record.reached(stage) {
        record.stage_reached = Some(stage);
    }
}

/// Records a service deadline's end. A miss is final: a later "met" makes
/// it `MetLate`, never `Met`. Escalation windows are the complainant's
/// deadline, not the organisation's, so they are no compliance figure.
fn deadline(record: &mut AnonymisedRecord, kind: DeadlineKind, met: bool) {
    if matches!(
        kind,
        DeadlineKind::EscalationWindow | DeadlineKind::Unspecified
    ) {
        return;
    }
    let next = match (record.deadlines.get(&kind).copied(), met) {
        (None, true) => DeadlineResult::Met,
        (None, false) => DeadlineResult::Missed,
        (Some(DeadlineResult::Missed), true) => DeadlineResult::MetLate,
        (Some(current), _) => current,
    };
    record.deadlines.insert(kind, next);
}
