//! What notifications knows of the people around one complaint: how to
//! reach the complainant, the third party and their consent, a contact
//! restriction, the handler and the deadlines staff are working to.
//!
//! It is folded from intake's events (submission streams) and the
//! complaints service's events (complaint streams). The shell keeps one
//! `Party` per submission and, from `ComplaintOpened` on, finds it by the
//! complaint's reference as well; it applies each event *before* asking
//! [`super::plan::letters_for`] what the event calls for.

use super::adjustments::Adjustments;
use super::vocabulary::{DeadlineKind, Stage};
use super::wire::{Wire, WireError, is};
use calendar::WorkingDays;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use fieldtext::fields;
use std::collections::BTreeMap;
use std::fmt;

/// How to reach a person by email or post (R-CORR-1).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Contact {
    pub name: String,
    pub email: Option<String>,
    pub postal: Option<PostalAddress>,
}

#[derive(Clone, PartialEq, Eq)]
pub struct PostalAddress {
    pub lines: Vec<String>,
    pub postcode: String,
}

/// Whether the third party may be told about the complaint (R-INT-4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Consent {
    /// No third party is involved.
    #[default]
    NotApplicable,
    /// A third party raised it; the individual has not consented yet.
    Awaiting,
    Given,
    /// Final: nothing more goes to the third party, even if consent is
    /// recorded again later (the individual can raise a new complaint).
    Withdrawn,
}

/// A restriction under the Unreasonably Persistent Contact policy
/// (R-UPC-1). It holds until a later event lifts it: reaching the review
/// date is a prompt for staff to review, not a lifting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restriction {
    pub restricted_on: NaiveDate,
    pub review_on: NaiveDate,
}

/// The member of staff dealing with the current stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler {
    pub staff_id: String,
    /// Their team, for who may reach the correspondence (R-CONF-1).
    pub team: String,
    pub stage: Stage,
}

/// The parties to one complaint, as notifications needs them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Party {
    /// The submission's reference, then the complaint's once opened.
    pub reference: Option<String>,
    pub complainant: Option<Contact>,
    /// R-CORR-1: the complainant asked for post.
    pub by_post: bool,
    pub third_party: Option<Contact>,
    pub consent: Consent,
    pub restriction: Option<Restriction>,
    pub handler: Option<Handler>,
    /// The regulators of a regulated qualification (R-REG-2), else empty.
    pub regulators: Vec<String>,
    /// Live staff deadlines, by kind.
    pub deadlines: BTreeMap<DeadlineKind, NaiveDate>,
    /// The revised date the last update told the complainant, with its
    /// stage: an extension to that date was already announced by the
    /// update it came with (R-S1-2, R-S2-4, R-S3-5).
    pub announced_due: Option<(Stage, NaiveDate)>,
    /// R-INT-8: the submission came in writing, so it gets the automatic
    /// reply.
    pub written: bool,
    /// R-INT-2 with R-INT-8: the automatic reply went while the matter's
    /// age waited for a staff decision, so it could promise no contact date.
    pub age_reviewed: bool,
    /// R-INT-8: within how many working days, and by when, staff make
    /// contact (from `ComplaintAccepted`).
    pub contact: Option<(WorkingDays, NaiveDate)>,
    /// The reference the complainant was last given in a letter. A new one
    /// is introduced plainly, once, saying which it replaces; from then on
    /// every letter quotes it.
    pub told_reference: Option<String>,
    /// The reference the latest one replaced, when the complainant had
    /// been given another (a submission's `SUB-...`).
    pub replaced_reference: Option<String>,
    /// Whether a complaint was opened (`reference` is then the complaint's).
    pub opened: bool,
    /// One reference (R-INT-8): the written submission was accepted before
    /// its complaint was opened and the complainant held no reference yet,
    /// so the automatic reply waits for the opening and gives the
    /// complaint's reference, the only one they will ever need.
    pub reply_on_opening: bool,
    /// The submission's reference, kept when the first complaint opened
    /// from it took over `reference`: a web form's or email's receipt may
    /// have shown it, so the automatic reply says the new one replaces it.
    pub submission_reference: Option<String>,
    /// R-UPC-2: the closed complaint the latest complaint was raised from.
    pub raised_from: Option<String>,
    /// The latest request for the next stage: to which stage, received when.
    pub escalation: Option<(Stage, NaiveDate)>,
    /// R-S3-4: the Stage 3 request was acknowledged when it was received
    /// (its response deadline was set), so a later staff acknowledgement
    /// sends no second letter.
    pub stage3_acknowledged: bool,
    /// R-ADJ-1: the reasonable adjustments the complainant asked for,
    /// honoured in every letter to them.
    pub adjustments: Option<Adjustments>,
}

