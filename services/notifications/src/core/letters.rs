//! The correspondence the procedure promises, one variant per letter.
//!
//! A letter carries what its template says and nothing more: it never holds
//! the addressee's contact details (those are routing, see
//! [`super::route`]), so a stored or queued letter is not a second copy of
//! the complainant's personal data. Letters to staff name their addressee,
//! because whom they go to is part of what they are.

use super::vocabulary::{DeadlineKind, Decision, Ground, RemedyKind, Role, Stage};
use calendar::WorkingDays;
use chrono::NaiveDate;
use std::fmt;

/// One piece of correspondence. See each struct for the rule it keeps.
#[derive(Clone, PartialEq, Eq)]
pub enum Letter {
    AutomaticReply(AutomaticReply),
    ComplaintReference(ComplaintReference),
    NewIssuesNotice(NewIssuesNotice),
    Stage2Acknowledgement(Stage2Acknowledgement),
    RedirectNotice(RedirectNotice),
    OutOfTimeDeclined(OutOfTimeDeclined),
    ConsentRequest(ConsentRequest),
    ThirdPartyNotice(ThirdPartyNotice),
    NowDealtWithBy(NowDealtWithBy),
    TimescaleAgreed(TimescaleAgreed),
    DelayUpdate(DelayUpdate),
    Stage3Acknowledgement(Stage3Acknowledgement),
    StageOutcome(StageOutcome),
    FinalOutcome(FinalOutcome),
    ComplimentForManager(ComplimentForManager),
    StaffAlert(StaffAlert),
    FollowLink(FollowLink),
}

/// Every letter's template name, as [`Letter::template`] gives it.
pub const TEMPLATES: &[&str] = &[
    "automatic_reply",
    "complaint_reference",
    "new_issues_notice",
    "stage2_acknowledgement",
    "redirect_notice",
    "out_of_time_declined",
    "consent_request",
    "third_party_notice",
    "now_dealt_with_by",
    "timescale_agreed",
    "delay_update",
    "stage3_acknowledgement",
    "stage_outcome",
    "final_outcome",
    "compliment_for_manager",
    "staff_alert",
    "follow_link",
];

/// The letter template called `name`, if there is one.
pub fn template_named(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().copied().find(|t| *t == name)
}

impl Letter {
    /// The template's name: the file is `templates/<name>.txt.j2`, and the
    /// name is what the correspondence list shows.
    pub fn template(&self) -> &'static str {
        match self {
            Letter::AutomaticReply(_) => "automatic_reply",
            Letter::ComplaintReference(_) => "complaint_reference",
            Letter::NewIssuesNotice(_) => "new_issues_notice",
            Letter::Stage2Acknowledgement(_) => "stage2_acknowledgement",
            Letter::RedirectNotice(_) => "redirect_notice",
            Letter::OutOfTimeDeclined(_) => "out_of_time_declined",
            Letter::ConsentRequest(_) => "consent_request",
            Letter::ThirdPartyNotice(_) => "third_party_notice",
            Letter::NowDealtWithBy(_) => "now_dealt_with_by",
            Letter::TimescaleAgreed(_) => "timescale_agreed",
            Letter::DelayUpdate(_) => "delay_update",
            Letter::Stage3Acknowledgement(_) => "stage3_acknowledgement",
            Letter::StageOutcome(_) => "stage_outcome",
            Letter::FinalOutcome(_) => "final_outcome",
            Letter::ComplimentForManager(_) => "compliment_for_manager",
            Letter::StaffAlert(_) => "staff_alert",
            Letter::FollowLink(_) => "follow_link",
        }
    }

    /// The reference the letter quotes: the submission's before a complaint
    /// is opened, the complaint's after.
    pub fn reference(&self) -> &str {
        match self {
            Letter::AutomaticReply(l) => &l.reference,
            Letter::ComplaintReference(l) => &l.reference,
            Letter::NewIssuesNotice(l) => &l.reference,
            Letter::Stage2Acknowledgement(l) => &l.reference,
            Letter::RedirectNotice(l) => &l.reference,
            Letter::OutOfTimeDeclined(l) => &l.reference,
            Letter::ConsentRequest(l) => &l.reference,
            Letter::ThirdPartyNotice(l) => &l.reference,
            Letter::NowDealtWithBy(l) => &l.reference,
            Letter::TimescaleAgreed(l) => &l.reference,
            Letter::DelayUpdate(l) => &l.reference,
            Letter::Stage3Acknowledgement(l) => &l.reference,
            Letter::StageOutcome(l) => &l.reference,
            Letter::FinalOutcome(l) => &l.reference,
            Letter::ComplimentForManager(l) => &l.reference,
            Letter::StaffAlert(l) => &l.reference,
            Letter::FollowLink(l) => &l.reference,
        }
    }

    /// Whether the letter gives a stage's outcome (R-OUT-1).
    pub fn is_outcome(&self) -> bool {
        matches!(self, Letter::StageOutcome(_) | Letter::FinalOutcome(_))
    }
}

