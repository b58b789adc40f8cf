//! Which letters an incoming event calls for.
//!
//! The shell applies the event to the complaint's [`Party`] first, then
//! asks [`letters_for`]; it routes each letter with
//! [`super::route::route`] and renders it per recipient. Event types this
//! module does not know call for no letter, so the shell can pass every
//! event on the bus.

mod complaint;
mod intake;

use super::letters::StaffContact;
use super::party::Party;
use super::route::RecipientKind;
use super::wire::{Wire, WireError};
use crate::core::letters::{
    Alert, GivenUpRecipient, Letter, StaffAddressee, StaffAlert, template_named,
};
use calendar::WorkingDays;
use std::collections::HashMap;
use thiserror::Error;

/// Staff names and work emails, by staff id: events carry only ids.
///
/// A staff id missing from the directory never withholds or blocks a
/// letter: the complainant's letter names the role instead of a person,
/// and a letter meant for that member of staff goes to the directory's
/// [`StaffDirectory::unlisted_mailbox`] (a team mailbox) saying whom it
/// was for. The shell is told through [`StaffDirectory::unlisted`], so an
/// operator sees the gap (a warning and a metric) and fills it.
pub trait StaffDirectory {
    fn contact(&self, staff_id: &str) -> Option<StaffContact>;

    /// Where letters for staff missing from the directory go, if anywhere.
    fn unlisted_mailbox(&self) -> Option<StaffContact> {
        None
    }

    /// `staff_id` was looked up and is not in the directory.
    fn unlisted(&self, _staff_id: &str) {}
}

impl StaffDirectory for HashMap<String, StaffContact> {
    fn contact(&self, staff_id: &str) -> Option<StaffContact> {
        self.get(staff_id).cloned()
    }

    /// The entry `*`, when there is one.
    fn unlisted_mailbox(&self) -> Option<StaffContact> {
        self.get(UNLISTED).cloned()
    }
}

/// The directory id of the mailbox for letters to unlisted staff.
pub const UNLISTED: &str = "*";

/// Configuration of the letters (values the procedure leaves open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSettings {
    /// R-S3-5: the Stage 3 response time the acknowledgement quotes; it must
    /// agree with the complaints service's policy. Default 20 working days.
    pub stage3_response: WorkingDays,
    /// R-MON-1: staff ids told of every missed deadline, and of an
    /// approaching one when nobody is allocated yet (e.g. the Customer
    /// Service Managers' mailbox).
    pub monitors: Vec<String>,
}

impl Default for PlanSettings {
    fn default() -> Self {
        Self {
            stage3_response: WorkingDays::new(20),
            monitors: Vec::new(),
        }
    }
}

/// What planning needs besides the event and the party.
#[derive(Clone, Copy)]
pub struct PlanContext<'a> {
    pub staff: &'a dyn StaffDirectory,
    pub settings: &'a PlanSettings,
}

impl std::fmt::Debug for PlanContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlanContext")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// Why an event's letters could not be planned. The event is not lost:
/// the shell logs the error and retries once the cause is fixed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PlanError {
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error(
        "{event_type}: no reference is known for this complaint (was ComplaintOpened applied?)"
    )]
    NoReference { event_type: String },
}

/// The letters `event_type` with `payload` calls for, given the party
/// state *after* the event was applied. A complaint event's letters quote
/// the party's latest reference; see [`letters_about`].
pub fn letters_for(
    event_type: &str,
    payload: &[u8],
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    letters_about(None, event_type, payload, party, ctx)
}

/// [`letters_for`] an event of the complaint `complaint` (its stream id):
/// a party may hold several complaints (R-UPC-2: new issues after closure
/// open another), and each letter quotes the reference of the complaint
/// it is about, never a later one's.
pub fn letters_about(
    complaint: Option<&str>,
    event_type: &str,
    payload: &[u8],
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let w = Wire(event_type);
    if let Some(letters) = intake::letters(w, payload, party, ctx)? {
        return Ok(letters);
    }
    complaint::letters(w, payload, complaint, party, ctx)
}

/// R-INT-8: the staff alerts owed when a notification to `recipient` of
/// the letter `template` on `reference` was given up: one to the
/// complaint's handler and one to each monitor (R-MON-1), as for a missed
/// deadline. A letter to staff that was given up alerts nobody (an alert
/// about an alert could go on for ever), nor does an unknown letter.
pub fn given_up_alerts(
    reference: &str,
    template: &str,
    recipient: &RecipientKind,
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let recipient = match recipient {
        RecipientKind::Complainant => GivenUpRecipient::Complainant,
        RecipientKind::ThirdParty => GivenUpRecipient::ThirdParty,
        RecipientKind::Staff(_) | RecipientKind::Manager(_) => return Ok(Vec::new()),
    };
    let Some(letter) = template_named(template) else {
        return Ok(Vec::new());
    };
    let mut ids: Vec<&str> = party.handler.iter().map(|h| h.staff_id.as_str()).collect();
    ids.extend(ctx.settings.monitors.iter().map(String::as_str));
    let mut seen = Vec::new();
    ids.retain(|id| {
        let fresh = !seen.contains(id);
        seen.push(*id);
        fresh
    });
    ids.into_iter()
        .map(|id| {
            let StaffAddressee { to, unlisted } = staff(ctx, id);
            Ok(Letter::StaffAlert(StaffAlert {
                to,
                unlisted,
                reference: reference.to_owned(),
                alert: Alert::DeliveryGivenUp { letter, recipient },
                due_on: None,
            }))
        })
        .collect()
}

/// The member of staff `staff_id` as a letter names them: `None` when the
/// directory does not list them (the letter then names their role), after
/// telling the directory so the gap is seen.
fn named(ctx: &PlanContext<'_>, staff_id: &str) -> Option<StaffContact> {
    let found = ctx.staff.contact(staff_id);
    if found.is_none() {
        ctx.staff.unlisted(staff_id);
    }
    found
}

/// Where a letter for `staff_id` goes: their own work email, or, when the
/// directory does not list them, the unlisted-staff mailbox with
/// `unlisted` set so the letter says whom it was meant for. Without such
/// a mailbox it has no email and routing records it as withheld.
fn staff(ctx: &PlanContext<'_>, staff_id: &str) -> StaffAddressee {
    if let Some(to) = named(ctx, staff_id) {
        return StaffAddressee { to, unlisted: None };
    }
    let mailbox = ctx.staff.unlisted_mailbox();
    StaffAddressee {
        to: StaffContact {
            id: staff_id.to_owned(),
            name: mailbox
                .as_ref()
                .map_or_else(|| "Customer Services team".to_owned(), |m| m.name.clone()),
            email: mailbox.map(|m| m.email).unwrap_or_default(),
        },
        unlisted: Some(staff_id.to_owned()),
    }
}
