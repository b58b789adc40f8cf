//! Stored events as JSON, for a subject access export. Every event is
//! stored with the fully qualified protobuf name of its payload, and the
//! compiled descriptors of `complaints.v1` describe every such message, so
//! one decoder serves every service and every event type, in protobuf's
//! own JSON mapping (bytes as base64, timestamps as RFC 3339).

use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};
use std::sync::LazyLock;

/// Why a payload could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum JsonError {
    #[error("the compiled descriptors do not decode: {0}")]
    Descriptors(String),
    #[error("no message type {0} in complaints.v1")]
    UnknownType(String),
    #[error("the payload is not a {event_type}: {source}")]
    Payload {
        event_type: String,
        source: prost::DecodeError,
    },
    #[error("the payload cannot be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

static POOL: LazyLock<Result<DescriptorPool, String>> = LazyLock::new(|| {
    DescriptorPool::decode(complaints_proto::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string())
});

/// The payload of an event of `event_type` as JSON, with the field names
/// of the `.proto` files.
pub fn payload_json(event_type: &str, payload: &[u8]) -> Result<serde_json::Value, JsonError> {
    let pool = POOL
        .as_ref()
        .map_err(|e| JsonError::Descriptors(e.clone()))?;
    let descriptor = pool
        .get_message_by_name(event_type)
        .ok_or_else(|| JsonError::UnknownType(event_type.to_owned()))?;
    let message =
        DynamicMessage::decode(descriptor, payload).map_err(|source| JsonError::Payload {
            event_type: event_type.to_owned(),
            source,
        })?;
    let options = SerializeOptions::new().use_proto_field_name(true);
    Ok(message.serialize_with_options(serde_json::value::Serializer, &options)?)
}

/// The payload as JSON, or, for a type the descriptors do not know, its
/// bytes in hex: an export leaves nothing out because it cannot read it.
pub fn payload_json_or_hex(event_type: &str, payload: &[u8]) -> serde_json::Value {
    payload_json(event_type, payload).unwrap_or_else(|e| {
        tracing::warn!(event_type, error = %e, "exporting an event payload undecoded");
        let hex: String = payload.iter().map(|b| format!("{b:02x}")).collect();
        serde_json::json!({ "undecoded_hex": hex })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use complaints_proto::v1 as pb;
    use prost::Message;

    #[test]
    fn an_event_payload_is_decoded_by_its_type_name_with_bytes_as_base64() {
        let event = pb::AttachmentReceived {
            file_name: "note.txt".into(),
            content: b"hi".to_vec(),
            ..Default::default()
        };
        let json =
            payload_json("complaints.v1.AttachmentReceived", &event.encode_to_vec()).unwrap();
        assert_eq!(json["file_name"], "note.txt");
        assert_eq!(json["content"], "aGk=");
    }

    #[test]
    fn a_type_the_descriptors_do_not_know_is_kept_as_hex() {
        assert!(matches!(
            payload_json("complaints.v1.NoSuchEvent", b""),
            Err(JsonError::UnknownType(_))
        ));
        assert_eq!(
            payload_json_or_hex("complaints.v1.NoSuchEvent", b"\x01\xff")["undecoded_hex"],
            "01ff"
        );
    }
}
