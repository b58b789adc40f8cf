//! Turning stored events into envelopes and back into domain messages.

use complaints_proto::v1::{Actor, EventEnvelope, TraceContext, actor};
use eventlog::RecordedEvent;

const TYPE_URL_PREFIX: &str = "type.googleapis.com/";

/// The envelope of a stored event, as `source` publishes it.
pub fn envelope_of(event: &RecordedEvent, source: &str) -> EventEnvelope {
    let actor = match &event.metadata.actor {
        eventlog::Actor::User(id) => actor::Kind::UserId(id.clone()),
        eventlog::Actor::System(name) => actor::Kind::System(name.clone()),
    };
    EventEnvelope {
        event_id: event.event_id.to_string(),
        stream_id: event.stream_id.clone(),
        stream_type: event.stream_type.clone(),
        stream_version: event.stream_version,
        event_type: event.event_type.clone(),
        occurred_at: Some(prost_types::Timestamp {
            seconds: event.occurred_at.timestamp(),
            nanos: event.occurred_at.timestamp_subsec_nanos() as i32,
        }),
        correlation_id: event.metadata.correlation_id.to_string(),
        causation_id: event
            .metadata
            .causation_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        actor: Some(Actor { kind: Some(actor) }),
        trace_context: event
            .metadata
            .traceparent
            .as_ref()
            .map(|parent| TraceContext {
                traceparent: parent.clone(),
                tracestate: event.metadata.tracestate.clone().unwrap_or_default(),
            }),
        source: source.to_owned(),
        payload: Some(prost_types::Any {
            type_url: format!("{TYPE_URL_PREFIX}{}", event.event_type),
            value: event.payload.clone(),
        }),
    }
}

/// The domain event inside `envelope`, if it is an `M`.
pub fn decode_payload<M: prost::Message + prost::Name + Default>(
    envelope: &EventEnvelope,
) -> Option<M> {
    let payload = envelope.payload.as_ref()?;
    if payload.type_url.strip_prefix(TYPE_URL_PREFIX)? != M::full_name() {
        return None;
    }
    M::decode(payload.value.as_slice()).ok()
}