/// Debug names the letter and its reference only: findings, reasons and
/// names are personal data and must not reach a log through `{:?}`.
impl fmt::Debug for Letter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Letter")
            .field("template", &self.template())
            .field("reference", &self.reference())
            .finish_non_exhaustive()
    }
}

/// A member of staff a letter is addressed to, from the staff directory.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffContact {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// Whom a letter for a member of staff goes to: `unlisted` is the staff
/// id it was meant for when the directory does not list them and it goes
/// to the unlisted-staff mailbox instead.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffAddressee {
    pub to: StaffContact,
    pub unlisted: Option<String>,
}

/// R-INT-8: the automatic reply to a written submission, every one.
#[derive(Clone, PartialEq, Eq)]
pub struct AutomaticReply {
    pub reference: String,
    /// Within how many working days, and by when, a member of staff makes
    /// contact; `None` while the matter's age waits for a staff decision
    /// (R-INT-2), when no date can be promised yet.
    pub contact: Option<(WorkingDays, NaiveDate)>,
    /// R-INT-2: the matter's age waits for a staff decision; the reply
    /// says so.
    pub awaiting_age_decision: bool,
    /// The reply that went on receipt said the matter's age needed a
    /// decision; this one says the complaint is now accepted.
    pub after_age_decision: bool,
    /// The reference the complainant was given before, which this one
    /// replaces (told plainly, once).
    pub replaces: Option<String>,
}

/// The complaint's reference introduced to the complainant, once, with
/// what happens next: to someone who spoke to us (no automatic reply), to
/// someone who holds the submission's reference (it replaces that one), or
/// for new issues raised after closure (R-UPC-2: a new complaint, with the
/// date staff will make contact).
#[derive(Clone, PartialEq, Eq)]
pub struct ComplaintReference {
    pub reference: String,
    pub replaces: Option<String>,
    /// R-UPC-2: the closed complaint the new issues were raised about.
    pub raised_from: Option<String>,
    /// R-S1-1, R-INT-8: the date by which staff make contact, when known.
    pub contact_by: Option<NaiveDate>,
    /// The submission came in writing (else by telephone or in person).
    pub written: bool,
}

/// R-UPC-2 with R-INT-8: new issues about a closed complaint raised more
/// than the prescribed time after the complainant became aware of them are
/// acknowledged while staff decide whether to consider them, and a decline
/// is explained. `reference` is the closed complaint's.
#[derive(Clone, PartialEq, Eq)]
pub struct NewIssuesNotice {
    pub reference: String,
    /// `None` while staff decide; the reason when they declined.
    pub declined: Option<String>,
}

/// R-S2-1, R-S2-4: the request for Stage 2 was received, and the date by
/// which the manager aims to respond (the deadline the complaints service
/// counted in working days by the services' calendar).
#[derive(Clone, PartialEq, Eq)]
pub struct Stage2Acknowledgement {
    pub reference: String,
    pub received_on: NaiveDate,
    pub respond_by: NaiveDate,
}

/// R-INT-6: the complaint went to a service's own procedure.
#[derive(Clone, PartialEq, Eq)]
pub struct RedirectNotice {
    pub reference: String,
    pub redirected_to: String,
    pub dealt_with_by: String,
}

/// R-INT-2: the matter is too old and no compelling reason was found.
#[derive(Clone, PartialEq, Eq)]
pub struct OutOfTimeDeclined {
    pub reference: String,
    pub reason: String,
}

/// A fresh link to follow a complaint, sent when the complainant asks for
/// one on the public pages with details that match ours
/// ([`crate::follow`]). Planned from no event: the request is the cause.
/// The link itself is added below the letter like every other follow link,
/// so the template says only why the letter came.
#[derive(Clone, PartialEq, Eq)]
pub struct FollowLink {
    pub reference: String,
}

