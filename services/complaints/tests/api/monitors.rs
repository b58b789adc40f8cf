//! R-MON-1: the people who monitor complaints (the Head of Customer
//! Experience, Customer Service Managers, the Corporate Compliance
//! Manager) see every open complaint with its deadlines, whichever team
//! holds it. Seeing is not handling: a Customer Service Manager's commands
//! stay within the team they manage, if they manage one (R-CONF-1).

use crate::helpers::{Stack, acting, assign};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use platform::Clock;
use platform::auth::Role;
use platform::testing::{access_audit, channel_as, token};
use tonic::Code;

/// Two complaints, one held in North and one in South.
async fn two_teams(stack: &mut Stack) -> (String, String) {
    let north = stack.open_complaint("north-1").await;
    let south = stack.open_complaint("south-1").await;
    assign(stack, &north, "h.north", "North", pb::HandlerRole::Handler).await;
    assign(stack, &south, "h.south", "South", pb::HandlerRole::Handler).await;
    (north, south)
}

async fn client(stack: &Stack, token: &str) -> ComplaintsClient<platform::testing::Authed> {
    ComplaintsClient::new(channel_as(stack.complaints_addr, Some(token)).await)
}

async fn queue(
    client: &mut ComplaintsClient<platform::testing::Authed>,
    team: &str,
) -> Vec<(String, String, bool)> {
    let mut items: Vec<(String, String, bool)> = client
        .list_work_queue(pb::ListWorkQueueRequest {
            team: team.into(),
            ..Default::default()
        })
        .await
        .unwrap()
        .into_inner()
        .items
        .into_iter()
        .map(|i| (i.reference, i.team, i.next_due_on.is_some()))
        .collect();
    items.sort();
    items
}

fn contact(reference: &str, as_user: &str, now: i64) -> pb::RecordContactRequest {
    pb::RecordContactRequest {
        command: acting(reference, as_user),
        at: Some(prost_types::Timestamp {
            seconds: now,
            nanos: 0,
        }),
        method: pb::ContactMethod::Telephone as i32,
        summary: "Called to talk it through.".into(),
    }
}

/// R-MON-1: a Customer Service Manager (role `customer_service_manager`,
/// no team) reads every complaint and its history, and the work queue of
/// every team with each complaint's next deadline; each read is in the
/// access audit. The role handles nothing: a command is refused and
/// changes nothing.
#[tokio::test]
async fn r_mon_1_a_customer_service_manager_sees_every_open_complaint_with_its_deadlines() {
    let mut stack = Stack::spawn().await;
    let (north, south) = two_teams(&mut stack).await;
    let mut csm = client(
        &stack,
        &token("csm-1", &[Role::CustomerServiceManager], None),
    )
    .await;

    for reference in [&north, &south] {
        csm.get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap();
        csm.get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap();
    }
    assert_eq!(
        queue(&mut csm, "").await,
        [
            (north.clone(), "North".to_owned(), true),
            (south.clone(), "South".to_owned(), true),
        ],
        "every team's complaints, each with its next deadline"
    );
    assert_eq!(
        queue(&mut csm, "South").await,
        [(south.clone(), "South".to_owned(), true)]
    );

    let before = stack.view(&south).await.version;
    let now = stack.clock.now().timestamp();
    let refused = csm
        .record_contact(contact(&south, "csm-1", now))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert_eq!(stack.view(&south).await.version, before, "nothing changed");

    let audit: Vec<(String, String)> = access_audit(stack.complaints_addr, Some(&south))
        .await
        .into_iter()
        .filter(|e| e.subject == "csm-1")
        .map(|e| (e.method, e.outcome))
        .collect();
    assert_eq!(
        audit,
        [
            (
                "/complaints.v1.Complaints/GetComplaint".to_owned(),
                "read".to_owned()
            ),
            (
                "/complaints.v1.Complaints/GetHistory".to_owned(),
                "read".to_owned()
            ),
        ]
    );
    stack.cleanup().await;
}

/// R-MON-1 with R-CONF-1: a Customer Service Manager who is also the line
/// manager of North (roles `customer_service_manager` and `manager`, team
/// North) monitors South's complaints but handles only North's: a command
/// on South is refused, recorded in the access audit and changes nothing,
/// while the same command on North is taken.
#[tokio::test]
async fn r_mon_1_a_monitor_reads_across_teams_but_handles_only_their_own_team() {
    let mut stack = Stack::spawn().await;
    let (north, south) = two_teams(&mut stack).await;
    let mut csm = client(
        &stack,
        &token(
            "csm-north",
            &[Role::CustomerServiceManager, Role::Manager],
            Some("North"),
        ),
    )
    .await;
    assert_eq!(queue(&mut csm, "").await.len(), 2, "both teams' complaints");
    csm.get_complaint(pb::GetComplaintRequest {
        reference: south.clone(),
    })
    .await
    .unwrap();

    let before = stack.view(&south).await.version;
    let now = stack.clock.now().timestamp();
    let refused = csm
        .record_contact(contact(&south, "csm-north", now))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    assert!(refused.message().contains("R-CONF-1"), "{refused:?}");
    assert_eq!(stack.view(&south).await.version, before, "nothing changed");
    let refused_reassign = csm
        .assign_handler(pb::AssignHandlerRequest {
            command: acting(&south, "csm-north"),
            handler: "h.north".into(),
            team: "North".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap_err();
    assert_eq!(refused_reassign.code(), Code::PermissionDenied);
    assert!(
        access_audit(stack.complaints_addr, Some(&south))
            .await
            .iter()
            .any(|e| e.subject == "csm-north"
                && e.outcome == "denied"
                && e.method.ends_with("/RecordContact")),
        "the refusal is recorded"
    );

    csm.record_contact(contact(&north, "csm-north", now))
        .await
        .unwrap();
    stack.cleanup().await;
}

/// R-MON-1: the Head of Customer Experience monitors every team's work
/// queue too.
#[tokio::test]
async fn r_mon_1_the_head_of_customer_experience_sees_every_teams_work_queue() {
    let mut stack = Stack::spawn().await;
    let (north, south) = two_teams(&mut stack).await;
    let mut head = client(
        &stack,
        &token("head-cx", &[Role::HeadOfCustomerExperience], None),
    )
    .await;
    let references: Vec<String> = queue(&mut head, "")
        .await
        .into_iter()
        .map(|(reference, _, _)| reference)
        .collect();
    assert_eq!(references, [north, south]);
    stack.cleanup().await;
}
