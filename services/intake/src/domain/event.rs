//! The facts intake records. Each is a `complaints.v1` message, stored in
//! the log and published under its fully qualified name.

use complaints_proto::v1 as pb;
use prost::{Message, Name};

/// One intake event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Received(pb::SubmissionReceived),
    Attachment(pb::AttachmentReceived),
    Redirected(pb::ComplaintRedirected),
    OutOfTimeReviewRequired(pb::OutOfTimeReviewRequired),
    CompellingReasonRecorded(pb::CompellingReasonRecorded),
    OutOfTimeDeclined(pb::OutOfTimeDeclined),
    ConsentRequested(pb::ConsentRequested),
    ConsentRecorded(pb::ConsentRecorded),
    ConsentWithdrawn(pb::ConsentWithdrawn),
    Accepted(pb::ComplaintAccepted),
    ResolvedOutsideProcedure(pb::SubmissionResolvedOutsideProcedure),
}

/// Events that stay in intake's log and never go on the bus: attachments
/// are large and nobody else's business.
pub const PRIVATE_EVENT_TYPES: [&str; 1] = ["complaints.v1.AttachmentReceived"];

impl Event {
    /// Whether triage produced this event by itself, rather than a channel
    /// or a member of staff deciding it: where the submission goes next
    /// (redirected, waiting for a decision on its age or for consent,
    /// accepted). Such an event is the submission's own and is recorded as
    /// done by who submitted it, whichever decision let triage go on, so a
    /// complaint's submitter never becomes the member of staff who recorded
    /// consent or a compelling reason (R-INT-4, R-INT-2, R-CONF-1).
    pub fn is_triage(&self) -> bool {
        matches!(
            self,
            Self::Redirected(_)
                | Self::OutOfTimeReviewRequired(_)
                | Self::ConsentRequested(_)
                | Self::Accepted(_)
        )
    }

    /// Fully qualified type name and encoded payload.
    pub fn encode(&self) -> (String, Vec<u8>) {
        fn of<M: Message + Name>(m: &M) -> (String, Vec<u8>) {
            (M::full_name(), m.encode_to_vec())
        }
        match self {
            Self::Received(e) => of(e),
            Self::Attachment(e) => of(e),
            Self::Redirected(e) => of(e),
            Self::OutOfTimeReviewRequired(e) => of(e),
            Self::CompellingReasonRecorded(e) => of(e),
            Self::OutOfTimeDeclined(e) => of(e),
            Self::ConsentRequested(e) => of(e),
            Self::ConsentRecorded(e) => of(e),
            Self::ConsentWithdrawn(e) => of(e),
            Self::Accepted(e) => of(e),
            Self::ResolvedOutsideProcedure(e) => of(e),
        }
    }

    /// The event stored as `event_type`, or an error for a type intake
    /// never wrote or bytes that do not decode.
    pub fn decode(event_type: &str, bytes: &[u8]) -> Result<Self, DecodeError> {
        fn is<M: Name>(event_type: &str) -> bool {
            event_type == M::full_name()
        }
        Ok(match event_type {
            t if is::<pb::SubmissionReceived>(t) => Self::Received(Message::decode(bytes)?),
            t if is::<pb::AttachmentReceived>(t) => Self::Attachment(Message::decode(bytes)?),
            t if is::<pb::ComplaintRedirected>(t) => Self::Redirected(Message::decode(bytes)?),
            t if is::<pb::OutOfTimeReviewRequired>(t) => {
                Self::OutOfTimeReviewRequired(Message::decode(bytes)?)
            }
            t if is::<pb::CompellingReasonRecorded>(t) => {
                Self::CompellingReasonRecorded(Message::decode(bytes)?)
            }
            t if is::<pb::OutOfTimeDeclined>(t) => Self::OutOfTimeDeclined(Message::decode(bytes)?),
            t if is::<pb::ConsentRequested>(t) => Self::ConsentRequested(Message::decode(bytes)?),
            t if is::<pb::ConsentRecorded>(t) => Self::ConsentRecorded(Message::decode(bytes)?),
            t if is::<pb::ConsentWithdrawn>(t) => Self::ConsentWithdrawn(Message::decode(bytes)?),
            t if is::<pb::ComplaintAccepted>(t) => Self::Accepted(Message::decode(bytes)?),
            t if is::<pb::SubmissionResolvedOutsideProcedure>(t) => {
                Self::ResolvedOutsideProcedure(Message::decode(bytes)?)
            }
            other => return Err(DecodeError::UnknownType(other.to_owned())),
        })
    }
}

/// Why a stored event could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{0} is not an intake submission event")]
    UnknownType(String),
    #[error(transparent)]
    Malformed(#[from] prost::DecodeError),
}
