//! The web console: server-rendered pages for staff, calling the four
//! services over gRPC with the signed-in person's own token, so every
//! role, team and independence rule the services enforce applies
//! unchanged (R-CONF-1). It holds no domain state: sessions only.
//!
//! - [`settings`]: `CONSOLE_*`, `*_URL`, `OIDC_*` or `AUTH_DEV_SECRET`,
//!   `SESSION_*`, checked at start.
//! - [`session`]: server-side sessions in memory, CSRF tokens, flash.
//! - [`oidc`]: OpenID Connect sign-in (code + PKCE + state + nonce).
//! - [`services`]: one lazy gRPC channel per service; each call carries
//!   the person's bearer token and the trace context.
//! - [`error`]: what a refused call means on a page, in one place.
//! - [`present`]: dates in words, deadline states, the procedure's words.
//! - `web`: the router, security headers, pages and the generic step form.
//! - [`public`]: the complaint and compliment forms for the public, on a
//!   listener of their own (`PUBLIC_ADDR`) with no staff page behind it.
//!
//! # Adding a page
//!
//! 1. Add a template `templates/<page>.html` that `{% extends "base.html" %}`
//!    with a unique `{% block title %}` and one `<h1>`; list it in
//!    `templates()` in `src/web/mod.rs` (templates are embedded).
//! 2. Add a module under `src/web/` with `pub fn routes() -> Router<Shared>`
//!    and merge it in `web::router`. A handler takes `State(app)` and a
//!    [`web::Staff`] (signed-in person; anyone else is sent to sign in), calls
//!    a service with `app.services.<service>(&staff.person.token)`, turns a
//!    failed call into a page with `app.call_failed(&staff.visit, status.into(),
//!    back)` and renders with `app.render(StatusCode::OK, &staff.visit,
//!    "<page>.html", context! { .. })`.
//! 3. A POST handler takes the body as `Bytes` and reads it with
//!    `app.form(&staff.visit, &body)`, which refuses a missing or wrong CSRF
//!    token with 403; every form carries `<input type="hidden"
//!    name="csrf_token" value="{{ csrf }}">`. After success, `app.flash(..)`
//!    and redirect (`web::see_other`). A step on a complaint or submission
//!    is better declared in `web::steps` (one [`web::steps::Step`] each).
//! 4. No personal data in URLs, logs or spans; no inline script or style.
#![forbid(unsafe_code)]

mod app;
pub mod error;
mod http_client;
pub mod oidc;
pub mod present;
pub mod public;
pub mod services;
pub mod session;
pub mod settings;
pub mod web;

pub use app::{Application, StartError};
pub use settings::Settings;
