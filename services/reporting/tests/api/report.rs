use crate::helpers::{Stack, acting, date, web_form};
use complaints_proto::v1 as pb;

fn monitored(key: &str, gender: &str) -> pb::SubmitComplaintRequest {
    let mut request = web_form(key);
    request.equality_monitoring = Some(pb::EqualityMonitoring {
        gender: gender.into(),
        ..Default::default()
    });
    request
}

/// Submits six complaints (five answered "Woman", one "Man") and records a
/// Stage 1 outcome on the first; returns the first's submission id and
/// reference once the figures show all of it.
async fn seed(stack: &mut Stack) -> (String, String) {
    let first = stack.submit(monitored("report-woman-0", "Woman")).await;
    for n in 1..5 {
        stack
            .submit(monitored(&format!("report-woman-{n}"), "Woman"))
            .await;
    }
    stack.submit(monitored("report-man-0", "Man")).await;
    let reference = stack.reference_for(&first).await;
    stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&reference, "supervisor-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    stack
        .complaints
        .record_outcome(pb::RecordOutcomeRequest {
            command: acting(&reference, "handler-1"),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::PartlyUpheld as i32,
            findings: "The results were released late.".into(),
            remedies: vec![pb::RemedyInput {
                kind: pb::RemedyKind::Apology as i32,
                description: "A written apology.".into(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .await
        .unwrap();
    stack
        .figures_when(|f| {
            f.complaints_received == 6
                && f.groups.iter().any(|g| {
                    g.entered_procedure == 6
                        && g.stages
                            .first()
                            .and_then(|s| s.upheld)
                            .is_some_and(|r| r.denominator == 1)
                })
        })
        .await;
    (first, reference)
}

/// The committee report of March, once the monitoring answers are in.
async fn march_report(stack: &mut Stack) -> String {
    for _ in 0..400 {
        let html = stack
            .reporting
            .committee_report(pb::CommitteeReportRequest {
                from: Some(date(2026, 3, 1)),
                to: Some(date(2026, 3, 31)),
                grouping: pb::Grouping::Month as i32,
            })
            .await
            .unwrap()
            .into_inner()
            .html;
        if html.contains("Woman") && html.contains("Man<") {
            return html;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the monitoring answers never reached the report");
}

/// R-MON-3: the committee report is one self-contained HTML document with
/// the headline figures, the trend and every chart, each `<svg>` closed,
/// small equality groups suppressed (R-MON-4) and no personal data.
#[tokio::test]
async fn r_mon_3_the_committee_report_has_every_chart_and_is_valid_html() {
    let mut stack = Stack::spawn().await;
    let (submission, reference) = seed(&mut stack).await;
    let html = march_report(&mut stack).await;

    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    assert!(html.trim_end().ends_with("</html>"));
    assert_eq!(
        html.matches("<svg").count(),
        html.matches("</svg>").count(),
        "every <svg> is closed"
    );
    assert!(html.matches("<svg").count() >= 4);
    for title in reporting::report::CHART_TITLES {
        assert!(html.contains(title), "chart {title:?} is missing");
    }
    assert!(html.contains("Headline figures"));
    assert!(html.contains("Trend against the previous period"));
    assert!(html.contains("@media print"), "a print stylesheet");
    for external in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!html.contains(external), "{external:?}: not self-contained");
    }
    assert!(
        html.contains("fewer than 5, not shown"),
        "the group of one is suppressed"
    );
    for personal in [
        "Ada",
        "Lovelace",
        "ada@example.org",
        "published late",
        "released late",
        "written apology",
        "handler-1",
        "supervisor-1",
        submission.as_str(),
        reference.as_str(),
    ] {
        assert!(!html.contains(personal), "{personal:?} is in the report");
    }
    // R-OUT-2: the figures count the outcome's remedy by kind.
    let march = stack.march().await;
    assert_eq!(
        crate::helpers::march_group(&march).stages[0].remedies,
        vec![pb::RemedyCount {
            kind: pb::RemedyKind::Apology as i32,
            count: 1,
        }]
    );
    stack.cleanup().await;
}

/// R-MON-3: the report is kept between views only while nothing it was
/// computed from changes: viewed again it is byte for byte the report
/// computed afresh; a new complaint, a new fact of a complaint, a hand
/// edit of the log and a new day each give the report computed afresh
/// from the log as it is then, never the one kept from before.
#[tokio::test]
async fn r_mon_3_the_report_viewed_again_is_the_report_computed_afresh_and_follows_every_change() {
    let mut stack = Stack::spawn().await;
    let (first, reference) = seed(&mut stack).await;
    let (from, to) = (date(2026, 3, 1), date(2026, 3, 31));
    let before = march_report(&mut stack).await;
    assert_eq!(stack.report_as_computed(from, to).await, before);
    assert_eq!(stack.served_report(from, to).await, before, "viewed again");

    // A new complaint: once the figures count it, so does the report.
    stack.submit(monitored("report-woman-5", "Woman")).await;
    stack
        .figures_when(|f| {
            f.complaints_received == 7 && f.groups.iter().any(|g| g.entered_procedure == 7)
        })
        .await;
    let seven = stack.served_report(from, to).await;
    assert_ne!(
        seven, before,
        "the report counts the seventh complaint at once"
    );
    assert!(seven.contains("<td>7</td>"), "seven received");
    let seven = stack.report_as_computed(from, to).await;

    // A new fact of a complaint already counted: an improvement action.
    stack
        .complaints
        .add_action(pb::AddActionRequest {
            command: acting(&reference, "handler-1"),
            kind: pb::ActionKind::Improvement as i32,
            description: "Publish the results timetable earlier.".into(),
            owner: "handler-1".into(),
            due_on: Some(date(2026, 4, 30)),
        })
        .await
        .unwrap();
    let mut escalated = seven.clone();
    for _ in 0..400 {
        escalated = stack.served_report(from, to).await;
        if escalated != seven {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert_ne!(escalated, seven, "the action reached the report");
    let escalated = stack.report_as_computed(from, to).await;

    // A hand edit of the log, which no event announces.
    let pool = stack.reporting_pool().await;
    let gone = sqlx::query("DELETE FROM anonymised_records WHERE cardinality(action_ids) > 0")
        .execute(&pool)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(
        gone, 1,
        "the record of {first}, with the action, is removed"
    );
    let edited = stack.served_report(from, to).await;
    assert_ne!(edited, escalated, "the edit shows at once");
    assert_eq!(edited, stack.fresh_report(from, to).await);

    // The next day the report is produced again, dated that day.
    stack.clock.advance(chrono::Duration::days(1));
    let tomorrow = stack.served_report(from, to).await;
    assert!(
        tomorrow.contains("Produced on 2026-03-03"),
        "dated the new day"
    );
    assert_eq!(tomorrow, stack.fresh_report(from, to).await);
    stack.cleanup().await;
}

/// R-MON-3: rebuilding the anonymised log from the events, after part of
/// it was lost, gives the same figures, the same report (so the same
/// equality tables) and the same export as before.
#[tokio::test]
async fn r_mon_3_a_rebuilt_log_gives_the_same_figures() {
    let mut stack = Stack::spawn().await;
    seed(&mut stack).await;
    let before_report = march_report(&mut stack).await;
    let before = stack.march().await;
    let export = |stack: &mut Stack| {
        let mut client = stack.reporting.clone();
        async move {
            client
                .export_log(pb::ExportLogRequest {
                    from: Some(date(2026, 3, 1)),
                    to: Some(date(2026, 3, 31)),
                })
                .await
                .unwrap()
                .into_inner()
        }
    };
    let before_export = export(&mut stack).await;

    // Lose part of the read model, as a bad migration or a bug might.
    let pool = stack.reporting_pool().await;
    sqlx::query("DELETE FROM anonymised_records WHERE stage_decision[1] IS NULL")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM monitoring_answers")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        stack.march().await.complaints_received,
        1,
        "the log is damaged"
    );

    let rebuilt = stack.rebuild_log().await;
    assert!(rebuilt.events >= 6, "every event was replayed: {rebuilt:?}");

    assert_eq!(stack.march().await, before);
    assert_eq!(export(&mut stack).await, before_export);
    assert_eq!(march_report(&mut stack).await, before_report);

    // Rebuilding twice changes nothing either.
    stack.rebuild_log().await;
    assert_eq!(stack.march().await, before);
    stack.cleanup().await;
}

/// The committee report's work runs off the async workers, and reading a
/// long log lets other tasks run as it goes: while a report over 200,000
/// records is built, health is answered within a second, even on this
/// test's single worker.
#[tokio::test]
async fn health_is_answered_while_a_long_committee_report_is_built() {
    use std::time::{Duration, Instant};
    use tonic_health::pb::{HealthCheckRequest, health_check_response::ServingStatus};
    let stack = Stack::spawn().await;
    let pool = stack.reporting_pool().await;
    sqlx::query(
        "INSERT INTO anonymised_records (pseudonym, received_on, query_category, accepted, \
           stage_reached) \
         SELECT 'load-' || n, date '2020-01-01' + (n % 3650), 'Fees', true, 1 \
         FROM generate_series(1, 200000) n",
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut reporting = stack.reporting.clone();
    let report = tokio::spawn(async move {
        let started = Instant::now();
        let answer = reporting
            .committee_report(pb::CommitteeReportRequest {
                from: Some(date(2020, 1, 1)),
                to: Some(date(2029, 12, 31)),
                grouping: pb::Grouping::Month as i32,
            })
            .await;
        (answer, started.elapsed())
    });
    let channel =
        tonic::transport::Endpoint::from_shared(format!("http://{}", stack.reporting_addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
    let mut health = tonic_health::pb::health_client::HealthClient::new(channel);
    let mut answered_while_running = 0;
    while !report.is_finished() {
        let asked = Instant::now();
        let status = health
            .check(HealthCheckRequest {
                service: "liveness".into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32);
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "health took {:?} during a report",
            asked.elapsed()
        );
        if !report.is_finished() {
            answered_while_running += 1;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (answer, took) = report.await.unwrap();
    let html = answer.unwrap().into_inner().html;
    assert!(!html.is_empty());
    assert!(
        answered_while_running > 0,
        "the report took {took:?}, too short to ask health meanwhile"
    );
    stack.cleanup().await;
}

/// R-MON-2: actions done on time and done late reach the figures and the
/// committee report, and a log rebuilt from the events counts them the
/// same (the completions are read from ActionCompleted's completed_on).
#[tokio::test]
async fn r_mon_2_completed_actions_are_counted_and_survive_a_rebuild() {
    let mut stack = Stack::spawn().await;
    let submission = stack.submit(crate::helpers::web_form("actions-1")).await;
    let reference = stack.reference_for(&submission).await;
    stack
        .complaints
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&reference, "supervisor-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    let mut ids = Vec::new();
    for (n, due) in [
        (3, date(2026, 3, 3)),
        (10, date(2026, 3, 10)),
        (20, date(2026, 3, 20)),
    ] {
        let view = stack
            .complaints
            .add_action(pb::AddActionRequest {
                command: acting(&reference, "handler-1"),
                kind: pb::ActionKind::Improvement as i32,
                description: format!("Improve the results timetable, part {n}."),
                owner: "handler-1".into(),
                due_on: Some(due),
            })
            .await
            .unwrap()
            .into_inner();
        ids.push(view.actions.last().unwrap().action_id);
    }
    // On 5 March: the first is done late, the second on time; the third
    // stays open.
    stack
        .clock
        .set(crate::helpers::start() + chrono::Duration::days(3));
    for id in &ids[..2] {
        stack
            .complaints
            .complete_action(pb::CompleteActionRequest {
                command: acting(&reference, "handler-1"),
                action_id: *id,
                note: "Done.".into(),
            })
            .await
            .unwrap();
    }
    let before = stack
        .figures_when(|f| f.actions_completed == 2 && f.actions_open == 1)
        .await;
    assert_eq!(before.actions_completed_late, 1, "{before:?}");
    assert_eq!(before.actions_overdue, 0);

    let report = stack
        .reporting
        .committee_report(pb::CommitteeReportRequest {
            from: Some(date(2026, 3, 1)),
            to: Some(date(2026, 3, 31)),
            grouping: pb::Grouping::Month as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        report
            .html
            .contains("<tr><th scope=\"row\">Done late</th><td>1</td>"),
        "{}",
        report.html
    );
    assert!(
        report
            .html
            .contains("<tr><th scope=\"row\">Done on time</th><td>1</td>")
    );
    assert!(!report.html.contains("Improve the results timetable"));

    let pool = stack.reporting_pool().await;
    sqlx::query("UPDATE anonymised_records SET done_action_ids = '{}', done_action_late = '{}'")
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(
        stack.march().await.actions_completed,
        0,
        "the log is damaged"
    );
    stack.rebuild_log().await;
    assert_eq!(stack.march().await, before);
    stack.cleanup().await;
}

/// R-MON-3: the committee report is also answered as a fragment to place
/// inside another page, with its stylesheet apart: the fragment is the
/// document's article, with no style, script or document element.
#[tokio::test]
async fn r_mon_3_the_report_comes_as_a_fragment_with_its_stylesheet() {
    let mut stack = Stack::spawn().await;
    seed(&mut stack).await;
    march_report(&mut stack).await;
    let answer = stack
        .reporting
        .committee_report(pb::CommitteeReportRequest {
            from: Some(date(2026, 3, 1)),
            to: Some(date(2026, 3, 31)),
            grouping: pb::Grouping::Month as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(
        answer
            .fragment
            .starts_with("<article class=\"committee-report\"")
    );
    assert!(answer.fragment.ends_with("</article>"));
    assert!(answer.html.contains(&answer.fragment));
    for forbidden in ["<style", "<script", "<html", "<head>", "<link"] {
        assert!(!answer.fragment.contains(forbidden), "{forbidden:?}");
    }
    assert_eq!(answer.stylesheet, reporting::report::STYLESHEET);
    assert!(answer.html.contains(&answer.stylesheet));
    stack.cleanup().await;
}
