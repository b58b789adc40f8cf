//! Consent from the consent link (R-INT-4): the individual a third party
//! acts for gives or withdraws consent without an account. `GET
//! /consent/{token}` is opened by [`super::link::open_link`]: intake
//! checks the link before the form is shown, and again (for the
//! submission it names) on the call that records the answer; a refused
//! link gets the "this link no longer works" page.

use super::{Shared, Visit};
use crate::error::FieldError;
use crate::present::pb_date;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;

/// The evidence intake records with consent given online.
const EVIDENCE: &str = "Given online through the link in the consent request";

fn form(app: &super::PublicApp, visit: &Visit, errors: &[FieldError]) -> Response {
    app.render(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        Some(visit),
        "public/consent.html",
        context! {
            service => "Consent to a complaint",
            title => "Do you consent to the complaint made for you?",
            answer_error => errors.iter().find(|e| e.field == "answer").map(|e| e.message.clone()),
            errors => errors.iter().map(|e| context! { field => e.field, message => e.message }).collect::<Vec<_>>(),
        },
    )
}

fn no_link(app: &super::PublicApp, visit: &Visit) -> Response {
    app.render(
        StatusCode::NOT_FOUND,
        Some(visit),
        "public/gone.html",
        context! { title => "Use the link in our letter", none => true, consent => true },
    )
}

async fn show(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    if visit.form.consent.is_none() {
        return no_link(&app, &visit);
    }
    form(&app, &visit, &[])
}

/// Records the answer with intake (RecordConsent or WithdrawConsent),
/// which checks the link.
async fn answer(State(app): State<Shared>, request: Request) -> Response {
    let post = match app.read_post(request).await {
        Ok(post) => post,
        Err(page) => return page,
    };
    let visit = post.visit;
    let Some(capability) = visit.form.consent.clone() else {
        return no_link(&app, &visit);
    };
    let give = match post.fields.get("answer") {
        "give" => true,
        "withdraw" => false,
        _ => {
            return form(
                &app,
                &visit,
                &[FieldError {
                    field: "answer".into(),
                    message: "R-INT-4: Select whether you give or withdraw your consent".into(),
                }],
            );
        }
    };
    let portal = match app.portal_token(&visit).await {
        Ok(t) => t,
        Err(page) => return page,
    };
    let today = Some(pb_date(calendar::uk_date(chrono::Utc::now())));
    let by = super::credentials::SUBJECT.to_owned();
    let mut intake = app.services.intake(&portal);
    let answer = if give {
        intake
            .record_consent(pb::RecordConsentRequest {
                submission_id: capability.record.clone(),
                evidence: EVIDENCE.into(),
                given_on: today,
                recorded_by: by,
                link_token: capability.token.clone(),
            })
            .await
    } else {
        intake
            .withdraw_consent(pb::WithdrawConsentRequest {
                submission_id: capability.record.clone(),
                withdrawn_on: today,
                recorded_by: by,
                link_token: capability.token.clone(),
            })
            .await
    };
    match answer {
        Ok(_) => {
            tracing::info!(given = give, "consent was answered through a consent link");
            let (title, message) = if give {
                (
                    "Thank you: your consent is recorded",
                    "We will now deal with the complaint and keep the person who made it informed. You can withdraw your consent at any time from the link in our letter.",
                )
            } else {
                (
                    "Your consent is withdrawn",
                    "We will not share anything further with the person who made the complaint for you. You are welcome to raise the matter with us yourself.",
                )
            };
            app.message(StatusCode::OK, Some(&visit), title, message)
        }
        Err(status)
            if status.code() == tonic::Code::FailedPrecondition
                || status.code() == tonic::Code::InvalidArgument =>
        {
            form(
                &app,
                &visit,
                &[FieldError {
                    field: "answer".into(),
                    message: status.message().to_owned(),
                }],
            )
        }
        Err(status) => app.link_call_failed(&visit, &status),
    }
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/consent/{token}", get(super::link::open_consent))
        .route("/consent", get(show).post(answer))
}
