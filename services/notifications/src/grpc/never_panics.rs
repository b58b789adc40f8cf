//! Fuzzing the notifications edge: whatever well-formed protobuf a client
//! sends, reading its fields answers a value or INVALID_ARGUMENT naming
//! the field, never a panic, before anything touches the database. The
//! regression corpus in `fuzz/corpus/notifications/` (encoded requests,
//! named `<Message>.<case>.bin`) is replayed through the same readers.

use super::{correspondence_reference, id_of, preview_fields, print_queue};
use complaints_proto::v1 as pb;
use proptest::prelude::*;
use prost::Message;
use tonic::Status;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "CMP-[0-9]{4}-[0-9]{1,8}",
        "[a-z_]{0,20}(\\.txt\\.j2)?",
        "[0-9a-f-]{36}",
        Just("\0".into()),
        Just("CMP-2026-000001\0".into()),
        Just("y".repeat(300_000)),
    ]
}

/// A value, or INVALID_ARGUMENT naming one of `fields`.
fn read_or_refused<T>(fields: &[&str], outcome: Result<T, Status>) {
    if let Err(status) = outcome {
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
        assert!(
            fields
                .iter()
                .any(|f| status.message().starts_with(&format!("{f}:"))),
            "names no field of {fields:?}: {}",
            status.message()
        );
        assert!(status.message().len() < 2_000, "an echoed value");
    }
}

/// Decodes `bytes` as the request `name` says and reads it; false when the
/// name is no request this edge reads.
fn replay(name: &str, bytes: &[u8]) -> bool {
    match name {
        "ListCorrespondenceRequest" => {
            if let Ok(r) = pb::ListCorrespondenceRequest::decode(bytes) {
                read_or_refused(&["reference"], correspondence_reference(&r));
            }
        }
        "PreviewTemplateRequest" => {
            if let Ok(r) = pb::PreviewTemplateRequest::decode(bytes) {
                read_or_refused(&["reference", "letter"], preview_fields(&r));
            }
        }
        "ResendNotificationRequest" => {
            if let Ok(r) = pb::ResendNotificationRequest::decode(bytes) {
                read_or_refused(
                    &["notification_id"],
                    id_of("notification_id", &r.notification_id),
                );
            }
        }
        "MarkPostedRequest" => {
            if let Ok(r) = pb::MarkPostedRequest::decode(bytes) {
                read_or_refused(
                    &["notification_id"],
                    id_of("notification_id", &r.notification_id),
                );
            }
        }
        "ListPrintQueueRequest" => {
            if let Ok(r) = pb::ListPrintQueueRequest::decode(bytes) {
                read_or_refused(&["page_size", "page_token"], print_queue::page_request(&r));
            }
        }
        "GetPrintLetterRequest" => {
            if let Ok(r) = pb::GetPrintLetterRequest::decode(bytes) {
                read_or_refused(
                    &["notification_id"],
                    id_of("notification_id", &r.notification_id),
                );
            }
        }
        _ => return false,
    }
    true
}

#[test]
fn the_regression_corpus_is_read_or_refused() {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/notifications");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let name = file.split('.').next().unwrap_or_default().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        assert!(replay(&name, &bytes), "{file}: no reader for {name}");
        replayed += 1;
    }
    assert!(replayed >= 5, "only {replayed} corpus files in {dir:?}");
}

#[test]
fn a_nul_and_a_300_kb_reference_are_refused_naming_it() {
    let huge = "y".repeat(300_000);
    for reference in ["\0", "CMP-2026-000001\0", huge.as_str()] {
        let r = pb::ListCorrespondenceRequest {
            reference: reference.into(),
        };
        let refused = correspondence_reference(&r).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::InvalidArgument);
        assert!(refused.message().starts_with("reference:"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_correspondence_or_preview_request_is_read_or_refused(
        reference in text(),
        letter in text(),
    ) {
        read_or_refused(
            &["reference"],
            correspondence_reference(&pb::ListCorrespondenceRequest { reference: reference.clone() }),
        );
        read_or_refused(
            &["reference", "letter"],
            preview_fields(&pb::PreviewTemplateRequest { reference, letter }),
        );
    }

    #[test]
    fn any_notification_id_is_read_or_refused(id in text()) {
        read_or_refused(&["notification_id"], id_of("notification_id", &id));
    }

    #[test]
    fn any_bytes_on_the_wire_are_read_or_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        for name in [
            "ListCorrespondenceRequest",
            "PreviewTemplateRequest",
            "ResendNotificationRequest",
            "MarkPostedRequest",
            "ListPrintQueueRequest",
            "GetPrintLetterRequest",
        ] {
            prop_assert!(replay(name, &bytes));
        }
    }
}
