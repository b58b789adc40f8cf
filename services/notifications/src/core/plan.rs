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
use crate::core::letters::{Alert, GivenUpRecipient, Letter, StaffAlert, template_named};
use calendar::WorkingDays;
use std::collections::HashMap;
use thiserror::Error;

/// Staff names and work emails, by staff id: events carry only ids.
pub trait StaffDirectory {
    fn contact(&self, staff_id: &str) -> Option<StaffContact>;
}

impl StaffDirectory for HashMap<String, StaffContact> {
    fn contact(&self, staff_id: &str) -> Option<StaffContact> {
        self.get(staff_id).cloned()
    }
}

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
    #[error("staff id {staff_id} is not in the staff directory")]
    UnknownStaff { staff_id: String },
    #[error(
        "{event_type}: no reference is known for this complaint (was ComplaintOpened applied?)"
    )]
    NoReference { event_type: String },
}

/// The letters `event_type` with `payload` calls for, given the party
/// state *after* the event was applied.
pub fn letters_for(
    event_type: &str,
    payload: &[u8],
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let w = Wire(event_type);
    if let Some(letters) = intake::letters(w, payload, ctx)? {
        return Ok(letters);
    }
    complaint::letters(w, payload, party, ctx)
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
            Ok(Letter::StaffAlert(StaffAlert {
                to: staff(ctx, id)?,
                reference: reference.to_owned(),
                alert: Alert::DeliveryGivenUp { letter, recipient },
                due_on: None,
            }))
        })
        .collect()
}

fn staff(ctx: &PlanContext<'_>, staff_id: &str) -> Result<StaffContact, PlanError> {
    ctx.staff
        .contact(staff_id)
        .ok_or_else(|| PlanError::UnknownStaff {
            staff_id: staff_id.to_owned(),
        })
}
