//! R-MON-2: the monitors list the actions overdue across every complaint
//! (`ListOverdueActions`), from the read model, page by page; and R-MON-1:
//! the work queue's counts over every complaint it matches.

use crate::helpers::{Stack, acting, date, refused};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::retention_client::RetentionClient;
use platform::auth::Role;
use platform::testing::{access_audit, channel_as, token};
use tonic::Code;

type Client = ComplaintsClient<platform::testing::Authed>;

async fn as_role(stack: &Stack, subject: &str, role: Role) -> Client {
    ComplaintsClient::new(
        channel_as(stack.complaints_addr, Some(&token(subject, &[role], None))).await,
    )
}

/// Adds an action to `reference` due on `due`; the stack's clock stands at
/// Monday 2 March 2026.
async fn add_action(stack: &mut Stack, reference: &str, what: &str, due: pb::Date) {
    stack
        .complaints
        .add_action(pb::AddActionRequest {
            command: acting(reference, "handler-1"),
            kind: pb::ActionKind::Improvement as i32,
            description: what.into(),
            owner: "owner-1".into(),
            due_on: Some(due),
        })
        .await
        .unwrap();
}

fn listed(answer: &pb::ListOverdueActionsResponse) -> Vec<(String, u32, String)> {
    answer
        .actions
        .iter()
        .map(|a| (a.reference.clone(), a.action_id, a.description.clone()))
        .collect()
}

