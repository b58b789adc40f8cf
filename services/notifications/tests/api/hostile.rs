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
