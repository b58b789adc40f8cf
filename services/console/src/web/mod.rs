//! The HTTP side: the router, the security headers every response
//! carries, sessions read from the cookie, CSRF checked on every POST,
//! pages rendered from the embedded templates, and call errors turned
//! into pages in one place ([`App::call_failed`]).
// A refusal is a ready response, axum's idiom for early returns.
#![allow(clippy::result_large_err)]
// Requests are built with `..Default::default()`: fields the contract adds
// later (optional by its rules) must not stop the console building.
#![allow(clippy::needless_update)]

mod auth;
mod committee;
mod complaint;
mod compliments;
mod letters;
mod monitoring;
mod notices;
mod progress;
mod queue;
mod records;
pub mod steps;
mod triage;

use crate::error::CallError;
use crate::services::Services;
use crate::session::{Person, Session, Sessions};
use crate::settings::{DevSettings, Settings, SignIn};
use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Environment, Value, context};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Content-Security-Policy of every response: no inline script or style.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
                       base-uri 'none'";

/// [`CSP`] with `form-action` also allowing `origin`: browsers apply
/// `form-action` to the redirects after a form is sent, so the sign-in
/// form, whose answer is a redirect to the identity provider, needs its
/// origin there.
pub fn csp_with_form_action(origin: &str) -> String {
    CSP.replace(
        "form-action 'self';",
        &format!("form-action 'self' {origin};"),
    )
}

/// `scheme://host[:port]` of `url`, if it has one.
pub fn origin_of(url: &str) -> Option<String> {
    let uri: http::Uri = url.parse().ok()?;
    Some(format!("{}://{}", uri.scheme_str()?, uri.authority()?))
}

const CSS: &str = include_str!("../../assets/console.css");

/// Everything a request handler needs; shared by every request.
#[derive(Debug)]
pub struct App {
    pub settings: Settings,
    pub sessions: Sessions,
    pub services: Services,
    pub templates: Environment<'static>,
    pub oidc: Option<crate::oidc::Provider>,
    pub dev: Option<DevSettings>,
}

pub type Shared = Arc<App>;

/// The embedded templates, autoescaped (their names end `.html`).
fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    for (name, source) in [
        ("base.html", include_str!("../../templates/base.html")),
        ("sign_in.html", include_str!("../../templates/sign_in.html")),
        (
            "signed_out.html",
            include_str!("../../templates/signed_out.html"),
        ),
        ("message.html", include_str!("../../templates/message.html")),
        ("queue.html", include_str!("../../templates/queue.html")),
        ("triage.html", include_str!("../../templates/triage.html")),
        ("notices.html", include_str!("../../templates/notices.html")),
        (
            "notices_notice.html",
            include_str!("../../templates/notices_notice.html"),
        ),
        (
            "complaint.html",
            include_str!("../../templates/complaint.html"),
        ),
        ("step.html", include_str!("../../templates/step.html")),
        ("preview.html", include_str!("../../templates/preview.html")),
        ("letters.html", include_str!("../../templates/letters.html")),
        (
            "letters_preview.html",
            include_str!("../../templates/letters_preview.html"),
        ),
        (
            "letters_correspondence.html",
            include_str!("../../templates/letters_correspondence.html"),
        ),
        (
            "compliments.html",
            include_str!("../../templates/compliments.html"),
        ),
        (
            "compliments_recognition.html",
            include_str!("../../templates/compliments_recognition.html"),
        ),
        (
            "monitoring.html",
            include_str!("../../templates/monitoring.html"),
        ),
        (
            "committee.html",
            include_str!("../../templates/committee.html"),
        ),
        (
            "committee_period.html",
            include_str!("../../templates/committee_period.html"),
        ),
        ("records.html", include_str!("../../templates/records.html")),
        (
            "records_nav.html",
            include_str!("../../templates/records_nav.html"),
        ),
        (
            "records_problems.html",
            include_str!("../../templates/records_problems.html"),
        ),
        (
            "records_due.html",
            include_str!("../../templates/records_due.html"),
        ),
        (
            "records_run.html",
            include_str!("../../templates/records_run.html"),
        ),
        (
            "records_destroy.html",
            include_str!("../../templates/records_destroy.html"),
        ),
        (
            "records_destroy_confirm.html",
            include_str!("../../templates/records_destroy_confirm.html"),
        ),
        (
            "records_destroyed.html",
            include_str!("../../templates/records_destroyed.html"),
        ),
        (
            "records_destructions.html",
            include_str!("../../templates/records_destructions.html"),
        ),
        (
            "records_subject_access.html",
            include_str!("../../templates/records_subject_access.html"),
        ),
        (
            "records_access.html",
            include_str!("../../templates/records_access.html"),
        ),
        (
            "records_rebuild.html",
            include_str!("../../templates/records_rebuild.html"),
        ),
        (
            "records_rebuilt.html",
            include_str!("../../templates/records_rebuilt.html"),
        ),
        (
            "progress.html",
            include_str!("../../templates/progress.html"),
        ),
    ] {
        // The templates are fixed at build time and every page is rendered
        // by the tests, so a syntax error cannot reach a running console;
        // should one slip through, the page is a 500, not a crash.
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(template = name, %error, "template does not parse");
        }
    }
    env
}

