//! Who gets a letter, and how.
//!
//! The policy, rule by rule:
//! - R-CORR-1: the complainant gets email unless they asked for post; a
//!   request for post without a usable address is withheld (staff must fix
//!   the address), never silently switched to email.
//! - R-INT-4: the third party gets a copy of the complainant's letters only
//!   while the individual's consent stands. The notice asking for consent
//!   holds nothing about the complaint, so it goes while consent is awaited;
//!   after withdrawal nothing at all goes to the third party.
//! - R-UPC-1: a contact restriction limits how the complainant may contact
//!   us; it never stops the letters the procedure owes them. A restricted
//!   complainant (and a consenting representative) still gets every
//!   acknowledgement, update and outcome, so routing does not look at it.
//! - Letters to staff go to their work email and are never restricted.
//!
//! What is withheld is returned with the reason, so the shell records it:
//! a promised letter that did not go is a fact to keep, not a silence.

use super::adjustments::Adjustments;
use super::letters::{Letter, StaffContact};
use super::party::{Consent, Contact, Party};
use std::fmt;

/// Whom a recipient is to the complaint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientKind {
    Complainant,
    ThirdParty,
    Staff(String),
    Manager(String),
}

/// How a letter reaches its recipient.
#[derive(Clone, PartialEq, Eq)]
pub enum Channel {
    Email(String),
    Post {
        lines: Vec<String>,
        postcode: String,
    },
}

/// One addressee of a letter.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    pub kind: RecipientKind,
    pub name: String,
    pub channel: Channel,
    /// R-ADJ-1: the complainant's reasonable adjustments, which their
    /// letters honour; `None` for anyone else.
    pub adjustments: Option<Adjustments>,
}

/// Why a letter does not go to someone it would otherwise reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithheldReason {
    /// R-INT-4: the individual has not consented to the third party.
    NoConsent,
    /// R-INT-4: consent was withdrawn.
    ConsentWithdrawn,
    /// No longer used: R-UPC-1 restricts the complainant's contact with
    /// us, never our letters to them. Kept so stored reasons still read.
    ContactRestricted,
    /// R-CORR-1: post was asked for but there is no usable address.
    NoPostalAddress,
    /// No email address (or no contact at all) is known.
    NoContactDetails,
}

/// Someone a letter was not sent to, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withheld {
    pub kind: RecipientKind,
    pub reason: WithheldReason,
}

/// Where a letter goes and where it does not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub recipients: Vec<Recipient>,
    pub withheld: Vec<Withheld>,
}

/// The recipients of `letter`; see [`route`] for those withheld.
pub fn recipients(letter: &Letter, party: &Party) -> Vec<Recipient> {
    route(letter, party).recipients
}

/// Routes a letter under the policy in the module documentation.
pub fn route(letter: &Letter, party: &Party) -> Route {
    let mut route = Route::default();
    match letter {
        Letter::StaffAlert(l) => route.add_staff(RecipientKind::Staff(l.to.id.clone()), &l.to),
        Letter::ComplimentForManager(l) => {
            route.add_staff(RecipientKind::Manager(l.to.id.clone()), &l.to)
        }
        // Sent to whoever asked with the complainant's details, and the
        // link is theirs alone: never a copy to a third party.
        Letter::ConsentRequest(_) | Letter::FollowLink(_) => route.add_complainant(party),
        Letter::ThirdPartyNotice(_) => route.add_third_party(party, true),
        _ => {
            route.add_complainant(party);
            if party.third_party.is_some() {
                route.add_third_party(party, false);
            }
        }
    }
    route
}

impl Route {
    fn withhold(&mut self, kind: RecipientKind, reason: WithheldReason) {
        self.withheld.push(Withheld { kind, reason });
    }

    fn add_staff(&mut self, kind: RecipientKind, to: &StaffContact) {
        if to.email.trim().is_empty() {
            return self.withhold(kind, WithheldReason::NoContactDetails);
        }
        self.recipients.push(Recipient {
            kind,
            name: to.name.clone(),
            channel: Channel::Email(to.email.trim().to_owned()),
            adjustments: None,
        });
    }

    fn add_complainant(&mut self, party: &Party) {
        let kind = RecipientKind::Complainant;
        let Some(contact) = &party.complainant else {
            return self.withhold(kind, WithheldReason::NoContactDetails);
        };
        match channel(contact, party.by_post) {
            Ok(channel) => self.recipients.push(Recipient {
                kind,
                name: contact.name.clone(),
                channel,
                adjustments: party.adjustments.clone(),
            }),
            Err(reason) => self.withhold(kind, reason),
        }
    }

    /// `asks_for_consent`: the letter is the notice asking for consent,
    /// which may go before consent is given.
    fn add_third_party(&mut self, party: &Party, asks_for_consent: bool) {
        let kind = RecipientKind::ThirdParty;
        match party.consent {
            Consent::Withdrawn => return self.withhold(kind, WithheldReason::ConsentWithdrawn),
            Consent::Given => {}
            Consent::Awaiting | Consent::NotApplicable if asks_for_consent => {}
            Consent::Awaiting | Consent::NotApplicable => {
                return self.withhold(kind, WithheldReason::NoConsent);
            }
        }
        let Some(contact) = &party.third_party else {
            return self.withhold(kind, WithheldReason::NoContactDetails);
        };
        match channel(contact, false) {
            Ok(channel) => self.recipients.push(Recipient {
                kind,
                name: contact.name.clone(),
                channel,
                adjustments: None,
            }),
            Err(reason) => self.withhold(kind, reason),
        }
    }
}

/// R-CORR-1: email unless post was asked for.
fn channel(contact: &Contact, by_post: bool) -> Result<Channel, WithheldReason> {
    if by_post {
        let address = contact
            .postal
            .as_ref()
            .ok_or(WithheldReason::NoPostalAddress)?;
        return Ok(Channel::Post {
            lines: address.lines.clone(),
            postcode: address.postcode.clone(),
        });
    }
    contact
        .email
        .as_ref()
        .map(|e| Channel::Email(e.clone()))
        .ok_or(WithheldReason::NoContactDetails)
}

impl Channel {
    pub fn is_post(&self) -> bool {
        matches!(self, Channel::Post { .. })
    }
}

impl fmt::Debug for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Channel::Email(_) => "Email(..)",
            Channel::Post { .. } => "Post { .. }",
        })
    }
}

/// Debug shows whom the recipient is to the complaint, not who they are.
impl fmt::Debug for Recipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recipient")
            .field("kind", &self.kind)
            .field("channel", &self.channel)
            .finish_non_exhaustive()
    }
}
