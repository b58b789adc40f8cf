//! The public side: the complaint form (R-INT-1) and the compliment form
//! (R-POS-1) for anyone — member or not, no account — on a listener of its
//! own (`PUBLIC_ADDR`), so an organisation can put it on the internet while
//! the staff console stays inside. Its router has no staff route at all:
//! a staff path asked here is a plain 404.
//!
//! - [`settings`]: `PUBLIC_*`, checked at start with the rest.
//! - [`credentials`]: the `portal` token the forms submit with.
//! - [`state`]: answers between pages, on the server, keyed by a cookie
//!   that also carries the CSRF check.
//! - [`multipart`]: the file upload's body.
//! - [`limit`]: a per-address token bucket on submissions.
//! - `complaint`, `compliment`: the pages.
//! - `follow`, `consent`, `fresh_link`: the complainant's side reached
//!   from the signed links in letters (`shared/links`): following and
//!   escalating a complaint, answering a consent request (R-INT-4), and
//!   asking for a fresh link. This listener holds no link secret; the
//!   services check every token (see `shared/links`).
//!
//! Abuse and safety, in one place here: every body is bounded before it
//! is read ([`PublicApp::max_body`]), every POST needs the form's cookie
//! and its CSRF token, a honeypot field silently drops bot posts, a
//! submission is rate limited per client address, and every response has
//! the same strict Content-Security-Policy as the console (no inline
//! script or style). No personal data goes into a URL or a log.
// A refusal is a ready response, axum's idiom for early returns.
#![allow(clippy::result_large_err)]
#![allow(clippy::needless_update)]

mod complaint;
mod compliment;
mod consent;
pub mod credentials;
mod follow;
mod fresh_link;
pub mod limit;
mod link;
pub mod multipart;
pub mod settings;
pub mod state;
mod tokens;

pub use settings::{PortalCredentials, PublicSettings, PublicSide};

use crate::services::Services;
use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use http_body_util::{BodyExt, Limited};
use minijinja::{Environment, Value, context};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

const CSS: &str = include_str!("../../assets/public.css");

/// The honeypot field: hidden from people (and from screen readers), so
/// only a bot filling every input sends it non-empty.
pub const HONEYPOT: &str = "website";

/// Room for the form's text beside two files.
const TEXT_ALLOWANCE: usize = 512 * 1024;

/// Everything a public request needs.
#[derive(Debug)]
pub struct PublicApp {
    pub side: PublicSide,
    pub services: Services,
    pub token: credentials::PortalToken,
    pub forms: state::Forms,
    pub limit: limit::RateLimit,
    /// Requests for a fresh follow link, per client address, apart from
    /// submissions so neither uses up the other.
    pub link_limit: limit::RateLimit,
    templates: Environment<'static>,
}

pub type Shared = Arc<PublicApp>;

fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Chainable);
    for (name, source) in [
        (
            "public/base.html",
            include_str!("../../templates/public/base.html"),
        ),
        (
            "public/fields.html",
            include_str!("../../templates/public/fields.html"),
        ),
        (
            "public/submission.html",
            include_str!("../../templates/public/submission.html"),
        ),
        (
            "public/other_ways.html",
            include_str!("../../templates/public/other_ways.html"),
        ),
        (
            "public/home.html",
            include_str!("../../templates/public/home.html"),
        ),
        (
            "public/start.html",
            include_str!("../../templates/public/start.html"),
        ),
        (
            "public/question.html",
            include_str!("../../templates/public/question.html"),
        ),
        (
            "public/files.html",
            include_str!("../../templates/public/files.html"),
        ),
        (
            "public/adjustments.html",
            include_str!("../../templates/public/adjustments.html"),
        ),
        (
            "public/check.html",
            include_str!("../../templates/public/check.html"),
        ),
        (
            "public/confirmation.html",
            include_str!("../../templates/public/confirmation.html"),
        ),
        (
            "public/message.html",
            include_str!("../../templates/public/message.html"),
        ),
        (
            "public/gone.html",
            include_str!("../../templates/public/gone.html"),
        ),
        (
            "public/follow.html",
            include_str!("../../templates/public/follow.html"),
        ),
        (
            "public/next_stage.html",
            include_str!("../../templates/public/next_stage.html"),
        ),
        (
            "public/consent.html",
            include_str!("../../templates/public/consent.html"),
        ),
        (
            "public/new_link.html",
            include_str!("../../templates/public/new_link.html"),
        ),
    ] {
        // Fixed at build time and rendered by the tests; a template that
        // does not parse makes its page a 500, not a crash.
        if let Err(error) = env.add_template(name, source) {
            tracing::error!(template = name, %error, "template does not parse");
        }
    }
    env
}