impl App {
    pub fn new(settings: Settings, services: Services) -> Self {
        let (oidc, dev) = match &settings.sign_in {
            SignIn::Oidc(oidc) => (
                Some(crate::oidc::Provider::new(
                    oidc.clone(),
                    settings.public_url.as_str(),
                )),
                None,
            ),
            SignIn::Development(dev) => (None, Some(dev.clone())),
        };
        Self {
            sessions: Sessions::new(settings.session),
            services,
            templates: templates(),
            oidc,
            dev,
            settings,
        }
    }

    /// The session cookie's name: `__Host-console` when Secure.
    pub fn cookie_name(&self) -> &'static str {
        if self.settings.public_url.secure_cookies() {
            "__Host-console"
        } else {
            "console_session"
        }
    }

    /// The `Set-Cookie` value carrying session `id`.
    pub fn cookie(&self, id: &str) -> String {
        let secure = if self.settings.public_url.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{}={id}; HttpOnly; SameSite=Lax; Path=/{secure}",
            self.cookie_name()
        )
    }

    /// The `Set-Cookie` value that deletes the cookie.
    pub fn expired_cookie(&self) -> String {
        let secure = if self.settings.public_url.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        format!(
            "{}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0{secure}",
            self.cookie_name()
        )
    }

    /// Renders `template` with `page` and what every page shows.
    pub fn render(
        &self,
        status: StatusCode,
        visit: &Visit,
        template: &str,
        page: Value,
    ) -> Response {
        match self.page_html(visit, template, page) {
            Ok(html) => (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response(),
            Err(error) => {
                tracing::error!(template, error = %error, "page could not be rendered");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "The page could not be shown.",
                )
                    .into_response()
            }
        }
    }

    /// The HTML of `template` with `page` and what every page shows.
    pub fn page_html(
        &self,
        visit: &Visit,
        template: &str,
        page: Value,
    ) -> Result<String, minijinja::Error> {
        let person = visit.person().map(|p| {
            context! {
                subject => &p.subject,
                // The ID token's name; else the staff directory's (the
                // development sign-in has no ID token).
                name => p.name.clone().or_else(|| {
                    self.settings.staff.get(&p.subject).map(|m| m.name.clone())
                }),
                team => &p.team,
                roles => p.roles.iter().map(|r| role_words(*r)).collect::<Vec<_>>(),
                pages => staff_pages(&p.roles),
            }
        });
        let flash = visit
            .id
            .as_deref()
            .and_then(|id| self.sessions.take_flash(id));
        let ctx = context! {
            person => person,
            csrf => visit.session.as_ref().map(|s| s.csrf.clone()),
            dev_sign_in => self.dev.is_some(),
            flash => flash,
            ..page
        };
        self.templates
            .get_template(template)
            .and_then(|t| t.render(ctx))
    }

    /// A page with a heading and a message (refusals, "try again").
    pub fn message(
        &self,
        status: StatusCode,
        visit: &Visit,
        title: &str,
        message: &str,
        back: Option<&str>,
    ) -> Response {
        self.render(
            status,
            visit,
            "message.html",
            context! { title => title, message => message, back => back },
        )
    }

    /// A call that did not succeed, as a page (field errors are shown by
    /// the form that made the call; here they are a plain refusal).
    pub fn call_failed(&self, visit: &Visit, error: CallError, back: Option<&str>) -> Response {
        match error {
            CallError::Denied(reason) => self.message(
                StatusCode::FORBIDDEN,
                visit,
                "You cannot do this",
                &reason,
                back,
            ),
            CallError::NotFound(reason) => {
                self.message(StatusCode::NOT_FOUND, visit, "Not found", &reason, back)
            }
            CallError::Changed(_) => self.message(
                StatusCode::CONFLICT,
                visit,
                CHANGED,
                "Nothing was done: someone else acted on it, or the form was sent twice. Check it again before sending anything.",
                back,
            ),
            CallError::TryAgain(_) => self.message(
                StatusCode::SERVICE_UNAVAILABLE,
                visit,
                "Sorry, there is a problem with the service",
                "Try again in a moment. Nothing you entered has been lost from the service; if it keeps happening, tell the operators.",
                back,
            ),
            CallError::SignInAgain => sign_in_again(self, visit),
            CallError::Refused { message, .. } => self.message(
                StatusCode::UNPROCESSABLE_ENTITY,
                visit,
                "This cannot be done",
                &message,
                back,
            ),
            CallError::Failed(message) => {
                tracing::warn!(%message, "a call to a service failed");
                self.message(
                    StatusCode::BAD_GATEWAY,
                    visit,
                    "Sorry, there is a problem with the service",
                    "The service could not complete the request. Try again later.",
                    back,
                )
            }
        }
    }

    /// Reads a posted form after checking its CSRF token against the
    /// session's; a missing or wrong token is 403 and nothing is done.
    pub fn form(&self, visit: &Visit, body: &[u8]) -> Result<Fields, Response> {
        let fields = Fields::parse(body);
        let Some(session) = &visit.session else {
            return Err(self.forbidden(visit));
        };
        if !session.csrf_matches(fields.get_opt("csrf_token")) {
            return Err(self.forbidden(visit));
        }
        Ok(fields)
    }

    fn forbidden(&self, visit: &Visit) -> Response {
        self.message(
            StatusCode::FORBIDDEN,
            visit,
            "This form has expired",
            "The form was not sent from this console session, so nothing was done. Go back, reload the page and try again.",
            None,
        )
    }

    /// Sets a flash message in the visitor's session.
    pub fn flash(&self, visit: &Visit, message: impl Into<String>) {
        if let Some(id) = &visit.id {
            let message = message.into();
            self.sessions.update(id, |s| s.flash = Some(message));
        }
    }
}

