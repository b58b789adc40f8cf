//! What a command leads to, given the submission's state. Triage
//! (R-INT-2, R-INT-4, R-INT-6, R-INT-8) runs when a submission arrives and
//! again after each staff decision that unblocks it.

use super::types::{SubmissionRef, Text, ValidSubmission};
use super::{Consent, Event, Policy, Submission, evolve};
use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use complaints_proto::v1 as pb;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// What the world looks like when deciding.
#[derive(Debug)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub policy: &'a Policy,
}

/// What a channel or a member of staff asks of a submission.
#[derive(Debug)]
pub enum Command {
    Submit {
        id: Uuid,
        reference: SubmissionRef,
        submission: Box<ValidSubmission>,
    },
    RecordCompellingReason {
        reason: Text,
        decided_by: Text,
    },
    DeclineOutOfTime {
        reason: Text,
        decided_by: Text,
    },
    RecordConsent {
        evidence: Text,
        given_on: NaiveDate,
        recorded_by: Text,
    },
    WithdrawConsent {
        withdrawn_on: NaiveDate,
        recorded_by: Text,
    },
}

/// Why a command was refused: the rule and a plain reason. Nothing is
/// recorded for a refused command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{rule}: {reason}")]
pub struct Refusal {
    pub rule: &'static str,
    pub reason: String,
}

fn refuse(rule: &'static str, reason: impl Into<String>) -> Refusal {
    Refusal {
        rule,
        reason: reason.into(),
    }
}

/// Decides the events for `command` on `state`.
pub fn decide(state: &Submission, command: Command, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    match command {
        Command::Submit {
            id,
            reference,
            submission,
        } => {
            if state.exists() {
                return Err(refuse("R-INT-1", "this submission was already received"));
            }
            Ok(submit(id, &reference, *submission, ctx))
        }
        Command::RecordCompellingReason { reason, decided_by } => {
            awaiting(state, pb::TriageStatus::AwaitingTimeDecision, "R-INT-2")?;
            let recorded = Event::CompellingReasonRecorded(pb::CompellingReasonRecorded {
                submission_id: id_of(state),
                reason: reason.into_string(),
                decided_by: decided_by.into_string(),
            });
            Ok(continue_triage(state, recorded, ctx))
        }
        Command::DeclineOutOfTime { reason, decided_by } => {
            awaiting(state, pb::TriageStatus::AwaitingTimeDecision, "R-INT-2")?;
            let received = received(state);
            Ok(vec![Event::OutOfTimeDeclined(pb::OutOfTimeDeclined {
                submission_id: received.submission_id.clone(),
                reference: received.reference.clone(),
                reason: reason.into_string(),
                decided_by: decided_by.into_string(),
                complainant: received.complainant,
                correspondence: received.correspondence,
            })])
        }
        Command::RecordConsent {
            evidence,
            given_on,
            recorded_by,
        } => {
            awaiting(state, pb::TriageStatus::AwaitingConsent, "R-INT-4")?;
            let recorded = Event::ConsentRecorded(pb::ConsentRecorded {
                submission_id: id_of(state),
                evidence: evidence.into_string(),
                given_on: Some(date(given_on)),
                recorded_by: recorded_by.into_string(),
            });
            Ok(continue_triage(state, recorded, ctx))
        }
        Command::WithdrawConsent {
            withdrawn_on,
            recorded_by,
        } => {
            match state.consent {
                Consent::Given => {}
                Consent::NotNeeded => {
                    return Err(refuse(
                        "R-INT-4",
                        "no third party acts for this complainant",
                    ));
                }
                Consent::Awaited => {
                    return Err(refuse(
                        "R-INT-4",
                        "no consent has been recorded to withdraw",
                    ));
                }
                Consent::Withdrawn => {
                    return Err(refuse("R-INT-4", "consent was already withdrawn"));
                }
            }
            Ok(vec![Event::ConsentWithdrawn(pb::ConsentWithdrawn {
                submission_id: id_of(state),
                withdrawn_on: Some(date(withdrawn_on)),
                recorded_by: recorded_by.into_string(),
            })])
        }
    }
}

