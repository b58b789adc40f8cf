//! A regulator's notice of a failure found in another awarding
//! organisation's assessment process opens a review of our own (R-REG-4).
//!
//! A notice is not a complaint: it has a stream of its own (type
//! "regulator-notice"), with a pure core like the complaint's — `decide`
//! from the notice's state and a command, `evolve` to apply an event.
//! [`listing`] (pure) filters and orders notices for staff; [`storage`]
//! reads every notice's stream (SQL only).

pub mod listing;
pub mod storage;

use crate::domain::Refusal;
use crate::domain::types::{Name, NonEmptyText, StaffId};
use crate::error::{ComplaintsError, Context as _};
use chrono::{Datelike, NaiveDate};
use complaints_proto::v1 as pb;
use eventlog::{EventLog, ExpectedVersion, Metadata, NewEvent, StreamId};
use prost::{Message, Name as _};
use uuid::Uuid;

/// The stream type of notices, for retention per stream.
pub const STREAM_TYPE: &str = "regulator-notice";

/// Record a notice and the review it calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordNotice {
    pub regulator: Name,
    pub awarding_organisation: Name,
    pub failure: NonEmptyText,
    pub received_on: NaiveDate,
    pub review_owner: StaffId,
    pub review_due_on: NaiveDate,
}

/// The review is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompleteReview {
    pub findings: NonEmptyText,
}

/// A notice's events.
#[derive(Debug, Clone, PartialEq)]
pub enum NoticeEvent {
    Received(pb::RegulatorNoticeReceived),
    ReviewCompleted(pb::RegulatorReviewCompleted),
}

/// A notice as its stream tells it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Notice {
    pub version: u64,
    pub received: Option<pb::RegulatorNoticeReceived>,
    pub completed: Option<pb::RegulatorReviewCompleted>,
}

fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

fn invalid(field: &'static str, reason: String) -> Refusal {
    Refusal::invalid("R-REG-4", field, reason)
}

/// R-REG-4: the notice is recorded with one owner and a due date for the
/// review; it cannot come from the future, nor be due before it arrived.
pub fn record(id: Uuid, c: RecordNotice, today: NaiveDate) -> Result<Vec<NoticeEvent>, Refusal> {
    if c.received_on > today {
        return Err(invalid(
            "received_on",
            format!("{} is in the future (today is {today})", c.received_on),
        ));
    }
    if c.review_due_on <= c.received_on {
        return Err(invalid(
            "review_due_on",
            format!(
                "the review is due after the notice arrived on {}",
                c.received_on
            ),
        ));
    }
    Ok(vec![NoticeEvent::Received(pb::RegulatorNoticeReceived {
        notice_id: id.to_string(),
        regulator: c.regulator.as_str().to_owned(),
        awarding_organisation: c.awarding_organisation.as_str().to_owned(),
        failure: c.failure.as_str().to_owned(),
        received_on: Some(date(c.received_on)),
        review_owner: c.review_owner.as_str().to_owned(),
        review_due_on: Some(date(c.review_due_on)),
    })])
}

/// R-REG-4: the review is tracked to completion, once.
pub fn complete(
    state: &Notice,
    c: CompleteReview,
    today: NaiveDate,
) -> Result<Vec<NoticeEvent>, Refusal> {
    let Some(received) = &state.received else {
        return Err(Refusal::precondition("R-REG-4", "no such notice"));
    };
    if state.completed.is_some() {
        return Err(Refusal::precondition(
            "R-REG-4",
            "the review was already completed",
        ));
    }
    Ok(vec![NoticeEvent::ReviewCompleted(
        pb::RegulatorReviewCompleted {
            notice_id: received.notice_id.clone(),
            findings: c.findings.as_str().to_owned(),
            completed_on: Some(date(today)),
        },
    )])
}

pub fn evolve(mut state: Notice, event: &NoticeEvent) -> Notice {
    state.version += 1;
    match event {
        NoticeEvent::Received(e) => state.received = Some(e.clone()),
        NoticeEvent::ReviewCompleted(e) => state.completed = Some(e.clone()),
    }
    state
}

/// The notice for staff, as of `today` (whether its review is overdue).
pub fn view(state: &Notice, today: NaiveDate) -> pb::RegulatorNoticeView {
    let overdue = listing::is_overdue(state, today);
    let received = state.received.clone().unwrap_or_default();
    pb::RegulatorNoticeView {
        notice_id: received.notice_id,
        regulator: received.regulator,
        awarding_organisation: received.awarding_organisation,
        received_on: received.received_on,
        review_owner: received.review_owner,
        review_due_on: received.review_due_on,
        review_completed_on: state.completed.as_ref().and_then(|c| c.completed_on),
        failure: received.failure,
        findings: state
            .completed
            .as_ref()
            .map(|c| c.findings.clone())
            .unwrap_or_default(),
        overdue,
    }
}