/// What a person is told when the complaint changed under their form.
pub const CHANGED: &str = "This complaint changed while you were working on it";

/// Sends the person to sign in again (their session or token has ended).
pub fn sign_in_again(app: &App, visit: &Visit) -> Response {
    if let Some(id) = &visit.id {
        app.sessions.remove(id);
    }
    let mut response = Redirect::to("/sign-in").into_response();
    if let Ok(value) = HeaderValue::from_str(&app.expired_cookie()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The staff pages the navigation offers a person, by their roles: each
/// page's module says whom it serves. The services still decide every
/// call; this only spares people links they cannot use.
pub fn staff_pages(roles: &[platform::auth::Role]) -> Vec<&'static str> {
    [
        ("letters", letters::MAY_USE),
        ("compliments", compliments::MAY_USE),
        ("monitoring", monitoring::MAY_USE),
        ("notices", notices::MAY_USE),
        ("committee", committee::MAY_USE),
        ("records", records::MAY_USE),
        ("access_audit", records::AUDIT_READERS),
        ("rebuilds", records::REBUILDERS),
    ]
    .into_iter()
    .filter(|(_, may)| roles.iter().any(|r| may.contains(r)))
    .map(|(page, _)| page)
    .collect()
}

/// A role as the header shows it.
pub fn role_words(role: platform::auth::Role) -> &'static str {
    use platform::auth::Role;
    match role {
        Role::Portal => "Member portal",
        Role::Handler => "Handler",
        Role::Manager => "Line manager",
        Role::CustomerServiceManager => "Customer service manager",
        Role::ComplianceManager => "Corporate Compliance Manager",
        Role::HeadOfCustomerExperience => "Head of Customer Experience",
        Role::Committee => "Audit and Risk Committee",
        Role::DataProtectionOfficer => "Data protection officer",
        Role::Operator => "Operator",
        // Roles added to the platform later read as their token names.
        #[allow(unreachable_patterns)]
        other => other.as_str(),
    }
}

/// The fields of a posted form or a query string, in order.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }

    pub fn get_opt(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.get_opt(name).map_or("", str::trim)
    }

    /// Every value of `name` (checkboxes).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn pairs(&self) -> &[(String, String)] {
        &self.0
    }
}

/// One visit: the session named by the cookie, if it is live.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    pub id: Option<String>,
    pub session: Option<Session>,
}

