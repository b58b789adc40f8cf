use super::deadline_after;
use crate::domain::command::Open;
use crate::domain::context::Context;
use crate::domain::event::{ComplaintOpened, Event};
use crate::domain::refusal::Refusal;
use crate::domain::types::DeadlineKind;

/// Opens a complaint at Stage 1. A written submission starts the
/// first-contact deadline: `policy.first_contact` working days after the UK
/// date of receipt (R-S1-1, R-INT-8). A follow-on names the closed
/// complaint it was raised from (R-UPC-2).
pub(super) fn open(c: Open, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    if c.received_at > ctx.now {
        return Err(Refusal::invalid(
            "R-S1-1",
            "received_at",
            format!("{} is in the future", c.received_at),
        ));
    }
    if c.raised_from == Some(c.reference) {
        return Err(Refusal::invalid(
            "R-UPC-2",
            "raised_from",
            format!("{} cannot be raised from itself", c.reference),
        ));
    }
    let received_on = calendar::uk_date(c.received_at);
    let mut events = vec![Event::ComplaintOpened(ComplaintOpened {
        reference: c.reference,
        submission_id: c.submission_id,
        channel: c.channel,
        received_at: c.received_at,
        received_on,
        written: c.written,
        query_category: c.query_category,
        qualification: c.qualification,
        correspondence_by_post: c.correspondence_by_post,
        raised_from: c.raised_from,
        submitted_by: c.submitted_by,
        adjustments: c.adjustments,
    })];
    if c.written {
        events.push(deadline_after(
            DeadlineKind::FirstContact,
            received_on,
            ctx.policy.first_contact,
            ctx,
        ));
    }
    Ok(events)
}
