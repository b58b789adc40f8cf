//! NUL, control characters and 300 KB in the notifications API's string
//! fields are refused as INVALID_ARGUMENT naming the field, never answered
//! INTERNAL or UNAVAILABLE as if the database were down.

use crate::helpers::Stack;
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;

fn hostile() -> Vec<(&'static str, String)> {
    vec![
        ("NUL", "CMP-2026-000001\0".to_owned()),
        ("a control", "CMP-2026-\u{7}000001".to_owned()),
        ("300 KB", "x".repeat(300 * 1024)),
    ]
}

fn refused_naming(what: &str, status: &tonic::Status, field: &str) {
    assert_eq!(
        status.code(),
        tonic::Code::InvalidArgument,
        "{what}: {status:?}"
    );
    assert!(
        status.message().starts_with(&format!("{field}:")),
        "{what}: {}",
        status.message()
    );
}

#[tokio::test]
async fn notifications_requests_with_nul_controls_or_300_kb_are_refused_naming_the_field() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    for (what, value) in hostile() {
        let status = stack
            .notifications
            .list_correspondence(pb::ListCorrespondenceRequest {
                reference: value.clone(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "reference");
        let status = stack
            .notifications
            .preview_template(pb::PreviewTemplateRequest {
                reference: value.clone(),
                letter: "acknowledgement".into(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "reference");
        let status = stack
            .notifications
            .preview_template(pb::PreviewTemplateRequest {
                reference: "CMP-2026-000001".into(),
                letter: value.clone(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "letter");
        let status = stack
            .notifications
            .resend_notification(pb::ResendNotificationRequest {
                notification_id: value.clone(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "notification_id");
        let status = stack
            .notifications
            .mark_posted(pb::MarkPostedRequest {
                notification_id: value.clone(),
            })
            .await
            .unwrap_err();
        refused_naming(what, &status, "notification_id");
    }
    stack.cleanup().await;
}

/// The regression corpus in `fuzz/corpus/notifications/` through the
/// running service: each request answers only OK, INVALID_ARGUMENT,
/// NOT_FOUND, FAILED_PRECONDITION or PERMISSION_DENIED.
#[tokio::test]
async fn the_regression_corpus_answers_only_the_expected_codes() {
    use prost::Message;
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let allowed = |file: &str, status: Option<tonic::Status>| {
        if let Some(status) = status {
            assert!(
                matches!(
                    status.code(),
                    tonic::Code::InvalidArgument
                        | tonic::Code::NotFound
                        | tonic::Code::FailedPrecondition
                        | tonic::Code::PermissionDenied
                ),
                "{file}: {status:?}"
            );
        }
    };
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/notifications");
    let n = &mut stack.notifications;
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let status = match file.split('.').next().unwrap_or_default() {
            "ListCorrespondenceRequest" => n
                .list_correspondence(
                    pb::ListCorrespondenceRequest::decode(bytes.as_slice()).unwrap(),
                )
                .await
                .err(),
            "PreviewTemplateRequest" => n
                .preview_template(pb::PreviewTemplateRequest::decode(bytes.as_slice()).unwrap())
                .await
                .err(),
            "ResendNotificationRequest" => n
                .resend_notification(
                    pb::ResendNotificationRequest::decode(bytes.as_slice()).unwrap(),
                )
                .await
                .err(),
            "MarkPostedRequest" => n
                .mark_posted(pb::MarkPostedRequest::decode(bytes.as_slice()).unwrap())
                .await
                .err(),
            "ListPrintQueueRequest" => n
                .list_print_queue(pb::ListPrintQueueRequest::decode(bytes.as_slice()).unwrap())
                .await
                .err(),
            "GetPrintLetterRequest" => n
                .get_print_letter(pb::GetPrintLetterRequest::decode(bytes.as_slice()).unwrap())
                .await
                .err(),
            other => panic!("{file}: no request {other}"),
        };
        allowed(&file, status);
    }
    stack.cleanup().await;
}