impl Visit {
    pub fn person(&self) -> Option<&Person> {
        self.session.as_ref().and_then(|s| s.person.as_ref())
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<Shared> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Self::Rejection> {
        let Some(id) = cookie_value(&parts.headers, app.cookie_name()) else {
            return Ok(Visit::default());
        };
        match app.sessions.get(id, Instant::now()) {
            Some(session) => Ok(Visit {
                id: Some(id.to_owned()),
                session: Some(session),
            }),
            None => Ok(Visit::default()),
        }
    }
}

/// A visit by a signed-in person whose token has not expired; anyone else
/// is sent to sign in.
#[derive(Debug, Clone)]
pub struct Staff {
    pub visit: Visit,
    pub person: Person,
}

impl FromRequestParts<Shared> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &Shared) -> Result<Self, Self::Rejection> {
        let Ok(visit) = Visit::from_request_parts(parts, app).await;
        match visit.person().cloned() {
            Some(person) if person.token_expires > SystemTime::now() => Ok(Staff { visit, person }),
            Some(_) => Err(sign_in_again(app, &visit)),
            None => Err(Redirect::to("/sign-in").into_response()),
        }
    }
}

/// Security headers on every response of both listeners (the staff
/// console's and the public forms'); `no-store` on all but the CSS.
pub(crate) async fn security_headers(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use tracing::Instrument;
    let is_asset = request.uri().path().starts_with("/assets/");
    // One span per request, so each call to a service carries this trace
    // (the paths hold references and ids, never personal data; the query
    // string is left out).
    let span = tracing::info_span!(
        "http.request",
        otel.name = %format!("{} {}", request.method(), request.uri().path()),
        otel.kind = "server",
        http.request.method = %request.method(),
        url.path = %request.uri().path(),
        http.response.status_code = tracing::field::Empty,
    );
    let mut response = next.run(request).instrument(span.clone()).await;
    span.record("http.response.status_code", response.status().as_u16());
    let headers = response.headers_mut();
    // A page may widen `form-action` for itself (the sign-in page, whose
    // form leads to the identity provider); every other page gets [`CSP`].
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let cache = if is_asset {
        "public, max-age=3600"
    } else {
        "no-store"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the four services answer their health checks SERVING.
async fn readyz(State(app): State<Shared>) -> Response {
    let health = app.services.health().await;
    let down: Vec<&str> = health
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| *name)
        .collect();
    if down.is_empty() {
        (StatusCode::OK, "ready").into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {} not serving", down.join(", ")),
        )
            .into_response()
    }
}

async fn home(staff: Result<Staff, Response>) -> Response {
    match staff {
        Ok(_) => Redirect::to("/queue").into_response(),
        Err(_) => Redirect::to("/sign-in").into_response(),
    }
}

async fn not_found(State(app): State<Shared>, visit: Visit) -> Response {
    app.message(
        StatusCode::NOT_FOUND,
        &visit,
        "Page not found",
        "If you typed the web address, check it is correct.",
        None,
    )
}

/// A value a template shows, serialised once.
pub fn value<T: Serialize>(v: &T) -> Value {
    Value::from_serialize(v)
}

/// Every route of the console.
pub fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/assets/console.css", get(css))
        .merge(auth::routes())
        .merge(queue::routes())
        .merge(triage::routes())
        .merge(complaint::routes())
        .merge(steps::routes())
        .merge(letters::routes())
        .merge(compliments::routes())
        .merge(monitoring::routes())
        .merge(notices::routes())
        .merge(committee::routes())
        .merge(records::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(app)
}

/// Redirect after a POST (303 See Other, so the browser GETs the page).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// POST routes share this shape.
pub fn post_route<H, T>(handler: H) -> axum::routing::MethodRouter<Shared>
where
    H: axum::handler::Handler<T, Shared>,
    T: 'static,
{
    post(handler)
}

#[cfg(test)]
mod csp_tests {
    use super::{CSP, csp_with_form_action, origin_of};

    #[test]
    fn r_conf_1_the_sign_in_page_lets_its_form_lead_to_the_identity_provider_and_nowhere_else() {
        let origin = origin_of("https://id.example.org/realms/staff").expect("an origin");
        assert_eq!(origin, "https://id.example.org");
        let csp = csp_with_form_action(&origin);
        assert!(
            csp.contains("form-action 'self' https://id.example.org;"),
            "{csp}"
        );
        assert_eq!(
            csp.replace(" https://id.example.org", ""),
            CSP,
            "nothing else is widened"
        );
        assert_eq!(
            origin_of("http://127.0.0.1:4444").as_deref(),
            Some("http://127.0.0.1:4444")
        );
        assert_eq!(origin_of("not a url"), None);
    }
}