fn awaiting(
    state: &Submission,
    status: pb::TriageStatus,
    rule: &'static str,
) -> Result<(), Refusal> {
    if !state.exists() {
        return Err(refuse(rule, "no such submission"));
    }
    if state.status != status {
        return Err(refuse(
            rule,
            format!(
                "the submission is {}, not {}",
                describe(state.status),
                describe(status)
            ),
        ));
    }
    Ok(())
}

fn describe(status: pb::TriageStatus) -> &'static str {
    match status {
        pb::TriageStatus::Unspecified => "not triaged",
        pb::TriageStatus::Accepted => "accepted",
        pb::TriageStatus::Redirected => "redirected",
        pb::TriageStatus::AwaitingTimeDecision => "waiting for a decision on its age",
        pb::TriageStatus::AwaitingConsent => "waiting for the individual's consent",
        pb::TriageStatus::DeclinedOutOfTime => "declined as out of time",
        pb::TriageStatus::ResolvedOutsideProcedure => "resolved outside the procedure",
    }
}

fn submit(id: Uuid, reference: &SubmissionRef, s: ValidSubmission, ctx: &Context) -> Vec<Event> {
    let submission_id = id.to_string();
    let arrived = pb::SubmissionReceived {
        submission_id: submission_id.clone(),
        reference: reference.as_str().to_owned(),
        channel: s.channel as i32,
        received_at: Some(timestamp(s.received_at)),
        customer_status: s.customer_status.as_str().to_owned(),
        customer_type: s.customer_type.as_str().to_owned(),
        query_category: s.query_category.as_str().to_owned(),
        query_detail: s.query_detail.as_str().to_owned(),
        complainant: Some(s.complainant.clone()),
        matter_date: Some(date(s.matter_date)),
        correspondence: s.correspondence as i32,
        third_party: s.third_party.clone(),
        // The free text stays where readers of older events look for it.
        reasonable_adjustments: (s.adjustments.as_ref())
            .map(|a| a.other.clone())
            .unwrap_or_default(),
        adjustments: s.adjustments.clone(),
        qualification_code: text(&s.qualification_code),
        referring_regulator: text(&s.referring_regulator),
        written: s.written(),
        attachment_count: s.attachments.len() as u32,
    };
    let mut events = vec![Event::Received(arrived)];
    for (n, attachment) in s.attachments.into_iter().enumerate() {
        events.push(Event::Attachment(pb::AttachmentReceived {
            submission_id: submission_id.clone(),
            attachment_id: format!("{submission_id}-{}", n + 1),
            file_name: attachment.file_name.into_string(),
            content_type: attachment.content_type.to_owned(),
            size_bytes: attachment.content.len() as u64,
            sha256: hex::encode(Sha256::digest(&attachment.content)),
            content: attachment.content,
        }));
    }
    let state = Submission::replay(&events);
    let redirected = ctx.policy.redirect_for(s.query_category.as_str()).is_some();
    if let (Some(outside), false) = (s.resolved_outside_procedure, redirected) {
        // R-INT-7: dealt with at once, outside the procedure, and recorded
        // as the decision of the member of staff who took it.
        let r = received(&state);
        events.push(Event::ResolvedOutsideProcedure(
            pb::SubmissionResolvedOutsideProcedure {
                submission_id: r.submission_id,
                reference: r.reference,
                channel: r.channel,
                received_at: r.received_at,
                query_category: r.query_category,
                how_resolved: outside.how.into_string(),
                decided_by: outside.decided_by.into_string(),
            },
        ));
        return events;
    }
    let mut triaged = triage(&state, ctx);
    events.append(&mut triaged);
    events
}

/// Records `recorded` and runs the rest of triage from there.
fn continue_triage(state: &Submission, recorded: Event, ctx: &Context) -> Vec<Event> {
    let after = evolve(state.clone(), &recorded);
    let mut events = vec![recorded];
    events.extend(triage(&after, ctx));
    events
}

