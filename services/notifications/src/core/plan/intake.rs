//! Letters for intake's events: the automatic reply (R-INT-8), redirection
//! (R-INT-6), an out-of-time decline (R-INT-2), consent (R-INT-4) and
//! compliments (R-POS-1). Intake's events carry their own reference.

use super::{PlanContext, PlanError, staff};
use crate::core::letters::{
    AutomaticReply, ComplimentForManager, ConsentRequest, Letter, OutOfTimeDeclined,
    RedirectNotice, ThirdPartyNotice,
};
use crate::core::wire::{Wire, is};
use calendar::WorkingDays;
use complaints_proto::v1 as pb;

/// `None` when the event is not one of intake's letter-bearing events.
pub(super) fn letters(
    w: Wire<'_>,
    payload: &[u8],
    ctx: &PlanContext<'_>,
) -> Result<Option<Vec<Letter>>, PlanError> {
    let t = w.0;
    let letters = if is::<pb::ComplaintAccepted>(t) {
        accepted(w, w.decode(payload)?)?
    } else if is::<pb::ComplaintRedirected>(t) {
        let e: pb::ComplaintRedirected = w.decode(payload)?;
        vec![Letter::RedirectNotice(RedirectNotice {
            reference: w.text("reference", &e.reference)?,
            redirected_to: w.text("redirected_to", &e.redirected_to)?,
            dealt_with_by: w.text("dealt_with_by", &e.dealt_with_by)?,
        })]
    } else if is::<pb::OutOfTimeDeclined>(t) {
        let e: pb::OutOfTimeDeclined = w.decode(payload)?;
        vec![Letter::OutOfTimeDeclined(OutOfTimeDeclined {
            reference: w.text("reference", &e.reference)?,
            reason: w.text("reason", &e.reason)?,
        })]
    } else if is::<pb::ConsentRequested>(t) {
        consent_requested(w, w.decode(payload)?)?
    } else if is::<pb::ComplimentReceived>(t) {
        compliment(w, w.decode(payload)?, ctx)?
    } else {
        return Ok(None);
    };
    Ok(Some(letters))
}

/// R-INT-8: only a written submission gets the automatic reply.
fn accepted(w: Wire<'_>, e: pb::ComplaintAccepted) -> Result<Vec<Letter>, PlanError> {
    if !e.written {
        return Ok(Vec::new());
    }
    if e.contact_within_working_days == 0 {
        return Err(w.missing("contact_within_working_days").into());
    }
    Ok(vec![Letter::AutomaticReply(AutomaticReply {
        reference: w.text("reference", &e.reference)?,
        contact_within: WorkingDays::new(e.contact_within_working_days),
        contact_by: w.required_date("contact_due_on", e.contact_due_on.as_ref())?,
    })])
}

/// R-INT-4: the individual is asked for consent, and the third party is
/// told that consent is needed before anything is reported to them.
fn consent_requested(w: Wire<'_>, e: pb::ConsentRequested) -> Result<Vec<Letter>, PlanError> {
    let reference = w.text("reference", &e.reference)?;
    let tp = e.third_party.ok_or_else(|| w.missing("third_party"))?;
    Ok(vec![
        Letter::ConsentRequest(ConsentRequest {
            reference: reference.clone(),
            third_party_name: w.text("third_party.name", &tp.name)?,
            relationship: tp.relationship.trim().to_owned(),
            organisation: tp.organisation.trim().to_owned(),
        }),
        Letter::ThirdPartyNotice(ThirdPartyNotice { reference }),
    ])
}

/// R-POS-1: one letter per manager the compliment was routed to.
fn compliment(
    w: Wire<'_>,
    e: pb::ComplimentReceived,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let reference = w.text("reference", &e.reference)?;
    let team = w.text("team", &e.team)?;
    let message = w.text("message", &e.message)?;
    let about = e.about_person.trim();
    e.routed_to
        .iter()
        .map(|id| {
            Ok(Letter::ComplimentForManager(ComplimentForManager {
                to: staff(ctx, id)?,
                reference: reference.clone(),
                team: team.clone(),
                about_person: (!about.is_empty()).then(|| about.to_owned()),
                message: message.clone(),
            }))
        })
        .collect()
}
