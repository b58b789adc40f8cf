//! The work queue, one complaint, its history, and the staff commands that
//! answer with the complaint as it now stands.

use super::today;
use crate::cli::{AssignArgs, EscalateArgs, OutcomeArgs, QueueArgs};
use crate::clients::Clients;
use crate::error::Error;
use crate::names::{self, plain};
use crate::output::{self, Output, Table, fields};
use crate::parse::pb_date;
use complaints_proto::v1 as pb;
use serde_json::{Value, json};

fn command(reference: String, user: String) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference,
        acting_user: user,
        expected_version: None,
    })
}

pub async fn queue(clients: &Clients, args: QueueArgs) -> Result<Output, Error> {
    let mut complaints = clients.complaints()?;
    let mut items = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = complaints
            .list_work_queue(pb::ListWorkQueueRequest {
                stage: args.stage.map_or(pb::Stage::Unspecified, Into::into) as i32,
                handler: args.handler.clone().unwrap_or_default(),
                team: args.team.clone().unwrap_or_default(),
                overdue: args.overdue,
                due_within_working_days: args.due_within.unwrap_or(0),
                page_size: 200,
                page_token,
                ..Default::default()
            })
            .await
            .map_err(Error::from("complaints"))?
            .into_inner();
        items.extend(page.items);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let mut table = Table::new(&[
        "REFERENCE",
        "STAGE",
        "HANDLER",
        "TEAM",
        "NEXT DEADLINE",
        "DUE",
        "OVERDUE",
        "CATEGORY",
    ]);
    for i in &items {
        table.row(vec![
            i.reference.clone(),
            plain(names::stage(i.stage)),
            i.handler.clone(),
            i.team.clone(),
            plain(names::deadline_kind(i.next_deadline)),
            output::date(i.next_due_on.as_ref()),
            output::yes(i.overdue),
            i.query_category.clone(),
        ]);
    }
    let json = Value::Array(
        items
            .iter()
            .map(|i| {
                json!({
                    "reference": i.reference,
                    "stage": names::stage(i.stage),
                    "handler": i.handler,
                    "team": i.team,
                    "query_category": i.query_category,
                    "next_deadline": names::deadline_kind(i.next_deadline),
                    "next_due_on": output::date_json(i.next_due_on.as_ref()),
                    "overdue": i.overdue,
                })
            })
            .collect(),
    );
    Ok(Output::new(json, table.render()))
}

pub async fn show(clients: &Clients, reference: &str) -> Result<Output, Error> {
    let view = clients
        .complaints()?
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.to_owned(),
        })
        .await
        .map_err(Error::from("complaints"))?
        .into_inner();
    Ok(complaint(&view))
}