async fn overdue(client: &mut Client, as_of: Option<pb::Date>) -> pb::ListOverdueActionsResponse {
    client
        .list_overdue_actions(pb::ListOverdueActionsRequest {
            as_of,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
}

/// R-MON-2: an action not completed by its due date is listed, earliest
/// due first across complaints, with what it is and who owns it; one not
/// yet due is not, until the day it is; each complaint answered is in the
/// access audit as read by the monitor.
#[tokio::test]
async fn r_mon_2_actions_past_their_due_date_are_listed_across_complaints_earliest_first() {
    let mut stack = Stack::spawn().await;
    let first = stack.open_complaint("overdue-1").await;
    let second = stack.open_complaint("overdue-2").await;
    add_action(
        &mut stack,
        &first,
        "Retrain the exams office",
        date(2026, 3, 20),
    )
    .await;
    add_action(
        &mut stack,
        &second,
        "Reissue the certificate",
        date(2026, 3, 10),
    )
    .await;
    add_action(
        &mut stack,
        &first,
        "Review the resit policy",
        date(2026, 5, 1),
    )
    .await;
    let mut csm = as_role(&stack, "csm-1", Role::CustomerServiceManager).await;

    assert!(
        overdue(&mut csm, None).await.actions.is_empty(),
        "nothing is due before Monday 2 March"
    );
    // The day after the second action was due: only it is overdue.
    let answer = overdue(&mut csm, Some(date(2026, 3, 11))).await;
    assert_eq!(
        listed(&answer),
        [(second.clone(), 1, "Reissue the certificate".to_owned())]
    );
    let action = &answer.actions[0];
    assert_eq!(action.owner, "owner-1");
    assert_eq!(action.kind, pb::ActionKind::Improvement as i32);
    assert_eq!(action.due_on, Some(date(2026, 3, 10)));
    assert!(answer.next_page_token.is_empty());
    // Due on the day asked about is not yet overdue.
    assert!(
        overdue(&mut csm, Some(date(2026, 3, 10)))
            .await
            .actions
            .is_empty()
    );
    // The service's own today when the request names no day.
    stack.clock.advance(chrono::Duration::days(61));
    assert_eq!(
        listed(&overdue(&mut csm, None).await),
        [
            (second.clone(), 1, "Reissue the certificate".to_owned()),
            (first.clone(), 1, "Retrain the exams office".to_owned()),
            (first.clone(), 2, "Review the resit policy".to_owned()),
        ]
    );

    // The second was in two answers, the first in the last one.
    for (reference, answers) in [(&second, 2), (&first, 1)] {
        let reads = access_audit(stack.complaints_addr, Some(reference))
            .await
            .into_iter()
            .filter(|e| {
                e.subject == "csm-1"
                    && e.method == "/complaints.v1.Complaints/ListOverdueActions"
                    && e.outcome == "read"
            })
            .count();
        assert_eq!(reads, answers, "each answer naming {reference} is audited");
    }
    stack.cleanup().await;
}

/// R-MON-2: the list pages by token in its order, every action once, and
/// the last page gives no token.
#[tokio::test]
async fn r_mon_2_overdue_actions_page_by_token_each_once_in_order() {
    let mut stack = Stack::spawn().await;
    let one = stack.open_complaint("paged-1").await;
    let two = stack.open_complaint("paged-2").await;
    add_action(&mut stack, &one, "A", date(2026, 3, 4)).await;
    add_action(&mut stack, &two, "B", date(2026, 3, 4)).await;
    add_action(&mut stack, &one, "C", date(2026, 3, 5)).await;
    let mut head = as_role(&stack, "head-1", Role::HeadOfCustomerExperience).await;
    let mut token = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = head
            .list_overdue_actions(pb::ListOverdueActionsRequest {
                as_of: Some(date(2026, 4, 1)),
                page_size: 2,
                page_token: token.clone(),
            })
            .await
            .unwrap()
            .into_inner();
        pages += 1;
        assert!(page.actions.len() <= 2);
        assert_eq!(page.total, 3, "every page counts them all");
        seen.extend(page.actions.iter().map(|a| a.description.clone()));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let mut by_reference = [(one.clone(), "A"), (two.clone(), "B")];
    by_reference.sort();
    let mut expected: Vec<String> = by_reference.iter().map(|(_, d)| (*d).to_owned()).collect();
    expected.push("C".to_owned());
    assert_eq!(seen, expected);
    assert_eq!(pages, 2, "three actions in pages of two");
    stack.cleanup().await;
}

/// R-MON-2: an action completed is no longer overdue, and a complaint
/// destroyed at the end of its retention period (R-CONF-2) takes its
/// actions with it.
#[tokio::test]
async fn r_mon_2_completed_actions_and_destroyed_complaints_leave_the_list() {
    let mut stack = Stack::spawn().await;
    let kept = stack.open_complaint("kept").await;
    let destroyed = stack.open_complaint("destroyed").await;
    add_action(&mut stack, &kept, "Done in the end", date(2026, 3, 3)).await;
    add_action(&mut stack, &kept, "Still to do", date(2026, 3, 4)).await;
    add_action(&mut stack, &destroyed, "Goes with it", date(2026, 3, 5)).await;
    let mut ccm = as_role(&stack, "ccm-1", Role::ComplianceManager).await;
    let later = Some(date(2026, 4, 1));
    assert_eq!(overdue(&mut ccm, later).await.actions.len(), 3);

    stack
        .complaints
        .complete_action(pb::CompleteActionRequest {
            command: acting(&kept, "handler-1"),
            action_id: 1,
            note: "Done.".into(),
        })
        .await
        .unwrap();
    let left: Vec<String> = overdue(&mut ccm, later)
        .await
        .actions
        .into_iter()
        .map(|a| a.description)
        .collect();
    assert_eq!(left, ["Still to do", "Goes with it"]);

    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&destroyed, "handler-1"),
            how: "Explained by phone.".into(),
        })
        .await
        .unwrap();
    stack.clock.advance(chrono::Duration::days(6 * 365 + 3));
    let mut retention =
        RetentionClient::new(platform::testing::channel(stack.complaints_addr).await);
    let run = retention
        .run_retention(pb::RunRetentionRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(run.destroyed.len(), 1, "{run:?}");
    assert_eq!(run.destroyed[0].record, destroyed);
    let left: Vec<(String, String)> = overdue(&mut ccm, None)
        .await
        .actions
        .into_iter()
        .map(|a| (a.reference, a.description))
        .collect();
    assert_eq!(left, [(kept.clone(), "Still to do".to_owned())]);
    stack.cleanup().await;
}

/// R-MON-2 with R-MON-1: only the monitors list the actions overdue
/// across complaints; handlers, managers, the data protection officer and
/// the committee are refused.
#[tokio::test]
async fn r_mon_2_only_the_monitors_list_overdue_actions() {
    let stack = Stack::spawn().await;
    for role in [
        Role::HeadOfCustomerExperience,
        Role::CustomerServiceManager,
        Role::ComplianceManager,
    ] {
        let mut client = as_role(&stack, "monitor-1", role).await;
        overdue(&mut client, None).await;
    }
    for role in [
        Role::Handler,
        Role::Manager,
        Role::DataProtectionOfficer,
        Role::Committee,
        Role::Portal,
    ] {
        let mut client = as_role(&stack, "someone-1", role).await;
        let status = client
            .list_overdue_actions(pb::ListOverdueActionsRequest::default())
            .await
            .unwrap_err();
        assert_eq!(
            status.code(),
            Code::PermissionDenied,
            "{role:?}: {status:?}"
        );
    }
    stack.cleanup().await;
}

