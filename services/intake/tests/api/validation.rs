use crate::helpers::{TestIntake, names, violations, web_form};
use complaints_proto::v1 as pb;

fn pdf() -> Vec<u8> {
    b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n".to_vec()
}

/// R-INT-3: no name and no contact means no complaint, and nothing stored.
#[tokio::test]
async fn r_int_3_an_anonymous_complaint_is_refused_and_nothing_is_stored() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("anonymous");
    request.complainant = None;
    let status = intake.client.submit_complaint(request).await.unwrap_err();
    let found = violations(&status);
    assert!(names(&found, "complainant", "R-INT-3"), "{found:?}");

    let mut nameless = web_form("nameless");
    nameless.complainant = Some(pb::Person {
        email: "someone@example.org".into(),
        ..Default::default()
    });
    let status = intake.client.submit_complaint(nameless).await.unwrap_err();
    let found = violations(&status);
    assert!(
        names(&found, "complainant.first_name", "R-INT-3"),
        "{found:?}"
    );
    assert!(
        names(&found, "complainant.last_name", "R-INT-3"),
        "{found:?}"
    );
    assert_eq!(
        intake.stored().await,
        (0, 0),
        "a refused submission leaves no row anywhere"
    );
    intake.cleanup().await;
}

/// R-INT-1: the form's required fields, one violation per field.
#[tokio::test]
async fn r_int_1_every_missing_required_field_is_named_in_one_answer() {
    let mut intake = TestIntake::spawn().await;
    let request = pb::SubmitComplaintRequest {
        idempotency_key: "empty".into(),
        complainant: web_form("x").complainant,
        ..Default::default()
    };
    let status = intake.client.submit_complaint(request).await.unwrap_err();
    let found = violations(&status);
    for field in [
        "channel",
        "customer_status",
        "customer_type",
        "query_category",
        "query_detail",
    ] {
        assert!(
            names(&found, field, "R-INT-1"),
            "{field} missing from {found:?}"
        );
    }
    assert!(names(&found, "matter_date", "R-INT-2"), "{found:?}");
    assert_eq!(intake.stored().await, (0, 0));
    intake.cleanup().await;
}

/// R-CORR-1: email by default; post only with a postal address.
#[tokio::test]
async fn r_corr_1_correspondence_by_post_needs_a_postal_address() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("by-post");
    request.correspondence = pb::CorrespondencePreference::Post as i32;
    let status = intake
        .client
        .submit_complaint(request.clone())
        .await
        .unwrap_err();
    assert!(names(
        &violations(&status),
        "complainant.postal_address",
        "R-CORR-1"
    ));

    request.complainant.as_mut().unwrap().postal_address = Some(pb::PostalAddress {
        lines: vec!["1 High Street".into(), "Bedford".into()],
        postcode: "MK42 7AB".into(),
    });
    let receipt = intake
        .client
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);
    let accepted = intake.logged::<pb::ComplaintAccepted>().await;
    assert_eq!(
        accepted[0].correspondence,
        pb::CorrespondencePreference::Post as i32
    );

    let mut phone = web_form("phone-no-email");
    phone.channel = pb::Channel::Telephone as i32;
    phone.complainant.as_mut().unwrap().email.clear();
    phone.complainant.as_mut().unwrap().telephone = "01234 567890".into();
    let status = intake.client.submit_complaint(phone).await.unwrap_err();
    assert!(
        names(&violations(&status), "complainant.email", "R-CORR-1"),
        "email correspondence needs an email address"
    );
    intake.cleanup().await;
}

#[tokio::test]
async fn an_oversized_attachment_is_refused_naming_the_field() {
    let mut intake = TestIntake::spawn_with(&[("ATTACHMENT_MAX_BYTES", "1024")]).await;
    let mut request = web_form("big");
    let mut big = pdf();
    big.resize(2048, b' ');
    request.attachments = vec![pb::Attachment {
        file_name: "evidence.pdf".into(),
        content_type: "application/pdf".into(),
        content: big,
    }];
    let status = intake.client.submit_complaint(request).await.unwrap_err();
    let found = violations(&status);
    assert!(
        names(&found, "attachments[0].content", "R-INT-1"),
        "{found:?}"
    );
    assert!(found[0].1.contains("limit is 1024 bytes"), "{found:?}");
    assert_eq!(intake.stored().await, (0, 0));
    intake.cleanup().await;
}

