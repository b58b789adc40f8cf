//! Hostile periods: a request naming year 0, year 99999 or eight thousand
//! years of months once wedged the service for minutes. Every period is
//! now bounded (years 2000 to 2100, at most ten years long) and refused
//! beyond that at once, naming the field.

use crate::helpers::{Stack, date};
use complaints_proto::v1 as pb;
use std::time::{Duration, Instant};

fn refused_naming(status: &tonic::Status, field: &str) {
    assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
    assert!(
        status.message().starts_with(&format!("{field}:")),
        "{field}: {}",
        status.message()
    );
}

#[tokio::test]
async fn every_reporting_call_refuses_a_period_beyond_the_bounds_at_once_naming_the_field() {
    let mut stack = Stack::spawn().await;
    let cases = [
        (date(2026, 1, 1), date(99_999, 12, 31), "to"),
        (date(2026, 1, 1), date(9999, 12, 31), "to"),
        (date(0, 1, 1), date(2026, 12, 31), "from"),
        (date(1999, 12, 31), date(2000, 1, 31), "from"),
        (date(2026, 1, 1), date(2036, 1, 1), "to"),
    ];
    for (from, to, field) in cases {
        let started = Instant::now();
        let month = pb::Grouping::Month as i32;
        let r = &mut stack.reporting;
        let figures = r
            .get_figures(pb::GetFiguresRequest {
                from: Some(from),
                to: Some(to),
                grouping: month,
            })
            .await
            .unwrap_err();
        refused_naming(&figures, field);
        let report = r
            .committee_report(pb::CommitteeReportRequest {
                from: Some(from),
                to: Some(to),
                grouping: month,
            })
            .await
            .unwrap_err();
        refused_naming(&report, field);
        let export = r
            .export_log(pb::ExportLogRequest {
                from: Some(from),
                to: Some(to),
            })
            .await
            .unwrap_err();
        refused_naming(&export, field);
        let equality = r
            .get_equality_analysis(pb::GetEqualityAnalysisRequest {
                characteristic: pb::Characteristic::Gender as i32,
                from: Some(from),
                to: Some(to),
                threshold: 0,
            })
            .await
            .unwrap_err();
        refused_naming(&equality, field);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{from:?}..{to:?} took {:?}",
            started.elapsed()
        );
    }
    stack.cleanup().await;
}

#[tokio::test]
async fn an_equality_threshold_beyond_the_maximum_is_refused_naming_it() {
    let mut stack = Stack::spawn().await;
    for (threshold, refused) in [(1000, false), (1001, true), (u64::MAX, true)] {
        let answer = stack
            .reporting
            .get_equality_analysis(pb::GetEqualityAnalysisRequest {
                characteristic: pb::Characteristic::Gender as i32,
                from: Some(date(2026, 1, 1)),
                to: Some(date(2026, 12, 31)),
                threshold,
            })
            .await;
        match answer {
            Err(status) if refused => refused_naming(&status, "threshold"),
            Ok(table) if !refused => assert_eq!(table.into_inner().threshold, threshold),
            other => panic!("threshold {threshold}: {other:?}"),
        }
    }
    stack.cleanup().await;
}

#[tokio::test]
async fn the_longest_period_accepted_ten_years_by_month_is_reported_promptly() {
    let mut stack = Stack::spawn().await;
    let started = Instant::now();
    let report = stack
        .reporting
        .committee_report(pb::CommitteeReportRequest {
            from: Some(date(2026, 1, 1)),
            to: Some(date(2035, 12, 31)),
            grouping: pb::Grouping::Month as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        report.html.contains("2035-12"),
        "the last month is reported"
    );
    let figures = stack
        .reporting
        .get_figures(pb::GetFiguresRequest {
            from: Some(date(2026, 1, 1)),
            to: Some(date(2035, 12, 31)),
            grouping: pb::Grouping::Month as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(figures.groups.len(), 120);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    stack.cleanup().await;
}

#[tokio::test]
async fn the_log_timeline_refuses_a_reference_holding_nul_a_control_or_300_kb_naming_it() {
    let mut stack = Stack::spawn().await;
    for reference in [
        "CMP-2026-000001\0".to_owned(),
        "CMP-2026-\u{1b}000001".to_owned(),
        "x".repeat(300 * 1024),
    ] {
        let status = stack
            .reporting
            .get_log_timeline(pb::GetLogTimelineRequest { reference })
            .await
            .unwrap_err();
        refused_naming(&status, "reference");
    }
    stack.cleanup().await;
}
