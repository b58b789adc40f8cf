//! Asking for a fresh follow link: the reference and the email address or
//! postcode. Notifications, which holds the contact details, matches them
//! and sends the link; the answer page is the same whether they matched or
//! not, and the link is never shown here. Rate limited per client address
//! like a submission, so the page cannot be used to probe at speed.

use super::{Shared, Visit, see_other};
use crate::error::FieldError;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;

fn form(
    app: &super::PublicApp,
    visit: &Visit,
    fields: &crate::web::Fields,
    errors: &[FieldError],
) -> Response {
    let error_for = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    app.render(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        Some(visit),
        "public/new_link.html",
        context! {
            service => "Your complaint",
            title => "Get a new link to your complaint",
            reference => fields.get("reference"),
            email_or_postcode => fields.get("email_or_postcode"),
            reference_error => error_for("reference"),
            email_or_postcode_error => error_for("email_or_postcode"),
            errors => errors.iter().map(|e| context! { field => e.field, message => e.message }).collect::<Vec<_>>(),
        },
    )
}

async fn show(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    form(&app, &visit, &crate::web::Fields::parse(b""), &[])
}

async fn ask(State(app): State<Shared>, request: Request) -> Response {
    let post = match app.read_post(request).await {
        Ok(post) => post,
        Err(page) => return page,
    };
    let visit = post.visit;
    let fields = post.fields;
    let reference = fields.get("reference").trim().to_uppercase();
    let given = fields.get("email_or_postcode").trim().to_owned();
    let mut errors = Vec::new();
    if reference.is_empty() {
        errors.push(FieldError {
            field: "reference".into(),
            message: "Enter your complaint reference, for example CMP-2026-000123".into(),
        });
    }
    if given.is_empty() {
        errors.push(FieldError {
            field: "email_or_postcode".into(),
            message: "Enter the email address or postcode you gave us".into(),
        });
    }
    if !errors.is_empty() {
        return form(&app, &visit, &fields, &errors);
    }
    if let Err(page) = app.admit_link_request(post.client, &visit) {
        return page;
    }
    let portal = match app.portal_token(&visit).await {
        Ok(t) => t,
        Err(page) => return page,
    };
    let sent = app
        .services
        .notifications(&portal)
        .send_follow_link(pb::SendFollowLinkRequest {
            reference,
            email_or_postcode: given,
        })
        .await;
    match sent {
        Ok(_) => see_other("/new-link/sent"),
        Err(status) if status.code() == tonic::Code::InvalidArgument => form(
            &app,
            &visit,
            &fields,
            &[FieldError {
                field: "reference".into(),
                message: "Enter your complaint reference as it is in our letters, for example CMP-2026-000123".into(),
            }],
        ),
        Err(status) => app.service_failed(&visit, &status),
    }
}

async fn sent(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    app.message(
        StatusCode::OK,
        Some(&visit),
        "Check your email or post",
        "If the details match a complaint, we have sent a new link to the email address we have for it (or by post, if that is how we write to you). The link is never shown on this website.",
    )
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/new-link", get(show).post(ask))
        .route("/new-link/sent", get(sent))
}