impl Party {
    /// Folds one event in; events that say nothing about the parties are
    /// ignored, so the shell can pass every event it receives.
    pub fn apply(&mut self, event_type: &str, payload: &[u8]) -> Result<(), WireError> {
        let w = Wire(event_type);
        if is::<pb::SubmissionReceived>(event_type) {
            let e: pb::SubmissionReceived = w.decode(payload)?;
            self.reached_at(w, &e.reference, e.complainant.as_ref(), e.correspondence)?;
            self.represented_by(w, e.third_party.as_ref())?;
            self.written = e.written;
            self.adjustments =
                Adjustments::read(w, e.adjustments.as_ref(), &e.reasonable_adjustments)?;
        } else if is::<pb::OutOfTimeReviewRequired>(event_type) {
            // R-INT-2 with R-INT-8: the automatic reply goes now, quoting
            // the submission's reference and, when intake gave it, the
            // contact date.
            let e: pb::OutOfTimeReviewRequired = w.decode(payload)?;
            self.written |= e.written;
            if let Some(due) = w.date("contact_due_on", e.contact_due_on.as_ref())?
                && e.contact_within_working_days > 0
            {
                self.contact = Some((WorkingDays::new(e.contact_within_working_days), due));
            }
            if self.written {
                self.age_reviewed = true;
                self.tell_reference();
            }
        } else if is::<pb::ComplaintAccepted>(event_type) {
            let e: pb::ComplaintAccepted = w.decode(payload)?;
            self.reached_at(w, &e.reference, e.complainant.as_ref(), e.correspondence)?;
            self.represented_by(w, e.third_party.as_ref())?;
            if e.third_party.is_some() && e.third_party_consent {
                self.consent_given();
            }
            self.written = e.written;
            self.adjustments =
                Adjustments::read(w, e.adjustments.as_ref(), &e.reasonable_adjustments)?;
            if e.written {
                let due = w.date("contact_due_on", e.contact_due_on.as_ref())?;
                self.contact = due.map(|d| (WorkingDays::new(e.contact_within_working_days), d));
                if !self.opened && self.told_reference.is_none() {
                    self.reply_on_opening = true;
                } else {
                    self.tell_reference();
                }
            }
        } else if is::<pb::ComplaintRedirected>(event_type) {
            let e: pb::ComplaintRedirected = w.decode(payload)?;
            self.reached_at(w, &e.reference, e.complainant.as_ref(), e.correspondence)?;
        } else if is::<pb::OutOfTimeDeclined>(event_type) {
            let e: pb::OutOfTimeDeclined = w.decode(payload)?;
            self.reached_at(w, &e.reference, e.complainant.as_ref(), e.correspondence)?;
        } else if is::<pb::ConsentRequested>(event_type) {
            let e: pb::ConsentRequested = w.decode(payload)?;
            self.reached_at(w, &e.reference, e.individual.as_ref(), e.correspondence)?;
            self.represented_by(w, e.third_party.as_ref())?;
            self.tell_reference();
        } else if is::<pb::ConsentRecorded>(event_type) {
            self.consent_given();
        } else if is::<pb::ConsentWithdrawn>(event_type) {
            self.consent = Consent::Withdrawn;
        } else {
            self.apply_complaint_event(w, payload)?;
        }
        Ok(())
    }