/// The next triage step for a received submission, in the procedure's
/// order: its own procedure first (R-INT-6), then its age (R-INT-2), then
/// a third party's authority (R-INT-4); what passes is accepted (R-INT-8).
fn triage(state: &Submission, ctx: &Context) -> Vec<Event> {
    let r = received(state);
    if let Some(redirect) = ctx.policy.redirect_for(&r.query_category) {
        return vec![Event::Redirected(pb::ComplaintRedirected {
            submission_id: r.submission_id,
            reference: r.reference,
            redirected_to: redirect.to.clone(),
            dealt_with_by: redirect.dealt_with_by.clone(),
            complainant: r.complainant,
            correspondence: r.correspondence,
        })];
    }
    let received_on = received_date(&r);
    // R-INT-8: a written submission is promised contact within the
    // configured working days of its receipt, whether it is accepted now
    // or waits for a decision on its age.
    let contact_due_on = r
        .written
        .then(|| {
            ctx.policy
                .calendar
                .add_working_days(received_on, ctx.policy.contact_within)
        })
        .map(date);
    if !state.compelling_reason
        && let (Some(matter), Some(limit)) = (
            r.matter_date.and_then(naive),
            received_on.checked_sub_months(Months::new(ctx.policy.out_of_time_months)),
        )
        && matter < limit
    {
        // R-INT-8 with R-INT-2: the automatic reply does not wait for the
        // staff decision, so this event carries what it needs.
        return vec![Event::OutOfTimeReviewRequired(
            pb::OutOfTimeReviewRequired {
                submission_id: r.submission_id,
                matter_date: Some(date(matter)),
                limit_date: Some(date(limit)),
                reference: r.reference,
                written: r.written,
                correspondence: r.correspondence,
                contact_within_working_days: ctx.policy.contact_within.get(),
                contact_due_on,
            },
        )];
    }
    if state.consent == Consent::Awaited {
        // R-INT-8: the third party's automatic reply promises the same
        // contact as any complainant's, so the event carries it.
        return vec![Event::ConsentRequested(pb::ConsentRequested {
            submission_id: r.submission_id,
            reference: r.reference,
            individual: r.complainant,
            third_party: r.third_party,
            correspondence: r.correspondence,
            written: r.written,
            contact_within_working_days: ctx.policy.contact_within.get(),
            contact_due_on,
        })];
    }
    vec![Event::Accepted(pb::ComplaintAccepted {
        submission_id: r.submission_id,
        reference: r.reference,
        channel: r.channel,
        received_at: r.received_at,
        customer_type: r.customer_type,
        query_category: r.query_category,
        query_detail: r.query_detail,
        complainant: r.complainant,
        correspondence: r.correspondence,
        third_party_consent: state.consent == Consent::Given,
        third_party: r.third_party,
        written: r.written,
        contact_within_working_days: ctx.policy.contact_within.get(),
        contact_due_on,
        qualification_code: r.qualification_code,
        referring_regulator: r.referring_regulator,
        reasonable_adjustments: r.reasonable_adjustments,
        adjustments: r.adjustments,
    })]
}

fn received(state: &Submission) -> pb::SubmissionReceived {
    state.received.clone().unwrap_or_default()
}

fn id_of(state: &Submission) -> String {
    received(state).submission_id
}

/// The UK date the submission arrived: deadlines count from it.
fn received_date(r: &pb::SubmissionReceived) -> NaiveDate {
    let at = r
        .received_at
        .and_then(|t| DateTime::from_timestamp(t.seconds, t.nanos.max(0) as u32))
        .unwrap_or_default();
    calendar::uk_date(at)
}

fn text(value: &Option<Text>) -> String {
    value
        .as_ref()
        .map(|t| t.as_str().to_owned())
        .unwrap_or_default()
}

pub fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

pub fn naive(d: pb::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year, d.month, d.day)
}

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}