#[tokio::test]
async fn a_mislabelled_or_unknown_attachment_is_refused_naming_the_field() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("mislabelled");
    request.attachments = vec![
        pb::Attachment {
            file_name: "photo.png".into(),
            content_type: "image/png".into(),
            content: pdf(),
        },
        pb::Attachment {
            file_name: "setup.pdf".into(),
            content_type: "application/pdf".into(),
            content: b"MZ\x90\x00 not a document".to_vec(),
        },
    ];
    let status = intake.client.submit_complaint(request).await.unwrap_err();
    let found = violations(&status);
    assert!(
        names(&found, "attachments[0].content_type", "R-INT-1"),
        "{found:?}"
    );
    assert!(
        names(&found, "attachments[1].content", "R-INT-1"),
        "{found:?}"
    );
    intake.cleanup().await;
}

/// R-INT-1: up to two uploads, with the web form only.
#[tokio::test]
async fn r_int_1_attachments_come_only_with_the_web_form_and_at_most_two() {
    let mut intake = TestIntake::spawn().await;
    let file = pb::Attachment {
        file_name: "letter.pdf".into(),
        content_type: "application/pdf".into(),
        content: pdf(),
    };
    let mut three = web_form("three");
    three.attachments = vec![file.clone(), file.clone(), file.clone()];
    let status = intake.client.submit_complaint(three).await.unwrap_err();
    assert!(names(&violations(&status), "attachments", "R-INT-1"));

    let mut by_email = web_form("email-with-file");
    by_email.channel = pb::Channel::Email as i32;
    by_email.attachments = vec![file.clone()];
    let status = intake.client.submit_complaint(by_email).await.unwrap_err();
    assert!(names(&violations(&status), "attachments", "R-INT-1"));

    let mut two = web_form("two");
    two.attachments = vec![file.clone(), file];
    intake.client.submit_complaint(two).await.unwrap();
    let stored = intake.logged::<pb::AttachmentReceived>().await;
    assert_eq!(
        stored.len(),
        2,
        "both files are kept in the submission's stream"
    );
    assert_eq!(stored[0].content_type, "application/pdf");
    assert_eq!(stored[0].content, pdf());
    let accepted = intake.published("complaints.v1.ComplaintAccepted", 1).await;
    assert_eq!(accepted.len(), 1);
    let files = intake
        .published("complaints.v1.AttachmentReceived", 0)
        .await;
    assert!(files.is_empty(), "attachments never go on the bus");
    intake.cleanup().await;
}

/// R-INT-3: a name is one line of text. A line break, a NUL or a
/// bidirectional override in any single-line field is refused naming the
/// field, the whole answer lists every such field, and nothing is stored;
/// free text keeps its line breaks.
#[tokio::test]
async fn r_int_3_text_a_consumer_could_not_apply_is_refused_at_the_edge_naming_each_field() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("hostile-text");
    if let Some(person) = request.complainant.as_mut() {
        person.first_name = "Ada\r\nBcc: everyone@example.org".into();
        person.last_name = "Love\0lace".into();
        person.telephone = "0207\u{202E}946 0000".into();
    }
    request.query_category = "Exams\nand assessments".into();
    request.customer_type = "Stu\u{7}dent".into();
    let status = intake.client.submit_complaint(request).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let found = violations(&status);
    for (field, rule) in [
        ("complainant.first_name", "R-INT-3"),
        ("complainant.last_name", "R-INT-3"),
        ("complainant.telephone", "R-INT-3"),
        ("query_category", "R-INT-1"),
        ("customer_type", "R-INT-1"),
    ] {
        assert!(names(&found, field, rule), "{field}: {found:?}");
    }
    assert_eq!(intake.stored().await, (0, 0), "nothing is stored");

    let mut fine = web_form("multi-line-detail");
    fine.query_detail = "First line.\r\nSecond line.\tTabbed.".into();
    intake.client.submit_complaint(fine).await.unwrap();
    intake.cleanup().await;
}
