//! What the gRPC API shows of a complaint: the complaint as it now stands,
//! its next deadline for the work queue, and one plain line per event for
//! the audit trail. Views carry no personal data (R-MON-1, R-CONF-1): the
//! complainant's details stay with intake and notifications, and of the
//! free text only what the contract asks for (an action's description, and
//! the reasonable adjustments staff must see to honour them, R-ADJ-1) is
//! shown; findings, reasons and contact summaries stay in the stream.

mod summary;

#[cfg(test)]
mod tests;

use crate::domain::state::{Action, Deadline};
use crate::domain::types::{DeadlineKind, Stage};
use crate::domain::{Complaint, Status};
use crate::edge::vocabulary as voc;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use complaints_proto::v1 as pb;

pub use summary::summary;

/// The complaint as it now stands (no personal data).
pub fn complaint_view(state: &Complaint) -> pb::ComplaintView {
    let opened = state.opened.as_ref();
    let handler = state.current_record().and_then(|r| r.handler.as_ref());
    let qualification = state.qualification();
    let closure = match state.status {
        Status::Closed { how, .. } => voc::to_closure_kind(how),
        Status::NotOpened | Status::Open => pb::ClosureKind::Unspecified,
    };
    pb::ComplaintView {
        reference: text_of(state.reference()),
        submission_id: text_of(opened.map(|o| o.submission_id)),
        stage: state.stage.map_or(pb::Stage::Unspecified, voc::to_stage) as i32,
        closed: state.is_closed(),
        closure: closure as i32,
        handler: text_of(handler.map(|h| &h.staff)),
        team: text_of(handler.map(|h| &h.team)),
        role: handler.map_or(pb::HandlerRole::Unspecified, |h| voc::to_role(h.role)) as i32,
        channel: opened.map_or(pb::Channel::Unspecified, |o| voc::to_channel(o.channel)) as i32,
        query_category: text_of(opened.map(|o| &o.query_category)),
        received_at: opened.map(|o| timestamp(o.received_at)),
        deadlines: deadline_views(state),
        outcomes: outcome_views(state),
        actions: state.actions.values().map(action_view).collect(),
        qualification_code: text_of(qualification.and_then(|q| q.code())),
        regulated: qualification.is_some_and(|q| q.is_regulated()),
        contact_restricted: state.contact_restriction().is_some(),
        raised_from: text_of(opened.and_then(|o| o.raised_from)),
        new_complaints: (state.new_issues.iter())
            .map(|n| n.new_reference.to_string())
            .collect(),
        version: state.version,
        restriction_review_on: state.contact_restriction().map(|r| date(r.review_on)),
        new_issues_awaiting_decision: state.new_issues_awaiting.is_some(),
        adjustments: (opened.and_then(|o| o.adjustments.as_deref()))
            .map(crate::domain::codec::adjustments::to_proto),
    }
}

/// The earliest live deadline, for the work queue: (kind, due date, overdue
/// as of `today`). A closed complaint is off the queue, whatever deadline
/// it still holds.
pub fn next_deadline(
    state: &Complaint,
    today: NaiveDate,
) -> Option<(DeadlineKind, NaiveDate, bool)> {
    if state.status != Status::Open {
        return None;
    }
    state
        .live_deadlines()
        .min_by_key(|d| (d.due_on, d.kind))
        .map(|d| {
            (
                d.kind,
                d.due_on,
                today > d.due_on && !awaits_receipt(state, d.kind),
            )
        })
}

/// R-S2-1, R-S3-1: an escalation window whose outcome has not yet been
/// reported received is open whatever its expected end, so never overdue.
pub fn awaits_receipt(state: &Complaint, kind: DeadlineKind) -> bool {
    match kind {
        DeadlineKind::EscalationWindow(stage) => state
            .stage_record(stage)
            .is_some_and(|r| r.outcome_received_on().is_none()),
        _ => false,
    }
}

/// Proto value of a domain deadline kind (and the stage for an escalation
/// window), for DeadlineView and WorkItem.
pub fn deadline_kind(kind: DeadlineKind) -> (pb::DeadlineKind, pb::Stage) {
    voc::to_deadline_kind(kind)
}

/// A date on the wire.
pub(crate) fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

fn timestamp(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// The text of an optional value; proto3 says "none" with the empty string.
fn text_of(value: Option<impl ToString>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// Every deadline set, in the procedure's order, but for those withdrawn:
/// they no longer apply and the view has no way to say so.
fn deadline_views(state: &Complaint) -> Vec<pb::DeadlineView> {
    (state.deadlines.values())
        .filter(|d| d.withdrawn_on.is_none())
        .map(|d| deadline_view(d, d.is_live() && awaits_receipt(state, d.kind)))
        .collect()
}

/// Approaching while live and marked for its current due date; missed when
/// the watcher marked it so, or when it was met after its due date.
fn deadline_view(d: &Deadline, awaiting_receipt: bool) -> pb::DeadlineView {
    let (kind, stage) = voc::to_deadline_kind(d.kind);
    let met_late = d.met_on.is_some_and(|on| on > d.due_on);
    let missed = d.missed_marked_on.is_some() || met_late;
    pb::DeadlineView {
        kind: kind as i32,
        stage: stage as i32,
        due_on: Some(date(d.due_on)),
        met_on: d.met_on.map(date),
        approaching: d.is_live() && !missed && d.approaching_marked_on.is_some(),
        missed,
        awaiting_receipt,
    }
}

/// Each stage's outcome, Stage 1 first. The escalation window ends when its
/// deadline is now due, which an extension may have moved past the date
/// the outcome gave.
fn outcome_views(state: &Complaint) -> Vec<pb::OutcomeView> {
    let window_end = |stage: Stage| {
        let deadline = state.deadlines.get(&DeadlineKind::EscalationWindow(stage));
        deadline.map(|d| d.due_on)
    };
    (state.stages.values())
        .filter_map(|r| r.outcome.as_ref())
        .map(|o| pb::OutcomeView {
            stage: voc::to_stage(o.stage) as i32,
            decision: voc::to_decision(o.decision) as i32,
            issued_on: Some(date(o.issued_on)),
            escalation_window_ends_on: (window_end(o.stage).or(o.escalation_window_ends_on))
                .map(date),
            remedies: o.remedies.iter().map(remedy_view).collect(),
            received_on: (state.stage_record(o.stage))
                .and_then(|r| r.outcome_received_on())
                .map(date),
        })
        .collect()
}

/// R-OUT-1, R-OUT-2: a remedy and the date by which it will be done.
fn remedy_view(r: &crate::domain::types::Remedy) -> pb::RemedyView {
    let compensation = r.compensation();
    pb::RemedyView {
        kind: voc::to_remedy_kind(r.kind()) as i32,
        description: r.description().to_string(),
        compensation: compensation.map(|c| pb::Money {
            pence: i64::try_from(c.amount.pence()).unwrap_or(i64::MAX),
        }),
        expected_payment_on: compensation.map(|c| date(c.expected_payment_on)),
        done_by: r.done_by().map(date),
        action_id: r.action().map_or(0, |a| a.get()),
    }
}

fn action_view(a: &Action) -> pb::ActionView {
    pb::ActionView {
        action_id: a.id.get(),
        kind: voc::to_action_kind(a.kind) as i32,
        description: a.description.to_string(),
        owner: a.owner.to_string(),
        due_on: Some(date(a.due_on)),
        completed_on: a.completed.as_ref().map(|c| date(c.completed_on)),
    }
}
