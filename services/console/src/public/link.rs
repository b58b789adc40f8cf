//! Opening a signed link from a letter (`/follow/{token}`,
//! `/consent/{token}`): one path for both purposes.
//!
//! The token goes into the visitor's server-side session and the answer
//! is a redirect, so it leaves the address bar (and any Referer: every
//! public page sends `Referrer-Policy: no-referrer`). This listener holds
//! no secret, so before remembering the link it asks the service that
//! owns the record to check it (complaints for a follow link to a
//! complaint, intake for one to a submission not yet opened as a
//! complaint and for a consent link, R-INT-4): a link that is expired, tampered with, for
//! another purpose or for a record no longer held gets the one "this link
//! no longer works" page at once, never a form that fails on submit.

use super::state::Capability;
use super::tokens::LinkToken;
use super::{PublicApp, Shared, see_other};
use axum::Extension;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use complaints_proto::v1 as pb;
use links::Purpose;

/// The link's own words for a log line (never the token or the record).
fn name(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::Follow => "follow",
        Purpose::Consent => "consent",
    }
}

/// Whether a follow link names a complaint (`CMP-...`), which complaints
/// answers for, rather than a submission not yet opened as a complaint
/// (its id, from a letter under a `SUB-` reference), which intake does.
pub fn is_complaint(record: &str) -> bool {
    record.starts_with("CMP-")
}

/// Asks the service that owns the record whether the link works.
async fn check(
    app: &PublicApp,
    portal: &str,
    purpose: Purpose,
    link: &Capability,
) -> Result<(), tonic::Status> {
    match purpose {
        Purpose::Follow if !is_complaint(&link.record) => app
            .services
            .intake(portal)
            .get_submitter_view(pb::GetSubmitterViewRequest {
                submission_id: link.record.clone(),
                link_token: link.token.clone(),
            })
            .await
            .map(drop),
        Purpose::Follow => app
            .services
            .complaints(portal)
            .get_complainant_view(pb::GetComplainantViewRequest {
                reference: link.record.clone(),
                link_token: link.token.clone(),
            })
            .await
            .map(drop),
        Purpose::Consent => app
            .services
            .intake(portal)
            .check_consent_link(pb::CheckConsentLinkRequest {
                submission_id: link.record.clone(),
                link_token: link.token.clone(),
            })
            .await
            .map(drop),
    }
}

/// Opens the link in `token` for `purpose`: checked by its service, then
/// kept in the session, then a redirect to the page it is for.
pub async fn open_link(
    app: &PublicApp,
    purpose: Purpose,
    token: Option<Extension<LinkToken>>,
    headers: &HeaderMap,
) -> Response {
    let token = token.map(|Extension(LinkToken(t))| t).unwrap_or_default();
    let record = match links::peek(&token) {
        Some((claimed, record)) if claimed == purpose => record.to_owned(),
        _ => {
            tracing::info!(
                link = name(purpose),
                reason = "malformed",
                "a link was refused"
            );
            return app.link_gone(None);
        }
    };
    let link = Capability { record, token };
    let visit = app.visit(headers);
    let portal = match app.portal_token(&visit).await {
        Ok(t) => t,
        Err(page) => return page,
    };
    if let Err(status) = check(app, &portal, purpose, &link).await {
        return app.link_call_failed(&visit, &status);
    }
    let _ = app.forms.update(&visit.id, |f| match purpose {
        Purpose::Follow => f.follow = Some(link),
        Purpose::Consent => f.consent = Some(link),
    });
    let to = match purpose {
        Purpose::Follow => "/your-complaint",
        Purpose::Consent => "/consent",
    };
    with_cookie(see_other(to), &visit)
}

/// `GET /follow/{token}`.
pub async fn open_follow(
    State(app): State<Shared>,
    token: Option<Extension<LinkToken>>,
    headers: HeaderMap,
) -> Response {
    open_link(&app, Purpose::Follow, token, &headers).await
}

/// `GET /consent/{token}`.
pub async fn open_consent(
    State(app): State<Shared>,
    token: Option<Extension<LinkToken>>,
    headers: HeaderMap,
) -> Response {
    open_link(&app, Purpose::Consent, token, &headers).await
}

/// Sets the session cookie on a redirect when this request started it.
pub fn with_cookie(mut response: Response, visit: &super::Visit) -> Response {
    if let Some(cookie) = visit.new_cookie.as_deref()
        && let Ok(value) = axum::http::HeaderValue::from_str(cookie)
    {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, value);
    }
    response
}