/// R-INT-4: asks the individual for express consent to the third party
/// acting for them; the individual must know who that is.
#[derive(Clone, PartialEq, Eq)]
pub struct ConsentRequest {
    pub reference: String,
    pub third_party_name: String,
    pub relationship: String,
    pub organisation: String,
}

/// R-INT-4: tells the third party that the individual's express consent is
/// needed before anything is reported back. It holds nothing about the
/// complaint, so it may go before consent is given.
#[derive(Clone, PartialEq, Eq)]
pub struct ThirdPartyNotice {
    pub reference: String,
    /// R-INT-8: for a written submission, the working days within which
    /// staff make contact and the date that gives, as any complainant's
    /// automatic reply promises.
    pub contact: Option<(WorkingDays, NaiveDate)>,
}

/// R-S1-3 (and every allocation): who now deals with the complaint.
#[derive(Clone, PartialEq, Eq)]
pub struct NowDealtWithBy {
    pub reference: String,
    pub stage: Stage,
    pub role: Role,
    /// `None` when the staff directory does not list them: the letter
    /// names the role ("our Customer Services team"), never an id.
    pub handler_name: Option<String>,
    pub team: String,
    /// R-S2-4, R-S3-5: the date the stage's response is due, when set.
    pub respond_by: Option<NaiveDate>,
}

/// R-S1-2: the Stage 1 response timescale agreed with the complainant.
#[derive(Clone, PartialEq, Eq)]
pub struct TimescaleAgreed {
    pub reference: String,
    pub respond_by: NaiveDate,
}

/// R-S1-2, R-S2-4, R-S3-5: an update, why, and any revised date.
#[derive(Clone, PartialEq, Eq)]
pub struct DelayUpdate {
    pub reference: String,
    pub stage: Stage,
    pub reason: String,
    pub revised_due_on: Option<NaiveDate>,
}

/// R-S3-4: the Stage 3 acknowledgement quoting the reference, with the
/// full-response date (R-S3-5) when it is known.
#[derive(Clone, PartialEq, Eq)]
pub struct Stage3Acknowledgement {
    pub reference: String,
    /// When the request for Stage 3 was received, when known.
    pub received_on: Option<NaiveDate>,
    pub respond_within: WorkingDays,
    pub respond_by: Option<NaiveDate>,
}

/// A remedy as the complainant reads it (R-OUT-2).
#[derive(Clone, PartialEq, Eq)]
pub struct Remedy {
    pub kind: RemedyKind,
    pub description: String,
    /// Financial compensation only: the amount in pence.
    pub compensation_pence: Option<i64>,
    /// Financial compensation only: when payment is expected.
    pub expected_payment_on: Option<NaiveDate>,
    /// R-OUT-1: the date by which the remedy will be done, when given.
    pub done_by: Option<NaiveDate>,
}

impl Remedy {
    /// R-OUT-1: whether the description already says what kind of remedy
    /// it is ("An apology for the delay", "We are sorry that..."), so the
    /// letter gives it alone rather than "An apology: An apology for the
    /// delay" or "An apology: We are sorry that...".
    pub fn restates_kind(&self) -> bool {
        let stems: &[&str] = match self.kind {
            RemedyKind::Apology => &["apolog", "sorry", "regret"],
            RemedyKind::Explanation => &["explain", "explanation"],
            RemedyKind::AcknowledgementOfResponsibility => &["acknowledg", "responsib"],
            RemedyKind::ChangeDecision => &["chang", "review", "revers", "overturn"],
            RemedyKind::RevisePublishedMaterial | RemedyKind::ReviseProcedures => {
                &["revis", "updat", "amend", "rewrit"]
            }
            RemedyKind::TrainOrSuperviseStaff => &["train", "supervis"],
            RemedyKind::FinancialCompensation => {
                &["financ", "compensat", "refund", "payment", "ex gratia"]
            }
        };
        let opening: String = self
            .description
            .split_whitespace()
            .take(5)
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        opening
            .split(|c: char| !c.is_alphabetic())
            .any(|word| stems.iter().any(|stem| word.starts_with(stem)))
            || stems
                .iter()
                .any(|stem| stem.contains(' ') && opening.contains(stem))
    }
}

