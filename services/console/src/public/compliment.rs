//! The compliment form (R-POS-1): positive feedback about a team and,
//! optionally, a person, taken like a complaint (one question page, check
//! your answers, a confirmation with the reference) and routed by intake
//! to the team's manager(s).

use super::complaint::{Field, Kind, fields_view};
use super::state::Receipt;
use super::{Post, Shared, Visit, see_other};
use crate::error::{CallError, FieldError};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::{Value, context};
use std::collections::BTreeMap;

const FIELDS: &[Field] = &[
    Field {
        name: "team",
        label: "Which team is it about?",
        hint: "For example, Customer Services or Exams",
        kind: Kind::Text,
        required: Some("R-POS-1"),
        autocomplete: "off",
        missing: "Enter the team your feedback is about",
    },
    Field {
        name: "about_person",
        label: "The person's name, if it is about someone (optional)",
        hint: "",
        kind: Kind::Text,
        required: None,
        autocomplete: "off",
        missing: "",
    },
    Field {
        name: "message",
        label: "Your feedback",
        hint: "",
        kind: Kind::TextArea,
        required: Some("R-POS-1"),
        autocomplete: "off",
        missing: "Enter your feedback",
    },
    Field {
        name: "first_name",
        label: "Your first name (optional)",
        hint: "Give your name and email address if you would like a reply",
        kind: Kind::Text,
        required: None,
        autocomplete: "given-name",
        missing: "",
    },
    Field {
        name: "last_name",
        label: "Your last name (optional)",
        hint: "",
        kind: Kind::Text,
        required: None,
        autocomplete: "family-name",
        missing: "",
    },
    Field {
        name: "email",
        label: "Your email address (optional)",
        hint: "",
        kind: Kind::Email,
        required: None,
        autocomplete: "email",
        missing: "",
    },
];

fn read(fields: &crate::web::Fields) -> (BTreeMap<String, String>, Vec<FieldError>) {
    let mut kept = BTreeMap::new();
    let mut errors = Vec::new();
    for f in FIELDS {
        let value = fields.get(f.name);
        if value.is_empty() {
            if let Some(rule) = f.required {
                errors.push(FieldError {
                    field: f.name.into(),
                    message: format!("{rule}: {}", f.missing),
                });
            }
            continue;
        }
        if f.kind == Kind::Email && !value.contains('@') {
            errors.push(FieldError {
                field: f.name.into(),
                message:
                    "R-POS-1: Enter an email address in the correct format, like name@example.com"
                        .into(),
            });
        }
        kept.insert(f.name.to_owned(), value.to_owned());
    }
    (kept, errors)
}

fn show_form(
    app: &super::PublicApp,
    visit: &Visit,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    app.render(
        status,
        Some(visit),
        "public/question.html",
        context! {
            service => "Give a compliment",
            title => "Give a compliment",
            intro => "Tell us about something a team or a person did well. We pass it to their manager so good work is recognised and shared.",
            action => "/compliment",
            back => "/",
            single_question => false,
            fields => fields_view(FIELDS, values, errors),
            errors => errors,
        },
    )
}

async fn form(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    let values = visit.form.compliment.clone();
    show_form(&app, &visit, &values, &[])
}

async fn answer(State(app): State<Shared>, request: Request) -> Response {
    let post = match app.read_post(request).await {
        Ok(post) => post,
        Err(response) => return response,
    };
    let visit = post.visit;
    let (kept, errors) = read(&post.fields);
    if !errors.is_empty() {
        return show_form(&app, &visit, &kept, &errors);
    }
    let _ = app.forms.update(&visit.id, |f| {
        if f.compliment_receipt.is_some() {
            f.restart_compliment();
        }
        f.compliment = kept.clone();
    });
    see_other("/compliment/check-answers")
}

fn show_check(app: &super::PublicApp, visit: &Visit, errors: &[FieldError]) -> Response {
    let answers = &visit.form.compliment;
    if answers.is_empty() {
        return see_other("/compliment");
    }
    let rows: Vec<Value> = FIELDS
        .iter()
        .map(|f| {
            context! {
                label => f.label.trim_end_matches(" (optional)"),
                value => answers.get(f.name).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let errors: Vec<FieldError> = errors
        .iter()
        .map(|e| FieldError {
            field: "row-compliment".into(),
            message: e.message.clone(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    app.render(
        status,
        Some(visit),
        "public/check.html",
        context! {
            service => "Give a compliment",
            title => "Check your answers before sending your compliment",
            back => "/compliment",
            action => "/compliment/check-answers",
            button => "Send compliment",
            sections => vec![context! {
                id => "row-compliment",
                title => "Your compliment",
                change => "/compliment",
                rows => rows,
                errors => errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>(),
            }],
            errors => errors,
        },
    )
}

async fn check(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    if visit.form.compliment_receipt.is_some() {
        return see_other("/compliment/confirmation");
    }
    show_check(&app, &visit, &[])
}

/// Sends the compliment once (its idempotency key), within the rate limit.
async fn submit(State(app): State<Shared>, request: Request) -> Response {
    let post: Post = match app.read_post(request).await {
        Ok(post) => post,
        Err(response) => return response,
    };
    let visit = post.visit;
    if visit.form.compliment_receipt.is_some() {
        return see_other("/compliment/confirmation");
    }
    if visit.form.compliment.is_empty() {
        return see_other("/compliment");
    }
    if let Err(response) = app.admit(post.client, &visit) {
        return response;
    }
    let token = match app.token.get().await {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "no portal token for the public forms");
            return app.service_failed(&visit, &tonic::Status::unavailable("no token"));
        }
    };
    let a = &visit.form.compliment;
    let get = |k: &str| a.get(k).cloned().unwrap_or_default();
    let from = pb::Person {
        first_name: get("first_name"),
        last_name: get("last_name"),
        email: get("email"),
        ..Default::default()
    };
    let request = pb::SubmitComplimentRequest {
        idempotency_key: visit.form.compliment_key.clone(),
        channel: pb::Channel::WebForm as i32,
        team: get("team"),
        about_person: get("about_person"),
        message: get("message"),
        from: (from != pb::Person::default()).then_some(from),
        ..Default::default()
    };
    match app.services.intake(&token).submit_compliment(request).await {
        Ok(answer) => {
            let receipt = Receipt {
                reference: answer.into_inner().reference,
                ..Receipt::default()
            };
            tracing::info!("a compliment was sent through the public form");
            let _ = app.forms.update(&visit.id, |f| {
                f.compliment.clear();
                f.compliment_receipt = Some(receipt.clone());
            });
            see_other("/compliment/confirmation")
        }
        Err(status) => match CallError::from(status.clone()) {
            CallError::Refused { message, fields } => {
                let fields = if fields.is_empty() {
                    vec![FieldError {
                        field: String::new(),
                        message,
                    }]
                } else {
                    fields
                };
                show_check(&app, &visit, &fields)
            }
            _ => app.service_failed(&visit, &status),
        },
    }
}

async fn confirmation(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    let Some(receipt) = &visit.form.compliment_receipt else {
        return see_other("/compliment");
    };
    app.render(
        StatusCode::OK,
        Some(&visit),
        "public/confirmation.html",
        context! {
            service => "Give a compliment",
            title => "Compliment sent",
            what => "compliment",
            receipt => receipt,
            again => "/compliment",
        },
    )
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/compliment", get(form).post(answer))
        .route("/compliment/check-answers", get(check).post(submit))
        .route("/compliment/confirmation", get(confirmation))
}
