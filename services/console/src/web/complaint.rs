//! A complaint's page (R-MON-1): where it stands, its live deadlines in
//! working days, its outcomes and actions with their owners, its history
//! as a timeline (who, when, what, which rule), its correspondence with a
//! preview of each letter and a resend, and the steps that may follow:
//! a restriction's review date and a lift when one is in force (R-UPC-1),
//! and new issues raised late waiting for a decision (R-UPC-2).

use super::steps::{Target, steps_on};
use super::{App, Shared, Staff, see_other, value};
use crate::present::{self, Deadline};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use complaints_proto::v1 as pb;
use minijinja::context;
use serde::Serialize;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/complaints/{reference}", get(complaint))
        .route(
            "/complaints/{reference}/letters/{letter}/preview",
            get(preview),
        )
        .route(
            "/complaints/{reference}/letters/{notification}/resend",
            post(resend),
        )
}

fn plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// One entry of a complaint's history, as the timeline shows it.
#[derive(Debug, Serialize)]
pub(super) struct Event {
    when: String,
    who: String,
    what: String,
    summary: String,
    rules: Vec<String>,
}

/// History entries as the timeline shows them: who, when, what, which rule.
pub(super) fn timeline(app: &App, entries: &[pb::HistoryEntry]) -> Vec<Event> {
    entries
        .iter()
        .map(|e| Event {
            when: present::timestamp_words(e.occurred_at.as_ref().or(e.recorded_at.as_ref())),
            who: present::actor(&app.settings.staff, &e.actor),
            what: present::event_words(&e.event_type),
            rules: present::rules_in(&e.summary),
            summary: e.summary.clone(),
        })
        .collect()
}

#[derive(Serialize)]
struct Letter {
    id: String,
    template: String,
    recipient: &'static str,
    channel: &'static str,
    status: &'static str,
    updated: String,
    attempts: u32,
    resendable: bool,
}

#[derive(Serialize)]
struct ActionRow {
    id: u32,
    kind: &'static str,
    description: String,
    owner: String,
    due_on: String,
    completed_on: String,
}

#[derive(Serialize)]
struct OutcomeRow {
    stage: &'static str,
    decision: &'static str,
    issued_on: String,
    window_ends_on: String,
}

#[derive(Serialize)]
struct StepLink {
    slug: &'static str,
    title: &'static str,
    who: &'static str,
}

