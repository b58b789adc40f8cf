use crate::helpers::{Stack, date, web_form};
use complaints_proto::v1 as pb;

fn monitored(key: &str, gender: &str) -> pb::SubmitComplaintRequest {
    let mut request = web_form(key);
    request.equality_monitoring = Some(pb::EqualityMonitoring {
        gender: gender.into(),
        ..Default::default()
    });
    request
}

/// R-MON-4: monitoring answers are joined to the log only through the keyed
/// pseudonym and shown only in aggregate; a group under 5 is suppressed,
/// with the next smallest group, so it cannot be worked out from the total.
#[tokio::test]
async fn r_mon_4_equality_analysis_suppresses_a_group_under_five() {
    let mut stack = Stack::spawn().await;
    for n in 0..5 {
        stack
            .submit(monitored(&format!("woman-{n}"), "Woman"))
            .await;
    }
    stack.submit(monitored("man-0", "Man")).await;
    stack.submit(web_form("unanswered")).await;
    stack
        .figures_when(|f| f.complaints_received == 7 && f.groups[0].entered_procedure == 7)
        .await;

    let mut table = None;
    for _ in 0..400 {
        let t = stack
            .reporting
            .get_equality_analysis(pb::GetEqualityAnalysisRequest {
                characteristic: pb::Characteristic::Gender as i32,
                from: Some(date(2026, 3, 1)),
                to: Some(date(2026, 3, 31)),
                threshold: 0,
            })
            .await
            .unwrap()
            .into_inner();
        if t.rows.len() == 2 {
            table = Some(t);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let table = table.expect("both groups' answers arrive");
    assert_eq!(table.threshold, 5, "the default threshold");
    let man = table.rows.iter().find(|r| r.group == "Man").unwrap();
    assert!(man.suppressed, "a group of 1 is under 5");
    assert_eq!(man.cells.unwrap().count, None);
    let woman = table.rows.iter().find(|r| r.group == "Woman").unwrap();
    assert!(
        woman.suppressed,
        "secondary suppression: otherwise total minus Woman gives Man away"
    );
    assert_eq!(
        table.total.unwrap().count,
        Some(6),
        "with both groups hidden the total gives neither away"
    );

    // With a threshold of 1 nothing is hidden, and the unanswered
    // complainant is in no group.
    let open = stack
        .reporting
        .get_equality_analysis(pb::GetEqualityAnalysisRequest {
            characteristic: pb::Characteristic::Gender as i32,
            from: Some(date(2026, 3, 1)),
            to: Some(date(2026, 3, 31)),
            threshold: 1,
        })
        .await
        .unwrap()
        .into_inner();
    let woman = open.rows.iter().find(|r| r.group == "Woman").unwrap();
    assert_eq!(woman.cells.unwrap().count, Some(5));
    assert_eq!(woman.cells.unwrap().entered, Some(5));
    assert_eq!(open.total.unwrap().count, Some(6));
    stack.cleanup().await;
}

/// R-MON-4: the characteristic must be named.
#[tokio::test]
async fn r_mon_4_an_analysis_without_a_characteristic_is_refused() {
    let mut stack = Stack::spawn().await;
    let status = stack
        .reporting
        .get_equality_analysis(pb::GetEqualityAnalysisRequest {
            characteristic: pb::Characteristic::Unspecified as i32,
            from: Some(date(2026, 3, 1)),
            to: Some(date(2026, 3, 31)),
            threshold: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), tonic::Code::InvalidArgument);
    assert!(status.message().contains("R-MON-4"), "{}", status.message());
    stack.cleanup().await;
}