    fn apply_complaint_event(&mut self, w: Wire<'_>, payload: &[u8]) -> Result<(), WireError> {
        let event_type = w.0;
        if is::<pb::ComplaintOpened>(event_type) {
            let e: pb::ComplaintOpened = w.decode(payload)?;
            let reference = w.text("reference", &e.reference)?;
            if !self.opened {
                self.submission_reference =
                    self.reference.take().filter(|before| *before != reference);
            }
            self.reference = Some(reference);
            self.opened = true;
            self.by_post = e.correspondence_by_post;
            self.raised_from = non_empty(&e.raised_from);
            self.replaced_reference = None;
            // The complaint's reference is introduced by the letter its
            // opening calls for: now, when the complainant already holds
            // another reference or spoke to us (no automatic reply comes);
            // for new issues, with the contact date (R-UPC-2); otherwise by
            // the automatic reply still to come.
            if self.raised_from.is_none()
                && (self.told_reference.is_some() || !e.written || self.reply_on_opening)
            {
                self.tell_reference();
            }
            self.regulators = e
                .qualification
                .filter(|q| q.regulated)
                .map(|q| q.regulators)
                .unwrap_or_default();
        } else if is::<pb::HandlerAssigned>(event_type) {
            let e: pb::HandlerAssigned = w.decode(payload)?;
            self.handler = Some(Handler {
                staff_id: w.text("staff_id", &e.staff_id)?,
                team: w
                    .clean("team", fieldtext::fields::TEAM, &e.team)?
                    .unwrap_or_default(),
                stage: w.stage("stage", e.stage)?,
            });
        } else if is::<pb::ReferredToLineManager>(event_type) {
            let e: pb::ReferredToLineManager = w.decode(payload)?;
            self.handler = Some(Handler {
                staff_id: w.text("manager_id", &e.manager_id)?,
                team: w
                    .clean("team", fieldtext::fields::TEAM, &e.team)?
                    .unwrap_or_default(),
                stage: Stage::Two,
            });
        } else if is::<pb::ContactRestricted>(event_type) {
            let e: pb::ContactRestricted = w.decode(payload)?;
            self.restriction = Some(Restriction {
                restricted_on: w.required_date("restricted_on", e.restricted_on.as_ref())?,
                review_on: w.required_date("review_on", e.review_on.as_ref())?,
            });
        } else if is::<pb::ContactRestrictionLifted>(event_type) {
            self.restriction = None;
        } else if is::<pb::UpdateRecorded>(event_type) {
            let e: pb::UpdateRecorded = w.decode(payload)?;
            let stage = w.stage("stage", e.stage)?;
            self.announced_due = w
                .date("revised_due_on", e.revised_due_on.as_ref())?
                .map(|due| (stage, due));
        } else if is::<pb::StageEscalated>(event_type) {
            let e: pb::StageEscalated = w.decode(payload)?;
            let to = w.stage("to_stage", e.to_stage)?;
            let received = w.required_date("received_on", e.received_on.as_ref())?;
            self.escalation = Some((to, received));
        } else if is::<pb::DeadlineSet>(event_type) {
            let e: pb::DeadlineSet = w.decode(payload)?;
            let due = w.required_date("due_on", e.due_on.as_ref())?;
            let kind = w.deadline_kind("kind", e.kind)?;
            self.track(kind, Some(due));
            match kind {
                DeadlineKind::Stage3Response => self.stage3_acknowledged = true,
                DeadlineKind::FirstContact if self.raised_from.is_some() => {
                    self.replaced_reference = None;
                    self.told_reference = self.reference.clone();
                }
                _ => {}
            }
        } else if is::<pb::DeadlineExtended>(event_type) {
            let e: pb::DeadlineExtended = w.decode(payload)?;
            let due = w.required_date("due_on", e.due_on.as_ref())?;
            self.track(w.deadline_kind("kind", e.kind)?, Some(due));
        } else if is::<pb::DeadlineMet>(event_type) {
            let e: pb::DeadlineMet = w.decode(payload)?;
            self.track(w.deadline_kind("kind", e.kind)?, None);
        } else if is::<pb::DeadlineWithdrawn>(event_type) {
            let e: pb::DeadlineWithdrawn = w.decode(payload)?;
            self.track(w.deadline_kind("kind", e.kind)?, None);
        }
        Ok(())
    }

    /// The soonest live deadline of `stage`, for an allocation alert: a
    /// deadline of an earlier stage is about to be withdrawn, not met.
    pub fn next_deadline(&self, stage: Stage) -> Option<NaiveDate> {
        self.deadlines
            .iter()
            .filter(|(kind, _)| kind.stage() == Some(stage))
            .map(|(_, due)| *due)
            .min()
    }

