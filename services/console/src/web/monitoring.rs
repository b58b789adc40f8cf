//! Monitoring (R-MON-1, R-MON-2): what the Head of Customer Experience,
//! the Customer Service Managers and the Corporate Compliance Manager see
//! of every open complaint: each one with its next deadline, the deadlines
//! missed, and the improvement and follow-up actions overdue.
//!
//! One view costs three calls, whatever the number of complaints: one page
//! of the work queue with its counts over every open complaint
//! (`ListWorkQueue`), the first page of the actions overdue across
//! complaints (`ListOverdueActions`, from the complaints service's read
//! model) and the reporting service's figures; the three run at once. The
//! open complaints page on with links; the page tokens in them are dates
//! and references, no personal data.

use super::{Fields, Shared, Staff, value};
use crate::error::CallError;
use crate::present::{self, Deadline, DeadlineState};
use axum::Router;
use axum::extract::{RawQuery, State};
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

/// Open complaints shown per view, and overdue actions.
const PAGE_SIZE: u32 = 100;
const ACTIONS_SHOWN: u32 = 50;
/// The earlier pages a link remembers for "Previous page"; past this the
/// oldest are forgotten and the first page is a link of its own.
const TRAIL: usize = 100;

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
}

#[derive(Debug, Serialize)]
struct Missed {
    kind: &'static str,
    met: u64,
    missed: u64,
}

/// Where the view is in the open complaints and the overdue actions, from
/// the query string: page tokens the complaints service gave out, and the
/// tokens of the pages before this one (an empty one is the first page).
#[derive(Debug, Default)]
struct Place {
    page: String,
    trail: Vec<String>,
    actions: String,
}

/// A page token as a link may carry it: printable ASCII, bounded.
fn token(raw: &str) -> String {
    raw.chars()
        .filter(|c| c.is_ascii_graphic() && *c != ',')
        .take(200)
        .collect()
}

impl Place {
    fn parse(query: &Fields) -> Self {
        // Present but empty is a trail of one: the first page.
        let trail: Vec<String> = match query.get_opt("trail") {
            None => Vec::new(),
            Some(raw) => raw.split(',').map(token).collect(),
        };
        let skip = trail.len().saturating_sub(TRAIL);
        Self {
            page: token(query.get("page")),
            trail: trail.into_iter().skip(skip).collect(),
            actions: token(query.get("actions")),
        }
    }

    fn link(page: &str, trail: &[String]) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("page", page);
        if !trail.is_empty() {
            query.append_pair("trail", &trail.join(","));
        }
        format!("/monitoring?{}", query.finish())
    }

    /// The link to the page after this one, given its token.
    fn next(&self, next_token: &str) -> String {
        let mut trail = self.trail.clone();
        trail.push(self.page.clone());
        let skip = trail.len().saturating_sub(TRAIL);
        Self::link(next_token, &trail[skip..])
    }

    /// The link to the page before this one; `None` on the first.
    fn previous(&self) -> Option<String> {
        let (last, before) = self.trail.split_last()?;
        Some(Self::link(last, before))
    }
}

fn overdue_action(app: &Shared, a: pb::OverdueAction) -> OverdueAction {
    let due = present::date(a.due_on.as_ref());
    OverdueAction {
        reference: a.reference,
        id: a.action_id,
        kind: present::action_kind(a.kind),
        description: a.description,
        owner: present::staff(&app.settings.staff, &a.owner),
        due_on: due.map(present::date_words).unwrap_or_default(),
    }
}

