//! Intake's events: submissions, compliments and equality monitoring.

use super::{DecodeError, Event};
use crate::core::compliments::ComplimentRecord;
use crate::core::equality::MonitoringAnswers;
use crate::core::fact::Fact;
use complaints_proto::v1;
use fieldtext::fields;

/// The facts of one intake submission event (stream type "submission").
/// Other types, compliments and monitoring included, give none.
pub fn facts_from_intake(event_type: &str, payload: &[u8]) -> Result<Vec<Fact>, DecodeError> {
    let e = Event {
        event_type,
        payload,
    };
    if let Some(m) = e.read::<v1::SubmissionReceived>()? {
        return Ok(vec![Fact::Submitted {
            received_on: e.uk_date("received_at", m.received_at)?,
            channel: e.known("channel", m.channel)?,
            query_category: e.text("query_category", fields::LABEL, &m.query_category)?,
            customer_type: e.text("customer_type", fields::LABEL, &m.customer_type)?,
            third_party: m.third_party.is_some(),
        }]);
    }
    let fact = if e.read::<v1::ComplaintRedirected>()?.is_some() {
        Fact::Redirected
    } else if e
        .read::<v1::SubmissionResolvedOutsideProcedure>()?
        .is_some()
    {
        Fact::ResolvedOutsideProcedure
    } else if e.read::<v1::OutOfTimeDeclined>()?.is_some() {
        Fact::DeclinedOutOfTime
    } else if e.read::<v1::ComplaintAccepted>()?.is_some() {
        Fact::Accepted
    } else {
        return Ok(Vec::new());
    };
    Ok(vec![fact])
}

/// The team and date of a `ComplimentReceived` (R-POS-1); who sent it,
/// whom it names and what it says are left behind.
pub fn compliment_from_intake(
    event_type: &str,
    payload: &[u8],
) -> Result<Option<ComplimentRecord>, DecodeError> {
    let e = Event {
        event_type,
        payload,
    };
    let Some(m) = e.read::<v1::ComplimentReceived>()? else {
        return Ok(None);
    };
    Ok(Some(ComplimentRecord {
        received_on: e.uk_date("received_at", m.received_at)?,
        team: e.text("team", fields::TEAM, &m.team)?,
    }))
}

/// The answers of an `EqualityMonitoringRecorded` (R-MON-4). They stay in
/// the reporting service and are only ever shown in aggregate.
pub fn monitoring_from_intake(
    event_type: &str,
    payload: &[u8],
) -> Result<Option<MonitoringAnswers>, DecodeError> {
    let e = Event {
        event_type,
        payload,
    };
    let Some(m) = e.read::<v1::EqualityMonitoringRecorded>()? else {
        return Ok(None);
    };
    if m.pseudonym.is_empty() {
        return Err(e.invalid("pseudonym", "is missing"));
    }
    let a = m.answers.unwrap_or_default();
    let answer = |field, s: &str| e.text(field, fields::MONITORING_ANSWER, s);
    Ok(Some(MonitoringAnswers {
        ethnicity: answer("answers.ethnicity", &a.ethnicity)?,
        disability: answer("answers.disability", &a.disability)?,
        gender: answer("answers.gender", &a.gender)?,
        age_band: answer("answers.age_band", &a.age_band)?,
        religion_or_belief: answer("answers.religion_or_belief", &a.religion_or_belief)?,
        sexual_orientation: answer("answers.sexual_orientation", &a.sexual_orientation)?,
        pseudonym: m.pseudonym,
    }))
}
