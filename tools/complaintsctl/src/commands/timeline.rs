//! `timeline REF`: one complaint through all four services in time order,
//! each step with the trace id it was recorded in, so an operator can go
//! from any step to its whole trace.
//!
//! - intake: the submission the complaint was opened from (its history);
//! - complaints: every event of the complaint (its history);
//! - notifications: every letter, at the time it was queued;
//! - reporting: every event the anonymised log applied, at the time it did.
//!
//! Each service dates its own steps; they run on one clock in a
//! deployment, so the merged order is the order things happened.

use super::complaint::short_type;
use crate::clients::Clients;
use crate::error::Error;
use crate::names::{self, plain};
use crate::output::{self, Output, Table};
use chrono::{DateTime, Utc};
use complaints_proto::v1 as pb;
use serde_json::{Value, json};

/// One step of the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub service: &'static str,
    pub step: String,
    pub detail: String,
    pub trace_id: String,
}

/// NOT_FOUND from a service that has nothing for the reference yet means
/// no steps there, not a failure.
fn or_empty<T: Default>(
    service: &'static str,
    answer: Result<tonic::Response<T>, tonic::Status>,
) -> Result<T, Error> {
    match answer {
        Ok(response) => Ok(response.into_inner()),
        Err(status) if status.code() == tonic::Code::NotFound => Ok(T::default()),
        Err(status) => Err(Error::Grpc { service, status }),
    }
}

pub async fn steps(clients: &Clients, reference: &str) -> Result<(String, Vec<Step>), Error> {
    let mut complaints = clients.complaints()?;
    let view = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.to_owned(),
        })
        .await
        .map_err(Error::from("complaints"))?
        .into_inner();
    let history = complaints
        .get_history(pb::GetHistoryRequest {
            reference: reference.to_owned(),
        })
        .await
        .map_err(Error::from("complaints"))?
        .into_inner();
    let submission = or_empty(
        "intake",
        clients
            .intake()?
            .get_submission_history(pb::GetSubmissionRequest {
                submission_id: view.submission_id.clone(),
            })
            .await,
    )?;
    let letters = or_empty(
        "notifications",
        clients
            .notifications()?
            .list_correspondence(pb::ListCorrespondenceRequest {
                reference: reference.to_owned(),
            })
            .await,
    )?;
    let log = or_empty(
        "reporting",
        clients
            .reporting()?
            .get_log_timeline(pb::GetLogTimelineRequest {
                reference: reference.to_owned(),
            })
            .await,
    )?;

    let mut steps = Vec::new();
    let mut push = |at: Option<&prost_types::Timestamp>, service, step, detail, trace_id| {
        if let Some(at) = output::utc(at) {
            steps.push(Step {
                at,
                service,
                step,
                detail,
                trace_id,
            });
        }
    };
    for e in submission.entries {
        let detail = format!("{} {}", submission.reference, e.actor);
        push(
            e.occurred_at.as_ref(),
            "intake",
            short_type(&e.event_type).to_owned(),
            detail,
            e.trace_id,
        );
    }
    for e in history.entries {
        push(
            e.occurred_at.as_ref(),
            "complaints",
            short_type(&e.event_type).to_owned(),
            e.summary,
            e.trace_id,
        );
    }
    for c in letters.items {
        let to = match plain(names::recipient_kind(c.recipient_kind)) {
            staff if !c.recipient_staff_id.is_empty() => {
                format!("{staff} {}", c.recipient_staff_id)
            }
            kind => kind,
        };
        let detail = format!(
            "to {to} by {}: {}",
            plain(names::delivery_channel(c.channel)),
            c.status
        );
        push(
            c.queued_at.as_ref(),
            "notifications",
            format!("letter {}", c.template),
            detail,
            c.trace_id,
        );
    }
    for e in log.entries {
        let detail = format!("{} from {}", e.facts.join(", "), e.source);
        push(
            e.applied_at.as_ref(),
            "reporting",
            format!("applied {}", short_type(&e.event_type)),
            detail,
            e.trace_id,
        );
    }
    // Stable: steps at the same instant keep their order within a service.
    steps.sort_by_key(|s| s.at);
    Ok((view.submission_id, steps))
}

pub async fn run(clients: &Clients, reference: &str) -> Result<Output, Error> {
    let (submission_id, steps) = steps(clients, reference).await?;
    let mut table = Table::new(&["TIME", "SERVICE", "STEP", "TRACE ID", "DETAIL"]);
    for s in &steps {
        table.row(vec![
            output::rfc3339(s.at),
            s.service.to_owned(),
            s.step.clone(),
            s.trace_id.clone(),
            s.detail.clone(),
        ]);
    }
    let json = json!({
        "reference": reference,
        "submission_id": submission_id,
        "steps": steps.iter().map(|s| json!({
            "at": output::rfc3339(s.at),
            "service": s.service,
            "step": s.step,
            "detail": s.detail,
            "trace_id": s.trace_id,
        })).collect::<Vec<Value>>(),
    });
    Ok(Output::new(json, table.render()))
}