/// A complaint as it stands: its fields, then its deadlines, outcomes and
/// actions as tables.
pub fn complaint(v: &pb::ComplaintView) -> Output {
    let deadlines: Vec<Value> = v
        .deadlines
        .iter()
        .map(|d| {
            json!({
                "kind": names::deadline_kind(d.kind),
                "stage": names::stage(d.stage),
                "due_on": output::date_json(d.due_on.as_ref()),
                "met_on": output::date_json(d.met_on.as_ref()),
                "approaching": d.approaching,
                "missed": d.missed,
            })
        })
        .collect();
    let outcomes: Vec<Value> = v
        .outcomes
        .iter()
        .map(|o| {
            json!({
                "stage": names::stage(o.stage),
                "decision": names::decision(o.decision),
                "issued_on": output::date_json(o.issued_on.as_ref()),
                "escalation_window_ends_on": output::date_json(o.escalation_window_ends_on.as_ref()),
            })
        })
        .collect();
    let json = json!({
        "reference": v.reference,
        "submission_id": v.submission_id,
        "stage": names::stage(v.stage),
        "closed": v.closed,
        "closure": names::closure(v.closure),
        "handler": v.handler,
        "team": v.team,
        "role": names::handler_role(v.role),
        "channel": names::channel(v.channel),
        "query_category": v.query_category,
        "received_at": output::time_json(v.received_at.as_ref()),
        "qualification_code": v.qualification_code,
        "regulated": v.regulated,
        "contact_restricted": v.contact_restricted,
        "restriction_review_on": output::date_json(v.restriction_review_on.as_ref()),
        "new_issues_awaiting_decision": v.new_issues_awaiting_decision,
        "raised_from": v.raised_from,
        "new_complaints": v.new_complaints,
        "version": v.version,
        "deadlines": deadlines,
        "outcomes": outcomes,
        "actions": actions_json(&v.actions),
    });
    let closed = if v.closed {
        format!("yes ({})", plain(names::closure(v.closure)))
    } else {
        String::new()
    };
    let mut text = fields(&[
        ("reference", v.reference.clone()),
        ("submission", v.submission_id.clone()),
        ("stage", plain(names::stage(v.stage))),
        ("closed", closed),
        ("handler", v.handler.clone()),
        ("team", v.team.clone()),
        ("role", plain(names::handler_role(v.role))),
        ("channel", plain(names::channel(v.channel))),
        ("category", v.query_category.clone()),
        ("received at", output::time(v.received_at.as_ref())),
        ("qualification", v.qualification_code.clone()),
        ("contact restricted", output::yes(v.contact_restricted)),
        // Labels no wider than "contact restricted", so the values stay
        // where scripts reading the table expect them.
        (
            "restriction review",
            output::date(v.restriction_review_on.as_ref()),
        ),
        (
            "new issues waiting",
            output::yes(v.new_issues_awaiting_decision),
        ),
        ("version", v.version.to_string()),
    ]);
    if !v.deadlines.is_empty() {
        let mut table = Table::new(&["DEADLINE", "STAGE", "DUE", "MET", "APPROACHING", "MISSED"]);
        for d in &v.deadlines {
            table.row(vec![
                plain(names::deadline_kind(d.kind)),
                plain(names::stage(d.stage)),
                output::date(d.due_on.as_ref()),
                output::date(d.met_on.as_ref()),
                output::yes(d.approaching),
                output::yes(d.missed),
            ]);
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    if !v.outcomes.is_empty() {
        let mut table = Table::new(&["OUTCOME", "DECISION", "ISSUED", "ESCALATE BY"]);
        for o in &v.outcomes {
            table.row(vec![
                plain(names::stage(o.stage)),
                plain(names::decision(o.decision)),
                output::date(o.issued_on.as_ref()),
                output::date(o.escalation_window_ends_on.as_ref()),
            ]);
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    if !v.actions.is_empty() {
        text.push('\n');
        text.push_str(&actions_table(&v.actions));
    }
    Output::new(json, text)
}

pub fn actions_json(actions: &[pb::ActionView]) -> Value {
    Value::Array(
        actions
            .iter()
            .map(|a| {
                json!({
                    "action_id": a.action_id,
                    "kind": names::action_kind(a.kind),
                    "description": a.description,
                    "owner": a.owner,
                    "due_on": output::date_json(a.due_on.as_ref()),
                    "completed_on": output::date_json(a.completed_on.as_ref()),
                })
            })
            .collect(),
    )
}

pub fn actions_table(actions: &[pb::ActionView]) -> String {
    let mut table = Table::new(&["ACTION", "KIND", "OWNER", "DUE", "COMPLETED", "DESCRIPTION"]);
    for a in actions {
        table.row(vec![
            a.action_id.to_string(),
            plain(names::action_kind(a.kind)),
            a.owner.clone(),
            output::date(a.due_on.as_ref()),
            output::date(a.completed_on.as_ref()),
            a.description.clone(),
        ]);
    }
    table.render()
}

pub async fn history(clients: &Clients, reference: &str, evidence: bool) -> Result<Output, Error> {
    let mut complaints = clients.complaints()?;
    let request = pb::GetHistoryRequest {
        reference: reference.to_owned(),
    };
    let history = if evidence {
        complaints.export_evidence(request).await
    } else {
        complaints.get_history(request).await
    }
    .map_err(Error::from("complaints"))?
    .into_inner();
    let mut table = Table::new(&["#", "OCCURRED", "EVENT", "ACTOR", "TRACE ID", "SUMMARY"]);
    for e in &history.entries {
        table.row(vec![
            e.version.to_string(),
            output::time(e.occurred_at.as_ref()),
            short_type(&e.event_type).to_owned(),
            e.actor.clone(),
            e.trace_id.clone(),
            e.summary.clone(),
        ]);
    }
    let entries: Vec<Value> = history
        .entries
        .iter()
        .map(|e| {
            json!({
                "version": e.version,
                "event_type": e.event_type,
                "recorded_at": output::time_json(e.recorded_at.as_ref()),
                "occurred_at": output::time_json(e.occurred_at.as_ref()),
                "actor": e.actor,
                "summary": e.summary,
                "event_id": e.event_id,
                "correlation_id": e.correlation_id,
                "trace_id": e.trace_id,
            })
        })
        .collect();
    let json = json!({ "reference": history.reference, "entries": entries });
    Ok(Output::new(json, table.render()))
}

/// `complaints.v1.ComplaintOpened` as `ComplaintOpened`.
pub fn short_type(event_type: &str) -> &str {
    event_type.rsplit('.').next().unwrap_or(event_type)
}

pub async fn assign(clients: &Clients, args: AssignArgs) -> Result<Output, Error> {
    let view = clients
        .complaints()?
        .assign_handler(pb::AssignHandlerRequest {
            command: command(args.reference, args.acting.user),
            handler: args.handler,
            team: args.team,
            role: pb::HandlerRole::from(args.role) as i32,
        })
        .await
        .map_err(Error::from("complaints"))?
        .into_inner();
    Ok(complaint(&view))
}

pub async fn outcome(clients: &Clients, args: OutcomeArgs) -> Result<Output, Error> {
    let mut remedies: Vec<pb::RemedyInput> = args
        .remedies
        .into_iter()
        .map(|r| pb::RemedyInput {
            kind: r.kind as i32,
            description: r.description,
            ..Default::default()
        })
        .collect();
    if let (Some(pence), Some(due)) = (args.compensation_pence, args.payment_due) {
        let compensation = remedies
            .iter_mut()
            .find(|r| r.kind == pb::RemedyKind::FinancialCompensation as i32)
            .ok_or_else(|| {
                Error::Invalid(
                    "--compensation-pence needs a --remedy financial-compensation=DESCRIPTION"
                        .into(),
                )
            })?;
        compensation.compensation = Some(pb::Money { pence });
        compensation.expected_payment_on = Some(pb_date(due));
    }
    let view = clients
        .complaints()?
        .record_outcome(pb::RecordOutcomeRequest {
            command: command(args.reference, args.acting.user),
            stage: pb::Stage::from(args.stage) as i32,
            decision: pb::Decision::from(args.decision) as i32,
            findings: args.findings,
            remedies,
            assessment_failure_found: args.assessment_failure,
            identify_affected_learners: args.identify_affected.map(|a| a.into_pb()),
            correct_or_mitigate: args.correct_or_mitigate.map(|a| a.into_pb()),
            prevent_recurrence: args.prevent_recurrence.map(|a| a.into_pb()),
        })
        .await
        .map_err(Error::from("complaints"))?
        .into_inner();
    Ok(complaint(&view))
}

pub async fn escalate(clients: &Clients, args: EscalateArgs) -> Result<Output, Error> {
    let view = clients
        .complaints()?
        .request_escalation(pb::RequestEscalationRequest {
            command: command(args.reference, args.acting.user),
            to_stage: pb::Stage::from(args.to) as i32,
            grounds: args
                .grounds
                .into_iter()
                .map(|g| pb::Grounds::from(g) as i32)
                .collect(),
            reasons: args.reasons,
            outcome_sought: args.outcome_sought.unwrap_or_default(),
            received_on: Some(pb_date(args.received_on.unwrap_or_else(today))),
            link_token: String::new(),
        })
        .await
        .map_err(Error::from("complaints"))?
        .into_inner();
    Ok(complaint(&view))
}
