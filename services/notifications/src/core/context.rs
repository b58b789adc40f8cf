//! Each letter's template variables.
//!
//! Every field a letter has is always present (an absent date is `none`),
//! because rendering is strict: templates test `{% if x %}`, they never
//! meet an undefined name. Dates go in as ISO text for the `uk_date`
//! filters; enumerations go in as their stable keys.

use super::letters::{Alert, EscalationRight, Letter, Remedy};
use chrono::NaiveDate;
use minijinja::Value;

type Fields = Vec<(&'static str, Value)>;

pub(crate) fn fields(letter: &Letter) -> Fields {
    match letter {
        Letter::AutomaticReply(l) => vec![
            ("contact_within", l.contact.map(|(d, _)| d.get()).into()),
            ("contact_by", l.contact.map(|(_, by)| iso(by)).into()),
            ("awaiting_age_decision", l.awaiting_age_decision.into()),
            ("after_age_decision", l.after_age_decision.into()),
            ("replaces", l.replaces.as_deref().map(text).into()),
        ],
        Letter::ComplaintReference(l) => vec![
            ("replaces", l.replaces.as_deref().map(text).into()),
            ("raised_from", l.raised_from.as_deref().map(text).into()),
            ("contact_by", l.contact_by.map(iso).into()),
            ("written", l.written.into()),
        ],
        Letter::NewIssuesNotice(l) => vec![("declined", l.declined.as_deref().map(text).into())],
        Letter::Stage2Acknowledgement(l) => vec![
            ("received_on", iso(l.received_on)),
            ("respond_by", iso(l.respond_by)),
        ],
        Letter::RedirectNotice(l) => vec![
            ("redirected_to", text(&l.redirected_to)),
            ("dealt_with_by", text(&l.dealt_with_by)),
        ],
        Letter::OutOfTimeDeclined(l) => vec![("reason", text(&l.reason))],
        Letter::ConsentRequest(l) => vec![
            ("third_party_name", text(&l.third_party_name)),
            ("relationship", text(&l.relationship)),
            ("organisation", text(&l.organisation)),
        ],
        Letter::ThirdPartyNotice(l) => vec![
            ("contact_within", l.contact.map(|(d, _)| d.get()).into()),
            ("contact_by", l.contact.map(|(_, by)| iso(by)).into()),
        ],
        Letter::NowDealtWithBy(l) => vec![
            ("stage", l.stage.number().into()),
            ("role", l.role.key().into()),
            ("handler_name", l.handler_name.as_deref().map(text).into()),
            ("team", text(&l.team)),
            ("respond_by", l.respond_by.map(iso).into()),
        ],
        Letter::TimescaleAgreed(l) => vec![("respond_by", iso(l.respond_by))],
        Letter::DelayUpdate(l) => vec![
            ("stage", l.stage.number().into()),
            ("reason", text(&l.reason)),
            ("revised_due_on", l.revised_due_on.map(iso).into()),
        ],
        Letter::Stage3Acknowledgement(l) => vec![
            ("received_on", l.received_on.map(iso).into()),
            ("respond_within", l.respond_within.get().into()),
            ("respond_by", l.respond_by.map(iso).into()),
        ],
        Letter::StageOutcome(l) => {
            let mut f = vec![
                ("stage", l.stage.number().into()),
                ("decision", l.decision.key().into()),
                ("findings", text(&l.findings)),
                ("remedies", remedies(&l.remedies)),
                ("issued_on", iso(l.issued_on)),
            ];
            f.extend(escalation(&l.escalation));
            f
        }
        Letter::FinalOutcome(l) => vec![
            ("decision", l.decision.key().into()),
            ("findings", text(&l.findings)),
            ("remedies", remedies(&l.remedies)),
            ("issued_on", iso(l.issued_on)),
            ("regulators", l.regulators.iter().map(text).collect()),
        ],
        Letter::ComplimentForManager(l) => vec![
            ("unlisted", l.unlisted.as_deref().map(text).into()),
            ("team", text(&l.team)),
            ("about_person", l.about_person.as_deref().map(text).into()),
            ("message", text(&l.message)),
        ],
        Letter::FollowLink(_) => vec![],
        Letter::StaffAlert(l) => {
            let (alert, stage, role, deadline) = match l.alert {
                Alert::Assigned { stage, role } => ("assigned", Some(stage), Some(role), None),
                Alert::DeadlineApproaching(k) => ("deadline_approaching", None, None, Some(k)),
                Alert::DeadlineMissed(k) => ("deadline_missed", None, None, Some(k)),
                Alert::RestrictionReviewDue => ("restriction_review_due", None, None, None),
                Alert::DeliveryGivenUp { .. } => ("delivery_given_up", None, None, None),
            };
            let (letter, undelivered_to) = match l.alert {
                Alert::DeliveryGivenUp { letter, recipient } => {
                    (Some(letter), Some(recipient.key()))
                }
                _ => (None, None),
            };
            vec![
                ("unlisted", l.unlisted.as_deref().map(text).into()),
                ("alert", alert.into()),
                ("stage", stage.map(|s| s.number()).into()),
                ("role", role.map(|r| r.key()).into()),
                ("deadline", deadline.map(|k| k.key()).into()),
                ("due_on", l.due_on.map(iso).into()),
                ("letter", letter.into()),
                ("undelivered_to", undelivered_to.into()),
            ]
        }
    }
}

fn escalation(e: &EscalationRight) -> Fields {
    vec![
        ("next_stage", e.to_stage.number().into()),
        ("grounds", e.grounds.iter().map(|g| g.key()).collect()),
        ("escalation_within_days", e.within_days.into()),
        ("escalation_last_date", iso(e.last_date)),
        ("escalation_expected_by_post", iso(e.expected_by_post())),
        ("escalation_last_date_by_post", iso(e.last_date_by_post)),
    ]
}

fn remedies(remedies: &[Remedy]) -> Value {
    remedies
        .iter()
        .map(|r| {
            [
                ("kind", Value::from(r.kind.key())),
                ("description", text(&r.description)),
                ("restates_kind", r.restates_kind().into()),
                ("compensation_pence", r.compensation_pence.into()),
                ("expected_payment_on", r.expected_payment_on.map(iso).into()),
                ("done_by", r.done_by.map(iso).into()),
            ]
            .into_iter()
            .collect::<Value>()
        })
        .collect()
}

fn iso(date: NaiveDate) -> Value {
    Value::from(date.format("%Y-%m-%d").to_string())
}

fn text(s: impl AsRef<str>) -> Value {
    Value::from(s.as_ref())
}
