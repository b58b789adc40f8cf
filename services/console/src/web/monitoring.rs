//! Monitoring (R-MON-1, R-MON-2): what the Head of Customer Experience,
//! the Customer Service Managers and the Corporate Compliance Manager see
//! of every open complaint: each one with its next deadline, the deadlines
//! missed, and the improvement and follow-up actions overdue.
//!
//! The complaints service lists open complaints (`ListWorkQueue`, every
//! team's for a monitor) and gives each complaint's actions
//! (`GetComplaint`); no contract lists actions across complaints, so the
//! overdue actions here are those of open complaints. The reporting
//! service's figures count actions open and overdue over closed complaints
//! too, and deadlines missed and met by kind, for the roles it serves.

use super::{Shared, Staff, value};
use crate::error::CallError;
use crate::present::{self, Deadline, DeadlineState};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use minijinja::context;
use platform::auth::Role;
use serde::Serialize;

/// R-MON-1: the people who monitor complaints.
pub const MAY_USE: &[Role] = &[
    Role::HeadOfCustomerExperience,
    Role::CustomerServiceManager,
    Role::ComplianceManager,
];

pub fn routes() -> Router<Shared> {
    Router::new().route("/monitoring", get(monitoring))
}

/// Rows asked for per page, and the most pages read for one view.
const PAGE_SIZE: u32 = 200;
const MAX_PAGES: usize = 25;
/// Complaints read at once for their actions.
const AT_ONCE: usize = 8;

#[derive(Debug, Serialize)]
struct Row {
    reference: String,
    stage: &'static str,
    handler: String,
    team: String,
    deadline: Option<Deadline>,
}

#[derive(Debug, Serialize)]
struct OverdueAction {
    reference: String,
    id: u32,
    kind: &'static str,
    description: String,
    owner: String,
    due_on: String,
    due_iso: String,
}

#[derive(Debug, Serialize)]
struct Missed {
    kind: &'static str,
    met: u64,
    missed: u64,
}

/// Every open complaint the person may see, page after page.
async fn open_complaints(
    app: &Shared,
    staff: &Staff,
) -> Result<(Vec<pb::WorkItem>, bool), tonic::Status> {
    let mut client = app.services.complaints(&staff.person.token);
    let mut items = Vec::new();
    let mut page_token = String::new();
    for _ in 0..MAX_PAGES {
        let answer = client
            .list_work_queue(pb::ListWorkQueueRequest {
                page_size: PAGE_SIZE,
                page_token: page_token.clone(),
                ..Default::default()
            })
            .await?
            .into_inner();
        items.extend(answer.items);
        if answer.next_page_token.is_empty() {
            return Ok((items, false));
        }
        page_token = answer.next_page_token;
    }
    Ok((items, true))
}

/// R-MON-2: the overdue actions of `references`, read a few at a time;
/// with the references whose reading was refused, and why.
async fn overdue_actions(
    app: &Shared,
    staff: &Staff,
    references: Vec<String>,
    today: NaiveDate,
) -> (Vec<OverdueAction>, Vec<String>) {
    let client = app.services.complaints(&staff.person.token);
    let mut overdue = Vec::new();
    let mut problems = Vec::new();
    for chunk in references.chunks(AT_ONCE) {
        let mut reads = tokio::task::JoinSet::new();
        for reference in chunk {
            let mut client = client.clone();
            let reference = reference.clone();
            reads.spawn(async move {
                let answer = client
                    .get_complaint(pb::GetComplaintRequest {
                        reference: reference.clone(),
                    })
                    .await;
                (reference, answer)
            });
        }
        while let Some(joined) = reads.join_next().await {
            let Ok((reference, answer)) = joined else {
                continue;
            };
            match answer {
                Ok(view) => {
                    for a in view.into_inner().actions {
                        let due = present::date(a.due_on.as_ref());
                        let done = present::date(a.completed_on.as_ref()).is_some();
                        if let Some(due) = due.filter(|d| *d < today && !done) {
                            overdue.push(OverdueAction {
                                reference: reference.clone(),
                                id: a.action_id,
                                kind: present::action_kind(a.kind),
                                description: a.description,
                                owner: present::staff(&app.settings.staff, &a.owner),
                                due_on: present::date_words(due),
                                due_iso: due.to_string(),
                            });
                        }
                    }
                }
                Err(status) => problems.push(format!("{reference}: {}", status.message())),
            }
        }
    }
    overdue.sort_by(|a, b| {
        a.due_iso
            .cmp(&b.due_iso)
            .then(a.reference.cmp(&b.reference))
    });
    problems.sort();
    (overdue, problems)
}