/// A wrong page size, page token or day is refused naming the field.
#[tokio::test]
async fn r_mon_2_a_wrong_page_size_token_or_day_is_refused_naming_the_field() {
    let stack = Stack::spawn().await;
    let mut ccm = as_role(&stack, "ccm-1", Role::ComplianceManager).await;
    for (request, field) in [
        (
            pb::ListOverdueActionsRequest {
                page_size: 501,
                ..Default::default()
            },
            "page_size",
        ),
        (
            pb::ListOverdueActionsRequest {
                page_token: "2026-03-09_CMP-2026-000001".into(),
                ..Default::default()
            },
            "page_token",
        ),
        (
            pb::ListOverdueActionsRequest {
                as_of: Some(date(2026, 2, 30)),
                ..Default::default()
            },
            "as_of",
        ),
        (
            pb::ListOverdueActionsRequest {
                as_of: Some(date(1900, 1, 1)),
                ..Default::default()
            },
            "as_of",
        ),
    ] {
        refused(
            ccm.list_overdue_actions(request).await,
            Code::InvalidArgument,
            field,
        );
    }
    stack.cleanup().await;
}

/// R-MON-1: with `with_counts`, the work queue answers how many open
/// complaints it matches, how many have missed a deadline and how many
/// have one approaching, whatever the page, on the day the request names.
#[tokio::test]
async fn r_mon_1_the_work_queue_counts_every_complaint_it_matches_not_only_its_page() {
    let mut stack = Stack::spawn().await;
    for key in ["count-1", "count-2", "count-3"] {
        stack.open_complaint(key).await;
    }
    let closed = stack.open_complaint("count-closed").await;
    stack
        .complaints
        .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
            command: acting(&closed, "handler-1"),
            how: "Explained by phone.".into(),
        })
        .await
        .unwrap();
    let mut csm = as_role(&stack, "csm-1", Role::CustomerServiceManager).await;
    let counts = |as_of: Option<chrono::NaiveDate>| pb::ListWorkQueueRequest {
        page_size: 1,
        with_counts: true,
        counts_as_of: as_of.map(|d| {
            date(
                chrono::Datelike::year(&d),
                chrono::Datelike::month(&d),
                chrono::Datelike::day(&d),
            )
        }),
        approaching_within_working_days: 2,
        ..Default::default()
    };
    let page = csm
        .list_work_queue(counts(None))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.items.len(), 1, "one row a page");
    assert_eq!(
        page.counts,
        Some(pb::WorkQueueCounts {
            open: 3,
            missed: 0,
            approaching: 0,
        }),
        "received today, each first contact is due in seven working days"
    );
    let due = page.items[0].next_due_on.expect("a first-contact deadline");
    let due = chrono::NaiveDate::from_ymd_opt(due.year, due.month, due.day).unwrap();
    let on = |as_of| {
        let mut csm = csm.clone();
        async move {
            csm.list_work_queue(counts(Some(as_of)))
                .await
                .unwrap()
                .into_inner()
                .counts
        }
    };
    let counted = |missed, approaching| {
        Some(pb::WorkQueueCounts {
            open: 3,
            missed,
            approaching,
        })
    };
    assert_eq!(on(due).await, counted(0, 3), "due on the day: approaching");
    assert_eq!(
        on(due.succ_opt().unwrap()).await,
        counted(3, 0),
        "then missed"
    );
    let plain = csm
        .list_work_queue(pb::ListWorkQueueRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(plain.counts, None, "counted only when asked");
    refused(
        csm.list_work_queue(pb::ListWorkQueueRequest {
            counts_as_of: Some(date(2026, 2, 30)),
            ..counts(None)
        })
        .await,
        Code::InvalidArgument,
        "counts_as_of",
    );
    stack.cleanup().await;
}

/// R-MON-2: an action projected before the read model held what it is
/// (rows older than migration 1004) is still listed in full, read from its
/// complaint's log.
#[tokio::test]
async fn r_mon_2_an_action_projected_before_its_details_were_kept_is_read_from_the_log() {
    let mut stack = Stack::spawn().await;
    let reference = stack.open_complaint("older-row").await;
    add_action(&mut stack, &reference, "From the log", date(2026, 3, 3)).await;
    sqlx::query("UPDATE open_actions SET kind = NULL, description = NULL, owner = NULL")
        .execute(stack.log.pool())
        .await
        .unwrap();
    let mut ccm = as_role(&stack, "ccm-1", Role::ComplianceManager).await;
    let answer = overdue(&mut ccm, Some(date(2026, 4, 1))).await;
    assert_eq!(
        listed(&answer),
        [(reference.clone(), 1, "From the log".to_owned())]
    );
    assert_eq!(answer.actions[0].owner, "owner-1");
    assert_eq!(answer.actions[0].kind, pb::ActionKind::Improvement as i32);
    stack.cleanup().await;
}