fn row(app: &Shared, today: NaiveDate, item: pb::WorkItem) -> Row {
    Row {
        deadline: present::work_item_deadline(&app.settings.calendar, today, &item),
        reference: item.reference,
        stage: present::stage(item.stage),
        handler: present::staff(&app.settings.staff, &item.handler),
        team: item.team,
    }
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

/// The reason a call's refusal or failure gives, for a part of the page.
fn reason(status: tonic::Status) -> String {
    match CallError::from(status) {
        CallError::Denied(reason)
        | CallError::Refused {
            message: reason, ..
        } => reason,
        _ => "The complaints service did not answer; try again later.".to_owned(),
    }
}

async fn monitoring(
    State(app): State<Shared>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Response {
    let place = Place::parse(&Fields::parse(query.unwrap_or_default().as_bytes()));
    let today = calendar::uk_date(chrono::Utc::now());
    let complaints = app.services.complaints(&staff.person.token);
    let (mut queue_client, mut actions_client) = (complaints.clone(), complaints);
    let queue = queue_client.list_work_queue(pb::ListWorkQueueRequest {
        page_size: PAGE_SIZE,
        page_token: place.page.clone(),
        with_counts: true,
        counts_as_of: Some(present::pb_date(today)),
        approaching_within_working_days: present::APPROACHING_WITHIN,
        ..Default::default()
    });
    let actions = actions_client.list_overdue_actions(pb::ListOverdueActionsRequest {
        as_of: Some(present::pb_date(today)),
        page_size: ACTIONS_SHOWN,
        page_token: place.actions.clone(),
    });
    let (queue, actions, figures) =
        tokio::join!(queue, actions, all_time_figures(&app, &staff, today));
    let queue = match queue {
        Ok(answer) => answer.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), None),
    };
    let counts = queue.counts.unwrap_or_default();
    let rows: Vec<Row> = queue
        .items
        .into_iter()
        .map(|item| row(&app, today, item))
        .collect();
    let missed: Vec<&Row> = rows
        .iter()
        .filter(|r| {
            r.deadline
                .as_ref()
                .is_some_and(|d| d.state == DeadlineState::Missed)
        })
        .collect();
    let (actions, actions_total, more_actions, actions_refused) = match actions {
        Ok(answer) => {
            let answer = answer.into_inner();
            let more = (!answer.next_page_token.is_empty()).then(|| {
                let query = form_urlencoded::Serializer::new(String::new())
                    .append_pair("actions", &answer.next_page_token)
                    .finish();
                format!("/monitoring?{query}#actions")
            });
            let shown: Vec<OverdueAction> = answer
                .actions
                .into_iter()
                .map(|a| overdue_action(&app, a))
                .collect();
            (shown, Some(answer.total), more, None)
        }
        Err(status) => (Vec::new(), None, None, Some(reason(status))),
    };
    let (figures, figures_refused) = match figures {
        Ok(f) => (Some(f), None),
        Err(reason) => (None, Some(reason)),
    };
    let next_page = (!queue.next_page_token.is_empty()).then(|| place.next(&queue.next_page_token));
    app.render(
        StatusCode::OK,
        &staff.visit,
        "monitoring.html",
        context! {
            today => present::date_words(today),
            open => counts.open,
            missed_count => counts.missed,
            approaching_count => counts.approaching,
            missed_elsewhere => counts.missed > missed.len() as u64,
            missed => value(&missed),
            rows => value(&rows),
            next_page => next_page,
            previous_page => place.previous(),
            first_page => (place.trail.len() > 1).then_some("/monitoring"),
            actions => value(&actions),
            actions_total => actions_total,
            more_actions => more_actions,
            later_actions => !place.actions.is_empty(),
            actions_refused => actions_refused,
            all_actions_open => figures.as_ref().map(|f| f.actions_open),
            all_actions_overdue => figures.as_ref().map(|f| f.actions_overdue),
            missed_by_kind => figures.as_ref().map(|f| value(&missed_by_kind(f))),
            figures_refused => figures_refused,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(query: &str) -> Place {
        Place::parse(&Fields::parse(query.as_bytes()))
    }

    #[test]
    fn the_open_complaints_page_on_and_back_through_the_tokens_in_their_links() {
        let first = place("");
        assert_eq!(first.previous(), None, "the first page has no page before");
        let second_link = first.next("2026-03-11_CMP-2026-000100");
        assert_eq!(
            second_link,
            "/monitoring?page=2026-03-11_CMP-2026-000100&trail="
        );
        let second = place(second_link.trim_start_matches("/monitoring?"));
        assert_eq!(second.previous().as_deref(), Some("/monitoring?page="));
        let third = place(
            second
                .next("2026-03-12_CMP-2026-000200")
                .trim_start_matches("/monitoring?"),
        );
        assert_eq!(third.page, "2026-03-12_CMP-2026-000200");
        assert_eq!(
            third.previous().as_deref(),
            Some("/monitoring?page=2026-03-11_CMP-2026-000100&trail=")
        );
    }

    #[test]
    fn a_link_carries_no_more_than_its_bounded_trail_of_printable_tokens() {
        let long: Vec<String> = (0..TRAIL + 20).map(|n| format!("t{n}")).collect();
        let parsed = place(&format!("page=x%0Ay&trail={}", long.join(",")));
        assert_eq!(parsed.page, "xy", "no control characters");
        assert_eq!(parsed.trail.len(), TRAIL);
        assert_eq!(parsed.trail.last().map(String::as_str), Some("t119"));
    }
}
