use crate::helpers::{Stack, date, web_form};
use complaints_proto::v1 as pb;

/// R-MON-3: the exported log has one row per complaint and no personal
/// data: no name, email, free text, submission id, complaint reference or
/// pseudonym.
#[tokio::test]
async fn r_mon_3_the_exported_log_has_one_row_per_complaint_and_no_personal_data() {
    let mut stack = Stack::spawn().await;
    let submission = stack.submit(web_form("export-1")).await;
    let reference = stack.reference_for(&submission).await;
    stack
        .figures_when(|f| f.complaints_received == 1 && f.groups[0].entered_procedure == 1)
        .await;

    let export = stack
        .reporting
        .export_log(pb::ExportLogRequest {
            from: Some(date(2026, 3, 1)),
            to: Some(date(2026, 3, 31)),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(export.rows, 1);
    let csv = String::from_utf8(export.csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[0].starts_with("row,received_on,channel,query_category,"));
    assert!(lines[0].contains(",channel_code,"));
    assert!(
        lines[1].starts_with("1,2026-03-02,Web form,Exams and assessments,Student"),
        "{csv}"
    );
    assert!(lines[1].contains(",CHANNEL_WEB_FORM,"), "{csv}");
    for personal in [
        "Ada",
        "Lovelace",
        "ada@example.org",
        "published late",
        submission.as_str(),
        reference.as_str(),
    ] {
        assert!(!csv.contains(personal), "{personal:?} is in the export");
    }
    let pseudonym = reporting::pseudonym::PseudonymKey::from_source(
        &platform::Source::from_map(
            [(
                "MONITORING_PSEUDONYM_KEY".to_string(),
                crate::helpers::KEY.to_string(),
            )]
            .into(),
        )
        .unwrap(),
    )
    .unwrap()
    .pseudonym(&submission);
    assert!(!csv.contains(&pseudonym), "the pseudonym is not exported");
    stack.cleanup().await;
}
