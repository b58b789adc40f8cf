//! The platform's edges every service serves (retention, subject access,
//! the access audit) with NUL, control characters and a 300 KB value:
//! each is refused as INVALID_ARGUMENT naming the field, never answered
//! INTERNAL or UNAVAILABLE "try again" as if the database were down.

use crate::helpers::TestIntake;
use complaints_proto::v1 as pb;
use complaints_proto::v1::access_audit_client::AccessAuditClient;
use complaints_proto::v1::retention_client::RetentionClient;
use complaints_proto::v1::subject_access_client::SubjectAccessClient;
use tonic_types::StatusExt;

fn refused_naming(what: &str, status: &tonic::Status, field: &str) {
    assert_eq!(
        status.code(),
        tonic::Code::InvalidArgument,
        "{what}: {status:?}"
    );
    let fields: Vec<String> = status
        .get_details_bad_request()
        .map(|b| b.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    assert!(
        fields.iter().any(|f| f == field),
        "{what}: names {fields:?}, not {field}: {}",
        status.message()
    );
}

fn hostile() -> Vec<(&'static str, String)> {
    vec![
        ("NUL", "CMP-2026-000001\0".to_owned()),
        ("a control", "CMP-2026-\u{1b}[31m000001".to_owned()),
        ("a bidi override", "CMP-2026-\u{202e}000001".to_owned()),
        ("300 KB", "x".repeat(300 * 1024)),
    ]
}

#[tokio::test]
async fn retention_requests_with_nul_controls_or_300_kb_are_refused_naming_the_field() {
    let intake = TestIntake::spawn().await;
    let mut retention = RetentionClient::new(platform::testing::channel(intake.addr).await);
    for (what, value) in hostile() {
        let hold = |record: String, reason: String| pb::HoldRequest { record, reason };
        let status = retention
            .place_hold(hold(value.clone(), "litigation".into()))
            .await
            .unwrap_err();
        refused_naming(what, &status, "record");
        let status = retention
            .place_hold(hold("CMP-2026-000001".into(), value.clone()))
            .await
            .unwrap_err();
        refused_naming(what, &status, "reason");
        let status = retention
            .lift_hold(hold(value.clone(), "settled".into()))
            .await
            .unwrap_err();
        refused_naming(what, &status, "record");
        let status = retention
            .destroy(pb::DestroyRequest {
                complaint_reference: value.clone(),
                submission_id: String::new(),
                reason: "retention period ended".into(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "complaint_reference");
        let status = retention
            .destroy(pb::DestroyRequest {
                complaint_reference: "CMP-2026-000001".into(),
                submission_id: String::new(),
                reason: value.clone(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "reason");
    }
    intake.cleanup().await;
}

#[tokio::test]
async fn subject_access_and_access_audit_requests_with_nul_controls_or_300_kb_are_refused_naming_the_field()
 {
    let intake = TestIntake::spawn().await;
    let mut subject = SubjectAccessClient::new(platform::testing::channel(intake.addr).await);
    let mut audit = AccessAuditClient::new(platform::testing::channel(intake.addr).await);
    for (what, value) in hostile() {
        let status = subject
            .export(pb::SubjectExportRequest {
                email: "ada@example.org".into(),
                links: vec![pb::SubjectLink {
                    submission_id: String::new(),
                    complaint_reference: value.clone(),
                }],
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "links.complaint_reference");
        let status = audit
            .list_access(pb::ListAccessRequest {
                record: value.clone(),
                refused_only: false,
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "record");
    }
    let too_many = subject
        .export(pb::SubjectExportRequest {
            email: "ada@example.org".into(),
            links: vec![pb::SubjectLink::default(); 101],
        })
        .await
        .unwrap_err();
    refused_naming("101 links", &too_many, "links");
    intake.cleanup().await;
}
