//! The values that go into and come out of the log.

use chrono::{DateTime, Utc};
use std::fmt;
use uuid::Uuid;

/// The id of one stream, e.g. `complaint-CMP-2026-000123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamId(String);

impl StreamId {
    /// A stream id is non-empty printable ASCII without spaces, at most 200
    /// characters, so it can appear in logs and subjects unchanged.
    pub fn new(id: impl Into<String>) -> Result<Self, crate::Error> {
        let id = id.into();
        let valid = !id.is_empty()
            && id.len() <= 200
            && id
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'*' && b != b'>');
        if valid {
            Ok(Self(id))
        } else {
            Err(crate::Error::InvalidSetting(format!(
                "stream id {id:?} must be 1 to 200 printable ASCII characters without spaces, '*' or '>'"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the writer believes the stream's version is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be at exactly this version (number of events).
    Exact(u64),
    /// Append whatever the version; for streams with a single writer.
    Any,
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoStream => f.write_str("no stream"),
            Self::Exact(v) => write!(f, "{v}"),
            Self::Any => f.write_str("any"),
        }
    }
}

/// Who caused an event: a user id or a named system, never a name or email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    User(String),
    System(String),
}

impl Actor {
    /// Stored form: `user:<id>` or `system:<name>`.
    pub fn encode(&self) -> String {
        match self {
            Self::User(id) => format!("user:{id}"),
            Self::System(name) => format!("system:{name}"),
        }
    }

    /// Reads the stored form back; anything unknown is kept as a system.
    pub fn decode(stored: &str) -> Self {
        match stored.split_once(':') {
            Some(("user", id)) => Self::User(id.to_owned()),
            Some(("system", name)) => Self::System(name.to_owned()),
            _ => Self::System(stored.to_owned()),
        }
    }
}

/// Why and by whom an event was written, and the trace it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub correlation_id: Uuid,
    pub causation_id: Option<Uuid>,
    pub actor: Actor,
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

impl Metadata {
    /// Metadata for a new piece of work, in the current trace.
    pub fn new(actor: Actor) -> Self {
        let (traceparent, tracestate) = telemetry::propagation::current_trace_context();
        Self {
            correlation_id: Uuid::now_v7(),
            causation_id: None,
            actor,
            traceparent,
            tracestate,
        }
    }

    /// Metadata for work caused by `event`: same correlation, caused by it,
    /// in the current trace.
    pub fn caused_by(event_id: Uuid, correlation_id: Uuid, actor: Actor) -> Self {
        Self {
            correlation_id,
            causation_id: Some(event_id),
            ..Self::new(actor)
        }
    }
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub event_id: Uuid,
    /// Fully qualified protobuf name of the payload.
    pub event_type: String,
    /// The encoded protobuf payload.
    pub payload: Vec<u8>,
    pub occurred_at: DateTime<Utc>,
    pub metadata: Metadata,
}

impl NewEvent {
    /// A new event with a fresh time-ordered id, occurring now.
    pub fn new(event_type: impl Into<String>, payload: Vec<u8>, metadata: Metadata) -> Self {
        Self {
            event_id: Uuid::now_v7(),
            event_type: event_type.into(),
            payload,
            occurred_at: Utc::now(),
            metadata,
        }
    }
}

/// A place in the log: the event's position, and the transaction that
/// wrote it (kept for audit). Positions are ordered by `global_position`;
/// reading "after" a position never skips an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Position {
    pub transaction_id: i64,
    pub global_position: i64,
}

impl Ord for Position {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.global_position, self.transaction_id)
            .cmp(&(other.global_position, other.transaction_id))
    }
}

impl PartialOrd for Position {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Position {
    /// Before the first event.
    pub const START: Position = Position {
        transaction_id: 0,
        global_position: 0,
    };
}

/// An event as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    pub position: Position,
    pub event_id: Uuid,
    pub stream_id: String,
    pub stream_type: String,
    pub stream_version: u64,
    pub event_type: String,
    pub payload: Vec<u8>,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub metadata: Metadata,
}
