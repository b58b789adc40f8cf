//! The consent link (`shared/links`, R-INT-4): the public pages record the
//! individual's consent, or its withdrawal, with the link sent to them in
//! the consent request. Every public submission is made by the same
//! `portal` subject, so the link, checked here for the submission named,
//! is what narrows the portal to the one submission its holder was sent.

use links::{LinkKey, Purpose};
use platform::metrics::CountsByReason;

/// Consent links refused since start, by kind.
static REFUSED: links::Refusals = links::Refusals::new();

/// Follow links for a submission refused since start, by kind.
static FOLLOW_REFUSED: links::Refusals = links::Refusals::new();

/// Whether `token` is a live `purpose` link for `submission_id` at `now`
/// (seconds since 1970): a consent link (R-INT-4), or a follow link sent
/// before a complaint was opened. The kind of refusal otherwise, counted
/// by purpose and logged (never the token).
pub fn check(
    key: Option<&LinkKey>,
    purpose: Purpose,
    token: &str,
    submission_id: &str,
    now: i64,
    rpc: &str,
) -> Result<(), &'static str> {
    let verified = match key {
        None => Err("links_off"),
        Some(key) => key
            .verify_for(token, purpose, submission_id, now)
            .map(drop)
            .map_err(|e| e.kind()),
    };
    if let Err(kind) = verified {
        match purpose {
            Purpose::Consent => REFUSED.record(kind),
            Purpose::Follow => FOLLOW_REFUSED.record(kind),
        }
        tracing::warn!(reason = kind, rpc, ?purpose, "a link was refused");
    }
    verified
}

/// `intake_follow_links_refused_total{reason}`: follow links for a
/// submission refused by kind, never anything from the link itself.
pub const FOLLOW_LINK_METRICS: CountsByReason = CountsByReason {
    name: "intake_follow_links_refused_total",
    help: "Follow links for a submission refused, by why (the page says only that the link no longer works).",
    counts: || FOLLOW_REFUSED.counts().collect(),
};

/// `intake_consent_links_refused_total{reason}`: links refused by kind (expired, tampered, ...),
/// never anything from the link itself.
pub const LINK_METRICS: CountsByReason = CountsByReason {
    name: "intake_consent_links_refused_total",
    help: "Consent links refused, by why (the page says only that the link no longer works).",
    counts: || REFUSED.counts().collect(),
};
