//! Letters for intake's events: the automatic reply (R-INT-8), redirection
//! (R-INT-6), an out-of-time decline (R-INT-2), consent (R-INT-4) and
//! compliments (R-POS-1). Intake's events carry their own reference.

use super::{PlanContext, PlanError, staff};
use crate::core::letters::{
    AutomaticReply, ComplimentForManager, ConsentRequest, Letter, OutOfTimeDeclined,
    RedirectNotice, StaffAddressee, ThirdPartyNotice,
};
use crate::core::party::Party;
use crate::core::wire::{Wire, is};
use calendar::WorkingDays;
use complaints_proto::v1 as pb;

/// `None` when the event is not one of intake's letter-bearing events.
pub(super) fn letters(
    w: Wire<'_>,
    payload: &[u8],
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Option<Vec<Letter>>, PlanError> {
    let t = w.0;
    let letters = if is::<pb::ComplaintAccepted>(t) {
        accepted(w, w.decode(payload)?, party)?
    } else if is::<pb::OutOfTimeReviewRequired>(t) {
        age_review(party)
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

/// R-INT-8: a written submission gets the automatic reply, promising
/// contact within the configured working days and by which date. It
/// quotes the reference the party now holds: the complaint's, if the
/// complaint was opened first, saying which reference it replaces. When
/// the complainant holds no reference yet, it waits for the opening, a
/// moment later, so the one reference they are given is the complaint's
/// (see [`Party::reply_on_opening`]).
fn accepted(
    w: Wire<'_>,
    e: pb::ComplaintAccepted,
    party: &Party,
) -> Result<Vec<Letter>, PlanError> {
    if !e.written || party.reply_on_opening {
        return Ok(Vec::new());
    }
    if e.contact_within_working_days == 0 {
        return Err(w.missing("contact_within_working_days").into());
    }
    let event_reference = w.text("reference", &e.reference)?;
    Ok(vec![Letter::AutomaticReply(AutomaticReply {
        reference: party.reference.clone().unwrap_or(event_reference),
        contact: Some((
            WorkingDays::new(e.contact_within_working_days),
            w.required_date("contact_due_on", e.contact_due_on.as_ref())?,
        )),
        awaiting_age_decision: false,
        after_age_decision: party.age_reviewed,
        replaces: party
            .replaced_reference
            .clone()
            .or_else(|| party.submission_reference.clone()),
    })])
}

/// R-INT-8 with R-INT-2: every written submission gets the automatic reply,
/// one about a matter too old to consider without a compelling reason too:
/// it says a member of staff will decide, and when they will make contact.
fn age_review(party: &Party) -> Vec<Letter> {
    match (&party.reference, party.written) {
        (Some(reference), true) => vec![Letter::AutomaticReply(AutomaticReply {
            reference: reference.clone(),
            contact: party.contact,
            awaiting_age_decision: true,
            after_age_decision: false,
            replaces: None,
        })],
        _ => Vec::new(),
    }
}

/// R-INT-4: the individual is asked for consent, and the third party is
/// told that consent is needed before anything is reported to them. That
/// notice is the third party's automatic reply (R-INT-8): for a written
/// submission it promises contact within the configured working days and
/// gives the date intake worked out by the calendar.
fn consent_requested(w: Wire<'_>, e: pb::ConsentRequested) -> Result<Vec<Letter>, PlanError> {
    let reference = w.text("reference", &e.reference)?;
    let tp = e.third_party.ok_or_else(|| w.missing("third_party"))?;
    let due = w.date("contact_due_on", e.contact_due_on.as_ref())?;
    let contact = due
        .filter(|_| e.written && e.contact_within_working_days > 0)
        .map(|by| (WorkingDays::new(e.contact_within_working_days), by));
    Ok(vec![
        Letter::ConsentRequest(ConsentRequest {
            reference: reference.clone(),
            third_party_name: w.text("third_party.name", &tp.name)?,
            relationship: tp.relationship.trim().to_owned(),
            organisation: tp.organisation.trim().to_owned(),
        }),
        Letter::ThirdPartyNotice(ThirdPartyNotice { reference, contact }),
    ])
}

/// R-POS-1: one letter per manager the compliment was routed to; one the
/// staff directory lacks still gets it, through the unlisted-staff mailbox.
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
            let StaffAddressee { to, unlisted } = staff(ctx, id);
            Ok(Letter::ComplimentForManager(ComplimentForManager {
                to,
                unlisted,
                reference: reference.clone(),
                team: team.clone(),
                about_person: (!about.is_empty()).then(|| about.to_owned()),
                message: message.clone(),
            }))
        })
        .collect()
}
