//! The complainant's side, reached from the public pages with a signed
//! link (`shared/links`): what they may see of their complaint, and the
//! check that a `portal` caller holds a follow link for the complaint it
//! names.
//!
//! Why the service checks the link as well as the public listener: every
//! public submission is made by the same `portal` subject, so the portal
//! role alone reaches every complaint made through the public forms. The
//! link narrows that to the one complaint its holder was sent (defence in
//! depth: a compromised public listener cannot read or act on others).
//! Staff never send a link; their reach is checked as before.

use crate::domain::state::Deadline;
use crate::domain::types::{DeadlineKind, Stage};
use crate::domain::{Complaint, Status};
use crate::edge::vocabulary as voc;
use crate::error::ComplaintsError;
use crate::reach;
use crate::view;
use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;
use links::{LinkKey, Purpose};
use platform::auth::{AccessAudit, Principal, Role};
use platform::metrics::CountsByReason;

/// Follow links refused since start, by kind.
static REFUSED: links::Refusals = links::Refusals::new();

/// `complaints_follow_links_refused_total{reason}`: links refused by kind (expired, tampered, ...),
/// never anything from the link itself.
pub const LINK_METRICS: CountsByReason = CountsByReason {
    name: "complaints_follow_links_refused_total",
    help: "Follow links refused, by why (the page says only that the link no longer works).",
    counts: || REFUSED.counts().collect(),
};

/// Refuses, recorded in the access audit, unless `token` is a live follow
/// link for `reference` signed with `key`, or for `opened_from`, the
/// submission the complaint was opened from: the automatic reply sent
/// under the submission's reference before the complaint existed carried
/// that link, and it goes on working for the complaint once opened. Only
/// the kind of a refusal is logged, never the token.
#[allow(clippy::too_many_arguments)]
pub async fn check_link(
    audit: &AccessAudit,
    key: Option<&LinkKey>,
    who: &Principal,
    method: &str,
    reference: &str,
    opened_from: Option<&str>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), ComplaintsError> {
    let at = now.timestamp();
    let verified = match key {
        None => Err("links_off"),
        Some(key) => match key.verify_for(token, Purpose::Follow, reference, at) {
            Err(links::LinkError::WrongRecord) if opened_from.is_some() => key
                .verify_for(token, Purpose::Follow, opened_from.unwrap_or_default(), at)
                .map(drop)
                .map_err(|e| e.kind()),
            other => other.map(drop).map_err(|e| e.kind()),
        },
    };
    match verified {
        Ok(()) => Ok(()),
        Err(kind) => {
            REFUSED.record(kind);
            tracing::warn!(reason = kind, method, "a follow link was refused");
            Err(reach::forbid(audit, who, &reach::method(method), reference).await)
        }
    }
}

/// A link that checked out but names a complaint no longer here (R-CONF-2:
/// destroyed at the end of its retention period) is refused as
/// NOT_FOUND, which the public page shows as "this link no longer works";
/// it is counted with the other refusals, as [`links::RECORD_GONE`].
pub fn count_gone(error: &ComplaintsError) {
    if matches!(error, ComplaintsError::NotFound(_)) {
        REFUSED.record(links::RECORD_GONE);
        tracing::warn!(reason = links::RECORD_GONE, "a follow link was refused");
    }
}

/// Whether `who` must show a link: a `portal` caller without a staff role.
pub fn needs_link(who: &Principal) -> bool {
    who.has(Role::Portal) && !who.has_any(&[Role::Handler, Role::Manager, Role::ComplianceManager])
}

/// R-S1-4 (c): at Stage 1 the agreed timescale (after any revision) has
/// passed on `today` without an outcome, or passed before the outcome came.
fn ground_c_available(state: &Complaint, today: NaiveDate) -> bool {
    if state.stage != Some(Stage::One) {
        return false;
    }
    let outcome = state.current_record().and_then(|r| r.outcome.as_ref());
    match (state.deadlines.get(&DeadlineKind::AgreedTimescale), outcome) {
        (Some(agreed), None) => agreed.is_live() && today > agreed.due_on,
        (Some(agreed), Some(outcome)) => outcome.issued_on > agreed.due_on,
        (None, _) => false,
    }
}

/// The stage the complainant may ask for now: the next one after an
/// outcome of the current stage whose window has not ended (R-S2-1,
/// R-S3-1), or Stage 2 on ground (c) (R-S1-4).
fn next_stage(state: &Complaint, today: NaiveDate) -> Option<Stage> {
    let stage = state.stage?;
    let next = stage.next()?;
    if state.status == Status::NotOpened {
        return None;
    }
    let outcome = state.current_record().and_then(|r| r.outcome.as_ref());
    // R-S2-1, R-S3-1: until the outcome is known to have reached the
    // complainant the window stays open, whatever its provisional end.
    let awaiting_receipt = view::awaits_receipt(state, DeadlineKind::EscalationWindow(stage));
    let in_window = outcome.is_some_and(|o| {
        let end = state
            .deadlines
            .get(&DeadlineKind::EscalationWindow(stage))
            .map(|d| d.due_on)
            .or(o.escalation_window_ends_on);
        today >= o.issued_on && (awaiting_receipt || end.is_none_or(|end| today <= end))
    });
    (in_window || ground_c_available(state, today)).then_some(next)
}

/// A deadline the complainant is still waiting on.
fn deadline_view(d: &Deadline) -> pb::DeadlineView {
    let (kind, stage) = view::deadline_kind(d.kind);
    pb::DeadlineView {
        kind: kind as i32,
        stage: stage as i32,
        due_on: Some(view::date(d.due_on)),
        met_on: None,
        approaching: false,
        missed: d.missed_marked_on.is_some(),
        // The complainant's page shows their own deadlines only.
        awaiting_receipt: false,
    }
}

/// The complaint as its complainant sees it on `today`: no handler, team,
/// actions, notes or other parties.
pub fn complainant_view(state: &Complaint, today: NaiveDate) -> pb::ComplainantView {
    let staff_view = view::complaint_view(state);
    let mut deadlines: Vec<&Deadline> = state.live_deadlines().collect();
    deadlines.sort_by_key(|d| (d.due_on, d.kind));
    let outcomes = staff_view
        .outcomes
        .into_iter()
        .map(|mut o| {
            for remedy in &mut o.remedies {
                remedy.action_id = 0;
            }
            o
        })
        .collect();
    pb::ComplainantView {
        reference: staff_view.reference,
        stage: staff_view.stage,
        closed: staff_view.closed,
        received_at: staff_view.received_at,
        deadlines: deadlines.into_iter().map(deadline_view).collect(),
        outcomes,
        no_response_ground_available: ground_c_available(state, today),
        next_stage: next_stage(state, today).map_or(pb::Stage::Unspecified, voc::to_stage) as i32,
    }
}
