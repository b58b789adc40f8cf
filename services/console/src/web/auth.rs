//! Signing in and out (R-CONF-1).
//!
//! - `/sign-in`: the identity provider's button, or the development
//!   sign-in form when (and only when) `AUTH_DEV_SECRET` is set.
//! - `/auth/oidc` (POST) sends the browser to the provider; the provider
//!   sends it back to `/auth/callback`.
//! - `/auth/dev` (POST) mints a development token for the staff id, roles
//!   and team chosen, kept in the session exactly as an OIDC token.
//! - `/sign-out` (POST) ends every session of the person in this console.
//!
//! The session id changes at sign-in.

use super::{App, Shared, Visit, see_other};
use crate::session::Person;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::context;
use platform::auth::{DevToken, Role};
use std::time::{Instant, SystemTime};

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/sign-in", get(sign_in_page))
        .route("/auth/dev", post(dev_sign_in))
        .route("/auth/oidc", post(oidc_begin))
        .route("/auth/callback", get(oidc_callback))
        .route("/sign-out", post(sign_out))
        .route("/signed-out", get(signed_out))
}

/// The roles the development sign-in offers, with their words.
const DEV_ROLES: [Role; 7] = [
    Role::Handler,
    Role::Manager,
    Role::CustomerServiceManager,
    Role::ComplianceManager,
    Role::HeadOfCustomerExperience,
    Role::Committee,
    Role::DataProtectionOfficer,
];

/// An anonymous session for the visitor if they have none, so the
/// sign-in forms carry a CSRF token; answers the visit and the cookie to set.
fn ensure_session(app: &App, visit: Visit) -> (Visit, Option<String>) {
    if visit.session.is_some() {
        return (visit, None);
    }
    let (id, session) = app.sessions.create(Instant::now());
    let cookie = app.cookie(&id);
    (
        Visit {
            id: Some(id),
            session: Some(session),
        },
        Some(cookie),
    )
}

