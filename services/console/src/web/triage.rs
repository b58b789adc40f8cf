//! The triage queue: submissions waiting for staff, oldest first: matters
//! over 6 months old (R-INT-2) and third-party complaints awaiting the
//! individual's consent (R-INT-4), with their decisions as forms.

use super::steps::{Target, steps_on};
use super::{Fields, Shared, Staff, value};
use crate::present;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;
use serde::Serialize;

pub fn routes() -> Router<Shared> {
    Router::new().route("/triage", get(triage))
}

#[derive(Serialize)]
struct Row {
    id: String,
    reference: String,
    channel: &'static str,
    category: String,
    received: String,
    status: &'static str,
    third_party: bool,
    consent_withdrawn: bool,
    decisions: Vec<(&'static str, &'static str)>,
}

async fn triage(State(app): State<Shared>, staff: Staff, RawQuery(query): RawQuery) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let status = match query.get("status") {
        "time" => pb::TriageStatus::AwaitingTimeDecision as i32,
        "consent" => pb::TriageStatus::AwaitingConsent as i32,
        _ => 0,
    };
    let page_token: String = query
        .get("page")
        .chars()
        .filter(|c| c.is_ascii_graphic())
        .take(200)
        .collect();
    let answer = match app
        .services
        .intake(&staff.person.token)
        .list_triage_queue(pb::ListTriageQueueRequest {
            status,
            page_size: 100,
            page_token,
            ..Default::default()
        })
        .await
    {
        Ok(a) => a.into_inner(),
        Err(e) => return app.call_failed(&staff.visit, e.into(), None),
    };
    let rows: Vec<Row> = answer
        .submissions
        .into_iter()
        .map(|s| {
            let decisions = steps_on(Target::Submission)
                .filter(|step| match step.slug {
                    "compelling-reason" | "decline-out-of-time" => {
                        s.status == pb::TriageStatus::AwaitingTimeDecision as i32
                    }
                    "record-consent" => s.status == pb::TriageStatus::AwaitingConsent as i32,
                    "withdraw-consent" => s.third_party && !s.consent_withdrawn,
                    _ => true,
                })
                .map(|step| (step.slug, step.title))
                .collect();
            Row {
                channel: present::channel(s.channel),
                category: s.query_category,
                received: present::timestamp_words(s.received_at.as_ref()),
                status: present::triage_status(s.status),
                third_party: s.third_party,
                consent_withdrawn: s.consent_withdrawn,
                decisions,
                id: s.submission_id,
                reference: s.reference,
            }
        })
        .collect();
    let next_page = (!answer.next_page_token.is_empty()).then(|| {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("status", query.get("status"))
            .append_pair("page", &answer.next_page_token)
            .finish()
    });
    app.render(
        StatusCode::OK,
        &staff.visit,
        "triage.html",
        context! {
            rows => value(&rows),
            status => query.get("status"),
            next_page => next_page,
        },
    )
}