/// The reporting service's counts over every complaint received, open or
/// closed; `Err` with the service's reason when the person may not read
/// them.
async fn all_time_figures(
    app: &Shared,
    staff: &Staff,
    today: NaiveDate,
) -> Result<pb::Figures, String> {
    // The longest period reporting answers for: ten years to today.
    let from = today
        .checked_sub_months(chrono::Months::new(120))
        .and_then(|d| d.succ_opt())
        .unwrap_or(today);
    app.services
        .reporting(&staff.person.token)
        .get_figures(pb::GetFiguresRequest {
            from: Some(present::pb_date(from)),
            to: Some(present::pb_date(today)),
            grouping: pb::Grouping::Quarter as i32,
        })
        .await
        .map(tonic::Response::into_inner)
        .map_err(|status| match CallError::from(status) {
            CallError::Denied(reason)
            | CallError::Refused {
                message: reason, ..
            } => reason,
            _ => "The reporting service did not answer; try again later.".to_owned(),
        })
}

fn missed_by_kind(figures: &pb::Figures) -> Vec<Missed> {
    let mut all: Vec<Missed> = Vec::new();
    for d in figures.groups.iter().flat_map(|g| &g.deadlines) {
        let kind = present::deadline_kind(d.kind);
        match all.iter_mut().find(|m| m.kind == kind) {
            Some(m) => {
                m.met += d.met;
                m.missed += d.missed;
            }
            None => all.push(Missed {
                kind,
                met: d.met,
                missed: d.missed,
            }),
        }
    }
    all
}

async fn monitoring(State(app): State<Shared>, staff: Staff) -> Response {
    let (items, truncated) = match open_complaints(&app, &staff).await {
        Ok(found) => found,
        Err(status) => return app.call_failed(&staff.visit, status.into(), None),
    };
    let today = calendar::uk_date(chrono::Utc::now());
    let references: Vec<String> = items.iter().map(|i| i.reference.clone()).collect();
    let mut rows: Vec<Row> = items
        .into_iter()
        .map(|item| Row {
            deadline: present::date(item.next_due_on.as_ref()).map(|due| {
                Deadline::new(
                    &app.settings.calendar,
                    today,
                    present::deadline_kind(item.next_deadline).to_owned(),
                    due,
                    None,
                    item.overdue,
                    false,
                )
                .awaiting_receipt(item.awaiting_receipt)
            }),
            reference: item.reference,
            stage: present::stage(item.stage),
            handler: present::staff(&app.settings.staff, &item.handler),
            team: item.team,
        })
        .collect();
    rows.sort_by(|a, b| {
        let due = |r: &Row| r.deadline.as_ref().map(|d| d.due_iso.clone());
        match (due(a), due(b)) {
            (Some(x), Some(y)) => x.cmp(&y).then(a.reference.cmp(&b.reference)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.reference.cmp(&b.reference),
        }
    });
    let state = |s: DeadlineState| {
        rows.iter()
            .filter(|r| r.deadline.as_ref().is_some_and(|d| d.state == s))
            .count()
    };
    let (missed_count, approaching_count) = (
        state(DeadlineState::Missed),
        state(DeadlineState::Approaching),
    );
    let missed: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r.deadline
                .as_ref()
                .is_some_and(|d| d.state == DeadlineState::Missed)
        })
        .collect();
    let (actions, problems) = overdue_actions(&app, &staff, references, today).await;
    let figures = all_time_figures(&app, &staff, today).await;
    let (figures, figures_refused) = match figures {
        Ok(f) => (Some(f), None),
        Err(reason) => (None, Some(reason)),
    };
    app.render(
        StatusCode::OK,
        &staff.visit,
        "monitoring.html",
        context! {
            today => present::date_words(today),
            open => rows.len(),
            missed_count => missed_count,
            approaching_count => approaching_count,
            missed => value(&missed),
            rows => value(&rows),
            truncated => truncated,
            actions => value(&actions),
            problems => problems,
            all_actions_open => figures.as_ref().map(|f| f.actions_open),
            all_actions_overdue => figures.as_ref().map(|f| f.actions_overdue),
            missed_by_kind => figures.as_ref().map(|f| value(&missed_by_kind(f))),
            figures_refused => figures_refused,
        },
    )
}
