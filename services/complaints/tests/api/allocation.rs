//! R-S2-3 / R-CONF-1: a line manager's work queue holds their team's
//! complaints and the ones no team holds yet, which they allocate; a
//! handler's holds only their team's.

use crate::helpers::{Stack, assign};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use platform::auth::Role;
use platform::testing::{channel_as, token};

async fn queue_of(stack: &Stack, roles: &[Role], team: &str) -> Vec<String> {
    let mut client = ComplaintsClient::new(
        channel_as(
            stack.complaints_addr,
            Some(&token("someone", roles, Some(team))),
        )
        .await,
    );
    let mut references: Vec<String> = client
        .list_work_queue(pb::ListWorkQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items
        .into_iter()
        .map(|i| i.reference)
        .collect();
    references.sort();
    references
}

#[tokio::test]
async fn r_s2_3_a_line_managers_queue_holds_their_teams_complaints_and_the_unallocated_ones_to_allocate()
 {
    let mut stack = Stack::spawn().await;
    let unallocated = stack.open_complaint("unallocated-1").await;
    let north = stack.open_complaint("north-1").await;
    let south = stack.open_complaint("south-1").await;
    assign(
        &mut stack,
        &north,
        "h.north",
        "North",
        pb::HandlerRole::Handler,
    )
    .await;
    assign(
        &mut stack,
        &south,
        "h.south",
        "South",
        pb::HandlerRole::Handler,
    )
    .await;

    let mut expected = vec![unallocated.clone(), north.clone()];
    expected.sort();
    assert_eq!(
        queue_of(&stack, &[Role::Manager], "North").await,
        expected,
        "the manager sees North's complaint and the one to allocate, not South's"
    );
    assert_eq!(
        queue_of(&stack, &[Role::Handler], "North").await,
        vec![north],
        "a handler sees only their team's"
    );
    stack.cleanup().await;
}