    fn track(&mut self, kind: DeadlineKind, due: Option<NaiveDate>) {
        if !kind.is_for_staff() {
            return;
        }
        match due {
            Some(due) => self.deadlines.insert(kind, due),
            None => self.deadlines.remove(&kind),
        };
    }

    fn reached_at(
        &mut self,
        w: Wire<'_>,
        reference: &str,
        person: Option<&pb::Person>,
        preference: i32,
    ) -> Result<(), WireError> {
        if self.reference.is_none() && !reference.trim().is_empty() {
            self.reference = Some(reference.trim().to_owned());
        }
        if let Some(person) = person {
            self.complainant = Some(contact_of(w, person)?);
        }
        self.by_post = preference == pb::CorrespondencePreference::Post as i32;
        Ok(())
    }

    fn represented_by(
        &mut self,
        w: Wire<'_>,
        third_party: Option<&pb::ThirdParty>,
    ) -> Result<(), WireError> {
        let Some(tp) = third_party else {
            return Ok(());
        };
        self.third_party = Some(Contact {
            name: w
                .clean("third_party.name", fields::PERSON_NAME, &tp.name)?
                .unwrap_or_default(),
            email: non_empty(&tp.email),
            postal: None,
        });
        if self.consent == Consent::NotApplicable {
            self.consent = Consent::Awaiting;
        }
        Ok(())
    }

    /// A letter is about to give the complainant the current reference:
    /// remember it, and which reference it replaces, if any.
    fn tell_reference(&mut self) {
        let current = self.reference.clone();
        self.replaced_reference = self
            .told_reference
            .take()
            .filter(|told| Some(told) != current.as_ref());
        self.told_reference = current;
    }

    fn consent_given(&mut self) {
        if self.consent != Consent::Withdrawn {
            self.consent = Consent::Given;
        }
    }
}

/// A person's contact, each part cleaned by the rule intake's edge used.
fn contact_of(w: Wire<'_>, person: &pb::Person) -> Result<Contact, WireError> {
    let first = w.clean("first_name", fields::PERSON_NAME, &person.first_name)?;
    let last = w.clean("last_name", fields::PERSON_NAME, &person.last_name)?;
    let name = [first, last]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let postal = match person.postal_address.as_ref() {
        None => None,
        Some(a) => {
            let mut lines = Vec::new();
            for line in &a.lines {
                lines.extend(w.clean("postal_address.lines", fields::ADDRESS_LINE, line)?);
            }
            let postcode = w
                .clean("postal_address.postcode", fields::POSTCODE, &a.postcode)?
                .unwrap_or_default();
            (!lines.is_empty() && !postcode.is_empty()).then_some(PostalAddress { lines, postcode })
        }
    };
    Ok(Contact {
        name,
        email: non_empty(&person.email),
        postal,
    })
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// Debug says what is known, never who or where (names and addresses are
/// personal data).
impl fmt::Debug for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Party")
            .field("reference", &self.reference)
            .field("complainant", &self.complainant.is_some())
            .field("by_post", &self.by_post)
            .field("third_party", &self.third_party.is_some())
            .field("consent", &self.consent)
            .field("restriction", &self.restriction)
            .field("handler", &self.handler)
            .field("regulators", &self.regulators)
            .field("deadlines", &self.deadlines)
            .field("announced_due", &self.announced_due)
            .field("written", &self.written)
            .field("age_reviewed", &self.age_reviewed)
            .field("contact", &self.contact)
            .field("told_reference", &self.told_reference)
            .field("replaced_reference", &self.replaced_reference)
            .field("opened", &self.opened)
            .field("reply_on_opening", &self.reply_on_opening)
            .field("submission_reference", &self.submission_reference)
            .field("raised_from", &self.raised_from)
            .field("escalation", &self.escalation)
            .field("stage3_acknowledged", &self.stage3_acknowledged)
            .field("adjustments", &self.adjustments)
            .finish()
    }
}

impl fmt::Debug for Contact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Contact { .. redacted .. }")
    }
}

impl fmt::Debug for PostalAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PostalAddress { .. redacted .. }")
    }
}
