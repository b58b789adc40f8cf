//! The work queue (R-MON-1): open complaints with their next deadline,
//! the working days left and whether it is due, approaching or missed;
//! filtered and sorted by query parameters that hold no personal data.

use super::{Fields, Shared, Staff, value};
use crate::present::{self, Deadline, DeadlineState};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;
use serde::Serialize;

pub fn routes() -> Router<Shared> {
    Router::new().route("/queue", get(work_queue))
}

/// How many rows one page of the queue asks for.
const PAGE_SIZE: u32 = 100;

/// The queue's filters, read from the query string.
#[derive(Debug, Default, Serialize)]
struct Filters {
    /// "", "1", "2" or "3".
    stage: String,
    /// "", "due", "approaching" or "missed".
    state: String,
    /// "", "mine" or "team".
    scope: String,
    /// "due" (default), "reference" or "stage".
    sort: String,
    page: String,
}

impl Filters {
    fn parse(query: &Fields) -> Self {
        let pick = |name: &str, allowed: &[&str]| {
            let v = query.get(name);
            if allowed.contains(&v) {
                v.to_owned()
            } else {
                String::new()
            }
        };
        Self {
            stage: pick("stage", &["1", "2", "3"]),
            state: pick("state", &["due", "approaching", "missed"]),
            scope: pick("scope", &["mine", "team"]),
            sort: pick("sort", &["due", "reference", "stage"]),
            page: query
                .get("page")
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(200)
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct Row {
    reference: String,
    stage: &'static str,
    stage_number: i32,
    handler: String,
    team: String,
    category: String,
    deadline: Option<Deadline>,
}

async fn work_queue(
    State(app): State<Shared>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Response {
    let filters = Filters::parse(&Fields::parse(query.unwrap_or_default().as_bytes()));
    let person = &staff.person;
    let request = pb::ListWorkQueueRequest {
        stage: filters.stage.parse().unwrap_or(0),
        handler: if filters.scope == "mine" {
            person.subject.clone()
        } else {
            String::new()
        },
        team: if filters.scope == "team" {
            person.team.clone().unwrap_or_default()
        } else {
            String::new()
        },
        overdue: filters.state == "missed",
        due_within_working_days: if filters.state == "approaching" {
            present::APPROACHING_WITHIN
        } else {
            0
        },
        page_size: PAGE_SIZE,
        page_token: filters.page.clone(),
        ..Default::default()
    };
    let answer = match app
        .services
        .complaints(&person.token)
        .list_work_queue(request)
        .await
    {
        Ok(answer) => answer.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), None),
    };
    let today = calendar::uk_date(chrono::Utc::now());
    let mut rows: Vec<Row> = answer
        .items
        .into_iter()
        .map(|item| Row {
            deadline: present::work_item_deadline(&app.settings.calendar, today, &item),
            reference: item.reference,
            stage: present::stage(item.stage),
            stage_number: item.stage,
            handler: present::staff(&app.settings.staff, &item.handler),
            team: item.team,
            category: item.query_category,
        })
        .collect();
    if let Some(wanted) = DeadlineState::parse(&filters.state) {
        rows.retain(|r| r.deadline.as_ref().is_some_and(|d| d.state == wanted));
    }
    match filters.sort.as_str() {
        "reference" => rows.sort_by(|a, b| a.reference.cmp(&b.reference)),
        "stage" => rows.sort_by(|a, b| {
            b.stage_number
                .cmp(&a.stage_number)
                .then(a.reference.cmp(&b.reference))
        }),
        _ => rows.sort_by(|a, b| {
            let due = |r: &Row| r.deadline.as_ref().map(|d| d.due_iso.clone());
            match (due(a), due(b)) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => a.reference.cmp(&b.reference),
            }
        }),
    }
    let next_page = (!answer.next_page_token.is_empty()).then(|| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("stage", &filters.stage)
            .append_pair("state", &filters.state)
            .append_pair("scope", &filters.scope)
            .append_pair("sort", &filters.sort)
            .append_pair("page", &answer.next_page_token)
            .finish()
    });
    app.render(
        StatusCode::OK,
        &staff.visit,
        "queue.html",
        context! {
            rows => value(&rows),
            filters => value(&filters),
            today => present::date_words(today),
            next_page => next_page,
        },
    )
}
