//! Events to and from their protobuf messages (`complaint_events.proto`,
//! package `complaints.v1`). Every event has one message of the same name;
//! the event type is the message's fully qualified name, e.g.
//! `complaints.v1.OutcomeRecorded`. Decoding parses every value into its
//! domain type, so an event that could not have been decided is refused.

mod actions;
pub mod adjustments;
mod deadlines;
mod enums;
mod records;
mod scalars;
mod stages;

use super::event::{self as ev, Event};
use complaints_proto::v1;
use prost::{Message, Name};
use thiserror::Error;

/// Why bytes could not be read as an event.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CodecError {
    /// The event type is not one of the complaint events.
    #[error("{0:?} is not a complaint event type")]
    UnknownEventType(String),
    /// The bytes are not the protobuf message.
    #[error("{event_type}: not a valid protobuf message: {reason}")]
    Malformed { event_type: String, reason: String },
    /// A field holds a value the domain does not accept.
    #[error("{event_type}: field {field}: {reason}")]
    InvalidField {
        event_type: String,
        field: &'static str,
        reason: String,
    },
}

/// A field value the domain does not accept.
#[derive(Debug)]
struct Invalid {
    field: &'static str,
    reason: String,
}

impl Invalid {
    fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

/// A domain event and its protobuf message.
trait Wire: Sized {
    type Proto: Message + Name + Default;
    fn to_proto(&self) -> Self::Proto;
    fn from_proto(proto: Self::Proto) -> Result<Self, Invalid>;
}

fn pack<W: Wire>(event: &W) -> (String, Vec<u8>) {
    (W::Proto::full_name(), event.to_proto().encode_to_vec())
}

fn unpack<W: Wire>(event_type: &str, bytes: &[u8]) -> Result<W, CodecError> {
    let proto = W::Proto::decode(bytes).map_err(|e| CodecError::Malformed {
        event_type: event_type.to_owned(),
        reason: e.to_string(),
    })?;
    W::from_proto(proto).map_err(|e| CodecError::InvalidField {
        event_type: event_type.to_owned(),
        field: e.field,
        reason: e.reason,
    })
}

macro_rules! events {
    ($($variant:ident),* $(,)?) => {
        /// The event's type (fully qualified message name) and encoded message.
        pub fn encode(event: &Event) -> (String, Vec<u8>) {
            match event {
                $(Event::$variant(e) => pack(e),)*
            }
        }

        /// The event of type `event_type` encoded in `bytes`.
        pub fn decode(event_type: &str, bytes: &[u8]) -> Result<Event, CodecError> {
            let short = event_type
                .strip_prefix(v1::ComplaintOpened::PACKAGE)
                .and_then(|rest| rest.strip_prefix('.'))
                .unwrap_or_default();
            $(
                if short == <<ev::$variant as Wire>::Proto as Name>::NAME {
                    return unpack::<ev::$variant>(event_type, bytes).map(Event::$variant);
                }
            )*
            Err(CodecError::UnknownEventType(event_type.to_owned()))
        }

        /// The fully qualified names of every complaint event type.
        pub fn event_types() -> Vec<String> {
            vec![$(<<ev::$variant as Wire>::Proto as Name>::full_name(),)*]
        }
    };
}

events!(
    ComplaintOpened,
    HandlerAssigned,
    ContactRecorded,
    TimescaleAgreed,
    UpdateRecorded,
    ReferredToLineManager,
    OutcomeRecorded,
    OutcomeReceived,
    OutcomeReceiptRecorded,
    StageEscalated,
    InvestigationDecided,
    Stage3Acknowledged,
    DeadlineSet,
    DeadlineExtended,
    DeadlineMet,
    DeadlineWithdrawn,
    DeadlineApproaching,
    DeadlineMissed,
    ActionAdded,
    ActionReassigned,
    ActionCompleted,
    RegulatorReferralRecorded,
    ReferralRightRecorded,
    ContactRestricted,
    ContactRestrictionLifted,
    RestrictionReviewDue,
    DisclosureRecorded,
    InformationPermissionRecorded,
    ResolvedOutsideProcedure,
    NewIssuesRaised,
    NewIssuesAwaitingDecision,
    NewIssuesDecided,
    ComplaintClosed,
);