/// The right to ask for the next stage (R-S1-4, R-S2-1, R-S3-1).
///
/// The 14 days run from the complainant's receipt of the outcome. The
/// complaints service works out the dates a letter states when it records
/// the outcome, and counts the window it enforces from the delivery this
/// service reports, which is never earlier, so a letter never promises
/// more time than the complainant has:
/// - an email is received the day it is sent, so it states the day it is
///   sent (the outcome's day: it goes within minutes) plus 14 days;
/// - a posted letter is received the configured delivery working days
///   after it is posted, so it asks for a reply "within 14 days of
///   receiving this letter" and states the date that gives when the letter
///   is posted the day it is printed (the outcome's day): the expected day
///   of receipt, and that day plus 14. A letter posted later, or an email
///   sent later after a retry, leaves the complainant more time, never less.
#[derive(Clone, PartialEq, Eq)]
pub struct EscalationRight {
    pub to_stage: Stage,
    pub grounds: Vec<Ground>,
    /// Calendar days from the outcome to the last date.
    pub within_days: u32,
    /// The last date if emailed on the outcome's day.
    pub last_date: NaiveDate,
    /// The last date if posted on the outcome's day: `within_days` after
    /// the day it is expected to arrive.
    pub last_date_by_post: NaiveDate,
}

impl EscalationRight {
    /// The day a letter posted on the outcome's day is expected to arrive.
    pub fn expected_by_post(&self) -> NaiveDate {
        self.last_date_by_post - chrono::Days::new(self.within_days.into())
    }
}

/// R-OUT-1: the findings of Stage 1 or 2 and how to go further.
#[derive(Clone, PartialEq, Eq)]
pub struct StageOutcome {
    pub reference: String,
    pub stage: Stage,
    pub decision: Decision,
    pub findings: String,
    pub remedies: Vec<Remedy>,
    pub issued_on: NaiveDate,
    pub escalation: EscalationRight,
}

/// R-S3-6: the final outcome; R-REG-2: the regulators a regulated
/// qualification may be referred to (empty when not regulated).
#[derive(Clone, PartialEq, Eq)]
pub struct FinalOutcome {
    pub reference: String,
    pub decision: Decision,
    pub findings: String,
    pub remedies: Vec<Remedy>,
    pub issued_on: NaiveDate,
    pub regulators: Vec<String>,
}

/// R-POS-1: positive feedback passed to a manager. The sender's details
/// stay with intake: the manager needs what was said and about whom.
#[derive(Clone, PartialEq, Eq)]
pub struct ComplimentForManager {
    pub to: StaffContact,
    /// The manager's staff id when the directory lacks them.
    pub unlisted: Option<String>,
    pub reference: String,
    pub team: String,
    pub about_person: Option<String>,
    pub message: String,
}

/// What a staff alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alert {
    Assigned {
        stage: Stage,
        role: Role,
    },
    DeadlineApproaching(DeadlineKind),
    DeadlineMissed(DeadlineKind),
    /// R-UPC-1: the review date of the contact restriction in force came.
    RestrictionReviewDue,
    /// R-INT-8: an email was given up after the configured attempts (or a
    /// permanent refusal); staff must reach the recipient another way.
    /// `letter` is the template of the letter that did not go.
    DeliveryGivenUp {
        letter: &'static str,
        recipient: GivenUpRecipient,
    },
}

/// Whom the given-up letter was for, by role only (never who they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GivenUpRecipient {
    Complainant,
    ThirdParty,
}

impl GivenUpRecipient {
    pub fn key(self) -> &'static str {
        match self {
            GivenUpRecipient::Complainant => "complainant",
            GivenUpRecipient::ThirdParty => "third_party",
        }
    }
}

/// An alert to staff: reference and deadline, never the complainant's
/// personal data (staff open the case to see it, under R-CONF-1).
#[derive(Clone, PartialEq, Eq)]
pub struct StaffAlert {
    pub to: StaffContact,
    /// The staff id it was meant for when the directory lacks them.
    pub unlisted: Option<String>,
    pub reference: String,
    pub alert: Alert,
    pub due_on: Option<NaiveDate>,
}

macro_rules! redacted_debug {
    ($($letter:ident),*) => {$(
        impl fmt::Debug for $letter {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($letter), " { .. }"))
            }
        }
    )*};
}

redacted_debug!(
    StaffContact,
    StaffAddressee,
    AutomaticReply,
    ComplaintReference,
    NewIssuesNotice,
    Stage2Acknowledgement,
    RedirectNotice,
    OutOfTimeDeclined,
    ConsentRequest,
    ThirdPartyNotice,
    NowDealtWithBy,
    TimescaleAgreed,
    DelayUpdate,
    Stage3Acknowledgement,
    Remedy,
    EscalationRight,
    StageOutcome,
    FinalOutcome,
    ComplimentForManager,
    StaffAlert,
    FollowLink
);