/// A visit's form: its cookie id and state, and the cookie to set when
/// the form was started by this request.
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: String,
    pub form: state::FormState,
    pub new_cookie: Option<String>,
}

/// A POST read whole: its form, fields and files.
#[derive(Debug)]
pub struct Post {
    pub visit: Visit,
    pub fields: crate::web::Fields,
    pub files: Vec<multipart::Upload>,
    pub client: IpAddr,
}

impl PublicApp {
    pub fn new(side: PublicSide, services: Services) -> Self {
        Self {
            token: credentials::PortalToken::new(side.credentials.clone()),
            limit: limit::RateLimit::new(side.submit_burst, side.submit_refill),
            link_limit: limit::RateLimit::new(side.submit_burst, side.submit_refill),
            forms: state::Forms::default(),
            services,
            templates: templates(),
            side,
        }
    }

    /// The largest body read: two files of the largest size and the text.
    pub fn max_body(&self) -> usize {
        self.side
            .attachment_max_bytes
            .saturating_mul(2)
            .saturating_add(TEXT_ALLOWANCE)
    }

    fn cookie_name(&self) -> &'static str {
        if self.side.url.secure_cookies() {
            "__Host-complaint-form"
        } else {
            "complaint_form"
        }
    }

    fn cookie(&self, id: &str) -> String {
        let secure = if self.side.url.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        // A session cookie: the form's idle expiry is kept on the server
        // (renewed by every page), so a slow writer is not cut off by a
        // fixed lifetime in the browser.
        format!(
            "{}={id}; HttpOnly; SameSite=Lax; Path=/{secure}",
            self.cookie_name()
        )
    }

    fn existing(&self, headers: &HeaderMap) -> Option<(String, state::FormState)> {
        let id = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == self.cookie_name())
            .map(|(_, v)| v.to_owned())?;
        let form = self.forms.get(&id, Instant::now())?;
        Some((id, form))
    }

    /// The visitor's form, started now when they have none.
    pub fn visit(&self, headers: &HeaderMap) -> Visit {
        match self.existing(headers) {
            Some((id, form)) => Visit {
                id,
                form,
                new_cookie: None,
            },
            None => {
                let (id, form) = self.forms.start(Instant::now());
                let cookie = self.cookie(&id);
                Visit {
                    id,
                    form,
                    new_cookie: Some(cookie),
                }
            }
        }
    }

    /// Reads a POST: bounded before it is read (413 naming the files
    /// field when too large), then its form cookie and CSRF token checked
    /// (403 otherwise, nothing done), then the honeypot (a bot's post is
    /// answered as if accepted and dropped).
    pub async fn read_post(&self, request: Request) -> Result<Post, Response> {
        let (parts, body) = request.into_parts();
        let client = self.client(&parts.headers, parts.extensions.get());
        let max = self.max_body();
        let declared = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|n| n > max) {
            return Err(self.too_large());
        }
        let Ok(collected) = Limited::new(body, max).collect().await else {
            return Err(self.too_large());
        };
        let bytes = collected.to_bytes();
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let (fields, files) = match multipart::boundary(content_type) {
            Some(boundary) => match multipart::parse(&bytes, &boundary) {
                Some(p) => (p.fields, p.files),
                None => return Err(self.bad_request()),
            },
            None => (
                crate::web::Fields::parse(&bytes).pairs().to_vec(),
                Vec::new(),
            ),
        };
        let fields = fields_from(fields);
        let Some((id, form)) = self.existing(&parts.headers) else {
            return Err(self.expired());
        };
        if !form.csrf_matches(fields.get_opt("csrf_token")) {
            return Err(self.expired());
        }
        let visit = Visit {
            id,
            form,
            new_cookie: None,
        };
        if !fields.get(HONEYPOT).is_empty() {
            tracing::info!("a post filling the honeypot field was dropped");
            return Err(self.message(
                StatusCode::OK,
                Some(&visit),
                "Thank you",
                "We have received your form.",
            ));
        }
        Ok(Post {
            visit,
            fields,
            files,
            client,
        })
    }

    /// The client's address: the connection's peer, or the last address
    /// in `X-Forwarded-For` when one trusted proxy sets it.
    fn client(&self, headers: &HeaderMap, peer: Option<&ConnectInfo<SocketAddr>>) -> IpAddr {
        let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
        if !self.side.trust_forwarded_for {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|a| a.trim().parse::<IpAddr>().ok())
            .next_back()
            .unwrap_or(peer)
    }

    /// One submission from `client`, or 429 with a plain page.
    pub fn admit(&self, client: IpAddr, visit: &Visit) -> Result<(), Response> {
        if self.limit.allow(client, Instant::now()) {
            Ok(())
        } else {
            tracing::warn!("a submission was refused by the rate limit");
            let mut response = self.message(
                StatusCode::TOO_MANY_REQUESTS,
                Some(visit),
                "Too many forms sent",
                "Too many forms have been sent from your connection in a short time. Your answers are kept: wait a few minutes, then go back and send the form again.",
            );
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(self.side.submit_refill.as_secs()),
            );
            Err(response)
        }
    }

    /// One request for a fresh link from `client`, or 429 with a plain page.
    pub fn admit_link_request(&self, client: IpAddr, visit: &Visit) -> Result<(), Response> {
        if self.link_limit.allow(client, Instant::now()) {
            return Ok(());
        }
        tracing::warn!("a request for a fresh link was refused by the rate limit");
        let mut response = self.message(
            StatusCode::TOO_MANY_REQUESTS,
            Some(visit),
            "Too many requests",
            "Too many new links have been asked for from your connection in a short time. Wait a few minutes, then try again.",
        );
        response.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(self.side.submit_refill.as_secs()),
        );
        Err(response)
    }

    /// Renders `template` with `page` and what every page needs.
    pub fn render(
        &self,
        status: StatusCode,
        visit: Option<&Visit>,
        template: &str,
        page: Value,
    ) -> Response {
        let ctx = context! {
            csrf => visit.map(|v| v.form.csrf.clone()),
            honeypot => HONEYPOT,
            max_file_mb => self.side.attachment_max_bytes.div_ceil(1024 * 1024),
            ..page
        };
        let rendered = self
            .templates
            .get_template(template)
            .and_then(|t| t.render(ctx));
        let mut response = match rendered {
            Ok(html) => (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                html,
            )
                .into_response(),
            Err(error) => {
                tracing::error!(template, %error, "public page could not be rendered");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, the page could not be shown.",
                )
                    .into_response()
            }
        };
        if let Some(cookie) = visit.and_then(|v| v.new_cookie.as_deref())
            && let Ok(value) = HeaderValue::from_str(cookie)
        {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        response
    }

    pub fn message(
        &self,
        status: StatusCode,
        visit: Option<&Visit>,
        title: &str,
        message: &str,
    ) -> Response {
        self.render(
            status,
            visit,
            "public/message.html",
            context! { title => title, message => message },
        )
    }

    fn too_large(&self) -> Response {
        let limit = self.side.attachment_max_bytes.div_ceil(1024 * 1024);
        self.render(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "public/message.html",
            context! {
                title => "The files are too large",
                message => "Nothing was saved. Go back and choose smaller files.",
                back => "/complaint/files",
                errors => vec![context! {
                    field => "files",
                    message => format!("R-INT-1: The selected files must each be smaller than {limit} MB"),
                }],
            },
        )
    }

    fn bad_request(&self) -> Response {
        self.message(
            StatusCode::BAD_REQUEST,
            None,
            "Sorry, the form could not be read",
            "Go back and try again.",
        )
    }

    fn expired(&self) -> Response {
        self.message(
            StatusCode::FORBIDDEN,
            None,
            "Sorry, this form has expired",
            "Forms end after an hour without use, or when sent from another website. Nothing was sent. Start again from the beginning.",
        )
    }

    /// The page for a call that failed for a reason other than the answers.
    pub fn service_failed(&self, visit: &Visit, status: &tonic::Status) -> Response {
        tracing::warn!(code = ?status.code(), "a public submission could not be made");
        self.message(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(visit),
            "Sorry, there is a problem with the service",
            "Your form has not been sent. Your answers are kept for an hour: try again later.",
        )
    }
}

fn fields_from(pairs: Vec<(String, String)>) -> crate::web::Fields {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs.iter())
        .finish();
    crate::web::Fields::parse(body.as_bytes())
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn healthz() -> &'static str {
    "ok"
}

async fn home(State(app): State<Shared>) -> Response {
    app.render(
        StatusCode::OK,
        None,
        "public/home.html",
        context! { contact => app.side.contact },
    )
}

async fn not_found(State(app): State<Shared>) -> Response {
    app.message(
        StatusCode::NOT_FOUND,
        None,
        "Page not found",
        "If you typed the web address, check it is correct.",
    )
}

/// Redirect after a POST (303 See Other).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// Every public route; nothing of the staff console.
pub fn router(app: Shared) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/assets/public.css", get(css))
        .merge(complaint::routes())
        .merge(compliment::routes())
        .merge(follow::routes())
        .merge(consent::routes())
        .merge(fresh_link::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(crate::web::security_headers))
        .layer(axum::middleware::from_fn(tokens::out_of_the_path))
        .with_state(app)
}