/// A notice event from its stored type and bytes; why not, otherwise.
pub fn decode(event_type: &str, payload: &[u8]) -> Result<NoticeEvent, String> {
    match event_type {
        t if t == pb::RegulatorNoticeReceived::full_name() => Message::decode(payload)
            .map(NoticeEvent::Received)
            .map_err(|e| e.to_string()),
        t if t == pb::RegulatorReviewCompleted::full_name() => Message::decode(payload)
            .map(NoticeEvent::ReviewCompleted)
            .map_err(|e| e.to_string()),
        other => Err(format!("{other} is not a notice event")),
    }
}

fn stream(id: Uuid) -> StreamId {
    StreamId::new(format!("notice-{id}")).expect("uuid stream ids are valid")
}

/// Reads a notice's stream.
pub async fn load(log: &EventLog, id: Uuid) -> Result<Notice, ComplaintsError> {
    let mut state = Notice::default();
    for recorded in log.read_stream(&stream(id)).await? {
        let corrupt = |reason: String| ComplaintsError::Corrupt {
            stream_id: recorded.stream_id.clone(),
            event_id: recorded.event_id,
            reason,
        };
        let event = decode(&recorded.event_type, &recorded.payload).map_err(corrupt)?;
        state = evolve(state, &event);
    }
    Ok(state)
}

/// Appends a notice's events, expecting the stream where `before` left it.
pub async fn save(
    log: &EventLog,
    id: Uuid,
    before: &Notice,
    events: &[NoticeEvent],
    metadata: &Metadata,
) -> Result<Notice, ComplaintsError> {
    let new_events: Vec<NewEvent> = events
        .iter()
        .map(|event| {
            let (event_type, payload) = match event {
                NoticeEvent::Received(e) => {
                    (pb::RegulatorNoticeReceived::full_name(), e.encode_to_vec())
                }
                NoticeEvent::ReviewCompleted(e) => {
                    (pb::RegulatorReviewCompleted::full_name(), e.encode_to_vec())
                }
            };
            NewEvent::new(event_type, payload, metadata.clone())
        })
        .collect();
    let expected = match before.version {
        0 => ExpectedVersion::NoStream,
        v => ExpectedVersion::Exact(v),
    };
    let mut tx = log
        .pool()
        .begin()
        .await
        .context("beginning a notice write")?;
    eventlog::append_in(&mut tx, &stream(id), STREAM_TYPE, expected, &new_events).await?;
    tx.commit().await.context("committing a notice write")?;
    Ok(events.iter().fold(before.clone(), evolve))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> RecordNotice {
        RecordNotice {
            regulator: Name::new("Ofqual").unwrap(),
            awarding_organisation: Name::new("Another Awarding Body").unwrap(),
            failure: NonEmptyText::new("Marks were transposed between candidates.").unwrap(),
            received_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            review_owner: StaffId::new("assessment-lead").unwrap(),
            review_due_on: NaiveDate::from_ymd_opt(2026, 4, 2).unwrap(),
        }
    }

    /// R-REG-4: the notice opens a review with one owner, done once.
    #[test]
    fn r_reg_4_a_regulator_notice_opens_a_review_tracked_to_completion_once() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        let events = record(Uuid::nil(), notice(), today).unwrap();
        let state = events.iter().fold(Notice::default(), evolve);
        assert_eq!(view(&state, today).review_owner, "assessment-lead");
        let findings = || CompleteReview {
            findings: NonEmptyText::new("Our double-keying check prevents this.").unwrap(),
        };
        let done = complete(&state, findings(), today).unwrap();
        let state = done.iter().fold(state, evolve);
        assert!(view(&state, today).review_completed_on.is_some());
        assert_eq!(
            complete(&state, findings(), today).unwrap_err().rule,
            "R-REG-4"
        );
    }

    #[test]
    fn r_reg_4_a_review_due_before_the_notice_arrived_is_refused() {
        let mut c = notice();
        c.review_due_on = c.received_on;
        let today = NaiveDate::from_ymd_opt(2026, 3, 3).unwrap();
        assert_eq!(
            record(Uuid::nil(), c, today).unwrap_err().field,
            Some("review_due_on")
        );
    }
}