fn with_cookie(mut response: Response, cookie: Option<String>) -> Response {
    if let Some(value) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

#[derive(Debug, Default)]
struct DevForm {
    staff_id: String,
    team: String,
    roles: Vec<String>,
}

fn sign_in_form(
    app: &App,
    visit: &Visit,
    status: StatusCode,
    form: &DevForm,
    errors: Vec<crate::error::FieldError>,
) -> Response {
    let roles: Vec<_> = DEV_ROLES
        .iter()
        .map(|r| {
            context! {
                value => r.as_str(),
                label => super::role_words(*r),
                checked => form.roles.iter().any(|c| c == r.as_str()),
            }
        })
        .collect();
    let field_errors: std::collections::BTreeMap<String, String> = errors
        .iter()
        .map(|e| (e.field.clone(), e.message.clone()))
        .collect();
    app.render(
        status,
        visit,
        "sign_in.html",
        context! {
            oidc => app.oidc.is_some(),
            roles => roles,
            staff_id => &form.staff_id,
            team => &form.team,
            errors => errors,
            field_errors => field_errors,
        },
    )
}

async fn sign_in_page(State(app): State<Shared>, visit: Visit) -> Response {
    if visit.person().is_some() {
        return see_other("/queue");
    }
    let (visit, cookie) = ensure_session(&app, visit);
    let mut page = with_cookie(
        sign_in_form(&app, &visit, StatusCode::OK, &DevForm::default(), vec![]),
        cookie,
    );
    // The "sign in with your organisation account" form answers with a
    // redirect to the identity provider, which `form-action` must allow.
    if let crate::settings::SignIn::Oidc(oidc) = &app.settings.sign_in
        && let Some(origin) = super::origin_of(&oidc.issuer)
        && let Ok(csp) = HeaderValue::from_str(&super::csp_with_form_action(&origin))
    {
        page.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    page
}

/// A staff id is a plain identifier: letters, digits and `.-_@`.
fn staff_id(text: &str) -> Option<&str> {
    let ok = !text.is_empty()
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".-_@".contains(c));
    ok.then_some(text)
}

async fn dev_sign_in(State(app): State<Shared>, visit: Visit, body: Bytes) -> Response {
    let Some(dev) = app.dev.clone() else {
        return app.message(
            StatusCode::NOT_FOUND,
            &visit,
            "Page not found",
            "The development sign-in is not enabled.",
            None,
        );
    };
    let fields = match app.form(&visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let form = DevForm {
        staff_id: fields.get("staff_id").to_owned(),
        team: fields.get("team").to_owned(),
        roles: fields.all("roles").into_iter().map(str::to_owned).collect(),
    };
    let mut errors = Vec::new();
    let subject = staff_id(&form.staff_id);
    if subject.is_none() {
        errors.push(crate::error::FieldError {
            field: "staff_id".into(),
            message: "Enter a staff id of letters, digits, dots, hyphens or underscores".into(),
        });
    }
    let roles: Vec<Role> = form
        .roles
        .iter()
        .filter_map(|r| r.parse().ok())
        .filter(|r| DEV_ROLES.contains(r))
        .collect();
    if roles.is_empty() {
        errors.push(crate::error::FieldError {
            field: "roles".into(),
            message: "Select at least one role".into(),
        });
    }
    if form.team.len() > 100 || form.team.chars().any(char::is_control) {
        errors.push(crate::error::FieldError {
            field: "team".into(),
            message: "Enter a team name of up to 100 characters".into(),
        });
    }
    let Some(subject) = subject.filter(|_| errors.is_empty()) else {
        return sign_in_form(
            &app,
            &visit,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            errors,
        );
    };
    let team = (!form.team.is_empty()).then_some(form.team.as_str());
    let valid_for = app.settings.session.absolute;
    let token = DevToken {
        issuer: &dev.issuer,
        audience: &dev.audience,
        subject,
        roles: &roles,
        team,
        valid_for,
    }
    .sign(&dev.secret);
    let person = Person {
        subject: subject.to_owned(),
        name: None,
        roles,
        team: team.map(str::to_owned),
        token,
        token_expires: SystemTime::now() + valid_for,
    };
    signed_in(&app, &visit, person)
}

/// Rotates the session id and holds `person` in the new session.
fn signed_in(app: &App, visit: &Visit, person: Person) -> Response {
    tracing::info!(staff = %person.subject, "signed in to the console");
    let (id, _) = app
        .sessions
        .sign_in(visit.id.as_deref(), person, Instant::now());
    with_cookie(see_other("/queue"), Some(app.cookie(&id)))
}

async fn oidc_begin(State(app): State<Shared>, visit: Visit, body: Bytes) -> Response {
    let Some(provider) = &app.oidc else {
        return app.message(
            StatusCode::NOT_FOUND,
            &visit,
            "Page not found",
            "Signing in with the identity provider is not configured.",
            None,
        );
    };
    if let Err(refused) = app.form(&visit, &body) {
        return refused;
    }
    match provider.begin().await {
        Ok((url, pending)) => {
            if let Some(id) = &visit.id {
                app.sessions.update(id, |s| s.pending = Some(pending));
            }
            // A 303 to the provider: the URL carries no personal data.
            axum::response::Redirect::to(&url).into_response()
        }
        Err(error) => {
            tracing::warn!(error = %error, "could not begin an OpenID Connect sign-in");
            app.message(
                StatusCode::SERVICE_UNAVAILABLE,
                &visit,
                "Sorry, you cannot sign in at the moment",
                "The identity provider could not be reached. Try again in a moment.",
                Some("/sign-in"),
            )
        }
    }
}

async fn oidc_callback(
    State(app): State<Shared>,
    visit: Visit,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(provider) = &app.oidc else {
        return see_other("/sign-in");
    };
    let fields = super::Fields::parse(query.unwrap_or_default().as_bytes());
    let pending = visit.session.as_ref().and_then(|s| s.pending.clone());
    let (Some(pending), Some(code), Some(state)) =
        (pending, fields.get_opt("code"), fields.get_opt("state"))
    else {
        return app.message(
            StatusCode::BAD_REQUEST,
            &visit,
            "You could not be signed in",
            "The sign-in was not completed. Sign in again.",
            Some("/sign-in"),
        );
    };
    if let Some(id) = &visit.id {
        app.sessions.update(id, |s| s.pending = None);
    }
    match provider.complete(&pending, state, code).await {
        Ok(person) => signed_in(&app, &visit, person),
        Err(error) => {
            tracing::warn!(error = %error, "an OpenID Connect sign-in failed");
            app.message(
                StatusCode::BAD_REQUEST,
                &visit,
                "You could not be signed in",
                "The identity provider's answer could not be accepted. Sign in again.",
                Some("/sign-in"),
            )
        }
    }
}

async fn sign_out(State(app): State<Shared>, visit: Visit, body: Bytes) -> Response {
    if let Err(refused) = app.form(&visit, &body) {
        return refused;
    }
    match visit.person() {
        Some(person) => {
            let ended = app.sessions.sign_out_everywhere(&person.subject);
            tracing::info!(staff = %person.subject, sessions = ended, "signed out of the console");
        }
        None => {
            if let Some(id) = &visit.id {
                app.sessions.remove(id);
            }
        }
    }
    let mut response = see_other("/signed-out");
    if let Ok(value) = HeaderValue::from_str(&app.expired_cookie()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn signed_out(State(app): State<Shared>, visit: Visit) -> Response {
    app.render(StatusCode::OK, &visit, "signed_out.html", context! {})
}
