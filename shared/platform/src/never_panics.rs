//! Fuzzing the platform's request edges (retention, subject access, the
//! access audit): whatever well-formed protobuf a client sends, reading it
//! answers a value or INVALID_ARGUMENT, never a panic, before anything
//! touches the database. The regression corpus in
//! `fuzz/corpus/platform/` (encoded requests, named
//! `<Message>.<case>.bin`) is replayed through the same readers.

use crate::auth::audit::access_query;
use crate::retention::{destroy_fields, hold_fields};
use crate::subject::export_fields;
use complaints_proto::v1 as pb;
use proptest::prelude::*;
use prost::Message;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "CMP-[0-9]{4}-[0-9]{1,8}",
        "[a-z.@]{0,16}",
        "[0-9a-f-]{36}",
        Just("\0".into()),
        Just("CMP-2026-000001\0".into()),
        Just("y".repeat(300_000)),
    ]
}

/// A value, or INVALID_ARGUMENT: nothing else may come of reading a request.
fn read_or_refused<T>(what: &str, outcome: Result<T, tonic::Status>) {
    if let Err(status) = outcome {
        assert_eq!(
            status.code(),
            tonic::Code::InvalidArgument,
            "{what}: {status:?}"
        );
        assert!(status.message().len() < 2_000, "{what}: an echoed value");
    }
}

/// Decodes `bytes` as the request `name` says and reads it; false when the
/// name is no request this edge reads.
fn replay(name: &str, bytes: &[u8]) -> bool {
    match name {
        "ListAccessRequest" => {
            if let Ok(r) = pb::ListAccessRequest::decode(bytes) {
                read_or_refused(name, access_query(&r));
            }
        }
        "HoldRequest" => {
            if let Ok(r) = pb::HoldRequest::decode(bytes) {
                read_or_refused(name, hold_fields(&r));
            }
        }
        "DestroyRequest" => {
            if let Ok(r) = pb::DestroyRequest::decode(bytes) {
                read_or_refused(name, destroy_fields(&r));
            }
        }
        "SubjectExportRequest" => {
            if let Ok(r) = pb::SubjectExportRequest::decode(bytes) {
                read_or_refused(name, export_fields(&r));
            }
        }
        _ => return false,
    }
    true
}

#[test]
fn the_regression_corpus_is_read_or_refused() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/platform");
    let mut replayed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let name = file.split('.').next().unwrap_or_default().to_owned();
        let bytes = std::fs::read(&path).unwrap();
        assert!(replay(&name, &bytes), "{file}: no reader for {name}");
        replayed += 1;
    }
    assert!(replayed >= 8, "only {replayed} corpus files in {dir:?}");
}

#[test]
fn a_nul_a_300_kb_value_and_an_empty_record_are_refused() {
    let huge = "y".repeat(300_000);
    for record in ["\0", "CMP-2026-000001\0", huge.as_str(), ""] {
        let r = pb::ListAccessRequest {
            record: record.into(),
            refused_only: false,
        };
        assert_eq!(
            access_query(&r).unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
        let hold = pb::HoldRequest {
            record: record.into(),
            reason: "litigation".into(),
        };
        assert_eq!(
            hold_fields(&hold).unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_access_audit_request_is_read_or_refused(record in text(), refused_only in any::<bool>()) {
        let r = pb::ListAccessRequest { record, refused_only };
        read_or_refused("ListAccess", access_query(&r));
    }

    #[test]
    fn any_hold_or_destroy_request_is_read_or_refused(
        record in text(),
        reason in text(),
        submission_id in text(),
    ) {
        read_or_refused("Hold", hold_fields(&pb::HoldRequest {
            record: record.clone(),
            reason: reason.clone(),
        }));
        read_or_refused("Destroy", destroy_fields(&pb::DestroyRequest {
            complaint_reference: record,
            submission_id,
            reason,
        }));
    }

    #[test]
    fn any_subject_access_request_is_read_or_refused(
        email in text(),
        links in proptest::collection::vec((text(), text()), 0..4),
        many in 0usize..3,
    ) {
        let mut links: Vec<pb::SubjectLink> = links
            .into_iter()
            .map(|(submission_id, complaint_reference)| pb::SubjectLink {
                submission_id,
                complaint_reference,
            })
            .collect();
        // Now and then more links than a request may carry.
        if many == 2 {
            links.extend((0..crate::limits::MAX_LIST_LENGTH).map(|_| pb::SubjectLink::default()));
        }
        read_or_refused("SubjectExport", export_fields(&pb::SubjectExportRequest { email, links }));
    }

    #[test]
    fn any_bytes_on_the_wire_are_read_or_refused(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        for name in ["ListAccessRequest", "HoldRequest", "DestroyRequest", "SubjectExportRequest"] {
            prop_assert!(replay(name, &bytes));
        }
    }
}