async fn complaint(
    State(app): State<Shared>,
    staff: Staff,
    Path(reference): Path<String>,
) -> Response {
    if !plain(&reference) {
        return super::not_found(State(app), staff.visit).await;
    }
    let token = &staff.person.token;
    let mut complaints = app.services.complaints(token);
    let view = match complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
            ..Default::default()
        })
        .await
    {
        Ok(v) => v.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), Some("/queue")),
    };
    let history = match complaints
        .get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
            ..Default::default()
        })
        .await
    {
        Ok(h) => h.into_inner().entries,
        Err(status) => return app.call_failed(&staff.visit, status.into(), Some("/queue")),
    };
    // Correspondence is read with the person's token too; someone who may
    // not read it sees why instead of the list.
    let (letters, letters_cut, letters_refused) = match app
        .services
        .notifications(token)
        .list_correspondence(pb::ListCorrespondenceRequest {
            reference: reference.clone(),
            ..Default::default()
        })
        .await
    {
        Ok(list) => {
            let list = list.into_inner();
            (list.items, list.truncated, None)
        }
        Err(status) => (vec![], false, Some(status.message().to_owned())),
    };
    let today = calendar::uk_date(chrono::Utc::now());
    let deadlines: Vec<Deadline> = view
        .deadlines
        .iter()
        .filter_map(|d| {
            let due = present::date(d.due_on.as_ref())?;
            let mut kind = present::deadline_kind(d.kind).to_owned();
            if d.stage != 0 && d.kind == pb::DeadlineKind::EscalationWindow as i32 {
                kind = format!("{kind} (after {})", present::stage(d.stage));
            }
            Some(
                Deadline::new(
                    &app.settings.calendar,
                    today,
                    kind,
                    due,
                    present::date(d.met_on.as_ref()),
                    d.missed,
                    d.approaching,
                )
                .awaiting_receipt(d.awaiting_receipt),
            )
        })
        .collect();
    let words = |d: Option<&pb::Date>| {
        present::date(d)
            .map(present::date_words)
            .unwrap_or_default()
    };
    let actions: Vec<ActionRow> = view
        .actions
        .iter()
        .map(|a| ActionRow {
            id: a.action_id,
            kind: present::action_kind(a.kind),
            description: a.description.clone(),
            owner: present::staff(&app.settings.staff, &a.owner),
            due_on: words(a.due_on.as_ref()),
            completed_on: words(a.completed_on.as_ref()),
        })
        .collect();
    let outcomes: Vec<OutcomeRow> = view
        .outcomes
        .iter()
        .map(|o| OutcomeRow {
            stage: present::stage(o.stage),
            decision: present::decision(o.decision),
            issued_on: words(o.issued_on.as_ref()),
            // R-S2-1, R-S3-1: counted from the complainant's receipt.
            window_ends_on: match (&o.escalation_window_ends_on, &o.received_on) {
                (Some(end), None) => format!(
                    "{} if delivered as expected (14 days from receipt, not yet reported)",
                    words(Some(end))
                ),
                (end, _) => words(end.as_ref()),
            },
        })
        .collect();
    let events = timeline(&app, &history);
    let letters: Vec<Letter> = letters
        .into_iter()
        .map(|l| Letter {
            resendable: matches!(
                pb::NotificationStatus::try_from(l.status_code),
                Ok(pb::NotificationStatus::Sent | pb::NotificationStatus::GivenUp)
            ),
            id: l.notification_id,
            template: l.template,
            recipient: present::recipient_kind(l.recipient_kind),
            channel: present::delivery_channel(l.channel),
            status: present::notification_status(l.status_code),
            updated: present::timestamp_words(l.updated_at.as_ref()),
            attempts: l.attempts,
        })
        .collect();
    let steps: Vec<StepLink> = steps_on(Target::Complaint)
        .filter(|s| s.shown_for(&view))
        .map(|s| StepLink {
            slug: s.slug,
            title: s.title,
            who: s.who,
        })
        .collect();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "complaint.html",
        context! {
            reference => &view.reference,
            submission_id => &view.submission_id,
            stage => present::stage(view.stage),
            closed => view.closed,
            closure => present::closure(view.closure),
            handler => present::staff_with_title(&app.settings.staff, &view.handler),
            team => &view.team,
            role => present::handler_role(view.role),
            channel => present::channel(view.channel),
            category => &view.query_category,
            received => present::timestamp_words(view.received_at.as_ref()),
            qualification => &view.qualification_code,
            regulated => view.regulated,
            contact_restricted => view.contact_restricted,
            restriction_review_on => words(view.restriction_review_on.as_ref()),
            new_issues_awaiting_decision => view.new_issues_awaiting_decision,
            adjustments => present::adjustments(view.adjustments.as_ref()),
            raised_from => &view.raised_from,
            new_complaints => &view.new_complaints,
            version => view.version,
            deadlines => value(&deadlines),
            outcomes => value(&outcomes),
            actions => value(&actions),
            events => value(&events),
            letters => value(&letters),
            letters_refused => letters_refused,
            letters_cut => letters_cut,
            steps => value(&steps),
        },
    )
}

async fn preview(
    State(app): State<Shared>,
    staff: Staff,
    Path((reference, letter)): Path<(String, String)>,
) -> Response {
    let back = format!("/complaints/{reference}");
    if !plain(&reference) || !plain(&letter) {
        return super::not_found(State(app), staff.visit).await;
    }
    match app
        .services
        .notifications(&staff.person.token)
        .preview_template(pb::PreviewTemplateRequest {
            reference: reference.clone(),
            letter: letter.clone(),
            ..Default::default()
        })
        .await
    {
        Ok(p) => {
            let p = p.into_inner();
            app.render(
                StatusCode::OK,
                &staff.visit,
                "preview.html",
                context! {
                    reference => reference,
                    letter => letter,
                    subject => p.subject,
                    body => p.body,
                    back => back,
                },
            )
        }
        Err(status) => app.call_failed(&staff.visit, status.into(), Some(&back)),
    }
}

async fn resend(
    State(app): State<Shared>,
    staff: Staff,
    Path((reference, notification)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let back = format!("/complaints/{reference}");
    if !plain(&reference) || !plain(&notification) {
        return super::not_found(State(app), staff.visit).await;
    }
    if let Err(refused) = app.form(&staff.visit, &body) {
        return refused;
    }
    match app
        .services
        .notifications(&staff.person.token)
        .resend_notification(pb::ResendNotificationRequest {
            notification_id: notification,
            ..Default::default()
        })
        .await
    {
        Ok(_) => {
            app.flash(&staff.visit, "The letter is queued to be sent again.");
            see_other(&back)
        }
        Err(status) => app.call_failed(&staff.visit, status.into(), Some(&back)),
    }
}
