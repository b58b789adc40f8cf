//! The complaints service's events (stream type "complaint", keyed by the
//! complaint reference).

use super::{DecodeError, Event};
use crate::core::fact::Fact;
use crate::core::record::Stage;
use complaints_proto::v1::{self, Decision, RemedyKind};

/// The facts of one complaint event. Events the log does not use
/// (handlers, contacts, updates, disclosures...) give none.
pub fn facts_from_complaints(event_type: &str, payload: &[u8]) -> Result<Vec<Fact>, DecodeError> {
    let e = Event {
        event_type,
        payload,
    };
    let fact = if let Some(m) = e.read::<v1::ComplaintOpened>()? {
        Fact::Opened {
            received_on: e.date("received_on", m.received_on)?,
            channel: e.known("channel", m.channel)?,
            query_category: e.text(
                "query_category",
                fieldtext::fields::LABEL,
                &m.query_category,
            )?,
            regulated_qualification: m.qualification.is_some_and(|q| q.regulated),
        }
    } else if let Some(m) = e.read::<v1::OutcomeRecorded>()? {
        outcome(&e, m)?
    } else if let Some(m) = e.read::<v1::StageEscalated>()? {
        Fact::StageEscalated {
            to: e.stage("to_stage", m.to_stage)?,
            received_on: e.date("received_on", m.received_on)?,
        }
    } else if let Some(m) = e.read::<v1::ReferredToLineManager>()? {
        // A referral to the line manager counts as Stage 2 (R-S1-3).
        Fact::StageEscalated {
            to: Stage::Two,
            received_on: e.date("referred_on", m.referred_on)?,
        }
    } else if let Some(m) = e.read::<v1::DeadlineMet>()? {
        Fact::DeadlineMet {
            kind: e.known("kind", m.kind)?,
        }
    } else if let Some(m) = e.read::<v1::DeadlineMissed>()? {
        Fact::DeadlineMissed {
            kind: e.known("kind", m.kind)?,
        }
    } else if let Some(m) = e.read::<v1::ActionAdded>()? {
        Fact::ActionAdded {
            id: m.action_id,
            due_on: e.date("due_on", m.due_on)?,
        }
    } else if let Some(m) = e.read::<v1::ActionCompleted>()? {
        Fact::ActionCompleted {
            id: m.action_id,
            on: match m.completed_on {
                Some(d) => Some(e.date("completed_on", Some(d))?),
                None => None,
            },
        }
    } else if e.read::<v1::ResolvedOutsideProcedure>()?.is_some() {
        Fact::ResolvedOutsideProcedure
    } else if let Some(m) = e.read::<v1::ComplaintClosed>()? {
        Fact::Closed {
            on: e.date("closed_on", m.closed_on)?,
            how: e.known("how", m.how)?,
        }
    } else {
        return Ok(Vec::new());
    };
    Ok(vec![fact])
}

/// The submission a `ComplaintOpened` came from, so the shell can give the
/// complaint's stream the same pseudonym as the submission's. `None` for
/// any other event type.
pub fn submission_of_complaint(
    event_type: &str,
    payload: &[u8],
) -> Result<Option<String>, DecodeError> {
    let e = Event {
        event_type,
        payload,
    };
    let Some(m) = e.read::<v1::ComplaintOpened>()? else {
        return Ok(None);
    };
    if m.submission_id.is_empty() {
        return Err(e.invalid("submission_id", "is missing"));
    }
    Ok(Some(m.submission_id))
}

/// Decision, remedy kinds and the compensation total; the findings and
/// remedy descriptions are free text and stay behind.
fn outcome(e: &Event<'_>, m: v1::OutcomeRecorded) -> Result<Fact, DecodeError> {
    let decision = match e.known::<Decision>("decision", m.decision)? {
        Decision::Unspecified => None,
        d => Some(d),
    };
    let mut remedies = Vec::with_capacity(m.remedies.len());
    let mut compensation_pence = 0i64;
    for remedy in &m.remedies {
        let kind = e.known::<RemedyKind>("remedies.kind", remedy.kind)?;
        if kind != RemedyKind::Unspecified {
            remedies.push(kind);
        }
        let pence = remedy.compensation.map_or(0, |c| c.pence);
        if pence < 0 {
            return Err(e.invalid("remedies.compensation", "is negative"));
        }
        compensation_pence = compensation_pence.saturating_add(pence);
    }
    Ok(Fact::OutcomeRecorded {
        stage: e.stage("stage", m.stage)?,
        decision,
        remedies,
        compensation_pence,
        on: e.date("issued_on", m.issued_on)?,
    })
}
