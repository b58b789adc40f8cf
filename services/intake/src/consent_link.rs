//! The consent link (`shared/links`, R-INT-4): the public pages record the
//! individual's consent, or its withdrawal, with the link sent to them in
//! the consent request. Every public submission is made by the same
//! `portal` subject, so the link, checked here for the submission named,
//! is what narrows the portal to the one submission its holder was sent.

use links::{LinkKey, Purpose};
use platform::metrics::CountsByReason;

/// Consent links refused since start, by kind.
static REFUSED: links::Refusals = links::Refusals::new();

/// Whether `token` is a live consent link for `submission_id` at `now`
/// (seconds since 1970); the kind of refusal otherwise, counted and
/// logged (never the token).
pub fn check(
    key: Option<&LinkKey>,
    token: &str,
    submission_id: &str,
    now: i64,
    rpc: &str,
) -> Result<(), &'static str> {
    let verified = match key {
        None => Err("links_off"),
        Some(key) => key
            .verify_for(token, Purpose::Consent, submission_id, now)
            .map(drop)
            .map_err(|e| e.kind()),
    };
    if let Err(kind) = verified {
        REFUSED.record(kind);
        tracing::warn!(reason = kind, rpc, "a consent link was refused");
    }
    verified
}

/// `intake_consent_links_refused_total{reason}`: links refused by kind (expired, tampered, ...),
/// never anything from the link itself.
pub const LINK_METRICS: CountsByReason = CountsByReason {
    name: "intake_consent_links_refused_total",
    help: "Consent links refused, by why (the page says only that the link no longer works).",
    counts: || REFUSED.counts().collect(),
};
