use crate::helpers::{TestIntake, names, violations, web_form};
use complaints_proto::v1 as pb;

/// R-ADJ-1: reasonable adjustments that cannot be recorded as given (a
/// control character, an answer too long, a name without its relationship)
/// are refused naming each field, and nothing is stored; good ones are
/// recorded in the submission's events, the older free-text field with
/// them.
#[tokio::test]
async fn r_adj_1_bad_adjustments_are_refused_naming_the_field_and_good_ones_are_recorded() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("bad-adjustments");
    request.adjustments = Some(pb::ReasonableAdjustments {
        other_format: "braille\u{7}".into(),
        contact_time: "m".repeat(201),
        representative_name: "Grace Hopper".into(),
        ..Default::default()
    });
    let status = intake.client.submit_complaint(request).await.unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    let found = violations(&status);
    for field in [
        "adjustments.other_format",
        "adjustments.contact_time",
        "adjustments.representative_relationship",
    ] {
        assert!(names(&found, field, "R-ADJ-1"), "{field} in {found:?}");
    }
    let mut legacy = web_form("bad-free-text");
    legacy.reasonable_adjustments = "large print\u{0}".into();
    let status = intake.client.submit_complaint(legacy).await.unwrap_err();
    let found = violations(&status);
    assert!(
        names(&found, "reasonable_adjustments", "R-ADJ-1"),
        "{found:?}"
    );
    assert_eq!(intake.stored().await, (0, 0), "nothing was stored");

    let mut good = web_form("good-adjustments");
    good.reasonable_adjustments = "Please use short sentences.".into();
    good.adjustments = Some(pb::ReasonableAdjustments {
        large_print: true,
        contact_method: " telephone ".into(),
        representative_name: "Grace Hopper".into(),
        representative_relationship: "daughter".into(),
        ..Default::default()
    });
    intake.client.submit_complaint(good).await.unwrap();
    let received = intake.logged::<pb::SubmissionReceived>().await;
    let recorded = pb::ReasonableAdjustments {
        large_print: true,
        contact_method: "telephone".into(),
        representative_name: "Grace Hopper".into(),
        representative_relationship: "daughter".into(),
        other: "Please use short sentences.".into(),
        ..Default::default()
    };
    assert_eq!(received[0].adjustments.as_ref(), Some(&recorded));
    assert_eq!(
        received[0].reasonable_adjustments,
        "Please use short sentences."
    );
    let accepted = intake.logged::<pb::ComplaintAccepted>().await;
    assert_eq!(accepted[0].adjustments.as_ref(), Some(&recorded));
    intake.cleanup().await;
}
